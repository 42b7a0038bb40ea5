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

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use serde_json::Value as Json;

use super::address::{KeySel, ModSel};
use super::index::{Resources, Target};
use super::node::{references, to_val, with_unknowns, Change, Node, PlanResource, Slot};
use super::{Obj, PlanJson, PlanSpans, MAX_DEPTH};
use crate::model::address::{parse_module_address, parse_traversal, TSeg};
use crate::model::{Field, Origin, OriginKind, Ref, SourceKind, Unit, UnitId, Val, Value};
use crate::resolved::{
    Attr, Block, BlockExpansion, Body, Escape, Mention, ResolvedUnit, Resource, Wanted,
};
use crate::source::{FileId, Span};

/// Root variable name -> its origin in the plan's `variables`.
type Vars = HashMap<String, Origin>;

static EMPTY: std::sync::LazyLock<Obj> = std::sync::LazyLock::new(Obj::new);

/// The attributes whose value names the resource where other resources take a name, not an
/// id: a value equal to the planned one designates the resource it was read from.
const NAMES: &[(&str, &str)] = &[
    ("aws_security_group", "name"),
    ("aws_launch_configuration", "name"),
    ("aws_launch_template", "name"),
    ("aws_placement_group", "name"),
    ("aws_key_pair", "key_name"),
];

/// What the references of one expression designate.
#[derive(Debug, Default)]
struct Resolution {
    targets: Vec<Target>,
    /// A reference we cannot see through (a local, a data source, an unresolved module
    /// output): the value may come from it instead.
    opaque: bool,
    /// Among them a local, which may hold a reference to any resource of the module.
    local: bool,
}

pub(super) struct Planner<'a, 'w> {
    unit: UnitId,
    file: FileId,
    name: &'a str,
    root: &'a Json,
    spans: &'a PlanSpans,
    vars: Vars,
    wanted: Wanted<'w>,
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
        let mut vars = Vars::new();
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
        let mut changes: HashMap<&'a str, Change<'a>> = HashMap::new();
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
        let mut shared: HashMap<(String, &str, &str), Arc<[Mention]>> = HashMap::new();
        for r in &resources {
            let body = if (self.wanted)(r.kind) {
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
    fn config_module<'n>(&self, names: impl Iterator<Item = &'n str>) -> Option<&'a Json> {
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

    /// Every resource of the plan the resource's configuration references, with the attribute
    /// read, whatever its type: what the adapters need to see a use by a resource whose
    /// meaning they do not read (an ECS service registering tasks with a target group, an EIP's
    /// allocation handed to a resource we do not model). Before, a plan had none, so such
    /// uses were not escapes in plans as they are in the configuration. A reference through
    /// a local of a type no adapter reads may be any resource the configuration mentions.
    fn references(&self, r: &PlanResource<'a>, cx: &Context) -> Arc<[Mention]> {
        let Some(config) = r.config else {
            return Arc::from([]);
        };
        let mut lists = Vec::new();
        for expression in config.values() {
            expression_references(expression, 0, &mut lists);
        }
        let module = ModSel::exact(&r.module);
        let mut out: Vec<Mention> = Vec::new();
        for refs in &lists {
            let mut resolution = Resolution::default();
            self.resolve(&module, refs, 0, &mut resolution);
            let mut found = mentions(cx.plan, &resolution.targets, r.span);
            if resolution.local && !(self.wanted)(r.kind) {
                found.extend(cx.mentioned.iter().cloned());
            }
            for m in found {
                if m.address != r.address && !out.contains(&m) {
                    out.push(m);
                }
            }
        }
        out.into()
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
        let mut h = std::hash::DefaultHasher::new();
        format!("{:?}|{}.{}|{part}|{key}", r.module, r.kind, r.name).hash(&mut h);
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
            expression: h.finish(),
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

    /// A known name that designates a resource the expression references: the planned name
    /// of that resource (`security_groups = [aws_security_group.web.name]`, known in the plan
    /// when the configuration writes the group's name), as a reference to it, the way the
    /// configuration frontend reads it. Before, the plan had only the name, which designates
    /// nothing of the unit.
    fn named(&self, module: &ModSel, refs: &[String], value: &str, cx: &Context) -> Option<Val> {
        if refs.is_empty() || value.is_empty() {
            return None;
        }
        let mut resolution = Resolution::default();
        self.resolve(module, refs, 0, &mut resolution);
        let mut found = Vec::new();
        for t in &resolution.targets {
            let Some(attr) = t.attr.as_deref() else {
                continue;
            };
            if !NAMES.contains(&(t.kind.as_str(), attr)) {
                continue;
            }
            for e in cx.plan.instances_of(std::slice::from_ref(t)) {
                let planned = e.values.and_then(|v| v.get(attr)).and_then(Json::as_str);
                if planned == Some(value) && !found.contains(&reference(&e.address)) {
                    found.push(reference(&e.address));
                }
            }
        }
        (!found.is_empty()).then(|| one_of(found))
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

    /// Follows references from `module` to managed resources: those of the module, module
    /// outputs into the child, variables of a child module into the call's arguments in the
    /// parent.
    fn resolve(&self, module: &ModSel, refs: &[String], depth: usize, out: &mut Resolution) {
        if depth > MAX_DEPTH {
            out.opaque = true;
            return;
        }
        for reference in refs {
            let Some(segs) = parse_traversal(reference) else {
                out.opaque = true;
                continue;
            };
            let name_at = |i: usize| match segs.get(i) {
                Some(TSeg::Name(n)) => Some(n.as_str()),
                _ => None,
            };
            match name_at(0) {
                // Known at plan time (root variables, `count.index`, `each.*`...): had the
                // value come from them, it would be known.
                Some("count" | "each" | "path" | "terraform" | "self") => {}
                Some("var") if module.0.is_empty() => {}
                Some("var") => {
                    let Some(var) = name_at(1) else {
                        out.opaque = true;
                        continue;
                    };
                    let parent = ModSel(module.0[..module.0.len() - 1].to_vec());
                    let call = module.0.last().map(|(n, _)| n.as_str()).unwrap_or("");
                    let argument = self
                        .config_module(parent.names())
                        .and_then(|m| m.get("module_calls"))
                        .and_then(|c| c.get(call))
                        .and_then(|c| c.get("expressions"))
                        .and_then(|e| e.get(var));
                    // No argument: the variable's default, known, so not where an unknown
                    // value came from.
                    if let Some(a) = argument {
                        self.resolve(&parent, &references(Some(a)), depth + 1, out);
                    }
                }
                Some("module") => self.resolve_output(module, refs, reference, &segs, depth, out),
                // Locals (not in the plan's configuration), data sources.
                Some("local") => {
                    out.opaque = true;
                    out.local = true;
                }
                Some("data") | None => out.opaque = true,
                // Terraform lists `aws_lb.web` and `aws_lb.web[0]` after `aws_lb.web[0].arn`:
                // a prefix of a longer reference is not a use of the whole object.
                Some(_) if is_prefix_of_another(reference, refs) => {}
                Some(kind) => match name_at(1) {
                    Some(name) => {
                        let (index, attr_at) = match segs.get(2) {
                            Some(TSeg::Index(k)) if !k.is_null() => (Some(k.clone()), 3),
                            Some(TSeg::Index(_)) => (None, 3),
                            _ => (None, 2),
                        };
                        let target = Target {
                            module: module.clone(),
                            kind: kind.to_string(),
                            name: name.to_string(),
                            index,
                            attr: name_at(attr_at).map(str::to_string),
                        };
                        if !out.targets.contains(&target) {
                            out.targets.push(target);
                        }
                    }
                    None => out.opaque = true,
                },
            }
        }
    }

    /// `module.<call>[key].<output>`: the output's expression in the child module.
    fn resolve_output(
        &self,
        module: &ModSel,
        refs: &[String],
        reference: &str,
        segs: &[TSeg],
        depth: usize,
        out: &mut Resolution,
    ) {
        let name_at = |i: usize| match segs.get(i) {
            Some(TSeg::Name(n)) => Some(n.as_str()),
            _ => None,
        };
        let Some(call) = name_at(1) else {
            out.opaque = true;
            return;
        };
        let (key, output_at) = match segs.get(2) {
            Some(TSeg::Index(k)) if !k.is_null() => (KeySel::Exact(Some(k.clone())), 3),
            Some(TSeg::Index(_)) => (KeySel::Any, 3),
            _ => (KeySel::Any, 2),
        };
        let Some(output) = name_at(output_at) else {
            // `module.net` itself, listed next to `module.net.eip_id`.
            let more = refs.iter().any(|o| {
                o != reference
                    && (o.starts_with(&format!("{reference}."))
                        || o.starts_with(&format!("{reference}[")))
            });
            if !more {
                out.opaque = true;
            }
            return;
        };
        let mut child = module.clone();
        child.0.push((call.to_string(), key));
        let expression = self
            .config_module(child.names())
            .and_then(|m| m.get("outputs"))
            .and_then(|o| o.get(output))
            .and_then(|o| o.get("expression"));
        match expression {
            Some(e) => self.resolve(&child, &references(Some(e)), depth + 1, out),
            None => out.opaque = true,
        }
    }

    /// Whether the references of a value lead only to constants and root variables (a value
    /// written in the configuration), not to a data source, a resource or a local.
    fn is_static(&self, module: &ModSel, refs: &[String], depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        refs.iter().all(|reference| {
            let Some(segs) = parse_traversal(reference) else {
                return false;
            };
            match segs.first() {
                Some(TSeg::Name(n))
                    if matches!(n.as_str(), "count" | "each" | "path" | "terraform") =>
                {
                    true
                }
                Some(TSeg::Name(n)) if n == "var" && module.0.is_empty() => true,
                Some(TSeg::Name(n)) if n == "var" => {
                    let Some(TSeg::Name(var)) = segs.get(1) else {
                        return false;
                    };
                    let parent = ModSel(module.0[..module.0.len() - 1].to_vec());
                    let call = module.0.last().map(|(n, _)| n.as_str()).unwrap_or("");
                    match self
                        .config_module(parent.names())
                        .and_then(|m| m.get("module_calls"))
                        .and_then(|c| c.get(call))
                        .and_then(|c| c.get("expressions"))
                        .and_then(|e| e.get(var.as_str()))
                    {
                        Some(a) => self.is_static(&parent, &references(Some(a)), depth + 1),
                        // The variable's default.
                        None => true,
                    }
                }
                _ => false,
            }
        })
    }

    /// `data "aws_ami"` lookups read at plan time (`prior_state`).
    fn ami_lookups(&self, out: &mut ResolvedUnit) {
        if !(self.wanted)("aws_ami") {
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

/// The instances the targets designate, each with the attribute read, at `span` (where the
/// plan names them when empty).
fn mentions(plan: &Resources<'_, '_>, targets: &[Target], span: Span) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for t in targets {
        for e in plan.instances_of(std::slice::from_ref(t)) {
            let m = Mention {
                address: e.address.clone(),
                attr: t.attr.clone(),
                span: if span.is_empty() { e.span } else { span },
            };
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// What attributes are resolved against.
struct Context<'p, 'r, 'a> {
    plan: &'p Resources<'r, 'a>,
    /// The plan's `relevant_attributes`, as instances.
    mentioned: Arc<[Mention]>,
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

/// The reference list of each expression of a configuration object (its attributes and, in
/// nested blocks, theirs).
fn expression_references(object: &Json, depth: usize, out: &mut Vec<Vec<String>>) {
    if depth > MAX_DEPTH {
        return;
    }
    match object {
        Json::Object(entries) => {
            if let Some(Json::Array(refs)) = entries.get("references") {
                let refs: Vec<String> = refs
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect();
                if !refs.is_empty() {
                    out.push(refs);
                }
            }
            for (key, value) in entries {
                if key != "references" && key != "constant_value" {
                    expression_references(value, depth + 1, out);
                }
            }
        }
        Json::Array(items) => {
            for item in items {
                expression_references(item, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Whether `reference` is a prefix of another reference of the list (`aws_lb.web` of
/// `aws_lb.web.arn`, `aws_eip.nat[1]` of `aws_eip.nat[1].id`).
fn is_prefix_of_another(reference: &str, refs: &[String]) -> bool {
    refs.iter().any(|other| {
        other
            .strip_prefix(reference)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

fn reference(address: &str) -> Val {
    Val::Ref(Ref {
        address: address.to_string(),
        attr: None,
    })
}

/// One value, or the alternatives of several.
fn one_of(mut values: Vec<Val>) -> Val {
    match values.len() {
        0 => Val::Unknown,
        1 => values.pop().unwrap_or(Val::Unknown),
        _ => Val::OneOf(values),
    }
}
