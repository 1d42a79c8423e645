//! Mapping from byte offsets in the decoded UTF-8 text back to byte offsets
//! in the original input, so that every span the model reports points into
//! the bytes the user actually has.
//!
//! Storing one original offset per character would cost more memory than
//! the text itself, so the map keeps only what it needs per encoding:
//! nothing for clean UTF-8, the points where the two offsets drift apart
//! for UTF-8 with replacements and for multi-byte legacy encodings, and a
//! sparse index for encodings where every character has a width that can
//! be recomputed from the character itself (single-byte and UTF-16).

/// Decoded bytes between two points of the index of an [`OffsetMap::Walk`]:
/// a point is kept at every multiple of it, so that the point before an
/// offset is found by a division, not a search, and a lookup counts at
/// most this many bytes. The text reader asks for two offsets per block,
/// hundreds of thousands for a large input of short paragraphs; the index
/// costs 8 bytes per stride, 3% of the text.
const INDEX_STRIDE: usize = 256;

/// How the width of a character in the original bytes is recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Every character came from exactly one byte (single-byte encodings,
    /// unmapped bytes included).
    Byte,
    /// Every character came from one or two UTF-16 code units; a replacement
    /// character stands for one malformed code unit.
    Utf16,
}

impl Unit {
    /// The width in the original bytes of the characters that start in a
    /// run of decoded UTF-8, counted from their first bytes without decoding
    /// them: every character is one byte (single-byte encodings) or one
    /// UTF-16 code unit, two for those outside the BMP, the ones with four
    /// UTF-8 bytes. The run may start or end inside a character: a
    /// character counts in the run that holds its first byte.
    fn width_of(self, text: &[u8]) -> usize {
        let chars = crate::word_simd::count_char_starts(text);
        match self {
            Unit::Byte => chars,
            Unit::Utf16 => {
                let supplementary = text.iter().filter(|&&b| b >= 0xF0).count();
                2 * (chars + supplementary)
            }
        }
    }
}

/// Maps decoded offsets to original offsets. Built by the decoder, queried
/// through [`crate::decode::Decoded::original_offset`].
#[derive(Debug, Clone)]
pub(crate) enum OffsetMap {
    /// `original = base + decoded` (valid UTF-8, after an optional BOM).
    Shift {
        /// Bytes before the decoded text (the BOM).
        base: usize,
    },
    /// Piecewise shift: each `(decoded, original)` point starts a run where
    /// both advance together. Sorted by `decoded`; the first point is `(0, base)`.
    Pieces(Vec<(usize, usize)>),
    /// Walk characters from the nearest index point, adding their widths.
    Walk {
        /// Width rule of the encoding.
        unit: Unit,
        /// For each multiple of [`INDEX_STRIDE`] inside the text, the original
        /// offset that the characters starting before it lead to.
        index: Vec<usize>,
        /// Length of the original input, which no offset may pass (a final
        /// odd byte of UTF-16 decodes to one replacement character).
        limit: usize,
    },
}

impl OffsetMap {
    /// Builds the index of an [`OffsetMap::Walk`] in one pass over `text`.
    pub(crate) fn walk(unit: Unit, text: &str, base: usize, limit: usize) -> OffsetMap {
        let mut builder = WalkBuilder::new(unit, 0, base);
        builder.extend(text.as_bytes());
        builder.finish(limit)
    }

    /// The original offset of the character starting at `decoded`
    /// (or of the end, for `decoded == text.len()`).
    pub(crate) fn original(&self, text: &str, decoded: usize) -> usize {
        match self {
            OffsetMap::Shift { base } => base + decoded,
            OffsetMap::Pieces(points) => {
                let i = points.partition_point(|&(d, _)| d <= decoded);
                let (d, o) = points[i.saturating_sub(1)];
                o + (decoded - d)
            }
            // The end of the text is the end of the input, whatever the
            // decoder made of a malformed tail (UTF-16 ending in a lone high
            // surrogate and an odd byte gives one U+FFFD for three bytes).
            OffsetMap::Walk { limit, .. } if decoded == text.len() => *limit,
            OffsetMap::Walk { unit, index, limit } => {
                let point = decoded / INDEX_STRIDE;
                let run = &text.as_bytes()[point * INDEX_STRIDE..decoded];
                (index[point] + unit.width_of(run)).min(*limit)
            }
        }
    }
}

/// Builds the index of an [`OffsetMap::Walk`] from the decoded text as a
/// decoder writes it, piece by piece, so that each piece is indexed while
/// it is still in the cache; two builders can index two halves of a text
/// (see [`WalkBuilder::append`]).
#[derive(Debug)]
pub(crate) struct WalkBuilder {
    unit: Unit,
    index: Vec<usize>,
    /// Decoded and original offsets the builder started at.
    start: (usize, usize),
    /// Decoded offset of the next byte to come.
    decoded: usize,
    /// Its original offset.
    original: usize,
    /// The decoded offset of the next multiple of [`INDEX_STRIDE`].
    next_point: usize,
}

impl WalkBuilder {
    /// A builder for text that starts at `decoded` in the whole decoded
    /// text (a character boundary) and at `original` in the input.
    pub(crate) fn new(unit: Unit, decoded: usize, original: usize) -> Self {
        WalkBuilder {
            unit,
            index: Vec::new(),
            start: (decoded, original),
            decoded,
            original,
            next_point: decoded.next_multiple_of(INDEX_STRIDE),
        }
    }

    /// Room for the points of `decoded_len` more bytes, asked for up front.
    pub(crate) fn reserve(&mut self, decoded_len: usize) {
        self.index.reserve(decoded_len / INDEX_STRIDE + 1);
    }

    /// Indexes the next `piece` of decoded text: whole characters of UTF-8.
    pub(crate) fn extend(&mut self, piece: &[u8]) {
        let end = self.decoded + piece.len();
        let mut counted = 0;
        while self.next_point < end {
            let point = self.next_point - self.decoded;
            self.original += self.unit.width_of(&piece[counted..point]);
            counted = point;
            self.index.push(self.original);
            self.next_point += INDEX_STRIDE;
        }
        self.original += self.unit.width_of(&piece[counted..]);
        self.decoded = end;
    }

    /// Adds the points of `next`, the builder of the text that follows
    /// this one's.
    pub(crate) fn append(&mut self, next: WalkBuilder) {
        debug_assert_eq!(next.start, (self.decoded, self.original));
        self.index.extend(next.index);
        self.decoded = next.decoded;
        self.original = next.original;
        self.next_point = next.next_point;
    }

    /// The map, for a text that ends here and an input of `limit` bytes.
    pub(crate) fn finish(self, limit: usize) -> OffsetMap {
        OffsetMap::Walk {
            unit: self.unit,
            index: self.index,
            limit,
        }
    }
}

/// Collects the points of an [`OffsetMap::Pieces`] while a decoder runs:
/// a point is stored only where the original offset stops advancing in
/// step with the decoded one.
#[derive(Debug)]
pub(crate) struct PiecesBuilder {
    points: Vec<(usize, usize)>,
}

impl PiecesBuilder {
    pub(crate) fn new(base: usize) -> Self {
        PiecesBuilder {
            points: vec![(0, base)],
        }
    }

    /// Records that `decoded` bytes of text came from the input up to `original`.
    pub(crate) fn advance(&mut self, decoded: usize, original: usize) {
        let &(d, o) = self
            .points
            .last()
            .expect("the first point is pushed by new");
        if o + (decoded - d) != original {
            if d == decoded {
                // Bytes consumed without output (an escape sequence): move the point.
                if let Some(last) = self.points.last_mut() {
                    last.1 = original;
                }
            } else {
                self.points.push((decoded, original));
            }
        }
    }

    pub(crate) fn finish(self) -> OffsetMap {
        if self.points.len() == 1 {
            OffsetMap::Shift {
                base: self.points[0].1,
            }
        } else {
            OffsetMap::Pieces(self.points)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_counts_utf16_units() {
        let text = "aé😀b";
        let map = OffsetMap::walk(Unit::Utf16, text, 2, 12);
        assert_eq!(map.original(text, 0), 2);
        assert_eq!(map.original(text, 1), 4);
        assert_eq!(map.original(text, 3), 6);
        assert_eq!(map.original(text, 7), 10);
        assert_eq!(map.original(text, 8), 12);
    }

    #[test]
    fn the_end_of_the_text_is_the_end_of_the_input() {
        // Found by the `decode` fuzz target: BOM, one unit, a lone high
        // surrogate and an odd byte decode to "a\u{FFFD}".
        let bytes = [0xFF, 0xFE, 0x61, 0x00, 0x84, 0xD8, 0xAA];
        let decoded = crate::decode::decode(&bytes, &Default::default()).unwrap();
        let end = decoded.original_offset(decoded.text.len());
        assert_eq!(end, bytes.len(), "text {:?}", decoded.text);
    }

    #[test]
    fn walk_index_is_used_far_into_the_text() {
        let text = "ب".repeat(10_000);
        let map = OffsetMap::walk(Unit::Byte, &text, 0, 10_000);
        assert_eq!(map.original(&text, 2 * 9_000), 9_000);
        assert_eq!(map.original(&text, text.len()), 10_000);
    }

    #[test]
    fn an_index_built_in_pieces_or_halves_is_the_same() {
        // Mixed widths, so that multiples of the stride fall inside characters.
        let text = "aب€😀 ".repeat(700);
        let bytes = text.as_bytes();
        let whole = OffsetMap::walk(Unit::Utf16, &text, 5, usize::MAX);
        let boundaries: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        for &cut in boundaries.iter().step_by(37) {
            let mut first = WalkBuilder::new(Unit::Utf16, 0, 5);
            let mut at = 0;
            while at < cut {
                let mut end = (at + 300).min(cut);
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                first.extend(&bytes[at..end]);
                at = end;
            }
            let original = 5 + Unit::Utf16.width_of(&bytes[..cut]);
            let mut second = WalkBuilder::new(Unit::Utf16, cut, original);
            second.extend(&bytes[cut..]);
            first.append(second);
            let halves = first.finish(usize::MAX);
            for &at in boundaries.iter().step_by(11) {
                assert_eq!(
                    halves.original(&text, at),
                    whole.original(&text, at),
                    "cut {cut} at {at}"
                );
            }
            let (OffsetMap::Walk { index: a, .. }, OffsetMap::Walk { index: b, .. }) =
                (&halves, &whole)
            else {
                panic!("not walks");
            };
            assert_eq!(a, b, "cut {cut}");
        }
    }

    #[test]
    fn walk_lookups_match_a_count_from_the_start() {
        // 13 strides long: the end is a multiple too.
        let text = "€a😀".repeat(416);
        let map = OffsetMap::walk(Unit::Utf16, &text, 0, usize::MAX);
        let mut units = 0;
        for (at, c) in text.char_indices() {
            assert_eq!(map.original(&text, at), units, "at {at}");
            units += 2 * c.len_utf16();
        }
    }

    #[test]
    fn pieces_follow_replacements() {
        // "a" + 2 invalid bytes -> U+FFFD (3 bytes) + "b"
        let mut builder = PiecesBuilder::new(0);
        builder.advance(1, 1);
        builder.advance(4, 3);
        builder.advance(5, 4);
        let map = builder.finish();
        let text = "a\u{FFFD}b";
        assert_eq!(map.original(text, 0), 0);
        assert_eq!(map.original(text, 1), 1);
        assert_eq!(map.original(text, 4), 3);
        assert_eq!(map.original(text, 5), 4);
    }
}
