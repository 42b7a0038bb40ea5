//! An output is never one of the run's inputs: `check -o main.tf .` must not replace
//! `main.tf` with the report.
//!
//! Two checks, both done before anything is written:
//! - before the run ([`Inputs::refuse`]), from what is known without reading: the option files
//!   (configuration, variables, parameter, usage, inventory and baseline files), the checked
//!   paths themselves, and any Terraform file (`.tf`, `.tf.json`, `terraform.tfvars`,
//!   `*.auto.tfvars`, by name) the walk of a checked directory, or the module of a checked
//!   `.tf` file, would read; so the common mistakes fail at once, before the lint.
//! - after the run ([`refuse_read`]), the root guarantee: the output is none of the files the
//!   run read (`CheckResult::sources`: checked files, local modules loaded on demand,
//!   variables and usage files). It catches what the names cannot tell: a `.yaml` or `.json`
//!   in a checked directory is an input only when its content makes it a template (a
//!   previous `report.json` or the default `.infralint-baseline.json` is not, and may be
//!   rewritten).
//!
//! Files are compared by identity, not by spelling: the device and inode on Unix (so `./x`,
//! `a/../x`, a symbolic link or a hard link to an input all match), else the canonical path.

use std::fs;
use std::path::{Path, PathBuf};

use crate::discover::{classify, FileKind};
use crate::source::SourceMap;

/// The files a run reads that are known before it starts.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Option files: what each is (for the message) and its path.
    files: Vec<(&'static str, PathBuf)>,
    /// The checked paths (files and directories).
    checked: Vec<PathBuf>,
}

impl Inputs {
    pub fn new(checked: &[PathBuf]) -> Inputs {
        Inputs {
            files: Vec::new(),
            checked: checked.to_vec(),
        }
    }

    /// Records an option file; `what` names it in a refusal (`it is the configuration file
    /// PATH`).
    pub fn add(&mut self, what: &'static str, path: &Path) {
        self.files.push((what, path.to_path_buf()));
    }

    /// Refuses `output` (written by `option`, e.g. `--output`) when it is one of these
    /// inputs.
    pub fn refuse(&self, output: &Path, option: &str) -> Result<(), String> {
        let target = Identity::of(output);
        let refuse = |why: String| Err(refusal(output, option, &why));
        for (what, path) in &self.files {
            if target.is(path) {
                return refuse(format!("it is {what} {}", shown(path)));
            }
        }
        let name_kind = target
            .canonical
            .as_deref()
            .and_then(classify)
            .filter(|k| *k != FileKind::CloudFormationCandidate);
        for checked in &self.checked {
            let id = Identity::of(checked);
            if target.same(&id) {
                return refuse(format!("it is a checked path ({})", shown(checked)));
            }
            let (Some(kind), Some(out), Some(root)) = (name_kind, &target.canonical, &id.canonical)
            else {
                continue;
            };
            let kind = match kind {
                FileKind::Terraform | FileKind::TerraformJson => "a Terraform file",
                _ => "a Terraform variables file",
            };
            if checked.is_dir() && out.starts_with(root) {
                return refuse(format!(
                    "the run reads it as {kind} of the checked directory {}",
                    shown(checked)
                ));
            }
            // A `.tf` file named on the command line brings the other Terraform files of its
            // directory (its module).
            let module_file = matches!(
                classify(checked),
                Some(FileKind::Terraform | FileKind::TerraformJson)
            );
            if module_file && checked.is_file() && out.parent() == root.parent() {
                return refuse(format!(
                    "the run reads it as {kind} of the module of the checked file {}",
                    shown(checked)
                ));
            }
        }
        Ok(())
    }
}

/// Refuses `output` when it is one of the files the run read.
pub fn refuse_read(output: &Path, option: &str, sources: &SourceMap) -> Result<(), String> {
    // A file that does not exist was not read (or has gone since): nothing to protect.
    let Ok(meta) = fs::metadata(output) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Ok(());
    }
    let target = Identity::of(output);
    for (_, file) in sources.iter() {
        if target.is(&file.path) {
            return Err(refusal(
                output,
                option,
                &format!("it is a file this run read ({})", file.display),
            ));
        }
    }
    Ok(())
}

fn refusal(output: &Path, option: &str, why: &str) -> String {
    // Through a symbolic link: say where it leads.
    let target = match fs::canonicalize(output) {
        Ok(real) if fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) => {
            format!(" (a link to {})", shown(&real))
        }
        _ => String::new(),
    };
    format!(
        "refusing to write {}{target} ({option}): {why}; infralint never writes over a file it reads, choose another path",
        shown(output)
    )
}

fn shown(path: &Path) -> String {
    crate::display::display_path(path)
}

/// What makes two paths the same file.
struct Identity {
    /// The path with symbolic links, `.` and `..` resolved; for a file that does not exist,
    /// its directory's canonical path and its name.
    canonical: Option<PathBuf>,
    /// Device and inode, when the file exists (Unix).
    inode: Option<(u64, u64)>,
}

impl Identity {
    fn of(path: &Path) -> Identity {
        let canonical = fs::canonicalize(path).ok().or_else(|| {
            let name = path.file_name()?;
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            Some(fs::canonicalize(parent).ok()?.join(name))
        });
        Identity {
            canonical,
            inode: inode(path),
        }
    }

    fn same(&self, other: &Identity) -> bool {
        match (self.inode, other.inode) {
            (Some(a), Some(b)) => a == b,
            _ => self.canonical.is_some() && self.canonical == other.canonical,
        }
    }

    /// Whether `path` is this file: one `stat` when both exist (Unix), else the canonical
    /// paths.
    fn is(&self, path: &Path) -> bool {
        match (self.inode, inode(path)) {
            (Some(a), Some(b)) => a == b,
            _ => self.same(&Identity::of(path)),
        }
    }
}

#[cfg(unix)]
fn inode(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn inode(_: &Path) -> Option<(u64, u64)> {
    None
}
