//! Language and writing direction of an article.
//!
//! The language comes from whatlang's trigram models and is reported as a
//! BCP 47 tag (ISO 639-1 where one exists, as browsers and HTML `lang`
//! attributes use). The direction comes from the letters themselves, not
//! from the language guess, so that it is right even when the language is
//! not known: a text whose letters are mostly Arabic, Hebrew, Syriac or
//! Thaana is right-to-left.

use crate::model::Direction;

/// Text beyond this many bytes adds nothing to a language guess but time.
const SAMPLE_BYTES: usize = 16 * 1024;

/// Guesses the dominant language of `text` as a BCP 47 tag, or `None` when
/// the text is too short or too mixed to say.
pub fn detect_language(text: &str) -> Option<String> {
    let sample = prefix(text, SAMPLE_BYTES);
    if plainly_arabic(sample) {
        return Some("ar".to_string());
    }
    whatlang_language(sample)
}

/// whatlang's guess for `sample`, or `None` when it is neither reliable
/// nor at least even odds.
fn whatlang_language(sample: &str) -> Option<String> {
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(bcp47(info.lang()).to_string())
}

/// Fewer letters than this leave whatlang unsure even of plain Arabic
/// (117 to 125 letters did in the evaluation below), so such text is left
/// to whatlang and its confidence.
const PLAIN_ARABIC_MIN_LETTERS: usize = 200;

/// Whether `text` is Arabic beyond doubt, without whatlang: written only
/// with the letters of the Arabic language (no Persian, Urdu, Kurdish or
/// Pashto letter, no zero-width non-joiner, no Persian digit), at least
/// [`PLAIN_ARABIC_MIN_LETTERS`] of them, Latin letters no more than a
/// tenth as many, at least one word in twelve opening with the article
/// `ال` and at least one letter in 400 a tāʾ marbūṭa `ة`.
///
/// whatlang tells Arabic from Persian and Urdu by trigrams, half the time
/// of `--detect` on small Arabic files; the answer it would give here is
/// already plain from the letters. Persian written with the Arabic forms
/// of yeh and kaf is the one text that can pass the letter test, and it
/// has neither the article nor tāʾ marbūṭa at those rates. Measured before
/// this was added (whatlang against this test on 8,900 texts: the Arabic
/// corpus and its 150 to 1,200-character pieces, and 1,200 Persian texts
/// of 10 to 640 words in three spellings): every text it accepts whatlang
/// calls Arabic with confidence, and it accepts no Persian one. Anything
/// else goes to whatlang as before.
fn plainly_arabic(text: &str) -> bool {
    let (mut letters, mut latin, mut words, mut definite, mut teh_marbuta) = (0, 0, 0, 0, 0);
    // Letters so far in the current Arabic word (0: between words), and
    // the word's first letter.
    let mut word_letters = 0usize;
    let mut first = '\0';
    for c in text.chars() {
        match c {
            // The letters of Arabic: hamza to ghain, feh to yeh.
            '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => {
                if word_letters == 0 {
                    words += 1;
                    first = c;
                } else if word_letters == 1 && first == 'ا' && c == 'ل' {
                    definite += 1;
                }
                word_letters += 1;
                letters += 1;
                if c == 'ة' {
                    teh_marbuta += 1;
                }
            }
            // Tatweel and the vowel marks stay inside a word.
            '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => {}
            _ if c.is_ascii_alphabetic() => {
                latin += 1;
                word_letters = 0;
            }
            // Persian's zero-width non-joiner (`می‌شود`) and digits.
            '\u{200C}' | '\u{06F0}'..='\u{06F9}' => return false,
            _ if !c.is_ascii() && is_letter(c) => return false,
            _ => word_letters = 0,
        }
    }
    letters >= PLAIN_ARABIC_MIN_LETTERS
        && latin * 10 <= letters
        && definite * 12 >= words
        && teh_marbuta * 400 >= letters
}

/// The direction in which most letters of `text` are written.
pub fn direction_of_text(text: &str) -> Direction {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    for c in prefix(text, SAMPLE_BYTES).chars() {
        match letter_kind(c) {
            LetterKind::RightToLeft => rtl += 1,
            LetterKind::LeftToRight => ltr += 1,
            LetterKind::NotALetter => {}
        }
    }
    if rtl > ltr {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// `char::is_alphabetic`, with the answers [`letter_kind`] remembers: the
/// standard library searches its Unicode tables for every non-ASCII
/// letter, which was a tenth of the time of converting a small Arabic
/// article. Same answers, each computed once per process.
pub(crate) fn is_letter(c: char) -> bool {
    letter_kind(c) != LetterKind::NotALetter
}

/// Whether a character is a letter, and of which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LetterKind {
    NotALetter = 1,
    LeftToRight = 2,
    RightToLeft = 3,
}

/// The [`LetterKind`] of `c`: for the Basic Multilingual Plane remembered
/// per code point (one lookup instead of the standard library's search and
/// a test of the right-to-left blocks for every character).
fn letter_kind(c: char) -> LetterKind {
    use std::sync::atomic::{AtomicU8, Ordering};
    /// 0: not yet known, else a `LetterKind` as u8.
    static KNOWN: [AtomicU8; 0x1_0000] = [const { AtomicU8::new(0) }; 0x1_0000];
    if c.is_ascii() {
        return match c.is_ascii_alphabetic() {
            true => LetterKind::LeftToRight,
            false => LetterKind::NotALetter,
        };
    }
    let Some(slot) = KNOWN.get(c as usize) else {
        return work_out_letter_kind(c);
    };
    match slot.load(Ordering::Relaxed) {
        1 => LetterKind::NotALetter,
        2 => LetterKind::LeftToRight,
        3 => LetterKind::RightToLeft,
        _ => {
            let kind = work_out_letter_kind(c);
            slot.store(kind as u8, Ordering::Relaxed);
            kind
        }
    }
}

fn work_out_letter_kind(c: char) -> LetterKind {
    if !c.is_alphabetic() {
        LetterKind::NotALetter
    } else if is_rtl_letter(c) {
        LetterKind::RightToLeft
    } else {
        LetterKind::LeftToRight
    }
}

/// The usual direction of a language given as a BCP 47 tag (`ar`, `he-IL`,
/// `ur-Arab`, `az-Arab`...), for when the user names the language.
pub fn direction_of_lang(tag: &str) -> Direction {
    let lower = tag.to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    if parts.any(|subtag| matches!(subtag, "arab" | "hebr" | "syrc" | "thaa" | "nkoo" | "adlm")) {
        return Direction::Rtl;
    }
    const RTL: &[&str] = &[
        "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ku", "ps", "sd", "syr", "ug", "ur",
        "yi", "ara", "fas", "per", "heb", "urd", "pus", "yid", "uig", "snd", "div",
    ];
    if RTL.contains(&primary) {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo,
/// and their presentation forms).
fn is_rtl_letter(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// whatlang speaks ISO 639-3; the web speaks BCP 47, which prefers the
/// two-letter ISO 639-1 code where there is one.
fn bcp47(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_letters_agree_with_the_standard_library() {
        for c in (0..0x1_0000)
            .chain(0x1_0000..0x1_0200)
            .chain(0x1_0800..0x1_0900)
            .filter_map(char::from_u32)
        {
            let expected = match (c.is_alphabetic(), is_rtl_letter(c)) {
                (false, _) => LetterKind::NotALetter,
                (true, true) => LetterKind::RightToLeft,
                (true, false) => LetterKind::LeftToRight,
            };
            for time in ["first", "again"] {
                assert_eq!(letter_kind(c), expected, "{c:?} {time}");
                assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?} {time}");
            }
        }
    }

    #[test]
    fn languages_are_bcp47() {
        assert_eq!(
            detect_language(
                "شهدت العاصمة المصرية القاهرة اليوم اجتماعا دبلوماسيا وأمنيا رفيع المستوى"
            )
            .as_deref(),
            Some("ar")
        );
        assert_eq!(
            detect_language("The meeting in Cairo on Tuesday brought together the heads of intelligence services.")
                .as_deref(),
            Some("en")
        );
    }

    /// Plain Arabic of more than 200 letters (the seed's first paragraphs).
    const ARABIC: &str = "شهدت العاصمة المصرية القاهرة اليوم اجتماعا دبلوماسيا وأمنيا رفيع \
        المستوى جمع رؤساء أجهزة الاستخبارات في المنطقة، في إطار الجهود المبذولة \
        لتعزيز التعاون الإقليمي ومواجهة التحديات المشتركة. وقالت مصادر مطلعة إن \
        الاجتماع ناقش الأوضاع الأمنية في المنطقة وسبل تنسيق المواقف إزاء الأزمات \
        المتصاعدة، وأكد المشاركون أهمية الحوار والعمل المشترك.";

    #[test]
    fn plain_arabic_is_told_without_whatlang_and_as_whatlang_would() {
        assert!(plainly_arabic(ARABIC));
        assert_eq!(whatlang_language(ARABIC).as_deref(), Some("ar"));
        assert_eq!(detect_language(ARABIC).as_deref(), Some("ar"));
        // With a few Latin words and digits inside, as news has.
        let mixed = format!("{ARABIC} وقال متحدث باسم Reuters إن 25 شخصا شاركوا في COVID-19.");
        assert!(plainly_arabic(&mixed));
        // Every piece of the seed long enough to be decided here is
        // decided as whatlang decides it.
        let seed = include_str!("../fixtures/text-seed-utf8/input.txt");
        let chars: Vec<char> = seed.chars().collect();
        let mut decided = 0;
        for size in [150, 300, 600, 1200] {
            for piece in chars.chunks(size) {
                let piece: String = piece.iter().collect();
                if plainly_arabic(&piece) {
                    decided += 1;
                    assert_eq!(whatlang_language(&piece).as_deref(), Some("ar"), "{piece}");
                }
            }
        }
        assert!(decided >= 5, "{decided}");
    }

    #[test]
    fn other_languages_and_short_text_are_left_to_whatlang() {
        // Too short to be sure: whatlang's own confidence decides.
        assert!(!plainly_arabic(
            "شهدت العاصمة المصرية القاهرة اليوم اجتماعا دبلوماسيا"
        ));
        // Persian written with the Arabic yeh and kaf and none of the
        // letters Arabic lacks: no article, no tāʾ marbūṭa.
        let persian = "ما در اين شهر زندگي مي كنيم و هر روز به مدرسه مي رويم. او از دوستان \
            من است و با ما به خانه مي آيد. اين كتاب را از كتابخانه خريدم و هر شب آن را \
            مي خوانم. فردا صبح زود به سفر مي رويم و بعد از ظهر به خانه بر مي گرديم. \
            مادر من هر روز غذا درست مي كند و ما با هم در خانه غذا مي خوريم.";
        let persian = persian.replace('گ', "ك");
        assert!(persian.chars().filter(|c| is_letter(*c)).count() >= PLAIN_ARABIC_MIN_LETTERS);
        assert!(!plainly_arabic(&persian));
        // A Persian or Urdu letter, the non-joiner, a Persian digit.
        for foreign in ["گ", "ی", "ک", "ے", "ہ", "ڵ", "\u{200C}", "۱"] {
            let text = format!("{ARABIC} {foreign}");
            assert!(!plainly_arabic(&text), "{foreign:?}");
        }
        // More Latin than a tenth of the Arabic letters.
        let latin = format!("{ARABIC} {}", "The agency said on Tuesday. ".repeat(10));
        assert!(!plainly_arabic(&latin));
        // Arabic letters that do not read as Arabic prose: a list of names
        // without the article.
        let names = "محمد احمد علي حسن خالد عمر سعيد ".repeat(10);
        assert!(!plainly_arabic(&names));
    }

    #[test]
    fn direction_follows_letters_and_tags() {
        assert_eq!(direction_of_text("مرحبا بالعالم hello"), Direction::Rtl);
        assert_eq!(direction_of_text("hello world مرحبا"), Direction::Ltr);
        assert_eq!(direction_of_text("123"), Direction::Ltr);
        assert_eq!(direction_of_lang("ar-EG"), Direction::Rtl);
        assert_eq!(direction_of_lang("fa"), Direction::Rtl);
        assert_eq!(direction_of_lang("az-Arab"), Direction::Rtl);
        assert_eq!(direction_of_lang("en"), Direction::Ltr);
    }
}
