//! Format-neutral edits rendered as byte edits of one file, and applied.
//!
//! Every edit is checked against the text before it is rendered: a replacement needs the
//! literal it replaces at its span, quoted or not (`"gp2"`, `'gp2'`, `gp2`), and keeps that
//! quoting; an added attribute goes on a line of its own below the attribute it follows, with
//! that attribute's indentation, in the file's syntax. Terraform's `=` alignment is kept as
//! `terraform fmt` makes it: within a run of single-line attributes (a comment line, a blank
//! line or a multi-line value ends the run), every `=` one column after the longest name, but
//! only when the run was aligned that way before (a file that was not `fmt`-clean is not
//! reformatted). Anything the checks do not recognise is refused with a reason; nothing is
//! guessed.

use std::ops::Range;
use std::path::Path;

use super::{Edit, Key};

/// The syntax of a file being edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Terraform native syntax (`.tf`, `.tfvars`).
    Hcl,
    /// JSON: Terraform (`.tf.json`, `.tfvars.json`: Terraform names) or a CloudFormation
    /// template (CloudFormation names).
    Json { terraform: bool },
    /// A CloudFormation YAML template.
    Yaml,
}

impl Syntax {
    /// The syntax of `path` holding `text`: by name for Terraform, by content for templates
    /// (a `.template` may be JSON or YAML).
    pub fn of(path: &Path, text: &str) -> Syntax {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".tf.json") || name.ends_with(".tfvars.json") {
            Syntax::Json { terraform: true }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            Syntax::Hcl
        } else if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            Syntax::Json { terraform: false }
        } else {
            Syntax::Yaml
        }
    }

    fn key(self, key: &Key) -> &'static str {
        match self {
            Syntax::Hcl | Syntax::Json { terraform: true } => key.terraform,
            Syntax::Json { terraform: false } | Syntax::Yaml => key.cloudformation,
        }
    }
}

/// A replacement of a byte range of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteEdit {
    pub range: Range<usize>,
    pub text: String,
}

/// The byte edits of one fix's `edits` on `text`, or why they cannot be made exactly.
pub fn render(text: &str, syntax: Syntax, edits: &[Edit]) -> Result<Vec<ByteEdit>, String> {
    let mut out = Vec::new();
    for edit in edits {
        match edit {
            Edit::Replace {
                span,
                old,
                new,
                via,
            } => {
                let edit = replace(text, span.start..span.end, old, new, via)?;
                out.push(match syntax {
                    Syntax::Hcl => keep_comment_column(text, edit),
                    _ => edit,
                });
            }
            Edit::Remove { value } => out.push(remove(text, syntax, value.start..value.end)?),
            Edit::AddToBlock {
                resource,
                block,
                entries,
            } => {
                let rendered: Vec<(&str, String)> = entries
                    .iter()
                    .map(|(k, v)| (syntax.key(k), v.render(syntax)))
                    .collect();
                out.extend(add_to_block(
                    text,
                    syntax,
                    resource.start..resource.end,
                    block,
                    &rendered,
                )?);
            }
            Edit::AddSiblings { after, entries } => {
                let rendered: Vec<(&str, String)> = entries
                    .iter()
                    .map(|(k, v)| (syntax.key(k), v.render(syntax)))
                    .collect();
                out.extend(add_siblings(
                    text,
                    syntax,
                    after.start..after.end,
                    &rendered,
                )?);
            }
        }
    }
    Ok(out)
}

/// Replaces the literal `old` written at `range` with `new`, in the same quotes.
fn replace(
    text: &str,
    range: Range<usize>,
    old: &str,
    new: &str,
    via: &[String],
) -> Result<ByteEdit, String> {
    let written = text.get(range.clone()).unwrap_or_default();
    let (quote, inner) = match written.as_bytes() {
        [b'"', .., b'"'] if written.len() >= 2 => ("\"", &written[1..written.len() - 1]),
        [b'\'', .., b'\''] if written.len() >= 2 => ("'", &written[1..written.len() - 1]),
        _ => ("", written),
    };
    if inner != old || !plain(new) {
        return Err(match via.first() {
            Some(origin) => format!(
                "the value comes from {origin}: infralint edits only a literal written at the resource"
            ),
            None => format!(
                "`{}` is not written as the literal `{old}`",
                first_line(written)
            ),
        });
    }
    Ok(ByteEdit {
        range,
        text: format!("{quote}{new}{quote}"),
    })
}

/// A replacement of another length, followed on its line by spaces and a comment: the spaces
/// absorb the difference so that the comment stays in its column (`terraform fmt` aligns the
/// comments of a run of attributes), as far as one space remains.
fn keep_comment_column(text: &str, edit: ByteEdit) -> ByteEdit {
    if edit.text.len() == edit.range.len() {
        return edit;
    }
    let (_, line_end) = line_of(text, edit.range.start);
    let rest = text.get(edit.range.end..line_end).unwrap_or_default();
    let gap = rest.len() - rest.trim_start_matches(' ').len();
    let after_gap = rest.get(gap..).unwrap_or_default();
    if gap == 0 || !(after_gap.starts_with('#') || after_gap.starts_with("//")) {
        return edit;
    }
    let old_len = edit.range.len() as isize;
    let new_gap = (gap as isize + old_len - edit.text.len() as isize).max(1) as usize;
    ByteEdit {
        range: edit.range.start..edit.range.end + gap,
        text: format!("{}{}", edit.text, " ".repeat(new_gap)),
    }
}

/// A value that needs no escaping or quoting decision in any of the syntaxes: letters,
/// digits, `.`, `-`, `_`.
fn plain(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// The line around `at`: (start, end before its `\n`).
fn line_of(text: &str, at: usize) -> (usize, usize) {
    let start = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(at..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| at + i);
    (start, end)
}

/// Whether what follows a value on its line is nothing, or only a comment.
fn rest_is_comment(rest: &str, syntax: Syntax) -> bool {
    let rest = rest.trim();
    match syntax {
        Syntax::Hcl => rest.is_empty() || rest.starts_with('#') || rest.starts_with("//"),
        Syntax::Yaml => rest.is_empty() || rest.starts_with('#'),
        Syntax::Json { .. } => rest.is_empty() || rest == ",",
    }
}

/// Adds `entries` (name, rendered value) below the attribute whose value is at `value`.
fn add_siblings(
    text: &str,
    syntax: Syntax,
    value: Range<usize>,
    entries: &[(&str, String)],
) -> Result<Vec<ByteEdit>, String> {
    let unsupported = || "the attribute is not on a line of its own: add it by hand".to_string();
    let written = text.get(value.clone()).ok_or_else(unsupported)?;
    if written.contains('\n') || entries.is_empty() {
        return Err(unsupported());
    }
    let (line_start, mut line_end) = line_of(text, value.start);
    // A CRLF file gets CRLF lines: insertions go before the `\r`.
    let mut eol = "\n";
    if line_end > value.end && text.get(..line_end).is_some_and(|t| t.ends_with('\r')) {
        line_end -= 1;
        eol = "\r\n";
    }
    let prefix = text.get(line_start..value.start).ok_or_else(unsupported)?;
    let rest = text.get(value.end..line_end).ok_or_else(unsupported)?;
    match syntax {
        Syntax::Hcl => {
            let head = hcl_attribute_head(prefix).ok_or_else(unsupported)?;
            if !rest_is_comment(rest, syntax) {
                return Err(unsupported());
            }
            Ok(hcl_insert(text, line_start, line_end, eol, &head, entries))
        }
        Syntax::Yaml => {
            let key_column = yaml_key_column(prefix).ok_or_else(unsupported)?;
            if !rest_is_comment(rest, syntax) {
                return Err(unsupported());
            }
            let indent = " ".repeat(key_column);
            let inserted: String = entries
                .iter()
                .map(|(k, v)| format!("{eol}{indent}{k}: {v}"))
                .collect();
            Ok(vec![ByteEdit {
                range: line_end..line_end,
                text: inserted,
            }])
        }
        Syntax::Json { .. } => {
            // After the value itself, so that whatever followed it (`,` or the closing
            // brace) still follows: the document stays valid JSON.
            let own_line = json_key_prefix(prefix);
            let inserted: String = entries
                .iter()
                .map(|(k, v)| match own_line {
                    Some(indent) => format!(",{eol}{indent}\"{k}\": {v}"),
                    None => format!(", \"{k}\": {v}"),
                })
                .collect();
            Ok(vec![ByteEdit {
                range: value.end..value.end,
                text: inserted,
            }])
        }
    }
}

/// Removes the line of the attribute whose value is at `value`: the line must hold that
/// attribute alone (and a comment). In Terraform, not the attribute whose name sets the
/// alignment of its run (the others would have to move); in JSON, only a member followed by
/// another (its comma goes with it).
fn remove(text: &str, syntax: Syntax, value: Range<usize>) -> Result<ByteEdit, String> {
    let unsupported = || "the attribute is not on a line of its own: remove it by hand".to_string();
    let written = text.get(value.clone()).ok_or_else(unsupported)?;
    if written.contains('\n') {
        return Err(unsupported());
    }
    let (line_start, line_end) = line_of(text, value.start);
    let prefix = text.get(line_start..value.start).ok_or_else(unsupported)?;
    let rest = text.get(value.end..line_end).ok_or_else(unsupported)?;
    let whole_line = line_start..(line_end + 1).min(text.len());
    match syntax {
        Syntax::Hcl => {
            let head = hcl_attribute_head(prefix).ok_or_else(unsupported)?;
            if !rest_is_comment(rest, syntax) {
                return Err(unsupported());
            }
            let run = hcl_run(text, line_start, line_end, &head.indent);
            let others = run
                .iter()
                .filter(|l| l.start != line_start)
                .map(|l| l.head.name_len)
                .max()
                .unwrap_or(0);
            if run.len() > 1
                && head.name_len > others
                && head.eq_at == head.indent.len() + head.name_len + 1
            {
                return Err("removing it would realign its block: remove it by hand".to_string());
            }
        }
        Syntax::Yaml => {
            if yaml_key_column(prefix).is_none() || prefix.trim_start().starts_with('-') {
                return Err(unsupported());
            }
            if !rest_is_comment(rest, syntax) {
                return Err(unsupported());
            }
        }
        Syntax::Json { .. } => {
            if json_key_prefix(prefix).is_none() || rest.trim() != "," {
                return Err(unsupported());
            }
        }
    }
    Ok(ByteEdit {
        range: whole_line,
        text: String::new(),
    })
}

/// Sets `entries` in the nested block `block` of the Terraform resource written at
/// `resource`: below the first attribute of the block when it is written (merged, aligned as
/// its run), else in a new block before the resource's closing brace.
fn add_to_block(
    text: &str,
    syntax: Syntax,
    resource: Range<usize>,
    block: &str,
    entries: &[(&str, String)],
) -> Result<Vec<ByteEdit>, String> {
    let by_hand = || format!("add `{block}` by hand");
    if syntax != Syntax::Hcl {
        return Err(format!(
            "adding a nested block is automated for Terraform's native syntax only: {}",
            by_hand()
        ));
    }
    let body = text.get(resource.clone()).ok_or_else(by_hand)?;
    let closing = resource.start + body.rfind('}').ok_or_else(by_hand)?;
    let (closing_start, _) = line_of(text, closing);
    let outer = text.get(closing_start..closing).ok_or_else(by_hand)?;
    if !outer.bytes().all(|b| b == b' ' || b == b'\t') || closing_start <= resource.start {
        return Err(by_hand());
    }
    let eol = if text
        .get(..closing_start)
        .is_some_and(|t| t.ends_with("\r\n"))
    {
        "\r\n"
    } else {
        "\n"
    };
    let inner = format!("{outer}  ");
    // The block written already (at the resource's first level): merged into.
    let mut at = resource.start;
    for line in body.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let trimmed = line.trim();
        if trimmed.contains(block) && trimmed.starts_with("dynamic") {
            return Err(format!(
                "`{block}` is generated by a `dynamic` block: {}",
                by_hand()
            ));
        }
        let opens = trimmed
            .strip_prefix(block)
            .is_some_and(|r| r.trim_start().starts_with('{'));
        if !opens
            || !line.starts_with(&inner)
            || line
                .get(inner.len()..)
                .is_some_and(|r| r.starts_with([' ', '\t']))
        {
            continue;
        }
        if trimmed.trim_end_matches(|c: char| c == '{' || c.is_whitespace()) != block {
            return Err(by_hand());
        }
        // The first attribute line of the block: the new entries go below it.
        let (_, first_end) = line_of(text, start);
        let next = first_end + 1;
        let (s, e) = line_of(text, next);
        let line = text.get(s..e).ok_or_else(by_hand)?;
        let eq = line.find('=').ok_or_else(by_hand)?;
        let value_start = s
            + eq
            + 1
            + (line.get(eq + 1..).unwrap_or_default().len()
                - line.get(eq + 1..).unwrap_or_default().trim_start().len());
        let value_end = s + line.trim_end().len();
        let value_end = text
            .get(value_start..value_end)
            .and_then(|v| v.find(" #").map(|i| value_start + i))
            .unwrap_or(value_end);
        return add_siblings(text, syntax, value_start..value_end, entries);
    }
    let mut inserted = String::new();
    let previous_blank = text
        .get(..closing_start)
        .and_then(|t| t.strip_suffix(eol))
        .is_some_and(|t| t.ends_with(eol) || t.ends_with('{'));
    if !previous_blank {
        inserted.push_str(eol);
    }
    inserted.push_str(&format!("{inner}{block} {{{eol}"));
    let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in entries {
        inserted.push_str(&format!("{inner}  {k:<width$} = {v}{eol}"));
    }
    inserted.push_str(&format!("{inner}}}{eol}"));
    Ok(vec![ByteEdit {
        range: closing_start..closing_start,
        text: inserted,
    }])
}

/// An HCL attribute line's head: indentation, name and the gap before `=`.
#[derive(Debug)]
struct HclHead {
    indent: String,
    name_len: usize,
    /// Bytes from the line start to the `=`.
    eq_at: usize,
}

/// `  name = ` (what precedes a value on its line) read as an attribute head.
fn hcl_attribute_head(prefix: &str) -> Option<HclHead> {
    let indent_len = prefix.len() - prefix.trim_start_matches([' ', '\t']).len();
    let indent = prefix.get(..indent_len)?;
    let after_indent = prefix.get(indent_len..)?;
    let name_len = after_indent
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        .count();
    if name_len == 0 || after_indent.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    let after_name = after_indent.get(name_len..)?;
    let gap = after_name.len() - after_name.trim_start_matches([' ', '\t']).len();
    let after_gap = after_name.get(gap..)?;
    let after_eq = after_gap.strip_prefix('=')?;
    if !after_eq.trim_matches([' ', '\t']).is_empty() {
        return None;
    }
    Some(HclHead {
        indent: indent.to_string(),
        name_len,
        eq_at: indent_len + name_len + gap,
    })
}

/// An attribute line of an alignment run: its head, and where the line starts.
struct RunLine {
    start: usize,
    head: HclHead,
}

/// A whole line as a single-line attribute of the run at `indent`: its head, when the value
/// stays on the line (a value opening a bracket or a heredoc ends the run, as in `terraform
/// fmt`).
fn hcl_run_line(line: &str, indent: &str) -> Option<HclHead> {
    let eq = line.find('=')?;
    let head = hcl_attribute_head(line.get(..=eq)?)?;
    if head.indent != indent || line.get(eq + 1..)?.starts_with('=') {
        return None;
    }
    let value = line.get(eq + 1..)?;
    let value = value.split(" #").next().unwrap_or(value).trim_end();
    if value.trim().is_empty()
        || value.ends_with(['{', '[', '('])
        || value.contains("<<")
        || value.contains("/*")
    {
        return None;
    }
    Some(head)
}

/// The lines of the alignment run around the line `[line_start, line_end)`.
fn hcl_run(text: &str, line_start: usize, line_end: usize, indent: &str) -> Vec<RunLine> {
    let mut run = Vec::new();
    // Upwards.
    let mut start = line_start;
    while start > 0 {
        let prev_end = start - 1;
        let (s, e) = line_of(text, prev_end);
        match text.get(s..e).and_then(|l| hcl_run_line(l, indent)) {
            Some(head) => run.push(RunLine { start: s, head }),
            None => break,
        }
        start = s;
    }
    run.reverse();
    if let Some(head) = text
        .get(line_start..line_end)
        .and_then(|l| hcl_run_line(l, indent))
    {
        run.push(RunLine {
            start: line_start,
            head,
        });
    }
    // Downwards.
    let mut end = line_end;
    while let Some(newline) = text.get(end..).and_then(|t| t.find('\n')) {
        let next = end + newline + 1;
        if next >= text.len() {
            break;
        }
        let (s, e) = line_of(text, next);
        match text.get(s..e).and_then(|l| hcl_run_line(l, indent)) {
            Some(head) => run.push(RunLine { start: s, head }),
            None => break,
        }
        end = e;
    }
    run
}

/// New attribute lines after the line `[line_start, line_end)` whose head is `head`, with the
/// run's `=` realigned when it was aligned as `terraform fmt` aligns it.
fn hcl_insert(
    text: &str,
    line_start: usize,
    line_end: usize,
    eol: &str,
    head: &HclHead,
    entries: &[(&str, String)],
) -> Vec<ByteEdit> {
    let run = hcl_run(text, line_start, line_end, &head.indent);
    let longest = run.iter().map(|l| l.head.name_len).max().unwrap_or(0);
    let aligned = !run.is_empty()
        && run
            .iter()
            .all(|l| l.head.eq_at == l.head.indent.len() + longest + 1);
    let mut edits = Vec::new();
    let new_longest = entries
        .iter()
        .map(|(k, _)| k.len())
        .max()
        .unwrap_or(0)
        .max(longest);
    let width = if aligned { new_longest } else { 0 };
    if aligned && new_longest > longest {
        for line in &run {
            let name_end = line.start + line.head.indent.len() + line.head.name_len;
            edits.push(ByteEdit {
                range: name_end..line.start + line.head.eq_at,
                text: " ".repeat(new_longest - line.head.name_len + 1),
            });
        }
    }
    let inserted: String = entries
        .iter()
        .map(|(k, v)| format!("{eol}{}{k:<width$} = {v}", head.indent))
        .collect();
    edits.push(ByteEdit {
        range: line_end..line_end,
        text: inserted,
    });
    edits
}

/// The column where the key of a YAML `Key: ` prefix starts (after a `- ` list marker).
fn yaml_key_column(prefix: &str) -> Option<usize> {
    let indent = prefix.len() - prefix.trim_start_matches(' ').len();
    let mut column = indent;
    let mut rest = prefix.get(indent..)?;
    if let Some(r) = rest.strip_prefix('-') {
        let spaces = r.len() - r.trim_start_matches(' ').len();
        if spaces == 0 {
            return None;
        }
        column += 1 + spaces;
        rest = r.get(spaces..)?;
    }
    let key_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let after = rest.get(key_len..)?.strip_prefix(':')?;
    (key_len > 0 && after.starts_with(' ') && after.trim().is_empty()).then_some(column)
}

/// The indentation of a JSON `"Key": ` prefix on its own line, or `None` (the value follows
/// something else on the line: a one-line object).
fn json_key_prefix(prefix: &str) -> Option<&str> {
    let indent_len = prefix.len() - prefix.trim_start_matches([' ', '\t']).len();
    let rest = prefix.get(indent_len..)?.strip_prefix('"')?;
    let close = rest.find('"')?;
    let after = rest.get(close + 1..)?.trim_start().strip_prefix(':')?;
    after
        .trim()
        .is_empty()
        .then(|| prefix.get(..indent_len))
        .flatten()
}

/// Edits accepted for one file, checked against each other.
#[derive(Debug, Default)]
pub struct FilePlan {
    pub edits: Vec<ByteEdit>,
}

impl FilePlan {
    /// Accepts one fix's edits unless one overlaps an edit already accepted (an identical
    /// edit, the same value fixed for two instances of one declaration, is accepted once).
    pub fn try_add(&mut self, edits: Vec<ByteEdit>) -> Result<(), String> {
        let mut fresh = Vec::new();
        for edit in edits {
            if self.edits.contains(&edit) || fresh.contains(&edit) {
                continue;
            }
            let clash = self.edits.iter().chain(&fresh).any(|other| {
                overlaps(&edit.range, &other.range)
                    || (edit.range.is_empty() && edit.range == other.range)
            });
            if clash {
                return Err("another fix edits the same place: run --fix again".to_string());
            }
            fresh.push(edit);
        }
        self.edits.extend(fresh);
        Ok(())
    }

    /// The text with every accepted edit applied.
    pub fn apply(&self, text: &str) -> String {
        let mut edits: Vec<&ByteEdit> = self.edits.iter().collect();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let mut out = String::with_capacity(text.len() + 64);
        let mut at = 0;
        for e in edits {
            out.push_str(text.get(at..e.range.start).unwrap_or_default());
            out.push_str(&e.text);
            at = e.range.end;
        }
        out.push_str(text.get(at..).unwrap_or_default());
        out
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Scalar;
    use crate::source::{FileId, Span};

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(FileId(0), start..start + needle.len())
    }

    fn fix(text: &str, syntax: Syntax, edits: &[Edit]) -> Result<String, String> {
        let mut plan = FilePlan::default();
        plan.try_add(render(text, syntax, edits)?)?;
        Ok(plan.apply(text))
    }

    fn replace_edit(text: &str, needle: &str, old: &str, new: &str) -> Edit {
        Edit::Replace {
            span: span_of(text, needle),
            old: old.into(),
            new: new.into(),
            via: Vec::new(),
        }
    }

    const THROUGHPUT: Key = Key {
        terraform: "throughput",
        cloudformation: "Throughput",
    };

    #[test]
    fn replace_keeps_the_quotes_and_the_comment() {
        let hcl = "  type = \"io1\" # fast\n";
        let e = replace_edit(hcl, "\"io1\"", "io1", "io2");
        assert_eq!(
            fix(hcl, Syntax::Hcl, &[e]).unwrap(),
            "  type = \"io2\" # fast\n"
        );
        for yaml in [
            "VolumeType: io1 # x\n",
            "VolumeType: 'io1'\n",
            "VolumeType: \"io1\"\n",
        ] {
            let needle = yaml
                .trim_start_matches("VolumeType: ")
                .split([' ', '\n'])
                .next()
                .unwrap();
            let e = replace_edit(yaml, needle, "io1", "io2");
            assert_eq!(
                fix(yaml, Syntax::Yaml, &[e]).unwrap(),
                yaml.replace("io1", "io2")
            );
        }
    }

    #[test]
    fn a_longer_value_keeps_the_comment_column() {
        let hcl = "  ami           = \"ami-1\"    # a\n  instance_type = \"m4.large\" # b\n  x             = \"m4.large\"   # c\n";
        let at = |needle: &str| {
            let start = hcl.find(needle).unwrap();
            Edit::Replace {
                span: Span::new(FileId(0), start..start + "\"m4.large\"".len()),
                old: "m4.large".into(),
                new: "m6i.large".into(),
                via: Vec::new(),
            }
        };
        let edits = [at("\"m4.large\" #"), at("\"m4.large\"   #")];
        assert_eq!(
            fix(hcl, Syntax::Hcl, &edits).unwrap(),
            "  ami           = \"ami-1\"    # a\n  instance_type = \"m6i.large\" # b\n  x             = \"m6i.large\"  # c\n"
        );
    }

    #[test]
    fn replace_refuses_what_is_not_the_literal() {
        let hcl = "  type = var.disk_type\n";
        let mut e = replace_edit(hcl, "var.disk_type", "io1", "io2");
        assert_eq!(
            fix(hcl, Syntax::Hcl, std::slice::from_ref(&e)).unwrap_err(),
            "`var.disk_type` is not written as the literal `io1`"
        );
        if let Edit::Replace { via, .. } = &mut e {
            via.push("variable `disk_type`".into());
        }
        assert!(fix(hcl, Syntax::Hcl, &[e])
            .unwrap_err()
            .starts_with("the value comes from variable `disk_type`"));
        let yaml = "VolumeType: !Ref DiskType\n";
        let e = replace_edit(yaml, "!Ref DiskType", "io1", "io2");
        assert!(fix(yaml, Syntax::Yaml, &[e]).is_err());
    }

    #[test]
    fn hcl_insertion_realigns_an_aligned_run() {
        let hcl = "resource \"aws_ebs_volume\" \"a\" {\n  size = 500\n  type = \"gp2\" # data\n\n  tags = {}\n}\n";
        let edits = [
            replace_edit(hcl, "\"gp2\"", "gp2", "gp3"),
            Edit::AddSiblings {
                after: span_of(hcl, "\"gp2\""),
                entries: vec![(THROUGHPUT, Scalar::Int(250))],
            },
        ];
        assert_eq!(
            fix(hcl, Syntax::Hcl, &edits).unwrap(),
            "resource \"aws_ebs_volume\" \"a\" {\n  size       = 500\n  type       = \"gp3\" # data\n  throughput = 250\n\n  tags = {}\n}\n"
        );
    }

    #[test]
    fn hcl_insertion_keeps_an_unaligned_run_as_it_was() {
        let hcl = "  availability_zone = \"a\"\n  type = \"gp2\"\n";
        let edits = [Edit::AddSiblings {
            after: span_of(hcl, "\"gp2\""),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        assert_eq!(
            fix(hcl, Syntax::Hcl, &edits).unwrap(),
            "  availability_zone = \"a\"\n  type = \"gp2\"\n  throughput = 250\n"
        );
    }

    #[test]
    fn yaml_and_json_insertions_follow_the_indentation() {
        let yaml = "      - DeviceName: /dev/sdf\n        Ebs:\n          VolumeType: gp2 # c\n          VolumeSize: 500\n";
        let edits = [Edit::AddSiblings {
            after: span_of(yaml, "gp2"),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        assert_eq!(
            fix(yaml, Syntax::Yaml, &edits).unwrap(),
            "      - DeviceName: /dev/sdf\n        Ebs:\n          VolumeType: gp2 # c\n          Throughput: 250\n          VolumeSize: 500\n"
        );
        let yaml = "- VolumeType: gp2\n";
        let edits = [Edit::AddSiblings {
            after: span_of(yaml, "gp2"),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        assert_eq!(
            fix(yaml, Syntax::Yaml, &edits).unwrap(),
            "- VolumeType: gp2\n  Throughput: 250\n"
        );
        let json = "{\n  \"VolumeType\": \"gp2\"\n}\n";
        let edits = [Edit::AddSiblings {
            after: span_of(json, "\"gp2\""),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        let out = fix(json, Syntax::Json { terraform: false }, &edits).unwrap();
        assert_eq!(
            out,
            "{\n  \"VolumeType\": \"gp2\",\n  \"Throughput\": 250\n}\n"
        );
        let json = "{\"VolumeType\": \"gp2\", \"Size\": 1}";
        let edits = [Edit::AddSiblings {
            after: span_of(json, "\"gp2\""),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        let out = fix(json, Syntax::Json { terraform: true }, &edits).unwrap();
        assert_eq!(
            out,
            "{\"VolumeType\": \"gp2\", \"throughput\": 250, \"Size\": 1}"
        );
    }

    #[test]
    fn removal_takes_the_line() {
        let hcl = "  size = 50\n  type = \"gp2\"\n  iops = 300 # x\n}\n";
        let e = [Edit::Remove {
            value: span_of(hcl, "300"),
        }];
        assert_eq!(
            fix(hcl, Syntax::Hcl, &e).unwrap(),
            "  size = 50\n  type = \"gp2\"\n}\n"
        );
        let hcl = "  type       = \"gp2\"\n  throughput = 300\n";
        let e = [Edit::Remove {
            value: span_of(hcl, "300"),
        }];
        assert!(
            fix(hcl, Syntax::Hcl, &e).is_err(),
            "the longest name sets the alignment"
        );
        let yaml = "P:\n  Iops: 300\n  VolumeType: gp2\n";
        let e = [Edit::Remove {
            value: span_of(yaml, "300"),
        }];
        assert_eq!(
            fix(yaml, Syntax::Yaml, &e).unwrap(),
            "P:\n  VolumeType: gp2\n"
        );
        let json = "{\n  \"Iops\": 300,\n  \"VolumeType\": \"gp2\"\n}";
        let e = [Edit::Remove {
            value: span_of(json, "300"),
        }];
        let out = fix(json, Syntax::Json { terraform: false }, &e).unwrap();
        assert_eq!(out, "{\n  \"VolumeType\": \"gp2\"\n}");
        let json = "{\n  \"VolumeType\": \"gp2\",\n  \"Iops\": 300\n}";
        let e = [Edit::Remove {
            value: span_of(json, "300"),
        }];
        assert!(fix(json, Syntax::Json { terraform: false }, &e).is_err());
    }

    #[test]
    fn a_block_is_added_or_merged_into() {
        const TOKENS: Key = Key {
            terraform: "http_tokens",
            cloudformation: "HttpTokens",
        };
        let entries = vec![(TOKENS, Scalar::Str("required"))];
        let hcl = "resource \"aws_instance\" \"a\" {\n  ami = \"ami-1\"\n}\n";
        let all = Span::new(FileId(0), 0..hcl.len() - 1);
        let e = [Edit::AddToBlock {
            resource: all,
            block: "metadata_options",
            entries: entries.clone(),
        }];
        assert_eq!(
            fix(hcl, Syntax::Hcl, &e).unwrap(),
            "resource \"aws_instance\" \"a\" {\n  ami = \"ami-1\"\n\n  metadata_options {\n    http_tokens = \"required\"\n  }\n}\n"
        );
        let hcl = "resource \"aws_instance\" \"a\" {\n  metadata_options {\n    http_endpoint = \"enabled\" # on\n  }\n}\n";
        let all = Span::new(FileId(0), 0..hcl.len() - 1);
        let e = [Edit::AddToBlock {
            resource: all,
            block: "metadata_options",
            entries: entries.clone(),
        }];
        assert_eq!(
            fix(hcl, Syntax::Hcl, &e).unwrap(),
            "resource \"aws_instance\" \"a\" {\n  metadata_options {\n    http_endpoint = \"enabled\" # on\n    http_tokens   = \"required\"\n  }\n}\n"
        );
        let yaml = "A:\n  B: 1\n";
        let all = Span::new(FileId(0), 0..yaml.len());
        let e = [Edit::AddToBlock {
            resource: all,
            block: "metadata_options",
            entries,
        }];
        assert!(fix(yaml, Syntax::Yaml, &e).is_err());
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        let hcl =
            "resource \"aws_ebs_volume\" \"a\" {\r\n  size = 500\r\n  type = \"gp2\"\r\n}\r\n";
        let edits = [Edit::AddSiblings {
            after: span_of(hcl, "\"gp2\""),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        assert_eq!(
            fix(hcl, Syntax::Hcl, &edits).unwrap(),
            "resource \"aws_ebs_volume\" \"a\" {\r\n  size       = 500\r\n  type       = \"gp2\"\r\n  throughput = 250\r\n}\r\n"
        );
        let yaml = "A:\r\n  VolumeType: gp2\r\n";
        let edits = [Edit::AddSiblings {
            after: span_of(yaml, "gp2"),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        assert_eq!(
            fix(yaml, Syntax::Yaml, &edits).unwrap(),
            "A:\r\n  VolumeType: gp2\r\n  Throughput: 250\r\n"
        );
    }

    #[test]
    fn insertion_refuses_a_value_sharing_its_line() {
        let hcl = "  root_block_device { volume_type = \"gp2\" }\n";
        let edits = [Edit::AddSiblings {
            after: span_of(hcl, "\"gp2\""),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        assert!(fix(hcl, Syntax::Hcl, &edits).is_err());
        let yaml = "Ebs: {VolumeType: gp2}\n";
        let edits = [Edit::AddSiblings {
            after: span_of(yaml, "gp2"),
            entries: vec![(THROUGHPUT, Scalar::Int(250))],
        }];
        assert!(fix(yaml, Syntax::Yaml, &edits).is_err());
    }

    #[test]
    fn overlapping_edits_are_deferred_and_identical_ones_merged() {
        let text = "type = \"gp2\"";
        let a = render(
            text,
            Syntax::Hcl,
            &[replace_edit(text, "\"gp2\"", "gp2", "gp3")],
        )
        .unwrap();
        let b = render(
            text,
            Syntax::Hcl,
            &[replace_edit(text, "\"gp2\"", "gp2", "io2")],
        )
        .unwrap();
        let mut plan = FilePlan::default();
        plan.try_add(a.clone()).unwrap();
        plan.try_add(a).unwrap();
        assert!(plan.try_add(b).is_err());
        assert_eq!(plan.apply(text), "type = \"gp3\"");
    }

    #[test]
    fn syntax_by_name_then_content() {
        assert_eq!(Syntax::of(Path::new("a.tf"), ""), Syntax::Hcl);
        assert_eq!(
            Syntax::of(Path::new("a.tf.json"), "{"),
            Syntax::Json { terraform: true }
        );
        assert_eq!(
            Syntax::of(Path::new("t.template"), "\u{feff} {"),
            Syntax::Json { terraform: false }
        );
        assert_eq!(Syntax::of(Path::new("t.yaml"), "Resources:"), Syntax::Yaml);
    }
}
