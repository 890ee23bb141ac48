//! `medchain`: the command line of MedChain.
//!
//! - `medchain codec compress|decompress|bench` — the LZW codec ([`codec`]).
//! - `medchain records ingest|queue|blob` — your node's off-chain worker ([`records`]).
//!
//! Every command exits non-zero with a one-line message on failure.

mod codec;
mod records;

use clap::{Parser, Subcommand};

/// MedChain: compressed, encrypted medical records shared by a hospital consortium.
#[derive(Parser)]
#[command(name = "medchain", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compress, decompress and benchmark with the MedChain LZW codec.
    #[command(subcommand)]
    Codec(codec::CodecCommand),
    /// Queue raw records on your node for its off-chain worker, and read its blobs.
    #[command(subcommand)]
    Records(records::RecordsCommand),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codec(command) => codec::run(command),
        Command::Records(command) => records::run(command),
    };
    if let Err(error) = result {
        eprintln!("medchain: error: {error:#}");
        std::process::exit(1);
    }
}
