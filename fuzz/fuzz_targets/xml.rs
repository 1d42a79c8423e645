//! The reader of artconv's own XML with `-f xml`: DOCTYPEs refused, nothing expanded.
#![no_main]

use artconv::pipeline::{ConvertOptions, convert_all};
use artconv::readers::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let options = ConvertOptions {
        format: InputFormat::Xml,
        ..ConvertOptions::default()
    };
    let _ = convert_all(bytes, Some("article.xml"), &options);
});
