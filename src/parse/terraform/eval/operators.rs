//! Attribute access, indexing and the binary operators on values.

use std::borrow::Cow;

use hcl_edit::expr::BinaryOperator;

use super::super::value::{equals, Fail, Val};

/// Moves one step into `cur`, borrowing when `cur` is borrowed.
pub(super) fn step<'v>(
    cur: Cow<'v, Val>,
    f: impl for<'x> Fn(&'x Val) -> Result<Cow<'x, Val>, Fail>,
) -> Result<Cow<'v, Val>, Fail> {
    match cur {
        Cow::Borrowed(v) => f(v),
        Cow::Owned(v) => Ok(Cow::Owned(f(&v)?.into_owned())),
    }
}

pub(super) fn get_attr<'x>(v: &'x Val, name: &str) -> Result<Cow<'x, Val>, Fail> {
    match v {
        Val::Obj(_) => v.get_key(name).map(Cow::Borrowed).ok_or(Fail),
        Val::Ref { address, attr } => Ok(Cow::Owned(Val::Ref {
            address: address.clone(),
            attr: attr.clone().or_else(|| Some(name.to_string())),
        })),
        Val::Unknown => Ok(Cow::Owned(Val::Unknown)),
        _ => Err(Fail),
    }
}

pub(super) fn index_of<'x>(v: &'x Val, key: &Val) -> Result<Cow<'x, Val>, Fail> {
    match (v, key) {
        (Val::Unknown, _) | (_, Val::Unknown | Val::Ref { .. }) => Ok(Cow::Owned(Val::Unknown)),
        (_, Val::Null) => Err(Fail),
        (Val::List(items), k) => {
            let i = k.as_index().ok_or(Fail)?;
            items.get(i).map(Cow::Borrowed).ok_or(Fail)
        }
        (Val::Obj(_), k) => {
            let k = k.as_string().ok_or(Fail)?;
            v.get_key(&k).map(Cow::Borrowed).ok_or(Fail)
        }
        (Val::Ref { .. }, _) => Ok(Cow::Owned(v.clone())),
        _ => Err(Fail),
    }
}

pub(super) fn to_template_string(v: &Val) -> Result<Val, Fail> {
    match v {
        Val::Str(_) | Val::Num(_) | Val::Bool(_) => Ok(Val::Str(v.as_string().unwrap_or_default())),
        Val::Unknown | Val::Ref { .. } => Ok(Val::Unknown),
        _ => Err(Fail),
    }
}

pub(super) fn binary(op: BinaryOperator, l: &Val, r: &Val) -> Result<Val, Fail> {
    use BinaryOperator::*;
    let unknown = |v: &Val| matches!(v, Val::Unknown | Val::Ref { .. });
    match op {
        Eq | NotEq => Ok(match equals(l, r) {
            Some(eq) => Val::Bool(eq == (op == Eq)),
            None => Val::Unknown,
        }),
        And | Or => {
            let side = |v: &Val| -> Result<Option<bool>, Fail> {
                if unknown(v) {
                    Ok(None)
                } else {
                    v.as_bool().map(Some).ok_or(Fail)
                }
            };
            let (a, b) = (side(l)?, side(r)?);
            // The value is decided by one known side (the other failing would fail the plan).
            let decisive = op == Or;
            Ok(match (a, b) {
                (Some(x), _) if x == decisive => Val::Bool(decisive),
                (_, Some(y)) if y == decisive => Val::Bool(decisive),
                (Some(_), Some(_)) => Val::Bool(!decisive),
                _ => Val::Unknown,
            })
        }
        _ => {
            if unknown(l) || unknown(r) {
                return Ok(Val::Unknown);
            }
            let x = l.as_f64().ok_or(Fail)?;
            let y = r.as_f64().ok_or(Fail)?;
            Ok(match op {
                Less => Val::Bool(x < y),
                LessEq => Val::Bool(x <= y),
                Greater => Val::Bool(x > y),
                GreaterEq => Val::Bool(x >= y),
                Plus => Val::Num(x + y),
                Minus => Val::Num(x - y),
                Mul => Val::Num(x * y),
                Div if y == 0.0 => return Err(Fail),
                Div => Val::Num(x / y),
                Mod if y == 0.0 => return Err(Fail),
                Mod => Val::Num(x % y),
                Eq | NotEq | And | Or => Val::Unknown,
            })
        }
    }
}
