//! The file system end to end, through the binary: symbolic links (followed as Terraform reads
//! them, loops not followed twice, broken ones reported), names that are not UTF-8, and control
//! characters in paths (escaped in every output, never splitting a line or reaching the
//! terminal raw).
#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn infralint<S: AsRef<OsStr>>(args: &[S], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("the output is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `(path, rule)` of every finding of a `--format json` run.
fn findings(o: &Output) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    let mut out: Vec<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `(path, message)` of every error of a `--format json` run.
fn errors(o: &Output) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap_or_default().to_string(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// A throwaway directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("infralint-fs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: impl AsRef<Path>, text: &str) {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `link` (relative to the scratch directory) pointing at `target` (as written).
    fn link(&self, target: &str, link: impl AsRef<Path>) {
        let path = self.0.join(link);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        symlink(target, path).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A volume whose type comes from `var.volume_type`, declared elsewhere.
const VOLUME_OF_VAR_TYPE: &str = "resource \"aws_ebs_volume\" \"db\" {\n  availability_zone = \"us-east-1a\"\n  type              = var.volume_type\n  size              = 100\n  iops              = 5000\n  encrypted         = true\n}\n";
const IO1_DEFAULT: &str =
    "variable \"volume_type\" {\n  type    = string\n  default = \"io1\"\n}\n";
const IO1_VOLUME: &str = "resource \"aws_ebs_volume\" \"db\" {\n  availability_zone = \"us-east-1a\"\n  type              = \"io1\"\n  size              = 100\n  iops              = 5000\n  encrypted         = true\n}\n";
const GP3_VOLUME: &str = "resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"us-east-1a\"\n  type              = \"gp3\"\n  size              = 100\n  encrypted         = true\n}\n";
const ATTACHMENT: &str = "resource \"aws_volume_attachment\" \"data\" {\n  device_name = \"/dev/sdf\"\n  volume_id   = aws_ebs_volume.data.id\n  instance_id = \"i-0123456789abcdef0\"\n}\n";

/// The common layout `variables.tf -> ../../common/variables.tf`: the linked variables file is
/// part of the module (Terraform reads it), so the io1 type it defaults to is known. Before,
/// the link was skipped and the finding silently lost.
#[test]
fn a_symlinked_variables_file_is_part_of_its_module() {
    let s = Scratch::new("linked-vars");
    s.write("common/variables.tf", IO1_DEFAULT);
    s.write("envs/prod/main.tf", VOLUME_OF_VAR_TYPE);
    s.link("../../common/variables.tf", "envs/prod/variables.tf");
    let out = infralint(&["check", "--format", "json", "envs"], s.path());
    let found = findings(&out);
    assert!(
        found.contains(&("envs/prod/main.tf".into(), "ebs-io1-to-io2".into())),
        "{found:?}\n{}",
        stderr(&out)
    );
    assert!(errors(&out).is_empty(), "{:?}", errors(&out));
}

/// A symlinked file that attaches the volume: no false `ebs-volume-unattached`.
#[test]
fn a_symlinked_attachment_file_attaches_the_volume() {
    let s = Scratch::new("linked-attachment");
    s.write("shared/attach.tf", ATTACHMENT);
    s.write("app/main.tf", GP3_VOLUME);
    s.link("../shared/attach.tf", "app/attach.tf");
    let out = infralint(&["check", "--format", "json", "app"], s.path());
    assert_eq!(findings(&out), vec![], "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Named on the command line, the linked file is the module's context too.
    let out = infralint(&["check", "--format", "json", "app/main.tf"], s.path());
    assert_eq!(findings(&out), vec![], "{}", stderr(&out));
}

/// A module that the run calls but does not walk is read with its symlinked files, as
/// Terraform reads them.
#[test]
fn a_symlinked_file_in_a_called_module_is_read() {
    let s = Scratch::new("linked-in-module");
    s.write("shared/volume.tf", IO1_VOLUME);
    s.link("../../shared/volume.tf", "modules/db/volume.tf");
    s.write(
        "live/main.tf",
        "module \"db\" {\n  source = \"../modules/db\"\n}\n",
    );
    let out = infralint(&["check", "--format", "json", "live"], s.path());
    assert!(
        findings(&out).contains(&("modules/db/volume.tf".into(), "ebs-io1-to-io2".into())),
        "{:?}\n{}",
        findings(&out),
        stderr(&out)
    );
}

/// A symlinked directory is walked like the directory it points to, under its own path.
#[test]
fn a_symlinked_directory_is_walked() {
    let s = Scratch::new("linked-dir");
    s.write("modules/db/main.tf", IO1_VOLUME);
    s.link("../modules/db", "live/db");
    let out = infralint(&["check", "--format", "json", "live"], s.path());
    assert_eq!(
        findings(&out),
        vec![
            ("live/db/main.tf".into(), "ebs-io1-to-io2".into()),
            ("live/db/main.tf".into(), "ebs-volume-unattached".into()),
        ],
        "{}",
        stderr(&out)
    );
}

/// A link back to a directory being walked is not followed: the walk ends, every file is
/// checked once (no duplicate finding), and a warning says which link was not followed. The
/// run does not fail for it: nothing was left unchecked.
#[test]
fn a_symlink_loop_is_walked_once_with_a_warning() {
    let s = Scratch::new("loop");
    s.write("stack/main.tf", IO1_VOLUME);
    s.link("..", "stack/parent");
    s.link(".", "stack/self");
    let out = infralint(&["check", "--format", "json", "."], s.path());
    assert_eq!(
        findings(&out),
        vec![
            ("stack/main.tf".into(), "ebs-io1-to-io2".into()),
            ("stack/main.tf".into(), "ebs-volume-unattached".into()),
        ],
        "{}",
        stderr(&out)
    );
    assert!(errors(&out).is_empty(), "{:?}", errors(&out));
    assert_eq!(out.status.code(), Some(1));
    let warnings = stderr(&out);
    assert!(
        warnings.contains("warning: stack/parent: symbolic link to")
            && warnings.contains("warning: stack/self: symbolic link to"),
        "{warnings}"
    );
}

/// A broken link named like a file we lint is an error with its path (exit 2); the other files
/// are still checked, but its module is incomplete (the missing file may be what attaches the
/// volume: no `ebs-volume-unattached` guessed). A broken link of another name is not ours.
#[test]
fn a_dangling_symlink_is_an_error_with_its_path() {
    let s = Scratch::new("dangling");
    s.write("app/main.tf", GP3_VOLUME);
    s.link("../shared/attach.tf", "app/attach.tf");
    s.link("nowhere.md", "app/README.md");
    s.write("other/main.tf", IO1_VOLUME);
    let out = infralint(&["check", "--format", "json", "."], s.path());
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(
        errors(&out),
        vec![(
            "app/attach.tf".into(),
            "cannot read file: broken symbolic link to ../shared/attach.tf (no such file or directory)".into()
        )]
    );
    assert_eq!(
        findings(&out),
        vec![
            ("other/main.tf".into(), "ebs-io1-to-io2".into()),
            ("other/main.tf".into(), "ebs-volume-unattached".into()),
        ]
    );
    // The same in the module of a file named on the command line.
    let out = infralint(&["check", "--format", "compact", "app/main.tf"], s.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out),
        "app/attach.tf: error[io-error] cannot read file: broken symbolic link to ../shared/attach.tf (no such file or directory)\n"
    );
}

/// A file whose name is not UTF-8 is walked and linted, and can be named; its name is shown
/// with the byte escaped (`\xe9`), never as U+FFFD, which two different names could share.
#[test]
fn a_name_that_is_not_utf8_is_linted_and_shown_escaped() {
    let s = Scratch::new("latin1");
    let name = OsStr::from_bytes(b"caf\xe9.tf");
    s.write(name, IO1_VOLUME);
    let compact = "caf\\xe9.tf:3:23: warning[ebs-io1-to-io2]";
    let out = infralint(&["check", "--format", "compact", "."], s.path());
    assert!(stdout(&out).contains(compact), "{}", stdout(&out));
    let named: [&OsStr; 4] = [
        "check".as_ref(),
        "--format".as_ref(),
        "compact".as_ref(),
        name,
    ];
    let out = infralint(&named, s.path());
    assert!(stdout(&out).contains(compact), "{}", stdout(&out));
    let out = infralint(&["check", "--format", "sarif", "."], s.path());
    assert!(
        stdout(&out).contains("\"uri\": \"caf%E9.tf\""),
        "{}",
        stdout(&out)
    );
}

/// A newline (and an escape character) in a directory name: one line per finding in
/// `compact` and `github`, the name escaped in the human report, the XML formats and JSON;
/// the SARIF URI percent-encodes the real bytes.
#[test]
fn control_characters_in_paths_are_escaped_in_every_format() {
    let s = Scratch::new("newline");
    s.write("we\nird/main.tf", IO1_VOLUME);
    s.write("esc\x1b[31m/main.tf", IO1_VOLUME);
    let run = |format: &str| {
        let out = infralint(&["check", "--format", format, "."], s.path());
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.contains('\x1b'),
            "{format}: a raw escape character:\n{text}"
        );
        text
    };
    let compact = run("compact");
    assert_eq!(compact.lines().count(), 4, "{compact}");
    assert!(
        compact
            .lines()
            .all(|l| l.starts_with("esc\\x1b[31m/main.tf:") || l.starts_with("we\\nird/main.tf:")),
        "{compact}"
    );
    let github = run("github");
    assert_eq!(github.lines().count(), 4, "{github}");
    assert!(github.contains("file=we\\nird/main.tf,line=1"), "{github}");
    let human = run("human");
    assert!(human.contains("[we\\nird/main.tf:1:1]"), "{human}");
    assert!(human.contains("[esc\\x1b[31m/main.tf:1:1]"), "{human}");
    assert!(!human.lines().any(|l| l.starts_with("ird/")), "{human}");
    for format in ["checkstyle", "junit"] {
        let xml = run(format);
        assert!(xml.contains("we\\nird/main.tf"), "{format}: {xml}");
        assert!(!xml.contains("&#10;ird"), "{format}: {xml}");
    }
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"we\\nird/main.tf"), "{files:?}");
    let sarif = run("sarif");
    assert!(sarif.contains("\"uri\": \"we%0Aird/main.tf\""), "{sarif}");
    assert!(
        sarif.contains("\"uri\": \"esc%1B%5B31m/main.tf\""),
        "{sarif}"
    );
}

/// `.terraform` and `.git` are always skipped; hidden files and directories are walked; the
/// ignore files apply unless `--no-ignore` (issue #17: until then no ignore rule applied).
#[test]
fn terraform_and_git_directories_are_skipped_and_ignore_files_apply() {
    let s = Scratch::new("skipped");
    s.write(".terraform/modules/x/main.tf", IO1_VOLUME);
    s.write(".git/x.tf", IO1_VOLUME);
    s.write(".hidden/main.tf", IO1_VOLUME);
    s.write(".gitignore", "ignored/\n");
    s.write("ignored/main.tf", IO1_VOLUME);
    let files = |args: &[&str]| -> Vec<String> {
        let out = infralint(args, s.path());
        findings(&out).into_iter().map(|(f, _)| f).collect()
    };
    assert_eq!(
        files(&["check", "--format", "json", "."]),
        vec![".hidden/main.tf", ".hidden/main.tf"]
    );
    assert_eq!(
        files(&["check", "--format", "json", "--no-ignore", "."]),
        vec![
            ".hidden/main.tf",
            ".hidden/main.tf",
            "ignored/main.tf",
            "ignored/main.tf"
        ]
    );
}
