//! The chain refuses to publish the X25519 keys of `medchain_primitives::x25519`; this
//! checks that list against the Diffie–Hellman the sealing side uses: exactly those keys
//! give a non-contributory result, whatever the secret.

use medchain_primitives::x25519::{is_small_order, small_order_encodings};
use rand_core::{OsRng, RngCore};
use x25519_dalek::{PublicKey, StaticSecret};

fn contributory(key: [u8; 32]) -> bool {
    let secret = StaticSecret::random_from_rng(OsRng);
    secret
        .diffie_hellman(&PublicKey::from(key))
        .was_contributory()
}

#[test]
fn every_refused_key_gives_a_non_contributory_secret() {
    for key in small_order_encodings() {
        assert!(!contributory(key), "{key:02x?} is contributory");
    }
}

#[test]
fn random_keys_are_accepted_by_both() {
    for _ in 0..1_000 {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        assert_eq!(is_small_order(&key), !contributory(key), "{key:02x?}");
    }
}

#[test]
fn real_public_keys_are_not_refused() {
    for _ in 0..100 {
        let public = PublicKey::from(&StaticSecret::random_from_rng(OsRng));
        assert!(!is_small_order(public.as_bytes()));
    }
}
