//! The plan into resolved resources: every managed resource instance of `planned_values`
//! (module paths and instance keys in its address) with its planned values as a
//! Terraform-shaped body, the `data "aws_ami"` lookups of `prior_state`, the root outputs that
//! hand resources out, and the provider's region.
//!
//! What the configuration does not write is absent (a value the provider reads back or
//! defaults, such as the `iops` of an existing gp2 volume, is not a setting); what Terraform
//! cannot know before the apply is unknown. A value that designates another resource of the
//! plan becomes a reference: a known id (the resource is already in the state) matched by
//! value, or an unknown value whose configuration references lead, through module outputs and
//! arguments, to resources of the plan.

use foldhash::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::Arc;

use serde_json::Value as Json;

use super::address::ModSel;
use super::index::Resources;
use super::node::{references, to_val, with_unknowns, Change, Node, PlanResource, Slot};
use super::references::{mentions, Resolution};
use super::{Obj, PlanJson, PlanSpans, MAX_DEPTH};
use crate::model::address::parse_module_address;
use crate::model::{Field, Origin, OriginKind, Ref, SourceKind, Unit, UnitId, Val, Value};
use crate::resolved::{
    Attr, Block, BlockExpansion, Body, Escape, Mention, ResolvedUnit, Resource, Wanted,
};
use crate::source::{FileId, Span};

/// Root variable name -> its origin in the plan's `variables`.
type Vars = HashMap<String, Origin>;

static EMPTY: std::sync::LazyLock<Obj> = std::sync::LazyLock::new(Obj::new);

pub(super) struct Planner<'a, 'w> {
    unit: UnitId,
    file: FileId,
    name: &'a str,
    root: &'a Json,
    spans: &'a PlanSpans,
    vars: Vars,
    pub(super) wanted: Wanted<'w>,
}

impl<'a, 'w> Planner<'a, 'w> {
    pub fn new(
        unit: UnitId,
        file: FileId,
        name: &'a str,
        plan: &'a PlanJson,
        wanted: Wanted<'w>,
    ) -> Planner<'a, 'w> {
        let (root, spans) = (&plan.root, &plan.spans);
        let mut vars = Vars::default();
        for (var, range) in &spans.variables {
            let value = root
                .get("variables")
                .and_then(|v| v.get(var))
                .and_then(|v| v.get("value"));
            let shown = match value {
                Some(Json::String(s)) => format!(" = \"{s}\""),
                Some(v @ (Json::Number(_) | Json::Bool(_))) => format!(" = {v}"),
                _ => String::new(),
            };
            vars.insert(
                var.clone(),
                Origin {
                    span: Span::new(file, range.clone()),
                    label: format!("variable `{var}`{shown} (plan input)"),
                    kind: OriginKind::Plan,
                },
            );
        }
        Planner {
            unit,
            file,
            name,
            root,
            spans,
            vars,
            wanted,
        }
    }

    pub fn run(self) -> ResolvedUnit {
        let complete = self.root.get("complete") != Some(&Json::Bool(false))
            && self.root.get("errored") != Some(&Json::Bool(true));
        let mut out = ResolvedUnit::new(Unit {
            id: self.unit,
            kind: SourceKind::Terraform,
            name: self.name.to_string(),
            complete,
        });
        let mut changes: HashMap<&'a str, Change<'a>> = HashMap::default();
        if let Some(list) = self.root.get("resource_changes").and_then(Json::as_array) {
            for rc in list {
                let (Some(address), Some(change)) =
                    (rc.get("address").and_then(Json::as_str), rc.get("change"))
                else {
                    continue;
                };
                let created = change
                    .get("actions")
                    .and_then(Json::as_array)
                    .is_some_and(|a| a.iter().any(|x| x.as_str() == Some("create")));
                changes.entry(address).or_insert(Change {
                    unknown: change.get("after_unknown"),
                    created,
                });
            }
        }
        let mut resources = Vec::new();
        if let Some(module) = self
            .root
            .get("planned_values")
            .and_then(|p| p.get("root_module"))
        {
            self.collect(module, "", 0, &changes, &mut resources);
        }
        out.resource_count = resources.len();
        let plan = Resources::new(&resources);
        let context = Context {
            plan: &plan,
            mentioned: plan.mentioned(self.root).into(),
        };
        let mut shared: HashMap<(String, &str, &str), Arc<[Mention]>> = HashMap::default();
        for r in &resources {
            let body = if self.wanted.kind(r.kind) {
                self.body(r, &Node::of(r), "", &context)
            } else {
                Body::default()
            };
            // The instances of one declaration in one module instance share their references.
            let references = shared
                .entry((format!("{:?}", r.module), r.kind, r.name))
                .or_insert_with(|| self.references(r, &context))
                .clone();
            out.resources.push(Resource {
                kind: r.kind.to_string(),
                address: r.address.clone(),
                unit: self.unit,
                span: r.span,
                body_span: r.span,
                definition: r.span,
                conditional: false,
                data: false,
                provider: None,
                body,
                references,
            });
        }
        out.region = self.region();
        out.default_tags = self.default_tags();
        self.ami_lookups(&mut out);
        self.outputs(&plan, &mut out);
        out
    }

    /// The region of the default `provider "aws"`, when literal or a root variable.
    fn region(&self) -> Option<Field<String>> {
        let provider = self
            .root
            .get("configuration")?
            .get("provider_config")?
            .get("aws")?;
        if provider.get("alias").is_some() {
            return None;
        }
        let expression = provider.get("expressions")?.get("region")?;
        let span = self.span(self.spans.region.as_ref());
        if let Some(Json::String(region)) = expression.get("constant_value") {
            return Some(Field::known_at(region.clone(), span));
        }
        match references(Some(expression)).as_slice() {
            [only] => {
                let name = only.strip_prefix("var.")?;
                let value = self
                    .root
                    .get("variables")?
                    .get(name)?
                    .get("value")?
                    .as_str()?;
                Some(Field {
                    value: Value::Known(value.to_string()),
                    span,
                    via: self.vars.get(name).cloned().into_iter().collect(),
                })
            }
            _ => None,
        }
    }

    /// The `default_tags` of each `provider "aws"` configuration: a literal map is known, any
    /// other expression unknown.
    fn default_tags(&self) -> Vec<(Option<String>, Option<Attr>)> {
        let Some(providers) = self
            .root
            .get("configuration")
            .and_then(|c| c.get("provider_config"))
            .and_then(Json::as_object)
        else {
            return Vec::new();
        };
        let span = self.span(self.spans.region.as_ref());
        let mut out = Vec::new();
        for provider in providers.values() {
            if provider.get("name").and_then(Json::as_str) != Some("aws") {
                continue;
            }
            let alias = provider
                .get("alias")
                .and_then(Json::as_str)
                .map(str::to_string);
            let blocks = provider
                .get("expressions")
                .and_then(|e| e.get("default_tags"))
                .and_then(Json::as_array);
            for block in blocks.into_iter().flatten() {
                let value = match block.get("tags").and_then(|t| t.get("constant_value")) {
                    Some(v) => to_val(v),
                    None => Val::Unknown,
                };
                out.push((alias.clone(), Some(Attr::literal(value, span))));
            }
        }
        out
    }

    fn span(&self, range: Option<&Range<usize>>) -> Span {
        Span::new(self.file, range.cloned().unwrap_or(0..0))
    }

    /// The managed resources of a planned module and its children.
    fn collect(
        &self,
        module: &'a Json,
        module_address: &str,
        depth: usize,
        changes: &HashMap<&'a str, Change<'a>>,
        out: &mut Vec<PlanResource<'a>>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let steps = parse_module_address(module_address);
        if let (Some(list), Some(steps)) = (
            module.get("resources").and_then(Json::as_array),
            steps.as_ref(),
        ) {
            for r in list {
                let (Some(address), Some(kind), Some(name), Some("managed")) = (
                    r.get("address").and_then(Json::as_str),
                    r.get("type").and_then(Json::as_str),
                    r.get("name").and_then(Json::as_str),
                    r.get("mode").and_then(Json::as_str),
                ) else {
                    continue;
                };
                let config = self
                    .config_resource(steps.iter().map(|s| s.name.as_str()), kind, name)
                    .map(|c| {
                        c.get("expressions")
                            .and_then(Json::as_object)
                            .unwrap_or(&*EMPTY)
                    });
                out.push(PlanResource {
                    address: address.to_string(),
                    module: steps.clone(),
                    kind,
                    name,
                    index: r.get("index"),
                    values: r.get("values").and_then(Json::as_object),
                    unknown: changes.get(address).and_then(|c| c.unknown),
                    config,
                    created: changes.get(address).is_some_and(|c| c.created),
                    span: self.span(self.spans.planned.get(address)),
                });
            }
        }
        if let Some(children) = module.get("child_modules").and_then(Json::as_array) {
            for child in children {
                if let Some(address) = child.get("address").and_then(Json::as_str) {
                    self.collect(child, address, depth + 1, changes, out);
                }
            }
        }
    }

    /// The configuration of a module, by the names of its calls from the root.
    pub(super) fn config_module<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
    ) -> Option<&'a Json> {
        let mut module = self.root.get("configuration")?.get("root_module")?;
        for name in names {
            module = module.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(module)
    }

    /// The configuration of a managed resource.
    fn config_resource<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
        kind: &str,
        name: &str,
    ) -> Option<&'a Json> {
        self.config_module(names)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| {
                r.get("mode").and_then(Json::as_str).unwrap_or("managed") == "managed"
                    && r.get("type").and_then(Json::as_str) == Some(kind)
                    && r.get("name").and_then(Json::as_str) == Some(name)
            })
    }

    /// A planned object as a Terraform-shaped body. `part` names the nested block within the
    /// resource (`subnet_mapping 0 `), for the identity of its expressions.
    fn body(&self, r: &PlanResource<'a>, node: &Node<'a>, part: &str, cx: &Context) -> Body {
        let mut out = Body::default();
        for key in node.keys() {
            if node.is_block(key) {
                for (i, child) in node.blocks(key).iter().enumerate() {
                    let part = format!("{part}{key} {i} ");
                    out.blocks.push((
                        key.to_string(),
                        Block {
                            span: r.span,
                            header: r.span,
                            via: Vec::new(),
                            body: self.body(r, child, &part, cx),
                            expansion: BlockExpansion::Once,
                            value: None,
                        },
                    ));
                }
                continue;
            }
            if node.written(key) == Some(false) {
                continue;
            }
            let value = match node.slot(key) {
                Slot::Null => continue,
                Slot::Known(v) => with_unknowns(to_val(v), node.unknown.and_then(|u| u.get(key))),
                Slot::Unknown => Val::Unknown,
            };
            let attr = self.attr(r, node, part, key, value, cx);
            out.attrs.push((key.to_string(), attr));
        }
        out
    }

    /// One planned attribute, with the resources it designates.
    fn attr(
        &self,
        r: &PlanResource<'a>,
        node: &Node<'a>,
        part: &str,
        key: &str,
        value: Val,
        cx: &Context,
    ) -> Attr {
        let module = ModSel::exact(&r.module);
        let refs = node.references(key);
        // The same expression in the same module instance resolves the same way.
        let expression = foldhash::fast::FixedState::default()
            .hash_one(format!("{:?}|{}.{}|{part}|{key}", r.module, r.kind, r.name));
        let mut attr = Attr {
            span: r.span,
            value_span: r.span,
            via: if matches!(value, Val::Unknown) {
                Vec::new()
            } else {
                self.var_origin(node, key)
            },
            value,
            maybe_unset: node.written(key).is_none(),
            chosen_by_condition: false,
            // A value the plan resolved from a data source, another resource or a local is
            // not what the configuration pins.
            from_lookup: node.config.is_some() && !self.is_static(&module, &refs, 0),
            mentions: Arc::from([]),
            expression,
        };
        match &attr.value {
            // A known id: a resource already in the state, matched by value. None of ours:
            // something allocated outside this plan.
            Val::Str(s) if !s.is_empty() => {
                let matched: Vec<Val> = cx
                    .plan
                    .with_value(s)
                    .iter()
                    .map(|e| reference(&e.address))
                    .collect();
                if !matched.is_empty() {
                    attr.value = one_of(matched);
                } else if let Some(named) = self.named(&module, &refs, s, cx) {
                    attr.value = named;
                }
            }
            Val::List(items) if items.iter().any(|v| matches!(v, Val::Str(_))) => {
                let items = items
                    .iter()
                    .map(|item| {
                        match item {
                            Val::Str(s) => self.named(&module, &refs, s, cx),
                            _ => None,
                        }
                        .unwrap_or_else(|| item.clone())
                    })
                    .collect();
                attr.value = Val::List(items);
            }
            Val::Unknown => {
                let mut resolution = Resolution::default();
                // No expression: a `dynamic` block, left out of the configuration section.
                self.resolve(&module, &refs, 0, &mut resolution);
                let found = cx.plan.instances_of(&resolution.targets);
                if found.is_empty() {
                    // Through a local (not in the plan's configuration), another resource or
                    // a `dynamic` block: the resources the configuration mentions anywhere
                    // are each possibly the one.
                    attr.mentions = cx.mentioned.clone();
                    attr.chosen_by_condition = true;
                } else if resolution.opaque {
                    // The value may come from elsewhere: each is possibly the one.
                    attr.mentions = found
                        .iter()
                        .map(|e| Mention {
                            address: e.address.clone(),
                            attr: None,
                            span: e.span,
                        })
                        .collect();
                    attr.chosen_by_condition = true;
                } else {
                    attr.value = one_of(found.iter().map(|e| reference(&e.address)).collect());
                }
            }
            _ => {}
        }
        attr
    }

    /// The value comes straight from a root variable (`type = var.volume_type`).
    fn var_origin(&self, node: &Node<'a>, key: &str) -> Vec<Origin> {
        if !node.root {
            return Vec::new();
        }
        match node.references(key).as_slice() {
            [only] => only
                .strip_prefix("var.")
                .and_then(|name| self.vars.get(name))
                .map(|o| vec![o.clone()])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// `data "aws_ami"` lookups read at plan time (`prior_state`).
    fn ami_lookups(&self, out: &mut ResolvedUnit) {
        if !self.wanted.kind("aws_ami") {
            return;
        }
        let Some(module) = self
            .root
            .get("prior_state")
            .and_then(|s| s.get("values"))
            .and_then(|v| v.get("root_module"))
        else {
            return;
        };
        let mut stack = vec![(module, 0usize)];
        while let Some((module, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                continue;
            }
            for r in module
                .get("resources")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let (Some(address), Some("data"), Some("aws_ami")) = (
                    r.get("address").and_then(Json::as_str),
                    r.get("mode").and_then(Json::as_str),
                    r.get("type").and_then(Json::as_str),
                ) else {
                    continue;
                };
                let span = self.span(self.spans.prior.get(address));
                let values = r.get("values").and_then(Json::as_object);
                out.resources.push(Resource {
                    kind: "aws_ami".to_string(),
                    address: address.to_string(),
                    unit: self.unit,
                    span,
                    body_span: span,
                    definition: span,
                    conditional: false,
                    data: true,
                    provider: None,
                    body: read_values(values, span),
                    references: Arc::from([]),
                });
            }
            for child in module
                .get("child_modules")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                stack.push((child, depth + 1));
            }
        }
    }

    /// Root outputs that hand out resources of the plan: another configuration may use them.
    fn outputs(&self, plan: &Resources<'_, 'a>, out: &mut ResolvedUnit) {
        let Some(outputs) = self
            .config_module(std::iter::empty())
            .and_then(|m| m.get("outputs"))
            .and_then(Json::as_object)
        else {
            return;
        };
        let root = ModSel(Vec::new());
        for (name, output) in outputs {
            let refs = references(output.get("expression"));
            let span = self.span(self.spans.outputs.get(name));
            let mut resolution = Resolution::default();
            self.resolve(&root, &refs, 0, &mut resolution);
            // With the attribute handed out: an output of a balancer's `dns_name` cannot give
            // it a listener (before, every output escaped the whole resource).
            for e in mentions(plan, &resolution.targets, span) {
                out.escapes.push(Escape {
                    mention: e,
                    context: format!("output `{name}`"),
                    followed: false,
                });
            }
        }
    }
}

/// What attributes are resolved against.
pub(super) struct Context<'p, 'r, 'a> {
    pub(super) plan: &'p Resources<'r, 'a>,
    /// The plan's `relevant_attributes`, as instances.
    pub(super) mentioned: Arc<[Mention]>,
}

/// The values of a data source read at plan time (no configuration: everything is as read).
fn read_values(values: Option<&Obj>, span: Span) -> Body {
    let mut body = Body::default();
    for (key, value) in values.into_iter().flatten() {
        match value {
            Json::Null => {}
            Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_object) => {
                for item in items {
                    body.blocks.push((
                        key.clone(),
                        Block {
                            span,
                            header: span,
                            via: Vec::new(),
                            body: read_values(item.as_object(), span),
                            expansion: BlockExpansion::Once,
                            value: None,
                        },
                    ));
                }
            }
            v => body
                .attrs
                .push((key.clone(), Attr::literal(to_val(v), span))),
        }
    }
    body
}

pub(super) fn reference(address: &str) -> Val {
    Val::Ref(Ref {
        address: address.to_string(),
        attr: None,
    })
}

/// One value, or the alternatives of several.
pub(super) fn one_of(mut values: Vec<Val>) -> Val {
    match values.len() {
        0 => Val::Unknown,
        1 => values.pop().unwrap_or(Val::Unknown),
        _ => Val::OneOf(values),
    }
}
