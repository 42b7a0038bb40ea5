//! How an instance, launch template or launch configuration launches instances: type,
//! metadata options, public IPv4, launch template.

use super::Adapter;
use crate::model::address::is_resource;
use crate::model::{ComputeKind, Field, LaunchSettings, ResourceRef, Val, Value};
use crate::resolved::{BlockExpansion, Body};

pub(super) fn push(body: &Body, resource: &ResourceRef, kind: ComputeKind, a: &mut Adapter) {
    let mut http_tokens = None;
    let mut http_endpoint = None;
    for block in body.blocks("metadata_options") {
        match block.expansion {
            BlockExpansion::Once => {
                http_tokens = block.body.field("http_tokens", Val::as_string);
                http_endpoint = block.body.field("http_endpoint", Val::as_string);
            }
            // A `dynamic "metadata_options"` over an unknown collection: cannot tell.
            BlockExpansion::AnyNumber => {
                http_tokens = Some(Field::unknown_at(resource.span));
            }
        }
    }
    let mut public_ip = Vec::new();
    if let Some(f) = body.field("associate_public_ip_address", Val::as_bool) {
        public_ip.push(f);
    }
    for block in body.blocks("network_interfaces") {
        if block.expansion == BlockExpansion::Once {
            if let Some(f) = block
                .body
                .field("associate_public_ip_address", Val::as_bool)
            {
                public_ip.push(f);
            }
        }
    }
    let mut launch_template = None;
    for block in body.blocks("launch_template") {
        if block.expansion != BlockExpansion::Once {
            continue;
        }
        let target = ["id", "name"].iter().find_map(|key| {
            let attr = block.body.attr(key)?;
            Some(match &attr.value {
                Val::Ref(r) if is_resource(&r.address, "aws_launch_template") => {
                    Value::Known(r.address.clone())
                }
                _ => Value::Unknown,
            })
        });
        launch_template = Some(target.unwrap_or(Value::Unknown));
    }
    a.model.launch_settings.push(LaunchSettings {
        resource: resource.clone(),
        kind,
        instance_type: body.field("instance_type", Val::as_string),
        http_tokens,
        http_endpoint,
        public_ip,
        launch_template,
    });
}
