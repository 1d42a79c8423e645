//! XML 1.0, written with quick-xml and described by `schema/article.xsd`.
//!
//! The output is well-formed for ANY input text: characters that XML 1.0
//! forbids (C0 controls other than tab and line breaks, U+FFFE, U+FFFF) are
//! dropped and counted in `<source dropped_chars>`, never emitted. quick-xml
//! escapes only `< > & ' "`, so escaping is done here: carriage returns,
//! tabs and line feeds in attributes become character references too, so
//! that an XML parser's end-of-line and attribute normalisation gives back
//! exactly the text of the model.

use std::borrow::Cow;
use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::byte_set::ByteSet;
use crate::error::{Error, Result};
use crate::model::{Article, SCHEMA_VERSION, Span};

/// Root element holding several articles.
const MANY_ROOT: &str = "articles";

/// Writes one article: as the document when `!many`, else inside the
/// `<articles>` root (opened before the first one).
pub fn write(article: &Article, many: bool, first: bool, out: &mut dyn Write) -> Result<()> {
    let mut xml = XmlOut {
        writer: Writer::new_with_indent(out, b' ', 2),
        dropped: 0,
        tag: String::new(),
    };
    if first {
        xml.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        if many {
            xml.start(MANY_ROOT, &[("schema_version", SCHEMA_VERSION.into())])?;
        }
    }
    if many {
        // The writer is new for every article: indent by hand under the root.
        xml.writer
            .get_mut()
            .write_all(b"\n")
            .map_err(Error::Write)?;
    }
    xml.article(article, many)?;
    if !many {
        xml.writer
            .get_mut()
            .write_all(b"\n")
            .map_err(Error::Write)?;
    }
    Ok(())
}

/// Closes the `<articles>` root opened by [`write()`] (or writes an empty one).
pub fn close_root(written: usize, out: &mut dyn Write) -> Result<()> {
    let text = if written == 0 {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{MANY_ROOT} schema_version=\"{SCHEMA_VERSION}\"/>\n"
        )
    } else {
        format!("\n</{MANY_ROOT}>\n")
    };
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

struct XmlOut<W: Write> {
    writer: Writer<W>,
    dropped: u64,
    /// The name and attributes of the tag being written, reused from one
    /// element to the next so that writing an element allocates nothing.
    tag: String,
}

impl<W: Write> XmlOut<W> {
    fn event(&mut self, event: Event<'_>) -> Result<()> {
        self.writer.write_event(event).map_err(Error::Write)
    }

    fn start(&mut self, name: &str, attributes: &[(&str, Cow<'_, str>)]) -> Result<()> {
        self.fill_tag(name, attributes, None);
        self.write_tag(name, false)
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, Cow<'_, str>)]) -> Result<()> {
        self.fill_tag(name, attributes, None);
        self.write_tag(name, true)
    }

    fn end(&mut self, name: &str) -> Result<()> {
        self.event(Event::End(BytesEnd::new(name)))
    }

    /// Puts `name attributes…` into `self.tag`, each value escaped, then
    /// `start` and `end` for a span: what `BytesStart::push_attribute`
    /// writes, without a new buffer for every element.
    fn fill_tag(&mut self, name: &str, attributes: &[(&str, Cow<'_, str>)], span: Option<Span>) {
        use std::fmt::Write as _;
        self.tag.clear();
        self.tag.push_str(name);
        for (key, value) in attributes {
            let escaped = escape(value, true, &mut self.dropped);
            self.tag.push(' ');
            self.tag.push_str(key);
            self.tag.push_str("=\"");
            self.tag.push_str(&escaped);
            self.tag.push('"');
        }
        if let Some(span) = span {
            // Writing to a String cannot fail.
            let _ = write!(self.tag, " start=\"{}\" end=\"{}\"", span.start, span.end);
        }
    }

    /// Writes the tag in `self.tag` (named `name`) as a start tag, or as an
    /// empty element.
    fn write_tag(&mut self, name: &str, empty: bool) -> Result<()> {
        let element = BytesStart::from_content(self.tag.as_str(), name.len());
        let event = if empty {
            Event::Empty(element)
        } else {
            Event::Start(element)
        };
        self.writer.write_event(event).map_err(Error::Write)
    }

    /// `<name attributes… start end>text</name>`, the span last.
    fn text_element(
        &mut self,
        name: &str,
        attributes: &[(&str, Cow<'_, str>)],
        span: Option<Span>,
        text: &str,
    ) -> Result<()> {
        self.fill_tag(name, attributes, span);
        self.write_tag(name, false)?;
        let escaped = escape(text, false, &mut self.dropped);
        self.event(Event::Text(BytesText::from_escaped(escaped)))?;
        self.end(name)
    }

    fn article(&mut self, article: &Article, indented: bool) -> Result<()> {
        if indented {
            self.writer
                .get_mut()
                .write_all(b"  ")
                .map_err(Error::Write)?;
        }
        let mut root: Vec<(&str, Cow<'_, str>)> =
            vec![("schema_version", article.schema_version.as_str().into())];
        if let Some(lang) = &article.lang {
            root.push(("lang", lang.as_str().into()));
        }
        root.push(("dir", article.dir.as_str().into()));
        self.start("article", &root)?;
        if let Some(title) = &article.title {
            self.text_element("title", &[], article.title_span, title)?;
        }
        if let Some(lead) = &article.lead {
            self.text_element("lead", &[], None, lead)?;
        }
        self.metadata(article)?;
        for section in &article.sections {
            self.start("section", &[])?;
            if let Some(heading) = &section.heading {
                let level = section
                    .level
                    .map(|level| ("level", level.to_string().into()));
                self.text_element("heading", level.as_slice(), section.heading_span, heading)?;
            }
            for block in &section.blocks {
                self.text_element(block.kind.as_str(), &[], Some(block.span), &block.text)?;
            }
            self.end("section")?;
        }
        self.source(article)?;
        let stats = &article.stats;
        self.empty(
            "stats",
            &[
                ("sections", stats.sections.to_string().into()),
                ("paragraphs", stats.paragraphs.to_string().into()),
                ("blocks", stats.blocks.to_string().into()),
                ("words", stats.words.to_string().into()),
                ("characters", stats.characters.to_string().into()),
            ],
        )?;
        self.end("article")
    }

    fn metadata(&mut self, article: &Article) -> Result<()> {
        let meta = &article.metadata;
        if *meta == crate::model::Metadata::default() {
            return self.empty("metadata", &[]);
        }
        self.start("metadata", &[])?;
        for author in &meta.authors {
            self.text_element("author", &[], None, author)?;
        }
        let singles = meta.singles();
        for (name, value) in singles {
            if let Some(value) = value {
                self.text_element(name, &[], None, value)?;
            }
        }
        for keyword in &meta.keywords {
            self.text_element("keyword", &[], None, keyword)?;
        }
        self.end("metadata")
    }

    /// `<source>` comes after the body so that `dropped_chars` counts every
    /// character dropped from the text above it.
    fn source(&mut self, article: &Article) -> Result<()> {
        let source = &article.source;
        let mut attributes: Vec<(&str, Cow<'_, str>)> = Vec::new();
        if let Some(path) = &source.path {
            attributes.push(("path", path.as_str().into()));
        }
        let dropped_before_source = self.dropped;
        attributes.extend([
            ("format", source.format.as_str().into()),
            ("format_source", source.format_source.as_str().into()),
            ("encoding", source.encoding.as_str().into()),
            ("encoding_source", source.encoding_source.as_str().into()),
            ("confidence", source.confidence.to_string().into()),
            ("bom", source.bom.to_string().into()),
            ("newline", source.newline.as_str().into()),
            ("bytes", source.bytes.to_string().into()),
            ("replaced", source.replaced.to_string().into()),
        ]);
        if let Some(declared) = &source.declared_encoding {
            attributes.push(("declared_encoding", declared.as_str().into()));
        }
        // The path itself may hold forbidden characters: count them too.
        let mut path_dropped = 0;
        if let Some(path) = &source.path {
            escape(path, true, &mut path_dropped);
        }
        attributes.push((
            "dropped_chars",
            (dropped_before_source + path_dropped).to_string().into(),
        ));
        self.empty("source", &attributes)
    }
}

/// Whether XML 1.0 allows `c` in a document at all.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes text for element content or an attribute value, dropping (and
/// counting) the characters XML 1.0 forbids.
///
/// Every character that is escaped or dropped is ASCII, or U+FFFE/U+FFFF
/// (whose UTF-8 begins with 0xEF): such bytes are looked for with a
/// byte set (`crate::byte_set`) and the text between two of them is
/// copied whole.
pub fn escape<'a>(text: &'a str, attribute: bool, dropped: &mut u64) -> Cow<'a, str> {
    let set = if attribute {
        &ATTRIBUTE_SPECIAL
    } else {
        &CONTENT_SPECIAL
    };
    let bytes = text.as_bytes();
    let next_special = |mut from: usize| loop {
        let at = set.find(bytes, from);
        if at == bytes.len() || bytes[at] != 0xEF || is_noncharacter_at(bytes, at) {
            return at;
        }
        from = at + 1;
    };
    let mut at = next_special(0);
    if at == bytes.len() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut plain_from = 0;
    while at < bytes.len() {
        out.push_str(&text[plain_from..at]);
        let mut width = 1;
        match bytes[at] {
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'&' => out.push_str("&amp;"),
            b'"' => out.push_str("&quot;"),
            b'\r' => out.push_str("&#13;"),
            b'\t' => out.push_str("&#9;"),
            b'\n' => out.push_str("&#10;"),
            0xEF => {
                // U+FFFE or U+FFFF: not an XML character.
                *dropped += 1;
                width = 3;
            }
            // The other control characters.
            _ => *dropped += 1,
        }
        plain_from = at + width;
        at = next_special(plain_from);
    }
    out.push_str(&text[plain_from..]);
    Cow::Owned(out)
}

/// Whether the character at `bytes[at]` (an 0xEF byte) is U+FFFE or U+FFFF.
fn is_noncharacter_at(bytes: &[u8], at: usize) -> bool {
    matches!(bytes.get(at + 1..at + 3), Some([0xBF, 0xBE | 0xBF]))
}

/// The bytes [`escape`] looks at in element content: `<`, `>`, `&`, CR, the
/// control characters XML forbids, and 0xEF (which may begin U+FFFE or
/// U+FFFF).
static CONTENT_SPECIAL: ByteSet = ByteSet::new(special_bytes(false));

/// [`CONTENT_SPECIAL`] and, in an attribute value, `"`, tab and LF.
static ATTRIBUTE_SPECIAL: ByteSet = ByteSet::new(special_bytes(true));

const fn special_bytes(attribute: bool) -> [bool; 256] {
    let mut special = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        special[byte] = attribute || !(byte == 0x09 || byte == 0x0A);
        byte += 1;
    }
    special[b'<' as usize] = true;
    special[b'>' as usize] = true;
    special[b'&' as usize] = true;
    special[b'"' as usize] = attribute;
    special[0xEF] = true;
    special
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping one character at a time, as it was written first.
    fn escape_by_chars(text: &str, attribute: bool, dropped: &mut u64) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' if attribute => out.push_str("&quot;"),
                '\r' => out.push_str("&#13;"),
                '\t' if attribute => out.push_str("&#9;"),
                '\n' if attribute => out.push_str("&#10;"),
                c if !is_xml_char(c) => *dropped += 1,
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn every_character_is_escaped_as_one_at_a_time() {
        let others = [
            'س', '€', '\u{EFFF}', '\u{FFFD}', '\u{FFFE}', '\u{FFFF}', '\u{FEFF}', '𝄞',
        ];
        let mut all = String::new();
        for c in (0..0x80u8).map(char::from).chain(others) {
            for text in [format!("{c}"), format!("a{c}b"), format!("سلام {c}{c} x")] {
                for attribute in [false, true] {
                    let (mut fast, mut slow) = (0, 0);
                    assert_eq!(
                        escape(&text, attribute, &mut fast),
                        escape_by_chars(&text, attribute, &mut slow),
                        "{text:?}"
                    );
                    assert_eq!(fast, slow, "{text:?}");
                }
            }
            all.push(c);
            all.push_str("نص ");
        }
        let (mut fast, mut slow) = (0, 0);
        assert_eq!(
            escape(&all, true, &mut fast),
            escape_by_chars(&all, true, &mut slow)
        );
        assert_eq!(fast, slow);
        assert!(matches!(
            escape("plain سلام € text", true, &mut fast),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn forbidden_characters_are_dropped_and_counted() {
        let mut dropped = 0;
        assert_eq!(
            escape("a\u{1}b\u{FFFE}<c>\r", false, &mut dropped),
            "ab&lt;c&gt;&#13;"
        );
        assert_eq!(dropped, 2);
        assert_eq!(escape("x\ty\n", true, &mut dropped), "x&#9;y&#10;");
    }
}
