//! The Markdown reader (front matter, CommonMark) with `-f markdown`.
#![no_main]

use artconv::pipeline::{ConvertOptions, convert_all};
use artconv::readers::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let options = ConvertOptions {
        format: InputFormat::Markdown,
        ..ConvertOptions::default()
    };
    let _ = convert_all(bytes, Some("note.md"), &options);
});
