//! `medchain records …`: a data owner's and a demander's records.
//!
//! Through a data manager's store and the chain ([`data`], [`browse`]):
//! - `put FILE --label L… --store URL [--dict auto|none|FILE]` — compress (with the
//!   chain's dictionary), commit, seal with the record's data key, register on-chain,
//!   upload to the store; prints the record id. The node's worker runs the same pipeline
//!   (`medchain-record`).
//! - `get RECORD -o FILE` — download from the store, check `content_hash`, open with
//!   your data key (the owner's own, or the one delivered to you), decompress, check
//!   `raw_hash`; writes the original bytes.
//! - `commitments FILE` — what `put` would register (hashes, lengths, codec), for Apps.
//! - `list [--owner A] [--label L]` and `audit RECORD` (events and the audit-head check).
//!
//! Through your own node's off-chain worker ([`worker`]): `provision-worker`, `ingest`,
//! `queue`, `drop`, `blob`.

pub(crate) mod audit;
mod browse;
mod data;
mod worker;

use anyhow::{Context, Result};
use clap::Subcommand;

use crate::output::Output;

#[derive(Subcommand)]
pub enum RecordsCommand {
    /// Compress, seal, register and upload a record to a data manager's store.
    Put(data::PutArgs),
    /// Download a record you may read, verify it and write the original text.
    Get(data::GetArgs),
    /// Print a text's commitments as `put` computes them (raw_hash, content_hash,
    /// lengths, codec): the values of `medicalRecords.registerRecord` in Polkadot.js Apps.
    Commitments(data::CommitmentsArgs),
    /// List records by owner or label (or the newest ones).
    List(browse::ListArgs),
    /// Export a record's on-chain history and check it against its audit head.
    Audit(audit::AuditArgs),
    /// Provision your node's off-chain worker with the data owner it works for.
    ProvisionWorker(worker::ProvisionArgs),
    /// Queue files as raw records on your node; its off-chain worker seals, registers and
    /// uploads them.
    Ingest(worker::IngestArgs),
    /// Show your node's ingestion queue.
    Queue(crate::chain::OwnNodeArg),
    /// Ask your node's worker to drop a queued record (by slot, as `queue` shows it).
    Drop(worker::DropArgs),
    /// Fetch the blob your node holds of a record and write the original text (or the
    /// sealed blob).
    Blob(worker::BlobArgs),
}

pub fn run(command: RecordsCommand, out: &Output) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match command {
            RecordsCommand::Put(args) => data::put(args, out).await,
            RecordsCommand::Get(args) => data::get(args, out).await,
            RecordsCommand::Commitments(args) => data::commitments(args, out).await,
            RecordsCommand::List(args) => browse::list(args, out).await,
            RecordsCommand::Audit(args) => audit::audit(args, out).await,
            RecordsCommand::ProvisionWorker(args) => worker::provision(args, out).await,
            RecordsCommand::Ingest(args) => worker::ingest(args, out).await,
            RecordsCommand::Queue(args) => worker::queue(args, out).await,
            RecordsCommand::Drop(args) => worker::drop_queued(args, out).await,
            RecordsCommand::Blob(args) => worker::blob(args, out).await,
        }
    })
}
