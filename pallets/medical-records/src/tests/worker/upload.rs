//! Uploads of sealed blobs to the store a record names: signed as the CLI signs,
//! retried with backoff, droppable.

use super::*;

const STORE: &str = "http://store.test:8700";

/// `raw` queued for upload to [`STORE`].
fn queued_to_store(raw: &str, labels: &[&str]) -> QueuedRecord<AccountId> {
    QueuedRecord {
        location: format!("{STORE}/").into_bytes(),
        ..queued(raw, labels)
    }
}

/// The store's answer to `POST /v1/challenge`, naming `manager`.
fn challenge_answer(challenge: [u8; 32], manager: AccountId) -> Vec<u8> {
    format!(
        r#"{{"challenge":"{}","manager":"{}","expires_in_secs":60}}"#,
        medchain_store_protocol::to_hex(&challenge),
        medchain_store_protocol::to_hex(&manager.encode())
    )
    .into_bytes()
}

/// Expects the two requests of one upload of record `id`'s `blob` to [`STORE`]: a
/// challenge, then a `PUT` signed by `signer` exactly as the CLI signs.
fn expect_upload(db: &Db, id: RecordId, blob: &[u8], signer: AccountId, challenge: [u8; 32]) {
    use medchain_store_protocol::{blob_path, signed_message, to_hex};
    use sp_core::offchain::testing::PendingRequest;
    let mut state = db.write();
    state.expect_request(PendingRequest {
        method: "POST".into(),
        uri: format!("{STORE}/v1/challenge"),
        sent: true,
        response: Some(challenge_answer(challenge, MANAGER)),
        ..Default::default()
    });
    let path = blob_path(id);
    let message = signed_message(&MANAGER.encode(), "PUT", &path, &challenge);
    let signature =
        sp_runtime::RuntimeAppPublic::sign(&UintAuthorityId::from(signer), &message).unwrap();
    state.expect_request(PendingRequest {
        method: "PUT".into(),
        uri: format!("{STORE}{path}"),
        headers: vec![
            ("x-medchain-account".into(), to_hex(&signer.to_le_bytes())),
            ("x-medchain-challenge".into(), to_hex(&challenge)),
            ("x-medchain-signature".into(), to_hex(&signature.encode())),
            ("content-type".into(), "application/octet-stream".into()),
            ("content-length".into(), blob.len().to_string()),
        ],
        body: blob.to_vec(),
        sent: true,
        response: Some(
            format!(
                r#"{{"record":{id},"content_hash":"{}","bytes":{},"created":false}}"#,
                to_hex(&sp_io::hashing::blake2_256(blob)),
                blob.len()
            )
            .into_bytes(),
        ),
        ..Default::default()
    });
}

/// Runs blocks `from..` (including the pool before each) until the item in `slot` is
/// uploading; returns that block.
fn until_uploading(pool: &Pool, db: &Db, from: u64) -> u64 {
    for n in from..from + 20 {
        include_pool(pool);
        run_at(n);
        if matches!(state(db, 0), Some(ItemState::Uploading { .. })) {
            return n;
        }
    }
    panic!("the item never became due for upload: {:?}", state(db, 0));
}

#[test]
fn a_blob_bound_for_a_store_is_uploaded_once_confirmed_signed_by_the_owner() {
    with_worker(|pool, db| {
        push(db, &queued_to_store(CHINESE, &["zh"]));
        assert_eq!(run_at(1).submitted, 1);
        let input = registered_inputs(pool).remove(0);
        assert_eq!(input.location.to_vec(), format!("{STORE}/").into_bytes());
        let blob = get(db, &blob_key(&input.content_hash)).unwrap();

        // The first upload is tried in the run that confirms the record: the store there
        // is another manager's, so nothing is signed for it, and it is retried.
        let wrong = [0x42; 32];
        db.write()
            .expect_request(sp_core::offchain::testing::PendingRequest {
                method: "POST".into(),
                uri: format!("{STORE}/v1/challenge"),
                sent: true,
                response: Some(challenge_answer(wrong, STRANGER)),
                ..Default::default()
            });
        let due = until_uploading(pool, db, 2);
        assert!(matches!(
            state(db, 0),
            Some(ItemState::Uploading {
                attempts: 1,
                last_status: 200,
                ..
            })
        ));
        // The text has left the queue; the item stays until its blob is stored.
        assert!(get(db, &queue_raw_key(0)).is_none());
        assert_eq!((queue(db).items, queue(db).bytes), (1, 0));
        let Some(ItemState::Uploading { next_at, id, .. }) = state(db, 0) else {
            unreachable!()
        };
        assert_eq!(u64::from(next_at), due + 1, "retried after one block");

        expect_upload(db, id, &blob, OWNER, [0x11; 32]);
        let progress = run_at(u64::from(next_at));
        assert_eq!((progress.uploaded, progress.upload_failures), (1, 0));
        assert!(queue(db).is_empty());
        let held: HeldMeta = decoded(db, HELD_META_KEY).unwrap();
        assert_eq!(held.count, 1, "held for verification once uploaded");
    });
}

#[test]
fn failed_uploads_back_off_and_an_uploading_item_can_be_dropped() {
    with_worker(|pool, db| {
        push(db, &queued_to_store(ENGLISH, &["en"]));
        run_at(1);
        // The store answers garbage to every challenge.
        for _ in 0..3 {
            db.write()
                .expect_request(sp_core::offchain::testing::PendingRequest {
                    method: "POST".into(),
                    uri: format!("{STORE}/v1/challenge"),
                    sent: true,
                    response: Some(b"<html>bad gateway</html>".to_vec()),
                    ..Default::default()
                });
        }
        let mut at = until_uploading(pool, db, 2);
        for attempts in 1..=3u16 {
            let Some(ItemState::Uploading {
                attempts: tried,
                next_at,
                ..
            }) = state(db, 0)
            else {
                panic!("still uploading")
            };
            assert_eq!(tried, attempts);
            assert_eq!(
                u64::from(next_at),
                at + u64::from(offchain::backoff_blocks(attempts))
            );
            // Nothing is tried before it is due.
            for n in at + 1..u64::from(next_at) {
                assert_eq!(run_at(n).upload_failures, 0);
            }
            at = u64::from(next_at);
            if attempts < 3 {
                assert_eq!(run_at(at).upload_failures, 1);
            }
        }
        // The operator drops it: it leaves the queue without an underflow of its bytes.
        request_drop(&mut db.write().persistent_storage, STORAGE_PREFIX, 0).unwrap();
        assert_eq!(run_at(at).dropped, 1);
        assert!(queue(db).is_empty());
        assert_eq!(queue(db).bytes, 0);
    });
}

#[test]
fn the_backoff_doubles_up_to_its_cap() {
    let steps: Vec<u32> = (1..=9).map(offchain::backoff_blocks).collect();
    assert_eq!(steps, vec![1, 2, 4, 8, 16, 32, 64, 64, 64]);
    assert_eq!(offchain::backoff_blocks(u16::MAX), 64);
    assert_eq!(offchain::backoff_blocks(0), 1);
}
