//! String functions: `format`, case and trimming, prefixes and suffixes, `join`, `split`,
//! `replace`, `substr`.

use super::super::budget::{Budget, BYTES_PER_UNIT};
use super::super::value::{format_number, to_json, Fail, Val};
use super::{arity, list_arg, num_arg, str_arg, str_weight, R};

/// The string functions.
pub(super) fn call(name: &str, args: &[Val], budget: &Budget) -> R {
    match name {
        "format" => {
            if args.is_empty() {
                return Err(Fail);
            }
            let fmt = known!(str_arg(&args[0]));
            format(&fmt, &args[1..])
        }
        "lower" | "upper" | "trimspace" | "chomp" | "title" => {
            arity(args, 1, 1)?;
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
            arity(args, 2, 2)?;
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
            arity(args, 2, 2)?;
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
            arity(args, 3, 3)?;
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
            arity(args, 3, 3)?;
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
        _ => Ok(Val::Unknown),
    }
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
