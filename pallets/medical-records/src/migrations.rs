//! Storage migrations of `pallet-medical-records`.
//!
//! Layout versions (`#[pallet::storage_version]`):
//! - **1** — the first layout. A chain that adds the pallet by a runtime upgrade needs
//!   no migration: FRAME writes the in-code version for a pallet without storage
//!   (`BeforeAllRuntimeMigrations`).
//! - **2** — `Record` gains `registered_block`, the block that registered it, so that an
//!   audit starts there. Records registered under version 1 get `None` (their block is
//!   not known on-chain; `registered_at` still finds it). [`v2::MigrateV1ToV2`].
//!
//! Every layout change adds a `frame_support::migrations::VersionedMigration` here (from
//! version N to N + 1, with `try-runtime` pre- and post-checks) and lists it in the
//! runtime's `Migrations`.

use crate::{BalanceOf, Config, LabelsOf, LocationOf, Pallet, Records};
use frame_support::{
    migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};
use medchain_primitives::{Record, RecordId, RecordInput, RecordStatus};

/// Version 1 → 2: `Record.registered_block`.
pub mod v2 {
    use super::*;
    use alloc::vec::Vec;
    use codec::DecodeAll;

    /// A record as version 1 stored it (without `registered_block`).
    #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
    pub struct RecordV1<AccountId, Balance, Labels, Location> {
        pub owner: AccountId,
        pub input: RecordInput<AccountId, Labels, Location>,
        pub previous: Option<RecordId>,
        pub status: RecordStatus,
        pub registered_at: u64,
        pub deposit: Balance,
    }

    /// [`RecordV1`] with the runtime's types.
    pub type RecordV1Of<T> =
        RecordV1<<T as frame_system::Config>::AccountId, BalanceOf<T>, LabelsOf<T>, LocationOf<T>>;

    /// Version 1's view of storage.
    pub mod v1 {
        use super::*;

        /// `Records` as version 1 typed it (the alias's name is the storage item's name).
        #[frame_support::storage_alias]
        pub type Records<T: Config> =
            StorageMap<Pallet<T>, Twox64Concat, RecordId, RecordV1Of<T>, OptionQuery>;
    }

    /// Rewrites every record with `registered_block: None`. Run it only through
    /// [`MigrateV1ToV2`], which checks and bumps the storage version.
    ///
    /// One pass in one block: per record, a key step, a read and a write (figures in the
    /// README). A value is migrated only if it is exactly a version-1 record (all its
    /// bytes); anything else is left as it is, never deleted, and `pre_upgrade` refuses
    /// an upgrade of a chain holding one.
    pub struct InnerMigrateV1ToV2<T>(PhantomData<T>);

    /// A stored value read as a version-1 record, refusing leftover bytes (a value that is
    /// already version 2 would otherwise read as version 1 and lose its block).
    fn read_v1<T: Config>(id: RecordId) -> Option<RecordV1Of<T>> {
        let raw = frame_support::storage::unhashed::get_raw(&Records::<T>::hashed_key_for(id))?;
        RecordV1Of::<T>::decode_all(&mut &raw[..]).ok()
    }

    impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
        fn on_runtime_upgrade() -> Weight {
            let ids: Vec<RecordId> = Records::<T>::iter_keys().collect();
            let (mut migrated, mut kept) = (0u64, 0u64);
            for id in &ids {
                match read_v1::<T>(*id) {
                    Some(old) => {
                        Records::<T>::insert(id, upgraded::<T>(old));
                        migrated = migrated.saturating_add(1);
                    }
                    None => kept = kept.saturating_add(1),
                }
            }
            log::info!(
                target: "runtime::medical-records",
                "storage v1 -> v2: {migrated} records now carry registered_block (None); \
                 {kept} values that are not version-1 records left as they are"
            );
            let keys = ids.len() as u64;
            T::DbWeight::get().reads_writes(keys.saturating_mul(2), migrated)
        }

        /// Every record's id and the blake2-256 of its version-1 encoding.
        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
            let mut digests = Vec::new();
            for id in Records::<T>::iter_keys() {
                let old =
                    read_v1::<T>(id).ok_or("a stored record is not exactly a version-1 record")?;
                digests.push((id, sp_io::hashing::blake2_256(&old.encode())));
            }
            Ok(digests.encode())
        }

        /// Every record is still there, unchanged but for `registered_block: None`.
        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            let digests = Vec::<(RecordId, [u8; 32])>::decode(&mut &state[..])
                .map_err(|_| "pre_upgrade state does not decode")?;
            ensure!(
                Records::<T>::iter_keys().count() == digests.len(),
                "the number of records changed"
            );
            for (id, digest) in digests {
                let after = Records::<T>::get(id).ok_or("a record is missing after the upgrade")?;
                ensure!(
                    after.registered_block.is_none(),
                    "a migrated record names a block"
                );
                let before = RecordV1 {
                    owner: after.owner,
                    input: after.input,
                    previous: after.previous,
                    status: after.status,
                    registered_at: after.registered_at,
                    deposit: after.deposit,
                };
                ensure!(
                    sp_io::hashing::blake2_256(&before.encode()) == digest,
                    "a record changed beyond the new field"
                );
            }
            ensure!(
                Pallet::<T>::on_chain_storage_version() == StorageVersion::new(2),
                "the storage version is not 2"
            );
            Ok(())
        }
    }

    fn upgraded<T: Config>(old: RecordV1Of<T>) -> crate::RecordOf<T> {
        Record {
            owner: old.owner,
            input: old.input,
            previous: old.previous,
            status: old.status,
            registered_at: old.registered_at,
            deposit: old.deposit,
            registered_block: None,
        }
    }

    /// The migration to list in the runtime's `Migrations`: runs only when the on-chain
    /// storage version is 1, then sets it to 2.
    pub type MigrateV1ToV2<T> = VersionedMigration<
        1,
        2,
        InnerMigrateV1ToV2<T>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;
}

#[cfg(test)]
mod tests {
    use super::v2::*;
    use crate::{mock::*, *};
    use frame_support::{
        assert_ok,
        traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
    };
    use medchain_primitives::{Codec, CodecMethod};

    fn register(seed: u8) -> RecordId {
        let id = NextRecordId::<Test>::get();
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            RecordInput {
                raw_hash: H256::repeat_byte(seed),
                content_hash: H256::repeat_byte(seed.wrapping_add(1)),
                raw_len: 2048,
                compressed_len: 900,
                codec: Codec {
                    method: CodecMethod::Bytes,
                    dictionary: None,
                },
                labels: LabelsOf::<Test>::try_from(vec![
                    LabelOf::<Test>::try_from(b"en".to_vec()).unwrap()
                ])
                .unwrap(),
                location: LocationOf::<Test>::try_from(b"store://1".to_vec()).unwrap(),
                manager: MANAGER,
            },
        ));
        id
    }

    /// A version-1 chain: records written in the old layout, storage version 1.
    fn downgrade_to_v1(ids: &[RecordId]) -> Vec<RecordV1Of<Test>> {
        let old: Vec<_> = ids
            .iter()
            .map(|id| {
                let record = Records::<Test>::get(id).unwrap();
                RecordV1 {
                    owner: record.owner,
                    input: record.input,
                    previous: record.previous,
                    status: record.status,
                    registered_at: record.registered_at,
                    deposit: record.deposit,
                }
            })
            .collect();
        for (id, record) in ids.iter().zip(&old) {
            v1::Records::<Test>::insert(id, record);
        }
        StorageVersion::new(1).put::<MedicalRecords>();
        old
    }

    #[test]
    fn new_records_carry_their_block() {
        new_test_ext().execute_with(|| {
            go_to_block(7);
            let id = register(1);
            assert_eq!(Records::<Test>::get(id).unwrap().registered_block, Some(7));
            assert_eq!(MedicalRecords::in_code_storage_version(), 2);
        });
    }

    #[test]
    fn v1_records_gain_an_empty_block_and_nothing_else_changes() {
        new_test_ext().execute_with(|| {
            go_to_block(3);
            let ids = [register(1), register(2), register(3)];
            assert_ok!(MedicalRecords::retract_record(
                RuntimeOrigin::signed(OWNER),
                ids[1]
            ));
            let old = downgrade_to_v1(&ids);
            // The old layout is shorter: the new type cannot read it until migrated.
            assert!(Records::<Test>::get(ids[0]).is_none());

            let weight = MigrateV1ToV2::<Test>::on_runtime_upgrade();

            assert_eq!(MedicalRecords::on_chain_storage_version(), 2);
            for (id, before) in ids.iter().zip(old) {
                let after = Records::<Test>::get(id).unwrap();
                assert_eq!(after.registered_block, None);
                assert_eq!(after.owner, before.owner);
                assert_eq!(after.input, before.input);
                assert_eq!(after.status, before.status);
                assert_eq!(after.registered_at, before.registered_at);
                assert_eq!(after.deposit, before.deposit);
            }
            let db: frame_support::weights::RuntimeDbWeight =
                <Test as frame_system::Config>::DbWeight::get();
            // Three records: a key step and a read each, a write each; plus the version
            // read and write.
            assert_eq!(weight, db.reads_writes(7, 4));
            Pallet::<Test>::do_try_state().expect("invariants hold after the migration");

            // Listed twice or run again, it does nothing.
            assert_eq!(
                MigrateV1ToV2::<Test>::on_runtime_upgrade(),
                db.reads(1),
                "a second run must only read the version"
            );
        });
    }

    #[test]
    fn values_that_are_not_v1_records_are_kept_as_they_are() {
        new_test_ext().execute_with(|| {
            go_to_block(5);
            let id = register(1);
            let already_v2 = register(2);
            downgrade_to_v1(&[id]);
            let key = Records::<Test>::hashed_key_for(99);
            sp_io::storage::set(&key, b"not a record");

            MigrateV1ToV2::<Test>::on_runtime_upgrade();

            assert_eq!(
                sp_io::storage::get(&key).as_deref(),
                Some(&b"not a record"[..])
            );
            assert_eq!(Records::<Test>::get(id).unwrap().registered_block, None);
            // A version-2 value reads as version 1 plus leftover bytes: it keeps its block.
            assert_eq!(
                Records::<Test>::get(already_v2).unwrap().registered_block,
                Some(5)
            );
        });
    }

    /// The checks `try-runtime` runs around the upgrade: `pre_upgrade`, the migration,
    /// `post_upgrade`, with the pallets' `try_state` after.
    #[cfg(feature = "try-runtime")]
    #[test]
    fn try_runtime_checks_pass_on_a_v1_chain() {
        new_test_ext().execute_with(|| {
            go_to_block(2);
            let ids = [register(1), register(2)];
            downgrade_to_v1(&ids);
            assert_ok!(MigrateV1ToV2::<Test>::try_on_runtime_upgrade(true));
            assert_eq!(MedicalRecords::on_chain_storage_version(), 2);
            Pallet::<Test>::do_try_state().expect("invariants hold");
        });
    }

    #[cfg(feature = "try-runtime")]
    #[test]
    fn try_runtime_refuses_a_chain_with_an_undecodable_record() {
        new_test_ext().execute_with(|| {
            let id = register(1);
            downgrade_to_v1(&[id]);
            sp_io::storage::set(&Records::<Test>::hashed_key_for(99), b"garbage");
            assert!(MigrateV1ToV2::<Test>::try_on_runtime_upgrade(true).is_err());
        });
    }

    #[cfg(feature = "try-runtime")]
    #[test]
    fn try_runtime_refuses_a_version_2_record_on_a_version_1_chain() {
        new_test_ext().execute_with(|| {
            let id = register(1);
            register(2);
            downgrade_to_v1(&[id]);
            assert!(MigrateV1ToV2::<Test>::try_on_runtime_upgrade(true).is_err());
        });
    }
}
