//! A small, panic-free YAML 1.2 tree builder with byte spans for every node.
//!
//! Used to read CloudFormation templates, both YAML and JSON (JSON is YAML 1.2, so the same
//! [`parse`] function handles it). The tree keeps YAML tags (CloudFormation short forms such as
//! `!Ref X` or `!GetAtt A.B`) and collects comments. All spans are UTF-8 byte ranges into the
//! exact text that was passed in, so `&text[node.span.clone()]` is the node's source.
//!
//! Built on the event stream of `granit-parser`:
//! - the whole stream is read: a syntax error anywhere is an error, also after the first
//!   document (a template whose first line is indented by one space ends its first document
//!   there, and the next line is an error: "did not find expected <document start>", as in
//!   PyYAML and cfn-lint). [`parse_stream`] gives every document (anchors do not cross
//!   documents); [`parse`] accepts exactly one, as PyYAML's `safe_load` does;
//! - aliases are expanded by cloning the anchored node; the clone keeps the anchored node's
//!   spans (including its root span), so spans of expanded aliases point at the anchor;
//! - merge keys (`<<: *base`, `<<: [*a, *b]`) are applied; explicit keys win, and among merge
//!   sources the earlier one wins;
//! - duplicate keys in one mapping are an error (CloudFormation rejects them);
//! - resource use is bounded by [`Limits`] (nesting depth and total node count, including alias
//!   clones), so alias bombs and deeply nested input fail fast with an error.

use std::fmt;
use std::ops::Range;

use granit_parser::{Options, Parser};

mod builder;
#[cfg(test)]
mod tests;
mod text;

use builder::{read_events, Builder};
use text::non_empty;

/// Hard cap for [`Limits::max_depth`]. The tree types use derived (recursive) `Clone`, `Drop`,
/// `PartialEq` and `Debug`, so nesting must stay bounded to keep those stack-safe on small
/// (e.g. 2 MiB worker) thread stacks.
pub const HARD_MAX_DEPTH: usize = 1024;

/// A YAML tag attached to a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// `"Ref"` for `!Ref`; for other handles the resolved tag, e.g. `"tag:yaml.org,2002:str"`
    /// for `!!str`, `"tag:foo"` for `!<tag:foo>`, `"!"` for the non-specific tag `!`.
    pub name: String,
    /// Byte span of the tag token itself (e.g. `!Ref`).
    pub span: Range<usize>,
}

/// The content of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar. `plain` is true for unquoted plain scalars (including empty/implicit nulls),
    /// false for quoted and block (`|`, `>`) scalars.
    Scalar {
        /// The scalar value after escape processing and folding (`""` for an empty value).
        text: String,
        /// True for an unquoted plain scalar.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping: key node, value node, in source order.
    Map(Vec<(Node, Node)>),
}

/// A YAML node with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte span of the whole node. For tagged nodes it starts at the tag token. Block
    /// collections end at their last child's end; block scalars cover the `|`/`>` header and
    /// their content without trailing blank lines.
    pub span: Range<usize>,
    /// The node's tag, if any.
    pub tag: Option<Tag>,
    /// The node's content.
    pub kind: NodeKind,
}

impl Node {
    /// A null plain scalar (empty text, no tag) at `span`.
    pub fn null(span: Range<usize>) -> Node {
        Node {
            span,
            tag: None,
            kind: NodeKind::Scalar {
                text: String::new(),
                plain: true,
            },
        }
    }

    /// Scalar text for any scalar (plain or not).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for an untagged plain scalar `""`, `"~"`, `"null"`, `"Null"` or `"NULL"`.
    pub fn is_null(&self) -> bool {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } if self.tag.is_none() => {
                matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// Mapping lookup by scalar key text (first match). `None` if not a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Mapping entries; empty if not a mapping.
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// Sequence items; empty if not a sequence.
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    /// The tag name (e.g. `"Ref"`), if tagged.
    pub fn tag_name(&self) -> Option<&str> {
        self.tag.as_ref().map(|t| t.name.as_str())
    }

    /// True for a scalar.
    pub fn is_scalar(&self) -> bool {
        matches!(self.kind, NodeKind::Scalar { .. })
    }

    /// True for a sequence.
    pub fn is_seq(&self) -> bool {
        matches!(self.kind, NodeKind::Seq(_))
    }

    /// True for a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map(_))
    }
}

/// A source comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Comment text without the leading `#` (and without a trailing `\r`).
    pub text: String,
    /// Byte span of the whole comment, including `#`, excluding the line break.
    pub span: Range<usize>,
}

/// A parsed single-document YAML stream (see [`parse`]).
#[derive(Debug, Clone, PartialEq)]
pub struct YamlDoc {
    /// The root node; a null plain scalar with span `0..0` for empty input.
    pub root: Node,
    /// All comments of the stream, in source order (also those of an empty stream).
    pub comments: Vec<Comment>,
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Where the document starts: its `---` marker, or (a bare document) an empty range at
    /// its first token.
    pub start: Range<usize>,
    /// The root node (a null plain scalar for an empty document).
    pub root: Node,
}

/// A parsed YAML stream: every document, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlStream {
    /// The documents; empty for a stream of only comments and blank lines.
    pub documents: Vec<Document>,
    /// All comments of the stream, in source order.
    pub comments: Vec<Comment>,
}

/// A stream that failed to parse: the error, and the documents completed before it (whether
/// one of them is a CloudFormation template decides if the error is worth reporting).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamError {
    /// The first error.
    pub error: YamlError,
    /// The documents that ended before the error, in order.
    pub complete: Vec<Document>,
}

/// A YAML syntax or structure error.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    /// Human-readable message.
    pub message: String,
    /// Byte span of the error location (within text bounds, on char boundaries).
    pub span: Range<usize>,
    /// Related locations, e.g. `("first defined here", span)` for duplicate keys.
    pub related: Vec<(String, Range<usize>)>,
}

impl YamlError {
    /// An error with no related locations.
    pub fn new(message: impl Into<String>, span: Range<usize>) -> YamlError {
        YamlError {
            message: message.into(),
            span,
            related: Vec::new(),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// Resource limits for [`parse_with_limits`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum number of nested collections (a flat mapping has depth 1). Capped at
    /// [`HARD_MAX_DEPTH`].
    pub max_depth: usize,
    /// Maximum number of nodes created, including alias expansions and anchor bookkeeping.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes: 2_000_000,
        }
    }
}

/// Parse a single-document YAML (or JSON) stream with [`Limits::default`].
///
/// # Errors
/// See [`parse_with_limits`].
pub fn parse(text: &str) -> Result<YamlDoc, YamlError> {
    parse_with_limits(text, Limits::default())
}

/// Parse a single-document YAML (or JSON) stream: the whole text, which must hold at most one
/// document (like PyYAML's `safe_load`, which CloudFormation tools use).
///
/// # Errors
/// A [`YamlError`] for syntax errors anywhere in the text, a second document (at its start),
/// duplicate keys, unknown or recursive aliases, invalid merge values, and exceeded [`Limits`].
pub fn parse_with_limits(text: &str, limits: Limits) -> Result<YamlDoc, YamlError> {
    let stream = parse_stream_with_limits(text, limits).map_err(|e| e.error)?;
    let mut documents = stream.documents.into_iter();
    let root = documents
        .next()
        .map_or_else(|| Node::null(0..0), |d| d.root);
    if let Some(second) = documents.next() {
        return Err(YamlError::new(
            "expected a single YAML document, but another document starts here",
            non_empty(text, second.start),
        ));
    }
    Ok(YamlDoc {
        root,
        comments: stream.comments,
    })
}

/// Parse a YAML (or JSON) stream with [`Limits::default`]: every document.
///
/// # Errors
/// See [`parse_stream_with_limits`].
pub fn parse_stream(text: &str) -> Result<YamlStream, StreamError> {
    parse_stream_with_limits(text, Limits::default())
}

/// Parse a YAML (or JSON) stream: every document. [`Limits`] bound the whole stream (the node
/// count is over all documents).
///
/// # Errors
/// A [`StreamError`] for the first syntax error, duplicate key, unknown or recursive alias,
/// invalid merge value, or exceeded limit, with the documents completed before it.
pub fn parse_stream_with_limits(text: &str, limits: Limits) -> Result<YamlStream, StreamError> {
    let max_depth = limits.max_depth.min(HARD_MAX_DEPTH);
    let mut options = Options::default();
    options.emit_comments = true;
    // Report unknown aliases ourselves, with the alias span and name.
    options.emit_unresolved_aliases = true;
    // Comment buffering is linear in the input; the default (96) rejects templates with long
    // commented-out blocks in some positions.
    options.max_buffered_comment_events = usize::MAX;
    // Let our own depth check fire first (granit's scanner may still trip first on long runs of
    // `[`; that error is reworded below).
    options.flow_nesting_limit = max_depth.saturating_add(1);
    options.block_nesting_limit = max_depth.saturating_add(1);

    let parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder::new(text, max_depth, limits.max_nodes);
    let mut comments: Vec<Comment> = Vec::new();
    let mut documents: Vec<Document> = Vec::new();
    let read = read_events(parser, &mut b, max_depth, &mut comments, &mut documents);
    if let Err(error) = read {
        return Err(StreamError {
            error,
            complete: documents,
        });
    }
    comments.sort_by_key(|c| c.span.start);
    Ok(YamlStream {
        documents,
        comments,
    })
}
