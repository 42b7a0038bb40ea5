//! Inline `BlockDeviceMappings[].Ebs` of an instance, launch template or launch
//! configuration.

use super::{bool_field, number_field, string_field, Adapter};
use crate::model::{Field, Origin, ResourceRef, Volume, VolumeOwner};
use crate::resolved::Body;

/// The `BlockDeviceMappings` of `body`; `prefix` places them in the resource
/// (`LaunchTemplateData.`). A mapping chosen by an `Fn::If` whose condition is known is read;
/// one that stays unresolved (an `Fn::If` on an unknown condition choosing a whole mapping) is
/// skipped: we cannot tell which device exists.
pub(super) fn push(
    body: &Body,
    prefix: &str,
    resource: &ResourceRef,
    owner: VolumeOwner,
    a: &mut Adapter,
) {
    let path = format!("{prefix}BlockDeviceMappings");
    for (i, mapping) in body.blocks("BlockDeviceMappings").enumerate() {
        if mapping.value.is_some() {
            continue;
        }
        let Some(ebs) = mapping.body.blocks("Ebs").next() else {
            continue;
        };
        let name = string_field(&mapping.body, "DeviceName").and_then(|f| f.known().cloned());
        let role = crate::model::device_role(name.as_deref());
        let device = match name {
            Some(name) => format!("{path}[{i}] {name}"),
            None => format!("{path}[{i}]"),
        };
        let props = &ebs.body;
        let mut volume_type =
            string_field(props, "VolumeType").unwrap_or_else(|| Field::unknown_at(ebs.span));
        // The conditions that chose the mapping and its `Ebs` explain the type too.
        for origin in mapping.via.iter().chain(&ebs.via) {
            extend_via(&mut volume_type.via, origin);
        }
        a.model.volumes.push(Volume {
            resource: resource.clone(),
            owner,
            role,
            device,
            span: ebs.span,
            volume_type,
            type_defaulted: false,
            size_gib: number_field(props, "VolumeSize"),
            iops: number_field(props, "Iops"),
            throughput: number_field(props, "Throughput"),
            encrypted: bool_field(props, "Encrypted"),
            snapshot_id: string_field(props, "SnapshotId"),
            kms_key_id: string_field(props, "KmsKeyId"),
        });
    }
}

fn extend_via(via: &mut Vec<Origin>, origin: &Origin) {
    if !via.contains(origin) {
        via.push(origin.clone());
    }
}
