//! `check --format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a comment: totals, the
//! monthly avoidable cost, the top findings (linked to `file#Lline`), the cost by rule.
//! Bounded like the diff comment (60,000 characters, an "and N more" tail).

use std::fmt::Write;

use crate::diff::DiffFinding;
use crate::engine::CheckResult;
use crate::finding::{usd, Severity};
use crate::report::diff::markdown::{count, plural, table, MarkdownOptions, Rows, MAX_CHARS};

/// The first line, to find the summary again.
pub const MARKER: &str = "<!-- infralint-check -->";

pub fn render(result: &CheckResult) -> String {
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
    let mut out = head;
    out.push_str(&body);
    out.push_str(&tail);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
