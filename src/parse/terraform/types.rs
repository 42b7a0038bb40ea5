//! Variable type constraints, applied to the value a variable gets: `optional()` attributes
//! missing from an object are filled in (with their default, else null), primitives are
//! converted (`"5"` to a number for `number`), sets are deduplicated and sorted.

use hcl_edit::expr::{Expression, ObjectKey};

use super::budget::Budget;
use super::value::{Fail, Val};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Any,
    String,
    Number,
    Bool,
    List(Box<Ty>),
    Set(Box<Ty>),
    Map(Box<Ty>),
    Tuple(Vec<Ty>),
    Object(Vec<ObjAttr>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjAttr {
    pub name: String,
    pub ty: Ty,
    pub optional: bool,
    /// The `optional(T, default)` default (already converted), if any.
    pub default: Option<Val>,
}

/// `default` of `optional(T, default)` is a literal: evaluated without any scope (its
/// conversion to `T` is charged to `budget`).
pub(crate) fn parse_type(
    expr: &Expression,
    literal: &dyn Fn(&Expression) -> Val,
    budget: &Budget,
) -> Ty {
    parse_depth(expr, literal, budget, 0)
}

fn parse_depth(
    expr: &Expression,
    literal: &dyn Fn(&Expression) -> Val,
    budget: &Budget,
    depth: usize,
) -> Ty {
    if depth > 32 {
        return Ty::Any;
    }
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ty::String,
            "number" => Ty::Number,
            "bool" => Ty::Bool,
            // Pre-0.12 shorthands.
            "list" => Ty::List(Box::new(Ty::Any)),
            "map" => Ty::Map(Box::new(Ty::Any)),
            "set" => Ty::Set(Box::new(Ty::Any)),
            _ => Ty::Any,
        },
        Expression::FuncCall(call) if !call.name.is_namespaced() => {
            let args: Vec<&Expression> = call.args.iter().collect();
            let inner = |i: usize| {
                args.get(i)
                    .map(|e| parse_depth(e, literal, budget, depth + 1))
                    .unwrap_or(Ty::Any)
            };
            match call.name.name.as_str() {
                "list" => Ty::List(Box::new(inner(0))),
                "set" => Ty::Set(Box::new(inner(0))),
                "map" => Ty::Map(Box::new(inner(0))),
                "tuple" => match args.first() {
                    Some(Expression::Array(items)) => Ty::Tuple(
                        items
                            .iter()
                            .map(|e| parse_depth(e, literal, budget, depth + 1))
                            .collect(),
                    ),
                    _ => Ty::Any,
                },
                "object" => match args.first() {
                    Some(Expression::Object(object)) => {
                        let mut attrs = Vec::new();
                        for (key, value) in object.iter() {
                            let name = match key {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => {
                                    s.value().to_string()
                                }
                                _ => return Ty::Any,
                            };
                            attrs.push(object_attr(name, value.expr(), literal, budget, depth));
                        }
                        attrs.sort_by(|a, b| a.name.cmp(&b.name));
                        Ty::Object(attrs)
                    }
                    _ => Ty::Any,
                },
                _ => Ty::Any,
            }
        }
        _ => Ty::Any,
    }
}

fn object_attr(
    name: String,
    expr: &Expression,
    literal: &dyn Fn(&Expression) -> Val,
    budget: &Budget,
    depth: usize,
) -> ObjAttr {
    if let Expression::FuncCall(call) = expr {
        if !call.name.is_namespaced() && call.name.name.as_str() == "optional" {
            let args: Vec<&Expression> = call.args.iter().collect();
            let ty = args
                .first()
                .map(|e| parse_depth(e, literal, budget, depth + 1))
                .unwrap_or(Ty::Any);
            let default = args.get(1).map(|e| {
                let v = literal(e);
                convert(&v, &ty, budget).unwrap_or(Val::Unknown)
            });
            return ObjAttr {
                name,
                ty,
                optional: true,
                default,
            };
        }
    }
    ObjAttr {
        name,
        ty: parse_depth(expr, literal, budget, depth + 1),
        optional: false,
        default: None,
    }
}

/// `value` converted to `ty`; a failure when Terraform would reject the value. The defaults of
/// `optional()` attributes are copied into every object that lacks them: each copy is charged
/// to `budget` (past it, the attribute is unknown).
pub(crate) fn convert(value: &Val, ty: &Ty, budget: &Budget) -> Result<Val, Fail> {
    match (value, ty) {
        (Val::Unknown | Val::Ref { .. } | Val::OneOf(_), _) | (_, Ty::Any) | (Val::Null, _) => {
            Ok(value.clone())
        }
        (_, Ty::String) => match value {
            Val::Str(_) | Val::Num(_) | Val::Bool(_) => value.as_string().map(Val::Str).ok_or(Fail),
            _ => Err(Fail),
        },
        (_, Ty::Number) => match value {
            Val::Num(_) | Val::Str(_) => value.as_f64().map(Val::Num).ok_or(Fail),
            _ => Err(Fail),
        },
        (_, Ty::Bool) => match value {
            Val::Bool(_) | Val::Str(_) => value.as_bool().map(Val::Bool).ok_or(Fail),
            _ => Err(Fail),
        },
        (Val::List(items), Ty::List(t)) => Ok(Val::List(
            items
                .iter()
                .map(|i| convert(i, t, budget))
                .collect::<Result<_, _>>()?,
        )),
        (Val::List(items), Ty::Set(t)) => {
            let items: Vec<Val> = items
                .iter()
                .map(|i| convert(i, t, budget))
                .collect::<Result<_, _>>()?;
            Ok(super::funcs::to_set(items))
        }
        (Val::List(items), Ty::Tuple(ts)) if items.len() == ts.len() => Ok(Val::List(
            items
                .iter()
                .zip(ts)
                .map(|(i, t)| convert(i, t, budget))
                .collect::<Result<_, _>>()?,
        )),
        (Val::Obj(entries), Ty::Map(t)) => Ok(Val::Obj(
            entries
                .iter()
                .map(|(k, v)| Ok((k.clone(), convert(v, t, budget)?)))
                .collect::<Result<_, Fail>>()?,
        )),
        (Val::Obj(_), Ty::Object(attrs)) => {
            let mut out = Vec::with_capacity(attrs.len());
            for a in attrs {
                let v = match value.get_key(&a.name) {
                    Some(Val::Null) | None if a.optional => match &a.default {
                        Some(d) if budget.charge_copy(d) => d.clone(),
                        Some(_) => Val::Unknown,
                        None => Val::Null,
                    },
                    Some(v) => convert(v, &a.ty, budget)?,
                    None => return Err(Fail),
                };
                out.push((a.name.clone(), v));
            }
            Ok(Val::obj(out))
        }
        _ => Err(Fail),
    }
}

/// Whether `-var` values of this type are taken literally (strings) rather than parsed as
/// HCL: no type constraint or a primitive one, as Terraform does.
pub(crate) fn parses_literally(ty: Option<&Ty>) -> bool {
    matches!(ty, None | Some(Ty::String | Ty::Number | Ty::Bool))
}
