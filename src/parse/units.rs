//! Files into resolved units: Terraform files by directory (a module, with the local modules
//! it calls), every template and plan on its own; read and resolved in one parallel pass, so
//! that a unit's trees are dropped as soon as it is resolved, and a unit that nothing else
//! needs resolved (a template; a root module without local calls and without a plan beside
//! it) is adapted where it was resolved and its resources dropped there.

use foldhash::{HashMap, HashSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::files::{LoadedFile, Loader, Parsed};
use super::terraform::workspace::{self, TfDir};
use super::{cloudformation, plan, terraform};
use crate::discover::{Candidate, FileKind};
use crate::model::{SourceKind, UnitId};
use crate::resolved::{ResolvedUnit, Wanted};
use crate::source::FileId;

pub use terraform::{TfDiagnostic as Diagnostic, TfDiagnosticKind as DiagnosticKind};

/// What the adapters of a source language read (the frontends resolve only that).
pub type WantedBy = fn(SourceKind) -> Wanted<'static>;

/// What the frontends are told by the command line and the configuration.
pub struct Settings<'a, M> {
    /// `--var-file` files, in command-line order, parsed with [`super::parse_var_file`].
    pub var_files: &'a [(FileId, Parsed)],
    /// `--var NAME=VALUE`, in command-line order.
    pub vars: &'a [(String, String)],
    /// CloudFormation parameter values (`--parameter`, `--parameter-file`).
    pub parameters: &'a BTreeMap<String, String>,
    /// The region the run deploys to, when named.
    pub region: Option<&'a str>,
    pub wanted: WantedBy,
    /// The adapters: what a unit becomes once resolved.
    pub adapt: &'a (dyn Fn(&ResolvedUnit) -> M + Sync),
}

/// One resolved unit, with the problems its frontend found.
pub struct UnitOut<M> {
    /// The unit as resolved; once adapted (`adapted` is `Some`), its header only: its
    /// resources and escapes were dropped where it was adapted.
    pub resolved: ResolvedUnit,
    pub diagnostics: Vec<Diagnostic>,
    /// The unit adapted as soon as it was resolved, when nothing else needed it resolved.
    pub adapted: Option<M>,
}

/// Adapts a unit and drops its resources and escapes (on the worker that resolved them,
/// while they are in its cache); the header stays for what reads units afterwards.
fn adapt_now<M>(resolved: &mut ResolvedUnit, adapt: &(dyn Fn(&ResolvedUnit) -> M + Sync)) -> M {
    let adapted = adapt(resolved);
    resolved.resources = Vec::new();
    resolved.escapes = Vec::new();
    adapted
}

/// What a resolved unit is, for attaching a plan to its configuration.
enum Link {
    /// A Terraform root module: its normalized directory.
    Module(PathBuf),
    Template,
    /// A plan JSON file: its normalized directory (`None` for a path without a parent).
    Plan(Option<PathBuf>),
}

/// The frontends' options, built once per run.
struct Frontends<'a, M> {
    tf: terraform::TfOptions<'a>,
    cfn: cloudformation::CfnOptions,
    tf_wanted: Wanted<'a>,
    cfn_wanted: Wanted<'a>,
    adapt: &'a (dyn Fn(&ResolvedUnit) -> M + Sync),
    /// Directories (normalized) holding a file that may be a plan: a plan is attached to the
    /// resolved configuration beside it, which must therefore wait.
    plan_dirs: HashSet<PathBuf>,
}

/// One piece of parallel work: a Terraform directory, or a template or plan file.
enum Work {
    Dir(PathBuf, Vec<(Candidate, FileId)>),
    File(Candidate, FileId),
}

/// What the parallel stage hands back for one piece of work.
struct WorkOut<M> {
    files: Vec<LoadedFile>,
    dir: Option<TfDir>,
    /// The directory's unit, adapted (when resolved on its own and no plan is beside it).
    dir_adapted: Option<(UnitId, M)>,
    unit: Option<(Link, ResolvedUnit, Option<M>)>,
}

/// Reads and resolves every candidate (ids reserved by the caller) into units: the
/// Terraform root modules first (by directory), then templates and plans in the order
/// given. Files go back to `loader` as they are done with.
pub fn resolve_units<L: Loader, M: Send>(
    candidates: Vec<(Candidate, FileId)>,
    loader: &mut L,
    settings: &Settings<M>,
) -> Vec<UnitOut<M>> {
    let var_files: Vec<terraform::TfFile> = settings
        .var_files
        .iter()
        .filter_map(|(id, p)| workspace::tf_file(*id, p))
        .collect();
    let (work, plan_dirs) = group(candidates);
    let frontends = Frontends {
        tf: terraform::TfOptions {
            var_files: &var_files,
            vars: settings.vars,
        },
        cfn: cloudformation::CfnOptions {
            parameters: settings.parameters.clone(),
            region: settings.region.map(str::to_string),
        },
        tf_wanted: (settings.wanted)(SourceKind::Terraform),
        cfn_wanted: (settings.wanted)(SourceKind::CloudFormation),
        adapt: settings.adapt,
        plan_dirs,
    };

    let units_from_work = work.len();
    let outs: Vec<WorkOut<M>> = {
        let loader = &*loader;
        work.into_par_iter()
            .enumerate()
            .map(|(i, w)| process(w, UnitId(i as u32), loader, &frontends))
            .collect()
    };
    let mut dirs: Vec<TfDir> = Vec::new();
    let mut dirs_adapted: HashMap<UnitId, M> = HashMap::default();
    let mut standalone: Vec<(Link, UnitOut<M>)> = Vec::new();
    for out in outs {
        for l in out.files {
            loader.absorb(l);
        }
        dirs.extend(out.dir);
        dirs_adapted.extend(out.dir_adapted);
        if let Some((link, resolved, adapted)) = out.unit {
            standalone.push((
                link,
                UnitOut {
                    resolved,
                    diagnostics: Vec::new(),
                    adapted,
                },
            ));
        }
    }
    // A directory adapted early that turns out to be called as a local module is resolved
    // again through its callers, under another unit id: its early model is then unclaimed.
    let mut units: Vec<(Link, UnitOut<M>)> = workspace::terraform_units(
        dirs,
        loader,
        &frontends.tf,
        frontends.tf_wanted,
        units_from_work,
    )
    .into_iter()
    .map(|(dir, (resolved, diagnostics))| {
        let adapted = dirs_adapted.remove(&resolved.unit.id);
        (
            Link::Module(dir),
            UnitOut {
                resolved,
                diagnostics,
                adapted,
            },
        )
    })
    .collect();
    units.extend(standalone);
    attach_plans(&mut units);
    units.into_iter().map(|(_, u)| u).collect()
}

/// A plan next to its configuration (the plan's directory is a Terraform root of the run)
/// points at the configuration (see `plan::attach`).
fn attach_plans<M>(units: &mut [(Link, UnitOut<M>)]) {
    for i in 0..units.len() {
        let Some((Link::Plan(Some(dir)), _)) = units.get(i) else {
            continue;
        };
        let config = units
            .iter()
            .position(|(link, _)| matches!(link, Link::Module(d) if d == dir));
        let Some(j) = config else {
            continue;
        };
        let (plan, config) = if i < j {
            let (a, b) = units.split_at_mut(j);
            (&mut a[i].1, &b[0].1)
        } else {
            let (a, b) = units.split_at_mut(i);
            (&mut b[0].1, &a[j].1)
        };
        plan::attach(&mut plan.resolved, &config.resolved);
    }
}

/// A directory's files are read and parsed on the worker that resolves them (allocated and
/// freed on one thread: 9% less CPU on the bench corpus than spreading them), unless it has
/// more than this many.
const PARALLEL_DIR_FILES: usize = 16;

/// The work: Terraform files by directory (a module), every other file on its own; and the
/// directories (normalized) of the other files, any of which may be a plan.
fn group(candidates: Vec<(Candidate, FileId)>) -> (Vec<Work>, HashSet<PathBuf>) {
    // Grouped by hash, then the directories (far fewer than files) sorted in path order:
    // ordering every file by path in a tree compared paths component by component.
    let mut by_dir: HashMap<PathBuf, Vec<(Candidate, FileId)>> = HashMap::default();
    let mut files: Vec<Work> = Vec::new();
    let mut plan_dirs = HashSet::default();
    for (c, id) in candidates {
        match c.kind {
            FileKind::CloudFormationCandidate => {
                if let Some(dir) = c.path.parent() {
                    plan_dirs.insert(terraform::normalize_path(dir));
                }
                files.push(Work::File(c, id));
            }
            _ => {
                let dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
                by_dir.entry(dir).or_default().push((c, id));
            }
        }
    }
    let mut dirs: Vec<(PathBuf, Vec<(Candidate, FileId)>)> = by_dir.into_iter().collect();
    dirs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let work = dirs
        .into_iter()
        .map(|(dir, items)| Work::Dir(dir, items))
        .chain(files)
        .collect();
    (work, plan_dirs)
}

/// Loads a piece of work and, when it stands alone, resolves it and drops its trees: a
/// template, a plan, and a Terraform directory without local module calls (the common case)
/// never keep their trees past this point, so memory follows the largest file, not the run.
fn process<M>(
    work: Work,
    unit: UnitId,
    loader: &impl Loader,
    frontends: &Frontends<M>,
) -> WorkOut<M> {
    match work {
        Work::Dir(path, items) => {
            let mut files: Vec<LoadedFile> = if items.len() > PARALLEL_DIR_FILES {
                items
                    .into_par_iter()
                    .map(|(c, id)| loader.load(c, id))
                    .collect()
            } else {
                items
                    .into_iter()
                    .map(|(c, id)| loader.load(c, id))
                    .collect()
            };
            let mut dir =
                workspace::directory(path, &mut files, unit, &frontends.tf, frontends.tf_wanted);
            let dir_adapted = if frontends.plan_dirs.contains(dir.dir()) {
                None
            } else {
                dir.resolved_mut()
                    .map(|r| (r.unit.id, adapt_now(r, frontends.adapt)))
            };
            WorkOut {
                files,
                dir: Some(dir),
                dir_adapted,
                unit: None,
            }
        }
        Work::File(candidate, id) => {
            let mut l = loader.load(candidate, id);
            let unit = match &l.parsed {
                Parsed::Template(doc) => {
                    let mut resolved = cloudformation::resolve(
                        unit,
                        id,
                        &l.display,
                        doc,
                        &frontends.cfn,
                        frontends.cfn_wanted,
                    );
                    let adapted = adapt_now(&mut resolved, frontends.adapt);
                    Some((Link::Template, resolved, Some(adapted)))
                }
                // Attached to its configuration later (see `attach_plans`): adapted then.
                Parsed::Plan(json) => Some((
                    Link::Plan(l.candidate.path.parent().map(terraform::normalize_path)),
                    plan::resolve(unit, id, &l.display, json, frontends.tf_wanted),
                    None,
                )),
                _ => None,
            };
            if unit.is_some() {
                l.parsed = Parsed::Skipped;
            }
            WorkOut {
                files: vec![l],
                dir: None,
                dir_adapted: None,
                unit,
            }
        }
    }
}
