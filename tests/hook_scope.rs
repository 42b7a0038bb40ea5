//! What a run that names files (as pre-commit does) reports: every finding whose primary or
//! related location is in a named file. The other files of a named file's module, and the
//! modules it calls, are context: loaded so references resolve, not reported on their own.
//! A named directory reports everything under it and in the modules it calls.

use std::path::Path;
use std::process::Command;

/// Writes `files` (path, text) under `root`.
fn write_all(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// `infralint check --format compact ARGS` in `cwd`: the exit code and the finding lines
/// (`path:line:col: severity[rule] message`).
fn compact(cwd: &Path, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(["check", "--format", "compact", "--fail-on", "warning"])
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    (
        out.status.code(),
        stdout.lines().map(str::to_string).collect(),
    )
}

/// The `file: rule` of each finding line (the rest of a compact line is the message), sorted.
fn located_rules(lines: &[String]) -> Vec<String> {
    let mut located: Vec<String> = lines
        .iter()
        .map(|l| {
            let file = l.split(':').next().unwrap_or("");
            let rule = l
                .split_once('[')
                .and_then(|(_, r)| r.split_once(']'))
                .map_or("", |(r, _)| r);
            format!("{file}: {rule}")
        })
        .collect();
    located.sort();
    located
}

/// A root that calls two local modules, each with findings located in its own file only: an
/// io1 volume from the module's variable default (plus the volume's missing encryption), and
/// an unattached EIP.
const CALLER: &str = r#"module "disk" {
  source = "./modules/disk"
}

module "ip" {
  source = "./modules/ip"
}
"#;

const DISK: &str = r#"variable "volume_type" {
  type    = string
  default = "io1"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 500
  type              = var.volume_type
  iops              = 10000
}

resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = "i-0123456789abcdef0"
}
"#;

const IP: &str = "resource \"aws_eip\" \"idle\" {\n  domain = \"vpc\"\n}\n";

const OLD_DEBT: [&str; 3] = [
    "modules/disk/main.tf: ebs-io1-to-io2",
    "modules/disk/main.tf: ebs-unencrypted",
    "modules/ip/main.tf: eip-unattached",
];

#[test]
fn an_edit_in_a_caller_does_not_report_the_called_modules_old_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_all(
        root,
        &[
            ("main.tf", CALLER),
            ("modules/disk/main.tf", DISK),
            ("modules/ip/main.tf", IP),
        ],
    );
    // The whole repository: the modules' findings are the root's.
    let (code, all) = compact(root, &["."]);
    assert_eq!(code, Some(1), "{all:?}");
    assert_eq!(located_rules(&all), OLD_DEBT);
    // What pre-commit runs after a one-line edit of the caller: the caller alone. The
    // modules are loaded (their values and resources resolve) but their findings are located
    // elsewhere and nothing in main.tf causes them.
    let (code, named) = compact(root, &["main.tf"]);
    assert_eq!(code, Some(0), "{named:?}");
    assert!(named.is_empty(), "{named:?}");

    // An edit of the caller that passes io1 to the module: that finding (its value set in
    // main.tf, a related location) is the edit's, the rest stays out.
    write_all(
        root,
        &[(
            "main.tf",
            &CALLER.replace(
                "source = \"./modules/disk\"",
                "source      = \"./modules/disk\"\n  volume_type = \"io1\"",
            ),
        )],
    );
    let (code, named) = compact(root, &["main.tf"]);
    assert_eq!(code, Some(1), "{named:?}");
    assert_eq!(
        located_rules(&named),
        ["modules/disk/main.tf: ebs-io1-to-io2"]
    );
    // With the address of a full run: the module is reached through its caller.
    assert!(
        named[0].contains("`module.disk.aws_ebs_volume.data`"),
        "{named:?}"
    );
}

#[test]
fn a_named_module_file_reports_its_own_findings_not_its_siblings_or_other_modules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_all(
        root,
        &[
            ("main.tf", CALLER),
            ("modules/disk/main.tf", DISK),
            ("modules/disk/spare.tf", IP),
            ("modules/ip/main.tf", IP),
        ],
    );
    // Pre-commit after an edit of the caller and of one file of the disk module: both
    // files' findings (through the caller: `module.disk...`), not those of the module's
    // other file, nor of the ip module.
    let (code, named) = compact(root, &["main.tf", "modules/disk/main.tf"]);
    assert_eq!(code, Some(1), "{named:?}");
    assert_eq!(
        located_rules(&named),
        [
            "modules/disk/main.tf: ebs-io1-to-io2",
            "modules/disk/main.tf: ebs-unencrypted",
        ]
    );
    assert!(
        named
            .iter()
            .all(|l| l.contains("`module.disk.aws_ebs_volume.data`")),
        "{named:?}"
    );
    // The module file alone: the module is its own root (its address within the module).
    let (code, alone) = compact(root, &["modules/disk/main.tf"]);
    assert_eq!(code, Some(1), "{alone:?}");
    assert_eq!(
        located_rules(&alone),
        [
            "modules/disk/main.tf: ebs-io1-to-io2",
            "modules/disk/main.tf: ebs-unencrypted",
        ]
    );
    // The module's directory: all of its files.
    let (_, module_dir) = compact(root, &["modules/disk"]);
    assert_eq!(
        located_rules(&module_dir),
        [
            "modules/disk/main.tf: ebs-io1-to-io2",
            "modules/disk/main.tf: ebs-unencrypted",
            "modules/disk/spare.tf: eip-unattached",
        ]
    );
}

#[test]
fn naming_a_file_besides_a_directory_never_narrows_what_the_directory_reports() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_all(
        root,
        &[
            (
                "env/prod/main.tf",
                "module \"disk\" {\n  source = \"../../modules/disk\"\n}\n",
            ),
            ("modules/disk/main.tf", DISK),
            ("modules/disk/spare.tf", IP),
        ],
    );
    let (code, walked) = compact(root, &["env/prod"]);
    assert_eq!(code, Some(1), "{walked:?}");
    let expected = [
        "modules/disk/main.tf: ebs-io1-to-io2",
        "modules/disk/main.tf: ebs-unencrypted",
        "modules/disk/spare.tf: eip-unattached",
    ];
    assert_eq!(located_rules(&walked), expected);
    // The module's other file is context of the named file, but the walked caller calls the
    // module: all of it is reported, as without the named file.
    let (_, both) = compact(root, &["env/prod", "modules/disk/main.tf"]);
    assert_eq!(located_rules(&both), expected);
}

#[test]
fn a_named_tfvars_file_reports_the_module_findings_it_causes_through_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_all(
        root,
        &[
            (
                "main.tf",
                r#"variable "disk_type" {
  type    = string
  default = "gp3"
}

module "disk" {
  source      = "./modules/disk"
  volume_type = var.disk_type
}

module "ip" {
  source = "./modules/ip"
}
"#,
            ),
            ("modules/disk/main.tf", DISK),
            ("modules/ip/main.tf", IP),
            ("terraform.tfvars", "disk_type = \"io1\"\n"),
        ],
    );
    // The io1 value comes from the tfvars line, through the caller's argument, into the
    // module's volume: located in the module, caused by the named file.
    let (code, named) = compact(root, &["terraform.tfvars"]);
    assert_eq!(code, Some(1), "{named:?}");
    assert_eq!(
        located_rules(&named),
        ["modules/disk/main.tf: ebs-io1-to-io2"]
    );
}

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
