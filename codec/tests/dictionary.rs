//! Primed dictionaries: training, loading, round trips, and refusals of the wrong or a
//! missing dictionary and of hostile containers and files. The records are generated
//! here (clinical-style templates filled from fixed lists), never taken from a corpus.

use medchain_lzw::{
    compress, compress_primed, compress_with, decompress, decompress_with, dictionary_id,
    read_header,
    train::{train, TrainOptions},
    Dictionary, Error, Language, Method, Options, TextEncoding,
};
use proptest::prelude::*;

const LIMIT: usize = 1 << 24;

fn lcg(seed: &mut u64) -> usize {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*seed >> 33) as usize
}

fn pick<'a>(seed: &mut u64, list: &[&'a str]) -> &'a str {
    list[lcg(seed) % list.len()]
}

/// An English note of a few hundred bytes to a few KB.
fn english_record(seed: &mut u64) -> String {
    let complaints = [
        "chest pain",
        "shortness of breath",
        "abdominal pain",
        "headache",
        "fever and cough",
    ];
    let history = [
        "hypertension",
        "type 2 diabetes mellitus",
        "coronary artery disease",
        "asthma",
        "hyperlipidemia",
    ];
    let plans = [
        "The patient was discharged home in stable condition.",
        "Follow up with the primary care physician in two weeks.",
        "Continue current medications and return if symptoms worsen.",
    ];
    let mut s = String::new();
    for _ in 0..1 + lcg(seed) % 6 {
        s += &format!(
            "HISTORY OF PRESENT ILLNESS: The patient is a {}-year-old {} who presents with {} for {} days. \
             PAST MEDICAL HISTORY: Significant for {} and {}. PHYSICAL EXAMINATION: Blood pressure {}/{}, \
             pulse {}, temperature {}.{} degrees. ASSESSMENT AND PLAN: {}\n",
            20 + lcg(seed) % 70,
            pick(seed, &["male", "female"]),
            pick(seed, &complaints),
            1 + lcg(seed) % 14,
            pick(seed, &history),
            pick(seed, &history),
            100 + lcg(seed) % 60,
            60 + lcg(seed) % 30,
            60 + lcg(seed) % 50,
            36 + lcg(seed) % 3,
            lcg(seed) % 10,
            pick(seed, &plans),
        );
    }
    s
}

/// A Chinese record, with English terms when `mixed`.
fn chinese_record(seed: &mut u64, mixed: bool) -> String {
    let complaints = ["反复胸痛", "咳嗽咳痰", "腹痛腹泻", "头晕头痛", "发热乏力"];
    let exams = if mixed {
        [
            "CT示肺部结节",
            "MRI未见异常",
            "WBC 12.5×10^9/L",
            "CEA 3.2 ng/mL",
            "血压 BP 130/80 mmHg",
        ]
    } else {
        [
            "胸部平片示双肺纹理增多",
            "心电图未见明显异常",
            "血常规白细胞升高",
            "肝肾功能正常",
            "腹部彩超未见异常",
        ]
    };
    let mut s = String::new();
    for _ in 0..1 + lcg(seed) % 5 {
        s += &format!(
            "【一般项目】患者，{}，{}岁。【病史特点】主诉：{}{}天。既往有高血压病史{}年。\
             【诊疗经过】入院后查{}，予对症支持治疗。【出院情况】患者一般情况可，{}。\n",
            pick(seed, &["男", "女"]),
            20 + lcg(seed) % 70,
            pick(seed, &complaints),
            1 + lcg(seed) % 30,
            1 + lcg(seed) % 20,
            pick(seed, &exams),
            pick(seed, &["病情好转出院", "症状缓解", "无不适主诉"]),
        );
    }
    s
}

fn records(kind: Language, count: usize, seed: u64) -> Vec<String> {
    let mut seed = seed;
    (0..count)
        .map(|_| match kind {
            Language::English => english_record(&mut seed),
            Language::Chinese => chinese_record(&mut seed, false),
            Language::Mixed => chinese_record(&mut seed, true),
        })
        .collect()
}

fn trained_bytes(kind: Language, options: TrainOptions) -> Vec<u8> {
    let training = records(kind, 300, 1);
    let samples: Vec<&[u8]> = training.iter().map(|s| s.as_bytes()).collect();
    train(&samples, &options).unwrap().bytes
}

fn trained(kind: Language, options: TrainOptions) -> Dictionary {
    Dictionary::from_bytes(&trained_bytes(kind, options)).unwrap()
}

fn small_options() -> TrainOptions {
    TrainOptions {
        size: Some(3000),
        max_bits: 14,
        ..Default::default()
    }
}

fn small(kind: Language) -> Dictionary {
    trained(kind, small_options())
}

/// The same phrases as a version-1 file (fixed-width codes): the code lengths dropped, as
/// the documented layout allows.
fn as_version_1(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(bytes[4], 2);
    let count = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
    let mut pos = 12;
    for _ in 0..count * 2 {
        medchain_lzw::container::read_varint(bytes, &mut pos).unwrap();
    }
    let mut v1 = bytes[..pos].to_vec();
    v1[4] = 1;
    v1
}

#[test]
fn training_is_deterministic_and_detects_the_language() {
    for kind in [Language::English, Language::Chinese, Language::Mixed] {
        let training = records(kind, 120, 5);
        let samples: Vec<&[u8]> = training.iter().map(|s| s.as_bytes()).collect();
        let options = TrainOptions {
            size: Some(2000),
            max_bits: 14,
            ..Default::default()
        };
        let a = train(&samples, &options).unwrap();
        let b = train(&samples, &options).unwrap();
        assert_eq!(a.bytes, b.bytes, "{kind:?}");
        assert_eq!(a.dictionary.id(), dictionary_id(&a.bytes));
        assert_eq!(a.dictionary.language(), kind);
        let method = if kind == Language::English {
            Method::Bytes
        } else {
            Method::Hanzi
        };
        assert_eq!(a.dictionary.method(), method);
        assert!(
            a.report.phrases <= 2000 && a.report.phrases > 100,
            "{:?}",
            a.report
        );
        let loaded = Dictionary::from_bytes(&a.bytes).unwrap();
        assert_eq!(loaded.id(), a.dictionary.id());
        assert_eq!(loaded.len(), a.dictionary.len());
    }
}

/// Held-out records of the same kind compress much better with the dictionary, and
/// `compress_with` is never larger than without it.
#[test]
fn held_out_records_gain_and_never_lose() {
    for kind in [Language::English, Language::Chinese, Language::Mixed] {
        let dictionary = small(kind);
        let (mut plain, mut primed) = (0, 0);
        for record in records(kind, 60, 99) {
            let options = Options::default();
            let without = compress(record.as_bytes(), &options).unwrap();
            let with = compress_with(record.as_bytes(), &options, Some(&dictionary)).unwrap();
            assert!(with.len() <= without.len());
            assert_eq!(
                decompress_with(&with, &[&dictionary], LIMIT).unwrap(),
                record.as_bytes()
            );
            plain += without.len();
            primed += with.len();
        }
        assert!(primed * 10 < plain * 6, "{kind:?}: {primed} vs {plain}");
    }
    // A dictionary of another language still never makes a record larger.
    let english = small(Language::English);
    for record in records(Language::Chinese, 20, 3) {
        let without = compress(record.as_bytes(), &Options::default()).unwrap();
        let with = compress_with(record.as_bytes(), &Options::default(), Some(&english)).unwrap();
        assert!(with.len() <= without.len());
    }
}

/// Records made with a version-1 dictionary (fixed-width codes) still decode, and the
/// Huffman-coded version 2 of the same phrases makes held-out records smaller.
#[test]
fn version_1_dictionaries_still_decode_and_version_2_is_smaller() {
    for kind in [Language::English, Language::Chinese, Language::Mixed] {
        let v2_bytes = trained_bytes(kind, small_options());
        let v2 = Dictionary::from_bytes(&v2_bytes).unwrap();
        let v1 = Dictionary::from_bytes(&as_version_1(&v2_bytes)).unwrap();
        assert!(v2.is_huffman() && !v1.is_huffman());
        assert_eq!(v1.len(), v2.len());
        assert_ne!(v1.id(), v2.id());
        let (mut fixed, mut huffman) = (0, 0);
        for record in records(kind, 60, 77) {
            let old = compress_primed(record.as_bytes(), TextEncoding::Utf8, &v1);
            let new = compress_primed(record.as_bytes(), TextEncoding::Utf8, &v2);
            assert_eq!(
                decompress_with(&old, &[&v2, &v1], LIMIT).unwrap(),
                record.as_bytes()
            );
            assert_eq!(
                decompress_with(&new, &[&v1, &v2], LIMIT).unwrap(),
                record.as_bytes()
            );
            // Each record names its own file.
            assert_eq!(
                decompress_with(&old, &[&v2], LIMIT),
                Err(Error::WrongDictionary {
                    needed: v1.id(),
                    given: 1
                })
            );
            fixed += old.len();
            huffman += new.len();
        }
        assert!(huffman * 100 < fixed * 95, "{kind:?}: {huffman} vs {fixed}");
    }
}

/// GBK text is compressed with the same dictionary: its phrases are rendered in GBK.
#[test]
fn gbk_text_uses_the_same_dictionary() {
    let dictionary = small(Language::Chinese);
    let mut seed = 3u64;
    for _ in 0..20 {
        let (mut gbk, mut utf8) = (Vec::new(), Vec::new());
        for _ in 0..200 {
            let i = lcg(&mut seed) % dictionary.len();
            gbk.extend_from_slice(dictionary.phrase(i, TextEncoding::Gbk).unwrap());
            utf8.extend_from_slice(dictionary.phrase(i, TextEncoding::Utf8).unwrap());
        }
        let packed = compress_primed(&gbk, TextEncoding::Gbk, &dictionary);
        let header = read_header(&packed).unwrap();
        assert_eq!(header.encoding, TextEncoding::Gbk);
        assert_eq!(header.dictionary, Some(dictionary.id()));
        assert_eq!(
            decompress_with(&packed, &[&dictionary], LIMIT).unwrap(),
            gbk
        );
        // The same phrases in either encoding: the same codes, so the same body.
        let other = compress_primed(&utf8, TextEncoding::Utf8, &dictionary);
        assert_eq!(packed[8..40], other[8..40]);
        assert!(
            packed.len().abs_diff(other.len()) <= 4,
            "{} vs {}",
            packed.len(),
            other.len()
        );
    }
}

#[test]
fn missing_wrong_and_changed_dictionaries_are_named() {
    let dictionary = small(Language::English);
    let other = small(Language::Chinese);
    let record = records(Language::English, 1, 11).pop().unwrap();
    let packed = compress_primed(record.as_bytes(), TextEncoding::Utf8, &dictionary);
    let id = dictionary.id();
    assert_eq!(decompress(&packed), Err(Error::MissingDictionary(id)));
    assert_eq!(
        decompress_with(&packed, &[], LIMIT),
        Err(Error::MissingDictionary(id))
    );
    assert_eq!(
        decompress_with(&packed, &[&other], LIMIT),
        Err(Error::WrongDictionary {
            needed: id,
            given: 1
        })
    );
    assert_eq!(
        decompress_with(&packed, &[&other, &dictionary], LIMIT).unwrap(),
        record.as_bytes()
    );
    let message = Error::WrongDictionary {
        needed: id,
        given: 1,
    }
    .to_string();
    assert!(message.contains(&medchain_lzw::hex32(&id)), "{message}");

    // A changed file is a different dictionary (its id is the hash of its bytes) or no
    // dictionary at all; it never decodes the record into other text.
    let training = records(Language::English, 300, 1);
    let samples: Vec<&[u8]> = training.iter().map(|s| s.as_bytes()).collect();
    let bytes = train(
        &samples,
        &TrainOptions {
            size: Some(3000),
            max_bits: 14,
            ..Default::default()
        },
    )
    .unwrap()
    .bytes;
    assert_eq!(dictionary_id(&bytes), id);
    for at in (0..bytes.len()).step_by(97) {
        let mut changed = bytes.clone();
        changed[at] ^= 0x40;
        match Dictionary::from_bytes(&changed) {
            Err(Error::BadDictionary(_)) => {}
            Ok(changed) => {
                assert_ne!(changed.id(), id);
                assert_eq!(
                    decompress_with(&packed, &[&changed], LIMIT),
                    Err(Error::WrongDictionary {
                        needed: id,
                        given: 1
                    })
                );
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
}

/// Damaged primed containers give an error, never a panic and never other text.
#[test]
fn damaged_primed_containers_are_refused() {
    let dictionary = small(Language::Mixed);
    let record = records(Language::Mixed, 1, 13).pop().unwrap();
    let packed = compress_primed(record.as_bytes(), TextEncoding::Utf8, &dictionary);
    for cut in 0..packed.len() {
        assert!(
            decompress_with(&packed[..cut], &[&dictionary], LIMIT).is_err(),
            "cut {cut}"
        );
    }
    let mut seed = 5u64;
    for _ in 0..3000 {
        let mut damaged = packed.clone();
        let at = 40 + lcg(&mut seed) % (damaged.len() - 40);
        damaged[at] ^= 1 << (lcg(&mut seed) % 8);
        if let Ok(text) = decompress_with(&damaged, &[&dictionary], LIMIT) {
            assert_eq!(text, record.as_bytes());
        }
    }
    // Header fields that must agree with the dictionary.
    let mut bits = packed.clone();
    bits[7] += 1;
    assert_eq!(
        decompress_with(&bits, &[&dictionary], LIMIT),
        Err(Error::BadMaxBits(bits[7]))
    );
    let mut method = packed.clone();
    method[5] = Method::Bytes as u8;
    assert!(matches!(
        decompress_with(&method, &[&dictionary], LIMIT),
        Err(Error::BadFlags(_))
    ));
    let mut prune = packed.clone();
    prune[6] |= 4;
    assert!(matches!(
        decompress_with(&prune, &[&dictionary], LIMIT),
        Err(Error::BadFlags(_))
    ));
    // The output limit holds before anything is decoded.
    assert_eq!(
        decompress_with(&packed, &[&dictionary], record.len() - 1),
        Err(Error::TooLarge)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes round-trip with a dictionary, in both text encodings.
    #[test]
    fn any_bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..3000), gbk in any::<bool>()) {
        let dictionaries = dictionaries();
        let encoding = if gbk { TextEncoding::Gbk } else { TextEncoding::Utf8 };
        for dictionary in dictionaries {
            let packed = compress_primed(&data, encoding, dictionary);
            prop_assert_eq!(decompress_with(&packed, &[dictionary], LIMIT).unwrap(), data.clone());
        }
    }

    /// Text made of the dictionaries' own phrases (the case that exercises code reuse
    /// and the phrase being defined) round-trips.
    #[test]
    fn phrase_soup_round_trips(picks in proptest::collection::vec(any::<u16>(), 0..400)) {
        for dictionary in dictionaries() {
            let mut text = Vec::new();
            for p in &picks {
                text.extend_from_slice(dictionary.phrase(*p as usize % dictionary.len(), TextEncoding::Utf8).unwrap());
            }
            let packed = compress_primed(&text, TextEncoding::Utf8, dictionary);
            prop_assert_eq!(decompress_with(&packed, &[dictionary], LIMIT).unwrap(), text);
        }
    }

    /// Random bodies behind a valid primed header never panic.
    #[test]
    fn random_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600), len in 0u64..5000) {
        for dictionary in dictionaries() {
            let mut data = compress_primed(b"", TextEncoding::Utf8, dictionary)[..40].to_vec();
            medchain_lzw::container::write_varint(&mut data, len);
            data.extend_from_slice(&[0, 0, 0, 0]);
            data.extend_from_slice(&body);
            let _ = decompress_with(&data, &[dictionary], LIMIT);
        }
    }
}

fn dictionaries() -> &'static [Dictionary] {
    static CELL: std::sync::OnceLock<Vec<Dictionary>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        vec![
            small(Language::English),
            small(Language::Chinese),
            // Fixed-width codes (version 1).
            Dictionary::from_bytes(&as_version_1(&trained_bytes(
                Language::Chinese,
                small_options(),
            )))
            .unwrap(),
            // A tiny code space that fills up within a record.
            trained(
                Language::Mixed,
                TrainOptions {
                    size: Some(600),
                    max_bits: 13,
                    ..Default::default()
                },
            ),
        ]
    })
}
