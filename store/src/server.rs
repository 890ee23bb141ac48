//! The HTTP service: who may upload and download, checked against the chain on every
//! request (see [`crate::protocol`] for the routes).

use std::{
    future::Future,
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
use object_store::{path::Path as ObjectPath, ObjectStore, ObjectStoreExt};

pub use crate::limits::RateLimit;
use crate::{
    auth::{self, ChallengeError, Challenges, MAX_REDEEMED},
    limits::{self, Claims, RateLimiter, Usage},
    protocol::{
        blob_path, from_hex, to_hex, Challenge, ErrorBody, Info, ACCOUNT_HEADER, CHALLENGE_HEADER,
        SIGNATURE_HEADER, VERSION,
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
    /// One page of `owner`'s live records (`MedicalRecordsApi::records_of`): at most
    /// `limit` ids after `after` (the last id of the previous page), in the chain's order.
    fn live_records_of(
        &self,
        owner: AccountId,
        after: Option<u64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<u64>, String>> + Send;
}

/// How the store is run.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The data manager's account: the store keeps only records that name it.
    pub manager: AccountId,
    /// The largest blob accepted.
    pub max_blob_bytes: u64,
    /// The most bytes of blobs kept for one owner, so that no owner fills the disk.
    pub owner_quota_bytes: u64,
    /// How long a challenge stays valid.
    pub challenge_ttl: Duration,
    /// How many used challenges are remembered at most (each until it expires).
    pub max_redeemed_challenges: usize,
    /// Requests per client address.
    pub rate_limit: RateLimit,
    /// A connection must send a request's headers within this (slow clients hold
    /// connections); also how long an idle connection stays open.
    pub header_read_timeout: Duration,
    /// An upload that sends nothing for this long is refused.
    pub body_idle_timeout: Duration,
    /// An upload must be complete within this, however steadily it trickles.
    pub upload_deadline: Duration,
    /// Connections open at once, from all clients; more are closed as they arrive.
    pub max_connections: usize,
    /// Connections open at once from one client address (IPv4, or IPv6 /64).
    pub max_connections_per_address: usize,
}

/// [`StoreConfig::max_blob_bytes`] by default: 1 GiB.
pub const DEFAULT_MAX_BLOB_BYTES: u64 = 1 << 30;

/// [`StoreConfig::owner_quota_bytes`] by default: 4 GiB, four of the largest blobs or
/// about a million 4 KB records.
pub const DEFAULT_OWNER_QUOTA_BYTES: u64 = 4 << 30;

/// [`StoreConfig::header_read_timeout`] by default, in seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 10;

/// [`StoreConfig::body_idle_timeout`] by default, in seconds.
pub const DEFAULT_BODY_IDLE_TIMEOUT_SECS: u64 = 30;

/// [`StoreConfig::upload_deadline`] by default, in seconds (30 minutes).
pub const DEFAULT_UPLOAD_DEADLINE_SECS: u64 = 30 * 60;

/// [`StoreConfig::max_connections`] by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// [`StoreConfig::max_connections_per_address`] by default.
pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: usize = 64;

impl StoreConfig {
    /// Defaults: the `DEFAULT_*` constants of this module, 60 s challenges and
    /// [`RateLimit::default`].
    pub fn new(manager: AccountId) -> Self {
        Self {
            manager,
            max_blob_bytes: DEFAULT_MAX_BLOB_BYTES,
            owner_quota_bytes: DEFAULT_OWNER_QUOTA_BYTES,
            challenge_ttl: Duration::from_secs(60),
            max_redeemed_challenges: MAX_REDEEMED,
            rate_limit: RateLimit::default(),
            header_read_timeout: Duration::from_secs(DEFAULT_HEADER_READ_TIMEOUT_SECS),
            body_idle_timeout: Duration::from_secs(DEFAULT_BODY_IDLE_TIMEOUT_SECS),
            upload_deadline: Duration::from_secs(DEFAULT_UPLOAD_DEADLINE_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_address: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
        }
    }
}

/// The service's state.
pub struct Store<C> {
    pub(crate) chain: C,
    pub(crate) objects: Arc<dyn ObjectStore>,
    pub(crate) config: StoreConfig,
    challenges: Mutex<Challenges>,
    pub(crate) limiter: Mutex<RateLimiter>,
    pub(crate) usage: Mutex<Usage>,
    pub(crate) claims: Claims,
    /// Collection state: deferred records, blobs stored during a sweep.
    pub(crate) collection: crate::collect::CollectionState,
}

impl<C: ChainView> Store<C> {
    /// A store over `objects`, checking with `chain`. Lists the blobs held to know each
    /// owner's usage, so a restart does not reset the quota.
    pub async fn open(
        chain: C,
        objects: Arc<dyn ObjectStore>,
        config: StoreConfig,
    ) -> Result<Arc<Self>, String> {
        let stored = limits::stored_bytes_by_owner(&objects).await?;
        let challenges = Challenges::new(config.challenge_ttl, config.max_redeemed_challenges);
        Ok(Arc::new(Self {
            chain,
            objects,
            challenges: Mutex::new(challenges),
            limiter: Mutex::new(RateLimiter::new(config.rate_limit)),
            usage: Mutex::new(Usage::new(config.owner_quota_bytes, stored)),
            claims: Claims::default(),
            collection: Default::default(),
            config,
        }))
    }

    /// The bytes of `owner`'s blobs held here (and uploads in flight).
    pub fn used_bytes(&self, owner: &AccountId) -> u64 {
        self.usage.lock().expect("no panics while held").used(owner)
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }
}

/// Where a blob lives in the object store: under its owner, by content hash. The owner
/// is part of the path because content hashes are public and anyone may register a
/// record naming someone else's hash: such a record must not reach the other blob.
pub fn object_path(owner: &AccountId, content_hash: &[u8; 32]) -> ObjectPath {
    ObjectPath::from(format!("blobs/{}/{}", to_hex(owner), to_hex(content_hash)))
}

/// The routes of [`crate::protocol`], each behind the per-address rate limit.
pub fn router<C: ChainView>(store: Arc<Store<C>>) -> Router {
    Router::new()
        .route("/v1/info", get(info::<C>))
        .route("/v1/challenge", post(challenge::<C>))
        .route(
            "/v1/blobs/{record}",
            get(get_blob::<C>).put(crate::upload::put_blob::<C>),
        )
        .layer(axum::middleware::from_fn_with_state(
            store.clone(),
            limits::rate_limited::<C>,
        ))
        .with_state(store)
}

/// An error answer: a status and a sentence.
#[derive(Debug)]
pub struct Refusal(pub(crate) StatusCode, pub(crate) String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

pub(crate) fn refuse(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal(status, message.into())
}

pub(crate) fn chain_down(error: String) -> Refusal {
    log::warn!("chain query failed: {error}");
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("cannot reach the chain: {error}"),
    )
}

pub(crate) fn storage_failed(error: impl std::fmt::Display) -> Refusal {
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

/// A request whose challenge is this store's, fresh and unused, and whose signature
/// checked out. Its challenge is used up by [`Store::redeem`] only once the signer is
/// known to be allowed, so that signatures of throwaway keys cannot fill the memory of
/// used challenges.
pub(crate) struct Signed {
    pub(crate) account: AccountId,
    challenge: [u8; 32],
}

fn challenge_refused(error: ChallengeError) -> Refusal {
    match error {
        ChallengeError::Busy => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many recent requests; try again shortly",
        ),
        ChallengeError::Used => refuse(
            StatusCode::UNAUTHORIZED,
            "challenge already used; POST /v1/challenge for a new one",
        ),
        ChallengeError::Invalid => refuse(
            StatusCode::UNAUTHORIZED,
            "unknown or expired challenge; POST /v1/challenge for a new one",
        ),
    }
}

/// The account that signed this request, or why it is refused. The challenge is not
/// used up here (see [`Signed`]).
pub(crate) fn authenticate<C>(
    store: &Store<C>,
    headers: &HeaderMap,
    method: &str,
    path: &str,
) -> Result<Signed, Refusal> {
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
    // The MAC and a used one first (cheap), the signature next.
    {
        let challenges = store.challenges.lock().expect("no panics while held");
        challenges
            .check(&challenge, challenges.now_ms())
            .map_err(challenge_refused)?;
        if challenges.is_used(&challenge) {
            return Err(challenge_refused(ChallengeError::Used));
        }
    }
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
    Ok(Signed { account, challenge })
}

impl<C> Store<C> {
    /// Uses up the challenge of a request the chain allows; it succeeds once.
    pub(crate) fn redeem(&self, signed: &Signed) -> Result<(), Refusal> {
        // Redeemed at the time of redeeming, under the lock: the clock only moves forward
        // between redeems, so pruning can never forget a challenge that is still valid.
        let mut challenges = self.challenges.lock().expect("no panics while held");
        let now = challenges.now_ms();
        challenges
            .redeem(&signed.challenge, now)
            .map_err(challenge_refused)
    }
}

pub(crate) fn not_ours(record: u64, view: &RecordView, manager: &AccountId) -> Refusal {
    refuse(
        StatusCode::FORBIDDEN,
        format!(
            "record {record} names manager {}; this store keeps records of {}",
            to_hex(&view.manager),
            to_hex(manager)
        ),
    )
}

pub(crate) async fn known_record<C: ChainView>(
    store: &Store<C>,
    record: u64,
) -> Result<RecordView, Refusal> {
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
    let signed = authenticate(&store, &headers, "GET", &blob_path(record))?;
    let who = signed.account;
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
    store.redeem(&signed)?;
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
