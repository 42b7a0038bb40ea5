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
