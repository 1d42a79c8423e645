//! Decoded text to the article model: one module per input format.
//!
//! Every reader produces the same [`Article`](crate::model::Article); the
//! writers never know which reader ran. Formats are a closed enum and
//! dispatch is a `match` (see [`crate::pipeline`]).

pub mod text;

use clap::ValueEnum;

/// The input formats artconv reads, as given to `-f/--from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Decide from the content, then the file extension; plain text otherwise.
    Auto,
    /// Plain text: blank-line separated blocks, structure inferred.
    Text,
}

impl InputFormat {
    /// The name recorded in `source.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Text => "text",
        }
    }

    /// The reader that actually runs for this choice and input.
    ///
    /// Plain text is the only reader so far, so `auto` resolves to it; the
    /// sniffing order (content, then extension) lives here when more land.
    pub fn resolve(self, _bytes: &[u8], _path: Option<&str>) -> InputFormat {
        match self {
            InputFormat::Auto | InputFormat::Text => InputFormat::Text,
        }
    }
}
