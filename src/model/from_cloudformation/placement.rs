//! Placement groups, capacity reservations, network interfaces, subnets; and where and on
//! what terms instances, launch templates and launch configurations launch.

use super::scaling::{items, map, unknown_at, PLACEMENT_GROUP, RESERVATION, SUBNET};
use super::{number_field, string_field, Adapter};
use crate::model::{
    CapacityReservation, ComputeKind, Field, InterfaceAttachment, InterfaceSpec, LaunchPlacement,
    NetworkInterface, PlacementGroup, ResourceRef, Subnet, Val,
};
use crate::resolved::{Body, Resource};

const INTERFACE: &str = "AWS::EC2::NetworkInterface";
const INSTANCE: &str = "AWS::EC2::Instance";

pub(super) fn placement_group(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    a.model.placement_groups.push(PlacementGroup {
        resource: resource.clone(),
        // CloudFormation names the group itself: only `Ref` names it.
        name: None,
        strategy: string_field(props, "Strategy"),
        spread_level: string_field(props, "SpreadLevel"),
        partition_count: number_field(props, "PartitionCount"),
    });
}

pub(super) fn capacity_reservation(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    a.model.capacity_reservations.push(CapacityReservation {
        resource: resource.clone(),
        instance_type: string_field(props, "InstanceType"),
        instance_count: number_field(props, "InstanceCount"),
        match_criteria: string_field(props, "InstanceMatchCriteria")
            .unwrap_or_else(|| Field::known_at("open".to_string(), resource.span)),
        platform: string_field(props, "InstancePlatform"),
        tenancy: string_field(props, "Tenancy"),
    });
}

pub(super) fn subnet(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.subnets.push(Subnet {
        resource: resource.clone(),
        availability_zone: string_field(&r.body, "AvailabilityZone"),
    });
}

pub(super) fn network_interface(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let subnet = a.one_named(&r.body, "SubnetId", &[SUBNET]);
    a.model.network_interfaces.push(NetworkInterface {
        resource: resource.clone(),
        interface_type: string_field(&r.body, "InterfaceType"),
        subnet,
    });
}

/// `AWS::EC2::NetworkInterfaceAttachment`.
pub(super) fn interface_attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let interface = a
        .one_named(&r.body, "NetworkInterfaceId", &[INTERFACE])
        .unwrap_or_else(|| unknown_at(resource.span));
    let instance = a
        .one_named(&r.body, "InstanceId", &[INSTANCE])
        .unwrap_or_else(|| unknown_at(resource.span));
    a.model.interface_attachments.push(InterfaceAttachment {
        declared_by: resource.clone(),
        interface,
        instance,
    });
}

/// Where an instance (`body` = its properties), launch template (`LaunchTemplateData`) or
/// launch configuration launches and on what terms.
pub(super) fn push(body: &Body, resource: &ResourceRef, kind: ComputeKind, a: &mut Adapter) {
    let mut placement_group = a.one_named(body, "PlacementGroupName", &[PLACEMENT_GROUP]);
    let mut availability_zone = string_field(body, "AvailabilityZone");
    if let Some(placement) = body.attr("Placement") {
        match map(body, "Placement") {
            Some(p) => {
                let group = a
                    .one_named(&p.body, "GroupName", &[PLACEMENT_GROUP])
                    .or_else(|| a.one_named(&p.body, "GroupId", &[PLACEMENT_GROUP]));
                if group.is_some() {
                    placement_group = group;
                }
                if let Some(zone) = string_field(&p.body, "AvailabilityZone") {
                    availability_zone = Some(zone);
                }
            }
            None if placement.value != Val::Null => {
                placement_group = Some(unknown_at(placement.value_span));
                availability_zone = Some(Field::unknown_at(placement.value_span));
            }
            None => {}
        }
    }
    let mut market_type = None;
    let mut spot_max_price = string_field(body, "SpotPrice").filter(not_empty);
    if let Some(options) = body.attr("InstanceMarketOptions") {
        match map(body, "InstanceMarketOptions") {
            Some(o) => {
                market_type = string_field(&o.body, "MarketType");
                if let Some(spot) = map(&o.body, "SpotOptions") {
                    if let Some(price) = string_field(&spot.body, "MaxPrice").filter(not_empty) {
                        spot_max_price = Some(price);
                    }
                }
            }
            None if options.value != Val::Null => {
                market_type = Some(Field::unknown_at(options.value_span));
            }
            None => {}
        }
    }
    let mut capacity_reservations = Vec::new();
    if let Some(spec) = map(body, "CapacityReservationSpecification") {
        if let Some(target) = spec.body.attr("CapacityReservationTarget") {
            match map(&spec.body, "CapacityReservationTarget") {
                Some(t) => {
                    capacity_reservations.extend(a.named_by(
                        &t.body,
                        "CapacityReservationId",
                        &[RESERVATION],
                    ));
                    if let Some(group) = t.body.attr("CapacityReservationResourceGroupArn") {
                        if group.value != Val::Null {
                            capacity_reservations.push(unknown_at(group.value_span));
                        }
                    }
                }
                None if target.value != Val::Null => {
                    capacity_reservations.push(unknown_at(target.value_span));
                }
                None => {}
            }
        }
    }
    let mut interfaces = Vec::new();
    let mut interfaces_open = false;
    if body.attr("NetworkInterfaces").is_some() {
        match items(body, "NetworkInterfaces") {
            Some(list) => {
                for nic in list {
                    interfaces.push(InterfaceSpec {
                        span: nic.span,
                        interface_type: string_field(&nic.body, "InterfaceType"),
                        subnet: a.one_named(&nic.body, "SubnetId", &[SUBNET]),
                        existing: a.one_named(&nic.body, "NetworkInterfaceId", &[INTERFACE]),
                    });
                }
            }
            None => interfaces_open = true,
        }
    }
    let subnet = a.one_named(body, "SubnetId", &[SUBNET]);
    a.model.launch_placements.push(LaunchPlacement {
        resource: resource.clone(),
        kind,
        placement_group,
        availability_zone,
        subnet,
        market_type,
        spot_max_price,
        capacity_reservations,
        interfaces,
        interfaces_open,
    });
}

fn not_empty(f: &Field<String>) -> bool {
    f.known().is_none_or(|p| !p.is_empty())
}
