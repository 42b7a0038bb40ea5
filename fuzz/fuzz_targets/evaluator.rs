//! The Terraform evaluator's budget: the input's bytes choose a random module of locals built
//! from the constructors that make large values or many steps (`range`, `for`, template
//! `%{ for }` directives, `join`, `replace`, `format`, `flatten`, `setproduct`, strings and
//! lists doubled, locals referencing locals: see `expr_gen.rs`), used by a resource; the
//! module is normalized. Every input must finish fast and small: `fuzz/run.sh` runs this
//! target with a short timeout and a low memory limit, so a construct that escapes the
//! evaluation budget is a finding (a timeout or an OOM).
#![no_main]

use infralint::model::UnitId;
use infralint::parse::terraform::{self, ModuleFile};
use infralint::source::FileId;
use libfuzzer_sys::fuzz_target;

#[path = "../../src/parse/terraform/expr_gen.rs"]
#[allow(dead_code)]
mod expr_gen;

use expr_gen::{FromBytes, Gen};

fuzz_target!(|data: &[u8]| {
    let (module, probe) = Gen::new(FromBytes(data)).case();
    let text = format!(
        "{module}locals {{\n  probe = {probe}\n}}\n\
         resource \"aws_ebs_volume\" \"v\" {{\n  availability_zone = \"us-east-1a\"\n  \
         size = length(local.probe)\n  type = local.probe == \"\" ? \"io1\" : \"gp2\"\n}}\n"
    );
    let Ok(body) = terraform::parse(&text) else {
        return;
    };
    let files = [ModuleFile {
        file: FileId(0),
        body: &body,
    }];
    let model = terraform::normalize(UnitId(0), "fuzz", &files, &[], true);
    std::hint::black_box(model);
});
