//! `ami-owner-unrestricted`: `data "aws_ami"` lookups that any account's image can satisfy.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::Model;

pub struct AmiOwnerUnrestricted;

static META: RuleMeta = RuleMeta {
    id: "ami-owner-unrestricted",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary: "data \"aws_ami\" without `owners`: anyone's public image that matches can be picked",
    doc: include_str!("../../rules/ami-owner-unrestricted.md"),
    options: &[],
    applies_to: AppliesTo::Terraform,
    enabled_by_default: true,
};

impl Rule for AmiOwnerUnrestricted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        for lookup in model.ami_lookups.iter().filter(|l| !l.owner_filter()) {
            let (label, problem, span, via) = match &lookup.owners {
                None => (
                    "no `owners`",
                    "has no `owners`",
                    lookup.resource.span,
                    &[][..],
                ),
                Some(owners) if owners.known().is_some_and(Vec::is_empty) => (
                    "empty `owners`",
                    "has an empty `owners` list",
                    owners.span,
                    &owners.via[..],
                ),
                // Known and non-empty, or unknown (a variable): cannot tell, stay silent.
                Some(_) => continue,
            };
            let mut f = finding(
                &META,
                &lookup.resource.address,
                Label::new(span, label),
                format!(
                    "`{}` {problem}: any AWS account can publish a public image whose name matches the filters, and the lookup may pick it (AMI squatting)",
                    lookup.resource.address
                ),
                "Set `owners` to the publisher's account id or alias (`amazon`, `aws-marketplace`, `099720109477` for Canonical, `self`).".to_string(),
            );
            f.secondary = origin_labels(via);
            out.push(f);
        }
    }
}
