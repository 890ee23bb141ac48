//! `PUT /v1/blobs/{record}`: who may upload, within which limits, and how the bytes are
//! published only once they hash to the record's `content_hash`.

use std::{sync::Arc, time::Duration};

use axum::{
    body::{Body, BodyDataStream},
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use blake2::{digest::consts::U32, Blake2b, Digest};
use bytes::BytesMut;
use futures::StreamExt;
use object_store::{
    path::Path as ObjectPath, MultipartUpload, ObjectStore, ObjectStoreExt, PutPayload,
};
use tokio::time::Instant;

use crate::{
    limits::Reserved,
    protocol::{blob_path, to_hex, Stored},
    server::{
        authenticate, known_record, not_ours, object_path, refuse, storage_failed, AccountId,
        ChainView, RecordView, Refusal, Signed, Store,
    },
};

/// How much of a refused upload is read and dropped so that the client, still sending,
/// gets the refusal instead of a reset connection. Beyond this the connection is closed.
const DRAIN_LIMIT: u64 = 64 << 20;

/// The longest the store keeps reading what it will drop.
const DRAIN_DEADLINE: Duration = Duration::from_secs(120);

/// Bytes per part of a multipart upload (S3 wants at least 5 MiB for all but the last).
const PART_SIZE: usize = 8 << 20;

pub(crate) async fn put_blob<C: ChainView>(
    State(store): State<Arc<Store<C>>>,
    Path(record): Path<u64>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let deadline = Instant::now() + store.config.upload_deadline;
    let mut chunks = body.into_data_stream();
    let mut drain = Drain::AUTHORISED;
    let result = receive_blob(&store, record, &headers, &mut chunks, &mut drain, deadline).await;
    // Whatever the client is still sending when the answer is known (a refusal, or a
    // blob already held) is read and dropped, up to a limit, so that it reads the answer
    // rather than a reset connection.
    let idle = store.config.body_idle_timeout.min(drain.deadline);
    let mut drained: u64 = 0;
    let _ = tokio::time::timeout(drain.deadline, async {
        while drained < drain.limit {
            match tokio::time::timeout(idle, chunks.next()).await {
                Ok(Some(Ok(chunk))) => drained = drained.saturating_add(chunk.len() as u64),
                _ => break,
            }
        }
    })
    .await;
    let mut response = result.into_response();
    if drain.close {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// What is read and dropped of a request's body after its answer is known, and whether
/// its connection is closed then.
struct Drain {
    limit: u64,
    deadline: Duration,
    close: bool,
}

impl Drain {
    /// An authorised client: a fair share of what it still sends.
    const AUTHORISED: Self = Self {
        limit: DRAIN_LIMIT,
        deadline: DRAIN_DEADLINE,
        close: false,
    };
    /// A client refused before it was authorised: little, briefly, then the connection
    /// is closed, so that refused requests cost the store next to nothing.
    const UNAUTHORISED: Self = Self {
        limit: 4 << 20,
        deadline: Duration::from_secs(2),
        close: true,
    };
    /// A client cut off for being slow: nothing, and the connection is closed.
    const CUT_OFF: Self = Self {
        limit: 0,
        deadline: Duration::ZERO,
        close: true,
    };
}

/// The signer and the record, if the signer may upload its blob here; uses the
/// challenge up only then.
async fn authorize_upload<C: ChainView>(
    store: &Store<C>,
    record: u64,
    headers: &HeaderMap,
) -> Result<(Signed, RecordView), Refusal> {
    let signed = authenticate(store, headers, "PUT", &blob_path(record))?;
    let view = known_record(store, record).await?;
    if view.manager != store.config.manager {
        return Err(not_ours(record, &view, &store.config.manager));
    }
    if signed.account != view.owner && signed.account != view.manager {
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
    store.redeem(&signed)?;
    Ok((signed, view))
}

async fn receive_blob<C: ChainView>(
    store: &Store<C>,
    record: u64,
    headers: &HeaderMap,
    chunks: &mut BodyDataStream,
    drain: &mut Drain,
    deadline: Instant,
) -> Result<(StatusCode, Json<Stored>), Refusal> {
    let (signed, view) = authorize_upload(store, record, headers)
        .await
        .inspect_err(|_| *drain = Drain::UNAUTHORISED)?;
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
    let _claim = store
        .claims
        .try_claim((view.owner, view.content_hash))
        .ok_or_else(|| {
            refuse(
                StatusCode::CONFLICT,
                format!(
                    "the blob of record {record} is being uploaded or collected right now; try again shortly"
                ),
            )
        })?;

    // Already held and intact: nothing to do. A held copy that no longer matches its
    // hash (damaged on disk) is replaced by the upload.
    let replaced_bytes = match held(&store.objects, &path, &view.content_hash).await? {
        Held::Intact(bytes) => {
            store
                .collection
                .note_stored((view.owner, view.content_hash));
            drain.limit = limit;
            return Ok((StatusCode::OK, Json(stored(false, bytes))));
        }
        Held::Damaged(bytes) => bytes,
        Held::Missing => 0,
    };
    let reserved = reserve(store, &view.owner, limit, replaced_bytes)?;

    // Written under a staging name and renamed only by `finish`: a partial or refused
    // upload never becomes visible (and a dropped connection deletes the staging file).
    let upload = store
        .objects
        .put_multipart(&path)
        .await
        .map_err(storage_failed)?;
    let mut upload = PendingUpload::new(upload);
    let copied = copy_body(store, record, chunks, &mut upload, limit, deadline).await;
    let (got, received) = match copied {
        Ok(done) => done,
        Err((refusal, keep_reading)) => {
            upload.abort().await;
            if !keep_reading {
                *drain = Drain::CUT_OFF;
            }
            return Err(refusal);
        }
    };
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
    store
        .collection
        .note_stored((view.owner, view.content_hash));
    reserved.settle(received, replaced_bytes);
    log::info!(
        "PUT {record} by {}: {received} bytes",
        to_hex(&signed.account)
    );
    Ok((StatusCode::CREATED, Json(stored(true, received))))
}

/// Reserves `limit` bytes of `owner`'s quota for an upload, or refuses it by name (507).
fn reserve<'a, C>(
    store: &'a Store<C>,
    owner: &AccountId,
    limit: u64,
    replaced_bytes: u64,
) -> Result<Reserved<'a>, Refusal> {
    let quota = store.config.owner_quota_bytes;
    Reserved::take(&store.usage, *owner, limit, replaced_bytes).map_err(|over| {
        log::warn!("owner {} over quota", to_hex(owner));
        refuse(
            StatusCode::INSUFFICIENT_STORAGE,
            format!(
                "owner quota exceeded: owner {} holds {} bytes here, and this blob (up to {limit} bytes) would take it over the store's quota of {quota} bytes per owner",
                to_hex(owner),
                over.used_bytes
            ),
        )
    })
}

/// Reads the body into `upload` within the idle timeout and the deadline, hashing it;
/// the blake2-256 and the length, or the refusal and whether to keep reading what the
/// client still sends (not after a timeout: a client that slow is cut off).
async fn copy_body<C>(
    store: &Store<C>,
    record: u64,
    chunks: &mut BodyDataStream,
    upload: &mut PendingUpload,
    limit: u64,
    deadline: Instant,
) -> Result<([u8; 32], u64), (Refusal, bool)> {
    let idle = store.config.body_idle_timeout;
    let mut hasher = Blake2b::<U32>::new();
    let mut received: u64 = 0;
    loop {
        let wake = (Instant::now() + idle).min(deadline);
        let chunk = match tokio::time::timeout_at(wake, chunks.next()).await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) if Instant::now() >= deadline => {
                let secs = store.config.upload_deadline.as_secs_f64();
                let message = format!("upload deadline: not complete within {secs} s");
                return Err((refuse(StatusCode::REQUEST_TIMEOUT, message), false));
            }
            Err(_) => {
                let message = format!("no data for {} s", idle.as_secs_f64());
                return Err((refuse(StatusCode::REQUEST_TIMEOUT, message), false));
            }
        };
        let chunk = chunk.map_err(|error| {
            let message = format!("upload interrupted: {error}");
            (refuse(StatusCode::BAD_REQUEST, message), true)
        })?;
        received = received.saturating_add(chunk.len() as u64);
        if received > limit {
            let message = format!("record {record}'s blob can be at most {limit} bytes");
            return Err((refuse(StatusCode::PAYLOAD_TOO_LARGE, message), true));
        }
        hasher.update(&chunk);
        upload
            .write(&chunk)
            .await
            .map_err(|e| (storage_failed(e), true))?;
    }
    Ok((hasher.finalize().into(), received))
}

/// What the object store holds at a blob's path.
enum Held {
    Missing,
    /// There, of this size, and it hashes to its name.
    Intact(u64),
    /// There, of this size, but no longer matching its hash.
    Damaged(u64),
}

async fn held(
    objects: &Arc<dyn ObjectStore>,
    path: &ObjectPath,
    content_hash: &[u8; 32],
) -> Result<Held, Refusal> {
    let found = match objects.get(path).await {
        Ok(found) => found,
        Err(object_store::Error::NotFound { .. }) => return Ok(Held::Missing),
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
        Ok(Held::Intact(size))
    } else {
        log::warn!("{path} no longer matches its hash; replacing it");
        Ok(Held::Damaged(size))
    }
}

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
