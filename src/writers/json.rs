//! JSON and JSON Lines: the model as it is, field order fixed by the structs.
//!
//! U+2028, U+2029 and U+0085 are written as `\u` escapes: JSON allows them
//! raw, but line-splitting tools (and JavaScript before ES2019) treat them
//! as line breaks and would cut a JSON Lines record in two.

use std::io::Write;

use super::json_parts::{JsonOut, Layout};
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
    write_article(article, Layout::Pretty, out)?;
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
    write_article(article, Layout::Compact, out)?;
    out.write_all(b"\n").map_err(Error::Write)
}

/// Articles with at least this much block text have the second half of
/// their body written on another thread.
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

/// A generous estimate of the JSON of the blocks from `from` on: their
/// text, an eighth more for escapes, and room for each block's and
/// section's keys, spans and (pretty) indentation. Too much costs only
/// address space; too little only a reallocation.
fn json_room_from(sections: &[Section], from: BlockAt) -> usize {
    let (first_section, first_block) = from;
    let mut room = 0usize;
    for (index, section) in sections.iter().enumerate().skip(first_section) {
        let skipped = if index == first_section {
            first_block
        } else {
            0
        };
        let blocks = section.blocks.get(skipped..).unwrap_or_default();
        let text: usize = blocks.iter().map(|block| block.text.len()).sum();
        room = room
            .saturating_add(text + text / 8)
            .saturating_add(blocks.len().saturating_mul(256))
            .saturating_add(section.heading.as_ref().map_or(0, String::len) + 512);
    }
    room
}

/// Writes the article as serde_json would write it in `layout` (the tests
/// hold the two to the same bytes), with the line separators escaped. The
/// strings, sections and blocks are written by [`JsonOut`]; a large body
/// is cut at its [`middle_block`] and the second half written into memory
/// on another thread while this one streams the first.
fn write_article(article: &Article, layout: Layout, out: &mut dyn Write) -> Result<()> {
    write_article_cut(article, layout, middle_block(article), out)
}

/// [`write_article`] with the body cut at `cut`, if any.
fn write_article_cut(
    article: &Article,
    layout: Layout,
    cut: Option<BlockAt>,
    out: &mut dyn Write,
) -> Result<()> {
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
    let mut json = JsonOut::streaming(layout, out);
    json.raw(b"{");
    json.key("schema_version", 1, true);
    json.string(schema_version);
    json.key("title", 1, false);
    json.optional_string(title.as_deref());
    json.key("title_span", 1, false);
    json.optional_span(*title_span, 1);
    json.key("lead", 1, false);
    json.optional_string(lead.as_deref());
    json.key("lang", 1, false);
    json.optional_string(lang.as_deref());
    json.key("dir", 1, false);
    json.serde(dir, 1).map_err(serialize_error)?;
    json.key("sections", 1, false);
    json.raw(b"[");
    match cut {
        Some(cut) => {
            let second_half = || {
                let mut part = JsonOut::in_memory(layout, json_room_from(sections, cut));
                part.sections_from(sections, cut, 2).map(|()| part.buf)
            };
            let (first, second) =
                crate::parallel::join(|| json.sections_until(sections, cut, 2), second_half);
            first.map_err(Error::Write)?;
            json.write_json(&second.map_err(Error::Write)?)
                .map_err(Error::Write)?;
        }
        None => json.sections(sections, 2).map_err(Error::Write)?,
    }
    if !sections.is_empty() {
        json.newline(1);
    }
    json.raw(b"]");
    json.key("metadata", 1, false);
    json.serde(metadata, 1).map_err(serialize_error)?;
    json.key("source", 1, false);
    json.serde(source, 1).map_err(serialize_error)?;
    json.key("stats", 1, false);
    json.serde(stats, 1).map_err(serialize_error)?;
    json.newline(0);
    json.raw(b"}");
    json.flush().map_err(Error::Write)
}

/// Keeps the I/O error itself (a closed pipe must stay recognisable).
fn serialize_error(error: serde_json::Error) -> Error {
    if error.is_io() {
        Error::Write(error.into())
    } else {
        Error::Serialize(error.to_string())
    }
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
    use crate::model::Section;

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

    /// What serde_json writes for `article` in `layout`, separators escaped.
    fn serde_json_of(article: &Article, layout: Layout) -> String {
        let json = match layout {
            Layout::Compact => serde_json::to_string(article).unwrap(),
            Layout::Pretty => serde_json::to_string_pretty(article).unwrap(),
        };
        escape_line_separators(&json).into_owned()
    }

    /// Fails with where `json` first differs from `expected`, not with
    /// both texts (they can be megabytes long).
    fn assert_same(json: &str, expected: &str, context: &str) {
        if json != expected {
            let at = json
                .bytes()
                .zip(expected.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(json.len().min(expected.len()));
            let around = |text: &str| {
                String::from_utf8_lossy(
                    &text.as_bytes()[at.saturating_sub(60)..(at + 60).min(text.len())],
                )
                .into_owned()
            };
            panic!(
                "{context}: differs at byte {at}:\n written: {:?}\nexpected: {:?}",
                around(json),
                around(expected)
            );
        }
    }

    fn written(article: &Article, layout: Layout, cut: Option<BlockAt>) -> String {
        let mut out = Vec::new();
        write_article_cut(article, layout, cut, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn articles_are_the_json_serde_writes_in_both_layouts_at_every_cut() {
        let article = sample_article();
        assert!(article.sections.len() >= 3, "{:?}", article.sections);
        for layout in [Layout::Compact, Layout::Pretty] {
            let expected = serde_json_of(&article, layout);
            assert!(expected.contains("\\u2028"), "{expected}");
            assert_same(
                &written(&article, layout, None),
                &expected,
                &format!("{layout:?}"),
            );
            for (s, section) in article.sections.iter().enumerate() {
                for b in 0..section.blocks.len() {
                    let json = written(&article, layout, Some((s, b)));
                    let context = format!("{layout:?}, cut at block {b} of section {s}");
                    assert_same(&json, &expected, &context);
                }
            }
        }
    }

    #[test]
    fn empty_bodies_and_sections_are_written_as_serde_does() {
        let mut article = sample_article();
        // A heading with no block under it, between two sections.
        article.sections[1].blocks.clear();
        article.sections[0].heading = Some("tab\there, control \u{1} and \u{85}".into());
        article.title = None;
        article.title_span = None;
        for layout in [Layout::Compact, Layout::Pretty] {
            let expected = serde_json_of(&article, layout);
            assert_same(&written(&article, layout, None), &expected, "whole");
            assert_same(&written(&article, layout, Some((2, 0))), &expected, "cut");
        }
        article.sections.clear();
        article.finish();
        for layout in [Layout::Compact, Layout::Pretty] {
            let expected = serde_json_of(&article, layout);
            assert_same(&written(&article, layout, None), &expected, "no section");
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
        let expected = serde_json_of(&article, Layout::Compact) + "\n";
        assert_same(&String::from_utf8(written).unwrap(), &expected, "large");
    }
}
