//! Suppressions: `# infralint:ignore[rule-id] reason` comments (Terraform `#`, `//`, `/* */`;
//! YAML `#`), `# infralint:ignore-file[rule-id] reason`, and CloudFormation
//! `Metadata: {infralint: {ignore: [{rule: ..., reason: ...}]}}` on a resource or the template.
//!
//! A comment inside a resource (a Terraform top-level block, a CloudFormation `Resources`
//! entry), or on the lines just above it, suppresses the listed rules for that whole resource.

use std::ops::Range;

use crate::parse::syntax::yaml::{Node, YamlDoc};
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
}

/// A suppression that cannot be honoured as written.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressionProblem {
    pub span: Span,
    pub message: String,
}

/// Suppressions of one file.
#[derive(Debug, Default)]
pub struct FileSuppressions {
    pub suppressions: Vec<Suppression>,
    pub problems: Vec<SuppressionProblem>,
}

const MARKER: &str = "infralint:ignore";

/// Whether a file's text has a suppression comment at all (a fast test that spares most files
/// the search for comments).
pub fn has_marker(text: &str) -> bool {
    text.contains(MARKER)
}

/// Parses the text of a comment (without its `#`/`//`/`/*`) if it is a suppression.
/// Returns `(whole_file, rules, reason)`, or an error message for a malformed one.
/// A parsed suppression comment: whether it covers the whole file, its rule ids, its reason.
type ParsedComment = (bool, Vec<String>, String);

fn parse_comment(text: &str) -> Option<Result<ParsedComment, String>> {
    let at = text.find(MARKER)?;
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
                out.problems.push(SuppressionProblem { span, message });
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

/// Comments of an HCL file, with a small lexer that knows strings (with `${...}`
/// interpolations, which may contain strings) and heredocs.
pub fn hcl_comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Stack of contexts: true = inside a string, false = inside an interpolation.
    let mut stack: Vec<bool> = Vec::new();
    while i < bytes.len() {
        let in_string = stack.last() == Some(&true);
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    stack.push(false);
                    i += 2;
                }
                b'\n' => {
                    // Unterminated string: HCL would reject it; resynchronise.
                    stack.clear();
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match b {
            b'"' => {
                stack.push(true);
                i += 1;
            }
            b'{' if !stack.is_empty() => {
                stack.push(false);
                i += 1;
            }
            b'}' if !stack.is_empty() => {
                stack.pop();
                i += 1;
            }
            b'#' => i = line_comment(text, i, 1, &mut out),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_comment(text, i, 2, &mut out),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map(|e| i + 2 + e + 2)
                    .unwrap_or(text.len());
                out.push(Comment {
                    range: i..end,
                    text: text[i + 2..end.saturating_sub(2).max(i + 2)].to_string(),
                });
                i = end;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => i = skip_heredoc(text, i),
            _ => i += 1,
        }
    }
    out
}

fn line_comment(text: &str, start: usize, marker_len: usize, out: &mut Vec<Comment>) -> usize {
    let end = text[start..]
        .find('\n')
        .map(|e| start + e)
        .unwrap_or(text.len());
    let body = text[start + marker_len..end].trim_end_matches('\r');
    out.push(Comment {
        range: start..start + marker_len + body.len(),
        text: body.to_string(),
    });
    end
}

/// Skips `<<EOF ... EOF` / `<<-EOF ... EOF`; returns the index after it (or after `<<` when it
/// is not a heredoc).
fn skip_heredoc(text: &str, start: usize) -> usize {
    let after = &text[start + 2..];
    let after = after.strip_prefix('-').unwrap_or(after);
    let ident: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        return start + 2;
    }
    let Some(body_start) = text[start..].find('\n').map(|e| start + e + 1) else {
        return text.len();
    };
    let mut pos = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        pos += line.len();
        if line.trim() == ident {
            return pos;
        }
    }
    text.len()
}

/// The top-level blocks of a Terraform body: the scopes of its comments.
pub fn hcl_scopes(body: &hcl_edit::structure::Body) -> Vec<Range<usize>> {
    use hcl_edit::Span as _;
    let mut scopes: Vec<Range<usize>> = body.iter().filter_map(|s| s.span()).collect();
    scopes.sort_by_key(|s| s.start);
    scopes
}

/// The entries of a template's top-level sections (`Resources`, `Parameters`, `Outputs`...).
pub fn yaml_scopes(doc: &YamlDoc) -> Vec<Range<usize>> {
    let mut scopes = Vec::new();
    for (_, section) in doc.root.entries() {
        for (key, value) in section.entries() {
            scopes.push(key.span.start..value.span.end.max(key.span.end));
        }
    }
    scopes.sort_by_key(|s| s.start);
    scopes
}

pub fn yaml_comments(doc: &YamlDoc) -> Vec<Comment> {
    doc.comments
        .iter()
        .map(|c| Comment {
            range: c.span.clone(),
            text: c.text.clone(),
        })
        .collect()
}

/// `Metadata: {infralint: {ignore: [...]}}` at template level (whole file) and on resources.
pub fn from_cfn_metadata(
    file: FileId,
    text_len: usize,
    doc: &YamlDoc,
    known_rule: &dyn Fn(&str) -> bool,
    out: &mut FileSuppressions,
) {
    if let Some(meta) = doc.root.get("Metadata") {
        metadata_entries(file, meta, 0..text_len, known_rule, out);
    }
    if let Some(resources) = doc.root.get("Resources") {
        for (key, def) in resources.entries() {
            if let Some(meta) = def.get("Metadata") {
                let scope = key.span.start..def.span.end.max(key.span.end);
                metadata_entries(file, meta, scope, known_rule, out);
            }
        }
    }
}

fn metadata_entries(
    file: FileId,
    meta: &Node,
    scope: Range<usize>,
    known_rule: &dyn Fn(&str) -> bool,
    out: &mut FileSuppressions,
) {
    let Some(ignore) = meta.get("infralint").and_then(|n| n.get("ignore")) else {
        return;
    };
    for entry in ignore.items() {
        let span = Span::new(file, entry.span.clone());
        let rule = entry.get("rule").and_then(Node::as_str);
        let reason = entry
            .get("reason")
            .and_then(Node::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        let rules: Vec<String> = match (rule, entry.as_str()) {
            (Some(r), _) => vec![r.trim().to_string()],
            (None, Some(r)) => vec![r.trim().to_string()],
            (None, None) => {
                out.problems.push(SuppressionProblem {
                    span,
                    message: "malformed suppression: expected `{rule: <rule-id>, reason: <why>}`"
                        .to_string(),
                });
                continue;
            }
        };
        if !check(&rules, &reason, span, known_rule, "in a `reason:` key", out) {
            continue;
        }
        out.suppressions.push(Suppression {
            file,
            rules,
            reason,
            scope: scope.clone(),
            span,
        });
    }
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
    fn hcl_lexer_finds_comments_not_strings() {
        let text = r##"# top
resource "x" "y" { // trailing
  a = "# not a comment ${lookup(m, "k#")} still string"
  b = <<EOF
# not a comment either
EOF
  /* block
     comment */
  c = 1 # end
}
"##;
        let texts: Vec<String> = hcl_comments(text).into_iter().map(|c| c.text).collect();
        assert_eq!(
            texts,
            vec![" top", " trailing", " block\n     comment ", " end"]
        );
    }

    #[test]
    fn scope_is_the_resource_containing_or_below_the_comment() {
        let text = "# infralint:ignore[ebs-io1-to-io2] reason\n\nresource \"a\" \"b\" {\n  x = 1\n}\nresource \"c\" \"d\" {\n  # infralint:ignore[eip-unattached] inside\n  y = 2\n}\n# infralint:ignore[eip-unattached] dangling\n";
        let body = crate::parse::terraform::parse(text).unwrap();
        let scopes = hcl_scopes(&body);
        let mut out = FileSuppressions::default();
        from_comments(
            FileId(0),
            text,
            &LineIndex::new(text),
            &hcl_comments(text),
            &scopes,
            &known,
            &mut out,
        );
        assert_eq!(out.suppressions.len(), 3);
        assert_eq!(out.suppressions[0].scope, scopes[0]);
        assert_eq!(out.suppressions[1].scope, scopes[1]);
        // Dangling: covers only itself.
        assert!(out.suppressions[2].scope.start > scopes[1].end);
        assert!(out.problems.is_empty());
    }

    #[test]
    fn missing_reason_and_unknown_rule_are_problems() {
        let text = "resource \"a\" \"b\" { # infralint:ignore[ebs-io1-to-io2]\n}\n# infralint:ignore[nope] x\nresource \"c\" \"d\" {}\n";
        let body = crate::parse::terraform::parse(text).unwrap();
        let mut out = FileSuppressions::default();
        from_comments(
            FileId(0),
            text,
            &LineIndex::new(text),
            &hcl_comments(text),
            &hcl_scopes(&body),
            &known,
            &mut out,
        );
        assert_eq!(out.problems.len(), 2);
        assert!(out.problems[0].message.contains("no reason"));
        assert!(out.problems[1].message.contains("unknown rule `nope`"));
        // The reasonless one is still honoured.
        assert_eq!(out.suppressions.len(), 1);
    }

    #[test]
    fn cloudformation_metadata_and_comments() {
        let text = "Metadata:\n  infralint:\n    ignore:\n      - rule: eip-unattached\n        reason: spare address\nResources:\n  # infralint:ignore[ebs-io1-to-io2] benchmarked\n  Vol:\n    Type: AWS::EC2::Volume\n    Metadata:\n      infralint:\n        ignore:\n          - {rule: ebs-gp2-iops-ceiling, reason: burst is fine}\n          - {rule: ebs-io1-to-io2}\n";
        let doc = crate::parse::syntax::yaml::parse(text).unwrap();
        let mut out = FileSuppressions::default();
        from_cfn_metadata(FileId(0), text.len(), &doc, &known, &mut out);
        from_comments(
            FileId(0),
            text,
            &LineIndex::new(text),
            &yaml_comments(&doc),
            &yaml_scopes(&doc),
            &known,
            &mut out,
        );
        let summary: Vec<(String, bool)> = out
            .suppressions
            .iter()
            .map(|s| (s.rules[0].clone(), s.scope == (0..text.len())))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("eip-unattached".to_string(), true),
                ("ebs-gp2-iops-ceiling".to_string(), false),
                ("ebs-io1-to-io2".to_string(), false),
                ("ebs-io1-to-io2".to_string(), false),
            ]
        );
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        let vol = text.find("Vol:").unwrap();
        assert!(out.suppressions[3].scope.start == vol);
    }
}
