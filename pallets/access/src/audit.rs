//! The audit trail of each record: its head in state and, as each block executes, its
//! events in the node's off-chain audit index (`medchain_primitives::audit_index`).

use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use medchain_primitives::{
    audit_index::{self, AuditTrail, IndexedEvent},
    audit_step, AuditLog, RecordId,
};
use sp_core::H256;
use sp_runtime::traits::UniqueSaturatedInto;

use crate::{AuditHeads, AuditTails, BlockAuditIndex, Config, Pallet};

/// Where a record's off-chain audit index stands: how many of its events it holds and
/// the block of the last one.
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
pub struct AuditTail<BlockNumber> {
    /// Events indexed so far.
    pub indexed: u64,
    /// The block of the last one.
    pub last_block: BlockNumber,
}

impl<T: Config> AuditLog for Pallet<T> {
    fn record_operation(record: RecordId, operation: &[u8]) -> H256 {
        let before = Self::head(record);
        let head = audit_step(&before, operation);
        AuditHeads::<T>::insert(record, head);
        Self::index_operation(record, operation, before);
        head
    }

    fn head(record: RecordId) -> H256 {
        AuditHeads::<T>::get(record).unwrap_or_default()
    }
}

impl<T: Config> Pallet<T> {
    /// The audit head of `record` with where its off-chain index stands.
    pub fn audit_trail(record: RecordId) -> AuditTrail {
        let tail = AuditTails::<T>::get(record);
        AuditTrail {
            head: Self::audit_head(record),
            indexed: tail.as_ref().map_or(0, |t| t.indexed),
            last_block: tail.map(|t| t.last_block.unique_saturated_into()),
        }
    }

    /// Writes an operation on `record` into the node's off-chain audit index, as its next
    /// entry, with a line in this block's manifest. `head_before` is the record's head
    /// before the operation. Called just before the event is deposited (see
    /// `AuditLog`), so the event's index is the current event count. Nodes without
    /// `--enable-offchain-indexing` drop the writes; the tail advances all the same, so
    /// that every node agrees on the state.
    fn index_operation(record: RecordId, operation: &[u8], head_before: H256) {
        let now = frame_system::Pallet::<T>::block_number();
        let (identity, line) = match BlockAuditIndex::<T>::get() {
            Some((block, identity, line)) if block == now => (identity, line),
            _ => (Self::block_identity(now), 0),
        };
        let tail = AuditTails::<T>::get(record);
        let seq = tail.as_ref().map_or(0, |t| t.indexed);
        let entry = IndexedEvent {
            block: now.unique_saturated_into(),
            event_index: frame_system::Pallet::<T>::event_count(),
            previous_block: tail.map(|t| t.last_block.unique_saturated_into()),
            head_before,
            event: operation.to_vec(),
        };
        for (key, value) in audit_index::index_writes(&identity, line, record, seq, &entry) {
            sp_io::offchain_index::set(&key, &value);
        }
        AuditTails::<T>::insert(
            record,
            AuditTail {
                indexed: seq.saturating_add(1),
                last_block: now,
            },
        );
        BlockAuditIndex::<T>::put((now, identity, line.saturating_add(1)));
    }

    /// The executing block's identity, as the node computes it from the block's header.
    fn block_identity(now: BlockNumberFor<T>) -> [u8; 32] {
        audit_index::block_identity(
            now.unique_saturated_into(),
            frame_system::Pallet::<T>::parent_hash().as_ref(),
            &frame_system::Pallet::<T>::digest(),
        )
    }
}
