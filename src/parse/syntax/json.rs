//! JSON with byte spans: the one reader of JSON that keeps where each value is (`.tf.json`
//! and `.tfvars.json` files).
//!
//! serde_json does not report where a value is, and findings must point into the file: this
//! small parser keeps the span of every value and object key. Strings are decoded with
//! serde_json. (Plan JSON is read with serde_json and one scan for the few spans it needs:
//! see `parse::plan::spans`.)

use std::ops::Range;

/// Invalid JSON: what is wrong and where.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

/// Deepest nesting accepted (guards the recursive parser against hostile input).
const MAX_DEPTH: usize = 256;

/// A parsed JSON document and its text (a `.tf.json` or `.tfvars.json` file: built by the
/// Terraform frontend's `parse_json`, whose values are HCL where they are written).
#[derive(Debug, Clone)]
pub struct JsonFile {
    pub(crate) root: JNode,
    pub(crate) text: String,
}

/// A JSON value with the byte range of its text.
#[derive(Debug, Clone)]
pub(crate) struct JNode {
    pub kind: JKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) enum JKind {
    Null,
    Bool(bool),
    Num(f64),
    /// A number beyond `f64` (`1e400`, `1e-400`): Terraform's numbers have arbitrary
    /// precision, ours do not, so its value is unknown (see `crate::parse::numbers`).
    OutOfRange,
    Str(String),
    Array(Vec<JNode>),
    /// Properties in file order, duplicates kept, with the span of each key.
    Object(Vec<JProp>),
}

#[derive(Debug, Clone)]
pub(crate) struct JProp {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: JNode,
}

impl JNode {
    pub fn as_object(&self) -> Option<&[JProp]> {
        match &self.kind {
            JKind::Object(props) => Some(props),
            _ => None,
        }
    }
}

/// Parses a JSON text (a leading byte-order mark, which editors write, is skipped) into a
/// tree with spans.
pub(crate) fn parse(text: &str) -> Result<JNode, JsonError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    // A byte-order mark is not JSON, but editors write it.
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.ws();
    let root = p.value(0)?;
    p.ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(root)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> JsonError {
        JsonError {
            message: format!("invalid JSON: {message}"),
            offset: self.pos.min(self.bytes.len()),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<JNode, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            None => return Err(self.error("unexpected end of file")),
            Some(b'{') => {
                self.pos += 1;
                let mut props = Vec::new();
                self.ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        if self.bytes.get(self.pos) != Some(&b'"') {
                            return Err(self.error("expected a string key"));
                        }
                        let key_start = self.pos;
                        let key = self.string()?;
                        let key_span = key_start..self.pos;
                        self.ws();
                        if self.bytes.get(self.pos) != Some(&b':') {
                            return Err(self.error("expected `:`"));
                        }
                        self.pos += 1;
                        self.ws();
                        let value = self.value(depth + 1)?;
                        props.push(JProp {
                            key,
                            key_span,
                            value,
                        });
                        self.ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.trailing_comma(b'}')?,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected `,` or `}`")),
                        }
                    }
                }
                JKind::Object(props)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.trailing_comma(b']')?,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected `,` or `]`")),
                        }
                    }
                }
                JKind::Array(items)
            }
            Some(b'"') => JKind::Str(self.string()?),
            Some(b't') => self.keyword("true", JKind::Bool(true))?,
            Some(b'f') => self.keyword("false", JKind::Bool(false))?,
            Some(b'n') => self.keyword("null", JKind::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') =
                    self.bytes.get(self.pos)
                {
                    self.pos += 1;
                }
                let token = &self.text[start..self.pos];
                match token.parse::<f64>() {
                    // Terraform (like JSON) rejects `01`, `1.`, `-.5`: "Invalid JSON number".
                    Ok(_) if !is_json_number(token) => {
                        self.pos = start;
                        return Err(self.error("invalid number"));
                    }
                    // Terraform accepts `1e400` (its numbers have arbitrary precision).
                    Ok(_) if crate::parse::numbers::beyond_f64(token) => JKind::OutOfRange,
                    Ok(n) => JKind::Num(n),
                    Err(_) => {
                        self.pos = start;
                        return Err(self.error("invalid number"));
                    }
                }
            }
            Some(_) => return Err(self.error("expected a value")),
        };
        Ok(JNode {
            kind,
            span: start..self.pos,
        })
    }

    /// On a `,` in an object or array that `close` ends: steps over it, or fails when `close`
    /// follows (Terraform: "Trailing comma in object/array").
    fn trailing_comma(&mut self, close: u8) -> Result<(), JsonError> {
        let comma = self.pos;
        self.pos += 1;
        self.ws();
        if self.bytes.get(self.pos) == Some(&close) {
            self.pos = comma;
            let what = if close == b'}' {
                "the last property of an object"
            } else {
                "the last element of an array"
            };
            return Err(self.error(&format!(
                "trailing comma: JSON (and Terraform) allows no comma after {what}"
            )));
        }
        Ok(())
    }

    fn keyword(&mut self, word: &str, kind: JKind) -> Result<JKind, JsonError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error("expected a value"))
        }
    }

    /// A string token at `pos` (on its opening quote), decoded.
    fn string(&mut self) -> Result<String, JsonError> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            match self.bytes.get(self.pos) {
                None => {
                    self.pos = start;
                    return Err(self.error("unterminated string"));
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 2;
                }
                Some(_) => self.pos += 1,
            }
        }
        let raw = &self.text[start..self.pos.min(self.text.len())];
        if !escaped {
            return Ok(raw[1..raw.len() - 1].to_string());
        }
        serde_json::from_str::<String>(raw).map_err(|_| JsonError {
            message: "invalid JSON: invalid string escape".to_string(),
            offset: start,
        })
    }
}

/// Whether `token` is a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(token: &str) -> bool {
    let b = token.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    let int_start = i;
    match digits(&mut i) {
        0 => return false,
        n if n > 1 && b.get(int_start) == Some(&b'0') => return false,
        _ => {}
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_numbers() {
        for bad in ["01", "1.", "-.5", "1e", "1e+", "--1", "1-2", "1.5.2"] {
            let text = format!(r#"{{"a": {bad}}}"#);
            let e = parse(&text).unwrap_err();
            assert_eq!(e.offset, 6, "{bad}: {e:?}");
        }
        assert!(is_json_number("-0.5e-3"));
        assert!(!is_json_number("-"));
    }

    #[test]
    fn errors_and_limits() {
        assert!(parse("[1]").is_ok(), "any JSON value");
        assert!(parse(r#"{"a": }"#).is_err());
        assert!(parse(r#"{"a": "x"#).is_err());
        assert!(parse(r#"{"a": 1} x"#).is_err());
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(
            parse(&deep).is_err(),
            "deep nesting is an error, not a stack overflow"
        );
        // Trailing commas: Terraform says "Trailing comma in object" / "in array".
        let text = r#"{"a": [1, 2,], "b": 1}"#;
        let e = parse(text).unwrap_err();
        assert!(e.message.contains("trailing comma"), "{}", e.message);
        assert_eq!(e.offset, 11, "at the comma");
        let text = "{\"a\": 1 ,\n}";
        let e = parse(text).unwrap_err();
        assert!(
            e.message.contains("last property of an object"),
            "{}",
            e.message
        );
        assert_eq!(e.offset, 8);
        assert!(parse(r#"{"a": [1,,2]}"#).is_err());
        // Multi-byte text inside strings keeps spans on char boundaries.
        let f = parse("{\"é\": \"ü\"}").unwrap();
        assert_eq!(f.as_object().unwrap()[0].key, "é");
    }
}
