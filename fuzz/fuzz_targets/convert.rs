//! The whole path as the CLI runs it: sniffing, decoding, reading, and every
//! writer. Each output must be well-formed: JSON parses back, XML holds only
//! XML 1.0 characters, every output is UTF-8.
#![no_main]

use artconv::pipeline::{ConvertOptions, convert};
use artconv::writers::{self, OutputFormat, WriteOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(article) = convert(bytes, Some("input"), &ConvertOptions::default()) else {
        return;
    };
    for format in [
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Csv,
        OutputFormat::Xml,
        OutputFormat::Md,
    ] {
        let mut out = Vec::new();
        writers::write(&article, format, WriteOptions::default(), &mut out)
            .expect("writing to memory succeeds");
        let text = String::from_utf8(out).expect("UTF-8 output");
        match format {
            OutputFormat::Json | OutputFormat::Jsonl => {
                let _: serde_json::Value = serde_json::from_str(&text).expect("JSON parses");
            }
            OutputFormat::Xml => {
                assert!(text.chars().all(writers::xml::is_xml_char));
            }
            _ => {}
        }
    }
});
