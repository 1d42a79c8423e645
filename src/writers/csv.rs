//! CSV (RFC 4180, UTF-8, header row) through the csv crate, which quotes
//! every field that needs it, so any text round-trips through a CSV reader.
//!
//! A spreadsheet, unlike a CSV reader, runs a cell that starts with `=`,
//! `+`, `-` or `@` as a formula (CSV or "formula" injection, OWASP). With
//! `--csv-safe` such cells get a leading `'`, which spreadsheets read as
//! "text follows" and hide. It is off by default because it changes the
//! data for every other consumer.

use std::borrow::Cow;
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

/// The characters that make a spreadsheet read a cell as a formula when
/// they open it (tab and CR too: some spreadsheets skip them first).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Defuses a cell for spreadsheets (see the module documentation).
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Writes an article's rows, preceded by the header when `first`;
/// `safe` applies [`spreadsheet_safe`] to every text cell.
pub fn write(
    article: &Article,
    rows: CsvRows,
    safe: bool,
    first: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    if first {
        writer.write_record(columns(rows)).map_err(csv_error)?;
    }
    let cell = |text| {
        if safe {
            spreadsheet_safe(text)
        } else {
            Cow::Borrowed(text)
        }
    };
    let path = cell(article.source.path.as_deref().unwrap_or("-"));
    let title = cell(article.title.as_deref().unwrap_or(""));
    let lang = cell(article.lang.as_deref().unwrap_or(""));
    match rows {
        CsvRows::Blocks => {
            for (s, section) in article.sections.iter().enumerate() {
                let heading = cell(section.heading.as_deref().unwrap_or(""));
                for (b, block) in section.blocks.iter().enumerate() {
                    writer
                        .write_record([
                            &*path,
                            &*title,
                            &s.to_string(),
                            &*heading,
                            &b.to_string(),
                            block.kind.as_str(),
                            &*cell(&block.text),
                            &block.span.start.to_string(),
                            &block.span.end.to_string(),
                            &*lang,
                        ])
                        .map_err(csv_error)?;
                }
            }
        }
        CsvRows::Articles => {
            writer
                .write_record([
                    &*path,
                    &*title,
                    &*cell(article.lead.as_deref().unwrap_or("")),
                    &*lang,
                    article.dir.as_str(),
                    &article.source.encoding,
                    &article.stats.sections.to_string(),
                    &article.stats.paragraphs.to_string(),
                    &article.stats.words.to_string(),
                    &*cell(&body_text(article)),
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
