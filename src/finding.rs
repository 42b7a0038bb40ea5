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
    /// For a finding silenced by a suppression: the reason it gives (SARIF's justification).
    pub suppressed_because: Option<String>,
    /// An account-level default that makes the finding moot (encryption by default, IMDSv2 by
    /// default): it is not reported, and the summary says what silenced it.
    pub silenced_by: Option<Silencer>,
    /// The Terraform roots (directories) the finding holds for: several when a local module
    /// called by several roots yields it in each.
    pub roots: Vec<String>,
    /// The region the finding's resource is priced in (its provider's, else the run's).
    pub region: Option<String>,
    /// What `check --fix` can change to resolve it (see `crate::fix`).
    pub fix: Option<crate::fix::Fix>,
}

/// What silences a finding: a default declared in code or set in `.infralint.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Silencer {
    /// `aws_ebs_encryption_by_default.this`, `[account] ebs_encryption_by_default = true`.
    pub what: String,
    /// Where a resource declares it.
    pub at: Option<Span>,
}

/// A dollar amount for messages, rounded to cents only here (at display time), with thousands
/// separators as IOPS have them: `$2,725.00`, `-$1.00`.
pub fn usd(amount: f64) -> String {
    if !amount.is_finite() {
        return format!("${amount}");
    }
    let cents = format!("{:.2}", amount.abs());
    let (whole, fraction) = cents.split_once('.').unwrap_or((&cents, "00"));
    let sign = if amount < 0.0 && cents.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        "-"
    } else {
        ""
    };
    format!("{sign}${}.{fraction}", group_thousands(whole))
}

/// A unit price (per hour, per GB-month, per IOPS-month...) for display: the decimals it has,
/// up to six, at least two, so a discounted figure prints as `$0.0045`, not the float noise
/// `$0.0045000000000000005`.
pub fn usd_rate(amount: f64) -> String {
    if !amount.is_finite() {
        return format!("${amount}");
    }
    let sign = if amount < 0.0 { "-" } else { "" };
    let text = decimal(amount.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    format!("{sign}${whole}.{fraction:0<2}")
}

/// A number for display: at most six decimals, trailing zeros dropped (`730`, `0.0792`, not
/// `0.07919999999999999`), thousands unseparated (it may be read back as a number).
pub fn decimal(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let text = format!("{n:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".to_string(),
        t => t.to_string(),
    }
}

/// The first few of `items` joined with `sep`, and how many more (`a, b, c and 11 more`): a
/// region map of 14 image ids is named, not printed whole.
pub fn first_few(items: &[String], sep: &str) -> String {
    const SHOWN: usize = 3;
    if items.len() <= SHOWN + 1 {
        return items.join(sep);
    }
    format!(
        "{} and {} more",
        items[..SHOWN].join(sep),
        items.len() - SHOWN
    )
}

/// A whole number with thousands separators (`16,000`), rounded.
pub fn thousands(n: f64) -> String {
    let rounded = n.round();
    if !rounded.is_finite() {
        return n.to_string();
    }
    // An integral float below 2^64 converts exactly (and far faster than float formatting).
    let digits = if rounded.abs() < 1.8e19 {
        (rounded.abs() as u64).to_string()
    } else {
        format!("{:.0}", rounded.abs())
    };
    let sign = if rounded < 0.0 { "-" } else { "" };
    format!("{sign}{}", group_thousands(&digits))
}

/// `1234567` -> `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_rounded_to_cents_with_separators() {
        assert_eq!(usd(2725.0), "$2,725.00");
        assert_eq!(usd(1380.7199999999998), "$1,380.72");
        assert_eq!(usd(0.079_199_999_999_999_99), "$0.08");
        assert_eq!(usd(999.995), "$1,000.00");
        assert_eq!(usd(-1.0), "-$1.00");
        assert_eq!(usd(-0.001), "$0.00");
        assert_eq!(usd(1_234_567.891), "$1,234,567.89");
    }

    #[test]
    fn unit_prices_keep_their_decimals_without_float_noise() {
        assert_eq!(usd_rate(0.0045000000000000005), "$0.0045");
        assert_eq!(usd_rate(0.005), "$0.005");
        assert_eq!(usd_rate(0.1), "$0.10");
        assert_eq!(usd_rate(0.07919999999999999), "$0.0792");
        assert_eq!(usd_rate(3.0), "$3.00");
        assert_eq!(decimal(0.07919999999999999), "0.0792");
        assert_eq!(decimal(730.0), "730");
        assert_eq!(decimal(-0.0000001), "0");
    }

    #[test]
    fn long_lists_are_cut() {
        let items: Vec<String> = (1..=6).map(|i| format!("`ami-{i}`")).collect();
        assert_eq!(
            first_few(&items[..4], ", "),
            "`ami-1`, `ami-2`, `ami-3`, `ami-4`"
        );
        assert_eq!(
            first_few(&items, " or "),
            "`ami-1` or `ami-2` or `ami-3` and 3 more"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1500.0), "1,500");
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(-0.4), "0");
        assert_eq!(thousands(-1500.0), "-1,500");
    }
}
