use super::*;
use proptest::prelude::*;

fn owner() -> AccountKeys {
    AccountKeys::from_secret(&[7u8; 32])
}

fn demander() -> AccountKeys {
    AccountKeys::from_secret(&[9u8; 32])
}

const RAW_HASH: [u8; 32] = [0x11; 32];
const BINDING: KeyBinding = KeyBinding {
    record: 42,
    content_hash: [0x22; 32],
};

#[test]
fn keys_are_deterministic_and_distinct() {
    assert_eq!(owner().public_key(), owner().public_key());
    assert_ne!(owner().public_key(), demander().public_key());
    let key = owner().data_key(&RAW_HASH);
    assert_eq!(key.as_bytes(), owner().data_key(&RAW_HASH).as_bytes());
    assert_ne!(key.as_bytes(), owner().data_key(&[0x12; 32]).as_bytes());
    assert_ne!(key.as_bytes(), demander().data_key(&RAW_HASH).as_bytes());
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
    assert_eq!(
        hex(keys.data_key(&[2u8; 32]).as_bytes()),
        "2a8f5b0aec6ee30fb66baf18b9546cf91f575f42c0b27f2e944e4f6f6c08b53a"
    );
}

#[test]
fn seal_then_open() {
    let key = owner().data_key(&RAW_HASH);
    let plaintext = "患者男，45岁，主诉胸痛3小时。ECG: ST elevation.".as_bytes();
    let sealed = seal(&key, &RAW_HASH, plaintext);
    assert_eq!(sealed.len(), plaintext.len() + ENVELOPE_OVERHEAD);
    assert_eq!(&sealed[..4], b"MCB1");
    assert!(
        !sealed.windows(12).any(|w| w == &plaintext[..12]),
        "plaintext leaks into the blob"
    );
    assert_eq!(open(&key, &RAW_HASH, &sealed).unwrap(), plaintext);
    // Deterministic: an interrupted upload can be redone with the same content hash.
    assert_eq!(seal(&key, &RAW_HASH, plaintext), sealed);
    // A different plaintext under the same key gets a different nonce.
    let other = seal(&key, &RAW_HASH, b"another text");
    assert_ne!(other[5..29], sealed[5..29]);
    assert_eq!(
        open(&key, &RAW_HASH, &seal(&key, &RAW_HASH, b"")).unwrap(),
        b""
    );
}

#[test]
fn open_refuses_wrong_key_record_or_format() {
    let key = owner().data_key(&RAW_HASH);
    let sealed = seal(&key, &RAW_HASH, b"chest pain, troponin raised");
    let wrong = demander().data_key(&RAW_HASH);
    assert_eq!(open(&wrong, &RAW_HASH, &sealed), Err(CryptoError::Forged));
    assert_eq!(open(&key, &[0x12; 32], &sealed), Err(CryptoError::Forged));
    assert_eq!(
        open(&key, &RAW_HASH, &sealed[..sealed.len() - 1]),
        Err(CryptoError::Forged)
    );
    assert_eq!(
        open(&key, &RAW_HASH, &sealed[..ENVELOPE_OVERHEAD - 1]),
        Err(CryptoError::Truncated)
    );
    assert_eq!(open(&key, &RAW_HASH, b"MCB"), Err(CryptoError::Truncated));
    let mut magic = sealed.clone();
    magic[0] = b'X';
    assert_eq!(
        open(&key, &RAW_HASH, &magic),
        Err(CryptoError::NotAnEnvelope)
    );
    let mut version = sealed.clone();
    version[4] = 2;
    assert_eq!(
        open(&key, &RAW_HASH, &version),
        Err(CryptoError::UnknownEnvelopeVersion(2))
    );
}

#[test]
fn wrapped_key_opens_only_for_its_recipient_and_record() {
    let key = owner().data_key(&RAW_HASH);
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
        let key = AccountKeys::from_secret(&seed).data_key(&RAW_HASH);
        let sealed = seal(&key, &RAW_HASH, &plaintext);
        prop_assert_eq!(open(&key, &RAW_HASH, &sealed).unwrap(), plaintext);
    }

    #[test]
    fn any_flipped_bit_is_detected(plaintext in proptest::collection::vec(any::<u8>(), 1..512), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let key = owner().data_key(&RAW_HASH);
        let mut sealed = seal(&key, &RAW_HASH, &plaintext);
        let i = at.index(sealed.len());
        sealed[i] ^= 1 << bit;
        prop_assert!(open(&key, &RAW_HASH, &sealed).is_err());
    }

    #[test]
    fn any_altered_wrapped_key_is_refused(at in 0..WRAPPED_KEY_LEN, bit in 0u8..8) {
        let key = owner().data_key(&RAW_HASH);
        let mut wrapped = wrap_key(&key, &demander().public_key(), &BINDING).unwrap();
        wrapped[at] ^= 1 << bit;
        prop_assert!(demander().unwrap_key(&wrapped, &BINDING).is_err());
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
