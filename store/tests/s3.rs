//! The store over S3-compatible storage, configured as an operator would (`s3://bucket/prefix`
//! and the `AWS_*` variables), against a local S3 server: `moto_server` (PyPI
//! `moto[server]`) started here on 127.0.0.1, or the endpoint in `MEDCHAIN_S3_ENDPOINT`.
//! Ignored by a plain `cargo test`; `scripts/test.sh` installs moto and runs it.

mod common;

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{blob, status, Account, FakeChain, Running};
use medchain_store::{objects, Collected, RequestSigner};
use reqwest::StatusCode;

/// A local S3 server, killed when dropped.
struct S3Server {
    endpoint: String,
    child: Option<Child>,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn s3_server() -> S3Server {
    if let Ok(endpoint) = std::env::var("MEDCHAIN_S3_ENDPOINT") {
        return S3Server {
            endpoint,
            child: None,
        };
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server (pip install 'moto[server]') or MEDCHAIN_S3_ENDPOINT");
    let server = S3Server {
        endpoint: format!("http://127.0.0.1:{port}"),
        child: Some(child),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(&server.endpoint).await.is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a local S3 server (moto_server); scripts/test.sh runs it"]
async fn blobs_live_in_an_s3_bucket() {
    let server = s3_server().await;
    // moto accepts any credentials; a bucket is made with a plain PUT.
    let created = reqwest::Client::new()
        .put(format!("{}/medchain-blobs", server.endpoint))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "{}", created.status());
    for (key, value) in [
        ("AWS_ENDPOINT", server.endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ] {
        std::env::set_var(key, value);
    }
    let objects = objects::open("s3://medchain-blobs/hospital-a").unwrap();

    let (owner, manager, demander) = (Account::new(1), Account::new(2), Account::new(3));
    let chain = FakeChain::default();
    let store = Running::start(objects.clone(), None, chain.clone(), manager.account()).await;
    // Larger than one 8 MiB part, so the upload is a real multipart upload.
    let data = blob(9 << 20, 5);
    store.add_record(1, &owner, &manager, &data);

    let mut altered = data.clone();
    altered[1 << 20] ^= 1;
    assert_eq!(
        status(store.put(&owner, 1, &altered).await),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(status(store.get(&owner, 1).await), StatusCode::NOT_FOUND);
    // The refused multipart upload was aborted, not left with its parts in the bucket.
    let pending = reqwest::get(format!("{}/medchain-blobs?uploads", server.endpoint))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pending.contains("ListMultipartUploadsResult"), "{pending}");
    assert!(
        !pending.contains("<UploadId>"),
        "unfinished uploads: {pending}"
    );
    assert!(store.put(&owner, 1, &data).await.unwrap().created);
    assert_eq!(store.get(&owner, 1).await.unwrap(), data);
    assert_eq!(status(store.get(&demander, 1).await), StatusCode::FORBIDDEN);
    chain.grants.lock().unwrap().insert((1, demander.account()));
    assert_eq!(store.get(&demander, 1).await.unwrap(), data);

    // The bucket keeps it under the prefix; a new store over the same bucket serves it.
    store.stop().await;
    let reopened = objects::open("s3://medchain-blobs/hospital-a").unwrap();
    let again = Running::start(reopened, None, chain.clone(), manager.account()).await;
    assert_eq!(again.get(&owner, 1).await.unwrap(), data);
    assert!(!again.put(&owner, 1, &data).await.unwrap().created);
    // The owner's usage is counted from the bucket's listing; erasure deletes the object
    // and the place the chain follower reached is kept in the bucket too.
    assert_eq!(again.store.used_bytes(&owner.account()), data.len() as u64);
    chain.retire(1);
    assert!(matches!(
        again.store.collect(1).await.unwrap(),
        Collected::Deleted { .. }
    ));
    assert_eq!(status(again.get(&owner, 1).await), StatusCode::FORBIDDEN);
    assert_eq!(again.store.used_bytes(&owner.account()), 0);
    again.store.set_followed_through(7).await.unwrap();
    assert_eq!(again.store.followed_through().await.unwrap(), Some(7));
    again.stop().await;
}
