//! `infralint diff`: lint two versions of the repository and compare them.
//!
//! The base (and `--head`, when given) is read from git objects into a temporary directory,
//! removed afterwards; the working tree, the index and `HEAD` are never touched. Both versions
//! are linted the same way: the same paths (relative to the repository root), each version's
//! own configuration file, the command line's options.

use std::path::{Component, Path, PathBuf};

use crate::cli::InputArgs;
use crate::engine::{self, CheckResult};
use crate::finding::Finding;

use super::compare::{Comparison, DiffFinding};
use super::git::Repo;
use super::identity::{self, IdentityParts};

/// A version of the repository as linted.
pub struct Version {
    /// `working tree`, or the revision as the user wrote it.
    pub label: String,
    /// The commit, for a revision.
    pub commit: Option<String>,
    pub findings: Vec<DiffFinding>,
    /// Files that stopped the version from being checked whole (`path: message`).
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// The outcome of `infralint diff`.
pub struct DiffOutcome {
    /// The repository's working tree root: where reported paths are relative to.
    pub root: PathBuf,
    pub base: Version,
    pub head: Version,
    pub comparison: Comparison,
    pub fail_on: crate::config::FailOn,
}

/// Where a version's files are: the working tree, or a revision's tree exported below a
/// temporary directory (kept alive as long as the run needs it).
struct Tree {
    root: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Tree {
    fn export(repo: &Repo, commit: &str) -> Result<Tree, String> {
        let temp = tempfile::Builder::new()
            .prefix("infralint-diff-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let root = temp.path().join("tree");
        std::fs::create_dir(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        repo.export_tree(commit, &root)?;
        Ok(Tree {
            root,
            _temp: Some(temp),
        })
    }

    fn contains(&self, rel: &str) -> bool {
        self.contains_path(Path::new(rel))
    }

    fn contains_path(&self, rel: &Path) -> bool {
        self.root.join(rel).symlink_metadata().is_ok()
    }
}

/// Runs the comparison: `base` against `head` (a revision) or the working tree.
pub fn diff(
    input: &InputArgs,
    base: &str,
    head: Option<&str>,
    fail_on: Option<crate::config::FailOn>,
    guard: impl Fn(&CheckResult) -> Result<(), String>,
) -> Result<DiffOutcome, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    let repo = Repo::discover(&cwd)?;
    let base_commit = repo.commit(base)?;
    let head_commit = head.map(|h| repo.commit(h)).transpose()?;
    // The paths, relative to the repository root, the same in every version.
    let rel_paths = input
        .paths
        .iter()
        .map(|p| repo_relative_arg(&repo, p))
        .collect::<Result<Vec<_>, _>>()?;

    let base_tree = Tree::export(&repo, &base_commit)?;
    let head_tree = match &head_commit {
        Some(c) => Tree::export(&repo, c)?,
        None => Tree {
            root: repo.root.clone(),
            _temp: None,
        },
    };
    // A path may exist in one version only (added, deleted): its findings are all new, or
    // all fixed. A path in neither is a mistake.
    for (arg, rel) in input.paths.iter().zip(&rel_paths) {
        if !base_tree.contains_path(rel) && !head_tree.contains_path(rel) {
            return Err(format!(
                "{}: no such file or directory, in {} or in {}",
                arg.display(),
                base,
                head.unwrap_or("the working tree")
            ));
        }
    }
    // Each version's run configuration: the current directory's, in that version.
    let in_version = |tree: &Tree| InputArgs {
        config_root: Some(tree.root.join(&repo.prefix)),
        ..input.clone()
    };
    let base_version = lint(
        &in_version(&base_tree),
        &base_tree,
        &rel_paths,
        fail_on,
        base.to_string(),
        Some(base_commit),
        |_| Ok(()),
    )?;
    let head_version = lint(
        &in_version(&head_tree),
        &head_tree,
        &rel_paths,
        fail_on,
        head.map_or_else(|| "working tree".to_string(), str::to_string),
        head_commit,
        guard,
    )?;
    let comparison = Comparison::new(
        base_version.0.findings.clone(),
        head_version.0.findings.clone(),
        |f| base_tree.contains(f),
        |f| head_tree.contains(f),
    );
    Ok(DiffOutcome {
        root: repo.root.clone(),
        base: base_version.0,
        head: head_version.0,
        comparison,
        fail_on: head_version.1,
    })
}

/// Lints one version: the paths below its tree, with the command line's options.
fn lint(
    input: &InputArgs,
    tree: &Tree,
    rel_paths: &[PathBuf],
    fail_on: Option<crate::config::FailOn>,
    label: String,
    commit: Option<String>,
    guard: impl Fn(&CheckResult) -> Result<(), String>,
) -> Result<(Version, crate::config::FailOn), String> {
    let mut args = input.clone();
    args.paths = rel_paths.iter().map(|p| tree.root.join(p)).collect();
    // A path missing from this version (added or deleted since the other) has no findings
    // here; `diff` has checked that each path exists in one version at least.
    args.ignore_missing = true;
    args.paths.retain(|p| p.symlink_metadata().is_ok());
    let mut version = Version {
        label,
        commit,
        findings: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    if args.paths.is_empty() {
        // None of the paths exists in this version: nothing to report.
        return Ok((version, fail_on.unwrap_or_default()));
    }
    let (mut options, _inputs) = crate::cli::options(args)?;
    options.fail_on = fail_on;
    let result = engine::check(&options)?;
    guard(&result)?;
    version.findings = result
        .findings
        .iter()
        .map(|f| diff_finding(f, &result, &tree.root))
        .collect();
    version.errors = result
        .errors
        .iter()
        .map(|e| format!("{}: {}", relative_display(&e.path, &tree.root), e.message))
        .collect();
    version.warnings = result.warnings.clone();
    Ok((version, result.fail_on))
}

/// A finding located in the repository: its file relative to the tree's root.
fn diff_finding(f: &Finding, result: &CheckResult, root: &Path) -> DiffFinding {
    let sources = &result.sources;
    let file = sources.get(f.primary.span.file);
    let rel = match file {
        Some(s) => tree_relative(&s.path, root)
            .unwrap_or_else(|| sources.display(f.primary.span.file).to_string()),
        None => String::new(),
    };
    let text = file
        .and_then(|s| s.text.get(f.primary.span.start..f.primary.span.end))
        .unwrap_or("");
    let parts = IdentityParts {
        rule: f.rule,
        file: &rel,
        resource: &f.resource,
        text,
    };
    let (start, end) = sources.line_col(f.primary.span);
    DiffFinding {
        fingerprint: identity::fingerprint(&parts),
        fingerprint_without_file: identity::fingerprint_without_file(&parts),
        rule: f.rule,
        severity: f.severity,
        category: f.category,
        message: f.message.clone(),
        resource: f.resource.clone(),
        file: rel,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        monthly_cost_usd: f.monthly_cost_usd,
    }
}

/// `path` (absolute, below `root`, possibly with `..` from a module source) relative to
/// `root`, `/`-separated and escaped as paths are displayed; `None` outside `root`.
fn tree_relative(path: &Path, root: &Path) -> Option<String> {
    let path = crate::display::lexical(path);
    let rel = path
        .strip_prefix(crate::display::lexical(root))
        .ok()
        .or_else(|| {
            let canonical = root.canonicalize().ok()?;
            path.strip_prefix(canonical).ok()
        })?
        .to_path_buf();
    Some(crate::display::display_path(&rel))
}

/// An error's path as shown: relative to the tree when below it.
fn relative_display(shown: &str, root: &Path) -> String {
    tree_relative(Path::new(shown), root).unwrap_or_else(|| shown.to_string())
}

/// A path of the command line, relative to the repository root; an error when it is outside.
fn repo_relative_arg(repo: &Repo, arg: &Path) -> Result<PathBuf, String> {
    let rel = if arg.is_absolute() {
        let absolute = crate::display::lexical(arg);
        absolute
            .strip_prefix(crate::display::lexical(&repo.root))
            .map(Path::to_path_buf)
            .or_else(|_| {
                // The spelling may differ (a symbolic link to the checkout).
                let canonical = arg.canonicalize().map_err(|_| ())?;
                let root = repo.root.canonicalize().map_err(|_| ())?;
                canonical
                    .strip_prefix(root)
                    .map(Path::to_path_buf)
                    .map_err(|_| ())
            })
            .ok()
    } else {
        let joined = crate::display::lexical(&repo.prefix.join(arg));
        (!matches!(joined.components().next(), Some(Component::ParentDir))).then_some(joined)
    };
    rel.ok_or_else(|| {
        format!(
            "{} is outside the repository ({}): `infralint diff` compares files of one repository",
            arg.display(),
            repo.root.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_resolves_dots() {
        assert_eq!(
            crate::display::lexical(Path::new("/r/a/../m/./x.tf")),
            PathBuf::from("/r/m/x.tf")
        );
        assert_eq!(
            crate::display::lexical(Path::new("a/../../b")),
            PathBuf::from("../b")
        );
        assert_eq!(
            tree_relative(Path::new("/r/env/../modules/db/main.tf"), Path::new("/r")),
            Some("modules/db/main.tf".to_string())
        );
        assert_eq!(
            tree_relative(Path::new("/elsewhere/x.tf"), Path::new("/r")),
            None
        );
    }

    #[test]
    fn command_line_paths_are_relative_to_the_root() {
        let repo = Repo {
            root: PathBuf::from("/r"),
            prefix: PathBuf::from("env/prod"),
        };
        let rel = |p: &str| repo_relative_arg(&repo, Path::new(p));
        assert_eq!(rel("."), Ok(PathBuf::from("env/prod")));
        assert_eq!(rel("../../modules"), Ok(PathBuf::from("modules")));
        assert_eq!(rel("/r/modules/db"), Ok(PathBuf::from("modules/db")));
        assert!(rel("../../../other").is_err());
    }
}
