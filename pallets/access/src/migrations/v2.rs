//! Version 1 → 2: a request's purpose is coded ([`Purpose`]).
//!
//! A version-1 request holds its purpose as free text only. It keeps that text, with
//! the code `Uncoded` — or `BTG` when it is an emergency access (it has a review), whose
//! text is the reason. Nothing else changes: the request's other fields and every other
//! item keep their encoding.

use crate::{Config, Pallet, PurposeTextOf, RequestOf, Requests, Reviews};
use frame_support::{
    migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{
    purpose::{Purpose, PurposeOfUse},
    Request,
};

/// A request as version 1 stored it: the purpose as free text.
pub type RequestV1Of<T> =
    Request<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, PurposeTextOf<T>>;

/// Codes every stored request's purpose. Run it only through [`MigrateV1ToV2`], which
/// checks and bumps the storage version. One pass over `Requests` in one block: the
/// requests not yet reaped, each holding a deposit.
pub struct InnerMigrateV1ToV2<T>(PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
    fn on_runtime_upgrade() -> Weight {
        let (mut coded, mut emergencies) = (0u64, 0u64);
        Requests::<T>::translate::<RequestV1Of<T>, _>(|id, old| {
            coded = coded.saturating_add(1);
            let code = if Reviews::<T>::contains_key(id) {
                emergencies = emergencies.saturating_add(1);
                PurposeOfUse::Btg
            } else {
                PurposeOfUse::Uncoded
            };
            Some(upgrade::<T>(old, code))
        });
        log::info!(
            target: "runtime::access",
            "storage v1 -> v2: {coded} requests' purposes coded ({emergencies} BTG, the \
             rest UNCODED)"
        );
        // Each request: read, its review looked up, written.
        T::DbWeight::get().reads_writes(coded.saturating_mul(2), coded)
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
        use codec::Encode;
        Ok((Requests::<T>::iter_keys().count() as u64).encode())
    }

    /// Every request decodes with a coded purpose; none was lost.
    #[cfg(feature = "try-runtime")]
    fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        use codec::Decode;
        let before = u64::decode(&mut &state[..]).map_err(|_| "bad pre-upgrade state")?;
        let mut after = 0u64;
        for (id, request) in Requests::<T>::iter() {
            after = after.saturating_add(1);
            let expected = if Reviews::<T>::contains_key(id) {
                PurposeOfUse::Btg
            } else {
                PurposeOfUse::Uncoded
            };
            ensure!(
                request.purpose.code == expected,
                "a migrated request has another code"
            );
        }
        ensure!(after == before, "requests were lost");
        ensure!(
            Pallet::<T>::on_chain_storage_version() == StorageVersion::new(2),
            "the storage version is not 2"
        );
        Pallet::<T>::do_try_state()
    }
}

/// The request with its text under `code`.
fn upgrade<T: Config>(old: RequestV1Of<T>, code: PurposeOfUse) -> RequestOf<T> {
    Request {
        record: old.record,
        demander: old.demander,
        purpose: Purpose {
            code,
            text: old.purpose,
        },
        members: old.members,
        threshold: old.threshold,
        ayes: old.ayes,
        nays: old.nays,
        status: old.status,
        opened_at_ms: old.opened_at_ms,
        expires_block: old.expires_block,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::*;
    use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade};

    fn v1_request(record: u64, text: &[u8]) -> RequestV1Of<Test> {
        Request {
            record,
            demander: DEMANDER,
            purpose: PurposeTextOf::<Test>::truncate_from(text.to_vec()),
            members: 4,
            threshold: 2,
            ayes: 0,
            nays: 0,
            status: medchain_primitives::RequestStatus::Open,
            opened_at_ms: 3_000,
            expires_block: 11,
        }
    }

    #[test]
    fn free_text_purposes_become_uncoded_and_emergencies_btg() {
        new_test_ext().execute_with(|| {
            StorageVersion::new(1).put::<Pallet<Test>>();
            // Written as version 1 wrote them, raw.
            let key = |id: u64| Requests::<Test>::hashed_key_for(id);
            sp_io::storage::set(&key(0), &v1_request(RECORD, b"cohort study").encode());
            sp_io::storage::set(&key(1), &v1_request(RECORD, b"unconscious").encode());
            Reviews::<Test>::insert(
                1,
                medchain_primitives::Review {
                    reviewers: 3,
                    threshold: 2,
                    justified: 0,
                    unjustified: 0,
                    status: medchain_primitives::ReviewStatus::Pending,
                    until_block: 100,
                },
            );

            MigrateV1ToV2::<Test>::on_runtime_upgrade();

            let purpose = |id| Requests::<Test>::get(id).unwrap().purpose;
            assert_eq!(purpose(0).code, PurposeOfUse::Uncoded);
            assert_eq!(&purpose(0).text[..], b"cohort study");
            assert_eq!(purpose(1).code, PurposeOfUse::Btg);
            assert_eq!(&purpose(1).text[..], b"unconscious");
            assert_eq!(Pallet::<Test>::on_chain_storage_version(), 2);
            // A second run does nothing: the version is 2.
            let again = MigrateV1ToV2::<Test>::on_runtime_upgrade();
            assert_eq!(
                again,
                frame_support::weights::RuntimeDbWeight::reads(
                    <Test as frame_system::Config>::DbWeight::get(),
                    1
                )
            );
        });
    }
}
