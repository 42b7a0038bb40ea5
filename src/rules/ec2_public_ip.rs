//! `ec2-public-ip`: instances and templates that ask for a public IPv4 address.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{usd, Category, Finding, Label, Severity};
use crate::model::Model;

pub struct Ec2PublicIp;

static META: RuleMeta = RuleMeta {
    id: "ec2-public-ip",
    default_severity: Severity::Info,
    category: Category::Cost,
    summary:
        "Instance or template that associates a public IPv4 address (billed hourly since 2024-02)",
    doc: include_str!("../../rules/ec2-public-ip.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
};

impl Rule for Ec2PublicIp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for settings in &model.launch_settings {
            for field in &settings.public_ip {
                if field.known() != Some(&true) {
                    continue;
                }
                let cost = ctx
                    .prices_for(&settings.resource)
                    .map(|p| p.public_ipv4_month(ctx.hours_per_month()));
                let cost_text = cost
                    .map(|c| format!(": {}/month per running instance", usd(c)))
                    .unwrap_or_default();
                let mut f = finding(
                    &META,
                    &settings.resource.address,
                    Label::new(field.span, "public IPv4"),
                    format!(
                        "`{}` associates a public IPv4 address with each instance; every public IPv4 address is billed since 2024-02-01{cost_text}",
                        settings.resource.address
                    ),
                    "Keep instances private behind a load balancer, NAT gateway or EC2 Instance Connect Endpoint, or use IPv6; if the address is needed, this finding is informational.".to_string(),
                );
                f.secondary = origin_labels(&field.via);
                f.monthly_cost_usd = cost;
                out.push(f);
            }
        }
    }
}
