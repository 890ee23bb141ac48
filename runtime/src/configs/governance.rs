//! What an approved council motion dispatches, and with which origin.
//!
//! pallet-collective dispatches an approved motion with the origin
//! `Council::Members(ayes, seats)`. `System::authorize_upgrade` takes root, so on its own
//! a motion could never authorise a runtime upgrade, and this chain has no sudo key
//! outside development. [`CouncilProposal`] wraps the runtime's call and lifts the origin
//! to root for exactly one call, `System::authorize_upgrade` (which keeps FRAME's check
//! that the new code is the same chain with a higher `spec_version`), and only when more
//! than half of the seats voted aye. Every other motion is dispatched with the council's
//! own origin, unchanged.
//!
//! The wrapper encodes and decodes exactly as `RuntimeCall` and describes itself in the
//! metadata with `RuntimeCall`'s description (under a second type id, since the
//! collective boxes it), so Polkadot.js sends `Council.propose(threshold,
//! System.authorizeUpgrade(codeHash), length)`.
//!
//! Members who do not vote count as nays ([`AbstentionIsNay`]): "more than half of the
//! seats voted aye" then means what it says, also for a motion closed after its
//! deadline.

use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
    dispatch::{DispatchInfo, GetDispatchInfo, PostDispatchInfo},
    traits::EnsureOrigin,
};
use sp_runtime::{traits::Dispatchable, DispatchResultWithInfo};

use super::EnsureCouncilMajority;
use crate::{Runtime, RuntimeCall, RuntimeOrigin};

/// The council's default vote for members who did not vote: nay, whatever the prime
/// voted. (With `PrimeDefaultVote`, a prime voting alone would carry every motion closed
/// after its deadline.)
pub struct AbstentionIsNay;

impl pallet_collective::DefaultVote for AbstentionIsNay {
    fn default_vote(
        _prime_vote: Option<bool>,
        _yes_votes: pallet_collective::MemberCount,
        _no_votes: pallet_collective::MemberCount,
        _len: pallet_collective::MemberCount,
    ) -> bool {
        false
    }
}

/// Refuses `ConsortiumMembership::change_key` (`System::CallFiltered`). A member could
/// otherwise vote on a sharing request, move its seat to a fresh account of its own and
/// vote again, approving alone; `Access` counts votes per account. Seats change by a
/// council motion (`swap_member`) instead. Root is not filtered. (Found while writing
/// the `pallet_calls` fuzz target, which now mirrors this filter.)
pub struct NoSeatChangeByMembers;

impl frame_support::traits::Contains<RuntimeCall> for NoSeatChangeByMembers {
    fn contains(call: &RuntimeCall) -> bool {
        !matches!(
            call,
            RuntimeCall::ConsortiumMembership(pallet_membership::Call::change_key { .. })
        )
    }
}

/// A council motion's call (see the module docs).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking)]
pub struct CouncilProposal(pub RuntimeCall);

impl CouncilProposal {
    /// Whether this motion, approved with `origin`, authorises a runtime upgrade as root.
    fn acts_as_root(&self, origin: &RuntimeOrigin) -> bool {
        matches!(
            self.0,
            RuntimeCall::System(frame_system::Call::authorize_upgrade { .. })
        ) && EnsureCouncilMajority::try_origin(origin.clone()).is_ok()
    }
}

impl Dispatchable for CouncilProposal {
    type RuntimeOrigin = RuntimeOrigin;
    type Config = Runtime;
    type Info = DispatchInfo;
    type PostInfo = PostDispatchInfo;

    fn dispatch(self, origin: RuntimeOrigin) -> DispatchResultWithInfo<PostDispatchInfo> {
        let origin = if self.acts_as_root(&origin) {
            RuntimeOrigin::root()
        } else {
            origin
        };
        self.0.dispatch(origin)
    }
}

impl GetDispatchInfo for CouncilProposal {
    fn get_dispatch_info(&self) -> DispatchInfo {
        self.0.get_dispatch_info()
    }
}

impl From<frame_system::Call<Runtime>> for CouncilProposal {
    fn from(call: frame_system::Call<Runtime>) -> Self {
        Self(RuntimeCall::System(call))
    }
}

impl From<RuntimeCall> for CouncilProposal {
    fn from(call: RuntimeCall) -> Self {
        Self(call)
    }
}

/// `RuntimeCall`'s description in the metadata.
impl scale_info::TypeInfo for CouncilProposal {
    type Identity = RuntimeCall;

    fn type_info() -> scale_info::Type {
        RuntimeCall::type_info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{configs::CouncilCollective, AccountId, System};
    use codec::Encode;
    use frame_support::assert_ok;
    use scale_info::TypeInfo;
    use sp_core::H256;
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
            let single = pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Member(
                member.clone(),
            );
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
        System::set_block_number(1 + super::super::CouncilMotionDuration::get() + 1);
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
            let change_key =
                RuntimeCall::ConsortiumMembership(pallet_membership::Call::change_key {
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
}
