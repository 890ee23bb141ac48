//! The queue walk (steps 3 and 4 of the worker): the record pipeline on new items,
//! registrations seen on-chain and confirmed, waves of `register_record`, and the
//! queue's bookkeeping.

use super::*;

/// A registration for this run's wave: slot, input, the compressed item, attempts so far.
type Ready<T> = (u64, RecordInputOf<T>, Prepared, u8);

/// What the walk does with a slot.
enum Slot<T: Config> {
    /// The run's byte budget is spent: stop walking.
    Stop,
    /// Nothing to do with it in this walk.
    Skip,
    /// Its state, to move on.
    State(ItemStateOf<T>),
}

impl<T: Config> Pallet<T> {
    /// Removes the slots the operator asked to drop (only the worker removes items).
    pub(super) fn apply_drops(progress: &mut Progress) {
        let Ok(Some(drops)) = StorageValueRef::persistent(DROPS_KEY).get::<Vec<u64>>() else {
            return;
        };
        for seq in &drops {
            if let Some(item) = Self::read_item(*seq) {
                Self::remove_item(*seq, item.raw_len);
                progress.dropped += 1;
                log::info!(target: LOG_TARGET, "slot {seq}: dropped at the operator's request");
            }
        }
        // The RPC may have appended meanwhile: remove only what was taken.
        for _ in 0..CAS_ATTEMPTS {
            let taken = StorageValueRef::persistent(DROPS_KEY).mutate(
                |now: Result<Option<Vec<u64>>, _>| -> Result<Vec<u64>, ()> {
                    let mut now = now.ok().flatten().unwrap_or_default();
                    now.retain(|seq| !drops.contains(seq));
                    Ok(now)
                },
            );
            if taken.is_ok() {
                return;
            }
        }
    }

    pub(super) fn process_queue(
        block: u32,
        key: &NodeKey<T>,
        owner: &ProvisionedOwner<T>,
        nonces: &mut Nonces,
        progress: &mut Progress,
    ) {
        let meta: QueueMeta = read(QUEUE_META_KEY).unwrap_or_default();
        if meta.is_empty() {
            return;
        }
        if !T::Roles::has_role(&key.account, Role::DataOwner) {
            Self::warn_idle(block, Some(key), Some(&owner.account));
            return;
        }
        let started = now_ms();
        let time_budget = T::WorkerTimeBudgetMs::get();
        let max_submissions = T::WorkerMaxSubmissions::get() as usize;
        let mut ready: Vec<Ready<T>> = Vec::new();
        let mut dictionaries = LoadedDictionaries::default();

        for seq in meta.head..meta.tail {
            // Past the time budget, stop once this run has done some work (walking the
            // slots alone is cheap: they are bounded and their texts are not read).
            let worked = progress.prepared > 0 || !ready.is_empty();
            if worked && now_ms().saturating_sub(started) >= time_budget {
                break;
            }
            let state = match Self::state_or_prepare(seq, owner, &mut dictionaries, progress) {
                Slot::Stop => break,
                Slot::Skip => continue,
                Slot::State(state) => state,
            };
            let Some((prepared, attempts)) =
                Self::due_for_submission(block, seq, state, key, nonces, progress)
            else {
                continue;
            };
            if nonces.next.is_none() {
                // The previous wave is in flight; new submissions wait for it.
                continue;
            }
            if ready.len() >= max_submissions {
                break;
            }
            if let Some(entry) = Self::ready_entry(seq, key, prepared, attempts, &ready) {
                ready.push(entry);
            }
        }
        progress.queue_ms = now_ms().saturating_sub(started);
        Self::submit_wave(block, key, nonces, ready, progress);
    }

    /// The worker's state of slot `seq`; a new item (or one compressed before records
    /// were sealed and not sent yet, so that it registers sealed and keyed) goes through
    /// the pipeline first, within the run's byte budget.
    fn state_or_prepare(
        seq: u64,
        owner: &ProvisionedOwner<T>,
        dictionaries: &mut LoadedDictionaries,
        progress: &mut Progress,
    ) -> Slot<T> {
        match read_state::<T>(seq) {
            Some(ItemState::Prepared(prepared)) if !prepared.sealed => {}
            // Registered and confirmed: the upload pass takes it.
            Some(ItemState::Uploading { .. }) => return Slot::Skip,
            Some(state) => return Slot::State(state),
            None => {}
        }
        let Some(item) = Self::read_item(seq) else {
            return Slot::Skip;
        };
        let byte_budget = u64::from(T::WorkerByteBudget::get());
        if progress.bytes > 0 && progress.bytes.saturating_add(item.raw_len) > byte_budget {
            return Slot::Stop;
        }
        let Some(prepared) = Self::prepare(seq, &owner.root, dictionaries) else {
            return Slot::Skip;
        };
        progress.prepared += 1;
        progress.bytes = progress.bytes.saturating_add(prepared.raw_len);
        Slot::State(ItemState::Prepared(prepared))
    }

    /// Moves slot `seq` on from `state` as the chain now stands: notes a registration it
    /// sees, confirms one old enough, stalls one that kept failing. Returns the item and
    /// its attempts so far when it should be (re)submitted now.
    fn due_for_submission(
        block: u32,
        seq: u64,
        state: ItemStateOf<T>,
        key: &NodeKey<T>,
        nonces: &Nonces,
        progress: &mut Progress,
    ) -> Option<(Prepared, u8)> {
        let prepared = *state.prepared();
        let owner = match &state {
            ItemState::Submitted { owner, .. } | ItemState::Seen { owner, .. } => owner.clone(),
            _ => key.account.clone(),
        };
        if let ItemState::Seen { id, at, .. } = state {
            // Still on-chain (live, or retracted or amended since): it stays registered.
            let on_chain = Records::<T>::get(id)
                .is_some_and(|r| r.owner == owner && r.input.raw_hash == prepared.raw_hash);
            if !on_chain {
                log::warn!(
                    target: LOG_TARGET,
                    "slot {seq}: record #{id} is no longer on-chain (reorganised away); registering again"
                );
                write(&queue_state_key(seq), &ItemStateOf::<T>::Prepared(prepared));
            } else if block >= at.saturating_add(CONFIRMATIONS) {
                Self::confirmed(block, seq, prepared, owner, id);
                progress.registered += 1;
            }
            return None;
        }
        if let Some(id) = RecordByRawHash::<T>::get(&owner, prepared.raw_hash) {
            let seen = ItemStateOf::<T>::Seen {
                prepared,
                owner,
                id,
                at: block,
            };
            write(&queue_state_key(seq), &seen);
            progress.seen += 1;
            return None;
        }
        let ItemState::Submitted {
            at,
            nonce,
            attempts,
            ..
        } = state
        else {
            return matches!(state, ItemState::Prepared(_)).then_some((prepared, 0));
        };
        let resubmit_after = T::ResubmitAfter::get();
        if block < at.saturating_add(resubmit_after) {
            // Pending, or landed and failed: either way it waits out its window, so a
            // lasting failure does not burn a fee every block.
            return None;
        }
        if attempts >= MAX_ATTEMPTS {
            log::error!(
                target: LOG_TARGET,
                "slot {seq}: {attempts} registrations produced no record (see the events of \
                 the blocks since {at}); it stalls: fix the cause and queue it again, or drop \
                 it (`medchain records drop {seq}`)"
            );
            write(&queue_state_key(seq), &ItemStateOf::<T>::Stalled(prepared));
            return None;
        }
        log::warn!(
            target: LOG_TARGET,
            "slot {seq}: not registered {resubmit_after} blocks after submission ({}); \
             submitting again",
            if nonces.chain > nonce {
                "it landed and failed: see the events of its block"
            } else {
                "dropped"
            }
        );
        Some((prepared, attempts))
    }

    /// Slot `seq`'s registration for this wave, unless the wave carries its text already
    /// or the chain would refuse it (the log says why).
    fn ready_entry(
        seq: u64,
        key: &NodeKey<T>,
        prepared: Prepared,
        attempts: u8,
        ready: &[Ready<T>],
    ) -> Option<Ready<T>> {
        if ready
            .iter()
            .any(|(_, _, other, _)| other.raw_hash == prepared.raw_hash)
        {
            // The same text earlier in this wave; it registers for both.
            return None;
        }
        let item = Self::read_item(seq)?;
        match Self::input_for(&item, &prepared) {
            Ok(input) => match Self::ensure_registrable(&key.account, &input, None) {
                Ok(()) => return Some((seq, input, prepared, attempts)),
                Err(error) => log::warn!(
                    target: LOG_TARGET,
                    "slot {seq} stays queued: the chain would refuse it ({})",
                    <&'static str>::from(error)
                ),
            },
            Err(why) => log::warn!(target: LOG_TARGET, "slot {seq} stays queued: {why}"),
        }
        None
    }

    /// Submits this run's registrations with consecutive nonces.
    fn submit_wave(
        block: u32,
        key: &NodeKey<T>,
        nonces: &mut Nonces,
        ready: Vec<Ready<T>>,
        progress: &mut Progress,
    ) {
        for (seq, input, prepared, attempts) in ready {
            let Some(nonce) = nonces.next else { break };
            if !Self::submit(key, Call::register_record { input }, nonce) {
                log::error!(target: LOG_TARGET, "slot {seq}: the pool refused the registration");
                break;
            }
            nonces.next = Some(nonce.saturating_add(1));
            write(
                &queue_state_key(seq),
                &ItemStateOf::<T>::Submitted {
                    prepared,
                    owner: key.account.clone(),
                    at: block,
                    nonce,
                    attempts: attempts.saturating_add(1),
                },
            );
            progress.submitted += 1;
            log::info!(
                target: LOG_TARGET,
                "slot {seq}: register_record submitted (raw_hash {:?}, content_hash {:?}, nonce {nonce})",
                prepared.raw_hash,
                prepared.content_hash
            );
        }
    }

    pub(super) fn read_item(seq: u64) -> Option<QueuedItem<T::AccountId>> {
        let bytes = local_storage_get(StorageKind::PERSISTENT, &queue_item_key(seq))?;
        match QueuedItem::decode(&mut &bytes[..]) {
            Ok(item) => Some(item),
            Err(_) => {
                log::error!(target: LOG_TARGET, "slot {seq} cannot be decoded; skipped");
                None
            }
        }
    }

    /// Runs the record pipeline on the text of slot `seq` for the provisioned owner:
    /// compressed (with the newest active dictionary of its language when smaller),
    /// committed to and sealed; keeps the sealed blob and notes the result.
    fn prepare(
        seq: u64,
        root: &DataKeyRoot,
        dictionaries: &mut LoadedDictionaries,
    ) -> Option<Prepared> {
        let started = now_ms();
        let raw = local_storage_get(StorageKind::PERSISTENT, &queue_raw_key(seq))?;
        let options = medchain_lzw::Options::default();
        let language = dictionary_language(medchain_record::language_of(&raw, &options));
        let dictionary =
            Self::active_dictionary(language).and_then(|(id, _)| dictionaries.get::<T>(id));
        // The two steps of `seal_record`, timed apart: the codec's speed in the runtime.
        let codec_started = now_ms();
        let sealed = medchain_record::compress_record(&raw, &options, dictionary)
            .map(|container| (container, now_ms().saturating_sub(codec_started)))
            .and_then(|(container, codec_ms)| {
                medchain_record::seal_container(root, &raw, container).map(|s| (s, codec_ms))
            });
        let (sealed, codec_ms) = match sealed {
            Ok(sealed) => sealed,
            Err(error) => {
                log::error!(target: LOG_TARGET, "slot {seq} does not compress: {error:?}");
                return None;
            }
        };
        let prepared = Prepared {
            raw_hash: H256(sealed.raw_hash),
            content_hash: H256(sealed.content_hash),
            raw_len: sealed.raw_len,
            compressed_len: sealed.compressed_len,
            method: codec_method(sealed.method),
            dictionary: sealed.dictionary.map(H256),
            sealed: true,
        };
        local_storage_set(
            StorageKind::PERSISTENT,
            &blob_key(&prepared.content_hash),
            &sealed.blob,
        );
        write(&queue_state_key(seq), &ItemStateOf::<T>::Prepared(prepared));
        log::info!(
            target: LOG_TARGET,
            "slot {seq}: {} → {} bytes ({:?}{}), sealed, in {} ms (codec {} ms)",
            prepared.raw_len,
            prepared.compressed_len,
            prepared.method,
            if prepared.dictionary.is_some() { ", primed" } else { "" },
            now_ms().saturating_sub(started),
            codec_ms
        );
        Some(prepared)
    }

    fn input_for(
        item: &QueuedItem<T::AccountId>,
        prepared: &Prepared,
    ) -> Result<RecordInputOf<T>, &'static str> {
        let labels = item
            .labels
            .iter()
            .map(|label| LabelOf::<T>::try_from(label.clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| "a label is longer than this runtime's MaxLabelLen")?;
        let labels = LabelsOf::<T>::try_from(labels)
            .map_err(|_| "more labels than this runtime's MaxLabels")?;
        let location = if item.location.is_empty() {
            own_location(&prepared.content_hash)
        } else {
            item.location.clone()
        };
        let location = LocationOf::<T>::try_from(location)
            .map_err(|_| "the location is longer than this runtime's MaxLocationLen")?;
        Ok(RecordInput {
            raw_hash: prepared.raw_hash,
            content_hash: prepared.content_hash,
            raw_len: prepared.raw_len,
            compressed_len: prepared.compressed_len,
            codec: Codec {
                method: prepared.method,
                dictionary: prepared.dictionary,
            },
            labels,
            location,
            manager: item.manager.clone(),
        })
    }

    /// The record of slot `seq` has been on-chain as `id` for [`CONFIRMATIONS`] blocks:
    /// a sealed blob bound for a store waits for its upload (the text leaves the queue
    /// now); anything else is finished.
    fn confirmed(block: u32, seq: u64, prepared: Prepared, owner: T::AccountId, id: RecordId) {
        let to_store = prepared.sealed
            && Records::<T>::get(id).is_some_and(|record| {
                record.input.content_hash == prepared.content_hash
                    && is_store_url(&record.input.location)
            });
        if !to_store {
            Self::finish(seq, &prepared, id);
            return;
        }
        Self::release_text(seq, prepared.raw_len);
        write(
            &queue_state_key(seq),
            &ItemStateOf::<T>::Uploading {
                prepared,
                owner,
                id,
                attempts: 0,
                next_at: block,
                last_status: 0,
            },
        );
        log::info!(target: LOG_TARGET, "slot {seq}: registered as record #{id}; uploading its blob");
    }

    /// Removes the text of slot `seq` (its record is registered and its blob sealed), and
    /// takes its bytes off the queue's count.
    fn release_text(seq: u64, raw_len: u64) {
        // Counted once: a text already released (a record reorganised away and registered
        // again, or a run that stopped between the two steps) is not taken off again.
        let bytes = Self::text_left(seq, raw_len);
        local_storage_clear(StorageKind::PERSISTENT, &queue_raw_key(seq));
        Self::update_meta(|meta| meta.bytes = meta.bytes.saturating_sub(bytes));
    }

    /// The record of slot `seq` is registered as `id` and its blob is where the record
    /// says: hold it for verification (once, and only if it names the blob this node made) and
    /// drop the item from the queue.
    pub(super) fn finish(seq: u64, prepared: &Prepared, id: RecordId) {
        let ours = Records::<T>::get(id)
            .is_some_and(|record| record.input.content_hash == prepared.content_hash);
        if ours && local_storage_get(StorageKind::PERSISTENT, &held_id_key(id)).is_none() {
            let mut held: HeldMeta = read(HELD_META_KEY).unwrap_or_default();
            write(
                &held_key(held.count),
                &HeldRecord {
                    id,
                    content_hash: prepared.content_hash,
                    report: ReportState::Clear,
                },
            );
            held.count = held.count.saturating_add(1);
            write(HELD_META_KEY, &held);
            local_storage_set(StorageKind::PERSISTENT, &held_id_key(id), &[1]);
        }
        Self::remove_item(seq, prepared.raw_len);
        log::info!(target: LOG_TARGET, "slot {seq}: record #{id} is done");
    }

    /// Removes slot `seq` (whose text has `raw_len` bytes, unless it was released
    /// already) and takes it off the queue's counts, moving the head past the slots
    /// already emptied.
    fn remove_item(seq: u64, raw_len: u64) {
        let raw_len = Self::text_left(seq, raw_len);
        for key in [
            queue_item_key(seq),
            queue_raw_key(seq),
            queue_state_key(seq),
        ] {
            local_storage_clear(StorageKind::PERSISTENT, &key);
        }
        Self::update_meta(|meta| {
            meta.items = meta.items.saturating_sub(1);
            meta.bytes = meta.bytes.saturating_sub(raw_len);
            while meta.head < meta.tail
                && local_storage_get(StorageKind::PERSISTENT, &queue_item_key(meta.head)).is_none()
            {
                meta.head += 1;
            }
        });
    }

    /// Changes the queue's meta; the RPC may append at the same time, hence
    /// compare-and-set.
    fn update_meta(change: impl Fn(&mut QueueMeta)) {
        for _ in 0..CAS_ATTEMPTS {
            let updated = StorageValueRef::persistent(QUEUE_META_KEY).mutate(
                |meta: Result<Option<QueueMeta>, _>| -> Result<QueueMeta, ()> {
                    let mut meta = meta.ok().flatten().unwrap_or_default();
                    change(&mut meta);
                    Ok(meta)
                },
            );
            if updated.is_ok() {
                return;
            }
        }
        log::error!(target: LOG_TARGET, "the queue's meta kept changing; its counts may be off");
    }
}
