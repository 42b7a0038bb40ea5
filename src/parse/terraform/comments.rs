//! Suppression comments in Terraform files: the comments of an HCL file (`#`, `//`,
//! `/* */`, never inside strings or heredocs) and the scopes they may apply to (its
//! top-level blocks), for `crate::suppress`.

use std::ops::Range;

use crate::suppress::Comment;

/// Comments of an HCL file, with a small lexer that knows strings (with `${...}`
/// interpolations, which may contain strings) and heredocs.
pub fn comments(text: &str) -> Vec<Comment> {
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
pub fn scopes(body: &hcl_edit::structure::Body) -> Vec<Range<usize>> {
    use hcl_edit::Span as _;
    let mut scopes: Vec<Range<usize>> = body.iter().filter_map(|s| s.span()).collect();
    scopes.sort_by_key(|s| s.start);
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, LineIndex};
    use crate::suppress::{from_comments, FileSuppressions};

    fn known(r: &str) -> bool {
        r.starts_with("ebs-") || r.starts_with("eip-")
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
        let texts: Vec<String> = comments(text).into_iter().map(|c| c.text).collect();
        assert_eq!(
            texts,
            vec![" top", " trailing", " block\n     comment ", " end"]
        );
    }

    #[test]
    fn scope_is_the_resource_containing_or_below_the_comment() {
        let text = "# infralint:ignore[ebs-io1-to-io2] reason\n\nresource \"a\" \"b\" {\n  x = 1\n}\nresource \"c\" \"d\" {\n  # infralint:ignore[eip-unattached] inside\n  y = 2\n}\n# infralint:ignore[eip-unattached] dangling\n";
        let body = super::super::parse(text).unwrap();
        let scopes = scopes(&body);
        let mut out = FileSuppressions::default();
        from_comments(
            FileId(0),
            text,
            &LineIndex::new(text),
            &comments(text),
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
        let body = super::super::parse(text).unwrap();
        let mut out = FileSuppressions::default();
        from_comments(
            FileId(0),
            text,
            &LineIndex::new(text),
            &comments(text),
            &scopes(&body),
            &known,
            &mut out,
        );
        assert_eq!(out.problems.len(), 2);
        assert!(out.problems[0].message.contains("no reason"));
        assert!(out.problems[1].message.contains("unknown rule `nope`"));
        // The reasonless one is still honoured.
        assert_eq!(out.suppressions.len(), 1);
    }
}
