//! `AWS::EC2::LaunchTemplate` and `AWS::AutoScaling::LaunchConfiguration`.

use super::instance::{ami, network_interface_public_ips};
use super::{block_devices, bool_field, launch_access, placement, string_field, Adapter};
use crate::model::{ComputeKind, Field, LaunchSettings, LaunchTemplate, ResourceRef, VolumeOwner};
use crate::resolved::{Body, Resource};

pub(super) fn launch_template(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let empty = Body::default();
    let data = r
        .body
        .blocks("LaunchTemplateData")
        .next()
        .map(|b| &b.body)
        .unwrap_or(&empty);
    block_devices::push(
        data,
        "LaunchTemplateData.",
        resource,
        VolumeOwner::LaunchTemplate,
        a,
    );
    ami(data, "ImageId", "LaunchTemplateData.ImageId", resource, a);
    let (http_tokens, http_endpoint) = metadata_options(data);
    placement::push(data, resource, ComputeKind::LaunchTemplate, a);
    a.model.launch_settings.push(LaunchSettings {
        resource: resource.clone(),
        kind: ComputeKind::LaunchTemplate,
        instance_type: string_field(data, "InstanceType"),
        http_tokens,
        http_endpoint,
        public_ip: network_interface_public_ips(data, "NetworkInterfaces"),
        launch_template: None,
    });
    launch_access::push(data, resource, ComputeKind::LaunchTemplate, a);
    a.model.launch_templates.push(LaunchTemplate {
        resource: resource.clone(),
        is_launch_configuration: false,
    });
}

pub(super) fn launch_configuration(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    block_devices::push(props, "", resource, VolumeOwner::LaunchConfiguration, a);
    ami(props, "ImageId", "ImageId", resource, a);
    let (http_tokens, http_endpoint) = metadata_options(props);
    placement::push(props, resource, ComputeKind::LaunchConfiguration, a);
    a.model.launch_settings.push(LaunchSettings {
        resource: resource.clone(),
        kind: ComputeKind::LaunchConfiguration,
        instance_type: string_field(props, "InstanceType"),
        http_tokens,
        http_endpoint,
        public_ip: bool_field(props, "AssociatePublicIpAddress")
            .into_iter()
            .collect(),
        launch_template: None,
    });
    launch_access::push(props, resource, ComputeKind::LaunchConfiguration, a);
    a.model.launch_templates.push(LaunchTemplate {
        resource: resource.clone(),
        is_launch_configuration: true,
    });
}

/// `MetadataOptions.HttpTokens` and `HttpEndpoint`.
type MetadataOptions = (Option<Field<String>>, Option<Field<String>>);

/// `MetadataOptions.HttpTokens` and `HttpEndpoint` of an instance, a launch template's data or
/// a launch configuration.
pub(super) fn metadata_options(body: &Body) -> MetadataOptions {
    match body.blocks("MetadataOptions").next() {
        Some(m) => (
            string_field(&m.body, "HttpTokens"),
            string_field(&m.body, "HttpEndpoint"),
        ),
        None => (None, None),
    }
}
