//! Decoding alone: any bytes, with and without `--strict`, give text whose
//! offsets map back into the input in order, or an error; never a panic.
#![no_main]

use artconv::decode::{DecodeOptions, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for strict in [false, true] {
        let options = DecodeOptions {
            strict,
            ..DecodeOptions::default()
        };
        let Ok(decoded) = decode(bytes, &options) else {
            continue;
        };
        let mut previous = 0;
        let ends = decoded.text.char_indices().map(|(at, _)| at);
        for at in ends.chain([decoded.text.len()]) {
            let original = decoded.original_offset(at);
            assert!(original >= previous, "offsets go backwards");
            assert!(original <= bytes.len(), "offset past the input");
            previous = original;
        }
        assert_eq!(decoded.original_offset(decoded.text.len()), bytes.len());
    }
});
