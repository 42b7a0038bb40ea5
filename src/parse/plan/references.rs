//! Reference resolution: from the `references` the plan's configuration section lists for
//! an expression to the resources of the plan they designate, through module outputs (into
//! the child module) and module arguments (a child module's variable, into the call's
//! argument in the parent). What cannot be seen through (a local, which the plan does not
//! carry, a data source, an unresolved module output) leaves the value opaque: it may come
//! from there instead. On top of it: every resource the configuration of a resource
//! references (its uses of other resources, whatever its type), a known name that
//! designates the resource it was read from, and whether a value is static (only constants
//! and root variables: what the configuration pins).

use std::sync::Arc;

use serde_json::Value as Json;

use super::address::{KeySel, ModSel};
use super::index::{Resources, Target};
use super::node::{references, PlanResource};
use super::planner::{one_of, reference, Context, Planner};
use super::MAX_DEPTH;
use crate::model::address::{parse_traversal, TSeg};
use crate::model::Val;
use crate::resolved::Mention;
use crate::source::Span;

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
pub(super) struct Resolution {
    pub(super) targets: Vec<Target>,
    /// A reference we cannot see through (a local, a data source, an unresolved module
    /// output): the value may come from it instead.
    pub(super) opaque: bool,
    /// Among them a local, which may hold a reference to any resource of the module.
    pub(super) local: bool,
}

impl<'a, 'w> Planner<'a, 'w> {
    /// Every resource of the plan the resource's configuration references, with the attribute
    /// read, whatever its type: what the adapters need to see a use by a resource whose
    /// meaning they do not read (an ECS service registering tasks with a target group, an EIP's
    /// allocation handed to a resource we do not model). Before, a plan had none, so such
    /// uses were not escapes in plans as they are in the configuration. A reference through
    /// a local of a type no adapter reads may be any resource the configuration mentions.
    pub(super) fn references(&self, r: &PlanResource<'a>, cx: &Context) -> Arc<[Mention]> {
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
            if resolution.local && !self.wanted.kind(r.kind) {
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

    /// A known name that designates a resource the expression references: the planned name
    /// of that resource (`security_groups = [aws_security_group.web.name]`, known in the plan
    /// when the configuration writes the group's name), as a reference to it, the way the
    /// configuration frontend reads it. Before, the plan had only the name, which designates
    /// nothing of the unit.
    pub(super) fn named(
        &self,
        module: &ModSel,
        refs: &[String],
        value: &str,
        cx: &Context,
    ) -> Option<Val> {
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

    /// Follows references from `module` to managed resources: those of the module, module
    /// outputs into the child, variables of a child module into the call's arguments in the
    /// parent.
    pub(super) fn resolve(
        &self,
        module: &ModSel,
        refs: &[String],
        depth: usize,
        out: &mut Resolution,
    ) {
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
    pub(super) fn is_static(&self, module: &ModSel, refs: &[String], depth: usize) -> bool {
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
}

/// The instances the targets designate, each with the attribute read, at `span` (where the
/// plan names them when empty).
pub(super) fn mentions(plan: &Resources<'_, '_>, targets: &[Target], span: Span) -> Vec<Mention> {
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
