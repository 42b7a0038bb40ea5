//! `--format checkstyle`: Checkstyle XML (version 4.3), read by reviewdog, Jenkins warnings-ng,
//! SonarQube and many CI systems. One `<file>` per file read for the run or that had an
//! error; findings and errors sorted by line, then column. With `--show-suppressed`, the
//! findings silenced by suppressions are entries of Checkstyle's own `ignore` severity, their
//! message ending with the reason.

use std::collections::BTreeMap;

use crate::engine::CheckResult;

use super::junit::escape_xml;
use super::ReportOptions;

struct Entry<'a> {
    /// `None` for an error without a location (an unreadable file).
    at: Option<(usize, usize)>,
    severity: &'static str,
    message: &'a str,
    source: String,
}

pub fn render(result: &CheckResult) -> String {
    render_with(result, ReportOptions::default())
}

/// [`render`], with the suppressed findings when asked.
pub fn render_with(result: &CheckResult, options: ReportOptions) -> String {
    let sources = &result.sources;
    let suppressed_messages: Vec<String> = if options.show_suppressed {
        result
            .suppressed
            .iter()
            .map(|f| {
                format!(
                    "{} (suppressed: {})",
                    f.message,
                    f.suppressed_because.as_deref().unwrap_or("")
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut files: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
    for (_, file) in sources.iter() {
        files.entry(file.display.as_str()).or_default();
    }
    let suppressed = result.suppressed.iter().zip(&suppressed_messages);
    let shown = (result.findings.iter())
        .map(|f| (f, f.severity.as_str(), f.message.as_str()))
        .chain(suppressed.map(|(f, message)| (f, "ignore", message.as_str())));
    for (f, severity, message) in shown {
        let (start, _) = sources.line_col(f.primary.span);
        files
            .entry(sources.display(f.primary.span.file))
            .or_default()
            .push(Entry {
                at: Some((start.line, start.column)),
                severity,
                message,
                source: format!("infralint.{}", f.rule),
            });
    }
    for e in &result.errors {
        let source = format!("infralint.{}", e.kind);
        let at = e.span.map(|span| {
            let (start, _) = sources.line_col(span);
            (start.line, start.column)
        });
        files.entry(e.path.as_str()).or_default().push(Entry {
            at,
            severity: "error",
            message: &e.message,
            source: source.to_string(),
        });
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<checkstyle version=\"4.3\">\n");
    for (path, mut entries) in files {
        // Stable: equal positions keep the engine's order (by rule).
        entries.sort_by_key(|e| e.at);
        if entries.is_empty() {
            out.push_str(&format!("  <file name=\"{}\"/>\n", escape_xml(path)));
            continue;
        }
        out.push_str(&format!("  <file name=\"{}\">\n", escape_xml(path)));
        for e in entries {
            let at = match e.at {
                Some((line, column)) => format!("line=\"{line}\" column=\"{column}\" "),
                None => String::new(),
            };
            out.push_str(&format!(
                "    <error {at}severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
                e.severity,
                escape_xml(e.message),
                escape_xml(&e.source)
            ));
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}
