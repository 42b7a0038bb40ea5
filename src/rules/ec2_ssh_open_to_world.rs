//! `ec2-ssh-open-to-world`: an instance or template with an SSH key pair whose security group
//! lets the whole internet reach port 22.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{usd, Category, Finding, Label, Severity};
use crate::model::{ComputeKind, Field, IngressRule, KeyName, Model, UnitId, Value};

pub struct Ec2SshOpenToWorld;

static META: RuleMeta = RuleMeta {
    id: "ec2-ssh-open-to-world",
    default_severity: Severity::Warning,
    category: Category::Security,
    summary: "Instance or template with an SSH key pair whose security group opens port 22 to the internet",
    doc: include_str!("../../rules/ec2-ssh-open-to-world.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: Some(6.5),
};

const SSH_PORT: f64 = 22.0;
/// Every IPv4 and every IPv6 address.
const WORLD: [&str; 2] = ["0.0.0.0/0", "::/0"];

impl Rule for Ec2SshOpenToWorld {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for access in &model.launch_access {
            let Some(key) = &access.key_name else {
                continue;
            };
            let Some(key_value) = key.known() else {
                continue;
            };
            let unit = access.resource.unit;
            // The first group (in the order written) with a rule open to the world.
            let open = access.security_groups.iter().find_map(|group| {
                let address = group.known()?;
                let (rule, cidr) = open_rule(model, unit, address)?;
                Some((group, address, rule, cidr))
            });
            let Some((group, group_address, rule, cidr)) = open else {
                continue;
            };
            let address = &access.resource.address;
            let what = match access.kind {
                ComputeKind::Instance => "instance",
                ComputeKind::LaunchTemplate => "launch template",
                ComputeKind::LaunchConfiguration => "launch configuration",
            };
            let key_text = match key_value {
                KeyName::Named(name) => format!("key pair `{name}`"),
                KeyName::Pair(pair) => format!("key pair `{pair}`"),
            };
            let world = cidr.known().map(String::as_str).unwrap_or("0.0.0.0/0");
            let public_ip = model
                .launch_settings
                .iter()
                .any(|s| s.resource == access.resource && s.public_ip.iter().any(|f| f.known() == Some(&true)));
            let ipv4 = ctx
                .prices_for(&access.resource)
                .map(|p| usd(p.public_ipv4_month(ctx.hours_per_month())));
            let ip_text = match (ipv4, public_ip) {
                (Some(cost), true) => format!(" Its public IPv4 address, which only this access needs, costs {cost}/month per instance."),
                (Some(cost), false) => format!(" Reaching port 22 from the internet also takes a public IPv4 address, likely billed {cost}/month per instance."),
                (None, _) => String::new(),
            };
            let mut f = finding(
                &META,
                address,
                Label::new(key.span, "SSH key pair"),
                format!(
                    "{what} `{address}` has {key_text} and its security group `{group_address}` allows port 22 from {world} (the whole internet)"
                ),
                format!(
                    "Connect through AWS Systems Manager Session Manager or an EC2 Instance Connect Endpoint: neither needs an inbound port nor a key pair. Remove the {world} rule (or limit it to known addresses) and the key pair.{ip_text}"
                ),
            );
            f.secondary.push(Label::new(cidr.span, format!("port 22 open to {world}")));
            if rule.span != cidr.span {
                f.secondary.push(Label::new(rule.span, "inbound rule"));
            }
            f.secondary.push(Label::new(group.span, "security group"));
            f.secondary.extend(origin_labels(&key.via));
            f.secondary.extend(origin_labels(&cidr.via));
            out.push(f);
        }
    }
}

/// A rule of group `group` (in `unit`) that surely lets the world reach port 22, and its
/// world-wide source. Rules with an unknown protocol, port or source never count.
fn open_rule<'m>(
    model: &'m Model,
    unit: UnitId,
    group: &str,
) -> Option<(&'m IngressRule, &'m Field<String>)> {
    model
        .ingress_rules
        .iter()
        .filter(|r| r.declared_by.unit == unit && r.group == Value::Known(group.to_string()))
        .find_map(|r| {
            if !reaches_ssh(r) {
                return None;
            }
            let cidr = r
                .cidrs
                .iter()
                .find(|c| c.known().is_some_and(|c| WORLD.contains(&c.as_str())))?;
            Some((r, cidr))
        })
}

/// Whether the rule's protocol and ports surely include TCP port 22.
fn reaches_ssh(rule: &IngressRule) -> bool {
    let Some(protocol) = rule.protocol.known() else {
        return false;
    };
    let protocol = protocol.to_ascii_lowercase();
    // `-1` (`all` in Terraform): every protocol and port, whatever the ports say.
    if protocol == "-1" || protocol == "all" {
        return true;
    }
    if protocol != "tcp" && protocol != "6" {
        return false;
    }
    let port = |p: &Option<Field<f64>>| p.as_ref().and_then(|f| f.known()).copied();
    match (port(&rule.from_port), port(&rule.to_port)) {
        (Some(from), Some(to)) => from <= SSH_PORT && SSH_PORT <= to,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceRef;
    use crate::source::{FileId, Span};

    fn rule(protocol: &str, from: Option<f64>, to: Option<f64>) -> IngressRule {
        let span = Span::new(FileId(0), 0..1);
        IngressRule {
            declared_by: ResourceRef {
                address: "g".into(),
                kind: "aws_security_group".into(),
                unit: UnitId(0),
                span,
                body_span: span,
                conditional: false,
            },
            group: Value::Known("g".into()),
            protocol: Field::known_at(protocol.into(), span),
            from_port: from.map(|p| Field::known_at(p, span)),
            to_port: to.map(|p| Field::known_at(p, span)),
            cidrs: Vec::new(),
            span,
        }
    }

    #[test]
    fn ports_and_protocols() {
        assert!(reaches_ssh(&rule("tcp", Some(22.0), Some(22.0))));
        assert!(reaches_ssh(&rule("TCP", Some(0.0), Some(65535.0))));
        assert!(reaches_ssh(&rule("6", Some(20.0), Some(30.0))));
        assert!(reaches_ssh(&rule("-1", Some(0.0), Some(0.0))));
        assert!(reaches_ssh(&rule("all", None, None)));
        assert!(!reaches_ssh(&rule("tcp", Some(443.0), Some(443.0))));
        assert!(!reaches_ssh(&rule("udp", Some(22.0), Some(22.0))));
        assert!(!reaches_ssh(&rule("tcp", None, Some(22.0))));
    }
}
