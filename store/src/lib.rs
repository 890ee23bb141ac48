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
//!     `content_hash` and fit its `compressed_len` plus the envelope. An upload is
//!     written under a staging name and published by rename, so a partial, refused or
//!     interrupted upload never becomes visible.
//!   - `GET /v1/blobs/{record}`: the record must name this store's manager and
//!     `AccessApi::can_access(record, signer)` must be true now; a revoked or expired
//!     grant is refused as soon as that is final.
//!
//!   Uploads that stall for 30 s are refused; a stop signal lets requests finish for at
//!   most 30 s. Abandoned multipart uploads are aborted (on S3, also set a bucket
//!   lifecycle rule for uploads a crash leaves behind).
//! - [`auth`]: stateless single-use challenges and sr25519 signature checks.
//! - [`objects`]: the object store behind it — a local directory by default (nothing
//!   else to run; restarts lose nothing), S3-compatible storage by configuration.
//! - [`client`]: the same protocol from the client's side, used by the `medchain` CLI.
//! - [`protocol`] (crate `medchain-store-protocol`, `no_std`): paths, headers, the signed
//!   message and JSON bodies shared by both, and by the node's worker when it uploads.
//!
//! The chain connection itself lives in the CLI (`medchain store serve`), which
//! implements [`server::ChainView`] with subxt; this crate's tests use a fake chain.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod client;
pub mod objects;
pub use medchain_store_protocol as protocol;
pub mod server;

pub use client::{RequestSigner, StoreClient, StoreError};
pub use server::{router, serve, AccountId, ChainView, RecordView, Store, StoreConfig};
