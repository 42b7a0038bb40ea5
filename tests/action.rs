//! Issue #17: the GitHub Action. `action.yml` is a composite action whose shell steps are
//! `scripts/action/run.sh <step>`; these tests run each step as the action does, with fake
//! `cargo`, `gh` and `git` (and a fake or the real `infralint`) first on PATH, and check
//! `action.yml` has what GitHub needs. Skipped, saying so, where bash is missing.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use infralint::parse::syntax::yaml;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn have_bash() -> bool {
    let ok = Command::new("bash")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: bash is not installed");
    }
    ok
}

/// A fake command: logs its name and arguments to `$FAKE_LOG`, then runs `body`.
fn fake(bin: &Path, name: &str, body: &str) {
    let path = bin.join(name);
    std::fs::write(
        &path,
        format!("#!/usr/bin/env bash\necho \"{name} $*\" >>\"$FAKE_LOG\"\n{body}\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Writes `--output FILE` (a SARIF stub, or a diff report with its marker) and exits with
/// `$FAKE_EXIT` unless `--fail-on never`.
const FAKE_INFRALINT: &str = r#"out=""
never=0
prev=""
for a in "$@"; do
  [ "$prev" = "--output" ] && out=$a
  [ "$prev" = "--fail-on" ] && [ "$a" = never ] && never=1
  prev=$a
done
if [ -n "$out" ]; then
  if [ "$1" = diff ]; then
    printf '<!-- infralint-diff -->\n### infralint: 1 new finding\n' >"$out"
  else
    printf '{"version": "2.1.0", "runs": []}\n' >"$out"
  fi
fi
[ "$never" = 1 ] && exit 0
exit "${FAKE_EXIT:-0}""#;

/// `api --paginate`: prints `$FAKE_EXISTING` (the id of a comment with the marker); a POST
/// or PATCH saves the body it was given to `$FAKE_BODY`.
const FAKE_GH: &str = r#"if [ "$2" = --paginate ]; then
  [ -n "${FAKE_EXISTING:-}" ] && echo "$FAKE_EXISTING"
  exit 0
fi
for a in "$@"; do
  case "$a" in body=@*) cp "${a#body=@}" "$FAKE_BODY" ;; esac
done"#;

/// `cat-file -e`: whether the base commit is there (`$FAKE_HAVE_BASE`); other commands pass.
const FAKE_GIT: &str = r#"if [ "$1" = cat-file ]; then exit "${FAKE_HAVE_BASE:-0}"; fi"#;

struct Action {
    dir: tempfile::TempDir,
}

impl Action {
    /// A scratch directory with `bin/` holding the fakes (`infralint` too unless `real`).
    fn new(real: bool) -> Action {
        let dir = support::temp_dir();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        fake(&bin, "cargo", "");
        fake(&bin, "gh", FAKE_GH);
        if real {
            #[cfg(unix)]
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_infralint"), bin.join("infralint"))
                .unwrap();
        } else {
            fake(&bin, "infralint", FAKE_INFRALINT);
            fake(&bin, "git", FAKE_GIT);
        }
        Action { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    /// Runs `run.sh step` in `work` with the environment the action gives it plus `env`.
    fn step(&self, step: &str, work: &Path, env: &[(&str, &str)]) -> Output {
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(Path::new(REPO).join("scripts/action/run.sh"))
            .arg(step)
            .current_dir(work)
            .env("PATH", path)
            .env("HOME", self.path("home"))
            .env_remove("INFRALINT_ROOT")
            .env("GITHUB_ACTION_PATH", REPO)
            .env("GITHUB_OUTPUT", self.path("github_output"))
            .env("GITHUB_PATH", self.path("github_path"))
            .env("GITHUB_REPOSITORY", "acme/infra")
            .env("RUNNER_OS", "Linux")
            .env("FAKE_LOG", self.path("log"))
            .env("FAKE_BODY", self.path("body"))
            .env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("bash runs")
    }
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn the_steps_run_in_order_and_the_gate_exit_code_passes_through() {
    if !have_bash() {
        return;
    }
    let a = Action::new(false);
    let work = a.dir.path();
    let inputs = [
        ("INFRALINT_PATHS", "infra  modules"),
        ("INFRALINT_CONFIG", "ci.toml"),
        ("INFRALINT_SARIF_FILE", "out.sarif"),
        ("INFRALINT_FAIL_ON", "error"),
        // The gate's fake finds something: only the gate may fail.
        ("FAKE_EXIT", "1"),
    ];

    let key = a.step("key", work, &inputs);
    assert!(key.status.success(), "{key:?}");
    let install = a.step("install", work, &inputs);
    assert!(install.status.success(), "{install:?}");
    let sarif = a.step("sarif", work, &inputs);
    assert!(
        sarif.status.success(),
        "the SARIF step never fails on findings: {sarif:?}"
    );
    assert!(a.path("out.sarif").is_file(), "the upload's file exists");
    let gate = a.step("gate", work, &inputs);
    assert_eq!(gate.status.code(), Some(1), "{gate:?}");

    // The cache key: the action's Cargo.lock (64 hex digits) and no ref.
    let output = a.read("github_output");
    let key = output
        .lines()
        .find_map(|l| l.strip_prefix("key=infralint-Linux-"))
        .unwrap();
    let (hash, rest) = key.split_at(64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
    assert_eq!(rest, "-action");
    assert!(output.contains("sarif=out.sarif"), "{output}");
    assert_eq!(
        a.read("github_path").trim(),
        a.path("home/.infralint/bin").display().to_string()
    );
    assert_eq!(
        lines(&a.read("log")),
        [
            format!(
                "cargo install --locked --root {} --path {REPO}",
                a.path("home/.infralint").display()
            )
            .as_str(),
            "infralint check --format sarif --fail-on never --output out.sarif --config ci.toml infra modules",
            "infralint check --format github --fail-on error --config ci.toml infra modules",
        ]
    );

    // Every exit code of the gate is the step's; without inputs it checks `.` at the
    // config's level.
    for code in ["0", "2"] {
        let gate = a.step("gate", work, &[("FAKE_EXIT", code)]);
        assert_eq!(gate.status.code(), Some(code.parse().unwrap()));
    }
    assert_eq!(
        lines(&a.read("log")).last().copied(),
        Some("infralint check --format github .")
    );
}

#[test]
fn a_ref_installs_that_revision_and_keys_the_cache_with_it() {
    if !have_bash() {
        return;
    }
    let a = Action::new(false);
    let env = [("INFRALINT_REF", "0123abc")];
    assert!(a.step("key", a.dir.path(), &env).status.success());
    assert!(a.step("install", a.dir.path(), &env).status.success());
    assert!(a.read("github_output").trim_end().ends_with("-0123abc"));
    assert_eq!(
        lines(&a.read("log")),
        [format!(
            "cargo install --locked --root {} --git https://github.com/infralint/infralint --rev 0123abc infralint",
            a.path("home/.infralint").display()
        )]
    );
}

#[test]
fn the_comment_is_posted_then_updated_with_its_marker() {
    if !have_bash() {
        return;
    }
    let a = Action::new(false);
    let pr = [
        ("INFRALINT_BASE", "b45e"),
        ("INFRALINT_PR", "7"),
        ("GH_TOKEN", "t"),
    ];
    // No comment yet, the base commit missing from a shallow checkout: fetched, posted.
    let env: Vec<(&str, &str)> = pr
        .iter()
        .copied()
        .chain([("FAKE_HAVE_BASE", "1")])
        .collect();
    let posted = a.step("comment", a.dir.path(), &env);
    assert!(posted.status.success(), "{posted:?}");
    assert!(a.read("body").starts_with("<!-- infralint-diff -->\n"));
    let log = a.read("log");
    let log = lines(&log);
    assert_eq!(log[0], "git cat-file -e b45e^{commit}");
    assert_eq!(log[1], "git fetch --no-tags --depth=1 origin b45e");
    assert!(log[2]
        .starts_with("infralint diff --base b45e --format markdown --fail-on never --output "));
    assert_eq!(
        log[3],
        "gh api --paginate repos/acme/infra/issues/7/comments --jq .[] | select(.body | startswith(\"<!-- infralint-diff -->\")) | .id"
    );
    assert!(log[4].starts_with("gh api --method POST repos/acme/infra/issues/7/comments -F body=@"));

    // A comment with the marker exists: updated in place.
    std::fs::remove_file(a.path("log")).unwrap();
    let env: Vec<(&str, &str)> = pr
        .iter()
        .copied()
        .chain([("FAKE_EXISTING", "4242")])
        .collect();
    let updated = a.step("comment", a.dir.path(), &env);
    assert!(updated.status.success(), "{updated:?}");
    let log = a.read("log");
    assert_eq!(lines(&log).len(), 4, "{log}");
    assert!(lines(&log)[3]
        .starts_with("gh api --method PATCH repos/acme/infra/issues/comments/4242 -F body=@"));

    // Outside a pull request the step says what is missing.
    let outside = a.step("comment", a.dir.path(), &[]);
    assert!(!outside.status.success());
    assert!(String::from_utf8_lossy(&outside.stderr).contains("base commit"));
}

/// The real binary: the SARIF file is SARIF, the gate fails on a warning unless `fail-on`
/// is above it, and the comment body is `infralint diff`'s with its marker.
#[cfg(unix)]
#[test]
fn the_steps_with_the_real_binary() {
    if !have_bash() {
        return;
    }
    let a = Action::new(true);
    let work = a.path("work");
    let eip = "resource \"aws_eip\" \"idle\" {\n  domain = \"vpc\"\n}\n";
    std::fs::create_dir_all(work.join("infra")).unwrap();
    std::fs::write(work.join("infra/main.tf"), "").unwrap();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&work)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", a.path("home"))
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let base = git(&["init", "-q"])
        .and_then(|_| git(&["add", "-A"]))
        .and_then(|_| git(&["commit", "-qm", "base"]))
        .and_then(|_| git(&["rev-parse", "HEAD"]));
    std::fs::write(work.join("infra/main.tf"), eip).unwrap();
    let paths = ("INFRALINT_PATHS", "infra");

    let sarif = a.step(
        "sarif",
        &work,
        &[paths, ("INFRALINT_SARIF_FILE", "r.sarif")],
    );
    assert!(sarif.status.success(), "{sarif:?}");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("r.sarif")).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "eip-unattached");

    let gate = a.step("gate", &work, &[paths]);
    assert_eq!(gate.status.code(), Some(1), "{gate:?}");
    assert!(String::from_utf8_lossy(&gate.stdout).starts_with("::warning file=infra/main.tf"));
    let gate = a.step("gate", &work, &[paths, ("INFRALINT_FAIL_ON", "error")]);
    assert_eq!(gate.status.code(), Some(0), "{gate:?}");

    let Some(base) = base else {
        eprintln!("skipped the comment with the real binary: git is not usable");
        return;
    };
    let comment = a.step(
        "comment",
        &work,
        &[paths, ("INFRALINT_BASE", &base), ("INFRALINT_PR", "1")],
    );
    assert!(comment.status.success(), "{comment:?}");
    let body = a.read("body");
    assert!(body.starts_with("<!-- infralint-diff -->\n"), "{body}");
    assert!(body.contains("eip-unattached"), "{body}");
}

/// `action.yml` is YAML with what GitHub requires of a composite action, every shell step
/// is a step of `run.sh` (no logic in the YAML), in the order the action runs them.
#[test]
fn action_yml_is_a_composite_action_calling_the_script() {
    let text = std::fs::read_to_string(Path::new(REPO).join("action.yml")).unwrap();
    let doc = yaml::parse(&text).expect("action.yml is YAML").root;
    for key in ["name", "description"] {
        assert!(
            doc.get(key)
                .and_then(|n| n.as_str())
                .is_some_and(|s| !s.is_empty()),
            "{key}"
        );
    }
    let inputs = doc.get("inputs").expect("inputs");
    for input in ["paths", "fail-on", "config", "sarif", "comment", "ref"] {
        let i = inputs.get(input).unwrap_or_else(|| panic!("input {input}"));
        assert!(
            i.get("description").and_then(|d| d.as_str()).is_some(),
            "{input}"
        );
    }
    let runs = doc.get("runs").expect("runs");
    assert_eq!(
        runs.get("using").and_then(|u| u.as_str()),
        Some("composite")
    );
    let script = std::fs::read_to_string(Path::new(REPO).join("scripts/action/run.sh")).unwrap();
    let mut order = Vec::new();
    for step in runs.get("steps").expect("steps").items() {
        let name = step.get("name").and_then(|n| n.as_str()).unwrap_or("");
        match (step.get("run"), step.get("uses")) {
            (Some(run), None) => {
                assert_eq!(
                    step.get("shell").and_then(|s| s.as_str()),
                    Some("bash"),
                    "{name}: a composite run step needs `shell`"
                );
                let run = run.as_str().unwrap();
                let sub = run
                    .strip_prefix("bash \"$GITHUB_ACTION_PATH/scripts/action/run.sh\" ")
                    .unwrap_or_else(|| panic!("{name}: `{run}` is not a step of run.sh"));
                assert!(
                    script.contains(&format!("\n  {sub})\n")),
                    "run.sh has no `{sub}`"
                );
                order.push(sub.to_string());
            }
            (None, Some(uses)) => {
                let uses = uses.as_str().unwrap();
                assert!(uses.contains('@'), "{uses} is pinned");
                order.push(uses.split('@').next().unwrap().to_string());
            }
            _ => panic!("{name}: a step has `run` or `uses`"),
        }
    }
    assert_eq!(
        order,
        [
            "key",
            "actions/cache",
            "install",
            "sarif",
            "github/codeql-action/upload-sarif",
            "comment",
            "gate"
        ]
    );
}
