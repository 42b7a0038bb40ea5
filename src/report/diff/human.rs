//! `diff --format human`: new and fixed findings listed, unchanged ones counted, the delta.

use std::fmt::Write;

use super::signed_usd;
use crate::diff::{DiffFinding, DiffOutcome};

fn line(out: &mut String, f: &DiffFinding, sign: &str) {
    let cost = f
        .monthly_cost_usd
        .map(|c| format!(" ({}/month)", signed_usd(if sign == "-" { -c } else { c })))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {sign} {}[{}] {}:{}:{} {}: {}{cost}",
        f.severity.as_str(),
        f.rule,
        f.file,
        f.line,
        f.column,
        f.resource,
        f.message
    );
}

pub fn render(d: &DiffOutcome) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "infralint diff: {} -> {}",
        version_label(&d.base.label, d.base.commit.as_deref()),
        version_label(&d.head.label, d.head.commit.as_deref())
    );
    let c = &d.comparison;
    let _ = writeln!(out, "\nnew findings: {}", c.new.len());
    for f in &c.new {
        line(&mut out, f, "+");
    }
    let _ = writeln!(out, "\nfixed findings: {}", c.fixed.len());
    for f in &c.fixed {
        line(&mut out, f, "-");
    }
    let _ = writeln!(out, "\nunchanged findings: {}", c.unchanged.len());
    let _ = writeln!(
        out,
        "monthly cost delta: {}",
        signed_usd(c.monthly_cost_delta())
    );
    for delta in c.monthly_cost_delta_by_rule() {
        let _ = writeln!(out, "  {:<28} {}", delta.key, signed_usd(delta.delta_usd));
    }
    out
}

/// `main (1a2b3c4)`, `working tree`.
pub fn version_label(label: &str, commit: Option<&str>) -> String {
    match commit {
        Some(c) => format!("{label} ({})", c.get(..7).unwrap_or(c)),
        None => label.to_string(),
    }
}
