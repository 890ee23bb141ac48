//! The layout of a node's off-chain audit index: how `pallet-access` writes each audited
//! event into the node's off-chain database as a block is imported
//! (`sp_io::offchain_index`, on nodes started with `--enable-offchain-indexing true`),
//! and how the node's `medchain_auditLog` RPC and its pruner read and clean it.
//!
//! ## Why entries are keyed by their block and chained by head
//!
//! The off-chain database is not fork-aware: every imported block writes its entries,
//! whether or not it ends on the canonical chain. So an entry is keyed by
//! `(record, sequence number, block identity)`, where the identity is known both to the
//! runtime while it executes the block and to the node from the block's header (see
//! [`block_identity`]). Each entry names the block of the record's previous entry, and
//! the runtime keeps, per record, the length of its trail and the block of its last
//! entry ([`AuditTrail`]). A reader walks back from that block along the canonical
//! chain, computing each block's identity from its canonical header, so it reaches only
//! entries written by canonical blocks. Two blocks share an identity only if they have
//! the same parent and the same consensus pre-digest (an equivocation); so an entry is
//! also keyed by the record's head after it and carries the head before it, and the walk
//! checks every entry against the head that follows it, starting from the on-chain head:
//! a sibling's different events live under other keys, and an entry that does not belong
//! to the record's chain is refused, not served.
//! The node deletes a retracted block's entries when finality discards the block (each
//! block also writes a manifest of its entries, [`manifest_key`]).

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{Digest, DigestItem};

use crate::{audit_step, RecordId};

/// Prefix of the entries: `ENTRY_PREFIX ++ record (LE) ++ seq (LE) ++ block identity`.
pub const ENTRY_PREFIX: &[u8] = b"medchain::audit::entry";
/// Prefix of the per-block manifests: `MANIFEST_PREFIX ++ block identity ++ n (LE)`.
pub const MANIFEST_PREFIX: &[u8] = b"medchain::audit::block";

/// Where a record's audit trail stands, as the runtime keeps it and `AccessApi`
/// returns it.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Default,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct AuditTrail {
    /// The audit head: the fold of every operation on the record.
    pub head: H256,
    /// Events indexed so far (events before the runtime wrote the index are not
    /// counted, so the fold of the index then differs from `head`).
    pub indexed: u64,
    /// The block of the last indexed event (`None`: none yet).
    pub last_block: Option<u64>,
}

/// One indexed event: the value stored under [`entry_key`].
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct IndexedEvent {
    /// The block that deposited the event.
    pub block: u64,
    /// The event's index among the block's events (`System.Events`).
    pub event_index: u32,
    /// The block of the record's previous indexed event (`None` for the first).
    pub previous_block: Option<u64>,
    /// The record's audit head before this event: the head after it is
    /// `audit_step(head_before, event)`.
    pub head_before: H256,
    /// The event as the runtime encodes it (`RuntimeEvent`), which is what the audit head
    /// folds.
    pub event: Vec<u8>,
}

/// One line of a block's manifest: which entry the block wrote.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ManifestLine {
    pub record: RecordId,
    pub seq: u64,
    /// The record's head after the entry (part of the entry's key).
    pub head_after: H256,
}

/// A block's identity as both the executing runtime and a header reader can compute it:
/// `blake2_256(number ++ parent hash ++ the header's pre-runtime digests)`. Two blocks
/// share it only if they have the same parent and the same consensus pre-digest (the
/// same author in the same slot: an equivocation).
pub fn block_identity(number: u64, parent_hash: &[u8], digest: &Digest) -> [u8; 32] {
    let mut preimage = Vec::with_capacity(8 + 32 + 64);
    preimage.extend_from_slice(&number.to_le_bytes());
    preimage.extend_from_slice(parent_hash);
    for item in digest.logs() {
        if let DigestItem::PreRuntime(engine, data) = item {
            preimage.extend_from_slice(engine);
            data.encode_to(&mut preimage);
        }
    }
    <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&preimage).0
}

/// [`block_identity`] of a block from its header.
pub fn header_identity<H: sp_runtime::traits::Header>(header: &H) -> [u8; 32] {
    use sp_runtime::traits::UniqueSaturatedInto;
    block_identity(
        (*header.number()).unique_saturated_into(),
        header.parent_hash().as_ref(),
        header.digest(),
    )
}

/// The key of a record's `seq`-th indexed event, written by the block `block_identity`,
/// after which the record's head is `head_after`. The head is part of the key so that two
/// blocks sharing an identity (an equivocation) overwrite each other's entries only if
/// they hold the same events.
pub fn entry_key(
    record: RecordId,
    seq: u64,
    block_identity: &[u8; 32],
    head_after: &H256,
) -> Vec<u8> {
    let mut key = Vec::with_capacity(ENTRY_PREFIX.len() + 16 + 64);
    key.extend_from_slice(ENTRY_PREFIX);
    key.extend_from_slice(&record.to_le_bytes());
    key.extend_from_slice(&seq.to_le_bytes());
    key.extend_from_slice(block_identity);
    key.extend_from_slice(head_after.as_bytes());
    key
}

/// The key of the `n`-th line of a block's manifest (lines are numbered from 0 with no
/// gap, so a reader stops at the first missing one).
pub fn manifest_key(block_identity: &[u8; 32], n: u32) -> Vec<u8> {
    let mut key = Vec::with_capacity(MANIFEST_PREFIX.len() + 32 + 4);
    key.extend_from_slice(MANIFEST_PREFIX);
    key.extend_from_slice(block_identity);
    key.extend_from_slice(&n.to_le_bytes());
    key
}

/// The two writes that index the `line`-th audited event of a block: the entry under
/// [`entry_key`] and the manifest line under [`manifest_key`] (key, value).
pub fn index_writes(
    identity: &[u8; 32],
    line: u32,
    record: RecordId,
    seq: u64,
    entry: &IndexedEvent,
) -> [(Vec<u8>, Vec<u8>); 2] {
    let head_after = audit_step(&entry.head_before, &entry.event);
    [
        (
            entry_key(record, seq, identity, &head_after),
            entry.encode(),
        ),
        (
            manifest_key(identity, line),
            ManifestLine {
                record,
                seq,
                head_after,
            }
            .encode(),
        ),
    ]
}

/// Most entries one read walks: a read costs a walk back from where it starts (the
/// trail's last entry, or a point a previous page gave), so a hostile caller cannot
/// make one read long.
pub const MAX_WALK: u64 = 10 * MAX_PAGE as u64;

/// Most entries one read returns.
pub const MAX_PAGE: u32 = 1_000;

/// Why a trail could not be read from the index.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ReadError {
    /// The canonical chain has no block `block` (the chain moved under the reader).
    NoBlock { block: u64 },
    /// The index holds no entry `seq` (block `block`): the node did not index when it
    /// imported that block.
    Missing { seq: u64, block: u64 },
    /// Entry `seq` does not decode, names a later block as the previous one, or does not
    /// fold to the head that follows it (a colliding or forged entry).
    Corrupt { seq: u64 },
    /// The page starts more than [`MAX_WALK`] entries before where the walk starts.
    TooDeep { from: u64, start: u64 },
}

/// Where a walk back starts: entry `seq` is in block `block`, and the record's head after
/// it is `head`. The trail's end ([`WalkStart::end_of`]), or the point before a page
/// already read ([`ReadEntry::before`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct WalkStart {
    pub seq: u64,
    pub block: u64,
    pub head: H256,
}

impl WalkStart {
    /// The last entry of a trail (`None` when nothing is indexed).
    pub fn end_of(trail: &AuditTrail) -> Option<Self> {
        Some(Self {
            seq: trail.indexed.checked_sub(1)?,
            block: trail.last_block?,
            head: trail.head,
        })
    }
}

/// An entry read back, with its place in the record's trail.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReadEntry {
    /// The entry's sequence number (0 for the record's first indexed event).
    pub seq: u64,
    /// The entry as stored.
    pub entry: IndexedEvent,
}

impl ReadEntry {
    /// Where a walk to the entries before this one starts (`None` for the first).
    pub fn before(&self) -> Option<WalkStart> {
        Some(WalkStart {
            seq: self.seq.checked_sub(1)?,
            block: self.entry.previous_block?,
            head: self.entry.head_before,
        })
    }
}

/// Reads the entries `from .. from + limit` (`limit` capped at [`MAX_PAGE`]) of a
/// record's trail, oldest first, walking back from `start` along the canonical chain:
/// `identity_at(n)` is the identity of the canonical block `n` (from its header),
/// `get(key)` reads the off-chain database. Only entries written by canonical blocks are
/// reached, and each must fold to the head that follows it, from `start.head` back.
pub fn read_trail(
    record: RecordId,
    start: &WalkStart,
    from: u64,
    limit: u32,
    identity_at: impl Fn(u64) -> Option<[u8; 32]>,
    get: impl Fn(&[u8]) -> Option<Vec<u8>>,
) -> Result<Vec<ReadEntry>, ReadError> {
    if from > start.seq || limit == 0 {
        return Ok(Vec::new());
    }
    if start.seq - from >= MAX_WALK {
        return Err(ReadError::TooDeep {
            from,
            start: start.seq,
        });
    }
    let end = from
        .saturating_add(limit.min(MAX_PAGE) as u64)
        .min(start.seq.saturating_add(1));
    let mut page = Vec::with_capacity((end - from) as usize);
    let (mut seq, mut block, mut head_after) = (start.seq, start.block, start.head);
    loop {
        let identity = identity_at(block).ok_or(ReadError::NoBlock { block })?;
        let bytes = get(&entry_key(record, seq, &identity, &head_after))
            .ok_or(ReadError::Missing { seq, block })?;
        let entry =
            IndexedEvent::decode(&mut &bytes[..]).map_err(|_| ReadError::Corrupt { seq })?;
        if entry.block != block || audit_step(&entry.head_before, &entry.event) != head_after {
            return Err(ReadError::Corrupt { seq });
        }
        let previous = entry.previous_block;
        head_after = entry.head_before;
        if seq < end {
            page.push(ReadEntry { seq, entry });
        }
        if seq == from {
            break;
        }
        // Walking back, a previous entry can only be in this block or an earlier one.
        block = previous
            .filter(|previous| *previous <= block)
            .ok_or(ReadError::Corrupt { seq })?;
        seq -= 1;
    }
    page.reverse();
    Ok(page)
}

/// The keys a block wrote into the index (its entries and its manifest), read from its
/// manifest: what to delete once the block is known to be off the canonical chain, or,
/// with `entries` false, just the manifest once the block is final.
pub fn block_keys(
    identity: &[u8; 32],
    entries: bool,
    get: impl Fn(&[u8]) -> Option<Vec<u8>>,
) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    for n in 0u32.. {
        let key = manifest_key(identity, n);
        let Some(line) = get(&key).and_then(|bytes| ManifestLine::decode(&mut &bytes[..]).ok())
        else {
            break;
        };
        if entries {
            keys.push(entry_key(line.record, line.seq, identity, &line.head_after));
        }
        keys.push(key);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_reads_only_pre_runtime_digests() {
        let parent = [7u8; 32];
        let mut digest = Digest::default();
        digest.push(DigestItem::PreRuntime(*b"aura", vec![1, 0, 0, 0]));
        let id = block_identity(5, &parent, &digest);
        // The seal and the runtime's own logs are added after execution: not part of it.
        let mut sealed = digest.clone();
        sealed.push(DigestItem::Seal(*b"aura", vec![9; 64]));
        sealed.push(DigestItem::RuntimeEnvironmentUpdated);
        assert_eq!(block_identity(5, &parent, &sealed), id);
        // A sibling in another slot, another parent or another height differs.
        let mut sibling = Digest::default();
        sibling.push(DigestItem::PreRuntime(*b"aura", vec![2, 0, 0, 0]));
        assert_ne!(block_identity(5, &parent, &sibling), id);
        assert_ne!(block_identity(5, &[8u8; 32], &digest), id);
        assert_ne!(block_identity(6, &parent, &digest), id);
    }

    use alloc::collections::BTreeMap;

    /// Blocks as the runtime indexes them, and each record's trail as the runtime's
    /// state has it on the fork last written.
    #[derive(Default)]
    struct Chain {
        db: BTreeMap<Vec<u8>, Vec<u8>>,
        /// record -> (indexed, last block, head).
        tails: BTreeMap<RecordId, (u64, u64, H256)>,
    }

    impl Chain {
        /// Block `number` on `fork` indexes one event for each of `records`.
        fn block(&mut self, number: u64, fork: u8, records: &[RecordId]) -> [u8; 32] {
            let identity = id(number, fork);
            for (line, record) in records.iter().enumerate() {
                let (seq, previous, head) = match self.tails.get(record) {
                    Some((n, last, head)) => (*n, Some(*last), *head),
                    None => (0, None, H256::zero()),
                };
                let entry = IndexedEvent {
                    block: number,
                    event_index: line as u32,
                    previous_block: previous,
                    head_before: head,
                    event: vec![fork, number as u8, *record as u8, line as u8],
                };
                let after = audit_step(&head, &entry.event);
                for (key, value) in index_writes(&identity, line as u32, *record, seq, &entry) {
                    self.db.insert(key, value);
                }
                self.tails.insert(*record, (seq + 1, number, after));
            }
            identity
        }

        fn start(&self, record: RecordId) -> WalkStart {
            let (indexed, last, head) = self.tails[&record];
            WalkStart::end_of(&AuditTrail {
                head,
                indexed,
                last_block: Some(last),
            })
            .unwrap()
        }

        fn get(&self) -> impl Fn(&[u8]) -> Option<Vec<u8>> + '_ {
            |key| self.db.get(key).cloned()
        }
    }

    fn id(number: u64, fork: u8) -> [u8; 32] {
        let mut digest = Digest::default();
        digest.push(DigestItem::PreRuntime(*b"aura", vec![fork]));
        block_identity(number, &[0u8; 32], &digest)
    }

    fn canonical(n: u64) -> Option<[u8; 32]> {
        Some(id(n, 0))
    }

    #[test]
    fn a_trail_reads_back_in_pages_across_blocks() {
        let mut chain = Chain::default();
        for n in 1..=30 {
            chain.block(n, 0, if n % 3 == 0 { &[7, 7, 8] } else { &[7] });
        }
        let start = chain.start(7);
        assert_eq!(start.seq, 39);
        let all = read_trail(7, &start, 0, 1000, canonical, chain.get()).unwrap();
        assert_eq!(all.len(), 40);
        assert!(all.iter().enumerate().all(|(i, e)| e.seq == i as u64));
        assert_eq!(
            crate::audit_head_of(all.iter().map(|e| &e.entry.event[..])),
            start.head,
            "the trail folds to the head"
        );
        let page = read_trail(7, &start, 10, 5, canonical, chain.get()).unwrap();
        assert_eq!(page, all[10..15].to_vec());
        let tail = read_trail(7, &start, 38, 5, canonical, chain.get()).unwrap();
        assert_eq!(tail, all[38..].to_vec());
        assert!(read_trail(7, &start, 40, 5, canonical, chain.get())
            .unwrap()
            .is_empty());
        // Read backwards, each page resuming before the previous one: the same entries.
        let mut back = Vec::new();
        let mut at = Some(start);
        while let Some(point) = at {
            let from = point.seq.saturating_sub(6);
            let page = read_trail(7, &point, from, 7, canonical, chain.get()).unwrap();
            at = page[0].before();
            back.splice(0..0, page);
        }
        assert_eq!(back, all);
        // A node that did not index: the walk stops with the missing entry.
        assert_eq!(
            read_trail(7, &start, 0, 10, canonical, |_| None),
            Err(ReadError::Missing { seq: 39, block: 30 })
        );
    }

    #[test]
    fn a_retracted_block_is_never_read_and_its_keys_are_found_for_deletion() {
        let mut chain = Chain::default();
        chain.block(1, 0, &[1]);
        let canonical_tails = chain.tails.clone();
        // Fork 1 at height 2 indexes events 1 and 2 of record 1 and event 0 of record 2...
        let retracted = chain.block(2, 1, &[1, 1, 2]);
        // ...then the canonical block 2, imported later, indexes another event 1.
        chain.tails = canonical_tails;
        chain.block(2, 0, &[1]);
        let read = read_trail(1, &chain.start(1), 0, 10, canonical, chain.get()).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(
            read[1].entry.event,
            vec![0, 2, 1, 0],
            "the canonical block's event"
        );
        // What the pruner deletes for the retracted block: its three entries and its
        // three manifest lines, none of the canonical block's.
        let keys = block_keys(&retracted, true, chain.get());
        assert_eq!(keys.len(), 6);
        for key in &keys {
            chain.db.remove(key);
        }
        assert!(chain
            .db
            .keys()
            .all(|k| !k.windows(32).any(|w| w == retracted)));
        assert_eq!(
            read_trail(1, &chain.start(1), 0, 10, canonical, chain.get()).unwrap(),
            read
        );
        // Once a block is final only its manifest goes.
        let final_keys = block_keys(&id(2, 0), false, chain.get());
        assert_eq!(final_keys, vec![manifest_key(&id(2, 0), 0)]);
    }

    #[test]
    fn a_block_sharing_the_identity_does_not_overwrite_other_events() {
        let mut chain = Chain::default();
        chain.block(1, 0, &[1]);
        let before = chain.tails.clone();
        chain.block(2, 0, &[1]);
        let canonical_tails = chain.tails.clone();
        let read = read_trail(1, &chain.start(1), 0, 10, canonical, chain.get()).unwrap();
        // An equivocation: another block 2 with the same parent and slot, imported later,
        // indexes other events (record 9 first, so record 1's event differs).
        chain.tails = before;
        chain.block(2, 0, &[9, 1]);
        chain.tails = canonical_tails;
        assert_eq!(
            read_trail(1, &chain.start(1), 0, 10, canonical, chain.get()).unwrap(),
            read
        );
        // An entry stored under the right key but with other contents is refused.
        let start = chain.start(1);
        let key = entry_key(1, 1, &id(2, 0), &start.head);
        let mut entry = IndexedEvent::decode(&mut &chain.db[&key][..]).unwrap();
        entry.event.push(0);
        chain.db.insert(key, entry.encode());
        assert_eq!(
            read_trail(1, &start, 0, 10, canonical, chain.get()),
            Err(ReadError::Corrupt { seq: 1 })
        );
    }

    #[test]
    fn a_hostile_page_is_bounded_and_a_forged_pointer_refused() {
        let start = WalkStart {
            seq: MAX_WALK + 10,
            block: 1,
            head: H256::zero(),
        };
        assert_eq!(
            read_trail(1, &start, 0, 10, |_| None, |_| None),
            Err(ReadError::TooDeep {
                from: 0,
                start: MAX_WALK + 10
            })
        );
        assert!(read_trail(1, &start, 5, 0, |_| None, |_| None)
            .unwrap()
            .is_empty());
        // An entry naming a later block as its previous one is refused, not followed.
        let mut chain = Chain::default();
        chain.block(3, 0, &[1]);
        chain.block(4, 0, &[1]);
        let start = chain.start(1);
        let key = entry_key(1, 1, &id(4, 0), &start.head);
        let mut entry = IndexedEvent::decode(&mut &chain.db[&key][..]).unwrap();
        entry.previous_block = Some(5);
        chain.db.insert(key, entry.encode());
        assert_eq!(
            read_trail(1, &start, 0, 10, canonical, chain.get()),
            Err(ReadError::Corrupt { seq: 1 })
        );
    }

    #[test]
    fn keys_do_not_collide_across_records_and_sequence_numbers() {
        let id = [3u8; 32];
        let head = H256::repeat_byte(5);
        assert_ne!(entry_key(1, 2, &id, &head), entry_key(2, 1, &id, &head));
        assert_ne!(
            entry_key(1, 2, &id, &head),
            entry_key(1, 2, &[4u8; 32], &head)
        );
        assert_ne!(
            entry_key(1, 2, &id, &head),
            entry_key(1, 2, &id, &H256::zero())
        );
        assert!(entry_key(1, 2, &id, &head).starts_with(ENTRY_PREFIX));
        assert_ne!(manifest_key(&id, 0), manifest_key(&id, 1));
    }
}
