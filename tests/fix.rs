//! `check --fix`, `--unsafe-fixes` and `--diff` end to end, through the binary, on copies of
//! the fixture pairs in `tests/data/fix/<case>/{before,after}`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn infralint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(args)
        .args(["--now", "2026-12-01", "--color", "never"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn data(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fix")
        .join(case)
}

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A temporary copy of `case`'s `before/` (under `sub` when given).
fn copy_before(case: &str, into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    for (rel, bytes) in files(&data(case).join("before")) {
        let path = into.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn assert_same_files(actual: &Path, expected: &Path) {
    let actual = files(actual);
    let expected = files(expected);
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "the same files, no temporary file left"
    );
    for (name, bytes) in &expected {
        assert_eq!(
            String::from_utf8_lossy(&actual[name]),
            String::from_utf8_lossy(bytes),
            "{name}"
        );
    }
}

/// (rule, resource) of every `fixed:` line of a `--fix` run's standard error.
fn fixed(o: &Output) -> Vec<(String, String)> {
    stderr(o)
        .lines()
        .filter_map(|l| l.strip_prefix("fixed: "))
        .map(|l| {
            let mut parts = l.splitn(3, ": ");
            let _location = parts.next().unwrap();
            let what = parts.next().unwrap();
            let (rule, resource) = what.split_once(' ').unwrap();
            (rule.to_string(), resource.trim_matches('`').to_string())
        })
        .collect()
}

/// (rule, resource) of every finding the JSON report lists.
fn findings(dir: &Path, extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["check", "--format", "json", "."];
    args.extend_from_slice(extra);
    let o = infralint(&args, dir);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Fixes a copy of `case` with `flags` and checks: the exact bytes of `after/`, the fixed
/// findings gone from a new run and every other finding still there, and a second `--fix`
/// that changes nothing.
fn check_case(case: &str, flags: &[&str], expected_fixed: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_before(case, dir.path());
    let before = findings(dir.path(), &[]);
    let mut args = vec!["check", "--fix", "--format", "compact", "."];
    args.extend_from_slice(flags);
    let first = infralint(&args, dir.path());
    assert_same_files(dir.path(), &data(case).join("after"));
    let done = fixed(&first);
    assert_eq!(done.len(), expected_fixed, "{}", stderr(&first));
    let mut after = findings(dir.path(), &[]);
    after.sort();
    let mut expected = before.clone();
    expected.sort();
    for f in &done {
        let at = expected.iter().position(|e| e == f).unwrap();
        expected.remove(at);
    }
    assert_eq!(after, expected, "exactly the fixed findings are gone");
    // The exit code comes from what remains: the compact report lists it.
    for (rule, resource) in &after {
        assert!(
            stdout(&first).contains(&format!("[{rule}]")) && stdout(&first).contains(resource),
            "{rule} {resource} reported after fixing: {}",
            stdout(&first)
        );
    }
    let second = infralint(&args, dir.path());
    assert_same_files(dir.path(), &data(case).join("after"));
    assert!(fixed(&second).is_empty(), "{}", stderr(&second));
    assert!(stderr(&second).contains("fixed 0 findings in 0 files"));
    dir
}

#[test]
fn terraform_safe_fixes_keep_comments_alignment_and_other_files() {
    let dir = check_case("terraform", &[], 6);
    let o = infralint(&["check", "--fix", "."], dir.path());
    let err = stderr(&o);
    assert!(
        err.contains("ebs-gp2-iops-ceiling `aws_ebs_volume.scratch`: the value comes from variable `disk_type`"),
        "{err}"
    );
    assert!(
        err.contains("7 unsafe fixes available with --unsafe-fixes"),
        "{err}"
    );
}

#[test]
fn cloudformation_yaml_keeps_tags_quotes_and_comments() {
    let dir = check_case("cloudformation-yaml", &[], 3);
    let o = infralint(&["check", "--fix", "."], dir.path());
    assert!(
        stderr(&o).contains("`Scratch`: the value comes from parameter `DiskType`"),
        "{}",
        stderr(&o)
    );
    // A value from a mapping entry is not edited either (the entry may serve other resources).
    assert!(
        stderr(&o).contains("`Archive`: the value comes from mapping `Tier.Disk.Type`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cloudformation_json_stays_json_and_the_exit_code_is_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    copy_before("cloudformation-json", dir.path());
    let quiet = ["--severity", "ebs-volume-unattached=off"];
    let o = infralint(&["check", ".", quiet[0], quiet[1]], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = infralint(&["check", "--fix", ".", quiet[0], quiet[1]], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_same_files(dir.path(), &data("cloudformation-json").join("after"));
    let text = std::fs::read_to_string(dir.path().join("stack.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
    check_case("cloudformation-json", &[], 2);
}

#[test]
fn terraform_json_gets_iops_and_throughput() {
    let dir = check_case("terraform-json", &[], 2);
    let text = std::fs::read_to_string(dir.path().join("main.tf.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    copy_before("unsafe", dir.path());
    let o = infralint(&["check", "--fix", "."], dir.path());
    assert_same_files(dir.path(), &data("unsafe").join("before"));
    assert!(
        stderr(&o).contains("8 unsafe fixes available with --unsafe-fixes"),
        "{}",
        stderr(&o)
    );
    let dir = check_case("unsafe", &["--unsafe-fixes"], 8);
    let o = infralint(&["check", "--fix", "--unsafe-fixes", "."], dir.path());
    assert!(
        stderr(&o).contains(
            "eip-classic `aws_eip.older`: `false` is not written as the literal `standard`"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unsafe_cloudformation_fixes_and_a_skipped_one() {
    let dir = check_case("unsafe-cloudformation", &["--unsafe-fixes"], 5);
    let o = infralint(&["check", "--fix", "--unsafe-fixes", "."], dir.path());
    assert!(
        stderr(&o).contains("ebs-gp2-iops-ceiling `Template`: the size is unknown"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diff_writes_nothing_and_exits_1_when_there_is_something_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    copy_before("cloudformation-json", dir.path());
    let o = infralint(&["check", "--diff", "."], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_same_files(dir.path(), &data("cloudformation-json").join("before"));
    assert_eq!(
        stdout(&o),
        r#"--- a/stack.json
+++ b/stack.json
@@ -6,13 +6,14 @@
             "Properties": {
                 "AvailabilityZone": "us-east-1a",
                 "Size": 400,
-                "VolumeType": "gp2",
+                "VolumeType": "gp3",
+                "Throughput": 250,
                 "Encrypted": true
             }
         },
         "Journal": {
             "Type": "AWS::EC2::Volume",
-            "Properties": {"AvailabilityZone": "us-east-1a", "Size": 100, "Iops": 5000, "Encrypted": true, "VolumeType": "io1"}
+            "Properties": {"AvailabilityZone": "us-east-1a", "Size": 100, "Iops": 5000, "Encrypted": true, "VolumeType": "io2"}
         }
     }
 }
"#
    );
    // Nothing left to fix: an empty diff and 0.
    infralint(&["check", "--fix", "."], dir.path());
    let o = infralint(&["check", "--diff", "."], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn a_read_only_file_is_a_located_error_and_the_rest_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    copy_before("terraform", &dir.path().join("tf"));
    copy_before("cloudformation-yaml", &dir.path().join("cfn"));
    let locked = dir.path().join("tf/main.tf");
    let mut perms = std::fs::metadata(&locked).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&locked, perms).unwrap();
    let o = infralint(&["check", "--fix", "."], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error: tf/main.tf: the file is read-only: not fixed"),
        "{}",
        stderr(&o)
    );
    assert_same_files(&dir.path().join("tf"), &data("terraform").join("before"));
    assert_same_files(
        &dir.path().join("cfn"),
        &data("cloudformation-yaml").join("after"),
    );
}

#[test]
fn an_unparseable_file_is_a_located_error_and_the_rest_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    copy_before("cloudformation-yaml", &dir.path().join("cfn"));
    let broken = "resource \"aws_ebs_volume\" \"x\" {\n  type = \"gp2\"\n";
    std::fs::create_dir_all(dir.path().join("broken")).unwrap();
    std::fs::write(dir.path().join("broken/main.tf"), broken).unwrap();
    let o = infralint(&["check", "--fix", "--format", "compact", "."], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("broken/main.tf:"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken/main.tf")).unwrap(),
        broken
    );
    assert_same_files(
        &dir.path().join("cfn"),
        &data("cloudformation-yaml").join("after"),
    );
}

#[test]
fn terraform_fmt_still_passes_after_fixing() {
    let fmt = Command::new("terraform").arg("version").output();
    if !fmt.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: terraform is not installed");
        return;
    }
    for case in ["terraform", "unsafe"] {
        let after = data(case).join("after");
        let o = Command::new("terraform")
            .args(["fmt", "-check", "-diff"])
            .current_dir(&after)
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .unwrap();
        assert!(o.status.success(), "{case}: {}", stdout(&o));
    }
}

/// Each rule declares the safeties of its fixes (`Rule::fixes`), its doc says the same under
/// "### With `--fix`", and every fix found on the fixture pairs and on `fixtures/` has a
/// declared safety.
#[test]
fn rules_declare_their_fixes_in_code_and_doc() {
    use infralint::fix::Safety;
    for rule in infralint::rules::registry() {
        let declared = rule.fixes();
        if declared.is_empty() {
            continue;
        }
        let doc = rule.meta().doc;
        let at = doc
            .find("### With `--fix`")
            .unwrap_or_else(|| panic!("{}: no `--fix` section", rule.meta().id));
        let section = &doc[at..];
        let section = &section[..section[3..].find("\n#").map_or(section.len(), |i| i + 3)];
        for (safety, marker) in [(Safety::Safe, "**safe**"), (Safety::Unsafe, "**unsafe**")] {
            assert_eq!(
                declared.contains(&safety),
                section.contains(marker),
                "{}: {marker} in the doc and {:?} declared",
                rule.meta().id,
                declared
            );
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = infralint::engine::CheckOptions {
        paths: vec![root.join("tests/data/fix"), root.join("fixtures")],
        ..Default::default()
    };
    let result = infralint::engine::check(&options).unwrap();
    let mut seen = 0;
    for f in &result.findings {
        if let Some(fix) = &f.fix {
            seen += 1;
            let rule = infralint::rules::find(f.rule).unwrap();
            assert!(
                rule.fixes().contains(&fix.safety),
                "{} proposes an undeclared {:?} fix on {}",
                f.rule,
                fix.safety,
                f.resource
            );
        }
    }
    assert!(seen > 20, "{seen} fixes");
}

/// JSON says for each finding whether a fix exists, its safety and whether `--fix` can apply
/// it here; SARIF carries the applicable ones as `fixes[]` with their replacements, valid
/// against the SARIF 2.1.0 schema.
#[test]
fn json_and_sarif_describe_the_fixes() {
    let dir = tempfile::tempdir().unwrap();
    copy_before("terraform", dir.path());
    let o = infralint(&["check", "--format", "json", "."], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fix_of = |resource: &str, rule: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["resource"] == resource && f["rule"] == rule)
            .unwrap()["fix"]
            .clone()
    };
    assert_eq!(
        fix_of("aws_ebs_volume.journal", "ebs-io1-to-io2"),
        serde_json::json!({"safety": "safe", "description": "volume type io1 -> io2 (in place, through Elastic Volumes)", "applicable": true})
    );
    let skipped = fix_of("aws_ebs_volume.scratch", "ebs-gp2-iops-ceiling");
    assert_eq!(skipped["applicable"], false);
    assert!(skipped["skipped"]
        .as_str()
        .unwrap()
        .starts_with("the value comes from variable `disk_type`"));
    assert_eq!(
        fix_of("aws_ebs_volume.db", "ebs-unencrypted")["safety"],
        "unsafe"
    );
    assert!(fix_of("aws_ebs_volume.archive", "ebs-volume-unattached").is_null());

    let o = infralint(&["check", "--format", "sarif", "."], dir.path());
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::options().build(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let db = results
        .iter()
        .find(|r| {
            r["ruleId"] == "ebs-gp2-iops-ceiling"
                && r["properties"]["resource"] == "aws_ebs_volume.db"
        })
        .unwrap();
    let replacements = &db["fixes"][0]["artifactChanges"][0]["replacements"];
    assert_eq!(
        replacements,
        &serde_json::json!([
            {"deletedRegion": {"startLine": 6, "startColumn": 23, "endLine": 6, "endColumn": 28}, "insertedContent": {"text": "\"gp3\""}},
            {"deletedRegion": {"startLine": 6, "startColumn": 46, "endLine": 6, "endColumn": 46}, "insertedContent": {"text": "\n  throughput        = 250"}}
        ])
    );
    assert_eq!(db["fixes"][0]["properties"]["safety"], "safe");
    let scratch = results
        .iter()
        .find(|r| {
            r["ruleId"] == "ebs-gp2-iops-ceiling"
                && r["properties"]["resource"] == "aws_ebs_volume.scratch"
        })
        .unwrap();
    assert!(
        scratch.get("fixes").is_none(),
        "a fix --fix cannot apply is not offered"
    );
}

/// A module outside the checked paths may be called by other configurations: its literals are
/// not edited when only its caller is checked.
#[test]
fn a_module_outside_the_checked_paths_is_not_edited() {
    let dir = tempfile::tempdir().unwrap();
    let module = "resource \"aws_ebs_volume\" \"this\" {\n  availability_zone = \"us-east-1a\"\n  size              = 100\n  type              = \"io1\"\n  iops              = 3000\n  encrypted         = true\n}\n";
    std::fs::create_dir_all(dir.path().join("modules/disk")).unwrap();
    std::fs::write(dir.path().join("modules/disk/main.tf"), module).unwrap();
    std::fs::create_dir_all(dir.path().join("live")).unwrap();
    std::fs::write(
        dir.path().join("live/main.tf"),
        "module \"disk\" {\n  source = \"../modules/disk\"\n}\n",
    )
    .unwrap();
    let o = infralint(&["check", "--fix", "live"], dir.path());
    assert!(
        stderr(&o).contains("the file is outside the checked paths"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("modules/disk/main.tf")).unwrap(),
        module
    );
    // Checked from above, the module is inside: fixed.
    infralint(&["check", "--fix", "."], dir.path());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("modules/disk/main.tf")).unwrap(),
        module.replace("io1", "io2")
    );
}
