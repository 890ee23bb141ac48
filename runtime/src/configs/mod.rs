//! Configuration of every pallet in the runtime.
//!
//! Governance: `ConsortiumMembership` holds the hospitals of the consortium and feeds
//! `Council`. Changing the membership takes root (sudo on dev chains) or a motion of
//! more than half of the council ([`EnsureRootOrCouncilMajority`]). A majority motion also
//! authorises runtime upgrades (`System::authorize_upgrade`, see [`CouncilProposal`]).
//! The same origin registers and retires primed dictionaries
//! (`MedicalRecords::register_dictionary`), whose bytes anyone may put in `Preimage` first
//! (`Preimage::note_preimage`, for a deposit the noter can take back once the dictionary
//! is registered: registering requests the preimage, so the bytes stay).

use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstBool, ConstU32, ConstU64},
    weights::{
        constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
        Weight,
    },
};
use frame_system::limits::{BlockLength, BlockWeights};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_version::RuntimeVersion;

#[cfg(test)]
mod docs_tests;
#[cfg(test)]
mod emergency_tests;
#[cfg(test)]
mod fee_tests;
#[cfg(test)]
mod governance_tests;
pub mod network;
#[cfg(test)]
mod network_tests;

pub use network::NetworkRules;

pub use medchain_runtime_common::{
    params::{MAX_DICTIONARY_LEN, MAX_MEMBERS, NORMAL_DISPATCH_RATIO},
    AbstentionIsNay, CouncilCollective, EnsureCouncilMajority, EnsureRootOrCouncilMajority,
    WORKER_TX_MORTALITY,
};

use super::{
    Access, AccountId, Aura, Balance, Balances, Block, BlockNumber, ConsortiumMembership, Council,
    Hash, MedicalRecords, Nonce, PalletInfo, Preimage, Runtime, RuntimeCall, RuntimeEvent,
    RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask, SignedPayload, System,
    Timestamp, UncheckedExtrinsic, MILLI_SECS_PER_BLOCK, SLOT_DURATION, VERSION,
};

parameter_types! {
    pub const BlockHashCount: BlockNumber = 2400;
    pub const Version: RuntimeVersion = VERSION;

    /// Two seconds of compute per block: Aura gives the author 2/3 of the 3-second slot.
    pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
        Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
        NORMAL_DISPATCH_RATIO,
    );
    pub RuntimeBlockLength: BlockLength = medchain_runtime_common::params::block_length();
    pub const SS58Prefix: u8 = medchain_runtime_common::params::SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
    // Members may not move their own seat (`ConsortiumMembership::change_key`); who
    // connects and who authors is the council's (`NetworkRules`).
    type BaseCallFilter = frame_support::traits::InsideBoth<NoSeatChangeByMembers, NetworkRules>;
    type Block = Block;
    type BlockWeights = RuntimeBlockWeights;
    type BlockLength = RuntimeBlockLength;
    type AccountId = AccountId;
    type Nonce = Nonce;
    type Hash = Hash;
    type BlockHashCount = BlockHashCount;
    type DbWeight = ParityDbWeight;
    type Version = Version;
    type AccountData = pallet_balances::AccountData<Balance>;
    type SS58Prefix = SS58Prefix;
    type MaxConsumers = ConstU32<16>;
    type SingleBlockMigrations = super::Migrations;
}

impl pallet_aura::Config for Runtime {
    type AuthorityId = AuraId;
    type DisabledValidators = ();
    type MaxAuthorities = ConstU32<{ medchain_runtime_common::params::MAX_AUTHORITIES }>;
    type AllowMultipleBlocksPerSlot = ConstBool<false>;
    type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type MaxAuthorities = ConstU32<{ medchain_runtime_common::params::MAX_AUTHORITIES }>;
    type MaxNominators = ConstU32<0>;
    type MaxSetIdSessionEntries = ConstU64<0>;
    type KeyOwnerProof = sp_core::Void;
    type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
    type Moment = u64;
    type OnTimestampSet = Aura;
    type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
    type WeightInfo = ();
}

// Balances, TransactionPayment, Sudo, Council, ConsortiumMembership, Preimage,
// MedicalRecords and Access, the `change_key`
// filter and the worker's signing: one implementation for both runtimes.
medchain_runtime_common::impl_consortium_configs!(ms_per_block: MILLI_SECS_PER_BLOCK);
