//! Tests of the primed-dictionary registry: registering and retiring (events, storage,
//! the preimage requested), every refusal, the choice of the newest active dictionary,
//! records naming dictionaries, and the registry's `try_state` invariants.

use super::{check_invariants, input};
use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::QueryPreimage};
use medchain_primitives::DictionaryLanguage::{Chinese, English, Mixed};
use sp_runtime::{traits::Hash, DispatchError};

/// The bytes of a test dictionary: `len` bytes, distinct for each `seed`.
fn file(seed: u8, len: usize) -> Vec<u8> {
    let mut bytes = vec![seed; len];
    if let Some(last) = bytes.last_mut() {
        *last = 0xff - seed;
    }
    bytes
}

/// Puts a dictionary's bytes in the preimage store as a user does (signed, with a
/// deposit); returns its id and size.
fn note(seed: u8, len: usize) -> (H256, u32) {
    let bytes = file(seed, len);
    assert_ok!(Preimage::note_preimage(
        RuntimeOrigin::signed(OTHER_OWNER),
        bytes.clone()
    ));
    (BlakeTwo256::hash(&bytes), len as u32)
}

/// Notes and registers a 32-byte dictionary.
fn register(seed: u8, language: DictionaryLanguage) -> H256 {
    let (hash, size) = note(seed, 32);
    assert_ok!(MedicalRecords::register_dictionary(
        RuntimeOrigin::root(),
        hash,
        size,
        language
    ));
    hash
}

fn active(language: DictionaryLanguage) -> Option<H256> {
    MedicalRecords::active_dictionary(language).map(|(hash, _)| hash)
}

fn with_dictionary(seed: u8, dictionary: H256) -> RecordInputOf<Test> {
    let mut record = input(seed, &["a"]);
    record.codec.dictionary = Some(dictionary);
    record
}

#[test]
fn register_dictionary_stores_requests_and_emits() {
    new_test_ext().execute_with(|| {
        let (hash, size) = note(1, MAX_DICTIONARY_LEN as usize);
        assert!(!<Preimage as QueryPreimage>::is_requested(&hash));
        assert_eq!(
            MedicalRecords::dictionary_bytes(hash),
            None,
            "not registered"
        );

        go_to_block(3);
        assert_ok!(MedicalRecords::register_dictionary(
            RuntimeOrigin::root(),
            hash,
            size,
            Chinese
        ));
        System::assert_last_event(
            Event::DictionaryRegistered {
                id: hash,
                len: size,
                language: Chinese,
            }
            .into(),
        );
        let info = DictionaryInfo {
            len: size,
            language: Chinese,
            registered_block: 3,
            retired_block: None,
        };
        assert_eq!(MedicalRecords::dictionary(hash), Some(info));
        assert_eq!(DictionaryCount::<Test>::get(), 1);
        assert_eq!(
            ActiveDictionaries::<Test>::get(Chinese).to_vec(),
            vec![hash]
        );
        assert_eq!(
            MedicalRecords::active_dictionary(Chinese),
            Some((hash, info))
        );
        assert_eq!(active(English), None);
        assert_eq!(active(Mixed), None);
        assert!(<Preimage as QueryPreimage>::is_requested(&hash));
        assert_eq!(
            MedicalRecords::dictionary_bytes(hash),
            Some(file(1, MAX_DICTIONARY_LEN as usize))
        );
        check_invariants();

        // Requested: whoever noted the bytes can take back the deposit, not the bytes.
        assert_ok!(Preimage::unnote_preimage(
            RuntimeOrigin::signed(OTHER_OWNER),
            hash
        ));
        assert!(<Preimage as QueryPreimage>::is_requested(&hash));
        assert_eq!(
            MedicalRecords::dictionary_bytes(hash),
            Some(file(1, MAX_DICTIONARY_LEN as usize))
        );
        check_invariants();
    });
}

#[test]
fn retire_dictionary_deactivates_and_keeps_the_bytes() {
    new_test_ext().execute_with(|| {
        let hash = register(1, English);
        go_to_block(5);
        assert_ok!(MedicalRecords::retire_dictionary(
            RuntimeOrigin::root(),
            hash
        ));
        System::assert_last_event(
            Event::DictionaryRetired {
                id: hash,
                language: English,
            }
            .into(),
        );
        let info = MedicalRecords::dictionary(hash).expect("still registered");
        assert_eq!(info.retired_block, Some(5));
        assert_eq!(info.registered_block, 1);
        assert_eq!(active(English), None);
        assert!(!ActiveDictionaries::<Test>::contains_key(English));
        assert_eq!(
            DictionaryCount::<Test>::get(),
            1,
            "retired ones still count"
        );
        assert!(<Preimage as QueryPreimage>::is_requested(&hash));
        assert_eq!(MedicalRecords::dictionary_bytes(hash), Some(file(1, 32)));
        check_invariants();
    });
}

#[test]
fn register_dictionary_refusals() {
    new_test_ext().execute_with(|| {
        let root = RuntimeOrigin::root;
        let (hash, size) = note(1, 32);
        for origin in [RuntimeOrigin::signed(OWNER), RuntimeOrigin::none()] {
            assert_noop!(
                MedicalRecords::register_dictionary(origin, hash, size, Chinese),
                DispatchError::BadOrigin
            );
        }
        assert_noop!(
            MedicalRecords::register_dictionary(root(), hash, 0, Chinese),
            Error::<Test>::EmptyDictionary
        );
        let (large, large_size) = note(2, MAX_DICTIONARY_LEN as usize + 1);
        assert_noop!(
            MedicalRecords::register_dictionary(root(), large, large_size, Chinese),
            Error::<Test>::DictionaryTooLarge
        );
        // Bytes never noted, or noted with another size.
        let missing = BlakeTwo256::hash(&file(3, 32));
        assert_noop!(
            MedicalRecords::register_dictionary(root(), missing, 32, Chinese),
            Error::<Test>::DictionaryBytesUnavailable
        );
        assert_noop!(
            MedicalRecords::register_dictionary(root(), hash, size - 1, Chinese),
            Error::<Test>::DictionaryBytesUnavailable
        );
        assert_noop!(
            MedicalRecords::register_dictionary(root(), hash, size + 1, Chinese),
            Error::<Test>::DictionaryBytesUnavailable
        );
        assert_ok!(MedicalRecords::register_dictionary(
            root(),
            hash,
            size,
            Chinese
        ));
        // Registered already, whatever the language, and also once retired.
        for language in [Chinese, English] {
            assert_noop!(
                MedicalRecords::register_dictionary(root(), hash, size, language),
                Error::<Test>::DictionaryAlreadyRegistered
            );
        }
        assert_ok!(MedicalRecords::retire_dictionary(root(), hash));
        assert_noop!(
            MedicalRecords::register_dictionary(root(), hash, size, Chinese),
            Error::<Test>::DictionaryAlreadyRegistered
        );
        check_invariants();
    });
}

#[test]
fn active_lists_and_the_registry_are_bounded() {
    new_test_ext().execute_with(|| {
        let root = RuntimeOrigin::root;
        assert_eq!(MAX_ACTIVE_DICTIONARIES, 2);
        assert_eq!(MAX_DICTIONARIES, 5);
        let first = register(1, Chinese);
        register(2, Chinese);
        let (third, size) = note(3, 32);
        assert_noop!(
            MedicalRecords::register_dictionary(root(), third, size, Chinese),
            Error::<Test>::TooManyActiveDictionaries
        );
        // Other languages have their own lists.
        assert_ok!(MedicalRecords::register_dictionary(
            root(),
            third,
            size,
            English
        ));
        // Retiring makes room in the list.
        assert_ok!(MedicalRecords::retire_dictionary(root(), first));
        register(4, Chinese);
        register(5, Mixed);
        assert_eq!(DictionaryCount::<Test>::get(), MAX_DICTIONARIES);
        check_invariants();
        // Retired ones still count towards the registry's bound.
        let (sixth, size) = note(6, 32);
        assert_noop!(
            MedicalRecords::register_dictionary(root(), sixth, size, Mixed),
            Error::<Test>::TooManyDictionaries
        );
        check_invariants();
    });
}

#[test]
fn retire_dictionary_refusals() {
    new_test_ext().execute_with(|| {
        let root = RuntimeOrigin::root;
        let hash = register(1, Mixed);
        for origin in [RuntimeOrigin::signed(OWNER), RuntimeOrigin::none()] {
            assert_noop!(
                MedicalRecords::retire_dictionary(origin, hash),
                DispatchError::BadOrigin
            );
        }
        let (noted, _) = note(2, 32);
        for unknown in [noted, H256::repeat_byte(9)] {
            assert_noop!(
                MedicalRecords::retire_dictionary(root(), unknown),
                Error::<Test>::UnknownDictionary
            );
        }
        assert_ok!(MedicalRecords::retire_dictionary(root(), hash));
        assert_noop!(
            MedicalRecords::retire_dictionary(root(), hash),
            Error::<Test>::DictionaryAlreadyRetired
        );
        check_invariants();
    });
}

#[test]
fn the_newest_active_dictionary_is_chosen() {
    new_test_ext().execute_with(|| {
        let root = RuntimeOrigin::root;
        assert_eq!(active(Chinese), None);
        let a = register(1, Chinese);
        assert_eq!(active(Chinese), Some(a));
        go_to_block(2);
        let b = register(2, Chinese);
        assert_eq!(active(Chinese), Some(b));
        assert_eq!(
            ActiveDictionaries::<Test>::get(Chinese).to_vec(),
            vec![a, b]
        );
        let c = register(3, English);
        assert_eq!((active(Chinese), active(English)), (Some(b), Some(c)));
        check_invariants();

        // Retiring the newest falls back to the one before it.
        go_to_block(3);
        assert_ok!(MedicalRecords::retire_dictionary(root(), b));
        assert_eq!(active(Chinese), Some(a));
        // A new one is newest again; retiring the oldest changes nothing for the choice.
        go_to_block(4);
        let d = register(4, Chinese);
        assert_eq!(active(Chinese), Some(d));
        assert_ok!(MedicalRecords::retire_dictionary(root(), a));
        assert_eq!(active(Chinese), Some(d));
        assert_eq!(ActiveDictionaries::<Test>::get(Chinese).to_vec(), vec![d]);
        assert_ok!(MedicalRecords::retire_dictionary(root(), d));
        assert_eq!(active(Chinese), None);
        assert_eq!(active(English), Some(c));
        assert_eq!(active(Mixed), None);
        check_invariants();
    });
}

#[test]
fn records_name_registered_dictionaries_only() {
    new_test_ext().execute_with(|| {
        let signed = RuntimeOrigin::signed;
        let (noted, _) = note(1, 32);
        // Neither an unknown id nor bytes that are only noted will do.
        for unknown in [H256::repeat_byte(0xd1), noted] {
            assert_noop!(
                MedicalRecords::register_record(signed(OWNER), with_dictionary(1, unknown)),
                Error::<Test>::UnknownDictionary
            );
        }
        assert_ok!(MedicalRecords::register_record(
            signed(OWNER),
            input(1, &["a"])
        ));
        assert_noop!(
            MedicalRecords::amend_record(signed(OWNER), 0, with_dictionary(2, noted)),
            Error::<Test>::UnknownDictionary
        );

        let hash = register(2, Chinese);
        assert_ok!(MedicalRecords::amend_record(
            signed(OWNER),
            0,
            with_dictionary(2, hash)
        ));
        assert_eq!(
            MedicalRecords::record(1).and_then(|r| r.input.codec.dictionary),
            Some(hash)
        );
        check_invariants();

        // A record compressed before its dictionary was retired still registers.
        assert_ok!(MedicalRecords::retire_dictionary(
            RuntimeOrigin::root(),
            hash
        ));
        assert_ok!(MedicalRecords::register_record(
            signed(OTHER_OWNER),
            with_dictionary(3, hash)
        ));
        assert_ok!(MedicalRecords::amend_record(
            signed(OWNER),
            1,
            with_dictionary(4, hash)
        ));
        check_invariants();
    });
}

#[test]
fn try_state_catches_a_broken_registry() {
    let broken = |damage: fn(H256, H256)| {
        new_test_ext().execute_with(|| {
            let a = register(1, Chinese);
            go_to_block(2);
            let b = register(2, Chinese);
            assert_ok!(MedicalRecords::register_record(
                RuntimeOrigin::signed(OWNER),
                with_dictionary(1, a)
            ));
            check_invariants();
            damage(a, b);
            assert!(Pallet::<Test>::do_try_state().is_err());
        })
    };
    // The count is off.
    broken(|_, _| DictionaryCount::<Test>::put(3));
    // An active list is out of order.
    broken(|a, b| {
        ActiveDictionaries::<Test>::insert(
            Chinese,
            ActiveDictionariesOf::<Test>::truncate_from(vec![b, a]),
        )
    });
    // A dictionary is listed twice, or under another language.
    broken(|a, _| {
        ActiveDictionaries::<Test>::insert(
            Chinese,
            ActiveDictionariesOf::<Test>::truncate_from(vec![a, a]),
        )
    });
    broken(|a, _| {
        ActiveDictionaries::<Test>::insert(
            English,
            ActiveDictionariesOf::<Test>::truncate_from(vec![a]),
        )
    });
    // A retired one is still active; an active one was dropped without retiring it.
    broken(|a, _| {
        Dictionaries::<Test>::mutate(a, |info| info.as_mut().unwrap().retired_block = Some(2))
    });
    broken(|a, b| {
        ActiveDictionaries::<Test>::insert(
            Chinese,
            ActiveDictionariesOf::<Test>::truncate_from(vec![b]),
        );
        let _ = a;
    });
    // A live record names a dictionary that is not registered.
    broken(|a, _| {
        Dictionaries::<Test>::remove(a);
        DictionaryCount::<Test>::put(1);
        ActiveDictionaries::<Test>::mutate(Chinese, |list| list.retain(|h| *h != a));
    });
}
