//! Benchmarks of `pallet-medical-records`, each at its worst case: the most labels, each
//! of the longest length, and the longest location, naming a registered primed
//! dictionary (one more read); for the dictionary calls, the longest active list.

use super::*;
use alloc::borrow::Cow;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use sp_runtime::traits::Hash;

/// The bytes of the `n`th benchmark dictionary: distinct for each `n`, 1 KiB (or
/// [`Config::MaxDictionaryLen`] if smaller). The size does not change what registering
/// costs: the pallet reads the preimage's length, never its bytes.
fn dictionary_file<T: Config>(n: u32) -> Vec<u8> {
    let len = T::MaxDictionaryLen::get().min(1024) as usize;
    let mut bytes = n.to_le_bytes().to_vec();
    bytes.resize(len.max(bytes.len()), b'd');
    bytes.truncate(len);
    bytes
}

/// The id of the `n`th benchmark dictionary.
fn dictionary_hash<T: Config>(n: u32) -> H256 {
    BlakeTwo256::hash(&dictionary_file::<T>(n))
}

/// Puts the `n`th benchmark dictionary in the preimage store; returns its id and size.
fn note_dictionary<T: Config>(n: u32) -> (H256, u32) {
    let bytes = dictionary_file::<T>(n);
    let size = bytes.len() as u32;
    let hash = T::Preimages::note(Cow::Owned(bytes)).expect("the preimage store takes it");
    (hash, size)
}

/// Notes and registers the `n`th benchmark dictionary unless it is registered already;
/// returns its id.
pub fn registered_dictionary<T: Config>(n: u32, language: DictionaryLanguage) -> H256 {
    let hash = dictionary_hash::<T>(n);
    if !Dictionaries::<T>::contains_key(hash) {
        let (noted, size) = note_dictionary::<T>(n);
        Pallet::<T>::do_register_dictionary(noted, size, language)
            .expect("benchmark set-up registers a dictionary");
    }
    hash
}

fn worst_input<T: Config>(manager: &T::AccountId, seed: u32) -> RecordInputOf<T> {
    let label_len = T::MaxLabelLen::get() as usize;
    let labels: Vec<LabelOf<T>> = (0..T::MaxLabels::get())
        .map(|i| {
            // Distinct labels of full length that differ only in their last bytes, so
            // that the duplicate-label check compares them whole; "1 1 1 …" makes the
            // personal-data check try every span of digit groups (and is no phone number).
            let mut label: Vec<u8> = b"1 "
                .iter()
                .copied()
                .cycle()
                .take(label_len.saturating_sub(4))
                .collect();
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
            dictionary: Some(dictionary_hash::<T>(0)),
        },
        labels: LabelsOf::<T>::truncate_from(labels),
        location: LocationOf::<T>::truncate_from(
            alloc::vec![b'x'; T::MaxLocationLen::get() as usize],
        ),
        manager: manager.clone(),
    }
}

/// An owner (with the role and enough funds) and a manager, both ready, and the
/// dictionary [`worst_input`] names registered.
fn parties<T: Config>() -> (T::AccountId, T::AccountId) {
    registered_dictionary::<T>(0, DictionaryLanguage::Chinese);
    let owner: T::AccountId = account("owner", 0, 0);
    let manager: T::AccountId = account("manager", 0, 0);
    T::Roles::grant_for_benchmarks(&owner, Role::DataOwner);
    T::Roles::grant_for_benchmarks(&manager, Role::DataManager);
    accept::<T>(&manager, &owner);
    let deposit = Pallet::<T>::deposit_for(&worst_input::<T>(&manager, 0));
    let funds = deposit
        .saturating_mul(100u32.into())
        .saturating_add(T::Currency::minimum_balance());
    T::Currency::set_balance(&owner, funds);
    (owner, manager)
}

/// `manager` accepts `owner`, unless it does already.
fn accept<T: Config>(manager: &T::AccountId, owner: &T::AccountId) {
    if !AcceptedOwners::<T>::contains_key(manager, owner) {
        Pallet::<T>::do_accept_owner(manager, owner).expect("benchmark set-up accepts");
    }
}

/// Registers a worst-case record of `owner`, for this and other pallets' benchmarks.
pub fn create_record<T: Config>(
    owner: &T::AccountId,
    manager: &T::AccountId,
    seed: u32,
) -> RecordId {
    T::Roles::grant_for_benchmarks(owner, Role::DataOwner);
    T::Roles::grant_for_benchmarks(manager, Role::DataManager);
    accept::<T>(manager, owner);
    registered_dictionary::<T>(0, DictionaryLanguage::Chinese);
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

    #[benchmark]
    fn register_dictionary() -> Result<(), BenchmarkError> {
        let origin =
            T::DictionaryOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let language = DictionaryLanguage::Chinese;
        // The active list one short of full: the longest list is read and written.
        let full = T::MaxActiveDictionaries::get();
        for n in 1..full {
            registered_dictionary::<T>(n, language);
        }
        let (hash, size) = note_dictionary::<T>(full);

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, hash, size, language);

        assert_eq!(
            Pallet::<T>::active_dictionary(language).map(|(h, _)| h),
            Some(hash)
        );
        assert!(T::Preimages::is_requested(&hash));
        Ok(())
    }

    #[benchmark]
    fn retire_dictionary() -> Result<(), BenchmarkError> {
        let origin =
            T::DictionaryOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let language = DictionaryLanguage::Chinese;
        // A full active list, retiring its oldest: the whole list is searched and the
        // rest written back.
        let full = T::MaxActiveDictionaries::get();
        let oldest = registered_dictionary::<T>(1, language);
        for n in 2..=full {
            registered_dictionary::<T>(n, language);
        }

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, oldest);

        assert!(Dictionaries::<T>::get(oldest).is_some_and(|info| info.retired_block.is_some()));
        assert!(!ActiveDictionaries::<T>::get(language).contains(&oldest));
        Ok(())
    }

    /// The manager's last free place.
    #[benchmark]
    fn accept_owner() {
        let manager: T::AccountId = account("manager", 0, 0);
        T::Roles::grant_for_benchmarks(&manager, Role::DataManager);
        AcceptedOwnerCount::<T>::insert(&manager, T::MaxAcceptedOwners::get() - 1);
        let owner: T::AccountId = account("owner", 0, 0);

        #[extrinsic_call]
        _(RawOrigin::Signed(manager.clone()), owner.clone());

        assert!(AcceptedOwners::<T>::contains_key(&manager, &owner));
    }

    #[benchmark]
    fn drop_owner() {
        let manager: T::AccountId = account("manager", 0, 0);
        let owner: T::AccountId = account("owner", 0, 0);
        accept::<T>(&manager, &owner);
        AcceptedOwnerCount::<T>::insert(&manager, 2);

        #[extrinsic_call]
        _(RawOrigin::Signed(manager.clone()), owner.clone());

        assert!(!AcceptedOwners::<T>::contains_key(&manager, &owner));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
