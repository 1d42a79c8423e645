//! The HTML encoding prescan: finds a `<meta charset>` or
//! `<meta http-equiv="Content-Type" content="...; charset=...">` declaration
//! in the first 1024 bytes, as browsers do before they parse a page.
//!
//! This follows the "prescan a byte stream to determine its encoding"
//! algorithm of the WHATWG HTML standard, simplified where it cannot change
//! the answer: it works on bytes (every encoding a page may declare is
//! ASCII-compatible there), skips comments and other tags with their
//! attributes, and reads the attributes of `meta` tags. The label is mapped
//! with [`super::encoding_for_label`]; as the standard says, a declared
//! UTF-16 means UTF-8 (the bytes being read as ASCII prove it is not
//! UTF-16) and `x-user-defined` means windows-1252.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

/// How far browsers look for a declaration.
pub const PRESCAN_BYTES: usize = 1024;

/// The encoding a page declares in its first 1024 bytes, if any.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let bytes = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        if rest.starts_with(b"<!--") {
            at += 4 + find(&rest[4..], b"-->").map_or(rest.len(), |p| p + 3);
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            let (found, next) = meta(bytes, at + 5);
            if found.is_some() {
                return found;
            }
            at = next;
        } else if rest.len() > 2
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic() || (rest[1] == b'/' && rest[2].is_ascii_alphabetic()))
        {
            // Another tag: skip its name, then its attributes.
            let mut pos = at + 1;
            while pos < bytes.len() && !is_space(bytes[pos]) && bytes[pos] != b'>' {
                pos += 1;
            }
            while let Some((_, _, next)) = attribute(bytes, pos) {
                pos = next;
            }
            at = pos + 1;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            at += find(rest, b">").map_or(rest.len(), |p| p + 1);
        } else {
            at += 1;
        }
    }
    None
}

/// Reads the attributes of a `meta` tag starting at `pos` (after `<meta`);
/// returns the declared encoding, if the tag declares one, and where the
/// scan goes on.
fn meta(bytes: &[u8], mut pos: usize) -> (Option<&'static Encoding>, usize) {
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    let mut charset: Option<&'static Encoding> = None;
    let mut seen: Vec<Vec<u8>> = Vec::new();
    while let Some((name, value, next)) = attribute(bytes, pos) {
        pos = next;
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" if value.eq_ignore_ascii_case(b"content-type") => got_pragma = true,
            b"content" if charset.is_none() => {
                if let Some(label) = charset_in_content(&value) {
                    charset = label_to_encoding(label);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = label_to_encoding(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    let next = pos + 1;
    match need_pragma {
        None => (None, next),
        Some(true) if !got_pragma => (None, next),
        _ => (charset.map(fix_declared), next),
    }
}

fn label_to_encoding(label: &[u8]) -> Option<&'static Encoding> {
    std::str::from_utf8(label)
        .ok()
        .and_then(super::encoding_for_label)
}

/// The standard's corrections for labels a byte-level prescan cannot mean.
fn fix_declared(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    }
}

/// One attribute at `pos`: its lower-cased name, its value and the position
/// after it; `None` at the end of the tag (`>`) or of the input.
fn attribute(bytes: &[u8], mut pos: usize) -> Option<(Vec<u8>, Vec<u8>, usize)> {
    while pos < bytes.len() && (is_space(bytes[pos]) || bytes[pos] == b'/') {
        pos += 1;
    }
    if pos >= bytes.len() || bytes[pos] == b'>' {
        return None;
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // The first character of a name may be `=`.
    name.push(bytes[pos].to_ascii_lowercase());
    pos += 1;
    while pos < bytes.len() {
        let b = bytes[pos];
        if b == b'=' && !name.is_empty() {
            break;
        }
        if is_space(b) || b == b'/' || b == b'>' {
            break;
        }
        name.push(b.to_ascii_lowercase());
        pos += 1;
    }
    while pos < bytes.len() && is_space(bytes[pos]) {
        pos += 1;
    }
    if pos >= bytes.len() || bytes[pos] != b'=' {
        return Some((name, value, pos));
    }
    pos += 1;
    while pos < bytes.len() && is_space(bytes[pos]) {
        pos += 1;
    }
    match bytes.get(pos) {
        Some(&quote) if quote == b'"' || quote == b'\'' => {
            pos += 1;
            while pos < bytes.len() && bytes[pos] != quote {
                value.push(bytes[pos].to_ascii_lowercase());
                pos += 1;
            }
            pos += 1;
        }
        Some(b'>') | None => {}
        Some(_) => {
            while pos < bytes.len() && !is_space(bytes[pos]) && bytes[pos] != b'>' {
                value.push(bytes[pos].to_ascii_lowercase());
                pos += 1;
            }
        }
    }
    Some((name, value, pos.min(bytes.len())))
}

/// The label after `charset=` in a `content` attribute (already lower case).
fn charset_in_content(content: &[u8]) -> Option<&[u8]> {
    let mut from = 0;
    loop {
        let at = from + find(&content[from..], b"charset")?;
        let mut pos = at + 7;
        while pos < content.len() && is_space(content[pos]) {
            pos += 1;
        }
        if content.get(pos) != Some(&b'=') {
            from = at + 7;
            continue;
        }
        pos += 1;
        while pos < content.len() && is_space(content[pos]) {
            pos += 1;
        }
        return match content.get(pos) {
            Some(&quote) if quote == b'"' || quote == b'\'' => {
                let rest = &content[pos + 1..];
                let end = rest.iter().position(|&b| b == quote)?;
                Some(&rest[..end])
            }
            Some(_) => {
                let rest = &content[pos..];
                let end = rest
                    .iter()
                    .position(|&b| is_space(b) || b == b';')
                    .unwrap_or(rest.len());
                Some(&rest[..end])
            }
            None => None,
        };
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{WINDOWS_1251, WINDOWS_1256};

    #[test]
    fn meta_charset() {
        assert_eq!(
            prescan(b"<!doctype html><html><head><meta charset=\"windows-1256\">"),
            Some(WINDOWS_1256)
        );
        assert_eq!(prescan(b"<META CHARSET=cp1251>"), Some(WINDOWS_1251));
        assert_eq!(prescan(b"<meta charset='latin1'/>"), Some(WINDOWS_1252));
    }

    #[test]
    fn http_equiv_needs_the_pragma() {
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">";
        assert_eq!(prescan(page), Some(WINDOWS_1251));
        let page = b"<meta content=\"text/html; charset=windows-1251\" http-equiv=Content-Type>";
        assert_eq!(prescan(page), Some(WINDOWS_1251));
        assert_eq!(
            prescan(b"<meta content=\"text/html; charset=windows-1251\">"),
            None
        );
    }

    #[test]
    fn comments_and_attributes_are_skipped() {
        assert_eq!(prescan(b"<!-- <meta charset=koi8-r> --><p>x"), None);
        assert_eq!(
            prescan(b"<div title='<meta charset=koi8-r>'><meta charset=utf-8>"),
            Some(UTF_8)
        );
    }

    #[test]
    fn corrections_and_limits() {
        assert_eq!(prescan(b"<meta charset=utf-16le>"), Some(UTF_8));
        assert_eq!(
            prescan(b"<meta charset=x-user-defined>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(prescan(b"<meta charset=no-such-thing>"), None);
        let mut late = vec![b' '; PRESCAN_BYTES];
        late.extend_from_slice(b"<meta charset=windows-1256>");
        assert_eq!(prescan(&late), None);
        assert_eq!(prescan(b"<meta charset="), None);
        assert_eq!(prescan(b"<"), None);
    }
}
