//! JSON and JSON Lines: the model as it is, field order fixed by the structs.
//!
//! U+2028, U+2029 and U+0085 are written as `\u` escapes: JSON allows them
//! raw, but line-splitting tools (and JavaScript before ES2019) treat them
//! as line breaks and would cut a JSON Lines record in two.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::Article;

/// Writes one pretty-printed article; inside an array when `many`.
pub fn write_pretty(article: &Article, many: bool, first: bool, out: &mut dyn Write) -> Result<()> {
    let prefix = match (many, first) {
        (false, _) => "",
        (true, true) => "[\n",
        (true, false) => ",\n",
    };
    out.write_all(prefix.as_bytes()).map_err(Error::Write)?;
    let mut escaper = SeparatorEscaper::new(out);
    serde_json::to_writer_pretty(&mut escaper, article).map_err(serialize_error)?;
    escaper.finish().map_err(Error::Write)?;
    if !many {
        out.write_all(b"\n").map_err(Error::Write)?;
    }
    Ok(())
}

/// Ends the array opened by [`write_pretty`] (an empty array for no article).
pub fn close_array(written: usize, out: &mut dyn Write) -> Result<()> {
    let text = if written == 0 { "[]\n" } else { "\n]\n" };
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

/// Writes one article as one compact line.
pub fn write_line(article: &Article, out: &mut dyn Write) -> Result<()> {
    let mut escaper = SeparatorEscaper::new(out);
    serde_json::to_writer(&mut escaper, article).map_err(serialize_error)?;
    escaper.finish().map_err(Error::Write)?;
    out.write_all(b"\n").map_err(Error::Write)
}

/// Keeps the I/O error itself (a closed pipe must stay recognisable).
fn serialize_error(error: serde_json::Error) -> Error {
    if error.is_io() {
        Error::Write(error.into())
    } else {
        Error::Serialize(error.to_string())
    }
}

/// How much JSON [`SeparatorEscaper`] gathers before escaping and passing it on.
const ESCAPE_CHUNK: usize = 32 * 1024;

/// Applies [`escape_line_separators`] to JSON while it is being written, so
/// that a large article is never held in memory as one JSON string. The
/// many small writes of serde_json are gathered into chunks, each escaped
/// in one scan; a chunk never ends inside a line separator's bytes.
struct SeparatorEscaper<'a> {
    out: &'a mut dyn Write,
    chunk: Vec<u8>,
}

impl<'a> SeparatorEscaper<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        SeparatorEscaper {
            out,
            chunk: Vec::with_capacity(ESCAPE_CHUNK + 1024),
        }
    }

    /// Escapes and passes on what was gathered, keeping back the last bytes
    /// when they may start a separator, unless `all`.
    fn pass_on(&mut self, all: bool) -> std::io::Result<()> {
        let keep = match self.chunk.as_slice() {
            _ if all => 0,
            [.., 0xE2, 0x80] => 2,
            [.., 0xE2 | 0xC2] => 1,
            _ => 0,
        };
        let end = self.chunk.len() - keep;
        write_escaped(&self.chunk[..end], self.out)?;
        self.chunk.drain(..end);
        Ok(())
    }

    /// Passes on the rest; the stream itself is not flushed.
    fn finish(mut self) -> std::io::Result<()> {
        self.pass_on(true)
    }
}

impl Write for SeparatorEscaper<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.chunk.extend_from_slice(buf);
        if self.chunk.len() >= ESCAPE_CHUNK {
            self.pass_on(false)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass_on(true)?;
        self.out.flush()
    }
}

/// Writes `json` with U+2028, U+2029 and U+0085 as `\u` escapes.
fn write_escaped(json: &[u8], out: &mut dyn Write) -> std::io::Result<()> {
    // U+2028 and U+2029 are E2 80 A8/A9 in UTF-8, U+0085 is C2 85.
    let mut done = 0;
    for at in memchr::memchr2_iter(0xE2, 0xC2, json) {
        let escape: &[u8] = match &json[at..] {
            [0xE2, 0x80, 0xA8, ..] => b"\\u2028",
            [0xE2, 0x80, 0xA9, ..] => b"\\u2029",
            [0xC2, 0x85, ..] => b"\\u0085",
            _ => continue,
        };
        out.write_all(&json[done..at])?;
        out.write_all(escape)?;
        done = at + if json[at] == 0xC2 { 2 } else { 3 };
    }
    out.write_all(&json[done..])
}

/// Replaces the characters that some tools take for line breaks with their
/// JSON escapes. They can only occur inside JSON strings, so the result is
/// the same JSON value.
pub fn escape_line_separators(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.contains(['\u{2028}', '\u{2029}', '\u{85}']) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            '\u{85}' => out.push_str("\\u0085"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_escaped_across_chunk_ends() {
        let text = "a\u{2028}b\u{2029}c\u{85}d é€ ";
        for pad in 0..8 {
            let mut written = Vec::new();
            let mut escaper = SeparatorEscaper::new(&mut written);
            let filler = "x".repeat(ESCAPE_CHUNK - pad);
            for piece in [filler.as_str(), text, text] {
                // One byte at a time: chunks end inside characters too.
                for b in piece.bytes() {
                    escaper.write_all(&[b]).unwrap();
                }
            }
            escaper.finish().unwrap();
            let expected = format!("{filler}{text}{text}");
            assert_eq!(
                String::from_utf8(written).unwrap(),
                escape_line_separators(&expected)
            );
        }
    }
}
