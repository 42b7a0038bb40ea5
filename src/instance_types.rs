//! The EC2 instance types that exist (`data/ec2-instance-types.toml`, generated from the EC2
//! service model by `scripts/gen-instance-types.py`), for `ec2-instance-type-invalid`.

use foldhash::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

pub const EC2_INSTANCE_TYPES_TOML: &str = include_str!("../data/ec2-instance-types.toml");

/// How far (edits) a suggestion may be from the value written.
const MAX_SUGGESTION_DISTANCE: usize = 3;
/// How many suggestions a finding names at most.
const MAX_SUGGESTIONS: usize = 3;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceTypes {
    pub source_package: String,
    pub source_version: String,
    pub source_file: String,
    pub api_version: String,
    /// The date of the model file in the package.
    pub as_of: String,
    pub count: usize,
    pub types: Vec<String>,
    #[serde(skip)]
    set: HashSet<String>,
}

impl InstanceTypes {
    pub fn parse(text: &str) -> Result<InstanceTypes, String> {
        let mut data: InstanceTypes = toml::from_str(text).map_err(|e| e.to_string())?;
        if data.types.len() != data.count {
            return Err(format!(
                "`count` is {} but {} types are listed",
                data.count,
                data.types.len()
            ));
        }
        data.set = data.types.iter().cloned().collect();
        Ok(data)
    }

    pub fn embedded() -> Result<&'static InstanceTypes, String> {
        static DATA: OnceLock<Result<InstanceTypes, String>> = OnceLock::new();
        DATA.get_or_init(|| InstanceTypes::parse(EC2_INSTANCE_TYPES_TOML))
            .as_ref()
            .map_err(|e| format!("embedded data/ec2-instance-types.toml: {e}"))
    }

    /// Whether `name` is an instance type of the list (exactly as AWS spells it).
    pub fn contains(&self, name: &str) -> bool {
        self.set.contains(name)
    }

    /// A listed type that differs from `name` only in letter case.
    pub fn case_insensitive(&self, name: &str) -> Option<&str> {
        self.types
            .iter()
            .find(|t| t.eq_ignore_ascii_case(name))
            .map(String::as_str)
    }

    /// The listed types nearest to `name` (edit distance, transpositions counting one), at
    /// most three edits away: those of the same family first, then by name.
    pub fn suggestions(&self, name: &str) -> Vec<&str> {
        let family = |t: &str| t.split('.').next().unwrap_or("").to_string();
        let own_family = family(name);
        let mut scored: Vec<(usize, bool, &str)> = self
            .types
            .iter()
            .map(|t| {
                (
                    strsim::osa_distance(name, t),
                    family(t) != own_family,
                    t.as_str(),
                )
            })
            .filter(|(d, _, _)| *d <= MAX_SUGGESTION_DISTANCE)
            .collect();
        scored.sort();
        let Some(best) = scored.first().map(|(d, _, _)| *d) else {
            return Vec::new();
        };
        scored
            .into_iter()
            .take_while(|(d, _, _)| *d == best)
            .take(MAX_SUGGESTIONS)
            .map(|(_, _, t)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_has_current_and_old_types() {
        let d = InstanceTypes::embedded().unwrap();
        for t in [
            "t3.micro",
            "m5.xlarge",
            "mac1.metal",
            "u-12tb1.112xlarge",
            "t1.micro",
        ] {
            assert!(d.contains(t), "{t}");
        }
        assert!(!d.contains("m5.xlarg"));
        assert!(!d.contains("T3.micro"));
        assert_eq!(d.case_insensitive("T3.Micro"), Some("t3.micro"));
        assert!(d.source_version.starts_with("1."));
    }

    #[test]
    fn suggestions_are_the_nearest_types() {
        let d = InstanceTypes::embedded().unwrap();
        assert_eq!(d.suggestions("m5.xlarg"), vec!["m5.xlarge"]);
        assert_eq!(d.suggestions("t3.micr0"), vec!["t3.micro"]);
        assert_eq!(d.suggestions("t3micro"), vec!["t3.micro"]);
        assert_eq!(d.suggestions("m5.lareg").first(), Some(&"m5.large"));
        assert!(d.suggestions("definitely-not-an-instance-type").is_empty());
    }

    #[test]
    fn count_must_match_the_list() {
        let bad = EC2_INSTANCE_TYPES_TOML.replacen("count = ", "count = 1", 1);
        assert!(InstanceTypes::parse(&bad).unwrap_err().contains("count"));
    }
}
