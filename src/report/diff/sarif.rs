//! `diff --format sarif`: SARIF 2.1.0 with `baselineState` on each result: `new` and
//! `unchanged` findings of the head, `absent` for the fixed ones (located where they were in
//! the base). Paths are relative to the repository root (`%SRCROOT%`); `partialFingerprints`
//! hold the diff fingerprint (`crate::diff::identity`).

use foldhash::HashMap;

use serde_json::{json, Value};

use crate::diff::{DiffFinding, DiffOutcome};
use crate::report::sarif::{
    encode_path, file_uri, level, rule_descriptor, INFORMATION_URI, SCHEMA_URI, SRCROOT,
};
use crate::rules;

/// The key of the diff fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "infralintFingerprint/v2";

fn result(f: &DiffFinding, state: &str, index: &HashMap<&str, usize>) -> Value {
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": encode_path(&f.file, false), "uriBaseId": SRCROOT },
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line,
                    "endColumn": f.end_column,
                },
            }
        }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "baselineState": state,
        "properties": {
            "category": f.category.as_str(),
            "resource": f.resource,
            "monthly_cost_usd": f.monthly_cost_usd.map(crate::diff::compare::cents),
        },
    });
    if let (Some(i), Some(obj)) = (index.get(f.rule), r.as_object_mut()) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    r
}

pub fn render(d: &DiffOutcome) -> String {
    let registry = rules::registry();
    let index: HashMap<&str, usize> = registry
        .iter()
        .enumerate()
        .map(|(i, r)| (r.meta().id, i))
        .collect();
    let c = &d.comparison;
    let results: Vec<Value> = c
        .new
        .iter()
        .map(|f| result(f, "new", &index))
        .chain(
            c.unchanged
                .iter()
                .map(|(_, f)| result(f, "unchanged", &index)),
        )
        .chain(c.fixed.iter().map(|f| result(f, "absent", &index)))
        .collect();
    let root = d.root.to_str().map(|r| file_uri(r, true));
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "infralint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": registry.iter().map(|r| rule_descriptor(r.meta())).collect::<Vec<_>>(),
            }},
            "invocations": [{ "executionSuccessful": d.head.errors.is_empty() }],
            "originalUriBaseIds": { SRCROOT: { "uri": root } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}
