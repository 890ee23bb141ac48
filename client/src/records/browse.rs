//! `records list`: what the chain knows about records.

use anyhow::Result;
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
