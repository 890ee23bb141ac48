//! The client side of [`crate::protocol`]: signed uploads and downloads with progress.

use bytes::Bytes;
use futures::StreamExt;
use reqwest::StatusCode;

use crate::protocol::{
    blob_path, from_hex, to_hex, Challenge, ChallengeRefusal, ErrorBody, Info, Stored,
    ACCOUNT_HEADER, CHALLENGE_HEADER, SIGNATURE_HEADER,
};

/// A download that receives nothing for this long is given up.
const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The longest wait for a small answer (info, challenge) as a whole.
const ANSWER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The largest small answer (JSON or an error) read.
const SMALL_ANSWER_LIMIT: usize = 64 << 10;

/// The most a download reserves before its bytes arrive.
const PREALLOCATE_AT_MOST: u64 = 64 << 20;

/// An account that signs store requests (sr25519, Substrate's signing context).
pub trait RequestSigner {
    /// The account's 32-byte public key.
    fn account(&self) -> [u8; 32];
    /// Its signature of `message`.
    fn sign(&self, message: &[u8]) -> [u8; 64];
}

/// Why a store request failed.
#[derive(Debug)]
pub enum StoreError {
    /// The store answered with an error status.
    Refused {
        /// The HTTP status.
        status: StatusCode,
        /// The store's reason.
        message: String,
    },
    /// The store could not be reached or the connection broke.
    Transport(String),
}

impl StoreError {
    /// The HTTP status, when the store answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Refused { status, .. } => Some(*status),
            Self::Transport(_) => None,
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused { status, message } => write!(f, "store refused ({status}): {message}"),
            Self::Transport(message) => write!(f, "store unreachable: {message}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<reqwest::Error> for StoreError {
    fn from(error: reqwest::Error) -> Self {
        Self::Transport(error.to_string())
    }
}

/// A client of one store.
#[derive(Clone)]
pub struct StoreClient {
    base: String,
    http: reqwest::Client,
    manager: Option<[u8; 32]>,
}

impl StoreClient {
    /// A client of the store at `base` (e.g. `http://127.0.0.1:8700`).
    pub fn new(base: &str) -> Result<Self, StoreError> {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            http,
            manager: None,
        })
    }

    /// Refuses to sign for any store but the one of `manager` (the manager account the
    /// record names), so a store at a hostile location cannot relay a challenge of
    /// another store and have it signed.
    pub fn expecting(mut self, manager: [u8; 32]) -> Self {
        self.manager = Some(manager);
        self
    }

    /// The store's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /v1/info`.
    pub async fn info(&self) -> Result<Info, StoreError> {
        let response = self
            .http
            .get(format!("{}/v1/info", self.base))
            .timeout(ANSWER_TIMEOUT)
            .send()
            .await?;
        json(checked(response).await?).await
    }

    /// Headers that prove `signer` makes this request.
    async fn signed(
        &self,
        request: reqwest::RequestBuilder,
        signer: &dyn RequestSigner,
        method: &str,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, StoreError> {
        let response = self
            .http
            .post(format!("{}/v1/challenge", self.base))
            .timeout(ANSWER_TIMEOUT)
            .send()
            .await?;
        let answer: Challenge = json(checked(response).await?).await?;
        let manager = match self.manager {
            Some(expected) => expected,
            None => from_hex::<32>(&answer.manager).ok_or_else(|| {
                StoreError::Transport("the store sent a malformed challenge".into())
            })?,
        };
        let (message, challenge) =
            answer
                .signed_message_for(&manager, method, path)
                .map_err(|refusal| match refusal {
                    ChallengeRefusal::Malformed => {
                        StoreError::Transport("the store sent a malformed challenge".into())
                    }
                    ChallengeRefusal::OtherManager(other) => StoreError::Transport(format!(
                        "{} is the store of {other}, not of the record's manager",
                        self.base
                    )),
                })?;
        let signature = signer.sign(&message);
        Ok(request
            .header(ACCOUNT_HEADER, to_hex(&signer.account()))
            .header(CHALLENGE_HEADER, to_hex(&challenge))
            .header(SIGNATURE_HEADER, to_hex(&signature)))
    }

    /// Uploads `blob` as record `record`'s; `progress` is told each chunk's size as it
    /// goes out.
    pub async fn put_blob(
        &self,
        signer: &dyn RequestSigner,
        record: u64,
        blob: Bytes,
        progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> Result<Stored, StoreError> {
        const CHUNK: usize = 1 << 20;
        let path = blob_path(record);
        let len = blob.len();
        let chunks = futures::stream::iter((0..len).step_by(CHUNK).map(move |start| {
            let chunk = blob.slice(start..len.min(start + CHUNK));
            progress(chunk.len() as u64);
            Ok::<_, std::io::Error>(chunk)
        }));
        let request = self
            .http
            .put(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_LENGTH, len as u64)
            .body(reqwest::Body::wrap_stream(chunks));
        let response = self
            .signed(request, signer, "PUT", &path)
            .await?
            .send()
            .await?;
        json(checked(response).await?).await
    }

    /// Downloads record `record`'s blob, which the chain says is `expected_len` bytes
    /// long: a store that sends more is cut off, so a hostile one cannot exhaust memory.
    /// `progress` is told the total once, then each chunk's size.
    pub async fn get_blob(
        &self,
        signer: &dyn RequestSigner,
        record: u64,
        expected_len: u64,
        mut progress: impl FnMut(Option<u64>, u64),
    ) -> Result<Vec<u8>, StoreError> {
        let path = blob_path(record);
        let request = self.http.get(format!("{}{path}", self.base));
        let sent = self.signed(request, signer, "GET", &path).await?.send();
        let response = tokio::time::timeout(IDLE_TIMEOUT, sent)
            .await
            .map_err(|_| {
                StoreError::Transport(format!(
                    "the store did not answer within {} s",
                    IDLE_TIMEOUT.as_secs()
                ))
            })??;
        let response = checked(response).await?;
        let too_long = || {
            StoreError::Transport(format!(
                "the store sends more than the {expected_len} bytes the chain records"
            ))
        };
        let total = response.content_length();
        if total.is_some_and(|total| total > expected_len) {
            return Err(too_long());
        }
        progress(total, 0);
        // The chain's length is the owner's word: grow the buffer as bytes arrive.
        let capacity = total.unwrap_or(expected_len).min(PREALLOCATE_AT_MOST) as usize;
        let mut blob = Vec::with_capacity(capacity);
        let mut chunks = response.bytes_stream();
        loop {
            let chunk = match tokio::time::timeout(IDLE_TIMEOUT, chunks.next()).await {
                Ok(Some(chunk)) => chunk?,
                Ok(None) => break,
                Err(_) => {
                    return Err(StoreError::Transport(format!(
                        "the download stalled for {} s",
                        IDLE_TIMEOUT.as_secs()
                    )))
                }
            };
            if (blob.len() + chunk.len()) as u64 > expected_len {
                return Err(too_long());
            }
            blob.extend_from_slice(&chunk);
            progress(None, chunk.len() as u64);
        }
        if let Some(total) = total {
            if blob.len() as u64 != total {
                return Err(StoreError::Transport(format!(
                    "download ended after {} of {total} bytes",
                    blob.len()
                )));
            }
        }
        Ok(blob)
    }
}

async fn checked(response: reqwest::Response) -> Result<reqwest::Response, StoreError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = small_body(response).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).into_owned();
    let message = serde_json::from_str::<ErrorBody>(&text)
        .map(|body| body.error)
        .unwrap_or(text);
    Err(StoreError::Refused { status, message })
}

/// A small answer (JSON or an error) read with a size cap and an idle timeout, so a
/// hostile store cannot make the client wait or allocate without end.
async fn small_body(response: reqwest::Response) -> Result<Vec<u8>, StoreError> {
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    loop {
        match tokio::time::timeout(IDLE_TIMEOUT, chunks.next()).await {
            Ok(Some(chunk)) => {
                let chunk = chunk?;
                if body.len() + chunk.len() > SMALL_ANSWER_LIMIT {
                    return Err(StoreError::Transport(format!(
                        "the store's answer is over {SMALL_ANSWER_LIMIT} bytes"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(_) => return Err(StoreError::Transport("the store's answer stalled".into())),
        }
    }
}

async fn json<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, StoreError> {
    let body = small_body(response).await?;
    serde_json::from_slice(&body).map_err(|e| {
        StoreError::Transport(format!("the store's answer is not what was expected: {e}"))
    })
}
