//! `jsonwebtoken` 12, `rust_crypto` backend. It cannot take a fixed clock (it reads the system
//! time), requires `DeserializeOwned` claims, and checks exp, nbf, iss and aud itself.

use crate::claims::{AUD, Alg, FullBorrowed, FullOwned, ISS, LEEWAY, SECRET};

pub struct JsonWebToken {
    dec: jsonwebtoken::DecodingKey,
    enc: jsonwebtoken::EncodingKey,
    validation: jsonwebtoken::Validation,
    header: jsonwebtoken::Header,
}

impl JsonWebToken {
    pub fn alg(alg: Alg) -> jsonwebtoken::Algorithm {
        match alg {
            Alg::Hs256 => jsonwebtoken::Algorithm::HS256,
            Alg::Hs384 => jsonwebtoken::Algorithm::HS384,
            Alg::Hs512 => jsonwebtoken::Algorithm::HS512,
        }
    }
    pub fn new(alg: Alg) -> Self {
        let mut validation = jsonwebtoken::Validation::new(Self::alg(alg));
        validation.leeway = LEEWAY;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[ISS]);
        validation.set_audience(&[AUD]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);
        JsonWebToken {
            dec: jsonwebtoken::DecodingKey::from_secret(SECRET).unwrap(),
            enc: jsonwebtoken::EncodingKey::from_secret(SECRET).unwrap(),
            validation,
            header: jsonwebtoken::Header::new(Self::alg(alg)), // typ: "JWT"
        }
    }
    /// `decode` requires `T: DeserializeOwned`, hence owned `String`s.
    #[inline]
    pub fn verify(&self, token: &str) -> Result<FullOwned, ()> {
        jsonwebtoken::decode::<FullOwned>(token, &self.dec, &self.validation)
            .map(|d| d.claims)
            .map_err(|_| ())
    }
    #[inline]
    pub fn sign(&self, claims: &FullBorrowed<'_>) -> String {
        jsonwebtoken::encode(&self.header, claims, &self.enc).unwrap()
    }
}
