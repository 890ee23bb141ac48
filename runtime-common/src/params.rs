//! The consortium's bounds and prices, the same on the solo chain and the parachain.
//! Durations are in milliseconds; [`impl_consortium_configs!`](crate::impl_consortium_configs)
//! turns them into blocks of the runtime's block time.

use frame_support::{dispatch::DispatchClass, parameter_types};
use frame_system::limits::BlockLength;
use pallet_transaction_payment::Multiplier;
use sp_runtime::{FixedPointNumber, Perbill, Perquintill};

use crate::{Balance, BlockNumber, DAY_MS, MICRO_UNIT, MILLI_UNIT, MINUTE_MS};

/// The SS58 address format (the generic Substrate one).
pub const SS58_PREFIX: u8 = 42;

/// Transactions may use up to 75 % of a block; the rest is kept for operational ones.
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// Largest block, in bytes.
pub const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// 5 MiB blocks, of which normal transactions may fill 75 %.
pub fn block_length() -> BlockLength {
    BlockLength::builder()
        .max_length(MAX_BLOCK_LENGTH)
        .modify_max_length_for_class(DispatchClass::Normal, |max| {
            *max = NORMAL_DISPATCH_RATIO * *max
        })
        .build()
}

/// Most hospitals a consortium may have (bounds storage and the weight of votes).
pub const MAX_MEMBERS: u32 = 64;

/// Most owners one data manager accepts (`MedicalRecords::accept_owner`).
pub const MAX_ACCEPTED_OWNERS: u32 = 10_000;

/// Largest primed dictionary: 1 MiB, well within what `Preimage` keeps (4 MiB) and what
/// one `note_preimage` transaction may carry (75 % of a 5 MiB block).
pub const MAX_DICTIONARY_LEN: u32 = 1024 * 1024;
const _: () = assert!(MAX_DICTIONARY_LEN < MAX_BLOCK_LENGTH / 4 * 3);

/// Most block authors: Aura's and GRANDPA's `MaxAuthorities` and the validator set's
/// `MaxValidators`.
pub const MAX_AUTHORITIES: u32 = 32;

/// Most nodes the council may authorise (`NodeAuthorization`): one per member.
pub const MAX_WELL_KNOWN_NODES: u32 = MAX_MEMBERS;

/// Shortest session the council may set on the solo chain.
pub const MIN_SESSION_MS: u64 = 30 * 1000;
/// Longest session the council may set on the solo chain: a change waits up to two.
pub const MAX_SESSION_MS: u64 = DAY_MS;
/// Sessions of the development presets: a validator change applies within two minutes.
pub const DEV_SESSION_MS: u64 = MINUTE_MS;

/// Council motions stay open for a day unless closed earlier.
pub const COUNCIL_MOTION_MS: u64 = DAY_MS;
/// Sharing requests stay open for three days.
pub const REQUEST_TTL_MS: u64 = 3 * DAY_MS;
/// A delivered key gives access for ninety days.
pub const GRANT_TTL_MS: u64 = 90 * DAY_MS;
/// An emergency (break-glass) access lasts a day from the moment it opens.
pub const EMERGENCY_GRANT_TTL_MS: u64 = DAY_MS;
/// The emergency cap counts in periods of thirty days.
pub const EMERGENCY_PERIOD_MS: u64 = 30 * DAY_MS;
/// Most emergency accesses one demander may open in a period.
pub const MAX_EMERGENCIES_PER_PERIOD: u32 = 3;
/// The members have thirty days to review an emergency access; after that it may be
/// reaped unreviewed, flagged as lapsed.
pub const EMERGENCY_REVIEW_TTL_MS: u64 = 30 * DAY_MS;
/// The worker checks that the store still holds four records every minute.
pub const VERIFY_INTERVAL_MS: u64 = MINUTE_MS;

/// Every byte of a transaction costs 100 µUNIT: a full block of `System::remark`
/// (75 % of 5 MiB) costs about 393 UNIT, 1 GB of history 100,000 UNIT (see the README).
/// Not raised by congestion: the length fee is paid whatever the multiplier.
pub const TRANSACTION_BYTE_FEE: Balance = 100 * MICRO_UNIT;

parameter_types! {
    pub const TransactionByteFee: Balance = TRANSACTION_BYTE_FEE;

    /// The weight part of fees follows congestion (`TargetedFeeAdjustment`): blocks
    /// fuller than a quarter of their normal weight raise it, emptier ones lower it,
    /// never below the base price (1×) nor above 1,000×. With full blocks it grows by
    /// 1 + 0.003·0.75 + (0.003·0.75)²/2 ≈ 0.225 % a block: doubles in about 310 blocks
    /// (15 min at 3 s), ×1,000 in about 3,100.
    pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
    pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(3, 1_000);
    pub MinimumMultiplier: Multiplier = Multiplier::from_u32(1);
    pub MaximumMultiplier: Multiplier = Multiplier::saturating_from_integer(1_000);

    /// A noted preimage holds, from whoever noted it, the prices of a record's storage:
    /// 10 mUNIT plus 10 µUNIT per byte (a 1 MiB dictionary ≈ 10.5 UNIT), until it is
    /// unnoted (or, once a dictionary is registered, until the noter takes the deposit
    /// back; the bytes stay). Noting a preimage that is already requested is free.
    pub const PreimageBaseDeposit: Balance = 10 * MILLI_UNIT;
    pub const PreimageByteDeposit: Balance = 10 * MICRO_UNIT;

    /// A live record holds 10 mUNIT plus 10 µUNIT per byte of labels and location
    /// (at most 10 + 16·64·0.01 + 256·0.01 ≈ 23 mUNIT).
    pub const RecordDepositBase: Balance = 10 * MILLI_UNIT;
    pub const RecordByteDeposit: Balance = 10 * MICRO_UNIT;
    /// A retired record keeps 3 mUNIT held for its entry, which stays in state (about
    /// 300 bytes at the byte price), plus the byte price of the labels and location a
    /// superseded one keeps; a retracted one keeps none.
    pub const RetiredRecordDeposit: Balance = 3 * MILLI_UNIT;

    /// A sharing request holds 10 mUNIT from its demander until it is reaped: the
    /// request (≤ 256-byte purpose) and up to `MAX_MEMBERS` votes, about 3 KiB at most.
    pub const RequestDeposit: Balance = 10 * MILLI_UNIT;

    /// The worker compresses at most 8 MiB and starts no new record after 1 s per block;
    /// see the README for the measured throughput.
    pub const WorkerByteBudget: u32 = 8 * 1024 * 1024;
    pub const WorkerTimeBudgetMs: u64 = 1_000;
    /// Past the worker transactions' mortality, so a first submission cannot land late.
    pub const WorkerResubmitAfter: BlockNumber =
        crate::WORKER_TX_MORTALITY as BlockNumber + 4;
}

const _: () = assert!(WorkerResubmitAfter::get() as u64 > crate::WORKER_TX_MORTALITY);
