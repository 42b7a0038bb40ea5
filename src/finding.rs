//! Findings: plain data produced by rules, rendered by `report`.

use serde::Serialize;

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Cost,
    Compliance,
    Correctness,
    /// Exposure to attack: open ports, credentials that reach instances.
    Security,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cost => "cost",
            Category::Compliance => "compliance",
            Category::Correctness => "correctness",
            Category::Security => "security",
        }
    }
}

/// A labelled span.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// One problem found by a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub help: String,
    /// The offending value.
    pub primary: Label,
    /// The resource, the definition a value came from...
    pub secondary: Vec<Label>,
    /// Terraform address or CloudFormation logical id.
    pub resource: String,
    /// Estimated monthly waste or saving, unrounded; `None` when unknown.
    pub monthly_cost_usd: Option<f64>,
}

/// Formats a dollar amount for messages: rounded to cents only here, at display time.
pub fn usd(amount: f64) -> String {
    format!("${amount:.2}")
}
