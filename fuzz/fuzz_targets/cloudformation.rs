//! CloudFormation frontend: our YAML/JSON parser, then `is_template`, `resolve` (the
//! intrinsic-function evaluator) and the adapters.
#![no_main]

use infralint::model::UnitId;
use infralint::parse::{cloudformation, yaml};
use infralint::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    std::hint::black_box(cloudformation::looks_like_template(text));
    let Ok(doc) = yaml::parse(text) else {
        return;
    };
    if !cloudformation::is_template(&doc.root) {
        return;
    }
    // A known region, so `AWS::Region`, `Fn::GetAZs` and region-keyed `Fn::FindInMap` resolve.
    let options = cloudformation::CfnOptions {
        region: Some("us-east-1".to_string()),
        ..Default::default()
    };
    let wanted = &infralint::model::from_cloudformation::adapts;
    let unit = cloudformation::resolve(UnitId(0), FileId(0), "fuzz.yaml", &doc, &options, wanted);
    let model = infralint::model::from_cloudformation::adapt(&unit);
    std::hint::black_box(model);
});
