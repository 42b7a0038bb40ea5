//! Terraform plan JSON (`terraform show -json plan.out > plan.json`) into the model.
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

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde_json::{Map, Value as Json};

use crate::model::*;
use crate::source::{FileId, Span};

type Obj = Map<String, Json>;

/// Root variable name -> its origin in the plan's `variables`.
type Vars = HashMap<String, Origin>;

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

/// Parses a plan JSON file (see [`normalize_parsed`]). Invalid JSON is an error with the
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
            b'"' => i = string_end(b, i),
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

/// Normalizes a parsed plan into one unit. A valid JSON of an unexpected shape gives
/// whatever part of it fits (never a panic).
pub fn normalize_parsed(unit: UnitId, file: FileId, name: &str, plan: &PlanJson) -> Model {
    Planner::new(unit, file, name, plan).run()
}

/// [`parse`] and [`normalize_parsed`] in one.
pub fn normalize(
    unit: UnitId,
    file: FileId,
    name: &str,
    text: &str,
) -> Result<Model, (String, Range<usize>)> {
    Ok(normalize_parsed(unit, file, name, &parse(text)?))
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

// ---------------------------------------------------------------------------------------------
// Spans: where the plan names each resource.

#[derive(Debug, Default)]
struct PlanSpans {
    /// `planned_values...resources[].address` value -> its range (first occurrence).
    planned: HashMap<String, Range<usize>>,
    /// `prior_state.values...resources[].address`.
    prior: HashMap<String, Range<usize>>,
    /// `variables.<name>` key.
    variables: HashMap<String, Range<usize>>,
    /// `planned_values.outputs.<name>` key.
    outputs: HashMap<String, Range<usize>>,
    /// `configuration.provider_config.aws.expressions.region` key.
    region: Option<Range<usize>>,
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
fn scan_spans(text: &str) -> PlanSpans {
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
                let end = string_end(b, i);
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

/// The index just past the string starting at `start` (a `"`), escapes skipped.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
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

// ---------------------------------------------------------------------------------------------
// Addresses and references.

/// One `module.<name>[<key>]` step of a module instance address.
#[derive(Debug, Clone, PartialEq)]
struct ModStep {
    name: String,
    /// `0`, `"a"`; `None` for a module without `count`/`for_each`.
    key: Option<Json>,
}

/// Parses `module.a["k"].module.b` (the `address` of a planned child module).
fn parse_module_address(address: &str) -> Option<Vec<ModStep>> {
    if address.is_empty() {
        return Some(Vec::new());
    }
    let segs = parse_traversal(address)?;
    let mut out = Vec::new();
    let mut it = segs.into_iter().peekable();
    while let Some(seg) = it.next() {
        let (TSeg::Name(m), Some(TSeg::Name(name))) = (seg, it.next()) else {
            return None;
        };
        if m != "module" {
            return None;
        }
        let key = match it.peek() {
            Some(TSeg::Index(_)) => match it.next() {
                Some(TSeg::Index(k)) => Some(k),
                _ => None,
            },
            _ => None,
        };
        out.push(ModStep { name, key });
    }
    Some(out)
}

#[derive(Debug, Clone, PartialEq)]
enum TSeg {
    Name(String),
    /// A literal index (`[0]`, `["a"]`); `Json::Null` for one that is not literal.
    Index(Json),
}

/// Splits a Terraform traversal (`aws_eip.nat[0].id`, `module.x["a"].out`) into names and
/// indexes. `None` when it does not look like one.
fn parse_traversal(s: &str) -> Option<Vec<TSeg>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
            i += 1;
        }
        if i == start {
            return None;
        }
        out.push(TSeg::Name(s[start..i].to_string()));
        while i < b.len() && b[i] == b'[' {
            i += 1;
            let (index, end) = if b.get(i) == Some(&b'"') {
                let end = string_end(b, i);
                (
                    serde_json::from_str::<String>(s.get(i..end)?)
                        .map(Json::String)
                        .unwrap_or(Json::Null),
                    end,
                )
            } else {
                let start = i;
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
                let raw = &s[start..i];
                let index = if !raw.is_empty() && raw.bytes().all(|c| c.is_ascii_digit()) {
                    raw.parse::<u64>().map(Json::from).unwrap_or(Json::Null)
                } else {
                    Json::Null
                };
                (index, i)
            };
            i = end;
            if b.get(i) != Some(&b']') {
                return None;
            }
            i += 1;
            out.push(TSeg::Index(index));
        }
        match b.get(i) {
            None => return Some(out),
            Some(b'.') => i += 1,
            Some(_) => return None,
        }
    }
}

/// An instance key as a map key: `0` and `0.0` alike.
fn index_key(k: &Json) -> Option<String> {
    match k {
        Json::Number(n) => n.as_f64().map(|f| format!("#{f}")),
        Json::String(s) => Some(format!("\"{s}")),
        _ => None,
    }
}

fn same_key(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Which module instances a reference designates.
#[derive(Debug, Clone, PartialEq)]
enum KeySel {
    Exact(Option<Json>),
    /// A module output read without an instance key: any instance.
    Any,
}

#[derive(Debug, Clone, PartialEq)]
struct ModSel(Vec<(String, KeySel)>);

impl ModSel {
    fn exact(steps: &[ModStep]) -> ModSel {
        ModSel(
            steps
                .iter()
                .map(|s| (s.name.clone(), KeySel::Exact(s.key.clone())))
                .collect(),
        )
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }

    fn matches(&self, steps: &[ModStep]) -> bool {
        self.0.len() == steps.len()
            && self.0.iter().zip(steps).all(|((name, sel), step)| {
                name == &step.name
                    && match sel {
                        KeySel::Any => true,
                        KeySel::Exact(None) => step.key.is_none(),
                        KeySel::Exact(Some(k)) => step.key.as_ref().is_some_and(|s| same_key(k, s)),
                    }
            })
    }
}

/// A resource (`aws_eip`, `aws_ebs_volume`, `aws_launch_template`) named by a reference.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    module: ModSel,
    name: String,
    /// The literal index, when the reference has one.
    index: Option<Json>,
}

/// What the references of one expression designate.
#[derive(Debug, Default)]
struct Resolution {
    targets: Vec<Target>,
    /// A reference we cannot see through (a local, another resource, a data source, an
    /// unresolved module output): the value may come from it instead.
    opaque: bool,
}

// ---------------------------------------------------------------------------------------------
// The plan.

/// A resource instance's entry in `resource_changes`.
struct Change<'a> {
    unknown: Option<&'a Json>,
    created: bool,
}

struct PlanResource<'a> {
    address: String,
    module: Vec<ModStep>,
    kind: &'a str,
    name: &'a str,
    index: Option<&'a Json>,
    values: Option<&'a Obj>,
    /// `after_unknown` of its change.
    unknown: Option<&'a Json>,
    /// Its configuration `expressions`, when the configuration has the resource.
    config: Option<&'a Obj>,
    /// Created or replaced by the plan.
    created: bool,
    resource: ResourceRef,
}

/// One object of planned values with its unknown markers and its configuration.
#[derive(Clone, Copy)]
struct Node<'a> {
    values: Option<&'a Obj>,
    unknown: Option<&'a Json>,
    /// The configuration expressions of this object; `None` when unknown (absence then
    /// proves nothing).
    config: Option<&'a Obj>,
    /// Variable origins apply (root module only).
    root: bool,
    /// The resource is being created (or replaced): its planned values all come from the
    /// configuration or are unknown.
    created: bool,
}

enum Slot<'a> {
    Known(&'a Json),
    Null,
    Unknown,
}

impl<'a> Node<'a> {
    fn of(r: &PlanResource<'a>) -> Node<'a> {
        Node {
            values: r.values,
            unknown: r.unknown,
            config: r.config,
            root: r.module.is_empty(),
            created: r.created,
        }
    }

    fn slot(&self, key: &str) -> Slot<'a> {
        let whole = self.unknown == Some(&Json::Bool(true));
        if whole || self.unknown.and_then(|u| u.get(key)) == Some(&Json::Bool(true)) {
            return Slot::Unknown;
        }
        match self.values.map(|v| v.get(key)) {
            // `planned_values` leaves unknown values out.
            None | Some(None) => Slot::Unknown,
            Some(Some(Json::Null)) => Slot::Null,
            Some(Some(v)) => Slot::Known(v),
        }
    }

    fn expression(&self, key: &str) -> Option<&'a Json> {
        self.config?.get(key)
    }

    /// Whether the configuration writes `key` (a literal `null` is not writing it); `None`
    /// when the configuration is not known.
    fn written(&self, key: &str) -> Option<bool> {
        let config = self.config?;
        Some(match config.get(key) {
            None => false,
            Some(e) => !matches!(e.get("constant_value"), Some(Json::Null)),
        })
    }

    fn references(&self, key: &str) -> Vec<String> {
        references(self.expression(key))
    }

    /// The field `key`: `None` when null or not written (a value the provider reads back
    /// or defaults, such as the `iops` of an existing gp2 volume, is not a setting),
    /// unknown when Terraform cannot know it before the apply.
    fn field<T>(
        &self,
        key: &str,
        span: Span,
        vars: &Vars,
        convert: impl Fn(&Json) -> Option<T>,
    ) -> Option<Field<T>> {
        if self.written(key) == Some(false) {
            return None;
        }
        match self.slot(key) {
            Slot::Null => None,
            Slot::Known(v) => Some(Field {
                value: convert(v).map(Value::Known).unwrap_or(Value::Unknown),
                span,
                via: self.var_origin(key, vars),
            }),
            Slot::Unknown => Some(Field {
                value: Value::Unknown,
                span,
                via: Vec::new(),
            }),
        }
    }

    /// The value comes straight from a root variable (`type = var.volume_type`).
    fn var_origin(&self, key: &str, vars: &Vars) -> Vec<Origin> {
        if !self.root {
            return Vec::new();
        }
        match self.references(key).as_slice() {
            [only] => only
                .strip_prefix("var.")
                .and_then(|name| vars.get(name))
                .map(|o| vec![o.clone()])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The nested blocks `key` that the configuration writes (or all, when the configuration
    /// is not known). `match_by`: the attribute that pairs a planned block (a set element)
    /// with its configuration block; `None` pairs by position.
    fn blocks(&self, key: &str, match_by: Option<&str>) -> Vec<Node<'a>> {
        let config_blocks: Option<Vec<&'a Obj>> = self.config.map(|c| {
            c.get(key)
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(Json::as_object).collect())
                .unwrap_or_default()
        });
        let config_blocks = match config_blocks {
            // The configuration JSON leaves `dynamic` blocks out. A resource being created
            // has planned blocks only where the configuration writes them (unwritten
            // computed blocks are unknown): those are kept, without their configuration.
            Some(blocks) if blocks.is_empty() && self.created => None,
            // Not written: whatever the provider reads back (the AMI's root device, volumes
            // attached elsewhere) is not declared here.
            Some(blocks) if blocks.is_empty() => return Vec::new(),
            other => other,
        };
        let planned: Option<&'a Vec<Json>> = match self.slot(key) {
            Slot::Known(v) => v.as_array(),
            _ => None,
        };
        let Some(planned) = planned else {
            // The whole list is unknown: one node per written block, every value unknown.
            return config_blocks
                .unwrap_or_default()
                .into_iter()
                .map(|c| Node {
                    values: None,
                    unknown: None,
                    config: Some(c),
                    root: self.root,
                    created: self.created,
                })
                .collect();
        };
        let unknown_list = self.unknown.and_then(|u| u.get(key));
        planned
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let values = item.as_object();
                let unknown = match unknown_list {
                    Some(all @ Json::Bool(true)) => Some(all),
                    Some(Json::Array(a)) => a.get(i),
                    _ => None,
                };
                let config = config_blocks.as_ref().and_then(|blocks| match match_by {
                    None if blocks.len() == planned.len() => blocks.get(i).copied(),
                    None => None,
                    Some(attr) => {
                        let own = values.and_then(|v| v.get(attr)).and_then(Json::as_str);
                        let by_value: Vec<&'a Obj> = blocks
                            .iter()
                            .copied()
                            .filter(|b| {
                                own.is_some()
                                    && b.get(attr)
                                        .and_then(|e| e.get("constant_value"))
                                        .and_then(Json::as_str)
                                        == own
                            })
                            .collect();
                        match (by_value.as_slice(), blocks.as_slice(), planned.len()) {
                            ([one], _, _) => Some(*one),
                            ([], [one], 1) => Some(*one),
                            _ => None,
                        }
                    }
                });
                Node {
                    values,
                    unknown,
                    config,
                    root: self.root,
                    created: self.created,
                }
            })
            .collect()
    }
}

fn references(expression: Option<&Json>) -> Vec<String> {
    expression
        .and_then(|e| e.get("references"))
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn as_string(v: &Json) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn as_f64(v: &Json) -> Option<f64> {
    v.as_f64()
}

fn as_bool(v: &Json) -> Option<bool> {
    v.as_bool()
}

/// A boolean, or the strings `"true"`/`"false"` (`aws_launch_template`'s
/// `network_interfaces.associate_public_ip_address` is a string).
fn as_bool_ish(v: &Json) -> Option<bool> {
    match v {
        Json::Bool(b) => Some(*b),
        Json::String(s) if s == "true" => Some(true),
        Json::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

fn as_strings(v: &Json) -> Option<Vec<String>> {
    v.as_array()?.iter().map(as_string).collect()
}

/// The planned resources, indexed.
struct Resources<'r, 'a> {
    all: &'r [PlanResource<'a>],
    /// `type.name` (module aside) -> instances.
    by_name: HashMap<String, Vec<usize>>,
    /// `type.name` and instance key (module aside) -> instances.
    by_index: HashMap<(String, String), Vec<usize>>,
    /// `type`, attribute, known value -> instances, for the ids known values are matched on.
    by_value: HashMap<(String, &'static str, String), Vec<usize>>,
    /// `relevant_attributes` results, by type and attributes.
    mentioned: std::cell::RefCell<HashMap<String, Vec<usize>>>,
}

/// The attributes by which a known value designates a resource of the plan.
const MATCHED_BY_VALUE: &[(&str, &str)] = &[
    ("aws_eip", "id"),
    ("aws_eip", "allocation_id"),
    ("aws_eip", "public_ip"),
    ("aws_ebs_volume", "id"),
    ("aws_launch_template", "id"),
    ("aws_launch_template", "name"),
];

impl<'r, 'a> Resources<'r, 'a> {
    fn new(all: &'r [PlanResource<'a>]) -> Resources<'r, 'a> {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_index: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let mut by_value: HashMap<(String, &'static str, String), Vec<usize>> = HashMap::new();
        for (i, r) in all.iter().enumerate() {
            let name = format!("{}.{}", r.kind, r.name);
            if let Some(key) = r.index.and_then(index_key) {
                by_index.entry((name.clone(), key)).or_default().push(i);
            }
            by_name.entry(name).or_default().push(i);
            for (kind, attr) in MATCHED_BY_VALUE {
                if r.kind != *kind {
                    continue;
                }
                let value = r.values.and_then(|v| v.get(*attr)).and_then(Json::as_str);
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    by_value
                        .entry((r.kind.to_string(), *attr, value.to_string()))
                        .or_default()
                        .push(i);
                }
            }
        }
        Resources {
            all,
            by_name,
            by_index,
            by_value,
            mentioned: Default::default(),
        }
    }

    /// The instances of type `kind` whose `attr` is `value`.
    fn with_value(&self, kind: &str, attr: &str, value: &str) -> Vec<&'r PlanResource<'a>> {
        let Some(&(_, attr)) = MATCHED_BY_VALUE
            .iter()
            .find(|(k, a)| *k == kind && *a == attr)
        else {
            return Vec::new();
        };
        self.by_value
            .get(&(kind.to_string(), attr, value.to_string()))
            .map(|ids| ids.iter().filter_map(|i| self.all.get(*i)).collect())
            .unwrap_or_default()
    }

    /// The planned instances of type `kind` the targets name.
    fn instances_of(&self, kind: &str, targets: &[Target]) -> Vec<&'r PlanResource<'a>> {
        // Per resource: its literal indexes if any reference has one, else all instances.
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for t in targets {
            let indexed: Vec<&Json> = targets
                .iter()
                .filter(|o| o.module == t.module && o.name == t.name)
                .filter_map(|o| o.index.as_ref())
                .collect();
            let name = format!("{kind}.{}", t.name);
            let candidates: Vec<usize> = if indexed.is_empty() {
                self.by_name.get(&name).cloned().unwrap_or_default()
            } else {
                indexed
                    .iter()
                    .filter_map(|k| index_key(k))
                    .filter_map(|k| self.by_index.get(&(name.clone(), k)))
                    .flatten()
                    .copied()
                    .collect()
            };
            for i in candidates {
                let Some(e) = self.all.get(i) else {
                    continue;
                };
                if !t.module.matches(&e.module) {
                    continue;
                }
                let index_ok = indexed.is_empty()
                    || e.index
                        .is_some_and(|i| indexed.iter().any(|k| same_key(k, i)));
                if index_ok && seen.insert(i) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// The instances of type `kind` whose whole object or one of `attributes` the
    /// configuration references somewhere (the plan's `relevant_attributes`).
    fn mentioned(&self, root: &Json, kind: &str, attributes: &[&str]) -> Vec<&'r PlanResource<'a>> {
        let key = format!("{kind}|{}", attributes.join(","));
        if let Some(ids) = self.mentioned.borrow().get(&key) {
            return ids.iter().filter_map(|i| self.all.get(*i)).collect();
        }
        let mut wanted: HashSet<&str> = HashSet::new();
        let mut prefixes: Vec<String> = Vec::new();
        for entry in root
            .get("relevant_attributes")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(resource) = entry.get("resource").and_then(Json::as_str) else {
                continue;
            };
            let relevant = match entry.get("attribute").and_then(Json::as_array) {
                Some(path) => match path.first() {
                    None => true,
                    Some(Json::String(a)) => attributes.contains(&a.as_str()),
                    Some(_) => false,
                },
                None => false,
            };
            if relevant {
                wanted.insert(resource);
                prefixes.push(format!("{resource}["));
            }
        }
        let mut ids = Vec::new();
        if !wanted.is_empty() {
            for (i, e) in self.all.iter().enumerate() {
                if e.kind != kind {
                    continue;
                }
                // `aws_eip.nat` names every instance; `aws_eip.nat[0]` one.
                let base = match e.address.rfind('[') {
                    Some(at) if e.index.is_some() => &e.address[..at],
                    _ => e.address.as_str(),
                };
                if wanted.contains(e.address.as_str()) || wanted.contains(base) {
                    ids.push(i);
                }
            }
        }
        let out = ids.iter().filter_map(|i| self.all.get(*i)).collect();
        self.mentioned.borrow_mut().insert(key, ids);
        out
    }
}

struct Planner<'a> {
    unit: UnitId,
    file: FileId,
    name: &'a str,
    root: &'a Json,
    spans: &'a PlanSpans,
    vars: Vars,
}

/// What the normalization produces.
#[derive(Default)]
struct Out {
    model: Model,
    /// Declarations already modeled with several possible targets, per module instance,
    /// resource and attribute: one set of associations, not one per instance.
    inexact: HashSet<String>,
}

impl<'a> Planner<'a> {
    fn new(unit: UnitId, file: FileId, name: &'a str, plan: &'a PlanJson) -> Planner<'a> {
        let (root, spans) = (&plan.root, &plan.spans);
        let mut vars = Vars::new();
        for (var, range) in &spans.variables {
            let value = root
                .get("variables")
                .and_then(|v| v.get(var))
                .and_then(|v| v.get("value"));
            let shown = match value {
                Some(Json::String(s)) => format!(" = \"{s}\""),
                Some(v @ (Json::Number(_) | Json::Bool(_))) => format!(" = {v}"),
                _ => String::new(),
            };
            vars.insert(
                var.clone(),
                Origin {
                    span: Span::new(file, range.clone()),
                    label: format!("variable `{var}`{shown} (plan input)"),
                },
            );
        }
        Planner {
            unit,
            file,
            name,
            root,
            spans,
            vars,
        }
    }

    fn run(self) -> Model {
        let mut out = Out::default();
        let complete = self.root.get("complete") != Some(&Json::Bool(false))
            && self.root.get("errored") != Some(&Json::Bool(true));
        out.model.units.push(Unit {
            id: self.unit,
            kind: SourceKind::Terraform,
            name: self.name.to_string(),
            complete,
        });
        let mut changes: HashMap<&'a str, Change<'a>> = HashMap::new();
        if let Some(list) = self.root.get("resource_changes").and_then(Json::as_array) {
            for rc in list {
                let (Some(address), Some(change)) =
                    (rc.get("address").and_then(Json::as_str), rc.get("change"))
                else {
                    continue;
                };
                let created = change
                    .get("actions")
                    .and_then(Json::as_array)
                    .is_some_and(|a| a.iter().any(|x| x.as_str() == Some("create")));
                changes.entry(address).or_insert(Change {
                    unknown: change.get("after_unknown"),
                    created,
                });
            }
        }
        let mut resources = Vec::new();
        if let Some(module) = self
            .root
            .get("planned_values")
            .and_then(|p| p.get("root_module"))
        {
            self.collect(module, "", 0, &changes, &mut resources);
        }
        out.model.resource_count += resources.len();
        let plan = Resources::new(&resources);
        for r in &resources {
            self.resource(r, &plan, &mut out);
        }
        if let Some(region) = self.region() {
            out.model.unit_regions.push((self.unit, region));
        }
        self.ami_lookups(&mut out.model);
        self.outputs(&plan, &mut out.model);
        out.model
    }

    /// The region of the default `provider "aws"`, when literal or a root variable.
    fn region(&self) -> Option<Field<String>> {
        let provider = self
            .root
            .get("configuration")?
            .get("provider_config")?
            .get("aws")?;
        if provider.get("alias").is_some() {
            return None;
        }
        let expression = provider.get("expressions")?.get("region")?;
        let span = self.span(self.spans.region.as_ref());
        if let Some(Json::String(region)) = expression.get("constant_value") {
            return Some(Field {
                value: Value::Known(region.clone()),
                span,
                via: Vec::new(),
            });
        }
        match references(Some(expression)).as_slice() {
            [only] => {
                let name = only.strip_prefix("var.")?;
                let value = self
                    .root
                    .get("variables")?
                    .get(name)?
                    .get("value")?
                    .as_str()?;
                Some(Field {
                    value: Value::Known(value.to_string()),
                    span,
                    via: self.vars.get(name).cloned().into_iter().collect(),
                })
            }
            _ => None,
        }
    }

    fn span(&self, range: Option<&Range<usize>>) -> Span {
        Span::new(self.file, range.cloned().unwrap_or(0..0))
    }

    /// The managed resources of a planned module and its children.
    fn collect(
        &self,
        module: &'a Json,
        module_address: &str,
        depth: usize,
        changes: &HashMap<&'a str, Change<'a>>,
        out: &mut Vec<PlanResource<'a>>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let steps = parse_module_address(module_address);
        if let (Some(list), Some(steps)) = (
            module.get("resources").and_then(Json::as_array),
            steps.as_ref(),
        ) {
            for r in list {
                let (Some(address), Some(kind), Some(name), Some("managed")) = (
                    r.get("address").and_then(Json::as_str),
                    r.get("type").and_then(Json::as_str),
                    r.get("name").and_then(Json::as_str),
                    r.get("mode").and_then(Json::as_str),
                ) else {
                    continue;
                };
                let span = self.span(self.spans.planned.get(address));
                let config = self
                    .config_resource(steps.iter().map(|s| s.name.as_str()), kind, name)
                    .map(|c| {
                        c.get("expressions")
                            .and_then(Json::as_object)
                            .unwrap_or(&*EMPTY)
                    });
                out.push(PlanResource {
                    address: address.to_string(),
                    module: steps.clone(),
                    kind,
                    name,
                    index: r.get("index"),
                    values: r.get("values").and_then(Json::as_object),
                    unknown: changes.get(address).and_then(|c| c.unknown),
                    config,
                    created: changes.get(address).is_some_and(|c| c.created),
                    resource: ResourceRef {
                        address: address.to_string(),
                        kind: kind.to_string(),
                        unit: self.unit,
                        span,
                        body_span: span,
                        conditional: false,
                    },
                });
            }
        }
        if let Some(children) = module.get("child_modules").and_then(Json::as_array) {
            for child in children {
                if let Some(address) = child.get("address").and_then(Json::as_str) {
                    self.collect(child, address, depth + 1, changes, out);
                }
            }
        }
    }

    /// The configuration of a module, by the names of its calls from the root.
    fn config_module<'n>(&self, names: impl Iterator<Item = &'n str>) -> Option<&'a Json> {
        let mut module = self.root.get("configuration")?.get("root_module")?;
        for name in names {
            module = module.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(module)
    }

    /// The configuration of a managed resource.
    fn config_resource<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
        kind: &str,
        name: &str,
    ) -> Option<&'a Json> {
        self.config_module(names)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| {
                r.get("mode").and_then(Json::as_str).unwrap_or("managed") == "managed"
                    && r.get("type").and_then(Json::as_str) == Some(kind)
                    && r.get("name").and_then(Json::as_str) == Some(name)
            })
    }

    fn resource(&self, r: &PlanResource<'a>, plan: &Resources<'_, 'a>, out: &mut Out) {
        let node = Node::of(r);
        let span = r.resource.span;
        let resource = r.resource.clone();
        let vars = &self.vars;
        match r.kind {
            "aws_instance" => {
                out.model.instances.push(Instance {
                    resource: resource.clone(),
                    instance_type: node.field("instance_type", span, vars, as_string),
                });
                self.launch_settings(r, &node, ComputeKind::Instance, plan, &mut out.model);
                self.ami(r, &node, "ami", &mut out.model);
                self.inline_devices(&node, &resource, VolumeOwner::Instance, &mut out.model);
            }
            "aws_launch_configuration" | "aws_launch_template" => {
                let lc = r.kind == "aws_launch_configuration";
                out.model.launch_templates.push(LaunchTemplate {
                    resource: resource.clone(),
                    is_launch_configuration: lc,
                });
                let kind = if lc {
                    ComputeKind::LaunchConfiguration
                } else {
                    ComputeKind::LaunchTemplate
                };
                self.launch_settings(r, &node, kind, plan, &mut out.model);
                self.ami(r, &node, "image_id", &mut out.model);
                if lc {
                    let owner = VolumeOwner::LaunchConfiguration;
                    self.inline_devices(&node, &resource, owner, &mut out.model);
                    return;
                }
                for mapping in node.blocks("block_device_mappings", Some("device_name")) {
                    let device = match mapping.slot("device_name") {
                        Slot::Known(Json::String(d)) => format!("block_device_mappings {d}"),
                        _ => "block_device_mappings".to_string(),
                    };
                    for ebs in mapping.blocks("ebs", None) {
                        let owner = VolumeOwner::LaunchTemplate;
                        let v = self.volume(&ebs, &resource, owner, device.clone());
                        out.model.volumes.push(v);
                    }
                }
            }
            "aws_volume_attachment" => {
                if node.written("volume_id") == Some(false) {
                    return;
                }
                let attach = |model: &mut Model, volume: Value<String>| {
                    model.volume_attachments.push(VolumeAttachment {
                        declared_by: resource.clone(),
                        volume,
                        span,
                    });
                };
                match node.slot("volume_id") {
                    Slot::Null => {}
                    Slot::Known(Json::String(id)) => {
                        // An existing volume: matched by id. None of ours: not our concern.
                        for v in plan.with_value("aws_ebs_volume", "id", id) {
                            attach(&mut out.model, Value::Known(v.address.clone()));
                        }
                    }
                    Slot::Known(_) => attach(&mut out.model, Value::Unknown),
                    Slot::Unknown => {
                        let mut resolution = Resolution::default();
                        let refs = node.references("volume_id");
                        let module = ModSel::exact(&r.module);
                        self.resolve("aws_ebs_volume", &module, &refs, 0, &mut resolution);
                        let mut volumes = plan.instances_of("aws_ebs_volume", &resolution.targets);
                        if resolution.targets.is_empty() {
                            // Through a local or another resource: any volume whose id the
                            // configuration mentions may be the one.
                            volumes = plan.mentioned(self.root, "aws_ebs_volume", &["id", "arn"]);
                        }
                        if volumes.is_empty() {
                            attach(&mut out.model, Value::Unknown);
                        }
                        // Several (`aws_ebs_volume.data[count.index]`): each may be attached.
                        for v in volumes {
                            attach(&mut out.model, Value::Known(v.address.clone()));
                        }
                    }
                }
            }
            "aws_ebs_encryption_by_default" => {
                let enabled = node.field("enabled", span, vars, as_bool).unwrap_or(Field {
                    value: Value::Known(true),
                    span,
                    via: Vec::new(),
                });
                out.model.encryption_by_default.push((self.unit, enabled));
            }
            "aws_ec2_instance_metadata_defaults" => {
                if let Some(tokens) = node.field("http_tokens", span, vars, as_string) {
                    out.model
                        .instance_metadata_defaults
                        .push((self.unit, tokens));
                }
            }
            "aws_ebs_volume" => {
                let default = || {
                    crate::aws_data::AwsData::embedded()
                        .map(|d| d.ebs.default_volume_type.value.clone())
                        .unwrap_or_else(|_| "gp2".to_string())
                };
                let not_written = node.written("type") == Some(false);
                let (value, via, defaulted) = match node.slot("type") {
                    Slot::Known(v) => (
                        as_string(v).map(Value::Known).unwrap_or(Value::Unknown),
                        node.var_origin("type", vars),
                        not_written,
                    ),
                    Slot::Unknown if !not_written => (Value::Unknown, Vec::new(), false),
                    // Null, or computed because not written: the API default.
                    _ => (Value::Known(default()), Vec::new(), true),
                };
                out.model.volumes.push(Volume {
                    owner: VolumeOwner::Standalone,
                    device: String::new(),
                    span,
                    volume_type: Field { value, span, via },
                    type_defaulted: defaulted,
                    size_gib: node.field("size", span, vars, as_f64),
                    iops: node.field("iops", span, vars, as_f64),
                    throughput: node.field("throughput", span, vars, as_f64),
                    encrypted: node.field("encrypted", span, vars, as_bool),
                    snapshot_id: node.field("snapshot_id", span, vars, as_string),
                    kms_key_id: node.field("kms_key_id", span, vars, as_string),
                    resource,
                });
            }
            "aws_eip" => {
                let key = self.eip_key(r);
                let domain = match node.field("domain", span, vars, as_string) {
                    Some(d) => Some(d),
                    None => node
                        .field("vpc", span, vars, as_bool)
                        .map(crate::model::domain_from_vpc),
                };
                for (attr, kind) in [
                    ("instance", AssociationKind::EipInstance),
                    ("network_interface", AssociationKind::EipNetworkInterface),
                ] {
                    // The provider reads back the instance of any association (an
                    // `aws_eip_association` too): only a written attribute declares one.
                    let written = node.written(attr);
                    if written == Some(false) {
                        continue;
                    }
                    let present = match node.slot(attr) {
                        Slot::Null => false,
                        Slot::Known(Json::String(s)) => !s.is_empty(),
                        Slot::Known(_) | Slot::Unknown => true,
                    };
                    if !present {
                        continue;
                    }
                    out.model.eip_associations.push(EipAssociation {
                        declared_by: resource.clone(),
                        kind,
                        eip: Value::Known(key.clone()),
                        span,
                        // Without the configuration, a read-back value is no proof.
                        conditional: written.is_none(),
                    });
                }
                out.model.elastic_ips.push(ElasticIp {
                    resource,
                    key,
                    domain,
                });
            }
            "aws_eip_association" => {
                let attr = [("allocation_id", EipBy::Id), ("public_ip", EipBy::PublicIp)]
                    .into_iter()
                    .find(|(attr, _)| match node.written(attr) {
                        Some(written) => written,
                        None => !matches!(node.slot(attr), Slot::Null),
                    });
                match attr {
                    Some((attr, by)) => {
                        let site = Site {
                            resource: r,
                            node: &node,
                            attr,
                            part: "",
                        };
                        self.association(site, by, AssociationKind::Association, plan, out)
                    }
                    None => out.model.eip_associations.push(EipAssociation {
                        declared_by: resource,
                        kind: AssociationKind::Association,
                        eip: Value::Unknown,
                        span,
                        conditional: false,
                    }),
                }
            }
            "aws_nat_gateway" => {
                // A private NAT gateway has no allocation id: no association.
                let site = Site {
                    resource: r,
                    node: &node,
                    attr: "allocation_id",
                    part: "",
                };
                if node.written("allocation_id") != Some(false) {
                    self.association(site, EipBy::Id, AssociationKind::NatGateway, plan, out);
                }
            }
            "aws_lb" | "aws_alb" => {
                let mappings = node.blocks("subnet_mapping", Some("subnet_id"));
                for (i, mapping) in mappings.iter().enumerate() {
                    if mapping.written("allocation_id") == Some(false) {
                        continue;
                    }
                    let part = format!("subnet_mapping {i}");
                    let site = Site {
                        resource: r,
                        node: mapping,
                        attr: "allocation_id",
                        part: &part,
                    };
                    self.association(site, EipBy::Id, AssociationKind::LoadBalancer, plan, out);
                }
            }
            _ => {}
        }
    }

    /// The image of an instance or template. A plan resolves a lookup (`data.aws_ami`, an
    /// SSM parameter) to a literal id, which is not pinned in the configuration: such an
    /// image is unknown. Constants and root variables are kept.
    fn ami(&self, r: &PlanResource<'a>, node: &Node<'a>, key: &str, model: &mut Model) {
        let Some(mut image) = node.field(key, r.resource.span, &self.vars, as_string) else {
            return;
        };
        if node.config.is_some()
            && !self.is_static(&ModSel::exact(&r.module), &node.references(key), 0)
        {
            image.value = Value::Unknown;
            image.via.clear();
        }
        model.ami_refs.push(AmiRef {
            resource: r.resource.clone(),
            attribute: key.to_string(),
            image,
        });
    }

    /// Instance type, metadata options, public IP settings and launch template of an
    /// instance, launch template or launch configuration.
    fn launch_settings(
        &self,
        r: &PlanResource<'a>,
        node: &Node<'a>,
        kind: ComputeKind,
        plan: &Resources<'_, 'a>,
        model: &mut Model,
    ) {
        let span = r.resource.span;
        let vars = &self.vars;
        let mut http_tokens = None;
        let mut http_endpoint = None;
        for block in node.blocks("metadata_options", None) {
            http_tokens = block.field("http_tokens", span, vars, as_string);
            http_endpoint = block.field("http_endpoint", span, vars, as_string);
        }
        let mut public_ip = Vec::new();
        if let Some(f) = node.field("associate_public_ip_address", span, vars, as_bool_ish) {
            public_ip.push(f);
        }
        if kind == ComputeKind::LaunchTemplate {
            for block in node.blocks("network_interfaces", None) {
                let field = block.field("associate_public_ip_address", span, vars, as_bool_ish);
                public_ip.extend(field);
            }
        }
        let mut launch_template = None;
        if kind == ComputeKind::Instance {
            for block in node.blocks("launch_template", None) {
                launch_template = Some(self.launch_template_target(r, &block, plan));
            }
        }
        model.launch_settings.push(LaunchSettings {
            resource: r.resource.clone(),
            kind,
            instance_type: node.field("instance_type", span, vars, as_string),
            http_tokens,
            http_endpoint,
            public_ip,
            launch_template,
        });
    }

    /// The `aws_launch_template` an instance's `launch_template` block names.
    fn launch_template_target(
        &self,
        r: &PlanResource<'a>,
        block: &Node<'a>,
        plan: &Resources<'_, 'a>,
    ) -> Value<String> {
        for key in ["id", "name"] {
            if block.written(key) == Some(false) {
                continue;
            }
            match block.slot(key) {
                Slot::Null => continue,
                Slot::Known(Json::String(v)) => {
                    let found = plan.with_value("aws_launch_template", key, v);
                    return match found.as_slice() {
                        [one] => Value::Known(one.address.clone()),
                        _ => Value::Unknown,
                    };
                }
                Slot::Known(_) => return Value::Unknown,
                Slot::Unknown => {
                    let mut resolution = Resolution::default();
                    let module = ModSel::exact(&r.module);
                    let refs = block.references(key);
                    self.resolve("aws_launch_template", &module, &refs, 0, &mut resolution);
                    let found = plan.instances_of("aws_launch_template", &resolution.targets);
                    return match found.as_slice() {
                        [one] if !resolution.opaque => Value::Known(one.address.clone()),
                        _ => Value::Unknown,
                    };
                }
            }
        }
        Value::Unknown
    }

    fn inline_devices(
        &self,
        node: &Node<'a>,
        resource: &ResourceRef,
        owner: VolumeOwner,
        model: &mut Model,
    ) {
        for block in node.blocks("root_block_device", None) {
            let v = self.volume(&block, resource, owner, "root_block_device".to_string());
            model.volumes.push(v);
        }
        for block in node.blocks("ebs_block_device", Some("device_name")) {
            let device = match block.slot("device_name") {
                Slot::Known(Json::String(d)) => format!("ebs_block_device {d}"),
                _ => "ebs_block_device".to_string(),
            };
            let v = self.volume(&block, resource, owner, device);
            model.volumes.push(v);
        }
    }

    /// An inline block device: without a known `volume_type` the type is unknown (the AMI's
    /// mapping decides).
    fn volume(
        &self,
        node: &Node<'a>,
        resource: &ResourceRef,
        owner: VolumeOwner,
        device: String,
    ) -> Volume {
        let span = resource.span;
        let vars = &self.vars;
        let volume_type = node
            .field("volume_type", span, vars, as_string)
            .unwrap_or(Field {
                value: Value::Unknown,
                span,
                via: Vec::new(),
            });
        Volume {
            resource: resource.clone(),
            owner,
            device,
            span,
            volume_type,
            type_defaulted: false,
            size_gib: node.field("volume_size", span, vars, as_f64),
            iops: node.field("iops", span, vars, as_f64),
            throughput: node.field("throughput", span, vars, as_f64),
            encrypted: node.field("encrypted", span, vars, as_bool),
            snapshot_id: node.field("snapshot_id", span, vars, as_string),
            kms_key_id: node.field("kms_key_id", span, vars, as_string),
        }
    }

    /// The associations an attribute declares.
    fn association(
        &self,
        site: Site<'_, 'a>,
        by: EipBy,
        kind: AssociationKind,
        plan: &Resources<'_, 'a>,
        out: &mut Out,
    ) {
        let r = site.resource;
        let declared_by = &r.resource;
        let push = |model: &mut Model, eip: Value<EipKey>, conditional: bool| {
            model.eip_associations.push(EipAssociation {
                declared_by: declared_by.clone(),
                kind,
                eip,
                span: declared_by.span,
                conditional,
            });
        };
        match site.node.slot(site.attr) {
            Slot::Null => {}
            Slot::Known(Json::String(s)) if s.is_empty() => {}
            Slot::Known(Json::String(s)) => {
                // A known id: an EIP already in the state, matched by value. None of ours:
                // an address allocated outside this plan.
                let matched: Vec<&PlanResource<'a>> = by
                    .attributes()
                    .iter()
                    .flat_map(|attr| plan.with_value("aws_eip", attr, s))
                    .fold(Vec::new(), |mut acc, e| {
                        if !acc
                            .iter()
                            .any(|o: &&PlanResource<'a>| o.address == e.address)
                        {
                            acc.push(e);
                        }
                        acc
                    });
                let conditional = matched.len() > 1;
                for e in matched {
                    push(&mut out.model, Value::Known(self.eip_key(e)), conditional);
                }
            }
            Slot::Known(_) => push(&mut out.model, Value::Unknown, false),
            Slot::Unknown => {
                // The same expression in the same module instance resolves the same way.
                let module: Vec<String> = r
                    .module
                    .iter()
                    .map(|s| format!("{}{:?}", s.name, s.key))
                    .collect();
                let key = format!(
                    "{}|{}.{}|{}|{}",
                    module.join("."),
                    r.kind,
                    r.name,
                    site.part,
                    site.attr
                );
                if out.inexact.contains(&key) {
                    return;
                }
                let mut resolution = Resolution::default();
                // No expression: a `dynamic` block, left out of the configuration section.
                let refs = references(site.node.expression(site.attr));
                let module = ModSel::exact(&r.module);
                self.resolve("aws_eip", &module, &refs, 0, &mut resolution);
                let (eips, inexact) = if resolution.targets.is_empty() {
                    // Through a local (not in the plan's configuration), another resource or
                    // a `dynamic` block: the EIPs the configuration mentions anywhere are each
                    // possibly the one.
                    let mentioned = plan.mentioned(self.root, "aws_eip", by.attributes());
                    if mentioned.is_empty() {
                        push(&mut out.model, Value::Unknown, false);
                        return;
                    }
                    (mentioned, true)
                } else {
                    let eips = plan.instances_of("aws_eip", &resolution.targets);
                    let inexact = eips.len() > 1 || resolution.opaque;
                    (eips, inexact)
                };
                if inexact {
                    // Several possible targets (a counted EIP picked by `count.index`), or a
                    // value that may come from elsewhere: each is possibly the one, modeled
                    // once per declaring resource and module instance.
                    out.inexact.insert(key);
                    for e in eips {
                        push(&mut out.model, Value::Known(self.eip_key(e)), true);
                    }
                } else {
                    for e in eips {
                        push(&mut out.model, Value::Known(self.eip_key(e)), false);
                    }
                }
            }
        }
    }

    fn eip_key(&self, e: &PlanResource<'_>) -> EipKey {
        EipKey {
            unit: self.unit,
            address: e.address.clone(),
        }
    }

    /// Follows references from `module` to resources of type `kind`: those of the module,
    /// module outputs into the child, variables of a child module into the call's arguments
    /// in the parent.
    fn resolve(
        &self,
        kind: &str,
        module: &ModSel,
        refs: &[String],
        depth: usize,
        out: &mut Resolution,
    ) {
        if depth > MAX_DEPTH {
            out.opaque = true;
            return;
        }
        for reference in refs {
            let Some(segs) = parse_traversal(reference) else {
                out.opaque = true;
                continue;
            };
            let name_at = |i: usize| match segs.get(i) {
                Some(TSeg::Name(n)) => Some(n.as_str()),
                _ => None,
            };
            match name_at(0) {
                // Known at plan time (root variables, `count.index`, `each.*`...): had the
                // value come from them, it would be known.
                Some("count" | "each" | "path" | "terraform" | "self") => {}
                Some("var") if module.0.is_empty() => {}
                Some("var") => {
                    let Some(var) = name_at(1) else {
                        out.opaque = true;
                        continue;
                    };
                    let parent = ModSel(module.0[..module.0.len() - 1].to_vec());
                    let call = module.0.last().map(|(n, _)| n.as_str()).unwrap_or("");
                    let argument = self
                        .config_module(parent.names())
                        .and_then(|m| m.get("module_calls"))
                        .and_then(|c| c.get(call))
                        .and_then(|c| c.get("expressions"))
                        .and_then(|e| e.get(var));
                    // No argument: the variable's default, known, so not where an unknown
                    // value came from.
                    if let Some(a) = argument {
                        self.resolve(kind, &parent, &references(Some(a)), depth + 1, out);
                    }
                }
                Some(k) if k == kind => match name_at(1) {
                    Some(name) => {
                        let index = match segs.get(2) {
                            Some(TSeg::Index(k)) if !k.is_null() => Some(k.clone()),
                            _ => None,
                        };
                        let target = Target {
                            module: module.clone(),
                            name: name.to_string(),
                            index,
                        };
                        if !out.targets.contains(&target) {
                            out.targets.push(target);
                        }
                    }
                    None => out.opaque = true,
                },
                Some("module") => {
                    let Some(call) = name_at(1) else {
                        out.opaque = true;
                        continue;
                    };
                    let (key, output_at) = match segs.get(2) {
                        Some(TSeg::Index(k)) if !k.is_null() => (KeySel::Exact(Some(k.clone())), 3),
                        Some(TSeg::Index(_)) => (KeySel::Any, 3),
                        _ => (KeySel::Any, 2),
                    };
                    let Some(output) = name_at(output_at) else {
                        // `module.net` itself, listed next to `module.net.eip_id`.
                        let more = refs.iter().any(|o| {
                            o != reference
                                && (o.starts_with(&format!("{reference}."))
                                    || o.starts_with(&format!("{reference}[")))
                        });
                        if !more {
                            out.opaque = true;
                        }
                        continue;
                    };
                    let mut child = module.clone();
                    child.0.push((call.to_string(), key));
                    let expression = self
                        .config_module(child.names())
                        .and_then(|m| m.get("outputs"))
                        .and_then(|o| o.get(output))
                        .and_then(|o| o.get("expression"));
                    match expression {
                        Some(e) => self.resolve(kind, &child, &references(Some(e)), depth + 1, out),
                        None => out.opaque = true,
                    }
                }
                // Locals (not in the plan's configuration), data sources, other resources.
                _ => out.opaque = true,
            }
        }
    }

    /// `data "aws_ami"` lookups read at plan time (`prior_state`).
    fn ami_lookups(&self, model: &mut Model) {
        let Some(module) = self
            .root
            .get("prior_state")
            .and_then(|s| s.get("values"))
            .and_then(|v| v.get("root_module"))
        else {
            return;
        };
        let mut stack = vec![(module, 0usize)];
        while let Some((module, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                continue;
            }
            for r in module
                .get("resources")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let (Some(address), Some("data"), Some("aws_ami")) = (
                    r.get("address").and_then(Json::as_str),
                    r.get("mode").and_then(Json::as_str),
                    r.get("type").and_then(Json::as_str),
                ) else {
                    continue;
                };
                let span = self.span(self.spans.prior.get(address));
                let node = Node {
                    values: r.get("values").and_then(Json::as_object),
                    unknown: None,
                    config: None,
                    root: false,
                    created: false,
                };
                model.ami_lookups.push(AmiLookup {
                    resource: ResourceRef {
                        address: address.to_string(),
                        kind: "aws_ami".to_string(),
                        unit: self.unit,
                        span,
                        body_span: span,
                        conditional: false,
                    },
                    most_recent: node.field("most_recent", span, &self.vars, as_bool),
                    owners: node.field("owners", span, &self.vars, as_strings),
                    owner_filter: r
                        .get("values")
                        .and_then(|v| v.get("filter"))
                        .and_then(Json::as_array)
                        .is_some_and(|filters| {
                            filters.iter().any(|f| {
                                matches!(
                                    f.get("name").and_then(Json::as_str),
                                    Some("owner-id" | "owner-alias")
                                )
                            })
                        }),
                });
            }
            for child in module
                .get("child_modules")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                stack.push((child, depth + 1));
            }
        }
    }

    /// Root outputs that expose an EIP or a volume: it may be associated or attached by
    /// another configuration.
    fn outputs(&self, plan: &Resources<'_, 'a>, model: &mut Model) {
        let Some(outputs) = self
            .config_module(std::iter::empty())
            .and_then(|m| m.get("outputs"))
            .and_then(Json::as_object)
        else {
            return;
        };
        let root = ModSel(Vec::new());
        for (name, output) in outputs {
            let refs = references(output.get("expression"));
            let span = self.span(self.spans.outputs.get(name));
            let context = format!("output `{name}`");
            let at = |e: &PlanResource<'_>| {
                if span.is_empty() {
                    e.resource.span
                } else {
                    span
                }
            };
            let mut eips = Resolution::default();
            self.resolve("aws_eip", &root, &refs, 0, &mut eips);
            for e in plan.instances_of("aws_eip", &eips.targets) {
                model.eip_escapes.push(EipEscape {
                    eip: self.eip_key(e),
                    span: at(e),
                    context: context.clone(),
                });
            }
            let mut volumes = Resolution::default();
            self.resolve("aws_ebs_volume", &root, &refs, 0, &mut volumes);
            for v in plan.instances_of("aws_ebs_volume", &volumes.targets) {
                model.volume_escapes.push(Escape {
                    unit: self.unit,
                    address: v.address.clone(),
                    span: at(v),
                    context: context.clone(),
                });
            }
        }
    }

    /// Whether the references of a value lead only to constants and root variables (a value
    /// written in the configuration), not to a data source, a resource or a local.
    fn is_static(&self, module: &ModSel, refs: &[String], depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        refs.iter().all(|reference| {
            let Some(segs) = parse_traversal(reference) else {
                return false;
            };
            match segs.first() {
                Some(TSeg::Name(n))
                    if matches!(n.as_str(), "count" | "each" | "path" | "terraform") =>
                {
                    true
                }
                Some(TSeg::Name(n)) if n == "var" && module.0.is_empty() => true,
                Some(TSeg::Name(n)) if n == "var" => {
                    let Some(TSeg::Name(var)) = segs.get(1) else {
                        return false;
                    };
                    let parent = ModSel(module.0[..module.0.len() - 1].to_vec());
                    let call = module.0.last().map(|(n, _)| n.as_str()).unwrap_or("");
                    match self
                        .config_module(parent.names())
                        .and_then(|m| m.get("module_calls"))
                        .and_then(|c| c.get(call))
                        .and_then(|c| c.get("expressions"))
                        .and_then(|e| e.get(var.as_str()))
                    {
                        Some(a) => self.is_static(&parent, &references(Some(a)), depth + 1),
                        // The variable's default.
                        None => true,
                    }
                }
                _ => false,
            }
        })
    }
}

/// Where an association is declared: an attribute of a resource (or of one of its blocks).
#[derive(Clone, Copy)]
struct Site<'s, 'a> {
    resource: &'s PlanResource<'a>,
    node: &'s Node<'a>,
    attr: &'s str,
    /// The block, for several in one resource (`subnet_mapping 0`).
    part: &'s str,
}

static EMPTY: std::sync::LazyLock<Obj> = std::sync::LazyLock::new(Obj::new);

#[derive(Clone, Copy)]
enum EipBy {
    /// `allocation_id`: the EIP's `id` / `allocation_id`.
    Id,
    /// `public_ip`.
    PublicIp,
}

impl EipBy {
    /// The EIP attributes whose mention may be this association's value.
    fn attributes(self) -> &'static [&'static str] {
        match self {
            EipBy::Id => &["id", "allocation_id"],
            EipBy::PublicIp => &["public_ip"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Model {
        normalize(UnitId(0), FileId(0), "plan.json", text).expect("valid JSON")
    }

    #[test]
    fn sniff() {
        assert!(is_plan(r#"{"format_version":"1.2","planned_values":{}}"#));
        assert!(!is_plan(r#"{"format_version":"1.0","values":{}}"#));
        assert!(!is_plan(r#"{"AWSTemplateFormatVersion":"2010-09-09"}"#));
    }

    #[test]
    fn invalid_json_points_at_the_error() {
        let text = "{\"format_version\": \"1.2\",\n  \"planned_values\": {,}}";
        let (message, range) = normalize(UnitId(0), FileId(0), "p", text).unwrap_err();
        assert!(message.starts_with("invalid plan JSON"), "{message}");
        assert_eq!(&text[range.start..range.start + 1], ",");
        let (_, range) = normalize(UnitId(0), FileId(0), "p", "{\"a\": ").unwrap_err();
        assert!(range.start <= 6);
        let (_, range) = normalize(UnitId(0), FileId(0), "p", "").unwrap_err();
        assert_eq!(range, 0..0);
    }

    #[test]
    fn a_byte_order_mark_is_accepted_with_exact_offsets() {
        // Before: "invalid plan JSON: expected value" at 1:1.
        let text = "\u{feff}{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"resources\":[{\"address\":\"aws_eip.a\",\"mode\":\"managed\",\"type\":\"aws_eip\",\"name\":\"a\",\"values\":{\"domain\":\"vpc\"}}]}}}";
        let plan = parse(text).expect("a BOM is accepted");
        let a = plan.spans.planned.get("aws_eip.a").expect("the address");
        assert_eq!(&text[a.clone()], "\"aws_eip.a\"");
        assert_eq!(run(text).elastic_ips.len(), 1);
        let text = "\u{feff}{\"format_version\": ,}";
        let (_, range) = parse(text).unwrap_err();
        assert_eq!(&text[range.start..range.start + 1], ",");
    }

    #[test]
    fn numbers_beyond_f64_are_unknown() {
        // terraform 1.11 writes `1e400` in full; serde_json alone says "number out of range".
        let huge = format!("1{}", "0".repeat(400));
        let text = format!(
            r#"{{"format_version":"1.2","variables":{{"n":{{"value":{huge}}}}},"planned_values":{{"root_module":{{"resources":[{{"address":"aws_ebs_volume.v","mode":"managed","type":"aws_ebs_volume","name":"v","values":{{"availability_zone":"a","type":"gp3","size":{huge},"iops":1e-400,"throughput":125,"note":"1e400"}}}}]}}}}}}"#
        );
        let model = run(&text);
        let v = &model.volumes[0];
        assert_eq!(
            v.size_gib.as_ref().map(|f| f.value.clone()),
            Some(Value::Unknown)
        );
        assert_eq!(
            v.iops.as_ref().map(|f| f.value.clone()),
            Some(Value::Unknown)
        );
        assert_eq!(
            v.throughput.as_ref().and_then(|f| f.value.known().copied()),
            Some(125.0)
        );
        // Numbers inside strings are left alone; spans are exact.
        assert_eq!(numbers_beyond_f64(&text).len(), 3);
        let plan = parse(&text).unwrap();
        let at = plan.spans.planned.get("aws_ebs_volume.v").unwrap();
        assert_eq!(&text[at.clone()], "\"aws_ebs_volume.v\"");
        // Errors elsewhere are still located.
        let text = format!("{{\"a\": {huge}, ,}}");
        let (message, range) = parse(&text).unwrap_err();
        assert_eq!(&text[range.start..range.start + 1], ",", "{message}");
    }

    #[test]
    fn garbage_shapes_do_not_panic() {
        for text in [
            "[]",
            "null",
            "42",
            "\"planned_values\"",
            r#"{"format_version":"1.2","planned_values":null}"#,
            r#"{"format_version":"1.2","planned_values":[]}"#,
            r#"{"planned_values":{"root_module":{"resources":{}}}}"#,
            r#"{"planned_values":{"root_module":{"resources":[1,"x",null,[],{}]}}}"#,
            r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_eip.a","mode":"managed","type":"aws_eip","name":"a"}]}}}"#,
            r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_ebs_volume.a","mode":"managed","type":"aws_ebs_volume","name":"a","values":[]}]}}}"#,
            r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_ebs_volume.a","mode":"managed","type":"aws_ebs_volume","name":"a","values":{"type":7,"size":"big","iops":{},"encrypted":"yes"}}]}}}"#,
            r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","values":{"root_block_device":{"x":1},"ebs_block_device":[1,null,{"device_name":5}],"ami":[]}}]}}}"#,
            r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_launch_template.a","mode":"managed","type":"aws_launch_template","name":"a","values":{"block_device_mappings":[{"ebs":true},{"ebs":[null,3]},7]}}]}}}"#,
            r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_eip_association.a","mode":"managed","type":"aws_eip_association","name":"a","values":{"allocation_id":5}}]}},"configuration":{"root_module":{"resources":[{"mode":"managed","type":"aws_eip_association","name":"a","expressions":{"allocation_id":{"references":[5,"module","module.","aws_eip","aws_eip.[","var.x[","module.m[\"a].o"]}}}]}}}"#,
            r#"{"planned_values":{"root_module":{"child_modules":[{"address":7},{"address":"not a module","resources":[{"address":"x","mode":"managed","type":"aws_eip","name":"x"}]},{"address":"module.m[","resources":[]}]}},"resource_changes":[1,{"address":"x","change":{"after_unknown":[]}}]}"#,
            r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_lb.a","mode":"managed","type":"aws_lb","name":"a","values":{"subnet_mapping":"x"}}]}},"configuration":{"root_module":{"resources":[{"type":"aws_lb","name":"a","expressions":{"subnet_mapping":[1,{"allocation_id":{"references":["module.x.y"]}}]}}],"outputs":{"o":{"expression":{"references":["aws_eip.nope"]}},"p":7}}},"prior_state":{"values":{"root_module":{"resources":[{"address":"data.aws_ami.a","mode":"data","type":"aws_ami","name":"a","values":{"owners":[1],"most_recent":"no"}}]}}}}"#,
        ] {
            let _ = run(text);
        }
    }

    #[test]
    fn deep_module_references_stop() {
        // A module whose output refers to itself through its own call: followed to the depth
        // limit, then opaque.
        let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
            {"address":"aws_nat_gateway.n","mode":"managed","type":"aws_nat_gateway","name":"n","values":{}}]}},
            "configuration":{"root_module":{"resources":[{"mode":"managed","type":"aws_nat_gateway","name":"n",
              "expressions":{"allocation_id":{"references":["module.m.o"]}}}],
              "module_calls":{"m":{"expressions":{"v":{"references":["module.m.o"]}},
                "module":{"outputs":{"o":{"expression":{"references":["var.v"]}}}}}}}}}"#;
        let m = run(text);
        assert_eq!(m.eip_associations.len(), 1);
        assert_eq!(m.eip_associations[0].eip, Value::Unknown);
    }

    #[test]
    fn spans_find_addresses_by_path() {
        let text = r#"{"format_version":"1.2","variables":{"t":{"value":"io1"}},"planned_values":{"outputs":{"o":{"value":{"address":"aws_eip.a"}}},"root_module":{"resources":[{"address":"aws_eip.a","mode":"managed","type":"aws_eip","name":"a","values":{"tags":{"address":"aws_eip.b"}}}],"child_modules":[{"address":"module.m[\"k\"]","resources":[{"address":"module.m[\"k\"].aws_eip.b","mode":"managed","type":"aws_eip","name":"b","values":{}}]}]}}}"#;
        let spans = scan_spans(text);
        let a = spans.planned.get("aws_eip.a").expect("root resource");
        assert_eq!(&text[a.clone()], "\"aws_eip.a\"");
        assert!(a.start > text.find("\"root_module\"").unwrap());
        assert!(
            !spans.planned.contains_key("aws_eip.b"),
            "a tag is not an address"
        );
        let b = spans
            .planned
            .get("module.m[\"k\"].aws_eip.b")
            .expect("module resource");
        assert_eq!(&text[b.clone()], r#""module.m[\"k\"].aws_eip.b""#);
        assert_eq!(&text[spans.variables["t"].clone()], "\"t\"");
        assert_eq!(&text[spans.outputs["o"].clone()], "\"o\"");
        let m = run(text);
        assert_eq!(m.elastic_ips.len(), 2);
        assert_eq!(
            m.elastic_ips[1].resource.address,
            "module.m[\"k\"].aws_eip.b"
        );
        assert_eq!(m.elastic_ips[1].resource.span.start, b.start);
    }

    #[test]
    fn traversals() {
        assert_eq!(
            parse_traversal("aws_eip.nat[1].id"),
            Some(vec![
                TSeg::Name("aws_eip".into()),
                TSeg::Name("nat".into()),
                TSeg::Index(Json::from(1u64)),
                TSeg::Name("id".into()),
            ])
        );
        assert_eq!(
            parse_traversal(r#"module.x["a.b]"].out"#).map(|s| s.len()),
            Some(4)
        );
        assert_eq!(parse_traversal("a..b"), None);
        assert_eq!(parse_traversal("a[count.index]").map(|s| s.len()), Some(2));
        assert_eq!(
            parse_module_address(r#"module.a["k"].module.b"#),
            Some(vec![
                ModStep {
                    name: "a".into(),
                    key: Some(Json::String("k".into()))
                },
                ModStep {
                    name: "b".into(),
                    key: None
                },
            ])
        );
        assert_eq!(parse_module_address("aws_eip.x"), None);
    }

    #[test]
    fn known_allocation_ids_match_by_value() {
        // The EIP is in the state already: its id is known, and so is the association's.
        let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
            {"address":"aws_eip.a","mode":"managed","type":"aws_eip","name":"a","values":{"id":"eipalloc-1","domain":"vpc","instance":"i-1"}},
            {"address":"aws_eip.b","mode":"managed","type":"aws_eip","name":"b","values":{"id":"eipalloc-2","domain":"vpc"}},
            {"address":"aws_eip_association.a","mode":"managed","type":"aws_eip_association","name":"a","values":{"allocation_id":"eipalloc-1"}},
            {"address":"aws_nat_gateway.n","mode":"managed","type":"aws_nat_gateway","name":"n","values":{"allocation_id":"eipalloc-elsewhere"}}]}},
            "configuration":{"root_module":{"resources":[
              {"mode":"managed","type":"aws_eip","name":"a","expressions":{"domain":{"constant_value":"vpc"}}},
              {"mode":"managed","type":"aws_eip","name":"b","expressions":{}},
              {"mode":"managed","type":"aws_eip_association","name":"a","expressions":{"allocation_id":{"references":["aws_eip.a.id","aws_eip.a"]}}},
              {"mode":"managed","type":"aws_nat_gateway","name":"n","expressions":{"allocation_id":{"constant_value":"eipalloc-elsewhere"}}}]}},
            "prior_state":{"values":{"root_module":{"resources":[
              {"address":"data.aws_ami.u","mode":"data","type":"aws_ami","name":"u","values":{"most_recent":true,"owners":["099720109477"]}}]}}}}"#;
        let m = run(text);
        // `instance` read back from the association, not written: no second association.
        assert_eq!(m.eip_associations.len(), 1, "{:?}", m.eip_associations);
        assert_eq!(
            m.eip_associations[0].eip,
            Value::Known(EipKey {
                unit: UnitId(0),
                address: "aws_eip.a".into()
            })
        );
        assert!(!m.eip_associations[0].conditional);
        assert_eq!(m.ami_lookups.len(), 1);
        let lookup = &m.ami_lookups[0];
        assert_eq!(lookup.resource.address, "data.aws_ami.u");
        assert_eq!(
            lookup.owners.as_ref().and_then(|o| o.known()),
            Some(&vec!["099720109477".to_string()])
        );
        assert_eq!(
            &text[lookup.resource.span.start..lookup.resource.span.end],
            "\"data.aws_ami.u\""
        );
    }

    #[test]
    fn read_back_values_are_not_settings() {
        // An existing gp2 volume: the state has its baseline `iops` and `encrypted`, which
        // the configuration does not write.
        let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
            {"address":"aws_ebs_volume.v","mode":"managed","type":"aws_ebs_volume","name":"v",
             "values":{"id":"vol-1","type":"gp2","size":100,"iops":300,"throughput":0,"encrypted":false}}]}},
            "resource_changes":[{"address":"aws_ebs_volume.v","change":{"actions":["no-op"],"after_unknown":{}}}],
            "configuration":{"root_module":{"resources":[{"mode":"managed","type":"aws_ebs_volume","name":"v",
              "expressions":{"size":{"constant_value":100}}}]}}}"#;
        let m = run(text);
        let v = &m.volumes[0];
        assert_eq!(v.volume_type.known().map(String::as_str), Some("gp2"));
        assert!(v.type_defaulted);
        assert_eq!(v.size_gib.as_ref().and_then(|f| f.known()), Some(&100.0));
        assert!(v.iops.is_none());
        assert!(v.throughput.is_none());
        assert!(v.encrypted.is_none());
    }

    #[test]
    fn an_image_looked_up_is_not_pinned() {
        // The plan resolves `ami = data.aws_ami.u.id` to a literal id: not pinned in the
        // configuration, so unknown (ami-stale must not call it pinned). A variable is kept.
        let text = r#"{"format_version":"1.2","variables":{"img":{"value":"ami-2"}},"planned_values":{"root_module":{"resources":[
            {"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","values":{"ami":"ami-1"}},
            {"address":"aws_instance.b","mode":"managed","type":"aws_instance","name":"b","values":{"ami":"ami-2"}}]}},
            "configuration":{"root_module":{"resources":[
              {"mode":"managed","type":"aws_instance","name":"a","expressions":{"ami":{"references":["data.aws_ami.u.id","data.aws_ami.u"]}}},
              {"mode":"managed","type":"aws_instance","name":"b","expressions":{"ami":{"references":["var.img"]}}}]}}}"#;
        let m = run(text);
        assert_eq!(m.ami_refs.len(), 2);
        assert_eq!(m.ami_refs[0].image.value, Value::Unknown);
        assert_eq!(
            m.ami_refs[1].image.known().map(String::as_str),
            Some("ami-2")
        );
        assert_eq!(m.ami_refs[1].image.via.len(), 1);
    }
}
