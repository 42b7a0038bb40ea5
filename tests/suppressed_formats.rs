//! Issue #17: `--show-suppressed` in every format. Without the flag no format but SARIF (which
//! always carries them, as dismissed results) shows suppressed findings; with it, each lists
//! them marked as suppressed, with the reason, and never counts them as failures.

mod support;
use support::scratch_text as scratch;
use support::stdout;

use std::path::Path;
use std::process::Output;

/// `kept.tf` has one finding (`eip-unattached`); `quiet.tf` one suppressed finding.
fn tree() -> tempfile::TempDir {
    scratch(&[
        (
            "kept.tf",
            "resource \"aws_eip\" \"idle\" {\n  domain = \"vpc\"\n}\n",
        ),
        (
            "quiet.tf",
            "# infralint:ignore[eip-unattached] DR address (NET-77)\nresource \"aws_eip\" \"spare\" {\n  domain = \"vpc\"\n}\n",
        ),
    ])
}

/// `check ARGS...` in `dir`.
fn run(dir: &Path, args: &[&str]) -> Output {
    support::infralint(&[&["check"], args].concat(), dir)
}

const FORMATS: &[&str] = &[
    "human",
    "compact",
    "json",
    "junit",
    "github",
    "checkstyle",
    "markdown",
];

#[test]
fn without_the_flag_only_sarif_carries_suppressed_findings() {
    let dir = tree();
    for format in FORMATS {
        let out = run(dir.path(), &["-f", format, "."]);
        let text = stdout(&out);
        assert!(
            !text.contains("spare") && !text.contains("NET-77"),
            "{format} shows a suppressed finding without --show-suppressed:\n{text}"
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
    let sarif: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &["-f", "sarif", "."]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let dismissed: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(dismissed.len(), 1);
    assert_eq!(
        dismissed[0]["suppressions"],
        serde_json::json!([{"kind": "inSource", "justification": "DR address (NET-77)"}])
    );
}

#[test]
fn every_format_lists_suppressed_findings_with_the_flag() {
    let dir = tree();
    let show = |format: &str| stdout(&run(dir.path(), &["-f", format, "--show-suppressed", "."]));

    let json: serde_json::Value = serde_json::from_str(&show("json")).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert_eq!(json["summary"]["findings"], 1);
    let suppressed = json["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["resource"], "aws_eip.spare");
    assert_eq!(suppressed[0]["suppressed_because"], "DR address (NET-77)");
    assert!(json["findings"][0].get("suppressed_because").is_none());

    let compact = show("compact");
    assert!(
        compact.contains("quiet.tf:2:1: suppressed[eip-unattached] Elastic IP `aws_eip.spare`")
            && compact
                .lines()
                .last()
                .unwrap()
                .ends_with("(DR address (NET-77))"),
        "{compact}"
    );
    assert_eq!(compact.matches("warning[").count(), 1, "{compact}");

    let github = show("github");
    assert!(
        github.contains(
            "::notice file=quiet.tf,line=2,col=1,endLine=2,endColumn=27,title=eip-unattached (suppressed)::"
        ) && github.contains("(suppressed: DR address (NET-77))"),
        "{github}"
    );
    assert_eq!(github.matches("::warning").count(), 1, "{github}");

    let checkstyle = show("checkstyle");
    let doc = roxmltree::Document::parse(&checkstyle).unwrap();
    let severities: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .map(|n| {
            (
                n.parent().unwrap().attribute("name").unwrap(),
                n.attribute("severity").unwrap(),
            )
        })
        .collect();
    assert_eq!(severities, [("kept.tf", "warning"), ("quiet.tf", "ignore")]);

    let junit = show("junit");
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("skipped"), Some("1"));
    let quiet = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("quiet.tf"))
        .unwrap();
    assert_eq!(quiet.attribute("failures"), Some("0"));
    let case = quiet
        .children()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("eip-unattached"));
    let skipped = case.children().find(|n| n.has_tag_name("skipped")).unwrap();
    assert_eq!(
        skipped.attribute("message"),
        Some("suppressed: DR address (NET-77)")
    );
    assert!(!case.children().any(|n| n.has_tag_name("failure")));

    let markdown = show("markdown");
    assert!(
        markdown.contains("### infralint: 1 finding, $3.65 per month")
            && markdown.contains("<details><summary>1 suppressed finding (not counted)</summary>")
            && markdown.contains(
                "| `eip-unattached` | `aws_eip.spare` | `quiet.tf:2` | DR address (NET-77) |"
            ),
        "{markdown}"
    );

    let human = show("human");
    assert!(human.contains("(suppressed)"), "{human}");
}

/// Only suppressed findings: every format exits 0 with the flag (listed, not failures).
#[test]
fn suppressed_findings_never_fail_the_run() {
    let dir = tree();
    std::fs::remove_file(dir.path().join("kept.tf")).unwrap();
    for format in FORMATS.iter().chain(&["sarif"]) {
        let out = run(dir.path(), &["-f", format, "--show-suppressed", "."]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stdout(&out));
        assert!(stdout(&out).contains("spare"), "{format}");
    }
}
