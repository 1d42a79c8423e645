//! `--detect`: what artconv would decide about an input, without converting it.
//!
//! Like `file -i` or `uchardet`, but for a batch and with the reasons: one
//! record per input saying which encoding the bytes were read with, how sure
//! that is, which rule decided (`bom`, `forced`, `declared`, `detected`),
//! which reader would run and which language the text is in. The decision
//! is exactly the one [`crate::convert`] makes, because it goes through the
//! same decision of [`decode`] with the same options
//! ([`decode::decode_start`], which decodes no more text than the report
//! reads).
//!
//! Records are written as tab-separated lines (`write_tsv`) or as JSON Lines
//! (`write_jsonl`); the field order is the struct's, never a map's.

use std::io::{self, Write};

use serde::Serialize;

use crate::decode;
use crate::lang;
use crate::pipeline::ConvertOptions;

/// What detection decided for one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectReport {
    /// The input as named on the command line; `None` for standard input.
    pub path: Option<String>,
    /// WHATWG name of the encoding (`UTF-8`, `windows-1251`...); `None` when
    /// the input could not be decoded (binary, too large, malformed under
    /// `--strict`).
    pub encoding: Option<&'static str>,
    /// Confidence in the encoding, 0 to 1 (1 for a BOM or `--encoding`).
    pub confidence: f64,
    /// Which rule decided: `bom`, `forced`, `declared` or `detected`.
    pub how: Option<&'static str>,
    /// The reader that would run (`text`, `html`, `markdown`, `json`,
    /// `xml`), or `binary` for an input refused as not text.
    pub format: &'static str,
    /// BCP 47 tag of the text's language, when it can be told.
    pub language: Option<String>,
    /// Why the input could not be decoded, when it could not.
    pub error: Option<String>,
    /// The low-confidence warning for stderr, when the guess is unsure
    /// (see [`decode::LOW_CONFIDENCE`]); not part of the TSV line.
    #[serde(skip)]
    pub warning: Option<String>,
}

/// Decides encoding, format and language of one input the way a conversion
/// with `options` would, and reports it. Never fails: an input that cannot
/// be decoded gets a report carrying the reason in `error`.
pub fn report(path: Option<&str>, bytes: &[u8], options: &ConvertOptions) -> DetectReport {
    report_decoded_by(path, bytes, options, decode::decode_start)
}

/// [`report`] with the text decoded by `decode_text`: [`decode::decode_start`]
/// in use (only the start of the text is read, except for an HTML page,
/// whose language comes from its article), [`decode::decode`] in the
/// tests, which hold the two to the same report.
fn report_decoded_by(
    path: Option<&str>,
    bytes: &[u8],
    options: &ConvertOptions,
    decode_text: for<'a> fn(&'a [u8], &decode::DecodeOptions) -> crate::Result<decode::Decoded<'a>>,
) -> DetectReport {
    let format = options.format.resolve(bytes, path).as_str();
    let mut report = DetectReport {
        path: path.map(str::to_string),
        encoding: None,
        confidence: 0.0,
        how: None,
        format,
        language: None,
        error: None,
        warning: None,
    };
    if bytes.len() as u64 > options.max_input_size {
        report.error = Some(
            crate::Error::TooLarge {
                limit: options.max_input_size,
            }
            .to_string(),
        );
        return report;
    }
    let decoded = match format {
        "html" => decode::decode(bytes, &options.decode),
        _ => decode_text(bytes, &options.decode),
    };
    match decoded {
        Ok(decoded) => {
            report.warning = decoded.report.low_confidence_warning();
            report.encoding = Some(decoded.report.encoding.name());
            report.confidence = decoded.report.confidence;
            report.how = Some(decoded.report.source.as_str());
            report.language = match &options.lang {
                Some(tag) => Some(tag.clone()),
                None if format == "html" => crate::pipeline::html_language(&decoded),
                None => lang::detect_language(&decoded.text),
            };
        }
        Err(error) => {
            // As `file -i` says `charset=binary`: no reader would run.
            if matches!(error, crate::Error::Binary(_)) {
                report.format = "binary";
            }
            report.error = Some(error.to_string());
        }
    }
    report
}

/// Writes one tab-separated line: path, encoding, confidence, how, format,
/// language. Missing values are `-`; standard input is `-` too. Tabs and
/// line breaks in a path are escaped so that a line stays one record.
///
/// # Errors
///
/// Whatever writing to `out` returns.
pub fn write_tsv(report: &DetectReport, out: &mut dyn Write) -> io::Result<()> {
    let path = report
        .path
        .as_deref()
        .map_or_else(|| "-".into(), escape_tsv);
    writeln!(
        out,
        "{}\t{}\t{:.3}\t{}\t{}\t{}",
        path,
        report.encoding.unwrap_or("-"),
        report.confidence,
        report.how.unwrap_or("-"),
        report.format,
        report.language.as_deref().unwrap_or("-"),
    )
}

/// Writes the report as one JSON object on one line.
///
/// # Errors
///
/// Whatever writing to `out` returns.
pub fn write_jsonl(report: &DetectReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn escape_tsv(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detected_legacy_input_is_reported() {
        let text =
            "Москва - крупнейший город России, её политический, экономический и культурный центр.";
        let (bytes, _, _) = encoding_rs::KOI8_R.encode(text);
        let report = report(Some("a.txt"), &bytes, &ConvertOptions::default());
        assert_eq!(report.encoding, Some("KOI8-R"));
        assert_eq!(report.how, Some("detected"));
        assert_eq!(report.format, "text");
        assert_eq!(report.language.as_deref(), Some("ru"));
        let mut tsv = Vec::new();
        write_tsv(&report, &mut tsv).unwrap();
        let line = String::from_utf8(tsv).unwrap();
        assert!(line.starts_with("a.txt\tKOI8-R\t"), "{line}");
        assert!(line.ends_with("\tdetected\ttext\tru\n"), "{line}");
    }

    #[test]
    fn an_html_page_is_in_the_language_of_its_text_not_of_its_markup() {
        // Scripts and styles in English words around a short article in
        // German: whatlang on the raw page says English.
        let script = "<script>// Load the navigation menu when the page has finished loading, \
                      and show the list of related stories below the article.\n\
                      function loadTheNavigationMenu() { return document.querySelector('nav'); }\n\
                      var trackingEnabled = true; window.addEventListener('load', loadTheNavigationMenu);\n\
                      // Send the reading time to the server every thirty seconds while the reader stays.\n\
                      </script>";
        let head = script.repeat(4);
        let body = "<article><h1>Neue Regeln für den Stadtverkehr</h1>\
                    <p>Die Stadt hat am Montag beschlossen, dass in der Innenstadt ab dem nächsten Jahr \
                    weniger Autos fahren dürfen. Die Busse sollen dafür öfter kommen.</p></article>";
        let page = format!("<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>");
        assert_eq!(
            lang::detect_language(&page).as_deref(),
            Some("en"),
            "the raw page"
        );
        let got = report(Some("a.html"), page.as_bytes(), &ConvertOptions::default());
        assert_eq!(got.format, "html");
        assert_eq!(got.language.as_deref(), Some("de"));
        // A declared language wins, as in a conversion.
        let declared = page.replace("<html>", "<html lang=\"de-AT\">");
        let got = report(
            Some("a.html"),
            declared.as_bytes(),
            &ConvertOptions::default(),
        );
        assert_eq!(got.language.as_deref(), Some("de-AT"));
    }

    #[test]
    fn binary_input_is_reported_not_failed() {
        let report = report(
            None,
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            &ConvertOptions::default(),
        );
        assert_eq!(report.encoding, None);
        assert!(report.error.is_some());
        let mut json = Vec::new();
        write_jsonl(&report, &mut json).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["path"], serde_json::Value::Null);
        assert_eq!(value["encoding"], serde_json::Value::Null);
        assert_eq!(value["format"], "binary");
        let mut tsv = Vec::new();
        write_tsv(&report, &mut tsv).unwrap();
        assert_eq!(
            String::from_utf8(tsv).unwrap(),
            "-\t-\t0.000\t-\tbinary\t-\n"
        );
    }

    #[test]
    fn thin_evidence_brings_a_warning() {
        let report = report(
            Some("a.txt"),
            b"Total: \xc4\xe8 12",
            &ConvertOptions::default(),
        );
        assert!(report.confidence < decode::LOW_CONFIDENCE, "{report:?}");
        let warning = report.warning.expect("a warning");
        assert!(warning.starts_with("encoding guessed as "), "{warning}");
        assert!(warning.ends_with("with low confidence; use --encoding to be sure"));
    }

    #[test]
    fn a_large_legacy_file_gets_the_report_of_its_whole_text() {
        // Longer than the start `decode_start` decodes, in encodings with
        // and without unmapped bytes; with control characters past that
        // start (they are not judged, by either decoding), or within it,
        // from its first byte or three quarters in (binary, by both, and
        // not if less were decoded); under --strict with an unmapped byte
        // at the very end (an error by both).
        let seed = include_str!("../fixtures/text-seed-utf8/input.txt");
        // Twice the limit in UTF-8: over it in a single-byte encoding.
        let long = seed.repeat(2 * decode::detect::SAMPLE_LIMIT / seed.len() + 2);
        let controls = "\u{1}\u{2}\u{3}\u{4}".repeat(decode::detect::SAMPLE_LIMIT / 2);
        let mut cases = Vec::new();
        for encoding in [encoding_rs::WINDOWS_1256, encoding_rs::ISO_8859_6] {
            let (bytes, _, _) = encoding.encode(&long);
            assert!(
                bytes.len() > decode::detect::SAMPLE_LIMIT,
                "{}",
                bytes.len()
            );
            let mut after = bytes.to_vec();
            after.extend(controls.as_bytes());
            let mut within = controls.as_bytes().to_vec();
            within.extend_from_slice(&bytes);
            // Controls from three quarters of the way into the start:
            // a quarter of what is judged, binary.
            let three_quarters = decode::detect::SAMPLE_LIMIT * 3 / 4;
            let mut late = bytes[..three_quarters].to_vec();
            late.extend(controls.as_bytes());
            late.extend_from_slice(&bytes[three_quarters..]);
            cases.push((bytes.to_vec(), false));
            cases.push((after, false));
            cases.push((within, false));
            cases.push((late, false));
        }
        let mut unmapped_at_end = encoding_rs::ISO_8859_6.encode(&long).0.into_owned();
        unmapped_at_end.push(0xA1);
        cases.push((unmapped_at_end, true));
        let mut errors = 0;
        for (bytes, strict) in &cases {
            let mut options = ConvertOptions::default();
            options.decode.strict = *strict;
            let fast = report(Some("a.txt"), bytes, &options);
            let whole = report_decoded_by(Some("a.txt"), bytes, &options, decode::decode);
            assert_eq!(fast, whole, "{} bytes, strict {strict}", bytes.len());
            errors += usize::from(fast.error.is_some());
        }
        assert_eq!(errors, 5, "binary four times, malformed once");
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&long);
        assert_only_the_start_decoded(&bytes);
        let fast = report(Some("a.txt"), &bytes, &ConvertOptions::default());
        assert_eq!(
            (fast.encoding, fast.language.as_deref()),
            (Some("windows-1256"), Some("ar"))
        );
    }

    #[test]
    fn a_large_multi_byte_legacy_file_gets_the_report_of_its_whole_text() {
        // Past the start `decode_start` decodes (four bytes a character
        // times the sample) in four encodings: plain text; control
        // characters within the start (binary by both) and after it
        // (judged by neither); bad bytes after the start; and a text
        // with no byte to cut after, decoded whole.
        let limit = decode::detect::SAMPLE_LIMIT;
        let chinese = "新闻报道：今天的天气很好，我们去公园散步。\n";
        let korean = "오늘의 뉴스 기사입니다. 날씨가 좋습니다.\n";
        let japanese = "今日のニュース記事です。天気が良いです。\n";
        let controls = "\u{1}\u{2}\u{3}\u{4}".repeat(limit / 2);
        let mut cases = Vec::new();
        for (encoding, line) in [
            (encoding_rs::GBK, chinese),
            (
                encoding_rs::BIG5,
                "新聞報導：今天的天氣很好，我們去公園散步。\n",
            ),
            (encoding_rs::EUC_KR, korean),
            (encoding_rs::SHIFT_JIS, japanese),
        ] {
            let text = line.repeat(5 * limit / line.chars().count() + 2);
            let (bytes, _, unmappable) = encoding.encode(&text);
            assert!(
                !unmappable && bytes.len() > 5 * limit,
                "{}",
                encoding.name()
            );
            let mut within = controls.as_bytes().to_vec();
            within.extend_from_slice(&bytes);
            let mut after = bytes.to_vec();
            after.extend(controls.as_bytes());
            let mut bad_after = bytes.to_vec();
            bad_after.extend([0xFF, 0x81, 0xFF].repeat(100));
            let no_cut = encoding
                .encode(&text.replace(['\n', ' '], ""))
                .0
                .into_owned();
            cases.extend([(encoding, bytes.into_owned()), (encoding, within)]);
            cases.extend([(encoding, after), (encoding, bad_after), (encoding, no_cut)]);
        }
        let mut binary = 0;
        for (encoding, bytes) in &cases {
            let options = ConvertOptions::default();
            let fast = report(Some("a.txt"), bytes, &options);
            let whole = report_decoded_by(Some("a.txt"), bytes, &options, decode::decode);
            assert_eq!(fast, whole, "{}, {} bytes", encoding.name(), bytes.len());
            match fast.error {
                Some(_) => binary += 1,
                None => assert_eq!(fast.encoding, Some(encoding.name()), "{fast:?}"),
            }
        }
        assert_eq!(binary, 4, "the controls within the start, in each encoding");
        let long = chinese.repeat(6 * limit / 20);
        assert_only_the_start_decoded(&encoding_rs::GBK.encode(&long).0);
    }

    /// `decode_start` of `bytes` decodes the first part of the text that
    /// `decode` gives, holding the whole sample, and no more.
    fn assert_only_the_start_decoded(bytes: &[u8]) {
        let options = decode::DecodeOptions::default();
        let start = decode::decode_start(bytes, &options).unwrap();
        let whole = decode::decode(bytes, &options).unwrap();
        assert!(whole.text.starts_with(&*start.text));
        let sample = decode::detect::SAMPLE_LIMIT;
        assert!(
            start.text.chars().count() >= sample,
            "the whole sample decoded"
        );
        assert!(
            start.text.len() < whole.text.len(),
            "only the start decoded"
        );
    }

    #[test]
    fn tabs_in_paths_do_not_split_the_record() {
        let report = report(Some("a\tb.txt"), b"plain", &ConvertOptions::default());
        let mut tsv = Vec::new();
        write_tsv(&report, &mut tsv).unwrap();
        assert!(
            String::from_utf8(tsv)
                .unwrap()
                .starts_with("a\\tb.txt\tUTF-8\t")
        );
    }
}
