use super::*;
use proptest::prelude::*;

fn owner() -> AccountKeys {
    AccountKeys::from_secret(&[7u8; 32])
}

fn demander() -> AccountKeys {
    AccountKeys::from_secret(&[9u8; 32])
}

const RAW_HASH: [u8; 32] = [0x11; 32];

fn data_key(keys: &AccountKeys, raw_hash: &[u8; 32]) -> DataKey {
    keys.data_root().data_key(raw_hash)
}

fn commitment_key() -> CommitmentKey {
    CommitmentKey::from_bytes([0x33; 32])
}

fn seal2(key: &DataKey, raw_hash: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    seal(key, raw_hash, &commitment_key(), plaintext)
}

fn open2(key: &DataKey, raw_hash: &[u8; 32], blob: &[u8]) -> Result<Vec<u8>, CryptoError> {
    open(key, raw_hash, blob).map(|opened| opened.container)
}
const BINDING: KeyBinding = KeyBinding {
    record: 42,
    content_hash: [0x22; 32],
};

#[test]
fn keys_are_deterministic_and_distinct() {
    assert_eq!(owner().public_key(), owner().public_key());
    assert_ne!(owner().public_key(), demander().public_key());
    let key = data_key(&owner(), &RAW_HASH);
    assert_eq!(key.as_bytes(), data_key(&owner(), &RAW_HASH).as_bytes());
    assert_ne!(key.as_bytes(), data_key(&owner(), &[0x12; 32]).as_bytes());
    assert_ne!(key.as_bytes(), data_key(&demander(), &RAW_HASH).as_bytes());
    assert_ne!(key.as_bytes(), &owner().public_key());
}

/// Every existing record's data key depends on this derivation: a change here would
/// strand every blob already stored. The vector was computed once by this code.
#[test]
fn derivation_is_stable() {
    let keys = AccountKeys::from_secret(&[1u8; 32]);
    assert_eq!(
        hex(&keys.public_key()),
        "699eb86b06ccdd112e7d85e74093d6a90e3a674f7bc0967535aaa9cc2793ce22"
    );
    let root = keys.data_root();
    assert_eq!(
        hex(root.data_key(&[2u8; 32]).as_bytes()),
        "2a8f5b0aec6ee30fb66baf18b9546cf91f575f42c0b27f2e944e4f6f6c08b53a"
    );
    assert_eq!(hex(&root.commit(b"blood count normal")), V2_COMMITMENT);
}

#[test]
fn seal_then_open() {
    let key = data_key(&owner(), &RAW_HASH);
    let plaintext = "患者男，45岁，主诉胸痛3小时。ECG: ST elevation.".as_bytes();
    let sealed = seal2(&key, &RAW_HASH, plaintext);
    assert_eq!(sealed.len(), plaintext.len() + ENVELOPE_OVERHEAD);
    assert_eq!(&sealed[..5], b"MCB1\x02");
    assert_eq!(envelope_version(&sealed), Ok(ENVELOPE_VERSION));
    assert!(
        !sealed.windows(12).any(|w| w == &plaintext[..12]),
        "plaintext leaks into the blob"
    );
    assert!(
        !sealed.windows(32).any(|w| w == commitment_key().as_bytes()),
        "the commitment key leaks into the blob"
    );
    let opened = open(&key, &RAW_HASH, &sealed).unwrap();
    assert_eq!(opened.container, plaintext);
    assert_eq!(opened.commitment_key(), Some(&commitment_key()));
    // Deterministic: an interrupted upload can be redone with the same content hash.
    assert_eq!(seal2(&key, &RAW_HASH, plaintext), sealed);
    // A different plaintext, or the same one for another record, gets another nonce.
    let other = seal2(&key, &RAW_HASH, b"another text");
    assert_ne!(other[5..29], sealed[5..29]);
    let elsewhere = seal2(&key, &[0x12; 32], plaintext);
    assert_ne!(elsewhere[5..29], sealed[5..29]);
    assert_eq!(
        open2(&key, &RAW_HASH, &seal2(&key, &RAW_HASH, b"")).unwrap(),
        b""
    );
}

#[test]
fn open_refuses_wrong_key_record_or_format() {
    let key = data_key(&owner(), &RAW_HASH);
    let sealed = seal2(&key, &RAW_HASH, b"chest pain, troponin raised");
    let wrong = data_key(&demander(), &RAW_HASH);
    assert_eq!(open2(&wrong, &RAW_HASH, &sealed), Err(CryptoError::Forged));
    assert_eq!(open2(&key, &[0x12; 32], &sealed), Err(CryptoError::Forged));
    assert_eq!(
        open2(&key, &RAW_HASH, &sealed[..sealed.len() - 1]),
        Err(CryptoError::Forged)
    );
    assert_eq!(
        open2(&key, &RAW_HASH, &sealed[..ENVELOPE_OVERHEAD - 1]),
        Err(CryptoError::Truncated)
    );
    assert_eq!(open2(&key, &RAW_HASH, b"MCB"), Err(CryptoError::Truncated));
    let mut magic = sealed.clone();
    magic[0] = b'X';
    assert_eq!(
        open2(&key, &RAW_HASH, &magic),
        Err(CryptoError::NotAnEnvelope)
    );
    let mut version = sealed.clone();
    version[4] = 3;
    assert_eq!(
        open2(&key, &RAW_HASH, &version),
        Err(CryptoError::UnknownEnvelopeVersion(3))
    );
    // Relabelled as version 1: the version is authenticated.
    version[4] = ENVELOPE_VERSION_PLAIN;
    assert_eq!(open2(&key, &RAW_HASH, &version), Err(CryptoError::Forged));
}

#[test]
fn wrapped_key_opens_only_for_its_recipient_and_record() {
    let key = data_key(&owner(), &RAW_HASH);
    let recipient = demander();
    let wrapped = wrap_key(&key, &recipient.public_key(), &BINDING).unwrap();
    assert_eq!(wrapped.len(), WRAPPED_KEY_LEN);
    const { assert!(WRAPPED_KEY_LEN <= 256, "fits Access.MaxWrappedKeyLen") };
    let opened = recipient.unwrap_key(&wrapped, &BINDING).unwrap();
    assert_eq!(opened.as_bytes(), key.as_bytes());
    // Fresh ephemeral key each time.
    assert_ne!(
        wrap_key(&key, &recipient.public_key(), &BINDING).unwrap(),
        wrapped
    );

    assert_eq!(
        owner().unwrap_key(&wrapped, &BINDING).unwrap_err(),
        CryptoError::Forged,
        "someone else opens it"
    );
    let other_record = KeyBinding {
        record: 43,
        ..BINDING
    };
    assert_eq!(
        recipient.unwrap_key(&wrapped, &other_record).unwrap_err(),
        CryptoError::Forged
    );
    let other_blob = KeyBinding {
        content_hash: [0x23; 32],
        ..BINDING
    };
    assert_eq!(
        recipient.unwrap_key(&wrapped, &other_blob).unwrap_err(),
        CryptoError::Forged
    );
    assert_eq!(
        recipient.unwrap_key(&wrapped[1..], &BINDING).unwrap_err(),
        CryptoError::MalformedWrappedKey
    );
    let mut version = wrapped.clone();
    version[0] = 9;
    assert_eq!(
        recipient.unwrap_key(&version, &BINDING).unwrap_err(),
        CryptoError::MalformedWrappedKey
    );
    assert_eq!(
        wrap_key(&key, &[0u8; 32], &BINDING).unwrap_err(),
        CryptoError::WeakPublicKey
    );
}

proptest! {
    #[test]
    fn any_plaintext_round_trips(plaintext in proptest::collection::vec(any::<u8>(), 0..2048), seed in any::<[u8; 32]>()) {
        let key = data_key(&AccountKeys::from_secret(&seed), &RAW_HASH);
        let sealed = seal2(&key, &RAW_HASH, &plaintext);
        prop_assert_eq!(open2(&key, &RAW_HASH, &sealed).unwrap(), plaintext);
    }

    #[test]
    fn any_flipped_bit_is_detected(plaintext in proptest::collection::vec(any::<u8>(), 1..512), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let key = data_key(&owner(), &RAW_HASH);
        let mut sealed = seal2(&key, &RAW_HASH, &plaintext);
        let i = at.index(sealed.len());
        sealed[i] ^= 1 << bit;
        prop_assert!(open(&key, &RAW_HASH, &sealed).is_err());
    }

    #[test]
    fn any_altered_wrapped_key_is_refused(at in 0..WRAPPED_KEY_LEN, bit in 0u8..8) {
        let key = data_key(&owner(), &RAW_HASH);
        let mut wrapped = wrap_key(&key, &demander().public_key(), &BINDING).unwrap();
        wrapped[at] ^= 1 << bit;
        prop_assert!(demander().unwrap_key(&wrapped, &BINDING).is_err());
    }
}

/// Blobs sealed before keyed commitments (envelope version 1) still open, and their
/// plain `raw_hash` still verifies the text.
#[test]
fn version_1_blobs_still_open_with_their_plain_hash() {
    let text = b"blood count normal";
    let raw_hash = blake2_256(text);
    let root = owner().data_root().clone();
    let key = root.data_key(&raw_hash);
    let blob = envelope::seal_v1(&key, &raw_hash, b"container");
    assert_eq!(blob.len(), 9 + ENVELOPE_OVERHEAD - 32);
    assert_eq!(envelope_version(&blob), Ok(ENVELOPE_VERSION_PLAIN));
    assert_eq!(hex(&blob), V1_BLOB);
    let opened = open(&key, &raw_hash, &blob).unwrap();
    assert_eq!(opened.container, b"container");
    assert!(opened.commitment_key().is_none());
    assert!(opened.verifies(text, &raw_hash));
    assert!(!opened.verifies(b"blood count abnormal", &raw_hash));
}

/// A keyed commitment is deterministic for its owner, differs between owners and from
/// the plain hash, and verifies only the text it was made of.
#[test]
fn commitments_are_keyed_per_owner_and_verify_their_text() {
    let text = "血常规未见异常".as_bytes();
    let mine = owner().data_root().commit(text);
    assert_eq!(mine, owner().data_root().commit(text));
    assert_ne!(mine, demander().data_root().commit(text));
    assert_ne!(mine, blake2_256(text));
    assert_ne!(mine, owner().data_root().commit(b"other"));
    let ck = owner().data_root().commitment_key(text);
    assert_eq!(ck.commit(text), mine);
    // Another record's commitment key tells nothing about this one.
    assert_ne!(owner().data_root().commitment_key(b"other"), ck);

    let key = data_key(&owner(), &mine);
    let blob = seal(&key, &mine, &ck, b"container");
    let opened = open(&key, &mine, &blob).unwrap();
    assert!(opened.verifies(text, &mine));
    assert!(!opened.verifies(b"other", &mine));
    assert!(!opened.verifies(text, &blake2_256(text)));
}

#[test]
fn wrap_key_with_a_seeded_rng_is_reproducible() {
    struct Counter(u8);
    impl rand_core::RngCore for Counter {
        fn next_u32(&mut self) -> u32 {
            rand_core::impls::next_u32_via_fill(self)
        }
        fn next_u64(&mut self) -> u64 {
            rand_core::impls::next_u64_via_fill(self)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for byte in dest {
                self.0 = self.0.wrapping_add(1);
                *byte = self.0;
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl rand_core::CryptoRng for Counter {}
    let key = data_key(&owner(), &RAW_HASH);
    let a = wrap_key_with(&mut Counter(0), &key, &demander().public_key(), &BINDING).unwrap();
    let b = wrap_key_with(&mut Counter(0), &key, &demander().public_key(), &BINDING).unwrap();
    assert_eq!(a, b);
    let opened = demander().unwrap_key(&a, &BINDING).unwrap();
    assert_eq!(opened.as_bytes(), key.as_bytes());
}

const V1_BLOB: &str = "4d43423101e854ad596d3aa1336e14aed2f22fccfa14a37b604b4edb8b79ae875c20e1b65019b9eea646e18f67a1b241bb0c9e2a3bda";
/// Checked against an independent implementation (Python: hmac, hashlib.blake2b with `key`).
const V2_COMMITMENT: &str = "2f14d7f9ae3cc29e19330d426133c5736b98a9844a78519d988cfa7a99b4faa9";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
