//! Files into resolved units: Terraform files by directory (a module, with the local modules
//! it calls), every template and plan on its own; read and resolved in one parallel pass, so
//! that a unit's trees are dropped as soon as it is resolved.

use std::collections::{BTreeMap, HashMap};
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
pub struct Settings<'a> {
    /// `--var-file` files, in command-line order, parsed with [`super::parse_var_file`].
    pub var_files: &'a [(FileId, Parsed)],
    /// `--var NAME=VALUE`, in command-line order.
    pub vars: &'a [(String, String)],
    /// CloudFormation parameter values (`--parameter`, `--parameter-file`).
    pub parameters: &'a BTreeMap<String, String>,
    /// The region the run deploys to, when named.
    pub region: Option<&'a str>,
    pub wanted: WantedBy,
}

/// One resolved unit, with the problems its frontend found.
pub struct UnitOut {
    pub resolved: ResolvedUnit,
    pub diagnostics: Vec<Diagnostic>,
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
struct Frontends<'a> {
    tf: terraform::TfOptions<'a>,
    cfn: cloudformation::CfnOptions,
    tf_wanted: Wanted<'a>,
    cfn_wanted: Wanted<'a>,
}

/// One piece of parallel work: a Terraform directory, or a template or plan file.
enum Work {
    Dir(PathBuf, Vec<(Candidate, FileId)>),
    File(Candidate, FileId),
}

/// What the parallel stage hands back for one piece of work.
struct WorkOut {
    files: Vec<LoadedFile>,
    dir: Option<TfDir>,
    unit: Option<(Link, ResolvedUnit)>,
}

/// Reads and resolves every candidate (ids reserved by the caller) into units: the
/// Terraform root modules first (by directory), then templates and plans in the order
/// given. Files go back to `loader` as they are done with.
pub fn resolve_units<L: Loader>(
    candidates: Vec<(Candidate, FileId)>,
    loader: &mut L,
    settings: &Settings,
) -> Vec<UnitOut> {
    let var_files: Vec<terraform::TfFile> = settings
        .var_files
        .iter()
        .filter_map(|(id, p)| workspace::tf_file(*id, p))
        .collect();
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
    };

    let work = group(candidates);
    let units_from_work = work.len();
    let outs: Vec<WorkOut> = {
        let loader = &*loader;
        work.into_par_iter()
            .enumerate()
            .map(|(i, w)| process(w, UnitId(i as u32), loader, &frontends))
            .collect()
    };
    let mut dirs: Vec<TfDir> = Vec::new();
    let mut standalone: Vec<(Link, UnitOut)> = Vec::new();
    for out in outs {
        for l in out.files {
            loader.absorb(l);
        }
        dirs.extend(out.dir);
        if let Some((link, resolved)) = out.unit {
            let diagnostics = Vec::new();
            standalone.push((
                link,
                UnitOut {
                    resolved,
                    diagnostics,
                },
            ));
        }
    }
    let mut units: Vec<(Link, UnitOut)> = workspace::terraform_units(
        dirs,
        loader,
        &frontends.tf,
        frontends.tf_wanted,
        units_from_work,
    )
    .into_iter()
    .map(|(dir, (resolved, diagnostics))| {
        (
            Link::Module(dir),
            UnitOut {
                resolved,
                diagnostics,
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
fn attach_plans(units: &mut [(Link, UnitOut)]) {
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

/// The work: Terraform files by directory (a module), every other file on its own.
fn group(candidates: Vec<(Candidate, FileId)>) -> Vec<Work> {
    // Grouped by hash, then the directories (far fewer than files) sorted in path order:
    // ordering every file by path in a tree compared paths component by component.
    let mut by_dir: HashMap<PathBuf, Vec<(Candidate, FileId)>> = HashMap::new();
    let mut files: Vec<Work> = Vec::new();
    for (c, id) in candidates {
        match c.kind {
            FileKind::CloudFormationCandidate => files.push(Work::File(c, id)),
            _ => {
                let dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
                by_dir.entry(dir).or_default().push((c, id));
            }
        }
    }
    let mut dirs: Vec<(PathBuf, Vec<(Candidate, FileId)>)> = by_dir.into_iter().collect();
    dirs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    dirs.into_iter()
        .map(|(dir, items)| Work::Dir(dir, items))
        .chain(files)
        .collect()
}

/// Loads a piece of work and, when it stands alone, resolves it and drops its trees: a
/// template, a plan, and a Terraform directory without local module calls (the common case)
/// never keep their trees past this point, so memory follows the largest file, not the run.
fn process(work: Work, unit: UnitId, loader: &impl Loader, frontends: &Frontends) -> WorkOut {
    match work {
        Work::Dir(path, items) => {
            let mut files: Vec<LoadedFile> = items
                .into_par_iter()
                .map(|(c, id)| loader.load(c, id))
                .collect();
            let dir =
                workspace::directory(path, &mut files, unit, &frontends.tf, frontends.tf_wanted);
            WorkOut {
                files,
                dir: Some(dir),
                unit: None,
            }
        }
        Work::File(candidate, id) => {
            let mut l = loader.load(candidate, id);
            let unit = match &l.parsed {
                Parsed::Template(doc) => Some((
                    Link::Template,
                    cloudformation::resolve(
                        unit,
                        id,
                        &l.display,
                        doc,
                        &frontends.cfn,
                        frontends.cfn_wanted,
                    ),
                )),
                Parsed::Plan(json) => Some((
                    Link::Plan(l.candidate.path.parent().map(terraform::normalize_path)),
                    plan::resolve(unit, id, &l.display, json, frontends.tf_wanted),
                )),
                _ => None,
            };
            if unit.is_some() {
                l.parsed = Parsed::Skipped;
            }
            WorkOut {
                files: vec![l],
                dir: None,
                unit,
            }
        }
    }
}
