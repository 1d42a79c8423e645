//! Property tests (issue 7, promises 1 and 2): for arbitrary bytes, arbitrary
//! Unicode text and arbitrary article models, conversion never panics, and
//! every writer's output parses back — JSON into the same model, JSON Lines
//! into one line per article, CSV into rows of constant width, XML into a
//! well-formed document whose text is the model's minus the characters XML
//! 1.0 forbids.
//!
//! The example-based companions are `tests/hostile.rs` (a table of known
//! hostile files) and `tests/writers.rs` (schemas).

use artconv::model::{
    Article, Block, BlockKind, Direction, EncodingSource, FormatSource, Metadata, Newline,
    SCHEMA_VERSION, Section, Source, Span, Stats, Text,
};
use artconv::pipeline::{ConvertOptions, convert, convert_owned};
use artconv::writers::{self, CsvRows, OutputFormat, WriteOptions};
use proptest::prelude::*;
use quick_xml::events::Event;

/// Pieces that have broken converters before: control characters, the
/// non-characters XML forbids, bidi controls, the line separators that break
/// JSON Lines consumers, Markdown and XML syntax, BOMs, CR, RTL text, emoji.
const HOSTILE: &[&str] = &[
    "\0",
    "\u{1}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "\t",
    " ",
    "\u{a0}",
    "\u{a0}\n",
    "\u{200b}",
    "\u{200f}",
    "\u{202e}",
    "\u{2066}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{fffd}",
    "# ",
    "## ",
    "> ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "12) ",
    "```",
    "~~~",
    "---",
    "===",
    "    ",
    "\\",
    "<",
    ">",
    "&",
    "&amp;",
    "\"",
    "'",
    "]]>",
    "<!--",
    "<p>",
    "=",
    "@",
    "|",
    "😀",
    "👩\u{200d}💻",
    "مرحبا",
    "العربية ",
    "שלום",
    "Заголовок",
    "日本語",
    "word ",
    "Sentence ends here. ",
];

/// Text assembled from hostile pieces and arbitrary characters.
fn hostile_text(max_pieces: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(HOSTILE).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-zA-Z ]{1,12}",
    ];
    proptest::collection::vec(piece, 0..max_pieces).prop_map(|pieces| pieces.concat())
}

/// Bytes: arbitrary, or text in one of the encodings artconv meets, with or
/// without a BOM.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        hostile_text(80).prop_map(String::into_bytes),
        hostile_text(80).prop_map(|text| {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        }),
        hostile_text(80).prop_map(|text| text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        hostile_text(80).prop_map(|text| encoding_rs::WINDOWS_1256.encode(&text).0.into_owned()),
        (
            proptest::collection::vec(any::<u8>(), 0..40),
            hostile_text(40)
        )
            .prop_map(|(noise, text)| {
                let mut bytes = text.into_bytes();
                let at = bytes.len() / 2;
                bytes.splice(at..at, noise);
                bytes
            }),
    ]
}

fn optional_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(hostile_text(12))
}

fn span() -> impl Strategy<Value = Span> {
    (0u64..1 << 40, 0u64..1 << 20).prop_map(|(start, len)| Span {
        start,
        end: start + len,
    })
}

fn block() -> impl Strategy<Value = Block> {
    let kind = proptest::sample::select(vec![
        BlockKind::Paragraph,
        BlockKind::Quote,
        BlockKind::ListItem,
        BlockKind::Code,
    ]);
    (kind, hostile_text(20), span()).prop_map(|(kind, text, span)| Block {
        kind,
        text: text.into(),
        span,
    })
}

fn section() -> impl Strategy<Value = Section> {
    (
        optional_text(),
        2u8..=6,
        proptest::collection::vec(block(), 0..5),
    )
        .prop_map(|(heading, level, blocks)| Section {
            level: heading.as_ref().map(|_| level),
            heading_span: heading.as_ref().map(|_| Span { start: 0, end: 1 }),
            heading: heading.map(Text::from),
            blocks,
        })
}

/// Any model a reader could build, with hostile text in every string.
fn article() -> impl Strategy<Value = Article> {
    let metadata = (
        proptest::collection::vec(hostile_text(6), 0..3),
        optional_text(),
        optional_text(),
        optional_text(),
        proptest::collection::vec(hostile_text(4), 0..3),
    )
        .prop_map(|(authors, published, site_name, url, keywords)| Metadata {
            authors,
            published,
            site_name,
            url,
            keywords,
            ..Metadata::default()
        });
    (
        optional_text(),
        proptest::option::of("[a-z]{2}(-[A-Z]{2})?"),
        any::<bool>(),
        proptest::collection::vec(section(), 0..4),
        metadata,
        optional_text(),
    )
        .prop_map(|(title, lang, rtl, sections, metadata, path)| {
            let mut article = Article {
                schema_version: SCHEMA_VERSION.to_owned(),
                title_span: title.as_ref().map(|_| Span { start: 0, end: 1 }),
                title,
                lead: None,
                lang,
                dir: if rtl { Direction::Rtl } else { Direction::Ltr },
                sections,
                metadata,
                source: Source {
                    path,
                    format: "text".to_owned(),
                    format_source: FormatSource::Default,
                    encoding: "UTF-8".to_owned(),
                    encoding_source: EncodingSource::Detected,
                    confidence: 1.0,
                    bom: false,
                    newline: Newline::Lf,
                    bytes: 0,
                    replaced: 0,
                    declared_encoding: None,
                },
                stats: Stats::default(),
            };
            article.finish();
            article
        })
}

fn write(article: &Article, format: OutputFormat, rows: CsvRows) -> String {
    let mut out = Vec::new();
    let options = WriteOptions {
        csv_rows: rows,
        ..WriteOptions::default()
    };
    writers::write(article, format, options, &mut out).expect("writing to memory succeeds");
    String::from_utf8(out).expect("every writer emits UTF-8")
}

/// JSON: parses, and gives back exactly the model (escaping included).
fn check_json(article: &Article) {
    let pretty = write(article, OutputFormat::Json, CsvRows::Blocks);
    let back: Article = serde_json::from_str(&pretty).expect("JSON parses into the model");
    assert_eq!(&back, article);
    let line = write(article, OutputFormat::Jsonl, CsvRows::Blocks);
    assert!(line.ends_with('\n'));
    let body = &line[..line.len() - 1];
    for separator in ['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'] {
        assert!(
            !body.contains(separator),
            "JSON Lines record holds {separator:?} raw"
        );
    }
    let back: Article = serde_json::from_str(body).expect("JSON line parses into the model");
    assert_eq!(&back, article);
}

/// CSV: parses back, every row as wide as the header, block texts intact.
fn check_csv(article: &Article) {
    for rows in [CsvRows::Blocks, CsvRows::Articles] {
        let text = write(article, OutputFormat::Csv, rows);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let width = reader.headers().expect("CSV header").len();
        let records: Vec<csv::StringRecord> = reader
            .records()
            .map(|r| r.expect("CSV record parses"))
            .collect();
        for record in &records {
            assert_eq!(record.len(), width, "ragged CSV row");
        }
        if rows == CsvRows::Blocks {
            let texts: Vec<&str> = records.iter().map(|r| &r[6]).collect();
            let expected: Vec<&str> = article.blocks().map(|b| b.text.as_str()).collect();
            assert_eq!(texts, expected);
        } else {
            assert_eq!(records.len(), 1);
        }
    }
}

/// The text an XML parser should give back for `text`: XML 1.0 forbids some
/// characters, which the writer drops (and counts).
fn xml_visible(text: &str) -> String {
    text.chars()
        .filter(|&c| artconv::writers::xml::is_xml_char(c))
        .collect()
}

/// XML: only XML 1.0 characters, well-formed (one root, balanced tags,
/// valid escapes), and the block texts come back minus forbidden characters.
fn check_xml(article: &Article) {
    let text = write(article, OutputFormat::Xml, CsvRows::Blocks);
    assert!(
        text.chars().all(artconv::writers::xml::is_xml_char),
        "XML output holds a character XML 1.0 forbids"
    );
    let mut reader = quick_xml::Reader::from_str(&text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut roots = 0usize;
    let mut block_texts = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().expect("XML is well-formed") {
            Event::Start(start) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
                let name = start.name().as_ref().to_owned();
                if ["paragraph", "quote", "list_item", "code"].contains(&name.as_str()) {
                    current = Some(String::new());
                }
            }
            Event::Empty(start) => {
                if depth == 0 {
                    roots += 1;
                }
                let name = start.name().as_ref().to_owned();
                if ["paragraph", "quote", "list_item", "code"].contains(&name.as_str()) {
                    block_texts.push(String::new());
                }
            }
            Event::End(_) => {
                depth -= 1;
                if let Some(text) = current.take() {
                    block_texts.push(text);
                }
            }
            Event::Text(text) => {
                let unescaped = text.xml_content(quick_xml::XmlVersion::Explicit1_0);
                if let Some(current) = current.as_mut() {
                    current.push_str(&unescaped);
                } else if depth == 0 {
                    assert!(unescaped.trim().is_empty(), "text outside the root");
                }
            }
            Event::GeneralRef(reference) => {
                let name = reference.clone().into_inner().into_owned();
                let resolved = if let Some(code) = reference.resolve_char_ref().expect("valid ref")
                {
                    code.to_string()
                } else {
                    quick_xml::escape::resolve_xml_entity(&name)
                        .expect("only predefined entities")
                        .to_owned()
                };
                if let Some(current) = current.as_mut() {
                    current.push_str(&resolved);
                }
            }
            Event::CData(_) | Event::DocType(_) => panic!("no CDATA or DOCTYPE expected"),
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(roots, 1, "exactly one root element");
    let expected: Vec<String> = article.blocks().map(|b| xml_visible(&b.text)).collect();
    assert_eq!(block_texts, expected);
}

/// Markdown: UTF-8 (checked by `write`), and one front matter at the top.
fn check_markdown(article: &Article) {
    let text = write(article, OutputFormat::Md, CsvRows::Blocks);
    assert!(text.starts_with("---\n"));
}

fn check_all_writers(article: &Article) {
    check_json(article);
    check_csv(article);
    check_xml(article);
    check_markdown(article);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes: a conversion or a one-line error, never a panic; whatever
    /// is converted writes well-formed output in every format.
    #[test]
    fn any_bytes_convert_or_fail_cleanly(bytes in hostile_bytes()) {
        match convert(&bytes, Some("input.txt"), &ConvertOptions::default()) {
            Ok(article) => {
                prop_assert_eq!(article.source.bytes, bytes.len() as u64);
                for block in article.blocks() {
                    prop_assert!(block.span.start <= block.span.end);
                    prop_assert!(block.span.end <= bytes.len() as u64);
                }
                check_all_writers(&article);
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(!message.is_empty());
                prop_assert!(!message.contains('\n'), "multi-line error: {message:?}");
            }
        }
    }

    /// Any bytes converted as the command line converts them (held, the
    /// plain text's blocks sharing the decoded input) give the article, or
    /// the error, that converting borrowed bytes gives.
    #[test]
    fn held_bytes_convert_as_borrowed_ones(bytes in hostile_bytes()) {
        let options = ConvertOptions::default();
        let borrowed = convert(&bytes, Some("input.txt"), &options);
        let held = convert_owned(bytes, Some("input.txt"), &options);
        match (borrowed, held) {
            (Ok(borrowed), Ok(held)) => {
                prop_assert_eq!(&held, &borrowed);
                for format in [OutputFormat::Json, OutputFormat::Xml, OutputFormat::Md] {
                    prop_assert_eq!(
                        write(&held, format, CsvRows::Blocks),
                        write(&borrowed, format, CsvRows::Blocks)
                    );
                }
            }
            (Err(borrowed), Err(held)) => prop_assert_eq!(held.to_string(), borrowed.to_string()),
            (borrowed, held) => prop_assert!(false, "borrowed {:?}, held {:?}", borrowed.err(), held.err()),
        }
    }

    /// Any text, as UTF-8: same promise, and nothing but whitespace and
    /// invisible characters is lost between the input and the blocks.
    #[test]
    fn any_text_converts_or_fails_cleanly(text in hostile_text(120)) {
        if let Ok(article) = convert(text.as_bytes(), None, &ConvertOptions::default()) {
            check_all_writers(&article);
        }
    }

    /// Any model, whatever its strings hold: every writer's output parses
    /// back (JSON into the identical model).
    #[test]
    fn any_model_writes_well_formed_output(article in article()) {
        check_all_writers(&article);
    }
}
