//! The plain-text reader: finds the structure a person sees in an article
//! that has none written down.
//!
//! The rules are deliberately general, because they meet articles copied out
//! of every kind of web page, in every language:
//!
//! * **Blocks** are runs of non-blank lines. A line holding only white space
//!   (U+00A0, U+3000 and zero-width characters included) is blank.
//! * Inside a block, lines are either **hard-wrapped** prose (similar widths,
//!   mostly not ending a sentence, often continuing in lower case), which is
//!   joined into one paragraph, or **one paragraph per line**, as text pasted
//!   from the web usually is.
//! * **Title**: the first block, when it is a single short line that does not
//!   end with a full stop and more text follows, or a `# ` line. Never
//!   invented. Headlines that end with `?`, `!` or `…` are titles.
//! * **Section headings**: a later single-line block, short compared with the
//!   body's paragraphs, that does not end like a sentence and stands between
//!   two paragraphs (a run of such lines is a list of names or credits, not
//!   headings); also `##`-style lines.
//! * **Quotes**: `>` lines, or a unit wholly inside « », “ ” or " ".
//!   **List items**: lines starting with `-`, `*`, `•`, `1.` or `1)`.

use crate::decode::Decoded;
use crate::error::{Error, Result};
use crate::model::{
    Block, BlockKind, Section, Span, Text, TextCounts, TextSource, count_text, is_cjk,
};

/// The longest line (in characters) that still looks like a title.
const TITLE_MAX_CHARS: usize = 200;
/// The most words a title may have.
const TITLE_MAX_WORDS: u64 = 30;
/// The longest line (in characters) that can be an implicit section heading.
const HEADING_MAX_CHARS: usize = 100;
/// The most words an implicit section heading may have.
const HEADING_MAX_WORDS: u64 = 15;
const _: () = assert!(HEADING_MAX_CHARS <= TITLE_MAX_CHARS);
/// An implicit heading is at most this share of the median paragraph length.
const HEADING_MAX_SHARE: f64 = 0.6;
/// Hard-wrapped prose has lines of at most this many characters.
const WRAP_MAX_WIDTH: usize = 110;

/// What the text reader found: the parts of an article it is responsible for.
#[derive(Debug, Default)]
pub struct TextStructure {
    /// The title and its span, when there is one.
    pub title: Option<(String, Span)>,
    /// The body.
    pub sections: Vec<Section>,
    /// The words and characters of the title, the headings and the
    /// blocks, counted as they were found (for `Article::finish_counted`).
    pub counts: TextCounts,
}

/// Reads the structure of a plain-text article.
///
/// # Errors
///
/// [`Error::Empty`] when the text holds nothing but blank lines.
pub fn read(decoded: &Decoded) -> Result<TextStructure> {
    let text = &*decoded.text;
    let units = units_of(text);
    if units.is_empty() {
        return Err(Error::Empty);
    }
    Ok(assemble(decoded, units))
}

/// A line of the input, as byte offsets into the decoded text, trimmed of
/// white space at both ends; `start == end` for a blank line.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

/// Texts longer than this are split into units, and their units built into
/// blocks and sections, on two threads.
const PARALLEL_UNITS_BYTES: usize = 4 * 1024 * 1024;

/// How far past the middle of a large text a blank line is looked for.
const CUT_SEARCH_BYTES: usize = 4 * 1024 * 1024;

/// The units of a text in order: in one part, or for a large text in the
/// two halves that two threads found. The halves are kept apart: joining
/// them copied the second half's units into the first's vector while the
/// other thread waited (a twentieth of the time of converting 100 MB),
/// and each half is built into blocks, and let go, on a thread of its own.
#[derive(Debug, Clone, Default)]
struct Units {
    /// Empty only when `second` is empty too.
    first: Vec<Unit>,
    /// The units after `first`; empty unless the text was cut in two.
    second: Vec<Unit>,
}

impl Units {
    /// `first` and `second`, the units of a text cut in two.
    fn of_halves(first: Vec<Unit>, second: Vec<Unit>) -> Units {
        match first.is_empty() {
            // The first half was all blank lines.
            true => Units {
                first: second,
                second: Vec::new(),
            },
            false => Units { first, second },
        }
    }

    fn len(&self) -> usize {
        self.first.len() + self.second.len()
    }

    fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    /// The unit at `at` in the whole order.
    fn get(&self, at: usize) -> Option<&Unit> {
        match at.checked_sub(self.first.len()) {
            None => self.first.get(at),
            Some(at) => self.second.get(at),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Unit> {
        self.first.iter().chain(&self.second)
    }
}

/// The units of `text`, in order. Blocks are split into units each on its
/// own, so a large text is cut at a blank line near its middle and the
/// second half split on another thread: the units are the same as one
/// thread finds (a tenth of the time of converting 100 MB is saved).
fn units_of(text: &str) -> Units {
    if text.len() < PARALLEL_UNITS_BYTES {
        return units_in_one(text);
    }
    match blank_line_after(text, text.len() / 2) {
        Some(cut) => units_in_two(text, cut),
        None => units_in_one(text),
    }
}

/// [`units_of`] on the calling thread alone.
fn units_in_one(text: &str) -> Units {
    Units::of_halves(units_in(text, 0..text.len(), text.len()), Vec::new())
}

/// [`units_of`] with the text cut at `cut`, the start of a blank line.
fn units_in_two(text: &str, cut: usize) -> Units {
    let (first, second) = crate::parallel::join(
        || units_in(text, 0..cut, cut),
        || units_in(text, cut..text.len(), text.len() - cut),
    );
    Units::of_halves(first, second)
}

/// The start of the first blank line that begins at or after `from` (and
/// within [`CUT_SEARCH_BYTES`] of it): a place where no block continues
/// across, so the text before and the text after split into the same units
/// as the whole.
fn blank_line_after(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let limit = bytes.len().min(from.saturating_add(CUT_SEARCH_BYTES));
    let breaks = memchr::memchr2_iter(b'\n', b'\r', &bytes[from..limit]).map(|at| from + at);
    for at in breaks {
        // A line starts after LF, or after a CR that does not begin CRLF.
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            continue;
        }
        let start = at + 1;
        let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |n| start + n);
        if start < bytes.len() && text[start..end].chars().all(is_blank_char) {
            return Some(start);
        }
    }
    None
}

/// Calls `each` with the lines of `text[range]` in order, with offsets
/// into the whole of `text`; `range` starts at the start of a line.
fn for_each_line(text: &str, range: std::ops::Range<usize>, mut each: impl FnMut(Line)) {
    let bytes = &text.as_bytes()[..range.end];
    let mut start = range.start;
    let mut iter = memchr::memchr2_iter(b'\n', b'\r', &bytes[range.start..])
        .map(|at| range.start + at)
        .peekable();
    while let Some(at) = iter.next() {
        each(trimmed_line(text, start, at));
        start = at + 1;
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            iter.next();
            start = at + 2;
        }
    }
    if start < bytes.len() {
        each(trimmed_line(text, start, bytes.len()));
    }
}

/// The line `text[start..end]` without the blank characters at its ends.
/// Most lines have none, which the first and the last byte tell.
fn trimmed_line(text: &str, start: usize, end: usize) -> Line {
    let raw = &text[start..end];
    let bytes = raw.as_bytes();
    let leading = match bytes.first() {
        Some(&b) if may_begin_blank(b) => raw.len() - raw.trim_start_matches(is_blank_char).len(),
        _ => 0,
    };
    let rest = &raw[leading..];
    let kept = match rest.as_bytes().last() {
        Some(&b) if may_end_blank(b) => rest.trim_end_matches(is_blank_char).len(),
        _ => rest.len(),
    };
    Line {
        start: start + leading,
        end: start + leading + kept,
    }
}

/// Whether a character whose UTF-8 begins with `b` can be one that
/// [`is_blank_char`] accepts (a test holds this to every character).
fn may_begin_blank(b: u8) -> bool {
    b <= b' ' || matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// Whether a character whose UTF-8 ends with `b` can be one that
/// [`is_blank_char`] accepts (a test holds this to every character).
fn may_end_blank(b: u8) -> bool {
    b <= b' ' || matches!(b, 0x80..=0x8F | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF | 0xBF)
}

/// White space and the invisible characters that make a line look blank.
fn is_blank_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'
                | '\u{200C}'
                | '\u{200D}'
                | '\u{2060}'
                | '\u{FEFF}'
                | '\u{200E}'
                | '\u{200F}'
        )
}

/// How a unit is marked in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Ordinary prose.
    Plain,
    /// A `#` line with its level.
    Hash(u8),
    /// `>` lines.
    Quote,
    /// A list item.
    Item,
}

/// A candidate block: one paragraph, quote, item or heading line.
#[derive(Debug, Clone)]
struct Unit {
    mark: Mark,
    /// The text when it is not `start..end` of the decoded text as it
    /// stands (lines joined, a marker taken off); `None` for the common
    /// paragraph on one line, which the block then shares with the input
    /// instead of copying.
    made: Option<Box<str>>,
    /// Decoded byte range, from the first non-blank character to the last.
    start: usize,
    end: usize,
    /// The unit is a block of its own: one line between blank lines. Only
    /// such lines can be a title or an implicit heading.
    alone: bool,
    /// What the title and heading rules ask of `text`.
    shape: Shape,
}

/// What the title and heading rules ask of a unit's text, answered once
/// when the unit is made, while its text is fresh in cache: the rules then
/// read the units alone, not a few hundred thousand strings scattered over
/// the heap (that took an eighth of the time of converting 100 MB). The
/// article's word and character counts are the sums of its units'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// Characters.
    chars: usize,
    /// Words, as the article's statistics count them.
    words: u64,
    ends_sentence: bool,
    ends_statement: bool,
    ends_open: bool,
    has_letter: bool,
    starts_lowercase: bool,
    /// Wholly inside quotation marks ([`quote_kind`]).
    quoted: bool,
}

impl Shape {
    fn of(text: &str) -> Shape {
        let counts = count_text(text);
        Shape {
            chars: counts.characters as usize,
            words: counts.words,
            ends_sentence: ends_sentence(text),
            ends_statement: ends_statement(text),
            ends_open: ends_open(text),
            has_letter: text.chars().any(crate::lang::is_letter),
            starts_lowercase: text.chars().next().is_some_and(char::is_lowercase),
            quoted: quote_kind(text).is_some(),
        }
    }
}

impl Unit {
    /// A unit whose text is `made` from the lines at `start..end`.
    fn new(mark: Mark, made: String, start: usize, end: usize) -> Unit {
        let shape = Shape::of(&made);
        Unit {
            mark,
            made: Some(made.into_boxed_str()),
            start,
            end,
            alone: false,
            shape,
        }
    }

    /// A unit whose text is `text[start..end]` as it stands.
    fn stretch(mark: Mark, text: &str, start: usize, end: usize) -> Unit {
        Unit {
            mark,
            made: None,
            start,
            end,
            alone: false,
            shape: Shape::of(&text[start..end]),
        }
    }

    /// The unit's text; `text` is the decoded text it was found in.
    #[cfg(test)]
    fn text<'a>(&'a self, text: &'a str) -> &'a str {
        self.made.as_deref().unwrap_or(&text[self.start..self.end])
    }

    /// The unit's text as a block's, taken out of the unit: shared with
    /// `source` (`decoded`'s source, or a relay of it) when it is a
    /// stretch of the text and the source is held, a copy otherwise.
    fn take_text(&mut self, decoded: &Decoded, source: Option<&TextSource>) -> Text {
        match self.made.take() {
            Some(made) => Text::from(made.into_string()),
            // `Unit::stretch` sliced the text at `start..end` already.
            None => match source {
                Some(source) => Text::shared_whole(source, self.start..self.end),
                None => Text::from(&decoded.text[self.start..self.end]),
            },
        }
    }

    /// The unit's text as a string of its own (a title, a heading), taken
    /// out of the unit.
    fn take_string(&mut self, decoded: &Decoded) -> String {
        match self.made.take() {
            Some(made) => made.into_string(),
            None => decoded.text[self.start..self.end].to_owned(),
        }
    }

    fn chars(&self) -> usize {
        self.shape.chars
    }

    /// The words and characters of the unit's text.
    fn counts(&self) -> TextCounts {
        TextCounts {
            words: self.shape.words,
            characters: self.shape.chars as u64,
        }
    }
}

/// The units of `text[range]` (which starts at the start of a line),
/// block by block: the lines of one block are gathered, split into units,
/// and let go before the next block, so that no list of all the lines is
/// ever held (it was a fifth of the memory of reading a large text). The
/// vector starts with room for the units of `room_for` bytes of prose.
fn units_in(text: &str, range: std::ops::Range<usize>, room_for: usize) -> Vec<Unit> {
    // Prose averages a few hundred bytes a unit.
    let mut units = crate::memory::large_vec_of(room_for / 256 + 1);
    let mut block = Vec::new();
    for_each_line(text, range, |line| {
        if line.start == line.end {
            end_block(text, &mut block, &mut units);
        } else {
            block.push(line);
        }
    });
    end_block(text, &mut block, &mut units);
    units
}

/// Splits the block gathered in `block` (if any) into `units`, and
/// empties it. A block that is one line and one unit is `alone`.
fn end_block(text: &str, block: &mut Vec<Line>, units: &mut Vec<Unit>) {
    if block.is_empty() {
        return;
    }
    let first_unit = units.len();
    split_block(text, block, units);
    if units.len() == first_unit + 1 && block.len() == 1 {
        units[first_unit].alone = true;
    }
    block.clear();
}

/// Splits one block (a run of non-blank lines) into units.
fn split_block(text: &str, block: &[Line], units: &mut Vec<Unit>) {
    let line_text = |line: &Line| &text[line.start..line.end];
    let mut i = 0;
    while i < block.len() {
        let line = &block[i];
        let content = line_text(line);
        if let Some((level, heading)) = hash_heading(content) {
            units.push(Unit::new(
                Mark::Hash(level),
                heading.to_string(),
                line.start,
                line.end,
            ));
            i += 1;
        } else if content.starts_with('>') {
            let run = block[i..]
                .iter()
                .take_while(|l| line_text(l).starts_with('>'))
                .count();
            let parts: Vec<&str> = block[i..i + run]
                .iter()
                .map(|l| strip_quote_marker(line_text(l)))
                .collect();
            units.push(Unit::new(
                Mark::Quote,
                join_lines(&parts),
                line.start,
                block[i + run - 1].end,
            ));
            i += run;
        } else if let Some(item) = list_item_text(content) {
            // Continuation lines of an item are indented in the source.
            let mut parts = vec![item];
            let mut j = i + 1;
            while j < block.len()
                && is_indented(text, &block[j])
                && list_item_text(line_text(&block[j])).is_none()
            {
                parts.push(line_text(&block[j]));
                j += 1;
            }
            units.push(Unit::new(
                Mark::Item,
                join_lines(&parts),
                line.start,
                block[j - 1].end,
            ));
            i = j;
        } else {
            let run = block[i..]
                .iter()
                .take_while(|l| {
                    let t = line_text(l);
                    hash_heading(t).is_none() && !t.starts_with('>') && list_item_text(t).is_none()
                })
                .count();
            split_prose(text, &block[i..i + run], units);
            i += run;
        }
    }
}

/// Prose lines: one wrapped paragraph, or one paragraph per line.
fn split_prose(text: &str, lines: &[Line], units: &mut Vec<Unit>) {
    // A single line (most blocks) needs no list of its parts.
    if lines.len() > 1 {
        let parts: Vec<&str> = lines.iter().map(|l| &text[l.start..l.end]).collect();
        if looks_wrapped(&parts) {
            units.push(Unit::new(
                Mark::Plain,
                join_lines(&parts),
                lines[0].start,
                lines[lines.len() - 1].end,
            ));
            return;
        }
    }
    for line in lines {
        units.push(Unit::stretch(Mark::Plain, text, line.start, line.end));
    }
}

/// Hard-wrapped prose: lines of similar, moderate width that mostly break
/// in the middle of a sentence, or that continue in lower case.
fn looks_wrapped(parts: &[&str]) -> bool {
    let widths: Vec<usize> = parts.iter().map(|p| p.chars().count()).collect();
    let max = widths.iter().copied().max().unwrap_or(0);
    let inner = &parts[..parts.len() - 1];
    let n = inner.len() as f64;
    let lowercase_next = parts[1..]
        .iter()
        .filter(|p| p.chars().next().is_some_and(char::is_lowercase))
        .count() as f64;
    if lowercase_next >= 0.5 * n && max <= 2 * WRAP_MAX_WIDTH {
        return true;
    }
    if max > WRAP_MAX_WIDTH {
        return false;
    }
    let full = widths[..inner.len()]
        .iter()
        .filter(|&&w| w as f64 >= 0.55 * max as f64)
        .count() as f64;
    let sentence_ends = inner.iter().filter(|p| ends_sentence(p)).count() as f64;
    full >= 0.7 * n && sentence_ends <= 0.5 * n
}

/// Joins source lines of one unit: with a space, or with nothing between
/// two CJK characters (those scripts do not put spaces between words).
fn join_lines(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts
        .iter()
        .map(|p| p.trim_matches(is_blank_char))
        .filter(|p| !p.is_empty())
    {
        if let (Some(before), Some(after)) = (out.chars().next_back(), part.chars().next())
            && !(is_cjk(before) && is_cjk(after))
        {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

fn is_indented(text: &str, line: &Line) -> bool {
    let line_start = text[..line.start].rfind(['\n', '\r']).map_or(0, |p| p + 1);
    line.start > line_start
}

/// `# Heading` (one to six `#`, then a space) gives its level and text,
/// without a closing `#` sequence.
fn hash_heading(line: &str) -> Option<(u8, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let heading = rest.trim_matches(is_blank_char);
    let heading = match heading.trim_end_matches('#') {
        stripped if stripped.ends_with([' ', '\t']) => stripped.trim_end(),
        stripped if stripped.is_empty() => stripped,
        _ => heading,
    };
    (!heading.is_empty()).then_some((level as u8, heading))
}

fn strip_quote_marker(line: &str) -> &str {
    let rest = &line[1..];
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// The text of a list item line (`- x`, `* x`, `• x`, `1. x`, `1) x`), or `None`.
fn list_item_text(line: &str) -> Option<&str> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    let after_marker = if matches!(first, '-' | '*' | '+' | '•' | '◦' | '▪' | '‣' | '–') {
        first.len_utf8()
    } else if first.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&first) {
        let digits = line
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(c));
        let (last, c) = digits.last()?;
        let end = last + c.len_utf8();
        // Lists rarely pass 999 items; `2024. was a year` is a sentence.
        if end > 3 {
            return None;
        }
        let punct = line[end..].chars().next()?;
        if !matches!(punct, '.' | ')') {
            return None;
        }
        end + 1
    } else {
        return None;
    };
    let rest = &line[after_marker..];
    if !rest.starts_with([' ', '\t', '\u{A0}']) {
        return None;
    }
    let item = rest.trim_matches(is_blank_char);
    (!item.is_empty()).then_some(item)
}

/// `text` without the closing quotes, brackets and white space that may
/// follow a sentence's final punctuation (`He left."`).
fn without_closers(text: &str) -> &str {
    text.trim_end_matches(|c: char| {
        matches!(
            c,
            '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '』' | '」' | '）'
        ) || is_blank_char(c)
    })
}

/// Whether a line ends the way sentences end, ignoring closing quotes and
/// brackets after the punctuation (`He left."`).
fn ends_sentence(text: &str) -> bool {
    let trimmed = without_closers(text);
    trimmed.ends_with(['.', '!', '?', '؟', '۔', '。', '…', '！', '？', '｡', '؛'])
}

/// Whether a line ends like a statement (a full stop). Headlines may end
/// with a question or exclamation mark or an ellipsis (`Time to act?`), so
/// the title rule only rejects full stops.
fn ends_statement(text: &str) -> bool {
    let trimmed = without_closers(text);
    trimmed.ends_with(['.', '۔', '。', '｡']) && !trimmed.ends_with("...")
}

/// Whether a line ends the way an unfinished sentence or an introduction does.
fn ends_open(text: &str) -> bool {
    text.trim_end()
        .ends_with([':', ',', ';', '،', '-', '–', '—', '：', '，', '、'])
}

/// The body-text unit kinds after classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Heading(u8),
    Block(BlockKind),
}

fn assemble(decoded: &Decoded, mut units: Units) -> TextStructure {
    let mut structure = TextStructure::default();
    let first_is = |mark| units.first.first().is_some_and(|unit| unit.mark == mark);
    let explicit_title = units.len() > 1
        && first_is(Mark::Hash(1))
        && units.iter().filter(|u| u.mark == Mark::Hash(1)).count() == 1;
    let titled = explicit_title || (units.len() > 1 && looks_like_title(&units.first[0]));
    // The title is taken out of the first unit, not the vector: removing
    // the first of a few hundred thousand units would move all the others.
    let skip = usize::from(titled);
    if titled {
        let title = &mut units.first[0];
        let title_span = span_of(decoded, title.start, title.end);
        structure.counts = title.counts();
        structure.title = Some((title.take_string(decoded), title_span));
    }
    let roles = classify(&units, skip);
    let headings = roles
        .iter()
        .filter(|role| matches!(role, Role::Heading(_)))
        .count();
    let (sections, counts) = build_body(decoded, units, skip, &roles, headings);
    structure.sections = sections;
    structure.counts += counts;
    structure
}

/// The sections of the body, the `units` after the first `skip`, whose
/// `roles` hold `headings` headings, and the counts of their texts. A
/// text cut in two is built in its two halves at once, each half's units
/// let go on the thread that built it. The blocks the second half holds
/// before its first heading belong to the first half's last section,
/// which was made with room for them.
fn build_body(
    decoded: &Decoded,
    units: Units,
    skip: usize,
    roles: &[Role],
    headings: usize,
) -> (Vec<Section>, TextCounts) {
    let Units {
        mut first,
        mut second,
    } = units;
    let cut = first.len() - skip;
    if second.is_empty() || cut == 0 {
        let body = if second.is_empty() {
            &mut first[skip..]
        } else {
            &mut second[..]
        };
        let built = build_part(decoded, body, roles, 0, headings + 1);
        return (built.sections, built.counts);
    }
    let (mut built, rest) = crate::parallel::join(
        || {
            let built = build_part(decoded, &mut first[skip..], roles, 0, headings + 1);
            drop(first);
            built
        },
        || {
            let built = build_part(decoded, &mut second, roles, cut, 0);
            drop(second);
            built
        },
    );
    if let Some(last) = built.sections.last_mut() {
        last.blocks.extend(rest.leading);
    }
    built.sections.extend(rest.sections);
    built.counts += rest.counts;
    (built.sections, built.counts)
}

/// The span in the input of the decoded range `start..end`.
fn span_of(decoded: &Decoded, start: usize, end: usize) -> Span {
    Span {
        start: decoded.original_offset(start) as u64,
        end: decoded.original_offset(end) as u64,
    }
}

/// What [`build_part`] makes of its units.
struct Built {
    /// The blocks before the first heading of a part that does not start
    /// the body.
    leading: Vec<Block>,
    sections: Vec<Section>,
    /// The words and characters of the part's texts.
    counts: TextCounts,
}

/// Builds the blocks and sections of `units`, the body's units from index
/// `first` on, whose roles are `roles[first..]`, with room for `room`
/// sections. At the start of the body (`first == 0`) the blocks before
/// the first heading open a section without one; elsewhere they come back
/// on their own, for the section the part before left open. Every vector
/// is made at its final size: a large text has a few hundred thousand
/// blocks, and vectors grown by doubling copied them over and over into
/// fresh memory.
fn build_part(
    decoded: &Decoded,
    units: &mut [Unit],
    roles: &[Role],
    first: usize,
    room: usize,
) -> Built {
    let blocks_from = |at: usize| {
        roles[at..]
            .iter()
            .take_while(|role| matches!(role, Role::Block(_)))
            .count()
    };
    let keep = |section: &Section| section.heading.is_some() || !section.blocks.is_empty();
    let mut leading = Vec::new();
    let mut sections = crate::memory::large_vec_of(room);
    let mut counts = TextCounts::default();
    // Each of the two threads clones its own count, once per block.
    let source = decoded.source().map(TextSource::relay);
    let mut current = (first == 0).then(|| Section {
        heading: None,
        level: None,
        heading_span: None,
        blocks: Vec::with_capacity(blocks_from(0)),
    });
    if first > 0 {
        leading.reserve_exact(blocks_from(first));
    }
    for (at, (unit, &role)) in (first..).zip(units.iter_mut().zip(&roles[first..])) {
        counts += unit.counts();
        match role {
            Role::Heading(level) => {
                sections.extend(current.take().filter(keep));
                current = Some(Section {
                    heading_span: Some(span_of(decoded, unit.start, unit.end)),
                    heading: Some(unit.take_text(decoded, source.as_ref())),
                    level: Some(level),
                    blocks: Vec::with_capacity(blocks_from(at + 1)),
                });
            }
            Role::Block(kind) => {
                let block = Block {
                    kind,
                    span: span_of(decoded, unit.start, unit.end),
                    text: unit.take_text(decoded, source.as_ref()),
                };
                match &mut current {
                    Some(section) => section.blocks.push(block),
                    None => leading.push(block),
                }
            }
        }
    }
    sections.extend(current.filter(keep));
    Built {
        leading,
        sections,
        counts,
    }
}

fn looks_like_title(unit: &Unit) -> bool {
    let shape = &unit.shape;
    unit.mark == Mark::Plain
        && unit.alone
        && shape.chars <= TITLE_MAX_CHARS
        && shape.words <= TITLE_MAX_WORDS
        && !shape.ends_statement
        && !shape.ends_open
        && shape.has_letter
        && !shape.quoted
}

/// The roles of the body's units: the `units` after the first `skip`.
/// The two halves of a text cut in two are judged on two threads.
fn classify(units: &Units, skip: usize) -> Vec<Role> {
    let len = units.len() - skip;
    let (first, second) = (&units.first[skip..], &units.second[..]);
    let both = !first.is_empty() && !second.is_empty();
    let lengths = match both {
        true => {
            let (mut lengths, rest) =
                crate::parallel::join(|| Lengths::of(first), || Lengths::of(second));
            lengths.add(&rest);
            lengths
        }
        false if second.is_empty() => Lengths::of(first),
        false => Lengths::of(second),
    };
    let limit = lengths.heading_limit();
    // Body unit `i` is a heading candidate: never the first or the last.
    let candidate = |i: usize| {
        i > 0
            && i + 1 < len
            && units
                .get(skip + i)
                .is_some_and(|unit| looks_like_heading(unit, limit))
    };
    let role = |i: usize, unit: &Unit| match unit.mark {
        Mark::Hash(level) => Role::Heading(level),
        Mark::Quote => Role::Block(BlockKind::Quote),
        Mark::Item => Role::Block(BlockKind::ListItem),
        Mark::Plain => {
            let neighbour_candidate = candidate(i + 1) || (i > 0 && candidate(i - 1));
            let lonely = !neighbour_candidate
                && !matches!(units.get(skip + i + 1).map(|u| u.mark), Some(Mark::Hash(_)));
            if candidate(i) && lonely {
                Role::Heading(2)
            } else if unit.shape.quoted {
                Role::Block(BlockKind::Quote)
            } else {
                Role::Block(BlockKind::Paragraph)
            }
        }
    };
    let roles_of = |part: &[Unit], from: usize| -> Vec<Role> {
        (from..).zip(part).map(|(i, unit)| role(i, unit)).collect()
    };
    let (mut roles, rest) = match both {
        true => crate::parallel::join(|| roles_of(first, 0), || roles_of(second, first.len())),
        false => (roles_of(first, 0), roles_of(second, first.len())),
    };
    roles.extend(rest);
    roles
}

/// Lengths (in characters) from this one up count as this one: the
/// heading limit is the same for every median length from here on.
const LENGTH_CAP: usize = (HEADING_MAX_CHARS as f64 / HEADING_MAX_SHARE) as usize + 1;
const _: () = assert!((LENGTH_CAP as f64 * HEADING_MAX_SHARE) as usize >= HEADING_MAX_CHARS);

/// How many of the body's plain units have each length, up to
/// [`LENGTH_CAP`]: enough to find their median length wherever it changes
/// the heading limit, with no list of a few hundred thousand lengths to
/// gather and partly sort (3 ms of a 100 MB text), and counted for two
/// halves of a text at once.
struct Lengths {
    /// The plain units that end like sentences: the paragraphs.
    sentences: [u64; LENGTH_CAP + 1],
    /// Every plain unit, for a body with no such paragraph.
    plain: [u64; LENGTH_CAP + 1],
    /// The sums of `sentences` and of `plain`.
    sentence_units: u64,
    plain_units: u64,
}

impl Lengths {
    fn of(units: &[Unit]) -> Lengths {
        let mut lengths = Lengths {
            sentences: [0; LENGTH_CAP + 1],
            plain: [0; LENGTH_CAP + 1],
            sentence_units: 0,
            plain_units: 0,
        };
        for unit in units.iter().filter(|u| u.mark == Mark::Plain) {
            let length = unit.chars().min(LENGTH_CAP);
            lengths.plain[length] += 1;
            if unit.shape.ends_sentence {
                lengths.sentences[length] += 1;
            }
        }
        lengths.plain_units = lengths.plain.iter().sum();
        lengths.sentence_units = lengths.sentences.iter().sum();
        lengths
    }

    fn add(&mut self, other: &Lengths) {
        for (mine, theirs) in [
            (&mut self.sentences, &other.sentences),
            (&mut self.plain, &other.plain),
        ] {
            for (count, more) in mine.iter_mut().zip(theirs) {
                *count += more;
            }
        }
        self.sentence_units += other.sentence_units;
        self.plain_units += other.plain_units;
    }

    /// "Short compared with the body's paragraphs": a share of the median
    /// length of the plain units that end like sentences (of all plain
    /// units if none do), at most [`HEADING_MAX_CHARS`].
    fn heading_limit(&self) -> usize {
        let (counts, units) = match self.sentence_units {
            0 => (&self.plain, self.plain_units),
            units => (&self.sentences, units),
        };
        if units < 2 {
            return HEADING_MAX_CHARS.min(60);
        }
        // The length at the middle of the sorted lengths (index units / 2).
        let mut seen = 0;
        let median = counts
            .iter()
            .position(|count| {
                seen += count;
                seen > units / 2
            })
            .unwrap_or(LENGTH_CAP);
        HEADING_MAX_CHARS.min((median as f64 * HEADING_MAX_SHARE) as usize)
    }
}

fn looks_like_heading(unit: &Unit, limit: usize) -> bool {
    let shape = &unit.shape;
    unit.mark == Mark::Plain
        && unit.alone
        && shape.chars <= limit
        && shape.words <= HEADING_MAX_WORDS
        && !shape.ends_sentence
        && !shape.ends_open
        && shape.has_letter
        && !shape.starts_lowercase
        && !shape.quoted
}

/// A unit wholly inside one pair of quotation marks: `«…»`, `“…”`, `„…“`,
/// `"…"`, with no closing mark before the end.
fn quote_kind(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let open = chars.next()?;
    let close = match open {
        '«' => '»',
        '“' => '”',
        '„' => '“',
        '"' => '"',
        _ => return None,
    };
    let inner = text[open.len_utf8()..].trim_end_matches(['.', ',', '!', '?', '؟']);
    let inner = inner.strip_suffix(close)?;
    (inner.chars().count() >= 2 && !inner.contains(close)).then_some(close)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodeOptions, decode};

    #[test]
    fn the_byte_tests_let_every_blank_character_through() {
        let mut buf = [0u8; 4];
        let blank = (0..=0x10_FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| is_blank_char(c));
        for c in blank {
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert!(may_begin_blank(bytes[0]), "{c:?}");
            assert!(may_end_blank(bytes[bytes.len() - 1]), "{c:?}");
        }
    }

    #[test]
    fn lines_lose_blank_characters_at_both_ends_only() {
        let text = "\u{A0}\u{200F} a\u{A0}b \u{3000}\u{FEFF}\nسلام\n\u{2029}\n x";
        let mut lines: Vec<&str> = Vec::new();
        for_each_line(text, 0..text.len(), |l| lines.push(&text[l.start..l.end]));
        assert_eq!(lines, ["a\u{A0}b", "سلام", "", "x"]);
    }

    fn structure(text: &str) -> TextStructure {
        read(&decode(text.as_bytes(), &DecodeOptions::default()).unwrap()).unwrap()
    }

    type Outline = Vec<(Option<String>, Vec<(BlockKind, String)>)>;

    fn outline(s: &TextStructure) -> Outline {
        s.sections
            .iter()
            .map(|sec| {
                (
                    sec.heading.as_deref().map(str::to_owned),
                    sec.blocks
                        .iter()
                        .map(|b| (b.kind, b.text.to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    /// Every place [`blank_line_after`] may cut gives the units one pass
    /// over the whole text gives, whatever the line breaks.
    #[test]
    fn units_are_the_same_whatever_the_cut() {
        let article = "Title here\n\nFirst paragraph ends here.\n\u{a0}\n\
            - item one\n  continued\n- item two\n\n> quoted\n> still\n\n\
            Wrapped prose line that goes on and on and on\nand continues here in lower case\n\
            \n## Heading\n\nShort heading\n\nAnother paragraph, longer than the heading.\n \n\n";
        for newline in ["\n", "\r\n", "\r"] {
            let text = article.replace('\n', newline);
            let key = |units: &Units| -> Vec<(String, usize, usize, bool, Shape)> {
                units
                    .iter()
                    .map(|u| (u.text(&text).to_string(), u.start, u.end, u.alone, u.shape))
                    .collect()
            };
            let whole = key(&units_in_one(&text));
            let mut cuts = 0;
            for from in 0..text.len() {
                if let Some(cut) = blank_line_after(&text, from) {
                    assert_eq!(
                        key(&units_in_two(&text, cut)),
                        whole,
                        "cut at {cut} of {text:?}"
                    );
                    cuts += 1;
                }
            }
            assert!(cuts > 0);
        }
    }

    /// Wherever a body is cut, the two halves build the sections one pass
    /// builds: headings on either side of the cut, at it, at the ends,
    /// with no block under them, and no heading at all.
    #[test]
    fn sections_are_the_same_whatever_the_cut() {
        let paragraph = "A paragraph long enough to be one, which ends like a sentence.";
        let texts = [
            format!(
                "Title line\n\n{paragraph}\n\nShort heading\n\n{paragraph}\n\n{paragraph}\n\n## Marked\n\n## Empty\n\n- item\n- item two\n\n> quoted\n\n{paragraph}\n\n## Last"
            ),
            format!(
                "{paragraph}\n\n{paragraph}\n\n{paragraph}\n\nAlso wrapped prose that goes on and on and on\nand continues here in lower case"
            ),
            format!("## First\n\n{paragraph}\n\n## Second\n\n## Third\n\n{paragraph}"),
        ];
        for text in texts {
            let decoded = decode(text.as_bytes(), &DecodeOptions::default()).unwrap();
            let units = units_of(&decoded.text);
            assert!(units.second.is_empty());
            let headings_of = |roles: &[Role]| {
                roles
                    .iter()
                    .filter(|r| matches!(r, Role::Heading(_)))
                    .count()
            };
            for skip in [0, 1] {
                let roles = classify(&units, skip);
                let headings = headings_of(&roles);
                let whole = build_body(&decoded, units.clone(), skip, &roles, headings);
                assert!(!whole.0.is_empty());
                let mut counted = TextCounts::default();
                for section in &whole.0 {
                    for text in section
                        .heading
                        .iter()
                        .chain(section.blocks.iter().map(|b| &b.text))
                    {
                        counted += count_text(text);
                    }
                }
                assert_eq!(whole.1, counted);
                for cut in 0..=units.len() {
                    let (first, second) = units.first.split_at(cut);
                    let halves = Units::of_halves(first.to_vec(), second.to_vec());
                    // The halves are classified as the whole is.
                    assert_eq!(classify(&halves, skip.min(halves.first.len())), roles);
                    let cut_up = build_body(&decoded, halves, skip, &roles, headings);
                    assert_eq!(cut_up, whole, "cut at {cut} of {text:?}");
                }
            }
        }
    }

    /// The heading limit from the counted lengths is the one from the
    /// median of the sorted lengths, with lengths below, at and far past
    /// the cap.
    #[test]
    fn the_heading_limit_is_a_share_of_the_median_length() {
        let reference = |units: &[Unit]| {
            let plain = || units.iter().filter(|u| u.mark == Mark::Plain);
            let mut lengths: Vec<usize> = plain()
                .filter(|u| u.shape.ends_sentence)
                .map(Unit::chars)
                .collect();
            if lengths.is_empty() {
                lengths = plain().map(Unit::chars).collect();
            }
            lengths.sort_unstable();
            match lengths.len() {
                0 | 1 => HEADING_MAX_CHARS.min(60),
                n => HEADING_MAX_CHARS.min((lengths[n / 2] as f64 * HEADING_MAX_SHARE) as usize),
            }
        };
        let mut state = 12345u64;
        let mut next = |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % below
        };
        let mut limits = std::collections::BTreeSet::new();
        for round in 0..300 {
            let mut text = String::new();
            for _ in 0..next(12) {
                let chars = 1 + next([20, 170, 400][round % 3]) as usize;
                match next(3) {
                    // A sentence, a line that ends like none, an item.
                    0 => text.push_str(&format!("{}.\n\n", "x".repeat(chars))),
                    1 => text.push_str(&format!("{}\n\n", "y".repeat(chars))),
                    _ => text.push_str(&format!("- {}\n\n", "z".repeat(chars))),
                }
            }
            let units = units_in_one(&text);
            let limit = Lengths::of(&units.first).heading_limit();
            assert_eq!(limit, reference(&units.first), "{text:?}");
            limits.insert(limit);
        }
        assert!(limits.len() > 20 && limits.contains(&HEADING_MAX_CHARS) && limits.contains(&60));
    }

    const P1: &str = "The government announced on Tuesday a plan to rebuild the harbour, which was damaged by the storm last winter.";
    const P2: &str = "Officials said the work would take three years and cost more than the original estimate, because prices rose.";
    const P3: &str = "Residents welcomed the news but asked for a say in how the new waterfront would look once the work is done.";

    #[test]
    fn english_title_and_heading() {
        let text = format!("Harbour to be rebuilt\n\n{P1}\n\n{P2}\n\nWhat comes next\n\n{P3}\n");
        let s = structure(&text);
        assert_eq!(
            s.title.as_ref().map(|t| t.0.as_str()),
            Some("Harbour to be rebuilt")
        );
        let outline = outline(&s);
        assert_eq!(outline.len(), 2);
        assert_eq!(outline[0].0, None);
        assert_eq!(outline[0].1.len(), 2);
        assert_eq!(outline[1].0.as_deref(), Some("What comes next"));
        assert_eq!(outline[1].1, vec![(BlockKind::Paragraph, P3.to_string())]);
    }

    #[test]
    fn no_title_when_first_block_is_a_sentence() {
        let s = structure(&format!("{P1}\n\n{P2}\n"));
        assert!(s.title.is_none());
        assert_eq!(outline(&s)[0].1.len(), 2);
    }

    #[test]
    fn question_headlines_are_titles_statements_are_not() {
        let s = structure(&format!("Time to get tough on friendlies?\n\n{P1}\n"));
        assert_eq!(
            s.title.as_ref().map(|t| t.0.as_str()),
            Some("Time to get tough on friendlies?")
        );
        let s = structure(&format!("It rained.\n\n{P1}\n"));
        assert!(s.title.is_none());
    }

    #[test]
    fn a_dateline_inside_a_block_is_not_a_title() {
        let s = structure(&format!("الرياض - واس\n{P1}\n{P2}\n"));
        assert!(s.title.is_none());
    }

    #[test]
    fn a_single_block_is_never_a_title() {
        let s = structure("Just a short line\n");
        assert!(s.title.is_none());
        assert_eq!(outline(&s)[0].1[0].1, "Just a short line");
    }

    #[test]
    fn arabic_headings_without_title() {
        let p = "وبحسب مصادر مطلعة على الاجتماعات، فقد تركزت المناقشات على آليات الانتقال إلى المرحلة الثانية من اتفاق الهدنة، والتي تهدف إلى ضمان التزام الأطراف كافة ببنود وقف إطلاق النار.";
        let text = format!("{p}\n\n\u{a0}\n\n{p}\n\nخلفية الوضع الميداني\n\n{p}\n\n{p}\n");
        let s = structure(&text);
        assert!(s.title.is_none());
        let outline = outline(&s);
        assert_eq!(outline.len(), 2);
        assert_eq!(outline[1].0.as_deref(), Some("خلفية الوضع الميداني"));
        assert_eq!(outline[1].1.len(), 2);
    }

    #[test]
    fn wrapped_lines_are_joined() {
        let text = "Storm hits coast\n\nThe storm reached the coast early on Monday morning and\nbrought winds of more than a hundred kilometres an hour to\nthe small fishing towns along the bay.\n\nSecond paragraph here, which is long enough to be a paragraph.\n";
        let s = structure(text);
        let blocks = &outline(&s)[0].1;
        assert_eq!(blocks.len(), 2);
        assert!(
            blocks[0].1.starts_with(
                "The storm reached the coast early on Monday morning and brought winds"
            )
        );
        assert!(blocks[0].1.ends_with("along the bay."));
    }

    #[test]
    fn one_paragraph_per_line_is_kept_apart() {
        let text = format!("{P1}\n{P2}\n{P3}\n");
        let s = structure(&text);
        assert_eq!(outline(&s)[0].1.len(), 3);
    }

    #[test]
    fn cjk_lines_join_without_space() {
        let s = structure(
            "東京の天気は晴れで、気温は\n二十度まで上がる見込みです。\n\n次の段落です。\n",
        );
        assert_eq!(
            outline(&s)[0].1[0].1,
            "東京の天気は晴れで、気温は二十度まで上がる見込みです。"
        );
    }

    #[test]
    fn quotes_and_lists() {
        let text = format!(
            "{P1}\n\n> Markets are calm,\n> for now.\n\n«هذا نص مقتبس بالكامل»\n\nKey points:\n- first point\n- second point\n  continued\n1. numbered\n2) another\n\n{P2}\n"
        );
        let s = structure(&text);
        let blocks = &outline(&s)[0].1;
        let kinds: Vec<BlockKind> = blocks.iter().map(|b| b.0).collect();
        use BlockKind::*;
        assert_eq!(
            kinds,
            vec![
                Paragraph, Quote, Quote, Paragraph, ListItem, ListItem, ListItem, ListItem,
                Paragraph
            ]
        );
        assert_eq!(blocks[1].1, "Markets are calm, for now.");
        assert_eq!(blocks[5].1, "second point continued");
        assert_eq!(blocks[7].1, "another");
    }

    #[test]
    fn markdown_style_hash_lines() {
        let s = structure(&format!(
            "# The Title\n\n{P1}\n\n## Part two ##\n\n{P2}\n\n#hashtag is text\n"
        ));
        assert_eq!(s.title.as_ref().map(|t| t.0.as_str()), Some("The Title"));
        let outline = outline(&s);
        assert_eq!(outline[1].0.as_deref(), Some("Part two"));
        assert_eq!(outline[1].1[1].1, "#hashtag is text");
    }

    #[test]
    fn runs_of_short_lines_are_not_headings() {
        let s = structure(&format!("{P1}\n\nJohn Smith\nJane Doe\nAlex Roe\n\n{P2}\n"));
        assert_eq!(outline(&s).len(), 1);
    }

    #[test]
    fn crlf_and_cr_give_the_same_structure() {
        let lf = format!("Harbour to be rebuilt\n\n{P1}\n\nWhat comes next\n\n{P2}\n");
        let expected = outline(&structure(&lf));
        assert_eq!(outline(&structure(&lf.replace('\n', "\r\n"))), expected);
        assert_eq!(outline(&structure(&lf.replace('\n', "\r"))), expected);
    }

    #[test]
    fn blank_only_input_is_an_error() {
        let decoded = decode(
            "  \n\u{a0}\n\u{3000}\u{200b}\n".as_bytes(),
            &DecodeOptions::default(),
        )
        .unwrap();
        assert!(matches!(read(&decoded), Err(Error::Empty)));
    }
}
