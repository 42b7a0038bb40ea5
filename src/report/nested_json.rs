//! serde_json's pretty printing, started at a depth: a value serialized on its own comes out
//! exactly as it would nested `depth` levels deep in a pretty-printed document (two spaces a
//! level), so that parts rendered in parallel can be spliced into one report byte for byte.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// `serde_json::ser::PrettyFormatter` with an indent of two spaces, at `depth` from the start.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn newline<W: ?Sized + io::Write>(&self, writer: &mut W, separator: &[u8]) -> io::Result<()> {
        writer.write_all(separator)?;
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// `]` or `}`: on its own line when something came before it.
    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(writer, b"\n")?;
        }
        writer.write_all(bracket)
    }

    /// Before an item or a key: on a new line, after a comma unless it is the first.
    fn item<W: ?Sized + io::Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        self.newline(writer, if first { b"\n" } else { b",\n" })
    }
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Appends `value` to `out` as `serde_json::to_string_pretty` would write it `depth` levels
/// deep (its first line not indented: the caller writes what precedes it).
pub(super) fn write_nested<T: Serialize>(
    out: &mut Vec<u8>,
    value: &T,
    depth: usize,
) -> serde_json::Result<()> {
    let formatter = Nested {
        depth,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nested output is the pretty printer's, re-indented, for objects, arrays, empty ones and
    /// strings holding newlines and indentation-like text.
    #[test]
    fn nested_output_is_pretty_output_indented() {
        let value = serde_json::json!({
            "a": [1, {"b": [], "c": {}}, "x\n  y"],
            "d": {"e": null, "f": [[true]]},
            "g": "  \n"
        });
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        for depth in 0..4 {
            let mut out = Vec::new();
            write_nested(&mut out, &value, depth).unwrap();
            let pad = "  ".repeat(depth);
            // JSON strings hold no raw newline: every newline is the formatter's.
            assert_eq!(
                String::from_utf8(out).unwrap(),
                pretty.replace('\n', &format!("\n{pad}"))
            );
        }
    }
}
