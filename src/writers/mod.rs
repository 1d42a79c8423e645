//! The article model to bytes: one module per output format.
//!
//! Writers consume only [`Article`]; they never see the input. Output is
//! deterministic: the same article gives the same bytes, with struct field
//! order (never hash-map order) and no timestamps.
//!
//! A [`Sink`] writes one or many articles to one stream, framing them the
//! way each format needs (a JSON array, one CSV header, one XML root).

pub mod csv;
pub mod json;
mod json_parts;
pub mod markdown;
pub mod xml;

use std::io::Write;

use clap::ValueEnum;

use crate::error::Result;
use crate::model::Article;

/// The output formats, as given to `-t/--to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One pretty-printed JSON object (an array of them for several inputs).
    Json,
    /// One compact JSON object per line per article.
    Jsonl,
    /// RFC 4180 CSV with a header row (see `--csv-rows`).
    Csv,
    /// XML 1.0, described by `schema/article.xsd`.
    Xml,
    /// Markdown with YAML front matter.
    #[value(alias = "markdown")]
    Md,
}

impl OutputFormat {
    /// The usual file extension, used to infer `-t` from `-o` and to name
    /// outputs.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
            OutputFormat::Xml => "xml",
            OutputFormat::Md => "md",
        }
    }

    /// The format a file name's extension asks for, if any.
    pub fn from_extension(path: &str) -> Option<OutputFormat> {
        let extension = std::path::Path::new(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(OutputFormat::Json),
            "jsonl" | "ndjson" => Some(OutputFormat::Jsonl),
            "csv" => Some(OutputFormat::Csv),
            "xml" => Some(OutputFormat::Xml),
            "md" | "markdown" => Some(OutputFormat::Md),
            _ => None,
        }
    }
}

/// What the CSV rows stand for (`--csv-rows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CsvRows {
    /// One row per block, with its section, heading, type, text and span.
    #[default]
    Blocks,
    /// One row per article, with its title, lead, counts and body text.
    Articles,
}

/// Options shared by the writers.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// What a CSV row stands for.
    pub csv_rows: CsvRows,
    /// Defuse CSV cells that a spreadsheet would run as formulas
    /// (`--csv-safe`).
    pub csv_safe: bool,
}

/// Writes articles to one stream in one format.
///
/// `many` says whether the stream will hold several articles, which
/// decides the framing of JSON (object or array) and XML (`<article>` or
/// `<articles>` root) before the first article is known. A stream started
/// for one article that receives a second (one input of JSON Lines holds
/// several) switches to the framing for many: it holds its first JSON or
/// XML article back until it knows.
pub struct Sink<W: Write> {
    format: OutputFormat,
    options: WriteOptions,
    many: bool,
    written: usize,
    held: Option<Article>,
    /// Set by [`Sink::write_input`] when it wrote the only article of a
    /// stream for one.
    sealed: bool,
    out: W,
}

impl<W: Write> Sink<W> {
    /// Starts a stream; nothing is written until the first article.
    pub fn new(format: OutputFormat, options: WriteOptions, many: bool, out: W) -> Self {
        Sink {
            format,
            options,
            many,
            written: 0,
            held: None,
            sealed: false,
            out,
        }
    }

    /// Writes one article.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Write`] when the stream refuses the bytes.
    pub fn write(&mut self, article: &Article) -> Result<()> {
        if !self.many && matches!(self.format, OutputFormat::Json | OutputFormat::Xml) {
            match self.held.take() {
                None if self.written == 0 => {
                    self.held = Some(article.clone());
                    return Ok(());
                }
                Some(first) => {
                    self.many = true;
                    self.emit(&first)?;
                }
                None => {}
            }
        }
        self.emit(article)
    }

    /// Writes all the articles of one input. When the stream was started
    /// for one article and this is its first input, the framing is decided
    /// here from the number of articles, so that nothing needs to be held
    /// back (and copied) as [`Sink::write`] must.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Write`] when the stream refuses the bytes.
    pub fn write_input(&mut self, articles: &[Article]) -> Result<()> {
        if !self.many && self.written == 0 && self.held.is_none() {
            if articles.len() > 1 {
                self.many = true;
            }
            if let [only] = articles {
                // The one article of a stream for one: nothing can follow
                // it but [`Sink::finish`] (a later article would make the
                // JSON or XML document invalid, so it is refused).
                self.sealed = true;
                return self.emit(only);
            }
        }
        for article in articles {
            self.write(article)?;
        }
        Ok(())
    }

    fn emit(&mut self, article: &Article) -> Result<()> {
        if self.sealed && self.written > 0 {
            return Err(crate::Error::Serialize(
                "a second article after the only one of a single-article stream".to_string(),
            ));
        }
        let first = self.written == 0;
        match self.format {
            OutputFormat::Json => json::write_pretty(article, self.many, first, &mut self.out)?,
            OutputFormat::Jsonl => json::write_line(article, &mut self.out)?,
            OutputFormat::Csv => csv::write(
                article,
                self.options.csv_rows,
                self.options.csv_safe,
                first,
                &mut self.out,
            )?,
            OutputFormat::Xml => xml::write(article, self.many, first, &mut self.out)?,
            OutputFormat::Md => markdown::write(article, first, &mut self.out)?,
        }
        self.written += 1;
        Ok(())
    }

    /// Closes the framing (the JSON array, the XML root, a CSV header for
    /// an empty run) and flushes.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Write`] when the stream refuses the bytes.
    pub fn finish(mut self) -> Result<W> {
        if let Some(only) = self.held.take() {
            self.emit(&only)?;
        }
        match self.format {
            OutputFormat::Json if self.many => json::close_array(self.written, &mut self.out)?,
            OutputFormat::Xml if self.many => xml::close_root(self.written, &mut self.out)?,
            OutputFormat::Csv if self.written == 0 && self.many => {
                csv::write_header(self.options.csv_rows, &mut self.out)?
            }
            _ => {}
        }
        self.out.flush().map_err(crate::Error::Write)?;
        Ok(self.out)
    }
}

/// Writes one article as a complete document.
///
/// # Errors
///
/// [`crate::Error::Write`] when the stream refuses the bytes.
pub fn write(
    article: &Article,
    format: OutputFormat,
    options: WriteOptions,
    out: &mut dyn Write,
) -> Result<()> {
    write_all(std::slice::from_ref(article), format, options, out)
}

/// Writes the articles of one input as a complete document: framed for
/// several (a JSON array, an `<articles>` root) when there are several.
///
/// # Errors
///
/// [`crate::Error::Write`] when the stream refuses the bytes.
pub fn write_all(
    articles: &[Article],
    format: OutputFormat,
    options: WriteOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let mut sink = Sink::new(format, options, articles.len() > 1, out);
    sink.write_input(articles)?;
    sink.finish()?;
    Ok(())
}
