//! Finding the next byte that belongs to a set, and counting a set's
//! bytes, 32 bytes at a time.
//!
//! The JSON, XML and Markdown escapers change only a few characters, all
//! of them found by one byte (`"`, `<`, `&`, `*`...); the text between two
//! of them is copied whole. Looking for the next one byte by byte through a table
//! took six instructions a byte, a fifth of writing an article. With AVX2
//! the set is looked up for 32 bytes at once: the low nibble of each byte
//! picks a row of bits from a 16-entry table, the high nibble picks the bit
//! (the classic `pshufb` lookup, as in simdjson and the `memchr` crate's
//! "teddy" search). The tables are built at compile time from the same
//! membership array that the one-byte loop reads, so the two cannot
//! disagree. Decoding a single-byte legacy encoding counts with the same
//! lookup the bytes whose characters take three bytes of UTF-8, to size
//! the text before writing it.

/// A set of byte values, with the tables its 32-byte search needs.
#[derive(Clone)]
pub(crate) struct ByteSet {
    members: [bool; 256],
    /// For low nibble `l`: bit `h` set when `h << 4 | l` (`h` < 8) is a member.
    rows_low: [u8; 16],
    /// For low nibble `l`: bit `h - 8` set when `h << 4 | l` (`h` ≥ 8) is a member.
    rows_high: [u8; 16],
}

/// The membership array of the byte values below `limit`, for the sets
/// that begin with the C0 controls.
pub(crate) const fn values_below(limit: usize) -> [bool; 256] {
    let mut members = [false; 256];
    let mut byte = 0;
    while byte < limit && byte < 256 {
        members[byte] = true;
        byte += 1;
    }
    members
}

impl ByteSet {
    /// The set of the bytes for which `members` is true.
    pub(crate) const fn new(members: [bool; 256]) -> ByteSet {
        let mut rows_low = [0u8; 16];
        let mut rows_high = [0u8; 16];
        let mut value = 0;
        while value < 256 {
            if members[value] {
                let (high, low) = (value >> 4, value & 0x0F);
                if high < 8 {
                    rows_low[low] |= 1 << high;
                } else {
                    rows_high[low] |= 1 << (high - 8);
                }
            }
            value += 1;
        }
        ByteSet {
            members,
            rows_low,
            rows_high,
        }
    }

    /// Whether `byte` is in the set.
    #[inline]
    pub(crate) fn contains(&self, byte: u8) -> bool {
        self.members[usize::from(byte)]
    }

    /// The first position at or after `at` whose byte is in the set, or
    /// `bytes.len()` if there is none.
    #[inline]
    pub(crate) fn find(&self, bytes: &[u8], at: usize) -> usize {
        let mut at = self.skip_blocks(bytes, at);
        while at < bytes.len() && !self.contains(bytes[at]) {
            at += 1;
        }
        at
    }

    /// Skips the bytes from `at` that are not in the set, 32 at a time:
    /// returns the position of the first member, or `bytes.len()` when
    /// there is none. `bytes` shorter than 32 bytes, or a CPU without AVX2,
    /// get `at` itself back; a caller with a faster test for short
    /// stretches (the JSON writer's eight bytes at a time) goes on from
    /// there. Never past a member.
    #[inline]
    pub(crate) fn skip_blocks(&self, bytes: &[u8], at: usize) -> usize {
        #[cfg(target_arch = "x86_64")]
        {
            // The standard library remembers the answer after the first call.
            if bytes.len() >= 32 && at < bytes.len() && is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 is present, as just checked.
                return unsafe { self.skip_avx2(bytes, at) };
            }
        }
        at
    }

    /// How many bytes of `bytes` are in the set.
    pub(crate) fn count(&self, bytes: &[u8]) -> usize {
        #[cfg(target_arch = "x86_64")]
        {
            if bytes.len() >= 32 && is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 is present, as just checked.
                return unsafe { self.count_avx2(bytes) };
            }
        }
        self.count_bytewise(bytes)
    }

    /// [`ByteSet::count`] one byte at a time.
    fn count_bytewise(&self, bytes: &[u8]) -> usize {
        bytes.iter().filter(|&&byte| self.contains(byte)).count()
    }

    /// [`ByteSet::skip_blocks`] for at least 32 bytes, `at` inside them.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn skip_avx2(&self, bytes: &[u8], mut at: usize) -> usize {
        let lookup = Lookup::of(self);
        // SAFETY (both loads): 32 bytes from the start lie inside `bytes`.
        while bytes.len() - at >= 32 {
            let found = unsafe { lookup.members_at(bytes, at) };
            if found != 0 {
                return at + found.trailing_zeros() as usize;
            }
            at += 32;
        }
        if at == bytes.len() {
            return at;
        }
        // The last few bytes, in the block that ends with them (its first
        // bytes, before `at`, are no members).
        let start = bytes.len() - 32;
        match unsafe { lookup.members_at(bytes, start) } >> (at - start) {
            0 => bytes.len(),
            found => at + found.trailing_zeros() as usize,
        }
    }

    /// [`ByteSet::count`] for at least 32 bytes.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn count_avx2(&self, bytes: &[u8]) -> usize {
        let lookup = Lookup::of(self);
        let blocks = bytes.len() / 32;
        let mut count = 0;
        for block in 0..blocks {
            // SAFETY: the block's 32 bytes lie inside `bytes`.
            count += unsafe { lookup.members_at(bytes, block * 32) }.count_ones() as usize;
        }
        count + self.count_bytewise(&bytes[blocks * 32..])
    }
}

/// A [`ByteSet`]'s tables in AVX2 registers.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Lookup {
    rows_low: std::arch::x86_64::__m256i,
    rows_high: std::arch::x86_64::__m256i,
    bits: std::arch::x86_64::__m256i,
    nibble: std::arch::x86_64::__m256i,
}

#[cfg(target_arch = "x86_64")]
impl Lookup {
    #[target_feature(enable = "avx2")]
    fn of(set: &ByteSet) -> Lookup {
        use std::arch::x86_64::*;
        // SAFETY: both tables are 16 bytes, read unaligned.
        let (rows_low, rows_high) = unsafe {
            (
                _mm256_broadcastsi128_si256(_mm_loadu_si128(set.rows_low.as_ptr().cast())),
                _mm256_broadcastsi128_si256(_mm_loadu_si128(set.rows_high.as_ptr().cast())),
            )
        };
        Lookup {
            rows_low,
            rows_high,
            bits: _mm256_setr_epi8(
                1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64,
                -128, 1, 2, 4, 8, 16, 32, 64, -128,
            ),
            nibble: _mm256_set1_epi8(0x0F),
        }
    }

    /// Bit `i` set when byte `start + i` of `bytes` is a member.
    ///
    /// # Safety
    /// The 32 bytes from `start` must lie inside `bytes`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn members_at(&self, bytes: &[u8], start: usize) -> u32 {
        use std::arch::x86_64::*;
        debug_assert!(start + 32 <= bytes.len());
        // SAFETY: the caller keeps the 32 bytes inside `bytes`.
        let block = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(start).cast()) };
        let low = _mm256_and_si256(block, self.nibble);
        let high = _mm256_and_si256(_mm256_srli_epi16(block, 4), self.nibble);
        // The row for the byte's low nibble, from the table its top bit
        // (a high nibble of 8 or more) chooses.
        let row = _mm256_blendv_epi8(
            _mm256_shuffle_epi8(self.rows_low, low),
            _mm256_shuffle_epi8(self.rows_high, low),
            block,
        );
        let hit = _mm256_and_si256(row, _mm256_shuffle_epi8(self.bits, high));
        !(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hit, _mm256_setzero_si256())) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(members: &[bool; 256], bytes: &[u8], at: usize) -> usize {
        (at..bytes.len())
            .find(|&i| members[usize::from(bytes[i])])
            .unwrap_or(bytes.len())
    }

    #[test]
    fn every_single_byte_set_finds_its_byte_at_every_position() {
        for value in 0..=255u8 {
            let mut members = [false; 256];
            members[usize::from(value)] = true;
            let set = ByteSet::new(members);
            for position in [0, 1, 31, 32, 33, 63, 64, 70, 99] {
                // Every other value around it, so that a wrong row or bit
                // shows up as a false hit.
                let mut bytes: Vec<u8> = (0..100u32).map(|i| (i * 7 + 3) as u8).collect();
                for byte in &mut bytes {
                    if *byte == value {
                        *byte = value.wrapping_add(1);
                    }
                }
                assert_eq!(set.find(&bytes, 0), bytes.len(), "{value:#x} absent");
                bytes[position] = value;
                for from in [0, position.saturating_sub(1), position] {
                    assert_eq!(set.find(&bytes, from), position, "{value:#x} at {position}");
                }
                assert_eq!(
                    set.find(&bytes, position + 1),
                    naive(&members, &bytes, position + 1)
                );
            }
        }
    }

    #[test]
    fn mixed_sets_agree_with_the_table() {
        let mut seed = 1u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            seed >> 16
        };
        for _ in 0..50 {
            let mut members = [false; 256];
            for _ in 0..(next() % 20) {
                members[(next() % 256) as usize] = true;
            }
            let set = ByteSet::new(members);
            let bytes: Vec<u8> = (0..300).map(|_| (next() % 256) as u8).collect();
            for from in 0..bytes.len() {
                assert_eq!(set.find(&bytes, from), naive(&members, &bytes, from));
            }
        }
    }

    #[test]
    fn counts_agree_with_the_table_at_every_length() {
        // Lengths on both sides of one block and of a few, so that the
        // blocks and the bytes after the last block are both counted.
        let mut members = [false; 256];
        for value in [0x00, 0x0D, 0x41, 0x7F, 0x80, 0x9D, 0xC7, 0xFE, 0xFF] {
            members[value] = true;
        }
        let set = ByteSet::new(members);
        let bytes: Vec<u8> = (0..200u32).map(|i| (i * 37 + i / 7) as u8).collect();
        for len in 0..bytes.len() {
            for from in [0, 1, 31] {
                let part = &bytes[from.min(len)..len];
                let expected = part.iter().filter(|&&b| members[usize::from(b)]).count();
                assert_eq!(set.count(part), expected, "{from}..{len}");
            }
        }
        assert_eq!(ByteSet::new([true; 256]).count(&bytes), bytes.len());
    }
}
