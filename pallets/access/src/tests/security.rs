//! The holes a security review found (issue #21), each closed by name: self-votes, a
//! manager pre-empting the owner's key, a revoked role's grants coming back, keys of
//! small order, and requests that stayed in state for free.

use super::*;
use frame_support::traits::fungible::{Inspect, InspectHold};

fn held(who: AccountId) -> u64 {
    Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &who)
}

/// Makes member 1 a demander too, with a published key.
fn member_demander() -> AccountId {
    let member = MEMBERS[0];
    assert_ok!(Access::assign_role(
        RuntimeOrigin::root(),
        member,
        Role::DataDemander
    ));
    assert_ok!(Access::set_encryption_key(signed(member), KEY));
    member
}

#[test]
fn a_member_cannot_vote_on_its_own_request() {
    new_test_ext().execute_with(|| {
        // With two members one aye approves: a self-vote would approve alone.
        MockMembers::set(&[1, 2]);
        let member = member_demander();
        assert_ok!(Access::request_access(signed(member), RECORD, purpose()));
        let request = NextRequestId::<Test>::get() - 1;
        assert_noop!(
            Access::vote(signed(member), request, true),
            Error::<Test>::OwnRequest
        );
        assert_eq!(status(request), RequestStatus::Open);
        assert_ok!(Access::vote(signed(2), request, true));
        assert_eq!(status(request), RequestStatus::Approved);
        check_invariants();
    });
}

#[test]
fn the_owner_replaces_a_key_its_manager_delivered() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        approve(request);
        let garbage = WrappedKeyOf::<Test>::try_from(vec![0; 80]).unwrap();
        assert_ok!(Access::deliver_key(signed(MANAGER), request, garbage));
        let first = Grants::<Test>::get(RECORD, DEMANDER).unwrap();
        go_to_block(5);
        // The manager cannot deliver twice; the owner can replace its key.
        assert_noop!(
            Access::deliver_key(signed(MANAGER), request, wrapped()),
            Error::<Test>::KeyAlreadyDelivered
        );
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        System::assert_last_event(
            Event::KeyReplaced {
                request,
                record: RECORD,
                demander: DEMANDER,
                at_ms: 5 * BLOCK_MS,
            }
            .into(),
        );
        let replaced = Grants::<Test>::get(RECORD, DEMANDER).unwrap();
        assert_eq!(replaced.wrapped_key, wrapped());
        assert_eq!(replaced.delivered_by, OWNER);
        assert_eq!(
            replaced.expires_block, first.expires_block,
            "no longer access"
        );
        // Once the owner's key is in, nobody replaces it.
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::KeyAlreadyDelivered
        );
        assert_noop!(
            Access::deliver_key(signed(MANAGER), request, wrapped()),
            Error::<Test>::KeyAlreadyDelivered
        );
        check_invariants();
    });
}

#[test]
fn a_key_the_owner_delivered_is_final_and_a_revoked_grant_is_not_revived() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        approve(request);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        assert_noop!(
            Access::deliver_key(signed(MANAGER), request, wrapped()),
            Error::<Test>::KeyAlreadyDelivered
        );
        let again = open_request_after_revocation(request);
        assert_eq!(status(again), RequestStatus::Open);
        check_invariants();
    });
}

/// The owner revokes the manager-delivered grant of `request`; the owner's "replacement"
/// must not bring it back. Returns a new request, which the ended grant does not block.
fn open_request_after_revocation(request: RequestId) -> RequestId {
    assert_ok!(Access::revoke_grant(signed(OWNER), RECORD, DEMANDER));
    assert_noop!(
        Access::deliver_key(signed(OWNER), request, wrapped()),
        Error::<Test>::KeyAlreadyDelivered
    );
    assert_ok!(Access::request_access(signed(DEMANDER), RECORD, purpose()));
    NextRequestId::<Test>::get() - 1
}

#[test]
fn requests_opened_under_a_revoked_role_never_deliver() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        approve(request);
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::DataDemander
        ));
        assert!(!DemanderSince::<Test>::contains_key(DEMANDER));
        assert_ok!(Access::assign_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::DataDemander
        ));
        assert_eq!(DemanderSince::<Test>::get(DEMANDER), Some(request + 1));
        assert_ok!(Access::set_encryption_key(signed(DEMANDER), KEY));
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::RequestPredatesRole
        );
        check_invariants();
    });
}

#[test]
fn keys_of_small_order_are_refused() {
    new_test_ext().execute_with(|| {
        for key in medchain_primitives::x25519::small_order_encodings() {
            assert_noop!(
                Access::set_encryption_key(signed(DEMANDER), key),
                Error::<Test>::InvalidKey
            );
        }
        let mut nine = [0u8; 32];
        nine[0] = 9;
        assert_ok!(Access::set_encryption_key(signed(DEMANDER), nine));
    });
}

#[test]
fn a_request_holds_a_deposit_until_it_is_reaped() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_eq!(held(DEMANDER), REQUEST_DEPOSIT);
        assert_eq!(RequestDeposits::<Test>::get(request), Some(REQUEST_DEPOSIT));
        // Rejected: three nays of four.
        for member in [1, 2, 3] {
            assert_ok!(Access::vote(signed(member), request, false));
        }
        assert_eq!(status(request), RequestStatus::Rejected);
        assert_ok!(Access::reap_request(signed(STRANGER), request));
        System::assert_last_event(
            Event::RequestReaped {
                request,
                record: RECORD,
                by: STRANGER,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert!(!Requests::<Test>::contains_key(request));
        assert!(!RequestDeposits::<Test>::contains_key(request));
        assert_eq!(Votes::<Test>::iter_prefix(request).count(), 0);
        assert_eq!(held(DEMANDER), 0);
        assert_eq!(Balances::balance(&DEMANDER), BALANCE);
        assert_noop!(
            Access::reap_request(signed(STRANGER), request),
            Error::<Test>::UnknownRequest
        );
        check_invariants();
    });
}

#[test]
fn a_demander_without_funds_cannot_request() {
    new_test_ext().execute_with(|| {
        assert_ok!(Access::set_encryption_key(signed(DEMANDER), KEY));
        let spare = Balances::balance(&DEMANDER) - REQUEST_DEPOSIT / 2;
        assert_ok!(
            <Balances as frame_support::traits::fungible::Mutate<_>>::transfer(
                &DEMANDER,
                &STRANGER,
                spare,
                frame_support::traits::tokens::Preservation::Expendable,
            )
        );
        assert_noop!(
            Access::request_access(signed(DEMANDER), RECORD, purpose()),
            Error::<Test>::InsufficientDeposit
        );
    });
}

#[test]
fn requests_in_progress_and_active_grants_are_not_reaped() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_noop!(
            Access::reap_request(signed(STRANGER), request),
            Error::<Test>::RequestInProgress
        );
        approve(request);
        assert_noop!(
            Access::reap_request(signed(STRANGER), request),
            Error::<Test>::RequestInProgress
        );
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        assert_noop!(
            Access::reap_request(signed(DEMANDER), request),
            Error::<Test>::GrantStillActive
        );
        // Once the grant has expired, the request and its grant go.
        go_to_block(1 + GRANT_TTL);
        assert_ok!(Access::reap_request(signed(STRANGER), request));
        assert!(!Grants::<Test>::contains_key(RECORD, DEMANDER));
        assert_eq!(held(DEMANDER), 0);
        check_invariants();
    });
}

#[test]
fn grants_ended_by_revocation_role_or_record_are_reaped() {
    type End = fn();
    let ends: [(&str, End); 3] = [
        ("revoked", || {
            assert_ok!(Access::revoke_grant(signed(OWNER), RECORD, DEMANDER));
        }),
        ("role", || {
            assert_ok!(Access::revoke_role(
                RuntimeOrigin::root(),
                DEMANDER,
                Role::DataDemander
            ));
        }),
        ("record", || MockRecords::set(RECORD, None)),
    ];
    for (name, end) in ends {
        new_test_ext().execute_with(|| {
            let request = open_request();
            approve(request);
            assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
            end();
            assert!(
                Access::reap_request(signed(STRANGER), request).is_ok(),
                "{name}"
            );
            assert!(!Grants::<Test>::contains_key(RECORD, DEMANDER), "{name}");
            assert!(!Requests::<Test>::contains_key(request), "{name}");
            check_invariants();
        });
    }
}

#[test]
fn expired_requests_are_reaped() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        go_to_block(1 + REQUEST_TTL);
        assert_eq!(status(request), RequestStatus::Expired);
        assert_ok!(Access::reap_request(signed(DEMANDER), request));
        assert_eq!(held(DEMANDER), 0);
        check_invariants();
    });
}

#[test]
fn try_state_catches_a_self_vote() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        Votes::<Test>::insert(request, DEMANDER, true);
        Requests::<Test>::mutate(request, |r| r.as_mut().unwrap().ayes = 1);
        assert!(Pallet::<Test>::do_try_state().is_err());
    });
}
