//! Hostile input (issue 7): whatever the bytes, artconv either converts them
//! into well-formed output or refuses them with one clear line naming the
//! input — never a panic, never a hang, never a half-written file.

mod common;

use std::path::Path;

use common::artconv;

/// One row of the table: input bytes, extra arguments, expected exit code,
/// and a fragment of the expected message (empty for a conversion).
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    args: &'static [&'static str],
    code: i32,
    message: &'static str,
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn cases() -> Vec<Case> {
    let mut lone_surrogate = vec![0xFF, 0xFE];
    lone_surrogate.extend(utf16le("Title\n\nBody "));
    lone_surrogate.extend([0x00, 0xD8]); // a high surrogate with no low one
    lone_surrogate.extend(utf16le(" text.\n"));
    // Found by the `decode` fuzz target (fuzz/runs.md).
    let mut surrogate_then_odd = vec![0xFF, 0xFE];
    surrogate_then_odd.extend(utf16le("Title\n\nBody text."));
    surrogate_then_odd.extend([0x84, 0xD8, 0xAA]);
    let mut odd = vec![0xFF, 0xFE];
    odd.extend(utf16le("Title\n\nBody text.\n"));
    odd.push(0x41);
    let mut nul_laden = b"Some text\0\0\x01 with NULs \0 and \x02 controls\0".repeat(50);
    nul_laden.extend(b"\0\0");
    let one_line = "word ".repeat(10_000_000); // 50 MB, no line break
    let laughs = {
        let mut doc =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for i in 1..10 {
            let previous = if i == 1 {
                "lol".to_string()
            } else {
                format!("lol{}", i - 1)
            };
            doc.push_str(&format!(
                " <!ENTITY lol{i} \"{}\">\n",
                format!("&{previous};").repeat(10)
            ));
        }
        doc.push_str(
            "]>\n<article schema_version=\"1\" dir=\"ltr\"><title>&lol9;</title></article>\n",
        );
        doc
    };
    let deep_json = format!(
        "{{\"schema_version\": \"1\", \"title\": {}",
        "[".repeat(100_000)
    );
    let million = "word\n\n".repeat(1_000_000);
    let deep_html = deep_html(100_000);
    let unclosed_html = format!(
        "<!DOCTYPE html><html><body>{}",
        "<div><p><b><i><span><table><tr><td>Unclosed text. ".repeat(20_000)
    );
    vec![
        Case {
            name: "empty",
            bytes: vec![],
            args: &[],
            code: 1,
            message: "no text found",
        },
        Case {
            name: "whitespace only",
            bytes: b" \t\n\r\n   \n".to_vec(),
            args: &[],
            code: 1,
            message: "no text found",
        },
        Case {
            name: "only U+00A0 lines",
            bytes: "\u{a0}\n\u{a0}\u{a0}\n\u{3000}\u{200b}\n".into(),
            args: &[],
            code: 1,
            message: "no text found",
        },
        Case {
            name: "PNG header",
            bytes: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec(),
            args: &[],
            code: 1,
            message: "not a text file: PNG image",
        },
        Case {
            name: "ELF header",
            bytes: b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0".to_vec(),
            args: &[],
            code: 1,
            message: "not a text file: ELF executable",
        },
        Case {
            name: "NUL-laden",
            bytes: nul_laden,
            args: &[],
            code: 1,
            message: "not a text file",
        },
        Case {
            name: "UTF-16 with an odd byte count",
            bytes: odd,
            args: &[],
            code: 0,
            message: "",
        },
        Case {
            name: "UTF-16 with a lone surrogate",
            bytes: lone_surrogate,
            args: &[],
            code: 0,
            message: "",
        },
        Case {
            name: "UTF-16 ending in a lone surrogate and an odd byte",
            bytes: surrogate_then_odd,
            args: &[],
            code: 0,
            message: "",
        },
        Case {
            name: "invalid UTF-8 forced",
            bytes: b"Title\n\nCaf\xc3 au lait \xff\xfe.\n".to_vec(),
            args: &["-e", "utf-8"],
            code: 0,
            message: "",
        },
        Case {
            name: "invalid UTF-8 with --strict",
            bytes: b"Title\n\nCaf\xc3 au lait.\n".to_vec(),
            args: &["-e", "utf-8", "--strict"],
            code: 1,
            message: "malformed UTF-8 byte sequence at byte offset 10",
        },
        Case {
            name: "invalid UTF-8 detected, --strict",
            bytes: b"Title\n\nCaf\xe9 au lait \xe0 la cr\xe8me, tr\xe8s bien.\n".to_vec(),
            args: &["--strict"],
            code: 0,
            message: "",
        },
        Case {
            name: "50 MB on one line",
            bytes: one_line.into_bytes(),
            args: &[],
            code: 0,
            message: "",
        },
        Case {
            name: "1,000,000 one-word paragraphs",
            bytes: million.into_bytes(),
            args: &[],
            code: 0,
            message: "",
        },
        Case {
            name: "larger than --max-input-size",
            bytes: b"Title\n\nBody text that is long enough.\n".to_vec(),
            args: &["--max-input-size", "10"],
            code: 1,
            message: "larger than the limit of 10 bytes",
        },
        Case {
            name: "HTML nested 100,000 deep",
            bytes: deep_html.into_bytes(),
            args: &[],
            code: 0,
            message: "",
        },
        Case {
            name: "HTML with 160,000 unclosed tags",
            bytes: unclosed_html.into_bytes(),
            args: &[],
            code: 0,
            message: "",
        },
        Case {
            name: "XML billion laughs",
            bytes: laughs.clone().into_bytes(),
            args: &[],
            code: 1,
            message: "invalid XML at line 2, column 1: a document type declaration (DOCTYPE) is refused",
        },
        Case {
            name: "XML billion laughs forced",
            bytes: laughs.into_bytes(),
            args: &["-f", "xml"],
            code: 1,
            message: "DOCTYPE",
        },
        Case {
            name: "JSON nested 100,000 deep",
            bytes: deep_json.into_bytes(),
            args: &[],
            code: 1,
            message: "invalid JSON at line 1, column 160: recursion limit exceeded",
        },
        Case {
            name: "JSON arrays nested 100,000 deep forced",
            bytes: "[".repeat(100_000).into_bytes(),
            args: &["-f", "json"],
            code: 1,
            message: "recursion limit exceeded",
        },
        Case {
            name: "text forced as JSON",
            bytes: b"Title\n\nBody text.\n".to_vec(),
            args: &["-f", "json"],
            code: 1,
            message: "invalid JSON at line 1, column 1: expected value",
        },
        Case {
            name: "another schema_version",
            bytes: b"{\"schema_version\": \"2\", \"title\": null}\n".to_vec(),
            args: &[],
            code: 1,
            message: "schema_version \"2\" is not supported: this artconv reads schema_version \"1\"",
        },
        Case {
            name: "broken front matter forced as Markdown",
            bytes: b"---\ntitle: [unclosed\n---\n\nBody.\n".to_vec(),
            args: &["-f", "markdown"],
            code: 1,
            message: "invalid YAML front matter at line 3",
        },
        Case {
            name: "control and bidi characters in text",
            bytes: "Title \u{202e}evil\n\nText \u{1b}[31mred\u{7} \u{fffe}\u{ffff} \u{2028} end.\n"
                .into(),
            args: &[],
            code: 0,
            message: "",
        },
    ]
}

/// A page whose only paragraph sits `depth` `<div>`s deep.
fn deep_html(depth: usize) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Deep page</title></head><body>{}\
         <p>The deepest paragraph of the page, with enough words to be content.</p>{}\
         </body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

/// The tree builder's scope checks are linear in the depth, so without a
/// bound this page took many minutes; with it the text is still extracted.
#[test]
fn deeply_nested_html_is_flattened_not_lost() {
    artconv()
        .args(["-f", "html", "-t", "jsonl"])
        .write_stdin(deep_html(100_000))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "The deepest paragraph of the page, with enough words to be content.",
        ));
}

/// Runs one case through a file and checks the promise for every format.
fn check(case: &Case, dir: &Path) {
    let input = dir.join(format!("{}.txt", case.name.replace([' ', ',', '-'], "_")));
    std::fs::write(&input, &case.bytes).unwrap();
    for format in ["jsonl", "csv", "xml", "md"] {
        let output = artconv()
            .arg(&input)
            .args(["-t", format])
            .args(case.args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(case.code),
            "{} (-t {format}): {stderr}",
            case.name
        );
        assert!(!stderr.contains("panicked"), "{}: {stderr}", case.name);
        if case.code != 0 {
            assert_eq!(
                stderr.lines().count(),
                1,
                "{}: one line: {stderr}",
                case.name
            );
            assert!(
                stderr.starts_with(&format!("artconv: {}: ", input.display())),
                "{}: {stderr}",
                case.name
            );
            assert!(stderr.contains(case.message), "{}: {stderr}", case.name);
            assert!(
                output.stdout.is_empty(),
                "{}: no output on failure",
                case.name
            );
            continue;
        }
        well_formed(format, &output.stdout, case.name);
        if format != "jsonl" {
            continue;
        }
        // Only the large cases are slow: check them with one format.
        if case.bytes.len() > 1_000_000 {
            break;
        }
    }
}

fn well_formed(format: &str, out: &[u8], name: &str) {
    let text = std::str::from_utf8(out).unwrap_or_else(|_| panic!("{name}: output is UTF-8"));
    match format {
        "jsonl" => {
            assert_eq!(text.matches('\n').count(), 1, "{name}: one line");
            let _: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        "csv" => {
            let mut reader = csv::Reader::from_reader(out);
            let width = reader.headers().unwrap().len();
            for record in reader.records() {
                assert_eq!(
                    record.unwrap_or_else(|e| panic!("{name}: {e}")).len(),
                    width
                );
            }
        }
        "xml" => {
            let mut reader = quick_xml::Reader::from_reader(out);
            let mut buffer = Vec::new();
            loop {
                match reader.read_event_into(&mut buffer) {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => buffer.clear(),
                    Err(e) => panic!("{name}: XML not well-formed: {e}"),
                }
            }
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{fffe}', '\u{ffff}']),
                "{name}: forbidden characters dropped"
            );
        }
        _ => assert!(text.starts_with("---\n"), "{name}: front matter"),
    }
}

#[test]
fn the_table_of_hostile_inputs() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases() {
        check(&case, dir.path());
    }
}

#[test]
fn a_missing_path_and_a_directory_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    let output = artconv().arg(&missing).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("artconv: {}: ", missing.display())),
        "{stderr}"
    );
    assert!(stderr.contains("No such file"), "{stderr}");
    let output = artconv().arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is a directory"));
}

#[test]
fn an_unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.txt");
    std::fs::write(&locked, "Title\n\nBody text.\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!(
            "NOTICE: running as root, permission 000 does not stop reading; unreadable-file case skipped"
        );
        return;
    }
    let output = artconv().arg(&locked).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Permission denied"));
}

#[test]
fn a_full_device_is_an_error_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let output = artconv()
        .args(["fixtures/text-seed-utf8/input.txt", "-o", "/dev/full"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("artconv"))
        .arg(common::root().join("fixtures/text-seed-utf8/input.txt"))
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("No space left on device") && !stderr.contains("panicked"),
        "{stderr}"
    );
    // The device is still a device: artconv never renames over it.
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}
