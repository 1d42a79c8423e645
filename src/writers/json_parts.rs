//! The bulky parts of an article's JSON (its strings, sections and blocks)
//! written by hand, byte for byte as serde_json writes them, compact or
//! pretty, with the line separators escaped as [`super::json`] promises.
//!
//! Escaping the text is most of the cost of writing a large article, and
//! serde_json tests each byte against a table. Here eight bytes are tested
//! at once for anything that may need an escape, which is rare in prose,
//! and the same scan finds the line separators, so the body needs no
//! second pass for them. Fields of the article that are small (metadata,
//! source, stats) still go through serde; the tests compare the whole
//! output with serde_json's.

use std::io::{self, Write};

use crate::byte_set::ByteSet;
use crate::model::{Block, Section, Span};

/// serde_json's two layouts: compact (JSON Lines) or pretty (two spaces per
/// level, `": "` after keys, one array element per line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    Compact,
    Pretty,
}

/// JSON being written: a buffer, passed on to `sink` whenever it has grown
/// past [`FLUSH_BYTES`] (kept whole when there is no sink, for a part
/// written on another thread).
pub(super) struct JsonOut<'a> {
    pub(super) buf: Vec<u8>,
    pub(super) layout: Layout,
    sink: Option<&'a mut dyn Write>,
}

/// How much JSON [`JsonOut`] gathers before passing it on.
const FLUSH_BYTES: usize = 64 * 1024;

impl<'a> JsonOut<'a> {
    /// A buffer that passes its JSON on to `sink` as it grows.
    pub(super) fn streaming(layout: Layout, sink: &'a mut dyn Write) -> JsonOut<'a> {
        JsonOut {
            buf: Vec::with_capacity(FLUSH_BYTES + 4096),
            layout,
            sink: Some(sink),
        }
    }

    /// A buffer that keeps all its JSON, for a part written on another
    /// thread: `buf`, emptied, reused from an earlier part.
    pub(super) fn in_memory(layout: Layout, mut buf: Vec<u8>) -> JsonOut<'static> {
        buf.clear();
        JsonOut {
            buf,
            layout,
            sink: None,
        }
    }

    /// Passes the buffer on if it is large enough to be worth a write.
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Passes on everything gathered (a no-op without a sink).
    pub(super) fn flush(&mut self) -> io::Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            sink.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Passes on what was gathered, then `json` written by another
    /// [`JsonOut`].
    pub(super) fn write_json(&mut self, json: &[u8]) -> io::Result<()> {
        self.flush()?;
        match self.sink.as_mut() {
            Some(sink) => sink.write_all(json),
            None => {
                self.buf.extend_from_slice(json);
                Ok(())
            }
        }
    }

    /// Appends raw JSON text.
    pub(super) fn raw(&mut self, json: &[u8]) {
        self.buf.extend_from_slice(json);
    }

    /// In the pretty layout, a line break and the indentation of `depth`.
    pub(super) fn newline(&mut self, depth: usize) {
        if self.layout == Layout::Pretty {
            self.buf.push(b'\n');
            self.buf.resize(self.buf.len() + 2 * depth, b' ');
        }
    }

    /// Starts the member `name` of an object whose members sit at `depth`,
    /// after a comma unless it is the `first`.
    pub(super) fn key(&mut self, name: &'static str, depth: usize, first: bool) {
        if !first {
            self.buf.push(b',');
        }
        self.newline(depth);
        self.plain_string(name);
        self.buf.extend_from_slice(match self.layout {
            Layout::Compact => b":",
            Layout::Pretty => b": ",
        });
    }

    /// Appends one of the writer's own names (a key, a block type), which
    /// need no escape, as a string without looking for one: five of them
    /// go with every block.
    pub(super) fn plain_string(&mut self, name: &'static str) {
        debug_assert!(!name.bytes().any(|b| ESCAPE_CANDIDATES.contains(b)));
        self.buf.push(b'"');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.push(b'"');
    }

    /// Appends a string value.
    pub(super) fn string(&mut self, text: &str) {
        push_string(&mut self.buf, text);
    }

    /// Appends a string or `null`.
    pub(super) fn optional_string(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.string(text),
            None => self.raw(b"null"),
        }
    }

    /// Appends a span, `[start,end]`, as a value at `depth`.
    pub(super) fn span(&mut self, span: Span, depth: usize) {
        self.buf.push(b'[');
        self.newline(depth + 1);
        self.number(span.start);
        self.buf.push(b',');
        self.newline(depth + 1);
        self.number(span.end);
        self.newline(depth);
        self.buf.push(b']');
    }

    /// Appends a span or `null`.
    pub(super) fn optional_span(&mut self, span: Option<Span>, depth: usize) {
        match span {
            Some(span) => self.span(span, depth),
            None => self.raw(b"null"),
        }
    }

    /// Appends an unsigned integer.
    fn number(&mut self, value: u64) {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    /// Appends `value` as serde_json writes it in this layout, nested at
    /// `depth`, with the line separators escaped.
    pub(super) fn serde(
        &mut self,
        value: &impl serde::Serialize,
        depth: usize,
    ) -> serde_json::Result<()> {
        let json = match self.layout {
            Layout::Compact => serde_json::to_string(value)?,
            Layout::Pretty => serde_json::to_string_pretty(value)?,
        };
        let json = super::json::escape_line_separators(&json);
        // Raw line breaks occur only between tokens (inside strings they
        // are escaped), so indenting every line nests the value.
        for (index, line) in json.split('\n').enumerate() {
            if index > 0 {
                self.newline(depth);
            }
            self.buf.extend_from_slice(line.as_bytes());
        }
        Ok(())
    }

    /// Appends `sections` as the elements of the article's `sections`
    /// array, whose elements sit at `depth`.
    pub(super) fn sections(&mut self, sections: &[Section], depth: usize) -> io::Result<()> {
        self.sections_between(sections, None, (sections.len(), 0), depth)
    }

    /// Appends the part of the article's `sections` array between two
    /// cuts, each an index of section and of block in it (`None` for the
    /// start of the array, `(sections.len(), 0)` for its end). A cut
    /// stands just before its block and after the opening of its section,
    /// so parts written one after the other make the whole array: a part
    /// opens the sections that begin in it, closes those that end in it,
    /// and goes on with (or leaves open) the one it starts (or stops)
    /// inside.
    pub(super) fn sections_between(
        &mut self,
        sections: &[Section],
        from: Option<(usize, usize)>,
        to: (usize, usize),
        depth: usize,
    ) -> io::Result<()> {
        let last = to.0.min(sections.len().saturating_sub(1));
        let (first, opened) = match from {
            Some((section, block)) => ((section, block), true),
            None => ((0, 0), false),
        };
        for (index, section) in sections.iter().enumerate().take(last + 1).skip(first.0) {
            let first_block = if index == first.0 { first.1 } else { 0 };
            if index > first.0 || !opened {
                self.section_opening(section, index, depth);
            }
            if index < to.0 {
                let blocks = section.blocks.get(first_block..).unwrap_or_default();
                self.blocks(blocks, first_block, depth + 2)?;
                self.section_closing(section, depth);
            } else {
                let blocks = section.blocks.get(first_block..to.1).unwrap_or_default();
                self.blocks(blocks, first_block, depth + 2)?;
            }
        }
        Ok(())
    }

    /// The `index`th section, up to the opening of its `blocks` array.
    fn section_opening(&mut self, section: &Section, index: usize, depth: usize) {
        // Every field by name: a field added to the model does not compile
        // here until it is written too.
        let Section {
            heading,
            level,
            heading_span,
            blocks: _,
        } = section;
        if index > 0 {
            self.buf.push(b',');
        }
        self.newline(depth);
        self.buf.push(b'{');
        self.key("heading", depth + 1, true);
        self.optional_string(heading.as_deref());
        self.key("level", depth + 1, false);
        match level {
            Some(level) => self.number(u64::from(*level)),
            None => self.raw(b"null"),
        }
        self.key("heading_span", depth + 1, false);
        self.optional_span(*heading_span, depth + 1);
        self.key("blocks", depth + 1, false);
        self.buf.push(b'[');
    }

    /// Closes the `blocks` array and the object of a section.
    fn section_closing(&mut self, section: &Section, depth: usize) {
        if !section.blocks.is_empty() {
            self.newline(depth + 1);
        }
        self.buf.push(b']');
        self.newline(depth);
        self.buf.push(b'}');
    }

    /// Appends `blocks`, the first of which is element `first_index` of
    /// its array, as array elements at `depth`.
    fn blocks(&mut self, blocks: &[Block], first_index: usize, depth: usize) -> io::Result<()> {
        for (index, block) in blocks.iter().enumerate() {
            let Block { kind, text, span } = block;
            if first_index + index > 0 {
                self.buf.push(b',');
            }
            self.newline(depth);
            self.buf.push(b'{');
            self.key("type", depth + 1, true);
            self.plain_string(kind.as_str());
            self.key("text", depth + 1, false);
            self.string(text);
            self.key("span", depth + 1, false);
            self.span(*span, depth + 1);
            self.newline(depth);
            self.buf.push(b'}');
            self.maybe_flush()?;
        }
        Ok(())
    }
}

/// Appends `text` as a JSON string: the escapes serde_json writes (`\"`,
/// `\\`, the short forms of five controls, `\u00XX` for the other C0
/// controls), and `\u2028`, `\u2029` and `\u0085` for the characters that
/// line-splitting tools take for line breaks.
pub(super) fn push_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut done = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Most text needs no escape at all: 32 bytes at a time with AVX2,
        // then 8 at a time.
        at = ESCAPE_CANDIDATES.skip_blocks(bytes, at);
        if at == bytes.len() {
            break;
        }
        let candidates = match bytes.get(at..at + 8) {
            Some(word) => {
                escape_candidates(u64::from_le_bytes(word.try_into().expect("eight bytes")))
            }
            None => {
                // The last few bytes (the end of every string), padded with
                // spaces, which need no escape: the lowest flag is exact,
                // so a padding byte is never the one found.
                let mut padded = [b' '; 8];
                padded[..bytes.len() - at].copy_from_slice(&bytes[at..]);
                match escape_candidates(u64::from_le_bytes(padded)) {
                    0 => break,
                    candidates => candidates,
                }
            }
        };
        if candidates == 0 {
            at += 8;
            continue;
        }
        // The lowest flag is exact (flags above it may not be).
        at += (candidates.trailing_zeros() / 8) as usize;
        match escape_at(bytes, at) {
            Some((escape, width)) => {
                out.extend_from_slice(&bytes[done..at]);
                escape.push_to(out);
                at += width;
                done = at;
            }
            None => at += 1,
        }
    }
    out.extend_from_slice(&bytes[done..]);
    out.push(b'"');
}

/// One in every byte of this word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `word` that is zero, for the lowest such
/// byte at least (a borrow may flag bytes above it too).
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// Flags (high bits) the bytes of `word` that may need an escape: C0
/// controls, `"`, `\`, and 0xC2 and 0xE2, which start U+0085 and U+2028
/// or U+2029 (and many characters that need none). Exact for the lowest
/// flag, which is all [`push_string`] uses.
#[inline(always)]
fn escape_candidates(word: u64) -> u64 {
    let controls = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let quotes = zero_bytes(word ^ (ONES * u64::from(b'"')));
    let backslashes = zero_bytes(word ^ (ONES * u64::from(b'\\')));
    // 0xC2 and 0xE2 differ only in the bit 0x20.
    let separators = zero_bytes((word | (ONES * 0x20)) ^ (ONES * 0xE2));
    controls | quotes | backslashes | separators
}

/// The bytes [`escape_candidates`] flags, for the 32-byte search that
/// comes before its eight-byte test: C0 controls, `"`, `\`, and the lead
/// bytes 0xC2 (U+0085) and 0xE2 (U+2028, U+2029).
static ESCAPE_CANDIDATES: ByteSet = ByteSet::new({
    let mut members = crate::byte_set::values_below(0x20);
    members[b'"' as usize] = true;
    members[b'\\' as usize] = true;
    members[0xC2] = true;
    members[0xE2] = true;
    members
});

/// What replaces a character in a JSON string.
enum Escape {
    /// A fixed escape such as `\n` or `\u2028`.
    Fixed(&'static [u8]),
    /// `\u00XX` for a C0 control without a short form.
    Control(u8),
}

impl Escape {
    fn push_to(&self, out: &mut Vec<u8>) {
        match *self {
            Escape::Fixed(escape) => out.extend_from_slice(escape),
            Escape::Control(byte) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xF)]);
            }
        }
    }
}

/// The escape for the character that starts at `bytes[at]` and how many
/// bytes it replaces, or `None` when it is written as it is.
#[inline]
fn escape_at(bytes: &[u8], at: usize) -> Option<(Escape, usize)> {
    let fixed = |escape: &'static [u8], width| Some((Escape::Fixed(escape), width));
    match bytes[at] {
        b'"' => fixed(b"\\\"", 1),
        b'\\' => fixed(b"\\\\", 1),
        b'\n' => fixed(b"\\n", 1),
        b'\r' => fixed(b"\\r", 1),
        b'\t' => fixed(b"\\t", 1),
        0x08 => fixed(b"\\b", 1),
        0x0C => fixed(b"\\f", 1),
        byte @ 0x00..=0x1F => Some((Escape::Control(byte), 1)),
        0xE2 => match bytes.get(at + 1..at + 3) {
            Some([0x80, 0xA8]) => fixed(b"\\u2028", 3),
            Some([0x80, 0xA9]) => fixed(b"\\u2029", 3),
            _ => None,
        },
        0xC2 if bytes.get(at + 1) == Some(&0x85) => fixed(b"\\u0085", 2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json writes for `text`, with the line separators escaped.
    fn serde_string(text: &str) -> String {
        let json = serde_json::to_string(text).unwrap();
        super::super::json::escape_line_separators(&json).into_owned()
    }

    fn written(text: &str) -> String {
        let mut out = Vec::new();
        push_string(&mut out, text);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_character_that_needs_an_escape_is_escaped_as_serde_does() {
        let specials: Vec<char> = (0u8..0x20)
            .map(char::from)
            .chain([
                '"', '\\', '/', '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{2029}',
            ])
            .chain([
                '\u{2027}', '\u{202a}', '\u{2018}', '\u{c2}', '\u{e2}', 'é', 'ب', '€',
            ])
            .collect();
        for &special in &specials {
            // At every position in a word and across word ends.
            for before in 0..17 {
                for after in [0, 1, 7, 8, 9] {
                    let text = format!("{}{special}{}", "a".repeat(before), "ب".repeat(after));
                    assert_eq!(written(&text), serde_string(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn runs_of_escapes_and_mixed_scripts_match_serde() {
        let pieces = [
            "plain words ",
            "\"quoted\"",
            "\\",
            "\n\n",
            "\u{1}\u{1f}",
            "نص عربي ",
            "\u{2028}\u{2029}\u{85}",
            "“curly” – dash\u{a0}",
            "\t",
            "😀",
        ];
        // A deterministic walk through combinations of the pieces.
        let mut state = 0x2545_f491_u32;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(state % 12) {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                text.push_str(pieces[state as usize % pieces.len()]);
            }
            state = state.wrapping_add(0x9e37_79b9);
            assert_eq!(written(&text), serde_string(&text), "{text:?}");
        }
    }

    #[test]
    fn candidates_flag_exactly_the_lowest_byte_that_may_need_an_escape() {
        for special in [0x00u8, 0x1f, b'"', b'\\', 0xc2, 0xe2] {
            for position in 0..8 {
                let mut bytes = [b'x'; 8];
                bytes[position] = special;
                // Bytes above that would borrow or look alike.
                for (index, byte) in bytes.iter_mut().enumerate().skip(position + 1) {
                    *byte = [0x20, 0x21, 0x23, 0x5b, 0xc3, 0xe3, 0x80, 0xff][index];
                }
                let flags = escape_candidates(u64::from_le_bytes(bytes));
                assert_eq!(flags.trailing_zeros() / 8, position as u32, "{bytes:x?}");
            }
        }
        for byte in 0x20..=0xffu8 {
            if ![b'"', b'\\', 0xc2, 0xe2].contains(&byte) {
                assert_eq!(escape_candidates(u64::from(byte) * ONES), 0, "{byte:#x}");
            }
        }
    }

    #[test]
    fn long_strings_escape_what_serde_json_escapes_wherever_it_falls() {
        let specials = [
            "\u{0}", "\u{1f}", "\n", "\"", "\\", "\u{2028}", "\u{2029}", "\u{85}", "\u{a0}", "“",
            "\u{7f}",
        ];
        for special in specials {
            for position in 0..80 {
                for filler in ["abcdefgh", "كتاب"] {
                    let mut text = filler.repeat(20);
                    let at = text.floor_char_boundary(position);
                    text.insert_str(at, special);
                    assert_eq!(written(&text), serde_string(&text), "{special:?} at {at}");
                }
            }
        }
    }

    #[test]
    fn the_wide_scan_stops_at_the_first_candidate() {
        #[cfg(target_arch = "x86_64")]
        let wide = is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let wide = false;
        let candidate = |b: u8| b < 0x20 || [b'"', b'\\', 0xc2, 0xe2].contains(&b);
        let chars = (0..0x80u8)
            .map(char::from)
            .chain(['\u{85}', '\u{a0}', '\u{2028}', '“', 'ك', 'é', '😀']);
        for c in chars {
            // Every length past one block, the candidate anywhere, the
            // last bytes' block among them.
            for (length, position) in (31..100).flat_map(|n| (0..=n).map(move |at| (n, at))) {
                let mut text = "x".repeat(length);
                text.insert(position, c);
                let bytes = text.as_bytes();
                let stop = ESCAPE_CANDIDATES.skip_blocks(bytes, 0);
                let first = bytes
                    .iter()
                    .position(|&b| candidate(b))
                    .unwrap_or(bytes.len());
                // At the first candidate, or without AVX2 at 0.
                let expected = if wide { first } else { 0 };
                assert_eq!(stop, expected, "{c:?} at {position}");
            }
        }
    }
}
