//! The tree builder: granit-parser events into nodes, with aliases expanded, merge keys
//! applied, duplicate keys rejected and limits enforced.

use foldhash::{HashMap, HashSet};
use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle, Span, StrInput, StructureStyle};

use super::text::{
    block_scalar_range, char_range_at, clamp_range, empty_node_indicator_end, make_comment,
    scan_error, tag_name,
};
use super::{Comment, Document, Node, NodeKind, Tag, YamlError};

/// Feeds every event of the stream to the builder; each finished document goes to
/// `documents`.
pub(super) fn read_events<'t>(
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

pub(super) struct Builder<'t> {
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

impl<'t> Builder<'t> {
    pub(super) fn new(text: &'t str, max_depth: usize, max_nodes: usize) -> Builder<'t> {
        Builder {
            text,
            max_depth,
            max_nodes,
            frames: Vec::new(),
            anchors: HashMap::default(),
            total_nodes: 0,
            tree_nodes: 0,
            root: None,
            last_end: 0,
        }
    }

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
    let mut seen: HashMap<&str, &Node> =
        HashMap::with_capacity_and_hasher(entries.len(), Default::default());
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
    let mut merged: HashSet<String> = HashSet::default();
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
