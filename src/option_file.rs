//! Reading the files named by options (`--config`, `--var-file`, `--parameter-file`,
//! `--usage`, `--ami-inventory`, `--baseline`, and their configuration equivalents): one
//! reader, so that each is checked as a positional path is.
//!
//! A FIFO, a device or a directory is refused before it is opened (`--var-file /dev/zero`
//! would never end; a FIFO would block), and the size is bounded twice: by the metadata, and
//! by reading at most one byte more than the limit, so a file growing while it is read is
//! still bounded.

use std::io::Read;
use std::path::Path;

/// The largest option file infralint reads: far above any real variables, parameter, usage
/// or configuration file, and above an `aws ec2 describe-images` answer for thousands of
/// images; small enough that a wrong path never exhausts memory.
pub const MAX_OPTION_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// Which option names the file, for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionFile {
    Config,
    VarFile,
    ParameterFile,
    Usage,
    AmiInventory,
    Baseline,
}

impl OptionFile {
    /// What the file is and which option (or configuration key) names it.
    pub fn describe(self) -> &'static str {
        match self {
            OptionFile::Config => "configuration file (--config, or the nearest .infralint.toml)",
            OptionFile::VarFile => "variables file (--var-file)",
            OptionFile::ParameterFile => "parameter file (--parameter-file)",
            OptionFile::Usage => "usage file (--usage, or `usage` in the configuration)",
            OptionFile::AmiInventory => {
                "AMI inventory (--ami-inventory, or `ami_inventory` in the configuration)"
            }
            OptionFile::Baseline => "baseline (--baseline)",
        }
    }
}

/// Why an option file could not be read: the text after `PATH: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
}

/// Reads an option file as UTF-8 text. The error reads `cannot read the <what> (<option>):
/// <why>`; the caller puts the path in front.
pub fn read(path: &Path, kind: OptionFile) -> Result<String, ReadError> {
    let fail = |why: String| ReadError {
        message: format!("cannot read the {}: {why}", kind.describe()),
    };
    let io = |e: std::io::Error| fail(crate::discover::io_message(&e));
    // Follows symbolic links: a link to a regular file is fine, a link to /dev/zero is not.
    let meta = std::fs::metadata(path).map_err(io)?;
    let not_regular = || fail("not a regular file (a FIFO, a device or a directory)".to_string());
    if !meta.is_file() {
        return Err(not_regular());
    }
    let too_large = || {
        fail(format!(
            "larger than {} MiB, the limit for option files",
            MAX_OPTION_FILE_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_OPTION_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The path may have been replaced between the two looks.
    if !file.metadata().map_err(io)?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_OPTION_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_OPTION_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// [`read`] with the path in front of the message, for callers that report a plain string.
pub fn read_or_message(path: &Path, kind: OptionFile) -> Result<String, String> {
    read(path, kind).map_err(|e| format!("{}: {}", path.display(), e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_without_being_read() {
        let err = read(Path::new("/dev/zero"), OptionFile::VarFile).unwrap_err();
        assert_eq!(
            err.message,
            "cannot read the variables file (--var-file): not a regular file (a FIFO, a device or a directory)"
        );
    }

    #[test]
    fn a_directory_is_refused() {
        let err = read(&std::env::temp_dir(), OptionFile::Usage).unwrap_err();
        assert!(err.message.contains("not a regular file"), "{err:?}");
    }

    #[test]
    fn a_missing_file_names_the_option() {
        let err = read_or_message(Path::new("no/such.tfvars"), OptionFile::VarFile).unwrap_err();
        assert_eq!(
            err,
            "no/such.tfvars: cannot read the variables file (--var-file): no such file or directory"
        );
    }

    #[test]
    fn a_file_above_the_limit_is_refused() {
        let path =
            std::env::temp_dir().join(format!("infralint-option-{}.json", std::process::id()));
        // Sparse: no disk space used.
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_OPTION_FILE_BYTES + 1).unwrap();
        let err = read(&path, OptionFile::AmiInventory).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(err
            .message
            .ends_with("larger than 128 MiB, the limit for option files"));
    }

    #[test]
    fn invalid_utf8_is_an_error_with_its_offset() {
        let path =
            std::env::temp_dir().join(format!("infralint-option-{}.yaml", std::process::id()));
        std::fs::write(&path, b"ok: \xff\n").unwrap();
        let err = read(&path, OptionFile::Usage).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(
            err.message.ends_with("not valid UTF-8 (at byte 4)"),
            "{err:?}"
        );
    }
}
