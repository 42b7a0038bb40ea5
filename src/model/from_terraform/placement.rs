//! Placement groups, capacity reservations, network interfaces, subnets; and where and on
//! what terms instances, launch templates and launch configurations launch.

use super::scaling::{named_by, one_named, unknown_at, RESERVATIONS};
use super::Adapter;
use crate::model::{
    CapacityReservation, ComputeKind, Designated, Field, InterfaceAttachment, InterfaceSpec,
    LaunchPlacement, NetworkInterface, PlacementGroup, ResourceRef, Subnet, Val,
};
use crate::resolved::{BlockExpansion, Body, Resource};

const PLACEMENT_GROUPS: &[&str] = &["aws_placement_group"];
const SUBNETS: &[&str] = &["aws_subnet"];
const INTERFACES: &[&str] = &["aws_network_interface"];
const INSTANCES: &[&str] = &["aws_instance"];

pub(super) fn placement_group(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    a.model.placement_groups.push(PlacementGroup {
        resource: resource.clone(),
        name: body.field("name", Val::as_string),
        strategy: body.field("strategy", Val::as_string),
        spread_level: body.field("spread_level", Val::as_string),
        partition_count: body.field("partition_count", Val::as_f64),
    });
}

pub(super) fn capacity_reservation(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    a.model.capacity_reservations.push(CapacityReservation {
        resource: resource.clone(),
        instance_type: body.field("instance_type", Val::as_string),
        instance_count: body.field("instance_count", Val::as_f64),
        // The API default.
        match_criteria: body
            .field("instance_match_criteria", Val::as_string)
            .unwrap_or_else(|| Field::known_at("open".to_string(), resource.span)),
        platform: body.field("instance_platform", Val::as_string),
        tenancy: body.field("tenancy", Val::as_string),
    });
}

pub(super) fn subnet(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.subnets.push(Subnet {
        resource: resource.clone(),
        availability_zone: r.body.field("availability_zone", Val::as_string),
    });
}

/// `aws_network_interface`, and the instances its `attachment` blocks attach it to.
pub(super) fn network_interface(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    for attachment in body.blocks("attachment") {
        let instance = if attachment.expansion == BlockExpansion::AnyNumber {
            Some(unknown_at(attachment.header))
        } else {
            one_named(&attachment.body, "instance", INSTANCES)
        };
        if let Some(instance) = instance {
            a.model.interface_attachments.push(InterfaceAttachment {
                declared_by: resource.clone(),
                interface: crate::model::Designation {
                    target: Designated::Resource(resource.address.clone()),
                    span: resource.span,
                    conditional: false,
                },
                instance,
            });
        }
    }
    a.model.network_interfaces.push(NetworkInterface {
        resource: resource.clone(),
        interface_type: body.field("interface_type", Val::as_string),
        subnet: one_named(body, "subnet_id", SUBNETS),
    });
}

/// `aws_network_interface_attachment`.
pub(super) fn interface_attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    let interface = one_named(body, "network_interface_id", INTERFACES)
        .unwrap_or_else(|| unknown_at(resource.span));
    let instance =
        one_named(body, "instance_id", INSTANCES).unwrap_or_else(|| unknown_at(resource.span));
    a.model.interface_attachments.push(InterfaceAttachment {
        declared_by: resource.clone(),
        interface,
        instance,
    });
}

/// Where an instance, launch template or launch configuration launches and on what terms.
pub(super) fn push(body: &Body, resource: &ResourceRef, kind: ComputeKind, a: &mut Adapter) {
    let mut placement_group = one_named(body, "placement_group", PLACEMENT_GROUPS);
    let mut availability_zone = body.field("availability_zone", Val::as_string);
    for placement in body.blocks("placement") {
        if placement.expansion == BlockExpansion::AnyNumber {
            placement_group = Some(unknown_at(placement.header));
            availability_zone = Some(Field::unknown_at(placement.header));
            continue;
        }
        if let Some(group) = one_named(&placement.body, "group_name", PLACEMENT_GROUPS) {
            placement_group = Some(group);
        }
        if let Some(zone) = placement.body.field("availability_zone", Val::as_string) {
            availability_zone = Some(zone);
        }
    }
    let mut market_type = None;
    let mut spot_max_price = body.field("spot_price", Val::as_string).filter(not_empty);
    for options in body.blocks("instance_market_options") {
        if options.expansion == BlockExpansion::AnyNumber {
            market_type = Some(Field::unknown_at(options.header));
            continue;
        }
        market_type = options.body.field("market_type", Val::as_string);
        for spot in options.body.blocks("spot_options") {
            if let Some(price) = spot
                .body
                .field("max_price", Val::as_string)
                .filter(not_empty)
            {
                spot_max_price = Some(price);
            }
        }
    }
    let mut capacity_reservations = Vec::new();
    for spec in body.blocks("capacity_reservation_specification") {
        for target in spec.body.blocks("capacity_reservation_target") {
            if target.expansion == BlockExpansion::AnyNumber {
                capacity_reservations.push(unknown_at(target.header));
                continue;
            }
            capacity_reservations.extend(named_by(
                &target.body,
                "capacity_reservation_id",
                RESERVATIONS,
            ));
            // A resource group of reservations: any reservation may be in it.
            if let Some(attr) = target.body.attr("capacity_reservation_resource_group_arn") {
                if !matches!(&attr.value, Val::Null) && attr.value != Val::Str(String::new()) {
                    capacity_reservations.push(unknown_at(attr.value_span));
                }
            }
        }
    }
    let mut interfaces = Vec::new();
    let mut interfaces_open = false;
    // `network_interface` (instances) and `network_interfaces` (launch templates).
    let blocks = body
        .blocks("network_interface")
        .chain(body.blocks("network_interfaces"));
    for nic in blocks {
        if nic.expansion == BlockExpansion::AnyNumber {
            interfaces_open = true;
            continue;
        }
        interfaces.push(InterfaceSpec {
            span: nic.span,
            interface_type: nic.body.field("interface_type", Val::as_string),
            subnet: one_named(&nic.body, "subnet_id", SUBNETS),
            existing: one_named(&nic.body, "network_interface_id", INTERFACES),
        });
    }
    a.model.launch_placements.push(LaunchPlacement {
        resource: resource.clone(),
        kind,
        placement_group,
        availability_zone,
        subnet: one_named(body, "subnet_id", SUBNETS),
        market_type,
        spot_max_price,
        capacity_reservations,
        interfaces,
        interfaces_open,
    });
}

/// An empty price is no price (the provider's way of leaving it unset).
fn not_empty(f: &Field<String>) -> bool {
    f.known().is_none_or(|p| !p.is_empty())
}
