//! The HTTP service: who may upload and download, checked against the chain on every
//! request (see [`crate::protocol`] for the routes).

use std::{
    future::{Future, IntoFuture},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use blake2::{digest::consts::U32, Blake2b, Digest};
use bytes::BytesMut;
use futures::StreamExt;
use object_store::{
    path::Path as ObjectPath, MultipartUpload, ObjectStore, ObjectStoreExt, PutPayload,
};

use crate::{
    auth::{self, ChallengeError, Challenges, MAX_REDEEMED},
    protocol::{
        blob_path, from_hex, to_hex, Challenge, ErrorBody, Info, Stored, ACCOUNT_HEADER,
        CHALLENGE_HEADER, SIGNATURE_HEADER, VERSION,
    },
};

/// A 32-byte account id (sr25519 public key).
pub type AccountId = [u8; 32];

/// What the store needs to know about a record, read at the chain's finalized block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordView {
    /// The data owner.
    pub owner: AccountId,
    /// The data manager the record names.
    pub manager: AccountId,
    /// blake2-256 of the blob.
    pub content_hash: [u8; 32],
    /// Length of the compressed bytes before sealing.
    pub compressed_len: u64,
    /// Whether the record is live (not superseded or retracted).
    pub live: bool,
}

/// The chain as the store sees it: always the current finalized block, never a cache, so
/// a revoked or expired grant is refused as soon as its revocation is final.
pub trait ChainView: Send + Sync + 'static {
    /// The record, if it exists.
    fn record(&self, id: u64) -> impl Future<Output = Result<Option<RecordView>, String>> + Send;
    /// `AccessApi::can_access(id, who)`.
    fn can_access(
        &self,
        id: u64,
        who: AccountId,
    ) -> impl Future<Output = Result<bool, String>> + Send;
}

/// How the store is run.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The data manager's account: the store keeps only records that name it.
    pub manager: AccountId,
    /// The largest blob accepted.
    pub max_blob_bytes: u64,
    /// How long a challenge stays valid.
    pub challenge_ttl: Duration,
}

impl StoreConfig {
    /// Defaults: 1 GiB blobs, 60 s challenges.
    pub fn new(manager: AccountId) -> Self {
        Self {
            manager,
            max_blob_bytes: 1 << 30,
            challenge_ttl: Duration::from_secs(60),
        }
    }
}

/// The service's state.
pub struct Store<C> {
    chain: C,
    objects: Arc<dyn ObjectStore>,
    config: StoreConfig,
    challenges: Mutex<Challenges>,
}

impl<C: ChainView> Store<C> {
    /// A store over `objects`, checking with `chain`.
    pub fn new(chain: C, objects: Arc<dyn ObjectStore>, config: StoreConfig) -> Arc<Self> {
        let challenges = Challenges::new(config.challenge_ttl, MAX_REDEEMED);
        Arc::new(Self {
            chain,
            objects,
            config,
            challenges: Mutex::new(challenges),
        })
    }
}

/// Where a blob lives in the object store: under its owner, by content hash. The owner
/// is part of the path because content hashes are public and anyone may register a
/// record naming someone else's hash: such a record must not reach the other blob.
pub fn object_path(owner: &AccountId, content_hash: &[u8; 32]) -> ObjectPath {
    ObjectPath::from(format!("blobs/{}/{}", to_hex(owner), to_hex(content_hash)))
}

/// The routes of [`crate::protocol`].
pub fn router<C: ChainView>(store: Arc<Store<C>>) -> Router {
    Router::new()
        .route("/v1/info", get(info::<C>))
        .route("/v1/challenge", post(challenge::<C>))
        .route("/v1/blobs/{record}", get(get_blob::<C>).put(put_blob::<C>))
        .with_state(store)
}

/// An error answer: a status and a sentence.
#[derive(Debug)]
pub struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal(status, message.into())
}

fn chain_down(error: String) -> Refusal {
    log::warn!("chain query failed: {error}");
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("cannot reach the chain: {error}"),
    )
}

fn storage_failed(error: impl std::fmt::Display) -> Refusal {
    log::error!("object store: {error}");
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("object store: {error}"),
    )
}

async fn info<C: ChainView>(State(store): State<Arc<Store<C>>>) -> Json<Info> {
    Json(Info {
        manager: to_hex(&store.config.manager),
        version: VERSION,
        max_blob_bytes: store.config.max_blob_bytes,
    })
}

async fn challenge<C: ChainView>(State(store): State<Arc<Store<C>>>) -> Json<Challenge> {
    let challenges = store.challenges.lock().expect("no panics while held");
    Json(Challenge {
        challenge: to_hex(&challenges.issue(challenges.now_ms())),
        manager: to_hex(&store.config.manager),
        expires_in_secs: challenges.ttl().as_secs(),
    })
}

/// The account that signed this request, or why it is refused.
fn authenticate<C>(
    store: &Store<C>,
    headers: &HeaderMap,
    method: &str,
    path: &str,
) -> Result<AccountId, Refusal> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let unauthorized = |message: &str| refuse(StatusCode::UNAUTHORIZED, message);
    let account = header(ACCOUNT_HEADER)
        .and_then(from_hex::<32>)
        .ok_or_else(|| unauthorized("missing or malformed x-medchain-account"))?;
    let challenge = header(CHALLENGE_HEADER)
        .and_then(from_hex::<32>)
        .ok_or_else(|| unauthorized("missing or malformed x-medchain-challenge"))?;
    let signature = header(SIGNATURE_HEADER)
        .and_then(from_hex::<64>)
        .ok_or_else(|| unauthorized("missing or malformed x-medchain-signature"))?;
    let challenges = || store.challenges.lock().expect("no panics while held");
    let now = challenges().now_ms();
    // The MAC first (cheap), the signature next, and only a good request uses it up.
    let refused = |error| match error {
        ChallengeError::Busy => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many recent requests; try again shortly",
        ),
        ChallengeError::Used => {
            unauthorized("challenge already used; POST /v1/challenge for a new one")
        }
        ChallengeError::Invalid => {
            unauthorized("unknown or expired challenge; POST /v1/challenge for a new one")
        }
    };
    challenges().check(&challenge, now).map_err(refused)?;
    if !auth::verify(
        &store.config.manager,
        &account,
        method,
        path,
        &challenge,
        &signature,
    ) {
        return Err(unauthorized("bad signature"));
    }
    // Redeemed at the time of redeeming, under the lock: the clock only moves forward
    // between redeems, so pruning can never forget a challenge that is still valid.
    {
        let mut challenges = challenges();
        let now = challenges.now_ms();
        challenges.redeem(&challenge, now)
    }
    .map_err(refused)?;
    Ok(account)
}

fn not_ours(record: u64, view: &RecordView, manager: &AccountId) -> Refusal {
    refuse(
        StatusCode::FORBIDDEN,
        format!(
            "record {record} names manager {}; this store keeps records of {}",
            to_hex(&view.manager),
            to_hex(manager)
        ),
    )
}

async fn known_record<C: ChainView>(store: &Store<C>, record: u64) -> Result<RecordView, Refusal> {
    store
        .chain
        .record(record)
        .await
        .map_err(chain_down)?
        .ok_or_else(|| {
            refuse(
                StatusCode::NOT_FOUND,
                format!("record {record} is not on the chain (at its finalized block)"),
            )
        })
}

async fn get_blob<C: ChainView>(
    State(store): State<Arc<Store<C>>>,
    Path(record): Path<u64>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let who = authenticate(&store, &headers, "GET", &blob_path(record))?;
    let view = known_record(&store, record).await?;
    if view.manager != store.config.manager {
        return Err(not_ours(record, &view, &store.config.manager));
    }
    let allowed = store
        .chain
        .can_access(record, who)
        .await
        .map_err(chain_down)?;
    if !allowed {
        log::info!("GET {record} by {}: refused", to_hex(&who));
        return Err(refuse(
            StatusCode::FORBIDDEN,
            format!(
                "{} may not read record {record}: no live grant at the finalized block",
                to_hex(&who)
            ),
        ));
    }
    let found = match store
        .objects
        .get(&object_path(&view.owner, &view.content_hash))
        .await
    {
        Ok(found) => found,
        Err(object_store::Error::NotFound { .. }) => {
            return Err(refuse(
                StatusCode::NOT_FOUND,
                format!("the blob of record {record} is not held here"),
            ))
        }
        Err(error) => return Err(storage_failed(error)),
    };
    log::info!(
        "GET {record} by {}: {} bytes",
        to_hex(&who),
        found.meta.size
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CONTENT_LENGTH, HeaderValue::from(found.meta.size)),
        ],
        Body::from_stream(found.into_stream()),
    )
        .into_response())
}

/// How much of a refused upload is read and dropped so that the client, still sending,
/// gets the refusal instead of a reset connection. Beyond this the connection is closed.
const DRAIN_LIMIT: u64 = 64 << 20;

/// The longest the store keeps reading what it will drop.
const DRAIN_DEADLINE: Duration = Duration::from_secs(120);

/// An upload that sends nothing for this long is refused.
const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

async fn put_blob<C: ChainView>(
    State(store): State<Arc<Store<C>>>,
    Path(record): Path<u64>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Stored>), Refusal> {
    let mut chunks = body.into_data_stream();
    let mut drain_limit = DRAIN_LIMIT;
    let result = receive_blob(&store, record, &headers, &mut chunks, &mut drain_limit).await;
    // Whatever the client is still sending when the answer is known (a refusal, or a
    // blob already held) is read and dropped, up to a limit.
    let mut drained: u64 = 0;
    let _ = tokio::time::timeout(DRAIN_DEADLINE, async {
        while drained < drain_limit {
            match tokio::time::timeout(BODY_IDLE_TIMEOUT, chunks.next()).await {
                Ok(Some(Ok(chunk))) => drained = drained.saturating_add(chunk.len() as u64),
                _ => break,
            }
        }
    })
    .await;
    result
}

/// Bytes per part of a multipart upload (S3 wants at least 5 MiB for all but the last).
const PART_SIZE: usize = 8 << 20;

/// A multipart upload that is aborted unless it completed — on any error, and also when
/// the request is dropped half-way (a client that hangs up), even during the final
/// completion: on S3 an unfinished upload would otherwise keep its parts.
struct PendingUpload {
    upload: Option<Box<dyn MultipartUpload>>,
    buffered: BytesMut,
}

impl PendingUpload {
    fn new(upload: Box<dyn MultipartUpload>) -> Self {
        Self {
            upload: Some(upload),
            buffered: BytesMut::new(),
        }
    }

    fn parts(&mut self) -> &mut Box<dyn MultipartUpload> {
        self.upload
            .as_mut()
            .expect("present until completed or aborted")
    }

    /// Appends `chunk`, sending each full part as it fills.
    async fn write(&mut self, chunk: &[u8]) -> object_store::Result<()> {
        self.buffered.extend_from_slice(chunk);
        while self.buffered.len() >= PART_SIZE {
            let part = self.buffered.split_to(PART_SIZE).freeze();
            self.parts().put_part(PutPayload::from(part)).await?;
        }
        Ok(())
    }

    /// Sends the last part and completes; the guard stays armed until completion
    /// succeeded.
    async fn finish(mut self) -> object_store::Result<()> {
        let last = std::mem::take(&mut self.buffered).freeze();
        // No empty last part (some S3 servers refuse one); with no part at all, both
        // stores complete an empty object.
        if !last.is_empty() {
            self.parts().put_part(PutPayload::from(last)).await?;
        }
        self.parts().complete().await?;
        self.upload = None;
        Ok(())
    }

    async fn abort(mut self) {
        if let Some(mut upload) = self.upload.take() {
            let _ = upload.abort().await;
        }
    }
}

impl Drop for PendingUpload {
    fn drop(&mut self) {
        if let Some(mut upload) = self.upload.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let _ = upload.abort().await;
                });
            }
        }
    }
}

async fn receive_blob<C: ChainView>(
    store: &Store<C>,
    record: u64,
    headers: &HeaderMap,
    chunks: &mut axum::body::BodyDataStream,
    drain_limit: &mut u64,
) -> Result<(StatusCode, Json<Stored>), Refusal> {
    let who = authenticate(store, headers, "PUT", &blob_path(record))?;
    let view = known_record(store, record).await?;
    if view.manager != store.config.manager {
        return Err(not_ours(record, &view, &store.config.manager));
    }
    if who != view.owner && who != view.manager {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            format!("only the owner or the manager of record {record} may upload its blob"),
        ));
    }
    if !view.live {
        return Err(refuse(
            StatusCode::CONFLICT,
            format!("record {record} is no longer live (superseded or retracted)"),
        ));
    }
    let limit = view
        .compressed_len
        .saturating_add(medchain_crypto::ENVELOPE_OVERHEAD as u64)
        .min(store.config.max_blob_bytes);
    let path = object_path(&view.owner, &view.content_hash);
    let stored = |created, bytes| Stored {
        record,
        content_hash: to_hex(&view.content_hash),
        bytes,
        created,
    };

    // Already held and intact: nothing to do. A held copy that no longer matches its
    // hash (damaged on disk) is replaced by the upload.
    if let Some(bytes) = intact_size(&store.objects, &path, &view.content_hash).await? {
        *drain_limit = limit;
        return Ok((StatusCode::OK, Json(stored(false, bytes))));
    }

    // Written under a staging name and renamed only by `finish`: a partial or refused
    // upload never becomes visible (and a dropped connection deletes the staging file).
    let upload = store
        .objects
        .put_multipart(&path)
        .await
        .map_err(storage_failed)?;
    let mut upload = PendingUpload::new(upload);
    let mut hasher = Blake2b::<U32>::new();
    let mut received: u64 = 0;
    loop {
        let chunk = match tokio::time::timeout(BODY_IDLE_TIMEOUT, chunks.next()).await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) => {
                upload.abort().await;
                return Err(refuse(
                    StatusCode::REQUEST_TIMEOUT,
                    format!("no data for {} s", BODY_IDLE_TIMEOUT.as_secs()),
                ));
            }
        };
        let refusal = match chunk {
            Err(error) => Some(refuse(
                StatusCode::BAD_REQUEST,
                format!("upload interrupted: {error}"),
            )),
            Ok(chunk) => {
                received = received.saturating_add(chunk.len() as u64);
                if received > limit {
                    Some(refuse(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("record {record}'s blob can be at most {limit} bytes"),
                    ))
                } else {
                    hasher.update(&chunk);
                    upload.write(&chunk).await.err().map(storage_failed)
                }
            }
        };
        if let Some(refusal) = refusal {
            upload.abort().await;
            return Err(refusal);
        }
    }
    let got: [u8; 32] = hasher.finalize().into();
    if got != view.content_hash {
        upload.abort().await;
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "content hash mismatch: the upload hashes to {}, record {record} says {}",
                to_hex(&got),
                to_hex(&view.content_hash)
            ),
        ));
    }
    upload.finish().await.map_err(storage_failed)?;
    log::info!("PUT {record} by {}: {received} bytes", to_hex(&who));
    Ok((StatusCode::CREATED, Json(stored(true, received))))
}

/// The size of the object at `path` if it is there and hashes to `content_hash`.
async fn intact_size(
    objects: &Arc<dyn ObjectStore>,
    path: &ObjectPath,
    content_hash: &[u8; 32],
) -> Result<Option<u64>, Refusal> {
    let found = match objects.get(path).await {
        Ok(found) => found,
        Err(object_store::Error::NotFound { .. }) => return Ok(None),
        Err(error) => return Err(storage_failed(error)),
    };
    let size = found.meta.size;
    let mut hasher = Blake2b::<U32>::new();
    let mut chunks = found.into_stream();
    while let Some(chunk) = chunks.next().await {
        hasher.update(chunk.map_err(storage_failed)?);
    }
    let got: [u8; 32] = hasher.finalize().into();
    if got == *content_hash {
        Ok(Some(size))
    } else {
        log::warn!("{path} no longer matches its hash; replacing it");
        Ok(None)
    }
}

/// How long requests in flight may take to finish after the stop signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in
/// flight finish for at most [`SHUTDOWN_GRACE`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stopping.send(());
        })
        .into_future();
    tokio::select! {
        result = server => result,
        _ = async {
            if stopped.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {
            log::warn!("requests still running after {} s; stopping anyway", SHUTDOWN_GRACE.as_secs());
            Ok(())
        }
    }
}
