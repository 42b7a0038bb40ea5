//! `aws_autoscaling_group`, and what attaches a group to load balancers
//! (`aws_autoscaling_attachment`, `aws_autoscaling_traffic_source_attachment`).

use super::Adapter;
use crate::model::address::is_resource;
use crate::model::{
    designate, AutoScalingGroup, Designated, Designation, Field, MixedInstancesPolicy, Registered,
    ResourceRef, TargetRegistration, Val,
};
use crate::resolved::{Attr, Block, BlockExpansion, Body, Resource};

pub(super) const TARGET_GROUPS: &[&str] = &["aws_lb_target_group", "aws_alb_target_group"];
pub(super) const CLASSIC: &[&str] = &["aws_elb"];
const GROUPS: &[&str] = &["aws_autoscaling_group"];
const LAUNCH_TEMPLATES: &[&str] = &["aws_launch_template"];
const LAUNCH_CONFIGURATIONS: &[&str] = &["aws_launch_configuration"];
const PLACEMENT_GROUPS: &[&str] = &["aws_placement_group"];
const SUBNETS: &[&str] = &["aws_subnet"];
pub(super) const RESERVATIONS: &[&str] = &["aws_ec2_capacity_reservation"];

/// What an attribute names among resources of `kinds`.
pub(super) fn named(attr: &Attr, kinds: &[&str]) -> Vec<Designation> {
    designate(attr, &|address| {
        kinds.iter().any(|k| is_resource(address, k))
    })
}

/// The attribute `key` of `body`, as what it names.
pub(super) fn named_by(body: &Body, key: &str, kinds: &[&str]) -> Vec<Designation> {
    body.attr(key)
        .map(|attr| named(attr, kinds))
        .unwrap_or_default()
}

/// The one resource an attribute names: several, or a list, is a choice we cannot make.
pub(super) fn one_named(body: &Body, key: &str, kinds: &[&str]) -> Option<Designation> {
    let attr = body.attr(key)?;
    let mut all = named(attr, kinds);
    match all.len() {
        0 => None,
        1 => all.pop(),
        _ => Some(Designation {
            target: Designated::Unknown,
            span: attr.value_span,
            conditional: true,
        }),
    }
}

/// An unknown designation at `span`: something we cannot read names a resource.
pub(super) fn unknown_at(span: crate::source::Span) -> Designation {
    Designation {
        target: Designated::Unknown,
        span,
        conditional: true,
    }
}

pub(super) fn group(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    let mut launch_templates = Vec::new();
    for block in body.blocks("launch_template") {
        launch_templates.extend(template_of(block, &["id", "name"]));
    }
    let mixed = body
        .blocks("mixed_instances_policy")
        .next()
        .map(|policy| mixed_policy(policy, &mut launch_templates));
    let mut capacity_reservations = Vec::new();
    for spec in body.blocks("capacity_reservation_specification") {
        for target in spec.body.blocks("capacity_reservation_target") {
            capacity_reservations.extend(named_by(
                &target.body,
                "capacity_reservation_ids",
                RESERVATIONS,
            ));
            // A resource group of reservations: any reservation may be in it.
            if let Some(attr) = target.body.attr("capacity_reservation_resource_group_arns") {
                if attr.value != Val::Null && attr.value != Val::List(Vec::new()) {
                    capacity_reservations.push(unknown_at(attr.value_span));
                }
            }
            if target.expansion == BlockExpansion::AnyNumber {
                capacity_reservations.push(unknown_at(target.header));
            }
        }
    }
    // Registrations with load balancers: `target_group_arns`, `load_balancers`, and
    // `traffic_source` blocks (a target group, a classic balancer or a VPC Lattice group).
    let me = vec![Designation {
        target: Designated::Resource(resource.address.clone()),
        span: resource.span,
        conditional: false,
    }];
    let mut balancers = named_by(body, "target_group_arns", TARGET_GROUPS);
    balancers.extend(named_by(body, "load_balancers", CLASSIC));
    for source in body.blocks("traffic_source") {
        match source.expansion {
            BlockExpansion::Once => balancers.extend(traffic_source(&source.body)),
            BlockExpansion::AnyNumber => balancers.push(unknown_at(source.header)),
        }
    }
    for balancer in balancers {
        a.model.target_registrations.push(TargetRegistration {
            declared_by: resource.clone(),
            balancer,
            targets: Registered::AutoScalingGroups(me.clone()),
        });
    }
    a.model.auto_scaling_groups.push(AutoScalingGroup {
        resource: resource.clone(),
        min_size: body.field("min_size", Val::as_f64),
        max_size: body.field("max_size", Val::as_f64),
        desired_capacity: body.field("desired_capacity", Val::as_f64),
        launch_templates,
        launch_configurations: named_by(body, "launch_configuration", LAUNCH_CONFIGURATIONS),
        mixed_instances: mixed,
        subnets: named_by(body, "vpc_zone_identifier", SUBNETS),
        subnets_span: body.attr("vpc_zone_identifier").map(|a| a.value_span),
        availability_zones: body.field("availability_zones", Val::as_strings),
        placement_group: one_named(body, "placement_group", PLACEMENT_GROUPS),
        capacity_reservations,
    });
}

/// The launch template a `launch_template` or `launch_template_specification` block names,
/// by the first of `keys` written; unknown for a block generated from an unknown collection.
fn template_of(block: &Block, keys: &[&str]) -> Vec<Designation> {
    if block.expansion == BlockExpansion::AnyNumber {
        return vec![unknown_at(block.header)];
    }
    keys.iter()
        .find_map(|key| block.body.attr(key))
        .map(|attr| named(attr, LAUNCH_TEMPLATES))
        .unwrap_or_default()
}

fn mixed_policy(policy: &Block, launch_templates: &mut Vec<Designation>) -> MixedInstancesPolicy {
    let mut override_types = Some(Vec::new());
    let mut flexible = false;
    for lt in policy.body.blocks("launch_template") {
        for spec in lt.body.blocks("launch_template_specification") {
            launch_templates.extend(template_of(
                spec,
                &["launch_template_id", "launch_template_name"],
            ));
        }
        for o in lt.body.blocks("override") {
            if o.expansion == BlockExpansion::AnyNumber {
                override_types = None;
                continue;
            }
            if o.body.blocks("instance_requirements").next().is_some() {
                flexible = true;
            }
            for spec in o.body.blocks("launch_template_specification") {
                flexible = true;
                launch_templates.extend(template_of(
                    spec,
                    &["launch_template_id", "launch_template_name"],
                ));
            }
            match (
                o.body.field("instance_type", Val::as_string),
                &mut override_types,
            ) {
                (Some(t), Some(types)) => types.push(t),
                // An override without a type (attribute-based) is flexible already.
                (None, _) => {}
                (Some(_), None) => {}
            }
        }
    }
    let distribution = policy.body.blocks("instances_distribution").next();
    let read = |key: &str| distribution.and_then(|d| d.body.field(key, Val::as_f64));
    MixedInstancesPolicy {
        span: policy.span,
        override_types,
        flexible,
        on_demand_base_capacity: read("on_demand_base_capacity"),
        on_demand_percentage_above_base: read("on_demand_percentage_above_base_capacity"),
        spot_max_price: distribution
            .and_then(|d| d.body.field("spot_max_price", Val::as_string))
            .filter(|f: &Field<String>| f.known().is_none_or(|p| !p.is_empty())),
    }
}

/// A `traffic_source { identifier, type }`: the balancer its identifier names (an ARN for
/// `elbv2`, a name for `elb`, a VPC Lattice target group for `vpc-lattice`).
fn traffic_source(body: &Body) -> Vec<Designation> {
    let mut kinds: Vec<&str> = TARGET_GROUPS.to_vec();
    kinds.extend_from_slice(CLASSIC);
    named_by(body, "identifier", &kinds)
}

/// `aws_autoscaling_attachment`: a group registered with a target group (`lb_target_group_arn`)
/// or a classic balancer (`elb`).
pub(super) fn attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let groups = named_by(&r.body, "autoscaling_group_name", GROUPS);
    let mut balancers = named_by(&r.body, "lb_target_group_arn", TARGET_GROUPS);
    balancers.extend(named_by(&r.body, "elb", CLASSIC));
    register(resource, balancers, groups, a);
}

/// `aws_autoscaling_traffic_source_attachment`.
pub(super) fn traffic_source_attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let groups = named_by(&r.body, "autoscaling_group_name", GROUPS);
    let mut balancers = Vec::new();
    for source in r.body.blocks("traffic_source") {
        match source.expansion {
            BlockExpansion::Once => balancers.extend(traffic_source(&source.body)),
            BlockExpansion::AnyNumber => balancers.push(unknown_at(source.header)),
        }
    }
    register(resource, balancers, groups, a);
}

fn register(
    resource: &ResourceRef,
    balancers: Vec<Designation>,
    groups: Vec<Designation>,
    a: &mut Adapter,
) {
    let groups = if groups.is_empty() {
        vec![unknown_at(resource.span)]
    } else {
        groups
    };
    for balancer in balancers {
        a.model.target_registrations.push(TargetRegistration {
            declared_by: resource.clone(),
            balancer,
            targets: Registered::AutoScalingGroups(groups.clone()),
        });
    }
}
