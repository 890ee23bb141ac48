//! # medchain-primitives
//!
//! Types and traits shared by `pallet-medical-records`, `pallet-access`, the runtime
//! and the clients. `no_std`, and free of any pallet, so that either pallet can be used
//! in any runtime (a parachain's included) with the other one or a replacement.
//!
//! - Identifiers: [`RecordId`], [`RequestId`].
//! - [`Role`]: the paper's data owner, data manager and data demander.
//! - [`Codec`]: how a record's blob was compressed (method and primed dictionary).
//! - [`RoleProvider`]: who holds which role (implemented by `pallet-access`).
//! - [`RecordProvider`]: who owns and manages a record (implemented by
//!   `pallet-medical-records`).
//! - [`AuditLog`]: the per-record, hash-chained audit trail that every operation of
//!   both pallets extends; [`audit_step`] is its one formula.

#![cfg_attr(not(feature = "std"), no_std)]

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
)]
pub enum Role {
    /// Collects, compresses, labels and registers records (a patient, or a hospital or
    /// institution the patient authorised).
    DataOwner,
    /// Keeps the encrypted blobs off-chain and serves them to authorised demanders.
    DataManager,
    /// Asks for access to records and, once approved, receives their data keys.
    DataDemander,
}

impl Role {
    /// All roles, in their encoding order.
    pub const ALL: [Role; 3] = [Role::DataOwner, Role::DataManager, Role::DataDemander];

    /// This role as a bit of a [`RoleSet`].
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
        self.0 & 0b111 == 0
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

/// Who holds which role. Implemented by `pallet-access`.
pub trait RoleProvider<AccountId> {
    /// Whether `who` holds `role`.
    fn has_role(who: &AccountId, role: Role) -> bool;
}

/// What the access pallet needs to know about a record. Implemented by
/// `pallet-medical-records`.
pub trait RecordProvider<AccountId> {
    /// The owner of a live (not retracted) record.
    fn owner(record: RecordId) -> Option<AccountId>;
    /// The data manager of a live record.
    fn manager(record: RecordId) -> Option<AccountId>;
}

/// The hash-chained audit trail of each record. Implemented by the pallet that keeps the
/// heads (`pallet-access`); `pallet-medical-records` extends it on registration,
/// amendment and retraction.
pub trait AuditLog {
    /// Extends `record`'s head with an operation (its SCALE encoding): the new head is
    /// [`audit_step`]`(head, operation)`. Returns the new head.
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
