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
    derive_impl,
    dispatch::DispatchClass,
    parameter_types,
    traits::{
        fungible::HoldConsideration, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8,
        EitherOfDiverse, LinearStoragePrice, VariantCountOf,
    },
    weights::{
        constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
        IdentityFee, Weight,
    },
};
use frame_system::{limits::BlockWeights, EnsureRoot};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

mod governance;
mod offchain;
pub use governance::{AbstentionIsNay, CouncilProposal, NoSeatChangeByMembers};
pub use offchain::WORKER_TX_MORTALITY;

use medchain_primitives::offchain as offchain_layout;

use super::{
    Access, AccountId, Aura, Balance, Balances, Block, BlockNumber, ConsortiumMembership, Council,
    Hash, Instance1, MedicalRecords, Nonce, PalletInfo, Preimage, Runtime, RuntimeCall,
    RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask, System,
    Timestamp, DAYS, EXISTENTIAL_DEPOSIT, MICRO_UNIT, MILLI_UNIT, MINUTES, SLOT_DURATION, VERSION,
};

/// Transactions may use up to 75 % of a block; the rest is kept for operational ones.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The council of the consortium (pallet-collective's instance).
pub type CouncilCollective = Instance1;

/// A council motion approved by more than half of its members.
pub type EnsureCouncilMajority =
    pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>;

/// Root, or a council motion approved by more than half of its members.
pub type EnsureRootOrCouncilMajority =
    EitherOfDiverse<EnsureRoot<AccountId>, EnsureCouncilMajority>;

parameter_types! {
    pub const BlockHashCount: BlockNumber = 2400;
    pub const Version: RuntimeVersion = VERSION;

    /// Two seconds of compute per block: Aura gives the author 2/3 of the 3-second slot.
    pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
        Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
        NORMAL_DISPATCH_RATIO,
    );
    /// 5 MiB blocks, of which normal transactions may fill 75 %.
    pub RuntimeBlockLength: frame_system::limits::BlockLength = frame_system::limits::BlockLength::builder()
        .max_length(5 * 1024 * 1024)
        .modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
        .build();
    pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
    // Members may not move their own seat (`ConsortiumMembership::change_key`).
    type BaseCallFilter = NoSeatChangeByMembers;
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
    type MaxAuthorities = ConstU32<32>;
    type AllowMultipleBlocksPerSlot = ConstBool<false>;
    type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type MaxAuthorities = ConstU32<32>;
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

impl pallet_balances::Config for Runtime {
    type MaxLocks = ConstU32<50>;
    type MaxReserves = ();
    type ReserveIdentifier = [u8; 8];
    type Balance = Balance;
    type RuntimeEvent = RuntimeEvent;
    type DustRemoval = ();
    type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
    type AccountStore = System;
    type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
    type FreezeIdentifier = RuntimeFreezeReason;
    type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RuntimeFreezeReason = RuntimeFreezeReason;
    type DoneSlashHandler = ();
}

parameter_types! {
    pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type OnChargeTransaction = FungibleAdapter<Balances, ()>;
    type OperationalFeeMultiplier = ConstU8<5>;
    type WeightToFee = IdentityFee<Balance>;
    type LengthToFee = IdentityFee<Balance>;
    type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
    type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeCall = RuntimeCall;
    type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

/// Most hospitals a consortium may have (bounds storage and the weight of votes).
pub const MAX_MEMBERS: u32 = 64;

parameter_types! {
    /// Council motions stay open for a day unless closed earlier.
    pub const CouncilMotionDuration: BlockNumber = DAYS;
    pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
    type RuntimeOrigin = RuntimeOrigin;
    // Lifts a majority motion to root for `System::authorize_upgrade` only.
    type Proposal = CouncilProposal;
    type RuntimeEvent = RuntimeEvent;
    type MotionDuration = CouncilMotionDuration;
    type MaxProposals = ConstU32<100>;
    type MaxMembers = ConstU32<MAX_MEMBERS>;
    // Abstentions count as nays: with the prime's default, one member (the prime) could
    // carry a motion, an upgrade included, by voting alone and waiting for the deadline.
    type DefaultVote = AbstentionIsNay;
    type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
    // The member list belongs to ConsortiumMembership; nobody sets it here directly, so
    // the two can never disagree.
    type SetMembersOrigin = frame_system::EnsureNever<()>;
    type MaxProposalWeight = MaxProposalWeight;
    type DisapproveOrigin = EnsureRoot<AccountId>;
    type KillOrigin = EnsureRoot<AccountId>;
    type Consideration = ();
}

impl pallet_membership::Config<Instance1> for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type AddOrigin = EnsureRootOrCouncilMajority;
    type RemoveOrigin = EnsureRootOrCouncilMajority;
    type SwapOrigin = EnsureRootOrCouncilMajority;
    type ResetOrigin = EnsureRootOrCouncilMajority;
    type PrimeOrigin = EnsureRootOrCouncilMajority;
    type MembershipInitialized = Council;
    type MembershipChanged = Council;
    type MaxMembers = ConstU32<MAX_MEMBERS>;
    type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// A noted preimage holds, from whoever noted it, the prices of a record's storage:
    /// 10 mUNIT plus 10 µUNIT per byte (a 1 MiB dictionary ≈ 10.5 UNIT), until it is
    /// unnoted (or, once a dictionary is registered, until the noter takes the deposit
    /// back; the bytes stay). Noting a preimage that is already requested is free.
    pub const PreimageBaseDeposit: Balance = 10 * MILLI_UNIT;
    pub const PreimageByteDeposit: Balance = 10 * MICRO_UNIT;
    pub const PreimageHoldReason: RuntimeHoldReason =
        RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
    type Currency = Balances;
    type ManagerOrigin = EnsureRoot<AccountId>;
    type Consideration = HoldConsideration<
        AccountId,
        Balances,
        PreimageHoldReason,
        LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
    >;
}

/// Largest primed dictionary: 1 MiB, well within what `Preimage` keeps (4 MiB) and what
/// one `note_preimage` transaction may carry (75 % of a 5 MiB block).
pub const MAX_DICTIONARY_LEN: u32 = 1024 * 1024;
const _: () = assert!(MAX_DICTIONARY_LEN <= pallet_preimage::MAX_SIZE);

parameter_types! {
    /// A live record holds 10 mUNIT plus 10 µUNIT per byte of labels and location
    /// (at most 10 + 16·64·0.01 + 256·0.01 ≈ 23 mUNIT).
    pub const RecordDepositBase: Balance = 10 * MILLI_UNIT;
    pub const RecordByteDeposit: Balance = 10 * MICRO_UNIT;
    /// Requests stay open for three days; delivered keys give access for ninety.
    pub const RequestTtl: BlockNumber = 3 * DAYS;
    pub const GrantTtl: BlockNumber = 90 * DAYS;
    /// The worker compresses at most 8 MiB and starts no new record after 1 s per block
    /// (a third of the block time); see the README for the measured throughput.
    pub const WorkerByteBudget: u32 = 8 * 1024 * 1024;
    pub const WorkerTimeBudgetMs: u64 = 1_000;
    pub const WorkerResubmitAfter: u32 = WORKER_TX_MORTALITY as u32 + 4;
}
const _: () = assert!(WorkerResubmitAfter::get() as u64 > WORKER_TX_MORTALITY);

impl pallet_medical_records::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RecordDepositBase = RecordDepositBase;
    type ByteDeposit = RecordByteDeposit;
    /// Sixteen labels of up to 64 bytes (department, ICD code, language, …); the node's
    /// ingestion RPC checks the same bounds.
    type MaxLabels = ConstU32<{ offchain_layout::MAX_LABELS }>;
    type MaxLabelLen = ConstU32<{ offchain_layout::MAX_LABEL_LEN }>;
    /// A URL or object key in the manager's store.
    type MaxLocationLen = ConstU32<{ offchain_layout::MAX_LOCATION_LEN }>;
    type Roles = Access;
    type Audit = Access;
    type Time = Timestamp;
    type AuthorityId = pallet_medical_records::MedrAuthority;
    type WorkerByteBudget = WorkerByteBudget;
    type WorkerTimeBudgetMs = WorkerTimeBudgetMs;
    type WorkerMaxSubmissions = ConstU32<32>;
    /// Past the worker transactions' mortality, so a first submission cannot land late.
    type ResubmitAfter = WorkerResubmitAfter;
    /// Every minute, four held records.
    type VerifyInterval = ConstU32<{ MINUTES }>;
    type VerifyBatch = ConstU32<4>;
    /// Root or a council majority registers and retires primed dictionaries.
    type DictionaryOrigin = EnsureRootOrCouncilMajority;
    type Preimages = Preimage;
    type MaxDictionaryLen = ConstU32<MAX_DICTIONARY_LEN>;
    /// 256 ever (retired ones included), at most four active per language.
    type MaxDictionaries = ConstU32<256>;
    type MaxActiveDictionaries = ConstU32<4>;
    type WeightInfo = pallet_medical_records::weights::SubstrateWeight<Runtime>;
}

impl pallet_access::Config for Runtime {
    type AdminOrigin = EnsureRootOrCouncilMajority;
    type Members = ConsortiumMembership;
    type MaxMembers = ConstU32<MAX_MEMBERS>;
    type Records = MedicalRecords;
    type RequestTtl = RequestTtl;
    type GrantTtl = GrantTtl;
    type MaxOpenRequests = ConstU32<32>;
    type MaxExpiriesPerBlock = ConstU32<64>;
    type MaxPurposeLen = ConstU32<256>;
    /// Room for an X25519 + HKDF + AEAD sealed 32-byte key with headers (80 bytes) or HPKE.
    type MaxWrappedKeyLen = ConstU32<256>;
    type Time = Timestamp;
    type WeightInfo = pallet_access::weights::SubstrateWeight<Runtime>;
}
