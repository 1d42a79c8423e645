//! JSON and JSON Lines: the model as it is, field order fixed by the structs.
//!
//! U+2028, U+2029 and U+0085 are written as `\u` escapes: JSON allows them
//! raw, but line-splitting tools (and JavaScript before ES2019) treat them
//! as line breaks and would cut a JSON Lines record in two.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::{Article, Section};

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
    match middle_block(article) {
        Some(cut) => write_line_in_halves(article, cut, &mut escaper)?,
        None => serde_json::to_writer(&mut escaper, article).map_err(serialize_error)?,
    }
    escaper.finish().map_err(Error::Write)?;
    out.write_all(b"\n").map_err(Error::Write)
}

/// Articles with at least this much block text are written by
/// [`write_line_in_halves`].
const PARALLEL_WRITE_BYTES: usize = 4 * 1024 * 1024;

/// Where a block starts in the body: the index of its section and its
/// index in that section.
type BlockAt = (usize, usize);

/// The block at which the body's text is about half written, for an
/// article large enough to be written in two halves.
fn middle_block(article: &Article) -> Option<BlockAt> {
    let total: usize = article.blocks().map(|block| block.text.len()).sum();
    if total < PARALLEL_WRITE_BYTES {
        return None;
    }
    let mut seen = 0;
    for (s, section) in article.sections.iter().enumerate() {
        for (b, block) in section.blocks.iter().enumerate() {
            if seen >= total / 2 {
                return Some((s, b));
            }
            seen += block.text.len();
        }
    }
    None
}

/// Writes the same line as serde_json does, with the body cut at the block
/// `cut`: the blocks from there on are serialized on another thread into
/// memory while this one streams the first half (escaping strings is most
/// of the time of writing a large article, and it is one long loop per
/// string that serde_json does not share out). The two levels above the
/// blocks, the article and the section that is cut, are written here
/// field by field; everything else goes through serde_json.
fn write_line_in_halves(article: &Article, cut: BlockAt, out: &mut SeparatorEscaper) -> Result<()> {
    // Every field by name: a field added to the model does not compile
    // here until it is written too.
    let Article {
        schema_version,
        title,
        title_span,
        lead,
        lang,
        dir,
        sections,
        metadata,
        source,
        stats,
    } = article;
    let (section_cut, block_cut) = cut;
    let first_half = |out: &mut SeparatorEscaper| -> serde_json::Result<()> {
        raw(out, b"{")?;
        field(out, "schema_version", schema_version, true)?;
        field(out, "title", title, false)?;
        field(out, "title_span", title_span, false)?;
        field(out, "lead", lead, false)?;
        field(out, "lang", lang, false)?;
        field(out, "dir", dir, false)?;
        raw(out, b",\"sections\":[")?;
        for (index, section) in sections[..section_cut].iter().enumerate() {
            if index > 0 {
                raw(out, b",")?;
            }
            serde_json::to_writer(&mut *out, section)?;
        }
        if section_cut > 0 {
            raw(out, b",")?;
        }
        let Section {
            heading,
            level,
            heading_span,
            blocks,
        } = &sections[section_cut];
        raw(out, b"{")?;
        field(out, "heading", heading, true)?;
        field(out, "level", level, false)?;
        field(out, "heading_span", heading_span, false)?;
        raw(out, b",\"blocks\":[")?;
        for (index, block) in blocks[..block_cut].iter().enumerate() {
            if index > 0 {
                raw(out, b",")?;
            }
            serde_json::to_writer(&mut *out, block)?;
        }
        Ok(())
    };
    let second_half = || -> serde_json::Result<Vec<u8>> {
        let mut json = Vec::new();
        let mut out = SeparatorEscaper::new(&mut json);
        for (index, block) in sections[section_cut].blocks[block_cut..].iter().enumerate() {
            if block_cut + index > 0 {
                raw(&mut out, b",")?;
            }
            serde_json::to_writer(&mut out, block)?;
        }
        raw(&mut out, b"]}")?;
        for section in &sections[section_cut + 1..] {
            raw(&mut out, b",")?;
            serde_json::to_writer(&mut out, section)?;
        }
        out.finish().map_err(serde_json::Error::io)?;
        Ok(json)
    };
    let (first, second) = crate::parallel::join(|| first_half(out), second_half);
    first.map_err(serialize_error)?;
    let second = second.map_err(serialize_error)?;
    out.write_escaped_json(&second).map_err(Error::Write)?;
    let end = |out: &mut SeparatorEscaper| -> serde_json::Result<()> {
        raw(out, b"]")?;
        field(out, "metadata", metadata, false)?;
        field(out, "source", source, false)?;
        field(out, "stats", stats, false)?;
        raw(out, b"}")?;
        Ok(())
    };
    end(out).map_err(serialize_error)
}

/// Writes `"name":value` as a field of an object, after a comma unless it
/// is the `first`.
fn field(
    out: &mut SeparatorEscaper,
    name: &str,
    value: &impl serde::Serialize,
    first: bool,
) -> serde_json::Result<()> {
    if !first {
        raw(out, b",")?;
    }
    serde_json::to_writer(&mut *out, name)?;
    raw(out, b":")?;
    serde_json::to_writer(&mut *out, value)
}

/// Writes JSON text that needs no serializing.
fn raw(out: &mut impl Write, json: &[u8]) -> serde_json::Result<()> {
    out.write_all(json).map_err(serde_json::Error::io)
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

    /// Passes on what was gathered, then `json` that a [`SeparatorEscaper`]
    /// has escaped already.
    fn write_escaped_json(&mut self, json: &[u8]) -> std::io::Result<()> {
        self.pass_on(true)?;
        self.out.write_all(json)
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

    fn sample_article() -> Article {
        let text = "A title\n\nThe lead, with \"quotes\" and a \u{2028} separator.\n\n\
                    First heading\n\nOne paragraph.\n\n- an item\n- another\n\n\
                    > A quote.\n\nSecond heading\n\nTwo \\ paragraphs.\n\nThe end.\n";
        let mut article =
            crate::convert(text.as_bytes(), Some("a.txt"), &Default::default()).unwrap();
        // Three sections, the first without a heading, whatever the reader
        // made of such short paragraphs.
        let blocks: Vec<_> = article.blocks().cloned().collect();
        let heading = |name: &str, blocks: &[crate::model::Block]| Section {
            heading: Some(name.into()),
            level: Some(2),
            heading_span: Some(crate::model::Span { start: 1, end: 4 }),
            blocks: blocks.to_vec(),
        };
        article.sections = vec![
            Section {
                heading: None,
                level: None,
                heading_span: None,
                blocks: blocks[..2].to_vec(),
            },
            heading("First \"heading\"", &blocks[2..6]),
            heading("Second\u{2029}heading", &blocks[6..]),
        ];
        article.finish();
        article.metadata.authors = vec!["Ann".into()];
        article.metadata.url = Some("https://example.com/a".into());
        article
    }

    #[test]
    fn an_article_written_in_halves_is_the_line_serde_writes_at_every_cut() {
        let article = sample_article();
        assert!(article.sections.len() >= 3, "{:?}", article.sections);
        let mut expected = Vec::new();
        let mut escaper = SeparatorEscaper::new(&mut expected);
        serde_json::to_writer(&mut escaper, &article).unwrap();
        escaper.finish().unwrap();
        for (s, section) in article.sections.iter().enumerate() {
            for b in 0..section.blocks.len() {
                let mut written = Vec::new();
                let mut escaper = SeparatorEscaper::new(&mut written);
                write_line_in_halves(&article, (s, b), &mut escaper).unwrap();
                escaper.finish().unwrap();
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    String::from_utf8(expected.clone()).unwrap(),
                    "cut at block {b} of section {s}"
                );
            }
        }
    }

    #[test]
    fn large_articles_are_cut_near_the_middle_of_their_text() {
        let mut article = sample_article();
        assert_eq!(middle_block(&article), None);
        let block = article.sections[1].blocks[0].clone();
        let mut big = block.clone();
        big.text = "x".repeat(PARALLEL_WRITE_BYTES / 4);
        article.sections[1].blocks = vec![big.clone(), big.clone(), block, big.clone(), big];
        let (s, b) = middle_block(&article).unwrap();
        assert_eq!((s, b), (1, 2));
        let mut written = Vec::new();
        write_line(&article, &mut written).unwrap();
        let back: Article = serde_json::from_slice(&written).unwrap();
        assert_eq!(back, article);
    }

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
