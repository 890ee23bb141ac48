//! The LZW engine shared by every mode: encoder over a [`Tokenizer`], decoder over an
//! [`Alphabet`].
//!
//! Code space of one body: `0..ROOTS` are the roots, `ROOTS` is CLEAR (the encoder
//! dropped its dictionary), `ROOTS + 1` is END, phrases start at `ROOTS + 2` and stop at
//! `2^max_bits`. Codes are written with phased-in widths for the number of values the
//! decoder can tell apart at that point (see `bits.rs`), which both sides track the same
//! way: `n = min(phrases_known + (1 if a previous code is pending), 2^max_bits)`.
//!
//! The decoder keeps each phrase as (position, length) of its first occurrence in the
//! output, so decoding a code is one copy and memory is 8 bytes per phrase.

use alloc::vec::Vec;

use crate::{
    alphabet::{Alphabet, Tokenizer},
    bits::{BitReader, BitWriter},
    Error, FullPolicy,
};

/// Largest output an LZW body may have: phrase lengths are kept in 30 bits.
pub const MAX_BODY_LEN: usize = (1 << 30) - 1;

/// With [`FullPolicy::AdaptiveReset`], how much input passes between two looks at the
/// ratio once the dictionary is full (Unix `compress` uses 10 000).
const CHECK_GAP: usize = 8 * 1024;

const EMPTY: u64 = u64::MAX;

/// Open-addressing map (prefix code, unit) → phrase code, at most half full.
pub(crate) struct PhraseTable {
    slots: Vec<u64>,
    mask: usize,
    shift: u32,
}

impl PhraseTable {
    pub(crate) fn with_capacity(phrases: usize) -> Self {
        let bits = (usize::BITS - (phrases.max(64) * 2 - 1).leading_zeros()).max(7);
        Self {
            slots: alloc::vec![EMPTY; 1 << bits],
            mask: (1 << bits) - 1,
            shift: 64 - bits,
        }
    }

    /// The phrase code for `key`, or the empty slot where it belongs. Keys are below
    /// 2^40, so an empty slot (all ones) never matches one: a hit costs one compare.
    #[inline(always)]
    pub(crate) fn find(&self, key: u64) -> Result<u32, usize> {
        let mut i = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        loop {
            let slot = self.slots[i & self.mask];
            if slot >> 24 == key {
                return Ok(slot as u32 & 0x00FF_FFFF);
            }
            if slot == EMPTY {
                return Err(i & self.mask);
            }
            i += 1;
        }
    }

    #[inline(always)]
    pub(crate) fn insert_at(&mut self, slot: usize, key: u64, code: u32) {
        self.slots[slot] = (key << 24) | code as u64;
    }

    fn clear(&mut self) {
        self.slots.fill(EMPTY);
    }

    /// Whether `phrases` entries would fill it beyond half.
    #[inline(always)]
    pub(crate) fn needs_room_for(&self, phrases: usize) -> bool {
        phrases * 2 > self.slots.len()
    }

    /// Doubles the table, keeping every entry (for tables that start small).
    #[cold]
    pub(crate) fn grow(&mut self) {
        let old = core::mem::take(&mut self.slots);
        *self = Self::with_capacity(old.len());
        for slot in old {
            if slot != EMPTY {
                if let Err(i) = self.find(slot >> 24) {
                    self.slots[i] = slot;
                }
            }
        }
    }
}

/// Bits needed for a unit of an alphabet with `roots` roots.
pub(crate) const fn unit_bits(roots: u32) -> u32 {
    32 - (roots - 1).leading_zeros()
}

/// Appends the LZW body of `input` to `out`. `max_bits` must leave room for at least
/// one phrase (checked by the caller).
pub fn encode<T: Tokenizer>(
    input: &[u8],
    mut tokenizer: T,
    max_bits: u32,
    policy: FullPolicy,
    out: &mut Vec<u8>,
) {
    let clear = T::ROOTS;
    let end = T::ROOTS + 1;
    let first = T::ROOTS + 2;
    let max = 1u32 << max_bits;
    let ubits = unit_bits(T::ROOTS);
    let mut writer = BitWriter::new(out);
    if input.is_empty() {
        writer.put_code(end, first);
        writer.finish();
        return;
    }

    let phrases = ((max - first) as usize).min(input.len());
    let mut table = PhraseTable::with_capacity(phrases);
    let mut next = first;
    let (mut current, mut pos) = tokenizer.next_unit(input, 0);
    let prune = policy == FullPolicy::Prune;
    // With `Prune`: the key of every phrase and whether it was sent since the last prune.
    let mut keys: Vec<u64> = Vec::new();
    let mut used: Vec<u8> = Vec::new();
    let mut plan = Vec::new();
    let spacing = prune_spacing(first, max);
    let mut since_prune = 0u32;

    // Adaptive reset: cumulative ratio since the last reset, checked every CHECK_GAP.
    let mut generation_start = (0usize, 0u64);
    let mut checkpoint = 0usize;
    let mut best_ratio = 0u64;

    while pos < input.len() {
        let (unit, len) = tokenizer.next_unit(input, pos);
        pos += len;
        let key = ((current as u64) << ubits) | unit as u64;
        match table.find(key) {
            Ok(code) => current = code,
            Err(slot) => {
                writer.put_code(current, next);
                let mut emitted = current;
                current = unit;
                if prune {
                    if emitted >= first {
                        used[(emitted - first) as usize] = 1;
                    }
                    since_prune += 1;
                    if next == max {
                        if since_prune < spacing {
                            continue;
                        }
                        since_prune = 0;
                        next = prune_encoder(
                            &mut table, &mut keys, &mut used, &mut plan, first, ubits,
                        );
                        emitted = renumbered(emitted, first, &plan);
                        if next == max {
                            continue;
                        }
                        let key = ((emitted as u64) << ubits) | unit as u64;
                        // Pruning only removes phrases, so `key` is still absent.
                        if let Err(slot) = table.find(key) {
                            table.insert_at(slot, key, next);
                            keys.push(key);
                            used.push(0);
                            next += 1;
                        }
                        continue;
                    }
                    keys.push(key);
                    used.push(0);
                }
                if next < max {
                    table.insert_at(slot, key, next);
                    next += 1;
                    if next == max {
                        checkpoint = pos + CHECK_GAP;
                        best_ratio = 0;
                    }
                    continue;
                }
                let reset = match policy {
                    FullPolicy::Freeze | FullPolicy::Prune => false,
                    FullPolicy::Reset => true,
                    FullPolicy::AdaptiveReset => {
                        if pos < checkpoint {
                            false
                        } else {
                            checkpoint = pos + CHECK_GAP;
                            let in_bits = ((pos - generation_start.0) as u64) << 16;
                            let out_bits = (writer.bits() - generation_start.1).max(1);
                            let ratio = in_bits / out_bits;
                            if ratio >= best_ratio {
                                best_ratio = ratio;
                                false
                            } else {
                                true
                            }
                        }
                    }
                };
                if reset {
                    writer.put_code(clear, next);
                    table.clear();
                    next = first;
                    generation_start = (pos - len, writer.bits());
                }
            }
        }
    }
    writer.put_code(current, next);
    if prune && next == max && since_prune + 1 >= spacing {
        // The decoder checks for a prune after every code; mirror it so END's width agrees.
        if current >= first {
            used[(current - first) as usize] = 1;
        }
        next = prune_encoder(&mut table, &mut keys, &mut used, &mut plan, first, ubits);
    }
    writer.put_code(end, (next + 1).min(max));
    writer.finish();
}

/// Codes that must be sent between two prunes (a dictionary's worth): in between, a full
/// dictionary is kept as it is. This bounds the cost of pruning to a small share of the
/// work while keeping most of its gain.
fn prune_spacing(first: u32, max: u32) -> u32 {
    max - first
}

/// First step of a prune: every phrase sent since the last prune is kept, and so is
/// every prefix of a kept phrase, so that the dictionary stays prefix-closed. Marks the
/// prefixes in `used` in place.
fn close_prefixes(used: &mut [u8], parent: impl Fn(usize) -> u32, first: u32) {
    // A phrase's prefix always has a smaller code, so one pass downwards closes the set.
    for i in (0..used.len()).rev() {
        if used[i] != 0 {
            if let Some(flag) = parent(i)
                .checked_sub(first)
                .and_then(|p| used.get_mut(p as usize))
            {
                *flag = 1;
            }
        }
    }
}

/// The new code of a kept phrase's prefix: roots keep theirs, phrases are looked up in
/// `plan` (filled in for every kept phrase before its children).
#[inline(always)]
fn renumbered(code: u32, first: u32, plan: &[u32]) -> u32 {
    match code.checked_sub(first) {
        Some(index) => plan.get(index as usize).copied().unwrap_or(code),
        None => code,
    }
}

/// Prunes the encoder's dictionary: kept phrases are renumbered in order and the hash
/// table is rebuilt with their new keys. Returns the next free code.
fn prune_encoder(
    table: &mut PhraseTable,
    keys: &mut Vec<u64>,
    used: &mut Vec<u8>,
    plan: &mut Vec<u32>,
    first: u32,
    ubits: u32,
) -> u32 {
    close_prefixes(used, |i| (keys[i] >> ubits) as u32, first);
    plan.clear();
    plan.resize(keys.len(), 0);
    table.clear();
    let unit_mask = (1u64 << ubits) - 1;
    let mut next = first;
    for i in 0..keys.len() {
        if used[i] == 0 {
            continue;
        }
        plan[i] = next;
        let parent = renumbered((keys[i] >> ubits) as u32, first, plan);
        let key = ((parent as u64) << ubits) | (keys[i] & unit_mask);
        if let Err(slot) = table.find(key) {
            table.insert_at(slot, key, next);
        }
        keys[(next - first) as usize] = key;
        next += 1;
    }
    keys.truncate((next - first) as usize);
    used.clear();
    used.resize(keys.len(), 0);
    next
}

#[inline(always)]
pub(crate) fn pack(pos: usize, len: usize, first_len: usize) -> u64 {
    ((pos as u64) << 32) | ((len as u64) << 2) | first_len as u64
}

#[inline(always)]
pub(crate) fn unpack(entry: u64) -> (usize, usize, usize) {
    (
        (entry >> 32) as usize,
        ((entry as u32) >> 2) as usize,
        (entry & 3) as usize,
    )
}

/// Spare bytes kept after the write position so that short phrases are copied with
/// fixed-size moves instead of a `memmove` call.
pub(crate) const SLACK: usize = 32;

/// The output being decoded: `buf[..w]` is written, `buf[w..]` is scratch. Grows as data
/// is really produced, never by what a header claims.
pub(crate) struct Output<'a> {
    pub(crate) buf: &'a mut Vec<u8>,
    pub(crate) w: usize,
    /// `buf.len()` may not grow beyond this (end of the expected output plus slack).
    pub(crate) cap: usize,
}

impl Output<'_> {
    /// Makes room for `len` more bytes plus the slack.
    #[inline(always)]
    pub(crate) fn room(&mut self, len: usize) {
        let need = self.w + len + SLACK;
        if need > self.buf.len() {
            self.grow(need);
        }
    }

    #[cold]
    fn grow(&mut self, need: usize) {
        let target = need
            .max(self.buf.len().saturating_mul(2))
            .max(4096)
            .min(self.cap.max(need));
        self.buf.resize(target, 0);
    }

    /// Appends `buf[src..src + len]` (which lies before the write position).
    #[inline(always)]
    pub(crate) fn copy_back(&mut self, src: usize, len: usize) {
        let w = self.w;
        if len <= 16 {
            let mut chunk = [0u8; 16];
            chunk.copy_from_slice(&self.buf[src..src + 16]);
            self.buf[w..w + 16].copy_from_slice(&chunk);
        } else if len <= SLACK {
            let mut chunk = [0u8; SLACK];
            chunk.copy_from_slice(&self.buf[src..src + SLACK]);
            self.buf[w..w + SLACK].copy_from_slice(&chunk);
        } else {
            self.buf.copy_within(src..src + len, w);
        }
        self.w = w + len;
    }

    #[inline(always)]
    pub(crate) fn push_root(&mut self, bytes: &[u8]) {
        let w = self.w;
        if let [b] = bytes {
            self.buf[w] = *b;
        } else {
            self.buf[w..w + bytes.len()].copy_from_slice(bytes);
        }
        self.w = w + bytes.len();
    }
}

/// Decodes an LZW body that must produce exactly `expected_len` bytes, appended to `out`.
/// `prune` tells that the encoder used [`FullPolicy::Prune`], which the decoder mirrors.
pub fn decode<A: Alphabet>(
    body: &[u8],
    max_bits: u32,
    prune: bool,
    expected_len: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    // Two instances, so that the bookkeeping of pruning costs nothing when it is off.
    if prune {
        decode_with::<A, true>(body, max_bits, expected_len, out)
    } else {
        decode_with::<A, false>(body, max_bits, expected_len, out)
    }
}

fn decode_with<A: Alphabet, const PRUNE: bool>(
    body: &[u8],
    max_bits: u32,
    expected_len: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let clear = A::ROOTS;
    let end = A::ROOTS + 1;
    let first = A::ROOTS + 2;
    let max = 1u32 << max_bits;
    if expected_len > MAX_BODY_LEN {
        return Err(Error::TooLarge);
    }
    // Phrase positions are relative to `base`, so `out` may already hold earlier frames.
    let base = out.len();
    let limit = base + expected_len;
    // Never trust the declared length for allocation: start from what the body could
    // plausibly produce and grow as output is really written.
    let initial = base + expected_len.min(body.len().saturating_mul(8)) + SLACK;
    if out.len() < initial {
        out.resize(initial, 0);
    }
    let mut output = Output {
        buf: out,
        w: base,
        cap: limit + SLACK,
    };
    let mut entries: Vec<u64> = Vec::with_capacity(((max - first) as usize).min(body.len()));
    let mut reader = BitReader::new(body);
    // (position, length, first unit length) of the previous string of this generation.
    let mut pending: Option<(usize, usize, usize)> = None;
    // With `prune`: each phrase's prefix code, whether it was read since the last prune,
    // and the code of the previous string.
    let prune_capacity = if PRUNE { entries.capacity() } else { 0 };
    let mut parents: Vec<u32> = Vec::with_capacity(prune_capacity);
    let mut used: Vec<u8> = Vec::with_capacity(prune_capacity);
    let mut plan = Vec::with_capacity(prune_capacity);
    let mut pending_code = 0u32;
    let spacing = prune_spacing(first, max);
    let mut since_prune = 0u32;

    let result = loop {
        let known = first + entries.len() as u32;
        let n = (known + pending.is_some() as u32).min(max);
        let code = match reader.read_code(n) {
            Ok(code) => code,
            Err(e) => break Err(e),
        };
        let start = output.w - base;
        let first_len = if code < clear {
            let bytes = A::root(code);
            if output.w + bytes.len() > limit {
                break Err(Error::LengthMismatch);
            }
            output.room(bytes.len());
            output.push_root(bytes);
            bytes.len()
        } else if code == clear {
            if PRUNE {
                // A pruning encoder never starts over.
                break Err(Error::InvalidCode);
            }
            entries.clear();
            parents.clear();
            used.clear();
            pending = None;
            continue;
        } else if code == end {
            break Ok(());
        } else if code < known {
            let (pos, len, first_len) = unpack(entries[(code - first) as usize]);
            if output.w + len > limit {
                break Err(Error::LengthMismatch);
            }
            output.room(len);
            output.copy_back(base + pos, len);
            first_len
        } else {
            // code == known: the phrase being defined right now (the "KwKwK" case),
            // i.e. the previous string followed by its own first unit.
            let Some((pos, len, first_len)) = pending else {
                break Err(Error::InvalidCode);
            };
            if output.w + len + first_len > limit {
                break Err(Error::LengthMismatch);
            }
            output.room(len + first_len);
            output.copy_back(base + pos, len);
            output.copy_back(base + pos, first_len);
            first_len
        };
        if let Some((pos, len, prev_first)) = pending {
            if known < max {
                entries.push(pack(pos, len + first_len, prev_first));
                if PRUNE {
                    parents.push(pending_code);
                    used.push(0);
                }
            }
        }
        pending = Some((start, output.w - base - start, first_len));
        if PRUNE {
            let mut code = code;
            if code >= first {
                used[(code - first) as usize] = 1;
            }
            since_prune += 1;
            if first + entries.len() as u32 == max && since_prune >= spacing {
                since_prune = 0;
                close_prefixes(&mut used, |i| parents[i], first);
                plan.clear();
                plan.resize(entries.len(), 0);
                let mut kept = 0;
                for i in 0..entries.len() {
                    if used[i] != 0 {
                        plan[i] = first + kept as u32;
                        parents[kept] = renumbered(parents[i], first, &plan);
                        entries[kept] = entries[i];
                        kept += 1;
                    }
                }
                entries.truncate(kept);
                parents.truncate(kept);
                used.clear();
                used.resize(kept, 0);
                // The code just read was used, so it was kept.
                code = renumbered(code, first, &plan);
            }
            pending_code = code;
        }
    };
    let written = output.w;
    out.truncate(written);
    result?;
    reader.finish()?;
    if out.len() != limit {
        return Err(Error::LengthMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alphabet::{Bytes, HanziGbk, HanziUtf8};

    fn round_trip<T: Tokenizer + Default, A: Alphabet>(
        input: &[u8],
        bits: u32,
        policy: FullPolicy,
    ) {
        let mut body = Vec::new();
        encode(input, T::default(), bits, policy, &mut body);
        let mut out = Vec::new();
        decode::<A>(
            &body,
            bits,
            policy == FullPolicy::Prune,
            input.len(),
            &mut out,
        )
        .unwrap();
        assert_eq!(out, input);
    }

    #[test]
    fn classic_examples() {
        for policy in [
            FullPolicy::Freeze,
            FullPolicy::Reset,
            FullPolicy::AdaptiveReset,
            FullPolicy::Prune,
        ] {
            for input in [
                &b""[..],
                b"a",
                b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                b"TOBEORNOTTOBEORTOBEORNOT#",
                b"abababababababababababab",
            ] {
                round_trip::<Bytes, Bytes>(input, 9, policy);
                round_trip::<Bytes, Bytes>(input, 16, policy);
            }
        }
    }

    #[test]
    fn dictionary_fills_many_times() {
        let mut input = Vec::new();
        let mut x = 12345u32;
        for _ in 0..200_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            input.push(b"abcdefgh"[(x >> 16) as usize % 8]);
        }
        for policy in [
            FullPolicy::Freeze,
            FullPolicy::Reset,
            FullPolicy::AdaptiveReset,
            FullPolicy::Prune,
        ] {
            round_trip::<Bytes, Bytes>(&input, 9, policy);
            round_trip::<Bytes, Bytes>(&input, 12, policy);
        }
    }

    #[test]
    fn hanzi_round_trip() {
        let text = "患者，男，45岁。主诉：反复胸痛3天，伴气短。查体：BP 130/80 mmHg，HR 88次/分。"
            .repeat(50);
        for policy in [
            FullPolicy::Freeze,
            FullPolicy::Reset,
            FullPolicy::AdaptiveReset,
            FullPolicy::Prune,
        ] {
            round_trip::<HanziUtf8, HanziUtf8>(text.as_bytes(), 13, policy);
            round_trip::<HanziUtf8, HanziUtf8>(text.as_bytes(), 16, policy);
        }
        let gbk = [
            0xB0u8, 0xA1, 0x81, 0x40, 0xB0, 0xA1, 0xB0, 0xA1, 0xB0, 0xA1, b'x',
        ];
        round_trip::<HanziGbk, HanziGbk>(&gbk, 16, FullPolicy::AdaptiveReset);
    }

    #[test]
    fn wrong_length_is_refused() {
        let mut body = Vec::new();
        encode(
            b"hello hello hello",
            Bytes,
            16,
            FullPolicy::Freeze,
            &mut body,
        );
        let mut out = Vec::new();
        assert_eq!(
            decode::<Bytes>(&body, 16, false, 5, &mut out),
            Err(Error::LengthMismatch)
        );
        out.clear();
        assert_eq!(
            decode::<Bytes>(&body, 16, false, 50, &mut out),
            Err(Error::LengthMismatch)
        );
    }
}
