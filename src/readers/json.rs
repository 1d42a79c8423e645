//! artconv's own JSON back into the model: one object (`-t json`), an
//! array of them (`-t json` with several inputs), or JSON Lines (`-t jsonl`).
//!
//! The model comes back as it was written, `source` included: its spans
//! point into the input the article was first made from, so that is the
//! provenance it keeps. `schema_version` is checked before anything else,
//! and serde_json's recursion limit (128 levels) turns absurdly deep
//! nesting into an error instead of a stack overflow.

use serde_json::Value;

use crate::decode::Decoded;
use crate::error::{Error, Result};
use crate::model::{Article, SCHEMA_VERSION};

/// Reads every article of the input, in order.
///
/// # Errors
///
/// [`Error::Parse`] (with line and column) for text that is not JSON or
/// not the model's shape, [`Error::SchemaVersion`] for another version,
/// [`Error::Empty`] for no value at all.
pub fn read(decoded: &Decoded) -> Result<Vec<Article>> {
    let text = &*decoded.text;
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut articles = Vec::new();
    loop {
        let start = stream.byte_offset();
        let value = match stream.next() {
            None => break,
            Some(Ok(value)) => value,
            Some(Err(error)) => return Err(syntax(&error)),
        };
        let start = start + text[start..].len() - text[start..].trim_start().len();
        match value {
            Value::Array(items) => {
                for item in items {
                    articles.push(article(text, start, item)?);
                }
            }
            value => articles.push(article(text, start, value)?),
        }
    }
    if articles.is_empty() {
        return Err(Error::Empty);
    }
    Ok(articles)
}

fn syntax(error: &serde_json::Error) -> Error {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    Error::Parse {
        format: "JSON",
        line: error.line(),
        column: error.column(),
        message,
    }
}

/// One value to an article: the version first, then the shape.
fn article(text: &str, start: usize, value: Value) -> Result<Article> {
    let (line, column) = line_column(text, start);
    let shape = |message: String| Error::Parse {
        format: "JSON",
        line,
        column,
        message,
    };
    let Value::Object(object) = &value else {
        return Err(shape(
            "expected an artconv article (a JSON object with schema_version)".into(),
        ));
    };
    match object.get("schema_version") {
        Some(Value::String(version)) if version == SCHEMA_VERSION => {}
        Some(Value::String(version)) => {
            return Err(Error::SchemaVersion {
                found: version.clone(),
                supported: SCHEMA_VERSION,
            });
        }
        Some(other) => {
            return Err(Error::SchemaVersion {
                found: other.to_string(),
                supported: SCHEMA_VERSION,
            });
        }
        None => {
            return Err(shape(
                "no schema_version: this object is not an artconv article".into(),
            ));
        }
    }
    let mut article: Article =
        serde_json::from_value(value).map_err(|e| shape(format!("article: {e}")))?;
    article.finish();
    Ok(article)
}

/// Line and column (both from 1, the column in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodeOptions, decode};

    fn read_str(text: &str) -> Result<Vec<Article>> {
        read(&decode(text.as_bytes(), &DecodeOptions::default()).unwrap())
    }

    #[test]
    fn errors_carry_line_and_column() {
        let error = read_str("{\n  \"schema_version\": \"1\",\n  oops\n}").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid JSON at line 3, column 3: "),
            "{error}"
        );
        let error = read_str("{\"schema_version\": \"2\"}").unwrap_err();
        assert_eq!(
            error.to_string(),
            "schema_version \"2\" is not supported: this artconv reads schema_version \"1\""
        );
        let error = read_str("\n{\"schema_version\": \"1\"}").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid JSON at line 2, column 1: article: missing field"),
            "{error}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let error = read_str(&deep).unwrap_err();
        assert!(error.to_string().contains("recursion limit"), "{error}");
    }
}
