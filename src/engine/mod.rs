//! One run: discover, read and parse in parallel, normalize per unit, run the rules.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::aws_data::AwsData;
use crate::discover::{self, Candidate, FileKind};
pub use crate::display::display_path;
use crate::finding::{Finding, Label};
use crate::model::{Model, UnitId};
use crate::parse::syntax::yaml;
use crate::parse::{cloudformation, plan, terraform};
use crate::rules::{self, RuleContext};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::suppress::{self, FileSuppressions};

mod options;
mod postprocess;
mod result;

pub use options::{CheckOptions, DEFAULT_REGION};
pub use result::{CheckResult, RunError};

enum Parsed {
    Terraform(hcl_edit::structure::Body),
    TfVars(hcl_edit::structure::Body),
    TerraformJson(terraform::JsonFile),
    TfVarsJson(terraform::JsonFile),
    Template(yaml::YamlDoc),
    /// A Terraform plan JSON (`terraform show -json plan.out`): a unit of its own.
    Plan(plan::PlanJson),
    /// Not a CloudFormation template: not part of the run.
    Skipped,
    Failed {
        message: String,
        range: Option<std::ops::Range<usize>>,
        related: Vec<(String, std::ops::Range<usize>)>,
    },
}

/// Whether a file that failed to parse was meant to be a template: it declares
/// `AWSTemplateFormatVersion`, or has a top-level `Resources:` key (YAML) or a `"Resources"`
/// key (JSON). A mere mention of `AWS::` in a comment is not enough.
fn clearly_a_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || text
            .lines()
            .any(|l| l.trim_end() == "Resources:" || l.starts_with("Resources: "))
        || text
            .match_indices("\"Resources\"")
            .any(|(i, m)| text[i + m.len()..].trim_start().starts_with(':'))
}

/// Parses a CloudFormation candidate (YAML or JSON). CloudFormation reads a template as one
/// document: a stream of several documents of which one is a template is an error at the start
/// of the second (PyYAML, which cfn-lint uses, says "expected a single document in the
/// stream"), never a template silently skipped or cut short. A file that does not parse is
/// reported only if it is a template: a document completed before the error is one, or the
/// text clearly is one; a Helm chart or a CI file that merely mentions `AWS::` is not our
/// business.
fn parse_template(text: &str) -> Parsed {
    match yaml::parse_stream(text) {
        Ok(mut stream) => {
            let template = stream
                .documents
                .iter()
                .position(|d| cloudformation::is_template(&d.root));
            match (template, stream.documents.len()) {
                (None, _) => Parsed::Skipped,
                (Some(_), 1) => Parsed::Template(yaml::YamlDoc {
                    root: stream.documents.swap_remove(0).root,
                    comments: stream.comments,
                }),
                (Some(i), n) => {
                    let second = stream.documents.get(1).map(|d| d.start.clone());
                    // Where the template starts, unless that is the second document's start.
                    let template_at = stream.documents.get(i).filter(|_| i != 1).map(|d| {
                        let at = if d.start.is_empty() {
                            d.root.span.start
                        } else {
                            d.start.start
                        };
                        let len = text.get(at..).and_then(|r| r.chars().next());
                        at..at + len.map_or(0, char::len_utf8)
                    });
                    Parsed::Failed {
                        message: format!(
                            "a CloudFormation template must be the only YAML document in its \
                             file, but this file has {n} documents: another one starts here"
                        ),
                        range: second,
                        related: template_at
                            .map(|at| ("the template".to_string(), at))
                            .into_iter()
                            .collect(),
                    }
                }
            }
        }
        Err(e)
            if e.complete
                .iter()
                .any(|d| cloudformation::is_template(&d.root))
                || clearly_a_template(text) =>
        {
            Parsed::Failed {
                message: e.error.message,
                range: Some(e.error.span),
                related: e.error.related,
            }
        }
        Err(_) => Parsed::Skipped,
    }
}

/// A `.tf.json` or `.tfvars.json` file that Terraform would reject (its message says why:
/// invalid JSON, or a key given twice).
fn failed_json(e: terraform::HclError, text: &str) -> Parsed {
    let at = e.offset.min(text.len());
    Parsed::Failed {
        message: e.message,
        range: Some(at..at),
        related: e.related,
    }
}

/// Parses a file's text as its kind says. `utf8_error` is where the bytes stopped being UTF-8
/// (the text is then a lossy copy).
fn parse_text(candidate: &Candidate, text: &str, utf8_error: Option<usize>) -> Parsed {
    let failed = |message: String, at: usize| Parsed::Failed {
        message,
        range: Some(at..at),
        related: Vec::new(),
    };
    // A plan JSON is sniffed before the template check (it does not look like one).
    let is_plan = candidate.kind == FileKind::CloudFormationCandidate
        && candidate
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        && plan::is_plan(text);
    match candidate.kind {
        _ if is_plan && utf8_error.is_none() => match plan::parse(text) {
            Ok(json) => Parsed::Plan(json),
            Err((message, range)) => failed(message, range.start.min(text.len())),
        },
        FileKind::CloudFormationCandidate
            if !is_plan && !cloudformation::looks_like_template(text) =>
        {
            Parsed::Skipped
        }
        _ if utf8_error.is_some() => {
            let at = utf8_error.unwrap_or(0);
            failed(format!("invalid UTF-8 at byte {at}"), at)
        }
        FileKind::Terraform | FileKind::TfVars => match text.find('\0') {
            Some(at) => failed(
                "NUL byte: this looks like a binary file, not Terraform".into(),
                at,
            ),
            None => match terraform::parse(text) {
                Ok(body) if candidate.kind == FileKind::Terraform => Parsed::Terraform(body),
                Ok(body) => Parsed::TfVars(body),
                Err(e) => failed(
                    format!("invalid HCL: {}", e.message),
                    e.offset.min(text.len()),
                ),
            },
        },
        FileKind::TerraformJson => match terraform::parse_json(text) {
            Ok(json) => Parsed::TerraformJson(json),
            Err(e) => failed_json(e, text),
        },
        FileKind::TfVarsJson => match terraform::parse_vars_json(text) {
            Ok(json) => Parsed::TfVarsJson(json),
            Err(e) => failed_json(e, text),
        },
        FileKind::CloudFormationCandidate => parse_template(text),
    }
}

/// Reads and parses one file, builds its line table and collects its suppressions: the work
/// done for every file in parallel.
fn load(candidate: Candidate, id: FileId, known_rule: &dyn Fn(&str) -> bool) -> Loaded {
    let display = display_path(&candidate.path);
    let bytes = match std::fs::read(&candidate.path) {
        Ok(b) => b,
        Err(e) => {
            let message = match discover::link_target(&candidate.path) {
                Some(target) if discover::is_broken_link(&candidate.path) => format!(
                    "cannot read file: broken symbolic link to {target} ({})",
                    discover::io_message(&e)
                ),
                _ => format!("cannot read file: {}", discover::io_message(&e)),
            };
            return Loaded {
                id,
                candidate,
                display,
                source: None,
                parsed: Parsed::Failed {
                    message,
                    range: None,
                    related: Vec::new(),
                },
                suppressions: FileSuppressions::default(),
            };
        }
    };
    let (text, utf8_error) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    let parsed = parse_text(&candidate, &text, utf8_error);
    if matches!(parsed, Parsed::Skipped) {
        return Loaded {
            id,
            candidate,
            display,
            source: None,
            parsed,
            suppressions: FileSuppressions::default(),
        };
    }
    let source = SourceFile::new(candidate.path.clone(), display.clone(), text);
    let text = &source.text;
    let mut suppressions = FileSuppressions::default();
    // Comments matter only when the file has a suppression marker (most files have none).
    if suppress::has_marker(text) {
        let (comments, scopes) = match &parsed {
            Parsed::Terraform(body) => (suppress::hcl_comments(text), suppress::hcl_scopes(body)),
            Parsed::Template(doc) => (suppress::yaml_comments(doc), suppress::yaml_scopes(doc)),
            _ => (Vec::new(), Vec::new()),
        };
        let lines = source.line_index();
        suppress::from_comments(
            id,
            text,
            lines,
            &comments,
            &scopes,
            known_rule,
            &mut suppressions,
        );
    }
    if let Parsed::Template(doc) = &parsed {
        suppress::from_cfn_metadata(id, text.len(), doc, known_rule, &mut suppressions);
    }
    Loaded {
        id,
        source: Some(source),
        candidate,
        display,
        parsed,
        suppressions,
    }
}

/// One file after the parallel stage: its text and line table (when it is part of the run),
/// its tree (until it is normalized) and its suppressions.
struct Loaded {
    id: FileId,
    candidate: Candidate,
    display: String,
    /// `None` when the file could not be read, or is not part of the run (YAML or JSON that
    /// is not a template).
    source: Option<SourceFile>,
    parsed: Parsed,
    suppressions: FileSuppressions,
}

/// What a normalized unit is, for attaching a plan to its configuration.
enum UnitKind {
    /// A Terraform root module: its normalized directory.
    Module(PathBuf),
    Template,
    /// A plan JSON file.
    Plan(FileId),
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
struct TfDir {
    /// As found: the parent of its files.
    path: PathBuf,
    /// Normalized (see `terraform::normalize_path`).
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
    /// Its model, when it was normalized on its own in the parallel stage (a directory
    /// without local module calls); used if it turns out to be a root.
    model: Option<(Model, Vec<terraform::TfDiagnostic>)>,
    /// Loaded only because a directory of the run calls it.
    on_demand: bool,
}

impl TfDir {
    /// A parsed file of the directory as the Terraform frontend takes it (override files
    /// marked). Searches by id, never through the list: normalizing a directory asks for each
    /// of its files, and a directory may hold 100,000 of them.
    fn tf_file(&self, id: FileId) -> Option<terraform::TfFile<'_>> {
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

/// What the parallel stage hands back for one piece of work.
struct WorkOut {
    files: Vec<Loaded>,
    dir: Option<TfDir>,
    unit: Option<(UnitKind, Model)>,
}

/// The state of a run shared between its stages.
#[derive(Default)]
struct Run {
    sources: SourceMap,
    /// Per file id: whether findings in it are reported.
    reported: Vec<bool>,
    errors: Vec<RunError>,
    suppressions: FileSuppressions,
}

impl Run {
    fn reserve(&mut self, count: usize) -> FileId {
        let first = self.sources.reserve(count);
        self.reported.resize(self.sources.len(), false);
        first
    }

    fn add(&mut self, file: SourceFile) -> FileId {
        let id = self.sources.add(file);
        self.reported.resize(self.sources.len(), false);
        id
    }

    fn is_reported(&self, file: FileId) -> bool {
        self.reported.get(file.0 as usize).copied().unwrap_or(false)
    }

    /// Takes a loaded file's text, suppressions and errors (its tree has been taken or
    /// dropped before).
    fn absorb(&mut self, l: Loaded) {
        if let Some(r) = self.reported.get_mut(l.id.0 as usize) {
            *r = l.candidate.reported;
        }
        let Some(source) = l.source else {
            // Unreadable (no source to point into), or not part of the run.
            if let Parsed::Failed { message, .. } = l.parsed {
                self.errors.push(RunError {
                    kind: "io-error",
                    path: l.display,
                    span: None,
                    message,
                    related: Vec::new(),
                });
            }
            return;
        };
        if let Parsed::Failed {
            message,
            range,
            related,
        } = l.parsed
        {
            self.errors.push(RunError {
                kind: "parse-error",
                path: l.display,
                span: range.map(|r| Span::new(l.id, r)),
                message,
                related: related
                    .into_iter()
                    .map(|(m, r)| Label::new(Span::new(l.id, r), m))
                    .collect(),
            });
        }
        self.sources.set(l.id, source);
        self.suppressions
            .suppressions
            .extend(l.suppressions.suppressions);
        self.suppressions.problems.extend(l.suppressions.problems);
    }
}

/// What every piece of parallel work needs to know.
struct Shared<'a> {
    known_rule: &'a (dyn Fn(&str) -> bool + Sync),
    cfn_options: &'a cloudformation::CfnOptions,
    tf_options: &'a terraform::TfOptions<'a>,
}

/// Groups a directory's loaded files into a [`TfDir`], moving their trees into it.
fn tf_dir(path: PathBuf, loaded: &mut [Loaded], on_demand: bool) -> TfDir {
    let dir = terraform::normalize_path(&path);
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
        model: None,
        on_demand,
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
                .is_some_and(|n| terraform::is_override_file(&n.to_string_lossy())),
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
                for call in terraform::local_module_calls(&[file]) {
                    d.calls
                        .push((terraform::module_dir(&d.dir, &call.source), l.id));
                }
            }
        }
        if module_file {
            files.push((&l.display, l.id));
        } else {
            // Terraform loads terraform.tfvars, then terraform.tfvars.json, then
            // *.auto.tfvars and *.auto.tfvars.json together, in lexical order of their names.
            let name = l
                .candidate
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rank = match name.to_ascii_lowercase().as_str() {
                "terraform.tfvars" => 0,
                "terraform.tfvars.json" => 1,
                _ => 2,
            };
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

/// Normalizes a Terraform directory as a root module.
fn normalize_dir(
    unit: UnitId,
    d: &TfDir,
    tf_options: &terraform::TfOptions,
    library: &terraform::ModuleLibrary,
) -> (Model, Vec<terraform::TfDiagnostic>) {
    let files: Vec<terraform::TfFile> = d.files.iter().filter_map(|f| d.tf_file(*f)).collect();
    let tfvars: Vec<terraform::TfFile> = d.tfvars.iter().filter_map(|f| d.tf_file(*f)).collect();
    let (resolved, diagnostics) = terraform::resolve_module_tree(
        unit,
        &display_path(&d.path),
        &files,
        &tfvars,
        d.complete,
        tf_options,
        Some(terraform::ModuleRoot {
            dir: &d.dir,
            library,
        }),
        &crate::model::from_terraform::adapts,
    );
    (crate::model::from_terraform::adapt(&resolved), diagnostics)
}

/// One piece of parallel work: a Terraform directory, or a template or plan file.
enum Work {
    Dir(PathBuf, Vec<(Candidate, FileId)>),
    File(Candidate, FileId),
}

/// Loads a piece of work and, when it stands alone, normalizes it and drops its trees: a
/// template, a plan, and a Terraform directory without local module calls (the common case)
/// never keep their trees past this point, so memory follows the largest file, not the run.
fn process(work: Work, unit: UnitId, shared: &Shared) -> WorkOut {
    match work {
        Work::Dir(path, items) => {
            let mut files: Vec<Loaded> = items
                .into_par_iter()
                .map(|(c, id)| load(c, id, shared.known_rule))
                .collect();
            let mut d = tf_dir(path, &mut files, false);
            if d.calls.is_empty() && !d.files.is_empty() {
                let empty = terraform::ModuleLibrary::new();
                d.model = Some(normalize_dir(unit, &d, shared.tf_options, &empty));
                d.trees = BTreeMap::new();
            }
            WorkOut {
                files,
                dir: Some(d),
                unit: None,
            }
        }
        Work::File(candidate, id) => {
            let mut l = load(candidate, id, shared.known_rule);
            let unit = match &l.parsed {
                Parsed::Template(doc) => {
                    let wanted = &crate::model::from_cloudformation::adapts;
                    let resolved = cloudformation::resolve(
                        unit,
                        id,
                        &l.display,
                        doc,
                        shared.cfn_options,
                        wanted,
                    );
                    Some((
                        UnitKind::Template,
                        crate::model::from_cloudformation::adapt(&resolved),
                    ))
                }
                Parsed::Plan(json) => {
                    let wanted = &crate::model::from_terraform::adapts;
                    let resolved = plan::resolve(unit, id, &l.display, json, wanted);
                    Some((
                        UnitKind::Plan(id),
                        crate::model::from_terraform::adapt(&resolved),
                    ))
                }
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

/// Runs a whole check.
pub fn check(options: &CheckOptions) -> Result<CheckResult, String> {
    let (candidates, discover_errors) = discover::discover(&options.paths);
    check_discovered(options, candidates, discover_errors)
}

/// Runs a check on files already discovered (a file may have gone, or changed, since).
fn check_discovered(
    options: &CheckOptions,
    mut candidates: Vec<Candidate>,
    discover_errors: Vec<discover::DiscoverError>,
) -> Result<CheckResult, String> {
    let data = &options.config.pricing.apply(AwsData::embedded()?)?;
    if let Some(matcher) = options.config.exclude_matcher() {
        candidates.retain(|c| !matcher.is_excluded(&c.path));
    }
    let known_rule = |id: &str| rules::find(id).is_some();

    // A link back to a directory being walked loses nothing: a warning, not an error.
    let (walk_warnings, discover_errors): (Vec<_>, Vec<_>) =
        discover_errors.into_iter().partition(|e| e.warning);
    let mut run = Run {
        errors: discover_errors
            .into_iter()
            .map(|e| RunError {
                kind: "io-error",
                path: display_path(&e.path),
                span: None,
                message: e.message,
                related: Vec::new(),
            })
            .collect(),
        ..Run::default()
    };
    // Every candidate gets its id up front, so that files are parsed and normalized in one
    // parallel pass.
    run.reserve(candidates.len());

    // --var-file: parsed once, registered as sources (not reported) so origins point into them.
    let mut cli_var_files: Vec<(FileId, Parsed)> = Vec::new();
    for path in &options.var_files {
        let text = crate::option_file::read(path, crate::option_file::OptionFile::VarFile)
            .map_err(|e| format!("{}: {}", display_path(path), e.message))?;
        let is_json = path
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".json");
        let result = if is_json {
            terraform::parse_vars_json(&text).map(Parsed::TfVarsJson)
        } else {
            terraform::parse(&text).map(Parsed::TfVars)
        };
        let id = run.add(SourceFile::new(path.clone(), display_path(path), text));
        match result {
            Ok(p) => cli_var_files.push((id, p)),
            Err(e) => run.errors.push(RunError {
                kind: "parse-error",
                path: display_path(path),
                span: Some(Span::new(id, e.offset..e.offset)),
                message: format!("invalid variables file: {}", e.message),
                related: Vec::new(),
            }),
        }
    }
    let cli_tf_files: Vec<terraform::TfFile> = cli_var_files
        .iter()
        .filter_map(|(id, p)| tf_file(*id, p))
        .collect();
    let tf_options = terraform::TfOptions {
        var_files: &cli_tf_files,
        vars: &options.vars,
    };
    let cfn_options = cloudformation::CfnOptions {
        parameters: options.cfn_parameters.clone(),
        region: options.deploy_region.clone(),
    };
    let shared = Shared {
        known_rule: &known_rule,
        cfn_options: &cfn_options,
        tf_options: &tf_options,
    };

    // The work: Terraform files by directory (a module), every other file on its own.
    let mut by_dir: BTreeMap<PathBuf, Vec<(Candidate, FileId)>> = BTreeMap::new();
    let mut work: Vec<Work> = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        let id = FileId(i as u32);
        match c.kind {
            FileKind::CloudFormationCandidate => work.push(Work::File(c, id)),
            _ => {
                let dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
                by_dir.entry(dir).or_default().push((c, id));
            }
        }
    }
    let work: Vec<Work> = by_dir
        .into_iter()
        .map(|(dir, items)| Work::Dir(dir, items))
        .chain(work)
        .collect();
    let units_from_work = work.len();
    let outs: Vec<WorkOut> = work
        .into_par_iter()
        .enumerate()
        .map(|(i, w)| process(w, UnitId(i as u32), &shared))
        .collect();

    let mut dirs: Vec<TfDir> = Vec::new();
    let mut standalone: Vec<(UnitKind, Model, Vec<terraform::TfDiagnostic>)> = Vec::new();
    for out in outs {
        for l in out.files {
            run.absorb(l);
        }
        if let Some(d) = out.dir {
            dirs.push(d);
        }
        if let Some((kind, model)) = out.unit {
            standalone.push((kind, model, Vec::new()));
        }
    }

    let excluder = options.config.exclude_matcher();
    let excluded = |p: &Path| excluder.as_ref().is_some_and(|m| m.is_excluded(p));
    let mut units = terraform_units(dirs, &mut run, &excluded, &shared, units_from_work);
    units.extend(standalone);
    // Files checked: reported, read and part of the run (parsed or not).
    let files = run
        .sources
        .iter()
        .filter(|(id, _)| run.is_reported(*id))
        .count();

    attach_configuration_spans(&mut units, &run.sources);
    let mut module_problems = HashSet::new();
    let mut models = Vec::with_capacity(units.len());
    let mut warnings: Vec<String> = walk_warnings
        .iter()
        .map(|w| format!("{}: {}", display_path(&w.path), w.message))
        .collect();
    for (_, m, diagnostics) in units {
        models.push(m);
        for d in diagnostics {
            // A module called from several roots: its problem once.
            if !module_problems.insert((d.span, d.message.clone())) {
                continue;
            }
            if d.kind == terraform::TfDiagnosticKind::EvaluationLimit {
                // Findings may be missing, but what was found stands: a warning.
                let line = run
                    .sources
                    .get(d.span.file)
                    .map(|f| f.line_col(d.span.start).line)
                    .unwrap_or(0);
                let path = run.sources.display(d.span.file);
                warnings.push(format!("{path}:{line}: {}", d.message));
                continue;
            }
            run.errors.push(RunError {
                kind: "module-error",
                path: run.sources.display(d.span.file).to_string(),
                span: Some(d.span),
                message: d.message,
                // Reports show an error's labels in its own file.
                related: d
                    .related
                    .into_iter()
                    .filter(|(span, _)| span.file == d.span.file)
                    .map(|(span, message)| Label::new(span, message))
                    .collect(),
            });
        }
    }

    let mut model = Model::merge(models);
    // `Model::unit` looks units up by id (binary search).
    model.units.sort_by_key(|u| u.id);

    // The usage file is a source too, so its problems point at its lines.
    let mut usage = options.usage.clone();
    if let Some(u) = usage.as_mut() {
        let problems = u.parse();
        let id = run.add(SourceFile::new(
            u.path.clone(),
            display_path(&u.path),
            u.text.clone(),
        ));
        for p in problems {
            run.errors.push(RunError {
                kind: "usage-error",
                path: display_path(&u.path),
                span: Some(Span::new(id, p.span)),
                message: p.message,
                related: Vec::new(),
            });
        }
        let addresses = model.resource_addresses();
        for (name, entry) in u.unmatched(&addresses) {
            let file = run.sources.get(id);
            let line = file.map(|f| f.line_col(entry.span.start).line).unwrap_or(0);
            warnings.push(format!(
                "{}:{line}: usage for `{name}`, which is not among the checked resources",
                display_path(&u.path)
            ));
        }
    }
    let ctx = RuleContext {
        data,
        region: &options.region,
        prices: data.region(&options.region),
        config: &options.config,
        usage: usage.as_ref(),
        inventory: options.inventory.as_ref(),
        today: options.today,
        resource_regions: if options.deploy_region.is_some() {
            std::collections::HashMap::new()
        } else {
            model
                .resource_providers
                .iter()
                .filter_map(|(unit, address, alias)| {
                    let region = model
                        .provider_aliases
                        .iter()
                        .find(|(u, a, _)| u == unit && a == alias)?
                        .2
                        .known()?;
                    Some(((*unit, address.clone()), region.clone()))
                })
                .collect()
        },
        // A module's provider region prices its resources only when the run names none.
        unit_regions: if options.deploy_region.is_some() {
            std::collections::HashMap::new()
        } else {
            model
                .unit_regions
                .iter()
                .filter_map(|(unit, f)| f.known().map(|r| (*unit, r.clone())))
                .collect()
        },
    };
    let region_source = if options.deploy_region.is_some() {
        "given"
    } else if !ctx.unit_regions.is_empty() || !ctx.resource_regions.is_empty() {
        "provider"
    } else {
        "default"
    };
    // The rules read the model independently: run them in parallel, keep catalog order.
    let per_rule: Vec<Vec<Finding>> = rules::registry()
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            rule.check(&model, &ctx, &mut out);
            out
        })
        .collect();
    let findings: Vec<Finding> = per_rule.into_iter().flatten().collect();
    let Run {
        sources,
        reported,
        mut errors,
        suppressions,
    } = run;
    let outcome = postprocess::postprocess(
        findings,
        &mut errors,
        &postprocess::Inputs {
            sources: &sources,
            reported: &reported,
            suppressions: &suppressions,
            levels: postprocess::Levels {
                severity: &options.severity,
                config: &options.config,
                off_by_default: &postprocess::Levels::off_by_default,
            },
            paths: &options.paths,
            exclude: options.config.exclude_matcher(),
            baseline: options.baseline.as_ref(),
        },
    );

    Ok(CheckResult {
        sources,
        findings: outcome.findings,
        errors,
        files,
        resources: model.resource_count,
        region: options.region.clone(),
        model,
        suppressed: outcome.suppressed,
        baselined: outcome.baselined,
        fixed: outcome.fixed,
        baseline_scope: outcome.baseline_scope,
        warnings,
        region_source,
        fail_on: options
            .fail_on
            .or(options.config.fail_on)
            .unwrap_or_default(),
    })
}

/// A parsed Terraform file (either syntax) as the Terraform frontend takes it.
fn tf_file(file: FileId, parsed: &Parsed) -> Option<terraform::TfFile<'_>> {
    let source = match parsed {
        Parsed::Terraform(body) | Parsed::TfVars(body) => terraform::TfSource::Hcl(body),
        Parsed::TerraformJson(json) | Parsed::TfVarsJson(json) => terraform::TfSource::Json(json),
        _ => return None,
    };
    Some(terraform::TfFile {
        file,
        source,
        is_override: false,
    })
}

/// A plan file next to its configuration (the plan's directory is a Terraform root of the
/// run): its model objects point at the configuration's spans, with the plan's value as an
/// origin, so findings land where a person fixes them.
fn attach_configuration_spans(
    units: &mut [(UnitKind, Model, Vec<terraform::TfDiagnostic>)],
    sources: &SourceMap,
) {
    use crate::model::{without_instance_key, Field, ResourceRef};
    use std::collections::HashMap;
    for i in 0..units.len() {
        let UnitKind::Plan(file) = units[i].0 else {
            continue;
        };
        let Some(plan_dir) = sources.get(file).and_then(|f| f.path.parent()) else {
            continue;
        };
        let plan_dir = terraform::normalize_path(plan_dir);
        let config = units
            .iter()
            .position(|u| matches!(&u.0, UnitKind::Module(dir) if *dir == plan_dir));
        let Some(j) = config else {
            continue;
        };
        let cfg = units[j].1.clone();
        let mut resources: HashMap<&str, &ResourceRef> = HashMap::new();
        let mut refs = Vec::new();
        refs.extend(cfg.volumes.iter().map(|v| &v.resource));
        refs.extend(cfg.elastic_ips.iter().map(|e| &e.resource));
        refs.extend(cfg.launch_settings.iter().map(|l| &l.resource));
        refs.extend(cfg.ami_refs.iter().map(|a| &a.resource));
        refs.extend(cfg.ami_lookups.iter().map(|a| &a.resource));
        refs.extend(cfg.eip_associations.iter().map(|a| &a.declared_by));
        for r in refs {
            resources.entry(r.address.as_str()).or_insert(r);
        }
        let find = |address: &str| {
            resources
                .get(address)
                .or_else(|| resources.get(without_instance_key(address)))
                .copied()
        };
        let plan = &mut units[i].1;
        let retarget = |r: &mut ResourceRef| -> Option<crate::source::Span> {
            let c = find(&r.address)?;
            let planned = r.span;
            r.span = c.span;
            r.body_span = c.body_span;
            Some(planned)
        };
        fn move_field<T: PartialEq>(
            f: &mut Option<Field<T>>,
            to: Option<&Field<T>>,
            fallback: crate::source::Span,
            planned: crate::source::Span,
        ) {
            if let Some(f) = f {
                move_one(f, to, fallback, planned);
            }
        }
        fn move_one<T: PartialEq>(
            f: &mut Field<T>,
            to: Option<&Field<T>>,
            fallback: crate::source::Span,
            planned: crate::source::Span,
        ) {
            f.span = to.map_or(fallback, |t| t.span);
            // The configuration's origins explain the value only when it resolved to the
            // plan's value (a `-var` at plan time overrides the default it shows).
            f.via = to
                .filter(|t| t.value == f.value)
                .map(|t| t.via.clone())
                .unwrap_or_default();
            f.via.push(crate::model::Origin {
                span: planned,
                label: "value in the plan".to_string(),
                kind: crate::model::OriginKind::Plan,
            });
        }
        for v in &mut plan.volumes {
            let Some(planned) = retarget(&mut v.resource) else {
                continue;
            };
            let c = cfg.volumes.iter().find(|c| {
                (c.resource.address == v.resource.address
                    || c.resource.address == without_instance_key(&v.resource.address))
                    && c.device == v.device
            });
            let fallback = c.map_or(v.resource.span, |c| c.span);
            v.span = fallback;
            move_one(
                &mut v.volume_type,
                c.map(|c| &c.volume_type),
                if v.type_defaulted {
                    v.resource.span
                } else {
                    fallback
                },
                planned,
            );
            move_field(
                &mut v.size_gib,
                c.and_then(|c| c.size_gib.as_ref()),
                fallback,
                planned,
            );
            move_field(
                &mut v.iops,
                c.and_then(|c| c.iops.as_ref()),
                fallback,
                planned,
            );
            move_field(
                &mut v.throughput,
                c.and_then(|c| c.throughput.as_ref()),
                fallback,
                planned,
            );
            move_field(
                &mut v.encrypted,
                c.and_then(|c| c.encrypted.as_ref()),
                fallback,
                planned,
            );
        }
        for e in &mut plan.elastic_ips {
            if let Some(planned) = retarget(&mut e.resource) {
                let c = cfg
                    .elastic_ips
                    .iter()
                    .find(|c| c.resource.address == e.resource.address);
                move_field(
                    &mut e.domain,
                    c.and_then(|c| c.domain.as_ref()),
                    e.resource.span,
                    planned,
                );
            }
        }
        for a in &mut plan.eip_associations {
            if retarget(&mut a.declared_by).is_some() {
                a.span = a.declared_by.span;
            }
        }
        for a in &mut plan.ami_refs {
            if let Some(planned) = retarget(&mut a.resource) {
                let c = cfg.ami_refs.iter().find(|c| {
                    c.resource.address == without_instance_key(&a.resource.address)
                        || c.resource.address == a.resource.address
                });
                let fallback = a.resource.span;
                move_one(&mut a.image, c.map(|c| &c.image), fallback, planned);
            }
        }
        for l in &mut plan.launch_settings {
            if let Some(planned) = retarget(&mut l.resource) {
                let c = cfg.launch_settings.iter().find(|c| {
                    c.resource.address == l.resource.address
                        || c.resource.address == without_instance_key(&l.resource.address)
                });
                let fallback = l.resource.span;
                move_field(
                    &mut l.instance_type,
                    c.and_then(|c| c.instance_type.as_ref()),
                    fallback,
                    planned,
                );
                move_field(
                    &mut l.http_tokens,
                    c.and_then(|c| c.http_tokens.as_ref()),
                    fallback,
                    planned,
                );
                for f in &mut l.public_ip {
                    move_one(f, None, fallback, planned);
                }
            }
        }
        for l in &mut plan.ami_lookups {
            retarget(&mut l.resource);
        }
    }
}

/// The Terraform root modules of a run, normalized: the graph of local module calls, the
/// called directories the run did not include, and the roots (a directory normalized on its
/// own in the parallel stage keeps that model when it is a root).
fn terraform_units(
    mut dirs: Vec<TfDir>,
    run: &mut Run,
    excluded: &dyn Fn(&Path) -> bool,
    shared: &Shared,
    first_unit: usize,
) -> Vec<(UnitKind, Model, Vec<terraform::TfDiagnostic>)> {
    // Local modules: the graph of calls, the called directories the run did not include, and
    // the roots.
    let module_graph = resolve_module_calls(&mut dirs, run, excluded, shared);
    let called = module_graph.called();
    // A called directory normalized on its own in the parallel stage: parse it again (from
    // the text kept) for its callers.
    {
        let sources = &run.sources;
        dirs.par_iter_mut()
            .filter(|d| d.model.is_some() && called.contains(&d.dir))
            .for_each(|d| {
                d.model = None;
                d.trees = reparse(d, sources);
            });
    }
    let roots = module_roots(
        &module_graph,
        dirs.iter()
            .filter(|d| !d.files.is_empty())
            .map(|d| d.dir.clone())
            .collect(),
    );
    // A directory that another directory calls as a local module is normalized through its
    // calls only (with the caller's arguments), not on its own. The library: every directory
    // whose trees are kept, the called directories without a module file (empty modules; a
    // directory of variables files only is one), and other paths to them.
    let module = |name: String, dir: &PathBuf, files, complete| terraform::ModuleDir {
        name,
        files,
        complete,
        id: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()),
    };
    let mut library: terraform::ModuleLibrary = dirs
        .iter()
        .filter(|d| d.model.is_none() && d.has_module_file)
        .map(|d| {
            let files = d.files.iter().filter_map(|f| d.tf_file(*f)).collect();
            let entry = module(display_path(&d.path), &d.dir, files, d.complete);
            (d.dir.clone(), entry)
        })
        .collect();
    for dir in &module_graph.empty {
        library
            .entry(dir.clone())
            .or_insert_with(|| module(display_path(dir), dir, Vec::new(), true));
    }
    for (alias, real) in &module_graph.aliases {
        if let Some(d) = library.get(real) {
            let same = terraform::ModuleDir {
                name: display_path(alias),
                files: d.files.clone(),
                complete: d.complete,
                id: d.id.clone(),
            };
            library.insert(alias.clone(), same);
        }
    }
    let pending: Vec<(usize, &TfDir)> = dirs
        .iter()
        .filter(|d| d.model.is_none() && !d.files.is_empty() && roots.contains(&d.dir))
        .enumerate()
        .collect();
    let mut normalized: HashMap<PathBuf, (Model, Vec<terraform::TfDiagnostic>)> = pending
        .into_par_iter()
        .map(|(j, d)| {
            let unit = UnitId((first_unit + j) as u32);
            let model = normalize_dir(unit, d, shared.tf_options, &library);
            (d.dir.clone(), model)
        })
        .collect();
    drop(library);
    dirs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut units = Vec::new();
    for d in &mut dirs {
        if !roots.contains(&d.dir) {
            continue;
        }
        let model = d.model.take().or_else(|| normalized.remove(&d.dir));
        if let Some((model, diagnostics)) = model {
            units.push((UnitKind::Module(d.dir.clone()), model, diagnostics));
        }
    }
    units
}

/// Parses a directory's files again from the texts kept (for a directory normalized on its own
/// in the parallel stage that turns out to be called as a local module).
fn reparse(d: &TfDir, sources: &SourceMap) -> BTreeMap<FileId, Parsed> {
    let parsed: HashSet<FileId> = d.files.iter().chain(&d.tfvars).copied().collect();
    d.members
        .iter()
        .filter(|m| parsed.contains(&m.id))
        .filter_map(|m| {
            let text = &sources.get(m.id)?.text;
            let candidate = Candidate {
                path: m.path.clone(),
                kind: m.kind,
                reported: false,
            };
            Some((m.id, parse_text(&candidate, text, None)))
        })
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

/// Builds the graph of local module calls and loads the `.tf`/`.tf.json` files of the called
/// directories the run has not loaded, directory by directory (a called module's variables
/// files are not loaded: Terraform ignores them). A module loaded this way is reported when a
/// reported file calls it (and the config does not exclude it): findings inside a module
/// called from the linted code are the linted code's findings.
fn resolve_module_calls(
    dirs: &mut Vec<TfDir>,
    run: &mut Run,
    excluded: &dyn Fn(&Path) -> bool,
    shared: &Shared,
) -> ModuleGraph {
    let mut graph = ModuleGraph::default();
    let mut index: HashMap<PathBuf, usize> = dirs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.has_module_file)
        .map(|(i, d)| (d.dir.clone(), i))
        .collect();
    // Canonical path: the directory of the run; built on the first call to an unknown path.
    let mut canonical: Option<HashMap<PathBuf, PathBuf>> = None;
    let mut missing: HashSet<PathBuf> = HashSet::new();
    let mut next = 0;
    loop {
        let mut batch: Vec<(PathBuf, Vec<(PathBuf, FileKind)>)> = Vec::new();
        let mut batch_dirs: HashSet<PathBuf> = HashSet::new();
        while next < dirs.len() {
            let from = dirs[next].dir.clone();
            let targets: Vec<PathBuf> = dirs[next].calls.iter().map(|(t, _)| t.clone()).collect();
            next += 1;
            for target in targets {
                graph
                    .calls
                    .entry(from.clone())
                    .or_default()
                    .insert(target.clone());
                let target = graph.aliases.get(&target).cloned().unwrap_or(target);
                if index.contains_key(&target)
                    || missing.contains(&target)
                    || graph.empty.contains(&target)
                    || !batch_dirs.insert(target.clone())
                {
                    continue;
                }
                let real = std::fs::canonicalize(&target).ok();
                let canonical = canonical.get_or_insert_with(|| {
                    dirs.iter()
                        .filter(|d| d.has_module_file)
                        .filter_map(|d| Some((std::fs::canonicalize(&d.dir).ok()?, d.dir.clone())))
                        .collect()
                });
                if let Some(d) = real.as_ref().and_then(|c| canonical.get(c)) {
                    // Another path to a loaded directory: one module (cycles are found).
                    graph.aliases.insert(target.clone(), d.clone());
                    continue;
                }
                let Ok(files) = discover::dir_files(&target) else {
                    missing.insert(target);
                    continue;
                };
                if let Some(c) = real {
                    canonical.insert(c, target.clone());
                }
                let mut paths: Vec<(PathBuf, FileKind)> = files
                    .into_iter()
                    .filter(|(_, kind)| {
                        matches!(kind, FileKind::Terraform | FileKind::TerraformJson)
                    })
                    .collect();
                if paths.is_empty() {
                    graph.empty.insert(target);
                    continue;
                }
                paths.sort();
                batch.push((target, paths));
            }
        }
        if batch.is_empty() {
            break;
        }
        let count = batch.iter().map(|(_, p)| p.len()).sum();
        let first = run.reserve(count).0;
        let mut next_id = first;
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
                            reported: false,
                        };
                        (candidate, id)
                    })
                    .collect();
                (target, items)
            })
            .collect();
        let loaded: Vec<(PathBuf, Vec<Loaded>)> = batch
            .into_par_iter()
            .map(|(target, items)| {
                let files = items
                    .into_par_iter()
                    .map(|(c, id)| load(c, id, shared.known_rule))
                    .collect();
                (target, files)
            })
            .collect();
        for (target, mut files) in loaded {
            let d = tf_dir(target, &mut files, true);
            for l in files {
                run.absorb(l);
            }
            index.insert(d.dir.clone(), dirs.len());
            dirs.push(d);
        }
    }
    // Reported: the modules loaded on demand that a reported file calls, transitively.
    loop {
        let mut changed = false;
        for d in dirs.iter() {
            for (target, caller) in &d.calls {
                if !run.is_reported(*caller) {
                    continue;
                }
                let target = graph.aliases.get(target).unwrap_or(target);
                let Some(&j) = index.get(target) else {
                    continue;
                };
                let Some(called) = dirs.get(j).filter(|c| c.on_demand) else {
                    continue;
                };
                for m in &called.members {
                    if !run.is_reported(m.id) && !excluded(&m.path) {
                        if let Some(r) = run.reported.get_mut(m.id.0 as usize) {
                            *r = true;
                            changed = true;
                        }
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    graph
}

/// The directories normalized on their own: those no other directory of the run calls as a
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream of several documents with a template: the error is at the second document;
    /// the template is shown too when it is not that document.
    #[test]
    fn a_template_among_several_documents_is_located() {
        let located = |text: &str| match parse_template(text) {
            Parsed::Failed { range, related, .. } => (
                range.map(|r| text[r].to_string()),
                related
                    .into_iter()
                    .map(|(l, r)| (l, text[r].to_string()))
                    .collect::<Vec<_>>(),
            ),
            _ => panic!("an error for {text:?}"),
        };
        let first = "AWSTemplateFormatVersion: x\n---\nfoo: 1\n";
        assert_eq!(
            located(first),
            (
                Some("---".to_string()),
                vec![("the template".to_string(), "A".to_string())]
            )
        );
        let second = "foo: 1\n---\nAWSTemplateFormatVersion: x\n";
        assert_eq!(located(second), (Some("---".to_string()), Vec::new()));
        let third = "foo: 1\n---\nbar: 2\n---\nAWSTemplateFormatVersion: x\n";
        assert_eq!(
            located(third),
            (
                Some("---".to_string()),
                vec![("the template".to_string(), "-".to_string())]
            )
        );
        assert!(matches!(
            parse_template("foo: 1\n---\nbar: 2\n"),
            Parsed::Skipped
        ));
    }

    /// A file that disappears between discovery and reading (another process deleting it, a
    /// branch switch during a pre-commit run) is a located I/O error; the rest of its module is
    /// still read, but the module is incomplete: it may have held what attaches an EIP.
    #[test]
    fn a_file_that_disappears_during_the_run_is_an_error_and_the_rest_is_linted() {
        let dir = std::env::temp_dir().join(format!("infralint-vanish-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "net/eip.tf",
            "resource \"aws_eip\" \"nat\" {\n  domain = \"vpc\"\n}\n",
        );
        write(
            "net/assoc.tf",
            "resource \"aws_eip_association\" \"nat\" {\n  allocation_id = aws_eip.nat.id\n  instance_id   = \"i-0123456789abcdef0\"\n}\n",
        );
        write(
            "other/eip.tf",
            "resource \"aws_eip\" \"idle\" {\n  domain = \"vpc\"\n}\n",
        );
        write(
            "cfn/template.yaml",
            "Resources:\n  Idle:\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: vpc\n",
        );
        let options = CheckOptions {
            paths: vec![dir.clone()],
            ..CheckOptions::default()
        };
        let (candidates, errors) = discover::discover(&options.paths);
        assert_eq!(candidates.len(), 4);
        std::fs::remove_file(dir.join("net/assoc.tf")).unwrap();
        std::fs::remove_file(dir.join("cfn/template.yaml")).unwrap();
        let result = check_discovered(&options, candidates, errors).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();

        let mut problems: Vec<(&str, &str, &str)> = result
            .errors
            .iter()
            .map(|e| {
                (
                    e.kind,
                    e.path.rsplit('/').next().unwrap_or(""),
                    e.message.as_str(),
                )
            })
            .collect();
        problems.sort();
        assert_eq!(
            problems,
            vec![
                (
                    "io-error",
                    "assoc.tf",
                    "cannot read file: no such file or directory"
                ),
                (
                    "io-error",
                    "template.yaml",
                    "cannot read file: no such file or directory"
                ),
            ]
        );
        // `net` lost the file that associates its EIP: no finding there (it would be a false
        // positive); `other` is linted as usual.
        let findings: Vec<(&str, String)> = result
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule,
                    result.sources.display(f.primary.span.file).to_string(),
                )
            })
            .collect();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].0, "eip-unattached");
        assert!(findings[0].1.ends_with("other/eip.tf"), "{findings:?}");
        assert_eq!(result.exit_code(), 2);
        // The two files read are counted as checked.
        assert_eq!(result.files, 2);
    }
}
