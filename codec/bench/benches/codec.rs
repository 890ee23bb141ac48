//! Encode and decode speed of every mode, policy and a primed dictionary, so that a
//! change that slows the codec shows:
//! `cargo bench --manifest-path codec/bench/Cargo.toml` (criterion; MB/s per bench, and
//! the change since the last run on this machine; add a name to run only some, e.g.
//! `-- primed`).
//!
//! Inputs: with the project's corpus beside the repository (`../shared/corpus`, or
//! `MEDCHAIN_CORPUS`), its first large file of each language; without it, 1 MiB of the
//! golden fixtures' lines in a fixed pseudo-random order (more repetitive than real text,
//! so the figures are higher, but a regression still shows). The primed benches train a
//! dictionary on half of the records and measure records of the other half.

use std::{fs, path::PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use medchain_lzw::{
    compress, compress_primed, decompress, decompress_with,
    train::{split_samples, train, TrainOptions},
    FullPolicy, Mode, Options, TextEncoding,
};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("MEDCHAIN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    dir.is_dir().then_some(dir)
}

/// The first `.txt` file (by name) directly in `dir`.
fn first_file(dir: PathBuf) -> Option<Vec<u8>> {
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    fs::read(names.first()?).ok()
}

/// The lines of a fixture, shuffled by a fixed generator into about 1 MiB.
fn synthetic(fixture: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(fixture);
    let text = fs::read(path).expect("fixture");
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let mut out = Vec::with_capacity(1 << 20);
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    while out.len() < 1 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(lines[(x % lines.len() as u64) as usize]);
    }
    out
}

/// (name, text) per language.
fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let corpus = corpus();
    ["zh", "en", "mixed"]
        .into_iter()
        .map(|lang| {
            let text = corpus
                .as_ref()
                .and_then(|dir| first_file(dir.join(lang)))
                .unwrap_or_else(|| synthetic(&format!("{lang}.txt")));
            (lang, text)
        })
        .collect()
}

fn bench_pair(c: &mut Criterion, group: &str, id: &str, text: &[u8], options: &Options) {
    let packed = compress(text, options).expect("compresses");
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_with_input(BenchmarkId::new("encode", id), text, |b, text| {
        b.iter(|| compress(text, options).expect("compresses"))
    });
    g.bench_with_input(BenchmarkId::new("decode", id), &packed, |b, packed| {
        b.iter(|| decompress(packed).expect("decompresses"))
    });
    g.finish();
}

/// The default (`auto`, prune) on each language.
fn default_options(c: &mut Criterion) {
    for (lang, text) in inputs() {
        bench_pair(c, "auto-prune", lang, &text, &Options::default());
    }
}

/// Each dictionary-full policy, on Chinese and English.
fn policies(c: &mut Criterion) {
    for (lang, text) in inputs().into_iter().filter(|(lang, _)| *lang != "mixed") {
        for (name, policy) in [
            ("freeze", FullPolicy::Freeze),
            ("reset", FullPolicy::Reset),
            ("adaptive", FullPolicy::AdaptiveReset),
        ] {
            let options = Options {
                policy,
                ..Default::default()
            };
            bench_pair(c, "policy", &format!("{lang}-{name}"), &text, &options);
        }
    }
}

/// Each explicit mode, on mixed text.
fn modes(c: &mut Criterion) {
    let (_, text) = inputs()
        .into_iter()
        .find(|(lang, _)| *lang == "mixed")
        .expect("mixed");
    for (name, mode) in [
        ("bytes", Mode::Bytes),
        ("hanzi", Mode::Hanzi),
        ("paper-mixed", Mode::PaperMixed),
    ] {
        let options = Options {
            mode,
            ..Default::default()
        };
        bench_pair(c, "mode", name, &text, &options);
    }
}

/// A primed dictionary on records (pieces of at most 8 KiB), per language.
fn primed(c: &mut Criterion) {
    for (lang, text) in inputs() {
        let records = split_samples(&text);
        let (training, held_out): (Vec<_>, Vec<_>) =
            records.iter().enumerate().partition(|(i, _)| i % 2 == 0);
        let training: Vec<&[u8]> = training.into_iter().map(|(_, r)| *r).collect();
        let held_out: Vec<&[u8]> = held_out.into_iter().map(|(_, r)| *r).take(200).collect();
        let dictionary = train(&training, &TrainOptions::default())
            .expect("trains")
            .dictionary;
        let packed: Vec<Vec<u8>> = held_out
            .iter()
            .map(|r| compress_primed(r, TextEncoding::Utf8, &dictionary))
            .collect();
        let bytes: usize = held_out.iter().map(|r| r.len()).sum();
        let mut g = c.benchmark_group("primed");
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(BenchmarkId::new("encode", lang), |b| {
            b.iter(|| {
                for record in &held_out {
                    compress_primed(record, TextEncoding::Utf8, &dictionary);
                }
            })
        });
        g.bench_function(BenchmarkId::new("decode", lang), |b| {
            b.iter(|| {
                for container in &packed {
                    decompress_with(container, &[&dictionary], usize::MAX).expect("decompresses");
                }
            })
        });
        g.finish();
    }
}

/// Training on the first half of the records.
fn training(c: &mut Criterion) {
    let mut g = c.benchmark_group("train");
    g.sample_size(10);
    for (lang, text) in inputs() {
        let records = split_samples(&text);
        let training: Vec<&[u8]> = records.iter().step_by(2).copied().collect();
        g.throughput(Throughput::Bytes(
            training.iter().map(|r| r.len() as u64).sum(),
        ));
        g.bench_function(lang, |b| {
            b.iter(|| train(&training, &TrainOptions::default()))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(20);
    targets = default_options, policies, modes, primed, training
}
criterion_main!(benches);
