//! Metadata a page declares about itself: `<meta>` tags (Open Graph,
//! `article:*`, `name=author|description|keywords`), `<link rel=canonical>`,
//! JSON-LD (`NewsArticle`, `Article`, `BlogPosting`...) and `<html lang dir>`.
//!
//! Only declarations are read; nothing is guessed from the body text.

use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use serde_json::Value;

use super::ids::attr;

use crate::model::{Direction, Metadata};

/// JSON-LD types that describe the article itself.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "LiveBlogPosting",
    "BlogPosting",
    "Report",
    "TechArticle",
    "ScholarlyArticle",
    "SocialMediaPosting",
];

/// What the head of the page says, before the body is looked at.
#[derive(Debug, Default)]
pub struct Declared {
    /// The metadata, complete except for a `<time datetime>` fallback.
    pub metadata: Metadata,
    /// `og:title` and its element.
    pub og_title: Option<(String, NodeId)>,
    /// `<title>` with a site-name suffix removed, and its element.
    pub title_tag: Option<(String, NodeId)>,
    /// `<html lang>`, normalised to BCP 47.
    pub lang: Option<String>,
    /// `<html dir>` (or `<body dir>`), when it says `ltr` or `rtl`.
    pub dir: Option<Direction>,
}

/// Reads the declarations of a parsed page.
pub fn declared(html: &Html) -> Declared {
    let mut out = Declared::default();
    let mut metas: Vec<(String, String, NodeId)> = Vec::new();
    let mut canonical = None;
    let mut title_tag = None;
    let mut ld_documents = Vec::new();
    for node in html.tree.nodes() {
        let Some(element) = ElementRef::wrap(node) else {
            continue;
        };
        let value = element.value();
        match value.name() {
            "meta" => {
                let key = attr(value, "property")
                    .or_else(|| attr(value, "name"))
                    .or_else(|| attr(value, "itemprop"));
                if let (Some(key), Some(content)) = (key, attr(value, "content")) {
                    let content = clean(content);
                    if !content.is_empty() {
                        metas.push((key.trim().to_ascii_lowercase(), content, node.id()));
                    }
                }
            }
            "link" if canonical.is_none() => {
                let rel = attr(value, "rel").unwrap_or_default();
                if rel
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
                {
                    canonical = attr(value, "href").map(clean).filter(|h| !h.is_empty());
                }
            }
            "title" if title_tag.is_none() && !in_svg(element) => {
                let text = clean(&element.text().collect::<String>());
                if !text.is_empty() {
                    title_tag = Some((text, node.id()));
                }
            }
            "script"
                if attr(value, "type")
                    .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json")) =>
            {
                let text: String = element.text().collect();
                if let Ok(json) = serde_json::from_str::<Value>(strip_wrappers(&text)) {
                    ld_documents.push(json);
                }
            }
            "html" => {
                if out.lang.is_none() {
                    out.lang = attr(value, "lang")
                        .or_else(|| attr(value, "xml:lang"))
                        .and_then(normalise_lang);
                }
                if out.dir.is_none() {
                    out.dir = direction(attr(value, "dir"));
                }
            }
            "body" if out.dir.is_none() => out.dir = direction(attr(value, "dir")),
            _ => {}
        }
    }
    let mut ld = Vec::new();
    for json in &ld_documents {
        collect_objects(json, &mut ld, 0);
    }
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|key| {
            metas
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, c, _)| c.clone())
        })
    };
    let metas_all = |key: &str| -> Vec<String> {
        metas
            .iter()
            .filter(|(k, _, _)| k == key)
            .map(|(_, c, _)| c.clone())
            .collect()
    };
    let article = ld.iter().find(|object| is_article(object));
    let site_name = meta(&["og:site_name"])
        .or_else(|| article.and_then(|a| a.get("publisher")).and_then(name_of));

    out.og_title = metas
        .iter()
        .find(|(k, _, _)| k == "og:title" || k == "twitter:title")
        .map(|(_, c, id)| (strip_site_name(c, site_name.as_deref()), *id));
    out.title_tag =
        title_tag.map(|(text, id)| (strip_site_suffix(&text, site_name.as_deref()), id));

    let mut authors = Vec::new();
    for author in metas_all("author")
        .into_iter()
        .chain(metas_all("article:author"))
        .chain(metas_all("dc.creator"))
        .filter(|a| !looks_like_url(a))
        .chain(
            article
                .map(|a| ld_authors(a.get("author")))
                .unwrap_or_default(),
        )
    {
        if !authors
            .iter()
            .any(|a: &String| a.eq_ignore_ascii_case(&author))
        {
            authors.push(author);
        }
    }
    let mut keywords = Vec::new();
    let keyword_sources = metas_all("keywords")
        .into_iter()
        .chain(metas_all("news_keywords"))
        .flat_map(|k| k.split([',', ';', '،']).map(clean).collect::<Vec<_>>())
        .chain(metas_all("article:tag"));
    for keyword in keyword_sources {
        if !keyword.is_empty() && !keywords.contains(&keyword) {
            keywords.push(keyword);
        }
    }
    if keywords.is_empty()
        && let Some(value) = article.and_then(|a| a.get("keywords"))
    {
        let list: Vec<String> = match value {
            Value::String(s) => s.split(',').map(clean).collect(),
            Value::Array(items) => items.iter().filter_map(Value::as_str).map(clean).collect(),
            _ => Vec::new(),
        };
        for keyword in list {
            if !keyword.is_empty() && !keywords.contains(&keyword) {
                keywords.push(keyword);
            }
        }
    }
    let ld_string = |key: &str| article.and_then(|a| a.get(key)).and_then(string_of);
    out.metadata = Metadata {
        authors,
        published: ld_string("datePublished").or_else(|| {
            meta(&[
                "article:published_time",
                "og:article:published_time",
                "datepublished",
                "dc.date.issued",
                "date",
            ])
        }),
        modified: ld_string("dateModified").or_else(|| {
            meta(&[
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "last-modified",
            ])
        }),
        site_name,
        url: canonical
            .or_else(|| meta(&["og:url"]))
            .or_else(|| ld_string("url")),
        description: meta(&["description", "og:description", "twitter:description"]),
        keywords,
    };
    out
}

fn in_svg(element: ElementRef) -> bool {
    element
        .ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().name() == "svg")
}

/// JSON-LD scripts are sometimes wrapped in `<!-- -->` or CDATA markers.
fn strip_wrappers(text: &str) -> &str {
    let text = text.trim();
    let text = text.strip_prefix("<!--").unwrap_or(text);
    let text = text.strip_suffix("-->").unwrap_or(text).trim();
    let text = text.strip_prefix("//<![CDATA[").unwrap_or(text);
    let text = text.strip_suffix("//]]>").unwrap_or(text);
    text.trim()
}

/// Gathers the objects of a JSON-LD document: arrays and `@graph` flattened.
fn collect_objects<'a>(value: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                collect_objects(item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            out.push(value);
            if let Some(graph) = map.get("@graph") {
                collect_objects(graph, out, depth + 1);
            }
            if let Some(entity) = map.get("mainEntity") {
                collect_objects(entity, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn is_article(object: &Value) -> bool {
    let is_type = |t: &Value| {
        t.as_str().is_some_and(|t| {
            let t = t.rsplit('/').next().unwrap_or(t);
            ARTICLE_TYPES.contains(&t)
        })
    };
    match object.get("@type") {
        Some(Value::Array(types)) => types.iter().any(is_type),
        Some(t) => is_type(t),
        None => false,
    }
}

/// The `name` of a person or organisation (or the string itself).
fn name_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(clean(s)).filter(|s| !s.is_empty() && !looks_like_url(s)),
        Value::Object(map) => map.get("name").and_then(string_of),
        Value::Array(items) => items.iter().find_map(name_of),
        _ => None,
    }
}

fn ld_authors(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(name_of).collect(),
        Some(value) => name_of(value).into_iter().collect(),
        None => Vec::new(),
    }
}

fn string_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(clean(s)).filter(|s| !s.is_empty()),
        Value::Array(items) => items.first().and_then(string_of),
        _ => None,
    }
}

fn looks_like_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://") || text.starts_with("//")
}

fn direction(attr: Option<&str>) -> Option<Direction> {
    match attr.map(|d| d.trim().to_ascii_lowercase()).as_deref() {
        Some("rtl") => Some(Direction::Rtl),
        Some("ltr") => Some(Direction::Ltr),
        _ => None,
    }
}

/// Collapses white space and trims.
pub fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `lang` attribute as a BCP 47 tag: `_` becomes `-`, the language is
/// lower case, a script title case, a region upper case. `None` for values
/// that are not language tags.
pub fn normalise_lang(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || value.len() > 35 {
        return None;
    }
    let mut parts = Vec::new();
    for (i, part) in value.split(['-', '_']).enumerate() {
        if part.is_empty() || part.len() > 8 || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let part = if i == 0 {
            if !(2..=3).contains(&part.len()) && !part.eq_ignore_ascii_case("i") {
                return None;
            }
            part.to_ascii_lowercase()
        } else if part.len() == 4 && part.chars().all(|c| c.is_ascii_alphabetic()) {
            let mut chars = part.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect()
        } else if part.len() == 2 || (part.len() == 3 && part.chars().all(|c| c.is_ascii_digit())) {
            part.to_ascii_uppercase()
        } else {
            part.to_ascii_lowercase()
        };
        parts.push(part);
    }
    Some(parts.join("-"))
}

/// Removes the site name, when the page names it, from the end or the
/// start of a declared title (`og:title` often repeats it).
fn strip_site_name(title: &str, site_name: Option<&str>) -> String {
    const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " · ", " :: ", " // ", " » "];
    let Some(site) = site_name.map(str::to_lowercase) else {
        return title.to_string();
    };
    for separator in SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(separator)
            && tail.trim().to_lowercase() == site
            && !head.trim().is_empty()
        {
            return head.trim().to_string();
        }
        if let Some((head, tail)) = title.split_once(separator)
            && head.trim().to_lowercase() == site
            && !tail.trim().is_empty()
        {
            return tail.trim().to_string();
        }
    }
    title.to_string()
}

/// Removes a site-name suffix or prefix from a `<title>`: the part after
/// the last ` - `, ` | `, ` – `, ` — `, ` · ` or ` :: ` when it is the site
/// name or is short compared with the rest.
pub fn strip_site_suffix(title: &str, site_name: Option<&str>) -> String {
    const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " · ", " :: ", " // ", " » "];
    let named = strip_site_name(title, site_name);
    if named != title {
        return named;
    }
    for separator in SEPARATORS {
        if let Some((head, tail)) = title.rsplit_once(separator) {
            let (head, tail) = (head.trim(), tail.trim());
            if !head.is_empty()
                && tail.split_whitespace().count() <= 4
                && head.chars().count() > tail.chars().count()
            {
                return head.to_string();
            }
        }
    }
    title.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_tags_are_normalised() {
        assert_eq!(normalise_lang("en_us").as_deref(), Some("en-US"));
        assert_eq!(normalise_lang("AR").as_deref(), Some("ar"));
        assert_eq!(normalise_lang("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(normalise_lang("es-419").as_deref(), Some("es-419"));
        assert_eq!(normalise_lang(""), None);
        assert_eq!(normalise_lang("english please"), None);
    }

    #[test]
    fn site_suffixes_are_removed() {
        assert_eq!(
            strip_site_suffix("Floods close the valley road - BBC News", None),
            "Floods close the valley road"
        );
        assert_eq!(
            strip_site_suffix(
                "Floods close the valley road | The Daily Example",
                Some("The Daily Example")
            ),
            "Floods close the valley road"
        );
        assert_eq!(
            strip_site_suffix("Example | Floods", Some("Example")),
            "Floods"
        );
        assert_eq!(
            strip_site_suffix("Cats - and dogs", None),
            "Cats - and dogs"
        );
    }
}
