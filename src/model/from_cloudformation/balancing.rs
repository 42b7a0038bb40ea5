//! Elastic Load Balancing: `AWS::ElasticLoadBalancingV2::{LoadBalancer,Listener,TargetGroup}`
//! and Classic Load Balancers (`AWS::ElasticLoadBalancing::LoadBalancer`).

use super::scaling::{items, map, unknown_at, SUBNET, TARGET_GROUP};
use super::{eip, string_field, Adapter};
use crate::model::{
    BalancerKind, Designated, Designation, Field, Listener, ListenerAction, LoadBalancer,
    Registered, ResourceRef, TargetGroup, TargetRegistration, Val,
};
use crate::resolved::{Body, Resource};

pub(super) const BALANCER: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";

/// A load balancer and the Elastic IPs its subnet mappings associate.
pub(super) fn load_balancer(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    eip::load_balancer(r, resource, a);
    let props = &r.body;
    let kind = match super::field(props.attr("Type"), |v| {
        v.as_cfn_string().and_then(|t| BalancerKind::from_type(&t))
    }) {
        Some(kind) => kind,
        None => Field::known_at(BalancerKind::Application, resource.span),
    };
    let mut zones = a.named_by(props, "Subnets", &[SUBNET]);
    let mut zones_open = false;
    let mut zones_with_eip = 0;
    if props.attr("SubnetMappings").is_some() {
        match items(props, "SubnetMappings") {
            Some(list) => {
                for mapping in list {
                    zones.push(
                        a.one_named(&mapping.body, "SubnetId", &[SUBNET])
                            .unwrap_or_else(|| unknown_at(mapping.span)),
                    );
                    let own_eip = mapping
                        .body
                        .attr("AllocationId")
                        .is_some_and(|attr| attr.value != Val::Null);
                    if own_eip {
                        zones_with_eip += 1;
                    }
                }
            }
            None => zones_open = true,
        }
    }
    a.model.load_balancers.push(LoadBalancer {
        resource: resource.clone(),
        kind,
        internal: internal(props, resource),
        zones,
        zones_open,
        zones_with_eip,
        inline_listeners: 0,
    });
}

/// `Scheme: internal`; internet-facing when not written.
fn internal(props: &Body, resource: &ResourceRef) -> Field<bool> {
    match super::field(props.attr("Scheme"), |v| {
        v.as_cfn_string().map(|s| s == "internal")
    }) {
        Some(f) => f,
        None => Field::known_at(false, resource.span),
    }
}

/// `AWS::ElasticLoadBalancing::LoadBalancer`: its inline `Listeners` and `Instances`.
pub(super) fn classic(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    let mut zones = a.named_by(props, "Subnets", &[SUBNET]);
    if zones.is_empty() {
        zones = a.named_by(props, "AvailabilityZones", &[]);
    }
    let inline_listeners = match (props.attr("Listeners"), items(props, "Listeners")) {
        (None, _) => 0,
        (Some(_), Some(list)) => list.len(),
        // Not written literally: at least one may exist.
        (Some(_), None) => 1,
    };
    if let Some(attr) = props.attr("Instances") {
        if attr.value != Val::Null && attr.value != Val::List(Vec::new()) {
            a.model.target_registrations.push(TargetRegistration {
                declared_by: resource.clone(),
                balancer: myself(resource),
                targets: Registered::Other,
            });
        }
    }
    a.model.load_balancers.push(LoadBalancer {
        resource: resource.clone(),
        kind: Field::known_at(BalancerKind::Classic, resource.span),
        internal: internal(props, resource),
        zones,
        zones_open: false,
        zones_with_eip: 0,
        inline_listeners,
    });
}

fn myself(resource: &ResourceRef) -> Designation {
    Designation {
        target: Designated::Resource(resource.address.clone()),
        span: resource.span,
        conditional: false,
    }
}

/// `AWS::ElasticLoadBalancingV2::Listener`: its balancer and default actions.
pub(super) fn listener(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    let mut actions = Vec::new();
    let mut actions_open = false;
    match items(props, "DefaultActions") {
        Some(list) => {
            for action in list {
                let mut target_groups = a.named_by(&action.body, "TargetGroupArn", &[TARGET_GROUP]);
                if let Some(forward) = map(&action.body, "ForwardConfig") {
                    match items(&forward.body, "TargetGroups") {
                        Some(groups) => {
                            for g in groups {
                                target_groups.extend(a.named_by(
                                    &g.body,
                                    "TargetGroupArn",
                                    &[TARGET_GROUP],
                                ));
                            }
                        }
                        None => {
                            if forward.body.attr("TargetGroups").is_some() {
                                target_groups.push(unknown_at(forward.span));
                            }
                        }
                    }
                }
                actions.push(ListenerAction {
                    kind: string_field(&action.body, "Type"),
                    target_groups,
                    span: action.span,
                });
            }
        }
        None => actions_open = true,
    }
    let mut load_balancers = a.named_by(props, "LoadBalancerArn", &[BALANCER]);
    if load_balancers.is_empty() {
        load_balancers.push(unknown_at(resource.span));
    }
    a.model.listeners.push(Listener {
        resource: resource.clone(),
        load_balancers,
        actions,
        actions_open,
    });
}

/// `AWS::ElasticLoadBalancingV2::TargetGroup`, and the targets its `Targets` registers.
pub(super) fn target_group(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    if let Some(attr) = r.body.attr("Targets") {
        if attr.value != Val::Null && attr.value != Val::List(Vec::new()) {
            a.model.target_registrations.push(TargetRegistration {
                declared_by: resource.clone(),
                balancer: myself(resource),
                targets: Registered::Other,
            });
        }
    }
    a.model.target_groups.push(TargetGroup {
        resource: resource.clone(),
    });
}
