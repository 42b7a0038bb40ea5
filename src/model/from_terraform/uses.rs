//! Uses of load balancers, listeners, target groups, Auto Scaling groups and capacity
//! reservations by resources whose meaning we do not read: an ECS service registering tasks
//! with a target group, a listener rule, a scheduled action that raises a group's size, a
//! resource group holding a reservation. Each is an escape (`Model::escaped`), like an
//! output: the rules that ask "does anything use this?" stay silent.

use super::Adapter;
use crate::model::address::is_resource;
use crate::model::{Escape, ResourceRef};
use crate::resolved::Resource;

/// The types whose uses are tracked.
const TRACKED: &[&str] = &[
    "aws_lb",
    "aws_alb",
    "aws_elb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_autoscaling_group",
    "aws_ec2_capacity_reservation",
];

/// Resources whose references to the tracked types an adapter reads (what they mean is
/// modeled): not escapes. Their references to other tracked types are.
const READERS: &[(&str, &[&str])] = &[
    (
        "aws_autoscaling_group",
        &[
            "aws_lb_target_group",
            "aws_alb_target_group",
            "aws_elb",
            "aws_ec2_capacity_reservation",
        ],
    ),
    (
        "aws_autoscaling_attachment",
        &[
            "aws_autoscaling_group",
            "aws_lb_target_group",
            "aws_alb_target_group",
            "aws_elb",
        ],
    ),
    (
        "aws_autoscaling_traffic_source_attachment",
        &[
            "aws_autoscaling_group",
            "aws_lb_target_group",
            "aws_alb_target_group",
            "aws_elb",
        ],
    ),
    (
        "aws_lb_listener",
        &[
            "aws_lb",
            "aws_alb",
            "aws_lb_target_group",
            "aws_alb_target_group",
        ],
    ),
    (
        "aws_alb_listener",
        &[
            "aws_lb",
            "aws_alb",
            "aws_lb_target_group",
            "aws_alb_target_group",
        ],
    ),
    (
        "aws_lb_target_group_attachment",
        &["aws_lb_target_group", "aws_alb_target_group"],
    ),
    (
        "aws_alb_target_group_attachment",
        &["aws_lb_target_group", "aws_alb_target_group"],
    ),
    ("aws_elb_attachment", &["aws_elb"]),
    ("aws_instance", &["aws_ec2_capacity_reservation"]),
    ("aws_launch_template", &["aws_ec2_capacity_reservation"]),
];

/// Resources that refer to an Auto Scaling group without being able to change its maximum
/// size or register its instances anywhere.
const GROUP_WATCHERS: &[&str] = &[
    "aws_autoscaling_policy",
    "aws_autoscaling_lifecycle_hook",
    "aws_autoscaling_notification",
    "aws_cloudwatch_metric_alarm",
];

pub(super) fn escapes(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    if r.data
        || r.references.is_empty()
        // The instances of one declaration share their references: once is enough.
        || !a
            .seen_uses
            .insert(std::sync::Arc::as_ptr(&r.references) as *const u8 as usize)
    {
        return;
    }
    let read: &[&str] = READERS
        .iter()
        .find(|(k, _)| *k == r.kind)
        .map(|(_, kinds)| *kinds)
        .unwrap_or(&[]);
    for m in r.references.iter() {
        let Some(kind) = TRACKED.iter().find(|k| is_resource(&m.address, k)) else {
            continue;
        };
        if read.contains(kind)
            || (*kind == "aws_autoscaling_group" && GROUP_WATCHERS.contains(&r.kind.as_str()))
            // A resource's reference to itself (`self`) is no use.
            || crate::model::without_instance_key(&m.address)
                == crate::model::without_instance_key(&resource.address)
        {
            continue;
        }
        a.model.escapes.push(Escape {
            unit: resource.unit,
            address: m.address.clone(),
            attr: m.attr.clone(),
            span: m.span,
            context: format!("`{}` resource `{}`", resource.kind, resource.address),
        });
    }
}

/// Target groups, listeners, Auto Scaling groups and capacity reservations handed to a local
/// module: the module is resolved, but a use inside it through its variable by a resource we
/// do not read (an ECS service, a listener rule, a resource group) has no reference we see.
/// (A load balancer handed to a module is not: what the rules ask of it, whether it has a
/// listener, is answered by the listeners the module declares, which are read.)
pub(super) fn followed_escapes(a: &mut Adapter) {
    const KINDS: &[&str] = &[
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_lb_target_group",
        "aws_alb_target_group",
        "aws_autoscaling_group",
        "aws_ec2_capacity_reservation",
    ];
    let unit = a.unit.unit.id;
    for e in a.unit.escapes.iter().filter(|e| e.followed) {
        if KINDS.iter().any(|k| is_resource(&e.mention.address, k)) {
            a.model.escapes.push(Escape {
                unit,
                address: e.mention.address.clone(),
                attr: e.mention.attr.clone(),
                span: e.mention.span,
                context: e.context.clone(),
            });
        }
    }
}
