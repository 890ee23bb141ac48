//! Longest matches of a prefix-closed phrase set, many at once.
//!
//! A walk down the phrases (one table lookup per unit, each depending on the last) waits
//! for memory at every step when the table is larger than the cache. Walks from
//! different positions are independent, so these functions run 16 of them in lanes:
//! each round reads the next table slot of every lane before looking at any, and the CPU
//! fetches those slots at the same time rather than one after another.
//!
//! Phrases are keyed `prefix code << shift | unit` in a [`PhraseTable`]; a root's code is
//! its unit.

use alloc::vec::Vec;

use crate::lzw::PhraseTable;

const LANES: usize = 16;

/// One walk: where it started, how far it got, the code it reached, and where it must
/// stop (the end of its sample, or the length it was asked for).
#[derive(Clone, Copy)]
pub(crate) struct Walk {
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) code: u32,
    pub(crate) end: usize,
    /// The caller's number for the walk.
    pub(crate) id: usize,
}

impl Walk {
    /// A walk from the root at `start`, stopping at `end` (> `start`).
    pub(crate) fn from<U: Copy + Into<u64>>(
        units: &[U],
        start: usize,
        end: usize,
        id: usize,
    ) -> Self {
        Self {
            start,
            len: 1,
            code: units[start].into() as u32,
            end,
            id,
        }
    }
}

/// Runs walks in lanes until each can go no further. A lane takes its first walk and,
/// when one ends, the walk `done` returns for it, or else the next from `next_walk`.
/// The lanes are flat arrays and a lane with nothing left to do is swapped out, so the
/// loop does little besides the lookups.
#[inline(always)]
pub(crate) fn run_lanes<U: Copy + Into<u64>>(
    units: &[U],
    table: &PhraseTable,
    shift: u32,
    mut next_walk: impl FnMut() -> Option<Walk>,
    mut done: impl FnMut(Walk) -> Option<Walk>,
) {
    let mut lanes = [Walk {
        start: 0,
        len: 0,
        code: 0,
        end: 0,
        id: 0,
    }; LANES];
    let mut active = 0;
    while active < LANES {
        match next_walk() {
            Some(walk) => lanes[active] = walk,
            None => break,
        }
        active += 1;
    }
    let mut keys = [0u64; LANES];
    let mut homes = [0u64; LANES];
    while active > 0 {
        for lane in 0..active {
            let walk = &lanes[lane];
            let at = walk.start + walk.len;
            if at < walk.end {
                if let Some(&unit) = units.get(at) {
                    keys[lane] = ((walk.code as u64) << shift) | unit.into();
                    homes[lane] = table.home(keys[lane]);
                }
            }
        }
        let mut lane = 0;
        while lane < active {
            let walk = &mut lanes[lane];
            let at = walk.start + walk.len;
            let extended = if at < walk.end.min(units.len()) {
                table.find_from(keys[lane], homes[lane])
            } else {
                None
            };
            if let Some(code) = extended {
                walk.code = code;
                walk.len += 1;
                lane += 1;
                continue;
            }
            match done(*walk).or_else(&mut next_walk) {
                Some(next) => {
                    lanes[lane] = next;
                    lane += 1;
                }
                None => {
                    // Nothing left for this lane: the last active lane, not yet looked
                    // at in this round, takes its place.
                    active -= 1;
                    lanes[lane] = lanes[active];
                    (keys[lane], homes[lane]) = (keys[active], homes[active]);
                }
            }
        }
    }
}

/// The longest match at every position, as (length in units, code), a match never
/// crossing the end of the sample (`bounds`, in order, covering `units`) it starts in.
pub(crate) fn longest_matches<U: Copy + Into<u64>>(
    units: &[U],
    bounds: &[(usize, usize)],
    table: &PhraseTable,
    shift: u32,
) -> Vec<(u32, u32)> {
    let mut found = alloc::vec![(0u32, 0u32); units.len()];
    let mut samples = bounds.iter().copied().filter(|&(start, end)| start < end);
    let (mut next, mut sample_end) = samples.next().unwrap_or((0, 0));
    run_lanes(
        units,
        table,
        shift,
        || {
            if next >= sample_end {
                return None;
            }
            let walk = Walk::from(units, next, sample_end, next);
            next += 1;
            if next >= sample_end {
                (next, sample_end) = samples.next().unwrap_or((sample_end, sample_end));
            }
            Some(walk)
        },
        |walk| {
            found[walk.id] = (walk.len as u32, walk.code);
            None
        },
    );
    found
}

/// The code of each phrase `units[start..start + len]` of `spans` (each a phrase of the
/// table). Used by the trainer.
#[cfg(feature = "std")]
pub(crate) fn phrase_codes<U: Copy + Into<u64>>(
    units: &[U],
    spans: &[(usize, usize)],
    table: &PhraseTable,
    shift: u32,
) -> Vec<u32> {
    let mut codes = alloc::vec![0u32; spans.len()];
    let mut pending = spans.iter().enumerate();
    run_lanes(
        units,
        table,
        shift,
        || {
            pending
                .next()
                .map(|(i, &(start, len))| Walk::from(units, start, start + len, i))
        },
        |walk| {
            codes[walk.id] = walk.code;
            None
        },
    );
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prefix-closed set of random phrases over a 4-letter alphabet (so matches run
    /// long), keyed as the codec keys them, with codes from 6 (after 4 roots, CLEAR, END).
    fn phrases(count: u32, seed: u64) -> (PhraseTable, u32) {
        let shift = 8;
        let mut table = PhraseTable::with_capacity(count as usize);
        let mut x = seed;
        let mut next = 6;
        while next < 6 + count {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Extend a random known code (a root or a phrase) by a random unit.
            let parent = (x % next as u64) as u32;
            let parent = if (4..6).contains(&parent) { 0 } else { parent };
            let key = ((parent as u64) << shift) | ((x >> 32) % 4);
            if let Err(slot) = table.find(key) {
                table.insert_at(slot, key, next);
                next += 1;
            }
        }
        (table, shift)
    }

    /// The longest match at `pos`, one lookup after the other.
    fn walk(units: &[u16], pos: usize, end: usize, table: &PhraseTable, shift: u32) -> (u32, u32) {
        let (mut len, mut code) = (1, units[pos] as u32);
        while pos + len < end {
            match table.find(((code as u64) << shift) | units[pos + len] as u64) {
                Ok(next) => (len, code) = (len + 1, next),
                Err(_) => break,
            }
        }
        (len as u32, code)
    }

    #[test]
    fn lanes_find_what_one_walk_at_a_time_finds() {
        let (table, shift) = phrases(3000, 0x9E37_79B9_7F4A_7C15);
        let mut x = 12345u64;
        let units: Vec<u16> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 4) as u16
            })
            .collect();
        // Samples of every kind: empty, one unit, fewer than the lanes, many.
        let bounds = [
            (0, 0),
            (0, 1),
            (1, 1),
            (1, 9),
            (9, 40),
            (40, 2000),
            (2000, 5000),
        ];
        let found = longest_matches(&units, &bounds, &table, shift);
        for &(start, end) in &bounds {
            for (pos, &match_at) in found.iter().enumerate().take(end).skip(start) {
                assert_eq!(match_at, walk(&units, pos, end, &table, shift), "at {pos}");
            }
        }
        // The codes of prefixes of those matches, in any order and length.
        let spans: Vec<(usize, usize)> = (40..2000)
            .step_by(7)
            .map(|pos| (pos, 1 + pos % found[pos].0 as usize))
            .collect();
        let codes = phrase_codes(&units, &spans, &table, shift);
        for (&(pos, len), &code) in spans.iter().zip(&codes) {
            assert_eq!(code, walk(&units, pos, pos + len, &table, shift).1);
        }
    }
}
