//! Duplicate member names, found in time and memory that no input can inflate.
//!
//! JOSE requires unique names (RFC 7515 §4, RFC 7519 §4): two `exp` or two `alg` members are
//! rejected, in every object, compared after unescaping (`"exp"` and `"\u0065xp"` are one name).
//!
//! Each open object keeps a frame of records on the arena's back stack: per name, the first four
//! unescaped bytes (the key) and where the name starts in the document. A name is compared with
//! the first [`PAIRWISE`] names of its object as it arrives: typical objects are checked
//! there and then, at a few integer comparisons per name. An object with more names is sorted by
//! (key, full name) when it closes — a heapsort in place, `O(n log n)` comparisons whatever the
//! names are — and neighbours are compared. Nothing depends on hash values, so no input can pick
//! collisions; the worst case is many long names with a common prefix, where each comparison
//! costs the prefix's length: `O(L log n)` for `n` names of total length `L`.
//!
//! A frame starts with a marker record holding the enclosing frame's base, so frames nest in the
//! arena and the reader's own stack use stays constant at any depth.

use core::cmp::Ordering;

use super::arena::{Arena, Record};
use super::string::{Name, cmp_contents};
use crate::Error;
use crate::error::Failure;

/// Names compared one by one as they arrive; objects with more are sorted when they close.
const PAIRWISE: usize = 16;

/// A record is the name's key in the high half of a native `u64` and its offset in the low half,
/// so that comparing records' keys is one shift.
fn record(key: u32, at: u32) -> Record {
    (u64::from(key) << 32 | u64::from(at)).to_ne_bytes()
}

fn key_of(record: &Record) -> u32 {
    (u64::from_ne_bytes(*record) >> 32) as u32
}

fn at_of(record: &Record) -> usize {
    u64::from_ne_bytes(*record) as u32 as usize
}

/// Opens a frame for a new object inside the one whose frame starts at `enclosing`; returns the
/// new frame's base.
pub(crate) fn open(arena: &mut Arena<'_>, enclosing: usize) -> Result<usize, Failure> {
    let marker = u32::try_from(enclosing).map_err(|_| Failure::Full)?;
    arena.push(record(0, marker))?;
    Ok(arena.height())
}

/// Records `name`, whose content starts at `at` in `text`, in the frame at `base`.
pub(crate) fn add(
    arena: &mut Arena<'_>,
    base: usize,
    text: &str,
    name: &Name<'_>,
    at: usize,
) -> Result<(), Failure> {
    let key = name.key;
    if arena.height() - base < PAIRWISE {
        let content = text.get(at..).unwrap_or("");
        for earlier in arena.records_from(base).iter() {
            if key_of(earlier) == key && same(text, at_of(earlier), content) {
                return Err(Error::DuplicateMember.into());
            }
        }
    }
    // Documents are under 4 GiB (`Reader::new` checks), so `at` fits.
    let at = u32::try_from(at).map_err(|_| Failure::Full)?;
    Ok(arena.push(record(key, at))?)
}

/// Closes the frame at `base`: checks the names not yet compared, pops the frame and returns
/// the enclosing frame's base.
pub(crate) fn close(arena: &mut Arena<'_>, base: usize, text: &str) -> Result<usize, Failure> {
    let records = arena.records_from(base);
    if records.len() > PAIRWISE {
        let order = |a: &Record, b: &Record| {
            let content = |r: &Record| text.get(at_of(r)..).unwrap_or("");
            key_of(a)
                .cmp(&key_of(b))
                .then_with(|| cmp_contents(content(a), content(b)))
        };
        heapsort(records, order);
        if records
            .windows(2)
            .any(|pair| matches!(pair, [a, b] if order(a, b) == Ordering::Equal))
        {
            return Err(Error::DuplicateMember.into());
        }
    }
    let enclosing = base
        .checked_sub(1)
        .and_then(|marker| arena.record(marker))
        .map_or(0, |marker| at_of(&marker));
    arena.pop_to(base.saturating_sub(1));
    Ok(enclosing)
}

/// Whether the name at `earlier` equals `content` (both run to their closing quotes).
fn same(text: &str, earlier: usize, content: &str) -> bool {
    cmp_contents(text.get(earlier..).unwrap_or(""), content) == Ordering::Equal
}

/// Sorts in place with `O(n log n)` comparisons in every case, no recursion and no memory:
/// the properties `core`'s sort also has, in far less code.
fn heapsort(v: &mut [Record], order: impl Fn(&Record, &Record) -> Ordering) {
    let sift_down = |v: &mut [Record], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end
            && matches!((v.get(child), v.get(child + 1)), (Some(a), Some(b)) if order(a, b).is_lt())
        {
            child += 1;
        }
        match (v.get(root), v.get(child)) {
            (Some(r), Some(c)) if order(r, c).is_lt() => swap(v, root, child),
            _ => return,
        }
        root = child;
    };
    let len = v.len();
    for root in (0..len / 2).rev() {
        sift_down(v, root, len);
    }
    for end in (1..len).rev() {
        swap(v, 0, end);
        sift_down(v, 0, end);
    }
}

/// Swaps `v[i]` and `v[j]` for `i < j`, without `slice::swap`'s bounds-check panic.
fn swap(v: &mut [Record], i: usize, j: usize) {
    if let Some((left, right)) = v.split_at_mut_checked(j)
        && let (Some(a), Some(b)) = (left.get_mut(i), right.first_mut())
    {
        core::mem::swap(a, b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heapsort_sorts_every_permutation_of_small_slices() {
        let mut permutation = [0u8; 6];
        for n in 0..=6usize {
            for seed in 0..720u32 {
                for (i, slot) in permutation.iter_mut().enumerate().take(n) {
                    *slot = ((seed / (i as u32 + 1)).wrapping_mul(2_654_435_761) % 7) as u8;
                }
                let mut records: std::vec::Vec<Record> = permutation[..n]
                    .iter()
                    .map(|&k| record(u32::from(k), 0))
                    .collect();
                heapsort(&mut records, |a, b| key_of(a).cmp(&key_of(b)));
                assert!(records.windows(2).all(|w| key_of(&w[0]) <= key_of(&w[1])));
            }
        }
    }
}
