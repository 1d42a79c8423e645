//! Authors from the visible byline, for pages whose metadata names none.
//!
//! Candidates, strongest first: links with `rel=author`, elements with
//! `itemprop=author` (their `itemprop=name` when they have one), elements
//! whose class or id names a byline or an author, then short text blocks
//! that open with a byline word ("By", "Von", "Por", "Par", "بقلم", "كتب").
//! Only candidates near the article count: inside the `<article>` or
//! `<main>` that holds the content, else close above it; never in comments,
//! related links or navigation.
//!
//! A candidate is cleaned (the byline word, dates and times, a job title
//! after a comma, "| Updated..." tails removed) and split into names
//! ("Jane Doe and John Roe"); a text that does not look like names — a
//! sentence, a whole paragraph, digits — gives nothing.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use super::ids::attr;

/// What a byline gave: the names and the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Byline {
    /// The authors, cleaned, in the order written.
    pub authors: Vec<String>,
    /// The byline's visible text, white space collapsed.
    pub text: String,
}

/// Words that open a byline, followed by the names.
const LEAD_WORDS: &[&str] = &[
    "by",
    "von",
    "por",
    "par",
    "door",
    "av",
    "przez",
    "autor:",
    "author:",
    "autore:",
    "auteur:",
    "text:",
    "texto:",
    "written by",
    "words by",
    "reported by",
    "بقلم",
    "كتب",
    "كتبت",
    "كتبه",
    "إعداد",
];

/// Words of a credit or label that is not an author ("Photo: ...",
/// "Sponsored content").
const NOT_AUTHOR_WORDS: &[&str] = &[
    "photo",
    "foto",
    "фото",
    "sponsor",
    "gesponsert",
    "patrocinado",
    "advert",
];

/// Words that qualify a job title ("Senior Reporter", "Our Correspondent").
const JOB_QUALIFIERS: &[&str] = &[
    "staff",
    "senior",
    "chief",
    "special",
    "guest",
    "news",
    "sports",
    "political",
    "our",
    "the",
    "freelance",
    "contributing",
];

/// Words of a job title, which ends the names ("Jane Doe, Senior Reporter").
const JOB_WORDS: &[&str] = &[
    "reporter",
    "correspondent",
    "editor",
    "writer",
    "journalist",
    "columnist",
    "contributor",
    "staff",
    "photographer",
    "analyst",
    "producer",
    "critic",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "redacción",
    "redaccion",
    "periodista",
    "corresponsal",
    "rédaction",
    "journaliste",
    "redakcja",
    "dziennikarz",
    "مراسل",
    "محرر",
    "صحفي",
];

/// Separators between several names.
const NAME_SEPARATORS: &[&str] = &[
    " and ", " & ", " und ", " y ", " e ", " et ", " i ", " en ", " og ", " och ", "، ", " و ",
];

/// Class and id words of containers that hold other people's names.
const FOREIGN: &[&str] = &[
    "comment",
    "related",
    "teaser",
    "recommend",
    "promo",
    "sidebar",
    "footer",
    "nav",
    "menu",
];

/// Longest byline text looked at, in characters.
const MAX_BYLINE_CHARS: usize = 120;

/// One way of reading a byline from an element.
type Rule = fn(NodeRef<Node>) -> Option<String>;

/// Finds the byline of the article whose content is in `containers`.
pub fn find(html: &Html, containers: &[NodeId]) -> Option<Byline> {
    let first = containers.first().and_then(|id| html.tree.get(*id))?;
    let scope = scope_of(first);
    let end = containers
        .last()
        .and_then(|id| html.tree.get(*id))
        .and_then(last_descendant)
        .unwrap_or(first);
    // Candidates in document order up to the end of the content; each rule
    // in turn, strongest first.
    // Whether a node is foreign is inherited: one walk down the scope,
    // keeping the answer of each open ancestor, instead of walking up the
    // ancestors of every node.
    let mut nodes: Vec<NodeRef<Node>> = Vec::new();
    let outside = scope.ancestors().any(foreign_itself);
    let mut open: Vec<bool> = Vec::new();
    for edge in scope.traverse() {
        match edge {
            Edge::Open(n) => {
                if n.id() == end.id() {
                    break;
                }
                let inherited = open.last().copied().unwrap_or(outside);
                let foreign = inherited || foreign_itself(n);
                open.push(foreign);
                if n.value().is_element() && !foreign {
                    nodes.push(n);
                }
            }
            Edge::Close(_) => {
                open.pop();
            }
        }
    }
    let rules: [Rule; 4] = [rel_author, itemprop_author, classed_byline, worded_byline];
    for rule in rules {
        for node in &nodes {
            let Some(text) = rule(*node) else { continue };
            let authors = names(&text);
            if !authors.is_empty() {
                return Some(Byline {
                    authors,
                    text: collapse(&text),
                });
            }
        }
    }
    None
}

/// The `<article>` or `<main>` around the content, else the content's
/// grandparent (a byline often sits in a header just above the body).
fn scope_of(first: NodeRef<Node>) -> NodeRef<Node> {
    let semantic = std::iter::once(first).chain(first.ancestors()).find(|n| {
        n.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "article" | "main"))
    });
    semantic.unwrap_or_else(|| {
        first
            .ancestors()
            .filter(|a| a.value().is_element())
            .take(2)
            .last()
            .unwrap_or(first)
    })
}

fn last_descendant(node: NodeRef<Node>) -> Option<NodeRef<Node>> {
    node.descendants().last()
}

/// Whether the node itself is something that names other people or is not
/// visible text (what is inside it is then foreign too).
fn foreign_itself(n: NodeRef<Node>) -> bool {
    n.value().as_element().is_some_and(|e| {
        if matches!(
            e.name(),
            "script" | "style" | "noscript" | "template" | "nav" | "aside" | "footer"
        ) {
            return true;
        }
        let hints = format!(
            "{} {}",
            attr(e, "class").unwrap_or_default(),
            attr(e, "id").unwrap_or_default()
        )
        .to_ascii_lowercase();
        FOREIGN.iter().any(|f| hints.contains(f))
    })
}

fn text_of(node: NodeRef<Node>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            out.push_str(t);
            out.push(' ');
        }
    }
    collapse(&out)
}

pub(super) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn short(text: String) -> Option<String> {
    (!text.is_empty() && text.chars().count() <= MAX_BYLINE_CHARS).then_some(text)
}

fn rel_author(node: NodeRef<Node>) -> Option<String> {
    let e = node.value().as_element()?;
    let rel = attr(e, "rel")?;
    rel.split_ascii_whitespace()
        .any(|r| r.eq_ignore_ascii_case("author"))
        .then(|| text_of(node))
        .and_then(short)
}

fn itemprop_author(node: NodeRef<Node>) -> Option<String> {
    let e = node.value().as_element()?;
    if !attr(e, "itemprop")?
        .split_ascii_whitespace()
        .any(|p| p == "author" || p == "creator")
    {
        return None;
    }
    let name = node.descendants().skip(1).find(|d| {
        d.value().as_element().is_some_and(|e| {
            attr(e, "itemprop").is_some_and(|p| p.split_ascii_whitespace().any(|p| p == "name"))
        })
    });
    let name = name.and_then(|n| {
        let e = n.value().as_element()?;
        attr(e, "content")
            .map(collapse)
            .or_else(|| Some(text_of(n)))
    });
    name.or_else(|| Some(text_of(node))).and_then(short)
}

fn classed_byline(node: NodeRef<Node>) -> Option<String> {
    let e = node.value().as_element()?;
    let hints = format!(
        "{} {}",
        attr(e, "class").unwrap_or_default(),
        attr(e, "id").unwrap_or_default()
    )
    .to_ascii_lowercase();
    let named = hints.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w,
            "byline" | "author" | "authors" | "autor" | "auteur" | "writer"
        )
    });
    if !named {
        return None;
    }
    // The innermost element so named holds the names; an outer box may
    // also hold a biography or a photo credit.
    let text = text_of(node);
    short(text)
}

fn worded_byline(node: NodeRef<Node>) -> Option<String> {
    let e = node.value().as_element()?;
    if !matches!(
        e.name(),
        "p" | "div" | "span" | "address" | "small" | "em" | "strong" | "b" | "i"
    ) {
        return None;
    }
    // Only an element whose own text is the whole byline.
    if node.children().any(|c| {
        c.value()
            .as_element()
            .is_some_and(|e| e.name() == "p" || e.name() == "div")
    }) {
        return None;
    }
    let text = short(text_of(node))?;
    strip_lead(&text).is_some().then_some(text)
}

/// The text after a byline word, when the text opens with one.
fn strip_lead(text: &str) -> Option<&str> {
    let lower = text.to_lowercase();
    for word in LEAD_WORDS {
        if let Some(rest) = lower.strip_prefix(word) {
            let at = text.len() - rest.len();
            let rest_original = &text[at..];
            // "By" must be a word of its own: "Byron" is a name.
            if word.ends_with(':')
                || rest_original.starts_with([' ', ':', '\u{a0}'])
                || !word.is_ascii()
            {
                return Some(rest_original.trim_start_matches([' ', ':', '\u{a0}']));
            }
        }
    }
    None
}

/// Cleans a byline and splits it into names; empty when it does not look
/// like names.
pub fn names(text: &str) -> Vec<String> {
    let text = collapse(text);
    let mut rest: &str = strip_lead(&text).unwrap_or(&text);
    // "Jane Doe | Updated 5 March", "Jane Doe - 12.03.2024", "Jane Doe on
    // March 5": what follows is not names.
    for cut in [
        " | ", " · ", " • ", " - ", " – ", " — ", "\n", " on ", " am ", " le ", " el ",
    ] {
        if let Some((head, _)) = rest.split_once(cut) {
            rest = head;
        }
    }
    let mut parts: Vec<String> = vec![rest.to_string()];
    for separator in NAME_SEPARATORS {
        parts = parts
            .iter()
            .flat_map(|p| p.split(separator).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    let mut out = Vec::new();
    'parts: for part in parts {
        for (i, piece) in part.split(',').enumerate() {
            let piece = piece.trim().trim_end_matches(['.', ':', ';']).trim();
            if piece.is_empty() {
                continue;
            }
            let lower = piece.to_lowercase();
            if NOT_AUTHOR_WORDS.iter().any(|w| lower.contains(w)) {
                return Vec::new();
            }
            let job = |w: &str| JOB_WORDS.contains(&w) || JOB_QUALIFIERS.contains(&w);
            let words: Vec<&str> = lower.split_whitespace().collect();
            if (i == 0 && words.iter().all(|w| job(w)))
                || (i > 0 && words.iter().any(|w| JOB_WORDS.contains(w)))
            {
                // "Staff Writer" alone names nobody; after a comma, a job
                // title ends this author's part.
                if i == 0 {
                    continue 'parts;
                }
                break;
            }
            if !looks_like_name(piece) {
                return Vec::new();
            }
            if !out.iter().any(|n: &String| n.eq_ignore_ascii_case(piece)) {
                out.push(piece.to_string());
            }
        }
    }
    out
}

/// A name: one to five words, letters (and `.`, `'`, `-`) only, no digits,
/// not a sentence, the first letter of Latin words capitalised.
fn looks_like_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || text.chars().count() > 50 {
        return false;
    }
    if text
        .chars()
        .any(|c| !(c.is_alphabetic() || c == ' ' || c == '.' || c == '\'' || c == '’' || c == '-'))
    {
        return false;
    }
    // Latin-script names are capitalised; lower-case particles (van, de,
    // al) may stand between capitalised words.
    let latin = text.chars().any(|c| c.is_ascii_alphabetic());
    if latin {
        let capitalised = words
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count();
        let first_upper = words[0].chars().next().is_some_and(char::is_uppercase);
        if !first_upper || capitalised * 2 < words.len() + 1 {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn byline_of(page: &str) -> Option<Byline> {
        let html = Html::parse_document(page);
        let body = html
            .tree
            .nodes()
            .find(|n| {
                n.value()
                    .as_element()
                    .is_some_and(|e| attr(e, "id") == Some("body"))
            })
            .map(|n| n.id())
            .unwrap();
        find(&html, &[body])
    }

    #[test]
    fn names_are_cleaned_and_split() {
        assert_eq!(names("By Jane Doe"), ["Jane Doe"]);
        assert_eq!(names("By Jane Doe and John Roe"), ["Jane Doe", "John Roe"]);
        assert_eq!(names("By Jane Doe, Senior Reporter"), ["Jane Doe"]);
        assert_eq!(names("Jane Doe | 5 March 2024, 10:00"), ["Jane Doe"]);
        assert_eq!(
            names("Von Anna Müller und Jan de Vries"),
            ["Anna Müller", "Jan de Vries"]
        );
        assert_eq!(names("بقلم: أحمد علي"), ["أحمد علي"]);
        assert_eq!(names("كتب محمد حسن"), ["محمد حسن"]);
        assert_eq!(names("By Byron Smith"), ["Byron Smith"]);
        assert!(names("Photo: Ann Lee").is_empty());
        assert!(names("Gesponserte Inhalte").is_empty());
        assert!(names("By Staff Writer").is_empty());
        assert_eq!(names("By Jo Writer"), ["Jo Writer"]);
        // Not names: a sentence, a date, a paragraph.
        assert!(names("By the time the road reopened, it was dark.").is_empty());
        assert!(names("5 March 2024").is_empty());
        assert!(names("The council said the road would reopen on Monday after repairs to the bridge were finished").is_empty());
    }

    #[test]
    fn bylines_are_found_near_the_article_not_in_comments() {
        let found = byline_of(
            "<article><header><h1>T</h1><p class=\"byline\">By Jane Doe, Staff Writer</p></header>\
             <div id=\"body\"><p>Text of the article.</p></div>\
             <section class=\"comments\"><span class=\"author\">Troll King</span></section></article>",
        )
        .unwrap();
        assert_eq!(found.authors, ["Jane Doe"]);
        assert_eq!(found.text, "By Jane Doe, Staff Writer");
        let found =
            byline_of("<article><div id=\"body\"><p>By John Roe</p><p>Text.</p></div></article>")
                .unwrap();
        assert_eq!(found.authors, ["John Roe"]);
        let found = byline_of(
            "<article><a rel=\"author\" href=\"/a\">Ann Lee</a><div id=\"body\"><p>Text.</p></div></article>",
        )
        .unwrap();
        assert_eq!(found.authors, ["Ann Lee"]);
        let found = byline_of(
            "<article><span itemprop=\"author\" itemscope><span itemprop=\"name\">Sam Poe</span> (photos)</span>\
             <div id=\"body\"><p>Text.</p></div></article>",
        )
        .unwrap();
        assert_eq!(found.authors, ["Sam Poe"]);
        assert!(
            byline_of(
                "<article><div id=\"body\"><p>Text.</p></div><div class=\"comments\"><p>By Troll King</p></div></article>"
            )
            .is_none()
        );
    }
}
