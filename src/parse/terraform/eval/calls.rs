//! Function calls (with `try` and `can`), `for` expressions, and values from the command
//! line.

use foldhash::HashMap;

use hcl_edit::expr::{Expression, ForExpr, FuncCall};

use super::super::funcs;
use super::super::types::{self, Ty};
use super::super::value::{hoist_list, hoist_obj, lift, EvalResult, Evaluated, Fail, Val};
use super::{binding, is_literal, iterate, plain_env, Env, ForItem, Scope};
use crate::model::Origin;

impl<'a> Scope<'a> {
    pub(super) fn func_call(&self, call: &FuncCall, env: &mut Env<'a>) -> EvalResult {
        if call.name.is_namespaced() {
            return Ok(Evaluated::unknown());
        }
        let name = call.name.name.as_str();
        match name {
            "try" => {
                for arg in call.args.iter() {
                    match self.eval(arg, env) {
                        Err(Fail) => continue,
                        Ok(e) if e.val.is_wholly_known() => return Ok(e),
                        Ok(_) => return Ok(Evaluated::unknown()),
                    }
                }
                return Err(Fail);
            }
            "can" => {
                let Some(arg) = call.args.iter().next() else {
                    return Err(Fail);
                };
                return Ok(match self.eval(arg, env) {
                    Err(Fail) => Evaluated::plain(Val::Bool(false)),
                    Ok(e) if e.val.is_wholly_known() => Evaluated::plain(Val::Bool(true)),
                    Ok(_) => Evaluated::unknown(),
                });
            }
            _ => {}
        }
        if !funcs::is_supported(name) {
            return Ok(Evaluated::unknown());
        }
        let mut via = Vec::new();
        let mut args = Vec::with_capacity(call.args.len());
        for arg in call.args.iter() {
            let e = self.eval(arg, env)?;
            self.merge_via(&mut via, e.via);
            args.push(e.val);
        }
        if call.args.expand_final() {
            match args.pop() {
                Some(Val::List(items)) => args.extend(items),
                Some(Val::Null) | Some(Val::Str(_) | Val::Num(_) | Val::Bool(_) | Val::Obj(_)) => {
                    return Err(Fail)
                }
                _ => return Ok(Evaluated::unknown()),
            }
        }
        let val = lift(args, |a| funcs::call(name, a, &self.budget))?;
        Ok(Evaluated::with_via(self.made(val), via))
    }

    pub(super) fn for_expr(&self, f: &ForExpr, env: &mut Env<'a>) -> EvalResult {
        let coll = self.eval(&f.intro.collection_expr, env)?;
        let mut via = coll.via;
        let val = lift(vec![coll.val], |c| {
            let coll = c.into_iter().next().unwrap_or(Val::Unknown);
            self.for_over(f, coll, env, &mut via)
        })?;
        Ok(Evaluated::with_via(self.built(val), via))
    }

    pub(super) fn for_over(
        &self,
        f: &ForExpr,
        coll: Val,
        env: &mut Env<'a>,
        via: &mut Vec<Origin>,
    ) -> Result<Val, Fail> {
        let Some(items) = iterate(coll)? else {
            return Ok(Val::Unknown);
        };
        if !self.spend(items.len()) {
            return Ok(Val::Unknown);
        }
        let mut list = Vec::new();
        let mut entries: Vec<(String, Val)> = Vec::new();
        let mut groups: Vec<(String, Vec<Val>)> = Vec::new();
        // Keys seen, and where each group is: a `for` may make thousands of keys.
        let mut keys: HashMap<String, usize> = HashMap::default();
        for (k, v) in items {
            let mut pushed = 0;
            if let Some(kv) = &f.intro.key_var {
                env.bindings.push(binding(kv.as_str(), k));
                pushed += 1;
            }
            env.bindings.push(binding(f.intro.value_var.as_str(), v));
            pushed += 1;
            let r = self.for_item(f, env, via);
            env.bindings.truncate(env.bindings.len() - pushed);
            match r? {
                ForItem::Skip => {}
                ForItem::Unknown => return Ok(Val::Unknown),
                ForItem::Value(v) => list.push(v),
                ForItem::Entry(k, v) if f.grouping => {
                    match keys.get(&k).and_then(|&i| groups.get_mut(i)) {
                        Some(g) => g.1.push(v),
                        None => {
                            keys.insert(k.clone(), groups.len());
                            groups.push((k, vec![v]));
                        }
                    }
                }
                ForItem::Entry(k, v) => {
                    if keys.insert(k.clone(), entries.len()).is_some() {
                        return Err(Fail);
                    }
                    entries.push((k, v));
                }
            }
        }
        Ok(match &f.key_expr {
            None => hoist_list(list),
            Some(_) if f.grouping => hoist_obj(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, hoist_list(v)))
                    .collect(),
            ),
            Some(_) => hoist_obj(entries),
        })
    }

    pub(super) fn for_item(
        &self,
        f: &ForExpr,
        env: &mut Env<'a>,
        via: &mut Vec<Origin>,
    ) -> Result<ForItem, Fail> {
        if let Some(cond) = &f.cond {
            let c = self.eval(&cond.expr, env)?;
            match &c.val {
                Val::Unknown | Val::OneOf(_) | Val::Ref { .. } => return Ok(ForItem::Unknown),
                v => {
                    if !v.as_bool().ok_or(Fail)? {
                        return Ok(ForItem::Skip);
                    }
                }
            }
        }
        let value = self.eval(&f.value_expr, env)?;
        self.merge_via(via, value.via);
        match &f.key_expr {
            None => Ok(ForItem::Value(value.val)),
            Some(key_expr) => {
                let k = self.eval(key_expr, env)?;
                self.merge_via(via, k.via);
                match &k.val {
                    Val::Null | Val::List(_) | Val::Obj(_) => Err(Fail),
                    v => match v.as_string() {
                        Some(k) => Ok(ForItem::Entry(k, value.val)),
                        None => Ok(ForItem::Unknown),
                    },
                }
            }
        }
    }

    /// Parses a `--var` value as Terraform does for the variable's type.
    pub fn cli_value(&self, raw: &str, ty: Option<&Ty>) -> Val {
        if types::parses_literally(ty) {
            let v = Val::Str(raw.to_string());
            return match ty {
                Some(ty) => types::convert(&v, ty, &self.budget).unwrap_or(Val::Unknown),
                None => v,
            };
        }
        match hcl_edit::parser::parse_expr(raw) {
            Ok(expr) if is_literal(&expr, 0) => {
                let v = self
                    .eval(&expr, &mut plain_env())
                    .map(|e| e.val)
                    .unwrap_or(Val::Unknown);
                match ty {
                    Some(ty) => types::convert(&v, ty, &self.budget).unwrap_or(Val::Unknown),
                    None => v,
                }
            }
            _ => Val::Str(raw.to_string()),
        }
    }

    /// A literal expression evaluated without scope (type defaults).
    pub fn literal(&self, expr: &Expression) -> Val {
        if !is_literal(expr, 0) {
            return Val::Unknown;
        }
        self.eval(expr, &mut plain_env())
            .map(|e| e.val)
            .unwrap_or(Val::Unknown)
    }
}
