//! `ReplayGuard`: accept a one-time token exactly once, in fixed memory.

use core::marker::PhantomData;

use crate::alg::Algorithm;
use crate::claims::RegisteredClaims;
use crate::{Claim, Error, Validation};

/// Remembers the `jti` of up to `N` recently accepted tokens until they expire, so that a second
/// presentation of the same token is rejected with [`Error::Replayed`].
///
/// For commands that must run once ("open valve 3"): a stateless token alone can be replayed by
/// anyone who saw it until it expires. Call [`record`](Self::record) after
/// [`verify`](crate::verify) succeeded.
///
/// - It stores a 128-bit digest of the `jti` (by the hash of `A`, so nothing more is linked)
///   and the token's expiry, never the string: 32 bytes per entry, `32 × N` bytes in all.
/// - Entries are forgotten once their token can no longer verify (`now >= exp + leeway`).
/// - When all `N` entries belong to unexpired tokens it **fails closed** with
///   [`Error::ReplayCacheFull`] rather than forget one. Size `N` for the number of one-time
///   tokens that can be live at once.
/// - Tokens must carry `jti` and `exp`: without `exp` an entry could never be evicted.
/// - State is in RAM: after a reboot the guard is empty, so pair it with short token lifetimes or
///   an [`issued_after`](Validation::issued_after) epoch persisted across boots.
///
/// ```
/// use microjwt::{Error, HmacKey, Hs256, ReplayGuard, Validation};
/// let key = HmacKey::<Hs256>::new(&[7; 32])?;
/// let mut buf = [0u8; 128];
/// #[derive(serde::Serialize)]
/// struct Command<'a> { jti: &'a str, exp: u64 }
/// let token = microjwt::sign(&key, &Command { jti: "cmd-1", exp: 60 }, &mut buf)?;
///
/// let mut guard = ReplayGuard::<Hs256, 8>::new();
/// let validation = Validation::new(10);
/// let mut scratch = [0u8; 128];
/// let claims = microjwt::verify::<()>(&key, token, &validation, &mut scratch)?;
/// guard.record(claims.registered(), &validation)?;            // first use: accepted
/// let again = microjwt::verify::<()>(&key, token, &validation, &mut scratch)?;
/// assert_eq!(guard.record(again.registered(), &validation), Err(Error::Replayed));
/// # Ok::<(), microjwt::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ReplayGuard<A: Algorithm, const N: usize> {
    entries: [Option<Entry>; N],
    alg: PhantomData<A>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    jti_digest: [u8; 16],
    /// The first time at which the token no longer verifies: `exp + leeway`, saturated.
    dead_at: u64,
}

impl<A: Algorithm, const N: usize> ReplayGuard<A, N> {
    /// An empty guard.
    pub const fn new() -> Self {
        Self {
            entries: [None; N],
            alg: PhantomData,
        }
    }

    /// Records the token with these (verified) claims as used, or rejects it if it was used
    /// before. Expired entries are evicted first.
    ///
    /// A token that is already expired at `validation`'s time and leeway is refused, never
    /// recorded: it would be forgotten at once, and a second presentation would look new. So a
    /// `jti` is never accepted twice, even if the verify that let the token through was laxer
    /// (`danger_skip_time_checks`, or more leeway) than the `validation` given here.
    ///
    /// # Errors
    /// [`Error::MissingClaim`] when the token has no `jti` or no `exp`; [`Error::TimeUnknown`]
    /// when the validation has no clock (nothing could ever be evicted); [`Error::Expired`] when
    /// `now >= exp + leeway` by `validation`; [`Error::Replayed`]
    /// when the `jti` was recorded and has not expired; [`Error::ReplayCacheFull`] when every
    /// entry belongs to a live token.
    pub fn record(
        &mut self,
        claims: &RegisteredClaims<'_>,
        validation: &Validation<'_>,
    ) -> Result<(), Error> {
        let jti = claims.jti().ok_or(Error::MissingClaim(Claim::Jti))?;
        let exp = claims.exp().ok_or(Error::MissingClaim(Claim::Exp))?;
        let now = validation.now().ok_or(Error::TimeUnknown)?;
        let dead_at = exp.ceil_secs().saturating_add(validation.leeway_secs());
        // A token already dead by this guard's clock and leeway would be forgotten at once and
        // could then be accepted again: refuse it instead (it was accepted by a laxer verify:
        // `danger_skip_time_checks`, or more leeway than given here).
        if dead_at <= now {
            return Err(Error::Expired {
                exp: exp.ceil_secs(),
                now,
            });
        }
        for slot in &mut self.entries {
            if slot.is_some_and(|entry| entry.dead_at <= now) {
                *slot = None;
            }
        }
        let jti_digest = A::digest128(jti.as_bytes());
        if self
            .entries
            .iter()
            .flatten()
            .any(|entry| entry.jti_digest == jti_digest)
        {
            return Err(Error::Replayed);
        }
        let slot = self
            .entries
            .iter_mut()
            .find(|slot| slot.is_none())
            .ok_or(Error::ReplayCacheFull)?;
        *slot = Some(Entry {
            jti_digest,
            dead_at,
        });
        Ok(())
    }

    /// How many unexpired-or-not-yet-evicted entries the guard holds.
    pub fn len(&self) -> usize {
        self.entries.iter().flatten().count()
    }

    /// Whether the guard holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<A: Algorithm, const N: usize> Default for ReplayGuard<A, N> {
    fn default() -> Self {
        Self::new()
    }
}
