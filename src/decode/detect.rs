//! Guessing what the bytes are when nothing declares it.
//!
//! chardetng (Firefox's detector) makes the first guess among the legacy
//! encodings, and candidates are then judged on how plausible their decoded
//! text is. chardetng alone cannot tell windows-1256 from ISO-8859-6 (they
//! decode the same Arabic bytes to different letters), says KOI8-U for
//! KOI8-R, never answers x-mac-cyrillic or macintosh, rarely ISO-8859-7,
//! sometimes picks the wrong script altogether, and detects no UTF-16
//! without a BOM.
//!
//! So for a single-byte guess every common single-byte encoding is a
//! candidate, and for a CJK guess every CJK one. Only the words that hold
//! non-ASCII bytes are decoded (ASCII reads the same everywhere), at most
//! [`WORDS_LIMIT`] bytes of them spread over the sample. A single-byte
//! reading stops being judged as soon as it can no longer matter; for CJK,
//! a first round on the first kilobyte keeps a handful of candidates, and
//! chardetng is not asked at all when its guess could not change the
//! answer (see [`guess_legacy`]). Each is scored by
//! [`plausibility`] (what a reader would notice in mojibake: replacement
//! and control characters, words that switch script, signs of another
//! script inside a word, capitals inside small words, stray symbols,
//! letters glued to digits, misplaced final letters and Thai marks), by
//! [`letter_fit`] (do its non-ASCII letters belong to one language: when
//! the ASCII words of the lines that hold them name a language, to that
//! one), by its share of capitals, plus a small bonus for chardetng's
//! guess. Among candidates that decode to the same text, the usual name
//! wins (see `among_equals`).
//!
//! The confidence is low when the best two different readings score close
//! (counted in penalty points, not per character) or when there are only a
//! few non-ASCII bytes to judge by.
//!
//! Detection looks at the whole input up to [`SAMPLE_LIMIT`]; past that it
//! looks at [`SAMPLE_CHUNKS`] slices spread evenly over the file, so that a
//! file whose first kilobytes are ASCII is still judged by its text.

use std::borrow::Cow;

use super::letters;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE};

/// Inputs up to this size are examined whole.
pub const SAMPLE_LIMIT: usize = 1 << 20;
/// Number of slices examined in larger inputs.
pub const SAMPLE_CHUNKS: usize = 64;

/// The outcome of legacy-encoding detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guess {
    /// The most plausible encoding.
    pub encoding: &'static Encoding,
    /// 0 to 1; low when another candidate decodes to different text that is
    /// nearly as plausible.
    pub confidence: f64,
}

/// Names a binary format recognised by its leading bytes.
pub fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\x7fELF", "ELF executable"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"%PDF-", "PDF document (extract its text first)"),
        (b"PK\x03\x04", "ZIP archive (or an Office document)"),
        (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
        (b"BZh", "bzip2-compressed data (decompress it first)"),
        (b"\xfd7zXZ\0", "xz-compressed data (decompress it first)"),
        (
            b"\x28\xb5\x2f\xfd",
            "zstd-compressed data (decompress it first)",
        ),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (b"MZ", "Windows executable"),
        (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
        (b"\xca\xfe\xba\xbe", "Java class or Mach-O universal binary"),
        (b"\0asm", "WebAssembly module"),
        (b"SQLite format 3\0", "SQLite database"),
        (b"RIFF", "RIFF media file"),
        (b"OggS", "Ogg media file"),
        (b"ID3", "MP3 audio"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "legacy Office document",
        ),
    ];
    SIGNATURES.iter().find_map(|(magic, name)| {
        let matches = bytes.starts_with(magic)
            // "MZ" and "BZh" are also how some words start: require a binary byte soon after.
            && (magic.len() > 3 || bytes.iter().take(64).any(|&b| b < 0x09 || (0x0e..0x1b).contains(&b)));
        matches.then_some(*name)
    })
}

/// True when the text is mostly C0 control characters, as decoded binary
/// data is (tab, line breaks, form feed and escape do not count). Judged
/// on the first [`SAMPLE_LIMIT`] characters.
pub fn mostly_control(text: &str) -> bool {
    // Every control character counted here is ASCII, one byte, and no
    // byte of a longer character is below 0x80: counting bytes is exact,
    // and much faster than decoding characters one by one. Both counts
    // take 32 bytes at a time.
    let sample = first_chars(text, SAMPLE_LIMIT).as_bytes();
    let total = crate::word_simd::count_char_starts(sample);
    let control = BINARY_CONTROLS.count(sample);
    control > 0 && control * 10 > total
}

/// The bytes of the C0 control characters that binary data is full of and
/// text is not ([`is_binary_control`]).
static BINARY_CONTROLS: crate::byte_set::ByteSet = crate::byte_set::ByteSet::new({
    let mut members = [false; 256];
    let mut byte = 0;
    while byte < 0x80 {
        members[byte] = is_binary_control(byte as u8 as char);
        byte += 1;
    }
    members
});

/// The first `limit` characters of `text` (all of it when shorter),
/// counted a block at a time.
fn first_chars(text: &str, limit: usize) -> &str {
    const BLOCK: usize = 64 * 1024;
    if text.len() <= limit {
        return text;
    }
    let (mut end, mut chars) = (0, 0);
    while end < text.len() {
        let mut next = (end + BLOCK).min(text.len());
        while !text.is_char_boundary(next) {
            next += 1;
        }
        let block = &text[end..next];
        let count = crate::word_simd::count_char_starts(block.as_bytes());
        if chars + count > limit {
            let cut = block
                .char_indices()
                .nth(limit - chars)
                .map_or(next, |(at, _)| end + at);
            return &text[..cut];
        }
        chars += count;
        end = next;
    }
    text
}

const fn is_binary_control(c: char) -> bool {
    matches!(c, '\0'..='\u{08}' | '\u{0E}'..='\u{1A}' | '\u{1C}'..='\u{1F}' | '\u{7F}')
}

/// Recognises UTF-16 without a BOM by the shape of its code units: text in
/// one script plus ASCII repeats a few high bytes (0x00 for ASCII, 0x06 for
/// Arabic, 0x04 for Cyrillic...) at every other position, and decodes to
/// plausible characters in one byte order only.
///
/// Returns the byte order and a confidence, or `None` when the bytes do not
/// look like UTF-16.
pub fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static Encoding, f64)> {
    utf16_without_bom_given(bytes, || simdutf8::basic::from_utf8(bytes).is_ok())
}

/// Spaces and line feeds, which UTF-16 text without NUL bytes (no ASCII
/// at all) has few of.
static BREAKS: crate::byte_set::ByteSet = crate::byte_set::ByteSet::new({
    let mut members = [false; 256];
    members[b' ' as usize] = true;
    members[b'\n' as usize] = true;
    members
});

/// Whether more than one byte in twenty of `sample` is a space or a line
/// feed. Counted 32 bytes at a time, a piece at a time, and no further
/// than the answer needs: a search stopping at each one took more time
/// than the rest of detecting a large text, where they come every few
/// bytes.
fn has_many_breaks(sample: &[u8]) -> bool {
    let enough = sample.len() / 20;
    let mut breaks = 0;
    for piece in sample.chunks(4096) {
        breaks += BREAKS.count(piece);
        if breaks > enough {
            return true;
        }
    }
    false
}

/// [`utf16_without_bom`] for a caller that validates UTF-8 itself and
/// remembers the answer: `is_utf8` tells whether all of `bytes` is valid
/// UTF-8, and is asked at most once, so that a large input is not
/// validated once here and again when it is decoded.
pub(crate) fn utf16_without_bom_given(
    bytes: &[u8],
    is_utf8: impl FnOnce() -> bool,
) -> Option<(&'static Encoding, f64)> {
    if bytes.len() < 2 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(SAMPLE_LIMIT) & !1];
    let has_nul = memchr::memchr(0, sample).is_some();
    // Without NUL bytes, valid UTF-8 is UTF-8; a UTF-16 reading is only
    // considered for text with no ASCII at all (CJK, for instance).
    if !has_nul && is_utf8() {
        return None;
    }
    // Text with no NUL byte reads as UTF-16 only if it has no ASCII at
    // all; many spaces and line breaks rule that out cheaply.
    if !has_nul && has_many_breaks(sample) {
        return None;
    }
    // CJK text in a legacy double-byte encoding has no NUL either and can
    // read as plausible Han in UTF-16; if it decodes cleanly as such, it is.
    if !has_nul
        && CJK.iter().any(|encoding| {
            let (_, malformed) = encoding.decode_without_bom_handling(sample);
            !malformed
        })
    {
        return None;
    }
    let le = utf16_plausibility(sample, false);
    let be = utf16_plausibility(sample, true);
    // In the right byte order the high bytes of the code units take few
    // values (0x00 for ASCII, 0x04 for Cyrillic, 0x4E to 0x9F for Han...);
    // the low bytes spread over a whole block. The byte position with the
    // lower entropy holds the high bytes. That tells the order even where
    // both readings give letters (Cyrillic read backwards is Latin
    // Extended and Han).
    let odd = byte_entropy(sample, 1);
    let even = byte_entropy(sample, 0);
    let little = if (odd - even).abs() >= 0.5 {
        odd < even
    } else if (le - be).abs() >= 0.3 {
        le > be
    } else {
        return None;
    };
    let (encoding, best) = if little {
        (UTF_16LE, le)
    } else {
        (UTF_16BE, be)
    };
    let threshold = if has_nul { 0.85 } else { 0.97 };
    (best >= threshold).then(|| (encoding, best.min(1.0) * 0.99))
}

/// Shannon entropy, in bits, of the bytes at even (`parity` 0) or odd
/// (`parity` 1) positions.
fn byte_entropy(sample: &[u8], parity: usize) -> f64 {
    let mut counts = [0usize; 256];
    for pair in sample.chunks_exact(2) {
        counts[usize::from(pair[parity])] += 1;
    }
    let total: usize = counts.iter().sum();
    if total == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

/// Share of code units that read as text in one dominant script, 0 to 1.
fn utf16_plausibility(sample: &[u8], big_endian: bool) -> f64 {
    let units = sample.chunks_exact(2).map(|pair| {
        if big_endian {
            u16::from_be_bytes([pair[0], pair[1]])
        } else {
            u16::from_le_bytes([pair[0], pair[1]])
        }
    });
    let mut total = 0usize;
    let mut good = 0usize;
    let mut low_zero = 0usize;
    let mut scripts = ScriptCounts::default();
    for c in char::decode_utf16(units) {
        total += 1;
        let Ok(c) = c else { continue };
        if c as u32 & 0xFF == 0 && c as u32 > 0xFF {
            low_zero += 1;
        }
        if c == '\0' || is_binary_control(c) || ('\u{80}'..='\u{9F}').contains(&c) {
            continue;
        }
        if !is_texty(c) {
            continue;
        }
        good += 1;
        scripts.add(c);
    }
    if total == 0 {
        return 0.0;
    }
    let base = good as f64 / total as f64;
    // Real text in a CJK reading seldom has code units ending in 0x00; ASCII
    // read in the wrong byte order always does.
    let zero_penalty = low_zero as f64 / total as f64;
    base * scripts.consistency() * (1.0 - zero_penalty).max(0.0)
}

/// Characters that running text is made of: letters, digits, marks, white
/// space and punctuation. Symbols, private use and unassigned-looking
/// code points are what bytes read in the wrong order turn into.
fn is_texty(c: char) -> bool {
    class_of(c).map_or_else(|| is_texty_slow(c), |class| class.0 & CLASS_TEXTY != 0)
}

fn is_texty_slow(c: char) -> bool {
    c.is_alphanumeric()
        || c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c,
            '\u{A0}'..='\u{BF}' | '\u{0300}'..='\u{036F}' | '\u{0591}'..='\u{05F4}' | '\u{0600}'..='\u{06FF}' | '\u{0E00}'..='\u{0E7F}'
            | '\u{2000}'..='\u{206F}' | '\u{20AC}' | '\u{3000}'..='\u{30FF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Symbols that do occur in news text.
fn is_common_symbol_slow(c: char) -> bool {
    matches!(c, '\u{25A0}'..='\u{26FF}' | '\u{20A0}'..='\u{20CF}' | '\u{2100}'..='\u{214F}' | '\u{2190}'..='\u{21FF}' | '\u{00D7}' | '\u{00F7}')
}

/// What scoring needs to know about a character of the Basic Multilingual
/// Plane, remembered per code point: the standard library's Unicode
/// property look-ups are binary searches, and scoring twenty candidate
/// decodings asks them millions of times.
#[derive(Clone, Copy)]
struct Class(u8);

const CLASS_SCRIPT: u8 = 0x0F;
const CLASS_LOWER: u8 = 0x10;
const CLASS_UPPER: u8 = 0x20;
const CLASS_TEXTY: u8 = 0x40;
const CLASS_SYMBOL: u8 = 0x80;

impl Class {
    fn script(self) -> Option<Script> {
        match self.0 & CLASS_SCRIPT {
            0 => None,
            n => Some(Script::ALL[usize::from(n) - 1]),
        }
    }

    fn is_lower(self) -> bool {
        self.0 & CLASS_LOWER != 0
    }

    fn is_upper(self) -> bool {
        self.0 & CLASS_UPPER != 0
    }

    /// Computed from the rules, for [`class_of`] to remember.
    #[cold]
    fn compute(c: char) -> Class {
        let script = Script::of_slow(c).map_or(0, |s| s as u8 + 1);
        Class(
            script
                | if c.is_lowercase() { CLASS_LOWER } else { 0 }
                | if c.is_uppercase() { CLASS_UPPER } else { 0 }
                | if is_texty_slow(c) { CLASS_TEXTY } else { 0 }
                | if is_common_symbol_slow(c) {
                    CLASS_SYMBOL
                } else {
                    0
                },
        )
    }
}

/// The class of `c`, or `None` outside the Basic Multilingual Plane.
///
/// Each class is computed the first time its character is met and kept in
/// a static table (zeroed memory, which costs nothing until touched).
/// Filling the whole table up front took 56 million instructions, 90% of
/// converting a small windows-1256 file in its own process.
fn class_of(c: char) -> Option<Class> {
    use std::sync::atomic::{AtomicU16, Ordering};
    /// 0: not yet known; otherwise `KNOWN_BIT` and the class bits.
    static TABLE: [AtomicU16; 0x1_0000] = [const { AtomicU16::new(0) }; 0x1_0000];
    const KNOWN_BIT: u16 = 0x100;
    let slot = TABLE.get(c as usize)?;
    let bits = slot.load(Ordering::Relaxed);
    if bits & KNOWN_BIT != 0 {
        // Truncation keeps the class bits below the known bit.
        return Some(Class(bits as u8));
    }
    let class = Class::compute(c);
    slot.store(KNOWN_BIT | u16::from(class.0), Ordering::Relaxed);
    Some(class)
}

fn is_uppercase(c: char) -> bool {
    class_of(c).map_or_else(|| c.is_uppercase(), Class::is_upper)
}

/// Letter counts per script family, to tell one coherent script from the
/// scatter that bytes read in the wrong encoding produce.
#[derive(Debug, Default)]
struct ScriptCounts {
    counts: [usize; Script::COUNT],
}

impl ScriptCounts {
    fn add(&mut self, c: char) {
        if let Some(script) = Script::of(c) {
            // Japanese is kana and Han: one writing system, counted as one.
            // (Hangul stays apart: Korean seldom mixes in Han today, and
            // Han read in the wrong byte order is often Hangul.)
            let script = match script {
                Script::Kana => Script::Han,
                other => other,
            };
            self.counts[script as usize] += 1;
        }
    }

    /// Share of letters in the two most frequent scripts (Latin plus one
    /// other is how most non-Latin text looks).
    fn consistency(&self) -> f64 {
        let total: usize = self.counts.iter().sum();
        if total == 0 {
            return 1.0;
        }
        let mut sorted = self.counts;
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        (sorted[0] + sorted[1]) as f64 / total as f64
    }
}

/// Script families, coarse enough to be cheap and fine enough to see mojibake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Indic,
    Thai,
    Hangul,
    Kana,
    Han,
    Other,
}

impl Script {
    const COUNT: usize = 12;

    const ALL: [Script; Script::COUNT] = [
        Script::Latin,
        Script::Greek,
        Script::Cyrillic,
        Script::Armenian,
        Script::Hebrew,
        Script::Arabic,
        Script::Indic,
        Script::Thai,
        Script::Hangul,
        Script::Kana,
        Script::Han,
        Script::Other,
    ];

    /// The script of a letter; `None` for anything else.
    fn of(c: char) -> Option<Script> {
        match class_of(c) {
            Some(class) => class.script(),
            None => Script::of_slow(c),
        }
    }

    fn of_slow(c: char) -> Option<Script> {
        if !c.is_alphabetic() {
            return None;
        }
        if let Some(script) = Script::block_of(c) {
            return Some(script);
        }
        Some(match c as u32 {
            0x41..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
            0x3040..=0x30FF => Script::Kana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
            _ => Script::Other,
        })
    }

    /// The script whose block holds `c`, letter or not (Thai and Arabic
    /// punctuation, Hebrew points...); `None` for Latin, for the blocks
    /// every script shares (punctuation, symbols, digits) and for the CJK
    /// ones, which [`Script::of_slow`] names for letters only.
    fn block_of(c: char) -> Option<Script> {
        Some(match c as u32 {
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0x400..=0x52F => Script::Cyrillic,
            0x530..=0x58F => Script::Armenian,
            0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
            0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                Script::Arabic
            }
            0x900..=0xDFF => Script::Indic,
            0xE00..=0xE7F => Script::Thai,
            _ => return None,
        })
    }

    /// Scripts that follow one another without a space in ordinary text:
    /// Japanese mixes kana and Han, Korean may mix Hangul and Han, and
    /// none of the three puts spaces around Latin words.
    fn mixes_with(self, other: Script) -> bool {
        let cjk = |s: Script| matches!(s, Script::Han | Script::Kana | Script::Hangul);
        (cjk(self) && (cjk(other) || other == Script::Latin))
            || (cjk(other) && self == Script::Latin)
    }

    /// Scripts whose words are built from cased letters.
    fn is_cased(self) -> bool {
        matches!(
            self,
            Script::Latin | Script::Greek | Script::Cyrillic | Script::Armenian
        )
    }
}

/// Weight of the language fit against the mojibake penalties.
const LETTER_FIT_WEIGHT: f64 = 0.5;
/// Weight of the share of capitals beyond one half among non-ASCII cased
/// letters: Hebrew or Arabic bytes read as KOI8 are all Cyrillic capitals,
/// which whole documents seldom are.
const CAPITALS_WEIGHT: f64 = 0.5;
/// Bonus for chardetng's own guess among single-byte candidates, so that
/// it wins near-ties: its models of letter pairs are finer than the letter
/// shares used here.
const CHARDETNG_PRIOR: f64 = 0.01;
/// Bonus for chardetng's guess among CJK candidates: it knows which Han
/// characters are frequent, which the scores here do not (GBK often reads
/// Shift_JIS bytes as valid, if unlikely, Han), so another candidate wins
/// only when chardetng's leaves malformed or stray characters.
const CHARDETNG_CJK_PRIOR: f64 = 0.1;
/// Margin granted to chardetng's CJK guess when the scores here cannot
/// separate it from another clean reading.
const CJK_TIE_MARGIN: f64 = 0.5;
/// Penalty for a sign of another script's block between two letters (see
/// `judge_chars`): as much as a letter of another script inside a word.
const FOREIGN_SIGN_PENALTY: f64 = 3.0;
/// Penalty points between the best reading and the next different one at
/// which a guess counts as sure (a wrong-table letter costs 1 to 3 points).
const SURE_POINTS: f64 = 4.0;
/// Non-ASCII bytes past which their number no longer lowers confidence
/// (which is scaled by the square root of their share of this number).
const EVIDENCE_BYTES: f64 = 32.0;
/// Bytes of words on which CJK candidates are scored in a first, pruning
/// round.
const PRUNE_BYTES: usize = 1024;
/// CJK candidates scoring this much below the best in the first round are
/// dropped (a wrong table costs far more; near-ties go on).
const PRUNE_DISTANCE: f64 = 0.25;
/// At most this many candidates go on to the full round (besides
/// chardetng's guess).
const PRUNE_KEEP: usize = 6;
/// At most this many bytes of words with non-ASCII bytes are scored.
pub const WORDS_LIMIT: usize = 16 * 1024;

/// True for 7-bit input that switches to JIS X 0208 or JIS X 0212 with the
/// escape sequences of ISO-2022-JP and decodes cleanly that way: such
/// input is also valid UTF-8, so UTF-8 validity must not decide first.
pub fn is_iso_2022_jp(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SAMPLE_LIMIT)];
    if sample.iter().any(|&b| b >= 0x80) || memchr::memchr(0x1B, sample).is_none() {
        return false;
    }
    let escapes = memchr::memmem::find(sample, b"\x1b$B").is_some()
        || memchr::memmem::find(sample, b"\x1b$@").is_some()
        || memchr::memmem::find(sample, b"\x1b$(D").is_some();
    escapes && {
        let (_, malformed) = encoding_rs::ISO_2022_JP.decode_without_bom_handling(sample);
        !malformed
    }
}

/// Guesses a legacy encoding for bytes that are neither valid UTF-8 nor UTF-16.
///
/// chardetng makes the first guess. For a single-byte guess, every common
/// single-byte encoding is then a candidate (chardetng sometimes picks the
/// wrong script, as windows-1252 for Mac Cyrillic); for a CJK guess the CJK
/// encodings are. Each candidate decodes the words that hold non-ASCII
/// bytes, the only ones whose reading differs, and is scored by
/// [`plausibility`] and by how well its non-ASCII letters fit some language
/// ([`letter_fit`]); chardetng's guess gets a small bonus.
///
/// Bytes that chardetng would not read as any CJK encoding are first
/// judged as single-byte without chardetng, which is not run at all when
/// it could not change the verdict (see `SingleByteVerdict::settled` and
/// `chardetng_rules_out_multi_byte`): it was half the time of detecting a
/// small windows-1256 file, and two thirds of a large one. Otherwise the
/// scores are kept and ranked again with chardetng's bonus, which gives
/// what judging with its guess from the start gives.
pub fn guess_legacy(bytes: &[u8]) -> Guess {
    guess_legacy_judged(bytes, true)
}

/// [`guess_legacy`], judging single-byte readings without chardetng first
/// when `single_byte_first` (false only in the tests that check it changes
/// nothing).
fn guess_legacy_judged(bytes: &[u8], single_byte_first: bool) -> Guess {
    let sample = sample(bytes);
    // chardetng, too, learns only from non-ASCII bytes and the letters
    // beside them, so it is fed the same words; an escape-only input
    // (ISO-2022-JP) has none and is fed whole.
    let mut words = high_byte_words(&sample);
    if words.is_empty() {
        words = Cow::Borrowed(&sample[..]);
    }
    let high_counts = byte_counts(&words);
    let mut single_byte_scores = None;
    if single_byte_first
        && high_counts.iter().any(|&count| count > 0)
        && chardetng_rules_out_multi_byte(&words)
    {
        let readings = Readings {
            words: &words,
            high_counts: &high_counts,
            cjk: false,
            context: context_language(&sample),
        };
        let mut candidates = SINGLE_BYTE.to_vec();
        candidates.extend_from_slice(CHARDETNG_ONLY_SINGLE_BYTE);
        let scored = readings.score_all(candidates, None, CHARDETNG_ONLY_SINGLE_BYTE);
        let verdict = SingleByteVerdict::new(&scored, None, &readings, &sample);
        if verdict.settled {
            return verdict.guess;
        }
        single_byte_scores = Some((readings, scored));
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
    detector.feed(&words, true);
    let first = detector.guess(None, Utf8Detection::Allow);
    let cjk = !first.is_single_byte();
    if let Some((readings, scored)) = single_byte_scores
        && !cjk
        && (SINGLE_BYTE.contains(&first) || CHARDETNG_ONLY_SINGLE_BYTE.contains(&first))
    {
        // The candidates of the full path below, in its order, with the
        // same scores: only the bonus is new.
        let scored: Vec<Scored> = scored
            .into_iter()
            .filter(|scored| SINGLE_BYTE.contains(&scored.encoding) || scored.encoding == first)
            .collect();
        return SingleByteVerdict::new(&scored, Some(first), &readings, &sample).guess;
    }
    let mut candidates: Vec<&'static Encoding> = if cjk {
        CJK.to_vec()
    } else {
        SINGLE_BYTE.to_vec()
    };
    if !candidates.contains(&first) {
        candidates.push(first);
    }
    // Single-byte candidates are judged straight from the bytes through a
    // table of what each byte value decodes to; CJK ones are decoded.
    let readings = Readings {
        words: &words,
        high_counts: &high_counts,
        cjk,
        context: if cjk { None } else { context_language(&sample) },
    };
    // A first round on the first few words drops the CJK candidates that
    // are plainly wrong, so that the full round decodes only a handful.
    // Single-byte candidates need none: the bar of `score_all` drops
    // theirs after a few words, exactly.
    if cjk && words.len() > 2 * PRUNE_BYTES {
        let head = &words[..memchr::memrchr(b' ', &words[..PRUNE_BYTES]).unwrap_or(PRUNE_BYTES)];
        // CJK readings are judged on their text alone: no letter fit.
        let quick: Vec<f64> = candidates
            .iter()
            .map(|e| {
                readings
                    .score(e, head, 1.0, f64::INFINITY)
                    .map_or(f64::MIN, |scored| scored.score)
            })
            .collect();
        let top = quick.iter().copied().fold(f64::MIN, f64::max);
        let mut order: Vec<usize> = (0..quick.len()).collect();
        order.sort_by(|&a, &b| quick[b].total_cmp(&quick[a]));
        let kept: Vec<usize> = order
            .into_iter()
            .filter(|&i| quick[i] >= top - PRUNE_DISTANCE)
            .take(PRUNE_KEEP)
            .collect();
        candidates = candidates
            .into_iter()
            .enumerate()
            .filter(|(i, encoding)| *encoding == first || kept.contains(i))
            .map(|(_, encoding)| encoding)
            .collect();
    }
    let scored = readings.score_all(candidates, Some(first), &[]);
    SingleByteVerdict::new(&scored, Some(first), &readings, &sample).guess
}

/// A candidate encoding as judged.
struct Scored {
    encoding: &'static Encoding,
    /// What ranks the candidates: plausibility less the letter-fit and
    /// capitals terms.
    score: f64,
    /// How free of mojibake the reading is ([`plausibility_with`]),
    /// kept for the confidence of the one that wins.
    plausibility: f64,
    /// For CJK, the text it reads (single-byte readings are judged
    /// straight from their table).
    text: Option<String>,
}

/// What the candidates of [`guess_legacy`] are judged on.
struct Readings<'a> {
    /// The words that hold non-ASCII bytes.
    words: &'a [u8],
    /// How often each byte value from 0x80 occurs in them.
    high_counts: &'a [usize; 128],
    /// Whether the candidates are CJK (decoded and judged as text) rather
    /// than single-byte (judged through their table).
    cjk: bool,
    /// The language of the ASCII words around, for the letter fit.
    context: Option<usize>,
}

impl Readings<'_> {
    /// The bonus of chardetng's guess.
    fn prior(&self) -> f64 {
        match self.cjk {
            true => CHARDETNG_CJK_PRIOR,
            false => CHARDETNG_PRIOR,
        }
    }

    /// What ranks a judged candidate: its score, plus the bonus when it is
    /// `first`, chardetng's guess.
    fn ranked(&self, scored: &Scored, first: Option<&'static Encoding>) -> f64 {
        scored.score
            + match Some(scored.encoding) == first {
                true => self.prior(),
                false => 0.0,
            }
    }

    /// The score of reading `bytes` as `encoding`, whose letters fit a
    /// language by `fit` ([`Readings::letter_fit`]), or `None` when the
    /// reading's penalties pass `limit`: it cannot matter.
    fn score(
        &self,
        encoding: &'static Encoding,
        bytes: &[u8],
        fit: f64,
        limit: f64,
    ) -> Option<Scored> {
        if self.cjk {
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            let (plausibility, _) = judge(&text, false);
            return Some(Scored {
                encoding,
                score: plausibility,
                plausibility,
                text: Some(text.into_owned()),
            });
        }
        let table = single_byte_table(encoding);
        let chars = bytes.iter().map(|&b| match b.checked_sub(0x80) {
            Some(high) => table[usize::from(high)],
            None => char::from(b),
        });
        let (plausibility, capitals) = judge_chars(chars, true, limit)?;
        let score = plausibility
            - LETTER_FIT_WEIGHT * (1.0 - fit)
            - CAPITALS_WEIGHT * (capitals - 0.5).max(0.0);
        Some(Scored {
            encoding,
            score,
            plausibility,
            text: None,
        })
    }

    /// The [`letter_fit`] of reading bytes counted by `counts` as the
    /// single-byte `encoding`; 1 for CJK, whose readings are judged on
    /// their text alone.
    fn letter_fit(&self, encoding: &'static Encoding, counts: &[usize; 128]) -> f64 {
        if self.cjk {
            return 1.0;
        }
        let entries = letter_entries(encoding);
        let letters = (0..128).filter(|&i| counts[i] > 0).filter_map(|i| {
            entries
                .get(i)
                .map(|(script, found)| (script, found, counts[i]))
        });
        letter_fit_of_entries(letters, self.context)
    }

    /// Every candidate that can matter, with its score on all the words
    /// (in the order of `candidates`); `first`, chardetng's guess, is
    /// judged first, as it sets the bar that the others must reach.
    /// `provisional` candidates may be dropped from the scores later (see
    /// [`guess_legacy`]), so they never raise the bar: a reading pruned
    /// because of them could be the best once they are gone.
    fn score_all(
        &self,
        candidates: Vec<&'static Encoding>,
        first: Option<&'static Encoding>,
        provisional: &[&'static Encoding],
    ) -> Vec<Scored> {
        let bar = PruneBar::new(self.words, self.high_counts, &candidates, self.cjk);
        // Told from the byte counts alone, the letter fit costs a fraction
        // of judging the words; known first, it lowers each reading's
        // ceiling (see `PruneBar::limit`).
        let fits: Vec<f64> = candidates
            .iter()
            .map(|&encoding| self.letter_fit(encoding, self.high_counts))
            .collect();
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        match first {
            Some(first) => order.sort_by_key(|&i| candidates[i] != first),
            // Without chardetng's guess, the reading whose letters fit a
            // language best goes first instead, so that it sets the bar
            // early.
            None => order.sort_by(|&a, &b| fits[b].total_cmp(&fits[a])),
        }
        let mut best_so_far = f64::NEG_INFINITY;
        let mut slots: Vec<Option<Scored>> = candidates.iter().map(|_| None).collect();
        for i in order {
            let encoding = candidates[i];
            let ceiling = 1.0 - LETTER_FIT_WEIGHT * (1.0 - fits[i]);
            let limit = bar.limit(best_so_far, ceiling);
            if limit < 0.0 {
                // Even without a single penalty, it cannot matter.
                continue;
            }
            let Some(scored) = self.score(encoding, self.words, fits[i], limit) else {
                continue;
            };
            if !provisional.contains(&encoding) {
                best_so_far = best_so_far.max(self.ranked(&scored, first));
            }
            slots[i] = Some(scored);
        }
        slots.into_iter().flatten().collect()
    }
}

/// The outcome of judging the candidates: the guess, and whether
/// chardetng's bonus could have changed it.
struct SingleByteVerdict {
    guess: Guess,
    /// Judged without chardetng's guess: the best reading is one of
    /// [`SINGLE_BYTE`] and leads every reading of different text by more
    /// than chardetng's bonus and by enough points to cap the margin. Then
    /// the bonus, on whichever single-byte candidate chardetng names,
    /// ranks the same text first, and a candidate it would add (one of
    /// [`CHARDETNG_ONLY_SINGLE_BYTE`], already judged here) lowers neither
    /// the margin nor the confidence.
    settled: bool,
}

impl SingleByteVerdict {
    /// Ranks `scored` with chardetng's bonus for `first`, when known.
    fn new(
        scored: &[Scored],
        first: Option<&'static Encoding>,
        readings: &Readings,
        sample: &[u8],
    ) -> SingleByteVerdict {
        let prior = readings.prior();
        let ranked = |scored: &Scored| readings.ranked(scored, first);
        // First of the best: the candidate lists put the usual name first.
        let mut best = 0;
        for (i, candidate) in scored.iter().enumerate() {
            if ranked(candidate) > ranked(&scored[best]) {
                best = i;
            }
        }
        let words = readings.words;
        let best = &scored[best];
        let best_text = match &best.text {
            Some(text) => Cow::Borrowed(text.as_str()),
            None => best.encoding.decode_without_bom_handling(words).0,
        };
        let best_text = best_text.as_ref();
        // Whether a candidate reads the input as the best one does: for
        // single-byte encodings, judged on every byte value of the sample,
        // not only on the scored words (which may miss a rare letter).
        let present = byte_values(sample);
        let reads_alike = |candidate: &Scored| match &candidate.text {
            Some(text) => text == best_text,
            None => same_bytes_same_chars(candidate.encoding, best.encoding, &present),
        };
        // The margin is measured without chardetng's bonus: a guess that
        // wins only by it is a coin toss.
        let runner_up = scored
            .iter()
            .filter(|candidate| !reads_alike(candidate))
            .map(|candidate| candidate.score)
            .max_by(f64::total_cmp);
        let same_text: Vec<&'static Encoding> = scored
            .iter()
            .filter(|candidate| reads_alike(candidate))
            .map(|candidate| candidate.encoding)
            .collect();
        let encoding = among_equals(&same_text, &present, best_text);
        // Quality is how free of mojibake the chosen reading is; letter fit
        // only ranks candidates (a language missing from the tables is no
        // reason to doubt text that reads cleanly). Every reading that
        // reads alike is as plausible as the one judged.
        let quality = best.plausibility.clamp(0.0, 1.0);
        // Scores are means per character; the margin counts the penalty
        // points between the two readings, so that three unmistakable
        // letters in a long text still settle it.
        let scored_chars = best_text.chars().filter(|c| !c.is_whitespace()).count() as f64;
        let mut margin = match runner_up {
            Some(second) => ((best.score - second) * scored_chars / SURE_POINTS).clamp(0.0, 1.0),
            None => 1.0,
        };
        // Among CJK encodings another reading is often as clean (GBK reads
        // most Shift_JIS as rare Han); chardetng's frequency model then
        // decides, which is worth more than a coin toss but is not proof.
        if readings.cjk && Some(best.encoding) == first {
            margin = margin.max(CJK_TIE_MARGIN);
        }
        // A handful of non-ASCII bytes is thin evidence, however clear.
        let high = words.iter().filter(|&&b| b >= 0x80).count();
        let evidence = (high as f64 / EVIDENCE_BYTES).min(1.0).sqrt();
        let lead = runner_up.map_or(f64::INFINITY, |second| best.score - second);
        SingleByteVerdict {
            guess: Guess {
                encoding,
                confidence: round3(quality * (0.4 + 0.6 * margin) * evidence),
            },
            settled: first.is_none()
                && !readings.cjk
                && SINGLE_BYTE.contains(&best.encoding)
                && lead > prior
                && lead * scored_chars >= SURE_POINTS,
        }
    }
}

/// Single-byte encodings that chardetng can name and [`SINGLE_BYTE`] leaves
/// out (rare: they are candidates only when chardetng names them).
const CHARDETNG_ONLY_SINGLE_BYTE: &[&Encoding] =
    &[encoding_rs::ISO_8859_4, encoding_rs::WINDOWS_1258];

/// Whether chardetng, fed `words`, is certain to guess a single-byte
/// encoding: UTF-8 and every multi-byte encoding it knows see a malformed
/// sequence that it does not forgive.
///
/// chardetng forgives some malformed pairs in its CJK candidates (unmapped
/// pairs in the encoding's range, Mac single-byte extensions: see its
/// `GbkCandidate::feed` and siblings), but in none of them a byte below
/// 0x40 where a trail byte was due, unless the byte before is 0x81 to 0x84,
/// 0xA0, 0xFD or 0xFE. The words are decoded here the way chardetng does,
/// one byte at a time with the same decoders (GBK's started afresh after
/// a pair it may forgive, as chardetng does), so that the decoder is in
/// the same state when it meets such a byte. Text in a single-byte
/// encoding nearly always has one: a word ending in a non-ASCII letter
/// before a space or a full stop.
fn chardetng_rules_out_multi_byte(words: &[u8]) -> bool {
    simdutf8::basic::from_utf8(words).is_err()
        && CJK.iter().all(|&encoding| unforgiven(encoding, words))
}

/// Whether decoding `words` as `encoding` (a CJK one) meets a malformed
/// sequence that chardetng's candidate for it never forgives.
fn unforgiven(encoding: &'static Encoding, words: &[u8]) -> bool {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = [0u16; 2];
    let mut previous = 0u8;
    for &byte in words {
        let (result, _, _) = decoder.decode_to_utf16_without_replacement(&[byte], &mut out, false);
        if let DecoderResult::Malformed(..) = result {
            if byte < 0x40 && !matches!(previous, 0x81..=0x84 | 0xA0 | 0xFD | 0xFE) {
                return true;
            }
            if encoding == encoding_rs::GBK {
                decoder = encoding.new_decoder_without_bom_handling();
            }
        }
        previous = byte;
    }
    let (result, _, _) = decoder.decode_to_utf16_without_replacement(b"", &mut out, true);
    matches!(result, DecoderResult::Malformed(..))
}

/// When a single-byte reading can stop being judged: its penalties have
/// grown so large that it can be neither the best reading nor change the
/// confidence, whatever the rest of the words hold. Most candidates read
/// the words as mojibake and are dropped after a fraction of them, which
/// makes a small legacy input several times cheaper to detect; the guess
/// and its confidence are exactly those of judging every candidate in full.
///
/// The reasoning: a reading's score is at most `ceiling - penalty /
/// total_max`, where `ceiling` is 1 less its letter-fit term, which the
/// byte counts give before any character is judged (penalties only grow,
/// the capitals term only subtracts, and `total_max`, the words' bytes
/// that are not ASCII white space, is at least the characters it is
/// judged on). A reading whose ceiling alone is too low, such as Arabic
/// bytes read as Latin letters that fit no language, is not judged at all.
/// The final best ranked score is at least the best so far, so its raw
/// score is at least that minus chardetng's bonus. A reading more than `SURE_POINTS / chars_min` below
/// it (`chars_min`: the fewest non-space characters any candidate reads)
/// is neither the best nor a runner-up that would bring the margin below
/// its cap of 1.
struct PruneBar {
    total_max: f64,
    /// How far below the best so far a reading can be and still matter.
    slack: f64,
}

impl PruneBar {
    fn new(
        words: &[u8],
        high_counts: &[usize; 128],
        candidates: &[&'static Encoding],
        cjk: bool,
    ) -> PruneBar {
        if cjk {
            return PruneBar {
                total_max: 0.0,
                slack: f64::INFINITY,
            };
        }
        let ascii_texty = words
            .iter()
            .filter(|&&b| b < 0x80 && !b.is_ascii_whitespace())
            .count();
        let ascii_chars = words
            .iter()
            .filter(|&&b| b < 0x80 && !char::from(b).is_whitespace())
            .count();
        let high: usize = high_counts.iter().sum();
        let chars_min = candidates
            .iter()
            .map(|&encoding| {
                let table = single_byte_table(encoding);
                ascii_chars
                    + (0..128)
                        .filter(|&i| !table[i].is_whitespace())
                        .map(|i| high_counts[i])
                        .sum::<usize>()
            })
            .min()
            .unwrap_or(0);
        PruneBar {
            total_max: (ascii_texty + high) as f64,
            // A hair more, so that rounding never drops a reading that
            // exact arithmetic would keep.
            slack: CHARDETNG_PRIOR + SURE_POINTS / chars_min.max(1) as f64 + 1e-9,
        }
    }

    /// The penalty past which a reading stops mattering, given the best
    /// ranked score so far, for a reading whose score without penalties
    /// would be at most `ceiling` (1 less the weight of its letter fit).
    fn limit(&self, best_so_far: f64, ceiling: f64) -> f64 {
        if !best_so_far.is_finite() || !self.slack.is_finite() {
            return f64::INFINITY;
        }
        // score <= ceiling - penalty / total_max < best_so_far - slack
        (ceiling - (best_so_far - self.slack)) * self.total_max
    }
}

/// Picks a name among encodings that decode the input to the same text.
///
/// The list order decides (the usual name first: KOI8-R before KOI8-U,
/// windows-1252 before ISO-8859-15), with two exceptions. Latin text whose
/// letters fit a Central European, Turkish or Baltic language better than
/// any other takes that region's encoding (Hungarian without ő and ű is the
/// same bytes in windows-1252 and windows-1250; its writers used the
/// latter). And an ISO-8859 encoding wins over its windows superset when no
/// byte falls in 0x80–0x9F, the range where the windows encodings keep
/// their extra letters and typographic quotes: nothing then points to the
/// windows one. Hebrew is left out, as WHATWG's ISO-8859-8 is the rare
/// visual-order Hebrew.
/// `present` tells which non-ASCII byte values the input holds
/// ([`byte_values`]).
fn among_equals(
    equals: &[&'static Encoding],
    present: &[bool; 128],
    text: &str,
) -> &'static Encoding {
    use encoding_rs::*;
    let mut first = equals[0];
    if equals.len() > 1
        && let Some(regional) = latin_region(text)
        && equals.contains(&regional)
    {
        first = regional;
    }
    const ISO_FOR_WINDOWS: &[(&Encoding, &Encoding)] = &[
        (WINDOWS_1250, ISO_8859_2),
        (WINDOWS_1253, ISO_8859_7),
        (WINDOWS_1257, ISO_8859_13),
    ];
    if !present[..0x20].contains(&true)
        && let Some((_, iso)) = ISO_FOR_WINDOWS
            .iter()
            .find(|(windows, iso)| *windows == first && equals.contains(iso))
    {
        return iso;
    }
    first
}

/// Which of the non-ASCII byte values occur in `bytes`.
fn byte_values(bytes: &[u8]) -> [bool; 128] {
    // Every byte marked, without a branch: a test per byte mispredicted
    // on text where ASCII and other bytes alternate.
    let mut seen = [false; 256];
    for &b in bytes {
        seen[usize::from(b)] = true;
    }
    std::array::from_fn(|high| seen[0x80 + high])
}

/// How many times each non-ASCII byte value occurs in `bytes`.
fn byte_counts(bytes: &[u8]) -> [usize; 128] {
    let mut counts = [0; 128];
    for &b in bytes {
        if let Some(high) = b.checked_sub(0x80) {
            counts[usize::from(high)] += 1;
        }
    }
    counts
}

/// What each byte value 0x80 to 0xFF decodes to in a single-byte
/// encoding (U+FFFD for an unmapped one), from the table the decoder
/// keeps for each encoding.
fn single_byte_table(encoding: &'static Encoding) -> &'static [char; 128] {
    &super::SingleByteTable::of(encoding).high_chars
}

/// Whether two single-byte encodings decode every present byte value to
/// the same character, and so the input to the same text.
fn same_bytes_same_chars(
    a: &'static Encoding,
    b: &'static Encoding,
    present: &[bool; 128],
) -> bool {
    if a == b {
        return true;
    }
    let (a, b) = (single_byte_table(a), single_byte_table(b));
    (0..128).all(|i| !present[i] || a[i] == b[i])
}

/// The windows encoding of the region whose language the non-ASCII Latin
/// letters of `text` fit best, when that is not a Western one and it fits
/// clearly better than every Western language.
fn latin_region(text: &str) -> Option<&'static Encoding> {
    let mut counts: Vec<(char, usize)> = Vec::new();
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if Script::of(c) != Some(Script::Latin) {
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        match counts.iter_mut().find(|(seen, _)| *seen == lower) {
            Some(entry) => entry.1 += 1,
            None => counts.push((lower, 1)),
        }
    }
    let letters: usize = counts.iter().map(|(_, n)| n).sum();
    if letters < 3 {
        return None;
    }
    let region = |lang: &str| match lang {
        "hun" | "ces" | "pol" | "slk" | "slv" | "hrv" | "ron" => Some(encoding_rs::WINDOWS_1250),
        "tur" | "aze" => Some(encoding_rs::WINDOWS_1254),
        "lit" | "lav" | "est" => Some(encoding_rs::WINDOWS_1257),
        _ => None,
    };
    let mut best_regional: Option<(f64, &'static Encoding)> = None;
    let mut best_western = 0.0f64;
    for (script, lang, table) in letters::LETTERS {
        if *script != Script::Latin {
            continue;
        }
        let fitting: f64 = counts
            .iter()
            .filter(|(c, _)| table.iter().any(|(letter, _)| letter == c))
            .map(|(_, n)| *n as f64)
            .sum();
        match region(lang) {
            Some(encoding) => {
                if best_regional.is_none_or(|(best, _)| fitting > best) {
                    best_regional = Some((fitting, encoding));
                }
            }
            None => best_western = best_western.max(fitting),
        }
    }
    best_regional
        .filter(|(fitting, _)| *fitting > best_western)
        .map(|(_, encoding)| encoding)
}

/// Single-byte candidates, the more common of two that often decode the
/// same text first, and Latin ones before the others (text that reads the
/// same in macintosh and x-mac-cyrillic has no Cyrillic in it).
const SINGLE_BYTE: &[&Encoding] = &[
    encoding_rs::WINDOWS_1252,
    encoding_rs::WINDOWS_1250,
    encoding_rs::ISO_8859_2,
    encoding_rs::ISO_8859_15,
    encoding_rs::MACINTOSH,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1257,
    encoding_rs::ISO_8859_13,
    encoding_rs::WINDOWS_1251,
    encoding_rs::KOI8_R,
    encoding_rs::KOI8_U,
    encoding_rs::IBM866,
    encoding_rs::ISO_8859_5,
    encoding_rs::X_MAC_CYRILLIC,
    encoding_rs::WINDOWS_1253,
    encoding_rs::ISO_8859_7,
    encoding_rs::WINDOWS_1255,
    encoding_rs::ISO_8859_8,
    encoding_rs::WINDOWS_1256,
    encoding_rs::ISO_8859_6,
    encoding_rs::WINDOWS_874,
];

/// Multi-byte candidates: chardetng tells these apart well; scoring only
/// catches a guess that leaves malformed sequences.
const CJK: &[&Encoding] = &[
    encoding_rs::SHIFT_JIS,
    encoding_rs::EUC_JP,
    encoding_rs::GBK,
    encoding_rs::BIG5,
    encoding_rs::EUC_KR,
];

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The words (runs between ASCII white space) that hold a non-ASCII byte,
/// each followed by one space; spread evenly over the sample when there are
/// more than [`WORDS_LIMIT`] bytes of them. White space never occurs inside
/// a multi-byte character of the legacy CJK encodings, so no character is cut.
fn high_byte_words(sample: &[u8]) -> Cow<'_, [u8]> {
    let mut total = 0;
    super::high_words::for_each(sample, |word| total += word.len() + 1);
    let keep_one_in = total.div_ceil(WORDS_LIMIT).max(1);
    let mut out = Vec::with_capacity(total.min(WORDS_LIMIT + 256));
    // Every `keep_one_in`-th word from the first, as `step_by` keeps them.
    let mut until_kept = 0;
    super::high_words::for_each(sample, |word| {
        if until_kept == 0 {
            out.extend_from_slice(word);
            out.push(b' ');
            until_kept = keep_one_in;
        }
        until_kept -= 1;
    });
    Cow::Owned(out)
}

/// The words that are all ASCII in the lines that hold non-ASCII bytes
/// read the same in every candidate encoding and are written in the
/// language of those bytes (the lines of a translated text, not the
/// English left around them): at least this many letters of them are
/// needed to name that language.
const CONTEXT_MIN_LETTERS: usize = 50;
/// At most this many bytes of ASCII words go to the language guess.
const CONTEXT_LIMIT: usize = 2 * 1024;
/// Bytes of the sample searched for those words.
const CONTEXT_SCAN_BYTES: usize = 64 * 1024;

/// The language of the ASCII words in the lines of `sample` that hold
/// non-ASCII bytes, as an index into `LETTERS`, when it is a language of
/// Latin script with a letter table and the guess is as sure as the
/// article's language must be. `None` otherwise: too few such words (as
/// in Arabic, Cyrillic or Greek text), or English, whose text borrows
/// letters from any language (a Turkish page listing English titles has
/// English around its Turkish letters).
fn context_language(sample: &[u8]) -> Option<usize> {
    let mut ascii = String::new();
    let mut ascii_letters = 0;
    // The first lines suffice: a large sample of Arabic or Cyrillic holds
    // few ASCII words and would otherwise be split whole for nothing.
    let scanned = &sample[..sample.len().min(CONTEXT_SCAN_BYTES)];
    let lines = scanned
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_ascii());
    let words = lines.flat_map(|line| line.split(|&b| super::high_words::is_space(b)));
    for word in words.filter_map(prose_word) {
        if ascii.len() + word.len() >= CONTEXT_LIMIT {
            break;
        }
        ascii_letters += word.iter().filter(|b| b.is_ascii_alphabetic()).count();
        // ASCII, so one char per byte.
        ascii.extend(word.iter().map(|&b| char::from(b)));
        ascii.push(' ');
    }
    if ascii_letters < CONTEXT_MIN_LETTERS {
        return None;
    }
    let info = whatlang::detect(&ascii)?;
    // The same bar as the article's language (`lang::detect_language`).
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    let code = info.lang().code();
    letters::LETTERS
        .iter()
        .position(|(script, name, _)| *script == Script::Latin && *name == code)
}

/// `word` without the punctuation around it, when what is left is an
/// ASCII word of prose: letters, with apostrophes or hyphens inside.
/// Markup (`<td`, `class="x">`), addresses and numbers are not, and would
/// make any page look English.
fn prose_word(word: &[u8]) -> Option<&[u8]> {
    let start = word.iter().position(|b| !b"\"'([".contains(b))?;
    let end = word.iter().rposition(|b| !b".,;:!?\"')]".contains(b))? + 1;
    let word = word.get(start..end)?;
    let letters_at_ends = word.first()?.is_ascii_alphabetic() && word.last()?.is_ascii_alphabetic();
    let inside_ok = word
        .iter()
        .all(|&b| b.is_ascii_alphabetic() || b == b'\'' || b == b'-');
    (letters_at_ends && inside_ok).then_some(word)
}

/// How well the non-ASCII letters of `text` fit the language that suits
/// them best, 0 to 1 (1 when there are none).
///
/// Letters are grouped by script; each group is judged against the
/// languages of that script in the letter tables (`letters.rs`, generated
/// from whatlang's profiles by `scripts/gen-letter-stats.py`): a letter common in the
/// language counts 1, a rare one of its alphabet 0.75, any other 0. Scripts
/// without a table (Thai, Hangul, Han...) count 1.
pub fn letter_fit(text: &str) -> f64 {
    // Counts by code point in a flat table, which is cheaper than hashing
    // every character; `distinct` remembers which entries to read back.
    // Only letters count; those of the single-byte encodings lie below
    // U+1000 (Thai ends at U+0E7F), the rare others go to an overflow list.
    let mut raw = vec![0u32; 0x1000];
    let mut distinct: Vec<char> = Vec::new();
    let mut astral: Vec<char> = Vec::new();
    for c in text.chars() {
        if c.is_ascii() || Script::of(c).is_none() {
            continue;
        }
        match raw.get_mut(c as usize) {
            Some(count) => {
                if *count == 0 {
                    distinct.push(c);
                }
                *count += 1;
            }
            None => astral.push(c),
        }
    }
    let tallies = distinct
        .iter()
        .map(|&c| (c, raw[c as usize] as usize))
        .chain(astral.iter().map(|&c| (c, 1)));
    letter_fit_of_tallies(tallies, None)
}

/// [`letter_fit`] from how many times each character occurs (a character
/// may come more than once; ASCII and non-letters are skipped). The score
/// sums multiples of a quarter, exactly, so the order does not matter.
///
/// With a `context` (the language of the input's ASCII words, as an index
/// into `LETTERS`), Latin letters are judged against that language alone,
/// each letter of its alphabet counting 1: "trčs" fits Slovenian letters
/// as well as "très" fits French ones, but not the French around it.
fn letter_fit_of_tallies(
    tallies: impl Iterator<Item = (char, usize)>,
    context: Option<usize>,
) -> f64 {
    let letters =
        tallies.filter_map(|(c, n)| letter_entry(c).map(|(script, found)| (script, found, n)));
    letter_fit_of_entries(letters, context)
}

/// What [`letter_fit`] needs of a character: its script and where its
/// small form is in [`letter_index`] (`None` when no table has it); `None`
/// for ASCII and anything that is not a letter.
fn letter_entry(c: char) -> LetterEntry {
    if c.is_ascii() {
        return None;
    }
    let script = Script::of(c)?;
    let lower = if is_uppercase(c) {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    };
    let found = letter_index()
        .binary_search_by_key(&lower, |entry| entry.letter)
        .ok();
    Some((script, found))
}

/// What [`letter_entry`] gives, once worked out.
type LetterEntry = Option<(Script, Option<usize>)>;

/// The [`letter_entry`] of each byte value from 0x80 in a single-byte
/// encoding, each worked out the first time it is needed and then kept for
/// the process: the letter fit of every candidate reading of a small
/// legacy input spent most of its time finding small forms, scripts and
/// index entries again, and working out all 128 of every candidate at
/// once was a quarter of the instructions of detecting one legacy file.
fn letter_entries(encoding: &'static Encoding) -> &'static LetterEntries {
    use std::sync::Mutex;
    static KNOWN: Mutex<Vec<(&'static Encoding, &'static LetterEntries)>> = Mutex::new(Vec::new());
    let mut known = KNOWN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, entries)) = known.iter().find(|(e, _)| *e == encoding) {
        return entries;
    }
    let entries: &'static LetterEntries = Box::leak(Box::new(LetterEntries {
        table: single_byte_table(encoding),
        entries: std::array::from_fn(|_| std::sync::OnceLock::new()),
    }));
    known.push((encoding, entries));
    entries
}

/// See [`letter_entries`].
struct LetterEntries {
    /// What each byte value from 0x80 decodes to.
    table: &'static [char; 128],
    entries: [std::sync::OnceLock<LetterEntry>; 128],
}

impl LetterEntries {
    /// The [`letter_entry`] of byte value `0x80 + high`.
    fn get(&self, high: usize) -> LetterEntry {
        *self.entries[high].get_or_init(|| letter_entry(self.table[high]))
    }
}

/// [`letter_fit_of_tallies`] of letters given as their [`letter_entry`]
/// and count. A letter may come more than once: every sum below is of
/// multiples of a quarter, exact, so splitting a count changes nothing.
fn letter_fit_of_entries(
    letters: impl Iterator<Item = (Script, Option<usize>, usize)>,
    context: Option<usize>,
) -> f64 {
    let mut total = 0usize;
    // How well the letters fit each language, in the order of LETTERS.
    let index = letter_index();
    let mut fit = [0.0f64; 64];
    // Latin letters of the context language's alphabet, common or rare:
    // the tables' shares of accented letters are rough (German ä counts
    // as rare), but whether a letter belongs to the alphabet is not.
    let mut in_context = 0usize;
    // Each script's letters.
    let mut letters_of = [0usize; Script::COUNT];
    for (script, found, n) in letters {
        total += n;
        letters_of[script as usize] += n;
        if let Some(language) = context
            && script == Script::Latin
            && found.is_some_and(|at| (index[at].common | index[at].rare) & (1 << language) != 0)
        {
            in_context += n;
        }
        if let Some(at) = found {
            let entry = &index[at];
            for (mask, weight) in [(entry.common, 1.0), (entry.rare, 0.75)] {
                let mut bits = mask;
                while bits != 0 {
                    let language = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if letters::LETTERS[language].0 == script {
                        fit[language] += weight * n as f64;
                    }
                }
            }
        }
    }
    if total == 0 {
        return 1.0;
    }
    let mut fitting = 0.0;
    for script in Script::ALL {
        let letters = letters_of[script as usize];
        if letters == 0 {
            continue;
        }
        let best = match context {
            Some(_) if script == Script::Latin => Some(in_context as f64),
            _ => letters::LETTERS
                .iter()
                .enumerate()
                .filter(|(_, (s, _, _))| *s == script)
                .map(|(language, _)| fit[language])
                .max_by(f64::total_cmp),
        };
        fitting += best.unwrap_or(letters as f64);
    }
    fitting / total as f64
}

/// One letter of the tables in `letters.rs`, with the languages (bits in
/// the order of `LETTERS`) for which it is common (a share of at least
/// 0.2%) and those of whose alphabet it is a rare letter.
struct IndexedLetter {
    letter: char,
    common: u64,
    rare: u64,
}

/// Every letter of the tables, sorted, so that [`letter_fit`] finds the
/// languages of a letter with one binary search instead of scanning the
/// table of every language (a quarter of the time of a small legacy
/// input went to those scans). Built once.
fn letter_index() -> &'static [IndexedLetter] {
    static INDEX: std::sync::OnceLock<Vec<IndexedLetter>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        assert!(letters::LETTERS.len() <= 64, "one bit per language");
        let mut index: Vec<IndexedLetter> = Vec::new();
        for (language, (_, _, table)) in letters::LETTERS.iter().enumerate() {
            for (i, &(letter, share)) in table.iter().enumerate() {
                // As a scan would: the first entry of a letter counts.
                if table[..i].iter().any(|(seen, _)| *seen == letter) || share <= 0.0 {
                    continue;
                }
                let at = match index.binary_search_by_key(&letter, |entry| entry.letter) {
                    Ok(at) => at,
                    Err(at) => {
                        index.insert(
                            at,
                            IndexedLetter {
                                letter,
                                common: 0,
                                rare: 0,
                            },
                        );
                        at
                    }
                };
                if share >= 0.002 {
                    index[at].common |= 1 << language;
                } else {
                    index[at].rare |= 1 << language;
                }
            }
        }
        index
    })
}

/// How much `text` looks like something a person wrote, roughly 0 to 1.
///
/// Every non-space character starts at one point; mojibake loses points:
/// replacement characters and controls, a letter whose script differs from
/// the letter before it in the same word, a capital after a small letter in
/// a word (when either is not ASCII: "iPhone" is fine, "лНЯЙБЮ" is not),
/// and Latin-1 symbols that rarely occur in prose.
pub fn plausibility(text: &str) -> f64 {
    plausibility_with(text, true)
}

/// [`plausibility`], optionally without the penalty for symbols: in the
/// CJK encodings box drawing and arrows are ordinary double-byte characters
/// (Japanese pages rule lines with them), not the sign of a wrong table.
fn plausibility_with(text: &str, symbols_are_suspect: bool) -> f64 {
    judge(text, symbols_are_suspect).0
}

/// [`plausibility_with`] and the share of capitals among non-ASCII cased
/// letters, in one pass.
fn judge(text: &str, symbols_are_suspect: bool) -> (f64, f64) {
    judge_chars(text.chars(), symbols_are_suspect, f64::INFINITY)
        .expect("no limit, always judged to the end")
}

/// [`judge`] over characters, so that single-byte candidates can be judged
/// straight from the bytes through their table, without decoding a string.
/// Each non-ASCII character's class is looked up once.
///
/// `None` as soon as the penalty passes `limit` (see [`PruneBar`]).
fn judge_chars(
    chars: impl Iterator<Item = char>,
    symbols_are_suspect: bool,
    limit: f64,
) -> Option<(f64, f64)> {
    let (mut upper, mut lower) = (0usize, 0usize);
    let mut total = 0.0f64;
    let mut penalty = 0.0f64;
    // The previous letter in the current word: its script, itself, and
    // whether it is a small letter.
    let mut previous: Option<(Script, char, bool)> = None;
    // Whether the current word began with a small letter.
    let mut word_starts_lower = false;
    // The character before, whatever it is, for Thai's spelling rules.
    let mut before = ' ';
    // Whether the character before is a sign of another script's block
    // glued to the letter before it ("ge๏nstalleerd": Dutch ï read as
    // windows-874): a letter right after it costs a penalty.
    let mut foreign_sign_after_letter = false;
    for c in chars {
        if penalty > limit {
            return None;
        }
        let prior_char = std::mem::replace(&mut before, c);
        if std::mem::take(&mut foreign_sign_after_letter) && is_letter_fast(c) {
            penalty += FOREIGN_SIGN_PENALTY;
        }
        if c.is_ascii() {
            // The common case, kept cheap.
            if c.is_ascii_whitespace() {
                previous = None;
                continue;
            }
            total += 1.0;
            if c.is_ascii_digit()
                && let Some((script, prev, _)) = previous
                && !prev.is_ascii()
                && prior_char == prev
                && script.is_cased()
                && !matches!(prev, 'º' | 'ª')
            {
                penalty += 1.0;
            }
            if c.is_ascii_alphabetic() {
                if let Some((prev_script, prev, prev_lower)) = previous {
                    if prev_script != Script::Latin && !prev_script.mixes_with(Script::Latin) {
                        penalty += 3.0;
                    } else if c.is_ascii_uppercase()
                        && !prev.is_ascii()
                        && (prev_lower || word_starts_lower)
                    {
                        penalty += 1.0;
                    }
                } else {
                    word_starts_lower = c.is_ascii_lowercase();
                }
                previous = Some((Script::Latin, c, c.is_ascii_lowercase()));
            } else if is_binary_control(c) {
                penalty += 8.0;
                previous = None;
            } else if !is_word_internal(c) {
                previous = None;
            }
            continue;
        }
        if c.is_whitespace() {
            previous = None;
            continue;
        }
        let class = class_of(c).unwrap_or_else(|| Class::compute(c));
        total += 1.0;
        if spelling_matters(prior_char, c) {
            penalty += thai_penalty(prior_char, c) + final_form_penalty(prior_char, c);
        }
        match c {
            '\u{FFFD}' => penalty += 8.0,
            '\u{80}'..='\u{9F}' => penalty += 8.0,
            '\u{E000}'..='\u{F8FF}' => penalty += 4.0,
            '\u{A1}'..='\u{BF}' | '\u{D7}' | '\u{F7}'
                if !matches!(
                    c,
                    '\u{AB}' | '\u{BB}' | '\u{B0}' | '\u{B7}' | '\u{A9}' | '\u{A3}'
                ) =>
            {
                penalty += 1.5
            }
            // Box drawing, math operators, dingbats: what KOI8 or IBM866
            // bytes become in the wrong table.
            _ if symbols_are_suspect
                && class.0 & CLASS_TEXTY == 0
                && class.0 & CLASS_SYMBOL == 0 =>
            {
                penalty += 2.0
            }
            _ => {}
        }
        if class.is_upper() {
            upper += 1;
        } else if class.is_lower() {
            lower += 1;
        }
        if let Some(script) = class.script() {
            // "Ł825" is "£825" read in the wrong table: letters outside
            // ASCII seldom touch digits ("1º" and "2ª" aside).
            if prior_char.is_ascii_digit() && script.is_cased() && !matches!(c, 'º' | 'ª') {
                penalty += 1.0;
            }
            if let Some((prev_script, _, prev_lower)) = previous {
                if prev_script != script && !script.mixes_with(prev_script) {
                    penalty += 3.0;
                } else if script.is_cased() && class.is_upper() && (prev_lower || word_starts_lower)
                {
                    // "лНЯЙБЮ": capitals in a word begun in small letters.
                    penalty += 1.0;
                }
            } else {
                word_starts_lower = class.is_lower();
            }
            previous = Some((script, c, class.is_lower()));
        } else if !is_word_internal(c) {
            if let Some((prev_script, prev, _)) = previous {
                foreign_sign_after_letter = prior_char == prev
                    && (is_never_inside_a_word(c)
                        || Script::block_of(c).is_some_and(|block| {
                            block != prev_script && !block.mixes_with(prev_script)
                        }));
            }
            previous = None;
        }
    }
    let plausibility = if total == 0.0 {
        0.0
    } else {
        1.0 - penalty / total
    };
    let capitals = if upper + lower == 0 {
        0.0
    } else {
        upper as f64 / (upper + lower) as f64
    };
    Some((plausibility, capitals))
}

/// Whether [`thai_penalty`] or [`final_form_penalty`] can be other than
/// zero: only around Thai characters, Greek final sigma and the Hebrew
/// final letters. Most characters are none of these, and the test is
/// cheaper than the two rules.
fn spelling_matters(before: char, c: char) -> bool {
    let thai = |c: char| ('\u{0E00}'..='\u{0E7F}').contains(&c);
    thai(c) || thai(before) || before == 'ς' || ('\u{05DA}'..='\u{05E5}').contains(&before)
}

/// Thai spelling that bytes in the wrong encoding break: a vowel or tone
/// mark written above or below must sit on a consonant (or on another such
/// mark), a vowel written before the consonant must be followed by one, and
/// Thai digits seldom touch Thai letters.
fn thai_penalty(before: char, c: char) -> f64 {
    let consonant = |c: char| ('\u{0E01}'..='\u{0E2E}').contains(&c);
    let mark =
        |c: char| matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}');
    let leading = |c: char| ('\u{0E40}'..='\u{0E44}').contains(&c);
    let digit = |c: char| ('\u{0E50}'..='\u{0E59}').contains(&c);
    let orphan_mark = mark(c) && !(consonant(before) || mark(before));
    let lone_leading_vowel = leading(before) && !consonant(c);
    if orphan_mark || lone_leading_vowel {
        3.0
    } else if digit(c) && (consonant(before) || mark(before)) {
        1.0
    } else {
        0.0
    }
}

/// Greek and Hebrew have letters that only end words (ς; ך ם ן ף ץ):
/// one followed by another letter of its script is a letter read from the
/// wrong table, as Hebrew bytes read as Greek are.
fn final_form_penalty(before: char, c: char) -> f64 {
    let greek_final = before == 'ς' && ('α'..='ώ').contains(&c);
    let hebrew_final = matches!(before, 'ך' | 'ם' | 'ן' | 'ף' | 'ץ') && ('א'..='ת').contains(&c);
    if greek_final || hebrew_final {
        3.0
    } else {
        0.0
    }
}

/// Signs that no word holds: bullets, daggers, per mille, the trade mark,
/// the section and pilcrow signs ("ge•nstalleerd" is Mac Roman "ï" read
/// as windows-1252). Quotation marks are not among them: a quote typed for
/// an apostrophe ("don‘t") is common.
fn is_never_inside_a_word(c: char) -> bool {
    matches!(
        c,
        '•' | '‣' | '†' | '‡' | '‰' | '‱' | '™' | '§' | '¶' | '¤' | '¦'
    )
}

/// Whether `c` is a letter, ASCII or of a script [`Script::of`] knows.
fn is_letter_fast(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        Script::of(c).is_some()
    }
}

/// Characters that may sit inside a word without ending it.
fn is_word_internal(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-' | '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0300}'..='\u{036F}'
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// The bytes detection looks at: all of a small input, or slices spread over
/// a large one, each cut at line breaks so no character is split. A slice
/// without a line feed is cut at other white space (a file with CR line
/// endings, or one long line), and one without either is left out: cut
/// anywhere, it would start or end inside a character of a multi-byte
/// encoding, and the broken sequences would rule that encoding out. When
/// every slice is left out, the sample is the input's start, which at
/// least begins with a whole character.
pub fn sample(bytes: &[u8]) -> Cow<'_, [u8]> {
    if bytes.len() <= SAMPLE_LIMIT {
        return Cow::Borrowed(bytes);
    }
    // White space never occurs inside a character of the legacy encodings,
    // nor inside an ISO-2022-JP escape.
    let is_break = |b: &u8| matches!(b, b'\n' | b'\r' | b' ' | b'\t');
    let chunk = SAMPLE_LIMIT / SAMPLE_CHUNKS;
    let stride = bytes.len() / SAMPLE_CHUNKS;
    let mut out = Vec::with_capacity(SAMPLE_LIMIT + SAMPLE_CHUNKS);
    for i in 0..SAMPLE_CHUNKS {
        let start = i * stride;
        let end = (start + chunk).min(bytes.len());
        let slice = &bytes[start..end];
        // Just after the first break (from the very start for the first
        // slice), and just after the last one.
        let from = match i {
            0 => Some(0),
            _ => memchr::memchr(b'\n', slice)
                .or_else(|| slice.iter().position(is_break))
                .map(|at| at + 1),
        };
        let to = memchr::memrchr(b'\n', slice)
            .or_else(|| slice.iter().rposition(is_break))
            .map(|at| at + 1);
        if let (Some(from), Some(to)) = (from, to)
            && from < to
        {
            out.extend_from_slice(&slice[from..to]);
        }
    }
    if out.is_empty() {
        return Cow::Borrowed(&bytes[..SAMPLE_LIMIT]);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_sample_cuts_no_character_without_line_feeds() {
        // CR line endings, one long line of words, and no white space at
        // all: each sample of Big5 and Shift_JIS decodes without a broken
        // character, and detection names the encoding.
        for (encoding, line) in [
            (
                encoding_rs::BIG5,
                "新聞報導：今天的天氣很好，我們去公園散步。",
            ),
            (
                encoding_rs::SHIFT_JIS,
                "今日のニュース記事です。天気が良いです。",
            ),
        ] {
            let repeats = 3 * SAMPLE_LIMIT / line.len() + 1;
            for text in [
                format!("{line}\r").repeat(repeats),
                format!("{line} ").repeat(repeats),
                line.repeat(repeats),
            ] {
                let bytes = encoding.encode(&text).0;
                let sampled = sample(&bytes);
                assert!(sampled.len() <= SAMPLE_LIMIT + SAMPLE_CHUNKS && !sampled.is_empty());
                let (_, broken) = encoding.decode_without_bom_handling(&sampled);
                let start = &text[..text.char_indices().nth(20).map_or(0, |(at, _)| at)];
                assert!(!broken, "{} {start:?}", encoding.name());
                assert_eq!(guess_legacy(&bytes).encoding, encoding, "{start:?}");
            }
        }
    }

    #[test]
    fn many_breaks_means_more_than_one_byte_in_twenty() {
        // Around the line, with the breaks early, late, and over the
        // pieces that are counted one at a time.
        for len in [19, 20, 21, 100, 4095, 4096, 4097, 10_000, 100_003] {
            for breaks in [len / 20, len / 20 + 1] {
                for at_end in [false, true] {
                    let mut sample = vec![0xE4u8; len];
                    let first = if at_end { len - breaks } else { 0 };
                    for (i, byte) in sample[first..first + breaks].iter_mut().enumerate() {
                        *byte = if i % 2 == 0 { b' ' } else { b'\n' };
                    }
                    assert_eq!(
                        has_many_breaks(&sample),
                        breaks * 20 > len,
                        "{breaks} breaks in {len} bytes"
                    );
                }
            }
        }
    }

    #[test]
    fn first_chars_cuts_after_the_limit_whatever_the_widths() {
        let text = "aé日😀".repeat(50_000);
        for limit in [
            0, 1, 2, 3, 4, 5, 65_535, 65_536, 100_001, 199_999, 200_000, 300_000,
        ] {
            let expected: String = text.chars().take(limit).collect();
            assert_eq!(first_chars(&text, limit), expected, "{limit}");
        }
    }

    #[test]
    fn the_byte_test_for_controls_agrees_with_the_character_one() {
        for b in 0..=0x7Fu8 {
            let sample = char::from(b).to_string();
            let expected = usize::from(is_binary_control(char::from(b)));
            assert_eq!(mostly_control(&sample), expected == 1, "{b:#x}");
        }
    }

    #[test]
    fn control_share_is_judged_on_the_first_characters() {
        assert!(mostly_control("\0\0\0 abc"));
        assert!(!mostly_control("line\n\ttab\x0c\x1b"));
        let mostly_text = format!("{}{}", "é".repeat(SAMPLE_LIMIT), "\0".repeat(SAMPLE_LIMIT));
        assert!(!mostly_control(&mostly_text));
        let mostly_nul = format!("{}{}", "\0".repeat(SAMPLE_LIMIT), "é".repeat(SAMPLE_LIMIT));
        assert!(mostly_control(&mostly_nul));
    }

    #[test]
    fn remembered_classes_agree_with_the_rules() {
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            let expected = Class::compute(c).0;
            assert_eq!(class_of(c).map(|class| class.0), Some(expected), "{c:?}");
            assert_eq!(
                class_of(c).map(|class| class.0),
                Some(expected),
                "{c:?} again"
            );
        }
        assert!(class_of('\u{1F600}').is_none());
    }

    /// `text` in UTF-16 of the given byte order, without a BOM.
    fn utf16(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if encoding == UTF_16LE {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect()
    }

    const ARABIC: &str = "شهدت العاصمة المصرية اجتماعا رفيع المستوى لبحث تثبيت وقف إطلاق النار في قطاع غزة، \
        والدفع نحو مرحلة أكثر صلابة من الهدوء. وأكدت الأطراف أهمية وجود آلية مشتركة قادرة على التدخل السريع.";
    const RUSSIAN: &str = "Москва - крупнейший город России, её политический, экономический и культурный центр. \
        Жители города говорят, что весной здесь особенно красиво, а летом много туристов.";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{} cannot encode the sample", encoding.name());
        bytes.into_owned()
    }

    /// Own sample sentences (news-style, written for these tests) and the
    /// encodings each must be recognised in. A second name is accepted when
    /// it decodes the bytes to exactly the same text.
    const SAMPLES: &[(&str, &[(&str, &str)])] = &[
        (
            "Москва - крупнейший город России, её политический, экономический и культурный центр. \
             Жители города говорят, что весной здесь особенно красиво, а летом много туристов.",
            &[
                ("windows-1251", ""),
                ("KOI8-R", ""),
                ("IBM866", ""),
                ("ISO-8859-5", ""),
                ("x-mac-cyrillic", ""),
            ],
        ),
        (
            "Київ - столиця України. Їхні діти ґрунтовно вивчають історію свого міста, \
             і всі вони є дуже задоволені новою школою, яку відкрили цієї осені.",
            &[("KOI8-U", ""), ("windows-1251", "")],
        ),
        (
            "Příliš žluťoučký kůň úpěl ďábelské ódy. Vláda schválila nový zákon o státním \
             rozpočtu na příští rok a poslanci o něm budou jednat už v úterý.",
            &[("windows-1250", ""), ("ISO-8859-2", "")],
        ),
        (
            "Zażółć gęślą jaźń. Rząd przyjął w środę projekt ustawy o finansach publicznych, \
             a Sejm zajmie się nim jeszcze w tym miesiącu.",
            &[("ISO-8859-2", ""), ("windows-1250", "")],
        ),
        (
            "Árvíztűrő tükörfúrógép. A kormány szerdán elfogadta a jövő évi költségvetés \
             tervezetét, amelyről a parlament már a jövő héten vitázik.",
            &[
                ("windows-1250", "ISO-8859-2"),
                ("ISO-8859-2", "windows-1250"),
            ],
        ),
        (
            "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας. Άρχισε χθες η συνεδρίαση της Βουλής \
             για τον προϋπολογισμό του επόμενου έτους.",
            &[("ISO-8859-7", ""), ("windows-1253", "")],
        ),
        (
            "ממשלת ישראל אישרה אתמול את תקציב המדינה לשנה הבאה, לאחר דיון ארוך בכנסת \
             ובוועדת הכספים.",
            &[("windows-1255", ""), ("ISO-8859-8", "windows-1255")],
        ),
        (
            "شهدت العاصمة المصرية اجتماعا رفيع المستوى لبحث تثبيت وقف إطلاق النار في قطاع غزة \
             والدفع نحو مرحلة أكثر صلابة من الهدوء. وأكدت الأطراف أهمية وجود آلية مشتركة.",
            &[("windows-1256", ""), ("ISO-8859-6", "")],
        ),
        (
            "東京都は今日、新しい防災計画を発表しました。地震や台風に備えて、住民への情報提供を強化します。",
            &[("Shift_JIS", ""), ("EUC-JP", ""), ("ISO-2022-JP", "")],
        ),
        (
            "国务院今天召开常务会议，研究部署进一步扩大内需和促进经济稳定增长的政策措施。",
            &[("GBK", ""), ("gb18030", "GBK")],
        ),
        (
            "行政院今天召開院會，討論明年度中央政府總預算案，並決定加強地方建設與社會福利。",
            &[("Big5", "")],
        ),
        (
            "서울시는 오늘 새로운 교통 정책을 발표했습니다. 시민들의 출퇴근 시간을 줄이기 위한 계획입니다.",
            &[("EUC-KR", "")],
        ),
        (
            "รัฐบาลไทยประกาศมาตรการใหม่เพื่อกระตุ้นเศรษฐกิจในปีหน้า โดยเน้นการลงทุนในโครงสร้างพื้นฐาน",
            &[("windows-874", "")],
        ),
        (
            "L'été dernier, le ministre a présenté à l'Assemblée un projet de loi très \
             controversé sur la réforme des retraites; le débat reprendra en février.",
            &[("windows-1252", ""), ("macintosh", "")],
        ),
        (
            "Die Bundesregierung hat am Mittwoch über die künftige Förderung erneuerbarer \
             Energien beraten. Größere Änderungen sind möglich.",
            &[("windows-1252", "")],
        ),
        (
            "Le cœur de l'économie bat toujours: l'œuf coûte 2 € au marché, et ça inquiète.",
            &[("ISO-8859-15", ""), ("windows-1252", "")],
        ),
        (
            "Türkiye Büyük Millet Meclisi bugün yeni bütçe yasasını görüştü. Şehirdeki \
             çalışmalar ağır ilerliyor ve muhalefet değişiklik istiyor.",
            &[("windows-1254", "")],
        ),
        (
            "Lietuvos vyriausybė šiandien patvirtino naują biudžetą, o Seimas jį svarstys \
             kitą savaitę; opozicija žada siūlyti pataisų.",
            &[
                ("windows-1257", "ISO-8859-13"),
                ("ISO-8859-13", "windows-1257"),
            ],
        ),
    ];

    #[test]
    fn own_samples_are_recognised_in_their_encodings() {
        let mut failures = Vec::new();
        for (text, encodings) in SAMPLES {
            for (name, also) in *encodings {
                let encoding = Encoding::for_label(name.as_bytes()).unwrap();
                let bytes = encode(encoding, text);
                let decoded = crate::decode::decode(&bytes, &Default::default()).unwrap();
                let found = decoded.report.encoding.name();
                let right = found == *name || (!also.is_empty() && found == *also);
                if !right || decoded.text != *text {
                    failures.push(format!("{name}: found {found} for {text:.30}"));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn utf16_without_bom_is_recognised_for_every_script() {
        for (text, _) in SAMPLES {
            for encoding in [UTF_16LE, UTF_16BE] {
                let bytes = utf16(text, encoding);
                let decoded = crate::decode::decode(&bytes, &Default::default())
                    .unwrap_or_else(|e| panic!("{}: {e} for {text:.30}", encoding.name()));
                assert_eq!(decoded.report.encoding, encoding, "{text:.30}");
                assert_eq!(decoded.text, *text);
            }
        }
    }

    #[test]
    fn judging_single_byte_readings_without_chardetng_first_changes_no_guess() {
        let mut texts: Vec<&str> = SAMPLES.iter().map(|(text, _)| *text).collect();
        texts.extend(FEW_ACCENTS.iter().map(|(text, _)| *text));
        // Each input, and whether it is a whole text in a single-byte
        // encoding (where chardetng should mostly be ruled out).
        let mut inputs: Vec<(Vec<u8>, bool)> = Vec::new();
        for text in &texts {
            for encoding in SINGLE_BYTE
                .iter()
                .chain(CJK)
                .chain(CHARDETNG_ONLY_SINGLE_BYTE)
            {
                let (bytes, _, _) = encoding.encode(text);
                for cut in [12, 40, 100, 300] {
                    inputs.push((bytes[..cut.min(bytes.len())].to_vec(), false));
                }
                inputs.push((bytes.to_vec(), encoding.is_single_byte()));
                // Large inputs, whose CJK readings get a first round.
                let mut large = bytes.to_vec();
                while large.len() < 6 * PRUNE_BYTES {
                    large.push(b' ');
                    large.extend_from_slice(&bytes);
                }
                inputs.push((large, false));
            }
        }
        // Bytes that are text in no encoding.
        inputs.push(((0x80..=0xFFu8).chain(0x80..=0xFF).collect(), false));
        inputs.push((b"a\xe9\x81 \xfe\xfe b\x8f".to_vec(), false));
        let (mut whole_single_byte, mut ruled_out) = (0, 0);
        for (bytes, is_whole_single_byte) in &inputs {
            assert_eq!(
                guess_legacy_judged(bytes, true),
                guess_legacy_judged(bytes, false),
                "{bytes:x?}"
            );
            let words = high_byte_words(bytes);
            let rules_out = chardetng_rules_out_multi_byte(&words);
            if rules_out {
                let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
                detector.feed(&words, true);
                let guess = detector.guess(None, Utf8Detection::Allow);
                assert!(guess.is_single_byte(), "{} for {bytes:x?}", guess.name());
            }
            if *is_whole_single_byte {
                whole_single_byte += 1;
                ruled_out += usize::from(rules_out);
            }
        }
        // The shortcut is taken, not only in theory: a few accented
        // letters among ASCII are often valid Shift_JIS or GBK, so it is
        // mostly open to texts in a non-Latin script.
        assert!(
            ruled_out * 10 > whole_single_byte,
            "{ruled_out} of {whole_single_byte}"
        );
    }

    #[test]
    fn confidence_is_low_when_close_readings_differ() {
        // "Ð¾" in windows-1252, "Ро" in windows-1251, "Đľ" in windows-1250:
        // two bytes cannot say which.
        let guess = guess_legacy(b"Total: \xd0\xbe 12");
        assert!(guess.confidence < 0.5, "{guess:?}");
        // The same letters in a real sentence leave no doubt.
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(SAMPLES[0].0);
        let guess = guess_legacy(&bytes);
        assert_eq!(guess.encoding, encoding_rs::WINDOWS_1251);
        assert!(guess.confidence > 0.8, "{guess:?}");
    }

    /// Texts of a language whose letters are nearly all ASCII, with a few
    /// accented ones: thin evidence, where the words around them decide.
    const FEW_ACCENTS: &[(&str, &str)] = &[
        (
            "Il programma legge il file di configurazione all'avvio. Se il file \
             non esiste, il programma usa i valori predefiniti e scrive un avviso \
             nel registro. Il nome del gruppo è scelto dall'amministratore del \
             sistema quando crea il conto per un nuovo utente della rete.",
            "windows-1252",
        ),
        (
            "Het programma leest het bestand met de instellingen wanneer het \
             wordt gestart. Als het pakket al is geïnstalleerd, wordt het niet \
             opnieuw geïnstalleerd en blijft de oude versie staan tot de \
             beheerder een nieuwe versie kiest en die laat installeren.",
            "windows-1252",
        ),
        (
            "Le programme lit le fichier de configuration au démarrage. Si le \
             fichier manque, il écrit un message dans le journal et continue avec \
             les valeurs par défaut; la règle vaut aussi pour les options de la \
             ligne de commande, qui passent toujours avant celles du fichier.",
            "windows-1252",
        ),
        (
            "The new menu of the small café near the station in Zürich offers \
             soup, bread and coffee at noon, and the owner says that the prices \
             will stay the same for the rest of the year, whatever the cost of \
             the flour and the milk that he buys from the farms around the town.",
            "windows-1252",
        ),
        (
            "Program czyta plik konfiguracyjny przy starcie. Jeśli pliku nie ma, \
             program zapisuje ostrzeżenie w dzienniku i używa wartości domyślnych \
             dla wszystkich opcji, a administrator może je potem zmienić.",
            "windows-1250",
        ),
    ];

    #[test]
    fn the_words_around_a_few_accented_letters_decide_their_reading() {
        let mut failures = Vec::new();
        for (text, name) in FEW_ACCENTS {
            for name in [
                *name,
                if *name == "windows-1250" {
                    "ISO-8859-2"
                } else {
                    "ISO-8859-15"
                },
            ] {
                let encoding = Encoding::for_label(name.as_bytes()).unwrap();
                let bytes = encode(encoding, text);
                let decoded = crate::decode::decode(&bytes, &Default::default()).unwrap();
                if decoded.text != *text {
                    let found = decoded.report.encoding.name();
                    failures.push(format!("{name}: found {found} for {text:.30}"));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_sign_of_another_script_inside_a_word_is_mojibake() {
        // Dutch ï (0xEF) read as windows-874 is Thai's ๏, a sign, not a
        // letter: glued between two letters it costs as much as a letter
        // of another script would.
        let (clean, _) = judge("geïnstalleerd", true);
        let (glued, _) = judge("ge\u{0E4F}nstalleerd", true);
        assert_eq!(clean, 1.0);
        assert!(glued < clean - 0.2, "{glued}");
        // Mac Roman ï read as windows-1252 is a bullet, which no word holds;
        // a quote typed for an apostrophe is no sign of mojibake.
        assert!(judge("ge•nstalleerd", true).0 < clean - 0.2);
        assert_eq!(judge("don‘t", true).0, 1.0);
        // A sign of the letters' own script is no mojibake (an Arabic
        // comma written without the space after it), nor is one after a
        // word.
        assert_eq!(judge("كلمة،كلمة", true).0, 1.0);
        assert_eq!(
            judge("word\u{0E4F} next", true).0,
            judge("word\u{0E4F}", true).0
        );
    }

    #[test]
    fn letter_fit_prefers_the_language_reading() {
        let czech = SAMPLES[2].0;
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(czech);
        let (as_western, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
        assert!(letter_fit(czech) > 0.9, "{}", letter_fit(czech));
        assert!(letter_fit(&as_western) < letter_fit(czech) - 0.2);
        assert_eq!(letter_fit("plain ASCII"), 1.0);
    }

    #[test]
    fn byte_identical_readings_take_the_name_of_the_language_region() {
        // Hungarian without ő and ű: the same bytes in windows-1252 and
        // windows-1250 (and ISO-8859-2, there being no byte in 0x80–0x9F).
        let text = "A kormány szerdán elfogadta a költségvetés tervezetét, \
                    amelyről a képviselők a jövő héten vitáznak.";
        let text = text.replace(['ő', 'ű'], "o");
        let bytes = encode(encoding_rs::WINDOWS_1250, &text);
        let guess = guess_legacy(&bytes);
        assert_eq!(guess.encoding, encoding_rs::ISO_8859_2, "{guess:?}");
        // With a windows-only byte (the dash), the windows encoding.
        let bytes = encode(encoding_rs::WINDOWS_1250, &format!("{text} – vége."));
        assert_eq!(guess_legacy(&bytes).encoding, encoding_rs::WINDOWS_1250);
        // French stays Western.
        let bytes = encode(encoding_rs::WINDOWS_1252, SAMPLES[13].0);
        assert_eq!(guess_legacy(&bytes).encoding, encoding_rs::WINDOWS_1252);
    }

    #[test]
    fn final_letters_inside_words_are_mojibake() {
        assert!(plausibility("σας λόγος") > plausibility("ςας λόγοσ") + 0.1);
        let hebrew = "שלום עליכם";
        let broken = "שםלו עןליכם";
        assert!(plausibility(hebrew) > plausibility(broken));
    }

    #[test]
    fn iso_2022_jp_is_not_taken_for_utf8() {
        let (bytes, _, _) = encoding_rs::ISO_2022_JP.encode("東京の天気は晴れです。");
        assert!(std::str::from_utf8(&bytes).is_ok());
        assert!(is_iso_2022_jp(&bytes));
        assert!(!is_iso_2022_jp(b"plain \x1b[1mANSI\x1b[0m text"));
    }

    #[test]
    fn arabic_windows_1256_and_iso_8859_6_are_told_apart() {
        let text = ARABIC.replace('،', ",");
        for encoding in [encoding_rs::WINDOWS_1256, encoding_rs::ISO_8859_6] {
            let guess = guess_legacy(&encode(encoding, &text));
            assert_eq!(guess.encoding, encoding);
            assert!(guess.confidence > 0.8, "{guess:?}");
        }
    }

    #[test]
    fn cyrillic_encodings_are_told_apart() {
        for encoding in [
            encoding_rs::WINDOWS_1251,
            encoding_rs::KOI8_R,
            encoding_rs::IBM866,
        ] {
            let guess = guess_legacy(&encode(encoding, RUSSIAN));
            assert_eq!(guess.encoding, encoding);
        }
    }

    #[test]
    fn utf16_without_bom_is_recognised_in_both_orders() {
        for (encoding, text) in [
            (UTF_16LE, ARABIC),
            (UTF_16BE, ARABIC),
            (UTF_16LE, "Plain English text."),
        ] {
            let bytes = utf16(text, encoding);
            let (found, confidence) = utf16_without_bom(&bytes).expect("UTF-16 not recognised");
            assert_eq!(found, encoding);
            assert!(confidence > 0.8);
        }
        assert_eq!(utf16_without_bom("Plain UTF-8 text, é.".as_bytes()), None);
    }

    #[test]
    fn mojibake_scores_lower_than_text() {
        let right = plausibility(RUSSIAN);
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(RUSSIAN);
        let (wrong, _) = encoding_rs::KOI8_R.decode_without_bom_handling(&bytes);
        assert!(right > 0.95, "{right}");
        assert!(plausibility(&wrong) < right - 0.1);
    }

    #[test]
    fn large_inputs_are_sampled_across_the_file() {
        let mut bytes = vec![b'a'; 4 * SAMPLE_LIMIT];
        for i in (0..bytes.len()).step_by(100) {
            bytes[i] = b'\n';
        }
        let sampled = sample(&bytes);
        assert!(sampled.len() <= SAMPLE_LIMIT);
        assert!(sampled.len() > SAMPLE_LIMIT / 2);
    }
}
