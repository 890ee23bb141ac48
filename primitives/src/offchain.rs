//! The contract between a node and its off-chain worker: the `medr` key, and the layout
//! of the ingestion queue and the blob store in the node's persistent off-chain storage.
//!
//! The node's RPC (`medchain_submitRaw`, `medchain_getBlob`) writes and reads these keys
//! directly in the off-chain database; the worker in `pallet-medical-records` reads and
//! writes them from the runtime. Both sides use only this module, so the layout has one
//! definition. Raw text lives here only until its registration is seen on-chain; it never
//! enters a block.
//!
//! Layout (all under the persistent kind; a node's database files them under
//! [`sp_core::offchain::STORAGE_PREFIX`], the test database under the empty prefix):
//! - [`QUEUE_META_KEY`] → [`QueueMeta`]: the next item to process, the next free slot,
//!   and the bytes queued. Changed only with compare-and-set, by both sides.
//! - [`queue_item_key`]`(seq)` → [`QueuedRecord`]: written once by the RPC before the
//!   slot becomes visible (`tail` moves past it), removed by the worker.
//! - [`queue_state_key`]`(seq)` → [`ItemState`]: the worker's progress on that item.
//! - [`blob_key`]`(content_hash)` → the compressed bytes.
//! - [`HELD_META_KEY`] / [`held_key`]`(n)`: the records this node holds, for verification.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use sp_core::{crypto::KeyTypeId, H256};

use crate::{CodecMethod, RecordId};

/// The key type of the key a node signs its registrations with (`medr`); insert it with
/// `author_insertKey` or `medchain-node key insert --key-type medr --scheme sr25519`.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"medr");

/// The `medr` application key (sr25519).
pub mod crypto {
    use super::KEY_TYPE;
    use sp_runtime::app_crypto::{app_crypto, sr25519};
    app_crypto!(sr25519, KEY_TYPE);
}

/// Most labels on a record (the runtime's `MaxLabels`).
pub const MAX_LABELS: u32 = 16;
/// Longest label in bytes (the runtime's `MaxLabelLen`).
pub const MAX_LABEL_LEN: u32 = 64;
/// Longest storage location in bytes (the runtime's `MaxLocationLen`).
pub const MAX_LOCATION_LEN: u32 = 256;

/// Largest raw record the queue takes (bytes). Larger texts belong in several records.
pub const MAX_RAW_LEN: u64 = 4 * 1024 * 1024;
/// Most records the queue holds at once.
pub const MAX_QUEUE_ITEMS: u64 = 1024;
/// Most raw bytes the queue holds at once.
pub const MAX_QUEUE_BYTES: u64 = 256 * 1024 * 1024;

/// Where the queue stands.
pub const QUEUE_META_KEY: &[u8] = b"medchain::queue::meta";
/// Where the held-record list stands.
pub const HELD_META_KEY: &[u8] = b"medchain::held::meta";
/// The worker's lock: one run at a time works on the queue.
pub const WORKER_LOCK_KEY: &[u8] = b"medchain::worker::lock";

/// Bounds and cursors of the ingestion queue.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct QueueMeta {
    /// The oldest slot that may still hold an item.
    pub head: u64,
    /// The next free slot; items live in `head..tail` (some may be gone already).
    pub tail: u64,
    /// Raw bytes of the items still queued.
    pub bytes: u64,
}

impl QueueMeta {
    /// Slots between head and tail (an upper bound on the items queued).
    pub fn len(&self) -> u64 {
        self.tail.saturating_sub(self.head)
    }

    /// Whether no item is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether an item of `raw_len` bytes still fits.
    pub fn fits(&self, raw_len: u64) -> bool {
        self.len() < MAX_QUEUE_ITEMS && self.bytes.saturating_add(raw_len) <= MAX_QUEUE_BYTES
    }
}

/// A raw record its node's operator asked to register.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct QueuedRecord<AccountId> {
    /// The original text.
    pub raw: Vec<u8>,
    /// Search labels.
    pub labels: Vec<Vec<u8>>,
    /// Where the manager keeps the blob; empty: the worker names the node's own store
    /// (see [`own_location`]).
    pub location: Vec<u8>,
    /// The data manager that keeps and serves the blob.
    pub manager: AccountId,
}

/// What the worker knows about a compressed item.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Prepared {
    /// blake2-256 of the raw text.
    pub raw_hash: H256,
    /// blake2-256 of the compressed blob.
    pub content_hash: H256,
    /// Raw length in bytes.
    pub raw_len: u64,
    /// Compressed length in bytes.
    pub compressed_len: u64,
    /// The container method the codec chose.
    pub method: CodecMethod,
}

/// The worker's progress on one queued item.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub enum ItemState {
    /// Compressed, its blob kept, not submitted yet (or held back, see the log).
    Prepared(Prepared),
    /// Registration submitted in the block `at`, not seen on-chain yet.
    Submitted {
        /// The compressed item.
        prepared: Prepared,
        /// Block number the transaction was submitted at.
        at: u32,
        /// The transaction's nonce: once the account's nonce passed it, it landed.
        nonce: u64,
    },
}

impl ItemState {
    /// The compressed item.
    pub fn prepared(&self) -> &Prepared {
        match self {
            ItemState::Prepared(p) | ItemState::Submitted { prepared: p, .. } => p,
        }
    }
}

/// The held-record list: records this node holds a blob of, for verification.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct HeldMeta {
    /// Entries written so far ([`held_key`]`(0..count)`).
    pub count: u64,
    /// The next entry to verify.
    pub cursor: u64,
}

/// One held record.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct HeldRecord {
    /// The record.
    pub id: RecordId,
    /// The blob it names.
    pub content_hash: H256,
    /// Whether a failure is already reported for it (so it is reported once, and again
    /// only after it passed in between).
    pub reported: bool,
}

fn key_with(prefix: &[u8], suffix: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + suffix.len());
    key.extend_from_slice(prefix);
    key.extend_from_slice(suffix);
    key
}

/// Key of the queued item in slot `seq`.
pub fn queue_item_key(seq: u64) -> Vec<u8> {
    key_with(b"medchain::queue::item::", &seq.to_be_bytes())
}

/// Key of the worker's state for slot `seq`.
pub fn queue_state_key(seq: u64) -> Vec<u8> {
    key_with(b"medchain::queue::state::", &seq.to_be_bytes())
}

/// Key of the blob with `content_hash`.
pub fn blob_key(content_hash: &H256) -> Vec<u8> {
    key_with(b"medchain::blob::", content_hash.as_bytes())
}

/// Key of the `n`th held record.
pub fn held_key(n: u64) -> Vec<u8> {
    key_with(b"medchain::held::", &n.to_be_bytes())
}

/// The location the worker records when the operator named none: the node's own blob
/// store, `medchain-blob:0x<content_hash>` (served by `medchain_getBlob`).
pub fn own_location(content_hash: &H256) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = b"medchain-blob:0x".to_vec();
    for byte in content_hash.as_bytes() {
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0x0f)]);
    }
    out
}

/// Why a record was not queued.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum EnqueueError {
    /// The text is empty.
    EmptyRecord,
    /// The text is longer than [`MAX_RAW_LEN`].
    RecordTooLarge(u64),
    /// More than [`MAX_LABELS`] labels, or none.
    LabelCount(usize),
    /// A label is empty or longer than [`MAX_LABEL_LEN`].
    BadLabel(usize),
    /// The same label twice.
    DuplicateLabel(usize),
    /// The location is longer than [`MAX_LOCATION_LEN`].
    LocationTooLong(usize),
    /// The queue is full ([`MAX_QUEUE_ITEMS`] items or [`MAX_QUEUE_BYTES`] bytes).
    QueueFull(QueueMeta),
    /// The queue's bookkeeping cannot be decoded (a different layout wrote it).
    Corrupt,
}

impl core::fmt::Display for EnqueueError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::EmptyRecord => write!(f, "the record is empty"),
            Self::RecordTooLarge(len) => write!(
                f,
                "the record has {len} bytes; at most {MAX_RAW_LEN} are taken, split it"
            ),
            Self::LabelCount(n) => write!(f, "{n} labels given; 1 to {MAX_LABELS} are needed"),
            Self::BadLabel(i) => {
                write!(f, "label {i} is empty or longer than {MAX_LABEL_LEN} bytes")
            }
            Self::DuplicateLabel(i) => write!(f, "label {i} repeats an earlier one"),
            Self::LocationTooLong(len) => write!(
                f,
                "the location has {len} bytes; at most {MAX_LOCATION_LEN} are allowed"
            ),
            Self::QueueFull(meta) => write!(
                f,
                "the queue is full ({} items, {} bytes queued; at most {MAX_QUEUE_ITEMS} items \
                 and {MAX_QUEUE_BYTES} bytes); wait for the worker to register them",
                meta.len(),
                meta.bytes
            ),
            Self::Corrupt => write!(f, "the queue's bookkeeping cannot be decoded"),
        }
    }
}

/// Checks a record against the bounds of the queue and the chain.
pub fn check_queueable<AccountId>(record: &QueuedRecord<AccountId>) -> Result<(), EnqueueError> {
    let raw_len = record.raw.len() as u64;
    if raw_len == 0 {
        return Err(EnqueueError::EmptyRecord);
    }
    if raw_len > MAX_RAW_LEN {
        return Err(EnqueueError::RecordTooLarge(raw_len));
    }
    if record.labels.is_empty() || record.labels.len() > MAX_LABELS as usize {
        return Err(EnqueueError::LabelCount(record.labels.len()));
    }
    for (i, label) in record.labels.iter().enumerate() {
        if label.is_empty() || label.len() > MAX_LABEL_LEN as usize {
            return Err(EnqueueError::BadLabel(i));
        }
        if record.labels[..i].contains(label) {
            return Err(EnqueueError::DuplicateLabel(i));
        }
    }
    if record.location.len() > MAX_LOCATION_LEN as usize {
        return Err(EnqueueError::LocationTooLong(record.location.len()));
    }
    Ok(())
}

/// Appends a record to the queue in a node's off-chain database (`prefix`: where the
/// database files the persistent kind); returns its slot.
///
/// The item is written before `tail` moves past it, so the worker never sees a slot
/// without its item. Callers must not append concurrently (the node's RPC holds a lock);
/// the worker may change the meta at the same time, which compare-and-set resolves.
#[cfg(feature = "std")]
pub fn enqueue<S, AccountId>(
    storage: &mut S,
    prefix: &[u8],
    record: &QueuedRecord<AccountId>,
) -> Result<u64, EnqueueError>
where
    S: sp_core::offchain::OffchainStorage,
    AccountId: Encode,
{
    check_queueable(record)?;
    let raw_len = record.raw.len() as u64;
    let mut item_written = None;
    loop {
        let old = storage.get(prefix, QUEUE_META_KEY);
        let meta = match &old {
            Some(bytes) => QueueMeta::decode(&mut &bytes[..]).map_err(|_| EnqueueError::Corrupt)?,
            None => QueueMeta::default(),
        };
        if !meta.fits(raw_len) {
            if let Some(seq) = item_written {
                storage.remove(prefix, &queue_item_key(seq));
            }
            return Err(EnqueueError::QueueFull(meta));
        }
        let seq = meta.tail;
        if item_written != Some(seq) {
            storage.set(prefix, &queue_item_key(seq), &record.encode());
            item_written = Some(seq);
        }
        let new = QueueMeta {
            tail: seq.saturating_add(1),
            bytes: meta.bytes.saturating_add(raw_len),
            ..meta
        };
        if storage.compare_and_set(prefix, QUEUE_META_KEY, old.as_deref(), &new.encode()) {
            return Ok(seq);
        }
    }
}

/// The blob with `content_hash` from a node's off-chain database.
#[cfg(feature = "std")]
pub fn read_blob<S: sp_core::offchain::OffchainStorage>(
    storage: &S,
    prefix: &[u8],
    content_hash: &H256,
) -> Option<Vec<u8>> {
    storage.get(prefix, &blob_key(content_hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::offchain::OffchainStorage;

    const P: &[u8] = sp_core::offchain::STORAGE_PREFIX;

    #[test]
    fn keys_do_not_collide_and_sort_by_slot() {
        assert_ne!(queue_item_key(1), queue_state_key(1));
        assert!(queue_item_key(255) < queue_item_key(256));
        assert_ne!(blob_key(&H256::zero()), held_key(0));
    }

    #[test]
    fn queue_bounds() {
        let mut meta = QueueMeta::default();
        assert!(meta.is_empty());
        assert!(meta.fits(MAX_QUEUE_BYTES));
        assert!(!meta.fits(MAX_QUEUE_BYTES + 1));
        meta.tail = MAX_QUEUE_ITEMS;
        assert!(!meta.fits(1));
        meta.head = 1;
        assert!(meta.fits(1));
    }

    fn record(raw: &[u8], labels: &[&[u8]]) -> QueuedRecord<u64> {
        QueuedRecord {
            raw: raw.to_vec(),
            labels: labels.iter().map(|l| l.to_vec()).collect(),
            location: Vec::new(),
            manager: 7,
        }
    }

    #[test]
    fn enqueue_appends_in_order_and_counts_bytes() {
        let mut db = sp_core::offchain::storage::InMemOffchainStorage::default();
        assert_eq!(enqueue(&mut db, P, &record(b"first", &[b"en"])), Ok(0));
        assert_eq!(
            enqueue(&mut db, P, &record("第二".as_bytes(), &[b"zh"])),
            Ok(1)
        );
        let meta = db
            .get(P, QUEUE_META_KEY)
            .map(|b| QueueMeta::decode(&mut &b[..]).unwrap())
            .unwrap();
        assert_eq!(
            meta,
            QueueMeta {
                head: 0,
                tail: 2,
                bytes: 5 + 6
            }
        );
        let item = db
            .get(P, &queue_item_key(1))
            .map(|b| QueuedRecord::<u64>::decode(&mut &b[..]).unwrap())
            .unwrap();
        assert_eq!(item, record("第二".as_bytes(), &[b"zh"]));
    }

    #[test]
    fn enqueue_refuses_bad_records_and_a_full_queue() {
        let mut db = sp_core::offchain::storage::InMemOffchainStorage::default();
        assert_eq!(
            enqueue(&mut db, P, &record(b"", &[b"en"])),
            Err(EnqueueError::EmptyRecord)
        );
        assert_eq!(
            enqueue(&mut db, P, &record(b"x", &[])),
            Err(EnqueueError::LabelCount(0))
        );
        assert_eq!(
            enqueue(&mut db, P, &record(b"x", &[b"a", b""])),
            Err(EnqueueError::BadLabel(1))
        );
        assert_eq!(
            enqueue(&mut db, P, &record(b"x", &[b"a", b"b", b"a"])),
            Err(EnqueueError::DuplicateLabel(2))
        );
        let long = [b'l'; MAX_LABEL_LEN as usize + 1];
        assert_eq!(
            enqueue(&mut db, P, &record(b"x", &[&long])),
            Err(EnqueueError::BadLabel(0))
        );
        let mut far = record(b"x", &[b"a"]);
        far.location = vec![b'/'; MAX_LOCATION_LEN as usize + 1];
        assert_eq!(
            enqueue(&mut db, P, &far),
            Err(EnqueueError::LocationTooLong(MAX_LOCATION_LEN as usize + 1))
        );
        let full = QueueMeta {
            head: 3,
            tail: 3 + MAX_QUEUE_ITEMS,
            bytes: 10,
        };
        db.set(P, QUEUE_META_KEY, &full.encode());
        assert_eq!(
            enqueue(&mut db, P, &record(b"x", &[b"a"])),
            Err(EnqueueError::QueueFull(full))
        );
        // Nothing was left behind in the slot that did not open.
        assert!(db.get(P, &queue_item_key(full.tail)).is_none());
    }

    #[test]
    fn own_location_names_the_hash_in_hex() {
        let location = own_location(&H256::repeat_byte(0xab));
        assert_eq!(location.len(), 16 + 64);
        assert!(location.ends_with(b"abab"));
        assert!(location.starts_with(b"medchain-blob:0x"));
    }
}
