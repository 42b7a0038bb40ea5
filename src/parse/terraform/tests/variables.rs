//! Variables: precedence of defaults, tfvars, `--var-file` and `--var`; type constraints.

use super::*;

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
