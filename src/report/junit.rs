//! `--format junit`: JUnit XML for CI test reports (GitLab's test report, Jenkins' JUnit
//! plugin, Azure DevOps), shaped as those consumers read it:
//!
//! - one `<testsuite>` per file (and per path that could not be read);
//! - one `<testcase>` per rule and file (`classname` the file, `name` the rule id), so that a
//!   test keeps its name from one build to the next; a file without findings is one passing
//!   test case named `checked`;
//! - at most one `<failure>` per test case, carrying every finding of the rule in the file,
//!   and only when one of them is at or above `--fail-on`: findings below it leave the test
//!   passing and are listed in its `<system-out>` (the report agrees with the exit code);
//! - a file that could not be checked is a `parse` (or `read`) test case with one `<error>`;
//! - with `--show-suppressed`, findings silenced by a suppression are listed in their rule's
//!   test case: a case holding only suppressed findings is `<skipped>` (with the reason), one
//!   that also has findings lists them after those in `<system-out>`; never a failure.
//!
//! Counts follow the usual JUnit meaning: `tests` is the number of test cases, `failures` the
//! number of test cases with a `<failure>`, `errors` the number with an `<error>`, `skipped`
//! (only when there is one) the number of `<skipped>` ones.

use std::collections::BTreeMap;

use crate::engine::{CheckResult, RunError};
use crate::finding::Finding;
use crate::source::SourceMap;

use super::{compact, ReportOptions};

/// The test case of a file with no finding and no error.
pub const CLEAN_CASE: &str = "checked";

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

#[derive(Default)]
struct Case<'a> {
    /// Where its first finding is, for ordering.
    at: usize,
    findings: Vec<&'a Finding>,
    /// `--show-suppressed`: the rule's findings in the file silenced by suppressions.
    suppressed: Vec<&'a Finding>,
    errors: Vec<&'a RunError>,
}

impl Case<'_> {
    /// Only suppressed findings: the case is skipped.
    fn skipped(&self) -> bool {
        self.findings.is_empty() && self.errors.is_empty() && !self.suppressed.is_empty()
    }

    fn fails(&self, threshold: Option<crate::finding::Severity>) -> bool {
        threshold.is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
    }
}

#[derive(Default)]
struct Suite<'a> {
    /// Test case name -> case.
    cases: BTreeMap<String, Case<'a>>,
}

/// The test case of `f`'s rule in `f`'s file (its suite), made on first use; it starts where
/// the rule's first finding in the file is.
fn case_of<'s, 'a>(
    suites: &'s mut BTreeMap<&'a str, Suite<'a>>,
    sources: &'a SourceMap,
    f: &Finding,
) -> &'s mut Case<'a> {
    let case = suites
        .entry(sources.display(f.primary.span.file))
        .or_default()
        .cases
        .entry(f.rule.to_string())
        .or_insert(Case {
            at: f.primary.span.start,
            ..Case::default()
        });
    case.at = case.at.min(f.primary.span.start);
    case
}

impl Suite<'_> {
    /// Tests, failures, errors and skipped test cases.
    fn counts(&self, threshold: Option<crate::finding::Severity>) -> [usize; 4] {
        let tests = self.cases.len().max(1);
        let failures = self.cases.values().filter(|c| c.fails(threshold)).count();
        let errors = self.cases.values().filter(|c| !c.errors.is_empty()).count();
        let skipped = self.cases.values().filter(|c| c.skipped()).count();
        [tests, failures, errors, skipped]
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

/// A suppressed finding as listed: its line, marked suppressed, with the reason.
fn suppressed_text(f: &Finding, sources: &SourceMap) -> String {
    compact::suppressed_line(f, sources)
}

/// ` skipped="N"` when there are skipped test cases (absent otherwise, as before the flag).
fn skipped_attr(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(" skipped=\"{n}\"")
    }
}

pub fn render(result: &CheckResult) -> String {
    render_with(result, ReportOptions::default())
}

/// [`render`], with the suppressed findings listed when asked.
pub fn render_with(result: &CheckResult, options: ReportOptions) -> String {
    let sources = &result.sources;
    let threshold = result.fail_on.threshold();
    // Display path -> suite. Every file read for the run, and every path with an error.
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for (_, file) in sources.iter() {
        suites.entry(file.display.as_str()).or_default();
    }
    for f in &result.findings {
        case_of(&mut suites, sources, f).findings.push(f);
    }
    let suppressed: &[Finding] = if options.show_suppressed {
        &result.suppressed
    } else {
        &[]
    };
    for f in suppressed {
        case_of(&mut suites, sources, f).suppressed.push(f);
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

    let mut total = [0; 4];
    for suite in suites.values() {
        for (sum, n) in total.iter_mut().zip(suite.counts(threshold)) {
            *sum += n;
        }
    }
    let [tests, failures, errors, skipped] = total;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"infralint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"{}>\n",
        skipped_attr(skipped)
    ));
    for (path, suite) in &suites {
        let [t, f, e, skipped] = suite.counts(threshold);
        let path = escape_xml(path);
        out.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\"{}>\n",
            skipped_attr(skipped)
        ));
        if suite.cases.is_empty() {
            out.push_str(&format!(
                "    <testcase classname=\"{path}\" name=\"{CLEAN_CASE}\"/>\n"
            ));
        }
        let mut cases: Vec<(&String, &Case)> = suite.cases.iter().collect();
        cases.sort_by_key(|(name, case)| (case.at, *name));
        for (name, case) in cases {
            out.push_str(&format!(
                "    <testcase classname=\"{path}\" name=\"{}\">\n",
                escape_xml(name)
            ));
            if let Some(first) = case.errors.first() {
                let lines: Vec<String> = case
                    .errors
                    .iter()
                    .map(|e| compact::error_line(e, sources))
                    .collect();
                out.push_str(&format!(
                    "      <error type=\"{}\" message=\"{}\">{}</error>\n",
                    first.kind,
                    escape_xml(&first.message),
                    escape_xml(&lines.join("\n"))
                ));
            }
            if case.skipped() {
                let text: Vec<String> = case
                    .suppressed
                    .iter()
                    .map(|f| suppressed_text(f, sources))
                    .collect();
                let reason = case
                    .suppressed
                    .first()
                    .and_then(|f| f.suppressed_because.as_deref())
                    .unwrap_or("");
                out.push_str(&format!(
                    "      <skipped message=\"{}\">{}</skipped>\n",
                    escape_xml(&format!("suppressed: {reason}")),
                    escape_xml(&text.join("\n\n"))
                ));
            } else if !case.findings.is_empty() {
                let text: Vec<String> = case
                    .findings
                    .iter()
                    .map(|f| failure_text(f, sources))
                    .collect();
                let listed: Vec<String> = case
                    .suppressed
                    .iter()
                    .map(|f| suppressed_text(f, sources))
                    .collect();
                let fails = case.fails(threshold);
                if fails {
                    let message = match case.findings.as_slice() {
                        [one] => one.message.clone(),
                        many => format!("{} findings of {name}", many.len()),
                    };
                    out.push_str(&format!(
                        "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                        escape_xml(name),
                        escape_xml(&message),
                        escape_xml(&text.join("\n\n")),
                    ));
                }
                // Findings below `--fail-on`, then the suppressed ones, as output.
                let out_text: Vec<String> = if fails { Vec::new() } else { text }
                    .into_iter()
                    .chain(listed)
                    .collect();
                if !out_text.is_empty() {
                    out.push_str(&format!(
                        "      <system-out>{}</system-out>\n",
                        escape_xml(&out_text.join("\n\n"))
                    ));
                }
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
