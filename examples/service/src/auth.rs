//! Authentication, as an axum extractor you can copy: Bearer parsing (RFC 6750 §2.1), the two
//! session back-ends behind one trait, and failures answered as RFC 6750 §3 says.
//!
//! A handler that takes [`Auth`] runs only for a valid session; one that takes [`Admin`] only for
//! an admin's. Everything else is answered before the handler runs:
//!
//! | request | status | `WWW-Authenticate` |
//! | --- | --- | --- |
//! | no `Authorization: Bearer` | 401 | `Bearer realm="microjwt-service"` (no error code, §3.1) |
//! | malformed header | 400 | `…, error="invalid_request", error_description="…"` |
//! | forged, unknown or logged-out token | 401 | `…, error="invalid_token", error_description="invalid token"` |
//! | expired token | 401 | `…, error="invalid_token", error_description="token expired"` |
//! | token voided by a cutoff or revocation | 401 | `…, error="invalid_token", error_description="token revoked"` |
//! | valid token, not an admin | 403 | `…, error="insufficient_scope", error_description="admin role required"` |

use std::fmt;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The realm in every challenge. RFC 6750 §3 requires at least one auth-param after `Bearer`,
/// so even the bare "please authenticate" challenge carries it.
pub const REALM: &str = "microjwt-service";

/// Which session back-end serves the routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A random session id, stored hashed in the `sessions` table, looked up on every request.
    Db,
    /// A microjwt token, verified in memory.
    Jwt,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Db => "db",
            Mode::Jwt => "jwt",
        })
    }
}

/// What a user may do. Stored with the user, copied into the session row or the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// May delete items and log others out.
    Admin,
    /// May read items.
    User,
}

impl Role {
    /// The role as stored in the database and in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            _ => None,
        }
    }
}

/// A user whose password was just checked: what a session is issued for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The user name (also the token's `sub`).
    pub name: String,
    /// Their role.
    pub role: Role,
}

/// The authenticated caller of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// Who.
    pub username: String,
    /// What they may do.
    pub role: Role,
    /// The db back-end's session key (SHA-256 of the session id), so logout can delete that row.
    pub(crate) session_row: Option<[u8; 32]>,
}

/// A freshly issued session, as `POST /login` returns it (the shape of RFC 6749 §5.1).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Issued {
    /// The bearer token: a session id (db) or a JWT (jwt).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the session expires.
    pub expires_in: u64,
}

/// What a logout did, as the admin routes answer it.
#[derive(Clone, Debug, Serialize, Default, PartialEq, Eq)]
pub struct LogoutOutcome {
    /// db: how many session rows were deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_deleted: Option<u64>,
    /// jwt: tokens issued before this time (`iat`) are void, for everyone or for the one user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_after: Option<u64>,
}

/// What `POST /admin/rotate-key` did (jwt only).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rotation {
    /// The new signing key's `kid`.
    pub signing_kid: String,
    /// Older keys still verifying their tokens, each with the time it will be dropped.
    pub retired: Vec<RetiredKey>,
    /// Keys dropped at once: every token they signed is void.
    pub dropped: Vec<String>,
}

/// A key that no longer signs but still verifies until its last token has expired.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RetiredKey {
    /// Its `kid`.
    pub kid: String,
    /// When purging drops it: its last token's `exp`, plus the leeway.
    pub drop_after: u64,
}

/// A failure of the store itself (database, RNG): answered 500, never "invalid token".
#[derive(Debug)]
pub enum StoreError {
    /// SQLite said no.
    Db(rusqlite::Error),
    /// The OS RNG failed.
    Rng(getrandom::Error),
    /// Password hashing failed (a malformed stored hash, say).
    Password(argon2::password_hash::Error),
    /// A key, a token or stored state is not what it must be.
    Invalid(String),
    /// The request conflicts with the current state (e.g. the key set is full).
    Conflict(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Db(e) => write!(f, "database: {e}"),
            StoreError::Rng(e) => write!(f, "OS random number generator: {e}"),
            StoreError::Password(e) => write!(f, "password hash: {e}"),
            StoreError::Invalid(e) => f.write_str(e),
            StoreError::Conflict(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e)
    }
}

impl From<getrandom::Error> for StoreError {
    fn from(e: getrandom::Error) -> Self {
        StoreError::Rng(e)
    }
}

impl From<microjwt::Error> for StoreError {
    fn from(e: microjwt::Error) -> Self {
        StoreError::Invalid(format!("microjwt: {e}"))
    }
}

impl IntoResponse for StoreError {
    fn into_response(self) -> Response {
        match self {
            StoreError::Conflict(message) => json_error(
                StatusCode::CONFLICT,
                None,
                &serde_json::json!({ "error": "conflict", "error_description": message }),
            ),
            other => {
                // The details are for the operator's log, not for the client.
                eprintln!("microjwt-service: internal error: {other}");
                json_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    &serde_json::json!({ "error": "internal_error" }),
                )
            }
        }
    }
}

/// One session back-end. Both implement every route's needs, so the router is the same.
///
/// Methods are synchronous: the db back-end runs SQLite inline (a primary-key lookup takes
/// microseconds, less than a hop to a blocking thread would), the jwt back-end needs no I/O.
pub trait SessionStore: Send + Sync + 'static {
    /// Which back-end this is.
    fn mode(&self) -> Mode;

    /// Whether a session issued for `name` now would survive the cutoffs in force. A cutoff
    /// voids the whole second it was set in (`iat` has whole seconds), so right after a logout
    /// this is false until the next second. Always true for the db back-end.
    fn can_issue(&self, _name: &str) -> bool {
        true
    }

    /// Starts a session for `user`, whose password was just checked.
    ///
    /// # Errors
    /// A database or RNG failure.
    fn issue(&self, user: &User) -> Result<Issued, StoreError>;

    /// Checks a bearer token: the per-request work.
    ///
    /// # Errors
    /// Why the token does not authenticate, or [`AuthError::Internal`].
    fn authenticate(&self, token: &str) -> Result<Principal, AuthError>;

    /// `POST /logout`: db deletes this session's row; jwt voids the caller's tokens issued until
    /// now (a per-user cutoff: a token cannot be deleted, and a per-token deny list would be a
    /// session table again).
    ///
    /// # Errors
    /// A database failure.
    fn logout(&self, principal: &Principal) -> Result<LogoutOutcome, StoreError>;

    /// `POST /admin/logout-everyone`.
    ///
    /// # Errors
    /// A database failure.
    fn logout_everyone(&self) -> Result<LogoutOutcome, StoreError>;

    /// `POST /admin/users/{name}/logout`.
    ///
    /// # Errors
    /// A database failure.
    fn logout_user(&self, name: &str) -> Result<LogoutOutcome, StoreError>;

    /// `POST /admin/rotate-key`: `None` when the back-end has no key (db).
    ///
    /// # Errors
    /// A database or RNG failure, or [`StoreError::Conflict`] when the key set is full.
    fn rotate_key(&self, drop_old: bool) -> Result<Option<Rotation>, StoreError>;

    /// Re-reads what other instances may have changed (jwt: epoch, cutoffs, keys). Cheap when
    /// nothing changed: one query of a version number.
    ///
    /// # Errors
    /// A database failure.
    fn refresh(&self) -> Result<(), StoreError>;

    /// Deletes what can no longer matter: expired session rows (db); cutoffs older than any live
    /// token and keys past their last token (jwt). Returns how many rows went.
    ///
    /// # Errors
    /// A database failure.
    fn purge(&self) -> Result<u64, StoreError>;
}

/// The shared handle to the back-end, as routes and extractors hold it.
pub type Sessions = Arc<dyn SessionStore>;

/// Why a request is not let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// No bearer credentials at all (or another scheme): 401 with no error code (RFC 6750 §3.1).
    Missing,
    /// An `Authorization` header that is not a well-formed Bearer credential, or several of
    /// them: 400 `invalid_request` (RFC 6750 §3.1).
    Malformed,
    /// A token that proves nothing: forged, tampered, unknown key, logged out (db). 401.
    Invalid,
    /// A genuine token past its `exp` (or a db session past its expiry): "log in again". 401.
    Expired,
    /// A genuine token whose `nbf` is still ahead. 401.
    NotYetValid,
    /// A genuine token voided by the issued-after epoch or a per-user cutoff. 401.
    Revoked,
    /// Authenticated, but not an admin: 403 `insufficient_scope` (RFC 6750 §3.1).
    Forbidden,
    /// The store failed: 500, fail closed, and do not blame the token.
    Internal,
}

impl AuthError {
    /// The microjwt verdict, as the client needs it: "expired" is told apart from "forged".
    ///
    /// `microjwt::Error` is `#[non_exhaustive]` and grows: only the variants with their own
    /// answer are named, everything else is "invalid token".
    pub fn from_jwt(err: &microjwt::Error) -> Self {
        match err {
            microjwt::Error::Expired { .. } => AuthError::Expired,
            microjwt::Error::NotYetValid { .. } => AuthError::NotYetValid,
            microjwt::Error::IssuedBeforeCutoff { .. } | microjwt::Error::Revoked => {
                AuthError::Revoked
            }
            _ => AuthError::Invalid,
        }
    }

    /// The `error` code and `error_description` (RFC 6750 §3: both quoted-string safe).
    fn code_and_description(self) -> Option<(&'static str, &'static str)> {
        match self {
            AuthError::Missing | AuthError::Internal => None,
            AuthError::Malformed => Some(("invalid_request", "malformed Authorization header")),
            AuthError::Invalid => Some(("invalid_token", "invalid token")),
            AuthError::Expired => Some(("invalid_token", "token expired")),
            AuthError::NotYetValid => Some(("invalid_token", "token not yet valid")),
            AuthError::Revoked => Some(("invalid_token", "token revoked")),
            AuthError::Forbidden => Some(("insufficient_scope", "admin role required")),
        }
    }

    /// The exact `WWW-Authenticate` value this error is answered with (None for a 500).
    pub fn challenge(self) -> Option<String> {
        match (self, self.code_and_description()) {
            (AuthError::Internal, _) => None,
            (_, None) => Some(format!("Bearer realm=\"{REALM}\"")),
            (_, Some((code, description))) => Some(format!(
                "Bearer realm=\"{REALM}\", error=\"{code}\", error_description=\"{description}\""
            )),
        }
    }

    /// The HTTP status (RFC 6750 §3.1).
    pub fn status(self) -> StatusCode {
        match self {
            AuthError::Malformed => StatusCode::BAD_REQUEST,
            AuthError::Forbidden => StatusCode::FORBIDDEN,
            AuthError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        // The body repeats the challenge as JSON, for clients that do not parse headers.
        let body = match self.code_and_description() {
            Some((code, description)) => {
                serde_json::json!({ "error": code, "error_description": description })
            }
            None if self == AuthError::Internal => serde_json::json!({ "error": "internal_error" }),
            None => serde_json::json!({ "error_description": "bearer token required" }),
        };
        json_error(self.status(), self.challenge(), &body)
    }
}

/// A JSON error response, with a `WWW-Authenticate` challenge when there is one.
pub(crate) fn json_error(
    status: StatusCode,
    challenge: Option<String>,
    body: &serde_json::Value,
) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
///
/// # Errors
/// [`AuthError::Missing`] when there is no `Authorization` header or it uses another scheme
/// ("attempted using an unsupported authentication method", §3.1); [`AuthError::Malformed`]
/// for several `Authorization` headers or a Bearer credential that is not a `b64token`.
pub fn bearer_token(parts: &Parts) -> Result<&str, AuthError> {
    let mut values = parts.headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(match parts.headers.contains_key(AUTHORIZATION) {
            true => AuthError::Malformed,
            false => AuthError::Missing,
        });
    };
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    // The scheme is case-insensitive (RFC 9110 §11.1); the token is not.
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(AuthError::Missing);
    }
    let token = rest.trim_start_matches(' ');
    // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    let body = token.trim_end_matches('=');
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || "-._~+/".contains(c);
    if body.is_empty() || !body.chars().all(is_b64) {
        return Err(AuthError::Malformed);
    }
    Ok(token)
}

/// The extractor: a handler with an `Auth` argument runs only for an authenticated caller.
///
/// Works with any router state from which a [`Sessions`] handle can be taken (`FromRef`).
#[derive(Clone, Debug)]
pub struct Auth(pub Principal);

impl<S> FromRequestParts<S> for Auth
where
    S: Send + Sync,
    Sessions: FromRef<S>,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts)?;
        let sessions = Sessions::from_ref(state);
        sessions.authenticate(token).map(Auth)
    }
}

/// Like [`Auth`], and the caller must be an admin: 403 `insufficient_scope` otherwise.
#[derive(Clone, Debug)]
pub struct Admin(pub Principal);

impl<S> FromRequestParts<S> for Admin
where
    S: Send + Sync,
    Sessions: FromRef<S>,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Auth(principal) = Auth::from_request_parts(parts, state).await?;
        match principal.role {
            Role::Admin => Ok(Admin(principal)),
            Role::User => Err(AuthError::Forbidden),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(values: &[&str]) -> Parts {
        let mut builder = Request::builder();
        for v in values {
            builder = builder.header(AUTHORIZATION, *v);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn bearer_parsing_follows_rfc_6750_section_2_1() {
        assert_eq!(
            bearer_token(&parts(&["Bearer abc.def-_~+/=="])),
            Ok("abc.def-_~+/==")
        );
        assert_eq!(bearer_token(&parts(&["bearer  abc"])), Ok("abc"));
        assert_eq!(bearer_token(&parts(&[])), Err(AuthError::Missing));
        assert_eq!(
            bearer_token(&parts(&["Basic YWxpY2U6cHc="])),
            Err(AuthError::Missing)
        );
        assert_eq!(bearer_token(&parts(&["Bearer"])), Err(AuthError::Malformed));
        assert_eq!(
            bearer_token(&parts(&["Bearer "])),
            Err(AuthError::Malformed)
        );
        assert_eq!(
            bearer_token(&parts(&["Bearer a b"])),
            Err(AuthError::Malformed)
        );
        assert_eq!(
            bearer_token(&parts(&["Bearer a=b"])),
            Err(AuthError::Malformed)
        );
        assert_eq!(
            bearer_token(&parts(&["Bearer ="])),
            Err(AuthError::Malformed)
        );
        assert_eq!(
            bearer_token(&parts(&["Bearer a", "Bearer b"])),
            Err(AuthError::Malformed)
        );
    }

    #[test]
    fn challenges_are_exact() {
        assert_eq!(
            AuthError::Missing.challenge().as_deref(),
            Some("Bearer realm=\"microjwt-service\"")
        );
        assert_eq!(
            AuthError::Expired.challenge().as_deref(),
            Some(
                "Bearer realm=\"microjwt-service\", error=\"invalid_token\", \
                 error_description=\"token expired\""
            )
        );
        assert_eq!(AuthError::Internal.challenge(), None);
        assert_eq!(AuthError::Forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(AuthError::Malformed.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn jwt_errors_map_to_what_the_client_can_act_on() {
        use microjwt::Error;
        assert_eq!(
            AuthError::from_jwt(&Error::Expired { exp: 1, now: 2 }),
            AuthError::Expired
        );
        assert_eq!(
            AuthError::from_jwt(&Error::InvalidSignature),
            AuthError::Invalid
        );
        assert_eq!(
            AuthError::from_jwt(&Error::UnknownKeyId),
            AuthError::Invalid
        );
        assert_eq!(AuthError::from_jwt(&Error::Revoked), AuthError::Revoked);
        assert_eq!(
            AuthError::from_jwt(&Error::IssuedBeforeCutoff { iat: 1, cutoff: 2 }),
            AuthError::Revoked
        );
    }
}
