//! `medchain codec bench`: our codec beside gzip -9, zstd -3, zstd -19, brotli -11 and
//! weezl on the same files, in one run.
//!
//! Ratios are compressed / original over the UTF-8 bytes of the text and, for Chinese
//! text, also over its GBK bytes. A GBK file is compressed as GBK (its own bytes) and its
//! UTF-8 size is that of the same text transcoded. Speeds are MB/s (10^6 bytes) of the
//! file's own bytes on one core, the best of repeated runs.

use std::{
    fs,
    io::{Read, Write},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{bail, ensure, Context, Result};
use clap::Args;
use medchain_lzw::{Method, Options, TextEncoding};
use serde::Serialize;

use super::{
    dictionary::{self, TrainingSet},
    CodecArgs,
};
use medchain_lzw::Dictionary;

#[derive(Args)]
pub struct BenchArgs {
    /// Files, or folders whose files are measured (add --recursive for subfolders).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Set from the global `--json`: one JSON object (the report) instead of a table.
    #[arg(skip)]
    pub json: bool,
    /// Also measure the files of subfolders.
    #[arg(long)]
    recursive: bool,
    /// Measure only our codec, not the others.
    #[arg(long)]
    only_ours: bool,
    /// Minimum time spent timing each codec on each file, in milliseconds.
    #[arg(long, default_value_t = 200)]
    min_time_ms: u64,
    /// Hide the per-file lines; print totals only.
    #[arg(long)]
    totals_only: bool,
    /// A primed dictionary (`medchain codec train`): also measure our codec with it, and
    /// zstd -19 with a dictionary that zstd's own trainer makes from --train-set.
    #[arg(long, value_name = "DICT", requires = "train_set")]
    dict: Option<PathBuf>,
    /// The records the dictionary was trained on (files or folders, as for `train`;
    /// repeat the option for several).
    #[arg(long, value_name = "PATH", requires = "dict")]
    train_set: Vec<PathBuf>,
    #[command(flatten)]
    training: TrainingSet,
    #[command(flatten)]
    codec: CodecArgs,
}

/// A file to measure, with what its text is.
struct Sample {
    path: PathBuf,
    data: Vec<u8>,
    encoding: TextEncoding,
    utf8_len: usize,
    /// Size of the same text in GBK (GB18030 for the few characters GBK lacks), for
    /// Chinese text only.
    gbk_len: Option<usize>,
}

impl Sample {
    fn load(path: &Path) -> Result<Self> {
        let data = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let (encoding, text) = match std::str::from_utf8(&data) {
            Ok(text) => (TextEncoding::Utf8, Some(text.to_owned())),
            Err(_) => {
                match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&data) {
                    Some(text) => (TextEncoding::Gbk, Some(text.into_owned())),
                    None => (TextEncoding::Utf8, None),
                }
            }
        };
        let utf8_len = text.as_ref().map_or(data.len(), String::len);
        let chinese = medchain_lzw::auto_method(&data, encoding) == Method::Hanzi;
        let gbk_len = match (&text, encoding) {
            (_, TextEncoding::Gbk) => Some(data.len()),
            (Some(text), TextEncoding::Utf8) if chinese => {
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
                Some(if unmappable {
                    encoding_rs::GB18030.encode(text).0.len()
                } else {
                    bytes.len()
                })
            }
            _ => None,
        };
        Ok(Sample {
            path: path.to_owned(),
            data,
            encoding,
            utf8_len,
            gbk_len,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Codec {
    Ours,
    OursDict,
    Gzip9,
    Zstd3,
    Zstd19,
    Zstd19Dict,
    Brotli11,
    Weezl,
}

/// zstd's own dictionary training: the same budget as its CLI (`--maxdict` 110 KiB).
const ZSTD_DICT_SIZE: usize = 112_640;

/// The dictionaries of a `--dict` run: ours, and zstd's trained on the same records.
struct Primed {
    ours: Dictionary,
    zstd: Vec<u8>,
}

impl Primed {
    fn load(args: &BenchArgs) -> Result<Option<Self>> {
        let Some(path) = &args.dict else {
            return Ok(None);
        };
        let started = Instant::now();
        let ours = dictionary::load_one(path)?;
        let load = started.elapsed();
        let (files, held_out) = args.training.load(&args.train_set)?;
        let (samples, left_out) = dictionary::samples(&files, &held_out);
        let started = Instant::now();
        let zstd = zstd::dict::from_samples(&samples, ZSTD_DICT_SIZE)
            .context("zstd could not train a dictionary on the training set")?;
        let zstd_train = started.elapsed();
        let setup = per_record_setup(&ours);
        if !args.json {
            println!(
                "dictionary {} (0x{}): {} phrases, {} bytes; loaded and set up in {:.1} ms once, then {:.2} µs per record",
                path.display(),
                medchain_lzw::hex32(&ours.id()),
                ours.len(),
                fs::metadata(path)?.len(),
                load.as_secs_f64() * 1e3,
                setup.as_secs_f64() * 1e6,
            );
            println!(
                "zstd dictionary: {} bytes from the same {} training records ({} held out), trained in {:.1} s",
                zstd.len(),
                samples.len(),
                left_out,
                zstd_train.as_secs_f64()
            );
        }
        Ok(Some(Self { ours, zstd }))
    }
}

/// What a record pays for the dictionary before its first byte: compressing and
/// decompressing a one-byte record with it (best of many runs, per round trip).
fn per_record_setup(dictionary: &Dictionary) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..2000 {
        let t = Instant::now();
        let packed = medchain_lzw::compress_primed(b"x", TextEncoding::Utf8, dictionary);
        let text = medchain_lzw::decompress_with(&packed, &[dictionary], 1);
        best = best.min(t.elapsed());
        debug_assert_eq!(text.as_deref().ok(), Some(&b"x"[..]));
    }
    best
}

impl Codec {
    fn name(self) -> &'static str {
        match self {
            Codec::Ours => "medchain-lzw",
            Codec::OursDict => "medchain+dict",
            Codec::Gzip9 => "gzip-9",
            Codec::Zstd3 => "zstd-3",
            Codec::Zstd19 => "zstd-19",
            Codec::Zstd19Dict => "zstd-19+dict",
            Codec::Brotli11 => "brotli-11",
            Codec::Weezl => "weezl-lzw12",
        }
    }

    fn compress(self, data: &[u8], options: &Options, primed: Option<&Primed>) -> Result<Vec<u8>> {
        Ok(match self {
            Codec::Ours => medchain_lzw::compress(data, options)?,
            Codec::OursDict => medchain_lzw::compress_with(data, options, primed.map(|p| &p.ours))?,
            Codec::Zstd19Dict => {
                let dict = primed.map_or(&[][..], |p| &p.zstd[..]);
                zstd::bulk::Compressor::with_dictionary(19, dict)?.compress(data)?
            }
            Codec::Gzip9 => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
                encoder.write_all(data)?;
                encoder.finish()?
            }
            Codec::Zstd3 => zstd::bulk::compress(data, 3)?,
            Codec::Zstd19 => zstd::bulk::compress(data, 19)?,
            Codec::Brotli11 => {
                let mut out = Vec::new();
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 11,
                    lgwin: 22,
                    ..Default::default()
                };
                brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
                out
            }
            Codec::Weezl => weezl::encode::Encoder::new(weezl::BitOrder::Lsb, 8).encode(data)?,
        })
    }

    fn decompress(
        self,
        packed: &[u8],
        original_len: usize,
        primed: Option<&Primed>,
    ) -> Result<Vec<u8>> {
        Ok(match self {
            Codec::Ours => medchain_lzw::decompress(packed)?,
            Codec::OursDict => {
                let dicts: Vec<&Dictionary> = primed.map(|p| &p.ours).into_iter().collect();
                medchain_lzw::decompress_with(packed, &dicts, original_len)?
            }
            Codec::Zstd19Dict => {
                let dict = primed.map_or(&[][..], |p| &p.zstd[..]);
                zstd::bulk::Decompressor::with_dictionary(dict)?.decompress(packed, original_len)?
            }
            Codec::Gzip9 => {
                let mut out = Vec::with_capacity(original_len);
                flate2::read::GzDecoder::new(packed).read_to_end(&mut out)?;
                out
            }
            Codec::Zstd3 | Codec::Zstd19 => zstd::bulk::decompress(packed, original_len)?,
            Codec::Brotli11 => {
                let mut out = Vec::with_capacity(original_len);
                brotli::BrotliDecompress(&mut &packed[..], &mut out)?;
                out
            }
            Codec::Weezl => weezl::decode::Decoder::new(weezl::BitOrder::Lsb, 8).decode(packed)?,
        })
    }
}

#[derive(Serialize, Clone, Default)]
struct Figures {
    codec: &'static str,
    original: usize,
    utf8: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    gbk: Option<usize>,
    compressed: usize,
    ratio_utf8: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ratio_gbk: Option<f64>,
    encode_mb_s: f64,
    decode_mb_s: f64,
    #[serde(skip)]
    encode_time: Duration,
    #[serde(skip)]
    decode_time: Duration,
}

impl Figures {
    fn finish(mut self) -> Self {
        self.ratio_utf8 = self.compressed as f64 / self.utf8.max(1) as f64;
        self.ratio_gbk = self
            .gbk
            .map(|gbk| self.compressed as f64 / gbk.max(1) as f64);
        let mb = self.original as f64 / 1e6;
        self.encode_mb_s = mb / self.encode_time.as_secs_f64().max(1e-9);
        self.decode_mb_s = mb / self.decode_time.as_secs_f64().max(1e-9);
        self
    }

    fn add(&mut self, other: &Figures) {
        self.original += other.original;
        self.utf8 += other.utf8;
        // A total over GBK bytes only makes sense when every file is Chinese.
        self.gbk = self.gbk.zip(other.gbk).map(|(a, b)| a + b);
        self.compressed += other.compressed;
        self.encode_time += other.encode_time;
        self.decode_time += other.decode_time;
    }
}

#[derive(Serialize)]
struct FileReport {
    path: String,
    encoding: &'static str,
    method: &'static str,
    results: Vec<Figures>,
}

#[derive(Serialize)]
struct Report {
    files: Vec<FileReport>,
    totals: Vec<Figures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relative: Option<Relative>,
}

/// Our codec's speed over the whole run as a multiple of zstd's, measured in the same
/// run: the figure that carries from one machine to another.
#[derive(Serialize, Clone, Copy)]
struct Relative {
    encode_vs_zstd3: f64,
    decode_vs_zstd19: f64,
}

impl Relative {
    fn of(totals: &[Figures]) -> Option<Self> {
        let find = |name: &str| totals.iter().find(|f| f.codec == name);
        let (ours, zstd3, zstd19) = (find("medchain-lzw")?, find("zstd-3")?, find("zstd-19")?);
        let relative = Self {
            encode_vs_zstd3: ours.encode_mb_s / zstd3.encode_mb_s,
            decode_vs_zstd19: ours.decode_mb_s / zstd19.decode_mb_s,
        };
        // Nothing measured (empty files only): no figure rather than NaN.
        (relative.encode_vs_zstd3.is_finite() && relative.decode_vs_zstd19.is_finite())
            .then_some(relative)
    }
}

/// Best time of `f` over repeated runs lasting at least `min_time` in total.
fn best_time<T>(min_time: Duration, mut f: impl FnMut() -> Result<T>) -> Result<(T, Duration)> {
    let started = Instant::now();
    let mut best = Duration::MAX;
    loop {
        let t = Instant::now();
        let value = f()?;
        best = best.min(t.elapsed());
        if started.elapsed() >= min_time {
            return Ok((value, best));
        }
    }
}

fn measure(
    codec: Codec,
    sample: &Sample,
    options: &Options,
    primed: Option<&Primed>,
    min_time: Duration,
) -> Result<Figures> {
    let options = Options {
        encoding: sample.encoding,
        ..*options
    };
    let (packed, encode_time) =
        best_time(min_time, || codec.compress(&sample.data, &options, primed))?;
    let (unpacked, decode_time) = best_time(min_time, || {
        codec.decompress(&packed, sample.data.len(), primed)
    })?;
    ensure!(
        unpacked == sample.data,
        "{} did not round-trip {}",
        codec.name(),
        sample.path.display()
    );
    Ok(Figures {
        codec: codec.name(),
        original: sample.data.len(),
        utf8: sample.utf8_len,
        gbk: sample.gbk_len,
        compressed: packed.len(),
        encode_time,
        decode_time,
        ..Default::default()
    }
    .finish())
}

pub(super) fn collect(
    path: &Path,
    recursive: bool,
    top: bool,
    files: &mut Vec<PathBuf>,
) -> Result<()> {
    let meta = fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_file() {
        files.push(path.to_owned());
    } else if meta.is_dir() && (top || recursive) {
        let mut entries = fs::read_dir(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()?;
        entries.sort();
        for entry in entries {
            if entry.is_file() || recursive {
                collect(&entry, recursive, false, files)?;
            }
        }
    }
    Ok(())
}

pub fn run(args: &BenchArgs) -> Result<()> {
    let mut paths = Vec::new();
    for path in &args.paths {
        collect(path, args.recursive, true, &mut paths)?;
    }
    if paths.is_empty() {
        bail!("no files to measure");
    }
    let options = args.codec.options();
    medchain_lzw::compress(b"", &options).context("invalid codec options")?;
    let primed = Primed::load(args)?;
    let codecs: &[Codec] = if primed.is_some() {
        if args.only_ours {
            &[Codec::Ours, Codec::OursDict]
        } else {
            &[
                Codec::Ours,
                Codec::OursDict,
                Codec::Gzip9,
                Codec::Zstd3,
                Codec::Zstd19,
                Codec::Zstd19Dict,
                Codec::Brotli11,
            ]
        }
    } else if args.only_ours {
        &[Codec::Ours]
    } else {
        &[
            Codec::Ours,
            Codec::Gzip9,
            Codec::Zstd3,
            Codec::Zstd19,
            Codec::Brotli11,
            Codec::Weezl,
        ]
    };
    let min_time = Duration::from_millis(args.min_time_ms);
    let mut totals: Vec<Figures> = codecs
        .iter()
        .map(|c| Figures {
            codec: c.name(),
            gbk: Some(0),
            ..Default::default()
        })
        .collect();
    let mut files = Vec::new();
    if !args.json {
        print_header();
    }
    for path in paths {
        let sample = Sample::load(&path)?;
        let method = match options.mode {
            medchain_lzw::Mode::Auto => medchain_lzw::auto_method(&sample.data, sample.encoding),
            medchain_lzw::Mode::Bytes => Method::Bytes,
            medchain_lzw::Mode::Hanzi => Method::Hanzi,
            medchain_lzw::Mode::PaperMixed => Method::PaperMixed,
        };
        let mut results = Vec::new();
        for (codec, total) in codecs.iter().zip(&mut totals) {
            let figures = measure(*codec, &sample, &options, primed.as_ref(), min_time)?;
            total.add(&figures);
            results.push(figures);
        }
        let report = FileReport {
            path: path.display().to_string(),
            encoding: match sample.encoding {
                TextEncoding::Utf8 => "utf8",
                TextEncoding::Gbk => "gbk",
            },
            method: method.name(),
            results,
        };
        if !args.json && !args.totals_only {
            print_file(&report);
        }
        files.push(report);
    }
    let totals: Vec<Figures> = totals.into_iter().map(Figures::finish).collect();
    let relative = Relative::of(&totals);
    if args.json {
        let report = Report {
            files,
            totals,
            relative,
        };
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("TOTAL ({} files)", files.len());
        for figures in &totals {
            print_figures(figures);
        }
        if let Some(r) = relative {
            println!(
                "medchain-lzw speed: encode {:.2}× zstd-3, decode {:.2}× zstd-19 (same run)",
                r.encode_vs_zstd3, r.decode_vs_zstd19
            );
        }
    }
    Ok(())
}

fn print_header() {
    println!(
        "{:<14} {:>11} {:>11} {:>7} {:>7} {:>9} {:>9}",
        "codec", "original", "compressed", "/utf8", "/gbk", "enc MB/s", "dec MB/s"
    );
}

fn print_file(report: &FileReport) {
    println!("{} ({}, {})", report.path, report.encoding, report.method);
    for figures in &report.results {
        print_figures(figures);
    }
}

fn print_figures(f: &Figures) {
    let gbk = f
        .ratio_gbk
        .map_or_else(|| "-".to_owned(), |r| format!("{r:.4}"));
    println!(
        "  {:<12} {:>11} {:>11} {:>7.4} {:>7} {:>9.1} {:>9.1}",
        f.codec, f.original, f.compressed, f.ratio_utf8, gbk, f.encode_mb_s, f.decode_mb_s
    );
}
