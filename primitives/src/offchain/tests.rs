use super::*;
use sp_core::offchain::OffchainStorage;

const P: &[u8] = sp_core::offchain::STORAGE_PREFIX;

#[test]
fn keys_do_not_collide_and_sort_by_slot() {
    assert_ne!(queue_item_key(1), queue_state_key(1));
    assert!(queue_item_key(255) < queue_item_key(256));
    assert_ne!(blob_key(&H256::zero()), held_key(0));
}

#[test]
fn queue_bounds() {
    let mut meta = QueueMeta::default();
    assert!(meta.is_empty());
    assert!(meta.fits(MAX_QUEUE_BYTES));
    assert!(!meta.fits(MAX_QUEUE_BYTES + 1));
    meta.items = MAX_QUEUE_ITEMS;
    assert!(!meta.fits(1));
    meta.items -= 1;
    assert!(meta.fits(1));
    meta.tail = MAX_QUEUE_SLOTS;
    assert!(!meta.fits(1));
}

fn record(raw: &[u8], labels: &[&[u8]]) -> QueuedRecord<u64> {
    QueuedRecord {
        raw: raw.to_vec(),
        labels: labels.iter().map(|l| l.to_vec()).collect(),
        location: Vec::new(),
        manager: 7,
    }
}

#[test]
fn enqueue_appends_in_order_and_counts_bytes() {
    let mut db = sp_core::offchain::storage::InMemOffchainStorage::default();
    assert_eq!(enqueue(&mut db, P, &record(b"first", &[b"en"])), Ok(0));
    assert_eq!(
        enqueue(&mut db, P, &record("第二".as_bytes(), &[b"zh"])),
        Ok(1)
    );
    let meta = db
        .get(P, QUEUE_META_KEY)
        .map(|b| QueueMeta::decode(&mut &b[..]).unwrap())
        .unwrap();
    assert_eq!(
        meta,
        QueueMeta {
            head: 0,
            tail: 2,
            items: 2,
            bytes: 5 + 6
        }
    );
    let item = db
        .get(P, &queue_item_key(1))
        .map(|b| QueuedItem::<u64>::decode(&mut &b[..]).unwrap())
        .unwrap();
    assert_eq!(item.labels, vec![b"zh".to_vec()]);
    assert_eq!(item.raw_len, 6);
    assert_eq!(db.get(P, &queue_raw_key(1)).unwrap(), "第二".as_bytes());
}

#[test]
fn enqueue_refuses_bad_records_and_a_full_queue() {
    let mut db = sp_core::offchain::storage::InMemOffchainStorage::default();
    assert_eq!(
        enqueue(&mut db, P, &record(b"", &[b"en"])),
        Err(EnqueueError::EmptyRecord)
    );
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[])),
        Err(EnqueueError::LabelCount(0))
    );
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[b"a", b""])),
        Err(EnqueueError::BadLabel(1))
    );
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[b"a", b"b", b"a"])),
        Err(EnqueueError::DuplicateLabel(2))
    );
    let long = [b'l'; MAX_LABEL_LEN as usize + 1];
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[&long])),
        Err(EnqueueError::BadLabel(0))
    );
    let mut far = record(b"x", &[b"a"]);
    far.location = vec![b'/'; MAX_LOCATION_LEN as usize + 1];
    assert_eq!(
        enqueue(&mut db, P, &far),
        Err(EnqueueError::LocationTooLong(MAX_LOCATION_LEN as usize + 1))
    );
    let full = QueueMeta {
        head: 3,
        tail: 3 + MAX_QUEUE_ITEMS,
        items: MAX_QUEUE_ITEMS,
        bytes: 10,
    };
    db.set(P, QUEUE_META_KEY, &full.encode());
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[b"a"])),
        Err(EnqueueError::QueueFull(full))
    );
    // Nothing was left behind in the slot that did not open.
    assert!(db.get(P, &queue_item_key(full.tail)).is_none());
    assert!(db.get(P, &queue_raw_key(full.tail)).is_none());
    // Records stuck far behind also close the queue, by slots.
    let spread = QueueMeta {
        head: 0,
        tail: MAX_QUEUE_SLOTS,
        items: 1,
        bytes: 10,
    };
    db.set(P, QUEUE_META_KEY, &spread.encode());
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[b"a"])),
        Err(EnqueueError::QueueFull(spread))
    );
}

#[test]
fn drops_are_requested_once_per_slot() {
    let mut db = sp_core::offchain::storage::InMemOffchainStorage::default();
    assert_eq!(request_drop(&mut db, P, 0), Ok(false));
    enqueue(&mut db, P, &record(b"x", &[b"a"])).unwrap();
    assert_eq!(request_drop(&mut db, P, 0), Ok(true));
    assert_eq!(request_drop(&mut db, P, 0), Ok(true));
    let drops = Vec::<u64>::decode(&mut &db.get(P, DROPS_KEY).unwrap()[..]).unwrap();
    assert_eq!(drops, vec![0]);
}

#[test]
fn locations_must_be_empty_or_a_store_url_and_labels_not_personal() {
    let mut db = sp_core::offchain::storage::InMemOffchainStorage::default();
    for bad in [
        &b"s3://bucket/x"[..],
        b"/var/blobs",
        b"http://",
        b"https:// x",
        b"ftp://h",
    ] {
        let mut item = record(b"x", &[b"a"]);
        item.location = bad.to_vec();
        assert_eq!(
            enqueue(&mut db, P, &item),
            Err(EnqueueError::BadLocation),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    for good in [&b"http://127.0.0.1:8700"[..], b"https://store.example"] {
        let mut item = record(b"x", &[b"a"]);
        item.location = good.to_vec();
        assert!(enqueue(&mut db, P, &item).is_ok());
    }
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[b"a", b"tel 13812345678"])),
        Err(EnqueueError::PersonalLabel(
            1,
            crate::labels::PersonalData::PhoneNumber
        ))
    );
    assert_eq!(
        enqueue(&mut db, P, &record(b"x", &[b"11010519491231002X"])),
        Err(EnqueueError::PersonalLabel(
            0,
            crate::labels::PersonalData::IdNumber
        ))
    );
}

/// A state written before sealing (no dictionary, no `sealed` flag) still decodes,
/// as unsealed; one of the new layout is never misread as the old one.
#[test]
fn states_written_before_sealing_still_decode() {
    let legacy = LegacyPrepared {
        raw_hash: H256::repeat_byte(1),
        content_hash: H256::repeat_byte(2),
        raw_len: 10,
        compressed_len: 8,
        method: CodecMethod::Hanzi,
    };
    #[derive(Encode)]
    enum Written {
        #[allow(dead_code)]
        Prepared(LegacyPrepared),
        Submitted {
            prepared: LegacyPrepared,
            owner: u64,
            at: u32,
            nonce: u64,
            attempts: u8,
        },
    }
    let bytes = Written::Submitted {
        prepared: legacy,
        owner: 7,
        at: 5,
        nonce: 3,
        attempts: 1,
    }
    .encode();
    let state = ItemState::<u64>::decode_stored(&bytes).unwrap();
    let expected = Prepared {
        raw_hash: legacy.raw_hash,
        content_hash: legacy.content_hash,
        raw_len: 10,
        compressed_len: 8,
        method: CodecMethod::Hanzi,
        dictionary: None,
        sealed: false,
    };
    assert_eq!(
        state,
        ItemState::Submitted {
            prepared: expected,
            owner: 7,
            at: 5,
            nonce: 3,
            attempts: 1
        }
    );
    let sealed = Prepared {
        dictionary: Some(H256::repeat_byte(3)),
        sealed: true,
        ..expected
    };
    for state in [
        ItemState::<u64>::Prepared(sealed),
        ItemState::Stalled(expected),
        ItemState::Uploading {
            prepared: sealed,
            owner: 9,
            id: 4,
            attempts: 6,
            next_at: 100,
            last_status: 503,
        },
    ] {
        assert_eq!(ItemState::decode_stored(&state.encode()), Some(state));
    }
    assert_eq!(ItemState::<u64>::decode_stored(&[9, 9, 9]), None);
    assert_eq!(
        ItemState::<u64>::Uploading {
            prepared: sealed,
            owner: 9,
            id: 4,
            attempts: UPLOAD_FAILING_AFTER,
            next_at: 0,
            last_status: 0
        }
        .name(),
        "upload-failing"
    );
}

#[test]
fn own_location_names_the_hash_in_hex() {
    let location = own_location(&H256::repeat_byte(0xab));
    assert_eq!(location.len(), 16 + 64);
    assert!(location.ends_with(b"abab"));
    assert!(location.starts_with(b"medchain-blob:0x"));
}
