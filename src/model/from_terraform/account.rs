//! Account-level defaults declared as resources: `aws_ebs_encryption_by_default`,
//! `aws_ec2_instance_metadata_defaults`.

use super::Adapter;
use crate::model::{AccountDefault, Field, ResourceRef, Val};
use crate::resolved::Resource;

pub(super) fn encryption_by_default(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    // `enabled` defaults to true.
    let enabled = r
        .body
        .field("enabled", Val::as_bool)
        .unwrap_or_else(|| Field::known_at(true, resource.span));
    a.model.encryption_by_default.push(AccountDefault {
        resource: resource.clone(),
        value: enabled,
    });
}

pub(super) fn metadata_defaults(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    if let Some(tokens) = r.body.field("http_tokens", Val::as_string) {
        a.model.instance_metadata_defaults.push(AccountDefault {
            resource: resource.clone(),
            value: tokens,
        });
    }
}
