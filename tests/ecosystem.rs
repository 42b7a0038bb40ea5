//! Issue #17 end to end: ignore files, `--exclude`, CLI conventions, SARIF and JUnit as their
//! consumers read them. Every run has its own temporary tree and its own HOME (the global git
//! excludes of the machine running the tests never apply).

mod support;
use support::scratch_text as scratch;
use support::{infralint, stderr, stdout};

use std::process::Output;

/// A Terraform file with one finding (`eip-unattached`).
const IDLE_EIP: &str = "resource \"aws_eip\" \"idle\" {\n  domain = \"vpc\"\n}\n";

/// The files with a finding, from the compact format (`path:line:col: ...`), sorted.
fn finding_files(o: &Output) -> Vec<String> {
    let mut files: Vec<String> = stdout(o)
        .lines()
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------- walking the tree

#[test]
fn ignore_files_and_default_directories_are_respected() {
    let dir = scratch(&[
        ("live/main.tf", IDLE_EIP),
        ("node_modules/pkg/main.tf", IDLE_EIP),
        ("stack/.terragrunt-cache/abc/main.tf", IDLE_EIP),
        ("build/main.tf", IDLE_EIP),
        ("scratch/main.tf", IDLE_EIP),
        ("vendored/main.tf", IDLE_EIP),
        ("cdk.out/main.tf", IDLE_EIP),
        (".gitignore", "build/\n"),
        (".ignore", "scratch/\n"),
        (".infralintignore", "vendored/\n"),
        (".test-home/.config/git/ignore", "cdk.out/\n"),
    ]);
    let o = infralint(&["check", "--format", "compact", "."], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(finding_files(&o), ["live/main.tf"]);
}

#[test]
fn no_ignore_lints_everything() {
    let dir = scratch(&[
        ("live/main.tf", IDLE_EIP),
        ("node_modules/pkg/main.tf", IDLE_EIP),
        (".terragrunt-cache/abc/main.tf", IDLE_EIP),
        ("build/main.tf", IDLE_EIP),
        (".gitignore", "build/\n"),
    ]);
    let o = infralint(
        &["check", "--format", "compact", "--no-ignore", "."],
        dir.path(),
    );
    assert_eq!(
        finding_files(&o),
        [
            ".terragrunt-cache/abc/main.tf",
            "build/main.tf",
            "live/main.tf",
            "node_modules/pkg/main.tf"
        ]
    );
}

#[test]
fn a_path_named_on_the_command_line_is_linted_even_when_ignored() {
    let dir = scratch(&[
        ("node_modules/pkg/main.tf", IDLE_EIP),
        ("build/main.tf", IDLE_EIP),
        ("gen/x/main.tf", IDLE_EIP),
        (".gitignore", "build/\ngen/\n"),
    ]);
    let o = infralint(
        &[
            "check",
            "--format",
            "compact",
            "node_modules",
            "build/main.tf",
            "gen/x",
        ],
        dir.path(),
    );
    assert_eq!(
        finding_files(&o),
        ["build/main.tf", "gen/x/main.tf", "node_modules/pkg/main.tf"]
    );
}

#[test]
fn exclude_on_the_command_line_is_not_walked() {
    let dir = scratch(&[
        ("live/main.tf", IDLE_EIP),
        ("legacy/old/main.tf", IDLE_EIP),
        ("other/main.tf", IDLE_EIP),
    ]);
    let o = infralint(
        &[
            "check",
            "--format",
            "compact",
            "--exclude",
            "legacy/**",
            "--exclude",
            "other",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(finding_files(&o), ["live/main.tf"]);
    let o = infralint(&["check", "--exclude", "a/[", "."], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid glob `a/[`"), "{}", stderr(&o));
}

/// An excluded directory is not walked into: a symbolic link back to its parent (which the
/// walk reports as a warning when it meets it) is never met.
#[cfg(unix)]
#[test]
fn excluded_directories_are_not_walked() {
    let dir = scratch(&[
        ("live/main.tf", IDLE_EIP),
        ("legacy/old/main.tf", IDLE_EIP),
        (".infralint.toml", "exclude = [\"legacy/**\"]\n"),
    ]);
    std::os::unix::fs::symlink("..", dir.path().join("legacy/old/loop")).unwrap();
    let o = infralint(&["check", "--format", "compact", "."], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(finding_files(&o), ["live/main.tf"]);
    assert_eq!(stderr(&o), "");
    // Without the exclusion the walk meets the link.
    std::fs::remove_file(dir.path().join(".infralint.toml")).unwrap();
    let o = infralint(&["check", "--format", "compact", "."], dir.path());
    assert!(
        stderr(&o).contains("legacy/old/loop: symbolic link to"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_run_with_nothing_to_check_says_so() {
    let dir = scratch(&[("docs/readme.md", "# nothing\n")]);
    let o = infralint(&["check", "docs"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "No Terraform or CloudFormation files under docs.\n"
    );

    let dir = scratch(&[("node_modules/pkg/main.tf", IDLE_EIP)]);
    let o = infralint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "warning: no Terraform or CloudFormation files under . (1 file is ignored by an ignore file or in node_modules or .terragrunt-cache; --no-ignore checks it)\n"
    );
}

// ---------------------------------------------------------------- CLI conventions

#[test]
fn short_options_and_case_insensitive_formats() {
    let dir = scratch(&[
        ("live/main.tf", IDLE_EIP),
        (
            "strict.toml",
            "[rules.eip-unattached]\nseverity = \"error\"\n",
        ),
    ]);
    let o = infralint(
        &["check", "-f", "COMPACT", "-c", "strict.toml", "live"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("live/main.tf:1:1: error[eip-unattached] "),
        "{}",
        stdout(&o)
    );
    let o = infralint(&["check", "--format", "Json", "live"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["findings"][0]["rule"], "eip-unattached");
    let o = infralint(&["rules", "-f", "JSON"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap();
}

#[test]
fn unknown_rule_ids_get_a_suggestion_everywhere() {
    let dir = scratch(&[
        ("bad.toml", "[rules.eip-unatached]\nseverity = \"off\"\n"),
        (
            "s/main.tf",
            "resource \"aws_eip\" \"idle\" { # infralint:ignore[eip-unatached] fine\n  domain = \"vpc\"\n}\n",
        ),
        (
            "m/main.tf",
            "resource \"aws_eip\" \"idle\" { # infralint:ignore[eip-unatached, ami-stael, zzz] fine\n  domain = \"vpc\"\n}\n",
        ),
    ]);
    let o = infralint(&["check", "-c", "bad.toml", "s"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: bad.toml:1: unknown rule `eip-unatached` in [rules]; did you mean `eip-unattached`? (`infralint rules` lists them)\n"
    );
    let o = infralint(&["check", "--severity", "ami-stael=off", "s"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule `ami-stael`; did you mean `ami-stale`?"),
        "{}",
        stderr(&o)
    );
    let o = infralint(&["explain", "ami-stael"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown rule `ami-stael`; did you mean `ami-stale`? (`infralint explain` with no argument lists them)\n"
    );
    let o = infralint(&["check", "-f", "compact", "s", "m"], dir.path());
    let out = stdout(&o);
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("invalid-suppression"))
        .map(|l| l.split_once("] ").unwrap().1)
        .collect();
    assert_eq!(
        lines,
        [
            "suppression names unknown rules `eip-unatached`, `ami-stael`, `zzz`; did you mean `eip-unattached` (for `eip-unatached`) and `ami-stale` (for `ami-stael`)?",
            "suppression names unknown rule `eip-unatached`; did you mean `eip-unattached`?",
        ]
    );
}

#[test]
fn explain_without_a_rule_lists_the_rules() {
    let dir = scratch(&[]);
    let explain = infralint(&["explain"], dir.path());
    assert_eq!(explain.status.code(), Some(0));
    let rules = infralint(&["rules"], dir.path());
    assert_eq!(stdout(&explain), stdout(&rules));
    assert!(stdout(&explain).contains("\n  eip-unattached "));
}

#[test]
fn rules_text_shows_only_what_differs() {
    let dir = scratch(&[]);
    let o = infralint(&["rules"], dir.path());
    assert!(!stdout(&o).contains("on by default:"), "{}", stdout(&o));
    let line = stdout(&o)
        .lines()
        .find(|l| l.trim_start().starts_with("eip-unattached "))
        .unwrap()
        .to_string();
    assert_eq!(
        line,
        "  eip-unattached             warning  Elastic IP that nothing in its module or template associates (billed every hour)"
    );
}

#[test]
fn pricing_as_json() {
    let dir = scratch(&[]);
    let o = infralint(
        &["pricing", "-f", "json", "--region", "eu-west-1"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["region"], "eu-west-1");
    assert_eq!(json["currency"], "USD");
    assert_eq!(json["hours_per_month"], 730.0);
    assert!(json["prices"]["gp3_gb_month"].as_f64().unwrap() > 0.0);
    assert!(json["prices"]["source"]
        .as_str()
        .unwrap()
        .starts_with("AWS Price List API"));
}

// ---------------------------------------------------------------- SARIF

fn assert_valid_sarif(log: &serde_json::Value) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/schemas/sarif-schema-2.1.0.json"
    );
    let copy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(path)
        .or_else(|_| std::fs::read_to_string(copy))
        .expect("the SARIF 2.1.0 schema");
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// A CI step whose `working-directory` is `live/prod` checks `../../modules`: the alert's
/// URI is relative to the repository root (found by its `.git`), not `../../modules/...`.
#[test]
fn sarif_uris_are_relative_to_the_repository_root() {
    let dir = scratch(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("modules/net/main.tf", IDLE_EIP),
        ("live/prod/main.tf", "# nothing here\n"),
    ]);
    let cwd = dir.path().join("live/prod");
    let o = infralint(
        &[
            "check",
            "-f",
            "sarif",
            "--fail-on",
            "never",
            "../../modules",
        ],
        &cwd,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let location = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "modules/net/main.tf");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
    let root = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", root.display())
    );
    assert_eq!(run["automationDetails"]["id"], "infralint/");
    // `fullDescription` carries the list its paragraph introduces.
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ebs-unencrypted")
        .unwrap();
    let full = rule["fullDescription"]["text"].as_str().unwrap();
    assert!(
        full.starts_with("Reports a volume when either of these is true:\n- **`encrypted` is explicitly `false`**"),
        "{full}"
    );

    // `--root` names it explicitly; a file outside it is an absolute URI.
    let o = infralint(
        &[
            "check",
            "-f",
            "sarif",
            "--root",
            "../../modules/net",
            "../../modules",
        ],
        &cwd,
    );
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&log);
    let location =
        &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "main.tf");
    let o = infralint(
        &["check", "-f", "sarif", "--root", ".", "../../modules"],
        &cwd,
    );
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let location =
        &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(
        location["uri"],
        format!("file://{}/modules/net/main.tf", root.display())
    );
    assert!(location.get("uriBaseId").is_none());
}

// ---------------------------------------------------------------- JUnit

/// `(suite, case, failure message or "", system-out present)` of every test case.
fn junit_cases(xml: &str) -> Vec<(String, String, String, bool)> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed JUnit XML");
    let mut out = Vec::new();
    for suite in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
    {
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(
            suite.attribute("tests"),
            Some(cases.len().to_string().as_str())
        );
        for case in cases {
            let failures: Vec<_> = case
                .children()
                .filter(|n| n.has_tag_name("failure"))
                .collect();
            assert!(
                failures.len() <= 1,
                "at most one <failure> per test case: {xml}"
            );
            out.push((
                suite.attribute("name").unwrap().to_string(),
                case.attribute("name").unwrap().to_string(),
                failures
                    .first()
                    .and_then(|f| f.attribute("message"))
                    .unwrap_or("")
                    .to_string(),
                case.children().any(|n| n.has_tag_name("system-out")),
            ));
        }
    }
    out
}

#[test]
fn junit_has_a_case_per_rule_and_file_failing_only_at_fail_on() {
    let dir = scratch(&[
        (
            "net/main.tf",
            "resource \"aws_eip\" \"a\" {\n  domain = \"vpc\"\n}\n\nresource \"aws_eip\" \"b\" {\n  domain = \"vpc\"\n}\n",
        ),
        ("clean/main.tf", "locals {\n  x = 1\n}\n"),
    ]);
    let o = infralint(&["check", "-f", "junit", "net", "clean"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    assert!(
        xml.contains("<testsuites name=\"infralint\" tests=\"2\" failures=\"1\" errors=\"0\">"),
        "{xml}"
    );
    assert_eq!(
        junit_cases(&xml),
        [
            (
                "clean/main.tf".into(),
                "checked".into(),
                String::new(),
                false
            ),
            (
                "net/main.tf".into(),
                "eip-unattached".into(),
                "2 findings of eip-unattached".into(),
                false
            ),
        ]
    );
    // Both findings are in the one failure's text.
    assert_eq!(
        xml.matches("net/main.tf:1:1: warning[eip-unattached]")
            .count(),
        1
    );
    assert_eq!(
        xml.matches("net/main.tf:5:1: warning[eip-unattached]")
            .count(),
        1
    );

    // Below `--fail-on`: the case passes, its findings in <system-out>; the exit code agrees.
    let o = infralint(
        &["check", "-f", "junit", "--fail-on", "error", "net"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        junit_cases(&stdout(&o)),
        [(
            "net/main.tf".into(),
            "eip-unattached".into(),
            String::new(),
            true
        )]
    );
}

// ---------------------------------------------------------------- suppressions

/// `severity: message` of one rule's findings, from the compact format
/// (`path:line:col: severity[rule] message`).
fn messages_of(o: &Output, rule: &str) -> Vec<String> {
    stdout(o)
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once(": ")?;
            let (severity, rest) = rest.split_once('[')?;
            let message = rest.strip_prefix(rule)?.strip_prefix("] ")?;
            Some(format!("{severity}: {message}"))
        })
        .collect()
}

#[test]
fn near_miss_suppressions_are_reported_with_the_intended_form() {
    let dir = scratch(&[(
        "main.tf",
        "# infralint: ignore[eip-unattached] kept for the failover\nresource \"aws_eip\" \"a\" {\n  domain = \"vpc\"\n}\n\n# InfraLint:Ignore[eip-unattached] same\nresource \"aws_eip\" \"b\" {\n  domain = \"vpc\"\n}\n",
    )]);
    let o = infralint(&["check", "-f", "compact", "."], dir.path());
    assert_eq!(
        messages_of(&o, "invalid-suppression"),
        [
            "warning: not read as a suppression: write `infralint:ignore[eip-unattached] kept for the failover` (lower case, no space around `:`)",
            "warning: not read as a suppression: write `infralint:ignore[eip-unattached] same` (lower case, no space around `:`)",
        ]
    );
    // Not honoured: both EIPs are reported.
    assert_eq!(messages_of(&o, "eip-unattached").len(), 2);
}

#[test]
fn an_id_of_a_multi_id_suppression_that_matches_nothing_is_unused() {
    let dir = scratch(&[(
        "main.tf",
        "# infralint:ignore[eip-unattached, ebs-magnetic] reserved for the failover\nresource \"aws_eip\" \"a\" {\n  domain = \"vpc\"\n}\n",
    )]);
    let o = infralint(&["check", "-f", "compact", "."], dir.path());
    assert_eq!(messages_of(&o, "eip-unattached"), Vec::<String>::new());
    assert_eq!(
        messages_of(&o, "unused-suppression"),
        ["info: suppression of `ebs-magnetic` matches no finding"]
    );
}

/// SARIF always carries suppressed findings, with the suppression's reason.
#[test]
fn sarif_carries_suppressed_results_with_their_justification() {
    let dir = scratch(&[(
        "main.tf",
        "# infralint:ignore[eip-unattached] kept for the DR failover (NET-77)\nresource \"aws_eip\" \"a\" {\n  domain = \"vpc\"\n}\n\nresource \"aws_eip\" \"b\" {\n  domain = \"vpc\"\n}\n",
    )]);
    let o = infralint(&["check", "-f", "sarif", "."], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let summary: Vec<(String, serde_json::Value)> = results
        .iter()
        .map(|r| {
            (
                r["properties"]["resource"].as_str().unwrap().to_string(),
                r.get("suppressions").cloned().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("aws_eip.b".to_string(), serde_json::Value::Null),
            (
                "aws_eip.a".to_string(),
                serde_json::json!([{"kind": "inSource", "justification": "kept for the DR failover (NET-77)"}])
            ),
        ]
    );
}
