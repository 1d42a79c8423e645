//! Word and character counting 32 bytes at a time, for the text most
//! articles are made of: ASCII and the Arabic block (U+0600 to U+06FF).
//!
//! [`crate::model::count_text`] visits every character of every article;
//! one character at a time it was a fifth of converting 100 MB of Arabic.
//! With AVX2, a block of 32 bytes is classified at once: each byte gets the
//! class of the character it ends (a letter or digit opens a word, a joiner
//! keeps the state, anything else closes it), the lead byte of a two-byte
//! character is transparent like a joiner, and words are the letters that
//! follow a closed state, found with a few operations on bit masks. Two
//! blocks are classified per step where 64 bytes are left and their masks
//! joined, so that the counting on masks and the loop run once for both
//! (the mask work was half of each block's instructions).
//!
//! The classes are not written here: the tables are built at start-up
//! from [`WordClass::of`], the rules the one-character loop uses, so the
//! two cannot disagree. A block holding any other character (Cyrillic,
//! accented Latin, curly quotes, CJK...) stops the fast path at that
//! character and the one-character loop takes over for a stretch; the
//! counts are the same either way.

use crate::model::{Counter, WordClass};

/// Counts `bytes[at..]` into `counter` as far as the fast path can, and
/// returns where it stopped: the end, or the start of a character it does
/// not handle. Does nothing where AVX2 is missing.
#[inline]
pub(crate) fn advance(bytes: &[u8], at: usize, counter: &mut Counter) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if let Some(tables) = avx2::tables() {
            // SAFETY: `tables` exists only where the CPU has AVX2.
            return unsafe { tables.advance(bytes, at, counter) };
        }
    }
    let _ = counter;
    at
}

/// The bytes of `bytes` that start a UTF-8 character (every byte but a
/// continuation byte): `chars().count()` for a run of UTF-8 that may begin
/// or end inside a character, as the offset map counts it. With AVX2 the
/// bytes are tested 32 at a time, several times faster than the standard
/// library's eight.
#[inline]
pub(crate) fn count_char_starts(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if bytes.len() >= 64
            && is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("popcnt")
        {
            // SAFETY: the CPU has AVX2 and POPCNT.
            return unsafe { avx2::count_chars(bytes) };
        }
    }
    bytes.iter().filter(|&&b| (b as i8) >= -64).count()
}

/// Whether this machine counts with [`advance`], for the tests.
#[cfg(test)]
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        avx2::tables().is_some()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The two classes the fast path tells apart (letters and digits;
/// joiners), for the 128 ASCII characters and the 256 characters of the
/// Arabic block.
struct ClassSets {
    ascii_letter: [bool; 128],
    ascii_joiner: [bool; 128],
    arabic_letter: [bool; 256],
    arabic_joiner: [bool; 256],
}

/// [`ClassSets`] by [`WordClass::of`]; `None` if one of the characters were
/// CJK (none is: the fast path would then be wrong).
fn class_sets() -> Option<ClassSets> {
    let mut sets = ClassSets {
        ascii_letter: [false; 128],
        ascii_joiner: [false; 128],
        arabic_letter: [false; 256],
        arabic_joiner: [false; 256],
    };
    let fill = |code: u32, letter: &mut bool, joiner: &mut bool| {
        match WordClass::of(char::from_u32(code).unwrap_or('\0')) {
            WordClass::Cjk => return false,
            WordClass::Alphanumeric => *letter = true,
            WordClass::Joiner => *joiner = true,
            WordClass::Other => {}
        }
        true
    };
    for i in 0..128 {
        if !fill(
            i as u32,
            &mut sets.ascii_letter[i],
            &mut sets.ascii_joiner[i],
        ) {
            return None;
        }
    }
    for i in 0..256 {
        let code = 0x600 + i as u32;
        if !fill(code, &mut sets.arabic_letter[i], &mut sets.arabic_joiner[i]) {
            return None;
        }
    }
    Some(sets)
}

/// How a block of classes becomes counts, on plain integers; the AVX2 code
/// only produces the masks. Bit `i` of each mask is byte `i` of the block;
/// `n` bytes (1 to 64) count.
struct BlockMasks {
    /// Bytes ending a letter or digit.
    letters: u64,
    /// Bytes that keep the state: joiners, and lead bytes of characters
    /// whose class their last byte carries.
    joiners: u64,
    /// Bytes that start a character.
    starts: u64,
}

impl BlockMasks {
    /// Adds the block's words and characters to `counter`.
    #[inline(always)]
    fn count(&self, n: u32, counter: &mut Counter) {
        let keep = if n == 64 { u64::MAX } else { (1 << n) - 1 };
        let (letters, joiners) = (self.letters & keep, self.joiners & keep);
        let open_before = counter.in_word;
        // A run of joiners keeps the state of the byte before it: open
        // after a letter (or after an open state carried in), closed
        // otherwise. The runs to open are found by their first bit, and
        // an addition carries through each of them.
        let run_starts = joiners & !(joiners << 1);
        let open_runs_start = run_starts & ((letters << 1) | open_before);
        let open_runs = joiners & !joiners.wrapping_add(open_runs_start);
        let open = letters | open_runs;
        let words = letters & !((open << 1) | open_before);
        counter.words += u64::from(words.count_ones());
        counter.characters += u64::from((self.starts & keep).count_ones());
        counter.in_word = (open >> (n - 1)) & 1;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;
    use std::sync::OnceLock;

    use super::{BlockMasks, class_sets};
    use crate::model::Counter;

    /// [`super::count_char_starts`] of `bytes`.
    #[target_feature(enable = "avx2,popcnt")]
    pub(super) fn count_chars(bytes: &[u8]) -> usize {
        // A continuation byte is 0x80 to 0xBF: below -64 as a signed byte.
        let below = _mm256_set1_epi8(-65);
        let mut blocks = bytes.chunks_exact(32);
        let mut count = 0;
        for block in &mut blocks {
            // SAFETY: `block` is 32 bytes, read unaligned.
            let values = unsafe { _mm256_loadu_si256(block.as_ptr().cast()) };
            let starts = _mm256_movemask_epi8(_mm256_cmpgt_epi8(values, below)) as u32;
            count += starts.count_ones() as usize;
        }
        let rest = blocks.remainder();
        count + rest.iter().filter(|&&b| (b as i8) >= -64).count()
    }

    /// Characters the fast path could not take make the one-character loop
    /// run for at least this many bytes before the next try, doubling up
    /// to [`LONGEST_STRETCH`] while tries keep failing (a Cyrillic text
    /// should not pay for a try every few characters).
    const SHORTEST_STRETCH: usize = 32;
    const LONGEST_STRETCH: usize = 4096;

    /// Set membership tables for `pshufb`: entry `lo` of `rows_low` has
    /// bit `hi` set when the value `hi * 16 + lo` (hi < 8) is in the set,
    /// `rows_high` the same for hi 8 to 15; each 16-byte table twice, once
    /// per 128-bit lane.
    struct Set {
        rows_low: [u8; 32],
        rows_high: [u8; 32],
    }

    impl Set {
        fn of(members: &[bool]) -> Set {
            let mut set = Set {
                rows_low: [0; 32],
                rows_high: [0; 32],
            };
            for (value, _) in members.iter().enumerate().filter(|(_, m)| **m) {
                let (hi, lo) = (value >> 4, value & 15);
                let rows = if hi < 8 {
                    &mut set.rows_low
                } else {
                    &mut set.rows_high
                };
                rows[lo] |= 1 << (hi & 7);
                rows[lo + 16] |= 1 << (hi & 7);
            }
            set
        }
    }

    /// The fast path's tables; built once, and only where AVX2 is present.
    pub(super) struct Tables {
        ascii_letter: Set,
        ascii_joiner: Set,
        arabic_letter: Set,
        arabic_joiner: Set,
    }

    /// The tables, or `None` when the CPU lacks AVX2 (or the bit
    /// instructions that come with it: BMI1, BMI2, POPCNT).
    pub(super) fn tables() -> Option<&'static Tables> {
        static TABLES: OnceLock<Option<Tables>> = OnceLock::new();
        TABLES
            .get_or_init(|| {
                // Every CPU with AVX2 has these too, but each is asked.
                let features = [
                    is_x86_feature_detected!("avx2"),
                    is_x86_feature_detected!("bmi1"),
                    is_x86_feature_detected!("bmi2"),
                    is_x86_feature_detected!("popcnt"),
                ];
                if features.contains(&false) {
                    return None;
                }
                let sets = class_sets()?;
                Some(Tables {
                    ascii_letter: Set::of(&sets.ascii_letter),
                    ascii_joiner: Set::of(&sets.ascii_joiner),
                    arabic_letter: Set::of(&sets.arabic_letter),
                    arabic_joiner: Set::of(&sets.arabic_joiner),
                })
            })
            .as_ref()
    }

    /// [`Tables`] in registers, for one text.
    struct Loaded {
        ascii_letter: __m256i,
        ascii_joiner: __m256i,
        arabic_letter: (__m256i, __m256i),
        arabic_joiner: (__m256i, __m256i),
        /// `1 << (i % 8)` at byte `i`.
        bits: __m256i,
    }

    /// A vector's bytes split into nibbles, to look them up in several sets.
    struct Nibbles {
        lo: __m256i,
        /// The bit for the high nibble, `1 << (hi % 8)`.
        bit: __m256i,
        /// 0xFF where the high nibble is 8 or more.
        upper: __m256i,
    }

    #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
    fn load(set: &Set) -> (__m256i, __m256i) {
        // SAFETY: both tables are 32 bytes, read unaligned.
        unsafe {
            (
                _mm256_loadu_si256(set.rows_low.as_ptr().cast()),
                _mm256_loadu_si256(set.rows_high.as_ptr().cast()),
            )
        }
    }

    /// Bit `i` set when byte `i` of `values` equals `wanted` once masked by
    /// `mask`.
    #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
    fn masked_eq(values: __m256i, mask: u8, wanted: u8) -> u32 {
        let masked = _mm256_and_si256(values, _mm256_set1_epi8(mask as i8));
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(masked, _mm256_set1_epi8(wanted as i8))) as u32
    }

    /// Bit `i` set where `hit` is not zero.
    #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
    fn nonzero(hit: __m256i) -> u32 {
        !(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hit, _mm256_setzero_si256())) as u32)
    }

    impl Loaded {
        #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
        fn nibbles(&self, values: __m256i) -> Nibbles {
            let nibble = _mm256_set1_epi8(0x0F);
            let hi = _mm256_and_si256(_mm256_srli_epi16(values, 4), nibble);
            Nibbles {
                lo: _mm256_and_si256(values, nibble),
                bit: _mm256_shuffle_epi8(self.bits, hi),
                upper: _mm256_cmpgt_epi8(hi, _mm256_set1_epi8(7)),
            }
        }

        /// Membership in a set of values below 128 (only `rows_low`).
        #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
        fn in_low_set(&self, of: &Nibbles, rows_low: __m256i) -> u32 {
            nonzero(_mm256_and_si256(
                _mm256_shuffle_epi8(rows_low, of.lo),
                of.bit,
            ))
        }

        /// Membership in a set of values 0 to 255.
        #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
        fn in_set(&self, of: &Nibbles, (rows_low, rows_high): (__m256i, __m256i)) -> u32 {
            let row = _mm256_blendv_epi8(
                _mm256_shuffle_epi8(rows_low, of.lo),
                _mm256_shuffle_epi8(rows_high, of.lo),
                of.upper,
            );
            nonzero(_mm256_and_si256(row, of.bit))
        }

        /// The classes of the 32 bytes of `current` (the 32 bytes after
        /// `previous`'s first).
        #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
        fn classify(&self, previous: __m256i, current: __m256i) -> Classes {
            let non_ascii = _mm256_movemask_epi8(current) as u32;
            let continuation = masked_eq(current, 0xC0, 0x80);
            let arabic_lead = masked_eq(current, 0xFC, 0xD8);
            let arabic_last = continuation & masked_eq(previous, 0xFC, 0xD8);
            // Offset in the Arabic block of the character a continuation
            // byte ends: the lead's two low bits, then its own six.
            let offset = _mm256_or_si256(
                _mm256_and_si256(_mm256_slli_epi16(previous, 6), _mm256_set1_epi8(-64)),
                _mm256_and_si256(current, _mm256_set1_epi8(0x3F)),
            );
            let (ascii, arabic) = (self.nibbles(current), self.nibbles(offset));
            let letters = (!non_ascii & self.in_low_set(&ascii, self.ascii_letter))
                | (arabic_last & self.in_set(&arabic, self.arabic_letter));
            let joiners = (!non_ascii & self.in_low_set(&ascii, self.ascii_joiner))
                | arabic_lead
                | (arabic_last & self.in_set(&arabic, self.arabic_joiner));
            Classes {
                non_ascii: non_ascii.into(),
                continuation: continuation.into(),
                arabic_lead: arabic_lead.into(),
                arabic_last: arabic_last.into(),
                letters: letters.into(),
                joiners: joiners.into(),
            }
        }
    }

    /// A block's bytes by what the fast path makes of them, one bit per
    /// byte: 32 bytes, or 64 joined.
    #[derive(Clone, Copy)]
    struct Classes {
        non_ascii: u64,
        continuation: u64,
        /// Lead bytes of characters of the Arabic block.
        arabic_lead: u64,
        /// Last bytes of characters of the Arabic block.
        arabic_last: u64,
        letters: u64,
        joiners: u64,
    }

    impl Classes {
        /// The classes from byte `skip` on.
        #[inline(always)]
        fn shifted(self, skip: u32) -> Classes {
            Classes {
                non_ascii: self.non_ascii >> skip,
                continuation: self.continuation >> skip,
                arabic_lead: self.arabic_lead >> skip,
                arabic_last: self.arabic_last >> skip,
                letters: self.letters >> skip,
                joiners: self.joiners >> skip,
            }
        }

        /// The classes of 64 bytes, `self` the first 32 and `next` the others.
        #[inline(always)]
        fn followed_by(self, next: Classes) -> Classes {
            Classes {
                non_ascii: self.non_ascii | next.non_ascii << 32,
                continuation: self.continuation | next.continuation << 32,
                arabic_lead: self.arabic_lead | next.arabic_lead << 32,
                arabic_last: self.arabic_last | next.arabic_last << 32,
                letters: self.letters | next.letters << 32,
                joiners: self.joiners | next.joiners << 32,
            }
        }

        /// Counts the first `n` bytes (1 to 64) up to the first character
        /// the fast path does not handle, and never past a character cut
        /// by the block's end. Returns how many bytes it took and whether
        /// it stopped at such a character.
        #[inline(always)]
        fn count(self, n: u32, counter: &mut Counter) -> (u32, bool) {
            let handled = !self.non_ascii | self.arabic_lead | self.arabic_last;
            let keep = if n == 64 { u64::MAX } else { (1 << n) - 1 };
            let unhandled = !handled & keep;
            // Valid UTF-8: the first byte not handled starts a character
            // (a continuation byte is handled when its lead is).
            let (mut n, stopped) = if unhandled == 0 {
                (n, false)
            } else {
                (unhandled.trailing_zeros(), true)
            };
            // A lead byte ending the block: its character is taken whole
            // by the next one.
            if n > 0 && (self.arabic_lead >> (n - 1)) & 1 == 1 {
                n -= 1;
            }
            if n == 0 {
                return (0, stopped);
            }
            let masks = BlockMasks {
                letters: self.letters,
                joiners: self.joiners,
                starts: !self.continuation,
            };
            masks.count(n, counter);
            (n, stopped)
        }
    }

    impl Loaded {
        /// Counts from `at` (inside `bytes`) the next 64 bytes, or 32, or
        /// what is left, up to the first character the fast path does not
        /// handle: [`Classes::count`]'s answer.
        #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
        fn step(&self, bytes: &[u8], at: usize, counter: &mut Counter) -> (u32, bool) {
            let len = bytes.len();
            let left = len - at;
            let base = bytes.as_ptr();
            if left >= 64 && at > 0 {
                // Two blocks at a time: the counting on masks, and the
                // loop, once for 64 bytes.
                // SAFETY: the loads read 65 bytes from `at - 1`, inside
                // `bytes` as the condition says.
                let (first, second) = unsafe {
                    let here = base.add(at);
                    (
                        self.classify(
                            _mm256_loadu_si256(here.sub(1).cast()),
                            _mm256_loadu_si256(here.cast()),
                        ),
                        self.classify(
                            _mm256_loadu_si256(here.add(31).cast()),
                            _mm256_loadu_si256(here.add(32).cast()),
                        ),
                    )
                };
                first.followed_by(second).count(64, counter)
            } else {
                // SAFETY: every load reads 32 bytes inside `bytes` (or
                // inside `padded`), as the conditions say.
                let (previous, current, skip, n) = unsafe {
                    if left >= 32 && at > 0 {
                        let here = base.add(at);
                        (
                            _mm256_loadu_si256(here.sub(1).cast()),
                            _mm256_loadu_si256(here.cast()),
                            0,
                            32,
                        )
                    } else if left >= 32 {
                        // The first block: a zero byte before it.
                        let current = _mm256_loadu_si256(base.cast());
                        let low_lane_up = _mm256_permute2x128_si256(current, current, 0x08);
                        (_mm256_alignr_epi8(current, low_lane_up, 15), current, 0, 32)
                    } else if len > 32 {
                        // The last block, loaded so that it ends with the
                        // text; its first bytes are counted already.
                        let start = len - 32;
                        (
                            _mm256_loadu_si256(base.add(start - 1).cast()),
                            _mm256_loadu_si256(base.add(start).cast()),
                            (at - start) as u32,
                            left as u32,
                        )
                    } else {
                        // A text shorter than a block.
                        let mut padded = [0u8; 33];
                        padded[0] = if at > 0 { bytes[at - 1] } else { 0 };
                        padded[1..=left].copy_from_slice(&bytes[at..]);
                        (
                            _mm256_loadu_si256(padded.as_ptr().cast()),
                            _mm256_loadu_si256(padded.as_ptr().add(1).cast()),
                            0,
                            left as u32,
                        )
                    }
                };
                self.classify(previous, current)
                    .shifted(skip)
                    .count(n, counter)
            }
        }
    }

    impl Tables {
        /// The tables in registers.
        #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
        fn loaded(&self) -> Loaded {
            Loaded {
                ascii_letter: load(&self.ascii_letter).0,
                ascii_joiner: load(&self.ascii_joiner).0,
                arabic_letter: load(&self.arabic_letter),
                arabic_joiner: load(&self.arabic_joiner),
                bits: _mm256_setr_epi8(
                    1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32,
                    64, -128, 1, 2, 4, 8, 16, 32, 64, -128,
                ),
            }
        }

        /// See [`super::advance`].
        ///
        /// # Safety
        ///
        /// The CPU must have AVX2 (true of any `Tables`).
        #[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
        pub(super) unsafe fn advance(
            &self,
            bytes: &[u8],
            mut at: usize,
            total: &mut Counter,
        ) -> usize {
            let loaded = self.loaded();
            // Counted in registers, written back once.
            let mut local = *total;
            let counter = &mut local;
            let len = bytes.len();
            let mut stretch = SHORTEST_STRETCH;
            while at < len {
                let (used, stopped) = loaded.step(bytes, at, counter);
                at += used as usize;
                if stopped {
                    // The one-character loop takes the characters from here
                    // for a stretch, then the fast path tries again.
                    let until = (at + stretch).min(len);
                    at = counter.one_at_a_time(bytes, at, until);
                    stretch = (stretch * 2).min(LONGEST_STRETCH);
                } else if used > 0 {
                    stretch = SHORTEST_STRETCH;
                }
            }
            *total = local;
            at
        }

        /// How far the fast path alone takes `bytes` from the start, for
        /// the tests: the one-character loop would hide a character it
        /// wrongly leaves to it.
        #[cfg(test)]
        pub(super) fn fast_reach(&self, bytes: &[u8]) -> usize {
            let mut counter = Counter::default();
            let mut at = 0;
            while at < bytes.len() {
                // SAFETY: the CPU has AVX2, as any `Tables` proves.
                let (used, stopped) = unsafe { self.loaded().step(bytes, at, &mut counter) };
                at += used as usize;
                if stopped || used == 0 {
                    break;
                }
            }
            at
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules, one character at a time.
    fn reference(text: &str) -> (u64, u64) {
        let counts = crate::model::counted_by_chars(text);
        (counts.words, counts.characters)
    }

    fn counted(text: &str) -> (u64, u64) {
        let mut counter = Counter::default();
        let mut at = 0;
        while at < text.len() {
            at = advance(text.as_bytes(), at, &mut counter);
            if at < text.len() {
                at = counter.one_at_a_time(text.as_bytes(), at, at + 1);
            }
        }
        (counter.words, counter.characters)
    }

    #[test]
    fn characters_are_counted_as_the_standard_library_counts_them() {
        let pieces = ["a", "س", "€", "𝄞", " ", "\u{FEFF}", "é"];
        let mut text = String::new();
        let mut seed = 7u32;
        while text.len() < 1000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            // Every prefix, so that each length and each tail is tried.
            assert_eq!(
                count_char_starts(text.as_bytes()),
                text.chars().count(),
                "{text:?}"
            );
        }
        // Runs cut anywhere, inside characters too, as the offset map asks.
        let bytes = text.as_bytes();
        for start in 0..8 {
            for end in (bytes.len() - 70..bytes.len()).step_by(3) {
                let run = &bytes[start..end];
                let expected = run.iter().filter(|&&b| b & 0xC0 != 0x80).count();
                assert_eq!(count_char_starts(run), expected, "{start}..{end}");
            }
        }
    }

    #[test]
    fn the_fast_path_runs_on_this_machine() {
        // CI runs on the same kind of machine: x86_64 with AVX2. Without
        // this, the tests below would only test the one-character loop.
        #[cfg(target_arch = "x86_64")]
        assert!(available() == is_x86_feature_detected!("avx2"));
    }

    #[test]
    fn every_ascii_and_arabic_character_counts_as_the_rules_say() {
        let chars: Vec<char> = (0..0x80u32)
            .chain(0x600..0x700)
            .filter_map(char::from_u32)
            .collect();
        for c in &chars {
            for text in [
                format!("{c}"),
                format!("x{c}x {c} y{c}{c}z {c}{c}{c}"),
                format!("ب{c}ب {c} ت{c}{c}ث {c}"),
                format!("{c} ").repeat(40),
                format!("ab{c}").repeat(23),
            ] {
                assert_eq!(counted(&text), reference(&text), "{c:?} in {text:?}");
            }
        }
    }

    #[test]
    fn mixed_texts_count_as_the_rules_say_at_every_length_and_offset() {
        // A pseudo-random walk over an alphabet mixing what the fast path
        // handles with what it leaves to the one-character loop.
        let alphabet: Vec<char> =
            "abc XYZ 019 .,'-\n\tكتب يـَ،؟ ٣ ﻻ é Ж “’” 日 😀\u{200C}\u{064E}\u{0670}\u{0640}"
                .chars()
                .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for length in (0..300).chain([1000, 4000, 20_000]) {
            let text: String = (0..length)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            assert_eq!(counted(&text), reference(&text), "{text:?}");
            for (start, _) in text.char_indices().take(40) {
                let tail = &text[start..];
                assert_eq!(counted(tail), reference(tail), "{tail:?}");
            }
        }
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn text_of_ascii_and_arabic_is_taken_whole_by_the_fast_path() {
        let Some(tables) = avx2::tables() else {
            return;
        };
        // Every alignment of the 64-byte and 32-byte blocks: a character
        // misread as one the fast path does not handle would stop it.
        let text = "كتب الصحفي، في 3 أيام: \"تقرير\" عن الـمدينة؟ (نعم) ".repeat(20);
        for (start, _) in text.char_indices().take(70) {
            let tail = &text.as_bytes()[start..];
            assert_eq!(tables.fast_reach(tail), tail.len(), "from byte {start}");
        }
        // And it does stop at one it does not handle.
        let mixed = format!("{}«{}", "كتاب ".repeat(30), "كتاب ".repeat(30));
        let stop = mixed.find('«').unwrap_or_default();
        assert_eq!(tables.fast_reach(mixed.as_bytes()), stop);
    }

    #[test]
    fn long_runs_of_one_kind_cross_block_boundaries() {
        for text in [
            "كتاب".repeat(100),
            "\u{064E}".repeat(100),
            format!("a{}", "\u{064E}".repeat(100)),
            format!("{} b", "'".repeat(70)),
            "word ".repeat(100),
            format!("{}x", "Ж".repeat(100)),
            format!("{}كتاب", "Жa".repeat(100)),
        ] {
            assert_eq!(counted(&text), reference(&text), "{text:?}");
        }
    }
}
