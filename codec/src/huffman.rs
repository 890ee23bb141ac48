//! Canonical Huffman codes for the codes of primed LZW bodies.
//!
//! A primed dictionary numbers thousands of phrases, and a record uses a few of them
//! often and most never; a fixed-width code pays the same ~16 bits for each. A version-2
//! dictionary therefore carries a code length per symbol, measured on its training
//! samples (see [`crate::train`]), and a record's codes are written with the canonical
//! Huffman code of those lengths: about 12 % fewer bits on held-out records.
//!
//! The code is canonical (as in DEFLATE): symbols are numbered by (length, symbol), so
//! the lengths alone define it. Codes are at most [`MAX_CODE_LEN`] bits and are written
//! first bit first into the LSB-first bit stream of [`crate::bits`]. Decoding looks up
//! the next `table_bits` bits in one table, built once per dictionary, and walks the
//! longer lengths one bit at a time.

use alloc::vec::Vec;

use crate::{
    bits::{BitReader, BitWriter},
    Error,
};

/// Longest code: lengths fit in 5 bits and a code in one peek of the bit reader.
pub const MAX_CODE_LEN: u8 = 24;
/// Widest first-level decoding table (`2^16` entries of 4 bytes).
const MAX_TABLE_BITS: u32 = 16;

/// Code lengths for `weights` (a symbol's weight is how often it is expected), at most
/// `max_len` bits, every symbol getting a code. Deterministic: ties go by symbol.
///
/// Plain Huffman first; if a code comes out longer than `max_len`, the weights are
/// flattened (halved, keeping at least 1) and it is built again. Used by the trainer.
#[cfg(feature = "std")]
pub fn code_lengths(weights: &[u64], max_len: u8) -> Vec<u8> {
    let mut weights: Vec<u64> = weights.iter().map(|&w| w.max(1)).collect();
    loop {
        let lengths = huffman_lengths(&weights);
        if lengths.iter().all(|&l| l <= max_len) {
            return lengths;
        }
        for w in &mut weights {
            *w = (*w >> 1).max(1);
        }
    }
}

/// Unlimited Huffman code lengths by the two-queue method over weights sorted once.
#[cfg(feature = "std")]
fn huffman_lengths(weights: &[u64]) -> Vec<u8> {
    let n = weights.len();
    if n <= 1 {
        return alloc::vec![1; n];
    }
    let mut leaves: Vec<usize> = (0..n).collect();
    leaves.sort_unstable_by_key(|&i| (weights[i], i));
    // Nodes 0..n are the symbols, n.. the merged nodes in the order they are made (which
    // is also the order of their weights).
    let mut weight: Vec<u64> = weights.to_vec();
    let mut parent = alloc::vec![0usize; 2 * n - 1];
    let (mut leaf, mut merged) = (0, n);
    let mut take = |weight: &[u64]| -> usize {
        let next_merged = weight.len();
        if leaf < n && (merged >= next_merged || weights[leaves[leaf]] <= weight[merged]) {
            leaf += 1;
            leaves[leaf - 1]
        } else {
            merged += 1;
            merged - 1
        }
    };
    for _ in 0..n - 1 {
        let a = take(&weight);
        let b = take(&weight);
        let node = weight.len();
        parent[a] = node;
        parent[b] = node;
        weight.push(weight[a].saturating_add(weight[b]));
    }
    // A merged node is made after its children, so walking down from the root fills every
    // parent's depth before its children's.
    let root = 2 * n - 2;
    let mut depth = alloc::vec![0u8; 2 * n - 1];
    for node in (0..root).rev() {
        depth[node] = depth[parent[node]].saturating_add(1);
    }
    depth.truncate(n);
    depth
}

/// A canonical code, ready to write and read symbols.
pub(crate) struct Coding {
    /// Per symbol: the code bit-reversed (first bit lowest) `<< 5 | length`; 0 if none.
    encode: Vec<u32>,
    /// By the next `table_bits` bits: `symbol << 5 | length`, or 0 for a longer code.
    table: Vec<u32>,
    table_bits: u32,
    max_len: u32,
    /// Per length: the first canonical code, its index in `sorted`, and how many.
    first_code: [u32; MAX_CODE_LEN as usize + 1],
    first_index: [u32; MAX_CODE_LEN as usize + 1],
    count: [u32; MAX_CODE_LEN as usize + 1],
    /// Symbols with a code, by (length, symbol).
    sorted: Vec<u32>,
}

impl Coding {
    /// Builds the code of `lengths` (0: the symbol has no code). Refuses lengths over
    /// [`MAX_CODE_LEN`] and sets of lengths no prefix code can have (Kraft sum over 1).
    pub(crate) fn from_lengths(lengths: &[u8]) -> Result<Self, &'static str> {
        let mut count = [0u32; MAX_CODE_LEN as usize + 1];
        let mut kraft = 0u64;
        for &len in lengths {
            if len > MAX_CODE_LEN {
                return Err("a code longer than 24 bits");
            }
            if len > 0 {
                count[len as usize] += 1;
                kraft += 1u64 << (MAX_CODE_LEN - len);
            }
        }
        if kraft > 1u64 << MAX_CODE_LEN {
            return Err("code lengths no prefix code can have");
        }
        let max_len = (1..=MAX_CODE_LEN as u32)
            .rev()
            .find(|&l| count[l as usize] > 0)
            .ok_or("no symbol has a code")?;
        let mut first_code = [0u32; MAX_CODE_LEN as usize + 1];
        let mut first_index = [0u32; MAX_CODE_LEN as usize + 1];
        let (mut code, mut index) = (0u32, 0u32);
        for len in 1..=MAX_CODE_LEN as usize {
            code = (code + count[len - 1]) << 1;
            first_code[len] = code;
            first_index[len] = index;
            index += count[len];
        }
        let mut sorted = alloc::vec![0u32; index as usize];
        let mut next_index = first_index;
        let mut encode = alloc::vec![0u32; lengths.len()];
        for (symbol, &len) in lengths.iter().enumerate() {
            if len == 0 {
                continue;
            }
            let at = next_index[len as usize];
            next_index[len as usize] += 1;
            sorted[at as usize] = symbol as u32;
            let code = first_code[len as usize] + (at - first_index[len as usize]);
            let reversed = code.reverse_bits() >> (32 - len as u32);
            encode[symbol] = (reversed << 5) | len as u32;
        }
        let table_bits = max_len.min(MAX_TABLE_BITS);
        let mut table = alloc::vec![0u32; 1 << table_bits];
        for (symbol, &entry) in encode.iter().enumerate() {
            let len = entry & 31;
            if len == 0 || len > table_bits {
                continue;
            }
            let reversed = entry >> 5;
            // Every table index whose first `len` bits are this code.
            for high in 0..1u32 << (table_bits - len) {
                table[(reversed | (high << len)) as usize] = ((symbol as u32) << 5) | len;
            }
        }
        Ok(Self {
            encode,
            table,
            table_bits,
            max_len,
            first_code,
            first_index,
            count,
            sorted,
        })
    }

    /// Length in bits of the code of `symbol` (0 if it has none).
    #[inline(always)]
    pub(crate) fn code_len(&self, symbol: u32) -> u32 {
        self.encode.get(symbol as usize).map_or(0, |&e| e & 31)
    }

    /// Writes `symbol`, which must have a code (checked when the dictionary is loaded).
    #[inline(always)]
    pub(crate) fn put(&self, writer: &mut BitWriter<'_>, symbol: u32) {
        let entry = self.encode[symbol as usize];
        writer.put_bits(entry >> 5, entry & 31);
    }

    /// Reads one symbol.
    #[inline(always)]
    pub(crate) fn get(&self, reader: &mut BitReader<'_>) -> Result<u32, Error> {
        let (bits, avail) = reader.peek(MAX_CODE_LEN as u32);
        let entry = self.table[(bits & ((1 << self.table_bits) - 1)) as usize];
        if entry != 0 {
            let len = entry & 31;
            if len > avail {
                return Err(Error::Truncated);
            }
            reader.consume(len);
            return Ok(entry >> 5);
        }
        // Longer than the table: go on from its last length, one bit at a time.
        let mut code =
            (bits as u32 & ((1 << self.table_bits) - 1)).reverse_bits() >> (32 - self.table_bits);
        for len in self.table_bits + 1..=self.max_len {
            code = (code << 1) | ((bits >> (len - 1)) & 1) as u32;
            let offset = code.wrapping_sub(self.first_code[len as usize]);
            if offset < self.count[len as usize] {
                if len > avail {
                    return Err(Error::Truncated);
                }
                reader.consume(len);
                return Ok(self.sorted[(self.first_index[len as usize] + offset) as usize]);
            }
        }
        // Bits no code starts with (the code is incomplete), or the end of the data.
        Err(if avail < self.max_len {
            Error::Truncated
        } else {
            Error::InvalidCode
        })
    }
}

/// Appends `lengths` as runs: (length byte, run LEB128), each run at least 1.
pub(crate) fn write_lengths(out: &mut Vec<u8>, lengths: &[u8]) {
    let mut i = 0;
    while i < lengths.len() {
        let len = lengths[i];
        let run = lengths[i..].iter().take_while(|&&l| l == len).count();
        out.push(len);
        crate::container::write_varint(out, run as u64);
        i += run;
    }
}

/// Reads exactly `symbols` lengths written by [`write_lengths`] at `*pos`.
pub(crate) fn read_lengths(
    bytes: &[u8],
    pos: &mut usize,
    symbols: usize,
) -> Result<Vec<u8>, &'static str> {
    let mut lengths = Vec::with_capacity(symbols);
    while lengths.len() < symbols {
        let len = *bytes.get(*pos).ok_or("truncated")?;
        *pos += 1;
        let run = crate::container::read_varint(bytes, pos).map_err(|_| "truncated")?;
        if run == 0 || run > (symbols - lengths.len()) as u64 {
            return Err("code length runs that do not add up to the symbols");
        }
        lengths.resize(lengths.len() + run as usize, len);
    }
    Ok(lengths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(lengths: &[u8], symbols: &[u32]) {
        let coding = Coding::from_lengths(lengths).unwrap();
        let mut out = Vec::new();
        let mut writer = BitWriter::new(&mut out);
        for &s in symbols {
            coding.put(&mut writer, s);
        }
        let bits = writer.bits();
        writer.finish();
        let expected: u64 = symbols.iter().map(|&s| lengths[s as usize] as u64).sum();
        assert_eq!(bits, expected);
        let mut reader = BitReader::new(&out);
        for &s in symbols {
            assert_eq!(coding.get(&mut reader).unwrap(), s);
        }
        reader.finish().unwrap();
    }

    #[test]
    fn lengths_follow_the_weights_and_round_trip() {
        let weights = [40, 30, 20, 5, 3, 1, 1];
        let lengths = code_lengths(&weights, MAX_CODE_LEN);
        assert_eq!(lengths, [1, 2, 3, 4, 5, 6, 6]);
        round_trip(&lengths, &[0, 1, 2, 3, 4, 5, 6, 6, 0, 2]);
    }

    #[test]
    fn long_codes_use_the_slow_path_and_are_limited() {
        // Fibonacci weights make the deepest possible tree: 40 symbols would need 39 bits.
        let mut weights = alloc::vec![1u64, 1];
        while weights.len() < 40 {
            let n = weights.len();
            weights.push(weights[n - 1] + weights[n - 2]);
        }
        let lengths = code_lengths(&weights, MAX_CODE_LEN);
        assert!(lengths.iter().all(|&l| (1..=MAX_CODE_LEN).contains(&l)));
        assert!(lengths.iter().any(|&l| l as u32 > MAX_TABLE_BITS));
        let symbols: Vec<u32> = (0..40).chain((0..40).rev()).collect();
        round_trip(&lengths, &symbols);
    }

    #[test]
    fn symbols_without_a_code_are_skipped() {
        let lengths = [2, 0, 2, 2, 2];
        let coding = Coding::from_lengths(&lengths).unwrap();
        assert_eq!(coding.encode[1], 0);
        round_trip(&lengths, &[0, 2, 3, 4]);
    }

    #[test]
    fn impossible_lengths_are_refused() {
        assert!(Coding::from_lengths(&[1, 1, 1]).is_err());
        assert!(Coding::from_lengths(&[25, 1]).is_err());
        assert!(Coding::from_lengths(&[0, 0]).is_err());
    }

    #[test]
    fn bits_no_code_starts_with_are_an_error() {
        // Incomplete: "0" and "10"; "11" starts no code.
        let coding = Coding::from_lengths(&[1, 2]).unwrap();
        let data = [0xFFu8; 8];
        let mut reader = BitReader::new(&data);
        assert!(matches!(coding.get(&mut reader), Err(Error::InvalidCode)));
        let mut short = BitReader::new(&[0b11]);
        assert!(coding.get(&mut short).is_err());
    }

    #[test]
    fn length_runs_round_trip_and_are_checked() {
        let lengths = [3u8, 3, 3, 0, 7, 7, 1];
        let mut out = Vec::new();
        write_lengths(&mut out, &lengths);
        let mut pos = 0;
        assert_eq!(read_lengths(&out, &mut pos, 7).unwrap(), lengths);
        assert_eq!(pos, out.len());
        // The last run goes past 5 symbols.
        assert!(read_lengths(&out, &mut 0, 5).is_err());
        assert!(read_lengths(&out[..out.len() - 1], &mut 0, 7).is_err());
        assert!(read_lengths(&[3, 0], &mut 0, 1).is_err());
    }
}
