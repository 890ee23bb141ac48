//! Version 3 → 4: data managers accept their owners ([`crate::AcceptedOwners`]).
//!
//! Before version 4 any owner could name any manager. So that nothing registered today
//! stops working, every manager accepts the owners whose live records name it; any other
//! owner must now be accepted with `accept_owner`. Over [`Config::MaxAcceptedOwners`]
//! owners of one manager, the rest are left out (and logged): the manager accepts them
//! again once it has dropped some.
//!
//! Version 4 also keeps part of a retired record's deposit held. Records retired before
//! hold nothing (their whole deposit was released) although their `deposit` field still
//! shows it: the migration sets it to zero, what they hold.

use crate::{AcceptedOwners, Config, Pallet, Records};
use frame_support::{
    migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};
use medchain_primitives::RecordStatus;
use sp_runtime::traits::Zero;

/// Seeds [`AcceptedOwners`] from the live records and zeroes the `deposit` field of the
/// retired ones, which hold nothing. Run it only through
/// [`MigrateV3ToV4`], which checks and bumps the storage version. One pass over
/// `Records` in one block: a consortium chain's records, as the earlier migrations.
pub struct InnerMigrateV3ToV4<T>(PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV3ToV4<T> {
    fn on_runtime_upgrade() -> Weight {
        let (mut reads, mut writes, mut left_out) = (0u64, 0u64, 0u64);
        let mut zeroed = 0u64;
        for (id, mut record) in Records::<T>::iter() {
            reads = reads.saturating_add(2);
            if record.status != RecordStatus::Live {
                if !record.deposit.is_zero() {
                    record.deposit = Zero::zero();
                    Records::<T>::insert(id, record);
                    zeroed = zeroed.saturating_add(1);
                }
                continue;
            }
            if AcceptedOwners::<T>::contains_key(&record.input.manager, &record.owner) {
                continue;
            }
            match Pallet::<T>::do_accept_owner(&record.input.manager, &record.owner) {
                Ok(()) => writes = writes.saturating_add(2),
                Err(_) => left_out = left_out.saturating_add(1),
            }
            reads = reads.saturating_add(1);
        }
        log::info!(
            target: "runtime::medical-records",
            "storage v3 -> v4: {} owner acceptances seeded from live records; {left_out} \
             over MaxAcceptedOwners left out; {zeroed} retired records' deposits zeroed",
            writes / 2
        );
        T::DbWeight::get().reads_writes(reads, writes.saturating_add(zeroed))
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
        ensure!(
            AcceptedOwners::<T>::iter_keys().next().is_none(),
            "owners are accepted already before the migration"
        );
        Ok(alloc::vec::Vec::new())
    }

    /// Every live record's manager accepts its owner (unless over the bound), and the
    /// counts agree with the acceptances.
    #[cfg(feature = "try-runtime")]
    fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        for (_, record) in Records::<T>::iter() {
            if record.status == RecordStatus::Live {
                ensure!(
                    AcceptedOwners::<T>::contains_key(&record.input.manager, &record.owner)
                        || crate::AcceptedOwnerCount::<T>::get(&record.input.manager)
                            >= T::MaxAcceptedOwners::get(),
                    "a live record's manager does not accept its owner"
                );
            }
        }
        ensure!(
            Pallet::<T>::on_chain_storage_version() == StorageVersion::new(4),
            "the storage version is not 4"
        );
        Pallet::<T>::do_try_state()
    }
}

/// The migration to list in the runtime's `Migrations` after
/// [`super::v3::MigrateV2ToV3`]: runs only when the on-chain storage version is 3, then
/// sets it to 4.
pub type MigrateV3ToV4<T> = VersionedMigration<
    3,
    4,
    InnerMigrateV3ToV4<T>,
    Pallet<T>,
    <T as frame_system::Config>::DbWeight,
>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{mock::*, AcceptedOwnerCount};
    use frame_support::{
        assert_ok,
        traits::{
            fungible::{InspectHold, MutateHold},
            GetStorageVersion, OnRuntimeUpgrade,
        },
    };

    fn register(owner: AccountId, seed: u8) {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(owner),
            crate::tests::input(seed, &["en"])
        ));
    }

    #[test]
    fn managers_accept_the_owners_of_their_live_records_and_no_one_else() {
        new_test_ext().execute_with(|| {
            register(OWNER, 1);
            register(OWNER, 2);
            register(OTHER_OWNER, 3);
            assert_ok!(MedicalRecords::retract_record(
                RuntimeOrigin::signed(OTHER_OWNER),
                2
            ));
            // Retracted as version 3 did: the whole deposit released, the field kept.
            let reason = crate::HoldReason::RecordDeposit.into();
            let held = Balances::balance_on_hold(&reason, &OTHER_OWNER);
            assert_ok!(Balances::release(
                &reason,
                &OTHER_OWNER,
                held,
                frame_support::traits::tokens::Precision::Exact
            ));
            Records::<Test>::mutate(2, |r| r.as_mut().unwrap().deposit = 123);
            assert!(
                Pallet::<Test>::do_try_state().is_err(),
                "the old layout fails the new checks"
            );
            // A chain at version 3 knew no acceptances.
            let _ = AcceptedOwners::<Test>::clear(u32::MAX, None);
            let _ = AcceptedOwnerCount::<Test>::clear(u32::MAX, None);
            StorageVersion::new(3).put::<Pallet<Test>>();

            MigrateV3ToV4::<Test>::on_runtime_upgrade();

            assert!(AcceptedOwners::<Test>::contains_key(MANAGER, OWNER));
            assert!(!AcceptedOwners::<Test>::contains_key(MANAGER, OTHER_OWNER));
            assert!(!AcceptedOwners::<Test>::contains_key(MANAGER, POOR_OWNER));
            assert_eq!(AcceptedOwnerCount::<Test>::get(MANAGER), 1);
            assert_eq!(
                Records::<Test>::get(2).unwrap().deposit,
                0,
                "it holds nothing"
            );
            let live = Records::<Test>::get(0).unwrap();
            assert_eq!(
                live.deposit,
                Pallet::<Test>::deposit_for(&live.input),
                "kept"
            );
            assert_eq!(Pallet::<Test>::on_chain_storage_version(), 4);
            Pallet::<Test>::do_try_state().unwrap();
            // Run again at version 4, it does nothing.
            let _ = AcceptedOwners::<Test>::clear(u32::MAX, None);
            let _ = AcceptedOwnerCount::<Test>::clear(u32::MAX, None);
            MigrateV3ToV4::<Test>::on_runtime_upgrade();
            assert_eq!(AcceptedOwnerCount::<Test>::get(MANAGER), 0);
        });
    }
}
