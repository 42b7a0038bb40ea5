//! Suppressions in CloudFormation templates: the comments of a template and the scopes they
//! may apply to (the entries of its top-level sections), and the suppressions its metadata
//! declares (`Metadata: {infralint: {ignore: [...]}}` on the template or a resource), for
//! `crate::suppress`.

use std::ops::Range;

use crate::parse::syntax::yaml::{Node, YamlDoc};
use crate::source::{FileId, Span};
use crate::suppress::{self, Comment, FileSuppressions, SuppressionProblem};

/// The entries of a template's top-level sections (`Resources`, `Parameters`, `Outputs`...).
pub fn scopes(doc: &YamlDoc) -> Vec<Range<usize>> {
    let mut scopes = Vec::new();
    for (_, section) in doc.root.entries() {
        for (key, value) in section.entries() {
            scopes.push(key.span.start..value.span.end.max(key.span.end));
        }
    }
    scopes.sort_by_key(|s| s.start);
    scopes
}

/// The comments of a template.
pub fn comments(doc: &YamlDoc) -> Vec<Comment> {
    doc.comments
        .iter()
        .map(|c| Comment {
            range: c.span.clone(),
            text: c.text.clone(),
        })
        .collect()
}

/// `Metadata: {infralint: {ignore: [...]}}` at template level (whole file) and on resources.
pub fn from_metadata(
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
                    unknown_rules: Vec::new(),
                });
                continue;
            }
        };
        suppress::declared(
            file,
            span,
            rules,
            reason,
            scope.clone(),
            known_rule,
            "in a `reason:` key",
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::LineIndex;
    use crate::suppress::from_comments;

    fn known(r: &str) -> bool {
        r.starts_with("ebs-") || r.starts_with("eip-")
    }

    #[test]
    fn cloudformation_metadata_and_comments() {
        let text = "Metadata:\n  infralint:\n    ignore:\n      - rule: eip-unattached\n        reason: spare address\nResources:\n  # infralint:ignore[ebs-io1-to-io2] benchmarked\n  Vol:\n    Type: AWS::EC2::Volume\n    Metadata:\n      infralint:\n        ignore:\n          - {rule: ebs-gp2-iops-ceiling, reason: burst is fine}\n          - {rule: ebs-io1-to-io2}\n";
        let doc = crate::parse::syntax::yaml::parse(text).unwrap();
        let mut out = FileSuppressions::default();
        from_metadata(FileId(0), text.len(), &doc, &known, &mut out);
        from_comments(
            FileId(0),
            text,
            &LineIndex::new(text),
            &comments(&doc),
            &scopes(&doc),
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
