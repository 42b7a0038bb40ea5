//! Matching the findings of two versions: new, fixed, unchanged, and the monthly cost delta.

use foldhash::HashMap;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Category, Severity};

/// A finding of one version, located in the repository (paths from its root).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffFinding {
    /// See [`super::identity`].
    pub fingerprint: String,
    #[serde(skip)]
    pub fingerprint_without_file: String,
    pub rule: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub resource: String,
    /// Relative to the repository root, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub monthly_cost_usd: Option<f64>,
}

/// What changed between two versions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// In the head only, in report order.
    pub new: Vec<DiffFinding>,
    /// In the base only, in report order.
    pub fixed: Vec<DiffFinding>,
    /// In both: (base, head).
    pub unchanged: Vec<(DiffFinding, DiffFinding)>,
}

/// One line of a cost breakdown: the head's known monthly cost minus the base's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostDelta {
    pub key: String,
    pub delta_usd: f64,
}

impl Comparison {
    /// Matches `head` against `base` by fingerprint, one for one. A finding left over in a file
    /// that exists in one version only is then matched by its identity without the file against
    /// the leftovers of files that exist in the other version only: a renamed (moved) file
    /// keeps its findings, while two files that both exist never exchange theirs.
    pub fn new(
        base: Vec<DiffFinding>,
        head: Vec<DiffFinding>,
        in_base: impl Fn(&str) -> bool,
        in_head: impl Fn(&str) -> bool,
    ) -> Comparison {
        let mut pool: HashMap<String, Vec<DiffFinding>> = HashMap::default();
        for f in base {
            pool.entry(f.fingerprint.clone()).or_default().push(f);
        }
        let mut unchanged = Vec::new();
        let mut leftover = Vec::new();
        for f in head {
            match pool.get_mut(&f.fingerprint).and_then(Vec::pop) {
                Some(b) => unchanged.push((b, f)),
                None => leftover.push(f),
            }
        }
        let mut fixed: Vec<DiffFinding> = pool.into_values().flatten().collect();
        // Renames: base findings of files gone from the head, by identity without the file.
        let mut moved: HashMap<String, Vec<DiffFinding>> = HashMap::default();
        let mut still_fixed = Vec::new();
        // A stable order before pairing, so that equal keys pair the same way every run.
        sort(&mut fixed);
        for f in fixed {
            if in_head(&f.file) {
                still_fixed.push(f);
            } else {
                moved
                    .entry(f.fingerprint_without_file.clone())
                    .or_default()
                    .push(f);
            }
        }
        sort(&mut leftover);
        let mut new = Vec::new();
        for f in leftover {
            let partner = if in_base(&f.file) {
                None
            } else {
                moved
                    .get_mut(&f.fingerprint_without_file)
                    .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
            };
            match partner {
                Some(b) => unchanged.push((b, f)),
                None => new.push(f),
            }
        }
        still_fixed.extend(moved.into_values().flatten());
        sort(&mut new);
        sort(&mut still_fixed);
        unchanged.sort_by(|a, b| order(&a.1, &b.1));
        Comparison {
            new,
            fixed: still_fixed,
            unchanged,
        }
    }

    /// Monthly cost of the head minus the base's, over findings whose cost is known (new ones
    /// add, fixed ones subtract, unchanged ones whose cost moved count the difference).
    pub fn monthly_cost_delta(&self) -> f64 {
        self.by(|_| "all".to_string())
            .first()
            .map_or(0.0, |d| d.delta_usd)
    }

    /// The delta per rule, largest change first (zero deltas left out).
    pub fn monthly_cost_delta_by_rule(&self) -> Vec<CostDelta> {
        self.by(|f| f.rule.to_string())
    }

    /// The delta per file (the head's file for an unchanged finding), largest change first.
    pub fn monthly_cost_delta_by_file(&self) -> Vec<CostDelta> {
        self.by(|f| f.file.clone())
    }

    fn by(&self, key: impl Fn(&DiffFinding) -> String) -> Vec<CostDelta> {
        let mut sums: BTreeMap<String, f64> = BTreeMap::new();
        for f in &self.new {
            *sums.entry(key(f)).or_default() += f.monthly_cost_usd.unwrap_or(0.0);
        }
        for f in &self.fixed {
            *sums.entry(key(f)).or_default() -= f.monthly_cost_usd.unwrap_or(0.0);
        }
        for (b, h) in &self.unchanged {
            let moved = h.monthly_cost_usd.unwrap_or(0.0) - b.monthly_cost_usd.unwrap_or(0.0);
            *sums.entry(key(h)).or_default() += moved;
        }
        let mut out: Vec<CostDelta> = sums
            .into_iter()
            .map(|(key, d)| CostDelta {
                key,
                delta_usd: cents(d),
            })
            .filter(|d| d.delta_usd != 0.0)
            .collect();
        out.sort_by(|a, b| {
            b.delta_usd
                .abs()
                .total_cmp(&a.delta_usd.abs())
                .then_with(|| a.key.cmp(&b.key))
        });
        out
    }
}

/// Rounded to cents: sums of prices carry float noise (`1e-13`) that must not show as a change.
pub fn cents(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Report order: severity (highest first), cost (largest first, unknown last), file, line,
/// rule, fingerprint.
fn order(a: &DiffFinding, b: &DiffFinding) -> std::cmp::Ordering {
    let cost = |f: &DiffFinding| f.monthly_cost_usd.unwrap_or(f64::NEG_INFINITY);
    b.severity
        .cmp(&a.severity)
        .then_with(|| cost(b).total_cmp(&cost(a)))
        .then_with(|| a.file.cmp(&b.file))
        .then_with(|| a.line.cmp(&b.line))
        .then_with(|| a.column.cmp(&b.column))
        .then_with(|| a.rule.cmp(b.rule))
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
}

pub(crate) fn sort(v: &mut [DiffFinding]) {
    v.sort_by(order);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn finding(fp: &str, file: &str, cost: Option<f64>) -> DiffFinding {
        DiffFinding {
            fingerprint: format!("{fp}@{file}"),
            fingerprint_without_file: fp.to_string(),
            rule: "eip-unattached",
            severity: Severity::Warning,
            category: Category::Cost,
            message: format!("finding {fp}"),
            resource: format!("aws_eip.{fp}"),
            file: file.to_string(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            monthly_cost_usd: cost,
        }
    }

    fn fps(v: &[DiffFinding]) -> Vec<String> {
        v.iter().map(|f| f.fingerprint.clone()).collect()
    }

    #[test]
    fn matches_one_for_one_and_pairs_renamed_files_only() {
        let base = vec![
            finding("a", "x.tf", Some(3.6)),
            finding("a", "x.tf", Some(3.6)),
            finding("b", "old.tf", Some(1.0)),
            finding("c", "kept.tf", None),
        ];
        let head = vec![
            finding("a", "x.tf", Some(3.6)),
            finding("b", "new.tf", Some(1.0)),
            // Same identity without the file, but kept.tf still exists: not a move.
            finding("c", "other.tf", None),
        ];
        let files_base = ["x.tf", "old.tf", "kept.tf"];
        let files_head = ["x.tf", "new.tf", "kept.tf", "other.tf"];
        let c = Comparison::new(
            base,
            head,
            |f| files_base.contains(&f),
            |f| files_head.contains(&f),
        );
        assert_eq!(fps(&c.new), ["c@other.tf"]);
        assert_eq!(fps(&c.fixed), ["a@x.tf", "c@kept.tf"]);
        assert_eq!(c.unchanged.len(), 2);
        assert_eq!(c.monthly_cost_delta(), -3.6);
    }

    #[test]
    fn the_delta_counts_cost_changes_of_unchanged_findings() {
        let c = Comparison::new(
            vec![
                finding("a", "x.tf", Some(10.0)),
                finding("b", "y.tf", Some(0.1)),
            ],
            vec![
                finding("a", "x.tf", Some(25.0)),
                finding("n", "z.tf", Some(0.2)),
            ],
            |_| true,
            |_| true,
        );
        assert_eq!(c.monthly_cost_delta(), 15.1);
        let by_file: Vec<(String, f64)> = c
            .monthly_cost_delta_by_file()
            .into_iter()
            .map(|d| (d.key, d.delta_usd))
            .collect();
        assert_eq!(
            by_file,
            [
                ("x.tf".to_string(), 15.0),
                ("z.tf".to_string(), 0.2),
                ("y.tf".to_string(), -0.1)
            ]
        );
    }
}
