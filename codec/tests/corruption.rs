//! Hostile input: truncations, bit flips and lying headers give an `Err`, never a panic
//! and never wrong data.

use medchain_lzw::{
    compress, container, decompress, decompress_with_limit, stream, Error, Mode, Options,
    TextEncoding,
};

fn sample(mode: Mode) -> (Vec<u8>, Vec<u8>) {
    let text = "入院记录：患者女，62岁，咳嗽咳痰2周，发热3天，T 38.6℃，WBC 12.3×10^9/L。\
                CT: right lower lobe consolidation. 诊断：社区获得性肺炎。\n"
        .repeat(40);
    let packed = compress(
        text.as_bytes(),
        &Options {
            mode,
            ..Options::default()
        },
    )
    .unwrap();
    (text.into_bytes(), packed)
}

fn framed(text: &[u8]) -> Vec<u8> {
    let mut packed = Vec::new();
    let mut c = stream::Compressor::with_frame_size(Options::default(), 1024).unwrap();
    c.write(text, &mut packed).unwrap();
    c.finish(&mut packed).unwrap();
    packed
}

#[test]
fn every_truncation_fails() {
    for mode in [Mode::Bytes, Mode::Hanzi, Mode::PaperMixed] {
        let (text, packed) = sample(mode);
        for cut in 0..packed.len() {
            assert!(
                decompress(&packed[..cut]).is_err(),
                "{mode:?}: cut at {cut} of {}",
                packed.len()
            );
        }
        let framed = framed(&text);
        for cut in 0..framed.len() {
            assert!(
                decompress(&framed[..cut]).is_err(),
                "framed: cut at {cut} of {}",
                framed.len()
            );
        }
    }
}

/// A flip gives an error, or (for the few header bits that do not change how this body
/// decodes: the GBK flag of a bytes body, the prune flag or a wider `max_bits` while the
/// dictionary never fills, also in frame headers) exactly the original; never other data.
#[test]
fn bit_flips_never_give_wrong_data() {
    for mode in [Mode::Bytes, Mode::Hanzi, Mode::PaperMixed] {
        let (text, packed) = sample(mode);
        let framed = framed(&text);
        for data in [packed, framed] {
            let (mut errors, mut harmless) = (0, 0);
            for bit in 0..data.len() * 8 {
                let mut bad = data.clone();
                bad[bit / 8] ^= 1 << (bit % 8);
                match decompress(&bad) {
                    Err(_) => errors += 1,
                    Ok(out) => {
                        assert_eq!(out, text, "{mode:?}: flip of bit {bit} gave other data");
                        harmless += 1;
                    }
                }
            }
            assert!(
                harmless * 100 < errors,
                "{mode:?}: {harmless} harmless flips, {errors} errors"
            );
        }
    }
}

#[test]
fn lying_headers_are_refused_without_allocating() {
    let mut header = Vec::new();
    container::write_header(
        &mut header,
        medchain_lzw::Method::Bytes,
        TextEncoding::Utf8,
        16,
        true,
        None,
        Some((4 << 30, 0)),
    );
    header.extend_from_slice(&[0x55; 16]);
    // 4 GiB is above the one-shot maximum and any sane limit.
    assert_eq!(decompress(&header), Err(Error::TooLarge));
    assert_eq!(
        decompress_with_limit(&header, usize::MAX),
        Err(Error::TooLarge)
    );
    let mut d = stream::Decompressor::with_limit(1 << 20);
    assert_eq!(d.write(&header, &mut Vec::new()), Err(Error::TooLarge));
}

#[test]
fn garbage_is_refused() {
    assert_eq!(decompress(b""), Err(Error::Truncated));
    assert_eq!(decompress(b"%PDF-1.7"), Err(Error::BadMagic));
    let (_, mut packed) = sample(Mode::Hanzi);
    packed.push(0);
    assert_eq!(decompress(&packed), Err(Error::TrailingData));
    let mut x = 1u32;
    for len in 0..2000 {
        let mut junk = b"MLZW\x01".to_vec();
        for _ in 0..len {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            junk.push((x >> 16) as u8);
        }
        let _ = decompress(&junk);
    }
}

/// A paper-mixed body whose run list claims far more than the original cannot make the
/// decoder produce (or allocate) it: the run list is bounded by the original's length.
#[test]
fn paper_mixed_run_list_is_bounded() {
    let text = "肺炎 pneumonia 复查 CT。".repeat(50);
    let options = Options {
        mode: Mode::PaperMixed,
        ..Options::default()
    };
    let packed = compress(text.as_bytes(), &options).unwrap();
    let header = medchain_lzw::read_header(&packed).unwrap();
    let body = &packed[header.header_len..];
    let mut pos = 0;
    let _runs_len = container::read_varint(body, &mut pos).unwrap();
    let mut lying = packed[..header.header_len].to_vec();
    container::write_varint(&mut lying, 5 * text.len() as u64);
    lying.extend_from_slice(&body[pos..]);
    assert_eq!(decompress(&lying), Err(Error::LengthMismatch));
}

/// A compressed body as long as its original is not something the compressor writes.
#[test]
fn non_canonical_bodies_are_refused() {
    let text = b"abcdefgh";
    let mut body = Vec::new();
    let mut header = Vec::new();
    // Bytes-mode codes for "abcdefgh" take more than 8 bytes; pad the claim to match.
    let packed = compress(
        &text.repeat(40),
        &Options {
            mode: Mode::Bytes,
            ..Options::default()
        },
    )
    .unwrap();
    let h = medchain_lzw::read_header(&packed).unwrap();
    body.extend_from_slice(&packed[h.header_len..]);
    let crc = medchain_lzw::checksum(&text.repeat(40));
    container::write_header(
        &mut header,
        medchain_lzw::Method::Bytes,
        TextEncoding::Utf8,
        16,
        h.prune,
        None,
        Some((body.len() as u64, crc)),
    );
    header.extend_from_slice(&body);
    assert_eq!(decompress(&header), Err(Error::BadLength));
}

/// Decodes `data` streamed in `chunk`-byte pieces; the first error, and the output so far.
fn streamed(data: &[u8], chunk: usize) -> (Result<Vec<u8>, Error>, usize) {
    let mut d = stream::Decompressor::with_limit(1 << 20);
    let mut out = Vec::new();
    for piece in data.chunks(chunk) {
        if let Err(e) = d.write(piece, &mut out) {
            // A failed stream stays failed.
            assert_eq!(d.write(b"more", &mut Vec::new()), Err(Error::StreamClosed));
            return (Err(e), out.len());
        }
    }
    let result = d.finish(&mut out).map(|()| out.clone());
    (result, out.len())
}

/// `data` with the dictionary flag set and `id` inserted after the fixed header, as a
/// container made with a primed dictionary looks.
fn naming_dictionary(data: &[u8], id: &[u8; 32]) -> Vec<u8> {
    let mut named = data[..8].to_vec();
    named[6] |= 2;
    named.extend_from_slice(id);
    named.extend_from_slice(&data[8..]);
    named
}

/// Without dictionaries (`decompress` and the streaming decoder take none), a container
/// that names one — any id, the all-zero one too — is refused with the id it names,
/// one-shot and streamed, before a byte of its body is decoded. `tests/dictionary.rs`
/// covers supplying the right one, a wrong one and a changed file.
#[test]
fn a_container_naming_a_dictionary_is_refused_with_its_id() {
    let (text, packed) = sample(Mode::Hanzi);
    let framed = framed(&text);
    let mut x = 7u32;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let stored = compress(&noise, &Options::default()).unwrap();
    assert_eq!(
        medchain_lzw::read_header(&stored).unwrap().method,
        medchain_lzw::Method::Stored
    );
    for id in [[0xAB; 32], [0; 32], *b"a dictionary nobody ever primed."] {
        for data in [&packed, &framed, &stored] {
            let named = naming_dictionary(data, &id);
            assert_eq!(
                medchain_lzw::read_header(&named).unwrap().dictionary,
                Some(id)
            );
            assert_eq!(decompress(&named), Err(Error::MissingDictionary(id)));
            for chunk in [1, 7, named.len()] {
                assert_eq!(
                    streamed(&named, chunk),
                    (Err(Error::MissingDictionary(id)), 0),
                    "chunks of {chunk}"
                );
            }
            // Cut inside the id, the container is truncated.
            for cut in 8..40 {
                assert_eq!(
                    decompress(&named[..cut]),
                    Err(Error::Truncated),
                    "cut {cut}"
                );
                assert_eq!(
                    streamed(&named[..cut], 3).0,
                    Err(Error::Truncated),
                    "cut {cut}"
                );
            }
        }
    }
    let message = Error::MissingDictionary([0xAB; 32]).to_string();
    assert!(message.contains(&"ab".repeat(32)), "{message}");
}

/// Every value of every fixed header byte: the original, or the error that names what
/// is wrong with that byte — never other data, never a panic.
#[test]
fn every_header_byte_value_gives_the_original_or_a_named_error() {
    for mode in [Mode::Bytes, Mode::Hanzi, Mode::PaperMixed] {
        let (text, packed) = sample(mode);
        for at in 4..8 {
            for value in 0..=255u8 {
                let mut bad = packed.clone();
                bad[at] = value;
                let result = decompress(&bad);
                if let Ok(out) = &result {
                    assert_eq!(out, &text, "{mode:?}: byte {at} = {value} gave other data");
                    continue;
                }
                let error = result.unwrap_err();
                match at {
                    4 => assert_eq!(error, Error::UnsupportedVersion(value)),
                    5 if value > 4 => assert_eq!(error, Error::UnknownMethod(value)),
                    6 if value & !7 != 0 => assert_eq!(error, Error::BadFlags(value)),
                    6 if value & 2 != 0 => {
                        assert!(matches!(error, Error::MissingDictionary(_)), "{error:?}")
                    }
                    7 if !(9..=20).contains(&value) => assert_eq!(error, Error::BadMaxBits(value)),
                    _ => {}
                }
                // The streaming decoder agrees.
                assert_eq!(
                    streamed(&bad, 64).0,
                    Err(error),
                    "{mode:?}: byte {at} = {value}"
                );
            }
        }
    }
}
