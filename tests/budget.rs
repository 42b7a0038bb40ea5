//! The evaluation budget end to end: small Terraform inputs that ran for minutes or asked for
//! gigabytes (and aborted under a memory limit) finish, under a memory limit, with the values
//! past the budget unknown and a warning that says so; the run does not fail for it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A throwaway directory under the target dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, main_tf: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("budget-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.tf"), main_tf).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `infralint check --format json .` in `dir`, with at most 2 GB of address space (and, so
/// that a regression fails instead of hanging the suite, 300 s of CPU).
fn check_limited(dir: &Path) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000 && ulimit -t 300 && exec \"$0\" check --format json .")
        .arg(env!("CARGO_BIN_EXE_infralint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs")
}

const VOLUME: &str = r#"
resource "aws_ebs_volume" "v" {
  availability_zone = "us-east-1a"
  size              = 100
  type              = length(local.b) > 0 ? "gp2" : "gp3"
}
"#;

/// `local.a`: one megabyte.
const MEGABYTE: &str = r#"
  a = join("", [for i in range(10000) : "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"])
"#;

fn issue_example(name: &str, locals: &str) -> (Output, String) {
    let dir = Scratch::new(name, &format!("locals {{\n{locals}\n}}\n{VOLUME}"));
    let out = check_limited(&dir.0);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

#[test]
#[cfg(target_os = "linux")]
fn the_issue_examples_finish_under_a_memory_limit_with_a_warning() {
    let examples = [
        // 10^9 template renders: ran for minutes.
        (
            "template-for",
            "  b = \"%{ for i in range(1000) }%{ for j in range(1000) }%{ for k in range(1000) }x%{ endfor }%{ endfor }%{ endfor }\"".to_string(),
            "budget",
        ),
        // 10 GB asked for at once: aborted (exit 134).
        (
            "join",
            format!("{MEGABYTE}  b = join(local.a, range(10000))"),
            "too large",
        ),
        // 2 GB built: aborted under the limit.
        (
            "replace",
            format!("{MEGABYTE}  b = replace(local.a, \"x\", local.a)"),
            "too large",
        ),
        // 10,000 copies of a megabyte: aborted under the limit.
        (
            "for-copies",
            format!("{MEGABYTE}  b = [for i in range(10000) : \"${{local.a}}\"]"),
            "budget",
        ),
    ];
    for (name, locals, limit) in examples {
        let (out, stderr) = issue_example(name, &locals);
        // Findings (the volume is unencrypted and unattached), no run error: exit 1.
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(json["errors"].as_array().map(Vec::len), Some(0), "{name}");
        // The volume's type is unknown (it depends on `local.b`): no rule about gp2 fires.
        let rules: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert!(
            !rules.iter().any(|r| r.contains("gp2")),
            "{name}: {rules:?}"
        );
        let warning = stderr
            .lines()
            .find(|l| l.starts_with("warning: "))
            .unwrap_or_else(|| panic!("{name}: no warning in {stderr}"));
        assert!(warning.contains("main.tf:"), "{name}: {warning}");
        assert!(warning.contains(limit), "{name}: {warning}");
        assert!(
            warning.contains("resource \"aws_ebs_volume\" \"v\""),
            "{name}: {warning}"
        );
        assert!(warning.contains("may be missing"), "{name}: {warning}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_module_past_its_budget_is_incomplete_and_other_modules_are_not() {
    // The same lone EIP in two root modules: reported where the evaluation completed; where it
    // ran out, an association may be among the values left unknown.
    let eip = "resource \"aws_eip\" \"lonely\" {\n  domain = \"vpc\"\n}\n";
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("budget-two-roots");
    let _ = std::fs::remove_dir_all(&root);
    for (sub, extra) in [
        ("fine", String::new()),
        (
            "spent",
            "locals {\n  b = [for i in range(1000) : [for j in range(1000) : [for k in range(10) : k]]]\n}\n"
                .to_string(),
        ),
    ] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        std::fs::write(root.join(sub).join("main.tf"), format!("{eip}{extra}{VOLUME}")).unwrap();
    }
    let out = check_limited(&root);
    let _ = std::fs::remove_dir_all(&root);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let unattached: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "eip-unattached")
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(unattached, vec!["fine/main.tf"], "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("spent/main.tf:"), "{stderr}");
    assert!(warnings[0].contains("module `spent`"), "{stderr}");
}
