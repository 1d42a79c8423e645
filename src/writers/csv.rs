//! CSV (RFC 4180, UTF-8, header row) through the csv crate, which quotes
//! every field that needs it, so any text round-trips through a CSV reader.

use std::io::Write;

use crate::error::{Error, Result};
use crate::model::Article;

use super::CsvRows;

/// Columns of `--csv-rows blocks`.
pub const BLOCK_COLUMNS: &[&str] = &[
    "path",
    "title",
    "section",
    "heading",
    "block",
    "type",
    "text",
    "span_start",
    "span_end",
    "lang",
];

/// Columns of `--csv-rows articles`.
pub const ARTICLE_COLUMNS: &[&str] = &[
    "path",
    "title",
    "lead",
    "lang",
    "dir",
    "encoding",
    "sections",
    "paragraphs",
    "words",
    "text",
];

fn csv_error(error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => Error::Write(io),
        other => Error::Serialize(format!("{other:?}")),
    }
}

/// Writes the header alone (for a run that converted nothing).
pub fn write_header(rows: CsvRows, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(columns(rows)).map_err(csv_error)?;
    writer.flush().map_err(Error::Write)
}

fn columns(rows: CsvRows) -> &'static [&'static str] {
    match rows {
        CsvRows::Blocks => BLOCK_COLUMNS,
        CsvRows::Articles => ARTICLE_COLUMNS,
    }
}

/// Writes an article's rows, preceded by the header when `first`.
pub fn write(article: &Article, rows: CsvRows, first: bool, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    if first {
        writer.write_record(columns(rows)).map_err(csv_error)?;
    }
    let path = article.source.path.as_deref().unwrap_or("-");
    let title = article.title.as_deref().unwrap_or("");
    let lang = article.lang.as_deref().unwrap_or("");
    match rows {
        CsvRows::Blocks => {
            for (s, section) in article.sections.iter().enumerate() {
                let heading = section.heading.as_deref().unwrap_or("");
                for (b, block) in section.blocks.iter().enumerate() {
                    writer
                        .write_record([
                            path,
                            title,
                            &s.to_string(),
                            heading,
                            &b.to_string(),
                            block.kind.as_str(),
                            &block.text,
                            &block.span.start.to_string(),
                            &block.span.end.to_string(),
                            lang,
                        ])
                        .map_err(csv_error)?;
                }
            }
        }
        CsvRows::Articles => {
            writer
                .write_record([
                    path,
                    title,
                    article.lead.as_deref().unwrap_or(""),
                    lang,
                    article.dir.as_str(),
                    &article.source.encoding,
                    &article.stats.sections.to_string(),
                    &article.stats.paragraphs.to_string(),
                    &article.stats.words.to_string(),
                    &body_text(article),
                ])
                .map_err(csv_error)?;
        }
    }
    writer.flush().map_err(Error::Write)
}

/// The body as plain text: headings and blocks, separated by blank lines.
pub fn body_text(article: &Article) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for section in &article.sections {
        parts.extend(section.heading.as_deref());
        parts.extend(section.blocks.iter().map(|b| b.text.as_str()));
    }
    parts.join("\n\n")
}
