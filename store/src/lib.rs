//! # MedChain store
//!
//! The data manager's store (paper §4.2: "saved on the cloud server; only authorized
//! users can download them"). It keeps the sealed blobs of the records that name its
//! manager, by owner and `content_hash`, and serves each one only to an account that the
//! chain allows to read it.
//!
//! - [`server`]: the HTTP service (axum). Every signed request is checked against the
//!   chain's **finalized** block through a [`server::ChainView`]:
//!   - `PUT /v1/blobs/{record}`: the record must name this store's manager and be live;
//!     the signer must be its owner or manager; the bytes must hash to the record's
//!     `content_hash` and fit its `compressed_len` plus the envelope, and the owner's
//!     quota. An upload is written under a staging name and published by rename, so a
//!     partial, refused or interrupted upload never becomes visible.
//!   - `GET /v1/blobs/{record}`: the record must name this store's manager and
//!     `AccessApi::can_access(record, signer)` must be true now; a revoked or expired
//!     grant is refused as soon as that is final.
//!
//!   A request's challenge is used up only once the chain allows the signer, so keys
//!   that may do nothing cannot fill the store's memory of used challenges.
//! - [`limits`]: what one client or owner may use, so that no reverse proxy is needed:
//!   requests per client address (token buckets, 429 with `Retry-After`), bytes per
//!   owner (507 over the quota; counted from the blobs held at start), one upload or
//!   collection at a time per blob, connections at once (in all and per address).
//! - [`listen`]: the server loop. A connection must send its headers within a timeout
//!   (slowloris); an upload must keep sending (idle timeout) and end by a deadline; a
//!   stop signal lets requests finish for at most 30 s. Abandoned multipart uploads are
//!   aborted (on S3, also set a bucket lifecycle rule for uploads a crash leaves behind).
//! - [`collect`]: erasure. When a record is retracted or superseded and no live record
//!   of this manager names its blob, [`Store::collect`] deletes the blob; [`Store::sweep`]
//!   deletes every blob no live record names (for events the collector never saw). This
//!   is the owner's GDPR Art. 17 path: the sealed bytes exist only here. The chain keeps
//!   a retired record: a superseded one with its labels and location, a retracted one
//!   erased to owner, manager, status and commitments that reveal nothing —
//!   `content_hash` is the hash of the deleted ciphertext and `raw_hash` a commitment
//!   keyed by the owner's secret, so neither confirms a guess of the text.
//! - [`auth`]: stateless single-use challenges and sr25519 signature checks.
//! - [`objects`]: the object store behind it — a local directory by default (nothing
//!   else to run; restarts lose nothing), S3-compatible storage by configuration.
//! - [`client`]: the same protocol from the client's side, used by the `medchain` CLI.
//! - [`protocol`] (crate `medchain-store-protocol`, `no_std`): paths, headers, the signed
//!   message and JSON bodies shared by both, and by the node's worker when it uploads.
//!
//! The chain connection itself lives in the CLI (`medchain store serve`), which
//! implements [`server::ChainView`] with subxt and feeds [`Store::collect`] the
//! finalized events; this crate's tests use a fake chain.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod collect;
pub mod limits;
pub mod listen;
pub mod objects;
pub use medchain_store_protocol as protocol;
pub mod server;
pub mod sweep;
mod upload;

pub use client::{RequestSigner, StoreClient, StoreError};
pub use collect::Collected;
pub use listen::serve;
pub use server::{
    router, AccountId, ChainView, RateLimit, RecordView, Store, StoreConfig,
    DEFAULT_BODY_IDLE_TIMEOUT_SECS, DEFAULT_HEADER_READ_TIMEOUT_SECS, DEFAULT_MAX_BLOB_BYTES,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_OWNER_QUOTA_BYTES,
    DEFAULT_UPLOAD_DEADLINE_SECS,
};
pub use sweep::Swept;
