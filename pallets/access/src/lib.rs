//! # Access pallet
//!
//! Who may read a MedChain record, decided by the consortium: the paper's roles (§4.2),
//! sharing requests approved by a majority of the member hospitals, delivery of the
//! record's data key to the approved demander, and a tamper-evident audit trail of every
//! operation on every record.
//!
//! ## Overview
//!
//! - **Roles.** [`Config::AdminOrigin`] (in MedChain: root or a council majority) gives
//!   and takes the roles data owner, data manager and data demander. Other pallets see
//!   them through `medchain_primitives::RoleProvider`.
//! - **Requests.** A data demander asks for a live record. The request's threshold is
//!   fixed when it opens: ⌈members / 2⌉ of the consortium's members
//!   ([`Config::Members`], `ConsortiumMembership` in MedChain). A demander has at most
//!   [`Config::MaxOpenRequests`] requests in progress (open, or approved and waiting for
//!   the key), and one at a time per record. A request still in progress
//!   [`Config::RequestTtl`] blocks after it opened expires, in `on_initialize` (bounded:
//!   at most [`Config::MaxExpiriesPerBlock`] requests expire in a block, because at
//!   most that many may be opened with the same expiry block). So the key of an
//!   approved request must be delivered within the same period.
//! - **Deposits.** A request holds [`Config::RequestDeposit`] from its demander until
//!   anyone reaps it once finished ([`Pallet::reap_request`]): the request, its votes
//!   and its ended grant leave state and the deposit goes back. So a request and its
//!   votes never stay in state for free.
//! - **Votes.** Each current member votes once, never on its own request. The request is `Approved` as soon as the
//!   ayes reach the threshold and `Rejected` as soon as that can no longer happen (nays
//!   above `members - threshold`). A member who joins mid-vote may vote; one who leaves
//!   keeps the vote cast. Since the threshold was fixed at opening, a membership change
//!   can neither lower the bar nor strand a request.
//! - **Keys.** A demander publishes an X25519 public key (not a point of small order);
//!   after approval the record's owner or manager (while it holds the manager role)
//!   posts the record's data key sealed to it, once per request — except that the owner
//!   may replace a key its manager delivered, so a manager cannot lock a demander out
//!   with garbage. That grant gives access for [`Config::GrantTtl`] blocks, until the
//!   owner revokes it, the record stops being live, or the demander loses its role; a
//!   role given again covers only requests opened after it ([`DemanderSince`]), so old
//!   grants stay ended. Access again takes a new request and a new vote.
//! - Votes on a request whose record was retracted or superseded are refused; the
//!   request expires.
//! - **Emergency access (break glass).** A data demander who also holds the
//!   `EmergencyAccess` role (given by `AdminOrigin`, like every role) may open an
//!   access at once, without a vote, with a mandatory reason ([`Pallet::break_glass`]).
//!   The request is approved as it opens, so the owner or manager can deliver the key
//!   straight away; the access ends [`Config::EmergencyGrantTtl`] blocks after it
//!   opened, whenever the key came. A demander opens at most
//!   [`Config::MaxEmergenciesPerPeriod`] in each period of [`Config::EmergencyPeriod`]
//!   blocks (fixed periods from block 0). Each one is a loud `EmergencyAccessOpened`
//!   event in the record's audit trail, and a review that the members other than the
//!   demander close ([`Pallet::review_emergency`]) by the rule of requests: justified
//!   when ⌈reviewers / 2⌉ say so, unjustified when that can no longer happen.
//!   Unjustified, the demander loses the `EmergencyAccess` role and the grant ends, and
//!   the flag `EmergencyAccessUnjustified` stays in the trail. The owner may end the
//!   grant at any time ([`Pallet::revoke_grant`]); the role given back covers only later
//!   emergencies ([`EmergencySince`]). The request cannot be reaped before its review
//!   closes, so its deposit pays for the review — or before [`Config::EmergencyReviewTtl`]
//!   has passed, when it is reaped flagged `EmergencyReviewLapsed`. Ordinary requests
//!   and emergencies of a demander for a record do not block each other.
//! - **Audit.** Every event that names a record — from this pallet and from
//!   `pallet-medical-records` through `medchain_primitives::AuditLog` — extends the
//!   record's audit head: `head' = blake2_256(head ++ SCALE(event))`, where the event is
//!   encoded as the runtime encodes it (`RuntimeEvent`: pallet index, variant, fields).
//!   Every event carries the block's timestamp `at_ms`; expiries, which happen in
//!   `on_initialize`, carry the previous block's.
//! - **Audit index.** Each such event is also written, as the block executes, into the
//!   node's off-chain database (`sp_io::offchain_index`), keyed by record, sequence
//!   number and block, with the head before it ([`AuditTails`] keeps each record's count
//!   and last block; layout in `medchain_primitives::audit_index`). Nodes run with
//!   `--enable-offchain-indexing true` serve a record's trail from it
//!   (`medchain_auditLog`) without keeping old state.
//!
//! ## Calls
//!
//! - [`Pallet::assign_role`], [`Pallet::revoke_role`] — `AdminOrigin`.
//! - [`Pallet::set_encryption_key`] — any account holding a role.
//! - [`Pallet::request_access`] — a data demander.
//! - [`Pallet::vote`] — a consortium member.
//! - [`Pallet::deliver_key`] — the record's owner or manager.
//! - [`Pallet::revoke_grant`] — the record's owner.
//! - [`Pallet::reap_request`] — anyone, once the request is finished (and reviewed).
//! - [`Pallet::break_glass`] — a data demander holding the emergency-access role.
//! - [`Pallet::review_emergency`] — a consortium member.
//!
//! ## Runtime API
//!
//! `medchain_primitives::AccessApi`: [`Pallet::can_access`], [`Pallet::request`],
//! [`Pallet::roles`], [`Pallet::audit_head`], [`Pallet::audit_trail`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod audit;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod emergency;
pub mod migrations;
#[cfg(test)]
mod mock;
mod requests;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
pub mod weights;

pub use audit::AuditTail;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::{
    pallet_prelude::*,
    traits::{
        fungible::{Inspect, Mutate, MutateHold},
        tokens::Precision,
        SortedMembers, Time,
    },
};
use frame_system::pallet_prelude::*;
use medchain_primitives::{
    purpose::{Purpose, PurposeOfUse},
    AuditLog, Grant, RecordId, RecordProvider, Request, RequestId, RequestStatus, Review,
    ReviewStatus, Role, RoleProvider, RoleSet,
};
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
    <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// A purpose's free text (or an emergency's reason), bounded.
pub type PurposeTextOf<T> = BoundedVec<u8, <T as Config>::MaxPurposeLen>;
/// A request's purpose: an HL7 v3 PurposeOfUse code and the free text.
pub type PurposeOf<T> = Purpose<PurposeTextOf<T>>;
/// A data key sealed to a demander's X25519 key.
pub type WrappedKeyOf<T> = BoundedVec<u8, <T as Config>::MaxWrappedKeyLen>;
/// A request as stored.
pub type RequestOf<T> =
    Request<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, PurposeOf<T>>;
/// A grant as stored.
pub type GrantOf<T> =
    Grant<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, WrappedKeyOf<T>>;

/// The storage layout version (see `migrations`).
const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

/// Counts one vote (`approve`: an aye) into `ayes` or `nays` and returns what the vote
/// of `members` with `threshold` now says ([`decision`]). Requests and emergency reviews
/// alike.
pub fn count_vote(
    ayes: &mut u32,
    nays: &mut u32,
    approve: bool,
    members: u32,
    threshold: u32,
) -> Option<bool> {
    let counter = if approve { &mut *ayes } else { &mut *nays };
    *counter = counter.saturating_add(1);
    decision(*ayes, *nays, members, threshold)
}

/// Ayes a request needs with `members` members: ⌈members / 2⌉ (the paper: fewer than
/// half rejects, otherwise allowed).
pub const fn threshold_for(members: u32) -> u32 {
    members.div_ceil(2)
}

/// The outcome of a vote of `members` with `threshold` (⌈members / 2⌉): `Some(true)` once
/// the ayes reach the threshold, `Some(false)` once they no longer can (nays above
/// `members - threshold`), `None` while undecided. Requests and emergency reviews alike.
pub const fn decision(ayes: u32, nays: u32, members: u32, threshold: u32) -> Option<bool> {
    if ayes >= threshold {
        Some(true)
    } else if nays > members.saturating_sub(threshold) {
        Some(false)
    } else {
        None
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// Gives and takes roles (MedChain: root or a council majority).
        type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// The consortium's members, who vote on requests.
        type Members: SortedMembers<Self::AccountId>;

        /// Most members the consortium may have (the worst case of the weights).
        #[pallet::constant]
        type MaxMembers: Get<u32>;

        /// Owners and managers of records.
        type Records: RecordProvider<Self::AccountId>;

        /// Blocks an undecided request stays open.
        #[pallet::constant]
        type RequestTtl: Get<BlockNumberFor<Self>>;

        /// Blocks a delivered grant gives access.
        #[pallet::constant]
        type GrantTtl: Get<BlockNumberFor<Self>>;

        /// Most open requests one demander may have.
        #[pallet::constant]
        type MaxOpenRequests: Get<u32>;

        /// Most requests that may expire in one block (so most that may open in one).
        #[pallet::constant]
        type MaxExpiriesPerBlock: Get<u32>;

        /// Longest purpose, in bytes.
        #[pallet::constant]
        type MaxPurposeLen: Get<u32>;

        /// Longest wrapped key, in bytes.
        #[pallet::constant]
        type MaxWrappedKeyLen: Get<u32>;

        /// The block's timestamp, in milliseconds since the Unix epoch.
        type Time: Time<Moment = u64>;

        /// Holds the request deposits.
        type Currency: Inspect<Self::AccountId>
            + Mutate<Self::AccountId>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

        /// The runtime's hold reasons, which include this pallet's.
        type RuntimeHoldReason: From<HoldReason>;

        /// Held from the demander for each request until the request is reaped, so that
        /// a request and its votes do not stay in state for free.
        #[pallet::constant]
        type RequestDeposit: Get<BalanceOf<Self>>;

        /// Blocks an emergency (break-glass) access lasts from the moment it opens
        /// (MedChain: 24 hours).
        #[pallet::constant]
        type EmergencyGrantTtl: Get<BlockNumberFor<Self>>;

        /// Blocks in each period of the emergency cap; periods start at multiples of it
        /// (MedChain: 30 days).
        #[pallet::constant]
        type EmergencyPeriod: Get<BlockNumberFor<Self>>;

        /// Most emergency accesses one demander may open in a period.
        #[pallet::constant]
        type MaxEmergenciesPerPeriod: Get<u32>;

        /// Blocks the members have to review an emergency access before it may be
        /// reaped unreviewed, flagged as lapsed (MedChain: 30 days).
        #[pallet::constant]
        type EmergencyReviewTtl: Get<BlockNumberFor<Self>>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// Why this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// The deposit of a request not yet reaped.
        RequestDeposit,
    }

    /// The roles each account holds (absent: none).
    #[pallet::storage]
    pub type Roles<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, RoleSet>;

    /// Published X25519 public keys, to which data keys are sealed.
    #[pallet::storage]
    pub type EncryptionKeys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, [u8; 32]>;

    /// The id the next request gets.
    #[pallet::storage]
    pub type NextRequestId<T> = StorageValue<_, RequestId, ValueQuery>;

    /// Every request, by id.
    #[pallet::storage]
    pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, RequestOf<T>>;

    /// The vote of each member on each request (`true`: aye).
    #[pallet::storage]
    pub type Votes<T: Config> =
        StorageDoubleMap<_, Twox64Concat, RequestId, Blake2_128Concat, T::AccountId, bool>;

    /// The requests in progress (open, or approved and waiting for the key) of each
    /// demander, with their records (so that a duplicate request is found without reading
    /// every request).
    #[pallet::storage]
    pub type OpenRequests<T: Config> = StorageMap<
        _,
        Blake2_128Concat,
        T::AccountId,
        BoundedVec<(RequestId, RecordId), T::MaxOpenRequests>,
        ValueQuery,
    >;

    /// The requests that expire at the start of each block.
    #[pallet::storage]
    pub type Expiries<T: Config> = StorageMap<
        _,
        Twox64Concat,
        BlockNumberFor<T>,
        BoundedVec<RequestId, T::MaxExpiriesPerBlock>,
        ValueQuery,
    >;

    /// Delivered keys: a demander's grant for a record.
    #[pallet::storage]
    pub type Grants<T: Config> =
        StorageDoubleMap<_, Twox64Concat, RecordId, Blake2_128Concat, T::AccountId, GrantOf<T>>;

    /// The first request id a demander's current data-demander role covers: the
    /// `NextRequestId` when the role was last given (absent: 0, roles from genesis).
    /// A grant whose request is older gives nothing, so that re-assigning a revoked
    /// role does not bring its old grants back.
    #[pallet::storage]
    pub type DemanderSince<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, RequestId>;

    /// The deposit each request holds from its demander until it is reaped (requests
    /// opened before deposits existed hold none).
    #[pallet::storage]
    pub type RequestDeposits<T: Config> = StorageMap<_, Twox64Concat, RequestId, BalanceOf<T>>;

    /// The audit head of each record (absent: zero, no operation yet).
    #[pallet::storage]
    pub type AuditHeads<T: Config> = StorageMap<_, Twox64Concat, RecordId, H256>;

    /// How many of each record's events the nodes' off-chain audit index holds, and the
    /// block of the last one, where a reader's walk back starts (absent: none).
    #[pallet::storage]
    pub type AuditTails<T: Config> =
        StorageMap<_, Twox64Concat, RecordId, AuditTail<BlockNumberFor<T>>>;

    /// The number and identity of the last block that indexed an audited event, and how
    /// many lines its audit manifest has. A value of an earlier block is ignored (and
    /// replaced), so it never needs clearing: one small value in state.
    #[pallet::storage]
    pub type BlockAuditIndex<T: Config> = StorageValue<_, (BlockNumberFor<T>, [u8; 32], u32)>;

    /// The members' review of each emergency access, by its request's id.
    #[pallet::storage]
    pub type Reviews<T: Config> = StorageMap<_, Twox64Concat, RequestId, Review<BlockNumberFor<T>>>;

    /// Each member's verdict on each emergency access (`true`: justified).
    #[pallet::storage]
    pub type ReviewVotes<T: Config> =
        StorageDoubleMap<_, Twox64Concat, RequestId, Blake2_128Concat, T::AccountId, bool>;

    /// The first request id a demander's current emergency-access role covers, as
    /// `DemanderSince` for the data-demander role: an emergency grant from before the
    /// role was last given gives nothing, so taking the role and giving it back does not
    /// revive it.
    #[pallet::storage]
    pub type EmergencySince<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, RequestId>;

    /// How many emergency accesses each demander opened in its latest period, and the
    /// first block of that period. One small value per account that ever broke the glass.
    #[pallet::storage]
    pub type EmergencyUses<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, (BlockNumberFor<T>, u32)>;

    /// Roles to hold from genesis.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// Accounts and their roles.
        pub roles: Vec<(T::AccountId, Vec<Role>)>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            for (who, roles) in &self.roles {
                let set = roles
                    .iter()
                    .fold(Roles::<T>::get(who).unwrap_or_default(), |s, r| s.with(*r));
                if !set.is_empty() {
                    Roles::<T>::insert(who, set);
                }
            }
        }
    }

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// `AdminOrigin` gave `who` a role.
        RoleAssigned {
            who: T::AccountId,
            role: Role,
            at_ms: u64,
        },
        /// `AdminOrigin` took a role from `who`.
        RoleRevoked {
            who: T::AccountId,
            role: Role,
            at_ms: u64,
        },
        /// `who` published an X25519 public key.
        EncryptionKeySet {
            who: T::AccountId,
            key: [u8; 32],
            at_ms: u64,
        },
        /// A demander asked for a record, for `purpose` (last, so that the fields
        /// before it read as they did before purposes were coded).
        AccessRequested {
            request: RequestId,
            record: RecordId,
            demander: T::AccountId,
            at_ms: u64,
            purpose: PurposeOf<T>,
        },
        /// A member voted; the counts after the vote.
        Voted {
            request: RequestId,
            record: RecordId,
            member: T::AccountId,
            approve: bool,
            ayes: u32,
            nays: u32,
            at_ms: u64,
        },
        /// The ayes reached the threshold.
        RequestApproved {
            request: RequestId,
            record: RecordId,
            at_ms: u64,
        },
        /// Approval became impossible.
        RequestRejected {
            request: RequestId,
            record: RecordId,
            at_ms: u64,
        },
        /// The voting period ended without a decision.
        RequestExpired {
            request: RequestId,
            record: RecordId,
            at_ms: u64,
        },
        /// The owner or manager delivered the data key for an approved request.
        KeyDelivered {
            request: RequestId,
            record: RecordId,
            demander: T::AccountId,
            by: T::AccountId,
            at_ms: u64,
        },
        /// The owner ended a demander's grant.
        GrantRevoked {
            record: RecordId,
            demander: T::AccountId,
            at_ms: u64,
        },
        /// The owner replaced the key its manager had delivered for a request; the
        /// grant's expiry is unchanged.
        KeyReplaced {
            request: RequestId,
            record: RecordId,
            demander: T::AccountId,
            at_ms: u64,
        },
        /// A finished request, its votes and its ended grant left state; its deposit
        /// went back to the demander.
        RequestReaped {
            request: RequestId,
            record: RecordId,
            by: T::AccountId,
            at_ms: u64,
        },
        /// BREAK GLASS: `demander` opened an emergency access to `record` without a
        /// vote, for `reason`; the request is approved, its access ends at
        /// `expires_block`, the members review it. `uses_in_period` counts this one.
        EmergencyAccessOpened {
            request: RequestId,
            record: RecordId,
            demander: T::AccountId,
            reason: PurposeTextOf<T>,
            expires_block: BlockNumberFor<T>,
            uses_in_period: u32,
            at_ms: u64,
        },
        /// A member judged an emergency access; the counts after the verdict.
        EmergencyReviewed {
            request: RequestId,
            record: RecordId,
            member: T::AccountId,
            justified: bool,
            justified_count: u32,
            unjustified_count: u32,
            at_ms: u64,
        },
        /// The members found the emergency access justified.
        EmergencyAccessJustified {
            request: RequestId,
            record: RecordId,
            demander: T::AccountId,
            at_ms: u64,
        },
        /// FLAGGED: the members found the emergency access unjustified. The demander
        /// lost the emergency-access role and the access ended: the grant is gone, or
        /// the request, if its key had not come, is rejected (no other event says so).
        EmergencyAccessUnjustified {
            request: RequestId,
            record: RecordId,
            demander: T::AccountId,
            at_ms: u64,
        },
        /// FLAGGED: an emergency access was reaped without a review, `EmergencyReviewTtl`
        /// after it opened.
        EmergencyReviewLapsed {
            request: RequestId,
            record: RecordId,
            demander: T::AccountId,
            at_ms: u64,
        },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The account already holds the role.
        RoleAlreadyAssigned,
        /// The account does not hold the role.
        RoleNotAssigned,
        /// Only accounts holding a role may publish a key.
        NoRole,
        /// The key is not a usable X25519 public key: a point of small order (all zero
        /// among them), to which a sealed key would be readable by anyone.
        InvalidKey,
        /// The account does not hold the data-demander role.
        NotDataDemander,
        /// No live record has this id.
        UnknownRecord,
        /// The consortium has no members to vote (or, for an emergency, none but the
        /// demander to review it).
        NoMembers,
        /// The demander already has a request in progress for this record (of the same
        /// kind: ordinary, or emergency).
        RequestAlreadyOpen,
        /// The demander already holds a current grant for this record (for a request: an
        /// ordinary one; for an emergency: any; an emergency key may not replace a
        /// current ordinary grant).
        AlreadyGranted,
        /// The demander has `MaxOpenRequests` requests in progress.
        TooManyOpenRequests,
        /// `MaxExpiriesPerBlock` requests were already opened in this block.
        TooManyRequestsInBlock,
        /// No request has this id.
        UnknownRequest,
        /// Only consortium members vote.
        NotMember,
        /// This member already voted on this request.
        AlreadyVoted,
        /// The request is no longer open (approved, rejected, expired or delivered).
        RequestNotOpen,
        /// Only the record's owner or manager may deliver its key.
        NotOwnerOrManager,
        /// The request was not approved.
        RequestNotApproved,
        /// The key of this request was already delivered.
        KeyAlreadyDelivered,
        /// The demander has not published an encryption key.
        NoEncryptionKey,
        /// The wrapped key is empty.
        EmptyWrappedKey,
        /// Only the record's owner may do this.
        NotOwner,
        /// The demander holds no grant for this record.
        NoGrant,
        /// Request ids are exhausted.
        RequestIdOverflow,
        /// A member may not vote on its own request.
        OwnRequest,
        /// The request was opened before the demander's current role was given: a
        /// revoked role's requests never deliver.
        RequestPredatesRole,
        /// The demander cannot pay the request deposit.
        InsufficientDeposit,
        /// The request is still open or waiting for its key.
        RequestInProgress,
        /// The request's grant still gives access.
        GrantStillActive,
        /// The account does not hold the emergency-access role.
        NotEmergencyAccess,
        /// An emergency access needs a reason: readable text, not only blanks.
        EmptyReason,
        /// The demander already opened `MaxEmergenciesPerPeriod` emergency accesses in
        /// this period.
        EmergencyCapReached,
        /// The request is not an emergency access: it has no review.
        NotEmergency,
        /// The review of this emergency access is already closed.
        ReviewClosed,
        /// The emergency access is still under review.
        ReviewPending,
        /// The purpose code is malformed, `UNCODED`, or an HL7 code spelt as another.
        InvalidPurposeCode,
        /// `BTG` (break the glass) is the purpose of `break_glass` only.
        BreakGlassOnly,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            let due = Expiries::<T>::take(now);
            let expiring = due.len() as u32;
            for request in due {
                Self::expire(request);
            }
            T::WeightInfo::on_initialize(expiring)
        }

        fn integrity_test() {
            assert!(T::MaxMembers::get() > 0, "MaxMembers must allow a member");
            assert!(
                T::MaxOpenRequests::get() > 0,
                "MaxOpenRequests must allow a request"
            );
            assert!(
                T::MaxExpiriesPerBlock::get() > 0,
                "MaxExpiriesPerBlock must allow a request"
            );
            assert!(
                !T::RequestTtl::get().is_zero(),
                "requests must stay open for a block"
            );
            assert!(!T::GrantTtl::get().is_zero(), "grants must last a block");
            assert!(
                !T::EmergencyGrantTtl::get().is_zero(),
                "emergency accesses must last a block"
            );
            assert!(
                !T::EmergencyPeriod::get().is_zero(),
                "the emergency cap needs a period"
            );
            assert!(
                T::MaxEmergenciesPerPeriod::get() > 0,
                "MaxEmergenciesPerPeriod must allow an emergency"
            );
            assert!(
                T::EmergencyReviewTtl::get() >= T::EmergencyGrantTtl::get(),
                "the members must have at least the access's time to review it"
            );
            assert!(
                !T::RequestDeposit::get().is_zero(),
                "a request must cost a deposit, or state can be bloated for free"
            );
            assert!(
                T::MaxPurposeLen::get() > 0,
                "MaxPurposeLen must allow a byte"
            );
            // An X25519 sealed key: 32-byte ephemeral key + 32-byte key + 16-byte tag.
            assert!(
                T::MaxWrappedKeyLen::get() >= 80,
                "MaxWrappedKeyLen must fit a sealed key"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Gives `who` a role. `AdminOrigin` only.
        ///
        /// Emits `RoleAssigned`.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::assign_role())]
        pub fn assign_role(origin: OriginFor<T>, who: T::AccountId, role: Role) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            let set = Roles::<T>::get(&who).unwrap_or_default();
            ensure!(!set.contains(role), Error::<T>::RoleAlreadyAssigned);
            Roles::<T>::insert(&who, set.with(role));
            let next = NextRequestId::<T>::get();
            match role {
                Role::DataDemander => DemanderSince::<T>::insert(&who, next),
                Role::EmergencyAccess => EmergencySince::<T>::insert(&who, next),
                Role::DataOwner | Role::DataManager => {}
            }
            Self::deposit_event(Event::RoleAssigned {
                who,
                role,
                at_ms: T::Time::now(),
            });
            Ok(())
        }

        /// Takes a role from `who`. `AdminOrigin` only. Grants of a demander end with the
        /// demander role: given again, the role covers only requests opened after it.
        /// Its open requests run their course but never deliver. An account left without
        /// any role also loses its published key.
        ///
        /// Emits `RoleRevoked`.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::revoke_role())]
        pub fn revoke_role(origin: OriginFor<T>, who: T::AccountId, role: Role) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            ensure!(Self::has_role(&who, role), Error::<T>::RoleNotAssigned);
            Self::remove_role(who, role);
            Ok(())
        }

        /// Publishes (or replaces) the caller's X25519 public key. The caller must hold
        /// a role; a point of small order is refused.
        ///
        /// Emits `EncryptionKeySet`.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::set_encryption_key())]
        pub fn set_encryption_key(origin: OriginFor<T>, key: [u8; 32]) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(Roles::<T>::contains_key(&who), Error::<T>::NoRole);
            ensure!(
                !medchain_primitives::x25519::is_small_order(&key),
                Error::<T>::InvalidKey
            );
            EncryptionKeys::<T>::insert(&who, key);
            Self::deposit_event(Event::EncryptionKeySet {
                who,
                key,
                at_ms: T::Time::now(),
            });
            Ok(())
        }

        /// Asks for access to a live record. The caller must hold the data-demander role.
        /// The threshold is ⌈members / 2⌉ of the members now; the request expires after
        /// `RequestTtl` blocks. `RequestDeposit` is held from the caller until the
        /// finished request is reaped (`reap_request`).
        ///
        /// Emits `AccessRequested`.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::request_access())]
        pub fn request_access(
            origin: OriginFor<T>,
            record: RecordId,
            purpose: PurposeOf<T>,
        ) -> DispatchResult {
            let demander = ensure_signed(origin)?;
            ensure!(
                Self::has_role(&demander, Role::DataDemander),
                Error::<T>::NotDataDemander
            );
            ensure!(
                purpose.code.is_well_formed(),
                Error::<T>::InvalidPurposeCode
            );
            ensure!(
                purpose.code != PurposeOfUse::Btg,
                Error::<T>::BreakGlassOnly
            );
            let expires_block =
                frame_system::Pallet::<T>::block_number().saturating_add(T::RequestTtl::get());
            let opened =
                Self::open_request(&demander, record, purpose.clone(), false, expires_block)?;
            Self::emit(
                record,
                Event::AccessRequested {
                    request: opened.id,
                    record,
                    demander,
                    at_ms: opened.at_ms,
                    purpose,
                },
            );
            Ok(())
        }

        /// Votes on an open request. Members only, once each, and never on a request of
        /// their own. Closes the request as approved when the ayes reach its threshold,
        /// as rejected when they no longer can.
        ///
        /// Emits `Voted`, then `RequestApproved` or
        /// `RequestRejected` when the vote decides.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::vote())]
        pub fn vote(origin: OriginFor<T>, request: RequestId, approve: bool) -> DispatchResult {
            let member = ensure_signed(origin)?;
            ensure!(T::Members::contains(&member), Error::<T>::NotMember);
            let mut req = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
            ensure!(
                req.status == RequestStatus::Open,
                Error::<T>::RequestNotOpen
            );
            ensure!(member != req.demander, Error::<T>::OwnRequest);
            ensure!(
                !Votes::<T>::contains_key(request, &member),
                Error::<T>::AlreadyVoted
            );
            ensure!(
                T::Records::owner(req.record).is_some(),
                Error::<T>::UnknownRecord
            );

            let (members, threshold) = (req.members, req.threshold);
            let decided = count_vote(&mut req.ayes, &mut req.nays, approve, members, threshold)
                .map(|approved| {
                    if approved {
                        RequestStatus::Approved
                    } else {
                        RequestStatus::Rejected
                    }
                });
            if let Some(status) = decided {
                req.status = status;
                // An approved request stays in progress until its key is delivered.
                if status == RequestStatus::Rejected {
                    Self::close(request, &req.demander);
                }
            }
            Votes::<T>::insert(request, &member, approve);
            Requests::<T>::insert(request, &req);

            let (record, at) = (req.record, T::Time::now());
            Self::emit(
                record,
                Event::Voted {
                    request,
                    record,
                    member,
                    approve,
                    ayes: req.ayes,
                    nays: req.nays,
                    at_ms: at,
                },
            );
            match decided {
                Some(RequestStatus::Approved) => Self::emit(
                    record,
                    Event::RequestApproved {
                        request,
                        record,
                        at_ms: at,
                    },
                ),
                Some(_) => Self::emit(
                    record,
                    Event::RequestRejected {
                        request,
                        record,
                        at_ms: at,
                    },
                ),
                None => {}
            }
            Ok(())
        }

        /// Delivers the data key of an approved request, sealed to the demander's
        /// published X25519 key. The record's owner or manager only. The grant gives
        /// access for `GrantTtl` blocks.
        ///
        /// Once a manager has delivered, the owner may deliver again: its key replaces
        /// the manager's (which may have been garbage), and the grant keeps its expiry.
        /// So a demander is never left with a key it cannot use.
        ///
        /// Emits `KeyDelivered`, or `KeyReplaced` for a replacement.
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::deliver_key().max(T::WeightInfo::replace_key()))]
        pub fn deliver_key(
            origin: OriginFor<T>,
            request: RequestId,
            wrapped_key: WrappedKeyOf<T>,
        ) -> DispatchResult {
            let by = ensure_signed(origin)?;
            let mut req = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
            let owner = T::Records::owner(req.record).ok_or(Error::<T>::UnknownRecord)?;
            ensure!(
                by == owner || Self::is_acting_manager(req.record, &by),
                Error::<T>::NotOwnerOrManager
            );
            if req.status == RequestStatus::Delivered {
                return Self::replace_manager_key(request, &req, &by, &owner, wrapped_key);
            }
            ensure!(
                req.status == RequestStatus::Approved,
                Error::<T>::RequestNotApproved
            );
            Self::ensure_deliverable(request, &req, &wrapped_key)?;

            let at = T::Time::now();
            // An emergency access ends when its request would have expired, whenever the
            // key came; an ordinary grant runs `GrantTtl` from delivery.
            let expires_block = if Reviews::<T>::contains_key(request) {
                req.expires_block
            } else {
                frame_system::Pallet::<T>::block_number().saturating_add(T::GrantTtl::get())
            };
            req.status = RequestStatus::Delivered;
            Self::close(request, &req.demander);
            Requests::<T>::insert(request, &req);
            Grants::<T>::insert(
                req.record,
                &req.demander,
                Grant {
                    request,
                    delivered_by: by.clone(),
                    wrapped_key,
                    granted_at_ms: at,
                    expires_block,
                },
            );
            Self::emit(
                req.record,
                Event::KeyDelivered {
                    request,
                    record: req.record,
                    demander: req.demander,
                    by,
                    at_ms: at,
                },
            );
            Ok(())
        }

        /// Ends a demander's grant for a record. The record's owner only.
        ///
        /// Emits `GrantRevoked`.
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::revoke_grant())]
        pub fn revoke_grant(
            origin: OriginFor<T>,
            record: RecordId,
            demander: T::AccountId,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let owner = T::Records::owner(record).ok_or(Error::<T>::UnknownRecord)?;
            ensure!(who == owner, Error::<T>::NotOwner);
            ensure!(
                Grants::<T>::contains_key(record, &demander),
                Error::<T>::NoGrant
            );
            Grants::<T>::remove(record, &demander);
            Self::emit(
                record,
                Event::GrantRevoked {
                    record,
                    demander,
                    at_ms: T::Time::now(),
                },
            );
            Ok(())
        }

        /// Removes a finished request (rejected, expired, or delivered with its grant
        /// ended: expired, revoked, or of a revoked role) with its votes and its ended
        /// grant, and an emergency's review once closed, and returns its deposit to the
        /// demander. A review still pending keeps the request until `EmergencyReviewTtl`
        /// after it opened; reaped then, it is flagged as lapsed. Anyone may reap; the
        /// demander has its deposit to gain. The audit head keeps the request's history.
        ///
        /// Emits `EmergencyReviewLapsed` for a lapsed review, then `RequestReaped`.
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::reap_request(T::MaxMembers::get()))]
        pub fn reap_request(
            origin: OriginFor<T>,
            request: RequestId,
        ) -> DispatchResultWithPostInfo {
            let by = ensure_signed(origin)?;
            let req = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
            ensure!(
                !matches!(req.status, RequestStatus::Open | RequestStatus::Approved),
                Error::<T>::RequestInProgress
            );
            let review = Reviews::<T>::get(request);
            let now = frame_system::Pallet::<T>::block_number();
            let lapsed = review
                .as_ref()
                .is_some_and(|r| r.status == ReviewStatus::Pending);
            ensure!(
                !lapsed || review.as_ref().is_some_and(|r| now >= r.until_block),
                Error::<T>::ReviewPending
            );
            let grant =
                Grants::<T>::get(req.record, &req.demander).filter(|g| g.request == request);
            ensure!(
                !grant.as_ref().is_some_and(|g| Self::grant_gives_access(
                    req.record,
                    &req.demander,
                    g,
                    now
                )),
                Error::<T>::GrantStillActive
            );

            if grant.is_some() {
                Grants::<T>::remove(req.record, &req.demander);
            }
            // A request has at most `members` votes (the vote that decides is the last),
            // and `members` is at most `MaxMembers`; an emergency has no votes but as
            // many verdicts.
            let mut votes = req.ayes.saturating_add(req.nays);
            let _ = Votes::<T>::clear_prefix(request, votes, None);
            if let Some(review) = review {
                let verdicts = review.justified.saturating_add(review.unjustified);
                let _ = ReviewVotes::<T>::clear_prefix(request, verdicts, None);
                Reviews::<T>::remove(request);
                votes = votes.saturating_add(verdicts);
            }
            if let Some(deposit) = RequestDeposits::<T>::take(request) {
                T::Currency::release(
                    &HoldReason::RequestDeposit.into(),
                    &req.demander,
                    deposit,
                    Precision::BestEffort,
                )?;
            }
            Requests::<T>::remove(request);
            let at_ms = T::Time::now();
            if lapsed {
                Self::emit(
                    req.record,
                    Event::EmergencyReviewLapsed {
                        request,
                        record: req.record,
                        demander: req.demander.clone(),
                        at_ms,
                    },
                );
            }
            Self::emit(
                req.record,
                Event::RequestReaped {
                    request,
                    record: req.record,
                    by,
                    at_ms,
                },
            );
            Ok(Some(T::WeightInfo::reap_request(votes)).into())
        }

        /// Breaks the glass: opens an emergency access to a live record at once, without
        /// a vote, for `reason` (mandatory). The caller must hold the data-demander and
        /// the emergency-access roles, and have opened fewer than
        /// `MaxEmergenciesPerPeriod` in this period. The request is approved as it opens
        /// (the owner or manager delivers the key as for any approved request) and its
        /// access ends `EmergencyGrantTtl` blocks from now. The members then review it
        /// (`review_emergency`). Holds `RequestDeposit` like `request_access`, and
        /// shares its bounds; a waiting ordinary request of the record does not stop
        /// it, any current grant does (`AlreadyGranted`).
        ///
        /// Emits `EmergencyAccessOpened`.
        #[pallet::call_index(8)]
        #[pallet::weight(T::WeightInfo::break_glass())]
        pub fn break_glass(
            origin: OriginFor<T>,
            record: RecordId,
            reason: PurposeTextOf<T>,
        ) -> DispatchResult {
            let demander = ensure_signed(origin)?;
            Self::do_break_glass(demander, record, reason)
        }

        /// Gives a member's verdict on an emergency access: `justified` or not. Members
        /// but the demander, once each. Justified once ⌈reviewers / 2⌉ say so;
        /// unjustified once that can no longer happen, which takes the demander's
        /// emergency-access role and ends the access (an undelivered request is
        /// rejected).
        ///
        /// Emits `EmergencyReviewed`, then `EmergencyAccessJustified` or
        /// `EmergencyAccessUnjustified` (and `RoleRevoked`) when the verdict decides.
        #[pallet::call_index(9)]
        #[pallet::weight(T::WeightInfo::review_emergency())]
        pub fn review_emergency(
            origin: OriginFor<T>,
            request: RequestId,
            justified: bool,
        ) -> DispatchResult {
            let member = ensure_signed(origin)?;
            Self::do_review_emergency(member, request, justified)
        }
    }
}

impl<T: Config> Pallet<T> {
    /// Whether `who` may read `record` now: its owner, its manager (holding the role), or
    /// a demander with a current grant (unexpired, from a request opened under the role it
    /// holds now) — only while the record is live.
    pub fn can_access(record: RecordId, who: T::AccountId) -> bool {
        let Some(owner) = T::Records::owner(record) else {
            return false;
        };
        if who == owner || Self::is_acting_manager(record, &who) {
            return true;
        }
        let now = frame_system::Pallet::<T>::block_number();
        Grants::<T>::get(record, &who)
            .is_some_and(|grant| Self::grant_is_current(&who, &grant, now))
    }

    /// A request by id.
    pub fn request(id: RequestId) -> Option<RequestOf<T>> {
        Requests::<T>::get(id)
    }

    /// The roles `who` holds.
    pub fn roles(who: T::AccountId) -> Vec<Role> {
        Roles::<T>::get(who).unwrap_or_default().iter().collect()
    }

    /// The audit head of `record` (zero before its first operation).
    pub fn audit_head(record: RecordId) -> H256 {
        <Self as AuditLog>::head(record)
    }
}

impl<T: Config> RoleProvider<T::AccountId> for Pallet<T> {
    fn has_role(who: &T::AccountId, role: Role) -> bool {
        Self::has_role(who, role)
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn grant_for_benchmarks(who: &T::AccountId, role: Role) {
        Roles::<T>::mutate(who, |set| *set = Some(set.unwrap_or_default().with(role)));
    }
}
