//! # medchain-primitives
//!
//! Types and traits shared by `pallet-medical-records`, `pallet-access`, the runtime
//! and the clients. `no_std`, and free of any pallet, so that either pallet can be used
//! in any runtime (a parachain's included) with the other one or a replacement.
//!
//! - Identifiers: [`RecordId`], [`RequestId`].
//! - [`Role`]: the paper's data owner, data manager and data demander.
//! - [`Codec`]: how a record's blob was compressed (method and primed dictionary).
//! - [`DictionaryLanguage`], [`DictionaryInfo`]: the registry of primed dictionaries kept by
//!   `pallet-medical-records`.
//! - [`RoleProvider`]: who holds which role (implemented by `pallet-access`).
//! - [`RecordProvider`]: who owns and manages a record (implemented by
//!   `pallet-medical-records`).
//! - [`AuditLog`]: the per-record, hash-chained audit trail that every operation of
//!   both pallets extends; [`audit_step`] is its one formula.
//! - The stored shapes: [`RecordInput`], [`Record`], [`Request`], [`Grant`], generic over
//!   the bounds each runtime chooses.
//! - The runtime APIs [`MedicalRecordsApi`] and [`AccessApi`], declared here so that
//!   clients need neither pallet to call them.
//! - [`x25519`]: which published X25519 keys are refused (points of small order).
//! - [`offchain`]: the `medr` key and the layout of a node's ingestion queue and blob
//!   store, shared by the node's RPC and the off-chain worker; [`IntegrityFault`]: what
//!   the worker's re-verification of a held blob can find.
//! - [`audit_index`]: the layout of a node's off-chain audit index (each record's events
//!   by sequence number, keyed by block so that forks cannot mix), written by
//!   `pallet-access` and read by the node's `medchain_auditLog` RPC.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod audit_index;
pub mod labels;
pub mod offchain;
pub mod purpose;
pub mod x25519;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

/// Identifier of a registered record (a new id for every version).
pub type RecordId = u64;
/// Identifier of an access request.
pub type RequestId = u64;

/// The roles of the paper's sharing model (§4.2).
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Role {
    /// Collects, compresses, labels and registers records (a patient, or a hospital or
    /// institution the patient authorised).
    DataOwner,
    /// Keeps the encrypted blobs off-chain and serves them to authorised demanders.
    DataManager,
    /// Asks for access to records and, once approved, receives their data keys.
    DataDemander,
    /// A data demander who may break the glass: open a short grant at once, without a
    /// vote, for an emergency, which the members review afterwards.
    EmergencyAccess,
}

impl Role {
    /// All roles, in their encoding order.
    pub const ALL: [Role; 4] = [
        Role::DataOwner,
        Role::DataManager,
        Role::DataDemander,
        Role::EmergencyAccess,
    ];

    /// The bits of all roles in a `RoleSet`.
    const ALL_BITS: u8 = {
        let mut bits = 0;
        let mut i = 0;
        while i < Self::ALL.len() {
            bits |= Self::ALL[i].bit();
            i += 1;
        }
        bits
    };

    /// This role as a bit of a `RoleSet`.
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of roles in one byte (bit `r` is role `r`), the form kept in storage.
#[derive(
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct RoleSet(pub u8);

impl RoleSet {
    /// Whether `role` is in the set.
    pub const fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// The set with `role` added.
    pub const fn with(self, role: Role) -> Self {
        Self(self.0 | role.bit())
    }

    /// The set with `role` removed.
    pub const fn without(self, role: Role) -> Self {
        Self(self.0 & !role.bit())
    }

    /// Whether no role is in the set.
    pub const fn is_empty(self) -> bool {
        self.0 & Role::ALL_BITS == 0
    }

    /// The roles in the set.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

/// How a record's blob was compressed with `medchain-lzw`: the container's method and
/// the primed dictionary, if any (its blake2-256 id).
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct Codec {
    /// The method byte of the container (stored, bytes, hanzi, paper-mixed, framed).
    pub method: CodecMethod,
    /// The primed dictionary the blob needs, if any.
    pub dictionary: Option<H256>,
}

/// The container methods of `medchain-lzw` (the same numbering as its header byte).
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum CodecMethod {
    /// Stored raw (incompressible).
    Stored,
    /// LZW over bytes.
    Bytes,
    /// LZW over GB2312 characters and bytes (the paper's method).
    Hanzi,
    /// The paper's two-stream mixed method.
    PaperMixed,
    /// A streaming container of independently compressed frames.
    Framed,
}

/// What re-verifying a held blob against its record found wrong.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum IntegrityFault {
    /// The node no longer has the blob.
    BlobMissing,
    /// The blob's hash is not the record's `content_hash`.
    ContentMismatch,
    /// The blob does not decompress.
    Undecodable,
    /// The decompressed text's hash or length is not the record's.
    RawMismatch,
}

/// The language of the text a primed dictionary was trained on, so that the worker
/// picks the dictionary that fits a record.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum DictionaryLanguage {
    /// Mostly Chinese text (e.g. a Chinese hospital's records).
    Chinese,
    /// English text.
    English,
    /// Chinese text with English terms (drug names, units, codes) mixed in.
    Mixed,
}

impl DictionaryLanguage {
    /// All languages, in their encoding order.
    pub const ALL: [DictionaryLanguage; 3] = [
        DictionaryLanguage::Chinese,
        DictionaryLanguage::English,
        DictionaryLanguage::Mixed,
    ];
}

/// A primed dictionary as registered on-chain. Its id (the key it is stored under) is
/// the blake2-256 hash of the dictionary file, which is also the hash of the preimage
/// that keeps the file's bytes and the id a `medchain-lzw` container names.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct DictionaryInfo<BlockNumber> {
    /// Length of the dictionary file in bytes.
    pub len: u32,
    /// The language it was trained on.
    pub language: DictionaryLanguage,
    /// The block that registered it.
    pub registered_block: BlockNumber,
    /// The block that retired it, if it was retired: new records should no longer use it,
    /// but records compressed with it stay registrable and decodable.
    pub retired_block: Option<BlockNumber>,
}

/// Who holds which role. Implemented by `pallet-access`.
pub trait RoleProvider<AccountId> {
    /// Whether `who` holds `role`.
    fn has_role(who: &AccountId, role: Role) -> bool;

    /// Gives `who` the role, for another pallet's benchmarks.
    #[cfg(feature = "runtime-benchmarks")]
    fn grant_for_benchmarks(who: &AccountId, role: Role);
}

/// What the access pallet needs to know about a record. Implemented by
/// `pallet-medical-records`.
pub trait RecordProvider<AccountId> {
    /// The owner of a live (neither superseded nor retracted) record.
    fn owner(record: RecordId) -> Option<AccountId>;
    /// The data manager of a live record.
    fn manager(record: RecordId) -> Option<AccountId>;

    /// Registers a live record of `owner`, kept by `manager`, for another pallet's
    /// benchmarks.
    #[cfg(feature = "runtime-benchmarks")]
    fn create_for_benchmarks(owner: &AccountId, manager: &AccountId) -> RecordId;
}

/// What a data owner submits to register (or amend) a record. `Labels` and `Location`
/// are the runtime's bounded byte vectors.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct RecordInput<AccountId, Labels, Location> {
    /// blake2-256 of the original text.
    pub raw_hash: H256,
    /// blake2-256 of the stored blob (compressed, then encrypted).
    pub content_hash: H256,
    /// Length of the original text in bytes.
    pub raw_len: u64,
    /// Length of the compressed blob in bytes (before encryption).
    pub compressed_len: u64,
    /// How the blob was compressed.
    pub codec: Codec,
    /// Search labels (e.g. department, diagnosis code, language).
    pub labels: Labels,
    /// Where the manager keeps the blob (a URL or a key in its store).
    pub location: Location,
    /// The data manager that keeps and serves the blob.
    pub manager: AccountId,
}

/// Where a record stands.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum RecordStatus {
    /// Current; may be requested, amended or retracted.
    Live,
    /// Replaced by a newer version; kept for its history.
    Superseded {
        /// The version that replaced it.
        by: RecordId,
    },
    /// Withdrawn by its owner; kept for its history, deposit returned.
    Retracted,
}

/// A registered record as kept on-chain.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Record<AccountId, Balance, Labels, Location, BlockNumber> {
    /// The data owner that registered it.
    pub owner: AccountId,
    /// What the owner submitted.
    pub input: RecordInput<AccountId, Labels, Location>,
    /// The version this one amends, if any.
    pub previous: Option<RecordId>,
    /// Live, superseded or retracted.
    pub status: RecordStatus,
    /// Timestamp (ms since the Unix epoch) of the block that registered it.
    pub registered_at_ms: u64,
    /// The deposit held from the owner while the record is live.
    pub deposit: Balance,
    /// The block that registered it, so that an audit starts there instead of searching
    /// by `registered_at_ms`. `None` for records registered before storage version 2 of
    /// `pallet-medical-records`.
    pub registered_block: Option<BlockNumber>,
    /// What `input.raw_hash` is: `Plain` for records registered before
    /// storage version 3 of `pallet-medical-records`, `Keyed` after.
    pub raw_hash_kind: RawHashKind,
}

/// What a record's `raw_hash` is.
///
/// The runtime cannot check a hash, so the kind says under which rule a record was
/// registered; a reader verifies the text by the format of the sealed blob it opens.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum RawHashKind {
    /// blake2-256 of the text: anyone can test a guess of the text against it. Records
    /// registered before keyed commitments (storage version 3).
    Plain,
    /// The owner's keyed commitment to the text (`medchain-crypto`): only the owner and
    /// whoever it gives the record's key can recompute it.
    Keyed,
}

/// Where an access request stands.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum RequestStatus {
    /// Members are voting.
    Open,
    /// Enough members approved; waiting for the owner or manager to deliver the key.
    Approved,
    /// Approval became impossible.
    Rejected,
    /// The voting period ended before a decision.
    Expired,
    /// Approved, and the key was delivered (a grant exists or existed).
    Delivered,
}

/// A demander's request for access to a record.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Request<AccountId, BlockNumber, Purpose> {
    /// The record asked for.
    pub record: RecordId,
    /// Who asks.
    pub demander: AccountId,
    /// Why (free text, bounded).
    pub purpose: Purpose,
    /// Consortium members when the request opened.
    pub members: u32,
    /// Ayes needed: ⌈members / 2⌉, fixed at opening.
    pub threshold: u32,
    /// Ayes so far.
    pub ayes: u32,
    /// Nays so far.
    pub nays: u32,
    /// Open, approved, rejected, expired or delivered.
    pub status: RequestStatus,
    /// Timestamp (ms since the Unix epoch) of the block that opened it.
    pub opened_at_ms: u64,
    /// The block at whose start an undecided request expires.
    pub expires_block: BlockNumber,
}

/// Where the members' review of an emergency (break-glass) access stands.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum ReviewStatus {
    /// Members are reviewing.
    Pending,
    /// A majority found the access justified.
    Justified,
    /// A majority found it unjustified: the demander lost the emergency role and the
    /// grant ended.
    Unjustified,
}

/// The members' review of an emergency access, kept with its request (same id). The
/// request holds the record, the demander and the reason.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Review<BlockNumber> {
    /// Members who may review it when the access opened: the consortium's members but
    /// the demander.
    pub reviewers: u32,
    /// Verdicts needed: ⌈reviewers / 2⌉ justify it; more than `reviewers - threshold`
    /// find it unjustified. Fixed at opening.
    pub threshold: u32,
    /// Members who found it justified.
    pub justified: u32,
    /// Members who found it unjustified.
    pub unjustified: u32,
    /// Pending, justified or unjustified.
    pub status: ReviewStatus,
    /// The block from which a review still pending may be reaped with its request,
    /// flagged as lapsed: so that no membership change or silence keeps it for ever.
    pub until_block: BlockNumber,
}

/// A demander's access to a record: the data key wrapped for the demander's X25519 key.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Grant<AccountId, BlockNumber, WrappedKey> {
    /// The approved request this grant answers.
    pub request: RequestId,
    /// Who delivered the key (the owner or the manager).
    pub delivered_by: AccountId,
    /// The data key sealed to the demander's published X25519 key.
    pub wrapped_key: WrappedKey,
    /// Timestamp (ms since the Unix epoch) of the delivery.
    pub granted_at_ms: u64,
    /// The first block in which the grant no longer gives access.
    pub expires_block: BlockNumber,
}

sp_api::decl_runtime_apis! {
    /// Reading the record registry (`pallet-medical-records`).
    ///
    /// Pages: `from` is the last id of the previous page (`None` for the first page);
    /// ids come in storage order, at most `limit` (capped by the runtime) per call.
    pub trait MedicalRecordsApi<AccountId, Record>
    where
        AccountId: codec::Codec,
        Record: codec::Codec,
    {
        /// A record by id (any status).
        fn record(id: RecordId) -> Option<Record>;
        /// Live records of an owner.
        fn records_of(owner: AccountId, from: Option<RecordId>, limit: u32) -> sp_runtime::Vec<RecordId>;
        /// Live records carrying a label.
        fn records_labelled(label: sp_runtime::Vec<u8>, from: Option<RecordId>, limit: u32) -> sp_runtime::Vec<RecordId>;
    }

    /// Reading roles, requests, grants and audit heads (`pallet-access`).
    ///
    /// Version 2 adds `audit_trail`, which the node's off-chain audit index is read from.
    #[api_version(2)]
    pub trait AccessApi<AccountId, Request>
    where
        AccountId: codec::Codec,
        Request: codec::Codec,
    {
        /// Whether `who` may read `record` now: its owner or manager, or a demander
        /// holding an unexpired grant, while the record is live.
        fn can_access(record: RecordId, who: AccountId) -> bool;
        /// A request by id.
        fn request(id: RequestId) -> Option<Request>;
        /// The roles `who` holds.
        fn roles(who: AccountId) -> sp_runtime::Vec<Role>;
        /// The audit head of a record (zero before its first operation).
        fn audit_head(record: RecordId) -> H256;
        /// A record's audit head with how many of its events are in the off-chain index
        /// and the block of the last one (see [`audit_index`]).
        #[api_version(2)]
        fn audit_trail(record: RecordId) -> audit_index::AuditTrail;
    }
}

/// The hash-chained audit trail of each record. Implemented by the pallet that keeps the
/// heads (`pallet-access`); `pallet-medical-records` extends it on registration,
/// amendment and retraction.
pub trait AuditLog {
    /// Extends `record`'s head with an operation (its SCALE encoding): the new head is
    /// `audit_step(head, operation)`. Returns the new head. Call it just before the
    /// event is deposited: the implementation in `pallet-access` indexes the event at
    /// the current event count (see [`audit_index`]).
    fn record_operation(record: RecordId, operation: &[u8]) -> H256;
    /// The current head of `record` (all zero before its first operation).
    fn head(record: RecordId) -> H256;
}

/// One step of an audit chain: `blake2_256(head ++ operation)`.
///
/// An exported list of a record's operations (the SCALE encoding of each event's
/// operation, in order) is checked by folding it from the zero hash and comparing the
/// result with the on-chain head.
pub fn audit_step(head: &H256, operation: &[u8]) -> H256 {
    let mut preimage = sp_runtime::Vec::with_capacity(32 + operation.len());
    preimage.extend_from_slice(head.as_bytes());
    preimage.extend_from_slice(operation);
    <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&preimage)
}

/// Folds a record's exported operations into the head they must produce.
pub fn audit_head_of<'a>(operations: impl IntoIterator<Item = &'a [u8]>) -> H256 {
    operations
        .into_iter()
        .fold(H256::zero(), |head, op| audit_step(&head, op))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets() {
        let set = RoleSet::default()
            .with(Role::DataOwner)
            .with(Role::DataDemander);
        assert!(set.contains(Role::DataOwner) && set.contains(Role::DataDemander));
        assert!(!set.contains(Role::DataManager));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Role::DataOwner, Role::DataDemander]
        );
        assert!(set
            .without(Role::DataOwner)
            .without(Role::DataDemander)
            .is_empty());
        assert_eq!(RoleSet::default().with(Role::DataManager).encode(), [2]);
    }

    #[test]
    fn audit_chain_is_order_sensitive_and_tamper_evident() {
        let ops: [&[u8]; 3] = [b"registered", b"requested", b"approved"];
        let head = audit_head_of(ops);
        assert_ne!(head, H256::zero());
        let mut step = H256::zero();
        for op in ops {
            step = audit_step(&step, op);
        }
        assert_eq!(step, head);
        assert_ne!(
            audit_head_of([ops[1], ops[0], ops[2]]),
            head,
            "order matters"
        );
        assert_ne!(
            audit_head_of([ops[0], ops[1]]),
            head,
            "a dropped entry shows"
        );
        assert_ne!(
            audit_head_of([ops[0], b"requestEd", ops[2]]),
            head,
            "an edited entry shows"
        );
    }

    #[test]
    fn codec_descriptor_encoding_is_stable() {
        let codec = Codec {
            method: CodecMethod::Hanzi,
            dictionary: None,
        };
        assert_eq!(codec.encode(), [2, 0]);
        assert_eq!(Codec::max_encoded_len(), 1 + 33);
        assert_eq!(Role::DataDemander.encode(), [2]);
    }
}
