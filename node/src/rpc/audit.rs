//! `medchain_auditLog(record, from?, limit?, at?, before?)`: a record's audited events
//! from the node's off-chain audit index, on any node that imported their blocks with
//! `--enable-offchain-indexing true` — a pruned one included, since the index is kept
//! apart from the state.
//!
//! The log is read at block `at` (default: the best block): `AccessApi.audit_trail`
//! there gives the record's head, how many events are indexed and the block of the last
//! one, and the walk back follows the chain from that block (see
//! `medchain_primitives::audit_index`), checking each entry against the head after it:
//! an entry of a retracted block is never served. Each event comes with where the walk
//! to the ones before it starts (`previousBlock`, `headBefore`), which a reader passes
//! back as `before` to read a long trail page by page from its end, each call costing
//! its page. The answer carries the head it was read against: a reader that folds the
//! whole trail (`records audit` does) and compares it with the state's head catches an
//! index that disagrees with the chain.
//!
//! A safe method: what it returns is public on the chain anyway. Its cost is bounded: at
//! most `MAX_PAGE` events per call, and a walk of at most `MAX_WALK` entries.

use std::sync::Arc;

use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use medchain_primitives::{
    audit_index::{self, header_identity, read_trail, AuditTrail, ReadError, WalkStart},
    AccessApi, RecordId,
};
use medchain_runtime::{apis::RequestOf, opaque::Block, AccountId};
use serde::{Deserialize, Serialize};
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::{
    offchain::{OffchainStorage, STORAGE_PREFIX},
    Bytes, H256,
};

/// The node keeps no index for the record's events (not started with
/// `--enable-offchain-indexing true` when it imported their blocks, or its runtime
/// predates the index).
const NOT_INDEXED: i32 = 9010;
/// The page starts too far from where the walk starts.
const TOO_DEEP: i32 = 9011;
/// The best chain kept moving while the log was read, or `at` is not on it.
const CHAIN_MOVING: i32 = 9012;
/// An index entry does not belong to the record's chain of heads.
const CORRUPT: i32 = 9013;

/// Events per call when no limit is given.
const DEFAULT_PAGE: u32 = 100;

/// A record's audited events, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLog {
    /// The block the log was read at.
    pub at: H256,
    pub at_number: u64,
    /// The record's audit head at that block: the fold of all its events.
    pub head: H256,
    /// How many of the record's events the index holds (sequence numbers `0..indexed`).
    pub indexed: u64,
    /// The page asked for.
    pub events: Vec<AuditLogEvent>,
}

/// One audited event and where it is on the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLogEvent {
    /// The event's place in the record's trail.
    pub seq: u64,
    pub block_number: u64,
    pub block_hash: H256,
    /// Its index among the block's events (`System.Events`).
    pub event_index: u32,
    /// The event as the runtime encodes it (`RuntimeEvent`: what the head folds).
    pub event: Bytes,
    /// The block of the record's previous event (`null` for the first indexed one).
    pub previous_block: Option<u64>,
    /// The record's head before this event.
    pub head_before: H256,
}

#[rpc(server)]
pub trait AuditApi {
    /// Events `from..from + limit` (default 0 and 100; at most 1,000) of `record`'s
    /// audit trail, read at block `at` (default: the best block), walking back from
    /// `before` (an event's `seq - 1`, `previousBlock` and `headBefore`) when given,
    /// else from the trail's last event.
    #[method(name = "medchain_auditLog", blocking)]
    fn audit_log(
        &self,
        record: RecordId,
        from: Option<u64>,
        limit: Option<u32>,
        at: Option<H256>,
        before: Option<WalkStartParam>,
    ) -> RpcResult<AuditLog>;
}

/// `before`, as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkStartParam {
    pub seq: u64,
    pub block: u64,
    pub head: H256,
}

/// `medchain_auditLog` over a client and the node's off-chain database.
pub struct Audit<C, S> {
    client: Arc<C>,
    /// `None` when the node keeps no off-chain database.
    storage: Option<S>,
}

impl<C, S> Audit<C, S> {
    pub fn new(client: Arc<C>, storage: Option<S>) -> Self {
        Self { client, storage }
    }
}

fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

fn internal(message: impl std::fmt::Display) -> ErrorObjectOwned {
    error(
        jsonrpsee::types::error::INTERNAL_ERROR_CODE,
        message.to_string(),
    )
}

impl<C, S> AuditApiServer for Audit<C, S>
where
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
    C::Api: AccessApi<Block, AccountId, RequestOf>,
    S: OffchainStorage + 'static,
{
    fn audit_log(
        &self,
        record: RecordId,
        from: Option<u64>,
        limit: Option<u32>,
        at: Option<H256>,
        before: Option<WalkStartParam>,
    ) -> RpcResult<AuditLog> {
        let storage = self.storage.as_ref().ok_or_else(|| {
            error(
                NOT_INDEXED,
                "this node keeps no off-chain database, so no audit index",
            )
        })?;
        let page = Page {
            record,
            from: from.unwrap_or(0),
            limit: limit.unwrap_or(DEFAULT_PAGE),
            before,
        };
        // At the best block, a reorganisation during the walk shows as a block missing
        // from the best chain or a best block no longer on it: read again on the new one.
        let tries = if at.is_some() { 1 } else { 3 };
        for _ in 0..tries {
            if let Some(log) = self.read(storage, &page, at)? {
                return Ok(log);
            }
        }
        Err(error(
            CHAIN_MOVING,
            match at {
                Some(at) => format!("block {at} left the best chain while the log was read"),
                None => "the best chain changed three times while the log was read".into(),
            },
        ))
    }
}

/// What a call asks for.
struct Page {
    record: RecordId,
    from: u64,
    limit: u32,
    before: Option<WalkStartParam>,
}

impl<C, S> Audit<C, S>
where
    C: ProvideRuntimeApi<Block> + HeaderBackend<Block>,
    C::Api: AccessApi<Block, AccountId, RequestOf>,
    S: OffchainStorage,
{
    /// Reads a page at `at` (default: the best block); `None` when `at` left the best
    /// chain meanwhile.
    fn read(&self, storage: &S, page: &Page, at: Option<H256>) -> RpcResult<Option<AuditLog>> {
        let at = at.unwrap_or_else(|| self.client.info().best_hash);
        let at_number = match self.client.number(at).map_err(internal)? {
            Some(number) if self.client.hash(number).ok().flatten() == Some(at) => number,
            Some(_) => return Ok(None),
            None => return Err(error(CHAIN_MOVING, format!("this node has no block {at}"))),
        };
        let trail = self.trail(at, page.record)?;
        let start = match page.before {
            Some(b) if b.seq < trail.indexed && b.block <= u64::from(at_number) => WalkStart {
                seq: b.seq,
                block: b.block,
                head: b.head,
            },
            Some(_) => {
                return Err(error(
                    jsonrpsee::types::error::INVALID_PARAMS_CODE,
                    "`before` names an event the trail does not have at `at`",
                ))
            }
            None => match WalkStart::end_of(&trail) {
                Some(start) => start,
                None => return Ok(Some(log(at, at_number, &trail, Vec::new()))),
            },
        };
        let hash_at = |n: u64| {
            u32::try_from(n)
                .ok()
                .filter(|n| *n <= at_number)
                .and_then(|n| self.client.hash(n).ok().flatten())
        };
        let identity_at = |n: u64| {
            let header = self.client.header(hash_at(n)?).ok().flatten()?;
            Some(header_identity(&header))
        };
        let get = |key: &[u8]| storage.get(STORAGE_PREFIX, key);
        let read = match read_trail(page.record, &start, page.from, page.limit, identity_at, get) {
            Ok(read) => read,
            // The chain moved under the walk, or the node lacks the header (a warp-sync gap).
            Err(ReadError::NoBlock { block }) => {
                if self.client.hash(at_number).ok().flatten() != Some(at) {
                    return Ok(None);
                }
                return Err(error(
                    NOT_INDEXED,
                    format!(
                        "this node has no header of block {block} (it skipped it by warp sync)"
                    ),
                ));
            }
            // The first entry is the one `before` names. If it is not there while the
            // trail's last one is, `before` is wrong; if neither is, nothing is indexed.
            Err(e @ (ReadError::Missing { seq, .. } | ReadError::Corrupt { seq }))
                if page.before.is_some_and(|b| b.seq == seq) =>
            {
                let last_indexed = WalkStart::end_of(&trail).is_some_and(|end| {
                    read_trail(page.record, &end, end.seq, 1, identity_at, get).is_ok()
                });
                if !last_indexed {
                    return Err(read_error(page.record, e));
                }
                return Err(error(
                    jsonrpsee::types::error::INVALID_PARAMS_CODE,
                    "`before` does not name an event of the trail (its block or head is wrong, \
                     or it was read at another block than `at`)",
                ));
            }
            Err(e) => return Err(read_error(page.record, e)),
        };
        let mut events = Vec::with_capacity(read.len());
        for read in read {
            let Some(block_hash) = hash_at(read.entry.block) else {
                return Ok(None);
            };
            events.push(AuditLogEvent {
                seq: read.seq,
                block_number: read.entry.block,
                block_hash,
                event_index: read.entry.event_index,
                event: read.entry.event.into(),
                previous_block: read.entry.previous_block,
                head_before: read.entry.head_before,
            });
        }
        // Every block read was on the best chain through `at` only if `at` still is on it.
        if self.client.hash(at_number).ok().flatten() != Some(at) {
            return Ok(None);
        }
        Ok(Some(log(at, at_number, &trail, events)))
    }

    /// The record's trail at `at`, from a runtime that keeps it (`AccessApi` v2).
    fn trail(&self, at: H256, record: RecordId) -> RpcResult<AuditTrail> {
        let api = self.client.runtime_api();
        let version = api
            .api_version::<dyn AccessApi<Block, AccountId, RequestOf>>(at)
            .map_err(internal)?;
        if version.unwrap_or(0) < 2 {
            return Err(error(
                NOT_INDEXED,
                "the chain's runtime keeps no audit index (AccessApi before version 2)",
            ));
        }
        api.audit_trail(at, record).map_err(internal)
    }
}

fn log(at: H256, at_number: u32, trail: &AuditTrail, events: Vec<AuditLogEvent>) -> AuditLog {
    AuditLog {
        at,
        at_number: at_number.into(),
        head: trail.head,
        indexed: trail.indexed,
        events,
    }
}

fn read_error(record: RecordId, e: ReadError) -> ErrorObjectOwned {
    match e {
        ReadError::Missing { seq, block } => error(
            NOT_INDEXED,
            format!(
                "this node holds no index entry for event {seq} of record {record} \
                 (block {block}): it imported that block without \
                 --enable-offchain-indexing true (or synced past it by warp or state sync)"
            ),
        ),
        ReadError::TooDeep { from, start } => error(
            TOO_DEEP,
            format!(
                "event {from} is more than {} events before event {start}, where the walk \
                 starts: read from the end, passing each page's first event as `before`",
                audit_index::MAX_WALK
            ),
        ),
        ReadError::Corrupt { seq } => error(
            CORRUPT,
            format!(
                "the index entry for event {seq} of record {record} does not belong to the \
                 record's chain of heads (a corrupt entry, or two blocks of the same slot)"
            ),
        ),
        // Read again by the caller, never reported.
        ReadError::NoBlock { block } => error(
            CHAIN_MOVING,
            format!("block {block} left the best chain while the log was read"),
        ),
    }
}
