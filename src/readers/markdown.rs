//! The Markdown reader: CommonMark through pulldown-cmark, with YAML front
//! matter (see [`super::front_matter`]).
//!
//! * **Title**: the front matter's `title`; without one, the first heading
//!   when it is a `#` heading and the only one. A `#` heading that repeats
//!   the front matter's title (as artconv's own Markdown does) is that
//!   title, not a section. A front matter `title: null` states that there
//!   is none.
//! * Other **headings** open sections with their level.
//! * **Blocks**: paragraphs; block quotes (each paragraph inside one is a
//!   `quote`); list items, ordered or not (each paragraph inside one is a
//!   `list_item`); fenced and indented code blocks as `code`. Inline markup
//!   is flattened to text: links keep their text, images their alt text,
//!   code spans their text; a hard break is `\n`, a soft break a space.
//! * **Spans** are byte ranges of the original input, markers (`>`, `-`,
//!   `1.`, fences) included.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::front_matter::{self, FrontMatter};
use crate::decode::Decoded;
use crate::error::{Error, Result};
use crate::model::{Block, BlockKind, Direction, Metadata, Section, Span, Text};

/// What the Markdown reader found.
#[derive(Debug, Default)]
pub struct MarkdownDoc {
    /// The title and where it came from.
    pub title: Option<(String, Span)>,
    /// The body.
    pub sections: Vec<Section>,
    /// Metadata from the front matter.
    pub metadata: Metadata,
    /// The language the front matter declares.
    pub lang: Option<String>,
    /// The direction the front matter declares.
    pub dir: Option<Direction>,
}

/// Reads a Markdown document.
///
/// # Errors
///
/// [`Error::Parse`] for front matter that is not valid YAML, and
/// [`Error::Empty`] for a document without any text.
pub fn read(decoded: &Decoded) -> Result<MarkdownDoc> {
    let text = &*decoded.text;
    let span = |range: Range<usize>| {
        let end = trim_end(text, range.start, range.end);
        Span {
            start: decoded.original_offset(range.start) as u64,
            end: decoded.original_offset(end) as u64,
        }
    };
    let (front, body_start) = match front_matter::locate(text) {
        Some(located) if located.looks_like_yaml(text) => {
            (front_matter::parse(text, located)?, located.end)
        }
        _ => (FrontMatter::default(), 0),
    };
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(&text[body_start..], Options::empty())
            .into_offset_iter()
            .map(|(event, range)| (event, range.start + body_start..range.end + body_start))
            .collect();
    let title_heading = title_heading(&events, &front);
    let mut walker = Walker::default();
    for (index, (event, range)) in events.into_iter().enumerate() {
        walker.event(event, range, index == title_heading.unwrap_or(usize::MAX));
    }
    let mut doc = MarkdownDoc {
        metadata: front.metadata,
        lang: front.lang,
        dir: front.dir,
        ..MarkdownDoc::default()
    };
    walker.close_section();
    doc.title = match (front.title, walker.title.take()) {
        (Some(Some((title, _))), Some((_, range))) => Some((title, span(range))),
        (Some(Some((title, range))), None) => Some((title, span(range))),
        (Some(None), _) => None,
        (None, found) => found.map(|(title, range)| (title, span(range))),
    };
    doc.sections = walker
        .sections
        .into_iter()
        .map(|raw| {
            let (heading, level, heading_span) = match raw.heading {
                Some((text, level, range)) => {
                    (Some(Text::from(text)), Some(level), Some(span(range)))
                }
                None => (None, None, None),
            };
            Section {
                heading,
                level,
                heading_span,
                blocks: raw
                    .blocks
                    .into_iter()
                    .map(|(kind, text, range)| Block {
                        kind,
                        text: text.into(),
                        span: span(with_indentation(&decoded.text, range)),
                    })
                    .collect(),
            }
        })
        .collect();
    if doc.title.is_none() && doc.sections.is_empty() {
        return Err(Error::Empty);
    }
    Ok(doc)
}

/// The range moved back over the spaces or tabs that start its line: an
/// indented code block's marker is its indentation.
fn with_indentation(text: &str, range: Range<usize>) -> Range<usize> {
    let before = &text[..range.start];
    let indent = before.len() - before.trim_end_matches([' ', '\t']).len();
    let start = range.start - indent;
    if start == 0 || text[..start].ends_with(['\n', '\r']) {
        start..range.end
    } else {
        range
    }
}

/// `end` moved back over trailing white space, so that spans end at the
/// last visible character as the text reader's do.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    // Only what CommonMark counts as white space: a trailing U+00A0 is text.
    start
        + text[start..end]
            .trim_end_matches([' ', '\t', '\n', '\r'])
            .len()
}

/// The index of the heading event that is the title, if one is.
fn title_heading(events: &[(Event<'_>, Range<usize>)], front: &FrontMatter) -> Option<usize> {
    let mut headings = events
        .iter()
        .enumerate()
        .filter_map(|(i, (event, _))| match event {
            Event::Start(Tag::Heading { level, .. }) => Some((i, *level)),
            _ => None,
        });
    let (first, level) = headings.next()?;
    if level != HeadingLevel::H1 {
        return None;
    }
    match &front.title {
        Some(Some((title, _))) => {
            let text = heading_text(&events[first..]);
            (normalise_space(&text) == normalise_space(title)).then_some(first)
        }
        Some(None) => None,
        None => headings
            .all(|(_, level)| level != HeadingLevel::H1)
            .then_some(first),
    }
}

/// The flattened text of the heading that `events` starts with.
fn heading_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut text = String::new();
    for (event, _) in &events[1..] {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            _ => {}
        }
    }
    text
}

fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A section as it is gathered: ranges still in decoded offsets.
#[derive(Debug, Default)]
struct RawSection {
    heading: Option<(String, u8, Range<usize>)>,
    blocks: Vec<(BlockKind, String, Range<usize>)>,
}

/// A container whose markers belong to the span of its first block.
#[derive(Debug)]
struct Container {
    quote: bool,
    start: usize,
    /// Whether a block already took the container's start.
    used: bool,
    /// Blocks made inside it (an empty item still makes one).
    blocks: usize,
}

/// What the text being gathered will become.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LeafKind {
    Paragraph,
    Heading(u8),
    Code,
    /// Text directly inside a list item (a tight list).
    ItemText,
    /// Raw HTML blocks: dropped.
    Html,
}

#[derive(Debug)]
struct Leaf {
    kind: LeafKind,
    start: usize,
    end: usize,
    text: String,
}

#[derive(Debug, Default)]
struct Walker {
    sections: Vec<RawSection>,
    current: RawSection,
    containers: Vec<Container>,
    leaf: Option<Leaf>,
    title: Option<(String, Range<usize>)>,
    /// The title heading is being read.
    in_title: bool,
}

impl Walker {
    fn event(&mut self, event: Event<'_>, range: Range<usize>, is_title: bool) {
        match event {
            Event::Start(tag) => self.start(tag, range, is_title),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) | Event::Code(text) => self.text(&text, range),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text, range),
            Event::SoftBreak => self.text(" ", range),
            Event::HardBreak => self.text("\n", range),
            Event::InlineHtml(html) => {
                let tag = html.trim().to_ascii_lowercase();
                if matches!(tag.as_str(), "<br>" | "<br/>" | "<br />") {
                    self.text("\n", range);
                }
            }
            Event::Html(_)
            | Event::Rule
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>, is_title: bool) {
        match tag {
            Tag::Paragraph => self.open(LeafKind::Paragraph, range.start),
            Tag::Heading { level, .. } => {
                self.flush(None);
                self.in_title = is_title;
                self.open(LeafKind::Heading(level as u8), range.start);
            }
            Tag::CodeBlock(_) => {
                self.flush(None);
                self.open(LeafKind::Code, range.start);
            }
            Tag::HtmlBlock => {
                self.flush(None);
                self.open(LeafKind::Html, range.start);
            }
            Tag::BlockQuote(_) | Tag::Item => {
                self.flush(None);
                self.containers.push(Container {
                    quote: matches!(tag, Tag::BlockQuote(_)),
                    start: range.start,
                    used: false,
                    blocks: 0,
                });
            }
            Tag::List(_) => self.flush(None),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                self.flush(Some(range.end));
            }
            TagEnd::BlockQuote(_) | TagEnd::Item => {
                self.flush(None);
                if let Some(container) = self.containers.pop()
                    && container.blocks == 0
                {
                    // An empty item or quote is still one (empty) block.
                    let kind = if container.quote {
                        BlockKind::Quote
                    } else {
                        BlockKind::ListItem
                    };
                    self.push_block(kind, String::new(), container.start..range.end);
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, range: Range<usize>) {
        if self.leaf.is_none() {
            // Text outside a paragraph: a tight list item's.
            self.open(LeafKind::ItemText, range.start);
        }
        if let Some(leaf) = &mut self.leaf {
            leaf.text.push_str(text);
            leaf.end = leaf.end.max(range.end);
        }
    }

    fn open(&mut self, kind: LeafKind, start: usize) {
        self.leaf = Some(Leaf {
            kind,
            start,
            end: start,
            text: String::new(),
        });
    }

    /// Ends the leaf being gathered (at `end` when its closing event
    /// gives one) and stores what it makes.
    fn flush(&mut self, end: Option<usize>) {
        let Some(leaf) = self.leaf.take() else {
            return;
        };
        let end = end.unwrap_or(leaf.end).max(leaf.start);
        match leaf.kind {
            LeafKind::Html => {}
            LeafKind::Heading(level) => {
                if std::mem::take(&mut self.in_title) {
                    self.title = Some((leaf.text, leaf.start..end));
                } else {
                    self.close_section();
                    self.current.heading = Some((leaf.text, level, leaf.start..end));
                }
            }
            LeafKind::Code => {
                let mut text = leaf.text;
                if text.ends_with('\n') {
                    text.pop();
                }
                self.push_block(BlockKind::Code, text, leaf.start..end);
            }
            LeafKind::Paragraph | LeafKind::ItemText => {
                let kind = match self.containers.last() {
                    Some(c) if c.quote => BlockKind::Quote,
                    Some(_) => BlockKind::ListItem,
                    None => BlockKind::Paragraph,
                };
                let start = match self.containers.last_mut() {
                    Some(container) if !container.used => {
                        container.used = true;
                        container.start
                    }
                    _ => leaf.start,
                };
                self.push_block(kind, leaf.text, start..end);
            }
        }
    }

    fn push_block(&mut self, kind: BlockKind, text: String, range: Range<usize>) {
        for container in &mut self.containers {
            container.blocks += 1;
        }
        self.current.blocks.push((kind, text, range));
    }

    fn close_section(&mut self) {
        let section = std::mem::take(&mut self.current);
        if section.heading.is_some() || !section.blocks.is_empty() {
            self.sections.push(section);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodeOptions, decode};

    fn doc(text: &str) -> MarkdownDoc {
        read(&decode(text.as_bytes(), &DecodeOptions::default()).unwrap()).unwrap()
    }

    fn blocks(doc: &MarkdownDoc) -> Vec<(BlockKind, &str)> {
        doc.sections
            .iter()
            .flat_map(|s| s.blocks.iter().map(|b| (b.kind, b.text.as_str())))
            .collect()
    }

    #[test]
    fn single_h1_is_the_title_and_blocks_are_flattened() {
        let text = "# The *Title*\n\nA [link](http://x) and ![alt](i.png), `code`,\nsoft break.  \nHard.\n\n## Part\n\n> quoted\n> text\n\n- one\n- two\n\n1. first\n\n```rust\nfn main() {}\n```\n";
        let d = doc(text);
        let (title, span) = d.title.clone().unwrap();
        assert_eq!(title, "The Title");
        assert_eq!(
            &text[span.start as usize..span.end as usize],
            "# The *Title*"
        );
        use BlockKind::*;
        assert_eq!(
            blocks(&d),
            vec![
                (Paragraph, "A link and alt, code, soft break.\nHard."),
                (Quote, "quoted text"),
                (ListItem, "one"),
                (ListItem, "two"),
                (ListItem, "first"),
                (Code, "fn main() {}"),
            ]
        );
        assert_eq!(d.sections[1].heading.as_deref(), Some("Part"));
        assert_eq!(d.sections[1].level, Some(2));
        let quote = &d.sections[1].blocks[0];
        assert_eq!(
            &text[quote.span.start as usize..quote.span.end as usize],
            "> quoted\n> text"
        );
        let item = &d.sections[1].blocks[1];
        assert_eq!(
            &text[item.span.start as usize..item.span.end as usize],
            "- one"
        );
        let code = &d.sections[1].blocks[4];
        assert!(text[code.span.start as usize..code.span.end as usize].starts_with("```rust"));
    }

    #[test]
    fn several_h1_are_sections() {
        let d = doc("# One\n\nText.\n\n# Two\n\nMore.\n");
        assert!(d.title.is_none());
        assert_eq!(d.sections.len(), 2);
        assert_eq!(d.sections[0].level, Some(1));
    }

    #[test]
    fn front_matter_title_wins_and_its_repeat_is_consumed() {
        let d = doc("---\ntitle: \"T\"\nlang: ar\ndir: rtl\n---\n\n# T\n\n# Other\n\nText.\n");
        assert_eq!(d.title.as_ref().map(|t| t.0.as_str()), Some("T"));
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].heading.as_deref(), Some("Other"));
        assert_eq!(d.dir, Some(Direction::Rtl));
        let d = doc("---\ntitle: null\n---\n\n# Only\n\nText.\n");
        assert!(d.title.is_none());
        assert_eq!(d.sections[0].heading.as_deref(), Some("Only"));
    }

    #[test]
    fn empty_items_and_tight_items_with_sublists() {
        let d = doc("- \n- outer\n  - inner\n");
        assert_eq!(
            blocks(&d),
            vec![
                (BlockKind::ListItem, ""),
                (BlockKind::ListItem, "outer"),
                (BlockKind::ListItem, "inner")
            ]
        );
    }
}
