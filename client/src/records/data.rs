//! `records put` and `records get`: the paper's data path, end to end.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use clap::Args;
use medchain_crypto::{blake2_256, open, seal, KeyBinding};
use medchain_store::{protocol::to_hex, StoreClient};
use subxt::{
    dynamic::{self, Value},
    utils::{AccountId32, H256},
};

use crate::{
    account::{address_of, AccountArgs},
    chain::{call, Chain, DEFAULT_NODE},
    codec::{compress_bytes, decompress_bytes, CodecArgs},
    output::Output,
};

#[derive(Args)]
pub struct PutArgs {
    /// The record's text (UTF-8 or GBK, as the codec takes it).
    file: PathBuf,
    /// A search label (repeat for several): department, ICD code, language…
    #[arg(long = "label")]
    labels: Vec<String>,
    /// The data manager's store (e.g. http://127.0.0.1:8700); the record names its
    /// manager account and this URL as its location.
    #[arg(long)]
    manager: String,
    #[command(flatten)]
    codec: CodecArgs,
    #[command(flatten)]
    account: AccountArgs,
    /// The node's RPC endpoint.
    #[arg(long, default_value = DEFAULT_NODE)]
    node: String,
}

#[derive(Args)]
pub struct GetArgs {
    /// The record id.
    record: u64,
    /// Where to write the original text.
    #[arg(short, long)]
    output: PathBuf,
    /// Overwrite the output file if it exists.
    #[arg(short, long)]
    force: bool,
    /// Download from this store instead of the record's location.
    #[arg(long)]
    store: Option<String>,
    #[command(flatten)]
    account: AccountArgs,
    /// The node's RPC endpoint.
    #[arg(long, default_value = DEFAULT_NODE)]
    node: String,
}

pub async fn put(args: PutArgs, out: &Output) -> Result<()> {
    let started = Instant::now();
    let account = args.account.load()?;
    let chain = Chain::connect(&args.node).await?;
    let store = StoreClient::new(&args.manager)?;
    let info = store
        .info()
        .await
        .with_context(|| format!("cannot reach the store at {}", args.manager))?;
    let manager = medchain_store::protocol::from_hex::<32>(&info.manager)
        .map(AccountId32)
        .ok_or_else(|| anyhow!("the store sent a malformed manager account"))?;

    let raw =
        fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let raw_hash = blake2_256(&raw);
    let step = out.step("compressing and sealing");
    let container = compress_bytes(&raw, &args.codec.options())?;
    let method = medchain_lzw::read_header(&container)?.method;
    let key = account.keys().data_key(&raw_hash);
    let blob = Bytes::from(seal(&key, &raw_hash, &container));
    let content_hash = blake2_256(&blob);
    step.finish_and_clear();
    let sealed_at = started.elapsed();
    if blob.len() as u64 > info.max_blob_bytes {
        bail!(
            "the sealed record is {} bytes; the store at {} takes at most {}",
            blob.len(),
            args.manager,
            info.max_blob_bytes
        );
    }

    // Resumable: the data key and the sealed blob depend only on the owner and the text,
    // so a run that registered but did not finish its upload is picked up here.
    let existing = chain
        .by_raw_hash(&account.id(), &H256(raw_hash))
        .await
        .context("cannot look up earlier registrations")?;
    let (record, block) = match existing {
        Some(id) => {
            let found = chain.existing_record(id).await?;
            if found.input.content_hash.0 != content_hash {
                bail!(
                    "you registered this text already as record {id}, with another blob \
                     (other codec options?); get it with `medchain records get {id}`"
                );
            }
            (id, None)
        }
        None => {
            let input = Value::named_composite([
                ("raw_hash", call::bytes(raw_hash)),
                ("content_hash", call::bytes(content_hash)),
                ("raw_len", call::u64(raw.len() as u64)),
                ("compressed_len", call::u64(container.len() as u64)),
                (
                    "codec",
                    Value::named_composite([
                        ("method", Value::unnamed_variant(method_name(method), [])),
                        ("dictionary", call::option(None)),
                    ]),
                ),
                (
                    "labels",
                    Value::unnamed_composite(args.labels.iter().map(call::bytes)),
                ),
                ("location", call::bytes(store.base())),
                ("manager", call::bytes(manager.0)),
            ]);
            let register = dynamic::tx("MedicalRecords", "register_record", vec![input]);
            let done = chain
                .submit(&register, &account, out, "register_record")
                .await?;
            let id = done.number("MedicalRecords", "RecordRegistered", "id")?;
            (id, Some(done.block))
        }
    };
    let registered_at = started.elapsed();

    let bar = out.bytes("uploading", blob.len() as u64);
    let progress = bar.clone();
    let stored = store
        .put_blob(&account, record, blob.clone(), move |n| progress.inc(n))
        .await
        .with_context(|| {
            format!("record {record} is registered, but its upload failed; run the same command again to resume")
        })?;
    bar.finish_and_clear();
    let total = started.elapsed();

    out.emit(
        serde_json::json!({
            "record": record,
            "owner": account.address(),
            "manager": address_of(&manager),
            "store": store.base(),
            "raw_hash": to_hex(&raw_hash),
            "content_hash": to_hex(&content_hash),
            "raw_len": raw.len(),
            "compressed_len": container.len(),
            "blob_len": blob.len(),
            "method": method_name(method),
            "registered_in_block": block,
            "uploaded": stored.created,
            "seconds": { "compress_seal": sealed_at.as_secs_f64(), "register": (registered_at - sealed_at).as_secs_f64(), "upload": (total - registered_at).as_secs_f64(), "total": total.as_secs_f64() },
        }),
        || {
            format!(
                "record {record}: {} bytes → {} compressed ({:.3}), sealed {} bytes, {} at {}",
                raw.len(),
                container.len(),
                container.len() as f64 / raw.len().max(1) as f64,
                blob.len(),
                if stored.created { "uploaded" } else { "already held" },
                store.base()
            )
        },
    );
    Ok(())
}

pub async fn get(args: GetArgs, out: &Output) -> Result<()> {
    let started = Instant::now();
    let account = args.account.load()?;
    if args.output.exists() && !args.force {
        bail!(
            "{} exists (use --force to overwrite)",
            args.output.display()
        );
    }
    let chain = Chain::connect(&args.node).await?;
    let record = chain.existing_record(args.record).await?;
    let location = String::from_utf8_lossy(&record.input.location).into_owned();
    let base = match &args.store {
        Some(url) => url.clone(),
        None if location.starts_with("http://") || location.starts_with("https://") => location,
        None => bail!(
            "record {} is kept at {location:?}, not in a store; if your node's worker holds it, \
             use `medchain records blob {}`",
            args.record,
            to_hex(&record.input.content_hash.0)
        ),
    };

    // The store decides first (403 without a live grant), then the key.
    let store = StoreClient::new(&base)?.expecting(record.input.manager.0);
    let bar = out.bytes("downloading", 0);
    let progress = bar.clone();
    let expected_len = record
        .input
        .compressed_len
        .saturating_add(medchain_crypto::ENVELOPE_OVERHEAD as u64);
    let blob = store
        .get_blob(&account, args.record, expected_len, move |total, n| {
            if let Some(total) = total {
                progress.set_length(total);
            }
            progress.inc(n);
        })
        .await?;
    bar.finish_and_clear();

    let content_hash = blake2_256(&blob);
    if content_hash != record.input.content_hash.0 {
        bail!(
            "record {}: the blob from {base} hashes to {}, the chain says {}: it was altered \
             or damaged; nothing written",
            args.record,
            to_hex(&content_hash),
            to_hex(&record.input.content_hash.0)
        );
    }
    let raw_hash = record.input.raw_hash.0;
    let key = if record.owner == account.id() {
        account.keys().data_key(&raw_hash)
    } else {
        let grant = chain
            .grant(args.record, &account.id())
            .await?
            .ok_or_else(|| anyhow!("no key was delivered to you for record {}", args.record))?;
        account
            .keys()
            .unwrap_key(
                &grant.wrapped_key,
                &KeyBinding {
                    record: args.record,
                    content_hash,
                },
            )
            .map_err(|e| {
                anyhow!(
                    "cannot open the key delivered for record {}: {e}",
                    args.record
                )
            })?
    };
    let container = open(&key, &raw_hash, &blob)
        .map_err(|e| anyhow!("cannot open record {}'s blob: {e}", args.record))?;
    let limit = usize::try_from(record.input.raw_len)
        .map_err(|_| anyhow!("record {} is too large for this machine", args.record))?;
    let dictionaries = crate::codec::dictionary::for_container(&chain, &container).await?;
    let raw = decompress_bytes(&container, limit, &dictionaries)?;
    if blake2_256(&raw) != raw_hash || raw.len() as u64 != record.input.raw_len {
        bail!(
            "record {}: the decompressed text does not match the chain's raw_hash and length; nothing written",
            args.record
        );
    }
    write_atomically(&args.output, &raw)?;
    out.emit(
        serde_json::json!({
            "record": args.record,
            "output": args.output,
            "raw_len": raw.len(),
            "raw_hash": to_hex(&raw_hash),
            "content_hash": to_hex(&content_hash),
            "verified": true,
            "seconds": started.elapsed().as_secs_f64(),
        }),
        || {
            format!(
                "record {}: {} bytes written to {} (content and raw hashes verified)",
                args.record,
                raw.len(),
                args.output.display()
            )
        },
    );
    Ok(())
}

/// The `CodecMethod` variant (by name, as the runtime's metadata has it) of a container.
fn method_name(method: medchain_lzw::Method) -> &'static str {
    match method {
        medchain_lzw::Method::Stored => "Stored",
        medchain_lzw::Method::Bytes => "Bytes",
        medchain_lzw::Method::Hanzi => "Hanzi",
        medchain_lzw::Method::PaperMixed => "PaperMixed",
        medchain_lzw::Method::Framed => "Framed",
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place, so a
/// failure never leaves half a record behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path)
        .map_err(|e| anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}
