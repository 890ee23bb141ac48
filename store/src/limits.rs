//! What one client or one owner may use: requests per address (a token bucket each),
//! stored bytes per owner (a quota), and one upload or collection at a time per blob.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    net::{IpAddr, Ipv6Addr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use futures::StreamExt;
use object_store::{path::Path as ObjectPath, ObjectStore};

use crate::{
    protocol::{from_hex, ErrorBody},
    server::{AccountId, ChainView, Store},
};

/// How many requests one client address may make. Addresses are IPv4 addresses or IPv6
/// /64 prefixes (one machine usually holds a whole /64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests an address may make at once after a pause (the bucket's size).
    pub burst_requests: u32,
    /// Requests per second an address may make in the long run (the refill rate).
    pub requests_per_second: u32,
    /// Addresses remembered at most (about 64 bytes each); beyond, an idle one (its
    /// bucket full) is forgotten, or if none, the oldest, and the newcomer then starts
    /// with an empty bucket.
    pub max_tracked_addresses: usize,
}

impl Default for RateLimit {
    /// 200 at once, 50 per second, 65,536 addresses (about 4 MiB). A signed request is
    /// two requests (a challenge, then the request), so a client uploads or downloads
    /// 25 blobs a second for as long as it likes.
    fn default() -> Self {
        Self {
            burst_requests: 200,
            requests_per_second: 50,
            max_tracked_addresses: 1 << 16,
        }
    }
}

/// How many of the oldest addresses a newcomer to a full table looks at for an idle one.
const EVICTION_SCAN: usize = 64;

/// Token buckets by client address, bounded in number.
pub(crate) struct RateLimiter {
    limit: RateLimit,
    started: Instant,
    buckets: HashMap<IpAddr, Bucket>,
    /// Addresses in the order they were first seen, to forget the oldest first.
    order: VecDeque<IpAddr>,
}

struct Bucket {
    tokens: f64,
    updated_ms: u64,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit: RateLimit {
                burst_requests: limit.burst_requests.max(1),
                requests_per_second: limit.requests_per_second.max(1),
                max_tracked_addresses: limit.max_tracked_addresses.max(1),
            },
            started: Instant::now(),
            buckets: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// Takes one request from `address`'s bucket, or says how long until there is one.
    pub(crate) fn admit(&mut self, address: IpAddr, now_ms: u64) -> Result<(), Duration> {
        let key = client_key(address);
        let burst = f64::from(self.limit.burst_requests);
        let rate = f64::from(self.limit.requests_per_second);
        if !self.buckets.contains_key(&key) {
            let tokens = self.make_room(now_ms);
            self.order.push_back(key);
            self.buckets.insert(
                key,
                Bucket {
                    tokens,
                    updated_ms: now_ms,
                },
            );
        }
        let bucket = self.buckets.get_mut(&key).expect("inserted above");
        let elapsed_ms = now_ms.saturating_sub(bucket.updated_ms) as f64;
        bucket.tokens = (bucket.tokens + elapsed_ms * rate / 1000.0).min(burst);
        bucket.updated_ms = now_ms;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait_ms = ((1.0 - bucket.tokens) * 1000.0 / rate).ceil() as u64;
            Err(Duration::from_millis(wait_ms.max(1)))
        }
    }

    /// Makes room for a new address when the table is full, and says how many tokens
    /// its bucket starts with. Only an idle address (its bucket full again) is
    /// forgotten: forgetting it changes nothing. If none of the oldest [`EVICTION_SCAN`]
    /// is idle, the oldest is forgotten anyway but the newcomer starts with an empty
    /// bucket, so that cycling through more addresses than the table holds earns no
    /// requests: under that pressure every new address waits for its first token.
    fn make_room(&mut self, now_ms: u64) -> f64 {
        let burst = f64::from(self.limit.burst_requests);
        if self.buckets.len() < self.limit.max_tracked_addresses {
            return burst;
        }
        let rate = f64::from(self.limit.requests_per_second);
        for _ in 0..EVICTION_SCAN.min(self.order.len()) {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            let idle = self.buckets.get(&oldest).is_none_or(|bucket| {
                let elapsed_ms = now_ms.saturating_sub(bucket.updated_ms) as f64;
                bucket.tokens + elapsed_ms * rate / 1000.0 >= burst
            });
            if idle {
                self.buckets.remove(&oldest);
                return burst;
            }
            // Busy: looked at again after the others.
            self.order.push_back(oldest);
        }
        while self.buckets.len() >= self.limit.max_tracked_addresses {
            match self.order.pop_front() {
                Some(oldest) => self.buckets.remove(&oldest),
                None => break,
            };
        }
        0.0
    }

    /// How many addresses are remembered.
    #[cfg(test)]
    pub(crate) fn tracked(&self) -> usize {
        self.buckets.len()
    }
}

/// The address a client is counted under: IPv4 as it is, IPv6 by its /64.
pub(crate) fn client_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
}

/// Middleware: refuses a client over its rate with 429 and `Retry-After` (whole
/// seconds). Requests without a client address (not through [`crate::serve`]) pass.
pub(crate) async fn rate_limited<C: ChainView>(
    State(store): State<Arc<Store<C>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(ConnectInfo(client)) = request.extensions().get::<ConnectInfo<SocketAddr>>() else {
        return next.run(request).await;
    };
    let client = client.ip();
    let verdict = {
        let mut limiter = store.limiter.lock().expect("no panics while held");
        let now = limiter.now_ms();
        limiter.admit(client, now)
    };
    match verdict {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let retry_after_secs = wait.as_millis().div_ceil(1000).max(1) as u64;
            let limit = store.config.rate_limit;
            let error = format!(
                "too many requests from {client}: at most {} at once and {} per second; retry in {retry_after_secs} s",
                limit.burst_requests, limit.requests_per_second
            );
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, HeaderValue::from(retry_after_secs))],
                Json(ErrorBody { error }),
            )
                .into_response()
        }
    }
}

/// Bytes held per owner (published blobs and uploads in flight), against a quota.
pub(crate) struct Usage {
    quota_bytes: u64,
    bytes: HashMap<AccountId, u64>,
}

/// An upload would take its owner over the quota: what the owner holds now.
pub(crate) struct OverQuota {
    pub(crate) used_bytes: u64,
}

impl Usage {
    pub(crate) fn new(quota_bytes: u64, bytes: HashMap<AccountId, u64>) -> Self {
        Self { quota_bytes, bytes }
    }

    pub(crate) fn used(&self, owner: &AccountId) -> u64 {
        self.bytes.get(owner).copied().unwrap_or(0)
    }

    /// Counts `add_bytes` more for `owner`, of which `replacing_bytes` (an object
    /// being replaced) will go, if that stays within the quota.
    fn reserve(
        &mut self,
        owner: &AccountId,
        add_bytes: u64,
        replacing_bytes: u64,
    ) -> Result<(), OverQuota> {
        let used_bytes = self.used(owner);
        if used_bytes
            .saturating_sub(replacing_bytes)
            .saturating_add(add_bytes)
            > self.quota_bytes
        {
            return Err(OverQuota { used_bytes });
        }
        *self.bytes.entry(*owner).or_default() += add_bytes;
        Ok(())
    }

    /// Counts `bytes` fewer for `owner` (a deleted blob, an upload that ended).
    pub(crate) fn release(&mut self, owner: &AccountId, bytes: u64) {
        if let Some(used) = self.bytes.get_mut(owner) {
            *used = used.saturating_sub(bytes);
            if *used == 0 {
                self.bytes.remove(owner);
            }
        }
    }
}

/// Bytes reserved for an upload in flight: given back when dropped (a refused or
/// abandoned upload) unless [`Reserved::settle`]d.
pub(crate) struct Reserved<'a> {
    usage: &'a Mutex<Usage>,
    owner: AccountId,
    bytes: u64,
}

impl<'a> Reserved<'a> {
    /// Reserves `add_bytes` for `owner` (see [`Usage::reserve`]).
    pub(crate) fn take(
        usage: &'a Mutex<Usage>,
        owner: AccountId,
        add_bytes: u64,
        replacing_bytes: u64,
    ) -> Result<Self, OverQuota> {
        usage
            .lock()
            .expect("no panics while held")
            .reserve(&owner, add_bytes, replacing_bytes)?;
        Ok(Self {
            usage,
            owner,
            bytes: add_bytes,
        })
    }

    /// The upload published `stored_bytes` in place of an object of `replaced_bytes`.
    pub(crate) fn settle(mut self, stored_bytes: u64, replaced_bytes: u64) {
        let unused = self
            .bytes
            .saturating_add(replaced_bytes)
            .saturating_sub(stored_bytes);
        self.bytes = 0;
        self.usage
            .lock()
            .expect("no panics while held")
            .release(&self.owner, unused);
    }
}

impl Drop for Reserved<'_> {
    fn drop(&mut self) {
        if self.bytes > 0 {
            if let Ok(mut usage) = self.usage.lock() {
                usage.release(&self.owner, self.bytes);
            }
        }
    }
}

/// What each owner holds: the sizes of the published blobs under `blobs/`, read once
/// at start (staging objects and anything not named `0x<owner>/0x<hash>` excluded).
pub(crate) async fn stored_bytes_by_owner(
    objects: &Arc<dyn ObjectStore>,
) -> Result<HashMap<AccountId, u64>, String> {
    let mut bytes: HashMap<AccountId, u64> = HashMap::new();
    let mut listing = objects.list(Some(&ObjectPath::from("blobs")));
    while let Some(meta) = listing.next().await {
        let meta = meta.map_err(|e| format!("listing the stored blobs: {e}"))?;
        let parts: Vec<_> = meta.location.parts().collect();
        let [_, owner, hash] = parts.as_slice() else {
            continue;
        };
        if let (Some(owner), Some(_)) = (
            from_hex::<32>(owner.as_ref()),
            from_hex::<32>(hash.as_ref()),
        ) {
            *bytes.entry(owner).or_default() += meta.size;
        }
    }
    Ok(bytes)
}

/// A blob, as it is kept: its owner and content hash.
pub(crate) type BlobKey = (AccountId, [u8; 32]);

/// Blobs being uploaded or collected: one at a time each, so that two uploads of the
/// same bytes are not counted twice and a collection never races an upload.
#[derive(Default)]
pub(crate) struct Claims(Mutex<HashSet<BlobKey>>);

/// A claimed blob, released when dropped.
pub(crate) struct Claim<'a> {
    claims: &'a Claims,
    key: BlobKey,
}

impl Claims {
    pub(crate) fn try_claim(&self, key: BlobKey) -> Option<Claim<'_>> {
        let fresh = self.0.lock().expect("no panics while held").insert(key);
        // Not `then_some`: a `Claim` built for nothing would release the holder's claim
        // when dropped.
        fresh.then(|| Claim { claims: self, key })
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if let Ok(mut claimed) = self.claims.0.lock() {
            claimed.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn a_bucket_allows_a_burst_then_the_rate() {
        let mut limiter = RateLimiter::new(RateLimit {
            burst_requests: 3,
            requests_per_second: 2,
            max_tracked_addresses: 16,
        });
        for _ in 0..3 {
            assert_eq!(limiter.admit(v4(1), 0), Ok(()));
        }
        assert_eq!(limiter.admit(v4(1), 0), Err(Duration::from_millis(500)));
        assert_eq!(limiter.admit(v4(2), 0), Ok(()), "another address");
        assert_eq!(limiter.admit(v4(1), 500), Ok(()), "refilled at 2/s");
        assert!(limiter.admit(v4(1), 600).is_err());
        // Never more than the burst, however long the pause.
        for _ in 0..3 {
            assert_eq!(limiter.admit(v4(1), 1_000_000), Ok(()));
        }
        assert!(limiter.admit(v4(1), 1_000_000).is_err());
    }

    #[test]
    fn addresses_are_bounded_and_ipv6_counts_by_its_64() {
        let mut limiter = RateLimiter::new(RateLimit {
            burst_requests: 1,
            requests_per_second: 1,
            max_tracked_addresses: 4,
        });
        for last in 0..100 {
            let _ = limiter.admit(v4(last), 0);
        }
        assert_eq!(limiter.tracked(), 4);
        let mapped: IpAddr = "::ffff:10.0.0.99".parse().unwrap();
        assert!(limiter.admit(mapped, 0).is_err(), "an IPv4-mapped address");
        // A second later every bucket is full again: newcomers take an idle one's place.
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limiter.admit(a, 1_000), Ok(()));
        assert!(limiter.admit(b, 1_000).is_err(), "same /64");
        assert_eq!(limiter.admit(c, 1_000), Ok(()), "another /64");
        assert_eq!(limiter.tracked(), 4);
    }

    /// Issue: a full table forgot its oldest address to make room, so a client cycling
    /// through more addresses than the table holds (or returning after being forgotten)
    /// always found a full bucket. Now only idle buckets are forgotten for free.
    #[test]
    fn a_full_table_gives_newcomers_no_free_requests() {
        let mut limiter = RateLimiter::new(RateLimit {
            burst_requests: 3,
            requests_per_second: 1,
            max_tracked_addresses: 2,
        });
        for last in [1, 2] {
            for _ in 0..3 {
                assert_eq!(limiter.admit(v4(last), 0), Ok(()));
            }
        }
        // Both buckets are empty: a newcomer, and then the address it pushed out, wait.
        assert_eq!(limiter.admit(v4(3), 0), Err(Duration::from_secs(1)));
        assert_eq!(limiter.admit(v4(1), 0), Err(Duration::from_secs(1)));
        for last in 4..40 {
            assert!(limiter.admit(v4(last), 10).is_err(), "address {last}");
        }
        assert_eq!(limiter.tracked(), 2);
        // Once the buckets are idle (full again), a newcomer gets the whole burst.
        for _ in 0..3 {
            assert_eq!(limiter.admit(v4(50), 100_000), Ok(()));
        }
        assert!(limiter.admit(v4(50), 100_000).is_err());
    }

    #[test]
    fn a_refused_claim_leaves_the_holders_claim_alone() {
        let claims = Claims::default();
        let key = ([1u8; 32], [2u8; 32]);
        let held = claims.try_claim(key).unwrap();
        assert!(claims.try_claim(key).is_none());
        assert!(claims.try_claim(key).is_none(), "still held");
        drop(held);
        assert!(claims.try_claim(key).is_some());
    }

    #[test]
    fn reservations_count_against_the_quota_until_settled_or_dropped() {
        let usage = Mutex::new(Usage::new(100, HashMap::new()));
        let owner = [1u8; 32];
        let first = Reserved::take(&usage, owner, 60, 0).ok().unwrap();
        assert!(Reserved::take(&usage, owner, 60, 0).is_err());
        assert!(Reserved::take(&usage, [2u8; 32], 60, 0).is_ok());
        first.settle(50, 0);
        assert_eq!(usage.lock().unwrap().used(&owner), 50);
        drop(Reserved::take(&usage, owner, 50, 0).ok().unwrap());
        assert_eq!(usage.lock().unwrap().used(&owner), 50, "given back");
        // Replacing a damaged 50-byte copy by 60 bytes fits in 100.
        let again = Reserved::take(&usage, owner, 60, 50).ok().unwrap();
        again.settle(60, 50);
        assert_eq!(usage.lock().unwrap().used(&owner), 60);
    }
}
