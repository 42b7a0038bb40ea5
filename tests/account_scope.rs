//! Account-level defaults apply to their own Terraform root and region, or to what
//! `[account]` in the config says; what they silence is counted in the summary, by what.

use std::process::Command;

fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .args(args)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// `(rule, file, resource)` of every finding of the two rules account defaults affect.
fn affected(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| matches!(f["rule"].as_str(), Some("ebs-unencrypted" | "ec2-imdsv1")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["resource"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn triple(rule: &str, file: &str, resource: &str) -> (String, String, String) {
    (rule.into(), file.into(), resource.into())
}

#[test]
fn a_declared_default_applies_to_its_own_root_and_region_only() {
    let report = run(&["fixtures/account-scope"]);
    assert_eq!(
        affected(&report),
        vec![
            triple(
                "ebs-unencrypted",
                "fixtures/account-scope/cfn/t.yaml",
                "Data"
            ),
            // Another root: `envs/a`'s default is not its account's, as far as we know.
            triple(
                "ebs-unencrypted",
                "fixtures/account-scope/envs/b/main.tf",
                "aws_ebs_volume.data"
            ),
            // Same root, another region than the default's provider.
            triple(
                "ebs-unencrypted",
                "fixtures/account-scope/envs/c/main.tf",
                "aws_ebs_volume.data"
            ),
            triple(
                "ec2-imdsv1",
                "fixtures/account-scope/envs/a/main.tf",
                "aws_instance.web"
            ),
        ]
    );
    assert_eq!(
        report["summary"]["silenced"],
        serde_json::json!([
            {"by": "`aws_ebs_encryption_by_default.this`", "file": "fixtures/account-scope/envs/a/main.tf", "line": 5, "findings": {"ebs-unencrypted": 2}},
            {"by": "`aws_ebs_encryption_by_default.us`", "file": "fixtures/account-scope/envs/c/main.tf", "line": 10, "findings": {"ebs-unencrypted": 1}},
        ])
    );
}

#[test]
fn account_settings_in_the_config_silence_by_region() {
    let report = run(&[
        "--config",
        "fixtures/account-scope/configured/infralint.toml",
        "fixtures/account-scope",
    ]);
    assert_eq!(affected(&report), vec![]);
    let silenced = report["summary"]["silenced"].as_array().expect("silenced");
    let by: Vec<(&str, &serde_json::Value)> = silenced
        .iter()
        .map(|g| (g["by"].as_str().unwrap_or_default(), &g["findings"]))
        .collect();
    assert!(by.contains(&(
        "`ebs_encryption_by_default = true` in [account.eu-west-1] of fixtures/account-scope/configured/infralint.toml",
        &serde_json::json!({"ebs-unencrypted": 3})
    )), "{by:?}");
    assert!(by.contains(&(
        "`imds_http_tokens = \"required\"` in [account] of fixtures/account-scope/configured/infralint.toml",
        &serde_json::json!({"ec2-imdsv1": 1})
    )), "{by:?}");
}

#[test]
fn a_region_table_does_not_apply_to_another_known_region() {
    // The template deployed to us-east-1: the eu-west-1 setting is not its region's.
    let report = run(&[
        "--config",
        "fixtures/account-scope/configured/infralint.toml",
        "--region",
        "us-east-1",
        "fixtures/account-scope/cfn",
    ]);
    assert_eq!(
        affected(&report),
        vec![triple(
            "ebs-unencrypted",
            "fixtures/account-scope/cfn/t.yaml",
            "Data"
        )]
    );
    let report = run(&[
        "--config",
        "fixtures/account-scope/configured/infralint.toml",
        "--region",
        "eu-west-1",
        "fixtures/account-scope/cfn",
    ]);
    assert_eq!(affected(&report), vec![]);
}

#[test]
fn the_human_summary_says_what_silenced_what() {
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(["check", "--color", "never", "fixtures/account-scope/envs/a"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("silenced by `aws_ebs_encryption_by_default.this` (fixtures/account-scope/envs/a/main.tf:5): 2 findings of ebs-unencrypted\n"),
        "{text}"
    );
    assert!(text.contains("; 2 silenced by account defaults."), "{text}");
}
