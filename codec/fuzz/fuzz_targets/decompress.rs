//! Decompressing arbitrary bytes must return `Ok` or `Err`, never panic, hang or
//! allocate beyond the limit. When it does succeed, re-compressing the output must
//! round-trip (the decoder accepted a container, so its content is well defined).
#![no_main]

use libfuzzer_sys::fuzz_target;
use medchain_lzw::{compress, decompress, decompress_with_limit, stream::Decompressor, Options};

const LIMIT: usize = 16 << 20;

fuzz_target!(|data: &[u8]| {
    let one_shot = decompress_with_limit(data, LIMIT);
    // The streaming decoder, fed in two pieces, must agree with the one-shot one.
    let mut streamed = Vec::new();
    let mut decoder = Decompressor::with_limit(LIMIT);
    let split = data.len() / 2;
    let result = decoder
        .write(&data[..split], &mut streamed)
        .and_then(|()| decoder.write(&data[split..], &mut streamed))
        .and_then(|()| decoder.finish(&mut streamed));
    assert_eq!(one_shot.is_ok(), result.is_ok());
    if let Ok(original) = one_shot {
        assert_eq!(original, streamed);
        let again = compress(&original, &Options::default()).expect("compress");
        assert_eq!(decompress(&again).expect("round trip"), original);
    }
});
