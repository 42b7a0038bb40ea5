//! The Terraform side of a run: which files make a module, in which order variables files
//! load, which directories call which as local modules (loading the called directories the
//! run did not include), and which directories are root modules.
//!
//! Terraform semantics only; the engine lends the I/O through [`Loader`]: this module never
//! reads a file or a directory itself.

use foldhash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{
    is_override_file, local_module_calls, module_dir, normalize_path, parse, parse_json,
    parse_vars_json, resolve_module_tree, HclError, ModuleDir, ModuleLibrary, ModuleRoot,
    TfDiagnostic, TfFile, TfOptions, TfSource,
};
use crate::discover::{Candidate, FileKind, Scope};
use crate::display::display_path;
use crate::model::UnitId;
use crate::parse::files::{LoadedFile, Loader, Parsed};
use crate::resolved::{ResolvedUnit, Wanted};
use crate::source::FileId;

/// A unit resolved by the Terraform frontend, with its problems.
pub type Resolved = (ResolvedUnit, Vec<TfDiagnostic>);

/// Parses a Terraform file of the given kind (`.tf`, `.tfvars`, `.tf.json`, `.tfvars.json`).
pub fn parse_file(kind: FileKind, text: &str) -> Parsed {
    match kind {
        FileKind::Terraform | FileKind::TfVars => match text.find('\0') {
            Some(at) => Parsed::failed_at(
                "NUL byte: this looks like a binary file, not Terraform".into(),
                at,
            ),
            None => match parse(text) {
                Ok(body) if kind == FileKind::Terraform => Parsed::Terraform(body),
                Ok(body) => Parsed::TfVars(body),
                Err(e) => Parsed::failed_at(
                    format!("invalid HCL: {}", e.message),
                    e.offset.min(text.len()),
                ),
            },
        },
        FileKind::TerraformJson => match parse_json(text) {
            Ok(json) => Parsed::TerraformJson(json),
            Err(e) => failed_json(e, text),
        },
        FileKind::TfVarsJson => match parse_vars_json(text) {
            Ok(json) => Parsed::TfVarsJson(json),
            Err(e) => failed_json(e, text),
        },
        FileKind::CloudFormationCandidate => Parsed::Skipped,
    }
}

/// A `.tf.json` or `.tfvars.json` file that Terraform would reject (its message says why:
/// invalid JSON, or a key given twice).
fn failed_json(e: HclError, text: &str) -> Parsed {
    let at = e.offset.min(text.len());
    Parsed::Failed {
        message: e.message,
        range: Some(at..at),
        related: e.related,
    }
}

/// Parses a `--var-file`: HCL, or JSON when its name ends in `.json`.
pub fn parse_var_file(path: &Path, text: &str) -> Parsed {
    let is_json = path
        .to_string_lossy()
        .to_ascii_lowercase()
        .ends_with(".json");
    let result = if is_json {
        parse_vars_json(text).map(Parsed::TfVarsJson)
    } else {
        parse(text).map(Parsed::TfVars)
    };
    result.unwrap_or_else(|e| Parsed::Failed {
        message: format!("invalid variables file: {}", e.message),
        range: Some(e.offset..e.offset),
        related: Vec::new(),
    })
}

/// A parsed Terraform file (either syntax) as the Terraform frontend takes it.
pub fn tf_file(file: FileId, parsed: &Parsed) -> Option<TfFile<'_>> {
    let source = match parsed {
        Parsed::Terraform(body) | Parsed::TfVars(body) => TfSource::Hcl(body),
        Parsed::TerraformJson(json) | Parsed::TfVarsJson(json) => TfSource::Json(json),
        _ => return None,
    };
    Some(TfFile {
        file,
        source,
        is_override: false,
    })
}

/// A file of a Terraform directory.
struct Member {
    id: FileId,
    path: PathBuf,
    kind: FileKind,
    /// An override file (`override.tf`, `*_override.tf`, and their `.tf.json` forms).
    is_override: bool,
}

/// A Terraform directory of the run, or a local module the run calls.
pub struct TfDir {
    /// As found: the parent of its files.
    path: PathBuf,
    /// Normalized (see [`normalize_path`]).
    dir: PathBuf,
    /// Every file, parsed or not, sorted by id.
    members: Vec<Member>,
    /// Whether it has a `.tf`/`.tf.json` file (parsed or not); a directory of variables files
    /// only is not a module.
    has_module_file: bool,
    /// Parsed `.tf`/`.tf.json` files, by display path.
    files: Vec<FileId>,
    /// Parsed variables files, in Terraform's load order.
    tfvars: Vec<FileId>,
    /// False when one of its files could not be read or parsed.
    complete: bool,
    /// Its local module calls: the called directory (normalized) and the calling file.
    calls: Vec<(PathBuf, FileId)>,
    /// The parsed files, kept only while the module graph may need them.
    trees: BTreeMap<FileId, Parsed>,
    /// Its resolved unit, when it was resolved on its own in the parallel stage (a directory
    /// without local module calls); used if it turns out to be a root.
    resolved: Option<Resolved>,
}

impl TfDir {
    /// Its normalized path.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Its resolved unit, when it was resolved on its own in the parallel stage.
    pub fn resolved_mut(&mut self) -> Option<&mut ResolvedUnit> {
        self.resolved.as_mut().map(|(unit, _)| unit)
    }

    /// A parsed file of the directory as the Terraform frontend takes it (override files
    /// marked). Searches by id, never through the list: resolving a directory asks for each
    /// of its files, and a directory may hold 100,000 of them.
    fn tf_file(&self, id: FileId) -> Option<TfFile<'_>> {
        let parsed = self.trees.get(&id)?;
        let mut file = tf_file(id, parsed)?;
        file.is_override = self
            .members
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .and_then(|m| self.members.get(m))
            .is_some_and(|m| m.is_override);
        Some(file)
    }
}

/// Terraform loads `terraform.tfvars`, then `terraform.tfvars.json`, then `*.auto.tfvars`
/// and `*.auto.tfvars.json` together, in lexical order of their names: the sort key of a
/// variables file.
fn tfvars_rank(path: &Path) -> (u8, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rank = match name.to_ascii_lowercase().as_str() {
        "terraform.tfvars" => 0,
        "terraform.tfvars.json" => 1,
        _ => 2,
    };
    (rank, name)
}

/// Groups a directory's loaded files into a [`TfDir`], moving their trees into it.
fn tf_dir(path: PathBuf, loaded: &mut [LoadedFile]) -> TfDir {
    let dir = normalize_path(&path);
    let mut d = TfDir {
        dir,
        path,
        members: Vec::new(),
        has_module_file: false,
        files: Vec::new(),
        tfvars: Vec::new(),
        complete: true,
        calls: Vec::new(),
        trees: BTreeMap::new(),
        resolved: None,
    };
    let mut files: Vec<(&str, FileId)> = Vec::new();
    let mut tfvars: Vec<(u8, String, FileId)> = Vec::new();
    for l in loaded.iter_mut() {
        let module_file = matches!(
            l.candidate.kind,
            FileKind::Terraform | FileKind::TerraformJson
        );
        d.has_module_file |= module_file;
        d.members.push(Member {
            id: l.id,
            path: l.candidate.path.clone(),
            kind: l.candidate.kind,
            // Lossy: the suffixes are ASCII, so a name that is not UTF-8 is judged right.
            is_override: l
                .candidate
                .path
                .file_name()
                .is_some_and(|n| is_override_file(&n.to_string_lossy())),
        });
        if matches!(l.parsed, Parsed::Failed { .. } | Parsed::Skipped) {
            d.complete = false;
            continue;
        }
        let parsed = std::mem::replace(&mut l.parsed, Parsed::Skipped);
        // The word `module` is in every module call: most files are spared the search.
        let may_call = module_file && l.source.as_ref().is_some_and(|s| s.text.contains("module"));
        if may_call {
            if let Some(file) = tf_file(l.id, &parsed) {
                for call in local_module_calls(&[file]) {
                    d.calls.push((module_dir(&d.dir, &call.source), l.id));
                }
            }
        }
        if module_file {
            files.push((&l.display, l.id));
        } else {
            let (rank, name) = tfvars_rank(&l.candidate.path);
            tfvars.push((rank, name, l.id));
        }
        d.trees.insert(l.id, parsed);
    }
    files.sort();
    tfvars.sort();
    d.files = files.into_iter().map(|(_, id)| id).collect();
    d.tfvars = tfvars.into_iter().map(|(_, _, id)| id).collect();
    // Files come in id order; sorted anyway, as `TfDir::tf_file` searches by id.
    d.members.sort_by_key(|m| m.id);
    d
}

/// Resolves a Terraform directory as a root module.
fn resolve_dir(
    unit: UnitId,
    d: &TfDir,
    tf_options: &TfOptions,
    library: &ModuleLibrary,
    wanted: Wanted<'_>,
) -> Resolved {
    let files: Vec<TfFile> = d.files.iter().filter_map(|f| d.tf_file(*f)).collect();
    let tfvars: Vec<TfFile> = d.tfvars.iter().filter_map(|f| d.tf_file(*f)).collect();
    resolve_module_tree(
        unit,
        &display_path(&d.path),
        &files,
        &tfvars,
        d.complete,
        tf_options,
        Some(ModuleRoot {
            dir: &d.dir,
            library,
        }),
        wanted,
    )
}

/// A directory of the run from its loaded files (their trees moved into it). One without
/// local module calls (the common case) is resolved now, as unit `unit`, and drops its trees,
/// so that memory follows the largest directory, not the run; it keeps the result in case it
/// turns out to be a root.
pub fn directory(
    path: PathBuf,
    files: &mut [LoadedFile],
    unit: UnitId,
    tf_options: &TfOptions,
    wanted: Wanted<'_>,
) -> TfDir {
    let mut d = tf_dir(path, files);
    if d.calls.is_empty() && !d.files.is_empty() {
        let empty = ModuleLibrary::new();
        d.resolved = Some(resolve_dir(unit, &d, tf_options, &empty, wanted));
        d.trees = BTreeMap::new();
    }
    d
}

/// Parses a directory's files again from the texts kept (for a directory resolved on its own
/// in the parallel stage that turns out to be called as a local module).
fn reparse(d: &TfDir, loader: &impl Loader) -> BTreeMap<FileId, Parsed> {
    let parsed: HashSet<FileId> = d.files.iter().chain(&d.tfvars).copied().collect();
    d.members
        .iter()
        .filter(|m| parsed.contains(&m.id))
        .filter_map(|m| Some((m.id, parse_file(m.kind, loader.text(m.id)?))))
        .collect()
}

/// The local module calls of a run, between directories (normalized paths).
#[derive(Default)]
struct ModuleGraph {
    /// Calling directory: the directories it calls.
    calls: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// Called directories that exist without a Terraform file (empty modules).
    empty: BTreeSet<PathBuf>,
    /// Called paths that are a loaded directory under another name (a symbolic link): the
    /// loaded directory.
    aliases: BTreeMap<PathBuf, PathBuf>,
}

impl ModuleGraph {
    /// The loaded directory a called path is.
    fn resolve(&self, target: &PathBuf) -> PathBuf {
        self.aliases.get(target).unwrap_or(target).clone()
    }

    /// The directories some other directory calls.
    fn called(&self) -> BTreeSet<PathBuf> {
        self.calls
            .iter()
            .flat_map(|(from, to)| {
                to.iter()
                    .map(|t| self.resolve(t))
                    .filter(move |t| t != from)
            })
            .collect()
    }
}

/// The directories of a run being linked by their module calls, and what is known of the
/// called paths so far.
struct Linker<'d> {
    dirs: &'d mut Vec<TfDir>,
    graph: ModuleGraph,
    /// Loaded module directories, by normalized path: their index in `dirs`.
    index: HashMap<PathBuf, usize>,
    /// Canonical path: the directory of the run; built on the first call to an unknown path.
    canonical: Option<HashMap<PathBuf, PathBuf>>,
    /// Called paths that cannot be read.
    missing: HashSet<PathBuf>,
}

impl Linker<'_> {
    /// The called directories not loaded yet among the calls of `dirs[from..]`, with their
    /// Terraform files (sorted); records the calls, the aliases, and the empty and missing
    /// directories on the way.
    #[allow(clippy::type_complexity)]
    fn unloaded_calls(
        &mut self,
        from: usize,
        loader: &impl Loader,
    ) -> Vec<(PathBuf, Vec<(PathBuf, FileKind)>)> {
        let mut batch = Vec::new();
        let mut batch_dirs: HashSet<PathBuf> = HashSet::default();
        for next in from..self.dirs.len() {
            let caller = self.dirs[next].dir.clone();
            let targets: Vec<PathBuf> = self.dirs[next]
                .calls
                .iter()
                .map(|(t, _)| t.clone())
                .collect();
            for target in targets {
                self.graph
                    .calls
                    .entry(caller.clone())
                    .or_default()
                    .insert(target.clone());
                let target = self.graph.aliases.get(&target).cloned().unwrap_or(target);
                if self.index.contains_key(&target)
                    || self.missing.contains(&target)
                    || self.graph.empty.contains(&target)
                    || !batch_dirs.insert(target.clone())
                {
                    continue;
                }
                if let Some(files) = self.module_files(target.clone(), loader) {
                    batch.push(files);
                }
            }
        }
        batch
    }

    /// The Terraform files of a called directory, unless it is another path to a loaded
    /// directory (an alias), is missing, or has none (an empty module).
    #[allow(clippy::type_complexity)]
    fn module_files(
        &mut self,
        target: PathBuf,
        loader: &impl Loader,
    ) -> Option<(PathBuf, Vec<(PathBuf, FileKind)>)> {
        let real = loader.canonical(&target);
        let dirs = &*self.dirs;
        let canonical = self.canonical.get_or_insert_with(|| {
            dirs.iter()
                .filter(|d| d.has_module_file)
                .filter_map(|d| Some((loader.canonical(&d.dir)?, d.dir.clone())))
                .collect()
        });
        if let Some(d) = real.as_ref().and_then(|c| canonical.get(c)) {
            // Another path to a loaded directory: one module (cycles are found).
            self.graph.aliases.insert(target, d.clone());
            return None;
        }
        let Some(files) = loader.files_in(&target) else {
            self.missing.insert(target);
            return None;
        };
        if let Some(c) = real {
            canonical.insert(c, target.clone());
        }
        let mut paths: Vec<(PathBuf, FileKind)> = files
            .into_iter()
            .filter(|(_, kind)| matches!(kind, FileKind::Terraform | FileKind::TerraformJson))
            .collect();
        if paths.is_empty() {
            self.graph.empty.insert(target);
            return None;
        }
        paths.sort();
        Some((target, paths))
    }

    /// Walks the modules that walked code calls, transitively: their files become walked
    /// (reported, and their own calls followed), whether they were loaded on demand or as
    /// the context of a named file. A named file's calls are not followed: a one-line edit
    /// in a caller is not the called modules' old findings (those that a named file causes
    /// are reported through their related locations in it).
    fn walk_called(&self, loader: &mut impl Loader) {
        loop {
            let mut changed = false;
            for d in self.dirs.iter() {
                for (target, caller) in &d.calls {
                    if loader.scope(*caller) != Scope::Walked {
                        continue;
                    }
                    let target = self.graph.aliases.get(target).unwrap_or(target);
                    let Some(called) = self.index.get(target).and_then(|&j| self.dirs.get(j))
                    else {
                        continue;
                    };
                    for m in &called.members {
                        if loader.scope(m.id) != Scope::Walked && loader.walk(m.id, &m.path) {
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }
}

/// Loads a batch of called directories in parallel (file ids reserved first).
#[allow(clippy::type_complexity)]
fn load_batch(
    batch: Vec<(PathBuf, Vec<(PathBuf, FileKind)>)>,
    loader: &mut impl Loader,
) -> Vec<(PathBuf, Vec<LoadedFile>)> {
    let count = batch.iter().map(|(_, p)| p.len()).sum();
    let mut next_id = loader.reserve(count).0;
    let batch: Vec<(PathBuf, Vec<(Candidate, FileId)>)> = batch
        .into_iter()
        .map(|(target, paths)| {
            let items = paths
                .into_iter()
                .map(|(path, kind)| {
                    let id = FileId(next_id);
                    next_id += 1;
                    let candidate = Candidate {
                        path,
                        kind,
                        scope: Scope::Context,
                    };
                    (candidate, id)
                })
                .collect();
            (target, items)
        })
        .collect();
    let loader = &*loader;
    batch
        .into_par_iter()
        .map(|(target, items)| {
            let files = items
                .into_par_iter()
                .map(|(c, id)| loader.load(c, id))
                .collect();
            (target, files)
        })
        .collect()
}

/// Builds the graph of local module calls and loads the `.tf`/`.tf.json` files of the called
/// directories the run has not loaded, directory by directory (a called module's variables
/// files are not loaded: Terraform ignores them). A module that walked code calls is walked
/// (unless the config excludes it): findings inside a module called from the linted code
/// are the linted code's findings; a module that only a named file calls is context.
fn resolve_module_calls(dirs: &mut Vec<TfDir>, loader: &mut impl Loader) -> ModuleGraph {
    let index = dirs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.has_module_file)
        .map(|(i, d)| (d.dir.clone(), i))
        .collect();
    let mut linker = Linker {
        dirs,
        graph: ModuleGraph::default(),
        index,
        canonical: None,
        missing: HashSet::default(),
    };
    let mut next = 0;
    loop {
        let batch = linker.unloaded_calls(next, loader);
        next = linker.dirs.len();
        if batch.is_empty() {
            break;
        }
        for (target, mut files) in load_batch(batch, loader) {
            let d = tf_dir(target, &mut files);
            for l in files {
                loader.absorb(l);
            }
            linker.index.insert(d.dir.clone(), linker.dirs.len());
            linker.dirs.push(d);
        }
    }
    linker.walk_called(loader);
    linker.graph
}

/// The directories resolved on their own: those no other directory of the run calls as a
/// local module, and, for directories only reachable through a cycle, the first of them.
fn module_roots(graph: &ModuleGraph, dirs: BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    let called = graph.called();
    let mut roots: BTreeSet<PathBuf> = dirs
        .iter()
        .filter(|d| !called.contains(*d))
        .cloned()
        .collect();
    let mut reached: BTreeSet<PathBuf> = BTreeSet::new();
    let reach = |start: &PathBuf, reached: &mut BTreeSet<PathBuf>| {
        let mut stack = vec![start.clone()];
        while let Some(d) = stack.pop() {
            if dirs.contains(&d) && reached.insert(d.clone()) {
                stack.extend(
                    graph
                        .calls
                        .get(&d)
                        .into_iter()
                        .flatten()
                        .map(|t| graph.resolve(t)),
                );
            }
        }
    };
    for r in &roots {
        reach(r, &mut reached);
    }
    let mut more = Vec::new();
    for d in &dirs {
        if !reached.contains(d) {
            reach(d, &mut reached);
            more.push(d.clone());
        }
    }
    roots.extend(more);
    roots
}

/// The library of local modules: every directory whose trees are kept, the called
/// directories without a module file (empty modules; a directory of variables files only is
/// one), and other paths to them.
fn module_library<'a>(
    dirs: &'a [TfDir],
    graph: &ModuleGraph,
    loader: &impl Loader,
) -> ModuleLibrary<'a> {
    let module = |name: String, dir: &PathBuf, files, complete| ModuleDir {
        name,
        files,
        complete,
        id: loader.canonical(dir).unwrap_or_else(|| dir.clone()),
    };
    let mut library: ModuleLibrary = dirs
        .iter()
        .filter(|d| d.resolved.is_none() && d.has_module_file)
        .map(|d| {
            let files = d.files.iter().filter_map(|f| d.tf_file(*f)).collect();
            let entry = module(display_path(&d.path), &d.dir, files, d.complete);
            (d.dir.clone(), entry)
        })
        .collect();
    for dir in &graph.empty {
        library
            .entry(dir.clone())
            .or_insert_with(|| module(display_path(dir), dir, Vec::new(), true));
    }
    for (alias, real) in &graph.aliases {
        if let Some(d) = library.get(real) {
            let same = ModuleDir {
                name: display_path(alias),
                files: d.files.clone(),
                complete: d.complete,
                id: d.id.clone(),
            };
            library.insert(alias.clone(), same);
        }
    }
    library
}

/// The Terraform root modules of a run, resolved, with their normalized directories: the
/// graph of local module calls, the called directories the run did not include, and the
/// roots (a directory resolved on its own in the parallel stage keeps that unit when it is a
/// root). Roots resolved here are units `first_unit`, `first_unit + 1`...
pub fn terraform_units(
    mut dirs: Vec<TfDir>,
    loader: &mut impl Loader,
    tf_options: &TfOptions,
    wanted: Wanted<'_>,
    first_unit: usize,
) -> Vec<(PathBuf, Resolved)> {
    let module_graph = resolve_module_calls(&mut dirs, loader);
    let called = module_graph.called();
    // A called directory resolved on its own in the parallel stage: parse it again (from the
    // text kept) for its callers.
    {
        let loader = &*loader;
        dirs.par_iter_mut()
            .filter(|d| d.resolved.is_some() && called.contains(&d.dir))
            .for_each(|d| {
                d.resolved = None;
                d.trees = reparse(d, loader);
            });
    }
    let roots = module_roots(
        &module_graph,
        dirs.iter()
            .filter(|d| !d.files.is_empty())
            .map(|d| d.dir.clone())
            .collect(),
    );
    // A directory that another directory calls as a local module is resolved through its
    // calls only (with the caller's arguments), not on its own.
    let library = module_library(&dirs, &module_graph, loader);
    let pending: Vec<(usize, &TfDir)> = dirs
        .iter()
        .filter(|d| d.resolved.is_none() && !d.files.is_empty() && roots.contains(&d.dir))
        .enumerate()
        .collect();
    let mut resolved: HashMap<PathBuf, Resolved> = pending
        .into_par_iter()
        .map(|(j, d)| {
            let unit = UnitId((first_unit + j) as u32);
            let r = resolve_dir(unit, d, tf_options, &library, wanted);
            (d.dir.clone(), r)
        })
        .collect();
    drop(library);
    dirs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut units = Vec::new();
    for d in &mut dirs {
        if !roots.contains(&d.dir) {
            continue;
        }
        if let Some(r) = d.resolved.take().or_else(|| resolved.remove(&d.dir)) {
            units.push((d.dir.clone(), r));
        }
    }
    units
}
