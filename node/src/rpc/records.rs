//! `medchain_*` RPC methods: the operator's door to this node's off-chain worker.
//!
//! - `medchain_provisionWorker(account, dataRoot)` tells the worker which data owner it
//!   works for and gives it that owner's data-key root (kept in the node's persistent
//!   local storage, never on-chain). Refused unless the keystore holds the account's
//!   `medr` key and the root is the one derived from that key's secret, and while
//!   records of another owner are queued.
//! - `medchain_submitRaw(raw, labels, location?, manager)` queues a raw record in the
//!   node's persistent off-chain storage; the worker compresses, seals, registers and
//!   uploads it.
//! - `medchain_getBlob(contentHash)` returns a sealed blob the node holds.
//! - `medchain_queue()` shows the provisioned owner and the queue: each item's slot,
//!   size, labels and progress, uploads included.
//! - `medchain_dropQueued(slot)` asks the worker to drop a record at its next run (one
//!   that cannot register or upload, or is not wanted any more).
//!
//! All five are unsafe RPC: the raw text, the blobs and the root are the patient's and
//! the owner's secrets, so they are served only where unsafe methods are (by default the
//! node's localhost listener; `--rpc-methods safe` turns them off, `--rpc-methods
//! unsafe` exposes them).

use std::sync::{Arc, Mutex};

use codec::{Decode, Encode};
use jsonrpsee::{
    core::RpcResult,
    proc_macros::rpc,
    types::{error::ErrorObject, ErrorObjectOwned},
    Extensions,
};
use medchain_crypto::{AccountKeys, DataKeyRoot};
use medchain_primitives::offchain::{
    blob_key, crypto::Pair as MedrPair, enqueue, provision_message, queue_item_key,
    queue_state_key, request_drop, ItemState, QueueMeta, QueuedItem, QueuedRecord, WorkerOwner,
    QUEUE_META_KEY, WORKER_OWNER_KEY,
};
use sc_keystore::LocalKeystore;
use serde::{Deserialize, Serialize};
use sp_core::{
    offchain::{OffchainStorage, STORAGE_PREFIX},
    Bytes, H256,
};
use zeroize::Zeroizing;

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
const PROVISION_REFUSED: i32 = 9003;

/// What `medchain_submitRaw` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    /// The record's slot in the queue.
    pub slot: u64,
    /// The provisioned owner's keyed commitment to the text: `RecordRegistered.raw_hash`
    /// once registered. `null` while no owner is provisioned.
    pub raw_hash: Option<H256>,
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
    /// `queued` (not compressed yet), `prepared` (compressed and sealed, not submitted),
    /// `submitted`, `registered` (on-chain, confirmed after a few blocks), `uploading`
    /// (its blob waits for the store), `upload-failing` (uploads keep failing; see
    /// `lastStatus` and the node's log) or `stalled` (registrations failed; see the
    /// node's log, then drop it).
    pub state: String,
    /// Registrations submitted so far.
    pub attempts: u8,
    /// The record, once registered.
    pub record: Option<u64>,
    /// Uploads tried so far.
    pub upload_attempts: Option<u16>,
    /// The store's answer to the last upload (HTTP status; 0: no answer).
    pub last_status: Option<u16>,
    /// Block from which the next upload is tried.
    pub next_upload_at: Option<u32>,
    pub raw_hash: Option<H256>,
    pub content_hash: Option<H256>,
    pub compressed_len: Option<u64>,
    /// Block the registration was submitted at.
    pub submitted_at: Option<u32>,
}

/// What `medchain_queue` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueStatus<AccountId> {
    /// The data owner the worker works for (`medchain_provisionWorker`); `null`: none,
    /// and nothing is compressed, sealed or registered.
    pub owner: Option<AccountId>,
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

    /// The provisioned owner and the ingestion queue.
    #[method(name = "medchain_queue", with_extensions)]
    fn queue(&self) -> RpcResult<QueueStatus<AccountId>>;

    /// Provisions the worker with the data owner `account` and its data-key root.
    #[method(name = "medchain_provisionWorker", with_extensions)]
    fn provision_worker(
        &self,
        account: AccountId,
        data_root: StrictHex,
    ) -> RpcResult<Provisioned<AccountId>>;

    /// Asks the worker to drop the record in `slot` at its next run; false if the slot
    /// holds none.
    #[method(name = "medchain_dropQueued", with_extensions)]
    fn drop_queued(&self, slot: u64) -> RpcResult<bool>;
}

/// What `medchain_provisionWorker` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provisioned<AccountId> {
    /// The data owner the worker works for now.
    pub owner: AccountId,
    /// Whether the same owner was provisioned already.
    pub unchanged: bool,
}

/// The node's off-chain database behind the one lock that serialises appends, shared by
/// every RPC handler of the node (create it once, see `service.rs`).
pub type SharedOffchainStorage<S> = Arc<Mutex<S>>;

/// The `medchain_*` methods over a node's off-chain database.
pub struct Records<S> {
    /// `None` when the node keeps no off-chain database.
    storage: Option<SharedOffchainStorage<S>>,
    /// The node's keystore, where the `medr` keys are (`None`: none is kept).
    keystore: Option<Arc<LocalKeystore>>,
}

impl<S> Records<S> {
    /// Methods over `storage` (the backend's off-chain storage, shared) and the node's
    /// keystore.
    pub fn new(
        storage: Option<SharedOffchainStorage<S>>,
        keystore: Option<Arc<LocalKeystore>>,
    ) -> Self {
        Self { storage, keystore }
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

/// The `medr` key of `account` in `keystore`, and its data-key root, derived from the
/// key's secret exactly as the CLI derives it from the account's secret URI.
fn medr_key_and_root(
    keystore: &LocalKeystore,
    account: &[u8],
) -> Result<(MedrPair, DataKeyRoot), String> {
    use sp_core::{crypto::ByteArray, Pair};
    let public = <MedrPair as sp_core::crypto::Pair>::Public::from_slice(account)
        .map_err(|_| "the account is not a 32-byte sr25519 public key".to_string())?;
    let pair = keystore
        .key_pair::<MedrPair>(&public)
        .map_err(|e| format!("the keystore cannot be read: {e}"))?
        .ok_or_else(|| {
            "this node's keystore has no `medr` key of that account: insert it first \
             (author_insertKey or `medchain-node key insert --key-type medr`)"
                .to_string()
        })?;
    let mut secret = pair.to_raw_vec();
    let root = AccountKeys::from_secret(&secret).data_root().clone();
    zeroize_vec(&mut secret);
    Ok((pair, root))
}

fn zeroize_vec(bytes: &mut [u8]) {
    use sp_core::crypto::Zeroize;
    bytes.zeroize();
}

impl<S, AccountId> RecordsApiServer<AccountId> for Records<S>
where
    S: OffchainStorage + 'static,
    AccountId: codec::Codec
        + Clone
        + PartialEq
        + Send
        + Sync
        + 'static
        + Serialize
        + for<'de> Deserialize<'de>,
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
        let mut storage = self.storage()?;
        let raw_hash = decoded::<WorkerOwner<AccountId>, _>(&*storage, WORKER_OWNER_KEY)
            .map(|owner| H256(DataKeyRoot::from_bytes(owner.data_root).commit(&record.raw)));
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

    fn queue(&self, ext: &Extensions) -> RpcResult<QueueStatus<AccountId>> {
        sc_rpc_api::check_if_safe(ext)?;
        let storage = self.storage()?;
        let owner = decoded::<WorkerOwner<AccountId>, _>(&*storage, WORKER_OWNER_KEY)
            .map(|owner| owner.account);
        let meta: QueueMeta = decoded(&*storage, QUEUE_META_KEY).unwrap_or_default();
        let mut items = Vec::new();
        for slot in meta.head..meta.tail {
            let Some(item) = decoded::<QueuedItem<AccountId>, _>(&*storage, &queue_item_key(slot))
            else {
                continue;
            };
            let state = storage
                .get(STORAGE_PREFIX, &queue_state_key(slot))
                .and_then(|bytes| ItemState::<AccountId>::decode_stored(&bytes));
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
                    Some(ItemState::Seen { id, .. } | ItemState::Uploading { id, .. }) => Some(*id),
                    _ => None,
                },
                upload_attempts: match &state {
                    Some(ItemState::Uploading { attempts, .. }) => Some(*attempts),
                    _ => None,
                },
                last_status: match &state {
                    Some(ItemState::Uploading {
                        attempts,
                        last_status,
                        ..
                    }) if *attempts > 0 => Some(*last_status),
                    _ => None,
                },
                next_upload_at: match &state {
                    Some(ItemState::Uploading { next_at, .. }) => Some(*next_at),
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
            owner,
            head: meta.head,
            tail: meta.tail,
            bytes: meta.bytes,
            items,
        })
    }

    fn provision_worker(
        &self,
        ext: &Extensions,
        account: AccountId,
        data_root: StrictHex,
    ) -> RpcResult<Provisioned<AccountId>> {
        sc_rpc_api::check_if_safe(ext)?;
        let refuse = |message: String| error(PROVISION_REFUSED, message);
        let mut data_root = data_root;
        let given: Zeroizing<[u8; 32]> = Zeroizing::new(
            data_root
                .0
                .as_slice()
                .try_into()
                .map_err(|_| refuse("a data-key root has 32 bytes".into()))?,
        );
        zeroize_vec(&mut data_root.0);
        let keystore = self
            .keystore
            .as_ref()
            .ok_or_else(|| refuse("this node keeps no keystore".into()))?;
        let (key, expected) = medr_key_and_root(keystore, &account.encode()).map_err(refuse)?;
        if expected.as_bytes() != &*given {
            return Err(refuse(
                "this data-key root does not belong to the `medr` key's account (derive it \
                 from the same secret as the key: `medchain records provision-worker --suri`)"
                    .into(),
            ));
        }
        let mut storage = self.storage()?;
        let current = decoded::<WorkerOwner<AccountId>, _>(&*storage, WORKER_OWNER_KEY);
        let unchanged = current.as_ref().is_some_and(|c| c.account == account);
        let meta: QueueMeta = decoded(&*storage, QUEUE_META_KEY).unwrap_or_default();
        if current.is_some() && !unchanged && !meta.is_empty() {
            return Err(refuse(format!(
                "{} records are queued for the owner provisioned now: let them register and \
                 upload, or drop them (`medchain records drop`), before changing the owner",
                meta.items
            )));
        }
        // The worker uses the root only with this signature of the owner's key, so a
        // value written by other means (`offchain_localStorageSet`) is not used.
        let proof = sp_core::Pair::sign(&key, &provision_message(&account.encode(), &given));
        let owner = WorkerOwner {
            account: account.clone(),
            data_root: *given,
            proof: proof.encode(),
        };
        storage.set(STORAGE_PREFIX, WORKER_OWNER_KEY, &owner.encode());
        Ok(Provisioned {
            owner: account,
            unchanged,
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
