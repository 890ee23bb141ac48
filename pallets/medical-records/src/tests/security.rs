//! The holes a security review found (issue #21), each closed by name: integrity
//! reports on dead records or by former role holders, managers that never chose their
//! owners, and register–retract loops that grew state for free.

use super::*;

fn register(owner: AccountId, seed: u8) -> RecordId {
    assert_ok!(MedicalRecords::register_record(
        RuntimeOrigin::signed(owner),
        input(seed, &["cardiology", "zh"])
    ));
    NextRecordId::<Test>::get() - 1
}

#[test]
fn integrity_reports_need_a_live_record() {
    new_test_ext().execute_with(|| {
        let id = register(OWNER, 1);
        assert_ok!(MedicalRecords::retract_record(
            RuntimeOrigin::signed(OWNER),
            id
        ));
        for reporter in [OWNER, MANAGER] {
            assert_noop!(
                MedicalRecords::report_integrity_failure(
                    RuntimeOrigin::signed(reporter),
                    id,
                    IntegrityFault::RawMismatch
                ),
                Error::<Test>::RecordNotLive
            );
        }
        check_invariants();
    });
}

#[test]
fn integrity_reports_need_the_role_still_held() {
    new_test_ext().execute_with(|| {
        let id = register(OWNER, 1);
        MockRoles::set(MANAGER, Role::DataManager, false);
        MockRoles::set(OWNER, Role::DataOwner, false);
        for reporter in [OWNER, MANAGER] {
            assert_noop!(
                MedicalRecords::report_integrity_failure(
                    RuntimeOrigin::signed(reporter),
                    id,
                    IntegrityFault::RawMismatch
                ),
                Error::<Test>::NotOwnerOrManager
            );
        }
        MockRoles::set(MANAGER, Role::DataManager, true);
        assert_ok!(MedicalRecords::report_integrity_failure(
            RuntimeOrigin::signed(MANAGER),
            id,
            IntegrityFault::RawMismatch
        ));
        check_invariants();
    });
}

#[test]
fn a_manager_serves_only_owners_it_accepted() {
    new_test_ext().execute_with(|| {
        let newcomer: AccountId = 6;
        MockRoles::set(newcomer, Role::DataOwner, true);
        assert_ok!(Balances::force_set_balance(
            RuntimeOrigin::root(),
            newcomer,
            BALANCE
        ));
        assert_noop!(
            MedicalRecords::register_record(RuntimeOrigin::signed(newcomer), input(1, &["zh"])),
            Error::<Test>::OwnerNotAccepted
        );
        assert_ok!(MedicalRecords::accept_owner(
            RuntimeOrigin::signed(MANAGER),
            newcomer
        ));
        System::assert_last_event(
            Event::OwnerAccepted {
                manager: MANAGER,
                owner: newcomer,
            }
            .into(),
        );
        let id = register(newcomer, 1);
        assert_ok!(MedicalRecords::drop_owner(
            RuntimeOrigin::signed(MANAGER),
            newcomer
        ));
        System::assert_last_event(
            Event::OwnerDropped {
                manager: MANAGER,
                owner: newcomer,
            }
            .into(),
        );
        // Records registered before stay; new ones and amendments are refused.
        assert!(Records::<Test>::get(id).is_some_and(|r| r.status == RecordStatus::Live));
        assert_noop!(
            MedicalRecords::register_record(RuntimeOrigin::signed(newcomer), input(2, &["zh"])),
            Error::<Test>::OwnerNotAccepted
        );
        assert_noop!(
            MedicalRecords::amend_record(RuntimeOrigin::signed(newcomer), id, input(2, &["zh"])),
            Error::<Test>::OwnerNotAccepted
        );
        check_invariants();
    });
}

#[test]
fn accept_and_drop_refusals() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            MedicalRecords::accept_owner(RuntimeOrigin::signed(STRANGER), OWNER),
            Error::<Test>::NotDataManager
        );
        assert_noop!(
            MedicalRecords::accept_owner(RuntimeOrigin::signed(MANAGER), OWNER),
            Error::<Test>::OwnerAlreadyAccepted
        );
        assert_noop!(
            MedicalRecords::drop_owner(RuntimeOrigin::signed(MANAGER), STRANGER),
            Error::<Test>::UnknownOwner
        );
        assert_noop!(
            MedicalRecords::drop_owner(RuntimeOrigin::signed(STRANGER), OWNER),
            Error::<Test>::UnknownOwner
        );
        assert_noop!(
            MedicalRecords::accept_owner(RuntimeOrigin::root(), OWNER),
            DispatchError::BadOrigin
        );
        // Three accepted at genesis; two more fill MaxAcceptedOwners.
        for owner in [STRANGER, 8] {
            assert_ok!(MedicalRecords::accept_owner(
                RuntimeOrigin::signed(MANAGER),
                owner
            ));
        }
        assert_eq!(
            AcceptedOwnerCount::<Test>::get(MANAGER),
            MAX_ACCEPTED_OWNERS
        );
        assert_noop!(
            MedicalRecords::accept_owner(RuntimeOrigin::signed(MANAGER), 7),
            Error::<Test>::TooManyAcceptedOwners
        );
        // Dropping frees a place; the last one dropped removes the count.
        for owner in [OWNER, OTHER_OWNER, POOR_OWNER, STRANGER, 8] {
            assert_ok!(MedicalRecords::drop_owner(
                RuntimeOrigin::signed(MANAGER),
                owner
            ));
        }
        assert!(!AcceptedOwnerCount::<Test>::contains_key(MANAGER));
        check_invariants();
    });
}

#[test]
fn retraction_erases_labels_and_location_and_keeps_a_tombstone_deposit() {
    new_test_ext().execute_with(|| {
        let id = register(OWNER, 1);
        let live = Records::<Test>::get(id).unwrap();
        assert_ok!(MedicalRecords::retract_record(
            RuntimeOrigin::signed(OWNER),
            id
        ));
        let tombstone = Records::<Test>::get(id).unwrap();
        assert_eq!(tombstone.status, RecordStatus::Retracted);
        assert!(tombstone.input.labels.is_empty());
        assert!(tombstone.input.location.is_empty());
        assert_eq!(tombstone.input.raw_hash, live.input.raw_hash);
        assert_eq!(tombstone.input.content_hash, live.input.content_hash);
        assert_eq!(tombstone.deposit, RETIRED_DEPOSIT);
        assert_eq!(held(OWNER), RETIRED_DEPOSIT);
        check_invariants();
    });
}

#[test]
fn a_register_retract_loop_costs_every_round() {
    new_test_ext().execute_with(|| {
        let rounds = 10u8;
        for seed in 0..rounds {
            let id = register(OWNER, seed);
            assert_ok!(MedicalRecords::retract_record(
                RuntimeOrigin::signed(OWNER),
                id
            ));
        }
        assert_eq!(held(OWNER), RETIRED_DEPOSIT * rounds as Balance);
        check_invariants();
    });
}

#[test]
fn a_superseded_record_keeps_the_price_of_what_it_stores() {
    new_test_ext().execute_with(|| {
        let id = register(OWNER, 1);
        let old = Records::<Test>::get(id).unwrap();
        assert_ok!(MedicalRecords::amend_record(
            RuntimeOrigin::signed(OWNER),
            id,
            input(2, &["zh"])
        ));
        let superseded = Records::<Test>::get(id).unwrap();
        assert_eq!(superseded.input.labels, old.input.labels, "history kept");
        let kept = RETIRED_DEPOSIT + BYTE_DEPOSIT * (10 + 2 + 15);
        assert_eq!(superseded.deposit, kept);
        let new = Records::<Test>::get(id + 1).unwrap();
        assert_eq!(held(OWNER), kept + new.deposit);
        check_invariants();
    });
}

#[test]
fn try_state_catches_a_retracted_record_that_kept_its_labels() {
    new_test_ext().execute_with(|| {
        let id = register(OWNER, 1);
        let labels = Records::<Test>::get(id).unwrap().input.labels;
        assert_ok!(MedicalRecords::retract_record(
            RuntimeOrigin::signed(OWNER),
            id
        ));
        Records::<Test>::mutate(id, |r| r.as_mut().unwrap().input.labels = labels);
        assert!(Pallet::<Test>::do_try_state().is_err());
    });
}
