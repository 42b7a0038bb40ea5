//! `eip-classic`: Elastic IPs for EC2-Classic, which is retired.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::Model;

pub struct EipClassic;

static META: RuleMeta = RuleMeta {
    id: "eip-classic",
    default_severity: Severity::Warning,
    category: Category::Correctness,
    summary: "Elastic IP for EC2-Classic (`vpc = false`, `domain = \"standard\"`): EC2-Classic is retired",
    doc: include_str!("../../rules/eip-classic.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

impl Rule for EipClassic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fixes(&self) -> &'static [crate::fix::Safety] {
        use crate::fix::Safety;
        &[Safety::Unsafe]
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        for eip in &model.elastic_ips {
            let Some(domain) = &eip.domain else {
                continue;
            };
            if domain.known().map(String::as_str) != Some("standard") {
                continue;
            }
            let mut f = finding(
                &META,
                &eip.resource.address,
                Label::new(domain.span, "EC2-Classic"),
                format!(
                    "Elastic IP `{}` asks for the EC2-Classic domain, which AWS retired in 2023: allocation fails or the address is unusable in a VPC",
                    eip.resource.address
                ),
                "Use `domain = \"vpc\"` (Terraform; `vpc = true` is deprecated) or `Domain: vpc` (CloudFormation).".to_string(),
            );
            f.secondary = origin_labels(&domain.via);
            // `domain` forces a new address: unsafe. `vpc = false` is another attribute to
            // rewrite, not a value to replace, and is skipped (not the literal `standard`).
            f.fix = Some(crate::fix::Fix::new(
                crate::fix::Safety::Unsafe,
                "domain standard -> vpc (unsafe: the address is released and a new one allocated)",
                vec![crate::fix::replace(domain, "standard", "vpc")],
            ));
            out.push(f);
        }
    }
}
