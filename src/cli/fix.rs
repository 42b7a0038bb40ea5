//! `check --fix` and `check --diff`: runs the fixer (`crate::fix::run`), writing the fixes or
//! printing the diff of what they would change, and says on standard error what was fixed,
//! what was skipped and which unsafe fixes were left out.

use super::print_or_fail;
use crate::engine::{self, CheckOptions};

/// `check --fix`: applies the fixes, says on standard error what was fixed and skipped, and
/// returns the run after fixing, and whether a file could not be fixed.
pub(super) fn fix_apply(
    options: &CheckOptions,
    unsafe_fixes: bool,
) -> Result<(engine::CheckResult, bool), String> {
    let report = crate::fix::run::run(
        options,
        crate::fix::run::FixOptions {
            unsafe_fixes,
            dry_run: false,
        },
    )?;
    fix_notes(&report);
    eprintln!(
        "fixed {} finding{} in {} file{}",
        report.applied.len(),
        if report.applied.len() == 1 { "" } else { "s" },
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
    );
    let failed = !report.errors.is_empty();
    Ok((report.result, failed))
}

/// `check --diff`: prints what `--fix` would change; 1 when there is something, 2 on errors.
pub(super) fn fix_diff(options: &CheckOptions, unsafe_fixes: bool) -> i32 {
    let report = match crate::fix::run::run(
        options,
        crate::fix::run::FixOptions {
            unsafe_fixes,
            dry_run: true,
        },
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    fix_notes(&report);
    let code = if !report.errors.is_empty() || !report.result.errors.is_empty() {
        2
    } else if report.diff.is_empty() {
        0
    } else {
        1
    };
    print_or_fail(&report.diff, code)
}

/// What `--fix` or `--diff` applied, skipped and left out, on standard error.
fn fix_notes(report: &crate::fix::run::FixReport) {
    for n in &report.applied {
        eprintln!(
            "fixed: {}: {} `{}`: {}",
            n.location, n.rule, n.resource, n.text
        );
    }
    for n in &report.skipped {
        eprintln!(
            "fix skipped: {}: {} `{}`: {}",
            n.location, n.rule, n.resource, n.text
        );
    }
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    if report.unsafe_available > 0 {
        eprintln!(
            "{} unsafe fix{} available with --unsafe-fixes",
            report.unsafe_available,
            if report.unsafe_available == 1 {
                ""
            } else {
                "es"
            }
        );
    }
}
