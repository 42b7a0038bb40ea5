//! Spans and text helpers of the YAML reader, and its wording of scanner errors.

use std::ops::Range;

use granit_parser::{ErrorKind, ScanError, Span};

use super::{Comment, YamlError};
/// Largest char boundary `<= i` (and `<= text.len()`).
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A valid range of `text`: within bounds, on char boundaries, `start <= end`.
pub(super) fn clamp_range(text: &str, start: usize, end: usize) -> Range<usize> {
    let start = floor_boundary(text, start);
    let end = floor_boundary(text, end).max(start);
    start..end
}

/// The one character at byte `pos` (empty range at the end of the text).
pub(super) fn char_range_at(text: &str, pos: usize) -> Range<usize> {
    let start = floor_boundary(text, pos);
    let len = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    start..start + len
}

/// `range`, or the character at its start when it is empty (a location to underline).
pub(super) fn non_empty(text: &str, range: Range<usize>) -> Range<usize> {
    if range.is_empty() {
        char_range_at(text, range.start)
    } else {
        range
    }
}

/// For an implicit empty node at `pos`: the end of the `:` right after it (empty mapping
/// value; granit places it right after the key) or of the `-`/`:`/`?` indicator right before
/// it (empty sequence item), on the same line.
pub(super) fn empty_node_indicator_end(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let mut j = pos;
    while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
        j += 1;
    }
    if bytes.get(j) == Some(&b':') {
        return Some(j + 1);
    }
    let mut i = pos;
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    match i.checked_sub(1).and_then(|k| bytes.get(k)) {
        Some(b'-' | b':' | b'?') => Some(i),
        _ => None,
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Span of a block scalar: from its `|`/`>` header (searched between `lower` and the content
/// start reported by granit) to the end of its content without trailing whitespace.
pub(super) fn block_scalar_range(text: &str, lower: usize, raw: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let content_start = raw.start;
    let mut header: Option<Range<usize>> = None;
    // The header precedes the content; granit reports an empty scalar's span starting at the
    // header itself, so the byte at `content_start` is examined too.
    let scan_end = content_start.saturating_add(1).min(bytes.len());
    let mut j = lower.min(scan_end);
    let mut prev_ws = j == 0 || bytes.get(j - 1).is_none_or(|&b| is_ws(b));
    while j < scan_end {
        let c = bytes[j];
        if prev_ws && c == b'#' {
            // A comment: skip to the line end.
            while j < scan_end && bytes[j] != b'\n' {
                j += 1;
            }
            continue;
        }
        if prev_ws && c == b'&' {
            // An anchor token: skip it.
            while j < scan_end && !is_ws(bytes[j]) {
                j += 1;
            }
            prev_ws = false;
            continue;
        }
        if prev_ws && (c == b'|' || c == b'>') {
            let mut e = j + 1;
            while e < bytes.len() && e < j + 3 && matches!(bytes[e], b'0'..=b'9' | b'+' | b'-') {
                e += 1;
            }
            header = Some(j..e);
            break;
        }
        prev_ws = is_ws(c);
        j += 1;
    }
    // Content without trailing whitespace (never before the content start).
    let mut end = raw.end.min(bytes.len());
    while end > content_start && is_ws(bytes[end - 1]) {
        end -= 1;
    }
    match header {
        Some(h) => {
            let content_end = if end > content_start && end > h.end {
                end
            } else {
                h.end
            };
            clamp_range(text, h.start, content_end)
        }
        None => clamp_range(text, content_start, end),
    }
}

/// Tag name as described on [`Tag::name`].
pub(super) fn tag_name(tag: &granit_parser::Tag) -> String {
    let (handle, suffix) = tag.parts();
    if handle == "!" {
        return suffix.to_owned();
    }
    if handle.is_empty() {
        // Verbatim `!<!Ref>` is the local tag `!Ref`; `!<tag:x>` stays `tag:x`; the
        // non-specific tag `!` has suffix "!".
        if let Some(local) = suffix.strip_prefix('!') {
            if !local.is_empty() {
                return local.to_owned();
            }
        }
        return suffix.to_owned();
    }
    let mut name = String::with_capacity(handle.len() + suffix.len());
    name.push_str(handle);
    name.push_str(suffix);
    name
}

pub(super) fn make_comment(text: &str, body: &str, span: &Span) -> Comment {
    let mut range = match span.byte_range() {
        Some(r) => clamp_range(text, r.start, r.end),
        None => 0..0,
    };
    let mut body = body;
    if let Some(stripped) = body.strip_suffix('\r') {
        body = stripped;
        if text.as_bytes().get(range.end.wrapping_sub(1)) == Some(&b'\r') && range.end > range.start
        {
            range.end -= 1;
        }
    }
    Comment {
        text: body.to_owned(),
        span: range,
    }
}

// ---------------------------------------------------------------------------------------------
// Scanner / parser errors

const DOUBLE_TAG_HINT: &str = "CloudFormation does not allow a short-form tag directly after another (e.g. `!ImportValue !Sub`); use the long form `Fn::ImportValue: !Sub ...`";

pub(super) fn scan_error(text: &str, err: &ScanError, max_depth: usize) -> YamlError {
    let marker = err.marker();
    let pos = match marker.byte_offset() {
        Some(p) => p,
        // Not expected for string input: convert the char index.
        None => text
            .char_indices()
            .nth(marker.index())
            .map_or(text.len(), |(i, _)| i),
    };
    let span = char_range_at(text, pos);
    let mut message = if matches!(err.kind(), ErrorKind::RecursionLimitExceeded) {
        format!("nesting deeper than {max_depth} levels")
    } else {
        let info = err.info();
        if info.is_empty() {
            "invalid YAML".to_owned()
        } else {
            info
        }
    };
    if has_consecutive_tags(text, span.start) {
        message.push_str(". ");
        message.push_str(DOUBLE_TAG_HINT);
    }
    YamlError::new(message, span)
}

/// Whether the text around `pos` (two lines before it up to the end of its line, bounded)
/// contains two whitespace-separated tag tokens in a row, like `!ImportValue !Sub`.
fn has_consecutive_tags(text: &str, pos: usize) -> bool {
    const BEFORE: usize = 400;
    const AFTER: usize = 200;
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let mut start = pos;
    let mut newlines = 0;
    while start > 0 && pos - start < BEFORE {
        if bytes[start - 1] == b'\n' {
            newlines += 1;
            if newlines > 2 {
                break;
            }
        }
        start -= 1;
    }
    let mut end = pos;
    while end < bytes.len() && end - pos < AFTER && bytes[end] != b'\n' {
        end += 1;
    }
    let window = &bytes[start..end];
    let is_tag = |token: &[u8]| {
        let token = match token.iter().position(|&b| b != b'[' && b != b'{') {
            Some(i) => &token[i..],
            None => return false,
        };
        token.len() >= 2
            && token[0] == b'!'
            && token[1..].iter().all(|&b| {
                b.is_ascii_alphanumeric() || matches!(b, b'!' | b':' | b'_' | b'.' | b'-')
            })
    };
    let mut prev_was_tag = false;
    for token in window.split(|&b| is_ws(b)).filter(|t| !t.is_empty()) {
        if matches!(token.first(), Some(b'[' | b'{')) {
            // A new flow collection starts: `!Join [!Ref X, ...]` is fine.
            prev_was_tag = false;
        }
        let tag = is_tag(token);
        if tag && prev_was_tag {
            return true;
        }
        prev_was_tag = tag;
    }
    false
}
