//! What infralint writes, end to end: never over one of its inputs, atomically (a failed or
//! concurrent write never leaves a partial or mixed file), baselines updated on a subset
//! without losing the rest, standard output failures reported, and option files read as
//! safely as the checked files.

mod support;
use support::scratch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_infralint"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn infralint(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Waits for `child`, killing it and failing the test after `seconds`: reading a FIFO or
/// `/dev/zero` must never hang the run.
fn wait_with_deadline(mut child: Child, seconds: u64, what: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {seconds} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every regular file under `dir` with its bytes (symbolic links as their target's name).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.insert(rel, target.to_string_lossy().as_bytes().to_vec());
            } else if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Fails, naming the files added, removed or changed, unless both trees are the same.
fn assert_unchanged(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let changed: std::collections::BTreeSet<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert!(changed.is_empty(), "{what}: changed {changed:?}");
}

/// `count` unattached Elastic IPs: one finding each.
fn eips(count: usize) -> String {
    (0..count)
        .map(|i| format!("resource \"aws_eip\" \"ip{i}\" {{\n  domain = \"vpc\"\n}}\n\n"))
        .collect()
}

const UNATTACHED: &[u8] = b"resource \"aws_eip\" \"orphan\" {\n  domain = \"vpc\"\n}\n";
const TEMPLATE: &[u8] = b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ip:\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: vpc\n";

#[test]
fn an_output_that_is_one_of_the_inputs_is_refused_and_nothing_is_written() {
    let dir = scratch(&[
        ("m/main.tf", UNATTACHED),
        ("m/template.yaml", TEMPLATE),
        ("m/terraform.tfvars", b"region = \"us-east-1\"\n"),
        ("m/nested/other.tf", UNATTACHED),
        (
            "root/main.tf",
            b"module \"vpc\" {\n  source = \"../modules/vpc\"\n}\n",
        ),
        ("modules/vpc/main.tf", UNATTACHED),
        ("vars/prod.tfvars", b"size = 10\n"),
        (".infralint.toml", b"fail_on = \"error\"\n"),
        ("usage.yaml", b"resources: {}\n"),
        ("params.json", b"[]\n"),
        ("inventory.json", b"{\"Images\": []}\n"),
        ("base.json", b"{\"version\": 1, \"findings\": []}\n"),
    ]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("m/main.tf", dir.path().join("link.json")).unwrap();
        std::fs::hard_link(dir.path().join("m/main.tf"), dir.path().join("hard.json")).unwrap();
    }
    let before = tree(dir.path());
    let mut cases: Vec<Vec<&str>> = vec![
        // A checked Terraform file, however spelled.
        vec!["check", "-o", "m/main.tf", "m"],
        vec!["check", "-o", "./m/../m/main.tf", "m"],
        vec!["check", "-o", "m/nested/other.tf", "."],
        vec!["check", "-o", "m/main.tf", "m/main.tf"],
        // A file of the module of a checked `.tf` file (read as context).
        vec!["check", "-o", "m/terraform.tfvars", "m/main.tf"],
        vec!["check", "-o", "m/terraform.tfvars", "m"],
        // A template: an input because the run read it as one.
        vec!["check", "-o", "m/template.yaml", "m"],
        // A local module loaded on demand, outside the checked paths.
        vec!["check", "-o", "modules/vpc/main.tf", "root"],
        // Option files.
        vec!["check", "-o", ".infralint.toml", "m"],
        vec![
            "check",
            "--config",
            ".infralint.toml",
            "-o",
            "./.infralint.toml",
            "m",
        ],
        vec![
            "check",
            "--var-file",
            "vars/prod.tfvars",
            "-o",
            "vars/prod.tfvars",
            "m",
        ],
        vec!["check", "--usage", "usage.yaml", "-o", "usage.yaml", "m"],
        vec![
            "check",
            "--parameter-file",
            "params.json",
            "-o",
            "params.json",
            "m",
        ],
        vec![
            "check",
            "--ami-inventory",
            "inventory.json",
            "-o",
            "inventory.json",
            "m",
        ],
        vec!["check", "--baseline", "base.json", "-o", "base.json", "m"],
        vec![
            "check",
            "--baseline",
            "base.json",
            "--baseline-update",
            "-o",
            "base.json",
            "m",
        ],
        // The baseline written over a checked file or an option file.
        vec!["check", "--baseline", "m/main.tf", "--baseline-update", "m"],
        vec![
            "check",
            "--baseline",
            "usage.yaml",
            "--baseline-update",
            "--usage",
            "usage.yaml",
            "m",
        ],
        vec!["baseline", "--output", "m/main.tf", "m"],
        vec![
            "baseline",
            "--output",
            "vars/prod.tfvars",
            "--var-file",
            "vars/prod.tfvars",
            "m",
        ],
    ];
    if cfg!(unix) {
        cases.push(vec!["check", "-o", "link.json", "m"]);
        cases.push(vec!["check", "-o", "hard.json", "m"]);
        cases.push(vec!["baseline", "--output", "hard.json", "m"]);
    }
    for args in &cases {
        let out = infralint(args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("refusing to write")
                && stderr(&out).contains("infralint never writes over a file it reads"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_unchanged(&before, &tree(dir.path()), &format!("{args:?}"));
    }
}

#[test]
fn outputs_that_are_not_inputs_are_written_every_time() {
    let dir = scratch(&[("main.tf", UNATTACHED), ("notes.yaml", b"todo: []\n")]);
    // A report in the checked directory: the next run reads it, finds no template, and
    // rewrites it; so does the default baseline file.
    for _ in 0..2 {
        let out = infralint(
            &["check", "--format", "json", "-o", "report.json", "."],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap())
                .unwrap();
        assert_eq!(report["findings"][0]["resource"], "aws_eip.orphan");
        let out = infralint(&["baseline", "."], dir.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let baseline =
            std::fs::read_to_string(dir.path().join(".infralint-baseline.json")).unwrap();
        assert!(baseline.contains("aws_eip.orphan"), "{baseline}");
    }
    // A YAML file that is not a template is no input: the user may overwrite it.
    let out = infralint(&["check", "-o", "notes.yaml", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // No temporary file is left behind.
    let names: Vec<PathBuf> = tree(dir.path()).into_keys().collect();
    assert_eq!(
        names,
        [
            ".infralint-baseline.json",
            "main.tf",
            "notes.yaml",
            "report.json"
        ]
        .map(PathBuf::from)
    );
    // Devices are written in place, never replaced.
    #[cfg(unix)]
    {
        let out = infralint(&["check", "-o", "/dev/null", "."], dir.path());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let out = infralint(
            &["check", "--format", "compact", "-o", "/dev/stdout", "."],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("eip-unattached"));
    }
}

/// A write that fails half way (here: the file size limit, as a full disk would) leaves the
/// previous report as it was, and no temporary file.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_old_file_intact() {
    let dir = scratch(&[
        ("main.tf", eips(50).as_bytes()),
        ("report.json", b"the old report\n"),
        ("base.json", b"{\"version\": 1, \"findings\": []}\n"),
    ]);
    let before = tree(dir.path());
    // `ulimit -f 1`: no file may grow past 512 bytes; SIGXFSZ ignored, so the write fails
    // with EFBIG instead of killing the process.
    for (args, target) in [
        (
            &["check", "--format", "json", "-o", "report.json", "."][..],
            "report.json",
        ),
        (
            &["baseline", "--output", "report.json", "."][..],
            "report.json",
        ),
        (
            &["check", "--baseline", "base.json", "--baseline-update", "."][..],
            "base.json",
        ),
    ] {
        let out = Command::new("sh")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_infralint"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("cannot write {target}")),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_unchanged(&before, &tree(dir.path()), &format!("{args:?}"));
    }
}

/// Concurrent runs writing one path: a reader never sees a partial file, and the file is
/// always exactly one of the complete reports.
#[test]
fn concurrent_writes_to_one_path_never_mix_nor_show_a_partial_file() {
    let sizes = [900, 1, 600, 40, 750, 10, 450, 5];
    let files: Vec<(String, String)> = sizes
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("in{i}/main.tf"), eips(*n)))
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let dir = scratch(&refs);
    let args = |i: usize, out: &str| -> Vec<String> {
        [
            "check",
            "--format",
            "json",
            "--now",
            "2026-01-01",
            "-o",
            out,
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("in{i}")])
        .collect()
    };
    // Each run's report, written alone.
    let mut reports = Vec::new();
    for i in 0..sizes.len() {
        let out = bin()
            .args(args(i, "alone.json"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        reports.push(std::fs::read(dir.path().join("alone.json")).unwrap());
    }
    let same = dir.path().join("same.json");
    std::fs::write(&same, &reports[0]).unwrap();
    for round in 0..4 {
        let mut children: Vec<Child> = (0..sizes.len())
            .map(|i| {
                bin()
                    .args(args(i, "same.json"))
                    .current_dir(dir.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        // Read while they write.
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut reads = 0;
        while !children.is_empty() {
            let seen = std::fs::read(&same).unwrap();
            reads += 1;
            assert!(
                reports.contains(&seen),
                "round {round}, read {reads}: a partial or mixed file ({} bytes)",
                seen.len()
            );
            children.retain_mut(|c| {
                let done = c.try_wait().unwrap();
                if let Some(status) = done {
                    assert_eq!(status.code(), Some(1));
                }
                done.is_none()
            });
            if Instant::now() > deadline {
                for c in &mut children {
                    let _ = c.kill();
                }
                panic!("the concurrent runs are still running after 120 s");
            }
        }
        let written = std::fs::read(&same).unwrap();
        assert!(
            reports.contains(&written),
            "round {round}: the file is none of the reports ({} bytes)",
            written.len()
        );
    }
    let names: Vec<PathBuf> = tree(dir.path())
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e != "tf"))
        .collect();
    assert_eq!(names, ["alone.json", "same.json"].map(PathBuf::from));
}

fn entries(path: &Path) -> Vec<(String, String)> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, r)| (f.to_string(), r.to_string()))
        .collect()
}

#[test]
fn a_baseline_checked_on_a_subset_keeps_and_never_fixes_the_other_entries() {
    let dir = scratch(&[
        ("a/main.tf", UNATTACHED),
        (
            "a/old.tf",
            b"resource \"aws_eip\" \"old\" {\n  domain = \"vpc\"\n}\n",
        ),
        ("b/main.tf", UNATTACHED),
        ("c/template.yaml", TEMPLATE),
    ]);
    let base = dir.path().join("base.json");
    let out = infralint(
        &["baseline", "--output", "base.json", "a", "b", "c"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = pairs(&[
        ("a/main.tf", "aws_eip.orphan"),
        ("a/old.tf", "aws_eip.old"),
        ("b/main.tf", "aws_eip.orphan"),
        ("c/template.yaml", "Ip"),
    ]);
    assert_eq!(entries(&base), all);

    // A run on `a` only: nothing fixed (b and c are not its business), nothing new.
    let out = infralint(
        &["check", "--format", "json", "--baseline", "base.json", "a"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["fixed"], 0, "{json}");
    assert_eq!(json["summary"]["baselined"], 2, "{json}");
    let out = infralint(&["check", "--baseline", "base.json", "a"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("fixed since the baseline:"), "{text}");
    assert!(text.contains("2 in the baseline, 0 fixed since"), "{text}");
    // ... and updating the baseline from it keeps every entry.
    let out = infralint(
        &["check", "--baseline", "base.json", "--baseline-update", "a"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(entries(&base), all);

    // `a/old.tf` deleted, `a/main.tf` fixed: both fixed (the deleted file is under a checked
    // path), the other paths' entries still kept.
    std::fs::remove_file(dir.path().join("a/old.tf")).unwrap();
    std::fs::write(dir.path().join("a/main.tf"), "# clean\n").unwrap();
    let out = infralint(
        &["check", "--format", "json", "--baseline", "base.json", "a"],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["fixed"], 2, "{json}");
    let out = infralint(
        &["check", "--baseline", "base.json", "--baseline-update", "a"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        entries(&base),
        pairs(&[("b/main.tf", "aws_eip.orphan"), ("c/template.yaml", "Ip")])
    );

    // A file named on the command line: its own entries only.
    let out = infralint(
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "base.json",
            "c/template.yaml",
        ],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            json["summary"]["fixed"].clone(),
            json["summary"]["baselined"].clone()
        ),
        (0.into(), 1.into()),
        "{json}"
    );
    // A full run still reports what was fixed everywhere.
    std::fs::write(dir.path().join("b/main.tf"), "# clean\n").unwrap();
    let out = infralint(
        &["check", "--format", "json", "--baseline", "base.json", "."],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["fixed"], 1, "{json}");
}

#[cfg(unix)]
#[test]
fn a_failed_write_to_standard_output_is_an_error() {
    let dir = scratch(&[("main.tf", UNATTACHED)]);
    // A full device.
    for args in [
        &["check", "."][..],
        &["rules"][..],
        &["explain", "eip-unattached"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = bin()
            .args(args)
            .current_dir(dir.path())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("error: cannot write to standard output"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // A pipe whose reader goes away before the end of a report larger than the pipe's buffer.
    let big = scratch(&[("main.tf", eips(2000).as_bytes())]);
    let mut child = bin()
        .args(["check", "--format", "compact", "."])
        .current_dir(big.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = wait_with_deadline(child, 60, "a closed pipe");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the reader closed the pipe before the end of the output"),
        "{}",
        stderr(&out)
    );
    // A reader that reads everything: no error.
    let out = infralint(&["check", "--format", "compact", "."], big.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2000);
}

#[cfg(unix)]
#[test]
fn option_files_that_are_not_regular_files_are_refused_at_once() {
    let dir = scratch(&[("main.tf", UNATTACHED)]);
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Through a configuration file too.
    std::fs::write(dir.path().join("conf.toml"), "usage = \"fifo\"\n").unwrap();
    std::fs::write(
        dir.path().join("inv.toml"),
        "ami_inventory = \"/dev/zero\"\n",
    )
    .unwrap();
    let mut cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--config", "conf.toml"], "usage file"),
        (vec!["--config", "inv.toml"], "AMI inventory"),
    ];
    for special in ["fifo", "/dev/zero"] {
        for (option, what) in [
            ("--var-file", "variables file (--var-file)"),
            ("--parameter-file", "parameter file (--parameter-file)"),
            ("--usage", "usage file (--usage"),
            ("--ami-inventory", "AMI inventory (--ami-inventory"),
            ("--config", "configuration file (--config"),
            ("--baseline", "baseline (--baseline)"),
        ] {
            cases.push((vec![option, special], what));
        }
    }
    for (options, what) in cases {
        let child = bin()
            .arg("check")
            .args(&options)
            .arg(".")
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = wait_with_deadline(child, 10, &format!("{options:?}"));
        assert_eq!(out.status.code(), Some(2), "{options:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("cannot read the {what}"))
                && err.contains("not a regular file (a FIFO, a device or a directory)"),
            "{options:?}: {err}"
        );
    }
    // A regular file above the limit (sparse: no disk used): refused without being read.
    let huge = dir.path().join("huge.tfvars");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(128 * 1024 * 1024 + 1)
        .unwrap();
    let out = infralint(&["check", "--var-file", "huge.tfvars", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "huge.tfvars: cannot read the variables file (--var-file): larger than 128 MiB, the limit for option files"
        ),
        "{}",
        stderr(&out)
    );
}
