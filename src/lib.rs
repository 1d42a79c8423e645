//! artconv converts news articles — plain text in any common encoding, HTML
//! pages, Markdown, and its own JSON and XML — into clean structured data:
//! JSON, JSON Lines, CSV, XML and Markdown.
//!
//! The modules follow the pipeline:
//!
//! ```text
//! bytes ──decode──▶ text ──readers──▶ model::Article ──writers──▶ output
//! ```
//!
//! * [`decode`]: BOM, `--encoding`, declarations, detection; offsets back
//!   into the original bytes for every span.
//! * [`readers`]: one module per input format, each producing the model.
//! * [`model`]: the versioned article model, the contract between the two.
//! * [`writers`]: one module per output format, each consuming only the model.
//! * [`pipeline`]: the order of the stages for one input.
//! * [`batch`] and [`envelope`]: many inputs, as files or as JSON Lines
//!   records (map mode).
//!
//! ```
//! let options = artconv::ConvertOptions::default();
//! let article = artconv::convert(b"Title\n\nFirst paragraph.\n", None, &options).unwrap();
//! assert_eq!(article.title.as_deref(), Some("Title"));
//! ```

pub mod batch;
mod byte_set;
pub mod cli;
pub mod decode;
pub mod detect_report;
pub mod envelope;
pub mod error;
pub mod input_bytes;
pub mod lang;
mod memory;
pub mod model;
mod parallel;
pub mod pipeline;
pub mod readers;
mod word_simd;
pub mod writers;

pub use error::{Error, Result};
pub use model::Article;
pub use pipeline::{ConvertOptions, convert, convert_all};
