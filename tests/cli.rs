//! The binary end to end: exit codes, formats, bad input.

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

fn scratch(files: &[(&str, &[u8])]) -> tempdir::TempDir {
    let dir = tempdir::TempDir::new();
    for (name, content) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// A throwaway directory under the target dir, removed on drop.
mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new() -> TempDir {
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "infralint-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

const UNATTACHED: &[u8] = b"resource \"aws_eip\" \"orphan\" {\n  domain = \"vpc\"\n}\n";

#[test]
fn clean_input_exits_0() {
    let dir = scratch(&[(
        "main.tf",
        b"resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"us-east-1a\"\n  type = \"gp3\"\n  size = 10\n}\n",
    )]);
    let out = infralint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Checked 1 file (1 resource): 0 errors, 0 warnings, 0 info."));
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
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(1), Some(1)));
    assert_eq!((f["end_line"].as_u64(), f["end_column"].as_u64()), (Some(1), Some(28)));
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
        ("a/broken.tf", b"resource \"aws_eip\" \"x\" {\n  domain = \n}\n"),
        ("b/eip.tf", UNATTACHED),
        ("c/bad.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n"),
        ("d/binary.tf", b"\x00\x01\x02\xff\xfe"),
        ("e/empty.tf", b""),
        ("f/dup.yaml", b"Resources:\n  Ip:\n    Type: AWS::EC2::EIP\n  Ip:\n    Type: AWS::EC2::EIP\n"),
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
    assert!(dup.as_str().unwrap().contains("duplicate key `Ip`"), "{dup}");
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
        ("a/broken.tf", b"resource \"aws_eip\" \"x\" {\n  domain = \n}\n"),
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
        infralint(&["check", "--format", "yaml"], dir.path()).status.code(),
        Some(2)
    );
    assert_eq!(infralint(&["frobnicate"], dir.path()).status.code(), Some(2));
}

#[test]
fn other_yaml_and_json_is_skipped_silently() {
    let dir = scratch(&[
        ("k8s.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"),
        ("package.json", b"{\"name\": \"x\", \"version\": \"1.0.0\"}"),
        ("ci.yml", b"on: [push]\njobs: {build: {runs-on: ubuntu-latest}}\n"),
        ("mentions.yaml", b"# Resources of type AWS::EC2::EIP are documented elsewhere\nfoo: bar\n"),
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
    let deep_hcl = format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(100_000), "]".repeat(100_000));
    let mut bom_crlf = b"\xef\xbb\xbf".to_vec();
    bom_crlf.extend_from_slice(b"resource \"aws_eip\" \"orphan\" {\r\n  domain = \"vpc\"\r\n}\r\n");
    let dir = scratch(&[
        ("bomb.yaml", &bomb),
        ("deep.yaml", deep_yaml.as_bytes()),
        ("deep/main.tf", deep_hcl.as_bytes()),
        ("utf8/bad.tf", b"resource \"aws_eip\" \"x\" {\n  domain = \"\xff\"\n}\n"),
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
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(1), Some(1)));
}
