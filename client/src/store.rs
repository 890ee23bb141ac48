//! `medchain store serve`: the data manager's store ([`medchain_store`]) with this CLI's
//! chain connection. Blobs go to a local directory by default, or to S3-compatible
//! storage with `--objects s3://bucket[/prefix]` (configured by the `AWS_*` variables).
//! Each request is logged to stderr; SIGTERM or Ctrl-C stop it after the requests in
//! flight.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use medchain_store::{objects, router, Store, StoreConfig};

use crate::{
    account::{address_of, parse_account},
    chain::{StoreChain, DEFAULT_NODE},
};

#[derive(Subcommand)]
pub enum StoreCommand {
    /// Run the store over HTTP.
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// The data manager's account (SS58): only records naming it are kept.
    #[arg(long)]
    manager: String,
    /// Where blobs go: a directory (created if missing), file:///dir, or s3://bucket[/prefix].
    #[arg(long, default_value = "medchain-store")]
    objects: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8700")]
    listen: SocketAddr,
    /// The largest blob accepted, in bytes.
    #[arg(long, default_value_t = 1 << 30)]
    max_blob_bytes: u64,
    /// The node's RPC endpoint (a node the manager trusts: the store believes its finality).
    #[arg(long, default_value = DEFAULT_NODE)]
    node: String,
}

pub fn run(command: StoreCommand) -> Result<()> {
    let StoreCommand::Serve(args) = command;
    let _ = log::set_boxed_logger(Box::new(StderrLogger))
        .map(|()| log::set_max_level(log::LevelFilter::Info));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let manager = parse_account(&args.manager)?;
        let objects = objects::open(&args.objects).map_err(anyhow::Error::msg)?;
        let chain = StoreChain::connect(&args.node).await?;
        let mut config = StoreConfig::new(manager.0);
        config.max_blob_bytes = args.max_blob_bytes;
        let store = Store::new(chain, objects, config);
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        log::info!(
            "store of manager {} on http://{} (blobs: {}, chain: {})",
            address_of(&manager),
            listener.local_addr()?,
            args.objects,
            args.node
        );
        medchain_store::serve(listener, router(store), shutdown_signal()).await?;
        log::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// One line per message on stderr, with the time.
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Info
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            eprintln!(
                "{}.{:03} {:<5} {}",
                now.as_secs(),
                now.subsec_millis(),
                record.level(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}
