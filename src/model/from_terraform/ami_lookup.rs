//! `data "aws_ami"` lookups: how they choose an image.

use super::Adapter;
use crate::model::{AmiLookup, ResourceRef, Val};
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
