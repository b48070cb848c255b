//! Strict JSON: [`read`] validates and walks, [`de`] lets serde types read through it, [`write`]
//! serializes.

mod read;
mod de;
mod write;

pub(crate) use de::{DeError, Scalar};
pub use read::MAX_DEPTH;
pub(crate) use read::{Names, RawStr, Reader};
pub(crate) use write::{WriteError, measure, to_slice};
