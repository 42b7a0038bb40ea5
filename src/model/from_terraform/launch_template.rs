//! `aws_launch_template` and `aws_launch_configuration`.

use super::{block_devices, instance::ami, launch_access, launch_settings, placement, Adapter};
use crate::model::{ComputeKind, LaunchTemplate, ResourceRef, Val, VolumeOwner};
use crate::resolved::{BlockExpansion, Resource};

pub(super) fn launch_template(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.launch_templates.push(LaunchTemplate {
        resource: resource.clone(),
        is_launch_configuration: false,
    });
    launch_settings::push(&r.body, resource, ComputeKind::LaunchTemplate, a);
    placement::push(&r.body, resource, ComputeKind::LaunchTemplate, a);
    launch_access::push(r, resource, ComputeKind::LaunchTemplate, a);
    ami(&r.body, "image_id", resource, a);
    for mapping in r.body.blocks("block_device_mappings") {
        if mapping.expansion != BlockExpansion::Once {
            continue;
        }
        let device = mapping
            .body
            .field("device_name", Val::as_string)
            .and_then(|f| f.known().cloned());
        let role = crate::model::device_role(device.as_deref());
        let device = match &device {
            Some(d) => format!("block_device_mappings {d}"),
            None => "block_device_mappings".to_string(),
        };
        for ebs in mapping.body.blocks("ebs") {
            if ebs.expansion != BlockExpansion::Once {
                continue;
            }
            let volume = block_devices::volume(
                ebs,
                resource,
                VolumeOwner::LaunchTemplate,
                role,
                device.clone(),
            );
            a.model.volumes.push(volume);
        }
    }
}

pub(super) fn launch_configuration(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.launch_templates.push(LaunchTemplate {
        resource: resource.clone(),
        is_launch_configuration: true,
    });
    launch_settings::push(&r.body, resource, ComputeKind::LaunchConfiguration, a);
    placement::push(&r.body, resource, ComputeKind::LaunchConfiguration, a);
    launch_access::push(r, resource, ComputeKind::LaunchConfiguration, a);
    ami(&r.body, "image_id", resource, a);
    block_devices::inline(&r.body, resource, VolumeOwner::LaunchConfiguration, a);
}
