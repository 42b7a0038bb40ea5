//! `Conditions`: evaluated once each, cycles unknown; the condition of the resource being
//! resolved holds inside it.

use super::syntax::*;
use super::template::{CondState, Template};
use super::values::*;
use super::MAX_DEPTH;
use crate::model::{Origin, OriginKind};
use crate::parse::syntax::yaml::Node;

impl<'a> Template<'a> {
    /// The condition named by `Fn::If`: true when it is the condition of the resource being
    /// modeled (wherever the resource exists, its condition holds).
    pub(super) fn if_condition(&self, name: &str, depth: usize) -> Evaluated {
        if let Some((assumed, span)) = self.assumed.get() {
            if assumed == name {
                return Evaluated {
                    value: Val::Bool(true),
                    via: vec![Origin {
                        span,
                        label: format!("condition `{name}` holds wherever this resource exists"),
                        kind: OriginKind::Condition,
                    }],
                };
            }
        }
        self.condition_named(name, depth)
    }

    /// A condition of `Conditions`, evaluated once. Cycles and unknown names are unknown.
    pub(super) fn condition_named(&self, name: &str, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        let cached = self.condition_memo.borrow().get(name).cloned();
        match cached {
            Some(CondState::Busy) => return Evaluated::unknown(),
            Some(CondState::Done(e)) => return e,
            None => {}
        }
        let Some((key, def)) = self.conditions.get(name).copied() else {
            return Evaluated::unknown();
        };
        self.condition_memo
            .borrow_mut()
            .insert(name.to_string(), CondState::Busy);
        let e = self.eval_condition(def, depth + 1);
        let result = match truth(&e.value) {
            Some(b) => {
                let mut via = vec![Origin {
                    span: self.span(key),
                    label: format!("condition `{name}` is {b}"),
                    kind: OriginKind::Condition,
                }];
                extend_via(&mut via, &e.via);
                Evaluated {
                    value: Val::Bool(b),
                    via,
                }
            }
            None => Evaluated::unknown(),
        };
        self.condition_memo
            .borrow_mut()
            .insert(name.to_string(), CondState::Done(result.clone()));
        result
    }

    /// A condition expression: a condition function, or `{Condition: Name}`.
    pub(super) fn eval_condition(&self, node: &Node, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        if let [(k, v)] = node.entries() {
            if is_literal(node) && literal_str(k) == Some("Condition") {
                return match literal_str(v) {
                    Some(name) => self.condition_named(name, depth + 1),
                    None => Evaluated::unknown(),
                };
            }
        }
        match call(node) {
            Call::Function(
                func @ (Func::Equals | Func::Not | Func::And | Func::Or | Func::Condition),
                arg,
            ) => self.condition_fn(func, arg, depth + 1),
            _ => Evaluated::unknown(),
        }
    }

    pub(super) fn condition_fn(&self, func: Func, arg: Arg<'_>, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        match func {
            Func::Equals => {
                let Some([a, b]) = arg.items() else {
                    return Evaluated::unknown();
                };
                let args = [self.eval_at(a, depth + 1), self.eval_at(b, depth + 1)];
                lift(&args, |v| match loose_eq(&v[0].value, &v[1].value, 0) {
                    Some(eq) => Evaluated::of(Val::Bool(eq)),
                    None => Evaluated::unknown(),
                })
            }
            Func::Not => {
                let Some([c]) = arg.items() else {
                    return Evaluated::unknown();
                };
                let c = self.eval_condition(c, depth + 1);
                match truth(&c.value) {
                    Some(b) => Evaluated {
                        value: Val::Bool(!b),
                        via: c.via,
                    },
                    None => Evaluated::unknown(),
                }
            }
            Func::And | Func::Or => {
                let Some(items) = arg.items().filter(|i| !i.is_empty()) else {
                    return Evaluated::unknown();
                };
                // The value that decides alone: false for `And`, true for `Or`.
                let decisive = func == Func::Or;
                let results: Vec<Evaluated> = items
                    .iter()
                    .map(|c| self.eval_condition(c, depth + 1))
                    .collect();
                let mut via = Vec::new();
                if results.iter().any(|r| truth(&r.value) == Some(decisive)) {
                    for r in results.iter().filter(|r| truth(&r.value) == Some(decisive)) {
                        extend_via(&mut via, &r.via);
                    }
                    return Evaluated {
                        value: Val::Bool(decisive),
                        via,
                    };
                }
                if results.iter().all(|r| truth(&r.value) == Some(!decisive)) {
                    for r in &results {
                        extend_via(&mut via, &r.via);
                    }
                    return Evaluated {
                        value: Val::Bool(!decisive),
                        via,
                    };
                }
                Evaluated::unknown()
            }
            Func::Condition => match arg.text() {
                Some(name) => self.condition_named(name, depth + 1),
                None => Evaluated::unknown(),
            },
            _ => Evaluated::unknown(),
        }
    }
}
