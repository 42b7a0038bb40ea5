//! `data "aws_ami"` and `data "aws_ssm_parameter"` lookups: how they choose an image.

use super::Adapter;
use crate::model::{AmiLookup, ResourceRef, SsmParameterLookup, Val};
use crate::resolved::{BlockExpansion, Resource};

pub(super) fn ami_lookup(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    // A `filter` on `owner-id` or `owner-alias` restricts the publisher like `owners`.
    let owner_filter = body.blocks("filter").any(|f| match f.expansion {
        BlockExpansion::Once => f
            .body
            .field("name", Val::as_string)
            .and_then(|n| n.known().cloned())
            .is_some_and(|n| n == "owner-id" || n == "owner-alias"),
        // Filters generated from an unknown collection may restrict it.
        BlockExpansion::AnyNumber => true,
    });
    a.model.ami_lookups.push(AmiLookup {
        owner_filter,
        most_recent: body.field("most_recent", Val::as_bool),
        owners: body.field("owners", Val::as_strings),
        resource: resource.clone(),
    });
}

/// `data "aws_ssm_parameter"`: its `name` says which parameter an image id is read from.
pub(super) fn ssm_parameter(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.ssm_parameter_lookups.push(SsmParameterLookup {
        name: r.body.field("name", Val::as_string),
        resource: resource.clone(),
    });
}
