//! Tests of local modules: calls, arguments, outputs, instances, cycles and limits.

use super::*;
use crate::source::FileId;
use hcl_edit::structure::Body;

#[test]
fn paths_are_joined_lexically() {
    assert_eq!(
        module_dir(Path::new("."), "./modules/x"),
        PathBuf::from("modules/x")
    );
    assert_eq!(module_dir(Path::new("a/b"), "../c"), PathBuf::from("a/c"));
    assert_eq!(module_dir(Path::new("a"), "../../c"), PathBuf::from("../c"));
    assert_eq!(normalize_path(Path::new("./a/./b/..")), PathBuf::from("a"));
    assert_eq!(normalize_path(Path::new("a/..")), PathBuf::from("."));
    assert!(is_local_source("./x") && is_local_source("../x"));
    assert!(!is_local_source("terraform-aws-modules/vpc/aws"));
    assert!(!is_local_source("git::https://example.com/x.git"));
}

/// Files by directory: the root is `root`; every directory is in the library.
struct Fixture {
    bodies: Vec<(PathBuf, Body)>,
    texts: Vec<String>,
}

impl Fixture {
    fn new(files: &[(&str, &str)]) -> Fixture {
        Fixture {
            bodies: files
                .iter()
                .map(|(d, t)| (PathBuf::from(d), crate::parse::terraform::parse(t).unwrap()))
                .collect(),
            texts: files.iter().map(|(_, t)| t.to_string()).collect(),
        }
    }

    fn run(&self) -> (Model, Vec<TfDiagnostic>) {
        let mut library = ModuleLibrary::new();
        for (i, (dir, body)) in self.bodies.iter().enumerate() {
            library
                .entry(dir.clone())
                .or_insert_with(|| ModuleDir {
                    name: dir.display().to_string(),
                    files: Vec::new(),
                    complete: true,
                    id: dir.clone(),
                })
                .files
                .push(TfFile {
                    file: FileId(i as u32),
                    source: TfSource::Hcl(body),
                    is_override: false,
                });
        }
        let root = library[Path::new("root")].files.clone();
        let (unit, diagnostics) = resolve_module_tree(
            UnitId(3),
            "root",
            &root,
            &[],
            true,
            &TfOptions::default(),
            Some(ModuleRoot {
                dir: Path::new("root"),
                library: &library,
            }),
            crate::model::from_terraform::WANTED,
        );
        (crate::model::from_terraform::adapt(&unit), diagnostics)
    }

    fn text(&self, span: Span) -> &str {
        &self.texts[span.file.0 as usize][span.start..span.end]
    }
}

const DISK: &str = r#"
variable "volume_type" {
  type    = string
  default = "gp3"
}
variable "size" {
  default = 100
}
resource "aws_ebs_volume" "this" {
  availability_zone = "us-east-1a"
  type              = var.volume_type
  size              = var.size
}
output "volume_id" {
  value = aws_ebs_volume.this.id
}
output "volume_type" {
  value = aws_ebs_volume.this.type == "" ? var.volume_type : var.volume_type
}
"#;

#[test]
fn arguments_bind_variables_with_origins_and_prefixed_addresses() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
variable "kind" {
  default = "io1"
}
module "db_disk" {
  source      = "./modules/disk"
  volume_type = var.kind
}
module "logs_disk" {
  source = "./modules/disk"
  size   = 20
}
resource "aws_ebs_volume" "copy" {
  availability_zone = "us-east-1a"
  type              = module.db_disk.volume_type
}
"#,
        ),
        ("root/modules/disk", DISK),
    ]);
    let (model, diags) = f.run();
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(model.units.len(), 1);
    assert!(model.units[0].complete);
    let by: HashMap<&str, &Volume> = model
        .volumes
        .iter()
        .map(|v| (v.resource.address.as_str(), v))
        .collect();
    let db = by["module.db_disk.aws_ebs_volume.this"];
    assert_eq!(db.resource.unit, UnitId(3));
    assert_eq!(db.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(f.text(db.volume_type.span), "var.volume_type");
    let labels: Vec<(&str, &str)> = db
        .volume_type
        .via
        .iter()
        .map(|o| (o.label.as_str(), f.text(o.span)))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("variable `kind` default", "\"io1\""),
            ("module `db_disk` argument `volume_type`", "var.kind"),
        ]
    );
    let logs = by["module.logs_disk.aws_ebs_volume.this"];
    assert_eq!(logs.volume_type.known().map(String::as_str), Some("gp3"));
    assert_eq!(logs.size_gib.as_ref().unwrap().known(), Some(&20.0));
    // An output in the caller, with its origin.
    let copy = by["aws_ebs_volume.copy"];
    assert_eq!(copy.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(
        copy.volume_type.via.last().map(|o| o.label.as_str()),
        Some("module `db_disk` output `volume_type`")
    );
    assert_eq!(model.resource_count, 3);
}

const NET: &str = r#"
resource "aws_eip" "this" {
  domain = "vpc"
}
output "eip_id" {
  value = aws_eip.this.id
}
output "public_ip" {
  value = aws_eip.this.public_ip
}
"#;

#[test]
fn an_eip_of_a_module_is_associated_through_its_output() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
module "net" {
  source = "./net"
}
resource "aws_eip_association" "web" {
  allocation_id = module.net.eip_id
  instance_id   = "i-0123456789abcdef0"
}
"#,
        ),
        ("root/net", NET),
    ]);
    let (model, _) = f.run();
    assert_eq!(model.elastic_ips.len(), 1);
    let key = &model.elastic_ips[0].key;
    assert_eq!(key.address, "module.net.aws_eip.this");
    assert_eq!(key.unit, UnitId(3));
    assert_eq!(model.eip_associations.len(), 1);
    assert_eq!(model.eip_associations[0].eip, Value::Known(key.clone()));
    assert!(!model.eip_associations[0].conditional);
    // The module's outputs are not escapes.
    assert!(model.eip_escapes.is_empty(), "{:?}", model.eip_escapes);
}

#[test]
fn module_outputs_escape_only_where_the_caller_lets_them() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
module "net" {
  source = "./net"
}
module "unused" {
  source = "./net"
}
module "remote" {
  source  = "terraform-aws-modules/ec2-instance/aws"
  eip     = module.net.eip_id
}
output "ip" {
  value = module.net
}
"#,
        ),
        ("root/net", NET),
    ]);
    let (model, _) = f.run();
    let mut escaped: Vec<(&str, &str)> = model
        .eip_escapes
        .iter()
        .map(|e| (e.eip.address.as_str(), e.context.as_str()))
        .collect();
    escaped.sort();
    escaped.dedup();
    assert_eq!(
        escaped,
        vec![
            ("module.net.aws_eip.this", "module `remote`"),
            ("module.net.aws_eip.this", "output `ip`"),
        ]
    );
    assert!(model.eip_associations.is_empty());
}

#[test]
fn an_eip_passed_in_is_associated_by_the_module_and_does_not_escape() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
resource "aws_eip" "vpn" {
  domain = "vpc"
}
resource "aws_eip" "other" {
  domain = "vpc"
}
module "vpn" {
  source        = "./vpn"
  allocation_id = aws_eip.vpn.id
  spare         = aws_eip.other.id
}
"#,
        ),
        (
            "root/vpn",
            r#"
variable "allocation_id" {
  type = string
}
variable "spare" {}
resource "aws_eip_association" "this" {
  allocation_id = var.allocation_id
  instance_id   = "i-0123456789abcdef0"
}
module "deeper" {
  source = "git::https://example.com/vpn.git"
  ip     = var.spare
}
"#,
        ),
    ]);
    let (model, _) = f.run();
    assert_eq!(model.eip_associations.len(), 1);
    let a = &model.eip_associations[0];
    assert_eq!(a.declared_by.address, "module.vpn.aws_eip_association.this");
    assert_eq!(
        a.eip,
        Value::Known(EipKey {
            unit: UnitId(3),
            address: "aws_eip.vpn".into()
        })
    );
    // `spare` goes on to a remote module: followed back to the caller's EIP.
    let escaped: Vec<(&str, &str)> = model
        .eip_escapes
        .iter()
        .map(|e| (e.eip.address.as_str(), e.context.as_str()))
        .collect();
    assert_eq!(escaped, vec![("aws_eip.other", "module `deeper`")]);
}

#[test]
fn count_and_for_each_make_instances() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
module "x" {
  count       = 2
  source      = "./modules/disk"
  volume_type = count.index == 0 ? "io1" : "gp3"
}
module "y" {
  for_each    = { a = "io2", b = "st1" }
  source      = "./modules/disk"
  volume_type = each.value
}
module "z" {
  count  = var.unknown
  source = "./modules/disk"
}
resource "aws_ebs_volume" "second" {
  type = module.x[1].volume_type
}
resource "aws_ebs_volume" "splat" {
  type = element(module.x[*].volume_type, 0)
}
resource "aws_ebs_volume" "keyed" {
  type = module.y["b"].volume_type
}
"#,
        ),
        ("root/modules/disk", DISK),
    ]);
    let (model, _) = f.run();
    let mut got: Vec<(String, Option<String>, bool)> = model
        .volumes
        .iter()
        .map(|v| {
            (
                v.resource.address.clone(),
                v.volume_type.known().cloned(),
                v.resource.conditional,
            )
        })
        .collect();
    got.sort();
    let s = |a: &str, t: &str, c: bool| (a.to_string(), Some(t.to_string()), c);
    assert_eq!(
        got,
        vec![
            s("aws_ebs_volume.keyed", "st1", false),
            s("aws_ebs_volume.second", "gp3", false),
            s("aws_ebs_volume.splat", "io1", false),
            s("module.x[0].aws_ebs_volume.this", "io1", false),
            s("module.x[1].aws_ebs_volume.this", "gp3", false),
            s("module.y[\"a\"].aws_ebs_volume.this", "io2", false),
            s("module.y[\"b\"].aws_ebs_volume.this", "st1", false),
            s("module.z.aws_ebs_volume.this", "gp3", true),
        ]
    );
}

#[test]
fn nested_modules_prefix_every_level() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
module "outer" {
  source = "./outer"
  kind   = "io1"
}
resource "aws_eip_association" "a" {
  allocation_id = module.outer.ids[1]
}
"#,
        ),
        (
            "root/outer",
            r#"
variable "kind" {}
module "inner" {
  count  = 2
  source = "../inner"
  kind   = var.kind
}
output "ids" {
  value = module.inner[*].eip_id
}
"#,
        ),
        (
            "root/inner",
            r#"
variable "kind" {}
resource "aws_ebs_volume" "v" {
  type = var.kind
}
resource "aws_eip" "e" {}
output "eip_id" {
  value = aws_eip.e.id
}
"#,
        ),
    ]);
    let (model, diags) = f.run();
    assert!(diags.is_empty(), "{diags:?}");
    let vols: Vec<(&str, Option<&String>)> = model
        .volumes
        .iter()
        .map(|v| (v.resource.address.as_str(), v.volume_type.known()))
        .collect();
    let io1 = "io1".to_string();
    assert_eq!(
        vols,
        vec![
            ("module.outer.module.inner[0].aws_ebs_volume.v", Some(&io1)),
            ("module.outer.module.inner[1].aws_ebs_volume.v", Some(&io1)),
        ]
    );
    assert_eq!(
        model.eip_associations[0].eip,
        Value::Known(EipKey {
            unit: UnitId(3),
            address: "module.outer.module.inner[1].aws_eip.e".into()
        })
    );
}

#[test]
fn missing_directories_and_cycles_are_diagnostics() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
module "gone" {
  source = "./modules/nope"
}
module "a" {
  source = "./a"
}
resource "aws_eip" "ip" {}
"#,
        ),
        (
            "root/a",
            r#"
module "b" {
  source = "../b"
}
resource "aws_ebs_volume" "a" {
  type = "io1"
}
"#,
        ),
        (
            "root/b",
            r#"
module "a_again" {
  source = "../a"
}
"#,
        ),
    ]);
    let (model, diags) = f.run();
    let messages: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d.message.as_str(), f.text(d.span)))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                "module `gone`: source `./modules/nope` not found (no directory `root/modules/nope`)",
                "\"./modules/nope\""
            ),
            (
                "module cycle: a -> b -> a_again (directory `root/a` calls itself)",
                "module \"a_again\""
            ),
        ]
    );
    assert_eq!(diags[1].related.len(), 2);
    // The unit is incomplete; what could be followed is still modeled, once.
    assert!(!model.units[0].complete);
    let vols: Vec<&str> = model
        .volumes
        .iter()
        .map(|v| v.resource.address.as_str())
        .collect();
    assert_eq!(vols, vec!["module.a.aws_ebs_volume.a"]);
}

#[test]
fn a_module_calling_itself_is_a_cycle() {
    let f = Fixture::new(&[(
        "root",
        r#"
module "me" {
  source = "./"
}
"#,
    )]);
    let (model, diags) = f.run();
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.starts_with("module cycle: (root) -> me"));
    assert!(!model.units[0].complete);
}

#[test]
fn remote_modules_stay_unknown_and_legacy_normalization_is_unchanged() {
    let root = r#"
module "disk" {
  source = "./modules/disk"
  volume_type = "io1"
}
module "registry" {
  source  = "terraform-aws-modules/ebs/aws"
}
resource "aws_ebs_volume" "a" {
  type = module.registry.volume_type
}
resource "aws_ebs_volume" "b" {
  type = module.disk.volume_type
}
"#;
    let f = Fixture::new(&[("root", root), ("root/modules/disk", DISK)]);
    let (model, _) = f.run();
    let types: BTreeMap<&str, Option<&String>> = model
        .volumes
        .iter()
        .map(|v| (v.resource.address.as_str(), v.volume_type.known()))
        .collect();
    assert_eq!(types["aws_ebs_volume.a"], None);
    assert_eq!(types["aws_ebs_volume.b"].map(String::as_str), Some("io1"));
    assert_eq!(types.len(), 3);

    // Without a library (`resolve_files`), modules are not followed.
    let body = crate::parse::terraform::parse(root).unwrap();
    let files = [TfFile {
        file: FileId(0),
        source: TfSource::Hcl(&body),
        is_override: false,
    }];
    let resolved = crate::parse::terraform::resolve_files(
        UnitId(0),
        "m",
        &files,
        &[],
        true,
        &TfOptions::default(),
        crate::model::from_terraform::WANTED,
    );
    let model = crate::model::from_terraform::adapt(&resolved);
    assert_eq!(model.volumes.len(), 2);
    assert!(model
        .volumes
        .iter()
        .all(|v| v.volume_type.known().is_none()));
}

#[test]
fn output_cycles_through_the_caller_are_unknown() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
module "loop" {
  source = "./m"
  x      = module.loop.y
}
resource "aws_ebs_volume" "v" {
  type = module.loop.y
}
"#,
        ),
        (
            "root/m",
            r#"
variable "x" {}
output "y" {
  value = var.x
}
"#,
        ),
    ]);
    let (model, diags) = f.run();
    assert!(diags.is_empty());
    assert_eq!(model.volumes[0].volume_type.known(), None);
}

#[test]
fn module_instances_are_limited() {
    let f = Fixture::new(&[
        (
            "root",
            r#"
module "many" {
  count  = 5000
  source = "./m"
}
"#,
        ),
        (
            "root/m",
            r#"
resource "aws_eip" "e" {}
"#,
        ),
    ]);
    let (model, _) = f.run();
    assert_eq!(model.elastic_ips.len(), MAX_MODULE_INSTANCES);
    assert!(!model.units[0].complete);
}

#[test]
fn local_calls_are_listed_for_the_engine() {
    let body = crate::parse::terraform::parse(
        r#"
module "a" {
  source = "./a"
}
module "b" {
  source = "hashicorp/consul/aws"
}
"#,
    )
    .unwrap();
    let calls = local_module_calls(&[TfFile {
        file: FileId(0),
        source: TfSource::Hcl(&body),
        is_override: false,
    }]);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].name.as_str(), calls[0].source.as_str()),
        ("a", "./a")
    );
}

#[test]
fn a_module_called_a_thousand_times_shares_one_budget() {
    // Each instance converts its type's defaults when its scope is built, whether the
    // variable is used or not: 100 copies of a 4 KB string, 6,500 units; 1,000 instances
    // spend more than one tree's budget.
    let module = format!(
        r#"
variable "v" {{
  type    = object({{ a = optional(list(object({{ b = optional(string, "{big}") }})), [{inner}]) }})
  default = {{}}
}}
resource "aws_ebs_volume" "d" {{
  availability_zone = "us-east-1a"
  size              = 100
}}
"#,
        big = "x".repeat(4096),
        inner = vec!["{}"; 100].join(", ")
    );
    let root = "module \"m\" {\n  source = \"../m\"\n  count  = 1000\n}\n";
    let f = Fixture::new(&[("root", root), ("m", &module)]);
    let (model, diagnostics) = f.run();
    let limits: Vec<&TfDiagnostic> = diagnostics
        .iter()
        .filter(|d| d.kind == TfDiagnosticKind::EvaluationLimit)
        .collect();
    assert_eq!(limits.len(), 1, "{diagnostics:?}");
    assert_eq!(f.text(limits[0].span), "module \"m\"");
    assert!(limits[0]
        .message
        .contains("evaluation budget of module `root`"));
    assert!(!model.units[0].complete);
    // The first instances were evaluated in full.
    let size = model.volumes[0].size_gib.as_ref().and_then(|s| s.known());
    assert_eq!(size, Some(&100.0));
}
