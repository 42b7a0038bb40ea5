//! Terraform plan JSON (`terraform show -json plan.out > plan.json`) into resolved resources.
//!
//! A plan's `planned_values` hold every resource instance Terraform will have after the apply,
//! with variables, locals, `count`/`for_each`, modules and functions already evaluated: the
//! addresses are final (`module.disk.aws_ebs_volume.this["x"]`) and most values are known.
//! What the provider computes (ids, an unwritten `type`, `encrypted`...) is unknown at plan
//! time: Terraform leaves it out of `planned_values` and marks it in `resource_changes[].change
//! .after_unknown`. Such a value is [`Value::Unknown`] here, never guessed.
//!
//! As in the configuration frontend, an attribute the configuration does not write is "not
//! set" (`None`), whatever the plan says (a default, or a value read back from the state,
//! such as the `iops` of an existing gp2 volume), and an `aws_ebs_volume` without `type` is
//! the API default (gp2, `type_defaulted`). Whether an attribute is written comes from the
//! plan's `configuration` section (module relative `expressions`). That section leaves
//! `dynamic` blocks out: the planned blocks of a resource being created are kept then,
//! with what they do not say unknown; those of an existing resource are not.
//!
//! The configuration section also carries the references of each expression
//! (`"allocation_id": {"references": ["aws_eip.web.id", "aws_eip.web"]}`), which is how an
//! association to an EIP that does not exist yet (its id unknown) is resolved, through module
//! outputs and module arguments too; an id that is known (the EIP is already in the state) is
//! matched by value instead. Locals are not in the plan: through one, the EIPs the
//! configuration mentions anywhere (`relevant_attributes`) are each possibly the one.
//!
//! Spans: a plan has no source spans. Every span points at the resource's `"address"` value
//! in `planned_values` (data sources read at plan time: in `prior_state`), the one place in
//! the plan that names the resource.

mod address;
mod attach;
mod index;
mod node;
mod planner;
mod references;
mod spans;
#[cfg(test)]
mod tests;

use std::ops::Range;

use serde_json::{Map, Value as Json};

use crate::model::address::quoted_end;
use crate::model::UnitId;
use crate::resolved::{ResolvedUnit, Wanted};
use crate::source::FileId;
use spans::{scan_spans, PlanSpans};

pub use attach::attach;

type Obj = Map<String, Json>;

/// Deepest module nesting and reference chain followed.
const MAX_DEPTH: usize = 64;

/// Cheap sniff: a plan JSON has `planned_values` and `format_version` (the JSON of a state,
/// `terraform show -json` without a plan, has `values` instead of `planned_values`).
pub fn is_plan(text: &str) -> bool {
    text.contains("\"planned_values\"") && text.contains("\"format_version\"")
}

/// A parsed plan: the JSON and where in its text each resource is named.
#[derive(Debug)]
pub struct PlanJson {
    root: Json,
    spans: PlanSpans,
}

/// Parses a plan JSON file (see [`resolve`]). Invalid JSON is an error with the
/// byte range at serde's position. serde_json reads a same-length copy of the text (offsets
/// stay exact) where a byte-order mark, accepted as in HCL, YAML and `.tf.json` files, is
/// three spaces, and each number beyond `f64` (Terraform writes `1e400` as 401 digits;
/// serde_json says "number out of range") is a string, whose value as a number is unknown
/// (see `crate::parse::numbers`).
pub fn parse(text: &str) -> Result<PlanJson, (String, Range<usize>)> {
    let beyond = numbers_beyond_f64(text);
    let json_text = if beyond.is_empty() && !text.starts_with('\u{feff}') {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(readable_copy(text, &beyond))
    };
    let root: Json = serde_json::from_str(&json_text).map_err(|e| {
        let at = error_offset(text, e.line(), e.column());
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        (format!("invalid plan JSON: {message}"), at..at)
    })?;
    Ok(PlanJson {
        root,
        spans: scan_spans(text),
    })
}

/// The byte ranges of the numbers of a JSON text that an `f64` cannot hold.
fn numbers_beyond_f64(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = quoted_end(b, i),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    i += 1;
                }
                if crate::parse::numbers::beyond_f64(&text[start..i]) {
                    out.push(start..i);
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// `text` with a leading byte-order mark as three spaces and each of `numbers` (ASCII) as a
/// string of the same length.
fn readable_copy(text: &str, numbers: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    if text.starts_with('\u{feff}') {
        out.push_str("   ");
        at = '\u{feff}'.len_utf8();
    }
    for r in numbers {
        out.push_str(&text[at..r.start]);
        out.push('"');
        out.extend(std::iter::repeat_n('~', r.len().saturating_sub(2)));
        out.push('"');
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Resolves a parsed plan into one unit: its managed resources as planned (bodies of the types
/// `wanted` names) and the `data "aws_ami"` lookups it read. A valid JSON of an unexpected
/// shape gives whatever part of it fits (never a panic).
pub fn resolve(
    unit: UnitId,
    file: FileId,
    name: &str,
    plan: &PlanJson,
    wanted: Wanted<'_>,
) -> ResolvedUnit {
    planner::Planner::new(unit, file, name, plan, wanted).run()
}

/// The byte offset of serde_json's 1-based line and column (column in bytes).
fn error_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        match text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1) {
            Some(s) => start = s,
            None => return text.len(),
        }
    }
    let at = (start + column.saturating_sub(1)).min(text.len());
    crate::source::floor_char_boundary(text, at)
}
