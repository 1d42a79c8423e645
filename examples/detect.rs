//! Runs the `--detect` report over files until the CLI flag is wired:
//!
//! ```text
//! cargo run --release --example detect -- [--json] FILE...
//! ```
//!
//! One line per file: tab-separated path, encoding, confidence, how it was
//! decided, format, language; or JSON Lines with `--json`. A file that
//! cannot be read is reported on stderr and makes the exit status 1.

use std::io::{self, BufWriter, Write};

use artconv::ConvertOptions;
use artconv::detect_report::{self, DetectReport};

fn main() {
    let mut json = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            _ => paths.push(arg),
        }
    }
    let options = ConvertOptions::default();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut status = 0;
    for path in &paths {
        let report = match std::fs::read(path) {
            Ok(bytes) => detect_report::report(Some(path), &bytes, &options),
            Err(error) => {
                eprintln!("detect: {path}: {error}");
                status = 1;
                continue;
            }
        };
        if let Some(warning) = &report.warning {
            eprintln!("detect: {path}: {warning}");
        }
        if write(&report, json, &mut out).is_err() {
            break;
        }
    }
    let _ = out.flush();
    std::process::exit(status);
}

fn write(report: &DetectReport, json: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        detect_report::write_jsonl(report, out)
    } else {
        detect_report::write_tsv(report, out)
    }
}
