//! Errors of the library, each carrying enough context to be printed as one
//! line. The binary adds the input's name and prints them once, as
//! `artconv: <file>: <problem>` (see `main.rs`).

use thiserror::Error;

/// Everything that can stop one input from being converted.
///
/// Variants say what went wrong with the *input*, not where in artconv it
/// happened, so that a user can act on them without reading the source.
#[derive(Debug, Error)]
pub enum Error {
    /// `--strict` was given and the bytes are not valid in the encoding.
    #[error("malformed {encoding} byte sequence at byte offset {offset} (--strict)")]
    Malformed {
        /// WHATWG name of the encoding the bytes were decoded with.
        encoding: &'static str,
        /// Offset of the first malformed byte in the original input.
        offset: usize,
    },
    /// The input is a binary file (image, executable, archive...), not text.
    #[error("not a text file: {0}")]
    Binary(String),
    /// The input holds no text at all (empty or only blank lines).
    #[error("no text found: the input is empty or holds only blank lines")]
    Empty,
    /// An HTML page whose markup holds neither a title nor any article text
    /// (an empty page, a frameset, a page built by scripts).
    #[error("no article text found in the HTML page")]
    EmptyPage,
    /// The input is larger than `--max-input-size`.
    #[error("input is larger than the limit of {limit} bytes (see --max-input-size)")]
    TooLarge {
        /// The limit in force, in bytes.
        limit: u64,
    },
    /// Reading the input failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Writing an output failed.
    #[error("cannot write output: {0}")]
    Write(std::io::Error),
    /// A writer's serializer failed (never expected; reported instead of a panic).
    #[error("cannot serialize output: {0}")]
    Serialize(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
