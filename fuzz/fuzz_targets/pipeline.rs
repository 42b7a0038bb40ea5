//! The whole pipeline on one file: the bytes are written to a temporary file and checked with
//! `engine::check` (discover, read, UTF-8 and BOM handling, parse, normalize, rules,
//! suppressions), then both reports are rendered (line/column computation over odd spans).
//!
//! The extension follows the content, so a seed keeps its meaning under mutation:
//! `AWSTemplateFormatVersion` or `AWS::` -> `.json` when it starts with `{`, else `.yaml`;
//! otherwise `{` -> `.tf.json`; otherwise `.tf`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use infralint::engine::{check, CheckOptions};
use infralint::report::{human, json};
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["input.tf", "input.tf.json", "input.yaml", "input.json"];

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("infralint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("create temp dir");
        d
    })
}

fn contains(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len()).any(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    let first = data.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let cfn = contains(data, b"AWSTemplateFormatVersion") || contains(data, b"AWS::");
    let name = match (cfn, first) {
        (true, Some(b'{')) => "input.json",
        (true, _) => "input.yaml",
        (false, Some(b'{')) => "input.tf.json",
        (false, _) => "input.tf",
    };
    let dir = dir();
    for n in NAMES {
        let _ = std::fs::remove_file(dir.join(n));
    }
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write temp file");
    let options = CheckOptions {
        paths: vec![path],
        ..Default::default()
    };
    if let Ok(result) = check(&options) {
        std::hint::black_box(json::render(&result));
        std::hint::black_box(human::render(&result, human::HumanOptions::default()));
    }
});
