//! LSB-first bit packing of LZW codes with phased-in (truncated binary) widths.
//!
//! With `n` possible code values, `k = ⌊log2 n⌋` and `u = 2^(k+1) − n`: values below `u`
//! take `k` bits, the rest `k + 1`. This saves up to one bit per code over the classic
//! `⌈log2 n⌉`, and the low codes (bytes, characters, early phrases) are the cheap ones.

use alloc::vec::Vec;

use crate::Error;

/// `(k, u)` for `n` possible values (`n ≥ 2`).
#[inline(always)]
pub fn phase(n: u32) -> (u32, u32) {
    let k = 31 - n.leading_zeros();
    (k, (2u32 << k).wrapping_sub(n))
}

pub struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    used: u32,
    written: u64,
}

impl<'a> BitWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        Self {
            out,
            acc: 0,
            used: 0,
            written: 0,
        }
    }

    /// Writes the low `width` bits of `value` (`width` ≤ 32), lowest first.
    #[inline(always)]
    pub fn put_bits(&mut self, value: u32, width: u32) {
        self.put(value, width)
    }

    #[inline(always)]
    fn put(&mut self, value: u32, width: u32) {
        self.acc |= (value as u64) << self.used;
        self.used += width;
        self.written += width as u64;
        if self.used >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.used -= 32;
        }
    }

    /// Writes `value < n` with the phased-in code for `n` values.
    #[inline(always)]
    pub fn put_code(&mut self, value: u32, n: u32) {
        let (k, u) = phase(n);
        if value < u {
            self.put(value, k);
        } else {
            let y = value + u;
            self.put((y >> 1) | ((y & 1) << k), k + 1);
        }
    }

    /// Bits written so far.
    pub fn bits(&self) -> u64 {
        self.written
    }

    /// Flushes the last partial byte (zero-padded).
    pub fn finish(self) {
        let bytes = self.used.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.acc.to_le_bytes()[..bytes]);
    }
}

pub struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    avail: u32,
}

impl<'a> BitReader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            acc: 0,
            avail: 0,
        }
    }

    #[inline(always)]
    fn refill(&mut self) {
        if let Some(chunk) = self.data.get(self.pos..self.pos + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.acc |= u64::from_le_bytes(word) << self.avail;
            let take = (63 - self.avail) / 8;
            self.pos += take as usize;
            self.avail += take * 8;
        } else {
            while self.avail <= 56 && self.pos < self.data.len() {
                self.acc |= (self.data[self.pos] as u64) << self.avail;
                self.pos += 1;
                self.avail += 8;
            }
        }
    }

    /// Reads a value written by [`BitWriter::put_code`] with the same `n`.
    ///
    /// Whether the value takes `k` or `k + 1` bits depends on the data, so both readings
    /// are computed and one is selected: no branch for the CPU to guess wrong.
    #[inline(always)]
    pub fn read_code(&mut self, n: u32) -> Result<u32, Error> {
        if self.avail < 25 {
            self.refill();
        }
        let (k, u) = phase(n);
        let v = (self.acc & ((1u64 << k) - 1)) as u32;
        let long = v >= u;
        let width = k + long as u32;
        if self.avail < width {
            return Err(Error::Truncated);
        }
        let low = ((self.acc >> k) & 1) as u32;
        let code = if long { ((v << 1) | low) - u } else { v };
        self.acc >>= width;
        self.avail -= width;
        Ok(code)
    }

    /// The next bits (first bit lowest) and how many of them are data, at least `want`
    /// (≤ 25) unless the data ends first; bits past the data read as 0.
    #[inline(always)]
    pub fn peek(&mut self, want: u32) -> (u64, u32) {
        if self.avail < want {
            self.refill();
        }
        (self.acc, self.avail)
    }

    /// Drops `n` bits that [`Self::peek`] showed to be data.
    #[inline(always)]
    pub fn consume(&mut self, n: u32) {
        self.acc >>= n;
        self.avail -= n;
    }

    /// After the last code: only zero padding up to the end of the data may remain.
    pub fn finish(self) -> Result<(), Error> {
        if self.pos < self.data.len() || self.avail >= 8 || self.acc != 0 {
            return Err(Error::TrailingData);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_for_every_width() {
        let mut out = Vec::new();
        let mut w = BitWriter::new(&mut out);
        let mut expected = Vec::new();
        for n in [
            2u32,
            3,
            5,
            258,
            259,
            511,
            512,
            513,
            7703,
            65535,
            65536,
            1 << 20,
        ] {
            for v in [0, 1, n / 3, n / 2, n - 2, n - 1] {
                w.put_code(v, n);
                expected.push((v, n));
            }
        }
        w.finish();
        let mut r = BitReader::new(&out);
        for (v, n) in expected {
            assert_eq!(r.read_code(n).unwrap(), v, "n = {n}");
        }
        r.finish().unwrap();
    }

    #[test]
    fn phased_in_widths() {
        assert_eq!(phase(256), (8, 256)); // power of two: all codes 8 bits
        assert_eq!(phase(258), (8, 254)); // 254 codes of 8 bits, 4 of 9
    }
}
