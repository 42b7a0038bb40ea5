//! A module's blocks into resolved resources: one per resource instance (`count`,
//! `for_each`), every attribute evaluated and every nested block (static and `dynamic`)
//! expanded, for the adapters in `model::from_terraform`.

use foldhash::HashMap;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use hcl_edit::expr::Expression;

use super::eval::{Binding, Env, Scope, MAX_INSTANCES};
use super::ir::{AttrIr, BlockIr, BodyIr};
use super::mentions::{self, MentionMap};
use super::value::{Evaluated, Val};
use crate::model::{Field, UnitId, Val as ModelVal};
use crate::resolved::{
    Attr, Block, BlockExpansion, Body, Escape, Mention, ModuleCall, ResolvedUnit, Resource, Wanted,
};
use crate::source::Span;

/// Nested blocks that configure Terraform itself, not the resource: never resolved.
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

pub(crate) struct Resolver<'s, 'a, 'w> {
    pub unit: UnitId,
    pub scope: &'s Scope<'a>,
    pub out: ResolvedUnit,
    wanted: Wanted<'w>,
    /// Resources each attribute mentions (the same for every instance of its resource).
    mentions: HashMap<u64, Arc<[Mention]>>,
    /// References of each resource declaration (the same for all its instances), by header.
    references: HashMap<Span, Arc<[Mention]>>,
}

/// One instance of a resource: the same shape as a module instance.
type ResInstance<'a> = super::modules::ModInstance<'a>;

/// Whether the expression is a conditional at its top (`c ? a : null`).
fn is_conditional(attr: &AttrIr<'_>) -> bool {
    let mut expr = match attr.expr() {
        Some(e) => e,
        None => return false,
    };
    loop {
        match expr {
            Expression::Parenthesis(p) => expr = p.inner(),
            Expression::StringTemplate(t) if t.len() == 1 => {
                match t.iter().next().and_then(|e| e.as_interpolation()) {
                    Some(i) => expr = &i.expr,
                    None => return false,
                }
            }
            Expression::Conditional(_) => return true,
            _ => return false,
        }
    }
}

/// `hashicorp/aws`, with or without its registry host.
fn is_aws_provider_source(source: &str) -> bool {
    let source = source.to_ascii_lowercase();
    source == "hashicorp/aws" || source == "registry.terraform.io/hashicorp/aws"
}

/// Whether every alternative of a value is a reference (or null), with at least one
/// reference: the value designates resources exactly.
fn designates_exactly(val: &Val) -> bool {
    !val.is_unknown()
        && val
            .alternatives()
            .iter()
            .all(|a| matches!(a, Val::Ref { .. } | Val::Null))
        && val
            .alternatives()
            .iter()
            .any(|a| matches!(a, Val::Ref { .. }))
}

impl<'s, 'a, 'w> Resolver<'s, 'a, 'w> {
    pub fn new(
        unit: UnitId,
        scope: &'s Scope<'a>,
        out: ResolvedUnit,
        wanted: Wanted<'w>,
    ) -> Resolver<'s, 'a, 'w> {
        Resolver {
            unit,
            scope,
            out,
            wanted,
            mentions: HashMap::default(),
            references: HashMap::default(),
        }
    }

    pub fn block(&mut self, block: &'a BlockIr<'a>) {
        match (block.ident, block.labels.as_slice()) {
            ("resource", [kind, name]) => {
                self.out.resource_count += 1;
                let address = format!("{kind}.{name}");
                let provider = provider_alias(block);
                for inst in self.instances(&address, &block.body) {
                    let r = self.resource(block, kind, &inst, false, provider.clone());
                    self.out.resources.push(r);
                }
            }
            ("data", [kind, name]) if self.wanted.kind(kind) => {
                let address = format!("data.{kind}.{name}");
                for inst in self.instances(&address, &block.body) {
                    let r = self.resource(block, kind, &inst, true, None);
                    self.out.resources.push(r);
                }
            }
            ("provider", ["aws"]) if block.body.attr("alias").is_some() => {
                let env = Env::default();
                let alias = self.field(&block.body, "alias", &env, ModelVal::as_string);
                let region = self.field(&block.body, "region", &env, ModelVal::as_string);
                let alias = alias.and_then(|a| a.known().cloned());
                self.default_tags(block, Some(alias.clone().unwrap_or_default()));
                if let (Some(alias), Some(region)) = (alias, region.filter(|r| r.known().is_some()))
                {
                    self.out.provider_aliases.push((alias, region));
                }
            }
            // The default (unaliased) provider's literal region prices the module's
            // resources when no region is given on the command line or in the config.
            ("provider", ["aws"]) => {
                self.default_tags(block, None);
                let env = Env::default();
                if let Some(region) = self.field(&block.body, "region", &env, ModelVal::as_string) {
                    if region.known().is_some() {
                        self.out.region = Some(region);
                    }
                }
            }
            ("terraform", []) => self.required_providers(block),
            ("output", [name]) => {
                let context = format!("output `{name}`");
                // A module instance's outputs are followed where its caller uses them.
                let followed = self.scope.modules.is_instance();
                for attr in &block.body.attrs {
                    self.escapes(attr, &context, followed);
                }
            }
            ("module", [name]) => {
                let context = format!("module `{name}`");
                // A local module is resolved here (`modules.rs`): its uses of what is passed
                // to it are seen.
                let followed = self.instantiate_module(name, block.span);
                for attr in &block.body.attrs {
                    self.escapes(attr, &context, followed);
                }
            }
            _ => {}
        }
    }

    /// The version constraints on the AWS provider in `required_providers`: an entry whose
    /// `source` is `hashicorp/aws` (any local name), or named `aws` without a source;
    /// `aws = { version = "..." }` or the legacy `aws = "..."`.
    fn required_providers(&mut self, block: &'a BlockIr<'a>) {
        let env = Env::default();
        for providers in block
            .body
            .blocks
            .iter()
            .filter(|b| b.ident == "required_providers")
        {
            for entry in &providers.body.attrs {
                let attr = self.attr(entry, &env);
                let version = match &attr.value {
                    ModelVal::Map(fields) => {
                        let get = |key: &str| {
                            fields
                                .iter()
                                .find(|(k, _)| k == key)
                                .and_then(|(_, v)| v.as_string())
                        };
                        let aws = match get("source") {
                            Some(source) => is_aws_provider_source(&source),
                            None => entry.key == "aws",
                        };
                        if !aws {
                            continue;
                        }
                        get("version")
                    }
                    ModelVal::Str(version) if entry.key == "aws" => Some(version.clone()),
                    _ => None,
                };
                if let Some(version) = version {
                    self.out
                        .aws_provider_versions
                        .push(Field::known_at(version, attr.value_span));
                }
            }
        }
    }

    /// The `default_tags` of a `provider "aws"` block (`alias` `None` for the default one):
    /// the tags every taggable resource on that provider gets.
    fn default_tags(&mut self, block: &'a BlockIr<'a>, alias: Option<String>) {
        for b in &block.body.blocks {
            let tags = match (b.ident, b.labels.as_slice()) {
                ("default_tags", _) => b.body.attr("tags").map(|t| self.attr(t, &Env::default())),
                // Generated: what it holds cannot be told.
                ("dynamic", ["default_tags"]) => None,
                _ => continue,
            };
            self.out.default_tags.push((alias.clone(), tags));
        }
    }

    fn instances(&self, address: &str, body: &'a BodyIr<'a>) -> Vec<ResInstance<'a>> {
        let expansion = self.scope.expansion(address);
        super::modules::expand_instances(address.to_string(), &expansion, body)
    }

    fn resource(
        &mut self,
        block: &'a BlockIr<'a>,
        kind: &str,
        inst: &ResInstance<'a>,
        data: bool,
        provider: Option<String>,
    ) -> Resource {
        let body = if self.wanted.kind(kind) {
            self.body(&block.body, &inst.env)
        } else {
            Body::default()
        };
        Resource {
            kind: kind.to_string(),
            // Inside a module instance: `module.disk.` + the address, conditional with the
            // call.
            address: format!("{}{}", self.scope.modules.prefix, inst.address),
            unit: self.unit,
            span: block.header,
            body_span: block.span,
            definition: block.span,
            conditional: inst.conditional || self.scope.modules.conditional,
            data,
            provider,
            body,
            references: if data {
                Arc::from([])
            } else {
                self.references
                    .entry(block.header)
                    .or_insert_with(|| mentions::references(self.scope, &block.body).into())
                    .clone()
            },
        }
    }

    /// Every attribute and nested block of `body` that adapters read, `dynamic` blocks
    /// expanded.
    fn body(&mut self, body: &'a BodyIr<'a>, env: &Env<'a>) -> Body {
        let mut out = Body::default();
        for attr in &body.attrs {
            if matches!(attr.key, "count" | "for_each" | "provider" | "depends_on")
                || !self.wanted.key(attr.key)
            {
                continue;
            }
            let a = self.attr(attr, env);
            out.attrs.push((attr.key.to_string(), a));
        }
        for block in &body.blocks {
            let name = match (block.ident, block.labels.as_slice()) {
                ("dynamic", [name]) => *name,
                ("dynamic", _) => continue,
                (ident, _) => ident,
            };
            if META_BLOCKS.contains(&name) || !self.wanted.key(name) {
                continue;
            }
            for b in self.expand(block, name, env) {
                out.blocks.push((name.to_string(), b));
            }
        }
        out
    }

    /// The blocks a nested block stands for: itself, or the elements of a `dynamic` block.
    fn expand(&mut self, block: &'a BlockIr<'a>, name: &str, env: &Env<'a>) -> Vec<Block> {
        if block.ident != "dynamic" {
            return vec![Block {
                span: block.span,
                header: block.ident_span,
                via: Vec::new(),
                body: self.body(&block.body, env),
                expansion: BlockExpansion::Once,
                value: None,
            }];
        }
        let content = block.body.blocks.iter().find(|b| b.ident == "content");
        let iterator = block
            .body
            .attr("iterator")
            .and_then(|a| match a.expr() {
                Some(Expression::Variable(v)) => Some(v.as_str().to_string()),
                Some(Expression::String(s)) => Some(s.value().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| name.to_string());
        let for_each = block.body.attr("for_each");
        let collection = for_each.map(|a| self.scope.value_of(a, env));
        let items: Option<Vec<(Val, Val)>> = match collection.as_ref().map(|c| &c.val) {
            Some(Val::List(items)) if items.len() <= MAX_INSTANCES => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::Num(i as f64), v.clone()))
                    .collect(),
            ),
            Some(Val::Obj(entries)) if entries.len() <= MAX_INSTANCES => Some(
                entries
                    .iter()
                    .map(|(k, v)| (Val::Str(k.clone()), v.clone()))
                    .collect(),
            ),
            _ => None,
        };
        // Past the evaluation budget, the blocks are as for an unknown collection.
        let items = items.filter(|i| self.scope.afford_instances(i.len()));
        match (items, content) {
            (Some(items), Some(content)) => {
                let via = collection.map(|c| c.via).unwrap_or_default();
                items
                    .into_iter()
                    .map(|(k, v)| {
                        let env = env.with(Binding {
                            name: iterator.clone(),
                            value: Evaluated {
                                val: Val::obj(vec![("key".into(), k), ("value".into(), v)]),
                                via: via.clone(),
                            },
                            source: for_each,
                        });
                        Block {
                            span: block.span,
                            header: block.header,
                            via: Vec::new(),
                            body: self.body(&content.body, &env),
                            expansion: BlockExpansion::Once,
                            value: None,
                        }
                    })
                    .collect()
            }
            (Some(_), None) => Vec::new(),
            // Over an unknown collection: any number of blocks, each with the iterator
            // unknown.
            (None, content) => {
                let env = env.with(Binding {
                    name: iterator,
                    value: Evaluated::unknown(),
                    source: for_each,
                });
                vec![Block {
                    span: block.span,
                    header: block.header,
                    via: Vec::new(),
                    body: match content {
                        Some(c) => self.body(&c.body, &env),
                        None => Body::default(),
                    },
                    expansion: BlockExpansion::AnyNumber,
                    value: None,
                }]
            }
        }
    }

    /// Attribute `key` of `body` as a field; `None` when absent or null.
    fn field<T: PartialEq>(
        &mut self,
        body: &BodyIr<'_>,
        key: &str,
        env: &Env<'a>,
        convert: impl Fn(&ModelVal) -> Option<T>,
    ) -> Option<Field<T>> {
        let attr = self.attr(body.attr(key)?, env);
        (attr.value != ModelVal::Null).then(|| attr.field(convert))
    }

    /// One attribute, evaluated.
    fn attr(&mut self, attr: &AttrIr<'_>, env: &Env<'a>) -> Attr {
        let e = self.scope.value_of(attr, env);
        let expression = self.expression_id(attr, env);
        let mentions = if designates_exactly(&e.val) {
            Arc::from([])
        } else {
            self.cached_mentions(expression, attr, env)
        };
        Attr {
            span: attr.span,
            value_span: attr.value_span,
            value: e.val.to_model(),
            via: e.via,
            maybe_unset: false,
            chosen_by_condition: is_conditional(attr),
            from_lookup: false,
            mentions,
            expression,
        }
    }

    /// The identity of an attribute's expression in this module instance: its place, and the
    /// `for_each` collections its bound names come from.
    fn expression_id(&self, attr: &AttrIr<'_>, env: &Env<'a>) -> u64 {
        let mut h = foldhash::fast::FixedState::default().build_hasher();
        self.scope.modules.prefix.hash(&mut h);
        attr.value_span.hash(&mut h);
        for b in &env.bindings {
            b.name.hash(&mut h);
            b.source.map(|s| s.value_span).hash(&mut h);
        }
        h.finish()
    }

    fn cached_mentions(&mut self, key: u64, attr: &AttrIr<'_>, env: &Env<'a>) -> Arc<[Mention]> {
        if let Some(m) = self.mentions.get(&key) {
            return m.clone();
        }
        let mut found = BTreeMap::new();
        mentions::mentions(self.scope, attr, env, &mut found, &mut Vec::new());
        let found: Arc<[Mention]> = flatten(&found).into();
        self.mentions.insert(key, found.clone());
        found
    }

    /// The resources an output or a module argument hands out.
    fn escapes(&mut self, attr: &AttrIr<'_>, context: &str, followed: bool) {
        let mut found = BTreeMap::new();
        mentions::mentions(
            self.scope,
            attr,
            &Env::default(),
            &mut found,
            &mut Vec::new(),
        );
        for mention in flatten(&found) {
            self.out.escapes.push(Escape {
                mention,
                context: context.to_string(),
                followed,
            });
        }
    }

    /// Resolves every instance of local module `name` into this unit. False when the call
    /// is not a local module that could be instantiated (remote, missing, cyclic, over a
    /// limit): its arguments then escape.
    /// Each instance is recorded with its `block` (for suppressions on the call).
    pub(super) fn instantiate_module(&mut self, name: &str, block: Span) -> bool {
        if !self.scope.is_local_call(name) {
            return false;
        }
        let mut all = true;
        for instance in &self.scope.module_instances(name).list {
            let Some(child) = self.scope.module_instance(name, &instance.address) else {
                all = false;
                continue;
            };
            let files = child.modules.files;
            self.out.module_calls.push(ModuleCall {
                block,
                prefix: child.modules.prefix.clone(),
            });
            let empty = ResolvedUnit::new(self.out.unit.clone());
            let out = std::mem::replace(&mut self.out, empty);
            let mut r = Resolver::new(self.unit, &child, out, self.wanted);
            for f in files {
                for block in &f.body.blocks {
                    r.block(block);
                }
            }
            self.out = r.out;
        }
        all
    }
}

/// Mentions by address (in address order), each attribute read in the order found.
fn flatten(found: &MentionMap) -> Vec<Mention> {
    found
        .iter()
        .flat_map(|(address, reads)| {
            reads.iter().map(move |(attr, span)| Mention {
                address: address.clone(),
                attr: attr.clone(),
                span: *span,
            })
        })
        .collect()
}

/// `provider = aws.west`: the alias of the provider a resource names.
fn provider_alias(block: &BlockIr<'_>) -> Option<String> {
    block.body.attr("provider").and_then(|a| match a.expr() {
        Some(Expression::Traversal(t)) => match (&t.expr, t.operators.first()) {
            (Expression::Variable(root), Some(op)) if root.as_str() == "aws" => match op.value() {
                hcl_edit::expr::TraversalOperator::GetAttr(alias) => {
                    Some(alias.as_str().to_string())
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    })
}
