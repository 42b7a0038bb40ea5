//! `dynamic` blocks: block devices, launch template mappings, subnet mappings.

use super::*;

#[test]
fn dynamic_block_devices() {
    let model = tf(r#"
variable "root" {
  type = object({ type = optional(string), size = optional(number) })
  default = { type = "gp2", size = 50 }
}
variable "unknown_list" { type = list(any) }
locals {
  disks = [
    { name = "/dev/sdf", type = "io1", iops = 4000 },
    { name = "/dev/sdg", type = "gp3", iops = null },
  ]
}
resource "aws_instance" "web" {
  ami = "ami-0123456789abcdef0"
  dynamic "root_block_device" {
    for_each = var.root != null ? [var.root] : []
    content {
      volume_type = root_block_device.value.type
      volume_size = root_block_device.value.size
    }
  }
  dynamic "ebs_block_device" {
    for_each = local.disks
    iterator = disk
    content {
      device_name = disk.value.name
      volume_type = disk.value.type
      iops        = disk.value.iops
    }
  }
  dynamic "ebs_block_device" {
    for_each = var.unknown_list
    content {
      device_name = ebs_block_device.value.name
      volume_type = "io1"
    }
  }
  dynamic "ebs_block_device" {
    for_each = {}
    content {
      volume_type = "io1"
    }
  }
}
"#);
    assert_eq!(
        types_of(&model),
        pairs(&[
            ("aws_instance.web root_block_device", Some("gp2")),
            ("aws_instance.web ebs_block_device /dev/sdf", Some("io1")),
            ("aws_instance.web ebs_block_device /dev/sdg", Some("gp3")),
        ])
    );
    assert_eq!(
        model.volumes[0].size_gib.as_ref().unwrap().known(),
        Some(&50.0)
    );
    assert_eq!(
        model.volumes[1].iops.as_ref().unwrap().known(),
        Some(&4000.0)
    );
    assert!(model.volumes[2].iops.is_none(), "null iops is no iops");
}

#[test]
fn dynamic_launch_template_mappings() {
    let model = tf(r#"
locals {
  mappings = {
    "/dev/xvda" = { type = "gp2" }
    "/dev/xvdb" = { type = "io1" }
  }
}
resource "aws_launch_template" "lt" {
  image_id = "ami-0123456789abcdef0"
  dynamic "block_device_mappings" {
    for_each = local.mappings
    content {
      device_name = block_device_mappings.key
      dynamic "ebs" {
        for_each = [block_device_mappings.value]
        content {
          volume_type = ebs.value.type
        }
      }
    }
  }
}
"#);
    assert_eq!(
        types_of(&model),
        pairs(&[
            (
                "aws_launch_template.lt block_device_mappings /dev/xvda",
                Some("gp2")
            ),
            (
                "aws_launch_template.lt block_device_mappings /dev/xvdb",
                Some("io1")
            ),
        ])
    );
}

#[test]
fn dynamic_subnet_mappings() {
    let model = tf(r#"
variable "mappings" { type = list(object({ subnet = string, allocation_id = string })) }
resource "aws_eip" "a" {}
resource "aws_eip" "b" {}
resource "aws_eip" "c" {}
resource "aws_lb" "known" {
  dynamic "subnet_mapping" {
    for_each = { s1 = aws_eip.a.id, s2 = aws_eip.b.id }
    content {
      subnet_id     = subnet_mapping.key
      allocation_id = subnet_mapping.value
    }
  }
}
resource "aws_lb" "unknown" {
  dynamic "subnet_mapping" {
    for_each = var.mappings
    content {
      subnet_id     = subnet_mapping.value.subnet
      allocation_id = subnet_mapping.value.allocation_id
    }
  }
}
"#);
    assert_eq!(
        associations(&model),
        assoc(&[
            ("aws_lb.known", Some("aws_eip.a"), false),
            ("aws_lb.known", Some("aws_eip.b"), false),
            ("aws_lb.unknown", None, true),
        ])
    );
}

#[test]
fn dynamic_subnet_mapping_over_unknown_collection_of_eips() {
    let model = tf(r#"
variable "subnets" { type = list(string) }
resource "aws_eip" "nlb" { count = 2 }
resource "aws_lb" "nlb" {
  dynamic "subnet_mapping" {
    for_each = zipmap(var.subnets, aws_eip.nlb[*].id)
    content {
      subnet_id     = subnet_mapping.key
      allocation_id = subnet_mapping.value
    }
  }
}
"#);
    // Which EIP goes with which subnet is unknown, but only these two can be.
    assert_eq!(
        associations(&model),
        assoc(&[
            ("aws_lb.nlb", Some("aws_eip.nlb[0]"), true),
            ("aws_lb.nlb", Some("aws_eip.nlb[1]"), true),
        ])
    );
}
