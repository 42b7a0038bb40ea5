//! `check --format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a comment: totals, the
//! monthly avoidable cost, the top findings (linked to `file#Lline`), the cost by rule.
//! Bounded like the diff comment (60,000 characters, an "and N more" tail). With
//! `--show-suppressed`, the findings silenced by suppressions are listed after the findings in
//! a collapsed section (rule, place, reason; at most [`SUPPRESSED_ROWS`]), never counted.

use std::fmt::Write;

use super::ReportOptions;
use crate::diff::DiffFinding;
use crate::engine::CheckResult;
use crate::finding::{usd, Severity};
use crate::report::diff::markdown::{
    assemble, count, plural, table, MarkdownOptions, Rows, MAX_CHARS,
};

/// The first line, to find the summary again.
pub const MARKER: &str = "<!-- infralint-check -->";

/// Most suppressed findings listed (the rest are counted).
pub const SUPPRESSED_ROWS: usize = 50;

pub fn render(result: &CheckResult) -> String {
    render_with(result, ReportOptions::default())
}

/// A table cell: on one line, without a `|` that would end it.
fn cell(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|")
}

/// The collapsed list of suppressed findings.
fn suppressed_section(result: &CheckResult) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<details><summary>{} (not counted)</summary>\n\n| rule | resource | where | reason |\n|---|---|---|---|",
        plural(result.suppressed.len(), "suppressed finding")
    );
    for f in result.suppressed.iter().take(SUPPRESSED_ROWS) {
        let (start, _) = result.sources.line_col(f.primary.span);
        let _ = writeln!(
            out,
            "| `{}` | `{}` | `{}:{}` | {} |",
            f.rule,
            cell(&f.resource),
            cell(result.sources.display(f.primary.span.file)),
            start.line,
            cell(f.suppressed_because.as_deref().unwrap_or(""))
        );
    }
    if result.suppressed.len() > SUPPRESSED_ROWS {
        let _ = writeln!(
            out,
            "\nand {} more",
            result.suppressed.len() - SUPPRESSED_ROWS
        );
    }
    let _ = writeln!(out, "\n</details>\n");
    out
}

/// [`render`], with the suppressed findings when asked.
pub fn render_with(result: &CheckResult, options: ReportOptions) -> String {
    let mut head = format!("{MARKER}\n");
    let total = result.monthly_cost_usd();
    let _ = writeln!(
        head,
        "### infralint: {}{}\n",
        plural(result.findings.len(), "finding"),
        if total > 0.0 {
            format!(", {} per month of avoidable cost", usd(total))
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        head,
        "{} checked, {} errors, {} warnings, {} info{}\n",
        plural(result.files, "file"),
        result.count(Severity::Error),
        result.count(Severity::Warning),
        result.count(Severity::Info),
        if result.errors.is_empty() {
            String::new()
        } else {
            format!(
                "; **{}** could not be checked",
                plural(result.errors.len(), "file")
            )
        }
    );
    let mut tail = String::new();
    if options.show_suppressed && !result.suppressed.is_empty() {
        tail.push_str(&suppressed_section(result));
    }
    let by_rule = result.monthly_cost_by_rule();
    if !by_rule.is_empty() {
        let _ = writeln!(
            tail,
            "<details><summary>Monthly cost by rule</summary>\n\n| rule | monthly |\n|---|---:|"
        );
        for (rule, cost) in by_rule {
            let _ = writeln!(tail, "| `{rule}` | {} |", usd(cost));
        }
        let _ = writeln!(tail, "\n</details>");
    }
    let findings: Vec<DiffFinding> = {
        let mut v: Vec<DiffFinding> = result
            .findings
            .iter()
            .map(|f| {
                let (start, end) = result.sources.line_col(f.primary.span);
                DiffFinding {
                    fingerprint: crate::baseline::fingerprint(f, &result.sources),
                    fingerprint_without_file: String::new(),
                    rule: f.rule,
                    severity: f.severity,
                    category: f.category,
                    message: f.message.clone(),
                    resource: f.resource.clone(),
                    file: result.sources.display(f.primary.span.file).to_string(),
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    monthly_cost_usd: f.monthly_cost_usd,
                }
            })
            .collect();
        crate::diff::compare::sort(&mut v);
        v
    };
    let mut body = String::new();
    if !findings.is_empty() {
        let mut room = MAX_CHARS.saturating_sub(count(&head) + count(&tail) + 100);
        let _ = writeln!(body, "#### Findings\n");
        body.push_str(&table(
            &findings,
            &MarkdownOptions::default(),
            &mut room,
            Rows::Current,
        ));
    }
    assemble(head, &body, &tail)
}
