//! Storage migrations of `pallet-medical-records`.
//!
//! Layout versions (`#[pallet::storage_version]`):
//! - **1** — the first layout. A chain that adds the pallet by a runtime upgrade needs
//!   no migration: FRAME writes the in-code version for a pallet without storage
//!   (`BeforeAllRuntimeMigrations`).
//! - **2** — `Record` gains `registered_block`, the block that registered it, so that an
//!   audit starts there. Records registered under version 1 get `None` (their block is
//!   not known on-chain; `registered_at` still finds it). [`v2::MigrateV1ToV2`].
//! - **3** — `Record` gains `raw_hash_kind`: records registered before are marked
//!   `Plain` (their `raw_hash` is blake2-256 of the text), new ones are `Keyed` (the
//!   owner's keyed commitment). [`v3::MigrateV2ToV3`].
//! - **4** — data managers accept their owners (`AcceptedOwners`): each manager accepts
//!   the owners of the live records that name it; retired records, which held nothing,
//!   get `deposit: 0`. [`v4::MigrateV3ToV4`]. (From version 4 a retirement keeps part of
//!   the deposit held and a retraction erases labels and location; records retired
//!   before keep their labels and location.)
//!
//! Every layout change adds a `frame_support::migrations::VersionedMigration` here (from
//! version N to N + 1, with `try-runtime` pre- and post-checks) and lists it in the
//! runtime's `Migrations`.

use crate::{BalanceOf, Config, LabelsOf, LocationOf, Pallet, Records};
use alloc::vec::Vec;
use codec::DecodeAll;
use frame_support::{
    migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{Record, RecordId, RecordInput, RecordStatus};

pub mod v4;

/// A stored value read as an `Old` record, refusing leftover bytes (a value of a newer
/// layout would otherwise read as an older one and lose its new fields).
fn read_exact<T: Config, Old: Decode>(id: RecordId) -> Option<Old> {
    let raw = frame_support::storage::unhashed::get_raw(&Records::<T>::hashed_key_for(id))?;
    Old::decode_all(&mut &raw[..]).ok()
}

/// One pass over `Records`: every value that is exactly an `Old` record is handed to
/// `rewrite`; anything else is left as it is. The weight: per key a step and a read, per
/// rewritten record a write.
fn rewrite_exact<T: Config, Old: Decode>(
    what: &str,
    mut rewrite: impl FnMut(RecordId, Old),
) -> Weight {
    let ids: Vec<RecordId> = Records::<T>::iter_keys().collect();
    let (mut migrated, mut kept) = (0u64, 0u64);
    for id in &ids {
        match read_exact::<T, Old>(*id) {
            Some(old) => {
                rewrite(*id, old);
                migrated = migrated.saturating_add(1);
            }
            None => kept = kept.saturating_add(1),
        }
    }
    log::info!(
        target: "runtime::medical-records",
        "{what}: {migrated} records rewritten; {kept} values that are not records of the \
         old layout left as they are"
    );
    let keys = ids.len() as u64;
    T::DbWeight::get().reads_writes(keys.saturating_mul(2), migrated)
}

/// `pre_upgrade`: every record's id and the blake2-256 of its `Old` encoding; refuses a
/// chain holding a value that is not exactly an `Old` record.
#[cfg(feature = "try-runtime")]
fn exact_digests<T: Config, Old: Decode + Encode>() -> Result<Vec<u8>, sp_runtime::TryRuntimeError>
{
    let mut digests = Vec::new();
    for id in Records::<T>::iter_keys() {
        let old = read_exact::<T, Old>(id)
            .ok_or("a stored record is not exactly a record of the old layout")?;
        digests.push((id, sp_io::hashing::blake2_256(&old.encode())));
    }
    Ok(digests.encode())
}

/// `post_upgrade`: the same records are there, each unchanged but for its new field
/// (`before` checks the new field and gives the record back in the old layout), and the
/// storage version is `version`.
#[cfg(feature = "try-runtime")]
fn check_digests<T: Config, Old: Encode>(
    state: Vec<u8>,
    version: u16,
    before: impl Fn(RecordId) -> Result<Old, sp_runtime::TryRuntimeError>,
) -> Result<(), sp_runtime::TryRuntimeError> {
    let digests = Vec::<(RecordId, [u8; 32])>::decode(&mut &state[..])
        .map_err(|_| "pre_upgrade state does not decode")?;
    ensure!(
        Records::<T>::iter_keys().count() == digests.len(),
        "the number of records changed"
    );
    for (id, digest) in digests {
        ensure!(
            sp_io::hashing::blake2_256(&before(id)?.encode()) == digest,
            "a record changed beyond the new field"
        );
    }
    ensure!(
        Pallet::<T>::on_chain_storage_version() == StorageVersion::new(version),
        "the storage version is not the new one"
    );
    Ok(())
}

/// Version 1 → 2: `Record.registered_block`.
pub mod v2 {
    use super::*;

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

    /// A record as version 2 stored it (before `raw_hash_kind`).
    #[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
    pub struct RecordV2<AccountId, Balance, Labels, Location, BlockNumber> {
        pub owner: AccountId,
        pub input: RecordInput<AccountId, Labels, Location>,
        pub previous: Option<RecordId>,
        pub status: RecordStatus,
        pub registered_at: u64,
        pub deposit: Balance,
        pub registered_block: Option<BlockNumber>,
    }

    /// [`RecordV2`] with the runtime's types.
    pub type RecordV2Of<T> = RecordV2<
        <T as frame_system::Config>::AccountId,
        BalanceOf<T>,
        LabelsOf<T>,
        LocationOf<T>,
        BlockNumberFor<T>,
    >;

    /// Version 2's view of storage.
    pub mod stored_v2 {
        use super::*;

        /// `Records` as version 2 typed it.
        #[frame_support::storage_alias]
        pub type Records<T: Config> =
            StorageMap<Pallet<T>, Twox64Concat, RecordId, RecordV2Of<T>, OptionQuery>;
    }

    /// Version 1's view of storage.
    pub mod stored_v1 {
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

    impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
        fn on_runtime_upgrade() -> Weight {
            rewrite_exact::<T, RecordV1Of<T>>("storage v1 -> v2", |id, old| {
                stored_v2::Records::<T>::insert(id, upgraded::<T>(old))
            })
        }

        /// Every record's id and the blake2-256 of its version-1 encoding.
        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
            exact_digests::<T, RecordV1Of<T>>()
        }

        /// Every record is still there, unchanged but for `registered_block: None`.
        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            check_digests::<T, _>(state, 2, |id| {
                let after = stored_v2::Records::<T>::get(id)
                    .ok_or("a record is missing after the upgrade")?;
                ensure!(
                    after.registered_block.is_none(),
                    "a migrated record names a block"
                );
                Ok(RecordV1 {
                    owner: after.owner,
                    input: after.input,
                    previous: after.previous,
                    status: after.status,
                    registered_at: after.registered_at,
                    deposit: after.deposit,
                })
            })
        }
    }

    fn upgraded<T: Config>(old: RecordV1Of<T>) -> RecordV2Of<T> {
        RecordV2 {
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

/// Version 2 → 3: `Record.raw_hash_kind`.
pub mod v3 {
    use super::{v2::RecordV2Of, *};
    use medchain_primitives::RawHashKind;

    /// Rewrites every record with `raw_hash_kind: Plain` (registered before keyed
    /// commitments). Run it only through [`MigrateV2ToV3`], which checks and bumps the
    /// storage version.
    ///
    /// One pass in one block, as [`super::v2`]: a value is migrated only if it is exactly
    /// a version-2 record; anything else is left as it is, and `pre_upgrade` refuses a
    /// chain holding one.
    pub struct InnerMigrateV2ToV3<T>(PhantomData<T>);

    fn upgraded<T: Config>(old: RecordV2Of<T>) -> crate::RecordOf<T> {
        Record {
            owner: old.owner,
            input: old.input,
            previous: old.previous,
            status: old.status,
            registered_at_ms: old.registered_at,
            deposit: old.deposit,
            registered_block: old.registered_block,
            raw_hash_kind: RawHashKind::Plain,
        }
    }

    impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
        fn on_runtime_upgrade() -> Weight {
            rewrite_exact::<T, RecordV2Of<T>>("storage v2 -> v3", |id, old| {
                Records::<T>::insert(id, upgraded::<T>(old))
            })
        }

        /// Every record's id and the blake2-256 of its version-2 encoding.
        #[cfg(feature = "try-runtime")]
        fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
            exact_digests::<T, RecordV2Of<T>>()
        }

        /// Every record is still there, unchanged but for `raw_hash_kind: Plain`.
        #[cfg(feature = "try-runtime")]
        fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
            check_digests::<T, _>(state, 3, |id| {
                let after = Records::<T>::get(id).ok_or("a record is missing after the upgrade")?;
                ensure!(
                    after.raw_hash_kind == RawHashKind::Plain,
                    "a migrated record is not marked plain"
                );
                Ok(super::v2::RecordV2 {
                    owner: after.owner,
                    input: after.input,
                    previous: after.previous,
                    status: after.status,
                    registered_at: after.registered_at_ms,
                    deposit: after.deposit,
                    registered_block: after.registered_block,
                })
            })
        }
    }

    /// The migration to list in the runtime's `Migrations` after
    /// [`super::v2::MigrateV1ToV2`]: runs only when the on-chain storage version is 2,
    /// then sets it to 3.
    pub type MigrateV2ToV3<T> = VersionedMigration<
        2,
        3,
        InnerMigrateV2ToV3<T>,
        Pallet<T>,
        <T as frame_system::Config>::DbWeight,
    >;
}

#[cfg(test)]
mod tests {
    use super::{v2::*, v3::*};
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

    fn as_v2(record: RecordOf<Test>) -> RecordV2Of<Test> {
        RecordV2 {
            owner: record.owner,
            input: record.input,
            previous: record.previous,
            status: record.status,
            registered_at: record.registered_at_ms,
            deposit: record.deposit,
            registered_block: record.registered_block,
        }
    }

    /// A version-2 chain: records written in the version-2 layout, storage version 2.
    fn downgrade_to_v2(ids: &[RecordId]) -> Vec<RecordV2Of<Test>> {
        let old: Vec<_> = ids
            .iter()
            .map(|id| as_v2(Records::<Test>::get(id).unwrap()))
            .collect();
        for (id, record) in ids.iter().zip(&old) {
            stored_v2::Records::<Test>::insert(id, record);
        }
        StorageVersion::new(2).put::<MedicalRecords>();
        old
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
                    registered_at: record.registered_at_ms,
                    deposit: record.deposit,
                }
            })
            .collect();
        for (id, record) in ids.iter().zip(&old) {
            stored_v1::Records::<Test>::insert(id, record);
        }
        StorageVersion::new(1).put::<MedicalRecords>();
        old
    }

    fn db() -> frame_support::weights::RuntimeDbWeight {
        <Test as frame_system::Config>::DbWeight::get()
    }

    #[test]
    fn new_records_carry_their_block_and_a_keyed_hash() {
        new_test_ext().execute_with(|| {
            go_to_block(7);
            let id = register(1);
            let record = Records::<Test>::get(id).unwrap();
            assert_eq!(record.registered_block, Some(7));
            assert_eq!(record.raw_hash_kind, RawHashKind::Keyed);
            assert_eq!(MedicalRecords::in_code_storage_version(), 4);
        });
    }

    #[test]
    fn v1_records_gain_an_empty_block_then_a_plain_kind_and_nothing_else_changes() {
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
            for (id, before) in ids.iter().zip(&old) {
                let after = stored_v2::Records::<Test>::get(id).unwrap();
                assert_eq!(after.registered_block, None);
                assert_eq!(after.owner, before.owner);
                assert_eq!(after.input, before.input);
                assert_eq!(after.status, before.status);
                assert_eq!(after.registered_at, before.registered_at);
                assert_eq!(after.deposit, before.deposit);
            }
            // Three records: a key step and a read each, a write each; plus the version
            // read and write.
            assert_eq!(weight, db().reads_writes(7, 4));
            // Listed twice or run again, it does nothing.
            assert_eq!(
                MigrateV1ToV2::<Test>::on_runtime_upgrade(),
                db().reads(1),
                "a second run must only read the version"
            );

            assert_eq!(
                MigrateV2ToV3::<Test>::on_runtime_upgrade(),
                db().reads_writes(7, 4)
            );
            assert_eq!(MedicalRecords::on_chain_storage_version(), 3);
            for (id, before) in ids.iter().zip(old) {
                let after = Records::<Test>::get(id).unwrap();
                assert_eq!(after.raw_hash_kind, RawHashKind::Plain);
                assert_eq!(after.registered_block, None);
                assert_eq!(after.input, before.input);
                assert_eq!(after.status, before.status);
            }
            Pallet::<Test>::do_try_state().expect("invariants hold after the migrations");
        });
    }

    #[test]
    fn v2_records_are_marked_plain_and_nothing_else_changes() {
        new_test_ext().execute_with(|| {
            go_to_block(4);
            let ids = [register(1), register(2)];
            let old = downgrade_to_v2(&ids);
            assert!(Records::<Test>::get(ids[0]).is_none());

            let weight = MigrateV2ToV3::<Test>::on_runtime_upgrade();

            assert_eq!(MedicalRecords::on_chain_storage_version(), 3);
            for (id, before) in ids.iter().zip(old) {
                let after = Records::<Test>::get(id).unwrap();
                assert_eq!(after.raw_hash_kind, RawHashKind::Plain);
                assert_eq!(as_v2(after), before);
            }
            assert_eq!(weight, db().reads_writes(5, 3));
            // A record registered now is keyed.
            let new = register(9);
            assert_eq!(
                Records::<Test>::get(new).unwrap().raw_hash_kind,
                RawHashKind::Keyed
            );
            Pallet::<Test>::do_try_state().expect("invariants hold after the migration");
            assert_eq!(MigrateV2ToV3::<Test>::on_runtime_upgrade(), db().reads(1));
        });
    }

    #[test]
    fn values_that_are_not_records_of_the_old_layout_are_kept_as_they_are() {
        new_test_ext().execute_with(|| {
            go_to_block(5);
            let id = register(1);
            let current = register(2);
            downgrade_to_v1(&[id]);
            let key = Records::<Test>::hashed_key_for(99);
            sp_io::storage::set(&key, b"not a record");

            MigrateV1ToV2::<Test>::on_runtime_upgrade();
            MigrateV2ToV3::<Test>::on_runtime_upgrade();

            assert_eq!(
                sp_io::storage::get(&key).as_deref(),
                Some(&b"not a record"[..])
            );
            let migrated = Records::<Test>::get(id).unwrap();
            assert_eq!(migrated.registered_block, None);
            assert_eq!(migrated.raw_hash_kind, RawHashKind::Plain);
            // A current value reads as an older one plus leftover bytes: it is kept.
            let kept = Records::<Test>::get(current).unwrap();
            assert_eq!(kept.registered_block, Some(5));
            assert_eq!(kept.raw_hash_kind, RawHashKind::Keyed);
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
            assert_ok!(MigrateV2ToV3::<Test>::try_on_runtime_upgrade(true));
            assert_eq!(MedicalRecords::on_chain_storage_version(), 3);
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
        new_test_ext().execute_with(|| {
            let id = register(1);
            downgrade_to_v2(&[id]);
            sp_io::storage::set(&Records::<Test>::hashed_key_for(99), b"garbage");
            assert!(MigrateV2ToV3::<Test>::try_on_runtime_upgrade(true).is_err());
        });
    }

    #[cfg(feature = "try-runtime")]
    #[test]
    fn try_runtime_refuses_a_newer_record_on_an_older_chain() {
        new_test_ext().execute_with(|| {
            let id = register(1);
            register(2);
            downgrade_to_v1(&[id]);
            assert!(MigrateV1ToV2::<Test>::try_on_runtime_upgrade(true).is_err());
        });
        new_test_ext().execute_with(|| {
            let id = register(1);
            register(2);
            downgrade_to_v2(&[id]);
            assert!(MigrateV2ToV3::<Test>::try_on_runtime_upgrade(true).is_err());
        });
    }
}
