//! The JOSE header (RFC 7515 §4): what `sign` writes and what `verify` reads.

use serde::Serialize;

/// The protected header of a verified token.
///
/// `alg` is not exposed as a string: it always equals the key's
/// [`Algorithm::NAME`](crate::Algorithm::NAME), or the token would not have verified.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header<'a> {
    pub(crate) typ: Option<&'a str>,
    pub(crate) cty: Option<&'a str>,
    pub(crate) kid: Option<&'a str>,
}

impl<'a> Header<'a> {
    /// `typ`: the media type of the whole token (RFC 7515 §4.1.9), e.g. `JWT`.
    pub fn typ(&self) -> Option<&'a str> {
        self.typ
    }

    /// `cty`: the media type of the payload (RFC 7515 §4.1.10). Never `JWT`: nested tokens are
    /// rejected.
    pub fn cty(&self) -> Option<&'a str> {
        self.cty
    }

    /// `kid`: which key made the token (RFC 7515 §4.1.4).
    pub fn kid(&self) -> Option<&'a str> {
        self.kid
    }
}

/// Header parameters for [`sign_with_header`](crate::sign_with_header), beyond the `alg` the key
/// fixes.
///
/// The header is written with members in a fixed order: `alg`, `typ`, `cty`, `kid`.
///
/// ```
/// use microjwt::HeaderOptions;
/// let header = HeaderOptions::new().typ(Some("at+jwt")).kid("2026-11");
/// # let _ = header;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderOptions<'a> {
    pub(crate) typ: Option<&'a str>,
    pub(crate) cty: Option<&'a str>,
    pub(crate) kid: Option<&'a str>,
}

impl Default for HeaderOptions<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> HeaderOptions<'a> {
    /// `typ` `JWT` (RFC 7519 §5.1), no `cty`, and the key's own `kid` if it has one.
    pub const fn new() -> Self {
        Self {
            typ: Some("JWT"),
            cty: None,
            kid: None,
        }
    }

    /// Sets or removes `typ`. Explicit types such as `at+jwt` (RFC 9068) keep one kind of token
    /// from being accepted as another (RFC 8725 §3.11).
    #[must_use]
    pub const fn typ(mut self, typ: Option<&'a str>) -> Self {
        self.typ = typ;
        self
    }

    /// Sets `cty`.
    #[must_use]
    pub const fn cty(mut self, cty: &'a str) -> Self {
        self.cty = Some(cty);
        self
    }

    /// Sets `kid`, overriding the key's own.
    #[must_use]
    pub const fn kid(mut self, kid: &'a str) -> Self {
        self.kid = Some(kid);
        self
    }
}

/// The header as serialized: field order is member order.
#[derive(Serialize)]
pub(crate) struct HeaderJson<'a> {
    pub(crate) alg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) typ: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cty: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kid: Option<&'a str>,
}
