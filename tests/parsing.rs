//! Parsing end to end: all of a file is linted, or the run reports a located error (exit 2);
//! never a file cut short or skipped in silence. Each case runs beside a good file, which
//! must still be linted.

mod support;
use support::scratch;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn infralint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A good file linted in every run: one unattached EIP (one warning).
const GOOD: (&str, &[u8]) = (
    "good/eip.tf",
    b"resource \"aws_eip\" \"orphan\" {\n  domain = \"vpc\"\n}\n",
);

/// Runs `check --format json .` on `files` plus [`GOOD`]: the exit code and the JSON report.
fn check(files: &[(&str, &[u8])]) -> (Option<i32>, Value) {
    let mut all = files.to_vec();
    all.push(GOOD);
    let dir = scratch(&all);
    let out = infralint(&["check", "--format", "json", "."], dir.path());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON output: {e}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

/// `(file, line, column, message)` of each error.
fn errors(json: &Value) -> Vec<(String, u64, u64, String)> {
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["line"].as_u64().expect("the error has a line"),
                e["column"].as_u64().expect("the error has a column"),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `(file, rule)` of each finding.
fn findings(json: &Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn good_file_linted(json: &Value) {
    assert!(
        findings(json).contains(&("good/eip.tf".to_string(), "eip-unattached".to_string())),
        "the good file is still linted: {json:#}"
    );
}

/// Asserts exactly one error, in `file` at `line`:`column`, whose message contains `needle`.
fn one_error_at(json: &Value, file: &str, line: u64, column: u64, needle: &str) {
    let errors = errors(json);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (f, l, c, m) = &errors[0];
    assert_eq!((f.as_str(), *l, *c), (file, line, column), "{m}");
    assert!(m.contains(needle), "{m:?} should contain {needle:?}");
}

// ---------------------------------------------------------------------------------------------
// CloudFormation: YAML and JSON templates

/// Before: the first document ended after line 1 and the rest (a syntax error for PyYAML,
/// cfn-lint and CloudFormation) was dropped; the run linted one line and exited 0.
#[test]
fn yaml_template_with_one_space_before_its_first_key_is_a_located_error() {
    let (code, json) = check(&[(
        "cfn/web.yaml",
        b" AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m4.large\n",
    )]);
    assert_eq!(code, Some(2), "{json:#}");
    // cfn-lint 1.58: `2:1: E0000 did not find expected <document start>`.
    one_error_at(&json, "cfn/web.yaml", 2, 1, "document start");
    good_file_linted(&json);
    assert!(
        !findings(&json).iter().any(|(f, _)| f == "cfn/web.yaml"),
        "{json:#}"
    );
}

/// An indented first key, and no `AWSTemplateFormatVersion`: the text alone does not say
/// "template", but the document that parsed before the error is one. Before: the Outputs
/// and everything after them were dropped.
#[test]
fn yaml_template_with_an_indented_first_key_is_a_located_error() {
    let (code, json) = check(&[(
        "cfn/web.yaml",
        b"  Resources:\n    Web:\n      Type: AWS::EC2::Instance\n      Properties:\n        InstanceType: m4.large\nOutputs:\n  Id:\n    Value: !Ref Web\n",
    )]);
    assert_eq!(code, Some(2), "{json:#}");
    one_error_at(&json, "cfn/web.yaml", 6, 1, "document start");
    good_file_linted(&json);
}

/// A stray `}` that closes the root object early: the rest of the template was dropped.
/// `json.load` says "Extra data"; PyYAML and cfn-lint "expected '<document start>'".
#[test]
fn json_template_with_a_stray_closing_brace_is_a_located_error() {
    let (code, json) = check(&[(
        "cfn/web.json",
        b"{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\"},\n  \"Resources\": {\n    \"Web\": {\"Type\": \"AWS::EC2::Instance\", \"Properties\": {\"InstanceType\": \"m4.large\"}}\n  }\n}\n",
    )]);
    assert_eq!(code, Some(2), "{json:#}");
    // cfn-lint 1.58: `2:44: E0000 did not find expected <document start>`; `json.load`:
    // "Extra data: line 2 column 44".
    one_error_at(&json, "cfn/web.json", 2, 44, "document start");
    good_file_linted(&json);
}

/// A template, then `---` and a broken second document: the error was ignored and the run
/// exited 1 with the template's findings.
#[test]
fn a_syntax_error_in_a_second_document_is_a_located_error() {
    let (code, json) = check(&[(
        "cfn/web.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m4.large\n---\nfoo: [unclosed\n",
    )]);
    assert_eq!(code, Some(2), "{json:#}");
    one_error_at(&json, "cfn/web.yaml", 8, 6, "unclosed");
    good_file_linted(&json);
    assert!(
        !findings(&json).iter().any(|(f, _)| f == "cfn/web.yaml"),
        "a template with an error is not linted in part: {json:#}"
    );
}

/// A stream of several documents that contains a template: CloudFormation reads one document
/// (PyYAML/cfn-lint: "expected a single document in the stream ... but found another
/// document" at the second `---`). Before: a template first was linted alone; a template
/// second was skipped in silence (exit 0).
#[test]
fn a_multi_document_stream_with_a_template_is_a_located_error() {
    const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m4.large\n";
    let second = format!("kind: ConfigMap\n---\n{TEMPLATE}");
    let (code, json) = check(&[("cfn/second.yaml", second.as_bytes())]);
    assert_eq!(code, Some(2), "{json:#}");
    one_error_at(&json, "cfn/second.yaml", 2, 1, "only YAML document");
    good_file_linted(&json);

    let first = format!("{TEMPLATE}---\nkind: ConfigMap\n");
    let (code, json) = check(&[("cfn/first.yaml", first.as_bytes())]);
    assert_eq!(code, Some(2), "{json:#}");
    one_error_at(&json, "cfn/first.yaml", 7, 1, "2 documents");
    good_file_linted(&json);
}

/// The policy for files that are not templates is unchanged: a Kubernetes stream of several
/// documents, even one that mentions `AWS::` resources, is not ours.
#[test]
fn a_multi_document_stream_without_a_template_is_skipped() {
    let (code, json) = check(&[(
        "k8s/all.yaml",
        b"kind: ConfigMap\ndata:\n  Resources: AWS::EC2::Instance\n---\nkind: Service\n",
    )]);
    assert_eq!(code, Some(1), "{json:#}");
    assert!(errors(&json).is_empty(), "{json:#}");
    assert_eq!(json["summary"]["files"], 1, "only the good file: {json:#}");
    good_file_linted(&json);
}

/// Trailing commas: CloudFormation reads a template as JSON and, when that fails, as YAML
/// (AWS docs, "Validating a template"); YAML flow collections allow a trailing comma, so
/// CloudFormation and cfn-lint (which reads JSON templates with PyYAML) accept the template.
/// So do we, and all of it is linted: the resource after the trailing commas too.
#[test]
fn json_template_with_trailing_commas_is_accepted_and_linted_in_full() {
    let (code, json) = check(&[(
        "cfn/web.json",
        b"{\n  \"Resources\": {\n    \"A\": {\"Type\": \"AWS::EC2::EIP\", \"Properties\": {\"Domain\": \"vpc\",},},\n    \"B\": {\"Type\": \"AWS::EC2::Instance\", \"Properties\": {\"InstanceType\": \"m4.large\", \"SecurityGroups\": [\"a\",],}},\n  },\n}\n",
    )]);
    assert_eq!(code, Some(1), "{json:#}");
    assert!(errors(&json).is_empty(), "{json:#}");
    let found = findings(&json);
    for rule in ["eip-unattached", "ec2-previous-generation"] {
        assert!(
            found.contains(&("cfn/web.json".to_string(), rule.to_string())),
            "{rule}: {found:?}"
        );
    }
    good_file_linted(&json);
}

// ---------------------------------------------------------------------------------------------
// Terraform JSON

/// terraform 1.11 `validate`: "Duplicate argument ... The argument "instance_type" was
/// already set at main.tf.json:1,56-83". Before: the last value was used, silently.
#[test]
fn tf_json_argument_set_twice_is_a_located_error() {
    let text = br#"{"resource": {"aws_instance": {"web": {"ami": "ami-1", "instance_type": "m4.large", "instance_type": "t3.micro"}}}}"#;
    let (code, json) = check(&[("tf/main.tf.json", text)]);
    assert_eq!(code, Some(2), "{json:#}");
    // Terraform names the first at 1,56-83; the second starts at column 85.
    one_error_at(
        &json,
        "tf/main.tf.json",
        1,
        85,
        "duplicate key `instance_type`",
    );
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Terraform rejects"),
        "{json:#}"
    );
    good_file_linted(&json);
}

/// terraform: "Duplicate object attribute" for a key defined twice in an argument's value,
/// and "Duplicate attribute definition" for a variable set twice in `.tfvars.json`.
#[test]
fn tf_json_object_key_and_tfvars_json_variable_set_twice_are_located_errors() {
    let (code, json) = check(&[(
        "tf/main.tf.json",
        br#"{"variable": {"v": {"default": {"k": 1, "k": 2}}}}"#,
    )]);
    assert_eq!(code, Some(2), "{json:#}");
    one_error_at(
        &json,
        "tf/main.tf.json",
        1,
        41,
        "duplicate key `k` in an object",
    );
    good_file_linted(&json);

    let (code, json) = check(&[
        ("tf/main.tf", b"variable \"x\" {}\n"),
        (
            "tf/terraform.tfvars.json",
            b"{\n  \"x\": \"a\",\n  \"x\": \"b\"\n}\n",
        ),
    ]);
    assert_eq!(code, Some(2), "{json:#}");
    one_error_at(
        &json,
        "tf/terraform.tfvars.json",
        3,
        3,
        "duplicate argument `x`",
    );
    good_file_linted(&json);
}

/// A block type given twice is two blocks (terraform: valid): both resources are linted.
#[test]
fn tf_json_block_type_given_twice_is_two_blocks() {
    let (code, json) = check(&[(
        "tf/main.tf.json",
        br#"{"resource": {"aws_eip": {"a": {"domain": "vpc"}}}, "resource": {"aws_eip": {"b": {"domain": "vpc"}}}}"#,
    )]);
    assert_eq!(code, Some(1), "{json:#}");
    assert!(errors(&json).is_empty(), "{json:#}");
    let unattached = findings(&json)
        .iter()
        .filter(|(f, r)| f == "tf/main.tf.json" && r == "eip-unattached")
        .count();
    assert_eq!(unattached, 2, "{json:#}");
    good_file_linted(&json);
}

/// terraform: "Trailing comma in object ... JSON does not permit a trailing comma". Before:
/// "invalid JSON: invalid JSON: expected a string key", at the `}`.
#[test]
fn tf_json_trailing_comma_is_a_located_error_that_says_so() {
    let (code, json) = check(&[(
        "tf/main.tf.json",
        b"{\"resource\": {\"aws_eip\": {\"a\": {\n  \"domain\": \"vpc\",\n}}}}\n",
    )]);
    assert_eq!(code, Some(2), "{json:#}");
    one_error_at(&json, "tf/main.tf.json", 2, 18, "trailing comma");
    let message = json["errors"][0]["message"].as_str().unwrap();
    assert_eq!(message.matches("invalid JSON").count(), 1, "{message}");
    good_file_linted(&json);
}

// ---------------------------------------------------------------------------------------------
// Numbers, byte-order marks

/// Terraform accepts `1e400` (its numbers have arbitrary precision); before, the file was
/// "invalid HCL: expected newline or eof" (exit 2) and nothing in its module was linted. Its
/// value is unknown: no rule fires on the size, the rest of the volume is linted.
/// (`99999999999999999999` was already accepted: it fits an f64.)
#[test]
fn hcl_numbers_beyond_f64_are_not_invalid_hcl() {
    let (code, json) = check(&[
        (
            "tf/main.tf",
            b"resource \"aws_ebs_volume\" \"huge\" {\n  availability_zone = \"us-east-1a\"\n  type = \"gp3\"\n  size = 1e400\n}\nresource \"aws_ebs_volume\" \"big\" {\n  availability_zone = \"us-east-1a\"\n  type = \"gp3\"\n  size = 99999999999999999999\n}\n",
        ),
        ("tf/terraform.tfvars", b"n = -1e400\n"),
        ("tf/variables.tf", b"variable \"n\" {}\n"),
        (
            "tf/extra.tf.json",
            br#"{"locals": {"huge": 1e400, "list": [1e400, 2]}}"#,
        ),
    ]);
    assert_eq!(code, Some(1), "{json:#}");
    assert!(errors(&json).is_empty(), "{json:#}");
    let volume_findings: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "tf/main.tf")
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Both volumes are linted (unencrypted, unattached); only the known size is judged
    // (`ebs-invalid-config`: gp3 is at most 16,384 GiB).
    for who in ["aws_ebs_volume.huge", "aws_ebs_volume.big"] {
        assert!(
            volume_findings.contains(&(who.to_string(), "ebs-unencrypted".to_string())),
            "{who}: {volume_findings:?}"
        );
    }
    let invalid: Vec<&str> = volume_findings
        .iter()
        .filter(|(_, r)| r == "ebs-invalid-config")
        .map(|(w, _)| w.as_str())
        .collect();
    assert_eq!(invalid, ["aws_ebs_volume.big"], "{volume_findings:?}");
    good_file_linted(&json);
}

/// A plan JSON with a byte-order mark: serde_json rejects it, Terraform's HCL and YAML
/// readers and ours accept it. Before: "invalid plan JSON: expected value" at 1:1 (exit 2).
#[test]
fn plan_json_with_a_byte_order_mark_is_read() {
    let plan = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan/eip.json"))
        .expect("the plan fixture");
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&plan);
    let (code_plain, plain) = check(&[("plan/eip.json", &plan)]);
    let (code_bom, bom) = check(&[("plan/eip.json", &with_bom)]);
    assert!(errors(&bom).is_empty(), "{bom:#}");
    assert_eq!(code_bom, code_plain);
    let located = |json: &Value| -> Vec<(String, u64, u64)> {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == "plan/eip.json")
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert!(
        !located(&plain).is_empty(),
        "the plan has findings: {plain:#}"
    );
    assert_eq!(located(&bom), located(&plain));
    good_file_linted(&bom);
}

/// A `.tf.json` instance is read as its `.tf` twin: before, `metadata_options` was an
/// attribute there, so `ec2-imdsv1` fired although the instance requires tokens.
#[test]
fn tf_json_nested_blocks_are_read_like_hcl() {
    let (code, json) = check(&[
        (
            "json/main.tf.json",
            br#"{"resource": {"aws_instance": {"web": {"ami": "ami-1", "instance_type": "t3.micro", "metadata_options": {"http_tokens": "required"}}}}}"#,
        ),
        (
            "hcl/main.tf",
            b"resource \"aws_instance\" \"web\" {\n  ami = \"ami-1\"\n  instance_type = \"t3.micro\"\n  metadata_options {\n    http_tokens = \"required\"\n  }\n}\n",
        ),
    ]);
    assert_eq!(code, Some(1), "{json:#}");
    assert!(errors(&json).is_empty(), "{json:#}");
    let imds: Vec<String> = findings(&json)
        .into_iter()
        .filter(|(_, r)| r == "ec2-imdsv1")
        .map(|(f, _)| f)
        .collect();
    assert!(imds.is_empty(), "{imds:?}");
    good_file_linted(&json);
}

/// A real plan (terraform 1.11.4, `variable "n" { default = 1e400 }`, an output of it and
/// one EIP): Terraform writes the number in full, 401 digits. Before: "invalid plan JSON:
/// number out of range" (exit 2) and the EIP was not linted.
#[test]
fn plan_json_with_a_number_beyond_f64_is_read() {
    let plan = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/plan-number-beyond-f64.json"),
    )
    .expect("the plan");
    assert!(String::from_utf8_lossy(&plan).contains(&format!("1{}", "0".repeat(400))));
    let (code, json) = check(&[("plan/plan.json", &plan)]);
    assert_eq!(code, Some(1), "{json:#}");
    assert!(errors(&json).is_empty(), "{json:#}");
    assert!(
        findings(&json).contains(&("plan/plan.json".to_string(), "eip-unattached".to_string())),
        "{json:#}"
    );
    good_file_linted(&json);
}
