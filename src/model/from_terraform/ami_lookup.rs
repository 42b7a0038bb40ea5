//! `data "aws_ami"` and `data "aws_ssm_parameter"` lookups: how they choose an image.

use super::Adapter;
use crate::model::{AmiFilter, AmiLookup, ResourceRef, SsmParameterLookup, Val};
use crate::resolved::{BlockExpansion, Resource};

pub(super) fn ami_lookup(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let body = &r.body;
    let mut filters = Vec::new();
    let mut unknown_filters = false;
    for f in body.blocks("filter") {
        match f.expansion {
            BlockExpansion::Once => filters.push(AmiFilter {
                name: f
                    .body
                    .field("name", Val::as_string)
                    .and_then(|n| n.known().cloned()),
                values: f
                    .body
                    .field("values", Val::as_strings)
                    .and_then(|v| v.known().cloned()),
            }),
            // Filters generated from an unknown collection may be any filter.
            BlockExpansion::AnyNumber => unknown_filters = true,
        }
    }
    a.model.ami_lookups.push(AmiLookup {
        filters,
        unknown_filters,
        most_recent: body.field("most_recent", Val::as_bool),
        owners: body.field("owners", Val::as_strings),
        allow_unsafe_filter: body.field("allow_unsafe_filter", Val::as_bool),
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
