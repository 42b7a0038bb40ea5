//! Terraform's built-in functions, over evaluated arguments (one alternative each: `OneOf`
//! arguments are lifted by the caller). `try` and `can` need their arguments unevaluated and
//! live in the evaluator. An unknown function, a provider function, `file()`, `templatefile()`
//! and the like give `Unknown`.
//!
//! The evaluator charges every function's result to the evaluation budget (`budget.rs`); a
//! function whose result can be far larger than its arguments (`join`, `replace`, `range`,
//! `split`) computes that size first and asks [`Budget::fits`] before allocating anything.

use std::collections::HashSet;

use super::budget::{Budget, BYTES_PER_UNIT};
use super::value::{equals, format_number, to_json, Fail, Val};

/// Most elements `range()` builds.
const MAX_RANGE: usize = 10_000;

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
        "lookup" => {
            arity(&args, 2, 3)?;
            let map = known!(obj_arg(&args[0]));
            let key = known!(str_arg(&args[1]));
            match map.iter().find(|(k, _)| *k == key) {
                Some((_, v)) => Ok(v.clone()),
                None => args.get(2).cloned().ok_or(Fail),
            }
        }
        "merge" => {
            let mut out: Vec<(String, Val)> = Vec::new();
            for a in &args {
                if *a == Val::Null {
                    continue;
                }
                out.extend(known!(obj_arg(a)).iter().cloned());
            }
            Ok(Val::obj(out))
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
        "coalescelist" => {
            for a in &args {
                let items = known!(list_arg(a));
                if !items.is_empty() {
                    return Ok(a.clone());
                }
            }
            Err(Fail)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                out.extend(known!(list_arg(a)).iter().cloned());
            }
            Ok(Val::List(out))
        }
        "tomap" | "tolist" | "toset" | "tostring" | "tonumber" | "tobool" => {
            arity(&args, 1, 1)?;
            convert_fn(name, &args[0])
        }
        "format" => {
            if args.is_empty() {
                return Err(Fail);
            }
            let fmt = known!(str_arg(&args[0]));
            format(&fmt, &args[1..])
        }
        "lower" | "upper" | "trimspace" | "chomp" | "title" => {
            arity(&args, 1, 1)?;
            let s = known!(str_arg(&args[0]));
            Ok(Val::Str(match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                "trimspace" => s.trim().to_string(),
                "chomp" => s.trim_end_matches(['\n', '\r']).to_string(),
                _ => title(&s),
            }))
        }
        "trimprefix" | "trimsuffix" | "startswith" | "endswith" | "strcontains" => {
            arity(&args, 2, 2)?;
            let s = known!(str_arg(&args[0]));
            let p = known!(str_arg(&args[1]));
            Ok(match name {
                "trimprefix" => Val::Str(s.strip_prefix(p.as_str()).unwrap_or(&s).to_string()),
                "trimsuffix" => Val::Str(s.strip_suffix(p.as_str()).unwrap_or(&s).to_string()),
                "startswith" => Val::Bool(s.starts_with(&p)),
                "endswith" => Val::Bool(s.ends_with(&p)),
                _ => Val::Bool(s.contains(&p)),
            })
        }
        "max" | "min" => {
            if args.is_empty() {
                return Err(Fail);
            }
            let mut best: Option<f64> = None;
            for a in &args {
                let n = known!(num_arg(a));
                best = Some(match best {
                    None => n,
                    Some(b) if name == "max" => b.max(n),
                    Some(b) => b.min(n),
                });
            }
            Ok(best.map(Val::Num).unwrap_or(Val::Unknown))
        }
        "sum" => {
            arity(&args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            if items.is_empty() {
                return Err(Fail);
            }
            let mut total = 0.0;
            for i in items {
                total += known!(num_arg(i));
            }
            Ok(Val::Num(total))
        }
        "abs" | "ceil" | "floor" | "signum" => {
            arity(&args, 1, 1)?;
            let n = known!(num_arg(&args[0]));
            Ok(Val::Num(match name {
                "abs" => n.abs(),
                "ceil" => n.ceil(),
                "floor" => n.floor(),
                _ => {
                    if n == 0.0 {
                        0.0
                    } else {
                        n.signum()
                    }
                }
            }))
        }
        "length" => {
            arity(&args, 1, 1)?;
            match &args[0] {
                Val::List(items) => Ok(Val::Num(items.len() as f64)),
                Val::Obj(entries) => Ok(Val::Num(entries.len() as f64)),
                Val::Str(s) => Ok(Val::Num(s.chars().count() as f64)),
                Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => Ok(Val::Unknown),
                _ => Err(Fail),
            }
        }
        "element" => {
            arity(&args, 2, 2)?;
            let items = known!(list_arg(&args[0]));
            let index = known!(num_arg(&args[1]));
            if items.is_empty() || index < 0.0 || index.fract() != 0.0 || !index.is_finite() {
                return Err(Fail);
            }
            let i = (index % items.len() as f64) as usize;
            Ok(items[i].clone())
        }
        "index" => {
            arity(&args, 2, 2)?;
            let items = known!(list_arg(&args[0]));
            for (i, item) in items.iter().enumerate() {
                match equals(item, &args[1]) {
                    Some(true) => return Ok(Val::Num(i as f64)),
                    Some(false) => {}
                    None => return Ok(Val::Unknown),
                }
            }
            Err(Fail)
        }
        "contains" => {
            arity(&args, 2, 2)?;
            let items = known!(list_arg(&args[0]));
            let mut undecided = false;
            for item in items {
                match equals(item, &args[1]) {
                    Some(true) => return Ok(Val::Bool(true)),
                    Some(false) => {}
                    None => undecided = true,
                }
            }
            Ok(if undecided {
                Val::Unknown
            } else {
                Val::Bool(false)
            })
        }
        "keys" | "values" => {
            arity(&args, 1, 1)?;
            let entries = known!(obj_arg(&args[0]));
            Ok(Val::List(
                entries
                    .iter()
                    .map(|(k, v)| {
                        if name == "keys" {
                            Val::Str(k.clone())
                        } else {
                            v.clone()
                        }
                    })
                    .collect(),
            ))
        }
        "zipmap" => {
            arity(&args, 2, 2)?;
            let keys = known!(list_arg(&args[0]));
            let values = known!(list_arg(&args[1]));
            if keys.len() != values.len() {
                return Err(Fail);
            }
            let mut out = Vec::with_capacity(keys.len());
            for (k, v) in keys.iter().zip(values) {
                out.push((known!(str_arg(k)), v.clone()));
            }
            Ok(Val::obj(out))
        }
        "join" => {
            if args.len() < 2 {
                return Err(Fail);
            }
            let sep = known!(str_arg(&args[0]));
            let mut parts = Vec::new();
            for a in &args[1..] {
                for item in known!(list_arg(a)) {
                    parts.push(known!(str_arg(item)));
                }
            }
            let seps = parts.len().saturating_sub(1).saturating_mul(sep.len());
            let len = parts
                .iter()
                .fold(seps, |len, p| len.saturating_add(p.len()));
            if !budget.fits(str_weight(len)) {
                return Ok(Val::Unknown);
            }
            Ok(Val::Str(parts.join(&sep)))
        }
        "split" => {
            arity(&args, 2, 2)?;
            let sep = known!(str_arg(&args[0]));
            let s = known!(str_arg(&args[1]));
            let count = if sep.is_empty() {
                s.chars().count()
            } else {
                s.matches(sep.as_str()).count() + 1
            };
            if !budget.fits(1 + count + s.len() / BYTES_PER_UNIT) {
                return Ok(Val::Unknown);
            }
            let parts: Vec<Val> = if sep.is_empty() {
                s.chars().map(|c| Val::Str(c.to_string())).collect()
            } else {
                s.split(sep.as_str())
                    .map(|p| Val::Str(p.to_string()))
                    .collect()
            };
            Ok(Val::List(parts))
        }
        "replace" => {
            arity(&args, 3, 3)?;
            let s = known!(str_arg(&args[0]));
            let from = known!(str_arg(&args[1]));
            let to = known!(str_arg(&args[2]));
            if from.len() >= 2 && from.starts_with('/') && from.ends_with('/') {
                // A regular expression: not evaluated.
                return Ok(Val::Unknown);
            }
            if from.is_empty() {
                return Ok(Val::Unknown);
            }
            let len = s
                .matches(from.as_str())
                .count()
                .saturating_mul(to.len())
                .saturating_add(s.len());
            if !budget.fits(str_weight(len)) {
                return Ok(Val::Unknown);
            }
            Ok(Val::Str(s.replace(&from, &to)))
        }
        "substr" => {
            arity(&args, 3, 3)?;
            let s = known!(str_arg(&args[0]));
            let offset = known!(num_arg(&args[1]));
            let length = known!(num_arg(&args[2]));
            if offset.fract() != 0.0 || length.fract() != 0.0 {
                return Err(Fail);
            }
            let chars: Vec<char> = s.chars().collect();
            let len = chars.len() as f64;
            let start = if offset < 0.0 { len + offset } else { offset };
            if start < 0.0 {
                return Err(Fail);
            }
            if start >= len {
                return Ok(Val::Str(String::new()));
            }
            let end = if length < 0.0 {
                len
            } else {
                (start + length).min(len)
            };
            Ok(Val::Str(
                chars[start as usize..end as usize].iter().collect(),
            ))
        }
        "flatten" => {
            arity(&args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            let mut out = Vec::new();
            if !flatten(items, &mut out, 0) {
                return Ok(Val::Unknown);
            }
            Ok(Val::List(out))
        }
        "distinct" => {
            arity(&args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            if items
                .iter()
                .any(|i| !i.is_wholly_known() || matches!(i, Val::Ref { .. }))
            {
                return Ok(Val::Unknown);
            }
            Ok(Val::List(without_repeats(items.iter().cloned())))
        }
        "compact" => {
            arity(&args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            let mut out = Vec::new();
            for i in items {
                match i {
                    Val::Null => {}
                    Val::Str(s) if s.is_empty() => {}
                    Val::Str(_) | Val::Num(_) | Val::Bool(_) => out.push(i.clone()),
                    _ => return Ok(Val::Unknown),
                }
            }
            Ok(Val::List(out))
        }
        "one" => {
            arity(&args, 1, 1)?;
            if args[0] == Val::Null {
                return Ok(Val::Null);
            }
            let items = known!(list_arg(&args[0]));
            match items.len() {
                0 => Ok(Val::Null),
                1 => Ok(items[0].clone()),
                _ => Err(Fail),
            }
        }
        "range" => {
            arity(&args, 1, 3)?;
            let mut nums = Vec::new();
            for a in &args {
                nums.push(known!(num_arg(a)));
            }
            let (start, end, step) = match nums.as_slice() {
                [end] => (0.0, *end, 1.0),
                [start, end] => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
                [start, end, step] => (*start, *end, *step),
                _ => return Err(Fail),
            };
            if step == 0.0 || (step > 0.0 && end < start) || (step < 0.0 && end > start) {
                return if start == end {
                    Ok(Val::List(Vec::new()))
                } else {
                    Err(Fail)
                };
            }
            let count = ((end - start) / step).ceil();
            if count.is_nan() || count < 0.0 {
                return Ok(Val::Unknown);
            }
            if count > MAX_RANGE as f64 {
                budget.note_cut();
                return Ok(Val::Unknown);
            }
            if !budget.fits(1 + count as usize) {
                return Ok(Val::Unknown);
            }
            Ok(Val::List(
                (0..count as usize)
                    .map(|i| Val::Num(start + step * i as f64))
                    .collect(),
            ))
        }
        "slice" => {
            arity(&args, 3, 3)?;
            let items = known!(list_arg(&args[0]));
            let start = known!(num_arg(&args[1]));
            let end = known!(num_arg(&args[2]));
            if start < 0.0 || end < start || end > items.len() as f64 {
                return Err(Fail);
            }
            Ok(Val::List(items[start as usize..end as usize].to_vec()))
        }
        "reverse" => {
            arity(&args, 1, 1)?;
            let mut items = known!(list_arg(&args[0])).to_vec();
            items.reverse();
            Ok(Val::List(items))
        }
        "sort" => {
            arity(&args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(known!(str_arg(i)));
            }
            out.sort();
            Ok(Val::List(out.into_iter().map(Val::Str).collect()))
        }
        "alltrue" | "anytrue" => {
            arity(&args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            let mut undecided = false;
            for i in items {
                match i.as_bool() {
                    Some(b) if b == (name == "anytrue") => return Ok(Val::Bool(b)),
                    Some(_) => {}
                    None if matches!(i, Val::Unknown | Val::Ref { .. }) => undecided = true,
                    None => return Err(Fail),
                }
            }
            Ok(if undecided {
                Val::Unknown
            } else {
                Val::Bool(name == "alltrue")
            })
        }
        _ => Ok(Val::Unknown),
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

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// `items` without repeats (the first of equal values kept, equality as `Val`'s `==`), in
/// linear time: a list may have many thousands of items.
fn without_repeats(items: impl IntoIterator<Item = Val>) -> Vec<Val> {
    let mut seen = HashSet::new();
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

fn flatten(items: &[Val], out: &mut Vec<Val>, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    for i in items {
        match i {
            Val::List(inner) => {
                if !flatten(inner, out, depth + 1) {
                    return false;
                }
            }
            Val::Unknown | Val::OneOf(_) => return false,
            other => out.push(other.clone()),
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

/// The largest `%.<n>f` precision evaluated.
const MAX_FORMAT_PRECISION: usize = 64;

/// `format()`: `%s %d %v %q %t %f %%` (with `%.Nf`); other verbs and flags give `Unknown`.
fn format(fmt: &str, args: &[Val]) -> R {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            precision = Some(digits.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            return Err(Fail);
        };
        if verb == '%' && precision.is_none() {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            return Err(Fail);
        };
        next += 1;
        if matches!(arg, Val::Unknown | Val::Ref { .. } | Val::OneOf(_)) {
            return Ok(Val::Unknown);
        }
        match (verb, precision) {
            ('s', None) => match arg {
                Val::Str(_) | Val::Num(_) | Val::Bool(_) => {
                    out.push_str(&arg.as_string().unwrap_or_default())
                }
                _ => return Err(Fail),
            },
            ('d', None) => {
                let n = arg.as_f64().ok_or(Fail)?;
                if n.fract() != 0.0 {
                    return Err(Fail);
                }
                out.push_str(&format_number(n));
            }
            ('f', p) => {
                let n = arg.as_f64().ok_or(Fail)?;
                // Rust's formatter panics on a precision above u16::MAX, and a huge one would
                // allocate without bound: beyond what any volume setting needs, stay unknown.
                let p = p.unwrap_or(6);
                if p > MAX_FORMAT_PRECISION {
                    return Ok(Val::Unknown);
                }
                out.push_str(&format!("{n:.p$}"));
            }
            ('t', None) => out.push_str(&arg.as_bool().ok_or(Fail)?.to_string()),
            ('v', None) => match arg {
                Val::Str(_) | Val::Num(_) | Val::Bool(_) => {
                    out.push_str(&arg.as_string().unwrap_or_default())
                }
                Val::Null => out.push_str("null"),
                _ => match to_json(arg) {
                    Some(j) => out.push_str(&j),
                    None => return Ok(Val::Unknown),
                },
            },
            ('q', None) => {
                let s = arg.as_string().ok_or(Fail)?;
                out.push_str(&serde_json::to_string(&s).map_err(|_| Fail)?);
            }
            _ => return Ok(Val::Unknown),
        }
    }
    Ok(Val::Str(out))
}
