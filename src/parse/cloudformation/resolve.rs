//! A template into resolved resources: every entry of `Resources` whose condition is not
//! false, its properties evaluated and its nested property maps and lists as blocks, and the
//! resources the template hands to something we do not see (outputs, nested stacks, custom
//! resources).

use std::hash::BuildHasher;
use std::sync::Arc;

use super::sniff::has_generating_transform;
use super::syntax::{is_literal, is_literal_map, is_literal_seq, literal_str};
use super::template::Template;
use super::values::{extend_via, truth, Val};
use super::{CfnOptions, MAX_DEPTH};
use crate::model::{Origin, SourceKind, Unit, UnitId, Val as ModelVal};
use crate::parse::syntax::yaml::{Node, YamlDoc};
use crate::resolved::{
    Attr, Block, BlockExpansion, Body, Escape, Mention, ResolvedUnit, Resource, Wanted,
};
use crate::source::{FileId, Span};

pub(super) fn template(
    unit: UnitId,
    file: FileId,
    name: &str,
    doc: &YamlDoc,
    options: &CfnOptions,
    wanted: Wanted<'_>,
) -> ResolvedUnit {
    let root = &doc.root;
    let mut out = ResolvedUnit::new(Unit {
        id: unit,
        kind: SourceKind::CloudFormation,
        name: name.to_string(),
        complete: !has_generating_transform(root),
    });
    let template = Template::new(unit, file, root, options);
    if let Some(resources) = root.get("Resources") {
        for (key, def) in resources.entries() {
            if template.resource(key, def, wanted, &mut out) {
                out.resource_count += 1;
            }
        }
    }
    if let Some(outputs) = root.get("Outputs") {
        for (key, def) in outputs.entries() {
            let Some(name) = literal_str(key) else {
                continue;
            };
            if template.condition_of(def) == Some(false) {
                continue;
            }
            template.escapes(def, &format!("output `{name}`"), &mut out);
        }
    }
    out
}

impl<'a> Template<'a> {
    /// Resolves one entry of `Resources`. Returns false when the resource is not created
    /// (its condition is false).
    fn resource(
        &self,
        key: &'a Node,
        def: &'a Node,
        wanted: Wanted<'_>,
        out: &mut ResolvedUnit,
    ) -> bool {
        let (conditional, assumed) = match def.get("Condition") {
            None => (false, None),
            Some(c) => match literal_str(c) {
                Some(name) => match truth(&self.condition_named(name, 0).value) {
                    Some(false) => return false,
                    Some(true) => (false, None),
                    None => (true, Some((name, self.span(c)))),
                },
                None => (true, None),
            },
        };
        let Some(id) = literal_str(key) else {
            return true;
        };
        let Some(kind) = def.get("Type").and_then(literal_str) else {
            return true;
        };
        // Wherever the resource exists, its condition holds: evaluated as true inside it.
        self.assumed.set(assumed);
        let properties = def.get("Properties");
        let body = match self.pick_map(properties, &mut Vec::new()) {
            Some(props) if wanted.kind(kind) => self.body(props, 0, wanted),
            _ => Body::default(),
        };
        let mut references = Vec::new();
        if let Some(p) = properties {
            self.written_references(p, 0, &mut references);
        }
        // What a nested stack or a custom resource receives may be used in ways we do not
        // see.
        let receiver = match kind {
            "AWS::CloudFormation::Stack" | "AWS::Serverless::Application" => {
                Some(format!("nested stack `{id}`"))
            }
            k if k == "AWS::CloudFormation::CustomResource" || k.starts_with("Custom::") => {
                Some(format!("custom resource `{id}`"))
            }
            _ => None,
        };
        if let (Some(context), Some(p)) = (receiver, properties) {
            self.escapes(p, &context, out);
        }
        self.assumed.set(None);
        out.resources.push(Resource {
            kind: kind.to_string(),
            address: id.to_string(),
            unit: self.unit,
            span: self.span(key),
            body_span: Span::new(self.file, key.span.start..def.span.end),
            definition: self.span(def),
            conditional,
            data: false,
            provider: None,
            body,
            references: references.into(),
        });
        true
    }

    /// The properties of a literal map that adapters read: each evaluated; those that are
    /// (after a known `Fn::If`) literal maps or lists are also blocks, one per map or list item.
    fn body(&self, map: &Node, depth: usize, wanted: Wanted<'_>) -> Body {
        let mut out = Body::default();
        if depth > MAX_DEPTH {
            return out;
        }
        for (k, v) in map.entries() {
            let Some(key) = literal_str(k) else {
                continue;
            };
            // A literal `null` is the property not set.
            if (v.is_null() && is_literal(v)) || !wanted.key(key) {
                continue;
            }
            out.attrs.push((key.to_string(), self.attr(v)));
            let mut via = Vec::new();
            match self.pick(v, &mut via) {
                Some(p) if is_literal_map(p) => {
                    out.blocks
                        .push((key.to_string(), self.block(p, via, depth, wanted)));
                }
                Some(p) if is_literal_seq(p) => {
                    for item in p.items() {
                        let mut item_via = via.clone();
                        let block = match self.pick(item, &mut item_via) {
                            Some(q) if is_literal_map(q) => self.block(q, item_via, depth, wanted),
                            // An item we cannot see into: its value, for what reads it
                            // whole.
                            Some(q) => Block {
                                value: Some(self.attr(q)),
                                ..self.empty_block(q, item_via)
                            },
                            None => Block {
                                value: Some(Attr::literal(ModelVal::Null, self.span(item))),
                                ..self.empty_block(item, item_via)
                            },
                        };
                        out.blocks.push((key.to_string(), block));
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn block(&self, map: &Node, via: Vec<Origin>, depth: usize, wanted: Wanted<'_>) -> Block {
        Block {
            body: self.body(map, depth + 1, wanted),
            ..self.empty_block(map, via)
        }
    }

    fn empty_block(&self, node: &Node, via: Vec<Origin>) -> Block {
        Block {
            span: self.span(node),
            header: self.span(node),
            via,
            body: Body::default(),
            expansion: BlockExpansion::Once,
            value: None,
        }
    }

    /// A property's value: its candidates (as alternatives) and the origins of all of them.
    fn attr(&self, node: &Node) -> Attr {
        let evaluated = self.eval(node);
        let chosen_by_condition = matches!(evaluated.value, Val::OneOf(_));
        let mut via = Vec::new();
        for candidate in evaluated.clone().split() {
            extend_via(&mut via, &candidate.via);
        }
        let value = evaluated.value.to_model();
        let mentions: Arc<[Mention]> = if contains_unknown(&value) {
            let mut found = Vec::new();
            self.references(node, 0, &mut found);
            found.into()
        } else {
            Arc::from([])
        };
        let expression = foldhash::fast::FixedState::default().hash_one(node.span.start);
        Attr {
            span: self.span(node),
            value_span: self.span(node),
            value,
            via,
            maybe_unset: false,
            chosen_by_condition,
            from_lookup: false,
            mentions,
            expression,
        }
    }

    /// Every resource of the template that `node` refers to is handed to `context`.
    pub(super) fn escapes(&self, node: &Node, context: &str, out: &mut ResolvedUnit) {
        let mut refs = Vec::new();
        self.references(node, 0, &mut refs);
        for mention in refs {
            if self.resources.contains_key(mention.address.as_str()) {
                out.escapes.push(Escape {
                    mention,
                    context: context.to_string(),
                    followed: false,
                });
            }
        }
    }
}

fn contains_unknown(value: &ModelVal) -> bool {
    match value {
        ModelVal::Unknown | ModelVal::SsmParameter(_) => true,
        ModelVal::List(items) | ModelVal::OneOf(items) => items.iter().any(contains_unknown),
        ModelVal::Map(entries) => entries.iter().any(|(_, v)| contains_unknown(v)),
        _ => false,
    }
}
