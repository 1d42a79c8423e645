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

/// How many decoded bytes lie at most between two index points of a
/// [`OffsetMap::Walk`]: the cost of one lookup is a count over that many
/// bytes (the text reader asks for two offsets per block, so for a large
/// input of short paragraphs this bounds the cost of all spans; the index
/// costs 16 bytes per stride, 3% of the text).
const INDEX_STRIDE: usize = 512;

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
    /// The width in the original bytes of a whole run of decoded text,
    /// counted from its UTF-8 bytes without decoding the characters: every
    /// character is one byte (single-byte encodings) or one UTF-16 code unit,
    /// two for those outside the BMP, the ones with four UTF-8 bytes.
    fn width_of(self, text: &str) -> usize {
        let chars = text.chars().count();
        match self {
            Unit::Byte => chars,
            Unit::Utf16 => {
                let supplementary = text.bytes().filter(|&b| b >= 0xF0).count();
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
        /// `(decoded, original)` every [`INDEX_STRIDE`] decoded bytes or so,
        /// at character boundaries; the first point is `(0, base)`.
        index: Vec<(usize, usize)>,
        /// Length of the original input, which no offset may pass (a final
        /// odd byte of UTF-16 decodes to one replacement character).
        limit: usize,
    },
}

impl OffsetMap {
    /// Builds the sparse index of a [`OffsetMap::Walk`] in one pass.
    pub(crate) fn walk(unit: Unit, text: &str, base: usize, limit: usize) -> OffsetMap {
        let mut index = Vec::with_capacity(text.len() / INDEX_STRIDE + 1);
        index.push((0, base));
        let mut original = base;
        let mut at = 0;
        while at + INDEX_STRIDE < text.len() {
            let mut next = at + INDEX_STRIDE;
            while !text.is_char_boundary(next) {
                next += 1;
            }
            original += unit.width_of(&text[at..next]);
            index.push((next, original));
            at = next;
        }
        OffsetMap::Walk { unit, index, limit }
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
                let i = index.partition_point(|&(d, _)| d <= decoded);
                let (d, original) = index[i.saturating_sub(1)];
                (original + unit.width_of(&text[d..decoded])).min(*limit)
            }
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
