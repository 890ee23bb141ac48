//! Who is asking: single-use challenges and sr25519 signatures over them.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use rand_core::{OsRng, RngCore};

use crate::protocol::signed_message;

/// How many challenges may be outstanding at once. A client hammering
/// `POST /v1/challenge` fills this and then gets 503 until old ones expire, instead of
/// growing the store's memory.
pub const MAX_OPEN_CHALLENGES: usize = 65_536;

/// Outstanding challenges and when each expires.
pub struct Challenges {
    open: HashMap<[u8; 32], Instant>,
    ttl: Duration,
    capacity: usize,
}

impl Challenges {
    /// An empty set whose challenges live for `ttl`.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            open: HashMap::new(),
            ttl,
            capacity,
        }
    }

    /// How long a challenge lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A fresh challenge, or `None` when too many are outstanding.
    pub fn issue(&mut self, now: Instant) -> Option<[u8; 32]> {
        if self.open.len() >= self.capacity {
            self.open.retain(|_, expires| *expires > now);
            if self.open.len() >= self.capacity {
                return None;
            }
        }
        let mut challenge = [0u8; 32];
        OsRng.fill_bytes(&mut challenge);
        self.open.insert(challenge, now + self.ttl);
        Some(challenge)
    }

    /// Uses up `challenge`: true once, if it was issued and has not expired.
    pub fn take(&mut self, challenge: &[u8; 32], now: Instant) -> bool {
        self.open
            .remove(challenge)
            .is_some_and(|expires| expires > now)
    }

    /// How many are outstanding.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether none are outstanding.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }
}

/// Whether `signature` is `account`'s sr25519 signature (Substrate's signing context) of
/// the request.
pub fn verify(
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
            &signed_message(method, path, challenge),
            &signature,
        )
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_is_good_once_and_only_until_it_expires() {
        let start = Instant::now();
        let mut challenges = Challenges::new(Duration::from_secs(60), 4);
        let first = challenges.issue(start).unwrap();
        assert!(challenges.take(&first, start));
        assert!(!challenges.take(&first, start), "used twice");
        let late = challenges.issue(start).unwrap();
        assert!(!challenges.take(&late, start + Duration::from_secs(61)));
        assert!(!challenges.take(&[0u8; 32], start), "never issued");
    }

    #[test]
    fn outstanding_challenges_are_bounded() {
        let start = Instant::now();
        let mut challenges = Challenges::new(Duration::from_secs(60), 3);
        for _ in 0..3 {
            challenges.issue(start).unwrap();
        }
        assert_eq!(challenges.issue(start), None, "full");
        assert_eq!(challenges.len(), 3);
        // Once they expire, room is made.
        assert!(challenges.issue(start + Duration::from_secs(61)).is_some());
        assert_eq!(challenges.len(), 1);
    }

    #[test]
    fn signatures_bind_account_method_path_and_challenge() {
        let keypair = schnorrkel::MiniSecretKey::from_bytes(&[5u8; 32])
            .unwrap()
            .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519);
        let account = keypair.public.to_bytes();
        let challenge = [3u8; 32];
        let sign = |method: &str, path: &str| {
            keypair
                .sign_simple(b"substrate", &signed_message(method, path, &challenge))
                .to_bytes()
        };
        let good = sign("GET", "/v1/blobs/1");
        assert!(verify(&account, "GET", "/v1/blobs/1", &challenge, &good));
        assert!(!verify(&account, "PUT", "/v1/blobs/1", &challenge, &good));
        assert!(!verify(&account, "GET", "/v1/blobs/2", &challenge, &good));
        assert!(!verify(&account, "GET", "/v1/blobs/1", &[4u8; 32], &good));
        assert!(!verify(&[9u8; 32], "GET", "/v1/blobs/1", &challenge, &good));
        assert!(!verify(
            &account,
            "GET",
            "/v1/blobs/1",
            &challenge,
            &[0u8; 64]
        ));
    }
}
