//! Who governs the consortium: the council (pallet-collective), fed by
//! `ConsortiumMembership`. Root (sudo on dev chains) or more than half of the council's
//! seats change the membership, the roles, the dictionaries and, through
//! `CouncilProposal` (expanded by [`impl_consortium_configs!`](crate::impl_consortium_configs)),
//! authorise runtime upgrades.

use frame_support::traits::EitherOfDiverse;
use frame_system::EnsureRoot;

use crate::AccountId;

/// The council of the consortium (pallet-collective's instance).
pub type CouncilCollective = frame_support::instances::Instance1;

/// A council motion approved by more than half of its members.
pub type EnsureCouncilMajority =
    pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>;

/// Root, or a council motion approved by more than half of its members.
pub type EnsureRootOrCouncilMajority =
    EitherOfDiverse<EnsureRoot<AccountId>, EnsureCouncilMajority>;

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
