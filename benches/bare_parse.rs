//! Parse-only baseline for `benches/compare.sh`: discover, read and parse every file
//! (hcl-edit for `.tf`/`.tfvars`, our YAML/JSON parser for CloudFormation candidates), in
//! parallel with rayon as the engine does, and nothing else: no normalization, no rules, no
//! report. `infralint check` end to end is compared with this (issue target: within 2x).
//!
//! ```sh
//! cargo bench --bench bare_parse                       # on target/bench-corpus
//! cargo bench --bench bare_parse -- DIR [--serial]     # on DIR; --serial: one thread
//! ```
//!
//! Prints one line: `bare-parse files=N bytes=B failed=F wall_ms=T mb_per_s=R`.

#[path = "support/corpus_gen.rs"]
mod corpus_gen;

use std::path::{Path, PathBuf};
use std::time::Instant;

use infralint::discover::{discover, Candidate, FileKind};
use infralint::parse::syntax::yaml;
use infralint::parse::terraform;
use rayon::prelude::*;

/// Reads and parses one file; returns (bytes, parsed).
fn parse_one(c: &Candidate) -> (usize, bool) {
    let Ok(text) = std::fs::read_to_string(&c.path) else {
        return (0, false);
    };
    let ok = match c.kind {
        FileKind::Terraform | FileKind::TfVars => terraform::parse(&text).is_ok(),
        FileKind::TerraformJson | FileKind::TfVarsJson => terraform::parse_json(&text).is_ok(),
        FileKind::CloudFormationCandidate => yaml::parse(&text).is_ok(),
    };
    (text.len(), ok)
}

fn main() {
    // `cargo bench` appends `--bench`; ignore flags we do not know.
    let serial = std::env::args().any(|a| a == "--serial");
    let dir = match std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        Some(d) => PathBuf::from(d),
        None => {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
            let opts = corpus_gen::CorpusOptions {
                tf_files: 600,
                cfn_templates: 150,
                seed: corpus_gen::DEFAULT_SEED,
            };
            if let Err(e) = corpus_gen::ensure(&dir, &opts) {
                eprintln!("cannot generate {}: {e}", dir.display());
                std::process::exit(2);
            }
            dir
        }
    };

    let started = Instant::now();
    let (candidates, errors) = discover(&[dir], &infralint::discover::WalkOptions::default());
    if !errors.is_empty() {
        eprintln!("discover errors: {errors:?}");
        std::process::exit(2);
    }
    let results: Vec<(usize, bool)> = if serial {
        candidates.iter().map(parse_one).collect()
    } else {
        candidates.par_iter().map(parse_one).collect()
    };
    let elapsed = started.elapsed();
    let bytes: usize = results.iter().map(|r| r.0).sum();
    let failed = results.iter().filter(|r| !r.1).count();
    println!(
        "bare-parse files={} bytes={bytes} failed={failed} wall_ms={:.1} mb_per_s={:.1}",
        results.len(),
        elapsed.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / elapsed.as_secs_f64()
    );
}
