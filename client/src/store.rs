//! `medchain store serve`: the data manager's store ([`medchain_store`]) with this CLI's
//! chain connection. Blobs go to a local directory by default, or to S3-compatible
//! storage with `--objects s3://bucket[/prefix]` (configured by the `AWS_*` variables).
//! The store's limits (per client address, per owner, per connection) are flags; the
//! blobs of retired records are collected as their events are finalized
//! ([`crate::collector`]). Each request is logged to stderr; SIGTERM or Ctrl-C stop it
//! after the requests in flight.

use std::{net::SocketAddr, time::Duration};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use medchain_store::{
    objects, RateLimit, Store, StoreConfig, DEFAULT_HEADER_READ_TIMEOUT_SECS,
    DEFAULT_MAX_BLOB_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    DEFAULT_OWNER_QUOTA_BYTES, DEFAULT_UPLOAD_DEADLINE_SECS,
};

use crate::{
    account::{address_of, parse_account},
    chain::{NodeArg, StoreChain},
    collector,
};

#[derive(Subcommand)]
pub enum StoreCommand {
    /// Run the store over HTTP. Its `--node` must be a node the manager trusts: the
    /// store believes that node's finality.
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// The data manager's account (SS58): only records naming it are kept.
    #[arg(long, value_name = "ACCOUNT")]
    manager: String,
    /// Where blobs go: a directory (created if missing), file:///dir, or s3://bucket[/prefix].
    #[arg(long, default_value = "medchain-store")]
    objects: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8700")]
    listen: SocketAddr,
    /// The largest blob accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BLOB_BYTES)]
    max_blob_bytes: u64,
    /// The most bytes of blobs kept for one owner (507 beyond).
    #[arg(long, default_value_t = DEFAULT_OWNER_QUOTA_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    owner_quota_bytes: u64,
    /// Requests a client address may make at once (429 with Retry-After beyond).
    #[arg(long, default_value_t = RateLimit::default().burst_requests, value_parser = clap::value_parser!(u32).range(1..))]
    burst_requests: u32,
    /// Requests per second a client address may make in the long run.
    #[arg(long, default_value_t = RateLimit::default().requests_per_second, value_parser = clap::value_parser!(u32).range(1..))]
    requests_per_second: u32,
    /// Seconds a connection has to send a request's headers (also the idle limit).
    #[arg(long, default_value_t = DEFAULT_HEADER_READ_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout_secs: u64,
    /// Seconds an upload has to complete, however steadily it sends.
    #[arg(long, default_value_t = DEFAULT_UPLOAD_DEADLINE_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    upload_deadline_secs: u64,
    /// Connections open at once from all clients (more are closed as they arrive).
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    max_connections: usize,
    /// Connections open at once from one client address (IPv4, or IPv6 /64).
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    max_connections_per_address: usize,
    #[command(flatten)]
    node: NodeArg,
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
        let chain = StoreChain::connect(&args.node.node).await?;
        let store = Store::open(chain, objects, config(&args, manager.0))
            .await
            .map_err(anyhow::Error::msg)?;
        tokio::spawn(collector::follow(store.clone(), args.node.node.clone()));
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        log::info!(
            "store of manager {} on http://{} (blobs: {}, chain: {})",
            address_of(&manager),
            listener.local_addr()?,
            args.objects,
            args.node.node
        );
        log::info!(
            "limits: {} requests at once and {} per second per client address, {} bytes per owner, \
             {} s to send headers, {} s per upload, {} connections ({} per client address)",
            args.burst_requests,
            args.requests_per_second,
            args.owner_quota_bytes,
            args.header_read_timeout_secs,
            args.upload_deadline_secs,
            args.max_connections,
            args.max_connections_per_address
        );
        medchain_store::serve(listener, store, shutdown_signal()).await?;
        log::info!("stopped");
        Ok(())
    })
}

fn config(args: &ServeArgs, manager: [u8; 32]) -> StoreConfig {
    let mut config = StoreConfig::new(manager);
    config.max_blob_bytes = args.max_blob_bytes;
    config.owner_quota_bytes = args.owner_quota_bytes;
    config.rate_limit.burst_requests = args.burst_requests;
    config.rate_limit.requests_per_second = args.requests_per_second;
    config.header_read_timeout = Duration::from_secs(args.header_read_timeout_secs);
    config.upload_deadline = Duration::from_secs(args.upload_deadline_secs);
    config.max_connections = args.max_connections;
    config.max_connections_per_address = args.max_connections_per_address;
    config
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
