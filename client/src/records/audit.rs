//! `records audit RECORD`: a record's on-chain history, checked against its audit head.
//!
//! The history comes from the node's off-chain audit index (`medchain_auditLog`), read
//! at the finalized block from the trail's end back: one call per thousand events, on
//! any node that imported the blocks with `--enable-offchain-indexing true`, pruned ones
//! included. Where the node has no index (started without the flag, a parachain
//! collator, events from before the index), the command says so and scans the blocks
//! instead: one call per block since the record's registration, which needs a node that
//! keeps those blocks' state. Either way the history is folded and compared with
//! `AccessApi.audit_head` from the node's state, so an index or an event list that
//! leaves out, adds or alters an event is caught. (A node that lies about its state as
//! well is not: as for every answer of a node, trust the node you ask, or ask several.)

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use medchain_store::protocol::to_hex;
use subxt::{
    dynamic::{runtime_api_call, Value},
    ext::scale_decode::DecodeAsType,
    utils::H256,
};

use crate::{
    chain::{AuditEvent, Chain, NodeArg, Registration},
    output::Output,
};

/// Events per `medchain_auditLog` call (the node's most).
const PAGE: u32 = 1_000;

#[derive(Args)]
pub struct AuditArgs {
    /// The record id.
    record: u64,
    /// Scan the blocks from this one (default: the block that registered the record)
    /// instead of reading the node's audit index. Older blocks need a node that keeps
    /// their state (`--state-pruning archive`).
    #[arg(long)]
    from_block: Option<u64>,
    #[command(flatten)]
    node: NodeArg,
}

/// A record's history, read one way or the other, and the head to check it against.
pub(crate) struct History {
    pub(crate) events: Vec<Exported>,
    /// `index` or `scan`.
    source: &'static str,
    /// The blocks it covers.
    blocks: (u64, u64),
    /// `AccessApi.audit_head` at the last of them.
    on_chain: [u8; 32],
}

impl History {
    /// Whether the events fold to the head in the node's state.
    pub(crate) fn matches(&self) -> bool {
        let folded = self
            .events
            .iter()
            .fold([0u8; 32], |head, e| blake2_concat(&head, &e.event.encoded));
        folded == self.on_chain
    }
}

pub(crate) struct Exported {
    pub(crate) event: AuditEvent,
    /// Where the index put it: (sequence number, block hash, index among its events).
    indexed: Option<(u64, [u8; 32], u32)>,
}

pub async fn audit(args: AuditArgs, out: &Output) -> Result<()> {
    let chain = Chain::connect(&args.node.node).await?;
    // An unknown record is refused here, by name, before any read.
    chain.existing_record(args.record).await?;
    let history = history(&chain, args.record, args.from_block, out).await?;
    report(args.record, &history, out)
}

/// A record's history from the node's audit index, or (where the node has none, or from
/// `from_block`) by scanning the blocks, with the head to check it against.
pub(crate) async fn history(
    chain: &Chain,
    record: u64,
    from_block: Option<u64>,
    out: &Output,
) -> Result<History> {
    Ok(match from_block {
        Some(from) => scan(chain, record, Some(from), out).await?,
        None => match indexed(chain, record).await {
            Ok(history) => history,
            Err(IndexMiss::Unavailable(why)) => {
                eprintln!(
                    "medchain: warning: the node's audit index cannot give record {record}'s \
                     history ({why}); scanning the blocks instead (one call per block; \
                     pruned blocks fail)"
                );
                scan(chain, record, None, out).await?
            }
            Err(IndexMiss::Failed(e)) => return Err(e.context("reading the node's audit index")),
        },
    })
}

/// `AccessApi.audit_trail`: the record's head, how many of its events the index holds
/// and the block of the last.
#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
struct AuditTrail {
    head: H256,
    indexed: u64,
    last_block: Option<u64>,
}

/// A page of `medchain_auditLog` (see the node's `rpc::audit`).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogPage {
    events: Vec<LogEvent>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogEvent {
    seq: u64,
    block_number: u64,
    block_hash: H256,
    event_index: u32,
    event: sp_core::Bytes,
    previous_block: Option<u64>,
    head_before: H256,
}

impl LogEvent {
    /// Where the walk to the events before this one starts (`medchain_auditLog`'s
    /// `before`), or `None` for the first.
    fn before(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({
            "seq": self.seq.checked_sub(1)?,
            "block": self.previous_block?,
            "head": self.head_before,
        }))
    }
}

/// Why the index gave no history: it cannot (scan instead), or it gave a wrong one.
enum IndexMiss {
    /// No index on this node or runtime, or the record has events from before it.
    Unavailable(String),
    /// The node answered an inconsistent history, or failed otherwise.
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for IndexMiss {
    fn from(e: anyhow::Error) -> Self {
        Self::Failed(e)
    }
}

/// JSON-RPC errors that mean "no index here": the node's 9010, or no such method (a
/// node without MedChain's RPC, such as a parachain collator).
fn index_unavailable(e: &subxt::rpcs::Error) -> Option<String> {
    match e {
        subxt::rpcs::Error::User(user) if user.code == 9010 || user.code == -32601 => {
            Some(user.message.clone())
        }
        _ => None,
    }
}

/// `ensure!` for [`indexed`]: an inconsistent answer is a failure, not a reason to scan.
fn check(condition: bool, why: impl std::fmt::Display) -> Result<(), IndexMiss> {
    if condition {
        Ok(())
    } else {
        Err(IndexMiss::Failed(anyhow!("{why}")))
    }
}

/// The history from the node's audit index at the finalized block, read from its end
/// back a page at a time (each call costs its page), if it is the whole history.
async fn indexed(chain: &Chain, record: u64) -> Result<History, IndexMiss> {
    let at = chain
        .online()
        .at_current_block()
        .await
        .map_err(anyhow::Error::from)?;
    let (hash, number) = (at.block_hash(), at.block_number());
    let trail: AuditTrail = at
        .runtime_apis()
        .call(runtime_api_call::<_, AuditTrail>(
            "AccessApi",
            "audit_trail",
            (record,),
        ))
        .await
        .map_err(|_| IndexMiss::Unavailable("the chain's runtime keeps no audit index".into()))?;
    if trail.indexed == 0 && !trail.head.is_zero() {
        return Err(IndexMiss::Unavailable(
            "the record's events all predate the index".into(),
        ));
    }
    let mut items: Vec<LogEvent> = Vec::new();
    let mut before = trail
        .last_block
        .zip(trail.indexed.checked_sub(1))
        .map(|(block, seq)| serde_json::json!({ "seq": seq, "block": block, "head": trail.head }));
    while let Some(point) = before {
        let last = point["seq"].as_u64().unwrap_or_default();
        let from = last.saturating_sub(u64::from(PAGE) - 1);
        let page: LogPage = chain
            .raw_rpc()
            .request(
                "medchain_auditLog",
                subxt::rpcs::rpc_params![record, from, PAGE, hash, point],
            )
            .await
            .map_err(|e| match index_unavailable(&e) {
                Some(why) => IndexMiss::Unavailable(why),
                None => IndexMiss::Failed(e.into()),
            })?;
        check(
            page.events.iter().map(|e| e.seq).eq(from..=last),
            format!("the node answered another page than events {from}..={last}"),
        )?;
        before = page.events.first().and_then(LogEvent::before);
        items.splice(0..0, page.events);
    }
    check(
        items.len() as u64 == trail.indexed,
        format!(
            "the node's index holds {} of the {} events it counts",
            items.len(),
            trail.indexed
        ),
    )?;
    if let Some(first) = items.first().filter(|e| !e.head_before.is_zero()) {
        return Err(IndexMiss::Unavailable(format!(
            "the index holds the record's events from block {} on; those before predate it",
            first.block_number
        )));
    }
    let on_chain = chain.audit_head_at(record, number).await?.0;
    let metadata = at.metadata();
    let ty = metadata.outer_enums().event_enum_ty();
    let mut events = Vec::with_capacity(items.len());
    let mut head = [0u8; 32];
    for item in items {
        head = blake2_concat(&head, &item.event);
        let decoded = match decode_event(&item.event, ty, metadata.types()) {
            Ok(decoded) => Ok(decoded),
            // An event of an older runtime (a field added since): read it with the
            // metadata of its block, where the node still has that block's state.
            Err(e) => decode_as_of(chain, item.block_number, &item.event)
                .await
                .ok_or(e),
        };
        // An event no metadata can read still counts in the fold.
        let (pallet, name, fields) = decoded
            .unwrap_or_else(|e| ("?".into(), format!("({e})"), Value::unnamed_composite([])));
        events.push(Exported {
            event: AuditEvent {
                block: item.block_number,
                pallet,
                name,
                fields,
                encoded: item.event.to_vec(),
            },
            indexed: Some((item.seq, item.block_hash.0, item.event_index)),
        });
    }
    check(
        head == on_chain,
        format!(
            "its {} events do not fold to the record's audit head",
            events.len()
        ),
    )?;
    let first = events.first().map_or(number, |e| e.event.block);
    Ok(History {
        events,
        source: "index",
        blocks: (first, number),
        on_chain,
    })
}

/// An event decoded with the metadata of the runtime of block `number`, if the node can
/// still give it.
async fn decode_as_of(chain: &Chain, number: u64, event: &[u8]) -> Option<(String, String, Value)> {
    let at = chain.online().at_block(number).await.ok()?;
    let metadata = at.metadata();
    decode_event(
        event,
        metadata.outer_enums().event_enum_ty(),
        metadata.types(),
    )
    .ok()
}

/// `Pallet(Event { fields })`, an event as the runtime encodes it, as (pallet, event,
/// fields).
fn decode_event<R>(mut encoded: &[u8], ty: u32, types: &R) -> Result<(String, String, Value)>
where
    R: subxt::ext::scale_type_resolver::TypeResolver<TypeId = u32>,
{
    use subxt::ext::scale_value::{scale::decode_as_type, Composite, ValueDef};
    let value = decode_as_type(&mut encoded, ty, types).map_err(|e| anyhow!("{e}"))?;
    // Bytes left over: an event of another layout that happened to decode.
    if !encoded.is_empty() {
        bail!("{} bytes left after the event", encoded.len());
    }
    let variant = |value: subxt::ext::scale_value::Value<u32>| match value.value {
        ValueDef::Variant(v) => Some((v.name, v.values)),
        _ => None,
    };
    let (pallet, inner) = variant(value).ok_or_else(|| anyhow!("not an event"))?;
    let inner = match inner {
        Composite::Unnamed(mut values) if values.len() == 1 => values.remove(0),
        _ => bail!("not an event of {pallet}"),
    };
    let (name, fields) = variant(inner).ok_or_else(|| anyhow!("not an event of {pallet}"))?;
    let fields = Value {
        value: ValueDef::Composite(fields.map_context(|_| ())),
        context: (),
    };
    Ok((pallet, name, fields))
}

/// The history by reading every block's events from `from` (default: the record's
/// registration) to the finalized block.
async fn scan(chain: &Chain, record: u64, from: Option<u64>, out: &Output) -> Result<History> {
    let head_block = chain.finalized_number().await?;
    let from = match from {
        Some(block) => block,
        None => registration_block(chain, record, head_block).await?,
    };
    let bar = out.bytes("scanning", head_block.saturating_sub(from) + 1);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>12} [{bar:32}] block {pos}/{len} {eta}")
            .expect("a valid template"),
    );
    let mut events = Vec::new();
    for number in from..=head_block {
        let found = chain
            .record_events_at(record, number)
            .await
            .with_context(|| {
                format!("cannot read block {number}'s events (pruned state? use an archive node)")
            })?;
        events.extend(found.into_iter().map(|event| Exported {
            event,
            indexed: None,
        }));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let on_chain = chain.audit_head_at(record, head_block).await?.0;
    Ok(History {
        events,
        source: "scan",
        blocks: (from, head_block),
        on_chain,
    })
}

async fn registration_block(chain: &Chain, record: u64, head_block: u64) -> Result<u64> {
    match chain.registration(record).await? {
        Registration {
            block: Some(block), ..
        } => Ok(block),
        // Registered before the chain kept the block: search by timestamp.
        Registration {
            at_ms: Some(at_ms), ..
        } => first_block_at(chain, at_ms, head_block).await.context(
            "cannot find the record's registration block (a pruned node? see --from-block)",
        ),
        Registration { .. } => bail!("the node gives no registration time of record {record}"),
    }
}

/// Prints the history and the check; fails when it does not fold to the head.
fn report(record: u64, history: &History, out: &Output) -> Result<()> {
    let mut head = [0u8; 32];
    for Exported { event, indexed } in &history.events {
        head = blake2_concat(&head, &event.encoded);
        let mut json = serde_json::json!({
            "block": event.block,
            "event": format!("{}.{}", event.pallet, event.name),
            "fields": event.fields.to_string(),
            "scale": to_hex(&event.encoded),
        });
        if let Some((seq, block_hash, event_index)) = indexed {
            json["seq"] = (*seq).into();
            json["block_hash"] = to_hex(block_hash).into();
            json["event_index"] = (*event_index).into();
        }
        out.emit(json, || {
            format!(
                "#{:<8} {}.{} {}",
                event.block, event.pallet, event.name, event.fields
            )
        });
    }
    let matches = head == history.on_chain;
    let (from, to) = history.blocks;
    out.emit(
        serde_json::json!({
            "record": record,
            "source": history.source,
            "blocks": [from, to],
            "events": history.events.len(),
            "computed_head": to_hex(&head),
            "on_chain_head": to_hex(&history.on_chain),
            "matches": matches,
        }),
        || {
            format!(
                "record {record}: {} operations in blocks {from}..={to} (from the {}); \
                 audit head {} {} on-chain {}",
                history.events.len(),
                if history.source == "index" {
                    "node's audit index"
                } else {
                    "blocks"
                },
                to_hex(&head),
                if matches { "==" } else { "!=" },
                to_hex(&history.on_chain)
            )
        },
    );
    if !matches {
        bail!("the exported history does not match record {record}'s audit head");
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
