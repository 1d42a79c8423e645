//! One pass over the input for the questions several rules ask of every
//! byte: is it UTF-8, does it hold a NUL, does it hold a CR.
//!
//! Asked one after the other, each question is a pass over the whole input;
//! on a large file each pass reads it from memory again (a 100 MB input
//! does not fit any cache), and the three passes took a tenth of the time
//! of converting it. Here the input is taken a piece at a time, small
//! enough to stay in the fastest cache while all three questions are put
//! to it.

/// Bytes taken at a time: a few tens of kilobytes stay in the L1 or L2
/// cache between the UTF-8 check and the byte search.
const PIECE_BYTES: usize = 64 * 1024;

/// What one pass over the bytes found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteScan {
    /// The bytes are valid UTF-8.
    pub(crate) utf8: bool,
    /// A NUL byte occurs.
    pub(crate) nul: bool,
    /// A CR byte occurs.
    pub(crate) cr: bool,
}

/// Scans `bytes` once (see the module's documentation).
pub(crate) fn scan(bytes: &[u8]) -> ByteScan {
    let mut found = ByteScan {
        utf8: true,
        nul: false,
        cr: false,
    };
    let mut start = 0;
    while start < bytes.len() {
        let end = piece_end(bytes, start);
        let piece = &bytes[start..end];
        // Cut where a character starts, valid pieces make valid UTF-8 and
        // valid UTF-8 cuts into valid pieces (see `piece_end`).
        found.utf8 = found.utf8 && simdutf8::basic::from_utf8(piece).is_ok();
        if !(found.nul && found.cr) {
            for at in memchr::memchr2_iter(0, b'\r', piece) {
                match piece[at] {
                    0 => found.nul = true,
                    _ => found.cr = true,
                }
                if found.nul && found.cr {
                    break;
                }
            }
        }
        start = end;
    }
    found
}

/// Where the piece that begins at `start` ends: [`PIECE_BYTES`] on, moved
/// back over at most three continuation bytes so that it ends where a
/// character starts. In valid UTF-8 that is always a boundary between
/// characters, so every piece is valid; and pieces that are each valid
/// (each begins with a character's first byte and ends with its last) are
/// valid together. Where no character starts within three bytes the input
/// is not UTF-8, and the piece after the cut begins with a continuation
/// byte, which fails on its own.
fn piece_end(bytes: &[u8], start: usize) -> usize {
    let nominal = start.saturating_add(PIECE_BYTES);
    if nominal >= bytes.len() {
        return bytes.len();
    }
    let is_continuation = |b: u8| b & 0xC0 == 0x80;
    (nominal - 3..=nominal)
        .rev()
        .take_while(|&at| at > start)
        .find(|&at| !is_continuation(bytes[at]))
        .unwrap_or(nominal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_separate_passes(bytes: &[u8]) -> ByteScan {
        ByteScan {
            utf8: std::str::from_utf8(bytes).is_ok(),
            nul: bytes.contains(&0),
            cr: bytes.contains(&b'\r'),
        }
    }

    /// Text whose multi-byte characters straddle every piece boundary in
    /// turn, as the shift moves them by one byte.
    fn straddling(shift: usize, tail: &str) -> Vec<u8> {
        let mut text = "a".repeat(shift);
        while text.len() < 3 * PIECE_BYTES {
            text.push_str("سلام € 𝄞 x");
        }
        text.push_str(tail);
        text.into_bytes()
    }

    #[test]
    fn valid_text_cut_anywhere_stays_valid() {
        for shift in 0..8 {
            let bytes = straddling(shift, "");
            assert_eq!(scan(&bytes), by_separate_passes(&bytes), "shift {shift}");
            assert!(scan(&bytes).utf8);
        }
    }

    #[test]
    fn a_bad_byte_anywhere_is_found() {
        for shift in 0..8 {
            let good = straddling(shift, "");
            for at in [
                0,
                1,
                PIECE_BYTES - 1,
                PIECE_BYTES,
                PIECE_BYTES + 1,
                good.len() - 1,
            ] {
                for bad in [0x80u8, 0xC0, 0xE2, 0xF0, 0xFF] {
                    let mut bytes = good.clone();
                    bytes[at] = bad;
                    assert_eq!(
                        scan(&bytes),
                        by_separate_passes(&bytes),
                        "shift {shift}, byte {bad:#x} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn runs_of_continuation_bytes_across_a_cut_are_invalid() {
        let mut bytes = vec![b'a'; 2 * PIECE_BYTES];
        bytes[PIECE_BYTES - 4..PIECE_BYTES + 4].fill(0x80);
        assert!(!scan(&bytes).utf8);
        let mut bytes = vec![b'a'; 2 * PIECE_BYTES];
        bytes[PIECE_BYTES - 1] = 0xF0;
        bytes[PIECE_BYTES..PIECE_BYTES + 3].fill(0x90);
        assert!(scan(&bytes).utf8, "a 4-byte character across the cut");
    }

    #[test]
    fn nul_and_cr_are_found_in_any_piece() {
        for at in [0, PIECE_BYTES - 1, PIECE_BYTES, 2 * PIECE_BYTES + 7] {
            for byte in [0u8, b'\r'] {
                let mut bytes = straddling(0, "");
                bytes[at] = byte;
                assert_eq!(scan(&bytes), by_separate_passes(&bytes), "{byte} at {at}");
            }
        }
        let bytes = straddling(1, "\r\n\0");
        assert_eq!(
            scan(&bytes),
            ByteScan {
                utf8: true,
                nul: true,
                cr: true
            }
        );
        assert_eq!(
            scan(b""),
            ByteScan {
                utf8: true,
                nul: false,
                cr: false
            }
        );
    }
}
