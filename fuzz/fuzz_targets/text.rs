//! The plain-text reader, through the whole conversion with `-f text`.
#![no_main]

use artconv::pipeline::{ConvertOptions, convert};
use artconv::readers::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let options = ConvertOptions {
        format: InputFormat::Text,
        ..ConvertOptions::default()
    };
    if let Ok(article) = convert(bytes, None, &options) {
        for block in article.blocks() {
            assert!(block.span.start <= block.span.end);
            assert!(block.span.end <= bytes.len() as u64);
        }
    }
});
