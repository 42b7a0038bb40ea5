//! The binary end to end: exit codes, formats, bad input.

mod support;
use support::scratch;

use std::path::Path;
use std::process::{Command, Output};

fn infralint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const UNATTACHED: &[u8] = b"resource \"aws_eip\" \"orphan\" {\n  domain = \"vpc\"\n}\n";

#[test]
fn clean_input_exits_0() {
    let dir = scratch(&[(
        "main.tf",
        b"resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"us-east-1a\"\n  type = \"gp3\"\n  size = 10\n  encrypted = true\n}\nresource \"aws_volume_attachment\" \"v\" {\n  device_name = \"/dev/sdf\"\n  volume_id = aws_ebs_volume.v.id\n  instance_id = \"i-0123456789abcdef0\"\n}\n",
    )]);
    let out = infralint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Checked 1 file (2 resources): 0 errors, 0 warnings, 0 info."));
}

#[test]
fn a_warning_exits_1_and_json_has_the_documented_shape() {
    let dir = scratch(&[("infra/eip.tf", UNATTACHED)]);
    let out = infralint(&["check", "--format", "json", "infra"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let f = &json["findings"][0];
    assert_eq!(f["rule"], "eip-unattached");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["category"], "cost");
    assert_eq!(f["file"], "infra/eip.tf");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(1), Some(28))
    );
    assert_eq!(f["resource"], "aws_eip.orphan");
    assert_eq!(f["monthly_cost_usd"], 3.65);
    assert!(f["help"].as_str().unwrap().contains("aws_eip_association"));
    assert_eq!(json["errors"].as_array().unwrap().len(), 0);
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["resources"], 1);
    assert_eq!(json["summary"]["findings"], 1);
    assert_eq!(json["summary"]["monthly_cost_usd"], 3.65);
}

#[test]
fn a_broken_file_is_reported_with_its_location_and_the_rest_is_still_linted() {
    let dir = scratch(&[
        (
            "a/broken.tf",
            b"resource \"aws_eip\" \"x\" {\n  domain = \n}\n",
        ),
        ("b/eip.tf", UNATTACHED),
        (
            "c/bad.yaml",
            b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n",
        ),
        ("d/binary.tf", b"\x00\x01\x02\xff\xfe"),
        ("e/empty.tf", b""),
        (
            "f/dup.yaml",
            b"Resources:\n  Ip:\n    Type: AWS::EC2::EIP\n  Ip:\n    Type: AWS::EC2::EIP\n",
        ),
    ]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<(String, Option<u64>)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["file"].as_str().unwrap().to_string(), e["line"].as_u64()))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("a/broken.tf".to_string(), Some(2)),
            ("c/bad.yaml".to_string(), Some(3)),
            ("d/binary.tf".to_string(), Some(1)),
            ("f/dup.yaml".to_string(), Some(4)),
        ]
    );
    let dup = &json["errors"][3]["message"];
    assert!(
        dup.as_str().unwrap().contains("duplicate key `Ip`"),
        "{dup}"
    );
    // The good file was still linted; the broken module stays silent.
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["b/eip.tf"]);
}

#[test]
fn human_output_renders_the_parse_error_and_the_finding() {
    let dir = scratch(&[
        (
            "a/broken.tf",
            b"resource \"aws_eip\" \"x\" {\n  domain = \n}\n",
        ),
        ("b/eip.tf", UNATTACHED),
    ]);
    let out = infralint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("a/broken.tf: invalid HCL"), "{text}");
    assert!(text.contains("[a/broken.tf:2:12]"), "{text}");
    assert!(text.contains("infralint::eip-unattached"), "{text}");
    assert!(text.contains("[b/eip.tf:1:1]"), "{text}");
    assert!(text.contains("1 file could not be checked"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when NO_COLOR is set");
}

#[test]
fn a_missing_path_exits_2() {
    let dir = scratch(&[]);
    let out = infralint(&["check", "nope"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("nope: no such file or directory"));
}

#[test]
fn bad_arguments_exit_2() {
    let dir = scratch(&[]);
    assert_eq!(
        infralint(&["check", "--format", "yaml"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        infralint(&["frobnicate"], dir.path()).status.code(),
        Some(2)
    );
}

#[test]
fn other_yaml_and_json_is_skipped_silently() {
    let dir = scratch(&[
        (
            "k8s.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n",
        ),
        ("package.json", b"{\"name\": \"x\", \"version\": \"1.0.0\"}"),
        (
            "ci.yml",
            b"on: [push]\njobs: {build: {runs-on: ubuntu-latest}}\n",
        ),
        (
            "mentions.yaml",
            b"# Resources of type AWS::EC2::EIP are documented elsewhere\nfoo: bar\n",
        ),
        (".terraform/modules/x/main.tf", UNATTACHED),
        (".git/x.tf", UNATTACHED),
    ]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 0);
}

#[test]
fn a_file_named_on_the_command_line_sees_its_whole_module() {
    // The association lives in another file of the module: naming only eip.tf must not
    // produce a false "unattached".
    let dir = scratch(&[
        ("infra/eip.tf", UNATTACHED),
        (
            "infra/assoc.tf",
            b"resource \"aws_eip_association\" \"a\" {\n  allocation_id = aws_eip.orphan.id\n  instance_id = \"i-0123\"\n}\n",
        ),
    ]);
    let out = infralint(&["check", "infra/eip.tf"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Checked 1 file"));
}

#[test]
fn rules_and_explain() {
    let dir = scratch(&[]);
    let out = infralint(&["rules"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for id in [
        "eip-unattached",
        "eip-excessive-remaps",
        "ebs-io1-to-io2",
        "ebs-gp2-iops-ceiling",
        "ami-stale",
    ] {
        assert!(text.contains(id), "{id} missing from `rules`");
    }
    let out = infralint(&["explain", "eip-unattached"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# eip-unattached"));
    assert!(stdout(&out).contains("## Why is this bad?"));
    let out = infralint(&["explain", "no-such-rule"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `no-such-rule`"));
}

#[test]
fn adversarial_inputs_never_crash() {
    let bomb = b"AWSTemplateFormatVersion: '2010-09-09'\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\nResources: {}\n".to_vec();
    let deep_yaml = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_hcl = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut bom_crlf = b"\xef\xbb\xbf".to_vec();
    bom_crlf.extend_from_slice(b"resource \"aws_eip\" \"orphan\" {\r\n  domain = \"vpc\"\r\n}\r\n");
    let dir = scratch(&[
        ("bomb.yaml", &bomb),
        ("deep.yaml", deep_yaml.as_bytes()),
        ("deep/main.tf", deep_hcl.as_bytes()),
        (
            "utf8/bad.tf",
            b"resource \"aws_eip\" \"x\" {\n  domain = \"\xff\"\n}\n",
        ),
        ("bom/main.tf", &bom_crlf),
    ]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        vec!["bomb.yaml", "deep.yaml", "deep/main.tf", "utf8/bad.tf"]
    );
    // BOM and CRLF: parsed, and the finding's position is right.
    let f = &json["findings"][0];
    assert_eq!(f["file"], "bom/main.tf");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(1))
    );
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// The JSON report with only the findings of `rule`.
fn only(json: &serde_json::Value, rule: &str) -> serde_json::Value {
    let mut json = json.clone();
    if let Some(findings) = json["findings"].as_array_mut() {
        findings.retain(|f| f["rule"] == rule);
    }
    json
}

fn rules_of(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn config_file_changes_severities_and_excludes() {
    let dir = scratch(&[
        ("infra/eip.tf", UNATTACHED),
        ("legacy/eip.tf", UNATTACHED),
        (
            ".infralint.toml",
            b"exclude = [\"legacy/**\"]\n\n[rules.eip-unattached]\nseverity = \"error\"\n",
        ),
    ]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    let json = json_of(&out);
    assert_eq!(rules_of(&json), vec!["eip-unattached:error"]);
    assert_eq!(json["findings"][0]["file"], "infra/eip.tf");
    // The command line wins over the file.
    let out = infralint(
        &[
            "check",
            "--format",
            "json",
            "--severity",
            "eip-unattached=off",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(rules_of(&json_of(&out)).is_empty());
}

#[test]
fn config_errors_name_file_line_and_key() {
    let dir = scratch(&[
        ("main.tf", UNATTACHED),
        (
            ".infralint.toml",
            b"region = \"us-east-1\"\n\n[rules.eip-unattached]\nseverity = \"error\"\nmax_remaps = 3\n",
        ),
    ]);
    let out = infralint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".infralint.toml:5: unknown key `max_remaps` for rule `eip-unattached`"),
        "{err}"
    );
}

#[test]
fn fail_on_thresholds() {
    let dir = scratch(&[("main.tf", UNATTACHED)]);
    let code = |args: &[&str]| infralint(args, dir.path()).status.code();
    assert_eq!(code(&["check", "."]), Some(1));
    assert_eq!(code(&["check", "--fail-on", "error", "."]), Some(0));
    assert_eq!(code(&["check", "--fail-on", "never", "."]), Some(0));
    assert_eq!(
        code(&["check", "--severity", "eip-unattached=info", "."]),
        Some(0)
    );
    assert_eq!(
        code(&[
            "check",
            "--severity",
            "eip-unattached=info",
            "--fail-on",
            "info",
            "."
        ]),
        Some(1)
    );
    assert_eq!(code(&["check", "--severity", "nope=info", "."]), Some(2));
}

#[test]
fn baseline_reports_only_new_findings_and_survives_line_shifts() {
    let dir = scratch(&[("main.tf", UNATTACHED)]);
    let out = infralint(&["baseline", "--output", "base.json", "."], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Unrelated edits shift the lines: still baselined.
    let shifted = format!("# comment\n\n{}", String::from_utf8_lossy(UNATTACHED));
    std::fs::write(dir.path().join("main.tf"), &shifted).unwrap();
    let out = infralint(
        &["check", "--format", "json", "--baseline", "base.json", "."],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let json = json_of(&out);
    assert_eq!(json["summary"]["baselined"], 1);
    assert!(rules_of(&json).is_empty());
    // A new finding fails; the old one stays baselined.
    let more = format!("{shifted}\nresource \"aws_eip\" \"new\" {{\n  domain = \"vpc\"\n}}\n");
    std::fs::write(dir.path().join("main.tf"), more).unwrap();
    let out = infralint(
        &["check", "--format", "json", "--baseline", "base.json", "."],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json = json_of(&out);
    assert_eq!(json["findings"][0]["resource"], "aws_eip.new");
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    // The baselined one is fixed: reported as fixed; --baseline-update rewrites the file.
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_eip\" \"new\" {\n  domain = \"vpc\"\n}\n",
    )
    .unwrap();
    let out = infralint(
        &["check", "--baseline", "base.json", "--baseline-update", "."],
        dir.path(),
    );
    assert!(
        stdout(&out).contains("fixed since the baseline: main.tf[eip-unattached] aws_eip.orphan"),
        "{}",
        stdout(&out)
    );
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("base.json")).unwrap())
            .unwrap();
    assert_eq!(base["findings"].as_array().unwrap().len(), 1);
    assert_eq!(base["findings"][0]["resource"], "aws_eip.new");
    let out = infralint(&["check", "--baseline", "base.json", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
}

const TWO_EIPS: &[u8] = b"resource \"aws_eip\" \"bastion\" {\n  domain   = \"vpc\"\n  instance = \"i-0123456789abcdef0\"\n}\n\nresource \"aws_eip\" \"web\" {\n  domain   = \"vpc\"\n  instance = \"i-0fedcba9876543210\"\n}\n";

#[test]
fn usage_prices_remaps_above_the_free_tier() {
    let dir = scratch(&[
        ("main.tf", TWO_EIPS),
        (
            "usage.yaml",
            b"resources:\n  aws_eip.bastion: { monthly_remaps: 240 }\n  aws_eip.web: { monthly_remaps: 60 }\n",
        ),
    ]);
    let out = infralint(
        &["check", "--format", "json", "--usage", "usage.yaml", "."],
        dir.path(),
    );
    let json = json_of(&out);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["resource"], "aws_eip.bastion");
    assert_eq!(findings[0]["monthly_cost_usd"], 20.0);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message
            .contains("300 remaps (240 aws_eip.bastion + 60 aws_eip.web), 200 above the 100 free"),
        "{message}"
    );
    assert_eq!(
        json["summary"]["monthly_cost_usd_by_rule"]["eip-excessive-remaps"],
        20.0
    );
    assert_eq!(json["summary"]["region"], "us-east-1");
}

#[test]
fn usage_errors_point_at_the_usage_file() {
    let dir = scratch(&[
        ("main.tf", TWO_EIPS),
        ("usage.yaml", b"resources:\n  aws_eip.bastion: { monthly_remap: 240 }\n  aws_eip.gone: { monthly_remaps: 1 }\n"),
    ]);
    let out = infralint(
        &["check", "--format", "json", "--usage", "usage.yaml", "."],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let json = json_of(&out);
    assert_eq!(json["errors"][0]["file"], "usage.yaml");
    assert_eq!(json["errors"][0]["line"], 2);
    assert!(json["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown usage key `monthly_remap`"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("usage.yaml:3: usage for `aws_eip.gone`"),
        "{err}"
    );
}

#[test]
fn gp2_below_expected_iops_is_an_error() {
    let dir = scratch(&[
        (
            "main.tf",
            b"resource \"aws_ebs_volume\" \"db\" {\n  availability_zone = \"us-east-1a\"\n  type = \"gp2\"\n  size = 500\n}\n",
        ),
        ("usage.yaml", b"resources:\n  aws_ebs_volume.db: { expected_iops: 4500 }\n"),
    ]);
    let out = infralint(
        &["check", "--format", "json", "--usage", "usage.yaml", "."],
        dir.path(),
    );
    let json = only(&json_of(&out), "ebs-gp2-iops-ceiling");
    let f = &json["findings"][0];
    assert_eq!(f["severity"], "error");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("below the 4,500 IOPS it is expected to serve"),
        "{message}"
    );
    // gp3 at 4,500 IOPS and 250 MiB/s: 40 + 7.50 + 5.00 = 52.50 vs gp2 50.00.
    assert!(
        message.contains("gp3 with 4,500 IOPS and 250 MiB/s costs $52.50/month instead of $50.00"),
        "{message}"
    );
    assert_eq!(f["monthly_cost_usd"], 0.0);
}

#[test]
fn ami_inventory_ages_and_states() {
    let tf = b"resource \"aws_instance\" \"old\" {\n  ami = \"ami-0000000000000000a\"\n  instance_type = \"t3.micro\"\n}\nresource \"aws_instance\" \"fresh\" {\n  ami = \"ami-0000000000000000b\"\n  instance_type = \"t3.micro\"\n}\nresource \"aws_instance\" \"deprecated\" {\n  ami = \"ami-0000000000000000c\"\n  instance_type = \"t3.micro\"\n}\nresource \"aws_instance\" \"missing\" {\n  ami = \"ami-0000000000000000d\"\n  instance_type = \"t3.micro\"\n}\n";
    let inventory = br#"{"Images": [
      {"ImageId": "ami-0000000000000000a", "CreationDate": "2026-01-01T00:00:00.000Z", "State": "available"},
      {"ImageId": "ami-0000000000000000b", "CreationDate": "2026-11-01T00:00:00.000Z", "State": "available"},
      {"ImageId": "ami-0000000000000000c", "CreationDate": "2026-10-01T00:00:00.000Z", "State": "available", "DeprecationTime": "2026-11-20T00:00:00.000Z"}
    ]}"#;
    let dir = scratch(&[("main.tf", tf), ("images.json", inventory)]);
    let out = infralint(
        &[
            "check",
            "--format",
            "json",
            "--ami-inventory",
            "images.json",
            "--now",
            "2026-11-27",
            ".",
        ],
        dir.path(),
    );
    let json = only(&json_of(&out), "ami-stale");
    let got: Vec<(String, String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str()),
        ("aws_instance.old", "warning")
    );
    assert!(
        got[0]
            .2
            .contains("330 days old (created 2026-01-01; the limit is 90 days)"),
        "{}",
        got[0].2
    );
    assert_eq!(
        (got[1].0.as_str(), got[1].1.as_str()),
        ("aws_instance.deprecated", "error")
    );
    assert!(got[1].2.contains("deprecated since 2026-11-20"));
    assert_eq!(
        (got[2].0.as_str(), got[2].1.as_str()),
        ("aws_instance.missing", "error")
    );
    assert!(got[2].2.contains("not found in the AMI inventory"));
    // The age limit is a rule option.
    std::fs::write(
        dir.path().join(".infralint.toml"),
        "[rules.ami-stale]\nmax_age_days = 400\n",
    )
    .unwrap();
    let out = infralint(
        &[
            "check",
            "--format",
            "json",
            "--ami-inventory",
            "images.json",
            "--now",
            "2026-11-27",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(
        only(&json_of(&out), "ami-stale")["findings"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// An image that is one of several ids (a condition on an unknown variable, a region map
/// without a region) is stale only when every candidate is: one fresh candidate keeps it
/// silent; all stale gives one finding at the mildest candidate's severity.
#[test]
fn ami_inventory_judges_every_candidate_image() {
    let tf = b"variable \"arm\" {\n  type = bool\n}\nresource \"aws_instance\" \"mixed\" {\n  ami = var.arm ? \"ami-0000000000000000a\" : \"ami-0000000000000000b\"\n  instance_type = \"t3.micro\"\n}\nresource \"aws_instance\" \"stale\" {\n  ami = var.arm ? \"ami-0000000000000000a\" : \"ami-0000000000000000c\"\n  instance_type = \"t3.micro\"\n}\n";
    let inventory = br#"{"Images": [
      {"ImageId": "ami-0000000000000000a", "CreationDate": "2026-01-01T00:00:00.000Z", "State": "available"},
      {"ImageId": "ami-0000000000000000b", "CreationDate": "2026-11-01T00:00:00.000Z", "State": "available"},
      {"ImageId": "ami-0000000000000000c", "CreationDate": "2026-10-01T00:00:00.000Z", "State": "disabled"}
    ]}"#;
    let dir = scratch(&[("main.tf", tf), ("images.json", inventory)]);
    let out = infralint(
        &[
            "check",
            "--format",
            "json",
            "--ami-inventory",
            "images.json",
            "--now",
            "2026-11-27",
            ".",
        ],
        dir.path(),
    );
    let json = only(&json_of(&out), "ami-stale");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["resource"], "aws_instance.stale");
    // 330 days old (warning) and disabled (error): the milder is what is certain.
    assert_eq!(findings[0]["severity"], "warning");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("330 days old") && message.contains("disabled"),
        "{message}"
    );
}

/// A root volume's encryption, with an AMI inventory that records the root snapshot: an
/// encrypted snapshot is silent, an unencrypted or public one a warning, an image the
/// inventory does not record stays "not ensured" (info).
#[test]
fn ami_inventory_decides_root_volume_encryption() {
    let instance = |name: &str, ami: &str| {
        format!("resource \"aws_instance\" \"{name}\" {{\n  ami = \"{ami}\"\n  instance_type = \"t3.micro\"\n  metadata_options {{\n    http_tokens = \"required\"\n  }}\n}}\n")
    };
    let tf = [
        instance("encrypted", "ami-0000000000000000a"),
        instance("unencrypted", "ami-0000000000000000b"),
        instance("public", "ami-0000000000000000c"),
        instance("unrecorded", "ami-0000000000000000d"),
    ]
    .concat();
    let inventory = br#"{"Images": [
      {"ImageId": "ami-0000000000000000a", "CreationDate": "2026-11-01T00:00:00.000Z", "Public": false, "RootDeviceName": "/dev/xvda",
       "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true, "SnapshotId": "snap-1"}}]},
      {"ImageId": "ami-0000000000000000b", "CreationDate": "2026-11-01T00:00:00.000Z", "Public": false, "RootDeviceName": "/dev/sda1",
       "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"Encrypted": false, "SnapshotId": "snap-2"}}]},
      {"ImageId": "ami-0000000000000000c", "CreationDate": "2026-11-01T00:00:00.000Z", "Public": true},
      {"ImageId": "ami-0000000000000000d", "CreationDate": "2026-11-01T00:00:00.000Z"}
    ]}"#;
    let dir = scratch(&[("main.tf", tf.as_bytes()), ("images.json", inventory)]);
    let out = infralint(
        &[
            "check",
            "--format",
            "json",
            "--ami-inventory",
            "images.json",
            "--now",
            "2026-11-27",
            ".",
        ],
        dir.path(),
    );
    let json = only(&json_of(&out), "ebs-unencrypted");
    let got: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("aws_instance.unencrypted", "warning"),
            ("aws_instance.public", "warning"),
            ("aws_instance.unrecorded", "info"),
        ]
        .map(|(r, s)| (r.to_string(), s.to_string()))
    );
}

#[test]
fn pricing_overrides_apply_and_unknown_regions_are_unpriced() {
    let dir = scratch(&[
        ("main.tf", UNATTACHED),
        (".infralint.toml", b"[pricing]\ndiscount_percent = 50\n"),
    ]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(json_of(&out)["findings"][0]["monthly_cost_usd"], 1.83);
    let out = infralint(&["pricing"], dir.path());
    assert!(
        stdout(&out).contains("public_ipv4_hour"),
        "{}",
        stdout(&out)
    );
    let out = infralint(
        &["check", "--format", "json", "--region", "xx-nowhere-1", "."],
        dir.path(),
    );
    assert_eq!(
        json_of(&out)["findings"][0]["monthly_cost_usd"],
        serde_json::Value::Null
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no price table for region `xx-nowhere-1`")
    );
}

/// A discount multiplies prices, and float products carry noise (0.005 x 0.9 is
/// 0.0045000000000000005): messages and `infralint pricing` print them rounded.
#[test]
fn discounted_prices_print_without_float_noise() {
    let dir = scratch(&[
        ("main.tf", UNATTACHED),
        (".infralint.toml", b"[pricing]\ndiscount_percent = 10\n"),
    ]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    let message = json_of(&out)["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("costs $3.29/month ($0.0045/hour"),
        "{message}"
    );
    let out = infralint(&["pricing", "--region", "eu-west-1"], dir.path());
    let text = stdout(&out);
    assert!(text.contains(" 0.0792\n"), "{text}");
    assert!(text.contains(" 0.0045\n"), "{text}");
    assert!(!text.contains("00000"), "{text}");
}

#[test]
fn completions_and_output_file() {
    let dir = scratch(&[("main.tf", UNATTACHED)]);
    let out = infralint(&["completions", "bash"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("infralint"));
    let out = infralint(
        &["check", "--format", "json", "--output", "report.json", "."],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(report.contains("\"eip-unattached\""));
}

#[test]
fn suppressed_findings_are_counted_and_listed_on_request() {
    let dir = scratch(&[(
        "main.tf",
        b"# infralint:ignore[eip-unattached] reserved for the partner VPN (NET-42)\nresource \"aws_eip\" \"vpn\" {\n  domain = \"vpc\"\n}\n",
    )]);
    let out = infralint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("1 suppressed"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("(suppressed)"));
    let out = infralint(&["check", "--show-suppressed", "."], dir.path());
    assert!(
        stdout(&out).contains("(suppressed) Elastic IP `aws_eip.vpn`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_helm_chart_that_mentions_aws_types_is_skipped() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = infralint(
        &["check", "--format", "json", "fixtures/skipped/helm-chart"],
        root,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let json = json_of(&out);
    assert_eq!(json["summary"]["files"], 0);
    assert!(json["errors"].as_array().unwrap().is_empty());
}

#[test]
fn no_priced_findings_sum_to_zero_not_negative_zero() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = infralint(
        &[
            "check",
            "--format",
            "json",
            "fixtures/report/no-priced-findings",
        ],
        root,
    );
    let text = stdout(&out);
    assert!(text.contains("\"monthly_cost_usd\": 0.0"), "{text}");
    assert!(!text.contains("-0.0"), "{text}");
}

const GP2_500: &[u8] = b"resource \"aws_ebs_volume\" \"logs\" {\n  availability_zone = \"eu-west-1a\"\n  type              = \"gp2\"\n  size              = 500\n}\n\nresource \"aws_eip\" \"spare\" {\n  domain = \"vpc\"\n}\n";

#[test]
fn costs_in_two_regions_from_the_flag_and_from_the_provider() {
    let cost_of = |json: &serde_json::Value, rule: &str| -> f64 {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .and_then(|f| f["monthly_cost_usd"].as_f64())
            .unwrap()
    };
    // us-east-1: gp2 $50.00 vs gp3 $40.00 + 125 MiB/s x $0.04 = $45.00.
    let dir = scratch(&[("main.tf", GP2_500)]);
    let json = json_of(&infralint(&["check", "--format", "json", "."], dir.path()));
    assert_eq!(cost_of(&json, "ebs-gp2-iops-ceiling"), 5.0);
    assert_eq!(cost_of(&json, "eip-unattached"), 3.65);
    assert_eq!(json["summary"]["region_source"], "default");
    // eu-west-1 by flag: gp2 500 x $0.11 = $55.00 vs gp3 500 x $0.088 + 125 x $0.044 = $49.50.
    let json = json_of(&infralint(
        &["check", "--format", "json", "--region", "eu-west-1", "."],
        dir.path(),
    ));
    assert_eq!(cost_of(&json, "ebs-gp2-iops-ceiling"), 5.5);
    assert_eq!(cost_of(&json, "eip-unattached"), 3.65);
    assert_eq!(json["summary"]["region"], "eu-west-1");
    // eu-west-1 from the module's provider block.
    let with_provider = [
        b"provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\n".as_slice(),
        GP2_500,
    ]
    .concat();
    let dir = scratch(&[("main.tf", &with_provider)]);
    let json = json_of(&infralint(&["check", "--format", "json", "."], dir.path()));
    assert_eq!(cost_of(&json, "ebs-gp2-iops-ceiling"), 5.5);
    assert_eq!(json["summary"]["region_source"], "provider");
    // The flag wins over the provider.
    let json = json_of(&infralint(
        &["check", "--format", "json", "--region", "us-east-1", "."],
        dir.path(),
    ));
    assert_eq!(cost_of(&json, "ebs-gp2-iops-ceiling"), 5.0);
}

#[test]
fn singapore_ohio_and_frankfurt_prices_and_assumed_remap_figures() {
    let cost_of = |json: &serde_json::Value, rule: &str| -> f64 {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .and_then(|f| f["monthly_cost_usd"].as_f64())
            .unwrap()
    };
    let dir = scratch(&[("main.tf", GP2_500)]);
    let check_in = |region: &str| {
        json_of(&infralint(
            &["check", "--format", "json", "--region", region, "."],
            dir.path(),
        ))
    };
    // ap-southeast-1: gp2 500 x $0.12 = $60.00 vs gp3 500 x $0.096 + 125 x $0.048 = $54.00.
    let json = check_in("ap-southeast-1");
    assert_eq!(cost_of(&json, "ebs-gp2-iops-ceiling"), 6.0);
    assert_eq!(cost_of(&json, "eip-unattached"), 3.65);
    // eu-central-1: gp2 500 x $0.119 = $59.50 vs gp3 500 x $0.0952 + 125 x $0.0476 = $53.55.
    let json = check_in("eu-central-1");
    assert!((cost_of(&json, "ebs-gp2-iops-ceiling") - 5.95).abs() < 1e-9);
    // us-east-2 costs what us-east-1 does.
    let json = check_in("us-east-2");
    assert_eq!(cost_of(&json, "ebs-gp2-iops-ceiling"), 5.0);

    // Remaps in Singapore: priced with us-east-1's remap figures, and the message says so.
    let dir = scratch(&[
        ("main.tf", TWO_EIPS),
        (
            "usage.yaml",
            b"resources:\n  aws_eip.bastion: { monthly_remaps: 240 }\n  aws_eip.web: { monthly_remaps: 60 }\n",
        ),
    ]);
    let json = json_of(&infralint(
        &[
            "check",
            "--format",
            "json",
            "--usage",
            "usage.yaml",
            "--region",
            "ap-southeast-1",
            ".",
        ],
        dir.path(),
    ));
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["monthly_cost_usd"], 20.0);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("assumed equal to us-east-1's: no regional figure was found"),
        "{message}"
    );
    // In us-east-1 the figure is the region's own: no such note.
    let json = json_of(&infralint(
        &["check", "--format", "json", "--usage", "usage.yaml", "."],
        dir.path(),
    ));
    assert!(!json["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("assumed"));
    // `infralint pricing` marks the assumed figures.
    let out = infralint(&["pricing", "--region", "ap-southeast-1"], dir.path());
    let text = stdout(&out);
    let line = |key: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key} not in {text}"))
            .to_string()
    };
    assert!(line("eip_remap ").contains("assumed"), "{text}");
    assert!(!line("gp3_gb_month").contains("assumed"), "{text}");
    // The list of assumed keys is shown as marks, not as an entry of its own.
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("assumed")),
        "{text}"
    );
}

/// Inputs the fuzzers found crashing, kept as regressions (`fuzz/regressions/<target>/`):
/// each is checked as the file type its target reads (`terraform`: `.tf`, `cloudformation`:
/// `.yaml`, `pipeline`: both), without a panic (exit code 0, 1 or 2).
#[test]
fn fuzz_regressions_do_not_crash() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut checked = 0;
    for target in std::fs::read_dir(&root).unwrap().flatten() {
        let extensions: &[&str] = match target.file_name().to_str() {
            Some("terraform") => &["tf"],
            Some("cloudformation") => &["yaml"],
            _ => &["tf", "yaml"],
        };
        for case in std::fs::read_dir(target.path()).unwrap().flatten() {
            let path = case.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || name.ends_with(".md") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for ext in extensions {
                let dir = scratch(&[(&format!("case.{ext}"), &bytes)]);
                let out = infralint(&["check", "--format", "json", "."], dir.path());
                let code = out.status.code();
                assert!(
                    matches!(code, Some(0..=2)),
                    "{} as .{ext}: exit {code:?}\n{}",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no regression inputs found");
}

#[cfg(unix)]
#[test]
fn special_files_symlink_loops_and_huge_lines_are_handled() {
    let long_line = format!(
        "# {}\nresource \"aws_eip\" \"orphan\" {{\n  domain = \"vpc\"\n}}\n",
        "x".repeat(10 * 1024 * 1024)
    );
    let dir = scratch(&[("big/main.tf", long_line.as_bytes())]);
    // A directory symlink loop: not followed.
    std::os::unix::fs::symlink("..", dir.path().join("big/loop")).unwrap();
    // A FIFO inside the tree is not a regular file: skipped, never read (it would block).
    let fifo = dir.path().join("big/pipe.tf");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    let have_fifo = status.map(|s| s.success()).unwrap_or(false);
    let out = infralint(&["check", "--format", "json", "big"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let json = json_of(&out);
    assert_eq!(json["findings"][0]["resource"], "aws_eip.orphan");
    assert_eq!(json["findings"][0]["line"], 2);
    if have_fifo {
        // Named on the command line: a clear error, no hang.
        let out = infralint(&["check", "--format", "json", "big/pipe.tf"], dir.path());
        assert_eq!(out.status.code(), Some(2));
        let json = json_of(&out);
        assert!(json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file"));
    }
    // A device file: in the tree through a symbolic link (not followed, skipped), and named
    // on the command line (a clear error, never read: /dev/zero would never end).
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("big/zero.tf")).unwrap();
    let out = infralint(&["check", "--format", "json", "big"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    for device in ["/dev/zero", "/dev/null"] {
        let out = infralint(&["check", "--format", "json", device, "big"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{device}");
        let json = json_of(&out);
        assert_eq!(json["errors"].as_array().unwrap().len(), 1, "{json}");
        assert_eq!(json["errors"][0]["file"], device);
        assert!(json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file"));
        // The rest is still linted.
        assert_eq!(json["findings"][0]["resource"], "aws_eip.orphan");
    }
}

#[test]
fn an_aliased_provider_prices_its_resources_in_its_region() {
    let tf = b"provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nprovider \"aws\" {\n  alias  = \"ireland\"\n  region = \"eu-west-1\"\n}\n\nresource \"aws_ebs_volume\" \"home\" {\n  availability_zone = \"us-east-1a\"\n  type              = \"gp2\"\n  size              = 500\n}\n\nresource \"aws_ebs_volume\" \"away\" {\n  provider          = aws.ireland\n  availability_zone = \"eu-west-1a\"\n  type              = \"gp2\"\n  size              = 500\n}\n";
    let dir = scratch(&[("main.tf", tf)]);
    let json = only(
        &json_of(&infralint(&["check", "--format", "json", "."], dir.path())),
        "ebs-gp2-iops-ceiling",
    );
    let costs: Vec<(String, f64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_string(),
                f["monthly_cost_usd"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        costs,
        vec![
            ("aws_ebs_volume.home".to_string(), 5.0),
            ("aws_ebs_volume.away".to_string(), 5.5)
        ]
    );
}

const MIB: usize = 1024 * 1024;

/// A generated file that knows the line each piece starts on.
struct Generated {
    text: String,
    /// The 1-based line the next piece starts on.
    line: usize,
}

impl Generated {
    fn new() -> Generated {
        Generated {
            text: String::new(),
            line: 1,
        }
    }

    /// Appends `piece` and returns the line it starts on.
    fn push(&mut self, piece: &str) -> usize {
        let at = self.line;
        self.line += piece.bytes().filter(|b| *b == b'\n').count();
        self.text.push_str(piece);
        at
    }

    /// Appends `block`, which has `lines` newlines (not counted again: it is most of the file).
    fn push_block(&mut self, block: &str, lines: usize) {
        self.line += lines;
        self.text.push_str(block);
    }
}

/// 32 comment lines of 80 bytes, `prefix` first on each.
fn comment_block(prefix: &str) -> String {
    let line = format!(
        "{prefix}{:<width$}\n",
        "vol-0a1b2c3d decommissioned 2019-03, kept for the audit trail (NET-42)",
        width = 79 - prefix.len()
    );
    assert_eq!(line.len(), 80);
    line.repeat(32)
}

/// What a generated file should produce: `eip-unattached` findings as (resource, line), and
/// its resource count.
struct Expected {
    findings: Vec<(String, u64)>,
    resources: u64,
}

/// How a big file of one syntax is written: EIPs (each after a filler), every tenth one
/// associated (no finding), EIP 1001 with a 1 MiB value, and one more EIP after the 50 MiB.
struct BigSyntax {
    header: &'static str,
    /// Written before each EIP, with its number of lines.
    filler: Option<(String, usize)>,
    /// EIP `i`; `huge` asks for a 1 MiB value in it.
    eip: fn(usize, bool) -> String,
    association: fn(usize) -> String,
    /// The resource name of EIP `i` in findings.
    name: fn(usize) -> String,
    last: &'static str,
    last_name: &'static str,
}

fn big_file(syntax: &BigSyntax) -> (String, Expected) {
    let mut g = Generated::new();
    g.push(syntax.header);
    let mut expected = Expected {
        findings: Vec::new(),
        resources: 0,
    };
    let mut i = 0;
    while g.text.len() < 50 * MIB {
        if let Some((filler, lines)) = &syntax.filler {
            g.push_block(filler, *lines);
        }
        let line = g.push(&(syntax.eip)(i, i == 1001));
        expected.resources += 1;
        if i % 10 == 0 {
            g.push(&(syntax.association)(i));
            expected.resources += 1;
        } else {
            expected.findings.push(((syntax.name)(i), line as u64));
        }
        i += 1;
    }
    let line = g.push(syntax.last);
    expected
        .findings
        .push((syntax.last_name.to_string(), line as u64));
    expected.resources += 1;
    (g.text, expected)
}

/// At least 50 MiB of Terraform, EIPs each after a block of comments.
///
/// Mostly comments on purpose: 50 MiB of dense resources (~330,000 of them) takes ~40 s and
/// ~2 GB in the debug binary the tests run. The reader, the lexer, the line index and the
/// comment scanner still see every byte; the parser and the rules see ~21,500 resources.
fn big_terraform() -> (String, Expected) {
    big_file(&BigSyntax {
        header: "",
        filler: Some((comment_block("# "), 32)),
        eip: |i, huge| {
            let tags = if huge {
                format!("  tags = {{\n    Notes = \"{}\"\n  }}\n", "n".repeat(MIB))
            } else {
                String::new()
            };
            format!("resource \"aws_eip\" \"ip{i}\" {{\n  domain = \"vpc\"\n{tags}}}\n")
        },
        association: |i| {
            format!("resource \"aws_eip_association\" \"ip{i}\" {{\n  allocation_id = aws_eip.ip{i}.id\n  instance_id   = \"i-0123456789abcdef0\"\n}}\n")
        },
        name: |i| format!("aws_eip.ip{i}"),
        last: "resource \"aws_eip\" \"last\" {\n  domain = \"vpc\"\n}\n",
        last_name: "aws_eip.last",
    })
}

/// The same as a CloudFormation YAML template (comments between the resources).
fn big_yaml_template() -> (String, Expected) {
    big_file(&BigSyntax {
        header: "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n",
        filler: Some((comment_block("  # "), 32)),
        eip: |i, huge| {
            let metadata = if huge {
                format!("    Metadata:\n      Notes: {}\n", "n".repeat(MIB))
            } else {
                String::new()
            };
            format!(
                "  Ip{i}:\n    Type: AWS::EC2::EIP\n{metadata}    Properties:\n      Domain: vpc\n"
            )
        },
        association: |i| {
            format!("  Assoc{i}:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: !GetAtt Ip{i}.AllocationId\n      InstanceId: i-0123456789abcdef0\n")
        },
        name: |i| format!("Ip{i}"),
        last: "  Last:\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: vpc\n",
        last_name: "Last",
    })
}

/// The same as a JSON template (no comments in JSON: the bulk is a 2.5 KB metadata string
/// on each EIP, 1 MiB on one).
fn big_json_template() -> (String, Expected) {
    big_file(&BigSyntax {
        header: "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n",
        filler: None,
        eip: |i, huge| {
            let note = "n".repeat(if huge { MIB } else { 2560 });
            format!("    \"Ip{i}\": {{\n      \"Type\": \"AWS::EC2::EIP\",\n      \"Metadata\": {{\"Notes\": \"{note}\"}},\n      \"Properties\": {{\"Domain\": \"vpc\"}}\n    }},\n")
        },
        association: |i| format!("    \"Assoc{i}\": {{\n      \"Type\": \"AWS::EC2::EIPAssociation\",\n      \"Properties\": {{\n        \"AllocationId\": {{\"Fn::GetAtt\": [\"Ip{i}\", \"AllocationId\"]}},\n        \"InstanceId\": \"i-0123456789abcdef0\"\n      }}\n    }},\n"),
        name: |i| format!("Ip{i}"),
        last: "    \"Last\": {\n      \"Type\": \"AWS::EC2::EIP\",\n      \"Properties\": {\"Domain\": \"vpc\"}\n    }\n  }\n}\n",
        last_name: "Last",
    })
}

/// `got` equals `expected`, or the first difference (the lists are too long to print whole).
fn assert_same_findings(file: &str, got: &[(String, u64)], expected: &[(String, u64)]) {
    if let Some(i) = (0..got.len().max(expected.len())).find(|&i| got.get(i) != expected.get(i)) {
        panic!(
            "{file}: {} findings, {} expected; first difference at #{i}: got {:?}, expected {:?}",
            got.len(),
            expected.len(),
            got.get(i),
            expected.get(i)
        );
    }
}

#[test]
fn fifty_megabyte_files_are_linted_like_small_ones() {
    let (tf, tf_expected) = big_terraform();
    let (yaml, yaml_expected) = big_yaml_template();
    let (json_template, json_expected) = big_json_template();
    let dir = scratch(&[
        ("big/main.tf", tf.as_bytes()),
        ("cfn/big.yaml", yaml.as_bytes()),
        ("cfn/big.json", json_template.as_bytes()),
        ("small/eip.tf", UNATTACHED),
    ]);
    for text in [&tf, &yaml, &json_template] {
        assert!(text.len() > 50 * MIB);
    }
    drop((tf, yaml, json_template));

    let started = std::time::Instant::now();
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    eprintln!("infralint on 3 files of 50 MiB: {:.1?}", started.elapsed());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let json = json_of(&out);
    assert_eq!(json["errors"], serde_json::json!([]));
    let findings = json["findings"].as_array().unwrap();
    let of = |file: &str| -> Vec<(String, u64)> {
        findings
            .iter()
            .filter(|f| f["file"] == file)
            .map(|f| {
                assert_eq!(f["rule"], "eip-unattached", "{f}");
                (
                    f["resource"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(of("small/eip.tf"), vec![("aws_eip.orphan".to_string(), 1)]);
    assert_same_findings("big/main.tf", &of("big/main.tf"), &tf_expected.findings);
    assert_same_findings("cfn/big.yaml", &of("cfn/big.yaml"), &yaml_expected.findings);
    assert_same_findings("cfn/big.json", &of("cfn/big.json"), &json_expected.findings);
    assert_eq!(json["summary"]["files"], 4);
    assert_eq!(
        json["summary"]["resources"],
        tf_expected.resources + yaml_expected.resources + json_expected.resources + 1
    );
}

/// How to run the binary so that file permissions apply to it.
#[cfg(unix)]
enum Unprivileged {
    /// They already do (not root).
    Direct,
    /// As `nobody` (uid 65534) through setpriv, for root, who reads mode-000 files.
    Setpriv {
        setpriv: std::path::PathBuf,
        binary: std::path::PathBuf,
        /// Holds a copy of the binary when nobody could not reach the original.
        _copy: Option<tempfile::TempDir>,
    },
}

#[cfg(unix)]
impl Unprivileged {
    /// How to run unprivileged on `dir`, a scratch directory (made reachable for nobody). None,
    /// with the reason printed, when this machine cannot; under CI, which runs as root with
    /// setpriv, that is a failure, not a skip.
    fn for_dir(dir: &Path) -> Option<Unprivileged> {
        match Unprivileged::new(dir) {
            Ok(u) => Some(u),
            Err(why) if std::env::var_os("CI").is_some() => {
                panic!("cannot test unreadable files: {why}")
            }
            Err(why) => {
                eprintln!("skipped: cannot test unreadable files here: {why}");
                None
            }
        }
    }

    fn new(dir: &Path) -> Result<Unprivileged, String> {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode());
        let probe = dir.join(".probe");
        std::fs::write(&probe, b"x").unwrap();
        std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
        let bypassed = std::fs::read(&probe).is_ok();
        std::fs::remove_file(&probe).unwrap();
        if !bypassed {
            return Ok(Unprivileged::Direct);
        }
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"]
            .into_iter()
            .map(std::path::PathBuf::from)
            .find(|p| p.is_file())
            .ok_or("file permissions do not apply (root?) and setpriv is not installed")?;
        // Nobody must be able to reach (search) every directory above the binary and `dir`.
        let reachable = |p: &Path| {
            p.ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
                .all(|a| mode(a).is_ok_and(|m| m & 0o001 != 0))
        };
        if !reachable(dir) {
            return Err(format!("{} is not reachable by other users", dir.display()));
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let original = Path::new(env!("CARGO_BIN_EXE_infralint"));
        let (binary, copy) = if reachable(original) && mode(original).is_ok_and(|m| m & 0o001 != 0)
        {
            (original.to_path_buf(), None)
        } else {
            let copy = support::temp_dir();
            std::fs::set_permissions(copy.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            let binary = copy.path().join("infralint");
            std::fs::copy(original, &binary).unwrap();
            std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
            (binary, Some(copy))
        };
        let u = Unprivileged::Setpriv {
            setpriv,
            binary,
            _copy: copy,
        };
        let out = u.run(&["rules"], dir);
        if out.status.code() != Some(0) {
            return Err(format!(
                "the binary does not run as nobody: {:?} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(u)
    }

    fn run(&self, args: &[&str], dir: &Path) -> Output {
        match self {
            Unprivileged::Direct => infralint(args, dir),
            Unprivileged::Setpriv {
                setpriv, binary, ..
            } => Command::new(setpriv)
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(binary)
                .args(args)
                .current_dir(dir)
                .env("NO_COLOR", "1")
                .output()
                .expect("setpriv runs"),
        }
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_reported_and_the_rest_is_linted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch(&[("ok/eip.tf", UNATTACHED), ("locked/secret.tf", UNATTACHED)]);
    let Some(unprivileged) = Unprivileged::for_dir(dir.path()) else {
        return;
    };
    let set_mode = |p: &str, mode: u32| {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(mode)).unwrap()
    };
    for (p, mode) in [("ok", 0o755), ("locked", 0o755), ("ok/eip.tf", 0o644)] {
        set_mode(p, mode);
    }
    set_mode("locked/secret.tf", 0o000);
    std::fs::create_dir(dir.path().join("sealed")).unwrap();
    set_mode("sealed", 0o000);
    let out = unprivileged.run(&["check", "--format", "json", "."], dir.path());
    let human = unprivileged.run(&["check", "."], dir.path());
    // Empty and searchable again, so the scratch directory can be removed whoever we are.
    set_mode("sealed", 0o755);

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let json = json_of(&out);
    let errors: Vec<(&str, &str)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["file"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("locked/secret.tf", "cannot read file: permission denied"),
            ("sealed", "cannot read directory: permission denied"),
        ]
    );
    let findings: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(findings, vec![("ok/eip.tf", "eip-unattached")]);

    assert_eq!(human.status.code(), Some(2));
    let text = stdout(&human);
    assert!(
        text.contains("locked/secret.tf: cannot read file: permission denied"),
        "{text}"
    );
    assert!(text.contains("[ok/eip.tf:1:1]"), "{text}");
    assert!(text.contains("2 paths could not be checked"), "{text}");
}

/// An unreadable file of a module may hold what associates an EIP, as a broken one may: the
/// module must stay silent the same way (see
/// `a_broken_file_is_reported_with_its_location_and_the_rest_is_still_linted`).
#[cfg(unix)]
#[test]
fn an_unreadable_file_silences_its_module_like_a_broken_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch(&[
        ("infra/eip.tf", UNATTACHED),
        (
            "infra/assoc.tf",
            b"resource \"aws_eip_association\" \"a\" {\n  allocation_id = aws_eip.orphan.id\n  instance_id = \"i-0123\"\n}\n",
        ),
    ]);
    let Some(unprivileged) = Unprivileged::for_dir(dir.path()) else {
        return;
    };
    for (p, mode) in [
        ("infra", 0o755),
        ("infra/eip.tf", 0o644),
        ("infra/assoc.tf", 0o000),
    ] {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(mode))
            .unwrap();
    }
    let out = unprivileged.run(&["check", "--format", "json", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let json = json_of(&out);
    assert_eq!(json["errors"][0]["file"], "infra/assoc.tf");
    assert_eq!(json["findings"], serde_json::json!([]));
}

#[test]
fn account_backup_required_reports_volumes_without_any_policy_in_sight() {
    let tf: &[u8] = b"resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"us-east-1a\"\n  size              = 10\n}\n";
    let rule = "ebs-backup-uncovered";
    // No policy in the module: silent by default (backups may be managed elsewhere).
    let dir = scratch(&[("main.tf", tf)]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    assert!(only(&json_of(&out), rule)["findings"]
        .as_array()
        .unwrap()
        .is_empty());
    // The account says backups must be declared: the volume is reported.
    let dir = scratch(&[
        ("main.tf", tf),
        (".infralint.toml", b"[account]\nbackup = \"required\"\n"),
    ]);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    let findings = only(&json_of(&out), rule)["findings"].clone();
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert_eq!(findings[0]["resource"], "aws_ebs_volume.data");
    assert!(findings[0]["message"]
        .as_str()
        .unwrap()
        .contains("[account] backup = \"required\""));
    // A value the table does not accept is an error naming the file and line.
    let dir = scratch(&[
        ("main.tf", tf),
        (".infralint.toml", b"\n[account]\nbackup = \"sometimes\"\n"),
    ]);
    let out = infralint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".infralint.toml:3: `backup` in [account]"),
        "{err}"
    );
}
