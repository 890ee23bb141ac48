//! Tests of the off-chain worker against a test off-chain database and transaction pool:
//! queue → compressed → signed registration with the right hashes; no key or role →
//! stays queued; restarts, dropped and duplicate submissions → registered once; budgets;
//! corrupted or lost blobs → `IntegrityFailed`, reported once.

use super::check_invariants;
use crate::{mock::*, offchain::Progress, *};
use frame_support::{
    assert_noop, assert_ok,
    traits::{Hooks, UnfilteredDispatchable},
};
use medchain_primitives::offchain::{
    blob_key, enqueue, held_key, own_location, queue_state_key, HeldMeta, HeldRecord, ItemState,
    QueueMeta, QueuedRecord, HELD_META_KEY, QUEUE_META_KEY, WORKER_LOCK_KEY,
};
use medchain_primitives::{CodecMethod, IntegrityFault};
use parking_lot::RwLock;
use sp_core::offchain::{
    testing::{OffchainState, PoolState},
    OffchainStorage, Timestamp,
};
use sp_runtime::{testing::UintAuthorityId, DispatchError};
use std::sync::Arc;

const CHINESE: &str =
    "患者主诉：反复咳嗽三天，伴发热，最高体温三十八度五。查体：咽部充血，双肺呼吸音粗。\
                       诊断：上呼吸道感染。处理：多饮水，注意休息，对症治疗。";
const ENGLISH: &str = "Patient presents with intermittent chest pain radiating to the left arm for two \
                       days. ECG shows no acute changes. Troponin negative. Plan: stress test, aspirin.";
const MIXED: &str = "患者血压 150/95 mmHg，既往 hypertension 病史五年，口服 amlodipine 5 mg qd。\
                     诊断：essential hypertension。建议复查 blood pressure。";

/// The test database files persistent values under the empty prefix (a node's under
/// `STORAGE_PREFIX`).
const STORAGE_PREFIX: &[u8] = b"";

type Pool = Arc<RwLock<PoolState>>;
type Db = Arc<RwLock<OffchainState>>;

fn queued(raw: &str, labels: &[&str]) -> QueuedRecord<AccountId> {
    QueuedRecord {
        raw: raw.as_bytes().to_vec(),
        labels: labels.iter().map(|l| l.as_bytes().to_vec()).collect(),
        location: Vec::new(),
        manager: MANAGER,
    }
}

fn push(db: &Db, record: &QueuedRecord<AccountId>) -> u64 {
    enqueue(&mut db.write().persistent_storage, STORAGE_PREFIX, record).expect("queued")
}

fn get(db: &Db, key: &[u8]) -> Option<Vec<u8>> {
    OffchainStorage::get(&db.read().persistent_storage, STORAGE_PREFIX, key)
}

fn decoded<V: Decode>(db: &Db, key: &[u8]) -> Option<V> {
    get(db, key).map(|bytes| V::decode(&mut &bytes[..]).expect("decodes"))
}

fn queue(db: &Db) -> QueueMeta {
    decoded(db, QUEUE_META_KEY).unwrap_or_default()
}

/// Runs the worker at block `n` (the chain is at block `n` too).
fn run_at(n: u64) -> Progress {
    go_to_block(n);
    MedicalRecords::run_worker(n)
}

/// The transactions in the pool: signer, nonce and call.
fn pool_calls(pool: &Pool) -> Vec<(AccountId, u32, RuntimeCall)> {
    pool.read()
        .transactions
        .iter()
        .map(|bytes| {
            let xt = Extrinsic::decode(&mut &bytes[..]).expect("a transaction");
            let (who, (), nonce) = xt.preamble.to_signed().expect("signed");
            (who, nonce.0, xt.function)
        })
        .collect()
}

/// Includes the pool's transactions as a block would: in nonce order, each only if its
/// nonce is the signer's next; the others are dropped as stale. Returns each dispatch.
fn include_pool(pool: &Pool) -> Vec<Result<(), DispatchError>> {
    let mut calls = pool_calls(pool);
    pool.write().transactions.clear();
    calls.sort_by_key(|(who, nonce, _)| (*who, *nonce));
    calls
        .into_iter()
        .filter(|(who, nonce, _)| *nonce == System::account_nonce(who))
        .map(|(who, _, call)| {
            System::inc_account_nonce(who);
            call.dispatch_bypass_filter(RuntimeOrigin::signed(who))
                .map(|_| ())
                .map_err(|e| e.error)
        })
        .collect()
}

fn registered_inputs(pool: &Pool) -> Vec<RecordInputOf<Test>> {
    pool_calls(pool)
        .into_iter()
        .map(|(_, _, call)| match call {
            RuntimeCall::MedicalRecords(Call::register_record { input }) => input,
            other => panic!("unexpected call {other:?}"),
        })
        .collect()
}

fn with_worker(test: impl FnOnce(&Pool, &Db)) {
    let (mut ext, pool, db) = new_offchain_ext();
    ext.execute_with(|| {
        UintAuthorityId::set_all_keys(vec![OWNER]);
        test(&pool, &db);
        check_invariants();
    });
}

#[test]
fn queued_records_are_compressed_and_registered_with_their_hashes() {
    with_worker(|pool, db| {
        for (text, language) in [(CHINESE, "zh"), (ENGLISH, "en"), (MIXED, "mixed")] {
            push(db, &queued(text, &[language, "cardiology"]));
        }

        let progress = run_at(1);
        assert_eq!(progress.submitted, WORKER_MAX_SUBMISSIONS);
        let inputs = registered_inputs(pool);
        assert_eq!(inputs.len(), 2);
        let signers: Vec<_> = pool_calls(pool).iter().map(|(w, n, _)| (*w, *n)).collect();
        assert_eq!(signers, vec![(OWNER, 0), (OWNER, 1)]);

        for (input, text) in inputs.iter().zip([CHINESE, ENGLISH]) {
            let blob = get(db, &blob_key(&input.content_hash)).expect("blob kept");
            assert_eq!(
                input.raw_hash,
                H256(sp_io::hashing::blake2_256(text.as_bytes()))
            );
            assert_eq!(input.content_hash, H256(sp_io::hashing::blake2_256(&blob)));
            assert_eq!(input.raw_len, text.len() as u64);
            assert_eq!(input.compressed_len, blob.len() as u64);
            assert!(blob.len() < text.len(), "compressed");
            assert_eq!(medchain_lzw::decompress(&blob).unwrap(), text.as_bytes());
            assert_eq!(input.location.to_vec(), own_location(&input.content_hash));
            assert_eq!(input.manager, MANAGER);
        }
        assert_eq!(inputs[0].codec.method, CodecMethod::Hanzi);
        assert_eq!(inputs[1].codec.method, CodecMethod::Bytes);
        assert_eq!(inputs[0].labels[0].to_vec(), b"zh".to_vec());

        // The block includes both; the next run drops them from the queue and sends the
        // third with the next nonce.
        assert_eq!(include_pool(pool), vec![Ok(()), Ok(())]);
        let progress = run_at(2);
        assert_eq!((progress.registered, progress.submitted), (2, 1));
        assert_eq!(pool_calls(pool)[0].1, 2);
        assert_eq!(include_pool(pool), vec![Ok(())]);
        run_at(3);

        assert_eq!(
            queue(db),
            QueueMeta {
                head: 3,
                tail: 3,
                bytes: 0
            }
        );
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 3);
        let held: HeldMeta = decoded(db, HELD_META_KEY).unwrap();
        assert_eq!(held.count, 3);
        let mixed = Records::<Test>::get(2).unwrap();
        assert_eq!(
            mixed.input.raw_hash,
            H256(sp_io::hashing::blake2_256(MIXED.as_bytes()))
        );
    });
}

#[test]
fn without_the_owner_role_items_stay_queued() {
    with_worker(|pool, db| {
        MockRoles::set(OWNER, Role::DataOwner, false);
        push(db, &queued(CHINESE, &["zh"]));
        for n in 1..=3 {
            assert_eq!(run_at(n), Progress::default());
        }
        assert!(pool.read().transactions.is_empty());
        assert_eq!(queue(db).len(), 1);
        assert!(
            get(db, &queue_state_key(0)).is_none(),
            "not even compressed"
        );

        // Once the council grants the role, the item goes through.
        MockRoles::set(OWNER, Role::DataOwner, true);
        assert_eq!(run_at(4).submitted, 1);
        include_pool(pool);
        run_at(5);
        assert!(queue(db).is_empty());
    });
}

#[test]
fn without_a_medr_key_nothing_moves() {
    with_worker(|pool, db| {
        UintAuthorityId::set_all_keys(Vec::<u64>::new());
        push(db, &queued(ENGLISH, &["en"]));
        assert_eq!(run_at(1), Progress::default());
        assert!(pool.read().transactions.is_empty());

        // A key without the role is not used either; a second key with it is.
        UintAuthorityId::set_all_keys(vec![STRANGER]);
        assert_eq!(run_at(2), Progress::default());
        UintAuthorityId::set_all_keys(vec![STRANGER, OTHER_OWNER]);
        assert_eq!(run_at(3).submitted, 1);
        assert_eq!(pool_calls(pool)[0].0, OTHER_OWNER);
    });
}

#[test]
fn dropped_and_repeated_submissions_register_once() {
    with_worker(|pool, db| {
        push(db, &queued(CHINESE, &["zh"]));
        assert_eq!(run_at(1).submitted, 1);
        let first = pool.read().transactions.clone();

        // While it is in flight, later runs (as after a restart) send nothing new.
        for n in 2..1 + RESUBMIT_AFTER as u64 {
            let progress = run_at(n);
            assert!(progress.in_flight);
            assert_eq!(progress.submitted, 0);
        }
        // Dropped by the pool: after the window it is sent again, with the same nonce.
        pool.write().transactions.clear();
        assert_eq!(run_at(1 + RESUBMIT_AFTER as u64).submitted, 1);
        assert_eq!(pool_calls(pool)[0].1, 0);

        // Both copies reach a block: only one registers.
        pool.write().transactions.extend(first);
        let results = include_pool(pool);
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        run_at(10);
        assert!(queue(db).is_empty());

        // The operator queues the same text again: no second record, no transaction.
        push(db, &queued(CHINESE, &["zh", "again"]));
        let progress = run_at(11);
        assert_eq!((progress.registered, progress.submitted), (1, 0));
        assert!(pool.read().transactions.is_empty());
        assert!(queue(db).is_empty());
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 1);
    });
}

#[test]
fn a_failed_registration_waits_out_its_window_without_blocking_others() {
    with_worker(|pool, db| {
        // The manager loses its role after submission: the transaction lands and fails.
        push(db, &queued(ENGLISH, &["en"]));
        assert_eq!(run_at(1).submitted, 1);
        MockRoles::set(MANAGER, Role::DataManager, false);
        assert_eq!(
            include_pool(pool),
            vec![Err(Error::<Test>::ManagerNotDataManager.into())]
        );
        MockRoles::set(MANAGER, Role::DataManager, true);

        // It landed (nonce passed), so it does not hold back a new item…
        push(db, &queued(MIXED, &["mixed"]));
        let progress = run_at(2);
        assert!(!progress.in_flight);
        assert_eq!(progress.submitted, 1);
        assert_eq!(pool_calls(pool)[0].1, 1);
        include_pool(pool);
        // …and it is sent again only after its window.
        assert_eq!(run_at(3).submitted, 0);
        assert_eq!(run_at(1 + RESUBMIT_AFTER as u64).submitted, 1);
        include_pool(pool);
        run_at(7);
        assert!(queue(db).is_empty());
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 2);
    });
}

#[test]
fn the_byte_budget_bounds_a_run() {
    with_worker(|pool, db| {
        // Two texts of ~40 KB: together they pass the 64 KiB budget.
        let line = "心电图示窦性心律，ST段未见明显改变。";
        push(db, &queued(&line.repeat(760), &["a"]));
        push(db, &queued(&line.repeat(761), &["b"]));
        let progress = run_at(1);
        // The first item always goes; the second would pass WORKER_BYTE_BUDGET.
        assert_eq!((progress.prepared, progress.submitted), (1, 1));
        assert!(progress.bytes <= u64::from(WORKER_BYTE_BUDGET));
        include_pool(pool);
        assert_eq!(run_at(2).prepared, 1);
    });
}

#[test]
fn a_crashed_runs_lock_expires() {
    with_worker(|pool, db| {
        push(db, &queued(ENGLISH, &["en"]));
        db.write().timestamp = Timestamp::from_unix_millis(1_000);
        // A run that died holding the lock: its deadline is 20 s after it started.
        db.write().persistent_storage.set(
            STORAGE_PREFIX,
            WORKER_LOCK_KEY,
            &(1_000u64 + 20_000).encode(),
        );
        assert_eq!(run_at(1), Progress::default());
        assert!(pool.read().transactions.is_empty());

        db.write().timestamp = Timestamp::from_unix_millis(21_001);
        assert_eq!(run_at(2).submitted, 1);
    });
}

/// Registers one record through the worker and returns its id.
fn register_through_worker(pool: &Pool, db: &Db, text: &str) -> RecordId {
    push(db, &queued(text, &["zh"]));
    run_at(1);
    include_pool(pool);
    run_at(2);
    assert!(queue(db).is_empty());
    let held: HeldRecord = decoded(db, &held_key(0)).expect("held");
    held.id
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
        let id = register_through_worker(pool, db, CHINESE);
        let record = Records::<Test>::get(id).unwrap();
        let key = blob_key(&record.input.content_hash);
        let good = get(db, &key).unwrap();

        // Verification runs on multiples of VERIFY_INTERVAL; a sound blob passes.
        let progress = run_at(VERIFY_INTERVAL as u64);
        assert_eq!((progress.verified, progress.reported), (1, 0));

        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x55;
        db.write()
            .persistent_storage
            .set(STORAGE_PREFIX, &key, &bad);
        assert_eq!(run_at(2 * VERIFY_INTERVAL as u64).reported, 1);
        assert_eq!(reports(pool), vec![(id, IntegrityFault::ContentMismatch)]);
        assert_eq!(include_pool(pool), vec![Ok(())]);
        System::assert_last_event(
            Event::IntegrityFailed {
                id,
                reporter: OWNER,
                fault: IntegrityFault::ContentMismatch,
                at: 2 * VERIFY_INTERVAL as u64 * BLOCK_MS,
            }
            .into(),
        );

        // Reported once, not every schedule.
        assert_eq!(run_at(3 * VERIFY_INTERVAL as u64).reported, 0);
        assert!(pool.read().transactions.is_empty());

        // Restored, then lost: reported again.
        db.write()
            .persistent_storage
            .set(STORAGE_PREFIX, &key, &good);
        run_at(4 * VERIFY_INTERVAL as u64);
        db.write().persistent_storage.remove(STORAGE_PREFIX, &key);
        assert_eq!(run_at(5 * VERIFY_INTERVAL as u64).reported, 1);
        assert_eq!(reports(pool), vec![(id, IntegrityFault::BlobMissing)]);
    });
}

#[test]
fn check_blob_tells_each_fault() {
    with_worker(|pool, db| {
        let id = register_through_worker(pool, db, MIXED);
        let mut record = Records::<Test>::get(id).unwrap();
        assert_eq!(MedicalRecords::check_blob(&record), None);

        // A blob that hashes right but is not a container.
        let junk = b"not a container".to_vec();
        record.input.content_hash = H256(sp_io::hashing::blake2_256(&junk));
        db.write().persistent_storage.set(
            STORAGE_PREFIX,
            &blob_key(&record.input.content_hash),
            &junk,
        );
        assert_eq!(
            MedicalRecords::check_blob(&record),
            Some(IntegrityFault::Undecodable)
        );

        // Sound blobs of another text, shorter and longer.
        let other = medchain_lzw::compress(&MIXED.as_bytes()[1..], &Default::default()).unwrap();
        record.input.content_hash = H256(sp_io::hashing::blake2_256(&other));
        db.write().persistent_storage.set(
            STORAGE_PREFIX,
            &blob_key(&record.input.content_hash),
            &other,
        );
        assert_eq!(
            MedicalRecords::check_blob(&record),
            Some(IntegrityFault::RawMismatch)
        );
        let other = medchain_lzw::compress(ENGLISH.as_bytes(), &Default::default()).unwrap();
        record.input.content_hash = H256(sp_io::hashing::blake2_256(&other));
        db.write().persistent_storage.set(
            STORAGE_PREFIX,
            &blob_key(&record.input.content_hash),
            &other,
        );
        assert_eq!(
            MedicalRecords::check_blob(&record),
            Some(IntegrityFault::RawMismatch)
        );
    });
}

#[test]
fn report_integrity_failure_is_for_the_owner_or_manager() {
    with_worker(|pool, db| {
        let id = register_through_worker(pool, db, ENGLISH);
        assert_noop!(
            MedicalRecords::report_integrity_failure(
                RuntimeOrigin::signed(STRANGER),
                id,
                IntegrityFault::BlobMissing
            ),
            Error::<Test>::NotOwnerOrManager
        );
        assert_noop!(
            MedicalRecords::report_integrity_failure(
                RuntimeOrigin::signed(OWNER),
                id + 1,
                IntegrityFault::BlobMissing
            ),
            Error::<Test>::UnknownRecord
        );
        assert_noop!(
            MedicalRecords::report_integrity_failure(
                RuntimeOrigin::none(),
                id,
                IntegrityFault::BlobMissing
            ),
            DispatchError::BadOrigin
        );
        let head = MockAudit::head(id);
        assert_ok!(MedicalRecords::report_integrity_failure(
            RuntimeOrigin::signed(MANAGER),
            id,
            IntegrityFault::RawMismatch
        ));
        assert_ne!(
            MockAudit::head(id),
            head,
            "the report joins the audit trail"
        );
    });
}

#[test]
fn the_hook_runs_the_worker() {
    with_worker(|pool, db| {
        push(db, &queued(ENGLISH, &["en"]));
        go_to_block(1);
        <MedicalRecords as Hooks<u64>>::offchain_worker(1);
        assert_eq!(registered_inputs(pool).len(), 1);
        assert!(matches!(
            decoded::<ItemState>(db, &queue_state_key(0)),
            Some(ItemState::Submitted {
                at: 1,
                nonce: 0,
                ..
            })
        ));
    });
}
