//! Backups: `aws_dlm_lifecycle_policy`, `aws_backup_selection`, the tags of `aws_ebs_volume`,
//! `aws_ec2_tag`, `aws_ebs_snapshot`; and the provider's `default_tags` under a resource's own.

use super::Adapter;
use crate::model::address::{is_resource, without_instance_key};
use crate::model::{
    BackupPolicy, BackupService, ResourceRef, ResourceSelector, ResourceTags, Snapshot,
    TagAddition, TagCondition, TagOp, Tags, Val, Value,
};
use crate::resolved::{BlockExpansion, Body, Resource};
use crate::source::Span;

/// A resource's own tags over its provider's `default_tags`. `surely`: the provider applies
/// them to this resource (its `tags_all`); otherwise (volumes an instance creates, whose
/// default tags depend on the provider version) they may or may not be there: open.
pub(super) fn with_default_tags(a: &Adapter, r: &Resource, own: Tags, surely: bool) -> Tags {
    let defaults: Vec<&Option<crate::resolved::Attr>> = a
        .unit
        .default_tags
        .iter()
        .filter(|(alias, _)| alias.as_deref() == r.provider.as_deref())
        .map(|(_, attr)| attr)
        .collect();
    match defaults.as_slice() {
        [] => own,
        [Some(attr)] if surely => {
            let mut tags = Tags::from_map(&attr.value, own.span);
            tags.overlay(&own);
            tags
        }
        _ => Tags { open: true, ..own },
    }
}

/// `aws_ebs_volume`'s `tags`.
pub(super) fn volume_tags(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let own = match r.body.attr("tags") {
        Some(t) => Tags::from_map(&t.value, t.value_span),
        None => Tags::none(resource.span),
    };
    let tags = with_default_tags(a, r, own, true);
    a.model.resource_tags.push(ResourceTags {
        resource: resource.clone(),
        tags,
    });
}

/// `aws_ec2_tag`: one more tag on the resource `resource_id` designates.
pub(super) fn ec2_tag(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let target = match r.body.attr("resource_id").map(|t| &t.value) {
        Some(Val::Ref(target)) => Value::Known(target.address.clone()),
        // A literal id: a resource created elsewhere.
        Some(Val::Str(_)) => return,
        _ => Value::Unknown,
    };
    a.model.tag_additions.push(TagAddition {
        declared_by: resource.clone(),
        target,
    });
}

pub(super) fn lifecycle_policy(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let enabled = match r.body.field("state", Val::as_string) {
        None => Value::Known(true),
        Some(f) => match f.known() {
            Some(state) => Value::Known(state == "ENABLED"),
            None => Value::Unknown,
        },
    };
    let mut policy = BackupPolicy {
        resource: resource.clone(),
        service: BackupService::LifecycleManager,
        enabled,
        resource_types: Some(Value::Unknown),
        copies_only: false,
        default_policy: false,
        resources: Vec::new(),
        not_resources: Vec::new(),
        any_tags: Vec::new(),
        all_tags: Vec::new(),
        unreadable: false,
    };
    // Provider v6 default policies (`default_policy = "VOLUME"`) cover every resource of the
    // type.
    if r.body
        .attr("default_policy")
        .is_some_and(|d| d.value != Val::Null)
    {
        policy.default_policy = true;
    }
    let details: Vec<_> = r.body.blocks("policy_details").collect();
    match details.as_slice() {
        [d] if d.expansion == BlockExpansion::Once => {
            let body = &d.body;
            // Without `policy_type`: EBS_SNAPSHOT_MANAGEMENT. An event-based policy copies
            // snapshots shared by another account: it backs nothing up.
            match body.field("policy_type", Val::as_string).map(|f| f.value) {
                Some(Value::Known(t)) if t == "EVENT_BASED_POLICY" => policy.copies_only = true,
                Some(Value::Unknown) => policy.unreadable = true,
                _ => {}
            }
            if let Some(types) = body.field("resource_types", Val::as_strings) {
                policy.resource_types = Some(types.value);
            }
            if body
                .attr("policy_language")
                .and_then(|l| l.value.as_string())
                .as_deref()
                == Some("SIMPLIFIED")
            {
                policy.default_policy = true;
            }
            match body.attr("target_tags").map(|t| &t.value) {
                Some(Val::Map(entries)) => {
                    policy.any_tags = entries
                        .iter()
                        .map(|(k, v)| TagCondition {
                            op: Value::Known(TagOp::Equals),
                            key: Value::Known(k.clone()),
                            value: string(v),
                        })
                        .collect();
                }
                Some(Val::Null) | None => {}
                Some(_) => policy.unreadable = true,
            }
        }
        [] => {}
        _ => policy.unreadable = true,
    }
    a.model.backup_policies.push(policy);
}

pub(super) fn backup_selection(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    let mut policy = BackupPolicy {
        resource: resource.clone(),
        service: BackupService::AwsBackup,
        enabled: Value::Known(true),
        resource_types: None,
        copies_only: false,
        default_policy: false,
        resources: selectors(body, "resources"),
        not_resources: selectors(body, "not_resources"),
        any_tags: Vec::new(),
        all_tags: Vec::new(),
        unreadable: false,
    };
    for tag in body.blocks("selection_tag") {
        if tag.expansion != BlockExpansion::Once {
            policy.unreadable = true;
            continue;
        }
        let op = match tag.body.field("type", Val::as_string).map(|f| f.value) {
            Some(Value::Known(t)) if t == "STRINGEQUALS" => Value::Known(TagOp::Equals),
            _ => Value::Unknown,
        };
        policy.any_tags.push(condition(&tag.body, op));
    }
    for cond in body.blocks("condition") {
        if cond.expansion != BlockExpansion::Once {
            policy.unreadable = true;
            continue;
        }
        let body = &cond.body;
        let tests = body
            .blocks("string_equals")
            .map(|t| (t, TagOp::Equals))
            .chain(body.blocks("string_like").map(|t| (t, TagOp::Like)))
            .chain(
                body.blocks("string_not_equals")
                    .map(|t| (t, TagOp::NotEquals)),
            )
            .chain(body.blocks("string_not_like").map(|t| (t, TagOp::NotLike)));
        {
            for (test, op) in tests {
                if test.expansion != BlockExpansion::Once {
                    policy.unreadable = true;
                    continue;
                }
                policy
                    .all_tags
                    .push(condition(&test.body, Value::Known(op)));
            }
        }
    }
    a.model.backup_policies.push(policy);
}

fn condition(body: &Body, op: Value<TagOp>) -> TagCondition {
    let get = |k: &str| {
        body.attr(k)
            .map(|a| string(&a.value))
            .unwrap_or(Value::Unknown)
    };
    TagCondition {
        op,
        key: crate::model::backup::tag_key(get("key")),
        value: get("value"),
    }
}

fn string(v: &Val) -> Value<String> {
    match v {
        Val::Str(s) => Value::Known(s.clone()),
        _ => Value::Unknown,
    }
}

/// A list of ARNs: patterns, resources of the unit, unknown parts.
fn selectors(body: &Body, key: &str) -> Vec<ResourceSelector> {
    let Some(attr) = body.attr(key) else {
        return Vec::new();
    };
    match &attr.value {
        Val::Null => Vec::new(),
        Val::List(items) => items.iter().map(selector).collect(),
        _ => vec![ResourceSelector::Unknown],
    }
}

fn selector(v: &Val) -> ResourceSelector {
    match v {
        Val::Str(s) => ResourceSelector::Pattern(s.clone()),
        Val::Ref(r) => ResourceSelector::Resource(r.address.clone()),
        _ => ResourceSelector::Unknown,
    }
}

/// `aws_ebs_snapshot`.
pub(super) fn snapshot(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let volume = match r
        .body
        .attr("volume_id")
        .map(|v| super::designated(&v.value, "aws_ebs_volume"))
        .as_deref()
    {
        Some([Value::Known(address)]) => Value::Known(address.clone()),
        _ => Value::Unknown,
    };
    let used_by = snapshot_use(a, &resource.address);
    a.model.snapshots.push(Snapshot {
        resource: resource.clone(),
        volume,
        storage_tier: r.body.field("storage_tier", Val::as_string),
        used_by,
    });
}

/// Types that may use a snapshot: their bodies are resolved (in plans too) so that
/// [`snapshot_use`] sees the reference. Nothing is modeled of them.
pub(super) fn snapshot_consumer(_: &Resource, _: &ResourceRef, _: &mut Adapter) {}

/// Where the unit uses snapshot `address`: a reference written in another resource, or a
/// snapshot attribute of one resolving to it (a volume restored from it, an AMI registered
/// from it, a copy), or an output or module argument.
fn snapshot_use(a: &Adapter, address: &str) -> Option<Span> {
    let base = without_instance_key(address);
    let names = |other: &str| other == address || without_instance_key(other) == base;
    for r in &a.unit.resources {
        if r.address == address {
            continue;
        }
        if let Some(m) = r.references.iter().find(|m| names(&m.address)) {
            return Some(m.span);
        }
        if body_refers(&r.body, &names) {
            return Some(r.span);
        }
    }
    a.unit
        .escapes
        .iter()
        .find(|e| names(&e.mention.address))
        .map(|e| e.mention.span)
}

/// The attributes that name a snapshot to use (a volume restored from it, an AMI's block
/// device, a copy's source), at any depth. The frontend resolves these (`keys.rs`): a
/// reference through a local, a variable or a module output is seen in their values.
const SNAPSHOT_ATTRIBUTES: &[&str] = &["snapshot_id", "source_snapshot_id"];

fn body_refers(body: &Body, names: &dyn Fn(&str) -> bool) -> bool {
    body.attrs
        .iter()
        .filter(|(key, _)| SNAPSHOT_ATTRIBUTES.contains(&key.as_str()))
        .any(|(_, attr)| {
            val_refers(&attr.value, names)
                || attr
                    .mentions
                    .iter()
                    .any(|m| is_resource(&m.address, "aws_ebs_snapshot") && names(&m.address))
        })
        || body.blocks.iter().any(|(_, b)| body_refers(&b.body, names))
}

fn val_refers(v: &Val, names: &dyn Fn(&str) -> bool) -> bool {
    match v {
        Val::Ref(r) => names(&r.address),
        Val::List(items) | Val::OneOf(items) => items.iter().any(|i| val_refers(i, names)),
        Val::Map(entries) => entries.iter().any(|(_, i)| val_refers(i, names)),
        _ => false,
    }
}
