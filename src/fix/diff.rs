//! The unified diff `check --diff` prints: what `--fix` would write, file by file.
//!
//! `similar` (already in the tree through `insta`) computes it; the headers are `a/PATH` and
//! `b/PATH` with the path as displayed, as `git diff` and `ruff --diff` print them, so that
//! `patch -p1` or `git apply` can read it back.

/// The unified diff from `old` to `new` of the file shown as `display`; empty when equal.
pub fn unified(display: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&format!("a/{display}"), &format!("b/{display}"))
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_with_its_context() {
        let old = "a\nb\ntype = \"gp2\"\nc\n";
        let new = "a\nb\ntype = \"gp3\"\nc\n";
        assert_eq!(
            unified("main.tf", old, new),
            "--- a/main.tf\n+++ b/main.tf\n@@ -1,4 +1,4 @@\n a\n b\n-type = \"gp2\"\n+type = \"gp3\"\n c\n"
        );
        assert_eq!(unified("main.tf", old, old), "");
    }
}
