//! The sweep: deletes every stored blob that no live record of this store's manager
//! names, whatever happened to the events that retired its records (a store started
//! after they were finalized, a block skipped because its state was pruned).
//!
//! **The rule that keeps it from racing uploads.** A blob is deleted only if, while the
//! sweep holds its claim (so no upload of it is in flight), it is
//! 1. not named by a live record of this manager in the owner's pass over the chain,
//!    and
//! 2. not stored — nor found already held — by any upload since the sweep began.
//!
//! The sweep starts recording the blobs uploads store *before* it reads the chain, and
//! an upload records its blob while still holding the claim. So a blob either was
//! stored before the sweep began — then its record was final before the chain pass
//! started and is seen live if it still is — or it is in the record and kept. A blob
//! kept wrongly (a record retired during the pass) goes with its event or the next sweep.

use std::collections::{BTreeMap, HashSet};

use futures::StreamExt;
use object_store::path::Path as ObjectPath;

use crate::{
    protocol::{from_hex, to_hex},
    server::{object_path, AccountId, ChainView, Store},
};

/// What [`Store::sweep`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Swept {
    /// Owners whose blobs were looked at.
    pub owners: u64,
    /// Blobs deleted.
    pub deleted: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Blobs left because an upload of them was in flight or stored them meanwhile.
    pub busy: u64,
}

/// Stops recording the blobs uploads store, however the sweep ends.
struct Recording<'a>(&'a std::sync::Mutex<Option<HashSet<crate::limits::BlobKey>>>);

impl Drop for Recording<'_> {
    fn drop(&mut self) {
        if let Ok(mut stored) = self.0.lock() {
            *stored = None;
        }
    }
}

impl<C: ChainView> Store<C> {
    /// Deletes the blobs held here that no live record of this manager names (see the
    /// module's rule for uploads in flight). One pass over each owner's live records;
    /// an error (chain or object store) stops it, and running it again is harmless.
    pub async fn sweep(&self) -> Result<Swept, String> {
        let _one_at_a_time = self.collection.sweeping.lock().await;
        let recording = &self.collection.stored_during_sweep;
        *recording.lock().expect("no panics while held") = Some(HashSet::new());
        let _stop = Recording(recording);
        let mut swept = Swept::default();
        for (owner, hashes) in self.held_blobs().await? {
            swept.owners += 1;
            let mut named = HashSet::new();
            self.each_live_record(owner, |_, record| {
                named.insert(record.content_hash);
                true
            })
            .await?;
            for hash in hashes.into_iter().filter(|h| !named.contains(h)) {
                self.sweep_blob(owner, hash, &mut swept).await?;
            }
        }
        log::info!(
            "sweep: {} blobs ({} bytes) of {} owners deleted, {} left to uploads in flight",
            swept.deleted,
            swept.bytes,
            swept.owners,
            swept.busy
        );
        Ok(swept)
    }

    /// Deletes one unnamed blob unless an upload holds it or stored it since the sweep
    /// began.
    async fn sweep_blob(
        &self,
        owner: AccountId,
        hash: [u8; 32],
        swept: &mut Swept,
    ) -> Result<(), String> {
        let Some(_claim) = self.claims.try_claim((owner, hash)) else {
            swept.busy += 1;
            return Ok(());
        };
        let stored_meanwhile = self
            .collection
            .stored_during_sweep
            .lock()
            .expect("no panics while held")
            .as_ref()
            .is_some_and(|stored| stored.contains(&(owner, hash)));
        if stored_meanwhile {
            swept.busy += 1;
            return Ok(());
        }
        if let Some(bytes) = self
            .delete_blob(&owner, &object_path(&owner, &hash))
            .await?
        {
            log::info!(
                "sweep: deleted blob {} of owner {} ({bytes} bytes): no live record names it",
                to_hex(&hash),
                to_hex(&owner)
            );
            swept.deleted += 1;
            swept.bytes += bytes;
        }
        Ok(())
    }

    /// The published blobs, by owner (staging objects and stray names excluded).
    async fn held_blobs(&self) -> Result<BTreeMap<AccountId, Vec<[u8; 32]>>, String> {
        let mut held: BTreeMap<AccountId, Vec<[u8; 32]>> = BTreeMap::new();
        let mut listing = self.objects.list(Some(&ObjectPath::from("blobs")));
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(|e| format!("listing the stored blobs: {e}"))?;
            let parts: Vec<_> = meta.location.parts().collect();
            let [_, owner, hash] = parts.as_slice() else {
                continue;
            };
            if let (Some(owner), Some(hash)) = (
                from_hex::<32>(owner.as_ref()),
                from_hex::<32>(hash.as_ref()),
            ) {
                held.entry(owner).or_default().push(hash);
            }
        }
        Ok(held)
    }
}
