//! The paper's mixed method: Chinese characters and everything else are compressed as two
//! separate streams, plus the run lengths that restore their order.
//!
//! Body layout: `runs_len` (varint, bytes of the run list), `runs_body_len` (varint),
//! the run list compressed as bytes, `zh_body_len` (varint), the Chinese stream
//! compressed as hanzi, then the other stream compressed as bytes up to the end.
//! The run list is LEB128 lengths in bytes, alternating other, Chinese, other, …,
//! starting with a (possibly empty) run of other text.
//!
//! Kept to compare with the paper; `hanzi` on the whole text does better (see README).
//! Decoding holds the run list and both streams besides the output: about three times
//! the original's size at most.

use alloc::vec::Vec;

use crate::{
    alphabet::{is_hanzi_unit, Alphabet, Bytes, Tokenizer},
    container::{read_varint, write_varint},
    lzw, Error, FullPolicy,
};

pub fn encode<T: Tokenizer + Default>(
    input: &[u8],
    max_bits: u32,
    policy: FullPolicy,
    out: &mut Vec<u8>,
) {
    let mut zh = Vec::with_capacity(input.len());
    let mut other = Vec::with_capacity(input.len() / 4);
    let mut runs = Vec::new();
    let mut tokenizer = T::default();
    let (mut in_zh, mut run) = (false, 0u64);
    let mut pos = 0;
    while pos < input.len() {
        let (unit, len) = tokenizer.next_unit(input, pos);
        let bytes = &input[pos..pos + len];
        pos += len;
        let is_zh = is_hanzi_unit(unit);
        if is_zh != in_zh {
            write_varint(&mut runs, run);
            in_zh = is_zh;
            run = 0;
        }
        run += len as u64;
        if is_zh {
            zh.extend_from_slice(bytes)
        } else {
            other.extend_from_slice(bytes)
        }
    }
    write_varint(&mut runs, run);

    let mut runs_body = Vec::new();
    lzw::encode(&runs, Bytes, max_bits, policy, &mut runs_body);
    let mut zh_body = Vec::new();
    lzw::encode(&zh, T::default(), max_bits, policy, &mut zh_body);
    write_varint(out, runs.len() as u64);
    write_varint(out, runs_body.len() as u64);
    out.extend_from_slice(&runs_body);
    write_varint(out, zh_body.len() as u64);
    out.extend_from_slice(&zh_body);
    lzw::encode(&other, Bytes, max_bits, policy, out);
}

/// Reads a length field that must fit in what is left of `body`.
fn read_section_len(body: &[u8], pos: &mut usize) -> Result<usize, Error> {
    let len = read_varint(body, pos)?;
    if len > (body.len() - *pos) as u64 {
        return Err(Error::Truncated);
    }
    Ok(len as usize)
}

pub fn decode<A: Alphabet>(
    body: &[u8],
    max_bits: u32,
    prune: bool,
    expected_len: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let mut pos = 0;
    let runs_len = read_varint(body, &mut pos)?;
    // Only the first run may be empty, and a run of r >= 1 bytes takes at most r bytes
    // as a varint, so the run list is never longer than the original plus one.
    if runs_len > expected_len as u64 + 1 {
        return Err(Error::LengthMismatch);
    }
    let runs_body_len = read_section_len(body, &mut pos)?;
    let mut runs = Vec::new();
    lzw::decode::<Bytes>(
        &body[pos..pos + runs_body_len],
        max_bits,
        prune,
        runs_len as usize,
        &mut runs,
    )?;
    pos += runs_body_len;
    let zh_body_len = read_section_len(body, &mut pos)?;
    let zh_body = &body[pos..pos + zh_body_len];
    let other_body = &body[pos + zh_body_len..];

    let (mut zh_total, mut other_total, mut run_pos, mut index) = (0u64, 0u64, 0, 0usize);
    while run_pos < runs.len() {
        let run = read_varint(&runs, &mut run_pos)?;
        if run == 0 && index > 0 {
            return Err(Error::LengthMismatch);
        }
        let total = if index % 2 == 0 {
            &mut other_total
        } else {
            &mut zh_total
        };
        *total = total.saturating_add(run);
        index += 1;
    }
    if zh_total.checked_add(other_total) != Some(expected_len as u64) {
        return Err(Error::LengthMismatch);
    }
    let mut zh = Vec::new();
    lzw::decode::<A>(zh_body, max_bits, prune, zh_total as usize, &mut zh)?;
    let mut other = Vec::new();
    lzw::decode::<Bytes>(
        other_body,
        max_bits,
        prune,
        other_total as usize,
        &mut other,
    )?;

    out.reserve(expected_len);
    let (mut zh_at, mut other_at, mut run_pos, mut index) = (0usize, 0usize, 0, 0usize);
    while run_pos < runs.len() {
        let run = read_varint(&runs, &mut run_pos)? as usize;
        let (source, at) = if index % 2 == 0 {
            (&other, &mut other_at)
        } else {
            (&zh, &mut zh_at)
        };
        out.extend_from_slice(&source[*at..*at + run]);
        *at += run;
        index += 1;
    }
    Ok(())
}
