//! Values of the evaluator: what an expression is known to be.

use foldhash::HashSet;

use crate::model::Origin;
use crate::parse::syntax::json::{JKind, JNode};
use crate::source::Span;

/// An evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A list, tuple or set (sets are kept sorted and without duplicates).
    List(Vec<Val>),
    /// An object or map: entries sorted by key, keys unique (Terraform iterates maps and objects
    /// in lexical key order). Build with [`Val::obj`].
    Obj(Vec<(String, Val)>),
    /// A reference to a resource or data source instance of the module (`aws_eip.web`,
    /// `aws_eip.nat[0]`, `data.aws_ami.ubuntu`), with the attribute read from it. Its value is
    /// only known after apply; what is known is which resource it designates.
    Ref {
        address: String,
        attr: Option<String>,
    },
    /// One of several values, chosen by a condition that cannot be evaluated
    /// (`var.big ? "io1" : "gp3"` with `var.big` unknown). Never nested, at least two distinct
    /// alternatives, none of them `Unknown`. Build with [`Val::one_of`].
    OneOf(Vec<Val>),
    Unknown,
}

/// The expression fails in Terraform itself (a missing attribute of a known object, an index
/// out of range, `tonumber("x")`): what `try` and `can` catch. Outside of them, a failure is
/// treated as unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fail;

pub(crate) type EvalResult = Result<Evaluated, Fail>;

/// Most alternatives a [`Val::OneOf`] keeps; beyond that the value is unknown.
pub(crate) const MAX_ALTERNATIVES: usize = 16;

/// Largest value (in nodes, strings counted by length / 64) the evaluator builds; beyond that
/// the value is unknown (guards against `local.a = [local.b, local.b]` chains and the like).
pub(crate) const MAX_VALUE_WEIGHT: usize = 200_000;

impl Val {
    /// An object from entries in any order; a later duplicate key wins.
    pub fn obj(mut entries: Vec<(String, Val)>) -> Val {
        // Stable sort keeps duplicates in insertion order: keep the last of each run.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, Val)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        Val::Obj(out)
    }

    /// One of `alternatives`: flattened, deduplicated; `Unknown` if any alternative is unknown
    /// or there are too many.
    pub fn one_of(alternatives: Vec<Val>) -> Val {
        let mut out: Vec<Val> = Vec::new();
        for alt in alternatives {
            let items = match alt {
                Val::OneOf(inner) => inner,
                Val::Unknown => return Val::Unknown,
                other => vec![other],
            };
            for item in items {
                if !out.contains(&item) {
                    out.push(item);
                }
            }
        }
        match out.len() {
            0 => Val::Unknown,
            1 => out.pop().unwrap_or(Val::Unknown),
            n if n > MAX_ALTERNATIVES => Val::Unknown,
            _ => Val::OneOf(out),
        }
    }

    /// The alternatives of a `OneOf`, or the value itself.
    pub fn alternatives(&self) -> &[Val] {
        match self {
            Val::OneOf(alts) => alts,
            other => std::slice::from_ref(other),
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }

    /// No unknown part anywhere (a reference counts as known: it designates a resource).
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Val::Unknown => false,
            Val::List(items) | Val::OneOf(items) => items.iter().all(Val::is_wholly_known),
            Val::Obj(entries) => entries.iter().all(|(_, v)| v.is_wholly_known()),
            _ => true,
        }
    }

    /// Size of the value, counted up to `budget` (then `budget + 1`).
    pub(crate) fn weight(&self, budget: usize) -> usize {
        fn go(v: &Val, acc: &mut usize, budget: usize) {
            if *acc > budget {
                return;
            }
            *acc += 1;
            match v {
                Val::Str(s) => *acc += s.len() / 64,
                Val::List(items) | Val::OneOf(items) => {
                    for i in items {
                        go(i, acc, budget);
                    }
                }
                Val::Obj(entries) => {
                    for (k, v) in entries {
                        *acc += k.len() / 64;
                        go(v, acc, budget);
                    }
                }
                _ => {}
            }
        }
        let mut acc = 0;
        go(self, &mut acc, budget);
        acc.min(budget.saturating_add(1))
    }

    /// Terraform's conversion to string (for templates, string arguments, `string` fields).
    pub fn as_string(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(format_number(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" => Some(true),
            Val::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// A whole, non-negative number usable as an index or count.
    pub(crate) fn as_index(&self) -> Option<usize> {
        let n = self.as_f64()?;
        if n >= 0.0 && n.fract() == 0.0 && n < 1e15 {
            Some(n as usize)
        } else {
            None
        }
    }

    /// Entries of an object or map.
    pub(crate) fn get_key(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Obj(entries) => entries
                .binary_search_by(|(k, _)| k.as_str().cmp(key))
                .ok()
                .map(|i| &entries[i].1),
            _ => None,
        }
    }

    /// A string, number or bool.
    pub(crate) fn is_primitive(&self) -> bool {
        matches!(self, Val::Str(_) | Val::Num(_) | Val::Bool(_))
    }
}

impl Val {
    /// A JSON value as a literal (no templates): what `.tfvars.json` values and variable
    /// defaults are. A number beyond `f64` is unknown.
    pub(crate) fn from_json(node: &JNode) -> Val {
        match &node.kind {
            JKind::Null => Val::Null,
            JKind::Bool(b) => Val::Bool(*b),
            JKind::Num(n) => Val::Num(*n),
            JKind::OutOfRange => Val::Unknown,
            JKind::Str(s) => Val::Str(s.clone()),
            JKind::Array(items) => Val::List(items.iter().map(Val::from_json).collect()),
            JKind::Object(props) => Val::obj(
                props
                    .iter()
                    .map(|p| (p.key.clone(), Val::from_json(&p.value)))
                    .collect(),
            ),
        }
    }

    /// The format-neutral value adapters read.
    pub fn to_model(&self) -> crate::model::Val {
        use crate::model::{Ref, Val as M};
        match self {
            Val::Null => M::Null,
            Val::Bool(b) => M::Bool(*b),
            Val::Num(n) => M::Num(*n),
            Val::Str(s) => M::Str(s.clone()),
            Val::List(items) => M::List(items.iter().map(Val::to_model).collect()),
            Val::Obj(entries) => M::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_model()))
                    .collect(),
            ),
            Val::Ref { address, attr } => M::Ref(Ref {
                address: address.clone(),
                attr: attr.clone(),
            }),
            Val::OneOf(alts) => M::OneOf(alts.iter().map(Val::to_model).collect()),
            Val::Unknown => M::Unknown,
        }
    }
}

pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A value and the definitions it was resolved through.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub val: Val,
    pub via: Vec<Origin>,
}

impl Evaluated {
    pub(crate) fn plain(val: Val) -> Evaluated {
        Evaluated {
            val,
            via: Vec::new(),
        }
    }

    pub(crate) fn unknown() -> Evaluated {
        Evaluated::plain(Val::Unknown)
    }

    pub(crate) fn with_via(val: Val, via: Vec<Origin>) -> Evaluated {
        if val.is_unknown() {
            Evaluated::unknown()
        } else {
            Evaluated { val, via }
        }
    }
}

/// Appends origins not already present, in linear time (a value built through many locals
/// has many origins, and is merged again at every use).
pub(crate) fn merge_via(into: &mut Vec<Origin>, from: Vec<Origin>) {
    if into.len().saturating_mul(from.len()) <= 256 {
        for o in from {
            if !into.contains(&o) {
                into.push(o);
            }
        }
        return;
    }
    let fresh: Vec<bool> = {
        let mut seen: HashSet<(Span, &str)> =
            into.iter().map(|o| (o.span, o.label.as_str())).collect();
        from.iter()
            .map(|o| seen.insert((o.span, o.label.as_str())))
            .collect()
    };
    into.extend(
        from.into_iter()
            .zip(fresh)
            .filter_map(|(o, fresh)| fresh.then_some(o)),
    );
}

/// Every combination of the alternatives of `args` (one combination when none is a `OneOf`);
/// `None` when there are more than [`MAX_ALTERNATIVES`].
pub(crate) fn combinations(args: &[Val]) -> Option<Vec<Vec<Val>>> {
    let mut out: Vec<Vec<Val>> = vec![Vec::with_capacity(args.len())];
    for arg in args {
        let alts = arg.alternatives();
        if alts.len() == 1 {
            for combo in &mut out {
                combo.push(alts[0].clone());
            }
            continue;
        }
        if out.len() * alts.len() > MAX_ALTERNATIVES {
            return None;
        }
        let mut next = Vec::with_capacity(out.len() * alts.len());
        for combo in &out {
            for alt in alts {
                let mut c = combo.clone();
                c.push(alt.clone());
                next.push(c);
            }
        }
        out = next;
    }
    Some(out)
}

/// Applies `f` to every combination of alternatives of `args`. A failure of every
/// combination is a failure; a failure of some only (a branch that may not be taken) makes
/// the result unknown.
pub(crate) fn lift(
    args: Vec<Val>,
    mut f: impl FnMut(Vec<Val>) -> Result<Val, Fail>,
) -> Result<Val, Fail> {
    if !args.iter().any(|a| matches!(a, Val::OneOf(_))) {
        return f(args);
    }
    let Some(combos) = combinations(&args) else {
        return Ok(Val::Unknown);
    };
    gather(combos.into_iter().map(f))
}

/// Applies `f` to each alternative of a `OneOf` (borrowed: nothing is copied), as [`lift`]
/// does to combinations.
pub(crate) fn each_alternative(
    alternatives: &[Val],
    f: impl FnMut(&Val) -> Result<Val, Fail>,
) -> Result<Val, Fail> {
    gather(alternatives.iter().map(f))
}

/// The value of several alternatives' outcomes: see [`lift`].
fn gather(outcomes: impl Iterator<Item = Result<Val, Fail>>) -> Result<Val, Fail> {
    let mut results = Vec::new();
    let mut failed = 0;
    for outcome in outcomes {
        match outcome {
            Ok(v) => results.push(v),
            Err(Fail) => failed += 1,
        }
    }
    if results.is_empty() && failed > 0 {
        return Err(Fail);
    }
    if failed > 0 {
        return Ok(Val::Unknown);
    }
    Ok(Val::one_of(results))
}

/// A list whose items may hold alternatives: alternatives are moved to the top
/// (`[c ? 1 : 2, 3]` is one of `[1, 3]`, `[2, 3]`).
pub(crate) fn hoist_list(items: Vec<Val>) -> Val {
    if !items.iter().any(|i| matches!(i, Val::OneOf(_))) {
        return Val::List(items);
    }
    match combinations(&items) {
        Some(combos) => Val::one_of(combos.into_iter().map(Val::List).collect()),
        None => Val::Unknown,
    }
}

/// Same as [`hoist_list`] for an object.
pub(crate) fn hoist_obj(entries: Vec<(String, Val)>) -> Val {
    if !entries.iter().any(|(_, v)| matches!(v, Val::OneOf(_))) {
        return Val::obj(entries);
    }
    let (keys, vals): (Vec<String>, Vec<Val>) = entries.into_iter().unzip();
    match combinations(&vals) {
        Some(combos) => Val::one_of(
            combos
                .into_iter()
                .map(|c| Val::obj(keys.iter().cloned().zip(c).collect()))
                .collect(),
        ),
        None => Val::Unknown,
    }
}

/// Terraform's `==`: `Some(bool)` when decided, `None` when a part is unknown.
pub(crate) fn equals(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Unknown, _) | (_, Val::Unknown) => None,
        (Val::OneOf(_), _) | (_, Val::OneOf(_)) => None,
        (Val::Ref { .. }, Val::Ref { .. }) if a == b => Some(true),
        (Val::Ref { .. }, _) | (_, Val::Ref { .. }) => None,
        (Val::Null, Val::Null) => Some(true),
        (Val::Null, _) | (_, Val::Null) => Some(false),
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::Num(x), Val::Num(y)) => Some(x == y),
        (Val::Str(x), Val::Str(y)) => Some(x == y),
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for (i, j) in x.iter().zip(y) {
                match equals(i, j) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        (Val::Obj(x), Val::Obj(y)) => {
            if x.len() != y.len() || x.iter().zip(y).any(|((k, _), (l, _))| k != l) {
                return Some(false);
            }
            let mut all = Some(true);
            for ((_, i), (_, j)) in x.iter().zip(y) {
                match equals(i, j) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        _ => Some(false),
    }
}

/// `"key"` quoted as in a Terraform instance address (`aws_ebs_volume.data["logs"]`).
pub(crate) fn quote_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    out.push('"');
    for c in key.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JSON text of a value (`format("%v")` of collections, `%q`).
pub(crate) fn to_json(v: &Val) -> Option<String> {
    Some(match v {
        Val::Null => "null".to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Num(n) => format_number(*n),
        Val::Str(s) => serde_json::to_string(s).ok()?,
        Val::List(items) => {
            let parts: Option<Vec<String>> = items.iter().map(to_json).collect();
            format!("[{}]", parts?.join(","))
        }
        Val::Obj(entries) => {
            let mut parts = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                parts.push(format!(
                    "{}:{}",
                    serde_json::to_string(k).ok()?,
                    to_json(v)?
                ));
            }
            format!("{{{}}}", parts.join(","))
        }
        Val::Ref { .. } | Val::OneOf(_) | Val::Unknown => return None,
    })
}
