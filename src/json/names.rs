//! Duplicate member names, found in time and memory that no input can inflate.
//!
//! JOSE requires unique names (RFC 7515 §4, RFC 7519 §4): two `exp` or two `alg` members are
//! rejected, in every object, compared after unescaping (`"exp"` and `"\u0065xp"` are one name).
//!
//! Each open object keeps a frame of records on the arena's back stack: per name, a 32-bit key
//! (its first four unescaped bytes, mixed with a hash of the rest) and where the name starts in
//! the document. A name is compared with the first [`PAIRWISE`] names of its object as it
//! arrives: typical objects are checked there and then, at a few integer comparisons per name.
//! An object with more names is sorted when it closes, by key — by a two-level radix pass over a
//! hash of the key on 64-bit targets (in place, or through a small copy for a bucket that fits
//! it), and by heapsort within a bucket still large after it (and always on 32-bit ones):
//! `O(n log n)` whatever the names are — and only names with equal keys are compared in full.
//! No input can make that quadratic: the worst case is names whose keys all agree, which are
//! then sorted by their full text, `O(L log n)` byte comparisons for `n` names of total length
//! `L`. Nothing depends on the keys being good, only the constant factor.
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
#[cfg_attr(target_pointer_width = "64", inline(always))]
pub(crate) fn add(
    arena: &mut Arena<'_>,
    base: usize,
    text: &str,
    name: &Name<'_>,
    at: usize,
) -> Result<(), Failure> {
    let key = name.key;
    if arena.height() - base < PAIRWISE {
        for earlier in arena.records_from(base).iter() {
            if key_of(earlier) == key && same(text, at_of(earlier), text.get(at..).unwrap_or("")) {
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
    let (records, room) = arena.records_and_room(base);
    if records.len() > PAIRWISE {
        sort_by_key(records, room);
        // Distinct keys (the usual case) are told by one pass over neighbours; from the first
        // tie on, each run of equal keys is compared in full.
        let first_tie = records
            .windows(2)
            .position(|pair| matches!(pair, [a, b] if key_of(a) == key_of(b)));
        let mut run = records
            .get_mut(first_tie.unwrap_or(usize::MAX)..)
            .unwrap_or_default();
        while let Some(first) = run.first() {
            let same_key = run
                .iter()
                .position(|r| key_of(r) != key_of(first))
                .unwrap_or(run.len());
            let (equal, rest) = run.split_at_mut(same_key);
            if equal.len() > 1 && has_duplicate(equal, text) {
                return Err(Error::DuplicateMember.into());
            }
            run = rest;
        }
    }
    let enclosing = base
        .checked_sub(1)
        .and_then(|marker| arena.record(marker))
        .map_or(0, |marker| at_of(&marker));
    arena.pop_to(base.saturating_sub(1));
    Ok(enclosing)
}

/// The most buckets [`spread`] distributes records into, per level.
const BUCKETS: usize = 64;

/// The bucket bounds of one level: `BUCKETS + 1` starts, then `BUCKETS` next free slots.
const BOUNDS: usize = 2 * BUCKETS + 1;

/// Records a bucket may have to be spread through a copy rather than in place.
const COPY: usize = 128;

/// Room for the bucket bounds of two levels and a copy of [`COPY`] records, on the targets that
/// sort by radix (see [`sort_by_key`]); `scratch_len` counts it in.
pub(crate) const SORT_ROOM: usize = if cfg!(target_pointer_width = "64") {
    2 * BOUNDS * 4 + COPY * 8
} else {
    0
};

/// Buckets small enough to sort by insertion.
const SMALL: usize = 24;

/// How many buckets to spread `n` records over: about eight records each, at most [`BUCKETS`]
/// (a level's cost is a pass over its records plus one over its buckets).
fn buckets_for(n: usize) -> usize {
    (n / 8).next_power_of_two().clamp(2, BUCKETS)
}

/// Sorts records so that equal keys are side by side. With [`SORT_ROOM`] bytes of `room`, an
/// MSD radix sort in two levels of up to [`BUCKETS`] buckets each, by a multiplicative hash of
/// the key (so equal keys share a bucket): the first level by its top bits, the second by bits
/// below the top six; then an insertion sort of each small bucket by key: a few passes over the
/// records.
/// Without the room, or for a bucket still large after two levels (keys chosen to collide), a
/// heapsort: the same result, `O(n log n)` either way.
///
/// Only on 64-bit targets: a microcontroller's objects are small and its flash is scarce, so a
/// 32-bit build links the heapsort alone.
fn sort_by_key(records: &mut [Record], room: &mut [u8]) {
    let room = if cfg!(target_pointer_width = "64") {
        room
    } else {
        &mut []
    };
    let (bounds, copy) = room.split_at_mut(room.len().min(2 * BOUNDS * 4));
    let copy = copy.as_chunks_mut::<8>().0;
    let Some((outer, inner)) = bounds.as_chunks_mut::<4>().0.split_at_mut_checked(BOUNDS) else {
        return heapsort(records, by_key);
    };
    let buckets = buckets_for(records.len());
    spread(records, outer, copy, buckets, 32 - buckets.trailing_zeros());
    for bucket in buckets_of(records, outer, buckets) {
        if bucket.len() <= SMALL || inner.len() < BOUNDS {
            sort_small(bucket);
            continue;
        }
        let subs = buckets_for(bucket.len());
        spread(bucket, inner, copy, subs, 26 - subs.trailing_zeros());
        buckets_of(bucket, inner, subs).for_each(sort_small);
    }
}

/// The `count` buckets [`spread`] left in `records`, in order, as its `bounds` say.
fn buckets_of<'r>(
    mut records: &'r mut [Record],
    bounds: &[[u8; 4]],
    count: usize,
) -> impl Iterator<Item = &'r mut [Record]> {
    let mut start = 0;
    (1..=count).map_while(move |b| {
        let end = bound(bounds, b);
        let (bucket, rest) =
            core::mem::take(&mut records).split_at_mut_checked(end.checked_sub(start)?)?;
        (records, start) = (rest, end);
        Some(bucket)
    })
}

fn by_key(a: &Record, b: &Record) -> bool {
    key_of(a) < key_of(b)
}

/// By insertion when small, by heapsort otherwise.
fn sort_small(v: &mut [Record]) {
    if v.len() > SMALL {
        return heapsort(v, by_key);
    }
    for i in 1..v.len() {
        let Some(&x) = v.get(i) else { return };
        let mut j = i;
        while let Some(&before) = v.get(j.wrapping_sub(1)).filter(|p| by_key(&x, p)) {
            if let Some(slot) = v.get_mut(j) {
                *slot = before;
            }
            j -= 1;
        }
        if let Some(slot) = v.get_mut(j) {
            *slot = x;
        }
    }
}

fn bound(bounds: &[[u8; 4]], i: usize) -> usize {
    bounds.get(i).map_or(0, |c| u32::from_ne_bytes(*c) as usize)
}

fn set_bound(bounds: &mut [[u8; 4]], i: usize, value: usize) {
    if let Some(c) = bounds.get_mut(i) {
        *c = (value as u32).to_ne_bytes();
    }
}

/// Distributes `records` over `buckets` (a power of two, at most [`BUCKETS`]) by the bits of the
/// key's hash from `shift` up, leaving each bucket's start in `bounds[..=buckets]`: one counting
/// pass, then one placing each record, from a copy when `copy` has room for one, else in place
/// (American flag sort).
fn spread(
    records: &mut [Record],
    bounds: &mut [[u8; 4]],
    copy: &mut [Record],
    buckets: usize,
    shift: u32,
) {
    let bucket =
        |r: &Record| (key_of(r).wrapping_mul(0x9e37_79b1) >> shift) as usize & (buckets - 1);
    let next = buckets + 1; // bounds[next + b]: bucket b's next free slot
    bounds.fill([0; 4]);
    for r in records.iter() {
        let b = bucket(r) + 1;
        set_bound(bounds, b, bound(bounds, b) + 1);
    }
    for b in 1..=buckets {
        set_bound(bounds, b, bound(bounds, b) + bound(bounds, b - 1));
    }
    for b in 0..buckets {
        set_bound(bounds, next + b, bound(bounds, b));
    }
    if let Some(copy) = copy.get_mut(..records.len()) {
        // Each record written once, to its bucket's next free slot: no cycles to follow.
        copy.copy_from_slice(records);
        for r in copy.iter() {
            let home = bucket(r);
            let to = bound(bounds, next + home);
            set_bound(bounds, next + home, to + 1);
            if let Some(slot) = records.get_mut(to) {
                *slot = *r;
            }
        }
        return;
    }
    // Each record not yet in place is carried round its cycle: put in its bucket's next free
    // slot, picking up the record that was there, until one belongs where the cycle started.
    // The carried record stays in a register, so each step waits on two loads, not on a store.
    for b in 0..buckets {
        let end = bound(bounds, b + 1);
        loop {
            let at = bound(bounds, next + b);
            let Some(&first) = records.get(at).filter(|_| at < end) else {
                break;
            };
            let mut carried = first;
            let mut home = bucket(&carried);
            while home != b {
                let to = bound(bounds, next + home);
                set_bound(bounds, next + home, to + 1);
                let Some(slot) = records.get_mut(to) else {
                    break;
                };
                carried = core::mem::replace(slot, carried);
                home = bucket(&carried);
            }
            if let Some(slot) = records.get_mut(at) {
                *slot = carried;
            }
            set_bound(bounds, next + b, at + 1);
        }
    }
}

/// Whether two of these names, whose keys are all equal, are the same: by sorting them by their
/// full text and comparing neighbours.
fn has_duplicate(records: &mut [Record], text: &str) -> bool {
    let content = |r: &Record| text.get(at_of(r)..).unwrap_or("");
    heapsort(records, |a, b| cmp_contents(content(a), content(b)).is_lt());
    records
        .windows(2)
        .any(|pair| matches!(pair, [a, b] if cmp_contents(content(a), content(b)).is_eq()))
}

/// Whether the name at `earlier` equals `content` (both run to their closing quotes).
fn same(text: &str, earlier: usize, content: &str) -> bool {
    cmp_contents(text.get(earlier..).unwrap_or(""), content) == Ordering::Equal
}

/// Sorts in place by `less` with `O(n log n)` comparisons in every case, no recursion and no
/// memory: the properties `core`'s sort also has, in far less code. Bottom-up ("Floyd's")
/// sifting: each level picks the larger child without a branch, down to a leaf, and only then
/// climbs back to where the sifted element belongs — about half the comparisons of the textbook
/// heapsort, and far fewer mispredicted branches on large objects.
fn heapsort(v: &mut [Record], less: impl Fn(&Record, &Record) -> bool) {
    let sift_down = |v: &mut [Record], root: usize, end: usize| {
        let Some(&sifted) = v.get(root) else { return };
        // Down the path of larger children, moving each up one level.
        let mut hole = root;
        loop {
            let left = 2 * hole + 1;
            if left >= end {
                break;
            }
            let (Some(a), right) = (v.get(left), v.get(left + 1)) else {
                break;
            };
            let take_right = left + 1 < end && right.is_some_and(|b| less(a, b));
            let child = left + usize::from(take_right);
            let Some(&up) = v.get(child) else { break };
            if let Some(slot) = v.get_mut(hole) {
                *slot = up;
            }
            hole = child;
        }
        // Back up to where `sifted` belongs.
        while hole > root {
            let parent = (hole - 1) / 2;
            match v.get(parent).copied() {
                Some(p) if less(&p, &sifted) => {
                    if let Some(slot) = v.get_mut(hole) {
                        *slot = p;
                    }
                    hole = parent;
                }
                _ => break,
            }
        }
        if let Some(slot) = v.get_mut(hole) {
            *slot = sifted;
        }
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
    fn sort_by_key_puts_equal_keys_together_and_keeps_every_record() {
        let mut room = [0u8; SORT_ROOM];
        for (n, spread_keys) in [
            (0, 1),
            (17, 7),
            (300, 1),
            (3000, 7),
            (3000, 1 << 20),
            (5000, 0),
        ] {
            // Keys from a fixed generator; `spread_keys == 0` makes them all equal, so every
            // bucket but one is empty and the big one falls to heapsort.
            let records: std::vec::Vec<Record> = (0..n as u32)
                .map(|i| record(i.wrapping_mul(2_654_435_761) % spread_keys.max(1), i))
                .collect();
            let mut sorted = records.clone();
            sort_by_key(&mut sorted, &mut room);
            // Grouped by the hash's buckets, then by key: equal keys end up side by side,
            // which is all that finding duplicates needs.
            let mut seen = std::collections::BTreeSet::new();
            for (i, r) in sorted.iter().enumerate() {
                let starts_run = i == 0 || key_of(&sorted[i - 1]) != key_of(r);
                assert!(!starts_run || seen.insert(key_of(r)), "key split, n = {n}");
            }
            let mut offsets: std::vec::Vec<usize> = sorted.iter().map(at_of).collect();
            offsets.sort_unstable();
            assert!(offsets.iter().copied().eq(0..n), "a permutation, n = {n}");
        }
    }

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
                heapsort(&mut records, |a, b| key_of(a) < key_of(b));
                assert!(records.windows(2).all(|w| key_of(&w[0]) <= key_of(&w[1])));
            }
        }
    }
}
