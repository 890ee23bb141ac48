//! # Medical records pallet
//!
//! The registry of MedChain's medical records. The records themselves are compressed
//! with `medchain-lzw`, encrypted and kept off-chain by a data manager; the chain keeps
//! what proves and finds them: the hash of the original text (`raw_hash`), the hash of
//! the stored blob (`content_hash`), their lengths, the codec, search labels, where the
//! blob lives and who manages it.
//!
//! ## Overview
//!
//! - Only accounts holding the data-owner role (see [`Config::Roles`], implemented by
//!   `pallet-access`) register records, and only with a manager that holds the
//!   data-manager role and has accepted the owner ([`Pallet::accept_owner`]): a manager
//!   chooses whose blobs fill its store.
//! - Every live record holds a deposit from its owner (a fungible hold with reason
//!   [`HoldReason::RecordDeposit`]): a base plus a price per label and location byte,
//!   so that state cannot be bloated for free. Retracting or amending releases it but
//!   for what the retired record still stores: [`Config::RetiredRecordDeposit`] plus
//!   the byte price of the labels and location it keeps. A retracted record keeps
//!   none: retraction erases them, leaving a tombstone (owner, manager, hashes, lengths,
//!   codec, status).
//! - History is never overwritten: an amendment is a new record linked to the one it
//!   replaces, which stays readable as `Superseded`; a retracted record stays readable
//!   as `Retracted`. The indexes by owner, by label and by `(owner, raw_hash)` hold live
//!   records only.
//! - The same owner cannot register the same text twice while a record of it is live.
//! - Every operation emits an event carrying the block's timestamp (`at_ms`) and extends
//!   the record's audit head ([`Config::Audit`]) with the SCALE encoding of that event as
//!   the runtime encodes it (`RuntimeEvent`), so that an exported event list can be
//!   checked against one on-chain hash (see `medchain_primitives::audit_head_of`).
//!
//! - Primed dictionaries: the council ([`Config::DictionaryOrigin`]) registers dictionary
//!   files whose bytes someone has put in the preimage store ([`Config::Preimages`],
//!   `Preimage::note_preimage`); registering requests the preimage, so that the bytes stay
//!   on-chain for as long as the chain lives and every record compressed with them stays
//!   decodable. A dictionary's id is the blake2-256 hash of its file (the id a
//!   `medchain-lzw` container names). Up to [`Config::MaxActiveDictionaries`] per language
//!   are active, the newest last ([`Pallet::active_dictionary`]); a retired dictionary is no
//!   longer offered but records naming it still register. A record may only name a
//!   registered dictionary.
//!
//! - Each node runs an off-chain worker (see [`offchain`]): it compresses the raw records
//!   its operator queued with `medchain-lzw` inside the runtime, keeps the blobs in the
//!   node's off-chain storage, registers them with the node's `medr` key, and re-verifies
//!   them on a schedule.
//!
//! ## Calls
//!
//! - [`Pallet::register_record`] — a data owner registers a record.
//! - [`Pallet::amend_record`] — its owner registers a new version of a live record.
//! - [`Pallet::retract_record`] — its owner withdraws a live record (its labels and
//!   location are erased; the store deletes the blob).
//! - [`Pallet::report_integrity_failure`] — a live record's owner or manager, holding
//!   its role, reports that the blob it holds no longer matches the record (sent by the
//!   worker).
//! - [`Pallet::accept_owner`], [`Pallet::drop_owner`] — a data manager accepts an owner
//!   whose records it will keep (at most [`Config::MaxAcceptedOwners`]), or stops
//!   accepting new ones from it.
//! - [`Pallet::register_dictionary`] — the council registers a primed dictionary whose
//!   bytes are in the preimage store.
//! - [`Pallet::retire_dictionary`] — the council retires a dictionary: it is no longer
//!   active, its bytes stay.
//!
//! ## Runtime API
//!
//! `medchain_primitives::MedicalRecordsApi`: [`Pallet::record`], [`Pallet::records_of`]
//! and [`Pallet::records_labelled`] (paged). For the worker and clients:
//! [`Pallet::active_dictionary`], [`Pallet::dictionary`] and [`Pallet::dictionary_bytes`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::{
    pallet_prelude::*,
    traits::{
        fungible::{Inspect, Mutate, MutateHold},
        tokens::Precision,
        QueryPreimage, StorePreimage, Time,
    },
};
use frame_system::pallet_prelude::*;
use medchain_primitives::{
    labels::{self, PersonalData},
    AuditLog, DictionaryInfo, DictionaryLanguage, IntegrityFault, RawHashKind, Record, RecordId,
    RecordInput, RecordProvider, RecordStatus, Role, RoleProvider,
};
use sp_core::H256;
use sp_runtime::{
    traits::{BlakeTwo256, Saturating, Zero},
    SaturatedConversion,
};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
    <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// One label: a bounded byte string.
pub type LabelOf<T> = BoundedVec<u8, <T as Config>::MaxLabelLen>;
/// A record's labels.
pub type LabelsOf<T> = BoundedVec<LabelOf<T>, <T as Config>::MaxLabels>;
/// A record's storage location.
pub type LocationOf<T> = BoundedVec<u8, <T as Config>::MaxLocationLen>;
/// What an owner submits.
pub type RecordInputOf<T> =
    RecordInput<<T as frame_system::Config>::AccountId, LabelsOf<T>, LocationOf<T>>;
/// A record as stored.
pub type RecordOf<T> = Record<
    <T as frame_system::Config>::AccountId,
    BalanceOf<T>,
    LabelsOf<T>,
    LocationOf<T>,
    BlockNumberFor<T>,
>;

/// A registered primed dictionary as stored.
pub type DictionaryInfoOf<T> = DictionaryInfo<BlockNumberFor<T>>;
/// The active dictionaries of one language, oldest first.
pub type ActiveDictionariesOf<T> = BoundedVec<H256, <T as Config>::MaxActiveDictionaries>;

/// Most ids one call of a paged runtime API returns.
pub const MAX_PAGE: u32 = 100;

/// The `medr` key as the runtime's transactions use it (sr25519 inside a
/// `MultiSigner`/`MultiSignature`); the runtime sets `AuthorityId` to it.
pub struct MedrAuthority;

impl frame_system::offchain::AppCrypto<sp_runtime::MultiSigner, sp_runtime::MultiSignature>
    for MedrAuthority
{
    type RuntimeAppPublic = medchain_primitives::offchain::crypto::Public;
    type GenericPublic = sp_core::sr25519::Public;
    type GenericSignature = sp_core::sr25519::Signature;
}

/// The storage layout version (see `migrations`): 4 since managers accept their
/// owners (`AcceptedOwners`, seeded from the live records). The dictionary registry
/// (`Dictionaries`, `DictionaryCount`, `ActiveDictionaries`) added new items only,
/// which start empty, and changed no existing one: it needed no migration and no new
/// version.
const STORAGE_VERSION: StorageVersion = StorageVersion::new(4);

#[frame_support::pallet]
pub mod pallet {
    use super::*;

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config:
        frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
    {
        /// Holds the record deposits.
        type Currency: Inspect<Self::AccountId>
            + Mutate<Self::AccountId>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

        /// The runtime's hold reasons, which include this pallet's.
        type RuntimeHoldReason: From<HoldReason>;

        /// Deposit held for every live record.
        #[pallet::constant]
        type RecordDepositBase: Get<BalanceOf<Self>>;

        /// Deposit held per byte of labels and location.
        #[pallet::constant]
        type ByteDeposit: Get<BalanceOf<Self>>;

        /// Deposit a retired (superseded or retracted) record keeps held for its
        /// fixed-size entry, which stays in state (at most the base deposit).
        #[pallet::constant]
        type RetiredRecordDeposit: Get<BalanceOf<Self>>;

        /// Most owners one data manager accepts.
        #[pallet::constant]
        type MaxAcceptedOwners: Get<u32>;

        /// Most labels on one record.
        #[pallet::constant]
        type MaxLabels: Get<u32>;

        /// Longest label, in bytes.
        #[pallet::constant]
        type MaxLabelLen: Get<u32>;

        /// Longest storage location, in bytes.
        #[pallet::constant]
        type MaxLocationLen: Get<u32>;

        /// Who holds which role (data owner, data manager).
        type Roles: RoleProvider<Self::AccountId>;

        /// The per-record audit trail that every operation extends.
        type Audit: AuditLog;

        /// The block's timestamp, in milliseconds since the Unix epoch.
        type Time: Time<Moment = u64>;

        /// The node key the off-chain worker signs with (`medr`; `MedrAuthority`).
        type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

        /// Most raw bytes the worker compresses in one run (one block); it always takes at
        /// least one item.
        #[pallet::constant]
        type WorkerByteBudget: Get<u32>;

        /// Time after which the worker starts no further compression in a run (ms).
        #[pallet::constant]
        type WorkerTimeBudgetMs: Get<u64>;

        /// Most registrations the worker submits in one run.
        #[pallet::constant]
        type WorkerMaxSubmissions: Get<u32>;

        /// Blocks after which the worker submits again a registration it has not seen
        /// on-chain. Must exceed the mortality of the runtime's signed transactions, so
        /// that the first one can no longer land.
        #[pallet::constant]
        type ResubmitAfter: Get<u32>;

        /// The worker re-verifies held records on blocks that are multiples of this (0:
        /// never).
        #[pallet::constant]
        type VerifyInterval: Get<u32>;

        /// Held records re-verified per verification run.
        #[pallet::constant]
        type VerifyBatch: Get<u32>;

        /// Who registers and retires primed dictionaries (the council).
        type DictionaryOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Where dictionary files are kept: the preimage store (`pallet-preimage`). Its
        /// hasher is blake2-256 whatever the runtime's, since a dictionary's id is the
        /// blake2-256 hash of its file. Registering a dictionary requests its preimage;
        /// the pallet only notes bytes itself in its benchmarks.
        type Preimages: QueryPreimage<H = BlakeTwo256> + StorePreimage;

        /// Largest dictionary file, in bytes (at most what the preimage store keeps).
        #[pallet::constant]
        type MaxDictionaryLen: Get<u32>;

        /// Most dictionaries ever registered (retired ones included).
        #[pallet::constant]
        type MaxDictionaries: Get<u32>;

        /// Most active dictionaries per language.
        #[pallet::constant]
        type MaxActiveDictionaries: Get<u32>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// Why this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// The deposit of a live record.
        RecordDeposit,
    }

    /// The id the next record gets.
    #[pallet::storage]
    pub type NextRecordId<T> = StorageValue<_, RecordId, ValueQuery>;

    /// Every record ever registered, by id (live, superseded or retracted).
    #[pallet::storage]
    pub type Records<T: Config> = StorageMap<_, Twox64Concat, RecordId, RecordOf<T>>;

    /// Live records by owner.
    #[pallet::storage]
    pub type RecordsByOwner<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, RecordId, ()>;

    /// Live records by label.
    #[pallet::storage]
    pub type RecordsByLabel<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, LabelOf<T>, Twox64Concat, RecordId, ()>;

    /// The live record of an owner for a `raw_hash` (refuses duplicates).
    #[pallet::storage]
    pub type RecordByRawHash<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, H256, RecordId>;

    /// The owners each data manager accepts: an owner may name a manager only once it
    /// is here. Keyed by manager, then owner.
    #[pallet::storage]
    pub type AcceptedOwners<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, T::AccountId, ()>;

    /// How many owners each manager accepts (at most `MaxAcceptedOwners`).
    #[pallet::storage]
    pub type AcceptedOwnerCount<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

    /// Every primed dictionary ever registered, by id (the blake2-256 hash of its file),
    /// active or retired. Keys are hashes of files the council chose, so `Identity`.
    #[pallet::storage]
    pub type Dictionaries<T: Config> = StorageMap<_, Identity, H256, DictionaryInfoOf<T>>;

    /// The number of entries in `Dictionaries` (at most `MaxDictionaries`).
    #[pallet::storage]
    pub type DictionaryCount<T> = StorageValue<_, u32, ValueQuery>;

    /// The active dictionaries of each language, oldest first, newest last.
    #[pallet::storage]
    pub type ActiveDictionaries<T: Config> =
        StorageMap<_, Twox64Concat, DictionaryLanguage, ActiveDictionariesOf<T>, ValueQuery>;

    /// Which owners the managers accept from genesis.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// `(manager, owner)` pairs.
        pub accepted_owners: Vec<(T::AccountId, T::AccountId)>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            for (manager, owner) in &self.accepted_owners {
                assert!(
                    Pallet::<T>::do_accept_owner(manager, owner).is_ok(),
                    "a genesis acceptance is repeated or over MaxAcceptedOwners"
                );
            }
        }
    }

    #[pallet::event]
    pub enum Event<T: Config> {
        /// A data owner registered a record.
        RecordRegistered {
            id: RecordId,
            owner: T::AccountId,
            raw_hash: H256,
            labels: LabelsOf<T>,
            raw_len: u64,
            compressed_len: u64,
            at_ms: u64,
        },
        /// A record's owner registered a new version of it (`previous` is superseded).
        RecordAmended {
            id: RecordId,
            previous: RecordId,
            owner: T::AccountId,
            raw_hash: H256,
            labels: LabelsOf<T>,
            raw_len: u64,
            compressed_len: u64,
            at_ms: u64,
        },
        /// A record's owner withdrew it; its labels and location were erased and its
        /// deposit returned but for `RetiredRecordDeposit`.
        RecordRetracted {
            id: RecordId,
            owner: T::AccountId,
            at_ms: u64,
        },
        /// The blob a node holds of a record failed re-verification.
        IntegrityFailed {
            id: RecordId,
            reporter: T::AccountId,
            fault: IntegrityFault,
            at_ms: u64,
        },
        /// The council registered a primed dictionary; its preimage is now requested.
        DictionaryRegistered {
            id: H256,
            len: u32,
            language: DictionaryLanguage,
        },
        /// The council retired a primed dictionary; its bytes stay.
        DictionaryRetired {
            id: H256,
            language: DictionaryLanguage,
        },
        /// A data manager accepted an owner's records.
        OwnerAccepted {
            manager: T::AccountId,
            owner: T::AccountId,
        },
        /// A data manager stopped accepting new records of an owner.
        OwnerDropped {
            manager: T::AccountId,
            owner: T::AccountId,
        },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The caller does not hold the data-owner role.
        NotDataOwner,
        /// The named manager does not hold the data-manager role.
        ManagerNotDataManager,
        /// A label is empty.
        EmptyLabel,
        /// The same label appears twice.
        DuplicateLabel,
        /// The location is empty.
        EmptyLocation,
        /// The owner already has a live record of this text (same `raw_hash`).
        DuplicateRecord,
        /// No record has this id.
        UnknownRecord,
        /// Only the record's owner may do this.
        NotOwner,
        /// The record was superseded or retracted.
        RecordNotLive,
        /// The owner cannot pay the record deposit.
        InsufficientDeposit,
        /// Record ids are exhausted.
        RecordIdOverflow,
        /// Only the record's owner or its manager may do this.
        NotOwnerOrManager,
        /// The dictionary is longer than `MaxDictionaryLen`.
        DictionaryTooLarge,
        /// A dictionary must have at least one byte.
        EmptyDictionary,
        /// A dictionary with this hash is already registered.
        DictionaryAlreadyRegistered,
        /// `MaxDictionaries` dictionaries are registered already.
        TooManyDictionaries,
        /// The language has `MaxActiveDictionaries` active dictionaries already;
        /// retire one first.
        TooManyActiveDictionaries,
        /// The preimage store does not hold bytes of this hash and size (note them first
        /// with `Preimage::note_preimage`).
        DictionaryBytesUnavailable,
        /// No dictionary with this hash is registered.
        UnknownDictionary,
        /// The dictionary is retired already.
        DictionaryAlreadyRetired,
        /// A label looks like a Chinese resident ID number. Labels are public: never put
        /// personal data in one.
        LabelLooksLikeIdNumber,
        /// A label looks like a phone number. Labels are public: never put personal data
        /// in one.
        LabelLooksLikePhoneNumber,
        /// The named manager has not accepted this owner (`accept_owner`).
        OwnerNotAccepted,
        /// The caller does not hold the data-manager role.
        NotDataManager,
        /// The manager accepts this owner already.
        OwnerAlreadyAccepted,
        /// The manager does not accept this owner.
        UnknownOwner,
        /// The manager accepts `MaxAcceptedOwners` owners already.
        TooManyAcceptedOwners,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::MaxLabels::get() > 0, "MaxLabels must allow a label");
            assert!(T::MaxLabelLen::get() > 0, "MaxLabelLen must allow a byte");
            assert!(
                T::MaxLocationLen::get() > 0,
                "MaxLocationLen must allow a byte"
            );
            assert!(
                !T::RecordDepositBase::get().is_zero(),
                "a record must cost a deposit, or state can be bloated for free"
            );
            assert!(
                !T::RetiredRecordDeposit::get().is_zero()
                    && T::RetiredRecordDeposit::get() <= T::RecordDepositBase::get(),
                "a retired record keeps part of the base deposit, or a register-retract \
                 loop grows state for free"
            );
            assert!(
                T::MaxAcceptedOwners::get() > 0,
                "MaxAcceptedOwners must allow an owner"
            );
            assert!(
                T::WorkerMaxSubmissions::get() > 0,
                "the worker must be able to submit"
            );
            assert!(
                T::ResubmitAfter::get() > 0,
                "a submission needs time to land"
            );
            assert!(
                T::VerifyInterval::get() == 0 || T::VerifyBatch::get() > 0,
                "a verification schedule must verify something"
            );
            assert!(
                T::MaxDictionaryLen::get() > 0,
                "MaxDictionaryLen must allow a byte"
            );
            assert!(
                T::MaxDictionaries::get() > 0,
                "MaxDictionaries must allow a dictionary"
            );
            assert!(
                T::MaxActiveDictionaries::get() > 0,
                "MaxActiveDictionaries must allow a dictionary"
            );
            assert!(
                T::MaxActiveDictionaries::get() <= T::MaxDictionaries::get(),
                "MaxActiveDictionaries cannot exceed MaxDictionaries"
            );
            assert!(
                T::MaxDictionaryLen::get() as usize <= <T::Preimages as StorePreimage>::MAX_LENGTH,
                "MaxDictionaryLen must fit the preimage store"
            );
        }

        fn offchain_worker(now: BlockNumberFor<T>) {
            Self::run_worker(now);
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Registers a record. The caller must hold the data-owner role and `input.manager`
        /// the data-manager role; the deposit is held from the caller.
        ///
        /// Emits `RecordRegistered`.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_record())]
        pub fn register_record(origin: OriginFor<T>, input: RecordInputOf<T>) -> DispatchResult {
            let owner = ensure_signed(origin)?;
            Self::ensure_registrable(&owner, &input, None)?;
            let id = Self::store_record(&owner, input, None)?;
            let record = Records::<T>::get(id).ok_or(Error::<T>::UnknownRecord)?;
            Self::emit(
                &[id],
                Event::RecordRegistered {
                    id,
                    owner,
                    raw_hash: record.input.raw_hash,
                    labels: record.input.labels,
                    raw_len: record.input.raw_len,
                    compressed_len: record.input.compressed_len,
                    at_ms: T::Time::now(),
                },
            );
            Ok(())
        }

        /// Registers a new version of the caller's live record `previous`, which becomes
        /// `Superseded` and releases its deposit; the new version holds its own.
        ///
        /// Emits `RecordAmended`, which extends the audit heads of both records.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::amend_record())]
        pub fn amend_record(
            origin: OriginFor<T>,
            previous: RecordId,
            input: RecordInputOf<T>,
        ) -> DispatchResult {
            let owner = ensure_signed(origin)?;
            let old = Self::live_record_of(&owner, previous)?;
            Self::ensure_registrable(&owner, &input, Some(&old))?;
            // Retire first, so that a new version may keep the old text (new labels or
            // location only); only holding the new deposit can still fail, and then the
            // whole call reverts.
            Self::retire(
                previous,
                &old,
                RecordStatus::Superseded {
                    by: Self::peek_id()?,
                },
            )?;
            let id = Self::store_record(&owner, input, Some(previous))?;
            let record = Records::<T>::get(id).ok_or(Error::<T>::UnknownRecord)?;
            Self::emit(
                &[previous, id],
                Event::RecordAmended {
                    id,
                    previous,
                    owner,
                    raw_hash: record.input.raw_hash,
                    labels: record.input.labels,
                    raw_len: record.input.raw_len,
                    compressed_len: record.input.compressed_len,
                    at_ms: T::Time::now(),
                },
            );
            Ok(())
        }

        /// Withdraws the caller's live record: it leaves the indexes and its deposit is
        /// released; the record and its history stay readable.
        ///
        /// Emits `RecordRetracted`.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::retract_record())]
        pub fn retract_record(origin: OriginFor<T>, id: RecordId) -> DispatchResult {
            let owner = ensure_signed(origin)?;
            let record = Self::live_record_of(&owner, id)?;
            Self::retire(id, &record, RecordStatus::Retracted)?;
            Self::emit(
                &[id],
                Event::RecordRetracted {
                    id,
                    owner,
                    at_ms: T::Time::now(),
                },
            );
            Ok(())
        }

        /// Reports that the blob the caller holds of record `id` failed re-verification
        /// (`fault` says how). The record must be live and the caller its owner holding
        /// the data-owner role or its manager holding the data-manager role; the report
        /// extends the record's audit head. Sent by the off-chain worker.
        ///
        /// Emits `IntegrityFailed`.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::report_integrity_failure())]
        pub fn report_integrity_failure(
            origin: OriginFor<T>,
            id: RecordId,
            fault: IntegrityFault,
        ) -> DispatchResult {
            let reporter = ensure_signed(origin)?;
            let record = Records::<T>::get(id).ok_or(Error::<T>::UnknownRecord)?;
            ensure!(
                record.status == RecordStatus::Live,
                Error::<T>::RecordNotLive
            );
            ensure!(
                Self::may_report_integrity(&record, &reporter),
                Error::<T>::NotOwnerOrManager
            );
            Self::emit(
                &[id],
                Event::IntegrityFailed {
                    id,
                    reporter,
                    fault,
                    at_ms: T::Time::now(),
                },
            );
            Ok(())
        }

        /// Registers a primed dictionary: `id` is the blake2-256 hash of its file and `len`
        /// its length in bytes, and it was trained on `language` text. It becomes the
        /// newest active dictionary of its language. Store the file first with
        /// `preimage.notePreimage`; the preimage then stays for good. Origin: root or a
        /// council majority (`DictionaryOrigin`).
        ///
        /// Emits `DictionaryRegistered`.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::register_dictionary())]
        pub fn register_dictionary(
            origin: OriginFor<T>,
            id: H256,
            len: u32,
            language: DictionaryLanguage,
        ) -> DispatchResult {
            T::DictionaryOrigin::ensure_origin(origin)?;
            Self::do_register_dictionary(id, len, language)
        }

        /// Retires the dictionary `id`: it leaves the active list of its language. Its
        /// bytes stay in the preimage store, and records naming it still register, so
        /// records compressed with it stay decodable. Origin: root or a council majority
        /// (`DictionaryOrigin`).
        ///
        /// Emits `DictionaryRetired`.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::retire_dictionary())]
        pub fn retire_dictionary(origin: OriginFor<T>, id: H256) -> DispatchResult {
            T::DictionaryOrigin::ensure_origin(origin)?;
            let mut info = Dictionaries::<T>::get(id).ok_or(Error::<T>::UnknownDictionary)?;
            ensure!(
                info.retired_block.is_none(),
                Error::<T>::DictionaryAlreadyRetired
            );

            let language = info.language;
            let mut active = ActiveDictionaries::<T>::get(language);
            active.retain(|h| *h != id);
            if active.is_empty() {
                ActiveDictionaries::<T>::remove(language);
            } else {
                ActiveDictionaries::<T>::insert(language, active);
            }
            info.retired_block = Some(frame_system::Pallet::<T>::block_number());
            Dictionaries::<T>::insert(id, info);
            Self::deposit_event(Event::DictionaryRetired { id, language });
            Ok(())
        }

        /// Accepts `owner`'s records: `owner` may now name the caller as the manager of
        /// a record. The caller must hold the data-manager role; it accepts at most
        /// `MaxAcceptedOwners` owners.
        ///
        /// Emits `OwnerAccepted`.
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::accept_owner())]
        pub fn accept_owner(origin: OriginFor<T>, owner: T::AccountId) -> DispatchResult {
            let manager = ensure_signed(origin)?;
            ensure!(
                T::Roles::has_role(&manager, Role::DataManager),
                Error::<T>::NotDataManager
            );
            Self::do_accept_owner(&manager, &owner)?;
            Self::deposit_event(Event::OwnerAccepted { manager, owner });
            Ok(())
        }

        /// Stops accepting `owner`'s new records. The records it registered already keep
        /// their manager. Any manager may drop (also one that lost its role).
        ///
        /// Emits `OwnerDropped`.
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::drop_owner())]
        pub fn drop_owner(origin: OriginFor<T>, owner: T::AccountId) -> DispatchResult {
            let manager = ensure_signed(origin)?;
            ensure!(
                AcceptedOwners::<T>::contains_key(&manager, &owner),
                Error::<T>::UnknownOwner
            );
            AcceptedOwners::<T>::remove(&manager, &owner);
            AcceptedOwnerCount::<T>::mutate_exists(&manager, |count| {
                *count = count.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
            });
            Self::deposit_event(Event::OwnerDropped { manager, owner });
            Ok(())
        }
    }
}

impl<T: Config> Pallet<T> {
    /// Whether `who` may report that its blob of `record` failed verification: the live
    /// record's owner holding the data-owner role, or its manager holding the
    /// data-manager role (the call and the worker both ask this).
    pub fn may_report_integrity(record: &RecordOf<T>, who: &T::AccountId) -> bool {
        record.status == RecordStatus::Live
            && ((*who == record.owner && T::Roles::has_role(who, Role::DataOwner))
                || (*who == record.input.manager && T::Roles::has_role(who, Role::DataManager)))
    }

    /// Adds `owner` to `manager`'s accepted owners (the role is checked by the caller).
    fn do_accept_owner(manager: &T::AccountId, owner: &T::AccountId) -> DispatchResult {
        ensure!(
            !AcceptedOwners::<T>::contains_key(manager, owner),
            Error::<T>::OwnerAlreadyAccepted
        );
        let count = AcceptedOwnerCount::<T>::get(manager);
        ensure!(
            count < T::MaxAcceptedOwners::get(),
            Error::<T>::TooManyAcceptedOwners
        );
        AcceptedOwners::<T>::insert(manager, owner, ());
        AcceptedOwnerCount::<T>::insert(manager, count.saturating_add(1));
        Ok(())
    }

    /// `register_dictionary` once its origin is checked.
    fn do_register_dictionary(id: H256, len: u32, language: DictionaryLanguage) -> DispatchResult {
        ensure!(len > 0, Error::<T>::EmptyDictionary);
        ensure!(
            len <= T::MaxDictionaryLen::get(),
            Error::<T>::DictionaryTooLarge
        );
        ensure!(
            !Dictionaries::<T>::contains_key(id),
            Error::<T>::DictionaryAlreadyRegistered
        );
        let count = DictionaryCount::<T>::get();
        ensure!(
            count < T::MaxDictionaries::get(),
            Error::<T>::TooManyDictionaries
        );
        let count = count
            .checked_add(1)
            .ok_or(Error::<T>::TooManyDictionaries)?;
        let mut active = ActiveDictionaries::<T>::get(language);
        active
            .try_push(id)
            .map_err(|_| Error::<T>::TooManyActiveDictionaries)?;
        ensure!(
            T::Preimages::len(&id) == Some(len),
            Error::<T>::DictionaryBytesUnavailable
        );

        T::Preimages::request(&id);
        Dictionaries::<T>::insert(
            id,
            DictionaryInfo {
                len,
                language,
                registered_block: frame_system::Pallet::<T>::block_number(),
                retired_block: None,
            },
        );
        ActiveDictionaries::<T>::insert(language, active);
        DictionaryCount::<T>::put(count);
        Self::deposit_event(Event::DictionaryRegistered { id, len, language });
        Ok(())
    }

    /// The deposit a live record with these labels and location holds.
    pub fn deposit_for(input: &RecordInputOf<T>) -> BalanceOf<T> {
        Self::deposit_with_base(input, T::RecordDepositBase::get())
    }

    /// The deposit a retired record keeps: `RetiredRecordDeposit` plus the
    /// byte price of the labels and location it still stores (none once retracted).
    pub fn retired_deposit_for(input: &RecordInputOf<T>) -> BalanceOf<T> {
        Self::deposit_with_base(input, T::RetiredRecordDeposit::get())
    }

    /// `base` plus `ByteDeposit` per byte of labels and location.
    fn deposit_with_base(input: &RecordInputOf<T>, base: BalanceOf<T>) -> BalanceOf<T> {
        let bytes = input
            .labels
            .iter()
            .map(|label| label.len())
            .sum::<usize>()
            .saturating_add(input.location.len());
        T::ByteDeposit::get()
            .saturating_mul(bytes.saturated_into())
            .saturating_add(base)
    }

    fn peek_id() -> Result<RecordId, DispatchError> {
        let id = NextRecordId::<T>::get();
        id.checked_add(1).ok_or(Error::<T>::RecordIdOverflow)?;
        Ok(id)
    }

    fn live_record_of(owner: &T::AccountId, id: RecordId) -> Result<RecordOf<T>, DispatchError> {
        let record = Records::<T>::get(id).ok_or(Error::<T>::UnknownRecord)?;
        ensure!(&record.owner == owner, Error::<T>::NotOwner);
        ensure!(
            record.status == RecordStatus::Live,
            Error::<T>::RecordNotLive
        );
        Ok(record)
    }

    /// Refuses an input that may not be registered by `owner`. `replacing` is the live
    /// record an amendment retires, whose text the new version may keep.
    fn ensure_registrable(
        owner: &T::AccountId,
        input: &RecordInputOf<T>,
        replacing: Option<&RecordOf<T>>,
    ) -> DispatchResult {
        ensure!(
            T::Roles::has_role(owner, Role::DataOwner),
            Error::<T>::NotDataOwner
        );
        ensure!(
            T::Roles::has_role(&input.manager, Role::DataManager),
            Error::<T>::ManagerNotDataManager
        );
        ensure!(
            AcceptedOwners::<T>::contains_key(&input.manager, owner),
            Error::<T>::OwnerNotAccepted
        );
        ensure!(!input.location.is_empty(), Error::<T>::EmptyLocation);
        for (i, label) in input.labels.iter().enumerate() {
            ensure!(!label.is_empty(), Error::<T>::EmptyLabel);
            ensure!(
                !input.labels[..i].contains(label),
                Error::<T>::DuplicateLabel
            );
            match labels::personal_data_in(label) {
                Some(PersonalData::IdNumber) => Err(Error::<T>::LabelLooksLikeIdNumber)?,
                Some(PersonalData::PhoneNumber) => Err(Error::<T>::LabelLooksLikePhoneNumber)?,
                None => {}
            }
        }
        if let Some(dictionary) = input.codec.dictionary {
            // A retired dictionary is allowed: a record compressed before it was retired
            // must still register.
            ensure!(
                Dictionaries::<T>::contains_key(dictionary),
                Error::<T>::UnknownDictionary
            );
        }
        let keeps_text = replacing.is_some_and(|old| old.input.raw_hash == input.raw_hash);
        ensure!(
            keeps_text || !RecordByRawHash::<T>::contains_key(owner, input.raw_hash),
            Error::<T>::DuplicateRecord
        );
        Self::peek_id()?;
        Ok(())
    }

    /// Holds the deposit and stores the record with its indexes; `input` has passed
    /// `ensure_registrable`.
    fn store_record(
        owner: &T::AccountId,
        input: RecordInputOf<T>,
        previous: Option<RecordId>,
    ) -> Result<RecordId, DispatchError> {
        let id = Self::peek_id()?;
        let deposit = Self::deposit_for(&input);
        T::Currency::hold(&HoldReason::RecordDeposit.into(), owner, deposit)
            .map_err(|_| Error::<T>::InsufficientDeposit)?;

        NextRecordId::<T>::put(id.saturating_add(1));
        RecordsByOwner::<T>::insert(owner, id, ());
        for label in input.labels.iter() {
            RecordsByLabel::<T>::insert(label, id, ());
        }
        RecordByRawHash::<T>::insert(owner, input.raw_hash, id);
        Records::<T>::insert(
            id,
            Record {
                owner: owner.clone(),
                input,
                previous,
                status: RecordStatus::Live,
                registered_at_ms: T::Time::now(),
                deposit,
                registered_block: Some(frame_system::Pallet::<T>::block_number()),
                raw_hash_kind: RawHashKind::Keyed,
            },
        );
        Ok(id)
    }

    /// Takes a live record out of the indexes, sets `status` and releases its deposit
    /// but for what the retired record still stores. A retracted record's labels and
    /// location are erased first.
    fn retire(id: RecordId, record: &RecordOf<T>, status: RecordStatus) -> DispatchResult {
        let mut retired = record.clone();
        if status == RecordStatus::Retracted {
            retired.input.labels = Default::default();
            retired.input.location = Default::default();
        }
        retired.status = status;
        retired.deposit = Self::retired_deposit_for(&retired.input).min(record.deposit);
        T::Currency::release(
            &HoldReason::RecordDeposit.into(),
            &record.owner,
            record.deposit.saturating_sub(retired.deposit),
            Precision::BestEffort,
        )?;
        RecordsByOwner::<T>::remove(&record.owner, id);
        for label in record.input.labels.iter() {
            RecordsByLabel::<T>::remove(label, id);
        }
        RecordByRawHash::<T>::remove(&record.owner, record.input.raw_hash);
        Records::<T>::insert(id, retired);
        Ok(())
    }

    /// Extends the audit heads of `records` with the event, then deposits it.
    fn emit(records: &[RecordId], event: Event<T>) {
        let event = <T as frame_system::Config>::RuntimeEvent::from(event);
        let operation = event.encode();
        for record in records {
            T::Audit::record_operation(*record, &operation);
        }
        frame_system::Pallet::<T>::deposit_event(event);
    }

    /// Deposits an event that names no record (no audit head to extend).
    fn deposit_event(event: Event<T>) {
        frame_system::Pallet::<T>::deposit_event(<T as frame_system::Config>::RuntimeEvent::from(
            event,
        ));
    }

    /// The newest active dictionary of `language`, if any, with its registration.
    pub fn active_dictionary(language: DictionaryLanguage) -> Option<(H256, DictionaryInfoOf<T>)> {
        let hash = *ActiveDictionaries::<T>::get(language).last()?;
        Dictionaries::<T>::get(hash).map(|info| (hash, info))
    }

    /// A registered dictionary (active or retired).
    pub fn dictionary(hash: H256) -> Option<DictionaryInfoOf<T>> {
        Dictionaries::<T>::get(hash)
    }

    /// The bytes of a registered dictionary, from the preimage store (`None` for an
    /// unregistered one).
    pub fn dictionary_bytes(hash: H256) -> Option<Vec<u8>> {
        let info = Dictionaries::<T>::get(hash)?;
        T::Preimages::fetch(&hash, Some(info.len))
            .ok()
            .map(|bytes| bytes.into_owned())
    }

    /// A record by id, for the runtime API.
    pub fn record(id: RecordId) -> Option<RecordOf<T>> {
        Records::<T>::get(id)
    }

    /// Live records of `owner` after `from` (storage order), at most `limit` (≤ `MAX_PAGE`).
    pub fn records_of(owner: T::AccountId, from: Option<RecordId>, limit: u32) -> Vec<RecordId> {
        Self::page::<RecordsByOwner<T>, _>(&owner, from, limit)
    }

    /// Live records labelled `label` after `from` (storage order), at most `limit`.
    pub fn records_labelled(label: Vec<u8>, from: Option<RecordId>, limit: u32) -> Vec<RecordId> {
        match LabelOf::<T>::try_from(label) {
            Ok(label) => Self::page::<RecordsByLabel<T>, _>(&label, from, limit),
            Err(_) => Vec::new(),
        }
    }

    /// One page of an index (`key` → record ids): the ids after `from`, at most `limit`.
    fn page<Index, Key>(key: &Key, from: Option<RecordId>, limit: u32) -> Vec<RecordId>
    where
        Key: codec::FullCodec,
        Index: frame_support::storage::IterableStorageDoubleMap<Key, RecordId, ()>
            + frame_support::storage::StorageDoubleMap<Key, RecordId, ()>,
    {
        let limit = limit.min(MAX_PAGE) as usize;
        match from {
            None => Index::iter_key_prefix(key).take(limit).collect(),
            Some(from) => Index::iter_key_prefix_from(key, Index::hashed_key_for(key, from))
                .take(limit)
                .collect(),
        }
    }

    /// The invariants: the indexes hold exactly the live records, ids are below
    /// `NextRecordId`, each owner's held deposit is the sum of its live records', and
    /// the dictionary registry is consistent (see `dictionaries_try_state`).
    #[cfg(any(feature = "try-runtime", test))]
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        use alloc::collections::btree_map::BTreeMap;
        use frame_support::traits::fungible::InspectHold;
        let next = NextRecordId::<T>::get();
        let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
        let mut live = 0usize;
        let mut labelled = 0usize;
        let now = frame_system::Pallet::<T>::block_number();
        for (id, record) in Records::<T>::iter() {
            ensure!(id < next, "a record id is not below NextRecordId");
            ensure!(
                record.registered_block.is_none_or(|block| block <= now),
                "a record was registered in a future block"
            );
            let indexed = RecordsByOwner::<T>::contains_key(&record.owner, id);
            if record.status == RecordStatus::Live {
                live += 1;
                labelled += record.input.labels.len();
                ensure!(indexed, "a live record is missing from the owner index");
                ensure!(
                    RecordByRawHash::<T>::get(&record.owner, record.input.raw_hash) == Some(id),
                    "a live record is missing from the raw-hash index"
                );
                for label in record.input.labels.iter() {
                    ensure!(
                        RecordsByLabel::<T>::contains_key(label, id),
                        "a live record is missing from the label index"
                    );
                }
                if let Some(dictionary) = record.input.codec.dictionary {
                    ensure!(
                        Dictionaries::<T>::contains_key(dictionary),
                        "a live record names an unregistered dictionary"
                    );
                }
            } else {
                ensure!(!indexed, "a record that is not live is in the owner index");
                // Records retired before storage version 4 hold nothing (`deposit: 0`).
                ensure!(
                    record.deposit <= Self::retired_deposit_for(&record.input),
                    "a retired record holds more than its retired deposit"
                );
                ensure!(
                    record.status != RecordStatus::Retracted
                        || record.deposit.is_zero()
                        || (record.input.labels.is_empty() && record.input.location.is_empty()),
                    "a retracted record kept its labels or location"
                );
            }
            let sum = held.entry(record.owner.clone()).or_default();
            *sum = sum.saturating_add(record.deposit);
        }
        ensure!(
            RecordsByOwner::<T>::iter_keys().count() == live,
            "the owner index holds records that are not live"
        );
        ensure!(
            RecordByRawHash::<T>::iter_keys().count() == live,
            "the raw-hash index holds records that are not live"
        );
        ensure!(
            RecordsByLabel::<T>::iter_keys().count() == labelled,
            "the label index holds records that are not live"
        );
        for (owner, sum) in held {
            ensure!(
                T::Currency::balance_on_hold(&HoldReason::RecordDeposit.into(), &owner) == sum,
                "an owner's held deposit differs from the sum of its records' deposits"
            );
        }
        let mut accepted: BTreeMap<T::AccountId, u32> = BTreeMap::new();
        for (manager, _, ()) in AcceptedOwners::<T>::iter() {
            let n = accepted.entry(manager).or_default();
            *n = n.saturating_add(1);
        }
        ensure!(
            AcceptedOwnerCount::<T>::iter().count() == accepted.len(),
            "an accepted-owner count is kept for a manager without owners"
        );
        for (manager, n) in accepted {
            ensure!(
                AcceptedOwnerCount::<T>::get(&manager) == n && n <= T::MaxAcceptedOwners::get(),
                "a manager's accepted-owner count is wrong or over the bound"
            );
        }
        Self::dictionaries_try_state()
    }

    /// The dictionary registry's invariants: `DictionaryCount` counts `Dictionaries`
    /// and is within `MaxDictionaries`; every active dictionary is registered
    /// under its list's language, is not retired, is listed once, and the lists run
    /// oldest first; every registered one that is not retired is active, and none was
    /// registered (or retired) in a future block or retired before it was registered.
    #[cfg(any(feature = "try-runtime", test))]
    fn dictionaries_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        let now = frame_system::Pallet::<T>::block_number();
        let mut registered = 0u32;
        let mut unretired = 0usize;
        for (_, info) in Dictionaries::<T>::iter() {
            registered = registered.saturating_add(1);
            ensure!(
                info.registered_block <= now,
                "a dictionary was registered in a future block"
            );
            match info.retired_block {
                None => unretired = unretired.saturating_add(1),
                Some(retired) => ensure!(
                    info.registered_block <= retired && retired <= now,
                    "a dictionary was retired before its registration or in a future block"
                ),
            }
        }
        ensure!(
            DictionaryCount::<T>::get() == registered,
            "DictionaryCount differs from the number of registered dictionaries"
        );
        ensure!(
            registered <= T::MaxDictionaries::get(),
            "more dictionaries than MaxDictionaries"
        );
        let mut active = 0usize;
        for (language, list) in ActiveDictionaries::<T>::iter() {
            ensure!(!list.is_empty(), "an empty active list is stored");
            let mut previous: Option<BlockNumberFor<T>> = None;
            for (i, hash) in list.iter().enumerate() {
                ensure!(
                    !list[..i].contains(hash),
                    "a dictionary is listed twice as active"
                );
                let info =
                    Dictionaries::<T>::get(hash).ok_or("an active dictionary is not registered")?;
                ensure!(
                    info.language == language,
                    "an active dictionary is listed under another language"
                );
                ensure!(
                    info.retired_block.is_none(),
                    "a retired dictionary is active"
                );
                ensure!(
                    previous.is_none_or(|previous| previous <= info.registered_block),
                    "an active list is not ordered oldest first"
                );
                previous = Some(info.registered_block);
            }
            active = active.saturating_add(list.len());
        }
        ensure!(
            active == unretired,
            "a dictionary that is not retired is missing from the active lists"
        );
        Ok(())
    }
}

impl<T: Config> RecordProvider<T::AccountId> for Pallet<T> {
    fn owner(record: RecordId) -> Option<T::AccountId> {
        Records::<T>::get(record)
            .filter(|r| r.status == RecordStatus::Live)
            .map(|r| r.owner)
    }

    fn manager(record: RecordId) -> Option<T::AccountId> {
        Records::<T>::get(record)
            .filter(|r| r.status == RecordStatus::Live)
            .map(|r| r.input.manager)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn create_for_benchmarks(owner: &T::AccountId, manager: &T::AccountId) -> RecordId {
        benchmarking::create_record::<T>(owner, manager, NextRecordId::<T>::get() as u32)
    }
}
