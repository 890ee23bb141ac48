//! `medchain codec train`, and the dictionary files the other codec commands load.

use std::{
    collections::HashSet,
    fs,
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{bail, Context, Result};
use clap::Args;
use medchain_lzw::{
    train::{split_samples, train, trim_newlines, TrainOptions},
    Dictionary, Language,
};

use super::{bench::collect, EncodingArg};
use crate::{
    files::{AtomicFile, Replace},
    output::Output,
};

/// The records a dictionary is trained on: files (each split into records at blank
/// lines) or folders of them, less any record that is also in an excluded file, so that
/// a dictionary can be measured on records it has not seen.
#[derive(Args, Clone, Default)]
pub struct TrainingSet {
    /// Leave out every training record whose text (without leading or trailing line
    /// ends) is that of one of these files, or of a record in them; folders allowed.
    #[arg(long = "exclude", value_name = "PATH")]
    pub exclude: Vec<PathBuf>,
}

/// The training files' bytes, and the texts of the held-out records.
pub type LoadedSet = (Vec<Vec<u8>>, HashSet<Vec<u8>>);

impl TrainingSet {
    /// Reads `paths` and the excluded files: the training files' bytes, and the texts
    /// of the records to leave out (see [`samples`]).
    pub fn load(&self, paths: &[PathBuf]) -> Result<LoadedSet> {
        let mut files = Vec::new();
        for path in paths {
            collect(path, true, true, &mut files)?;
        }
        if files.is_empty() {
            bail!("no training files");
        }
        let mut excluded = Vec::new();
        for path in &self.exclude {
            collect(path, true, true, &mut excluded)?;
        }
        let mut held_out = HashSet::new();
        for path in excluded {
            let data =
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            held_out.insert(trim_newlines(&data).to_vec());
            for record in split_samples(&data) {
                held_out.insert(record.to_vec());
            }
        }
        let data = files
            .iter()
            .map(|p| fs::read(p).with_context(|| format!("cannot read {}", p.display())))
            .collect::<Result<Vec<_>>>()?;
        Ok((data, held_out))
    }
}

/// The training samples of `files`, without the held-out ones; and how many were left out.
pub fn samples<'a>(files: &'a [Vec<u8>], held_out: &HashSet<Vec<u8>>) -> (Vec<&'a [u8]>, usize) {
    let mut samples = Vec::new();
    let mut left_out = 0;
    for file in files {
        for sample in split_samples(file) {
            if held_out.contains(sample) {
                left_out += 1;
            } else {
                samples.push(sample);
            }
        }
    }
    (samples, left_out)
}

#[derive(Args)]
pub struct TrainArgs {
    /// Where to write the dictionary.
    #[arg(short, long)]
    output: PathBuf,
    /// Most phrases to keep (default: the code space less an eighth for each record's
    /// own phrases: 49,638 for Chinese, 57,086 for English at 16 bits).
    #[arg(long)]
    size: Option<usize>,
    /// Code width of the containers made with it (13-20; 16 is the paper's 64K entries).
    #[arg(long, default_value_t = medchain_lzw::DEFAULT_MAX_BITS)]
    max_bits: u8,
    /// Language to record: zh, en or mixed (default: detected from the records).
    #[arg(long, value_parser = parse_language)]
    language: Option<Language>,
    /// Encoding of the training files.
    #[arg(long, value_enum, default_value_t = EncodingArg::Utf8)]
    input_encoding: EncodingArg,
    #[command(flatten)]
    set: TrainingSet,
    /// Overwrite the output file if it exists.
    #[arg(short, long)]
    force: bool,
    /// Training files or folders (records separated by blank lines).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[cfg(test)]
impl TrainArgs {
    /// `train -o OUTPUT --max-bits BITS --force PATH` with the other options at their defaults.
    pub fn for_tests(output: &Path, path: &Path, max_bits: u8) -> Self {
        Self {
            output: output.to_owned(),
            size: None,
            max_bits,
            language: None,
            input_encoding: EncodingArg::Utf8,
            set: TrainingSet::default(),
            force: true,
            paths: vec![path.to_owned()],
        }
    }
}

fn parse_language(name: &str) -> Result<Language, String> {
    Language::from_name(name).ok_or_else(|| format!("unknown language {name:?}: zh, en or mixed"))
}

pub fn run_train(args: &TrainArgs, out: &Output) -> Result<()> {
    // Refuse an existing file before the training, not after it.
    let file = AtomicFile::create(&args.output, Replace::WithForce(args.force))?;
    let (files, held_out) = args.set.load(&args.paths)?;
    let (samples, left_out) = samples(&files, &held_out);
    let options = TrainOptions {
        size: args.size,
        max_bits: args.max_bits,
        encoding: args.input_encoding.into(),
        language: args.language,
        ..Default::default()
    };
    let started = Instant::now();
    let trained = train(&samples, &options)?;
    let elapsed = started.elapsed();
    file.write_and_commit(&trained.bytes)?;
    let report = &trained.report;
    let dictionary = &trained.dictionary;
    let id = format!("0x{}", medchain_lzw::hex32(&dictionary.id()));
    out.emit(
        serde_json::json!({
            "dictionary": args.output.display().to_string(),
            "id": id,
            "language": dictionary.language().name(),
            "method": dictionary.method().name(),
            "max_bits": dictionary.max_bits(),
            "len": trained.bytes.len(),
            "phrases": report.phrases,
            "records": report.samples,
            "units": report.units,
            "held_out": left_out,
            "candidates": report.candidates,
            "rounds": report.rounds,
            "train_ms": elapsed.as_millis() as u64,
            "huffman_bytes": report.huffman_bytes,
            "fixed_width_bytes": report.estimated_bytes,
        }),
        || {
            format!(
                "dictionary  {}\nid          {id}\nlanguage    {}   method {}   code width {} bits\n\
                 size        {} bytes, {} phrases\n\
                 trained on  {} records ({} units; {} left out as held-out), {} candidates, {} rounds, {:.1} s\n\
                 samples     {} bytes of codes with the dictionary's Huffman code ({} at fixed widths)",
                args.output.display(),
                dictionary.language().name(),
                dictionary.method().name(),
                dictionary.max_bits(),
                trained.bytes.len(),
                report.phrases,
                report.samples,
                report.units,
                left_out,
                report.candidates,
                report.rounds,
                elapsed.as_secs_f64(),
                report.huffman_bytes,
                report.estimated_bytes,
            )
        },
    );
    Ok(())
}

/// Loads dictionary files.
pub fn load(paths: &[PathBuf]) -> Result<Vec<Dictionary>> {
    paths.iter().map(|p| load_one(p)).collect()
}

pub fn load_one(path: &Path) -> Result<Dictionary> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Dictionary::from_bytes(&bytes)
        .with_context(|| format!("{} is not a dictionary", path.display()))
}
