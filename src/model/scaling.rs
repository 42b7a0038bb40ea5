//! Auto Scaling groups: sizes, what they launch from, where, and what they register with.

use super::{Designation, Field, ResourceRef};
use crate::source::Span;

/// `aws_autoscaling_group` / `AWS::AutoScaling::AutoScalingGroup`.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoScalingGroup {
    pub resource: ResourceRef,
    pub min_size: Option<Field<f64>>,
    pub max_size: Option<Field<f64>>,
    pub desired_capacity: Option<Field<f64>>,
    /// The launch templates it launches from: `launch_template { id | name }`, the mixed
    /// instances policy's `launch_template_specification` and those of its overrides
    /// (`LaunchTemplate.LaunchTemplateId|LaunchTemplateName`, `MixedInstancesPolicy...`).
    pub launch_templates: Vec<Designation>,
    /// `launch_configuration` / `LaunchConfigurationName`.
    pub launch_configurations: Vec<Designation>,
    pub mixed_instances: Option<MixedInstancesPolicy>,
    /// Subnets: `vpc_zone_identifier` / `VPCZoneIdentifier`.
    pub subnets: Vec<Designation>,
    /// The attribute that lists the subnets.
    pub subnets_span: Option<Span>,
    /// `availability_zones` / `AvailabilityZones`: known when every zone is.
    pub availability_zones: Option<Field<Vec<String>>>,
    /// `placement_group` / `PlacementGroup`.
    pub placement_group: Option<Designation>,
    /// `capacity_reservation_specification.capacity_reservation_target`: the reservations it
    /// targets (a resource group of reservations is unknown).
    pub capacity_reservations: Vec<Designation>,
}

/// `mixed_instances_policy` / `MixedInstancesPolicy`.
#[derive(Debug, Clone, PartialEq)]
pub struct MixedInstancesPolicy {
    /// The policy block.
    pub span: Span,
    /// The overrides' instance types, in order; `None` when the overrides cannot be listed
    /// (generated from an unknown collection, or not a literal list).
    pub override_types: Option<Vec<Field<String>>>,
    /// Some override selects types by attributes (`instance_requirements`), or names a
    /// launch template of its own: the group is not limited to the listed types.
    pub flexible: bool,
    pub on_demand_base_capacity: Option<Field<f64>>,
    pub on_demand_percentage_above_base: Option<Field<f64>>,
    /// `spot_max_price` / `SpotMaxPrice` (an empty string is unset).
    pub spot_max_price: Option<Field<String>>,
}
