//! Numbers an `f64` cannot hold.
//!
//! Terraform's numbers have arbitrary precision: `1e400` and `1e-400` are numbers to it
//! (`terraform console` prints both in full), and a plan JSON writes them out digit by digit.
//! We keep numbers as `f64`, so such a literal gets an unknown value, never infinity (which
//! breaks comparison and arithmetic: `inf == inf`, `inf - inf` is NaN) or zero (wrong for
//! `1e-400 > 0`). Within range, a number is its nearest `f64`, as everywhere
//! (`99999999999999999999` is `1e20`).

/// Whether the decimal literal `token` (JSON or HCL syntax) is beyond `f64`: it overflows, or
/// a nonzero number rounds to zero. Not a number at all: false.
pub(crate) fn beyond_f64(token: &str) -> bool {
    match token.parse::<f64>() {
        Ok(n) if n.is_infinite() => true,
        Ok(0.0) => {
            let mantissa = token.split(['e', 'E']).next().unwrap_or("");
            mantissa.bytes().any(|c| matches!(c, b'1'..=b'9'))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beyond() {
        let big = format!("1{}", "0".repeat(400));
        let tiny = format!("0.{}1", "0".repeat(400));
        for t in [
            "1e400",
            "-1e400",
            "1E+309",
            "1e-400",
            "-1.5e-999",
            &big,
            &tiny,
        ] {
            assert!(beyond_f64(t), "{t}");
        }
        for t in [
            "1e308",
            "0",
            "-0",
            "0e999",
            "0.000e-999",
            "99999999999999999999",
            "5e-324",
            "x",
            "",
        ] {
            assert!(!beyond_f64(t), "{t}");
        }
    }
}
