//! One object of planned values (a resource instance or a nested block), read with its
//! unknown markers and the configuration expressions that wrote it.

use serde_json::Value as Json;

use super::Obj;
use crate::model::address::ModStep;
use crate::source::Span;

/// A resource instance's entry in `resource_changes`.
pub(super) struct Change<'a> {
    pub unknown: Option<&'a Json>,
    pub created: bool,
}

/// A managed resource instance of the plan.
pub(super) struct PlanResource<'a> {
    pub address: String,
    pub module: Vec<ModStep>,
    pub kind: &'a str,
    pub name: &'a str,
    pub index: Option<&'a Json>,
    pub values: Option<&'a Obj>,
    /// `after_unknown` of its change.
    pub unknown: Option<&'a Json>,
    /// Its configuration `expressions`, when the configuration has the resource.
    pub config: Option<&'a Obj>,
    /// Created or replaced by the plan.
    pub created: bool,
    /// Where the plan names it (its `address` in `planned_values`).
    pub span: Span,
}

/// One object of planned values with its unknown markers and its configuration.
#[derive(Clone, Copy)]
pub(super) struct Node<'a> {
    pub values: Option<&'a Obj>,
    pub unknown: Option<&'a Json>,
    /// The configuration expressions of this object; `None` when unknown (absence then
    /// proves nothing).
    pub config: Option<&'a Obj>,
    /// Variable origins apply (root module only).
    pub root: bool,
    /// The resource is being created (or replaced): its planned values all come from the
    /// configuration or are unknown.
    pub created: bool,
}

pub(super) enum Slot<'a> {
    Known(&'a Json),
    Null,
    Unknown,
}

/// Nested blocks that are sets in the AWS provider's schema: a planned block is paired with
/// the configuration block that has the same value of this attribute (others pair by
/// position).
pub(super) const SET_BLOCKS: &[(&str, &str)] = &[
    ("ebs_block_device", "device_name"),
    ("block_device_mappings", "device_name"),
    ("subnet_mapping", "subnet_id"),
];

impl<'a> Node<'a> {
    pub fn of(r: &PlanResource<'a>) -> Node<'a> {
        Node {
            values: r.values,
            unknown: r.unknown,
            config: r.config,
            root: r.module.is_empty(),
            created: r.created,
        }
    }

    pub fn slot(&self, key: &str) -> Slot<'a> {
        let whole = self.unknown == Some(&Json::Bool(true));
        if whole || self.unknown.and_then(|u| u.get(key)) == Some(&Json::Bool(true)) {
            return Slot::Unknown;
        }
        match self.values.map(|v| v.get(key)) {
            // `planned_values` leaves unknown values out.
            None | Some(None) => Slot::Unknown,
            Some(Some(Json::Null)) => Slot::Null,
            Some(Some(v)) => Slot::Known(v),
        }
    }

    pub fn expression(&self, key: &str) -> Option<&'a Json> {
        self.config?.get(key)
    }

    /// Whether the configuration writes `key` (a literal `null` is not writing it); `None`
    /// when the configuration is not known.
    pub fn written(&self, key: &str) -> Option<bool> {
        let config = self.config?;
        Some(match config.get(key) {
            None => false,
            Some(e) => !matches!(e.get("constant_value"), Some(Json::Null)),
        })
    }

    pub fn references(&self, key: &str) -> Vec<String> {
        references(self.expression(key))
    }

    /// Every key the object has: planned, unknown or written.
    pub fn keys(&self) -> Vec<&'a str> {
        let mut keys: Vec<&'a str> = Vec::new();
        let objects = [
            self.values,
            self.unknown.and_then(Json::as_object),
            self.config,
        ];
        for object in objects.into_iter().flatten() {
            keys.extend(object.keys().map(String::as_str));
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Whether `key` holds nested blocks: the configuration writes it as blocks, or (without
    /// its configuration) the plan has a list of objects there.
    pub fn is_block(&self, key: &str) -> bool {
        match self.expression(key) {
            Some(e) => e.is_array(),
            None => match self.values.and_then(|v| v.get(key)) {
                Some(Json::Array(items)) => !items.is_empty() && items.iter().all(Json::is_object),
                _ => false,
            },
        }
    }

    /// The nested blocks `key` that the configuration writes (or all, when the configuration
    /// is not known), each paired with its configuration block.
    pub fn blocks(&self, key: &str) -> Vec<Node<'a>> {
        let match_by = SET_BLOCKS.iter().find(|(k, _)| *k == key).map(|(_, a)| *a);
        let config_blocks: Option<Vec<&'a Obj>> = self.config.map(|c| {
            c.get(key)
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(Json::as_object).collect())
                .unwrap_or_default()
        });
        let config_blocks = match config_blocks {
            // The configuration JSON leaves `dynamic` blocks out. A resource being created
            // has planned blocks only where the configuration writes them (unwritten
            // computed blocks are unknown): those are kept, without their configuration.
            Some(blocks) if blocks.is_empty() && self.created => None,
            // Not written: whatever the provider reads back (the AMI's root device, volumes
            // attached elsewhere) is not declared here.
            Some(blocks) if blocks.is_empty() => return Vec::new(),
            other => other,
        };
        let planned: Option<&'a Vec<Json>> = match self.slot(key) {
            Slot::Known(v) => v.as_array(),
            _ => None,
        };
        let Some(planned) = planned else {
            // The whole list is unknown: one node per written block, every value unknown.
            return config_blocks
                .unwrap_or_default()
                .into_iter()
                .map(|c| Node {
                    values: None,
                    unknown: None,
                    config: Some(c),
                    root: self.root,
                    created: self.created,
                })
                .collect();
        };
        let unknown_list = self.unknown.and_then(|u| u.get(key));
        planned
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let values = item.as_object();
                let unknown = match unknown_list {
                    Some(all @ Json::Bool(true)) => Some(all),
                    Some(Json::Array(a)) => a.get(i),
                    _ => None,
                };
                let config = config_blocks.as_ref().and_then(|blocks| match match_by {
                    None if blocks.len() == planned.len() => blocks.get(i).copied(),
                    None => None,
                    Some(attr) => {
                        let own = values.and_then(|v| v.get(attr)).and_then(Json::as_str);
                        let by_value: Vec<&'a Obj> = blocks
                            .iter()
                            .copied()
                            .filter(|b| {
                                own.is_some()
                                    && b.get(attr)
                                        .and_then(|e| e.get("constant_value"))
                                        .and_then(Json::as_str)
                                        == own
                            })
                            .collect();
                        match (by_value.as_slice(), blocks.as_slice(), planned.len()) {
                            ([one], _, _) => Some(*one),
                            ([], [one], 1) => Some(*one),
                            _ => None,
                        }
                    }
                });
                Node {
                    values,
                    unknown,
                    config,
                    root: self.root,
                    created: self.created,
                }
            })
            .collect()
    }
}

/// The references a configuration expression lists.
pub(super) fn references(expression: Option<&Json>) -> Vec<String> {
    expression
        .and_then(|e| e.get("references"))
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A JSON value as a resolved value.
pub(super) fn to_val(v: &Json) -> crate::model::Val {
    use crate::model::Val;
    match v {
        Json::Null => Val::Null,
        Json::Bool(b) => Val::Bool(*b),
        Json::Number(n) => n.as_f64().map(Val::Num).unwrap_or(Val::Unknown),
        Json::String(s) => Val::Str(s.clone()),
        Json::Array(items) => Val::List(items.iter().map(to_val).collect()),
        Json::Object(entries) => Val::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_val(v)))
                .collect(),
        ),
    }
}

/// A planned value with what `after_unknown` marks unknown inside it made unknown:
/// `planned_values` leaves an unknown attribute of a nested object out (an `ingress` rule whose
/// `cidr_blocks` come from another resource) and shows an unknown list element as `null`,
/// which would otherwise read as "not set".
pub(super) fn with_unknowns(value: crate::model::Val, marks: Option<&Json>) -> crate::model::Val {
    use crate::model::Val;
    match (value, marks) {
        (_, Some(Json::Bool(true))) => Val::Unknown,
        (Val::List(items), Some(Json::Array(marks))) => {
            let mut out: Vec<Val> = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| with_unknowns(v, marks.get(i)))
                .collect();
            for mark in marks.iter().skip(out.len()) {
                if mark == &Json::Bool(true) {
                    out.push(Val::Unknown);
                }
            }
            Val::List(out)
        }
        (Val::Map(entries), Some(Json::Object(marks))) => {
            let mut out: Vec<(String, Val)> = entries
                .into_iter()
                .map(|(k, v)| {
                    let v = with_unknowns(v, marks.get(&k));
                    (k, v)
                })
                .collect();
            for (k, mark) in marks {
                if mark == &Json::Bool(true) && !out.iter().any(|(e, _)| e == k) {
                    out.push((k.clone(), Val::Unknown));
                }
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Val::Map(out)
        }
        (v, _) => v,
    }
}

#[cfg(test)]
mod unknown_marks {
    use super::*;
    use crate::model::Val;

    #[test]
    fn marked_parts_become_unknown() {
        // An ingress rule whose `cidr_blocks` is unknown: left out of the planned object.
        let planned: Json = serde_json::json!([{"from_port": 22, "to_port": 22}, {"cidr_blocks": ["0.0.0.0/0", null]}]);
        let marks: Json =
            serde_json::json!([{"cidr_blocks": true}, {"cidr_blocks": [false, true]}]);
        let v = with_unknowns(to_val(&planned), Some(&marks));
        let Val::List(items) = v else { panic!("{v:?}") };
        let Val::Map(first) = &items[0] else { panic!() };
        assert!(
            first
                .iter()
                .any(|(k, v)| k == "cidr_blocks" && v.is_unknown()),
            "{first:?}"
        );
        let Val::Map(second) = &items[1] else {
            panic!()
        };
        assert_eq!(
            second[0].1,
            Val::List(vec![Val::Str("0.0.0.0/0".into()), Val::Unknown])
        );
        assert_eq!(
            with_unknowns(Val::Str("x".into()), Some(&Json::Bool(false))),
            Val::Str("x".into())
        );
    }
}
