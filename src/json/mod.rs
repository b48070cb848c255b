//! Strict JSON, in rooms: [`cursor`] walks the grammar; [`string`], [`number`] and [`names`]
//! read strings, numbers and member names for it; [`arena`] is where it writes; [`de`] lets
//! serde types read through it; [`ser`] writes.
//!
//! What runs once per member name (the string and number scans, `Name::new`, `names::add`,
//! `Reader::next_member`, `Reader::string`, the skips) is `inline(always)` on 64-bit
//! targets only: there it cuts the instructions spent on a payload of short names by a fifth
//! (callgrind, `hostile-flat` of the adversarial bench); on a microcontroller it would cost flash
//! in every caller, and the optimizer decides.

mod arena;
mod string;
mod number;
mod names;
mod cursor;
mod de;
mod ser;

pub(crate) use arena::Full;
pub use cursor::MAX_DEPTH;
pub(crate) use cursor::Reader;
pub(crate) use de::{DeError, Scalar};
pub(crate) use names::SORT_ROOM;
pub(crate) use ser::{WriteError, measure, to_slice};
pub(crate) use string::{Name, RawStr, StrList, key_of};
