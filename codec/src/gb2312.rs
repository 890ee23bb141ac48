//! GB2312 tables: character rank ↔ Unicode / GBK bytes, built at compile time.
//!
//! A character's *rank* is its index in GB2312 order (see `gb2312_table.rs`); the
//! `hanzi` mode gives it the code `256 + rank`, so ranks are part of the format.

use crate::gb2312_table::{GB2312_CELLS, GB2312_CHARS, GB2312_LEN};

/// Number of GB2312 characters (7445).
pub const LEN: usize = GB2312_LEN;
const NO_RANK: u16 = u16::MAX;
/// The GB2312 grid: 87 lead bytes (0xA1..=0xF7) × 94 trail bytes (0xA1..=0xFE).
const CELLS: usize = 87 * 94;

/// Rank of the character in each grid cell, or `NO_RANK` for an empty cell.
static RANK_BY_CELL: [u16; CELLS] = build_rank_by_cell();

const fn build_rank_by_cell() -> [u16; CELLS] {
    let mut table = [NO_RANK; CELLS];
    let mut rank = 0;
    while rank < GB2312_LEN {
        table[GB2312_CELLS[rank] as usize] = rank as u16;
        rank += 1;
    }
    table
}

// Unicode → rank is a two-level table: 256-code-point pages, only the 97 pages that
// hold GB2312 characters are stored (≈50 KB instead of 128 KB for a flat table).
const PAGE_INDEX: [u8; 256] = build_page_index();
const PAGE_COUNT: usize = count_pages();
static PAGES: [[u16; 256]; PAGE_COUNT] = build_pages();

const fn build_page_index() -> [u8; 256] {
    let mut used = [false; 256];
    let mut i = 0;
    while i < GB2312_LEN {
        used[(GB2312_CHARS[i] >> 8) as usize] = true;
        i += 1;
    }
    let mut index = [0u8; 256];
    let mut next = 1u8;
    let mut page = 0;
    while page < 256 {
        if used[page] {
            index[page] = next;
            next += 1;
        }
        page += 1;
    }
    index
}

const fn count_pages() -> usize {
    let mut n = 0;
    let mut page = 0;
    while page < 256 {
        if PAGE_INDEX[page] != 0 {
            n += 1;
        }
        page += 1;
    }
    n
}

const fn build_pages() -> [[u16; 256]; PAGE_COUNT] {
    let mut pages = [[NO_RANK; 256]; PAGE_COUNT];
    let mut rank = 0;
    while rank < GB2312_LEN {
        let cp = GB2312_CHARS[rank] as usize;
        let page = PAGE_INDEX[cp >> 8] as usize - 1;
        pages[page][cp & 0xFF] = rank as u16;
        rank += 1;
    }
    pages
}

/// UTF-8 bytes of each character: `[len, b0, b1, b2]` (GB2312 is all in the BMP).
static UTF8: [[u8; 4]; LEN] = build_utf8();

const fn build_utf8() -> [[u8; 4]; LEN] {
    let mut table = [[0u8; 4]; LEN];
    let mut rank = 0;
    while rank < LEN {
        let cp = GB2312_CHARS[rank] as u32;
        table[rank] = if cp < 0x800 {
            [2, 0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8, 0]
        } else {
            [
                3,
                0xE0 | (cp >> 12) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]
        };
        rank += 1;
    }
    table
}

/// GBK (= GB2312 EUC) bytes of each character.
static GBK: [[u8; 2]; LEN] = build_gbk();

const fn build_gbk() -> [[u8; 2]; LEN] {
    let mut table = [[0u8; 2]; LEN];
    let mut rank = 0;
    while rank < LEN {
        let cell = GB2312_CELLS[rank];
        table[rank] = [0xA1 + (cell / 94) as u8, 0xA1 + (cell % 94) as u8];
        rank += 1;
    }
    table
}

/// Rank of a Unicode scalar value, if GB2312 has it.
#[inline]
pub fn rank_of_char(cp: u32) -> Option<u16> {
    if cp > 0xFFFF {
        return None;
    }
    let page = PAGE_INDEX[(cp >> 8) as usize];
    if page == 0 {
        return None;
    }
    let rank = PAGES[page as usize - 1][(cp & 0xFF) as usize];
    (rank != NO_RANK).then_some(rank)
}

/// Rank of a GB2312 double-byte code (lead, trail), if that cell is assigned.
#[inline]
pub fn rank_of_gbk(lead: u8, trail: u8) -> Option<u16> {
    if !(0xA1..=0xF7).contains(&lead) || !(0xA1..=0xFE).contains(&trail) {
        return None;
    }
    let rank = RANK_BY_CELL[(lead - 0xA1) as usize * 94 + (trail - 0xA1) as usize];
    (rank != NO_RANK).then_some(rank)
}

/// UTF-8 bytes of the character of rank `rank` (< `LEN`).
#[inline]
pub fn utf8_of(rank: usize) -> &'static [u8] {
    let entry = &UTF8[rank];
    &entry[1..1 + entry[0] as usize]
}

/// GBK bytes of the character of rank `rank` (< `LEN`).
#[inline]
pub fn gbk_of(rank: usize) -> &'static [u8] {
    &GBK[rank]
}

/// UTF-8 bytes of the character of rank `rank` (< `LEN`) as a little-endian word, and
/// their number: the decoder writes a character with one 4-byte store.
#[inline(always)]
pub fn utf8_word(rank: usize) -> (u32, usize) {
    let word = u32::from_le_bytes(UTF8[rank]);
    (word >> 8, (word & 0xFF) as usize)
}

/// GBK bytes of the character of rank `rank` (< `LEN`) as a little-endian word.
#[inline(always)]
pub fn gbk_word(rank: usize) -> (u32, usize) {
    (u16::from_le_bytes(GBK[rank]) as u32, 2)
}

/// The Unicode character of rank `rank` (< `LEN`).
#[cfg(test)]
pub fn char_of(rank: usize) -> Option<char> {
    char::from_u32(GB2312_CHARS.get(rank).copied()? as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_shape_matches_gb2312() {
        assert_eq!(LEN, 7445);
        // First symbol is the ideographic space, first level-1 hanzi is 啊 (B0A1),
        // first level-2 hanzi is 亍 (D8A1), the last is 齄 (F7FE).
        assert_eq!(char_of(0), Some('\u{3000}'));
        assert_eq!(char_of(682), Some('啊'));
        assert_eq!(char_of(682 + 3755), Some('亍'));
        assert_eq!(char_of(LEN - 1), Some('齄'));
        assert_eq!(gbk_of(682), &[0xB0, 0xA1]);
    }

    #[test]
    fn lookups_are_inverse() {
        for rank in 0..LEN {
            let ch = char_of(rank).unwrap();
            assert_eq!(rank_of_char(ch as u32), Some(rank as u16));
            let mut buf = [0u8; 4];
            assert_eq!(utf8_of(rank), ch.encode_utf8(&mut buf).as_bytes());
            let gbk = gbk_of(rank);
            assert_eq!(rank_of_gbk(gbk[0], gbk[1]), Some(rank as u16));
        }
        assert_eq!(rank_of_char('A' as u32), None);
        assert_eq!(rank_of_char(0x1F600), None);
        assert_eq!(rank_of_gbk(0xAA, 0xA1), None); // empty row
        assert_eq!(rank_of_gbk(0x81, 0x40), None); // GBK extension, not GB2312
    }
}
