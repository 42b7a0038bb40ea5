//! EC2 instance generations and on-demand prices (`data/ec2-instances.toml`), for
//! `ec2-previous-generation`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

pub const EC2_INSTANCES_TOML: &str = include_str!("../data/ec2-instances.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceData {
    pub as_of: String,
    pub source: String,
    /// The region of `prices`.
    pub region: String,
    pub previous_generation: PreviousGeneration,
    pub superseded: Vec<Superseded>,
    /// Hourly on-demand Linux price per instance type, in `region`.
    pub prices: BTreeMap<String, f64>,
    /// Successor sizes whose name differs from the old size's.
    #[serde(default)]
    pub size_map: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousGeneration {
    pub families: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    pub family: String,
    pub successor: String,
    pub reason: String,
    pub source: String,
}

/// What the data says about one instance type.
#[derive(Debug, Clone, PartialEq)]
pub enum Generation<'a> {
    Current,
    /// A family AWS lists as previous generation, without a named successor.
    Previous,
    /// A family with a current successor: the successor type, its reason, and the hourly
    /// prices of both when known.
    Superseded {
        successor: String,
        reason: &'a str,
        prices: Option<(f64, f64)>,
    },
}

impl InstanceData {
    pub fn parse(text: &str) -> Result<InstanceData, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    pub fn embedded() -> Result<&'static InstanceData, String> {
        static DATA: OnceLock<Result<InstanceData, String>> = OnceLock::new();
        DATA.get_or_init(|| InstanceData::parse(EC2_INSTANCES_TOML))
            .as_ref()
            .map_err(|e| format!("embedded data/ec2-instances.toml: {e}"))
    }

    /// Classifies an instance type such as `m4.large` (the family is what precedes the
    /// first `.`, compared exactly, so `mac1.metal` is not `m1`).
    pub fn generation(&self, instance_type: &str) -> Generation<'_> {
        let Some((family, size)) = instance_type.split_once('.') else {
            return Generation::Current;
        };
        if let Some(s) = self.superseded.iter().find(|s| s.family == family) {
            let successor = self
                .size_map
                .get(instance_type)
                .cloned()
                .unwrap_or_else(|| format!("{}.{size}", s.successor));
            let prices = match (self.prices.get(instance_type), self.prices.get(&successor)) {
                (Some(old), Some(new)) => Some((*old, *new)),
                _ => None,
            };
            return Generation::Superseded {
                successor,
                reason: &s.reason,
                prices,
            };
        }
        if self
            .previous_generation
            .families
            .iter()
            .any(|f| f == family)
        {
            Generation::Previous
        } else {
            Generation::Current
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_classifies_types() {
        let d = InstanceData::embedded().unwrap();
        assert_eq!(d.generation("m5.large"), Generation::Current);
        assert_eq!(d.generation("mac1.metal"), Generation::Current);
        assert_eq!(d.generation("m1.small"), Generation::Previous);
        match d.generation("t2.micro") {
            Generation::Superseded {
                successor, prices, ..
            } => {
                assert_eq!(successor, "t3.micro");
                assert_eq!(prices, Some((0.0116, 0.0104)));
            }
            other => panic!("{other:?}"),
        }
        match d.generation("m4.10xlarge") {
            Generation::Superseded { successor, .. } => assert_eq!(successor, "m6i.12xlarge"),
            other => panic!("{other:?}"),
        }
        assert_eq!(d.generation("weird"), Generation::Current);
    }
}
