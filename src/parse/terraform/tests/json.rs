//! `.tf.json` syntax: modules, mixed with HCL, addresses, origins, splats, literal ids.

use super::*;

const MAIN_TF_JSON: &str = r#"{
  "variable": {
    "disk_type": { "type": "string", "default": "io1" },
    "literal": { "default": "${not.a.template}" }
  },
  "locals": { "iops": "${2000 * 2}" },
  "resource": {
    "aws_ebs_volume": {
      "data": {
        "count": 1,
        "type": "${var.disk_type}",
        "iops": "${local.iops}",
        "tags": { "Name": "data-${count.index}" }
      },
      "literal": { "type": "${var.literal}" }
    },
    "aws_instance": {
      "web": {
        "ami": "ami-0123456789abcdef0",
        "root_block_device": { "volume_type": "gp2" },
        "dynamic": {
          "ebs_block_device": {
            "for_each": "${[\"/dev/sdf\", \"/dev/sdg\"]}",
            "content": { "device_name": "${ebs_block_device.value}", "volume_type": "io1" }
          }
        }
      }
    },
    "aws_eip": { "web": { "instance": "${aws_instance.web.id}" } }
  },
  "output": { "dns": { "value": "${aws_eip.web.public_dns}" } }
}"#;

#[test]
fn tf_json_modules() {
    let (model, texts) = Case {
        files: &[("main.tf.json", MAIN_TF_JSON)],
        ..Case::default()
    }
    .run();
    assert_eq!(
        types_of(&model),
        pairs(&[
            ("aws_ebs_volume.data[0]", Some("io1")),
            ("aws_ebs_volume.literal", Some("${not.a.template}")),
            ("aws_instance.web root_block_device", Some("gp2")),
            ("aws_instance.web ebs_block_device /dev/sdf", Some("io1")),
            ("aws_instance.web ebs_block_device /dev/sdg", Some("io1")),
        ])
    );
    let text = |span: Span| &texts[span.file.0 as usize][span.start..span.end];
    let data = &model.volumes[0];
    assert_eq!(text(data.volume_type.span), "\"${var.disk_type}\"");
    assert_eq!(text(data.volume_type.via[0].span), "\"io1\"");
    assert_eq!(
        data.volume_type.via[0].label,
        "variable `disk_type` default"
    );
    assert_eq!(data.iops.as_ref().unwrap().known(), Some(&4000.0));
    assert_eq!(text(data.resource.span), "\"data\"");
    assert!(text(data.resource.body_span).starts_with("\"data\": {"));
    assert_eq!(
        associations(&model),
        assoc(&[("aws_eip.web", Some("aws_eip.web"), false)])
    );
    assert_eq!(
        text(model.eip_associations[0].span),
        "\"instance\": \"${aws_instance.web.id}\""
    );
    assert!(
        model.eip_escapes.is_empty(),
        "public_dns in an output does not associate"
    );
}

#[test]
fn tf_json_mixed_with_hcl_and_odd_json() {
    let (model, texts) = Case {
        files: &[
            ("main.tf", "variable \"t\" { default = \"io1\" }\n"),
            (
                "volumes.tf.json",
                r#"{"resource": [{"aws_ebs_volume": {"a": [{"type": "${var.t}", "tags": {"k": "a\/b", "j": "c"}}]}}], "//": "comment"}"#,
            ),
        ],
        ..Case::default()
    }
    .run();
    assert_eq!(
        types_of(&model),
        pairs(&[("aws_ebs_volume.a", Some("io1"))])
    );
    let span = model.volumes[0].volume_type.via[0].span;
    assert_eq!(&texts[0][span.start..span.end], "\"io1\"");
    assert!(parse_json("[]").is_err());
    assert!(parse_json("{\"resource\": ").is_err());
}

#[test]
fn expansion_addresses() {
    assert_eq!(
        Expansion::Count(2).addresses("a.b"),
        vec!["a.b[0]", "a.b[1]"]
    );
    assert_eq!(
        Expansion::ForEach(vec![("say \"hi\"".into(), Val::Null)], Vec::new()).addresses("a.b"),
        vec!["a.b[\"say \\\"hi\\\"\"]"]
    );
    assert_eq!(Expansion::Unknown.addresses("a.b"), vec!["a.b"]);
}

#[test]
fn origins_are_those_of_the_chosen_value() {
    let (model, texts) = Case {
        files: &[(
            "main.tf",
            r#"
variable "create" { default = true }
variable "volumes" { default = {} }
locals {
  kind = "io1"
}
resource "aws_ebs_volume" "this" {
  for_each = var.create && var.volumes != null ? var.volumes : {}
  type     = each.value.type
}
resource "aws_ebs_volume" "local" {
  type = var.create ? local.kind : "gp3"
}
"#,
        )],
        tfvars: &[("terraform.tfvars", "volumes = { a = { type = \"io1\" } }\n")],
        ..Case::default()
    }
    .run();
    let labels = |i: usize| -> Vec<String> {
        model.volumes[i]
            .volume_type
            .via
            .iter()
            .map(|o| o.label.clone())
            .collect()
    };
    assert_eq!(labels(0), vec!["variable `volumes` value from tfvars"]);
    assert_eq!(labels(1), vec!["local `kind`"]);
    let o = &model.volumes[1].volume_type.via[0];
    assert_eq!(&texts[0][o.span.start..o.span.end], "\"io1\"");
}

#[test]
fn quadratic_splats_are_bounded() {
    let start = std::time::Instant::now();
    let model = tf(r#"
resource "aws_eip" "e" {
  count = 3000
}
resource "aws_eip_association" "a" {
  count         = 3000
  allocation_id = element(aws_eip.e[*].id, count.index)
}
"#);
    assert_eq!(model.elastic_ips.len(), 3000);
    // Exact while the evaluation budget lasts, then the mentioned EIPs, once: every EIP is
    // associated, and no association is modeled 3,000 times over.
    let mut associated: Vec<&str> = model
        .eip_associations
        .iter()
        .filter_map(|a| a.eip.known().map(|k| k.address.as_str()))
        .collect();
    associated.sort();
    associated.dedup();
    assert_eq!(associated.len(), 3000);
    assert!(model.eip_associations.len() <= 2 * 3000);
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn literal_ids_designate_nothing_of_the_module() {
    // A literal volume or allocation id names something created elsewhere: the module's own
    // volumes and EIPs have no id before they exist. Neither attaches or associates one of
    // them, and neither leaves the module's volumes or EIPs undecidable.
    let model = tf(r#"
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 10
}
resource "aws_volume_attachment" "legacy" {
  device_name = "/dev/sdf"
  volume_id   = "vol-0123456789abcdef0"
  instance_id = "i-0123456789abcdef0"
}
resource "aws_eip" "idle" {
  domain = "vpc"
}
resource "aws_eip_association" "legacy" {
  allocation_id = "eipalloc-0123456789abcdef0"
  instance_id   = "i-0123456789abcdef0"
}
"#);
    assert!(
        model.volume_attachments.is_empty(),
        "{:?}",
        model.volume_attachments
    );
    assert!(
        model.eip_associations.is_empty(),
        "{:?}",
        model.eip_associations
    );
}

#[test]
fn an_attachment_choosing_between_volumes_attaches_each_possibly() {
    let model = tf(r#"
variable "big" {}
resource "aws_ebs_volume" "small" {
  availability_zone = "us-east-1a"
  size              = 10
}
resource "aws_ebs_volume" "large" {
  availability_zone = "us-east-1a"
  size              = 1000
}
resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = var.big ? aws_ebs_volume.large.id : aws_ebs_volume.small.id
  instance_id = "i-0123456789abcdef0"
}
"#);
    let attached: Vec<&Value<String>> =
        model.volume_attachments.iter().map(|a| &a.volume).collect();
    assert_eq!(
        attached,
        [
            &Value::Known("aws_ebs_volume.large".to_string()),
            &Value::Known("aws_ebs_volume.small".to_string())
        ]
    );
}

// ---- the spanned JSON reader's values -------------------------------------------------------

#[test]
fn json_spans_of_keys_and_values() {
    let text = r#"{"a": [1, "x\"y", true, null], "b": {"c": -2.5e1}}"#;
    let f = parse_json(text).unwrap();
    let props = f.root.as_object().unwrap();
    assert_eq!(&text[props[0].key_span.clone()], "\"a\"");
    assert_eq!(
        &text[props[0].value.span.clone()],
        r#"[1, "x\"y", true, null]"#
    );
    assert_eq!(
        Val::from_json(&props[0].value),
        Val::List(vec![
            Val::Num(1.0),
            Val::Str("x\"y".into()),
            Val::Bool(true),
            Val::Null
        ])
    );
    assert_eq!(
        Val::from_json(&props[1].value).get_key("c"),
        Some(&Val::Num(-25.0))
    );
}

#[test]
fn json_numbers() {
    let f = parse_json(
        r#"{"a": 1e400, "b": -1e400, "c": 99999999999999999999, "d": -0, "e": 1E+2, "f": 1e-400}"#,
    )
    .unwrap();
    let vals: Vec<Val> = f
        .root
        .as_object()
        .unwrap()
        .iter()
        .map(|p| Val::from_json(&p.value))
        .collect();
    assert_eq!(
        vals,
        [
            Val::Unknown,
            Val::Unknown,
            Val::Num(1e20),
            Val::Num(0.0),
            Val::Num(100.0),
            Val::Unknown
        ]
    );
}

#[test]
fn a_terraform_json_file_is_an_object() {
    assert!(parse_json("[1]").is_err(), "root must be an object");
    assert!(parse_vars_json("[1]").is_err(), "root must be an object");
}
