//! The words of a sample that hold a non-ASCII byte, found 64 bytes at a
//! time.
//!
//! Detection scores candidate encodings on these words only (ASCII reads
//! alike in every candidate), and first measures them all to choose how
//! many to keep. Splitting the sample at each white-space byte and asking
//! of each word whether it holds a byte from 0x80 on took twenty
//! instructions a byte, a third of detecting a large legacy file. Here the
//! white space and the high bytes of 64 bytes become two bit masks, and the
//! loop runs once per word, not once per byte.

/// Calls `each` with every word of `sample` that holds a byte from 0x80
/// on, in order. A word is a run of bytes between ASCII white space
/// (space, tab, line feed, carriage return, form feed), the runs that
/// `sample.split(..)` at those bytes gives.
pub(super) fn for_each<'a>(sample: &'a [u8], mut each: impl FnMut(&'a [u8])) {
    // Start of the word being read, and whether its bytes in the blocks
    // before this one held a high byte.
    let mut start: usize = 0;
    let mut high_before = false;
    for (block_index, block) in sample.chunks(64).enumerate() {
        let base = block_index * 64;
        let (spaces, highs) = masks(block);
        let mut rest = spaces;
        while rest != 0 {
            let at = rest.trailing_zeros() as usize;
            // The word's bytes inside this block: from its start, or from
            // the block's, up to the white space at `at`.
            let from = start.saturating_sub(base);
            let high_here = (highs >> from) & ((1u64 << (at - from)) - 1) != 0;
            if high_before || high_here {
                each(&sample[start..base + at]);
            }
            high_before = false;
            start = base + at + 1;
            rest &= rest - 1;
        }
        let from = start.saturating_sub(base);
        high_before |= from < 64 && highs >> from != 0;
    }
    if high_before {
        each(&sample[start..]);
    }
}

/// Whether `byte` separates words: ASCII white space, which every
/// candidate encoding reads alike (detection cuts samples into words with
/// it before they are decoded).
pub(super) fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The white space and the high bytes of `block` (at most 64 bytes), one
/// bit per byte, the first byte in the lowest bit.
fn masks(block: &[u8]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        if let Ok(full) = <&[u8; 64]>::try_from(block)
            && is_x86_feature_detected!("avx2")
        {
            // SAFETY: AVX2 is present, as just checked.
            return unsafe { masks_avx2(full) };
        }
    }
    masks_bytewise(block)
}

/// [`masks`] one byte at a time.
fn masks_bytewise(block: &[u8]) -> (u64, u64) {
    let (mut spaces, mut highs) = (0u64, 0u64);
    for (i, &byte) in block.iter().enumerate() {
        spaces |= u64::from(is_space(byte)) << i;
        highs |= u64::from(byte >= 0x80) << i;
    }
    (spaces, highs)
}

/// [`masks`] of a whole block with AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn masks_avx2(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let half = |offset: usize| {
        // SAFETY: 32 bytes from `offset` (0 or 32) lie inside the block,
        // read unaligned.
        let bytes = unsafe { _mm256_loadu_si256(block.as_ptr().add(offset).cast()) };
        let is = |value: u8| _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8(value as i8));
        let space = _mm256_or_si256(
            _mm256_or_si256(is(b' '), is(b'\n')),
            _mm256_or_si256(_mm256_or_si256(is(b'\t'), is(b'\r')), is(b'\x0c')),
        );
        (
            u64::from(_mm256_movemask_epi8(space) as u32),
            u64::from(_mm256_movemask_epi8(bytes) as u32),
        )
    };
    let (low_spaces, low_highs) = half(0);
    let (high_spaces, high_highs) = half(32);
    (low_spaces | high_spaces << 32, low_highs | high_highs << 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words as `split` and `any` give them.
    fn split_words(sample: &[u8]) -> Vec<&[u8]> {
        sample
            .split(|&b| is_space(b))
            .filter(|word| word.iter().any(|&b| b >= 0x80))
            .collect()
    }

    fn found_words(sample: &[u8]) -> Vec<&[u8]> {
        let mut words = Vec::new();
        for_each(sample, |word| words.push(word));
        words
    }

    #[test]
    fn words_are_those_of_splitting_at_white_space() {
        // Words of every length around the block edges, white space of
        // every kind and in runs, high bytes at a word's start, middle
        // and end, and words that are all ASCII.
        let pieces: [&[u8]; 9] = [
            b"abc",
            b"\xC7\xE1",
            b"x\xE3y",
            b"plain",
            b"\xFF",
            b"long\xE1\xE1\xE1\xE1\xE1\xE1\xE1\xE1\xE1\xE1\xE1\xE1\xE1word",
            b"",
            b"12.5",
            b"end\x80",
        ];
        let spaces: [&[u8]; 6] = [b" ", b"\n", b"\t", b"\r\n", b"\x0c", b"  "];
        let mut sample = Vec::new();
        let mut seed = 7u32;
        for _ in 0..2000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            sample.extend_from_slice(pieces[(seed >> 16) as usize % pieces.len()]);
            sample.extend_from_slice(spaces[(seed >> 24) as usize % spaces.len()]);
        }
        // Every start and end, so that the blocks fall everywhere in the words.
        for start in 0..70 {
            for end in [
                sample.len(),
                sample.len() - 1,
                sample.len() - 3,
                start + 130,
            ] {
                let part = &sample[start..end.max(start)];
                assert_eq!(found_words(part), split_words(part), "{start}..{end}");
            }
        }
        // A word that runs over several blocks, with its one high byte in
        // the first, the last, or none of them.
        for high_at in [0, 63, 64, 100, 190, 199] {
            let mut long = vec![b'a'; 200];
            long[high_at] = 0xE7;
            long.push(b' ');
            long.extend_from_slice(&[b'b'; 150]);
            assert_eq!(
                found_words(&long),
                split_words(&long),
                "high byte at {high_at}"
            );
        }
        assert!(found_words(b"").is_empty());
        assert!(found_words(b"   ").is_empty());
        assert_eq!(found_words(b"\xE1"), vec![b"\xE1"]);
    }
}
