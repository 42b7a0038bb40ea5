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

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::rc::{Rc, Weak};

use hcl_edit::expr::TraversalOperator;

use super::budget::Budget;
use super::eval::{Binding, Env, Expansion, ResDecl, Scope, VarSource, VarValue};
use super::ir::{self, AttrIr, AttrValue, BlockIr, BodyIr, FileIr};
use super::resolve::Resolver;
use super::value::{hoist_list, hoist_obj, quote_key, EvalResult, Evaluated, Val};
use super::{build_scope, vars_of, TfFile, TfOptions, TfSource};
use crate::model::*;
use crate::resolved::{ResolvedUnit, Wanted};
use crate::source::Span;

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
    let mut dirs: HashMap<PathBuf, DirIrs> = HashMap::new();
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
    let mut calls = HashMap::new();
    let mut outputs = HashMap::new();
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

// ---- evaluation -----------------------------------------------------------------------------

impl<'a> Scope<'a> {
    /// The value of an argument of this module instance, in the caller's scope.
    pub(super) fn module_arg(&self, attr: &AttrIr<'_>) -> Evaluated {
        let Some(caller) = &self.modules.caller else {
            return Evaluated::unknown();
        };
        match caller.scope.upgrade() {
            Some(scope) => scope.value_of(attr, &caller.env),
            None => Evaluated::unknown(),
        }
    }

    /// `module.<name>...`: an output of a local module (or all of them), else unknown.
    pub(super) fn module_traversal(
        &self,
        ops: &[&TraversalOperator],
        env: &mut Env<'a>,
    ) -> EvalResult {
        let Some(TraversalOperator::GetAttr(name)) = ops.first() else {
            return Ok(Evaluated::unknown());
        };
        let name = name.as_str();
        if !self.is_local_call(name) {
            return Ok(Evaluated::unknown());
        }
        let address = format!("module.{name}");
        let expansion = self.expansion(&address);
        let mut via = Vec::new();
        let (base, rest): (Evaluated, &[&TraversalOperator]) =
            match (&*expansion, ops.get(1), ops.get(2)) {
                (Expansion::Unknown, ..) => return Ok(Evaluated::unknown()),
                (Expansion::Single, Some(TraversalOperator::GetAttr(out)), _) => {
                    (self.output_of(name, &address, out.as_str()), &ops[2..])
                }
                (Expansion::Single, ..) => (self.outputs_of(name, &address), &ops[1..]),
                (
                    _,
                    Some(TraversalOperator::Index(index)),
                    Some(TraversalOperator::GetAttr(out)),
                ) => {
                    let key = self.eval(index, env)?;
                    match instance_address(&address, &expansion, &key.val) {
                        Some(instance) => {
                            self.merge_via(&mut via, key.via);
                            (self.output_of(name, &instance, out.as_str()), &ops[3..])
                        }
                        None => (self.all_instances(name, &expansion), &ops[1..]),
                    }
                }
                _ => (self.all_instances(name, &expansion), &ops[1..]),
            };
        self.merge_via(&mut via, base.via);
        let val = self.apply(&base.val, rest, env, &mut via)?;
        Ok(Evaluated::with_via(val, via))
    }

    pub(super) fn is_local_call(&self, name: &str) -> bool {
        self.modules
            .calls
            .get(name)
            .is_some_and(|c| c.dir.is_some())
    }

    /// The instances of call `name` (memoized).
    pub(crate) fn module_instances(&self, name: &str) -> Rc<Instances<'a>> {
        if let Some(i) = self.modules.memo_instances.borrow().get(name) {
            return i.clone();
        }
        let list = self.module_instances_uncached(name);
        let index = list
            .iter()
            .enumerate()
            .map(|(i, m)| (m.address.clone(), i))
            .collect();
        let instances = Rc::new(Instances { list, index });
        self.modules
            .memo_instances
            .borrow_mut()
            .insert(name.to_string(), instances.clone());
        instances
    }

    fn module_instances_uncached(&self, name: &str) -> Vec<ModInstance<'a>> {
        let Some(call) = self.modules.calls.get(name) else {
            return Vec::new();
        };
        let address = format!("module.{name}");
        let expansion = self.expansion(&address);
        expand_instances(address, &expansion, &call.block.body)
    }

    /// The scope of instance `address` (`module.disk[0]`) of call `name`, made on first use.
    pub(crate) fn module_instance(&self, name: &str, address: &str) -> Option<Rc<Scope<'a>>> {
        if let Some(child) = self.modules.children.borrow().get(address) {
            return child.clone();
        }
        let instances = self.module_instances(name);
        let child = instances
            .index
            .get(address)
            .and_then(|&i| self.instantiate(name, instances.list[i].clone()));
        self.modules
            .children
            .borrow_mut()
            .insert(address.to_string(), child.clone());
        child
    }

    fn instantiate(&self, name: &str, instance: ModInstance<'a>) -> Option<Rc<Scope<'a>>> {
        let m = &self.modules;
        let tree = m.tree.as_ref()?;
        let call = m.calls.get(name)?;
        let dir = call.dir.as_ref()?;
        let d: &'a DirIrs<'a> = tree.dirs.get(dir)?;
        let left = tree.instances_left.get();
        if left == 0 {
            tree.incomplete.set(true);
            return None;
        }
        tree.instances_left.set(left - 1);

        let mut child = build_scope(&d.files, &[], &[], &[], self.budget_rc());
        child.share_depth(self);
        let mut stack = m.stack.clone();
        stack.push(d.id.clone());
        attach(&mut child, tree.clone(), &d.files, dir.clone(), stack);
        let args: HashMap<&'a str, &'a AttrIr<'a>> = call
            .block
            .body
            .attrs
            .iter()
            .filter(|a| !META_ARGUMENTS.contains(&a.key))
            .map(|a| (a.key, a))
            .collect();
        for (key, attr) in &args {
            if child.variables.contains_key(key) {
                child.values.insert(
                    key,
                    VarValue {
                        source: VarSource::Module(attr),
                        label: format!("module `{name}` argument `{key}`"),
                        kind: OriginKind::ModuleArgument,
                    },
                );
            }
        }
        let cm = &mut child.modules;
        cm.prefix = format!("{}{}.", m.prefix, instance.address);
        cm.conditional = m.conditional || instance.conditional;
        cm.files = &d.files;
        cm.caller = Some(Caller {
            scope: m.me.clone(),
            name: name.to_string(),
            args,
            env: instance.env,
        });
        Some(Rc::new_cyclic(|me| {
            child.modules.me = me.clone();
            child
        }))
    }

    /// Output `name` of this module instance.
    fn output(&self, name: &str) -> Rc<Evaluated> {
        if let Some(e) = self.modules.memo_outputs.borrow().get(name) {
            return e.clone();
        }
        let Some(attr) = self.modules.outputs.get(name).copied() else {
            return Rc::new(Evaluated::unknown());
        };
        if self.modules.active.borrow().iter().any(|a| a == name) {
            // An output that depends on itself through the caller.
            return Rc::new(Evaluated::unknown());
        }
        self.modules.active.borrow_mut().push(name.to_string());
        let mut e = self.value_of(attr, &Env::default());
        self.modules.active.borrow_mut().pop();
        if !e.val.is_unknown() {
            let call = self
                .modules
                .caller
                .as_ref()
                .map(|c| c.name.as_str())
                .unwrap_or_default();
            e.via.push(Origin {
                span: attr.value_span,
                label: format!("module `{call}` output `{name}`"),
                kind: OriginKind::ModuleOutput,
            });
        }
        let e = Rc::new(e);
        self.modules
            .memo_outputs
            .borrow_mut()
            .insert(name.to_string(), e.clone());
        e
    }

    fn output_of(&self, name: &str, instance: &str, output: &str) -> Evaluated {
        match self.module_instance(name, instance) {
            Some(child) => self.copy_evaluated(&child.output(output)),
            None => Evaluated::unknown(),
        }
    }

    /// The object of every output of an instance.
    fn outputs_of(&self, name: &str, instance: &str) -> Evaluated {
        let Some(child) = self.module_instance(name, instance) else {
            return Evaluated::unknown();
        };
        let mut via = Vec::new();
        let mut entries = Vec::new();
        let mut names: Vec<&str> = child.modules.outputs.keys().copied().collect();
        names.sort_unstable();
        for output in names {
            let e = child.output(output);
            self.merge_via(&mut via, e.via.clone());
            entries.push((output.to_string(), e.val.clone()));
        }
        // Copies of the outputs.
        Evaluated::with_via(self.made(hoist_obj(entries)), via)
    }

    /// `module.x` of a call with `count` (a list of instances) or `for_each` (a map).
    fn all_instances(&self, name: &str, expansion: &Expansion) -> Evaluated {
        let mut via = Vec::new();
        let objects: Vec<Val> = self
            .module_instances(name)
            .list
            .iter()
            .map(|i| {
                let e = self.outputs_of(name, &i.address);
                self.merge_via(&mut via, e.via);
                e.val
            })
            .collect();
        let val = match expansion {
            Expansion::Count(_) => hoist_list(objects),
            Expansion::ForEach(entries, _) => hoist_obj(
                entries
                    .iter()
                    .map(|(k, _)| k.clone())
                    .zip(objects)
                    .collect(),
            ),
            _ => Val::Unknown,
        };
        Evaluated::with_via(self.built(val), via)
    }

    /// For the EIP mention walker: the argument variable `var` of this instance was given, and
    /// where to follow it (the caller's scope, with the instance's `count`/`each`).
    pub(super) fn module_arg_source(
        &self,
        var: &str,
    ) -> Option<(Rc<Scope<'a>>, &'a AttrIr<'a>, Env<'a>)> {
        let caller = self.modules.caller.as_ref()?;
        let attr = *caller.args.get(var)?;
        Some((caller.scope.upgrade()?, attr, caller.env.clone()))
    }

    /// For the EIP mention walker: output `output` (every output when `None`) of each
    /// instance of call `name`, with the instance's scope and the output's name.
    pub(super) fn module_output_sources(
        &self,
        name: &str,
        output: Option<&str>,
    ) -> Vec<(Rc<Scope<'a>>, &'a str, &'a AttrIr<'a>)> {
        if !self.is_local_call(name) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for instance in &self.module_instances(name).list {
            let Some(child) = self.module_instance(name, &instance.address) else {
                continue;
            };
            let mut outputs: Vec<(&'a str, &'a AttrIr<'a>)> = child
                .modules
                .outputs
                .iter()
                .filter(|(k, _)| output.is_none_or(|o| o == **k))
                .map(|(k, v)| (*k, *v))
                .collect();
            outputs.sort_unstable_by_key(|(k, _)| *k);
            for (k, attr) in outputs {
                out.push((child.clone(), k, attr));
            }
        }
        out
    }
}

/// The instance a known index designates.
fn instance_address(address: &str, expansion: &Expansion, key: &Val) -> Option<String> {
    match expansion {
        Expansion::Count(n) => match key {
            Val::Num(_) | Val::Str(_) => key
                .as_index()
                .filter(|i| i < n)
                .map(|i| format!("{address}[{i}]")),
            _ => None,
        },
        Expansion::ForEach(entries, _) => {
            let k = match key {
                Val::Str(_) | Val::Num(_) | Val::Bool(_) => key.as_string()?,
                _ => return None,
            };
            entries
                .iter()
                .any(|(e, _)| *e == k)
                .then(|| format!("{address}[{}]", quote_key(&k)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
