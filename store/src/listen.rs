//! The server loop: HTTP/1 connections with a header-read timeout, at most so many at
//! once (in all and per client address), each request tagged with its client's address
//! (for the rate limit), and a graceful stop.
//!
//! Its own loop rather than `axum::serve`, which sets no timer: a client could open
//! connections and send headers a byte at a time (slowloris) and hold them for good.

use std::{
    collections::HashMap,
    future::Future,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::extract::ConnectInfo;
use hyper::{body::Incoming, server::conn::http1, Request};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tower_service::Service;

use crate::{
    limits::client_key,
    server::{router, ChainView, Store},
};

/// How long requests in flight may take to finish after the stop signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `store` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish for at most [`SHUTDOWN_GRACE`]. A connection that does not send a request's
/// headers within [`crate::StoreConfig::header_read_timeout`] (also when idle between
/// requests) is closed, and so is a connection over
/// [`crate::StoreConfig::max_connections`] or, from its client's address,
/// [`crate::StoreConfig::max_connections_per_address`], as soon as it is accepted.
pub async fn serve<C: ChainView>(
    listener: tokio::net::TcpListener,
    store: Arc<Store<C>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(store.config().header_read_timeout);
    let (max_total, max_per_address) = (
        store.config().max_connections.max(1),
        store.config().max_connections_per_address.max(1),
    );
    let app = router(store);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Mutex::new(OpenConnections::default()));
    tokio::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = Slot::take(&open, client.ip(), max_total, max_per_address) else {
            log::debug!("connection from {client} refused: too many open");
            drop(stream);
            continue;
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(client));
            app.clone().call(request)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(error) = connection.await {
                log::debug!("connection from {client}: {error}");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            log::warn!(
                "requests still running after {} s; stopping anyway",
                SHUTDOWN_GRACE.as_secs()
            );
        }
    }
    Ok(())
}

/// After a failed `accept`: a connection that went away is nothing; anything else (out
/// of file descriptors) is logged and the loop pauses, as `axum::serve` does.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        error.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    log::error!("accept: {error}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Connections open now, in all and by client address.
#[derive(Default)]
struct OpenConnections {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One open connection, counted until dropped.
struct Slot {
    open: Arc<Mutex<OpenConnections>>,
    address: IpAddr,
}

impl Slot {
    /// Counts a connection from `client`, unless that makes more than `max_total` open
    /// or `max_per_address` from its address (IPv4, or IPv6 /64).
    fn take(
        open: &Arc<Mutex<OpenConnections>>,
        client: IpAddr,
        max_total: usize,
        max_per_address: usize,
    ) -> Option<Self> {
        let address = client_key(client);
        let mut counts = open.lock().expect("no panics while held");
        let from_address = counts.by_address.get(&address).copied().unwrap_or(0);
        if counts.total >= max_total || from_address >= max_per_address {
            return None;
        }
        counts.total += 1;
        counts.by_address.insert(address, from_address + 1);
        Some(Self {
            open: open.clone(),
            address,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.open.lock() {
            counts.total = counts.total.saturating_sub(1);
            if let Some(count) = counts.by_address.get_mut(&self.address) {
                *count -= 1;
                if *count == 0 {
                    counts.by_address.remove(&self.address);
                }
            }
        }
    }
}
