//! Baselines: record today's findings, then report and fail only on new ones.
//!
//! A finding's fingerprint (version 2, [`crate::diff::identity`]) hashes its rule, its file's
//! path from the repository root (or the configuration's directory outside git), the
//! resource's address within its own module and the text it underlines (the attribute's
//! value, or the resource header): never line numbers, so edits elsewhere in the file do not
//! resurrect baselined findings, and never the paths the run named or the caller chain, so a
//! baseline written from the root hides the same findings in a hook that names one module
//! file. Baselines of version 1 (fingerprints with the run's display path, the full address
//! and the label) are still read; an update rewrites them as version 2.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::ExcludeMatcher;
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

/// [`fingerprint_hash`] as 16 hex digits (the version 1 fingerprint: still read, no longer
/// written).
pub fn fingerprint(f: &Finding, sources: &SourceMap) -> String {
    format!("{:016x}", fingerprint_hash(f, sources))
}

/// The version 2 fingerprint ([`crate::diff::identity`]): the same whichever paths the run
/// named and whether the module was reached directly or through a caller. Its path starts at
/// [`project_root`] of the file.
pub fn fingerprint_v2(f: &Finding, sources: &SourceMap) -> String {
    let file = sources.get(f.primary.span.file);
    let path = file.map(|s| project_path(&s.path)).unwrap_or_default();
    let text = file
        .and_then(|s| s.text.get(f.primary.span.start..f.primary.span.end))
        .unwrap_or("");
    crate::diff::identity::fingerprint(&crate::diff::identity::IdentityParts {
        rule: f.rule,
        file: &path,
        resource: &f.resource,
        text,
    })
}

/// `path` from its [`project_root`], `/`-separated; the path as given where there is none.
fn project_path(path: &Path) -> String {
    let absolute = match std::env::current_dir() {
        Ok(cwd) if path.is_relative() => crate::display::lexical(&cwd.join(path)),
        _ => crate::display::lexical(path),
    };
    match project_root(&absolute).and_then(|root| absolute.strip_prefix(root).ok()) {
        Some(rel) => crate::display::display_path(rel),
        None => crate::display::display_path(path),
    }
}

/// Where a file's fingerprint path starts: the nearest directory above it holding `.git` (the
/// repository root), else the nearest holding `.infralint.toml` (the configuration's
/// directory, outside git).
pub fn project_root(file: &Path) -> Option<&Path> {
    let nearest = |marker: &str| file.ancestors().skip(1).find(|d| d.join(marker).exists());
    nearest(".git").or_else(|| nearest(crate::config::CONFIG_FILE_NAME))
}

/// The files a run speaks for: a baseline entry for a file in scope is matched against the
/// run's findings (and reported as fixed, or dropped by `--baseline-update`, when nothing
/// matches it); an entry for a file outside is none of the run's business: never reported as
/// fixed, and kept as it is by `--baseline-update`. So checking a subset of the paths a
/// baseline was recorded on neither reports the rest as fixed nor wipes it.
///
/// In scope: a file the run reports on (checked, or a local module a checked file calls), and
/// any file the checked paths cover, present or not (a file named on the command line; a
/// file under a checked directory that the configuration does not exclude), so that the
/// entries of a file deleted since the baseline are fixed.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Display paths of the files the run reported on.
    reported: BTreeSet<String>,
    /// The checked paths, as displayed, and whether each is a directory.
    roots: Vec<(PathBuf, bool)>,
    exclude: Option<ExcludeMatcher>,
}

impl Scope {
    pub fn new(
        paths: &[PathBuf],
        reported: impl IntoIterator<Item = String>,
        exclude: Option<ExcludeMatcher>,
    ) -> Scope {
        Scope {
            reported: reported.into_iter().collect(),
            roots: paths
                .iter()
                .map(|p| {
                    (
                        PathBuf::from(crate::display::display_path(p)),
                        std::fs::metadata(p).is_ok_and(|m| m.is_dir()),
                    )
                })
                .collect(),
            exclude,
        }
    }

    /// Whether the entries for `file` (a display path, as in the baseline) are in scope.
    pub fn contains(&self, file: &str) -> bool {
        if self.reported.contains(file) {
            return true;
        }
        let file = Path::new(file);
        let covered = self.roots.iter().any(|(root, is_dir)| {
            if !is_dir {
                return file == root;
            }
            if root.as_os_str() == "." {
                // Display paths below the current directory are relative and never start
                // with `..`.
                return file.is_relative()
                    && !matches!(file.components().next(), Some(Component::ParentDir));
            }
            file.starts_with(root) && file != root
        });
        covered && !self.exclude.as_ref().is_some_and(|m| m.is_excluded(file))
    }
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
                fingerprint: fingerprint_v2(f, sources),
                rule: f.rule.to_string(),
                file: sources.display(f.primary.span.file).to_string(),
                resource: f.resource.clone(),
                message: f.message.clone(),
            })
            .collect();
        sort_entries(&mut findings);
        Baseline {
            version: 2,
            findings,
        }
    }

    /// The baseline `--baseline-update` writes: today's findings for the files in scope, and
    /// this baseline's entries for the files outside, as they were.
    pub fn updated<'a>(
        &self,
        findings: impl IntoIterator<Item = &'a Finding>,
        sources: &SourceMap,
        scope: &Scope,
    ) -> Baseline {
        let mut out = Baseline::from_findings(findings, sources);
        out.findings.extend(
            self.findings
                .iter()
                .filter(|e| !scope.contains(&e.file))
                .cloned(),
        );
        sort_entries(&mut out.findings);
        out
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text =
            crate::option_file::read_or_message(path, crate::option_file::OptionFile::Baseline)?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: invalid baseline: {e}", path.display()))?;
        // Version 1 holds version 1 fingerprints, version 2 version 2 ones: `apply` matches
        // either, so an old baseline keeps working and its update writes the new ones.
        if !(1..=2).contains(&baseline.version) {
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

    /// Splits `findings` into new ones and baselined ones; returns the baseline entries in
    /// `scope` that matched nothing (fixed since). Identical fingerprints are matched one for
    /// one.
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        sources: &SourceMap,
        scope: &Scope,
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
            let v2 = fingerprint_v2(&f, sources);
            let matched = match remaining.get_mut(v2.as_str()).and_then(|v| v.pop()) {
                Some(e) => Some(e),
                None => {
                    let v1 = fingerprint(&f, sources);
                    remaining.get_mut(v1.as_str()).and_then(|v| v.pop())
                }
            };
            match matched {
                Some(_) => known.push(f),
                None => new.push(f),
            }
        }
        let fixed = remaining
            .into_values()
            .flatten()
            .filter(|e| scope.contains(&e.file))
            .cloned()
            .collect();
        (new, known, fixed)
    }
}

/// Baseline order: file, rule, resource, fingerprint (stable diffs).
fn sort_entries(entries: &mut [BaselineEntry]) {
    entries.sort_by(|a, b| {
        (&a.file, &a.rule, &a.resource, &a.fingerprint).cmp(&(
            &b.file,
            &b.rule,
            &b.resource,
            &b.fingerprint,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_covers_reported_files_and_the_checked_paths() {
        // Tests run in the package root: `src` and `rules` are directories, Cargo.toml a file.
        let scope = Scope::new(
            &[
                PathBuf::from("./src"),
                PathBuf::from("Cargo.toml"),
                PathBuf::from("../elsewhere/gone.tf"),
            ],
            ["modules/vpc/main.tf".to_string()],
            None,
        );
        assert!(scope.contains("src/main.tf"));
        assert!(scope.contains("src/deleted/since.tf"));
        assert!(scope.contains("Cargo.toml"));
        assert!(scope.contains("modules/vpc/main.tf"));
        assert!(scope.contains("../elsewhere/gone.tf"));
        assert!(!scope.contains("srcx/main.tf"));
        assert!(!scope.contains("rules/main.tf"));
        assert!(!scope.contains("../elsewhere/other.tf"));

        let everything = Scope::new(&[PathBuf::from(".")], [], None);
        assert!(everything.contains("a/b.tf"));
        assert!(!everything.contains("../a/b.tf"));
        assert!(!everything.contains("/abs/b.tf"));
    }

    #[test]
    fn scope_leaves_out_excluded_files() {
        let cwd = std::env::current_dir().unwrap();
        let config = crate::config::Config::parse(
            "exclude = [\"src/legacy/**\"]\n",
            &cwd.join(".infralint.toml"),
            &crate::rules::Catalog,
        )
        .unwrap();
        let scope = Scope::new(&[PathBuf::from("src")], [], config.exclude_matcher());
        assert!(scope.contains("src/main.tf"));
        assert!(!scope.contains("src/legacy/main.tf"));
    }

    #[test]
    fn version_1_fingerprints_are_still_matched_and_version_2_is_written() {
        use crate::finding::{Category, Label, Severity};
        use crate::source::{SourceFile, Span};
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new(
            "m/main.tf".into(),
            "m/main.tf".into(),
            "resource \"aws_eip\" \"x\" {}\n".into(),
        ));
        let finding = Finding {
            rule: "eip-unattached",
            severity: Severity::Warning,
            category: Category::Cost,
            message: "m".into(),
            help: String::new(),
            primary: Label::new(Span::new(id, 0..25), "here"),
            secondary: Vec::new(),
            resource: "module.m.aws_eip.x".into(),
            monthly_cost_usd: None,
            suppressed_because: None,
            silenced_by: None,
            roots: Vec::new(),
            region: None,
            fix: None,
        };
        let written = Baseline::from_findings([&finding], &sources);
        assert_eq!(written.version, 2);
        assert_eq!(
            written.findings[0].fingerprint,
            fingerprint_v2(&finding, &sources)
        );
        let mut old = written.clone();
        old.version = 1;
        old.findings[0].fingerprint = fingerprint(&finding, &sources);
        assert_ne!(old.findings[0].fingerprint, written.findings[0].fingerprint);
        for baseline in [&old, &written] {
            let (new, known, fixed) =
                baseline.apply(vec![finding.clone()], &sources, &Scope::default());
            assert!(new.is_empty() && fixed.is_empty());
            assert_eq!(known.len(), 1);
        }
    }

    #[test]
    fn fnv1a64_known_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
