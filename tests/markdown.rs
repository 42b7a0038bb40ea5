//! `check --format markdown`: the summary for `$GITHUB_STEP_SUMMARY`.

use std::process::Command;

#[test]
fn check_markdown_summary_of_the_demo() {
    let out = Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args([
            "check",
            "--now",
            "2026-12-01",
            "--format",
            "markdown",
            "fixtures/demo",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // The same exit code as any other format: the demo has warnings.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.starts_with("<!-- infralint-check -->\n### infralint: "));
    assert!(text.chars().count() <= 60_000);
    insta::assert_snapshot!(text);
}
