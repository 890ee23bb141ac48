//! Storage migrations of the validator set.
//!
//! - [`v1::SeedFromAuthorities`]: a chain that began without this pallet and
//!   `pallet-session` (its Aura and GRANDPA authorities fixed at genesis) gets both
//!   seeded with those authorities on the upgrade that adds them, so its first session
//!   rotations keep the same authors instead of handing GRANDPA an empty set.
//!
//! It is guarded by the state, not by the storage version: FRAME writes a new pallet's
//! storage version before any migration runs (`before_all_runtime_migrations`), so a
//! versioned migration of a pallet the upgrade adds would never run.

use super::*;
use frame_support::traits::OnRuntimeUpgrade;
use sp_runtime::traits::OpaqueKeys;

/// Version 0 → 1: the pallet's first layout.
pub mod v1 {
    use super::*;

    /// The authorities a chain already has, each with the account that runs it.
    pub trait CurrentAuthorities<AccountId, Keys> {
        /// The authorities in their consensus order.
        fn get() -> Vec<(AccountId, Keys)>;
    }

    /// Whether the chain predates `pallet-session` and this pallet: neither has any
    /// validator.
    pub fn predates_sessions<T>() -> bool
    where
        T: Config + pallet_session::Config,
    {
        pallet_session::Validators::<T>::get().is_empty()
            && pallet_session::QueuedKeys::<T>::get().is_empty()
            && Validators::<T>::get().is_empty()
    }

    /// Seeds [`Validators`], [`MinValidators`] ([`min_validators_for`] the founders), the
    /// session length `L` and `pallet-session`'s keys and validators from `A`, once: only
    /// while [`predates_sessions`].
    pub struct SeedFromAuthorities<T, A, L>(core::marker::PhantomData<(T, A, L)>);

    impl<T, A, L> OnRuntimeUpgrade for SeedFromAuthorities<T, A, L>
    where
        T: Config + pallet_session::Config<ValidatorId = <T as frame_system::Config>::AccountId>,
        A: CurrentAuthorities<T::AccountId, <T as pallet_session::Config>::Keys>,
        L: Get<BlockNumberFor<T>>,
    {
        fn on_runtime_upgrade() -> Weight {
            let db = T::DbWeight::get();
            if !predates_sessions::<T>() {
                return db.reads(3);
            }
            let authorities = A::get();
            if authorities.is_empty() {
                return db.reads(5);
            }
            let count = authorities.len() as u64;
            let key_count = <T as pallet_session::Config>::Keys::key_ids().len() as u64;
            let mut accounts = Vec::with_capacity(authorities.len());
            for (account, keys) in &authorities {
                for id in <T as pallet_session::Config>::Keys::key_ids() {
                    pallet_session::KeyOwner::<T>::insert(
                        (*id, keys.get_raw(*id).to_vec()),
                        account,
                    );
                }
                pallet_session::NextKeys::<T>::insert(account, keys);
                // As `pallet-session`'s genesis does: the keys are a consumer of the account.
                if frame_system::Pallet::<T>::inc_consumers_without_limit(account).is_err() {
                    frame_system::Pallet::<T>::inc_providers(account);
                }
                accounts.push(account.clone());
            }
            pallet_session::Validators::<T>::put(&accounts);
            pallet_session::QueuedKeys::<T>::put(&authorities);

            let mut sorted = accounts;
            sorted.sort();
            sorted.dedup();
            let min = min_validators_for(sorted.len() as u32);
            Validators::<T>::put(BoundedVec::truncate_from(sorted));
            MinValidators::<T>::put(min);
            SessionLengthBlocks::<T>::put(
                L::get()
                    .max(T::MinSessionLengthBlocks::get())
                    .min(T::MaxSessionLengthBlocks::get()),
            );
            SessionStartBlock::<T>::put(frame_system::Pallet::<T>::block_number());
            log::info!(
                target: "runtime::validator-set",
                "seeded the validator set and the session keys of {count} authorities"
            );
            db.reads_writes(5 + count, 6 + count * (2 + key_count))
        }

        #[cfg(feature = "try-runtime")]
        fn post_upgrade(_state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            ensure!(
                !pallet_session::Validators::<T>::get().is_empty(),
                "pallet-session has no validators"
            );
            Pallet::<T>::do_try_state()
        }
    }
}
