//! Source positions of elements, which html5ever does not report.
//!
//! A light tag scanner walks the decoded text once and records every start
//! and end tag with its byte range, skipping comments, doctypes and the
//! contents of raw-text elements (`script`, `style`, `textarea`, `title`...)
//! the way the HTML tokenizer does. The parser creates elements from start
//! tags in the order it meets them, and scraper stores nodes in creation
//! order, so the k-th `<p>` element of the tree (in node order) is the k-th
//! `<p` start tag of the source. Elements the parser invents (`html`, `head`,
//! `body`, `tbody`, an empty `p` for a stray `</p>`) can shift that count;
//! the positions of such a tag name are then best effort.
//!
//! The end of an element is the end of its end tag, found by counting
//! nested tags of the same name; where the end tag is omitted (`<p>`,
//! `<li>`), the element ends before the tag that implicitly closes it,
//! trailing white space excluded.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use scraper::{Html, Node};

use super::ids::NodeKeys;

/// One tag of the source, as decoded byte offsets.
#[derive(Debug, Clone)]
pub(super) struct Tag<'t> {
    /// Lower-case tag name (borrowed from the source when it is lower-case
    /// there, as it nearly always is).
    pub(super) name: Cow<'t, str>,
    /// Whether this is an end tag (`</name>`).
    pub(super) end_tag: bool,
    /// Offset of `<`.
    pub(super) start: usize,
    /// Offset after `>`.
    pub(super) end: usize,
}

/// Where the elements of a document start and end in its decoded text.
///
/// Each element is matched with its start tag once; where it ends is only
/// worked out when asked (a page has thousands of elements, the output
/// needs the spans of a few dozen, and finding an end walks the tags that
/// follow).
pub struct Positions<'t> {
    text: &'t str,
    tags: Vec<Tag<'t>>,
    /// Node ids of the tree, in the tree's own order.
    keys: NodeKeys,
    /// For each node (same order): the index of its start tag plus one, or 0.
    start_tag: Vec<u32>,
}

/// FNV-1a over the bytes of a tag name: the names are short and few, and
/// SipHash's set-up dominated the look-ups.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type NameMap<'n, V> = HashMap<&'n str, V, BuildHasherDefault<NameHasher>>;

impl<'t> Positions<'t> {
    /// Aligns the tags of `text` (from [`scan`]) with the elements of `html`.
    pub(super) fn new(text: &'t str, tags: Vec<Tag<'t>>, html: &Html) -> Positions<'t> {
        // For each tag name: its start tags in source order, and how many
        // elements of that name were met so far.
        let mut by_name: NameMap<'_, (Vec<u32>, usize)> = NameMap::default();
        for (index, tag) in tags.iter().enumerate() {
            if !tag.end_tag {
                by_name
                    .entry(tag.name.as_ref())
                    .or_default()
                    .0
                    .push(index as u32);
            }
        }
        let keys = NodeKeys::new(html.tree.nodes().map(|n| n.id()));
        let mut start_tag = vec![0u32; html.tree.nodes().len()];
        for (slot, node) in start_tag.iter_mut().zip(html.tree.nodes()) {
            let Node::Element(element) = node.value() else {
                continue;
            };
            let Some((list, seen)) = by_name.get_mut(element.name()) else {
                continue;
            };
            if let Some(&index) = list.get(*seen) {
                *slot = index + 1;
            }
            *seen += 1;
        }
        Positions {
            text,
            tags,
            keys,
            start_tag,
        }
    }

    /// The decoded byte range of an element, when it was found.
    pub fn range(&self, id: ego_tree::NodeId) -> Option<(usize, usize)> {
        let node = self.keys.get(id)?;
        let index = (*self.start_tag.get(node)?).checked_sub(1)? as usize;
        let start = self.tags[index].start;
        Some((start, element_end(self.text, &self.tags, index)))
    }
}

/// Elements whose start tag closes an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dd",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Inline end tags that do not close a paragraph.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "del",
    "ins", "big", "tt", "strike", "nobr", "label", "button", "select", "option", "textarea",
    "object", "video", "audio", "picture", "source", "svg", "iframe", "script", "style",
    "noscript", "img", "br", "wbr", "input",
];

/// The end offset of the element whose start tag is `tags[index]`.
fn element_end(text: &str, tags: &[Tag], index: usize) -> usize {
    let open = &tags[index];
    let name = open.name.as_ref();
    let is_heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
    let mut depth = 0usize;
    let mut lists = 0usize;
    for tag in &tags[index + 1..] {
        let other = tag.name.as_ref();
        let implicit_end = || trim_end(text, open.end, tag.start);
        match name {
            "p" => {
                if tag.end_tag {
                    if other == "p" {
                        return tag.end;
                    }
                    if !INLINE.contains(&other) {
                        return implicit_end();
                    }
                } else if CLOSES_P.contains(&other) {
                    return implicit_end();
                }
            }
            "li" | "dt" | "dd" => {
                if !tag.end_tag && matches!(other, "ul" | "ol" | "dl" | "menu") {
                    lists += 1;
                } else if tag.end_tag && matches!(other, "ul" | "ol" | "dl" | "menu") {
                    if lists == 0 {
                        return implicit_end();
                    }
                    lists -= 1;
                } else if lists == 0 {
                    if tag.end_tag && other == name {
                        return tag.end;
                    }
                    if !tag.end_tag && matches!(other, "li" | "dt" | "dd") {
                        return implicit_end();
                    }
                }
            }
            _ if is_heading => {
                if tag.end_tag && matches!(other, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                    return tag.end;
                }
            }
            _ => {
                if other == name {
                    if !tag.end_tag {
                        depth += 1;
                    } else if depth == 0 {
                        return tag.end;
                    } else {
                        depth -= 1;
                    }
                }
            }
        }
    }
    if matches!(name, "p" | "li" | "dt" | "dd") {
        trim_end(text, open.end, text.len())
    } else {
        open.end
    }
}

/// `end`, moved back over white space but not before `floor`.
fn trim_end(text: &str, floor: usize, end: usize) -> usize {
    floor.max(floor + text[floor..end].trim_end().len())
}

/// Elements whose content the tokenizer reads as text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Every tag of `text`, in source order.
pub(super) fn scan(text: &str) -> Vec<Tag<'_>> {
    let bytes = text.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            at =
                lt + 4 + memchr::memmem::find(&rest[4..], b"-->").map_or(rest.len() - 4, |p| p + 3);
            continue;
        }
        let end_tag = rest.get(1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(end_tag);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            if matches!(rest.get(1), Some(b'!' | b'?' | b'/')) {
                at = lt + 1 + memchr::memchr(b'>', &rest[1..]).map_or(rest.len() - 1, |p| p + 1);
            } else {
                at = lt + 1;
            }
            continue;
        }
        let mut pos = name_start;
        while pos < bytes.len()
            && !matches!(
                bytes[pos],
                b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'
            )
        {
            pos += 1;
        }
        let raw = &text[name_start..pos];
        let name = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(raw.to_ascii_lowercase())
        } else {
            Cow::Borrowed(raw)
        };
        let end = skip_attributes(bytes, pos);
        at = end;
        if !end_tag && RAW_TEXT.contains(&name.as_ref()) {
            at = find_end_tag(bytes, end, name.as_bytes()).unwrap_or(bytes.len());
        } else if !end_tag && name == "plaintext" {
            at = bytes.len();
        }
        tags.push(Tag {
            name,
            end_tag,
            start: lt,
            end,
        });
    }
    tags
}

/// The position after the `>` that ends a tag whose attributes start at
/// `pos`, honouring quoted attribute values.
fn skip_attributes(bytes: &[u8], mut pos: usize) -> usize {
    let mut after_equals = false;
    while pos < bytes.len() {
        match bytes[pos] {
            b'>' => return pos + 1,
            b'=' => after_equals = true,
            quote @ (b'"' | b'\'') if after_equals => {
                pos += 1;
                while pos < bytes.len() && bytes[pos] != quote {
                    pos += 1;
                }
                after_equals = false;
            }
            b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' => {}
            _ => after_equals = false,
        }
        pos += 1;
    }
    bytes.len()
}

/// The offset of the first `</name` (name in any case) at or after `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        if bytes.len() - lt >= name.len() + 2
            && bytes[lt + 1] == b'/'
            && bytes[lt + 2..lt + 2 + name.len()].eq_ignore_ascii_case(name)
        {
            return Some(lt);
        }
        at = lt + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges_of(source: &str, name: &str) -> Vec<String> {
        let html = Html::parse_document(source);
        let positions = Positions::new(source, scan(source), &html);
        html.tree
            .nodes()
            .filter(|n| n.value().as_element().is_some_and(|e| e.name() == name))
            .filter_map(|n| positions.range(n.id()))
            .map(|(s, e)| source[s..e].to_string())
            .collect()
    }

    #[test]
    fn closed_and_omitted_end_tags() {
        let source = "<title>a <p> b</title><p>One <b>x</b></p>\n<p>Two\n<div>d</div><ul><li>i<ul><li>n</ul><li>j</ul>";
        assert_eq!(ranges_of(source, "p"), ["<p>One <b>x</b></p>", "<p>Two"]);
        assert_eq!(
            ranges_of(source, "li"),
            ["<li>i<ul><li>n</ul>", "<li>n", "<li>j"]
        );
        assert_eq!(ranges_of(source, "div"), ["<div>d</div>"]);
    }

    #[test]
    fn comments_scripts_and_quoted_brackets_are_skipped() {
        let source = "<!-- <p>no</p> --><script>if (a<p) {}</script><p title='>'>yes</p>";
        assert_eq!(ranges_of(source, "p"), ["<p title='>'>yes</p>"]);
    }
}
