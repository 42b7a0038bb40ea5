//! Suppressions: `# infralint:ignore[rule-id] reason` comments (Terraform `#`, `//`, `/* */`;
//! YAML `#`), `# infralint:ignore-file[rule-id] reason`, and CloudFormation
//! `Metadata: {infralint: {ignore: [{rule: ..., reason: ...}]}}` on a resource or the template.
//!
//! A comment inside a resource (a Terraform top-level block, a CloudFormation `Resources`
//! entry), or on the lines just above it, suppresses the listed rules for that whole resource.
//! On a Terraform `module "x"` block it also suppresses them in the resources of that call's
//! instances (`module.x.`, `module.x[0].`, and the modules they call), for the root module
//! the block is reached from only: postprocessing matches findings to the calls
//! ([`Suppression::is_on`]), since only the frontend knows which resources a call made.
//!
//! Format-neutral: the frontends find the comments, the scopes they may apply to (the
//! resources), and the suppressions declared in data (CloudFormation metadata:
//! `parse::cloudformation::suppressions`; Terraform comments: `parse::terraform::comments`);
//! this module reads and checks them.

use std::ops::Range;

use crate::source::{FileId, LineIndex, Span};

/// One suppression.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub file: FileId,
    pub rules: Vec<String>,
    pub reason: String,
    /// The byte range it covers (the whole file for `ignore-file` and template metadata).
    pub scope: Range<usize>,
    /// The comment or metadata entry, for diagnostics.
    pub span: Span,
}

impl Suppression {
    pub fn covers(&self, rule: &str, span: Span) -> bool {
        span.file == self.file
            && span.start >= self.scope.start
            && span.start <= self.scope.end
            && self.rules.iter().any(|r| r == rule)
    }

    /// Whether the suppression is attached to exactly this block (a comment inside or above
    /// a `module` block): then it also covers what the block makes elsewhere.
    pub fn is_on(&self, block: Span) -> bool {
        block.file == self.file && block.start == self.scope.start && block.end == self.scope.end
    }

    /// Whether it names `rule`.
    pub fn names(&self, rule: &str) -> bool {
        self.rules.iter().any(|r| r == rule)
    }
}

/// A suppression that cannot be honoured as written.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressionProblem {
    pub span: Span,
    pub message: String,
    /// The rule ids it names that do not exist (the report suggests the nearest known ones).
    pub unknown_rules: Vec<String>,
}

/// Suppressions of one file.
#[derive(Debug, Default)]
pub struct FileSuppressions {
    pub suppressions: Vec<Suppression>,
    pub problems: Vec<SuppressionProblem>,
}

const MARKER: &str = "infralint:ignore";

/// Whether a file's text may have a suppression comment, or a near miss of one (a fast test
/// that spares most files the search for comments): `infralint` in any letter case.
pub fn has_marker(text: &str) -> bool {
    // Every file is scanned, so this is on the hot path: jump (SIMD) between the `f`s, rarer
    // than most letters in configuration text, and compare the window around each one.
    let bytes = text.as_bytes();
    let f_at = NAME.find('f').unwrap_or(0);
    memchr::memchr2_iter(b'f', b'F', bytes).any(|at| {
        at.checked_sub(f_at)
            .and_then(|start| bytes.get(start..start + NAME.len()))
            .is_some_and(|w| w.eq_ignore_ascii_case(NAME.as_bytes()))
    })
}

const NAME: &str = "infralint";

/// A comment that was meant as a suppression but is not written as one (`infralint: ignore[`,
/// `InfraLint:Ignore[`): the message with the intended form, so that it is reported rather
/// than silently ignored. `None` when the comment is not one.
fn near_miss(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower.get(from..)?.find(NAME) {
        let at = from + found;
        from = at + NAME.len();
        let rest = lower.get(from..)?.trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        if !rest.starts_with("ignore") {
            continue;
        }
        // The same text in the original letter case, after `ignore`.
        let tail_at = text.len() - rest.len() + "ignore".len();
        let tail = text.get(tail_at..).unwrap_or("").trim_end();
        let tail = tail.strip_suffix("*/").unwrap_or(tail).trim_end();
        let (file, tail) = match tail.get(..5) {
            Some(prefix) if prefix.eq_ignore_ascii_case("-file") => ("-file", &tail[5..]),
            _ => ("", tail),
        };
        return Some(format!(
            "not read as a suppression: write `{MARKER}{file}{}` (lower case, no space around `:`)",
            tail.trim_start()
        ));
    }
    None
}

/// Parses the text of a comment (without its `#`/`//`/`/*`) if it is a suppression.
/// Returns `(whole_file, rules, reason)`, or an error message for a malformed one.
/// A parsed suppression comment: whether it covers the whole file, its rule ids, its reason.
type ParsedComment = (bool, Vec<String>, String);

fn parse_comment(text: &str) -> Option<Result<ParsedComment, String>> {
    let Some(at) = text.find(MARKER) else {
        return near_miss(text).map(Err);
    };
    let rest = &text[at + MARKER.len()..];
    let (whole_file, rest) = match rest.strip_prefix("-file") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let Some(rest) = rest.strip_prefix('[') else {
        return Some(Err(
            "malformed suppression: expected `infralint:ignore[rule-id] reason`".to_string(),
        ));
    };
    let Some(close) = rest.find(']') else {
        return Some(Err("malformed suppression: missing `]`".to_string()));
    };
    let rules: Vec<String> = rest[..close]
        .split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    if rules.is_empty() {
        return Some(Err(
            "malformed suppression: no rule id between `[` and `]`".to_string()
        ));
    }
    let reason = rest[close + 1..]
        .trim()
        .trim_end_matches("*/")
        .trim()
        .trim_start_matches([':', '-', '—'])
        .trim()
        .to_string();
    Some(Ok((whole_file, rules, reason)))
}

/// A comment found in a file: its byte range and its text without delimiters.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub range: Range<usize>,
    pub text: String,
}

/// Builds suppressions from comments. `scopes` are the file's resources (sorted by start):
/// a comment inside one, or just above one, applies to it.
pub fn from_comments(
    file: FileId,
    text: &str,
    lines: &LineIndex,
    comments: &[Comment],
    scopes: &[Range<usize>],
    known_rule: &dyn Fn(&str) -> bool,
    out: &mut FileSuppressions,
) {
    for comment in comments {
        let Some(parsed) = parse_comment(&comment.text) else {
            continue;
        };
        let span = Span::new(file, comment.range.clone());
        let (whole_file, rules, reason) = match parsed {
            Ok(p) => p,
            Err(message) => {
                out.problems.push(SuppressionProblem {
                    span,
                    message,
                    unknown_rules: Vec::new(),
                });
                continue;
            }
        };
        if !check(&rules, &reason, span, known_rule, "after the `]`", out) {
            continue;
        }
        let scope = if whole_file {
            0..text.len()
        } else {
            match scope_of(text, lines, comment.range.clone(), scopes) {
                Some(s) => s,
                None => {
                    // Not attached to any resource: it can suppress nothing.
                    comment.range.clone()
                }
            }
        };
        out.suppressions.push(Suppression {
            file,
            rules,
            reason,
            scope,
            span,
        });
    }
}

/// A suppression declared in data rather than in a comment (CloudFormation metadata): kept
/// unless it names an unknown rule; `where_reason_goes` tells a suppression without a reason
/// where to write one.
#[allow(clippy::too_many_arguments)]
pub fn declared(
    file: FileId,
    span: Span,
    rules: Vec<String>,
    reason: String,
    scope: Range<usize>,
    known_rule: &dyn Fn(&str) -> bool,
    where_reason_goes: &str,
    out: &mut FileSuppressions,
) {
    if !check(&rules, &reason, span, known_rule, where_reason_goes, out) {
        return;
    }
    out.suppressions.push(Suppression {
        file,
        rules,
        reason,
        scope,
        span,
    });
}

/// Reports unknown rule ids and missing reasons; false when the suppression is unusable.
fn check(
    rules: &[String],
    reason: &str,
    span: Span,
    known_rule: &dyn Fn(&str) -> bool,
    where_reason_goes: &str,
    out: &mut FileSuppressions,
) -> bool {
    let unknown: Vec<&str> = rules
        .iter()
        .map(String::as_str)
        .filter(|r| !known_rule(r))
        .collect();
    if !unknown.is_empty() {
        out.problems.push(SuppressionProblem {
            span,
            message: format!(
                "suppression names unknown rule{} `{}`",
                if unknown.len() > 1 { "s" } else { "" },
                unknown.join("`, `")
            ),
            unknown_rules: unknown.iter().map(|r| r.to_string()).collect(),
        });
        return false;
    }
    if reason.is_empty() {
        out.problems.push(SuppressionProblem {
            span,
            message: format!(
                "suppression of `{}` has no reason: say why {where_reason_goes}",
                rules.join("`, `")
            ),
            unknown_rules: Vec::new(),
        });
        // Still honoured, so the missing reason is the only thing reported.
    }
    true
}

/// The resource a comment belongs to: the one containing it, else the one starting on the
/// next line of code after it.
fn scope_of(
    text: &str,
    lines: &LineIndex,
    comment: Range<usize>,
    scopes: &[Range<usize>],
) -> Option<Range<usize>> {
    if let Some(s) = scopes
        .iter()
        .find(|s| s.start <= comment.start && comment.end <= s.end)
    {
        return Some(s.clone());
    }
    // A trailing comment on a resource's first line.
    let line_start = lines.line_start_of(comment.start);
    if let Some(s) = scopes
        .iter()
        .find(|s| s.start >= line_start && s.start < comment.start)
    {
        return Some(s.clone());
    }
    // The next scope after the comment, if only blank lines and comments lie between.
    let next = scopes.iter().find(|s| s.start >= comment.end)?;
    let between = text.get(comment.end..next.start)?;
    let only_trivia = between.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t.starts_with("//") || t.starts_with("/*")
    });
    only_trivia.then(|| next.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(r: &str) -> bool {
        r.starts_with("ebs-") || r.starts_with("eip-")
    }

    #[test]
    fn comment_syntax() {
        assert_eq!(
            parse_comment(" infralint:ignore[ebs-io1-to-io2, eip-unattached] legacy db"),
            Some(Ok((
                false,
                vec!["ebs-io1-to-io2".into(), "eip-unattached".into()],
                "legacy db".into()
            )))
        );
        assert_eq!(
            parse_comment(" infralint:ignore-file[ebs-io1-to-io2]: vendor code "),
            Some(Ok((
                true,
                vec!["ebs-io1-to-io2".into()],
                "vendor code".into()
            )))
        );
        assert!(matches!(
            parse_comment(" infralint:ignore all"),
            Some(Err(_))
        ));
        assert!(matches!(parse_comment(" infralint:ignore[]"), Some(Err(_))));
        assert_eq!(parse_comment(" just a comment"), None);
    }

    #[test]
    fn near_misses_say_the_intended_form() {
        let intended = |form: &str| {
            Some(Err(format!(
                "not read as a suppression: write `{form}` (lower case, no space around `:`)"
            )))
        };
        assert_eq!(
            parse_comment(" infralint: ignore[eip-unattached] kept on purpose"),
            intended("infralint:ignore[eip-unattached] kept on purpose")
        );
        assert_eq!(
            parse_comment(" InfraLint:Ignore-File[ebs-magnetic] vendored */"),
            intended("infralint:ignore-file[ebs-magnetic] vendored")
        );
        assert_eq!(
            parse_comment(" infralint : ignore [eip-unattached] x"),
            intended("infralint:ignore[eip-unattached] x")
        );
        assert_eq!(parse_comment(" infralint checks this module"), None);
        assert_eq!(parse_comment(" see infralint: docs"), None);
        assert!(has_marker("# INFRALINT: ignore[x]"));
        assert!(!has_marker("# infra lint"));
        // At either end of the text, after an `f` too close to the start, cut short.
        assert!(has_marker("infralint"));
        assert!(has_marker("f ff fInfraLint"));
        assert!(!has_marker("f"));
        assert!(!has_marker("# infralin"));
        assert!(!has_marker("for_each = fINFRALIN"));
    }

    /// A comment applies to the scope containing it, to one starting earlier on its line
    /// (a trailing comment), or to the next one when only blank lines and comments lie
    /// between; else only to itself.
    #[test]
    fn comments_apply_to_the_scope_they_are_in_or_above() {
        let text = "# a\n\n// b\n[one]\n  x # c\n[two] # d\n\ny\n[three]\n# e\n";
        let at = |s: &str| text.find(s).unwrap();
        let scope = |from: &str, to: &str| at(from)..at(to) + to.len();
        let scopes = [
            scope("[one]", "x # c"),
            scope("[two]", "[two]"),
            scope("[three]", "[three]"),
        ];
        let comment = |s: &str, body: &str| Comment {
            range: at(s)..at(s) + s.len(),
            text: format!(" infralint:ignore[ebs-io1-to-io2] {body}"),
        };
        let comments = [
            comment("# a", "above, past a comment"),
            comment("# c", "inside"),
            comment("# d", "trailing"),
            comment("# e", "dangling"),
        ];
        let mut out = FileSuppressions::default();
        from_comments(
            FileId(0),
            text,
            &LineIndex::new(text),
            &comments,
            &scopes,
            &known,
            &mut out,
        );
        let got: Vec<Range<usize>> = out.suppressions.iter().map(|s| s.scope.clone()).collect();
        assert_eq!(
            got,
            [
                scopes[0].clone(),
                scopes[0].clone(),
                scopes[1].clone(),
                comments[3].range.clone()
            ]
        );
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }
}
