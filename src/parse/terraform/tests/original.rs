//! The frontend's first tests: origins, defaults, unknowns, associations, escapes, tfvars,
//! override files.

use super::*;

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
    assert_eq!(
        text(&texts, logs.volume_type.span),
        "resource \"aws_ebs_volume\" \"logs\""
    );
    let root = &model.volumes[1];
    assert_eq!(root.volume_type.value, Value::Unknown);
    assert_eq!(root.device, "root_block_device");
    assert_eq!(model.volumes[2].device, "ebs_block_device /dev/sdf");
    assert_eq!(
        model.ami_refs[0].image.known().map(String::as_str),
        Some("ami-0123456789abcdef0")
    );
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
        assert_eq!(
            v.volume_type.value,
            Value::Unknown,
            "{}",
            v.resource.address
        );
    }
    assert_eq!(
        model.volumes[0].size_gib.as_ref().unwrap().value,
        Value::Unknown
    );
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
            (
                AssociationKind::NatGateway,
                Some("aws_eip.nat[0]".to_string())
            ),
            (
                AssociationKind::NatGateway,
                Some("aws_eip.nat[1]".to_string())
            ),
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
    let escaped: Vec<_> = model
        .eip_escapes
        .iter()
        .map(|e| e.eip.address.as_str())
        .collect();
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
    let model = normalize_files(
        UnitId(0),
        "m",
        &[hcl_file(0, &main)],
        &[hcl_file(1, &vars)],
        true,
        &TfOptions::default(),
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
    assert_eq!(
        model.ami_lookups[0].most_recent.as_ref().unwrap().known(),
        Some(&true)
    );
    assert_eq!(
        model.ami_lookups[0].owners.as_ref().unwrap().known(),
        Some(&vec!["099720109477".to_string()])
    );
    assert!(model.ami_lookups[1].most_recent.is_none());
    assert!(model.ami_lookups[1].owners.is_none());
}

/// Override files (`override.tf`, `*_override.tf`) merge into the blocks they name, after the
/// other files, as Terraform does: arguments replace arguments, a nested block type replaces
/// all blocks of that type (`dynamic` ones too), `lifecycle` merges by argument, a `locals`
/// entry replaces the local of that name, and a block with no original is dropped.
#[test]
fn override_files_merge_into_the_blocks_they_name() {
    let (model, _) = Case {
        files: &[
            (
                "main.tf",
                r#"
locals {
  kind = "gp2"
}
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  type              = local.kind
  size              = 500
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  ebs_block_device {
    device_name = "/dev/sdb"
    volume_type = "gp2"
    volume_size = 100
  }
  dynamic "ebs_block_device" {
    for_each = ["/dev/sdc"]
    content {
      device_name = ebs_block_device.value
      volume_type = "gp2"
      volume_size = 100
    }
  }
}
"#,
            ),
            (
                "override.tf",
                r#"
locals {
  kind = "gp3"
}
resource "aws_instance" "web" {
  ebs_block_device {
    device_name = "/dev/sdd"
    volume_type = "gp3"
    volume_size = 50
  }
}
resource "aws_eip" "ghost" {
  domain = "vpc"
}
"#,
            ),
            (
                "z_override.tf",
                "resource \"aws_ebs_volume\" \"data\" {\n  size = 600\n  lifecycle {\n    ignore_changes = [tags]\n  }\n}\n",
            ),
        ],
        ..Case::default()
    }
    .run();
    let data = model
        .volumes
        .iter()
        .find(|v| v.resource.address == "aws_ebs_volume.data")
        .unwrap();
    assert_eq!(data.volume_type.known().map(String::as_str), Some("gp3"));
    let size = data.size_gib.as_ref().unwrap();
    assert_eq!(size.known(), Some(&600.0));
    // The value is where the override file writes it.
    assert_eq!(size.span.file, FileId(2));
    let devices: Vec<(&str, Option<&str>)> = model
        .volumes
        .iter()
        .filter(|v| v.resource.address == "aws_instance.web")
        .map(|v| (v.device.as_str(), v.volume_type.known().map(String::as_str)))
        .collect();
    assert_eq!(devices, vec![("ebs_block_device /dev/sdd", Some("gp3"))]);
    assert!(model.elastic_ips.is_empty());
    assert_eq!(
        model
            .volumes
            .iter()
            .filter(|v| v.resource.address == "aws_ebs_volume.data")
            .count(),
        1
    );
}

/// A provider override applies to the configuration of the same name and alias only.
#[test]
fn override_files_merge_providers_by_alias() {
    let (model, _) = Case {
        files: &[
            (
                "main.tf",
                "provider \"aws\" {\n  region = \"us-east-1\"\n}\nprovider \"aws\" {\n  alias  = \"west\"\n  region = \"us-west-2\"\n}\n",
            ),
            (
                "override.tf",
                "provider \"aws\" {\n  alias  = \"west\"\n  region = \"eu-west-1\"\n}\n",
            ),
        ],
        ..Case::default()
    }
    .run();
    let default: Vec<Option<&String>> = model.unit_regions.iter().map(|(_, r)| r.known()).collect();
    assert_eq!(default, [Some(&"us-east-1".to_string())]);
    let aliased: Vec<(&str, Option<&String>)> = model
        .provider_aliases
        .iter()
        .map(|(_, alias, r)| (alias.as_str(), r.known()))
        .collect();
    assert_eq!(aliased, [("west", Some(&"eu-west-1".to_string()))]);
}

#[test]
fn override_file_names() {
    for name in [
        "override.tf",
        "override.tf.json",
        "db_override.tf",
        "x_override.tf.json",
    ] {
        assert!(is_override_file(name), "{name}");
    }
    for name in [
        "main.tf",
        "overrides.tf",
        "override.tfvars",
        "myoverride.tf",
        "override.json",
    ] {
        assert!(!is_override_file(name), "{name}");
    }
}
