//! `infralint diff` end to end, on real git repositories made in temporary directories.
//!
//! Every test skips (saying so) where `git` is not installed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn git_available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `git` is not installed");
    }
    ok
}

/// A scratch repository with fixed identities and dates, so commit hashes are reproducible.
struct Repo {
    dir: tempfile::TempDir,
    /// TMPDIR of the runs: must be empty again after each (the exported trees are removed).
    tmp: tempfile::TempDir,
}

const BASE_MAIN: &str = r#"resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

resource "aws_ebs_volume" "db" {
  availability_zone = "us-east-1a"
  size              = 1000
  type              = var.db_volume_type
  iops              = 40000
}

resource "aws_volume_attachment" "db" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.db.id
  instance_id = aws_instance.web.id
}

variable "db_volume_type" {
  type    = string
  default = "gp3"
}
"#;

const EIP: &str = r#"resource "aws_eip" "orphan" {
  domain = "vpc"
}
"#;

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
            tmp: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main", "."]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git_output(&self, args: &[&str]) -> Output {
        Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "ci")
            .env("GIT_AUTHOR_EMAIL", "ci@example.invalid")
            .env("GIT_COMMITTER_NAME", "ci")
            .env("GIT_COMMITTER_EMAIL", "ci@example.invalid")
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .output()
            .unwrap()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// Runs infralint in `rel` (a directory of the repository).
    fn infralint(&self, rel: &str, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
            .args(args)
            .current_dir(self.path().join(rel))
            .env("NO_COLOR", "1")
            .env("TMPDIR", self.tmp.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        let left: Vec<PathBuf> = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
        out
    }

    fn diff_json(&self, rel: &str, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["diff", "--now", "2026-12-01", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.infralint(rel, &all);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), json)
    }

    /// What `diff` must never change: the working tree's files and status, the index, HEAD,
    /// stashes, worktrees and refs.
    fn state(&self) -> Vec<String> {
        let mut files = Vec::new();
        collect_files(self.path(), self.path(), &mut files);
        vec![
            self.git(&["status", "--porcelain=v2", "--untracked-files=all"]),
            self.git(&["rev-parse", "HEAD"]),
            self.git(&["ls-files", "--stage"]),
            format!("{:?}", std::fs::read(self.path().join(".git/index")).ok()),
            self.git(&["stash", "list"]),
            self.git(&["worktree", "list", "--porcelain"]),
            self.git(&["for-each-ref"]),
            files.join("\n"),
        ]
    }
}

/// Every file below `dir` outside `.git`, with its content.
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if e.file_name() == ".git" {
            continue;
        }
        if path.is_dir() {
            collect_files(root, &path, out);
        } else {
            out.push(format!(
                "{}: {}",
                path.strip_prefix(root).unwrap().display(),
                String::from_utf8_lossy(&std::fs::read(&path).unwrap())
            ));
        }
    }
}

/// (rule, resource, file) of each finding of a list.
fn ids(list: &Value) -> BTreeSet<(String, String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

/// The base: a volume (gp3 by default) attached to an instance, and an unattached EIP.
fn base_repo() -> Repo {
    let repo = Repo::new();
    repo.write("infra/main.tf", BASE_MAIN);
    repo.write("infra/eip.tf", EIP);
    repo.write("README.md", "scratch\n");
    repo.commit("base");
    repo
}

/// The change: the volume's type becomes io1 through terraform.tfvars, the EIP is removed.
fn change(repo: &Repo) {
    repo.write("infra/terraform.tfvars", "db_volume_type = \"io1\"\n");
    repo.remove("infra/eip.tf");
}

#[test]
fn new_fixed_unchanged_and_the_cost_delta() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    change(&repo);
    let before = repo.state();
    let (code, json) = repo.diff_json(".", &["--base", "main"]);
    assert_eq!(repo.state(), before, "diff changed the repository");
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(
        ids(&json["new"]),
        set(&[("ebs-io1-to-io2", "aws_ebs_volume.db", "infra/main.tf")]),
        "{json:#}"
    );
    assert_eq!(
        ids(&json["fixed"]),
        set(&[("eip-unattached", "aws_eip.orphan", "infra/eip.tf")]),
        "{json:#}"
    );
    let cost = |list: &str| -> f64 {
        json[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["monthly_cost_usd"].as_f64().unwrap())
            .sum()
    };
    let delta = json["monthly_cost_delta_usd"].as_f64().unwrap();
    assert!(cost("new") > 0.0 && cost("fixed") > 0.0, "{json:#}");
    assert!(
        (delta - (cost("new") - cost("fixed"))).abs() < 0.006,
        "{json:#}"
    );
    // The new finding's fingerprint does not depend on its line: the same one as when the
    // file changes above it.
    let fingerprint = json["new"][0]["fingerprint"].as_str().unwrap().to_string();
    repo.write("infra/main.tf", &format!("# a comment\n\n{BASE_MAIN}"));
    let (_, moved) = repo.diff_json(".", &["--base", "main"]);
    assert_eq!(moved["new"][0]["fingerprint"], fingerprint.as_str());
    assert_ne!(moved["new"][0]["line"], json["new"][0]["line"]);
    assert_eq!(moved["unchanged"], json["unchanged"]);

    // From a subdirectory (and naming it), the same comparison.
    let (code, sub) = repo.diff_json("infra", &["--base", "main"]);
    assert_eq!(code, 1);
    assert_eq!(sub["new"], moved["new"]);
    assert_eq!(sub["fixed"], moved["fixed"]);
    assert_eq!(sub["unchanged"], moved["unchanged"]);
    assert_eq!(
        sub["monthly_cost_delta_usd"],
        moved["monthly_cost_delta_usd"]
    );
    let (_, named) = repo.diff_json(".", &["--base", "main", "infra"]);
    assert_eq!(named["new"], moved["new"]);
    assert_eq!(named["fixed"], moved["fixed"]);
}

#[test]
fn two_revisions_and_the_fail_on_threshold() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    change(&repo);
    repo.commit("io1, no EIP");
    // The working tree now differs from both commits: --head reads the commit, not the disk.
    repo.write("infra/extra.tf", EIP.replace("orphan", "extra").as_str());
    let before = repo.state();
    let (code, json) = repo.diff_json(".", &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(repo.state(), before);
    assert_eq!(code, 1);
    assert_eq!(
        ids(&json["new"]),
        set(&[("ebs-io1-to-io2", "aws_ebs_volume.db", "infra/main.tf")])
    );
    assert_eq!(ids(&json["fixed"]).len(), 1);
    assert_eq!(json["head"]["revision"], "HEAD");
    let (code, _) = repo.diff_json(
        ".",
        &["--base", "HEAD~1", "--head", "HEAD", "--fail-on", "never"],
    );
    assert_eq!(code, 0);
    // Nothing new between a revision and itself.
    let (code, same) = repo.diff_json(".", &["--base", "HEAD", "--head", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(same["new"], Value::Array(vec![]));
    assert_eq!(same["fixed"], Value::Array(vec![]));
    assert_eq!(same["monthly_cost_delta_usd"], 0.0);
}

#[test]
fn a_moved_file_keeps_its_findings() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    // Renamed with git (staged) and with plain mv (untracked): both are moves.
    repo.git(&["mv", "infra/eip.tf", "infra/addresses.tf"]);
    std::fs::rename(
        repo.path().join("infra/main.tf"),
        repo.path().join("infra/compute.tf"),
    )
    .unwrap();
    let (code, json) = repo.diff_json(".", &["--base", "main"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["new"], Value::Array(vec![]), "{json:#}");
    assert_eq!(json["fixed"], Value::Array(vec![]), "{json:#}");
    assert!(json["unchanged"].as_u64().unwrap() >= 1, "{json:#}");
    assert_eq!(json["monthly_cost_delta_usd"], 0.0);
}

#[test]
fn a_second_copy_in_a_file_that_stays_is_new() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    // The same EIP block in a new file of another module while the original stays: new, not
    // a move.
    repo.write("other/copy.tf", EIP);
    let (code, json) = repo.diff_json(".", &["--base", "main", "--fail-on", "never"]);
    assert_eq!(code, 0);
    assert_eq!(
        ids(&json["new"]),
        set(&[("eip-unattached", "aws_eip.orphan", "other/copy.tf")]),
        "{json:#}"
    );
    assert_eq!(json["fixed"], Value::Array(vec![]));
}

#[test]
fn markdown_comment_snapshot() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    change(&repo);
    let out = repo.infralint(
        ".",
        &[
            "diff",
            "--now",
            "2026-12-01",
            "--base",
            "main",
            "--format",
            "markdown",
            "--link-prefix",
            "https://github.com/acme/infra/blob/0123abc/",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    // The README shows this very comment (commit hashes are reproducible: fixed dates).
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&format!("````markdown\n{text}````")),
        "the README's example is not the current output:\n{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn human_and_github_formats() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    change(&repo);
    let out = repo.infralint(".", &["diff", "--now", "2026-12-01", "--base", "main"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("new findings: 1\n  + "), "{text}");
    assert!(text.contains("[ebs-io1-to-io2] infra/main.tf:"), "{text}");
    assert!(text.contains("fixed findings: 1\n  - "), "{text}");
    assert!(text.contains("[eip-unattached] infra/eip.tf:1:"), "{text}");
    let out = repo.infralint(
        ".",
        &[
            "diff",
            "--now",
            "2026-12-01",
            "--base",
            "main",
            "--format",
            "github",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // Annotations for the new finding only.
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("::"), "{text}");
    assert!(text.contains("file=infra/main.tf,"), "{text}");
    assert!(text.contains("title=ebs-io1-to-io2::"), "{text}");
}

#[test]
fn outside_git_unknown_revisions_and_shallow_clones_exit_2() {
    if !git_available() {
        return;
    }
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("main.tf"), EIP).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(["diff", "--base", "main"])
        .current_dir(plain.path())
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not in a git repository"), "{err}");

    let repo = base_repo();
    let out = repo.infralint(".", &["diff", "--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown revision `no-such-branch`"), "{err}");

    change(&repo);
    repo.commit("second");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "."])
        .current_dir(clone.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(["diff", "--base", "HEAD~1"])
        .current_dir(clone.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shallow clone"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn sarif_marks_each_result_with_its_baseline_state() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    change(&repo);
    let out = repo.infralint(
        ".",
        &[
            "diff",
            "--now",
            "2026-12-01",
            "--base",
            "main",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::options().build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let states: Vec<(String, String, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["baselineState"].as_str().unwrap().to_string(),
                r["ruleId"].as_str().unwrap().to_string(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let of = |state: &str| states.iter().filter(|s| s.0 == state).count();
    assert_eq!(of("new"), 1, "{states:?}");
    assert_eq!(of("absent"), 1, "{states:?}");
    assert_eq!(of("unchanged"), 4, "{states:?}");
    assert!(states.contains(&(
        "absent".to_string(),
        "eip-unattached".to_string(),
        "infra/eip.tf".to_string()
    )));
}

#[test]
fn a_path_deleted_since_the_base_is_all_fixed() {
    if !git_available() {
        return;
    }
    let repo = base_repo();
    std::fs::remove_dir_all(repo.path().join("infra")).unwrap();
    let (code, json) = repo.diff_json(".", &["--base", "main", "infra"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["new"], Value::Array(vec![]));
    assert!(
        ids(&json["fixed"]).contains(&(
            "eip-unattached".to_string(),
            "aws_eip.orphan".to_string(),
            "infra/eip.tf".to_string()
        )),
        "{json:#}"
    );
    // In neither version: an error.
    let out = repo.infralint(".", &["diff", "--base", "main", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere: no such file or directory"));
}
