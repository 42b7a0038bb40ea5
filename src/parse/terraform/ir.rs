//! One shape for the two syntaxes of a module: native HCL bodies and Terraform JSON.
//!
//! HCL bodies are borrowed as they are. A JSON file is turned into the same blocks and
//! attributes: which keys of a resource are nested blocks is decided by name (the block types
//! the normalizer reads: [`JSON_NESTED_BLOCKS`]); every other key is an attribute. Attribute
//! values are expressions where JSON strings are templates (`"${var.x}"`). Spans: the JSON
//! parser keeps the span of every key and value, so blocks, attributes and values point into
//! the JSON file exactly. Inside a value, a value whose JSON text has no backslash is parsed as
//! HCL where it is written (JSON and HCL agree on numbers, `true`, `null`, arrays, `{"k": v}`
//! objects and escape-free strings), so spans inside it are exact too; a value with escapes is
//! decoded first and each string parsed as a template on its own (`\"` inside `${...}` is a
//! quote): spans inside it are then approximate, clamped to the value. Variable defaults and
//! `.tfvars.json` values are literal JSON, never templates.

use std::borrow::Cow;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span as _;

use super::value::Val;
use crate::parse::syntax::json::{JKind, JNode, JProp, JsonFile};
use crate::source::{FileId, Span};

/// Block types that, as keys of a JSON resource (or nested block), are blocks, not
/// attributes: every block type the normalizer reads (a test checks it).
pub(crate) const JSON_NESTED_BLOCKS: &[&str] = &[
    "root_block_device",
    "ebs_block_device",
    "block_device_mappings",
    "ebs",
    "subnet_mapping",
    "metadata_options",
    "network_interfaces",
    "launch_template",
    "mixed_instances_policy",
    "launch_template_specification",
    "override",
    "instance_requirements",
    "instances_distribution",
    "capacity_reservation_specification",
    "capacity_reservation_target",
    "traffic_source",
    "default_action",
    "forward",
    "target_group",
    "listener",
    "attachment",
    "placement",
    "instance_market_options",
    "spot_options",
    "network_interface",
    "dynamic",
    "content",
    "filter",
    "lifecycle",
    "provisioner",
    "connection",
    "timeouts",
    // Inside `terraform`: the provider requirements (`resolve.rs` reads the AWS provider's
    // version constraint).
    "required_providers",
    "ingress",
    "network_interface",
    "tag_specifications",
    "policy_details",
    "selection_tag",
    "condition",
    "string_equals",
    "string_like",
    "string_not_equals",
    "string_not_like",
    "default_tags",
];

/// Where the spans of an expression are: its file, and the offset its own spans are relative
/// to (0 for HCL files; the value's offset in a JSON file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Src {
    pub file: FileId,
    pub base: usize,
}

impl Src {
    /// The span of `range` (relative to `base`), kept within `within`.
    pub fn span(&self, range: Option<std::ops::Range<usize>>, within: Span) -> Span {
        match range {
            Some(r) => {
                let start = (self.base + r.start).clamp(within.start, within.end);
                let end = (self.base + r.end).clamp(start, within.end);
                Span::new(self.file, start..end)
            }
            None => within,
        }
    }
}

#[derive(Debug)]
pub(crate) enum AttrValue<'a> {
    Expr(Cow<'a, Expression>),
    /// A literal from JSON (variable default, `.tfvars.json` value), or a value that could not
    /// be parsed (`Unknown`).
    Literal(Val),
}

#[derive(Debug)]
pub(crate) struct AttrIr<'a> {
    pub key: &'a str,
    pub value: AttrValue<'a>,
    pub src: Src,
    /// The whole attribute.
    pub span: Span,
    /// Its value.
    pub value_span: Span,
}

impl AttrIr<'_> {
    pub fn expr(&self) -> Option<&Expression> {
        match &self.value {
            AttrValue::Expr(e) => Some(e),
            AttrValue::Literal(_) => None,
        }
    }
}

#[derive(Debug)]
pub(crate) struct BlockIr<'a> {
    pub ident: &'a str,
    pub labels: Vec<&'a str>,
    pub body: BodyIr<'a>,
    /// The whole block.
    pub span: Span,
    /// The block type keyword (`root_block_device`).
    pub ident_span: Span,
    /// Type and labels (`resource "aws_eip" "web"`).
    pub header: Span,
}

#[derive(Debug, Default)]
pub(crate) struct BodyIr<'a> {
    pub attrs: Vec<AttrIr<'a>>,
    pub blocks: Vec<BlockIr<'a>>,
}

impl<'a> BodyIr<'a> {
    pub fn attr(&self, key: &str) -> Option<&AttrIr<'a>> {
        // Duplicates are an error in Terraform: the last one is used.
        self.attrs.iter().rev().find(|a| a.key == key)
    }
}

pub(crate) struct FileIr<'a> {
    pub body: BodyIr<'a>,
}

fn span(file: FileId, range: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
    range.map(|r| Span::new(file, r)).unwrap_or(fallback)
}

pub(crate) fn from_hcl(file: FileId, body: &Body) -> BodyIr<'_> {
    let zero = Span::new(file, 0..0);
    let src = Src { file, base: 0 };
    let mut out = BodyIr::default();
    for attr in body.attributes() {
        let value_span = span(file, attr.value.span(), zero);
        out.attrs.push(AttrIr {
            key: attr.key.as_str(),
            value: AttrValue::Expr(Cow::Borrowed(&attr.value)),
            src,
            span: span(file, attr.span(), value_span),
            value_span,
        });
    }
    for block in body.blocks() {
        out.blocks.push(block_from_hcl(file, block));
    }
    out
}

fn block_from_hcl(file: FileId, block: &Block) -> BlockIr<'_> {
    let whole = span(file, block.span(), Span::new(file, 0..0));
    let ident_span = span(file, block.ident.span(), whole);
    let header_end = block
        .labels
        .last()
        .and_then(|l| l.span())
        .map(|r| r.end)
        .unwrap_or(ident_span.end);
    BlockIr {
        ident: block.ident.as_str(),
        labels: block.labels.iter().map(|l| l.as_str()).collect(),
        body: from_hcl(file, &block.body),
        span: whole,
        ident_span,
        header: Span::new(file, ident_span.start..header_end),
    }
}

/// Top-level attributes of a variables file (`terraform.tfvars`, `x.tfvars.json`).
pub(crate) fn vars_from_hcl(file: FileId, body: &Body) -> Vec<AttrIr<'_>> {
    from_hcl(file, body).attrs
}

pub(crate) fn vars_from_json(file: FileId, json: &JsonFile) -> Vec<AttrIr<'_>> {
    let mut out = Vec::new();
    for p in json.root.as_object().unwrap_or(&[]) {
        out.push(literal_attr(file, p));
    }
    out
}

fn literal_attr(file: FileId, p: &JProp) -> AttrIr<'_> {
    AttrIr {
        key: &p.key,
        value: AttrValue::Literal(Val::from_json(&p.value)),
        src: Src {
            file,
            base: p.value.span.start,
        },
        span: Span::new(file, p.key_span.start..p.value.span.end),
        value_span: Span::new(file, p.value.span.clone()),
    }
}

/// A `.tf.json` file as blocks and attributes.
pub(crate) fn from_json<'a>(file: FileId, text: &str, json: &'a JsonFile) -> BodyIr<'a> {
    let mut out = BodyIr::default();
    let conv = JsonConv { file, text };
    for top in json.root.as_object().unwrap_or(&[]) {
        match top.key.as_str() {
            "resource" | "data" => {
                // {"aws_eip": {"web": {...}}}, each level possibly an array of objects.
                for types in objects(&top.value) {
                    for ty in types {
                        for names in objects(&ty.value) {
                            for name in names {
                                for body in objects_or_self(&name.value) {
                                    out.blocks.push(conv.block(
                                        &top.key,
                                        vec![&ty.key, &name.key],
                                        top,
                                        name,
                                        body,
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            "variable" | "output" | "module" => {
                for names in objects(&top.value) {
                    for name in names {
                        for body in objects_or_self(&name.value) {
                            let mut block = conv.block(&top.key, vec![&name.key], top, name, body);
                            if top.key == "variable" {
                                // The default is a literal; the type a type expression.
                                let props = body.as_object().unwrap_or(&[]);
                                block.body.attrs.retain(|a| a.key != "default");
                                if let Some(p) = props.iter().rev().find(|p| p.key == "default") {
                                    block.body.attrs.push(literal_attr(file, p));
                                }
                                if let Some(p) = props.iter().rev().find(|p| p.key == "type") {
                                    if let JKind::Str(s) = &p.value.kind {
                                        block.body.attrs.retain(|a| a.key != "type");
                                        let value = match hcl_edit::parser::parse_expr(s) {
                                            Ok(e) => AttrValue::Expr(Cow::Owned(e)),
                                            Err(_) => AttrValue::Literal(Val::Unknown),
                                        };
                                        block.body.attrs.push(AttrIr {
                                            key: &p.key,
                                            value,
                                            src: Src {
                                                file,
                                                base: p.value.span.start + 1,
                                            },
                                            span: Span::new(
                                                file,
                                                p.key_span.start..p.value.span.end,
                                            ),
                                            value_span: Span::new(file, p.value.span.clone()),
                                        });
                                    }
                                }
                            }
                            out.blocks.push(block);
                        }
                    }
                }
            }
            "locals" => {
                for body in objects_or_self(&top.value) {
                    out.blocks
                        .push(conv.block("locals", Vec::new(), top, top, body));
                }
            }
            // `{"terraform": {"required_providers": {...}}}`: the provider constraints.
            "terraform" => {
                for body in objects_or_self(&top.value) {
                    out.blocks
                        .push(conv.block("terraform", Vec::new(), top, top, body));
                }
            }
            _ => {}
        }
    }
    out
}

/// The objects of a value that is an object or an array of objects.
fn objects(node: &JNode) -> Vec<&[JProp]> {
    match &node.kind {
        JKind::Object(props) => vec![props.as_slice()],
        JKind::Array(items) => items.iter().filter_map(JNode::as_object).collect(),
        _ => Vec::new(),
    }
}

fn objects_or_self(node: &JNode) -> Vec<&JNode> {
    match &node.kind {
        JKind::Array(items) => items.iter().filter(|i| i.as_object().is_some()).collect(),
        JKind::Object(_) => vec![node],
        _ => Vec::new(),
    }
}

struct JsonConv<'t> {
    file: FileId,
    text: &'t str,
}

impl JsonConv<'_> {
    /// A block `ident labels... { body }`: `outer` is the property that names the block type,
    /// `name` the innermost label property (its key span is the header).
    fn block<'a>(
        &self,
        ident: &'a str,
        labels: Vec<&'a str>,
        outer: &'a JProp,
        name: &'a JProp,
        body: &'a JNode,
    ) -> BlockIr<'a> {
        let header = Span::new(self.file, name.key_span.clone());
        BlockIr {
            ident,
            labels,
            body: self.body(body),
            span: Span::new(self.file, name.key_span.start..body.span.end),
            ident_span: Span::new(self.file, outer.key_span.clone()),
            header,
        }
    }

    fn body<'a>(&self, node: &'a JNode) -> BodyIr<'a> {
        let mut out = BodyIr::default();
        for p in node.as_object().unwrap_or(&[]) {
            if p.key == "//" {
                continue;
            }
            let is_block =
                JSON_NESTED_BLOCKS.contains(&p.key.as_str()) && !objects(&p.value).is_empty();
            if !is_block {
                out.attrs.push(self.attr(p));
                continue;
            }
            if p.key == "dynamic" {
                // {"dynamic": {"ebs_block_device": {"for_each": ..., "content": {...}}}}
                for labels in objects(&p.value) {
                    for label in labels {
                        for body in objects_or_self(&label.value) {
                            let mut b = self.block(&p.key, vec![&label.key], p, label, body);
                            b.ident_span = Span::new(self.file, label.key_span.clone());
                            out.blocks.push(b);
                        }
                    }
                }
                continue;
            }
            for body in objects_or_self(&p.value) {
                out.blocks.push(BlockIr {
                    ident: &p.key,
                    labels: Vec::new(),
                    body: self.body(body),
                    span: Span::new(self.file, body.span.clone()),
                    ident_span: Span::new(self.file, p.key_span.clone()),
                    header: Span::new(self.file, p.key_span.clone()),
                });
            }
        }
        out
    }

    fn attr<'a>(&self, p: &'a JProp) -> AttrIr<'a> {
        let (value, base) = self.expr(&p.value);
        AttrIr {
            key: &p.key,
            value,
            src: Src {
                file: self.file,
                base,
            },
            span: Span::new(self.file, p.key_span.start..p.value.span.end),
            value_span: Span::new(self.file, p.value.span.clone()),
        }
    }

    /// A JSON value in expression mode, and the offset its spans are relative to.
    fn expr<'a>(&self, node: &JNode) -> (AttrValue<'a>, usize) {
        let raw = self.text.get(node.span.clone()).unwrap_or("");
        // Without escapes, JSON text is also the HCL text of the same value: parsed where it is
        // written, spans are exact.
        if !raw.contains('\\') {
            if let Some(e) = super::parse_expr(raw) {
                return (AttrValue::Expr(Cow::Owned(e)), node.span.start);
            }
        }
        let base = match node.kind {
            JKind::Str(_) => node.span.start + 1,
            _ => node.span.start,
        };
        match json_expr(node, 0) {
            Some(e) => (AttrValue::Expr(Cow::Owned(e)), base),
            None => (AttrValue::Literal(Val::Unknown), base),
        }
    }
}

/// A JSON value as an expression: strings are templates (decoded first, so `\"` inside
/// `${...}` is a quote); spans inside are relative to each string (approximate).
fn json_expr(node: &JNode, depth: usize) -> Option<Expression> {
    if depth > 64 {
        return None;
    }
    Some(match &node.kind {
        JKind::Null => Expression::Null(hcl_edit::expr::Null.into()),
        JKind::Bool(b) => Expression::from(*b),
        JKind::Num(n) => Expression::from(*n),
        // Beyond f64: the value is unknown (so is the whole value, on this path).
        JKind::OutOfRange => return None,
        JKind::Str(s) => template(s)?,
        JKind::Array(items) => {
            let items: Option<Vec<Expression>> =
                items.iter().map(|i| json_expr(i, depth + 1)).collect();
            Expression::Array(hcl_edit::expr::Array::from(items?))
        }
        JKind::Object(props) => {
            let mut object = hcl_edit::expr::Object::new();
            for p in props {
                if p.key == "//" {
                    continue;
                }
                let key = hcl_edit::expr::ObjectKey::Expression(template(&p.key)?);
                let value = hcl_edit::expr::ObjectValue::new(json_expr(&p.value, depth + 1)?);
                object.insert(key, value);
            }
            Expression::Object(object)
        }
    })
}

fn template(s: &str) -> Option<Expression> {
    let t = hcl_edit::parser::parse_template(s).ok()?;
    let elements: Vec<hcl_edit::template::Element> = t.iter().cloned().collect();
    Some(Expression::StringTemplate(elements.into()))
}

/// Whether a file name is a Terraform override file: `override.tf`, `*_override.tf`, or their
/// `.tf.json` forms.
pub fn is_override_file(name: &str) -> bool {
    let stem = name
        .strip_suffix(".tf")
        .or_else(|| name.strip_suffix(".tf.json"));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// The key a top-level block is overridden by: its type and labels (and a provider's
/// alias); `None` for blocks that are not merged this way (`locals`, `terraform`).
fn override_key(block: &BlockIr) -> Option<(String, Vec<String>)> {
    let labels = block.labels.iter().map(|l| l.to_string()).collect();
    match block.ident {
        "resource" | "data" | "module" | "variable" | "output" => {
            Some((block.ident.to_string(), labels))
        }
        "provider" => {
            // One provider configuration per name and alias; an alias that is not a literal
            // string matches nothing (never merge into a configuration we cannot name).
            let mut key: Vec<String> = labels;
            let alias = match block.body.attr("alias").map(|a| &a.value) {
                Some(AttrValue::Expr(e)) => e.as_str()?.to_string(),
                Some(AttrValue::Literal(Val::Str(s))) => s.clone(),
                Some(AttrValue::Literal(_)) => return None,
                None => String::new(),
            };
            key.push(alias);
            Some(("provider".to_string(), key))
        }
        _ => None,
    }
}

/// The type a nested block counts as when overriding: `dynamic "ebs_block_device"` replaces
/// (and is replaced by) `ebs_block_device` blocks.
fn nested_type<'a>(block: &BlockIr<'a>) -> &'a str {
    match (block.ident, block.labels.first()) {
        ("dynamic", Some(label)) => label,
        (ident, _) => ident,
    }
}

/// Merges one body of an override block into the original's: each argument replaces the
/// original's; each nested block type present replaces all the original's blocks of that type,
/// except `lifecycle`, merged argument by argument.
fn merge_body<'a>(base: &mut BodyIr<'a>, over: BodyIr<'a>) {
    for attr in over.attrs {
        base.attrs.retain(|a| a.key != attr.key);
        base.attrs.push(attr);
    }
    let mut replaced: Vec<&str> = Vec::new();
    for block in over.blocks {
        if block.ident == "lifecycle" {
            match base.blocks.iter_mut().find(|b| b.ident == "lifecycle") {
                Some(original) => merge_body(&mut original.body, block.body),
                None => base.blocks.push(block),
            }
            continue;
        }
        let kind = nested_type(&block);
        if !replaced.contains(&kind) {
            base.blocks.retain(|b| nested_type(b) != kind);
            replaced.push(kind);
        }
        base.blocks.push(block);
    }
}

/// Applies override files to a module's other files, as Terraform does: `files` in the order
/// Terraform loads them (override files are applied after all the others, in that order). A
/// block of an override file merges into the block of the same type and labels; a `locals`
/// entry replaces the local of the same name; a block with no original is dropped (Terraform
/// rejects it).
pub(crate) fn merge_overrides<'a>(files: Vec<(FileIr<'a>, bool)>) -> Vec<FileIr<'a>> {
    let mut base: Vec<FileIr<'a>> = Vec::new();
    let mut overrides: Vec<FileIr<'a>> = Vec::new();
    for (ir, is_override) in files {
        if is_override {
            overrides.push(ir);
        } else {
            base.push(ir);
        }
    }
    for over in overrides {
        for block in over.body.blocks {
            if block.ident == "locals" {
                for attr in block.body.attrs {
                    let original = base
                        .iter_mut()
                        .flat_map(|f| f.body.blocks.iter_mut())
                        .filter(|b| b.ident == "locals")
                        .find_map(|b| b.body.attrs.iter_mut().rev().find(|a| a.key == attr.key));
                    if let Some(original) = original {
                        *original = attr;
                    }
                }
                continue;
            }
            let Some(key) = override_key(&block) else {
                continue;
            };
            let original = base
                .iter_mut()
                .flat_map(|f| f.body.blocks.iter_mut())
                .find(|b| override_key(b).as_ref() == Some(&key));
            if let Some(original) = original {
                merge_body(&mut original.body, block.body);
            }
        }
    }
    base
}
