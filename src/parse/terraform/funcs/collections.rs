//! List, map and object functions.

use super::super::value::{equals, Fail, Val};
use super::{arity, list_arg, num_arg, obj_arg, str_arg, without_repeats, R};

/// The list functions.
pub(super) fn lists(name: &str, args: &[Val]) -> R {
    match name {
        "length" | "element" | "index" | "contains" | "one" | "alltrue" | "anytrue" => {
            queries(name, args)
        }
        _ => builders(name, args),
    }
}

/// The functions that build a list from lists.
fn builders(name: &str, args: &[Val]) -> R {
    match name {
        "coalescelist" => {
            for a in args {
                let items = known!(list_arg(a));
                if !items.is_empty() {
                    return Ok(a.clone());
                }
            }
            Err(Fail)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                out.extend(known!(list_arg(a)).iter().cloned());
            }
            Ok(Val::List(out))
        }
        "flatten" => {
            arity(args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            let mut out = Vec::new();
            if !flatten(items, &mut out, 0) {
                return Ok(Val::Unknown);
            }
            Ok(Val::List(out))
        }
        "distinct" => {
            arity(args, 1, 1)?;
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
            arity(args, 1, 1)?;
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
        "slice" => {
            arity(args, 3, 3)?;
            let items = known!(list_arg(&args[0]));
            let start = known!(num_arg(&args[1]));
            let end = known!(num_arg(&args[2]));
            if start < 0.0 || end < start || end > items.len() as f64 {
                return Err(Fail);
            }
            Ok(Val::List(items[start as usize..end as usize].to_vec()))
        }
        "reverse" => {
            arity(args, 1, 1)?;
            let mut items = known!(list_arg(&args[0])).to_vec();
            items.reverse();
            Ok(Val::List(items))
        }
        "sort" => {
            arity(args, 1, 1)?;
            let items = known!(list_arg(&args[0]));
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(known!(str_arg(i)));
            }
            out.sort();
            Ok(Val::List(out.into_iter().map(Val::Str).collect()))
        }
        _ => Ok(Val::Unknown),
    }
}

/// The functions that read a list: its length, an element, a position, a test.
fn queries(name: &str, args: &[Val]) -> R {
    match name {
        "length" => {
            arity(args, 1, 1)?;
            match &args[0] {
                Val::List(items) => Ok(Val::Num(items.len() as f64)),
                Val::Obj(entries) => Ok(Val::Num(entries.len() as f64)),
                Val::Str(s) => Ok(Val::Num(s.chars().count() as f64)),
                Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => Ok(Val::Unknown),
                _ => Err(Fail),
            }
        }
        "element" => {
            arity(args, 2, 2)?;
            let items = known!(list_arg(&args[0]));
            let index = known!(num_arg(&args[1]));
            if items.is_empty() || index < 0.0 || index.fract() != 0.0 || !index.is_finite() {
                return Err(Fail);
            }
            let i = (index % items.len() as f64) as usize;
            Ok(items[i].clone())
        }
        "index" => {
            arity(args, 2, 2)?;
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
            arity(args, 2, 2)?;
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
        "one" => {
            arity(args, 1, 1)?;
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
        "alltrue" | "anytrue" => {
            arity(args, 1, 1)?;
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

/// The map and object functions.
pub(super) fn maps(name: &str, args: &[Val]) -> R {
    match name {
        "lookup" => {
            arity(args, 2, 3)?;
            let map = known!(obj_arg(&args[0]));
            let key = known!(str_arg(&args[1]));
            match map.iter().find(|(k, _)| *k == key) {
                Some((_, v)) => Ok(v.clone()),
                None => args.get(2).cloned().ok_or(Fail),
            }
        }
        "merge" => {
            let mut out: Vec<(String, Val)> = Vec::new();
            for a in args {
                if *a == Val::Null {
                    continue;
                }
                out.extend(known!(obj_arg(a)).iter().cloned());
            }
            Ok(Val::obj(out))
        }
        "keys" | "values" => {
            arity(args, 1, 1)?;
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
            arity(args, 2, 2)?;
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
        _ => Ok(Val::Unknown),
    }
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
