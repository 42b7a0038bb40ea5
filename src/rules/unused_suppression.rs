//! `unused-suppression`: a suppression that matched no finding, so stale ignores do not pile
//! up. Produced by the engine after the other rules ran.

use super::{AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::Model;
use crate::source::Span;

pub struct UnusedSuppression;

pub static META: RuleMeta = RuleMeta {
    id: "unused-suppression",
    default_severity: Severity::Info,
    category: Category::Correctness,
    summary: "Suppression that matches no finding",
    doc: include_str!("../../rules/unused-suppression.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _model: &Model, _ctx: &RuleContext, _out: &mut Vec<Finding>) {}
}

pub fn finding(span: Span, rules: &[String]) -> Finding {
    super::finding(
        &META,
        "",
        Label::new(span, "matches nothing"),
        format!(
            "suppression of `{}` matches no finding",
            rules.join("`, `")
        ),
        "Remove it: the problem it silenced is gone (or the comment is not inside or just above the resource).".to_string(),
    )
}
