//! The HTML reader (prescan, decoding, extraction, metadata) with `-f html`.
#![no_main]

use artconv::pipeline::{ConvertOptions, convert};
use artconv::readers::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let options = ConvertOptions {
        format: InputFormat::Html,
        ..ConvertOptions::default()
    };
    let _ = convert(bytes, Some("page.html"), &options);
});
