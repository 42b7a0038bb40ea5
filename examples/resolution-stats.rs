//! How much of a tree infralint resolves: volume types, AMI references and EIP association
//! targets, known vs unknown.
//!
//! `cargo run --release --example resolution-stats -- PATH...`

use infralint::engine::{check, CheckOptions};
use infralint::model::Value;

fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let options = CheckOptions {
        paths: if paths.is_empty() {
            vec![".".into()]
        } else {
            paths
        },
        ..CheckOptions::default()
    };
    let result = match check(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let m = &result.model;
    let count = |known: usize, total: usize, what: &str| {
        println!("{what:<28} {known:>6} known / {:>6} unknown", total - known);
    };
    count(
        m.volumes
            .iter()
            .filter(|v| v.volume_type.known().is_some())
            .count(),
        m.volumes.len(),
        "volume types",
    );
    count(
        m.ami_refs
            .iter()
            .filter(|a| a.image.known().is_some())
            .count(),
        m.ami_refs.len(),
        "AMI references",
    );
    count(
        m.eip_associations
            .iter()
            .filter(|a| matches!(a.eip, Value::Known(_)))
            .count(),
        m.eip_associations.len(),
        "EIP association targets",
    );
    println!(
        "files {}, resources {}, findings {}, errors {}",
        result.files,
        result.resources,
        result.findings.len(),
        result.errors.len()
    );
}
