//! Writing the UTF-8 of a single-byte encoding 32 input bytes at a time.
//!
//! Decoding windows-1256 one byte at a time (a table lookup, a four-byte
//! store, an add of the width) took 13.5 instructions per input byte and
//! a fifth of converting an Arabic text. Most characters of the
//! single-byte encodings that artconv meets take one or two bytes of
//! UTF-8: ASCII, and the letters of the Arabic, Cyrillic, Greek, Hebrew and
//! Latin-1 ranges (U+0080 to U+07FF). For 32 such input bytes, the two
//! UTF-8 bytes of each high byte's character are looked up with `pshufb`,
//! eight rows of sixteen (the values 0x80 to 0xFF), interleaved with the
//! input, and each run of eight characters packed by a shuffle that
//! drops the second byte of every ASCII character (chosen from 256 by
//! which of the eight are ASCII), as simdutf writes Latin-1 as UTF-8. A
//! block holding a character of three bytes (curly quotes, the euro sign,
//! U+FFFD for an unmapped byte) is left to the byte-at-a-time loop.
//!
//! The tables are made from the same per-value UTF-8 that the loop writes,
//! so the two paths cannot disagree; a test compares them on every
//! single-byte encoding.

/// The two UTF-8 bytes of each high byte value whose character takes two,
/// in rows of sixteen by the value's high nibble (row 0 for 0x80 to 0x8F).
/// A value of any other width has a first byte of 0, which no character
/// of two bytes starts with: it sends its block to the loop.
#[derive(Clone)]
pub(super) struct PairTables {
    first: [[u8; 16]; 8],
    second: [[u8; 16]; 8],
}

impl PairTables {
    /// The tables for the high values' UTF-8 (`utf8[value]`, `width[value]`
    /// of the whole table, indexed by the value itself).
    pub(super) fn new(utf8: &[[u8; 4]; 256], width: &[u8; 256]) -> PairTables {
        let mut tables = PairTables {
            first: [[0; 16]; 8],
            second: [[0; 16]; 8],
        };
        for value in 0x80..=0xFFusize {
            if width[value] == 2 {
                let (row, column) = ((value - 0x80) >> 4, value & 0x0F);
                tables.first[row][column] = utf8[value][0];
                tables.second[row][column] = utf8[value][1];
            }
        }
        tables
    }
}

/// For each set of ASCII characters among eight (bit `i` clear when the
/// `i`-th is ASCII, as `movemask` gives the high bits), the shuffle that
/// packs their interleaved byte pairs: both bytes of a wider character,
/// the first only of an ASCII one. Lanes past the end are 0x80 (zero).
#[cfg(target_arch = "x86_64")]
static PACK: [[u8; 16]; 256] = pack_shuffles();

/// How many bytes each of [`PACK`]'s shuffles keeps: 8 and one more per
/// wider character. A table, because without `popcnt` enabled the count of
/// bits compiles to a dozen vector instructions.
#[cfg(target_arch = "x86_64")]
static PACKED_LEN: [u8; 256] = packed_lengths();

#[cfg(target_arch = "x86_64")]
const fn packed_lengths() -> [u8; 256] {
    let mut lengths = [0u8; 256];
    let mut wide = 0;
    while wide < 256 {
        lengths[wide] = 8 + (wide as u8).count_ones() as u8;
        wide += 1;
    }
    lengths
}

#[cfg(target_arch = "x86_64")]
const fn pack_shuffles() -> [[u8; 16]; 256] {
    let mut shuffles = [[0x80u8; 16]; 256];
    let mut wide = 0;
    while wide < 256 {
        let mut lane = 0;
        let mut i = 0;
        while i < 8 {
            shuffles[wide][lane] = (2 * i) as u8;
            lane += 1;
            if wide & (1 << i) != 0 {
                shuffles[wide][lane] = (2 * i + 1) as u8;
                lane += 1;
            }
            i += 1;
        }
        wide += 1;
    }
    shuffles
}

/// Output room a block needs: its four packed runs are stored sixteen
/// bytes each, the last of them starting at most 48 bytes in.
#[cfg(target_arch = "x86_64")]
pub(super) const BLOCK_ROOM: usize = 64;

/// Writes the UTF-8 of the 32 bytes at `input` (all of one or two bytes
/// of UTF-8) at `out`; how many bytes it wrote, or `None`, having written
/// nothing, when some byte's character is of another width.
///
/// # Safety
///
/// AVX2 must be present, and `input` must point at 32 readable bytes and
/// `out` at [`BLOCK_ROOM`] writable ones.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn write_block(
    tables: &PairTables,
    input: *const u8,
    out: *mut u8,
) -> Option<usize> {
    use std::arch::x86_64::*;
    // SAFETY: the caller lends 32 readable bytes at `input`.
    let bytes = unsafe { _mm256_loadu_si256(input.cast()) };
    let high = _mm256_movemask_epi8(bytes) as u32;
    if high == 0 {
        // SAFETY: the caller lends 64 writable bytes at `out`.
        unsafe { _mm256_storeu_si256(out.cast(), bytes) };
        return Some(32);
    }
    let low = _mm256_and_si256(bytes, _mm256_set1_epi8(0x0F));
    // Bits 4, 5 and 6 of each byte (its row) moved to the top bit, which
    // is what `blendv` reads.
    let row_bits = [
        _mm256_slli_epi16(bytes, 3),
        _mm256_slli_epi16(bytes, 2),
        _mm256_slli_epi16(bytes, 1),
    ];
    let look_up = |rows: &[[u8; 16]; 8]| {
        // SAFETY: each row is 16 bytes, read unaligned.
        let in_row: [__m256i; 8] = std::array::from_fn(|row| unsafe {
            let row = _mm256_broadcastsi128_si256(_mm_loadu_si128(rows[row].as_ptr().cast()));
            _mm256_shuffle_epi8(row, low)
        });
        // Rows 2k and 2k + 1 by bit 4, then by bit 5, then by bit 6.
        let by_4: [__m256i; 4] = std::array::from_fn(|k| {
            _mm256_blendv_epi8(in_row[2 * k], in_row[2 * k + 1], row_bits[0])
        });
        let by_5 = [
            _mm256_blendv_epi8(by_4[0], by_4[1], row_bits[1]),
            _mm256_blendv_epi8(by_4[2], by_4[3], row_bits[1]),
        ];
        _mm256_blendv_epi8(by_5[0], by_5[1], row_bits[2])
    };
    let looked_up = look_up(&tables.first);
    let unpaired = _mm256_movemask_epi8(_mm256_cmpeq_epi8(looked_up, _mm256_setzero_si256()));
    if unpaired as u32 & high != 0 {
        return None;
    }
    // An ASCII byte is its own first byte; its second is packed away.
    let first = _mm256_blendv_epi8(bytes, looked_up, bytes);
    let second = look_up(&tables.second);
    // Per 128-bit lane: characters 0-7 and 16-23, then 8-15 and 24-31.
    let pairs_low = _mm256_unpacklo_epi8(first, second);
    let pairs_high = _mm256_unpackhi_epi8(first, second);
    let runs = [
        _mm256_castsi256_si128(pairs_low),
        _mm256_castsi256_si128(pairs_high),
        _mm256_extracti128_si256(pairs_low, 1),
        _mm256_extracti128_si256(pairs_high, 1),
    ];
    let mut written = 0;
    for (run, pairs) in runs.into_iter().enumerate() {
        let wide = (high >> (8 * run)) & 0xFF;
        let shuffle = &PACK[wide as usize];
        // SAFETY: the shuffle is 16 bytes; the store starts at most 48
        // bytes into the 64 the caller lends.
        unsafe {
            let packed = _mm_shuffle_epi8(pairs, _mm_loadu_si128(shuffle.as_ptr().cast()));
            _mm_storeu_si128(out.add(written).cast(), packed);
        }
        written += usize::from(PACKED_LEN[wide as usize]);
    }
    Some(written)
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use encoding_rs::Encoding;

    /// The tables of `encoding`, and its values of each UTF-8 width.
    fn tables_of(encoding: &'static Encoding) -> (PairTables, [Vec<u8>; 4]) {
        let mut utf8 = [[0u8; 4]; 256];
        let mut width = [0u8; 256];
        let mut by_width: [Vec<u8>; 4] = Default::default();
        for value in 0..=255u8 {
            let byte = [value];
            let (text, _) = encoding.decode_without_bom_handling(&byte);
            utf8[usize::from(value)][..text.len()].copy_from_slice(text.as_bytes());
            width[usize::from(value)] = text.len() as u8;
            by_width[text.len().min(3)].push(value);
        }
        (PairTables::new(&utf8, &width), by_width)
    }

    #[test]
    fn blocks_of_one_and_two_byte_characters_are_written_as_encoding_rs_decodes() {
        if !is_x86_feature_detected!("avx2") {
            return;
        }
        let single_byte: Vec<&'static Encoding> = crate::decode::supported_encodings()
            .into_iter()
            .filter_map(|name| Encoding::for_label(name.as_bytes()))
            .filter(|encoding| encoding.is_single_byte())
            .collect();
        let mut seed = 7u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as usize
        };
        let mut vector_blocks = 0;
        for encoding in single_byte {
            let name = encoding.name();
            let (tables, by_width) = tables_of(encoding);
            let [_, ascii, two, three] = &by_width;
            if two.is_empty() {
                continue;
            }
            for round in 0..200 {
                // From all ASCII to no ASCII, so that every pattern of
                // ASCII in a run of eight is packed.
                let ascii_share = round % 9;
                let block: Vec<u8> = (0..32)
                    .map(|_| match next() % 8 < ascii_share {
                        true => ascii[next() % ascii.len()],
                        false => two[next() % two.len()],
                    })
                    .collect();
                let mut out = [0xEEu8; BLOCK_ROOM];
                // SAFETY: AVX2 is present; 32 bytes in, 64 bytes of room.
                let written = unsafe { write_block(&tables, block.as_ptr(), out.as_mut_ptr()) };
                let (expected, _) = encoding.decode_without_bom_handling(&block);
                assert_eq!(written, Some(expected.len()), "{name} {block:x?}");
                assert_eq!(
                    &out[..expected.len()],
                    expected.as_bytes(),
                    "{name} {block:x?}"
                );
                vector_blocks += 1;
                // One character of three bytes anywhere sends the block
                // back, with nothing written.
                if let Some(&wide) = three.get(next() % three.len().max(1)) {
                    let mut with_wide = block.clone();
                    with_wide[next() % 32] = wide;
                    let mut out = [0xEEu8; BLOCK_ROOM];
                    // SAFETY: as above.
                    let written =
                        unsafe { write_block(&tables, with_wide.as_ptr(), out.as_mut_ptr()) };
                    assert_eq!(written, None, "{name} {with_wide:x?}");
                    assert_eq!(out, [0xEE; BLOCK_ROOM], "{name}");
                }
            }
        }
        assert!(vector_blocks >= 25 * 200, "{vector_blocks}");
    }
}
