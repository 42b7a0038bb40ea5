//! Source files, file ids and byte spans, with line/column lookup.

use std::path::PathBuf;

/// Index of a file in the [`SourceMap`] of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: range.start,
            end: range.end.max(range.start),
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One file read for the run: its path, the name shown to users and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path relative to the current directory, with `/` separators, escaped for display (see
    /// `engine::display_path`).
    pub display: String,
    pub text: String,
    /// Built on first use: most files of a run never have a finding to place.
    line_index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> SourceFile {
        SourceFile {
            path,
            display,
            text,
            line_index: std::sync::OnceLock::new(),
        }
    }

    /// The line and character index of the text (built on first use).
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Start offsets of every line.
    pub fn line_starts(&self) -> &[usize] {
        self.line_index().line_starts()
    }

    /// The 1-based line and column of a byte offset (clamped to the text and to a char
    /// boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.line_index().line_col(offset)
    }

    /// The byte offset where a 1-based line starts, if the line exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts().get(line.checked_sub(1)?).copied()
    }
}

/// Where the lines of a text start and how many characters precede each byte, so that a
/// byte offset becomes a line and column in O(log n) whatever the length of its line: a
/// one-line plan JSON of thousands of resources (what `terraform show -json` writes) or a
/// minified template would otherwise cost a scan of the line per finding.
///
/// A lookup reads only the index, never the text (it owns no reference to it).
#[derive(Debug, Clone)]
pub struct LineIndex {
    len: usize,
    /// Start offset of every line (the first is 0); a line ends after `\n`.
    line_starts: Vec<usize>,
    /// `None` when the text is ASCII: every byte is then a character.
    chars: Option<CharRank>,
}

/// Bytes per block of [`CharRank`]: one bit each in a `u64`.
const BLOCK: usize = 64;

/// Which bytes start a character, as a rank structure: a bit per byte and, per block of 64
/// bytes, the number of characters before it. The characters before an offset are then a
/// table read plus a popcount.
#[derive(Debug, Clone)]
struct CharRank {
    /// Per block: bit `i` is set when byte `BLOCK * block + i` starts a character.
    starts: Vec<u64>,
    /// Per block, and one past the last: characters starting before the block.
    before: Vec<usize>,
    /// Offsets of U+FEFF (byte-order marks), which columns do not count; sorted.
    boms: Vec<usize>,
}

impl CharRank {
    fn new(text: &str) -> CharRank {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len().div_ceil(BLOCK));
        let mut before = Vec::with_capacity(starts.capacity() + 1);
        let mut count = 0;
        for block in bytes.chunks(BLOCK) {
            before.push(count);
            let mut bits = 0u64;
            for (i, b) in block.iter().enumerate() {
                // Every byte but a UTF-8 continuation byte (10xxxxxx) starts a character.
                if b & 0xC0 != 0x80 {
                    bits |= 1 << i;
                }
            }
            count += bits.count_ones() as usize;
            starts.push(bits);
        }
        before.push(count);
        let boms = text.match_indices('\u{feff}').map(|(i, _)| i).collect();
        CharRank {
            starts,
            before,
            boms,
        }
    }

    /// Characters starting before `offset` (at most the text's length).
    fn rank(&self, offset: usize) -> usize {
        let (block, bit) = (offset / BLOCK, offset % BLOCK);
        let before = self.before.get(block).copied().unwrap_or(0);
        let mask = (1u64 << bit) - 1;
        let bits = self.starts.get(block).copied().unwrap_or(0) & mask;
        before + bits.count_ones() as usize
    }

    fn is_start(&self, offset: usize) -> bool {
        self.starts
            .get(offset / BLOCK)
            .is_some_and(|bits| bits & (1 << (offset % BLOCK)) != 0)
    }

    /// Byte-order marks in `from..to`.
    fn boms(&self, from: usize, to: usize) -> usize {
        let first = self.boms.partition_point(|&b| b < from);
        let end = self.boms.partition_point(|&b| b < to);
        end.saturating_sub(first)
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex {
            len: text.len(),
            line_starts,
            chars: (!text.is_ascii()).then(|| CharRank::new(text)),
        }
    }

    /// Start offsets of every line.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// The offset clamped to the text and moved back to the start of its character.
    pub fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.len);
        if let Some(chars) = &self.chars {
            // At most three steps: a character is at most four bytes.
            while offset > 0 && offset < self.len && !chars.is_start(offset) {
                offset -= 1;
            }
        }
        offset
    }

    /// The 0-based index of the line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The offset where the line holding `offset` starts.
    pub fn line_start_of(&self, offset: usize) -> usize {
        self.line_starts
            .get(self.line_of(offset))
            .copied()
            .unwrap_or(0)
    }

    /// The characters in `from..to` (offsets at character boundaries), byte-order marks
    /// included.
    pub fn chars_between(&self, from: usize, to: usize) -> usize {
        let (from, to) = (from.min(self.len), to.min(self.len));
        match &self.chars {
            None => to.saturating_sub(from),
            Some(chars) => chars.rank(to).saturating_sub(chars.rank(from)),
        }
    }

    /// The 1-based line and column of a byte offset (clamped to the text and to a char
    /// boundary). The column counts characters; a byte-order mark is not one.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset);
        let line = self.line_of(offset);
        let line_start = self.line_start_of(offset);
        let boms = self
            .chars
            .as_ref()
            .map_or(0, |chars| chars.boms(line_start, offset));
        LineCol {
            line: line + 1,
            column: self.chars_between(line_start, offset).saturating_sub(boms) + 1,
        }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

/// The largest char boundary not after `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// All files of a run, indexed by [`FileId`]. Ids can be reserved before their files are
/// read (the engine numbers every candidate file up front so that files can be parsed and
/// normalized in parallel); a reserved id whose file was not part of the run (unreadable,
/// or YAML that is not a template) stays empty.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Option<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(Some(file));
        id
    }

    /// Reserves `count` ids, the first of which is returned.
    pub fn reserve(&mut self, count: usize) -> FileId {
        let first = FileId(self.files.len() as u32);
        self.files.resize_with(self.files.len() + count, || None);
        first
    }

    /// Fills a reserved id.
    pub fn set(&mut self, id: FileId, file: SourceFile) {
        if let Some(slot) = self.files.get_mut(id.0 as usize) {
            *slot = Some(file);
        }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// The number of ids (reserved ones included).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files of the run (empty reserved ids skipped).
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((FileId(i as u32), f.as_ref()?)))
    }

    /// The display path of a file, or `?` for an unknown id.
    pub fn display(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.display.as_str()).unwrap_or("?")
    }

    pub fn line_col(&self, span: Span) -> (LineCol, LineCol) {
        match self.get(span.file) {
            Some(f) => (f.line_col(span.start), f.line_col(span.end)),
            None => (
                LineCol { line: 1, column: 1 },
                LineCol { line: 1, column: 1 },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_lines() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\nçd\r\nx".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'ç' is two bytes; 'd' is the second character.
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(8), LineCol { line: 3, column: 1 });
        // Inside a multi-byte char and past the end: clamped, never a panic.
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(999), LineCol { line: 3, column: 2 });
    }

    /// The column as the definition says: characters from the line start, byte-order marks
    /// not counted (what the index must agree with).
    fn naive_line_col(text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        LineCol {
            line: before.matches('\n').count() + 1,
            column: text[line_start..offset]
                .chars()
                .filter(|c| *c != '\u{feff}')
                .count()
                + 1,
        }
    }

    #[test]
    fn line_col_agrees_with_the_definition_at_every_offset() {
        // Multi-byte characters across 64-byte block boundaries, byte-order marks at the start
        // and inside a line, CRLF, an empty line and a text ending without a newline.
        let mut text = String::from("\u{feff}ab\n");
        for i in 0..40 {
            text.push_str(["é", "x", "€", "𝄞", "\u{feff}", "\r\n", "\n"][i % 7]);
            text.push_str("yz");
        }
        text.push_str("tail");
        let index = LineIndex::new(&text);
        for offset in 0..text.len() + 3 {
            assert_eq!(
                index.line_col(offset),
                naive_line_col(&text, offset),
                "offset {offset}"
            );
        }
        let ascii = "abc\n\nd";
        let index = LineIndex::new(ascii);
        for offset in 0..ascii.len() + 2 {
            assert_eq!(index.line_col(offset), naive_line_col(ascii, offset));
        }
        assert_eq!(
            LineIndex::new("").line_col(5),
            LineCol { line: 1, column: 1 }
        );
    }

    #[test]
    fn a_bom_is_not_a_column_but_is_a_character() {
        let f = SourceFile::new("a".into(), "a".into(), "\u{feff}ab".into());
        assert_eq!(f.line_col(4), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_index().chars_between(0, 4), 2);
    }

    /// Line/column lookups cost O(log n) whatever the line length: the index answers without
    /// the text (it holds no reference to it, so a lookup cannot scan the line) from tables
    /// whose size does not depend on the line: one line start, and a rank table of one word
    /// and one count per 64 bytes. Before, every lookup counted the characters from the start
    /// of its line, so a one-line plan with thousands of findings was quadratic.
    #[test]
    fn lookups_on_one_long_line_read_only_the_index() {
        // One line of 3 MB: 'é' (two bytes) and 'a', repeated.
        let unit = "éa";
        let repeats = 1_000_000;
        let text = unit.repeat(repeats);
        let file = SourceFile::new("plan.json".into(), "plan.json".into(), text);
        let index = file.line_index().clone();
        drop(file);
        assert_eq!(index.line_starts(), &[0]);
        let blocks = (3 * repeats).div_ceil(BLOCK);
        let rank = index
            .chars
            .as_ref()
            .expect("non-ASCII text has a rank table");
        assert_eq!((rank.starts.len(), rank.before.len()), (blocks, blocks + 1));
        // Many lookups spread over the line: the k-th unit starts at byte 3k, column 2k + 1;
        // its 'a' at byte 3k + 2, column 2k + 2; byte 3k + 1 is inside the 'é'.
        for k in (0..repeats).step_by(7) {
            assert_eq!(index.line_col(3 * k).column, 2 * k + 1);
            assert_eq!(index.line_col(3 * k + 1).column, 2 * k + 1);
            assert_eq!(index.line_col(3 * k + 2).column, 2 * k + 2);
        }
        assert_eq!(
            index.line_col(usize::MAX),
            LineCol {
                line: 1,
                column: 2 * repeats + 1
            }
        );
    }
}
