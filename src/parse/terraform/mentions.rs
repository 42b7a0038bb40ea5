//! Which resources an expression mentions: syntactically (a resource's own references), and
//! transitively through locals, module arguments and outputs and `for_each` iterators (what a
//! value may designate when it cannot be evaluated exactly).

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::Span as _;

use super::eval::{Env, Scope, MAX_EVAL_DEPTH};
use super::ir::{AttrIr, BodyIr, Src};
use crate::resolved::Mention;
use crate::source::Span;

/// Resource instances mentioned, by address (module path and instance key included): each
/// attribute read from it with where it is first mentioned, in the order found.
pub(crate) type MentionMap = BTreeMap<String, Vec<(Option<String>, Span)>>;

fn record(out: &mut MentionMap, address: String, attr: Option<String>, span: Span) {
    let entry = out.entry(address).or_default();
    if !entry.iter().any(|(a, _)| *a == attr) {
        entry.push((attr, span));
    }
}

/// Every resource instance of the module that `attr` mentions (through locals and the
/// `for_each` of bound `each`/iterators too). A mention of `aws_eip.nat` is all its instances.
/// Across local modules too: `var.x` in a module instance is followed to the caller's
/// argument, `module.x.out` to the output in each instance of `x` (`modules.rs`).
pub(crate) fn mentions<'a>(
    scope: &Scope<'a>,
    attr: &AttrIr<'_>,
    env: &Env<'a>,
    out: &mut MentionMap,
    seen: &mut Vec<String>,
) {
    let Some(expr) = attr.expr() else {
        return;
    };
    if seen.len() > MAX_EVAL_DEPTH {
        return;
    }
    let mut visitor = MentionVisitor {
        src: attr.src,
        within: attr.value_span,
        found: Vec::new(),
    };
    hcl_edit::visit::Visit::visit_expr(&mut visitor, expr);
    for mention in visitor.found {
        match mention {
            Found::Resource {
                address,
                attr: first,
                span,
            } => {
                if !scope.resources.contains_key(&address) {
                    continue;
                }
                for instance in scope.expansion(&address).addresses(&address) {
                    record(
                        out,
                        format!("{}{instance}", scope.modules.prefix),
                        first.clone(),
                        span,
                    );
                }
            }
            Found::Module { name, output } => {
                for (child, output, next) in scope.module_output_sources(&name, output.as_deref()) {
                    let key = format!("{}output.{output}", child.modules.prefix);
                    if !seen.contains(&key) {
                        seen.push(key);
                        mentions(&child, next, &Env::default(), out, seen);
                    }
                }
            }
            Found::Root { name, attr: first } => {
                let prefix = &scope.modules.prefix;
                let key = match (name.as_str(), &first) {
                    ("local" | "var", Some(l)) => format!("{prefix}{name}.{l}"),
                    ("local" | "var", None) => continue,
                    _ => format!("{prefix}bound.{name}"),
                };
                if seen.contains(&key) {
                    continue;
                }
                if name == "var" {
                    // An argument of a module instance: in the caller's scope.
                    let source = first.as_deref().and_then(|v| scope.module_arg_source(v));
                    if let Some((caller, next, caller_env)) = source {
                        seen.push(key);
                        mentions(&caller, next, &caller_env, out, seen);
                    }
                    continue;
                }
                let next = if name == "local" {
                    first.as_deref().and_then(|l| scope.locals.get(l).copied())
                } else {
                    env.lookup(&name).and_then(|b| b.source)
                };
                if let Some(next) = next {
                    seen.push(key);
                    mentions(scope, next, env, out, seen);
                }
            }
        }
    }
}

/// The resource instances a resource's body refers to, as written (nested blocks included;
/// locals not followed), with the first attribute read; each placed at the value it is
/// written in.
pub(crate) fn references(scope: &Scope<'_>, body: &BodyIr<'_>) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut stack = vec![body];
    while let Some(b) = stack.pop() {
        for attr in &b.attrs {
            let Some(expr) = attr.expr() else {
                continue;
            };
            let mut visitor = MentionVisitor {
                src: attr.src,
                within: attr.value_span,
                found: Vec::new(),
            };
            hcl_edit::visit::Visit::visit_expr(&mut visitor, expr);
            for found in visitor.found {
                let Found::Resource {
                    address,
                    attr: read,
                    ..
                } = found
                else {
                    continue;
                };
                if !scope.resources.contains_key(&address) {
                    continue;
                }
                for instance in scope.expansion(&address).addresses(&address) {
                    out.push(Mention {
                        address: format!("{}{instance}", scope.modules.prefix),
                        attr: read.clone(),
                        span: attr.value_span,
                    });
                }
            }
        }
        stack.extend(b.blocks.iter().map(|blk| &blk.body));
    }
    out
}

enum Found {
    /// `<type>.<name>...`: a managed resource, with the first attribute read after its name.
    Resource {
        address: String,
        attr: Option<String>,
        span: Span,
    },
    /// `module.<name>.<output>` (`module.<name>` alone: every output).
    Module {
        name: String,
        output: Option<String>,
    },
    /// `var.x`, `local.x`, or a bound name (`each`, an iterator).
    Root { name: String, attr: Option<String> },
}

struct MentionVisitor {
    src: Src,
    within: Span,
    found: Vec<Found>,
}

impl hcl_edit::visit::Visit for MentionVisitor {
    fn visit_traversal(&mut self, traversal: &hcl_edit::expr::Traversal) {
        if let Expression::Variable(root) = &traversal.expr {
            let names: Vec<&str> = traversal
                .operators
                .iter()
                .filter_map(|op| match op.value() {
                    TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
                    _ => None,
                })
                .collect();
            match (root.as_str(), names.as_slice()) {
                ("module", [name, rest @ ..]) => self.found.push(Found::Module {
                    name: name.to_string(),
                    output: rest.first().map(|o| o.to_string()),
                }),
                (
                    "var" | "local" | "each" | "count" | "path" | "terraform" | "self" | "data",
                    _,
                ) => self.found.push(Found::Root {
                    name: root.as_str().to_string(),
                    attr: names.first().map(|n| n.to_string()),
                }),
                (kind, [name, rest @ ..]) if kind.contains('_') => {
                    self.found.push(Found::Resource {
                        address: format!("{kind}.{name}"),
                        attr: rest.first().map(|a| a.to_string()),
                        span: self.src.span(traversal.span(), self.within),
                    });
                    // Also a bound name, should a `for` variable or iterator be called so.
                    self.found.push(Found::Root {
                        name: kind.to_string(),
                        attr: Some(name.to_string()),
                    });
                }
                (root, names) => self.found.push(Found::Root {
                    name: root.to_string(),
                    attr: names.first().map(|n| n.to_string()),
                }),
            }
        }
        hcl_edit::visit::visit_traversal(self, traversal);
    }

    fn visit_expr(&mut self, expr: &Expression) {
        if let Expression::Variable(var) = expr {
            self.found.push(Found::Root {
                name: var.as_str().to_string(),
                attr: None,
            });
        }
        hcl_edit::visit::visit_expr(self, expr);
    }
}
