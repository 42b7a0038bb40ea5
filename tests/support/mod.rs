//! Helpers shared by the integration tests (`mod support;` in each test file that needs them).
#![allow(dead_code)]

/// An empty scratch directory, removed on drop.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("infralint-test-")
        .tempdir()
        .expect("temporary directory")
}

/// A scratch directory holding `files` (relative name, content), removed on drop.
pub fn scratch(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = temp_dir();
    for (name, content) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directories");
        }
        std::fs::write(path, content).expect("write file");
    }
    dir
}

/// [`scratch`] for text files.
pub fn scratch_text(files: &[(&str, &str)]) -> tempfile::TempDir {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    scratch(&bytes)
}

/// Runs the binary in `dir` with `args`, isolated from the machine it runs on: its own HOME
/// and XDG config directory (no user-level or global git ignore settings leak in), no system
/// git config, no colour.
pub fn infralint(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    let home = dir.join(".test-home");
    std::process::Command::new(env!("CARGO_BIN_EXE_infralint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
