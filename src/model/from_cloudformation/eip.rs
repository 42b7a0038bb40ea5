//! Elastic IPs and what associates one: `InstanceId` of the EIP, `AWS::EC2::EIPAssociation`,
//! NAT gateways, load balancer subnet mappings; and the uses that may associate one outside
//! the template.

use super::{string_field, Adapter};
use crate::model::{
    AssociationKind, EipAssociation, EipEscape, EipKey, ElasticIp, ResourceRef, Val, Value,
};
use crate::resolved::{Attr, Resource};
use crate::source::Span;

pub(super) const EIP: &str = "AWS::EC2::EIP";

/// An association target: the EIP (or unknown), the span of the expression naming it, and
/// whether it is conditional on its own.
type Target = (Value<EipKey>, Span, bool);

fn key(a: &Adapter, logical_id: &str) -> EipKey {
    EipKey {
        unit: a.unit.unit.id,
        address: logical_id.to_string(),
    }
}

/// An EIP of the template (`Ref`, or `Fn::GetAtt` of any attribute), or unknown.
fn eip_of(a: &Adapter, value: &Val) -> Value<EipKey> {
    match a.designated(value, EIP) {
        Some(id) => Value::Known(key(a, &id)),
        None => Value::Unknown,
    }
}

/// `InstanceId` associates the EIP whichever instance it names; the association is
/// conditional only when the property may be absent.
pub(super) fn eip(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let k = key(a, &resource.address);
    if let Some(attr) = r.body.attr("InstanceId") {
        let alternatives = attr.value.alternatives();
        let absent = alternatives.contains(&Val::Null);
        if alternatives.iter().any(|v| *v != Val::Null) {
            a.model.eip_associations.push(EipAssociation {
                declared_by: resource.clone(),
                kind: AssociationKind::EipInstance,
                eip: Value::Known(k.clone()),
                span: attr.value_span,
                conditional: resource.conditional || absent,
            });
        }
    }
    a.model.elastic_ips.push(ElasticIp {
        domain: string_field(&r.body, "Domain"),
        resource: resource.clone(),
        key: k,
    });
}

/// `AWS::EC2::EIPAssociation`: the EIP is named by `AllocationId` (VPC) or `EIP` (the
/// public IP, EC2-Classic style); without either we cannot tell which EIP it is.
pub(super) fn association(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let mut found = Vec::new();
    let mut absent = true;
    if let Some(attr) = r.body.attr("AllocationId") {
        (found, absent) = targets(a, attr);
    }
    if absent {
        if let Some(attr) = r.body.attr("EIP") {
            let (more, may_be_absent) = targets(a, attr);
            found.extend(more);
            absent = may_be_absent;
        }
    }
    if found.is_empty() {
        a.model.eip_associations.push(EipAssociation {
            span: resource.span,
            conditional: resource.conditional,
            declared_by: resource.clone(),
            kind: AssociationKind::Association,
            eip: Value::Unknown,
        });
        return;
    }
    push(a, resource, AssociationKind::Association, found, absent);
}

pub(super) fn nat_gateway(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    if let Some(attr) = r.body.attr("AllocationId") {
        let (found, absent) = targets(a, attr);
        push(a, resource, AssociationKind::NatGateway, found, absent);
    }
}

/// `SubnetMappings[].AllocationId` of a load balancer. Each mapping is its own association;
/// one that an unresolved `Fn::If` chooses (or whose allocation may be absent, or is one of
/// several) is conditional.
pub(super) fn load_balancer(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let Some(property) = r.body.attr("SubnetMappings") else {
        return;
    };
    let mut found: Vec<Target> = Vec::new();
    let mappings: Vec<_> = r.body.blocks("SubnetMappings").collect();
    // A literal list: item by item. (An empty one has no allocation either way.)
    if !mappings.is_empty() {
        for item in mappings {
            match &item.value {
                // A literal mapping.
                None => {
                    if let Some(alloc) = item.body.attr("AllocationId") {
                        let (targets, absent) = targets(a, alloc);
                        let targets = dedup(targets);
                        let alternatives = targets.len() > 1;
                        found.extend(
                            targets
                                .into_iter()
                                .map(|(eip, span, _)| (eip, span, absent || alternatives)),
                        );
                    }
                }
                // `AWS::NoValue`.
                Some(v) if v.value == Val::Null => {}
                Some(v) => evaluated_allocations(a, &v.value, v, &mut found),
            }
        }
    } else {
        for list in property.value.alternatives() {
            match list {
                Val::List(items) => {
                    for item in items {
                        evaluated_allocations(a, item, property, &mut found);
                    }
                }
                Val::Null => {}
                _ => unknown_allocation(property, &mut found),
            }
        }
    }
    for (eip, span, conditional) in dedup(found) {
        a.model.eip_associations.push(EipAssociation {
            declared_by: resource.clone(),
            kind: AssociationKind::LoadBalancer,
            eip,
            span,
            conditional: resource.conditional || conditional,
        });
    }
}

/// The allocations of a subnet mapping that is not written literally, from its evaluated
/// candidates; all conditional. `at` is the expression that builds it.
fn evaluated_allocations(a: &Adapter, value: &Val, at: &Attr, found: &mut Vec<Target>) {
    for candidate in value.alternatives() {
        match candidate {
            Val::Null => {}
            Val::Map(entries) => {
                if let Some((_, alloc)) = entries.iter().find(|(k, _)| k == "AllocationId") {
                    for v in alloc.alternatives() {
                        if *v != Val::Null {
                            found.push((eip_of(a, v), at.value_span, true));
                        }
                    }
                }
            }
            _ => unknown_allocation(at, found),
        }
    }
}

/// An allocation we cannot resolve, when the expression may hold one (it reads an
/// `AllocationId`).
fn unknown_allocation(at: &Attr, found: &mut Vec<Target>) {
    if at
        .mentions
        .iter()
        .any(|m| m.attr.as_deref() == Some("AllocationId"))
    {
        found.push((Value::Unknown, at.value_span, true));
    }
}

/// The EIPs an expression may name, with its span, and whether it may be absent
/// (`AWS::NoValue` in a branch).
fn targets(a: &Adapter, attr: &Attr) -> (Vec<Target>, bool) {
    let mut absent = false;
    let mut out = Vec::new();
    for v in attr.value.alternatives() {
        if *v == Val::Null {
            absent = true;
        } else {
            out.push((eip_of(a, v), attr.value_span, false));
        }
    }
    (out, absent)
}

/// One association per distinct target. The targets are alternatives: with more than one,
/// or when the property may be absent, each is conditional.
fn push(
    a: &mut Adapter,
    resource: &ResourceRef,
    kind: AssociationKind,
    targets: Vec<Target>,
    absent: bool,
) {
    let targets = dedup(targets);
    let alternatives = targets.len() > 1;
    for (eip, span, conditional) in targets {
        a.model.eip_associations.push(EipAssociation {
            declared_by: resource.clone(),
            kind,
            eip,
            span,
            conditional: resource.conditional || absent || alternatives || conditional,
        });
    }
}

/// Merges targets naming the same EIP (keeping the first span); alternatives stay flagged.
fn dedup(targets: Vec<Target>) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for (eip, span, alt) in targets {
        match out.iter_mut().find(|(e, _, _)| *e == eip) {
            Some(existing) => existing.2 &= alt,
            None => out.push((eip, span, alt)),
        }
    }
    out
}

/// An EIP's allocation id handed to any resource (a NAT gateway's `SecondaryAllocationIds`, a
/// Transfer server's `AddressAllocationIds`, types we do not model) may associate it: such a
/// use is an escape, so `eip-unattached` stays silent. (Nested stacks and custom resources
/// count every reference: see the template's escapes.)
pub(super) fn allocation_escapes(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let whole = matches!(
        r.kind.as_str(),
        "AWS::CloudFormation::Stack"
            | "AWS::Serverless::Application"
            | "AWS::CloudFormation::CustomResource"
    ) || r.kind.starts_with("Custom::");
    if r.kind == EIP || r.kind == "AWS::EC2::EIPAssociation" || whole {
        return;
    }
    for m in r.references.iter() {
        if m.attr.as_deref() == Some("AllocationId") && a.is(&m.address, EIP) {
            a.model.eip_escapes.push(EipEscape {
                eip: key(a, &m.address),
                span: m.span,
                context: format!("`{}` resource `{}`", resource.kind, resource.address),
            });
        }
    }
}

/// EIPs handed to an output, a nested stack or a custom resource.
pub(super) fn escapes(a: &mut Adapter) {
    for e in &a.unit.escapes {
        if a.is(&e.mention.address, EIP) {
            let eip = key(a, &e.mention.address);
            a.model.eip_escapes.push(EipEscape {
                eip,
                span: e.mention.span,
                context: e.context.clone(),
            });
        }
    }
}
