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

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use granit_parser::{
    ErrorKind, Event, Options, Parser, ScalarStyle, ScanError, Span, StrInput, StructureStyle,
};

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
    let mut b = Builder {
        text,
        max_depth,
        max_nodes: limits.max_nodes,
        frames: Vec::new(),
        anchors: HashMap::new(),
        total_nodes: 0,
        tree_nodes: 0,
        root: None,
        last_end: 0,
    };
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

/// Feeds every event of the stream to the builder; each finished document goes to
/// `documents`.
fn read_events<'t>(
    parser: Parser<'t, StrInput<'t>>,
    b: &mut Builder<'t>,
    max_depth: usize,
    comments: &mut Vec<Comment>,
    documents: &mut Vec<Document>,
) -> Result<(), YamlError> {
    let text = b.text;
    let mut doc_start: Option<Range<usize>> = None;
    for item in parser {
        let (event, span) = item.map_err(|err| scan_error(text, &err, max_depth))?;
        match event {
            Event::Comment(body, _) => comments.push(make_comment(text, &body, &span)),
            Event::StreamStart => {}
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                let start = b.range(&span);
                b.last_end = start.end;
                // Anchors do not cross documents.
                b.anchors.clear();
                doc_start = Some(start);
            }
            Event::DocumentEnd => {
                let start = doc_start.take().unwrap_or(b.last_end..b.last_end);
                let root = b
                    .root
                    .take()
                    .unwrap_or_else(|| Node::null(start.end..start.end));
                documents.push(Document { start, root });
            }
            Event::Scalar(value, style, anchor, tag) => {
                b.scalar(value.into_owned(), style, anchor, tag.as_deref(), &span)?;
            }
            Event::SequenceStart(style, anchor, tag) => {
                b.open(false, style, anchor, tag.as_deref(), &span)?;
            }
            Event::MappingStart(style, anchor, tag) => {
                b.open(true, style, anchor, tag.as_deref(), &span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => b.close(&span)?,
            Event::Alias(id) => b.alias(id, &span)?,
            Event::UnresolvedAlias(name) => {
                let r = b.range(&span);
                return Err(YamlError::new(
                    format!("unknown alias `*{name}`: no anchor `&{name}` is defined before it"),
                    r,
                ));
            }
            // Anchor metadata events are not requested; ignore anything newer.
            _ => {}
        }
    }
    if !b.frames.is_empty() {
        let end = text.len();
        return Err(YamlError::new("unexpected end of YAML input", end..end));
    }
    if let Some(root) = b.root.take() {
        // Not produced by granit (every document ends with an event): keep the content.
        let start = doc_start.unwrap_or(root.span.start..root.span.start);
        documents.push(Document { start, root });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Builder

/// An anchored node kept for alias expansion, with its precomputed size and height.
struct Anchored {
    node: Node,
    /// Number of nodes in the subtree (an upper bound; merges may remove a few).
    count: usize,
    /// Number of nested collection levels in the subtree (0 for a scalar).
    height: usize,
}

enum Container {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// An open collection.
struct Frame {
    container: Container,
    tag: Option<Tag>,
    anchor: usize,
    flow: bool,
    /// Smallest source start of the collection and its children.
    start: usize,
    /// Largest source end of the start event and the children.
    end: usize,
    /// `tree_nodes` before this collection was counted.
    nodes_at_open: usize,
    /// Largest child height.
    child_height: usize,
}

/// A finished node on its way to its parent.
struct Built {
    node: Node,
    /// Where this node occurs in the source (for clones: the alias token).
    source: Range<usize>,
    height: usize,
}

struct Builder<'t> {
    text: &'t str,
    max_depth: usize,
    max_nodes: usize,
    frames: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    /// Every node created: tree nodes, alias clones, and anchor-table copies.
    total_nodes: usize,
    /// Nodes placed in the tree (including alias clones).
    tree_nodes: usize,
    root: Option<Node>,
    /// End of the last token-like event; lower bound when looking for a block scalar header.
    last_end: usize,
}

impl Builder<'_> {
    /// Byte range of a granit span, clamped to the text and to char boundaries.
    fn range(&self, span: &Span) -> Range<usize> {
        match span.byte_range() {
            Some(r) => clamp_range(self.text, r.start, r.end),
            None => self.last_end..self.last_end,
        }
    }

    fn tag(&self, tag: Option<&granit_parser::Tag>, span: &Span, node_start: usize) -> Option<Tag> {
        let tag = tag?;
        let range = match span.tag_span().and_then(|t| t.byte_range()) {
            Some(r) => clamp_range(self.text, r.start, r.end),
            None => {
                let start = span
                    .tag_start()
                    .and_then(|m| m.byte_offset())
                    .unwrap_or(node_start);
                clamp_range(self.text, start, start)
            }
        };
        Some(Tag {
            name: tag_name(tag),
            span: range,
        })
    }

    fn charge(&mut self, n: usize, at: &Range<usize>) -> Result<(), YamlError> {
        match self.total_nodes.checked_add(n) {
            Some(total) if total <= self.max_nodes => {
                self.total_nodes = total;
                Ok(())
            }
            _ => Err(YamlError::new(
                format!("YAML document exceeds {} nodes", self.max_nodes),
                at.clone(),
            )),
        }
    }

    fn scalar(
        &mut self,
        value: String,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&granit_parser::Tag>,
        span: &Span,
    ) -> Result<(), YamlError> {
        let raw = self.range(span);
        let tag = self.tag(tag, span, raw.start);
        let plain = style == ScalarStyle::Plain;
        let mut range = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let lower = tag.as_ref().map_or(self.last_end, |t| t.span.end);
                block_scalar_range(self.text, lower, raw.clone())
            }
            _ => raw.clone(),
        };
        if let Some(t) = &tag {
            range.start = range.start.min(t.span.start);
            range.end = range.end.max(t.span.end);
        }
        // granit reports implicit empty values as "~" with an empty span.
        let text = if plain && raw.is_empty() && value == "~" {
            String::new()
        } else {
            value
        };
        self.charge(1, &range)?;
        self.tree_nodes += 1;
        self.last_end = self.last_end.max(raw.end).max(range.end);
        let node = Node {
            span: range.clone(),
            tag,
            kind: NodeKind::Scalar { text, plain },
        };
        if anchor != 0 {
            self.charge(1, &range)?;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    count: 1,
                    height: 0,
                },
            );
        }
        self.push(Built {
            node,
            source: range,
            height: 0,
        });
        Ok(())
    }

    fn open(
        &mut self,
        is_map: bool,
        style: StructureStyle,
        anchor: usize,
        tag: Option<&granit_parser::Tag>,
        span: &Span,
    ) -> Result<(), YamlError> {
        let raw = self.range(span);
        let tag = self.tag(tag, span, raw.start);
        let start = tag
            .as_ref()
            .map_or(raw.start, |t| t.span.start.min(raw.start));
        if self.frames.len() >= self.max_depth {
            let at = tag.as_ref().map_or(raw.clone(), |t| t.span.clone());
            let at = if at.is_empty() {
                char_range_at(self.text, at.start)
            } else {
                at
            };
            return Err(YamlError::new(
                format!("nesting deeper than {} levels", self.max_depth),
                at,
            ));
        }
        self.charge(1, &(start..raw.end))?;
        let nodes_at_open = self.tree_nodes;
        self.tree_nodes += 1;
        self.last_end = self.last_end.max(raw.end);
        self.frames.push(Frame {
            container: if is_map {
                Container::Map {
                    entries: Vec::new(),
                    key: None,
                }
            } else {
                Container::Seq(Vec::new())
            },
            tag,
            anchor,
            flow: style == StructureStyle::Flow,
            start,
            end: raw.end.max(start),
            nodes_at_open,
            child_height: 0,
        });
        Ok(())
    }

    fn close(&mut self, span: &Span) -> Result<(), YamlError> {
        let raw = self.range(span);
        let Some(frame) = self.frames.pop() else {
            return Err(YamlError::new("unbalanced end of YAML collection", raw));
        };
        let mut end = frame.end;
        if frame.flow {
            // The closing bracket; block end events may run past content, so they are ignored.
            end = end.max(raw.end);
            self.last_end = self.last_end.max(raw.end);
        }
        let range = frame.start..end;
        let kind = match frame.container {
            Container::Seq(items) => NodeKind::Seq(items),
            Container::Map { mut entries, key } => {
                if let Some(key) = key {
                    // Not produced by granit; keep the key with a null value.
                    let at = key.span.end;
                    entries.push((key, Node::null(at..at)));
                }
                NodeKind::Map(finish_map(entries)?)
            }
        };
        let node = Node {
            span: range.clone(),
            tag: frame.tag,
            kind,
        };
        let height = frame.child_height + 1;
        if frame.anchor != 0 {
            let count = self.tree_nodes.saturating_sub(frame.nodes_at_open).max(1);
            self.charge(count, &range)?;
            self.anchors.insert(
                frame.anchor,
                Anchored {
                    node: node.clone(),
                    count,
                    height,
                },
            );
        }
        self.push(Built {
            node,
            source: range,
            height,
        });
        Ok(())
    }

    fn alias(&mut self, id: usize, span: &Span) -> Result<(), YamlError> {
        let at = self.range(span);
        self.last_end = self.last_end.max(at.end);
        let Some(anchored) = self.anchors.get(&id) else {
            let name = self.text.get(at.clone()).unwrap_or("*");
            let message = if self.frames.iter().any(|f| f.anchor == id) {
                format!("recursive alias `{name}`: it refers to a collection that contains it")
            } else {
                format!("unknown alias `{name}`")
            };
            return Err(YamlError::new(message, at));
        };
        let (count, height) = (anchored.count, anchored.height);
        if self.total_nodes.saturating_add(count) > self.max_nodes {
            return Err(YamlError::new(
                format!(
                    "YAML alias expansion exceeds {} nodes (alias bomb?)",
                    self.max_nodes
                ),
                at,
            ));
        }
        if self.frames.len().saturating_add(height) > self.max_depth {
            return Err(YamlError::new(
                format!("nesting deeper than {} levels", self.max_depth),
                at,
            ));
        }
        let node = anchored.node.clone();
        self.total_nodes += count;
        self.tree_nodes = self.tree_nodes.saturating_add(count);
        self.push(Built {
            node,
            source: at,
            height,
        });
        Ok(())
    }

    fn push(&mut self, built: Built) {
        let Some(frame) = self.frames.last_mut() else {
            if self.root.is_none() {
                self.root = Some(built.node);
            }
            return;
        };
        if built.source.is_empty() {
            // Implicit empty nodes (e.g. a missing value) carry no content, and granit may put
            // them past the real content (even at EOF); only the indicator next to them (`-` of
            // an empty item, `:` after a key with no value) widens the parent.
            if let Some(end) = empty_node_indicator_end(self.text, built.source.start) {
                frame.end = frame.end.max(end);
            }
        } else {
            frame.start = frame.start.min(built.source.start);
            frame.end = frame.end.max(built.source.end);
        }
        frame.child_height = frame.child_height.max(built.height);
        match &mut frame.container {
            Container::Seq(items) => items.push(built.node),
            Container::Map { entries, key } => match key.take() {
                Some(k) => entries.push((k, built.node)),
                None => *key = Some(built.node),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mappings: duplicate keys and merge keys

fn is_merge_key(key: &Node) -> bool {
    key.tag.is_none() && matches!(&key.kind, NodeKind::Scalar { text, plain: true } if text == "<<")
}

fn duplicate_error(key: &str, second: &Node, first: &Node) -> YamlError {
    YamlError {
        message: format!("duplicate key `{key}`"),
        span: second.span.clone(),
        related: vec![("first defined here".to_owned(), first.span.clone())],
    }
}

fn check_duplicates(entries: &[(Node, Node)]) -> Result<(), YamlError> {
    if entries.len() <= 8 {
        for (i, (key, _)) in entries.iter().enumerate() {
            let Some(text) = key.as_str() else { continue };
            if let Some((first, _)) = entries[..i].iter().find(|(k, _)| k.as_str() == Some(text)) {
                return Err(duplicate_error(text, key, first));
            }
        }
        return Ok(());
    }
    let mut seen: HashMap<&str, &Node> = HashMap::with_capacity(entries.len());
    for (key, _) in entries {
        let Some(text) = key.as_str() else { continue };
        if let Some(first) = seen.insert(text, key) {
            return Err(duplicate_error(text, key, first));
        }
    }
    Ok(())
}

fn finish_map(entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, YamlError> {
    check_duplicates(&entries)?;
    if !entries.iter().any(|(k, _)| is_merge_key(k)) {
        return Ok(entries);
    }
    let explicit: HashSet<String> = entries
        .iter()
        .filter(|(k, _)| !is_merge_key(k))
        .filter_map(|(k, _)| k.as_str().map(str::to_owned))
        .collect();
    let mut merged: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        if !is_merge_key(&key) {
            out.push((key, value));
            continue;
        }
        let value_span = value.span.clone();
        let sources = match value.kind {
            NodeKind::Map(_) => vec![value],
            NodeKind::Seq(items) => items,
            NodeKind::Scalar { .. } => return Err(merge_error(value_span)),
        };
        for source in sources {
            let NodeKind::Map(source_entries) = source.kind else {
                return Err(merge_error(source.span));
            };
            for (k, v) in source_entries {
                if let Some(text) = k.as_str() {
                    if explicit.contains(text) || merged.contains(text) {
                        continue;
                    }
                    merged.insert(text.to_owned());
                }
                out.push((k, v));
            }
        }
    }
    Ok(out)
}

fn merge_error(span: Range<usize>) -> YamlError {
    YamlError::new(
        "merge key `<<` needs a mapping or a sequence of mappings as its value",
        span,
    )
}

// ---------------------------------------------------------------------------------------------
// Spans and text helpers

/// Largest char boundary `<= i` (and `<= text.len()`).
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A valid range of `text`: within bounds, on char boundaries, `start <= end`.
fn clamp_range(text: &str, start: usize, end: usize) -> Range<usize> {
    let start = floor_boundary(text, start);
    let end = floor_boundary(text, end).max(start);
    start..end
}

/// The one character at byte `pos` (empty range at the end of the text).
fn char_range_at(text: &str, pos: usize) -> Range<usize> {
    let start = floor_boundary(text, pos);
    let len = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    start..start + len
}

/// `range`, or the character at its start when it is empty (a location to underline).
fn non_empty(text: &str, range: Range<usize>) -> Range<usize> {
    if range.is_empty() {
        char_range_at(text, range.start)
    } else {
        range
    }
}

/// For an implicit empty node at `pos`: the end of the `:` right after it (empty mapping
/// value; granit places it right after the key) or of the `-`/`:`/`?` indicator right before
/// it (empty sequence item), on the same line.
fn empty_node_indicator_end(text: &str, pos: usize) -> Option<usize> {
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
fn block_scalar_range(text: &str, lower: usize, raw: Range<usize>) -> Range<usize> {
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
fn tag_name(tag: &granit_parser::Tag) -> String {
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

fn make_comment(text: &str, body: &str, span: &Span) -> Comment {
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

fn scan_error(text: &str, err: &ScanError, max_depth: usize) -> YamlError {
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

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn src<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.span.clone()]
    }

    fn scalar(node: &Node) -> (&str, bool) {
        match &node.kind {
            NodeKind::Scalar { text, plain } => (text.as_str(), *plain),
            other => panic!("expected scalar, got {other:?}"),
        }
    }

    fn err(text: &str) -> YamlError {
        match parse(text) {
            Ok(doc) => panic!("expected an error for {text:?}, got {doc:?}"),
            Err(e) => e,
        }
    }

    fn ok(text: &str) -> YamlDoc {
        match parse(text) {
            Ok(doc) => doc,
            Err(e) => panic!("unexpected error for {text:?}: {e:?}"),
        }
    }

    #[test]
    fn scalar_map_seq_spans() {
        let text = "a: 1\nb:\n  - x\n  - 'y z'\n  - \"q\"\nc: {d: e, f: [1, 2]}\n\n# trailing\n\n";
        let doc = ok(text);
        let root = &doc.root;
        assert_eq!(
            src(text, root),
            "a: 1\nb:\n  - x\n  - 'y z'\n  - \"q\"\nc: {d: e, f: [1, 2]}"
        );
        let entries = root.entries();
        assert_eq!(entries.len(), 3);
        assert_eq!(src(text, &entries[0].0), "a");
        assert_eq!(src(text, &entries[0].1), "1");
        assert_eq!(scalar(&entries[0].1), ("1", true));
        let b = root.get("b").unwrap();
        assert_eq!(src(text, b), "- x\n  - 'y z'\n  - \"q\"");
        assert_eq!(b.items().len(), 3);
        assert_eq!(scalar(&b.items()[1]), ("y z", false));
        assert_eq!(src(text, &b.items()[1]), "'y z'");
        assert_eq!(scalar(&b.items()[2]), ("q", false));
        let c = root.get("c").unwrap();
        assert_eq!(src(text, c), "{d: e, f: [1, 2]}");
        assert_eq!(src(text, c.get("f").unwrap()), "[1, 2]");
        assert_eq!(c.get("f").unwrap().items()[1].as_str(), Some("2"));
        assert!(root.get("zzz").is_none());
        assert!(root.items().is_empty());
        assert!(b.entries().is_empty());
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.comments[0].text, " trailing");
        assert_eq!(&text[doc.comments[0].span.clone()], "# trailing");
    }

    #[test]
    fn nested_block_collections_end_at_last_child() {
        let text = "Resources:\n  A:\n    Type: X\n    Properties:\n      - 1\n      - 2\n\n\n# c\n  # d\nOutputs: {}\n";
        let doc = ok(text);
        let res = doc.root.get("Resources").unwrap();
        assert_eq!(
            src(text, res),
            "A:\n    Type: X\n    Properties:\n      - 1\n      - 2"
        );
        let props = res.get("A").unwrap().get("Properties").unwrap();
        assert_eq!(src(text, props), "- 1\n      - 2");
        assert_eq!(src(text, &doc.root), &text[..text.len() - 1]);
        assert_eq!(
            doc.comments
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>(),
            [" c", " d"]
        );
    }

    #[test]
    fn empty_values_at_the_end_of_block_collections() {
        let text = "a:\n  - \n  -\n\n# c\n";
        let doc = ok(text);
        let a = doc.root.get("a").unwrap();
        assert_eq!(src(text, a), "- \n  -");
        assert_eq!(a.items().len(), 2);
        assert!(a.items().iter().all(Node::is_null));
        assert_eq!(src(text, &doc.root), "a:\n  - \n  -");

        let text = "a:\n  b:\n  c:   \n\nd:\n";
        let doc = ok(text);
        assert_eq!(src(text, doc.root.get("a").unwrap()), "b:\n  c:");
        assert_eq!(src(text, &doc.root), "a:\n  b:\n  c:   \n\nd:");

        let text = "? [c]\n\n";
        let doc = ok(text);
        assert_eq!(src(text, &doc.root), "? [c]");
    }

    #[test]
    fn nulls() {
        let text = "a:\nb: ~\nc: null\nd: NULL\ne: ''\nf: !!null\ng: nil\n";
        let doc = ok(text);
        let r = &doc.root;
        let a = r.get("a").unwrap();
        assert!(a.is_null());
        assert_eq!(a.as_str(), Some(""));
        assert!(a.span.is_empty());
        assert!(r.get("b").unwrap().is_null());
        assert!(r.get("c").unwrap().is_null());
        assert!(r.get("d").unwrap().is_null());
        assert!(!r.get("e").unwrap().is_null());
        assert!(
            !r.get("f").unwrap().is_null(),
            "tagged nodes are not plain nulls"
        );
        assert!(!r.get("g").unwrap().is_null());
    }

    #[test]
    fn short_form_tags() {
        let text = "a: !Ref X\nb: !GetAtt A.B\nc: !Sub |\n  hello ${X}\n\n# after\nd: !If [C, a, b]\ne: !Join ['', [x, !Ref Y]]\nf: !Sub\n  - '${A}'\n  - A: !Ref B\n";
        let doc = ok(text);
        let r = &doc.root;
        let a = r.get("a").unwrap();
        assert_eq!(a.tag_name(), Some("Ref"));
        assert_eq!(a.as_str(), Some("X"));
        assert_eq!(src(text, a), "!Ref X");
        assert_eq!(&text[a.tag.as_ref().unwrap().span.clone()], "!Ref");

        let b = r.get("b").unwrap();
        assert_eq!(b.tag_name(), Some("GetAtt"));
        assert_eq!(src(text, b), "!GetAtt A.B");
        assert_eq!(b.as_str(), Some("A.B"));

        let c = r.get("c").unwrap();
        assert_eq!(c.tag_name(), Some("Sub"));
        assert_eq!(scalar(c), ("hello ${X}\n", false));
        assert_eq!(src(text, c), "!Sub |\n  hello ${X}");
        assert_eq!(&text[c.tag.as_ref().unwrap().span.clone()], "!Sub");

        let d = r.get("d").unwrap();
        assert_eq!(d.tag_name(), Some("If"));
        assert_eq!(src(text, d), "!If [C, a, b]");
        assert_eq!(
            d.items()
                .iter()
                .map(|n| n.as_str().unwrap())
                .collect::<Vec<_>>(),
            ["C", "a", "b"]
        );

        let e = r.get("e").unwrap();
        assert_eq!(e.tag_name(), Some("Join"));
        assert_eq!(src(text, e), "!Join ['', [x, !Ref Y]]");
        assert_eq!(scalar(&e.items()[0]), ("", false));
        let inner = &e.items()[1].items()[1];
        assert_eq!(inner.tag_name(), Some("Ref"));
        assert_eq!(src(text, inner), "!Ref Y");

        let f = r.get("f").unwrap();
        assert_eq!(f.tag_name(), Some("Sub"));
        assert_eq!(src(text, f), "!Sub\n  - '${A}'\n  - A: !Ref B");
        assert_eq!(f.items()[1].get("A").unwrap().tag_name(), Some("Ref"));
    }

    #[test]
    fn all_cloudformation_short_forms() {
        let names = [
            "Ref",
            "GetAtt",
            "Sub",
            "If",
            "Join",
            "Select",
            "FindInMap",
            "Base64",
            "ImportValue",
            "GetAZs",
            "Equals",
            "Not",
            "And",
            "Or",
            "Condition",
            "Split",
            "Cidr",
        ];
        let text: String = names.iter().map(|n| format!("- !{n} v\n")).collect();
        let doc = ok(&text);
        let got: Vec<&str> = doc
            .root
            .items()
            .iter()
            .map(|n| n.tag_name().unwrap())
            .collect();
        assert_eq!(got, names);
        for (item, name) in doc.root.items().iter().zip(names) {
            assert_eq!(src(&text, item), format!("!{name} v"));
        }
    }

    #[test]
    fn nested_tags_in_flow_and_block() {
        let text = "V: !Select [0, !GetAZs !Ref AWS::Region]\n";
        // `!GetAZs !Ref` is two tags on one node: an error with the hint.
        let e = err(text);
        assert!(
            e.message.contains("short-form tag directly after another"),
            "{e:?}"
        );

        let text = "V: !Select [0, !GetAZs {Ref: AWS::Region}]\nW: !Equals [!Ref Env, prod]\n";
        let doc = ok(text);
        let v = doc.root.get("V").unwrap();
        assert_eq!(v.tag_name(), Some("Select"));
        let azs = &v.items()[1];
        assert_eq!(azs.tag_name(), Some("GetAZs"));
        assert_eq!(src(text, azs), "!GetAZs {Ref: AWS::Region}");
        assert_eq!(azs.get("Ref").unwrap().as_str(), Some("AWS::Region"));
        let w = doc.root.get("W").unwrap();
        assert_eq!(src(text, &w.items()[0]), "!Ref Env");
    }

    #[test]
    fn other_tags() {
        let text = "a: !!str 12\nb: !<tag:foo> bar\nc: ! x\nd: !<!Ref> y\ne: &anc !Ref z\n";
        let doc = ok(text);
        let r = &doc.root;
        let a = r.get("a").unwrap();
        assert_eq!(a.tag_name(), Some("tag:yaml.org,2002:str"));
        assert_eq!(&text[a.tag.as_ref().unwrap().span.clone()], "!!str");
        assert_eq!(src(text, a), "!!str 12");
        assert_eq!(r.get("b").unwrap().tag_name(), Some("tag:foo"));
        assert_eq!(src(text, r.get("b").unwrap()), "!<tag:foo> bar");
        assert_eq!(r.get("c").unwrap().tag_name(), Some("!"));
        assert_eq!(r.get("d").unwrap().tag_name(), Some("Ref"));
        assert_eq!(src(text, r.get("e").unwrap()), "!Ref z");
    }

    #[test]
    fn block_scalars() {
        let text = "a: |\n  line1\n  line2\n\n\nb: >-\n   x\n   y\nc: | # header comment\n  z\nd: |\n\ne: x\n";
        let doc = ok(text);
        let r = &doc.root;
        let a = r.get("a").unwrap();
        assert_eq!(scalar(a), ("line1\nline2\n", false));
        assert_eq!(src(text, a), "|\n  line1\n  line2");
        let b = r.get("b").unwrap();
        assert_eq!(scalar(b), ("x y", false));
        assert_eq!(src(text, b), ">-\n   x\n   y");
        let c = r.get("c").unwrap();
        assert_eq!(src(text, c), "| # header comment\n  z");
        let d = r.get("d").unwrap();
        assert_eq!(scalar(d), ("", false));
        assert_eq!(src(text, d), "|");
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.comments[0].text, " header comment");

        let text = "- |\n  one\n- >\n  two\n";
        let doc = ok(text);
        assert_eq!(src(text, &doc.root.items()[0]), "|\n  one");
        assert_eq!(src(text, &doc.root.items()[1]), ">\n  two");
        assert_eq!(src(text, &doc.root), "- |\n  one\n- >\n  two");

        let text = "--- >\n";
        let doc = ok(text);
        assert_eq!(src(text, &doc.root), ">");
    }

    #[test]
    fn comments_with_spans() {
        let text = "# head\na: 1 # right\n# above b\nb: |  # hdr\n  x\n";
        let doc = ok(text);
        let got: Vec<(&str, &str)> = doc
            .comments
            .iter()
            .map(|c| (c.text.as_str(), &text[c.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                (" head", "# head"),
                (" right", "# right"),
                (" above b", "# above b"),
                (" hdr", "# hdr"),
            ]
        );
    }

    #[test]
    fn only_comments_and_empty() {
        for text in ["", "   \n\n", "\t", "# only\n# comments\n", "\u{feff}"] {
            let doc = ok(text);
            assert!(doc.root.is_null(), "{text:?}");
            assert_eq!(doc.root.span, 0..0);
            assert!(doc.root.tag.is_none());
        }
        let doc = ok("# only\n# comments\n");
        assert_eq!(doc.comments.len(), 2);
        assert_eq!(doc.comments[1].span, 7..17);
        let doc = ok("---\n");
        assert!(doc.root.is_null());
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}a: 1\r\nb:\r\n  - x # c\r\n  - \"y\"\r\n\r\nc: |\r\n  l1\r\n  l2\r\n";
        let doc = ok(text);
        let r = &doc.root;
        assert_eq!(r.span.start, 3);
        assert_eq!(src(text, &r.entries()[0].0), "a");
        assert_eq!(src(text, r.get("a").unwrap()), "1");
        let b = r.get("b").unwrap();
        assert_eq!(src(text, b), "- x # c\r\n  - \"y\"");
        assert_eq!(src(text, &b.items()[1]), "\"y\"");
        let c = r.get("c").unwrap();
        assert_eq!(src(text, c), "|\r\n  l1\r\n  l2");
        assert_eq!(c.as_str(), Some("l1\nl2\n"));
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.comments[0].text, " c");
        assert_eq!(&text[doc.comments[0].span.clone()], "# c");
        assert!(src(text, r).ends_with("l2"));
    }

    #[test]
    fn json_input() {
        let text = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": {"Type": "AWS::EC2::EIP", "P": [1, -2.5e3, true, false, null, "\ud83d\ude00 é"]}}}"#;
        let doc = ok(text);
        let r = &doc.root;
        assert_eq!(src(text, r), text);
        let v = r.get("AWSTemplateFormatVersion").unwrap();
        assert_eq!(scalar(v), ("2010-09-09", false));
        assert_eq!(src(text, v), "\"2010-09-09\"");
        let a = r.get("Resources").unwrap().get("A").unwrap();
        assert_eq!(a.get("Type").unwrap().as_str(), Some("AWS::EC2::EIP"));
        let p = a.get("P").unwrap();
        let items = p.items();
        assert_eq!(scalar(&items[0]), ("1", true));
        assert_eq!(scalar(&items[1]), ("-2.5e3", true));
        assert_eq!(scalar(&items[2]), ("true", true));
        assert_eq!(scalar(&items[3]), ("false", true));
        assert!(items[4].is_null());
        assert_eq!(scalar(&items[5]), ("\u{1F600} é", false));
        assert_eq!(src(text, &items[5]), r#""\ud83d\ude00 é""#);
        // Keys are quoted (non-plain) scalars with spans including quotes.
        assert_eq!(src(text, &r.entries()[0].0), "\"AWSTemplateFormatVersion\"");

        let pretty = "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}\n";
        let doc = ok(pretty);
        assert_eq!(
            src(pretty, doc.root.get("a").unwrap()),
            "[\n    1,\n    2\n  ]"
        );
        assert_eq!(src(pretty, doc.root.get("b").unwrap()), "{}");
    }

    #[test]
    fn json_lone_surrogate_is_error() {
        let e = err(r#"{"a": "\ud83d"}"#);
        assert!(e.span.end <= 15);
    }

    #[test]
    fn duplicate_keys() {
        let text = "Resources:\n  A: 1\n  B: 2\n  A: 3\n";
        let e = err(text);
        assert_eq!(e.message, "duplicate key `A`");
        assert_eq!(e.span, 27..28);
        assert_eq!(e.related, vec![("first defined here".to_owned(), 13..14)]);

        // Quoted and plain spellings of the same key; large map (hash path).
        let mut text: String = (0..20).map(|i| format!("k{i}: v\n")).collect();
        text.push_str("\"k7\": again\n");
        let e = err(&text);
        assert_eq!(e.message, "duplicate key `k7`");
        assert_eq!(&text[e.span.clone()], "\"k7\"");
        assert_eq!(&text[e.related[0].1.clone()], "k7");

        let e = err(r#"{"a": 1, "b": {"x": 1, "x": 2}}"#);
        assert_eq!(e.message, "duplicate key `x`");
        assert_eq!(e.span, 23..26);
        assert_eq!(e.related[0].1, 15..18);
    }

    #[test]
    fn anchors_and_aliases() {
        let text = "base: &b {x: 1, y: [2]}\nuse: *b\nlist: [*b, &s str, *s]\n";
        let doc = ok(text);
        let r = &doc.root;
        let base = r.get("base").unwrap();
        let used = r.get("use").unwrap();
        assert_eq!(base, used, "alias clones keep the anchor's spans");
        assert_eq!(src(text, used), "{x: 1, y: [2]}");
        let list = r.get("list").unwrap();
        assert_eq!(
            list.items()[0].get("y").unwrap().items()[0].as_str(),
            Some("2")
        );
        assert_eq!(list.items()[2].as_str(), Some("str"));
        // Containing collections still end at the alias token.
        assert_eq!(src(text, r), text.trim_end());
        let text = "a: &x 1\nb: *x";
        assert_eq!(src(text, &ok(text).root), text);
    }

    #[test]
    fn unknown_and_recursive_alias() {
        let e = err("a: 1\nb: *nope\n");
        assert!(e.message.contains("*nope"), "{e:?}");
        assert_eq!(e.span, 8..13);
        let e = err("a: &r [1, *r]\n");
        assert!(e.message.contains("recursive alias `*r`"), "{e:?}");
        assert_eq!(e.span, 10..12);
    }

    #[test]
    fn alias_bomb() {
        let text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
";
        let started = std::time::Instant::now();
        let e = err(text);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        assert_eq!(
            e.message,
            "YAML alias expansion exceeds 2000000 nodes (alias bomb?)"
        );
        assert_eq!(&text[e.span.clone()], "*f");

        let small = Limits {
            max_depth: 128,
            max_nodes: 100,
        };
        let e = parse_with_limits(
            "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
            small,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "YAML alias expansion exceeds 100 nodes (alias bomb?)"
        );
    }

    #[test]
    fn node_limit_without_aliases() {
        let limits = Limits {
            max_depth: 128,
            max_nodes: 10,
        };
        let e = parse_with_limits("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", limits).unwrap_err();
        assert_eq!(e.message, "YAML document exceeds 10 nodes");
        assert!(parse_with_limits("[1, 2, 3, 4, 5, 6, 7, 8, 9]", limits).is_ok());
    }

    #[test]
    fn deep_flow_nesting() {
        let text = "[".repeat(200_000);
        let e = err(&text);
        assert_eq!(e.message, "nesting deeper than 128 levels");
        assert!(e.span.start <= 200, "{e:?}");

        let text = format!("{}{}", "[".repeat(128), "]".repeat(128));
        let doc = ok(&text);
        assert_eq!(src(&text, &doc.root), text);

        let text = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert_eq!(err(&text).message, "nesting deeper than 128 levels");

        let text = "{a: [".repeat(50_000);
        assert_eq!(err(&text).message, "nesting deeper than 128 levels");

        let limits = Limits {
            max_depth: 5,
            max_nodes: 1000,
        };
        let e = parse_with_limits("a: [[[[[[1]]]]]]", limits).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 5 levels");
        assert_eq!(e.span, 7..8);

        // Huge limits are capped, and still stack-safe.
        let limits = Limits {
            max_depth: usize::MAX,
            max_nodes: usize::MAX,
        };
        let e = parse_with_limits(&"[".repeat(200_000), limits).unwrap_err();
        assert_eq!(
            e.message,
            format!("nesting deeper than {HARD_MAX_DEPTH} levels")
        );
        let text = format!(
            "{}{}",
            "[".repeat(HARD_MAX_DEPTH),
            "]".repeat(HARD_MAX_DEPTH)
        );
        let doc = parse_with_limits(&text, limits).unwrap();
        let copy = doc.clone();
        assert_eq!(doc, copy);
        assert!(!format!("{copy:?}").is_empty());
    }

    #[test]
    fn deep_block_nesting() {
        let text = format!("{}x\n", "- ".repeat(100_000));
        assert_eq!(err(&text).message, "nesting deeper than 128 levels");
        let mut text = String::new();
        for i in 0..100_000 {
            text.push_str(&" ".repeat(i.min(300)));
            text.push_str("- \n");
        }
        let _ = parse(&text);
        let mut text = String::new();
        for i in 0..1000 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        assert_eq!(err(&text).message, "nesting deeper than 128 levels");
        let text = format!("{}x\n", "- ".repeat(128));
        let doc = ok(&text);
        assert_eq!(src(&text, &doc.root), text.trim_end());
    }

    #[test]
    fn alias_expansion_respects_depth() {
        let limits = Limits {
            max_depth: 4,
            max_nodes: 1000,
        };
        let e = parse_with_limits("a: &a [[1]]\nb: [[*a]]\n", limits).unwrap_err();
        assert_eq!(e.message, "nesting deeper than 4 levels");
        assert!(parse_with_limits("a: &a [[1]]\nb: [*a]\n", limits).is_ok());
    }

    #[test]
    fn merge_keys() {
        let text = "base: &base {a: 1, b: 2}\nother: &other {b: 20, c: 30}\nm1:\n  <<: *base\n  b: explicit\nm2:\n  x: 0\n  <<: [*other, *base]\n  c: own\n";
        let doc = ok(text);
        let m1 = doc.root.get("m1").unwrap();
        let keys: Vec<&str> = m1
            .entries()
            .iter()
            .map(|(k, _)| k.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(m1.get("a").unwrap().as_str(), Some("1"));
        assert_eq!(m1.get("b").unwrap().as_str(), Some("explicit"));
        let m2 = doc.root.get("m2").unwrap();
        let pairs: Vec<(&str, &str)> = m2
            .entries()
            .iter()
            .map(|(k, v)| (k.as_str().unwrap(), v.as_str().unwrap()))
            .collect();
        assert_eq!(pairs, [("x", "0"), ("b", "20"), ("a", "1"), ("c", "own")]);
        assert_eq!(src(text, m2), "x: 0\n  <<: [*other, *base]\n  c: own");

        let e = err("a: {<<: 1}\n");
        assert!(e.message.contains("merge key"), "{e:?}");
        assert_eq!(e.span, 8..9);
        // A quoted "<<" is an ordinary key.
        let doc = ok("a: {\"<<\": 1}\n");
        assert_eq!(
            doc.root.get("a").unwrap().get("<<").unwrap().as_str(),
            Some("1")
        );
    }

    #[test]
    fn multiple_documents() {
        // `parse` accepts one document, as PyYAML's `safe_load` does: a second one is an error
        // at its start (PyYAML: "expected a single document in the stream ... but found
        // another document").
        let text = "a: 1\n# between\n---\nb: 2\n";
        let e = err(text);
        assert!(e.message.contains("another document"), "{e:?}");
        assert_eq!(&text[e.span.clone()], "---");
        let e = err("a: 1\n...\n---\n");
        assert_eq!(e.span, 9..12, "an empty second document counts too: {e:?}");
        let text = "a: 1\n...\nb: 2\n";
        let e = err(text);
        assert_eq!(e.span, 9..10, "a bare document after `...`: {e:?}");

        // One document, whatever marks it.
        for text in [
            "a: 1\n...\n",
            "---\na: 1\n...\n# after\n",
            "# c\n---\na: 1\n",
        ] {
            assert_eq!(ok(text).root.entries().len(), 1, "{text:?}");
        }

        // `parse_stream` gives every document, with where it starts.
        let text = "a: 1\n# between\n---\nb: [x]\n--- !Ref y\n";
        let stream = parse_stream(text).unwrap();
        let starts: Vec<&str> = stream
            .documents
            .iter()
            .map(|d| &text[d.start.clone()])
            .collect();
        assert_eq!(starts, ["", "---", "---"]);
        assert_eq!(stream.documents[0].start, 0..0);
        assert_eq!(
            stream.documents[0].root.get("a").unwrap().as_str(),
            Some("1")
        );
        assert_eq!(src(text, &stream.documents[1].root), "b: [x]");
        assert_eq!(src(text, &stream.documents[2].root), "!Ref y");
        assert_eq!(stream.comments.len(), 1);
        assert!(parse_stream("").unwrap().documents.is_empty());
        assert!(parse_stream("# only a comment\n")
            .unwrap()
            .documents
            .is_empty());
    }

    #[test]
    fn syntax_error_in_a_later_document() {
        // Before: errors after the first document were ignored, so a template followed by a
        // broken second document parsed as the template alone.
        let text = "a: 1\n---\nb: [unclosed\n";
        let e = parse_stream(text).unwrap_err();
        assert!(e.error.span.start > 5, "{e:?}");
        assert_eq!(e.complete.len(), 1, "the first document completed: {e:?}");
        assert_eq!(e.complete[0].root.get("a").unwrap().as_str(), Some("1"));
        assert!(parse(text).is_err());
    }

    #[test]
    fn syntax_error_after_an_implicitly_ended_first_document() {
        // Text that does not continue the first document ends it; what follows must be a
        // new document (`---`), else it is an error (PyYAML: "expected '<document start>'").
        // Before, the rest of the file was silently dropped.
        // One space before the first key: the first document is that one line.
        let text = " A: 1\nResources:\n  X: 2\n";
        let e = err(text);
        assert!(e.message.contains("document start"), "{e:?}");
        assert_eq!(e.span, 6..7, "at `Resources` on line 2: {e:?}");
        let se = parse_stream(text).unwrap_err();
        assert_eq!(se.complete.len(), 1);
        assert_eq!(se.complete[0].root.get("A").unwrap().as_str(), Some("1"));
        // An indented first key: its mapping ends at the first less indented line.
        let text = "  Resources:\n    X: 1\nOutputs:\n  Y: 2\n";
        let e = err(text);
        assert_eq!(&text[e.span.clone()], "O", "{e:?}");
        // JSON: a stray `}` closes the root object early; the rest is not JSON either.
        let text = "{\n  \"A\": \"x\"},\n  \"Resources\": {}\n}\n";
        let e = err(text);
        assert_eq!(e.span.start, text.find(',').unwrap(), "{e:?}");
        // A stray `}` after the root object.
        let text = "{\"Resources\": {}}\n}\n";
        let e = err(text);
        assert_eq!(e.span, 18..19, "{e:?}");
    }

    #[test]
    fn anchors_do_not_cross_documents() {
        let e = parse_stream("a: &x 1\n---\nb: *x\n").unwrap_err();
        assert!(e.error.message.contains("alias"), "{e:?}");
        assert_eq!(e.complete.len(), 1);
    }

    #[test]
    fn syntax_errors_with_location() {
        let text = "a: 1\n b: 2\n";
        let e = err(text);
        assert!(
            e.message.contains("mapping values are not allowed"),
            "{e:?}"
        );
        assert_eq!(e.span, 7..8);

        let text = "key: [unclosed";
        let e = err(text);
        assert!(e.message.contains("unclosed"), "{e:?}");
        assert_eq!(e.span, 5..6);

        let text = "é: \"ab\n";
        let e = err(text);
        assert!(e.message.contains("quote"), "{e:?}");
        assert_eq!(e.span, 4..5);

        let e = err("a:\n\tb: 1\n");
        assert!(e.message.contains("tab"), "{e:?}");
        assert!(e.span.start <= 9);

        for text in [
            "[",
            "{",
            "\"",
            "'",
            "a: 'x",
            "]",
            "- a\nb: c",
            "? [\n",
            "&",
            "*",
            "!",
            "a: b: c",
            "\u{feff}\u{feff}x: [",
            "é\t:\té: [",
        ] {
            if let Err(e) = parse(text) {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= text.len(),
                    "{text:?} {e:?}"
                );
                assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
                assert!(!e.message.contains("short-form tag"), "{text:?} {e:?}");
            }
        }
    }

    #[test]
    fn double_tag_hint() {
        let cases = [
            "Value: !ImportValue !Sub \"${Env}-vpc\"\n",
            "Value:\n  Ref: x\n  V: !ImportValue\n    !Sub \"x\"\n",
            "- !ImportValue !Sub x\n",
            "{a: !ImportValue !Sub x}",
            "V: !Join ['', [!ImportValue !Sub x]]",
        ];
        for text in cases {
            let e = err(text);
            assert!(
                e.message.ends_with("CloudFormation does not allow a short-form tag directly after another (e.g. `!ImportValue !Sub`); use the long form `Fn::ImportValue: !Sub ...`"),
                "{text:?}: {e:?}"
            );
        }
        let text = "Value: !ImportValue !Sub \"${Env}-vpc\"\n";
        let e = err(text);
        assert_eq!(e.span, 20..21);
        // No hint for tags separated by a flow opener, or for unrelated errors.
        for text in [
            "V: !Join [!Ref A, !Ref B\n",
            "V: !Join\n  - !Ref A\n   - x: y\n",
            "a: !Ref x\n b: 1\n",
        ] {
            let e = err(text);
            assert!(!e.message.contains("short-form tag"), "{text:?}: {e:?}");
        }
        // The long form parses.
        let text = "Value:\n  Fn::ImportValue: !Sub \"${Env}-vpc\"\n";
        let doc = ok(text);
        let v = doc
            .root
            .get("Value")
            .unwrap()
            .get("Fn::ImportValue")
            .unwrap();
        assert_eq!(v.tag_name(), Some("Sub"));
        assert_eq!(src(text, v), "!Sub \"${Env}-vpc\"");
    }

    #[test]
    fn lone_tab_and_odd_inputs_do_not_panic() {
        assert!(ok("\t").root.is_null());
        let inputs = [
            "\t\t\n\t",
            "\r",
            "\r\n\r\n",
            "\0",
            "\u{85}",
            "\u{2028}",
            "- \t- x",
            "? a\n? a\n",
            "%YAML 1.2\n---\na: 1",
            "%FOO bar\n--- x",
            "!<%ZZ> x",
            "a: !!binary 'x'",
            "[a, b]: c",
            "? [a]\n: b\n? [a]\n: c\n",
            "{[a]: b, [a]: c}",
            "&a [*a]",
            "*a",
            "a: &x\nb: *x",
            "<<: *x",
            "a: &x 1\n<<: *x",
            "- <<: {a: 1}\n  a: 2",
            "\u{feff}",
            "\u{feff}\u{feff}",
            "---\n---\n",
            "...",
            "|",
            ">",
            "|-\n",
            "- |\n-",
            "a:\n  - b\n  -",
            "{a: [b, {c: d}]",
            "'\u{1F600}",
            "\"\\u\"",
            "\"\\x",
            "\"\\ud800\\u0041\"",
            "key: |\n  a\n b",
            "a: >\n\n\n",
            "#",
            "# é\r",
            "- # x\n  a",
        ];
        for text in inputs {
            match parse(text) {
                Ok(doc) => {
                    check_spans(text, &doc.root);
                    for c in &doc.comments {
                        assert!(text.get(c.span.clone()).is_some(), "{text:?} {c:?}");
                    }
                }
                Err(e) => {
                    assert!(text.get(e.span.clone()).is_some(), "{text:?} {e:?}");
                    for (_, r) in &e.related {
                        assert!(text.get(r.clone()).is_some());
                    }
                }
            }
        }
    }

    /// Deterministic mini-fuzz: random YAML-ish inputs and mutations of a template never
    /// panic, and every span is a valid range of the input.
    #[test]
    fn random_inputs_do_not_panic() {
        const PIECES: &[&str] = &[
            "a",
            "Key",
            ": ",
            ":",
            "-",
            "- ",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "[",
            "]",
            "{",
            "}",
            ",",
            "!Ref ",
            "!Sub",
            "!",
            "!!str ",
            "&a ",
            "*a",
            "&b",
            "*b",
            "<<: ",
            "? ",
            "|",
            ">-",
            "#c",
            " # c",
            "'",
            "\"",
            "\\u",
            "é",
            "\u{1F600}",
            "\u{feff}",
            "---",
            "...",
            "%YAML 1.2",
            "~",
            "null",
            "12",
            "\\",
            "\u{2028}",
            "\u{85}",
        ];
        let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ip: # eip\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: !If [C, vpc, !Ref 'AWS::NoValue']\n      Tags:\n        - {Key: k, Value: !Sub \"${A}-x\"}\n  B: &b\n    x: |\n      t\n  C:\n    <<: *b\n";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % (n as u64)).unwrap()
        };
        for round in 0..6000 {
            let text = if round % 2 == 0 {
                let len = next(30);
                (0..len)
                    .map(|_| PIECES[next(PIECES.len())])
                    .collect::<String>()
            } else {
                let mut t: Vec<char> = template.chars().collect();
                for _ in 0..=next(4) {
                    let at = next(t.len() + 1);
                    match next(3) {
                        0 if at < t.len() => {
                            t.remove(at);
                        }
                        _ => {
                            for c in PIECES[next(PIECES.len())].chars().rev() {
                                t.insert(at.min(t.len()), c);
                            }
                        }
                    }
                }
                t.into_iter().collect()
            };
            match parse(&text) {
                Ok(doc) => {
                    check_spans(&text, &doc.root);
                    for c in &doc.comments {
                        assert!(text.get(c.span.clone()).is_some(), "{text:?} {c:?}");
                    }
                }
                Err(e) => {
                    assert!(text.get(e.span.clone()).is_some(), "{text:?} {e:?}");
                    assert!(!e.message.is_empty());
                }
            }
        }
    }

    fn check_spans(text: &str, node: &Node) {
        assert!(text.get(node.span.clone()).is_some(), "{text:?} {node:?}");
        if let Some(t) = &node.tag {
            assert!(text.get(t.span.clone()).is_some());
        }
        for item in node.items() {
            check_spans(text, item);
        }
        for (k, v) in node.entries() {
            check_spans(text, k);
            check_spans(text, v);
        }
    }

    #[test]
    fn long_comment_blocks() {
        let mut text = String::from("Resources:\n");
        for _ in 0..500 {
            text.push_str("#  OldThing:\n#    Type: AWS::EC2::Instance\n");
        }
        text.push_str("  A:\n");
        for _ in 0..300 {
            text.push_str("    # commented\n");
        }
        text.push_str("    Type: T\n  L:\n    - 1\n");
        for _ in 0..300 {
            text.push_str("    # c\n");
        }
        text.push_str("    - 2\n");
        let doc = ok(&text);
        assert_eq!(doc.comments.len(), 1000 + 300 + 300);
        let res = doc.root.get("Resources").unwrap();
        assert_eq!(
            res.get("A").unwrap().get("Type").unwrap().as_str(),
            Some("T")
        );
        assert_eq!(res.get("L").unwrap().items().len(), 2);
        assert!(doc
            .comments
            .windows(2)
            .all(|w| w[0].span.start < w[1].span.start));
    }

    #[test]
    fn large_document_is_fast() {
        let mut text = String::from("Resources:\n");
        for i in 0..20_000 {
            text.push_str(&format!("  R{i}:\n    Type: AWS::EC2::EIP # c\n    Properties: {{Domain: vpc, Tags: [{{Key: k, Value: !Ref V}}]}}\n"));
        }
        let started = std::time::Instant::now();
        let doc = ok(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        assert_eq!(doc.root.get("Resources").unwrap().entries().len(), 20_000);
        assert_eq!(doc.comments.len(), 20_000);
    }
}
