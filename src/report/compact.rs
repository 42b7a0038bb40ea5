//! `--format compact`: one line per finding or run error, `path:line:col: severity[rule] message`,
//! for editors' error parsers and grep. No summary. With `--show-suppressed`, the findings
//! silenced by suppressions follow as `path:line:col: suppressed[rule] message (reason)`:
//! `suppressed` in the severity's place, so that no parser reads them as errors or warnings.

use crate::engine::{CheckResult, RunError};
use crate::finding::Finding;
use crate::source::SourceMap;

use super::ReportOptions;

/// A message on one line: line breaks (and other control characters) become spaces.
fn one_line(message: &str) -> String {
    message
        .trim_end()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `path:line:col: severity[rule] message`.
pub fn finding_line(f: &Finding, sources: &SourceMap) -> String {
    line_of(f, f.severity.as_str(), sources)
}

/// `path:line:col: suppressed[rule] message (reason)`.
pub fn suppressed_line(f: &Finding, sources: &SourceMap) -> String {
    let reason = f.suppressed_because.as_deref().unwrap_or("");
    format!(
        "{} ({})",
        line_of(f, "suppressed", sources),
        one_line(reason)
    )
}

fn line_of(f: &Finding, word: &str, sources: &SourceMap) -> String {
    let (start, _) = sources.line_col(f.primary.span);
    format!(
        "{}:{}:{}: {}[{}] {}",
        sources.display(f.primary.span.file),
        start.line,
        start.column,
        word,
        f.rule,
        one_line(&f.message)
    )
}

/// `path:line:col: error[parse-error] message`, or `path: error[io-error] message` when the
/// file could not be read (no location).
pub fn error_line(e: &RunError, sources: &SourceMap) -> String {
    match e.span {
        Some(span) => {
            let (start, _) = sources.line_col(span);
            format!(
                "{}:{}:{}: error[{}] {}",
                e.path,
                start.line,
                start.column,
                e.kind,
                one_line(&e.message)
            )
        }
        None => format!("{}: error[{}] {}", e.path, e.kind, one_line(&e.message)),
    }
}

pub fn render(result: &CheckResult) -> String {
    render_with(result, ReportOptions::default())
}

/// [`render`], with the suppressed findings when asked.
pub fn render_with(result: &CheckResult, options: ReportOptions) -> String {
    let mut out = String::new();
    for f in &result.findings {
        out.push_str(&finding_line(f, &result.sources));
        out.push('\n');
    }
    if options.show_suppressed {
        for f in &result.suppressed {
            out.push_str(&suppressed_line(f, &result.sources));
            out.push('\n');
        }
    }
    for e in &result.errors {
        out.push_str(&error_line(e, &result.sources));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(one_line("a\nb\r\nc\td\n"), "a b  c d");
    }
}
