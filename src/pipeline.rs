//! The whole conversion of one input: decode → read → language → model.
//!
//! This is the one place that knows the order of the stages; the CLI and
//! the batch runner call [`convert`] and nothing below it.

use crate::decode::{self, DecodeOptions, Decoded};
use crate::error::Result;
use crate::lang;
use crate::model::{Article, Direction, Metadata, SCHEMA_VERSION, Source, Stats};
use crate::readers::{self, InputFormat};

/// Everything a conversion needs besides the bytes.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// The reader to use (`auto` sniffs).
    pub format: InputFormat,
    /// How to decode the bytes.
    pub decode: DecodeOptions,
    /// A language tag that overrides detection (`--lang`).
    pub lang: Option<String>,
    /// Largest input accepted, in bytes.
    pub max_input_size: u64,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            format: InputFormat::Auto,
            decode: DecodeOptions::default(),
            lang: None,
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
        }
    }
}

/// Default for `--max-input-size`: large enough for any article or book,
/// small enough that a stray disk image does not exhaust memory.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 256 * 1024 * 1024;

/// Converts the bytes of one input into an article.
///
/// `path` is recorded in `source.path` as given (`None` for standard input)
/// and helps format detection by its extension.
///
/// # Errors
///
/// Any [`crate::Error`] of decoding or reading; the caller adds the input's
/// name when it prints it.
pub fn convert(bytes: &[u8], path: Option<&str>, options: &ConvertOptions) -> Result<Article> {
    let (format, decode_options) = prepare(bytes, path, options)?;
    let decoded = decode::decode(bytes, &decode_options)?;
    finish(decoded, path, format, options)
}

/// [`convert`] for bytes the caller no longer needs: UTF-8 input becomes
/// the text without a copy, so a large input is held in memory once, not
/// twice. The article is the same as [`convert`]'s.
///
/// # Errors
///
/// As [`convert`].
pub fn convert_owned(
    bytes: Vec<u8>,
    path: Option<&str>,
    options: &ConvertOptions,
) -> Result<Article> {
    let (format, decode_options) = prepare(&bytes, path, options)?;
    let decoded = decode::decode_owned(bytes, &decode_options)?;
    finish(decoded, path, format, options)
}

/// The size check, the reader to run and the decoding options.
fn prepare(
    bytes: &[u8],
    path: Option<&str>,
    options: &ConvertOptions,
) -> Result<(InputFormat, DecodeOptions)> {
    if bytes.len() as u64 > options.max_input_size {
        return Err(crate::Error::TooLarge {
            limit: options.max_input_size,
        });
    }
    let format = options.format.resolve(bytes, path);
    let mut decode_options = options.decode.clone();
    if format == InputFormat::Html && decode_options.declared.is_none() {
        decode_options.declared = decode::html_prescan::prescan(bytes);
    }
    Ok((format, decode_options))
}

/// Reads the decoded text into an article and fills what every reader shares.
fn finish(
    decoded: Decoded,
    path: Option<&str>,
    format: InputFormat,
    options: &ConvertOptions,
) -> Result<Article> {
    let mut declared_dir = None;
    let mut article = match format {
        InputFormat::Auto | InputFormat::Text => read_text(&decoded)?,
        InputFormat::Html => {
            let (article, dir) = read_html(&decoded)?;
            declared_dir = dir;
            article
        }
    };
    article.source = source(&decoded, path, format);
    apply_language(&mut article, options.lang.as_deref());
    if let (Some(dir), None) = (declared_dir, &options.lang) {
        article.dir = dir;
    }
    article.finish();
    Ok(article)
}

fn read_text(decoded: &Decoded) -> Result<Article> {
    let structure = readers::text::read(decoded)?;
    let (title, title_span) = match structure.title {
        Some((title, span)) => (Some(title), Some(span)),
        None => (None, None),
    };
    Ok(Article {
        schema_version: SCHEMA_VERSION.to_string(),
        title,
        title_span,
        lead: None,
        lang: None,
        dir: Direction::Ltr,
        sections: structure.sections,
        metadata: Metadata::default(),
        source: source(decoded, None, InputFormat::Text),
        stats: Stats::default(),
    })
}

/// Reads an HTML page; also returns the direction the page declares, which
/// wins over the direction of its text unless `--lang` is given.
fn read_html(decoded: &Decoded) -> Result<(Article, Option<Direction>)> {
    let page = readers::html::read(decoded)?;
    let (title, title_span) = match page.title {
        Some((title, span)) => (Some(title), Some(span)),
        None => (None, None),
    };
    let declared_dir = page.dir_declared.then_some(page.dir);
    let article = Article {
        schema_version: SCHEMA_VERSION.to_string(),
        title,
        title_span,
        lead: None,
        lang: page.lang,
        dir: page.dir,
        sections: page.sections,
        metadata: page.metadata,
        source: source(decoded, None, InputFormat::Html),
        stats: Stats::default(),
    };
    Ok((article, declared_dir))
}

fn source(decoded: &Decoded, path: Option<&str>, format: InputFormat) -> Source {
    let report = &decoded.report;
    Source {
        path: path.map(str::to_string),
        format: format.as_str().to_string(),
        encoding: report.encoding.name().to_string(),
        encoding_source: report.source,
        confidence: report.confidence,
        bom: report.bom,
        newline: report.newline,
        bytes: report.bytes as u64,
        replaced: report.replaced as u64,
    }
}

/// Sets `lang` and `dir`: from the user's tag when given, otherwise from
/// the text (readers that found a declared language keep it).
fn apply_language(article: &mut Article, forced: Option<&str>) {
    if let Some(tag) = forced {
        article.lang = Some(tag.to_string());
        article.dir = lang::direction_of_lang(tag);
        return;
    }
    if article.lang.is_some() {
        return;
    }
    let mut sample = String::new();
    for text in article
        .title
        .iter()
        .chain(article.blocks().map(|b| &b.text))
    {
        sample.push_str(text);
        sample.push('\n');
        if sample.len() > 16 * 1024 {
            break;
        }
    }
    article.lang = lang::detect_language(&sample);
    article.dir = lang::direction_of_text(&sample);
}
