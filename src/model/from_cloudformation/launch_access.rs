//! Key pair, security groups and tags of an `AWS::EC2::Instance`, an `AWS::EC2::LaunchTemplate`
//! (`LaunchTemplateData`) or an `AWS::AutoScaling::LaunchConfiguration`.

use super::network::SECURITY_GROUP;
use super::{bool_field, field, Adapter};
use crate::model::{ComputeKind, Field, KeyName, LaunchAccess, ResourceRef, Tags, Val};
use crate::resolved::{Attr, Body};

const KEY_PAIR: &str = "AWS::EC2::KeyPair";

/// `props`: the resource's properties, or a template's `LaunchTemplateData`.
pub(super) fn push(props: &Body, resource: &ResourceRef, kind: ComputeKind, a: &mut Adapter) {
    let key_name = field(props.attr("KeyName"), |v| key_name(v, a));
    let mut security_groups = Vec::new();
    for key in ["SecurityGroupIds", "SecurityGroups"] {
        if let Some(attr) = props.attr(key) {
            security_groups.extend(group_fields(attr, a));
        }
    }
    for nic in props.blocks("NetworkInterfaces") {
        match &nic.value {
            // An entry we cannot read may name any group.
            Some(_) => security_groups.push(Field::unknown_at(nic.span)),
            None => {
                for key in ["GroupSet", "Groups"] {
                    if let Some(attr) = nic.body.attr(key) {
                        security_groups.extend(group_fields(attr, a));
                    }
                }
                if nic.body.attr("NetworkInterfaceId").is_some() {
                    security_groups.push(Field::unknown_at(nic.span));
                }
            }
        }
    }
    let (instance_tags, volume_tags) = match kind {
        ComputeKind::Instance => instance_tags(props, resource),
        ComputeKind::LaunchTemplate => template_tags(props, resource),
        ComputeKind::LaunchConfiguration => (None, None),
    };
    a.model.launch_access.push(LaunchAccess {
        resource: resource.clone(),
        kind,
        key_name,
        security_groups,
        instance_tags,
        volume_tags,
        device_tags: Vec::new(),
    });
}

fn key_name(v: &Val, a: &Adapter) -> Option<KeyName> {
    match v {
        Val::Str(s) if !s.is_empty() => Some(KeyName::Named(s.clone())),
        Val::Ref(r) if a.is(&r.address, KEY_PAIR) => Some(KeyName::Pair(r.address.clone())),
        _ => None,
    }
}

fn group_fields(attr: &Attr, a: &Adapter) -> Vec<Field<String>> {
    a.designated_all(&attr.value, SECURITY_GROUP)
        .into_iter()
        .map(|value| Field {
            value,
            span: attr.value_span,
            via: Vec::new(),
        })
        .collect()
}

fn tags_of(body: &Body, key: &str) -> Option<Tags> {
    body.attr(key)
        .map(|t| Tags::from_key_value_list(&t.value, t.value_span))
}

/// An instance's `Tags`; its volumes get them with `PropagateTagsToVolumeOnCreation: true`
/// (unknown when that is unknown). A launch template it names may tag both.
fn instance_tags(props: &Body, resource: &ResourceRef) -> (Option<Tags>, Option<Tags>) {
    let mut instance = tags_of(props, "Tags").unwrap_or_else(|| Tags::none(resource.span));
    let mut volumes = match bool_field(props, "PropagateTagsToVolumeOnCreation") {
        Some(f) => match f.known() {
            Some(true) => Some(instance.clone()),
            Some(false) => None,
            None => Some(Tags::unknown(f.span)),
        },
        None => None,
    };
    if props.attr("LaunchTemplate").is_some() {
        instance.open = true;
        volumes
            .get_or_insert_with(|| Tags::none(resource.span))
            .open = true;
    }
    (Some(instance), volumes)
}

/// `TagSpecifications: [{ResourceType: instance|volume, Tags: [...]}]`.
fn template_tags(data: &Body, resource: &ResourceRef) -> (Option<Tags>, Option<Tags>) {
    let mut instance = Tags::none(resource.span);
    let mut volumes: Option<Tags> = None;
    for spec in data.blocks("TagSpecifications") {
        if spec.value.is_some() {
            instance.open = true;
            volumes.get_or_insert_with(|| Tags::none(spec.span)).open = true;
            continue;
        }
        let tags = tags_of(&spec.body, "Tags").unwrap_or_else(|| Tags::none(spec.span));
        let target = field(spec.body.attr("ResourceType"), Val::as_cfn_string);
        match target.as_ref().and_then(|t| t.known()).map(String::as_str) {
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
    (Some(instance), volumes)
}
