//! Map mode (issue 4): `artconv -f envelope` reads JSON Lines records on
//! standard input and writes one JSON line per record, in order.
//!
//! The binary runs with a cleared environment, as Spark's `RDD.pipe`
//! starts it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command as StdCommand, Stdio};

use base64::Engine as _;
use predicates::prelude::*;
use serde_json::{Value, json};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn record_b64(id: &str, path: Option<&str>, bytes: &[u8]) -> String {
    let mut value = json!({ "id": id, "content_base64": b64(bytes) });
    if let Some(path) = path {
        value["path"] = json!(path);
    }
    format!("{value}\n")
}

fn record_text(id: &str, text: &str) -> String {
    format!("{}\n", json!({ "id": id, "content": text }))
}

/// Runs map mode on `input`; returns status, stdout lines parsed, stderr.
fn map(input: &str, args: &[&str]) -> (i32, Vec<Value>, String, Vec<u8>) {
    let output = common::artconv()
        .args(["-f", "envelope"])
        .args(args)
        .write_stdin(input.as_bytes().to_vec())
        .output()
        .unwrap();
    let stdout = output.stdout.clone();
    let text = String::from_utf8(output.stdout).expect("output is UTF-8");
    let lines = text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (
        output.status.code().unwrap(),
        lines,
        String::from_utf8_lossy(&output.stderr).into_owned(),
        stdout,
    )
}

fn article(n: usize) -> String {
    format!(
        "Report number {n}\n\nThe council met on day {n} and approved the harbour plan.\n\nWork starts next year.\n"
    )
}

#[test]
fn non_utf8_bytes_travel_in_base64() {
    let arabic =
        "تقرير عن الطقس\n\nقالت الهيئة إن الأمطار ستستمر حتى نهاية الأسبوع في المدن الساحلية.\n";
    let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(arabic);
    let (utf16, _) = {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in arabic.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        (bytes, ())
    };
    let input = record_b64("cp", Some("old/a.txt"), &cp1256)
        + &record_b64("u16", None, &utf16)
        + &record_b64(
            "bad",
            None,
            b"Title\n\nBroken \xFF byte in a long enough line.\n",
        );
    let (status, lines, stderr, _) = map(&input, &[]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["article"]["source"]["encoding"], "windows-1256");
    assert_eq!(lines[0]["article"]["title"], "تقرير عن الطقس");
    assert_eq!(lines[0]["article"]["dir"], "rtl");
    assert_eq!(lines[0]["article"]["source"]["path"], "old/a.txt");
    assert_eq!(lines[1]["article"]["source"]["encoding"], "UTF-16LE");
    assert_eq!(lines[1]["article"]["title"], "تقرير عن الطقس");
    assert_ne!(lines[2]["article"]["source"]["encoding"], "UTF-8");
    // --encoding and --strict apply to the bytes of every record.
    let (status, strict, _, _) = map(&input, &["-e", "utf-8", "--strict"]);
    assert_eq!(status, 0);
    assert_eq!(strict[2]["error"]["kind"], "malformed");
    // The same bytes as a file give the same article.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("old")).unwrap();
    std::fs::write(dir.path().join("old/a.txt"), &cp1256).unwrap();
    let file = common::artconv()
        .current_dir(dir.path())
        .args(["old/a.txt", "-t", "jsonl"])
        .output()
        .unwrap();
    let from_file: Value = serde_json::from_slice(&file.stdout).unwrap();
    assert_eq!(lines[0]["article"], from_file);
}

#[test]
fn an_empty_document_is_an_error_record() {
    let input = record_b64("e1", Some("empty.txt"), b"") + &record_text("e2", "  \n\n");
    let (status, lines, stderr, _) = map(&input, &[]);
    assert_eq!(status, 0);
    assert_eq!(stderr, "");
    assert_eq!(
        lines[0],
        json!({ "id": "e1", "path": "empty.txt", "error": {
            "kind": "empty",
            "message": "no text found: the input is empty or holds only blank lines" } })
    );
    assert_eq!(lines[1]["error"]["kind"], "empty");
    assert_eq!(lines[1]["path"], Value::Null);
}

#[test]
fn line_separators_never_split_a_record() {
    let text = "Title\n\nOne\u{2028}two\u{2029}three \u{85} four, written on one line.\n";
    let input = record_text("sep\u{2028}id", text) + &record_b64("b", None, text.as_bytes());
    let (status, lines, _, raw) = map(&input, &[]);
    assert_eq!(status, 0);
    let raw = String::from_utf8(raw).unwrap();
    assert!(
        !raw.contains(['\u{2028}', '\u{2029}', '\u{85}', '\r']),
        "{raw}"
    );
    assert_eq!(raw.matches('\n').count(), 2);
    assert_eq!(lines[0]["id"], "sep\u{2028}id");
    let block = &lines[0]["article"]["sections"][0]["blocks"][0]["text"];
    assert!(
        block
            .as_str()
            .unwrap()
            .contains("One\u{2028}two\u{2029}three")
    );
    // `content` is text: decoded as UTF-8 whatever -e says.
    assert_eq!(lines[0]["article"]["source"]["encoding_source"], "forced");
    assert_eq!(
        lines[0]["article"]["sections"],
        lines[1]["article"]["sections"]
    );
}

#[test]
fn one_line_out_per_record_in_order_whatever_the_jobs() {
    let mut input = String::new();
    for n in 0..300 {
        let record = if n % 3 == 0 {
            record_text(&format!("r{n}"), &article(n))
        } else {
            record_b64(
                &format!("r{n}"),
                Some(&format!("c/{n}.txt")),
                article(n).as_bytes(),
            )
        };
        // CRLF framing and blank lines are tolerated.
        input.push_str(&record.replace('\n', if n % 2 == 0 { "\r\n" } else { "\n" }));
        if n % 50 == 0 {
            input.push_str("\n  \r\n");
        }
    }
    let (status, lines, stderr, one) = map(&input, &["-j", "1"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(lines.len(), 300);
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line["id"], format!("r{n}"));
        assert_eq!(line["article"]["title"], format!("Report number {n}"));
    }
    let (_, _, _, four) = map(&input, &["-j", "4"]);
    assert_eq!(one, four, "the bytes do not depend on --jobs");
}

#[test]
fn a_failing_record_in_the_middle_does_not_stop_the_run() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01";
    let input = record_text("a", &article(1))
        + &record_b64("png", Some("img.png"), png)
        + r#"{"id":"b64","content_base64":"not base64!"}"#
        + "\n"
        + &record_b64("big", None, &article(2).repeat(100).into_bytes())
        + &record_text("z", &article(3));
    let (status, lines, stderr, _) = map(&input, &["--max-input-size", "2000"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stderr, "");
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| l["error"]["kind"].as_str().unwrap_or("ok"))
        .collect();
    assert_eq!(
        kinds,
        ["ok", "not_text", "invalid_base64", "too_large", "ok"]
    );
    assert_eq!(lines[1]["path"], "img.png");
    assert_eq!(lines[4]["id"], "z");
}

#[test]
fn broken_framing_is_fatal_after_the_records_before_it() {
    for (bad, problem) in [
        ("not json", "line 3: not valid JSON"),
        (
            r#"{"id":1,"content":"x"}"#,
            "line 3: \"id\" is not a string",
        ),
        (r#"{"id":"x"}"#, "line 3: record \"x\": neither"),
        (
            r#"{"id":"x","content":"a","content_base64":"YQ=="}"#,
            "line 3: record \"x\": both",
        ),
    ] {
        let input =
            record_text("a", &article(1)) + "\n" + bad + "\n" + &record_text("after", &article(2));
        let (status, lines, stderr, raw) = map(&input, &["-j", "2"]);
        assert_eq!(status, 1);
        assert_eq!(lines.len(), 1, "{bad}");
        assert!(raw.ends_with(b"\n"), "the records written are whole lines");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("artconv: <stdin>: ") && stderr.contains(problem),
            "{stderr}"
        );
    }
}

#[test]
fn path_feeds_sniffing_and_source_path() {
    let input = record_b64("h", Some("site/page.html"), b"Just words, <b>bold</b>.")
        + &record_b64("t", Some("notes.txt"), b"Just words, <b>bold</b>.");
    let (_, lines, _, _) = map(&input, &[]);
    assert_eq!(lines[0]["article"]["source"]["format"], "html");
    assert_eq!(lines[0]["article"]["source"]["path"], "site/page.html");
    assert_eq!(lines[1]["article"]["source"]["format"], "text");
}

#[test]
fn output_fits_the_envelope_schema() {
    let load = |name: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(common::root().join("schema").join(name)).unwrap(),
        )
        .unwrap()
    };
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource(
            "https://github.com/artconv/artconv/schema/article.schema.json",
            load("article.schema.json"),
        )
        .unwrap();
    compiler
        .add_resource(
            "https://github.com/artconv/artconv/schema/envelope.schema.json",
            load("envelope.schema.json"),
        )
        .unwrap();
    let index = compiler
        .compile(
            "https://github.com/artconv/artconv/schema/envelope.schema.json",
            &mut schemas,
        )
        .unwrap();
    let input = record_text("a", &article(1))
        + &record_b64("b", Some("x.bin"), b"\0\0\0\x01ELF")
        + &record_b64("c", None, b"");
    let (_, lines, _, _) = map(&input, &[]);
    assert_eq!(lines.len(), 3);
    for line in &lines {
        if let Err(error) = schemas.validate(line, index) {
            panic!("schema violation: {error}\n{line}");
        }
    }
    let mut wrong = lines[0].clone();
    wrong["error"] = json!({ "kind": "empty", "message": "x" });
    assert!(schemas.validate(&wrong, index).is_err());
}

#[test]
fn flags_that_map_mode_cannot_honour_are_usage_errors() {
    for args in [
        &["a.txt"][..],
        &["-r", "."],
        &["-o", "out.jsonl"],
        &["-t", "csv"],
        &["--detect"],
    ] {
        common::artconv()
            .args(["-f", "envelope"])
            .args(args)
            .write_stdin("")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("-f envelope"));
    }
    common::artconv()
        .args(["-f", "envelope", "-t", "jsonl", "-"])
        .write_stdin("")
        .assert()
        .success()
        .stdout("");
}

#[test]
fn a_closed_stdout_ends_map_mode_quietly() {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("artconv"))
        .args(["-f", "envelope", "-j", "2"])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for n in 0..5000 {
            let record = record_text(&format!("r{n}"), &article(n).repeat(10));
            if stdin.write_all(record.as_bytes()).is_err() {
                break; // artconv has gone: expected.
            }
        }
    });
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.starts_with("{\"id\":\"r0\""), "{first}");
    drop(reader); // `| head -1`
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn a_co_process_gets_each_answer_before_sending_the_next_record() {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("artconv"))
        .args(["-f", "envelope", "-j", "2"])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for n in 0..3 {
        stdin
            .write_all(record_text(&format!("q{n}"), &article(n)).as_bytes())
            .unwrap();
        stdin.flush().unwrap();
        let mut answer = String::new();
        reader.read_line(&mut answer).unwrap();
        assert!(
            answer.starts_with(&format!("{{\"id\":\"q{n}\"")),
            "{answer}"
        );
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
