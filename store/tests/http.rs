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

/// How one hammering request is made wrong, and what the store must answer.
#[derive(Clone, Copy, Debug)]
enum Attack {
    /// Random signature bytes, all on one shared challenge.
    Forged,
    /// Signed by another key, claiming to be the owner.
    OtherKey,
    /// The owner's signature for another record.
    OtherPath,
    /// The owner's signature for a download, sent as an upload.
    OtherMethod,
    /// The owner's signature for another store (another manager).
    OtherStore,
    /// A request already answered, sent again.
    Replayed,
    /// A challenge this store never issued, correctly signed.
    InventedChallenge,
    /// A signature that is not 64 bytes of hex.
    MalformedSignature,
    /// An account that is not 32 bytes of hex, or none.
    MalformedAccount,
    /// A forged signature on an upload of the right bytes.
    ForgedUpload,
    /// A good signature of an account that may not read the record.
    Stranger,
}

const ATTACKS: [Attack; 11] = [
    Attack::Forged,
    Attack::OtherKey,
    Attack::OtherPath,
    Attack::OtherMethod,
    Attack::OtherStore,
    Attack::Replayed,
    Attack::InventedChallenge,
    Attack::MalformedSignature,
    Attack::MalformedAccount,
    Attack::ForgedUpload,
    Attack::Stranger,
];

/// An HTTP client hammering the store (issue #7): 550 requests with forged, misdirected,
/// replayed, invented or malformed signatures, 16 at a time. Each gets 401 with the reason
/// (a well-signed stranger 403), nothing reaches the blob directory, the challenge the
/// forgeries were sent with is still good, and correct requests succeed afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_hammering_with_bad_signatures_gets_refusals_and_changes_nothing() {
    use futures::StreamExt;
    use medchain_store::protocol::{signed_message, ErrorBody};

    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, stranger) = (Account::new(1), Account::new(2), Account::new(4));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let held = blob(1000, 1);
    store.add_record(1, &owner, &manager, &held);
    store.put(&owner, 1, &held).await.unwrap();
    let pending = blob(1000, 2);
    store.add_record(2, &owner, &manager, &pending);
    let before = store.files();
    assert_eq!(before, vec![object(&owner, &held)]);

    let http = reqwest::Client::new();
    let base = format!("http://{}", store.addr);
    let sign = |who: &Account, manager: &Account, method: &str, path: &str, c: &[u8; 32]| {
        who.sign(&signed_message(&manager.account(), method, path, c))
    };
    let send = |method: &str, path: &str, headers: Vec<(&'static str, String)>| {
        let mut request = match method {
            "GET" => http.get(format!("{base}{path}")),
            _ => http.put(format!("{base}{path}")).body(pending.clone()),
        };
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let signed_headers = |who: &Account, challenge: &[u8; 32], signature: &[u8]| {
        vec![
            ("x-medchain-account", to_hex(&who.account())),
            ("x-medchain-challenge", to_hex(challenge)),
            ("x-medchain-signature", to_hex(signature)),
        ]
    };

    // A request answered once, to replay; a challenge to forge signatures on.
    let used = fresh_challenge(store.addr).await;
    let used_signature = sign(&owner, &manager, "GET", "/v1/blobs/1", &used);
    let answered = send(
        "GET",
        "/v1/blobs/1",
        signed_headers(&owner, &used, &used_signature),
    )
    .await
    .unwrap();
    assert_eq!(answered.status(), StatusCode::OK);
    let shared = fresh_challenge(store.addr).await;

    let attack = |i: usize| {
        let kind = ATTACKS[i % ATTACKS.len()];
        let (owner, manager, stranger, send, sign, signed_headers) =
            (&owner, &manager, &stranger, &send, &sign, &signed_headers);
        async move {
            let c = fresh_challenge(store.addr).await;
            let noise: Vec<u8> = (0..64).map(|j| (i * 31 + j * 7) as u8).collect();
            let (method, path, headers, status, reason) = match kind {
                Attack::Forged => (
                    "GET",
                    "/v1/blobs/1",
                    signed_headers(owner, &shared, &noise),
                    StatusCode::UNAUTHORIZED,
                    "bad signature",
                ),
                Attack::OtherKey => (
                    "GET",
                    "/v1/blobs/1",
                    signed_headers(
                        owner,
                        &c,
                        &sign(stranger, manager, "GET", "/v1/blobs/1", &c),
                    ),
                    StatusCode::UNAUTHORIZED,
                    "bad signature",
                ),
                Attack::OtherPath => (
                    "GET",
                    "/v1/blobs/1",
                    signed_headers(owner, &c, &sign(owner, manager, "GET", "/v1/blobs/2", &c)),
                    StatusCode::UNAUTHORIZED,
                    "bad signature",
                ),
                Attack::OtherMethod => (
                    "PUT",
                    "/v1/blobs/2",
                    signed_headers(owner, &c, &sign(owner, manager, "GET", "/v1/blobs/2", &c)),
                    StatusCode::UNAUTHORIZED,
                    "bad signature",
                ),
                Attack::OtherStore => (
                    "PUT",
                    "/v1/blobs/2",
                    signed_headers(owner, &c, &sign(owner, stranger, "PUT", "/v1/blobs/2", &c)),
                    StatusCode::UNAUTHORIZED,
                    "bad signature",
                ),
                Attack::Replayed => (
                    "GET",
                    "/v1/blobs/1",
                    signed_headers(owner, &used, &used_signature),
                    StatusCode::UNAUTHORIZED,
                    "challenge already used",
                ),
                Attack::InventedChallenge => {
                    let invented: [u8; 32] = noise[..32].try_into().unwrap();
                    (
                        "GET",
                        "/v1/blobs/1",
                        signed_headers(
                            owner,
                            &invented,
                            &sign(owner, manager, "GET", "/v1/blobs/1", &invented),
                        ),
                        StatusCode::UNAUTHORIZED,
                        "unknown or expired challenge",
                    )
                }
                Attack::MalformedSignature => {
                    let mut headers = signed_headers(owner, &c, &noise[..63]);
                    if i % 2 == 0 {
                        headers[2].1 = "0xnot-hex".into();
                    }
                    (
                        "GET",
                        "/v1/blobs/1",
                        headers,
                        StatusCode::UNAUTHORIZED,
                        "missing or malformed x-medchain-signature",
                    )
                }
                Attack::MalformedAccount => {
                    let signature = sign(owner, manager, "GET", "/v1/blobs/1", &c);
                    let mut headers = signed_headers(owner, &c, &signature);
                    if i % 2 == 0 {
                        headers.remove(0);
                    } else {
                        headers[0].1 = to_hex(&owner.account()[..31]);
                    }
                    (
                        "GET",
                        "/v1/blobs/1",
                        headers,
                        StatusCode::UNAUTHORIZED,
                        "missing or malformed x-medchain-account",
                    )
                }
                Attack::ForgedUpload => (
                    "PUT",
                    "/v1/blobs/2",
                    signed_headers(owner, &c, &noise),
                    StatusCode::UNAUTHORIZED,
                    "bad signature",
                ),
                Attack::Stranger => (
                    "GET",
                    "/v1/blobs/1",
                    signed_headers(
                        stranger,
                        &c,
                        &sign(stranger, manager, "GET", "/v1/blobs/1", &c),
                    ),
                    StatusCode::FORBIDDEN,
                    "may not read record 1",
                ),
            };
            let response = send(method, path, headers).await.unwrap();
            let got = response.status();
            let body: ErrorBody = response.json().await.unwrap();
            (kind, got, status, body.error, reason)
        }
    };
    let answers: Vec<_> = futures::stream::iter(0..550)
        .map(attack)
        .buffer_unordered(16)
        .collect()
        .await;
    assert_eq!(answers.len(), 550);
    for (kind, got, status, error, reason) in answers {
        assert_eq!(got, status, "{kind:?}: {error}");
        assert!(error.contains(reason), "{kind:?}: {error}");
    }

    // Nothing was written, not even a staging file.
    assert_eq!(store.files(), before);
    // The forgeries did not use up the challenge they were sent with.
    let good = send(
        "GET",
        "/v1/blobs/1",
        signed_headers(
            &owner,
            &shared,
            &sign(&owner, &manager, "GET", "/v1/blobs/1", &shared),
        ),
    )
    .await
    .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    assert_eq!(good.bytes().await.unwrap().as_ref(), held.as_slice());
    // Correct requests succeed: the owner reads and uploads.
    assert_eq!(store.get(&owner, 1).await.unwrap(), held);
    assert!(store.put(&owner, 2, &pending).await.unwrap().created);
    let mut both = vec![object(&owner, &held), object(&owner, &pending)];
    both.sort();
    assert_eq!(store.files(), both);
    store.stop().await;
}
