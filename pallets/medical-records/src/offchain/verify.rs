//! Re-verification of the records this node holds (step 5 of the worker).

use super::*;
use medchain_record::{DataKeyRoot, OpenError};

impl<T: Config> Pallet<T> {
    /// Re-verifies a batch of held records on the blocks of the verification schedule.
    pub(super) fn verify_held(
        block: u32,
        key: Option<&NodeKey<T>>,
        owner: Option<&ProvisionedOwner<T>>,
        mut nonces: Option<&mut Nonces>,
        progress: &mut Progress,
    ) {
        let interval = T::VerifyInterval::get();
        if interval == 0 || block % interval != 0 {
            return;
        }
        let mut meta: HeldMeta = read(HELD_META_KEY).unwrap_or_default();
        if meta.count == 0 {
            return;
        }
        let mut dictionaries = LoadedDictionaries::default();
        let started = now_ms();
        let resubmit_after = T::ResubmitAfter::get();
        for _ in 0..u64::from(T::VerifyBatch::get()).min(meta.count) {
            if now_ms().saturating_sub(started) >= T::WorkerTimeBudgetMs::get() {
                break;
            }
            let n = meta.cursor % meta.count;
            meta.cursor = n.saturating_add(1);
            let Some(mut held) = read::<HeldRecord>(&held_key(n)) else {
                continue;
            };
            let Some(record) = Records::<T>::get(held.id) else {
                continue;
            };
            progress.verified += 1;
            let root = owner.filter(|owner| owner.account == record.owner);
            let Some(fault) =
                Self::check_blob(&record, &mut dictionaries, root.map(|owner| &owner.root))
            else {
                if held.report != ReportState::Clear {
                    log::info!(target: LOG_TARGET, "record #{} verifies again", held.id);
                    held.report = ReportState::Clear;
                    write(&held_key(n), &held);
                }
                continue;
            };
            log::error!(target: LOG_TARGET, "record #{}: integrity check failed ({fault:?})", held.id);
            let chain = nonces.as_ref().map(|n| n.chain).unwrap_or_default();
            let send = match held.report {
                ReportState::Clear => true,
                ReportState::Landed => false,
                ReportState::Sent { nonce, .. } if chain > nonce => {
                    // The report can only fail for an unknown or retired record or a
                    // caller that is neither owner nor manager holding its role, all
                    // checked before sending.
                    held.report = ReportState::Landed;
                    write(&held_key(n), &held);
                    false
                }
                ReportState::Sent { at, .. } => block >= at.saturating_add(resubmit_after),
            };
            if !send {
                continue;
            }
            // The chain would refuse the report (a retired record, a key without its
            // role): do not pay for it.
            let key = key.filter(|key| Self::may_report_integrity(&record, &key.account));
            let (Some(key), Some(nonces)) = (key, nonces.as_deref_mut()) else {
                continue;
            };
            // Sent by a later run while the previous wave is in flight.
            let Some(nonce) = nonces.next else { continue };
            if !Self::submit(
                key,
                Call::report_integrity_failure { id: held.id, fault },
                nonce,
            ) {
                log::error!(target: LOG_TARGET, "record #{}: the pool refused the report", held.id);
                continue;
            }
            nonces.next = Some(nonce.saturating_add(1));
            held.report = ReportState::Sent { nonce, at: block };
            write(&held_key(n), &held);
            progress.reported += 1;
        }
        write(HELD_META_KEY, &meta);
    }

    /// What is wrong with this node's blob of `record`, if anything. A sealed blob is
    /// opened with the owner's data key (`root`, the provisioned owner's root; without
    /// it only the blob's hash can be checked); a blob from before sealing is a bare
    /// container with a plain `raw_hash`. A blob that needs a dictionary is decoded with
    /// the one the record names; if the chain cannot give it, or the blob names another,
    /// the blob is undecodable.
    pub(crate) fn check_blob(
        record: &RecordOf<T>,
        dictionaries: &mut LoadedDictionaries,
        root: Option<&DataKeyRoot>,
    ) -> Option<IntegrityFault> {
        let input = &record.input;
        let Some(blob) = local_storage_get(StorageKind::PERSISTENT, &blob_key(&input.content_hash))
        else {
            return Some(IntegrityFault::BlobMissing);
        };
        let named: Vec<&medchain_lzw::Dictionary> = input
            .codec
            .dictionary
            .and_then(|id| dictionaries.get::<T>(id))
            .into_iter()
            .collect();
        let facts = medchain_record::RecordFacts {
            raw_hash: input.raw_hash.0,
            content_hash: input.content_hash.0,
            raw_len: input.raw_len,
        };
        let opened = if medchain_record::is_sealed(&blob) {
            let Some(root) = root else {
                // Not this node's owner any more: the hash is all it can check.
                return (H256(medchain_record::blake2_256(&blob)) != input.content_hash)
                    .then_some(IntegrityFault::ContentMismatch);
            };
            let key = root.data_key(&facts.raw_hash);
            medchain_record::open_record(&key, &facts, &blob, &named)
        } else {
            medchain_record::open_bare_record(&facts, &blob, &named)
        };
        match opened {
            Ok(_) => None,
            Err(OpenError::ContentMismatch) => Some(IntegrityFault::ContentMismatch),
            Err(OpenError::RawMismatch) => Some(IntegrityFault::RawMismatch),
            Err(OpenError::Sealed(_) | OpenError::Undecodable(_)) => {
                Some(IntegrityFault::Undecodable)
            }
        }
    }
}
