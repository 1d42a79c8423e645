//! A block's text: a string of its own, or a stretch of the input's decoded
//! text that all the blocks read from that input share.
//!
//! Reading 100 MB of plain text made about 300,000 heap strings, one per
//! paragraph: a copy of the whole input into fresh memory, whose page
//! faults cost more on a virtual machine than the copy itself, and which
//! held the input in memory twice. Most paragraphs are a stretch of the
//! input as it stands (one line, no marker), so the text reader lets such
//! blocks point into the decoded text instead. To everything else a
//! [`Text`] is a `str`: it dereferences to one, compares and serializes as
//! one, and is read back from JSON as an owned string.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The text of a block. Cheap to clone: a shared stretch clones a
/// reference count, not the text.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Owned(String),
    Shared {
        source: TextSource,
        range: Range<usize>,
    },
}

impl Text {
    /// `source.as_str()[range]`, held without a copy; `None` when `range` is
    /// not a stretch of whole characters of the source.
    pub fn shared(source: &TextSource, range: Range<usize>) -> Option<Text> {
        source.as_str().get(range.clone())?;
        Some(Text(Repr::Shared {
            source: source.clone(),
            range,
        }))
    }

    /// `source.as_str()[range]`, held without a copy, for a caller that
    /// found `range` by walking the text and so knows it to be a stretch
    /// of whole characters. [`Text::shared`] checks that by reading the
    /// bytes at both ends: for the few hundred thousand paragraphs of a
    /// large input, two reads of memory long out of the cache each, which
    /// were three quarters of the time of building their blocks.
    ///
    /// # Panics
    ///
    /// When the text is read, as slicing a `str` does, if `range` cuts a
    /// character or lies outside the source (and at once in a debug
    /// build).
    pub(crate) fn shared_whole(source: &TextSource, range: Range<usize>) -> Text {
        debug_assert!(source.as_str().get(range.clone()).is_some());
        Text(Repr::Shared {
            source: source.clone(),
            range,
        })
    }

    /// The length of the text in bytes. A shared text knows it from its
    /// range without reading the source ([`Text::as_str`] reads the bytes
    /// at both ends, to check the range's character boundaries): adding up
    /// the lengths of a large input's blocks, to cut them in halves for two
    /// threads, read those bytes at two places in memory per block, each
    /// long out of the cache.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Owned(text) => text.len(),
            Repr::Shared { range, .. } => range.len(),
        }
    }

    /// Whether the text is empty, known as [`Text::len`] is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(text) => text,
            // `shared` checked the range against the same, unchanging text.
            Repr::Shared { source, range } => &source.as_str()[range.clone()],
        }
    }

    /// The text as a string of its own (a copy only when it was shared).
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Owned(text) => text,
            Repr::Shared { .. } => self.as_str().to_owned(),
        }
    }

    /// The text, made a string of its own first if it was shared, for
    /// changing it in place.
    pub fn make_mut(&mut self) -> &mut String {
        if let Repr::Shared { .. } = self.0 {
            self.0 = Repr::Owned(self.as_str().to_owned());
        }
        match &mut self.0 {
            Repr::Owned(text) => text,
            Repr::Shared { .. } => unreachable!("made owned just above"),
        }
    }

    /// Whether the text points into a shared source (for tests and
    /// benchmarks of the reader that makes such texts).
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Shared { .. })
    }
}

impl Default for Text {
    fn default() -> Self {
        Text(Repr::Owned(String::new()))
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Repr::Owned(text))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(Repr::Owned(text.to_owned()))
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.into_string()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

/// The whole decoded text of one input, kept alive for as long as a
/// [`Text`] points into it: the decoded string of a legacy input, or the
/// input's own bytes (a read buffer, a mapped file) when they were UTF-8
/// already.
#[derive(Clone)]
pub struct TextSource(Arc<dyn HeldText>);

impl TextSource {
    /// A decoded string, held whole.
    pub fn of_string(text: String) -> TextSource {
        TextSource(Arc::new(text))
    }

    /// `text`, which must lie inside `bytes` (the UTF-8 input, its BOM
    /// left out, borrowed from the very bytes), held without a copy;
    /// `None` when it does not lie there.
    pub fn within<B: StableBytes>(bytes: &Arc<B>, text: &str) -> Option<TextSource> {
        let whole = bytes.as_ptr() as usize;
        let start = (text.as_ptr() as usize).checked_sub(whole)?;
        let end = start.checked_add(text.len())?;
        if end > bytes.len() {
            return None;
        }
        Some(TextSource(Arc::new(Utf8Within {
            bytes: Arc::clone(bytes),
            range: start..end,
        })))
    }

    /// The held text.
    pub fn as_str(&self) -> &str {
        self.0.text()
    }

    /// A source of the same text with a reference count of its own, for
    /// a thread that makes many texts of it. Every clone of a source
    /// changes one shared count with an atomic add: two threads building
    /// the blocks of the two halves of a large input, a clone per block,
    /// passed that count's cache line to and fro, and the add was nearly
    /// all of the time of making a block's text (5% of converting 100 MB
    /// of windows-1256). A relay's count is touched by its thread alone;
    /// reading its text goes through one more pointer.
    pub fn relay(&self) -> TextSource {
        TextSource(Arc::new(self.clone()))
    }

    /// Whether `other` is this very source (a clone of it), not merely one
    /// holding the same text.
    pub fn is(&self, other: &TextSource) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for TextSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TextSource({} bytes)", self.as_str().len())
    }
}

/// What a [`TextSource`] can hold.
trait HeldText: Send + Sync {
    fn text(&self) -> &str;
}

impl HeldText for TextSource {
    fn text(&self) -> &str {
        self.as_str()
    }
}

impl HeldText for String {
    fn text(&self) -> &str {
        self
    }
}

/// Valid UTF-8 at `range` of bytes that its owner never changes.
struct Utf8Within<B> {
    bytes: Arc<B>,
    range: Range<usize>,
}

impl<B: StableBytes> HeldText for Utf8Within<B> {
    fn text(&self) -> &str {
        let bytes = &self.bytes[self.range.clone()];
        // SAFETY: `TextSource::within` made `self` from a `&str` lying at
        // exactly this range of the same owner's bytes, and a
        // `StableBytes` owner hands out the same unchanging bytes for as
        // long as it lives (a mapped file changed under artconv is the
        // hazard `--no-mmap` exists for, as it is for reading in place).
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

/// Owners of input bytes that hand out the same bytes, unchanged, on
/// every dereference: what a [`TextSource`] may borrow its text from.
/// Sealed: only the crate's own owners qualify.
pub trait StableBytes: Deref<Target = [u8]> + Send + Sync + 'static + sealed::Sealed {}

pub(crate) mod sealed {
    /// Keeps [`super::StableBytes`] to the types of this crate that keep
    /// its promise.
    pub trait Sealed {}

    impl Sealed for Vec<u8> {}
}

impl StableBytes for Vec<u8> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_and_owned_texts_are_the_same_string_to_their_users() {
        let source = TextSource::of_string("مرحبا بالعالم".to_string());
        let shared = Text::shared(&source, 0..10).unwrap();
        let owned = Text::from("مرحبا");
        assert!(shared.is_shared());
        assert!(!owned.is_shared());
        assert_eq!(shared, owned);
        assert_eq!((shared.len(), owned.len()), (10, 10));
        assert!(!shared.is_empty() && Text::shared(&source, 4..4).unwrap().is_empty());
        assert_eq!(shared, "مرحبا");
        assert_eq!(format!("{shared:?}"), format!("{:?}", "مرحبا"));
        assert_eq!(
            serde_json::to_string(&shared).unwrap(),
            serde_json::to_string("مرحبا").unwrap()
        );
        let back: Text = serde_json::from_str(&serde_json::to_string(&shared).unwrap()).unwrap();
        assert_eq!(back, shared);
    }

    #[test]
    fn a_source_is_itself_and_its_clones_only() {
        let source = TextSource::of_string("same".to_string());
        let twin = TextSource::of_string("same".to_string());
        assert!(source.is(&source.clone()));
        assert!(!source.is(&twin));
    }

    #[test]
    fn a_range_that_cuts_a_character_is_refused() {
        let source = TextSource::of_string("مرحبا".to_string());
        assert!(Text::shared(&source, 0..3).is_none());
        assert!(Text::shared(&source, 0..11).is_none());
        assert!(Text::shared(&source, 2..4).is_some());
    }

    #[test]
    fn text_held_within_bytes_is_found_only_inside_them() {
        let bytes = Arc::new(b"\xEF\xBB\xBFhello world".to_vec());
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let source = TextSource::within(&bytes, text).unwrap();
        assert_eq!(source.as_str(), "hello world");
        let elsewhere = String::from("hello world");
        assert!(TextSource::within(&bytes, &elsewhere).is_none());
        let mut changed = Text::shared(&source, 6..11).unwrap();
        changed.make_mut().push('!');
        assert_eq!(changed, "world!");
        assert!(!changed.is_shared());
        assert_eq!(source.as_str(), "hello world");
    }
}
