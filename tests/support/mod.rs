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
