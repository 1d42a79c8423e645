//! Every writer's output reads back: JSON into the model and against the
//! JSON Schema, CSV with the csv crate at a constant width, XML with
//! quick-xml and against the XSD, Markdown with its structure intact.

mod common;

use artconv::model::{Article, BlockKind};
use artconv::writers::{self, CsvRows, OutputFormat, WriteOptions};
use artconv::{ConvertOptions, convert};
use common::{case_input, fixture_cases, root};

/// Articles from every fixture plus hand-written hostile text.
fn articles() -> Vec<Article> {
    let mut articles: Vec<Article> = fixture_cases()
        .iter()
        .map(|case| {
            let bytes = std::fs::read(case_input(case)).unwrap();
            convert(&bytes, Some("in.txt"), &ConvertOptions::default()).unwrap()
        })
        .collect();
    let hostile = "# Title with <tags> & \"quotes\"\n\n\
        2024. not a list? It is not. *stars* _under_ [link](x) `code` a\\b\n\n\
        Control \u{1} \u{8} characters \u{FFFE} and\ttabs, RTL \u{202E}mark\u{202C} and emoji 🎉 \u{2028} here.\n\n\
        > quoted <b>bold</b> &amp;\n\n\
        - item with | pipe\n\n\
        #not-heading ~strike~ !bang\n";
    articles.push(
        convert(
            hostile.as_bytes(),
            Some("hostile\n\"name\".txt"),
            &ConvertOptions::default(),
        )
        .unwrap(),
    );
    articles
}

fn render(article: &Article, format: OutputFormat, rows: CsvRows) -> Vec<u8> {
    let mut out = Vec::new();
    writers::write(
        article,
        format,
        WriteOptions {
            csv_rows: rows,
            ..WriteOptions::default()
        },
        &mut out,
    )
    .unwrap();
    out
}

#[test]
fn json_reads_back_to_the_same_model_and_fits_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schema/article.schema.json")).unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("file:///article.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("file:///article.schema.json", &mut schemas)
        .unwrap();
    for article in articles() {
        for format in [OutputFormat::Json, OutputFormat::Jsonl] {
            let out = render(&article, format, CsvRows::Blocks);
            let text = String::from_utf8(out).unwrap();
            if format == OutputFormat::Jsonl {
                assert_eq!(text.matches('\n').count(), 1, "one line per article");
                assert!(
                    !text.contains(['\u{2028}', '\u{2029}', '\u{85}']),
                    "line separators escaped"
                );
            }
            let back: Article = serde_json::from_str(&text).unwrap();
            assert_eq!(back, article);
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            if let Err(error) = schemas.validate(&value, index) {
                panic!("schema violation: {error}");
            }
        }
    }
}

#[test]
fn csv_reads_back_with_constant_width() {
    for article in articles() {
        for rows in [CsvRows::Blocks, CsvRows::Articles] {
            let out = render(&article, OutputFormat::Csv, rows);
            let mut reader = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(out.as_slice());
            let header = reader.headers().unwrap().clone();
            let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            for record in &records {
                assert_eq!(record.len(), header.len());
            }
            match rows {
                CsvRows::Blocks => {
                    let texts: Vec<&str> = records.iter().map(|r| r.get(6).unwrap()).collect();
                    let expected: Vec<&str> = article.blocks().map(|b| b.text.as_str()).collect();
                    assert_eq!(texts, expected);
                }
                CsvRows::Articles => {
                    assert_eq!(records.len(), 1);
                    assert_eq!(
                        records[0].get(1).unwrap(),
                        article.title.as_deref().unwrap_or("")
                    );
                }
            }
        }
    }
}

/// Text of the elements named `name`, in document order, as an XML parser sees it.
fn xml_texts(xml: &[u8], names: &[&str]) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut texts = Vec::new();
    let mut current: Option<String> = None;
    let mut buffer = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buffer)
            .expect("well-formed XML")
        {
            Event::Start(start) => {
                let name = start.name().as_ref().to_string();
                if names.contains(&name.as_str()) {
                    current = Some(String::new());
                }
            }
            Event::Text(text) => {
                if let Some(current) = current.as_mut() {
                    current.push_str(&text.xml_content(quick_xml::XmlVersion::Explicit1_0));
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(current) = current.as_mut() {
                    let name = reference.to_string();
                    let resolved = match name.as_str() {
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "amp" => "&".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => {
                            let code = other.strip_prefix("#").unwrap();
                            let value = match code.strip_prefix('x') {
                                Some(hex) => u32::from_str_radix(hex, 16).unwrap(),
                                None => code.parse().unwrap(),
                            };
                            char::from_u32(value).unwrap().to_string()
                        }
                    };
                    current.push_str(&resolved);
                }
            }
            Event::End(_) => {
                if let Some(text) = current.take() {
                    texts.push(text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    texts
}

#[test]
fn xml_is_well_formed_and_keeps_every_allowed_character() {
    for article in articles() {
        let out = render(&article, OutputFormat::Xml, CsvRows::Blocks);
        let texts = xml_texts(&out, &["paragraph", "quote", "list_item", "code"]);
        let expected: Vec<String> = article
            .blocks()
            .map(|b| {
                b.text
                    .chars()
                    .filter(|&c| artconv::writers::xml::is_xml_char(c))
                    .collect()
            })
            .collect();
        assert_eq!(texts, expected);
    }
}

#[test]
fn xml_validates_against_the_xsd() {
    let xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output();
    if xmllint.is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint (libxml2-utils) is required in CI"
        );
        eprintln!(
            "NOTICE: xmllint not found (apt-get install libxml2-utils); XSD validation skipped"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let articles = articles();
    let mut paths = Vec::new();
    for (i, article) in articles.iter().enumerate() {
        let path = dir.path().join(format!("{i}.xml"));
        std::fs::write(&path, render(article, OutputFormat::Xml, CsvRows::Blocks)).unwrap();
        paths.push(path);
    }
    let mut many = Vec::new();
    let mut sink = writers::Sink::new(OutputFormat::Xml, WriteOptions::default(), true, &mut many);
    for article in &articles {
        sink.write(article).unwrap();
    }
    sink.finish().unwrap();
    let many_path = dir.path().join("many.xml");
    std::fs::write(&many_path, &many).unwrap();
    paths.push(many_path);
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("schema/article.xsd"))
        .args(&paths)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn markdown_keeps_structure_and_escapes_syntax() {
    let article = articles().pop().unwrap();
    let out = String::from_utf8(render(&article, OutputFormat::Md, CsvRows::Blocks)).unwrap();
    assert!(out.starts_with("---\ntitle: \"Title with <tags> & \\\"quotes\\\"\"\n"));
    assert!(out.contains("\n# Title with \\<tags\\> \\& \"quotes\"\n"));
    assert!(out.contains(
        "\n2024\\. not a list? It is not. \\*stars\\* \\_under\\_ \\[link\\](x) \\`code\\` a\\\\b\n"
    ));
    assert!(out.contains("\n> quoted \\<b\\>bold\\</b\\> \\&amp;\n"));
    assert!(out.contains("\n- item with \\| pipe\n"));
    assert!(out.contains("\n\\#not-heading \\~strike\\~ \\!bang\n"));
    let quotes = article
        .blocks()
        .filter(|b| b.kind == BlockKind::Quote)
        .count();
    assert_eq!(quotes, 1);
}

#[test]
fn several_articles_share_one_frame() {
    let articles = articles();
    let mut json = Vec::new();
    let mut sink = writers::Sink::new(OutputFormat::Json, WriteOptions::default(), true, &mut json);
    for article in &articles {
        sink.write(article).unwrap();
    }
    sink.finish().unwrap();
    let back: Vec<Article> = serde_json::from_slice(&json).unwrap();
    assert_eq!(back, articles);

    let mut csv_out = Vec::new();
    let mut sink = writers::Sink::new(
        OutputFormat::Csv,
        WriteOptions::default(),
        true,
        &mut csv_out,
    );
    for article in &articles {
        sink.write(article).unwrap();
    }
    sink.finish().unwrap();
    let text = String::from_utf8(csv_out).unwrap();
    assert_eq!(text.matches("path,title,section").count(), 1, "one header");
}

/// A stream started for one article frames by the number of articles its
/// one input gives, whether they come one at a time or all together; an
/// article after the only one of a single-article stream is refused, not
/// appended into an invalid document.
#[test]
fn one_input_frames_by_its_number_of_articles() {
    let articles = articles();
    for format in [OutputFormat::Json, OutputFormat::Xml] {
        let one_by_one = |articles: &[Article]| {
            let mut out = Vec::new();
            let mut sink = writers::Sink::new(format, WriteOptions::default(), false, &mut out);
            for article in articles {
                sink.write(article).unwrap();
            }
            sink.finish().unwrap();
            out
        };
        let together = |articles: &[Article]| {
            let mut out = Vec::new();
            let mut sink = writers::Sink::new(format, WriteOptions::default(), false, &mut out);
            sink.write_input(articles).unwrap();
            sink.finish().unwrap();
            out
        };
        assert_eq!(
            together(&articles[..1]),
            one_by_one(&articles[..1]),
            "{format:?}"
        );
        assert_eq!(together(&articles), one_by_one(&articles), "{format:?}");

        let mut out = Vec::new();
        let mut sink = writers::Sink::new(format, WriteOptions::default(), false, &mut out);
        sink.write_input(&articles[..1]).unwrap();
        assert!(sink.write(&articles[1]).is_err(), "{format:?}");
    }
    let single: Article = serde_json::from_slice(&{
        let mut out = Vec::new();
        let mut sink =
            writers::Sink::new(OutputFormat::Json, WriteOptions::default(), false, &mut out);
        sink.write_input(&articles[..1]).unwrap();
        sink.finish().unwrap();
        out
    })
    .unwrap();
    assert_eq!(single, articles[0]);
}
