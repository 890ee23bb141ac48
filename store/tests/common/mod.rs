//! A fake chain, test accounts and a store on 127.0.0.1, shared by the store's tests.
#![allow(dead_code)]

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use medchain_crypto::{blake2_256, ENVELOPE_OVERHEAD};
use medchain_store::{
    objects, AccountId, ChainView, RecordView, RequestSigner, Store, StoreClient, StoreConfig,
    StoreError,
};
use object_store::ObjectStore;
use reqwest::StatusCode;

/// Records and grants, changed by the tests as the chain would change.
#[derive(Clone, Default)]
pub struct FakeChain {
    pub records: Arc<Mutex<HashMap<u64, RecordView>>>,
    pub grants: Arc<Mutex<HashSet<(u64, AccountId)>>>,
    /// Held by a test to hold up `live_records_of` answers, which are read before
    /// waiting for it (a page read, then the chain moving on before it arrives).
    pub gate: Arc<tokio::sync::Mutex<()>>,
    /// `live_records_of` calls so far.
    pub pages_read: Arc<std::sync::atomic::AtomicUsize>,
}

impl ChainView for FakeChain {
    async fn record(&self, id: u64) -> Result<Option<RecordView>, String> {
        Ok(self.records.lock().unwrap().get(&id).cloned())
    }
    async fn can_access(&self, id: u64, who: AccountId) -> Result<bool, String> {
        let Some(record) = self.records.lock().unwrap().get(&id).cloned() else {
            return Ok(false);
        };
        Ok(record.live
            && (who == record.owner
                || who == record.manager
                || self.grants.lock().unwrap().contains(&(id, who))))
    }
    async fn live_records_of(
        &self,
        owner: AccountId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<u64>, String> {
        let mut ids: Vec<u64> = self
            .records
            .lock()
            .unwrap()
            .iter()
            .filter(|(id, r)| r.live && r.owner == owner && after.is_none_or(|a| **id > a))
            .map(|(id, _)| *id)
            .collect();
        ids.sort();
        ids.truncate(limit as usize);
        self.pages_read
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        drop(self.gate.lock().await);
        Ok(ids)
    }
}

impl FakeChain {
    /// Marks record `id` retracted (or superseded): no longer live.
    pub fn retire(&self, id: u64) {
        self.records.lock().unwrap().get_mut(&id).unwrap().live = false;
    }
}

pub struct Account(schnorrkel::Keypair);

impl Account {
    pub fn new(seed: u8) -> Self {
        Self(
            schnorrkel::MiniSecretKey::from_bytes(&[seed; 32])
                .unwrap()
                .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519),
        )
    }
}

impl RequestSigner for Account {
    fn account(&self) -> [u8; 32] {
        self.0.public.to_bytes()
    }
    fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign_simple(b"substrate", message).to_bytes()
    }
}

pub struct Running {
    pub chain: FakeChain,
    pub store: Arc<Store<FakeChain>>,
    pub client: StoreClient,
    pub addr: std::net::SocketAddr,
    dir: Option<std::path::PathBuf>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

/// The defaults, but no rate limit to speak of: the tests hammer the store from one
/// address (the rate limit has its own test).
pub fn test_config(manager: AccountId) -> StoreConfig {
    let mut config = StoreConfig::new(manager);
    config.rate_limit.burst_requests = 1 << 20;
    config.rate_limit.requests_per_second = 1 << 20;
    config
}

impl Running {
    /// A store over a local directory.
    pub async fn start_in(dir: &std::path::Path, chain: FakeChain, manager: AccountId) -> Self {
        Self::start_in_with(dir, chain, test_config(manager)).await
    }

    /// A store over a local directory, configured.
    pub async fn start_in_with(
        dir: &std::path::Path,
        chain: FakeChain,
        config: StoreConfig,
    ) -> Self {
        let objects = objects::open(dir.to_str().unwrap()).unwrap();
        Self::start_with(objects, Some(dir.to_owned()), chain, config).await
    }

    /// A store over any object store.
    pub async fn start(
        objects: Arc<dyn ObjectStore>,
        dir: Option<std::path::PathBuf>,
        chain: FakeChain,
        manager: AccountId,
    ) -> Self {
        Self::start_with(objects, dir, chain, test_config(manager)).await
    }

    /// A store over any object store, configured.
    pub async fn start_with(
        objects: Arc<dyn ObjectStore>,
        dir: Option<std::path::PathBuf>,
        chain: FakeChain,
        config: StoreConfig,
    ) -> Self {
        let store = Store::open(chain.clone(), objects, config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let served = store.clone();
        let task = tokio::spawn(async move {
            medchain_store::serve(listener, served, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        let client = StoreClient::new(&format!("http://{addr}")).unwrap();
        Self {
            chain,
            store,
            client,
            addr,
            dir,
            stop: Some(stop),
            task,
        }
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap();
    }

    pub fn add_record(&self, id: u64, owner: &Account, manager: &Account, blob: &[u8]) {
        self.chain.records.lock().unwrap().insert(
            id,
            RecordView {
                owner: owner.account(),
                manager: manager.account(),
                content_hash: blake2_256(blob),
                compressed_len: (blob.len() - ENVELOPE_OVERHEAD) as u64,
                live: true,
            },
        );
    }

    pub async fn put(
        &self,
        who: &Account,
        id: u64,
        blob: &[u8],
    ) -> Result<medchain_store::protocol::Stored, StoreError> {
        self.client
            .put_blob(who, id, Bytes::copy_from_slice(blob), |_| {})
            .await
    }

    pub async fn get(&self, who: &Account, id: u64) -> Result<Vec<u8>, StoreError> {
        let expected = self
            .chain
            .records
            .lock()
            .unwrap()
            .get(&id)
            .map_or(1 << 30, |r| r.compressed_len + ENVELOPE_OVERHEAD as u64);
        self.client.get_blob(who, id, expected, |_, _| {}).await
    }

    /// Every file under the blob directory (staging files included), as `owner/name`.
    pub fn files(&self) -> Vec<String> {
        let blobs = self.dir.as_ref().expect("a local store").join("blobs");
        let mut names = Vec::new();
        for owner in std::fs::read_dir(&blobs).unwrap() {
            let owner = owner.unwrap();
            for file in std::fs::read_dir(owner.path()).unwrap() {
                names.push(format!(
                    "{}/{}",
                    owner.file_name().to_string_lossy(),
                    file.unwrap().file_name().to_string_lossy()
                ));
            }
        }
        names.sort();
        names
    }
}

pub fn status(result: Result<impl std::fmt::Debug, StoreError>) -> StatusCode {
    result.unwrap_err().status().expect("an HTTP refusal")
}

pub fn blob(len: usize, seed: u8) -> Vec<u8> {
    let mut bytes = b"MCB1\x01".to_vec();
    bytes.extend((0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes
}

/// Where the store keeps `owner`'s blob, relative to its `blobs/` folder.
pub fn object(owner: &Account, blob: &[u8]) -> String {
    format!(
        "{}/{}",
        medchain_store::protocol::to_hex(&owner.account()),
        medchain_store::protocol::to_hex(&blake2_256(blob))
    )
}

/// A fresh challenge from the store at `addr`.
pub async fn fresh_challenge(addr: std::net::SocketAddr) -> [u8; 32] {
    let answer: medchain_store::protocol::Challenge = reqwest::Client::new()
        .post(format!("http://{addr}/v1/challenge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    medchain_store::protocol::from_hex::<32>(&answer.challenge).unwrap()
}
