//! Elastic Load Balancing: load balancers, listeners, target groups, and what registers
//! targets with them.

use super::{Designation, Field, ResourceRef};
use crate::source::Span;

/// The type of a load balancer, which sets its hourly price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BalancerKind {
    Application,
    Network,
    Gateway,
    /// `aws_elb` / `AWS::ElasticLoadBalancing::LoadBalancer`.
    Classic,
}

impl BalancerKind {
    /// `load_balancer_type` / `Type` as the API names it.
    pub fn from_type(name: &str) -> Option<BalancerKind> {
        match name {
            "application" => Some(BalancerKind::Application),
            "network" => Some(BalancerKind::Network),
            "gateway" => Some(BalancerKind::Gateway),
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            BalancerKind::Application => "Application Load Balancer",
            BalancerKind::Network => "Network Load Balancer",
            BalancerKind::Gateway => "Gateway Load Balancer",
            BalancerKind::Classic => "Classic Load Balancer",
        }
    }
}

/// `aws_lb`, `aws_alb`, `aws_elb` / `AWS::ElasticLoadBalancingV2::LoadBalancer`,
/// `AWS::ElasticLoadBalancing::LoadBalancer`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    pub resource: ResourceRef,
    /// Unknown when `load_balancer_type` / `Type` cannot be resolved; `application` when not
    /// written (the API default).
    pub kind: Field<BalancerKind>,
    /// `internal` / `Scheme: internal`; false (internet-facing) when not written.
    pub internal: Field<bool>,
    /// The subnets it is placed in, one per Availability Zone: `subnets`, `subnet_mapping`
    /// blocks (`Subnets`, `SubnetMappings`); a classic balancer's `availability_zones` too.
    pub zones: Vec<Designation>,
    /// Some subnet mapping is generated from an unknown collection: the zones cannot be
    /// counted.
    pub zones_open: bool,
    /// Subnet mappings that bring their own Elastic IP (`allocation_id`): that address is
    /// billed as the EIP, not as the balancer's.
    pub zones_with_eip: usize,
    /// A classic balancer's inline listeners (`listener` blocks, `Listeners`).
    pub inline_listeners: usize,
}

/// `aws_lb_listener` / `aws_alb_listener` / `AWS::ElasticLoadBalancingV2::Listener`.
#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub resource: ResourceRef,
    /// `load_balancer_arn` / `LoadBalancerArn`.
    pub load_balancers: Vec<Designation>,
    /// Its default actions (`default_action`, `DefaultActions`).
    pub actions: Vec<ListenerAction>,
    /// Some action is generated from an unknown collection or not written literally.
    pub actions_open: bool,
}

/// One default action of a listener.
#[derive(Debug, Clone, PartialEq)]
pub struct ListenerAction {
    /// `type` / `Type`: `forward`, `redirect`, `fixed-response`, `authenticate-oidc`...
    pub kind: Option<Field<String>>,
    /// The target groups it forwards to: `target_group_arn`, `forward.target_group.arn`
    /// (`TargetGroupArn`, `ForwardConfig.TargetGroups[].TargetGroupArn`).
    pub target_groups: Vec<Designation>,
    pub span: Span,
}

/// `aws_lb_target_group` / `aws_alb_target_group` / `AWS::ElasticLoadBalancingV2::TargetGroup`.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroup {
    pub resource: ResourceRef,
}

/// What registers targets with a target group or a classic load balancer.
#[derive(Debug, Clone, PartialEq)]
pub enum Registered {
    /// The instances of Auto Scaling groups (`target_group_arns`, `aws_autoscaling_attachment`,
    /// `TargetGroupARNs`...).
    AutoScalingGroups(Vec<Designation>),
    /// Instances, IP addresses or functions (`aws_lb_target_group_attachment`, a classic
    /// balancer's `instances`, `Targets`).
    Other,
}

/// One registration of targets with a target group or classic load balancer.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRegistration {
    pub declared_by: ResourceRef,
    /// The target group or classic load balancer.
    pub balancer: Designation,
    pub targets: Registered,
}
