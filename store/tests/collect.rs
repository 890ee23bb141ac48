//! Collection (the owner's erasure) with a fake chain: a retracted or superseded
//! record's blob goes once no live record of this manager names it.

mod common;

use std::{sync::atomic::Ordering, time::Duration};

use common::{blob, fresh_challenge, object, status, Account, FakeChain, Running};
use medchain_store::{protocol, Collected, RequestSigner, Swept};
use reqwest::StatusCode;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retracted_records_blob_is_deleted_once_no_live_record_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, stranger) = (Account::new(1), Account::new(2), Account::new(4));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let data = blob(2_000, 1);
    store.add_record(1, &owner, &manager, &data);
    store.put(&owner, 1, &data).await.unwrap();
    // Content hashes are public: another owner's live record naming the same hash keeps
    // nothing of this owner's alive.
    store.add_record(2, &stranger, &manager, &data);

    assert_eq!(store.store.collect(1).await.unwrap(), Collected::Live);
    assert_eq!(store.files(), vec![object(&owner, &data)]);

    store.chain.retire(1);
    assert_eq!(
        store.store.collect(1).await.unwrap(),
        Collected::Deleted { bytes: 2_005 }
    );
    assert!(store.files().is_empty(), "{:?}", store.files());
    assert_eq!(store.store.used_bytes(&owner.account()), 0);
    assert_eq!(status(store.get(&owner, 1).await), StatusCode::FORBIDDEN);
    // Again (a replayed event): nothing left to do.
    assert_eq!(store.store.collect(1).await.unwrap(), Collected::NotHeld);
    assert_eq!(
        store.store.collect(77).await.unwrap(),
        Collected::UnknownRecord
    );
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_superseded_blob_still_named_by_a_live_record_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, elsewhere) = (Account::new(1), Account::new(2), Account::new(3));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let data = blob(1_000, 1);
    store.add_record(1, &owner, &manager, &data);
    store.put(&owner, 1, &data).await.unwrap();
    // More live records of the owner than one page holds, the one naming the blob last:
    // an amendment that kept the text (new labels only).
    for id in 100..350 {
        store.add_record(id, &owner, &manager, &blob(100, id as u8));
    }
    store.add_record(400, &owner, &manager, &data);
    store.chain.retire(1);
    assert_eq!(
        store.store.collect(1).await.unwrap(),
        Collected::StillNamed { by: 400 }
    );
    assert_eq!(store.files(), vec![object(&owner, &data)]);
    assert_eq!(store.get(&owner, 400).await.unwrap(), data);

    // A record of another manager keeps nothing here, nor is collected here.
    store.add_record(500, &owner, &elsewhere, &data);
    store.chain.retire(400);
    assert_eq!(
        store.store.collect(500).await.unwrap(),
        Collected::OtherManager
    );
    assert_eq!(
        store.store.collect(400).await.unwrap(),
        Collected::Deleted { bytes: 1_005 }
    );
    assert!(store.files().is_empty());
    store.stop().await;
}

/// Where the chain follower stopped survives a restart, beside the blobs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_followed_block_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let manager = Account::new(2);
    let chain = FakeChain::default();
    let store = Running::start_in(dir.path(), chain.clone(), manager.account()).await;
    assert_eq!(store.store.followed_through().await.unwrap(), None);
    store.store.set_followed_through(41).await.unwrap();
    store.store.set_followed_through(42).await.unwrap();
    store.stop().await;
    let store = Running::start_in(dir.path(), chain, manager.account()).await;
    assert_eq!(store.store.followed_through().await.unwrap(), Some(42));
    assert!(store.files().is_empty(), "kept outside blobs/");
    store.stop().await;
}

/// A PUT of `data` for `id` by `who`, over a raw connection, with only the headers and
/// the first half of the body sent: an upload in flight.
async fn start_upload(
    store: &Running,
    who: &Account,
    manager: &Account,
    id: u64,
    data: &[u8],
) -> TcpStream {
    let path = protocol::blob_path(id);
    let c = fresh_challenge(store.addr).await;
    let signature = who.sign(&protocol::signed_message(
        &manager.account(),
        "PUT",
        &path,
        &c,
    ));
    let mut socket = TcpStream::connect(store.addr).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\nx-medchain-account: {}\r\n\
         x-medchain-challenge: {}\r\nx-medchain-signature: {}\r\n\r\n",
        data.len(),
        protocol::to_hex(&who.account()),
        protocol::to_hex(&c),
        protocol::to_hex(&signature)
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&data[..data.len() / 2]).await.unwrap();
    // Until the store has claimed the blob (it answers nothing before the end).
    tokio::time::sleep(Duration::from_millis(300)).await;
    socket
}

/// Sends the rest of an upload started by [`start_upload`]; the status line.
async fn finish_upload(mut socket: TcpStream, data: &[u8]) -> String {
    socket.write_all(&data[data.len() / 2..]).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = socket.read(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

/// Issue: a store started after records were retired never deleted their blobs, which
/// kept counting against the owner's quota. The sweep deletes every blob that no live
/// record of this manager names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_deletes_the_blobs_no_live_record_names() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, other) = (Account::new(1), Account::new(2), Account::new(3));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let (kept, gone, others) = (blob(1_000, 1), blob(2_000, 2), blob(3_000, 3));
    store.add_record(1, &owner, &manager, &kept);
    store.add_record(2, &owner, &manager, &gone);
    store.add_record(3, &other, &manager, &others);
    for (who, id, data) in [(&owner, 1, &kept), (&owner, 2, &gone), (&other, 3, &others)] {
        store.put(who, id, data).await.unwrap();
    }
    // Retired while nobody followed the chain: no event was ever seen.
    store.chain.retire(2);
    store.chain.retire(3);
    let swept = store.store.sweep().await.unwrap();
    assert_eq!(
        swept,
        Swept {
            owners: 2,
            deleted: 2,
            bytes: 5_010,
            busy: 0
        }
    );
    assert_eq!(store.files(), vec![object(&owner, &kept)]);
    assert_eq!(store.store.used_bytes(&owner.account()), 1_005);
    assert_eq!(store.store.used_bytes(&other.account()), 0);
    assert_eq!(store.get(&owner, 1).await.unwrap(), kept);
    // Again: nothing to do.
    assert_eq!(store.store.sweep().await.unwrap().deleted, 0);
    store.stop().await;
}

/// The sweep's rule: never a blob an upload holds, nor one an upload stored (or found
/// held) after the sweep began — its record may be newer than the sweep's pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_spares_uploads_in_flight_and_blobs_stored_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager) = (Account::new(1), Account::new(2));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let (old, busy) = (blob(1_000, 1), blob(50_000, 2));
    store.add_record(1, &owner, &manager, &old);
    store.put(&owner, 1, &old).await.unwrap();
    store.chain.retire(1);
    // A held copy that no longer matches its hash, being replaced right now; its record
    // is then retired.
    store.add_record(2, &owner, &manager, &busy);
    store.put(&owner, 2, &busy).await.unwrap();
    let file = dir.path().join("blobs").join(object(&owner, &busy));
    std::fs::write(&file, b"damaged").unwrap();
    let upload = start_upload(&store, &owner, &manager, 2, &busy).await;
    store.chain.retire(2);

    // The sweep reads the owner's (empty) page of live records; before it goes on, the
    // owner registers record 3 for the old blob again and uploads it (already held).
    let gate = store.chain.gate.lock().await;
    let sweeper = store.store.clone();
    let sweep = tokio::spawn(async move { sweeper.sweep().await });
    while store.chain.pages_read.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    store.add_record(3, &owner, &manager, &old);
    assert!(!store.put(&owner, 3, &old).await.unwrap().created);
    drop(gate);
    let swept = sweep.await.unwrap().unwrap();
    assert_eq!((swept.deleted, swept.busy), (0, 2), "{swept:?}");
    assert_eq!(store.get(&owner, 3).await.unwrap(), old);

    assert_eq!(finish_upload(upload, &busy).await, "HTTP/1.1 201 Created");
    // With nothing in flight, the next sweep deletes what no live record names.
    let swept = store.store.sweep().await.unwrap();
    assert_eq!((swept.deleted, swept.busy), (1, 0), "{swept:?}");
    assert_eq!(store.files(), vec![object(&owner, &old)]);
    store.stop().await;
}

/// Issue: collecting a record whose blob was being uploaded waited for the upload, up
/// to its 30-minute deadline, holding up the collector. Now it is deferred at once and
/// collected again by `collect_deferred` once the upload ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_meeting_an_upload_is_deferred_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager) = (Account::new(1), Account::new(2));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let data = blob(50_000, 1);
    store.add_record(1, &owner, &manager, &data);
    let upload = start_upload(&store, &owner, &manager, 1, &data).await;
    store.chain.retire(1);
    let collected = tokio::time::timeout(Duration::from_secs(5), store.store.collect(1))
        .await
        .expect("no waiting for the upload")
        .unwrap();
    assert_eq!(collected, Collected::Deferred);
    assert_eq!(
        store.store.collect_deferred().await.unwrap(),
        vec![(1, Collected::Deferred)]
    );

    assert_eq!(finish_upload(upload, &data).await, "HTTP/1.1 201 Created");
    assert_eq!(
        store.store.collect_deferred().await.unwrap(),
        vec![(1, Collected::Deleted { bytes: 50_005 })]
    );
    assert!(store.files().is_empty());
    assert!(store.store.collect_deferred().await.unwrap().is_empty());
    store.stop().await;
}
