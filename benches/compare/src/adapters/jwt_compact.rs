//! `jwt-compact` 0.8: it checks alg and the MAC and parses exp/nbf/iat into its `Claims<T>`; the
//! adapter validates exp and nbf with a fixed clock and compares iss and aud itself.

use crate::claims::{AUD, Alg, Digest, FullBorrowed, ISS, LEEWAY, NOW, SECRET};
use serde::{Deserialize, Serialize};

/// jwt-compact parses exp/nbf/iat into `Claims<T>`; the rest is `T`
/// (via `#[serde(flatten)]`), and `T: DeserializeOwned`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct JcCustom {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub: Option<String>,
    pub iss: String,
    pub aud: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pad: Option<String>,
}

/// Borrowed version of [`JcCustom`] for signing (jwt-compact serializes `&Claims<T>`).
#[derive(Serialize, Clone, Copy, Debug)]
pub struct JcCustomBorrowed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<&'a str>,
    pub iss: &'a str,
    pub aud: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'a str>,
}

use jwt_compact::AlgorithmExt as _;

pub type JcTime = jwt_compact::TimeOptions<fn() -> chrono::DateTime<chrono::Utc>>;

fn jc_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(NOW as i64, 0).unwrap()
}

pub enum JcKey {
    Hs256(jwt_compact::alg::Hs256Key),
    Hs384(jwt_compact::alg::Hs384Key),
    Hs512(jwt_compact::alg::Hs512Key),
}

pub struct JwtCompact {
    key: JcKey,
    time: JcTime,
    header: jwt_compact::Header,
}

impl JwtCompact {
    pub fn new(alg: Alg) -> Self {
        let key = match alg {
            Alg::Hs256 => JcKey::Hs256(jwt_compact::alg::Hs256Key::new(SECRET)),
            Alg::Hs384 => JcKey::Hs384(jwt_compact::alg::Hs384Key::new(SECRET)),
            Alg::Hs512 => JcKey::Hs512(jwt_compact::alg::Hs512Key::new(SECRET)),
        };
        JwtCompact {
            key,
            time: jwt_compact::TimeOptions::new(chrono::Duration::seconds(LEEWAY as i64), jc_now),
            header: jwt_compact::Header::empty().with_token_type("JWT"),
        }
    }

    /// jwt-compact checks alg + MAC and parses exp/nbf/iat; exp and nbf are
    /// then validated (both required) with the fixed clock; iss/aud are not
    /// known to the crate and are compared here.
    #[inline]
    pub fn verify(&self, token: &str) -> Result<jwt_compact::Claims<JcCustom>, ()> {
        let untrusted = jwt_compact::UntrustedToken::new(token).map_err(|_| ())?;
        let t = match &self.key {
            JcKey::Hs256(k) => jwt_compact::alg::Hs256
                .validator::<JcCustom>(k)
                .validate(&untrusted),
            JcKey::Hs384(k) => jwt_compact::alg::Hs384
                .validator::<JcCustom>(k)
                .validate(&untrusted),
            JcKey::Hs512(k) => jwt_compact::alg::Hs512
                .validator::<JcCustom>(k)
                .validate(&untrusted),
        }
        .map_err(|_| ())?;
        let (_, claims) = t.into_parts();
        claims
            .validate_expiration(&self.time)
            .and_then(|c| c.validate_maturity(&self.time))
            .map_err(|_| ())?;
        if claims.custom.iss != ISS || claims.custom.aud != AUD {
            return Err(());
        }
        Ok(claims)
    }

    #[inline]
    pub fn sign(&self, claims: &jwt_compact::Claims<JcCustomBorrowed<'_>>) -> String {
        match &self.key {
            JcKey::Hs256(k) => jwt_compact::alg::Hs256.token(&self.header, claims, k),
            JcKey::Hs384(k) => jwt_compact::alg::Hs384.token(&self.header, claims, k),
            JcKey::Hs512(k) => jwt_compact::alg::Hs512.token(&self.header, claims, k),
        }
        .unwrap()
    }

    pub fn sign_input(c: &FullBorrowed<'static>) -> jwt_compact::Claims<JcCustomBorrowed<'static>> {
        let mut claims = jwt_compact::Claims::new(JcCustomBorrowed {
            sub: c.sub,
            iss: c.iss,
            aud: c.aud,
            jti: c.jti,
            name: c.name,
            admin: c.admin,
            scope: c.scope,
        });
        let ts = |t: u64| chrono::DateTime::from_timestamp(t as i64, 0).unwrap();
        claims.expiration = Some(ts(c.exp));
        claims.not_before = Some(ts(c.nbf));
        claims.issued_at = c.iat.map(ts);
        claims
    }
}

pub fn digest_jc(c: &jwt_compact::Claims<JcCustom>) -> Digest {
    Digest {
        sub: c.custom.sub.clone(),
        iss: c.custom.iss.clone(),
        aud: c.custom.aud.clone(),
        exp: c.expiration.unwrap().timestamp() as u64,
        nbf: c.not_before.unwrap().timestamp() as u64,
        name: c.custom.name.clone(),
        admin: c.custom.admin,
        roles: c.custom.roles.as_ref().map_or(0, |r| r.len()),
        pad: c.custom.pad.as_ref().map_or(0, |p| p.len()),
    }
}
