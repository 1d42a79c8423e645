//! Bytes to text: the first stage of the pipeline.
//!
//! The decision follows the precedence browsers and encoding_rs use, and
//! reports which rule decided:
//!
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) — `bom`;
//! 2. `--encoding LABEL` — `forced`;
//! 3. a declaration inside the document, passed by a reader — `declared`;
//! 4. detection — `detected`: UTF-16 without a BOM, ISO-2022-JP (7-bit, so
//!    also valid UTF-8), valid UTF-8, then a guess among the legacy
//!    encodings (see [`detect`]).
//!
//! Input that is not text (NUL bytes that are not UTF-16, a known binary
//! signature, mostly control characters) is refused rather than turned into
//! garbage. Output is always UTF-8; malformed sequences become U+FFFD and
//! are counted, or are an error under `--strict`.

pub mod detect;
mod high_words;
pub mod html_prescan;
mod letters;
mod offsets;
mod scan;
mod utf8_pairs;

use encoding_rs::{DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

use crate::byte_set::ByteSet;
use crate::error::{Error, Result};
use crate::model::{EncodingSource, Newline, TextSource};
use offsets::{OffsetMap, PiecesBuilder, Unit, WalkBuilder};

/// What the caller knows before decoding.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// Encoding forced by the user (`--encoding`); wins over everything but a BOM.
    pub forced: Option<&'static Encoding>,
    /// Encoding declared by the document itself (HTML `<meta charset>`);
    /// used when nothing stronger decides and the bytes agree with it.
    pub declared: Option<&'static Encoding>,
    /// Refuse malformed sequences instead of replacing them.
    pub strict: bool,
}

/// How the input's bytes were turned into text, as reported in `source`.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodingReport {
    /// The encoding the text was decoded with.
    pub encoding: &'static Encoding,
    /// Which rule decided it.
    pub source: EncodingSource,
    /// Confidence in the decision, 0 to 1.
    pub confidence: f64,
    /// Whether a byte order mark was present (and skipped).
    pub bom: bool,
    /// Line-ending style of the text.
    pub newline: Newline,
    /// Input size in bytes.
    pub bytes: usize,
    /// Malformed sequences replaced with U+FFFD.
    pub replaced: usize,
    /// The encoding the document declared when the bytes contradicted it
    /// and another one was used (a page declaring UTF-8 that is not).
    pub overruled: Option<&'static Encoding>,
}

/// Below this confidence a detected encoding deserves a warning: the best
/// two readings differ and score close, or there are only a few non-ASCII
/// bytes to judge by.
pub const LOW_CONFIDENCE: f64 = 0.5;

impl EncodingReport {
    /// The warning to print (after `artconv: <file>: `) when the document's
    /// own declaration was overruled by the bytes; `None` otherwise.
    pub fn overruled_warning(&self) -> Option<String> {
        self.overruled.and_then(|declared| {
            overruled_warning(declared.name(), self.encoding.name(), self.source)
        })
    }

    /// The warning to print (after `artconv: <file>: `) when the encoding
    /// was guessed with low confidence; `None` otherwise.
    pub fn low_confidence_warning(&self) -> Option<String> {
        low_confidence_warning(self.encoding.name(), self.source, self.confidence)
    }
}

/// The low-confidence warning for a decision, shared by conversion and
/// `--detect`.
pub fn low_confidence_warning(
    encoding: &str,
    source: EncodingSource,
    confidence: f64,
) -> Option<String> {
    (source == EncodingSource::Detected && confidence < LOW_CONFIDENCE).then(|| {
        format!("encoding guessed as {encoding} with low confidence; use --encoding to be sure")
    })
}

/// The warning for a declaration the bytes overruled, shared by conversion
/// and batch runs: `page declares UTF-8 but is not valid UTF-8; decoded as
/// windows-1256 (detected)`.
pub fn overruled_warning(declared: &str, used: &str, source: EncodingSource) -> Option<String> {
    (!declared.eq_ignore_ascii_case(used)).then(|| {
        format!(
            "page declares {declared} but is not valid {declared}; decoded as {used} ({})",
            source.as_str()
        )
    })
}

/// Decoded text plus what is needed to point back into the original bytes.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The whole input as UTF-8, without the BOM: borrowed from the input
    /// when it is valid UTF-8 already, so that a large input (a file
    /// mapped into memory, say) is not copied.
    pub text: Cow<'a, str>,
    /// How it was decoded.
    pub report: EncodingReport,
    offsets: OffsetMap,
    /// The same text, held so that blocks can share it (see
    /// [`Decoded::held_in`] and [`Decoded::into_held`]); `None` when the
    /// caller keeps the input itself.
    source: Option<TextSource>,
}

/// A [`Decoded`] whose text has gone to a [`TextSource`]:
/// [`DecodedRest::over`] makes it whole again, reading from the source.
#[derive(Debug)]
pub struct DecodedRest {
    report: EncodingReport,
    offsets: OffsetMap,
    /// The source [`Decoded::into_held`] gave the text to.
    source: TextSource,
}

impl DecodedRest {
    /// The decoded input again, its text read from `source`.
    ///
    /// # Panics
    ///
    /// If `source` is not the one [`Decoded::into_held`] returned with
    /// `self` (the offsets into the input are those of that text).
    pub fn over(self, source: &TextSource) -> Decoded<'_> {
        assert!(
            source.is(&self.source),
            "DecodedRest::over takes the source into_held returned with it"
        );
        Decoded {
            text: Cow::Borrowed(source.as_str()),
            report: self.report,
            offsets: self.offsets,
            source: Some(self.source),
        }
    }
}

impl<'a> Decoded<'a> {
    /// The same, owning its text (a copy only when it was borrowed).
    pub fn into_owned(self) -> Decoded<'static> {
        Decoded {
            text: Cow::Owned(self.text.into_owned()),
            report: self.report,
            offsets: self.offsets,
            source: self.source,
        }
    }

    /// Marks the text as held by `source` as well, so that readers can
    /// let blocks share it. `source` is ignored unless it holds this very
    /// text (the same bytes in memory, not a copy).
    pub fn held_in(mut self, source: TextSource) -> Decoded<'a> {
        let held = source.as_str();
        if held.as_ptr() == self.text.as_ptr() && held.len() == self.text.len() {
            self.source = Some(source);
        }
        self
    }

    /// Splits the text off into a [`TextSource`] of its own (a copy only
    /// when it was borrowed), and keeps the rest for [`DecodedRest::over`].
    pub fn into_held(self) -> (TextSource, DecodedRest) {
        let source = TextSource::of_string(self.text.into_owned());
        let rest = DecodedRest {
            report: self.report,
            offsets: self.offsets,
            source: source.clone(),
        };
        (source, rest)
    }

    /// The source that holds [`Decoded::text`], when there is one.
    pub fn source(&self) -> Option<&TextSource> {
        self.source.as_ref()
    }

    /// Byte offset in the original input of the character that starts at
    /// `decoded` in [`Decoded::text`] (`text.len()` maps to the end).
    ///
    /// # Panics
    ///
    /// If `decoded` is not a character boundary of the text.
    pub fn original_offset(&self, decoded: usize) -> usize {
        self.offsets.original(&self.text, decoded)
    }
}

/// Decodes `bytes` following the precedence described in the module docs.
///
/// # Errors
///
/// [`Error::Binary`] for input that is not text, and [`Error::Malformed`]
/// under `strict` for the first malformed byte sequence.
pub fn decode<'a>(bytes: &'a [u8], options: &DecodeOptions) -> Result<Decoded<'a>> {
    let decision = decide(bytes, options)?;
    finish(bytes, &decision, options)
}

/// [`decode`] for a caller that reads only the start of the text, as
/// `--detect` does (the binary check and the language look at most at the
/// first [`detect::SAMPLE_LIMIT`] characters): the same decision and the
/// same errors, but a large input in a single-byte encoding is decoded only
/// as far as its first [`detect::SAMPLE_LIMIT`] bytes, one character each,
/// and one in a multi-byte legacy encoding (not ISO-2022-JP) as far as
/// just after the first byte below 0x30 past four times that (every
/// character takes at most four bytes; none of those bytes is a trail
/// byte, and after one the decoder starts afresh). Decoding the
/// rest was 70% of the time of `--detect` on a 57 MB windows-1256 file
/// (61.4 against 17.5 ms), and most of it on 20 MB of GBK.
/// The text, the offsets, `report.replaced` and `report.newline` are then
/// those of that start; `report.bytes` is the whole input's size. Under
/// `strict`, where a bad byte anywhere is an error, the whole input is
/// decoded.
///
/// # Errors
///
/// As [`decode`].
pub fn decode_start<'a>(bytes: &'a [u8], options: &DecodeOptions) -> Result<Decoded<'a>> {
    let decision = decide(bytes, options)?;
    let body = &bytes[decision.bom_len..];
    if decision.utf8_checked || options.strict {
        return finish(bytes, &decision, options);
    }
    let (encoding, start) = (decision.encoding, decision.bom_len);
    if encoding.is_single_byte() && body.len() > detect::SAMPLE_LIMIT {
        let (text, offsets, replaced) =
            decode_single_byte(&body[..detect::SAMPLE_LIMIT], start, encoding, false)?;
        return finish_text(Cow::Owned(text), offsets, replaced, bytes.len(), &decision);
    }
    if let Some(cut) = multi_byte_start(body, encoding) {
        let (text, offsets, replaced) = decode_bytewise(&body[..cut], start, encoding, false)?;
        return finish_text(Cow::Owned(text), offsets, replaced, bytes.len(), &decision);
    }
    finish(bytes, &decision, options)
}

/// Input bytes of a multi-byte legacy encoding decoded by [`decode_start`]
/// at least: every character takes at most four, so they hold at least
/// [`detect::SAMPLE_LIMIT`] characters.
const MULTI_BYTE_START: usize = 4 * detect::SAMPLE_LIMIT;

/// How far to look past [`MULTI_BYTE_START`] for a place to cut.
const MULTI_BYTE_CUT_SEARCH: usize = 64 * 1024;

/// The bytes below 0x30 (controls, space, ASCII punctuation up to `/`):
/// none is a trail byte in Shift_JIS, EUC-JP, EUC-KR, Big5 or GBK, and
/// after one the WHATWG decoders of these encodings hold no pending byte
/// (a lead byte before it is an error, and the byte is read again as
/// ASCII).
static CLEAN_AFTER: ByteSet = ByteSet::new(crate::byte_set::values_below(0x30));

/// Where [`decode_start`] may cut a large `body` in a multi-byte legacy
/// encoding: just after the first byte of [`CLEAN_AFTER`] from
/// [`MULTI_BYTE_START`] on, so that the start decodes to exactly the
/// first part of the whole text. `None` for a body too short to cut, for
/// ISO-2022-JP (whose escapes set a state that such bytes do not end),
/// for other encodings, and when no such byte comes soon enough.
fn multi_byte_start(body: &[u8], encoding: &'static Encoding) -> Option<usize> {
    use encoding_rs::{BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS};
    if ![SHIFT_JIS, EUC_JP, EUC_KR, BIG5, GBK, GB18030].contains(&encoding)
        || body.len() <= MULTI_BYTE_START + MULTI_BYTE_CUT_SEARCH
    {
        return None;
    }
    let window = &body[..MULTI_BYTE_START + MULTI_BYTE_CUT_SEARCH];
    let at = CLEAN_AFTER.find(window, MULTI_BYTE_START);
    (at < window.len()).then_some(at + 1)
}

/// [`decode`] for input the caller no longer needs: UTF-8 input (the
/// common case) becomes the text without being copied, which halves the
/// memory a large input takes. The result is the same as [`decode`]'s.
///
/// # Errors
///
/// As [`decode`].
pub fn decode_owned(mut bytes: Vec<u8>, options: &DecodeOptions) -> Result<Decoded<'static>> {
    let decision = decide(&bytes, options)?;
    let start = decision.bom_len;
    if decision.encoding != UTF_8 || !(decision.utf8_checked || is_utf8(&bytes[start..])) {
        return finish(&bytes, &decision, options).map(Decoded::into_owned);
    }
    let size = bytes.len();
    bytes.drain(..start);
    // SAFETY: `is_utf8` has validated exactly these bytes, here or in `decide`.
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    finish_text(
        Cow::Owned(text),
        OffsetMap::Shift { base: start },
        0,
        size,
        &decision,
    )
}

/// Whether `bytes` are valid UTF-8 (simdutf8: the whole of a large input is
/// checked, several times faster than the standard library does it).
fn is_utf8(bytes: &[u8]) -> bool {
    simdutf8::basic::from_utf8(bytes).is_ok()
}

/// The encoding to decode with, and which rule chose it.
struct Decision {
    encoding: &'static Encoding,
    bom_len: usize,
    source: EncodingSource,
    confidence: f64,
    /// The bytes were found to be valid UTF-8 while deciding.
    utf8_checked: bool,
    /// The bytes were found to hold no CR byte while deciding (so the text
    /// decoded from them has no CR either, whatever the encoding).
    cr_free: bool,
    /// The document's own declaration, when detection overruled it.
    overruled: Option<&'static Encoding>,
}

/// A decision with nothing checked or overruled yet.
fn decision(
    encoding: &'static Encoding,
    bom_len: usize,
    source: EncodingSource,
    confidence: f64,
) -> Decision {
    Decision {
        encoding,
        bom_len,
        source,
        confidence,
        utf8_checked: false,
        cr_free: false,
        overruled: None,
    }
}

fn decide(bytes: &[u8], options: &DecodeOptions) -> Result<Decision> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decision(encoding, bom_len, EncodingSource::Bom, 1.0));
    }
    if let Some(encoding) = options.forced {
        if !is_utf16(encoding) {
            refuse_binary(bytes)?;
        }
        return Ok(decision(encoding, 0, EncodingSource::Forced, 1.0));
    }
    // Several rules ask whether the input is UTF-8, and whether it holds
    // NUL bytes; on a large input the answers are one pass over every
    // byte, taken once and only when asked for.
    let scanned = std::cell::OnceCell::new();
    let scan = || *scanned.get_or_init(|| scan::scan(bytes));
    let valid_utf8 = || scan().utf8;
    if let Some((encoding, confidence)) = detect::utf16_without_bom_given(bytes, valid_utf8) {
        return Ok(decision(encoding, 0, EncodingSource::Detected, confidence));
    }
    refuse_binary_given(bytes, scan().nul)?;
    let cr_free = !scan().cr;
    let decided = if let Some(encoding) = options.declared
        && declaration_fits(encoding, valid_utf8)
    {
        Decision {
            utf8_checked: encoding == UTF_8,
            ..decision(encoding, 0, EncodingSource::Declared, 1.0)
        }
    } else {
        let mut detected = detected_encoding(bytes, valid_utf8);
        detected.overruled = options
            .declared
            .filter(|declared| *declared != detected.encoding);
        detected
    };
    Ok(Decision { cr_free, ..decided })
}

/// Rule 4: detection, for input that nothing stronger decided.
fn detected_encoding(bytes: &[u8], valid_utf8: impl FnOnce() -> bool) -> Decision {
    if detect::is_iso_2022_jp(bytes) {
        return decision(encoding_rs::ISO_2022_JP, 0, EncodingSource::Detected, 1.0);
    }
    if valid_utf8() {
        return Decision {
            utf8_checked: true,
            ..decision(UTF_8, 0, EncodingSource::Detected, 1.0)
        };
    }
    let guess = detect::guess_legacy(bytes);
    decision(
        guess.encoding,
        0,
        EncodingSource::Detected,
        guess.confidence,
    )
}

/// A declared encoding is believed unless the bytes contradict it: a page
/// declaring UTF-8 that is not valid UTF-8 is common in real corpora.
fn declaration_fits(encoding: &'static Encoding, valid_utf8: impl FnOnce() -> bool) -> bool {
    if encoding == UTF_8 {
        valid_utf8()
    } else {
        !is_utf16(encoding)
    }
}

fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == UTF_16LE || encoding == UTF_16BE
}

/// Refuses known binary formats and bytes that cannot be text in any
/// ASCII-compatible encoding.
fn refuse_binary(bytes: &[u8]) -> Result<()> {
    refuse_binary_given(bytes, memchr::memchr(0, bytes).is_some())
}

/// [`refuse_binary`] when whether `bytes` hold a NUL is known already.
fn refuse_binary_given(bytes: &[u8], has_nul: bool) -> Result<()> {
    if let Some(kind) = detect::binary_signature(bytes) {
        return Err(Error::Binary(kind.to_string()));
    }
    if has_nul {
        return Err(Error::Binary(
            "it contains NUL bytes and is not UTF-16 (use --encoding UTF-16LE or UTF-16BE if it is)".into(),
        ));
    }
    Ok(())
}

fn finish<'a>(
    bytes: &'a [u8],
    decision: &Decision,
    options: &DecodeOptions,
) -> Result<Decoded<'a>> {
    let (text, offsets, replaced) = if decision.utf8_checked {
        // SAFETY: `decide` validated exactly these bytes (no BOM was found).
        let text = unsafe { std::str::from_utf8_unchecked(&bytes[decision.bom_len..]) };
        let offsets = OffsetMap::Shift {
            base: decision.bom_len,
        };
        (Cow::Borrowed(text), offsets, 0)
    } else {
        decode_as(bytes, decision.bom_len, decision.encoding, options.strict)?
    };
    finish_text(text, offsets, replaced, bytes.len(), decision)
}

fn finish_text<'a>(
    text: Cow<'a, str>,
    offsets: OffsetMap,
    replaced: usize,
    size: usize,
    decision: &Decision,
) -> Result<Decoded<'a>> {
    let encoding = decision.encoding;
    if detect::mostly_control(&text) {
        return Err(Error::Binary(format!(
            "decoded as {} it is mostly control characters",
            encoding.name()
        )));
    }
    // Text from bytes known to hold no CR byte needs no search for one: in
    // every encoding artconv decodes, U+000D is written with a 0x0D byte
    // (one byte, or one of the two of a UTF-16 unit), and no other
    // sequence decodes to it. That spares a pass over the decoded text of
    // a legacy input (100 MB for 57 MB of windows-1256).
    let newline = if decision.cr_free {
        newline_style_without_cr(&text)
    } else {
        newline_style(&text)
    };
    Ok(Decoded {
        report: EncodingReport {
            encoding,
            source: decision.source,
            confidence: decision.confidence,
            bom: decision.bom_len > 0,
            newline,
            bytes: size,
            replaced,
            overruled: decision.overruled,
        },
        text,
        offsets,
        source: None,
    })
}

/// Decodes `bytes[start..]` with `encoding`, building the offset map on the way.
fn decode_as<'a>(
    bytes: &'a [u8],
    start: usize,
    encoding: &'static Encoding,
    strict: bool,
) -> Result<(Cow<'a, str>, OffsetMap, usize)> {
    let body = &bytes[start..];
    if encoding == UTF_8 {
        return decode_utf8(body, start, strict);
    }
    if encoding.is_single_byte() {
        return decode_single_byte(body, start, encoding, strict)
            .map(|(text, offsets, replaced)| (Cow::Owned(text), offsets, replaced));
    }
    if is_utf16(encoding) {
        let (text, replaced) = decode_whole(body, start, encoding, strict)?;
        let offsets = OffsetMap::walk(Unit::Utf16, &text, start, bytes.len());
        return Ok((Cow::Owned(text), offsets, replaced));
    }
    decode_bytewise(body, start, encoding, strict)
        .map(|(text, offsets, replaced)| (Cow::Owned(text), offsets, replaced))
}

fn decode_utf8(
    body: &[u8],
    start: usize,
    strict: bool,
) -> Result<(Cow<'_, str>, OffsetMap, usize)> {
    if let Ok(text) = simdutf8::basic::from_utf8(body) {
        return Ok((Cow::Borrowed(text), OffsetMap::Shift { base: start }, 0));
    }
    let mut text = String::with_capacity(body.len() + 16);
    let mut pieces = PiecesBuilder::new(start);
    let mut original = start;
    let mut replaced = 0;
    for chunk in body.utf8_chunks() {
        text.push_str(chunk.valid());
        original += chunk.valid().len();
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            if strict {
                return Err(Error::Malformed {
                    encoding: UTF_8.name(),
                    offset: original,
                });
            }
            text.push(char::REPLACEMENT_CHARACTER);
            original += invalid.len();
            replaced += 1;
            pieces.advance(text.len(), original);
        }
    }
    Ok((Cow::Owned(text), pieces.finish(), replaced))
}

/// Decodes in one go; for encodings whose offsets [`OffsetMap::walk`] can
/// recompute from the characters alone.
fn decode_whole(
    body: &[u8],
    start: usize,
    encoding: &'static Encoding,
    strict: bool,
) -> Result<(String, usize)> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut text = crate::memory::large_string(capacity);
    let mut read_total = 0;
    let mut replaced = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&body[read_total..], &mut text, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => text.reserve(body.len() - read_total + 16),
            DecoderResult::Malformed(bad, after) => {
                if strict {
                    let offset = start + read_total - usize::from(after) - usize::from(bad);
                    return Err(Error::Malformed {
                        encoding: encoding.name(),
                        offset,
                    });
                }
                text.push(char::REPLACEMENT_CHARACTER);
                replaced += 1;
            }
        }
    }
    Ok((text, replaced))
}

/// Inputs of a single-byte encoding from this size on are decoded in two
/// halves at once (any byte starts a character, so the input can be cut
/// anywhere).
const PARALLEL_DECODE_BYTES: usize = 4 * 1024 * 1024;

/// Input bytes decoded at a time by [`decode_into`]: few enough that the
/// text just written is still in the cache when it is indexed.
const DECODE_STEP: usize = 32 * 1024;

/// Decodes a single-byte encoding in two passes over the input, each done
/// on two halves at once for a large input. The first measures: a byte
/// becomes a character of a width that depends on its value alone, so
/// counting the bytes of each width gives the exact length of the text,
/// and counting the unmapped ones the number replaced. The text is then
/// written straight into a buffer of exactly that size, each half into its
/// own part, and indexed for [`OffsetMap::Walk`] as it is written, from
/// the encoding's [`SingleByteTable`]. Exact room matters beyond memory:
/// room for the worst case (three UTF-8 bytes per windows-1256 byte) is 70
/// MB more than a 57 MB input needs, and a zeroed buffer that large costs
/// page faults for all of it.
fn decode_single_byte(
    body: &[u8],
    start: usize,
    encoding: &'static Encoding,
    strict: bool,
) -> Result<(String, OffsetMap, usize)> {
    let table = SingleByteTable::of(encoding);
    let cut = match body.len() >= PARALLEL_DECODE_BYTES {
        true => body.len() / 2,
        false => body.len(),
    };
    let (first, second) = body.split_at(cut);
    let (first_size, second_size) = both_halves(
        !second.is_empty(),
        || table.measure(first),
        || table.measure(second),
    );
    let replaced = first_size.unmapped + second_size.unmapped;
    if strict && replaced > 0 {
        let at = body.iter().position(|&byte| table.is_unmapped(byte));
        return Err(Error::Malformed {
            encoding: encoding.name(),
            offset: start + at.unwrap_or(0),
        });
    }
    let mut text = crate::memory::large_zeroed_vec(first_size.utf8 + second_size.utf8);
    let (first_text, second_text) = text.split_at_mut(first_size.utf8);
    let mut first_index = WalkBuilder::new(Unit::Byte, 0, start);
    // Room for the whole text's points: the second half's are appended.
    first_index.reserve(first_size.utf8 + second_size.utf8);
    let second_index = WalkBuilder::new(Unit::Byte, first_size.utf8, start + cut);
    let (first_index, second_index) = both_halves(
        !second.is_empty(),
        || decode_into(table, first, first_text, first_index),
        || decode_into(table, second, second_text, second_index),
    );
    let (Some(mut index), Some(second_index)) = (first_index, second_index) else {
        // Never expected (the room was measured with the decoder's own
        // table); the slower general path still gives the right text.
        let (text, replaced) = decode_whole(body, start, encoding, strict)?;
        let offsets = OffsetMap::walk(Unit::Byte, &text, start, start + body.len());
        return Ok((text, offsets, replaced));
    };
    index.append(second_index);
    // SAFETY: `decode_into` checked that each half is valid UTF-8, and
    // both halves end at a character boundary.
    let text = unsafe { String::from_utf8_unchecked(text) };
    Ok((text, index.finish(start + body.len()), replaced))
}

/// Runs the work of the two halves of an input, at once when there is a
/// second half worth a thread.
fn both_halves<A: Send>(
    two: bool,
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> A + Send,
) -> (A, A) {
    match two {
        true => crate::parallel::join(first, second),
        false => (first(), second()),
    }
}

/// What the byte values of a single-byte encoding decode to (encoding_rs
/// maps every byte of those to one character, U+FFFD for an unmapped one):
/// for decoding and measuring here, and for judging candidate readings in
/// `detect`.
pub(super) struct SingleByteTable {
    /// The character of each value from 0x80 on.
    pub(super) high_chars: [char; 128],
    /// The UTF-8 width of each value's character (3 for an unmapped value,
    /// which becomes U+FFFD).
    width: [u8; 256],
    /// Values the encoding leaves unmapped (ISO-8859-6 has many).
    unmapped: [bool; 256],
    /// The UTF-8 of each value's character, in the first `width` bytes.
    utf8: [[u8; 4]; 256],
    /// The values of width 2 or 3, and of width 3: the text of an input
    /// is its length in bytes plus how many of its bytes are in each.
    wider: [ByteSet; 2],
    /// `unmapped` as a set, to count.
    unmapped_set: ByteSet,
    /// Some value is unmapped (counting them can be skipped otherwise).
    any_unmapped: bool,
    /// Every width is 1, 2 or 3, as for any character of the BMP: what
    /// measuring by `wider` relies on.
    widths_in_range: bool,
    /// `utf8` of the values of width 2, for writing 32 bytes at a time.
    pairs: utf8_pairs::PairTables,
}

/// The size of a run of input once decoded: see [`SingleByteTable::measure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DecodedSize {
    /// Bytes of UTF-8.
    utf8: usize,
    /// Unmapped input bytes, each replaced by U+FFFD.
    unmapped: usize,
}

/// Input measured at a time by [`SingleByteTable::measure`]: both of its
/// counts read it from the cache.
const MEASURE_PIECE: usize = 64 * 1024;

impl SingleByteTable {
    /// The table of `encoding`, worked out once per encoding and process:
    /// working it out decodes each of the 256 byte values on its own, which
    /// took more time than decoding a small input whole. Each table is
    /// kept for the life of the process (at most one per single-byte
    /// encoding, 2.5 KB each), so that it can be lent without a copy.
    pub(super) fn of(encoding: &'static Encoding) -> &'static SingleByteTable {
        use std::sync::Mutex;
        type Known = Vec<(&'static Encoding, &'static SingleByteTable)>;
        static KNOWN: Mutex<Known> = Mutex::new(Vec::new());
        let mut known = KNOWN
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, table)) = known.iter().find(|(e, _)| *e == encoding) {
            return table;
        }
        let table: &'static SingleByteTable =
            Box::leak(Box::new(SingleByteTable::work_out(encoding)));
        known.push((encoding, table));
        table
    }

    fn work_out(encoding: &'static Encoding) -> SingleByteTable {
        let mut table = SingleByteTable::empty();
        // Every byte value at once: a single-byte encoding gives one
        // character per byte, U+FFFD for an unmapped one (no WHATWG
        // single-byte encoding maps a byte to U+FFFD itself). One decoder
        // instead of one per byte value: building the tables was a fifth
        // of the instructions of detecting one small legacy file.
        let values: Vec<u8> = (0..=255u8).collect();
        let (text, _) = encoding.decode_without_bom_handling(&values);
        if text.chars().count() == values.len() {
            for (value, c) in text.chars().enumerate() {
                let utf8 = &mut table.utf8[value];
                table.width[value] = c.encode_utf8(utf8).len() as u8;
                table.unmapped[value] = c == '\u{FFFD}';
                if let Some(high) = value.checked_sub(0x80) {
                    table.high_chars[high] = c;
                }
            }
            return table.with_sets();
        }
        // Not one character per byte: not expected of a single-byte
        // encoding, so each value is decoded on its own.
        SingleByteTable::work_out_byte_by_byte(encoding)
    }

    /// [`SingleByteTable::work_out`] one byte value at a time.
    fn work_out_byte_by_byte(encoding: &'static Encoding) -> SingleByteTable {
        let mut table = SingleByteTable::empty();
        for value in 0..=255u8 {
            let byte = [value];
            let (text, unmapped) = encoding.decode_without_bom_handling(&byte);
            table.width[usize::from(value)] = text.len() as u8;
            table.unmapped[usize::from(value)] = unmapped;
            table.utf8[usize::from(value)][..text.len()].copy_from_slice(text.as_bytes());
            if let (Some(high), Some(c)) = (value.checked_sub(0x80), text.chars().next()) {
                table.high_chars[usize::from(high)] = c;
            }
        }
        table.with_sets()
    }

    /// A table to fill in, then to finish with [`SingleByteTable::with_sets`].
    fn empty() -> SingleByteTable {
        let none = ByteSet::new([false; 256]);
        SingleByteTable {
            high_chars: ['\u{FFFD}'; 128],
            width: [0; 256],
            unmapped: [false; 256],
            utf8: [[0; 4]; 256],
            wider: [none.clone(), none.clone()],
            unmapped_set: none,
            any_unmapped: false,
            widths_in_range: false,
            pairs: utf8_pairs::PairTables::new(&[[0; 4]; 256], &[0; 256]),
        }
    }

    /// The table with the sets made from its widths and unmapped values.
    fn with_sets(mut self) -> SingleByteTable {
        let values_where = |test: &dyn Fn(usize) -> bool| ByteSet::new(std::array::from_fn(test));
        self.wider = [
            values_where(&|value| self.width[value] >= 2),
            values_where(&|value| self.width[value] >= 3),
        ];
        self.unmapped_set = values_where(&|value| self.unmapped[value]);

        self.any_unmapped = self.unmapped.contains(&true);
        self.widths_in_range = self.width.iter().all(|width| (1..=3).contains(width));
        self.pairs = utf8_pairs::PairTables::new(&self.utf8, &self.width);
        self
    }

    fn is_unmapped(&self, byte: u8) -> bool {
        self.unmapped[usize::from(byte)]
    }

    /// The size of `input` decoded: its length, plus one for each byte
    /// whose character is two bytes of UTF-8 or more, plus one more for
    /// each of three, counted 32 bytes at a time ([`ByteSet::count`]).
    /// Counting each byte value into tables took twice the time (57 MB of
    /// windows-1256 on two threads: 15.4 against 6.6 ms).
    fn measure(&self, input: &[u8]) -> DecodedSize {
        if !self.widths_in_range {
            return self.measure_bytewise(input);
        }
        let mut size = DecodedSize {
            utf8: input.len(),
            unmapped: 0,
        };
        for piece in input.chunks(MEASURE_PIECE) {
            size.utf8 += self.wider[0].count(piece) + self.wider[1].count(piece);
            if self.any_unmapped {
                size.unmapped += self.unmapped_set.count(piece);
            }
        }
        size
    }

    /// Writes what `input` decodes to into `out` from `at`; the offset
    /// after it, or `None` if `out` is too short. With AVX2, 32 bytes at a
    /// time while their characters are of one or two bytes and the room
    /// left holds a block's stores ([`utf8_pairs`]); the rest, and any
    /// block with a wider character, one byte at a time.
    fn write_decoded(&self, input: &[u8], out: &mut [u8], at: usize) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        {
            // The standard library remembers the answer after the first call.
            if input.len() >= 32 && is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 is present, as just checked.
                return unsafe { self.write_decoded_avx2(input, out, at) };
            }
        }
        self.write_decoded_bytewise(input, out, at)
    }

    /// [`SingleByteTable::write_decoded`] with AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn write_decoded_avx2(&self, input: &[u8], out: &mut [u8], mut at: usize) -> Option<usize> {
        let mut read = 0;
        while input.len() - read >= 32 && out.len().saturating_sub(at) >= utf8_pairs::BLOCK_ROOM {
            // SAFETY: 32 bytes from `read` lie inside `input`, and
            // `BLOCK_ROOM` bytes from `at` inside `out`, as the loop's
            // test keeps them.
            let written = unsafe {
                utf8_pairs::write_block(
                    &self.pairs,
                    input.as_ptr().add(read),
                    out.as_mut_ptr().add(at),
                )
            };
            at = match written {
                Some(written) => at + written,
                None => self.write_decoded_bytewise(&input[read..read + 32], out, at)?,
            };
            read += 32;
        }
        self.write_decoded_bytewise(&input[read..], out, at)
    }

    /// [`SingleByteTable::write_decoded`] a byte at a time. Eight ASCII
    /// bytes are copied at once; any other byte's character is stored as
    /// four bytes (the next character overwrites those past its width),
    /// except where fewer than four are left.
    fn write_decoded_bytewise(&self, input: &[u8], out: &mut [u8], mut at: usize) -> Option<usize> {
        const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
        let mut rest = input;
        while !rest.is_empty() {
            if let Some((eight, after)) = rest.split_first_chunk::<8>()
                && u64::from_ne_bytes(*eight) & HIGH_BITS == 0
            {
                out.get_mut(at..at + 8)?.copy_from_slice(eight);
                at += 8;
                rest = after;
                continue;
            }
            let (some, after) = rest.split_at(rest.len().min(8));
            // Eight characters take at most 32 bytes (a single-byte
            // encoding's characters are in the BMP: three at most): with that
            // much room left, they are written into a window of a known size.
            if let Some(room) = out.get_mut(at..).and_then(|o| o.first_chunk_mut::<32>()) {
                let mut used = 0;
                for &byte in some {
                    room.get_mut(used..used + 4)?
                        .copy_from_slice(&self.utf8[usize::from(byte)]);
                    used += usize::from(self.width[usize::from(byte)]);
                }
                at += used;
                rest = after;
                continue;
            }
            for &byte in some {
                let utf8 = &self.utf8[usize::from(byte)];
                let width = usize::from(self.width[usize::from(byte)]);
                match out.get_mut(at..at + 4) {
                    Some(room) => room.copy_from_slice(utf8),
                    None => out.get_mut(at..at + width)?.copy_from_slice(&utf8[..width]),
                }
                at += width;
            }
            rest = after;
        }
        Some(at)
    }

    /// [`SingleByteTable::measure`] for a short input: each byte's width added.
    fn measure_bytewise(&self, input: &[u8]) -> DecodedSize {
        let mut size = DecodedSize {
            utf8: 0,
            unmapped: 0,
        };
        for &byte in input {
            size.utf8 += usize::from(self.width[usize::from(byte)]);
            size.unmapped += usize::from(self.unmapped[usize::from(byte)]);
        }
        size
    }
}

/// Decodes the single-byte `input` into exactly `out`, indexing the text
/// as it is written. Each byte becomes the UTF-8 that encoding_rs decodes
/// it to on its own (`SingleByteTable::utf8`, U+FFFD for an unmapped one), the
/// same text as encoding_rs's decoder writes for the whole input, in
/// under half its instructions on Arabic, where ASCII spaces break every
/// run of letters and its decoder switches paths at each. `None` if the text does
/// not fill `out` exactly with valid UTF-8, which would be a bug in the
/// measure.
fn decode_into(
    table: &SingleByteTable,
    input: &[u8],
    out: &mut [u8],
    mut index: WalkBuilder,
) -> Option<WalkBuilder> {
    let mut written = 0;
    index.reserve(out.len());
    for step in input.chunks(DECODE_STEP) {
        let step_start = written;
        written = table.write_decoded(step, out, written)?;
        index.extend(&out[step_start..written]);
    }
    (written == out.len() && simdutf8::basic::from_utf8(out).is_ok()).then_some(index)
}

/// Decodes one byte at a time so that the offset of every character is
/// known; for multi-byte legacy encodings (Shift_JIS, GBK, Big5, EUC-*,
/// ISO-2022-JP), whose character widths cannot be recomputed afterwards.
fn decode_bytewise(
    body: &[u8],
    start: usize,
    encoding: &'static Encoding,
    strict: bool,
) -> Result<(String, OffsetMap, usize)> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(body.len() * 3 / 2 + 16);
    let mut pieces = PiecesBuilder::new(start);
    let mut replaced = 0;
    let mut position = 0;
    // One input byte yields at most one character; decoding into a small
    // buffer, not into the string's spare capacity, keeps each step O(1)
    // (encoding_rs touches every page of the spare capacity it is given).
    let mut buffer = [0u8; 16];
    loop {
        let end = (position + 1).min(body.len());
        let last = end == body.len();
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(&body[position..end], &mut buffer, last);
        position += read;
        // SAFETY: encoding_rs's `Decoder` documents that "the output
        // written into `dst` is guaranteed to be valid UTF-8" and "to
        // consist of complete characters" after each call; its own
        // `decode_to_str` rests on the same promise. Checking each
        // character again was a ninth of this loop's instructions.
        text.push_str(unsafe { std::str::from_utf8_unchecked(&buffer[..written]) });
        match result {
            DecoderResult::InputEmpty => {
                pieces.advance(text.len(), start + position);
                if last {
                    break;
                }
            }
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, after) => {
                if strict {
                    let offset = start + position - usize::from(after) - usize::from(bad);
                    return Err(Error::Malformed {
                        encoding: encoding.name(),
                        offset,
                    });
                }
                text.push(char::REPLACEMENT_CHARACTER);
                replaced += 1;
                pieces.advance(text.len(), start + position);
            }
        }
    }
    Ok((text, pieces.finish(), replaced))
}

/// [`newline_style`] of a text known to hold no CR.
fn newline_style_without_cr(text: &str) -> Newline {
    if memchr::memchr(b'\n', text.as_bytes()).is_some() {
        Newline::Lf
    } else {
        Newline::None
    }
}

/// Classifies the line endings of `text`.
pub fn newline_style(text: &str) -> Newline {
    let bytes = text.as_bytes();
    // Most text has no CR at all: one search that finds nothing, instead
    // of a stop at every line break.
    if memchr::memchr(b'\r', bytes).is_none() {
        return newline_style_without_cr(text);
    }
    let (mut lf, mut crlf, mut cr) = (false, false, false);
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[at] == b'\n' {
            if at > 0 && bytes[at - 1] == b'\r' {
                crlf = true;
            } else {
                lf = true;
            }
        } else if bytes.get(at + 1) != Some(&b'\n') {
            cr = true;
        }
        if u8::from(lf) + u8::from(crlf) + u8::from(cr) > 1 {
            return Newline::Mixed;
        }
    }
    match (lf, crlf, cr) {
        (true, _, _) => Newline::Lf,
        (_, true, _) => Newline::Crlf,
        (_, _, true) => Newline::Cr,
        _ => Newline::None,
    }
}

/// Looks up a WHATWG encoding label (`utf-8`, `cp1256`, `latin1`...).
/// Returns `None` for unknown labels and for the `replacement` encoding,
/// which decodes every input to a single U+FFFD and is never what a user means.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
        .filter(|encoding| *encoding != encoding_rs::REPLACEMENT)
}

/// The encodings `--encoding` accepts, by their canonical names, for
/// `--list-encodings`.
pub fn supported_encodings() -> Vec<&'static str> {
    use encoding_rs::*;
    let all = [
        UTF_8,
        UTF_16LE,
        UTF_16BE,
        IBM866,
        ISO_8859_2,
        ISO_8859_3,
        ISO_8859_4,
        ISO_8859_5,
        ISO_8859_6,
        ISO_8859_7,
        ISO_8859_8,
        ISO_8859_8_I,
        ISO_8859_10,
        ISO_8859_13,
        ISO_8859_14,
        ISO_8859_15,
        ISO_8859_16,
        KOI8_R,
        KOI8_U,
        MACINTOSH,
        WINDOWS_874,
        WINDOWS_1250,
        WINDOWS_1251,
        WINDOWS_1252,
        WINDOWS_1253,
        WINDOWS_1254,
        WINDOWS_1255,
        WINDOWS_1256,
        WINDOWS_1257,
        WINDOWS_1258,
        X_MAC_CYRILLIC,
        GBK,
        GB18030,
        BIG5,
        EUC_JP,
        ISO_2022_JP,
        SHIFT_JIS,
        EUC_KR,
        X_USER_DEFINED,
    ];
    all.iter().map(|encoding| encoding.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `decode_start` cuts on: after a byte below 0x30, each of these
    /// decoders starts afresh, whatever came before (lead bytes cut short,
    /// GB18030's four-byte sequences broken at each of their bytes). The
    /// text of the bytes up to such a byte, then of the rest with a new
    /// decoder, is the text of the whole.
    #[test]
    fn multi_byte_decoders_start_afresh_after_a_byte_below_0x30() {
        use encoding_rs::{BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS};
        // Bytes that are leads, trails, GB18030's digits, and the clean
        // bytes themselves, more often than chance would give them.
        let favourites = [
            0x81, 0x8E, 0x8F, 0xA1, 0xC8, 0xE0, 0xFE, 0xFF, 0x30, 0x39, 0x40, 0x7E, 0x80, 0x20,
            0x0A, 0x2F,
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for encoding in [SHIFT_JIS, EUC_JP, EUC_KR, BIG5, GBK, GB18030] {
            for _ in 0..40 {
                let bytes: Vec<u8> = (0..300)
                    .map(|_| {
                        let r = next();
                        match r % 3 {
                            0 => favourites[(r >> 8) as usize % favourites.len()],
                            _ => (r >> 16) as u8,
                        }
                    })
                    .collect();
                let whole = encoding.decode_without_bom_handling(&bytes).0;
                for cut in (1..bytes.len()).filter(|&at| CLEAN_AFTER.contains(bytes[at - 1])) {
                    let (first, rest) = bytes.split_at(cut);
                    let mut again = encoding.decode_without_bom_handling(first).0.into_owned();
                    again.push_str(&encoding.decode_without_bom_handling(rest).0);
                    assert_eq!(
                        again,
                        whole,
                        "{} cut at {cut} of {bytes:x?}",
                        encoding.name()
                    );
                }
            }
        }
    }

    /// The line endings reported are those of the decoded text, whether
    /// the bytes held a CR or not, in encodings of every kind.
    #[test]
    fn newline_style_is_the_decoded_texts() {
        let text = "مرحبا بالعالم\nسطر ثان\n";
        for newline in ["\n", "\r\n", "\r", "", "\r\n\n"] {
            let text = text.replace('\n', newline);
            for encoding in [UTF_8, encoding_rs::WINDOWS_1256, encoding_rs::ISO_8859_6] {
                let bytes = encoding.encode(&text).0.into_owned();
                let decoded = decode(&bytes, &DecodeOptions::default()).unwrap();
                assert_eq!(
                    decoded.report.newline,
                    newline_style(&decoded.text),
                    "{encoding:?} {newline:?}"
                );
            }
            let japanese = text.replace("مرحبا", "日本語のテキスト");
            let bytes = encoding_rs::SHIFT_JIS.encode(&japanese).0.into_owned();
            let decoded = decode(&bytes, &DecodeOptions::default()).unwrap();
            assert_eq!(
                decoded.report.newline,
                newline_style(&decoded.text),
                "Shift_JIS {newline:?}"
            );
        }
    }

    /// The text given to a source comes back whole over it, offsets and
    /// all; over another source, even with the same text, it is refused.
    #[test]
    fn a_held_text_comes_back_only_over_its_own_source() {
        let bytes = encoding_rs::WINDOWS_1256
            .encode("مرحبا بالعالم")
            .0
            .into_owned();
        let decoded = decode(&bytes, &DecodeOptions::default()).unwrap();
        let expected = (decoded.text.to_string(), decoded.original_offset(6));
        let (source, rest) = decoded.into_held();
        let again = rest.over(&source);
        assert_eq!((again.text.to_string(), again.original_offset(6)), expected);
        assert!(again.source().is_some_and(|held| held.is(&source)));
        let (_, rest) = decode(&bytes, &DecodeOptions::default())
            .unwrap()
            .into_held();
        let stranger = TextSource::of_string(expected.0);
        let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            rest.over(&stranger).text.len()
        }));
        assert!(refused.is_err());
    }

    fn decode_default(bytes: &[u8]) -> Decoded<'_> {
        decode(bytes, &DecodeOptions::default()).unwrap()
    }

    #[test]
    fn single_byte_inputs_are_decoded_into_exactly_their_room() {
        // Every byte value, unmapped ones (ISO-8859-6) included, in a small
        // input (one thread) and one past the size decoded in two halves.
        let every: Vec<u8> = (0..=255).collect();
        for body in [every.clone(), every.repeat(PARALLEL_DECODE_BYTES / 256 + 3)] {
            for encoding in [
                encoding_rs::WINDOWS_1256,
                encoding_rs::ISO_8859_6,
                encoding_rs::KOI8_R,
            ] {
                let name = encoding.name();
                let (expected, _) = encoding.decode_without_bom_handling(&body);
                let (text, offsets, replaced) =
                    decode_single_byte(&body, 2, encoding, false).unwrap();
                assert_eq!(text, expected, "{name}");
                assert_eq!(text.capacity(), text.len(), "{name}");
                let unmapped = body
                    .iter()
                    .filter(|&&byte| encoding.decode_without_bom_handling(&[byte]).1)
                    .count();
                assert_eq!(replaced, unmapped, "{name}");
                assert_eq!(replaced > 0, encoding == encoding_rs::ISO_8859_6);
                // One input byte per character, counted from the start.
                let boundaries = text.char_indices().map(|(at, _)| at);
                for (chars, at) in boundaries.enumerate().step_by(997) {
                    assert_eq!(offsets.original(&text, at), 2 + chars, "{name} at {at}");
                }
                assert_eq!(offsets.original(&text, text.len()), 2 + body.len());
            }
        }
    }

    #[test]
    fn every_single_byte_encoding_decodes_as_encoding_rs_decodes() {
        // Runs of ASCII of every length around the eight bytes copied at
        // once, between bytes of every value, at every alignment.
        let mut bytes = Vec::new();
        let mut seed = 11u32;
        for run in 0..40usize {
            bytes.extend(std::iter::repeat_n(b'a' + (run % 26) as u8, run % 19));
            for _ in 0..run % 5 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                bytes.push((seed >> 16) as u8 | 0x80);
            }
        }
        bytes.extend(0..=255u8);
        let single_byte = supported_encodings()
            .into_iter()
            .filter_map(|name| Encoding::for_label(name.as_bytes()))
            .filter(|encoding| encoding.is_single_byte());
        let mut tried = 0;
        for encoding in single_byte {
            tried += 1;
            for start in 0..9 {
                for end in [bytes.len(), bytes.len() - 1, bytes.len() - 3, start + 17] {
                    let input = &bytes[start..end];
                    let (expected, _) = encoding.decode_without_bom_handling(input);
                    let (text, _, _) = decode_single_byte(input, 0, encoding, false).unwrap();
                    assert_eq!(text, expected, "{} {start}..{end}", encoding.name());
                }
            }
        }
        assert!(tried >= 25, "{tried} single-byte encodings");
    }

    #[test]
    fn texts_of_letters_decode_as_encoding_rs_decodes_at_every_alignment() {
        // Words of two-byte letters between spaces, now and then a
        // character of three bytes: the 32-byte blocks of `utf8_pairs`,
        // the blocks it leaves to the byte loop, and the tail where the
        // room left is too short for a block, at every start and end.
        for encoding in [
            encoding_rs::WINDOWS_1256,
            encoding_rs::ISO_8859_6,
            encoding_rs::KOI8_R,
            encoding_rs::WINDOWS_1251,
            encoding_rs::ISO_8859_7,
            encoding_rs::WINDOWS_1252,
        ] {
            let name = encoding.name();
            let table = SingleByteTable::of(encoding);
            let two: Vec<u8> = (0x80..=0xFF)
                .filter(|&b| table.width[b as usize] == 2)
                .collect();
            let three: Vec<u8> = (0x80..=0xFF)
                .filter(|&b| table.width[b as usize] == 3)
                .collect();
            let mut seed = 5u32;
            let mut next = || {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 16) as usize
            };
            let mut text = Vec::new();
            while text.len() < 3000 {
                for _ in 0..1 + next() % 9 {
                    text.push(two[next() % two.len()]);
                }
                text.push(if next() % 40 == 0 && !three.is_empty() {
                    three[next() % three.len()]
                } else {
                    b' '
                });
            }
            for start in 0..33 {
                for end in [text.len(), text.len() - 1, text.len() - 40, start + 70] {
                    let input = &text[start..end];
                    let (expected, _) = encoding.decode_without_bom_handling(input);
                    // Written straight, not through `decode_single_byte`,
                    // whose fallback would hide a wrong write.
                    let mut out = vec![0; table.measure(input).utf8];
                    let written = table.write_decoded(input, &mut out, 0);
                    assert_eq!(written, Some(expected.len()), "{name} {start}..{end}");
                    assert_eq!(out, expected.as_bytes(), "{name} {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn tables_worked_out_at_once_match_decoding_each_byte_value() {
        let single_byte: Vec<&'static Encoding> = supported_encodings()
            .into_iter()
            .filter_map(|name| Encoding::for_label(name.as_bytes()))
            .filter(|encoding| encoding.is_single_byte())
            .collect();
        assert!(single_byte.len() >= 28, "{}", single_byte.len());
        for encoding in single_byte {
            let name = encoding.name();
            let (at_once, each) = (
                SingleByteTable::work_out(encoding),
                SingleByteTable::work_out_byte_by_byte(encoding),
            );
            assert_eq!(at_once.high_chars, each.high_chars, "{name}");
            assert_eq!(at_once.width, each.width, "{name}");
            assert_eq!(at_once.unmapped, each.unmapped, "{name}");
            assert_eq!(at_once.utf8, each.utf8, "{name}");
        }
    }

    #[test]
    fn both_ways_of_measuring_agree_and_tables_are_remembered_per_encoding() {
        // Every byte value in a different order at every length, around
        // the 32 bytes counted at a time and the pieces measured at a time.
        let bytes: Vec<u8> = (0..3 * MEASURE_PIECE)
            .map(|i| (i * 7 + i / 256) as u8)
            .collect();
        for encoding in [
            encoding_rs::WINDOWS_1256,
            encoding_rs::ISO_8859_6,
            encoding_rs::KOI8_R,
        ] {
            let name = encoding.name();
            let table = SingleByteTable::of(encoding);
            assert!(
                std::ptr::eq(table, SingleByteTable::of(encoding)),
                "{name} remembered"
            );
            let fresh = SingleByteTable::work_out(encoding);
            assert_eq!(table.width, fresh.width, "{name}");
            assert_eq!(table.unmapped, fresh.unmapped, "{name}");
            // The characters of the high bytes, as one decoding of all of them gives.
            let high: Vec<u8> = (0x80..=0xFF).collect();
            let (text, _) = encoding.decode_without_bom_handling(&high);
            assert!(text.chars().eq(table.high_chars.iter().copied()), "{name}");
            for len in [
                0,
                1,
                31,
                32,
                33,
                255,
                MEASURE_PIECE - 1,
                MEASURE_PIECE + 33,
                3 * MEASURE_PIECE,
            ] {
                let input = &bytes[..len];
                let (text, unmapped) = encoding.decode_without_bom_handling(input);
                let expected = DecodedSize {
                    utf8: text.len(),
                    unmapped: if unmapped {
                        input
                            .iter()
                            .filter(|&&b| fresh.unmapped[usize::from(b)])
                            .count()
                    } else {
                        0
                    },
                };
                assert_eq!(table.measure(input), expected, "{name} {len}");
                assert_eq!(table.measure_bytewise(input), expected, "{name} {len}");
            }
        }
    }

    #[test]
    fn strict_single_byte_decoding_names_the_first_unmapped_byte() {
        let mut body = "abc ".repeat(PARALLEL_DECODE_BYTES / 3).into_bytes();
        let late = body.len() - 10;
        body[late] = 0xA1; // unmapped in ISO-8859-6
        let error = decode_single_byte(&body, 3, encoding_rs::ISO_8859_6, true).unwrap_err();
        assert!(
            matches!(error, Error::Malformed { offset, .. } if offset == 3 + late),
            "{error:?}"
        );
        let (_, _, replaced) =
            decode_single_byte(&body, 3, encoding_rs::ISO_8859_6, false).unwrap();
        assert_eq!(replaced, 1);
    }

    #[test]
    fn utf8_bom_is_skipped_and_counted_in_offsets() {
        let decoded = decode_default(b"\xEF\xBB\xBFabc");
        assert_eq!(decoded.text, "abc");
        assert_eq!(decoded.report.source, EncodingSource::Bom);
        assert!(decoded.report.bom);
        assert_eq!(decoded.original_offset(0), 3);
        assert_eq!(decoded.original_offset(3), 6);
    }

    #[test]
    fn a_declaration_the_bytes_contradict_is_reported_as_overruled() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("Café, crème brûlée et thé à volonté.");
        let declared = |encoding| DecodeOptions {
            declared: Some(encoding),
            ..Default::default()
        };
        let decoded = decode(&bytes, &declared(UTF_8)).unwrap();
        assert_eq!(decoded.report.source, EncodingSource::Detected);
        assert_eq!(decoded.report.overruled, Some(UTF_8));
        let warning = decoded.report.overruled_warning().unwrap();
        assert!(
            warning.starts_with("page declares UTF-8 but is not valid UTF-8; decoded as ")
                && warning.ends_with(" (detected)"),
            "{warning}"
        );
        // A declaration that is followed, or no declaration: nothing to say.
        let decoded = decode(&bytes, &declared(encoding_rs::WINDOWS_1252)).unwrap();
        assert_eq!(decoded.report.source, EncodingSource::Declared);
        assert_eq!(decoded.report.overruled_warning(), None);
        assert_eq!(decode_default(&bytes).report.overruled, None);
        let decoded = decode("Café".as_bytes(), &declared(UTF_8)).unwrap();
        assert_eq!(decoded.report.overruled, None);
    }

    #[test]
    fn windows_1256_offsets_count_one_byte_per_letter() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode("مرحبا بالعالم");
        let decoded = decode(
            &bytes,
            &DecodeOptions {
                forced: Some(encoding_rs::WINDOWS_1256),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(decoded.text, "مرحبا بالعالم");
        let space = decoded.text.find(' ').unwrap();
        assert_eq!(decoded.original_offset(space), 5);
    }

    #[test]
    fn invalid_utf8_is_replaced_or_refused() {
        let decoded = decode(
            b"caf\xE9 au lait, \xE9t\xE9",
            &DecodeOptions {
                forced: Some(UTF_8),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(decoded.report.replaced, 3);
        let lait = decoded.text.find("lait").unwrap();
        assert_eq!(decoded.original_offset(lait), 8);
        let strict = decode(
            b"caf\xE9 au lait",
            &DecodeOptions {
                forced: Some(UTF_8),
                strict: true,
                ..Default::default()
            },
        );
        assert!(matches!(strict, Err(Error::Malformed { offset: 3, .. })));
    }

    #[test]
    fn shift_jis_offsets_follow_two_byte_characters() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("abc 日本語 def");
        let decoded = decode(
            &bytes,
            &DecodeOptions {
                forced: Some(encoding_rs::SHIFT_JIS),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(decoded.text, "abc 日本語 def");
        let def = decoded.text.find("def").unwrap();
        assert_eq!(decoded.original_offset(def), 11);
        assert_eq!(decoded.original_offset(decoded.text.len()), bytes.len());
    }

    #[test]
    fn binaries_are_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(matches!(
            decode(png, &DecodeOptions::default()),
            Err(Error::Binary(_))
        ));
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
        assert!(matches!(
            decode(elf, &DecodeOptions::default()),
            Err(Error::Binary(_))
        ));
        let nul = b"abc\0def\0\0\0\x01\x02\x03xyz";
        assert!(matches!(
            decode(nul, &DecodeOptions::default()),
            Err(Error::Binary(_))
        ));
    }

    #[test]
    fn newline_styles() {
        assert_eq!(newline_style("a\nb"), Newline::Lf);
        assert_eq!(newline_style("a\r\nb\r\n"), Newline::Crlf);
        assert_eq!(newline_style("a\rb"), Newline::Cr);
        assert_eq!(newline_style("a\r\nb\n"), Newline::Mixed);
        assert_eq!(newline_style("ab"), Newline::None);
    }

    #[test]
    fn labels() {
        assert_eq!(
            encoding_for_label("cp1256"),
            Some(encoding_rs::WINDOWS_1256)
        );
        assert_eq!(
            encoding_for_label("latin1"),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(encoding_for_label("no-such"), None);
        assert_eq!(encoding_for_label("iso-2022-kr"), None);
    }
}
