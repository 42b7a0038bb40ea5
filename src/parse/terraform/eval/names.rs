//! Variables (with their values from tfvars, `--var-file` and `--var`), locals and resource
//! expansions (`count`, `for_each`), memoized.

use std::rc::Rc;

use super::super::types;
use super::super::value::{Evaluated, Fail, Val};
use super::{for_each_entries, plain_env, Expansion, Scope, VarSource, MAX_INSTANCES};
use crate::model::{Origin, OriginKind};

impl<'a> Scope<'a> {
    pub(super) fn var(&self, name: &str) -> Result<Rc<Evaluated>, Fail> {
        if let Some(r) = self.memo_vars.borrow().get(name) {
            return r.clone();
        }
        let result = Ok(Rc::new(self.var_uncached(name)));
        self.memo_vars
            .borrow_mut()
            .insert(name.to_string(), result.clone());
        result
    }

    pub(super) fn var_uncached(&self, name: &str) -> Evaluated {
        let Some(decl) = self.variables.get(name) else {
            return Evaluated::unknown();
        };
        let default = || match decl.default {
            Some(attr) => (
                self.value_of(attr, &plain_env()).val,
                Origin {
                    span: attr.value_span,
                    label: format!("variable `{name}` default"),
                    kind: OriginKind::VariableDefault,
                },
            ),
            None => (
                Val::Unknown,
                Origin {
                    span: decl.header,
                    label: String::new(),
                    kind: OriginKind::VariableDefault,
                },
            ),
        };
        // Origins of a module argument's own value (in the caller).
        let mut inner = Vec::new();
        let (mut val, mut origin) = match self.values.get(name) {
            Some(given) => match &given.source {
                VarSource::Attr(attr) => (
                    self.value_of(attr, &plain_env()).val,
                    Origin {
                        span: attr.value_span,
                        label: format!("variable `{name}` {}", given.label),
                        kind: given.kind,
                    },
                ),
                VarSource::Cli(v, span) => (
                    self.copy_of(v),
                    Origin {
                        span: *span,
                        label: format!("variable `{name}` {}", given.label),
                        kind: given.kind,
                    },
                ),
                VarSource::Module(attr) => {
                    let e = self.module_arg(attr);
                    inner = e.via;
                    (
                        e.val,
                        Origin {
                            span: attr.value_span,
                            label: given.label.clone(),
                            kind: given.kind,
                        },
                    )
                }
            },
            None => default(),
        };
        if val == Val::Null && !decl.nullable {
            (val, origin) = default();
            inner.clear();
        }
        // A conversion makes a new value (optional attributes filled in, sets sorted).
        val = match &decl.ty {
            Some(ty) => self.made(types::convert(&val, ty, &self.budget).unwrap_or(Val::Unknown)),
            None => self.bounded(val),
        };
        inner.push(origin);
        Evaluated::with_via(val, inner)
    }

    pub(super) fn local(&self, name: &str) -> Result<Rc<Evaluated>, Fail> {
        if let Some(r) = self.memo_locals.borrow().get(name) {
            return r.clone();
        }
        let Some(attr) = self.locals.get(name) else {
            return Ok(Rc::new(Evaluated::unknown()));
        };
        let key = format!("local.{name}");
        if self.active.borrow().contains(&key) {
            // A cycle: Terraform rejects it.
            return Ok(Rc::new(Evaluated::unknown()));
        }
        self.active.borrow_mut().push(key);
        let result = self.eval_attr(attr, &mut plain_env());
        self.active.borrow_mut().pop();
        let result = result.map(|mut e| {
            e.val = self.bounded(std::mem::replace(&mut e.val, Val::Unknown));
            if e.val.is_unknown() {
                e.via.clear();
            } else {
                e.via.push(Origin {
                    span: attr.value_span,
                    label: format!("local `{name}`"),
                    kind: OriginKind::Local,
                });
            }
            Rc::new(e)
        });
        self.memo_locals
            .borrow_mut()
            .insert(name.to_string(), result.clone());
        result
    }

    /// The instances of resource `address` (`aws_eip.nat`, `data.aws_ami.x`).
    pub fn expansion(&self, address: &str) -> Rc<Expansion> {
        if let Some(e) = self.memo_expansion.borrow().get(address) {
            return e.clone();
        }
        if self.active.borrow().iter().any(|a| a == address) {
            return Rc::new(Expansion::Unknown);
        }
        self.active.borrow_mut().push(address.to_string());
        let e = Rc::new(self.expansion_uncached(address));
        self.active.borrow_mut().pop();
        self.memo_expansion
            .borrow_mut()
            .insert(address.to_string(), e.clone());
        e
    }

    pub(super) fn expansion_uncached(&self, address: &str) -> Expansion {
        let Some(decl) = self.resources.get(address) else {
            return Expansion::Single;
        };
        if let Some(count) = decl.count {
            let v = self.value_of(count, &plain_env()).val;
            return match (&v, v.as_index()) {
                (Val::Num(_) | Val::Str(_), Some(n))
                    if n <= MAX_INSTANCES && self.afford_instances(n) =>
                {
                    Expansion::Count(n)
                }
                _ => Expansion::Unknown,
            };
        }
        if let Some(for_each) = decl.for_each {
            let e = self.value_of(for_each, &plain_env());
            return match for_each_entries(&e.val) {
                Some(entries) if self.afford_instances(entries.len()) => {
                    Expansion::ForEach(entries, e.via)
                }
                _ => Expansion::Unknown,
            };
        }
        Expansion::Single
    }
}
