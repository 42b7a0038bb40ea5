//! EIP associations: NAT gateways, inexact references, an EIP's own instance, `for_each`.

use super::*;

#[test]
fn nat_gateways_per_instance() {
    let model = tf(r#"
variable "azs" { default = ["a", "b"] }
resource "aws_eip" "nat" {
  count = length(var.azs)
}
resource "aws_nat_gateway" "legacy" {
  count         = length(var.azs)
  allocation_id = element(aws_eip.nat.*.id, count.index)
}
resource "aws_nat_gateway" "modern" {
  count         = 2
  allocation_id = aws_eip.nat[count.index].id
}
"#);
    let eips: Vec<&str> = model
        .elastic_ips
        .iter()
        .map(|e| e.key.address.as_str())
        .collect();
    assert_eq!(eips, vec!["aws_eip.nat[0]", "aws_eip.nat[1]"]);
    assert_eq!(
        associations(&model),
        assoc(&[
            ("aws_nat_gateway.legacy[0]", Some("aws_eip.nat[0]"), false),
            ("aws_nat_gateway.legacy[1]", Some("aws_eip.nat[1]"), false),
            ("aws_nat_gateway.modern[0]", Some("aws_eip.nat[0]"), false),
            ("aws_nat_gateway.modern[1]", Some("aws_eip.nat[1]"), false),
        ])
    );
}

#[test]
fn inexact_associations_fall_back_to_mentions() {
    let model = tf(r#"
variable "n" { type = number }
variable "color" { type = string }
variable "attach" { type = bool }
resource "aws_eip" "web" { count = 2 }
resource "aws_eip" "blue" {}
resource "aws_eip" "green" {}
resource "aws_eip" "solo" {}
locals {
  by_color = { blue = aws_eip.blue.id, green = aws_eip.green.id }
}
resource "aws_eip_association" "web" {
  count         = var.n
  allocation_id = element(aws_eip.web.*.id, count.index)
}
resource "aws_eip_association" "color" {
  allocation_id = local.by_color[var.color]
}
resource "aws_eip_association" "either" {
  allocation_id = var.attach ? aws_eip.blue.id : aws_eip.green.id
}
resource "aws_eip_association" "maybe" {
  allocation_id = var.attach ? aws_eip.solo.id : null
}
resource "aws_eip_association" "opaque" {
  allocation_id = var.color
}
resource "aws_nat_gateway" "private" {
  allocation_id = null
}
"#);
    assert_eq!(
        associations(&model),
        assoc(&[
            // Unknown count: either instance, conditionally.
            ("aws_eip_association.web", Some("aws_eip.web[0]"), true),
            ("aws_eip_association.web", Some("aws_eip.web[1]"), true),
            ("aws_eip_association.color", Some("aws_eip.blue"), true),
            ("aws_eip_association.color", Some("aws_eip.green"), true),
            ("aws_eip_association.either", Some("aws_eip.blue"), true),
            ("aws_eip_association.either", Some("aws_eip.green"), true),
            ("aws_eip_association.maybe", Some("aws_eip.solo"), true),
            ("aws_eip_association.opaque", None, false),
        ])
    );
}

#[test]
fn eip_own_instance_per_instance_and_escapes() {
    let model = tf(r#"
variable "attach" { type = bool }
resource "aws_instance" "web" {
  count = 2
  ami   = "ami-0123456789abcdef0"
}
resource "aws_eip" "web" {
  count    = 2
  instance = aws_instance.web[count.index].id
}
resource "aws_eip" "maybe" {
  instance = var.attach ? aws_instance.web[0].id : null
}
resource "aws_eip" "none" {
  instance = null
}
resource "aws_eip" "exported" { for_each = toset(["x", "y"]) }
output "ips" {
  value = [for e in aws_eip.exported : e.allocation_id]
}
"#);
    assert_eq!(
        associations(&model),
        assoc(&[
            ("aws_eip.web[0]", Some("aws_eip.web[0]"), false),
            ("aws_eip.web[1]", Some("aws_eip.web[1]"), false),
            ("aws_eip.maybe", Some("aws_eip.maybe"), true),
        ])
    );
    let escaped: Vec<&str> = model
        .eip_escapes
        .iter()
        .map(|e| e.eip.address.as_str())
        .collect();
    assert_eq!(
        escaped,
        vec!["aws_eip.exported[\"x\"]", "aws_eip.exported[\"y\"]"]
    );
}

#[test]
fn for_each_association_follows_each_value() {
    let model = tf(r#"
variable "targets" { type = map(string) }
resource "aws_eip" "a" {}
resource "aws_eip" "b" {}
resource "aws_eip_association" "known" {
  for_each      = { x = aws_eip.a.id }
  allocation_id = each.value
}
resource "aws_eip_association" "unknown" {
  for_each      = merge(var.targets, { y = aws_eip.b.id })
  allocation_id = each.value
}
"#);
    assert_eq!(
        associations(&model),
        assoc(&[
            ("aws_eip_association.known[\"x\"]", Some("aws_eip.a"), false),
            ("aws_eip_association.unknown", Some("aws_eip.b"), true),
        ])
    );
}
