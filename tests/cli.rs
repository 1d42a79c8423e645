//! The command line as a user meets it: exit codes, messages, stdin,
//! `-o`, and a closed pipe. Each test runs the binary hermetically.

mod common;

use std::io::Read;
use std::process::{Command as StdCommand, Stdio};

use common::artconv;
use predicates::prelude::*;

const SEED: &str = "fixtures/text-seed-utf8/input.txt";

#[test]
fn stdin_is_read_when_no_input_or_dash() {
    let text = "Harbour to be rebuilt\n\nThe council approved the plan on Monday.\n";
    for args in [vec![], vec!["-"]] {
        artconv()
            .args(&args)
            .args(["-t", "jsonl"])
            .write_stdin(text)
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "\"title\":\"Harbour to be rebuilt\"",
            ))
            .stdout(predicate::str::contains("\"path\":null"));
    }
}

#[test]
fn unknown_encoding_is_a_usage_error_that_says_what_to_do() {
    artconv()
        .args([SEED, "-e", "klingon"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown encoding label 'klingon'"))
        .stderr(predicate::str::contains("--list-encodings"));
    artconv()
        .arg("--list-encodings")
        .assert()
        .success()
        .stdout(predicate::str::contains("windows-1256\n"));
}

#[test]
fn unknown_flag_and_bad_format_are_usage_errors() {
    artconv().arg("--no-such-flag").assert().code(2);
    artconv().args([SEED, "-t", "pdf"]).assert().code(2);
    artconv()
        .args([SEED, "--lang", "not a tag"])
        .assert()
        .code(2);
}

#[test]
fn a_missing_file_is_named_and_the_others_still_convert() {
    artconv()
        .args(["no/such/file.txt", SEED, "-t", "jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("artconv: no/such/file.txt: "))
        .stdout(predicate::str::contains(
            "الانتقال إلى المرحلة الثانية من الاتفاق",
        ));
}

#[test]
fn directories_and_binaries_are_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("image.txt");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let assert = artconv().arg(&png).assert().code(1).stdout("");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a text file: PNG image"), "{stderr}");
    artconv()
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("directory"));
}

#[test]
fn empty_input_is_an_error() {
    artconv()
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("artconv: <stdin>: no text found"));
    artconv().write_stdin(" \n\u{a0}\n\n").assert().code(1);
}

#[test]
fn strict_refuses_malformed_bytes_with_their_offset() {
    let input: &[u8] = b"Caf\xe9 society\n\nA paragraph that is otherwise fine.\n";
    artconv()
        .args(["-e", "utf-8", "--strict"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "malformed UTF-8 byte sequence at byte offset 3",
        ));
    artconv()
        .args(["-e", "utf-8", "-t", "jsonl"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"replaced\":1"))
        .stderr(predicate::str::contains("replaced with U+FFFD"));
    artconv()
        .args(["-e", "utf-8", "-q"])
        .write_stdin(input)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn output_format_is_inferred_from_the_output_name_and_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.xml");
    artconv()
        .args([SEED, "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<article "));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");

    // A failed conversion leaves no output file at all.
    let failed = dir.path().join("failed.json");
    artconv()
        .args(["no/such/file.txt", "-o"])
        .arg(&failed)
        .assert()
        .code(1);
    assert!(!failed.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_input_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("article.txt");
    std::fs::write(&input, "Title\n\nBody text.\n").unwrap();
    artconv()
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite"));
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        "Title\n\nBody text.\n"
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    let paragraph =
        "A long paragraph of text that repeats to make a large input for the pipe test.\n\n";
    std::fs::write(&big, paragraph.repeat(100_000)).unwrap();
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("artconv"))
        .arg(&big)
        .args(["-t", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn several_inputs_to_json_make_an_array_in_input_order() {
    let assert = artconv()
        .args([SEED, "fixtures/text-seed-windows-1256/input.txt"])
        .assert()
        .success();
    let value: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let paths: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["source"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, [SEED, "fixtures/text-seed-windows-1256/input.txt"]);
}

#[test]
fn file_names_cannot_recolour_the_terminal() {
    artconv()
        .arg("no-such-\u{1b}[31mred.txt")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such-\\u{1b}[31mred.txt"))
        .stderr(predicate::str::contains("\u{1b}").not());
}

#[test]
fn help_shows_examples_and_version_works() {
    artconv()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    artconv()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("artconv "));
}

#[test]
fn detect_mode_prints_one_line_per_input() {
    let assert = artconv()
        .args([
            "--detect",
            "fixtures/text-seed-utf16le/input.txt",
            "fixtures/text-seed-iso-8859-6/input.txt",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let lines: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0][0], "fixtures/text-seed-utf16le/input.txt");
    assert_eq!(lines[0][1], "UTF-16LE");
    assert_eq!(lines[0][3], "detected");
    assert_eq!(lines[1][1], "ISO-8859-6");
    assert_eq!(lines[1][4], "text");
    assert_eq!(lines[1][5], "ar");
    let assert = artconv()
        .args(["--detect", "-t", "json", SEED])
        .assert()
        .success();
    let value: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(value["encoding"], "UTF-8");
    artconv()
        .args(["--detect", "no/such/file.txt", SEED])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("artconv: no/such/file.txt: "))
        .stdout(predicate::str::contains(SEED));
}

#[test]
fn csv_safe_defuses_formula_cells_and_is_off_by_default() {
    let text = "=HYPERLINK(\"http://evil.example\",\"click\")\n\n\
                +1 prices rose, the council said on Monday.\n\n\
                -5 degrees were measured in the valley overnight.\n\n\
                @channel was the name of the account, officials said.\n\n\
                Plain paragraph that starts with a letter stays as it is.\n";
    // Every cell of every row, in order.
    let cells = |args: &[&str]| -> Vec<String> {
        let output = artconv()
            .args(["-t", "csv"])
            .args(args)
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(output.status.success());
        let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
        reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    };
    let raw = cells(&[]);
    assert!(raw.iter().any(|cell| cell.starts_with("=HYPERLINK")));
    assert!(raw.iter().any(|cell| cell.starts_with("-5 degrees")));
    let safe = cells(&["--csv-safe"]);
    assert_eq!(raw.len(), safe.len());
    for (raw, safe) in raw.iter().zip(&safe) {
        if raw.starts_with(['=', '+', '-', '@']) {
            assert_eq!(safe, &format!("'{raw}"));
        } else {
            assert_eq!(safe, raw);
        }
    }
}

/// Files of 4 MiB and more are mapped instead of read; the articles must
/// not tell the difference, whatever the encoding, and `--no-mmap` and the
/// size limit must still work.
#[test]
fn a_large_file_converts_the_same_mapped_or_read() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(SEED).unwrap();
    let copies = 5 * 1024 * 1024 / seed.len() + 1;
    let utf8 = dir.path().join("large-utf8.txt");
    let text = seed.repeat(copies);
    std::fs::write(&utf8, &text).unwrap();
    // One byte a letter instead of two: twice the copies for the same size.
    let twice = text.repeat(2);
    let (legacy_bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&twice);
    let legacy = dir.path().join("large-1256.txt");
    std::fs::write(&legacy, &legacy_bytes).unwrap();
    for input in [&utf8, &legacy] {
        let convert = |flags: &[&str]| {
            let assert = artconv().args(flags).arg(input).assert().success();
            assert.get_output().stdout.clone()
        };
        let mapped = convert(&["-q", "-t", "jsonl"]);
        let read = convert(&["-q", "--no-mmap", "-t", "jsonl"]);
        assert!(mapped.len() > 5 * 1024 * 1024, "{}", input.display());
        assert!(mapped == read, "{} differs", input.display());
        // Read in two halves on two threads, counted as the units are
        // found: the seed's counts as many times as it was repeated (its
        // copies meet at a full stop, which ends a word).
        let stats = |json: &[u8]| -> (u64, u64) {
            let article: serde_json::Value = serde_json::from_slice(json).unwrap();
            let stats = &article["stats"];
            (
                stats["words"].as_u64().unwrap(),
                stats["characters"].as_u64().unwrap(),
            )
        };
        let (words, characters) = stats(
            &artconv()
                .args(["-q", "-t", "json", SEED])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        let repeats = if input == &utf8 { copies } else { 2 * copies } as u64;
        assert_eq!(
            stats(&mapped),
            (words * repeats, characters * repeats),
            "{}",
            input.display()
        );
        let detected = artconv().args(["--detect"]).arg(input).assert().success();
        let line = String::from_utf8(detected.get_output().stdout.clone()).unwrap();
        let expected = if input == &utf8 {
            "UTF-8"
        } else {
            "windows-1256"
        };
        assert_eq!(line.split('\t').nth(1), Some(expected), "{line}");
        for flags in [&["-q"][..], &["-q", "--no-mmap"][..]] {
            artconv()
                .args(flags)
                .args(["--max-input-size", "4194304"])
                .arg(input)
                .assert()
                .code(1)
                .stdout("")
                .stderr(predicate::str::contains(input.to_str().unwrap()))
                .stderr(predicate::str::contains("larger than"));
        }
    }
}

#[test]
fn max_input_size_takes_units() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("article.txt");
    std::fs::write(&input, "A paragraph that ends here.\n".repeat(100)).unwrap();
    // 2,800 bytes: over 2K (2,048) and 2KB (2,000), under 3K.
    for limit in ["2K", "2KiB", "2kb", "2000"] {
        artconv()
            .args(["-q", "--max-input-size", limit])
            .arg(&input)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("larger than"));
    }
    for limit in ["3K", "1M", "1GB"] {
        artconv()
            .args(["-q", "--max-input-size", limit])
            .arg(&input)
            .assert()
            .success();
    }
    artconv()
        .args(["--max-input-size", "2X"])
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'2X' is not a size"));
}
