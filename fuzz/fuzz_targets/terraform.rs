//! Terraform frontend: hcl-edit parse, then normalize the file as a one-file module (the
//! evaluator: variables, locals, functions, count/for_each, templates).
//!
//! An input may carry a tfvars part after a line `#--tfvars--`: it is parsed and applied as
//! the module's terraform.tfvars.
#![no_main]

use infralint::model::UnitId;
use infralint::parse::terraform::{self, TfFile, TfOptions, TfSource};
use infralint::source::FileId;
use libfuzzer_sys::fuzz_target;

const TFVARS_MARKER: &str = "\n#--tfvars--\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (main, vars) = match text.split_once(TFVARS_MARKER) {
        Some((m, v)) => (m, Some(v)),
        None => (text, None),
    };
    let Ok(body) = terraform::parse(main) else {
        return;
    };
    let vars_body = vars.and_then(|v| terraform::parse(v).ok());
    let hcl = |file: u32, body| TfFile {
        file: FileId(file),
        source: TfSource::Hcl(body),
        is_override: false,
    };
    let files = [hcl(0, &body)];
    let tfvars: Vec<TfFile> = vars_body.iter().map(|b| hcl(1, b)).collect();
    let wanted = &infralint::model::from_terraform::adapts;
    let options = TfOptions::default();
    let unit = terraform::resolve_files(UnitId(0), "fuzz", &files, &tfvars, true, &options, wanted);
    let model = infralint::model::from_terraform::adapt(&unit);
    std::hint::black_box(model);
});
