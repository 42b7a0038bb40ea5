//! `infralint diff --base REV [--head REV] [PATHS]`: the findings and the monthly cost a
//! change adds and removes.
//!
//! - [`git`]: the repository, revisions, and a revision's files exported to a temporary
//!   directory (read-only: the working tree, the index and `HEAD` are never touched);
//! - [`run`]: both versions linted the same way, findings located from the repository root;
//! - [`identity`]: the fingerprints findings are matched by (no lines, no caller chain);
//! - [`compare`]: new, fixed, unchanged, and the cost delta;
//! - reports in `crate::report::diff`.

pub mod compare;
pub mod git;
pub mod identity;
pub mod run;

use std::path::PathBuf;

use clap::ValueEnum;

pub use compare::{Comparison, CostDelta, DiffFinding};
pub use run::{DiffOutcome, Version};

use crate::cli::InputArgs;
use crate::config::FailOn;
use crate::report::diff::{github, human, json, markdown, sarif};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The git revision to compare with (a branch, a tag, a commit: `origin/main`, `HEAD`).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The git revision to compare (default: the working tree, as it is on disk).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Write the report to FILE instead of standard output (atomically; never over an input).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity of a NEW finding that makes the exit code 1 (default: the config's
    /// `fail_on`, else warning).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Markdown: what links to files start with, e.g.
    /// `https://github.com/OWNER/REPO/blob/SHA/` (default: links relative to the comment).
    #[arg(long, value_name = "URL", default_value = "")]
    pub link_prefix: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// New and fixed findings listed, unchanged ones counted, the monthly delta.
    Human,
    /// `new`, `fixed`, `unchanged`, `monthly_cost_delta_usd` (version 1).
    Json,
    /// A pull-request comment: headline with the monthly delta, tables, bounded size.
    Markdown,
    /// GitHub Actions annotations for the new findings only.
    Github,
    /// SARIF 2.1.0, each result with its `baselineState` (new, unchanged, absent).
    Sarif,
}

/// `infralint diff`: 0 when no new finding reaches `--fail-on`, 1 when one does, 2 when the
/// comparison could not be made (outside git, an unknown revision, a file that could not be
/// checked in the head).
pub fn command(args: DiffArgs) -> i32 {
    let output = args.output.clone();
    let guard = |result: &crate::engine::CheckResult| match &output {
        Some(path) => crate::output_guard::refuse_read(path, "--output", &result.sources),
        None => Ok(()),
    };
    let outcome = match run::diff(
        &args.input,
        &args.base,
        args.head.as_deref(),
        args.fail_on,
        guard,
    ) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    for w in &outcome.head.warnings {
        eprintln!("warning: {w}");
    }
    for e in &outcome.base.errors {
        eprintln!(
            "warning: in {}: {e} (its findings are missing from the base)",
            outcome.base.label
        );
    }
    for e in &outcome.head.errors {
        eprintln!("error: {e}");
    }
    let text = match args.format {
        DiffFormat::Human => human::render(&outcome),
        DiffFormat::Json => json::render(&outcome),
        DiffFormat::Markdown => markdown::render(
            &outcome,
            &markdown::MarkdownOptions {
                link_prefix: args.link_prefix.clone(),
            },
        ),
        DiffFormat::Github => github::render(&outcome),
        DiffFormat::Sarif => sarif::render(&outcome),
    };
    let code = if !outcome.head.errors.is_empty() {
        2
    } else {
        match outcome.fail_on.threshold() {
            Some(t) if outcome.comparison.new.iter().any(|f| f.severity >= t) => 1,
            _ => 0,
        }
    };
    match &output {
        Some(path) => match crate::atomic_write::write_atomically(path, text.as_bytes()) {
            Ok(()) => code,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                2
            }
        },
        None => crate::cli::print_or_fail(&text, code),
    }
}
