//! Terraform addresses and references, in one place: `module.app["a"].aws_ebs_volume.data[0]`,
//! `aws_eip.nat[0].id`, as configurations, plans and usage files write them.

use serde_json::Value as Json;

/// `aws_ebs_volume.data[0]` -> `aws_ebs_volume.data`; `module.x[1].aws_eip.y` stays as is
/// (only a trailing instance key is removed).
pub fn without_instance_key(address: &str) -> &str {
    match address.strip_suffix(']').and_then(|a| a.rfind('[')) {
        Some(i) => &address[..i],
        None => address,
    }
}

/// The resource part of an instance address: `aws_eip.this` for
/// `module.net["a"].module.x[0].aws_eip.this`.
pub fn resource_part(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let mut i = after.find(['.', '[']).unwrap_or(after.len());
        if after[i..].starts_with('[') {
            match index_len(&after[i..]) {
                Some(n) => i += n,
                None => return rest,
            }
        }
        match after[i..].strip_prefix('.') {
            Some(r) => rest = r,
            None => return rest,
        }
    }
    rest
}

/// Length of the `[...]` index at the start of `s` (a number or a quoted key with escapes).
fn index_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if bytes.get(1) == Some(&b'"') {
        let end = quoted_end(bytes, 1);
        (end < bytes.len() && bytes.get(end) == Some(&b']')).then_some(end + 1)
    } else {
        s.find(']').map(|e| e + 1)
    }
}

/// Whether `address` (possibly inside modules) is an instance of a resource of type `kind`.
pub fn is_resource(address: &str, kind: &str) -> bool {
    resource_part(address)
        .strip_prefix(kind)
        .is_some_and(|r| r.starts_with('.'))
}

/// One `module.<name>[<key>]` step of a module instance address.
#[derive(Debug, Clone, PartialEq)]
pub struct ModStep {
    pub name: String,
    /// `0`, `"a"`; `None` for a module without `count`/`for_each`.
    pub key: Option<Json>,
}

/// Parses `module.a["k"].module.b` (the `address` of a planned child module).
pub fn parse_module_address(address: &str) -> Option<Vec<ModStep>> {
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
pub enum TSeg {
    Name(String),
    /// A literal index (`[0]`, `["a"]`); `Json::Null` for one that is not literal.
    Index(Json),
}

/// Splits a Terraform traversal (`aws_eip.nat[0].id`, `module.x["a"].out`) into names and
/// indexes. `None` when it does not look like one.
pub fn parse_traversal(s: &str) -> Option<Vec<TSeg>> {
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
                let end = quoted_end(b, i);
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
pub fn index_key(k: &Json) -> Option<String> {
    match k {
        Json::Number(n) => n.as_f64().map(|f| format!("#{f}")),
        Json::String(s) => Some(format!("\"{s}")),
        _ => None,
    }
}

pub fn same_key(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The index just past the quoted string starting at `start` (a `"`), escapes skipped.
pub fn quoted_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_part_strips_module_paths() {
        assert_eq!(resource_part("aws_eip.this"), "aws_eip.this");
        assert_eq!(resource_part("module.net.aws_eip.this"), "aws_eip.this");
        assert_eq!(
            resource_part("module.a[0].module.b[\"x.aws_eip.y]\"].aws_eip.z[1]"),
            "aws_eip.z[1]"
        );
        assert!(is_resource("module.a.aws_eip.this", "aws_eip"));
        assert!(!is_resource("module.a.aws_eip_association.this", "aws_eip"));
        assert!(!is_resource("module.aws_eip.aws_instance.x", "aws_eip"));
        assert!(is_resource("module.x.data.aws_ami.a", "data.aws_ami"));
    }
}
