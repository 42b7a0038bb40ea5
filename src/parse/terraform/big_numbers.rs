//! Number literals beyond `f64`, which Terraform accepts and hcl-edit does not.
//!
//! Terraform's numbers have arbitrary precision: `1e400` is a valid number (terraform 1.11:
//! `terraform validate` passes, `terraform console` prints it in full, `1e400 > 5` is true,
//! `1e400 - 1e400` is 0). hcl-edit 0.10 (the latest release) reads a number into an `f64` and
//! rejects a literal that overflows it: for `1e400` its float parser fails, it reads the `1`
//! as an integer and stops at `e400` ("expected newline or eof"); a 400-digit integer fails as
//! a whole ("unexpected token"). Literals that round to zero (`1e-400`) are read as `0`.
//!
//! So we parse with each such literal replaced by a call of the same length to a function
//! that does not exist (`1e400` -> `___()`): every span stays exact, and the evaluator gives
//! any call of an unknown function `Unknown`, which is the value such a number gets (why:
//! `crate::parse::numbers`).
//!
//! Which digits are number literals is decided by hcl-edit, not by us: a candidate is kept
//! only where the parsed tree has the replacement call at exactly its span, so digits in
//! strings, heredocs and comments are never changed.

use std::ops::Range;

use hcl_edit::expr::{Expression, FuncCall};
use hcl_edit::structure::Body;
use hcl_edit::visit::{self, Visit};
use hcl_edit::Span as _;

/// Parses `text` with [`hcl_edit::parser::parse_body`], reading out-of-range number literals
/// as unknown.
pub(super) fn parse_body(text: &str) -> Result<Body, hcl_edit::parser::Error> {
    parse_with(text, hcl_edit::parser::parse_body, |body, v| {
        v.visit_body(body)
    })
}

/// Parses `text` with [`hcl_edit::parser::parse_expr`], reading out-of-range number literals
/// as unknown.
pub(super) fn parse_expr(text: &str) -> Result<Expression, hcl_edit::parser::Error> {
    parse_with(text, hcl_edit::parser::parse_expr, |expr, v| {
        v.visit_expr(expr)
    })
}

/// Most parses of one text: the first with every candidate replaced, then without those that
/// turned out not to be number literals (once is enough: text in strings and comments does
/// not change the tree), then one to spare.
const MAX_ATTEMPTS: usize = 3;

fn parse_with<T>(
    text: &str,
    parse: fn(&str) -> Result<T, hcl_edit::parser::Error>,
    visit: fn(&T, &mut CallSpans),
) -> Result<T, hcl_edit::parser::Error> {
    let mut active = out_of_range_literals(text);
    if active.is_empty() {
        return parse(text);
    }
    for _ in 0..MAX_ATTEMPTS {
        let patched = replaced(text, &active);
        let tree = match parse(&patched) {
            Ok(tree) => tree,
            // A replacement where a call cannot be (none is known): the original text decides.
            Err(_) if parse(text).is_ok() => break,
            // Another error: one of the original text too, where only these literals differ.
            Err(e) => return Err(e),
        };
        let mut calls = CallSpans(Vec::new());
        visit(&tree, &mut calls);
        let before = active.len();
        active.retain(|c| calls.0.contains(c));
        if active.len() == before {
            return Ok(tree);
        }
        if active.is_empty() {
            break;
        }
    }
    parse(text)
}

/// The spans of all function calls of a tree.
struct CallSpans(Vec<Range<usize>>);

impl Visit for CallSpans {
    fn visit_func_call(&mut self, node: &FuncCall) {
        if let Some(span) = node.span() {
            self.0.push(span);
        }
        visit::visit_func_call(self, node);
    }
}

/// `text` with each range (ASCII digits and signs) replaced by `___()` of the same length.
fn replaced(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(&text[at..r.start]);
        out.extend(std::iter::repeat_n('_', r.len() - 2));
        out.push_str("()");
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A byte that can continue an identifier (ASCII letters, digits, `_`, any non-ASCII byte).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii()
}

/// The byte ranges of the tokens that look like HCL number literals
/// (`digits (. digits)? ([eE] [+-]? digits)?`, not part of an identifier or a traversal) whose
/// value an `f64` cannot hold: it overflows, or a nonzero number rounds to zero.
fn out_of_range_literals(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = digits_from(start);
        if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end = digits_from(end + 1);
        }
        if matches!(b.get(end), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
            if b.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
                end = digits_from(end + 1 + sign);
            }
        }
        i = end;
        let before = start.checked_sub(1).and_then(|k| b.get(k)).copied();
        let in_word = match before {
            Some(c) if is_word(c) || c == b'.' => true,
            // `a-1e400` is one identifier.
            Some(b'-') => start
                .checked_sub(2)
                .and_then(|k| b.get(k))
                .is_some_and(|&c| is_word(c)),
            _ => false,
        };
        if in_word || b.get(end).is_some_and(|&c| is_word(c)) {
            // Skip the rest of the word.
            while b.get(i).is_some_and(|&c| is_word(c)) {
                i += 1;
            }
            continue;
        }
        // `1e309` is the shortest literal that overflows, `1e-324` the shortest that
        // underflows: both are longer than the `()` of the replacement.
        if end - start < 5 {
            continue;
        }
        let out_of_range = crate::parse::numbers::beyond_f64(&text[start..end]);
        if out_of_range {
            out.push(start..end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(text: &str) -> Vec<&str> {
        out_of_range_literals(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn literals_out_of_f64_range() {
        let big = format!("1{}", "0".repeat(400));
        let text = format!(
            "a = 1e400\nb = -1.5E+400\nc = {big}\nd = 1e-400\ne = 1e308\nf = 99999999999999999999\ng = 0e999\nh = 0.0e-999\n"
        );
        // `1e308` and `99999999999999999999` fit an `f64`; `0e999` is exactly zero.
        assert_eq!(
            candidates(&text),
            ["1e400", "1.5E+400", big.as_str(), "1e-400"]
        );
        // Inside identifiers and traversals: not numbers.
        assert!(candidates("x = a1e400 + a-1e400 + a.1e400 + a_1e400 + 1e400x\n").is_empty());
        // In a string or comment the scan still sees them; the parsed tree rejects them.
        assert_eq!(candidates("x = \"1e400\" # 1e400\n"), ["1e400", "1e400"]);
    }

    #[test]
    fn replacement_keeps_length() {
        let text = "x = 1e400 + 1e-4000\n";
        let ranges = out_of_range_literals(text);
        let patched = replaced(text, &ranges);
        assert_eq!(patched, "x = ___() + _____()\n");
        assert_eq!(patched.len(), text.len());
    }

    #[test]
    fn out_of_range_numbers_parse_and_spans_stay_exact() {
        let text = "locals {\n  a = 1e400\n  b = [1, -1e400, \"1e400\"] # 1e400\n  c = \"${1e400} ok\"\n  d = <<EOT\n1e400\nEOT\n}\n";
        let body = parse_body(text).expect("parses");
        let mut calls = CallSpans(Vec::new());
        calls.visit_body(&body);
        let spans: Vec<&str> = calls.0.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(spans, ["1e400", "1e400", "1e400"], "only the three numbers");
        // The string and the heredoc keep their text.
        let locals = body.blocks().next().unwrap();
        let b = locals.body.get_attribute("b").unwrap();
        let Expression::Array(items) = &b.value else {
            panic!("{:?}", b.value)
        };
        let third = items.iter().nth(2).unwrap();
        assert_eq!(third.as_str(), Some("1e400"));
        let d = locals.body.get_attribute("d").unwrap();
        assert_eq!(
            &text[d.value.span().unwrap()],
            "<<EOT\n1e400\nEOT",
            "{:?}",
            d.value
        );
        let Expression::HeredocTemplate(heredoc) = &d.value else {
            panic!("{:?}", d.value)
        };
        assert_eq!(heredoc.template.to_string(), "1e400\n");
    }

    #[test]
    fn other_errors_are_still_errors() {
        // Before hcl-edit gets the chance to fail on the number, or after it.
        let e = parse_body("a = 1e400\nb = \n").unwrap_err();
        assert_eq!(e.location().line(), 2, "{e}");
        assert!(parse_body("a = (1e400\n").is_err());
        assert!(parse_expr("[1e400,").is_err());
        // A number where an attribute name belongs is an error, replaced or not.
        assert!(parse_body("a = 1\n1e400 = 2\n").is_err());
        // In an identifier, digits are no number (`a-1e400` is a name).
        assert!(parse_body("a-1e400 = 1\n").is_ok());
    }

    #[test]
    fn object_keys_and_odd_places() {
        // A number as an object key: a call is a valid key too.
        let body = parse_body("x = {1e400 = 1, 1e-400 = 2}\n").expect("parses");
        let mut calls = CallSpans(Vec::new());
        calls.visit_body(&body);
        assert_eq!(calls.0.len(), 2);
        // Index and splat positions.
        assert!(parse_body("x = a[1e400]\ny = a[*].b[1e-400]\n").is_ok());
    }

    #[test]
    fn random_inputs_do_not_panic_and_keep_spans() {
        // A small deterministic generator over the bytes that matter here.
        const PIECES: &[&str] = &[
            "1e400", "9", "0", ".", "e", "E", "-", "+", "\"", "#", "\n", " ", "=", "x", "é", "${",
            "}", "[", "]", ",", "(", ")", "1e-400", "<<E\n", "\nE\n", "a.", "_",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut text = String::from("x = ");
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 12) {
                let pick = (seed >> (k * 5)) as usize % PIECES.len();
                text.push_str(PIECES[pick]);
            }
            text.push('\n');
            let candidates = out_of_range_literals(&text);
            for r in &candidates {
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            }
            assert_eq!(replaced(&text, &candidates).len(), text.len());
            let ours = parse_body(&text);
            if candidates.is_empty() {
                assert_eq!(
                    ours.is_ok(),
                    hcl_edit::parser::parse_body(&text).is_ok(),
                    "{text:?}"
                );
            }
            if hcl_edit::parser::parse_body(&text).is_ok() {
                assert!(ours.is_ok(), "what hcl-edit reads, we read: {text:?}");
            }
        }
    }

    #[test]
    fn expressions() {
        let e = parse_expr("[1e400, 2]").unwrap();
        let Expression::Array(items) = &e else {
            panic!("{e:?}")
        };
        assert!(matches!(items.iter().next(), Some(Expression::FuncCall(_))));
        assert!(matches!(items.iter().nth(1), Some(Expression::Number(_))));
    }
}
