//! `aws_instance`: the instance, how it launches, its image and its inline block devices.

use super::{block_devices, launch_access, launch_settings, placement, Adapter};
use crate::model::{AmiRef, ComputeKind, ImageChoice, Instance, ResourceRef, Val, VolumeOwner};
use crate::resolved::{Body, Resource};

pub(super) fn instance(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.instances.push(Instance {
        instance_type: r.body.field("instance_type", Val::as_string),
        resource: resource.clone(),
    });
    launch_settings::push(&r.body, resource, ComputeKind::Instance, a);
    placement::push(&r.body, resource, ComputeKind::Instance, a);
    launch_access::push(r, resource, ComputeKind::Instance, a);
    ami(&r.body, "ami", resource, a);
    block_devices::inline(&r.body, resource, VolumeOwner::Instance, a);
}

/// The image an instance or template launches (`ami`, `image_id`). A plan records the id a
/// lookup returned, which the configuration does not pin: unknown then.
pub(super) fn ami(body: &Body, key: &str, resource: &ResourceRef, a: &mut Adapter) {
    if let Some(attr) = body.attr(key) {
        let mut image = attr.field(Val::as_string);
        let mut choices = ImageChoice::of(&attr.value);
        if attr.from_lookup {
            image = crate::model::Field::unknown_at(image.span);
            choices = vec![ImageChoice::Unknown];
        }
        a.model.ami_refs.push(AmiRef {
            resource: resource.clone(),
            attribute: key.to_string(),
            image,
            choices,
        });
    }
}
