//! Re-verification of held records: each fault named, reported once, sent again when
//! dropped.

use super::*;

/// The first multiple of VERIFY_INTERVAL at or after `n`.
fn verify_block(n: u64) -> u64 {
    n.div_ceil(VERIFY_INTERVAL as u64) * VERIFY_INTERVAL as u64
}

fn reports(pool: &Pool) -> Vec<(RecordId, IntegrityFault)> {
    pool_calls(pool)
        .into_iter()
        .map(|(who, _, call)| match call {
            RuntimeCall::MedicalRecords(Call::report_integrity_failure { id, fault }) => {
                assert_eq!(who, OWNER);
                (id, fault)
            }
            other => panic!("unexpected call {other:?}"),
        })
        .collect()
}

#[test]
fn a_corrupted_blob_is_reported_once() {
    with_worker(|pool, db| {
        let (id, next) = register_through_worker(pool, db, CHINESE);
        let record = Records::<Test>::get(id).unwrap();
        let key = blob_key(&record.input.content_hash);
        let good = get(db, &key).unwrap();
        let v = verify_block(next);
        let every = VERIFY_INTERVAL as u64;

        // Verification runs on multiples of VERIFY_INTERVAL; a sound blob passes.
        let progress = run_at(v);
        assert_eq!((progress.verified, progress.reported), (1, 0));

        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x55;
        db.write()
            .persistent_storage
            .set(STORAGE_PREFIX, &key, &bad);
        assert_eq!(run_at(v + every).reported, 1);
        assert_eq!(reports(pool), vec![(id, IntegrityFault::ContentMismatch)]);
        assert_eq!(include_pool(pool), vec![Ok(())]);
        System::assert_last_event(
            Event::IntegrityFailed {
                id,
                reporter: OWNER,
                fault: IntegrityFault::ContentMismatch,
                at_ms: (v + every) * BLOCK_MS,
            }
            .into(),
        );

        // Reported once, not every schedule.
        assert_eq!(run_at(v + 2 * every).reported, 0);
        assert_eq!(run_at(v + 3 * every).reported, 0);
        assert!(pool.read().transactions.is_empty());

        // Restored, then lost: reported again.
        db.write()
            .persistent_storage
            .set(STORAGE_PREFIX, &key, &good);
        run_at(v + 4 * every);
        db.write().persistent_storage.remove(STORAGE_PREFIX, &key);
        assert_eq!(run_at(v + 5 * every).reported, 1);
        assert_eq!(reports(pool), vec![(id, IntegrityFault::BlobMissing)]);
    });
}

#[test]
fn a_dropped_report_is_sent_again() {
    with_worker(|pool, db| {
        let (id, next) = register_through_worker(pool, db, ENGLISH);
        let record = Records::<Test>::get(id).unwrap();
        db.write()
            .persistent_storage
            .remove(STORAGE_PREFIX, &blob_key(&record.input.content_hash));
        let v = verify_block(next);
        let every = VERIFY_INTERVAL as u64;
        assert_eq!(run_at(v).reported, 1);
        pool.write().transactions.clear();
        // Within its window it is not repeated; after it, it is.
        assert_eq!(run_at(v + every).reported, 0);
        assert_eq!(run_at(v + 2 * every).reported, 1);
        assert_eq!(include_pool(pool), vec![Ok(())]);
        run_at(v + 3 * every);
        let held: HeldRecord = decoded(db, &held_key(0)).unwrap();
        assert_eq!(held.report, ReportState::Landed);
        assert_eq!(run_at(v + 10 * every).reported, 0);
    });
}

#[test]
fn check_blob_tells_each_fault() {
    with_worker(|pool, db| {
        let (id, _) = register_through_worker(pool, db, MIXED);
        let mut record = Records::<Test>::get(id).unwrap();
        assert_eq!(
            MedicalRecords::check_blob(&record, &mut Default::default(), Some(&root())),
            None
        );

        // Without the owner's root only the blob's hash is checked.
        assert_eq!(
            MedicalRecords::check_blob(&record, &mut Default::default(), None),
            None
        );

        // A sealed blob of another text (it names another commitment), or one sealed by
        // another owner: it does not open.
        let other_root = DataKeyRoot::from_bytes([9; 32]);
        for (root, text) in [(root(), ENGLISH), (other_root, MIXED)] {
            let sealed =
                medchain_record::seal_record(&root, text.as_bytes(), &Default::default(), None)
                    .unwrap();
            let mut forged = record.clone();
            forged.input.content_hash = H256(sealed.content_hash);
            db.write().persistent_storage.set(
                STORAGE_PREFIX,
                &blob_key(&forged.input.content_hash),
                &sealed.blob,
            );
            assert_eq!(
                MedicalRecords::check_blob(&forged, &mut Default::default(), Some(&self::root())),
                Some(IntegrityFault::Undecodable)
            );
        }

        // A blob that hashes right but is not a container.
        let junk = b"not a container".to_vec();
        record.input.content_hash = H256(sp_io::hashing::blake2_256(&junk));
        db.write().persistent_storage.set(
            STORAGE_PREFIX,
            &blob_key(&record.input.content_hash),
            &junk,
        );
        assert_eq!(
            MedicalRecords::check_blob(&record, &mut Default::default(), Some(&root())),
            Some(IntegrityFault::Undecodable)
        );

        // Sound blobs of another text, shorter and longer.
        for other in [&MIXED.as_bytes()[1..], ENGLISH.as_bytes()] {
            let blob = medchain_lzw::compress(other, &Default::default()).unwrap();
            record.input.content_hash = H256(sp_io::hashing::blake2_256(&blob));
            db.write().persistent_storage.set(
                STORAGE_PREFIX,
                &blob_key(&record.input.content_hash),
                &blob,
            );
            assert_eq!(
                MedicalRecords::check_blob(&record, &mut Default::default(), Some(&root())),
                Some(IntegrityFault::RawMismatch)
            );
        }
    });
}
