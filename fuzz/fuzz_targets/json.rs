//! The reader of artconv's own JSON / JSON Lines with `-f json`: any bytes give the model or a parse error with line and column.
#![no_main]

use artconv::pipeline::{ConvertOptions, convert_all};
use artconv::readers::InputFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let options = ConvertOptions {
        format: InputFormat::Json,
        ..ConvertOptions::default()
    };
    let _ = convert_all(bytes, Some("article.json"), &options);
});
