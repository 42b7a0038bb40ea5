//! Issue #17: a suppression on a `module "x"` block covers the findings of that call's
//! instances (and of the modules they call), for the root it is reached from only; the same
//! module called elsewhere keeps its findings. Through the binary, on scratch trees.

mod support;
use support::scratch_text as scratch;

use std::path::Path;

/// A module making one magnetic volume (`ebs-magnetic` fires on it).
const DISK: &str = "variable \"type\" {}\nresource \"aws_ebs_volume\" \"this\" {\n  availability_zone = \"us-east-1a\"\n  size              = 100\n  type              = var.type\n}\n";

/// `(rule, resource, roots)` of each finding, and the same of each suppressed one.
type Found = Vec<(String, String, Vec<String>)>;

/// Runs `check --format json --show-suppressed` with only `ebs-magnetic` and the suppression
/// rules on.
fn check(dir: &Path, paths: &[&str]) -> (Found, Found, serde_json::Value) {
    let args: Vec<&str> = [
        "check",
        "--format",
        "json",
        "--show-suppressed",
        "--severity",
        "ebs-unencrypted=off",
        "--severity",
        "ebs-volume-unattached=off",
    ]
    .iter()
    .chain(paths)
    .copied()
    .collect();
    let out = support::infralint(&args, dir);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON output ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let list = |key: &str| -> Found {
        json[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        (
                            f["rule"].as_str().unwrap_or("").to_string(),
                            f["resource"].as_str().unwrap_or("").to_string(),
                            f["roots"]
                                .as_array()
                                .map(|r| {
                                    r.iter()
                                        .map(|v| v.as_str().unwrap_or("").to_string())
                                        .collect()
                                })
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    (list("findings"), list("suppressed"), json)
}

fn found(rule: &str, resource: &str, roots: &[&str]) -> (String, String, Vec<String>) {
    (
        rule.to_string(),
        resource.to_string(),
        roots.iter().map(|r| r.to_string()).collect(),
    )
}

#[test]
fn one_call_of_a_module_suppressed_leaves_the_other_call_reported() {
    let dir = scratch(&[
        ("modules/disk/main.tf", DISK),
        (
            "root/main.tf",
            "# infralint:ignore[ebs-magnetic] scratch disk, replaced next quarter\nmodule \"a\" {\n  source = \"../modules/disk\"\n  type   = \"standard\"\n}\n\nmodule \"b\" {\n  source = \"../modules/disk\"\n  type   = \"standard\"\n}\n",
        ),
    ]);
    let (findings, suppressed, json) = check(dir.path(), &["root"]);
    assert_eq!(
        findings,
        [found(
            "ebs-magnetic",
            "module.b.aws_ebs_volume.this",
            &["root"]
        )]
    );
    assert_eq!(
        suppressed,
        [found(
            "ebs-magnetic",
            "module.a.aws_ebs_volume.this",
            &["root"]
        )]
    );
    assert_eq!(
        json["suppressed"][0]["suppressed_because"],
        "scratch disk, replaced next quarter"
    );
    assert_eq!(json["summary"]["suppressed"], 1);
}

/// Every instance of a `count` call, a trailing comment on the header line, and a call whose
/// name only starts with the suppressed one's (`ab`) is not covered.
#[test]
fn every_instance_of_the_call_and_only_that_call() {
    let dir = scratch(&[
        ("modules/disk/main.tf", DISK),
        (
            "root/main.tf",
            "module \"a\" { # infralint:ignore[ebs-magnetic] two scratch disks\n  count  = 2\n  source = \"../modules/disk\"\n  type   = \"standard\"\n}\n\nmodule \"ab\" {\n  source = \"../modules/disk\"\n  type   = \"standard\"\n}\n",
        ),
    ]);
    let (findings, suppressed, _) = check(dir.path(), &["root"]);
    assert_eq!(
        findings,
        [found(
            "ebs-magnetic",
            "module.ab.aws_ebs_volume.this",
            &["root"]
        )]
    );
    let mut resources: Vec<&str> = suppressed.iter().map(|f| f.1.as_str()).collect();
    resources.sort();
    assert_eq!(
        resources,
        [
            "module.a[0].aws_ebs_volume.this",
            "module.a[1].aws_ebs_volume.this"
        ]
    );
}

/// Two roots call one module that calls the disk: the suppression in `stage` covers the
/// finding for `stage` only; `prod` still reports it, named as its root.
#[test]
fn a_caller_in_one_root_does_not_silence_another_root() {
    let dir = scratch(&[
        ("modules/disk/main.tf", DISK),
        (
            "modules/app/main.tf",
            "module \"disk\" {\n  source = \"../disk\"\n  type   = \"standard\"\n}\n",
        ),
        (
            "stage/main.tf",
            "# infralint:ignore[ebs-magnetic] stage only, accepted\nmodule \"app\" {\n  source = \"../modules/app\"\n}\n",
        ),
        (
            "prod/main.tf",
            "module \"app\" {\n  source = \"../modules/app\"\n}\n",
        ),
    ]);
    let address = "module.app.module.disk.aws_ebs_volume.this";
    let (findings, suppressed, _) = check(dir.path(), &["stage", "prod"]);
    assert_eq!(findings, [found("ebs-magnetic", address, &["prod"])]);
    assert_eq!(suppressed, [found("ebs-magnetic", address, &["stage"])]);
}

/// A suppression on a nested call (in the shared module's file) covers it for every root.
#[test]
fn a_suppression_on_a_nested_call_covers_it_wherever_the_module_is_called() {
    let dir = scratch(&[
        ("modules/disk/main.tf", DISK),
        (
            "modules/app/main.tf",
            "// infralint:ignore[ebs-magnetic] the app's cache disk\nmodule \"disk\" {\n  source = \"../disk\"\n  type   = \"standard\"\n}\n",
        ),
        ("stage/main.tf", "module \"app\" {\n  source = \"../modules/app\"\n}\n"),
        ("prod/main.tf", "module \"app\" {\n  source = \"../modules/app\"\n}\n"),
    ]);
    let (findings, suppressed, _) = check(dir.path(), &["stage", "prod", "modules"]);
    assert_eq!(findings, []);
    assert_eq!(
        suppressed,
        [found(
            "ebs-magnetic",
            "module.app.module.disk.aws_ebs_volume.this",
            &["prod", "stage"]
        )]
    );
}

/// A module-call suppression whose rule fires in no instance of that call (only in another
/// call's) is unused.
#[test]
fn a_module_call_suppression_that_matches_nothing_is_unused() {
    let dir = scratch(&[
        ("modules/disk/main.tf", DISK),
        (
            "root/main.tf",
            "# infralint:ignore[ebs-magnetic] gp3 already\nmodule \"a\" {\n  source = \"../modules/disk\"\n  type   = \"gp3\"\n}\n\nmodule \"b\" {\n  source = \"../modules/disk\"\n  type   = \"standard\"\n}\n",
        ),
    ]);
    let (findings, suppressed, _) = check(dir.path(), &["root"]);
    let rules: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.0.as_str(), f.1.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("ebs-magnetic", "module.b.aws_ebs_volume.this"),
            ("unused-suppression", "")
        ]
    );
    assert_eq!(suppressed, []);
}
