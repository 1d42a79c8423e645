//! A bound on element nesting, applied before parsing.
//!
//! The HTML tree builder checks "is X in scope" by walking its stack of open
//! elements, so a page nested N levels deep costs O(N²): 100,000 nested
//! `<div>`s (or 20,000 unclosed `<div><b><i>` runs) keep html5ever busy for
//! many minutes. Browsers bound the depth for the same reason (Blink attaches
//! elements past 512 levels to the 512th). artconv does the equivalent
//! before parsing: start tags past [`MAX_NESTING`] open elements, and their
//! end tags, are blanked out with spaces. Their text stays where it was, so
//! the content is flattened into the deepest kept element, and every byte
//! offset stays valid for the source spans.
//!
//! The depth is estimated with the same light tag scanner as the spans
//! (comments and raw-text elements skipped), honouring void elements,
//! elements that close their own kind (`<p>`, `<li>`, `<td>`...) and
//! self-closing tags inside SVG and MathML. Ordinary pages never come near
//! the bound, so they are passed through untouched.

use std::borrow::Cow;

use super::spans::{Tag, scan};

/// Open elements kept; deeper start tags are blanked. Below the extraction
/// walk's own cut-off, so flattened text is still reached.
pub const MAX_NESTING: usize = 200;
const _: () = assert!(MAX_NESTING < super::MAX_DEPTH);

/// How far down the stack an end tag looks for its start tag: deep enough
/// for misnested real markup, shallow enough that stray end tags cannot
/// make the scan quadratic.
const END_TAG_REACH: usize = 64;

/// Elements that never have content or an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr", "frame", "basefont", "bgsound", "image",
];

/// Elements whose start tag closes an open element of the same family
/// (`<p>` a `<p>`, `<li>` a `<li>`...), so they never nest in the tree.
const SELF_CLOSING_FAMILIES: &[&[&str]] = &[
    &["p"],
    &["li"],
    &["dt", "dd"],
    &["option"],
    &["tr"],
    &["td", "th"],
];

/// One open element as the estimate sees it.
struct Open<'t> {
    name: &'t str,
    /// Whether its start tag was blanked (so its end tag must be too).
    blanked: bool,
    /// Whether it is `svg` or `math`, where `/>` closes an element.
    foreign: bool,
}

/// The text with start and end tags past [`MAX_NESTING`] open elements
/// replaced by spaces, or the text itself when nothing is that deep.
#[cfg(test)]
pub fn limit_nesting(text: &str) -> Cow<'_, str> {
    limit_nesting_and_scan(text).0
}

/// [`limit_nesting`], and the tags of the text when it is returned
/// unchanged (the scan it needed is the one the spans need too).
pub fn limit_nesting_and_scan(text: &str) -> (Cow<'_, str>, Option<Vec<Tag<'_>>>) {
    let tags = scan(text);
    let blanks = deep_tags(text, &tags);
    if blanks.is_empty() {
        return (Cow::Borrowed(text), Some(tags));
    }
    let mut bytes = text.as_bytes().to_vec();
    for tag in blanks {
        bytes[tag.start..tag.end].fill(b' ');
    }
    // Tags start at `<` and end after `>`, both ASCII, so blanking whole
    // tags leaves valid UTF-8.
    (
        Cow::Owned(String::from_utf8(bytes).expect("tags are blanked whole")),
        None,
    )
}

/// The tags to blank, in source order.
fn deep_tags<'t>(text: &str, tags: &'t [Tag]) -> Vec<&'t Tag<'t>> {
    let mut stack: Vec<Open<'t>> = Vec::new();
    let mut foreign_depth = 0usize;
    let mut blanks = Vec::new();
    for tag in tags {
        let name = tag.name.as_ref();
        if tag.end_tag {
            let reach = stack.len().saturating_sub(END_TAG_REACH);
            if let Some(at) = stack[reach..].iter().rposition(|open| open.name == name) {
                let at = reach + at;
                if stack[at].blanked {
                    blanks.push(tag);
                }
                for open in stack.drain(at..) {
                    foreign_depth -= usize::from(open.foreign);
                }
            }
            continue;
        }
        if VOID.contains(&name) {
            continue;
        }
        if foreign_depth > 0 && text[tag.start..tag.end].ends_with("/>") {
            continue;
        }
        if let Some(family) = SELF_CLOSING_FAMILIES.iter().find(|f| f.contains(&name)) {
            let reach = stack.len().saturating_sub(4);
            if let Some(at) = stack[reach..]
                .iter()
                .rposition(|open| family.contains(&open.name))
            {
                for open in stack.drain(reach + at..) {
                    foreign_depth -= usize::from(open.foreign);
                }
            }
        }
        let blanked = stack.len() >= MAX_NESTING;
        if blanked {
            blanks.push(tag);
        }
        let foreign = matches!(name, "svg" | "math");
        foreign_depth += usize::from(foreign);
        stack.push(Open {
            name,
            blanked,
            foreign,
        });
    }
    blanks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_pass_through_untouched() {
        let page = "<html><body><div><p>One<p>Two<ul><li>a<li>b</ul>\
                    <svg><path d='M0'/><path/></svg><img src=x><br></div></body></html>";
        let page = page.repeat(300);
        assert!(matches!(limit_nesting(&page), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_and_offsets_kept() {
        let depth = 1000;
        let page = format!(
            "<body>{}<p>Deep text</p>{}</body>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let limited = limit_nesting(&page);
        assert_eq!(limited.len(), page.len());
        // MAX_NESTING open elements: <body> and MAX_NESTING - 1 divs.
        assert_eq!(limited.matches("<div>").count(), MAX_NESTING - 1);
        assert_eq!(limited.matches("</div>").count(), MAX_NESTING - 1);
        assert_eq!(
            limited.find("Deep text"),
            page.find("Deep text"),
            "text keeps its offset"
        );
    }

    #[test]
    fn unclosed_formatting_runs_are_bounded_too() {
        let page = "<div><p><b><i><span>text ".repeat(5000);
        let limited = limit_nesting(&page);
        assert!(limited.matches('<').count() < 5 * MAX_NESTING);
        assert_eq!(limited.matches("text").count(), 5000);
    }

    #[test]
    fn stray_end_tags_do_not_unwind_the_stack() {
        let page = format!("{}{}", "<div>".repeat(300), "</span>".repeat(100_000));
        let limited = limit_nesting(&page);
        assert_eq!(limited.matches("<div>").count(), MAX_NESTING);
    }
}
