//! Configuration of every pallet in the parachain runtime.
//!
//! The consortium's pallets (`Council`, `ConsortiumMembership`, `Preimage`,
//! `MedicalRecords`, `Access`), the governance origins and the `change_key` filter come
//! from `medchain_runtime_common::impl_consortium_configs!`, exactly as on the solo
//! chain. This module adds the parachain's own: validation data and upgrades through the
//! relay chain, collators chosen by the council, and a message queue that serves no XCM.
//!
//! Collators: `CollatorSelection`'s invulnerables are set by root or a council majority
//! (`add_invulnerable`, `remove_invulnerable`, `set_invulnerables`), only consortium
//! members with session keys may be added ([`MemberWithSessionKeys`]), and a hospital
//! removed from the consortium stops collating at the next session
//! ([`CollatingMembers`]). Nobody may stand
//! as a candidate by bond: genesis sets `desired_candidates` to 0, and while it is 0
//! `register_as_candidate` and `take_candidate_slot` are refused until the council
//! raises it (`set_desired_candidates`); even then only members may stand. The council
//! cannot leave the chain without a collator ([`CollatorRules`]).

use alloc::vec::Vec;
use cumulus_primitives_core::AggregateMessageOrigin;
use frame_support::{
    derive_impl,
    dispatch::DispatchClass,
    parameter_types,
    traits::{ConstBool, ConstU32, ConstU64, Contains, InsideBoth, ValidatorRegistration},
    weights::{
        constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
        Weight,
    },
    PalletId,
};
use frame_system::limits::{BlockLength, BlockWeights};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::Perbill;
use sp_version::RuntimeVersion;

pub use medchain_runtime_common::{
    params::{MAX_DICTIONARY_LEN, MAX_MEMBERS, NORMAL_DISPATCH_RATIO},
    AbstentionIsNay, CouncilCollective, EnsureCouncilMajority, EnsureRootOrCouncilMajority,
};

use super::{
    opaque::SessionKeys, Access, AccountId, Aura, Balance, Balances, Block, BlockNumber,
    CollatorSelection, ConsortiumMembership, Council, Hash, MedicalRecords, MessageQueue, Nonce,
    PalletInfo, Preimage, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason,
    RuntimeHoldReason, RuntimeOrigin, RuntimeTask, Session, SignedPayload, System, Timestamp,
    UncheckedExtrinsic, MILLI_SECS_PER_BLOCK, SLOT_DURATION, VERSION,
};

/// Kept for `on_initialize` (the message queue, the worker's bookkeeping).
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(5);

/// Two seconds of compute per block (asynchronous backing), and the relay chain's
/// proof-of-validity limit.
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(
    WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2),
    cumulus_primitives_core::relay_chain::MAX_POV_SIZE as u64,
);

/// The omni-node's default (lookahead) collator builds on the relay parent itself.
pub const RELAY_PARENT_OFFSET: u32 = 0;
/// Blocks the runtime accepts before the relay chain includes them.
const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;
/// Parachain blocks per relay-chain block.
pub const BLOCK_PROCESSING_VELOCITY: u32 = 1;
/// The relay chain's slot, in milliseconds.
const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;

/// Checks that blocks keep pace with the relay chain.
pub type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<
    Runtime,
    RELAY_CHAIN_SLOT_DURATION_MILLIS,
    BLOCK_PROCESSING_VELOCITY,
    UNINCLUDED_SEGMENT_CAPACITY,
>;

parameter_types! {
    pub const BlockHashCount: BlockNumber = 4096;
    pub const Version: RuntimeVersion = VERSION;

    pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
        .base_block(frame_support::weights::constants::BlockExecutionWeight::get())
        .for_class(DispatchClass::all(), |weights| {
            weights.base_extrinsic = frame_support::weights::constants::ExtrinsicBaseWeight::get();
        })
        .for_class(DispatchClass::Normal, |weights| {
            weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
        })
        .for_class(DispatchClass::Operational, |weights| {
            weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
            weights.reserved = Some(
                MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT,
            );
        })
        .avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
        .build_or_panic();
    pub RuntimeBlockLength: BlockLength = medchain_runtime_common::params::block_length();
    pub const SS58Prefix: u8 = medchain_runtime_common::params::SS58_PREFIX;
}

/// Who may collate: a consortium member whose session keys are set
/// (`CollatorSelection`'s `ValidatorRegistration`: checked when the council adds an
/// invulnerable and when anyone stands as a candidate; `ValidatorNotRegistered`
/// otherwise).
pub struct MemberWithSessionKeys;

impl ValidatorRegistration<AccountId> for MemberWithSessionKeys {
    fn is_registered(who: &AccountId) -> bool {
        pallet_membership::Members::<Runtime, CouncilCollective>::get().contains(who)
            && <Session as ValidatorRegistration<AccountId>>::is_registered(who)
    }
}

/// Keeps the collator set in the council's hands and never empty (`System::CallFiltered`
/// otherwise; sudo, on development chains only, bypasses it):
/// - `register_as_candidate` and `take_candidate_slot` only while the council wants
///   candidates (`desired_candidates` above 0; it is 0 at genesis);
/// - `set_invulnerables` only with a non-empty list of members with session keys (the
///   pallet would skip the others and could leave no collator);
/// - `remove_invulnerable` only while another invulnerable can collate;
/// - never `Session::purge_keys`: a collator without keys stops the chain when it is the
///   last; keys are replaced with `set_keys`, a collator leaves by a council motion.
pub struct CollatorRules;

impl Contains<RuntimeCall> for CollatorRules {
    fn contains(call: &RuntimeCall) -> bool {
        use pallet_collator_selection::{Call, DesiredCandidates, Invulnerables};
        match call {
            RuntimeCall::CollatorSelection(
                Call::register_as_candidate {} | Call::take_candidate_slot { .. },
            ) => DesiredCandidates::<Runtime>::get() > 0,
            RuntimeCall::CollatorSelection(Call::set_invulnerables { new }) => {
                !new.is_empty() && new.iter().all(MemberWithSessionKeys::is_registered)
            }
            RuntimeCall::CollatorSelection(Call::remove_invulnerable { who }) => {
                Invulnerables::<Runtime>::get()
                    .iter()
                    .any(|other| other != who && MemberWithSessionKeys::is_registered(other))
            }
            RuntimeCall::Session(pallet_session::Call::purge_keys {}) => false,
            _ => true,
        }
    }
}

#[derive_impl(frame_system::config_preludes::ParaChainDefaultConfig)]
impl frame_system::Config for Runtime {
    // Members may not move their own seat (`ConsortiumMembership::change_key`); the
    // collators are the council's to choose, and never none.
    type BaseCallFilter = InsideBoth<NoSeatChangeByMembers, CollatorRules>;
    type Block = Block;
    type BlockWeights = RuntimeBlockWeights;
    type BlockLength = RuntimeBlockLength;
    type AccountId = AccountId;
    type Nonce = Nonce;
    type Hash = Hash;
    type BlockHashCount = BlockHashCount;
    type DbWeight = RocksDbWeight;
    type Version = Version;
    type AccountData = pallet_balances::AccountData<Balance>;
    type SS58Prefix = SS58Prefix;
    type MaxConsumers = ConstU32<16>;
    // A new runtime is applied when the relay chain says so.
    type OnSetCode = cumulus_pallet_parachain_system::ParachainSetCode<Self>;
    type SingleBlockMigrations = super::Migrations;
}

parameter_types! {
    pub const ReservedDmpWeight: Weight = MAXIMUM_BLOCK_WEIGHT.saturating_div(4);
    pub const RelayOrigin: AggregateMessageOrigin = AggregateMessageOrigin::Parent;
    pub MessageQueueServiceWeight: Weight =
        Perbill::from_percent(35) * RuntimeBlockWeights::get().max_block;
}

impl cumulus_pallet_parachain_system::Config for Runtime {
    type WeightInfo = cumulus_pallet_parachain_system::weights::SubstrateWeight<Runtime>;
    type RuntimeEvent = RuntimeEvent;
    type OnSystemEvent = ();
    type SelfParaId = staging_parachain_info::Pallet<Runtime>;
    // No messages to other chains, none taken from them.
    type OutboundXcmpMessageSource = ();
    type XcmpMessageHandler = ();
    type ReservedXcmpWeight = ();
    type DmpQueue = frame_support::traits::EnqueueWithOrigin<MessageQueue, RelayOrigin>;
    type ReservedDmpWeight = ReservedDmpWeight;
    type CheckAssociatedRelayNumber =
        cumulus_pallet_parachain_system::RelayNumberMonotonicallyIncreases;
    type ConsensusHook = ConsensusHook;
    type RelayParentOffset = ConstU32<RELAY_PARENT_OFFSET>;
    type SchedulingSignatureVerifier = ();
}

impl staging_parachain_info::Config for Runtime {}

impl cumulus_pallet_aura_ext::Config for Runtime {}

impl pallet_message_queue::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = pallet_message_queue::weights::SubstrateWeight<Runtime>;
    // The chain serves no XCM: a downward message from the relay chain is taken off the
    // queue and discarded, for a fixed weight, instead of being executed.
    type MessageProcessor =
        pallet_message_queue::mock_helpers::NoopMessageProcessor<AggregateMessageOrigin>;
    type Size = u32;
    type QueueChangeHandler = ();
    type QueuePausedQuery = ();
    type HeapSize = ConstU32<{ 64 * 1024 }>;
    type MaxStale = ConstU32<8>;
    type ServiceWeight = MessageQueueServiceWeight;
    type IdleMaxServiceWeight = MessageQueueServiceWeight;
}

impl pallet_timestamp::Config for Runtime {
    type Moment = u64;
    type OnTimestampSet = Aura;
    type MinimumPeriod = ConstU64<0>;
    type WeightInfo = ();
}

impl pallet_aura::Config for Runtime {
    type AuthorityId = AuraId;
    type DisabledValidators = ();
    type MaxAuthorities = ConstU32<{ MAX_MEMBERS }>;
    type AllowMultipleBlocksPerSlot = ConstBool<false>;
    type SlotDuration = ConstU64<SLOT_DURATION>;
}

impl pallet_authorship::Config for Runtime {
    type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
    type EventHandler = (CollatorSelection,);
}

parameter_types! {
    /// Collators change at most every six hours.
    pub const SessionPeriod: BlockNumber =
        medchain_runtime_common::blocks_in(6 * 60 * medchain_runtime_common::MINUTE_MS, MILLI_SECS_PER_BLOCK);
    pub const SessionOffset: BlockNumber = 0;
}

impl pallet_session::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type ValidatorId = AccountId;
    // Collators have no stash: the account is the collator.
    type ValidatorIdOf = pallet_collator_selection::IdentityCollator;
    type ShouldEndSession = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
    type NextSessionRotation = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
    type SessionManager = CollatingMembers;
    type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
    type Keys = SessionKeys;
    type DisablingStrategy = ();
    type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
    type Currency = Balances;
    type KeyDeposit = ();
}

/// `CollatorSelection`'s choice for each new session, without the accounts that are no
/// longer consortium members: a hospital the council removes (`remove_member`,
/// `swap_member`) stops collating at the next session, whether or not a motion removes
/// it from the invulnerables too. If that would leave nobody, the choice stands as it
/// is: a chain without collators stops, and only the relay chain could restart it.
pub struct CollatingMembers;

// Session indexes are `u32` (`sp_staking::SessionIndex`).
impl pallet_session::SessionManager<AccountId> for CollatingMembers {
    fn new_session(session_index: u32) -> Option<Vec<AccountId>> {
        let chosen = <CollatorSelection as pallet_session::SessionManager<AccountId>>::new_session(
            session_index,
        )?;
        Some(members_of(chosen))
    }

    fn new_session_genesis(session_index: u32) -> Option<Vec<AccountId>> {
        let chosen =
            <CollatorSelection as pallet_session::SessionManager<AccountId>>::new_session_genesis(
                session_index,
            )?;
        Some(members_of(chosen))
    }

    fn end_session(session_index: u32) {
        <CollatorSelection as pallet_session::SessionManager<AccountId>>::end_session(session_index)
    }

    fn start_session(session_index: u32) {
        <CollatorSelection as pallet_session::SessionManager<AccountId>>::start_session(
            session_index,
        )
    }
}

/// The members among `chosen`, or all of `chosen` if none is a member.
fn members_of(chosen: Vec<AccountId>) -> Vec<AccountId> {
    let members = pallet_membership::Members::<Runtime, CouncilCollective>::get();
    let kept: Vec<AccountId> = chosen
        .iter()
        .filter(|collator| members.contains(collator))
        .cloned()
        .collect();
    if kept.is_empty() {
        chosen
    } else {
        kept
    }
}

parameter_types! {
    pub const PotId: PalletId = PalletId(*b"PotStake");
}

impl pallet_collator_selection::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type Currency = Balances;
    // The council chooses the collators (and whether anyone may stand by bond).
    type UpdateOrigin = EnsureRootOrCouncilMajority;
    type PotId = PotId;
    type MaxCandidates = ConstU32<{ MAX_MEMBERS }>;
    type MinEligibleCollators = ConstU32<1>;
    type MaxInvulnerables = ConstU32<{ MAX_MEMBERS }>;
    // A whole session without a block loses a bonded candidate its place.
    type KickThreshold = SessionPeriod;
    type ValidatorId = AccountId;
    type ValidatorIdOf = pallet_collator_selection::IdentityCollator;
    type ValidatorRegistration = MemberWithSessionKeys;
    type WeightInfo = pallet_collator_selection::weights::SubstrateWeight<Runtime>;
}

// Balances, TransactionPayment, Sudo, Council, ConsortiumMembership, Preimage,
// MedicalRecords and Access, the `change_key`
// filter and the worker's signing: the same implementation as the solo chain's.
medchain_runtime_common::impl_consortium_configs!(ms_per_block: MILLI_SECS_PER_BLOCK);

#[cfg(test)]
mod tests;
