//! Expressions: locals, conditionals, templates, functions, operators, `for`, splats.

use super::*;

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
