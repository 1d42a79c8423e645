//! Decoded text to the article model: one module per input format.
//!
//! Every reader produces the same [`Article`](crate::model::Article); the
//! writers never know which reader ran. Formats are a closed enum and
//! dispatch is a `match` (see [`crate::pipeline`]).

pub mod front_matter;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sniff;
pub mod text;
pub mod xml;

use clap::ValueEnum;

use crate::model::FormatSource;

/// The input formats artconv reads, as given to `-f/--from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Decide from the content, then the file extension; plain text otherwise.
    Auto,
    /// Plain text: blank-line separated blocks, structure inferred.
    Text,
    /// An HTML page: the main content is extracted, boilerplate left out.
    Html,
    /// CommonMark with optional YAML front matter.
    #[value(alias = "md")]
    Markdown,
    /// artconv's own JSON, JSON Lines or JSON array (`-t json|jsonl`).
    #[value(alias = "jsonl")]
    Json,
    /// artconv's own XML (`-t xml`).
    Xml,
    /// Map mode: JSON Lines records on standard input, one JSON line out
    /// per record; each document inside is read as `auto`.
    Envelope,
}

/// How far into the input content sniffing looks.
const SNIFF_BYTES: usize = 1024;

/// Tag names that, opening an input, make it an HTML page (or fragment).
const HTML_START_TAGS: &[&[u8]] = &[
    b"html",
    b"head",
    b"body",
    b"meta",
    b"title",
    b"link",
    b"script",
    b"style",
    b"div",
    b"p",
    b"article",
    b"main",
    b"section",
    b"header",
    b"nav",
    b"h1",
    b"h2",
    b"h3",
    b"table",
    b"ul",
    b"ol",
    b"span",
    b"a",
    b"base",
    b"noscript",
    b"iframe",
    b"form",
    b"img",
    b"br",
    b"center",
    b"font",
    b"b",
    b"i",
    b"frameset",
];

impl InputFormat {
    /// The name recorded in `source.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Text => "text",
            InputFormat::Html => "html",
            InputFormat::Markdown => "markdown",
            InputFormat::Json => "json",
            InputFormat::Xml => "xml",
            InputFormat::Envelope => "envelope",
        }
    }

    /// The reader that actually runs for this choice and input (see
    /// [`InputFormat::decide`]).
    pub fn resolve(self, bytes: &[u8], path: Option<&str>) -> InputFormat {
        self.decide(bytes, path).0
    }

    /// The reader that runs and why: a forced format as given; `auto` by
    /// content first (an HTML doctype or tag, an XML prolog or artconv's
    /// XML root, a JSON object carrying `schema_version`, Markdown
    /// markers; weak evidence gives way to a name that says another
    /// format), then by extension, else plain text.
    pub fn decide(self, bytes: &[u8], path: Option<&str>) -> (InputFormat, FormatSource) {
        // The documents inside map-mode envelopes are sniffed one by one.
        if !matches!(self, InputFormat::Auto | InputFormat::Envelope) {
            return (self, FormatSource::Forced);
        }
        if sniff::is_artconv_xml(&sniff_head(bytes)) {
            return (InputFormat::Xml, FormatSource::Content);
        }
        if looks_like_html(bytes) {
            return (InputFormat::Html, FormatSource::Content);
        }
        let by_name = sniff::by_extension(path);
        match sniff::by_content(bytes) {
            Some((format, sniff::Evidence::Weak)) if by_name.is_some_and(|n| n != format) => {}
            Some((format, _)) => return (format, FormatSource::Content),
            None => {}
        }
        match by_name {
            Some(format) => (format, FormatSource::Extension),
            None => (InputFormat::Text, FormatSource::Default),
        }
    }
}

/// Whether the start of the input is HTML markup. UTF-16 input (with a
/// BOM) is looked at through its low bytes, enough for ASCII markup.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = sniff_head(bytes);
    let Some((prolog, rest)) = skip_prolog(&head) else {
        return false;
    };
    if starts_with_ignore_case(rest, b"<!doctype") {
        return rest[9..].trim_ascii_start().len() >= 4
            && starts_with_ignore_case(rest[9..].trim_ascii_start(), b"html");
    }
    let Some(name) = root_name(rest) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    // After an XML prolog only XHTML's root counts: other roots (artconv's
    // own `<article>` among them) are XML.
    if prolog {
        return name == b"html";
    }
    HTML_START_TAGS.contains(&name.as_slice())
}

/// The first [`SNIFF_BYTES`] of the input without its BOM; UTF-16 (with a
/// BOM) is looked at through its low bytes, enough for ASCII markup.
pub(crate) fn sniff_head(bytes: &[u8]) -> Vec<u8> {
    head_of(bytes, SNIFF_BYTES)
}

/// The first `limit` bytes of the input without its BOM, UTF-16 through
/// its low bytes.
pub(crate) fn head_of(bytes: &[u8], limit: usize) -> Vec<u8> {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => rest.iter().step_by(2).take(limit).copied().collect(),
        [0xFE, 0xFF, rest @ ..] => rest
            .iter()
            .skip(1)
            .step_by(2)
            .take(limit)
            .copied()
            .collect(),
        [0xEF, 0xBB, 0xBF, rest @ ..] => rest.iter().take(limit).copied().collect(),
        _ => bytes.iter().take(limit).copied().collect(),
    }
}

/// Skips white space, comments and an XML prolog; says whether there was
/// a prolog. `None` when a comment or the prolog is not closed in `head`.
pub(crate) fn skip_prolog(head: &[u8]) -> Option<(bool, &[u8])> {
    let mut rest = head;
    let mut prolog = false;
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"<!--") {
            let end = memchr::memmem::find(rest, b"-->")?;
            rest = &rest[end + 3..];
        } else if starts_with_ignore_case(rest, b"<?xml") {
            let end = memchr::memmem::find(rest, b"?>")?;
            rest = &rest[end + 2..];
            prolog = true;
        } else {
            return Some((prolog, rest));
        }
    }
}

/// The name of the element that `rest` opens with (`<name ` or `<name>`).
pub(crate) fn root_name(rest: &[u8]) -> Option<&[u8]> {
    let after = rest.strip_prefix(b"<")?;
    let name_len = after
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0
        || !matches!(
            after.get(name_len),
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
        )
    {
        return None;
    }
    Some(&after[..name_len])
}

fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_sniffed_by_content() {
        let auto = |bytes: &[u8]| InputFormat::Auto.resolve(bytes, None);
        assert_eq!(auto(b"<!DOCTYPE html>\n<html>"), InputFormat::Html);
        assert_eq!(auto(b"\xEF\xBB\xBF  <html lang=en>"), InputFormat::Html);
        assert_eq!(auto(b"<!-- saved -->\n<HTML>"), InputFormat::Html);
        assert_eq!(
            auto(b"<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC"),
            InputFormat::Html
        );
        assert_eq!(auto(b"<p>Hello</p>"), InputFormat::Html);
        assert_eq!(auto(b"\xFF\xFE<\0h\0t\0m\0l\0>\0"), InputFormat::Html);
        assert_eq!(auto(b"Title\n\n<p> is a tag"), InputFormat::Text);
        assert_eq!(auto(b"<3 you"), InputFormat::Text);
        assert_eq!(
            auto(b"<?xml version=\"1.0\"?><html xmlns="),
            InputFormat::Html
        );
        // Other XML is not HTML: it goes to the XML reader (issue 3).
        assert_eq!(auto(b"<?xml version=\"1.0\"?><article/>"), InputFormat::Xml);
        assert_eq!(auto(b"<?xml version=\"1.0\"?><feed>"), InputFormat::Xml);
    }

    #[test]
    fn html_is_sniffed_by_extension_then_text() {
        let auto = |path: &str| InputFormat::Auto.resolve(b"Plain words.", Some(path));
        assert_eq!(auto("page.HTML"), InputFormat::Html);
        assert_eq!(auto("dir.d/page.htm"), InputFormat::Html);
        assert_eq!(auto("a.xhtml"), InputFormat::Html);
        assert_eq!(auto("notes.txt"), InputFormat::Text);
        assert_eq!(auto(".html"), InputFormat::Text);
        assert_eq!(
            InputFormat::Html.resolve(b"Plain words.", None),
            InputFormat::Html
        );
        assert_eq!(
            InputFormat::Text.resolve(b"<html>", Some("a.html")),
            InputFormat::Text
        );
    }
}
