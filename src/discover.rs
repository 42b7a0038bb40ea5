//! Finding the files to lint.
//!
//! Terraform files are recognised by name. CloudFormation candidates (`.yaml`, `.yml`,
//! `.json`, `.template`) are read and recognised by content later; anything else that is not a
//! template is skipped silently.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

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
    /// Findings are reported for this file. False for files loaded only as context (the other
    /// files of the module of a `.tf` file named on the command line).
    pub reported: bool,
}

/// A path that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf.json") {
        Some(FileKind::TerraformJson)
    } else if lower == "terraform.tfvars.json" || lower.ends_with(".auto.tfvars.json") {
        Some(FileKind::TfVarsJson)
    } else if lower.ends_with(".tf") {
        Some(FileKind::Terraform)
    } else if lower == "terraform.tfvars" || lower.ends_with(".auto.tfvars") {
        Some(FileKind::TfVars)
    } else if [".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        Some(FileKind::CloudFormationCandidate)
    } else {
        None
    }
}

fn skipped_dir(name: &std::ffi::OsStr) -> bool {
    name == ".terraform" || name == ".git"
}

/// Walks `paths` (directories and files) into a sorted, de-duplicated candidate list.
pub fn discover(paths: &[PathBuf]) -> (Vec<Candidate>, Vec<DiscoverError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                errors.push(DiscoverError {
                    path: root.clone(),
                    message: io_message(&e),
                });
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            // A FIFO or a device: reading it could block forever.
            errors.push(DiscoverError {
                path: root.clone(),
                message: "not a regular file or directory".to_string(),
            });
            continue;
        }
        if meta.is_file() {
            match classify(root) {
                Some(kind) => {
                    out.push(Candidate {
                        path: root.clone(),
                        kind,
                        reported: true,
                    });
                    if matches!(kind, FileKind::Terraform | FileKind::TerraformJson) {
                        module_context(root, &mut out);
                    }
                }
                None => errors.push(DiscoverError {
                    path: root.clone(),
                    message: "not a Terraform (.tf) or CloudFormation (.yaml, .yml, .json, .template) file".to_string(),
                }),
            }
            continue;
        }
        let walker = WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !(e.file_type().is_dir() && skipped_dir(e.file_name())));
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if !entry.file_type().is_file() {
                        continue;
                    }
                    if let Some(kind) = classify(entry.path()) {
                        out.push(Candidate {
                            path: entry.into_path(),
                            kind,
                            reported: true,
                        });
                    }
                }
                Err(e) => errors.push(DiscoverError {
                    path: e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone()),
                    message: match e.io_error() {
                        // The walk reads directories: a file it cannot open is read later.
                        Some(io) => format!("cannot read directory: {}", io_message(io)),
                        None => e.to_string(),
                    },
                }),
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(b.reported.cmp(&a.reported)));
    // The same file reached twice (named and walked, or as context): keep one, reported if
    // any occurrence is.
    out.dedup_by(|later, earlier| {
        if later.path == earlier.path {
            earlier.reported |= later.reported;
            true
        } else {
            false
        }
    });
    (out, errors)
}

/// The other Terraform files of the module of `file`, loaded so references across files
/// resolve, but not reported on.
fn module_context(file: &Path, out: &mut Vec<Candidate>) {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if !is_file {
            continue;
        }
        if let Some(
            kind @ (FileKind::Terraform
            | FileKind::TfVars
            | FileKind::TerraformJson
            | FileKind::TfVarsJson),
        ) = classify(&path)
        {
            let path = if file.parent().is_some_and(|p| p.as_os_str().is_empty()) {
                path.strip_prefix(".")
                    .map(Path::to_path_buf)
                    .unwrap_or(path)
            } else {
                path
            };
            if path != file {
                out.push(Candidate {
                    path,
                    kind,
                    reported: false,
                });
            }
        }
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
