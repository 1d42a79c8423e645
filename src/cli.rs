//! The command line: flag definitions (also the source of the man page) and
//! the run loop that ties inputs, the pipeline and the output together.
//!
//! Conventions (ripgrep's): stdout carries data only; diagnostics go to
//! stderr as `artconv: <input>: <problem>`, printed in one place; a failed
//! input does not stop the others; a closed stdout ends the run quietly.

use std::ffi::OsString;
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{CommandFactory, Parser};

use crate::batch::{
    self, BatchOptions, Destination, DiscoverOptions, Discovered, Filter, Input, ProgressMode,
};
use crate::decode::{self, DecodeOptions};
use crate::detect_report;
use crate::envelope::{self, MapOptions};
use crate::input_bytes::Mapping;
use crate::pipeline::ConvertOptions;
use crate::readers::InputFormat;
use crate::writers::{CsvRows, OutputFormat, WriteOptions};

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
  artconv notes.md -t csv                  Markdown in (front matter, headings, code blocks)
  artconv corpus.jsonl -t xml              artconv's own JSON Lines back, as XML
  artconv -f markdown notes.txt            force the reader
  artconv -e windows-1256 old.txt          decode as windows-1256, whatever detection says
  artconv a.txt b.txt -t jsonl             one JSON object per line per article
  artconv a.txt b.txt -t csv --csv-rows articles
  cat article.txt | artconv - -t json | jq -r '.sections[].heading'
  artconv -r corpus -t jsonl > corpus.jsonl
  artconv -r corpus --out-dir out -t json --skip-existing --report report.jsonl
  find corpus -name '*.txt' -print0 | artconv --files-from - -0 -t csv
  artconv -f envelope < records.jsonl > articles.jsonl    map mode (Spark's RDD.pipe)

Exit status: 0 all inputs converted, 1 at least one input failed (the others
were still converted), 2 usage error. A closed stdout ends the run with 0.";

/// Convert news articles into clean structured data.
///
/// artconv reads plain-text articles, saved HTML pages, Markdown (with YAML
/// front matter) and its own JSON, JSON Lines and XML, in any common
/// encoding (UTF-8, UTF-16
/// with or without BOM, windows-1256, ISO-8859-6, windows-1252, KOI8-R,
/// Shift_JIS, GBK...), finds their title, lead, section headings,
/// paragraphs, quotes and list items, language and writing direction, and
/// writes them as JSON, JSON Lines, CSV, XML or Markdown. Every block
/// carries the byte span it came from in the original input.
#[derive(Debug, Parser)]
#[command(name = "artconv", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// Input files and folders; `-` or nothing reads standard input.
    ///
    /// Folders need -r. Inputs are converted in the order given, the files
    /// of a folder in sorted order, and written in that order whatever
    /// --jobs is.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Convert the files inside folders, and inside their subfolders.
    ///
    /// Symbolic links are followed; a link back to a folder being walked is
    /// reported and not followed again. Files and folders whose name starts
    /// with a dot are skipped unless --hidden is given.
    #[arg(short = 'r', long)]
    pub recursive: bool,

    /// Also convert hidden files and enter hidden folders (names starting
    /// with a dot) when walking folders.
    #[arg(long)]
    pub hidden: bool,

    /// Read more input paths from FILE, one per line (`-` reads the list
    /// from standard input).
    ///
    /// Empty lines are skipped and a trailing carriage return is dropped;
    /// use -0 for NUL-separated lists (`find . -type f -print0 | artconv
    /// --files-from - -0`). Relative paths are taken from the current
    /// directory. Folders in the list are walked with -r and skipped
    /// without it. --include and --exclude apply to listed files.
    #[arg(long = "files-from", value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// The --files-from list is separated by NUL bytes, not newlines (as
    /// written by `find -print0`).
    #[arg(short = '0', long = "null", requires = "files_from")]
    pub null: bool,

    /// Convert only the files matching GLOB (repeatable) among those found
    /// in folders or listed by --files-from.
    ///
    /// A glob matches a file's path relative to the folder it was found in,
    /// or its bare name: `*.txt`, `2024/**/*.txt`. `*` also crosses `/`.
    /// Files named on the command line are always converted.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Leave out the files matching GLOB (repeatable), even if --include
    /// matches them; a folder matching GLOB is not entered (`--exclude
    /// drafts`). Matched like --include.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Write one output file per input under DIR instead of one stream.
    ///
    /// Outputs are named after their input with the extension replaced by
    /// the format's (-t): `-r corpus` writes DIR/a.json and
    /// DIR/sub/b.json, mirroring the paths below the deepest folder
    /// common to all inputs (the folder given to -r, or a named file's
    /// folder); standard input becomes `DIR/stdin.<ext>`. No output can land
    /// outside DIR, whatever `..` or absolute paths the inputs have. Two
    /// inputs that would get the same output name (a.txt and a.md) stop the
    /// run before anything is written. Each file is written atomically; a
    /// failed input leaves no file. A DIR inside a walked folder is not
    /// walked.
    #[arg(long = "out-dir", value_name = "DIR", conflicts_with = "output")]
    pub out_dir: Option<PathBuf>,

    /// With --out-dir, leave alone the outputs that exist and are newer
    /// than their input, so that an interrupted batch resumes where it
    /// stopped.
    #[arg(long = "skip-existing", requires = "out_dir")]
    pub skip_existing: bool,

    /// Convert up to N inputs at once [default: the number of available
    /// cores]. The output is the same, byte for byte, for every N.
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    /// Stop at the first input that fails (in input order); the outputs of
    /// the inputs before it are kept.
    #[arg(long = "fail-fast")]
    pub fail_fast: bool,

    /// When to draw a progress bar on standard error: `auto` on a terminal
    /// for batches lasting more than about a second, never when standard
    /// error is a pipe or the CI variable is set.
    #[arg(long, value_name = "WHEN", value_enum, default_value = "auto")]
    pub progress: ProgressMode,

    /// Write one JSON line per input to FILE: {"path", "output", "encoding",
    /// "format", "status", "error", "bytes"}, with status `converted`,
    /// `skipped` or `failed` (`format` is the input format detected). A
    /// report inside a walked folder is not converted.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Print a summary line on standard error at the end (converted,
    /// skipped, failed, bytes read, time, encodings met). On by default
    /// for batches when standard error is a terminal.
    #[arg(short, long)]
    pub verbose: bool,

    /// Output format [default: json, or from the extension of --output].
    #[arg(short = 't', long = "to", value_name = "FORMAT", value_enum)]
    pub to: Option<OutputFormat>,

    /// Input format; `auto` decides by content, then by extension.
    ///
    /// Content first: an HTML doctype or tag; an XML prolog or artconv's
    /// `<article>`/`<articles>` root; a JSON object (or JSON Lines, or an
    /// array) carrying `schema_version`; Markdown front matter, a code
    /// fence, or two Markdown markers (`#` headings, setext underlines,
    /// links, `**strong**`, `code`). Then the extension: .html/.htm,
    /// .md/.markdown, .json/.jsonl/.ndjson, .xml. Else plain text. The
    /// choice and how it was made are recorded in `source.format` and
    /// `source.format_source`. A forced format that does not parse is an
    /// error naming the line and column.
    ///
    /// `envelope` is map mode, for Spark's `RDD.pipe` and `parallel
    /// --pipepart`: standard input holds one JSON record per line,
    /// {"id", "path"?, "content_base64" or "content"}, and standard output
    /// gets one JSON line per record, in order: {"id", "path", "article"}
    /// or {"id", "path", "error": {"kind", "message"}}. A document that
    /// fails is an error record (exit 0); a line that is not a record stops
    /// the run (exit 1). Blank lines are skipped. `path` helps sniffing and
    /// is recorded in `source.path`; --max-input-size applies per record.
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

    /// Only detect: print one line per input (tab-separated: path, encoding,
    /// confidence, how it was decided, format, language), or JSON Lines with
    /// `-t json`/`-t jsonl`. Nothing is converted. An input that is not text
    /// gets format `binary`, no encoding, and exit status 1.
    #[arg(long)]
    pub detect: bool,

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

    /// Prefix CSV cells that start with `=`, `+`, `-`, `@`, tab or CR with
    /// a `'`, so a spreadsheet shows them as text instead of running them
    /// as formulas (CSV injection). Off by default: it changes the data.
    #[arg(long = "csv-safe")]
    pub csv_safe: bool,

    /// Refuse inputs larger than this: a number of bytes, or a number with
    /// K, M, G or T (powers of 1024; also KiB, MiB, GiB, TiB) or KB, MB,
    /// GB or TB (powers of 1000).
    #[arg(
        long = "max-input-size",
        value_name = "SIZE",
        default_value = "256MiB",
        value_parser = parse_size
    )]
    pub max_input_size: u64,

    /// Read every input file into memory instead of mapping the large ones
    /// (4 MiB and more). Mapping is faster, but a mapped file that another
    /// process truncates during the run kills artconv with SIGBUS, and one
    /// rewritten in place can change the text while it is converted; use
    /// this for inputs that may be cut short or rewritten while artconv
    /// reads them.
    #[arg(long = "no-mmap")]
    pub no_mmap: bool,

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
        if cli.from == InputFormat::Envelope
            && let Some(flag) = envelope_conflict(&cli)
        {
            return Err(format!(
                "-f envelope reads records on standard input and writes JSON Lines to standard output; {flag} cannot be used with it"
            ));
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
        if self.cli.from == InputFormat::Envelope {
            return self.map();
        }
        match self.plan() {
            Ok((found, destination)) => {
                if !self.cli.quiet {
                    for note in &found.notes {
                        eprintln!("artconv: {note}");
                    }
                }
                if self.cli.detect {
                    return self.detect(&found.inputs, &found.problems);
                }
                let summary = self.cli.verbose || (found.many && io::stderr().is_terminal());
                let options = BatchOptions {
                    convert: self.convert.clone(),
                    format: self.format,
                    write: WriteOptions {
                        csv_rows: self.cli.csv_rows,
                        csv_safe: self.cli.csv_safe,
                    },
                    jobs: self.cli.jobs.unwrap_or_else(default_jobs),
                    fail_fast: self.cli.fail_fast,
                    skip_existing: self.cli.skip_existing,
                    progress: self.cli.progress,
                    summary,
                    quiet: self.cli.quiet,
                    report: self.cli.report.clone(),
                    mapping: self.mapping(),
                };
                batch::run(
                    &found.inputs,
                    found.many,
                    &found.problems,
                    &destination,
                    &options,
                )
            }
            Err(message) => {
                eprintln!("artconv: {message}");
                EXIT_USAGE
            }
        }
    }

    /// `--detect`: one report per input, in input order. An input that
    /// cannot be read or is not text is reported on stderr and sets exit 1.
    /// Whether large input files are mapped (`--no-mmap` says no).
    fn mapping(&self) -> Mapping {
        if self.cli.no_mmap {
            Mapping::Never
        } else {
            Mapping::Large
        }
    }

    fn detect(&self, inputs: &[Input], problems: &[(String, String)]) -> i32 {
        for (path, problem) in problems {
            eprintln!("artconv: {path}: {}", escape_for_terminal(problem));
        }
        let json = matches!(self.cli.to, Some(OutputFormat::Json | OutputFormat::Jsonl));
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let mut status = if problems.is_empty() {
            EXIT_OK
        } else {
            EXIT_FAILED
        };
        // Detected on --jobs threads, reported in input order.
        let jobs = self.cli.jobs.unwrap_or_else(default_jobs);
        let mut ended = None;
        batch::run_ordered(
            inputs.len(),
            jobs,
            jobs * 4,
            |index| {
                let input = &inputs[index];
                input
                    .read(self.convert.max_input_size, self.mapping())
                    .map(|bytes| {
                        detect_report::report(input.source_path().as_deref(), &bytes, &self.convert)
                    })
                    .map_err(|error| error.to_string())
            },
            |index, result| {
                let input = &inputs[index];
                let report = match result {
                    Ok(report) => report,
                    Err(error) => {
                        eprintln!(
                            "artconv: {}: {}",
                            input.display(),
                            escape_for_terminal(&error)
                        );
                        status = EXIT_FAILED;
                        return batch::Flow::Continue;
                    }
                };
                if let Some(error) = &report.error {
                    eprintln!(
                        "artconv: {}: {}",
                        input.display(),
                        escape_for_terminal(error)
                    );
                    status = EXIT_FAILED;
                }
                if let Some(warning) = &report.warning
                    && !self.cli.quiet
                {
                    eprintln!("artconv: {}: {warning}", input.display());
                }
                let written = if json {
                    detect_report::write_jsonl(&report, &mut out)
                } else {
                    detect_report::write_tsv(&report, &mut out)
                };
                match written {
                    Ok(()) => batch::Flow::Continue,
                    Err(error) => {
                        ended = Some(if error.kind() == io::ErrorKind::BrokenPipe {
                            EXIT_OK
                        } else {
                            EXIT_FAILED
                        });
                        batch::Flow::Stop
                    }
                }
            },
            || {},
        );
        if let Some(status) = ended {
            return status;
        }
        match out.flush() {
            Err(error) if error.kind() != io::ErrorKind::BrokenPipe => EXIT_FAILED,
            _ => status,
        }
    }

    /// `-f envelope`: map mode on standard input and output.
    fn map(&self) -> i32 {
        let options = MapOptions {
            convert: self.convert.clone(),
            jobs: self.cli.jobs.unwrap_or_else(default_jobs),
        };
        let started = std::time::Instant::now();
        let out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        match envelope::run(io::stdin(), out, &options) {
            Ok(summary) => {
                if self.cli.verbose {
                    eprintln!(
                        "artconv: {} record(s), {} converted, {} failed in {:.2} s",
                        summary.records,
                        summary.records - summary.failed,
                        summary.failed,
                        started.elapsed().as_secs_f64()
                    );
                }
                EXIT_OK
            }
            Err(error) if error.is_closed_pipe() => EXIT_OK,
            Err(error) => {
                eprintln!("artconv: {}", escape_for_terminal(&error.to_string()));
                EXIT_FAILED
            }
        }
    }

    /// Finds the inputs and where their outputs go; refuses, before
    /// anything is written, what cannot work.
    fn plan(&self) -> Result<(Discovered, Destination), String> {
        let filter = Filter::new(&self.cli.include, &self.cli.exclude)?;
        let named = if self.cli.inputs.is_empty() && self.cli.files_from.is_none() {
            vec![PathBuf::from("-")]
        } else {
            self.cli.inputs.clone()
        };
        let options = DiscoverOptions {
            recursive: self.cli.recursive,
            hidden: self.cli.hidden,
            filter,
            files_from: self.cli.files_from.clone(),
            null: self.cli.null,
            prune: self
                .cli
                .out_dir
                .as_ref()
                .and_then(|dir| fs::canonicalize(dir).ok()),
            skip_file: self.cli.report.clone(),
        };
        let found = batch::discover(&named, &options)?;
        if found.inputs.is_empty() && found.problems.is_empty() && !self.cli.quiet {
            eprintln!("artconv: warning: no input files found");
        }
        let destination = match (&self.cli.output, &self.cli.out_dir) {
            (Some(output), _) => {
                if let Some(input) = found.inputs.iter().find(|i| i.is_same_file(output)) {
                    return Err(format!(
                        "{}: refusing to overwrite an input with the output",
                        input.display()
                    ));
                }
                Destination::File(output.clone())
            }
            (None, Some(dir)) => {
                Destination::Dir(batch::plan_outputs(&found.inputs, dir, self.format)?)
            }
            (None, None) => Destination::Stdout,
        };
        Ok((found, destination))
    }
}

/// The first flag given that map mode cannot honour: it reads records from
/// standard input only and writes JSON Lines to standard output only.
fn envelope_conflict(cli: &Cli) -> Option<&'static str> {
    let stdin_only = cli.inputs.iter().all(|p| p.as_os_str() == "-") && cli.inputs.len() <= 1;
    [
        (!stdin_only, "an input path"),
        (cli.recursive, "-r"),
        (cli.files_from.is_some(), "--files-from"),
        (
            !cli.include.is_empty() || !cli.exclude.is_empty(),
            "--include/--exclude",
        ),
        (cli.out_dir.is_some(), "--out-dir"),
        (cli.output.is_some(), "-o"),
        (cli.detect, "--detect"),
        (cli.report.is_some(), "--report"),
        (cli.fail_fast, "--fail-fast"),
        (
            !matches!(
                cli.to,
                None | Some(OutputFormat::Json | OutputFormat::Jsonl)
            ),
            "-t other than json or jsonl",
        ),
    ]
    .into_iter()
    .find_map(|(given, flag)| given.then_some(flag))
}

/// `--jobs`: a positive count.
fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n.min(1024)),
        Err(_) => Err(format!("'{text}' is not a number")),
    }
}

/// `--max-input-size`: bytes, with an optional binary (`K`, `KiB`...) or
/// decimal (`KB`...) multiple, as `du`, `dd` and ripgrep's
/// `--max-filesize` take them.
fn parse_size(text: &str) -> Result<u64, String> {
    let digits = text
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &text.trim()[digits.len()..];
    let multiple: u64 = match suffix.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KIB" => 1 << 10,
        "M" | "MIB" => 1 << 20,
        "G" | "GIB" => 1 << 30,
        "T" | "TIB" => 1 << 40,
        "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        "TB" => 1_000_000_000_000,
        _ => {
            return Err(format!(
                "'{text}' is not a size: give bytes, or a number with K, M, G, T (powers of 1024) or KB, MB, GB, TB (powers of 1000)"
            ));
        }
    };
    let number: u64 = digits.trim().parse().map_err(|_| {
        format!("'{text}' is not a size: the number must be a whole number of units")
    })?;
    number
        .checked_mul(multiple)
        .ok_or_else(|| format!("'{text}' is too large"))
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
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
    fn sizes_take_binary_and_decimal_multiples() {
        use crate::pipeline::DEFAULT_MAX_INPUT_SIZE;
        assert_eq!(parse_size("256MiB"), Ok(DEFAULT_MAX_INPUT_SIZE));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("1000B"), Ok(1000));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2 GiB"), Ok(2 << 30));
        assert_eq!(parse_size("3MB"), Ok(3_000_000));
        assert_eq!(parse_size("1TB"), Ok(1_000_000_000_000));
        for bad in ["", "G", "1.5G", "-1", "12X", "1GiBs", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_for_terminal("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_for_terminal("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(escape_for_terminal("مرحبا.txt"), "مرحبا.txt");
    }
}
