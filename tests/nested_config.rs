//! Issue #17, configuration per directory: each file is judged by the nearest
//! `.infralint.toml` above it (as ruff does), `extend` merges another file explicitly,
//! `--config` holds for every file, and the findings of a file do not depend on which other
//! files the run names. Every run has its own temporary tree and its own HOME.

mod support;
use support::scratch_text as scratch;
use support::{infralint, stderr};

use std::path::Path;
use std::process::Command;

/// An idle Elastic IP (`eip-unattached`, a warning by default).
const IDLE_EIP: &str = "resource \"aws_eip\" \"idle\" {\n  domain = \"vpc\"\n}\n";

/// An unencrypted, unattached volume (`ebs-unencrypted`, `ebs-volume-unattached`).
const PLAIN_VOLUME: &str = "resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"us-east-1a\"\n  size              = 10\n  type              = \"gp3\"\n}\n";

/// `check -f json ARGS...`: the findings as (file, rule, severity), sorted, and the exit code.
fn check(dir: &Path, args: &[&str]) -> (Vec<(String, String, String)>, Option<i32>) {
    let mut all = vec!["check", "-f", "json"];
    all.extend_from_slice(args);
    let o = infralint(&all, dir);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} / {}",
            String::from_utf8_lossy(&o.stdout),
            stderr(&o)
        )
    });
    let mut findings: Vec<(String, String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    findings.sort();
    (findings, o.status.code())
}

fn finding(file: &str, rule: &str, severity: &str) -> (String, String, String) {
    (file.to_string(), rule.to_string(), severity.to_string())
}

/// Two teams' directories with different configurations, staged in one commit: one run, each
/// file judged by its own team's file (before: "the paths use different configuration
/// files", exit 2, and the hook blocked the commit).
#[test]
fn two_team_directories_are_each_judged_by_their_own_config() {
    let dir = scratch(&[
        (
            "team-a/.infralint.toml",
            "[rules.eip-unattached]\nseverity = \"error\"\n",
        ),
        ("team-a/main.tf", IDLE_EIP),
        (
            "team-b/.infralint.toml",
            "[rules.eip-unattached]\nenabled = false\n",
        ),
        ("team-b/main.tf", IDLE_EIP),
    ]);
    let (findings, code) = check(dir.path(), &["team-a/main.tf", "team-b/main.tf"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings,
        [finding("team-a/main.tf", "eip-unattached", "error")]
    );
    // The same from the root, walking both.
    assert_eq!(check(dir.path(), &["."]).0, findings);
}

/// The findings of a file are the same whatever other files are named: before, the one
/// configuration found (team-a's) judged the other team's file too when both were staged.
#[test]
fn findings_do_not_depend_on_the_other_files_named() {
    let dir = scratch(&[
        (
            "team-a/.infralint.toml",
            "[rules.eip-unattached]\nseverity = \"error\"\n",
        ),
        ("team-a/main.tf", IDLE_EIP),
        ("team-b/main.tf", IDLE_EIP),
    ]);
    let (alone, _) = check(dir.path(), &["team-b/main.tf"]);
    assert_eq!(
        alone,
        [finding("team-b/main.tf", "eip-unattached", "warning")]
    );
    let (both, code) = check(dir.path(), &["team-a/main.tf", "team-b/main.tf"]);
    assert_eq!(code, Some(1));
    let of_b: Vec<_> = both
        .iter()
        .filter(|f| f.0.starts_with("team-b/"))
        .cloned()
        .collect();
    assert_eq!(of_b, alone);
    let (a_alone, _) = check(dir.path(), &["team-a/main.tf"]);
    let of_a: Vec<_> = both
        .iter()
        .filter(|f| f.0.starts_with("team-a/"))
        .cloned()
        .collect();
    assert_eq!(of_a, a_alone);
    assert_eq!(
        a_alone,
        [finding("team-a/main.tf", "eip-unattached", "error")]
    );
}

/// Rule options and `[account]` are per file too: the rules run with each file's own
/// configuration (team-a's account encrypts EBS by default; team-b's does not say).
#[test]
fn account_defaults_hold_for_the_files_of_their_config_only() {
    let dir = scratch(&[
        (
            "team-a/.infralint.toml",
            "[account]\nebs_encryption_by_default = true\n",
        ),
        ("team-a/main.tf", PLAIN_VOLUME),
        ("team-b/main.tf", PLAIN_VOLUME),
    ]);
    let (findings, _) = check(dir.path(), &["team-a", "team-b"]);
    assert_eq!(
        findings,
        [
            finding("team-a/main.tf", "ebs-volume-unattached", "warning"),
            finding("team-b/main.tf", "ebs-unencrypted", "warning"),
            finding("team-b/main.tf", "ebs-volume-unattached", "warning"),
        ]
    );
}

/// A module shared by two teams is judged by the configuration nearest to the module's
/// file, not by the caller's (before: `check team-a` applied team-a's file to the module).
#[test]
fn a_finding_in_a_shared_module_is_judged_by_the_config_of_its_file() {
    let dir = scratch(&[
        ("team-a/.infralint.toml", "[rules.eip-unattached]\nenabled = false\n"),
        (
            "team-a/main.tf",
            "module \"net\" {\n  source = \"../modules/net\"\n}\nresource \"aws_eip\" \"own\" {\n  domain = \"vpc\"\n}\n",
        ),
        ("modules/net/main.tf", IDLE_EIP),
        (
            "modules/net/.infralint.toml",
            "[rules.eip-unattached]\nseverity = \"info\"\n",
        ),
    ]);
    let (findings, _) = check(dir.path(), &["team-a"]);
    assert_eq!(
        findings,
        [finding("modules/net/main.tf", "eip-unattached", "info")]
    );
}

/// `extend`: a chain of files, each relative to the file that declares it; the nearest
/// file's keys win, key by key (before: `extend` was an unknown key, exit 2).
#[test]
fn extend_merges_a_chain_and_the_nearer_file_overrides() {
    let dir = scratch(&[
        (
            "shared/org.toml",
            "[rules.eip-unattached]\nseverity = \"error\"\n[rules.ebs-volume-unattached]\nenabled = false\n",
        ),
        // Relative to `shared/`, where it is declared.
        ("shared/base.toml", "extend = \"org.toml\"\n[account]\nebs_encryption_by_default = true\n"),
        (
            "team/.infralint.toml",
            "extend = \"../shared/base.toml\"\n[rules.eip-unattached]\nseverity = \"info\"\n",
        ),
        ("team/main.tf", &format!("{IDLE_EIP}{PLAIN_VOLUME}")),
    ]);
    let (findings, code) = check(dir.path(), &["team"]);
    assert_eq!(code, Some(0), "only an info remains");
    assert_eq!(
        findings,
        [finding("team/main.tf", "eip-unattached", "info")]
    );
}

/// A cycle of `extend` is an error at the `extend` line that closes it, with the cycle.
#[test]
fn an_extend_cycle_is_a_located_error() {
    let dir = scratch(&[
        ("team/.infralint.toml", "extend = \"../a.toml\"\n"),
        ("a.toml", "# a\nextend = \"b.toml\"\n"),
        ("b.toml", "\n\nextend = \"a.toml\"\n"),
        ("team/main.tf", IDLE_EIP),
    ]);
    let o = infralint(&["check", "team"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("b.toml:3: `extend` makes a cycle: "), "{err}");
    assert!(err.contains("a.toml -> "), "{err}");
}

/// An `extend` naming no file is an error at its line.
#[test]
fn a_missing_extend_target_is_a_located_error() {
    let dir = scratch(&[
        (
            "team/.infralint.toml",
            "region = \"eu-west-1\"\nextend = \"../org.toml\"\n",
        ),
        ("team/main.tf", IDLE_EIP),
    ]);
    let o = infralint(&["check", "."], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(".infralint.toml:2: `extend`: no configuration file at "),
        "{err}"
    );
    assert!(err.contains("org.toml"), "{err}");
}

/// A broken configuration below the named directory, met during the walk, stops the run.
#[test]
fn a_nested_config_error_found_by_the_walk_is_exit_2() {
    let dir = scratch(&[
        (
            "team/deep/.infralint.toml",
            "[rules.no-such-rule]\nseverity = \"error\"\n",
        ),
        ("team/deep/main.tf", IDLE_EIP),
    ]);
    let o = infralint(&["check", "team"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("deep/.infralint.toml:1: unknown rule `no-such-rule`"),
        "{}",
        stderr(&o)
    );
}

/// `--config` (`-c`) judges every file: the nearest files, and their excludes, are not read.
/// (This held before too: a guard that discovery does not take over.)
#[test]
fn config_on_the_command_line_overrides_discovery_for_every_file() {
    let dir = scratch(&[
        (
            "strict.toml",
            "[rules.eip-unattached]\nseverity = \"error\"\n",
        ),
        (
            "team-b/.infralint.toml",
            "exclude = [\"legacy/**\"]\n[rules.eip-unattached]\nenabled = false\n",
        ),
        ("team-b/main.tf", IDLE_EIP),
        ("team-b/legacy/main.tf", IDLE_EIP),
    ]);
    let (findings, code) = check(dir.path(), &["-c", "strict.toml", "team-b"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings,
        [
            finding("team-b/legacy/main.tf", "eip-unattached", "error"),
            finding("team-b/main.tf", "eip-unattached", "error"),
        ]
    );
}

/// A nested file's `exclude` applies below it only, and the nearest file wins entirely: the
/// root's `exclude` does not reach into a directory with its own file (as in ruff).
#[test]
fn a_nested_exclude_applies_below_its_file() {
    let dir = scratch(&[
        (".infralint.toml", "exclude = [\"**/scratch/**\"]\n"),
        ("team-a/.infralint.toml", "exclude = [\"legacy/**\"]\n"),
        ("team-a/main.tf", IDLE_EIP),
        ("team-a/legacy/main.tf", IDLE_EIP),
        ("team-a/scratch/main.tf", IDLE_EIP),
        ("other/legacy/main.tf", IDLE_EIP),
        ("other/scratch/main.tf", IDLE_EIP),
    ]);
    let (findings, _) = check(dir.path(), &["."]);
    let files: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        files,
        [
            "other/legacy/main.tf",
            "team-a/main.tf",
            "team-a/scratch/main.tf"
        ]
    );
    // The same files from inside team-a.
    let (findings, _) = check(&dir.path().join("team-a"), &["."]);
    let files: Vec<&str> = findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(files, ["main.tf", "scratch/main.tf"]);
}

/// The keys that hold for a whole run (`fail_on`, ...) come from the current directory's
/// configuration, not from a team's: the exit code of a run does not depend on which team's
/// files it names.
#[test]
fn per_run_keys_come_from_the_current_directory_config() {
    let dir = scratch(&[
        (".infralint.toml", "fail_on = \"error\"\n"),
        ("team-a/.infralint.toml", "fail_on = \"warning\"\n"),
        ("team-a/main.tf", IDLE_EIP),
        ("team-b/main.tf", IDLE_EIP),
    ]);
    assert_eq!(check(dir.path(), &["team-b"]).1, Some(0));
    assert_eq!(check(dir.path(), &["team-a", "team-b"]).1, Some(0));
    assert_eq!(check(dir.path(), &["team-a"]).1, Some(0));
    // Said, not silently ignored.
    let o = infralint(&["check", "team-a"], dir.path());
    assert!(
        stderr(&o).contains("warning: team-a/.infralint.toml: `fail_on` not applied: it holds for the whole run, from --config or the current directory's configuration (.infralint.toml)"),
        "{}",
        stderr(&o)
    );
    // From inside team-a, its file is the run's.
    assert_eq!(check(&dir.path().join("team-a"), &["."]).1, Some(1));
}

/// A configuration met during the walk is an input of the run: no output overwrites it.
#[test]
fn an_output_over_a_nested_config_is_refused() {
    let config = "[rules.eip-unattached]\nseverity = \"error\"\n";
    let dir = scratch(&[
        ("team-a/.infralint.toml", config),
        ("team-a/main.tf", IDLE_EIP),
    ]);
    let o = infralint(
        &["check", "-f", "json", "-o", "team-a/.infralint.toml", "."],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("it is the configuration file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("team-a/.infralint.toml")).unwrap(),
        config
    );
}

/// `infralint diff` over two teams' directories: each version's files are judged by that
/// version's nearest configurations (before: "the paths use different configuration files",
/// exit 2). The base revision disables `eip-unattached` for team-b; the working tree turns it
/// back on, so team-b's EIP is new, and team-a's unchanged.
#[test]
fn diff_judges_each_version_by_its_own_nested_configs() {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `git` is not installed");
        return;
    }
    let dir = scratch(&[
        (
            "team-a/.infralint.toml",
            "[rules.eip-unattached]\nseverity = \"error\"\n",
        ),
        ("team-a/main.tf", IDLE_EIP),
        (
            "team-b/.infralint.toml",
            "[rules.eip-unattached]\nenabled = false\n",
        ),
        ("team-b/main.tf", IDLE_EIP),
    ]);
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "ci")
            .env("GIT_AUTHOR_EMAIL", "ci@example.invalid")
            .env("GIT_COMMITTER_NAME", "ci")
            .env("GIT_COMMITTER_EMAIL", "ci@example.invalid")
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    };
    git(&["init", "-q", "-b", "main", "."]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    std::fs::write(
        dir.path().join("team-b/.infralint.toml"),
        "[rules.eip-unattached]\nseverity = \"warning\"\n",
    )
    .unwrap();
    let o = infralint(
        &[
            "diff", "--base", "HEAD", "--format", "json", "team-a", "team-b",
        ],
        dir.path(),
    );
    let json: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    let list = |key: &str| -> Vec<(String, String)> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        list("new"),
        [("team-b/main.tf".to_string(), "warning".to_string())]
    );
    assert_eq!(json["unchanged"], 1, "team-a's EIP, in both versions");
    assert!(list("fixed").is_empty());
}
