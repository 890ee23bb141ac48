//! `records list` and `records audit`: what the chain knows about records.

use anyhow::{bail, Context, Result};
use clap::Args;
use medchain_store::protocol::to_hex;

use crate::{
    account::{address_of, parse_account},
    chain::{Chain, NodeArg, Record, RecordStatus, Registration},
    output::Output,
};

#[derive(Args)]
pub struct ListArgs {
    /// Only this owner's live records (SS58 address).
    #[arg(long, conflicts_with = "label")]
    owner: Option<String>,
    /// Only live records with this label.
    #[arg(long)]
    label: Option<String>,
    /// Start after this record id (the last one of the previous page).
    #[arg(long)]
    after: Option<u64>,
    /// At most this many records.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[command(flatten)]
    node: NodeArg,
}

#[derive(Args)]
pub struct AuditArgs {
    /// The record id.
    record: u64,
    /// Scan from this block (default: the block that registered the record). Older
    /// blocks need a node that keeps their state (`--state-pruning archive`).
    #[arg(long)]
    from_block: Option<u64>,
    #[command(flatten)]
    node: NodeArg,
}

pub async fn list(args: ListArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(&args.node.node).await?;
    let ids = match (&args.owner, &args.label) {
        (None, None) => {
            // The newest records first, whatever their owner or status.
            let next = chain.next_record_id().await?;
            let top = args.after.unwrap_or(next).min(next);
            (0..top).rev().take(args.limit as usize).collect()
        }
        (owner, label) => {
            let owner = owner.as_deref().map(parse_account).transpose()?;
            chain
                .record_ids(owner.as_ref(), label.as_deref(), args.after, args.limit)
                .await?
        }
    };
    let mut shown = 0;
    for id in ids {
        let Some(record) = chain.record(id).await? else {
            continue;
        };
        shown += 1;
        let registered = chain.registration(id).await?;
        out.emit(record_json(id, &record, registered), || {
            record_line(id, &record)
        });
    }
    if shown == 0 {
        eprintln!("medchain: no records");
    }
    Ok(())
}

pub async fn audit(args: AuditArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(&args.node.node).await?;
    // An unknown record is refused here, by name, before any scan.
    chain.existing_record(args.record).await?;
    let head_block = chain.finalized_number().await?;
    let from = match args.from_block {
        Some(block) => block,
        None => match chain.registration(args.record).await? {
            Registration {
                block: Some(block), ..
            } => block,
            // Registered before the chain kept the block: search by timestamp.
            Registration {
                at_ms: Some(at_ms), ..
            } => first_block_at(&chain, at_ms, head_block).await.context(
                "cannot find the record's registration block (a pruned node? see --from-block)",
            )?,
            Registration { .. } => bail!(
                "the node gives no registration time of record {}",
                args.record
            ),
        },
    };
    let bar = out.bytes("scanning", head_block.saturating_sub(from) + 1);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>12} [{bar:32}] block {pos}/{len} {eta}")
            .expect("a valid template"),
    );
    let mut log = Vec::new();
    for number in from..=head_block {
        let events = chain
            .record_events_at(args.record, number)
            .await
            .with_context(|| {
                format!("cannot read block {number}'s events (pruned state? use an archive node)")
            })?;
        log.extend(events);
        bar.inc(1);
    }
    bar.finish_and_clear();

    let mut head = [0u8; 32];
    for event in &log {
        head = blake2_concat(&head, &event.encoded);
    }
    let on_chain = chain.audit_head_at(args.record, head_block).await?.0;
    let matches = head == on_chain;
    for event in &log {
        out.emit(
            serde_json::json!({
                "block": event.block,
                "event": format!("{}.{}", event.pallet, event.name),
                "fields": event.fields.to_string(),
                "scale": to_hex(&event.encoded),
            }),
            || {
                format!(
                    "#{:<8} {}.{} {}",
                    event.block, event.pallet, event.name, event.fields
                )
            },
        );
    }
    out.emit(
        serde_json::json!({
            "record": args.record,
            "blocks": [from, head_block],
            "events": log.len(),
            "computed_head": to_hex(&head),
            "on_chain_head": to_hex(&on_chain),
            "matches": matches,
        }),
        || {
            format!(
                "record {}: {} operations in blocks {from}..={head_block}; audit head {} {} on-chain {}",
                args.record,
                log.len(),
                to_hex(&head),
                if matches { "==" } else { "!=" },
                to_hex(&on_chain)
            )
        },
    );
    if !matches {
        bail!(
            "the exported history does not match record {}'s audit head",
            args.record
        );
    }
    Ok(())
}

/// The first block whose timestamp is at least `at` (ms), by binary search.
async fn first_block_at(chain: &Chain, at: u64, head: u64) -> Result<u64> {
    let (mut low, mut high) = (1u64, head.max(1));
    while low < high {
        let middle = low + (high - low) / 2;
        if chain.timestamp_at(middle).await? >= at {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    Ok(low)
}

fn blake2_concat(head: &[u8; 32], operation: &[u8]) -> [u8; 32] {
    medchain_crypto::blake2_256(&[head.as_slice(), operation].concat())
}

fn status_name(status: &RecordStatus) -> String {
    match status {
        RecordStatus::Live => "live".into(),
        RecordStatus::Superseded { by } => format!("superseded by {by}"),
        RecordStatus::Retracted => "retracted".into(),
    }
}

fn labels(record: &Record) -> Vec<String> {
    record
        .input
        .labels
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

fn record_json(id: u64, record: &Record, registered: Registration) -> serde_json::Value {
    serde_json::json!({
        "record": id,
        "owner": address_of(&record.owner),
        "manager": address_of(&record.input.manager),
        "status": status_name(&record.status),
        "labels": labels(record),
        "raw_len": record.input.raw_len,
        "compressed_len": record.input.compressed_len,
        "method": format!("{:?}", record.input.codec.method),
        "dictionary": record.input.codec.dictionary.map(|d| to_hex(&d.0)),
        "raw_hash": to_hex(&record.input.raw_hash.0),
        "content_hash": to_hex(&record.input.content_hash.0),
        "location": String::from_utf8_lossy(&record.input.location),
        "previous": record.previous,
        "registered_at_ms": registered.at_ms,
        "registered_block": registered.block,
    })
}

fn record_line(id: u64, record: &Record) -> String {
    format!(
        "{id:>6}  {:<10} {:>9} B → {:>9} B  [{}]  owner {}  {}",
        status_name(&record.status),
        record.input.raw_len,
        record.input.compressed_len,
        labels(record).join(", "),
        address_of(&record.owner),
        String::from_utf8_lossy(&record.input.location)
    )
}
