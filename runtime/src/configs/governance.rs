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
//! The wrapper encodes, decodes and describes itself in the metadata exactly as
//! `RuntimeCall`, so Polkadot.js sends `Council.propose(threshold,
//! System.authorizeUpgrade(codeHash), length)`.

use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
    dispatch::{DispatchInfo, GetDispatchInfo, PostDispatchInfo},
    traits::EnsureOrigin,
};
use sp_runtime::{traits::Dispatchable, DispatchResultWithInfo};

use super::EnsureCouncilMajority;
use crate::{Runtime, RuntimeCall, RuntimeOrigin};

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

/// The same type as `RuntimeCall` in the metadata (same identity, same description).
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
    use frame_support::assert_ok;
    use sp_core::H256;
    use sp_runtime::{BuildStorage, DispatchError};

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
        assert_eq!(
            scale_info::meta_type::<CouncilProposal>(),
            scale_info::meta_type::<RuntimeCall>()
        );
    }
}
