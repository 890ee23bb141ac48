use super::*;
use alloc::{format, string::String};
use medchain_lzw::{
    train::{train, TrainOptions},
    TextEncoding,
};
use proptest::prelude::*;

const ZH: &[u8] = include_bytes!("../../codec/tests/fixtures/zh.txt");
const EN: &[u8] = include_bytes!("../../codec/tests/fixtures/en.txt");
const MIXED: &[u8] = include_bytes!("../../codec/tests/fixtures/mixed.txt");
const ZH_GBK: &[u8] = include_bytes!("../../codec/tests/fixtures/zh-gbk.txt");

fn owner() -> DataKeyRoot {
    DataKeyRoot::from_bytes([7; 32])
}

fn facts(sealed: &SealedRecord) -> RecordFacts {
    RecordFacts {
        raw_hash: sealed.raw_hash,
        content_hash: sealed.content_hash,
        raw_len: sealed.raw_len,
    }
}

fn round_trip(text: &[u8], options: &Options, dictionary: Option<&Dictionary>) -> SealedRecord {
    let root = owner();
    let sealed = seal_record(&root, text, options, dictionary).unwrap();
    assert_eq!(sealed.raw_len, text.len() as u64);
    assert_eq!(sealed.content_hash, blake2_256(&sealed.blob));
    assert_eq!(
        sealed.blob.len() as u64,
        sealed.compressed_len + ENVELOPE_OVERHEAD as u64
    );
    assert_ne!(sealed.raw_hash, blake2_256(text), "raw_hash is keyed");
    let key = root.data_key(&sealed.raw_hash);
    let dictionaries: Vec<&Dictionary> = dictionary.into_iter().collect();
    let opened = open_record(&key, &facts(&sealed), &sealed.blob, &dictionaries).unwrap();
    assert_eq!(opened, text);
    sealed
}

/// Neither the text, nor its compressed container, nor its plain hash appears in the
/// blob or in what the chain keeps.
fn assert_reveals_nothing(text: &[u8], sealed: &SealedRecord) {
    let container = medchain_lzw::compress(text, &Options::default()).unwrap();
    let public = [
        sealed.blob.as_slice(),
        &sealed.raw_hash,
        &sealed.content_hash,
    ]
    .concat();
    for secret in [text, &container[container.len() / 2..], &blake2_256(text)] {
        let window = secret.len().min(16);
        assert!(
            !public.windows(window).any(|w| w == &secret[..window]),
            "a secret leaks into the public bytes"
        );
    }
}

#[test]
fn each_language_round_trips_and_reveals_nothing() {
    for text in [ZH, EN, MIXED] {
        let sealed = round_trip(text, &Options::default(), None);
        assert_reveals_nothing(text, &sealed);
        assert!(sealed.dictionary.is_none());
    }
    let gbk = Options {
        encoding: TextEncoding::Gbk,
        ..Default::default()
    };
    let sealed = round_trip(ZH_GBK, &gbk, None);
    assert_eq!(sealed.method, Method::Hanzi);
    assert_eq!(language_of(ZH, &Options::default()), Language::Chinese);
    assert_eq!(language_of(EN, &Options::default()), Language::English);
    assert_eq!(language_of(MIXED, &Options::default()), Language::Mixed);
}

#[test]
fn sealing_is_deterministic_per_owner() {
    let a = seal_record(&owner(), ZH, &Options::default(), None).unwrap();
    assert_eq!(
        a,
        seal_record(&owner(), ZH, &Options::default(), None).unwrap()
    );
    let other = DataKeyRoot::from_bytes([8; 32]);
    let b = seal_record(&other, ZH, &Options::default(), None).unwrap();
    assert_ne!(a.raw_hash, b.raw_hash, "owners' commitments are unlinkable");
    assert_ne!(a.content_hash, b.content_hash);
    assert_eq!(a.compressed_len, b.compressed_len);
}

#[test]
fn the_two_steps_are_the_whole() {
    // The worker compresses and seals in two calls to time the codec: the same record.
    for text in [ZH, EN, MIXED] {
        let container = compress_record(text, &Options::default(), None).unwrap();
        assert_eq!(
            seal_container(&owner(), text, container).unwrap(),
            seal_record(&owner(), text, &Options::default(), None).unwrap()
        );
    }
}

/// A small Chinese dictionary trained on variations of the Chinese fixture.
fn dictionary() -> Dictionary {
    let zh = core::str::from_utf8(ZH).unwrap();
    let samples: Vec<String> = (0..8).map(|i| format!("{zh} {i}")).collect();
    let samples: Vec<&[u8]> = samples.iter().map(|s| s.as_bytes()).collect();
    let options = TrainOptions {
        size: Some(2000),
        max_bits: 14,
        language: Some(Language::Chinese),
        ..Default::default()
    };
    Dictionary::from_bytes(&train(&samples, &options).unwrap().bytes).unwrap()
}

#[test]
fn a_dictionary_is_used_when_smaller_and_needed_to_open() {
    let dictionary = dictionary();
    let text = format!("{} 3", core::str::from_utf8(ZH).unwrap());
    let plain = round_trip(text.as_bytes(), &Options::default(), None);
    let primed = round_trip(text.as_bytes(), &Options::default(), Some(&dictionary));
    assert_eq!(primed.dictionary, Some(dictionary.id()));
    assert!(primed.compressed_len < plain.compressed_len);
    assert_eq!(
        primed.raw_hash, plain.raw_hash,
        "the commitment is of the text"
    );
    let key = owner().data_key(&primed.raw_hash);
    assert!(matches!(
        open_record(&key, &facts(&primed), &primed.blob, &[]),
        Err(OpenError::Undecodable(
            medchain_lzw::Error::MissingDictionary(_)
        ))
    ));
}

#[test]
fn each_fault_is_named() {
    let root = owner();
    let sealed = seal_record(&root, EN, &Options::default(), None).unwrap();
    let key = root.data_key(&sealed.raw_hash);
    let good = facts(&sealed);

    let mut altered = sealed.blob.clone();
    altered[40] ^= 1;
    assert_eq!(
        open_record(&key, &good, &altered, &[]),
        Err(OpenError::ContentMismatch)
    );
    // The chain names the altered blob (an owner that registered garbage): it does not open.
    let named = RecordFacts {
        content_hash: blake2_256(&altered),
        ..good
    };
    assert_eq!(
        open_record(&key, &named, &altered, &[]),
        Err(OpenError::Sealed(CryptoError::Forged))
    );
    let stranger = DataKeyRoot::from_bytes([9; 32]);
    let wrong = stranger.data_key(&sealed.raw_hash);
    assert_eq!(
        open_record(&wrong, &good, &sealed.blob, &[]),
        Err(OpenError::Sealed(CryptoError::Forged))
    );
    for raw_len in [good.raw_len - 1, good.raw_len + 1] {
        let lying = RecordFacts { raw_len, ..good };
        assert_eq!(
            open_record(&key, &lying, &sealed.blob, &[]),
            Err(OpenError::RawMismatch)
        );
    }
    // A demander gets the same key bytes wrapped: it opens the same way.
    let delivered = DataKey::from_bytes(*key.as_bytes());
    assert_eq!(
        open_record(&delivered, &good, &sealed.blob, &[]).unwrap(),
        EN
    );
    let not_a_blob = b"not a blob, just some bytes long enough";
    let named = RecordFacts {
        content_hash: blake2_256(not_a_blob),
        ..good
    };
    assert_eq!(
        open_record(&key, &named, not_a_blob, &[]),
        Err(OpenError::Sealed(CryptoError::NotAnEnvelope))
    );
}

/// A blob sealed by the first release (envelope version 1, `raw_hash` = blake2-256 of
/// the text), kept as a fixture: it still opens for its owner and verifies.
#[test]
fn version_1_records_still_open() {
    let blob = include_bytes!("../tests/fixtures/zh.v1.blob");
    let raw_hash = blake2_256(ZH);
    let facts = RecordFacts {
        raw_hash,
        content_hash: blake2_256(blob),
        raw_len: ZH.len() as u64,
    };
    let root = medchain_crypto::AccountKeys::from_secret(&[7; 32])
        .data_root()
        .clone();
    let key = root.data_key(&raw_hash);
    assert_eq!(open_record(&key, &facts, blob, &[]).unwrap(), ZH);
    let lying = RecordFacts {
        raw_hash: blake2_256(b"another text"),
        ..facts
    };
    let key = root.data_key(&lying.raw_hash);
    assert!(open_record(&key, &lying, blob, &[]).is_err());
}

#[test]
fn bare_blobs_of_the_first_worker_still_open() {
    let container = medchain_lzw::compress(MIXED, &Options::default()).unwrap();
    let facts = RecordFacts {
        raw_hash: blake2_256(MIXED),
        content_hash: blake2_256(&container),
        raw_len: MIXED.len() as u64,
    };
    assert!(!is_sealed(&container));
    assert_eq!(open_bare_record(&facts, &container, &[]).unwrap(), MIXED);
    let keyed = RecordFacts {
        raw_hash: owner().commit(MIXED),
        ..facts
    };
    assert_eq!(
        open_bare_record(&keyed, &container, &[]),
        Err(OpenError::RawMismatch)
    );
    let mut altered = container.clone();
    altered[20] ^= 4;
    assert_eq!(
        open_bare_record(&facts, &altered, &[]),
        Err(OpenError::ContentMismatch)
    );
    let sealed = seal_record(&owner(), MIXED, &Options::default(), None).unwrap();
    assert!(is_sealed(&sealed.blob));
}

proptest! {
    #[test]
    fn any_text_round_trips(text in proptest::collection::vec(any::<u8>(), 1..3000), root in any::<[u8; 32]>()) {
        let root = DataKeyRoot::from_bytes(root);
        let sealed = seal_record(&root, &text, &Options::default(), None).unwrap();
        let key = root.data_key(&sealed.raw_hash);
        prop_assert_eq!(open_record(&key, &facts(&sealed), &sealed.blob, &[]).unwrap(), text);
    }
}

#[test]
fn an_empty_text_round_trips() {
    let sealed = round_trip(b"", &Options::default(), None);
    assert_eq!(sealed.raw_len, 0);
}
