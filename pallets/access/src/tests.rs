//! Tests of every call's success path, every error, the origin checks, the majority
//! rule, expiries and the audit trail. Each flow ends with `try_state`.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use medchain_primitives::audit_head_of;
use medchain_primitives::purpose::PurposeOfUse;
use sp_runtime::DispatchError;

mod audit_index;
mod emergency;
mod security;

const KEY: [u8; 32] = [7; 32];

fn purpose() -> PurposeOf<Test> {
    coded(PurposeOfUse::Hresch, b"cohort study")
}

fn coded(code: PurposeOfUse, text: &[u8]) -> PurposeOf<Test> {
    PurposeOf::<Test> {
        code,
        text: PurposeTextOf::<Test>::try_from(text.to_vec()).unwrap(),
    }
}

fn wrapped() -> WrappedKeyOf<Test> {
    WrappedKeyOf::<Test>::try_from(vec![0xab; 80]).unwrap()
}

fn signed(who: AccountId) -> RuntimeOrigin {
    RuntimeOrigin::signed(who)
}

fn check_invariants() {
    Pallet::<Test>::do_try_state().expect("invariants hold");
}

/// DEMANDER publishes a key and opens request 0 for RECORD.
fn open_request() -> RequestId {
    assert_ok!(Access::set_encryption_key(signed(DEMANDER), KEY));
    assert_ok!(Access::request_access(signed(DEMANDER), RECORD, purpose()));
    NextRequestId::<Test>::get() - 1
}

fn approve(request: RequestId) {
    assert_ok!(Access::vote(signed(1), request, true));
    assert_ok!(Access::vote(signed(2), request, true));
}

fn status(request: RequestId) -> RequestStatus {
    Requests::<Test>::get(request).unwrap().status
}

#[test]
fn roles_are_given_and_taken_by_the_admin_only() {
    new_test_ext().execute_with(|| {
        assert_eq!(Access::roles(OWNER), vec![Role::DataOwner]);
        assert_ok!(Access::assign_role(
            RuntimeOrigin::root(),
            STRANGER,
            Role::DataManager
        ));
        System::assert_last_event(
            Event::RoleAssigned {
                who: STRANGER,
                role: Role::DataManager,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert!(<Pallet<Test> as RoleProvider<_>>::has_role(
            &STRANGER,
            Role::DataManager
        ));
        assert_noop!(
            Access::assign_role(RuntimeOrigin::root(), STRANGER, Role::DataManager),
            Error::<Test>::RoleAlreadyAssigned
        );
        assert_noop!(
            Access::assign_role(signed(OWNER), STRANGER, Role::DataOwner),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Access::revoke_role(signed(OWNER), STRANGER, Role::DataManager),
            DispatchError::BadOrigin
        );
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            STRANGER,
            Role::DataManager
        ));
        System::assert_last_event(
            Event::RoleRevoked {
                who: STRANGER,
                role: Role::DataManager,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert!(
            Roles::<Test>::get(STRANGER).is_none(),
            "an empty set is not kept"
        );
        assert_noop!(
            Access::revoke_role(RuntimeOrigin::root(), STRANGER, Role::DataManager),
            Error::<Test>::RoleNotAssigned
        );
        check_invariants();
    });
}

#[test]
fn encryption_keys() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Access::set_encryption_key(signed(STRANGER), KEY),
            Error::<Test>::NoRole
        );
        assert_noop!(
            Access::set_encryption_key(signed(DEMANDER), [0; 32]),
            Error::<Test>::InvalidKey
        );
        assert_noop!(
            Access::set_encryption_key(RuntimeOrigin::root(), KEY),
            DispatchError::BadOrigin
        );
        assert_ok!(Access::set_encryption_key(signed(DEMANDER), KEY));
        assert_eq!(EncryptionKeys::<Test>::get(DEMANDER), Some(KEY));
        System::assert_last_event(
            Event::EncryptionKeySet {
                who: DEMANDER,
                key: KEY,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        // Losing the last role drops the key.
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::DataDemander
        ));
        assert_eq!(EncryptionKeys::<Test>::get(DEMANDER), None);
        check_invariants();
    });
}

#[test]
fn one_of_four_is_not_enough_two_of_four_approve() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        let req = Requests::<Test>::get(request).unwrap();
        assert_eq!(
            (req.members, req.threshold, req.expires_block),
            (4, 2, 1 + REQUEST_TTL)
        );
        System::assert_last_event(
            Event::AccessRequested {
                request,
                record: RECORD,
                demander: DEMANDER,
                at_ms: BLOCK_MS,
                purpose: purpose(),
            }
            .into(),
        );
        assert_ok!(Access::vote(signed(1), request, true));
        assert_eq!(status(request), RequestStatus::Open, "1 of 4 is not enough");
        assert_ok!(Access::vote(signed(3), request, false));
        assert_eq!(status(request), RequestStatus::Open);
        assert_ok!(Access::vote(signed(2), request, true));
        assert_eq!(
            status(request),
            RequestStatus::Approved,
            "2 of 4 is half: approved"
        );
        System::assert_has_event(
            Event::Voted {
                request,
                record: RECORD,
                member: 2,
                approve: true,
                ayes: 2,
                nays: 1,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        System::assert_last_event(
            Event::RequestApproved {
                request,
                record: RECORD,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        // Approved, it stays in progress until the key comes: no second request meanwhile.
        assert_eq!(
            OpenRequests::<Test>::get(DEMANDER).into_inner(),
            vec![(request, RECORD)]
        );
        assert_noop!(
            Access::request_access(signed(DEMANDER), RECORD, purpose()),
            Error::<Test>::RequestAlreadyOpen
        );
        assert_noop!(
            Access::vote(signed(4), request, true),
            Error::<Test>::RequestNotOpen
        );
        check_invariants();
    });
}

#[test]
fn rejected_as_soon_as_approval_is_impossible() {
    new_test_ext().execute_with(|| {
        // Five members: threshold 3; the third nay leaves at most 2 ayes.
        MockMembers::set(&[1, 2, 3, 4, 5]);
        let request = open_request();
        assert_eq!(Requests::<Test>::get(request).unwrap().threshold, 3);
        assert_ok!(Access::vote(signed(1), request, false));
        assert_ok!(Access::vote(signed(2), request, false));
        assert_eq!(status(request), RequestStatus::Open);
        assert_ok!(Access::vote(signed(3), request, false));
        assert_eq!(status(request), RequestStatus::Rejected);
        System::assert_last_event(
            Event::RequestRejected {
                request,
                record: RECORD,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert!(OpenRequests::<Test>::get(DEMANDER).is_empty());
        // A key cannot be delivered for it.
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::RequestNotApproved
        );
        check_invariants();
    });
}

#[test]
fn a_membership_change_mid_vote_keeps_the_threshold() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_ok!(Access::vote(signed(1), request, true));
        // Member 1 leaves and three hospitals join: the bar stays at 2 of the original 4.
        MockMembers::set(&[2, 3, 4, 5, 6, 7]);
        assert_noop!(
            Access::vote(signed(1), request, true),
            Error::<Test>::NotMember
        );
        assert_ok!(Access::vote(signed(6), request, true));
        assert_eq!(status(request), RequestStatus::Approved);
        check_invariants();
    });
}

#[test]
fn vote_refusals() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Access::vote(signed(1), 99, true),
            Error::<Test>::UnknownRequest
        );
        let request = open_request();
        assert_noop!(
            Access::vote(signed(STRANGER), request, true),
            Error::<Test>::NotMember
        );
        assert_noop!(
            Access::vote(RuntimeOrigin::root(), request, true),
            DispatchError::BadOrigin
        );
        assert_ok!(Access::vote(signed(1), request, true));
        assert_noop!(
            Access::vote(signed(1), request, false),
            Error::<Test>::AlreadyVoted
        );
        check_invariants();
    });
}

#[test]
fn request_refusals() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Access::request_access(signed(STRANGER), RECORD, purpose()),
            Error::<Test>::NotDataDemander
        );
        assert_noop!(
            Access::request_access(RuntimeOrigin::root(), RECORD, purpose()),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Access::request_access(signed(DEMANDER), 42, purpose()),
            Error::<Test>::UnknownRecord
        );
        MockMembers::set(&[]);
        assert_noop!(
            Access::request_access(signed(DEMANDER), RECORD, purpose()),
            Error::<Test>::NoMembers
        );
        MockMembers::set(&MEMBERS);
        assert_ok!(Access::request_access(signed(DEMANDER), RECORD, purpose()));
        assert_noop!(
            Access::request_access(signed(DEMANDER), RECORD, purpose()),
            Error::<Test>::RequestAlreadyOpen
        );
        for record in 1..MAX_OPEN as u64 {
            MockRecords::set(record, Some((OWNER, MANAGER)));
            assert_ok!(Access::request_access(signed(DEMANDER), record, purpose()));
        }
        MockRecords::set(50, Some((OWNER, MANAGER)));
        assert_noop!(
            Access::request_access(signed(DEMANDER), 50, purpose()),
            Error::<Test>::TooManyOpenRequests
        );
        // MAX_EXPIRIES requests opened in one block fill its expiry slot.
        for i in 0..(MAX_EXPIRIES - MAX_OPEN) as u64 {
            let demander = 100 + i;
            assert_ok!(Balances::force_set_balance(
                RuntimeOrigin::root(),
                demander,
                BALANCE
            ));
            assert_ok!(Access::assign_role(
                RuntimeOrigin::root(),
                demander,
                Role::DataDemander
            ));
            assert_ok!(Access::request_access(signed(demander), RECORD, purpose()));
        }
        assert_noop!(
            Access::request_access(signed(OTHER_DEMANDER), RECORD, purpose()),
            Error::<Test>::TooManyRequestsInBlock
        );
        go_to_block(2);
        assert_ok!(Access::request_access(
            signed(OTHER_DEMANDER),
            RECORD,
            purpose()
        ));
        NextRequestId::<Test>::put(u64::MAX);
        assert_noop!(
            Access::request_access(signed(OTHER_DEMANDER), 50, purpose()),
            Error::<Test>::RequestIdOverflow
        );
        check_invariants();
    });
}

#[test]
fn undecided_requests_expire_in_on_initialize() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_ok!(Access::vote(signed(1), request, true));
        go_to_block(REQUEST_TTL);
        assert_eq!(status(request), RequestStatus::Open);
        go_to_block(1 + REQUEST_TTL);
        assert_eq!(status(request), RequestStatus::Expired);
        // `on_initialize` runs before the timestamp inherent: `at` is the previous block's.
        System::assert_last_event(
            Event::RequestExpired {
                request,
                record: RECORD,
                at_ms: REQUEST_TTL * BLOCK_MS,
            }
            .into(),
        );
        assert!(OpenRequests::<Test>::get(DEMANDER).is_empty());
        assert!(Expiries::<Test>::get(1 + REQUEST_TTL).is_empty());
        assert_noop!(
            Access::vote(signed(2), request, true),
            Error::<Test>::RequestNotOpen
        );
        // An approved request whose key was not delivered in time expires too…
        let second = open_request();
        approve(second);
        go_to_block(1 + 2 * REQUEST_TTL + 1);
        assert_eq!(status(second), RequestStatus::Expired);
        assert!(OpenRequests::<Test>::get(DEMANDER).is_empty());
        assert_noop!(
            Access::deliver_key(signed(OWNER), second, wrapped()),
            Error::<Test>::RequestNotApproved
        );
        // …while a delivered one is left alone by its expiry.
        let third = open_request();
        approve(third);
        assert_ok!(Access::deliver_key(signed(OWNER), third, wrapped()));
        go_to_block(System::block_number() + REQUEST_TTL + 1);
        assert_eq!(status(third), RequestStatus::Delivered);
        assert!(Access::can_access(RECORD, DEMANDER));
        check_invariants();
    });
}

#[test]
fn the_sharing_flow_grants_and_revokes_access() {
    new_test_ext().execute_with(|| {
        assert!(Access::can_access(RECORD, OWNER) && Access::can_access(RECORD, MANAGER));
        let request = open_request();
        assert!(!Access::can_access(RECORD, DEMANDER));
        approve(request);
        assert!(
            !Access::can_access(RECORD, DEMANDER),
            "approval alone gives no key"
        );
        assert_ok!(Access::deliver_key(signed(MANAGER), request, wrapped()));
        System::assert_last_event(
            Event::KeyDelivered {
                request,
                record: RECORD,
                demander: DEMANDER,
                by: MANAGER,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert_eq!(status(request), RequestStatus::Delivered);
        assert_eq!(
            Grants::<Test>::get(RECORD, DEMANDER).unwrap().wrapped_key,
            wrapped()
        );
        assert!(Access::can_access(RECORD, DEMANDER));
        assert!(!Access::can_access(RECORD, OTHER_DEMANDER));
        assert_noop!(
            Access::request_access(signed(DEMANDER), RECORD, purpose()),
            Error::<Test>::AlreadyGranted
        );
        // Once per request: the owner may only replace a manager's key (see
        // `security::the_owner_replaces_a_key_its_manager_delivered`).
        assert_noop!(
            Access::deliver_key(signed(MANAGER), request, wrapped()),
            Error::<Test>::KeyAlreadyDelivered
        );
        check_invariants();

        assert_noop!(
            Access::revoke_grant(signed(MANAGER), RECORD, DEMANDER),
            Error::<Test>::NotOwner
        );
        assert_ok!(Access::revoke_grant(signed(OWNER), RECORD, DEMANDER));
        System::assert_last_event(
            Event::GrantRevoked {
                record: RECORD,
                demander: DEMANDER,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert!(!Access::can_access(RECORD, DEMANDER));
        // The old approval cannot bring the access back: a new request must be voted on.
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::KeyAlreadyDelivered
        );
        assert_noop!(
            Access::revoke_grant(signed(OWNER), RECORD, DEMANDER),
            Error::<Test>::NoGrant
        );
        assert_noop!(
            Access::revoke_grant(signed(OWNER), 42, DEMANDER),
            Error::<Test>::UnknownRecord
        );
        assert_noop!(
            Access::revoke_grant(RuntimeOrigin::root(), RECORD, DEMANDER),
            DispatchError::BadOrigin
        );
        check_invariants();
    });
}

#[test]
fn grants_expire_and_end_with_the_role_or_the_record() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        approve(request);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        assert!(Access::can_access(RECORD, DEMANDER));
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::DataDemander
        ));
        assert!(!Access::can_access(RECORD, DEMANDER), "no role, no access");
        assert_ok!(Access::assign_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::DataDemander
        ));
        assert!(
            !Access::can_access(RECORD, DEMANDER),
            "the grant ended with the role: a new role does not bring it back"
        );
        // The ended grant does not block a new request.
        assert_ok!(Access::request_access(signed(DEMANDER), RECORD, purpose()));
        let again = NextRequestId::<Test>::get() - 1;
        approve(again);
        // Without a role it lost its key too.
        assert_ok!(Access::set_encryption_key(signed(DEMANDER), KEY));
        assert_ok!(Access::deliver_key(signed(OWNER), again, wrapped()));
        assert!(Access::can_access(RECORD, DEMANDER));
        go_to_block(1 + GRANT_TTL);
        assert!(!Access::can_access(RECORD, DEMANDER), "expired");
        // An expired grant does not block a new request.
        assert_ok!(Access::request_access(signed(DEMANDER), RECORD, purpose()));
        MockRecords::set(RECORD, None);
        assert!(
            !Access::can_access(RECORD, OWNER),
            "a retracted record is readable by nobody"
        );
        check_invariants();
    });
}

#[test]
fn deliver_key_refusals() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Access::deliver_key(signed(OWNER), 9, wrapped()),
            Error::<Test>::UnknownRequest
        );
        let request = open_request();
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::RequestNotApproved
        );
        approve(request);
        assert_noop!(
            Access::deliver_key(signed(STRANGER), request, wrapped()),
            Error::<Test>::NotOwnerOrManager
        );
        assert_noop!(
            Access::deliver_key(RuntimeOrigin::root(), request, wrapped()),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, Default::default()),
            Error::<Test>::EmptyWrappedKey
        );
        EncryptionKeys::<Test>::remove(DEMANDER);
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::NoEncryptionKey
        );
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::DataDemander
        ));
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::NotDataDemander
        );
        MockRecords::set(RECORD, None);
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::UnknownRecord
        );
        check_invariants();
    });
}

#[test]
fn the_audit_head_is_the_fold_of_the_exported_events() {
    new_test_ext().execute_with(|| {
        // Another pallet's operation (e.g. the registration) comes first.
        let registered = b"registered".to_vec();
        <Pallet<Test> as AuditLog>::record_operation(RECORD, &registered);
        let request = open_request();
        assert_ok!(Access::vote(signed(4), request, false));
        approve(request);
        go_to_block(2);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        assert_ok!(Access::revoke_grant(signed(OWNER), RECORD, DEMANDER));

        let record_of = |event: &RuntimeEvent| match event {
            RuntimeEvent::Access(
                Event::AccessRequested { record, .. }
                | Event::Voted { record, .. }
                | Event::RequestApproved { record, .. }
                | Event::RequestRejected { record, .. }
                | Event::RequestExpired { record, .. }
                | Event::KeyDelivered { record, .. }
                | Event::GrantRevoked { record, .. },
            ) => Some(*record),
            _ => None,
        };
        let mut exported = vec![registered];
        exported.extend(
            System::events()
                .iter()
                .filter(|e| record_of(&e.event) == Some(RECORD))
                .map(|e| e.event.encode()),
        );
        // requested, 3 votes, approved, delivered, revoked (+ the registration).
        assert_eq!(exported.len(), 8);
        let head = Access::audit_head(RECORD);
        assert_eq!(head, audit_head_of(exported.iter().map(|op| &op[..])));
        exported.swap(2, 3);
        assert_ne!(
            head,
            audit_head_of(exported.iter().map(|op| &op[..])),
            "order matters"
        );
        assert_eq!(Access::audit_head(42), H256::zero());
        check_invariants();
    });
}

#[test]
fn try_state_catches_a_miscounted_request() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_ok!(Access::vote(signed(1), request, true));
        Requests::<Test>::mutate(request, |r| r.as_mut().unwrap().ayes = 0);
        assert!(Pallet::<Test>::do_try_state().is_err());
    });
}

#[test]
fn try_state_catches_a_btg_request_without_review_and_a_malformed_code() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_ok!(Pallet::<Test>::do_try_state());
        Requests::<Test>::mutate(request, |r| {
            r.as_mut().unwrap().purpose.code = PurposeOfUse::Btg
        });
        assert!(Pallet::<Test>::do_try_state().is_err());
        let malformed = PurposeOfUse::Other(b"two words".to_vec().try_into().unwrap());
        Requests::<Test>::mutate(request, |r| r.as_mut().unwrap().purpose.code = malformed);
        assert!(Pallet::<Test>::do_try_state().is_err());
    });
}

#[test]
fn oversized_inputs_do_not_decode() {
    let long = vec![0u8; 65].encode();
    assert!(PurposeTextOf::<Test>::decode(&mut &long[..]).is_err());
    let long_code = [vec![12u8], vec![b'c'; 33].encode(), vec![0u8; 1].encode()].concat();
    assert!(PurposeOf::<Test>::decode(&mut &long_code[..]).is_err());
    let long = vec![0u8; 129].encode();
    assert!(WrappedKeyOf::<Test>::decode(&mut &long[..]).is_err());
}

#[test]
fn threshold_is_half_rounded_up() {
    assert_eq!([1, 2, 3, 4, 5, 64].map(threshold_for), [1, 1, 2, 2, 3, 32]);
}

#[test]
fn integrity_test_passes() {
    use frame_support::traits::Hooks;
    new_test_ext().execute_with(<Pallet<Test> as Hooks<u64>>::integrity_test);
}

#[test]
fn votes_on_a_retracted_record_are_refused_and_the_request_expires() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_ok!(Access::vote(signed(1), request, true));
        MockRecords::set(RECORD, None);
        assert_noop!(
            Access::vote(signed(2), request, true),
            Error::<Test>::UnknownRecord
        );
        go_to_block(1 + REQUEST_TTL);
        assert_eq!(status(request), RequestStatus::Expired);
        check_invariants();
    });
}

#[test]
fn a_manager_without_the_role_neither_reads_nor_delivers() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        approve(request);
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            MANAGER,
            Role::DataManager
        ));
        assert!(!Access::can_access(RECORD, MANAGER));
        assert_noop!(
            Access::deliver_key(signed(MANAGER), request, wrapped()),
            Error::<Test>::NotOwnerOrManager
        );
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        check_invariants();
    });
}

// Hostile input (issue #7): every refusal is a named error and leaves the state untouched
// (`assert_noop!` compares the storage root, which holds the requests, votes, grants,
// audit heads and events); bounds are enforced when a call is decoded.

/// Every member (and a stranger) voting both ways is refused with `error`.
fn every_vote_refused(request: RequestId, error: Error<Test>) {
    let error = DispatchError::from(error);
    for member in MockMembers::sorted_members() {
        for approve in [true, false] {
            assert_noop!(Access::vote(signed(member), request, approve), error);
        }
    }
    assert_noop!(
        Access::vote(signed(STRANGER), request, true),
        Error::<Test>::NotMember
    );
}

#[test]
fn hostile_votes_after_close_change_nothing() {
    new_test_ext().execute_with(|| {
        // Approved (2 of 4), then delivered.
        let approved = open_request();
        approve(approved);
        every_vote_refused(approved, Error::<Test>::RequestNotOpen);
        assert_ok!(Access::deliver_key(signed(OWNER), approved, wrapped()));
        every_vote_refused(approved, Error::<Test>::RequestNotOpen);
        let req = Requests::<Test>::get(approved).unwrap();
        assert_eq!(
            (req.ayes, req.nays, req.status),
            (2, 0, RequestStatus::Delivered)
        );

        // Rejected (3 nays of 4).
        MockRecords::set(1, Some((OWNER, MANAGER)));
        assert_ok!(Access::request_access(signed(DEMANDER), 1, purpose()));
        let rejected = NextRequestId::<Test>::get() - 1;
        for member in [1, 2, 3] {
            assert_ok!(Access::vote(signed(member), rejected, false));
        }
        assert_eq!(status(rejected), RequestStatus::Rejected);
        every_vote_refused(rejected, Error::<Test>::RequestNotOpen);

        // Expired.
        MockRecords::set(2, Some((OWNER, MANAGER)));
        assert_ok!(Access::request_access(signed(DEMANDER), 2, purpose()));
        let expired = NextRequestId::<Test>::get() - 1;
        assert_ok!(Access::vote(signed(4), expired, true));
        go_to_block(System::block_number() + REQUEST_TTL);
        assert_eq!(status(expired), RequestStatus::Expired);
        every_vote_refused(expired, Error::<Test>::RequestNotOpen);
        check_invariants();
    });
}

#[test]
fn hostile_double_votes_change_nothing() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_ok!(Access::vote(signed(1), request, true));
        assert_ok!(Access::vote(signed(2), request, false));
        for (member, approve) in [(1, true), (1, false), (2, false), (2, true)] {
            assert_noop!(
                Access::vote(signed(member), request, approve),
                Error::<Test>::AlreadyVoted
            );
        }
        let req = Requests::<Test>::get(request).unwrap();
        assert_eq!(
            (req.ayes, req.nays, req.status),
            (1, 1, RequestStatus::Open)
        );
        // A member who left and came back still has the vote it cast.
        MockMembers::set(&[2, 3, 4]);
        MockMembers::set(&MEMBERS);
        assert_noop!(
            Access::vote(signed(1), request, true),
            Error::<Test>::AlreadyVoted
        );
        check_invariants();
    });
}

#[test]
fn hostile_key_delivery_by_strangers_changes_nothing() {
    new_test_ext().execute_with(|| {
        // Another owner and another record's manager, both holding their roles.
        const OTHER_OWNER: AccountId = 12;
        const OTHER_MANAGER: AccountId = 13;
        assert_ok!(Access::assign_role(
            RuntimeOrigin::root(),
            OTHER_OWNER,
            Role::DataOwner
        ));
        assert_ok!(Access::assign_role(
            RuntimeOrigin::root(),
            OTHER_MANAGER,
            Role::DataManager
        ));
        MockRecords::set(1, Some((OTHER_OWNER, OTHER_MANAGER)));
        let request = open_request();
        approve(request);
        // A stranger, the demander itself, another demander, a member, another record's
        // owner and manager: only the record's owner or manager delivers.
        for who in [
            STRANGER,
            DEMANDER,
            OTHER_DEMANDER,
            1,
            OTHER_OWNER,
            OTHER_MANAGER,
        ] {
            assert_noop!(
                Access::deliver_key(signed(who), request, wrapped()),
                Error::<Test>::NotOwnerOrManager
            );
        }
        assert_noop!(
            Access::deliver_key(RuntimeOrigin::root(), request, wrapped()),
            DispatchError::BadOrigin
        );
        assert_eq!(status(request), RequestStatus::Approved);
        assert!(Grants::<Test>::get(RECORD, DEMANDER).is_none());
        assert!(!Access::can_access(RECORD, DEMANDER));
        // The owner still can.
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        // Once delivered, strangers are still refused as strangers.
        assert_noop!(
            Access::deliver_key(signed(STRANGER), request, wrapped()),
            Error::<Test>::NotOwnerOrManager
        );
        check_invariants();
    });
}

#[test]
fn hostile_unknown_ids_change_nothing() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        for id in [request + 1, 999, u64::MAX] {
            assert_noop!(
                Access::vote(signed(1), id, true),
                Error::<Test>::UnknownRequest
            );
            // The request is looked up before the caller: the same answer for anyone.
            for who in [OWNER, STRANGER] {
                assert_noop!(
                    Access::deliver_key(signed(who), id, wrapped()),
                    Error::<Test>::UnknownRequest
                );
            }
            assert!(Access::request(id).is_none());
        }
        for record in [1, 999, u64::MAX] {
            assert_noop!(
                Access::request_access(signed(DEMANDER), record, purpose()),
                Error::<Test>::UnknownRecord
            );
            assert_noop!(
                Access::revoke_grant(signed(OWNER), record, DEMANDER),
                Error::<Test>::UnknownRecord
            );
            assert!(!Access::can_access(record, OWNER));
            assert_eq!(Access::audit_head(record), H256::zero());
        }
        check_invariants();
    });
}

#[test]
fn hostile_accounts_without_roles_change_nothing() {
    new_test_ext().execute_with(|| {
        let request = open_request();
        assert_noop!(
            Access::set_encryption_key(signed(STRANGER), KEY),
            Error::<Test>::NoRole
        );
        assert_noop!(
            Access::request_access(signed(STRANGER), RECORD, purpose()),
            Error::<Test>::NotDataDemander
        );
        // Owners and managers are not demanders either.
        for who in [OWNER, MANAGER] {
            assert_noop!(
                Access::request_access(signed(who), RECORD, purpose()),
                Error::<Test>::NotDataDemander
            );
        }
        for who in [STRANGER, DEMANDER, OWNER] {
            assert_noop!(
                Access::vote(signed(who), request, true),
                Error::<Test>::NotMember
            );
        }
        assert_noop!(
            Access::revoke_grant(signed(STRANGER), RECORD, DEMANDER),
            Error::<Test>::NotOwner
        );
        for role in [Role::DataOwner, Role::DataManager, Role::DataDemander] {
            assert_noop!(
                Access::assign_role(signed(STRANGER), STRANGER, role),
                DispatchError::BadOrigin
            );
            assert_noop!(
                Access::revoke_role(signed(STRANGER), OWNER, role),
                DispatchError::BadOrigin
            );
        }
        check_invariants();
    });
}

#[test]
fn hostile_oversized_purposes_and_keys_do_not_decode_as_calls() {
    // Pallet index 2 in the mock; call 3 requests, call 5 delivers.
    let call = |index: u8, id: u64, bytes: usize| {
        let mut call = vec![2u8, index];
        id.encode_to(&mut call);
        if index == 3 {
            // The purpose's code (TREAT) before its text.
            call.push(0);
        }
        vec![0xabu8; bytes].encode_to(&mut call);
        call
    };
    let decodes = |call: &[u8]| RuntimeCall::decode(&mut &call[..]).is_ok();
    assert!(decodes(&call(3, 0, 64)));
    assert!(!decodes(&call(3, 0, 65)));
    assert!(decodes(&call(5, 0, 128)));
    assert!(!decodes(&call(5, 0, 129)));
    // A length prefix of a billion bytes is refused without allocating it.
    let mut lying = vec![2u8, 5];
    0u64.encode_to(&mut lying);
    codec::Compact(1_000_000_000u32).encode_to(&mut lying);
    assert!(!decodes(&lying));
    // A set_encryption_key with 31 key bytes is truncated.
    let mut short = vec![2u8, 2];
    short.extend_from_slice(&[1u8; 31]);
    assert!(!decodes(&short));
    short.push(1);
    assert!(decodes(&short));
}

#[test]
fn purposes_are_coded() {
    new_test_ext().execute_with(|| {
        let refused = |purpose, error: Error<Test>| {
            assert_noop!(
                Access::request_access(signed(DEMANDER), RECORD, purpose),
                error
            );
        };
        refused(
            coded(PurposeOfUse::Btg, b"no vote please"),
            Error::<Test>::BreakGlassOnly,
        );
        refused(
            coded(PurposeOfUse::Uncoded, b"legacy"),
            Error::<Test>::InvalidPurposeCode,
        );
        for bad in [&b""[..], b"two words", b"treat", b"UNCODED"] {
            let code = PurposeOfUse::Other(medchain_primitives::purpose::OtherCode::truncate_from(
                bad.to_vec(),
            ));
            refused(coded(code, b"x"), Error::<Test>::InvalidPurposeCode);
        }
        // A local code, and an HL7 one with its text, are kept as given.
        let local = PurposeOfUse::from_code("local:qa-review").unwrap();
        assert_ok!(Access::request_access(
            signed(DEMANDER),
            RECORD,
            coded(local.clone(), b"quality review")
        ));
        let request = NextRequestId::<Test>::get() - 1;
        assert_eq!(Requests::<Test>::get(request).unwrap().purpose.code, local);
        check_invariants();
    });
}
