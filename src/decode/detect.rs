//! Guessing what the bytes are when nothing declares it.
//!
//! chardetng (Firefox's detector) makes the first guess among the legacy
//! encodings. Its known gaps are then closed by judging candidates on how
//! plausible their decoded text is: chardetng cannot tell windows-1256 from
//! ISO-8859-6 (they decode the same Arabic bytes to different letters),
//! confuses KOI8-R and KOI8-U, rarely answers ISO-8859-7, and detects no
//! UTF-16 without a BOM. The plausibility score looks at what a reader would
//! notice in mojibake: replacement and control characters, words that switch
//! script in the middle, capitals inside lower-case words, and stray symbols.
//!
//! Detection looks at the whole input up to [`SAMPLE_LIMIT`]; past that it
//! looks at [`SAMPLE_CHUNKS`] slices spread evenly over the file, so that a
//! file whose first kilobytes are ASCII is still judged by its text.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

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
/// data is (tab, line breaks, form feed and escape do not count).
pub fn mostly_control(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(SAMPLE_LIMIT) {
        total += 1;
        if is_binary_control(c) {
            control += 1;
        }
    }
    control > 0 && control * 10 > total
}

fn is_binary_control(c: char) -> bool {
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
    if bytes.len() < 2 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(SAMPLE_LIMIT) & !1];
    let has_nul = memchr::memchr(0, sample).is_some();
    // Without NUL bytes, valid UTF-8 is UTF-8; a UTF-16 reading is only
    // considered for text with no ASCII at all (CJK, for instance).
    if !has_nul && std::str::from_utf8(bytes).is_ok() {
        return None;
    }
    let le = utf16_plausibility(sample, false);
    let be = utf16_plausibility(sample, true);
    let (encoding, best, other) = if le >= be {
        (UTF_16LE, le, be)
    } else {
        (UTF_16BE, be, le)
    };
    let threshold = if has_nul { 0.85 } else { 0.97 };
    (best >= threshold && best - other >= 0.3).then(|| (encoding, best.min(1.0) * 0.99))
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
    c.is_alphanumeric()
        || c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c,
            '\u{A0}'..='\u{BF}' | '\u{0300}'..='\u{036F}' | '\u{0591}'..='\u{05F4}' | '\u{0600}'..='\u{06FF}'
            | '\u{2000}'..='\u{206F}' | '\u{20AC}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
}

/// Symbols that do occur in news text.
fn is_common_symbol(c: char) -> bool {
    matches!(c, '\u{20A0}'..='\u{20CF}' | '\u{2100}'..='\u{214F}' | '\u{2190}'..='\u{21FF}' | '\u{00D7}' | '\u{00F7}')
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
enum Script {
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

    fn of(c: char) -> Option<Script> {
        if !c.is_alphabetic() {
            return None;
        }
        Some(match c as u32 {
            0x41..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0x400..=0x52F => Script::Cyrillic,
            0x530..=0x58F => Script::Armenian,
            0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
            0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                Script::Arabic
            }
            0x900..=0xDFF => Script::Indic,
            0xE00..=0xE7F => Script::Thai,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
            0x3040..=0x30FF => Script::Kana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
            _ => Script::Other,
        })
    }

    /// Scripts whose words are built from cased letters.
    fn is_cased(self) -> bool {
        matches!(
            self,
            Script::Latin | Script::Greek | Script::Cyrillic | Script::Armenian
        )
    }
}

/// Guesses a legacy encoding for bytes that are neither valid UTF-8 nor UTF-16.
pub fn guess_legacy(bytes: &[u8]) -> Guess {
    let sample = sample(bytes);
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
    detector.feed(&sample, true);
    let first = detector.guess(None, Utf8Detection::Allow);

    // The group is listed most common first, so that among candidates that
    // decode to the same text (KOI8-R and KOI8-U on Russian) the usual
    // name wins; chardetng's guess leads only when it has no group.
    let mut candidates: Vec<&'static Encoding> = siblings(first).to_vec();
    if !candidates.contains(&first) {
        candidates.insert(0, first);
    }
    let mut scored: Vec<(&'static Encoding, f64, Cow<'_, str>)> = candidates
        .into_iter()
        .map(|encoding| {
            let (text, _) = encoding.decode_without_bom_handling(&sample);
            (encoding, plausibility(&text), text)
        })
        .collect();
    // Stable sort: on a tie the more common encoding stays first.
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best, best_score, best_text) = &scored[0];
    let runner_up = scored[1..]
        .iter()
        .find(|(_, _, text)| text != best_text)
        .map(|(_, s, _)| *s);
    let quality = best_score.clamp(0.0, 1.0);
    let margin = match runner_up {
        Some(second) => ((best_score - second) / 0.15).clamp(0.0, 1.0),
        None => 1.0,
    };
    Guess {
        encoding: best,
        confidence: round3(quality * (0.4 + 0.6 * margin)),
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Encodings that chardetng is known to confuse with `encoding`.
fn siblings(encoding: &'static Encoding) -> &'static [&'static Encoding] {
    use encoding_rs::*;
    const ARABIC: &[&Encoding] = &[WINDOWS_1256, ISO_8859_6];
    const CYRILLIC: &[&Encoding] = &[
        WINDOWS_1251,
        KOI8_R,
        KOI8_U,
        IBM866,
        ISO_8859_5,
        X_MAC_CYRILLIC,
    ];
    const GREEK: &[&Encoding] = &[WINDOWS_1253, ISO_8859_7];
    const HEBREW: &[&Encoding] = &[WINDOWS_1255, ISO_8859_8];
    const CENTRAL: &[&Encoding] = &[WINDOWS_1250, ISO_8859_2];
    const WESTERN: &[&Encoding] = &[WINDOWS_1252, ISO_8859_15, MACINTOSH];
    const BALTIC: &[&Encoding] = &[WINDOWS_1257, ISO_8859_13, ISO_8859_4];
    const CHINESE: &[&Encoding] = &[GBK, BIG5];
    for group in [
        ARABIC, CYRILLIC, GREEK, HEBREW, CENTRAL, WESTERN, BALTIC, CHINESE,
    ] {
        if group.contains(&encoding) {
            return group;
        }
    }
    &[]
}

/// How much `text` looks like something a person wrote, roughly 0 to 1.
///
/// Every non-space character starts at one point; mojibake loses points:
/// replacement characters and controls, a letter whose script differs from
/// the letter before it in the same word, a capital after a small letter in
/// a word, and Latin-1 symbols that rarely occur in prose.
pub fn plausibility(text: &str) -> f64 {
    let mut total = 0.0f64;
    let mut penalty = 0.0f64;
    // The script of the previous letter in the current word, and whether
    // the word began with a small letter.
    let mut previous: Option<Script> = None;
    let mut word_starts_lower = false;
    for c in text.chars() {
        if c.is_whitespace() {
            previous = None;
            continue;
        }
        total += 1.0;
        match c {
            '\u{FFFD}' => penalty += 8.0,
            '\u{80}'..='\u{9F}' => penalty += 8.0,
            c if is_binary_control(c) => penalty += 8.0,
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
            c if !is_texty(c) && !is_common_symbol(c) => penalty += 2.0,
            _ => {}
        }
        if let Some(script) = Script::of(c) {
            match previous {
                None => word_starts_lower = c.is_lowercase(),
                Some(prev_script) if prev_script != script => penalty += 3.0,
                // "лНЯЙБЮ": capitals inside a word that began in lower case.
                Some(_) if script.is_cased() && word_starts_lower && c.is_uppercase() => {
                    penalty += 1.0
                }
                Some(_) => {}
            }
            previous = Some(script);
        } else if !is_word_internal(c) {
            previous = None;
        }
    }
    if total == 0.0 {
        0.0
    } else {
        1.0 - penalty / total
    }
}

/// Characters that may sit inside a word without ending it.
fn is_word_internal(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-' | '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0300}'..='\u{036F}')
}

/// The bytes detection looks at: all of a small input, or slices spread over
/// a large one, each cut at line breaks so no character is split.
pub fn sample(bytes: &[u8]) -> Cow<'_, [u8]> {
    if bytes.len() <= SAMPLE_LIMIT {
        return Cow::Borrowed(bytes);
    }
    let chunk = SAMPLE_LIMIT / SAMPLE_CHUNKS;
    let stride = bytes.len() / SAMPLE_CHUNKS;
    let mut out = Vec::with_capacity(SAMPLE_LIMIT + SAMPLE_CHUNKS);
    for i in 0..SAMPLE_CHUNKS {
        let start = i * stride;
        let end = (start + chunk).min(bytes.len());
        let slice = &bytes[start..end];
        let from = if i == 0 {
            0
        } else {
            memchr::memchr(b'\n', slice).map_or(0, |p| p + 1)
        };
        let to = memchr::memrchr(b'\n', slice).map_or(slice.len(), |p| p + 1);
        if from < to {
            out.extend_from_slice(&slice[from..to]);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARABIC: &str = "شهدت العاصمة المصرية اجتماعا رفيع المستوى لبحث تثبيت وقف إطلاق النار في قطاع غزة، \
        والدفع نحو مرحلة أكثر صلابة من الهدوء. وأكدت الأطراف أهمية وجود آلية مشتركة قادرة على التدخل السريع.";
    const RUSSIAN: &str = "Москва - крупнейший город России, её политический, экономический и культурный центр. \
        Жители города говорят, что весной здесь особенно красиво, а летом много туристов.";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{} cannot encode the sample", encoding.name());
        bytes.into_owned()
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
            let bytes: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| {
                    if encoding == UTF_16LE {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect();
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
