//! `invalid-suppression`: a suppression without a reason, with an unknown rule id, or
//! malformed. Produced by the engine from the suppressions it reads, not from the model.

use super::{AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::Model;
use crate::source::Span;

pub struct InvalidSuppression;

pub static META: RuleMeta = RuleMeta {
    id: "invalid-suppression",
    default_severity: Severity::Warning,
    category: Category::Correctness,
    summary: "Suppression without a reason, naming an unknown rule, or malformed",
    doc: include_str!("../../rules/invalid-suppression.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _model: &Model, _ctx: &RuleContext, _out: &mut Vec<Finding>) {}
}

pub fn finding(span: Span, message: String) -> Finding {
    super::finding(
        &META,
        "",
        Label::new(span, "this suppression"),
        message,
        "Write `infralint:ignore[<rule-id>] <reason>` with a registered rule id (see `infralint rules`) and a reason.".to_string(),
    )
}
