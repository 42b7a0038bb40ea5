//! Tags a resource is created with, as far as the configuration tells: what Lifecycle Manager
//! policies and AWS Backup selections match on.

use super::{Val, Value};
use crate::source::Span;

/// The tags of one resource (or of what a template creates).
#[derive(Debug, Clone, PartialEq)]
pub struct Tags {
    /// Keys known to be present, with their values (a value may be unknown).
    pub entries: Vec<(String, Value<String>)>,
    /// Other keys may be present too: a map that cannot be read whole, provider default tags,
    /// tags added by another resource.
    pub open: bool,
    /// Where they are written (the resource when they are not).
    pub span: Span,
}

impl Tags {
    /// No tags written: the resource gets none from its own declaration.
    pub fn none(span: Span) -> Tags {
        Tags {
            entries: Vec::new(),
            open: false,
            span,
        }
    }

    /// Tags nothing tells about.
    pub fn unknown(span: Span) -> Tags {
        Tags {
            entries: Vec::new(),
            open: true,
            span,
        }
    }

    /// The value of `key`: `Some(Known)` when present with a known value, `Some(Unknown)` when
    /// it may be present (or is, with an unknown value), `None` when it is surely absent.
    pub fn get(&self, key: &str) -> Option<Value<&str>> {
        match self.entries.iter().find(|(k, _)| k == key) {
            Some((_, Value::Known(v))) => Some(Value::Known(v.as_str())),
            Some((_, Value::Unknown)) => Some(Value::Unknown),
            None if self.open => Some(Value::Unknown),
            None => None,
        }
    }

    /// Adds `other`'s entries over these (a later source wins, as Terraform's `merge`).
    pub fn overlay(&mut self, other: &Tags) {
        for (k, v) in &other.entries {
            match self.entries.iter_mut().find(|(e, _)| e == k) {
                Some(entry) => entry.1 = v.clone(),
                None => self.entries.push((k.clone(), v.clone())),
            }
        }
        self.open |= other.open;
    }

    /// Terraform's `tags = { Key = "value" }`: a map of strings.
    pub fn from_map(value: &Val, span: Span) -> Tags {
        match value {
            Val::Null => Tags::none(span),
            Val::Map(entries) => Tags {
                entries: entries
                    .iter()
                    .map(|(k, v)| (k.clone(), string_of(v)))
                    .collect(),
                open: false,
                span,
            },
            _ => Tags::unknown(span),
        }
    }

    /// CloudFormation's `Tags: [{Key: k, Value: v}]`.
    pub fn from_key_value_list(value: &Val, span: Span) -> Tags {
        let items = match value {
            Val::Null => return Tags::none(span),
            Val::List(items) => items,
            _ => return Tags::unknown(span),
        };
        let mut tags = Tags::none(span);
        for item in items {
            let Val::Map(fields) = item else {
                tags.open = true;
                continue;
            };
            let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
            match field("Key").and_then(Val::as_cfn_string) {
                Some(key) => {
                    let value = field("Value").map(string_of).unwrap_or(Value::Unknown);
                    tags.entries.push((key, value));
                }
                None => tags.open = true,
            }
        }
        tags
    }
}

fn string_of(v: &Val) -> Value<String> {
    match v {
        Val::Str(s) => Value::Known(s.clone()),
        Val::Num(_) | Val::Bool(_) => v.as_string().map(Value::Known).unwrap_or(Value::Unknown),
        _ => Value::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    #[test]
    fn reads_both_shapes() {
        let tf = Val::Map(vec![
            ("Backup".into(), Val::Str("daily".into())),
            ("Owner".into(), Val::Unknown),
        ]);
        let t = Tags::from_map(&tf, span());
        assert_eq!(t.get("Backup"), Some(Value::Known("daily")));
        assert_eq!(t.get("Owner"), Some(Value::Unknown));
        assert_eq!(t.get("Other"), None);
        let cfn = Val::List(vec![
            Val::Map(vec![
                ("Key".into(), Val::Str("Backup".into())),
                ("Value".into(), Val::Str("daily".into())),
            ]),
            Val::Unknown,
        ]);
        let t = Tags::from_key_value_list(&cfn, span());
        assert_eq!(t.get("Backup"), Some(Value::Known("daily")));
        assert_eq!(
            t.get("Other"),
            Some(Value::Unknown),
            "an unknown item opens the set"
        );
        assert!(Tags::from_map(&Val::Unknown, span()).open);
    }

    #[test]
    fn overlay_replaces_and_opens() {
        let mut base = Tags::from_map(&Val::Map(vec![("A".into(), Val::Str("1".into()))]), span());
        base.overlay(&Tags::from_map(
            &Val::Map(vec![("A".into(), Val::Str("2".into()))]),
            span(),
        ));
        assert_eq!(base.get("A"), Some(Value::Known("2")));
        base.overlay(&Tags::unknown(span()));
        assert_eq!(base.get("B"), Some(Value::Unknown));
    }
}
