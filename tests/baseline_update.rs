//! `check --baseline FILE --baseline-update` records today's findings: it exits 0 (they are
//! not new any more), and 2 only when the run itself failed.

use std::process::Command;

#[test]
fn baseline_update_exits_0_after_recording_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_eip\" \"orphan\" {\n  domain = \"vpc\"\n}\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_infralint"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    // A new finding, recorded: exit 0, and the baseline holds it.
    let out = run(&["check", "--baseline", "base.json", "--baseline-update", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let base = std::fs::read_to_string(dir.path().join("base.json")).unwrap();
    assert!(base.contains("aws_eip.orphan"), "{base}");
    // Without the update, the same finding is baselined: exit 0; a new one fails.
    let out = run(&["check", "--baseline", "base.json", "."]);
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(
        dir.path().join("more.tf"),
        "resource \"aws_eip\" \"more\" {\n  domain = \"vpc\"\n}\n",
    )
    .unwrap();
    let out = run(&["check", "--baseline", "base.json", "."]);
    assert_eq!(out.status.code(), Some(1));
    // A file that does not parse still fails the update.
    std::fs::write(dir.path().join("broken.tf"), "resource \"aws_eip\" {\n").unwrap();
    let out = run(&["check", "--baseline", "base.json", "--baseline-update", "."]);
    assert_eq!(out.status.code(), Some(2));
}
