//! The HTML path of the command line (issue 3): sniffing, forcing, the
//! encoding warnings, empty pages and the metadata in the output. Each test
//! runs the binary hermetically on the HTML fixtures or on inline pages.

mod common;

use common::artconv;
use predicates::prelude::*;
use serde_json::Value;

const NEWS: &str = "fixtures/html-news-boilerplate/input.html";
const WINDOWS_1252: &str = "fixtures/html-meta-windows-1252/input.html";
const DECLARED_UTF8_IS_1256: &str = "fixtures/html-declared-utf8-is-windows-1256/input.html";
const RTL: &str = "fixtures/html-rtl-arabic/input.html";
const JSON_LD: &str = "fixtures/html-json-ld/input.html";

/// Runs artconv and parses its JSON output.
fn json(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let mut cmd = artconv();
    cmd.args(args).args(["-t", "json", "-q"]);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes.to_vec());
    }
    let output = cmd.output().expect("artconv runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

fn block_texts(article: &Value) -> Vec<String> {
    article["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["blocks"].as_array().unwrap().iter())
        .map(|b| b["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_html_file_is_sniffed_and_read_as_html() {
    let article = json(&[NEWS], None);
    assert_eq!(article["source"]["format"], "html");
    assert_eq!(article["title"], "Valley road reopens after floods");
    let text = block_texts(&article).join("\n");
    assert!(text.starts_with("The road through the valley"), "{text}");
    for boilerplate in [
        "cookies",
        "Share on",
        "Related stories",
        "First!",
        "Copyright",
    ] {
        assert!(!text.contains(boilerplate), "{boilerplate} kept");
    }
}

#[test]
fn html_on_stdin_is_sniffed_by_its_content() {
    let page = std::fs::read(common::root().join(NEWS)).unwrap();
    let article = json(&["-"], Some(&page));
    assert_eq!(article["source"]["format"], "html");
    assert_eq!(article["source"]["path"], Value::Null);
    assert_eq!(article["title"], "Valley road reopens after floods");
}

#[test]
fn f_html_forces_the_reader_and_f_text_keeps_the_markup() {
    // No doctype, no leading tag, no extension: auto reads text.
    let page = b"Saved page:\n<p>The harbour reopened on Monday, the council said.</p>\n";
    let auto = json(&["-"], Some(page));
    assert_eq!(auto["source"]["format"], "text");
    let forced = json(&["-", "-f", "html"], Some(page));
    assert_eq!(forced["source"]["format"], "html");
    assert!(
        block_texts(&forced)
            .iter()
            .any(|t| t == "The harbour reopened on Monday, the council said.")
    );
    let text = json(&[NEWS, "-f", "text"], None);
    assert_eq!(text["source"]["format"], "text");
    assert!(block_texts(&text).join(" ").contains("<p>"));
}

#[test]
fn a_windows_1252_page_is_decoded_by_its_meta_charset() {
    let article = json(&[WINDOWS_1252], None);
    assert_eq!(article["source"]["encoding"], "windows-1252");
    assert_eq!(article["source"]["encoding_source"], "declared");
    assert!(article["source"].get("declared_encoding").is_none());
    assert_eq!(article["title"], "Café culture returns");
    assert!(block_texts(&article).join(" ").contains("5 € per table"));
}

#[test]
fn an_overruled_charset_is_warned_about_unless_quiet() {
    artconv()
        .args([DECLARED_UTF8_IS_1256, "-t", "json"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "artconv: {DECLARED_UTF8_IS_1256}: page declares UTF-8 but is not valid UTF-8; \
             decoded as windows-1256 (detected)"
        )))
        .stdout(predicate::str::contains("\"declared_encoding\": \"UTF-8\""));
    artconv()
        .args([DECLARED_UTF8_IS_1256, "-t", "json", "-q"])
        .assert()
        .success()
        .stderr("");
    // A declaration that the bytes agree with says nothing.
    artconv()
        .args([WINDOWS_1252, "-t", "json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("declares").not());
}

#[test]
fn an_empty_page_is_an_error_that_says_so() {
    for (args, stdin) in [
        (
            vec!["-"],
            "<!DOCTYPE html><html><head></head><body></body></html>",
        ),
        (
            vec!["-", "-f", "html"],
            "<div><script>var x = 1;</script></div>",
        ),
    ] {
        artconv()
            .args(&args)
            .write_stdin(stdin)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(
                "no article text found in the HTML page",
            ))
            .stderr(predicate::str::contains("blank lines").not());
    }
}

#[test]
fn metadata_reaches_the_json_output() {
    let article = json(&[JSON_LD], None);
    let m = &article["metadata"];
    assert_eq!(article["title"], "Library opens");
    assert_eq!(
        m["authors"],
        serde_json::json!(["Ana Reporter", "Ben Editor"])
    );
    assert_eq!(m["published"], "2024-02-10T09:30:00+01:00");
    assert_eq!(m["site_name"], "Town Herald");

    let article = json(&[NEWS], None);
    let m = &article["metadata"];
    assert_eq!(m["url"], "https://gazette.example/news/valley-road");
    assert_eq!(m["authors"], serde_json::json!(["Jo Writer"]));
    assert_eq!(article["lang"], "en-GB");
    assert_eq!(article["dir"], "ltr");

    let article = json(&[RTL], None);
    assert_eq!(article["lang"], "ar");
    assert_eq!(article["dir"], "rtl");
    assert_eq!(article["title"], "أمطار غزيرة في العاصمة");
}

#[test]
fn a_visible_byline_gives_the_authors_and_leaves_the_body() {
    let page = "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><body><article>\
        <h1>افتتاح الجسر الجديد</h1>\
        <p>بقلم: أحمد علي</p>\
        <p>افتتحت البلدية اليوم الجسر الجديد فوق النهر، بعد عامين من أعمال البناء المتواصلة.</p>\
        <p>وقال رئيس البلدية إن الجسر سيخفف الازدحام في وسط المدينة، ويختصر الطريق إلى الميناء.</p>\
        </article></body></html>";
    let article = json(&["-"], Some(page.as_bytes()));
    assert_eq!(
        article["metadata"]["authors"],
        serde_json::json!(["أحمد علي"])
    );
    let blocks = block_texts(&article);
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    assert!(blocks.iter().all(|b| !b.contains("بقلم")));
}
