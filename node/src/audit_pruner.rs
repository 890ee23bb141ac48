//! Keeps the off-chain audit index to the canonical chain.
//!
//! Every imported block writes its audit entries into the node's off-chain database,
//! forks included (the database is not fork-aware). Readers never reach a retracted
//! block's entries (they walk the canonical chain, see
//! `medchain_primitives::audit_index`), and this task deletes them: on each finality
//! notification it reads the manifest of every block that finality discarded and removes
//! the entries and the manifest; of each newly final block it removes just the manifest,
//! which is needed no more.
//!
//! A block discarded while the node was stopped is not seen: its entries stay,
//! unreachable, until the database is removed. The task runs on a blocking thread: its
//! database reads and writes do not hold up the node's async tasks.

use std::sync::Arc;

use futures::StreamExt;
use medchain_primitives::audit_index::{block_keys, header_identity};
use medchain_runtime::opaque::Block;
use sc_client_api::BlockchainEvents;
use sp_blockchain::HeaderBackend;
use sp_core::{
    offchain::{OffchainStorage, STORAGE_PREFIX},
    H256,
};
use sp_runtime::traits::Header as _;

/// Runs until the node stops.
pub async fn run<C, S>(client: Arc<C>, mut storage: S)
where
    C: BlockchainEvents<Block> + HeaderBackend<Block>,
    S: OffchainStorage,
{
    let mut finality = client.finality_notification_stream();
    while let Some(notification) = finality.next().await {
        let stale: Vec<H256> = notification.stale_blocks.iter().map(|b| b.hash).collect();
        let finalized = notification
            .tree_route
            .iter()
            .copied()
            .chain(std::iter::once(notification.hash));
        let identity_of = |hash: H256| {
            let header = client.header(hash).ok().flatten()?;
            Some((u64::from(*header.number()), header_identity(&header)))
        };
        let canonical = |number: u64| {
            let hash = client.hash(u32::try_from(number).ok()?).ok().flatten()?;
            identity_of(hash).map(|(_, identity)| identity)
        };
        let removed = prune(
            &mut storage,
            stale.into_iter().filter_map(identity_of),
            finalized.filter_map(|hash| identity_of(hash).map(|(_, identity)| identity)),
            canonical,
        );
        if removed > 0 {
            log::debug!(target: "medchain-audit", "pruned {removed} audit index keys");
        }
    }
}

/// Removes the entries and manifests of `stale` blocks (number, identity) and the
/// manifests of `finalized` ones; returns how many keys went. A stale block with the
/// identity of the canonical block at its height (an equivocation: same parent, same
/// slot) shares its keys with it and is left alone.
pub fn prune<S: OffchainStorage>(
    storage: &mut S,
    stale: impl Iterator<Item = (u64, [u8; 32])>,
    finalized: impl Iterator<Item = [u8; 32]>,
    canonical: impl Fn(u64) -> Option<[u8; 32]>,
) -> usize {
    let mut keys = Vec::new();
    for (number, identity) in stale {
        if canonical(number) != Some(identity) {
            keys.extend(block_keys(&identity, true, |key| {
                storage.get(STORAGE_PREFIX, key)
            }));
        }
    }
    for identity in finalized {
        keys.extend(block_keys(&identity, false, |key| {
            storage.get(STORAGE_PREFIX, key)
        }));
    }
    for key in &keys {
        storage.remove(STORAGE_PREFIX, key);
    }
    keys.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use medchain_primitives::{
        audit_index::{entry_key, index_writes, read_trail, IndexedEvent, WalkStart},
        audit_step,
    };
    use sp_core::offchain::storage::InMemOffchainStorage;

    /// Writes entry `seq` of record 5 in block `block` (identity `identity`) after head
    /// `head_before`; returns the head after it.
    fn write(
        storage: &mut InMemOffchainStorage,
        identity: [u8; 32],
        seq: u64,
        block: u64,
        head_before: H256,
    ) -> H256 {
        let entry = IndexedEvent {
            block,
            event_index: 0,
            previous_block: seq.checked_sub(1).map(|_| block - 1),
            head_before,
            event: vec![identity[0]],
        };
        for (key, value) in index_writes(&identity, 0, 5, seq, &entry) {
            storage.set(STORAGE_PREFIX, &key, &value);
        }
        audit_step(&head_before, &entry.event)
    }

    #[test]
    fn finality_removes_a_discarded_fork_and_keeps_the_canonical_trail() {
        let mut storage = InMemOffchainStorage::default();
        let (b1, b2, fork2) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        let head1 = write(&mut storage, b1, 0, 1, H256::zero());
        let head2 = write(&mut storage, b2, 1, 2, head1);
        write(&mut storage, fork2, 1, 2, head1);
        let canonical = |n: u64| {
            [None, Some(b1), Some(b2)]
                .get(n as usize)
                .copied()
                .flatten()
        };
        let start = WalkStart {
            seq: 1,
            block: 2,
            head: head2,
        };
        let read = |storage: &InMemOffchainStorage| {
            read_trail(5, &start, 0, 10, canonical, |k| {
                storage.get(STORAGE_PREFIX, k)
            })
            .unwrap()
        };
        let before = read(&storage);

        // Block 2 is final; the fork at height 2 is discarded.
        let removed = prune(
            &mut storage,
            [(2, fork2)].into_iter(),
            [b1, b2].into_iter(),
            canonical,
        );
        // The fork's entry and manifest line, and the two final blocks' manifest lines.
        assert_eq!(removed, 4);
        let fork_head = audit_step(&head1, &[fork2[0]]);
        assert!(storage
            .get(STORAGE_PREFIX, &entry_key(5, 1, &fork2, &fork_head))
            .is_none());
        let after = read(&storage);
        assert_eq!(after, before);
        assert_eq!(after[1].entry.event, vec![2]);
        // A second notification finds nothing left to remove.
        assert_eq!(
            prune(
                &mut storage,
                [(2, fork2)].into_iter(),
                [b2].into_iter(),
                canonical
            ),
            0
        );
    }

    #[test]
    fn an_equivocating_block_sharing_the_canonical_identity_is_left_alone() {
        let mut storage = InMemOffchainStorage::default();
        let b1 = [1u8; 32];
        write(&mut storage, b1, 0, 1, H256::zero());
        let canonical = |n: u64| (n == 1).then_some(b1);
        assert_eq!(
            prune(
                &mut storage,
                [(1, b1)].into_iter(),
                [].into_iter(),
                canonical
            ),
            0
        );
        let head = audit_step(&H256::zero(), &[b1[0]]);
        assert!(storage
            .get(STORAGE_PREFIX, &entry_key(5, 0, &b1, &head))
            .is_some());
    }
}
