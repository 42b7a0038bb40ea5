//! Known gaps: `fixtures/_pending/<rule>/<case>/` holds a case infralint gets wrong today, with
//! a `pending.toml` saying what a careful reviewer expects (`expected`: the resources the rule
//! should report) and what infralint reports instead (`today`). This test checks that it is
//! still wrong in exactly that way: when a change fixes (or alters) the case, it fails, so the
//! case moves to `fixtures/<rule>/{fire,silent}/` and the rule's doc loses its "Known gap".
//! (`tests/catalog.rs` checks that every "Known gap" of a doc names such a case and every case
//! is named by its rule's doc.)

use std::path::PathBuf;

use infralint::engine::{check, CheckOptions};
use infralint::inventory::Inventory;
use infralint::rules;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Pending {
    summary: String,
    expected: Vec<String>,
    today: Vec<String>,
    /// An `--ami-inventory` file of the case, relative to it.
    #[serde(default)]
    ami_inventory: Option<String>,
}

/// Every pending case: (rule id, case directory).
fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(rules_dirs) = std::fs::read_dir("fixtures/_pending") else {
        return out;
    };
    for rule_dir in rules_dirs
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
    {
        let rule = rule_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        for case in std::fs::read_dir(&rule_dir).unwrap().flatten() {
            out.push((rule.clone(), case.path()));
        }
    }
    out.sort();
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn every_pending_case_is_still_wrong_as_described() {
    let cases = cases();
    assert!(
        !cases.is_empty(),
        "no pending cases: is fixtures/_pending where it was?"
    );
    for (rule, case) in cases {
        assert!(
            rules::find(&rule).is_some(),
            "fixtures/_pending/{rule}: not a rule id"
        );
        assert!(
            case.is_dir(),
            "{}: a pending case is a directory",
            case.display()
        );
        let text = std::fs::read_to_string(case.join("pending.toml"))
            .unwrap_or_else(|e| panic!("{}: pending.toml: {e}", case.display()));
        let pending: Pending = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: pending.toml: {e}", case.display()));
        assert!(
            !pending.summary.is_empty(),
            "{}: no summary",
            case.display()
        );
        let (expected, today) = (sorted(pending.expected), sorted(pending.today));
        assert_ne!(
            expected,
            today,
            "{}: what is expected is what infralint does: not a gap",
            case.display()
        );
        let inventory = pending.ami_inventory.as_ref().map(|file| {
            Inventory::load(&case.join(file)).unwrap_or_else(|e| panic!("{}: {e}", case.display()))
        });
        let result = check(&CheckOptions {
            paths: vec![case.clone()],
            inventory,
            today: infralint::inventory::days_since_epoch("2026-12-01").unwrap(),
            ..CheckOptions::default()
        })
        .expect("check runs");
        assert!(
            result.errors.is_empty(),
            "{}: {:?}",
            case.display(),
            result.errors
        );
        let got = sorted(
            result
                .findings
                .iter()
                .filter(|f| f.rule == rule)
                .map(|f| f.resource.clone())
                .collect(),
        );
        assert_eq!(
            got,
            today,
            "{}: `{rule}` no longer reports what pending.toml says it does today{}: move the case to fixtures/{rule}/{{fire,silent}}/ and update the Known gap of rules/{rule}.md",
            case.display(),
            if got == expected { " (it now does what is expected: the gap is closed)" } else { "" }
        );
    }
}
