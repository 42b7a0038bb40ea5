//! Finding the files to lint.
//!
//! Terraform files are recognised by name. CloudFormation candidates (`.yaml`, `.yml`,
//! `.json`, `.template`) are read and recognised by content later; anything else that is not a
//! template is skipped silently.
//!
//! Symbolic links are followed, to files and to directories, as Terraform reads them (a
//! shared `variables.tf -> ../../common/variables.tf` is part of each module that links it).
//! A link to an ancestor directory (a loop) is not followed: what it leads to is walked
//! already. A link that leads nowhere is an error when its name is one of the files we lint
//! (Terraform fails on it too); other names are not our business.
//!
//! What is skipped, as ripgrep and ruff skip it: paths ignored by `.gitignore` (in a git
//! repository or not), `.ignore`, `.infralintignore`, `.git/info/exclude` and the global git
//! excludes; `node_modules` and `.terragrunt-cache` (vendored packages and Terragrunt's copies
//! of modules) even without an ignore file; directories the `exclude` globs cover, which are
//! not walked into. `--no-ignore` turns the ignore files and the two default directories off;
//! `.terraform` and `.git` are never walked. A path named on the command line is always
//! walked or read, whatever the ignore files say (`exclude` still applies to it, so that a
//! pre-commit hook that names files honours the configuration).

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// `*.tf`
    Terraform,
    /// `terraform.tfvars` and `*.auto.tfvars`: values for the module's variables.
    TfVars,
    /// `*.tf.json`: Terraform's JSON syntax.
    TerraformJson,
    /// `terraform.tfvars.json` and `*.auto.tfvars.json`.
    TfVarsJson,
    /// `*.yaml`, `*.yml`, `*.json`, `*.template`: CloudFormation if the content says so.
    CloudFormationCandidate,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub kind: FileKind,
    /// How the run reached the file, which decides what of it is reported.
    pub scope: Scope,
}

/// How a file came into the run. A named file is what a pre-commit hook passes (the staged
/// files): what it changes is in scope, not the old findings of the code around it. Ordered
/// by reach: a file reached twice keeps the wider scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Loaded only so that references resolve (the other files of the module of a file
    /// named on the command line, the modules a named file calls): its findings are reported
    /// only through a related location in a reported file.
    Context,
    /// Named on the command line as a file: its findings are reported, and so is every
    /// finding with a related location in it (a module argument, a tfvars line); the modules
    /// it calls are context.
    Named,
    /// Found under a directory named on the command line, or in a module such a file calls:
    /// its findings are reported, and the modules it calls are walked too (findings inside a
    /// module called from the linted code are the linted code's findings).
    Walked,
}

impl Scope {
    /// Whether findings located in the file are reported.
    pub fn is_reported(self) -> bool {
        self != Scope::Context
    }
}

/// A path that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
    /// Nothing was lost (a link back to a directory being walked): a warning, not an error.
    pub warning: bool,
}

/// The kind of a file, by its name. Works on the name's bytes: a name that is not UTF-8 is
/// classified like any other (the suffixes are ASCII).
pub fn classify(path: &Path) -> Option<FileKind> {
    let lower = path.file_name()?.as_encoded_bytes().to_ascii_lowercase();
    let ends = |suffix: &str| lower.ends_with(suffix.as_bytes());
    if ends(".tf.json") {
        Some(FileKind::TerraformJson)
    } else if lower == b"terraform.tfvars.json" || ends(".auto.tfvars.json") {
        Some(FileKind::TfVarsJson)
    } else if ends(".tf") {
        Some(FileKind::Terraform)
    } else if lower == b"terraform.tfvars" || ends(".auto.tfvars") {
        Some(FileKind::TfVars)
    } else if [".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|ext| ends(ext))
    {
        Some(FileKind::CloudFormationCandidate)
    } else {
        None
    }
}

/// Never walked: Terraform's working directory (providers, copies of remote modules) and git's.
fn skipped_dir(name: &OsStr) -> bool {
    name == ".terraform" || name == ".git"
}

/// Skipped unless `--no-ignore`, even without an ignore file: vendored packages (a CDK or
/// Serverless project's `node_modules` holds templates of its dependencies) and Terragrunt's
/// copies of the modules it runs (every finding would be reported twice).
pub const DEFAULT_IGNORED_DIRS: [&str; 2] = ["node_modules", ".terragrunt-cache"];

/// The name of infralint's own ignore file (`.gitignore` syntax).
pub const IGNORE_FILE_NAME: &str = ".infralintignore";

/// How the walk filters what it finds.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Ignore files and [`DEFAULT_IGNORED_DIRS`] apply (off with `--no-ignore`).
    pub ignore_files: bool,
    /// `exclude` globs: excluded directories are not walked into.
    pub exclude: Option<crate::config::ExcludeMatcher>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            ignore_files: true,
            exclude: None,
        }
    }
}

/// Walks `paths` (directories and files) into a sorted, de-duplicated candidate list.
pub fn discover(paths: &[PathBuf], options: &WalkOptions) -> (Vec<Candidate>, Vec<DiscoverError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    // The directories of the Terraform files named on the command line, each read once for
    // the rest of its module (a pre-commit hook may name thousands of files of one directory).
    let mut context_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                errors.push(DiscoverError {
                    path: root.clone(),
                    message: io_message(&e),
                    warning: false,
                });
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            // A FIFO or a device: reading it could block forever.
            errors.push(DiscoverError {
                path: root.clone(),
                message: "not a regular file or directory".to_string(),
                warning: false,
            });
            continue;
        }
        if meta.is_file() {
            match classify(root) {
                Some(kind) => {
                    out.push(Candidate {
                        path: root.clone(),
                        kind,
                        scope: Scope::Named,
                    });
                    // A named variables file is read with its module: what it sets shows
                    // in the module's findings (as a related location).
                    if matches!(
                        kind,
                        FileKind::Terraform
                            | FileKind::TerraformJson
                            | FileKind::TfVars
                            | FileKind::TfVarsJson
                    ) {
                        context_dirs.insert(root.parent().map(Path::to_path_buf).unwrap_or_default());
                    }
                }
                None => errors.push(DiscoverError {
                    path: root.clone(),
                    message: "not a Terraform (.tf) or CloudFormation (.yaml, .yml, .json, .template) file".to_string(),
                    warning: false,
                }),
            }
            continue;
        }
        if root.file_name().is_some_and(skipped_dir) {
            // Named on the command line, but never walked into (as before: the walk skips it).
            continue;
        }
        walk(root, options, &mut out, &mut errors);
    }
    for dir in &context_dirs {
        module_context(dir, &mut out);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(b.scope.cmp(&a.scope)));
    // The same file reached twice (named and walked, or as context): keep one, with the
    // widest scope of its occurrences.
    out.dedup_by(|later, earlier| {
        if later.path == earlier.path {
            earlier.scope = earlier.scope.max(later.scope);
            true
        } else {
            false
        }
    });
    (out, errors)
}

/// Walks one directory, following symbolic links. Hidden files are walked (`.github`,
/// `.infra`); ignore files apply unless `--no-ignore` (see the module's documentation). The
/// walker never filters the root itself: a directory named on the command line is walked.
fn walk(
    root: &Path,
    options: &WalkOptions,
    out: &mut Vec<Candidate>,
    errors: &mut Vec<DiscoverError>,
) {
    let ignore_files = options.ignore_files;
    let exclude = options.exclude.clone();
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            if !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let name = e.file_name();
            !(skipped_dir(name)
                || (ignore_files && DEFAULT_IGNORED_DIRS.iter().any(|d| name == *d))
                || exclude
                    .as_ref()
                    .is_some_and(|m| m.is_dir_excluded(e.path())))
        });
    if ignore_files {
        // `require_git(false)`: a `.gitignore` means what it says outside a repository too
        // (an exported tarball, a CI cache), as with ruff.
        builder
            .git_ignore(true)
            .git_global(true)
            .git_exclude(true)
            .ignore(true)
            .parents(true)
            .require_git(false)
            .add_custom_ignore_filename(IGNORE_FILE_NAME);
    }
    let walker = builder.build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                if let Some(kind) = classify(entry.path()) {
                    out.push(Candidate {
                        path: entry.into_path(),
                        kind,
                        scope: Scope::Walked,
                    });
                }
            }
            Err(e) => match walk_problem(root, &e) {
                WalkProblem::BrokenLink(path, kind) => out.push(Candidate {
                    path,
                    kind,
                    scope: Scope::Walked,
                }),
                WalkProblem::Error(error) => errors.push(error),
                WalkProblem::None => {}
            },
        }
    }
}

/// What a walk error means for the run.
enum WalkProblem {
    /// A link that leads nowhere, named like a file we lint: a candidate all the same, whose
    /// reading fails with its path (and leaves its module incomplete, as Terraform would not
    /// load it either).
    BrokenLink(PathBuf, FileKind),
    Error(DiscoverError),
    /// A broken link of a name we do not lint.
    None,
}

fn walk_problem(root: &Path, e: &ignore::Error) -> WalkProblem {
    let (path, cause) = error_parts(e);
    let path = path.unwrap_or(root).to_path_buf();
    match cause {
        Cause::Loop(ancestor) => WalkProblem::Error(DiscoverError {
            message: format!(
                "symbolic link to {}, a directory that contains it: not followed (its files are checked once)",
                crate::display::display_path(ancestor)
            ),
            path,
            warning: true,
        }),
        Cause::Io(_) if is_broken_link(&path) => match classify(&path) {
            Some(kind) => WalkProblem::BrokenLink(path, kind),
            None => WalkProblem::None,
        },
        // The walk reads directories: a file it cannot open is read later.
        Cause::Io(io) => WalkProblem::Error(DiscoverError {
            message: format!("cannot read directory: {}", io_message(io)),
            path,
            warning: false,
        }),
        Cause::Other(message) => WalkProblem::Error(DiscoverError {
            path,
            message,
            warning: false,
        }),
    }
}

/// A symbolic link whose target cannot be reached (missing, a loop of links, no permission).
pub fn is_broken_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink())
        && std::fs::metadata(path).is_err()
}

/// Where a broken symbolic link points, for messages (escaped like a displayed name).
pub fn link_target(path: &Path) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    Some(crate::display::escape_os(target.as_os_str()))
}

enum Cause<'a> {
    Loop(&'a Path),
    Io(&'a std::io::Error),
    Other(String),
}

/// The path and the cause of a walk error (the walker nests them).
fn error_parts(e: &ignore::Error) -> (Option<&Path>, Cause<'_>) {
    match e {
        ignore::Error::WithPath { path, err } => (Some(path), error_parts(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_parts(err)
        }
        ignore::Error::Loop { ancestor, child } => (Some(child), Cause::Loop(ancestor)),
        ignore::Error::Io(io) => (None, Cause::Io(io)),
        other => (None, Cause::Other(other.to_string())),
    }
}

/// The files we recognise in one directory (not below it), following symbolic links to
/// files, as Terraform reads a module. A link that leads nowhere is listed: reading it fails
/// later, with its path, and its module is incomplete.
pub fn dir_files(dir: &Path) -> std::io::Result<Vec<(PathBuf, FileKind)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let is_file = if file_type.is_symlink() {
            // A link to a directory or a FIFO is not a file; a broken one is read (and fails).
            std::fs::metadata(entry.path()).map_or(true, |m| m.is_file())
        } else {
            file_type.is_file()
        };
        if !is_file {
            continue;
        }
        let path = entry.path();
        if let Some(kind) = classify(&path) {
            files.push((path, kind));
        }
    }
    Ok(files)
}

/// The Terraform files of a module directory (`dir` as its named files' parent: empty for
/// the current directory), loaded so references across files resolve, but not reported on
/// (a file also named on the command line is reported: `discover` merges the two).
fn module_context(dir: &Path, out: &mut Vec<Candidate>) {
    let current = dir.as_os_str().is_empty();
    let Ok(files) = dir_files(if current { Path::new(".") } else { dir }) else {
        return;
    };
    for (path, kind) in files {
        if !matches!(
            kind,
            FileKind::Terraform | FileKind::TfVars | FileKind::TerraformJson | FileKind::TfVarsJson
        ) {
            continue;
        }
        let path = if current {
            path.strip_prefix(".")
                .map(Path::to_path_buf)
                .unwrap_or(path)
        } else {
            path
        };
        out.push(Candidate {
            path,
            kind,
            scope: Scope::Context,
        });
    }
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ignored_dirs_are_skipped_unless_no_ignore() {
        let dir = std::env::temp_dir().join(format!("infralint-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in [
            "node_modules/pkg",
            ".terragrunt-cache/x",
            "live",
            ".terraform",
        ] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
            std::fs::write(dir.join(sub).join("main.tf"), "").unwrap();
        }
        let names = |options: &WalkOptions| -> Vec<String> {
            let (found, errors) = discover(std::slice::from_ref(&dir), options);
            assert!(errors.is_empty(), "{errors:?}");
            found
                .iter()
                .map(|c| {
                    c.path
                        .strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        };
        assert_eq!(names(&WalkOptions::default()), ["live/main.tf"]);
        let all = WalkOptions {
            ignore_files: false,
            exclude: None,
        };
        assert_eq!(
            names(&all),
            [
                ".terragrunt-cache/x/main.tf",
                "live/main.tf",
                "node_modules/pkg/main.tf"
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn classification() {
        assert_eq!(classify(Path::new("a/main.tf")), Some(FileKind::Terraform));
        assert_eq!(
            classify(Path::new("terraform.tfvars")),
            Some(FileKind::TfVars)
        );
        assert_eq!(classify(Path::new("x.auto.tfvars")), Some(FileKind::TfVars));
        assert_eq!(classify(Path::new("prod.tfvars")), None);
        assert_eq!(
            classify(Path::new("t.template")),
            Some(FileKind::CloudFormationCandidate)
        );
        assert_eq!(classify(Path::new("README.md")), None);
    }
}
