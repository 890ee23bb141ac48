//! Units of the LZW dictionary: how the encoder cuts input into units, and which bytes
//! each initial (root) code stands for.
//!
//! The decoder never re-tokenizes: it only needs the bytes of each root code, so any
//! byte string round-trips, including invalid UTF-8 or GBK. A character that is not a
//! unit (outside GB2312, or malformed) is simply sent as its bytes — that is the escape.

use crate::gb2312;

/// Root codes `0..=255` are the byte values in every alphabet.
pub const BYTE_ROOTS: u32 = 256;
/// Root codes of the `hanzi` alphabet: bytes, then GB2312 characters in GB2312 order.
pub const HANZI_ROOTS: u32 = 256 + gb2312::LEN as u32;

/// Cuts input into units; may keep state between calls (GBK trail bytes).
pub trait Tokenizer {
    /// Number of root codes; every unit returned is below it.
    const ROOTS: u32;
    /// Returns the unit starting at `input[pos]` and its length in bytes (≥ 1).
    /// `pos < input.len()`.
    fn next_unit(&mut self, input: &[u8], pos: usize) -> (u32, usize);
}

/// The bytes each root code stands for.
pub trait Alphabet {
    /// Number of root codes.
    const ROOTS: u32;
    /// Bytes of root `code` (`code < ROOTS`).
    fn root(code: u32) -> &'static [u8];
    /// The same bytes (at most 4) as a little-endian word, and their number.
    fn root_word(code: u32) -> (u32, usize);
}

static BYTE_VALUES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as u8;
        i += 1;
    }
    t
};

#[inline]
fn byte_root(code: u32) -> &'static [u8] {
    let i = code as usize & 0xFF;
    &BYTE_VALUES[i..i + 1]
}

/// Classic LZW: every byte is a unit.
#[derive(Default)]
pub struct Bytes;

impl Tokenizer for Bytes {
    const ROOTS: u32 = BYTE_ROOTS;
    #[inline(always)]
    fn next_unit(&mut self, input: &[u8], pos: usize) -> (u32, usize) {
        (input[pos] as u32, 1)
    }
}

impl Alphabet for Bytes {
    const ROOTS: u32 = BYTE_ROOTS;
    #[inline]
    fn root(code: u32) -> &'static [u8] {
        byte_root(code)
    }
    #[inline(always)]
    fn root_word(code: u32) -> (u32, usize) {
        (code & 0xFF, 1)
    }
}

/// The paper's unit over UTF-8 text: a GB2312 character or a byte.
#[derive(Default)]
pub struct HanziUtf8;

/// Decodes the UTF-8 character at `input[pos]` (lead byte ≥ 0xC2) if it is well formed,
/// returning (scalar, length). Overlong forms are refused: they would decode to other bytes.
#[inline(always)]
fn utf8_char(input: &[u8], pos: usize, lead: u8) -> Option<(u32, usize)> {
    if lead < 0xC2 {
        return None;
    }
    if lead < 0xE0 {
        let b1 = *input.get(pos + 1)?;
        if b1 & 0xC0 != 0x80 {
            return None;
        }
        return Some((((lead as u32 & 0x1F) << 6) | (b1 as u32 & 0x3F), 2));
    }
    if lead < 0xF0 {
        let b1 = *input.get(pos + 1)?;
        let b2 = *input.get(pos + 2)?;
        if b1 & 0xC0 != 0x80 || b2 & 0xC0 != 0x80 {
            return None;
        }
        let cp = ((lead as u32 & 0x0F) << 12) | ((b1 as u32 & 0x3F) << 6) | (b2 as u32 & 0x3F);
        return (cp >= 0x800).then_some((cp, 3));
    }
    // Four-byte characters are never GB2312 characters.
    None
}

impl Tokenizer for HanziUtf8 {
    const ROOTS: u32 = HANZI_ROOTS;
    #[inline(always)]
    fn next_unit(&mut self, input: &[u8], pos: usize) -> (u32, usize) {
        let lead = input[pos];
        if lead >= 0xC2 {
            if let Some((cp, len)) = utf8_char(input, pos, lead) {
                if let Some(rank) = gb2312::rank_of_char(cp) {
                    return (256 + rank as u32, len);
                }
            }
        }
        (lead as u32, 1)
    }
}

impl Alphabet for HanziUtf8 {
    const ROOTS: u32 = HANZI_ROOTS;
    #[inline]
    fn root(code: u32) -> &'static [u8] {
        if code < 256 {
            byte_root(code)
        } else {
            gb2312::utf8_of((code - 256) as usize)
        }
    }
    #[inline(always)]
    fn root_word(code: u32) -> (u32, usize) {
        if code < 256 {
            (code, 1)
        } else {
            gb2312::utf8_word((code - 256) as usize)
        }
    }
}

/// The paper's unit over GB2312/GBK text: a GB2312 character or a byte. A GBK
/// double-byte character outside GB2312 is sent as its two bytes.
#[derive(Default)]
pub struct HanziGbk {
    /// The previous unit was the lead byte of a double-byte character: this byte is
    /// its trail, not the start of a new character.
    in_trail: bool,
}

impl Tokenizer for HanziGbk {
    const ROOTS: u32 = HANZI_ROOTS;
    #[inline(always)]
    fn next_unit(&mut self, input: &[u8], pos: usize) -> (u32, usize) {
        let lead = input[pos];
        if core::mem::take(&mut self.in_trail) || lead < 0x81 || lead == 0xFF {
            return (lead as u32, 1);
        }
        let Some(&trail) = input.get(pos + 1) else {
            return (lead as u32, 1);
        };
        if let Some(rank) = gb2312::rank_of_gbk(lead, trail) {
            return (256 + rank as u32, 2);
        }
        self.in_trail = (0x40..=0xFE).contains(&trail) && trail != 0x7F;
        (lead as u32, 1)
    }
}

impl Alphabet for HanziGbk {
    const ROOTS: u32 = HANZI_ROOTS;
    #[inline]
    fn root(code: u32) -> &'static [u8] {
        if code < 256 {
            byte_root(code)
        } else {
            gb2312::gbk_of((code - 256) as usize)
        }
    }
    #[inline(always)]
    fn root_word(code: u32) -> (u32, usize) {
        if code < 256 {
            (code, 1)
        } else {
            gb2312::gbk_word((code - 256) as usize)
        }
    }
}

/// Whether a hanzi unit (as returned by a hanzi tokenizer) is a Chinese character.
#[inline]
pub fn is_hanzi_unit(unit: u32) -> bool {
    unit >= 256
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units<T: Tokenizer>(mut t: T, input: &[u8]) -> alloc::vec::Vec<u32> {
        let mut pos = 0;
        let mut out = alloc::vec::Vec::new();
        while pos < input.len() {
            let (u, len) = t.next_unit(input, pos);
            out.push(u);
            pos += len;
        }
        out
    }

    #[test]
    fn utf8_units() {
        let text = "发热°C é😀".as_bytes();
        let u = units(HanziUtf8, text);
        // 发, 热, °, C, space, é (pinyin é is in GB2312), then the emoji as 4 bytes.
        assert_eq!(u.len(), 6 + 4);
        assert!(u[..3].iter().all(|&x| is_hanzi_unit(x)));
        assert_eq!(u[3], b'C' as u32);
        assert!(is_hanzi_unit(u[5]));
        assert!(u[6..].iter().all(|&x| x < 256));
    }

    #[test]
    fn overlong_utf8_is_bytes() {
        // E0 82 B0 is an overlong '°' (C2 B0): it must stay three byte units.
        assert_eq!(units(HanziUtf8, &[0xE0, 0x82, 0xB0]), [0xE0, 0x82, 0xB0]);
        assert_eq!(units(HanziUtf8, &[0xC0, 0xB0]), [0xC0, 0xB0]);
    }

    #[test]
    fn gbk_units() {
        // 啊 (B0A1), a GBK-only character (8140), then 啊 again.
        let text = [0xB0, 0xA1, 0x81, 0x40, 0xB0, 0xA1];
        assert_eq!(
            units(HanziGbk::default(), &text),
            [256 + 682, 0x81, 0x40, 256 + 682]
        );
        // A GBK-only character whose trail byte could start a GB2312 pair: A1 must not
        // be read as the lead of A1A1.
        let text = [0x81, 0xA1, 0xA1, 0x41];
        assert_eq!(units(HanziGbk::default(), &text), [0x81, 0xA1, 0xA1, 0x41]);
    }
}
