//! Generates a realistic, deterministic Terraform + CloudFormation corpus for benchmarks,
//! comparisons with other linters and fuzz seeds.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --tf 5000 --cfn 1000 [--seed N] OUT
//! ```
//!
//! `--tf N` writes about N `.tf` files (modules of 3-4 files plus a terraform.tfvars),
//! `--cfn N` exactly N templates (YAML and JSON). The same seed gives the same bytes, and
//! the corpus for N is a prefix of the corpus for 10N. The generator itself lives in
//! `benches/support/corpus_gen.rs`, shared with the benchmarks.

#[path = "../benches/support/corpus_gen.rs"]
mod corpus_gen;

use std::path::PathBuf;
use std::process::ExitCode;

use corpus_gen::{CorpusOptions, DEFAULT_SEED};

const USAGE: &str = "usage: gen-corpus [--tf N] [--cfn N] [--seed N] OUT";

fn parse_number(flag: &str, value: Option<String>) -> Result<u64, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    let digits = value.replace('_', "");
    let parsed = match digits.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => digits.parse(),
    };
    parsed.map_err(|_| format!("{flag}: not a number: {value}"))
}

fn parse_args() -> Result<(CorpusOptions, PathBuf), String> {
    let mut opts = CorpusOptions {
        tf_files: 5000,
        cfn_templates: 1000,
        seed: DEFAULT_SEED,
    };
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tf" => opts.tf_files = parse_number("--tf", args.next())? as usize,
            "--cfn" => opts.cfn_templates = parse_number("--cfn", args.next())? as usize,
            "--seed" => opts.seed = parse_number("--seed", args.next())?,
            a if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
            a => {
                if out.replace(PathBuf::from(a)).is_some() {
                    return Err(format!("only one OUT directory\n{USAGE}"));
                }
            }
        }
    }
    let out = out.ok_or_else(|| format!("missing OUT directory\n{USAGE}"))?;
    Ok((opts, out))
}

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (opts, out) = match parse_args() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    match corpus_gen::generate(&out, &opts) {
        Ok(s) => {
            let files = s.tf_files + s.tfvars_files + s.cfn_yaml + s.cfn_json;
            println!(
                "{}: {} modules ({} .tf, {} .tfvars), {} templates ({} YAML, {} JSON); {} files, {:.1} MB (file sizes {}..{} bytes, mean {}), seed {:#x}, {:.2?}",
                out.display(),
                s.modules,
                s.tf_files,
                s.tfvars_files,
                s.cfn_yaml + s.cfn_json,
                s.cfn_yaml,
                s.cfn_json,
                files,
                s.bytes as f64 / 1e6,
                s.min_file,
                s.max_file,
                s.bytes / files.max(1) as u64,
                opts.seed,
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
