//! One run: discover, load, resolve (the frontends), adapt, run the rules, postprocess.
//!
//! Orchestration only: the order of the stages, their parallelism, and the run's options.
//! What a file is and how files make units is the parse layer's business ([`crate::parse`]);
//! what findings survive is [`postprocess`]'s.

use foldhash::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::aws_data::AwsData;
use crate::discover::{self, Candidate};
pub use crate::display::display_path;
use crate::finding::{Finding, Label};
use crate::model::Model;
use crate::parse::{self, Diagnostic, DiagnosticKind, Parsed, UnitOut};
use crate::rules::{self, RuleContext};
use crate::source::{FileId, SourceFile, Span};
use crate::usage::Usage;

mod attribution;
mod file_configs;
mod fleet;
mod load;
mod options;
mod postprocess;
mod result;

pub use options::{CheckOptions, DEFAULT_REGION};
pub use result::{CheckResult, RunError};

use load::{Run, RunLoader};

/// Runs a whole check.
pub fn check(options: &CheckOptions) -> Result<CheckResult, String> {
    let (candidates, discover_errors) = discover::discover(&options.paths, &options.walk_options());
    check_discovered(options, candidates, discover_errors)
}

/// The configuration files met so far that did not load: the run stops (exit 2).
fn config_errors(options: &CheckOptions) -> Result<(), String> {
    let errors: Vec<String> = options
        .configs
        .errors()
        .iter()
        .map(ToString::to_string)
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\nerror: "))
    }
}

/// Runs a check on files already discovered (a file may have gone, or changed, since).
fn check_discovered(
    options: &CheckOptions,
    mut candidates: Vec<Candidate>,
    discover_errors: Vec<discover::DiscoverError>,
) -> Result<CheckResult, String> {
    let data = &options.config.pricing.apply(AwsData::embedded()?)?;
    let excluder = options.exclude_matcher();
    if let Some(matcher) = &excluder {
        candidates.retain(|c| !matcher.is_excluded(&c.path));
    }
    config_errors(options)?;
    let known_rule = |id: &str| rules::find(id).is_some();
    let excluded = |p: &Path| excluder.as_ref().is_some_and(|m| m.is_excluded(p));

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
    // Every candidate gets its id up front, so that files are parsed and resolved in one
    // parallel pass.
    run.reserve(candidates.len());
    let var_files = read_var_files(options, &mut run)?;
    let candidates: Vec<(Candidate, FileId)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (c, FileId(i as u32)))
        .collect();

    let mut loader = RunLoader {
        run,
        known_rule: &known_rule,
        excluded: &excluded,
    };
    let units = parse::resolve_units(
        candidates,
        &mut loader,
        &parse::Settings {
            var_files: &var_files,
            vars: &options.vars,
            parameters: &options.cfn_parameters,
            region: options.deploy_region.as_deref(),
            wanted: crate::model::adapt::wanted,
            adapt: &crate::model::adapt::adapt,
        },
    );
    let mut run = loader.run;
    // `--var` for a variable no root module declares stops the run, as in Terraform.
    let undeclared = parse::undeclared_cli_vars(units.iter().map(|u| &u.resolved), &options.vars);
    if !undeclared.is_empty() {
        return Err(undeclared.join("\nerror: "));
    }
    // Files checked: reported, read and part of the run (parsed or not).
    let files = run
        .sources
        .iter()
        .filter(|(id, _)| run.is_reported(*id))
        .count();

    let mut warnings: Vec<String> = walk_warnings
        .iter()
        .map(|w| format!("{}: {}", display_path(&w.path), w.message))
        .collect();
    let module_calls = postprocess::module_calls(&units);
    let model = adapt(units, &mut run, &mut warnings);
    let usage = read_usage(options, &model, &mut run, &mut warnings);
    let file_configs = file_configs::FileConfigs::new(&options.configs, &run.sources);
    config_errors(options)?;
    warnings.extend(file_configs.per_run_warnings(&options.config));
    let mut findings: Vec<Finding> = Vec::new();
    let mut region_source = "default";
    for (group, governing) in file_configs.groups.iter().enumerate() {
        let (ctx, source) = rule_context(options, &governing.config, data, &model, usage.as_ref());
        region_source = source;
        // The rules read the model independently: run them in parallel, keep catalog order.
        let per_rule: Vec<Vec<Finding>> = rules::registry()
            .par_iter()
            .map(|rule| {
                let mut out = Vec::new();
                rule.check(&model, &ctx, &mut out);
                out
            })
            .collect();
        let mut judged: Vec<Finding> = per_rule.into_iter().flatten().collect();
        attribution::attribute(&mut judged, &model, &ctx, &run.sources);
        if file_configs.groups.len() > 1 {
            // Each finding as the configuration of its own file judges it.
            judged.retain(|f| file_configs.group_of(f.primary.span.file) == group);
        }
        findings.extend(judged);
    }
    let reported = run.reported();
    let Run {
        sources,
        mut errors,
        suppressions,
        ..
    } = run;
    let outcome = postprocess::postprocess(
        findings,
        &mut errors,
        &postprocess::Inputs {
            sources: &sources,
            reported: &reported,
            suppressions: &suppressions,
            module_calls: &module_calls,
            levels: postprocess::Levels {
                severity: &options.severity,
                config: &|file| file_configs.config(file),
                off_by_default: &postprocess::Levels::off_by_default,
            },
            paths: &options.paths,
            exclude: excluder.clone(),
            baseline: options.baseline.as_ref(),
        },
    );
    let nothing_to_check = (files == 0 && errors.is_empty()).then(|| nothing_to_check(options));
    Ok(CheckResult {
        sources,
        findings: outcome.findings,
        errors,
        files,
        resources: model.resource_count,
        region: options.region.clone(),
        model,
        suppressed: outcome.suppressed,
        silenced: outcome.silenced,
        baselined: outcome.baselined,
        fixed: outcome.fixed,
        baseline_scope: outcome.baseline_scope,
        warnings,
        region_source,
        fail_on: options
            .fail_on
            .or(options.config.fail_on)
            .unwrap_or_default(),
        nothing_to_check,
    })
}

/// "no Terraform or CloudFormation files under PATH", and how many candidates the ignore
/// files skipped (walked again without them: only on this path, where nothing was found).
fn nothing_to_check(options: &CheckOptions) -> String {
    let paths: Vec<String> = options.paths.iter().map(|p| display_path(p)).collect();
    let paths = paths
        .iter()
        .map(|p| if p.is_empty() { "." } else { p.as_str() })
        .collect::<Vec<_>>()
        .join(", ");
    let mut message = format!("no Terraform or CloudFormation files under {paths}");
    if !options.no_ignore {
        let walk = discover::WalkOptions {
            ignore_files: false,
            ..options.walk_options()
        };
        let (all, _) = discover::discover(&options.paths, &walk);
        let excluded = options.exclude_matcher();
        let ignored = all
            .iter()
            .filter(|c| c.scope.is_reported())
            .filter(|c| !excluded.as_ref().is_some_and(|m| m.is_excluded(&c.path)))
            .count();
        if ignored > 0 {
            let (count, verb, them) = if ignored == 1 {
                ("1 file".to_string(), "is", "it")
            } else {
                (format!("{ignored} files"), "are", "them")
            };
            message.push_str(&format!(
                " ({count} {verb} ignored by an ignore file or in node_modules or .terragrunt-cache; --no-ignore checks {them})"
            ));
        }
    }
    message
}

/// `--var-file`: read and parsed once, registered as sources (not reported) so origins point
/// into them.
fn read_var_files(options: &CheckOptions, run: &mut Run) -> Result<Vec<(FileId, Parsed)>, String> {
    let mut var_files = Vec::new();
    for path in &options.var_files {
        let text = crate::option_file::read(path, crate::option_file::OptionFile::VarFile)
            .map_err(|e| format!("{}: {}", display_path(path), e.message))?;
        let parsed = parse::parse_var_file(path, &text);
        let id = run.add(SourceFile::new(path.clone(), display_path(path), text));
        match parsed {
            Parsed::Failed { .. } => run.parse_error(id, display_path(path), parsed),
            p => var_files.push((id, p)),
        }
    }
    Ok(var_files)
}

/// The adapters: each resolved unit into the model, in parallel; the frontends' problems
/// become errors, or warnings when they only mean that findings may be missing.
fn adapt(units: Vec<UnitOut<Model>>, run: &mut Run, warnings: &mut Vec<String>) -> Model {
    // Most units were adapted where they were resolved; the others here, each unit's
    // resources dropped on the worker that adapted them (dropping them all afterwards, on
    // one thread, was a measurable serial step).
    let (models, diagnostics): (Vec<Model>, Vec<Vec<Diagnostic>>) = units
        .into_par_iter()
        .map(|u| {
            let model = match u.adapted {
                Some(model) => model,
                None => crate::model::adapt::adapt(&u.resolved),
            };
            (model, u.diagnostics)
        })
        .unzip();
    let mut module_problems = HashSet::default();
    for d in diagnostics.into_iter().flatten() {
        // A module called from several roots: its problem once.
        if !module_problems.insert((d.span, d.message.clone())) {
            continue;
        }
        if d.kind == DiagnosticKind::EvaluationLimit {
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
    let mut model = Model::merge(models);
    // `Model::unit` looks units up by id (binary search).
    model.units.sort_by_key(|u| u.id);
    model
}

/// The usage file (`--usage`, or the config's), parsed; a source too, so its problems point
/// at its lines. An entry for a resource not checked is a warning.
fn read_usage(
    options: &CheckOptions,
    model: &Model,
    run: &mut Run,
    warnings: &mut Vec<String>,
) -> Option<Usage> {
    let mut usage = options.usage.clone()?;
    let problems = usage.parse();
    let id = run.add(SourceFile::new(
        usage.path.clone(),
        display_path(&usage.path),
        usage.text.clone(),
    ));
    for p in problems {
        run.errors.push(RunError {
            kind: "usage-error",
            path: display_path(&usage.path),
            span: Some(Span::new(id, p.span)),
            message: p.message,
            related: Vec::new(),
        });
    }
    let addresses = model.resource_addresses();
    for (name, entry) in usage.unmatched(&addresses) {
        let file = run.sources.get(id);
        let line = file.map(|f| f.line_col(entry.span.start).line).unwrap_or(0);
        warnings.push(format!(
            "{}:{line}: usage for `{name}`, which is not among the checked resources",
            display_path(&usage.path)
        ));
    }
    Some(usage)
}

/// What the rules read besides the model: prices, a configuration (rule options,
/// `[account]`), usage, the AMI inventory, and the regions of units and resources (from their
/// providers, when the run names no region). Also says where the pricing region came from.
fn rule_context<'a>(
    options: &'a CheckOptions,
    config: &'a crate::config::Config,
    data: &'a AwsData,
    model: &Model,
    usage: Option<&'a Usage>,
) -> (RuleContext<'a>, &'static str) {
    let ctx = RuleContext {
        data,
        region: &options.region,
        region_given: options.deploy_region.is_some(),
        prices: data.region(&options.region),
        config,
        usage,
        inventory: options.inventory.as_ref(),
        today: options.today,
        resource_regions: if options.deploy_region.is_some() {
            HashMap::default()
        } else {
            let mut by_unit: HashMap<_, HashMap<String, String>> = HashMap::default();
            for (unit, address, alias) in &model.resource_providers {
                let region = model
                    .provider_aliases
                    .iter()
                    .find(|(u, a, _)| u == unit && a == alias)
                    .and_then(|(_, _, region)| region.known());
                if let Some(region) = region {
                    by_unit
                        .entry(*unit)
                        .or_default()
                        .insert(address.clone(), region.clone());
                }
            }
            by_unit
        },
        // A module's provider region prices its resources only when the run names none.
        unit_regions: if options.deploy_region.is_some() {
            HashMap::default()
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
    (ctx, region_source)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let (candidates, errors) = discover::discover(&options.paths, &options.walk_options());
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
