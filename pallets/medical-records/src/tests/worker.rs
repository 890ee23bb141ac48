//! Tests of the off-chain worker against a test off-chain database and transaction pool:
//! queue → compressed → signed registration with the right hashes; no key or role →
//! stays queued; restarts, dropped, repeated and reorganised submissions → registered
//! once; lasting failures stall and can be dropped; budgets; corrupted or lost blobs →
//! `IntegrityFailed`, reported once (again if the report was dropped).

use super::check_invariants;
use crate::{mock::*, offchain::Progress, *};
use frame_support::{
    assert_noop, assert_ok,
    storage::{with_transaction, TransactionOutcome},
    traits::{Hooks, UnfilteredDispatchable},
};
use medchain_primitives::offchain::{
    blob_key, enqueue, held_key, own_location, provision_message, queue_raw_key, queue_state_key,
    request_drop, HeldMeta, HeldRecord, ItemState, QueueMeta, QueuedRecord, ReportState,
    WorkerOwner, CONFIRMATIONS, HELD_META_KEY, MAX_ATTEMPTS, QUEUE_META_KEY, WORKER_LOCK_KEY,
    WORKER_OWNER_KEY,
};
use medchain_primitives::{CodecMethod, IntegrityFault};
use medchain_record::{DataKeyRoot, RecordFacts};
use parking_lot::RwLock;
use sp_core::offchain::{
    testing::{OffchainState, PoolState},
    OffchainStorage, Timestamp,
};
use sp_runtime::{testing::UintAuthorityId, DispatchError};
use std::sync::Arc;

mod upload;
mod verify;

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

/// The data-key root of the owner the tests provision.
const ROOT: [u8; 32] = [7; 32];

fn root() -> DataKeyRoot {
    DataKeyRoot::from_bytes(ROOT)
}

/// Provisions the worker for `owner` (as `medchain_provisionWorker` does).
fn provision(db: &Db, owner: AccountId) {
    let message = provision_message(&owner.encode(), &ROOT);
    let proof = sp_runtime::RuntimeAppPublic::sign(&UintAuthorityId::from(owner), &message)
        .unwrap()
        .encode();
    let owner = WorkerOwner {
        account: owner,
        data_root: ROOT,
        proof,
    };
    db.write()
        .persistent_storage
        .set(STORAGE_PREFIX, WORKER_OWNER_KEY, &owner.encode());
}

/// The text of the sealed blob the worker kept for `input`, opened with the owner's key.
fn opened(
    db: &Db,
    input: &RecordInputOf<Test>,
    dictionaries: &[&medchain_lzw::Dictionary],
) -> Vec<u8> {
    let blob = get(db, &blob_key(&input.content_hash)).expect("blob kept");
    let facts = RecordFacts {
        raw_hash: input.raw_hash.0,
        content_hash: input.content_hash.0,
        raw_len: input.raw_len,
    };
    medchain_record::open_record(
        &root().data_key(&facts.raw_hash),
        &facts,
        &blob,
        dictionaries,
    )
    .expect("the blob opens and verifies")
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
        provision(&db, OWNER);
        test(&pool, &db);
        check_invariants();
    });
}

/// Blocks `from..`: each includes the pool, then runs the worker, until the queue is
/// empty. Returns the first block after.
fn settle(pool: &Pool, db: &Db, from: u64) -> u64 {
    for n in from..from + 40 {
        include_pool(pool);
        run_at(n);
        if queue(db).is_empty() {
            return n + 1;
        }
    }
    panic!("the queue did not empty: {:?}", queue(db));
}

fn state(db: &Db, seq: u64) -> Option<ItemState<AccountId>> {
    decoded(db, &queue_state_key(seq))
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
            // The owner's keyed commitment, never the plain hash of the text.
            assert_eq!(input.raw_hash, H256(root().commit(text.as_bytes())));
            assert_ne!(
                input.raw_hash,
                H256(sp_io::hashing::blake2_256(text.as_bytes()))
            );
            assert_eq!(input.content_hash, H256(sp_io::hashing::blake2_256(&blob)));
            assert_eq!(input.raw_len, text.len() as u64);
            assert_eq!(
                input.compressed_len + medchain_record::ENVELOPE_OVERHEAD as u64,
                blob.len() as u64
            );
            assert!(input.compressed_len < input.raw_len, "compressed");
            assert!(
                !blob.windows(24).any(|w| text.as_bytes().starts_with(w)),
                "sealed: the text is not in the blob"
            );
            assert_eq!(opened(db, input, &[]), text.as_bytes());
            // The CLI's pipeline makes the same blob from the same text and owner.
            let cli =
                medchain_record::seal_record(&root(), text.as_bytes(), &Default::default(), None)
                    .unwrap();
            assert_eq!(
                (cli.raw_hash, cli.content_hash),
                (input.raw_hash.0, input.content_hash.0)
            );
            assert_eq!(cli.blob, blob);
            assert_eq!(input.location.to_vec(), own_location(&input.content_hash));
            assert_eq!(input.manager, MANAGER);
        }
        assert_eq!(inputs[0].codec.method, CodecMethod::Hanzi);
        assert_eq!(inputs[1].codec.method, CodecMethod::Bytes);
        assert_eq!(inputs[0].labels[0].to_vec(), b"zh".to_vec());

        // The block includes both; the next run sees them and sends the third with the
        // next nonce.
        assert_eq!(include_pool(pool), vec![Ok(()), Ok(())]);
        let progress = run_at(2);
        assert_eq!((progress.seen, progress.submitted), (2, 1));
        assert_eq!(pool_calls(pool)[0].1, 2);
        assert_eq!(include_pool(pool), vec![Ok(())]);
        // Registered items stay queued until their records are CONFIRMATIONS blocks old.
        for n in 3..2 + CONFIRMATIONS as u64 {
            assert_eq!(run_at(n).registered, 0);
        }
        assert_eq!(run_at(2 + CONFIRMATIONS as u64).registered, 2);
        assert_eq!(run_at(3 + CONFIRMATIONS as u64).registered, 1);

        assert_eq!(
            queue(db),
            QueueMeta {
                head: 3,
                tail: 3,
                items: 0,
                bytes: 0
            }
        );
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 3);
        let held: HeldMeta = decoded(db, HELD_META_KEY).unwrap();
        assert_eq!(held.count, 3);
        let mixed = Records::<Test>::get(2).unwrap();
        assert_eq!(mixed.input.raw_hash, H256(root().commit(MIXED.as_bytes())));
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
        assert!(state(db, 0).is_none(), "not even compressed");

        // Once the council grants the role, the item goes through.
        MockRoles::set(OWNER, Role::DataOwner, true);
        assert_eq!(run_at(4).submitted, 1);
        settle(pool, db, 5);
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 1);
    });
}

#[test]
fn without_the_provisioned_owners_medr_key_nothing_moves() {
    with_worker(|pool, db| {
        UintAuthorityId::set_all_keys(Vec::<u64>::new());
        push(db, &queued(ENGLISH, &["en"]));
        assert_eq!(run_at(1), Progress::default());
        assert!(pool.read().transactions.is_empty());

        // Other accounts' keys, even one with the role, do not sign for the owner.
        UintAuthorityId::set_all_keys(vec![STRANGER, OTHER_OWNER]);
        assert_eq!(run_at(2), Progress::default());
        assert!(state(db, 0).is_none(), "not even sealed");
        // Provisioned for the owner whose key is there, it goes through, signed by it.
        provision(db, OTHER_OWNER);
        assert_eq!(run_at(3).submitted, 1);
        assert_eq!(pool_calls(pool)[0].0, OTHER_OWNER);
    });
}

#[test]
fn an_unprovisioned_worker_seals_and_registers_nothing() {
    let (mut ext, pool, db) = new_offchain_ext();
    ext.execute_with(|| {
        UintAuthorityId::set_all_keys(vec![OWNER]);
        push(&db, &queued(CHINESE, &["zh"]));
        for n in 1..=3 {
            assert_eq!(run_at(n), Progress::default());
        }
        assert!(pool.read().transactions.is_empty());
        assert!(state(&db, 0).is_none(), "not even compressed");
        assert_eq!(queue(&db).len(), 1);
        assert!(
            get(&db, &queue_raw_key(0)).is_some(),
            "the text waits in the queue"
        );
        provision(&db, OWNER);
        assert_eq!(run_at(4).submitted, 1);
        settle(&pool, &db, 5);
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 1);
        check_invariants();
    });
}

#[test]
fn dropped_and_repeated_submissions_register_once() {
    with_worker(|pool, db| {
        push(db, &queued(CHINESE, &["zh"]));
        assert_eq!(run_at(1).submitted, 1);
        let (_, _, first) = pool_calls(pool).remove(0);

        // While it is in flight, later runs (as after a restart) send nothing new, even
        // for a record queued meanwhile.
        push(db, &queued(ENGLISH, &["en"]));
        for n in 2..1 + RESUBMIT_AFTER as u64 {
            let progress = run_at(n);
            assert!(progress.in_flight);
            assert_eq!(progress.submitted, 0);
        }
        // Dropped by the pool: after the window both go, from the same nonce.
        pool.write().transactions.clear();
        assert_eq!(run_at(1 + RESUBMIT_AFTER as u64).submitted, 2);
        assert_eq!(pool_calls(pool)[0].1, 0);
        assert!(matches!(
            state(db, 0),
            Some(ItemState::Submitted { attempts: 2, .. })
        ));
        assert_eq!(include_pool(pool), vec![Ok(()), Ok(())]);

        // The first copy turns up after all, with a later nonce: the chain refuses it.
        System::inc_account_nonce(OWNER);
        assert_eq!(
            first
                .dispatch_bypass_filter(RuntimeOrigin::signed(OWNER))
                .map_err(|e| e.error),
            Err(Error::<Test>::DuplicateRecord.into())
        );
        let next = settle(pool, db, 2 + RESUBMIT_AFTER as u64);

        // The operator queues the same text again: no second record, no transaction.
        push(db, &queued(CHINESE, &["zh", "again"]));
        assert_eq!(run_at(next).seen, 1);
        settle(pool, db, next + 1);
        assert!(pool.read().transactions.is_empty());
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 2);
        let held: HeldMeta = decoded(db, HELD_META_KEY).unwrap();
        assert_eq!(held.count, 2, "each record held once");
    });
}

#[test]
fn one_text_twice_in_the_queue_goes_out_once() {
    with_worker(|pool, db| {
        push(db, &queued(MIXED, &["a"]));
        push(db, &queued(MIXED, &["b"]));
        assert_eq!(run_at(1).submitted, 1);
        settle(pool, db, 2);
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 1);
        let held: HeldMeta = decoded(db, HELD_META_KEY).unwrap();
        assert_eq!(held.count, 1);
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

        // It landed (nonce used), so a new record goes at once…
        push(db, &queued(MIXED, &["mixed"]));
        let progress = run_at(2);
        assert!(!progress.in_flight);
        assert_eq!(progress.submitted, 1);
        assert_eq!(pool_calls(pool)[0].1, 1);
        include_pool(pool);
        // …and the failed one is sent again only after its window.
        assert_eq!(run_at(3).submitted, 0);
        assert_eq!(run_at(1 + RESUBMIT_AFTER as u64).submitted, 1);
        settle(pool, db, 2 + RESUBMIT_AFTER as u64);
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 2);
    });
}

#[test]
fn a_record_that_keeps_failing_stalls_until_dropped() {
    with_worker(|pool, db| {
        // The poor owner cannot pay the deposit: every registration lands and fails.
        UintAuthorityId::set_all_keys(vec![POOR_OWNER]);
        provision(db, POOR_OWNER);
        push(db, &queued(CHINESE, &["zh"]));
        let mut block = 1;
        for attempt in 1..=MAX_ATTEMPTS {
            assert_eq!(run_at(block).submitted, 1, "attempt {attempt}");
            assert_eq!(
                include_pool(pool),
                vec![Err(Error::<Test>::InsufficientDeposit.into())]
            );
            block += RESUBMIT_AFTER as u64;
        }
        assert_eq!(run_at(block).submitted, 0);
        assert!(matches!(state(db, 0), Some(ItemState::Stalled(_))));
        assert_eq!(
            run_at(block + RESUBMIT_AFTER as u64).submitted,
            0,
            "no more fees"
        );

        // The operator drops it: the queue is empty again.
        assert_eq!(
            request_drop(&mut db.write().persistent_storage, STORAGE_PREFIX, 0),
            Ok(true)
        );
        assert_eq!(run_at(block + 2 * RESUBMIT_AFTER as u64).dropped, 1);
        assert_eq!(
            queue(db),
            QueueMeta {
                head: 1,
                tail: 1,
                items: 0,
                bytes: 0
            }
        );
        assert_eq!(
            request_drop(&mut db.write().persistent_storage, STORAGE_PREFIX, 0),
            Ok(false)
        );
    });
}

#[test]
fn a_registration_reorganised_away_is_registered_again() {
    with_worker(|pool, db| {
        push(db, &queued(ENGLISH, &["en"]));
        run_at(1);
        // The block with the registration is seen, then replaced by a fork without it.
        with_transaction(|| {
            include_pool(pool);
            assert_eq!(run_at(2).seen, 1);
            TransactionOutcome::Rollback(Ok::<(), DispatchError>(()))
        })
        .unwrap();
        assert!(Records::<Test>::get(0).is_none());
        run_at(3);
        assert!(matches!(state(db, 0), Some(ItemState::Prepared(_))));
        // Its wave is over (the nonce was rolled back and the window passes): sent again.
        assert_eq!(run_at(1 + RESUBMIT_AFTER as u64).submitted, 1);
        settle(pool, db, 2 + RESUBMIT_AFTER as u64);
        assert_eq!(RecordsByOwner::<Test>::iter_key_prefix(OWNER).count(), 1);
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
fn the_time_budget_bounds_a_run() {
    with_worker(|pool, db| {
        WorkerTimeBudgetMs::set(0);
        push(db, &queued(CHINESE, &["a"]));
        push(db, &queued(ENGLISH, &["b"]));
        // With no time at all the first slot still goes, and nothing after it.
        let progress = run_at(1);
        assert_eq!((progress.prepared, progress.submitted), (1, 1));
        assert!(state(db, 1).is_none());
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

/// Registers one record through the worker; returns its id and the next block.
fn register_through_worker(pool: &Pool, db: &Db, text: &str) -> (RecordId, u64) {
    push(db, &queued(text, &["zh"]));
    run_at(1);
    let next = settle(pool, db, 2);
    let held: HeldRecord = decoded(db, &held_key(0)).expect("held");
    (held.id, next)
}

#[test]
fn report_integrity_failure_is_for_the_owner_or_manager() {
    with_worker(|pool, db| {
        let (id, _) = register_through_worker(pool, db, ENGLISH);
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
            state(db, 0),
            Some(ItemState::Submitted {
                at: 1,
                nonce: 0,
                attempts: 1,
                owner: OWNER,
                ..
            })
        ));
    });
}

/// With a dictionary registered for a text's language, the worker compresses with the
/// newest active one when that is smaller, the record names it, and the held record
/// verifies with it, also once it is retired; texts of other languages, and new texts
/// after the retirement, go without.
#[test]
fn the_newest_active_dictionary_of_the_language_primes_the_worker() {
    with_worker(|pool, db| {
        let training: Vec<String> = (0..40).map(|i| format!("{ENGLISH} Visit {i}.")).collect();
        let samples: Vec<&[u8]> = training.iter().map(|t| t.as_bytes()).collect();
        let options = medchain_lzw::train::TrainOptions {
            size: Some(400),
            max_bits: 12,
            ..Default::default()
        };
        let trained = medchain_lzw::train::train(&samples, &options).unwrap();
        assert!(trained.bytes.len() <= MAX_DICTIONARY_LEN as usize);
        let id = H256(trained.dictionary.id());
        assert_ok!(Preimage::note_preimage(
            RuntimeOrigin::signed(OTHER_OWNER),
            trained.bytes.clone()
        ));
        assert_ok!(MedicalRecords::register_dictionary(
            RuntimeOrigin::root(),
            id,
            trained.bytes.len() as u32,
            DictionaryLanguage::English
        ));

        push(db, &queued(ENGLISH, &["en"]));
        push(db, &queued(CHINESE, &["zh"]));
        run_at(1);
        let inputs = registered_inputs(pool);
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[0].codec.dictionary, Some(id));
        assert_eq!(inputs[1].codec.dictionary, None);
        assert_eq!(
            opened(db, &inputs[0], &[&trained.dictionary]),
            ENGLISH.as_bytes()
        );
        let plain = medchain_lzw::compress(ENGLISH.as_bytes(), &Default::default()).unwrap();
        assert!(
            (inputs[0].compressed_len as usize) < plain.len(),
            "{} vs {}",
            inputs[0].compressed_len,
            plain.len()
        );
        assert_eq!(include_pool(pool), vec![Ok(()), Ok(())]);

        assert_ok!(MedicalRecords::retire_dictionary(RuntimeOrigin::root(), id));
        let record = Records::<Test>::get(0).expect("registered");
        assert_eq!(record.input.codec.dictionary, Some(id));
        assert_eq!(
            MedicalRecords::check_blob(&record, &mut Default::default(), Some(&root())),
            None
        );
        // Without the dictionary's bytes the blob cannot be decoded, and says so.
        let mut other = record.clone();
        other.input.codec.dictionary = Some(H256::repeat_byte(7));
        assert_eq!(
            MedicalRecords::check_blob(&other, &mut Default::default(), Some(&root())),
            Some(IntegrityFault::Undecodable)
        );

        let again = format!("{ENGLISH} Seen again.");
        push(db, &queued(&again, &["en"]));
        run_at(2);
        let inputs = registered_inputs(pool);
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].codec.dictionary, None);
    });
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// The worker and `medchain records put` run one pipeline: for any text, the blob
    /// the worker keeps and the record it registers are byte for byte what
    /// `medchain_record::seal_record` makes for the same owner.
    #[test]
    fn the_worker_path_is_the_cli_path(
        text in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..4096),
        hanzi in proptest::prelude::any::<bool>(),
    ) {
        // Half the cases are Chinese text (with its bytes mixed in), to reach `hanzi`.
        let text = if hanzi {
            let mut zh = CHINESE.as_bytes().to_vec();
            zh.extend_from_slice(&text[..text.len().min(64)]);
            zh
        } else {
            text
        };
        with_worker(|pool, db| {
            push(db, &QueuedRecord { raw: text.clone(), ..queued("", &["p"]) });
            run_at(1);
            let input = registered_inputs(pool).remove(0);
            let cli = medchain_record::seal_record(&root(), &text, &Default::default(), None).unwrap();
            assert_eq!(input.raw_hash.0, cli.raw_hash);
            assert_eq!(input.content_hash.0, cli.content_hash);
            assert_eq!(input.raw_len, cli.raw_len);
            assert_eq!(input.compressed_len, cli.compressed_len);
            assert_eq!(get(db, &blob_key(&input.content_hash)).unwrap(), cli.blob);
        });
    }
}

#[test]
fn a_provisioning_not_signed_by_the_owners_key_is_not_used() {
    with_worker(|pool, db| {
        // Written around the RPC (as `offchain_localStorageSet` could): another root, a
        // proof that does not verify.
        let forged = WorkerOwner {
            account: OWNER,
            data_root: [9; 32],
            proof: vec![0; 64],
        };
        db.write()
            .persistent_storage
            .set(STORAGE_PREFIX, WORKER_OWNER_KEY, &forged.encode());
        push(db, &queued(ENGLISH, &["en"]));
        assert_eq!(run_at(1), Progress::default());
        assert!(pool.read().transactions.is_empty());
        assert!(
            state(db, 0).is_none(),
            "nothing sealed with the forged root"
        );
        provision(db, OWNER);
        assert_eq!(run_at(2).submitted, 1);
    });
}

/// An item compressed before records were sealed (a bare container, a plain hash) and
/// not yet sent goes through the pipeline again, so it registers sealed and keyed.
#[test]
fn an_item_prepared_before_sealing_is_sealed_before_it_is_sent() {
    with_worker(|pool, db| {
        push(db, &queued(MIXED, &["mixed"]));
        let bare = medchain_lzw::compress(MIXED.as_bytes(), &Default::default()).unwrap();
        let legacy = medchain_primitives::offchain::Prepared {
            raw_hash: H256(sp_io::hashing::blake2_256(MIXED.as_bytes())),
            content_hash: H256(sp_io::hashing::blake2_256(&bare)),
            raw_len: MIXED.len() as u64,
            compressed_len: bare.len() as u64,
            method: CodecMethod::Hanzi,
            dictionary: None,
            sealed: false,
        };
        let mut state_db = db.write();
        state_db
            .persistent_storage
            .set(STORAGE_PREFIX, &blob_key(&legacy.content_hash), &bare);
        state_db.persistent_storage.set(
            STORAGE_PREFIX,
            &queue_state_key(0),
            &ItemState::<AccountId>::Prepared(legacy).encode(),
        );
        drop(state_db);
        assert_eq!(run_at(1).submitted, 1);
        let input = registered_inputs(pool).remove(0);
        assert_eq!(input.raw_hash, H256(root().commit(MIXED.as_bytes())));
        assert_eq!(opened(db, &input, &[]), MIXED.as_bytes());
    });
}
