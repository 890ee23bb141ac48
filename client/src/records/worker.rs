//! `medchain records provision-worker|ingest|queue|drop|blob`: hand raw records to your
//! own node's off-chain worker and read what it holds, over the node's `medchain_*` RPC
//! (unsafe methods: your node's localhost endpoint, or one started with `--rpc-methods
//! unsafe`).
//!
//! - `provision-worker --suri …` tells the worker which data owner it works for and gives
//!   it that owner's data-key root (the node checks it against the owner's `medr` key in
//!   its keystore); nothing is sealed or registered before.
//! - `ingest FILE... --label L --manager ACCOUNT [--store URL]` queues each file as one
//!   record; the worker compresses, seals, registers (signed with the node's `medr` key)
//!   and uploads it to the store at `URL` (default: it stays in the node's own store).
//!   Prints one line per file: its slot and `raw_hash` (the owner's keyed commitment),
//!   which the chain's `RecordRegistered` event repeats.
//! - `queue` prints the provisioned owner, the queue and each item's progress.
//! - `drop SLOT` asks the worker to drop a queued record (one that stalled, or is not
//!   wanted any more).
//! - `blob RECORD -o FILE [--compressed]` fetches the blob the node holds of a record and
//!   writes the original text (opened with `--suri`'s key) or the sealed blob as stored.

use std::{fs, path::PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use jsonrpsee::{
    core::client::ClientT,
    rpc_params,
    ws_client::{WsClient, WsClientBuilder},
};
use medchain_store::protocol::to_hex;
use serde_json::Value;

use crate::{
    account::AccountArgs,
    chain::{Chain, OwnNodeArg},
    files::{AtomicFile, Replace},
    output::Output,
    records::data::open_blob,
};

/// `writeln!` into a `String` (which cannot fail).
macro_rules! text_line {
    ($text:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($text, $($arg)*);
    }};
}

/// The largest request the CLI sends: a 4 MiB record as hex, with room to spare.
const MAX_REQUEST_BYTES: u32 = 16 << 20;

#[derive(Args)]
pub struct IngestArgs {
    /// Files to queue, one record each (UTF-8 or GBK text, as the codec takes it).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// A search label (repeat for several): department, ICD code, language…
    #[arg(long = "label", required = true)]
    labels: Vec<String>,
    /// The data manager that keeps and serves the blobs (SS58 address).
    #[arg(long, value_name = "ACCOUNT")]
    manager: String,
    /// The data manager's store (`http://` or `https://` URL) the worker uploads the
    /// sealed blob to, which becomes the record's location; default: the blob stays in
    /// the node's own store (`medchain-blob:0x<content_hash>`).
    #[arg(long, value_name = "URL")]
    store: Option<String>,
    #[command(flatten)]
    node: OwnNodeArg,
}

#[derive(Args)]
pub struct DropArgs {
    /// The record's slot in the queue.
    slot: u64,
    #[command(flatten)]
    node: OwnNodeArg,
}

#[derive(Args)]
pub struct BlobArgs {
    /// The record whose blob the node holds.
    record: u64,
    /// Output file.
    #[arg(short, long)]
    output: PathBuf,
    /// Write the blob as the node keeps it (sealed), not the original text.
    #[arg(long)]
    compressed: bool,
    /// Overwrite the output file if it exists.
    #[arg(short, long)]
    force: bool,
    /// Who opens it (the record's owner, or a demander it was delivered to); not needed
    /// with `--compressed` or for blobs kept before records were sealed.
    #[command(flatten)]
    account: AccountArgs,
    #[command(flatten)]
    node: OwnNodeArg,
}

#[derive(Args)]
pub struct ProvisionArgs {
    /// The data owner the worker works for: its `medr` key must be in the node's keystore.
    #[command(flatten)]
    account: AccountArgs,
    #[command(flatten)]
    node: OwnNodeArg,
}

async fn connect(node: &str) -> Result<WsClient> {
    WsClientBuilder::default()
        .max_request_size(MAX_REQUEST_BYTES)
        .max_response_size(MAX_REQUEST_BYTES)
        .build(node)
        .await
        .with_context(|| format!("cannot connect to {node}"))
}

fn from_hex(text: &str) -> Result<Vec<u8>> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() % 2 != 0 || !digits.is_ascii() {
        bail!("not hex: {text:.40}");
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&digits[i..i + 2], 16).with_context(|| format!("bad hex: {text}"))
        })
        .collect()
}

pub async fn ingest(args: IngestArgs, out: &Output) -> Result<()> {
    let client = connect(&args.node.node).await?;
    for file in &args.files {
        let raw = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let queued: Value = client
            .request(
                "medchain_submitRaw",
                rpc_params![to_hex(&raw), &args.labels, &args.store, &args.manager],
            )
            .await
            .with_context(|| format!("{}: the node refused it", file.display()))?;
        out.emit(
            serde_json::json!({
                "file": file.display().to_string(),
                "slot": queued["slot"],
                "raw_hash": queued["rawHash"],
                "raw_len": raw.len(),
            }),
            || {
                format!(
                    "{}\tslot {}\traw_hash {}\t{} bytes",
                    file.display(),
                    queued["slot"],
                    queued["rawHash"]
                        .as_str()
                        .unwrap_or("- (no owner provisioned: `medchain records provision-worker`)"),
                    raw.len()
                )
            },
        );
    }
    Ok(())
}

pub async fn queue(args: OwnNodeArg, out: &Output) -> Result<()> {
    let client = connect(&args.node).await?;
    let status: Value = client
        .request("medchain_queue", rpc_params![])
        .await
        .context("the node refused medchain_queue")?;
    // The node's answer is the JSON result, in the CLI's snake_case; people get one line
    // per item.
    out.emit(snake_case_keys(status.clone()), || queue_text(&status));
    Ok(())
}

/// `rawHash` → `raw_hash`, in every object of `value`: the node's RPC speaks camelCase
/// (as Polkadot.js does), the CLI's JSON snake_case.
fn snake_case_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let mut snake = String::with_capacity(key.len() + 4);
                    for c in key.chars() {
                        if c.is_ascii_uppercase() {
                            snake.push('_');
                        }
                        snake.push(c.to_ascii_lowercase());
                    }
                    (snake, snake_case_keys(value))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_case_keys).collect()),
        other => other,
    }
}

fn queue_text(status: &Value) -> String {
    let mut text = String::new();
    let items = status["items"].as_array().cloned().unwrap_or_default();
    match status["owner"].as_str() {
        Some(owner) => text_line!(text, "worker provisioned for {owner}"),
        None => text_line!(
            text,
            "no data owner provisioned: nothing is sealed or registered \
             (`medchain records provision-worker`)"
        ),
    }
    text_line!(
        text,
        "{} items, {} bytes queued (slots {}..{})",
        items.len(),
        status["bytes"],
        status["head"],
        status["tail"]
    );
    for item in items {
        text_line!(
            text,
            "slot {}\t{}\t{} bytes\tlabels {}\traw_hash {}\tattempts {}{}{}",
            item["slot"],
            item["state"].as_str().unwrap_or("?"),
            item["rawLen"],
            item["labels"],
            item["rawHash"].as_str().unwrap_or("-"),
            item["attempts"],
            item["record"]
                .as_u64()
                .map(|id| format!("\trecord #{id}"))
                .unwrap_or_default(),
            item["uploadAttempts"]
                .as_u64()
                .map(|n| format!(
                    "\tuploads tried {n}, last answer {}, next at block {}",
                    item["lastStatus"]
                        .as_u64()
                        .map_or("-".to_string(), |s| if s == 0 {
                            "none".into()
                        } else {
                            s.to_string()
                        }),
                    item["nextUploadAt"]
                ))
                .unwrap_or_default(),
        );
    }
    text.trim_end().to_owned()
}

pub async fn drop_queued(args: DropArgs, out: &Output) -> Result<()> {
    let client = connect(&args.node.node).await?;
    let found: bool = client
        .request("medchain_dropQueued", rpc_params![args.slot])
        .await
        .context("the node refused medchain_dropQueued")?;
    if !found {
        bail!("slot {} holds no record", args.slot);
    }
    out.emit(
        serde_json::json!({ "slot": args.slot, "dropped": true }),
        || format!("slot {}: the worker drops it at its next run", args.slot),
    );
    Ok(())
}

pub async fn provision(args: ProvisionArgs, out: &Output) -> Result<()> {
    let account = args.account.load()?;
    let client = connect(&args.node.node).await?;
    let answer: Value = client
        .request(
            "medchain_provisionWorker",
            rpc_params![
                account.address(),
                to_hex(account.keys().data_root().as_bytes())
            ],
        )
        .await
        .context("the node refused to provision its worker")?;
    let unchanged = answer["unchanged"].as_bool() == Some(true);
    out.emit(
        serde_json::json!({
            "node": args.node.node,
            "owner": account.address(),
            "unchanged": unchanged,
        }),
        || {
            format!(
                "the worker of {} {} for {}: it compresses, seals, registers and uploads its records",
                args.node.node,
                if unchanged { "already works" } else { "now works" },
                account.address()
            )
        },
    );
    Ok(())
}

pub async fn blob(args: BlobArgs, out: &Output) -> Result<()> {
    // Refuse an existing file before fetching anything.
    let file = AtomicFile::create(&args.output, Replace::WithForce(args.force))?;
    let account = args.account.load_optional()?;
    let chain = Chain::connect(&args.node.node).await?;
    let record = chain.existing_record(args.record).await?;
    let client = connect(&args.node.node).await?;
    let blob: Option<String> = client
        .request(
            "medchain_getBlob",
            rpc_params![to_hex(&record.input.content_hash.0)],
        )
        .await
        .context("the node refused medchain_getBlob")?;
    let Some(blob) = blob else {
        bail!("the node holds no blob of record {}", args.record);
    };
    let blob = from_hex(&blob)?;
    let bytes = if args.compressed {
        blob
    } else {
        open_blob(
            &chain,
            account.as_ref(),
            args.record,
            &record,
            &blob,
            &args.node.node,
        )
        .await?
    };
    file.write_and_commit(&bytes)?;
    out.emit(
        serde_json::json!({
            "record": args.record,
            "output": args.output.display().to_string(),
            "output_bytes": bytes.len(),
            "sealed": args.compressed,
        }),
        || format!("{}\t{} bytes", args.output.display(), bytes.len()),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_json_is_snake_case() {
        let node = serde_json::json!({ "owner": "5G", "items": [{ "rawHash": "0x1", "uploadAttempts": 2 }] });
        assert_eq!(
            snake_case_keys(node),
            serde_json::json!({ "owner": "5G", "items": [{ "raw_hash": "0x1", "upload_attempts": 2 }] })
        );
    }

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(to_hex(&bytes), "0x0001abff");
        assert_eq!(from_hex(&to_hex(&bytes)).unwrap(), bytes);
        assert!(from_hex("0x123").is_err());
        assert!(from_hex("0xzz").is_err());
        assert!(
            from_hex("0xéé").is_err(),
            "non-ASCII is refused, not a panic"
        );
    }
}
