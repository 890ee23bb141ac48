//! Benchmarks of `pallet-medical-records`, each at its worst case: the most labels, each
//! of the longest length, and the longest location.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

fn worst_input<T: Config>(manager: &T::AccountId, seed: u32) -> RecordInputOf<T> {
    let label_len = T::MaxLabelLen::get() as usize;
    let labels: Vec<LabelOf<T>> = (0..T::MaxLabels::get())
        .map(|i| {
            // Distinct labels of full length that differ only in their last bytes, so
            // that the duplicate-label check compares them whole.
            let mut label = alloc::vec![b'l'; label_len.saturating_sub(4)];
            label.extend_from_slice(&i.to_be_bytes());
            label.truncate(label_len);
            LabelOf::<T>::truncate_from(label)
        })
        .collect();
    let mut raw = [0u8; 32];
    raw[..4].copy_from_slice(&seed.to_le_bytes());
    RecordInput {
        raw_hash: H256(raw),
        content_hash: H256::repeat_byte(0xc0),
        raw_len: 8 * 1024,
        compressed_len: 2 * 1024,
        codec: medchain_primitives::Codec {
            method: medchain_primitives::CodecMethod::Hanzi,
            dictionary: Some(H256::repeat_byte(0xd1)),
        },
        labels: LabelsOf::<T>::truncate_from(labels),
        location: LocationOf::<T>::truncate_from(
            alloc::vec![b'x'; T::MaxLocationLen::get() as usize],
        ),
        manager: manager.clone(),
    }
}

/// An owner (with the role and enough funds) and a manager, both ready.
fn parties<T: Config>() -> (T::AccountId, T::AccountId) {
    let owner: T::AccountId = account("owner", 0, 0);
    let manager: T::AccountId = account("manager", 0, 0);
    T::Roles::grant_for_benchmarks(&owner, Role::DataOwner);
    T::Roles::grant_for_benchmarks(&manager, Role::DataManager);
    let deposit = Pallet::<T>::deposit_for(&worst_input::<T>(&manager, 0));
    let funds = deposit
        .saturating_mul(100u32.into())
        .saturating_add(T::Currency::minimum_balance());
    T::Currency::set_balance(&owner, funds);
    (owner, manager)
}

/// Registers a worst-case record of `owner`, for this and other pallets' benchmarks.
pub fn create_record<T: Config>(
    owner: &T::AccountId,
    manager: &T::AccountId,
    seed: u32,
) -> RecordId {
    T::Roles::grant_for_benchmarks(owner, Role::DataOwner);
    T::Roles::grant_for_benchmarks(manager, Role::DataManager);
    let input = worst_input::<T>(manager, seed);
    let funds = Pallet::<T>::deposit_for(&input)
        .saturating_mul(10u32.into())
        .saturating_add(T::Currency::minimum_balance());
    if T::Currency::balance(owner) < funds {
        T::Currency::set_balance(owner, funds);
    }
    Pallet::<T>::ensure_registrable(owner, &input, None)
        .and_then(|()| Pallet::<T>::store_record(owner, input, None))
        .expect("benchmark set-up registers a record")
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register_record() {
        let (owner, manager) = parties::<T>();
        let input = worst_input::<T>(&manager, 1);

        #[extrinsic_call]
        _(RawOrigin::Signed(owner.clone()), input);

        assert_eq!(RecordsByOwner::<T>::iter_key_prefix(&owner).count(), 1);
    }

    #[benchmark]
    fn amend_record() {
        let (owner, manager) = parties::<T>();
        let previous = create_record::<T>(&owner, &manager, 1);
        let input = worst_input::<T>(&manager, 2);

        #[extrinsic_call]
        _(RawOrigin::Signed(owner.clone()), previous, input);

        let old = Records::<T>::get(previous).expect("kept");
        assert!(matches!(old.status, RecordStatus::Superseded { .. }));
    }

    #[benchmark]
    fn retract_record() {
        let (owner, manager) = parties::<T>();
        let id = create_record::<T>(&owner, &manager, 1);

        #[extrinsic_call]
        _(RawOrigin::Signed(owner.clone()), id);

        assert_eq!(
            Records::<T>::get(id).map(|r| r.status),
            Some(RecordStatus::Retracted)
        );
    }

    #[benchmark]
    fn report_integrity_failure() {
        let (owner, manager) = parties::<T>();
        let id = create_record::<T>(&owner, &manager, 1);
        let head = T::Audit::head(id);

        // The manager reports: its check comes second, the longer path.
        #[extrinsic_call]
        _(RawOrigin::Signed(manager), id, IntegrityFault::RawMismatch);

        assert_ne!(T::Audit::head(id), head);
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
