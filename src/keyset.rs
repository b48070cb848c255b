//! `KeySet`: several keys of one algorithm, chosen by `kid`, for rotation without downtime.

use crate::Error;
use crate::alg::Algorithm;
use crate::key::{HmacKey, MAX_KID_LEN};
use crate::verify::{VerifyingKeys, sealed};

/// Up to `N` keys of algorithm `A`, each with a distinct `kid`, stored inline (no heap).
///
/// [`verify`](crate::verify) with a key set reads the token's `kid` (untrusted, only to choose
/// among these keys: never a path, URL or lookup elsewhere, RFC 8725 §3.10), then checks the MAC
/// with that key. A token without `kid` is checked with the default key, if one is set.
///
/// Rotation: insert the new key and sign with it; keep the old one until the last token it
/// signed has expired, then remove it. Removing a key at once logs out everyone holding its
/// tokens.
///
/// ```
/// use microjwt::{HmacKey, Hs256, KeySet, Validation};
/// let old = HmacKey::<Hs256>::new(&[1; 32])?.with_kid("2026-10")?;
/// let new = HmacKey::<Hs256>::new(&[2; 32])?.with_kid("2026-11")?;
/// let mut buf = [0u8; 128];
/// #[derive(serde::Serialize)]
/// struct Expiry { exp: u64 }
/// let old_token = microjwt::sign(&old, &Expiry { exp: 99 }, &mut buf)?.to_owned();
///
/// let mut keys = KeySet::<Hs256, 4>::new();
/// keys.insert(old)?;
/// keys.insert(new)?;
/// let mut scratch = [0u8; 128];
/// assert!(microjwt::verify::<()>(&keys, &old_token, &Validation::new(0), &mut scratch).is_ok());
///
/// keys.remove("2026-10");
/// let err = microjwt::verify::<()>(&keys, &old_token, &Validation::new(0), &mut scratch);
/// assert_eq!(err.unwrap_err(), microjwt::Error::UnknownKeyId);
/// # Ok::<(), microjwt::Error>(())
/// ```
pub struct KeySet<A: Algorithm, const N: usize> {
    keys: [Option<HmacKey<A>>; N],
    default: Option<usize>,
}

impl<A: Algorithm, const N: usize> KeySet<A, N> {
    /// An empty set.
    pub const fn new() -> Self {
        Self {
            keys: [const { None }; N],
            default: None,
        }
    }

    /// Adds `key`, which must have a `kid` ([`HmacKey::with_kid`]).
    ///
    /// # Errors
    /// [`Error::InvalidKeyId`] when `key` has no `kid`; [`Error::KeySetFull`] when all `N` slots
    /// are taken or a key with the same `kid` is already in the set.
    pub fn insert(&mut self, key: HmacKey<A>) -> Result<(), Error> {
        let kid = key.kid().ok_or(Error::InvalidKeyId)?;
        if self.get(kid).is_some() {
            return Err(Error::KeySetFull);
        }
        let slot = self
            .keys
            .iter_mut()
            .find(|slot| slot.is_none())
            .ok_or(Error::KeySetFull)?;
        *slot = Some(key);
        Ok(())
    }

    /// Removes and returns the key with `kid`. Tokens it signed stop verifying at once.
    pub fn remove(&mut self, kid: &str) -> Option<HmacKey<A>> {
        let index = self.index(kid)?;
        if self.default == Some(index) {
            self.default = None;
        }
        self.keys.get_mut(index)?.take()
    }

    /// Makes the key with `kid` the one that checks tokens without a `kid`.
    ///
    /// # Errors
    /// [`Error::UnknownKeyId`] when no key has that `kid`.
    pub fn set_default(&mut self, kid: &str) -> Result<(), Error> {
        self.default = Some(self.index(kid).ok_or(Error::UnknownKeyId)?);
        Ok(())
    }

    /// The key with `kid`, if present.
    pub fn get(&self, kid: &str) -> Option<&HmacKey<A>> {
        self.keys.get(self.index(kid)?)?.as_ref()
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.iter().filter(|k| k.is_some()).count()
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn index(&self, kid: &str) -> Option<usize> {
        if kid.len() > MAX_KID_LEN {
            return None; // no key can have it; don't compare a hostile, long kid N times
        }
        self.keys
            .iter()
            .position(|k| k.as_ref().and_then(HmacKey::kid) == Some(kid))
    }
}

impl<A: Algorithm, const N: usize> Default for KeySet<A, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: Algorithm, const N: usize> core::fmt::Debug for KeySet<A, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Each key's own Debug shows its algorithm and kid, never the secret.
        f.debug_list().entries(self.keys.iter().flatten()).finish()
    }
}

impl<A: Algorithm, const N: usize> VerifyingKeys for KeySet<A, N> {}

impl<A: Algorithm, const N: usize> sealed::Sealed for KeySet<A, N> {
    type Alg = A;
    const SELECTS_BY_KID: bool = true;

    fn key_for(&self, kid: Option<&str>) -> Result<&HmacKey<A>, Error> {
        match kid {
            Some(kid) => self.get(kid).ok_or(Error::UnknownKeyId),
            None => {
                let index = self.default.ok_or(Error::MissingKeyId)?;
                self.keys
                    .get(index)
                    .and_then(Option::as_ref)
                    .ok_or(Error::MissingKeyId)
            }
        }
    }
}
