//! Terraform: the files of one module (a directory) into the model.
//!
//! Values are resolved as far as the module itself determines them, the way Terraform would:
//!
//! - variables: declaration `default` < `terraform.tfvars` < `terraform.tfvars.json` <
//!   `*.auto.tfvars(.json)` (lexical) < `--var-file` (command-line order) < `--var` (later
//!   wins); type constraints are applied (`optional()` attributes filled in, primitives
//!   converted); a variable without any value is unknown;
//! - locals (memoized, cycles unknown), maps, objects, lists, indexing and attribute access,
//!   splats (`aws_eip.nat[*].id`, `aws_eip.nat.*.id`), `for` expressions, string templates and
//!   heredocs (with `%{if}`/`%{for}` directives), arithmetic, comparison and logic operators,
//!   and the common built-in functions (see `funcs.rs`);
//! - conditionals: a known condition picks its branch; an unknown one gives
//!   [`Val::OneOf`] both branches, and a model field is known only when every alternative
//!   converts to the same value (`var.big ? "io1" : "io1"` is io1);
//! - `count`/`for_each`: one model object per instance (`aws_ebs_volume.data[0]`,
//!   `aws_ebs_volume.data["logs"]`) with `count.index`/`each.*` bound; unknown (or more than
//!   10,000 (`eval::MAX_INSTANCES`)) instances: one conditional object at the plain address;
//! - `dynamic` blocks over a known `for_each`; references between resources of the module
//!   ([`Val::Ref`]), which resolve EIP associations to exact instances;
//! - local modules (`source = "./modules/disk"`): arguments bound to the module's variables,
//!   resources addressed `module.disk.aws_ebs_volume.this`, outputs usable by the caller (see
//!   `modules.rs`).
//!
//! Anything else (data sources, outputs of remote modules, resource attributes, unknown
//! functions, `file()`...) is [`Val::Unknown`], never an error: rules do not fire on unknown
//! values.
//!
//! `.tf.json` files are read into the same blocks and attributes as `.tf` files (see
//! `ir.rs` for how, and how spans are kept).

mod budget;
mod eval;
mod funcs;
mod ir;
mod json;
mod modules;
mod normalizer;
mod types;
mod value;

#[cfg(test)]
mod budget_tests;
#[cfg(test)]
mod expr_gen;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::rc::Rc;

use hcl_edit::structure::Body;

use crate::model::*;
use crate::source::FileId;

pub use ir::is_override_file;
pub use json::JsonFile;
pub use modules::{
    is_local_source, local_module_calls, module_dir, normalize_module_tree, normalize_path,
    LocalCall, ModuleDir, ModuleLibrary, ModuleRoot, TfDiagnostic, TfDiagnosticKind,
};
pub use value::{Evaluated, Val};

use budget::Budget;
use eval::{ResDecl, Scope, VarDecl, VarSource, VarValue};
use ir::{AttrIr, AttrValue, BodyIr, FileIr};

/// A parse error with its byte offset.
#[derive(Debug, Clone)]
pub struct HclError {
    pub message: String,
    pub offset: usize,
}

/// Parses one `.tf` or `.tfvars` file.
pub fn parse(text: &str) -> Result<Body, HclError> {
    hcl_edit::parser::parse_body(text).map_err(|e| HclError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    })
}

/// Parses one `.tf.json` or `.tfvars.json` file (a JSON object). The file keeps its text: the
/// values of a `.tf.json` file are parsed as HCL expressions where they are written.
pub fn parse_json(text: &str) -> Result<JsonFile, HclError> {
    let mut file = json::parse(text)?;
    file.text = text.to_string();
    Ok(file)
}

/// A parsed native-syntax file of a module.
pub struct ModuleFile<'a> {
    pub file: FileId,
    pub body: &'a Body,
}

/// A parsed file in either syntax.
#[derive(Clone, Copy)]
pub enum TfSource<'a> {
    /// `.tf`, `.tfvars`.
    Hcl(&'a Body),
    /// `.tf.json`, `.tfvars.json`.
    Json(&'a JsonFile),
}

/// A parsed file of a module, or a variables file, in either syntax.
#[derive(Clone, Copy)]
pub struct TfFile<'a> {
    pub file: FileId,
    pub source: TfSource<'a>,
    /// An override file (`override.tf`, `*_override.tf`, and their `.tf.json` forms): merged
    /// into the module's other files' blocks after them, as Terraform does.
    pub is_override: bool,
}

impl<'a> From<&ModuleFile<'a>> for TfFile<'a> {
    fn from(mf: &ModuleFile<'a>) -> TfFile<'a> {
        TfFile {
            file: mf.file,
            source: TfSource::Hcl(mf.body),
            is_override: false,
        }
    }
}

/// Values given on the command line.
#[derive(Default, Clone, Copy)]
pub struct TfOptions<'a> {
    /// `--var-file` files, in command-line order (later wins), parsed with [`parse`] or
    /// [`parse_json`] and registered as sources.
    pub var_files: &'a [TfFile<'a>],
    /// `--var NAME=VALUE`, in command-line order (later wins). Parsed as Terraform does: taken
    /// as a string when the variable has no type or a primitive one (then converted), else as
    /// an HCL literal (`["a","b"]`, `{a=1}`), or as a string when it is not one.
    pub vars: &'a [(String, String)],
}

/// Normalizes one module. `files` are its `.tf` files, `tfvars` its `terraform.tfvars` and
/// `*.auto.tfvars` files in Terraform's load order (later wins).
pub fn normalize(
    unit: UnitId,
    name: &str,
    files: &[ModuleFile<'_>],
    tfvars: &[ModuleFile<'_>],
    complete: bool,
) -> Model {
    let files: Vec<TfFile> = files.iter().map(TfFile::from).collect();
    let tfvars: Vec<TfFile> = tfvars.iter().map(TfFile::from).collect();
    normalize_files(unit, name, &files, &tfvars, complete, &TfOptions::default())
}

/// Normalizes one module. `files` are its `.tf` and `.tf.json` files; `tfvars` its
/// automatically loaded variables files in Terraform's load order: `terraform.tfvars`,
/// `terraform.tfvars.json`, then `*.auto.tfvars` and `*.auto.tfvars.json` in lexical order of
/// their names (later wins); `options` the command line's `--var-file` and `--var`, which win
/// over all of them.
pub fn normalize_files(
    unit: UnitId,
    name: &str,
    files: &[TfFile<'_>],
    tfvars: &[TfFile<'_>],
    complete: bool,
    options: &TfOptions<'_>,
) -> Model {
    // Without the directories of its local modules, every module is treated as remote.
    normalize_module_tree(unit, name, files, tfvars, complete, options, None).0
}

fn vars_of<'a>(f: &TfFile<'a>) -> Vec<AttrIr<'a>> {
    match f.source {
        TfSource::Hcl(body) => ir::vars_from_hcl(f.file, body),
        TfSource::Json(json) => ir::vars_from_json(f.file, json),
    }
}

/// The scope of a module's files; it evaluates with `budget`, that of its module tree.
fn build_scope<'a>(
    irs: &'a [FileIr<'a>],
    auto: &'a [Vec<AttrIr<'a>>],
    given: &'a [Vec<AttrIr<'a>>],
    cli: &[(String, String)],
    budget: Rc<Budget>,
) -> Scope<'a> {
    // Type defaults and `--var` values are literals: evaluated without any scope (with the
    // tree's budget: a module instantiated 1,000 times converts its defaults 1,000 times).
    let bare = Scope::with_budget(budget.clone());
    let literal = |e: &hcl_edit::expr::Expression| bare.literal(e);
    let mut scope = Scope::with_budget(budget.clone());
    for f in irs {
        for block in &f.body.blocks {
            match (block.ident, block.labels.as_slice()) {
                ("variable", [name]) => {
                    let body: &BodyIr = &block.body;
                    let ty = body
                        .attr("type")
                        .and_then(|a| a.expr())
                        .map(|e| types::parse_type(e, &literal, &budget));
                    let nullable = !matches!(
                        body.attr("nullable").map(|a| &a.value),
                        Some(AttrValue::Expr(e)) if matches!(&**e, hcl_edit::expr::Expression::Bool(b) if !*b.value())
                    ) && !matches!(
                        body.attr("nullable").map(|a| &a.value),
                        Some(AttrValue::Literal(Val::Bool(false)))
                    );
                    scope.variables.entry(name).or_insert(VarDecl {
                        default: body.attr("default"),
                        ty,
                        nullable,
                        header: block.header,
                    });
                }
                ("locals", []) => {
                    for attr in &block.body.attrs {
                        scope.locals.entry(attr.key).or_insert(attr);
                    }
                }
                ("resource", [kind, name]) => {
                    scope.resources.insert(
                        format!("{kind}.{name}"),
                        ResDecl {
                            count: block.body.attr("count"),
                            for_each: block.body.attr("for_each"),
                        },
                    );
                }
                ("data", [kind, name]) => {
                    scope.resources.insert(
                        format!("data.{kind}.{name}"),
                        ResDecl {
                            count: block.body.attr("count"),
                            for_each: block.body.attr("for_each"),
                        },
                    );
                }
                _ => {}
            }
        }
    }
    let mut values: HashMap<&'a str, VarValue<'a>> = HashMap::new();
    for (files, label) in [
        (auto, "value from tfvars"),
        (given, "value from --var-file"),
    ] {
        for attrs in files {
            for attr in attrs {
                if scope.variables.contains_key(attr.key) {
                    values.insert(
                        attr.key,
                        VarValue {
                            source: VarSource::Attr(attr),
                            label: label.to_string(),
                        },
                    );
                }
            }
        }
    }
    for (name, raw) in cli {
        if let Some((&key, decl)) = scope.variables.get_key_value(name.as_str()) {
            values.insert(
                key,
                VarValue {
                    source: VarSource::Cli(bare.cli_value(raw, decl.ty.as_ref()), decl.header),
                    label: "(from --var)".to_string(),
                },
            );
        }
    }
    scope.values = values;
    scope
}
