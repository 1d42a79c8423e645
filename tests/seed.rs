//! The first real input: the Arabic seed article and its encoding variants
//! (issue 2). Every variant must give the same structure and texts, the
//! right `source`, and spans that point at the block's bytes.

mod common;

use common::{artconv, case_input, fixture_cases, relative};
use serde_json::Value;

const HEADINGS: [Option<&str>; 5] = [
    None,
    Some("الانتقال إلى المرحلة الثانية من الاتفاق"),
    Some("التنسيق مع مركز CMCC"),
    Some("الموقف التركي: تأكيد متجدد على دعم الفلسطينيين"),
    Some("خلفية الوضع الميداني"),
];
const COUNTS: [usize; 5] = [2, 2, 2, 1, 2];

fn convert(path: &str, extra: &[&str]) -> Value {
    let output = artconv()
        .arg(path)
        .args(["-t", "json"])
        .args(extra)
        .output()
        .expect("artconv runs");
    assert!(
        output.status.success(),
        "{path}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

/// The seed's paragraphs are its non-blank lines that are not headings.
fn seed_lines() -> Vec<String> {
    let seed =
        std::fs::read_to_string(common::root().join("fixtures/text-seed-utf8/input.txt")).unwrap();
    seed.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn seed_structure() {
    let article = convert("fixtures/text-seed-utf8/input.txt", &[]);
    assert_eq!(article["title"], Value::Null);
    assert_eq!(article["lang"], "ar");
    assert_eq!(article["dir"], "rtl");
    let sections = article["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 5);
    let lines = seed_lines();
    let mut line = 0;
    for (i, section) in sections.iter().enumerate() {
        assert_eq!(section["heading"].as_str(), HEADINGS[i]);
        if let Some(heading) = HEADINGS[i] {
            assert_eq!(lines[line], heading);
            line += 1;
        }
        let blocks = section["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), COUNTS[i], "section {i}");
        for block in blocks {
            assert_eq!(block["type"], "paragraph");
            assert_eq!(
                block["text"].as_str().unwrap(),
                lines[line],
                "each paragraph is exactly its source line"
            );
            line += 1;
        }
    }
    assert_eq!(line, lines.len(), "nothing of the seed is lost");
    assert_eq!(article["lead"], sections[0]["blocks"][0]["text"]);
    assert_eq!(article["stats"]["sections"], 5);
    assert_eq!(article["stats"]["paragraphs"], 9);
}

fn outline(article: &Value) -> Vec<(Value, Vec<Value>)> {
    article["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["heading"].clone(),
                s["blocks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|b| b["text"].clone())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn every_seed_variant_gives_the_same_article_and_its_own_source() {
    let reference = outline(&convert("fixtures/text-seed-utf8/input.txt", &[]));
    // case, encoding, encoding_source, bom, newline
    let expected = [
        ("text-seed-utf8", "UTF-8", "detected", false, "lf"),
        ("text-seed-utf8-bom", "UTF-8", "bom", true, "lf"),
        ("text-seed-utf16le-bom", "UTF-16LE", "bom", true, "lf"),
        ("text-seed-utf16be-bom", "UTF-16BE", "bom", true, "lf"),
        ("text-seed-utf16le", "UTF-16LE", "detected", false, "lf"),
        (
            "text-seed-windows-1256",
            "windows-1256",
            "detected",
            false,
            "lf",
        ),
        (
            "text-seed-iso-8859-6",
            "ISO-8859-6",
            "detected",
            false,
            "lf",
        ),
        ("text-seed-crlf", "UTF-8", "detected", false, "crlf"),
        (
            "text-seed-windows-1256-crlf",
            "windows-1256",
            "detected",
            false,
            "crlf",
        ),
    ];
    for (case, encoding, how, bom, newline) in expected {
        let path = format!("fixtures/{case}/input.txt");
        let bytes = std::fs::read(common::root().join(&path)).unwrap();
        let article = convert(&path, &[]);
        assert_eq!(
            outline(&article),
            reference,
            "{case}: same sections and texts"
        );
        let source = &article["source"];
        assert_eq!(source["encoding"], encoding, "{case}");
        assert_eq!(source["encoding_source"], how, "{case}");
        assert_eq!(source["bom"], bom, "{case}");
        assert_eq!(source["newline"], newline, "{case}");
        assert_eq!(source["bytes"], bytes.len(), "{case}");
        assert_eq!(source["replaced"], 0, "{case}");
        assert_eq!(source["path"], path.as_str());
        let confidence = source["confidence"].as_f64().unwrap();
        assert!(
            confidence > 0.8 && confidence <= 1.0,
            "{case}: confidence {confidence}"
        );
    }
}

/// `original[start..end]`, decoded with the reported encoding, gives back
/// the element's source text — for every element of every fixture.
#[test]
fn spans_point_at_the_original_bytes() {
    for case in fixture_cases() {
        let input = case_input(&case);
        let bytes = std::fs::read(&input).unwrap();
        let article = convert(&relative(&input), &[]);
        let encoding = encoding_rs::Encoding::for_label(
            article["source"]["encoding"].as_str().unwrap().as_bytes(),
        )
        .unwrap();
        let source_text = |span: &Value| {
            let (start, end) = (
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            );
            assert!(
                start <= end && end <= bytes.len(),
                "{}: span {span} out of range",
                case.display()
            );
            let (text, _) = encoding.decode_without_bom_handling(&bytes[start..end]);
            text.into_owned()
        };
        for section in article["sections"].as_array().unwrap() {
            if !section["heading_span"].is_null() {
                assert!(
                    source_text(&section["heading_span"])
                        .contains(section["heading"].as_str().unwrap())
                );
            }
            for block in section["blocks"].as_array().unwrap() {
                let text = source_text(&block["span"]);
                // Joined lines differ from their source only in white space.
                let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                if article["source"]["format"] == "html" {
                    // An HTML span covers the element, tags included.
                    let first_word = block["text"]
                        .as_str()
                        .unwrap()
                        .split_whitespace()
                        .next()
                        .unwrap();
                    assert!(
                        text.starts_with('<') && text.contains(first_word),
                        "{}: {text}",
                        case.display()
                    );
                    continue;
                }
                if article["source"]["format"] == "markdown" {
                    // A Markdown span covers the source, markers and inline
                    // markup included: its first word is there, and a quote
                    // or an item starts with its marker.
                    let block_text = block["text"].as_str().unwrap();
                    if let Some(first_word) = block_text.split_whitespace().next() {
                        assert!(text.contains(first_word), "{}: {text}", case.display());
                    }
                    let marker = match block["type"].as_str().unwrap() {
                        "quote" => text.starts_with('>'),
                        "list_item" => text.starts_with([
                            '-', '*', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
                        ]),
                        "code" => block_text.lines().all(|line| text.contains(line)),
                        _ => true,
                    };
                    assert!(marker, "{}: {text}", case.display());
                    continue;
                }
                assert_eq!(
                    squeeze(&text),
                    squeeze(block["text"].as_str().unwrap()),
                    "{}",
                    case.display()
                );
            }
        }
    }
}

#[test]
fn forced_encoding_wins_over_detection_but_not_over_a_bom() {
    let article = convert(
        "fixtures/text-seed-windows-1256/input.txt",
        &["-e", "iso-8859-6"],
    );
    assert_eq!(article["source"]["encoding"], "ISO-8859-6");
    assert_eq!(article["source"]["encoding_source"], "forced");
    let article = convert(
        "fixtures/text-seed-utf8-bom/input.txt",
        &["-e", "windows-1256"],
    );
    assert_eq!(article["source"]["encoding"], "UTF-8");
    assert_eq!(article["source"]["encoding_source"], "bom");
}

#[test]
fn lang_option_overrides_detection_and_direction() {
    let article = convert("fixtures/text-seed-utf8/input.txt", &["--lang", "fa"]);
    assert_eq!(article["lang"], "fa");
    assert_eq!(article["dir"], "rtl");
    let article = convert("fixtures/text-seed-utf8/input.txt", &["--lang", "en"]);
    assert_eq!(article["dir"], "ltr");
}
