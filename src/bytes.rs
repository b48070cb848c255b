//! The one byte-copy helper the crate uses.

/// Copies as many bytes as both slices hold from `src` to the front of `dst`, returning how many.
///
/// A zipped copy rather than `copy_from_slice`: it compiles to the same `memcpy`, but has no
/// length-mismatch panic, which size-optimized firmware builds keep out of line and would
/// otherwise link (the `prove-no-panic` build of `examples/firmware` checks this).
pub(crate) fn copy_prefix(dst: &mut [u8], src: &[u8]) -> usize {
    let mut copied = 0;
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
        copied += 1;
    }
    copied
}
