//! A finding's identity across two versions of a repository.
//!
//! The fingerprint is FNV-1a 64 ([`crate::baseline::fnv1a64`], stable across platforms and
//! Rust versions) over, joined by NUL bytes:
//!
//! 1. `v2`, the scheme's version;
//! 2. the rule id;
//! 3. the file of the primary location, relative to the repository's root, `/`-separated
//!    (the same whichever directory the run started in and whichever paths it named);
//! 4. the resource's address within its own module (`aws_ebs_volume.db[0]`, never
//!    `module.app.aws_ebs_volume.db[0]`: a module reached directly or through a caller is the
//!    same code);
//! 5. the text the primary location underlines (the attribute's value, or the resource's
//!    header), with every run of whitespace collapsed to one space.
//!
//! Never a line or column: moving a block, or editing lines above it, keeps its findings'
//! identity; never the message, which may quote a price or a computed value.
//!
//! A module called twice gives two findings with one fingerprint; matching is one for one
//! (a multiset), so a third call's finding is still new.

use crate::baseline::fnv1a64;

/// What a finding's identity is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityParts<'a> {
    pub rule: &'a str,
    /// Relative to the repository root, `/`-separated.
    pub file: &'a str,
    /// The full address, as reported (`module.a.aws_eip.x`); the module path is dropped here.
    pub resource: &'a str,
    /// The underlined text, as written.
    pub text: &'a str,
}

/// Whitespace runs collapsed to one space, ends trimmed.
pub fn normalized_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint, as 16 hex digits (see the module documentation).
pub fn fingerprint(parts: &IdentityParts) -> String {
    format!("{:016x}", fnv1a64(key(parts, Some(parts.file)).as_bytes()))
}

/// The identity without the file: what a finding of a renamed file is matched by.
pub fn fingerprint_without_file(parts: &IdentityParts) -> String {
    format!("{:016x}", fnv1a64(key(parts, None).as_bytes()))
}

fn key(parts: &IdentityParts, file: Option<&str>) -> String {
    let local = crate::model::address::resource_part(parts.resource);
    let text = normalized_text(parts.text);
    [
        "v2",
        parts.rule,
        file.unwrap_or("\u{1}renamed"),
        local,
        &text,
    ]
    .join("\0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(file: &'a str, resource: &'a str, text: &'a str) -> IdentityParts<'a> {
        IdentityParts {
            rule: "ebs-io1-to-io2",
            file,
            resource,
            text,
        }
    }

    #[test]
    fn the_module_path_and_whitespace_do_not_count() {
        let direct = fingerprint(&parts("modules/db/main.tf", "aws_ebs_volume.db", "\"io1\""));
        let through_caller = fingerprint(&parts(
            "modules/db/main.tf",
            "module.db[\"a\"].aws_ebs_volume.db",
            "\"io1\"",
        ));
        assert_eq!(direct, through_caller);
        assert_eq!(
            fingerprint(&parts("m.tf", "aws_eip.x", "resource  \"aws_eip\"\n \"x\"")),
            fingerprint(&parts("m.tf", "aws_eip.x", "resource \"aws_eip\" \"x\""))
        );
    }

    #[test]
    fn file_rule_resource_and_text_count() {
        let base = fingerprint(&parts("a.tf", "aws_ebs_volume.db", "\"io1\""));
        assert_ne!(
            base,
            fingerprint(&parts("b.tf", "aws_ebs_volume.db", "\"io1\""))
        );
        assert_ne!(
            base,
            fingerprint(&parts("a.tf", "aws_ebs_volume.logs", "\"io1\""))
        );
        assert_ne!(
            base,
            fingerprint(&parts("a.tf", "aws_ebs_volume.db", "\"io2\""))
        );
        assert_ne!(
            fingerprint_without_file(&parts("a.tf", "aws_ebs_volume.db", "\"io1\"")),
            base
        );
        assert_eq!(
            fingerprint_without_file(&parts("a.tf", "aws_ebs_volume.db", "\"io1\"")),
            fingerprint_without_file(&parts("b.tf", "aws_ebs_volume.db", "\"io1\""))
        );
        // A known value (computed independently, FNV-1a 64 of the NUL-joined key): the scheme
        // is an interface (stored in reports, compared across versions of infralint), so
        // changing it is a decision, not an accident.
        assert_eq!(base, "3fc341f57c7f0c2f");
    }
}
