//! Where a plan names each resource: one scan of the JSON text tracking the path of each
//! value.

use foldhash::HashMap;
use std::ops::Range;

use crate::model::address::quoted_end;

#[derive(Debug, Default)]
pub(super) struct PlanSpans {
    /// `planned_values...resources[].address` value -> its range (first occurrence).
    pub planned: HashMap<String, Range<usize>>,
    /// `prior_state.values...resources[].address`.
    pub prior: HashMap<String, Range<usize>>,
    /// `variables.<name>` key.
    pub variables: HashMap<String, Range<usize>>,
    /// `planned_values.outputs.<name>` key.
    pub outputs: HashMap<String, Range<usize>>,
    /// `configuration.provider_config.aws.expressions.region` key.
    pub region: Option<Range<usize>>,
}

enum Frame {
    Object {
        key: Option<String>,
        expect_key: bool,
    },
    Array,
}

/// Scans the (already validated) JSON text once, tracking the path of each value, and
/// records the ranges of the strings that name resources, variables and outputs.
pub(super) fn scan_spans(text: &str) -> PlanSpans {
    let b = text.as_bytes();
    let mut out = PlanSpans::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                stack.push(Frame::Object {
                    key: None,
                    expect_key: true,
                });
                i += 1;
            }
            b'[' => {
                stack.push(Frame::Array);
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                if let Some(Frame::Object { expect_key, .. }) = stack.last_mut() {
                    *expect_key = true;
                }
                i += 1;
            }
            b'"' => {
                let end = quoted_end(b, i);
                let range = i..end;
                i = end;
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expect_key: true,
                        ..
                    })
                );
                if is_key {
                    let key = decode_string(&text[range.clone()]);
                    record_key(&stack, &key, &range, &mut out);
                    if let Some(Frame::Object { key: k, expect_key }) = stack.last_mut() {
                        *k = Some(key);
                        *expect_key = false;
                    }
                } else if let Some(Frame::Object { key: Some(k), .. }) = stack.last() {
                    if k == "address" {
                        record_address(&stack, &text[range.clone()], &range, &mut out);
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn decode_string(quoted: &str) -> String {
    match quoted.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) if !inner.contains('\\') => inner.to_string(),
        _ => serde_json::from_str(quoted).unwrap_or_default(),
    }
}

enum Seg<'s> {
    Key(&'s str),
    Index,
}

fn path(stack: &[Frame]) -> Vec<Seg<'_>> {
    stack
        .iter()
        .map(|f| match f {
            Frame::Object { key, .. } => Seg::Key(key.as_deref().unwrap_or("")),
            Frame::Array => Seg::Index,
        })
        .collect()
}

fn record_key(stack: &[Frame], key: &str, range: &Range<usize>, out: &mut PlanSpans) {
    if !matches!(stack.len(), 2 | 3 | 5) {
        return;
    }
    let p = path(stack);
    match p.as_slice() {
        // `{"variables": {"<name>": ...}}`: the stack is [root object (key "variables"),
        // variables object (key being read)].
        [Seg::Key("variables"), Seg::Key(_)] => {
            out.variables
                .entry(key.to_string())
                .or_insert_with(|| range.clone());
        }
        [Seg::Key("planned_values"), Seg::Key("outputs"), Seg::Key(_)] => {
            out.outputs
                .entry(key.to_string())
                .or_insert_with(|| range.clone());
        }
        [Seg::Key("configuration"), Seg::Key("provider_config"), Seg::Key("aws"), Seg::Key("expressions"), Seg::Key(_)]
            if key == "region" =>
        {
            out.region.get_or_insert_with(|| range.clone());
        }
        _ => {}
    }
}

/// `..root_module (.child_modules[i])* .resources[j].address`
fn is_resource_path(p: &[Seg<'_>]) -> bool {
    let Some((Seg::Key("root_module"), mut rest)) = p.split_first() else {
        return false;
    };
    loop {
        match rest {
            [Seg::Key("resources"), Seg::Index, Seg::Key("address")] => return true,
            [Seg::Key("child_modules"), Seg::Index, tail @ ..] => rest = tail,
            _ => return false,
        }
    }
}

fn record_address(stack: &[Frame], quoted: &str, range: &Range<usize>, out: &mut PlanSpans) {
    let p = path(stack);
    let map = match p.as_slice() {
        [Seg::Key("planned_values"), rest @ ..] if is_resource_path(rest) => &mut out.planned,
        [Seg::Key("prior_state"), Seg::Key("values"), rest @ ..] if is_resource_path(rest) => {
            &mut out.prior
        }
        _ => return,
    };
    map.entry(decode_string(quoted))
        .or_insert_with(|| range.clone());
}
