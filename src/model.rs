//! The article model: the one structure every reader produces and every
//! writer consumes (pandoc's AST in miniature).
//!
//! The JSON writer serializes these types as they are, so the field order and
//! names here *are* the contract described by `schema/article.schema.json`.
//! A change of shape is a change of [`SCHEMA_VERSION`].

use serde::{Deserialize, Serialize};

mod text;
pub(crate) use text::sealed as text_sealed;
pub use text::{StableBytes, Text, TextSource};

/// Version of the model's serialized shape. Consumers compare it before
/// trusting field meanings; readers of artconv's own output refuse others.
pub const SCHEMA_VERSION: &str = "1";

/// One converted article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Always [`SCHEMA_VERSION`] for articles built by this crate.
    pub schema_version: String,
    /// The article's title, when the input states one. Never invented.
    pub title: Option<String>,
    /// Where the title came from in the original input bytes.
    pub title_span: Option<Span>,
    /// The first paragraph of the body. It also stays in place as the first
    /// paragraph block, so the blocks alone hold the whole body in order.
    pub lead: Option<String>,
    /// Dominant language as a BCP 47 tag (`ar`, `en`, ...), when known.
    pub lang: Option<String>,
    /// Writing direction of the dominant script.
    pub dir: Direction,
    /// The body, split at section headings. The first section has no heading
    /// when the body starts with text.
    pub sections: Vec<Section>,
    /// Facts about the article that are not body text (authors, dates...).
    pub metadata: Metadata,
    /// Where the article came from and how its bytes were decoded.
    pub source: Source,
    /// Counts derived from the body, for quick filtering downstream.
    pub stats: Stats,
}

/// Writing direction, as in HTML's `dir` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Left to right (Latin, Cyrillic, CJK...).
    Ltr,
    /// Right to left (Arabic, Hebrew, Persian, Urdu...).
    Rtl,
}

impl Direction {
    /// The attribute value, as written in JSON, XML and Markdown.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// A run of blocks under one heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The heading that opens the section; `None` for text before the first heading.
    pub heading: Option<Text>,
    /// Heading level, 1 to 6 (2 for headings found in plain text; 1 only
    /// when a Markdown document has several `#` headings, none of them the
    /// title); `None` without a heading.
    pub level: Option<u8>,
    /// Where the heading came from in the original input bytes.
    pub heading_span: Option<Span>,
    /// The section's content, in input order.
    pub blocks: Vec<Block>,
}

/// One unit of body text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// What kind of text this is.
    #[serde(rename = "type")]
    pub kind: BlockKind,
    /// The text, with markers (`>`, `-`, `1.`) removed and wrapped lines
    /// joined; often a stretch of the input's decoded text, shared.
    pub text: Text,
    /// Where the block came from in the original input bytes, markers included.
    pub span: Span,
}

/// The kinds of block artconv distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Ordinary prose.
    Paragraph,
    /// Quoted text: a `>` block, or a block wholly inside quotation marks.
    Quote,
    /// One item of a bulleted or numbered list.
    ListItem,
    /// Preformatted code (Markdown code blocks, HTML `pre`), kept verbatim.
    Code,
}

impl BlockKind {
    /// The name used in JSON, CSV and as the XML element name.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Paragraph => "paragraph",
            BlockKind::Quote => "quote",
            BlockKind::ListItem => "list_item",
            BlockKind::Code => "code",
        }
    }
}

/// A half-open byte range `[start, end)` in the ORIGINAL input bytes (before
/// decoding, a BOM included in the offsets). Decoding `input[start..end]` with
/// the reported encoding gives back the source text of the element:
/// provenance that survives any later transformation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[u64; 2]", into = "[u64; 2]")]
pub struct Span {
    /// First byte of the element.
    pub start: u64,
    /// One past the last byte of the element.
    pub end: u64,
}

impl From<[u64; 2]> for Span {
    fn from([start, end]: [u64; 2]) -> Self {
        Span { start, end }
    }
}

impl From<Span> for [u64; 2] {
    fn from(span: Span) -> Self {
        [span.start, span.end]
    }
}

/// Facts about the article that are not body text. Plain text rarely states
/// them; the HTML and Markdown readers fill them from the document's own
/// declarations. Never guessed from the body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Author names, in document order.
    pub authors: Vec<String>,
    /// Publication date-time as the document states it (ISO 8601 when it is).
    pub published: Option<String>,
    /// Last modification date-time as the document states it.
    pub modified: Option<String>,
    /// Name of the publishing site.
    pub site_name: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// The document's own summary.
    pub description: Option<String>,
    /// Keywords or tags.
    pub keywords: Vec<String>,
}

impl Metadata {
    /// The single-valued fields with their names, in schema order, so that
    /// every writer lists the same ones the same way.
    pub fn singles(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("published", &self.published),
            ("modified", &self.modified),
            ("site_name", &self.site_name),
            ("url", &self.url),
            ("description", &self.description),
        ]
    }
}

/// Where the article came from and how it was decoded: what a pipeline
/// needs to audit a conversion after the fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Input path as given on the command line; `None` for standard input.
    pub path: Option<String>,
    /// The reader that parsed the input: `text`, `html`, `markdown`,
    /// `json` or `xml`. Articles read back from artconv's own JSON or XML
    /// keep the source they were made from, since their spans point there.
    pub format: String,
    /// How the reader was chosen.
    pub format_source: FormatSource,
    /// WHATWG name of the encoding, spelled as encoding_rs spells it.
    pub encoding: String,
    /// How the encoding was decided.
    pub encoding_source: EncodingSource,
    /// Confidence in the encoding, 0 to 1 (1 for a BOM or a forced label).
    pub confidence: f64,
    /// Whether the input started with a byte order mark.
    pub bom: bool,
    /// Line-ending style of the input.
    pub newline: Newline,
    /// Input size in bytes.
    pub bytes: u64,
    /// Malformed byte sequences replaced with U+FFFD while decoding.
    pub replaced: u64,
    /// The encoding the document declared (HTML `<meta charset>`) when its
    /// bytes contradicted the declaration and `encoding` was used instead;
    /// absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_encoding: Option<String>,
}

/// How the input format was decided, strongest first (like
/// [`EncodingSource`] for the encoding), so that a surprising reader choice
/// can be traced to its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormatSource {
    /// The `-f/--from` option.
    Forced,
    /// The content: a doctype or tag, an XML root, `schema_version` in
    /// JSON, Markdown markers.
    Content,
    /// The file name's extension.
    Extension,
    /// Nothing decided: plain text.
    Default,
}

impl FormatSource {
    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            FormatSource::Forced => "forced",
            FormatSource::Content => "content",
            FormatSource::Extension => "extension",
            FormatSource::Default => "default",
        }
    }
}

/// How the encoding was decided, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EncodingSource {
    /// A byte order mark.
    Bom,
    /// The `--encoding` option.
    Forced,
    /// A declaration inside the document (HTML `<meta charset>`, XML prolog).
    Declared,
    /// Guessed from the bytes.
    Detected,
}

impl EncodingSource {
    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "bom",
            EncodingSource::Forced => "forced",
            EncodingSource::Declared => "declared",
            EncodingSource::Detected => "detected",
        }
    }
}

/// Line-ending style of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Newline {
    /// `\n` only.
    Lf,
    /// `\r\n` only.
    Crlf,
    /// `\r` only (classic Mac OS).
    Cr,
    /// More than one style.
    Mixed,
    /// No line break at all.
    None,
}

impl Newline {
    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Newline::Lf => "lf",
            Newline::Crlf => "crlf",
            Newline::Cr => "cr",
            Newline::Mixed => "mixed",
            Newline::None => "none",
        }
    }
}

/// Counts derived from the body (title and headings included in `words`
/// and `characters`), so that consumers need not re-tokenize to filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Number of sections.
    pub sections: u64,
    /// Number of blocks of type `paragraph`.
    pub paragraphs: u64,
    /// Number of blocks of every type.
    pub blocks: u64,
    /// Words: runs of letters or digits; each CJK ideograph or kana counts as one.
    pub words: u64,
    /// Unicode scalar values in the title, headings and block texts.
    pub characters: u64,
}

impl Article {
    /// Every block of the body in order, across sections.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.sections
            .iter()
            .flat_map(|section| section.blocks.iter())
    }

    /// Recomputes `stats` and `lead` from the title, sections and blocks.
    /// Readers call it last so the derived fields can never disagree with
    /// the body.
    pub fn finish(&mut self) {
        let counts = self.count_texts();
        self.finish_counted(counts);
    }

    /// [`Article::finish`] with the words and characters of the title,
    /// headings and blocks already counted: the text reader counts each
    /// text when it finds it, while the text is in the cache, instead of
    /// reading the whole input again from memory here (a tenth of the time
    /// of converting 100 MB). A debug build counts again and compares.
    pub(crate) fn finish_counted(&mut self, counts: TextCounts) {
        debug_assert_eq!(counts, self.count_texts(), "counts given to finish");
        let lead = self
            .blocks()
            .find(|block| block.kind == BlockKind::Paragraph)
            .map(|block| block.text.to_string());
        self.lead = lead;
        self.stats = Stats {
            sections: self.sections.len() as u64,
            paragraphs: self
                .blocks()
                .filter(|b| b.kind == BlockKind::Paragraph)
                .count() as u64,
            blocks: self.blocks().count() as u64,
            words: counts.words,
            characters: counts.characters,
        };
    }

    /// The [`TextCounts`] of the title, the headings and the blocks.
    fn count_texts(&self) -> TextCounts {
        // The texts are gathered without being read (see `Text::len`): the
        // threads that count them read each one once.
        let texts: Vec<&Text> = self
            .sections
            .iter()
            .flat_map(|s| s.heading.iter().chain(s.blocks.iter().map(|b| &b.text)))
            .collect();
        let mut counts = self.title.as_deref().map(count_text).unwrap_or_default();
        counts += count_texts(&texts);
        counts
    }
}

/// Counts words the way a reader would: maximal runs of letters, digits and
/// joining marks, with each CJK ideograph or kana counted alone because
/// those scripts do not separate words with spaces.
pub fn count_words(text: &str) -> u64 {
    count_text(text).words
}

/// Words ([`count_words`]) and characters (Unicode scalar values) of a
/// text: the two counts of [`Stats`], taken in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextCounts {
    /// Words, as [`count_words`] counts them.
    pub words: u64,
    /// Unicode scalar values.
    pub characters: u64,
}

impl std::ops::AddAssign for TextCounts {
    fn add_assign(&mut self, other: TextCounts) {
        self.words += other.words;
        self.characters += other.characters;
    }
}

/// Texts longer than this in all are counted on two threads.
const PARALLEL_COUNT_BYTES: usize = 4 * 1024 * 1024;

/// The sum of the [`TextCounts`] of `texts`. Counting is the costliest
/// step after reading a large input (0.15 s for 100 MB of Arabic), and
/// each text counts on its own, so a large article is split in two halves
/// of about the same size and the second half counted on another thread.
fn count_texts(texts: &[&Text]) -> TextCounts {
    let sum = |texts: &[&Text]| {
        let mut counts = TextCounts::default();
        for text in texts {
            counts += count_text(text);
        }
        counts
    };
    let total: usize = texts.iter().map(|text| text.len()).sum();
    if total < PARALLEL_COUNT_BYTES {
        return sum(texts);
    }
    let mut half = 0;
    let mut seen = 0;
    while half < texts.len() && seen < total / 2 {
        seen += texts[half].len();
        half += 1;
    }
    let (first, second) = texts.split_at(half);
    let (mut counts, rest) = crate::parallel::join(|| sum(first), || sum(second));
    counts += rest;
    counts
}

/// [`TextCounts`] of `text`.
///
/// This runs over every character of every article. ASCII and Arabic go
/// through the fast path of `src/word_simd.rs`, 32 bytes at a time, where
/// the CPU has AVX2; the rest through a loop over characters, which
/// decodes the UTF-8 bytes itself (the text is valid UTF-8) and updates the counts
/// with arithmetic rather than a `match` on the class: in Arabic or
/// Russian, spaces and letters alternate every few characters, and a
/// branch per class mispredicted at every word boundary (this took the
/// time of word counting on 100 MB of Arabic from 0.4 s to 0.15 s).
/// Decoding every byte as if a character started there, to avoid the
/// branch on the width too, was slower still: twice the iterations.
pub fn count_text(text: &str) -> TextCounts {
    let bytes = text.as_bytes();
    let mut counter = Counter::default();
    // ASCII and Arabic go 32 bytes at a time where the CPU allows; the
    // loop below takes whatever is left.
    let at = crate::word_simd::advance(bytes, 0, &mut counter);
    counter.one_at_a_time(bytes, at, bytes.len());
    TextCounts {
        words: counter.words,
        characters: counter.characters,
    }
}

/// The running state of [`count_text`], shared with its fast path
/// ([`crate::word_simd`]).
#[derive(Default, Clone, Copy)]
pub(crate) struct Counter {
    pub(crate) words: u64,
    pub(crate) characters: u64,
    /// 1 while a word is open, else 0.
    pub(crate) in_word: u64,
}

impl Counter {
    /// Counts the characters of `bytes` from `at`, a character boundary,
    /// until the first boundary at or past `until`, and returns it.
    #[inline]
    pub(crate) fn one_at_a_time(&mut self, bytes: &[u8], mut at: usize, until: usize) -> usize {
        while at < until {
            let lead = bytes[at];
            let code = if lead < 0x80 {
                at += 1;
                u32::from(lead)
            } else if lead < 0xE0 {
                at += 2;
                u32::from(lead & 0x1F) << 6 | u32::from(bytes[at - 1] & 0x3F)
            } else if lead < 0xF0 {
                at += 3;
                u32::from(lead & 0x0F) << 12
                    | u32::from(bytes[at - 2] & 0x3F) << 6
                    | u32::from(bytes[at - 1] & 0x3F)
            } else {
                at += 4;
                u32::from(lead & 0x07) << 18
                    | u32::from(bytes[at - 3] & 0x3F) << 12
                    | u32::from(bytes[at - 2] & 0x3F) << 6
                    | u32::from(bytes[at - 1] & 0x3F)
            };
            self.character(word_bits(code));
        }
        at
    }

    /// One character, given by its [`word_bits`]: the bits hold the answer
    /// for a word open and for none, and the one that applies is picked by
    /// a shift, with no branch on the class.
    #[inline(always)]
    fn character(&mut self, bits: u8) {
        let picked = u64::from(bits) >> self.in_word;
        self.characters += 1;
        self.words += (picked >> 2) & 1;
        self.in_word = picked & 1;
    }
}

/// [`word_bits`], with no word open: whether one is open after the
/// character (it is a letter or digit).
const OPEN_AFTER_NONE: u8 = 1;
/// [`word_bits`], with a word open: whether it still is (a letter, digit
/// or joiner).
const OPEN_AFTER_OPEN: u8 = 2;
/// [`word_bits`], with no word open: whether the character starts a word
/// (a letter, digit, ideograph or kana).
const STARTS_AFTER_NONE: u8 = 4;
/// [`word_bits`], with a word open: whether the character starts a word
/// (an ideograph or kana, a word by itself).
const STARTS_AFTER_OPEN: u8 = 8;
/// [`word_bits`]: the entry of the table has been computed.
const KNOWN_BIT: u8 = 0x80;

/// What a character does to word counting, in the order the rules test it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordClass {
    /// An ideograph or kana: a word by itself ([`is_cjk`]).
    Cjk,
    /// A letter or digit (`char::is_alphanumeric`).
    Alphanumeric,
    /// A mark or joiner that continues a word once it has started (Arabic
    /// harakat, tatweel, ZWNJ in Persian, apostrophes inside English words).
    Joiner,
    /// Anything else ends a word.
    Other,
}

impl WordClass {
    /// The class of `c`, by the rules above.
    pub(crate) fn of(c: char) -> WordClass {
        if is_cjk(c) {
            WordClass::Cjk
        } else if c.is_alphanumeric() {
            WordClass::Alphanumeric
        } else if matches!(c,
            '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}'
            | '\u{200C}' | '\u{200D}' | '\'' | '\u{2019}')
        {
            WordClass::Joiner
        } else {
            WordClass::Other
        }
    }
}

/// [`WordClass::of`] through the table of [`word_bits`], for the tests.
#[cfg(test)]
fn word_class(code: u32) -> WordClass {
    let bits = word_bits(code);
    if bits & STARTS_AFTER_OPEN != 0 {
        WordClass::Cjk
    } else if bits & OPEN_AFTER_NONE != 0 {
        WordClass::Alphanumeric
    } else if bits & OPEN_AFTER_OPEN != 0 {
        WordClass::Joiner
    } else {
        WordClass::Other
    }
}

/// The class of a code point ([`WordClass::of`]) as the bits
/// [`Counter::character`] uses, with [`KNOWN_BIT`] set, remembered per
/// code point of the Basic Multilingual Plane: the standard library
/// answers `is_alphanumeric` for non-ASCII letters with a search of its
/// Unicode tables, which made word counting most of the time of
/// converting a large Arabic text. The answer is the same, only computed
/// once per distinct character and process.
#[inline]
fn word_bits(code: u32) -> u8 {
    use std::sync::atomic::{AtomicU8, Ordering};
    /// 0: not yet known.
    static KNOWN: [AtomicU8; 0x1_0000] = [const { AtomicU8::new(0) }; 0x1_0000];
    let Some(slot) = KNOWN.get(code as usize) else {
        return bits_of_class(class_of_code(code));
    };
    match slot.load(Ordering::Relaxed) {
        0 => {
            let bits = bits_of_class(class_of_code(code));
            slot.store(bits, Ordering::Relaxed);
            bits
        }
        bits => bits,
    }
}

fn bits_of_class(class: WordClass) -> u8 {
    KNOWN_BIT
        | match class {
            WordClass::Cjk => STARTS_AFTER_NONE | STARTS_AFTER_OPEN,
            WordClass::Alphanumeric => OPEN_AFTER_NONE | OPEN_AFTER_OPEN | STARTS_AFTER_NONE,
            WordClass::Joiner => OPEN_AFTER_OPEN,
            WordClass::Other => 0,
        }
}

#[cold]
fn class_of_code(code: u32) -> WordClass {
    char::from_u32(code).map_or(WordClass::Other, WordClass::of)
}

/// Ideographs and kana: scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK Compatibility Ideographs
        | '\u{20000}'..='\u{2FA1F}')
}

/// The reference for the counting tests here and in `word_simd`: one
/// character at a time, with the rules as written.
#[cfg(test)]
pub(crate) fn counted_by_chars(text: &str) -> TextCounts {
    let (mut words, mut in_word) = (0, false);
    for c in text.chars() {
        match WordClass::of(c) {
            WordClass::Cjk => {
                words += 1;
                in_word = false;
            }
            WordClass::Alphanumeric => {
                words += u64::from(!in_word);
                in_word = true;
            }
            WordClass::Joiner => {}
            WordClass::Other => in_word = false,
        }
    }
    TextCounts {
        words,
        characters: text.chars().count() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_across_scripts() {
        assert_eq!(count_words("Hello, world! It's 2024."), 4);
        assert_eq!(count_words("شهدت العاصمة المصرية"), 3);
        assert_eq!(count_words("东京是日本的首都"), 8);
        assert_eq!(count_words(""), 0);
    }

    #[test]
    fn remembered_word_classes_agree_with_the_rules() {
        for c in (0..0x1_0000)
            .chain(0x2_0000..0x2_0100)
            .filter_map(char::from_u32)
        {
            let expected = WordClass::of(c);
            assert_eq!(word_class(c as u32), expected, "{c:?}");
            assert_eq!(word_class(c as u32), expected, "{c:?} again");
        }
    }

    #[test]
    fn one_pass_counts_agree_with_the_reference_at_every_length() {
        // Every prefix, so that each kind of character meets the end of
        // the text (the last three bytes are counted by another loop).
        let text = "Der Bär's 'x' كتـــاب\u{064E}x 日本語 𠀀𠀁a😀b ﻻ\u{200C}ی ß1 — «é»\t\n";
        for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let prefix = &text[..end];
            assert_eq!(count_text(prefix), counted_by_chars(prefix), "{prefix:?}");
            let suffix = &text[end..];
            assert_eq!(count_text(suffix), counted_by_chars(suffix), "{suffix:?}");
        }
    }

    #[test]
    fn every_character_counts_as_the_rules_say_between_letters_and_spaces() {
        let chars: Vec<char> = (0..0x1_0000)
            .chain(0x1_F000..0x2_0100)
            .filter_map(char::from_u32)
            .collect();
        for chunk in chars.chunks(512) {
            let text: String = chunk.iter().map(|c| format!("{c}x {c} y{c}")).collect();
            assert_eq!(count_text(&text), counted_by_chars(&text), "{chunk:?}");
        }
    }

    #[test]
    fn large_articles_count_the_same_on_two_threads() {
        let paragraph = "Der Bär's كتـــاب 日本語 ß1 — «é» ".repeat(1000);
        let texts: Vec<String> = (0..200).map(|i| format!("{i} {paragraph}")).collect();
        assert!(texts.iter().map(String::len).sum::<usize>() >= PARALLEL_COUNT_BYTES);
        // Every other text shared with a source holding them all, as the
        // text reader makes them, the others owned.
        let source = TextSource::of_string(texts.concat());
        let mut at = 0;
        let held: Vec<Text> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                at += text.len();
                match i % 2 {
                    0 => Text::shared(&source, at - text.len()..at).unwrap(),
                    _ => Text::from(text.as_str()),
                }
            })
            .collect();
        let refs: Vec<&Text> = held.iter().collect();
        let mut expected = TextCounts::default();
        for text in &texts {
            expected += counted_by_chars(text);
        }
        assert_eq!(count_texts(&refs), expected);
    }

    #[test]
    fn joiners_continue_words_but_start_none() {
        assert_eq!(count_words("don't 'quoted' كتـــاب \u{064E}x"), 4);
        assert_eq!(count_words("日本語です"), 5);
        assert_eq!(count_words("𠀀𠀁 a😀b"), 4);
    }

    #[test]
    fn span_serializes_as_pair() {
        let span = Span { start: 3, end: 9 };
        assert_eq!(serde_json::to_string(&span).unwrap(), "[3,9]");
        let back: Span = serde_json::from_str("[3,9]").unwrap();
        assert_eq!(back, span);
    }
}
