//! The planned resource instances, indexed by name, instance key and the ids they already
//! have, for resolving references and known ids to the instances they designate.

use foldhash::{HashMap, HashSet};

use serde_json::Value as Json;

use super::address::ModSel;
use super::node::PlanResource;
use crate::model::address::{index_key, same_key};
use crate::resolved::Mention;

/// A resource named by a reference.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Target {
    pub module: ModSel,
    pub kind: String,
    pub name: String,
    /// The literal index, when the reference has one.
    pub index: Option<Json>,
    /// The attribute read (`arn` of `aws_lb.web.arn`); `None` for the whole object.
    pub attr: Option<String>,
}

/// The attributes whose known value designates a resource of the plan (ids, and the public
/// IP of an EIP): unique strings, matched by value when a resource is already in the state.
const MATCHED_BY_VALUE: &[(&str, &str)] = &[
    ("aws_eip", "id"),
    ("aws_eip", "allocation_id"),
    ("aws_eip", "public_ip"),
    ("aws_ebs_volume", "id"),
    ("aws_launch_template", "id"),
];

pub(super) struct Resources<'r, 'a> {
    pub all: &'r [PlanResource<'a>],
    /// `type.name` (module aside) -> instances.
    by_name: HashMap<String, Vec<usize>>,
    /// `type.name` and instance key (module aside) -> instances.
    by_index: HashMap<(String, String), Vec<usize>>,
    /// Known id value -> instances (several attributes of one instance may hold it).
    by_value: HashMap<&'a str, Vec<usize>>,
}

impl<'r, 'a> Resources<'r, 'a> {
    pub fn new(all: &'r [PlanResource<'a>]) -> Resources<'r, 'a> {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::default();
        let mut by_index: HashMap<(String, String), Vec<usize>> = HashMap::default();
        let mut by_value: HashMap<&'a str, Vec<usize>> = HashMap::default();
        for (i, r) in all.iter().enumerate() {
            let name = format!("{}.{}", r.kind, r.name);
            if let Some(key) = r.index.and_then(index_key) {
                by_index.entry((name.clone(), key)).or_default().push(i);
            }
            by_name.entry(name).or_default().push(i);
            for (kind, attr) in MATCHED_BY_VALUE {
                if r.kind != *kind {
                    continue;
                }
                let value = r.values.and_then(|v| v.get(*attr)).and_then(Json::as_str);
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    let ids = by_value.entry(value).or_default();
                    if !ids.contains(&i) {
                        ids.push(i);
                    }
                }
            }
        }
        Resources {
            all,
            by_name,
            by_index,
            by_value,
        }
    }

    /// The instances a known id designates.
    pub fn with_value(&self, value: &str) -> Vec<&'r PlanResource<'a>> {
        self.by_value
            .get(value)
            .map(|ids| ids.iter().filter_map(|i| self.all.get(*i)).collect())
            .unwrap_or_default()
    }

    /// The planned instances the targets name.
    pub fn instances_of(&self, targets: &[Target]) -> Vec<&'r PlanResource<'a>> {
        // Per resource: its literal indexes if any reference has one, else all instances.
        let mut seen = HashSet::default();
        let mut out = Vec::new();
        for t in targets {
            let indexed: Vec<&Json> = targets
                .iter()
                .filter(|o| o.module == t.module && o.kind == t.kind && o.name == t.name)
                .filter_map(|o| o.index.as_ref())
                .collect();
            let name = format!("{}.{}", t.kind, t.name);
            let candidates: Vec<usize> = if indexed.is_empty() {
                self.by_name.get(&name).cloned().unwrap_or_default()
            } else {
                indexed
                    .iter()
                    .filter_map(|k| index_key(k))
                    .filter_map(|k| self.by_index.get(&(name.clone(), k)))
                    .flatten()
                    .copied()
                    .collect()
            };
            for i in candidates {
                let Some(e) = self.all.get(i) else {
                    continue;
                };
                if !t.module.matches(&e.module) {
                    continue;
                }
                let index_ok = indexed.is_empty()
                    || e.index
                        .is_some_and(|i| indexed.iter().any(|k| same_key(k, i)));
                if index_ok && seen.insert(i) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// The instances whose whole object or one of whose attributes the configuration
    /// references somewhere (the plan's `relevant_attributes`), each with the attribute.
    pub fn mentioned(&self, root: &Json) -> Vec<Mention> {
        let mut wanted: HashMap<&str, Vec<Option<String>>> = HashMap::default();
        for entry in root
            .get("relevant_attributes")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(resource) = entry.get("resource").and_then(Json::as_str) else {
                continue;
            };
            let attr = match entry.get("attribute").and_then(Json::as_array) {
                Some(path) => match path.first() {
                    None => None,
                    Some(Json::String(a)) => Some(a.clone()),
                    Some(_) => continue,
                },
                None => continue,
            };
            let attrs = wanted.entry(resource).or_default();
            if !attrs.contains(&attr) {
                attrs.push(attr);
            }
        }
        let mut out = Vec::new();
        if wanted.is_empty() {
            return out;
        }
        for e in self.all {
            // `aws_eip.nat` names every instance; `aws_eip.nat[0]` one.
            let base = match e.address.rfind('[') {
                Some(at) if e.index.is_some() => &e.address[..at],
                _ => e.address.as_str(),
            };
            let mut attrs: Vec<&Option<String>> = Vec::new();
            for key in [e.address.as_str(), base] {
                for attr in wanted.get(key).into_iter().flatten() {
                    if !attrs.contains(&attr) {
                        attrs.push(attr);
                    }
                }
                if key == base {
                    break;
                }
            }
            for attr in attrs {
                out.push(Mention {
                    address: e.address.clone(),
                    attr: attr.clone(),
                    span: e.span,
                });
            }
        }
        out
    }
}
