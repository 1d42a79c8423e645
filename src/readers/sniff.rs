//! Format sniffing for `-f auto` beyond HTML: artconv's own XML and JSON,
//! and Markdown.
//!
//! Content decides before the file name, because names lie (an article
//! saved as `.txt` that is Markdown, a `.json` download that is HTML). The
//! Markdown test is deliberately strict: plain-text articles are the common
//! case, and the text reader already understands `#` lines, `>` quotes and
//! `-` items, while reading prose as Markdown would join the one-paragraph-
//! per-line text pasted from the web into single paragraphs. So Markdown
//! needs front matter, a closed code fence, or two independent markers;
//! and those markers alone (no front matter, no fence) do not overrule a
//! name that says another format (`.txt` among them).

use super::{InputFormat, head_of, root_name, skip_prolog, sniff_head};

/// How much of the input the Markdown test looks at.
const MARKDOWN_SNIFF_BYTES: usize = 16 * 1024;

/// How sure the content is of its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Markup that only that format has: an XML root, `schema_version`,
    /// front matter, a code fence.
    Strong,
    /// Markdown markers that a plain-text article could also hold, or an
    /// XML prolog before a root that is not artconv's: a file name that
    /// names another format wins over them.
    Weak,
}

/// The format the content announces, if it announces one (HTML is tested
/// before, by [`super::looks_like_html`]).
pub fn by_content(bytes: &[u8]) -> Option<(InputFormat, Evidence)> {
    let head = sniff_head(bytes);
    if is_artconv_xml(&head) {
        return Some((InputFormat::Xml, Evidence::Strong));
    }
    if has_prolog(&head) {
        // A document type declaration after the prolog (HTML's was taken
        // before) is XML markup, whatever the name: it goes to the XML
        // reader, which refuses it, rather than to a reader that would
        // take its entity declarations for text.
        let doctype = skip_prolog(&head).is_some_and(|(_, rest)| {
            rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!doctype")
        });
        let evidence = if doctype {
            Evidence::Strong
        } else {
            Evidence::Weak
        };
        return Some((InputFormat::Xml, evidence));
    }
    if looks_like_artconv_json(&head) {
        return Some((InputFormat::Json, Evidence::Strong));
    }
    let head = head_of(bytes, MARKDOWN_SNIFF_BYTES);
    markdown_evidence(&head).map(|evidence| (InputFormat::Markdown, evidence))
}

/// The format a file name's extension names, if any.
pub fn by_extension(path: Option<&str>) -> Option<InputFormat> {
    let path = path?;
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (stem, extension) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    let is = |names: &[&str]| names.iter().any(|e| extension.eq_ignore_ascii_case(e));
    if is(&["html", "htm", "xhtml", "shtml"]) {
        Some(InputFormat::Html)
    } else if is(&["md", "markdown", "mdown", "mkd"]) {
        Some(InputFormat::Markdown)
    } else if is(&["json", "jsonl", "ndjson"]) {
        Some(InputFormat::Json)
    } else if is(&["xml"]) {
        Some(InputFormat::Xml)
    } else if is(&["txt", "text"]) {
        Some(InputFormat::Text)
    } else {
        None
    }
}

/// An XML prolog, whatever the root (XHTML was taken by HTML sniffing).
/// Weak evidence: an RSS feed saved as `.html` goes by its name.
fn has_prolog(head: &[u8]) -> bool {
    skip_prolog(head).is_some_and(|(prolog, _)| prolog)
}

/// artconv's `<article>` or `<articles>` root with its `schema_version`
/// attribute, even without a prolog: tested before HTML, where
/// `<article>` is a common first tag.
pub fn is_artconv_xml(head: &[u8]) -> bool {
    let Some((_, rest)) = skip_prolog(head) else {
        return false;
    };
    if !matches!(root_name(rest), Some(b"article" | b"articles")) {
        return false;
    }
    let tag_end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
    memchr::memmem::find(&rest[..tag_end], b"schema_version").is_some()
}

/// A JSON object (or an array of them) that carries `schema_version`
/// within the sniffed bytes: artconv writes it first.
fn looks_like_artconv_json(head: &[u8]) -> bool {
    let rest = head.trim_ascii_start();
    let opens = match rest.first() {
        Some(b'{') => true,
        Some(b'[') => rest[1..].trim_ascii_start().first() == Some(&b'{'),
        _ => false,
    };
    opens && memchr::memmem::find(rest, b"\"schema_version\"").is_some()
}

/// Markdown markers: front matter or a closed code fence (strong), or at
/// least two markers among ATX headings, setext underlines and inline
/// markup (links, strong emphasis, code spans), one of which is a heading
/// (weak).
fn markdown_evidence(head: &[u8]) -> Option<Evidence> {
    if !may_hold_markdown(head) {
        return None;
    }
    markdown_evidence_by_lines(head)
}

/// [`markdown_evidence`] without the quick test, reading every line.
fn markdown_evidence_by_lines(head: &[u8]) -> Option<Evidence> {
    let text = match simdutf8::basic::from_utf8(head) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(head),
    };
    if crate::readers::front_matter::locate(&text).is_some_and(|fm| fm.looks_like_yaml(&text)) {
        return Some(Evidence::Strong);
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut headings = 0;
    let mut fences: Option<(char, usize)> = None;
    let mut closed_fences = 0;
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_end();
        if let Some((c, n)) = fence(line) {
            match fences {
                Some((open, len))
                    if open == c && n >= len && line.trim_start_matches(c).is_empty() =>
                {
                    closed_fences += 1;
                    fences = None;
                }
                None => fences = Some((c, n)),
                _ => {}
            }
            continue;
        }
        if fences.is_some() {
            continue;
        }
        if is_atx_heading(line) {
            headings += 1;
        } else if i > 0 && is_setext_underline(line) {
            let above = lines[i - 1].trim();
            if !above.is_empty() && !above.starts_with(['-', '*', '+', '>', '#']) {
                headings += 1;
            }
        }
    }
    if closed_fences > 0 {
        return Some(Evidence::Strong);
    }
    let inline = inline_markers(&text);
    (headings >= 2 || (headings >= 1 && inline >= 1)).then_some(Evidence::Weak)
}

/// Whether `head` holds one of the byte runs without which
/// [`markdown_evidence`] finds none: `#` (an ATX heading), a fence
/// (three backticks or tildes), `---` (front matter, a setext underline)
/// or `===`. Most plain text holds none of them, and a few SIMD scans
/// settle that sooner than reading the head line by line (a twentieth of
/// the instructions of converting a small article went there).
fn may_hold_markdown(head: &[u8]) -> bool {
    memchr::memchr(b'#', head).is_some()
        || ["```", "~~~", "---", "==="]
            .iter()
            .any(|run| memchr::memmem::find(head, run.as_bytes()).is_some())
}

/// A code fence opening or closing: three or more backticks or tildes at
/// the start of a line (up to three spaces of indentation).
fn fence(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = rest.chars().take_while(|&x| x == c).count();
    // A backtick fence's info string holds no backtick.
    (n >= 3 && !(c == '`' && rest[n..].contains('`'))).then_some((c, n))
}

/// `# Heading` to `###### Heading`: hashes, a space, then text.
fn is_atx_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && line[hashes..].starts_with([' ', '\t'])
        && line[hashes..].trim().chars().any(char::is_alphanumeric)
}

/// A line of three or more `=` (or `-`) only.
fn is_setext_underline(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 3 && (line.bytes().all(|b| b == b'=') || line.bytes().all(|b| b == b'-'))
}

/// How many kinds of inline Markdown markup occur: `[text](target)`
/// links, `**strong**` and `` `code` `` spans.
fn inline_markers(text: &str) -> usize {
    // Most plain text has none of the markers: one SIMD scan for each
    // settles that, before the slower scans that check their shape.
    let bytes = text.as_bytes();
    let has_link = memchr::memmem::find(bytes, b"](").is_some();
    let has_strong = memchr::memmem::find(bytes, b"**").is_some();
    let has_code = memchr::memchr(b'`', bytes).is_some();
    let link = has_link
        && text.match_indices("](").any(|(at, _)| {
            let before = &text[..at];
            let opened = before.rfind('[').is_some_and(|open| {
                let inner = &before[open + 1..];
                !inner.is_empty() && !inner.contains(['\n', ']'])
            });
            opened
                && text[at + 2..]
                    .split(['\n', ' '])
                    .next()
                    .is_some_and(|t| t.contains(')'))
        });
    let strong = has_strong
        && text.split("**").count() >= 3
        && text
            .split("**")
            .skip(1)
            .step_by(2)
            .any(|inner| !inner.is_empty() && inner.len() < 100 && !inner.contains('\n'));
    let code = has_code
        && text
            .split('`')
            .skip(1)
            .step_by(2)
            .any(|inner| !inner.is_empty() && inner.len() < 80 && !inner.contains('\n'))
        && text.matches('`').count() >= 2;
    usize::from(link) + usize::from(strong) + usize::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(bytes: &[u8]) -> InputFormat {
        InputFormat::Auto.resolve(bytes, None)
    }

    #[test]
    fn artconv_json_and_xml_are_sniffed() {
        assert_eq!(auto(b"{\n  \"schema_version\": \"1\","), InputFormat::Json);
        assert_eq!(
            auto(b"[\n  {\n  \"schema_version\": \"1\""),
            InputFormat::Json
        );
        assert_eq!(auto(b"{\"a\": 1}"), InputFormat::Text);
        assert_eq!(
            auto(b"<?xml version=\"1.0\"?>\n<article schema_version=\"1\">"),
            InputFormat::Xml
        );
        assert_eq!(auto(b"<articles schema_version=\"1\">"), InputFormat::Xml);
        assert_eq!(
            auto(b"<article schema_version=\"1\" dir=\"ltr\">"),
            InputFormat::Xml
        );
        assert_eq!(
            auto(b"<article class=\"story\"><p>Hi</p>"),
            InputFormat::Html
        );
        assert_eq!(auto(b"<?xml version=\"1.0\"?><feed>"), InputFormat::Xml);
    }

    #[test]
    fn markdown_needs_strong_markers() {
        assert_eq!(
            auto(b"---\ntitle: A\n---\n\nText.\n"),
            InputFormat::Markdown
        );
        assert_eq!(auto(b"Intro.\n\n```\ncode\n```\n"), InputFormat::Markdown);
        assert_eq!(
            auto(b"# Title\n\nText.\n\n## Part\n\nMore.\n"),
            InputFormat::Markdown
        );
        assert_eq!(
            auto(b"# Title\n\nSee [the site](https://example.org).\n"),
            InputFormat::Markdown
        );
        assert_eq!(
            auto(b"Title\n=====\n\nText with `code`.\n"),
            InputFormat::Markdown
        );
        // Plain text: one marker alone, or none.
        assert_eq!(auto(b"# Title\n\nText.\nMore text.\n"), InputFormat::Text);
        assert_eq!(
            auto(b"Title\n\n- one\n- two\n\n> quoted\n"),
            InputFormat::Text
        );
        assert_eq!(
            auto(b"Prices rose 3*4 times.\n----\nEnd.\n"),
            InputFormat::Text
        );
        assert_eq!(
            auto(b"---\nNot front matter, a rule.\n---\n"),
            InputFormat::Text
        );
        assert_eq!(
            auto(b"#hashtag and #another\n\n#third\n"),
            InputFormat::Text
        );
    }

    #[test]
    fn the_quick_test_never_hides_evidence() {
        let pieces = [
            "Text", " ", "\n", "\n\n", "#", "## ", "`", "```", "~~~", "-", "---", "=", "===", "**",
            "[a](b)", "نص", "\r\n", "...", "title: A",
        ];
        let mut state = 0x9e37_79b9_u32;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 16) {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                text.push_str(pieces[state as usize % pieces.len()]);
            }
            state = state.wrapping_add(0x2545_f491);
            let head = text.as_bytes();
            if markdown_evidence_by_lines(head).is_some() {
                assert!(may_hold_markdown(head), "{text:?}");
            }
            assert_eq!(markdown_evidence(head), markdown_evidence_by_lines(head));
        }
    }

    #[test]
    fn extensions_come_after_content() {
        let by = |path: &str| InputFormat::Auto.decide(b"Plain words.", Some(path));
        use crate::model::FormatSource::*;
        assert_eq!(by("a.md"), (InputFormat::Markdown, Extension));
        assert_eq!(by("a.JSONL"), (InputFormat::Json, Extension));
        assert_eq!(by("a.ndjson"), (InputFormat::Json, Extension));
        assert_eq!(by("a.xml"), (InputFormat::Xml, Extension));
        assert_eq!(by("a.txt"), (InputFormat::Text, Extension));
        assert_eq!(by("a.dat"), (InputFormat::Text, Default));
        // Weak Markdown markers do not overrule `.txt`; a fence does.
        let weak = b"# Title\n\nText.\n\n## Part\n\nMore.\n";
        assert_eq!(
            InputFormat::Auto.decide(weak, Some("a.txt")),
            (InputFormat::Text, Extension)
        );
        assert_eq!(
            InputFormat::Auto.decide(weak, Some("a")),
            (InputFormat::Markdown, Content)
        );
        let feed = b"<?xml version=\"1.0\"?><rss>";
        assert_eq!(
            InputFormat::Auto.decide(feed, Some("feed.html")),
            (InputFormat::Html, Extension)
        );
        assert_eq!(
            InputFormat::Auto.decide(feed, None),
            (InputFormat::Xml, Content)
        );
        let fenced = b"Intro.\n\n```\ncode\n```\n";
        assert_eq!(
            InputFormat::Auto.decide(fenced, Some("a.txt")),
            (InputFormat::Markdown, Content)
        );
        assert_eq!(by(".md"), (InputFormat::Text, Default));
        assert_eq!(
            InputFormat::Auto.decide(b"<html>", Some("a.md")),
            (InputFormat::Html, Content)
        );
        assert_eq!(
            InputFormat::Markdown.decide(b"<html>", Some("a.html")),
            (InputFormat::Markdown, Forced)
        );
    }
}
