//! Inline EBS devices: `root_block_device`, `ebs_block_device` (instances, launch
//! configurations) and launch templates' `block_device_mappings.ebs`.

use super::Adapter;
use crate::model::{DeviceRole, Field, ResourceRef, Val, Volume, VolumeOwner};
use crate::resolved::{Block, BlockExpansion, Body};

/// The `root_block_device` and `ebs_block_device` blocks of an instance or launch
/// configuration. Blocks generated from an unknown collection are skipped: we cannot tell
/// which devices exist.
pub(super) fn inline(body: &Body, resource: &ResourceRef, owner: VolumeOwner, a: &mut Adapter) {
    for block in body.blocks("root_block_device") {
        if block.expansion == BlockExpansion::Once {
            let v = volume(
                block,
                resource,
                owner,
                DeviceRole::Root,
                "root_block_device".into(),
            );
            a.model.volumes.push(v);
        }
    }
    for block in body.blocks("ebs_block_device") {
        if block.expansion != BlockExpansion::Once {
            continue;
        }
        let device = match block
            .body
            .field("device_name", Val::as_string)
            .and_then(|f| f.known().cloned())
        {
            Some(d) => format!("ebs_block_device {d}"),
            None => "ebs_block_device".to_string(),
        };
        let v = volume(block, resource, owner, DeviceRole::Data, device);
        a.model.volumes.push(v);
    }
}

/// An inline block device: without `volume_type` the type comes from the AMI (unknown).
pub(super) fn volume(
    block: &Block,
    resource: &ResourceRef,
    owner: VolumeOwner,
    role: DeviceRole,
    device: String,
) -> Volume {
    let body = &block.body;
    let volume_type = body
        .field("volume_type", Val::as_string)
        .unwrap_or_else(|| Field::unknown_at(block.header));
    Volume {
        resource: resource.clone(),
        owner,
        role,
        device,
        span: block.span,
        volume_type,
        type_defaulted: false,
        size_gib: body.field("volume_size", Val::as_f64),
        iops: body.field("iops", Val::as_f64),
        throughput: body.field("throughput", Val::as_f64),
        encrypted: body.field("encrypted", Val::as_bool),
        snapshot_id: body.field("snapshot_id", Val::as_string),
        kms_key_id: body.field("kms_key_id", Val::as_string),
    }
}
