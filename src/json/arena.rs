//! The arena: the part of the caller's scratch buffer that the reader writes into.
//!
//! Two things live there, growing towards each other:
//!
//! ```text
//!  [ unescaped strings, lent out for 's → | free | ← name records, a stack ]
//! ```
//!
//! - **Strings** that contain escapes are unescaped at the front and split off, so the caller's
//!   `&'s str` fields borrow them. They stay until verification returns.
//! - **Name records** (8 bytes per member name of each open object, see [`super::names`]) are
//!   pushed at the back and popped when their object closes. They never leave the arena.
//!
//! Running out is the narrow error [`Full`]: only the public entry points, which know the token's
//! length, turn it into `Error::BufferTooSmall` with a size that is really enough.

/// The arena has no room left for what was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Full;

/// A record on the back stack.
pub(crate) type Record = [u8; 8];

#[derive(Debug)]
pub(crate) struct Arena<'s> {
    /// Not yet lent out. Its last `8 * records` bytes hold the stack.
    free: &'s mut [u8],
    /// How many records are on the stack.
    records: usize,
}

impl<'s> Arena<'s> {
    pub(crate) fn new(buf: &'s mut [u8]) -> Self {
        Self {
            free: buf,
            records: 0,
        }
    }

    /// The part not lent out, for the next stage (any records on the stack are dropped).
    pub(crate) fn into_free(self) -> &'s mut [u8] {
        self.free
    }

    /// Bytes at the front not used by the stack.
    fn room(&self) -> usize {
        self.free.len() - self.records * 8
    }

    /// Writes `bytes` at the front, without lending them out yet, from `offset` on: a value made
    /// of several pieces (an array of strings) is written piece by piece, then taken at once.
    /// Returns the number of bytes written.
    pub(crate) fn write_at(
        &mut self,
        offset: usize,
        bytes: impl Iterator<Item = u8>,
    ) -> Result<usize, Full> {
        let room = self.room();
        let mut slots = self.free.get_mut(offset..room).ok_or(Full)?.iter_mut();
        let mut written = 0;
        for byte in bytes {
            *slots.next().ok_or(Full)? = byte;
            written += 1;
        }
        Ok(written)
    }

    /// Lends out the first `len` bytes written at the front.
    pub(crate) fn take(&mut self, len: usize) -> Result<&'s [u8], Full> {
        if len > self.room() {
            return Err(Full);
        }
        let free = core::mem::take(&mut self.free);
        let (taken, rest) = free.split_at_mut_checked(len).ok_or(Full)?;
        self.free = rest;
        Ok(taken)
    }

    /// Pushes a record on the back stack.
    pub(crate) fn push(&mut self, record: Record) -> Result<(), Full> {
        if self.room() < 8 {
            return Err(Full);
        }
        self.records += 1;
        let at = self.free.len() - self.records * 8;
        let slot: &mut Record = self
            .free
            .get_mut(at..at + 8)
            .and_then(|slot| slot.try_into().ok())
            .ok_or(Full)?;
        *slot = record;
        Ok(())
    }

    /// How many records are on the stack.
    pub(crate) const fn height(&self) -> usize {
        self.records
    }

    /// The records from height `from` to the top, oldest last: the stack grows downwards, so
    /// the most recent record comes first in the slice.
    pub(crate) fn records_from(&mut self, from: usize) -> &mut [Record] {
        let top = self.free.len() - self.records * 8;
        let end = self.free.len() - from.min(self.records) * 8;
        let bytes = self.free.get_mut(top..end).unwrap_or_default();
        bytes.as_chunks_mut::<8>().0
    }

    /// The records from height `from` to the top (as [`Self::records_from`]) and the unused
    /// room between the front and the stack, for sorting them.
    pub(crate) fn records_and_room(&mut self, from: usize) -> (&mut [Record], &mut [u8]) {
        let room = self.room();
        let end = self.free.len() - from.min(self.records) * 8;
        let (front, back) = self.free.split_at_mut(room.min(self.free.len()));
        let records = back.get_mut(..end - room).unwrap_or_default();
        (records.as_chunks_mut::<8>().0, front)
    }

    /// The record at height `index` (0 is the bottom).
    pub(crate) fn record(&self, index: usize) -> Option<Record> {
        let at = self.free.len().checked_sub((index + 1) * 8)?;
        self.free.get(at..at + 8)?.try_into().ok()
    }

    /// Pops records until `height` remain.
    pub(crate) fn pop_to(&mut self, height: usize) {
        self.records = self.records.min(height);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_records_share_the_buffer_without_overlap() {
        let mut buf = [0u8; 24];
        let mut arena = Arena::new(&mut buf);
        arena.push([1; 8]).unwrap();
        assert_eq!(arena.write_at(0, b"hello".iter().copied()), Ok(5));
        let hello = arena.take(5).unwrap();
        arena.push([2; 8]).unwrap();
        assert_eq!(arena.push([3; 8]), Err(Full), "3 bytes left, not 8");
        assert_eq!(arena.write_at(0, b"abcd".iter().copied()), Err(Full));
        assert_eq!(arena.write_at(0, b"abc".iter().copied()), Ok(3));
        assert_eq!(arena.record(0), Some([1; 8]));
        assert_eq!(arena.records_from(0), &[[2; 8], [1; 8]]);
        assert_eq!(arena.records_from(1), &[[2; 8]]);
        arena.pop_to(1);
        assert_eq!(arena.height(), 1);
        assert_eq!(arena.take(11).map(<[u8]>::len), Ok(11));
        assert_eq!(hello, b"hello");
    }
}
