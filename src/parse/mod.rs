//! Format frontends: each turns parsed files into resolved resources (`crate::resolved`).
//!
//! This module is where formats are told apart: what a file is (sniffing: a plan JSON, a
//! CloudFormation template, or neither), which frontend parses it ([`parse_file`]), where
//! its suppressions are ([`suppressions`]), and how files become units ([`resolve_units`]:
//! Terraform files by directory with the modules they call, every template and plan on its
//! own, a plan linked to the configuration beside it). The engine calls these and never
//! names a format.

pub mod cloudformation;
pub mod files;
mod numbers;
pub mod plan;
pub mod syntax;
pub mod terraform;
mod units;

pub use files::{LoadedFile, Loader, Parsed};
pub use terraform::cli_vars::undeclared_cli_vars;
pub use units::{resolve_units, Diagnostic, DiagnosticKind, Settings, UnitOut, WantedBy};

use std::path::Path;

use crate::discover::{Candidate, FileKind};
use crate::source::{FileId, SourceFile};
use crate::suppress::{self, FileSuppressions};
use syntax::yaml;

/// Whether a file that failed to parse was meant to be a template: it declares
/// `AWSTemplateFormatVersion`, or has a top-level `Resources:` key (YAML) or a `"Resources"`
/// key (JSON). A mere mention of `AWS::` in a comment is not enough.
fn clearly_a_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || text
            .lines()
            .any(|l| l.trim_end() == "Resources:" || l.starts_with("Resources: "))
        || text
            .match_indices("\"Resources\"")
            .any(|(i, m)| text[i + m.len()..].trim_start().starts_with(':'))
}

/// Parses a CloudFormation candidate (YAML or JSON). CloudFormation reads a template as one
/// document: a stream of several documents of which one is a template is an error at the start
/// of the second (PyYAML, which cfn-lint uses, says "expected a single document in the
/// stream"), never a template silently skipped or cut short. A file that does not parse is
/// reported only if it is a template: a document completed before the error is one, or the
/// text clearly is one; a Helm chart or a CI file that merely mentions `AWS::` is not our
/// business.
fn parse_template(text: &str) -> Parsed {
    match yaml::parse_stream(text) {
        Ok(mut stream) => {
            let template = stream
                .documents
                .iter()
                .position(|d| cloudformation::is_template(&d.root));
            match (template, stream.documents.len()) {
                (None, _) => Parsed::Skipped,
                (Some(_), 1) => Parsed::Template(yaml::YamlDoc {
                    root: stream.documents.swap_remove(0).root,
                    comments: stream.comments,
                }),
                (Some(i), n) => {
                    let second = stream.documents.get(1).map(|d| d.start.clone());
                    // Where the template starts, unless that is the second document's start.
                    let template_at = stream.documents.get(i).filter(|_| i != 1).map(|d| {
                        let at = if d.start.is_empty() {
                            d.root.span.start
                        } else {
                            d.start.start
                        };
                        let len = text.get(at..).and_then(|r| r.chars().next());
                        at..at + len.map_or(0, char::len_utf8)
                    });
                    Parsed::Failed {
                        message: format!(
                            "a CloudFormation template must be the only YAML document in its \
                             file, but this file has {n} documents: another one starts here"
                        ),
                        range: second,
                        related: template_at
                            .map(|at| ("the template".to_string(), at))
                            .into_iter()
                            .collect(),
                    }
                }
            }
        }
        Err(e)
            if e.complete
                .iter()
                .any(|d| cloudformation::is_template(&d.root))
                || clearly_a_template(text) =>
        {
            Parsed::Failed {
                message: e.error.message,
                range: Some(e.error.span),
                related: e.error.related,
            }
        }
        Err(_) => Parsed::Skipped,
    }
}

/// Parses a file's text as its kind says. `utf8_error` is where the bytes stopped being UTF-8
/// (the text is then a lossy copy).
pub fn parse_file(candidate: &Candidate, text: &str, utf8_error: Option<usize>) -> Parsed {
    // A plan JSON is sniffed before the template check (it does not look like one).
    let is_plan = candidate.kind == FileKind::CloudFormationCandidate
        && candidate
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        && plan::is_plan(text);
    match candidate.kind {
        _ if is_plan && utf8_error.is_none() => match plan::parse(text) {
            Ok(json) => Parsed::Plan(json),
            Err((message, range)) => Parsed::failed_at(message, range.start.min(text.len())),
        },
        FileKind::CloudFormationCandidate
            if !is_plan && !cloudformation::looks_like_template(text) =>
        {
            Parsed::Skipped
        }
        _ if utf8_error.is_some() => {
            let at = utf8_error.unwrap_or(0);
            Parsed::failed_at(format!("invalid UTF-8 at byte {at}"), at)
        }
        FileKind::CloudFormationCandidate => parse_template(text),
        kind => terraform::parse_file(kind, text),
    }
}

/// The suppressions of a file: its comments (only searched when the file has a suppression
/// marker: most files have none) and, for a template, its metadata.
pub fn suppressions(
    id: FileId,
    source: &SourceFile,
    parsed: &Parsed,
    known_rule: &dyn Fn(&str) -> bool,
) -> FileSuppressions {
    let text = &source.text;
    let mut suppressions = FileSuppressions::default();
    if suppress::has_marker(text) {
        let (comments, scopes) = match parsed {
            Parsed::Terraform(body) => (
                terraform::comments::comments(text),
                terraform::comments::scopes(body),
            ),
            Parsed::Template(doc) => (
                cloudformation::suppressions::comments(doc),
                cloudformation::suppressions::scopes(doc),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        let lines = source.line_index();
        suppress::from_comments(
            id,
            text,
            lines,
            &comments,
            &scopes,
            known_rule,
            &mut suppressions,
        );
    }
    if let Parsed::Template(doc) = parsed {
        cloudformation::suppressions::from_metadata(
            id,
            text.len(),
            doc,
            known_rule,
            &mut suppressions,
        );
    }
    suppressions
}

/// Parses a `--var-file` (HCL, or JSON when its name ends in `.json`).
pub fn parse_var_file(path: &Path, text: &str) -> Parsed {
    terraform::parse_var_file(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream of several documents with a template: the error is at the second document;
    /// the template is shown too when it is not that document.
    #[test]
    fn a_template_among_several_documents_is_located() {
        let located = |text: &str| match parse_template(text) {
            Parsed::Failed { range, related, .. } => (
                range.map(|r| text[r].to_string()),
                related
                    .into_iter()
                    .map(|(l, r)| (l, text[r].to_string()))
                    .collect::<Vec<_>>(),
            ),
            _ => panic!("an error for {text:?}"),
        };
        let first = "AWSTemplateFormatVersion: x\n---\nfoo: 1\n";
        assert_eq!(
            located(first),
            (
                Some("---".to_string()),
                vec![("the template".to_string(), "A".to_string())]
            )
        );
        let second = "foo: 1\n---\nAWSTemplateFormatVersion: x\n";
        assert_eq!(located(second), (Some("---".to_string()), Vec::new()));
        let third = "foo: 1\n---\nbar: 2\n---\nAWSTemplateFormatVersion: x\n";
        assert_eq!(
            located(third),
            (
                Some("---".to_string()),
                vec![("the template".to_string(), "-".to_string())]
            )
        );
        assert!(matches!(
            parse_template("foo: 1\n---\nbar: 2\n"),
            Parsed::Skipped
        ));
    }
}
