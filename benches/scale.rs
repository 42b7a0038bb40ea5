//! Scaling benchmarks: the time per element must stay flat as the input grows (issue #11:
//! a one-line plan and a directory of 100,000 files were quadratic).
//!
//! ```sh
//! cargo bench --bench scale
//! cargo bench --bench scale -- one_directory   # one group
//! ```
//!
//! `one_directory/N`: `engine::check` on N small `.tf` files in one directory (one module).
//! `named_files/N`: `discover` of the same N files named one by one (what a pre-commit hook
//! passes), each needing the rest of its module as context.
//! `one_line_plan/N`: the JSON report of a one-line plan of N volumes, as `terraform show
//! -json` writes it (every finding placed by line and column on a line of megabytes).
//! Compare the per-element times of the two sizes of each group: equal when linear.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use infralint::discover::discover;
use infralint::engine::{check, CheckOptions};
use infralint::report::json;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-scale")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the bench directory");
    dir
}

/// N small Terraform files in one directory, a third of them io1 volumes.
fn one_directory(n: usize) -> PathBuf {
    let dir = scratch(&format!("one-directory-{n}"));
    for i in 0..n {
        let volume_type = ["io1", "gp3", "gp2"][i % 3];
        let text = format!(
            "resource \"aws_ebs_volume\" \"v{i}\" {{\n  availability_zone = \"us-east-1a\"\n  size = 100\n  type = \"{volume_type}\"\n  iops = 3000\n  encrypted = true\n}}\n"
        );
        std::fs::write(dir.join(format!("f{i:06}.tf")), text).expect("write a bench file");
    }
    dir
}

/// `fixtures/plan/ebs.json` with N more volumes, written on one line.
fn one_line_plan(n: usize) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan/ebs.json");
    let text = std::fs::read_to_string(fixture).expect("read the plan fixture");
    let mut plan: serde_json::Value = serde_json::from_str(&text).expect("a JSON plan");
    let like = |list: &serde_json::Value| {
        list.as_array()
            .and_then(|l| {
                l.iter()
                    .find(|r| r["address"] == "aws_ebs_volume.provisioned")
            })
            .cloned()
            .expect("the fixture has aws_ebs_volume.provisioned")
    };
    let planned = like(&plan["planned_values"]["root_module"]["resources"]);
    let change = like(&plan["resource_changes"]);
    for i in 0..n {
        let name = format!("vol_{i}");
        let volume_type = ["io1", "gp2", "standard"][i % 3];
        let mut p = planned.clone();
        let mut c = change.clone();
        for r in [&mut p, &mut c] {
            r["address"] = format!("aws_ebs_volume.{name}").into();
            r["name"] = name.clone().into();
        }
        p["values"]["type"] = volume_type.into();
        p["values"]["tags"] = serde_json::json!({ "Name": format!("données-{i}") });
        c["change"]["after"]["type"] = volume_type.into();
        if let Some(list) = plan["planned_values"]["root_module"]["resources"].as_array_mut() {
            list.push(p);
        }
        if let Some(list) = plan["resource_changes"].as_array_mut() {
            list.push(c);
        }
    }
    let dir = scratch(&format!("one-line-plan-{n}"));
    let path = dir.join("plan.json");
    std::fs::write(&path, serde_json::to_string(&plan).expect("serialize")).expect("write");
    path
}

fn scale(c: &mut Criterion) {
    let sizes = [5_000, 20_000];
    let dirs: Vec<(usize, PathBuf)> = sizes.iter().map(|&n| (n, one_directory(n))).collect();
    let mut group = c.benchmark_group("one_directory");
    for (n, dir) in &dirs {
        let options = CheckOptions {
            paths: vec![dir.clone()],
            ..Default::default()
        };
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &options, |b, options| {
            b.iter(|| check(std::hint::black_box(options)).expect("check runs"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("named_files");
    for (n, dir) in &dirs {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read the bench directory")
            .map(|e| e.expect("a directory entry").path())
            .collect();
        paths.sort();
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &paths, |b, paths| {
            b.iter(|| {
                let (candidates, _) = discover(std::hint::black_box(paths), &Default::default());
                assert_eq!(candidates.len(), paths.len());
                candidates
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("one_line_plan");
    for n in [1_000, 4_000] {
        let options = CheckOptions {
            paths: vec![one_line_plan(n)],
            ..Default::default()
        };
        let result = check(&options).expect("check runs");
        assert!(
            result.findings.len() >= n,
            "{} findings",
            result.findings.len()
        );
        group.throughput(Throughput::Elements(result.findings.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &result, |b, result| {
            b.iter(|| json::render(std::hint::black_box(result)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5));
    targets = scale
}
criterion_main!(benches);
