//! YAML front matter (`---` … `---` at the very start of a Markdown file)
//! into the model's title, metadata, language and direction.
//!
//! Parsed with saphyr-parser's event API, which never expands aliases: a
//! front matter "billion laughs" costs no more than its own bytes. Only the
//! top-level keys artconv knows are read, under the spellings static site
//! generators use (`date`, `tags`, `canonical`...); other keys are ignored.

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::error::{Error, Result};
use crate::model::{Direction, Metadata};

/// Front matter longer than this is not front matter but a document that
/// happens to start with a rule.
const MAX_FRONT_MATTER: usize = 64 * 1024;

/// Where the front matter is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// Byte range of the YAML between the two delimiter lines.
    pub yaml: (usize, usize),
    /// Byte offset just after the closing delimiter line.
    pub end: usize,
}

impl Located {
    /// Whether the block reads as YAML keys (`key: value` first), not as
    /// prose between two rules.
    pub fn looks_like_yaml(&self, text: &str) -> bool {
        let yaml = &text[self.yaml.0..self.yaml.1];
        let Some(first) = yaml
            .lines()
            .map(str::trim_end)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
        else {
            return true;
        };
        let Some((key, _)) = first.split_once(':') else {
            return false;
        };
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '"' | '\''))
    }
}

/// Finds front matter: a `---` line at the very start and a closing `---`
/// or `...` line.
pub fn locate(text: &str) -> Option<Located> {
    let first_end = text.find(['\n', '\r'])?;
    if text[..first_end].trim_end_matches([' ', '\t']) != "---" {
        return None;
    }
    let start = after_newline(text, first_end);
    let mut at = start;
    while at < text.len() && at - start <= MAX_FRONT_MATTER {
        let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |p| at + p);
        let line = text[at..line_end].trim_end_matches([' ', '\t']);
        if line == "---" || line == "..." {
            return Some(Located {
                yaml: (start, at),
                end: after_newline(text, line_end),
            });
        }
        at = after_newline(text, line_end);
    }
    None
}

fn after_newline(text: &str, line_end: usize) -> usize {
    match &text.as_bytes()[line_end.min(text.len())..] {
        [b'\r', b'\n', ..] => line_end + 2,
        [b'\n' | b'\r', ..] => line_end + 1,
        _ => line_end,
    }
}

/// What the front matter says.
#[derive(Debug, Default)]
pub struct FrontMatter {
    /// `Some(None)` when a `title` key is there but empty or null: the
    /// document states that it has no title.
    pub title: Option<Option<(String, Range<usize>)>>,
    /// Authors, dates, site, URL, description, keywords.
    pub metadata: Metadata,
    /// `lang`/`language`, as a BCP 47 tag.
    pub lang: Option<String>,
    /// `dir: rtl|ltr`.
    pub dir: Option<Direction>,
}

/// A top-level value: a scalar (with its byte range in the text), a list
/// of scalars, or nothing usable.
enum Value {
    Scalar(Option<String>, Range<usize>),
    List(Vec<String>),
    Other,
}

/// Parses the located front matter of `text`.
///
/// # Errors
///
/// [`Error::Parse`] with the line and column (in the whole file) of a YAML
/// syntax error.
pub fn parse(text: &str, located: Located) -> Result<FrontMatter> {
    let yaml = &text[located.yaml.0..located.yaml.1];
    let line_offset = text[..located.yaml.0].matches('\n').count().max(1);
    let char_to_byte = |index: usize| {
        located.yaml.0
            + yaml
                .char_indices()
                .nth(index)
                .map_or(yaml.len(), |(b, _)| b)
    };
    let mut events = Parser::new_from_str(yaml);
    let mut next = move || -> Result<Option<(Event<'_>, Range<usize>)>> {
        match events.next() {
            None => Ok(None),
            Some(Ok((event, span))) => Ok(Some((event, span.start.index()..span.end.index()))),
            Some(Err(error)) => Err(Error::Parse {
                format: "YAML front matter",
                line: error.marker().line() + line_offset,
                column: error.marker().col() + 1,
                message: error.info().to_string(),
            }),
        }
    };
    let mut front = FrontMatter::default();
    // Find the top-level mapping; anything else (empty, a scalar) says nothing.
    loop {
        match next()? {
            Some((Event::MappingStart(..), _)) => break,
            Some((Event::StreamStart | Event::DocumentStart(_), _)) => continue,
            _ => return Ok(front),
        }
    }
    loop {
        let key = match next()? {
            Some((Event::Scalar(key, ..), _)) => Some(key.to_lowercase().replace('-', "_")),
            Some((Event::MappingEnd, _)) | None => break,
            Some((event, _)) => {
                skip(&event, &mut next)?;
                None
            }
        };
        let value = match next()? {
            Some((Event::Scalar(value, style, ..), range)) => {
                let range = char_to_byte(range.start)..char_to_byte(range.end);
                Value::Scalar(scalar(&value, style), range)
            }
            Some((Event::SequenceStart(..), _)) => {
                let mut items = Vec::new();
                loop {
                    match next()? {
                        Some((Event::Scalar(item, style, ..), _)) => {
                            items.extend(scalar(&item, style));
                        }
                        Some((Event::SequenceEnd, _)) | None => break,
                        Some((event, _)) => skip(&event, &mut next)?,
                    }
                }
                Value::List(items)
            }
            Some((event, _)) => {
                skip(&event, &mut next)?;
                Value::Other
            }
            None => break,
        };
        if let Some(key) = key {
            apply(&mut front, &key, value);
        }
    }
    Ok(front)
}

/// Skips the rest of a node whose first event was `event`.
fn skip<'a>(
    event: &Event<'_>,
    next: &mut impl FnMut() -> Result<Option<(Event<'a>, Range<usize>)>>,
) -> Result<()> {
    let mut depth = match event {
        Event::MappingStart(..) | Event::SequenceStart(..) => 1,
        _ => 0,
    };
    while depth > 0 {
        match next()? {
            Some((Event::MappingStart(..) | Event::SequenceStart(..), _)) => depth += 1,
            Some((Event::MappingEnd | Event::SequenceEnd, _)) => depth -= 1,
            Some(_) => {}
            None => break,
        }
    }
    Ok(())
}

/// A scalar's text; `None` for YAML's null spellings and empty values.
/// Quoted scalars are kept exactly as written (they may be empty).
fn scalar(value: &str, style: ScalarStyle) -> Option<String> {
    if style != ScalarStyle::Plain {
        return Some(value.to_string());
    }
    let value = value.trim();
    (!matches!(value, "" | "~" | "null" | "Null" | "NULL")).then(|| value.to_string())
}

fn apply(front: &mut FrontMatter, key: &str, value: Value) {
    let one = |value: &Value| match value {
        Value::Scalar(text, _) => text.clone(),
        Value::List(items) => items.first().cloned(),
        Value::Other => None,
    };
    let many = |value: Value, split: bool| match value {
        Value::Scalar(Some(text), _) if split => text
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        Value::Scalar(Some(text), _) => vec![text],
        Value::List(items) => items,
        _ => Vec::new(),
    };
    let meta = &mut front.metadata;
    match key {
        "title" if front.title.is_none() => {
            front.title = Some(match value {
                Value::Scalar(Some(text), range) => Some((text, range)),
                _ => None,
            });
        }
        "author" | "authors" | "byline" | "creator" if meta.authors.is_empty() => {
            meta.authors = many(value, false);
        }
        "date" | "published" | "pubdate" | "date_published" | "published_at" | "publish_date" => {
            meta.published = meta.published.take().or_else(|| one(&value));
        }
        "modified" | "updated" | "lastmod" | "last_modified" | "date_modified" | "updated_at" => {
            meta.modified = meta.modified.take().or_else(|| one(&value));
        }
        "description" | "summary" | "excerpt" | "abstract" => {
            meta.description = meta.description.take().or_else(|| one(&value));
        }
        "keywords" | "tags" if meta.keywords.is_empty() => meta.keywords = many(value, true),
        "url" | "canonical" | "canonical_url" | "permalink" => {
            meta.url = meta.url.take().or_else(|| one(&value));
        }
        "site_name" | "site" | "publisher" => {
            meta.site_name = meta.site_name.take().or_else(|| one(&value));
        }
        "lang" | "language" | "locale" => {
            front.lang = front.lang.take().or_else(|| {
                one(&value)
                    .map(|tag| tag.replace('_', "-"))
                    .filter(|tag| is_language_tag(tag))
            });
        }
        "dir" | "direction" => {
            front.dir = front
                .dir
                .or_else(|| match one(&value)?.to_ascii_lowercase().as_str() {
                    "rtl" => Some(Direction::Rtl),
                    "ltr" => Some(Direction::Ltr),
                    _ => None,
                });
        }
        _ => {}
    }
}

/// A plausible BCP 47 tag (letters, digits and hyphens), so that a stray
/// value cannot end up in the XML `lang` attribute.
fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 35
        && tag
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front(text: &str) -> FrontMatter {
        parse(text, locate(text).expect("front matter")).unwrap()
    }

    #[test]
    fn keys_map_to_the_model() {
        let text = "---\ntitle: \"Harbour: rebuilt\"\nauthors:\n  - A. Writer\n  - B. Editor\ndate: 2024-05-01\ntags: port, city\nlang: ar_SA\ndir: RTL\ncanonical: https://example.org/a\nextra: {a: [1, 2]}\n---\nBody\n";
        let fm = front(text);
        let (title, range) = fm.title.unwrap().unwrap();
        assert_eq!(title, "Harbour: rebuilt");
        assert_eq!(&text[range], "\"Harbour: rebuilt\"");
        assert_eq!(fm.metadata.authors, ["A. Writer", "B. Editor"]);
        assert_eq!(fm.metadata.published.as_deref(), Some("2024-05-01"));
        assert_eq!(fm.metadata.keywords, ["port", "city"]);
        assert_eq!(fm.metadata.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(fm.lang.as_deref(), Some("ar-SA"));
        assert_eq!(fm.dir, Some(Direction::Rtl));
    }

    #[test]
    fn null_title_is_stated_and_aliases_are_not_expanded() {
        let fm = front("---\ntitle: null\na: &x [1, 2]\nb: [*x, *x, *x]\n---\n");
        assert_eq!(fm.title, Some(None));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let text = "---\ntitle: ok\nbad: [unclosed\n---\n";
        let error = parse(text, locate(text).unwrap()).unwrap_err().to_string();
        assert!(
            error.starts_with("invalid YAML front matter at line "),
            "{error}"
        );
    }

    #[test]
    fn located_only_at_the_very_start_and_closed() {
        assert!(locate("text\n---\na: b\n---\n").is_none());
        assert!(locate("---\na: b\n").is_none());
        let text = "---\r\na: b\r\n...\r\nBody";
        let located = locate(text).unwrap();
        assert_eq!(&text[located.end..], "Body");
    }
}
