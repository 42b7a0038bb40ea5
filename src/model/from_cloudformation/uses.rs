//! Uses of load balancers, listeners, target groups, Auto Scaling groups and capacity
//! reservations by resources whose meaning we do not read: an ECS service registering tasks
//! with a target group, a listener rule, a scheduled action that raises a group's size, a
//! resource group holding a reservation. Each is an escape (`Model::escaped`), like an
//! output: the rules that ask "does anything use this?" stay silent. (Nested stacks and
//! custom resources are escapes of the template already.)

use super::Adapter;
use crate::model::{Escape, ResourceRef};
use crate::resolved::Resource;

const TRACKED: &[&str] = &[
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::EC2::CapacityReservation",
];

/// Resources whose references to the tracked types an adapter reads: not escapes. Their
/// references to other tracked types are.
const READERS: &[(&str, &[&str])] = &[
    (
        "AWS::AutoScaling::AutoScalingGroup",
        &[
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            "AWS::ElasticLoadBalancing::LoadBalancer",
            "AWS::EC2::CapacityReservation",
        ],
    ),
    (
        "AWS::ElasticLoadBalancingV2::Listener",
        &[
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "AWS::ElasticLoadBalancingV2::TargetGroup",
        ],
    ),
    ("AWS::EC2::Instance", &["AWS::EC2::CapacityReservation"]),
    (
        "AWS::EC2::LaunchTemplate",
        &["AWS::EC2::CapacityReservation"],
    ),
];

/// Resources that refer to an Auto Scaling group without being able to change its maximum
/// size or register its instances anywhere.
const GROUP_WATCHERS: &[&str] = &[
    "AWS::AutoScaling::ScalingPolicy",
    "AWS::AutoScaling::LifecycleHook",
    "AWS::CloudWatch::Alarm",
];

pub(super) fn escapes(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let whole = matches!(
        r.kind.as_str(),
        "AWS::CloudFormation::Stack"
            | "AWS::Serverless::Application"
            | "AWS::CloudFormation::CustomResource"
    ) || r.kind.starts_with("Custom::");
    if whole {
        return;
    }
    let read: &[&str] = READERS
        .iter()
        .find(|(k, _)| *k == r.kind)
        .map(|(_, kinds)| *kinds)
        .unwrap_or(&[]);
    for m in r.references.iter() {
        let Some(kind) = TRACKED.iter().find(|k| a.is(&m.address, k)) else {
            continue;
        };
        if read.contains(kind)
            || (*kind == "AWS::AutoScaling::AutoScalingGroup"
                && GROUP_WATCHERS.contains(&r.kind.as_str()))
            || m.address == resource.address
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
