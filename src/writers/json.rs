//! JSON and JSON Lines: the model as it is, field order fixed by the structs.
//!
//! U+2028, U+2029 and U+0085 are written as `\u` escapes: JSON allows them
//! raw, but line-splitting tools (and JavaScript before ES2019) treat them
//! as line breaks and would cut a JSON Lines record in two.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::Article;

/// Writes one pretty-printed article; inside an array when `many`.
pub fn write_pretty(article: &Article, many: bool, first: bool, out: &mut dyn Write) -> Result<()> {
    let body =
        serde_json::to_string_pretty(article).map_err(|e| Error::Serialize(e.to_string()))?;
    let prefix = match (many, first) {
        (false, _) => "",
        (true, true) => "[\n",
        (true, false) => ",\n",
    };
    let suffix = if many { "" } else { "\n" };
    write!(out, "{prefix}{}{suffix}", escape_line_separators(&body)).map_err(Error::Write)
}

/// Ends the array opened by [`write_pretty`] (an empty array for no article).
pub fn close_array(written: usize, out: &mut dyn Write) -> Result<()> {
    let text = if written == 0 { "[]\n" } else { "\n]\n" };
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

/// Writes one article as one compact line.
pub fn write_line(article: &Article, out: &mut dyn Write) -> Result<()> {
    let body = serde_json::to_string(article).map_err(|e| Error::Serialize(e.to_string()))?;
    writeln!(out, "{}", escape_line_separators(&body)).map_err(Error::Write)
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
