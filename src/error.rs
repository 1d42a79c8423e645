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
    /// The input does not parse in the format it was read as (a forced
    /// `-f json|xml|markdown`, or what sniffing decided). Carries the place
    /// so that the user can open the file there.
    #[error("invalid {format} at line {line}, column {column}: {message}")]
    Parse {
        /// What was being parsed (`JSON`, `XML`, `YAML front matter`).
        format: &'static str,
        /// Line of the problem, from 1.
        line: usize,
        /// Column of the problem, from 1, in characters.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// artconv's own JSON or XML written for another version of the model:
    /// its field meanings cannot be trusted, so it is refused, not guessed.
    #[error(
        "schema_version \"{found}\" is not supported: this artconv reads schema_version \"{supported}\""
    )]
    SchemaVersion {
        /// The version the input states (`(none)` when it states none).
        found: String,
        /// The version this build reads and writes.
        supported: &'static str,
    },
    /// [`crate::convert`] was asked for one article but the input holds
    /// several (JSON Lines, a JSON array, an `<articles>` document).
    #[error("the input holds {0} articles; read it with convert_all")]
    ManyArticles(usize),
    /// A writer's serializer failed (never expected; reported instead of a panic).
    #[error("cannot serialize output: {0}")]
    Serialize(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A short, stable name for the kind of failure (`not_text`, `empty`,
    /// `too_large`...), for machines: map mode writes it into error records
    /// so that a pipeline can count or filter failures without parsing
    /// messages meant for people.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Malformed { .. } => "malformed",
            Error::Binary(_) => "not_text",
            Error::Empty | Error::EmptyPage => "empty",
            Error::TooLarge { .. } => "too_large",
            Error::Io(_) => "io",
            Error::Write(_) => "write",
            Error::Parse { .. } => "parse",
            Error::SchemaVersion { .. } => "schema_version",
            Error::ManyArticles(_) => "many_articles",
            Error::Serialize(_) => "internal",
        }
    }
}
