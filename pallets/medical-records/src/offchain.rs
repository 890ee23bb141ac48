//! The off-chain worker: each node's data-processing module (the paper's §4.2 step 2).
//!
//! The node's operator queues raw records on their own node (`medchain_submitRaw` or
//! `medchain records ingest`); they land in the node's persistent off-chain storage in
//! the layout of [`medchain_primitives::offchain`]. After every imported best block the
//! worker, running inside the runtime (WASM):
//!
//! 1. takes the queue's lock (one run at a time; a crashed run's lock expires), and
//!    drops the slots the operator asked to drop;
//! 2. finds the node's `medr` key, preferring one whose account holds the data-owner
//!    role; without such a key or role nothing moves and the log says why;
//! 3. walks the queue from its head: compresses new items with `medchain-lzw` in `auto`
//!    mode, primed with the newest active dictionary of the text's language when the
//!    council has registered one and it makes the blob smaller (the record then names
//!    it; see [`LoadedDictionaries`]) (at most [`Config::WorkerByteBudget`] raw bytes per run, always at least one
//!    item, and nothing new after [`Config::WorkerTimeBudgetMs`]), keeps each blob under
//!    its `content_hash`, and notes items whose registration it sees on-chain
//!    (`RecordByRawHash`); [`CONFIRMATIONS`] blocks later such an item leaves the queue
//!    and its record is held for verification;
//! 4. submits `register_record` for up to [`Config::WorkerMaxSubmissions`] items, signed
//!    with the `medr` key with consecutive nonces, unless its previous wave
//!    ([`WAVE_KEY`]) is still in flight, so that nonces never collide. An item not
//!    registered [`Config::ResubmitAfter`] blocks after submission is submitted again, at
//!    most [`MAX_ATTEMPTS`] times; then it stalls until the operator drops it. The chain
//!    refuses a second live record of the same text by the same owner, and a wave never
//!    carries one text twice, so nothing registers twice;
//! 5. every [`Config::VerifyInterval`] blocks, re-verifies [`Config::VerifyBatch`] held
//!    records round-robin (blob present, its hash, decompression, the text's hash and
//!    length) and reports a failure with [`Pallet::report_integrity_failure`], once (sent
//!    again only if it did not land).
//!
//! Items leave the queue only once their record has been on-chain for a few blocks, so a
//! crash, a restart, a dropped transaction or a short reorganisation loses nothing.

use super::*;
use frame_system::offchain::{AppCrypto, CreateSignedTransaction, SubmitTransaction};
use medchain_primitives::{
    offchain::{
        blob_key, held_id_key, held_key, own_location, queue_item_key, queue_raw_key,
        queue_state_key, HeldMeta, HeldRecord, ItemState, Prepared, QueueMeta, QueuedItem,
        ReportState, Wave, CONFIRMATIONS, DROPS_KEY, HELD_META_KEY, MAX_ATTEMPTS, QUEUE_META_KEY,
        WAVE_KEY, WORKER_LOCK_KEY,
    },
    Codec, CodecMethod, IntegrityFault,
};
use sp_io::offchain::{local_storage_clear, local_storage_get, local_storage_set};
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
/// Runs stop starting work after the time budget, so this is far above a run's length.
const LOCK_DEADLINE_MS: u64 = 20_000;
/// Warnings that would repeat every block (missing key or role) are logged this often.
const REPEAT_WARNING_EVERY: u32 = 10;
/// How many times a compare-and-set on a shared key is retried.
const CAS_ATTEMPTS: u32 = 16;

/// The dictionary registry's language for the codec's reading of a text.
fn dictionary_language(language: medchain_lzw::Language) -> DictionaryLanguage {
    match language {
        medchain_lzw::Language::Chinese => DictionaryLanguage::Chinese,
        medchain_lzw::Language::English => DictionaryLanguage::English,
        medchain_lzw::Language::Mixed => DictionaryLanguage::Mixed,
    }
}

/// Primed dictionaries loaded during one run, each at most once: loading parses the
/// file from the preimage store and builds its tables, which costs milliseconds, while
/// compressing or checking a record with a loaded one costs nothing extra.
#[derive(Default)]
pub(crate) struct LoadedDictionaries {
    /// By id; `None` when the bytes are missing or are not a dictionary with that id.
    loaded: Vec<(H256, Option<medchain_lzw::Dictionary>)>,
}

impl LoadedDictionaries {
    /// The registered dictionary `id`, loaded.
    fn get<T: Config>(&mut self, id: H256) -> Option<&medchain_lzw::Dictionary> {
        let index = match self.loaded.iter().position(|(loaded, _)| *loaded == id) {
            Some(index) => index,
            None => {
                let dictionary = Pallet::<T>::dictionary_bytes(id).and_then(|bytes| {
                    match medchain_lzw::Dictionary::from_bytes(&bytes) {
                        Ok(dictionary) if dictionary.id() == id.0 => Some(dictionary),
                        Ok(_) => None,
                        Err(error) => {
                            log::error!(
                                target: LOG_TARGET,
                                "registered dictionary {id:?} is not a valid dictionary: {error}"
                            );
                            None
                        }
                    }
                });
                if dictionary.is_none() {
                    log::error!(target: LOG_TARGET, "dictionary {id:?} is not available");
                }
                self.loaded.push((id, dictionary));
                self.loaded.len() - 1
            }
        };
        self.loaded
            .get(index)
            .and_then(|(_, dictionary)| dictionary.as_ref())
    }
}

type ItemStateOf<T> = ItemState<<T as frame_system::Config>::AccountId>;

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
    /// Milliseconds the queue took.
    pub queue_ms: u64,
    /// Registrations submitted.
    pub submitted: u32,
    /// Items whose record was seen on-chain for the first time.
    pub seen: u32,
    /// Items that left the queue, registered.
    pub registered: u32,
    /// Items dropped at the operator's request.
    pub dropped: u32,
    /// Whether the previous wave was still in flight.
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

fn write<V: Encode>(key: &[u8], value: &V) {
    StorageValueRef::persistent(key).set(value);
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

/// Nonces for this run's transactions.
struct Nonces {
    /// The account's next nonce on-chain.
    chain: u64,
    /// The next nonce to use; `None` while the previous wave is in flight.
    next: Option<u64>,
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
        let mut progress = Progress::default();
        Self::apply_drops(&mut progress);
        let key = Self::node_key();
        let mut nonces = key
            .as_ref()
            .map(|key| Self::nonces(block, key, &mut progress));
        if let (Some(key), Some(nonces)) = (key.as_ref(), nonces.as_mut()) {
            Self::process_queue(block, key, nonces, &mut progress);
        } else {
            Self::warn_idle(block, None);
        }
        Self::verify_held(block, key.as_ref(), nonces.as_mut(), &mut progress);
        if let (Some(key), Some(nonces)) = (key.as_ref(), nonces.as_ref()) {
            Self::note_wave(block, key, nonces);
        }
        if progress != Progress::default()
            && progress
                != (Progress {
                    in_flight: true,
                    ..Default::default()
                })
        {
            log::info!(
                target: LOG_TARGET,
                "block {block}: compressed {} records ({} bytes) in {} ms, submitted {}, \
                 registered {}, seen {}, dropped {}, verified {}, reported {}{}",
                progress.prepared,
                progress.bytes,
                progress.queue_ms,
                progress.submitted,
                progress.registered,
                progress.seen,
                progress.dropped,
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

    /// The nonces this run may use: none while the previous wave of this account is in
    /// flight (its last nonce unused and its window open).
    fn nonces(block: u32, key: &NodeKey<T>, progress: &mut Progress) -> Nonces {
        let chain: u64 = frame_system::Pallet::<T>::account_nonce(&key.account).saturated_into();
        let in_flight = read::<Wave<T::AccountId>>(WAVE_KEY).is_some_and(|wave| {
            wave.owner == key.account
                && chain < wave.next_nonce
                && block < wave.at.saturating_add(T::ResubmitAfter::get())
        });
        progress.in_flight = in_flight;
        Nonces {
            chain,
            next: (!in_flight).then_some(chain),
        }
    }

    /// Remembers this run's wave, if it sent anything.
    fn note_wave(block: u32, key: &NodeKey<T>, nonces: &Nonces) {
        if let Some(next) = nonces.next.filter(|next| *next > nonces.chain) {
            write(
                WAVE_KEY,
                &Wave {
                    owner: key.account.clone(),
                    next_nonce: next,
                    at: block,
                },
            );
        }
    }

    fn warn_idle(block: u32, key: Option<&NodeKey<T>>) {
        let meta: QueueMeta = read(QUEUE_META_KEY).unwrap_or_default();
        if meta.is_empty() || block % REPEAT_WARNING_EVERY != 0 {
            return;
        }
        match key {
            None => log::warn!(
                target: LOG_TARGET,
                "{} records queued, but the keystore has no `medr` key: insert one \
                 (author_insertKey or `key insert --key-type medr`)",
                meta.items
            ),
            Some(key) => log::warn!(
                target: LOG_TARGET,
                "{} records stay queued: the `medr` key's account {:?} does not hold the \
                 data-owner role (the council assigns it with Access.assignRole)",
                meta.items,
                key.account
            ),
        }
    }

    /// Removes the slots the operator asked to drop (only the worker removes items).
    fn apply_drops(progress: &mut Progress) {
        let Ok(Some(drops)) = StorageValueRef::persistent(DROPS_KEY).get::<Vec<u64>>() else {
            return;
        };
        for seq in &drops {
            if let Some(item) = Self::read_item(*seq) {
                Self::remove_item(*seq, item.raw_len);
                progress.dropped += 1;
                log::info!(target: LOG_TARGET, "slot {seq}: dropped at the operator's request");
            }
        }
        // The RPC may have appended meanwhile: remove only what was taken.
        for _ in 0..CAS_ATTEMPTS {
            let taken = StorageValueRef::persistent(DROPS_KEY).mutate(
                |now: Result<Option<Vec<u64>>, _>| -> Result<Vec<u64>, ()> {
                    let mut now = now.ok().flatten().unwrap_or_default();
                    now.retain(|seq| !drops.contains(seq));
                    Ok(now)
                },
            );
            if taken.is_ok() {
                return;
            }
        }
    }

    fn process_queue(block: u32, key: &NodeKey<T>, nonces: &mut Nonces, progress: &mut Progress) {
        let meta: QueueMeta = read(QUEUE_META_KEY).unwrap_or_default();
        if meta.is_empty() {
            return;
        }
        if !T::Roles::has_role(&key.account, Role::DataOwner) {
            Self::warn_idle(block, Some(key));
            return;
        }
        let started = now_ms();
        let byte_budget = u64::from(T::WorkerByteBudget::get());
        let time_budget = T::WorkerTimeBudgetMs::get();
        let max_submissions = T::WorkerMaxSubmissions::get() as usize;
        let resubmit_after = T::ResubmitAfter::get();
        let mut ready: Vec<(u64, RecordInputOf<T>, Prepared, u8)> = Vec::new();
        let mut dictionaries = LoadedDictionaries::default();

        for seq in meta.head..meta.tail {
            // Past the time budget, stop once this run has done some work (walking the
            // slots alone is cheap: they are bounded and their texts are not read).
            let worked = progress.prepared > 0 || !ready.is_empty();
            if worked && now_ms().saturating_sub(started) >= time_budget {
                break;
            }
            let state: Option<ItemStateOf<T>> = read(&queue_state_key(seq));
            let state = match state {
                Some(state) => state,
                None => {
                    let Some(item) = Self::read_item(seq) else {
                        continue;
                    };
                    if progress.bytes > 0
                        && progress.bytes.saturating_add(item.raw_len) > byte_budget
                    {
                        break;
                    }
                    let Some(prepared) = Self::prepare(seq, &mut dictionaries) else {
                        continue;
                    };
                    progress.prepared += 1;
                    progress.bytes = progress.bytes.saturating_add(prepared.raw_len);
                    ItemState::Prepared(prepared)
                }
            };
            let prepared = *state.prepared();
            let owner = match &state {
                ItemState::Submitted { owner, .. } | ItemState::Seen { owner, .. } => owner.clone(),
                _ => key.account.clone(),
            };

            if let ItemState::Seen { id, at, .. } = state {
                // Still on-chain (live, or retracted or amended since): it stays registered.
                let on_chain = Records::<T>::get(id)
                    .is_some_and(|r| r.owner == owner && r.input.raw_hash == prepared.raw_hash);
                if !on_chain {
                    log::warn!(
                        target: LOG_TARGET,
                        "slot {seq}: record #{id} is no longer on-chain (reorganised away); registering again"
                    );
                    write(&queue_state_key(seq), &ItemStateOf::<T>::Prepared(prepared));
                } else if block >= at.saturating_add(CONFIRMATIONS) {
                    Self::finish(seq, &prepared, id);
                    progress.registered += 1;
                }
                continue;
            }
            if let Some(id) = RecordByRawHash::<T>::get(&owner, prepared.raw_hash) {
                write(
                    &queue_state_key(seq),
                    &ItemStateOf::<T>::Seen {
                        prepared,
                        owner,
                        id,
                        at: block,
                    },
                );
                progress.seen += 1;
                continue;
            }

            let attempts = match state {
                ItemState::Stalled(_) => continue,
                ItemState::Prepared(_) => 0,
                ItemState::Submitted {
                    at,
                    nonce,
                    attempts,
                    ..
                } => {
                    if block < at.saturating_add(resubmit_after) {
                        // Pending, or landed and failed: either way it waits out its
                        // window, so a lasting failure does not burn a fee every block.
                        continue;
                    }
                    let landed = nonces.chain > nonce;
                    if attempts >= MAX_ATTEMPTS {
                        log::error!(
                            target: LOG_TARGET,
                            "slot {seq}: {attempts} registrations produced no record (see the \
                             events of the blocks since {at}); it stalls: fix the cause and \
                             queue it again, or drop it (`medchain records drop {seq}`)"
                        );
                        write(&queue_state_key(seq), &ItemStateOf::<T>::Stalled(prepared));
                        continue;
                    }
                    log::warn!(
                        target: LOG_TARGET,
                        "slot {seq}: not registered {resubmit_after} blocks after submission ({}); \
                         submitting again",
                        if landed { "it landed and failed: see the events of its block" } else { "dropped" }
                    );
                    attempts
                }
                ItemState::Seen { .. } => continue,
            };
            if nonces.next.is_none() {
                // The previous wave is in flight; new submissions wait for it.
                continue;
            }
            if ready.len() >= max_submissions {
                break;
            }
            if ready
                .iter()
                .any(|(_, _, other, _)| other.raw_hash == prepared.raw_hash)
            {
                // The same text earlier in this wave; it registers for both.
                continue;
            }
            let Some(item) = Self::read_item(seq) else {
                continue;
            };
            match Self::input_for(&item, &prepared) {
                Ok(input) => match Self::ensure_registrable(&key.account, &input, None) {
                    Ok(()) => ready.push((seq, input, prepared, attempts)),
                    Err(error) => log::warn!(
                        target: LOG_TARGET,
                        "slot {seq} stays queued: the chain would refuse it ({})",
                        <&'static str>::from(error)
                    ),
                },
                Err(why) => log::warn!(target: LOG_TARGET, "slot {seq} stays queued: {why}"),
            }
        }
        progress.queue_ms = now_ms().saturating_sub(started);

        for (seq, input, prepared, attempts) in ready {
            let Some(nonce) = nonces.next else { break };
            if !Self::submit(key, Call::register_record { input }, nonce) {
                log::error!(target: LOG_TARGET, "slot {seq}: the pool refused the registration");
                break;
            }
            nonces.next = Some(nonce.saturating_add(1));
            write(
                &queue_state_key(seq),
                &ItemStateOf::<T>::Submitted {
                    prepared,
                    owner: key.account.clone(),
                    at: block,
                    nonce,
                    attempts: attempts.saturating_add(1),
                },
            );
            progress.submitted += 1;
            log::info!(
                target: LOG_TARGET,
                "slot {seq}: register_record submitted (raw_hash {:?}, content_hash {:?}, nonce {nonce})",
                prepared.raw_hash,
                prepared.content_hash
            );
        }
    }

    fn read_item(seq: u64) -> Option<QueuedItem<T::AccountId>> {
        let bytes = local_storage_get(StorageKind::PERSISTENT, &queue_item_key(seq))?;
        match QueuedItem::decode(&mut &bytes[..]) {
            Ok(item) => Some(item),
            Err(_) => {
                log::error!(target: LOG_TARGET, "slot {seq} cannot be decoded; skipped");
                None
            }
        }
    }

    /// Compresses the text of slot `seq` (with the newest active dictionary of its
    /// language, if any), keeps its blob and notes the result.
    fn prepare(seq: u64, dictionaries: &mut LoadedDictionaries) -> Option<Prepared> {
        let started = now_ms();
        let raw = local_storage_get(StorageKind::PERSISTENT, &queue_raw_key(seq))?;
        let options = medchain_lzw::Options::default();
        let language = dictionary_language(medchain_lzw::detect_language(&raw, options.encoding));
        let dictionary =
            Self::active_dictionary(language).and_then(|(id, _)| dictionaries.get::<T>(id));
        let blob = match medchain_lzw::compress_with(&raw, &options, dictionary) {
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
            raw_hash: sp_io::hashing::blake2_256(&raw).into(),
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
        write(&queue_state_key(seq), &ItemStateOf::<T>::Prepared(prepared));
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
        item: &QueuedItem<T::AccountId>,
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
                dictionary: Self::blob_dictionary(&prepared.content_hash),
            },
            labels,
            location,
            manager: item.manager.clone(),
        })
    }

    /// The dictionary the kept blob `content_hash` names in its header. Read from the
    /// blob rather than kept beside it, so that the worker's stored state keeps the
    /// layout older runtimes wrote.
    fn blob_dictionary(content_hash: &H256) -> Option<H256> {
        let blob = local_storage_get(StorageKind::PERSISTENT, &blob_key(content_hash))?;
        medchain_lzw::read_header(&blob).ok()?.dictionary.map(H256)
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

    /// The record of slot `seq` has been on-chain as `id` for [`CONFIRMATIONS`] blocks:
    /// hold it for verification (once, and only if it names the blob this node made) and
    /// drop the item from the queue.
    fn finish(seq: u64, prepared: &Prepared, id: RecordId) {
        let ours = Records::<T>::get(id)
            .is_some_and(|record| record.input.content_hash == prepared.content_hash);
        if ours && local_storage_get(StorageKind::PERSISTENT, &held_id_key(id)).is_none() {
            let mut held: HeldMeta = read(HELD_META_KEY).unwrap_or_default();
            write(
                &held_key(held.count),
                &HeldRecord {
                    id,
                    content_hash: prepared.content_hash,
                    report: ReportState::Clear,
                },
            );
            held.count = held.count.saturating_add(1);
            write(HELD_META_KEY, &held);
            local_storage_set(StorageKind::PERSISTENT, &held_id_key(id), &[1]);
        }
        Self::remove_item(seq, prepared.raw_len);
        log::info!(target: LOG_TARGET, "slot {seq}: registered as record #{id}");
    }

    /// Removes slot `seq` and takes it off the queue's counts, moving the head past the
    /// slots already emptied. The RPC may append at the same time, hence compare-and-set.
    fn remove_item(seq: u64, raw_len: u64) {
        for key in [
            queue_item_key(seq),
            queue_raw_key(seq),
            queue_state_key(seq),
        ] {
            local_storage_clear(StorageKind::PERSISTENT, &key);
        }
        for _ in 0..CAS_ATTEMPTS {
            let updated = StorageValueRef::persistent(QUEUE_META_KEY).mutate(
                |meta: Result<Option<QueueMeta>, _>| -> Result<QueueMeta, ()> {
                    let mut meta = meta.ok().flatten().unwrap_or_default();
                    meta.items = meta.items.saturating_sub(1);
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
        log::error!(target: LOG_TARGET, "the queue's meta kept changing; its counts may be off");
    }

    /// Re-verifies a batch of held records on the blocks of the verification schedule.
    fn verify_held(
        block: u32,
        key: Option<&NodeKey<T>>,
        mut nonces: Option<&mut Nonces>,
        progress: &mut Progress,
    ) {
        let interval = T::VerifyInterval::get();
        if interval == 0 || block % interval != 0 {
            return;
        }
        let mut meta: HeldMeta = read(HELD_META_KEY).unwrap_or_default();
        if meta.count == 0 {
            return;
        }
        let mut dictionaries = LoadedDictionaries::default();
        let started = now_ms();
        let resubmit_after = T::ResubmitAfter::get();
        for _ in 0..u64::from(T::VerifyBatch::get()).min(meta.count) {
            if now_ms().saturating_sub(started) >= T::WorkerTimeBudgetMs::get() {
                break;
            }
            let n = meta.cursor % meta.count;
            meta.cursor = n.saturating_add(1);
            let Some(mut held) = read::<HeldRecord>(&held_key(n)) else {
                continue;
            };
            let Some(record) = Records::<T>::get(held.id) else {
                continue;
            };
            progress.verified += 1;
            let Some(fault) = Self::check_blob(&record, &mut dictionaries) else {
                if held.report != ReportState::Clear {
                    log::info!(target: LOG_TARGET, "record #{} verifies again", held.id);
                    held.report = ReportState::Clear;
                    write(&held_key(n), &held);
                }
                continue;
            };
            log::error!(target: LOG_TARGET, "record #{}: integrity check failed ({fault:?})", held.id);
            let chain = nonces.as_ref().map(|n| n.chain).unwrap_or_default();
            let send = match held.report {
                ReportState::Clear => true,
                ReportState::Landed => false,
                ReportState::Sent { nonce, .. } if chain > nonce => {
                    // The report can only fail for an unknown record or a caller that is
                    // neither owner nor manager, both checked before sending.
                    held.report = ReportState::Landed;
                    write(&held_key(n), &held);
                    false
                }
                ReportState::Sent { at, .. } => block >= at.saturating_add(resubmit_after),
            };
            if !send {
                continue;
            }
            let key = key
                .filter(|key| key.account == record.owner || key.account == record.input.manager);
            let (Some(key), Some(nonces)) = (key, nonces.as_deref_mut()) else {
                continue;
            };
            // Sent by a later run while the previous wave is in flight.
            let Some(nonce) = nonces.next else { continue };
            if !Self::submit(
                key,
                Call::report_integrity_failure { id: held.id, fault },
                nonce,
            ) {
                log::error!(target: LOG_TARGET, "record #{}: the pool refused the report", held.id);
                continue;
            }
            nonces.next = Some(nonce.saturating_add(1));
            held.report = ReportState::Sent { nonce, at: block };
            write(&held_key(n), &held);
            progress.reported += 1;
        }
        write(HELD_META_KEY, &meta);
    }

    /// What is wrong with this node's blob of `record`, if anything. A blob that needs a
    /// dictionary is decoded with the one the record names; if the chain cannot give it,
    /// or the blob names another, the blob is undecodable.
    pub(crate) fn check_blob(
        record: &RecordOf<T>,
        dictionaries: &mut LoadedDictionaries,
    ) -> Option<IntegrityFault> {
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
        let named: Vec<&medchain_lzw::Dictionary> = input
            .codec
            .dictionary
            .and_then(|id| dictionaries.get::<T>(id))
            .into_iter()
            .collect();
        let raw = match medchain_lzw::decompress_with(&blob, &named, limit) {
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
