//! The command line: flag definitions (also the source of the man page) and
//! the run loop that ties inputs, the pipeline and the output together.
//!
//! Conventions (ripgrep's): stdout carries data only; diagnostics go to
//! stderr as `artconv: <input>: <problem>`, printed in one place; a failed
//! input does not stop the others; a closed stdout ends the run quietly.

use std::ffi::OsString;
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser};

use crate::decode::{self, DecodeOptions};
use crate::error::Error;
use crate::pipeline::{self, ConvertOptions, DEFAULT_MAX_INPUT_SIZE};
use crate::readers::InputFormat;
use crate::writers::{CsvRows, OutputFormat, Sink, WriteOptions};

/// Exit status: every input converted.
pub const EXIT_OK: i32 = 0;
/// Exit status: at least one input could not be converted (the others were).
pub const EXIT_FAILED: i32 = 1;
/// Exit status: the command line itself is wrong.
pub const EXIT_USAGE: i32 = 2;

const EXAMPLES: &str = "\
Examples:
  artconv article.txt                      JSON on stdout
  artconv article.txt -t md                Markdown with front matter
  artconv article.txt -o article.xml       format inferred from the extension
  artconv -e windows-1256 old.txt          decode as windows-1256, whatever detection says
  artconv a.txt b.txt -t jsonl             one JSON object per line per article
  artconv a.txt b.txt -t csv --csv-rows articles
  cat article.txt | artconv - -t json | jq -r '.sections[].heading'

Exit status: 0 all inputs converted, 1 at least one input failed (the others
were still converted), 2 usage error. A closed stdout ends the run with 0.";

/// Convert news articles into clean structured data.
///
/// artconv reads plain-text articles in any common encoding (UTF-8, UTF-16
/// with or without BOM, windows-1256, ISO-8859-6, windows-1252, KOI8-R,
/// Shift_JIS, GBK...), finds their title, lead, section headings,
/// paragraphs, quotes and list items, language and writing direction, and
/// writes them as JSON, JSON Lines, CSV, XML or Markdown. Every block
/// carries the byte span it came from in the original input.
#[derive(Debug, Parser)]
#[command(name = "artconv", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// Input files; `-` or nothing reads standard input.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Output format [default: json, or from the extension of --output].
    #[arg(short = 't', long = "to", value_name = "FORMAT", value_enum)]
    pub to: Option<OutputFormat>,

    /// Input format; `auto` decides by content, then by extension.
    #[arg(
        short = 'f',
        long = "from",
        value_name = "FORMAT",
        value_enum,
        default_value = "auto"
    )]
    pub from: InputFormat,

    /// Write to FILE instead of standard output (atomically: complete or absent).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Decode inputs with this encoding (any WHATWG label: utf-8, windows-1256,
    /// iso-8859-6, koi8-r, shift_jis, gbk...). A byte order mark still wins.
    #[arg(short = 'e', long = "encoding", value_name = "LABEL")]
    pub encoding: Option<String>,

    /// List the encodings --encoding accepts and exit.
    #[arg(long = "list-encodings")]
    pub list_encodings: bool,

    /// Fail on a malformed byte sequence (naming its offset) instead of
    /// replacing it with U+FFFD.
    #[arg(long)]
    pub strict: bool,

    /// Language tag (BCP 47, e.g. `ar`, `en-GB`) to record instead of
    /// detecting it; also sets the direction.
    #[arg(long, value_name = "TAG")]
    pub lang: Option<String>,

    /// What a CSV row stands for.
    #[arg(
        long = "csv-rows",
        value_name = "ROWS",
        value_enum,
        default_value = "blocks"
    )]
    pub csv_rows: CsvRows,

    /// Refuse inputs larger than this many bytes.
    #[arg(long = "max-input-size", value_name = "BYTES", default_value_t = DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,

    /// Print no warnings (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs artconv with the process's arguments; returns the exit status.
pub fn main() -> i32 {
    run(std::env::args_os())
}

/// Runs artconv with the given arguments (the first is the program name);
/// returns the exit status. Never panics on user input.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let status = if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
            // --help or --version to a closed pipe is not worth a message.
            let _ = error.print();
            return status;
        }
    };
    match Run::new(cli) {
        Ok(run) => run.execute(),
        Err(message) => {
            eprintln!("artconv: {message}");
            EXIT_USAGE
        }
    }
}

/// The clap command, for the man page and tests.
pub fn command() -> clap::Command {
    Cli::command()
}

/// A validated command line, ready to run.
struct Run {
    cli: Cli,
    format: OutputFormat,
    convert: ConvertOptions,
}

impl Run {
    /// Checks what clap cannot: the encoding label and the output's format.
    fn new(cli: Cli) -> Result<Run, String> {
        let forced = match &cli.encoding {
            Some(label) => Some(decode::encoding_for_label(label).ok_or_else(|| {
                format!(
                    "unknown encoding label '{}'; run `artconv --list-encodings` to see valid ones",
                    escape_for_terminal(label)
                )
            })?),
            None => None,
        };
        let format = match (cli.to, &cli.output) {
            (Some(format), _) => format,
            (None, Some(path)) => path
                .to_str()
                .and_then(OutputFormat::from_extension)
                .unwrap_or(OutputFormat::Json),
            (None, None) => OutputFormat::Json,
        };
        if let Some(lang) = &cli.lang {
            let valid = !lang.is_empty()
                && lang.len() <= 35
                && lang.split('-').all(|part| {
                    !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())
                });
            if !valid {
                return Err(format!(
                    "invalid language tag '{}' (expected BCP 47, e.g. ar or en-GB)",
                    escape_for_terminal(lang)
                ));
            }
        }
        let convert = ConvertOptions {
            format: cli.from,
            decode: DecodeOptions {
                forced,
                declared: None,
                strict: cli.strict,
            },
            lang: cli.lang.clone(),
            max_input_size: cli.max_input_size,
        };
        Ok(Run {
            cli,
            format,
            convert,
        })
    }

    fn execute(self) -> i32 {
        if self.cli.list_encodings {
            let mut out = io::stdout().lock();
            for name in decode::supported_encodings() {
                if writeln!(out, "{name}").is_err() {
                    break;
                }
            }
            return EXIT_OK;
        }
        let inputs: Vec<Input> = if self.cli.inputs.is_empty() {
            vec![Input::Stdin]
        } else {
            self.cli
                .inputs
                .iter()
                .map(|p| {
                    if p.as_os_str() == "-" {
                        Input::Stdin
                    } else {
                        Input::File(p.clone())
                    }
                })
                .collect()
        };
        if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
            eprintln!("artconv: standard input ('-') can be read only once");
            return EXIT_USAGE;
        }
        if let Some(output) = &self.cli.output
            && let Some(input) = inputs.iter().find(|input| input.is_same_file(output))
        {
            eprintln!(
                "artconv: {}: refusing to overwrite an input with the output",
                input.display()
            );
            return EXIT_USAGE;
        }
        match &self.cli.output {
            Some(path) => self.to_file(&inputs, path),
            None => {
                let stdout = io::stdout();
                self.convert_all(&inputs, BufWriter::with_capacity(64 * 1024, stdout.lock()))
            }
        }
    }

    /// Writes to a temporary file beside `path`, renamed into place only
    /// when the whole output was written.
    fn to_file(&self, inputs: &[Input], path: &Path) -> i32 {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let temp = dir.join(format!(".{name}.artconv-{}.tmp", std::process::id()));
        let file = match fs::File::create(&temp) {
            Ok(file) => file,
            Err(error) => {
                eprintln!(
                    "artconv: {}: cannot create output: {error}",
                    escape_for_terminal(&path.display().to_string())
                );
                return EXIT_FAILED;
            }
        };
        let status = self.convert_all(inputs, BufWriter::with_capacity(64 * 1024, file));
        let all_failed = status != EXIT_OK && inputs.len() == 1;
        if all_failed {
            let _ = fs::remove_file(&temp);
            return status;
        }
        if let Err(error) = fs::rename(&temp, path) {
            let _ = fs::remove_file(&temp);
            eprintln!(
                "artconv: {}: cannot write output: {error}",
                escape_for_terminal(&path.display().to_string())
            );
            return EXIT_FAILED;
        }
        status
    }

    fn convert_all<W: Write>(&self, inputs: &[Input], out: W) -> i32 {
        let options = WriteOptions {
            csv_rows: self.cli.csv_rows,
        };
        let mut sink = Sink::new(self.format, options, inputs.len() > 1, out);
        let mut status = EXIT_OK;
        for input in inputs {
            let article = input.read(self.convert.max_input_size).and_then(|bytes| {
                pipeline::convert(&bytes, input.source_path().as_deref(), &self.convert)
            });
            match article {
                Ok(article) => {
                    self.warn(input, &article);
                    if let Err(error) = sink.write(&article) {
                        return self.output_failed(error);
                    }
                }
                Err(error) => {
                    eprintln!(
                        "artconv: {}: {}",
                        input.display(),
                        escape_for_terminal(&error.to_string())
                    );
                    status = EXIT_FAILED;
                }
            }
        }
        match sink.finish() {
            Ok(_) => status,
            Err(error) => self.output_failed(error),
        }
    }

    /// A write error ends the run: quietly with success for a closed pipe
    /// (`artconv big.txt | head`), loudly otherwise.
    fn output_failed(&self, error: Error) -> i32 {
        if let Error::Write(io) = &error
            && io.kind() == io::ErrorKind::BrokenPipe
        {
            return EXIT_OK;
        }
        let target = self
            .cli
            .output
            .as_ref()
            .map_or("<stdout>".to_string(), |p| p.display().to_string());
        eprintln!("artconv: {}: {}", escape_for_terminal(&target), error);
        EXIT_FAILED
    }

    fn warn(&self, input: &Input, article: &crate::Article) {
        if self.cli.quiet {
            return;
        }
        let source = &article.source;
        if source.replaced > 0 {
            eprintln!(
                "artconv: {}: warning: {} malformed {} sequence(s) replaced with U+FFFD (--strict refuses them)",
                input.display(),
                source.replaced,
                source.encoding
            );
        }
        if source.encoding_source == crate::model::EncodingSource::Detected
            && source.confidence < LOW_CONFIDENCE
        {
            eprintln!(
                "artconv: {}: encoding guessed as {} with low confidence; use --encoding to be sure",
                input.display(),
                source.encoding
            );
        }
    }
}

/// Below this confidence a detected encoding earns a warning.
pub const LOW_CONFIDENCE: f64 = 0.5;

/// One input named on the command line.
#[derive(Debug, Clone)]
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn read(&self, limit: u64) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        match self {
            Input::Stdin => {
                io::stdin()
                    .lock()
                    .take(limit.saturating_add(1))
                    .read_to_end(&mut bytes)?;
            }
            Input::File(path) => {
                let metadata = fs::metadata(path)?;
                if metadata.is_dir() {
                    return Err(Error::Io(io::Error::new(
                        io::ErrorKind::IsADirectory,
                        "is a directory",
                    )));
                }
                if metadata.len() > limit {
                    return Err(Error::TooLarge { limit });
                }
                fs::File::open(path)?
                    .take(limit.saturating_add(1))
                    .read_to_end(&mut bytes)?;
            }
        }
        if bytes.len() as u64 > limit {
            return Err(Error::TooLarge { limit });
        }
        Ok(bytes)
    }

    /// The path recorded in `source.path`.
    fn source_path(&self) -> Option<String> {
        match self {
            Input::Stdin => None,
            Input::File(path) => Some(path.to_string_lossy().into_owned()),
        }
    }

    /// The name used in messages, safe to print on a terminal.
    fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File(path) => escape_for_terminal(&path.to_string_lossy()),
        }
    }

    fn is_same_file(&self, output: &Path) -> bool {
        match self {
            Input::Stdin => false,
            Input::File(path) => match (fs::canonicalize(path), fs::canonicalize(output)) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            },
        }
    }
}

/// Escapes control and bidi-override characters so that a file name or a
/// message cannot move the cursor, recolour or reorder a terminal.
pub fn escape_for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}' => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_for_terminal("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_for_terminal("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(escape_for_terminal("مرحبا.txt"), "مرحبا.txt");
    }
}
