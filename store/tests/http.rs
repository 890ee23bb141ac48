//! The store over real HTTP on 127.0.0.1, with a fake chain: who may upload and
//! download, hash checks, partial uploads, restarts.

mod common;

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use common::{blob, fresh_challenge, object, status, Account, FakeChain, Running};
use medchain_crypto::blake2_256;
use medchain_store::{protocol::to_hex, RequestSigner};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_chain_decides_who_uploads_and_who_downloads() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, demander, stranger) = (
        Account::new(1),
        Account::new(2),
        Account::new(3),
        Account::new(4),
    );
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let info = store.client.info().await.unwrap();
    assert_eq!(info.manager, to_hex(&manager.account()));

    let data = blob(3 << 20, 7);
    store.add_record(1, &owner, &manager, &data);

    // Unknown record, a stranger's upload, wrong bytes, too many bytes.
    assert_eq!(
        status(store.put(&owner, 9, &data).await),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status(store.put(&stranger, 1, &data).await),
        StatusCode::FORBIDDEN
    );
    let mut altered = data.clone();
    altered[100] ^= 1;
    assert_eq!(
        status(store.put(&owner, 1, &altered).await),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut longer = data.clone();
    longer.push(0);
    assert_eq!(
        status(store.put(&owner, 1, &longer).await),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert!(
        store.files().is_empty(),
        "refused uploads left {:?}",
        store.files()
    );
    assert_eq!(status(store.get(&owner, 1).await), StatusCode::NOT_FOUND);

    // The owner uploads; again is a no-op.
    let stored = store.put(&owner, 1, &data).await.unwrap();
    assert!(stored.created);
    assert_eq!(stored.bytes, data.len() as u64);
    assert_eq!(stored.content_hash, to_hex(&blake2_256(&data)));
    assert!(!store.put(&owner, 1, &data).await.unwrap().created);
    assert_eq!(store.files(), vec![object(&owner, &data)]);

    // Owner and manager read it; the demander only while granted.
    assert_eq!(store.get(&owner, 1).await.unwrap(), data);
    assert_eq!(store.get(&manager, 1).await.unwrap(), data);
    assert_eq!(status(store.get(&demander, 1).await), StatusCode::FORBIDDEN);
    store
        .chain
        .grants
        .lock()
        .unwrap()
        .insert((1, demander.account()));
    assert_eq!(store.get(&demander, 1).await.unwrap(), data);
    store.chain.grants.lock().unwrap().clear();
    assert_eq!(
        status(store.get(&demander, 1).await),
        StatusCode::FORBIDDEN,
        "revoked at once"
    );
    assert_eq!(status(store.get(&stranger, 1).await), StatusCode::FORBIDDEN);

    // A record naming another manager is not kept here; a retracted one takes no upload.
    let other = blob(100, 9);
    store.add_record(2, &owner, &stranger, &other);
    assert_eq!(
        status(store.put(&owner, 2, &other).await),
        StatusCode::FORBIDDEN
    );
    store.add_record(3, &owner, &manager, &other);
    store
        .chain
        .records
        .lock()
        .unwrap()
        .get_mut(&3)
        .unwrap()
        .live = false;
    assert_eq!(
        status(store.put(&owner, 3, &other).await),
        StatusCode::CONFLICT
    );

    // Content hashes are public: a record that names someone else's hash reaches only
    // its own owner's blobs, and a record of another manager is not served here.
    store.add_record(4, &stranger, &manager, &data);
    assert_eq!(status(store.get(&stranger, 4).await), StatusCode::NOT_FOUND);
    store.add_record(5, &stranger, &demander, &data);
    assert_eq!(status(store.get(&stranger, 5).await), StatusCode::FORBIDDEN);
    assert_eq!(store.get(&owner, 1).await.unwrap(), data);

    // A store that sends more than the chain's length for the blob is cut off.
    let short = store
        .client
        .get_blob(&owner, 1, data.len() as u64 - 1, |_, _| {})
        .await
        .unwrap_err();
    assert!(short.to_string().contains("more than"), "{short}");
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_need_a_fresh_challenge_and_a_good_signature() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager) = (Account::new(1), Account::new(2));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let data = blob(10, 1);
    store.add_record(1, &owner, &manager, &data);
    store.put(&owner, 1, &data).await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("http://{}/v1/blobs/1", store.addr);

    let challenge = || fresh_challenge(store.addr);
    let request = |challenge: [u8; 32], signature: [u8; 64]| {
        http.get(&url)
            .header("x-medchain-account", to_hex(&owner.account()))
            .header("x-medchain-challenge", to_hex(&challenge))
            .header("x-medchain-signature", to_hex(&signature))
    };
    let sign = |method: &str, path: &str, challenge: &[u8; 32]| {
        owner.sign(&medchain_store::protocol::signed_message(
            &manager.account(),
            method,
            path,
            challenge,
        ))
    };

    assert_eq!(
        http.get(&url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let c = challenge().await;
    let good = request(c, sign("GET", "/v1/blobs/1", &c))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    assert_eq!(good.bytes().await.unwrap().as_ref(), data.as_slice());
    let replayed = request(c, sign("GET", "/v1/blobs/1", &c))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replayed.status(),
        StatusCode::UNAUTHORIZED,
        "a challenge is good once"
    );
    let c = challenge().await;
    let other_path = request(c, sign("GET", "/v1/blobs/2", &c))
        .send()
        .await
        .unwrap();
    assert_eq!(other_path.status(), StatusCode::UNAUTHORIZED);
    let c = challenge().await;
    let forged = request(c, [7u8; 64]).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let body: medchain_store::protocol::ErrorBody = forged.json().await.unwrap();
    assert_eq!(body.error, "bad signature");
    // A bad signature does not use the challenge up: its owner can still sign it.
    let good = request(c, sign("GET", "/v1/blobs/1", &c))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    // A signature meant for another store (another manager) does not count here.
    let c = challenge().await;
    let elsewhere = owner.sign(&medchain_store::protocol::signed_message(
        &owner.account(),
        "GET",
        "/v1/blobs/1",
        &c,
    ));
    let relayed = request(c, elsewhere).send().await.unwrap();
    assert_eq!(relayed.status(), StatusCode::UNAUTHORIZED);
    let invented = request([1u8; 32], sign("GET", "/v1/blobs/1", &[1u8; 32]))
        .send()
        .await
        .unwrap();
    assert_eq!(invented.status(), StatusCode::UNAUTHORIZED);
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_upload_leaves_nothing_and_a_restart_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager) = (Account::new(1), Account::new(2));
    let chain = FakeChain::default();
    let store = Running::start_in(dir.path(), chain.clone(), manager.account()).await;
    let kept = blob(1 << 20, 3);
    store.add_record(1, &owner, &manager, &kept);
    store.put(&owner, 1, &kept).await.unwrap();
    let cut = blob(1 << 20, 4);
    store.add_record(2, &owner, &manager, &cut);

    // Send the headers and a part of the body, then hang up.
    let c = fresh_challenge(store.addr).await;
    let signature = owner.sign(&medchain_store::protocol::signed_message(
        &manager.account(),
        "PUT",
        "/v1/blobs/2",
        &c,
    ));
    let addr = store.addr;
    let owner_hex = to_hex(&owner.account());
    let partial = cut[..cut.len() / 2].to_vec();
    let total = cut.len();
    tokio::task::spawn_blocking(move || {
        let mut socket = TcpStream::connect(addr).unwrap();
        write!(
            socket,
            "PUT /v1/blobs/2 HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {total}\r\nx-medchain-account: {owner_hex}\r\nx-medchain-challenge: {}\r\nx-medchain-signature: {}\r\n\r\n",
            to_hex(&c),
            to_hex(&signature)
        )
        .unwrap();
        socket.write_all(&partial).unwrap();
        socket.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        socket.shutdown(std::net::Shutdown::Both).unwrap();
        let _ = socket.read(&mut [0u8; 64]);
    })
    .await
    .unwrap();
    // The staging file is removed once the handler sees the broken body.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while store.files().len() > 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(store.files(), vec![object(&owner, &kept)]);
    assert_eq!(status(store.get(&owner, 2).await), StatusCode::NOT_FOUND);

    // A crash's leftover staging file is swept on start; finished blobs survive.
    std::fs::write(
        dir.path()
            .join("blobs")
            .join(format!("{}#1", object(&owner, &cut))),
        b"half",
    )
    .unwrap();
    store.stop().await;
    let restarted = Running::start_in(dir.path(), chain, manager.account()).await;
    assert_eq!(restarted.files(), vec![object(&owner, &kept)]);
    assert_eq!(restarted.get(&owner, 1).await.unwrap(), kept);

    // A blob damaged on disk is served as it is (the client's hash check catches it) and
    // is repaired by the owner's next upload.
    let on_disk = dir.path().join("blobs").join(object(&owner, &kept));
    let mut damaged = kept.clone();
    damaged[10] ^= 0xff;
    std::fs::write(&on_disk, &damaged).unwrap();
    assert_eq!(restarted.get(&owner, 1).await.unwrap(), damaged);
    assert!(restarted.put(&owner, 1, &kept).await.unwrap().created);
    assert_eq!(restarted.get(&owner, 1).await.unwrap(), kept);
    restarted.stop().await;
}
