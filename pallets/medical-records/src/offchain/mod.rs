//! The off-chain worker: each node's data-processing module (the paper's §4.2 step 2).
//!
//! The node's operator provisions the data owner the node works for — its `medr` key in
//! the keystore, its data-key root in the node's persistent local storage
//! (`medchain records provision-worker`, which the node checks against the key) — and
//! queues raw records on their own node (`medchain_submitRaw` or `medchain records
//! ingest`); they land in the node's persistent off-chain storage in the layout of
//! [`medchain_primitives::offchain`]. After every imported best block the worker,
//! running inside the runtime (WASM):
//!
//! 1. takes the queue's lock (one run at a time; a crashed run's lock expires), and
//!    drops the slots the operator asked to drop;
//! 2. finds the provisioned owner's `medr` key (without a provisioned owner, its key or
//!    its data-owner role nothing moves and the log says why);
//! 3. walks the queue from its head: runs the record pipeline of `medchain-record` on
//!    new items — the same code as `medchain records put` — compressing with
//!    `medchain-lzw` in `auto` mode, primed with the newest active dictionary of the
//!    text's language when the council has registered one and it makes the blob smaller
//!    (see [`LoadedDictionaries`]), committing to the text with the owner's keyed
//!    commitment (the `raw_hash`: nothing on-chain lets anyone test a guess of the text)
//!    and sealing it with the record's data key (at most [`Config::WorkerByteBudget`]
//!    raw bytes per run, always at least one item, and nothing new after
//!    [`Config::WorkerTimeBudgetMs`]); keeps each sealed blob under its `content_hash`,
//!    and notes items whose registration it sees on-chain (`RecordByRawHash`);
//! 4. submits `register_record` for up to [`Config::WorkerMaxSubmissions`] items, signed
//!    with the `medr` key with consecutive nonces, unless its previous wave
//!    ([`WAVE_KEY`]) is still in flight, so that nonces never collide. An item not
//!    registered [`Config::ResubmitAfter`] blocks after submission is submitted again, at
//!    most [`MAX_ATTEMPTS`] times; then it stalls until the operator drops it. The chain
//!    refuses a second live record of the same text by the same owner, and a wave never
//!    carries one text twice, so nothing registers twice;
//! 5. [`CONFIRMATIONS`] blocks after its registration, an item whose location is a
//!    store's URL drops its text and waits to upload ([`upload`]): its sealed blob goes
//!    to the store over the off-chain HTTP API, signed with the `medr` key exactly as the
//!    CLI signs (challenge, sr25519 signature); a failed upload is retried with a
//!    backoff that doubles up to [`MAX_UPLOAD_BACKOFF_BLOCKS`], at most
//!    [`MAX_UPLOADS_PER_RUN`] per run, and `medchain_queue` shows it as `uploading` (or
//!    `upload-failing` after [`UPLOAD_FAILING_AFTER`] attempts) with the store's last
//!    answer. Once uploaded (or at once, for the node's own store) the item leaves the
//!    queue and its record is held for verification;
//! 6. every [`Config::VerifyInterval`] blocks, re-verifies [`Config::VerifyBatch`] held
//!    records round-robin (blob present, its hash, opening, decompression, the text
//!    against `raw_hash` and length) and reports a failure with
//!    [`Pallet::report_integrity_failure`], once (sent again only if it did not land).
//!
//! Items leave the queue only once their record has been on-chain for a few blocks and
//! their blob is where the record says, so a crash, a restart, a dropped transaction, a
//! store that is down or a short reorganisation loses nothing.

use super::*;
use frame_system::offchain::{AppCrypto, CreateSignedTransaction, SubmitTransaction};
use medchain_primitives::{
    offchain::{
        blob_key, held_id_key, held_key, is_store_url, own_location, provision_message,
        queue_item_key, queue_raw_key, queue_state_key, HeldMeta, HeldRecord, ItemState, Prepared,
        QueueMeta, QueuedItem, ReportState, Wave, WorkerOwner, CONFIRMATIONS, DROPS_KEY,
        HELD_META_KEY, MAX_ATTEMPTS, MAX_UPLOAD_BACKOFF_BLOCKS, QUEUE_META_KEY,
        UPLOAD_FAILING_AFTER, WAVE_KEY, WORKER_LOCK_KEY, WORKER_OWNER_KEY,
    },
    Codec, CodecMethod, IntegrityFault,
};
use medchain_record::DataKeyRoot;
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
/// Runs stop starting work after their time budgets (queue, then uploads), so this is
/// above a run's length.
const LOCK_DEADLINE_MS: u64 = 60_000;
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

mod queue;
mod upload;
mod verify;

#[cfg(test)]
pub(crate) use upload::backoff_blocks;
pub use upload::{MAX_UPLOADS_PER_RUN, UPLOAD_BUDGET_MS, UPLOAD_BYTES_PER_MS, UPLOAD_DEADLINE_MS};

type ItemStateOf<T> = ItemState<<T as frame_system::Config>::AccountId>;
type AppPublicOf<T> = <<T as Config>::AuthorityId as AppCrypto<
    <T as frame_system::offchain::SigningTypes>::Public,
    <T as frame_system::offchain::SigningTypes>::Signature,
>>::RuntimeAppPublic;

/// The node's signing key and its account.
pub(crate) struct NodeKey<T: Config> {
    /// The key's raw public bytes (the store's account header).
    raw: Vec<u8>,
    public: T::Public,
    pub(crate) account: T::AccountId,
}

impl<T: Config> NodeKey<T> {
    /// The key in the keystore (its application type is not `Clone`, so it is found
    /// again by its bytes).
    fn app(&self) -> Option<AppPublicOf<T>> {
        AppPublicOf::<T>::all()
            .into_iter()
            .find(|app| app.to_raw_vec() == self.raw)
    }

    /// Signs `message` with the key itself (a raw sr25519 signature, as the store
    /// checks), not wrapped as a transaction signature.
    fn sign_raw(&self, message: &[u8]) -> Option<Vec<u8>> {
        self.app()?
            .sign(&message)
            .map(|signature| signature.encode())
    }

    /// Whether `signature` (SCALE) is the key's over `message`.
    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        type SignatureOf<T> = <AppPublicOf<T> as RuntimeAppPublic>::Signature;
        let Ok(signature) = SignatureOf::<T>::decode(&mut &signature[..]) else {
            return false;
        };
        self.app()
            .is_some_and(|app| app.verify(&message, &signature))
    }
}

/// The data owner the operator provisioned this node's worker for.
pub(crate) struct ProvisionedOwner<T: Config> {
    pub(crate) account: T::AccountId,
    pub(crate) root: DataKeyRoot,
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
    /// Blobs uploaded to their stores, and uploads that failed (retried later).
    pub uploaded: u32,
    pub upload_failures: u32,
}

fn now_ms() -> u64 {
    sp_io::offchain::timestamp().unix_millis()
}

fn read<V: Decode>(key: &[u8]) -> Option<V> {
    StorageValueRef::persistent(key).get::<V>().ok().flatten()
}

/// The worker's state of slot `seq`, of this layout or the one before sealing (whose
/// bare blob names its dictionary in its header).
fn read_state<T: Config>(seq: u64) -> Option<ItemStateOf<T>> {
    let bytes = local_storage_get(StorageKind::PERSISTENT, &queue_state_key(seq))?;
    let mut state = ItemStateOf::<T>::decode_stored(&bytes)?;
    let prepared = state.prepared_mut();
    if !prepared.sealed && prepared.dictionary.is_none() {
        prepared.dictionary =
            local_storage_get(StorageKind::PERSISTENT, &blob_key(&prepared.content_hash))
                .and_then(|blob| medchain_lzw::read_header(&blob).ok()?.dictionary.map(H256));
    }
    Some(state)
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
        let provisioned = read::<WorkerOwner<T::AccountId>>(WORKER_OWNER_KEY);
        let provisioned_account = provisioned.as_ref().map(|owner| owner.account.clone());
        let key = Self::node_key(provisioned_account.as_ref());
        let owner = provisioned.and_then(|owner| Self::proven_owner(block, key.as_ref(), owner));
        let mut nonces = key
            .as_ref()
            .map(|key| Self::nonces(block, key, &mut progress));
        match (key.as_ref(), nonces.as_mut(), owner.as_ref()) {
            (Some(key), Some(nonces), Some(owner)) if owner.account == key.account => {
                Self::process_queue(block, key, owner, nonces, &mut progress);
                Self::upload_pending(block, key, &mut progress);
            }
            (key, _, _) => Self::warn_idle(block, key, provisioned_account.as_ref()),
        }
        Self::verify_held(
            block,
            key.as_ref(),
            owner.as_ref(),
            nonces.as_mut(),
            &mut progress,
        );
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
                "block {block}: compressed and sealed {} records ({} bytes) in {} ms, \
                 submitted {}, registered {}, seen {}, uploaded {} ({} failed), dropped {}, \
                 verified {}, reported {}{}",
                progress.prepared,
                progress.bytes,
                progress.queue_ms,
                progress.submitted,
                progress.registered,
                progress.seen,
                progress.uploaded,
                progress.upload_failures,
                progress.dropped,
                progress.verified,
                progress.reported,
                if progress.in_flight { ", waiting for the last wave" } else { "" },
            );
        }
        progress
    }

    /// The provisioned owner, if its `medr` key signed the provisioning (as
    /// `medchain_provisionWorker` has it sign); a value written by other means is not
    /// used, and the log says so.
    fn proven_owner(
        block: u32,
        key: Option<&NodeKey<T>>,
        owner: WorkerOwner<T::AccountId>,
    ) -> Option<ProvisionedOwner<T>> {
        let key = key.filter(|key| key.account == owner.account)?;
        let message = provision_message(&owner.account.encode(), &owner.data_root);
        if !key.verifies(&message, &owner.proof) {
            if block % REPEAT_WARNING_EVERY == 0 {
                log::error!(
                    target: LOG_TARGET,
                    "the provisioned owner {:?} is not signed by its `medr` key: provision \
                     the worker again with `medchain records provision-worker`",
                    owner.account
                );
            }
            return None;
        }
        Some(ProvisionedOwner {
            account: owner.account,
            root: DataKeyRoot::from_bytes(owner.data_root),
        })
    }

    /// The `medr` key to sign with: the provisioned owner's; without one, the first
    /// whose account holds the data-owner role, else the first one (they sign only
    /// integrity reports of records this node holds).
    pub(crate) fn node_key(owner: Option<&T::AccountId>) -> Option<NodeKey<T>> {
        type Generic<T> = <<T as Config>::AuthorityId as AppCrypto<
            <T as frame_system::offchain::SigningTypes>::Public,
            <T as frame_system::offchain::SigningTypes>::Signature,
        >>::GenericPublic;
        let mut first = None;
        let mut with_role = None;
        for app in AppPublicOf::<T>::all() {
            let raw = app.to_raw_vec();
            let public: T::Public = Generic::<T>::from(app).into();
            let account = public.clone().into_account();
            let node_key = NodeKey {
                raw,
                public,
                account,
            };
            if owner == Some(&node_key.account) {
                return Some(node_key);
            }
            if owner.is_none()
                && with_role.is_none()
                && T::Roles::has_role(&node_key.account, Role::DataOwner)
            {
                with_role = Some(node_key);
            } else if first.is_none() {
                first = Some(node_key);
            }
        }
        if owner.is_some() {
            return None;
        }
        with_role.or(first)
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

    /// Says, every [`REPEAT_WARNING_EVERY`] blocks while records are queued, why none
    /// moves.
    fn warn_idle(block: u32, key: Option<&NodeKey<T>>, owner: Option<&T::AccountId>) {
        let meta: QueueMeta = read(QUEUE_META_KEY).unwrap_or_default();
        if meta.is_empty() || block % REPEAT_WARNING_EVERY != 0 {
            return;
        }
        match (owner, key) {
            (None, _) => log::warn!(
                target: LOG_TARGET,
                "{} records queued, but no data owner is provisioned on this node: run \
                 `medchain records provision-worker --suri … --node …` (nothing is \
                 compressed, sealed or registered until then)",
                meta.items
            ),
            (Some(owner), None) => log::warn!(
                target: LOG_TARGET,
                "{} records queued for the provisioned owner {owner:?}, but the keystore has \
                 no `medr` key of that account: insert it (author_insertKey or `key insert \
                 --key-type medr`)",
                meta.items
            ),
            (Some(_), Some(key)) if T::Roles::has_role(&key.account, Role::DataOwner) => {
                log::warn!(
                    target: LOG_TARGET,
                    "{} records stay queued: the provisioning of {:?} does not verify (see \
                     the error above)",
                    meta.items,
                    key.account
                )
            }
            (Some(_), Some(key)) => log::warn!(
                target: LOG_TARGET,
                "{} records stay queued: the `medr` key's account {:?} does not hold the \
                 data-owner role (the council assigns it with Access.assignRole)",
                meta.items,
                key.account
            ),
        }
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
}
