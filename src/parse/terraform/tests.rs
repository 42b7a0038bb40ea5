//! Unit tests of the Terraform frontend: evaluation, variables, instances, dynamic blocks,
//! EIP associations, JSON syntax, limits.

use super::eval::{Env, Expansion};
use super::value::Fail;
use super::*;
use crate::source::Span;

// ---- the frontend's original tests ---------------------------------------------------------

fn model_of(files: &[&str]) -> (Model, Vec<String>) {
    let bodies: Vec<Body> = files.iter().map(|t| parse(t).unwrap()).collect();
    let mfs: Vec<TfFile> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| hcl_file(i as u32, body))
        .collect();
    let model = normalize_files(UnitId(0), "m", &mfs, &[], true, &TfOptions::default());
    (model, files.iter().map(|s| s.to_string()).collect())
}

fn text(texts: &[String], span: Span) -> &str {
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

// ---- harness --------------------------------------------------------------------------------

/// A module's model: resolved by the frontend, read by the Terraform adapters.
fn normalize_files(
    unit: UnitId,
    name: &str,
    files: &[TfFile<'_>],
    tfvars: &[TfFile<'_>],
    complete: bool,
    options: &TfOptions<'_>,
) -> Model {
    let resolved = resolve_files(
        unit,
        name,
        files,
        tfvars,
        complete,
        options,
        &crate::model::from_terraform::adapts,
    );
    crate::model::from_terraform::adapt(&resolved)
}

fn hcl_file(id: u32, body: &Body) -> TfFile<'_> {
    TfFile {
        file: FileId(id),
        source: TfSource::Hcl(body),
        is_override: false,
    }
}

enum Parsed {
    Hcl(Body),
    Json(JsonFile),
}

fn parse_any(name: &str, text: &str) -> Parsed {
    if name.ends_with(".json") {
        Parsed::Json(parse_json(text).unwrap_or_else(|e| panic!("{name}: {e:?}")))
    } else {
        Parsed::Hcl(parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}")))
    }
}

fn tf_file(id: usize, p: &Parsed) -> TfFile<'_> {
    TfFile {
        file: FileId(id as u32),
        source: match p {
            Parsed::Hcl(b) => TfSource::Hcl(b),
            Parsed::Json(j) => TfSource::Json(j),
        },
        is_override: false,
    }
}

/// A module: `.tf`/`.tf.json` files, auto-loaded variables files (in load order),
/// `--var-file` files and `--var` values. File ids follow the order files are given in.
#[derive(Default)]
struct Case<'c> {
    files: &'c [(&'c str, &'c str)],
    tfvars: &'c [(&'c str, &'c str)],
    var_files: &'c [(&'c str, &'c str)],
    vars: &'c [(&'c str, &'c str)],
}

impl Case<'_> {
    fn run(&self) -> (Model, Vec<String>) {
        let all: Vec<(&str, &str)> = self
            .files
            .iter()
            .chain(self.tfvars)
            .chain(self.var_files)
            .copied()
            .collect();
        let parsed: Vec<Parsed> = all.iter().map(|(n, t)| parse_any(n, t)).collect();
        let tfs: Vec<TfFile> = parsed
            .iter()
            .enumerate()
            .map(|(i, p)| TfFile {
                is_override: i < self.files.len() && is_override_file(all[i].0),
                ..tf_file(i, p)
            })
            .collect();
        let (files, rest) = tfs.split_at(self.files.len());
        let (tfvars, var_files) = rest.split_at(self.tfvars.len());
        let vars: Vec<(String, String)> = self
            .vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let options = TfOptions {
            var_files,
            vars: &vars,
        };
        let model = normalize_files(UnitId(0), "m", files, tfvars, true, &options);
        (model, all.iter().map(|(_, t)| t.to_string()).collect())
    }
}

fn tf(text: &str) -> Model {
    Case {
        files: &[("main.tf", text)],
        ..Case::default()
    }
    .run()
    .0
}

/// Evaluates `expr` as a local of `module`.
fn eval_in(module: &str, expr: &str) -> Result<Val, Fail> {
    let text = format!("{module}\nlocals {{\n  __probe = {expr}\n}}\n");
    let body = parse(&text).unwrap_or_else(|e| panic!("{expr}: {e:?}"));
    let irs = vec![ir::FileIr {
        body: ir::from_hcl(FileId(0), &body),
    }];
    let scope = build_scope(&irs, &[], &[], &[], Default::default());
    let attr = scope.locals["__probe"];
    scope.eval_attr(attr, &mut Env::default()).map(|e| e.val)
}

fn s(v: &str) -> Val {
    Val::Str(v.to_string())
}

fn n(v: f64) -> Val {
    Val::Num(v)
}

fn list(items: &[Val]) -> Val {
    Val::List(items.to_vec())
}

fn types_of(model: &Model) -> Vec<(String, Option<String>)> {
    model
        .volumes
        .iter()
        .map(|v| {
            let who = if v.device.is_empty() {
                v.resource.address.clone()
            } else {
                format!("{} {}", v.resource.address, v.device)
            };
            (who, v.volume_type.known().cloned())
        })
        .collect()
}

fn pairs(items: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.map(str::to_string)))
        .collect()
}

fn associations(model: &Model) -> Vec<(String, Option<String>, bool)> {
    model
        .eip_associations
        .iter()
        .map(|a| {
            (
                a.declared_by.address.clone(),
                a.eip.known().map(|k| k.address.clone()),
                a.conditional,
            )
        })
        .collect()
}

fn assoc(items: &[(&str, Option<&str>, bool)]) -> Vec<(String, Option<String>, bool)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.map(str::to_string), *c))
        .collect()
}

// ---- expressions ----------------------------------------------------------------------------

#[test]
fn locals_chains_maps_objects_index_and_attributes() {
    let module = r#"
locals {
  env   = "prod"
  sizes = { dev = 20, prod = 500 }
  size  = local.sizes[local.env]
  cfg   = { data = { type = "io1", iops = [1000, 4000] } }
  kinds = ["gp3", local.cfg.data.type]
}
"#;
    assert_eq!(eval_in(module, "local.size"), Ok(n(500.0)));
    assert_eq!(eval_in(module, "local.cfg.data.type"), Ok(s("io1")));
    assert_eq!(eval_in(module, "local.cfg.data.iops[1]"), Ok(n(4000.0)));
    assert_eq!(
        eval_in(module, "local.cfg[\"data\"][\"type\"]"),
        Ok(s("io1"))
    );
    assert_eq!(eval_in(module, "local.kinds[1]"), Ok(s("io1")));
    assert_eq!(
        eval_in(module, "local.cfg.data.iops.0"),
        Ok(n(1000.0)),
        "legacy index"
    );
    // Failures: a missing attribute or key, an index out of range.
    assert_eq!(eval_in(module, "local.cfg.nope"), Err(Fail));
    assert_eq!(eval_in(module, "local.sizes[\"qa\"]"), Err(Fail));
    assert_eq!(eval_in(module, "local.kinds[5]"), Err(Fail));
    assert_eq!(eval_in(module, "local.undeclared"), Ok(Val::Unknown));
}

#[test]
fn conditionals_known_and_unknown() {
    let module = r#"
variable "big" { type = bool }
variable "small" { default = false }
"#;
    assert_eq!(
        eval_in(module, "var.small ? \"io1\" : \"gp3\""),
        Ok(s("gp3"))
    );
    assert_eq!(
        eval_in(module, "!var.small ? \"io1\" : \"gp3\""),
        Ok(s("io1"))
    );
    // Unknown condition: both branches.
    assert_eq!(eval_in(module, "var.big ? \"io1\" : \"io1\""), Ok(s("io1")));
    assert_eq!(
        eval_in(module, "var.big ? \"io1\" : \"gp3\""),
        Ok(Val::OneOf(vec![s("io1"), s("gp3")]))
    );
    // ... carried through functions and templates.
    assert_eq!(
        eval_in(module, "upper(var.big ? \"a\" : \"b\")"),
        Ok(Val::OneOf(vec![s("A"), s("B")]))
    );
    assert_eq!(
        eval_in(module, "length(var.big ? \"ab\" : \"cd\")"),
        Ok(n(2.0))
    );
    assert_eq!(
        eval_in(module, "var.big ? var.undeclared : \"x\""),
        Ok(Val::Unknown)
    );
    assert_eq!(eval_in(module, "null ? 1 : 2"), Err(Fail));
    // `false && x` is false whatever x is.
    assert_eq!(
        eval_in(module, "var.small && var.big"),
        Ok(Val::Bool(false))
    );
    assert_eq!(eval_in(module, "var.small || var.big"), Ok(Val::Unknown));
}

#[test]
fn unknown_condition_fields_known_only_when_branches_agree() {
    let model = tf(r#"
variable "big" { type = bool }
resource "aws_ebs_volume" "same" {
  type = var.big ? "io1" : "io1"
  size = var.big ? 500 : 100
}
resource "aws_ebs_volume" "differ" {
  type = var.big ? "io1" : "gp3"
}
"#);
    assert_eq!(
        types_of(&model),
        pairs(&[
            ("aws_ebs_volume.same", Some("io1")),
            ("aws_ebs_volume.differ", None)
        ])
    );
    assert_eq!(
        model.volumes[0].size_gib.as_ref().unwrap().value,
        Value::Unknown
    );
}

#[test]
fn templates_heredocs_and_directives() {
    let module = r#"
variable "on" { default = true }
variable "unknown" {}
locals {
  env   = "prod"
  names = ["a", "b"]
}
"#;
    assert_eq!(
        eval_in(module, r#""${local.env}-data""#),
        Ok(s("prod-data"))
    );
    assert_eq!(
        eval_in(module, r#""${local.names}""#),
        Ok(list(&[s("a"), s("b")])),
        "a lone interpolation is the value itself"
    );
    assert_eq!(eval_in(module, r#""x${local.names}""#), Err(Fail));
    assert_eq!(
        eval_in(module, r#""%{if var.on}io1%{else}gp3%{endif}""#),
        Ok(s("io1"))
    );
    assert_eq!(eval_in(module, r#""%{if !var.on}io1%{endif}""#), Ok(s("")));
    assert_eq!(
        eval_in(module, r#""%{if var.unknown}io1%{else}gp3%{endif}""#),
        Ok(Val::OneOf(vec![s("io1"), s("gp3")]))
    );
    assert_eq!(
        eval_in(module, r#""%{if var.unknown}io1%{else}io1%{endif}""#),
        Ok(s("io1"))
    );
    assert_eq!(eval_in(module, r#""${var.unknown}x""#), Ok(Val::Unknown));
    assert_eq!(
        eval_in(module, r#""%{for n in local.names}[${n}]%{endfor}""#),
        Ok(s("[a][b]"))
    );
    assert_eq!(
        eval_in(module, r#""a  %{~ if var.on ~}  b  %{~ endif ~}  c""#),
        Ok(s("abc"))
    );
    assert_eq!(eval_in(module, r#""$${not} %%{x}""#), Ok(s("${not} %{x}")));
    assert_eq!(
        eval_in(
            module,
            "<<-EOT\n    type: ${local.env}\n      indented\n    EOT"
        ),
        Ok(s("type: prod\n  indented\n"))
    );
    assert_eq!(eval_in(module, "<<EOT\n${local.env}\nEOT"), Ok(s("prod\n")));
}

#[test]
fn functions() {
    let cases: &[(&str, Val)] = &[
        (r#"lookup({a = "x"}, "a")"#, s("x")),
        (r#"lookup({a = "x"}, "b", "d")"#, s("d")),
        (
            r#"merge({a = 1, b = 2}, {b = 3}, null)"#,
            Val::obj(vec![("a".into(), n(1.0)), ("b".into(), n(3.0))]),
        ),
        (r#"coalesce("", null, "io1")"#, s("io1")),
        (r#"coalescelist([], ["a"])"#, list(&[s("a")])),
        (r#"concat(["a"], [], ["b"])"#, list(&[s("a"), s("b")])),
        (r#"tomap({a = 1})"#, Val::obj(vec![("a".into(), n(1.0))])),
        (r#"tolist(["a"])"#, list(&[s("a")])),
        (r#"toset(["b", "a", "b"])"#, list(&[s("a"), s("b")])),
        (
            r#"toset([1, "a", true])"#,
            list(&[s("1"), s("a"), s("true")]),
        ),
        (r#"tostring(5)"#, s("5")),
        (r#"tonumber("40")"#, n(40.0)),
        (r#"tobool("true")"#, Val::Bool(true)),
        (
            r#"format("%s-%d-%v-%q-%%", "a", 3, [1], "x")"#,
            s(r#"a-3-[1]-"x"-%"#),
        ),
        (r#"format("%.2f", 1.5)"#, s("1.50")),
        (r#"lower("IO1")"#, s("io1")),
        (r#"upper("io1")"#, s("IO1")),
        (r#"max(1, 5, 3)"#, n(5.0)),
        (r#"min([4, 2]...)"#, n(2.0)),
        (r#"length([1, 2, 3])"#, n(3.0)),
        (r#"length({a = 1})"#, n(1.0)),
        (r#"length("héllo")"#, n(5.0)),
        (r#"element(["a", "b"], 3)"#, s("b")),
        (r#"contains(["a", "b"], "b")"#, Val::Bool(true)),
        (r#"contains(["a", "b"], "c")"#, Val::Bool(false)),
        (r#"keys({b = 1, a = 2})"#, list(&[s("a"), s("b")])),
        (r#"values({b = 1, a = 2})"#, list(&[n(2.0), n(1.0)])),
        (r#"join("-", ["a", "b"], ["c"])"#, s("a-b-c")),
        (r#"split(",", "a,b")"#, list(&[s("a"), s("b")])),
        (r#"split("", "ab")"#, list(&[s("a"), s("b")])),
        (r#"replace("io1-disk", "io1", "io2")"#, s("io2-disk")),
        (r#"replace("t3.micro", "/^t3\\..*$/", "1")"#, Val::Unknown),
        (r#"trimspace("  io1 \n")"#, s("io1")),
        (r#"substr("hello", 1, 3)"#, s("ell")),
        (r#"substr("hello", -3, -1)"#, s("llo")),
        (r#"substr("hello", 10, 2)"#, s("")),
        (r#"abs(-4)"#, n(4.0)),
        (r#"ceil(1.2)"#, n(2.0)),
        (r#"floor(1.8)"#, n(1.0)),
        (
            r#"flatten([["a"], [["b"]], "c"])"#,
            list(&[s("a"), s("b"), s("c")]),
        ),
        (r#"distinct(["a", "a", "b"])"#, list(&[s("a"), s("b")])),
        (r#"compact(["a", "", null])"#, list(&[s("a")])),
        (
            r#"zipmap(["a"], [1])"#,
            Val::obj(vec![("a".into(), n(1.0))]),
        ),
        (r#"one([])"#, Val::Null),
        (r#"range(3)"#, list(&[n(0.0), n(1.0), n(2.0)])),
        (r#"nonsensitive("x")"#, s("x")),
        (r#"file("user_data.sh")"#, Val::Unknown),
        (r#"templatefile("t.tpl", {})"#, Val::Unknown),
        (r#"jsonencode({})"#, Val::Unknown),
        (r#"provider::aws::arn_parse("arn:x")"#, Val::Unknown),
        (r#"upper(file("x"))"#, Val::Unknown),
    ];
    for (expr, want) in cases {
        assert_eq!(eval_in("", expr).as_ref(), Ok(want), "{expr}");
    }
    for failing in [
        r#"lookup({a = 1}, "b")"#,
        r#"coalesce(null, "")"#,
        r#"tonumber("abc")"#,
        r#"element([], 0)"#,
        r#"element(["a"], -1)"#,
        r#"format("%d", 1.5)"#,
        r#"format("%s")"#,
        r#"length(null)"#,
        r#"one(["a", "b"])"#,
        r#"merge({}, "x")"#,
    ] {
        assert_eq!(eval_in("", failing), Err(Fail), "{failing}");
    }
}

#[test]
fn try_and_can() {
    let module = r#"
variable "unknown" {}
variable "settings" {
  default = { type = "io1" }
}
"#;
    assert_eq!(
        eval_in(module, r#"try(var.settings.type, "gp3")"#),
        Ok(s("io1"))
    );
    // A missing attribute of a known object fails: the fallback is taken.
    assert_eq!(
        eval_in(module, r#"try(var.settings.iops, 3000)"#),
        Ok(n(3000.0))
    );
    assert_eq!(
        eval_in(module, r#"try(var.settings.iops, var.settings.x, "d")"#),
        Ok(s("d"))
    );
    // An unknown first argument: the result is unknown (it may or may not fail).
    assert_eq!(
        eval_in(module, r#"try(var.unknown.type, "gp3")"#),
        Ok(Val::Unknown)
    );
    assert_eq!(eval_in(module, r#"try(var.settings.nope)"#), Err(Fail));
    assert_eq!(
        eval_in(module, r#"can(var.settings.type)"#),
        Ok(Val::Bool(true))
    );
    assert_eq!(
        eval_in(module, r#"can(var.settings.iops)"#),
        Ok(Val::Bool(false))
    );
    assert_eq!(eval_in(module, r#"can(var.unknown.x)"#), Ok(Val::Unknown));
    assert_eq!(eval_in(module, r#"try(tonumber("x"), 5)"#), Ok(n(5.0)));
}

#[test]
fn operators() {
    let cases: &[(&str, Val)] = &[
        ("1 + 2 * 3", n(7.0)),
        ("(1 + 2) * 3", n(9.0)),
        ("10 / 4", n(2.5)),
        ("10 % 4", n(2.0)),
        ("\"3\" + 1", n(4.0)),
        ("-(2)", n(-2.0)),
        ("1 == 1", Val::Bool(true)),
        ("1 == \"1\"", Val::Bool(false)),
        ("[1, \"a\"] == [1, \"a\"]", Val::Bool(true)),
        ("{a = 1} != {a = 2}", Val::Bool(true)),
        ("null == null", Val::Bool(true)),
        ("2 < 3", Val::Bool(true)),
        ("2 <= 2", Val::Bool(true)),
        ("2 > 3", Val::Bool(false)),
        ("3 >= 4", Val::Bool(false)),
        ("true && !false", Val::Bool(true)),
        ("false || true", Val::Bool(true)),
    ];
    for (expr, want) in cases {
        assert_eq!(eval_in("", expr).as_ref(), Ok(want), "{expr}");
    }
    assert_eq!(eval_in("", "1 / 0"), Err(Fail));
    assert_eq!(eval_in("", "\"a\" + 1"), Err(Fail));
    assert_eq!(eval_in("", "!\"x\""), Err(Fail));
}

#[test]
fn for_expressions() {
    let module = r#"
locals {
  disks = {
    data = { type = "io1", size = 100 }
    logs = { type = "gp3", size = 20 }
  }
}
"#;
    assert_eq!(
        eval_in(module, "[for k, d in local.disks : d.type]"),
        Ok(list(&[s("io1"), s("gp3")]))
    );
    assert_eq!(
        eval_in(module, "[for k, d in local.disks : k if d.size > 50]"),
        Ok(list(&[s("data")]))
    );
    assert_eq!(
        eval_in(module, "{for k, d in local.disks : upper(k) => d.size}"),
        Ok(Val::obj(vec![
            ("DATA".into(), n(100.0)),
            ("LOGS".into(), n(20.0))
        ]))
    );
    assert_eq!(
        eval_in(module, "{for k, d in local.disks : d.type => k...}"),
        Ok(Val::obj(vec![
            ("gp3".into(), list(&[s("logs")])),
            ("io1".into(), list(&[s("data")]))
        ]))
    );
    assert_eq!(
        eval_in(module, "[for i, x in [\"a\", \"b\"] : \"${i}${x}\"]"),
        Ok(list(&[s("0a"), s("1b")]))
    );
    assert_eq!(
        eval_in(module, "{for x in [\"a\", \"a\"] : x => 1}"),
        Err(Fail),
        "duplicate key"
    );
    assert_eq!(
        eval_in("variable \"u\" {}", "[for x in var.u : x]"),
        Ok(Val::Unknown)
    );
    assert_eq!(
        eval_in("variable \"u\" {}", "[for x in [1, 2] : x if var.u]"),
        Ok(Val::Unknown)
    );
}

#[test]
fn unknown_sources_are_unknown_never_errors() {
    let module = r#"
data "aws_ami" "x" {}
resource "aws_instance" "web" {}
module "m" { source = "./m" }
"#;
    for expr in [
        "data.aws_ami.x.id",
        "module.m.out",
        "aws_instance.web.private_ip",
        "path.module",
        "terraform.workspace",
        "self.id",
        "count.index",
        "each.key",
        "unknown_fn(1)",
        "aws_nothing.here.id",
        "var.undeclared",
    ] {
        let v = eval_in(module, expr);
        assert!(
            matches!(v, Ok(Val::Unknown) | Ok(Val::Ref { .. })),
            "{expr}: {v:?}"
        );
        assert!(
            !matches!(v, Ok(Val::Ref { ref attr, .. }) if attr.is_none()),
            "{expr}"
        );
    }
    // A reference to a resource keeps which resource it is.
    assert_eq!(
        eval_in(module, "aws_instance.web.id"),
        Ok(Val::Ref {
            address: "aws_instance.web".into(),
            attr: Some("id".into())
        })
    );
    // Converting it to a string is unknown.
    assert_eq!(
        eval_in(module, r#""${aws_instance.web.id}-x""#),
        Ok(Val::Unknown)
    );
}

#[test]
fn splats_over_counted_resources() {
    let module = r#"
resource "aws_eip" "nat" { count = 2 }
resource "aws_eip" "one" {}
resource "aws_eip" "many" { for_each = toset(["a", "b"]) }
variable "u" {}
resource "aws_eip" "unknown" { count = var.u }
"#;
    let r = |a: &str| Val::Ref {
        address: a.into(),
        attr: Some("id".into()),
    };
    assert_eq!(
        eval_in(module, "aws_eip.nat.*.id"),
        Ok(list(&[r("aws_eip.nat[0]"), r("aws_eip.nat[1]")]))
    );
    assert_eq!(
        eval_in(module, "aws_eip.nat[*].id"),
        Ok(list(&[r("aws_eip.nat[0]"), r("aws_eip.nat[1]")]))
    );
    assert_eq!(
        eval_in(module, "aws_eip.one[*].id"),
        Ok(list(&[r("aws_eip.one")]))
    );
    assert_eq!(
        eval_in(module, "element(aws_eip.nat.*.id, 3)"),
        Ok(r("aws_eip.nat[1]"))
    );
    assert_eq!(
        eval_in(module, "aws_eip.many[\"b\"].id"),
        Ok(r("aws_eip.many[\"b\"]"))
    );
    assert_eq!(
        eval_in(module, "[for k, e in aws_eip.many : e.id]"),
        Ok(list(&[r("aws_eip.many[\"a\"]"), r("aws_eip.many[\"b\"]")]))
    );
    assert_eq!(eval_in(module, "length(aws_eip.nat)"), Ok(n(2.0)));
    assert_eq!(eval_in(module, "aws_eip.nat[2].id"), Err(Fail));
    assert_eq!(eval_in(module, "aws_eip.unknown[*].id"), Ok(Val::Unknown));
    assert_eq!(eval_in(module, "aws_eip.unknown[0].id"), Ok(Val::Unknown));
    // try() over instances that may not exist, as terraform-aws-modules do.
    assert_eq!(
        eval_in(module, "try(aws_eip.nat[5].id, aws_eip.one.id, null)"),
        Ok(r("aws_eip.one"))
    );
}

// ---- variables --------------------------------------------------------------------------------

const PRECEDENCE_MAIN: &str = r#"
variable "t" {
  type    = string
  default = "d-default"
}
resource "aws_ebs_volume" "a" { type = var.t }
"#;

fn precedence(
    tfvars: &[(&str, &str)],
    var_files: &[(&str, &str)],
    vars: &[(&str, &str)],
) -> (String, String, String) {
    let (model, texts) = Case {
        files: &[("main.tf", PRECEDENCE_MAIN)],
        tfvars,
        var_files,
        vars,
    }
    .run();
    let f = &model.volumes[0].volume_type;
    let origin = &f.via[0];
    (
        f.known().cloned().unwrap_or_default(),
        origin.label.clone(),
        texts[origin.span.file.0 as usize][origin.span.start..origin.span.end].to_string(),
    )
}

#[test]
fn variable_precedence() {
    let tfvars = [
        ("terraform.tfvars", "t = \"a-tfvars\"\n"),
        ("terraform.tfvars.json", "{\"t\": \"b-tfvars-json\"}"),
        ("a.auto.tfvars", "t = \"c-auto\"\n"),
        (
            "b.auto.tfvars.json",
            "{\n  \"other\": 1,\n  \"t\" : \"d-auto-json\"\n}",
        ),
    ];
    let var_files = [
        ("one.tfvars", "t = \"e-var-file-1\"\n"),
        ("two.tfvars.json", "{\"t\": \"f-var-file-2\"}"),
    ];
    let vars = [("t", "g-var-1"), ("t", "h-var-2")];
    assert_eq!(
        precedence(&[], &[], &[]),
        (
            "d-default".into(),
            "variable `t` default".into(),
            "\"d-default\"".into()
        )
    );
    for i in 1..=tfvars.len() {
        let (v, label, text) = precedence(&tfvars[..i], &[], &[]);
        let want = &tfvars[i - 1].1;
        assert!(want.contains(&v), "{i}: {v} from {want}");
        assert_eq!(label, "variable `t` value from tfvars");
        assert_eq!(text, format!("\"{v}\""), "origin is the value in its file");
    }
    assert_eq!(precedence(&tfvars, &var_files[..1], &[]).0, "e-var-file-1");
    let (v, label, text) = precedence(&tfvars, &var_files, &[]);
    assert_eq!(
        (v.as_str(), label.as_str(), text.as_str()),
        (
            "f-var-file-2",
            "variable `t` value from --var-file",
            "\"f-var-file-2\""
        )
    );
    let (v, label, text) = precedence(&tfvars, &var_files, &vars);
    assert_eq!(v, "h-var-2", "the later --var wins");
    assert_eq!(label, "variable `t` (from --var)");
    assert_eq!(
        text, "variable \"t\"",
        "a --var has no span: the declaration"
    );
}

#[test]
fn cli_vars_are_parsed_as_terraform_does() {
    let main = r#"
variable "untyped" {}
variable "num" { type = number }
variable "names" { type = list(string) }
variable "any" { type = any }
variable "obj" {
  type = object({ type = string, iops = optional(number, 3000) })
}
locals {
  all = [var.untyped, var.num, var.names, var.any, var.obj]
}
"#;
    let body = parse(main).unwrap();
    let irs = vec![ir::FileIr {
        body: ir::from_hcl(FileId(0), &body),
    }];
    let vars: Vec<(String, String)> = [
        ("untyped", "[\"a\"]"),
        ("num", "5"),
        ("names", "[\"a\", \"b\"]"),
        ("any", "hello"),
        ("obj", "{type = \"io1\"}"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let scope = build_scope(&irs, &[], &[], &vars, Default::default());
    let v = scope
        .eval_attr(scope.locals["all"], &mut Env::default())
        .unwrap()
        .val;
    assert_eq!(
        v,
        list(&[
            s("[\"a\"]"),
            n(5.0),
            list(&[s("a"), s("b")]),
            s("hello"),
            Val::obj(vec![("iops".into(), n(3000.0)), ("type".into(), s("io1"))]),
        ])
    );
}

#[test]
fn typed_variables_and_optional_defaults() {
    let module = r#"
variable "root" {
  type = object({
    type = optional(string)
    size = optional(number, 8)
    iops = optional(number)
  })
  default = { type = "gp2" }
}
variable "volumes" {
  type = map(object({ type = optional(string, "gp3"), size = number }))
  default = {
    data = { type = "io1", size = "100" }
    logs = { size = 20 }
  }
}
variable "zones" {
  type    = set(string)
  default = ["b", "a", "b"]
}
variable "kept_null" {
  default = "d"
}
variable "not_nullable" {
  default  = "d"
  nullable = false
}
variable "bad" {
  type    = number
  default = "many"
}
"#;
    assert_eq!(eval_in(module, "var.root.size"), Ok(n(8.0)));
    assert_eq!(eval_in(module, "var.root.iops"), Ok(Val::Null));
    assert_eq!(eval_in(module, "var.volumes.logs.type"), Ok(s("gp3")));
    assert_eq!(
        eval_in(module, "var.volumes.data.size"),
        Ok(n(100.0)),
        "converted to number"
    );
    assert_eq!(eval_in(module, "var.zones"), Ok(list(&[s("a"), s("b")])));
    assert_eq!(
        eval_in(module, "var.bad"),
        Ok(Val::Unknown),
        "Terraform rejects it"
    );

    let (model, _) = Case {
        files: &[(
            "main.tf",
            r#"
variable "kept_null" { default = "io1" }
variable "not_nullable" {
  default  = "io1"
  nullable = false
}
resource "aws_ebs_volume" "a" { type = var.kept_null }
resource "aws_ebs_volume" "b" { type = var.not_nullable }
"#,
        )],
        tfvars: &[(
            "terraform.tfvars",
            "kept_null = null\nnot_nullable = null\n",
        )],
        ..Case::default()
    }
    .run();
    // null given: the API default (gp2) for a nullable variable, the default otherwise.
    assert_eq!(
        types_of(&model),
        pairs(&[
            ("aws_ebs_volume.a", Some("gp2")),
            ("aws_ebs_volume.b", Some("io1"))
        ])
    );
    assert!(model.volumes[0].type_defaulted);
}

// ---- count and for_each -----------------------------------------------------------------------

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

// ---- dynamic blocks ---------------------------------------------------------------------------

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

// ---- EIP associations -------------------------------------------------------------------------

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

// ---- limits -----------------------------------------------------------------------------------

#[test]
fn deep_local_chains_are_bounded() {
    let mut module = String::from("locals {\n  l0 = \"io1\"\n");
    for i in 1..2000 {
        module.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    module.push_str("}\n");
    // Run on a small stack: evaluation depth is bounded, not the thread's stack.
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let shallow = eval_in(&module, "local.l10");
            let deep = eval_in(&module, "local.l1999");
            (shallow, deep)
        })
        .unwrap();
    let (shallow, deep) = handle.join().expect("no stack overflow");
    assert_eq!(shallow, Ok(s("io1")));
    assert_eq!(deep, Ok(Val::Unknown));
}

#[test]
fn exponential_values_are_bounded() {
    let mut module = String::from("locals {\n  l0 = [\"x\", \"y\"]\n  s0 = \"ab\"\n");
    for i in 1..60 {
        module.push_str(&format!("  l{i} = [local.l{p}, local.l{p}]\n", p = i - 1));
        module.push_str(&format!(
            "  s{i} = \"${{local.s{p}}}${{local.s{p}}}\"\n",
            p = i - 1
        ));
    }
    module.push_str("}\n");
    let start = std::time::Instant::now();
    for probe in ["local.l59", "local.s59"] {
        let v = eval_in(&module, probe).unwrap();
        let max = super::value::MAX_VALUE_WEIGHT;
        assert!(v.weight(max) <= max, "{probe} is bounded");
    }
    assert_eq!(eval_in(&module, "length(local.l5)"), Ok(n(2.0)));
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn alternatives_are_bounded() {
    let module = r#"
variable "u" {}
locals {
  a = var.u ? 1 : 2
  b = var.u ? 10 : 20
  c = var.u ? 100 : 200
  d = var.u ? 1000 : 2000
  e = var.u ? 10000 : 20000
}
"#;
    assert_eq!(
        eval_in(module, "local.a + local.b > 0"),
        Ok(Val::Bool(true))
    );
    assert_eq!(
        eval_in(module, "local.a + local.b + local.c + local.d + local.e"),
        Ok(Val::Unknown),
        "32 combinations"
    );
}

// ---- JSON syntax ------------------------------------------------------------------------------

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

// ---- numbers beyond f64, byte-order marks ---------------------------------------------------

/// Terraform accepts `1e400` (arbitrary precision; `terraform console`: `1e400 > 5` is true,
/// `1e400 - 1e400` is 0). No f64 is that number, so it is unknown; before, the file was
/// "invalid HCL".
#[test]
fn numbers_beyond_f64_are_unknown_not_errors() {
    for expr in [
        "1e400",
        "-1e400",
        "1e400 > 5",
        "1e400 - 1e400",
        "1e-400",
        "\"${1e400}\"",
    ] {
        assert_eq!(eval_in("", expr), Ok(Val::Unknown), "{expr}");
    }
    let big = format!("1{}", "0".repeat(400));
    assert_eq!(eval_in("", &big), Ok(Val::Unknown));
    assert_eq!(eval_in("", "[1e400, 2]"), Ok(list(&[Val::Unknown, n(2.0)])));
    // Within f64: its nearest f64, as for every number.
    assert_eq!(eval_in("", "99999999999999999999"), Ok(n(1e20)));
    assert_eq!(eval_in("", "1e308"), Ok(n(1e308)));
    // The number's text stays where it was: spans are exact.
    let (model, texts) = Case {
        files: &[(
            "main.tf",
            "resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  size = 1e400\n}\n",
        )],
        ..Case::default()
    }
    .run();
    let size = model.volumes[0].size_gib.as_ref().expect("a size field");
    assert_eq!(size.known(), None, "unknown: {size:?}");
    assert_eq!(&texts[0][size.span.start..size.span.end], "1e400");
}

#[test]
fn numbers_beyond_f64_in_json_are_unknown() {
    let (model, texts) = Case {
        files: &[
            ("main.tf", "variable \"s\" {}\n"),
            (
                "v.tf.json",
                r#"{"resource": {"aws_ebs_volume": {"a": {"size": 1e400, "iops": [1e400, 3000]}, "b": {"size": "${var.s}"}}}}"#,
            ),
        ],
        tfvars: &[("terraform.tfvars.json", r#"{"s": -1e400}"#)],
        ..Case::default()
    }
    .run();
    for v in &model.volumes {
        let size = v.size_gib.as_ref().expect("a size field");
        assert_eq!(size.known(), None, "{}: {size:?}", v.resource.address);
    }
    let a = &model.volumes[0];
    let span = a.size_gib.as_ref().unwrap().span;
    assert_eq!(&texts[1][span.start..span.end], "1e400");
    // JSON numbers Terraform rejects ("Invalid JSON number") are errors.
    for bad in ["01", "1.", "-.5", "+1", "1e", "--1"] {
        let text = format!(r#"{{"locals": {{"a": {bad}}}}}"#);
        assert!(parse_json(&text).is_err(), "{bad}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted_with_exact_spans() {
    // Terraform accepts it; hcl-edit does not. Before, only the engine's file loader worked
    // around it (not `--var-file`).
    let text = "\u{feff}resource \"aws_ebs_volume\" \"v\" {\n  size = 8\n}\n";
    let body = parse(text).expect("parses");
    let block = body.blocks().next().expect("a block");
    assert_eq!(
        &text[hcl_edit::Span::span(&block.ident).unwrap()],
        "resource"
    );
    assert!(parse_vars_json("\u{feff}{\"x\": 1}").is_ok());
}

/// Before: `metadata_options`, `network_interfaces` and `launch_template` were missing, so in
/// a `.tf.json` file they were attributes, the adapters saw no such block, and `ec2-imdsv1`
/// fired on an instance that requires tokens.
#[test]
fn json_reads_every_block_type_the_adapters_read() {
    // Every adapter file, so a new one is covered too.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model/from_terraform");
    let sources: Vec<String> = std::fs::read_dir(&dir)
        .expect("the adapters")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("readable"))
        .collect();
    let read: Vec<&str> = sources
        .iter()
        .flat_map(|source| source.split(".blocks(").skip(1))
        .filter_map(|rest| rest.split('"').nth(1))
        .collect();
    assert!(read.len() >= 9, "{read:?}");
    for name in read {
        assert!(ir::JSON_NESTED_BLOCKS.contains(&name), "{name}");
    }
    let model = Case {
        files: &[(
            "main.tf.json",
            r#"{"resource": {"aws_instance": {"web": {"ami": "ami-1", "instance_type": "t3.micro", "metadata_options": {"http_tokens": "required"}}}}}"#,
        )],
        ..Case::default()
    }
    .run()
    .0;
    let tokens = model.launch_settings[0].http_tokens.as_ref();
    assert_eq!(
        tokens.and_then(|f| f.known()).map(String::as_str),
        Some("required")
    );
}

/// The AWS provider's version constraints, in either syntax and any local name: what
/// `ami-owner-unrestricted` reads to know that provider v6 rejects unfiltered lookups.
#[test]
fn aws_provider_version_constraints() {
    let constraints = |files: &[(&str, &str)]| -> Vec<String> {
        Case {
            files,
            ..Case::default()
        }
        .run()
        .0
        .aws_provider_versions
        .iter()
        .filter_map(|(_, f)| f.known().cloned())
        .collect()
    };
    assert_eq!(
        constraints(&[(
            "versions.tf",
            "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 6.0\"\n    }\n    random = {\n      source  = \"hashicorp/random\"\n      version = \"~> 3.0\"\n    }\n  }\n}\n",
        )]),
        vec![">= 6.0"]
    );
    // Another local name for hashicorp/aws; the 0.12 string form under `aws`.
    assert_eq!(
        constraints(&[(
            "versions.tf",
            "terraform {\n  required_providers {\n    amazon = {\n      source  = \"registry.terraform.io/hashicorp/aws\"\n      version = \"~> 6.2\"\n    }\n  }\n}\n",
        )]),
        vec!["~> 6.2"]
    );
    assert_eq!(
        constraints(&[(
            "versions.tf",
            "terraform {\n  required_providers {\n    aws = \"~> 3.0\"\n  }\n}\n",
        )]),
        vec!["~> 3.0"]
    );
    // Another provider named `aws` by source is not the AWS provider.
    assert!(constraints(&[(
        "versions.tf",
        "terraform {\n  required_providers {\n    aws = {\n      source = \"example/aws\"\n      version = \"6.0.0\"\n    }\n  }\n}\n",
    )])
    .is_empty());
    // Terraform JSON.
    assert_eq!(
        constraints(&[(
            "versions.tf.json",
            r#"{"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "6.1.0"}}}}"#,
        )]),
        vec!["6.1.0"]
    );
}
