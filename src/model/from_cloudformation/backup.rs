//! Backups: `AWS::DLM::LifecyclePolicy`, `AWS::Backup::BackupSelection`, and the tags of
//! `AWS::EC2::Volume`. (CloudFormation has no EBS snapshot resource.)

use super::{field, Adapter};
use crate::model::{
    BackupPolicy, BackupService, ResourceRef, ResourceSelector, ResourceTags, TagCondition, TagOp,
    Tags, Val, Value,
};
use crate::resolved::{Body, Resource};

/// `AWS::EC2::Volume`'s `Tags`.
pub(super) fn volume_tags(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let tags = match r.body.attr("Tags") {
        Some(t) => Tags::from_key_value_list(&t.value, t.value_span),
        None => Tags::none(resource.span),
    };
    a.model.resource_tags.push(ResourceTags {
        resource: resource.clone(),
        tags,
    });
}

fn known_string(body: &Body, key: &str) -> Option<Value<String>> {
    field(body.attr(key), Val::as_cfn_string).map(|f| f.value)
}

pub(super) fn lifecycle_policy(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let props = &r.body;
    let enabled = match known_string(props, "State") {
        None => Value::Known(true),
        Some(Value::Known(state)) => Value::Known(state == "ENABLED"),
        Some(Value::Unknown) => Value::Unknown,
    };
    let mut policy = BackupPolicy {
        resource: resource.clone(),
        service: BackupService::LifecycleManager,
        enabled,
        resource_types: Some(Value::Unknown),
        copies_only: false,
        // `DefaultPolicy: VOLUME | INSTANCE`: every resource of the type but exclusions.
        default_policy: props.attr("DefaultPolicy").is_some(),
        resources: Vec::new(),
        not_resources: Vec::new(),
        any_tags: Vec::new(),
        all_tags: Vec::new(),
        unreadable: false,
    };
    match props.blocks("PolicyDetails").next() {
        Some(d) if d.value.is_none() => {
            let body = &d.body;
            match known_string(body, "PolicyType") {
                Some(Value::Known(t)) if t == "EVENT_BASED_POLICY" => policy.copies_only = true,
                Some(Value::Unknown) => policy.unreadable = true,
                _ => {}
            }
            if known_string(body, "PolicyLanguage") == Some(Value::Known("SIMPLIFIED".into())) {
                policy.default_policy = true;
            }
            if let Some(types) = field(body.attr("ResourceTypes"), cfn_strings) {
                policy.resource_types = Some(types.value);
            }
            match body.attr("TargetTags").map(|t| &t.value) {
                None | Some(Val::Null) => {}
                Some(Val::List(items)) => {
                    for item in items {
                        match item {
                            Val::Map(fields) => policy.any_tags.push(TagCondition {
                                op: Value::Known(TagOp::Equals),
                                key: entry(fields, "Key"),
                                value: entry(fields, "Value"),
                            }),
                            _ => policy.unreadable = true,
                        }
                    }
                }
                Some(_) => policy.unreadable = true,
            }
        }
        Some(_) => policy.unreadable = true,
        None => {}
    }
    a.model.backup_policies.push(policy);
}

fn cfn_strings(v: &Val) -> Option<Vec<String>> {
    match v {
        Val::List(items) => items.iter().map(Val::as_cfn_string).collect(),
        _ => None,
    }
}

fn entry(fields: &[(String, Val)], key: &str) -> Value<String> {
    match fields.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
        Some(v) => v
            .as_cfn_string()
            .map(Value::Known)
            .unwrap_or(Value::Unknown),
        None => Value::Unknown,
    }
}

pub(super) fn backup_selection(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let mut policy = BackupPolicy {
        resource: resource.clone(),
        service: BackupService::AwsBackup,
        enabled: Value::Known(true),
        resource_types: None,
        copies_only: false,
        default_policy: false,
        resources: Vec::new(),
        not_resources: Vec::new(),
        any_tags: Vec::new(),
        all_tags: Vec::new(),
        unreadable: false,
    };
    match r.body.blocks("BackupSelection").next() {
        Some(s) if s.value.is_none() => read_selection(&s.body, &mut policy),
        _ => policy.unreadable = true,
    }
    a.model.backup_policies.push(policy);
}

fn read_selection(body: &Body, policy: &mut BackupPolicy) {
    policy.resources = selectors(body, "Resources", &mut policy.unreadable);
    policy.not_resources = selectors(body, "NotResources", &mut policy.unreadable);
    match body.attr("ListOfTags").map(|t| &t.value) {
        None | Some(Val::Null) => {}
        Some(Val::List(items)) => {
            for item in items {
                let Val::Map(fields) = item else {
                    policy.unreadable = true;
                    continue;
                };
                let op = match entry(fields, "ConditionType") {
                    Value::Known(t) if t == "STRINGEQUALS" => Value::Known(TagOp::Equals),
                    _ => Value::Unknown,
                };
                policy.any_tags.push(TagCondition {
                    op,
                    key: crate::model::backup::tag_key(entry(fields, "ConditionKey")),
                    value: entry(fields, "ConditionValue"),
                });
            }
        }
        Some(_) => policy.unreadable = true,
    }
    match body.attr("Conditions").map(|t| &t.value) {
        None | Some(Val::Null) => {}
        Some(Val::Map(ops)) => {
            for (name, tests) in ops {
                let op = match name.as_str() {
                    "StringEquals" => TagOp::Equals,
                    "StringLike" => TagOp::Like,
                    "StringNotEquals" => TagOp::NotEquals,
                    "StringNotLike" => TagOp::NotLike,
                    _ => {
                        policy.unreadable = true;
                        continue;
                    }
                };
                match tests {
                    Val::List(items) => {
                        for item in items {
                            match item {
                                Val::Map(fields) => policy.all_tags.push(TagCondition {
                                    op: Value::Known(op),
                                    key: crate::model::backup::tag_key(entry(
                                        fields,
                                        "ConditionKey",
                                    )),
                                    value: entry(fields, "ConditionValue"),
                                }),
                                _ => policy.unreadable = true,
                            }
                        }
                    }
                    Val::Null => {}
                    _ => policy.unreadable = true,
                }
            }
        }
        Some(_) => policy.unreadable = true,
    }
}

fn selectors(body: &Body, key: &str, unreadable: &mut bool) -> Vec<ResourceSelector> {
    match body.attr(key).map(|t| &t.value) {
        None | Some(Val::Null) => Vec::new(),
        Some(Val::List(items)) => items
            .iter()
            .map(|v| match v {
                Val::Str(s) => ResourceSelector::Pattern(s.clone()),
                Val::Ref(r) => ResourceSelector::Resource(r.address.clone()),
                _ => ResourceSelector::Unknown,
            })
            .collect(),
        Some(_) => {
            *unreadable = true;
            Vec::new()
        }
    }
}
