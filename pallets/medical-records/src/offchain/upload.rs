//! Uploads of sealed blobs to the data manager's store (step 5 of the worker): the same
//! protocol as `medchain records put` (`medchain-store-protocol`), over the off-chain
//! HTTP API, signed with the node's `medr` key.

use super::*;
use alloc::{format, string::String};
use medchain_store_protocol::{
    blob_path, to_hex, Challenge, ChallengeRefusal, ErrorBody, Stored, ACCOUNT_HEADER,
    CHALLENGE_HEADER, SIGNATURE_HEADER,
};
use sp_runtime::offchain::{http, Timestamp};

/// Most uploads one run tries (as many as registrations a run submits, so that uploads
/// keep up with registrations).
pub const MAX_UPLOADS_PER_RUN: u32 = 32;
/// A run starts no upload after spending this long on uploads (ms). With the deadlines
/// below, a run ends well within the worker's lock.
pub const UPLOAD_BUDGET_MS: u64 = 20_000;
/// How long a request to a store may take (ms) before its body: a store that hangs
/// fails the upload after this, to be retried later.
pub const UPLOAD_DEADLINE_MS: u64 = 5_000;
/// What a `PUT` may take on top of [`UPLOAD_DEADLINE_MS`]: a millisecond per this many
/// bytes (512 KiB/s), so a 4 MiB blob has 13 s in all.
pub const UPLOAD_BYTES_PER_MS: u64 = 512;
/// Longest part of a store's error message that is kept for the log.
const MAX_REASON_LEN: usize = 200;
/// Longest answer of a store that is read.
const MAX_ANSWER_BODY: usize = 4096;

/// Why an upload failed: the store's status (0: no answer) and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UploadFailure {
    pub status: u16,
    pub reason: String,
}

fn failure(status: u16, reason: impl Into<String>) -> UploadFailure {
    UploadFailure {
        status,
        reason: reason.into(),
    }
}

/// The backoff after `attempts` failed uploads: 1, 2, 4, … blocks, at most
/// [`MAX_UPLOAD_BACKOFF_BLOCKS`].
pub(crate) fn backoff_blocks(attempts: u16) -> u32 {
    1u32.checked_shl(u32::from(attempts.saturating_sub(1)))
        .unwrap_or(u32::MAX)
        .min(MAX_UPLOAD_BACKOFF_BLOCKS)
}

impl<T: Config> Pallet<T> {
    /// Tries the uploads that are due, at most [`MAX_UPLOADS_PER_RUN`] and within
    /// [`UPLOAD_BUDGET_MS`]; a success finishes the item, a failure schedules a retry.
    pub(super) fn upload_pending(block: u32, key: &NodeKey<T>, progress: &mut Progress) {
        let meta: QueueMeta = read(QUEUE_META_KEY).unwrap_or_default();
        let started = now_ms();
        let mut tried = 0;
        for seq in meta.head..meta.tail {
            if tried >= MAX_UPLOADS_PER_RUN || now_ms().saturating_sub(started) >= UPLOAD_BUDGET_MS
            {
                break;
            }
            let Some(ItemState::Uploading {
                prepared,
                owner,
                id,
                attempts,
                next_at,
                ..
            }) = read_state::<T>(seq)
            else {
                continue;
            };
            if block < next_at {
                continue;
            }
            let record = Records::<T>::get(id)
                .filter(|r| r.owner == owner && r.input.content_hash == prepared.content_hash);
            let Some(record) = record else {
                log::warn!(
                    target: LOG_TARGET,
                    "slot {seq}: record #{id} is no longer on-chain (reorganised away); registering again"
                );
                write(&queue_state_key(seq), &ItemStateOf::<T>::Prepared(prepared));
                continue;
            };
            if record.status != RecordStatus::Live {
                log::warn!(
                    target: LOG_TARGET,
                    "slot {seq}: record #{id} was retracted or amended before its upload; its \
                     blob stays on this node only"
                );
                Self::finish(seq, &prepared, id);
                continue;
            }
            let Some(blob) =
                local_storage_get(StorageKind::PERSISTENT, &blob_key(&prepared.content_hash))
            else {
                log::error!(target: LOG_TARGET, "slot {seq}: the sealed blob of record #{id} is gone");
                Self::finish(seq, &prepared, id);
                continue;
            };
            tried += 1;
            match Self::upload(key, id, &record, &blob) {
                Ok(created) => {
                    log::info!(
                        target: LOG_TARGET,
                        "slot {seq}: record #{id}'s blob ({} bytes) {} the store",
                        blob.len(),
                        if created { "uploaded to" } else { "already held by" }
                    );
                    Self::finish(seq, &prepared, id);
                    progress.uploaded += 1;
                }
                Err(why) => {
                    let attempts = attempts.saturating_add(1);
                    let retry_in = backoff_blocks(attempts);
                    log::warn!(
                        target: LOG_TARGET,
                        "slot {seq}: upload of record #{id} failed ({}: {}); attempt {attempts}, \
                         next in {retry_in} blocks{}",
                        why.status,
                        why.reason,
                        if attempts >= UPLOAD_FAILING_AFTER {
                            " (failing: check the store, or drop the slot to keep the blob on this node only)"
                        } else {
                            ""
                        }
                    );
                    write(
                        &queue_state_key(seq),
                        &ItemStateOf::<T>::Uploading {
                            prepared,
                            owner,
                            id,
                            attempts,
                            next_at: block.saturating_add(retry_in),
                            last_status: why.status,
                        },
                    );
                    progress.upload_failures += 1;
                }
            }
        }
    }

    /// Uploads `blob`, record `id`'s sealed blob, to the store the record's location
    /// names, proving the `medr` key's account with a signed challenge. `Ok(true)` when
    /// the store stored it, `Ok(false)` when it held it already; either only when its
    /// answer names the record, the blob's hash and its length.
    pub(crate) fn upload(
        key: &NodeKey<T>,
        id: RecordId,
        record: &RecordOf<T>,
        blob: &[u8],
    ) -> Result<bool, UploadFailure> {
        let location = core::str::from_utf8(&record.input.location)
            .map_err(|_| failure(0, "the location is not UTF-8"))?;
        if !is_store_url(location.as_bytes()) {
            return Err(failure(0, "the location is not an http(s) URL"));
        }
        let base = location.trim_end_matches('/');
        let manager = record.input.manager.encode();

        let url = format!("{base}/v1/challenge");
        let (status, body) = send(
            http::Request::post(&url, Vec::<&[u8]>::new()),
            deadline_in(UPLOAD_DEADLINE_MS),
        )?;
        if status != 200 {
            return Err(failure(status, reason(&body)));
        }
        let challenge: Challenge = serde_json::from_slice(&body)
            .map_err(|_| failure(status, "the store's challenge is not JSON"))?;
        // The CLI refuses the same: a signature is only ever given to a store that says it
        // is the store of the manager the record names.
        let path = blob_path(id);
        let (message, _) = challenge
            .signed_message_for(&manager, "PUT", &path)
            .map_err(|refusal| match refusal {
                ChallengeRefusal::Malformed => {
                    failure(status, "the store's challenge is malformed")
                }
                ChallengeRefusal::OtherManager(_) => {
                    failure(status, "the store there says it is another manager's")
                }
            })?;
        let signature = key
            .sign_raw(&message)
            .ok_or_else(|| failure(0, "the `medr` key could not sign"))?;
        let url = format!("{base}{path}");
        let request = http::Request::post(&url, alloc::vec![blob])
            .method(http::Method::Put)
            .add_header(ACCOUNT_HEADER, &to_hex(&key.raw))
            .add_header(CHALLENGE_HEADER, &challenge.challenge)
            .add_header(SIGNATURE_HEADER, &to_hex(&signature))
            .add_header("content-type", "application/octet-stream")
            .add_header("content-length", &format!("{}", blob.len()));
        let put_ms = UPLOAD_DEADLINE_MS.saturating_add(blob.len() as u64 / UPLOAD_BYTES_PER_MS);
        let (status, body) = send(request, deadline_in(put_ms))?;
        if !matches!(status, 200 | 201) {
            return Err(failure(status, reason(&body)));
        }
        let stored: Stored = serde_json::from_slice(&body)
            .map_err(|_| failure(status, "the store's answer is not JSON"))?;
        if !stored.confirms(id, &record.input.content_hash.0, blob.len() as u64) {
            return Err(failure(status, "the store's answer names another blob"));
        }
        Ok(status == 201)
    }

    /// The raw bytes slot `seq` still counts in the queue: its text's, until the text
    /// is released.
    pub(super) fn text_left(seq: u64, raw_len: u64) -> u64 {
        if local_storage_get(StorageKind::PERSISTENT, &queue_raw_key(seq)).is_some() {
            raw_len
        } else {
            0
        }
    }
}

/// The time `ms` from now.
fn deadline_in(ms: u64) -> Timestamp {
    sp_io::offchain::timestamp().add(Duration::from_millis(ms))
}

/// Sends `request` and reads at most [`MAX_ANSWER_BODY`] bytes of the answer before
/// `deadline`.
fn send<B: Default + IntoIterator<Item = I>, I: AsRef<[u8]>>(
    request: http::Request<B>,
    deadline: Timestamp,
) -> Result<(u16, Vec<u8>), UploadFailure> {
    let pending = request
        .deadline(deadline)
        .send()
        .map_err(|_| failure(0, "the request could not be sent"))?;
    let response = pending
        .try_wait(deadline)
        .map_err(|_| failure(0, "the store did not answer in time"))?
        .map_err(|_| failure(0, "the store could not be reached"))?;
    let mut body = response.body();
    body.deadline(deadline);
    let bytes: Vec<u8> = body.by_ref().take(MAX_ANSWER_BODY).collect();
    Ok((response.code, bytes))
}

/// What a store's error answer says, shortened and without control characters (it goes
/// into the node's log).
fn reason(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(error) => error.error,
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_REASON_LEN)
        .collect()
}
