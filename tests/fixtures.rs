//! Rule fixtures: `fixtures/<rule-id>/fire/<case>` must produce a finding of the rule,
//! `fixtures/<rule-id>/silent/<case>` must not. A case is a file (`.tf`, `.yaml`, `.json`...)
//! or a directory (a Terraform module or several templates). Every rule needs both kinds, in
//! Terraform and in CloudFormation (YAML and JSON). The findings and the rendered diagnostics
//! of every rule are snapshot-tested.

use std::path::{Path, PathBuf};

use infralint::engine::{check, CheckOptions, CheckResult};
use infralint::report::human::{self, HumanOptions};
use infralint::rules;

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn run(path: &Path) -> CheckResult {
    let result = check(&CheckOptions {
        paths: vec![path.to_path_buf()],
        ..CheckOptions::default()
    })
    .expect("check runs");
    assert!(
        result.errors.is_empty(),
        "{}: fixture could not be checked: {:?}",
        path.display(),
        result.errors
    );
    result
}

/// `tf`, `yaml` or `json`: which language a case exercises.
fn languages(case: &Path) -> Vec<&'static str> {
    let files: Vec<PathBuf> = if case.is_dir() {
        walk(case)
    } else {
        vec![case.to_path_buf()]
    };
    let mut langs: Vec<&'static str> = files
        .iter()
        .filter_map(|f| match f.extension()?.to_str()? {
            "tf" => Some("tf"),
            "yaml" | "yml" | "template" => Some("yaml"),
            "json" => Some("json"),
            _ => None,
        })
        .collect();
    langs.sort();
    langs.dedup();
    langs
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in cases(dir) {
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn describe(result: &CheckResult, rule: &str) -> String {
    let mut out = String::new();
    for f in result.findings.iter().filter(|f| f.rule == rule) {
        let (at, _) = result.sources.line_col(f.primary.span);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {} (resource {}, monthly {})\n",
            result.sources.display(f.primary.span.file),
            at.line,
            at.column,
            f.severity.as_str(),
            f.rule,
            f.message,
            f.resource,
            f.monthly_cost_usd
                .map(|c| format!("${c:.2}"))
                .unwrap_or_else(|| "unknown".into())
        ));
    }
    out
}

#[test]
fn every_rule_fires_and_stays_silent_in_both_languages() {
    for rule in rules::registry() {
        let id = rule.meta().id;
        let root = Path::new("fixtures").join(id);
        let mut fire_langs = Vec::new();
        let mut silent_langs = Vec::new();
        let mut findings = String::new();
        let mut rendered = String::new();
        for case in cases(&root.join("fire")) {
            let result = run(&case);
            let text = describe(&result, id);
            assert!(
                !text.is_empty(),
                "{}: expected `{id}` to fire, it did not",
                case.display()
            );
            findings.push_str(&text);
            let mut only_this_rule = result;
            only_this_rule.findings.retain(|f| f.rule == id);
            rendered.push_str(&human::render(&only_this_rule, HumanOptions::default()));
            fire_langs.extend(languages(&case));
        }
        for case in cases(&root.join("silent")) {
            let result = run(&case);
            let text = describe(&result, id);
            assert!(
                text.is_empty(),
                "{}: expected `{id}` to stay silent, it reported:\n{text}",
                case.display()
            );
            silent_langs.extend(languages(&case));
        }
        let langs: &[&str] = match rule.meta().applies_to {
            rules::AppliesTo::Both => &["tf", "yaml", "json"],
            rules::AppliesTo::Terraform => &["tf"],
        };
        for &lang in langs {
            assert!(
                fire_langs.contains(&lang),
                "{id}: no `fire` fixture in {lang}"
            );
            assert!(
                silent_langs.contains(&lang),
                "{id}: no `silent` fixture in {lang}"
            );
        }
        insta::assert_snapshot!(format!("{id}-findings"), findings);
        insta::assert_snapshot!(format!("{id}-rendered"), rendered);
    }
}

#[test]
fn demo_exercises_every_rule() {
    let result = run(Path::new("fixtures/demo"));
    for rule in rules::registry() {
        let id = rule.meta().id;
        assert!(
            result.findings.iter().any(|f| f.rule == id),
            "fixtures/demo does not exercise `{id}`"
        );
    }
    insta::assert_snapshot!(
        "demo-rendered",
        human::render(&result, HumanOptions::default())
    );
}
