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

mod big_numbers;
mod budget;
pub mod cli_vars;
pub mod comments;
mod eval;
mod funcs;
mod ir;
mod json_duplicates;
mod mentions;
mod modules;
mod resolve;
mod types;
mod value;
pub mod workspace;

#[cfg(test)]
mod budget_tests;
#[cfg(test)]
mod expr_gen;
#[cfg(test)]
mod tests;

use foldhash::HashMap;
use std::rc::Rc;

use hcl_edit::structure::Body;

use crate::model::*;
use crate::parse::syntax::json;
use crate::resolved::{ResolvedUnit, Wanted};
use crate::source::FileId;

pub use crate::parse::syntax::json::JsonFile;
pub use ir::is_override_file;
pub use modules::{
    is_local_source, local_module_calls, module_dir, normalize_path, resolve_module_tree,
    LocalCall, ModuleDir, ModuleLibrary, ModuleRoot, TfDiagnostic, TfDiagnosticKind,
};
pub use value::{Evaluated, Val};
pub use workspace::{parse_file, parse_var_file};

use budget::Budget;
use eval::{ResDecl, Scope, VarDecl, VarSource, VarValue};
use ir::{AttrIr, AttrValue, BodyIr, FileIr};

/// A parse error with its byte offset.
#[derive(Debug, Clone)]
pub struct HclError {
    pub message: String,
    pub offset: usize,
    /// Related locations, e.g. `("first set here", span)` for a duplicate argument.
    pub related: Vec<(String, std::ops::Range<usize>)>,
}

/// Parses one `.tf` or `.tfvars` file. A byte-order mark is accepted (Terraform does; hcl-edit
/// does not: it parses a copy with three spaces in its place, so spans stay exact). Number
/// literals beyond `f64` (`1e400`) are unknown values, not errors (see `big_numbers.rs`).
pub fn parse(text: &str) -> Result<Body, HclError> {
    let result = match text.strip_prefix('\u{feff}') {
        Some(rest) => big_numbers::parse_body(&format!("   {rest}")),
        None => big_numbers::parse_body(text),
    };
    result.map_err(|e| HclError {
        message: e.message().to_string(),
        offset: e.location().offset(),
        related: Vec::new(),
    })
}

/// Parses one HCL expression, as [`parse`] parses a file (for the values of `.tf.json`
/// files, which are HCL where they are written).
pub(crate) fn parse_expr(text: &str) -> Option<hcl_edit::expr::Expression> {
    big_numbers::parse_expr(text).ok()
}

/// Parses one `.tf.json` file (a JSON object). The file keeps its text: the values of a
/// `.tf.json` file are parsed as HCL expressions where they are written. A key given twice is
/// an error where Terraform says so (see `json_duplicates.rs`).
pub fn parse_json(text: &str) -> Result<JsonFile, HclError> {
    let root = json_object(text)?;
    json_duplicates::in_configuration(&root)?;
    Ok(JsonFile {
        root,
        text: text.to_string(),
    })
}

/// Parses one `.tfvars.json` file (a JSON object of variable values). A variable or an object
/// key given twice is an error, as in Terraform.
pub fn parse_vars_json(text: &str) -> Result<JsonFile, HclError> {
    let root = json_object(text)?;
    json_duplicates::in_variables(&root)?;
    Ok(JsonFile {
        root,
        text: text.to_string(),
    })
}

/// The JSON object a `.tf.json` or `.tfvars.json` file must hold.
fn json_object(text: &str) -> Result<json::JNode, HclError> {
    let root = json::parse(text).map_err(|e| HclError {
        message: e.message,
        offset: e.offset,
        related: Vec::new(),
    })?;
    if root.as_object().is_none() {
        return Err(HclError {
            message: "a Terraform JSON file must hold a JSON object".to_string(),
            offset: root.span.start,
            related: Vec::new(),
        });
    }
    Ok(root)
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

/// Resolves one module. `files` are its `.tf` and `.tf.json` files; `tfvars` its
/// automatically loaded variables files in Terraform's load order: `terraform.tfvars`,
/// `terraform.tfvars.json`, then `*.auto.tfvars` and `*.auto.tfvars.json` in lexical order of
/// their names (later wins); `options` the command line's `--var-file` and `--var`, which win
/// over all of them. Without the directories of its local modules, every module is treated as
/// remote.
pub fn resolve_files(
    unit: UnitId,
    name: &str,
    files: &[TfFile<'_>],
    tfvars: &[TfFile<'_>],
    complete: bool,
    options: &TfOptions<'_>,
    wanted: Wanted<'_>,
) -> ResolvedUnit {
    resolve_module_tree(unit, name, files, tfvars, complete, options, None, wanted).0
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
    let mut values: HashMap<&'a str, VarValue<'a>> = HashMap::default();
    for (files, label, kind) in [
        (auto, "value from tfvars", OriginKind::Tfvars),
        (given, "value from --var-file", OriginKind::VarFile),
    ] {
        for attrs in files {
            for attr in attrs {
                if scope.variables.contains_key(attr.key) {
                    values.insert(
                        attr.key,
                        VarValue {
                            source: VarSource::Attr(attr),
                            label: label.to_string(),
                            kind,
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
                    kind: OriginKind::CommandLine,
                },
            );
        }
    }
    scope.values = values;
    scope
}
