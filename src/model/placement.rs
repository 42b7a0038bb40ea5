//! Where instances run and on what terms: placement groups, capacity reservations, Spot
//! options, network interfaces (EFA), subnets.

use super::{ComputeKind, Designation, Field, ResourceRef};
use crate::source::Span;

/// `aws_placement_group` / `AWS::EC2::PlacementGroup`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementGroup {
    pub resource: ResourceRef,
    /// `name`: how a literal `placement_group = "..."` elsewhere in the unit may name it.
    pub name: Option<Field<String>>,
    /// `strategy` / `Strategy`: cluster, spread, partition.
    pub strategy: Option<Field<String>>,
    /// `spread_level` / `SpreadLevel`: rack (the default) or host (Outposts only).
    pub spread_level: Option<Field<String>>,
    /// `partition_count` / `PartitionCount`.
    pub partition_count: Option<Field<f64>>,
}

/// `aws_ec2_capacity_reservation` / `AWS::EC2::CapacityReservation`.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityReservation {
    pub resource: ResourceRef,
    pub instance_type: Option<Field<String>>,
    pub instance_count: Option<Field<f64>>,
    /// `instance_match_criteria` / `InstanceMatchCriteria`; `open` when not written (the API
    /// default), at the resource's span.
    pub match_criteria: Field<String>,
    /// `instance_platform` / `InstancePlatform` (`Linux/UNIX`...).
    pub platform: Option<Field<String>>,
    /// `tenancy` / `Tenancy`: `default` or `dedicated`.
    pub tenancy: Option<Field<String>>,
}

/// Where and how an instance, launch template or launch configuration launches: placement,
/// purchase option, capacity reservation, network interfaces. Beside
/// [`super::LaunchSettings`], one per model object.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchPlacement {
    pub resource: ResourceRef,
    pub kind: ComputeKind,
    /// `placement_group`, `placement { group_name }`, `Placement.GroupName`
    /// (`PlacementGroupName`).
    pub placement_group: Option<Designation>,
    /// `availability_zone`, `placement { availability_zone }`, `AvailabilityZone`.
    pub availability_zone: Option<Field<String>>,
    /// `subnet_id` / `SubnetId`.
    pub subnet: Option<Designation>,
    /// `instance_market_options.market_type` / `InstanceMarketOptions.MarketType`.
    pub market_type: Option<Field<String>>,
    /// A maximum Spot price: `instance_market_options.spot_options.max_price`, a launch
    /// configuration's `spot_price` (`SpotOptions.MaxPrice`, `SpotPrice`). An empty string
    /// is unset.
    pub spot_max_price: Option<Field<String>>,
    /// `capacity_reservation_specification.capacity_reservation_target`: the reservation it
    /// targets; unknown for a resource group of reservations.
    pub capacity_reservations: Vec<Designation>,
    /// Inline network interfaces (`network_interface`, `network_interfaces`,
    /// `NetworkInterfaces`).
    pub interfaces: Vec<InterfaceSpec>,
    /// Some interface is generated from an unknown collection or not written literally.
    pub interfaces_open: bool,
}

/// A network interface declared or attached inline.
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceSpec {
    pub span: Span,
    /// `interface_type` / `InterfaceType`: `efa`, `efa-only`, `interface`...
    pub interface_type: Option<Field<String>>,
    pub subnet: Option<Designation>,
    /// `network_interface_id` / `NetworkInterfaceId`: an existing interface attached.
    pub existing: Option<Designation>,
}

/// `aws_network_interface` / `AWS::EC2::NetworkInterface`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkInterface {
    pub resource: ResourceRef,
    pub interface_type: Option<Field<String>>,
    pub subnet: Option<Designation>,
}

/// A standalone network interface attached to an instance: `aws_network_interface`'s
/// `attachment`, `aws_network_interface_attachment`, `AWS::EC2::NetworkInterfaceAttachment`.
/// (Inline `network_interface_id`s are [`InterfaceSpec::existing`].)
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceAttachment {
    pub declared_by: ResourceRef,
    pub interface: Designation,
    pub instance: Designation,
}

/// `aws_subnet` / `AWS::EC2::Subnet`: which Availability Zone it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    pub resource: ResourceRef,
    pub availability_zone: Option<Field<String>>,
}
