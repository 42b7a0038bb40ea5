//! Baselines: record today's findings, then report and fail only on new ones.
//!
//! A finding's fingerprint hashes its rule, file, resource address, the primary label and the
//! text it underlines (the attribute's value, or the resource header): never line numbers, so
//! edits elsewhere in the file do not resurrect baselined findings.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::source::SourceMap;

/// FNV-1a, 64 bits: stable across Rust versions and platforms (unlike `DefaultHasher`).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The stable identity of a finding (also SARIF's `partialFingerprints`): rule, file,
/// resource, primary label and the underlined text with whitespace runs collapsed.
pub fn fingerprint_hash(f: &Finding, sources: &SourceMap) -> u64 {
    let file = sources.display(f.primary.span.file);
    let text = sources
        .get(f.primary.span.file)
        .and_then(|s| s.text.get(f.primary.span.start..f.primary.span.end))
        .unwrap_or("");
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let key = [f.rule, file, &f.resource, &f.primary.message, &text].join("\0");
    fnv1a64(key.as_bytes())
}

/// [`fingerprint_hash`] as 16 hex digits.
pub fn fingerprint(f: &Finding, sources: &SourceMap) -> String {
    format!("{:016x}", fingerprint_hash(f, sources))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    pub resource: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

impl Baseline {
    pub fn from_findings<'a>(
        findings: impl IntoIterator<Item = &'a Finding>,
        sources: &SourceMap,
    ) -> Baseline {
        let mut findings: Vec<BaselineEntry> = findings
            .into_iter()
            .map(|f| BaselineEntry {
                fingerprint: fingerprint(f, sources),
                rule: f.rule.to_string(),
                file: sources.display(f.primary.span.file).to_string(),
                resource: f.resource.clone(),
                message: f.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.rule, &a.resource, &a.fingerprint).cmp(&(
                &b.file,
                &b.rule,
                &b.resource,
                &b.fingerprint,
            ))
        });
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "{}: cannot read baseline: {}",
                path.display(),
                crate::discover::io_message(&e)
            )
        })?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: invalid baseline: {e}", path.display()))?;
        if baseline.version != 1 {
            return Err(format!(
                "{}: unsupported baseline version {}",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Splits `findings` into new ones and baselined ones; returns the baseline entries that
    /// matched nothing (fixed since). Identical fingerprints are matched one for one.
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        sources: &SourceMap,
    ) -> (Vec<Finding>, Vec<Finding>, Vec<BaselineEntry>) {
        let mut remaining: BTreeMap<&str, Vec<&BaselineEntry>> = BTreeMap::new();
        for entry in &self.findings {
            remaining
                .entry(entry.fingerprint.as_str())
                .or_default()
                .push(entry);
        }
        let mut new = Vec::new();
        let mut known = Vec::new();
        for f in findings {
            let fp = fingerprint(&f, sources);
            match remaining.get_mut(fp.as_str()).and_then(|v| v.pop()) {
                Some(_) => known.push(f),
                None => new.push(f),
            }
        }
        let fixed = remaining.into_values().flatten().cloned().collect();
        (new, known, fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_known_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
