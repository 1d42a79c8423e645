//! Batch runs (issue 4): many inputs, folders, lists, --out-dir, --jobs,
//! failures among successes, closed pipes, reports.
//!
//! Every test builds its inputs in a temporary folder and runs the binary
//! there, with a cleared environment.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01";

/// The binary, run in `dir` with a cleared environment.
fn artconv(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("artconv").expect("binary built");
    cmd.env_clear().current_dir(dir);
    cmd
}

/// A short article: English or Arabic, different for every `n`.
fn article(n: usize) -> String {
    if n.is_multiple_of(3) {
        format!(
            "تقرير رقم {n} عن الطقس\n\nقالت الهيئة إن الأمطار ستستمر حتى نهاية الأسبوع في المدن الساحلية.\n\nوأضافت أن درجات الحرارة ستنخفض قليلا يوم {n}.\n"
        )
    } else {
        format!(
            "Market note number {n}\n\nShares rose for the {n}th day as traders waited for the bank's decision.\n\nAnalysts said the move was expected.\n"
        )
    }
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

/// Every file under `dir`, relative and sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn visit(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    visit(dir, dir, &mut out);
    out.sort();
    out
}

fn stdout_of(cmd: &mut Command) -> String {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `source.path` of every JSON line.
fn paths_of_jsonl(jsonl: &str) -> Vec<String> {
    jsonl
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["source"]["path"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn files_and_folders_mix_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("single.txt"), article(1));
    write(&d.join("corpus/b.txt"), article(2));
    write(&d.join("corpus/a.txt"), article(3));
    write(&d.join("corpus/sub/c.txt"), article(4));
    let out = stdout_of(artconv(d).args(["single.txt", "-r", "corpus", "-t", "jsonl"]));
    assert_eq!(
        paths_of_jsonl(&out),
        [
            "single.txt",
            "corpus/a.txt",
            "corpus/b.txt",
            "corpus/sub/c.txt"
        ]
    );
    // A folder without -r is named as a failure; the others still convert.
    artconv(d)
        .args(["single.txt", "corpus", "-t", "jsonl"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("single.txt"))
        .stderr(predicate::str::contains(
            "artconv: corpus: is a directory (use -r",
        ));
}

#[test]
fn several_inputs_frame_each_format_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for n in 0..3 {
        write(&d.join(format!("c/{n}.txt")), article(n));
    }
    let json = stdout_of(artconv(d).args(["-r", "c", "-t", "json"]));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 3);
    let csv = stdout_of(artconv(d).args(["-r", "c", "-t", "csv", "--csv-rows", "articles"]));
    assert_eq!(csv.lines().filter(|l| l.starts_with("path,")).count(), 1);
    let xml = stdout_of(artconv(d).args(["-r", "c", "-t", "xml"]));
    assert_eq!(xml.matches("<articles").count(), 1);
    assert_eq!(xml.matches("</articles>").count(), 1);
    // A folder holding one file is still a batch: an array, not an object.
    write(&d.join("one/x.txt"), article(7));
    let json = stdout_of(artconv(d).args(["-r", "one"]));
    assert!(json.trim_start().starts_with('['), "{json}");
}

#[test]
fn out_dir_mirrors_relative_paths_and_replaces_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("corpus/a.txt"), article(1));
    write(&d.join("corpus/2024/may/b.text"), article(2));
    write(&d.join("corpus/noext"), article(3));
    artconv(d)
        .args(["-r", "corpus", "--out-dir", "out", "-t", "md"])
        .assert()
        .success();
    assert_eq!(tree(&d.join("out")), ["2024/may/b.md", "a.md", "noext.md"]);
    let md = fs::read_to_string(d.join("out/a.md")).unwrap();
    assert!(md.starts_with("---\n"), "{md}");

    // Two folders: each keeps its name under DIR.
    write(&d.join("blogs/a.txt"), article(4));
    artconv(d)
        .args(["-r", "corpus", "blogs", "--out-dir", "out2"])
        .assert()
        .success();
    assert_eq!(
        tree(&d.join("out2")),
        [
            "blogs/a.json",
            "corpus/2024/may/b.json",
            "corpus/a.json",
            "corpus/noext.json"
        ]
    );

    // Absolute paths and `..` never escape DIR.
    let work = d.join("work");
    fs::create_dir_all(&work).unwrap();
    let absolute = d.join("corpus/a.txt");
    artconv(&work)
        .arg(&absolute)
        .args(["../blogs/a.txt", "--out-dir", "../out3", "-t", "jsonl"])
        .assert()
        .success();
    assert_eq!(tree(&d.join("out3")), ["blogs/a.jsonl", "corpus/a.jsonl"]);
    assert_eq!(tree(&work), Vec::<String>::new());
}

#[test]
fn name_collisions_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/0.txt"), article(0));
    write(&d.join("c/note.txt"), article(1));
    write(&d.join("c/note.md"), article(2));
    artconv(d)
        .args(["-r", "c", "--out-dir", "out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("c/note.md and c/note.txt"))
        .stderr(predicate::str::contains("out/note.json"));
    assert!(!d.join("out").exists());
    // An output that would overwrite its own input is refused too.
    write(&d.join("j/a.json"), article(3));
    artconv(d)
        .args(["-r", "j", "--out-dir", "j"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("overwrite an input"));
    assert_eq!(fs::read_to_string(d.join("j/a.json")).unwrap(), article(3));
}

#[test]
fn skip_existing_leaves_newer_outputs_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/a.txt"), article(1));
    write(&d.join("c/b.txt"), article(2));
    artconv(d)
        .args(["-r", "c", "--out-dir", "out"])
        .assert()
        .success();
    // a.txt is older than its output (set explicitly: two writes in the
    // same clock tick would otherwise tie); b.txt changes after its output
    // was written: only it is redone.
    let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    fs::File::options()
        .write(true)
        .open(d.join("c/a.txt"))
        .unwrap()
        .set_modified(earlier)
        .unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    write(&d.join("c/b.txt"), article(5));
    fs::File::options()
        .write(true)
        .open(d.join("c/b.txt"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    artconv(d)
        .args(["-r", "c", "--out-dir", "out", "--skip-existing"])
        .args(["--report", "report.jsonl"])
        .assert()
        .success();
    let report = fs::read_to_string(d.join("report.jsonl")).unwrap();
    let statuses: Vec<(String, String)> = report
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                v["path"].as_str().unwrap().to_string(),
                v["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("c/a.txt".to_string(), "skipped".to_string()),
            ("c/b.txt".to_string(), "converted".to_string())
        ]
    );
    assert!(
        fs::read_to_string(d.join("out/b.json"))
            .unwrap()
            .contains("Market note number 5")
    );
}

#[test]
fn output_bytes_do_not_depend_on_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for n in 0..50 {
        // Uneven sizes, so that parallel jobs finish out of order.
        let text = article(n).repeat(1 + (n * 7) % 40);
        write(&d.join(format!("c/{}/{n:02}.txt", n % 4)), text);
    }
    for format in ["jsonl", "json", "csv", "xml", "md"] {
        let one = stdout_of(artconv(d).args(["-r", "c", "-t", format, "--jobs", "1"]));
        let four = stdout_of(artconv(d).args(["-r", "c", "-t", format, "--jobs", "4"]));
        assert!(one == four, "{format} differs between --jobs 1 and 4");
    }
    for jobs in ["1", "4"] {
        artconv(d)
            .args(["-r", "c", "--out-dir", &format!("out{jobs}"), "-j", jobs])
            .args(["--report", &format!("report{jobs}.jsonl")])
            .assert()
            .success();
    }
    let files = tree(&d.join("out1"));
    assert_eq!(files.len(), 50);
    assert_eq!(files, tree(&d.join("out4")));
    for file in &files {
        assert_eq!(
            fs::read(d.join("out1").join(file)).unwrap(),
            fs::read(d.join("out4").join(file)).unwrap()
        );
    }
    let report = |jobs: &str| {
        fs::read_to_string(d.join(format!("report{jobs}.jsonl")))
            .unwrap()
            .replace(&format!("out{jobs}"), "out")
    };
    assert_eq!(report("1"), report("4"));
}

#[test]
fn one_bad_file_fails_alone_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/a.txt"), article(1));
    write(&d.join("c/b.txt"), PNG);
    write(&d.join("c/c.txt"), article(2));
    let assert = artconv(d)
        .args(["-r", "c", "--out-dir", "out", "-j", "2"])
        .args(["--report", "report.jsonl"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr.trim_end(),
        "artconv: c/b.txt: not a text file: PNG image"
    );
    // Only complete outputs, and no temporary file left behind.
    assert_eq!(tree(&d.join("out")), ["a.json", "c.json"]);
    let report = fs::read_to_string(d.join("report.jsonl")).unwrap();
    let bad: serde_json::Value = serde_json::from_str(report.lines().nth(1).unwrap()).unwrap();
    assert_eq!(bad["status"], "failed");
    assert_eq!(bad["error"], "not a text file: PNG image");
    assert_eq!(bad["output"], "out/b.json");

    // To stdout: the good ones are written, in order.
    let output = artconv(d)
        .args(["-r", "c", "-t", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    assert_eq!(paths_of_jsonl(&out), ["c/a.txt", "c/c.txt"]);

    // --fail-fast stops there: what came before is kept, nothing after.
    let output = artconv(d)
        .args(["-r", "c", "-t", "jsonl", "--fail-fast", "-j", "4"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    assert_eq!(paths_of_jsonl(&out), ["c/a.txt"]);
}

#[test]
fn a_closed_stdout_ends_a_batch_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for n in 0..300 {
        write(&d.join(format!("c/{n:03}.txt")), article(n).repeat(20));
    }
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("artconv"))
        .args(["-r", "c", "-t", "jsonl", "-j", "2"])
        .current_dir(d)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.contains("c/000.txt"));
    drop(reader); // `| head -1`
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn files_from_reads_nul_separated_lists_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/plain.txt"), article(1));
    write(&d.join("c/with space.txt"), article(2));
    write(&d.join("c/line\nbreak.txt"), article(3));
    write(&d.join("c/skip.md"), article(4));
    let list = b"c/line\nbreak.txt\0c\0c/with space.txt\0c/plain.txt\0c/skip.md\0";
    let out = stdout_of(
        artconv(d)
            .args(["--files-from", "-", "-0", "-t", "jsonl"])
            .args(["--exclude", "*.md"])
            .write_stdin(list.to_vec()),
    );
    // The folder `c` in the list is skipped without -r (find lists it too).
    assert_eq!(
        paths_of_jsonl(&out),
        ["c/line\nbreak.txt", "c/with space.txt", "c/plain.txt"]
    );
    // One path per line from a file, CRLF tolerated.
    write(&d.join("list.txt"), "c/plain.txt\r\n\r\nc/skip.md\r\n");
    let out = stdout_of(artconv(d).args(["--files-from", "list.txt", "-t", "jsonl"]));
    assert_eq!(paths_of_jsonl(&out), ["c/plain.txt", "c/skip.md"]);
    // stdin cannot be both the list and an input.
    artconv(d)
        .args(["-", "--files-from", "-"])
        .write_stdin("")
        .assert()
        .code(2);
}

#[test]
fn include_and_exclude_filter_what_folders_bring() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/a.txt"), article(1));
    write(&d.join("c/b.md"), article(2));
    write(&d.join("c/drafts/c.txt"), article(3));
    write(&d.join("c/2024/d.txt"), article(4));
    write(&d.join("named.md"), article(5));
    let out = stdout_of(
        artconv(d)
            .args(["named.md", "-r", "c", "-t", "jsonl"])
            .args(["--include", "*.txt", "--exclude", "drafts"]),
    );
    // Files named on the command line are always converted.
    assert_eq!(
        paths_of_jsonl(&out),
        ["named.md", "c/2024/d.txt", "c/a.txt"]
    );
    let out = stdout_of(artconv(d).args(["-r", "c", "-t", "jsonl"]).args([
        "--include",
        "2024/*",
        "--include",
        "b.md",
    ]));
    assert_eq!(paths_of_jsonl(&out), ["c/2024/d.txt", "c/b.md"]);
    artconv(d)
        .args(["-r", "c", "--include", "a["])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid glob"));
}

#[test]
fn hidden_files_and_folders_are_skipped_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/a.txt"), article(1));
    write(&d.join("c/.secret.txt"), article(2));
    write(&d.join("c/.git/notes.txt"), article(3));
    let out = stdout_of(artconv(d).args(["-r", "c", "-t", "jsonl"]));
    assert_eq!(paths_of_jsonl(&out), ["c/a.txt"]);
    let out = stdout_of(artconv(d).args(["-r", "c", "-t", "jsonl", "--hidden"]));
    assert_eq!(
        paths_of_jsonl(&out),
        ["c/.git/notes.txt", "c/.secret.txt", "c/a.txt"]
    );
    // Walking `.` itself is fine: only what is below it can be hidden.
    let out = stdout_of(artconv(&d.join("c")).args(["-r", ".", "-t", "jsonl"]));
    assert_eq!(paths_of_jsonl(&out), ["./a.txt"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/sub/a.txt"), article(1));
    std::os::unix::fs::symlink("..", d.join("c/sub/up")).unwrap();
    let output = artconv(d)
        .args(["-r", "c", "-t", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let out = String::from_utf8(output.stdout).unwrap();
    assert_eq!(paths_of_jsonl(&out), ["c/sub/a.txt"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("symbolic link loop"), "{stderr}");
}

#[test]
fn verbose_summary_counts_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/a.txt"), article(1));
    write(&d.join("c/b.txt"), article(2));
    let text = article(3);
    let (arabic, _, _) = encoding_rs::WINDOWS_1256.encode(&text);
    write(&d.join("c/c.txt"), &*arabic);
    write(&d.join("c/d.txt"), PNG);
    let output = artconv(d)
        .args(["-r", "c", "--out-dir", "out", "-v", "-e", "windows-1256"])
        .arg("--progress=never")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let summary = stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("artconv: 3 converted, 0 skipped, 1 failed, "),
        "{summary}"
    );
    assert!(summary.ends_with("; 3 windows-1256"), "{summary}");
    // Not on a pipe without -v.
    let output = artconv(d)
        .args(["-r", "c", "-t", "jsonl"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("converted"), "{stderr}");
}

#[test]
fn stdin_in_a_batch_and_under_out_dir() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("a.txt"), article(1));
    artconv(d)
        .args(["a.txt", "-", "--out-dir", "out", "-t", "xml"])
        .write_stdin(article(2))
        .assert()
        .success();
    assert_eq!(tree(&d.join("out")), ["a.xml", "stdin.xml"]);
    let out = PathBuf::from("out/stdin.xml");
    assert!(
        fs::read_to_string(d.join(out))
            .unwrap()
            .contains("Market note number 2")
    );
}

#[test]
fn progress_always_draws_even_on_a_pipe_and_never_pollutes_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/a.txt"), article(1));
    write(&d.join("c/b.txt"), article(2));
    let plain = stdout_of(artconv(d).args(["-r", "c", "-t", "jsonl"]));
    let output = artconv(d)
        .args(["-r", "c", "-t", "jsonl", "--progress", "always"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), plain);
    // Nothing on stderr by default when it is not a terminal.
    artconv(d)
        .args(["-r", "c", "-t", "jsonl"])
        .assert()
        .stderr("");
}

#[test]
fn a_report_inside_a_walked_folder_is_not_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("c/a.txt"), article(1));
    write(&d.join("c/b.txt"), article(2));
    for _ in 0..2 {
        let out =
            stdout_of(artconv(d).args(["-r", "c", "-t", "jsonl", "--report", "c/report.jsonl"]));
        assert_eq!(paths_of_jsonl(&out), ["c/a.txt", "c/b.txt"]);
    }
    let report = fs::read_to_string(d.join("c/report.jsonl")).unwrap();
    assert_eq!(report.lines().count(), 2, "{report}");
    // Listed by --files-from too.
    write(&d.join("list"), "c/a.txt\nc/report.jsonl\n");
    let out = stdout_of(artconv(d).args([
        "--files-from",
        "list",
        "-t",
        "jsonl",
        "--report",
        "c/report.jsonl",
    ]));
    assert_eq!(paths_of_jsonl(&out), ["c/a.txt"]);
}

#[cfg(unix)]
#[test]
fn an_interrupted_batch_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for n in 0..400 {
        write(&d.join(format!("c/{n:03}.txt")), article(n).repeat(300));
    }
    let child = StdCommand::new(assert_cmd::cargo::cargo_bin("artconv"))
        .args([
            "-r",
            "c",
            "--out-dir",
            "out",
            "-j",
            "2",
            "--report",
            "r.jsonl",
        ])
        .current_dir(d)
        .env_clear()
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first outputs, then interrupt as Ctrl-C would.
    let started = std::time::Instant::now();
    while tree(&d.join("out")).len() < 3 && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let leftovers: Vec<String> = tree(d)
        .into_iter()
        .filter(|p| p.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(
        !d.join("r.jsonl").exists(),
        "an interrupted report is not committed"
    );
    for path in tree(&d.join("out")) {
        let json = fs::read_to_string(d.join("out").join(&path)).unwrap();
        serde_json::from_str::<serde_json::Value>(&json).expect("outputs are whole");
    }
}
