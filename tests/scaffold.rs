//! `scripts/new-rule` end to end: in a copy of the repository, it scaffolds a rule (code,
//! registry line, doc, fixture stubs) that builds and that the catalog sees.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn new_rule_scaffolds_a_rule_that_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().expect("temp dir");
    for dir in ["src", "rules", "data", "scripts", "benches", "examples"] {
        copy_dir(&root.join(dir), &copy.path().join(dir));
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(root.join(file), copy.path().join(file)).expect("copy");
    }
    let out = Command::new("bash")
        .arg("scripts/new-rule")
        .args([
            "ebs-scaffold-example",
            "cost",
            "warning",
            "A rule made by the scaffold",
        ])
        .current_dir(copy.path())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let registry = std::fs::read_to_string(copy.path().join("src/rules/mod.rs")).expect("mod.rs");
    assert!(
        registry.contains("    ebs_scaffold_example::EbsScaffoldExample,\n    // scripts/new-rule")
    );
    for file in [
        "src/rules/ebs_scaffold_example.rs",
        "rules/ebs-scaffold-example.md",
        "fixtures/ebs-scaffold-example/fire/tf-example.tf",
        "fixtures/ebs-scaffold-example/fire/cfn-example.yaml",
        "fixtures/ebs-scaffold-example/fire/cfn-example.json",
        "fixtures/ebs-scaffold-example/silent/tf-example.tf",
        "fixtures/ebs-scaffold-example/silent/cfn-example.yaml",
        "fixtures/ebs-scaffold-example/silent/cfn-example.json",
    ] {
        assert!(copy.path().join(file).is_file(), "{file}");
    }
    // The same rule twice is refused, changing nothing.
    let again = Command::new("bash")
        .arg("scripts/new-rule")
        .args(["ebs-scaffold-example", "cost", "warning", "Again"])
        .current_dir(copy.path())
        .output()
        .expect("bash runs");
    assert_eq!(again.status.code(), Some(2));

    // It builds (dependencies come from this repository's own target directory).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let built = Command::new(cargo)
        .args(["check", "--lib", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", root.join("target/scaffold-check"))
        .current_dir(copy.path())
        .output()
        .expect("cargo runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}
