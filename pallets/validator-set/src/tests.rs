//! Unit tests of the validator set: the council's calls, each refusal by name, and the
//! session manager's answers to `pallet-session`.

use crate::{
    mock::*, Error, Event, SessionLengthBlocks, SessionStartBlock, SetChanged, Validators,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{EstimateNextSessionRotation, Hooks},
};
use pallet_session::SessionManager;
use sp_runtime::{DispatchError, Permill};

fn validators() -> Vec<AccountId> {
    Validators::<Test>::get().into_inner()
}

fn last_event() -> RuntimeEvent {
    System::events().pop().expect("an event").event
}

fn check() {
    ValidatorSet::do_try_state().expect("the invariants hold");
}

#[test]
fn genesis_sets_the_founders_the_minimum_and_the_session_length() {
    new_test_ext().execute_with(|| {
        assert_eq!(validators(), FOUNDERS.to_vec());
        assert_eq!(crate::MinValidators::<Test>::get(), MIN_VALIDATORS);
        assert_eq!(SessionLengthBlocks::<Test>::get(), SESSION_BLOCKS);
        assert!(!SetChanged::<Test>::get());
        // pallet-session asks for sessions 0 and 1 at genesis: the founders.
        assert_eq!(
            ValidatorSet::new_session_genesis(0),
            Some(FOUNDERS.to_vec())
        );
        check();
    });
}

#[test]
fn the_admin_adds_a_validator_with_keys_and_it_is_queued_at_the_next_boundary() {
    new_test_ext().execute_with(|| {
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            WITH_KEYS
        ));
        assert_eq!(validators(), vec![1, 2, 3, 4, WITH_KEYS]);
        assert_eq!(
            last_event(),
            Event::ValidatorAdded { who: WITH_KEYS }.into()
        );
        assert!(SetChanged::<Test>::get());
        check();

        assert_eq!(
            ValidatorSet::new_session(2),
            Some(vec![1, 2, 3, 4, WITH_KEYS])
        );
        assert_eq!(
            last_event(),
            Event::ValidatorsQueued {
                session: 2,
                validators: 5
            }
            .into()
        );
        // Nothing changed since: pallet-session keeps the set it has.
        assert_eq!(ValidatorSet::new_session(3), None);
    });
}

#[test]
fn without_a_change_the_session_manager_keeps_the_current_set() {
    new_test_ext().execute_with(|| {
        assert_eq!(ValidatorSet::new_session(2), None);
        assert!(System::events().is_empty());
    });
}

#[test]
fn only_the_admin_origin_changes_the_set_or_the_session_length() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::signed(1), WITH_KEYS),
            DispatchError::BadOrigin
        );
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::signed(1), 2),
            DispatchError::BadOrigin
        );
        assert_noop!(
            ValidatorSet::set_session_length(RuntimeOrigin::signed(1), 100),
            DispatchError::BadOrigin
        );
        assert!(!SetChanged::<Test>::get());
    });
}

#[test]
fn adding_a_validator_twice_is_refused() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), 2),
            Error::<Test>::AlreadyValidator
        );
    });
}

#[test]
fn adding_an_account_without_session_keys_is_refused() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), WITHOUT_KEYS),
            Error::<Test>::NoSessionKeys
        );
    });
}

#[test]
fn the_set_is_bounded() {
    new_test_ext().execute_with(|| {
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            WITH_KEYS
        ));
        let _ = ValidatorSet::new_session(2);
        ValidatorSet::start_session(2);
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            ALSO_WITH_KEYS
        ));
        let _ = ValidatorSet::new_session(3);
        ValidatorSet::start_session(3);
        assert_eq!(validators().len() as u32, MAX_VALIDATORS);
        MockKeys::set(8);
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), 8),
            Error::<Test>::TooManyValidators
        );
    });
}

#[test]
fn the_admin_removes_a_validator_but_never_below_the_minimum() {
    new_test_ext().execute_with(|| {
        assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 2));
        assert_eq!(validators(), vec![1, 3, 4]);
        assert_eq!(last_event(), Event::ValidatorRemoved { who: 2 }.into());
        check();
        assert_eq!(ValidatorSet::new_session(2), Some(vec![1, 3, 4]));
        ValidatorSet::start_session(2);
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::root(), 3),
            Error::<Test>::TooFewValidators
        );
    });
}

#[test]
fn removing_an_account_that_is_not_a_validator_is_refused() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::root(), WITH_KEYS),
            Error::<Test>::NotValidator
        );
    });
}

#[test]
fn a_validator_whose_keys_are_gone_is_left_out_of_the_next_set() {
    new_test_ext().execute_with(|| {
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            WITH_KEYS
        ));
        MockKeys::purge(2);
        assert_eq!(ValidatorSet::new_session(2), Some(vec![1, 3, 4, WITH_KEYS]));
    });
}

#[test]
fn one_change_waits_at_a_time() {
    new_test_ext().execute_with(|| {
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            WITH_KEYS
        ));
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), ALSO_WITH_KEYS),
            Error::<Test>::ChangePending
        );
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::root(), 1),
            Error::<Test>::ChangePending
        );
        // Queued at the boundary: still pending until it is active.
        assert!(ValidatorSet::new_session(2).is_some());
        assert_noop!(
            ValidatorSet::add_validator(RuntimeOrigin::root(), ALSO_WITH_KEYS),
            Error::<Test>::ChangePending
        );
        ValidatorSet::start_session(1);
        assert!(ValidatorSet::change_pending());
        ValidatorSet::start_session(2);
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            ALSO_WITH_KEYS
        ));
    });
}

#[test]
fn an_unconfigured_set_is_never_emptied() {
    use sp_runtime::BuildStorage;
    let storage = RuntimeGenesisConfig::default().build_storage().unwrap();
    sp_io::TestExternalities::new(storage).execute_with(|| {
        MockKeys::set(WITH_KEYS);
        assert_ok!(ValidatorSet::add_validator(
            RuntimeOrigin::root(),
            WITH_KEYS
        ));
        let _ = ValidatorSet::new_session(1);
        ValidatorSet::start_session(1);
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::root(), WITH_KEYS),
            Error::<Test>::TooFewValidators
        );
        // And pallet-session is never handed an empty set.
        MockKeys::purge(WITH_KEYS);
        crate::SetChanged::<Test>::put(true);
        assert_eq!(ValidatorSet::new_session(2), None);
    });
}

#[test]
fn the_admin_sets_the_minimum_within_the_set() {
    new_test_ext().execute_with(|| {
        assert_ok!(ValidatorSet::set_min_validators(RuntimeOrigin::root(), 4));
        assert_eq!(last_event(), Event::MinValidatorsSet { min: 4 }.into());
        assert_noop!(
            ValidatorSet::remove_validator(RuntimeOrigin::root(), 1),
            Error::<Test>::TooFewValidators
        );
        for min in [0, 5] {
            assert_noop!(
                ValidatorSet::set_min_validators(RuntimeOrigin::root(), min),
                Error::<Test>::BadMinimum
            );
        }
        assert_noop!(
            ValidatorSet::set_min_validators(RuntimeOrigin::signed(1), 2),
            DispatchError::BadOrigin
        );
        check();
    });
}

#[test]
fn the_default_minimum_is_all_but_the_faults_grandpa_tolerates() {
    let min: Vec<u32> = [1, 2, 3, 4, 5, 7, 10]
        .into_iter()
        .map(crate::min_validators_for)
        .collect();
    assert_eq!(min, [1, 2, 3, 3, 4, 5, 7]);
}

#[test]
fn sessions_end_after_their_length_and_the_next_one_starts_there() {
    new_test_ext().execute_with(|| {
        assert!(!ValidatorSet::session_ends_at(SESSION_BLOCKS - 1));
        assert!(ValidatorSet::session_ends_at(SESSION_BLOCKS));
        // pallet-session rotates at block 10 and plans the next session.
        System::set_block_number(SESSION_BLOCKS);
        let _ = ValidatorSet::new_session(2);
        ValidatorSet::start_session(2);
        assert_eq!(SessionStartBlock::<Test>::get(), SESSION_BLOCKS);
        assert!(!ValidatorSet::session_ends_at(2 * SESSION_BLOCKS - 1));
        assert!(ValidatorSet::session_ends_at(2 * SESSION_BLOCKS));
        assert_eq!(ValidatorSet::average_session_length(), SESSION_BLOCKS);
        assert_eq!(
            ValidatorSet::estimate_next_session_rotation(15).0,
            Some(2 * SESSION_BLOCKS)
        );
        assert_eq!(
            ValidatorSet::estimate_current_session_progress(15).0,
            Some(Permill::from_percent(50))
        );
    });
}

#[test]
fn the_admin_sets_the_session_length_but_not_below_the_minimum() {
    new_test_ext().execute_with(|| {
        assert_ok!(ValidatorSet::set_session_length(RuntimeOrigin::root(), 20));
        assert_eq!(last_event(), Event::SessionLengthSet { blocks: 20 }.into());
        assert!(!ValidatorSet::session_ends_at(19));
        assert!(ValidatorSet::session_ends_at(20));
        assert_noop!(
            ValidatorSet::set_session_length(RuntimeOrigin::root(), MIN_SESSION_BLOCKS - 1),
            Error::<Test>::SessionTooShort
        );
        assert_noop!(
            ValidatorSet::set_session_length(RuntimeOrigin::root(), MAX_SESSION_BLOCKS + 1),
            Error::<Test>::SessionTooLong
        );
        check();
    });
}

#[test]
fn on_initialize_charges_the_session_check() {
    new_test_ext().execute_with(|| {
        use crate::WeightInfo;
        assert_eq!(
            ValidatorSet::on_initialize(1),
            <() as WeightInfo>::should_end_session()
        );
    });
}

fn genesis(validators: Vec<AccountId>, min_validators: u32, session_length_blocks: u64) {
    use sp_runtime::BuildStorage;
    let _ = RuntimeGenesisConfig {
        system: Default::default(),
        validator_set: crate::GenesisConfig {
            validators,
            min_validators,
            session_length_blocks,
        },
    }
    .build_storage()
    .unwrap();
}

#[test]
#[should_panic(expected = "duplicate genesis validators")]
fn genesis_refuses_duplicates() {
    genesis(vec![1, 1, 2], 1, SESSION_BLOCKS);
}

#[test]
fn the_default_genesis_leaves_the_pallet_unconfigured() {
    use sp_runtime::BuildStorage;
    let storage = RuntimeGenesisConfig::default().build_storage().unwrap();
    sp_io::TestExternalities::new(storage).execute_with(|| {
        assert!(validators().is_empty());
        assert_eq!(
            ValidatorSet::new_session_genesis(0),
            None,
            "pallet-session uses its keys"
        );
        check();
    });
}

#[test]
#[should_panic(expected = "min_validators must be at least 1")]
fn genesis_refuses_a_minimum_of_zero() {
    genesis(vec![1], 0, SESSION_BLOCKS);
}

#[test]
#[should_panic(expected = "fewer genesis validators than min_validators")]
fn genesis_refuses_a_minimum_without_validators() {
    genesis(vec![], 1, SESSION_BLOCKS);
}

#[test]
#[should_panic(expected = "fewer genesis validators than min_validators")]
fn genesis_refuses_fewer_validators_than_the_minimum() {
    genesis(vec![1, 2], 3, SESSION_BLOCKS);
}

#[test]
#[should_panic(expected = "session_length_blocks outside")]
fn genesis_refuses_a_short_session() {
    genesis(vec![1], 1, MIN_SESSION_BLOCKS - 1);
}
