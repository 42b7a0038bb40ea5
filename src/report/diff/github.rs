//! `diff --format github`: workflow-command annotations for the new findings only (old debt
//! does not annotate a pull request).

use crate::diff::DiffOutcome;
use crate::finding::Severity;
use crate::report::github::{escape_data, escape_property};

pub fn render(d: &DiffOutcome) -> String {
    let mut out = String::new();
    for f in &d.comparison.new {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&f.file),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            escape_property(f.rule),
            escape_data(&f.message)
        ));
    }
    out
}
