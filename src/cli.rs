//! Command-line interface: `check`, `diff`, `rules`, `explain`.

mod baseline;
mod fix;
mod pricing;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::baseline::Baseline;
use crate::config::{Config, ConfigTree, FailOn, Level};
use crate::engine::{self, CheckOptions};
use crate::option_file::OptionFile;
use crate::output_guard::{self, Inputs};
use crate::report::{checkstyle, compact, github, human, json, junit, markdown, sarif};
use crate::rules::{self, RuleMeta};
use baseline::baseline;
use fix::{fix_apply, fix_diff};
use pricing::pricing;

#[derive(Debug, Parser)]
#[command(
    name = "infralint",
    version,
    about = "A fast cost-and-compliance linter for EC2, EBS and Elastic IPs in Terraform and CloudFormation"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Terraform modules and CloudFormation templates.
    Check(CheckArgs),
    /// Compare the findings and their monthly cost with a git revision: new, fixed, unchanged.
    Diff(crate::diff::DiffArgs),
    /// Record today's findings in a baseline file; `check --baseline` then reports only new ones.
    Baseline(BaselineArgs),
    /// List every rule: id, default severity, category, summary.
    Rules(RulesArgs),
    /// Print the price table in use (after `[pricing]` overrides), with its sources.
    Pricing {
        /// Region to print (default: the config's `region`, else us-east-1).
        #[arg(long)]
        region: Option<String>,
        /// Configuration file (default: the nearest .infralint.toml above the current directory).
        #[arg(long, short = 'c', value_name = "FILE")]
        config: Option<PathBuf>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = PricingFormat::Text)]
        format: PricingFormat,
    },
    /// Show a rule's documentation (without a rule: list the rules).
    Explain {
        /// A rule id, e.g. eip-unattached.
        rule: Option<String>,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Options shared by `check`, `baseline` and `diff`: what to check and how.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Directories and files to check.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// AWS region whose prices are used (default: the config's `region`, else us-east-1).
    #[arg(long)]
    pub region: Option<String>,
    /// Configuration file for every checked file (default: each file's nearest
    /// .infralint.toml; the one nearest to the current directory for fail_on, region,
    /// pricing, usage and ami_inventory).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the run's own configuration is looked for (`diff`: the current directory in the
    /// exported revision); `None`: the current directory.
    #[arg(skip)]
    pub config_root: Option<PathBuf>,
    /// CloudFormation parameter value, Name=Value (repeatable; wins over --parameter-file).
    #[arg(long = "parameter", value_name = "NAME=VALUE", value_parser = crate::parse::cloudformation::params::parse_parameter_arg)]
    pub parameters: Vec<(String, String)>,
    /// CloudFormation parameter file: `[{"ParameterKey":..,"ParameterValue":..}]` or `{"Parameters": {..}}` (repeatable).
    #[arg(long = "parameter-file", value_name = "FILE")]
    pub parameter_files: Vec<PathBuf>,
    /// Skip paths that do not exist instead of failing (pre-commit passes deleted files).
    #[arg(long)]
    pub ignore_missing: bool,
    /// Usage data (YAML): monthly EIP remaps, expected volume IOPS (default: the config's `usage`).
    #[arg(long, value_name = "FILE")]
    pub usage: Option<PathBuf>,
    /// AMI inventory: the JSON of `aws ec2 describe-images` (default: the config's `ami_inventory`).
    #[arg(long, value_name = "FILE")]
    pub ami_inventory: Option<PathBuf>,
    /// Terraform variables file (`.tfvars` or `.tfvars.json`), as `terraform plan -var-file` (repeatable; later wins)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Terraform variable, as `terraform plan -var` (repeatable; later wins, over --var-file)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Today's date, YYYY-MM-DD, for AMI ages (default: the clock).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub now: Option<i64>,
    /// Override a rule's severity: RULE=error|warning|info|off (repeatable).
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = parse_severity)]
    pub severity: Vec<(String, Level)>,
    /// Skip paths matching GLOB, relative to the current directory (repeatable; added to the
    /// config's `exclude`). Excluded directories are not walked.
    #[arg(long = "exclude", value_name = "GLOB", value_parser = parse_glob)]
    pub exclude: Vec<String>,
    /// Walk everything: do not skip what .gitignore, .ignore, .infralintignore and the global
    /// git excludes ignore, nor node_modules and .terragrunt-cache.
    #[arg(long)]
    pub no_ignore: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (case-insensitive).
    #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of standard output (atomically; never over an input).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 (default: the config's `fail_on`, else warning).
    #[arg(long, value_enum, ignore_case = true)]
    pub fail_on: Option<FailOn>,
    /// When to use colours (NO_COLOR is respected in auto mode).
    #[arg(long, value_enum, ignore_case = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Human format: print the findings only, without the summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also list the findings silenced by suppressions, marked as such, in every format
    /// (SARIF always carries them).
    #[arg(long)]
    pub show_suppressed: bool,
    /// SARIF: the directory locations are relative to (`%SRCROOT%`; default: the git root
    /// above the current directory, else the current directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Report and fail only on findings not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: rewrite the baseline with today's findings (entries for files outside
    /// the checked paths are kept).
    #[arg(long, requires = "baseline")]
    pub baseline_update: bool,
    /// Apply the safe fixes (in-place changes that keep every resource), then report what
    /// remains.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// With --fix or --diff: also apply the unsafe fixes (they replace a resource or change
    /// behaviour).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the unified diff of what --fix would change, write nothing; exit 1 when there is
    /// something to fix.
    #[arg(long, conflicts_with_all = ["baseline_update", "output"])]
    pub diff: bool,
}

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The baseline file to write (atomically; never over an input).
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = ".infralint-baseline.json"
    )]
    pub output: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format (case-insensitive).
    #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich diagnostics for people.
    Human,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Compact,
    /// The stable machine format (version 1).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// Checkstyle XML.
    Checkstyle,
    /// A Markdown summary (for `$GITHUB_STEP_SUMMARY`): totals, findings, monthly cost by rule.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PricingFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_date(arg: &str) -> Result<i64, String> {
    if arg.len() != 10 {
        return Err(format!("expected YYYY-MM-DD, got `{arg}`"));
    }
    crate::inventory::days_since_epoch(arg)
        .ok_or_else(|| format!("expected YYYY-MM-DD, got `{arg}`"))
}

fn parse_glob(arg: &str) -> Result<String, String> {
    globset::Glob::new(arg)
        .map(|_| arg.to_string())
        .map_err(|e| format!("invalid glob `{arg}`: {e}"))
}

fn parse_severity(arg: &str) -> Result<(String, Level), String> {
    let (rule, level) = arg
        .split_once('=')
        .ok_or_else(|| format!("expected RULE=LEVEL, got `{arg}`"))?;
    if rules::find(rule).is_none() {
        return Err(format!(
            "unknown rule `{rule}`{} (`infralint rules` lists them)",
            rules::did_you_mean(rule)
        ));
    }
    let level = Level::parse(level)
        .ok_or_else(|| format!("unknown level `{level}`: use error, warning, info or off"))?;
    Ok((rule.to_string(), level))
}

/// Runs the CLI and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Diff(args) => crate::diff::command(args),
        Command::Baseline(args) => baseline(args),
        Command::Rules(args) => print_or_fail(&rules_catalog(args.format), 0),
        Command::Pricing {
            region,
            config,
            format,
        } => pricing(region, config, format),
        Command::Explain { rule: None } => print_or_fail(&rules_catalog(RulesFormat::Text), 0),
        Command::Explain { rule: Some(rule) } => match rules::find(&rule) {
            Some(r) => print_or_fail(r.meta().doc, 0),
            None => {
                eprintln!(
                    "error: unknown rule `{rule}`{} (`infralint explain` with no argument lists them)",
                    rules::did_you_mean(&rule)
                );
                2
            }
        },
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "infralint", &mut out);
            print_or_fail(&String::from_utf8_lossy(&out), 0)
        }
    }
}

/// Writes `text` to standard output. Every failure is an error, a closed pipe included: a
/// reader that closes the pipe before the end (`| head`, or a consumer that crashed: infralint
/// cannot tell them apart) did not get the whole output, and a CI step must not pass on a
/// report nobody received. Short outputs fit in the pipe's buffer and never see a closed
/// pipe; `-o FILE` then `head FILE` reads part of a long report without the error.
fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => "cannot write to standard output: the reader closed the pipe before the end of the output".to_string(),
            _ => format!(
                "cannot write to standard output: {}",
                crate::discover::io_message(&e)
            ),
        })
}

/// [`print`], then `code`, or 2 with the error on standard error.
pub(crate) fn print_or_fail(text: &str, code: i32) -> i32 {
    match print(text) {
        Ok(()) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// Writes an output file atomically (see `atomic_write`).
fn write_output(path: &Path, text: &str) -> Result<(), String> {
    crate::atomic_write::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Builds the engine options (config discovery, region precedence, overrides) and lists the
/// files they read, which no output may overwrite.
pub(crate) fn options(input: InputArgs) -> Result<(CheckOptions, Inputs), String> {
    let mut inputs = Inputs::new(&input.paths);
    let (config, configs) = run_configs(&input)?;
    for path in &config.files {
        inputs.add("the configuration file", path);
    }
    let deploy_region = input.region.or_else(|| config.region.clone());
    let region = deploy_region
        .clone()
        .unwrap_or_else(|| engine::DEFAULT_REGION.to_string());
    let mut cfn_parameters = std::collections::BTreeMap::new();
    for file in &input.parameter_files {
        inputs.add("the parameter file", file);
        let text = crate::option_file::read_or_message(file, OptionFile::ParameterFile)?;
        let values = crate::parse::cloudformation::params::parse_parameter_file(&text)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        cfn_parameters.extend(values);
    }
    cfn_parameters.extend(input.parameters);
    let paths = if input.ignore_missing {
        input
            .paths
            .into_iter()
            .filter(|p| p.symlink_metadata().is_ok())
            .collect()
    } else {
        input.paths
    };
    let usage = match input.usage.or_else(|| config.usage.clone()) {
        Some(path) => {
            inputs.add("the usage file", &path);
            Some(crate::usage::Usage::load(&path)?)
        }
        None => None,
    };
    let inventory = match input.ami_inventory.or_else(|| config.ami_inventory.clone()) {
        Some(path) => {
            inputs.add("the AMI inventory", &path);
            Some(crate::inventory::Inventory::load(&path)?)
        }
        None => None,
    };
    for file in &input.var_files {
        inputs.add("the variables file", file);
    }
    let defaults = CheckOptions::default();
    let options = CheckOptions {
        paths,
        region,
        config,
        configs,
        severity: input.severity,
        usage,
        inventory,
        today: input.now.unwrap_or(defaults.today),
        var_files: input.var_files,
        vars: input.vars,
        deploy_region,
        cfn_parameters,
        exclude: input.exclude,
        no_ignore: input.no_ignore,
        ..defaults
    };
    Ok((options, inputs))
}

/// The run's configuration (the per-run keys, [`crate::config::PER_RUN_KEYS`]) and each
/// file's: `--config` for both, else the nearest `.infralint.toml` to the current directory
/// (to `InputArgs::config_root` in `diff`) for the run and the nearest to each file for the
/// file, as ruff does. The configurations of the named paths are read now, so that an error
/// in one stops the run before the walk.
fn run_configs(input: &InputArgs) -> Result<(Config, std::sync::Arc<ConfigTree>), String> {
    if let Some(path) = &input.config {
        let config = Config::load(path, &rules::Catalog).map_err(|e| e.to_string())?;
        let tree = ConfigTree::fixed(config.clone(), &rules::Catalog);
        return Ok((config, std::sync::Arc::new(tree)));
    }
    let tree = ConfigTree::discovering(&rules::Catalog);
    let root = input.config_root.clone().unwrap_or_default();
    let config = tree.for_dir(&root).config.clone();
    for path in &input.paths {
        if path.is_dir() {
            tree.for_dir(path);
        } else {
            tree.for_file(path);
        }
    }
    if let Some(e) = tree.errors().first() {
        return Err(e.to_string());
    }
    Ok((config, std::sync::Arc::new(tree)))
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

fn region_warning(region: &str) {
    if crate::aws_data::AwsData::embedded()
        .map(|d| d.region(region).is_none())
        .unwrap_or(true)
    {
        eprintln!("warning: no price table for region `{region}`: costs are reported as unknown");
    }
}

fn check(args: CheckArgs) -> i32 {
    let (mut options, mut inputs) = match options(args.input) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    options.fail_on = args.fail_on;
    // What this run writes, refused before the lint when it is one of the inputs. The
    // baseline is an input of the report, and the output of --baseline-update (the one
    // output that is also read).
    let baseline_output = args.baseline.as_deref().filter(|_| args.baseline_update);
    let mut outputs: Vec<(&Path, &str)> = Vec::new();
    if let Some(path) = baseline_output {
        outputs.push((path, "--baseline-update"));
        if let Err(e) = inputs.refuse(path, "--baseline-update") {
            eprintln!("error: {e}");
            return 2;
        }
    }
    if let Some(path) = &args.baseline {
        inputs.add("the baseline", path);
    }
    if let Some(path) = &args.output {
        outputs.push((path, "--output"));
        if let Err(e) = inputs.refuse(path, "--output") {
            eprintln!("error: {e}");
            return 2;
        }
    }
    if let Some(path) = &args.baseline {
        if !args.baseline_update || path.exists() {
            match Baseline::load(path) {
                Ok(b) => options.baseline = Some(b),
                Err(e) => {
                    eprintln!("error: {e}");
                    return 2;
                }
            }
        }
    }
    region_warning(&options.region);
    if args.diff {
        return fix_diff(&options, args.unsafe_fixes);
    }
    let mut fix_failed = false;
    let result = if args.fix {
        match fix_apply(&options, args.unsafe_fixes) {
            Ok((r, failed)) => {
                fix_failed = failed;
                r
            }
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    } else {
        match engine::check(&options) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    };
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(message) = result.nothing_to_check.as_ref() {
        // The human summary says it; machine formats keep standard output for the report.
        if args.format != Format::Human {
            eprintln!("warning: {message}");
        }
    }
    // The last line of defence, before anything is written: no output is a file the run
    // read (a template in a checked directory, a module loaded on demand, a configuration
    // file met during the walk).
    let mut configs = Inputs::new(&[]);
    for path in options.configs.files() {
        configs.add("the configuration file", &path);
    }
    for (path, option) in &outputs {
        if let Err(e) = configs.refuse(path, option) {
            eprintln!("error: {e}");
            return 2;
        }
        if let Err(e) = output_guard::refuse_read(path, option, &result.sources) {
            eprintln!("error: {e}");
            return 2;
        }
    }
    if let Some(path) = baseline_output {
        let all = result.findings.iter().chain(&result.baselined);
        let b = match &options.baseline {
            Some(old) => old.updated(all, &result.sources, &result.baseline_scope),
            None => Baseline::from_findings(all, &result.sources),
        };
        if let Err(e) = write_output(path, &b.to_json()) {
            eprintln!("error: {e}");
            return 2;
        }
        eprintln!(
            "baseline {} updated: {} findings",
            path.display(),
            b.findings.len()
        );
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let report_options = crate::report::ReportOptions {
        show_suppressed: args.show_suppressed,
    };
    let text = match args.format {
        Format::Human => human::render(
            &result,
            human::HumanOptions {
                color,
                quiet: args.quiet,
                show_suppressed: args.show_suppressed,
                ..Default::default()
            },
        ),
        Format::Compact => compact::render_with(&result, report_options),
        Format::Json => json::render_with(&result, report_options),
        Format::Sarif => sarif::render_rooted(&result, &sarif::source_root(args.root.as_deref())),
        Format::Junit => junit::render_with(&result, report_options),
        Format::Github => github::render_with(&result, report_options),
        Format::Checkstyle => checkstyle::render_with(&result, report_options),
        Format::Markdown => markdown::render_with(&result, report_options),
    };
    // `--baseline-update` just recorded today's findings: they are not new any more.
    let code = if fix_failed {
        2
    } else if baseline_output.is_some() && result.errors.is_empty() {
        0
    } else {
        result.exit_code()
    };
    // Freeing a large run's model and sources is serial work the process exit makes moot:
    // hand it to a thread while the report is written (a caller that keeps running still gets
    // the memory back).
    std::thread::spawn(move || drop(result));
    match &args.output {
        Some(path) => match write_output(path, &text) {
            Ok(()) => code,
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        },
        None => print_or_fail(&text, code),
    }
}

/// The rule catalog in the requested format, grouped by category.
pub fn rules_catalog(format: RulesFormat) -> String {
    let mut rules: Vec<&'static RuleMeta> = rules::registry().iter().map(|r| r.meta()).collect();
    // Stable: registry order within a category.
    rules.sort_by_key(|m| m.category);
    let on = |m: &RuleMeta| if m.enabled_by_default { "yes" } else { "no" };
    // The text lists says only what differs from the rule: most are on by default.
    let off = |m: &RuleMeta| {
        if m.enabled_by_default {
            ""
        } else {
            " (off by default)"
        }
    };
    match format {
        RulesFormat::Text => {
            let mut out = String::new();
            let mut current = None;
            for m in &rules {
                if current != Some(m.category) {
                    out.push_str(&format!(
                        "{}{}:\n",
                        if current.is_some() { "\n" } else { "" },
                        m.category.as_str()
                    ));
                    current = Some(m.category);
                }
                out.push_str(&format!(
                    "  {:<26} {:<8} {}{}\n",
                    m.id,
                    m.default_severity.as_str(),
                    m.summary,
                    off(m)
                ));
            }
            out
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "id": m.id,
                        "severity": m.default_severity.as_str(),
                        "category": m.category.as_str(),
                        "enabled_by_default": m.enabled_by_default,
                        "applies_to": m.applies_to.as_str(),
                        "summary": m.summary,
                        "options": m.options.iter().map(|o| o.name).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Markdown => {
            let mut out = String::from(
                "| id | category | default severity | on by default | applies to | summary |\n|---|---|---|---|---|---|\n",
            );
            for m in &rules {
                out.push_str(&format!(
                    "| [`{}`](rules/{}.md) | {} | {} | {} | {} | {} |\n",
                    m.id,
                    m.id,
                    m.category.as_str(),
                    m.default_severity.as_str(),
                    on(m),
                    m.applies_to.as_str(),
                    m.summary.replace('|', "\\|")
                ));
            }
            out
        }
    }
}
