//! `--format json`: the stable machine format (version 1).

use serde::Serialize;

use crate::engine::CheckResult;
use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

use super::ReportOptions;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    /// `--show-suppressed`: the findings silenced by suppressions (absent without the flag).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Vec<JsonFinding<'a>>>,
    errors: Vec<JsonError<'a>>,
    summary: JsonSummary<'a>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    category: crate::finding::Category,
    message: &'a str,
    help: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    resource: &'a str,
    monthly_cost_usd: Option<f64>,
    /// The region the resource is priced in, when its roots agree on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    /// The Terraform roots the finding holds for (several for a module they share).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    roots: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
    /// What `check --fix` can do about it (omitted when the rule has no fix for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
    /// In `suppressed`: the reason the suppression gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed_because: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    /// `safe` (applied by `--fix`) or `unsafe` (with `--unsafe-fixes`).
    safety: &'static str,
    description: &'a str,
    /// Whether `--fix` can apply it here; when not, why (`skipped`).
    applicable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    files: usize,
    resources: usize,
    findings: usize,
    errors: usize,
    suppressed: usize,
    baselined: usize,
    fixed: usize,
    monthly_cost_usd: f64,
    monthly_cost_usd_by_rule: std::collections::BTreeMap<&'static str, f64>,
    /// Findings silenced by account-level defaults, by what silenced them (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    silenced: Vec<JsonSilenced<'a>>,
    region: String,
    /// Every region a finding's figure was priced in.
    regions: Vec<&'a str>,
    /// `given` (--region or config), `provider` (Terraform provider blocks; `region` is the
    /// fallback), or `default`.
    region_source: &'static str,
}

/// Findings silenced by one account-level default.
#[derive(Serialize)]
struct JsonSilenced<'a> {
    by: &'a str,
    /// Where a resource declares it.
    file: Option<&'a str>,
    line: Option<usize>,
    findings: std::collections::BTreeMap<&'static str, usize>,
}

/// Money in JSON: rounded to cents at output time.
fn cents(x: f64) -> f64 {
    // `+ 0.0` turns the -0.0 of an empty sum into 0.0.
    (x * 100.0).round() / 100.0 + 0.0
}

fn json_finding<'a>(f: &'a Finding, sources: &'a SourceMap) -> JsonFinding<'a> {
    let (start, end) = sources.line_col(f.primary.span);
    let fix = f.fix.as_ref().map(|fix| {
        let skipped = crate::fix::run::byte_edits(sources, f).and_then(Result::err);
        JsonFix {
            safety: fix.safety.as_str(),
            description: &fix.description,
            applicable: skipped.is_none(),
            skipped,
        }
    });
    JsonFinding {
        rule: f.rule,
        severity: f.severity,
        category: f.category,
        message: &f.message,
        help: &f.help,
        file: sources.display(f.primary.span.file),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        resource: &f.resource,
        monthly_cost_usd: f.monthly_cost_usd.map(cents),
        region: f.region.as_deref(),
        roots: &f.roots,
        related: f
            .secondary
            .iter()
            .map(|l| {
                let (at, _) = sources.line_col(l.span);
                JsonRelated {
                    file: sources.display(l.span.file),
                    line: at.line,
                    column: at.column,
                    message: &l.message,
                }
            })
            .collect(),
        fix,
        suppressed_because: f.suppressed_because.as_deref(),
    }
}

pub fn render(result: &CheckResult) -> String {
    render_with(result, ReportOptions::default())
}

/// [`render`], with the suppressed findings in a `suppressed` array when asked.
pub fn render_with(result: &CheckResult, options: ReportOptions) -> String {
    let sources = &result.sources;
    let findings = result
        .findings
        .iter()
        .map(|f| json_finding(f, sources))
        .collect();
    let suppressed = options.show_suppressed.then(|| {
        result
            .suppressed
            .iter()
            .map(|f| json_finding(f, sources))
            .collect()
    });
    let errors = result
        .errors
        .iter()
        .map(|e| {
            let at = e.span.map(|s| sources.line_col(s).0);
            JsonError {
                file: &e.path,
                line: at.map(|a| a.line),
                column: at.map(|a| a.column),
                message: &e.message,
            }
        })
        .collect();
    let report = JsonReport {
        version: 1,
        findings,
        suppressed,
        errors,
        summary: JsonSummary {
            files: result.files,
            resources: result.resources,
            findings: result.findings.len(),
            errors: result.errors.len(),
            suppressed: result.suppressed.len(),
            baselined: result.baselined.len(),
            fixed: result.fixed.len(),
            monthly_cost_usd: cents(result.monthly_cost_usd()),
            monthly_cost_usd_by_rule: result
                .monthly_cost_by_rule()
                .into_iter()
                .map(|(r, c)| (r, cents(c)))
                .collect(),
            silenced: result
                .silenced_by_default()
                .into_iter()
                .map(|g| JsonSilenced {
                    by: &g.by.what,
                    file: g.by.at.map(|s| sources.display(s.file)),
                    line: g.by.at.map(|s| sources.line_col(s).0.line),
                    findings: g.rules,
                })
                .collect(),
            region: result.region.clone(),
            regions: result.priced_regions(),
            region_source: result.region_source,
        },
    };
    let mut out = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|e| format!("{{\"version\": 1, \"internal_error\": \"{e}\"}}"));
    out.push('\n');
    out
}
