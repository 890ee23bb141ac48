//! `medchain codec …`: compress and decompress files, and benchmark the codec.

mod bench;
pub mod dictionary;

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use medchain_lzw::{stream, Dictionary, FullPolicy, Mode, Options, TextEncoding};

use crate::{
    files::{AtomicFile, Replace},
    output::Output,
};

/// Files up to this size are compressed in one piece (best ratio); larger files and
/// stdin go through the streaming API, whose memory is bounded by one frame. The same
/// bound as records (`records put`, the node's worker).
const ONE_SHOT_FILE_LIMIT: u64 = medchain_record::FRAMED_ABOVE_LEN as u64;

#[derive(Subcommand)]
pub enum CodecCommand {
    /// Compress a file (or `-` for stdin) into a MedChain LZW container.
    Compress {
        /// Input file, or `-` for stdin.
        input: PathBuf,
        /// Output file, or `-` for stdout. Default: INPUT.mlzw (stdout for stdin).
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        codec: CodecArgs,
        /// A primed dictionary (`medchain codec train`): used when it makes the
        /// container smaller, and then named in its header.
        #[arg(long, value_name = "DICT")]
        dict: Option<PathBuf>,
        /// Overwrite the output file if it exists.
        #[arg(short, long)]
        force: bool,
    },
    /// Decompress a container (or `-` for stdin).
    Decompress {
        /// Input container, or `-` for stdin.
        input: PathBuf,
        /// Output file, or `-` for stdout. Default: INPUT without `.mlzw` (stdout for stdin).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Primed dictionaries to find the container's among, by the id in its header
        /// (repeat the option for several).
        #[arg(long, value_name = "DICT")]
        dict: Vec<PathBuf>,
        /// Overwrite the output file if it exists.
        #[arg(short, long)]
        force: bool,
    },
    /// Train a primed dictionary on a consortium's own records.
    Train(dictionary::TrainArgs),
    /// Measure ratio and speed on files or folders against gzip -9, zstd -19, brotli -11
    /// and weezl.
    Bench(bench::BenchArgs),
}

/// Codec options shared by `compress` and `bench`.
#[derive(Args, Clone)]
pub struct CodecArgs {
    /// Compression mode.
    #[arg(long, value_enum, default_value_t = ModeArg::Auto)]
    mode: ModeArg,
    /// Encoding of the input text.
    #[arg(long, value_enum, default_value_t = EncodingArg::Utf8)]
    input_encoding: EncodingArg,
    /// Maximum code width in bits (9-20 for bytes, 13-20 for hanzi).
    #[arg(long, default_value_t = medchain_lzw::DEFAULT_MAX_BITS)]
    max_bits: u8,
    /// What the encoder does when the dictionary is full.
    #[arg(long, value_enum, default_value_t = PolicyArg::Prune)]
    policy: PolicyArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Auto,
    Bytes,
    Hanzi,
    PaperMixed,
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    Utf8,
    Gbk,
}

impl From<EncodingArg> for TextEncoding {
    fn from(arg: EncodingArg) -> Self {
        match arg {
            EncodingArg::Utf8 => TextEncoding::Utf8,
            EncodingArg::Gbk => TextEncoding::Gbk,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum PolicyArg {
    Freeze,
    Reset,
    Adaptive,
    Prune,
}

impl CodecArgs {
    pub fn options(&self) -> Options {
        Options {
            mode: match self.mode {
                ModeArg::Auto => Mode::Auto,
                ModeArg::Bytes => Mode::Bytes,
                ModeArg::Hanzi => Mode::Hanzi,
                ModeArg::PaperMixed => Mode::PaperMixed,
            },
            encoding: self.input_encoding.into(),
            max_bits: self.max_bits,
            policy: match self.policy {
                PolicyArg::Freeze => FullPolicy::Freeze,
                PolicyArg::Reset => FullPolicy::Reset,
                PolicyArg::Adaptive => FullPolicy::AdaptiveReset,
                PolicyArg::Prune => FullPolicy::Prune,
            },
        }
    }
}

pub fn run(command: CodecCommand, out: &Output) -> Result<()> {
    match command {
        CodecCommand::Compress {
            input,
            output,
            codec,
            dict,
            force,
        } => {
            let output = output.unwrap_or_else(|| default_output(&input, true));
            check_json_output(out, &output, "codec compress")?;
            let dict = dict.as_deref().map(dictionary::load_one).transpose()?;
            let (input_bytes, bytes) =
                compress(&input, &output, &codec.options(), dict.as_ref(), force)?;
            emit_written(out, &input, &output, input_bytes, bytes);
            Ok(())
        }
        CodecCommand::Decompress {
            input,
            output,
            dict,
            force,
        } => {
            let output = output.unwrap_or_else(|| default_output(&input, false));
            check_json_output(out, &output, "codec decompress")?;
            let dicts = dictionary::load(&dict)?;
            let (input_bytes, bytes) = decompress(&input, &output, &dicts, force)?;
            emit_written(out, &input, &output, input_bytes, bytes);
            Ok(())
        }
        CodecCommand::Train(args) => dictionary::run_train(&args, out),
        CodecCommand::Bench(mut args) => {
            args.json = out.is_json();
            bench::run(&args)
        }
    }
}

fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn default_output(input: &Path, compressing: bool) -> PathBuf {
    if is_std(input) {
        return PathBuf::from("-");
    }
    let mut name = input.as_os_str().to_owned();
    if compressing {
        name.push(".mlzw");
        return name.into();
    }
    match input.extension() {
        Some(ext) if ext == "mlzw" => input.with_extension(""),
        _ => {
            name.push(".out");
            name.into()
        }
    }
}

/// Where a command's output goes: stdout, or a file written atomically.
enum Sink {
    Stdout(io::Stdout),
    File(io::BufWriter<AtomicFile>),
}

impl Sink {
    fn open(path: &Path, force: bool) -> Result<Self> {
        if is_std(path) {
            return Ok(Sink::Stdout(io::stdout()));
        }
        Ok(Sink::File(io::BufWriter::new(AtomicFile::create(
            path,
            Replace::WithForce(force),
        )?)))
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(out) => out,
            Sink::File(file) => file,
        }
    }

    fn commit(self) -> Result<()> {
        match self {
            Sink::Stdout(mut out) => Ok(out.flush()?),
            Sink::File(file) => file.into_inner().map_err(|e| e.into_error())?.commit(),
        }
    }
}

/// Counts the bytes written through it (for the `--json` summary).
struct Counted<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn open_input(path: &Path) -> Result<(Box<dyn Read>, Option<u64>)> {
    if is_std(path) {
        return Ok((Box::new(io::stdin().lock()), None));
    }
    let file = fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let len = file.metadata()?.len();
    Ok((Box::new(io::BufReader::new(file)), Some(len)))
}

/// Runs `body` against the output and puts the output in place only if it succeeds.
/// Returns how many bytes were written.
fn with_sink(
    output: &Path,
    force: bool,
    body: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<u64> {
    let mut sink = Sink::open(output, force)?;
    let mut counted = Counted {
        inner: sink.writer(),
        bytes: 0,
    };
    body(&mut counted)?;
    let bytes = counted.bytes;
    sink.commit()?;
    Ok(bytes)
}

/// The `--json` line of `compress` and `decompress`, or nothing for a person (the
/// file is the result). JSON on stdout cannot share it with the data.
fn check_json_output(out: &Output, output: &Path, command: &str) -> Result<()> {
    if is_std(output) {
        out.refuse_json(&format!("{command} to stdout"))?;
    }
    Ok(())
}

fn emit_written(out: &Output, input: &Path, output: &Path, input_bytes: Option<u64>, bytes: u64) {
    out.emit_json_only(serde_json::json!({
        "input": input.display().to_string(),
        "output": output.display().to_string(),
        "input_bytes": input_bytes,
        "output_bytes": bytes,
    }));
}

fn compress(
    input: &Path,
    output: &Path,
    options: &Options,
    dictionary: Option<&Dictionary>,
    force: bool,
) -> Result<(Option<u64>, u64)> {
    let (mut reader, len) = open_input(input)?;
    let written = with_sink(output, force, |writer| {
        match len {
            Some(len) if len <= ONE_SHOT_FILE_LIMIT => {
                let mut data = Vec::with_capacity(len as usize);
                reader
                    .read_to_end(&mut data)
                    .with_context(|| format!("cannot read {}", input.display()))?;
                let packed = medchain_lzw::compress_with(&data, options, dictionary)?;
                writer.write_all(&packed)?;
            }
            _ => {
                stream::io::compress(reader, &mut *writer, *options)?;
            }
        }
        Ok(())
    })?;
    Ok((len, written))
}

fn decompress(
    input: &Path,
    output: &Path,
    dictionaries: &[Dictionary],
    force: bool,
) -> Result<(Option<u64>, u64)> {
    let (mut reader, len) = open_input(input)?;
    if !dictionaries.is_empty() {
        // Containers that name a dictionary are one-shot (records up to 256 KiB).
        let mut data = Vec::new();
        reader
            .read_to_end(&mut data)
            .with_context(|| format!("cannot read {}", input.display()))?;
        let refs: Vec<&Dictionary> = dictionaries.iter().collect();
        // The output is opened (and an existing one refused) before the work.
        let written = with_sink(output, force, |writer| {
            let text = medchain_lzw::decompress_with(&data, &refs, usize::MAX)
                .map_err(|e| anyhow::anyhow!("cannot decompress {}: {e}", input.display()))?;
            Ok(writer.write_all(&text)?)
        })?;
        return Ok((len, written));
    }
    let written = with_sink(output, force, |writer| {
        stream::io::decompress(reader, writer, usize::MAX).map_err(|e| match e.get_ref() {
            Some(inner) if e.kind() == io::ErrorKind::InvalidData => {
                anyhow::anyhow!("{} is not a valid container: {inner}", input.display())
            }
            _ => anyhow::Error::new(e).context(format!("cannot decompress {}", input.display())),
        })?;
        Ok(())
    })?;
    Ok((len, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files written by `train` are read back by `compress --dict` and `decompress
    /// --dict`; a container that names a dictionary says which one when it is missing or
    /// another was given.
    #[test]
    fn dictionary_files_round_trip_through_the_commands() {
        let dir = std::env::temp_dir().join(format!("medchain-dict-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let records: Vec<String> = (0..30)
            .map(|i| format!("Patient {i} presents with chest pain and shortness of breath.\n\n"))
            .collect();
        let training = dir.join("train.txt");
        fs::write(&training, records.concat()).unwrap();
        let dict_path = dir.join("en.mlzd");
        dictionary::run_train(
            &dictionary::TrainArgs::for_tests(&dict_path, &training, 12),
            &Output::new(false),
        )
        .unwrap();
        let other_path = dir.join("other.mlzd");
        dictionary::run_train(
            &dictionary::TrainArgs::for_tests(&other_path, &training, 13),
            &Output::new(false),
        )
        .unwrap();

        let note = dir.join("note.txt");
        let text = "Patient 77 presents with chest pain and shortness of breath.";
        fs::write(&note, text).unwrap();
        let dict = dictionary::load_one(&dict_path).unwrap();
        let packed = dir.join("note.txt.mlzw");
        compress(&note, &packed, &Options::default(), Some(&dict), true).unwrap();
        let container = fs::read(&packed).unwrap();
        assert_eq!(
            medchain_lzw::read_header(&container).unwrap().dictionary,
            Some(dict.id())
        );
        let out = dir.join("note.out");
        decompress(
            &packed,
            &out,
            &dictionary::load(&[other_path.clone(), dict_path.clone()]).unwrap(),
            true,
        )
        .unwrap();
        assert_eq!(fs::read(&out).unwrap(), text.as_bytes());

        let missing = decompress(&packed, &out, &[], true)
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains(&medchain_lzw::hex32(&dict.id())),
            "{missing}"
        );
        let wrong = decompress(
            &packed,
            &out,
            &dictionary::load(&[other_path]).unwrap(),
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(wrong.contains("none of the 1 supplied"), "{wrong}");
        assert_eq!(
            medchain_lzw::decompress_with(&container, &[&dict], text.len()).unwrap(),
            text.as_bytes()
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
