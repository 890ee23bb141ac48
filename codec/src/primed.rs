//! LZW over a primed dictionary.
//!
//! Code space of a primed body: roots, CLEAR, END as in [`crate::lzw`], then the
//! dictionary's phrases, then the record's own phrases up to `2^max_bits`, added the
//! usual LZW way. With a version-1 dictionary codes use the same phased-in widths,
//! counted from the dictionary's end, so a record pays for the dictionary's size in code
//! width and nothing else. With a version-2 dictionary the codes of the roots, END and the
//! primed phrases are written with the dictionary's Huffman code ([`crate::huffman`]), so
//! the phrases records use most cost the fewest bits, and a record's own phrase is ESCAPE
//! followed by its index among the record's phrases in a phased-in width.
//!
//! The dictionary's tables are shared and never written: the encoder keeps the record's
//! own phrases in a small table of their own that grows with them, and the decoder keeps
//! them as positions in its output. Set-up per record is therefore a few allocations,
//! whatever the size of the dictionary. When the code space is full the dictionary is
//! kept as it is (a primed encoder never sends CLEAR); records are small, and larger ones
//! are compressed without a dictionary (see [`crate::compress_with`]).

use alloc::vec::Vec;

use crate::{
    alphabet::{Alphabet, Bytes, HanziGbk, HanziUtf8, Tokenizer},
    bits::{BitReader, BitWriter},
    dictionary::{Dictionary, Rendering},
    lzw::{
        copy_back, pack, put_word, reserve, unit_bits, unpack, Output, PhraseTable, MAX_BODY_LEN,
    },
    matching, Error, Method, TextEncoding,
};

/// The record's own phrases, in a table that starts small and grows with them.
struct OwnPhrases {
    table: PhraseTable,
    count: usize,
    /// Per own phrase (by code − the dictionary's end), its prefix code.
    parents: Vec<u32>,
    /// By code, one bit: some own phrase extends it. A match ending anywhere else
    /// cannot have grown since it was found, and is not looked up again.
    extended: Vec<u64>,
}

impl OwnPhrases {
    #[inline(always)]
    fn extends(&self, code: u32) -> bool {
        self.extended
            .get(code as usize / 64)
            .is_some_and(|bits| bits >> (code % 64) & 1 != 0)
    }
}

/// Appends the primed LZW body of `input`, text in `encoding`, to `out`.
pub fn encode(input: &[u8], encoding: TextEncoding, dictionary: &Dictionary, out: &mut Vec<u8>) {
    let primed_end = dictionary.end_code();
    let mut writer = BitWriter::new(out);
    parse_text(input, encoding, dictionary, |code, n| {
        match &dictionary.coding {
            Some(coding) if code < primed_end => coding.put(&mut writer, code),
            Some(coding) => {
                // ESCAPE, then which of the record's own phrases.
                coding.put(&mut writer, primed_end);
                writer.put_code(code - primed_end, n - primed_end);
            }
            None => writer.put_code(code, n),
        }
    });
    writer.finish();
}

/// Adds how often each code of the dictionary (and ESCAPE, for the record's own phrases,
/// at index `end_code`) is sent for `input` to `counts`, which the trainer turns into code
/// lengths. `counts` must have a slot per symbol.
#[cfg(feature = "std")]
pub fn count_codes(
    input: &[u8],
    encoding: TextEncoding,
    dictionary: &Dictionary,
    counts: &mut [u64],
) {
    let primed_end = dictionary.end_code();
    parse_text(input, encoding, dictionary, |code, _| {
        counts[code.min(primed_end) as usize] += 1;
    });
}

/// [`parse`] with the tokenizer of the dictionary's units for text in `encoding`.
fn parse_text(
    input: &[u8],
    encoding: TextEncoding,
    dictionary: &Dictionary,
    emit: impl FnMut(u32, u32),
) {
    match (dictionary.method(), encoding) {
        (Method::Hanzi, TextEncoding::Utf8) => parse(input, HanziUtf8, dictionary, emit),
        (Method::Hanzi, TextEncoding::Gbk) => parse(input, HanziGbk::default(), dictionary, emit),
        _ => parse(input, Bytes, dictionary, emit),
    }
}

/// Parses `input` into the codes of a primed body, END included, handing each to `emit`
/// with the number of codes the decoder can tell apart at that point.
///
/// The parse is flexible rather than greedy: of the phrases that match at a point (every
/// prefix of the longest match, the dictionary being prefix-closed), it sends the one
/// after which the next match reaches furthest, and of those the cheapest. The decoder
/// cannot tell: it adds a phrase after every code, whatever the encoder chose, and the
/// encoder mirrors that.
///
/// Weighing the choices needs the longest match at nearly every position. Those of the
/// dictionary alone are found first for all positions at once ([`matching`]);
/// the record's own phrases, which grow as the parse goes, can only extend such a match
/// at its end, so a match is brought up to date by trying its end again
/// ([`Matches::at`]).
fn parse<T: Tokenizer>(
    input: &[u8],
    mut tokenizer: T,
    dictionary: &Dictionary,
    mut emit: impl FnMut(u32, u32),
) {
    let end = T::ROOTS + 1;
    let primed_end = dictionary.end_code();
    let max = 1u32 << dictionary.max_bits();
    let ubits = unit_bits(T::ROOTS);
    let mut units: Vec<u32> = Vec::with_capacity(input.len());
    let mut pos = 0;
    while pos < input.len() {
        let (unit, len) = tokenizer.next_unit(input, pos);
        units.push(unit);
        pos += len;
    }
    let mut own = OwnPhrases {
        table: PhraseTable::with_capacity(64),
        count: 0,
        parents: Vec::new(),
        // No code sent reaches `primed_end + units.len()`.
        extended: alloc::vec![0; (primed_end as usize + units.len()).min(max as usize).div_ceil(64)],
    };
    let mut matches = Matches {
        found: matching::longest_matches(&units, &[(0, units.len())], &dictionary.table, ubits),
        units: &units,
        ubits,
    };
    // Bits a code costs with the dictionary's Huffman code (without one: all alike).
    let cost = |code: u32, own: &OwnPhrases| -> u32 {
        match &dictionary.coding {
            Some(coding) if code < primed_end => coding.code_len(code),
            Some(coding) => coding.code_len(primed_end) + usize::BITS - own.count.leading_zeros(),
            None => 0,
        }
    };
    // The code of the next phrase to be defined (by the decoder, after each code).
    let mut next = primed_end;
    // The prefix of a phrase, the dictionary's or the record's own.
    let parent = |code: u32, own: &OwnPhrases| -> u32 {
        match code.checked_sub(primed_end) {
            Some(index) => own.parents[index as usize],
            None => dictionary.parent(code, ubits),
        }
    };
    let mut i = 0;
    while i < units.len() {
        let longest = matches.at(i, &own);
        let mut take = longest;
        let mut take_code = matches.code_at(i);
        if i + longest < units.len() {
            let mut reach = longest + matches.at(i + longest, &own);
            // The prefixes of the match, longest first, by their parents.
            let mut shorter_code = take_code;
            for shorter in (1..longest).rev() {
                shorter_code = parent(shorter_code, &own);
                let r = shorter + matches.at(i + shorter, &own);
                // Of two choices that reach as far, the cheaper code (1 % smaller with
                // Huffman codes, whose lengths differ by many bits).
                if r > reach || (r == reach && cost(shorter_code, &own) < cost(take_code, &own)) {
                    reach = r;
                    take = shorter;
                    take_code = shorter_code;
                }
            }
        }
        let code = take_code;
        emit(code, next.min(max));
        i += take;
        // The decoder defines a phrase after every code but the last; mirror its count.
        if let Some(&unit) = units.get(i) {
            if next < max {
                let key = ((code as u64) << ubits) | unit as u64;
                let primed = code < primed_end && dictionary.table.find(key).is_ok();
                if !primed {
                    if let Err(slot) = own.table.find(key) {
                        own.table.insert_at(slot, key, next);
                        // Own codes are sparse: the decoder numbers a phrase after every
                        // code, also those the encoder already has.
                        let index = (next - primed_end) as usize;
                        own.parents.resize(index + 1, 0);
                        own.parents[index] = code;
                        own.extended[code as usize / 64] |= 1 << (code % 64);
                        own.count += 1;
                        if own.table.needs_room_for(own.count) {
                            own.table.grow();
                        }
                    }
                }
            }
        }
        next += 1;
    }
    emit(end, next.min(max));
}

/// The longest match at each position, as (length in units, code of the match), kept up
/// to date with the record's own phrases.
struct Matches<'a> {
    found: Vec<(u32, u32)>,
    units: &'a [u32],
    ubits: u32,
}

impl Matches<'_> {
    /// Length of the longest match at `pos`, with the own phrases known now. Tables only
    /// grow and a key is in at most one of them (an own phrase is added only when the
    /// dictionary lacks it), so the match found earlier is still a prefix of it and only
    /// its end can extend, and only through own phrases (the dictionary already said no
    /// there, and own phrases never extend into the dictionary).
    #[inline(always)]
    fn at(&mut self, pos: usize, own: &OwnPhrases) -> usize {
        let (mut len, mut code) = self.found[pos];
        if !own.extends(code) {
            return len as usize;
        }
        while let Some(&unit) = self
            .units
            .get(pos + len as usize)
            .filter(|_| own.extends(code))
        {
            match own.table.find(((code as u64) << self.ubits) | unit as u64) {
                Ok(next) => {
                    code = next;
                    len += 1;
                }
                Err(_) => break,
            }
        }
        self.found[pos] = (len, code);
        len as usize
    }

    /// The code of the match at `pos` as of the last [`Self::at`] there.
    #[inline(always)]
    fn code_at(&self, pos: usize) -> u32 {
        self.found[pos].1
    }
}

/// Decodes a primed body that must produce exactly `expected_len` bytes, appended to
/// `out`; `phrases` are the dictionary's phrases in the container's text encoding.
pub fn decode<A: Alphabet>(
    body: &[u8],
    dictionary: &Dictionary,
    phrases: &Rendering,
    expected_len: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let clear = A::ROOTS;
    let end = A::ROOTS + 1;
    let first = A::ROOTS + 2;
    let primed_end = dictionary.end_code();
    let max = 1u32 << dictionary.max_bits();
    if expected_len > MAX_BODY_LEN {
        return Err(Error::TooLarge);
    }
    let base = out.len();
    // As in `lzw::decode`: allocate by what the body can produce, not by the header.
    let Output {
        mut buf,
        mut w,
        limit,
    } = Output::take(out, expected_len, body.len().saturating_mul(32));
    let mut own: Vec<u64> = Vec::with_capacity(((max - primed_end) as usize).min(body.len()));
    let mut reader = BitReader::new(body);
    let mut pending: Option<(usize, usize, usize)> = None;

    let result = loop {
        let known = primed_end + own.len() as u32;
        let n = (known + pending.is_some() as u32).min(max);
        let code = match &dictionary.coding {
            None => reader.read_code(n),
            Some(coding) => match coding.get(&mut reader) {
                Ok(symbol) if symbol < primed_end => Ok(symbol),
                // ESCAPE: one of the record's own phrases, if it has any yet.
                Ok(_) if n > primed_end => {
                    reader.read_code(n - primed_end).map(|own| primed_end + own)
                }
                Ok(_) => Err(Error::InvalidCode),
                Err(e) => Err(e),
            },
        };
        let code = match code {
            Ok(code) => code,
            Err(e) => break Err(e),
        };
        let start = w - base;
        let first_len = if code < clear {
            let (word, len) = A::root_word(code);
            if let Err(e) = reserve(&mut buf, w, len, limit) {
                break Err(e);
            }
            put_word(&mut buf, w, word);
            w += len;
            len
        } else if code == end {
            break Ok(());
        } else if code == clear {
            // A primed encoder never starts over.
            break Err(Error::InvalidCode);
        } else if code < primed_end {
            let (pos, len, first_len) = unpack(phrases.spans[(code - first) as usize]);
            if let Err(e) = reserve(&mut buf, w, len, limit) {
                break Err(e);
            }
            buf[w..w + len].copy_from_slice(&phrases.bytes[pos..pos + len]);
            w += len;
            first_len
        } else if code < known {
            let (pos, len, first_len) = unpack(own[(code - primed_end) as usize]);
            if let Err(e) = reserve(&mut buf, w, len, limit) {
                break Err(e);
            }
            copy_back(&mut buf, base + pos, w, len);
            w += len;
            first_len
        } else {
            // code == known: the previous string followed by its own first unit.
            let Some((pos, len, first_len)) = pending else {
                break Err(Error::InvalidCode);
            };
            if let Err(e) = reserve(&mut buf, w, len + first_len, limit) {
                break Err(e);
            }
            copy_back(&mut buf, base + pos, w, len);
            copy_back(&mut buf, base + pos, w + len, first_len);
            w += len + first_len;
            first_len
        };
        if let Some((pos, len, prev_first)) = pending {
            if known < max {
                own.push(pack(pos, len + first_len, prev_first));
            }
        }
        pending = Some((start, w - base - start, first_len));
    };
    let complete = Output { buf, w, limit }.finish(out);
    result?;
    reader.finish()?;
    if !complete {
        return Err(Error::LengthMismatch);
    }
    Ok(())
}
