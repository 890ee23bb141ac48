//! `medchain`: the command line of MedChain.
//!
//! - `medchain codec compress|decompress|train|bench` — the LZW codec ([`codec`]).
//! - `medchain records put|get|commitments|list|audit` — records through a data
//!   manager's store and the chain; `provision-worker|ingest|queue|drop|blob` — through
//!   your node's off-chain worker ([`records`]).
//! - `medchain access set-key|request|vote|deliver-key|wrap-key|revoke` — the sharing
//!   flow ([`access`]).
//! - `medchain store serve` — the data manager's store ([`store`]).
//! - `medchain key generate|show` — accounts and their encryption keys ([`account`]).
//! - `medchain completions bash|zsh|fish` — shell completions.
//!
//! `--json` prints one JSON object per result for scripts; the few commands that cannot
//! (a server, data written to stdout, completions) refuse it by name. Every command exits
//! non-zero with a one-line message on failure. Every file is written atomically
//! ([`files`]). The book's CLI reference is this parser's `--help`, checked by a test
//! ([`reference`]).

mod access;
mod account;
mod chain;
mod codec;
mod collector;
mod files;
mod output;
mod records;
#[cfg(test)]
mod reference;
mod store;

use clap::{CommandFactory, Parser, Subcommand};

/// MedChain: compressed, encrypted medical records shared by a hospital consortium.
#[derive(Parser)]
// No wrapping: `--help` reads the same at any terminal width and with any clap features,
// so the book's CLI reference is exactly the binary's help.
#[command(name = "medchain", version, about, term_width = 0)]
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
    /// Print a shell completion script, e.g. `medchain completions bash >
    /// ~/.local/share/bash-completion/completions/medchain`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn main() {
    let cli = Cli::parse();
    let out = output::Output::new(cli.json);
    let result = match cli.command {
        Command::Codec(command) => codec::run(command, &out),
        Command::Records(command) => records::run(command, &out),
        Command::Access(command) => access::run(command, &out),
        Command::Store(command) => out
            .refuse_json("store serve")
            .and_then(|()| store::run(command)),
        Command::Key(command) => account::run(command, &out),
        Command::Completions { shell } => out.refuse_json("completions").map(|()| {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "medchain",
                &mut std::io::stdout(),
            )
        }),
    };
    if let Err(error) = result {
        eprintln!("medchain: error: {error:#}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Where each command's `--json` is tested: a new command must be added here, with
    /// its test (`tests/json_cli.rs` for those that need no chain).
    const JSON_CHECKED_IN: &[(&str, &str)] = &[
        ("codec compress", "client/tests/json_cli.rs"),
        ("codec decompress", "client/tests/json_cli.rs"),
        ("codec train", "client/tests/json_cli.rs"),
        ("codec bench", "client/tests/json_cli.rs"),
        ("records put", "tests/e2e/store.test.mjs"),
        ("records get", "tests/e2e/store.test.mjs"),
        ("records commitments", "tests/e2e/dev.test.mjs"),
        ("records list", "tests/e2e/store.test.mjs"),
        ("records audit", "tests/e2e/store.test.mjs"),
        ("records provision-worker", "tests/e2e/worker.test.mjs"),
        ("records ingest", "tests/e2e/worker.test.mjs"),
        ("records queue", "tests/e2e/worker.test.mjs"),
        ("records drop", "tests/e2e/worker.test.mjs"),
        ("records blob", "tests/e2e/worker.test.mjs"),
        ("access set-key", "tests/e2e/store.test.mjs"),
        ("access request", "tests/e2e/store.test.mjs"),
        ("access vote", "tests/e2e/store.test.mjs"),
        ("access deliver-key", "tests/e2e/store.test.mjs"),
        ("access wrap-key", "tests/e2e/dev.test.mjs"),
        ("access revoke", "tests/e2e/store.test.mjs"),
        ("access break-glass", "tests/e2e/store.test.mjs"),
        ("access review", "tests/e2e/store.test.mjs"),
        ("access disclosures", "tests/e2e/store.test.mjs"),
        ("store serve", "client/tests/json_cli.rs"),
        ("key generate", "client/tests/json_cli.rs"),
        ("key show", "client/tests/json_cli.rs"),
        ("completions", "client/tests/json_cli.rs"),
    ];

    fn leaves(command: &clap::Command, parent: &str, found: &mut Vec<String>) {
        for sub in command.get_subcommands().filter(|c| c.get_name() != "help") {
            let path = format!("{parent} {}", sub.get_name()).trim().to_owned();
            if sub.has_subcommands() {
                leaves(sub, &path, found);
            } else {
                found.push(path);
            }
        }
    }

    #[test]
    fn every_command_has_its_json_checked() {
        let mut found = Vec::new();
        leaves(&Cli::command(), "", &mut found);
        let listed: Vec<String> = JSON_CHECKED_IN.iter().map(|(c, _)| c.to_string()).collect();
        found.sort();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(found, sorted, "commands and JSON_CHECKED_IN differ");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for (command, file) in JSON_CHECKED_IN {
            let test: String = std::fs::read_to_string(root.join(file))
                .unwrap()
                .split_whitespace()
                .collect();
            // `'--json','records','put'` (JavaScript) or `"--json","records","put"` (Rust).
            let quote = if file.ends_with(".rs") { '"' } else { '\'' };
            let arguments: Vec<String> = std::iter::once("--json")
                .chain(command.split(' '))
                .map(|word| format!("{quote}{word}{quote}"))
                .collect();
            assert!(
                test.contains(&arguments.join(",")),
                "{file} does not run `medchain --json {command}`"
            );
        }
    }
}
