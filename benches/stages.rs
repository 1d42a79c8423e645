//! Micro-benchmarks of each pipeline stage, so that a regression shows up
//! in the stage that caused it: decode, detect, the text and HTML readers,
//! language identification, each writer, and the whole conversion.
//!
//! Run with `cargo bench --bench stages` (`-- decode` for one group). The
//! inputs are built from the seed fixtures, in memory; the whole-process
//! comparison with peers is `scripts/bench.sh`.

use std::hint::black_box;
use std::io;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use artconv::decode::{self, DecodeOptions, detect};
use artconv::readers::{self, InputFormat};
use artconv::writers::{self, CsvRows, OutputFormat, WriteOptions};
use artconv::{ConvertOptions, convert};

const SEED: &[u8] = include_bytes!("../fixtures/text-seed-utf8/input.txt");
const PAGE: &[u8] = include_bytes!("../fixtures/html-news-boilerplate/input.html");
const ARABIC_PAGE: &[u8] = include_bytes!("../fixtures/html-rtl-arabic/input.html");

/// About `size` bytes of the seed repeated, blank line between copies.
fn seed_repeated(size: usize) -> String {
    let seed = std::str::from_utf8(SEED).expect("the seed is UTF-8");
    let unit = format!("{}\n\n", seed.trim_end());
    unit.repeat(size.div_ceil(unit.len()))
}

fn windows_1256(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1256.encode(text).0.into_owned()
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

fn decode_default(bytes: &[u8]) -> decode::Decoded<'_> {
    decode::decode(bytes, &DecodeOptions::default()).expect("the input decodes")
}

fn bench_decode(c: &mut Criterion) {
    let text = seed_repeated(1 << 20);
    let inputs = [
        ("utf8", text.as_bytes().to_vec()),
        ("windows-1256", windows_1256(&text)),
        ("utf16le-bom", utf16le_bom(&text)),
    ];
    let mut group = c.benchmark_group("decode");
    for (name, bytes) in &inputs {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("1MB", name), bytes, |b, bytes| {
            b.iter(|| decode_default(black_box(bytes)))
        });
    }
    let utf8 = text.into_bytes();
    group.throughput(Throughput::Bytes(utf8.len() as u64));
    group.bench_function("1MB/utf8-owned", |b| {
        b.iter_batched(
            || utf8.clone(),
            |bytes| decode::decode_owned(bytes, &DecodeOptions::default()),
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn bench_detect(c: &mut Criterion) {
    let seed = std::str::from_utf8(SEED).expect("the seed is UTF-8");
    let large = windows_1256(&seed_repeated(4 << 20));
    let small = windows_1256(seed);
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Bytes(small.len() as u64));
    group.bench_function("guess_legacy/seed-windows-1256", |b| {
        b.iter(|| detect::guess_legacy(black_box(&small)))
    });
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("guess_legacy/4MB-windows-1256", |b| {
        b.iter(|| detect::guess_legacy(black_box(&large)))
    });
    let utf16 = utf16le_bom(seed);
    let utf16 = &utf16[2..];
    group.throughput(Throughput::Bytes(utf16.len() as u64));
    group.bench_function("utf16_without_bom/seed", |b| {
        b.iter(|| detect::utf16_without_bom(black_box(utf16)))
    });
    group.finish();
}

fn bench_readers(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    for (name, size) in [("seed", SEED.len()), ("1MB", 1 << 20)] {
        let text = seed_repeated(size);
        let decoded = decode_default(text.as_bytes());
        group.throughput(Throughput::Bytes(decoded.text.len() as u64));
        group.bench_with_input(BenchmarkId::new("text", name), &decoded, |b, decoded| {
            b.iter(|| readers::text::read(black_box(decoded)))
        });
        // As the command line reads: the text held, one-line paragraphs
        // shared with it instead of copied.
        let (source, rest) = decoded.clone().into_held();
        let held = rest.over(&source);
        group.bench_with_input(BenchmarkId::new("text-held", name), &held, |b, held| {
            b.iter(|| readers::text::read(black_box(held)))
        });
    }
    for (name, page) in [("news-boilerplate", PAGE), ("rtl-arabic", ARABIC_PAGE)] {
        let options = DecodeOptions {
            declared: decode::html_prescan::prescan(page),
            ..DecodeOptions::default()
        };
        let decoded = decode::decode(page, &options).expect("the page decodes");
        group.throughput(Throughput::Bytes(page.len() as u64));
        group.bench_with_input(BenchmarkId::new("html", name), &decoded, |b, decoded| {
            b.iter(|| readers::html::read(black_box(decoded)))
        });
    }
    group.finish();
}

fn bench_language(c: &mut Criterion) {
    let text = seed_repeated(16 * 1024);
    let mut group = c.benchmark_group("language");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("detect_language/16KB", |b| {
        b.iter(|| artconv::lang::detect_language(black_box(&text)))
    });
    group.finish();
}

fn bench_writers(c: &mut Criterion) {
    let options = ConvertOptions {
        format: InputFormat::Text,
        ..ConvertOptions::default()
    };
    let text = seed_repeated(1 << 20);
    let article = convert(text.as_bytes(), Some("bench.txt"), &options).expect("converts");
    let mut group = c.benchmark_group("write");
    group.throughput(Throughput::Bytes(text.len() as u64));
    let formats = [
        ("json", OutputFormat::Json, CsvRows::Blocks),
        ("jsonl", OutputFormat::Jsonl, CsvRows::Blocks),
        ("csv", OutputFormat::Csv, CsvRows::Blocks),
        ("csv-articles", OutputFormat::Csv, CsvRows::Articles),
        ("xml", OutputFormat::Xml, CsvRows::Blocks),
        ("md", OutputFormat::Md, CsvRows::Blocks),
    ];
    for (name, format, csv_rows) in formats {
        let write = WriteOptions {
            csv_rows,
            ..WriteOptions::default()
        };
        group.bench_function(BenchmarkId::new("1MB", name), |b| {
            b.iter(|| {
                let mut out = io::BufWriter::new(io::sink());
                writers::write(black_box(&article), format, write, &mut out)
            })
        });
    }
    group.finish();
}

fn bench_convert(c: &mut Criterion) {
    let options = ConvertOptions::default();
    let mut group = c.benchmark_group("convert");
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("seed-utf8", |b| {
        b.iter(|| convert(black_box(SEED), None, &options))
    });
    let legacy = windows_1256(std::str::from_utf8(SEED).expect("the seed is UTF-8"));
    group.throughput(Throughput::Bytes(legacy.len() as u64));
    group.bench_function("seed-windows-1256", |b| {
        b.iter(|| convert(black_box(&legacy), None, &options))
    });
    let text = seed_repeated(1 << 20);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("1MB-utf8", |b| {
        b.iter(|| convert(black_box(text.as_bytes()), None, &options))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
}

criterion_group! {
    name = stages;
    config = config();
    targets = bench_decode, bench_detect, bench_readers, bench_language, bench_writers, bench_convert
}
criterion_main!(stages);
