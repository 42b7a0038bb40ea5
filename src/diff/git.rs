//! The git plumbing `diff` needs, read-only: where the repository is, what a revision names,
//! and a revision's files copied into a temporary directory.
//!
//! Nothing here writes to the repository: no checkout, no stash, no `git worktree` entry, no
//! index update. A revision's tree is listed with `git ls-tree` and its blobs read with
//! `git cat-file --batch`, written below a [`tempfile::TempDir`] that is removed when dropped.

use std::io::{BufRead, BufReader, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository a run is in, seen from the current directory.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The top of the working tree (`git rev-parse --show-toplevel`).
    pub root: PathBuf,
    /// The current directory relative to `root` (`git rev-parse --show-prefix`), `""` at the
    /// top.
    pub prefix: PathBuf,
}

/// Runs `git ARGS` in `dir` and returns its standard output, or a message with git's own.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "`git` is not installed (or not on PATH): `infralint diff` needs it".to_string()
            }
            _ => format!("cannot run git: {e}"),
        })?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn git_line(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = git(dir, args)?;
    Ok(String::from_utf8_lossy(&out)
        .trim_end_matches('\n')
        .to_string())
}

impl Repo {
    /// The repository containing `cwd`, or a message saying there is none.
    pub fn discover(cwd: &Path) -> Result<Repo, String> {
        let root = git_line(cwd, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            if e.contains("not a git repository") {
                format!(
                    "{} is not in a git repository: `infralint diff` compares git revisions (use `infralint check` outside git)",
                    cwd.display()
                )
            } else {
                e
            }
        })?;
        if root.is_empty() {
            return Err(format!(
                "{} is not in a git working tree (a bare repository or the .git directory): `infralint diff` needs a working tree",
                cwd.display()
            ));
        }
        let prefix = git_line(cwd, &["rev-parse", "--show-prefix"])?;
        Ok(Repo {
            root: PathBuf::from(root),
            prefix: PathBuf::from(prefix.trim_end_matches('/')),
        })
    }

    /// The commit `rev` names (full hash). On a shallow clone whose history does not reach
    /// `rev`, says what to fetch.
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        if rev.starts_with('-') {
            return Err(format!("`{rev}` is not a revision"));
        }
        let spec = format!("{rev}^{{commit}}");
        match git_line(&self.root, &["rev-parse", "--verify", "--quiet", &spec]) {
            Ok(hash) if !hash.is_empty() => Ok(hash),
            _ => {
                let shallow = git_line(&self.root, &["rev-parse", "--is-shallow-repository"])
                    .is_ok_and(|s| s == "true");
                if shallow {
                    Err(format!(
                        "revision `{rev}` is not in this shallow clone: fetch it first (`git fetch --depth=1 origin {rev}`, or with actions/checkout `fetch-depth: 0`)"
                    ))
                } else {
                    Err(format!(
                        "unknown revision `{rev}` (not a commit of this repository; `git fetch` it if it is a remote branch)"
                    ))
                }
            }
        }
    }

    /// Writes the files of `commit`'s tree below `dir` (regular files and, on Unix, symbolic
    /// links; submodules are left out), without touching the repository.
    pub fn export_tree(&self, commit: &str, dir: &Path) -> Result<(), String> {
        let listing = git(&self.root, &["ls-tree", "-r", "-z", "--full-tree", commit])?;
        let mut entries = Vec::new();
        for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            // `<mode> SP <type> SP <object> TAB <path>`
            let Some(tab) = record.iter().position(|b| *b == b'\t') else {
                continue;
            };
            let (meta, path) = (&record[..tab], &record[tab + 1..]);
            let meta = String::from_utf8_lossy(meta);
            let mut parts = meta.split(' ');
            let (Some(mode), Some(kind), Some(object)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if kind != "blob" {
                continue; // a submodule (commit)
            }
            let Some(rel) = safe_relative(path) else {
                continue;
            };
            entries.push((mode.to_string(), object.to_string(), rel));
        }
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .current_dir(&self.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run git cat-file: {e}"))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("cannot talk to git cat-file".to_string());
        };
        let objects: Vec<String> = entries.iter().map(|(_, o, _)| o.clone()).collect();
        // Written from another thread: git answers while it reads, and both pipes are bounded.
        let writer = std::thread::spawn(move || {
            for object in objects {
                if writeln!(stdin, "{object}").is_err() {
                    break;
                }
            }
        });
        let mut reader = BufReader::new(stdout);
        let mut result = Ok(());
        for (mode, _, rel) in &entries {
            match read_blob(&mut reader) {
                Ok(bytes) => {
                    if let Err(e) = write_entry(dir, rel, mode, &bytes) {
                        result = Err(e);
                        break;
                    }
                }
                Err(e) => {
                    result = Err(format!("cannot read {} at {commit}: {e}", rel.display()));
                    break;
                }
            }
        }
        drop(reader);
        let _ = writer.join();
        let _ = child.wait();
        result
    }
}

/// One answer of `git cat-file --batch`: `<object> <type> <size>\n<content>\n`.
fn read_blob(reader: &mut impl BufRead) -> Result<Vec<u8>, String> {
    let mut header = String::new();
    reader
        .read_line(&mut header)
        .map_err(|e| format!("git cat-file: {e}"))?;
    let size: usize = header
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("git cat-file answered `{}`", header.trim()))?;
    let mut content = vec![0; size];
    reader
        .read_exact(&mut content)
        .map_err(|e| format!("git cat-file: {e}"))?;
    let mut newline = [0u8; 1];
    reader
        .read_exact(&mut newline)
        .map_err(|e| format!("git cat-file: {e}"))?;
    Ok(content)
}

/// A path of a git tree as a relative path with normal components only (git never stores
/// others, but the tree is data).
fn safe_relative(bytes: &[u8]) -> Option<PathBuf> {
    #[cfg(unix)]
    let path = {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    };
    #[cfg(not(unix))]
    let path = PathBuf::from(std::str::from_utf8(bytes).ok()?);
    let normal = path.components().all(|c| matches!(c, Component::Normal(_)));
    (normal && !path.as_os_str().is_empty()).then_some(path)
}

fn write_entry(dir: &Path, rel: &Path, mode: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    if mode == "120000" {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let target = Path::new(std::ffi::OsStr::from_bytes(bytes));
            return std::os::unix::fs::symlink(target, &path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()));
        }
        #[cfg(not(unix))]
        return Ok(());
    }
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_paths_stay_below_the_directory() {
        assert_eq!(safe_relative(b"a/b.tf"), Some(PathBuf::from("a/b.tf")));
        assert_eq!(safe_relative(b"../x"), None);
        assert_eq!(safe_relative(b"/etc/passwd"), None);
        assert_eq!(safe_relative(b"a/./b"), Some(PathBuf::from("a/b")));
        assert_eq!(safe_relative(b""), None);
    }

    #[test]
    fn batch_answers_are_read_by_size() {
        let mut input: &[u8] = b"abc blob 5\nhe\nlo\nabd blob 0\n\n";
        assert_eq!(read_blob(&mut input).unwrap(), b"he\nlo");
        assert_eq!(read_blob(&mut input).unwrap(), b"");
        let mut missing: &[u8] = b"abc missing\n";
        assert!(read_blob(&mut missing).is_err());
    }
}
