//! What a token must satisfy beyond its MAC: time, issuer, audience, subject, type, revocation.

use core::fmt;

use crate::claims::RegisteredClaims;
use crate::{Claim, Error};

/// The default for [`Validation::max_token_len`]: 8 KiB, far above any sane HMAC JWT and small
/// enough that the MAC over a hostile token costs microseconds.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;

/// A caller's last word on an authenticated token: per-subject cutoffs, `jti` deny lists.
///
/// Called by [`verify`](crate::verify) only after the MAC and every other check passed, so it
/// never sees forged claims. Any `Fn(&RegisteredClaims) -> bool` is one.
///
/// ```
/// use microjwt::{RegisteredClaims, Revocation};
/// // User "42" changed their password at t = 1000: their older tokens are void.
/// let password_changed = |c: &RegisteredClaims<'_>| {
///     c.sub() == Some("42") && c.iat().map_or(true, |iat| iat.secs() < 1000)
/// };
/// let check: &dyn Revocation = &password_changed;
/// # let _ = check;
/// ```
pub trait Revocation {
    /// Whether the token with these claims must be rejected with [`Error::Revoked`].
    fn is_revoked(&self, claims: &RegisteredClaims<'_>) -> bool;
}

impl<F: Fn(&RegisteredClaims<'_>) -> bool> Revocation for F {
    fn is_revoked(&self, claims: &RegisteredClaims<'_>) -> bool {
        self(claims)
    }
}

/// The checks [`verify`](crate::verify) applies after the MAC. Strict by default:
///
/// - `exp` is required, and `now < exp + leeway` (RFC 7519 §4.1.4); `nbf <= now + leeway` when
///   present (§4.1.5). Leeway is zero unless set. Arithmetic saturates, so no value overflows.
/// - A configured issuer, audience or subject must be present and match exactly.
/// - A token that carries `aud` is rejected when no audience is configured (RFC 7519 §4.1.3).
/// - `now` is an argument: the core has no clock. When the time is unknown (firmware before
///   network time), use [`Validation::time_unknown`]: tokens with `exp` or `nbf` are then
///   rejected with [`Error::TimeUnknown`] unless you call
///   [`danger_skip_time_checks`](Validation::danger_skip_time_checks).
///
/// Anything that loosens a check is named `danger_*`.
///
/// ```
/// use microjwt::{Claim, Validation};
/// let validation = Validation::new(1_700_000_000)
///     .leeway(30)
///     .issuer("https://auth.example")
///     .audience(&["api"])
///     .require(Claim::Sub)
///     .issued_after(1_690_000_000); // everyone logged in before this must log in again
/// # let _ = validation;
/// ```
#[derive(Clone, Copy)]
pub struct Validation<'v> {
    now: Option<u64>,
    leeway: u64,
    issuer: Option<&'v str>,
    audiences: Option<&'v [&'v str]>,
    subject: Option<&'v str>,
    typ: Option<&'v str>,
    required: u8,
    issued_after: Option<u64>,
    skip_time: bool,
    ignore_audience: bool,
    max_token_len: usize,
    revocation: Option<&'v dyn Revocation>,
}

impl<'v> Validation<'v> {
    /// Validates at `now`, in seconds since the Unix epoch.
    pub const fn new(now: u64) -> Self {
        Self {
            now: Some(now),
            leeway: 0,
            issuer: None,
            audiences: None,
            subject: None,
            typ: None,
            required: Claim::Exp.bit(),
            issued_after: None,
            skip_time: false,
            ignore_audience: false,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            revocation: None,
        }
    }

    /// Validates without knowing the time: tokens carrying `exp` or `nbf` are rejected with
    /// [`Error::TimeUnknown`], and since `exp` is required by default, so is every token, until
    /// you decide otherwise with [`danger_skip_time_checks`](Self::danger_skip_time_checks).
    /// `iat` cutoffs ([`issued_after`](Self::issued_after)) still work: they need no clock.
    pub const fn time_unknown() -> Self {
        let mut v = Self::new(0);
        v.now = None;
        v
    }

    /// The validation time, if known.
    pub const fn now(&self) -> Option<u64> {
        self.now
    }

    /// Allows for clock skew: `exp` and `nbf` are checked `seconds` more leniently.
    #[must_use]
    pub const fn leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Requires `iss` to be present and equal to `issuer`.
    #[must_use]
    pub const fn issuer(mut self, issuer: &'v str) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Requires `aud` to be present with at least one entry equal to one of `audiences`.
    #[must_use]
    pub const fn audience(mut self, audiences: &'v [&'v str]) -> Self {
        self.audiences = Some(audiences);
        self
    }

    /// Requires `sub` to be present and equal to `subject`.
    #[must_use]
    pub const fn subject(mut self, subject: &'v str) -> Self {
        self.subject = Some(subject);
        self
    }

    /// Requires the header's `typ` to be `typ`, compared as RFC 8725 §3.11 and RFC 7515 §4.1.9
    /// say: ignoring ASCII case and an `application/` prefix.
    #[must_use]
    pub const fn typ(mut self, typ: &'v str) -> Self {
        self.typ = Some(typ);
        self
    }

    /// Requires `claim` to be present.
    #[must_use]
    pub const fn require(mut self, claim: Claim) -> Self {
        self.required |= claim.bit();
        self
    }

    /// Rejects tokens issued before `cutoff` (by `iat`, which becomes required): raise the
    /// cutoff and everyone holding an older token must log in again. Costs one stored integer.
    #[must_use]
    pub const fn issued_after(mut self, cutoff: u64) -> Self {
        self.issued_after = Some(cutoff);
        self
    }

    /// Rejects tokens longer than `max` bytes before any work (default
    /// [`DEFAULT_MAX_TOKEN_LEN`]).
    #[must_use]
    pub const fn max_token_len(mut self, max: usize) -> Self {
        self.max_token_len = max;
        self
    }

    /// Calls `check` on every authenticated, otherwise valid token.
    #[must_use]
    pub fn revocation(mut self, check: &'v dyn Revocation) -> Self {
        self.revocation = Some(check);
        self
    }

    /// Accepts tokens without `exp`. Such tokens never expire: only key rotation or
    /// [`issued_after`](Self::issued_after) can void them.
    #[must_use]
    pub const fn danger_allow_missing_exp(mut self) -> Self {
        self.required &= !Claim::Exp.bit();
        self
    }

    /// Skips the `exp` and `nbf` checks entirely, for firmware that has no clock yet and accepts
    /// that an expired token is then as good as a fresh one.
    #[must_use]
    pub const fn danger_skip_time_checks(mut self) -> Self {
        self.skip_time = true;
        self.required &= !Claim::Exp.bit();
        self
    }

    /// Accepts tokens carrying an `aud` although no audience is configured, contrary to
    /// RFC 7519 §4.1.3; a token meant for another service is then accepted here too.
    #[must_use]
    pub const fn danger_ignore_audience(mut self) -> Self {
        self.ignore_audience = true;
        self
    }

    pub(crate) const fn leeway_secs(&self) -> u64 {
        self.leeway
    }

    pub(crate) const fn max_len(&self) -> usize {
        self.max_token_len
    }

    pub(crate) const fn expected_typ(&self) -> Option<&'v str> {
        self.typ
    }

    /// Applies every check to the registered claims of an authenticated token;
    /// `key_speaks_for_issuer` says whether the key that verified it may speak for its `iss`.
    pub(crate) fn check(
        &self,
        claims: &RegisteredClaims<'_>,
        key_speaks_for_issuer: bool,
    ) -> Result<(), Error> {
        self.check_present(claims)?;
        self.check_time(claims)?;
        // iat < cutoff, exactly: a fractional iat such as 999.5 is before a cutoff of 1000, so
        // its whole seconds (rounded down) decide.
        if let (Some(cutoff), Some(iat)) = (self.issued_after, claims.iat)
            && iat.secs() < cutoff
        {
            return Err(Error::IssuedBeforeCutoff {
                iat: iat.secs(),
                cutoff,
            });
        }
        if !key_speaks_for_issuer {
            return Err(Error::KeyIssuerMismatch);
        }
        if self.issuer.is_some() && claims.iss != self.issuer {
            return Err(Error::IssuerMismatch);
        }
        match (self.audiences, claims.aud) {
            (Some(expected), Some(aud)) if !expected.iter().any(|e| aud.contains(e)) => {
                return Err(Error::AudienceMismatch);
            }
            (None, Some(_)) if !self.ignore_audience => return Err(Error::AudienceMismatch),
            _ => {}
        }
        if self.subject.is_some() && claims.sub != self.subject {
            return Err(Error::SubjectMismatch);
        }
        match self.revocation {
            Some(check) if check.is_revoked(claims) => Err(Error::Revoked),
            _ => Ok(()),
        }
    }

    /// Every claim some setting needs must be there; the first missing one, in RFC 7519 order,
    /// is reported.
    fn check_present(&self, claims: &RegisteredClaims<'_>) -> Result<(), Error> {
        let bit = |claim: Claim, on: bool| if on { claim.bit() } else { 0 };
        let required = self.required
            | bit(Claim::Iss, self.issuer.is_some())
            | bit(Claim::Sub, self.subject.is_some())
            | bit(Claim::Aud, self.audiences.is_some())
            | bit(Claim::Iat, self.issued_after.is_some());
        let present = bit(Claim::Iss, claims.iss.is_some())
            | bit(Claim::Sub, claims.sub.is_some())
            | bit(Claim::Aud, claims.aud.is_some())
            | bit(Claim::Exp, claims.exp.is_some())
            | bit(Claim::Nbf, claims.nbf.is_some())
            | bit(Claim::Iat, claims.iat.is_some())
            | bit(Claim::Jti, claims.jti.is_some());
        let missing = required & !present;
        match Claim::ALL
            .into_iter()
            .find(|claim| missing & claim.bit() != 0)
        {
            Some(claim) => Err(Error::MissingClaim(claim)),
            None => Ok(()),
        }
    }

    fn check_time(&self, claims: &RegisteredClaims<'_>) -> Result<(), Error> {
        if self.skip_time {
            return Ok(());
        }
        let Some(now) = self.now else {
            return match claims.exp.or(claims.nbf) {
                Some(_) => Err(Error::TimeUnknown),
                None => Ok(()),
            };
        };
        // now < exp + leeway, with exp rounded up so a fractional exp is honoured exactly.
        if let Some(exp) = claims.exp
            && now >= exp.ceil_secs().saturating_add(self.leeway)
        {
            return Err(Error::Expired {
                exp: exp.ceil_secs(),
                now,
            });
        }
        if let Some(nbf) = claims.nbf
            && nbf.ceil_secs() > now.saturating_add(self.leeway)
        {
            return Err(Error::NotYetValid {
                nbf: nbf.ceil_secs(),
                now,
            });
        }
        Ok(())
    }
}

impl fmt::Debug for Validation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validation")
            .field("now", &self.now)
            .field("leeway", &self.leeway)
            .field("issuer", &self.issuer)
            .field("audiences", &self.audiences)
            .field("subject", &self.subject)
            .field("typ", &self.typ)
            .field("required", &self.required)
            .field("issued_after", &self.issued_after)
            .field("skip_time", &self.skip_time)
            .field("ignore_audience", &self.ignore_audience)
            .field("max_token_len", &self.max_token_len)
            .field("revocation", &self.revocation.is_some())
            .finish()
    }
}
