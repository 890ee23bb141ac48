//! Tests of every call's success path, every error and the origin checks. Each test
//! ends with the pallet's `try_state` invariants.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use medchain_primitives::{audit_head_of, Codec, CodecMethod};
use sp_runtime::DispatchError;

mod dictionaries;
mod security;
mod worker;

fn label(text: &str) -> LabelOf<Test> {
    LabelOf::<Test>::try_from(text.as_bytes().to_vec()).unwrap()
}

pub(crate) fn input(seed: u8, labels: &[&str]) -> RecordInputOf<Test> {
    RecordInput {
        raw_hash: H256::repeat_byte(seed),
        content_hash: H256::repeat_byte(seed.wrapping_add(100)),
        raw_len: 4096,
        compressed_len: 1024,
        codec: Codec {
            method: CodecMethod::Hanzi,
            dictionary: None,
        },
        labels: LabelsOf::<Test>::try_from(labels.iter().map(|l| label(l)).collect::<Vec<_>>())
            .unwrap(),
        location: LocationOf::<Test>::try_from(b"store://blobs/1".to_vec()).unwrap(),
        manager: MANAGER,
    }
}

fn held(who: AccountId) -> Balance {
    Balances::balance_on_hold(&HoldReason::RecordDeposit.into(), &who)
}

/// The runtime events this pallet emitted naming `record`, SCALE-encoded as exported.
fn exported_operations(record: RecordId) -> Vec<Vec<u8>> {
    System::events()
        .into_iter()
        .filter(|e| match &e.event {
            RuntimeEvent::MedicalRecords(Event::RecordRegistered { id, .. })
            | RuntimeEvent::MedicalRecords(Event::RecordRetracted { id, .. }) => *id == record,
            RuntimeEvent::MedicalRecords(Event::RecordAmended { id, previous, .. }) => {
                *id == record || *previous == record
            }
            _ => false,
        })
        .map(|e| e.event.encode())
        .collect()
}

fn check_invariants() {
    Pallet::<Test>::do_try_state().expect("invariants hold");
}

#[test]
fn register_record_stores_indexes_holds_and_emits() {
    new_test_ext().execute_with(|| {
        let record = input(1, &["cardiology", "zh"]);
        let deposit = Pallet::<Test>::deposit_for(&record);
        assert_eq!(deposit, DEPOSIT_BASE + BYTE_DEPOSIT * (10 + 2 + 15));
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            record.clone()
        ));

        let stored = Records::<Test>::get(0).unwrap();
        assert_eq!(stored.owner, OWNER);
        assert_eq!(stored.input, record);
        assert_eq!(stored.status, RecordStatus::Live);
        assert_eq!(stored.registered_at_ms, BLOCK_MS);
        assert_eq!(stored.deposit, deposit);
        assert_eq!(NextRecordId::<Test>::get(), 1);
        assert_eq!(held(OWNER), deposit);
        assert_eq!(Pallet::<Test>::records_of(OWNER, None, 10), vec![0]);
        assert_eq!(
            Pallet::<Test>::records_labelled(b"zh".to_vec(), None, 10),
            vec![0]
        );
        assert_eq!(
            RecordByRawHash::<Test>::get(OWNER, record.raw_hash),
            Some(0)
        );
        System::assert_last_event(
            Event::RecordRegistered {
                id: 0,
                owner: OWNER,
                raw_hash: record.raw_hash,
                labels: record.labels,
                raw_len: 4096,
                compressed_len: 1024,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert_eq!(<Pallet<Test> as RecordProvider<_>>::owner(0), Some(OWNER));
        assert_eq!(
            <Pallet<Test> as RecordProvider<_>>::manager(0),
            Some(MANAGER)
        );
        check_invariants();
    });
}

#[test]
fn the_audit_head_is_the_fold_of_the_exported_events() {
    new_test_ext().execute_with(|| {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        go_to_block(2);
        assert_ok!(MedicalRecords::amend_record(
            RuntimeOrigin::signed(OWNER),
            0,
            input(2, &["b"])
        ));
        go_to_block(3);
        assert_ok!(MedicalRecords::retract_record(
            RuntimeOrigin::signed(OWNER),
            1
        ));

        for record in [0, 1] {
            let ops = exported_operations(record);
            assert_eq!(
                ops.len(),
                2,
                "record {record}: registered or amended, then one more"
            );
            assert_eq!(
                MockAudit::head(record),
                audit_head_of(ops.iter().map(|op| &op[..]))
            );
        }
        // A dropped or reordered entry no longer matches.
        let ops = exported_operations(1);
        assert_ne!(
            MockAudit::head(1),
            audit_head_of([&ops[1][..], &ops[0][..]])
        );
        assert_ne!(MockAudit::head(1), audit_head_of([&ops[0][..]]));
        check_invariants();
    });
}

#[test]
fn amend_record_supersedes_and_moves_the_deposit() {
    new_test_ext().execute_with(|| {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        let amended = input(2, &["a", "follow-up"]);
        assert_ok!(MedicalRecords::amend_record(
            RuntimeOrigin::signed(OWNER),
            0,
            amended.clone()
        ));

        assert_eq!(
            Records::<Test>::get(0).unwrap().status,
            RecordStatus::Superseded { by: 1 }
        );
        let new = Records::<Test>::get(1).unwrap();
        assert_eq!(new.previous, Some(0));
        assert_eq!(new.status, RecordStatus::Live);
        // The superseded version keeps the price of what it still stores.
        let kept = Pallet::<Test>::retired_deposit_for(&input(1, &["a"]));
        assert_eq!(Records::<Test>::get(0).unwrap().deposit, kept);
        assert_eq!(held(OWNER), Pallet::<Test>::deposit_for(&amended) + kept);
        assert_eq!(Pallet::<Test>::records_of(OWNER, None, 10), vec![1]);
        assert_eq!(
            Pallet::<Test>::records_labelled(b"a".to_vec(), None, 10),
            vec![1]
        );
        assert_eq!(
            <Pallet<Test> as RecordProvider<_>>::owner(0),
            None,
            "superseded is not live"
        );
        System::assert_last_event(
            Event::RecordAmended {
                id: 1,
                previous: 0,
                owner: OWNER,
                raw_hash: amended.raw_hash,
                labels: amended.labels,
                raw_len: 4096,
                compressed_len: 1024,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        check_invariants();
    });
}

#[test]
fn amend_record_may_keep_the_text_and_change_labels() {
    new_test_ext().execute_with(|| {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        assert_ok!(MedicalRecords::amend_record(
            RuntimeOrigin::signed(OWNER),
            0,
            input(1, &["b"])
        ));
        assert_eq!(
            RecordByRawHash::<Test>::get(OWNER, H256::repeat_byte(1)),
            Some(1)
        );
        assert!(Pallet::<Test>::records_labelled(b"a".to_vec(), None, 10).is_empty());
        check_invariants();
    });
}

#[test]
fn retract_record_releases_and_keeps_history() {
    new_test_ext().execute_with(|| {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        go_to_block(5);
        assert_ok!(MedicalRecords::retract_record(
            RuntimeOrigin::signed(OWNER),
            0
        ));
        // All but the tombstone's deposit (see `security`).
        assert_eq!(held(OWNER), RETIRED_DEPOSIT);
        assert_eq!(
            Records::<Test>::get(0).unwrap().status,
            RecordStatus::Retracted
        );
        assert!(Pallet::<Test>::records_of(OWNER, None, 10).is_empty());
        System::assert_last_event(
            Event::RecordRetracted {
                id: 0,
                owner: OWNER,
                at_ms: 5 * BLOCK_MS,
            }
            .into(),
        );
        // The same text may be registered again once the old record is gone.
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        check_invariants();
    });
}

#[test]
fn only_signed_origins_call() {
    new_test_ext().execute_with(|| {
        for origin in [RuntimeOrigin::root(), RuntimeOrigin::none()] {
            assert_noop!(
                MedicalRecords::register_record(origin.clone(), input(1, &["a"])),
                DispatchError::BadOrigin
            );
            assert_noop!(
                MedicalRecords::amend_record(origin.clone(), 0, input(1, &["a"])),
                DispatchError::BadOrigin
            );
            assert_noop!(
                MedicalRecords::retract_record(origin, 0),
                DispatchError::BadOrigin
            );
        }
    });
}

#[test]
fn register_record_refusals() {
    new_test_ext().execute_with(|| {
        let signed = RuntimeOrigin::signed;
        assert_noop!(
            MedicalRecords::register_record(signed(STRANGER), input(1, &["a"])),
            Error::<Test>::NotDataOwner
        );
        let mut bad_manager = input(1, &["a"]);
        bad_manager.manager = STRANGER;
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), bad_manager),
            Error::<Test>::ManagerNotDataManager
        );
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), input(1, &["a", ""])),
            Error::<Test>::EmptyLabel
        );
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), input(1, &["a", "b", "a"])),
            Error::<Test>::DuplicateLabel
        );
        // Labels are public: ones that look like personal data are refused by name.
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), input(1, &["a", "11010519491231002X"])),
            Error::<Test>::LabelLooksLikeIdNumber
        );
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), input(1, &["138-1234-5678"])),
            Error::<Test>::LabelLooksLikePhoneNumber
        );
        let mut amended = input(8, &["a"]);
        assert_ok!(MedicalRecords::register_record(
            signed(OWNER),
            amended.clone()
        ));
        amended.labels = input(8, &["+86 13812345678"]).labels;
        assert_noop!(
            MedicalRecords::amend_record(signed(OWNER), NextRecordId::<Test>::get() - 1, amended),
            Error::<Test>::LabelLooksLikePhoneNumber
        );
        let mut nowhere = input(1, &["a"]);
        nowhere.location = Default::default();
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), nowhere),
            Error::<Test>::EmptyLocation
        );
        assert_noop!(
            MedicalRecords::register_record(signed(POOR_OWNER), input(1, &["a"])),
            Error::<Test>::InsufficientDeposit
        );
        assert_ok!(MedicalRecords::register_record(
            signed(OWNER),
            input(1, &["a"])
        ));
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), input(1, &["other"])),
            Error::<Test>::DuplicateRecord
        );
        // Another owner may register the same text.
        assert_ok!(MedicalRecords::register_record(
            signed(OTHER_OWNER),
            input(1, &["a"])
        ));
        NextRecordId::<Test>::put(u64::MAX);
        assert_noop!(
            MedicalRecords::register_record(signed(OWNER), input(9, &["a"])),
            Error::<Test>::RecordIdOverflow
        );
    });
}

#[test]
fn oversized_inputs_do_not_decode() {
    // Bounds are part of the call's type: a label, a label list or a location over the
    // limit is refused when the transaction is decoded, before any dispatch.
    let long_label = vec![b'x'; 25];
    assert!(LabelOf::<Test>::try_from(long_label.clone()).is_err());
    let raw = (vec![long_label], b"loc".to_vec()).encode();
    assert!(<(LabelsOf<Test>, LocationOf<Test>)>::decode(&mut &raw[..]).is_err());
    let five = (vec![b"a".to_vec(); 5], b"loc".to_vec()).encode();
    assert!(<(LabelsOf<Test>, LocationOf<Test>)>::decode(&mut &five[..]).is_err());
    let far = (vec![b"a".to_vec()], vec![b'l'; 97]).encode();
    assert!(<(LabelsOf<Test>, LocationOf<Test>)>::decode(&mut &far[..]).is_err());
}

#[test]
fn amend_and_retract_refusals() {
    new_test_ext().execute_with(|| {
        let signed = RuntimeOrigin::signed;
        assert_noop!(
            MedicalRecords::amend_record(signed(OWNER), 7, input(2, &["a"])),
            Error::<Test>::UnknownRecord
        );
        assert_noop!(
            MedicalRecords::retract_record(signed(OWNER), 7),
            Error::<Test>::UnknownRecord
        );
        assert_ok!(MedicalRecords::register_record(
            signed(OWNER),
            input(1, &["a"])
        ));
        assert_noop!(
            MedicalRecords::amend_record(signed(OTHER_OWNER), 0, input(2, &["a"])),
            Error::<Test>::NotOwner
        );
        assert_noop!(
            MedicalRecords::retract_record(signed(OTHER_OWNER), 0),
            Error::<Test>::NotOwner
        );
        assert_ok!(MedicalRecords::register_record(
            signed(OWNER),
            input(2, &["a"])
        ));
        assert_noop!(
            MedicalRecords::amend_record(signed(OWNER), 0, input(2, &["b"])),
            Error::<Test>::DuplicateRecord
        );
        assert_ok!(MedicalRecords::retract_record(signed(OWNER), 0));
        assert_noop!(
            MedicalRecords::retract_record(signed(OWNER), 0),
            Error::<Test>::RecordNotLive
        );
        assert_noop!(
            MedicalRecords::amend_record(signed(OWNER), 0, input(3, &["a"])),
            Error::<Test>::RecordNotLive
        );
        // A data owner that lost the role can neither amend nor register.
        MockRoles::set(OWNER, Role::DataOwner, false);
        assert_noop!(
            MedicalRecords::amend_record(signed(OWNER), 1, input(3, &["a"])),
            Error::<Test>::NotDataOwner
        );
        check_invariants();
    });
}

#[test]
fn paging_visits_every_live_record_once() {
    new_test_ext().execute_with(|| {
        for seed in 0..7u8 {
            assert_ok!(MedicalRecords::register_record(
                RuntimeOrigin::signed(OWNER),
                input(seed, &["ward-3"])
            ));
        }
        for (page_of, pages) in [
            (
                Box::new(|from, n| Pallet::<Test>::records_of(OWNER, from, n))
                    as Box<dyn Fn(_, _) -> _>,
                "owner",
            ),
            (
                Box::new(|from, n| Pallet::<Test>::records_labelled(b"ward-3".to_vec(), from, n)),
                "label",
            ),
        ] {
            let mut seen = Vec::new();
            let mut from = None;
            loop {
                let page: Vec<RecordId> = page_of(from, 3);
                assert!(page.len() <= 3, "{pages}");
                if page.is_empty() {
                    break;
                }
                from = page.last().copied();
                seen.extend(page);
            }
            seen.sort();
            assert_eq!(seen, (0..7).collect::<Vec<_>>(), "{pages}");
        }
        assert!(Pallet::<Test>::records_labelled(vec![b'x'; 99], None, 10).is_empty());
        assert_eq!(Pallet::<Test>::records_of(OWNER, None, u32::MAX).len(), 7);
    });
}

#[test]
fn try_state_catches_a_broken_index() {
    new_test_ext().execute_with(|| {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        RecordsByLabel::<Test>::remove(label("a"), 0);
        assert!(Pallet::<Test>::do_try_state().is_err());
    });
}

#[test]
fn integrity_test_passes() {
    use frame_support::traits::Hooks;
    new_test_ext().execute_with(|| {
        <Pallet<Test> as Hooks<u64>>::integrity_test();
    });
}

// Hostile input (issue #7): every refusal is a named error and leaves the state (storage
// root, events, the audit heads) untouched; bounds are enforced when a call is decoded.

/// `assert_noop!` and the audit heads of `records` unchanged (the mock keeps them outside
/// storage).
macro_rules! assert_refused {
    ($call:expr, $error:expr, $records:expr) => {{
        let heads: Vec<H256> = $records.iter().map(|r| MockAudit::head(*r)).collect();
        assert_noop!($call, $error);
        let after: Vec<H256> = $records.iter().map(|r| MockAudit::head(*r)).collect();
        assert_eq!(heads, after, "an audit head moved");
    }};
}

/// A `register_record` (or, with `previous`, `amend_record`) call as a hostile client
/// encodes it: labels and location of any length, with this runtime's indexes.
fn encoded_call(previous: Option<RecordId>, labels: Vec<Vec<u8>>, location: Vec<u8>) -> Vec<u8> {
    let input = RecordInput {
        raw_hash: H256::repeat_byte(1),
        content_hash: H256::repeat_byte(2),
        raw_len: 10,
        compressed_len: 5,
        codec: Codec {
            method: CodecMethod::Bytes,
            dictionary: None,
        },
        labels,
        location,
        manager: MANAGER,
    };
    // Pallet index 3 in the mock; call 0 registers, call 1 amends.
    let mut call = vec![3u8];
    match previous {
        None => call.push(0),
        Some(previous) => {
            call.push(1);
            previous.encode_to(&mut call);
        }
    }
    input.encode_to(&mut call);
    call
}

fn decodes(call: &[u8]) -> bool {
    RuntimeCall::decode(&mut &call[..]).is_ok()
}

#[test]
fn hostile_oversized_labels_and_locations_do_not_decode_as_calls() {
    // At the bounds (4 labels of 24 bytes, 96 bytes of location) the call decodes, so the
    // refusals below are about the sizes alone.
    let labels = |n: usize, len: usize| (0..n).map(|i| vec![b'a' + i as u8; len]).collect();
    for previous in [None, Some(0)] {
        assert!(decodes(&encoded_call(
            previous,
            labels(4, 24),
            vec![b'l'; 96]
        )));
        // Too many labels, a label too long, a location too long.
        assert!(!decodes(&encoded_call(
            previous,
            labels(5, 1),
            b"l".to_vec()
        )));
        assert!(!decodes(&encoded_call(
            previous,
            labels(1, 25),
            b"l".to_vec()
        )));
        assert!(!decodes(&encoded_call(
            previous,
            labels(1, 1),
            vec![b'l'; 97]
        )));
        assert!(!decodes(&encoded_call(
            previous,
            labels(64, 64),
            vec![b'l'; 4096]
        )));
    }
    // A length prefix claiming a billion labels is refused without allocating them.
    let mut lying = encoded_call(None, vec![], b"l".to_vec());
    let labels_at = 2 + 32 + 32 + 8 + 8 + 2; // call indexes, hashes, lengths, codec
    assert_eq!(lying[labels_at], 0, "an empty label list is one zero byte");
    let claim = codec::Compact(1_000_000_000u32).encode();
    lying.splice(labels_at..labels_at + 1, claim);
    assert!(!decodes(&lying));
    // A truncated call does not decode either.
    let good = encoded_call(None, labels(2, 3), b"loc".to_vec());
    for cut in 0..good.len() {
        assert!(!decodes(&good[..cut]), "cut at {cut}");
    }
}

#[test]
fn hostile_unknown_record_ids_change_nothing() {
    new_test_ext().execute_with(|| {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        for id in [1, 7, u64::MAX] {
            assert_refused!(
                MedicalRecords::amend_record(RuntimeOrigin::signed(OWNER), id, input(2, &["a"])),
                Error::<Test>::UnknownRecord,
                [0, id]
            );
            assert_refused!(
                MedicalRecords::retract_record(RuntimeOrigin::signed(OWNER), id),
                Error::<Test>::UnknownRecord,
                [0, id]
            );
            assert_refused!(
                MedicalRecords::report_integrity_failure(
                    RuntimeOrigin::signed(MANAGER),
                    id,
                    IntegrityFault::ContentMismatch
                ),
                Error::<Test>::UnknownRecord,
                [0, id]
            );
            assert_eq!(Pallet::<Test>::record(id), None);
        }
        check_invariants();
    });
}

#[test]
fn hostile_accounts_without_roles_change_nothing() {
    new_test_ext().execute_with(|| {
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(OWNER),
            input(1, &["a"])
        ));
        let signed = RuntimeOrigin::signed;
        // No role at all, or only the manager's: no registration, even of fine input.
        for who in [STRANGER, MANAGER, 99] {
            assert_refused!(
                MedicalRecords::register_record(signed(who), input(2, &["a"])),
                Error::<Test>::NotDataOwner,
                [0, 1]
            );
        }
        // The role is checked before the input: a stranger learns nothing about it.
        assert_refused!(
            MedicalRecords::register_record(signed(STRANGER), input(1, &["a", "a", ""])),
            Error::<Test>::NotDataOwner,
            [0, 1]
        );
        // A manager without the role, or the owner naming itself.
        for manager in [STRANGER, OWNER, 99] {
            let mut bad = input(2, &["a"]);
            bad.manager = manager;
            assert_refused!(
                MedicalRecords::register_record(signed(OWNER), bad),
                Error::<Test>::ManagerNotDataManager,
                [0, 1]
            );
        }
        // Someone else's record: neither amended, retracted nor reported.
        for who in [STRANGER, OTHER_OWNER, MANAGER] {
            assert_refused!(
                MedicalRecords::amend_record(signed(who), 0, input(2, &["a"])),
                Error::<Test>::NotOwner,
                [0, 1]
            );
            assert_refused!(
                MedicalRecords::retract_record(signed(who), 0),
                Error::<Test>::NotOwner,
                [0]
            );
        }
        for who in [STRANGER, OTHER_OWNER] {
            assert_refused!(
                MedicalRecords::report_integrity_failure(
                    signed(who),
                    0,
                    IntegrityFault::BlobMissing
                ),
                Error::<Test>::NotOwnerOrManager,
                [0]
            );
        }
        check_invariants();
    });
}

#[test]
fn hostile_owners_without_funds_change_nothing() {
    new_test_ext().execute_with(|| {
        // An account that never held funds, and one just above the existential deposit.
        MockRoles::set(99, Role::DataOwner, true);
        for who in [99, 98] {
            assert_ok!(MedicalRecords::accept_owner(
                RuntimeOrigin::signed(MANAGER),
                who
            ));
        }
        for who in [99, POOR_OWNER] {
            assert_refused!(
                MedicalRecords::register_record(RuntimeOrigin::signed(who), input(1, &["a"])),
                Error::<Test>::InsufficientDeposit,
                [0]
            );
            assert_eq!(held(who), 0);
        }
        // The deposit must leave the existential deposit free: exactly the deposit is short.
        let record = input(1, &["a"]);
        let deposit = Pallet::<Test>::deposit_for(&record);
        MockRoles::set(98, Role::DataOwner, true);
        assert_ok!(
            <Balances as frame_support::traits::fungible::Mutate<_>>::mint_into(&98, deposit)
        );
        assert_refused!(
            MedicalRecords::register_record(RuntimeOrigin::signed(98), record.clone()),
            Error::<Test>::InsufficientDeposit,
            [0]
        );
        assert_ok!(
            <Balances as frame_support::traits::fungible::Mutate<_>>::mint_into(
                &98,
                <<Test as pallet_balances::Config>::ExistentialDeposit as Get<Balance>>::get()
            )
        );
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(98),
            record
        ));
        assert_eq!(held(98), deposit);
        check_invariants();
    });
}
