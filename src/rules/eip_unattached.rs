//! `eip-unattached`: an Elastic IP that nothing associates.

use foldhash::HashSet;

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{usd, usd_rate, Category, Finding, Label, Severity};
use crate::model::{EipKey, Model, SourceKind, Value};

pub struct EipUnattached;

static META: RuleMeta = RuleMeta {
    id: "eip-unattached",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "Elastic IP that nothing in its module or template associates (billed every hour)",
    doc: include_str!("../../rules/eip-unattached.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Whole,
    security_severity: None,
};

impl Rule for EipUnattached {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let mut associated: HashSet<&EipKey> = HashSet::default();
        // Units with an association whose EIP we cannot resolve: any of their EIPs may be it.
        let mut units_with_unknown = HashSet::default();
        for assoc in &model.eip_associations {
            match &assoc.eip {
                Value::Known(key) => {
                    associated.insert(key);
                }
                Value::Unknown => {
                    units_with_unknown.insert(assoc.declared_by.unit);
                }
            }
        }
        let escaped: HashSet<&EipKey> = model.eip_escapes.iter().map(|e| &e.eip).collect();

        for eip in &model.elastic_ips {
            let Some(unit) = model.unit(eip.key.unit) else {
                continue;
            };
            if !unit.complete
                || associated.contains(&eip.key)
                || escaped.contains(&eip.key)
                || units_with_unknown.contains(&eip.key.unit)
            {
                continue;
            }
            let scope = match unit.kind {
                SourceKind::Terraform => "module",
                SourceKind::CloudFormation => "template",
            };
            let how = match unit.kind {
                SourceKind::Terraform => {
                    "set `instance` or `network_interface`, add an `aws_eip_association`, or use it as a NAT gateway's or load balancer's `allocation_id`"
                }
                SourceKind::CloudFormation => {
                    "set `InstanceId`, add an `AWS::EC2::EIPAssociation`, or use its `AllocationId` in a NAT gateway or load balancer `SubnetMappings`"
                }
            };
            let prices = ctx.prices_for(&eip.resource);
            let cost = prices.map(|p| p.public_ipv4_month(ctx.hours_per_month()));
            let cost_text = match (cost, prices) {
                (Some(c), Some(p)) => format!(
                    "; an idle public IPv4 address costs {}/month ({}/hour in {})",
                    usd(c),
                    usd_rate(p.public_ipv4_hour),
                    ctx.region_for(&eip.resource)
                ),
                _ => String::new(),
            };
            let mut f = finding(
                &META,
                &eip.resource.address,
                Label::new(eip.resource.span, "never associated"),
                format!(
                    "Elastic IP `{}` is not associated with anything in its {scope}{cost_text}",
                    eip.resource.address
                ),
                format!("Associate it ({how}), or delete it if it is no longer needed."),
            );
            f.monthly_cost_usd = cost;
            out.push(f);
        }
    }
}
