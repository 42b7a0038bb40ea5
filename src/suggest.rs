//! "Did you mean": the known name nearest to a misspelt one, for every message that rejects
//! a rule id (the configuration, `--severity`, suppressions, `explain`).

/// The candidate nearest to `name` by edit distance (a transposition counts one), when it is
/// close enough to be what was meant: at most a third of the name's length away (and at most
/// three edits for short names). Ties go to the first candidate.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(3);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `"; did you mean `x`?"` or nothing: appended to an "unknown rule" message.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(name, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 3] = ["ebs-gp2-to-gp3", "eip-unattached", "ami-stale"];

    #[test]
    fn nearest_rule_ids() {
        assert_eq!(nearest("ebs-gp2-gp3", IDS), Some("ebs-gp2-to-gp3"));
        assert_eq!(nearest("eip-unatached", IDS), Some("eip-unattached"));
        assert_eq!(nearest("ami-stael", IDS), Some("ami-stale"));
        assert_eq!(nearest("no-such-thing-at-all", IDS), None);
        assert_eq!(
            did_you_mean("ami-stael", IDS),
            "; did you mean `ami-stale`?"
        );
        assert_eq!(did_you_mean("zzz", IDS), "");
    }
}
