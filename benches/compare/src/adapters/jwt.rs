//! `jwt` 0.16 (hmac 0.12 / sha2 0.10, whose pre-keyed `Hmac` is its key type): it checks alg
//! and the MAC and has no claim validation, so the adapter checks exp, nbf, iss and aud.

use crate::claims::{AUD, Alg, FullBorrowed, FullOwned, ISS, LEEWAY, NOW, SECRET};

use jwt::{SignWithKey as _, VerifyWithKey as _};

pub enum JwtKey {
    Hs256(hmac012::Hmac<sha2010::Sha256>),
    Hs384(hmac012::Hmac<sha2010::Sha384>),
    Hs512(hmac012::Hmac<sha2010::Sha512>),
}

pub struct Jwt {
    key: JwtKey,
    alg: jwt::AlgorithmType,
}

impl Jwt {
    pub fn new(alg: Alg) -> Self {
        use hmac012::digest::KeyInit as _;
        let (key, a) = match alg {
            Alg::Hs256 => (
                JwtKey::Hs256(hmac012::Hmac::new_from_slice(SECRET).unwrap()),
                jwt::AlgorithmType::Hs256,
            ),
            Alg::Hs384 => (
                JwtKey::Hs384(hmac012::Hmac::new_from_slice(SECRET).unwrap()),
                jwt::AlgorithmType::Hs384,
            ),
            Alg::Hs512 => (
                JwtKey::Hs512(hmac012::Hmac::new_from_slice(SECRET).unwrap()),
                jwt::AlgorithmType::Hs512,
            ),
        };
        Jwt { key, alg: a }
    }

    /// jwt checks header alg == key alg and the MAC (it deserializes the
    /// claims before the MAC check); it has no claim validation at all, so
    /// exp/nbf (leeway 60 s, fixed NOW) and iss/aud are checked here.
    /// `FromBase64` requires `for<'de> Deserialize<'de>`, hence owned.
    #[inline]
    pub fn verify(&self, token: &str) -> Result<FullOwned, ()> {
        let t: jwt::Token<jwt::Header, FullOwned, jwt::Verified> = match &self.key {
            JwtKey::Hs256(k) => token.verify_with_key(k),
            JwtKey::Hs384(k) => token.verify_with_key(k),
            JwtKey::Hs512(k) => token.verify_with_key(k),
        }
        .map_err(|_| ())?;
        let (_, c) = t.into();
        if c.exp + LEEWAY <= NOW || c.nbf > NOW + LEEWAY || c.iss != ISS || c.aud != AUD {
            return Err(());
        }
        Ok(c)
    }

    #[inline]
    pub fn sign(&self, claims: &FullBorrowed<'_>) -> String {
        // `jwt::Header` is not `Clone`; building it allocates nothing.
        let header = jwt::Header {
            algorithm: self.alg,
            type_: Some(jwt::header::HeaderType::JsonWebToken),
            ..Default::default()
        };
        let t = jwt::Token::new(header, claims);
        let signed = match &self.key {
            JwtKey::Hs256(k) => t.sign_with_key(k),
            JwtKey::Hs384(k) => t.sign_with_key(k),
            JwtKey::Hs512(k) => t.sign_with_key(k),
        }
        .unwrap();
        signed.into()
    }
}
