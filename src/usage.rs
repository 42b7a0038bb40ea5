//! Usage data (`--usage FILE`, or `usage = "..."` in the config): what static code cannot
//! know, per resource address or logical id.
//!
//! ```yaml
//! resources:
//!   aws_eip.bastion: { monthly_remaps: 240 }
//!   WebIp: { monthly_remaps: 12 }
//!   aws_ebs_volume.db: { expected_iops: 4500 }
//! defaults:
//!   aws_eip: { monthly_remaps: 0 }
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::parse::syntax::yaml::{self, Node};

/// The usage keys infralint understands, and the resource types they apply to.
pub const KEYS: &[(&str, &[&str])] = &[
    ("monthly_remaps", &["aws_eip", "AWS::EC2::EIP"]),
    ("expected_iops", &["aws_ebs_volume", "AWS::EC2::Volume"]),
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageEntry {
    pub monthly_remaps: Option<f64>,
    pub expected_iops: Option<f64>,
    /// Where the entry's key is in the usage file.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub path: PathBuf,
    pub text: String,
    pub resources: BTreeMap<String, UsageEntry>,
    /// Per resource type (`aws_eip`, `AWS::EC2::EIP`).
    pub defaults: BTreeMap<String, UsageEntry>,
}

/// A problem in the usage file, with its byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageError {
    pub span: Range<usize>,
    pub message: String,
}

impl Usage {
    pub fn load(path: &Path) -> Result<Usage, String> {
        let text =
            crate::option_file::read_or_message(path, crate::option_file::OptionFile::Usage)?;
        Ok(Usage {
            path: path.to_path_buf(),
            text,
            ..Usage::default()
        })
    }

    /// Parses `self.text`; returns the problems found (the valid entries are kept).
    pub fn parse(&mut self) -> Vec<UsageError> {
        let mut errors = Vec::new();
        let doc = match yaml::parse(&self.text) {
            Ok(d) => d,
            Err(e) => {
                errors.push(UsageError {
                    span: e.span,
                    message: format!("invalid usage file: {}", e.message),
                });
                return errors;
            }
        };
        if doc.root.is_null() {
            return errors;
        }
        for (key, value) in doc.root.entries() {
            match key.as_str() {
                Some("resources") => {
                    self.resources = entries(value, None, &mut errors);
                }
                Some("defaults") => {
                    self.defaults = entries(value, Some(()), &mut errors);
                }
                other => errors.push(UsageError {
                    span: key.span.clone(),
                    message: format!(
                        "unknown top-level key `{}` in usage file (expected `resources` or `defaults`)",
                        other.unwrap_or("?")
                    ),
                }),
            }
        }
        if doc.root.entries().is_empty() {
            errors.push(UsageError {
                span: doc.root.span.clone(),
                message: "usage file must be a mapping with `resources` and/or `defaults`"
                    .to_string(),
            });
        }
        errors
    }

    /// A resource's own entry: by exact address, then by the address without its instance
    /// key (`aws_eip.nat` covers `aws_eip.nat[0]`).
    fn own_entry(&self, address: &str) -> Option<&UsageEntry> {
        self.resources.get(address).or_else(|| {
            let base = crate::model::without_instance_key(address);
            (base != address)
                .then(|| self.resources.get(base))
                .flatten()
        })
    }

    /// A value from the resource's own entry, else from its type's defaults.
    fn value(
        &self,
        address: &str,
        kind: &str,
        pick: impl Fn(&UsageEntry) -> Option<f64>,
    ) -> Option<f64> {
        self.own_entry(address)
            .and_then(&pick)
            .or_else(|| self.defaults.get(kind).and_then(&pick))
    }

    pub fn monthly_remaps(&self, address: &str, kind: &str) -> Option<f64> {
        self.value(address, kind, |e| e.monthly_remaps)
    }

    pub fn expected_iops(&self, address: &str, kind: &str) -> Option<f64> {
        self.value(address, kind, |e| e.expected_iops)
    }

    /// Entries naming resources that the run did not see.
    pub fn unmatched<'a>(&'a self, addresses: &[&str]) -> Vec<(&'a String, &'a UsageEntry)> {
        self.resources
            .iter()
            .filter(|(name, _)| {
                !addresses.iter().any(|a| {
                    *a == name.as_str() || crate::model::without_instance_key(a) == name.as_str()
                })
            })
            .collect()
    }
}

fn entries(
    node: &Node,
    defaults: Option<()>,
    errors: &mut Vec<UsageError>,
) -> BTreeMap<String, UsageEntry> {
    let mut out = BTreeMap::new();
    if !node.is_null() && node.entries().is_empty() {
        errors.push(UsageError {
            span: node.span.clone(),
            message: "expected a mapping of resource names to usage".to_string(),
        });
    }
    for (name, value) in node.entries() {
        let Some(name_text) = name.as_str() else {
            continue;
        };
        let mut entry = UsageEntry {
            span: name.span.clone(),
            ..UsageEntry::default()
        };
        if value.entries().is_empty() && !value.is_null() {
            errors.push(UsageError {
                span: value.span.clone(),
                message: format!(
                    "usage of `{name_text}` must be a mapping such as `{{ monthly_remaps: 240 }}`"
                ),
            });
        }
        for (key, v) in value.entries() {
            let key_text = key.as_str().unwrap_or("?");
            let number = v.as_str().and_then(|s| s.trim().parse::<f64>().ok());
            let Some((_, types)) = KEYS.iter().find(|(k, _)| *k == key_text) else {
                let known: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
                errors.push(UsageError {
                    span: key.span.clone(),
                    message: format!(
                        "unknown usage key `{key_text}` (known: {})",
                        known.join(", ")
                    ),
                });
                continue;
            };
            if defaults.is_some() && !types.contains(&name_text) {
                errors.push(UsageError {
                    span: key.span.clone(),
                    message: format!(
                        "`{key_text}` does not apply to resource type `{name_text}` (it applies to {})",
                        types.join(", ")
                    ),
                });
                continue;
            }
            match number {
                Some(n) if n >= 0.0 && n.is_finite() => match key_text {
                    "monthly_remaps" => entry.monthly_remaps = Some(n),
                    _ => entry.expected_iops = Some(n),
                },
                _ => errors.push(UsageError {
                    span: v.span.clone(),
                    message: format!("`{key_text}` must be a non-negative number"),
                }),
            }
        }
        out.insert(name_text.to_string(), entry);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(text: &str) -> (Usage, Vec<UsageError>) {
        let mut u = Usage {
            text: text.to_string(),
            ..Usage::default()
        };
        let errors = u.parse();
        (u, errors)
    }

    #[test]
    fn parses_resources_and_defaults() {
        let (u, errors) = usage(
            "resources:\n  aws_eip.bastion: { monthly_remaps: 240 }\n  aws_ebs_volume.db: { expected_iops: 4500 }\ndefaults:\n  aws_eip: { monthly_remaps: 3 }\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(u.monthly_remaps("aws_eip.bastion", "aws_eip"), Some(240.0));
        assert_eq!(
            u.monthly_remaps("aws_eip.bastion[1]", "aws_eip"),
            Some(240.0)
        );
        assert_eq!(u.monthly_remaps("aws_eip.other", "aws_eip"), Some(3.0));
        assert_eq!(u.monthly_remaps("WebIp", "AWS::EC2::EIP"), None);
        assert_eq!(
            u.expected_iops("aws_ebs_volume.db", "aws_ebs_volume"),
            Some(4500.0)
        );
        assert_eq!(
            u.unmatched(&["aws_eip.bastion[0]"])
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            vec!["aws_ebs_volume.db"]
        );
    }

    #[test]
    fn reports_unknown_keys_with_location() {
        let text = "resources:\n  aws_eip.x: { monthly_remap: 2 }\ndefaults:\n  aws_eip: { expected_iops: 1 }\nextra: 1\n";
        let (_, errors) = usage(text);
        let found: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (&text[e.span.clone()], e.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "monthly_remap");
        assert!(found[0].1.contains("unknown usage key"));
        assert_eq!(found[1].0, "expected_iops");
        assert_eq!(found[2].0, "extra");
    }

    #[test]
    fn rejects_bad_numbers() {
        let (_, errors) = usage("resources:\n  aws_eip.x: { monthly_remaps: lots }\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("non-negative number"));
    }
}
