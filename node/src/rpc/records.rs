//! `medchain_*` RPC methods: the operator's door to this node's off-chain worker.
//!
//! - `medchain_submitRaw(raw, labels, location?, manager)` queues a raw record in the
//!   node's persistent off-chain storage; the worker compresses and registers it.
//! - `medchain_getBlob(contentHash)` returns a compressed blob the node holds.
//! - `medchain_queue()` shows the queue: each item's slot, size, labels and progress.
//! - `medchain_dropQueued(slot)` asks the worker to drop a record at its next run (one
//!   that cannot register, or is not wanted any more).
//!
//! All four are unsafe RPC: the raw text and the blobs are the patient's data, so they
//! are served only where unsafe methods are (by default the node's localhost listener;
//! `--rpc-methods safe` turns them off, `--rpc-methods unsafe` exposes them).

use std::sync::{Arc, Mutex};

use codec::Decode;
use jsonrpsee::{
    core::RpcResult,
    proc_macros::rpc,
    types::{error::ErrorObject, ErrorObjectOwned},
    Extensions,
};
use medchain_primitives::offchain::{
    blob_key, enqueue, queue_item_key, queue_state_key, request_drop, ItemState, QueueMeta,
    QueuedItem, QueuedRecord, QUEUE_META_KEY,
};
use serde::{Deserialize, Serialize};
use sp_core::{
    offchain::{OffchainStorage, STORAGE_PREFIX},
    Bytes, H256,
};

/// Bytes given as hex (`0x` optional) with an even number of digits.
///
/// `sp_core::Bytes` reads `"0xabc"` as `0a bc`, padding a nibble: the node would queue
/// text the operator did not send. A malformed text is refused (-32602) instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictHex(pub Vec<u8>);

impl std::str::FromStr for StrictHex {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let digits = text.strip_prefix("0x").unwrap_or(text).as_bytes();
        if let Some(at) = digits.iter().position(|d| !d.is_ascii_hexdigit()) {
            return Err(format!("invalid hex character at position {at}"));
        }
        if digits.len() % 2 != 0 {
            return Err(format!(
                "an odd number of hex digits ({}): each byte takes two",
                digits.len()
            ));
        }
        let nibble = |d: u8| (d as char).to_digit(16).unwrap_or(0) as u8;
        Ok(Self(
            digits
                .chunks_exact(2)
                .map(|pair| (nibble(pair[0]) << 4) | nibble(pair[1]))
                .collect(),
        ))
    }
}

impl<'de> Deserialize<'de> for StrictHex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Error codes of the `medchain_*` methods.
const INVALID_RECORD: i32 = 9001;
const STORAGE_UNAVAILABLE: i32 = 9002;

/// What `medchain_submitRaw` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    /// The record's slot in the queue.
    pub slot: u64,
    /// blake2-256 of the raw text: `RecordRegistered.raw_hash` once registered.
    pub raw_hash: H256,
    /// Items in the queue now, this one included.
    pub queued: u64,
}

/// One item of `medchain_queue`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    pub slot: u64,
    pub raw_len: u64,
    pub labels: Vec<String>,
    /// `queued` (not compressed yet), `prepared` (compressed, not submitted),
    /// `submitted`, `registered` (on-chain, leaves the queue after a few blocks) or
    /// `stalled` (registrations failed; see the node's log, then drop it).
    pub state: String,
    /// Registrations submitted so far.
    pub attempts: u8,
    /// The record, once registered.
    pub record: Option<u64>,
    pub raw_hash: Option<H256>,
    pub content_hash: Option<H256>,
    pub compressed_len: Option<u64>,
    /// Block the registration was submitted at.
    pub submitted_at: Option<u32>,
}

/// What `medchain_queue` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueStatus {
    pub head: u64,
    pub tail: u64,
    pub bytes: u64,
    pub items: Vec<QueueItem>,
}

#[rpc(server)]
pub trait RecordsApi<AccountId> {
    /// Queues a raw record for this node's off-chain worker.
    #[method(name = "medchain_submitRaw", with_extensions)]
    fn submit_raw(
        &self,
        raw: StrictHex,
        labels: Vec<String>,
        location: Option<String>,
        manager: AccountId,
    ) -> RpcResult<Queued>;

    /// A compressed blob this node holds, by its `content_hash`.
    #[method(name = "medchain_getBlob", with_extensions)]
    fn get_blob(&self, content_hash: H256) -> RpcResult<Option<Bytes>>;

    /// The ingestion queue.
    #[method(name = "medchain_queue", with_extensions)]
    fn queue(&self) -> RpcResult<QueueStatus>;

    /// Asks the worker to drop the record in `slot` at its next run; false if the slot
    /// holds none.
    #[method(name = "medchain_dropQueued", with_extensions)]
    fn drop_queued(&self, slot: u64) -> RpcResult<bool>;
}

/// The node's off-chain database behind the one lock that serialises appends, shared by
/// every RPC handler of the node (create it once, see `service.rs`).
pub type SharedOffchainStorage<S> = Arc<Mutex<S>>;

/// The `medchain_*` methods over a node's off-chain database.
pub struct Records<S> {
    /// `None` when the node keeps no off-chain database.
    storage: Option<SharedOffchainStorage<S>>,
}

impl<S> Records<S> {
    /// Methods over `storage` (the backend's off-chain storage, shared).
    pub fn new(storage: Option<SharedOffchainStorage<S>>) -> Self {
        Self { storage }
    }
}

fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(code, message.into(), None::<()>)
}

impl<S> Records<S> {
    fn storage(&self) -> RpcResult<std::sync::MutexGuard<'_, S>> {
        let storage = self
            .storage
            .as_ref()
            .ok_or_else(|| error(STORAGE_UNAVAILABLE, "this node keeps no off-chain storage"))?;
        storage
            .lock()
            .map_err(|_| error(STORAGE_UNAVAILABLE, "off-chain storage lock poisoned"))
    }
}

fn decoded<V: Decode, S: OffchainStorage>(storage: &S, key: &[u8]) -> Option<V> {
    storage
        .get(STORAGE_PREFIX, key)
        .and_then(|bytes| V::decode(&mut &bytes[..]).ok())
}

impl<S, AccountId> RecordsApiServer<AccountId> for Records<S>
where
    S: OffchainStorage + 'static,
    AccountId: codec::Codec + Clone + Send + Sync + 'static + for<'de> Deserialize<'de>,
{
    fn submit_raw(
        &self,
        ext: &Extensions,
        raw: StrictHex,
        labels: Vec<String>,
        location: Option<String>,
        manager: AccountId,
    ) -> RpcResult<Queued> {
        sc_rpc_api::check_if_safe(ext)?;
        let record = QueuedRecord {
            raw: raw.0,
            labels: labels.into_iter().map(String::into_bytes).collect(),
            location: location.map(String::into_bytes).unwrap_or_default(),
            manager,
        };
        let raw_hash = H256(sp_io::hashing::blake2_256(&record.raw));
        let mut storage = self.storage()?;
        let slot = enqueue(&mut *storage, STORAGE_PREFIX, &record)
            .map_err(|e| error(INVALID_RECORD, e.to_string()))?;
        let meta: QueueMeta = decoded(&*storage, QUEUE_META_KEY).unwrap_or_default();
        Ok(Queued {
            slot,
            raw_hash,
            queued: meta.items,
        })
    }

    fn get_blob(&self, ext: &Extensions, content_hash: H256) -> RpcResult<Option<Bytes>> {
        sc_rpc_api::check_if_safe(ext)?;
        let storage = self.storage()?;
        Ok(storage
            .get(STORAGE_PREFIX, &blob_key(&content_hash))
            .map(Bytes))
    }

    fn queue(&self, ext: &Extensions) -> RpcResult<QueueStatus> {
        sc_rpc_api::check_if_safe(ext)?;
        let storage = self.storage()?;
        let meta: QueueMeta = decoded(&*storage, QUEUE_META_KEY).unwrap_or_default();
        let mut items = Vec::new();
        for slot in meta.head..meta.tail {
            let Some(item) = decoded::<QueuedItem<AccountId>, _>(&*storage, &queue_item_key(slot))
            else {
                continue;
            };
            let state: Option<ItemState<AccountId>> = decoded(&*storage, &queue_state_key(slot));
            let prepared = state.as_ref().map(|s| *s.prepared());
            items.push(QueueItem {
                slot,
                raw_len: item.raw_len,
                labels: item
                    .labels
                    .iter()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect(),
                state: state.as_ref().map_or("queued", |s| s.name()).into(),
                attempts: match &state {
                    Some(ItemState::Submitted { attempts, .. }) => *attempts,
                    _ => 0,
                },
                record: match &state {
                    Some(ItemState::Seen { id, .. }) => Some(*id),
                    _ => None,
                },
                raw_hash: prepared.map(|p| p.raw_hash),
                content_hash: prepared.map(|p| p.content_hash),
                compressed_len: prepared.map(|p| p.compressed_len),
                submitted_at: match &state {
                    Some(ItemState::Submitted { at, .. }) => Some(*at),
                    _ => None,
                },
            });
        }
        Ok(QueueStatus {
            head: meta.head,
            tail: meta.tail,
            bytes: meta.bytes,
            items,
        })
    }

    fn drop_queued(&self, ext: &Extensions, slot: u64) -> RpcResult<bool> {
        sc_rpc_api::check_if_safe(ext)?;
        let mut storage = self.storage()?;
        request_drop(&mut *storage, STORAGE_PREFIX, slot)
            .map_err(|e| error(INVALID_RECORD, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::StrictHex;

    #[test]
    fn strict_hex_takes_whole_bytes_only() {
        let parse = |text: &str| text.parse::<StrictHex>().map(|hex| hex.0);
        assert_eq!(parse("0x6869"), Ok(b"hi".to_vec()));
        assert_eq!(parse("6869"), Ok(b"hi".to_vec()));
        assert_eq!(parse("0xABcd"), Ok(vec![0xab, 0xcd]));
        assert_eq!(parse("0x"), Ok(vec![]));
        assert!(parse("0xabc")
            .unwrap_err()
            .contains("odd number of hex digits (3)"));
        assert!(parse("0xzz")
            .unwrap_err()
            .contains("invalid hex character at position 0"));
        assert!(parse("hello")
            .unwrap_err()
            .contains("invalid hex character"));
        assert!(parse("0x0x12")
            .unwrap_err()
            .contains("invalid hex character at position 1"));
    }
}
