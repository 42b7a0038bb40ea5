//! The machine formats end to end, on a real run: SARIF (schema-valid, every rule, relative
//! locations, stable fingerprints), JUnit and Checkstyle (parsed back with an XML parser),
//! GitHub workflow commands and the compact format (exact lines).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use infralint::engine::{self, CheckOptions, CheckResult};
use infralint::finding::{Category, Finding};
use infralint::report::{checkstyle, compact, github, junit, sarif};
use infralint::rules;
use serde_json::Value;

const MAIN_TF: &str = r#"resource "aws_eip" "orphan" {
  domain = "vpc"
}

resource "aws_ebs_volume" "v" {
  availability_zone = "us-east-1a"
  size              = 500
  encrypted         = true
}

resource "aws_volume_attachment" "v" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.v.id
  instance_id = "i-0123456789abcdef0"
}
"#;

const STACK_YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrphanIp:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
"#;

/// Unterminated block: a parse error at line 2, column 12 (the end of `  domain = `).
const BROKEN_TF: &str = "resource \"aws_eip\" \"x\" {\n  domain = \n";

/// A scratch directory below the current directory (the crate root under `cargo test`), so
/// that displayed paths are relative; removed on drop.
struct Scratch {
    /// As passed to the engine: relative to the current directory.
    rel: PathBuf,
}

impl Scratch {
    fn new(files: &[(&str, &str)]) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let cwd = std::env::current_dir().expect("a current directory");
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        // The target dir may live elsewhere (CARGO_TARGET_DIR): then use ./target/tmp.
        let base_rel = match base.strip_prefix(&cwd) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => PathBuf::from("target").join("tmp"),
        };
        let rel = base_rel.join(format!(
            "formats-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&rel);
        std::fs::create_dir_all(&rel).expect("scratch dir");
        let scratch = Scratch { rel };
        for (name, text) in files {
            scratch.write(name, text);
        }
        scratch
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.rel.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("scratch subdir");
        }
        std::fs::write(path, text).expect("scratch file");
    }

    fn path(&self, name: &str) -> PathBuf {
        self.rel.join(name)
    }

    /// How the engine displays `name` inside the scratch dir.
    fn display(&self, name: &str) -> String {
        engine::display_path(&self.rel.join(name))
    }

    fn check(&self, names: &[&str]) -> CheckResult {
        let options = CheckOptions {
            paths: names.iter().map(|n| self.path(n)).collect(),
            ..Default::default()
        };
        engine::check(&options).expect("the run completes")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.rel);
    }
}

/// Terraform and CloudFormation with findings, a broken file and a missing path.
fn full_run() -> (Scratch, CheckResult) {
    let scratch = Scratch::new(&[
        ("tf/main.tf", MAIN_TF),
        ("cfn/stack.yaml", STACK_YAML),
        ("broken/main.tf", BROKEN_TF),
    ]);
    let result = scratch.check(&["tf", "cfn", "broken", "missing.tf"]);
    (scratch, result)
}

/// The displayed paths of [`full_run`]'s inputs: the module, the template, the broken file
/// and the missing one.
fn full_run_paths(scratch: &Scratch) -> [String; 4] {
    [
        "tf/main.tf",
        "cfn/stack.yaml",
        "broken/main.tf",
        "missing.tf",
    ]
    .map(|p| scratch.display(p))
}

fn finding<'a>(result: &'a CheckResult, rule: &str, resource: &str) -> &'a Finding {
    result
        .findings
        .iter()
        .find(|f| f.rule == rule && f.resource == resource)
        .unwrap_or_else(|| panic!("no {rule} finding on {resource}: {:#?}", result.findings))
}

#[test]
fn the_scratch_run_has_what_the_tests_expect() {
    let (scratch, result) = full_run();
    let tf = scratch.display("tf/main.tf");
    assert!(!tf.starts_with('/'), "display paths are relative: {tf}");
    assert!(tf.ends_with("/tf/main.tf"));
    let found: Vec<(&str, &str)> = result
        .findings
        .iter()
        .map(|f| (f.rule, f.resource.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("eip-unattached", "OrphanIp"),
            ("eip-unattached", "aws_eip.orphan"),
            ("ebs-gp2-iops-ceiling", "aws_ebs_volume.v"),
        ]
    );
    let errors: Vec<(&str, bool)> = result
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.span.is_some()))
        .collect();
    let broken = scratch.display("broken/main.tf");
    let missing = scratch.display("missing.tf");
    assert_eq!(errors, [(broken.as_str(), true), (missing.as_str(), false)]);
}

// ---------------------------------------------------------------------------------- compact

#[test]
fn compact_is_one_exact_line_per_finding_then_per_error() {
    let (scratch, result) = full_run();
    let [tf, cfn, broken, missing] = full_run_paths(&scratch);
    let msg = |rule, resource| finding(&result, rule, resource).message.clone();
    let expected = [
        format!(
            "{cfn}:3:3: warning[eip-unattached] {}",
            msg("eip-unattached", "OrphanIp")
        ),
        format!(
            "{tf}:1:1: warning[eip-unattached] {}",
            msg("eip-unattached", "aws_eip.orphan")
        ),
        format!(
            "{tf}:5:1: warning[ebs-gp2-iops-ceiling] {}",
            msg("ebs-gp2-iops-ceiling", "aws_ebs_volume.v")
        ),
        format!(
            "{broken}:2:12: error[parse-error] {}",
            result.errors[0].message
        ),
        format!("{missing}: error[io-error] no such file or directory"),
    ];
    let out = compact::render(&result);
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    assert!(out.ends_with('\n'));
    assert!(result.errors[0].message.starts_with("invalid HCL"));
    assert!(msg("eip-unattached", "aws_eip.orphan").contains("aws_eip.orphan"));
}

#[test]
fn compact_keeps_a_multi_line_message_on_one_line() {
    let (_scratch, mut result) = full_run();
    result.findings.truncate(1);
    result.errors.clear();
    result.findings[0].message = "first\nsecond".to_string();
    let out = compact::render(&result);
    assert_eq!(out.lines().count(), 1);
    assert!(out.ends_with("] first second\n"), "{out}");
}

#[test]
fn compact_is_empty_on_a_clean_run() {
    let scratch = Scratch::new(&[(
        "ok/main.tf",
        "resource \"aws_eip\" \"a\" {\n  instance = \"i-0123456789abcdef0\"\n}\n",
    )]);
    let result = scratch.check(&["ok"]);
    assert!(
        result.findings.is_empty() && result.errors.is_empty(),
        "{:#?}",
        result.findings
    );
    assert_eq!(compact::render(&result), "");
    assert_eq!(github::render(&result), "");
}

// ----------------------------------------------------------------------------------- github

#[test]
fn github_commands_are_exact() {
    let (scratch, result) = full_run();
    let [tf, cfn, broken, missing] = full_run_paths(&scratch);
    let msg = |rule, resource| finding(&result, rule, resource).message.clone();
    let out = github::render(&result);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "::warning file={cfn},line=3,col=3,endLine=3,endColumn=11,title=eip-unattached::{}",
                msg("eip-unattached", "OrphanIp")
            ),
            format!(
                "::warning file={tf},line=1,col=1,endLine=1,endColumn=28,title=eip-unattached::{}",
                msg("eip-unattached", "aws_eip.orphan")
            ),
            format!(
                "::warning file={tf},line=5,col=1,endLine=5,endColumn=30,title=ebs-gp2-iops-ceiling::{}",
                msg("ebs-gp2-iops-ceiling", "aws_ebs_volume.v")
            ),
            format!(
                "::error file={broken},line=2,col=12,title=parse-error::{}",
                result.errors[0].message
            ),
            format!("::error file={missing},title=io-error::no such file or directory"),
        ]
    );
}

#[test]
fn github_escapes_messages_and_properties() {
    let scratch = Scratch::new(&[("odd, dir/main.tf", MAIN_TF)]);
    let mut result = scratch.check(&["odd, dir"]);
    let tf = scratch.display("odd, dir/main.tf");
    assert!(tf.ends_with("odd, dir/main.tf"));
    let f = result
        .findings
        .iter_mut()
        .find(|f| f.resource == "aws_eip.orphan")
        .expect("the EIP finding");
    f.message = "costs $3.65, per month: 100%\nrelease it".to_string();
    f.severity = infralint::finding::Severity::Error;
    let out = github::render(&result);
    let file = tf.replace(',', "%2C");
    assert!(file.ends_with("odd%2C dir/main.tf"));
    let expected = format!(
        "::error file={file},line=1,col=1,endLine=1,endColumn=28,title=eip-unattached::costs $3.65, per month: 100%25%0Arelease it"
    );
    assert_eq!(out.lines().next(), Some(expected.as_str()), "{out}");
    // Info findings are notices.
    let mut info = result;
    info.findings.truncate(1);
    info.findings[0].severity = infralint::finding::Severity::Info;
    assert!(github::render(&info).starts_with("::notice file="));
}

// ------------------------------------------------------------------------------------ sarif

fn sarif_of(result: &CheckResult) -> Value {
    let text = sarif::render(result);
    serde_json::from_str(&text).expect("SARIF is JSON")
}

fn load_schema() -> Value {
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/schemas/sarif-schema-2.1.0.json"
    );
    let copy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let text = std::fs::read_to_string(shared)
        .or_else(|_| std::fs::read_to_string(copy))
        .expect("the SARIF 2.1.0 schema (../shared/schemas or tests/data)");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn assert_valid_sarif(log: &Value) {
    let schema = load_schema();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_against_the_schema() {
    let (_scratch, result) = full_run();
    let log = sarif_of(&result);
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().starts_with("https://"));
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);

    // A clean run too.
    let clean = Scratch::new(&[(
        "ok/main.tf",
        "resource \"aws_instance\" \"a\" {\n  metadata_options {\n    http_tokens = \"required\"\n  }\n  root_block_device {\n    encrypted = true\n  }\n}\n",
    )]);
    let result = clean.check(&["ok"]);
    let log = sarif_of(&result);
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["results"], Value::Array(Vec::new()));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(run["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
}

#[test]
fn sarif_lists_every_registered_rule() {
    let (_scratch, result) = full_run();
    let log = sarif_of(&result);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "infralint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let listed = driver["rules"].as_array().expect("rules");
    let registry = rules::registry();
    assert_eq!(listed.len(), registry.len());
    for (rule, entry) in registry.iter().zip(listed) {
        let meta = rule.meta();
        assert_eq!(entry["id"], meta.id);
        assert_eq!(entry["name"], sarif::camel_case(meta.id));
        assert!(!entry["name"].as_str().unwrap().contains('-'));
        assert_eq!(entry["shortDescription"]["text"], meta.summary);
        let full = entry["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty());
        assert_eq!(
            full,
            sarif::what_it_does(meta.doc).unwrap_or_else(|| meta.summary.to_string())
        );
        assert_eq!(entry["help"]["text"], meta.doc);
        assert_eq!(entry["help"]["markdown"], meta.doc);
        assert_eq!(
            entry["helpUri"],
            format!(
                "https://github.com/infralint/infralint/blob/main/rules/{}.md",
                meta.id
            )
        );
        assert_eq!(
            entry["defaultConfiguration"]["level"],
            sarif::level(meta.default_severity)
        );
        let tags: Vec<&str> = entry["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&meta.category.as_str()), "{tags:?}");
        assert!(tags.contains(&"terraform") && tags.contains(&"cloudformation"));
        let security = &entry["properties"]["security-severity"];
        // The rule's own grade, on every compliance and security rule (tagged `security`,
        // which GitHub requires to read it).
        match meta.security_severity {
            Some(score) => {
                assert_eq!(security.as_str(), Some(format!("{score:.1}").as_str()));
                assert!(tags.contains(&"security"), "{}: {tags:?}", meta.id);
            }
            None => assert!(security.is_null()),
        }
        assert_eq!(
            meta.security_severity.is_some(),
            matches!(meta.category, Category::Compliance | Category::Security),
            "{}",
            meta.id
        );
    }
    // Results point at their rule.
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(listed[i]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_locations_are_relative_and_one_based() {
    let (scratch, result) = full_run();
    let log = sarif_of(&result);
    let run = &log["runs"][0];

    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT% is defined");
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert!(!base.contains(' '));

    let check_location = |loc: &Value| {
        let artifact = &loc["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().expect("a uri");
        assert!(!uri.is_empty());
        assert!(
            !uri.starts_with('/') && !uri.contains(':') && !uri.contains('\\'),
            "{uri}"
        );
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        // The relative uri resolves, from the current directory, to a real file.
        assert!(Path::new(uri).is_file(), "{uri}");
        let region = &loc["physicalLocation"]["region"];
        let n = |k: &str| {
            region[k]
                .as_u64()
                .unwrap_or_else(|| panic!("{k} in {region}"))
        };
        assert!(n("startLine") >= 1 && n("startColumn") >= 1);
        assert!((n("endLine"), n("endColumn")) >= (n("startLine"), n("startColumn")));
        uri.to_string()
    };

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), result.findings.len());
    for (r, f) in results.iter().zip(&result.findings) {
        assert_eq!(r["ruleId"], f.rule);
        assert_eq!(r["level"], "warning");
        assert_eq!(r["message"]["text"], f.message.as_str());
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        check_location(&locations[0]);
        for (i, related) in r["relatedLocations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            assert_eq!(related["id"], i + 1);
            assert!(related["message"]["text"].is_string());
            check_location(related);
        }
        let fingerprint = r["partialFingerprints"]["infralintFingerprint/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 16);
        assert!(fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
        match f.monthly_cost_usd {
            Some(cost) => {
                let shown = r["properties"]["monthly_cost_usd"].as_f64().unwrap();
                assert!((shown - cost).abs() < 0.005);
            }
            None => assert!(r["properties"]["monthly_cost_usd"].is_null()),
        }
    }
    let eip = &results[1];
    assert_eq!(eip["ruleId"], "eip-unattached");
    let uri = check_location(&eip["locations"][0]);
    assert_eq!(uri, scratch.display("tf/main.tf"));
    assert_eq!(
        eip["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({ "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 28 })
    );
    assert_eq!(eip["properties"]["monthly_cost_usd"], 3.65);

    // Run errors are notifications of a failed invocation.
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["message"]["text"],
        result.errors[0].message.as_str()
    );
    let parse_loc = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        parse_loc["artifactLocation"]["uri"],
        scratch.display("broken/main.tf")
    );
    assert_eq!(parse_loc["region"]["startLine"], 2);
    assert_eq!(parse_loc["region"]["startColumn"], 12);
    let io_loc = &notes[1]["locations"][0]["physicalLocation"];
    assert_eq!(
        io_loc["artifactLocation"]["uri"],
        scratch.display("missing.tf")
    );
    assert!(io_loc.get("region").is_none());
    assert_eq!(notes[1]["message"]["text"], "no such file or directory");
    // Never a git:// or empty uri anywhere.
    let text = sarif::render(&result);
    assert!(!text.contains("git://") && !text.contains("\"uri\": \"\""));
}

#[test]
fn sarif_percent_encodes_uris() {
    let scratch = Scratch::new(&[("odd, dir/main.tf", MAIN_TF)]);
    let result = scratch.check(&["odd, dir"]);
    let log = sarif_of(&result);
    assert_valid_sarif(&log);
    let display = scratch.display("odd, dir/main.tf");
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap();
    assert_eq!(uri, display.replace(", ", "%2C%20"));
}

#[test]
fn sarif_fingerprints_do_not_move_with_lines() {
    let scratch = Scratch::new(&[("tf/main.tf", MAIN_TF)]);
    let fingerprints = |result: &CheckResult| -> Vec<(String, String, u64)> {
        let log = sarif_of(result);
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["infralintFingerprint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let before = fingerprints(&scratch.check(&["tf"]));
    assert_eq!(before.len(), 2);
    assert_ne!(
        before[0].1, before[1].1,
        "distinct findings, distinct fingerprints"
    );

    scratch.write("tf/main.tf", &format!("\n\n# moved\n\n{MAIN_TF}"));
    let after = fingerprints(&scratch.check(&["tf"]));
    assert_eq!(after.len(), 2);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(
            (&b.0, &b.1),
            (&a.0, &a.1),
            "fingerprint changed when lines moved"
        );
        assert_eq!(a.2, b.2 + 4, "the region does move");
    }

    // The fingerprint does depend on what the finding is about.
    scratch.write("tf/main.tf", &MAIN_TF.replace("\"orphan\"", "\"spare\""));
    let renamed = fingerprints(&scratch.check(&["tf"]));
    assert_ne!(renamed[0].1, before[0].1);
    assert_eq!(renamed[1].1, before[1].1);
}

// ------------------------------------------------------------------------------------ junit

fn attr_usize(node: roxmltree::Node, name: &str) -> usize {
    node.attribute(name)
        .unwrap_or_else(|| panic!("{name} on <{}>", node.tag_name().name()))
        .parse()
        .unwrap()
}

fn elements<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.has_tag_name(name))
}

#[test]
fn junit_parses_back_with_consistent_counts() {
    let (scratch, result) = full_run();
    let xml = junit::render(&result);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");

    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    let mut suites = Vec::new();
    for suite in elements(root, "testsuite") {
        let name = suite.attribute("name").unwrap().to_string();
        let cases: Vec<_> = elements(suite, "testcase").collect();
        let failed = cases
            .iter()
            .filter(|c| elements(**c, "failure").next().is_some())
            .count();
        let errored = cases
            .iter()
            .filter(|c| elements(**c, "error").next().is_some())
            .count();
        assert_eq!(attr_usize(suite, "tests"), cases.len(), "{name}");
        assert_eq!(attr_usize(suite, "failures"), failed, "{name}");
        assert_eq!(attr_usize(suite, "errors"), errored, "{name}");
        for case in &cases {
            assert_eq!(case.attribute("classname"), Some(name.as_str()));
        }
        tests += cases.len();
        failures += failed;
        errors += errored;
        suites.push((name, cases));
    }
    assert_eq!(attr_usize(root, "tests"), tests);
    assert_eq!(attr_usize(root, "failures"), failures);
    assert_eq!(attr_usize(root, "errors"), errors);
    // A test case per rule and file (issue #17: per resource until then).
    assert_eq!((tests, failures, errors), (5, 3, 2));

    let suite = |file: &str| {
        let name = scratch.display(file);
        suites
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, cases)| cases)
            .unwrap_or_else(|| panic!("no suite {name}"))
    };
    // Terraform: one test case per rule with findings, in order of the first finding.
    let tf = suite("tf/main.tf");
    let names: Vec<&str> = tf.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(names, ["eip-unattached", "ebs-gp2-iops-ceiling"]);
    let failure = elements(tf[0], "failure").next().unwrap();
    let f = finding(&result, "eip-unattached", "aws_eip.orphan");
    assert_eq!(failure.attribute("type"), Some("eip-unattached"));
    assert_eq!(failure.attribute("message"), Some(f.message.as_str()));
    let text = failure.text().unwrap();
    assert!(text.starts_with(&format!(
        "{}:1:1: warning[eip-unattached] {}",
        scratch.display("tf/main.tf"),
        f.message
    )));
    assert!(text.ends_with(&format!("help: {}", f.help)), "{text}");

    let cfn = suite("cfn/stack.yaml");
    assert_eq!(cfn.len(), 1);
    assert_eq!(cfn[0].attribute("name"), Some("eip-unattached"));

    // The broken file: a `parse` case with an error, with its full message unescaped.
    let broken = suite("broken/main.tf");
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].attribute("name"), Some("parse"));
    let error = elements(broken[0], "error").next().unwrap();
    assert_eq!(error.attribute("type"), Some("parse-error"));
    assert_eq!(
        error.attribute("message"),
        Some(result.errors[0].message.as_str())
    );

    let missing = suite("missing.tf");
    assert_eq!(missing[0].attribute("name"), Some("read"));
    assert_eq!(
        elements(missing[0], "error")
            .next()
            .unwrap()
            .attribute("type"),
        Some("io-error")
    );
}

#[test]
fn junit_escapes_markup_and_strips_invalid_characters() {
    let (_scratch, mut result) = full_run();
    result.findings[0].message = "a <b> & \"c\" 'd'\u{1}\u{8} \n e".to_string();
    let xml = junit::render(&result);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed despite the message");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("message"), Some("a <b> & \"c\" 'd' \n e"));

    let xml = checkstyle::render(&result);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed despite the message");
    assert!(doc
        .descendants()
        .any(|n| n.attribute("message") == Some("a <b> & \"c\" 'd' \n e")));
}

// ------------------------------------------------------------------------------- checkstyle

#[test]
fn checkstyle_parses_back_sorted_by_file_then_line() {
    let (scratch, result) = full_run();
    let xml = checkstyle::render(&result);
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">")
    );
    let doc = roxmltree::Document::parse(&xml).expect("well-formed Checkstyle XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    assert_eq!(root.attribute("version"), Some("4.3"));

    let files: Vec<_> = elements(root, "file").collect();
    let names: Vec<&str> = files.iter().map(|f| f.attribute("name").unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let mut total = 0;
    let mut seen = Vec::new();
    for file in &files {
        let mut last = 0;
        for e in elements(*file, "error") {
            total += 1;
            let line = e.attribute("line").map(|l| l.parse::<usize>().unwrap());
            let line = line.unwrap_or(0);
            assert!(line >= last, "sorted by line");
            last = line;
            let severity = e.attribute("severity").unwrap();
            assert!(["error", "warning", "info"].contains(&severity));
            let source = e.attribute("source").unwrap();
            assert!(source.starts_with("infralint."));
            seen.push((
                file.attribute("name").unwrap().to_string(),
                e.attribute("line").map(str::to_string),
                e.attribute("column").map(str::to_string),
                severity.to_string(),
                source.to_string(),
            ));
        }
    }
    assert_eq!(total, result.findings.len() + result.errors.len());
    let s = |x: &str| Some(x.to_string());
    let row = |file: &str, line, col, severity: &str, source: &str| {
        (
            scratch.display(file),
            line,
            col,
            severity.to_string(),
            source.to_string(),
        )
    };
    assert_eq!(
        seen,
        [
            row(
                "broken/main.tf",
                s("2"),
                s("12"),
                "error",
                "infralint.parse-error"
            ),
            row(
                "cfn/stack.yaml",
                s("3"),
                s("3"),
                "warning",
                "infralint.eip-unattached"
            ),
            row("missing.tf", None, None, "error", "infralint.io-error"),
            row(
                "tf/main.tf",
                s("1"),
                s("1"),
                "warning",
                "infralint.eip-unattached"
            ),
            row(
                "tf/main.tf",
                s("5"),
                s("1"),
                "warning",
                "infralint.ebs-gp2-iops-ceiling"
            ),
        ]
    );
    let f = finding(&result, "ebs-gp2-iops-ceiling", "aws_ebs_volume.v");
    assert!(doc
        .descendants()
        .any(|n| n.attribute("message") == Some(f.message.as_str())));
}
