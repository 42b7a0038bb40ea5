//! `infralint baseline`: records the current findings in a baseline file (`--output`,
//! `.infralint-baseline.json` by default), refused when that file is one of the run's inputs
//! or a file the run read.

use super::{options, write_output, BaselineArgs};
use crate::baseline::Baseline;
use crate::engine;
use crate::output_guard;

pub(super) fn baseline(args: BaselineArgs) -> i32 {
    let (options, inputs) = match options(args.input) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Err(e) = inputs.refuse(&args.output, "--output") {
        eprintln!("error: {e}");
        return 2;
    }
    let result = match engine::check(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Err(e) = output_guard::refuse_read(&args.output, "--output", &result.sources) {
        eprintln!("error: {e}");
        return 2;
    }
    let b = Baseline::from_findings(&result.findings, &result.sources);
    if let Err(e) = write_output(&args.output, &b.to_json()) {
        eprintln!("error: {e}");
        return 2;
    }
    eprintln!(
        "wrote {} findings to {}",
        b.findings.len(),
        args.output.display()
    );
    for e in &result.errors {
        eprintln!("error: {}: {}", e.path, e.message);
    }
    if result.errors.is_empty() {
        0
    } else {
        2
    }
}
