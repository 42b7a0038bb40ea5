//! How paths are shown to people: relative to the current directory, `/` separators, and each
//! name printable, on one line and unambiguous, in every report format. A name that is not
//! UTF-8 or holds a newline is shown escaped, never lossily: the SARIF report reads the escapes
//! back to percent-encode the real bytes.

use std::ffi::OsStr;
use std::path::{Component, Path};

/// The path as shown to users: relative to the current directory when below it, `/`
/// separators, no leading `./`, each name escaped by [`escape_os`].
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = match (&cwd, path.is_absolute()) {
        (Some(cwd), true) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::CurDir => None,
            Component::Normal(name) => Some(escape_os(name)),
            other => Some(other.as_os_str().to_string_lossy().into_owned()),
        })
        .collect();
    match parts.split_first() {
        None => ".".to_string(),
        Some((_, rest)) if rel.is_absolute() => format!("/{}", rest.join("/")),
        Some(_) => parts.join("/"),
    }
}

/// A name (a file name, a link target) shown to people: printable, on one line, and
/// unambiguous. UTF-8 text is kept as is, but for `\`, which becomes `\\`, and control
/// characters, which become `\n`, `\r`, `\t` or `\xNN` per byte; a byte that is not UTF-8
/// becomes `\xNN`. Two different names are never shown alike (U+FFFD, what a lossy
/// conversion gives, would be ambiguous), and the original bytes can be read back
/// ([`unescape`]).
pub fn escape_os(name: &OsStr) -> String {
    let bytes = name.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let mut buf = [0; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The bytes [`escape_os`] shows (an escape that it never writes is kept as it is).
pub fn unescape(shown: &str) -> Vec<u8> {
    let bytes = shown.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = match (b, bytes.get(i + 1)) {
            (b'\\', Some(b'\\')) => Some((b'\\', 2)),
            (b'\\', Some(b'n')) => Some((b'\n', 2)),
            (b'\\', Some(b'r')) => Some((b'\r', 2)),
            (b'\\', Some(b't')) => Some((b'\t', 2)),
            (b'\\', Some(b'x')) => bytes
                .get(i + 2..i + 4)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .map(|v| (v, 4)),
            _ => None,
        };
        match escaped {
            Some((v, len)) => {
                out.push(v);
                i += len;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The directory part of a displayed path (`envs/prod/main.tf` -> `envs/prod`), `.` for a
/// file name alone: how a Terraform unit (a directory) is displayed.
pub fn directory_of(display: &str) -> &str {
    match display.rfind('/') {
        Some(0) => "/",
        Some(i) => &display[..i],
        None => ".",
    }
}

/// `.` dropped and `..` applied without touching the file system (the path may not exist,
/// or exist in another version): a leading `..` of a relative path is kept, `..` at the root
/// of an absolute path stays at the root.
pub fn lexical(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_leading_dots = out
                    .components()
                    .next_back()
                    .is_none_or(|last| last == Component::ParentDir);
                if out.has_root() {
                    out.pop();
                } else if at_leading_dots {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn os(bytes: &[u8]) -> &OsStr {
        use std::os::unix::ffi::OsStrExt;
        OsStr::from_bytes(bytes)
    }

    #[cfg(unix)]
    #[test]
    fn names_are_escaped_unambiguously_and_read_back() {
        let cases: &[(&[u8], &str)] = &[
            (b"main.tf", "main.tf"),
            ("données é.tf".as_bytes(), "données é.tf"),
            (b"a\nb", "a\\nb"),
            (b"tab\there\r", "tab\\there\\r"),
            (b"bell\x07\x7f", "bell\\x07\\x7f"),
            // U+0085 (NEL), a control character of two bytes.
            (b"c1\xc2\x85", "c1\\xc2\\x85"),
            // Not UTF-8: one byte alone, and a truncated sequence.
            (b"caf\xe9.tf", "caf\\xe9.tf"),
            (b"x\xe2\x82.tf", "x\\xe2\\x82.tf"),
            // A literal backslash-x is not an escape of a byte.
            (b"caf\\xe9.tf", "caf\\\\xe9.tf"),
        ];
        for (bytes, shown) in cases {
            assert_eq!(escape_os(os(bytes)), *shown);
            assert_eq!(unescape(shown), *bytes, "{shown}");
        }
    }

    #[test]
    fn display_paths_are_relative_with_slashes() {
        assert_eq!(display_path(Path::new("./a/./b.tf")), "a/b.tf");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(
            display_path(Path::new("/elsewhere/x.tf")),
            "/elsewhere/x.tf"
        );
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(display_path(&cwd.join("m/x.tf")), "m/x.tf");
    }
}
