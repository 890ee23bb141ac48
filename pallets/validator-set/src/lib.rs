//! # Validator set pallet
//!
//! The hospitals that author blocks (Aura) and vote on finality (GRANDPA), chosen by the
//! consortium's council and handed to `pallet-session` as its session manager.
//!
//! ## Overview
//!
//! - **The set.** [`Validators`] is the set the council wants: sorted accounts, at most
//!   [`Config::MaxValidators`], never fewer than [`MinValidators`].
//! - **Adding.** A validator must have set its session keys first (`Session::set_keys`,
//!   from Polkadot.js), so a motion cannot add an account that could not author.
//! - **When it applies.** A change waits for the next session boundary. There
//!   `pallet-session` asks this pallet for the set of the session after ([`Pallet`]'s
//!   `SessionManager::new_session`), so a hospital added during session `n` authors from
//!   session `n + 2`, and one removed stops then. Aura and GRANDPA follow the session's
//!   keys: GRANDPA schedules its authority change at that boundary.
//! - **One change at a time.** Until a change is active (queued at one boundary, active
//!   from the next), another is refused ([`Error::ChangePending`]): GRANDPA finalizes a
//!   set change only with the votes of the set before it, so the council grows or
//!   shrinks the set one validator at a time and sees each new validator vote before
//!   adding the next.
//! - **The minimum.** [`MinValidators`] (genesis; [`Pallet::set_min_validators`]) is the
//!   fewest validators the council may leave. [`min_validators_for`] is the default: all
//!   but the faults GRANDPA tolerates.
//! - **Session length.** Sessions last [`SessionLengthBlocks`] blocks (genesis;
//!   [`Pallet::set_session_length`], between [`Config::MinSessionLengthBlocks`] and
//!   [`Config::MaxSessionLengthBlocks`]). This pallet is also `pallet-session`'s
//!   `ShouldEndSession` and `NextSessionRotation`.
//! - Validators without session keys are left out of a session by `pallet-session`
//!   itself; the runtime refuses `Session::purge_keys`, so a validator keeps its keys.
//!
//! ## Calls
//!
//! All take `AdminOrigin` (in MedChain: root or a council majority).
//!
//! - [`Pallet::add_validator`], [`Pallet::remove_validator`].
//! - [`Pallet::set_min_validators`].
//! - [`Pallet::set_session_length`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::{
    pallet_prelude::*,
    traits::{EstimateNextSessionRotation, ValidatorRegistration},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{traits::Saturating, Permill};

/// A session's number (`pallet-session`'s `SessionIndex`).
pub type SessionIndex = u32;

/// The storage layout version (see `migrations`).
const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

/// The fewest validators a set of `count` should keep by default: all but the faults
/// GRANDPA tolerates, `count − ⌊(count − 1) / 3⌋` (4 → 3, 7 → 5).
pub const fn min_validators_for(count: u32) -> u32 {
    count - count.saturating_sub(1) / 3
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// Adds and removes validators, sets the session length (MedChain: root or a
        /// council majority).
        type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Whether an account has session keys (MedChain: `Session`).
        type KeysRegistered: ValidatorRegistration<Self::AccountId>;

        /// Most validators the set may hold (at most Aura's and GRANDPA's
        /// `MaxAuthorities`).
        #[pallet::constant]
        type MaxValidators: Get<u32>;

        /// Shortest session the council may set, in blocks.
        #[pallet::constant]
        type MinSessionLengthBlocks: Get<BlockNumberFor<Self>>;

        /// Longest session the council may set, in blocks (a change waits up to two).
        #[pallet::constant]
        type MaxSessionLengthBlocks: Get<BlockNumberFor<Self>>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;

        /// Gives benchmark accounts session keys.
        #[cfg(feature = "runtime-benchmarks")]
        type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::AccountId>;
    }

    /// The validators the council wants, sorted. Applied at session boundaries.
    #[pallet::storage]
    pub type Validators<T: Config> =
        StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

    /// The fewest validators the set may hold (genesis).
    #[pallet::storage]
    pub type MinValidators<T> = StorageValue<_, u32, ValueQuery>;

    /// Whether `Validators` changed since `pallet-session` last asked for the next set.
    #[pallet::storage]
    pub type SetChanged<T> = StorageValue<_, bool, ValueQuery>;

    /// The session from which the last change applies, until it starts: the change is
    /// queued, not yet active.
    #[pallet::storage]
    pub type PendingFrom<T> = StorageValue<_, SessionIndex, OptionQuery>;

    /// How many blocks a session lasts.
    #[pallet::storage]
    pub type SessionLengthBlocks<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

    /// The block at which the current session started.
    #[pallet::storage]
    pub type SessionStartBlock<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// The founding validators (each needs session keys in `Session`'s genesis).
        pub validators: Vec<T::AccountId>,
        /// The fewest validators the set may ever hold (at least 1).
        pub min_validators: u32,
        /// Blocks per session.
        pub session_length_blocks: BlockNumberFor<T>,
    }

    impl<T: Config> GenesisConfig<T> {
        /// Why this genesis would not build, if it would not (`consortium new` asks before
        /// writing a spec). The default (no validators, no minimum) leaves the pallet
        /// unconfigured: `pallet-session` then takes its validators from its own keys.
        pub fn check(&self) -> Result<(), &'static str> {
            if self.validators.is_empty() && self.min_validators == 0 {
                return Ok(());
            }
            let mut sorted = self.validators.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() != self.validators.len() {
                return Err("duplicate genesis validators");
            }
            if self.min_validators == 0 {
                return Err("min_validators must be at least 1");
            }
            if (self.validators.len() as u64) < self.min_validators as u64 {
                return Err("fewer genesis validators than min_validators");
            }
            if self.validators.len() as u64 > T::MaxValidators::get() as u64 {
                return Err("more genesis validators than MaxValidators");
            }
            if self.session_length_blocks < T::MinSessionLengthBlocks::get()
                || self.session_length_blocks > T::MaxSessionLengthBlocks::get()
            {
                return Err(
                    "session_length_blocks outside MinSessionLengthBlocks..=MaxSessionLengthBlocks",
                );
            }
            Ok(())
        }
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            if let Err(why) = self.check() {
                panic!("{why}");
            }
            if self.validators.is_empty() {
                SessionLengthBlocks::<T>::put(T::MinSessionLengthBlocks::get());
                return;
            }
            let mut validators = self.validators.clone();
            validators.sort();
            Validators::<T>::put(BoundedVec::truncate_from(validators));
            MinValidators::<T>::put(self.min_validators);
            SessionLengthBlocks::<T>::put(self.session_length_blocks);
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// `who` joins the set at the session after the next boundary.
        ValidatorAdded { who: T::AccountId },
        /// `who` leaves the set at the session after the next boundary.
        ValidatorRemoved { who: T::AccountId },
        /// The set of session `session` is queued: `validators` accounts with keys.
        ValidatorsQueued {
            session: SessionIndex,
            validators: u32,
        },
        /// The council may leave no fewer than `min` validators.
        MinValidatorsSet { min: u32 },
        /// Sessions now last `blocks` blocks.
        SessionLengthSet { blocks: BlockNumberFor<T> },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The account is already in the set.
        AlreadyValidator,
        /// The account is not in the set.
        NotValidator,
        /// The account has no session keys: it must call `Session::set_keys` first.
        NoSessionKeys,
        /// The set is full (`MaxValidators`).
        TooManyValidators,
        /// Removing would leave fewer than `MinValidators` validators.
        TooFewValidators,
        /// The session length is below `MinSessionLengthBlocks`.
        SessionTooShort,
        /// The session length is above `MaxSessionLengthBlocks`.
        SessionTooLong,
        /// A change is not yet active (queued at one boundary, active from the next).
        ChangePending,
        /// The minimum must be at least 1 and at most the validators there are.
        BadMinimum,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// `pallet-session` asks `should_end_session` every block; its weight is
        /// charged here.
        fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
            T::WeightInfo::should_end_session()
        }

        fn integrity_test() {
            assert!(
                T::MaxValidators::get() >= 1,
                "MaxValidators must be at least 1"
            );
            assert!(
                T::MinSessionLengthBlocks::get() > 0u32.into(),
                "MinSessionLengthBlocks must be positive"
            );
            assert!(
                T::MaxSessionLengthBlocks::get() >= T::MinSessionLengthBlocks::get(),
                "MaxSessionLengthBlocks below MinSessionLengthBlocks"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Adds `who` to the set from the session after the next boundary. `who` must have
        /// session keys.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::add_validator())]
        pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let mut validators = Validators::<T>::get();
            let at = validators
                .binary_search(&who)
                .err()
                .ok_or(Error::<T>::AlreadyValidator)?;
            ensure!(
                T::KeysRegistered::is_registered(&who),
                Error::<T>::NoSessionKeys
            );
            ensure!(!Self::change_pending(), Error::<T>::ChangePending);
            validators
                .try_insert(at, who.clone())
                .map_err(|_| Error::<T>::TooManyValidators)?;
            Validators::<T>::put(validators);
            SetChanged::<T>::put(true);
            Self::deposit_event(Event::ValidatorAdded { who });
            Ok(())
        }

        /// Removes `who` from the set from the session after the next boundary; never
        /// below `MinValidators`.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::remove_validator())]
        pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let mut validators = Validators::<T>::get();
            let at = validators
                .binary_search(&who)
                .map_err(|_| Error::<T>::NotValidator)?;
            // Never below the minimum, nor empty (an unconfigured pallet's minimum is 0).
            ensure!(
                validators.len() > MinValidators::<T>::get().max(1) as usize,
                Error::<T>::TooFewValidators
            );
            ensure!(!Self::change_pending(), Error::<T>::ChangePending);
            validators.remove(at);
            Validators::<T>::put(validators);
            SetChanged::<T>::put(true);
            Self::deposit_event(Event::ValidatorRemoved { who });
            Ok(())
        }

        /// Sessions last `blocks` blocks from now on (the current one included), within
        /// `MinSessionLengthBlocks..=MaxSessionLengthBlocks`.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::set_session_length())]
        pub fn set_session_length(
            origin: OriginFor<T>,
            blocks: BlockNumberFor<T>,
        ) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            ensure!(
                blocks >= T::MinSessionLengthBlocks::get(),
                Error::<T>::SessionTooShort
            );
            ensure!(
                blocks <= T::MaxSessionLengthBlocks::get(),
                Error::<T>::SessionTooLong
            );
            SessionLengthBlocks::<T>::put(blocks);
            Self::deposit_event(Event::SessionLengthSet { blocks });
            Ok(())
        }

        /// The council may leave no fewer than `min` validators (1 to the set's size).
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::set_min_validators())]
        pub fn set_min_validators(origin: OriginFor<T>, min: u32) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let count = Validators::<T>::decode_len().unwrap_or(0) as u32;
            ensure!(min >= 1 && min <= count, Error::<T>::BadMinimum);
            MinValidators::<T>::put(min);
            Self::deposit_event(Event::MinValidatorsSet { min });
            Ok(())
        }
    }
}

impl<T: Config> Pallet<T> {
    /// Whether a change waits: to be queued at the next boundary, or queued and not yet
    /// active.
    pub fn change_pending() -> bool {
        SetChanged::<T>::get() || PendingFrom::<T>::get().is_some()
    }

    /// The validators of `Validators` that have session keys (`pallet-session` would
    /// leave the others out anyway).
    fn with_keys() -> Vec<T::AccountId> {
        Validators::<T>::get()
            .into_iter()
            .filter(T::KeysRegistered::is_registered)
            .collect()
    }

    /// The invariants of this pallet's storage (`try_state`, and the runtime's tests).
    pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
        let validators = Validators::<T>::get();
        ensure!(
            validators.windows(2).all(|pair| pair[0] < pair[1]),
            "Validators is not sorted and unique"
        );
        let min = MinValidators::<T>::get();
        if validators.is_empty() && min == 0 {
            // Not configured (the default genesis).
            return Ok(());
        }
        ensure!(min >= 1, "MinValidators is 0");
        ensure!(
            validators.len() >= min as usize,
            "fewer validators than MinValidators"
        );
        let length = SessionLengthBlocks::<T>::get();
        ensure!(
            length >= T::MinSessionLengthBlocks::get()
                && length <= T::MaxSessionLengthBlocks::get(),
            "SessionLengthBlocks outside its bounds"
        );
        ensure!(
            validators.iter().all(T::KeysRegistered::is_registered),
            "a validator has no session keys"
        );
        Ok(())
    }
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
    fn new_session(session: SessionIndex) -> Option<Vec<T::AccountId>> {
        SessionStartBlock::<T>::put(frame_system::Pallet::<T>::block_number());
        if !SetChanged::<T>::get() {
            return None;
        }
        let next = Self::with_keys();
        if next.is_empty() {
            // Never hand pallet-session an empty set: the chain would stop.
            return None;
        }
        SetChanged::<T>::kill();
        PendingFrom::<T>::put(session);
        Self::deposit_event(Event::ValidatorsQueued {
            session,
            validators: next.len() as u32,
        });
        Some(next)
    }

    fn new_session_genesis(_session: SessionIndex) -> Option<Vec<T::AccountId>> {
        let validators = Self::with_keys();
        (!validators.is_empty()).then_some(validators)
    }

    fn end_session(_session: SessionIndex) {}

    fn start_session(session: SessionIndex) {
        if PendingFrom::<T>::get().is_some_and(|from| session >= from) {
            PendingFrom::<T>::kill();
        }
    }
}

impl<T: Config> pallet_session::ShouldEndSession<BlockNumberFor<T>> for Pallet<T> {
    fn should_end_session(now: BlockNumberFor<T>) -> bool {
        Self::session_ends_at(now)
    }
}

impl<T: Config> Pallet<T> {
    /// Whether the session ends at block `now`: `SessionLengthBlocks` after it started.
    pub fn session_ends_at(now: BlockNumberFor<T>) -> bool {
        now.saturating_sub(SessionStartBlock::<T>::get()) >= SessionLengthBlocks::<T>::get()
    }
}

impl<T: Config> EstimateNextSessionRotation<BlockNumberFor<T>> for Pallet<T> {
    fn average_session_length() -> BlockNumberFor<T> {
        SessionLengthBlocks::<T>::get()
    }

    fn estimate_current_session_progress(now: BlockNumberFor<T>) -> (Option<Permill>, Weight) {
        let length = SessionLengthBlocks::<T>::get();
        let elapsed = now
            .saturating_sub(SessionStartBlock::<T>::get())
            .min(length);
        // `from_rational` treats a zero length as 100%.
        (
            Some(Permill::from_rational(elapsed, length)),
            T::DbWeight::get().reads(2),
        )
    }

    fn estimate_next_session_rotation(
        now: BlockNumberFor<T>,
    ) -> (Option<BlockNumberFor<T>>, Weight) {
        let end = SessionStartBlock::<T>::get().saturating_add(SessionLengthBlocks::<T>::get());
        (Some(end.max(now)), T::DbWeight::get().reads(2))
    }
}
