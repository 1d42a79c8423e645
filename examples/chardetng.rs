//! chardetng alone, as a baseline for `scripts/score-encodings.py`:
//! a BOM if there is one, otherwise chardetng's guess over the whole file
//! (ISO-2022-JP and UTF-8 allowed, no top-level domain hint).
//!
//! ```text
//! cargo run --release --example chardetng -- [--json] FILE...
//! ```
//!
//! Prints the same records as the `detect` example, without language.

use std::io::{self, BufWriter, Write};

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

fn main() {
    let mut json = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            _ => paths.push(arg),
        }
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for path in &paths {
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("chardetng: {path}: cannot read");
            continue;
        };
        let (encoding, how) = match Encoding::for_bom(&bytes) {
            Some((encoding, _)) => (encoding, "bom"),
            None => {
                let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
                detector.feed(&bytes, true);
                (detector.guess(None, Utf8Detection::Allow), "detected")
            }
        };
        let written = if json {
            writeln!(
                out,
                "{{\"path\":{},\"encoding\":\"{}\",\"how\":\"{how}\"}}",
                serde_json::to_string(path).unwrap_or_default(),
                encoding.name()
            )
        } else {
            writeln!(out, "{path}\t{}\t-\t{how}\ttext\t-", encoding.name())
        };
        if written.is_err() {
            break;
        }
    }
    let _ = out.flush();
}
