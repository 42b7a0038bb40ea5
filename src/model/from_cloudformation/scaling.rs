//! `AWS::AutoScaling::AutoScalingGroup`: sizes, launch template or configuration, mixed
//! instances policy, placement, and the load balancers it registers with.

use super::{field, number_field, string_field, Adapter};
use crate::model::{
    designate, AutoScalingGroup, Designated, Designation, Field, MixedInstancesPolicy, Registered,
    ResourceRef, TargetRegistration, Val,
};
use crate::resolved::{Block, Body, Resource};
use crate::source::Span;

pub(super) const TARGET_GROUP: &str = "AWS::ElasticLoadBalancingV2::TargetGroup";
pub(super) const CLASSIC: &str = "AWS::ElasticLoadBalancing::LoadBalancer";
pub(super) const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
pub(super) const PLACEMENT_GROUP: &str = "AWS::EC2::PlacementGroup";
pub(super) const SUBNET: &str = "AWS::EC2::Subnet";
pub(super) const RESERVATION: &str = "AWS::EC2::CapacityReservation";

impl Adapter<'_> {
    /// What property `key` of `body` names among resources of `kinds`.
    pub(super) fn named_by(&self, body: &Body, key: &str, kinds: &[&str]) -> Vec<Designation> {
        match body.attr(key) {
            Some(attr) => designate(attr, &|id| kinds.iter().any(|k| self.is(id, k))),
            None => Vec::new(),
        }
    }

    /// The one resource property `key` names: several is a choice we cannot make.
    pub(super) fn one_named(&self, body: &Body, key: &str, kinds: &[&str]) -> Option<Designation> {
        let attr = body.attr(key)?;
        let mut all = self.named_by(body, key, kinds);
        match all.len() {
            0 => None,
            1 => all.pop(),
            _ => Some(unknown_at(attr.value_span)),
        }
    }
}

/// An unknown designation at `span`.
pub(super) fn unknown_at(span: Span) -> Designation {
    Designation {
        target: Designated::Unknown,
        span,
        conditional: true,
    }
}

/// The first nested property map `key` of `body` (`None` when absent or not a literal map).
pub(super) fn map<'b>(body: &'b Body, key: &'b str) -> Option<&'b Block> {
    body.blocks(key).next().filter(|b| b.value.is_none())
}

/// The items of list property `key`: `None` when some item (or the list) is not written
/// literally, so the items cannot all be read.
pub(super) fn items<'b>(body: &'b Body, key: &'b str) -> Option<Vec<&'b Block>> {
    let attr = body.attr(key)?;
    let blocks: Vec<&Block> = body.blocks(key).collect();
    let literal = blocks.iter().all(|b| b.value.is_none());
    let empty_list = matches!(&attr.value, Val::List(l) if l.is_empty());
    if !literal || (blocks.is_empty() && !empty_list) {
        return None;
    }
    Some(blocks)
}

pub(super) fn group(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    let mut launch_templates = Vec::new();
    if let Some(lt) = map(props, "LaunchTemplate") {
        launch_templates.extend(template_of(a, &lt.body));
    }
    let mixed =
        map(props, "MixedInstancesPolicy").map(|p| mixed_policy(a, p, &mut launch_templates));
    let mut capacity_reservations = Vec::new();
    if let Some(spec) = map(props, "CapacityReservationSpecification") {
        if let Some(target) = map(&spec.body, "CapacityReservationTarget") {
            capacity_reservations.extend(a.named_by(
                &target.body,
                "CapacityReservationIds",
                &[RESERVATION],
            ));
            if let Some(attr) = target.body.attr("CapacityReservationResourceGroupArns") {
                if attr.value != Val::Null && attr.value != Val::List(Vec::new()) {
                    capacity_reservations.push(unknown_at(attr.value_span));
                }
            }
        }
    }
    let mut balancers = a.named_by(props, "TargetGroupARNs", &[TARGET_GROUP]);
    balancers.extend(a.named_by(props, "LoadBalancerNames", &[CLASSIC]));
    if let Some(sources) = props.attr("TrafficSources") {
        match items(props, "TrafficSources") {
            Some(list) => {
                for source in list {
                    balancers.extend(a.named_by(
                        &source.body,
                        "Identifier",
                        &[TARGET_GROUP, CLASSIC],
                    ));
                }
            }
            None => balancers.push(unknown_at(sources.value_span)),
        }
    }
    let me = vec![Designation {
        target: Designated::Resource(resource.address.clone()),
        span: resource.span,
        conditional: false,
    }];
    for balancer in balancers {
        a.model.target_registrations.push(TargetRegistration {
            declared_by: resource.clone(),
            balancer,
            targets: Registered::AutoScalingGroups(me.clone()),
        });
    }
    let group = AutoScalingGroup {
        resource: resource.clone(),
        min_size: number_field(props, "MinSize"),
        max_size: number_field(props, "MaxSize"),
        desired_capacity: number_field(props, "DesiredCapacity"),
        launch_templates,
        launch_configurations: a.named_by(
            props,
            "LaunchConfigurationName",
            &["AWS::AutoScaling::LaunchConfiguration"],
        ),
        mixed_instances: mixed,
        subnets: a.named_by(props, "VPCZoneIdentifier", &[SUBNET]),
        subnets_span: props.attr("VPCZoneIdentifier").map(|a| a.value_span),
        availability_zones: field(props.attr("AvailabilityZones"), Val::as_strings),
        placement_group: a.one_named(props, "PlacementGroup", &[PLACEMENT_GROUP]),
        capacity_reservations,
    };
    a.model.auto_scaling_groups.push(group);
}

/// The launch template of a `LaunchTemplate` / `LaunchTemplateSpecification` map.
fn template_of(a: &Adapter, spec: &Body) -> Vec<Designation> {
    let key = if spec.attr("LaunchTemplateId").is_some() {
        "LaunchTemplateId"
    } else {
        "LaunchTemplateName"
    };
    a.named_by(spec, key, &[LAUNCH_TEMPLATE])
}

fn mixed_policy(
    a: &Adapter,
    policy: &Block,
    launch_templates: &mut Vec<Designation>,
) -> MixedInstancesPolicy {
    let mut override_types = Some(Vec::new());
    let mut flexible = false;
    if let Some(lt) = map(&policy.body, "LaunchTemplate") {
        if let Some(spec) = map(&lt.body, "LaunchTemplateSpecification") {
            launch_templates.extend(template_of(a, &spec.body));
        }
        if lt.body.attr("Overrides").is_some() {
            match items(&lt.body, "Overrides") {
                Some(list) => {
                    for o in list {
                        if o.body.attr("InstanceRequirements").is_some() {
                            flexible = true;
                        }
                        if let Some(spec) = map(&o.body, "LaunchTemplateSpecification") {
                            flexible = true;
                            launch_templates.extend(template_of(a, &spec.body));
                        }
                        if let (Some(t), Some(types)) =
                            (string_field(&o.body, "InstanceType"), &mut override_types)
                        {
                            types.push(t);
                        }
                    }
                }
                None => override_types = None,
            }
        }
    }
    let distribution = map(&policy.body, "InstancesDistribution");
    let read = |key: &str| distribution.and_then(|d| number_field(&d.body, key));
    MixedInstancesPolicy {
        span: policy.span,
        override_types,
        flexible,
        on_demand_base_capacity: read("OnDemandBaseCapacity"),
        on_demand_percentage_above_base: read("OnDemandPercentageAboveBaseCapacity"),
        spot_max_price: distribution
            .and_then(|d| string_field(&d.body, "SpotMaxPrice"))
            .filter(|f: &Field<String>| f.known().is_none_or(|p| !p.is_empty())),
    }
}
