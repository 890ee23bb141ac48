//! The off-chain audit index (issue #24): every audited event is written as the block
//! executes, keyed by record, sequence number and block, and reads back, oldest first,
//! as the events the audit head folds — with each event's block and its index among the
//! block's events.

use super::*;
use codec::Decode;
use frame_support::traits::Hooks;
use medchain_primitives::audit_index::{self, read_trail, IndexedEvent, WalkStart};
use sp_runtime::{Digest, DigestItem};

/// Starts block `n` with a header of its own (parent and Aura slot), as the executive
/// does: events reset, header set, `on_initialize` run. Returns the block's identity.
fn begin_block(n: u64, slot: u8) -> [u8; 32] {
    // As the executive does: a block starts with no events.
    System::reset_events();
    let parent = H256::repeat_byte(n as u8);
    let mut digest = Digest::default();
    digest.push(DigestItem::PreRuntime(*b"aura", vec![slot]));
    System::initialize(&n, &parent, &digest);
    Access::on_initialize(n);
    pallet_timestamp::Now::<Test>::put(n * BLOCK_MS);
    audit_index::block_identity(n, parent.as_ref(), &digest)
}

#[test]
fn every_audited_event_is_indexed_and_reads_back_as_the_fold_of_the_head() {
    let mut ext = new_test_ext();
    let mut identities = std::collections::BTreeMap::new();
    // (block, index among the block's events, event) of each event of RECORD.
    let mut expected = Vec::new();
    let note_events = |expected: &mut Vec<(u64, u32, Vec<u8>)>| {
        for (i, record) in System::events().iter().enumerate() {
            let names_record = matches!(
                &record.event,
                RuntimeEvent::Access(
                    Event::AccessRequested { record, .. }
                    | Event::Voted { record, .. }
                    | Event::RequestApproved { record, .. }
                    | Event::KeyDelivered { record, .. }
                    | Event::RequestExpired { record, .. }
                ) if *record == RECORD
            );
            if names_record {
                expected.push((System::block_number(), i as u32, record.event.encode()));
            }
        }
    };
    let (trail, head) = ext.execute_with(|| {
        identities.insert(2, begin_block(2, 2));
        let request = open_request();
        note_events(&mut expected);
        identities.insert(3, begin_block(3, 3));
        approve(request);
        assert_ok!(Access::deliver_key(signed(OWNER), request, wrapped()));
        // An expiry, in `on_initialize`, is indexed too.
        assert_ok!(Access::request_access(
            signed(OTHER_DEMANDER),
            RECORD,
            purpose()
        ));
        note_events(&mut expected);
        let expiry = 3 + REQUEST_TTL;
        for n in 4..=expiry {
            identities.insert(n, begin_block(n, n as u8));
        }
        note_events(&mut expected);
        assert_eq!(
            BlockAuditIndex::<Test>::get().map(|(block, ..)| block),
            Some(expiry)
        );

        check_invariants();
        (Access::audit_trail(RECORD), Access::audit_head(RECORD))
    });
    // requested; 2 votes, approved, delivered; requested; expired.
    assert_eq!(expected.len(), 7);
    assert_eq!(trail.indexed, 7);
    assert_eq!(trail.head, head);

    ext.persist_offchain_overlay();
    let db = ext.offchain_db();
    let get = |key: &[u8]| db.get(key);
    let start = WalkStart::end_of(&trail).unwrap();
    let read = read_trail(RECORD, &start, 0, 100, |n| identities.get(&n).copied(), get).unwrap();
    let got: Vec<(u64, u32, Vec<u8>)> = read
        .iter()
        .map(|e| (e.entry.block, e.entry.event_index, e.entry.event.clone()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        audit_head_of(read.iter().map(|e| &e.entry.event[..])),
        head,
        "the index folds to the on-chain head"
    );
    // Another block at the same height (another slot) reaches nothing.
    let mut forked = identities.clone();
    forked.insert(3, [9; 32]);
    assert!(read_trail(RECORD, &start, 0, 100, |n| forked.get(&n).copied(), get).is_err());
    // The first entry has no previous block; the others name the one before.
    let entries: Vec<&IndexedEvent> = read.iter().map(|e| &e.entry).collect();
    assert_eq!(entries[0].previous_block, None);
    assert_eq!(entries[0].head_before, H256::zero());
    assert!(entries
        .windows(2)
        .all(|w| w[1].previous_block == Some(w[0].block)));
}

#[test]
fn a_record_without_operations_has_an_empty_trail() {
    new_test_ext().execute_with(|| {
        assert_eq!(Access::audit_trail(42), Default::default());
        assert!(AuditTails::<Test>::get(42).is_none());
    });
}

#[test]
fn a_manifest_count_of_an_earlier_block_is_not_used() {
    let mut ext = new_test_ext();
    let (identity, head) = ext.execute_with(|| {
        // Block 1 indexed seven events.
        BlockAuditIndex::<Test>::put((1, [0xee; 32], 7));
        let identity = begin_block(2, 2);
        open_request();
        assert_eq!(BlockAuditIndex::<Test>::get(), Some((2, identity, 1)));
        (identity, Access::audit_head(RECORD))
    });
    ext.persist_offchain_overlay();
    let db = ext.offchain_db();
    let line = db
        .get(&audit_index::manifest_key(&identity, 0))
        .expect("line 0 of block 2's manifest");
    assert_eq!(
        audit_index::ManifestLine::decode(&mut &line[..]).unwrap(),
        audit_index::ManifestLine {
            record: RECORD,
            seq: 0,
            head_after: head,
        }
    );
    assert!(db.get(&audit_index::manifest_key(&[0xee; 32], 7)).is_none());
}
