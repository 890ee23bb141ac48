//! Collection: the blob of a record that was retracted or superseded is deleted once no
//! live record of this store's manager names it (the owner's erasure, GDPR Art. 17).
//!
//! On the chain a superseded record keeps its labels and location, and a retracted one
//! only its owner, manager, status and commitments that reveal nothing without the
//! owner's keys (`raw_hash` is keyed); the sealed bytes exist only here, so deleting
//! them is what erases the record. The CLI (`medchain store
//! serve`) calls [`Store::collect`] for each `RecordRetracted` and `RecordAmended`
//! (its `previous`) in finalized blocks, and keeps its place with
//! [`Store::set_followed_through`] so that a restart resumes where it stopped.

use std::{
    collections::{BTreeSet, HashSet},
    sync::Mutex,
};

use futures::StreamExt;
use object_store::{path::Path as ObjectPath, ObjectStoreExt, PutPayload};

use crate::{
    limits::BlobKey,
    protocol::to_hex,
    server::{object_path, AccountId, ChainView, RecordView, Store},
};

/// Live records read per page when looking for one that still names a blob.
const PAGE: u32 = 100;

/// Runtime calls in flight at once while reading those records.
const CONCURRENT_READS: usize = 8;

/// Where the last finalized block whose events were followed is kept.
const FOLLOWED_THROUGH: &str = "collector/followed-through";

/// Where a pending sweep is remembered until one succeeds (see [`Store::sweep`]).
const SWEEP_NEEDED: &str = "collector/sweep-needed";

/// What collection remembers between calls.
#[derive(Default)]
pub(crate) struct CollectionState {
    /// Records whose collection found an upload of their blob in flight.
    deferred: Mutex<BTreeSet<u64>>,
    /// While a sweep runs: every blob an upload stored, or found already held, since
    /// the sweep began (see [`Store::sweep`]).
    pub(crate) stored_during_sweep: Mutex<Option<HashSet<BlobKey>>>,
    /// One sweep at a time.
    pub(crate) sweeping: tokio::sync::Mutex<()>,
}

impl CollectionState {
    fn defer(&self, record: u64) {
        self.deferred
            .lock()
            .expect("no panics while held")
            .insert(record);
    }

    fn take_deferred(&self) -> BTreeSet<u64> {
        std::mem::take(&mut *self.deferred.lock().expect("no panics while held"))
    }

    /// An upload stored blob `key` or found it held: a sweep running now keeps it.
    /// Called while the upload still holds the blob's claim.
    pub(crate) fn note_stored(&self, key: BlobKey) {
        if let Some(stored) = self
            .stored_during_sweep
            .lock()
            .expect("no panics while held")
            .as_mut()
        {
            stored.insert(key);
        }
    }
}

/// What [`Store::collect`] did with a record's blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collected {
    /// No such record at the finalized block.
    UnknownRecord,
    /// The record names another manager: its blob is not kept here.
    OtherManager,
    /// The record is live: its blob stays.
    Live,
    /// Live record `by` of this manager names the same blob (an amendment that kept
    /// the text, say): it stays.
    StillNamed {
        /// The live record.
        by: u64,
    },
    /// Not held here (never uploaded, or already deleted).
    NotHeld,
    /// An upload of the same blob is in flight: collected again by
    /// [`Store::collect_deferred`] (the collector calls it after each block).
    Deferred,
    /// Deleted; the owner's usage went down by `bytes`.
    Deleted {
        /// The blob's size.
        bytes: u64,
    },
}

impl<C: ChainView> Store<C> {
    /// Deletes record `record`'s blob if the record is no longer live and no live record
    /// of this store's manager names the same blob (same owner and `content_hash`).
    /// Decided at the chain's finalized block; idempotent, so it may be called again for
    /// the same record. If an upload of the same blob is in flight, nothing waits for it:
    /// the record is [`Collected::Deferred`] and collected again by
    /// [`Store::collect_deferred`].
    pub async fn collect(&self, record: u64) -> Result<Collected, String> {
        let Some(view) = self.chain.record(record).await? else {
            return Ok(Collected::UnknownRecord);
        };
        if view.manager != self.config.manager {
            return Ok(Collected::OtherManager);
        }
        if view.live {
            return Ok(Collected::Live);
        }
        let Some(_claim) = self.claims.try_claim((view.owner, view.content_hash)) else {
            self.collection.defer(record);
            return Ok(Collected::Deferred);
        };
        if let Some(by) = self.live_record_naming(&view).await? {
            return Ok(Collected::StillNamed { by });
        }
        let path = object_path(&view.owner, &view.content_hash);
        let Some(bytes) = self.delete_blob(&view.owner, &path).await? else {
            return Ok(Collected::NotHeld);
        };
        log::info!(
            "collected the blob of record {record} ({bytes} bytes of owner {})",
            to_hex(&view.owner)
        );
        Ok(Collected::Deleted { bytes })
    }

    /// Collects again the records [`Store::collect`] deferred (an upload of their blob
    /// was in flight); those still busy stay deferred. What each came to.
    pub async fn collect_deferred(&self) -> Result<Vec<(u64, Collected)>, String> {
        let mut done = Vec::new();
        for record in self.collection.take_deferred() {
            match self.collect(record).await {
                Ok(collected) => done.push((record, collected)),
                Err(error) => {
                    self.collection.defer(record);
                    return Err(error);
                }
            }
        }
        Ok(done)
    }

    /// Deletes the blob at `path` of `owner` (claimed by the caller) and counts its bytes
    /// off the owner's usage; `None` if it was not there.
    pub(crate) async fn delete_blob(
        &self,
        owner: &AccountId,
        path: &ObjectPath,
    ) -> Result<Option<u64>, String> {
        let bytes = match self.objects.head(path).await {
            Ok(meta) => meta.size,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(format!("object store: {error}")),
        };
        match self.objects.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => return Err(format!("object store: deleting {path}: {error}")),
        }
        self.usage
            .lock()
            .expect("no panics while held")
            .release(owner, bytes);
        Ok(Some(bytes))
    }

    /// A live record of this manager that names the same blob as `view`, if any.
    async fn live_record_naming(&self, view: &RecordView) -> Result<Option<u64>, String> {
        let mut found = None;
        self.each_live_record(view.owner, |id, other| {
            if other.content_hash == view.content_hash {
                found = Some(id);
                return false;
            }
            true
        })
        .await?;
        Ok(found)
    }

    /// Calls `visit` with each live record of `owner` that names this store's manager,
    /// paging through the owner's live records (one runtime call per record), until
    /// `visit` says `false`.
    pub(crate) async fn each_live_record(
        &self,
        owner: AccountId,
        mut visit: impl FnMut(u64, &RecordView) -> bool,
    ) -> Result<(), String> {
        let mut after = None;
        loop {
            let ids = self.chain.live_records_of(owner, after, PAGE).await?;
            let records: Vec<_> = futures::stream::iter(ids.iter().copied())
                .map(|id| async move { (id, self.chain.record(id).await) })
                .buffered(CONCURRENT_READS)
                .collect()
                .await;
            for (id, record) in records {
                if let Some(other) = record? {
                    let ours =
                        other.live && other.manager == self.config.manager && other.owner == owner;
                    if ours && !visit(id, &other) {
                        return Ok(());
                    }
                }
            }
            // Until an empty page: the runtime may cap a page below `PAGE`.
            match ids.last() {
                Some(&last) => after = Some(last),
                None => return Ok(()),
            }
        }
    }

    /// The last finalized block whose events were followed, as last saved.
    pub async fn followed_through(&self) -> Result<Option<u64>, String> {
        let path = ObjectPath::from(FOLLOWED_THROUGH);
        let found = match self.objects.get(&path).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(format!("object store: {error}")),
        };
        let bytes = found
            .bytes()
            .await
            .map_err(|e| format!("object store: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        text.trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("{path} holds {text:?}, not a block number"))
    }

    /// Saves the last finalized block whose events were followed.
    pub async fn set_followed_through(&self, block: u64) -> Result<(), String> {
        self.objects
            .put(
                &ObjectPath::from(FOLLOWED_THROUGH),
                PutPayload::from(block.to_string().into_bytes()),
            )
            .await
            .map(drop)
            .map_err(|e| format!("object store: {e}"))
    }

    /// Whether a sweep was asked for ([`Store::set_sweep_needed`]) and has not succeeded
    /// since.
    pub async fn sweep_needed(&self) -> Result<bool, String> {
        match self.objects.head(&ObjectPath::from(SWEEP_NEEDED)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(format!("object store: {error}")),
        }
    }

    /// Remembers, across restarts, that a sweep is needed (`true`) or was done.
    pub async fn set_sweep_needed(&self, needed: bool) -> Result<(), String> {
        let path = ObjectPath::from(SWEEP_NEEDED);
        let done = if needed {
            self.objects
                .put(&path, PutPayload::from_static(b"1"))
                .await
                .map(drop)
        } else {
            self.objects.delete(&path).await
        };
        match done {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(format!("object store: {error}")),
        }
    }
}
