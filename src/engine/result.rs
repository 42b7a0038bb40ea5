//! What a run found: findings, errors, the model and the sources they point into.

use std::collections::BTreeMap;

use crate::baseline::{self, BaselineEntry};
use crate::config::FailOn;
use crate::finding::{Finding, Label, Severity};
use crate::model::Model;
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
            .filter_map(|f| f.monthly_cost_usd)
            .sum()
    }

    /// Estimated monthly cost per rule (rules with a known cost only), largest first.
    pub fn monthly_cost_by_rule(&self) -> Vec<(&'static str, f64)> {
        let mut by: BTreeMap<&'static str, f64> = BTreeMap::new();
        for f in &self.findings {
            if let Some(c) = f.monthly_cost_usd {
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
        for f in &self.findings {
            if let Some(c) = f.monthly_cost_usd {
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
