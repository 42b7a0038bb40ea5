//! Which adapters read a resolved unit: those of its language (Terraform, whether from a
//! configuration or a plan, or CloudFormation).

use std::sync::OnceLock;

use foldhash::HashSet;

use super::{from_cloudformation, from_terraform, Model, SourceKind};
use crate::resolved::{ResolvedUnit, Wanted};

/// A fixed list of names, looked up by hash (the set built on first use): the frontends ask
/// once per attribute they resolve whether an adapter reads it.
pub(crate) struct NameSet {
    pub names: &'static [&'static str],
    set: OnceLock<HashSet<&'static str>>,
}

impl NameSet {
    pub const fn new(names: &'static [&'static str]) -> NameSet {
        NameSet {
            names,
            set: OnceLock::new(),
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.set
            .get_or_init(|| self.names.iter().copied().collect())
            .contains(name)
    }
}

/// What the adapters of `source` read: the frontends resolve the bodies of those resource
/// types only, and in them only the names the adapters read.
pub fn wanted(source: SourceKind) -> Wanted<'static> {
    match source {
        SourceKind::Terraform => from_terraform::WANTED,
        SourceKind::CloudFormation => from_cloudformation::WANTED,
    }
}

/// The model of one resolved unit, read by the adapters of its language.
pub fn adapt(unit: &ResolvedUnit) -> Model {
    match unit.unit.kind {
        SourceKind::Terraform => from_terraform::adapt(unit),
        SourceKind::CloudFormation => from_cloudformation::adapt(unit),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The string literals of the Rust sources in `dir` (test modules included) that match
    /// `is_name`.
    fn literals(dir: &str, is_name: impl Fn(&str) -> bool) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut found = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("keys.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // From each quote to the next one not escaped (comments too: a quoted name in a
            // comment at worst adds a name).
            let mut chars = text.chars();
            while let Some(c) = chars.next() {
                if c != '"' {
                    continue;
                }
                let mut literal = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            literal.push(c);
                            literal.extend(chars.next());
                        }
                        _ => literal.push(c),
                    }
                }
                if is_name(&literal) {
                    found.insert(literal);
                }
            }
        }
        found
    }

    /// The names a frontend resolves are exactly the literals that could be names in the
    /// adapters' sources: a name read but missing would read as absent (a silent false
    /// negative); one listed but never read costs time.
    fn assert_keys_match(dir: &str, listed: &[&str], is_name: impl Fn(&str) -> bool) {
        let listed: BTreeSet<String> = listed.iter().map(|k| k.to_string()).collect();
        let used = literals(dir, is_name);
        let missing: Vec<&String> = used.difference(&listed).collect();
        let stale: Vec<&String> = listed.difference(&used).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "{dir}/keys.rs: add {missing:?}, remove {stale:?}"
        );
    }

    #[test]
    fn terraform_frontends_resolve_every_name_the_adapters_read() {
        assert_keys_match(
            "src/model/from_terraform",
            super::from_terraform::keys::READ_KEYS.names,
            |s| {
                s.starts_with(|c: char| c.is_ascii_lowercase())
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && !s.starts_with("aws_")
            },
        );
    }

    #[test]
    fn cloudformation_frontend_resolves_every_property_the_adapters_read() {
        assert_keys_match(
            "src/model/from_cloudformation",
            super::from_cloudformation::keys::READ_KEYS.names,
            |s| {
                s.starts_with(|c: char| c.is_ascii_uppercase())
                    && s.chars().all(|c| c.is_ascii_alphanumeric())
            },
        );
    }

    #[test]
    fn key_lists_are_sorted() {
        for list in [
            super::from_terraform::keys::READ_KEYS.names,
            super::from_cloudformation::keys::READ_KEYS.names,
        ] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }
}
