//! `check --fix` and `check --diff`: lint, apply the fixes file by file, lint again.
//!
//! One pass plans every eligible fix of the run per file ([`super::text::FilePlan`]): a fix
//! whose edits overlap an edit already planned waits for the next pass (ruff's approach), so
//! a file is never written with two edits fighting over the same bytes. Each file is written
//! atomically (`atomic_write`), only when it is still the text the lint read, and never when
//! it is read-only. Then the run is linted again: the fixed findings must be gone, no new
//! finding and no new error may appear; otherwise every file of the pass is restored and the
//! run says why. Passes repeat until nothing is left to apply (a second `--fix` then changes
//! nothing).

use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::text::{render, ByteEdit, FilePlan, Syntax};
use super::{Edit, Safety};
use crate::engine::{self, CheckOptions, CheckResult};
use crate::finding::Finding;
use crate::source::{FileId, SourceMap};

/// Passes at most: a fix deferred by an overlap is retried in the next pass.
const MAX_PASSES: usize = 8;

/// What to apply, and whether to write.
#[derive(Debug, Clone, Copy)]
pub struct FixOptions {
    /// Also apply unsafe fixes.
    pub unsafe_fixes: bool,
    /// `--diff`: plan only, write nothing.
    pub dry_run: bool,
}

/// One fix, applied or skipped, as reported.
#[derive(Debug, Clone, PartialEq)]
pub struct FixNote {
    /// `path:line:col` of the finding.
    pub location: String,
    pub rule: &'static str,
    pub resource: String,
    pub safety: Safety,
    /// The fix's description (applied) or why it was skipped.
    pub text: String,
}

/// What a `--fix` or `--diff` run did.
#[derive(Debug)]
pub struct FixReport {
    pub applied: Vec<FixNote>,
    pub skipped: Vec<FixNote>,
    /// Unsafe fixes left out (without `--unsafe-fixes`).
    pub unsafe_available: usize,
    /// Files that could not be written, or a pass rolled back: `path: why`.
    pub errors: Vec<String>,
    /// `--diff`: the unified diff of every file that would change.
    pub diff: String,
    /// Files written (or, with `--diff`, that would be).
    pub files: BTreeSet<String>,
    /// The run after the fixes (with `--diff`, the run as found).
    pub result: CheckResult,
}

/// A planned fix: the finding it fixes.
struct Planned<'r> {
    finding: &'r Finding,
}

/// Every file's plan in one pass, and the fixes that cannot be applied.
struct PassPlan<'r> {
    files: BTreeMap<FileId, (FilePlan, Vec<Planned<'r>>)>,
    skipped: Vec<FixNote>,
    unsafe_available: usize,
}

/// Runs `--fix` (or `--diff` when `fix.dry_run`) over the paths of `options`.
pub fn run(options: &CheckOptions, fix: FixOptions) -> Result<FixReport, String> {
    let mut result = engine::check(options)?;
    let roots: Vec<PathBuf> = options
        .paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut applied = Vec::new();
    let mut errors = Vec::new();
    let mut files = BTreeSet::new();
    let mut locked: BTreeSet<PathBuf> = BTreeSet::new();
    let mut diff = String::new();
    let mut skipped;
    let mut unsafe_available;
    let mut pass = 0;
    loop {
        pass += 1;
        let plan = plan(&result, fix.unsafe_fixes, &locked, &roots);
        skipped = plan.skipped;
        unsafe_available = plan.unsafe_available;
        if plan.files.is_empty() || pass > MAX_PASSES {
            break;
        }
        if fix.dry_run {
            for (file, (file_plan, _)) in &plan.files {
                if let Some(source) = result.sources.get(*file) {
                    let new = file_plan.apply(&source.text);
                    diff.push_str(&super::diff::unified(&source.display, &source.text, &new));
                    files.insert(source.display.clone());
                }
            }
            break;
        }
        // Write each file of the pass; keep what was there to restore it.
        let mut written: Vec<(PathBuf, String, String)> = Vec::new();
        let mut fixed: HashMap<(&'static str, String, String), usize> = HashMap::default();
        let mut notes = Vec::new();
        for (file, (file_plan, planned)) in &plan.files {
            let Some(source) = result.sources.get(*file) else {
                continue;
            };
            let new = file_plan.apply(&source.text);
            if new == source.text {
                continue;
            }
            if let Err(why) = writable(&source.path, &source.text) {
                errors.push(format!("{}: {why}: not fixed", source.display));
                locked.insert(source.path.clone());
                continue;
            }
            if let Err(why) = crate::atomic_write::write_atomically(&source.path, new.as_bytes()) {
                errors.push(format!(
                    "{}: cannot write: {why}: not fixed",
                    source.display
                ));
                locked.insert(source.path.clone());
                continue;
            }
            written.push((
                source.path.clone(),
                source.display.clone(),
                source.text.clone(),
            ));
            for p in planned {
                *fixed
                    .entry((
                        p.finding.rule,
                        p.finding.resource.clone(),
                        source.display.clone(),
                    ))
                    .or_default() += 1;
                notes.push(note(&result, p.finding, fix_text(p.finding)));
            }
        }
        if written.is_empty() {
            continue;
        }
        let after = engine::check(options)?;
        if let Err(why) = verify(&result, &after, &fixed, &written) {
            for (path, display, old) in &written {
                if let Err(e) = crate::atomic_write::write_atomically(path, old.as_bytes()) {
                    errors.push(format!("{display}: cannot restore the file: {e}"));
                }
                locked.insert(path.clone());
            }
            let names: Vec<&str> = written.iter().map(|(_, d, _)| d.as_str()).collect();
            errors.push(format!(
                "{}: the fixes were rolled back: {why}",
                names.join(", ")
            ));
            result = engine::check(options)?;
            continue;
        }
        files.extend(written.into_iter().map(|(_, display, _)| display));
        applied.extend(notes);
        result = after;
    }
    Ok(FixReport {
        applied,
        skipped,
        unsafe_available,
        errors,
        diff,
        files,
        result,
    })
}

/// The fixes of this pass, per file.
fn plan<'r>(
    result: &'r CheckResult,
    unsafe_fixes: bool,
    locked: &BTreeSet<PathBuf>,
    roots: &[PathBuf],
) -> PassPlan<'r> {
    let mut out = PassPlan {
        files: BTreeMap::new(),
        skipped: Vec::new(),
        unsafe_available: 0,
    };
    for finding in &result.findings {
        let Some(fix) = &finding.fix else {
            continue;
        };
        let file = finding.primary.span.file;
        let Some(source) = result.sources.get(file) else {
            continue;
        };
        if locked.contains(&source.path) {
            continue;
        }
        // An unsafe fix left out is counted, not listed: skipped ones only with the flag.
        let left_out = fix.safety == Safety::Unsafe && !unsafe_fixes;
        let inside = std::fs::canonicalize(&source.path)
            .is_ok_and(|p| roots.iter().any(|r| p.starts_with(r)));
        let edits = match byte_edits(&result.sources, finding) {
            Some(Ok(_)) if !inside => Err(
                "the file is outside the checked paths (a module other configurations may call): check its directory to fix it"
                    .to_string(),
            ),
            Some(r) => r,
            None => continue,
        };
        let edits = match edits {
            Ok(e) => e,
            Err(why) => {
                if !left_out {
                    out.skipped.push(note(result, finding, why));
                }
                continue;
            }
        };
        if left_out {
            out.unsafe_available += 1;
            continue;
        }
        let entry = out.files.entry(file).or_default();
        match entry.0.try_add(edits) {
            Ok(()) => entry.1.push(Planned { finding }),
            Err(why) => out.skipped.push(note(result, finding, why)),
        }
    }
    out
}

/// The byte edits of `finding`'s fix in its file, or why it cannot be applied; `None` without
/// a fix. What `--fix` applies, and what the reports call an applicable fix.
pub fn byte_edits(sources: &SourceMap, finding: &Finding) -> Option<Result<Vec<ByteEdit>, String>> {
    let fix = finding.fix.as_ref()?;
    let file = finding.primary.span.file;
    let source = sources.get(file)?;
    if let Some(why) = &fix.blocked {
        return Some(Err(why.clone()));
    }
    if fix.edits.iter().any(|e| edit_file(e) != file) {
        return Some(Err(
            "the fix would edit another file than the finding's".to_string()
        ));
    }
    let syntax = Syntax::of(&source.path, &source.text);
    // Only a JSON document may be a plan (searching every file's text for the plan's keys
    // was a measurable part of rendering a report).
    if syntax == (Syntax::Json { terraform: false }) && crate::parse::plan::is_plan(&source.text) {
        return Some(Err(
            "a plan JSON is never edited: fix the configuration it was made from".to_string(),
        ));
    }
    Some(render(&source.text, syntax, &fix.edits))
}

fn edit_file(edit: &Edit) -> FileId {
    match edit {
        Edit::Replace { span, .. } => span.file,
        Edit::AddSiblings { after, .. } => after.file,
        Edit::Remove { value } => value.file,
        Edit::AddToBlock { resource, .. } => resource.file,
    }
}

/// Why `path` must not be written: read-only, or no longer the text the lint read.
fn writable(path: &std::path::Path, text: &str) -> Result<(), String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {}", crate::discover::io_message(&e)))?;
    if meta.permissions().readonly() {
        return Err("the file is read-only".to_string());
    }
    let now = std::fs::read(path)
        .map_err(|e| format!("cannot read: {}", crate::discover::io_message(&e)))?;
    if now != text.as_bytes() {
        return Err("the file changed since it was read (or is not valid UTF-8)".to_string());
    }
    Ok(())
}

/// The run after a pass against the run before: each fixed finding gone, nothing new.
fn verify(
    before: &CheckResult,
    after: &CheckResult,
    fixed: &HashMap<(&'static str, String, String), usize>,
    written: &[(PathBuf, String, String)],
) -> Result<(), String> {
    let counts = |r: &CheckResult| {
        let mut by: HashMap<(&'static str, String, String), usize> = HashMap::default();
        for f in &r.findings {
            *by.entry((
                f.rule,
                f.resource.clone(),
                r.sources.display(f.primary.span.file).to_string(),
            ))
            .or_default() += 1;
        }
        by
    };
    let was = counts(before);
    let now = counts(after);
    let mut keys: Vec<&(&'static str, String, String)> = was.keys().chain(now.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let expected = was
            .get(key)
            .copied()
            .unwrap_or(0)
            .saturating_sub(fixed.get(key).copied().unwrap_or(0));
        if now.get(key).copied().unwrap_or(0) > expected {
            let (rule, resource, file) = key;
            return Err(if fixed.contains_key(key) {
                format!("`{rule}` still reports `{resource}` in {file} after its fix")
            } else {
                format!("the fixes made `{rule}` report `{resource}` in {file}")
            });
        }
    }
    for error in &after.errors {
        let edited = written.iter().any(|(_, display, _)| *display == error.path);
        let known = before
            .errors
            .iter()
            .any(|e| e.path == error.path && e.message == error.message);
        if edited && !known {
            return Err(format!(
                "{} no longer parses: {}",
                error.path, error.message
            ));
        }
    }
    Ok(())
}

fn fix_text(finding: &Finding) -> String {
    finding
        .fix
        .as_ref()
        .map(|f| f.description.clone())
        .unwrap_or_default()
}

fn note(result: &CheckResult, finding: &Finding, text: String) -> FixNote {
    let (start, _) = result.sources.line_col(finding.primary.span);
    FixNote {
        location: format!(
            "{}:{}:{}",
            result.sources.display(finding.primary.span.file),
            start.line,
            start.column
        ),
        rule: finding.rule,
        resource: finding.resource.clone(),
        safety: finding.fix.as_ref().map_or(Safety::Safe, |f| f.safety),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_or_read_only_is_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        std::fs::write(&path, "type = \"gp2\"\n").unwrap();
        assert_eq!(writable(&path, "type = \"gp2\"\n"), Ok(()));
        std::fs::write(&path, "type = \"gp2\" # edited meanwhile\n").unwrap();
        assert!(writable(&path, "type = \"gp2\"\n")
            .unwrap_err()
            .contains("changed since it was read"));
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).unwrap();
        assert_eq!(
            writable(&path, "type = \"gp2\" # edited meanwhile\n"),
            Err("the file is read-only".to_string())
        );
    }
}
