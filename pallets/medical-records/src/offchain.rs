//! The off-chain worker: each node's data-processing module (the paper's §4.2 step 2).
//!
//! The node's operator queues raw records on their own node (`medchain_submitRaw` or
//! `medchain records ingest`); they land in the node's persistent off-chain storage in
//! the layout of [`medchain_primitives::offchain`]. After every imported best block the
//! worker, running inside the runtime (WASM):
//!
//! 1. takes the queue's lock (one run at a time; a crashed run's lock expires);
//! 2. finds the node's `medr` key, preferring one whose account holds the data-owner
//!    role; without such a key or role nothing moves and the log says why;
//! 3. walks the queue from its head: compresses new items with `medchain-lzw` in `auto`
//!    mode (at most [`Config::WorkerByteBudget`] raw bytes and
//!    [`Config::WorkerTimeBudgetMs`] per run, always at least one item), keeps each blob
//!    under its `content_hash`, and drops items whose registration it sees on-chain
//!    (`RecordByRawHash`), remembering the record for verification;
//! 4. submits `register_record` for up to [`Config::WorkerMaxSubmissions`] prepared items,
//!    signed with the `medr` key with consecutive nonces, unless an earlier wave is still
//!    in flight (so nonces never collide); an item submitted but not seen after
//!    [`Config::ResubmitAfter`] blocks is submitted again. The chain refuses a second
//!    record of the same text by the same owner, so nothing is registered twice;
//! 5. every [`Config::VerifyInterval`] blocks, re-verifies [`Config::VerifyBatch`] held
//!    records round-robin (blob present, its hash, decompression, the text's hash and
//!    length) and reports a failure once with [`Pallet::report_integrity_failure`].
//!
//! Items leave the queue only once their record is on-chain, so a crash, a restart or a
//! dropped transaction loses nothing.

use super::*;
use frame_system::offchain::{AppCrypto, CreateSignedTransaction, SubmitTransaction};
use medchain_primitives::{
    offchain::{
        blob_key, held_key, own_location, queue_item_key, queue_state_key, HeldMeta, HeldRecord,
        ItemState, Prepared, QueueMeta, QueuedRecord, HELD_META_KEY, QUEUE_META_KEY,
        WORKER_LOCK_KEY,
    },
    Codec, CodecMethod, IntegrityFault,
};
use sp_io::offchain::{local_storage_get, local_storage_set};
use sp_runtime::{
    offchain::{
        storage::StorageValueRef,
        storage_lock::{StorageLock, Time},
        Duration, StorageKind,
    },
    traits::IdentifyAccount,
    RuntimeAppPublic,
};

const LOG_TARGET: &str = "medchain::worker";
/// A run holds the queue at most this long; a crashed run's lock expires after it.
const LOCK_DEADLINE_MS: u64 = 20_000;
/// Warnings that would repeat every block (missing key or role) are logged this often.
const REPEAT_WARNING_EVERY: u32 = 10;
/// How many times a compare-and-set on the queue's meta is retried.
const CAS_ATTEMPTS: u32 = 16;

/// The node's signing key and its account.
pub(crate) struct NodeKey<T: Config> {
    public: T::Public,
    pub(crate) account: T::AccountId,
}

/// What one run did (logged, and checked by the tests).
#[derive(Default, Debug, PartialEq, Eq)]
pub(crate) struct Progress {
    /// Items compressed.
    pub prepared: u32,
    /// Raw bytes compressed.
    pub bytes: u64,
    /// Milliseconds spent compressing.
    pub compress_ms: u64,
    /// Registrations submitted.
    pub submitted: u32,
    /// Items dropped from the queue because their record is on-chain.
    pub registered: u32,
    /// Whether an earlier wave was still in flight.
    pub in_flight: bool,
    /// Held records verified, and failures reported.
    pub verified: u32,
    pub reported: u32,
}

fn now_ms() -> u64 {
    sp_io::offchain::timestamp().unix_millis()
}

fn read<V: Decode>(key: &[u8]) -> Option<V> {
    StorageValueRef::persistent(key).get::<V>().ok().flatten()
}

fn codec_method(method: medchain_lzw::Method) -> CodecMethod {
    match method {
        medchain_lzw::Method::Stored => CodecMethod::Stored,
        medchain_lzw::Method::Bytes => CodecMethod::Bytes,
        medchain_lzw::Method::Hanzi => CodecMethod::Hanzi,
        medchain_lzw::Method::PaperMixed => CodecMethod::PaperMixed,
        medchain_lzw::Method::Framed => CodecMethod::Framed,
    }
}

impl<T: Config> Pallet<T> {
    /// One run of the worker at block `now`.
    pub(crate) fn run_worker(now: BlockNumberFor<T>) -> Progress {
        let block: u32 = now.saturated_into();
        let mut lock = StorageLock::<Time>::with_deadline(
            WORKER_LOCK_KEY,
            Duration::from_millis(LOCK_DEADLINE_MS),
        );
        let Ok(_guard) = lock.try_lock() else {
            log::debug!(target: LOG_TARGET, "block {block}: an earlier run still holds the queue");
            return Progress::default();
        };
        let key = Self::node_key();
        let mut progress = Progress::default();
        Self::process_queue(block, key.as_ref(), &mut progress);
        Self::verify_held(block, key.as_ref(), &mut progress);
        if progress != Progress::default() {
            log::info!(
                target: LOG_TARGET,
                "block {block}: compressed {} records ({} bytes) in {} ms, submitted {}, \
                 registered {}, verified {}, reported {}{}",
                progress.prepared,
                progress.bytes,
                progress.compress_ms,
                progress.submitted,
                progress.registered,
                progress.verified,
                progress.reported,
                if progress.in_flight { ", waiting for the last wave" } else { "" },
            );
        }
        progress
    }

    /// The `medr` key to sign with: the first whose account holds the data-owner role,
    /// else the first one.
    pub(crate) fn node_key() -> Option<NodeKey<T>> {
        type Generic<T> = <<T as Config>::AuthorityId as AppCrypto<
            <T as frame_system::offchain::SigningTypes>::Public,
            <T as frame_system::offchain::SigningTypes>::Signature,
        >>::GenericPublic;
        let mut first = None;
        let keys = <<T::AuthorityId as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic as RuntimeAppPublic>::all();
        for key in keys {
            let public: T::Public = Generic::<T>::from(key).into();
            let account = public.clone().into_account();
            let node_key = NodeKey { public, account };
            if T::Roles::has_role(&node_key.account, Role::DataOwner) {
                return Some(node_key);
            }
            first.get_or_insert(node_key);
        }
        first
    }

    fn process_queue(block: u32, key: Option<&NodeKey<T>>, progress: &mut Progress) {
        let meta: QueueMeta = read(QUEUE_META_KEY).unwrap_or_default();
        if meta.is_empty() {
            return;
        }
        let loud = block % REPEAT_WARNING_EVERY == 0;
        let Some(key) = key else {
            if loud {
                log::warn!(
                    target: LOG_TARGET,
                    "{} records queued, but the keystore has no `medr` key: insert one \
                     (author_insertKey or `key insert --key-type medr`)",
                    meta.len()
                );
            }
            return;
        };
        if !T::Roles::has_role(&key.account, Role::DataOwner) {
            if loud {
                log::warn!(
                    target: LOG_TARGET,
                    "{} records stay queued: the `medr` key's account {:?} does not hold the \
                     data-owner role (the council assigns it with Access.assignRole)",
                    meta.len(),
                    key.account
                );
            }
            return;
        }

        let chain_nonce: u64 =
            frame_system::Pallet::<T>::account_nonce(&key.account).saturated_into();
        let started = now_ms();
        let byte_budget = u64::from(T::WorkerByteBudget::get());
        let time_budget = T::WorkerTimeBudgetMs::get();
        let max_submissions = T::WorkerMaxSubmissions::get() as usize;
        let resubmit_after = T::ResubmitAfter::get();
        let mut ready: Vec<(u64, RecordInputOf<T>, Prepared)> = Vec::new();

        for seq in meta.head..meta.tail {
            if ready.len() >= max_submissions {
                break;
            }
            let state: Option<ItemState> = read(&queue_state_key(seq));
            let mut item = None;
            let prepared = match state {
                Some(state) => *state.prepared(),
                None => {
                    let Some(queued) = Self::read_item(seq) else {
                        continue;
                    };
                    let spent = progress.bytes > 0
                        && (progress.bytes.saturating_add(queued.raw.len() as u64) > byte_budget
                            || now_ms().saturating_sub(started) >= time_budget);
                    if spent {
                        break;
                    }
                    let Some(prepared) = Self::prepare(seq, &queued.raw) else {
                        continue;
                    };
                    progress.prepared += 1;
                    progress.bytes = progress.bytes.saturating_add(prepared.raw_len);
                    item = Some(queued);
                    prepared
                }
            };
            if let Some(id) = RecordByRawHash::<T>::get(&key.account, prepared.raw_hash) {
                Self::finish(seq, &prepared, id);
                progress.registered += 1;
                continue;
            }
            if let Some(ItemState::Submitted { at, nonce, .. }) = state {
                if block < at.saturating_add(resubmit_after) {
                    // Still in the pool (or queued for a block) if the account's nonce has
                    // not passed it; otherwise it landed and failed, and waits out its
                    // window so that a lasting failure does not burn a fee every block.
                    progress.in_flight |= chain_nonce <= nonce;
                    continue;
                }
                log::warn!(
                    target: LOG_TARGET,
                    "slot {seq}: not registered {resubmit_after} blocks after submission \
                     (dropped, or failed: see the events of the blocks since {at}); submitting again"
                );
            }
            let Some(queued) = item.or_else(|| Self::read_item(seq)) else {
                continue;
            };
            match Self::input_for(&queued, &prepared) {
                Ok(input) => match Self::ensure_registrable(&key.account, &input, None) {
                    Ok(()) => ready.push((seq, input, prepared)),
                    Err(error) => log::warn!(
                        target: LOG_TARGET,
                        "slot {seq} stays queued: the chain would refuse it ({error:?})"
                    ),
                },
                Err(why) => log::warn!(target: LOG_TARGET, "slot {seq} stays queued: {why}"),
            }
        }
        progress.compress_ms = now_ms().saturating_sub(started);

        if progress.in_flight {
            return;
        }
        for (offset, (seq, input, prepared)) in ready.into_iter().enumerate() {
            let nonce = chain_nonce.saturating_add(offset as u64);
            if !Self::submit(key, Call::register_record { input }, nonce) {
                log::error!(target: LOG_TARGET, "slot {seq}: the pool refused the registration");
                break;
            }
            let state = ItemState::Submitted {
                prepared,
                at: block,
                nonce,
            };
            StorageValueRef::persistent(&queue_state_key(seq)).set(&state);
            progress.submitted += 1;
            log::info!(
                target: LOG_TARGET,
                "slot {seq}: register_record submitted (raw_hash {:?}, content_hash {:?}, nonce {nonce})",
                prepared.raw_hash,
                prepared.content_hash
            );
        }
    }

    fn read_item(seq: u64) -> Option<QueuedRecord<T::AccountId>> {
        let bytes = local_storage_get(StorageKind::PERSISTENT, &queue_item_key(seq))?;
        match QueuedRecord::decode(&mut &bytes[..]) {
            Ok(item) => Some(item),
            Err(_) => {
                log::error!(target: LOG_TARGET, "slot {seq} cannot be decoded; skipped");
                None
            }
        }
    }

    /// Compresses one raw record, keeps its blob and notes the result in the queue.
    fn prepare(seq: u64, raw: &[u8]) -> Option<Prepared> {
        let started = now_ms();
        let blob = match medchain_lzw::compress(raw, &medchain_lzw::Options::default()) {
            Ok(blob) => blob,
            Err(error) => {
                log::error!(target: LOG_TARGET, "slot {seq} does not compress: {error:?}");
                return None;
            }
        };
        let method = match medchain_lzw::read_header(&blob) {
            Ok(header) => codec_method(header.method),
            Err(error) => {
                log::error!(target: LOG_TARGET, "slot {seq}: unreadable container: {error:?}");
                return None;
            }
        };
        let prepared = Prepared {
            raw_hash: sp_io::hashing::blake2_256(raw).into(),
            content_hash: sp_io::hashing::blake2_256(&blob).into(),
            raw_len: raw.len() as u64,
            compressed_len: blob.len() as u64,
            method,
        };
        local_storage_set(
            StorageKind::PERSISTENT,
            &blob_key(&prepared.content_hash),
            &blob,
        );
        StorageValueRef::persistent(&queue_state_key(seq)).set(&ItemState::Prepared(prepared));
        log::info!(
            target: LOG_TARGET,
            "slot {seq}: {} → {} bytes ({method:?}) in {} ms",
            prepared.raw_len,
            prepared.compressed_len,
            now_ms().saturating_sub(started)
        );
        Some(prepared)
    }

    fn input_for(
        item: &QueuedRecord<T::AccountId>,
        prepared: &Prepared,
    ) -> Result<RecordInputOf<T>, &'static str> {
        let labels = item
            .labels
            .iter()
            .map(|label| LabelOf::<T>::try_from(label.clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| "a label is longer than this runtime's MaxLabelLen")?;
        let labels = LabelsOf::<T>::try_from(labels)
            .map_err(|_| "more labels than this runtime's MaxLabels")?;
        let location = if item.location.is_empty() {
            own_location(&prepared.content_hash)
        } else {
            item.location.clone()
        };
        let location = LocationOf::<T>::try_from(location)
            .map_err(|_| "the location is longer than this runtime's MaxLocationLen")?;
        Ok(RecordInput {
            raw_hash: prepared.raw_hash,
            content_hash: prepared.content_hash,
            raw_len: prepared.raw_len,
            compressed_len: prepared.compressed_len,
            codec: Codec {
                method: prepared.method,
                dictionary: None,
            },
            labels,
            location,
            manager: item.manager.clone(),
        })
    }

    fn submit(key: &NodeKey<T>, call: Call<T>, nonce: u64) -> bool {
        let Some(xt) =
            <T as CreateSignedTransaction<Call<T>>>::create_signed_transaction::<T::AuthorityId>(
                call.into(),
                key.public.clone(),
                key.account.clone(),
                nonce.saturated_into(),
            )
        else {
            log::error!(target: LOG_TARGET, "the `medr` key could not sign a transaction");
            return false;
        };
        SubmitTransaction::<T, Call<T>>::submit_transaction(xt).is_ok()
    }

    /// The record of slot `seq` is on-chain as `id`: hold it for verification (if it names
    /// the blob this node made) and drop the item from the queue.
    fn finish(seq: u64, prepared: &Prepared, id: RecordId) {
        let ours = Records::<T>::get(id)
            .is_some_and(|record| record.input.content_hash == prepared.content_hash);
        if ours {
            let mut held: HeldMeta = read(HELD_META_KEY).unwrap_or_default();
            StorageValueRef::persistent(&held_key(held.count)).set(&HeldRecord {
                id,
                content_hash: prepared.content_hash,
                reported: false,
            });
            held.count = held.count.saturating_add(1);
            StorageValueRef::persistent(HELD_META_KEY).set(&held);
        }
        StorageValueRef::persistent(&queue_item_key(seq)).clear();
        StorageValueRef::persistent(&queue_state_key(seq)).clear();
        Self::release_bytes(prepared.raw_len);
        log::info!(target: LOG_TARGET, "slot {seq}: registered as record #{id}");
    }

    /// Takes `raw_len` bytes off the queue's count and moves its head past the slots
    /// already emptied. The RPC may append at the same time, hence compare-and-set.
    fn release_bytes(raw_len: u64) {
        for _ in 0..CAS_ATTEMPTS {
            let updated = StorageValueRef::persistent(QUEUE_META_KEY).mutate(
                |meta: Result<Option<QueueMeta>, _>| -> Result<QueueMeta, ()> {
                    let mut meta = meta.ok().flatten().unwrap_or_default();
                    meta.bytes = meta.bytes.saturating_sub(raw_len);
                    while meta.head < meta.tail
                        && local_storage_get(StorageKind::PERSISTENT, &queue_item_key(meta.head))
                            .is_none()
                    {
                        meta.head += 1;
                    }
                    Ok(meta)
                },
            );
            if updated.is_ok() {
                return;
            }
        }
        log::error!(target: LOG_TARGET, "the queue's meta kept changing; its byte count may be off");
    }

    /// Re-verifies a batch of held records on the blocks of the verification schedule.
    fn verify_held(block: u32, key: Option<&NodeKey<T>>, progress: &mut Progress) {
        let interval = T::VerifyInterval::get();
        if interval == 0 || block % interval != 0 {
            return;
        }
        let mut meta: HeldMeta = read(HELD_META_KEY).unwrap_or_default();
        if meta.count == 0 {
            return;
        }
        let mut nonce = key.map(|key| {
            let chain: u64 =
                frame_system::Pallet::<T>::account_nonce(&key.account).saturated_into();
            chain.saturating_add(u64::from(progress.submitted))
        });
        for _ in 0..u64::from(T::VerifyBatch::get()).min(meta.count) {
            let n = meta.cursor % meta.count;
            meta.cursor = n.saturating_add(1);
            let Some(mut held) = read::<HeldRecord>(&held_key(n)) else {
                continue;
            };
            let Some(record) = Records::<T>::get(held.id) else {
                continue;
            };
            progress.verified += 1;
            let fault = Self::check_blob(&record);
            match fault {
                None if held.reported => {
                    held.reported = false;
                    log::info!(target: LOG_TARGET, "record #{} verifies again", held.id);
                }
                None => continue,
                Some(fault) => {
                    log::error!(
                        target: LOG_TARGET,
                        "record #{}: integrity check failed ({fault:?})",
                        held.id
                    );
                    if held.reported {
                        continue;
                    }
                    let allowed = key.filter(|key| {
                        key.account == record.owner || key.account == record.input.manager
                    });
                    let (Some(key), Some(next), false) = (allowed, nonce, progress.in_flight)
                    else {
                        // Reported by a later run, once a key may and no wave is in flight.
                        continue;
                    };
                    if !Self::submit(
                        key,
                        Call::report_integrity_failure { id: held.id, fault },
                        next,
                    ) {
                        log::error!(target: LOG_TARGET, "record #{}: the pool refused the report", held.id);
                        continue;
                    }
                    nonce = Some(next.saturating_add(1));
                    held.reported = true;
                    progress.reported += 1;
                }
            }
            StorageValueRef::persistent(&held_key(n)).set(&held);
        }
        StorageValueRef::persistent(HELD_META_KEY).set(&meta);
    }

    /// What is wrong with this node's blob of `record`, if anything.
    pub(crate) fn check_blob(record: &RecordOf<T>) -> Option<IntegrityFault> {
        let input = &record.input;
        let Some(blob) = local_storage_get(StorageKind::PERSISTENT, &blob_key(&input.content_hash))
        else {
            return Some(IntegrityFault::BlobMissing);
        };
        if H256::from(sp_io::hashing::blake2_256(&blob)) != input.content_hash {
            return Some(IntegrityFault::ContentMismatch);
        }
        let limit = usize::try_from(input.raw_len)
            .unwrap_or(usize::MAX)
            .min(medchain_lzw::MAX_ONE_SHOT_LEN);
        let raw = match medchain_lzw::decompress_with_limit(&blob, limit) {
            Ok(raw) => raw,
            // A sound container of a longer text.
            Err(medchain_lzw::Error::TooLarge) => return Some(IntegrityFault::RawMismatch),
            Err(_) => return Some(IntegrityFault::Undecodable),
        };
        if raw.len() as u64 != input.raw_len
            || H256::from(sp_io::hashing::blake2_256(&raw)) != input.raw_hash
        {
            return Some(IntegrityFault::RawMismatch);
        }
        None
    }
}
