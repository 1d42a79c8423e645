//! Markdown (CommonMark) with YAML front matter.
//!
//! Text is escaped so that nothing in it is read as Markdown syntax: a
//! paragraph that starts with `#`, `>`, `-` or `1.` stays a paragraph, and
//! `*`, `_`, `[`, `<`, `&`, backticks and the like stay literal. Front
//! matter values are JSON strings, which YAML reads as double-quoted
//! scalars, so any title survives.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::{Article, BlockKind};

/// Writes one article. Several articles follow one another, each starting
/// with its own front matter (`---`) after a blank line.
pub fn write(article: &Article, first: bool, out: &mut dyn Write) -> Result<()> {
    let mut text = String::with_capacity(article.stats.characters as usize * 2 + 256);
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
        }
    }
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

fn front_matter(article: &Article, text: &mut String) {
    let quoted = |value: &str| {
        crate::writers::json::escape_line_separators(&json_string(value)).into_owned()
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
    text.push_str("---\n");
}

fn json_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_string())
}

/// Writes each line of `content` with `prefix`; line breaks inside a
/// paragraph become hard breaks (a backslash at the end of the line).
fn push_lines(text: &mut String, prefix: &str, content: &str) {
    text.push_str(prefix);
    push_lines_continued(text, prefix, content);
}

fn push_lines_continued(text: &mut String, prefix: &str, content: &str) {
    let mut lines = content.split('\n').peekable();
    while let Some(line) = lines.next() {
        text.push_str(&escape_inline(line, true));
        if lines.peek().is_some() {
            text.push_str("\\\n");
            text.push_str(prefix);
        }
    }
    text.push('\n');
}

/// A fenced code block whose fence is longer than any backtick run inside.
fn push_code(text: &mut String, content: &str) {
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    text.push_str(&fence);
    text.push('\n');
    text.push_str(content);
    if !content.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&fence);
    text.push('\n');
}

/// Escapes Markdown syntax in one line of text. With `line_start`, also the
/// markers that only count at the start of a line (`#`, `>`, `-`, `+`, `=`,
/// `1.`, `1)`), and leading spaces that would make an indented code block.
pub fn escape_inline(line: &str, line_start: bool) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let body = if line_start {
        escape_line_start(line, &mut out)
    } else {
        line
    };
    for c in body.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // A trailing `#` run would be taken for a closing heading sequence.
    if out.ends_with('#') {
        let keep = out.trim_end_matches('#').len();
        let hashes = out.len() - keep;
        out.truncate(keep);
        for _ in 0..hashes {
            out.push_str("\\#");
        }
    }
    out
}

/// Handles the start of a line; returns the rest, still to be escaped.
fn escape_line_start<'a>(line: &'a str, out: &mut String) -> &'a str {
    // Leading spaces or tabs: keep them visible but not as indentation.
    let trimmed = line.trim_start_matches([' ', '\t']);
    for c in line[..line.len() - trimmed.len()].chars() {
        out.push_str(if c == '\t' { "&#9;" } else { "&#32;" });
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
