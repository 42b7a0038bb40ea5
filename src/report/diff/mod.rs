//! Rendering an `infralint diff` ([`crate::diff::DiffOutcome`]): human, json, markdown (a
//! pull-request comment), github (annotations for new findings only), sarif (`baselineState`).

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::finding::usd;

/// A signed monthly amount: `+$12.00`, `-$3.60`, `$0.00`.
pub fn signed_usd(amount: f64) -> String {
    let shown = usd(amount);
    if amount > 0.0 && shown != "$0.00" {
        format!("+{shown}")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs() {
        assert_eq!(signed_usd(12.0), "+$12.00");
        assert_eq!(signed_usd(-3.6), "-$3.60");
        assert_eq!(signed_usd(0.0), "$0.00");
        assert_eq!(signed_usd(0.001), "$0.00");
    }
}
