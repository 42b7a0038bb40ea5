//! Command-line interface: `check`, `rules`, `explain`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::{self, CheckOptions};
use crate::report::{human, json};
use crate::rules;

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
    /// List every rule: id, default severity, category, summary.
    Rules(RulesArgs),
    /// Show a rule's documentation.
    Explain {
        /// A rule id, e.g. eip-unattached.
        rule: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Directories and files to check.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// AWS region whose prices are used for cost estimates.
    #[arg(long, default_value = engine::DEFAULT_REGION)]
    pub region: String,
    /// When to use colours (NO_COLOR is respected in auto mode).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the CLI and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules(args) => {
            print(&rules_catalog(args.format));
            0
        }
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => {
                print(r.meta().doc);
                0
            }
            None => {
                let ids: Vec<&str> = rules::registry().iter().map(|r| r.meta().id).collect();
                eprintln!(
                    "error: unknown rule `{rule}`; known rules: {}",
                    ids.join(", ")
                );
                2
            }
        },
    }
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn check(args: CheckArgs) -> i32 {
    let options = CheckOptions {
        paths: args.paths,
        region: args.region,
    };
    let result = match engine::check(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if result.region != engine::DEFAULT_REGION
        && crate::aws_data::AwsData::embedded()
            .map(|d| d.region(&result.region).is_none())
            .unwrap_or(true)
    {
        eprintln!(
            "warning: no price table for region `{}`: costs are reported as unknown",
            result.region
        );
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let text = match args.format {
        Format::Human => human::render(
            &result,
            human::HumanOptions {
                color,
                ..Default::default()
            },
        ),
        Format::Json => json::render(&result),
    };
    print(&text);
    result.exit_code()
}

/// The rule catalog in the requested format.
pub fn rules_catalog(format: RulesFormat) -> String {
    let rules = rules::registry();
    match format {
        RulesFormat::Text => {
            let mut out = String::new();
            for r in rules {
                let m = r.meta();
                out.push_str(&format!(
                    "{:<22} {:<8} {:<12} {}\n",
                    m.id,
                    m.default_severity.as_str(),
                    m.category.as_str(),
                    m.summary
                ));
            }
            out
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "id": m.id,
                        "severity": m.default_severity.as_str(),
                        "category": m.category.as_str(),
                        "summary": m.summary,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Markdown => {
            let mut out = String::from(
                "| id | default severity | category | summary |\n|---|---|---|---|\n",
            );
            for r in rules {
                let m = r.meta();
                out.push_str(&format!(
                    "| [`{}`](rules/{}.md) | {} | {} | {} |\n",
                    m.id,
                    m.id,
                    m.default_severity.as_str(),
                    m.category.as_str(),
                    m.summary
                ));
            }
            out
        }
    }
}
