//! For `medchain store serve`: follows the chain's finalized blocks and collects the
//! blobs of records retracted or superseded in them ([`medchain_store::collect`]: the
//! store decides, this only feeds it the events).
//!
//! Events are not lost across reconnections or restarts: the last block followed is
//! kept beside the blobs, and the blocks finalized meanwhile are read one by one. A
//! block whose state the node discarded (it keeps 256 blocks unless it is an archive
//! node) is skipped at once, and one whose events cannot be read several times in a
//! row is skipped too. The store then sweeps ([`Store::sweep`]): every blob no live
//! record names goes, so nothing a skipped block retired is kept. On its very first
//! start the store follows from the finalized block of the time, and sweeps for the
//! records retired before. A sweep asked for is remembered until one succeeds; records
//! whose blob was being uploaded when they were collected are collected again after
//! each block.

use std::{sync::Arc, time::Duration};

use anyhow::{bail, Context, Result};
use medchain_store::{Collected, Store};
use subxt::ext::futures::StreamExt;

use crate::chain::{Chain, StoreChain};

/// The pause before following again after an error.
const RETRY: Duration = Duration::from_secs(5);

/// How many times in a row a block's events may fail to be read before it is skipped.
const MAX_ATTEMPTS: u32 = 5;

/// Follows `url`'s finalized blocks for ever, collecting with `store`.
pub async fn follow(store: Arc<Store<StoreChain>>, url: String) {
    let through = store.followed_through().await.unwrap_or_else(|error| {
        log::warn!("collector: cannot read where it stopped ({error}); starting from now");
        None
    });
    if through.is_none() {
        note_sweep_needed(&store).await;
    }
    let sweep = through.is_none()
        || store.sweep_needed().await.unwrap_or_else(|error| {
            log::warn!("collector: {error}; sweeping to be sure");
            true
        });
    let mut follower = Follower {
        through,
        failing: None,
        sweep,
    };
    loop {
        if let Err(error) = follower.run(&store, &url).await {
            log::warn!(
                "collector: {error:#}; following again in {} s",
                RETRY.as_secs()
            );
        }
        tokio::time::sleep(RETRY).await;
    }
}

struct Follower {
    /// The last block whose retired records were collected.
    through: Option<u64>,
    /// A block whose events could not be read, and how many times.
    failing: Option<(u64, u32)>,
    /// Whether a sweep is due (at the first start, after a skipped block, or asked for
    /// before a restart and not done).
    sweep: bool,
}

impl Follower {
    async fn run(&mut self, store: &Store<StoreChain>, url: &str) -> Result<()> {
        let chain = Chain::connect(url).await?;
        let mut finalized = chain.finalized_numbers().await?;
        while let Some(number) = finalized.next().await {
            let number = number?;
            let first = self.through.map_or(number, |through| through + 1);
            if number > first {
                log::info!("collector: reading blocks {first}..={number}");
            }
            for block in first..=number {
                self.block(store, &chain, block).await?;
            }
            if let Err(error) = store.set_followed_through(number).await {
                log::warn!("collector: cannot save where it is: {error}");
            }
            self.after_blocks(store).await;
        }
        bail!("the node ended the stream of finalized blocks")
    }

    async fn block(&mut self, store: &Store<StoreChain>, chain: &Chain, number: u64) -> Result<()> {
        let retired = match chain.retired_at(number).await {
            Ok(retired) => retired,
            Err(error) => {
                self.unreadable(number, error)?;
                // Skipped: remembered across a restart until a sweep succeeds.
                note_sweep_needed(store).await;
                return Ok(());
            }
        };
        for record in retired {
            // An error (the chain or the object store failing) stops here: the block is
            // read again after reconnecting, and collecting again is harmless.
            let collected = store
                .collect(record)
                .await
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("collecting record {record} (block {number})"))?;
            match collected {
                Collected::Deleted { .. } => {}
                Collected::StillNamed { by } => log::info!(
                    "collector: record {record} is retired, its blob stays (live record {by} names it)"
                ),
                other => log::debug!("collector: record {record}: {other:?}"),
            }
        }
        self.through = Some(number);
        self.failing = None;
        Ok(())
    }

    /// After each finalized block: the deferred collections, then a sweep if one is
    /// needed. Failures are logged and tried again after the next block.
    async fn after_blocks(&mut self, store: &Store<StoreChain>) {
        match store.collect_deferred().await {
            Ok(done) => {
                for (record, collected) in done {
                    log::debug!("collector: deferred record {record}: {collected:?}");
                }
            }
            Err(error) => log::warn!("collector: collecting deferred records: {error}"),
        }
        if !self.sweep {
            return;
        }
        match store.sweep().await {
            Ok(_) => {
                self.sweep = false;
                if let Err(error) = store.set_sweep_needed(false).await {
                    log::warn!("collector: cannot note the sweep done: {error}");
                }
            }
            Err(error) => log::warn!("collector: sweep failed ({error}); trying again"),
        }
    }

    /// A block whose events could not be read: skipped at once if the node discarded
    /// its state; otherwise an error (follow again) until it failed [`MAX_ATTEMPTS`]
    /// times in a row, then skipped. Either way a sweep follows.
    fn unreadable(&mut self, number: u64, error: anyhow::Error) -> Result<()> {
        let attempts = match self.failing {
            Some((block, attempts)) if block == number => attempts + 1,
            _ => 1,
        };
        if !state_discarded(&error) && attempts < MAX_ATTEMPTS {
            self.failing = Some((number, attempts));
            return Err(error.context(format!("reading the events of block {number}")));
        }
        log::warn!(
            "collector: skipping block {number}, whose events could not be read ({error:#}); \
             a sweep will delete the blobs of records retired in it (follow an archive node to avoid this)"
        );
        self.through = Some(number);
        self.failing = None;
        self.sweep = true;
        Ok(())
    }
}

async fn note_sweep_needed(store: &Store<StoreChain>) {
    if let Err(error) = store.set_sweep_needed(true).await {
        log::warn!("collector: cannot note that a sweep is needed: {error}");
    }
}

/// Whether `error` says the node no longer has the block's state (pruned) or does not
/// know the block: reading it again cannot succeed.
fn state_discarded(error: &anyhow::Error) -> bool {
    let text = format!("{error:#}").to_lowercase();
    [
        "state already discarded",
        "state discarded",
        "unknown block",
        "unknownblock",
        "block not found",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}
