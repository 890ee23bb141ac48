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
//! - [`QUEUE_META_KEY`] → [`QueueMeta`]: the oldest and next slot, the items and bytes
//!   queued. Changed only with compare-and-set, by both sides.
//! - [`queue_item_key`]`(seq)` → [`QueuedItem`] and [`queue_raw_key`]`(seq)` → the raw
//!   text (bytes as given): written once by the RPC before the slot becomes visible
//!   (`tail` moves past it); removed only by the worker, so a slot's keys never change
//!   under it.
//! - [`queue_state_key`]`(seq)` → [`ItemState`]: the worker's progress on that item.
//! - [`DROPS_KEY`] → `Vec<u64>`: slots the operator asked to drop (`medchain_dropQueued`);
//!   the RPC appends, the worker takes them at its next run.
//! - [`WAVE_KEY`] → [`Wave`]: the worker's last transactions, so a new wave never reuses
//!   a nonce still in flight.
//! - [`blob_key`]`(content_hash)` → the sealed blob (a `medchain-crypto` envelope; items
//!   prepared before sealing, [`Prepared::sealed`] false, keep their bare container).
//! - [`WORKER_OWNER_KEY`] → [`WorkerOwner`]: the data owner this node's worker acts for
//!   and that owner's data-key root, provisioned by the operator
//!   (`medchain_provisionWorker`); never on-chain, never in a block.
//! - [`HELD_META_KEY`] / [`held_key`]`(n)` / [`held_id_key`]`(id)`: the records this node
//!   holds, for verification.

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
/// Most slots between the oldest and the next one (records that cannot register keep
/// theirs until the operator drops them); bounds the worker's walk.
pub const MAX_QUEUE_SLOTS: u64 = 4 * MAX_QUEUE_ITEMS;
/// Most raw bytes the queue holds at once.
pub const MAX_QUEUE_BYTES: u64 = 256 * 1024 * 1024;

/// Where the queue stands.
pub const QUEUE_META_KEY: &[u8] = b"medchain::queue::meta";
/// Where the held-record list stands.
pub const HELD_META_KEY: &[u8] = b"medchain::held::meta";
/// The worker's lock: one run at a time works on the queue.
pub const WORKER_LOCK_KEY: &[u8] = b"medchain::worker::lock";
/// Slots the operator asked to drop.
pub const DROPS_KEY: &[u8] = b"medchain::queue::drops";
/// The worker's last wave of transactions.
pub const WAVE_KEY: &[u8] = b"medchain::worker::wave";

/// The data owner the worker acts for, and its data-key root.
pub const WORKER_OWNER_KEY: &[u8] = b"medchain::worker::owner";

/// The data owner a node's worker acts for: its account (whose `medr` key signs) and the
/// data-key root that commits to and seals its records, with the `medr` key's signature
/// over both ([`provision_message`]), so that a value written around
/// `medchain_provisionWorker` (say, with `offchain_localStorageSet`) is not used.
#[derive(Clone, PartialEq, Eq, Encode, Decode)]
pub struct WorkerOwner<AccountId> {
    /// The owner's account.
    pub account: AccountId,
    /// The owner's data-key root (`medchain_crypto::DataKeyRoot`).
    pub data_root: [u8; 32],
    /// The `medr` key's signature (SCALE) over [`provision_message`].
    pub proof: Vec<u8>,
}

/// What the owner's `medr` key signs when the node provisions its worker: the account
/// (SCALE) and the blake2-256 of the root, under a domain of its own.
pub fn provision_message(account: &[u8], data_root: &[u8; 32]) -> Vec<u8> {
    let mut message = b"medchain/worker-owner/v1".to_vec();
    message.extend_from_slice(account);
    message.extend_from_slice(
        &<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(data_root).0,
    );
    message
}

impl<AccountId: core::fmt::Debug> core::fmt::Debug for WorkerOwner<AccountId> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WorkerOwner")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// Uploads of one item are retried with a backoff that doubles from one block up to
/// this many blocks, for as long as the item waits; after [`UPLOAD_FAILING_AFTER`]
/// attempts the queue reports it as failing.
pub const MAX_UPLOAD_BACKOFF_BLOCKS: u32 = 64;
/// Attempts after which an upload is reported as failing (it is still retried).
pub const UPLOAD_FAILING_AFTER: u16 = 5;

/// Registration attempts that landed or expired without a record, after which an item
/// stalls until the operator drops it (each attempt costs a fee).
pub const MAX_ATTEMPTS: u8 = 3;
/// Blocks a registration must stay on-chain before its item leaves the queue, so that a
/// short reorganisation cannot lose it.
pub const CONFIRMATIONS: u32 = 3;

/// Bounds and cursors of the ingestion queue.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode)]
pub struct QueueMeta {
    /// The oldest slot that may still hold an item.
    pub head: u64,
    /// The next free slot; items live in `head..tail` (some may be gone already).
    pub tail: u64,
    /// Items queued.
    pub items: u64,
    /// Raw bytes of the items queued.
    pub bytes: u64,
}

impl QueueMeta {
    /// Items queued.
    pub fn len(&self) -> u64 {
        self.items
    }

    /// Whether no item is queued.
    pub fn is_empty(&self) -> bool {
        self.items == 0
    }

    /// Whether an item of `raw_len` bytes still fits.
    pub fn fits(&self, raw_len: u64) -> bool {
        self.items < MAX_QUEUE_ITEMS
            && self.tail.saturating_sub(self.head) < MAX_QUEUE_SLOTS
            && self.bytes.saturating_add(raw_len) <= MAX_QUEUE_BYTES
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

/// A queued record without its text (kept apart, so the worker reads the text only to
/// compress it).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct QueuedItem<AccountId> {
    /// Length of the text in bytes.
    pub raw_len: u64,
    /// Search labels.
    pub labels: Vec<Vec<u8>>,
    /// Where the manager keeps the blob (empty: the node's own store).
    pub location: Vec<u8>,
    /// The data manager that keeps and serves the blob.
    pub manager: AccountId,
}

/// What the worker knows about a compressed item.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Prepared {
    /// The record's `raw_hash`: the owner's keyed commitment to the text (blake2-256 of
    /// the text for items prepared before sealing).
    pub raw_hash: H256,
    /// blake2-256 of the blob.
    pub content_hash: H256,
    /// Raw length in bytes.
    pub raw_len: u64,
    /// Compressed length in bytes (before sealing).
    pub compressed_len: u64,
    /// The container method the codec chose.
    pub method: CodecMethod,
    /// The primed dictionary the container names.
    pub dictionary: Option<H256>,
    /// Whether the blob is sealed (false only for items prepared before sealing, which
    /// register as they were and are never uploaded).
    pub sealed: bool,
}

/// The worker's progress on one queued item.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum ItemState<AccountId> {
    /// Compressed, its blob kept, not submitted yet (or held back, see the log).
    Prepared(Prepared),
    /// Registration submitted by `owner` in the block `at`, not seen on-chain yet.
    Submitted {
        /// The compressed item.
        prepared: Prepared,
        /// The account that signed it (the record's owner).
        owner: AccountId,
        /// Block number the transaction was submitted at.
        at: u32,
        /// The transaction's nonce: once the account's nonce passed it, it landed.
        nonce: u64,
        /// Submissions so far.
        attempts: u8,
    },
    /// Registered as record `id`, first seen in block `at`; leaves the queue after
    /// [`CONFIRMATIONS`] blocks.
    Seen {
        /// The compressed item.
        prepared: Prepared,
        /// The record's owner.
        owner: AccountId,
        /// The record.
        id: RecordId,
        /// Block it was first seen in.
        at: u32,
    },
    /// [`MAX_ATTEMPTS`] registrations did not produce a record (see the node's log);
    /// the worker leaves it until the operator drops it.
    Stalled(Prepared),
    /// Registered as record `id` and confirmed; its sealed blob waits to be uploaded to
    /// the store its location names (the text is gone from the queue already).
    Uploading {
        /// The compressed item.
        prepared: Prepared,
        /// The record's owner.
        owner: AccountId,
        /// The record.
        id: RecordId,
        /// Uploads tried so far.
        attempts: u16,
        /// The next try, not before this block.
        next_at: u32,
        /// Why the last try failed (HTTP status, or 0 when the store did not answer).
        last_status: u16,
    },
}

mod legacy;
#[cfg(test)]
use legacy::LegacyPrepared;

impl<AccountId> ItemState<AccountId> {
    /// The compressed item.
    pub fn prepared(&self) -> &Prepared {
        match self {
            ItemState::Prepared(p)
            | ItemState::Stalled(p)
            | ItemState::Submitted { prepared: p, .. }
            | ItemState::Seen { prepared: p, .. }
            | ItemState::Uploading { prepared: p, .. } => p,
        }
    }

    /// The compressed item, to change.
    pub fn prepared_mut(&mut self) -> &mut Prepared {
        match self {
            ItemState::Prepared(p)
            | ItemState::Stalled(p)
            | ItemState::Submitted { prepared: p, .. }
            | ItemState::Seen { prepared: p, .. }
            | ItemState::Uploading { prepared: p, .. } => p,
        }
    }

    /// The state's name, as `medchain_queue` shows it.
    pub fn name(&self) -> &'static str {
        match self {
            ItemState::Prepared(_) => "prepared",
            ItemState::Submitted { .. } => "submitted",
            ItemState::Seen { .. } => "registered",
            ItemState::Stalled(_) => "stalled",
            ItemState::Uploading { attempts, .. } if *attempts >= UPLOAD_FAILING_AFTER => {
                "upload-failing"
            }
            ItemState::Uploading { .. } => "uploading",
        }
    }
}

/// The worker's last wave of transactions: those of `owner` with nonces below
/// `next_nonce`, sent in block `at`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Wave<AccountId> {
    /// The signing account.
    pub owner: AccountId,
    /// The nonce after the wave's last transaction.
    pub next_nonce: u64,
    /// Block the wave was sent in.
    pub at: u32,
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
    /// Where a failure report stands (a failure is reported once, and again only after
    /// the record verified in between).
    pub report: ReportState,
}

/// Where the failure report of a held record stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub enum ReportState {
    /// Nothing to report (or verified since).
    Clear,
    /// Report sent in block `at` with `nonce`; sent again if it has not landed after the
    /// resubmission window.
    Sent {
        /// The report's nonce.
        nonce: u64,
        /// Block it was sent in.
        at: u32,
    },
    /// The report is on-chain.
    Landed,
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

/// Key of the raw text in slot `seq`.
pub fn queue_raw_key(seq: u64) -> Vec<u8> {
    key_with(b"medchain::queue::raw::", &seq.to_be_bytes())
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

/// Key marking record `id` as held (so it is held once).
pub fn held_id_key(id: RecordId) -> Vec<u8> {
    key_with(b"medchain::held::id::", &id.to_be_bytes())
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
    /// The location is neither empty (the node's own store) nor an `http://` or
    /// `https://` URL of a data manager's store.
    BadLocation,
    /// A label looks like personal data (labels are public).
    PersonalLabel(usize, crate::labels::PersonalData),
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
            Self::BadLocation => write!(
                f,
                "the location must be a store's http:// or https:// URL (or empty: this \
                 node's own store)"
            ),
            Self::PersonalLabel(i, kind) => write!(
                f,
                "label {i} looks like {}: labels are public, never put personal data in one",
                match kind {
                    crate::labels::PersonalData::IdNumber => "a resident ID number",
                    crate::labels::PersonalData::PhoneNumber => "a phone number",
                }
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
        if let Some(kind) = crate::labels::personal_data_in(label) {
            return Err(EnqueueError::PersonalLabel(i, kind));
        }
    }
    if record.location.len() > MAX_LOCATION_LEN as usize {
        return Err(EnqueueError::LocationTooLong(record.location.len()));
    }
    if !record.location.is_empty() && !is_store_url(&record.location) {
        return Err(EnqueueError::BadLocation);
    }
    Ok(())
}

/// Whether `location` names a store the worker uploads to (`http://` or `https://`
/// followed by a host).
pub fn is_store_url(location: &[u8]) -> bool {
    [&b"http://"[..], b"https://"]
        .iter()
        .any(|scheme| location.len() > scheme.len() && location.starts_with(scheme))
        && location.iter().all(|b| b.is_ascii_graphic())
}

/// Appends a record to the queue in a node's off-chain database (`prefix`: where the
/// database files the persistent kind); returns its slot.
///
/// The text and the item are written before `tail` moves past their slot, so the worker
/// never sees a slot without them. Callers must not append concurrently (the node's RPC
/// holds one lock for all its connections); the worker changes the meta at the same
/// time, which compare-and-set resolves.
#[cfg(feature = "std")]
pub fn enqueue<S, AccountId>(
    storage: &mut S,
    prefix: &[u8],
    record: &QueuedRecord<AccountId>,
) -> Result<u64, EnqueueError>
where
    S: sp_core::offchain::OffchainStorage,
    AccountId: Encode + Clone,
{
    check_queueable(record)?;
    let raw_len = record.raw.len() as u64;
    let item = QueuedItem {
        raw_len,
        labels: record.labels.clone(),
        location: record.location.clone(),
        manager: record.manager.clone(),
    };
    let mut written = None;
    loop {
        let old = storage.get(prefix, QUEUE_META_KEY);
        let meta = match &old {
            Some(bytes) => QueueMeta::decode(&mut &bytes[..]).map_err(|_| EnqueueError::Corrupt)?,
            None => QueueMeta::default(),
        };
        if !meta.fits(raw_len) {
            if let Some(seq) = written {
                storage.remove(prefix, &queue_item_key(seq));
                storage.remove(prefix, &queue_raw_key(seq));
            }
            return Err(EnqueueError::QueueFull(meta));
        }
        let seq = meta.tail;
        if written != Some(seq) {
            storage.set(prefix, &queue_raw_key(seq), &record.raw);
            storage.set(prefix, &queue_item_key(seq), &item.encode());
            written = Some(seq);
        }
        let new = QueueMeta {
            tail: seq.saturating_add(1),
            items: meta.items.saturating_add(1),
            bytes: meta.bytes.saturating_add(raw_len),
            ..meta
        };
        if storage.compare_and_set(prefix, QUEUE_META_KEY, old.as_deref(), &new.encode()) {
            return Ok(seq);
        }
    }
}

/// Asks the worker to drop the record in `slot` at its next run (the record cannot
/// register, or is not wanted any more). Returns whether the slot holds a record.
#[cfg(feature = "std")]
pub fn request_drop<S: sp_core::offchain::OffchainStorage>(
    storage: &mut S,
    prefix: &[u8],
    slot: u64,
) -> Result<bool, EnqueueError> {
    if storage.get(prefix, &queue_item_key(slot)).is_none() {
        return Ok(false);
    }
    loop {
        let old = storage.get(prefix, DROPS_KEY);
        let mut drops = match &old {
            Some(bytes) => {
                Vec::<u64>::decode(&mut &bytes[..]).map_err(|_| EnqueueError::Corrupt)?
            }
            None => Vec::new(),
        };
        if drops.contains(&slot) {
            return Ok(true);
        }
        drops.push(slot);
        if storage.compare_and_set(prefix, DROPS_KEY, old.as_deref(), &drops.encode()) {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests;
