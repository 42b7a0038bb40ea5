//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` lists every registered rule (so alerts keep their rule
//! metadata even when a run has no finding of it; compliance and security rules with their
//! own `security-severity`, `RuleMeta::security_severity`); results point into files relative to
//! `%SRCROOT%`, the repository's root (the nearest directory above the current one with a
//! `.git`, or `--root DIR`), so that code scanning maps alerts to files whatever directory
//! the CI step ran in; a file outside the root is an absolute `file:` URI. `automationDetails`
//! names the analysis (`infralint/`). Findings silenced by a suppression are results too, with
//! `suppressions: [{kind: "inSource", justification: <the reason>}]` (GitHub shows them as
//! dismissed). `partialFingerprints` hash the rule, file, resource and
//! primary source text, not the line, so alerts survive lines moving. Run errors are
//! `toolExecutionNotifications` of the invocation.

use foldhash::HashMap;

use serde_json::{json, Map, Value};

use crate::baseline::{fingerprint_hash, fnv1a64};
use crate::engine::{CheckResult, RunError};
use crate::finding::{Category, Finding, Label, Severity};
use crate::rules::{self, RuleMeta};
use crate::source::{SourceMap, Span};

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/infralint/infralint";
/// The key of our entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "infralintFingerprint/v1";
/// The `uriBaseId` of every relative location: the repository's root (see [`source_root`]).
pub const SRCROOT: &str = "%SRCROOT%";
/// `automationDetails.id`: the analysis's category (GitHub keeps one set of alerts per tool
/// and category; a workflow that checks several trees sets its own with the upload's
/// `category` input).
pub const AUTOMATION_ID: &str = "infralint/";

/// The directory `%SRCROOT%` stands for: `explicit` (`--root DIR`), else the nearest
/// directory at or above the current one that holds a `.git` (a directory, or a file in a
/// worktree or submodule), else the current directory. Absolute and without symbolic links
/// where the file system allows.
pub fn source_root(explicit: Option<&std::path::Path>) -> std::path::PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(dir) = explicit {
        let dir = cwd.join(dir);
        return std::fs::canonicalize(&dir).unwrap_or(dir);
    }
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&cwd)
        .to_path_buf()
}

/// `https://github.com/infralint/infralint/blob/main/rules/<id>.md`.
pub fn help_uri(rule: &str) -> String {
    format!("{INFORMATION_URI}/blob/main/rules/{rule}.md")
}

/// `eip-unattached` -> `EipUnattached`.
pub fn camel_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The first paragraph of the doc's `## What it does` section, reflowed to one line, with the
/// lists or tables it introduces when it ends with a colon ("Reports a volume when either of
/// these is true:" says nothing without its list); `None` when the doc has no such paragraph.
pub fn what_it_does(doc: &str) -> Option<String> {
    let mut lines = doc.lines().skip_while(|l| l.trim() != "## What it does");
    lines.next()?;
    let section: Vec<&str> = lines.take_while(|l| !l.starts_with('#')).collect();
    let mut blocks = section
        .split(|l| l.trim().is_empty())
        .filter(|b| !b.is_empty());
    let first = blocks.next()?;
    let mut text = first.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    if text.ends_with(':') {
        let is_list = |l: &str| {
            let l = l.trim_start();
            l.starts_with("- ")
                || l.starts_with("* ")
                || l.starts_with('|')
                || l.split_once(". ")
                    .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        for block in blocks.take_while(|b| b.first().is_some_and(|l| is_list(l))) {
            text.push('\n');
            text.push_str(&block.join("\n"));
        }
    }
    Some(text)
}

/// SARIF `level`.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity`: the rule's score ([`RuleMeta::security_severity`]) as a
/// string with one decimal.
pub fn security_severity(score: f64) -> String {
    format!("{score:.1}")
}

/// Percent-encodes a path for a URI: everything but RFC 3986 unreserved characters and `/`
/// (and `:` when `keep_colon`, for a Windows drive in a `file:` URI). Encoding `:` in relative
/// paths keeps `a:b.tf` from reading as a URI with scheme `a`.
pub fn encode_path(path: &str, keep_colon: bool) -> String {
    encode_bytes(path.as_bytes(), keep_colon)
}

/// [`encode_path`] of a path's bytes (which need not be UTF-8).
fn encode_bytes(path: &[u8], keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if keep_colon => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `file:` URI for an absolute path; `dir` adds the trailing slash SARIF wants on a base.
pub fn file_uri(path: &str, dir: bool) -> String {
    let mut p = path.replace('\\', "/");
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if dir && !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{}", encode_path(&p, true))
}

/// The artifact location of a displayed path (relative to the current directory, or
/// absolute): relative to `%SRCROOT%` when the file is under `root`, an absolute `file:` URI
/// otherwise. The URI encodes the file's real name: the display's escapes (a newline, a byte
/// that is not UTF-8, see `display::escape_os`) are read back and percent-encoded.
fn artifact_location(display: &str, root: &std::path::Path) -> Value {
    let raw = crate::display::unescape(display);
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = crate::display::lexical(&cwd.join(path_of_bytes(&raw)));
    match absolute.strip_prefix(root) {
        Ok(relative) => {
            let relative = bytes_of_path(relative);
            let uri = if relative.is_empty() {
                ".".to_string()
            } else {
                encode_bytes(&relative, false)
            };
            json!({ "uri": uri, "uriBaseId": SRCROOT })
        }
        Err(_) => {
            // A displayed path has `/` separators only: a backslash is part of a name.
            json!({ "uri": format!("file://{}", encode_bytes(&bytes_of_path(&absolute), true)) })
        }
    }
}

#[cfg(unix)]
fn path_of_bytes(bytes: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::path::PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_of_bytes(bytes: &[u8]) -> std::path::PathBuf {
    std::path::PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(unix)]
fn bytes_of_path(path: &std::path::Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn bytes_of_path(path: &std::path::Path) -> Vec<u8> {
    path.to_string_lossy().replace('\\', "/").into_bytes()
}

fn region(sources: &SourceMap, span: Span) -> Value {
    let (start, end) = sources.line_col(span);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn physical_location(
    sources: &SourceMap,
    root: &std::path::Path,
    display: &str,
    span: Option<Span>,
) -> Value {
    let mut loc = Map::new();
    loc.insert("artifactLocation".into(), artifact_location(display, root));
    if let Some(span) = span {
        loc.insert("region".into(), region(sources, span));
    }
    json!({ "physicalLocation": loc })
}

fn label_location(sources: &SourceMap, root: &std::path::Path, label: &Label) -> Value {
    physical_location(
        sources,
        root,
        sources.display(label.span.file),
        Some(label.span),
    )
}

/// Money rounded to cents only here, at output time.
fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(crate) fn rule_descriptor(meta: &RuleMeta) -> Value {
    let full = what_it_does(meta.doc).unwrap_or_else(|| meta.summary.to_string());
    let mut tags = vec![meta.category.as_str()];
    let mut properties = Map::new();
    if let Some(score) = meta.security_severity {
        // GitHub reads `security-severity` only on rules tagged `security`.
        if meta.category != Category::Security {
            tags.push("security");
        }
        properties.insert("security-severity".into(), json!(security_severity(score)));
    }
    tags.extend(["terraform", "cloudformation"]);
    properties.insert("tags".into(), json!(tags));
    json!({
        "id": meta.id,
        "name": camel_case(meta.id),
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": full },
        "help": { "text": meta.doc, "markdown": meta.doc },
        "helpUri": help_uri(meta.id),
        "defaultConfiguration": { "level": level(meta.default_severity) },
        "properties": properties,
    })
}

fn result_object(
    f: &Finding,
    sources: &SourceMap,
    root: &std::path::Path,
    rule_index: Option<usize>,
    fingerprint: String,
) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    if let Some(reason) = &f.suppressed_because {
        // GitHub code scanning shows a result suppressed in source as dismissed.
        r.insert(
            "suppressions".into(),
            json!([{ "kind": "inSource", "justification": reason }]),
        );
    }
    r.insert("message".into(), json!({ "text": f.message }));
    r.insert(
        "locations".into(),
        json!([label_location(sources, root, &f.primary)]),
    );
    if !f.secondary.is_empty() {
        let related: Vec<Value> = f
            .secondary
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let mut loc = label_location(sources, root, label);
                if let Some(obj) = loc.as_object_mut() {
                    obj.insert("id".into(), json!(i + 1));
                    obj.insert("message".into(), json!({ "text": label.message }));
                }
                loc
            })
            .collect();
        r.insert("relatedLocations".into(), json!(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint }),
    );
    if let Some(fix) = fix_object(f, sources, root) {
        r.insert("fixes".into(), json!([fix]));
    }
    let mut properties = Map::new();
    properties.insert("category".into(), json!(f.category.as_str()));
    if !f.resource.is_empty() {
        properties.insert("resource".into(), json!(f.resource));
    }
    if let Some(cost) = f.monthly_cost_usd {
        properties.insert("monthly_cost_usd".into(), json!(cents(cost)));
    }
    if let Some(region) = &f.region {
        properties.insert("region".into(), json!(region));
    }
    if !f.roots.is_empty() {
        properties.insert("roots".into(), json!(f.roots));
    }
    r.insert("properties".into(), Value::Object(properties));
    Value::Object(r)
}

/// A finding's fix as a SARIF `fix`: its replacements in the finding's file (an insertion is
/// an empty deleted region), with its safety in the properties. Only a fix `--fix` can apply.
fn fix_object(f: &Finding, sources: &SourceMap, root: &std::path::Path) -> Option<Value> {
    let fix = f.fix.as_ref()?;
    let edits = crate::fix::run::byte_edits(sources, f)?.ok()?;
    let file = f.primary.span.file;
    let replacements: Vec<Value> = edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": region(sources, Span::new(file, e.range.clone())),
                "insertedContent": { "text": e.text },
            })
        })
        .collect();
    Some(json!({
        "description": { "text": fix.description },
        "artifactChanges": [{
            "artifactLocation": artifact_location(sources.display(file), root),
            "replacements": replacements,
        }],
        "properties": { "safety": fix.safety.as_str() },
    }))
}

fn notification(e: &RunError, sources: &SourceMap, root: &std::path::Path) -> Value {
    let id = e.kind;
    let location = if e.path.is_empty() {
        Vec::new()
    } else {
        vec![physical_location(sources, root, &e.path, e.span)]
    };
    json!({
        "level": "error",
        "message": { "text": e.message },
        "descriptor": { "id": id },
        "locations": location,
    })
}

/// The run's `originalUriBaseIds`: where `%SRCROOT%` is on this machine.
fn original_uri_base_ids(root: &std::path::Path) -> Option<Value> {
    let root = root.to_str()?;
    Some(json!({ SRCROOT: { "uri": file_uri(root, true) } }))
}

/// SARIF with `%SRCROOT%` at the repository root (see [`source_root`]).
pub fn render(result: &CheckResult) -> String {
    render_rooted(result, &source_root(None))
}

/// SARIF with `%SRCROOT%` at `root` (absolute).
pub fn render_rooted(result: &CheckResult, root: &std::path::Path) -> String {
    let sources = &result.sources;
    let registry = rules::registry();
    let rules: Vec<Value> = registry.iter().map(|r| rule_descriptor(r.meta())).collect();
    let index: HashMap<&str, usize> = registry
        .iter()
        .enumerate()
        .map(|(i, r)| (r.meta().id, i))
        .collect();

    // Identical findings (same rule, file, resource and text) get distinct fingerprints by
    // occurrence, in source order.
    let mut seen: HashMap<u64, usize> = HashMap::default();
    // Suppressed findings too, after the others: consumers show them as dismissed, and a
    // suppression that is removed later reopens the same alert.
    let results: Vec<Value> = result
        .findings
        .iter()
        .chain(&result.suppressed)
        .map(|f| {
            let hash = fingerprint_hash(f, sources);
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            let hash = if *n == 1 {
                hash
            } else {
                let mut bytes = hash.to_le_bytes().to_vec();
                bytes.extend(n.to_string().bytes());
                fnv1a64(&bytes)
            };
            result_object(
                f,
                sources,
                root,
                index.get(f.rule).copied(),
                format!("{hash:016x}"),
            )
        })
        .collect();

    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".into(),
        json!(result.errors.is_empty()),
    );
    if !result.errors.is_empty() {
        let notes: Vec<Value> = result
            .errors
            .iter()
            .map(|e| notification(e, sources, root))
            .collect();
        invocation.insert("toolExecutionNotifications".into(), json!(notes));
    }

    let mut run = Map::new();
    run.insert(
        "tool".into(),
        json!({
            "driver": {
                "name": "infralint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        }),
    );
    run.insert("invocations".into(), json!([invocation]));
    run.insert("automationDetails".into(), json!({ "id": AUTOMATION_ID }));
    if let Some(bases) = original_uri_base_ids(root) {
        run.insert("originalUriBaseIds".into(), bases);
    }
    // Our columns count Unicode characters, not UTF-16 code units (SARIF's default).
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    run.insert("results".into(), json!(results));

    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    });
    let mut out = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|e| format!("{{\"version\": \"2.1.0\", \"internal_error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_of_ids() {
        assert_eq!(camel_case("eip-unattached"), "EipUnattached");
        assert_eq!(camel_case("ebs-io1-to-io2"), "EbsIo1ToIo2");
        assert_eq!(camel_case("x"), "X");
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("a b/ç:x.tf", false), "a%20b/%C3%A7%3Ax.tf");
        assert_eq!(
            file_uri("/home/me/my repo", true),
            "file:///home/me/my%20repo/"
        );
        assert_eq!(file_uri("/x/", true), "file:///x/");
        assert_eq!(file_uri("C:\\work\\a", true), "file:///C:/work/a/");
    }

    #[test]
    fn relative_and_absolute_locations() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            artifact_location("mod/main.tf", &cwd),
            json!({ "uri": "mod/main.tf", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("/elsewhere/x.tf", &cwd),
            json!({ "uri": "file:///elsewhere/x.tf" })
        );
        // Relative to the root, not to the current directory.
        let parent = cwd.parent().unwrap();
        let name = cwd.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            artifact_location("mod/main.tf", parent),
            json!({ "uri": format!("{name}/mod/main.tf"), "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("../x/main.tf", parent),
            json!({ "uri": "x/main.tf", "uriBaseId": "%SRCROOT%" })
        );
    }

    /// A name shown escaped (a newline, a byte that is not UTF-8, a backslash) is a URI of
    /// its real bytes, not of its escapes.
    #[test]
    fn locations_encode_the_real_bytes_of_escaped_names() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            artifact_location("new\\nline/caf\\xe9 \\\\x.tf", &cwd),
            json!({ "uri": "new%0Aline/caf%E9%20%5Cx.tf", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("/tmp/a\\\\b.tf", &cwd),
            json!({ "uri": "file:///tmp/a%5Cb.tf" })
        );
    }

    #[test]
    fn first_paragraph_of_what_it_does() {
        let doc = "# r\n\nSummary.\n\n## What it does\n\nReports a\n`thing`.\n\nMore.\n\n## Why\n";
        assert_eq!(what_it_does(doc).as_deref(), Some("Reports a `thing`."));
        assert_eq!(what_it_does("# r\n\n## What it does\n\n## Why\n"), None);
        let doc = "## What it does\n\nReports a volume\nwhen:\n\n- a\n  b\n- c\n\n1. d\n\nMore.\n";
        assert_eq!(
            what_it_does(doc).as_deref(),
            Some("Reports a volume when:\n- a\n  b\n- c\n1. d")
        );
        assert_eq!(what_it_does("# r\n"), None);
    }
}
