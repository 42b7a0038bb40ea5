//! Who can get in to what an instance, launch template or launch configuration launches (key
//! pair, security groups), and the tags it gives instances and volumes.

use super::backup::with_default_tags;
use super::network::SECURITY_GROUP;
use super::{designated, Adapter};
use crate::model::address::is_resource;
use crate::model::{ComputeKind, Field, KeyName, LaunchAccess, ResourceRef, Tags, Val};
use crate::resolved::{Attr, BlockExpansion, Body, Resource};

pub(super) fn push(r: &Resource, resource: &ResourceRef, kind: ComputeKind, a: &mut Adapter) {
    let body = &r.body;
    let key_name = body.field("key_name", key_name);
    let mut security_groups = Vec::new();
    for key in [
        "vpc_security_group_ids",
        "security_groups",
        "security_group_names",
    ] {
        if let Some(attr) = body.attr(key) {
            security_groups.extend(group_fields(attr));
        }
    }
    for nic in body.blocks("network_interfaces") {
        match nic.expansion {
            BlockExpansion::Once => {
                if let Some(attr) = nic.body.attr("security_groups") {
                    security_groups.extend(group_fields(attr));
                }
            }
            BlockExpansion::AnyNumber => security_groups.push(Field::unknown_at(nic.span)),
        }
    }
    // An instance that attaches an existing interface gets that interface's groups.
    for nic in body.blocks("network_interface") {
        security_groups.push(Field::unknown_at(nic.span));
    }
    let (mut instance_tags, mut volume_tags, mut device_tags) = match kind {
        ComputeKind::LaunchTemplate => template_tags(body, resource),
        _ => instance_tags(body, resource),
    };
    if kind == ComputeKind::Instance {
        instance_tags = instance_tags.map(|t| with_default_tags(a, r, t, true));
        // The provider's default tags reach the volumes only in some provider versions.
        let defaults = a
            .unit
            .default_tags
            .iter()
            .any(|(alias, _)| alias.as_deref() == r.provider.as_deref());
        if defaults {
            volume_tags
                .get_or_insert_with(|| Tags::none(resource.span))
                .open = true;
            for (_, tags) in &mut device_tags {
                tags.open = true;
            }
        }
    }
    a.model.launch_access.push(LaunchAccess {
        resource: resource.clone(),
        kind,
        key_name,
        security_groups,
        instance_tags,
        volume_tags,
        device_tags,
    });
}

/// A key name, or a key pair of the unit; an empty name is no key.
fn key_name(v: &Val) -> Option<KeyName> {
    match v {
        Val::Str(s) if !s.is_empty() => Some(KeyName::Named(s.clone())),
        Val::Ref(r) if is_resource(&r.address, "aws_key_pair") => {
            Some(KeyName::Pair(r.address.clone()))
        }
        _ => None,
    }
}

/// The groups of the unit a value designates (each alternative possibly), unknown parts as
/// unknown fields.
fn group_fields(attr: &Attr) -> Vec<Field<String>> {
    designated(&attr.value, SECURITY_GROUP)
        .into_iter()
        .map(|value| Field {
            value,
            span: attr.value_span,
            via: Vec::new(),
        })
        .collect()
}

type TagsOf = (Option<Tags>, Option<Tags>, Vec<(String, Tags)>);

/// An instance's (or launch configuration's) `tags`, `volume_tags` and per-device `tags`.
fn instance_tags(body: &Body, resource: &ResourceRef) -> TagsOf {
    let tags = |b: &Body| {
        b.attr("tags")
            .map(|t| Tags::from_map(&t.value, t.value_span))
    };
    let instance = tags(body).unwrap_or_else(|| Tags::none(resource.span));
    let volumes = body
        .attr("volume_tags")
        .map(|t| Tags::from_map(&t.value, t.value_span));
    let mut devices = Vec::new();
    for block in body.blocks("root_block_device") {
        if let Some(t) = tags(&block.body) {
            devices.push(("root_block_device".to_string(), t));
        }
    }
    for block in body.blocks("ebs_block_device") {
        if let Some(t) = tags(&block.body) {
            let device = match block
                .body
                .field("device_name", Val::as_string)
                .and_then(|f| f.known().cloned())
            {
                Some(d) => format!("ebs_block_device {d}"),
                None => "ebs_block_device".to_string(),
            };
            devices.push((device, t));
        }
    }
    (Some(instance), volumes, devices)
}

/// A launch template's `tag_specifications` for instances and volumes.
fn template_tags(body: &Body, resource: &ResourceRef) -> TagsOf {
    let mut instance = Tags::none(resource.span);
    let mut volumes: Option<Tags> = None;
    for spec in body.blocks("tag_specifications") {
        let tags = match (&spec.expansion, spec.body.attr("tags")) {
            (BlockExpansion::AnyNumber, _) => Tags::unknown(spec.span),
            (_, Some(t)) => Tags::from_map(&t.value, t.value_span),
            (_, None) => Tags::none(spec.span),
        };
        let target = spec.body.field("resource_type", Val::as_string);
        let target = match spec.expansion {
            BlockExpansion::Once => target.and_then(|t| t.known().cloned()),
            BlockExpansion::AnyNumber => None,
        };
        match target.as_deref() {
            Some("instance") => instance.overlay(&tags),
            Some("volume") => volumes
                .get_or_insert_with(|| Tags::none(spec.span))
                .overlay(&tags),
            Some(_) => {}
            None => {
                instance.open = true;
                volumes.get_or_insert_with(|| Tags::none(spec.span)).open = true;
            }
        }
    }
    (Some(instance), volumes, Vec::new())
}
