//! The whole conversion of one input: decode → read → language → model.
//!
//! This is the one place that knows the order of the stages; the CLI and
//! the batch runner call [`convert`] and nothing below it.

use crate::decode::{self, DecodeOptions, Decoded};
use crate::error::Result;
use crate::lang;
use crate::model::{
    Article, Direction, FormatSource, Metadata, SCHEMA_VERSION, Source, StableBytes, Stats,
    TextCounts, TextSource,
};
use crate::readers::{self, InputFormat};
use std::sync::Arc;

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
/// name when it prints it. [`crate::Error::ManyArticles`] when the input
/// holds several articles (JSON Lines...): use [`convert_all`] for those.
pub fn convert(bytes: &[u8], path: Option<&str>, options: &ConvertOptions) -> Result<Article> {
    only_one(convert_all(bytes, path, options)?)
}

/// Converts the bytes of one input into its articles, in input order: one
/// for text, HTML and Markdown, one or more for artconv's own JSON, JSON
/// Lines and XML.
///
/// Articles read back from artconv's JSON or XML keep their `source`
/// (their spans point into the input they were first made from) and their
/// language, unless `--lang` overrides it.
///
/// # Errors
///
/// As [`convert`], and never [`crate::Error::ManyArticles`].
pub fn convert_all(
    bytes: &[u8],
    path: Option<&str>,
    options: &ConvertOptions,
) -> Result<Vec<Article>> {
    let (format, format_source, decode_options) = prepare(bytes, path, options)?;
    let decoded = decode::decode(bytes, &decode_options)?;
    read(decoded, path, format, format_source, options)
}

/// [`convert_all`] for bytes the caller no longer needs: UTF-8 input becomes
/// the text without a copy, so a large input is held in memory once, not
/// twice. The articles are the same as [`convert_all`]'s.
///
/// # Errors
///
/// As [`convert_all`].
pub fn convert_all_owned(
    bytes: Vec<u8>,
    path: Option<&str>,
    options: &ConvertOptions,
) -> Result<Vec<Article>> {
    convert_all_held(bytes, path, options)
}

/// [`convert_all`] for bytes held by an owner the caller no longer needs,
/// such as a mapped file: UTF-8 input is read in place, and input in any
/// other encoding is let go as soon as it is decoded, so that a large
/// legacy file does not stay in memory beside its decoded text while it
/// is read. The plain-text reader's blocks share the decoded text (the
/// input's own bytes, for UTF-8) instead of copying it, so its article
/// holds on to that text for as long as it lives. The articles are the
/// same as [`convert_all`]'s.
///
/// # Errors
///
/// As [`convert_all`].
pub fn convert_all_held<B: StableBytes>(
    bytes: B,
    path: Option<&str>,
    options: &ConvertOptions,
) -> Result<Vec<Article>> {
    let (format, format_source, decode_options) = prepare(&bytes, path, options)?;
    let bytes = Arc::new(bytes);
    let decoded = decode::decode(&bytes, &decode_options)?;
    if matches!(decoded.text, std::borrow::Cow::Borrowed(_)) {
        let decoded = match TextSource::within(&bytes, &decoded.text) {
            Some(source) => decoded.held_in(source),
            None => decoded,
        };
        return read(decoded, path, format, format_source, options);
    }
    // The text is a new string already: holding it copies nothing.
    let (source, rest) = decoded.into_held();
    drop(bytes);
    read(rest.over(&source), path, format, format_source, options)
}

/// [`convert`] for bytes the caller no longer needs (see
/// [`convert_all_owned`]).
///
/// # Errors
///
/// As [`convert`].
pub fn convert_owned(
    bytes: Vec<u8>,
    path: Option<&str>,
    options: &ConvertOptions,
) -> Result<Article> {
    only_one(convert_all_owned(bytes, path, options)?)
}

fn only_one(mut articles: Vec<Article>) -> Result<Article> {
    match articles.len() {
        1 => Ok(articles.remove(0)),
        n => Err(crate::Error::ManyArticles(n)),
    }
}

/// The size check, the reader to run and why, and the decoding options.
fn prepare(
    bytes: &[u8],
    path: Option<&str>,
    options: &ConvertOptions,
) -> Result<(InputFormat, FormatSource, DecodeOptions)> {
    if bytes.len() as u64 > options.max_input_size {
        return Err(crate::Error::TooLarge {
            limit: options.max_input_size,
        });
    }
    let (format, format_source) = options.format.decide(bytes, path);
    let mut decode_options = options.decode.clone();
    if decode_options.declared.is_none() {
        decode_options.declared = match format {
            InputFormat::Html => decode::html_prescan::prescan(bytes),
            InputFormat::Xml => readers::xml::declared_encoding(bytes),
            _ => None,
        };
    }
    Ok((format, format_source, decode_options))
}

/// Reads the decoded text into articles and fills what every reader shares.
fn read(
    decoded: Decoded,
    path: Option<&str>,
    format: InputFormat,
    format_source: FormatSource,
    options: &ConvertOptions,
) -> Result<Vec<Article>> {
    let mut declared_dir = None;
    // The text reader counts words and characters as it reads.
    let mut counted = None;
    let mut article = match format {
        InputFormat::Auto | InputFormat::Envelope | InputFormat::Text => {
            let (article, counts) = read_text(&decoded)?;
            counted = Some(counts);
            article
        }
        InputFormat::Html => {
            let (article, dir) = read_html(&decoded)?;
            declared_dir = dir;
            article
        }
        InputFormat::Markdown => {
            let (article, dir) = read_markdown(&decoded)?;
            declared_dir = dir;
            article
        }
        InputFormat::Json | InputFormat::Xml => {
            let mut articles = if format == InputFormat::Json {
                readers::json::read(&decoded)?
            } else {
                readers::xml::read(&decoded)?
            };
            if let Some(tag) = &options.lang {
                for article in &mut articles {
                    apply_language(article, Some(tag));
                    article.finish();
                }
            }
            return Ok(articles);
        }
    };
    article.source = source(&decoded, path, format, format_source);
    apply_language(&mut article, options.lang.as_deref());
    if let (Some(dir), None) = (declared_dir, &options.lang) {
        article.dir = dir;
    }
    match counted {
        Some(counts) => article.finish_counted(counts),
        None => article.finish(),
    }
    Ok(vec![article])
}

/// Reads a plain-text article; also returns the counts of its texts.
fn read_text(decoded: &Decoded) -> Result<(Article, TextCounts)> {
    let structure = readers::text::read(decoded)?;
    let (title, title_span) = match structure.title {
        Some((title, span)) => (Some(title), Some(span)),
        None => (None, None),
    };
    let article = Article {
        schema_version: SCHEMA_VERSION.to_string(),
        title,
        title_span,
        lead: None,
        lang: None,
        dir: Direction::Ltr,
        sections: structure.sections,
        metadata: Metadata::default(),
        source: source(decoded, None, InputFormat::Text, FormatSource::Default),
        stats: Stats::default(),
    };
    Ok((article, structure.counts))
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
        source: source(decoded, None, InputFormat::Html, FormatSource::Default),
        stats: Stats::default(),
    };
    Ok((article, declared_dir))
}

/// The language a conversion gives an HTML page: the one `<html lang>`
/// declares, else the one of its article's text (not of its markup, which
/// reads as English whatever the page is in). `None` when the page holds
/// no article or its language cannot be told. For `--detect`.
pub(crate) fn html_language(decoded: &Decoded) -> Option<String> {
    let (mut article, _) = read_html(decoded).ok()?;
    apply_language(&mut article, None);
    article.lang
}

/// Reads a Markdown document; also returns the direction its front matter
/// declares. A declared language is kept, and the direction then follows
/// the text unless declared too.
fn read_markdown(decoded: &Decoded) -> Result<(Article, Option<Direction>)> {
    let doc = readers::markdown::read(decoded)?;
    let (title, title_span) = match doc.title {
        Some((title, span)) => (Some(title), Some(span)),
        None => (None, None),
    };
    let mut article = Article {
        schema_version: SCHEMA_VERSION.to_string(),
        title,
        title_span,
        lead: None,
        lang: None,
        dir: Direction::Ltr,
        sections: doc.sections,
        metadata: doc.metadata,
        source: source(decoded, None, InputFormat::Markdown, FormatSource::Default),
        stats: Stats::default(),
    };
    if let Some(lang) = doc.lang {
        article.dir = lang::direction_of_text(&sample_text(&article));
        article.lang = Some(lang);
    }
    Ok((article, doc.dir))
}

fn source(
    decoded: &Decoded,
    path: Option<&str>,
    format: InputFormat,
    format_source: FormatSource,
) -> Source {
    let report = &decoded.report;
    Source {
        path: path.map(str::to_string),
        format: format.as_str().to_string(),
        format_source,
        encoding: report.encoding.name().to_string(),
        encoding_source: report.source,
        confidence: report.confidence,
        bom: report.bom,
        newline: report.newline,
        bytes: report.bytes as u64,
        replaced: report.replaced as u64,
        declared_encoding: report.overruled.map(|e| e.name().to_string()),
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
    let sample = sample_text(article);
    article.lang = lang::detect_language(&sample);
    article.dir = lang::direction_of_text(&sample);
}

/// The title and the first blocks, enough to tell language and direction.
fn sample_text(article: &Article) -> String {
    let mut sample = String::new();
    for text in article
        .title
        .iter()
        .map(String::as_str)
        .chain(article.blocks().map(|b| b.text.as_str()))
    {
        sample.push_str(text);
        sample.push('\n');
        if sample.len() > 16 * 1024 {
            break;
        }
    }
    sample
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_bytes_convert_as_borrowed_ones_in_any_encoding() {
        let text = "عنوان قصير\n\nشهدت العاصمة المصرية القاهرة اجتماعًا رفيع المستوى.\n";
        let (legacy, _, _) = encoding_rs::WINDOWS_1256.encode(text);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let options = ConvertOptions::default();
        for bytes in [text.as_bytes().to_vec(), legacy.into_owned(), utf16] {
            let borrowed = convert_all(&bytes, Some("a.txt"), &options).unwrap();
            let held = convert_all_held(bytes.clone(), Some("a.txt"), &options).unwrap();
            assert_eq!(held, borrowed);
            assert_eq!(held[0].sections[0].blocks.len(), 1);
            assert!(held[0].sections[0].blocks[0].text.is_shared());
            assert!(!borrowed[0].sections[0].blocks[0].text.is_shared());
        }
    }

    /// A paragraph that stands in the input as it is points into it, with
    /// a BOM before it or not; one made by joining lines or taking a
    /// marker off has a string of its own. Both read as the input says.
    #[test]
    fn held_blocks_share_the_input_where_it_holds_their_text() {
        let text = "First paragraph on one line, ending here.\n\n\
            A wrapped paragraph that goes on for a while and then\n\
            continues on the next line in lower case as prose does.\n\n\
            > A quoted line.\n";
        let options = ConvertOptions::default();
        for bytes in [
            text.as_bytes().to_vec(),
            [b"\xEF\xBB\xBF", text.as_bytes()].concat(),
        ] {
            let article = convert_owned(bytes, None, &options).unwrap();
            let blocks: Vec<_> = article.blocks().collect();
            assert_eq!(blocks.len(), 3, "{blocks:?}");
            assert_eq!(blocks[0].text, "First paragraph on one line, ending here.");
            assert!(blocks[0].text.is_shared());
            assert!(blocks[1].text.starts_with("A wrapped paragraph"));
            assert!(blocks[1].text.contains("then continues"));
            assert!(!blocks[1].text.is_shared());
            assert_eq!(blocks[2].text, "A quoted line.");
            assert!(!blocks[2].text.is_shared());
        }
    }
}
