//! Elastic IPs and everything that associates one: the EIP's own `instance` /
//! `network_interface`, `aws_eip_association`, NAT gateways, load balancer subnet mappings;
//! and the uses that may associate one outside what we see.

use super::Adapter;
use crate::model::address::is_resource;
use crate::model::{
    domain_from_vpc, AssociationKind, EipAssociation, EipEscape, EipKey, ElasticIp, ResourceRef,
    Val, Value,
};
use crate::resolved::{Attr, BlockExpansion, Resource};

/// Attributes of an EIP that cannot carry it into an association.
const HARMLESS_ATTRS: &[&str] = &[
    "arn",
    "carrier_ip",
    "customer_owned_ip",
    "domain",
    "private_dns",
    "private_ip",
    "public_dns",
    "tags",
    "tags_all",
];

fn is_harmless(attr: Option<&str>) -> bool {
    attr.is_some_and(|a| HARMLESS_ATTRS.contains(&a))
}

/// Whether a value is not there: null, or an empty string (how Terraform shows an unset
/// computed string).
fn is_unset(value: &Val) -> bool {
    match value {
        Val::Null => true,
        Val::Str(s) => s.is_empty(),
        _ => false,
    }
}

pub(super) fn eip(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let key = a.eip_key(&resource.address);
    let domain = match r.body.field("domain", Val::as_string) {
        Some(d) => Some(d),
        None => r.body.field("vpc", Val::as_bool).map(domain_from_vpc),
    };
    for (name, kind) in [
        ("instance", AssociationKind::EipInstance),
        ("network_interface", AssociationKind::EipNetworkInterface),
    ] {
        let Some(attr) = r.body.attr(name) else {
            continue;
        };
        if is_unset(&attr.value) {
            continue;
        }
        let maybe_null = attr.value.alternatives().contains(&Val::Null);
        a.model.eip_associations.push(EipAssociation {
            declared_by: resource.clone(),
            kind,
            eip: Value::Known(key.clone()),
            span: attr.span,
            conditional: resource.conditional
                || maybe_null
                || attr.maybe_unset
                || (attr.value.is_unknown() && attr.chosen_by_condition),
        });
    }
    a.model.elastic_ips.push(ElasticIp {
        resource: resource.clone(),
        key,
        domain,
    });
}

pub(super) fn association(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let attr = r
        .body
        .attr("allocation_id")
        .or_else(|| r.body.attr("public_ip"));
    match attr {
        Some(attr) => associate(attr, resource, AssociationKind::Association, a),
        None => a.model.eip_associations.push(EipAssociation {
            span: resource.span,
            conditional: resource.conditional,
            declared_by: resource.clone(),
            kind: AssociationKind::Association,
            eip: Value::Unknown,
        }),
    }
}

/// A private NAT gateway has no allocation id: no association.
pub(super) fn nat_gateway(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    if let Some(attr) = r.body.attr("allocation_id") {
        associate(attr, resource, AssociationKind::NatGateway, a);
    }
}

pub(super) fn load_balancer(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    for mapping in r.body.blocks("subnet_mapping") {
        let Some(attr) = mapping.body.attr("allocation_id") else {
            continue;
        };
        match mapping.expansion {
            BlockExpansion::Once => associate(attr, resource, AssociationKind::LoadBalancer, a),
            // Any number of mappings: each EIP found may be associated.
            BlockExpansion::AnyNumber => {
                let mut conditional = resource.clone();
                conditional.conditional = true;
                associate(attr, &conditional, AssociationKind::LoadBalancer, a);
            }
        }
    }
}

/// Associations declared by `attr` (`allocation_id`, `public_ip`) of `resource`.
fn associate(attr: &Attr, resource: &ResourceRef, kind: AssociationKind, a: &mut Adapter) {
    for (eip, conditional) in targets(attr, a) {
        a.model.eip_associations.push(EipAssociation {
            declared_by: resource.clone(),
            kind,
            eip,
            span: attr.span,
            conditional: conditional || resource.conditional,
        });
    }
}

/// The EIPs an association attribute designates, each with whether the association may not
/// be to it. A resolved reference (or one of several) is exact; otherwise the EIPs the
/// expression mentions: exactly one is taken as the target, several are each possibly the
/// target (conditional), none is unknown (any EIP of the unit may be it).
fn targets(attr: &Attr, a: &mut Adapter) -> Vec<(Value<EipKey>, bool)> {
    if is_unset(&attr.value) || a.inexact.contains(&attr.expression) {
        // Unset, or already modeled for another instance of the resource.
        return Vec::new();
    }
    if !attr.value.is_unknown() {
        let mut keys: Vec<&str> = Vec::new();
        let mut maybe_null = false;
        let mut exact = true;
        for alt in attr.value.alternatives() {
            match alt {
                Val::Ref(r) if is_resource(&r.address, "aws_eip") => {
                    if !keys.contains(&r.address.as_str()) {
                        keys.push(&r.address);
                    }
                }
                Val::Null => maybe_null = true,
                _ => exact = false,
            }
        }
        if exact && !keys.is_empty() {
            // Several: each possibly the one, modeled once per expression.
            if keys.len() > 1 && !a.inexact.insert(attr.expression) {
                return Vec::new();
            }
            let conditional = maybe_null || keys.len() > 1;
            return keys
                .iter()
                .map(|k| (Value::Known(a.eip_key(k)), conditional))
                .collect();
        }
    }
    // A known id (`"eipalloc-..."`): an address allocated elsewhere, none of the unit's,
    // whose ids are only known once they exist.
    let literal = |v: &Val| matches!(v, Val::Str(_) | Val::Num(_) | Val::Bool(_) | Val::Null);
    if attr.value.alternatives().iter().all(literal) {
        return Vec::new();
    }
    // The EIPs mentioned, each at its first mention that can carry it, in address order.
    let mut mentioned: Vec<(&str, crate::source::Span)> = Vec::new();
    for m in attr.mentions.iter() {
        if is_resource(&m.address, "aws_eip")
            && !is_harmless(m.attr.as_deref())
            && !mentioned.iter().any(|(address, _)| *address == m.address)
        {
            mentioned.push((&m.address, m.span));
        }
    }
    mentioned.sort_by(|x, y| x.0.cmp(y.0));
    if mentioned.len() > 1 && !a.inexact.insert(attr.expression) {
        // Already modeled for another instance of the resource.
        return Vec::new();
    }
    let conditional = matches!(attr.value, Val::OneOf(_))
        || (attr.value.is_unknown() && attr.chosen_by_condition);
    match mentioned.len() {
        0 => vec![(Value::Unknown, conditional)],
        1 => mentioned
            .iter()
            .map(|(address, _)| (Value::Known(a.eip_key(address)), conditional))
            .collect(),
        _ => mentioned
            .iter()
            .map(|(address, _)| (Value::Known(a.eip_key(address)), true))
            .collect(),
    }
}

/// An EIP's allocation id handed to any other resource (a NAT gateway's
/// `secondary_allocation_ids`, a Transfer server's `address_allocation_ids`, types we do not
/// model) may associate it: an escape, so `eip-unattached` stays silent.
pub(super) fn allocation_escapes(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    if matches!(r.kind.as_str(), "aws_eip" | "aws_eip_association")
        || r.references.is_empty()
        // The instances of one declaration share their references: once is enough.
        || !a.seen_references.insert(std::sync::Arc::as_ptr(&r.references) as *const u8 as usize)
    {
        return;
    }
    for m in r.references.iter() {
        if is_resource(&m.address, "aws_eip")
            && matches!(m.attr.as_deref(), Some("id" | "allocation_id"))
        {
            a.model.eip_escapes.push(EipEscape {
                eip: a.eip_key(&m.address),
                span: m.span,
                context: format!("`{}` resource `{}`", resource.kind, resource.address),
            });
        }
    }
}

/// EIPs handed to an output or to a module we do not follow: what receives them may
/// associate them.
pub(super) fn escapes(a: &mut Adapter) {
    for e in &a.unit.escapes {
        let m = &e.mention;
        if e.followed || !is_resource(&m.address, "aws_eip") || is_harmless(m.attr.as_deref()) {
            continue;
        }
        let eip = a.eip_key(&m.address);
        a.model.eip_escapes.push(EipEscape {
            eip,
            span: m.span,
            context: e.context.clone(),
        });
    }
}
