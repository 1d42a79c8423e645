//! Markdown (CommonMark) with YAML front matter.
//!
//! Text is escaped so that nothing in it is read as Markdown syntax: a
//! paragraph that starts with `#`, `>`, `-` or `1.` stays a paragraph, and
//! `*`, `_`, `[`, `<`, `&`, backticks and the like stay literal. White
//! space that CommonMark would strip (at the start or end of a line) and
//! line breaks it would not keep (CR, a line break in a heading, a leading
//! or trailing empty line) are written as character references. Front
//! matter values are double-quoted YAML scalars (JSON strings, with the
//! characters YAML does not print escaped), so any title survives. The
//! result reads back through artconv's Markdown reader to the same title,
//! headings and blocks (`tests/roundtrip.rs`).

use std::io::Write;

use crate::byte_set::ByteSet;
use crate::error::{Error, Result};
use crate::model::{Article, BlockKind};

/// How much Markdown is gathered before it is passed on: a large article
/// streams out instead of being held whole in memory (it was the peak of
/// converting 100 MB of text to Markdown, 238 MB against 157 for JSON).
const FLUSH_BYTES: usize = 64 * 1024;

/// Writes one article. Several articles follow one another, each starting
/// with its own front matter (`---`) after a blank line.
pub fn write(article: &Article, first: bool, out: &mut dyn Write) -> Result<()> {
    let room = (article.stats.characters as usize).saturating_mul(2) + 256;
    let mut text = String::with_capacity(room.min(FLUSH_BYTES + 4096));
    if !first {
        text.push('\n');
    }
    front_matter(article, &mut text);
    if let Some(title) = &article.title {
        text.push_str("\n# ");
        text.push_str(&escape_inline(title, true));
        text.push('\n');
    }
    for section in &article.sections {
        if let Some(heading) = &section.heading {
            let level = usize::from(section.level.unwrap_or(2).clamp(1, 6));
            text.push('\n');
            text.push_str(&"#".repeat(level));
            text.push(' ');
            text.push_str(&escape_inline(heading, true));
            text.push('\n');
        }
        let mut previous: Option<BlockKind> = None;
        for block in &section.blocks {
            // Items of one list stay together (a tight list); everything
            // else is separated by a blank line.
            let tight = previous == Some(BlockKind::ListItem) && block.kind == BlockKind::ListItem;
            if !tight {
                text.push('\n');
            }
            match block.kind {
                BlockKind::Paragraph => push_lines(&mut text, "", &block.text),
                BlockKind::Quote => push_lines(&mut text, "> ", &block.text),
                BlockKind::ListItem => {
                    text.push_str("- ");
                    push_lines_continued(&mut text, "  ", &block.text);
                }
                BlockKind::Code => push_code(&mut text, &block.text),
            }
            previous = Some(block.kind);
            if text.len() >= FLUSH_BYTES {
                out.write_all(text.as_bytes()).map_err(Error::Write)?;
                text.clear();
            }
        }
    }
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

fn front_matter(article: &Article, text: &mut String) {
    let quoted = |value: &str| yaml_string(value);
    let list = |values: &[String]| {
        let items: Vec<String> = values.iter().map(|v| yaml_string(v)).collect();
        format!("[{}]", items.join(", "))
    };
    text.push_str("---\n");
    text.push_str(&format!(
        "title: {}\n",
        article.title.as_deref().map_or("null".into(), quoted)
    ));
    text.push_str(&format!(
        "lang: {}\n",
        article.lang.as_deref().map_or("null".into(), quoted)
    ));
    text.push_str(&format!("dir: {}\n", article.dir.as_str()));
    text.push_str(&format!("encoding: {}\n", quoted(&article.source.encoding)));
    if let Some(path) = &article.source.path {
        text.push_str(&format!("source: {}\n", quoted(path)));
    }
    let meta = &article.metadata;
    if !meta.authors.is_empty() {
        text.push_str(&format!("authors: {}\n", list(&meta.authors)));
    }
    let singles = meta.singles();
    for (key, value) in singles {
        if let Some(value) = value {
            text.push_str(&format!("{key}: {}\n", quoted(value)));
        }
    }
    if !meta.keywords.is_empty() {
        text.push_str(&format!("keywords: {}\n", list(&meta.keywords)));
    }
    text.push_str("---\n");
}

/// A double-quoted YAML scalar: a JSON string (YAML reads JSON's escapes)
/// with the characters YAML does not allow raw (DEL, C1 controls, the
/// byte order mark, noncharacters, line separators) escaped too.
fn yaml_string(value: &str) -> String {
    // U+0000 as the body's text has it (see `escape_inline`).
    let value = value.replace('\0', "\u{FFFD}");
    let json = serde_json::to_string(&value).unwrap_or_else(|_| "\"\"".to_string());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '\u{7F}'..='\u{9F}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{FEFF}'
            | '\u{FFFE}'
            | '\u{FFFF}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes each line of `content` with `prefix`; line breaks inside a
/// paragraph become hard breaks (a backslash at the end of the line).
fn push_lines(text: &mut String, prefix: &str, content: &str) {
    text.push_str(prefix);
    push_lines_continued(text, prefix, content);
}

/// Line breaks between lines of text become hard breaks; those before the
/// first or after the last line of text become `&#10;` (a hard break
/// cannot start or end a block).
fn push_lines_continued(text: &mut String, prefix: &str, content: &str) {
    let middle = content.trim_matches('\n');
    let leading = if middle.is_empty() {
        content.len()
    } else {
        content.len() - content.trim_start_matches('\n').len()
    };
    let trailing = content.len() - leading - middle.len();
    text.push_str(&"&#10;".repeat(leading));
    let mut lines = middle.split('\n').peekable();
    while let Some(line) = lines.next() {
        text.push_str(&escape_inline(line, true));
        if lines.peek().is_some() {
            text.push_str("\\\n");
            text.push_str(prefix);
        }
    }
    text.push_str(&"&#10;".repeat(trailing));
    text.push('\n');
}

/// A fenced code block whose fence is longer than any backtick run inside.
/// The code is followed by one line break, which the reader takes off
/// again, so code ending with a line break keeps it.
fn push_code(text: &mut String, content: &str) {
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    text.push_str(&fence);
    text.push('\n');
    // Nothing can be escaped in code: CR is a line ending there (written as
    // one, so that it cannot pair with the LF that follows), U+0000 is U+FFFD.
    let content = content
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "\u{FFFD}");
    text.push_str(&content);
    text.push('\n');
    text.push_str(&fence);
    text.push('\n');
}

/// Escapes Markdown syntax in one line of text. With `line_start`, also the
/// markers that only count at the start of a line (`#`, `>`, `-`, `+`, `=`,
/// `1.`, `1)`), and leading spaces that would make an indented code block.
/// Spaces and tabs at the end, CR and LF (which only a heading can hold
/// here) become character references, since CommonMark would drop them.
pub fn escape_inline(line: &str, line_start: bool) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let body = if line_start {
        escape_line_start(line, &mut out)
    } else {
        line
    };
    let kept = body.trim_end_matches(EDGE_SPACE);
    // A trailing `#` run would be taken for a closing heading sequence.
    let hashes = kept.trim_end_matches('#');
    escape_syntax(hashes, &mut out);
    for _ in hashes.len()..kept.len() {
        out.push_str("\\#");
    }
    for c in body[kept.len()..].chars() {
        out.push_str(&format!("&#{};", c as u32));
    }
    out
}

/// Escapes the inline syntax characters, CR, LF and NUL of `text` into
/// `out`. Every one of them is ASCII: the text between two of them is
/// copied whole.
fn escape_syntax(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    let mut at = INLINE_SPECIAL.find(bytes, 0);
    while at < bytes.len() {
        out.push_str(&text[plain_from..at]);
        let byte = bytes[at];
        plain_from = at + 1;
        at = INLINE_SPECIAL.find(bytes, plain_from);
        match byte {
            b'\r' => out.push_str("&#13;"),
            b'\n' => out.push_str("&#10;"),
            // CommonMark reads U+0000 as U+FFFD; writing that keeps the
            // output a text file.
            0 => out.push('\u{FFFD}'),
            _ => {
                out.push('\\');
                out.push(char::from(byte));
            }
        }
    }
    out.push_str(&text[plain_from..]);
}

/// The bytes [`escape_syntax`] changes anywhere in a line: the inline
/// syntax characters (escaped with a backslash), CR and LF, and NUL.
static INLINE_SPECIAL: ByteSet = ByteSet::new({
    let mut special = [false; 256];
    let bytes = b"\\`*_[]<>&~|!\r\n\0";
    let mut i = 0;
    while i < bytes.len() {
        special[bytes[i] as usize] = true;
        i += 1;
    }
    special
});

/// White space that CommonMark strips at the start and end of a line.
const EDGE_SPACE: [char; 4] = [' ', '\t', '\u{B}', '\u{C}'];

/// Handles the start of a line; returns the rest, still to be escaped.
fn escape_line_start<'a>(line: &'a str, out: &mut String) -> &'a str {
    // Leading white space: keep it visible but not as indentation.
    let trimmed = line.trim_start_matches(EDGE_SPACE);
    for c in line[..line.len() - trimmed.len()].chars() {
        out.push_str(&format!("&#{};", c as u32));
    }
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(c @ ('#' | '-' | '+' | '=' | '>')) => {
            out.push('\\');
            out.push(c);
            return &trimmed[1..];
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
            if matches!(trimmed.as_bytes().get(digits), Some(b'.' | b')')) {
                out.push_str(&trimmed[..digits]);
                out.push('\\');
                out.push(trimmed.as_bytes()[digits] as char);
                return &trimmed[digits + 1..];
            }
        }
        _ => {}
    }
    trimmed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`escape_syntax`] one character at a time, as it was written first.
    fn escape_by_chars(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!' => {
                    out.push('\\');
                    out.push(c);
                }
                '\r' => out.push_str("&#13;"),
                '\n' => out.push_str("&#10;"),
                '\0' => out.push('\u{FFFD}'),
                c => out.push(c),
            }
        }
        out
    }

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape_syntax(text, &mut out);
        out
    }

    #[test]
    fn every_character_is_escaped_as_one_at_a_time() {
        let mut text = String::new();
        for c in (0..0x80u8).map(char::from).chain(['س', '€', '𝄞', '\u{A0}']) {
            for line in [format!("{c}"), format!("a{c}b"), format!("سلام {c}{c} x")] {
                assert_eq!(escaped(&line), escape_by_chars(&line), "{line:?}");
            }
            text.push(c);
            text.push_str("نص ");
        }
        assert_eq!(escaped(&text), escape_by_chars(&text));
    }

    #[test]
    fn markdown_syntax_is_escaped() {
        assert_eq!(escape_inline("# not a heading", true), "\\# not a heading");
        assert_eq!(escape_inline("1. not a list", true), "1\\. not a list");
        assert_eq!(escape_inline("- dash", true), "\\- dash");
        assert_eq!(
            escape_inline("a *b* [c](d) <e> & f_g", true),
            "a \\*b\\* \\[c\\](d) \\<e\\> \\& f\\_g"
        );
        assert_eq!(escape_inline("ends with ##", true), "ends with \\#\\#");
        assert_eq!(
            escape_inline("    code?", true),
            "&#32;&#32;&#32;&#32;code?"
        );
    }
}
