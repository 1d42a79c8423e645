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

use std::collections::HashMap;

use ego_tree::NodeId;
use scraper::{Html, Node};

/// One tag of the source, as decoded byte offsets.
#[derive(Debug, Clone)]
pub(super) struct Tag {
    /// Lower-case tag name.
    pub(super) name: String,
    /// Whether this is an end tag (`</name>`).
    pub(super) end_tag: bool,
    /// Offset of `<`.
    pub(super) start: usize,
    /// Offset after `>`.
    pub(super) end: usize,
}

/// Start and end (decoded byte offsets) of the elements of a document.
#[derive(Debug, Default)]
pub struct Positions {
    ranges: HashMap<NodeId, (usize, usize)>,
}

impl Positions {
    /// Scans `text` and aligns its tags with the elements of `html`.
    pub fn new(text: &str, html: &Html) -> Positions {
        let tags = scan(text);
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, tag) in tags.iter().enumerate() {
            if !tag.end_tag {
                by_name.entry(tag.name.as_str()).or_default().push(index);
            }
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut ranges = HashMap::new();
        for node in html.tree.nodes() {
            let Node::Element(element) = node.value() else {
                continue;
            };
            let name = element.name();
            let Some(list) = by_name.get(name) else {
                continue;
            };
            let k = seen.entry(name).or_insert(0);
            if let Some(&index) = list.get(*k) {
                let start = tags[index].start;
                let end = element_end(text, &tags, index);
                ranges.insert(node.id(), (start, end));
            }
            *k += 1;
        }
        Positions { ranges }
    }

    /// The decoded byte range of an element, when it was found.
    pub fn range(&self, id: NodeId) -> Option<(usize, usize)> {
        self.ranges.get(&id).copied()
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
    let name = open.name.as_str();
    let is_heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
    let mut depth = 0usize;
    let mut lists = 0usize;
    for tag in &tags[index + 1..] {
        let other = tag.name.as_str();
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
pub(super) fn scan(text: &str) -> Vec<Tag> {
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
        let name = text[name_start..pos].to_ascii_lowercase();
        let end = skip_attributes(bytes, pos);
        at = end;
        if !end_tag && RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            at = find_ignore_case(bytes, end, close.as_bytes()).unwrap_or(bytes.len());
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

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        if bytes.len() - lt >= needle.len()
            && bytes[lt..lt + needle.len()].eq_ignore_ascii_case(needle)
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
        let positions = Positions::new(source, &html);
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
