//! `--format github`: GitHub Actions workflow commands, which GitHub turns into annotations on
//! the pull request diff.
//!
//! ```text
//! ::warning file=main.tf,line=3,col=1,endLine=3,endColumn=27,title=eip-unattached::Elastic IP ...
//! ```
//!
//! With `--show-suppressed`, a finding silenced by a suppression is a `notice` titled
//! `rule (suppressed)` whose message ends with the reason: visible on the diff without
//! reading as a problem (the step's exit code never depends on annotations; GitHub shows at
//! most 10 notices per step, so they may crowd out `info` findings).

use crate::engine::{CheckResult, RunError};
use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

use super::ReportOptions;

/// Escapes a command's message (after `::`): `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value (`file=`, `title=`): as [`escape_data`], plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            _ => out.push(c),
        }
    }
    out
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn finding_command(f: &Finding, sources: &SourceMap) -> String {
    annotation(f, command(f.severity), f.rule, &f.message, sources)
}

fn suppressed_command(f: &Finding, sources: &SourceMap) -> String {
    let title = format!("{} (suppressed)", f.rule);
    let message = format!(
        "{} (suppressed: {})",
        f.message,
        f.suppressed_because.as_deref().unwrap_or("")
    );
    annotation(f, "notice", &title, &message, sources)
}

fn annotation(
    f: &Finding,
    command: &str,
    title: &str,
    message: &str,
    sources: &SourceMap,
) -> String {
    let (start, end) = sources.line_col(f.primary.span);
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command,
        escape_property(sources.display(f.primary.span.file)),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(title),
        escape_data(message)
    )
}

fn error_command(e: &RunError, sources: &SourceMap) -> String {
    match e.span {
        Some(span) => {
            let (start, _) = sources.line_col(span);
            format!(
                "::error file={},line={},col={},title={}::{}",
                escape_property(&e.path),
                start.line,
                start.column,
                e.kind,
                escape_data(&e.message)
            )
        }
        None => format!(
            "::error file={},title={}::{}",
            escape_property(&e.path),
            e.kind,
            escape_data(&e.message)
        ),
    }
}

pub fn render(result: &CheckResult) -> String {
    render_with(result, ReportOptions::default())
}

/// [`render`], with the suppressed findings as notices when asked.
pub fn render_with(result: &CheckResult, options: ReportOptions) -> String {
    let mut out = String::new();
    for f in &result.findings {
        out.push_str(&finding_command(f, &result.sources));
        out.push('\n');
    }
    if options.show_suppressed {
        for f in &result.suppressed {
            out.push_str(&suppressed_command(f, &result.sources));
            out.push('\n');
        }
    }
    for e in &result.errors {
        out.push_str(&error_command(e, &result.sources));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("100% a:b, c\r\nd"), "100%25 a:b, c%0D%0Ad");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("C:\\x,y%\n.tf"), "C%3A\\x%2Cy%25%0A.tf");
    }

    #[test]
    fn percent_is_escaped_first_so_escapes_are_not_doubled() {
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_property("%3A"), "%253A");
    }
}
