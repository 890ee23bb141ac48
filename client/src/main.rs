//! `medchain`: the command line of MedChain.
//!
//! - `medchain codec compress|decompress|bench` — the LZW codec ([`codec`]).
//! - `medchain records put|get|list|audit` — records through a data manager's store and
//!   the chain; `ingest|queue|drop|blob` — through your node's off-chain worker
//!   ([`records`]).
//! - `medchain access set-key|request|vote|deliver-key|revoke` — the sharing flow
//!   ([`access`]).
//! - `medchain store serve` — the data manager's store ([`store`]).
//! - `medchain key generate|show` — accounts and their encryption keys ([`account`]).
//!
//! `--json` prints one JSON object per result for scripts. Every command exits non-zero
//! with a one-line message on failure.

mod access;
mod account;
mod chain;
mod codec;
mod collector;
mod output;
mod records;
mod store;

use clap::{Parser, Subcommand};

/// MedChain: compressed, encrypted medical records shared by a hospital consortium.
#[derive(Parser)]
#[command(name = "medchain", version, about)]
struct Cli {
    /// Print results as JSON lines (for scripts); no progress bars.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compress, decompress and benchmark with the MedChain LZW codec.
    #[command(subcommand)]
    Codec(codec::CodecCommand),
    /// Put, get, list and audit records; or queue them on your node's worker.
    #[command(subcommand)]
    Records(records::RecordsCommand),
    /// Ask for, vote on, deliver and revoke access to records.
    #[command(subcommand)]
    Access(access::AccessCommand),
    /// Run the data manager's store.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// Make and inspect account key files.
    #[command(subcommand)]
    Key(account::KeyCommand),
}

fn main() {
    let cli = Cli::parse();
    let out = output::Output::new(cli.json);
    let result = match cli.command {
        Command::Codec(command) => codec::run(command),
        Command::Records(command) => records::run(command, &out),
        Command::Access(command) => access::run(command, &out),
        Command::Store(command) => store::run(command),
        Command::Key(command) => account::run(command, &out),
    };
    if let Err(error) = result {
        eprintln!("medchain: error: {error:#}");
        std::process::exit(1);
    }
}
