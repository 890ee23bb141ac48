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
        let mut i = self.home_index(key);
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

    /// What the home slot of `key` holds, for [`Self::find_from`]: looking up several
    /// keys in two passes, all home slots first, lets the CPU fetch them in parallel
    /// instead of one after another.
    #[inline(always)]
    pub(crate) fn home(&self, key: u64) -> u64 {
        self.slots[self.home_index(key) & self.mask]
    }

    /// Where probing for `key` starts (before masking).
    #[inline(always)]
    fn home_index(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// [`Self::find`] given what [`Self::home`] returned for `key`.
    #[inline(always)]
    pub(crate) fn find_from(&self, key: u64, content: u64) -> Option<u32> {
        if content >> 24 == key {
            return Some(content as u32 & 0x00FF_FFFF);
        }
        if content == EMPTY {
            return None;
        }
        self.find(key).ok()
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
    // With `Prune`: the key of every phrase, and which codes were sent lately.
    let mut keys: Vec<u64> = Vec::new();
    let codes = (first as usize + input.len()).min(max as usize) as u32;
    let mut pruning = Pruning::new(first, if prune { codes } else { 0 });

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
                    pruning.mark(emitted);
                    if next == max {
                        if !pruning.due(max) {
                            continue;
                        }
                        next = prune_encoder(&mut table, &mut keys, &mut pruning, ubits);
                        emitted = pruning.renumbered(emitted);
                        if next == max {
                            continue;
                        }
                        let key = ((emitted as u64) << ubits) | unit as u64;
                        // Pruning only removes phrases, so `key` is still absent.
                        if let Err(slot) = table.find(key) {
                            table.insert_at(slot, key, next);
                            keys.push(key);
                            next += 1;
                        }
                        continue;
                    }
                    keys.push(key);
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
    if prune {
        // The decoder checks for a prune after every code; mirror it so END's width agrees.
        pruning.mark(current);
        if next == max && pruning.due(max) {
            next = prune_encoder(&mut table, &mut keys, &mut pruning, ubits);
        }
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

/// The bookkeeping of [`FullPolicy::Prune`], one implementation for both sides: which
/// codes were sent (read) since the last prune, and how a prune renumbers them.
///
/// A prune keeps every phrase sent since the last one and every prefix of a kept phrase
/// (so the dictionary stays prefix-closed), and renumbers the kept phrases in order.
/// Both passes are branch-free: every slot is visited and written, and the count of
/// kept phrases advances by the flag, so the CPU has no data-dependent branch to guess.
struct Pruning {
    first: u32,
    /// By code, roots included: sent since the last prune. Sized by what the input can
    /// reach, which is every code whenever a prune comes.
    used: Vec<u8>,
    /// By code: its code after the last prune (roots map to themselves).
    plan: Vec<u32>,
    since: u32,
}

impl Pruning {
    /// Bookkeeping for the codes below `codes` (0: pruning is off): `2^max_bits`, or
    /// fewer when the input is too short to fill the dictionary (then it never prunes,
    /// and a short record does not pay for a large table).
    fn new(first: u32, codes: u32) -> Self {
        Self {
            first,
            used: alloc::vec![0; codes as usize],
            plan: Vec::new(),
            since: 0,
        }
    }

    /// `code` was sent (or read).
    #[inline(always)]
    fn mark(&mut self, code: u32) {
        if let Some(flag) = self.used.get_mut(code as usize) {
            *flag = 1;
        }
        self.since += 1;
    }

    /// Whether a full dictionary is due for a prune: a dictionary's worth of codes has
    /// been sent since the last one ([`prune_spacing`]).
    #[inline(always)]
    fn due(&self, max: u32) -> bool {
        self.since >= prune_spacing(self.first, max)
    }

    /// The code `code` had before the last prune now has (it must have been kept).
    #[inline(always)]
    fn renumbered(&self, code: u32) -> u32 {
        self.plan[code as usize]
    }

    /// Prunes the `count` first phrases of `phrases`. Returns how many were kept.
    #[inline(always)]
    fn prune(&mut self, count: usize, phrases: &mut impl PrunedPhrases) -> usize {
        let first = self.first as usize;
        self.since = 0;
        if self.plan.is_empty() {
            self.plan = (0..self.used.len() as u32).collect();
        }
        // A phrase's prefix always has a smaller code: one pass downwards closes the set.
        for i in (0..count).rev() {
            let flag = self.used[first + i];
            self.used[phrases.parent(i) as usize] |= flag;
        }
        let mut kept = 0usize;
        for i in 0..count {
            self.plan[first + i] = (first + kept) as u32;
            let parent = self.plan[phrases.parent(i) as usize];
            phrases.keep(i, kept, parent);
            kept += self.used[first + i] as usize;
        }
        self.used[first..].fill(0);
        kept
    }
}

/// A side's list of phrases, as [`Pruning::prune`] compacts it in place.
trait PrunedPhrases {
    /// The prefix code of phrase `i` (`i` not yet moved).
    fn parent(&self, i: usize) -> u32;
    /// Moves phrase `from` to slot `to` (≤ `from`) with its renumbered prefix `parent`.
    /// Called for every phrase in order, kept or not: a phrase that is not kept is
    /// overwritten by the next one that is.
    fn keep(&mut self, from: usize, to: usize, parent: u32);
}

/// The encoder's phrases: their keys (prefix code, last unit).
struct Keys<'a> {
    keys: &'a mut [u64],
    ubits: u32,
}

impl PrunedPhrases for Keys<'_> {
    #[inline(always)]
    fn parent(&self, i: usize) -> u32 {
        (self.keys[i] >> self.ubits) as u32
    }
    #[inline(always)]
    fn keep(&mut self, from: usize, to: usize, parent: u32) {
        let unit = self.keys[from] & ((1u64 << self.ubits) - 1);
        self.keys[to] = ((parent as u64) << self.ubits) | unit;
    }
}

/// Prunes the encoder's dictionary: kept phrases are renumbered in order and the hash
/// table is rebuilt with their new keys. Returns the next free code.
#[cold]
fn prune_encoder(
    table: &mut PhraseTable,
    keys: &mut Vec<u64>,
    pruning: &mut Pruning,
    ubits: u32,
) -> u32 {
    let count = keys.len();
    let kept = pruning.prune(count, &mut Keys { keys, ubits });
    keys.truncate(kept);
    table.clear();
    let first = pruning.first;
    for (i, &key) in keys.iter().enumerate() {
        if let Err(slot) = table.find(key) {
            table.insert_at(slot, key, first + i as u32);
        }
    }
    first + kept as u32
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
/// fixed-size moves instead of a `memmove` call, and roots written as one 4-byte store.
pub(crate) const SLACK: usize = 32;

/// The output being decoded, shared by the adaptive and the primed decoder: `buf[..w]` is
/// written, `buf[w..]` is scratch. It owns the buffer, taken from the caller's `Vec` and
/// given back by [`Self::finish`]. A decoding loop takes its fields apart into locals and
/// works with the functions below, so that the write position stays in a register (as a
/// field behind a reference it went to memory at every code: 15 % slower). Grows as
/// data is really produced, never by what a header claims; the output never passes
/// `limit`, the buffer never passes it by more than the slack.
pub(crate) struct Output {
    pub(crate) buf: Vec<u8>,
    /// Where the next byte goes.
    pub(crate) w: usize,
    /// The expected end.
    pub(crate) limit: usize,
}

impl Output {
    /// Takes `out` (which may already hold earlier frames) to append `expected_len`
    /// bytes, allocating at first no more than `initial_guess` of them.
    pub(crate) fn take(out: &mut Vec<u8>, expected_len: usize, initial_guess: usize) -> Self {
        let mut buf = core::mem::take(out);
        let w = buf.len();
        let initial = w + expected_len.min(initial_guess) + SLACK;
        if buf.len() < initial {
            buf.resize(initial, 0);
        }
        Self {
            buf,
            w,
            limit: w + expected_len,
        }
    }

    /// Gives the buffer back to `out`, holding what was written; whether it is complete.
    pub(crate) fn finish(mut self, out: &mut Vec<u8>) -> bool {
        self.buf.truncate(self.w);
        *out = self.buf;
        self.w == self.limit
    }
}

/// Makes room in `buf` for `len` more bytes at `w` (plus the slack), or fails if they
/// would pass `limit`.
#[inline(always)]
pub(crate) fn reserve(buf: &mut Vec<u8>, w: usize, len: usize, limit: usize) -> Result<(), Error> {
    if w + len > limit {
        return Err(Error::LengthMismatch);
    }
    if w + len + SLACK > buf.len() {
        grow(buf, w + len + SLACK, limit);
    }
    Ok(())
}

/// Doubles `buf` (at least to `need`), but not past the expected end `limit` plus the
/// slack (unless `need` asks for more).
#[cold]
fn grow(buf: &mut Vec<u8>, need: usize, limit: usize) {
    let target = need
        .max(buf.len().saturating_mul(2))
        .max(4096)
        .min((limit + SLACK).max(need));
    buf.resize(target, 0);
}

/// Writes a root of at most 4 bytes, given as a little-endian word
/// ([`Alphabet::root_word`]), at `w` with one 4-byte store. Room must be reserved.
#[inline(always)]
pub(crate) fn put_word(buf: &mut [u8], w: usize, word: u32) {
    buf[w..w + 4].copy_from_slice(&word.to_le_bytes());
}

/// Copies `buf[src..src + len]`, which ends at or before `w`, to `w`. Room must be
/// reserved. Phrases up to 32 bytes are moved as one 32-byte block into the slack (the
/// bytes past `len` are overwritten later): no call, and one well predicted test rather
/// than a branch per length.
#[inline(always)]
pub(crate) fn copy_back(buf: &mut [u8], src: usize, w: usize, len: usize) {
    if len <= SLACK {
        let mut chunk = [0u8; SLACK];
        chunk.copy_from_slice(&buf[src..src + SLACK]);
        buf[w..w + SLACK].copy_from_slice(&chunk);
    } else {
        buf.copy_within(src..src + len, w);
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
    let max = 1u32 << max_bits;
    if expected_len > MAX_BODY_LEN {
        return Err(Error::TooLarge);
    }
    // Phrase positions are relative to `base`, so `out` may already hold earlier frames.
    let base = out.len();
    // Never trust the declared length for allocation: start from what the body could
    // plausibly produce and grow as output is really written.
    let output = Output::take(out, expected_len, body.len().saturating_mul(8));
    let mut reader = BitReader::new(body);
    let (output, result) =
        Decoder::<PRUNE>::new(A::ROOTS, max, body.len()).run::<A>(output, base, &mut reader);
    let complete = output.finish(out);
    result?;
    reader.finish()?;
    if !complete {
        return Err(Error::LengthMismatch);
    }
    Ok(())
}

/// The adaptive decoder's dictionary: per phrase, where its first occurrence is in the
/// output ([`pack`]), and with pruning its prefix code.
struct Decoder<const PRUNE: bool> {
    first: u32,
    max: u32,
    phrases: Phrases,
    pruning: Pruning,
}

/// The decoder's phrases.
struct Phrases {
    entries: Vec<u64>,
    /// With pruning: each phrase's prefix code.
    parents: Vec<u32>,
}

impl PrunedPhrases for Phrases {
    #[inline(always)]
    fn parent(&self, i: usize) -> u32 {
        self.parents[i]
    }
    #[inline(always)]
    fn keep(&mut self, from: usize, to: usize, parent: u32) {
        self.parents[to] = parent;
        self.entries[to] = self.entries[from];
    }
}

impl<const PRUNE: bool> Decoder<PRUNE> {
    fn new(roots: u32, max: u32, body_len: usize) -> Self {
        let first = roots + 2;
        // Each code takes at least 8 bits and defines at most one phrase, so no code read
        // reaches `first + body_len + 1`.
        let capacity = ((max - first) as usize).min(body_len + 1);
        let codes = if PRUNE { first + capacity as u32 } else { 0 };
        Self {
            first,
            max,
            phrases: Phrases {
                entries: Vec::with_capacity(capacity),
                parents: Vec::with_capacity(if PRUNE { capacity } else { 0 }),
            },
            pruning: Pruning::new(first, codes),
        }
    }

    /// Decodes codes into `output` (phrase positions relative to `base`) until END or an
    /// error. The output is taken apart into locals, so that the write position stays in
    /// a register.
    fn run<A: Alphabet>(
        &mut self,
        output: Output,
        base: usize,
        reader: &mut BitReader<'_>,
    ) -> (Output, Result<(), Error>) {
        let Output {
            mut buf,
            mut w,
            limit,
        } = output;
        let buf = &mut buf;
        let clear = A::ROOTS;
        let end = A::ROOTS + 1;
        let (first, max) = (self.first, self.max);
        // The previous string of this generation: (start, length, first unit length),
        // start relative to `base`; `has_pending` is 0 before the first code.
        let (mut pending_pos, mut pending_len, mut pending_first) = (0usize, 0usize, 0usize);
        let mut has_pending = 0u32;
        let mut pending_code = 0u32;
        let result = loop {
            let known = first + self.phrases.entries.len() as u32;
            let n = (known + has_pending).min(max);
            let mut code = match reader.read_code(n) {
                Ok(code) => code,
                Err(e) => break Err(e),
            };
            let start = w - base;
            let first_len;
            if code < clear {
                let (word, len) = A::root_word(code);
                if let Err(e) = reserve(buf, w, len, limit) {
                    break Err(e);
                }
                put_word(buf, w, word);
                w += len;
                first_len = len;
            } else if code >= first && code < known {
                let (pos, len, phrase_first) =
                    unpack(self.phrases.entries[(code - first) as usize]);
                if let Err(e) = reserve(buf, w, len, limit) {
                    break Err(e);
                }
                copy_back(buf, base + pos, w, len);
                w += len;
                first_len = phrase_first;
            } else if code == known && has_pending != 0 {
                // The phrase being defined right now (the "KwKwK" case): the previous
                // string followed by its own first unit.
                let (pos, len) = (base + pending_pos, pending_len);
                if let Err(e) = reserve(buf, w, len + pending_first, limit) {
                    break Err(e);
                }
                copy_back(buf, pos, w, len);
                copy_back(buf, pos, w + len, pending_first);
                w += len + pending_first;
                first_len = pending_first;
            } else if code == clear && !PRUNE {
                self.phrases.entries.clear();
                has_pending = 0;
                continue;
            } else if code == end {
                break Ok(());
            } else {
                // A code not defined yet, or CLEAR from a pruning encoder (which never
                // starts over).
                break Err(Error::InvalidCode);
            }
            if has_pending != 0 && known < max {
                let entry = pack(pending_pos, pending_len + first_len, pending_first);
                self.phrases.entries.push(entry);
                if PRUNE {
                    self.phrases.parents.push(pending_code);
                }
            }
            (pending_pos, pending_len, pending_first) = (start, w - base - start, first_len);
            has_pending = 1;
            if PRUNE {
                self.pruning.mark(code);
                if self.phrases.entries.len() as u32 + first == max && self.pruning.due(max) {
                    self.prune();
                    // The code just read was used, so it was kept.
                    code = self.pruning.renumbered(code);
                }
                pending_code = code;
            }
        };
        (
            Output {
                buf: core::mem::take(buf),
                w,
                limit,
            },
            result,
        )
    }

    /// Prunes as the encoder's [`prune_encoder`] does.
    #[cold]
    fn prune(&mut self) {
        let count = self.phrases.entries.len();
        let kept = self.pruning.prune(count, &mut self.phrases);
        self.phrases.entries.truncate(kept);
        self.phrases.parents.truncate(kept);
    }
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
