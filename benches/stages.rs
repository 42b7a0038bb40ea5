//! Per-stage benchmarks on a generated corpus (`target/bench-corpus`, generated on first run by
//! `benches/support/corpus_gen.rs`, the same code as `examples/gen-corpus.rs`).
//!
//! ```sh
//! cargo bench --bench stages                 # all stages, ~1 minute on 2 cores
//! cargo bench --bench stages -- parse/       # one group
//! INFRALINT_BENCH_TF=3000 INFRALINT_BENCH_CFN=600 cargo bench --bench stages
//! ```
//!
//! Stages: `discover` (walk + classify), `parse/terraform` (hcl-edit alone, one thread),
//! `parse/yaml` (our YAML/JSON tree alone, one thread), `check` (the whole
//! `engine::check`: discover, read, parse in parallel, normalize, rules), `report/json` and
//! `report/human` (rendering a finished result).

#[path = "support/corpus_gen.rs"]
mod corpus_gen;

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use infralint::discover::{discover, FileKind};
use infralint::engine::{check, CheckOptions};
use infralint::parse::syntax::yaml;
use infralint::parse::terraform;
use infralint::report::{human, json};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The corpus directory, generated if missing or generated with other parameters.
fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
    let opts = corpus_gen::CorpusOptions {
        tf_files: env_usize("INFRALINT_BENCH_TF", 600),
        cfn_templates: env_usize("INFRALINT_BENCH_CFN", 150),
        seed: corpus_gen::DEFAULT_SEED,
    };
    match corpus_gen::ensure(&dir, &opts) {
        Ok(true) => eprintln!("generated {} ({opts:?})", dir.display()),
        Ok(false) => {}
        Err(e) => panic!("cannot generate {}: {e}", dir.display()),
    }
    dir
}

/// Every candidate file's text, by kind.
fn texts(dir: &Path) -> (Vec<String>, Vec<String>) {
    let (candidates, errors) = discover(&[dir.to_path_buf()], &Default::default());
    assert!(errors.is_empty(), "discover errors: {errors:?}");
    let mut tf = Vec::new();
    let mut cfn = Vec::new();
    for c in candidates {
        let text = std::fs::read_to_string(&c.path).expect("read corpus file");
        match c.kind {
            FileKind::CloudFormationCandidate => cfn.push(text),
            _ => tf.push(text),
        }
    }
    (tf, cfn)
}

fn bytes(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn stages(c: &mut Criterion) {
    let dir = corpus();
    let (tf, cfn) = texts(&dir);
    let options = CheckOptions {
        paths: vec![dir.clone()],
        ..Default::default()
    };
    let all_bytes = bytes(&tf) + bytes(&cfn);

    c.bench_function("discover", |b| {
        b.iter(|| {
            discover(
                std::hint::black_box(std::slice::from_ref(&dir)),
                &Default::default(),
            )
        })
    });

    let mut parse = c.benchmark_group("parse");
    parse.throughput(Throughput::Bytes(bytes(&tf)));
    parse.bench_function("terraform", |b| {
        b.iter(|| {
            for text in &tf {
                let body = terraform::parse(std::hint::black_box(text)).expect("valid HCL");
                std::hint::black_box(body);
            }
        })
    });
    parse.throughput(Throughput::Bytes(bytes(&cfn)));
    parse.bench_function("yaml", |b| {
        b.iter(|| {
            for text in &cfn {
                let doc = yaml::parse(std::hint::black_box(text)).expect("valid YAML");
                std::hint::black_box(doc);
            }
        })
    });
    parse.finish();

    let mut whole = c.benchmark_group("engine");
    whole.throughput(Throughput::Bytes(all_bytes));
    whole.bench_function("check", |b| {
        b.iter(|| check(std::hint::black_box(&options)).expect("check runs"))
    });
    whole.finish();

    let result = check(&options).expect("check runs");
    assert!(
        result.errors.is_empty(),
        "corpus errors: {:?}",
        result.errors
    );
    let mut report = c.benchmark_group("report");
    report.throughput(Throughput::Elements(result.findings.len() as u64));
    report.bench_function("json", |b| {
        b.iter(|| json::render(std::hint::black_box(&result)))
    });
    report.bench_function("human", |b| {
        b.iter(|| {
            human::render(
                std::hint::black_box(&result),
                human::HumanOptions::default(),
            )
        })
    });
    report.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = stages
}
criterion_main!(benches);
