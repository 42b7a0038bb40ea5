//! `--format json`: the stable machine format (version 1).

use rayon::prelude::*;
use serde::Serialize;

use crate::engine::CheckResult;
use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

use super::ReportOptions;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    /// Serialized empty: the array is rendered in parallel and spliced in ([`splice_findings`]).
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

/// Where the (empty) findings array is in the serialized report: right after `version`.
const FINDINGS_AT: &str = "{\n  \"version\": 1,\n  \"findings\": []";

/// The report with its `findings` array written exactly as `to_string_pretty` would (elements
/// indented by four spaces, the closing bracket by two), each finding serialized on its own
/// rayon task: with thousands of findings, serializing them one after the other was the
/// longest serial step after the checks.
fn splice_findings(report: String, findings: &[JsonFinding]) -> String {
    let Some(rest) = report.strip_prefix(FINDINGS_AT) else {
        return report;
    };
    if findings.is_empty() {
        return report;
    }
    // Each finding at depth 2 (inside the report object and the array), after its indent.
    let parts: Vec<Vec<u8>> = findings
        .par_iter()
        .map(|f| {
            let mut part = b"    ".to_vec();
            if let Err(e) = super::nested_json::write_nested(&mut part, f, 2) {
                part.truncate(4);
                let message = serde_json::to_string(&format!("internal error: {e}"));
                part.extend_from_slice(message.unwrap_or_default().as_bytes());
            }
            part
        })
        .collect();
    let size = report.len() + parts.iter().map(|p| p.len() + 2).sum::<usize>() + 8;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(FINDINGS_AT.trim_end_matches(']').as_bytes());
    out.push(b'\n');
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(part);
    }
    out.extend_from_slice(b"\n  ]");
    out.extend_from_slice(rest.as_bytes());
    // Serde writes UTF-8 only (from `&str`s and its own ASCII).
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
    // Line/column lookups and fix checks per finding, in parallel (order kept).
    let findings: Vec<JsonFinding> = result
        .findings
        .par_iter()
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
        findings: Vec::new(),
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
    let mut out = match serde_json::to_string_pretty(&report) {
        Ok(text) => splice_findings(text, &findings),
        Err(e) => format!("{{\"version\": 1, \"internal_error\": \"{e}\"}}"),
    };
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding<'a>(message: &'a str, related: Vec<JsonRelated<'a>>) -> JsonFinding<'a> {
        JsonFinding {
            rule: "ebs-io1-to-io2",
            severity: Severity::Warning,
            category: crate::finding::Category::Cost,
            message,
            help: "a \"quoted\"\nhelp",
            file: "main.tf",
            line: 3,
            column: 1,
            end_line: 3,
            end_column: 9,
            resource: "aws_ebs_volume.data",
            monthly_cost_usd: Some(1.5),
            region: None,
            roots: &[],
            related,
            fix: None,
            suppressed_because: None,
        }
    }

    fn report<'a>(findings: Vec<JsonFinding<'a>>) -> JsonReport<'a> {
        JsonReport {
            version: 1,
            findings,
            suppressed: None,
            errors: Vec::new(),
            summary: JsonSummary {
                files: 1,
                resources: 1,
                findings: 0,
                errors: 0,
                suppressed: 0,
                baselined: 0,
                fixed: 0,
                monthly_cost_usd: 0.0,
                monthly_cost_usd_by_rule: Default::default(),
                silenced: Vec::new(),
                region: "us-east-1".into(),
                regions: Vec::new(),
                region_source: "default",
            },
        }
    }

    /// The spliced report is byte for byte what serializing it whole gives.
    #[test]
    fn spliced_findings_are_what_serde_writes() {
        let make = || {
            vec![
                finding("first", Vec::new()),
                finding(
                    "second\twith \u{1f4b8} and\nlines",
                    vec![JsonRelated {
                        file: "vars.tf",
                        line: 1,
                        column: 2,
                        message: "from here",
                    }],
                ),
            ]
        };
        let whole = serde_json::to_string_pretty(&report(make())).unwrap();
        let empty = serde_json::to_string_pretty(&report(Vec::new())).unwrap();
        assert!(empty.starts_with(FINDINGS_AT));
        assert_eq!(splice_findings(empty.clone(), &make()), whole);
        assert_eq!(splice_findings(empty.clone(), &[]), empty);
    }
}
