//! `--format junit`: JUnit XML for CI test reports. One `<testsuite>` per file, one
//! `<testcase>` per resource checked in it, a `<failure>` per finding on the resource, and a
//! `parse` (or `read`) test case with an `<error>` for a file that could not be checked.
//!
//! Counts follow the usual JUnit meaning: `tests` is the number of test cases, `failures` the
//! number of test cases with at least one `<failure>`, `errors` the number with an `<error>`.

use std::collections::BTreeMap;

use crate::engine::{CheckResult, RunError};
use crate::finding::Finding;
use crate::model::{Model, ResourceRef};
use crate::source::{FileId, SourceMap};

use super::compact;

/// Escapes text for XML 1.0 content and attribute values (either quote style): `&`, `<`,
/// `>`, `"`, `'`; tab, CR and LF as character references so attribute values keep them; other
/// characters XML 1.0 cannot represent (control characters, U+FFFE, U+FFFF) are dropped.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// `Char` of XML 1.0, minus tab, CR and LF (handled by [`escape_xml`]).
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Every resource the model knows, once: `(file, header offset, address)`.
fn resources(model: &Model) -> Vec<(FileId, usize, &str)> {
    let mut out: Vec<(FileId, usize, &str)> = model
        .resources()
        .map(|r: &ResourceRef| (r.span.file, r.span.start, r.address.as_str()))
        .collect();
    out.sort();
    // Same resource reached through several lists: keep its first (lowest) offset.
    let mut seen = std::collections::HashSet::new();
    out.retain(|(file, _, address)| seen.insert((*file, *address)));
    out
}

#[derive(Default)]
struct Case<'a> {
    /// Where the resource is declared, for ordering; findings-only cases sort after.
    at: usize,
    failures: Vec<&'a Finding>,
    errors: Vec<&'a RunError>,
}

#[derive(Default)]
struct Suite<'a> {
    /// Test case name -> case, in declaration order once sorted.
    cases: BTreeMap<String, Case<'a>>,
}

impl Suite<'_> {
    fn counts(&self) -> (usize, usize, usize) {
        let tests = self.cases.len();
        let failures = self
            .cases
            .values()
            .filter(|c| !c.failures.is_empty())
            .count();
        let errors = self.cases.values().filter(|c| !c.errors.is_empty()).count();
        (tests, failures, errors)
    }
}

fn failure_text(f: &Finding, sources: &SourceMap) -> String {
    let mut text = compact::finding_line(f, sources);
    for label in &f.secondary {
        let (at, _) = sources.line_col(label.span);
        text.push_str(&format!(
            "\n  {}:{}:{}: {}",
            sources.display(label.span.file),
            at.line,
            at.column,
            label.message
        ));
    }
    if !f.help.is_empty() {
        text.push_str("\nhelp: ");
        text.push_str(&f.help);
    }
    text
}

pub fn render(result: &CheckResult) -> String {
    let sources = &result.sources;
    // Display path -> suite. Every file read for the run, and every path with an error.
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for (_, file) in sources.iter() {
        suites.entry(file.display.as_str()).or_default();
    }
    for (file, at, address) in resources(&result.model) {
        let suite = suites.entry(sources.display(file)).or_default();
        suite.cases.entry(address.to_string()).or_insert(Case {
            at,
            ..Case::default()
        });
    }
    for f in &result.findings {
        let suite = suites
            .entry(sources.display(f.primary.span.file))
            .or_default();
        let name = if f.resource.is_empty() {
            f.rule.to_string()
        } else {
            f.resource.clone()
        };
        suite
            .cases
            .entry(name)
            .or_insert(Case {
                at: usize::MAX,
                ..Case::default()
            })
            .failures
            .push(f);
    }
    for e in &result.errors {
        let name = if e.span.is_some() { "parse" } else { "read" };
        suites
            .entry(e.path.as_str())
            .or_default()
            .cases
            .entry(name.to_string())
            .or_default()
            .errors
            .push(e);
    }

    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for suite in suites.values() {
        let (t, f, e) = suite.counts();
        tests += t;
        failures += f;
        errors += e;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"infralint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    for (path, suite) in &suites {
        let (t, f, e) = suite.counts();
        let path = escape_xml(path);
        out.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\">\n"
        ));
        let mut cases: Vec<(&String, &Case)> = suite.cases.iter().collect();
        cases.sort_by_key(|(name, case)| (case.at, *name));
        for (name, case) in cases {
            let open = format!(
                "    <testcase classname=\"{path}\" name=\"{}\"",
                escape_xml(name)
            );
            if case.failures.is_empty() && case.errors.is_empty() {
                out.push_str(&open);
                out.push_str("/>\n");
                continue;
            }
            out.push_str(&open);
            out.push_str(">\n");
            for e in &case.errors {
                let kind = e.kind;
                out.push_str(&format!(
                    "      <error type=\"{kind}\" message=\"{}\">{}</error>\n",
                    escape_xml(&e.message),
                    escape_xml(&compact::error_line(e, sources))
                ));
            }
            for f in &case.failures {
                out.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    escape_xml(f.rule),
                    escape_xml(&f.message),
                    escape_xml(&failure_text(f, sources))
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(
            escape_xml("a<b>&\"c\" 'd'"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(escape_xml("x\u{0}\u{1b}y\u{FFFE}z"), "xyz");
        assert_eq!(escape_xml("l1\nl2\r\tz"), "l1&#10;l2&#13;&#9;z");
        assert_eq!(escape_xml("çé 💸"), "çé 💸");
    }
}
