//! `AWS::EC2::Instance`: the instance, how it launches, its image, its inline block devices
//! and the volumes it attaches.

use super::launch_template::metadata_options;
use super::{block_devices, bool_field, launch_access, placement, string_field, volume, Adapter};
use crate::model::{
    AmiRef, ComputeKind, ImageChoice, Instance, LaunchSettings, ResourceRef, Value, VolumeOwner,
};
use crate::resolved::{Body, Resource};

pub(super) fn instance(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    block_devices::push(props, "", resource, VolumeOwner::Instance, a);
    ami(props, "ImageId", "ImageId", resource, a);
    // `LaunchTemplate: {LaunchTemplateId: !Ref T}` (or `LaunchTemplateName`): the instance
    // takes the template's metadata options.
    let launch_template = props.blocks("LaunchTemplate").next().map(|lt| {
        let target = lt
            .body
            .attr("LaunchTemplateId")
            .or_else(|| lt.body.attr("LaunchTemplateName"));
        match target.and_then(|t| a.designated(&t.value, "AWS::EC2::LaunchTemplate")) {
            Some(id) => Value::Known(id),
            None => Value::Unknown,
        }
    });
    // `Volumes: [{VolumeId: !Ref V, Device: /dev/sdf}]` attaches standalone volumes.
    for entry in props.blocks("Volumes") {
        if let Some(attr) = entry.body.attr("VolumeId") {
            volume::attach(resource, attr, a);
        }
    }
    let public_ip = network_interface_public_ips(props, "NetworkInterfaces");
    placement::push(props, resource, ComputeKind::Instance, a);
    // `MetadataOptions` of the instance itself (a property since 2025-08, cloudformation
    // coverage roadmap #655), as on launch templates.
    let (http_tokens, http_endpoint) = metadata_options(props);
    a.model.launch_settings.push(LaunchSettings {
        resource: resource.clone(),
        kind: ComputeKind::Instance,
        instance_type: string_field(props, "InstanceType"),
        http_tokens,
        http_endpoint,
        public_ip,
        launch_template,
    });
    launch_access::push(props, resource, ComputeKind::Instance, a);
    a.model.instances.push(Instance {
        instance_type: string_field(props, "InstanceType"),
        resource: resource.clone(),
    });
}

/// `AssociatePublicIpAddress` of each `NetworkInterfaces` entry.
pub(super) fn network_interface_public_ips(
    props: &Body,
    key: &str,
) -> Vec<crate::model::Field<bool>> {
    props
        .blocks(key)
        .filter_map(|nic| bool_field(&nic.body, "AssociatePublicIpAddress"))
        .collect()
}

/// The image an instance or template launches.
pub(super) fn ami(
    body: &Body,
    key: &str,
    attribute: &str,
    resource: &ResourceRef,
    a: &mut Adapter,
) {
    if let Some(image) = string_field(body, key) {
        let choices = body
            .attr(key)
            .map(|attr| ImageChoice::of(&attr.value))
            .unwrap_or_default();
        a.model.ami_refs.push(AmiRef {
            resource: resource.clone(),
            attribute: attribute.to_string(),
            image,
            choices,
        });
    }
}
