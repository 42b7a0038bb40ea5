//! `count` and `for_each`: instances, `count.index`, `each.*`, unknown and huge expansions.

use super::*;

#[test]
fn count_instances_with_count_index() {
    let model = tf(r#"
locals {
  types = ["io1", "gp3"]
}
resource "aws_ebs_volume" "data" {
  count = length(local.types)
  type  = local.types[count.index]
  size  = 100 * (count.index + 1)
}
"#);
    assert_eq!(
        types_of(&model),
        pairs(&[
            ("aws_ebs_volume.data[0]", Some("io1")),
            ("aws_ebs_volume.data[1]", Some("gp3"))
        ])
    );
    assert_eq!(
        model.volumes[1].size_gib.as_ref().unwrap().known(),
        Some(&200.0)
    );
    assert!(model.volumes.iter().all(|v| !v.resource.conditional));
    assert_eq!(model.resource_count, 1, "declarations, not instances");
}

#[test]
fn for_each_instances_over_maps_and_sets() {
    let (model, texts) = Case {
        files: &[(
            "main.tf",
            r#"
variable "volumes" {
  type = map(object({ type = string, size = number }))
}
resource "aws_ebs_volume" "data" {
  for_each = var.volumes
  type     = each.value.type
  size     = each.value.size
  tags     = { Name = each.key }
}
resource "aws_ebs_volume" "scratch" {
  for_each = toset(["b", "a"])
  type     = "${each.key == "a" ? "io1" : "gp3"}"
}
"#,
        )],
        tfvars: &[(
            "terraform.tfvars",
            "volumes = {\n  logs = { type = \"gp3\", size = 20 }\n  data = { type = \"io1\", size = 500 }\n}\n",
        )],
        ..Case::default()
    }
    .run();
    assert_eq!(
        types_of(&model),
        pairs(&[
            ("aws_ebs_volume.data[\"data\"]", Some("io1")),
            ("aws_ebs_volume.data[\"logs\"]", Some("gp3")),
            ("aws_ebs_volume.scratch[\"a\"]", Some("io1")),
            ("aws_ebs_volume.scratch[\"b\"]", Some("gp3")),
        ])
    );
    // The type is traced to the tfvars value.
    let via = &model.volumes[0].volume_type.via;
    assert_eq!(via[0].label, "variable `volumes` value from tfvars");
    assert_eq!(via[0].span.file, FileId(1));
    assert!(texts[1][via[0].span.start..via[0].span.end].starts_with('{'));
}

#[test]
fn zero_empty_and_unknown_expansions() {
    let model = tf(r#"
variable "n" { type = number }
variable "names" { type = set(string) }
resource "aws_eip" "zero" { count = 0 }
resource "aws_eip" "empty" { for_each = {} }
resource "aws_eip" "empty_set" { for_each = toset([]) }
resource "aws_eip" "unknown_count" { count = var.n }
resource "aws_eip" "unknown_each" {
  for_each = var.names
  tags     = { Name = each.key }
}
resource "aws_eip" "maybe" { count = var.n > 0 ? 1 : 0 }
resource "aws_eip" "sure" { count = var.n > 0 ? 1 : 1 }
"#);
    let eips: Vec<(String, bool)> = model
        .elastic_ips
        .iter()
        .map(|e| (e.key.address.clone(), e.resource.conditional))
        .collect();
    assert_eq!(
        eips,
        vec![
            ("aws_eip.unknown_count".to_string(), true),
            ("aws_eip.unknown_each".to_string(), true),
            ("aws_eip.maybe".to_string(), true),
            ("aws_eip.sure[0]".to_string(), false),
        ]
    );
}

#[test]
fn huge_count_is_capped_not_allocated() {
    let start = std::time::Instant::now();
    let model = tf(r#"
resource "aws_ebs_volume" "many" {
  count = 1e9
  type  = "io1"
}
resource "aws_ebs_volume" "cap" {
  count = 10000
  type  = "gp3"
}
resource "aws_ebs_volume" "over" {
  count = 10001
  type  = "gp3"
}
"#);
    let many: Vec<&Volume> = model
        .volumes
        .iter()
        .filter(|v| v.resource.address.starts_with("aws_ebs_volume.many"))
        .collect();
    assert_eq!(many.len(), 1);
    assert_eq!(many[0].resource.address, "aws_ebs_volume.many");
    assert!(many[0].resource.conditional);
    assert_eq!(model.volumes.len(), 1 + 10_000 + 1);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn count_cycles_are_unknown() {
    let model = tf(r#"
resource "aws_eip" "a" { count = length(aws_eip.b) }
resource "aws_eip" "b" { count = length(aws_eip.a) }
resource "aws_eip" "self" { count = length(aws_eip.self) }
locals { n = length(aws_eip.c) }
resource "aws_eip" "c" { count = local.n }
"#);
    assert_eq!(model.elastic_ips.len(), 4);
    assert!(model.elastic_ips.iter().all(|e| e.resource.conditional));
}
