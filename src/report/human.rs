//! Rich diagnostics for people, rendered by miette.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::engine::{CheckResult, RunError};
use crate::finding::{usd, Finding, Label, Severity};
use crate::source::{SourceFile, SourceMap};

#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Findings only, no summary.
    pub quiet: bool,
    /// Also render the suppressed findings.
    pub show_suppressed: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
            quiet: false,
            show_suppressed: false,
        }
    }
}

/// Lines longer than this are clipped around the span.
const LONG_LINE: usize = 400;
/// Bytes shown on each side of a span on a clipped line.
const CLIP_CONTEXT: usize = 80;

/// A [`SourceCode`] over a [`SourceFile`] that finds lines and columns through the file's
/// [`crate::source::LineIndex`] instead of scanning from byte 0 (or from the start of a long
/// line) for every label.
struct FileSource<'a>(&'a SourceFile);

impl SourceCode for FileSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.0;
        let text = file.text.as_str();
        let index = file.line_index();
        let starts = index.line_starts();
        let start = span.offset().min(text.len());
        let end = span.offset().saturating_add(span.len()).min(text.len());
        let line_of = |offset: usize| index.line_of(offset);
        // A window of whole lines around the span, with one extra line each side so that the
        // delegated scan sees the same context it would in the whole file.
        let first_line = line_of(start).saturating_sub(context_lines_before + 1);
        let last_line = line_of(end) + context_lines_after + 2;
        let window_start = starts.get(first_line).copied().unwrap_or(0);
        let window_end = starts.get(last_line).copied().unwrap_or(text.len());
        // A span on a very long line (a one-line plan JSON, a minified template): show a
        // window of the line around the span, not the whole line.
        if line_of(start) == line_of(end) {
            let line_start = starts.get(line_of(start)).copied().unwrap_or(0);
            let line_end = starts
                .get(line_of(start) + 1)
                .copied()
                .unwrap_or(text.len());
            if line_end - line_start > LONG_LINE {
                let from = crate::source::floor_char_boundary(
                    text,
                    start.saturating_sub(CLIP_CONTEXT).max(line_start),
                );
                let to =
                    crate::source::floor_char_boundary(text, (end + CLIP_CONTEXT).min(line_end));
                let data = text.get(from..to).ok_or(MietteError::OutOfBounds)?;
                // Characters, not bytes, and without scanning the line.
                let column = index.chars_between(line_start, from);
                return Ok(Box::new(MietteSpanContents::new_named(
                    file.display.clone(),
                    data.as_bytes(),
                    SourceSpan::new(from.into(), to - from),
                    line_of(start),
                    column,
                    1,
                )));
            }
        }
        let window = text
            .get(window_start..window_end)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((start - window_start).into(), end - start);
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let data = inner.data();
        let inner_span = inner.span();
        Ok(Box::new(MietteSpanContents::new_named(
            file.display.clone(),
            data,
            SourceSpan::new(
                (inner_span.offset() + window_start).into(),
                inner_span.len(),
            ),
            inner.line() + first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One rendered diagnostic: a finding, or a file that could not be checked.
struct Report<'a> {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.code.is_empty() {
            None
        } else {
            Some(Box::new(&self.code))
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let span = SourceSpan::new(label.span.start.into(), label.span.len());
    if primary {
        LabeledSpan::new_primary_with_span(Some(label.message.clone()), span)
    } else {
        LabeledSpan::new_with_span(Some(label.message.clone()), span)
    }
}

fn finding_report<'a>(f: &Finding, sources: &'a SourceMap) -> Report<'a> {
    let file = f.primary.span.file;
    let mut labels = vec![labeled(&f.primary, true)];
    let mut related = Vec::new();
    for label in &f.secondary {
        if label.span.file == file {
            labels.push(labeled(label, false));
        } else {
            related.push(Report {
                message: label.message.clone(),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: sources.get(label.span.file).map(FileSource),
                labels: vec![labeled(label, true)],
                related: Vec::new(),
            });
        }
    }
    let mut help = match f.monthly_cost_usd {
        Some(cost) if cost > 0.0 => format!("{} Estimated saving: {}/month.", f.help, usd(cost)),
        _ => f.help.clone(),
    };
    // A module's finding: say which roots it holds for.
    let display = sources.display(file);
    let in_root = |root: &String| crate::display::directory_of(display) == root.as_str();
    if f.roots.len() > 1 || f.roots.iter().any(|r| !in_root(r)) {
        let noun = if f.roots.len() > 1 { "roots" } else { "root" };
        help.push_str(&format!(" In Terraform {noun} {}.", f.roots.join(", ")));
    }
    // A fix `--fix` can apply here, named with the flags it needs.
    if let (Some(fix), Some(Ok(_))) = (&f.fix, crate::fix::run::byte_edits(sources, f)) {
        help.push_str(match fix.safety {
            crate::fix::Safety::Safe => " Fix available: `--fix`.",
            crate::fix::Safety::Unsafe => " Unsafe fix available: `--fix --unsafe-fixes`.",
        });
    }
    Report {
        message: f.message.clone(),
        code: format!("infralint::{}", f.rule),
        severity: miette_severity(f.severity),
        help: Some(help),
        source: sources.get(file).map(FileSource),
        labels,
        related,
    }
}

fn error_report<'a>(e: &RunError, sources: &'a SourceMap) -> Report<'a> {
    match e.span {
        Some(span) => {
            let mut labels = vec![labeled(&Label::new(span, "here"), true)];
            labels.extend(e.related.iter().map(|l| labeled(l, false)));
            let help = match e.kind {
                "module-error" => "Fix the module call; the module could not be followed, so findings that need the whole module stay silent.",
                "usage-error" => "Fix the usage file (see the README's \"Usage data\" section).",
                _ => "Fix the file so Terraform or CloudFormation can read it; the other files were still checked.",
            };
            Report {
                message: format!("{}: {}", e.path, e.message),
                code: format!("infralint::{}", e.kind),
                severity: miette::Severity::Error,
                help: Some(help.to_string()),
                source: sources.get(span.file).map(FileSource),
                labels,
                related: Vec::new(),
            }
        }
        None => Report {
            message: format!("{}: {}", e.path, e.message),
            code: format!("infralint::{}", e.kind),
            severity: miette::Severity::Error,
            help: None,
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        },
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing summary line.
pub fn summary(result: &CheckResult) -> String {
    if let Some(message) = &result.nothing_to_check {
        let mut chars = message.chars();
        let capitalized: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        return format!("{capitalized}.");
    }
    let mut line = format!(
        "Checked {} ({}): {}, {}, {} info",
        plural(result.files, "file"),
        plural(result.resources, "resource"),
        plural(result.count(Severity::Error), "error"),
        plural(result.count(Severity::Warning), "warning"),
        result.count(Severity::Info),
    );
    if !result.errors.is_empty() {
        // Files and directories (a walk error), counted once each.
        let paths: std::collections::BTreeSet<&str> =
            result.errors.iter().map(|e| e.path.as_str()).collect();
        // A walk error or a missing path may be a directory.
        let noun = if result
            .errors
            .iter()
            .all(|e| e.kind != "io-error" || e.message.starts_with("cannot read file"))
        {
            "file"
        } else {
            "path"
        };
        line.push_str(&format!(
            "; {} could not be checked",
            plural(paths.len(), noun)
        ));
    }
    if !result.suppressed.is_empty() {
        line.push_str(&format!("; {} suppressed", result.suppressed.len()));
    }
    if !result.silenced.is_empty() {
        line.push_str(&format!(
            "; {} silenced by account defaults",
            result.silenced.len()
        ));
    }
    if !result.baselined.is_empty() || !result.fixed.is_empty() {
        line.push_str(&format!(
            "; {} in the baseline, {} fixed since",
            result.baselined.len(),
            result.fixed.len()
        ));
    }
    let cost = result.monthly_cost_usd();
    if cost > 0.0 {
        let prices = match result.region_source {
            "provider" => format!(
                "each Terraform module's provider region, {} elsewhere",
                result.region
            ),
            "default" => format!("{} prices: no region was given", result.region),
            _ => format!("{} prices", result.region),
        };
        line.push_str(&format!(
            ". Estimated monthly saving: {} ({prices})",
            usd(cost)
        ));
    }
    line.push('.');
    line
}

pub fn render(result: &CheckResult, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    for e in &result.errors {
        render_one(&handler, &error_report(e, &result.sources), &mut out);
    }
    for f in &result.findings {
        render_one(&handler, &finding_report(f, &result.sources), &mut out);
    }
    if options.show_suppressed {
        for f in &result.suppressed {
            let mut report = finding_report(f, &result.sources);
            report.message = format!("(suppressed) {}", report.message);
            report.severity = miette::Severity::Advice;
            render_one(&handler, &report, &mut out);
        }
    }
    if !options.quiet {
        for entry in &result.fixed {
            out.push_str(&format!(
                "fixed since the baseline: {}[{}] {}: {}\n",
                entry.file, entry.rule, entry.resource, entry.message
            ));
        }
        for group in result.silenced_by_default() {
            let rules: Vec<String> = group
                .rules
                .iter()
                .map(|(rule, n)| format!("{} of {rule}", plural(*n, "finding")))
                .collect();
            let at = group
                .by
                .at
                .map(|span| {
                    let (start, _) = result.sources.line_col(span);
                    format!(" ({}:{})", result.sources.display(span.file), start.line)
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "silenced by {}{at}: {}\n",
                group.by.what,
                rules.join(", ")
            ));
        }
        let by_rule = result.monthly_cost_by_rule();
        if !by_rule.is_empty() {
            out.push_str("Estimated monthly waste or saving, by rule:\n");
            let uncounted = result.uncounted_costs();
            if uncounted > 0 {
                out.push_str(&format!(
                    "  (each resource counted once: {} of a resource that can be removed {} left out of the totals, removing it saves more)\n",
                    plural(uncounted, "saving"),
                    if uncounted == 1 { "is" } else { "are" }
                ));
            }
            for (rule, cost) in &by_rule {
                out.push_str(&format!(
                    "  {:>14}  {rule}\n",
                    format!("{}/month", usd(*cost))
                ));
            }
            let by_file = result.monthly_cost_by_file();
            if by_file.len() > 1 {
                out.push_str("Top files:\n");
                for (file, cost) in by_file.iter().take(5) {
                    out.push_str(&format!(
                        "  {:>14}  {file}\n",
                        format!("{}/month", usd(*cost))
                    ));
                }
            }
        }
        out.push_str(&summary(result));
        out.push('\n');
    }
    out
}

fn render_one(handler: &GraphicalReportHandler, report: &Report, out: &mut String) {
    let mut buf = String::new();
    if handler.render_report(&mut buf, report).is_err() {
        // A label the renderer cannot place: fall back to the plain message.
        buf = format!("{}\n", report.message);
    }
    out.push_str(&buf);
    out.push('\n');
}
