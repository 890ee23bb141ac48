//! Emergency (break-glass) access: opened at once, capped per period, reviewed by the
//! members; every refusal by name.

use super::*;
use frame_support::traits::fungible::{Inspect, InspectHold, Mutate};

/// A second live record of the owner, for tests that need more than one.
const OTHER_RECORD: RecordId = 1;
const THIRD_RECORD: RecordId = 2;

fn reason() -> PurposeTextOf<Test> {
    PurposeTextOf::<Test>::try_from(b"unconscious in the ED, allergies unknown".to_vec()).unwrap()
}

fn give(who: AccountId, role: Role) {
    assert_ok!(Access::assign_role(RuntimeOrigin::root(), who, role));
}

/// DEMANDER may break the glass and has published a key; three records exist.
fn emergency_ext() -> sp_io::TestExternalities {
    let mut ext = new_test_ext();
    ext.execute_with(|| {
        give(DEMANDER, Role::EmergencyAccess);
        assert_ok!(Access::set_encryption_key(signed(DEMANDER), KEY));
        MockRecords::set(OTHER_RECORD, Some((OWNER, MANAGER)));
        MockRecords::set(THIRD_RECORD, Some((OWNER, MANAGER)));
    });
    ext
}

fn break_glass(record: RecordId) -> RequestId {
    assert_ok!(Access::break_glass(signed(DEMANDER), record, reason()));
    NextRequestId::<Test>::get() - 1
}

fn review(request: RequestId) -> Review<u64> {
    Reviews::<Test>::get(request).expect("an emergency has a review")
}

#[test]
fn breaking_the_glass_approves_at_once_and_the_access_lasts_its_ttl() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        let expires_block = 1 + EMERGENCY_TTL;
        System::assert_last_event(
            Event::EmergencyAccessOpened {
                request,
                record: RECORD,
                demander: DEMANDER,
                reason: reason(),
                expires_block,
                uses_in_period: 1,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        let req = Requests::<Test>::get(request).unwrap();
        assert_eq!(req.status, RequestStatus::Approved);
        assert_eq!(
            (req.ayes, req.nays, req.expires_block),
            (0, 0, expires_block)
        );
        assert_eq!(req.purpose.code, PurposeOfUse::Btg);
        assert_eq!(req.purpose.text, reason());
        assert_eq!(review(request).status, ReviewStatus::Pending);
        assert_eq!(
            (review(request).reviewers, review(request).threshold),
            (4, 2)
        );
        assert_eq!(review(request).until_block, 1 + REVIEW_TTL);
        assert_eq!(
            Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &DEMANDER),
            REQUEST_DEPOSIT
        );
        // No vote is taken: the request is not open.
        assert_noop!(
            Access::vote(signed(1), request, true),
            Error::<Test>::RequestNotOpen
        );

        // The key comes later; the access still ends EMERGENCY_TTL after opening.
        go_to_block(3);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        let grant = Grants::<Test>::get(RECORD, DEMANDER).unwrap();
        assert_eq!(grant.expires_block, expires_block);
        assert!(Access::can_access(RECORD, DEMANDER));
        go_to_block(expires_block - 1);
        assert!(Access::can_access(RECORD, DEMANDER));
        go_to_block(expires_block);
        assert!(!Access::can_access(RECORD, DEMANDER));
        check_invariants();
    });
}

#[test]
fn an_undelivered_emergency_expires_with_its_ttl() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        go_to_block(1 + EMERGENCY_TTL);
        assert_eq!(status(request), RequestStatus::Expired);
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::RequestNotApproved
        );
        check_invariants();
    });
}

#[test]
fn break_glass_refusals() {
    emergency_ext().execute_with(|| {
        // Without the demander role, or without the emergency role.
        give(STRANGER, Role::EmergencyAccess);
        assert_noop!(
            Access::break_glass(signed(STRANGER), RECORD, reason()),
            Error::<Test>::NotDataDemander
        );
        assert_noop!(
            Access::break_glass(signed(OTHER_DEMANDER), RECORD, reason()),
            Error::<Test>::NotEmergencyAccess
        );
        // A reason is mandatory: empty or blank is none.
        for blank in [&b""[..], b" \t\n"] {
            assert_noop!(
                Access::break_glass(
                    signed(DEMANDER),
                    RECORD,
                    PurposeTextOf::<Test>::try_from(blank.to_vec()).unwrap()
                ),
                Error::<Test>::EmptyReason
            );
        }
        assert_noop!(
            Access::break_glass(signed(DEMANDER), 99, reason()),
            Error::<Test>::UnknownRecord
        );
        // Unicode blanks, zero-width and control characters are blank too, and bytes
        // that are no text say nothing.
        let blanks: [&[u8]; 4] = [
            "\u{a0}\u{2003}".as_bytes(),
            "\u{200b}\u{feff}".as_bytes(),
            b"\0\x07",
            &[0xa0, 0x85],
        ];
        for blank in blanks {
            assert_noop!(
                Access::break_glass(
                    signed(DEMANDER),
                    RECORD,
                    PurposeTextOf::<Test>::try_from(blank.to_vec()).unwrap()
                ),
                Error::<Test>::EmptyReason
            );
        }
        // One emergency in progress per record; any current grant makes it needless.
        let request = break_glass(OTHER_RECORD);
        assert_noop!(
            Access::break_glass(signed(DEMANDER), OTHER_RECORD, reason()),
            Error::<Test>::RequestAlreadyOpen
        );
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        assert_noop!(
            Access::break_glass(signed(DEMANDER), OTHER_RECORD, reason()),
            Error::<Test>::AlreadyGranted
        );
        // Funds for no more deposits.
        Balances::set_balance(&DEMANDER, Balances::minimum_balance());
        assert_noop!(
            Access::break_glass(signed(DEMANDER), THIRD_RECORD, reason()),
            Error::<Test>::InsufficientDeposit
        );
        check_invariants();
    });
}

#[test]
fn each_demander_has_a_cap_per_period() {
    emergency_ext().execute_with(|| {
        break_glass(RECORD);
        break_glass(OTHER_RECORD);
        assert_eq!(
            EmergencyUses::<Test>::get(DEMANDER),
            Some((0, MAX_EMERGENCIES))
        );
        assert_noop!(
            Access::break_glass(signed(DEMANDER), THIRD_RECORD, reason()),
            Error::<Test>::EmergencyCapReached
        );
        // The cap is the demander's: another demander is not held back.
        give(OTHER_DEMANDER, Role::EmergencyAccess);
        assert_ok!(Access::break_glass(
            signed(OTHER_DEMANDER),
            THIRD_RECORD,
            reason()
        ));
        // A new period starts at a multiple of EMERGENCY_PERIOD.
        go_to_block(EMERGENCY_PERIOD - 1);
        assert_noop!(
            Access::break_glass(signed(DEMANDER), THIRD_RECORD, reason()),
            Error::<Test>::EmergencyCapReached
        );
        go_to_block(EMERGENCY_PERIOD);
        let request = break_glass(THIRD_RECORD);
        assert!(System::events().iter().any(|e| e.event
            == Event::EmergencyAccessOpened {
                request,
                record: THIRD_RECORD,
                demander: DEMANDER,
                reason: reason(),
                expires_block: EMERGENCY_PERIOD + EMERGENCY_TTL,
                uses_in_period: 1,
                at_ms: EMERGENCY_PERIOD * BLOCK_MS,
            }
            .into()));
        assert_eq!(
            EmergencyUses::<Test>::get(DEMANDER),
            Some((EMERGENCY_PERIOD, 1))
        );
        check_invariants();
    });
}

#[test]
fn a_justified_review_keeps_the_role_and_the_access() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        assert_ok!(Access::deliver_key(signed(MANAGER), request, wrapped()));
        assert_ok!(Access::review_emergency(signed(1), request, true));
        System::assert_last_event(
            Event::EmergencyReviewed {
                request,
                record: RECORD,
                member: 1,
                justified: true,
                justified_count: 1,
                unjustified_count: 0,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert_ok!(Access::review_emergency(signed(2), request, false));
        assert_eq!(review(request).status, ReviewStatus::Pending);
        assert_ok!(Access::review_emergency(signed(3), request, true));
        System::assert_last_event(
            Event::EmergencyAccessJustified {
                request,
                record: RECORD,
                demander: DEMANDER,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert_eq!(review(request).status, ReviewStatus::Justified);
        assert_noop!(
            Access::review_emergency(signed(4), request, false),
            Error::<Test>::ReviewClosed
        );
        assert!(Access::roles(DEMANDER).contains(&Role::EmergencyAccess));
        assert!(Access::can_access(RECORD, DEMANDER));
        check_invariants();
    });
}

#[test]
fn an_unjustified_review_takes_the_role_and_ends_the_access() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        assert!(Access::can_access(RECORD, DEMANDER));
        for member in [1, 2] {
            assert_ok!(Access::review_emergency(signed(member), request, false));
        }
        // Two of four may still justify it.
        assert_eq!(review(request).status, ReviewStatus::Pending);
        assert_ok!(Access::review_emergency(signed(3), request, false));
        assert_eq!(review(request).status, ReviewStatus::Unjustified);
        let events: Vec<RuntimeEvent> = System::events().into_iter().map(|e| e.event).collect();
        assert!(events.contains(
            &Event::EmergencyAccessUnjustified {
                request,
                record: RECORD,
                demander: DEMANDER,
                at_ms: BLOCK_MS,
            }
            .into()
        ));
        System::assert_last_event(
            Event::RoleRevoked {
                who: DEMANDER,
                role: Role::EmergencyAccess,
                at_ms: BLOCK_MS,
            }
            .into(),
        );
        assert!(!Grants::<Test>::contains_key(RECORD, DEMANDER));
        assert!(!Access::can_access(RECORD, DEMANDER));
        assert_eq!(Access::roles(DEMANDER), vec![Role::DataDemander]);
        // After a rejected review the glass stays shut.
        assert_noop!(
            Access::break_glass(signed(DEMANDER), OTHER_RECORD, reason()),
            Error::<Test>::NotEmergencyAccess
        );
        check_invariants();
    });
}

#[test]
fn an_unjustified_review_before_delivery_rejects_the_request() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        for member in [1, 2, 3] {
            assert_ok!(Access::review_emergency(signed(member), request, false));
        }
        assert_eq!(status(request), RequestStatus::Rejected);
        assert!(OpenRequests::<Test>::get(DEMANDER).is_empty());
        assert_noop!(
            Access::deliver_key(signed(OWNER), request, wrapped()),
            Error::<Test>::RequestNotApproved
        );
        check_invariants();
    });
}

#[test]
fn review_refusals() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        assert_noop!(
            Access::review_emergency(signed(STRANGER), request, true),
            Error::<Test>::NotMember
        );
        assert_noop!(
            Access::review_emergency(signed(1), 99, true),
            Error::<Test>::UnknownRequest
        );
        assert_ok!(Access::request_access(
            signed(OTHER_DEMANDER),
            RECORD,
            purpose()
        ));
        let ordinary = NextRequestId::<Test>::get() - 1;
        assert_noop!(
            Access::review_emergency(signed(1), ordinary, true),
            Error::<Test>::NotEmergency
        );
        assert_ok!(Access::review_emergency(signed(1), request, true));
        assert_noop!(
            Access::review_emergency(signed(1), request, false),
            Error::<Test>::AlreadyVoted
        );
        // A member who broke the glass does not judge itself.
        for role in [Role::DataDemander, Role::EmergencyAccess] {
            give(4, role);
        }
        assert_ok!(Access::set_encryption_key(signed(4), KEY));
        assert_ok!(Access::break_glass(signed(4), OTHER_RECORD, reason()));
        let own = NextRequestId::<Test>::get() - 1;
        assert_noop!(
            Access::review_emergency(signed(4), own, true),
            Error::<Test>::OwnRequest
        );
        check_invariants();
    });
}

#[test]
fn the_owner_ends_an_emergency_access_at_once() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        assert_ok!(Access::deliver_key(signed(MANAGER), request, wrapped()));
        assert_ok!(Access::revoke_grant(signed(OWNER), RECORD, DEMANDER));
        assert!(!Access::can_access(RECORD, DEMANDER));
        check_invariants();
    });
}

#[test]
fn the_council_taking_the_emergency_role_ends_the_access() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::EmergencyAccess
        ));
        assert!(!Access::can_access(RECORD, DEMANDER));
        // An ordinary grant of the same demander is not touched.
        assert_ok!(Access::request_access(
            signed(DEMANDER),
            OTHER_RECORD,
            purpose()
        ));
        let ordinary = NextRequestId::<Test>::get() - 1;
        approve(ordinary);
        assert_ok!(Access::deliver_key(signed(OWNER), ordinary, wrapped()));
        assert!(Access::can_access(OTHER_RECORD, DEMANDER));
        check_invariants();
    });
}

#[test]
fn an_emergency_is_reaped_only_once_reviewed() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        go_to_block(1 + EMERGENCY_TTL);
        assert!(!Access::can_access(RECORD, DEMANDER));
        assert_noop!(
            Access::reap_request(signed(STRANGER), request),
            Error::<Test>::ReviewPending
        );
        for member in [1, 2] {
            assert_ok!(Access::review_emergency(signed(member), request, true));
        }
        assert_ok!(Access::reap_request(signed(STRANGER), request));
        assert!(!Requests::<Test>::contains_key(request));
        assert!(!Reviews::<Test>::contains_key(request));
        assert_eq!(ReviewVotes::<Test>::iter_prefix(request).count(), 0);
        assert!(!Grants::<Test>::contains_key(RECORD, DEMANDER));
        assert_eq!(
            Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &DEMANDER),
            0
        );
        check_invariants();
    });
}

#[test]
fn every_emergency_event_is_in_the_record_trail() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        for member in [1, 2, 3] {
            assert_ok!(Access::review_emergency(signed(member), request, false));
        }
        let exported: Vec<Vec<u8>> = System::events()
            .iter()
            .filter(|e| {
                matches!(
                    e.event,
                    RuntimeEvent::Access(
                        Event::EmergencyAccessOpened { .. }
                            | Event::EmergencyReviewed { .. }
                            | Event::EmergencyAccessUnjustified { .. }
                    )
                )
            })
            .map(|e| e.event.encode())
            .collect();
        // Opened, three verdicts, the flag.
        assert_eq!(exported.len(), 5);
        let folded = audit_head_of(exported.iter().map(|op| &op[..]));
        assert_eq!(Access::audit_head(RECORD), folded);
        check_invariants();
    });
}

#[test]
fn try_state_catches_a_miscounted_review() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        Reviews::<Test>::mutate(request, |r| r.as_mut().unwrap().justified = 1);
        assert!(Pallet::<Test>::do_try_state().is_err());
    });
}

#[test]
fn ordinary_requests_and_emergencies_do_not_block_each_other() {
    emergency_ext().execute_with(|| {
        // Waiting for a vote, the demander may still break the glass.
        assert_ok!(Access::request_access(signed(DEMANDER), RECORD, purpose()));
        let ordinary = NextRequestId::<Test>::get() - 1;
        let emergency = break_glass(RECORD);
        assert_ok!(Access::deliver_key(signed(OWNER), emergency, wrapped()));
        assert!(Access::can_access(RECORD, DEMANDER));
        // With an emergency access, the demander may ask for lasting access; its key
        // replaces the emergency grant.
        approve(ordinary);
        assert_ok!(Access::deliver_key(signed(OWNER), ordinary, wrapped()));
        let grant = Grants::<Test>::get(RECORD, DEMANDER).unwrap();
        assert_eq!(
            (grant.request, grant.expires_block),
            (ordinary, 1 + GRANT_TTL)
        );
        // An emergency key never replaces a current ordinary grant.
        assert_ok!(Access::request_access(
            signed(DEMANDER),
            OTHER_RECORD,
            purpose()
        ));
        let lasting = NextRequestId::<Test>::get() - 1;
        let short = break_glass(OTHER_RECORD);
        approve(lasting);
        assert_ok!(Access::deliver_key(signed(OWNER), lasting, wrapped()));
        assert_noop!(
            Access::deliver_key(signed(OWNER), short, wrapped()),
            Error::<Test>::AlreadyGranted
        );
        check_invariants();
    });
}

#[test]
fn giving_the_emergency_role_back_does_not_revive_old_emergencies() {
    emergency_ext().execute_with(|| {
        let delivered = break_glass(RECORD);
        assert_ok!(Access::deliver_key(signed(OWNER), delivered, wrapped()));
        let waiting = break_glass(OTHER_RECORD);
        assert_ok!(Access::revoke_role(
            RuntimeOrigin::root(),
            DEMANDER,
            Role::EmergencyAccess
        ));
        assert_noop!(
            Access::deliver_key(signed(OWNER), waiting, wrapped()),
            Error::<Test>::NotEmergencyAccess
        );
        give(DEMANDER, Role::EmergencyAccess);
        assert!(
            !Access::can_access(RECORD, DEMANDER),
            "an old emergency grant revived"
        );
        assert_noop!(
            Access::deliver_key(signed(OWNER), waiting, wrapped()),
            Error::<Test>::RequestPredatesRole
        );
        check_invariants();
    });
}

#[test]
fn a_member_who_breaks_the_glass_is_not_among_its_reviewers() {
    emergency_ext().execute_with(|| {
        for role in [Role::DataDemander, Role::EmergencyAccess] {
            give(4, role);
        }
        assert_ok!(Access::break_glass(signed(4), RECORD, reason()));
        let request = NextRequestId::<Test>::get() - 1;
        // Three reviewers: two justify it, two more than one find it unjustified.
        assert_eq!(
            (review(request).reviewers, review(request).threshold),
            (3, 2)
        );
        for member in [1, 2] {
            assert_ok!(Access::review_emergency(signed(member), request, false));
        }
        assert_eq!(review(request).status, ReviewStatus::Unjustified);
        // A consortium of one cannot review its only member's emergency.
        MockMembers::set(&[4]);
        give(4, Role::EmergencyAccess);
        assert_noop!(
            Access::break_glass(signed(4), OTHER_RECORD, reason()),
            Error::<Test>::NoMembers
        );
        MockMembers::set(&MEMBERS);
        check_invariants();
    });
}

#[test]
fn an_unreviewed_emergency_lapses_after_the_review_ttl() {
    emergency_ext().execute_with(|| {
        let request = break_glass(RECORD);
        go_to_block(REVIEW_TTL);
        assert_noop!(
            Access::reap_request(signed(STRANGER), request),
            Error::<Test>::ReviewPending
        );
        // Members may still review until it is reaped.
        assert_ok!(Access::review_emergency(signed(1), request, true));
        go_to_block(1 + REVIEW_TTL);
        assert_ok!(Access::reap_request(signed(STRANGER), request));
        let events: Vec<RuntimeEvent> = System::events().into_iter().map(|e| e.event).collect();
        assert!(events.contains(
            &Event::EmergencyReviewLapsed {
                request,
                record: RECORD,
                demander: DEMANDER,
                at_ms: (1 + REVIEW_TTL) * BLOCK_MS,
            }
            .into()
        ));
        assert!(!Reviews::<Test>::contains_key(request));
        assert_eq!(ReviewVotes::<Test>::iter_prefix(request).count(), 0);
        check_invariants();
    });
}
