//! artconv's own XML (`-t xml`, described by `schema/article.xsd`) back
//! into the model: one `<article>` or an `<articles>` root.
//!
//! A document type declaration is refused outright, before anything in it
//! is looked at: artconv's XML never has one, and refusing it is the one
//! sure defence against entity expansion bombs ("billion laughs"). Only the
//! five predefined entities and character references are resolved. As in
//! any XML 1.0 parser, line ends in text are normalised (CRLF and CR to LF)
//! and white space in attribute values to spaces; the writer writes CR,
//! tab and LF as character references where they must survive.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::decode::Decoded;
use crate::error::{Error, Result};
use crate::model::{
    Article, Block, BlockKind, Direction, EncodingSource, FormatSource, Metadata, SCHEMA_VERSION,
    Section, Source, Span, Stats,
};

use super::json::line_column;

/// Reads every article of the document, in order.
///
/// # Errors
///
/// [`Error::Parse`] (with line and column) for XML that is not
/// well-formed, has a DOCTYPE or is not artconv's shape;
/// [`Error::SchemaVersion`] for another version.
pub fn read(decoded: &Decoded) -> Result<Vec<Article>> {
    let mut xml = Xml {
        text: &decoded.text,
        reader: Reader::from_str(&decoded.text),
        last_start: 0,
    };
    let articles = match xml.next()? {
        Markup::Start(name, attributes) if name == "article" => {
            vec![xml.article(&attributes)?]
        }
        Markup::Empty(name, attributes) if name == "article" => {
            check_version(&attributes)?;
            return Err(xml.here("<article> has no <source>".into()));
        }
        Markup::Start(name, attributes) if name == "articles" => {
            check_version(&attributes)?;
            let mut articles = Vec::new();
            loop {
                match xml.next()? {
                    Markup::Start(name, attributes) if name == "article" => {
                        articles.push(xml.article(&attributes)?);
                    }
                    Markup::End(name) if name == "articles" => break,
                    Markup::Empty(name, _) if name == "articles" => break,
                    other => return Err(xml.unexpected(&other, "<article>")),
                }
            }
            articles
        }
        Markup::Empty(name, attributes) if name == "articles" => {
            check_version(&attributes)?;
            Vec::new()
        }
        Markup::Eof => return Err(Error::Empty),
        other => return Err(xml.unexpected(&other, "an <article> or <articles> root")),
    };
    match xml.next()? {
        Markup::Eof => Ok(articles),
        other => Err(xml.unexpected(&other, "the end of the document")),
    }
}

/// The encoding an XML prolog declares (`<?xml version="1.0"
/// encoding="..."?>`), to decode with when nothing stronger decides.
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let rest = head.trim_ascii_start().strip_prefix(b"<?xml")?;
    let end = memchr::memmem::find(rest, b"?>")?;
    let prolog = &rest[..end];
    let at = memchr::memmem::find(prolog, b"encoding")?;
    let value = prolog[at + 8..].trim_ascii_start().strip_prefix(b"=")?;
    let value = value.trim_ascii_start();
    let quote = *value.first().filter(|q| matches!(q, b'"' | b'\''))?;
    let label_end = memchr::memchr(quote, &value[1..])?;
    encoding_rs::Encoding::for_label(&value[1..1 + label_end])
}

/// Element names and attributes, owned, with entities resolved.
#[derive(Debug)]
enum Markup {
    Start(String, Vec<(String, String)>),
    Empty(String, Vec<(String, String)>),
    End(String),
    Eof,
}

struct Xml<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    /// Where the last event started (after white space): where errors point.
    last_start: usize,
}

fn check_version(attributes: &[(String, String)]) -> Result<()> {
    match attribute(attributes, "schema_version") {
        Some(version) if version == SCHEMA_VERSION => Ok(()),
        found => Err(Error::SchemaVersion {
            found: found.unwrap_or("(none)").to_string(),
            supported: SCHEMA_VERSION,
        }),
    }
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

impl Xml<'_> {
    fn error(&self, offset: u64, message: String) -> Error {
        let (line, column) = line_column(self.text, offset as usize);
        Error::Parse {
            format: "XML",
            line,
            column,
            message,
        }
    }

    fn here(&self, message: String) -> Error {
        self.error(self.last_start as u64, message)
    }

    fn unexpected(&self, found: &Markup, expected: &str) -> Error {
        let found = match found {
            Markup::Start(name, _) | Markup::Empty(name, _) => format!("<{name}>"),
            Markup::End(name) => format!("</{name}>"),
            Markup::Eof => "the end of the document".to_string(),
        };
        self.here(format!("expected {expected}, found {found}"))
    }

    fn raw_event(&mut self) -> Result<Event<'_>> {
        let before = (self.reader.buffer_position() as usize).min(self.text.len());
        self.last_start =
            before + self.text[before..].len() - self.text[before..].trim_start().len();
        let event = self.reader.read_event();
        match event {
            Ok(Event::DocType(_)) => Err(self.error(
                self.last_start as u64,
                "a document type declaration (DOCTYPE) is refused: artconv's XML has none and no entity is ever expanded".into(),
            )),
            Ok(event) => Ok(event),
            Err(error) => Err(self.error(self.reader.error_position(), error.to_string())),
        }
    }

    /// The next element boundary, skipping the prolog, comments,
    /// processing instructions and white space between elements.
    fn next(&mut self) -> Result<Markup> {
        loop {
            let (empty, name, attributes) = match self.raw_event()? {
                Event::Start(start) => (false, name(&start), attributes(&start)),
                Event::Empty(start) => (true, name(&start), attributes(&start)),
                Event::End(end) => return Ok(Markup::End(end.name().0.to_string())),
                Event::Eof => return Ok(Markup::Eof),
                Event::Text(text) if text.trim().is_empty() => continue,
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => continue,
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) | Event::DocType(_) => {
                    return Err(self.here("text outside any element".into()));
                }
            };
            return match attributes {
                Err(message) => Err(self.here(format!("<{name}>: {message}"))),
                Ok(attributes) if empty => Ok(Markup::Empty(name, attributes)),
                Ok(attributes) => Ok(Markup::Start(name, attributes)),
            };
        }
    }

    /// The text content of the element `name` just opened, up to its end.
    fn text_of(&mut self, name: &str) -> Result<String> {
        let mut out = String::new();
        loop {
            match self.raw_event()? {
                Event::Text(text) => out.push_str(&text.xml10_content()),
                Event::CData(data) => out.push_str(&data.xml10_content()),
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => resolve_predefined_entity(&reference).map(str::to_string),
                        Err(error) => return Err(self.here(error.to_string())),
                    };
                    match resolved {
                        Some(text) => out.push_str(&text),
                        None => {
                            let entity = reference.to_string();
                            return Err(self.here(format!(
                                "undefined entity &{entity}; (artconv resolves only the predefined ones)"
                            )));
                        }
                    }
                }
                Event::End(end) if end.name().0 == name => return Ok(out),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Start(start) | Event::Empty(start) => {
                    let inner = self::name(&start);
                    return Err(self.here(format!("unexpected <{inner}> inside <{name}>")));
                }
                Event::Eof => return Err(self.here(format!("<{name}> is not closed"))),
                other => {
                    let other = format!("{other:?}");
                    return Err(self.here(format!("unexpected {other} inside <{name}>")));
                }
            }
        }
    }

    /// The text of an element given as Start or Empty.
    fn leaf(&mut self, markup: &Markup) -> Result<String> {
        match markup {
            Markup::Start(name, _) => self.text_of(name),
            _ => Ok(String::new()),
        }
    }

    fn article(&mut self, attributes: &[(String, String)]) -> Result<Article> {
        check_version(attributes)?;
        let mut article = Article {
            schema_version: SCHEMA_VERSION.to_string(),
            title: None,
            title_span: None,
            lead: None,
            lang: attribute(attributes, "lang").map(str::to_string),
            dir: match attribute(attributes, "dir") {
                Some("rtl") => Direction::Rtl,
                Some("ltr") => Direction::Ltr,
                other => {
                    return Err(
                        self.here(format!("<article dir> must be ltr or rtl, found {other:?}"))
                    );
                }
            },
            sections: Vec::new(),
            metadata: Metadata::default(),
            source: Source {
                path: None,
                format: String::new(),
                format_source: FormatSource::Default,
                encoding: String::new(),
                encoding_source: EncodingSource::Detected,
                confidence: 0.0,
                bom: false,
                newline: crate::model::Newline::None,
                bytes: 0,
                replaced: 0,
                declared_encoding: None,
            },
            stats: Stats::default(),
        };
        let mut saw_source = false;
        loop {
            let markup = self.next()?;
            match &markup {
                Markup::End(name) if name == "article" => break,
                Markup::Start(name, attributes) | Markup::Empty(name, attributes) => {
                    match name.as_str() {
                        "title" => {
                            article.title_span = self.span(attributes)?;
                            article.title = Some(self.leaf(&markup)?);
                        }
                        "lead" => {
                            self.leaf(&markup)?;
                        }
                        "metadata" => {
                            if matches!(markup, Markup::Start(..)) {
                                article.metadata = self.metadata()?;
                            }
                        }
                        "section" => {
                            let section = if matches!(markup, Markup::Start(..)) {
                                self.section()?
                            } else {
                                Section {
                                    heading: None,
                                    level: None,
                                    heading_span: None,
                                    blocks: Vec::new(),
                                }
                            };
                            article.sections.push(section);
                        }
                        "source" => {
                            article.source = self.source(attributes)?;
                            saw_source = true;
                            self.leaf(&markup)?;
                        }
                        "stats" => {
                            self.leaf(&markup)?;
                        }
                        _ => return Err(self.unexpected(&markup, "an element of <article>")),
                    }
                }
                other => return Err(self.unexpected(other, "an element of <article>")),
            }
        }
        if !saw_source {
            return Err(self.here("<article> has no <source>".into()));
        }
        article.finish();
        Ok(article)
    }

    fn span(&self, attributes: &[(String, String)]) -> Result<Option<Span>> {
        let number = |name: &str| -> Result<Option<u64>> {
            attribute(attributes, name)
                .map(|value| {
                    value
                        .parse::<u64>()
                        .map_err(|_| self.here(format!("{name}=\"{value}\" is not a byte offset")))
                })
                .transpose()
        };
        Ok(match (number("start")?, number("end")?) {
            (Some(start), Some(end)) => Some(Span { start, end }),
            _ => None,
        })
    }

    fn metadata(&mut self) -> Result<Metadata> {
        let mut meta = Metadata::default();
        loop {
            let markup = self.next()?;
            let name = match &markup {
                Markup::End(name) if name == "metadata" => return Ok(meta),
                Markup::Start(name, _) | Markup::Empty(name, _) => name.clone(),
                other => return Err(self.unexpected(other, "an element of <metadata>")),
            };
            let text = self.leaf(&markup)?;
            match name.as_str() {
                "author" => meta.authors.push(text),
                "keyword" => meta.keywords.push(text),
                "published" => meta.published = Some(text),
                "modified" => meta.modified = Some(text),
                "site_name" => meta.site_name = Some(text),
                "url" => meta.url = Some(text),
                "description" => meta.description = Some(text),
                _ => return Err(self.unexpected(&markup, "an element of <metadata>")),
            }
        }
    }

    fn section(&mut self) -> Result<Section> {
        let mut section = Section {
            heading: None,
            level: None,
            heading_span: None,
            blocks: Vec::new(),
        };
        loop {
            let markup = self.next()?;
            let (name, attributes) = match &markup {
                Markup::End(name) if name == "section" => return Ok(section),
                Markup::Start(name, attributes) | Markup::Empty(name, attributes) => {
                    (name.clone(), attributes)
                }
                other => return Err(self.unexpected(other, "an element of <section>")),
            };
            let kind = match name.as_str() {
                "heading" => {
                    section.level = match attribute(attributes, "level") {
                        Some(level) => Some(
                            level
                                .parse::<u8>()
                                .ok()
                                .filter(|l| (1..=6).contains(l))
                                .ok_or_else(|| {
                                    self.here(format!("level=\"{level}\" is not 1 to 6"))
                                })?,
                        ),
                        None => None,
                    };
                    section.heading_span = self.span(attributes)?;
                    section.heading = Some(self.leaf(&markup)?.into());
                    continue;
                }
                "paragraph" => BlockKind::Paragraph,
                "quote" => BlockKind::Quote,
                "list_item" => BlockKind::ListItem,
                "code" => BlockKind::Code,
                _ => return Err(self.unexpected(&markup, "a heading or a block")),
            };
            let span = self
                .span(attributes)?
                .ok_or_else(|| self.here(format!("<{name}> needs start and end")))?;
            let text = self.leaf(&markup)?;
            section.blocks.push(Block {
                kind,
                text: text.into(),
                span,
            });
        }
    }

    fn source(&self, attributes: &[(String, String)]) -> Result<Source> {
        let required = |name: &str| {
            attribute(attributes, name)
                .ok_or_else(|| self.here(format!("<source> has no {name} attribute")))
        };
        let parse = |name: &str| -> Result<serde_json::Value> {
            let value = required(name)?;
            Ok(serde_json::from_str(value)
                .unwrap_or_else(|_| serde_json::Value::String(value.to_string())))
        };
        let typed = |name: &str, quoted: bool| -> Result<serde_json::Value> {
            if quoted {
                Ok(serde_json::Value::String(required(name)?.to_string()))
            } else {
                parse(name)
            }
        };
        let mut object = serde_json::Map::new();
        object.insert(
            "path".into(),
            attribute(attributes, "path").map_or(serde_json::Value::Null, |p| p.into()),
        );
        for (name, quoted) in [
            ("format", true),
            ("format_source", true),
            ("encoding", true),
            ("encoding_source", true),
            ("confidence", false),
            ("bom", false),
            ("newline", true),
            ("bytes", false),
            ("replaced", false),
        ] {
            object.insert(name.into(), typed(name, quoted)?);
        }
        if let Some(declared) = attribute(attributes, "declared_encoding") {
            object.insert("declared_encoding".into(), declared.into());
        }
        serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|error| self.here(format!("<source>: {error}")))
    }
}

fn name(start: &BytesStart<'_>) -> String {
    start.name().0.to_string()
}

/// Attributes with entities resolved and white space normalised as XML
/// 1.0 says; an error message for a malformed or undefined one.
fn attributes(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    start
        .attributes()
        .map(|attribute| {
            let attribute = attribute.map_err(|e| e.to_string())?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            Ok((attribute.key.0.to_string(), value.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodeOptions, decode};

    fn read_str(text: &str) -> Result<Vec<Article>> {
        read(&decode(text.as_bytes(), &DecodeOptions::default()).unwrap())
    }

    #[test]
    fn doctype_and_entities_are_refused() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">\n]>\n<article schema_version=\"1\">&lol2;</article>\n";
        let error = read_str(bomb).unwrap_err().to_string();
        assert!(
            error.starts_with("invalid XML at line 2, column 1: "),
            "{error}"
        );
        assert!(error.contains("DOCTYPE"), "{error}");
        let error =
            read_str("<article schema_version=\"1\" dir=\"ltr\"><title>&x;</title></article>")
                .unwrap_err()
                .to_string();
        assert!(error.contains("undefined entity &x;"), "{error}");
    }

    #[test]
    fn another_version_is_named() {
        let error = read_str("<article schema_version=\"7\" dir=\"ltr\"/>")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("schema_version \"7\" is not supported"),
            "{error}"
        );
    }

    #[test]
    fn prolog_encoding_is_found() {
        assert_eq!(
            declared_encoding(b"<?xml version=\"1.0\" encoding='windows-1256'?><a/>"),
            Some(encoding_rs::WINDOWS_1256)
        );
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\"?>"), None);
    }
}
