//! Numeric functions: `max`, `min`, `sum`, `abs`, `ceil`, `floor`, `signum`, `range`.

use super::super::budget::Budget;
use super::super::value::{Fail, Val};
use super::{arity, list_arg, num_arg, R};

/// Most elements `range()` builds.
const MAX_RANGE: usize = 10_000;

/// The numeric functions.
pub(super) fn call(name: &str, args: &[Val], budget: &Budget) -> R {
    match name {
        "max" | "min" => {
            if args.is_empty() {
                return Err(Fail);
            }
            let mut best: Option<f64> = None;
            for a in args {
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
            arity(args, 1, 1)?;
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
            arity(args, 1, 1)?;
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
        "range" => {
            arity(args, 1, 3)?;
            let mut nums = Vec::new();
            for a in args {
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
        _ => Ok(Val::Unknown),
    }
}
