//! `AWS::EC2::SecurityGroup` (inline `SecurityGroupIngress`) and
//! `AWS::EC2::SecurityGroupIngress`.

use super::{number_field, string_field, Adapter};
use crate::model::{Field, IngressRule, ResourceRef, SecurityGroup, Val, Value};
use crate::resolved::{Attr, Body, Resource};
use crate::source::Span;

pub(super) const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";

pub(super) fn security_group(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    a.model.security_groups.push(SecurityGroup {
        resource: resource.clone(),
    });
    // Entries that are not literal maps (an `Fn::If` on an unknown condition, a parameter)
    // are rules we cannot read: they never count as open.
    for entry in r.body.blocks("SecurityGroupIngress") {
        if entry.value.is_none() {
            let group = Value::Known(resource.address.clone());
            a.model
                .ingress_rules
                .push(rule(&entry.body, resource, group, entry.span));
        }
    }
}

/// `AWS::EC2::SecurityGroupIngress`: its group by `GroupId` (`!GetAtt G.GroupId`, `!Ref G`)
/// or `GroupName` (default VPC).
pub(super) fn ingress(r: &Resource, resource: &ResourceRef, a: &mut Adapter) {
    let target = r.body.attr("GroupId").or_else(|| r.body.attr("GroupName"));
    let group = match target.map(|t| a.designated_all(&t.value, SECURITY_GROUP)) {
        Some(groups) => match groups.as_slice() {
            [Value::Known(address)] => Value::Known(address.clone()),
            _ => Value::Unknown,
        },
        None => Value::Unknown,
    };
    let rule = rule(&r.body, resource, group, resource.span);
    a.model.ingress_rules.push(rule);
}

fn rule(body: &Body, resource: &ResourceRef, group: Value<String>, span: Span) -> IngressRule {
    let cidrs = ["CidrIp", "CidrIpv6"]
        .iter()
        .filter_map(|key| body.attr(key))
        .filter(|attr| attr.value != Val::Null)
        .map(cidr)
        .collect();
    IngressRule {
        declared_by: resource.clone(),
        group,
        protocol: string_field(body, "IpProtocol").unwrap_or_else(|| Field::unknown_at(span)),
        from_port: number_field(body, "FromPort"),
        to_port: number_field(body, "ToPort"),
        cidrs,
        span,
    }
}

fn cidr(attr: &Attr) -> Field<String> {
    Field::lower(
        &attr.value,
        attr.value_span,
        &attr.via,
        true,
        Val::as_cfn_string,
    )
}
