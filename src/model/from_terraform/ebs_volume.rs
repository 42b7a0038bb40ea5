//! `aws_ebs_volume`, `aws_volume_attachment`, and volumes handed out of the unit.

use super::Adapter;
use crate::model::address::is_resource;
use crate::model::default_volume_type;
use crate::model::{Escape, Field, ResourceRef, Val, Value, Volume, VolumeAttachment, VolumeOwner};
use crate::resolved::Resource;

pub(super) fn volume(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    // `type` absent or null is the API default (gp2), flagged as defaulted.
    let (volume_type, type_defaulted) = match body.attr("type") {
        Some(attr) if attr.value == Val::Null => (
            Field {
                value: Value::Known(default_volume_type()),
                span: attr.value_span,
                via: attr.via.clone(),
            },
            true,
        ),
        Some(attr) => (attr.field(Val::as_string), false),
        None => (Field::known_at(default_volume_type(), resource.span), true),
    };
    a.model.volumes.push(Volume {
        owner: VolumeOwner::Standalone,
        role: crate::model::DeviceRole::Data,
        device: String::new(),
        span: resource.body_span,
        volume_type,
        type_defaulted,
        size_gib: body.field("size", Val::as_f64),
        iops: body.field("iops", Val::as_f64),
        throughput: body.field("throughput", Val::as_f64),
        encrypted: body.field("encrypted", Val::as_bool),
        snapshot_id: body.field("snapshot_id", Val::as_string),
        kms_key_id: body.field("kms_key_id", Val::as_string),
        resource: resource.clone(),
    });
    super::backup::volume_tags(r, resource, a);
}

/// The volumes an attachment's `volume_id` may attach: those it references (each of several
/// alternatives possibly), else those its expression mentions; none for a literal id (a
/// volume created elsewhere: ours have no id before they exist); unknown when nothing tells.
pub(super) fn attachment(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let Some(attr) = r.body.attr("volume_id") else {
        return;
    };
    let mut volumes = super::designated(&attr.value, "aws_ebs_volume");
    let unknown = volumes.contains(&Value::Unknown);
    volumes.retain(|v| *v != Value::Unknown);
    if unknown {
        let mentioned = attr.mentions.iter().filter(|m| {
            is_resource(&m.address, "aws_ebs_volume")
                && matches!(m.attr.as_deref(), None | Some("id" | "arn"))
        });
        for m in mentioned {
            let v = Value::Known(m.address.clone());
            if !volumes.contains(&v) {
                volumes.push(v);
            }
        }
        if volumes.is_empty() {
            volumes.push(Value::Unknown);
        }
    }
    for volume in volumes {
        a.model.volume_attachments.push(VolumeAttachment {
            declared_by: resource.clone(),
            volume,
            span: attr.span,
        });
    }
}

/// `aws_ebs_volume.<name>` handed to an output or a module: every instance of that volume
/// may be attached elsewhere.
pub(super) fn escapes(a: &mut Adapter) {
    let unit = a.unit.unit.id;
    for e in &a.unit.escapes {
        if is_resource(&e.mention.address, "aws_ebs_volume") {
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
