//! `jwt-simple` 0.15, `pure-rust`: it checks alg, the MAC, iss, aud and (when present) exp and
//! nbf; the adapter requires exp and nbf to be present, as the other crates do.

use crate::claims::{AUD, Alg, Digest, FullBorrowed, ISS, LEEWAY, NOW, SECRET};
use serde::{Deserialize, Serialize};

/// jwt-simple parses iat/exp/nbf/iss/sub/aud/jti (and nonce) into
/// `JWTClaims<T>`; the rest is `T` (flattened), `T: DeserializeOwned`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct JsCustom {
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

#[derive(Serialize, Clone, Copy, Debug)]
pub struct JsCustomBorrowed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'a str>,
}

use jwt_simple::prelude::MACLike as _;

pub enum JsKey {
    Hs256(jwt_simple::prelude::HS256Key),
    Hs384(jwt_simple::prelude::HS384Key),
    Hs512(jwt_simple::prelude::HS512Key),
}

pub struct JwtSimple {
    key: JsKey,
    options: jwt_simple::prelude::VerificationOptions,
}

pub type JsClaims = jwt_simple::prelude::JWTClaims<JsCustom>;

impl JwtSimple {
    pub fn new(alg: Alg) -> Self {
        use jwt_simple::prelude::*;
        let key = match alg {
            Alg::Hs256 => JsKey::Hs256(HS256Key::from_bytes(SECRET)),
            Alg::Hs384 => JsKey::Hs384(HS384Key::from_bytes(SECRET)),
            Alg::Hs512 => JsKey::Hs512(HS512Key::from_bytes(SECRET)),
        };
        let options = VerificationOptions {
            allowed_issuers: Some(std::collections::HashSet::from([ISS.to_string()])),
            allowed_audiences: Some(std::collections::HashSet::from([AUD.to_string()])),
            time_tolerance: Some(Duration::from_secs(LEEWAY)),
            artificial_time: Some(UnixTimeStamp::from_secs(NOW)),
            ..Default::default()
        };
        JwtSimple { key, options }
    }

    /// `verify_token` takes `Option<VerificationOptions>` BY VALUE, so the
    /// options (two HashSets) are cloned per call: that is its API's cost.
    /// jwt-simple checks exp/nbf only when present, so their presence is
    /// checked here (the others require them).
    #[inline]
    pub fn verify(&self, token: &str) -> Result<JsClaims, ()> {
        let opts = Some(self.options.clone());
        let c: JsClaims = match &self.key {
            JsKey::Hs256(k) => k.verify_token(token, opts),
            JsKey::Hs384(k) => k.verify_token(token, opts),
            JsKey::Hs512(k) => k.verify_token(token, opts),
        }
        .map_err(|_| ())?;
        if c.expires_at.is_none() || c.invalid_before.is_none() {
            return Err(());
        }
        Ok(c)
    }

    /// `authenticate` takes `JWTClaims<T>` by value (its registered claims are
    /// `Option<String>`s): the prepared claims are cloned per call.
    #[inline]
    pub fn sign(&self, claims: &jwt_simple::prelude::JWTClaims<JsCustomBorrowed<'_>>) -> String {
        let c = claims.clone();
        match &self.key {
            JsKey::Hs256(k) => k.authenticate(c),
            JsKey::Hs384(k) => k.authenticate(c),
            JsKey::Hs512(k) => k.authenticate(c),
        }
        .unwrap()
    }

    pub fn sign_input(
        c: &FullBorrowed<'static>,
    ) -> jwt_simple::prelude::JWTClaims<JsCustomBorrowed<'static>> {
        use jwt_simple::prelude::*;
        let mut claims = Claims::with_custom_claims(
            JsCustomBorrowed {
                name: c.name,
                admin: c.admin,
                scope: c.scope,
            },
            Duration::from_secs(1),
        );
        claims.issued_at = c.iat.map(UnixTimeStamp::from_secs);
        claims.expires_at = Some(UnixTimeStamp::from_secs(c.exp));
        claims.invalid_before = Some(UnixTimeStamp::from_secs(c.nbf));
        claims.issuer = Some(c.iss.to_string());
        claims.subject = c.sub.map(str::to_string);
        claims.audiences = Some(Audiences::AsString(c.aud.to_string()));
        claims.jwt_id = c.jti.map(str::to_string);
        claims.nonce = None;
        claims
    }
}

pub fn digest_js(c: &JsClaims) -> Digest {
    use jwt_simple::prelude::Audiences;
    Digest {
        sub: c.subject.clone(),
        iss: c.issuer.clone().unwrap_or_default(),
        aud: match &c.audiences {
            Some(Audiences::AsString(s)) => s.clone(),
            _ => String::new(),
        },
        exp: c.expires_at.unwrap().as_secs(),
        nbf: c.invalid_before.unwrap().as_secs(),
        name: c.custom.name.clone(),
        admin: c.custom.admin,
        roles: c.custom.roles.as_ref().map_or(0, |r| r.len()),
        pad: c.custom.pad.as_ref().map_or(0, |p| p.len()),
    }
}
