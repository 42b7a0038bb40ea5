//! Terraform version constraints (`>= 6.0`, `~> 6.2`, `>= 5.0, < 7`), read for one question:
//! does a constraint admit only versions of a given major version or later? (AWS provider v6
//! turns some of v5's warnings into errors.)
//!
//! The syntax is Terraform's: comma-separated conditions, each an optional operator (`=`,
//! `!=`, `>`, `>=`, `<`, `<=`, `~>`) and a version of one to three numbers, possibly with a
//! pre-release suffix (`6.0.0-beta1`). A version satisfies the constraint when it satisfies
//! every condition.

/// A version: major, minor, patch, and whether it is a pre-release (which sorts before the
/// release of the same numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    /// `false` for a pre-release, so that `6.0.0-beta1` < `6.0.0`.
    release: bool,
}

fn parse_version(text: &str) -> Option<Version> {
    let (numbers, release) = match text.split_once('-') {
        Some((numbers, pre)) if !pre.is_empty() => (numbers, false),
        Some(_) => return None,
        None => (text, true),
    };
    // Build metadata (`+build`) does not order versions.
    let numbers = numbers.split('+').next().unwrap_or(numbers);
    let mut parts = numbers.split('.');
    let mut next = || -> Option<Option<u64>> {
        match parts.next() {
            None => Some(None),
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().ok().map(Some)
            }
            Some(_) => None,
        }
    };
    let major = next()??;
    let minor = next()?.unwrap_or(0);
    let patch = next()?.unwrap_or(0);
    if parts.next().is_some() {
        return None;
    }
    Some(Version {
        major,
        minor,
        patch,
        release,
    })
}

/// Whether every version the constraint admits is at least `major.0.0` (a release). `false`
/// when the constraint cannot be read: precision first, an unreadable constraint requires
/// nothing.
pub fn requires_at_least_major(constraint: &str, major: u64) -> bool {
    let floor = Version {
        major,
        minor: 0,
        patch: 0,
        release: true,
    };
    let mut required = false;
    for condition in constraint.split(',') {
        let condition = condition.trim();
        if condition.is_empty() {
            return false;
        }
        let (operator, version) = match ["~>", ">=", "<=", "!=", ">", "<", "="]
            .iter()
            .find_map(|op| condition.strip_prefix(op).map(|rest| (*op, rest)))
        {
            Some((op, rest)) => (op, rest.trim()),
            None => ("=", condition),
        };
        let Some(version) = parse_version(version) else {
            return false;
        };
        // A lower bound at or above the floor: every admitted version is too. (`> v` with v
        // below the floor admits versions below it, whatever v's patch.)
        let lower_bound = match operator {
            "=" | ">=" | "~>" | ">" => Some(version),
            _ => None,
        };
        if lower_bound.is_some_and(|v| v >= floor) {
            required = true;
        }
    }
    required
}

#[cfg(test)]
mod tests {
    use super::requires_at_least_major as v6;

    #[test]
    fn constraints_that_require_v6() {
        for c in [
            ">= 6.0",
            ">= 6",
            "~> 6.2",
            "~> 6.0.1",
            "6.1.0",
            "= 6.1.0",
            "> 6.0",
            ">=6.0,<7",
            ">= 5.0, >= 6.1",
            " >= 6.0 ",
        ] {
            assert!(v6(c, 6), "{c}");
        }
    }

    #[test]
    fn constraints_that_do_not() {
        for c in [
            ">= 5.0, < 7",
            "~> 5.60",
            "> 5.99.99",
            "< 7.0",
            "!= 6.0.0",
            ">= 6.0.0-beta1",
            "6.0.0-beta2",
            "",
            ">= 6.0,",
            "latest",
            ">= v6",
            "~> 6.x",
        ] {
            assert!(!v6(c, 6), "{c}");
        }
    }
}
