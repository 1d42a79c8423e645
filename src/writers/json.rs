//! JSON and JSON Lines: the model as it is, field order fixed by the structs.
//!
//! U+2028, U+2029 and U+0085 are written as `\u` escapes: JSON allows them
//! raw, but line-splitting tools (and JavaScript before ES2019) treat them
//! as line breaks and would cut a JSON Lines record in two.

use std::io::Write;
use std::sync::mpsc;

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

/// Articles with at least this much block text are written on two
/// threads.
const PARALLEL_WRITE_BYTES: usize = 4 * 1024 * 1024;

/// About how much block text one part of a large article holds.
const PART_BYTES: usize = 1024 * 1024;

/// Where a block starts in the body: the index of its section and its
/// index in that section. `(sections.len(), 0)` is the end of the body.
type BlockAt = (usize, usize);

/// The blocks at which a large article's body is cut into parts of about
/// [`PART_BYTES`] of text; none for an article too small to be worth a
/// second thread.
fn part_cuts(article: &Article) -> Vec<BlockAt> {
    let total: usize = article.blocks().map(|block| block.text.len()).sum();
    if total < PARALLEL_WRITE_BYTES {
        return Vec::new();
    }
    let mut cuts = Vec::with_capacity(total / PART_BYTES + 1);
    let mut since_cut = 0;
    for (s, section) in article.sections.iter().enumerate() {
        for (b, block) in section.blocks.iter().enumerate() {
            if since_cut >= PART_BYTES {
                cuts.push((s, b));
                since_cut = 0;
            }
            since_cut += block.text.len();
        }
    }
    cuts
}

/// Writes the article as serde_json would write it in `layout` (the tests
/// hold the two to the same bytes), with the line separators escaped. The
/// strings, sections and blocks are written by [`JsonOut`]; a large body
/// is cut into parts ([`part_cuts`]) written by two threads in turn.
fn write_article(article: &Article, layout: Layout, out: &mut dyn Write) -> Result<()> {
    write_article_cut(article, layout, &part_cuts(article), out)
}

/// [`write_article`] with the body cut at `cuts`, in order.
fn write_article_cut(
    article: &Article,
    layout: Layout,
    cuts: &[BlockAt],
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
    if cuts.is_empty() {
        json.sections(sections, 2).map_err(Error::Write)?;
    } else {
        write_parts(&mut json, sections, cuts).map_err(Error::Write)?;
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

/// Writes the body's parts between `cuts` in order: the even ones on this
/// thread straight into `json`, the odd ones on another thread into a few
/// buffers that go back and forth, each written out here in its turn. The
/// other thread stays at most a part or two ahead, so the JSON held in
/// memory is a few parts, not half the article (which was 55 MB of fresh
/// memory, and the peak of the process, for 100 MB of text).
fn write_parts(
    json: &mut JsonOut<'_>,
    sections: &[Section],
    cuts: &[BlockAt],
) -> std::io::Result<()> {
    let parts: Vec<(Option<BlockAt>, BlockAt)> = std::iter::once(None)
        .chain(cuts.iter().copied().map(Some))
        .zip(cuts.iter().copied().chain([(sections.len(), 0)]))
        .collect();
    let layout = json.layout;
    std::thread::scope(|scope| {
        let (written, received) = mpsc::sync_channel::<Vec<u8>>(1);
        let (spare, spares) = mpsc::channel::<Vec<u8>>();
        let odd_parts = parts.iter().skip(1).step_by(2).copied();
        let helper = std::thread::Builder::new().spawn_scoped(scope, move || {
            for (from, to) in odd_parts {
                // A new buffer starts with room for a part's JSON (its text
                // and a little more), not grown to it by doubling.
                let buf = spares
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(2 * PART_BYTES));
                let mut part = JsonOut::in_memory(layout, buf);
                // Into memory: nothing to fail.
                let _ = part.sections_between(sections, from, to, 2);
                if written.send(part.buf).is_err() {
                    // This thread stopped writing (the output went away).
                    return;
                }
            }
        });
        if helper.is_err() {
            // No thread to be had: every part here, in order.
            drop(received);
            return json.sections(sections, 2);
        }
        for (index, &(from, to)) in parts.iter().enumerate() {
            if index % 2 == 0 {
                json.sections_between(sections, from, to, 2)?;
            } else {
                // An error means the helper panicked: the scope passes
                // the panic on when it ends.
                let Ok(buf) = received.recv() else { break };
                json.write_json(&buf)?;
                let _ = spare.send(buf);
            }
        }
        Ok(())
    })
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

    fn written(article: &Article, layout: Layout, cuts: &[BlockAt]) -> String {
        let mut out = Vec::new();
        write_article_cut(article, layout, cuts, &mut out).unwrap();
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
                &written(&article, layout, &[]),
                &expected,
                &format!("{layout:?}"),
            );
            let every_block: Vec<BlockAt> = article
                .sections
                .iter()
                .enumerate()
                .flat_map(|(s, section)| (0..section.blocks.len()).map(move |b| (s, b)))
                .collect();
            for (at, &cut) in every_block.iter().enumerate() {
                let json = written(&article, layout, &[cut]);
                let context = format!("{layout:?}, cut at {cut:?}");
                assert_same(&json, &expected, &context);
                // Two cuts, and cuts at every block from here on.
                for &second in &every_block[at + 1..] {
                    let json = written(&article, layout, &[cut, second]);
                    let context = format!("{layout:?}, cut at {cut:?} and {second:?}");
                    assert_same(&json, &expected, &context);
                }
                let json = written(&article, layout, &every_block[at..]);
                let context = format!("{layout:?}, cut at every block from {cut:?}");
                assert_same(&json, &expected, &context);
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
            assert_same(&written(&article, layout, &[]), &expected, "whole");
            assert_same(&written(&article, layout, &[(2, 0)]), &expected, "cut");
            assert_same(
                &written(&article, layout, &[(0, 1), (2, 0)]),
                &expected,
                "cuts around the empty section",
            );
        }
        article.sections.clear();
        article.finish();
        for layout in [Layout::Compact, Layout::Pretty] {
            let expected = serde_json_of(&article, layout);
            assert_same(&written(&article, layout, &[]), &expected, "no section");
        }
    }

    #[test]
    fn large_articles_are_cut_into_parts_and_written_whole() {
        let mut article = sample_article();
        assert_eq!(part_cuts(&article), []);
        let block = article.sections[1].blocks[0].clone();
        let mut big = block.clone();
        big.text = "x".repeat(PARALLEL_WRITE_BYTES / 4).into();
        article.sections[1].blocks = vec![big.clone(), big.clone(), block, big.clone(), big];
        // A cut once a part holds PART_BYTES: before every block after a big one.
        assert_eq!(part_cuts(&article), [(1, 1), (1, 2), (1, 4), (2, 0)]);
        for layout in [Layout::Compact, Layout::Pretty] {
            let mut written = Vec::new();
            write_article(&article, layout, &mut written).unwrap();
            let expected = serde_json_of(&article, layout);
            assert_same(&String::from_utf8(written).unwrap(), &expected, "large");
        }
    }

    #[test]
    fn a_failing_output_stops_both_threads_with_its_error() {
        struct Refusing(usize);
        impl Write for Refusing {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(std::io::ErrorKind::BrokenPipe.into());
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut article = sample_article();
        let block = article.sections[1].blocks[0].clone();
        let mut big = block.clone();
        big.text = "x".repeat(PART_BYTES).into();
        article.sections[1].blocks = vec![big; 20];
        for allowed in [0, 100, 3 * PART_BYTES] {
            let error = write_line(&article, &mut Refusing(allowed)).unwrap_err();
            assert!(
                matches!(&error, Error::Write(e) if e.kind() == std::io::ErrorKind::BrokenPipe),
                "{error:?}"
            );
        }
    }
}
