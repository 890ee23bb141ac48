//! Who is asking: challenges and sr25519 signatures over them.
//!
//! A challenge is stateless — `issued-at (8 bytes) ‖ random (8) ‖ MAC (16)` under a key
//! the store draws at start, with the time on the store's own monotonic clock (ms since
//! it started, so a wall-clock step cannot revive an old challenge) — so handing them
//! out costs no memory. Only challenges redeemed by an allowed request (a good signature
//! of an account the chain lets do what it asks) are remembered, in buckets by expiry so
//! that forgetting them costs nothing per request, until they expire: each is good for
//! one request.

use std::{
    collections::{BTreeMap, HashSet},
    time::{Duration, Instant},
};

use blake2::{
    digest::{consts::U16, Mac},
    Blake2bMac,
};
use rand_core::{OsRng, RngCore};

use crate::protocol::signed_message;

/// How many redeemed challenges are remembered at most (each until it expires, about
/// 50 MiB). Only requests the chain allows are redeemed, and each client address is
/// rate-limited, so only a flood by many authorised clients reaches it; then new
/// requests get 503 until some expire.
pub const MAX_REDEEMED: usize = 1 << 20;

/// A challenge from the future by more than this is refused (clock steps).
const CLOCK_SLACK_MS: u64 = 5_000;

/// Why a challenge cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeError {
    /// Not issued by this store (since its start), or expired.
    Invalid,
    /// Already used for a request.
    Used,
    /// Too many recent requests to remember another one.
    Busy,
}

/// Issues and redeems challenges.
pub struct Challenges {
    key: [u8; 32],
    ttl: Duration,
    started: Instant,
    redeemed: HashSet<[u8; 32]>,
    /// Redeemed challenges by the millisecond they expire, to forget them in order.
    expiring: BTreeMap<u64, Vec<[u8; 32]>>,
    capacity: usize,
}

impl Challenges {
    /// Challenges that live for `ttl`, under a fresh random key.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        Self {
            key,
            ttl,
            started: Instant::now(),
            redeemed: HashSet::new(),
            expiring: BTreeMap::new(),
            capacity,
        }
    }

    /// Now on this store's clock: milliseconds since it started.
    pub fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// How long a challenge lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A fresh challenge issued at `now_ms` (see [`Self::now_ms`]).
    pub fn issue(&self, now_ms: u64) -> [u8; 32] {
        let mut challenge = [0u8; 32];
        challenge[..8].copy_from_slice(&now_ms.to_be_bytes());
        OsRng.fill_bytes(&mut challenge[8..16]);
        let tag = self.tag(&challenge[..16]);
        challenge[16..].copy_from_slice(&tag);
        challenge
    }

    /// Whether this store issued `challenge` and it has not expired at `now_ms`. Cheap
    /// and stateless: check it before verifying a signature.
    pub fn check(&self, challenge: &[u8; 32], now_ms: u64) -> Result<(), ChallengeError> {
        let mut mac = self.mac();
        mac.update(&challenge[..16]);
        mac.verify_slice(&challenge[16..])
            .map_err(|_| ChallengeError::Invalid)?;
        let issued = u64::from_be_bytes(challenge[..8].try_into().expect("8 bytes"));
        let ttl = self.ttl.as_millis() as u64;
        if issued > now_ms.saturating_add(CLOCK_SLACK_MS) || now_ms > issued.saturating_add(ttl) {
            return Err(ChallengeError::Invalid);
        }
        Ok(())
    }

    /// Whether `challenge` was already used (call after [`Self::check`]: an expired one
    /// may be forgotten).
    pub fn is_used(&self, challenge: &[u8; 32]) -> bool {
        self.redeemed.contains(challenge)
    }

    /// Uses up a checked challenge: succeeds once.
    pub fn redeem(&mut self, challenge: &[u8; 32], now_ms: u64) -> Result<(), ChallengeError> {
        self.check(challenge, now_ms)?;
        // Forget what has expired: a challenge past its expiry fails `check` anyway.
        while let Some(entry) = self.expiring.first_entry() {
            if *entry.key() >= now_ms {
                break;
            }
            for gone in entry.remove() {
                self.redeemed.remove(&gone);
            }
        }
        if self.redeemed.contains(challenge) {
            return Err(ChallengeError::Used);
        }
        if self.redeemed.len() >= self.capacity {
            return Err(ChallengeError::Busy);
        }
        let issued = u64::from_be_bytes(challenge[..8].try_into().expect("8 bytes"));
        let expires = issued.saturating_add(self.ttl.as_millis() as u64);
        self.redeemed.insert(*challenge);
        self.expiring.entry(expires).or_default().push(*challenge);
        Ok(())
    }

    /// How many redeemed challenges are remembered.
    pub fn remembered(&self) -> usize {
        self.redeemed.len()
    }

    fn mac(&self) -> Blake2bMac<U16> {
        <Blake2bMac<U16> as Mac>::new_from_slice(&self.key).expect("a 32-byte key fits BLAKE2b")
    }

    fn tag(&self, data: &[u8]) -> [u8; 16] {
        let mut mac = self.mac();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

/// Whether `signature` is `account`'s sr25519 signature (Substrate's signing context) of
/// the request to the store of `manager`.
pub fn verify(
    manager: &[u8; 32],
    account: &[u8; 32],
    method: &str,
    path: &str,
    challenge: &[u8; 32],
    signature: &[u8; 64],
) -> bool {
    let (Ok(public), Ok(signature)) = (
        schnorrkel::PublicKey::from_bytes(account),
        schnorrkel::Signature::from_bytes(signature),
    ) else {
        return false;
    };
    public
        .verify_simple(
            b"substrate",
            &signed_message(manager, method, path, challenge),
            &signature,
        )
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_800_000_000_000;

    #[test]
    fn a_challenge_is_good_once_and_only_until_it_expires() {
        let mut challenges = Challenges::new(Duration::from_secs(60), 16);
        let first = challenges.issue(T0);
        assert_eq!(challenges.check(&first, T0 + 1_000), Ok(()));
        assert_eq!(challenges.redeem(&first, T0 + 1_000), Ok(()));
        assert_eq!(
            challenges.redeem(&first, T0 + 2_000),
            Err(ChallengeError::Used)
        );
        let late = challenges.issue(T0);
        assert_eq!(
            challenges.redeem(&late, T0 + 60_001),
            Err(ChallengeError::Invalid)
        );
        let future = challenges.issue(T0 + 60_000);
        assert_eq!(challenges.check(&future, T0), Err(ChallengeError::Invalid));
    }

    #[test]
    fn only_this_stores_challenges_count() {
        let challenges = Challenges::new(Duration::from_secs(60), 16);
        let other = Challenges::new(Duration::from_secs(60), 16);
        assert_eq!(
            challenges.check(&other.issue(T0), T0),
            Err(ChallengeError::Invalid),
            "another store's (or a restarted store's) challenge"
        );
        let mut forged = challenges.issue(T0);
        forged[0..8].copy_from_slice(&(T0 + 1).to_be_bytes());
        assert_eq!(
            challenges.check(&forged, T0),
            Err(ChallengeError::Invalid),
            "issue time changed"
        );
        assert_eq!(
            challenges.check(&[0u8; 32], T0),
            Err(ChallengeError::Invalid)
        );
    }

    #[test]
    fn issuing_costs_no_memory_and_redeemed_ones_are_bounded() {
        let mut challenges = Challenges::new(Duration::from_secs(60), 3);
        for _ in 0..10_000 {
            challenges.issue(T0);
        }
        assert_eq!(challenges.remembered(), 0);
        for _ in 0..3 {
            let c = challenges.issue(T0);
            challenges.redeem(&c, T0).unwrap();
        }
        let fourth = challenges.issue(T0);
        assert_eq!(challenges.redeem(&fourth, T0), Err(ChallengeError::Busy));
        // Once the remembered ones expire, room is made.
        let later = challenges.issue(T0 + 61_000);
        assert_eq!(challenges.redeem(&later, T0 + 61_000), Ok(()));
        assert_eq!(challenges.remembered(), 1);
    }

    #[test]
    fn signatures_bind_store_account_method_path_and_challenge() {
        let keypair = schnorrkel::MiniSecretKey::from_bytes(&[5u8; 32])
            .unwrap()
            .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519);
        let account = keypair.public.to_bytes();
        let (manager, challenge) = ([8u8; 32], [3u8; 32]);
        let sign = |method: &str, path: &str| {
            keypair
                .sign_simple(
                    b"substrate",
                    &signed_message(&manager, method, path, &challenge),
                )
                .to_bytes()
        };
        let good = sign("GET", "/v1/blobs/1");
        assert!(verify(
            &manager,
            &account,
            "GET",
            "/v1/blobs/1",
            &challenge,
            &good
        ));
        // Change any one part and the same signature no longer counts.
        let other = [9u8; 32];
        type Case<'a> = (
            &'a [u8; 32],
            &'a [u8; 32],
            &'a str,
            &'a str,
            &'a [u8; 32],
            &'a [u8; 64],
        );
        let cases: [Case; 6] = [
            (&other, &account, "GET", "/v1/blobs/1", &challenge, &good),
            (&manager, &other, "GET", "/v1/blobs/1", &challenge, &good),
            (&manager, &account, "PUT", "/v1/blobs/1", &challenge, &good),
            (&manager, &account, "GET", "/v1/blobs/2", &challenge, &good),
            (&manager, &account, "GET", "/v1/blobs/1", &other, &good),
            (
                &manager,
                &account,
                "GET",
                "/v1/blobs/1",
                &challenge,
                &[0u8; 64],
            ),
        ];
        for (store, who, method, path, challenge, signature) in cases {
            assert!(!verify(store, who, method, path, challenge, signature));
        }
    }
}
