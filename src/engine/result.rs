//! What a run found: findings, errors, the model and the sources they point into.

use std::collections::BTreeMap;

use crate::baseline::{self, BaselineEntry};
use crate::config::FailOn;
use crate::finding::{Finding, Label, Severity, Silencer};
use crate::model::Model;
use crate::rules::Saving;
use crate::source::{SourceMap, Span};

/// Something that stopped a file (or a path) from being checked.
#[derive(Debug, Clone)]
pub struct RunError {
    /// What went wrong: `parse-error`, `io-error`, `module-error`, `usage-error`.
    pub kind: &'static str,
    /// The file or path, as displayed.
    pub path: String,
    /// Where in the file, when the file could be read.
    pub span: Option<Span>,
    pub message: String,
    pub related: Vec<Label>,
}

/// Findings silenced by one account-level default.
#[derive(Debug)]
pub struct SilencedGroup<'r> {
    pub by: &'r Silencer,
    /// Findings per rule.
    pub rules: BTreeMap<&'static str, usize>,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct CheckResult {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    pub errors: Vec<RunError>,
    /// Terraform and CloudFormation files checked (parsed or not).
    pub files: usize,
    pub resources: usize,
    pub region: String,
    pub model: Model,
    /// Findings silenced by an `infralint:ignore` comment or metadata (`--show-suppressed`).
    pub suppressed: Vec<Finding>,
    /// Findings made moot by an account-level default declared in the root
    /// (`aws_ebs_encryption_by_default`) or set in `[account]`: not reported; the summary
    /// says how many and by what.
    pub silenced: Vec<Finding>,
    /// Findings already in the baseline.
    pub baselined: Vec<Finding>,
    /// Baseline entries no longer found (in `baseline_scope` only).
    pub fixed: Vec<BaselineEntry>,
    /// The files this run speaks for: the baseline entries it may report as fixed and that
    /// `--baseline-update` replaces.
    pub baseline_scope: baseline::Scope,
    /// Problems that do not fail the run (a usage entry for a resource not checked, a module
    /// whose evaluation reached its limits).
    pub warnings: Vec<String>,
    /// Where the pricing region came from: `--region or config`, `provider`, `default`.
    pub region_source: &'static str,
    pub fail_on: FailOn,
    /// Set when no Terraform or CloudFormation file was checked and nothing failed: says so,
    /// with the paths and what the ignore files skipped ("Checked 0 files" says too little).
    pub nothing_to_check: Option<String>,
}

impl CheckResult {
    /// Estimated monthly waste or saving over all findings whose cost is known.
    pub fn monthly_cost_usd(&self) -> f64 {
        self.findings
            .iter()
            .zip(self.counted_costs())
            .filter_map(|(_, c)| c)
            .sum()
    }

    /// What each finding's figure adds to the totals (summary, by rule, by file), parallel to
    /// `findings`: each resource's money counted once. A resource (same file and address)
    /// with a finding that saves the whole resource (removing it) counts the larger of
    /// removing it and the sum of its other savings, never both.
    pub fn counted_costs(&self) -> Vec<Option<f64>> {
        let saving =
            |f: &Finding| crate::rules::find(f.rule).map_or(Saving::Part, |r| r.meta().saving);
        let mut counted: Vec<Option<f64>> =
            self.findings.iter().map(|f| f.monthly_cost_usd).collect();
        let mut by_resource: BTreeMap<(u32, &str), Vec<usize>> = BTreeMap::new();
        for (i, f) in self.findings.iter().enumerate() {
            if f.monthly_cost_usd.is_some() && !f.resource.is_empty() {
                by_resource
                    .entry((f.primary.span.file.0, f.resource.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        for indexes in by_resource.values().filter(|v| v.len() > 1) {
            let cost = |i: &usize| self.findings[*i].monthly_cost_usd.unwrap_or(0.0);
            let (whole, part): (Vec<usize>, Vec<usize>) = indexes
                .iter()
                .partition(|i| saving(&self.findings[**i]) == Saving::Whole);
            let Some(&largest_whole) = whole.iter().max_by(|a, b| cost(a).total_cmp(&cost(b)))
            else {
                continue;
            };
            let parts: f64 = part.iter().map(cost).sum();
            let keep_whole = cost(&largest_whole) >= parts;
            for i in indexes {
                let counts = if keep_whole {
                    *i == largest_whole
                } else {
                    part.contains(i)
                };
                if !counts {
                    counted[*i] = Some(0.0);
                }
            }
        }
        counted
    }

    /// Findings whose figure the totals leave out (a saving made moot by removing the
    /// resource).
    pub fn uncounted_costs(&self) -> usize {
        self.findings
            .iter()
            .zip(self.counted_costs())
            .filter(|(f, c)| f.monthly_cost_usd.is_some_and(|x| x != 0.0) && *c == Some(0.0))
            .count()
    }

    /// The regions the findings' figures were priced in, sorted, once each.
    pub fn priced_regions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .findings
            .iter()
            .filter(|f| f.monthly_cost_usd.is_some())
            .filter_map(|f| f.region.as_deref())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The findings silenced by each account-level default, in order of first appearance:
    /// what silenced them, where it is declared, and how many findings of which rules.
    pub fn silenced_by_default(&self) -> Vec<SilencedGroup<'_>> {
        let mut groups: Vec<SilencedGroup> = Vec::new();
        for f in &self.silenced {
            let Some(by) = &f.silenced_by else { continue };
            let group = match groups.iter_mut().position(|g| g.by == by) {
                Some(i) => &mut groups[i],
                None => {
                    groups.push(SilencedGroup {
                        by,
                        rules: BTreeMap::new(),
                    });
                    let last = groups.len() - 1;
                    &mut groups[last]
                }
            };
            *group.rules.entry(f.rule).or_default() += 1;
        }
        groups
    }

    /// Estimated monthly cost per rule (rules with a known cost only), largest first.
    pub fn monthly_cost_by_rule(&self) -> Vec<(&'static str, f64)> {
        let mut by: BTreeMap<&'static str, f64> = BTreeMap::new();
        for (f, c) in self.findings.iter().zip(self.counted_costs()) {
            if let Some(c) = c {
                *by.entry(f.rule).or_default() += c;
            }
        }
        let mut v: Vec<_> = by.into_iter().filter(|(_, c)| *c > 0.0).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// Estimated monthly cost per file, largest first.
    pub fn monthly_cost_by_file(&self) -> Vec<(&str, f64)> {
        let mut by: BTreeMap<&str, f64> = BTreeMap::new();
        for (f, c) in self.findings.iter().zip(self.counted_costs()) {
            if let Some(c) = c {
                *by.entry(self.sources.display(f.primary.span.file))
                    .or_default() += c;
            }
        }
        let mut v: Vec<_> = by.into_iter().filter(|(_, c)| *c > 0.0).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// 0: clean; 1: a finding at or above the `--fail-on` threshold; 2: the run failed
    /// somewhere.
    pub fn exit_code(&self) -> i32 {
        if !self.errors.is_empty() {
            return 2;
        }
        match self.fail_on.threshold() {
            Some(t) if self.findings.iter().any(|f| f.severity >= t) => 1,
            _ => 0,
        }
    }
}
