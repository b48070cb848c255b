//! `microjwt`, the crate under test: registered claims parsed and checked by the crate, the rest
//! into a borrowed struct, all in a caller scratch buffer allocated once outside the timed loop.

use serde::Deserialize;

use crate::claims::{AUD, Alg, Digest, FullBorrowed, ISS, LEEWAY, NOW, Roles, SECRET};

/// microjwt parses the registered claims (iss, sub, aud, exp, nbf, iat, jti)
/// itself, borrowed from the scratch buffer; the caller's type gets the rest,
/// borrowed too (no allocation anywhere).
#[derive(Deserialize, Clone, Copy, Debug)]
pub struct MjCustom<'a> {
    #[serde(default, borrow)]
    pub name: Option<&'a str>,
    #[serde(default)]
    pub admin: Option<bool>,
    #[serde(default, borrow)]
    pub scope: Option<&'a str>,
    #[serde(default, borrow)]
    pub roles: Option<Roles<'a>>,
    #[serde(default, borrow)]
    pub pad: Option<&'a str>,
}

pub enum MjKey {
    Hs256(microjwt::HmacKey<microjwt::Hs256>),
    Hs384(microjwt::HmacKey<microjwt::Hs384>),
    Hs512(microjwt::HmacKey<microjwt::Hs512>),
}

pub struct MicroJwt {
    key: MjKey,
    validation: microjwt::Validation<'static>,
}

/// Room for the 16 KiB-payload token of the size sweep (default cap: 8 KiB).
pub const MJ_MAX_TOKEN_LEN: usize = 64 * 1024;

impl MicroJwt {
    pub fn new(alg: Alg) -> Self {
        let key = match alg {
            Alg::Hs256 => MjKey::Hs256(microjwt::HmacKey::new(SECRET).unwrap()),
            Alg::Hs384 => MjKey::Hs384(microjwt::HmacKey::new(SECRET).unwrap()),
            Alg::Hs512 => MjKey::Hs512(microjwt::HmacKey::new(SECRET).unwrap()),
        };
        // exp is required by default; nbf is required explicitly to match the
        // peers; issuer()/audience() make iss/aud required and matched.
        let validation = microjwt::Validation::new(NOW)
            .leeway(LEEWAY)
            .issuer(ISS)
            .audience(&[AUD])
            .require(microjwt::Claim::Nbf)
            .max_token_len(MJ_MAX_TOKEN_LEN);
        MicroJwt { key, validation }
    }

    /// A scratch buffer big enough for `token` (allocated once, outside any timed loop).
    pub fn scratch_for(token: &str) -> Vec<u8> {
        vec![0u8; microjwt::scratch_len(token.len())]
    }

    #[inline]
    pub fn verify<'s>(
        &self,
        token: &str,
        scratch: &'s mut [u8],
    ) -> Result<microjwt::Claims<'s, MjCustom<'s>>, microjwt::Error> {
        match &self.key {
            MjKey::Hs256(k) => microjwt::verify(k, token, &self.validation, scratch),
            MjKey::Hs384(k) => microjwt::verify(k, token, &self.validation, scratch),
            MjKey::Hs512(k) => microjwt::verify(k, token, &self.validation, scratch),
        }
    }

    /// Writes the token into `buf` (microjwt's design: no `String`).
    #[inline]
    pub fn sign<'b>(&self, claims: &FullBorrowed<'_>, buf: &'b mut [u8]) -> &'b str {
        match &self.key {
            MjKey::Hs256(k) => microjwt::sign(k, claims, buf),
            MjKey::Hs384(k) => microjwt::sign(k, claims, buf),
            MjKey::Hs512(k) => microjwt::sign(k, claims, buf),
        }
        .unwrap()
    }
}

pub fn digest_mj(c: &microjwt::Claims<'_, MjCustom<'_>>) -> Digest {
    let r = c.registered();
    let u = c.custom();
    Digest {
        sub: r.sub().map(str::to_string),
        iss: r.iss().unwrap_or_default().to_string(),
        aud: r
            .aud()
            .and_then(|a| a.iter().next())
            .unwrap_or_default()
            .to_string(),
        exp: r.exp().unwrap().secs(),
        nbf: r.nbf().unwrap().secs(),
        name: u.name.map(str::to_string),
        admin: u.admin,
        roles: u.roles.map_or(0, |r| r.len),
        pad: u.pad.map_or(0, str::len),
    }
}
