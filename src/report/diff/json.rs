//! `diff --format json`: the stable machine format of a comparison (version 1).
//!
//! `new` and `fixed` are findings (with their `fingerprint`, see `crate::diff::identity`),
//! `unchanged` a count, `monthly_cost_delta_usd` the head's known monthly cost minus the
//! base's (rounded to cents), broken down `by_rule` and `by_file`.

use serde_json::json;

use crate::diff::DiffOutcome;

pub fn render(d: &DiffOutcome) -> String {
    let c = &d.comparison;
    let breakdown = |v: Vec<crate::diff::CostDelta>, key: &str| -> Vec<serde_json::Value> {
        v.into_iter()
            .map(|d| json!({ key: d.key, "delta_usd": d.delta_usd }))
            .collect()
    };
    let value = json!({
        "version": 1,
        "base": { "revision": d.base.label, "commit": d.base.commit },
        "head": { "revision": d.head.commit.as_ref().map(|_| &d.head.label), "commit": d.head.commit },
        "new": c.new,
        "fixed": c.fixed,
        "unchanged": c.unchanged.len(),
        "monthly_cost_delta_usd": c.monthly_cost_delta(),
        "monthly_cost_delta_by_rule": breakdown(c.monthly_cost_delta_by_rule(), "rule"),
        "monthly_cost_delta_by_file": breakdown(c.monthly_cost_delta_by_file(), "file"),
        "errors": d.head.errors,
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}
