//! Unit tests of the Terraform frontend, by subject (one file each); the harness is here.

use super::eval::{Env, Expansion};
use super::value::Fail;
use super::*;
use crate::source::Span;

mod associations;
mod dynamic;
mod expansion;
mod expressions;
mod json;
mod limits;
mod numbers;
mod original;
mod providers;
mod variables;

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
        crate::model::from_terraform::WANTED,
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
