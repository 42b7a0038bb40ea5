//! Writing a file so that its readers only ever see the old content or the new, complete one.
//!
//! Every file infralint writes (`check -o`, `baseline --output`, `--baseline-update`) goes
//! through [`write_atomically`]: the bytes go to a temporary file in the target's directory
//! (same file system, so the rename below is atomic), the file is synced, then renamed over
//! the target, and the directory is synced where the platform allows it. A full disk, a
//! failed write or a crash mid-write leaves the old file as it was; two runs writing the same
//! path leave one complete report, never a mix of both.
//!
//! The temporary file comes from the `tempfile` crate (already in the dependency tree through
//! `insta`): it creates the file with `O_EXCL` under a random name (retrying on a clash, so
//! concurrent processes and threads never share one), deletes it when anything fails before
//! the rename, and renames it with `persist`. Its name is `.<target name>.<random>.tmp`:
//! hidden, and never a Terraform or CloudFormation name, so a run walking the directory at the
//! same time never reads it.
//!
//! Permissions: a file that exists keeps its permission bits (the new file gets them before
//! the rename); its owner, hard links and extended attributes are not carried over (the
//! rename replaces the directory entry). A new file gets `0o666` less the umask, as a shell
//! redirection would create it.
//!
//! What cannot be replaced is written in place, as before: a device or a FIFO (`-o
//! /dev/stdout`, `-o /dev/null`, a named pipe), and every path under `/dev/` or `/proc/` (magic
//! links such as `/dev/stdout` resolve to whatever the descriptor is: renaming over that
//! would replace the caller's redirection target, or, for root, a device node).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Symbolic links followed at most when resolving a dangling link's target (as the kernel's
/// `MAXSYMLINKS`).
const MAX_SYMLINK_HOPS: usize = 40;

/// Writes `bytes` to `path` atomically (see the module documentation). The error names the
/// step that failed, without the path (the caller names it).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_with(path, |file| file.write_all(bytes))
}

/// [`write_atomically`] with the content written by `fill` (tests inject a failing writer).
fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> Result<(), String> {
    let target = match Target::of(path).map_err(|e| message(&e))? {
        Target::InPlace => {
            let mut file = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(|e| message(&e))?;
            fill(&mut file).map_err(|e| message(&e))?;
            return file.flush().map_err(|e| message(&e));
        }
        Target::Replace(target) => target,
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The target's name, shortened so that the temporary name stays within NAME_MAX.
    let name: String = target
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(64).collect())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    let existing = fs::metadata(&target).ok().filter(fs::Metadata::is_file);
    #[cfg(unix)]
    if existing.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    // Dropping `temp` before `persist` succeeded deletes the temporary file.
    let mut temp = builder.tempfile_in(&dir).map_err(|e| {
        format!(
            "cannot create a temporary file in {} (infralint writes a new file, then renames it over the old one): {}",
            crate::display::display_path(&dir),
            message(&e)
        )
    })?;
    fill(temp.as_file_mut()).map_err(|e| message(&e))?;
    if let Some(meta) = &existing {
        temp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| message(&e))?;
    }
    temp.as_file().sync_all().map_err(|e| message(&e))?;
    temp.persist(&target).map_err(|e| message(&e.error))?;
    // The rename is durable once the directory is synced; not every platform can open a
    // directory (Windows), and the file is already complete, so a failure here is ignored.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Where a write goes.
enum Target {
    /// A regular file (existing or not) replaced through a rename: the path after following
    /// symbolic links, so that a link keeps pointing at the file it named.
    Replace(PathBuf),
    /// A device, a FIFO or a path under `/dev/` or `/proc/`: opened and written in place.
    InPlace,
}

impl Target {
    fn of(path: &Path) -> io::Result<Target> {
        if path.starts_with("/dev") || path.starts_with("/proc") {
            return Ok(Target::InPlace);
        }
        match fs::metadata(path) {
            Ok(meta) if meta.is_file() => Ok(Target::Replace(fs::canonicalize(path)?)),
            Ok(meta) if meta.is_dir() => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )),
            Ok(_) => Ok(Target::InPlace),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Ok(Target::Replace(dangling_link_target(path)?))
            }
            Err(e) => Err(e),
        }
    }
}

/// The path a new file must have: `path` itself, or, when `path` is a symbolic link to a
/// file that does not exist yet, the link's final target (as `open(O_CREAT)` would create).
fn dangling_link_target(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) => parent.join(link),
                    None => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

fn message(e: &io::Error) -> String {
    crate::discover::io_message(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system's temporary directory.
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("infralint-atomic-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failing_write_leaves_the_old_file_intact_and_no_temporary_file() {
        let dir = scratch("failing");
        let target = dir.join("report.json");
        fs::write(&target, "the old report\n").unwrap();
        let err = write_with(&target, |file| {
            file.write_all(b"half of the new rep")?;
            Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device",
            ))
        })
        .unwrap_err();
        assert!(err.contains("no space left"), "{err}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "the old report\n");
        assert_eq!(entries(&dir), ["report.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_write_replaces_the_file_and_keeps_its_permissions() {
        let dir = scratch("replace");
        let target = dir.join("report.json");
        fs::write(&target, "old, and longer than the new content\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(&target, b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(entries(&dir), ["report.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through_not_replaced() {
        let dir = scratch("symlink");
        fs::create_dir_all(dir.join("reports")).unwrap();
        fs::write(dir.join("reports/real.json"), "old\n").unwrap();
        std::os::unix::fs::symlink("reports/real.json", dir.join("link.json")).unwrap();
        write_atomically(&dir.join("link.json"), b"new\n").unwrap();
        assert!(fs::symlink_metadata(dir.join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(dir.join("reports/real.json")).unwrap(),
            "new\n"
        );
        // A dangling link: the file it names is created.
        std::os::unix::fs::symlink("reports/new.json", dir.join("dangling.json")).unwrap();
        write_atomically(&dir.join("dangling.json"), b"created\n").unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("reports/new.json")).unwrap(),
            "created\n"
        );
        assert_eq!(entries(&dir.join("reports")), ["new.json", "real.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_name_at_the_length_limit_is_written() {
        let dir = scratch("long");
        let target = dir.join(format!("{}.json", "r".repeat(250)));
        write_atomically(&target, b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_directory_is_an_error() {
        let dir = scratch("directory");
        let err = write_atomically(&dir, b"x").unwrap_err();
        assert!(err.contains("directory"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
