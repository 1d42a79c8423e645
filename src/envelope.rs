//! Map mode (`-f envelope`): artconv as the map step of a distributed
//! engine (Spark's `RDD.pipe`, `parallel --pipepart`, a co-process).
//!
//! Standard input carries one JSON object per line, a *record*:
//!
//! ```text
//! {"id": "a-1", "path": "news/a.txt", "content_base64": "VGl0bGUK..."}
//! {"id": "a-2", "content": "Title\n\nFirst paragraph."}
//! ```
//!
//! and standard output gets exactly one compact JSON line per record, in
//! input order, described by `schema/envelope.schema.json`:
//!
//! ```text
//! {"id":"a-1","path":"news/a.txt","article":{ ...the -t json model... }}
//! {"id":"a-2","path":null,"error":{"kind":"empty","message":"..."}}
//! ```
//!
//! Design notes:
//!
//! * **Two kinds of failure.** A document that cannot be converted is data:
//!   it becomes an error record and the run goes on (exit 0), because one
//!   bad file must not fail a Spark task of thousands. A line that is not a
//!   record (not a JSON object, no string `id`, not exactly one content
//!   field) means the stream itself is wrong — the engine and artconv no
//!   longer agree on what a line is — so it stops the run with exit 1 and a
//!   message naming the line. Every record before it has been written
//!   whole, so the output stays valid JSON Lines up to that point.
//! * **Extra fields are ignored**, so that producers can carry their own
//!   bookkeeping; blank lines (and a trailing `\r`) are not records and get
//!   no output line.
//! * **`content` is text**, already Unicode: it is decoded as UTF-8 whatever
//!   `--encoding` says. `content_base64` carries the original bytes, so
//!   detection, BOMs, `--encoding` and byte spans work as for a file.
//! * **Bounded memory, streaming.** One thread reads and checks lines,
//!   `--jobs` threads convert, the calling thread writes in input order.
//!   At most `4 × jobs` records are in flight (read but not yet written), so
//!   memory depends on the largest record, never on the number of records.
//!   Output is flushed whenever the writer would otherwise wait, so a
//!   co-process that sends one record and waits for its answer is served.
//! * **No environment**: engines start children with an empty one, so
//!   nothing here reads it. Warnings (replaced bytes, low confidence) are
//!   not printed: the record carries `source.replaced` and
//!   `source.confidence`.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::model::Article;
use crate::pipeline::{self, ConvertOptions};
use crate::writers::json::escape_line_separators;

/// What map mode needs besides its streams.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// How each document is converted; its `max_input_size` applies to each
    /// record's document.
    pub convert: ConvertOptions,
    /// Conversion threads.
    pub jobs: usize,
}

/// What ended a map run early. Records written before it are complete.
#[derive(Debug)]
pub enum MapError {
    /// A line is not a record: the stream cannot be trusted past it.
    Framing {
        /// 1-based line number on standard input.
        line: u64,
        /// What is wrong with it.
        problem: String,
        /// Records written before it.
        written: u64,
    },
    /// Standard input could not be read.
    Read(io::Error),
    /// Standard output could not be written (a closed pipe included; the
    /// caller decides to end quietly on that one).
    Write(io::Error),
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::Framing {
                line,
                problem,
                written,
            } => write!(
                f,
                "<stdin>: line {line}: {problem} (map mode stops here; the {written} record(s) before it were written)"
            ),
            MapError::Read(error) => write!(f, "<stdin>: cannot read: {error}"),
            MapError::Write(error) => write!(f, "<stdout>: cannot write: {error}"),
        }
    }
}

impl MapError {
    /// Whether the reader of standard output went away (`| head`): not a
    /// failure of artconv's.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, MapError::Write(error) if error.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Counts of a finished run, for the `-v` summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MapSummary {
    /// Records read and answered.
    pub records: u64,
    /// Records answered with an error record.
    pub failed: u64,
}

/// One record, checked: what a conversion thread needs.
#[derive(Debug, PartialEq)]
struct Record {
    id: String,
    path: Option<String>,
    content: Content,
}

#[derive(Debug, PartialEq)]
enum Content {
    /// `content`: text, converted as UTF-8.
    Text(String),
    /// `content_base64`: the document's bytes, still encoded.
    Base64(String),
}

/// What the threads send to the writer.
enum Message {
    /// The output line of record number `.0` (0-based), newline included,
    /// and whether it is an error record.
    Line(u64, Vec<u8>, bool),
    /// The reader is done after `records` records; `Some` when a broken line
    /// or a read error stopped it.
    End(u64, Option<MapError>),
}

/// Runs map mode: records from `input`, one line per record to `out`.
///
/// `input` is read on a thread of its own that is not waited for when the
/// output closes early: a reader blocked on a pipe that never closes must
/// not keep the process alive.
///
/// # Errors
///
/// [`MapError::Framing`] for a line that is not a record (after writing
/// every record before it), [`MapError::Read`] and [`MapError::Write`] for
/// the streams.
pub fn run<R, W>(input: R, mut out: W, options: &MapOptions) -> Result<MapSummary, MapError>
where
    R: Read + Send + 'static,
    W: Write,
{
    let jobs = options.jobs.max(1);
    let window = jobs * 4;
    let (job_sender, job_receiver) = mpsc::sync_channel::<(u64, Record)>(window);
    let (sender, receiver) = mpsc::channel::<Message>();
    // Credits: one per record in flight; the writer gives one back per
    // record written, so the reader never runs more than `window` ahead.
    let (credit_sender, credit_receiver) = mpsc::channel::<()>();
    for _ in 0..window {
        let _ = credit_sender.send(());
    }
    let max_line = line_limit(options.convert.max_input_size);
    {
        let sender = sender.clone();
        std::thread::spawn(move || {
            read_records(input, max_line, &job_sender, &sender, &credit_receiver);
        });
    }
    let job_receiver = Arc::new(Mutex::new(job_receiver));
    for _ in 0..jobs {
        let (jobs_in, sender) = (Arc::clone(&job_receiver), sender.clone());
        let convert = options.convert.clone();
        std::thread::spawn(move || {
            loop {
                let job = jobs_in
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recv();
                let Ok((index, record)) = job else { break };
                let (line, failed) = answer(&record, &convert);
                if sender.send(Message::Line(index, line, failed)).is_err() {
                    break;
                }
            }
        });
    }
    drop(sender);

    let mut pending: BTreeMap<u64, (Vec<u8>, bool)> = BTreeMap::new();
    let mut summary = MapSummary::default();
    let mut end: Option<(u64, Option<MapError>)> = None;
    loop {
        if let Some((records, _)) = &end
            && summary.records == *records
        {
            break;
        }
        let message = match receiver.try_recv() {
            Ok(message) => message,
            Err(mpsc::TryRecvError::Empty) => {
                // About to wait: whoever reads our output gets what is done.
                out.flush().map_err(MapError::Write)?;
                match receiver.recv() {
                    Ok(message) => message,
                    Err(mpsc::RecvError) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        match message {
            Message::Line(index, line, failed) => {
                pending.insert(index, (line, failed));
            }
            Message::End(records, error) => end = Some((records, error)),
        }
        while let Some((line, failed)) = pending.remove(&summary.records) {
            out.write_all(&line).map_err(MapError::Write)?;
            summary.records += 1;
            summary.failed += u64::from(failed);
            let _ = credit_sender.send(());
        }
    }
    out.flush().map_err(MapError::Write)?;
    match end {
        Some((_, Some(error))) => Err(match error {
            MapError::Framing { line, problem, .. } => MapError::Framing {
                line,
                problem,
                written: summary.records,
            },
            other => other,
        }),
        Some((records, None)) if records == summary.records => Ok(summary),
        // A conversion thread died without answering (it cannot panic past
        // `answer`, so this is not expected); never pretend the run is whole.
        _ => Err(MapError::Write(io::Error::other(
            "a conversion thread stopped before answering every record",
        ))),
    }
}

/// The longest line accepted: enough for any record whose document fits
/// `--max-input-size`, however it is escaped (`\u0001` is six bytes for
/// one), plus room for the id, the path and extra fields.
fn line_limit(max_input_size: u64) -> u64 {
    max_input_size.saturating_mul(6).saturating_add(1 << 20)
}

/// The reader thread: lines to checked records, in order, until the end of
/// input, a broken line, or the writer going away.
fn read_records<R: Read>(
    input: R,
    max_line: u64,
    jobs: &mpsc::SyncSender<(u64, Record)>,
    writer: &mpsc::Sender<Message>,
    credits: &mpsc::Receiver<()>,
) {
    let mut input = BufReader::with_capacity(256 * 1024, input);
    let mut line = Vec::new();
    let mut line_number = 0u64;
    let mut records = 0u64;
    let mut have_credit = false;
    let error = loop {
        if !have_credit {
            if credits.recv().is_err() {
                return; // The writer is gone.
            }
            have_credit = true;
        }
        line.clear();
        let read = (&mut input)
            .take(max_line.saturating_add(1))
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) => break None,
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => break Some(MapError::Read(error)),
        }
        line_number += 1;
        if line.len() as u64 > max_line {
            break Some(framing(
                line_number,
                format!(
                    "longer than {max_line} bytes, more than any record within --max-input-size needs"
                ),
            ));
        }
        let mut bytes = line.as_slice();
        if line_number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        match parse_record(bytes) {
            Ok(None) => {}
            Ok(Some(record)) => {
                if jobs.send((records, record)).is_err() {
                    return;
                }
                records += 1;
                have_credit = false;
            }
            Err(problem) => break Some(framing(line_number, problem)),
        }
    };
    let _ = writer.send(Message::End(records, error));
}

fn framing(line: u64, problem: String) -> MapError {
    MapError::Framing {
        line,
        problem,
        written: 0,
    }
}

/// Checks one line: `Ok(None)` for a blank line, the record, or what makes
/// it not a record.
fn parse_record(line: &[u8]) -> Result<Option<Record>, String> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value =
        serde_json::from_slice(line).map_err(|error| format!("not valid JSON ({error})"))?;
    let Value::Object(mut fields) = value else {
        return Err("not a JSON object".to_string());
    };
    let id = match fields.remove("id") {
        Some(Value::String(id)) => id,
        Some(_) => return Err("\"id\" is not a string".to_string()),
        None => return Err("no \"id\" field".to_string()),
    };
    let path = match fields.remove("path") {
        None | Some(Value::Null) => None,
        Some(Value::String(path)) => Some(path),
        Some(_) => return Err(format!("record {id:?}: \"path\" is not a string or null")),
    };
    let content = match (fields.remove("content"), fields.remove("content_base64")) {
        (Some(Value::String(text)), None) => Content::Text(text),
        (None, Some(Value::String(encoded))) => Content::Base64(encoded),
        (Some(_), None) => return Err(format!("record {id:?}: \"content\" is not a string")),
        (None, Some(_)) => {
            return Err(format!("record {id:?}: \"content_base64\" is not a string"));
        }
        (Some(_), Some(_)) => {
            return Err(format!(
                "record {id:?}: both \"content\" and \"content_base64\"; a record carries exactly one"
            ));
        }
        (None, None) => {
            return Err(format!(
                "record {id:?}: neither \"content\" nor \"content_base64\""
            ));
        }
    };
    Ok(Some(Record { id, path, content }))
}

/// The answer to one record: a converted article, or the reason it is not.
#[derive(Serialize)]
struct Converted<'a> {
    id: &'a str,
    path: Option<&'a str>,
    article: &'a Article,
}

#[derive(Serialize)]
struct Failed<'a> {
    id: &'a str,
    path: Option<&'a str>,
    error: Failure,
}

/// Why one document was not converted.
#[derive(Debug, Serialize)]
struct Failure {
    /// Stable name: [`Error::kind`], `invalid_base64` or `internal`.
    kind: &'static str,
    /// For people.
    message: String,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

/// Converts one record into its output line (newline included); also says
/// whether it is an error record. Never fails and never panics: a panic in
/// a reader becomes an `internal` error record for that document alone.
fn answer(record: &Record, options: &ConvertOptions) -> (Vec<u8>, bool) {
    let path = record.path.as_deref();
    let converted =
        catch_unwind(AssertUnwindSafe(|| convert(record, options))).unwrap_or_else(|_| {
            Err(Failure {
                kind: "internal",
                message: "artconv failed on this document (a bug: please report it)".to_string(),
            })
        });
    let (json, failed) = match converted {
        Ok(article) => {
            let json = serde_json::to_string(&Converted {
                id: &record.id,
                path,
                article: &article,
            });
            match json {
                Ok(json) => (json, false),
                Err(error) => (
                    failure_json(record, Error::Serialize(error.to_string())),
                    true,
                ),
            }
        }
        Err(failure) => (failure_json(record, failure), true),
    };
    let mut line = escape_line_separators(&json).into_owned().into_bytes();
    line.push(b'\n');
    (line, failed)
}

fn failure_json(record: &Record, failure: impl Into<Failure>) -> String {
    let failed = Failed {
        id: &record.id,
        path: record.path.as_deref(),
        error: failure.into(),
    };
    // Strings only: serializing them cannot fail.
    serde_json::to_string(&failed).unwrap_or_else(|_| String::from("{}"))
}

fn convert(record: &Record, options: &ConvertOptions) -> Result<Article, Failure> {
    let path = record.path.as_deref();
    match &record.content {
        Content::Text(text) => {
            let mut options = options.clone();
            options.decode.forced = Some(encoding_rs::UTF_8);
            Ok(pipeline::convert(text.as_bytes(), path, &options)?)
        }
        Content::Base64(encoded) => {
            let bytes = decode_base64(encoded, options.max_input_size)?;
            Ok(pipeline::convert(&bytes, path, options)?)
        }
    }
}

/// Standard base64, padding optional; ASCII white space (MIME line breaks)
/// is ignored. Refuses, before decoding, what would exceed `limit`.
fn decode_base64(encoded: &str, limit: u64) -> Result<Vec<u8>, Failure> {
    const ENGINE: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let compact;
    let encoded = if encoded.bytes().any(|b| b.is_ascii_whitespace()) {
        compact = encoded
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect::<Vec<u8>>();
        compact.as_slice()
    } else {
        encoded.as_bytes()
    };
    if (encoded.len() as u64 / 4).saturating_mul(3) > limit.saturating_add(3) {
        return Err(Error::TooLarge { limit }.into());
    }
    ENGINE.decode(encoded).map_err(|error| Failure {
        kind: "invalid_base64",
        message: format!("\"content_base64\" is not valid base64: {error}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(input: &str, jobs: usize) -> (String, Result<MapSummary, MapError>) {
        let mut out = Vec::new();
        let options = MapOptions {
            convert: ConvertOptions::default(),
            jobs,
        };
        let result = run(
            io::Cursor::new(input.as_bytes().to_vec()),
            &mut out,
            &options,
        );
        (String::from_utf8(out).expect("UTF-8 output"), result)
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn records_are_checked() {
        let parse = |line: &str| parse_record(line.as_bytes());
        assert_eq!(parse("  \r\n"), Ok(None));
        assert_eq!(
            parse("{\"id\":\"a\",\"content\":\"x\",\"extra\":1}\r\n"),
            Ok(Some(Record {
                id: "a".into(),
                path: None,
                content: Content::Text("x".into())
            }))
        );
        assert_eq!(
            parse("{\"id\":\"a\",\"path\":null,\"content_base64\":\"eA==\"}")
                .unwrap()
                .unwrap()
                .content,
            Content::Base64("eA==".into())
        );
        for (line, problem) in [
            ("[1]", "not a JSON object"),
            ("{\"id\":", "not valid JSON"),
            ("{\"content\":\"x\"}", "no \"id\""),
            ("{\"id\":7,\"content\":\"x\"}", "\"id\" is not a string"),
            ("{\"id\":\"a\"}", "neither"),
            (
                "{\"id\":\"a\",\"content\":\"x\",\"content_base64\":\"\"}",
                "both",
            ),
            (
                "{\"id\":\"a\",\"content\":1}",
                "\"content\" is not a string",
            ),
            ("{\"id\":\"a\",\"path\":1,\"content\":\"x\"}", "\"path\""),
        ] {
            let error = parse(line).unwrap_err();
            assert!(error.contains(problem), "{line}: {error}");
        }
    }

    #[test]
    fn one_line_out_per_record_in_order_whatever_the_jobs() {
        let mut input = String::new();
        for n in 0..40 {
            let text = format!("Headline {n}\n\nParagraph number {n} says something.\n");
            if n % 2 == 0 {
                input.push_str(&format!("{{\"id\":\"r{n}\",\"content\":{text:?}}}\n"));
            } else {
                input.push_str(&format!(
                    "{{\"id\":\"r{n}\",\"path\":\"d/{n}.txt\",\"content_base64\":\"{}\"}}\r\n",
                    b64(text.as_bytes())
                ));
            }
            if n % 10 == 0 {
                input.push('\n');
            }
        }
        let (one, result) = map(&input, 1);
        assert_eq!(
            result.unwrap(),
            MapSummary {
                records: 40,
                failed: 0
            }
        );
        let (four, _) = map(&input, 4);
        assert_eq!(one, four);
        for (n, line) in one.lines().enumerate() {
            let value: Value = serde_json::from_str(line).unwrap();
            assert_eq!(value["id"], format!("r{n}"));
            assert_eq!(value["article"]["title"], format!("Headline {n}"));
            let path = (n % 2 == 1).then(|| format!("d/{n}.txt"));
            assert_eq!(value["path"].as_str(), path.as_deref());
            assert_eq!(value["article"]["source"]["path"].as_str(), path.as_deref());
        }
    }

    #[test]
    fn failures_are_records_and_the_run_goes_on() {
        let input = format!(
            "{{\"id\":\"ok\",\"content\":\"Title\\n\\nBody text here.\"}}\n\
             {{\"id\":\"empty\",\"content_base64\":\"\"}}\n\
             {{\"id\":\"bad\",\"content_base64\":\"%%%\"}}\n\
             {{\"id\":\"png\",\"path\":\"x.png\",\"content_base64\":\"{}\"}}\n",
            b64(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01")
        );
        let (out, result) = map(&input, 2);
        assert_eq!(result.unwrap().failed, 3);
        let kinds: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["error"]["kind"].clone())
            .collect();
        assert_eq!(
            kinds,
            [
                Value::Null,
                "empty".into(),
                "invalid_base64".into(),
                "not_text".into()
            ]
        );
        assert!(
            out.contains("{\"id\":\"png\",\"path\":\"x.png\",\"error\":{\"kind\":\"not_text\"")
        );
    }

    #[test]
    fn a_broken_line_stops_after_the_records_before_it() {
        let input = "{\"id\":\"a\",\"content\":\"One\\n\\nTwo three.\"}\n\n{\"id\":\"b\"\n{\"id\":\"c\",\"content\":\"x\"}\n";
        let (out, result) = map(input, 3);
        assert_eq!(out.lines().count(), 1);
        match result {
            Err(MapError::Framing { line, written, .. }) => assert_eq!((line, written), (3, 1)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn base64_limits_and_padding() {
        assert_eq!(decode_base64("eA", 10).unwrap(), b"x");
        assert_eq!(decode_base64("eA==\n", 10).unwrap(), b"x");
        assert_eq!(
            decode_base64(&b64(&[0; 100]), 10).unwrap_err().kind,
            "too_large"
        );
    }
}
