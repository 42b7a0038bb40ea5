//! Values of the evaluator: a string (CloudFormation's scalars), a number or boolean from an
//! intrinsic, a list, a map, a resource reference, `AWS::NoValue`, one of several candidates,
//! or unknown; each with the definitions it was resolved through.

use super::syntax::literal_str;
use super::{MAX_CANDIDATES, MAX_DEPTH};
use crate::model::Origin;
use crate::parse::syntax::yaml::Node;

/// The statically known value of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Null,
    /// A string. CloudFormation values are strings; numbers and booleans written as scalars
    /// are strings usable as numbers and booleans.
    Str(String),
    /// The result of `Fn::Length`.
    Num(f64),
    /// The result of a condition function (`Fn::Equals`...).
    Bool(bool),
    List(Vec<Evaluated>),
    Map(Vec<(String, Evaluated)>),
    /// A resource of the template (`Ref`) or one of its attributes (`Fn::GetAtt`).
    Resource {
        logical_id: String,
        attr: Option<String>,
    },
    /// `AWS::NoValue`: the property is not set.
    NoValue,
    /// One of several values (at least two distinct ones, none itself `OneOf`); see [`one_of`].
    OneOf(Vec<Evaluated>),
    /// Read at deploy time from the SSM parameter of this name (an SSM-typed parameter):
    /// unknown to every function and condition.
    SsmParameter(String),
    Unknown,
}

impl Val {
    pub(super) fn as_string(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(n.to_string()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A value and the definitions it was resolved through.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Evaluated {
    pub value: Val,
    pub via: Vec<Origin>,
}

impl Evaluated {
    pub(super) fn of(value: Val) -> Evaluated {
        Evaluated {
            value,
            via: Vec::new(),
        }
    }

    pub(super) fn unknown() -> Evaluated {
        Evaluated::of(Val::Unknown)
    }

    /// The possible values: the candidates of a `OneOf` (each also carrying this value's
    /// origins), or the value itself.
    pub(super) fn split(self) -> Vec<Evaluated> {
        let Evaluated { value, via } = self;
        match value {
            Val::OneOf(candidates) => candidates
                .into_iter()
                .map(|mut c| {
                    extend_via(&mut c.via, &via);
                    c
                })
                .collect(),
            value => vec![Evaluated { value, via }],
        }
    }
}

/// A value that is one of `candidates`: equal candidates are merged (their origins kept),
/// a single one is returned as is, too many are unknown.
pub(super) fn one_of(candidates: Vec<Evaluated>) -> Evaluated {
    let mut out: Vec<Evaluated> = Vec::new();
    for candidate in candidates {
        for c in candidate.split() {
            match out.iter_mut().find(|o| same_value(&o.value, &c.value, 0)) {
                Some(existing) => extend_via(&mut existing.via, &c.via),
                None => out.push(c),
            }
        }
        if out.len() > MAX_CANDIDATES {
            return Evaluated::unknown();
        }
    }
    match out.len() {
        0 => Evaluated::unknown(),
        1 => out.pop().unwrap_or_else(Evaluated::unknown),
        _ => Evaluated::of(Val::OneOf(out)),
    }
}

/// Applies `f` to every combination of the candidates of `args` and collects the results as
/// candidates; each result also carries the origins of the arguments it was computed from.
pub(super) fn lift(args: &[Evaluated], f: impl Fn(&[Evaluated]) -> Evaluated) -> Evaluated {
    let mut combos: Vec<Vec<Evaluated>> = vec![Vec::new()];
    for arg in args {
        let candidates = arg.clone().split();
        if combos.len().saturating_mul(candidates.len()) > MAX_CANDIDATES {
            return Evaluated::unknown();
        }
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                candidates.iter().map(move |c| {
                    let mut next = combo.clone();
                    next.push(c.clone());
                    next
                })
            })
            .collect();
    }
    one_of(
        combos
            .iter()
            .map(|combo| {
                let mut result = f(combo);
                for arg in combo {
                    extend_via(&mut result.via, &arg.via);
                }
                result
            })
            .collect(),
    )
}

/// Whether two values are the same, ignoring origins.
pub(super) fn same_value(a: &Val, b: &Val, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Val::Null, Val::Null) | (Val::NoValue, Val::NoValue) | (Val::Unknown, Val::Unknown) => {
            true
        }
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(x, y)| same_value(&x.value, &y.value, depth + 1))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && same_value(&x.value, &y.value, depth + 1))
        }
        (Val::Resource { .. }, Val::Resource { .. }) => a == b,
        (Val::SsmParameter(x), Val::SsmParameter(y)) => x == y,
        _ => false,
    }
}

/// `Fn::Equals`: strings (and numbers, booleans) compare as strings, lists item by item.
/// None when either side is not known.
pub(super) fn loose_eq(a: &Val, b: &Val, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let (Some(x), Some(y)) = (a.as_string(), b.as_string()) {
        return Some(x == y);
    }
    let (Val::List(x), Val::List(y)) = (a, b) else {
        return None;
    };
    let mut all = true;
    for (x, y) in x.iter().zip(y) {
        match loose_eq(&x.value, &y.value, depth + 1) {
            Some(false) => return Some(false),
            Some(true) => {}
            None => all = false,
        }
    }
    if x.len() != y.len() {
        return Some(false);
    }
    all.then_some(true)
}

/// The truth of an evaluated condition: None unless a known boolean.
pub(super) fn truth(value: &Val) -> Option<bool> {
    match value {
        Val::Bool(b) => Some(*b),
        _ => None,
    }
}

/// The keys a `Fn::FindInMap` key argument may stand for in `map`, with their origins, and
/// whether keys had to be guessed (the argument is unknown: every key of `map`). None when
/// the argument cannot be a key.
#[allow(clippy::type_complexity)]
pub(super) fn key_choices(
    arg: &Evaluated,
    map: &Node,
) -> Option<(Vec<(String, Vec<Origin>)>, bool)> {
    let mut keys = Vec::new();
    let mut guessed = false;
    for candidate in arg.clone().split() {
        match &candidate.value {
            Val::Str(_) | Val::Num(_) | Val::Bool(_) => {
                let key = candidate.value.as_string()?;
                keys.push((key, candidate.via));
            }
            Val::Unknown | Val::Resource { .. } => {
                if !guessed {
                    guessed = true;
                    for (k, _) in map.entries() {
                        keys.push((literal_str(k)?.to_string(), Vec::new()));
                    }
                }
            }
            _ => return None,
        }
    }
    Some((keys, guessed))
}

pub(super) fn extend_via(via: &mut Vec<Origin>, more: &[Origin]) {
    for origin in more {
        if !via.contains(origin) {
            via.push(origin.clone());
        }
    }
}

/// Standard base64 with padding (`Fn::Base64`).
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A string with a CloudFormation dynamic reference (`{{resolve:service:...}}`), which
/// CloudFormation replaces at deploy time: `Some(Some(name))` when the whole string is a
/// reference to an SSM parameter (`{{resolve:ssm:NAME}}` or `{{resolve:ssm:NAME:VERSION}}`),
/// `Some(None)` for any other reference (a secret, part of a longer string): the value is not
/// the string as written. `None` for a string without one.
pub(super) fn dynamic_reference(s: &str) -> Option<Option<String>> {
    if !s.contains("{{resolve:") {
        return None;
    }
    let body = s
        .strip_prefix("{{resolve:ssm:")
        .and_then(|rest| rest.strip_suffix("}}"))
        .filter(|body| !body.contains("{{") && !body.contains("}}"));
    Some(body.and_then(crate::model::image::ssm_parameter_name))
}

impl Val {
    /// The format-neutral value adapters read. `AWS::NoValue` is null (not set); a YAML
    /// `null` inside an expression is no value CloudFormation accepts: unknown.
    pub(super) fn to_model(&self) -> crate::model::Val {
        use crate::model::{Ref, Val as M};
        match self {
            Val::Null | Val::Unknown => M::Unknown,
            Val::NoValue => M::Null,
            Val::Str(s) => match dynamic_reference(s) {
                None => M::Str(s.clone()),
                Some(Some(name)) => M::SsmParameter(name),
                Some(None) => M::Unknown,
            },
            Val::SsmParameter(name) => M::SsmParameter(name.clone()),
            Val::Num(n) => M::Num(*n),
            Val::Bool(b) => M::Bool(*b),
            Val::List(items) => M::List(items.iter().map(|e| e.value.to_model()).collect()),
            Val::Map(entries) => M::Map(
                entries
                    .iter()
                    .map(|(k, e)| (k.clone(), e.value.to_model()))
                    .collect(),
            ),
            Val::Resource { logical_id, attr } => M::Ref(Ref {
                address: logical_id.clone(),
                attr: attr.clone(),
            }),
            Val::OneOf(candidates) => {
                M::OneOf(candidates.iter().map(|c| c.value.to_model()).collect())
            }
        }
    }
}
