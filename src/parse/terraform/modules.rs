//! Local modules: `module "disk" { source = "./modules/disk" }`.
//!
//! A module whose `source` is a local path (`./`, `../`) is evaluated the way Terraform does:
//!
//! - the caller's arguments are bound to the module's variables, evaluated lazily in the
//!   caller's scope (with the caller's `count.index`/`each` of the module instance), with an
//!   origin pointing at the argument (`module `disk` argument `volume_type``);
//! - `count`/`for_each` on the call give one instance per key (`module.disk[0]`,
//!   `module.disk["logs"]`); an unknown one gives a single instance at `module.disk` whose
//!   resources are conditional;
//! - the module's resources are addressed `module.disk.aws_ebs_volume.this` (nested:
//!   `module.a.module.b[0].aws_eip.this`), and every [`Val::Ref`] carries that full address,
//!   so a reference that crosses a module boundary (an EIP created in a module, associated by
//!   its caller through an output) resolves to the exact instance;
//! - `module.disk.volume_id` is the child's `output "volume_id"` evaluated in the child's
//!   scope (`module.disk` alone is the object of all outputs; `module.disk[0].x`,
//!   `module.disk[*].x` work on the list or map of instances).
//!
//! Every model object of a tree carries the root's unit id: EIP keys are the root unit plus
//! the full address. Escapes: an `output` of a module instance is not an escape (the EIP
//! mention walker follows `module.x.out` in the caller instead, so only a use the caller
//! cannot see — a root `output`, an argument of a remote module — lets the EIP escape); the
//! arguments of an instantiated local module are not escapes either (the walker follows
//! `var.x` inside the module back to the caller's argument).
//!
//! Remote sources (registry, git, http, s3...) are not fetched: their outputs are unknown and
//! their arguments escapes, as before. A local source whose directory does not exist, a cycle
//! of modules and nesting deeper than [`MAX_MODULE_DEPTH`] are diagnostics ([`TfDiagnostic`]),
//! and the root unit is then incomplete (an EIP may be associated in the module we cannot see).
//! The evaluation budget (`budget.rs`) is shared by a whole tree: a tree that runs out of it
//! (or makes a value too large to keep) is incomplete, with a warning diagnostic naming the
//! first block where it happened; at most [`MAX_MODULE_INSTANCES`] module instances are made
//! per tree (past that the tree is incomplete).

use foldhash::HashMap;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::rc::{Rc, Weak};

use super::budget::Budget;
use super::eval::{Binding, Env, Expansion, ResDecl, Scope};
use super::ir::{self, AttrIr, AttrValue, BlockIr, BodyIr, FileIr};
use super::resolve::Resolver;
use super::value::{quote_key, Evaluated, Val};
use super::{build_scope, vars_of, TfFile, TfOptions, TfSource};
use crate::model::*;
use crate::resolved::{ResolvedUnit, Wanted};
use crate::source::Span;

mod evaluation;

/// Deepest chain of module calls followed.
pub(crate) const MAX_MODULE_DEPTH: usize = 16;

/// Most module instances made for one root module (all levels together).
pub(crate) const MAX_MODULE_INSTANCES: usize = 1_000;

/// Attributes of a `module` block that are not inputs.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

// ---- paths ------------------------------------------------------------------------------

/// Whether a module `source` is a local path (Terraform: it starts with `./` or `../`).
pub fn is_local_source(source: &str) -> bool {
    ["./", "../", ".\\", "..\\"]
        .iter()
        .any(|p| source.starts_with(p))
}

/// `path` without `.` components and with `..` applied to the component before it, lexically
/// (as Terraform joins a module's directory and a local source). An empty result is `.`.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            c => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// The directory a local `source` designates from the module in `caller` (normalized).
pub fn module_dir(caller: &Path, source: &str) -> PathBuf {
    normalize_path(&caller.join(source.replace('\\', "/")))
}

// ---- calls --------------------------------------------------------------------------------

/// A `module` block with a local source, as the engine needs it to find the directories a run
/// must load.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalCall {
    pub name: String,
    pub source: String,
    /// The `source` attribute.
    pub span: Span,
}

/// The calls of local modules in the files of one module.
pub fn local_module_calls(files: &[TfFile<'_>]) -> Vec<LocalCall> {
    let mut out = Vec::new();
    for f in files {
        let body = file_ir(f).body;
        for site in call_sites(&body.blocks) {
            if is_local_source(&site.source) {
                out.push(LocalCall {
                    name: site.name,
                    source: site.source,
                    span: site.source_span,
                });
            }
        }
    }
    out
}

fn file_ir<'a>(f: &TfFile<'a>) -> FileIr<'a> {
    FileIr {
        body: match f.source {
            TfSource::Hcl(body) => ir::from_hcl(f.file, body),
            TfSource::Json(json) => ir::from_json(f.file, &json.text, json),
        },
    }
}

/// The files of a module as one set of blocks: override files merged into the others.
fn files_ir<'a>(files: &[TfFile<'a>]) -> Vec<FileIr<'a>> {
    if !files.iter().any(|f| f.is_override) {
        return files.iter().map(file_ir).collect();
    }
    ir::merge_overrides(files.iter().map(|f| (file_ir(f), f.is_override)).collect())
}

/// The literal `source` of a `module` block.
fn source_of<'b, 'a>(block: &'b BlockIr<'a>) -> Option<(String, &'b AttrIr<'a>)> {
    let attr = block.body.attr("source")?;
    let val = match &attr.value {
        AttrValue::Literal(v) => v.clone(),
        AttrValue::Expr(e) => Scope::default().literal(e),
    };
    match val {
        Val::Str(s) => Some((s, attr)),
        _ => None,
    }
}

struct CallSite {
    name: String,
    source: String,
    header: Span,
    source_span: Span,
}

fn call_sites(blocks: &[BlockIr<'_>]) -> Vec<CallSite> {
    let mut out = Vec::new();
    for block in blocks {
        if let ("module", [name]) = (block.ident, block.labels.as_slice()) {
            if let Some((source, attr)) = source_of(block) {
                out.push(CallSite {
                    name: name.to_string(),
                    source,
                    header: block.header,
                    source_span: attr.value_span,
                });
            }
        }
    }
    out
}

// ---- the tree -------------------------------------------------------------------------------

/// A directory of local modules available to a run.
pub struct ModuleDir<'a> {
    /// As displayed.
    pub name: String,
    /// Its `.tf` and `.tf.json` files (a called module's variables files are not loaded).
    pub files: Vec<TfFile<'a>>,
    /// False when one of its files failed to parse.
    pub complete: bool,
    /// The directory on disk (its canonical path): two paths to one directory (a symbolic
    /// link) are one module for cycles.
    pub id: PathBuf,
}

/// The module directories of a run, by [`normalize_path`] of their path. A directory that
/// exists without Terraform files is an empty module.
pub type ModuleLibrary<'a> = BTreeMap<PathBuf, ModuleDir<'a>>;

/// Where a root module is, and the directories its local modules may be in.
#[derive(Clone, Copy)]
pub struct ModuleRoot<'r, 'a> {
    pub dir: &'r Path,
    pub library: &'r ModuleLibrary<'a>,
}

/// A problem with a module call (a missing directory, a cycle), or the evaluation of a root
/// module stopped at its limits.
#[derive(Debug, Clone, PartialEq)]
pub struct TfDiagnostic {
    pub kind: TfDiagnosticKind,
    pub span: Span,
    pub message: String,
    pub related: Vec<(Span, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TfDiagnosticKind {
    /// A module call that cannot be followed: the run fails (`module-error`).
    ModuleError,
    /// The evaluation budget (`budget.rs`) was spent, or a value was too large to make: some
    /// values are unknown, so findings may be missing. A warning: the run does not fail.
    EvaluationLimit,
}

/// The parsed files of one module directory of a tree.
pub(crate) struct DirIrs<'a> {
    files: Vec<FileIr<'a>>,
    id: PathBuf,
}

/// What the scopes of one tree share.
pub(crate) struct Tree<'a> {
    dirs: &'a HashMap<PathBuf, DirIrs<'a>>,
    instances_left: Cell<usize>,
    /// A module instance could not be made (limits): associations may be missed.
    incomplete: Cell<bool>,
}

/// A `module` block of a scope.
pub(crate) struct Call<'a> {
    block: &'a BlockIr<'a>,
    /// The directory of a local module that can be instantiated (it exists, and calling it
    /// makes no cycle); `None` for a remote, missing or cyclic module.
    dir: Option<PathBuf>,
}

/// The caller of a module instance.
pub(crate) struct Caller<'a> {
    scope: Weak<Scope<'a>>,
    /// The `module` block's name.
    name: String,
    args: HashMap<&'a str, &'a AttrIr<'a>>,
    /// `count`/`each` of the instance, in the caller.
    env: Env<'a>,
}

/// The module side of a [`Scope`]: where the module is in its tree.
#[derive(Default)]
pub(crate) struct ModuleScope<'a> {
    /// `""` for a root module; `module.disk.`, `module.a.module.b[0].` for an instance.
    pub prefix: String,
    /// The instance may not exist (a `count`/`for_each` of a call on the way is unknown).
    pub conditional: bool,
    tree: Option<Rc<Tree<'a>>>,
    /// The files of the module (an instance's; empty for a root, which has its own).
    pub(super) files: &'a [FileIr<'a>],
    /// Identities ([`ModuleDir::id`]) of the directories from the root to this module.
    stack: Vec<PathBuf>,
    calls: HashMap<&'a str, Call<'a>>,
    outputs: HashMap<&'a str, &'a AttrIr<'a>>,
    me: Weak<Scope<'a>>,
    caller: Option<Caller<'a>>,
    memo_instances: RefCell<HashMap<String, Rc<Instances<'a>>>>,
    children: RefCell<HashMap<String, Option<Rc<Scope<'a>>>>>,
    memo_outputs: RefCell<HashMap<String, Rc<Evaluated>>>,
    active: RefCell<Vec<String>>,
}

impl ModuleScope<'_> {
    /// Whether this is a module instance (not a root module).
    pub fn is_instance(&self) -> bool {
        self.caller.is_some()
    }
}

/// The instances of a module call, and their positions by address.
pub(crate) struct Instances<'a> {
    pub list: Vec<ModInstance<'a>>,
    index: HashMap<String, usize>,
}

/// One instance of a module call.
#[derive(Clone)]
pub(crate) struct ModInstance<'a> {
    /// `module.disk`, `module.disk[0]`, `module.disk["logs"]` (relative to the caller); for a
    /// resource `aws_ebs_volume.data[0]`.
    pub address: String,
    pub env: Env<'a>,
    pub conditional: bool,
}

/// The instances that `count`/`for_each` (already evaluated into `expansion`) give a resource
/// or a module call at `address`, each with its `count.index` / `each.*` bound. An unknown
/// expansion is one conditional instance at the plain address, with those bindings unknown.
pub(crate) fn expand_instances<'a>(
    address: String,
    expansion: &Expansion,
    body: &'a BodyIr<'a>,
) -> Vec<ModInstance<'a>> {
    let for_each = body.attr("for_each");
    let count = |i: Val| Binding {
        name: "count".into(),
        value: Evaluated::plain(Val::obj(vec![("index".into(), i)])),
        source: None,
    };
    match expansion {
        Expansion::Single => vec![ModInstance {
            address,
            env: Env::default(),
            conditional: false,
        }],
        Expansion::Count(n) => (0..*n)
            .map(|i| ModInstance {
                address: format!("{address}[{i}]"),
                env: Env::default().with(count(Val::Num(i as f64))),
                conditional: false,
            })
            .collect(),
        Expansion::ForEach(entries, via) => entries
            .iter()
            .map(|(k, v)| ModInstance {
                address: format!("{address}[{}]", quote_key(k)),
                env: Env::default().with(Binding {
                    name: "each".into(),
                    value: Evaluated {
                        val: Val::obj(vec![
                            ("key".into(), Val::Str(k.clone())),
                            ("value".into(), v.clone()),
                        ]),
                        via: via.clone(),
                    },
                    source: for_each,
                }),
                conditional: false,
            })
            .collect(),
        Expansion::Unknown => {
            let mut env = Env::default();
            if body.attr("count").is_some() {
                env.bindings.push(count(Val::Unknown));
            }
            if for_each.is_some() {
                env.bindings.push(Binding {
                    name: "each".into(),
                    value: Evaluated::unknown(),
                    source: for_each,
                });
            }
            vec![ModInstance {
                address,
                env,
                conditional: true,
            }]
        }
    }
}

/// Normalizes a root module and the local modules it calls. `files`, `tfvars` and `options`
/// as for [`super::resolve_files`]; `root: None` treats every module as remote (outputs
/// unknown, arguments escapes).
#[allow(clippy::too_many_arguments)]
pub fn resolve_module_tree(
    unit: UnitId,
    name: &str,
    files: &[TfFile<'_>],
    tfvars: &[TfFile<'_>],
    complete: bool,
    options: &TfOptions<'_>,
    root: Option<ModuleRoot<'_, '_>>,
    wanted: Wanted<'_>,
) -> (ResolvedUnit, Vec<TfDiagnostic>) {
    let irs: Vec<FileIr> = files_ir(files);
    let auto: Vec<Vec<AttrIr>> = tfvars.iter().map(vars_of).collect();
    let given: Vec<Vec<AttrIr>> = options.var_files.iter().map(vars_of).collect();

    let mut diagnostics = Vec::new();
    let mut incomplete = false;
    let mut dirs: HashMap<PathBuf, DirIrs> = HashMap::default();
    let root_dir = root.map(|r| normalize_path(r.dir));
    if let (Some(r), Some(dir)) = (root, &root_dir) {
        let mut walk = Walk {
            library: r.library,
            dirs: &mut dirs,
            diagnostics: &mut diagnostics,
            incomplete: &mut incomplete,
        };
        let id = r
            .library
            .get(dir)
            .map(|d| d.id.clone())
            .unwrap_or_else(|| dir.clone());
        let mut stack = vec![Frame {
            dir: dir.clone(),
            id,
            call: None,
        }];
        let sites: Vec<CallSite> = irs
            .iter()
            .flat_map(|f| call_sites(&f.body.blocks))
            .collect();
        walk.visit(&mut stack, sites);
    }

    // One budget for the root and all its module instances.
    let mut scope = build_scope(&irs, &auto, &given, options.vars, Rc::default());
    let mut declared_variables: Vec<String> =
        scope.variables.keys().map(|k| k.to_string()).collect();
    declared_variables.sort();
    let tree = root.zip(root_dir).map(|(r, dir)| {
        let tree = Rc::new(Tree {
            dirs: &dirs,
            instances_left: Cell::new(MAX_MODULE_INSTANCES),
            incomplete: Cell::new(false),
        });
        let id = r
            .library
            .get(&dir)
            .map(|d| d.id.clone())
            .unwrap_or_else(|| dir.clone());
        attach(&mut scope, tree.clone(), &irs, dir, vec![id]);
        tree
    });
    let scope = Rc::new_cyclic(|me| {
        scope.modules.me = me.clone();
        scope
    });
    let out = ResolvedUnit::new(Unit {
        id: unit,
        kind: SourceKind::Terraform,
        name: name.to_string(),
        complete,
    });
    let mut r = Resolver::new(unit, &scope, out, wanted);
    // The first block whose evaluation reached a limit: where the warning points.
    let mut limited: Option<&BlockIr> = None;
    for f in &irs {
        for block in &f.body.blocks {
            r.block(block);
            let budget = scope.budget();
            if limited.is_none() && (budget.exhausted() || budget.cut()) {
                limited = Some(block);
            }
        }
    }
    let mut out = r.out;
    out.declared_variables = Some(declared_variables);
    if let Some(block) = limited {
        diagnostics.push(limit_diagnostic(name, block, scope.budget()));
        incomplete = true;
    }
    if incomplete || tree.is_some_and(|t| t.incomplete.get()) {
        out.unit.complete = false;
    }
    (out, diagnostics)
}

/// The warning of a root module whose evaluation reached a limit at `block`.
fn limit_diagnostic(unit: &str, block: &BlockIr, budget: &Budget) -> TfDiagnostic {
    let mut what = block.ident.to_string();
    for label in &block.labels {
        what.push_str(&format!(" {}", quote_key(label)));
    }
    let limit = if budget.exhausted() {
        format!(
            "the evaluation budget of module `{unit}` ({} units) ran out",
            budget.limit()
        )
    } else {
        format!("a value of module `{unit}` was too large to keep")
    };
    TfDiagnostic {
        kind: TfDiagnosticKind::EvaluationLimit,
        span: block.header,
        message: format!(
            "{limit} while evaluating `{what}`: values past that point are unknown and the module is treated as incomplete, so findings may be missing"
        ),
        related: Vec::new(),
    }
}

/// The static walk over the directories a root calls: builds their files' IR once, and finds
/// missing directories and cycles.
struct Walk<'w, 'a> {
    library: &'w ModuleLibrary<'a>,
    dirs: &'w mut HashMap<PathBuf, DirIrs<'a>>,
    diagnostics: &'w mut Vec<TfDiagnostic>,
    incomplete: &'w mut bool,
}

struct Frame {
    dir: PathBuf,
    id: PathBuf,
    /// The call that entered this directory: its name and header.
    call: Option<(String, Span)>,
}

impl<'a> Walk<'_, 'a> {
    fn visit(&mut self, stack: &mut Vec<Frame>, sites: Vec<CallSite>) {
        let Some(dir) = stack.last().map(|f| f.dir.clone()) else {
            return;
        };
        for site in sites {
            if !is_local_source(&site.source) {
                continue;
            }
            let target = module_dir(&dir, &site.source);
            let Some(lib) = self.library.get(&target) else {
                self.diagnostics.push(TfDiagnostic {
                    kind: TfDiagnosticKind::ModuleError,
                    span: site.source_span,
                    message: format!(
                        "module `{}`: source `{}` not found (no directory `{}`)",
                        site.name,
                        site.source,
                        target.display()
                    ),
                    related: Vec::new(),
                });
                *self.incomplete = true;
                continue;
            };
            if let Some(pos) = stack.iter().position(|f| f.id == lib.id) {
                let mut chain: Vec<String> = stack[pos..]
                    .iter()
                    .map(|f| match &f.call {
                        Some((name, _)) => name.clone(),
                        None => "(root)".to_string(),
                    })
                    .collect();
                chain.push(site.name.clone());
                let display = &lib.name;
                self.diagnostics.push(TfDiagnostic {
                    kind: TfDiagnosticKind::ModuleError,
                    span: site.header,
                    message: format!(
                        "module cycle: {} (directory `{display}` calls itself)",
                        chain.join(" -> ")
                    ),
                    related: stack[pos..]
                        .iter()
                        .filter_map(|f| f.call.as_ref())
                        .map(|(name, span)| (*span, format!("module `{name}` is called here")))
                        .collect(),
                });
                *self.incomplete = true;
                continue;
            }
            if stack.len() >= MAX_MODULE_DEPTH {
                self.diagnostics.push(TfDiagnostic {
                    kind: TfDiagnosticKind::ModuleError,
                    span: site.header,
                    message: format!(
                        "module `{}`: modules nested more than {MAX_MODULE_DEPTH} deep are not followed",
                        site.name
                    ),
                    related: Vec::new(),
                });
                *self.incomplete = true;
                continue;
            }
            if !lib.complete {
                // A file of the module did not parse (reported as such).
                *self.incomplete = true;
            }
            if self.dirs.contains_key(&target) {
                continue;
            }
            let files: Vec<FileIr<'a>> = files_ir(&lib.files);
            let sub: Vec<CallSite> = files
                .iter()
                .flat_map(|f| call_sites(&f.body.blocks))
                .collect();
            let id = lib.id.clone();
            self.dirs.insert(
                target.clone(),
                DirIrs {
                    files,
                    id: id.clone(),
                },
            );
            stack.push(Frame {
                dir: target,
                id,
                call: Some((site.name.clone(), site.header)),
            });
            self.visit(stack, sub);
            stack.pop();
        }
    }
}

/// Fills the module side of `scope`: its calls (also registered as `module.<name>` for
/// their `count`/`for_each`) and outputs.
fn attach<'a>(
    scope: &mut Scope<'a>,
    tree: Rc<Tree<'a>>,
    files: &'a [FileIr<'a>],
    dir: PathBuf,
    stack: Vec<PathBuf>,
) {
    let mut calls = HashMap::default();
    let mut outputs = HashMap::default();
    for f in files {
        for block in &f.body.blocks {
            match (block.ident, block.labels.as_slice()) {
                ("output", [name]) => {
                    if let Some(value) = block.body.attr("value") {
                        outputs.entry(*name).or_insert(value);
                    }
                }
                ("module", [name]) => {
                    scope
                        .resources
                        .entry(format!("module.{name}"))
                        .or_insert(ResDecl {
                            count: block.body.attr("count"),
                            for_each: block.body.attr("for_each"),
                        });
                    let dir = source_of(block)
                        .filter(|(source, _)| is_local_source(source))
                        .map(|(source, _)| module_dir(&dir, &source))
                        .filter(|target| {
                            tree.dirs
                                .get(target)
                                .is_some_and(|d| !stack.contains(&d.id))
                                && stack.len() < MAX_MODULE_DEPTH
                        });
                    calls.entry(*name).or_insert(Call { block, dir });
                }
                _ => {}
            }
        }
    }
    let m = &mut scope.modules;
    m.tree = Some(tree);
    m.stack = stack;
    m.calls = calls;
    m.outputs = outputs;
}

#[cfg(test)]
mod tests;
