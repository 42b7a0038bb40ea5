//! Terraform's built-in functions, over evaluated arguments (one alternative each: `OneOf`
//! arguments are lifted by the caller). `try` and `can` need their arguments unevaluated and
//! live in the evaluator. An unknown function, a provider function, `file()`, `templatefile()`
//! and the like give `Unknown`.
//!
//! The evaluator charges every function's result to the evaluation budget (`budget.rs`); a
//! function whose result can be far larger than its arguments (`join`, `replace`, `range`,
//! `split`) computes that size first and asks [`Budget::fits`] before allocating anything.

use foldhash::HashSet;

use super::budget::{Budget, BYTES_PER_UNIT};
use super::value::{Fail, Val};

type R = Result<Val, Fail>;

/// A string argument: `Ok(None)` when it is unknown.
fn str_arg(v: &Val) -> Result<Option<String>, Fail> {
    match v {
        Val::Str(_) | Val::Num(_) | Val::Bool(_) => Ok(v.as_string()),
        Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => Ok(None),
        _ => Err(Fail),
    }
}

fn num_arg(v: &Val) -> Result<Option<f64>, Fail> {
    match v {
        Val::Num(n) => Ok(Some(*n)),
        Val::Str(_) => v.as_f64().map(Some).ok_or(Fail),
        Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => Ok(None),
        _ => Err(Fail),
    }
}

fn list_arg(v: &Val) -> Result<Option<&[Val]>, Fail> {
    match v {
        Val::List(items) => Ok(Some(items)),
        Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => Ok(None),
        _ => Err(Fail),
    }
}

fn obj_arg(v: &Val) -> Result<Option<&[(String, Val)]>, Fail> {
    match v {
        Val::Obj(entries) => Ok(Some(entries)),
        Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => Ok(None),
        _ => Err(Fail),
    }
}

macro_rules! known {
    ($e:expr) => {
        match $e? {
            Some(v) => v,
            None => return Ok(Val::Unknown),
        }
    };
}

mod collections;
mod numbers;
mod strings;

fn arity(args: &[Val], min: usize, max: usize) -> Result<(), Fail> {
    if args.len() < min || args.len() > max {
        Err(Fail)
    } else {
        Ok(())
    }
}

/// Weight ([`Val::weight`]) of a string of `len` bytes.
fn str_weight(len: usize) -> usize {
    1 + len / BYTES_PER_UNIT
}

/// Calls function `name`.
pub(crate) fn call(name: &str, args: Vec<Val>, budget: &Budget) -> R {
    if !is_supported(name) {
        return Ok(Val::Unknown);
    }
    match name {
        "sensitive" | "nonsensitive" => {
            arity(&args, 1, 1)?;
            Ok(args.into_iter().next().unwrap_or(Val::Unknown))
        }
        "coalesce" => {
            for a in &args {
                match a {
                    Val::Null => continue,
                    Val::Str(s) if s.is_empty() => continue,
                    Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => return Ok(Val::Unknown),
                    other => return Ok(other.clone()),
                }
            }
            Err(Fail)
        }
        "tomap" | "tolist" | "toset" | "tostring" | "tonumber" | "tobool" => {
            arity(&args, 1, 1)?;
            convert_fn(name, &args[0])
        }
        "format" | "lower" | "upper" | "trimspace" | "chomp" | "title" | "trimprefix"
        | "trimsuffix" | "startswith" | "endswith" | "strcontains" | "join" | "split"
        | "replace" | "substr" => strings::call(name, &args, budget),
        "max" | "min" | "sum" | "abs" | "ceil" | "floor" | "signum" | "range" => {
            numbers::call(name, &args, budget)
        }
        "lookup" | "merge" | "keys" | "values" | "zipmap" => collections::maps(name, &args),
        _ => collections::lists(name, &args),
    }
}

pub(crate) fn is_supported(name: &str) -> bool {
    matches!(
        name,
        "sensitive"
            | "nonsensitive"
            | "lookup"
            | "merge"
            | "coalesce"
            | "coalescelist"
            | "concat"
            | "tomap"
            | "tolist"
            | "toset"
            | "tostring"
            | "tonumber"
            | "tobool"
            | "format"
            | "lower"
            | "upper"
            | "trimspace"
            | "chomp"
            | "title"
            | "trimprefix"
            | "trimsuffix"
            | "startswith"
            | "endswith"
            | "strcontains"
            | "max"
            | "min"
            | "sum"
            | "abs"
            | "ceil"
            | "floor"
            | "signum"
            | "length"
            | "element"
            | "index"
            | "contains"
            | "keys"
            | "values"
            | "zipmap"
            | "join"
            | "split"
            | "replace"
            | "substr"
            | "flatten"
            | "distinct"
            | "compact"
            | "one"
            | "range"
            | "slice"
            | "reverse"
            | "sort"
            | "alltrue"
            | "anytrue"
    )
}

/// `items` without repeats (the first of equal values kept, equality as `Val`'s `==`), in
/// linear time: a list may have many thousands of items.
fn without_repeats(items: impl IntoIterator<Item = Val>) -> Vec<Val> {
    let mut seen = HashSet::default();
    let mut out = Vec::new();
    for item in items {
        let mut key = String::new();
        if !equality_key(&item, &mut key) || seen.insert(key) {
            out.push(item);
        }
    }
    out
}

/// Writes a text equal for two values exactly when they are `==`; false for a value equal to
/// nothing (one holding NaN).
fn equality_key(v: &Val, out: &mut String) -> bool {
    use std::fmt::Write;
    let text = |out: &mut String, s: &str| {
        let _ = write!(out, "{}:", s.len());
        out.push_str(s);
    };
    match v {
        Val::Null => out.push('n'),
        Val::Unknown => out.push('u'),
        Val::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Val::Num(n) if n.is_nan() => return false,
        // `-0 == 0`.
        Val::Num(n) => {
            let n = if *n == 0.0 { 0.0 } else { *n };
            let _ = write!(out, "#{:x};", n.to_bits());
        }
        Val::Str(s) => {
            out.push('s');
            text(out, s);
        }
        Val::Ref { address, attr } => {
            out.push('r');
            text(out, address);
            match attr {
                Some(a) => {
                    out.push('.');
                    text(out, a);
                }
                None => out.push(';'),
            }
        }
        Val::List(items) | Val::OneOf(items) => {
            out.push(if matches!(v, Val::List(_)) { '[' } else { '|' });
            for i in items {
                if !equality_key(i, out) {
                    return false;
                }
            }
            out.push(']');
        }
        Val::Obj(entries) => {
            out.push('{');
            for (k, v) in entries {
                text(out, k);
                if !equality_key(v, out) {
                    return false;
                }
            }
            out.push('}');
        }
    }
    true
}

/// A set: duplicates removed, sorted (strings lexically, numbers by value; mixed primitives
/// become strings, as Terraform unifies them). Unknown when an element is not known.
pub(crate) fn to_set(items: Vec<Val>) -> Val {
    if items
        .iter()
        .any(|i| !i.is_wholly_known() || matches!(i, Val::Ref { .. }))
    {
        return Val::Unknown;
    }
    let all_num = items.iter().all(|i| matches!(i, Val::Num(_)));
    let all_prim = items.iter().all(Val::is_primitive);
    let mut items: Vec<Val> = if all_prim && !all_num {
        let all_str = items.iter().all(|i| matches!(i, Val::Str(_)));
        let all_bool = items.iter().all(|i| matches!(i, Val::Bool(_)));
        if all_str || all_bool {
            items
        } else {
            items
                .iter()
                .map(|i| Val::Str(i.as_string().unwrap_or_default()))
                .collect()
        }
    } else {
        items
    };
    let mut out = without_repeats(items.drain(..));
    if all_num {
        out.sort_by(|a, b| match (a, b) {
            (Val::Num(x), Val::Num(y)) => x.total_cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
    } else if all_prim {
        out.sort_by(|a, b| match (a, b) {
            (Val::Str(x), Val::Str(y)) => x.cmp(y),
            (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
    }
    Val::List(out)
}

fn convert_fn(name: &str, v: &Val) -> R {
    if matches!(v, Val::Unknown | Val::OneOf(_)) {
        return Ok(Val::Unknown);
    }
    if *v == Val::Null {
        return Ok(Val::Null);
    }
    match (name, v) {
        ("tomap", Val::Obj(_)) => Ok(v.clone()),
        ("tolist", Val::List(_)) => Ok(v.clone()),
        ("toset", Val::List(items)) => Ok(to_set(items.clone())),
        (_, Val::Ref { .. }) => Ok(Val::Unknown),
        ("tostring", Val::Str(_) | Val::Num(_) | Val::Bool(_)) => {
            v.as_string().map(Val::Str).ok_or(Fail)
        }
        ("tonumber", Val::Num(_) | Val::Str(_)) => v.as_f64().map(Val::Num).ok_or(Fail),
        ("tobool", Val::Bool(_) | Val::Str(_)) => v.as_bool().map(Val::Bool).ok_or(Fail),
        _ => Err(Fail),
    }
}
