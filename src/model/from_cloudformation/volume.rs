//! `AWS::EC2::Volume`, `AWS::EC2::VolumeAttachment`, and volumes handed out of the template.

use super::{bool_field, number_field, string_field, Adapter};
use crate::model::{Escape, Field, ResourceRef, Volume, VolumeAttachment, VolumeOwner};
use crate::resolved::{Attr, Resource};

const VOLUME: &str = "AWS::EC2::Volume";

/// Without `VolumeType` the API creates a `gp2` volume.
pub(super) fn volume(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    let (volume_type, type_defaulted) = match string_field(props, "VolumeType") {
        Some(field) => (field, false),
        None => (
            Field::known_at(crate::model::default_volume_type(), resource.span),
            true,
        ),
    };
    a.model.volumes.push(Volume {
        owner: VolumeOwner::Standalone,
        role: crate::model::DeviceRole::Data,
        device: String::new(),
        span: r.definition,
        volume_type,
        type_defaulted,
        size_gib: number_field(props, "Size"),
        iops: number_field(props, "Iops"),
        throughput: number_field(props, "Throughput"),
        encrypted: bool_field(props, "Encrypted"),
        snapshot_id: string_field(props, "SnapshotId"),
        kms_key_id: string_field(props, "KmsKeyId"),
        resource: resource.clone(),
    });
    super::backup::volume_tags(r, resource, a);
}

pub(super) fn attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    if let Some(attr) = r.body.attr("VolumeId") {
        attach(resource, attr, a);
    }
}

/// A `VolumeId` that attaches a volume: each volume of the template it designates (several
/// alternatives: each possibly), unknown when it cannot be told; nothing for a literal id (a
/// volume created elsewhere).
pub(super) fn attach(resource: &ResourceRef, attr: &Attr, a: &mut Adapter) {
    for volume in a.designated_all(&attr.value, VOLUME) {
        a.model.volume_attachments.push(VolumeAttachment {
            declared_by: resource.clone(),
            volume,
            span: attr.value_span,
        });
    }
}

/// Volumes handed to an output, a nested stack or a custom resource.
pub(super) fn escapes(a: &mut Adapter) {
    let unit = a.unit.unit.id;
    for e in &a.unit.escapes {
        if a.is(&e.mention.address, VOLUME) {
            a.model.volume_escapes.push(Escape {
                unit,
                address: e.mention.address.clone(),
                attr: e.mention.attr.clone(),
                span: e.mention.span,
                context: e.context.clone(),
            });
        }
    }
}
