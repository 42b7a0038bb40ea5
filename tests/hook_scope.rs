//! What a run that names files (as pre-commit does) reports: every finding whose primary or
//! related location is in a named file.

use std::process::Command;

#[test]
fn a_named_tfvars_file_reports_the_findings_it_causes() {
    let dir = tempfile::tempdir().unwrap();
    let infra = dir.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    std::fs::write(
        infra.join("main.tf"),
        r#"variable "db_volume_type" {
  type    = string
  default = "gp3"
}

resource "aws_ebs_volume" "db" {
  availability_zone = "us-east-1a"
  size              = 1000
  type              = var.db_volume_type
  iops              = 40000
}
"#,
    )
    .unwrap();
    std::fs::write(infra.join("terraform.tfvars"), "db_volume_type = \"io1\"\n").unwrap();
    let run = |files: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
            .args(["check", "--format", "compact", "--fail-on", "warning"])
            .args(files)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // Only the tfvars file is staged: the io1 finding is located in main.tf, its value set in
    // terraform.tfvars (a related location).
    let (code, out) = run(&["infra/terraform.tfvars"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("infra/main.tf:9:23: warning[ebs-io1-to-io2]"),
        "{out}"
    );
    // A finding with no location in the named file stays out: the unattached volume is
    // located in main.tf only.
    assert!(!out.contains("ebs-volume-unattached"), "{out}");
    let (_, all) = run(&["infra"]);
    assert!(all.contains("ebs-volume-unattached"), "{all}");
}

#[test]
fn a_baseline_written_from_the_root_hides_the_finding_when_the_module_file_is_named_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The configuration's directory is where fingerprint paths start (outside git).
    std::fs::write(root.join(".infralint.toml"), "").unwrap();
    std::fs::create_dir_all(root.join("env/prod")).unwrap();
    std::fs::create_dir_all(root.join("modules/bastion")).unwrap();
    std::fs::write(
        root.join("env/prod/main.tf"),
        "module \"bastion\" {\n  source = \"../../modules/bastion\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("modules/bastion/main.tf"),
        "resource \"aws_eip\" \"this\" {\n  domain = \"vpc\"\n}\n",
    )
    .unwrap();
    let run = |cwd: &str, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
            .args(args)
            .current_dir(root.join(cwd))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // From the root, through the caller: `module.bastion.aws_eip.this`.
    let (code, out) = run(".", &["check", "--format", "compact", "env/prod"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("modules/bastion/main.tf:1:1: warning[eip-unattached]"),
        "{out}"
    );
    let (code, _) = run(".", &["baseline", "env/prod", "--output", "base.json"]);
    assert_eq!(code, Some(0));
    // What pre-commit does: the module file alone (`aws_eip.this`), from the root and from
    // the module's directory. Baselined either way.
    let (code, out) = run(
        ".",
        &[
            "check",
            "--baseline",
            "base.json",
            "modules/bastion/main.tf",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("1 in the baseline"), "{out}");
    let (code, out) = run(
        "modules/bastion",
        &["check", "--baseline", "../../base.json", "main.tf"],
    );
    assert_eq!(code, Some(0), "{out}");
    // A second EIP is still new.
    std::fs::write(
        root.join("modules/bastion/more.tf"),
        "resource \"aws_eip\" \"more\" {\n  domain = \"vpc\"\n}\n",
    )
    .unwrap();
    let (code, out) = run(
        ".",
        &[
            "check",
            "--format",
            "compact",
            "--baseline",
            "base.json",
            "modules/bastion/main.tf",
            "modules/bastion/more.tf",
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("aws_eip.more"), "{out}");
    assert!(!out.contains("aws_eip.this"), "{out}");
}
