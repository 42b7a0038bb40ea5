//! `aws_security_group` (inline `ingress`, as blocks or as an attribute: a plan gives the
//! attribute form), `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule`.

use std::sync::Arc;

use super::Adapter;
use crate::model::{Field, IngressRule, ResourceRef, SecurityGroup, Val, Value};
use crate::resolved::{Attr, BlockExpansion, Body, Resource};
use crate::source::Span;

pub(super) const SECURITY_GROUP: &str = "aws_security_group";

pub(super) fn security_group(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.security_groups.push(SecurityGroup {
        resource: resource.clone(),
    });
    let group = Value::Known(resource.address.clone());
    for block in r.body.blocks("ingress") {
        // A `dynamic "ingress"` over an unknown collection: rules we cannot see.
        if block.expansion == BlockExpansion::Once {
            let rule = rule(&block.body, "protocol", resource, group.clone(), block.span);
            a.model.ingress_rules.push(rule);
        }
    }
    // `ingress = [{...}]`, and every plan: a list of objects.
    if let Some(attr) = r.body.attr("ingress") {
        if let Val::List(items) = &attr.value {
            for item in items {
                if let Val::Map(fields) = item {
                    let body = object_body(fields, attr);
                    let rule = rule(&body, "protocol", resource, group.clone(), attr.span);
                    a.model.ingress_rules.push(rule);
                }
            }
        }
    }
}

/// `aws_security_group_rule` with `type = "ingress"`.
pub(super) fn security_group_rule(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let kind = r.body.field("type", Val::as_string);
    if kind.as_ref().and_then(|k| k.known()).map(String::as_str) != Some("ingress") {
        return;
    }
    let group = group_of(&r.body);
    let rule = rule(&r.body, "protocol", resource, group, resource.span);
    a.model.ingress_rules.push(rule);
}

/// `aws_vpc_security_group_ingress_rule`: one source per rule.
pub(super) fn vpc_ingress_rule(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let group = group_of(&r.body);
    let rule = rule(&r.body, "ip_protocol", resource, group, resource.span);
    a.model.ingress_rules.push(rule);
}

/// The group `security_group_id` designates: one group of the unit, else unknown.
fn group_of(body: &Body) -> Value<String> {
    let Some(attr) = body.attr("security_group_id") else {
        return Value::Unknown;
    };
    match super::designated(&attr.value, SECURITY_GROUP).as_slice() {
        [Value::Known(address)] => Value::Known(address.clone()),
        _ => Value::Unknown,
    }
}

fn rule(
    body: &Body,
    protocol_key: &str,
    resource: &ResourceRef,
    group: Value<String>,
    span: Span,
) -> IngressRule {
    let mut cidrs = Vec::new();
    for key in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"] {
        if let Some(attr) = body.attr(key) {
            cidrs.extend(cidr_fields(attr));
        }
    }
    IngressRule {
        declared_by: resource.clone(),
        group,
        protocol: body
            .field(protocol_key, Val::as_string)
            .unwrap_or_else(|| Field::unknown_at(span)),
        from_port: body.field("from_port", Val::as_f64),
        to_port: body.field("to_port", Val::as_f64),
        cidrs,
        span,
    }
}

/// A CIDR attribute (a list, or one string) as one field per block.
fn cidr_fields(attr: &Attr) -> Vec<Field<String>> {
    let field = |value: Value<String>| Field {
        value,
        span: attr.value_span,
        via: attr.via.clone(),
    };
    let items: Vec<&Val> = match &attr.value {
        Val::Null => Vec::new(),
        Val::List(items) => items.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .filter(|v| **v != Val::Null)
        .map(|v| match v {
            Val::Str(s) => field(Value::Known(s.clone())),
            _ => field(Value::Unknown),
        })
        .collect()
}

/// One object of an `ingress` list as a body: its attributes at the list's span. An attribute
/// missing from the object is left out (the plan leaves unknown values out: see
/// `parse::plan::node::with_unknowns`, which marks them unknown).
fn object_body(fields: &[(String, Val)], attr: &Attr) -> Body {
    Body {
        attrs: fields
            .iter()
            .map(|(k, v)| {
                let mut item = Attr::literal(v.clone(), attr.value_span);
                item.span = attr.span;
                item.via = attr.via.clone();
                item.mentions = Arc::clone(&attr.mentions);
                (k.clone(), item)
            })
            .collect(),
        blocks: Vec::new(),
    }
}
