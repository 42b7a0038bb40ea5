//! Unit tests of the Terraform frontend: evaluation, variables, instances, dynamic blocks,
//! EIP associations, JSON syntax, limits.

use super::eval::{Env, Expansion};
use super::value::Fail;
use super::*;
use crate::source::Span;

// ---- the frontend's original tests ---------------------------------------------------------


fn model_of(files: &[&str]) -> (Model, Vec<String>) {
    let bodies: Vec<Body> = files.iter().map(|t| parse(t).unwrap()).collect();
    let mfs: Vec<ModuleFile> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| ModuleFile {
            file: FileId(i as u32),
            body,
        })
        .collect();
    let model = normalize(UnitId(0), "m", &mfs, &[], true);
    (model, files.iter().map(|s| s.to_string()).collect())
}

fn text<'a>(texts: &'a [String], span: Span) -> &'a str {
    &texts[span.file.0 as usize][span.start..span.end]
}

#[test]
fn resolves_variable_default_and_local_with_origins() {
    let (model, texts) = model_of(&[r#"
variable "disk_type" {
  default = "io1"
}
locals {
  size = 200
}
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  type              = var.disk_type
  size              = local.size
  iops              = 4000
}
"#]);
    assert_eq!(model.volumes.len(), 1);
    let v = &model.volumes[0];
    assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(text(&texts, v.volume_type.span), "var.disk_type");
    assert_eq!(text(&texts, v.volume_type.via[0].span), "\"io1\"");
    assert_eq!(v.volume_type.via[0].label, "variable `disk_type` default");
    assert_eq!(v.size_gib.as_ref().unwrap().known(), Some(&200.0));
    assert_eq!(v.iops.as_ref().unwrap().known(), Some(&4000.0));
    assert!(!v.type_defaulted);
}

#[test]
fn standalone_volume_without_type_is_gp2_and_inline_is_unknown() {
    let (model, texts) = model_of(&[r#"
resource "aws_ebs_volume" "logs" {
  size = 500
}
resource "aws_instance" "web" {
  ami = "ami-0123456789abcdef0"
  root_block_device {
volume_size = 30
  }
  ebs_block_device {
device_name = "/dev/sdf"
volume_type = "gp2"
  }
}
"#]);
    let logs = &model.volumes[0];
    assert!(logs.type_defaulted);
    assert_eq!(logs.volume_type.known().map(String::as_str), Some("gp2"));
    assert_eq!(text(&texts, logs.volume_type.span), "resource \"aws_ebs_volume\" \"logs\"");
    let root = &model.volumes[1];
    assert_eq!(root.volume_type.value, Value::Unknown);
    assert_eq!(root.device, "root_block_device");
    assert_eq!(model.volumes[2].device, "ebs_block_device /dev/sdf");
    assert_eq!(model.ami_refs[0].image.known().map(String::as_str), Some("ami-0123456789abcdef0"));
}

#[test]
fn unknown_values_stay_unknown() {
    let (model, _) = model_of(&[r#"
variable "disk_type" {}
resource "aws_ebs_volume" "a" {
  type = var.disk_type
  size = tonumber(file("size.txt"))
}
resource "aws_ebs_volume" "b" {
  type = var.undeclared
}
resource "aws_ebs_volume" "c" {
  type = "${var.disk_type}x"
}
"#]);
    for v in &model.volumes {
        assert_eq!(v.volume_type.value, Value::Unknown, "{}", v.resource.address);
    }
    assert_eq!(model.volumes[0].size_gib.as_ref().unwrap().value, Value::Unknown);
}

#[test]
fn associations_across_files_and_kinds() {
    let (model, _) = model_of(&[
        r#"
resource "aws_eip" "a" { domain = "vpc" }
resource "aws_eip" "b" { domain = "vpc" }
resource "aws_eip" "c" { instance = aws_instance.x.id }
resource "aws_eip" "nat" {
  count = 2
}
resource "aws_eip" "never" {
  count = 0
}
"#,
        r#"
resource "aws_eip_association" "a" {
  allocation_id = aws_eip.a.id
  instance_id   = "i-123"
}
resource "aws_nat_gateway" "gw" {
  count         = 2
  allocation_id = element(aws_eip.nat.*.id, count.index)
  subnet_id     = "subnet-1"
}
resource "aws_lb" "nlb" {
  subnet_mapping {
subnet_id     = "subnet-1"
allocation_id = aws_eip.b.allocation_id
  }
}
"#,
    ]);
    // count = 0 creates nothing; count = 2 two instances.
    assert_eq!(model.elastic_ips.len(), 5);
    let targets: Vec<_> = model
        .eip_associations
        .iter()
        .map(|a| (a.kind, a.eip.known().map(|k| k.address.clone())))
        .collect();
    assert_eq!(
        targets,
        vec![
            (AssociationKind::EipInstance, Some("aws_eip.c".to_string())),
            (AssociationKind::Association, Some("aws_eip.a".to_string())),
            (AssociationKind::NatGateway, Some("aws_eip.nat[0]".to_string())),
            (AssociationKind::NatGateway, Some("aws_eip.nat[1]".to_string())),
            (AssociationKind::LoadBalancer, Some("aws_eip.b".to_string())),
        ]
    );
}

#[test]
fn outputs_and_module_arguments_are_escapes_but_dns_is_not() {
    let (model, _) = model_of(&[r#"
resource "aws_eip" "a" {}
resource "aws_eip" "b" {}
resource "aws_eip" "c" {}
locals {
  ids = [aws_eip.b.id]
}
output "a" { value = aws_eip.a.allocation_id }
module "m" {
  source = "./m"
  ids    = local.ids
}
output "dns" { value = aws_eip.c.public_dns }
"#]);
    let escaped: Vec<_> = model.eip_escapes.iter().map(|e| e.eip.address.as_str()).collect();
    assert_eq!(escaped, vec!["aws_eip.a", "aws_eip.b"]);
}

#[test]
fn tfvars_override_defaults() {
    let main = parse(
        r#"
variable "t" { default = "gp3" }
resource "aws_ebs_volume" "a" { type = var.t }
"#,
    )
    .unwrap();
    let vars = parse("t = \"io1\"\n").unwrap();
    let model = normalize(
        UnitId(0),
        "m",
        &[ModuleFile { file: FileId(0), body: &main }],
        &[ModuleFile { file: FileId(1), body: &vars }],
        true,
    );
    let v = &model.volumes[0];
    assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(v.volume_type.via[0].label, "variable `t` value from tfvars");
    assert_eq!(v.volume_type.via[0].span.file, FileId(1));
}

#[test]
fn local_cycles_do_not_hang() {
    let (model, _) = model_of(&[r#"
locals {
  a = local.b
  b = local.a
}
resource "aws_ebs_volume" "x" { type = local.a }
resource "aws_eip_association" "y" { allocation_id = local.a }
"#]);
    assert_eq!(model.volumes[0].volume_type.value, Value::Unknown);
    assert_eq!(model.eip_associations[0].eip, Value::Unknown);
}

#[test]
fn ami_lookup_fields() {
    let (model, _) = model_of(&[r#"
data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]
}
data "aws_ami" "loose" {
  filter {
name   = "name"
values = ["x"]
  }
}
"#]);
    assert_eq!(model.ami_lookups.len(), 2);
    assert_eq!(model.ami_lookups[0].most_recent.as_ref().unwrap().known(), Some(&true));
    assert_eq!(
        model.ami_lookups[0].owners.as_ref().unwrap().known(),
        Some(&vec!["099720109477".to_string()])
    );
    assert!(model.ami_lookups[1].most_recent.is_none());
    assert!(model.ami_lookups[1].owners.is_none());
}
