//! Decoded text to the article model: one module per input format.
//!
//! Every reader produces the same [`Article`](crate::model::Article); the
//! writers never know which reader ran. Formats are a closed enum and
//! dispatch is a `match` (see [`crate::pipeline`]).

pub mod html;
pub mod text;

use clap::ValueEnum;

/// The input formats artconv reads, as given to `-f/--from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Decide from the content, then the file extension; plain text otherwise.
    Auto,
    /// Plain text: blank-line separated blocks, structure inferred.
    Text,
    /// An HTML page: the main content is extracted, boilerplate left out.
    Html,
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
            InputFormat::Envelope => "envelope",
        }
    }

    /// The reader that actually runs for this choice and input: a forced
    /// format as given; `auto` by content first (an HTML doctype or a known
    /// tag opening the input, after a BOM, white space, comments and an XML
    /// prolog), then by extension (`.html`, `.htm`, `.xhtml`), else text.
    pub fn resolve(self, bytes: &[u8], path: Option<&str>) -> InputFormat {
        match self {
            InputFormat::Text => InputFormat::Text,
            InputFormat::Html => InputFormat::Html,
            // The documents inside envelopes are sniffed one by one.
            InputFormat::Auto | InputFormat::Envelope => {
                if looks_like_html(bytes) || has_html_extension(path) {
                    InputFormat::Html
                } else {
                    InputFormat::Text
                }
            }
        }
    }
}

fn has_html_extension(path: Option<&str>) -> bool {
    let Some(path) = path else { return false };
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ["html", "htm", "xhtml", "shtml"]
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e)),
        _ => false,
    }
}

/// Whether the start of the input is HTML markup. UTF-16 input (with a
/// BOM) is looked at through its low bytes, enough for ASCII markup.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head: Vec<u8> = match bytes {
        [0xFF, 0xFE, rest @ ..] => rest.iter().step_by(2).take(SNIFF_BYTES).copied().collect(),
        [0xFE, 0xFF, rest @ ..] => rest
            .iter()
            .skip(1)
            .step_by(2)
            .take(SNIFF_BYTES)
            .copied()
            .collect(),
        [0xEF, 0xBB, 0xBF, rest @ ..] => rest.iter().take(SNIFF_BYTES).copied().collect(),
        _ => bytes.iter().take(SNIFF_BYTES).copied().collect(),
    };
    let mut rest = head.as_slice();
    let mut prolog = false;
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"<!--") {
            match memchr::memmem::find(rest, b"-->") {
                Some(end) => rest = &rest[end + 3..],
                None => return false,
            }
        } else if starts_with_ignore_case(rest, b"<?xml") {
            match memchr::memmem::find(rest, b"?>") {
                Some(end) => {
                    rest = &rest[end + 2..];
                    prolog = true;
                }
                None => return false,
            }
        } else {
            break;
        }
    }
    if starts_with_ignore_case(rest, b"<!doctype") {
        return rest[9..].trim_ascii_start().len() >= 4
            && starts_with_ignore_case(rest[9..].trim_ascii_start(), b"html");
    }
    let Some(after) = rest.strip_prefix(b"<") else {
        return false;
    };
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
        return false;
    }
    let name = after[..name_len].to_ascii_lowercase();
    // After an XML prolog only XHTML's root counts: other roots (artconv's
    // own `<article>` among them) are XML.
    if prolog {
        return name == b"html";
    }
    HTML_START_TAGS.contains(&name.as_slice())
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
        assert_eq!(
            auto(b"<?xml version=\"1.0\"?><article/>"),
            InputFormat::Text
        );
        assert_eq!(auto(b"<?xml version=\"1.0\"?><feed>"), InputFormat::Text);
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
