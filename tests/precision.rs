//! Value resolution end to end: each precision fixture, with the options its header names,
//! produces exactly the findings a careful reviewer expects (as `(rule, resource)` pairs).

use std::collections::BTreeMap;
use std::path::Path;

use infralint::engine::{check, CheckOptions};

/// These fixtures check value resolution through the rules that read resolved values (the
/// five core rules and ebs-invalid-config); the other rules have their own fixtures.
const RESOLUTION_RULES: &[&str] = &[
    "eip-unattached",
    "eip-excessive-remaps",
    "ebs-io1-to-io2",
    "ebs-gp2-iops-ceiling",
    "ami-stale",
    "ebs-invalid-config",
];

fn findings(path: &str, configure: impl FnOnce(&mut CheckOptions)) -> Vec<(String, String)> {
    let mut options = CheckOptions {
        paths: vec![Path::new(path).to_path_buf()],
        ..CheckOptions::default()
    };
    configure(&mut options);
    let result = check(&options).expect("check runs");
    assert!(result.errors.is_empty(), "{path}: {:?}", result.errors);
    let mut out: Vec<(String, String)> = result
        .findings
        .iter()
        .filter(|f| RESOLUTION_RULES.contains(&f.rule))
        .map(|f| (f.rule.to_string(), f.resource.clone()))
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(r, a)| (r.to_string(), a.to_string()))
        .collect();
    v.sort();
    v
}

fn params(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const CFN: &str = "fixtures/precision/cloudformation";

#[test]
fn cfn_allowed_values_fire_only_when_every_value_is_bad() {
    let path = format!("{CFN}/allowed-values.yaml");
    assert_eq!(
        findings(&path, |_| {}),
        pairs(&[
            ("ebs-gp2-iops-ceiling", "ExportVolume"),
            ("ebs-io1-to-io2", "LedgerVolume")
        ])
    );
    assert_eq!(
        findings(&path, |o| o.cfn_parameters =
            params(&[("JournalVolumeType", "io1")])),
        pairs(&[
            ("ebs-gp2-iops-ceiling", "ExportVolume"),
            ("ebs-io1-to-io2", "JournalVolume"),
            ("ebs-io1-to-io2", "LedgerVolume")
        ])
    );
}

#[test]
fn cfn_conditions_decide_what_is_created() {
    let path = format!("{CFN}/conditions.yaml");
    assert_eq!(
        findings(&path, |_| {}),
        pairs(&[
            ("ebs-invalid-config", "DrReplicaVolume"),
            ("ebs-io1-to-io2", "DrReplicaVolume"),
            ("ebs-io1-to-io2", "ProdDataVolume"),
            ("eip-excessive-remaps", "WebIp"),
        ])
    );
    assert_eq!(
        findings(&path, |o| o.cfn_parameters =
            params(&[("Environment", "staging")])),
        pairs(&[
            ("ebs-gp2-iops-ceiling", "StagingDataVolume"),
            ("eip-unattached", "StagingIp"),
        ])
    );
}

#[test]
fn cfn_find_in_map_needs_the_region() {
    let path = format!("{CFN}/find-in-map.yaml");
    // Without a region, every entry of the map is a candidate: a pinned id in each region is
    // a pinned image wherever the stack is deployed.
    assert_eq!(
        findings(&path, |_| {}),
        pairs(&[
            ("ami-stale", "TileServer"),
            ("ebs-gp2-iops-ceiling", "TileLogVolume"),
            ("ebs-io1-to-io2", "TileIndexVolume")
        ])
    );
    assert_eq!(
        findings(&path, |o| o.deploy_region = Some("eu-west-1".into())),
        pairs(&[
            ("ami-stale", "TileServer"),
            ("ebs-gp2-iops-ceiling", "TileLogVolume"),
            ("ebs-io1-to-io2", "TileCacheVolume"),
            ("ebs-io1-to-io2", "TileIndexVolume"),
        ])
    );
}

#[test]
fn cfn_parameter_files_override_defaults() {
    let load = |file: &str| {
        infralint::parse::cloudformation::params::parse_parameter_file(
            &std::fs::read_to_string(format!("{CFN}/{file}")).unwrap(),
        )
        .unwrap()
    };
    let path = format!("{CFN}/parameter-file.yaml");
    assert!(findings(&path, |_| {}).is_empty());
    assert_eq!(
        findings(&path, |o| o.cfn_parameters =
            load("parameter-file.params.json")),
        pairs(&[("ebs-io1-to-io2", "OrdersDataVolume")])
    );
    let path = format!("{CFN}/parameter-file-pipeline.json");
    assert!(findings(&path, |_| {}).is_empty());
    assert_eq!(
        findings(&path, |o| o.cfn_parameters =
            load("parameter-file-pipeline.params.json")),
        pairs(&[
            ("ebs-gp2-iops-ceiling", "BuildAgentTemplate"),
            ("ebs-gp2-iops-ceiling", "ScratchVolume")
        ])
    );
}

#[test]
fn cfn_if_sub_join_select_split() {
    assert_eq!(
        findings(&format!("{CFN}/if-branches.json"), |_| {}),
        pairs(&[
            ("ebs-io1-to-io2", "BufferVolume"),
            ("ebs-io1-to-io2", "IndexVolume"),
            ("ebs-io1-to-io2", "QueueHost"),
        ])
    );
    assert_eq!(
        findings(&format!("{CFN}/sub-join-select-split.json"), |_| {}),
        pairs(&[
            ("ami-stale", "Ingest"),
            ("ebs-gp2-iops-ceiling", "SchedulerState"),
            ("ebs-invalid-config", "WorkerScratch"),
            ("ebs-io1-to-io2", "IngestSpool"),
            ("ebs-io1-to-io2", "WorkerScratch"),
        ])
    );
}

/// `fixtures/precision/terraform/<case>/`: the `# expect: <rule> <address>` lines of the case's
/// `.tf` files are exactly the findings of `infralint check <args> .` run in the case
/// directory (a multiset of rule and resource); `# args:` gives the arguments.
#[test]
fn terraform_precision_fixtures_match_their_expectations() {
    precision_cases("fixtures/precision/terraform", 10);
}

/// `fixtures/precision/terraform-modules/<case>/`: the same, for root modules calling local
/// modules (in the case's `modules/` directory); `# expect-error: <text>` lines name the errors
/// the run must report (each error contains one of the texts, and each text is in an error).
#[test]
fn terraform_module_precision_fixtures_match_their_expectations() {
    precision_cases("fixtures/precision/terraform-modules", 8);
}

fn precision_cases(dir: &str, at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= at_least, "expected the precision cases");
    for case in cases {
        let mut expected_errors: Vec<String> = Vec::new();
        let mut expected: Vec<(String, String)> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        let mut stack = vec![case.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("tf") {
                    continue;
                }
                for line in std::fs::read_to_string(&path).unwrap().lines() {
                    let line = line.trim_start_matches('#').trim();
                    if let Some(rest) = line.strip_prefix("expect:") {
                        let mut words = rest.split_whitespace();
                        if let (Some(rule), Some(address)) = (words.next(), words.next()) {
                            expected.push((rule.to_string(), address.to_string()));
                        }
                    } else if let Some(rest) = line.strip_prefix("args:") {
                        args = rest.split_whitespace().map(str::to_string).collect();
                    } else if let Some(rest) = line.strip_prefix("expect-error:") {
                        expected_errors.push(rest.trim().to_string());
                    }
                }
            }
        }
        expected.sort();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_infralint"))
            .args(["check", "--format", "json"])
            .args(&args)
            .arg(".")
            .current_dir(&case)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let errors: Vec<&str> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap())
            .collect();
        assert!(
            errors
                .iter()
                .all(|e| expected_errors.iter().any(|x| e.contains(x.as_str())))
                && expected_errors
                    .iter()
                    .all(|x| errors.iter().any(|e| e.contains(x.as_str()))),
            "{}: errors {:?}, expected {:?}",
            case.display(),
            errors,
            expected_errors
        );
        let mut got: Vec<(String, String)> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| RESOLUTION_RULES.iter().any(|r| f["rule"] == *r))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["resource"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, expected, "{}", case.display());
    }
}
