//! Load balancers (`aws_lb`, `aws_alb`, `aws_elb`), listeners, target groups, and what
//! registers targets with them.

use super::scaling::{named_by, one_named, unknown_at, CLASSIC, TARGET_GROUPS};
use super::{eip, Adapter};
use crate::model::{
    BalancerKind, Designated, Designation, Field, Listener, ListenerAction, LoadBalancer,
    Registered, ResourceRef, TargetGroup, TargetRegistration, Val,
};
use crate::resolved::{BlockExpansion, Body, Resource};

const BALANCERS: &[&str] = &["aws_lb", "aws_alb"];
const SUBNETS: &[&str] = &["aws_subnet"];

/// `aws_lb` / `aws_alb`: the balancer, and the Elastic IPs its subnet mappings associate.
pub(super) fn load_balancer(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    eip::load_balancer(r, resource, a);
    let body = &r.body;
    let kind = match body.attr("load_balancer_type") {
        Some(attr) if attr.value != Val::Null => {
            attr.field(|v| v.as_string().and_then(|t| BalancerKind::from_type(&t)))
        }
        // The API default.
        _ => Field::known_at(BalancerKind::Application, resource.span),
    };
    let mut zones = named_by(body, "subnets", SUBNETS);
    let mut zones_open = false;
    let mut zones_with_eip = 0;
    for mapping in body.blocks("subnet_mapping") {
        if mapping.expansion == BlockExpansion::AnyNumber {
            zones_open = true;
            continue;
        }
        zones.push(
            one_named(&mapping.body, "subnet_id", SUBNETS)
                .unwrap_or_else(|| unknown_at(mapping.header)),
        );
        // An unknown allocation may be an EIP: not priced as the balancer's address.
        let own_eip = mapping
            .body
            .attr("allocation_id")
            .is_some_and(|attr| match &attr.value {
                Val::Null => false,
                Val::Str(s) => !s.is_empty(),
                _ => true,
            });
        if own_eip {
            zones_with_eip += 1;
        }
    }
    a.model.load_balancers.push(LoadBalancer {
        resource: resource.clone(),
        kind,
        internal: internal(body, resource),
        zones,
        zones_open,
        zones_with_eip,
        inline_listeners: 0,
    });
}

/// `internal`; false (internet-facing) when not written.
fn internal(body: &Body, resource: &ResourceRef) -> Field<bool> {
    body.field("internal", Val::as_bool)
        .unwrap_or_else(|| Field::known_at(false, resource.span))
}

/// `aws_elb`: a Classic Load Balancer, its inline listeners and the instances it names.
pub(super) fn classic(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    let mut zones = named_by(body, "subnets", SUBNETS);
    if zones.is_empty() {
        zones = named_by(body, "availability_zones", &[]);
    }
    let listeners: Vec<_> = body.blocks("listener").collect();
    let open = listeners
        .iter()
        .any(|l| l.expansion == BlockExpansion::AnyNumber);
    if let Some(attr) = body.attr("instances") {
        if !matches!(&attr.value, Val::Null) && attr.value != Val::List(Vec::new()) {
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
        internal: internal(body, resource),
        zones,
        zones_open: false,
        zones_with_eip: 0,
        // Listeners generated from an unknown collection: at least one may exist.
        inline_listeners: listeners.len() + usize::from(open),
    });
}

fn myself(resource: &ResourceRef) -> Designation {
    Designation {
        target: Designated::Resource(resource.address.clone()),
        span: resource.span,
        conditional: false,
    }
}

/// `aws_lb_listener` / `aws_alb_listener`.
pub(super) fn listener(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    let mut actions = Vec::new();
    let mut actions_open = false;
    for action in body.blocks("default_action") {
        if action.expansion == BlockExpansion::AnyNumber {
            actions_open = true;
            continue;
        }
        let mut target_groups = named_by(&action.body, "target_group_arn", TARGET_GROUPS);
        for forward in action.body.blocks("forward") {
            for group in forward.body.blocks("target_group") {
                if group.expansion == BlockExpansion::AnyNumber {
                    target_groups.push(unknown_at(group.header));
                } else {
                    target_groups.extend(named_by(&group.body, "arn", TARGET_GROUPS));
                }
            }
        }
        actions.push(ListenerAction {
            kind: action.body.field("type", Val::as_string),
            target_groups,
            span: action.span,
        });
    }
    let mut load_balancers = named_by(body, "load_balancer_arn", BALANCERS);
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

/// `aws_lb_target_group` / `aws_alb_target_group`.
pub(super) fn target_group(_r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.target_groups.push(TargetGroup {
        resource: resource.clone(),
    });
}

/// `aws_lb_target_group_attachment`: an instance, IP address or function registered with a
/// target group.
pub(super) fn target_group_attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    register_other(&r.body, "target_group_arn", TARGET_GROUPS, resource, a);
}

/// `aws_elb_attachment`: an instance registered with a classic balancer.
pub(super) fn classic_attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    register_other(&r.body, "elb", CLASSIC, resource, a);
}

fn register_other(body: &Body, key: &str, kinds: &[&str], resource: &ResourceRef, a: &mut Adapter) {
    let mut balancers = named_by(body, key, kinds);
    if balancers.is_empty() {
        balancers.push(unknown_at(resource.span));
    }
    for balancer in balancers {
        a.model.target_registrations.push(TargetRegistration {
            declared_by: resource.clone(),
            balancer,
            targets: Registered::Other,
        });
    }
}
