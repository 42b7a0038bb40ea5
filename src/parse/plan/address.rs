//! Module instance addresses and references as the plan writes them
//! (`module.a["k"].aws_eip.nat[0].id`).

use serde_json::Value as Json;

use super::spans::string_end;

/// One `module.<name>[<key>]` step of a module instance address.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ModStep {
    pub name: String,
    /// `0`, `"a"`; `None` for a module without `count`/`for_each`.
    pub key: Option<Json>,
}

/// Parses `module.a["k"].module.b` (the `address` of a planned child module).
pub(super) fn parse_module_address(address: &str) -> Option<Vec<ModStep>> {
    if address.is_empty() {
        return Some(Vec::new());
    }
    let segs = parse_traversal(address)?;
    let mut out = Vec::new();
    let mut it = segs.into_iter().peekable();
    while let Some(seg) = it.next() {
        let (TSeg::Name(m), Some(TSeg::Name(name))) = (seg, it.next()) else {
            return None;
        };
        if m != "module" {
            return None;
        }
        let key = match it.peek() {
            Some(TSeg::Index(_)) => match it.next() {
                Some(TSeg::Index(k)) => Some(k),
                _ => None,
            },
            _ => None,
        };
        out.push(ModStep { name, key });
    }
    Some(out)
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum TSeg {
    Name(String),
    /// A literal index (`[0]`, `["a"]`); `Json::Null` for one that is not literal.
    Index(Json),
}

/// Splits a Terraform traversal (`aws_eip.nat[0].id`, `module.x["a"].out`) into names and
/// indexes. `None` when it does not look like one.
pub(super) fn parse_traversal(s: &str) -> Option<Vec<TSeg>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
            i += 1;
        }
        if i == start {
            return None;
        }
        out.push(TSeg::Name(s[start..i].to_string()));
        while i < b.len() && b[i] == b'[' {
            i += 1;
            let (index, end) = if b.get(i) == Some(&b'"') {
                let end = string_end(b, i);
                (
                    serde_json::from_str::<String>(s.get(i..end)?)
                        .map(Json::String)
                        .unwrap_or(Json::Null),
                    end,
                )
            } else {
                let start = i;
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
                let raw = &s[start..i];
                let index = if !raw.is_empty() && raw.bytes().all(|c| c.is_ascii_digit()) {
                    raw.parse::<u64>().map(Json::from).unwrap_or(Json::Null)
                } else {
                    Json::Null
                };
                (index, i)
            };
            i = end;
            if b.get(i) != Some(&b']') {
                return None;
            }
            i += 1;
            out.push(TSeg::Index(index));
        }
        match b.get(i) {
            None => return Some(out),
            Some(b'.') => i += 1,
            Some(_) => return None,
        }
    }
}

/// An instance key as a map key: `0` and `0.0` alike.
pub(super) fn index_key(k: &Json) -> Option<String> {
    match k {
        Json::Number(n) => n.as_f64().map(|f| format!("#{f}")),
        Json::String(s) => Some(format!("\"{s}")),
        _ => None,
    }
}

pub(super) fn same_key(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Which module instances a reference designates.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum KeySel {
    Exact(Option<Json>),
    /// A module output read without an instance key: any instance.
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct ModSel(pub Vec<(String, KeySel)>);

impl ModSel {
    pub fn exact(steps: &[ModStep]) -> ModSel {
        ModSel(
            steps
                .iter()
                .map(|s| (s.name.clone(), KeySel::Exact(s.key.clone())))
                .collect(),
        )
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }

    pub fn matches(&self, steps: &[ModStep]) -> bool {
        self.0.len() == steps.len()
            && self.0.iter().zip(steps).all(|((name, sel), step)| {
                name == &step.name
                    && match sel {
                        KeySel::Any => true,
                        KeySel::Exact(None) => step.key.is_none(),
                        KeySel::Exact(Some(k)) => step.key.as_ref().is_some_and(|s| same_key(k, s)),
                    }
            })
    }
}
