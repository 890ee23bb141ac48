//! `records put` and `records get`: the paper's data path, end to end.

use std::{fs, path::PathBuf, time::Instant};

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use clap::Args;
use medchain_crypto::{DataKey, KeyBinding};
use medchain_lzw::{Dictionary, Options};
use medchain_record::{open_record, seal_record, OpenError, RecordFacts, SealedRecord};
use medchain_store::{protocol::to_hex, StoreClient};
use subxt::{
    dynamic::{self, Value},
    utils::{AccountId32, H256},
};

use crate::{
    account::{address_of, Account, AccountArgs},
    chain::{call, CallDataArg, Chain, NodeArg, Record},
    codec::{dictionary::load_one, CodecArgs},
    files::{AtomicFile, Replace},
    output::Output,
};

/// How a record's text is compressed and sealed: the same for `put` and `commitments`.
#[derive(Args)]
pub struct SealArgs {
    /// The record's text (UTF-8 or GBK, as the codec takes it).
    file: PathBuf,
    /// The primed dictionary: `auto` (the chain's newest active dictionary of the text's
    /// language, as the node's worker picks it; used only when it makes the record
    /// smaller), `none`, or a dictionary file that the chain has registered.
    #[arg(long = "dict", value_name = "auto|none|FILE", value_parser = parse_dict, default_value = "auto")]
    dict: DictChoice,
    #[command(flatten)]
    codec: CodecArgs,
    /// The record's owner: its secret derives the record's commitment and data keys.
    #[command(flatten)]
    account: AccountArgs,
    #[command(flatten)]
    node: NodeArg,
}

#[derive(Args)]
pub struct PutArgs {
    #[command(flatten)]
    seal: SealArgs,
    /// A search label (repeat for several): department, ICD code, language…
    #[arg(long = "label")]
    labels: Vec<String>,
    /// The data manager's store (e.g. http://127.0.0.1:8700); the record names the
    /// store's manager account and this URL as its location.
    #[arg(long, value_name = "URL")]
    store: String,
    #[command(flatten)]
    send: CallDataArg,
}

/// A record's text, compressed and sealed, ready to register.
struct Prepared {
    account: Account,
    chain: Chain,
    raw: Vec<u8>,
    sealed: SealedRecord,
}

/// Reads, compresses (with the dictionary `args` choose) and seals a record's text.
async fn prepare(args: &SealArgs, out: &Output) -> Result<Prepared> {
    let account = args.account.load()?;
    let chain = Chain::connect(&args.node.node).await?;
    let raw =
        fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let options = args.codec.options();
    let dictionary = choose_dictionary(&chain, &args.dict, &raw, &options).await?;
    let step = out.step("compressing and sealing");
    let sealed = seal_record(
        account.keys().data_root(),
        &raw,
        &options,
        dictionary.as_ref(),
    )?;
    step.finish_and_clear();
    Ok(Prepared {
        account,
        chain,
        raw,
        sealed,
    })
}

/// The `input` of `MedicalRecords.register_record` for a prepared record.
fn register_input(
    sealed: &SealedRecord,
    labels: &[String],
    location: &str,
    manager: &AccountId32,
) -> Value {
    Value::named_composite([
        ("raw_hash", call::bytes(sealed.raw_hash)),
        ("content_hash", call::bytes(sealed.content_hash)),
        ("raw_len", call::u64(sealed.raw_len)),
        ("compressed_len", call::u64(sealed.compressed_len)),
        (
            "codec",
            Value::named_composite([
                (
                    "method",
                    Value::unnamed_variant(method_name(sealed.method), []),
                ),
                (
                    "dictionary",
                    call::option(sealed.dictionary.map(call::bytes)),
                ),
            ]),
        ),
        (
            "labels",
            Value::unnamed_composite(labels.iter().map(call::bytes)),
        ),
        ("location", call::bytes(location)),
        ("manager", call::bytes(manager.0)),
    ])
}

#[derive(Args)]
pub struct CommitmentsArgs {
    #[command(flatten)]
    seal: SealArgs,
}

/// Prints what `register_record` needs of a text, as `put` would compute it, for
/// Polkadot.js Apps' form; nothing is sent or stored.
pub async fn commitments(args: CommitmentsArgs, out: &Output) -> Result<()> {
    let Prepared { raw, sealed, .. } = prepare(&args.seal, out).await?;
    let (raw_hash, content_hash) = (to_hex(&sealed.raw_hash), to_hex(&sealed.content_hash));
    let dictionary = sealed.dictionary.map(|id| to_hex(&id));
    out.emit(
        serde_json::json!({
            "file": args.seal.file.display().to_string(),
            "raw_hash": raw_hash,
            "content_hash": content_hash,
            "raw_len": raw.len(),
            "compressed_len": sealed.compressed_len,
            "blob_len": sealed.blob.len(),
            "method": method_name(sealed.method),
            "dictionary": dictionary,
        }),
        || {
            format!(
                "raw_hash        {raw_hash}\ncontent_hash    {content_hash}\nraw_len         {}\n\
                 compressed_len  {}\ncodec.method    {}\ncodec.dictionary {}\n\
                 (the sealed blob is {} bytes; `medchain records put` uploads it once the record is registered)",
                raw.len(),
                sealed.compressed_len,
                method_name(sealed.method),
                dictionary.as_deref().unwrap_or("None"),
                sealed.blob.len(),
            )
        },
    );
    Ok(())
}

/// Which primed dictionary `records put` offers the codec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DictChoice {
    /// The chain's newest active dictionary of the text's language.
    Auto,
    /// None.
    None,
    /// This file (the chain must have registered it).
    File(PathBuf),
}

fn parse_dict(text: &str) -> Result<DictChoice, String> {
    Ok(match text {
        "auto" => DictChoice::Auto,
        "none" => DictChoice::None,
        "" => return Err("give auto, none or a dictionary file".into()),
        path => DictChoice::File(PathBuf::from(path)),
    })
}

/// The dictionary to offer for `raw`: only ones the chain has registered, since the
/// chain refuses a record naming any other.
async fn choose_dictionary(
    chain: &Chain,
    choice: &DictChoice,
    raw: &[u8],
    options: &Options,
) -> Result<Option<Dictionary>> {
    match choice {
        DictChoice::None => Ok(None),
        DictChoice::Auto => {
            let language = medchain_record::language_of(raw, options);
            match chain.active_dictionary(language).await? {
                Some(id) => Ok(Some(registered_dictionary(chain, &id).await?)),
                None => Ok(None),
            }
        }
        DictChoice::File(path) => {
            let dictionary = load_one(path)?;
            let id = H256(dictionary.id());
            if chain.dictionary_bytes(&id).await?.is_none() {
                bail!(
                    "{} (dictionary {id:?}) is not registered on this chain, which refuses \
                     records naming it; use --dict auto or none, or ask the council to register it",
                    path.display()
                );
            }
            Ok(Some(dictionary))
        }
    }
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
    #[arg(long, value_name = "URL")]
    store: Option<String>,
    #[command(flatten)]
    account: AccountArgs,
    #[command(flatten)]
    node: NodeArg,
}

pub async fn put(args: PutArgs, out: &Output) -> Result<()> {
    let started = Instant::now();
    let Prepared {
        account,
        chain,
        raw,
        mut sealed,
    } = prepare(&args.seal, out).await?;
    let store = StoreClient::new(&args.store)?;
    let info = store
        .info()
        .await
        .with_context(|| format!("cannot reach the store at {}", args.store))?;
    let manager = medchain_store::protocol::from_hex::<32>(&info.manager)
        .map(AccountId32)
        .ok_or_else(|| anyhow!("the store sent a malformed manager account"))?;
    let (raw_hash, content_hash) = (sealed.raw_hash, sealed.content_hash);
    let method = sealed.method;
    let blob = Bytes::from(std::mem::take(&mut sealed.blob));
    let sealed_at = started.elapsed();
    if blob.len() as u64 > info.max_blob_bytes {
        bail!(
            "the sealed record is {} bytes; the store at {} takes at most {}",
            blob.len(),
            args.store,
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
                     (other codec options or dictionary?); get it with `medchain records get {id}`"
                );
            }
            if args.send.call_data {
                bail!(
                    "this text is registered already as record {id}: run the command without \
                     --call-data to upload it"
                );
            }
            (id, None)
        }
        None => {
            let input = register_input(&sealed, &args.labels, store.base(), &manager);
            let register = dynamic::tx("MedicalRecords", "register_record", vec![input]);
            if args.send.call_data {
                // Registered from Apps; the same command without --call-data then uploads.
                return chain.print_call(&register, Some(&account), out).await;
            }
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
            "compressed_len": sealed.compressed_len,
            "blob_len": blob.len(),
            "method": method_name(method),
            "dictionary": sealed.dictionary.map(|id| to_hex(&id)),
            "registered_in_block": block,
            "uploaded": stored.created,
            "seconds": { "compress_seal": sealed_at.as_secs_f64(), "register": (registered_at - sealed_at).as_secs_f64(), "upload": (total - registered_at).as_secs_f64(), "total": total.as_secs_f64() },
        }),
        || {
            format!(
                "record {record}: {} bytes → {} compressed ({:.3}{}), sealed {} bytes, {} at {}",
                raw.len(),
                sealed.compressed_len,
                sealed.compressed_len as f64 / raw.len().max(1) as f64,
                if sealed.dictionary.is_some() { ", primed" } else { "" },
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
    // Refuse an existing file before downloading anything.
    let file = AtomicFile::create(&args.output, Replace::WithForce(args.force))?;
    let chain = Chain::connect(&args.node.node).await?;
    let record = chain.existing_record(args.record).await?;
    let location = String::from_utf8_lossy(&record.input.location).into_owned();
    let base = match &args.store {
        Some(url) => url.clone(),
        None if location.starts_with("http://") || location.starts_with("https://") => location,
        None => bail!(
            "record {} is kept at {location:?}, not in a store; if your node's worker holds it, \
             use `medchain records blob {}`",
            args.record,
            args.record
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

    let raw = open_blob(&chain, Some(&account), args.record, &record, &blob, &base).await?;
    let (raw_hash, content_hash) = (record.input.raw_hash.0, record.input.content_hash.0);
    file.write_and_commit(&raw)?;
    out.emit(
        serde_json::json!({
            "record": args.record,
            "output": args.output.display().to_string(),
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

/// The text of record `id` from `blob` (fetched from `source`), checked against the
/// chain: a sealed blob opened with `account`'s key for it (the owner's own, or the one
/// delivered to a demander), or a bare container that a node's worker kept before
/// records were sealed. Fails, naming the fault, on anything else.
pub(super) async fn open_blob(
    chain: &Chain,
    account: Option<&Account>,
    id: u64,
    record: &Record,
    blob: &[u8],
    source: &str,
) -> Result<Vec<u8>> {
    let facts = RecordFacts {
        raw_hash: record.input.raw_hash.0,
        content_hash: record.input.content_hash.0,
        raw_len: record.input.raw_len,
    };
    let dictionaries = match record.input.codec.dictionary {
        Some(id) => vec![registered_dictionary(chain, &id).await?],
        None => Vec::new(),
    };
    let refs: Vec<&Dictionary> = dictionaries.iter().collect();
    let opened = if medchain_record::is_sealed(blob) {
        let account = account.ok_or_else(|| {
            anyhow!(
                "record {id}'s blob is sealed: give --suri or --key-file (its owner, or a \
                 demander it was delivered to)"
            )
        })?;
        let key = data_key_for(chain, account, id, record, &facts).await?;
        open_record(&key, &facts, blob, &refs)
    } else {
        medchain_record::open_bare_record(&facts, blob, &refs)
    };
    opened.map_err(|e| match e {
        OpenError::ContentMismatch => anyhow!(
            "record {id}: the blob from {source} hashes to {}, the chain says {}: it was \
             altered or damaged; nothing written",
            to_hex(&medchain_record::blake2_256(blob)),
            to_hex(&facts.content_hash)
        ),
        OpenError::RawMismatch => anyhow!(
            "record {id}: the decompressed text does not match the chain's raw_hash and \
             length; nothing written"
        ),
        other => anyhow!("cannot open record {id}'s blob: {other}; nothing written"),
    })
}

/// `account`'s data key of record `id`: derived by its owner, unwrapped from the grant
/// by a demander.
async fn data_key_for(
    chain: &Chain,
    account: &Account,
    id: u64,
    record: &Record,
    facts: &RecordFacts,
) -> Result<DataKey> {
    if record.owner == account.id() {
        return Ok(account.keys().data_root().data_key(&facts.raw_hash));
    }
    let grant = chain
        .grant(id, &account.id())
        .await?
        .ok_or_else(|| anyhow!("no key was delivered to you for record {id}"))?;
    account
        .keys()
        .unwrap_key(
            &grant.wrapped_key,
            &KeyBinding {
                record: id,
                content_hash: facts.content_hash,
            },
        )
        .map_err(|e| anyhow!("cannot open the key delivered for record {id}: {e}"))
}

/// The registered dictionary `id`, from the chain (checked against its id).
async fn registered_dictionary(chain: &Chain, id: &H256) -> Result<Dictionary> {
    let bytes = chain.dictionary_bytes(id).await?.ok_or_else(|| {
        anyhow!("the record names dictionary {id:?}, which the chain has not registered")
    })?;
    let dictionary = Dictionary::from_bytes(&bytes)
        .with_context(|| format!("the chain's dictionary {id:?} is not a dictionary"))?;
    if dictionary.id() != id.0 {
        bail!("the chain's dictionary {id:?} does not hash to its id");
    }
    Ok(dictionary)
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
