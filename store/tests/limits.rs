//! The store's own limits over real HTTP on 127.0.0.1, with a fake chain: used
//! challenges only for allowed requests, requests per address, slow headers, slow
//! uploads, bytes per owner.

mod common;

use std::time::{Duration, Instant};

use common::{blob, fresh_challenge, object, status, test_config, Account, FakeChain, Running};
use medchain_store::{
    protocol::{signed_message, to_hex, ErrorBody},
    RequestSigner,
};
use reqwest::StatusCode;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// A signed request's header lines for `who` at the store of `manager`.
async fn signed_headers(
    store: &Running,
    who: &Account,
    manager: &Account,
    method: &str,
    path: &str,
) -> String {
    let c = fresh_challenge(store.addr).await;
    let signature = who.sign(&signed_message(&manager.account(), method, path, &c));
    format!(
        "x-medchain-account: {}\r\nx-medchain-challenge: {}\r\nx-medchain-signature: {}\r\n",
        to_hex(&who.account()),
        to_hex(&c),
        to_hex(&signature)
    )
}

/// Reads from `socket` until the store closes it (or resets it), for at most `limit`;
/// what it sent, or `None` if the connection was still open at the limit.
async fn read_until_closed(socket: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read_all = async {
        let mut buffer = [0u8; 4096];
        loop {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read_all).await.ok()?;
    Some(received)
}

/// Issue: any valid signature used to redeem a challenge, so throwaway keys could fill
/// the store's memory of used challenges until every client got 503. Now only a request
/// the chain allows uses its challenge up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_but_unauthorised_requests_do_not_use_up_challenge_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, stranger) = (Account::new(1), Account::new(2), Account::new(4));
    let mut config = test_config(manager.account());
    config.max_redeemed_challenges = 4;
    let store = Running::start_in_with(dir.path(), FakeChain::default(), config).await;
    let data = blob(500, 1);
    store.add_record(1, &owner, &manager, &data);
    let other_managers = blob(500, 2);
    store.add_record(2, &owner, &stranger, &other_managers);

    // Well-signed requests the chain does not allow: a stranger reads and uploads, a
    // record of another manager, a record not on the chain.
    for _ in 0..10 {
        assert_eq!(status(store.get(&stranger, 1).await), StatusCode::FORBIDDEN);
        assert_eq!(
            status(store.put(&stranger, 1, &data).await),
            StatusCode::FORBIDDEN
        );
        assert_eq!(status(store.get(&owner, 2).await), StatusCode::FORBIDDEN);
        assert_eq!(status(store.get(&owner, 99).await), StatusCode::NOT_FOUND);
    }

    // The owner's allowed requests still fit: all four of the memory.
    assert!(store.put(&owner, 1, &data).await.unwrap().created);
    for _ in 0..3 {
        assert_eq!(store.get(&owner, 1).await.unwrap(), data);
    }
    // The memory is that small: a fifth allowed request has to wait.
    let busy = store.get(&owner, 1).await.unwrap_err();
    assert_eq!(
        busy.status(),
        Some(StatusCode::SERVICE_UNAVAILABLE),
        "{busy}"
    );
    assert!(
        busy.to_string().contains("too many recent requests"),
        "{busy}"
    );
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let manager = Account::new(2);
    let mut config = test_config(manager.account());
    config.rate_limit.burst_requests = 5;
    config.rate_limit.requests_per_second = 1;
    let store = Running::start_in_with(dir.path(), FakeChain::default(), config).await;
    let http = reqwest::Client::new();
    let info = format!("http://{}/v1/info", store.addr);

    // The burst, counted over every route.
    for _ in 0..4 {
        assert_eq!(
            http.get(&info).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    let challenge = http
        .post(format!("http://{}/v1/challenge", store.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.status(), StatusCode::OK);
    let refused = http.get(&info).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: ErrorBody = refused.json().await.unwrap();
    assert!(
        body.error.contains("too many requests from 127.0.0.1"),
        "{}",
        body.error
    );
    assert!(
        body.error.contains("at most 5 at once and 1 per second"),
        "{}",
        body.error
    );
    // The client's own library sees it by status too.
    assert_eq!(
        store.client.info().await.unwrap_err().status(),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );

    // One more a second later.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        http.get(&info).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        http.get(&info).send().await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    store.stop().await;
}

/// Slowloris: a client that sends its headers a byte at a time, or nothing at all, is
/// cut off after the header-read timeout; one that sends them is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let manager = Account::new(2);
    let mut config = test_config(manager.account());
    config.header_read_timeout = Duration::from_millis(500);
    let store = Running::start_in_with(dir.path(), FakeChain::default(), config).await;

    let started = Instant::now();
    let mut slow = TcpStream::connect(store.addr).await.unwrap();
    slow.write_all(b"GET /v1/info HTTP/1.1\r\nhost: store\r\n")
        .await
        .unwrap();
    let drip = async {
        for _ in 0..50 {
            if slow.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    drip.await;
    let answered = read_until_closed(&mut slow, Duration::from_secs(3)).await;
    assert!(
        answered.is_some_and(|bytes| bytes.is_empty()),
        "a connection still sending its headers after {:?} was not closed",
        started.elapsed()
    );

    let mut silent = TcpStream::connect(store.addr).await.unwrap();
    let started = Instant::now();
    assert_eq!(
        read_until_closed(&mut silent, Duration::from_secs(3)).await,
        Some(Vec::new()),
        "a silent connection was not closed"
    );
    assert!(started.elapsed() >= Duration::from_millis(400));

    // Headers sent at once are served.
    assert_eq!(store.client.info().await.unwrap().version, 1);
    store.stop().await;
}

/// An upload that trickles slower than the idle timeout, or that keeps sending but not
/// to the end by the deadline, is refused with 408 and leaves nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_must_keep_sending_and_finish_by_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager) = (Account::new(1), Account::new(2));
    let mut config = test_config(manager.account());
    config.upload_deadline = Duration::from_secs(1);
    config.body_idle_timeout = Duration::from_millis(400);
    let store = Running::start_in_with(dir.path(), FakeChain::default(), config).await;
    let data = blob(10_000, 5);
    store.add_record(1, &owner, &manager, &data);

    for (trickle_every, expected) in [
        (
            Duration::from_millis(150),
            "upload deadline: not complete within 1 s",
        ),
        (Duration::from_millis(800), "no data for 0.4 s"),
    ] {
        let head = signed_headers(&store, &owner, &manager, "PUT", "/v1/blobs/1").await;
        let mut socket = TcpStream::connect(store.addr).await.unwrap();
        let request = format!(
            "PUT /v1/blobs/1 HTTP/1.1\r\nhost: store\r\ncontent-length: {}\r\n{head}\r\n",
            data.len()
        );
        socket.write_all(request.as_bytes()).await.unwrap();
        let started = Instant::now();
        let (mut reader, mut writer) = socket.into_split();
        let chunks = data.clone();
        let trickle = tokio::spawn(async move {
            for byte in chunks.chunks(10).take(40) {
                if writer.write_all(byte).await.is_err() {
                    return;
                }
                tokio::time::sleep(trickle_every).await;
            }
        });
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut answer));
        let _ = read.await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{expected}: still open after {:?}",
            started.elapsed()
        );
        // The answer, unless the client's unsent bytes made the close a reset first.
        if !answer.is_empty() {
            assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
            assert!(answer.contains(expected), "{answer}");
        }
        trickle.abort();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !store.files().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(store.files().is_empty(), "{:?}", store.files());
    // The owner uploads in one go.
    assert!(store.put(&owner, 1, &data).await.unwrap().created);
    store.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_over_its_quota_is_refused_by_name_also_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, other) = (Account::new(1), Account::new(2), Account::new(3));
    let mut config = test_config(manager.account());
    config.owner_quota_bytes = 2_500;
    let chain = FakeChain::default();
    let store = Running::start_in_with(dir.path(), chain.clone(), config.clone()).await;
    let blobs: Vec<Vec<u8>> = (1..=3).map(|seed| blob(995, seed)).collect();
    for (id, data) in (1..).zip(&blobs) {
        store.add_record(id, &owner, &manager, data);
    }
    store.add_record(4, &other, &manager, &blobs[2]);

    assert!(store.put(&owner, 1, &blobs[0]).await.unwrap().created);
    assert!(store.put(&owner, 2, &blobs[1]).await.unwrap().created);
    assert_eq!(store.store.used_bytes(&owner.account()), 2_000);
    let refused = store.put(&owner, 3, &blobs[2]).await.unwrap_err();
    assert_eq!(refused.status(), Some(StatusCode::INSUFFICIENT_STORAGE));
    let message = refused.to_string();
    assert!(message.contains("owner quota exceeded"), "{message}");
    assert!(message.contains("holds 2000 bytes"), "{message}");
    assert!(
        message.contains("quota of 2500 bytes per owner"),
        "{message}"
    );
    // Nothing was written; a held blob is no new use; other owners have their own.
    let mut held = vec![object(&owner, &blobs[0]), object(&owner, &blobs[1])];
    held.sort();
    assert_eq!(store.files(), held);
    assert!(!store.put(&owner, 1, &blobs[0]).await.unwrap().created);
    assert!(store.put(&other, 4, &blobs[2]).await.unwrap().created);
    assert_eq!(store.store.used_bytes(&owner.account()), 2_000);

    // A restart counts what is held.
    store.stop().await;
    let store = Running::start_in_with(dir.path(), chain.clone(), config).await;
    assert_eq!(store.store.used_bytes(&owner.account()), 2_000);
    assert_eq!(store.store.used_bytes(&other.account()), 1_000);
    assert_eq!(
        status(store.put(&owner, 3, &blobs[2]).await),
        StatusCode::INSUFFICIENT_STORAGE
    );

    // Erasing one makes room.
    chain.retire(1);
    store.store.collect(1).await.unwrap();
    assert_eq!(store.store.used_bytes(&owner.account()), 1_000);
    assert!(store.put(&owner, 3, &blobs[2]).await.unwrap().created);
    store.stop().await;
}

/// Issue: connections were not counted, so one client could hold as many as the
/// machine allows. Now those over the per-address (and total) cap are closed at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let manager = Account::new(2);
    let mut config = test_config(manager.account());
    config.max_connections_per_address = 2;
    let store = Running::start_in_with(dir.path(), FakeChain::default(), config).await;
    let first = TcpStream::connect(store.addr).await.unwrap();
    let _second = TcpStream::connect(store.addr).await.unwrap();
    let mut third = TcpStream::connect(store.addr).await.unwrap();
    let closed = read_until_closed(&mut third, Duration::from_secs(3)).await;
    assert_eq!(closed, Some(Vec::new()), "closed without an answer");
    // A place frees up when a connection ends.
    drop(first);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        store.client.info().await.unwrap().version,
        medchain_store::protocol::VERSION
    );
    store.stop().await;
}

/// Issue: a PUT refused before it was authorised still had up to 64 MiB (or 120 s) of
/// its body read and dropped. Now its connection is closed with the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unauthorised_put_is_answered_and_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let (owner, manager, stranger) = (Account::new(1), Account::new(2), Account::new(4));
    let store = Running::start_in(dir.path(), FakeChain::default(), manager.account()).await;
    let data = blob(1_000, 1);
    store.add_record(1, &owner, &manager, &data);
    for headers in [
        String::new(),
        signed_headers(&store, &stranger, &manager, "PUT", "/v1/blobs/1").await,
    ] {
        let mut socket = TcpStream::connect(store.addr).await.unwrap();
        let head = format!(
            "PUT /v1/blobs/1 HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n{headers}\r\n",
            60 << 20
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&[0u8; 65536]).await.unwrap();
        let answer = read_until_closed(&mut socket, Duration::from_secs(5))
            .await
            .expect("closed, not drained");
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with("HTTP/1.1 401") || answer.starts_with("HTTP/1.1 403"),
            "{answer}"
        );
    }
    store.stop().await;
}
