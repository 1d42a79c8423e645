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

/// Inputs at least this large are scanned in two halves at once: the scan
/// of 100 MB (about 25 ms) ran on one thread while the other waited.
const PARALLEL_SCAN_BYTES: usize = 8 * 1024 * 1024;

/// Scans `bytes` once (see the module's documentation).
pub(crate) fn scan(bytes: &[u8]) -> ByteScan {
    scan_from(bytes, PARALLEL_SCAN_BYTES)
}

/// [`scan`], in two halves at once when `bytes` holds at least
/// `parallel_from` of them. The halves are cut where a character starts,
/// as pieces are, so they answer together what the whole would.
fn scan_from(bytes: &[u8], parallel_from: usize) -> ByteScan {
    if bytes.len() < parallel_from.max(2) {
        return scan_one(bytes);
    }
    let cut = char_start_near(bytes, bytes.len() / 2, 0);
    let (first, second) = bytes.split_at(cut);
    let (first, second) = crate::parallel::join(|| scan_one(first), || scan_one(second));
    ByteScan {
        utf8: first.utf8 && second.utf8,
        nul: first.nul || second.nul,
        cr: first.cr || second.cr,
    }
}

/// [`scan`] on the calling thread alone.
fn scan_one(bytes: &[u8]) -> ByteScan {
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
    char_start_near(bytes, nominal, start)
}

/// `nominal` (an index inside `bytes`), moved back over at most three
/// continuation bytes, but not to `floor` or before, to where a character
/// starts; `nominal` itself where none starts (the input is not UTF-8).
fn char_start_near(bytes: &[u8], nominal: usize, floor: usize) -> usize {
    let is_continuation = |b: u8| b & 0xC0 == 0x80;
    (nominal.saturating_sub(3)..=nominal)
        .rev()
        .take_while(|&at| at > floor)
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

    /// The two halves answer as one pass does wherever the middle falls
    /// in a character, and find a bad byte, a NUL or a CR in either half
    /// or at the cut.
    #[test]
    fn two_halves_answer_as_the_whole() {
        for shift in 0..8 {
            let good = straddling(shift, "");
            let middle = good.len() / 2;
            assert_eq!(
                scan_from(&good, 1),
                by_separate_passes(&good),
                "shift {shift}"
            );
            for at in [
                0,
                middle - 2,
                middle - 1,
                middle,
                middle + 1,
                good.len() - 1,
            ] {
                for bad in [0xFF, 0x80, 0, b'\r'] {
                    let mut bytes = good.clone();
                    bytes[at] = bad;
                    assert_eq!(
                        scan_from(&bytes, 1),
                        by_separate_passes(&bytes),
                        "shift {shift}, byte {bad:#x} at {at}"
                    );
                }
            }
        }
        assert_eq!(scan_from(b"", 1), by_separate_passes(b""));
        assert_eq!(scan_from(b"a", 1), by_separate_passes(b"a"));
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
