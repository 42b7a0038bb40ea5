//! One run: discover, read and parse in parallel, normalize per unit, run the rules.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::aws_data::AwsData;
use crate::baseline::{Baseline, BaselineEntry};
use crate::config::{Config, FailOn, Level};
use crate::discover::{self, Candidate, FileKind};
use crate::finding::{Finding, Label, Severity};
use crate::inventory::Inventory;
use crate::model::{Model, UnitId};
use crate::parse::{cloudformation, plan, terraform, yaml};
use crate::rules::{self, RuleContext};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::suppress::{self, Comment, FileSuppressions};
use crate::usage::Usage;

/// Region whose prices are used when none is configured.
pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Region whose prices are used.
    pub region: String,
    /// `.infralint.toml` (or the default configuration).
    pub config: Config,
    /// `--severity RULE=LEVEL`: wins over the config file.
    pub severity: Vec<(String, Level)>,
    /// `--fail-on`: wins over the config file.
    pub fail_on: Option<FailOn>,
    /// `--baseline FILE`, loaded.
    pub baseline: Option<Baseline>,
    /// `--usage FILE` (or the config's `usage`), read but not yet parsed.
    pub usage: Option<Usage>,
    /// `--ami-inventory FILE` (or the config's `ami_inventory`).
    pub inventory: Option<Inventory>,
    /// Today in days since the epoch (`--now`, else the clock).
    pub today: i64,
    /// `--var-file FILE`, in command-line order.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in command-line order.
    pub vars: Vec<(String, String)>,
    /// The region the user named (`--region` or the config), which makes CloudFormation's
    /// `AWS::Region` known; `None` when `region` is only the pricing default.
    pub deploy_region: Option<String>,
    /// CloudFormation parameter values (`--parameter`, `--parameter-file`).
    pub cfn_parameters: BTreeMap<String, String>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            paths: vec![PathBuf::from(".")],
            region: DEFAULT_REGION.to_string(),
            config: Config::default(),
            severity: Vec::new(),
            fail_on: None,
            baseline: None,
            usage: None,
            inventory: None,
            today: crate::inventory::today(),
            var_files: Vec::new(),
            vars: Vec::new(),
            deploy_region: None,
            cfn_parameters: BTreeMap::new(),
        }
    }
}

/// Something that stopped a file (or a path) from being checked.
#[derive(Debug, Clone)]
pub struct RunError {
    /// What went wrong: `parse-error`, `io-error`, `module-error`, `usage-error`.
    pub kind: &'static str,
    /// The file or path, as displayed.
    pub path: String,
    /// Where in the file, when the file could be read.
    pub span: Option<Span>,
    pub message: String,
    pub related: Vec<Label>,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct CheckResult {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    pub errors: Vec<RunError>,
    /// Terraform and CloudFormation files checked (parsed or not).
    pub files: usize,
    pub resources: usize,
    pub region: String,
    pub model: Model,
    /// Findings silenced by an `infralint:ignore` comment or metadata (`--show-suppressed`).
    pub suppressed: Vec<Finding>,
    /// Findings already in the baseline.
    pub baselined: Vec<Finding>,
    /// Baseline entries no longer found.
    pub fixed: Vec<BaselineEntry>,
    /// Problems that do not fail the run (a usage entry for a resource not checked).
    pub warnings: Vec<String>,
    /// Where the pricing region came from: `--region or config`, `provider`, `default`.
    pub region_source: &'static str,
    pub fail_on: FailOn,
}

impl CheckResult {
    /// Estimated monthly waste or saving over all findings whose cost is known.
    pub fn monthly_cost_usd(&self) -> f64 {
        self.findings
            .iter()
            .filter_map(|f| f.monthly_cost_usd)
            .sum()
    }

    /// Estimated monthly cost per rule (rules with a known cost only), largest first.
    pub fn monthly_cost_by_rule(&self) -> Vec<(&'static str, f64)> {
        let mut by: BTreeMap<&'static str, f64> = BTreeMap::new();
        for f in &self.findings {
            if let Some(c) = f.monthly_cost_usd {
                *by.entry(f.rule).or_default() += c;
            }
        }
        let mut v: Vec<_> = by.into_iter().filter(|(_, c)| *c > 0.0).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// Estimated monthly cost per file, largest first.
    pub fn monthly_cost_by_file(&self) -> Vec<(&str, f64)> {
        let mut by: BTreeMap<&str, f64> = BTreeMap::new();
        for f in &self.findings {
            if let Some(c) = f.monthly_cost_usd {
                *by.entry(self.sources.display(f.primary.span.file))
                    .or_default() += c;
            }
        }
        let mut v: Vec<_> = by.into_iter().filter(|(_, c)| *c > 0.0).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// 0: clean; 1: a finding at or above the `--fail-on` threshold; 2: the run failed
    /// somewhere.
    pub fn exit_code(&self) -> i32 {
        if !self.errors.is_empty() {
            return 2;
        }
        match self.fail_on.threshold() {
            Some(t) if self.findings.iter().any(|f| f.severity >= t) => 1,
            _ => 0,
        }
    }
}

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

struct Loaded {
    candidate: Candidate,
    display: String,
    text: Option<String>,
    parsed: Parsed,
    /// Comments and resource ranges, for suppressions.
    comments: Vec<Comment>,
    scopes: Vec<std::ops::Range<usize>>,
}

/// The path as shown to users: relative to the current directory when below it, `/`
/// separators, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = match (&cwd, path.is_absolute()) {
        (Some(cwd), true) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else if rel.is_absolute() {
        format!("/{}", parts[1..].join("/"))
    } else {
        parts.join("/")
    }
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

fn load(candidate: Candidate) -> Loaded {
    let display = display_path(&candidate.path);
    let bytes = match std::fs::read(&candidate.path) {
        Ok(b) => b,
        Err(e) => {
            return Loaded {
                candidate,
                display,
                text: None,
                parsed: Parsed::Failed {
                    message: format!("cannot read file: {}", discover::io_message(&e)),
                    range: None,
                    related: Vec::new(),
                },
                comments: Vec::new(),
                scopes: Vec::new(),
            }
        }
    };
    let (text, utf8_error) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
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
        && plan::is_plan(&text);
    let parsed = match candidate.kind {
        _ if is_plan && utf8_error.is_none() => match plan::parse(&text) {
            Ok(json) => Parsed::Plan(json),
            Err((message, range)) => failed(message, range.start.min(text.len())),
        },
        FileKind::CloudFormationCandidate
            if !is_plan && !cloudformation::looks_like_template(&text) =>
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
            None => {
                // hcl-edit does not accept a byte-order mark: parse a same-length copy.
                let result = match text.strip_prefix('\u{feff}') {
                    Some(rest) => terraform::parse(&format!("   {rest}")),
                    None => terraform::parse(&text),
                };
                match result {
                    Ok(body) if candidate.kind == FileKind::Terraform => Parsed::Terraform(body),
                    Ok(body) => Parsed::TfVars(body),
                    Err(e) => failed(
                        format!("invalid HCL: {}", e.message),
                        e.offset.min(text.len()),
                    ),
                }
            }
        },
        FileKind::TerraformJson | FileKind::TfVarsJson => match terraform::parse_json(&text) {
            Ok(json) if candidate.kind == FileKind::TerraformJson => Parsed::TerraformJson(json),
            Ok(json) => Parsed::TfVarsJson(json),
            Err(e) => failed(
                format!("invalid JSON: {}", e.message),
                e.offset.min(text.len()),
            ),
        },
        FileKind::CloudFormationCandidate => match yaml::parse(&text) {
            Ok(doc) if cloudformation::is_template(&doc.root) => Parsed::Template(doc),
            Ok(_) => Parsed::Skipped,
            // A YAML file that does not parse is reported only if it clearly is a template:
            // a Helm chart or a CI file that merely mentions `AWS::` is not our business.
            Err(_) if !clearly_a_template(&text) => Parsed::Skipped,
            Err(e) => Parsed::Failed {
                message: e.message,
                range: Some(e.span),
                related: e.related,
            },
        },
    };
    let (comments, scopes) = match &parsed {
        Parsed::Terraform(body) => (suppress::hcl_comments(&text), suppress::hcl_scopes(body)),
        Parsed::Template(doc) => (suppress::yaml_comments(doc), suppress::yaml_scopes(doc)),
        _ => (Vec::new(), Vec::new()),
    };
    Loaded {
        candidate,
        display,
        text: Some(text),
        parsed,
        comments,
        scopes,
    }
}

enum UnitSource {
    Module {
        name: String,
        /// The directory, normalized (see `terraform::normalize_path`).
        dir: PathBuf,
        files: Vec<FileId>,
        tfvars: Vec<FileId>,
        complete: bool,
    },
    Template {
        name: String,
        file: FileId,
    },
    /// A plan JSON file.
    Plan {
        name: String,
        file: FileId,
    },
}

/// Runs a whole check.
pub fn check(options: &CheckOptions) -> Result<CheckResult, String> {
    let data = &options.config.pricing.apply(AwsData::embedded()?)?;
    let (mut candidates, discover_errors) = discover::discover(&options.paths);
    if let Some(matcher) = options.config.exclude_matcher() {
        candidates.retain(|c| !matcher.is_excluded(&c.path));
    }
    let known_rule = |id: &str| rules::find(id).is_some();

    let mut loaded: Vec<Loaded> = candidates.into_par_iter().map(load).collect();
    // The directories of local modules the loaded files call, when the run did not include
    // them (reported when a reported file calls them).
    let excluder = options.config.exclude_matcher();
    let module_graph = load_called_modules(&mut loaded, &|p: &Path| {
        excluder.as_ref().is_some_and(|m| m.is_excluded(p))
    });

    let mut sources = SourceMap::default();
    let mut errors: Vec<RunError> = discover_errors
        .into_iter()
        .map(|e| RunError {
            kind: "io-error",
            path: display_path(&e.path),
            span: None,
            message: e.message,
            related: Vec::new(),
        })
        .collect();
    let mut parsed: Vec<(FileId, Parsed)> = Vec::new();
    let mut reported: Vec<bool> = Vec::new();
    let mut files = 0;
    let mut modules: BTreeMap<PathBuf, (Vec<FileId>, Vec<FileId>, bool)> = BTreeMap::new();
    let mut templates = Vec::new();
    let mut plans = Vec::new();
    let mut suppressions = FileSuppressions::default();

    for l in loaded {
        if matches!(l.parsed, Parsed::Skipped) {
            continue;
        }
        let Some(text) = l.text else {
            // Unreadable: no source to point into.
            if let Parsed::Failed { message, .. } = l.parsed {
                errors.push(RunError {
                    kind: "io-error",
                    path: l.display,
                    span: None,
                    message,
                    related: Vec::new(),
                });
            }
            continue;
        };
        if l.candidate.reported {
            files += 1;
        }
        let id = sources.add(SourceFile::new(
            l.candidate.path.clone(),
            l.display.clone(),
            text,
        ));
        reported.push(l.candidate.reported);
        if let Some(file) = sources.get(id) {
            suppress::from_comments(
                id,
                &file.text,
                &l.comments,
                &l.scopes,
                &known_rule,
                &mut suppressions,
            );
            if let Parsed::Template(doc) = &l.parsed {
                suppress::from_cfn_metadata(
                    id,
                    file.text.len(),
                    doc,
                    &known_rule,
                    &mut suppressions,
                );
            }
        }
        let dir = l
            .candidate
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        match &l.parsed {
            Parsed::Terraform(_) | Parsed::TerraformJson(_) => {
                modules.entry(dir).or_default().0.push(id)
            }
            Parsed::TfVars(_) | Parsed::TfVarsJson(_) => modules.entry(dir).or_default().1.push(id),
            Parsed::Template(_) => templates.push((l.display.clone(), id)),
            Parsed::Plan(_) => plans.push((l.display.clone(), id)),
            Parsed::Failed {
                message,
                range,
                related,
            } => {
                if l.candidate.kind != FileKind::CloudFormationCandidate {
                    modules.entry(dir).or_default().2 = true;
                }
                errors.push(RunError {
                    kind: "parse-error",
                    path: l.display.clone(),
                    span: range.clone().map(|r| Span::new(id, r)),
                    message: message.clone(),
                    related: related
                        .iter()
                        .map(|(m, r)| Label::new(Span::new(id, r.clone()), m.clone()))
                        .collect(),
                });
            }
            Parsed::Skipped => {}
        }
        parsed.push((id, l.parsed));
    }

    let mut units = Vec::new();
    // A directory that another directory calls as a local module is normalized through its
    // calls only (with the caller's arguments), not on its own.
    let roots = module_roots(
        &module_graph,
        modules
            .iter()
            .filter(|(_, (tf, _, _))| !tf.is_empty())
            .map(|(dir, _)| terraform::normalize_path(dir))
            .collect(),
    );
    let mut module_dirs: Vec<(PathBuf, String, Vec<FileId>, bool)> = Vec::new();
    for (dir, (mut tf, mut tfvars, failed)) in modules {
        let normalized = terraform::normalize_path(&dir);
        tf.sort_by(|a, b| sources.display(*a).cmp(sources.display(*b)));
        module_dirs.push((normalized.clone(), display_path(&dir), tf.clone(), !failed));
        if tf.is_empty() || !roots.contains(&normalized) {
            continue;
        }
        // Terraform loads terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars and
        // *.auto.tfvars.json together, in lexical order of their names.
        tfvars.sort_by_key(|id| {
            let name = sources
                .get(*id)
                .and_then(|f| f.path.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rank = match name.to_ascii_lowercase().as_str() {
                "terraform.tfvars" => 0,
                "terraform.tfvars.json" => 1,
                _ => 2,
            };
            (rank, name)
        });
        units.push(UnitSource::Module {
            name: display_path(&dir),
            dir: normalized,
            files: tf,
            tfvars,
            complete: !failed,
        });
    }
    for (name, file) in templates {
        units.push(UnitSource::Template { name, file });
    }
    for (name, file) in plans {
        units.push(UnitSource::Plan { name, file });
    }

    // --var-file: parsed once, registered as sources (not reported) so origins point into them.
    let mut cli_var_files: Vec<(FileId, Parsed)> = Vec::new();
    for path in &options.var_files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {}", display_path(path), discover::io_message(&e)))?;
        let is_json = path
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".json");
        let result = if is_json {
            terraform::parse_json(&text).map(Parsed::TfVarsJson)
        } else {
            terraform::parse(&text).map(Parsed::TfVars)
        };
        let id = sources.add(SourceFile::new(path.clone(), display_path(path), text));
        reported.push(false);
        match result {
            Ok(p) => cli_var_files.push((id, p)),
            Err(e) => errors.push(RunError {
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

    let by_id: Vec<&Parsed> = {
        let mut v: Vec<Option<&Parsed>> = vec![None; sources.len()];
        for (id, p) in &parsed {
            if let Some(slot) = v.get_mut(id.0 as usize) {
                *slot = Some(p);
            }
        }
        v.into_iter()
            .map(|p| p.unwrap_or(&Parsed::Skipped))
            .collect()
    };

    let cfn_options = cloudformation::CfnOptions {
        parameters: options.cfn_parameters.clone(),
        region: options.deploy_region.clone(),
    };
    // Every Terraform directory of the run, for the local modules roots call.
    let mut library: terraform::ModuleLibrary = module_dirs
        .iter()
        .map(|(dir, name, files, complete)| {
            let files = files
                .iter()
                .filter_map(|f| by_id.get(f.0 as usize).and_then(|p| tf_file(*f, p)))
                .collect();
            let dir_files = terraform::ModuleDir {
                name: name.clone(),
                files,
                complete: *complete,
                id: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()),
            };
            (dir.clone(), dir_files)
        })
        .collect();
    for dir in &module_graph.empty {
        library.entry(dir.clone()).or_insert(terraform::ModuleDir {
            name: display_path(dir),
            files: Vec::new(),
            complete: true,
            id: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()),
        });
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
    let models: Vec<(Model, Vec<terraform::TfDiagnostic>)> = units
        .par_iter()
        .enumerate()
        .map(|(i, unit)| {
            let id = UnitId(i as u32);
            normalize_unit(id, unit, &by_id, &cfn_options, &tf_options, &library)
        })
        .collect();
    let mut models = models;
    attach_configuration_spans(&mut models, &units, &sources);
    let mut model = Model::default();
    let mut module_problems = HashSet::new();
    for (m, diagnostics) in models {
        model.extend(m);
        for d in diagnostics {
            // A module called from several roots: its problem once.
            if !module_problems.insert((d.span, d.message.clone())) {
                continue;
            }
            errors.push(RunError {
                kind: "module-error",
                path: sources.display(d.span.file).to_string(),
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

    // The usage file is a source too, so its problems point at its lines.
    let mut usage = options.usage.clone();
    let mut usage_warnings = Vec::new();
    if let Some(u) = usage.as_mut() {
        let problems = u.parse();
        let id = sources.add(SourceFile::new(
            u.path.clone(),
            display_path(&u.path),
            u.text.clone(),
        ));
        reported.push(false);
        for p in problems {
            errors.push(RunError {
                kind: "usage-error",
                path: display_path(&u.path),
                span: Some(Span::new(id, p.span)),
                message: p.message,
                related: Vec::new(),
            });
        }
        let addresses = model.resource_addresses();
        for (name, entry) in u.unmatched(&addresses) {
            let file = sources.get(id);
            let line = file.map(|f| f.line_col(entry.span.start).line).unwrap_or(0);
            usage_warnings.push(format!(
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
    let mut findings = Vec::new();
    for rule in rules::registry() {
        rule.check(&model, &ctx, &mut findings);
    }
    let is_reported = |file: FileId| reported.get(file.0 as usize).copied().unwrap_or(false);
    findings.retain(|f| is_reported(f.primary.span.file));
    // A module called by several roots reports the same finding at the same place once.
    let mut seen_findings = HashSet::new();
    findings.retain(|f| {
        seen_findings.insert((
            f.rule,
            f.primary.span,
            f.resource.clone(),
            f.message.clone(),
        ))
    });

    let level_of = |rule: &str| -> Option<Level> {
        options
            .severity
            .iter()
            .rev()
            .find(|(id, _)| id == rule)
            .map(|(_, l)| *l)
            .or_else(|| options.config.level(rule))
            .or_else(|| {
                // An off-by-default rule stays off unless configured.
                rules::find(rule)
                    .filter(|r| !r.meta().enabled_by_default)
                    .map(|_| Level::Off)
            })
    };
    let apply_levels = |findings: &mut Vec<Finding>| {
        findings.retain_mut(|f| match level_of(f.rule) {
            Some(level) => match level.severity() {
                Some(s) => {
                    f.severity = s;
                    true
                }
                None => false,
            },
            None => true,
        });
    };
    apply_levels(&mut findings);

    // Suppressions: silence what they cover, then report the unused and the invalid ones.
    let mut used = vec![false; suppressions.suppressions.len()];
    let mut suppressed = Vec::new();
    let mut kept = Vec::new();
    for f in findings {
        let hit = suppressions
            .suppressions
            .iter()
            .position(|s| s.covers(f.rule, f.primary.span));
        match hit {
            Some(i) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                suppressed.push(f);
            }
            None => kept.push(f),
        }
    }
    let mut findings = kept;
    let mut meta = Vec::new();
    for (s, used) in suppressions.suppressions.iter().zip(&used) {
        let rules_enabled = s.rules.iter().any(|r| level_of(r) != Some(Level::Off));
        if !used && rules_enabled && is_reported(s.span.file) {
            meta.push(rules::unused_suppression::finding(s.span, &s.rules));
        }
    }
    for p in &suppressions.problems {
        if is_reported(p.span.file) {
            meta.push(rules::invalid_suppression::finding(
                p.span,
                p.message.clone(),
            ));
        }
    }
    apply_levels(&mut meta);
    findings.extend(meta);

    let (mut findings, baselined, fixed) = match &options.baseline {
        Some(b) => b.apply(findings, &sources),
        None => (findings, Vec::new(), Vec::new()),
    };
    let order = |a: &Finding, b: &Finding| {
        (
            sources.display(a.primary.span.file),
            a.primary.span.start,
            a.rule,
        )
            .cmp(&(
                sources.display(b.primary.span.file),
                b.primary.span.start,
                b.rule,
            ))
    };
    findings.sort_by(order);
    suppressed.sort_by(order);
    errors.sort_by(|a, b| {
        (&a.path, a.span.map(|s| s.start)).cmp(&(&b.path, b.span.map(|s| s.start)))
    });

    Ok(CheckResult {
        sources,
        findings,
        errors,
        files,
        resources: model.resource_count,
        region: options.region.clone(),
        model,
        suppressed,
        baselined,
        fixed,
        warnings: usage_warnings,
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
    Some(terraform::TfFile { file, source })
}

/// A plan file next to its configuration (the plan's directory is a Terraform root of the
/// run): its model objects point at the configuration's spans, with the plan's value as an
/// origin, so findings land where a person fixes them.
fn attach_configuration_spans(
    models: &mut [(Model, Vec<terraform::TfDiagnostic>)],
    units: &[UnitSource],
    sources: &SourceMap,
) {
    use crate::model::{without_instance_key, Field, ResourceRef};
    use std::collections::HashMap;
    for (i, unit) in units.iter().enumerate() {
        let UnitSource::Plan { file, .. } = unit else {
            continue;
        };
        let Some(plan_dir) = sources.get(*file).and_then(|f| f.path.parent()) else {
            continue;
        };
        let plan_dir = terraform::normalize_path(plan_dir);
        let config = units.iter().position(|u| {
            matches!(u, UnitSource::Module { dir, .. } if terraform::normalize_path(dir) == plan_dir)
        });
        let Some(j) = config else {
            continue;
        };
        let cfg = models[j].0.clone();
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
        let plan = &mut models[i].0;
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

fn normalize_unit(
    id: UnitId,
    unit: &UnitSource,
    parsed: &[&Parsed],
    cfn_options: &cloudformation::CfnOptions,
    tf_options: &terraform::TfOptions,
    library: &terraform::ModuleLibrary,
) -> (Model, Vec<terraform::TfDiagnostic>) {
    let get = |f: &FileId| parsed.get(f.0 as usize).copied();
    match unit {
        UnitSource::Module {
            name,
            dir,
            files,
            tfvars,
            complete,
        } => {
            let module_files: Vec<terraform::TfFile> = files
                .iter()
                .filter_map(|f| get(f).and_then(|p| tf_file(*f, p)))
                .collect();
            let var_files: Vec<terraform::TfFile> = tfvars
                .iter()
                .filter_map(|f| get(f).and_then(|p| tf_file(*f, p)))
                .collect();
            let root = terraform::ModuleRoot { dir, library };
            terraform::normalize_module_tree(
                id,
                name,
                &module_files,
                &var_files,
                *complete,
                tf_options,
                Some(root),
            )
        }
        UnitSource::Template { name, file } => match get(file) {
            Some(Parsed::Template(doc)) => (
                cloudformation::normalize(id, *file, name, doc, cfn_options),
                Vec::new(),
            ),
            _ => (Model::default(), Vec::new()),
        },
        UnitSource::Plan { name, file } => match get(file) {
            Some(Parsed::Plan(json)) => (plan::normalize_parsed(id, *file, name, json), Vec::new()),
            _ => (Model::default(), Vec::new()),
        },
    }
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

/// Loads the `.tf`/`.tf.json` files of the local modules that `loaded` calls, directory by
/// directory, when the run has not loaded them; a called module's variables files are not
/// loaded (Terraform ignores them). Its files are reported when a reported file calls it (and
/// the config does not exclude them): findings inside a module called from the linted code are
/// the linted code's findings.
fn load_called_modules(loaded: &mut Vec<Loaded>, excluded: &dyn Fn(&Path) -> bool) -> ModuleGraph {
    let mut graph = ModuleGraph::default();
    // Directory: the indices of its Terraform files in `loaded`.
    let mut dirs: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    let mut on_demand: HashSet<PathBuf> = HashSet::new();
    let mut missing: HashSet<PathBuf> = HashSet::new();
    // Canonical path: the loaded directory.
    let mut canonical: HashMap<PathBuf, PathBuf> = HashMap::new();
    // Per loaded file: the directories it calls.
    let mut targets: Vec<Vec<PathBuf>> = Vec::new();
    loop {
        for l in &loaded[targets.len()..] {
            let index = targets.len();
            let mut calls = Vec::new();
            if matches!(
                l.candidate.kind,
                FileKind::Terraform | FileKind::TerraformJson
            ) {
                let dir =
                    terraform::normalize_path(l.candidate.path.parent().unwrap_or(Path::new("")));
                if !dirs.contains_key(&dir) {
                    if let Ok(c) = std::fs::canonicalize(&dir) {
                        canonical.entry(c).or_insert_with(|| dir.clone());
                    }
                }
                dirs.entry(dir.clone()).or_default().push(index);
                if let Some(file) = tf_file(FileId(0), &l.parsed) {
                    for call in terraform::local_module_calls(&[file]) {
                        let target = terraform::module_dir(&dir, &call.source);
                        graph
                            .calls
                            .entry(dir.clone())
                            .or_default()
                            .insert(target.clone());
                        calls.push(target);
                    }
                }
            }
            targets.push(calls);
        }
        let mut batch: Vec<Candidate> = Vec::new();
        let mut batch_dirs: HashSet<PathBuf> = HashSet::new();
        let mut changed = false;
        for (i, calls) in targets.iter().enumerate() {
            let reported = loaded[i].candidate.reported;
            for target in calls {
                let target = graph.aliases.get(target).unwrap_or(target).clone();
                let target = &target;
                if let Some(files) = dirs.get(target) {
                    if reported && on_demand.contains(target) {
                        for &j in files {
                            let c = &mut loaded[j].candidate;
                            if !c.reported && !excluded(&c.path) {
                                c.reported = true;
                                changed = true;
                            }
                        }
                    }
                    continue;
                }
                if missing.contains(target)
                    || graph.empty.contains(target)
                    || !batch_dirs.insert(target.clone())
                {
                    continue;
                }
                let real = std::fs::canonicalize(target).ok();
                if let Some(d) = real.as_ref().and_then(|c| canonical.get(c)) {
                    // Another path to a loaded directory: one module (cycles are found).
                    graph.aliases.insert(target.clone(), d.clone());
                    changed = true;
                    continue;
                }
                let Ok(entries) = std::fs::read_dir(target) else {
                    missing.insert(target.clone());
                    continue;
                };
                if let Some(c) = real {
                    canonical.insert(c, target.clone());
                }
                let mut paths: Vec<(PathBuf, FileKind)> = entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter_map(|e| {
                        let path = e.path();
                        match discover::classify(&path)? {
                            kind @ (FileKind::Terraform | FileKind::TerraformJson) => {
                                Some((path, kind))
                            }
                            _ => None,
                        }
                    })
                    .collect();
                if paths.is_empty() {
                    graph.empty.insert(target.clone());
                    continue;
                }
                paths.sort();
                on_demand.insert(target.clone());
                for (path, kind) in paths {
                    let reported = reported && !excluded(&path);
                    batch.push(Candidate {
                        path,
                        kind,
                        reported,
                    });
                }
            }
        }
        if batch.is_empty() && !changed {
            return graph;
        }
        let more: Vec<Loaded> = batch.into_par_iter().map(load).collect();
        loaded.extend(more);
    }
}

/// The directories normalized on their own: those no other directory of the run calls as a
/// local module, and, for directories only reachable through a cycle, the first of them.
fn module_roots(graph: &ModuleGraph, dirs: BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    let resolve = |t: &PathBuf| graph.aliases.get(t).unwrap_or(t).clone();
    let called: BTreeSet<PathBuf> = graph
        .calls
        .iter()
        .flat_map(|(from, to)| to.iter().map(resolve).filter(move |t| t != from))
        .collect();
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
                stack.extend(graph.calls.get(&d).into_iter().flatten().map(resolve));
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
