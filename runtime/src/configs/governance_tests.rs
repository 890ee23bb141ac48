//! The council's motions, as `impl_consortium_configs!` (medchain-runtime-common)
//! expands them in this runtime: who may authorise an upgrade, and who may move a seat.

use super::{CouncilCollective, CouncilMotionDuration, CouncilProposal};
use crate::{AccountId, Runtime, RuntimeCall, RuntimeOrigin, System};

use codec::{Decode, Encode};
use frame_support::assert_ok;
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::traits::Dispatchable;
use sp_runtime::{traits::Hash, BuildStorage, DispatchError};

const SEATS: u32 = 4;

fn ext() -> sp_io::TestExternalities {
    let mut ext: sp_io::TestExternalities = frame_system::GenesisConfig::<Runtime>::default()
        .build_storage()
        .unwrap()
        .into();
    ext.execute_with(|| System::set_block_number(1));
    ext
}

fn members(ayes: u32) -> RuntimeOrigin {
    pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(ayes, SEATS).into()
}

fn authorize(hash: H256) -> CouncilProposal {
    frame_system::Call::<Runtime>::authorize_upgrade { code_hash: hash }.into()
}

#[test]
fn a_majority_motion_authorises_an_upgrade() {
    ext().execute_with(|| {
        let hash = H256::repeat_byte(7);
        assert_ok!(authorize(hash).dispatch(members(3)));
        let authorized = System::authorized_upgrade().expect("an upgrade is authorised");
        assert_eq!(authorized.code_hash(), &hash);
    });
}

#[test]
fn half_of_the_seats_is_not_enough() {
    ext().execute_with(|| {
        for ayes in [0, 1, 2] {
            let result = authorize(H256::repeat_byte(7)).dispatch(members(ayes));
            assert_eq!(result.map_err(|e| e.error), Err(DispatchError::BadOrigin));
        }
        assert!(System::authorized_upgrade().is_none());
    });
}

#[test]
fn a_single_member_or_a_signed_account_cannot() {
    ext().execute_with(|| {
        let member = AccountId::new([1; 32]);
        let single =
            pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Member(member.clone());
        for origin in [single.into(), RuntimeOrigin::signed(member)] {
            let result = authorize(H256::repeat_byte(7)).dispatch(origin);
            assert_eq!(result.map_err(|e| e.error), Err(DispatchError::BadOrigin));
        }
        assert!(System::authorized_upgrade().is_none());
    });
}

#[test]
fn other_calls_keep_the_councils_origin() {
    ext().execute_with(|| {
        // `set_code` takes root: a majority motion must not get it through the wrapper.
        let set_code: CouncilProposal =
            frame_system::Call::<Runtime>::set_code { code: vec![] }.into();
        let result = set_code.dispatch(members(SEATS));
        assert_eq!(result.map_err(|e| e.error), Err(DispatchError::BadOrigin));
    });
}

#[test]
fn encodes_as_the_runtime_call() {
    let call = RuntimeCall::System(frame_system::Call::authorize_upgrade {
        code_hash: H256::repeat_byte(1),
    });
    let proposal = CouncilProposal(call.clone());
    assert_eq!(proposal.encode(), call.encode());
    assert_eq!(
        CouncilProposal::decode(&mut &call.encode()[..]).unwrap(),
        proposal
    );
    assert_eq!(CouncilProposal::type_info(), RuntimeCall::type_info());
}

/// A chain whose council is the four members of `ConsortiumMembership`'s genesis, with
/// the first one as prime.
fn council_ext() -> (sp_io::TestExternalities, Vec<AccountId>) {
    let members: Vec<AccountId> = (1..=4u8).map(|i| AccountId::new([i; 32])).collect();
    let mut storage = frame_system::GenesisConfig::<Runtime>::default()
        .build_storage()
        .unwrap();
    pallet_membership::GenesisConfig::<Runtime, crate::Instance1> {
        members: members.clone().try_into().unwrap(),
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext: sp_io::TestExternalities = storage.into();
    ext.execute_with(|| {
        System::set_block_number(1);
        assert_ok!(crate::ConsortiumMembership::set_prime(
            RuntimeOrigin::root(),
            members[0].clone().into()
        ));
        assert_eq!(
            pallet_collective::Prime::<Runtime, CouncilCollective>::get(),
            Some(members[0].clone())
        );
    });
    (ext, members)
}

/// Proposes an upgrade as `members[0]`, has `ayes` vote aye, closes it after the
/// motion's deadline; returns whether the upgrade was authorised.
fn motion_after_deadline(members: &[AccountId], ayes: &[usize]) -> bool {
    let call: CouncilProposal = authorize(H256::repeat_byte(9));
    let length = call.encoded_size() as u32;
    let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
    assert_ok!(crate::Council::propose(
        RuntimeOrigin::signed(members[0].clone()),
        3,
        Box::new(call),
        length
    ));
    for &member in ayes {
        assert_ok!(crate::Council::vote(
            RuntimeOrigin::signed(members[member].clone()),
            hash,
            0,
            true
        ));
    }
    System::set_block_number(1 + CouncilMotionDuration::get() + 1);
    assert_ok!(crate::Council::close(
        RuntimeOrigin::signed(members[3].clone()),
        hash,
        0,
        frame_support::weights::Weight::MAX,
        length
    ));
    System::authorized_upgrade().is_some()
}

fn is_member(who: &AccountId) -> bool {
    <crate::ConsortiumMembership as frame_support::traits::Contains<AccountId>>::contains(who)
}

#[test]
fn members_cannot_move_their_own_seat() {
    let (mut ext, members) = council_ext();
    ext.execute_with(|| {
        let fresh = AccountId::new([9; 32]);
        let change_key = RuntimeCall::ConsortiumMembership(pallet_membership::Call::change_key {
            new: fresh.clone().into(),
        });
        let result = change_key.dispatch(RuntimeOrigin::signed(members[1].clone()));
        assert_eq!(
            result.map_err(|e| e.error),
            Err(frame_system::Error::<Runtime>::CallFiltered.into())
        );
        assert!(is_member(&members[1]));
        // The council (here root) still swaps seats.
        let swap = RuntimeCall::ConsortiumMembership(pallet_membership::Call::swap_member {
            remove: members[1].clone().into(),
            add: fresh.clone().into(),
        });
        assert_ok!(swap.dispatch(RuntimeOrigin::root()));
        assert!(is_member(&fresh));
    });
}

#[test]
fn a_prime_alone_cannot_carry_an_upgrade_past_the_deadline() {
    let (mut ext, members) = council_ext();
    ext.execute_with(|| assert!(!motion_after_deadline(&members, &[0])));
}

#[test]
fn the_prime_and_one_more_are_not_a_majority() {
    let (mut ext, members) = council_ext();
    ext.execute_with(|| assert!(!motion_after_deadline(&members, &[0, 1])));
}

#[test]
fn three_of_four_ayes_carry_it_past_the_deadline() {
    let (mut ext, members) = council_ext();
    ext.execute_with(|| assert!(motion_after_deadline(&members, &[0, 1, 2])));
}
