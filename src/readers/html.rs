//! The HTML reader: a saved web page to the article it carries, without the
//! navigation, headers, footers, sidebars, share buttons, "related" lists,
//! comments and ads around it.
//!
//! Parsing is html5ever's (through scraper), so entities, implied and
//! misnested tags are handled as a browser would. Main-content extraction
//! follows the published descriptions of Readability, trafilatura and
//! jusText (no code of theirs is used):
//!
//! 1. **Boilerplate out.** Elements that are never content (`nav`, `aside`,
//!    `footer`, `form` controls, `script`, `style`, `iframe`, `svg`...),
//!    hidden ones, ARIA landmarks other than the main one, and elements
//!    whose `class`/`id` say comment, share, social, related, promo, ad,
//!    cookie, banner, newsletter, subscribe, sidebar, breadcrumb, menu...
//!    are dropped. A weak hint (`sidebar`, `header`, `menu`...) is ignored on
//!    an element holding most of the page's text, so a page-wide wrapper
//!    such as `<div class="has-sidebar">` does not take the article with it.
//! 2. **Scoring.** Every paragraph-like element with at least 25 characters
//!    gives points (one, plus one per comma, plus one per 100 characters up
//!    to three) to its parent, half to its grandparent and less further up;
//!    containers start from a bonus or malus for their tag and class, and end
//!    multiplied by one minus their link density.
//! 3. **The container.** The best-scoring container, moved up when its
//!    parent scores better or when several near-best candidates share an
//!    ancestor; `itemprop=articleBody`, `<article>` and `<main>` are
//!    preferred when they hold the same text. Siblings that score well, or
//!    that are paragraphs of real prose, join it (as in Readability).
//!    Prose standing between the headline and the container (a subtitle
//!    or lead kept in the article header) opens the body when the two
//!    stand close.
//! 4. **Blocks.** The container is walked in document order: `h2`–`h6`
//!    open sections (level kept), `p` are paragraphs, `blockquote` quotes,
//!    `li` list items, `pre` code; text directly inside containers forms
//!    paragraphs of its own. Lists, tables and `div`s inside it that are
//!    mostly links, form fields or images are left out (Readability's
//!    conditional cleaning). Inline markup is flattened, white space
//!    collapsed, and `<br>` is a line break inside its paragraph.
//!
//! Spans: html5ever does not report source positions, so the `spans` module finds
//! them with a tag scanner over the decoded text. A block's span covers its
//! element from the start tag to the end tag (or, when the end tag is
//! omitted, to the end of its content). Text that stands directly in a
//! container has the span of that container.
//!
//! Metadata comes from the page's own declarations (see the `meta` module);
//! when they name no author, the visible byline does (the `byline` module).

mod byline;
mod ids;
mod meta;
mod nesting;
mod spans;

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};

use crate::decode::Decoded;
use crate::error::{Error, Result};
use crate::lang;
use crate::model::{Block, BlockKind, Direction, Metadata, Section, Span};

use ids::attr;

/// What the HTML reader found: the parts of an article it is responsible for.
#[derive(Debug)]
pub struct HtmlStructure {
    /// The title and the span of the element it came from.
    pub title: Option<(String, Span)>,
    /// The body.
    pub sections: Vec<Section>,
    /// What the page declares about itself.
    pub metadata: Metadata,
    /// `<html lang>` as a BCP 47 tag, when declared.
    pub lang: Option<String>,
    /// `<html dir>` when declared, otherwise the direction of the text.
    pub dir: Direction,
    /// Whether `dir` was declared by the page.
    pub dir_declared: bool,
}

/// Reads the main content and the metadata of an HTML page.
///
/// # Errors
///
/// [`Error::EmptyPage`] when the page has neither a title nor any text.
pub fn read(decoded: &Decoded) -> Result<HtmlStructure> {
    // Blanking deep tags keeps every offset, so spans still point into
    // the decoded text.
    let (limited, tags) = nesting::limit_nesting_and_scan(&decoded.text);
    let text = &*limited;
    let html = Html::parse_document(text);
    let tags = tags.unwrap_or_else(|| spans::scan(text));
    let positions = spans::Positions::new(text, tags, &html);
    let declared = meta::declared(&html);
    let base = Base::new(&html);
    let page = Page {
        base: &base,
        decoded,
        positions: &positions,
        declared: &declared,
    };
    // As Readability does: when class and id hints leave almost nothing,
    // they were wrong about this page; try again without them.
    let mut found = page.extract(true);
    if found.chars() < RETRY_BELOW_CHARS {
        let again = page.extract(false);
        if again.chars() > found.chars() {
            found = again;
        }
    }
    let Extraction {
        title,
        mut sections,
        time,
        containers,
    } = found;
    let mut metadata = declared.metadata;
    if metadata.published.is_none() {
        metadata.published = time;
    }
    if metadata.authors.is_empty()
        && let Some(found) = byline::find(&html, &containers)
    {
        metadata.authors = found.authors;
    }
    drop_bylines(&mut sections, &metadata.authors);
    if title.is_none() && sections.is_empty() {
        return Err(Error::EmptyPage);
    }
    let dir_declared = declared.dir.is_some();
    let dir = declared.dir.unwrap_or_else(|| {
        let mut sample = String::new();
        for block in sections.iter().flat_map(|s| s.blocks.iter()) {
            sample.push_str(&block.text);
            sample.push('\n');
            if sample.len() > 16 * 1024 {
                break;
            }
        }
        if sample.is_empty()
            && let Some((t, _)) = &title
        {
            sample.push_str(t);
        }
        lang::direction_of_text(&sample)
    });
    Ok(HtmlStructure {
        title,
        sections,
        metadata,
        lang: declared.lang,
        dir,
        dir_declared,
    })
}

/// Removes blocks that only name the article's authors ("By Jane Doe"):
/// they are its byline, already in `metadata.authors`, not its text.
fn drop_bylines(sections: &mut Vec<Section>, authors: &[String]) {
    if authors.is_empty() {
        return;
    }
    let is_byline = |block: &Block| {
        block.text.chars().count() <= 120
            // What `names` returns are pieces of the collapsed text: where
            // no author's name stands in it, no block can be their byline.
            && {
                let collapsed = byline::collapse(&block.text);
                authors
                    .iter()
                    .any(|a| contains_ignore_ascii_case(&collapsed, a))
            }
            && {
            let names = byline::names(&block.text);
            !names.is_empty()
                && names
                    .iter()
                    .all(|n| authors.iter().any(|a| a.eq_ignore_ascii_case(n)))
        }
    };
    for section in sections.iter_mut() {
        section.blocks.retain(|b| !is_byline(b));
    }
    sections.retain(|s| s.heading.is_some() || !s.blocks.is_empty());
}

/// Whether `needle` stands in `haystack`, ASCII letters in either case.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    needle.len() <= haystack.len()
        && haystack
            .windows(needle.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(needle))
        || needle.is_empty()
}

/// Below this many characters of body text, extraction is tried again
/// without class and id hints.
const RETRY_BELOW_CHARS: usize = 500;

/// What one extraction attempt found.
struct Extraction {
    title: Option<(String, Span)>,
    sections: Vec<Section>,
    /// The first `<time datetime>` of the content.
    time: Option<String>,
    /// The containers the body was read from.
    containers: Vec<NodeId>,
}

impl Extraction {
    fn chars(&self) -> usize {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter())
            .map(|b| b.text.chars().count())
            .sum()
    }
}

/// The parsed page and what is known about it before extraction.
struct Page<'p> {
    base: &'p Base<'p>,
    decoded: &'p Decoded<'p>,
    positions: &'p spans::Positions<'p>,
    declared: &'p meta::Declared,
}

impl Page<'_> {
    /// One extraction attempt, with or without class and id hints.
    fn extract(&self, hints: bool) -> Extraction {
        let (decoded, positions, declared) = (self.decoded, self.positions, self.declared);
        let doc = Doc::new(self.base, hints);
        let containers = doc.content();
        let mut emitter = Emitter {
            doc: &doc,
            decoded,
            positions,
            sections: Vec::new(),
            current: empty_section(),
            title: None,
            root_text: 0,
        };
        let h1 = doc.first_h1(&containers);
        let title = match (&declared.og_title, &h1, &declared.title_tag) {
            (Some((title, id)), _, _) => Some((title.clone(), *id)),
            (None, Some((title, id)), _) => Some((title.clone(), *id)),
            (None, None, Some((title, id))) if !title.is_empty() => Some((title.clone(), *id)),
            _ => None,
        };
        emitter.title = title.as_ref().map(|(t, _)| t.clone());
        let first_h1 = h1.as_ref().map(|(_, id)| *id);
        for node in doc.standfirst(emitter.title.as_deref(), first_h1, &containers) {
            let text = doc.plain_text(node);
            let span = emitter.span(node);
            emitter.push_block(BlockKind::Paragraph, text, span);
        }
        for &container in &containers {
            emitter.walk_root(container);
        }
        emitter.flush_section();
        let sections = tidy_sections(emitter.sections);

        let title = title.map(|(t, id)| (t, emitter_span(decoded, positions, &doc, id)));
        Extraction {
            title,
            sections,
            time: doc.first_time(&containers),
            containers: containers.iter().map(|c| c.id()).collect(),
        }
    }
}

fn empty_section() -> Section {
    Section {
        heading: None,
        level: None,
        heading_span: None,
        blocks: Vec::new(),
    }
}

/// Drops sections left without blocks, unless a deeper heading follows
/// (a heading that only introduces sub-sections).
fn tidy_sections(sections: Vec<Section>) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::with_capacity(sections.len());
    let levels: Vec<Option<u8>> = sections.iter().map(|s| s.level).collect();
    for (i, section) in sections.into_iter().enumerate() {
        if section.blocks.is_empty() {
            let deeper_follows = match (section.level, levels.get(i + 1).copied().flatten()) {
                (Some(level), Some(next)) => next > level,
                _ => false,
            };
            if !deeper_follows || section.heading.is_none() {
                continue;
            }
        }
        out.push(section);
    }
    out
}

/// Elements never part of the content, with everything inside them.
const JUNK_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "math",
    "canvas",
    "video",
    "audio",
    "object",
    "embed",
    "nav",
    "aside",
    "footer",
    "button",
    "select",
    "input",
    "textarea",
    "option",
    "dialog",
    "menu",
    "head",
    "title",
    "meta",
    "link",
    "frame",
    "frameset",
    "map",
    "figcaption",
    "label",
    "picture",
    "source",
    "rt",
    "rp",
];

/// Elements that stay inside a line of text.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
    "del", "ins", "img", "big", "tt", "strike", "nobr", "acronym", "label", "abbr", "rt", "rp",
    "ruby",
];

/// Class and id words that mark boilerplate, matched inside words and
/// winning over a positive word.
const STRONG_NEGATIVE: &[&str] = &[
    "comment",
    "disqus",
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscri",
    "share",
    "sharing",
    "social",
    "related",
    "promo",
    "outbrain",
    "taboola",
    "sponsor",
    "breadcrumb",
    "advert",
    "popup",
    "modal",
    "recommend",
    "signup",
    "sign-up",
    "login",
    "banner",
    "skiplink",
    "skip-link",
];

/// Class and id words that mark boilerplate when matched as whole words
/// and no positive word is there.
const WEAK_NEGATIVE: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "sidebar",
    "footer",
    "header",
    "masthead",
    "pagination",
    "pager",
    "tags",
    "tag",
    "meta",
    "extra",
    "aside",
    "toolbar",
    "rss",
    "byline",
    "author",
    "topics",
    "teaser",
    "more",
    "most",
    "popular",
    "trending",
    "links",
    "tools",
    "caption",
    "credits",
    "credit",
    "toggle",
    "follow",
    "disclaimer",
    "sources",
    "sidenav",
    "subnav",
    "topbar",
    "bottom",
    "actions",
    "toc",
    "date",
    "dateline",
    "timestamp",
    "btn",
];

/// Class and id words of content containers.
const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "main", "page", "post", "text", "blog",
    "story", "prose", "richtext",
];

/// ARIA roles of regions that are not the content.
const JUNK_ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
    "tooltip",
];

/// Counts over an element's visible, non-boilerplate text.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    /// Characters of text (white space runs count as one).
    text: usize,
    /// Characters of text inside links.
    links: usize,
    /// Commas, in any script.
    commas: usize,
    /// `p` elements.
    paragraphs: usize,
    /// `li` elements.
    items: usize,
    /// `img` elements.
    images: usize,
    /// Form fields.
    inputs: usize,
    /// `embed`/`iframe`/`object`/`video` elements.
    embeds: usize,
    /// Whether a block-level element is inside.
    has_block: bool,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.text += other.text;
        self.links += other.links;
        self.commas += other.commas;
        self.paragraphs += other.paragraphs;
        self.items += other.items;
        self.images += other.images;
        self.inputs += other.inputs;
        self.embeds += other.embeds;
        self.has_block |= other.has_block;
    }

    fn link_density(&self) -> f64 {
        if self.text == 0 {
            0.0
        } else {
            self.links as f64 / self.text as f64
        }
    }
}

/// The parsed page with what both extraction attempts need per node,
/// computed once.
struct Base<'a> {
    html: &'a Html,
    /// Nodes in document order.
    nodes: Vec<NodeRef<'a, Node>>,
    /// Node id to position in `nodes`.
    keys: ids::NodeKeys,
    /// Position of each node's parent in `nodes` (`NO_PARENT` for the root).
    parent: Vec<u32>,
    /// [`junk_by_markup`] of each element: boilerplate, and hinted so.
    markup: Vec<(bool, bool)>,
    /// [`class_weight`] of each element.
    class_weight: Vec<i32>,
    /// Whether the node is an element other than the inline ones.
    block: Vec<bool>,
    /// Of each text node: [`collapsed_len`] and the number of commas
    /// ([`text_counts`]).
    text: Vec<(u32, u32)>,
}

const NO_PARENT: u32 = u32::MAX;

impl<'a> Base<'a> {
    fn new(html: &'a Html) -> Base<'a> {
        let nodes: Vec<NodeRef<'a, Node>> = html
            .tree
            .root()
            .traverse()
            .filter_map(|edge| match edge {
                ego_tree::iter::Edge::Open(node) => Some(node),
                ego_tree::iter::Edge::Close(_) => None,
            })
            .collect();
        let keys = ids::NodeKeys::new(nodes.iter().map(|n| n.id()));
        let n = nodes.len();
        let mut base = Base {
            html,
            parent: vec![NO_PARENT; n],
            markup: vec![(false, false); n],
            class_weight: vec![0; n],
            block: vec![false; n],
            text: vec![(0, 0); n],
            keys,
            nodes,
        };
        for i in 0..n {
            let node = base.nodes[i];
            if let Some(parent) = node.parent() {
                base.parent[i] = base.keys.get(parent.id()).unwrap_or(0) as u32;
            }
            match node.value() {
                Node::Element(element) => {
                    base.markup[i] = junk_by_markup(node, element);
                    base.class_weight[i] = class_weight(element);
                    base.block[i] = !INLINE_WORDS.contains(element.name().as_bytes());
                }
                // The text of a script or style (raw text: no elements
                // inside) only counts towards that element, which is
                // boilerplate by its tag in both attempts and so never
                // adds to its ancestors, is never scored, walked or taken
                // as a standfirst: its counts are never read. Pages carry
                // megabytes of it.
                Node::Text(_)
                    if node.parent().is_some_and(|p| {
                        p.value()
                            .as_element()
                            .is_some_and(|e| matches!(e.name(), "script" | "style"))
                    }) => {}
                Node::Text(text) => {
                    let (len, commas) = text_counts(text);
                    base.text[i] = (len as u32, commas as u32);
                }
                _ => {}
            }
        }
        base
    }
}

/// The parsed page with what one extraction attempt needs per node.
struct Doc<'a> {
    html: &'a Html,
    base: &'a Base<'a>,
    /// Nodes in document order.
    nodes: &'a [NodeRef<'a, Node>],
    /// Whether a node is boilerplate (and so is everything inside it).
    junk: Vec<bool>,
    /// Whether a node or one of its ancestors is boilerplate.
    under_junk: Vec<bool>,
    /// Counts of each node, boilerplate excluded.
    counts: Vec<Counts>,
    /// Class/id weight of each element (Readability's ±25).
    weight: Vec<i32>,
}

impl<'a> Doc<'a> {
    fn new(base: &'a Base<'a>, hints: bool) -> Doc<'a> {
        let n = base.nodes.len();
        let mut doc = Doc {
            html: base.html,
            base,
            nodes: &base.nodes,
            junk: vec![false; n],
            under_junk: Vec::new(),
            counts: vec![Counts::default(); n],
            weight: vec![0; n],
        };
        let mut hinted = vec![false; n];
        for (i, node) in doc.nodes.iter().enumerate() {
            if let Some(element) = node.value().as_element() {
                let (junk, hint) = base.markup[i];
                doc.junk[i] = junk;
                // A form (sign-up, log-in, comment box) is no article, with
                // or without hints; unless it wraps the page (ASP.NET).
                hinted[i] = (hint && hints) || element.name() == "form";
                doc.weight[i] = if hints { base.class_weight[i] } else { 0 };
            }
        }
        doc.count();
        // A hint does not remove an element that holds most of the text.
        let total = doc.counts.first().map_or(0, |c| c.text);
        let mut changed = false;
        for (i, &hint) in hinted.iter().enumerate() {
            if doc.counts[i].text * 2 >= total.max(1) {
                // Nor does a class weigh against it.
                doc.weight[i] = doc.weight[i].max(0);
            } else if hint && !doc.junk[i] {
                doc.junk[i] = true;
                changed = true;
            }
        }
        if changed {
            doc.count();
        }
        // Parents come before their children in document order.
        let mut under_junk = doc.junk.clone();
        for i in 0..n {
            let p = base.parent[i];
            if p != NO_PARENT && under_junk[p as usize] {
                under_junk[i] = true;
            }
        }
        doc.under_junk = under_junk;
        doc
    }

    fn idx(&self, node: NodeRef<'a, Node>) -> usize {
        self.base.keys.get(node.id()).unwrap_or(0)
    }

    /// Computes [`Counts`] bottom-up (children come after their parent in
    /// document order), leaving boilerplate out of its ancestors.
    fn count(&mut self) {
        let base = self.base;
        let mut counts = vec![Counts::default(); self.nodes.len()];
        for i in (0..self.nodes.len()).rev() {
            let node = self.nodes[i];
            let mut own = counts[i];
            match node.value() {
                Node::Text(_) => {
                    let (len, commas) = base.text[i];
                    own.text += len as usize;
                    own.commas += commas as usize;
                }
                Node::Element(element) => match element.name() {
                    "a" => own.links = own.text,
                    "p" => own.paragraphs += 1,
                    "li" => own.items += 1,
                    "img" => own.images += 1,
                    // Buttons (print, share, "show more") and check boxes
                    // (ingredient and task lists) are everywhere on modern
                    // pages; only fields that take typed input mark a form.
                    "input" if !is_entry_field(element) => {}
                    "input" | "select" | "textarea" => own.inputs += 1,
                    "embed" | "iframe" | "object" | "video" => own.embeds += 1,
                    _ => {}
                },
                _ => {}
            }
            counts[i] = own;
            let p = base.parent[i];
            if p != NO_PARENT {
                let p = p as usize;
                if self.junk[i] {
                    // Form fields and embeds count even when dropped.
                    counts[p].inputs += own.inputs;
                    counts[p].embeds += own.embeds;
                    continue;
                }
                let is_block = base.block[i];
                let own = counts[i];
                counts[p].add(&own);
                counts[p].has_block |= is_block;
            }
        }
        self.counts = counts;
    }

    /// Whether the node or one of its ancestors is boilerplate.
    fn in_junk(&self, node: NodeRef<'a, Node>) -> bool {
        self.under_junk[self.idx(node)]
    }

    fn body(&self) -> NodeRef<'a, Node> {
        self.nodes
            .iter()
            .copied()
            .find(|n| n.value().as_element().is_some_and(|e| e.name() == "body"))
            .unwrap_or_else(|| self.html.tree.root())
    }

    /// The containers holding the main content, in document order.
    fn content(&self) -> Vec<NodeRef<'a, Node>> {
        let body = self.body();
        let mut scores: HashMap<usize, f64> = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            let Some(element) = node.value().as_element() else {
                continue;
            };
            let paragraph_like = match element.name() {
                "p" | "pre" => true,
                "td" | "div" | "section" | "article" | "dd" => !self.counts[i].has_block,
                _ => false,
            };
            if !paragraph_like || self.counts[i].text < 25 || self.in_junk(*node) {
                continue;
            }
            let c = &self.counts[i];
            let score = 1.0 + c.commas as f64 + (c.text as f64 / 100.0).floor().min(3.0);
            for (level, ancestor) in node.ancestors().take(5).enumerate() {
                if ancestor.value().as_element().is_none() {
                    break;
                }
                let a = self.idx(ancestor);
                let entry = scores.entry(a).or_insert_with(|| self.initial_score(a));
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => level as f64 * 3.0,
                };
                *entry += score / divider;
            }
        }
        for (i, score) in scores.iter_mut() {
            *score *= 1.0 - self.counts[*i].link_density();
        }
        let Some((&top_index, &top_score)) = scores
            .iter()
            .filter(|(i, _)| self.nodes[**i].id() != body.id() || scores.len() == 1)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        else {
            return vec![body];
        };
        let mut top = self.nodes[top_index];
        let mut top_score = top_score;

        // Several near-best candidates under one ancestor: take the ancestor.
        let alternatives: Vec<usize> = scores
            .iter()
            .filter(|(i, s)| **i != top_index && **s >= top_score * 0.75)
            .map(|(i, _)| *i)
            .collect();
        if alternatives.len() >= 3 {
            for ancestor in top.ancestors() {
                if ancestor.id() == body.id() || ancestor.value().as_element().is_none() {
                    break;
                }
                let holds = alternatives
                    .iter()
                    .filter(|&&i| self.nodes[i].ancestors().any(|a| a.id() == ancestor.id()))
                    .count();
                if holds >= 3 {
                    top = ancestor;
                    top_score = scores
                        .get(&self.idx(ancestor))
                        .copied()
                        .unwrap_or(top_score);
                    break;
                }
            }
        }
        // A parent that scores better than its best child is the container.
        let mut last = top_score;
        let threshold = last / 3.0;
        let mut parent = top.parent();
        while let Some(p) = parent {
            if p.id() == body.id() || p.value().as_element().is_none() {
                break;
            }
            match scores.get(&self.idx(p)) {
                None => {}
                Some(&score) if score < threshold => break,
                Some(&score) if score > last => {
                    top = p;
                    top_score = score;
                    break;
                }
                Some(&score) => last = score,
            }
            parent = p.parent();
        }
        // An only child stands for its parent.
        while let Some(p) = top.parent() {
            if p.id() == body.id() || p.value().as_element().is_none() {
                break;
            }
            if p.children().filter(|c| c.value().is_element()).count() != 1 {
                break;
            }
            top = p;
        }
        let top = self.prefer_semantic(top);
        top_score = scores.get(&self.idx(top)).copied().unwrap_or(top_score);
        self.with_siblings(top, top_score, &scores)
    }

    /// `itemprop=articleBody`, `<article>` or `<main>` instead of the scored
    /// container when they hold the same text.
    fn prefer_semantic(&self, top: NodeRef<'a, Node>) -> NodeRef<'a, Node> {
        let top_counts = self.counts[self.idx(top)];
        let semantic = |node: &NodeRef<'a, Node>| {
            node.value().as_element().is_some_and(|e| {
                attr(e, "itemprop")
                    .is_some_and(|p| p.split_ascii_whitespace().any(|p| p == "articleBody"))
                    || matches!(e.name(), "article" | "main")
            })
        };
        // An ancestor: take it when it adds little besides the container.
        for ancestor in top.ancestors() {
            if !semantic(&ancestor) {
                continue;
            }
            let c = self.counts[self.idx(ancestor)];
            if !self.in_junk(ancestor)
                && c.link_density() < 0.3
                && (c.text as f64) < top_counts.text as f64 * 1.6 + 200.0
            {
                return ancestor;
            }
            break;
        }
        // A descendant: take it when it holds nearly all the container's text.
        for node in top.descendants().skip(1) {
            if semantic(&node) && !self.in_junk(node) {
                let c = self.counts[self.idx(node)];
                if c.text as f64 >= top_counts.text as f64 * 0.85 {
                    return node;
                }
            }
        }
        top
    }

    /// The container and those of its siblings that are content too.
    fn with_siblings(
        &self,
        top: NodeRef<'a, Node>,
        top_score: f64,
        scores: &HashMap<usize, f64>,
    ) -> Vec<NodeRef<'a, Node>> {
        let Some(parent) = top.parent() else {
            return vec![top];
        };
        if parent.value().as_element().is_none() {
            return vec![top];
        }
        let threshold = (top_score * 0.2).max(10.0);
        let top_class = top
            .value()
            .as_element()
            .and_then(|e| attr(e, "class"))
            .unwrap_or_default();
        let mut out = Vec::new();
        for sibling in parent.children() {
            if sibling.id() == top.id() {
                out.push(sibling);
                continue;
            }
            let i = self.idx(sibling);
            let Some(element) = sibling.value().as_element() else {
                continue;
            };
            if self.junk[i] {
                continue;
            }
            let bonus = if !top_class.is_empty() && attr(element, "class") == Some(top_class) {
                top_score * 0.2
            } else {
                0.0
            };
            let c = &self.counts[i];
            let include = match scores.get(&i) {
                Some(score) if score + bonus >= threshold => true,
                _ if element.name() == "p" => {
                    let density = c.link_density();
                    if c.text > 80 {
                        density < 0.25
                    } else {
                        c.text > 0 && density == 0.0 && ends_like_prose(&self.plain_text(sibling))
                    }
                }
                _ => false,
            };
            if include {
                out.push(sibling);
            }
        }
        out
    }

    fn initial_score(&self, i: usize) -> f64 {
        let tag = self.nodes[i].value().as_element().map_or("", |e| e.name());
        let base = match tag {
            "div" | "article" | "main" => 5.0,
            "pre" | "td" | "blockquote" | "section" => 3.0,
            "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        };
        base + f64::from(self.weight[i])
    }

    /// The element's text, flattened, boilerplate excluded.
    fn plain_text(&self, node: NodeRef<'a, Node>) -> String {
        let mut out = String::new();
        self.inline_text(node, &mut out, 0);
        normalise(&out)
    }

    fn inline_text(&self, node: NodeRef<'a, Node>, out: &mut String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node.value() {
            Node::Text(text) => push_collapsed(out, &text[..]),
            Node::Element(element) => {
                let i = self.idx(node);
                if self.junk[i] {
                    return;
                }
                if element.name() == "br" {
                    out.push('\n');
                    return;
                }
                let block = self.base.block[i];
                if block {
                    push_space(out);
                }
                for child in node.children() {
                    self.inline_text(child, out, depth + 1);
                }
                if block {
                    push_space(out);
                }
            }
            _ => {}
        }
    }

    /// The first `h1` outside boilerplate, preferring one in the content.
    fn first_h1(&self, containers: &[NodeRef<'a, Node>]) -> Option<(String, NodeId)> {
        let is_h1 =
            |n: &NodeRef<'a, Node>| n.value().as_element().is_some_and(|e| e.name() == "h1");
        let in_content = containers
            .iter()
            .flat_map(|c| c.descendants())
            .find(|n| is_h1(n) && !self.in_junk(*n));
        let anywhere = || {
            self.nodes
                .iter()
                .copied()
                .find(|n| is_h1(n) && !self.in_junk(*n))
        };
        let h1 = in_content.or_else(anywhere)?;
        let text = self.plain_text(h1).replace('\n', " ");
        (!text.is_empty()).then(|| (text, h1.id()))
    }

    /// The standfirst: prose standing between the headline and the chosen
    /// content, such as a subtitle or lead paragraph the page keeps in its
    /// article header. The headline is the last `h1` before the content
    /// that reads as the title or is the page's first `h1`; the header around both may be marked as
    /// boilerplate (`entry-header`), so only boilerplate that does not hold
    /// the headline counts. Only when the headline is close above the
    /// content (little text between them) and only prose-like leaves: at
    /// least 50 characters, few links.
    fn standfirst(
        &self,
        title: Option<&str>,
        first_h1: Option<NodeId>,
        containers: &[NodeRef<'a, Node>],
    ) -> Vec<NodeRef<'a, Node>> {
        let Some(first) = containers.first() else {
            return Vec::new();
        };
        let start = self.idx(*first);
        let Some(h1) = (0..start).rev().find(|&i| {
            let node = self.nodes[i];
            node.value().as_element().is_some_and(|e| e.name() == "h1")
                && !self.junk[i]
                && !node.descendants().any(|d| d.id() == first.id())
                && (Some(node.id()) == first_h1
                    || title
                        .is_some_and(|t| same_text(&self.plain_text(node).replace('\n', " "), t)))
        }) else {
            return Vec::new();
        };
        let headline = self.nodes[h1];
        let outside_header = |node: NodeRef<'a, Node>| {
            std::iter::once(node)
                .chain(node.ancestors())
                .take_while(|a| !headline.ancestors().any(|h| h.id() == a.id()))
                .any(|a| self.junk[self.idx(a)])
        };
        let mut between = 0;
        let mut found = Vec::new();
        let mut i = h1 + headline.descendants().count();
        while i < start {
            let node = self.nodes[i];
            let Some(element) = node.value().as_element() else {
                if let Node::Text(text) = node.value()
                    && !outside_header(node)
                {
                    between += collapsed_len(&text[..]);
                }
                i += 1;
                continue;
            };
            let c = self.counts[i];
            let leaf = !c.has_block && self.base.block[i];
            if leaf
                && !outside_header(node)
                && c.text >= 50
                && c.link_density() < 0.3
                && !matches!(element.name(), "li" | "td" | "th" | "dt" | "dd" | "label")
            {
                found.push(node);
                i += node.descendants().count();
                continue;
            }
            i += 1;
        }
        if between > 1000 || found.len() > 2 {
            return Vec::new();
        }
        found
    }

    /// The first `<time datetime>` in the content, else in the page.
    fn first_time(&self, containers: &[NodeRef<'a, Node>]) -> Option<String> {
        let time = |n: &NodeRef<'a, Node>| {
            n.value()
                .as_element()
                .filter(|e| e.name() == "time")
                .and_then(|e| attr(e, "datetime"))
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
        };
        containers
            .iter()
            .flat_map(|c| c.descendants())
            .find_map(|n| time(&n))
            .or_else(|| {
                self.nodes
                    .iter()
                    .filter(|n| !self.in_junk(**n))
                    .find_map(time)
            })
    }

    /// Whether the element's text is a `<time>` element and nothing else
    /// (a dateline set as a paragraph).
    fn only_time(&self, node: NodeRef<'a, Node>) -> bool {
        let total = self.counts[self.idx(node)].text;
        total > 0
            && node.descendants().any(|d| {
                d.value().as_element().is_some_and(|e| e.name() == "time")
                    && self.counts[self.idx(d)].text * 10 >= total * 9
            })
    }

    /// Readability's conditional cleaning: a list, table or division inside
    /// the content that is mostly links, fields or images is left out.
    fn is_clutter(&self, node: NodeRef<'a, Node>, name: &str) -> bool {
        let i = self.idx(node);
        let c = &self.counts[i];
        let weight = self.weight[i];
        let density = c.link_density();
        let prose = c.paragraphs >= 3 && c.text >= 1000 && density < 0.2;
        if weight < 0 && !prose {
            return true;
        }
        let is_list = matches!(name, "ul" | "ol" | "dl");
        if is_list {
            return density > 0.5 && c.commas < 10;
        }
        if c.commas >= 10 {
            return false;
        }
        let in_figure = node
            .ancestors()
            .any(|a| a.value().as_element().is_some_and(|e| e.name() == "figure"));
        (c.images > 1
            && (c.paragraphs as f64) < c.images as f64 * 0.5
            && !in_figure
            && c.text < 300)
            || (c.inputs > (c.paragraphs + c.items) / 3)
            || (weight < 25 && density > 0.2 && c.text < 600)
            || (weight >= 25 && density > 0.5)
            || (c.embeds == 1 && c.text < 75)
            || c.embeds > 1
    }
}

/// Whether an `input` takes typed text (not a button, check box, radio
/// button or hidden value).
fn is_entry_field(element: &scraper::node::Element) -> bool {
    let kind = attr(element, "type")
        .unwrap_or("text")
        .trim()
        .to_ascii_lowercase();
    !matches!(
        kind.as_str(),
        "hidden" | "checkbox" | "radio" | "submit" | "button" | "image" | "reset"
    )
}

/// Deepest nesting walked; deeper markup (pathological or hostile) is cut.
const MAX_DEPTH: usize = 256;

/// Builds sections and blocks from the chosen containers.
struct Emitter<'d, 'a> {
    doc: &'d Doc<'a>,
    decoded: &'d Decoded<'d>,
    positions: &'d spans::Positions<'d>,
    sections: Vec<Section>,
    current: Section,
    title: Option<String>,
    /// Text length of the container being walked.
    root_text: usize,
}

impl<'a> Emitter<'_, 'a> {
    fn span(&self, node: NodeRef<'a, Node>) -> Span {
        emitter_span(self.decoded, self.positions, self.doc, node.id())
    }

    fn push_block(&mut self, kind: BlockKind, text: String, span: Span) {
        if text.is_empty() || !text.chars().any(char::is_alphanumeric) {
            return;
        }
        self.current.blocks.push(Block {
            kind,
            text: text.into(),
            span,
        });
    }

    fn flush_section(&mut self) {
        let section = std::mem::replace(&mut self.current, empty_section());
        if section.heading.is_some() || !section.blocks.is_empty() {
            self.sections.push(section);
        }
    }

    /// Emits the blocks of a chosen container, which is never left out as
    /// clutter itself.
    fn walk_root(&mut self, node: NodeRef<'a, Node>) {
        self.root_text = self.doc.counts[self.doc.idx(node)].text;
        let Some(element) = node.value().as_element() else {
            self.walk_children(node, BlockKind::Paragraph, 0);
            return;
        };
        if self.doc.junk[self.doc.idx(node)] {
            return;
        }
        let name = element.name();
        let is_block = matches!(
            name,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "pre" | "li" | "blockquote"
        );
        if !(is_block && self.block(node, name, BlockKind::Paragraph, 0)) {
            self.walk_children(node, BlockKind::Paragraph, 0);
        }
    }

    /// Emits the blocks of a container, grouping loose inline content.
    fn walk(&mut self, node: NodeRef<'a, Node>, kind: BlockKind, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let doc = self.doc;
        if node.value().is_element() && doc.junk[doc.idx(node)] {
            return;
        }
        if let Some(element) = node.value().as_element()
            && self.block(node, element.name(), kind, depth)
        {
            return;
        }
        self.walk_children(node, kind, depth);
    }

    fn flush_loose(&mut self, loose: &mut String, container: NodeRef<'a, Node>, kind: BlockKind) {
        let text = normalise(loose);
        loose.clear();
        if !text.is_empty() {
            let span = self.span(container);
            self.push_block(kind, text, span);
        }
    }

    /// Handles an element that is a block of its own; false for containers.
    fn block(
        &mut self,
        node: NodeRef<'a, Node>,
        name: &str,
        kind: BlockKind,
        depth: usize,
    ) -> bool {
        let doc = self.doc;
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let text = doc.plain_text(node).replace('\n', " ");
                if text.is_empty() {
                    return true;
                }
                if name == "h1" && self.title.as_deref().is_none_or(|t| same_text(t, &text)) {
                    return true;
                }
                let level = name[1..].parse::<u8>().unwrap_or(2).max(2);
                let c = &doc.counts[doc.idx(node)];
                if c.link_density() > 0.5 && c.text < 80 {
                    return true;
                }
                self.flush_section();
                self.current.heading = Some(text.into());
                self.current.level = Some(level);
                self.current.heading_span = Some(self.span(node));
                true
            }
            "p" => {
                let c = &doc.counts[doc.idx(node)];
                // Links standing as a paragraph ("Read also: ...", a list of
                // headlines) are not the article's prose.
                if (c.link_density() > 0.6 && c.text < 200) || c.link_density() > 0.8 {
                    return true;
                }
                if doc.only_time(node) {
                    return true;
                }
                if c.has_block {
                    return false;
                }
                self.push_leaf(node, kind);
                true
            }
            "pre" => {
                let mut raw = String::new();
                self.raw_text(node, &mut raw, depth);
                let text = raw.trim_start_matches(['\n', '\r']).trim_end().to_string();
                let span = self.span(node);
                self.push_block(BlockKind::Code, text, span);
                true
            }
            "li" => {
                self.leaf_or_children(node, BlockKind::ListItem, depth);
                true
            }
            "blockquote" => {
                let c = &doc.counts[doc.idx(node)];
                if c.link_density() > 0.5 {
                    // A "see also" box set as a quote, or an embedded post.
                    return true;
                }
                self.leaf_or_children(node, BlockKind::Quote, depth);
                true
            }
            "ul" | "ol" | "dl" | "table" | "div" | "section" | "form" | "fieldset" => {
                // What holds most of the chosen container's text is the
                // content itself, however many fields or images sit in it.
                let c = &doc.counts[doc.idx(node)];
                (c.inputs > 1 || c.text * 2 <= self.root_text) && doc.is_clutter(node, name)
            }
            "hr" => true,
            _ => false,
        }
    }

    /// Walks the children of `node` as a container with `kind` for loose text.
    /// One block of `kind` holding the element's text.
    fn push_leaf(&mut self, node: NodeRef<'a, Node>, kind: BlockKind) {
        let text = self.doc.plain_text(node);
        let span = self.span(node);
        self.push_block(kind, text, span);
    }

    /// A list item or quote: one block, or, when it holds blocks of its
    /// own (paragraphs inside a `<li>`), one block of `kind` per child.
    fn leaf_or_children(&mut self, node: NodeRef<'a, Node>, kind: BlockKind, depth: usize) {
        if self.doc.counts[self.doc.idx(node)].has_block {
            self.walk_children(node, kind, depth);
        } else {
            self.push_leaf(node, kind);
        }
    }

    fn walk_children(&mut self, node: NodeRef<'a, Node>, kind: BlockKind, depth: usize) {
        let mut loose = String::new();
        for child in node.children() {
            match child.value() {
                Node::Text(text) => push_collapsed(&mut loose, &text[..]),
                // A date standing between blocks is a dateline, not text.
                Node::Element(element) if element.name() == "time" => {}
                Node::Element(_) => {
                    let c = self.doc.idx(child);
                    let inline = !self.doc.base.block[c] && !self.doc.counts[c].has_block;
                    if inline {
                        self.doc.inline_text(child, &mut loose, depth + 1);
                    } else {
                        self.flush_loose(&mut loose, node, kind);
                        self.walk(child, kind, depth + 1);
                    }
                }
                _ => {}
            }
        }
        self.flush_loose(&mut loose, node, kind);
    }

    fn raw_text(&self, node: NodeRef<'a, Node>, out: &mut String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for child in node.children() {
            match child.value() {
                Node::Text(text) => out.extend(text.chars().filter(|&c| c != SOFT_HYPHEN)),
                Node::Element(element) => {
                    if element.name() == "br" {
                        out.push('\n');
                    } else if !self.doc.junk[self.doc.idx(child)] {
                        self.raw_text(child, out, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The span of an element in the original bytes: its own range when the
/// scanner found it, else that of its nearest located ancestor, else the
/// whole input.
fn emitter_span(
    decoded: &Decoded,
    positions: &spans::Positions<'_>,
    doc: &Doc,
    id: NodeId,
) -> Span {
    let range = doc
        .html
        .tree
        .get(id)
        .into_iter()
        .flat_map(|node| std::iter::once(node).chain(node.ancestors()))
        .find_map(|node| positions.range(node.id()))
        .unwrap_or((0, decoded.text.len()));
    Span {
        start: decoded.original_offset(range.0) as u64,
        end: decoded.original_offset(range.1) as u64,
    }
}

/// Whether an element is boilerplate by its tag, role or hiddenness, and
/// whether its class or id hint that it is (a hint is only believed for an
/// element that does not hold most of the page's text).
fn junk_by_markup(node: NodeRef<Node>, element: &scraper::node::Element) -> (bool, bool) {
    let name = element.name();
    if JUNK_WORDS.contains(name.as_bytes()) {
        return (true, false);
    }
    if attr(element, "hidden").is_some()
        || attr(element, "aria-hidden") == Some("true")
        || attr(element, "style").is_some_and(|s| {
            let s: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        })
    {
        return (true, false);
    }
    if let Some(role) = attr(element, "role")
        && JUNK_ROLES.contains(&role.trim().to_ascii_lowercase().as_str())
    {
        return (false, true);
    }
    if matches!(name, "article" | "main")
        && attr(element, "id").is_some_and(|id| strong_negative(&id.to_ascii_lowercase()))
    {
        // `<article id="comment-12">`, `<main id="login-dialog">`. Only the
        // id counts here: an article's classes often name its categories
        // and tags (`tag-social-media`).
        return (false, true);
    }
    if matches!(name, "body" | "html" | "main" | "article")
        || attr(element, "itemprop")
            .is_some_and(|p| p.contains("articleBody") || p.contains("text"))
    {
        return (false, false);
    }
    if !INLINE_WORDS.contains(name.as_bytes())
        && attr(element, "itemprop")
            .is_some_and(|p| p.split_ascii_whitespace().any(|p| p == "author"))
        && node.children().any(|c| {
            c.value()
                .as_element()
                .is_some_and(|e| !INLINE_WORDS.contains(e.name().as_bytes()))
        })
    {
        // An author box (photo, biography, links) inside the article.
        return (false, true);
    }
    if name == "header" {
        let inside_article = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "article" | "main"))
        });
        return (false, !inside_article);
    }
    let hints = attribute_hints(element);
    if hints.is_empty() {
        return (false, false);
    }
    // "article-share" is still share buttons and "post-comments" still
    // comments: a strong word wins over a positive one.
    if strong_negative(&hints) {
        return (false, true);
    }
    (false, weak_hint(&hints))
}

/// Whether a strong boilerplate word stands anywhere in lower-cased hints.
fn strong_negative(hints: &str) -> bool {
    // One pass over the bytes, trying only the words that start with the
    // byte at hand (instead of one substring search per word).
    static BY_FIRST_BYTE: std::sync::LazyLock<[u32; 256]> = std::sync::LazyLock::new(|| {
        const _: () = assert!(STRONG_NEGATIVE.len() <= 32);
        let mut table = [0u32; 256];
        for (i, word) in STRONG_NEGATIVE.iter().enumerate() {
            table[usize::from(word.as_bytes()[0])] |= 1 << i;
        }
        table
    });
    let table = &*BY_FIRST_BYTE;
    let bytes = hints.as_bytes();
    for (at, &b) in bytes.iter().enumerate() {
        let mut words = table[usize::from(b)];
        while words != 0 {
            let i = words.trailing_zeros() as usize;
            words &= words - 1;
            if bytes[at..].starts_with(STRONG_NEGATIVE[i].as_bytes()) {
                return true;
            }
        }
    }
    false
}

/// Whether some class or id token names boilerplate and none names content.
fn weak_hint(hints: &str) -> bool {
    hints.split_ascii_whitespace().any(weak_token)
        && !hints.split_ascii_whitespace().any(positive_token)
}

/// Whether a token ends with a positive word (`article-text`, `entry-content`).
fn positive_token(token: &str) -> bool {
    let token = before_double_dash(token);
    words_of(token)
        .rfind(|w| !w.is_empty())
        .is_some_and(|w| POSITIVE_WORDS.contains(w))
}

/// Whether one class or id token (`entry__meta`, `single-header`,
/// `sidebar-content`) names boilerplate: it has a weak negative word and
/// does not end with a positive one (the last word names the part, as in
/// BEM's `block__element`).
fn weak_token(token: &str) -> bool {
    let token = before_double_dash(token);
    words_of(token).any(|w| WEAK_WORDS.contains(w)) && !positive_token(token)
}

/// The token up to its first `--` (a BEM modifier), as
/// `token.split("--").next()` gives, without a substring searcher.
fn before_double_dash(token: &str) -> &str {
    token
        .as_bytes()
        .windows(2)
        .position(|w| w == b"--")
        .map_or(token, |at| &token[..at])
}

/// The ASCII letter-and-digit runs of a class or id, as bytes (with empty
/// pieces between separators, as `str::split` gives). A non-ASCII
/// character separates words whether it is cut per character or per byte.
fn words_of(text: &str) -> impl DoubleEndedIterator<Item = &[u8]> {
    text.as_bytes().split(|b| !b.is_ascii_alphanumeric())
}

/// A word list with, for each first byte, the set of words starting with
/// it: membership in a few comparisons instead of one per word of the list.
struct Words {
    list: &'static [&'static str],
    by_first: [u64; 256],
}

impl Words {
    fn new(list: &'static [&'static str]) -> Words {
        assert!(list.len() <= 64);
        let mut by_first = [0u64; 256];
        for (i, word) in list.iter().enumerate() {
            by_first[usize::from(word.as_bytes()[0])] |= 1 << i;
        }
        Words { list, by_first }
    }

    fn contains(&self, word: &[u8]) -> bool {
        let Some(&first) = word.first() else {
            return false;
        };
        let mut set = self.by_first[usize::from(first)];
        while set != 0 {
            let i = set.trailing_zeros() as usize;
            set &= set - 1;
            if self.list[i].as_bytes() == word {
                return true;
            }
        }
        false
    }
}

static WEAK_WORDS: std::sync::LazyLock<Words> =
    std::sync::LazyLock::new(|| Words::new(WEAK_NEGATIVE));
static POSITIVE_WORDS: std::sync::LazyLock<Words> =
    std::sync::LazyLock::new(|| Words::new(POSITIVE));
static JUNK_WORDS: std::sync::LazyLock<Words> = std::sync::LazyLock::new(|| Words::new(JUNK_TAGS));
static INLINE_WORDS: std::sync::LazyLock<Words> = std::sync::LazyLock::new(|| Words::new(INLINE));

/// `class` and `id`, lower-cased, with camelCase split into words.
fn attribute_hints(element: &scraper::node::Element) -> String {
    let mut hints = String::new();
    for value in [attr(element, "class"), attr(element, "id")]
        .into_iter()
        .flatten()
    {
        let mut previous_lower = false;
        for c in value.chars() {
            if c.is_ascii_uppercase() && previous_lower {
                hints.push('-');
            }
            previous_lower = c.is_ascii_lowercase();
            hints.push(c.to_ascii_lowercase());
        }
        hints.push(' ');
    }
    hints
}

/// Readability's class weight: −25 for a negative class or id word, +25
/// for a positive one.
fn class_weight(element: &scraper::node::Element) -> i32 {
    let mut weight = 0;
    for value in [attr(element, "class"), attr(element, "id")]
        .into_iter()
        .flatten()
    {
        let value = value.to_ascii_lowercase();
        if strong_negative(&value) || weak_hint(&value) {
            weight -= 25;
        }
        if words_of(&value).any(|w| POSITIVE_WORDS.contains(w)) {
            weight += 25;
        }
    }
    weight
}

/// Characters of `text` with each white-space run counted once.
fn collapsed_len(text: &str) -> usize {
    text_counts(text).0
}

/// [`collapsed_len`], and the commas of `text` in any script (`,`, `،`,
/// `，`, `、`), in one pass over the bytes.
fn text_counts(text: &str) -> (usize, usize) {
    // Byte by byte: a character is counted at its first byte, and only
    // the lead bytes of the few non-ASCII white-space characters (U+0085,
    // U+00A0, U+1680, U+2000 to U+205F, U+3000) need decoding to tell;
    // the non-ASCII commas are U+060C (D8 8C), U+FF0C (EF BC 8C) and
    // U+3001 (E3 80 81).
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut commas = 0;
    let mut space = true;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let white = match b {
            b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' => true,
            b',' => {
                commas += 1;
                false
            }
            0x00..=0x7F => false,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                let c = text[at..].chars().next().unwrap_or(' ');
                commas += usize::from(c == '、');
                c.is_whitespace()
            }
            0xD8 => {
                commas += usize::from(bytes.get(at + 1) == Some(&0x8C));
                false
            }
            0xEF => {
                commas += usize::from(bytes.get(at + 1..at + 3) == Some(&[0xBC, 0x8C][..]));
                false
            }
            // A continuation byte: part of a character already counted.
            0x80..=0xBF => {
                at += 1;
                continue;
            }
            _ => false,
        };
        if white {
            if !space {
                count += 1;
                space = true;
            }
        } else {
            count += 1;
            space = false;
        }
        at += 1;
    }
    (count, commas)
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
}

/// An invisible hyphenation hint (`&shy;`), not part of the words.
const SOFT_HYPHEN: char = '\u{AD}';

fn push_collapsed(out: &mut String, text: &str) {
    // Runs of characters that are kept as they are are copied whole; only
    // white space and soft hyphens end a run. As in `collapsed_len`, only
    // a few lead bytes can start a non-ASCII white space (or U+00AD).
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let (width, white) = match b {
            b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' => (1, true),
            0x00..=0x7F => {
                at += 1;
                continue;
            }
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                let c = text[at..].chars().next().unwrap_or(' ');
                if c == SOFT_HYPHEN {
                    (c.len_utf8(), false)
                } else if c.is_whitespace() {
                    (c.len_utf8(), true)
                } else {
                    at += c.len_utf8();
                    continue;
                }
            }
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&text[run..at]);
        if white {
            push_space(out);
        }
        at += width;
        run = at;
    }
    out.push_str(&text[run..]);
}

/// Trims the spaces around line breaks and at both ends; runs of breaks
/// become one.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// Whether two titles are the same text, ignoring case and white space.
fn same_text(a: &str, b: &str) -> bool {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    squash(a) == squash(b)
}

/// A sentence end followed by a space or the end (Readability's test for
/// short sibling paragraphs).
fn ends_like_prose(text: &str) -> bool {
    text.contains(". ")
        || text
            .trim_end()
            .ends_with(['.', '!', '?', '؟', '。', '！', '？', '…', '"', '”', '»'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, EncodingSource};
    use crate::pipeline::{ConvertOptions, convert};

    fn page(bytes: &[u8]) -> Article {
        convert(bytes, Some("input.html"), &ConvertOptions::default()).unwrap()
    }

    fn texts(article: &Article) -> Vec<&str> {
        article.blocks().map(|b| b.text.as_str()).collect()
    }

    /// The source text of a span, for checking provenance.
    fn source_of(bytes: &[u8], span: Span) -> &str {
        std::str::from_utf8(&bytes[span.start as usize..span.end as usize]).unwrap()
    }

    #[test]
    fn news_page_keeps_the_article_and_drops_the_rest() {
        let bytes = include_bytes!("../../fixtures/html-news-boilerplate/input.html");
        let article = page(bytes);
        assert_eq!(article.source.format, "html");
        assert_eq!(article.source.encoding_source, EncodingSource::Declared);
        assert_eq!(
            article.title.as_deref(),
            Some("Valley road reopens after floods")
        );
        assert_eq!(article.lang.as_deref(), Some("en-GB"));
        let all = texts(&article).join("\n");
        for boilerplate in [
            "cookies",
            "Sport",
            "Share on",
            "Related",
            "First!",
            "Copyright",
            "5 March",
        ] {
            assert!(!all.contains(boilerplate), "{boilerplate} kept in {all}");
        }
        let kinds: Vec<(BlockKind, &str)> = article
            .blocks()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(kinds.len(), 6, "{kinds:?}");
        assert!(kinds[0].1.starts_with("The road through the valley"));
        assert_eq!(
            kinds[2],
            (
                BlockKind::Paragraph,
                "The new surface sits higher than the old one, and two culverts were widened so \
                 that water can pass under the road rather than over it.\nWork on the footpath continues."
            )
        );
        assert_eq!(
            kinds[3],
            (
                BlockKind::Quote,
                "We are glad to have the valley connected again."
            )
        );
        assert_eq!(
            kinds[4],
            (BlockKind::ListItem, "Buses return on Wednesday.")
        );
        let section = &article.sections[1];
        assert_eq!(section.heading.as_deref(), Some("What changed"));
        assert_eq!(section.level, Some(2));
        assert_eq!(
            source_of(bytes, section.heading_span.unwrap()),
            "<h2>What changed</h2>"
        );
        let first = &article.sections[0].blocks[0];
        assert!(source_of(bytes, first.span).starts_with("<p>The road"));
        assert!(source_of(bytes, first.span).ends_with("traffic.</p>"));
        let item = &section.blocks[2];
        assert_eq!(
            source_of(bytes, item.span),
            "<li>Buses return on Wednesday.</li>"
        );
        let m = &article.metadata;
        // No metadata names the author: the visible byline does.
        assert_eq!(m.authors, ["Jo Writer"]);
        assert_eq!(m.published.as_deref(), Some("2024-03-05T08:00:00Z"));
        assert_eq!(
            m.url.as_deref(),
            Some("https://gazette.example/news/valley-road")
        );
        assert_eq!(
            m.description.as_deref(),
            Some("The valley road is open again after three weeks.")
        );
    }

    #[test]
    fn windows_1252_page_is_decoded_by_its_meta_charset() {
        let bytes = include_bytes!("../../fixtures/html-meta-windows-1252/input.html");
        let article = page(bytes);
        assert_eq!(article.source.encoding, "windows-1252");
        assert_eq!(article.source.encoding_source, EncodingSource::Declared);
        assert_eq!(article.source.declared_encoding, None);
        assert_eq!(article.title.as_deref(), Some("Café culture returns"));
        let blocks = texts(&article);
        assert!(blocks[0].contains("naïve optimism of spring returned with them — at least"));
        assert!(blocks[1].contains("“new season”") && blocks[1].contains("5 € per table"));
        // Spans count bytes of the original, one per windows-1252 character.
        let span = article.sections[0].blocks[1].span;
        let (source, _) = encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(&bytes[span.start as usize..span.end as usize]);
        assert!(source.starts_with("<p>Owners said") && source.ends_with("</p>"));
    }

    #[test]
    fn page_declaring_utf8_that_is_windows_1256_falls_back_to_detection() {
        let bytes = include_bytes!("../../fixtures/html-declared-utf8-is-windows-1256/input.html");
        assert!(String::from_utf8(bytes.to_vec()).is_err());
        let article = page(bytes);
        assert_eq!(article.source.encoding, "windows-1256");
        assert_eq!(article.source.encoding_source, EncodingSource::Detected);
        assert_eq!(article.source.declared_encoding.as_deref(), Some("UTF-8"));
        assert_eq!(article.source.replaced, 0);
        assert_eq!(article.title.as_deref(), Some("افتتاح المكتبة الجديدة"));
        assert!(texts(&article)[0].starts_with("افتتحت البلدية صباح اليوم"));
        assert_eq!(article.dir, Direction::Rtl);
    }

    #[test]
    fn rtl_arabic_page_keeps_its_declared_language_and_direction() {
        let bytes = include_bytes!("../../fixtures/html-rtl-arabic/input.html");
        let article = page(bytes);
        assert_eq!(article.lang.as_deref(), Some("ar"));
        assert_eq!(article.dir, Direction::Rtl);
        assert_eq!(article.title.as_deref(), Some("أمطار غزيرة في العاصمة"));
        assert_eq!(article.metadata.site_name.as_deref(), Some("صحيفة المثال"));
        assert_eq!(article.sections.len(), 2);
        assert_eq!(
            article.sections[1].heading.as_deref(),
            Some("تحذيرات الأرصاد")
        );
        assert!(!texts(&article).join(" ").contains("رياضة"));
    }

    #[test]
    fn json_ld_gives_authors_dates_and_publisher() {
        let bytes = include_bytes!("../../fixtures/html-json-ld/input.html");
        let article = page(bytes);
        let m = &article.metadata;
        assert_eq!(m.authors, ["Ana Reporter", "Ben Editor"]);
        assert_eq!(m.published.as_deref(), Some("2024-02-10T09:30:00+01:00"));
        assert_eq!(m.modified.as_deref(), Some("2024-02-11T10:00:00+01:00"));
        assert_eq!(m.site_name.as_deref(), Some("Town Herald"));
        assert_eq!(m.keywords, ["library", "books", "town"]);
        assert_eq!(article.title.as_deref(), Some("Library opens"));
        let blocks = texts(&article);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert!(!blocks.join(" ").contains("newsletter"));
    }

    #[test]
    fn declared_direction_wins_over_the_text() {
        let article = page(
            "<html dir=\"rtl\"><body><p>Plain English words in a paragraph of some length.</p></body></html>"
                .as_bytes(),
        );
        assert_eq!(article.dir, Direction::Rtl);
        let article = page(
            "<html><body><p>شهدت العاصمة أمطارًا غزيرة مساء أمس، وأغلقت عدة طرق.</p></body></html>"
                .as_bytes(),
        );
        assert_eq!(article.dir, Direction::Rtl);
        assert_eq!(article.lang.as_deref(), Some("ar"));
    }

    #[test]
    fn hostile_and_empty_pages_do_not_panic() {
        let deep = "<div>".repeat(5000) + "<p>Deep text that is long enough to count.</p>";
        // Markup nested beyond MAX_DEPTH is cut, never a stack overflow.
        match convert(deep.as_bytes(), None, &ConvertOptions::default()) {
            Ok(article) => assert!(texts(&article).iter().all(|t| t.starts_with("Deep"))),
            Err(error) => assert!(matches!(error, Error::EmptyPage)),
        }
        assert!(matches!(
            convert(
                b"<html><body></body></html>",
                None,
                &ConvertOptions {
                    format: crate::readers::InputFormat::Html,
                    ..ConvertOptions::default()
                }
            ),
            Err(Error::EmptyPage)
        ));
        for input in [
            "<p>",
            "<",
            "<!--",
            "<p title='>",
            "<table><td>x",
            "</p></p><li>a<li>b",
        ] {
            let _ = convert(input.as_bytes(), Some("x.html"), &ConvertOptions::default());
        }
    }

    #[test]
    fn byline_standfirst_and_clutter_inside_the_body() {
        let bytes = include_bytes!("../../fixtures/html-byline-standfirst/input.html");
        let article = page(bytes);
        assert_eq!(article.metadata.authors, ["Mara Quinn"]);
        assert_eq!(article.metadata.published.as_deref(), Some("2024-11-02"));
        let blocks = texts(&article);
        assert_eq!(
            blocks[0],
            "Fewer crossings on weekdays, but the late ferry on Fridays stays, the operator said."
        );
        assert!(blocks[1].starts_with("The island ferry will sail"));
        assert!(
            blocks
                .last()
                .unwrap()
                .starts_with("The operator will send the new timetable")
        );
        assert_eq!(blocks.len(), 5, "{blocks:?}");
        let all = blocks.join("\n");
        for left_out in [
            "2 November",
            "Mara Quinn",
            "Read also",
            "morning briefing",
            "Follow us",
            "More stories",
            "Lighthouse",
        ] {
            assert!(!all.contains(left_out), "{left_out} kept in {all}");
        }
    }

    #[test]
    fn a_standfirst_between_headline_and_body_is_kept_first() {
        let body = "<p>The council approved the plan on Monday, after a long debate, and work starts in May.</p>"
            .repeat(6);
        let page = format!(
            "<html><body><header class=\"top\"><a href=\"/\">Example News</a></header><main>\
             <div class=\"head\"><h1>Harbour to be rebuilt</h1>\
             <div class=\"subtitle\">The old quay will be replaced by a wider one that ferries can use all year.</div>\
             <span class=\"date\">5 March</span></div>\
             <div class=\"story\">{body}</div>\
             <div class=\"more\"><p>Other news of the week that is long enough to count here.</p></div></main></body></html>"
        );
        let article = page_html(&page);
        let blocks = texts(&article);
        assert_eq!(
            blocks[0],
            "The old quay will be replaced by a wider one that ferries can use all year."
        );
        assert_eq!(blocks.len(), 7, "{blocks:?}");
    }

    #[test]
    fn fast_counts_agree_with_the_plain_definitions() {
        let slow_len = |text: &str| {
            let mut count = 0;
            let mut space = true;
            for c in text.chars() {
                if c.is_whitespace() {
                    if !space {
                        count += 1;
                        space = true;
                    }
                } else {
                    count += 1;
                    space = false;
                }
            }
            count
        };
        for text in [
            "",
            "  a  b ",
            "\u{85}x\u{A0}\u{A0}y\u{1680}z\u{2003}\u{2028}\u{202F}\u{205F}\u{3000}w",
            "شهدت العاصمة\u{200B} أمطارًا، غزيرة\t\n",
            "\u{A9}\u{E9}\u{2014}\u{3001}\u{1F600} \x0B\x0C\r",
            "a, b، c，d、e\u{60B}\u{FF0B}\u{3002}\u{60C}",
        ] {
            assert_eq!(collapsed_len(text), slow_len(text), "{text:?}");
            let commas = text
                .chars()
                .filter(|c| matches!(c, ',' | '،' | '，' | '、'))
                .count();
            assert_eq!(text_counts(text).1, commas, "{text:?}");
        }
        let slow_push = |out: &mut String, text: &str| {
            for c in text.chars() {
                if c.is_whitespace() {
                    push_space(out);
                } else if c != SOFT_HYPHEN {
                    out.push(c);
                }
            }
        };
        for text in [
            "",
            " ",
            "a  b\n",
            "x\u{AD}y \u{AD} z",
            "\u{A0}\u{A9}\u{85}\u{2003}\u{2014}\u{3000}\u{3001}é",
            "شهدت العاصمة\u{200B} أمطارًا، غزيرة\t\n",
        ] {
            for start in ["", "a", "a ", "a\n"] {
                let (mut fast, mut slow) = (start.to_string(), start.to_string());
                push_collapsed(&mut fast, text);
                slow_push(&mut slow, text);
                assert_eq!(fast, slow, "{start:?} + {text:?}");
            }
        }
        let slow_weak = |token: &str| {
            let token = token.split("--").next().unwrap_or(token);
            let words: Vec<&str> = token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let positive = token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .rfind(|w| !w.is_empty())
                .is_some_and(|w| POSITIVE.contains(&w));
            words.iter().any(|w| WEAK_NEGATIVE.contains(w)) && !positive
        };
        for token in [
            "",
            "-",
            "nav",
            "main-nav",
            "navx",
            "nav--article",
            "sidebar-content",
            "entry__meta",
            "ad\u{e9}x",
            "\u{e9}ad",
            "btn-",
            "x-tags-text",
            "timestamp2",
            "a--b",
            "nav--",
            "--nav",
            "x-nav---text",
        ] {
            assert_eq!(
                before_double_dash(token),
                token.split("--").next().unwrap_or(token)
            );
            assert_eq!(weak_token(token), slow_weak(token), "{token:?}");
        }
        assert!(contains_ignore_ascii_case("by jane DOE", "Jane Doe"));
        assert!(!contains_ignore_ascii_case("by Jane", "Jane Doe"));
        assert!(contains_ignore_ascii_case("x", ""));
        for hints in [
            "",
            "article-body",
            "x-share-bar",
            "pre-subscribe",
            "sign-up",
            "skiplink",
            "s",
            "comments-and-more",
            "taboola",
            "adverts",
            "loginx",
            "sharin",
        ] {
            assert_eq!(
                strong_negative(hints),
                STRONG_NEGATIVE.iter().any(|n| hints.contains(n)),
                "{hints}"
            );
        }
    }

    fn page_html(html: &str) -> Article {
        page(html.as_bytes())
    }

    #[test]
    fn title_falls_back_to_h1_then_title_without_site_suffix() {
        let article = page(b"<title>Storm warning - Example News</title><p>Some text of the article body here.</p>");
        assert_eq!(article.title.as_deref(), Some("Storm warning"));
        let article =
            page(b"<title>Storm warning | Example</title><h1>Storm warning issued</h1><p>Some text of the body.</p>");
        assert_eq!(article.title.as_deref(), Some("Storm warning issued"));
    }
}
