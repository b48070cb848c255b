//! The microjwt back-end: sessions as MAC'd tokens, verified in memory.
//!
//! The database holds what every verifier shares, and nothing per session:
//! - the key set (`signing_keys`): the signing key, and retired keys kept until their last
//!   token has expired;
//! - the issued-after epoch (`auth_state.issued_after`): raise it, and every older token is void;
//! - per-user cutoffs (`user_cutoffs`): the same, for one user, applied through microjwt's
//!   `Revocation` hook;
//! - a `version`, raised by every change to the three.
//!
//! Each instance caches all of it in a [`Snapshot`]. An authenticated request reads only the
//! snapshot: zero queries. An admin write on this instance updates the database and then this
//! instance's snapshot at once; other instances see it at their next [`refresh`], which costs
//! one query (`SELECT version`) when nothing changed.
//!
//! [`refresh`]: SessionStore::refresh

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{HmacKey, Hs256, KeySet, NumericDate, RegisteredClaims, Validation};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::auth::{
    AuthError, Issued, LogoutOutcome, Mode, Principal, RetiredKey, Role, Rotation, SessionStore,
    StoreError, User,
};
use crate::clock::Clock;
use crate::db::{Conn, Database, QueryKind, random_bytes};

/// Keys a verifier holds at once: the signing key and the retired ones still in use. Rotating
/// faster than tokens expire fills it; `rotate-key` then asks to drop the old keys.
pub const MAX_KEYS: usize = 4;

/// The longest token accepted; ours are about 300 bytes.
pub const MAX_TOKEN_LEN: usize = 1024;

/// The verifier's scratch buffer, on the stack: no allocation per request.
const SCRATCH_LEN: usize = microjwt::scratch_len(MAX_TOKEN_LEN);

/// What the token says, as signed.
#[derive(Serialize)]
struct SessionClaims<'a> {
    iss: &'a str,
    aud: &'a str,
    sub: &'a str,
    role: Role,
    iat: u64,
    exp: u64,
}

/// The one custom claim read back; `sub`, `iat` and the rest come from the registered claims.
#[derive(Deserialize)]
struct RoleClaim {
    role: Role,
}

/// Token settings: who signs, for whom, for how long.
#[derive(Clone, Debug)]
pub struct JwtSettings {
    /// `iss`, required to match.
    pub issuer: String,
    /// `aud`, required to match.
    pub audience: String,
    /// `exp - iat`.
    pub session_secs: u64,
    /// Clock skew allowed between instances, for `exp`.
    pub leeway_secs: u64,
}

impl JwtSettings {
    /// How long after a cutoff or a key's retirement a token it concerns can still be unexpired:
    /// its lifetime plus the leeway.
    fn horizon(&self) -> u64 {
        self.session_secs + self.leeway_secs
    }
}

/// A key given by configuration (key file or environment variable).
#[derive(Clone)]
pub struct ConfiguredKey {
    /// Its `kid`.
    pub kid: String,
    /// The secret, base64url (as a JWK's `k`), at least 32 bytes decoded.
    pub secret_b64: String,
}

impl std::fmt::Debug for ConfiguredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfiguredKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive() // never the secret
    }
}

/// Everything a request needs, in memory.
#[derive(Debug)]
pub struct Snapshot {
    /// `auth_state.version` when read.
    pub version: i64,
    /// Every key that verifies.
    pub keys: KeySet<Hs256, MAX_KEYS>,
    /// The key that signs (also in `keys`).
    pub signing: HmacKey<Hs256>,
    /// The epoch.
    pub issued_after: u64,
    /// Per-user cutoffs.
    pub cutoffs: HashMap<String, u64>,
}

/// The microjwt session back-end.
#[derive(Debug)]
pub struct JwtSessions {
    db: Arc<Database>,
    clock: Clock,
    settings: JwtSettings,
    snapshot: RwLock<Arc<Snapshot>>,
}

impl JwtSessions {
    /// Opens the back-end on `db`: makes sure a signing key exists (the configured one, or a
    /// new random one when the database has none), then loads the snapshot.
    ///
    /// With a configured key: if its `kid` is new to the database it becomes the signing key
    /// (the previous one is retired, as by `rotate-key`); if the database has that `kid` with
    /// another secret, opening fails rather than silently signing with either.
    ///
    /// # Errors
    /// A malformed configured key, a `kid` clash, a database or RNG failure.
    pub fn open(
        db: Arc<Database>,
        clock: Clock,
        settings: JwtSettings,
        configured: Option<&ConfiguredKey>,
    ) -> Result<Self, StoreError> {
        if let Some(key) = configured {
            // Fail at start, not at the first login.
            HmacKey::<Hs256>::from_base64url(key.secret_b64.trim())?.with_kid(&key.kid)?;
        }
        let now = clock.now();
        let horizon = settings.horizon();
        db.conn(QueryKind::Setup)?.transaction(true, |conn| {
            let active: Option<String> = conn.query_opt(
                "SELECT kid FROM signing_keys WHERE retired_at IS NULL",
                [],
                |r| r.get(0),
            )?;
            match configured {
                Some(key) => {
                    let stored: Option<String> = conn.query_opt(
                        "SELECT secret FROM signing_keys WHERE kid = ?1",
                        params![key.kid],
                        |r| r.get(0),
                    )?;
                    match stored {
                        Some(secret) if secret == key.secret_b64.trim() => Ok(()),
                        Some(_) => Err(StoreError::Invalid(format!(
                            "the database already has a key {:?} with another secret: \
                             configure a new key id to rotate",
                            key.kid
                        ))),
                        None => {
                            retire_signing_key(conn, now, now + horizon)?;
                            insert_signing_key(conn, &key.kid, key.secret_b64.trim(), now)?;
                            bump_version(conn)
                        }
                    }
                }
                None if active.is_some() => Ok(()),
                None => {
                    let (kid, secret) = new_key()?;
                    insert_signing_key(conn, &kid, &secret, now)?;
                    bump_version(conn)
                }
            }
        })?;
        let snapshot = load(&db.conn(QueryKind::Setup)?, now)?;
        Ok(Self {
            db,
            clock,
            settings,
            snapshot: RwLock::new(Arc::new(snapshot)),
        })
    }

    /// The snapshot requests are checked against now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(guard) => Arc::clone(&guard),
            // A panic while swapping an Arc cannot leave it half-written: keep serving.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace_snapshot(&self, snapshot: Snapshot) {
        let mut guard = match self.snapshot.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(snapshot);
    }

    /// After a write of ours: re-read at once, so this instance applies it to the next request.
    fn reload(&self, kind: QueryKind) -> Result<(), StoreError> {
        let snapshot = load(&self.db.conn(kind)?, self.clock.now())?;
        self.replace_snapshot(snapshot);
        Ok(())
    }
}

/// Reads the shared state in one read transaction, so keys, epoch and cutoffs are consistent.
fn load(conn: &Conn<'_>, now: u64) -> Result<Snapshot, StoreError> {
    conn.transaction(false, |conn| {
        let (version, issued_after) = conn.query_row(
            "SELECT version, issued_after FROM auth_state WHERE id = 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u64>(1)?)),
        )?;
        let rows = conn.query_all(
            "SELECT kid, secret, retired_at IS NULL, drop_after FROM signing_keys
             ORDER BY created_at, kid",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<u64>>(3)?,
                ))
            },
        )?;
        let mut keys = KeySet::new();
        let mut signing = None;
        for (kid, secret, active, drop_after) in rows {
            if drop_after.is_some_and(|t| t <= now) {
                continue; // past its last token: the purge will delete the row
            }
            let key = HmacKey::<Hs256>::from_base64url(&secret)?.with_kid(&kid)?;
            if active {
                signing = Some(key.clone());
            }
            keys.insert(key)?;
        }
        let signing =
            signing.ok_or_else(|| StoreError::Invalid("no signing key in the database".into()))?;
        let cutoffs = conn
            .query_all("SELECT username, cutoff FROM user_cutoffs", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?))
            })?
            .into_iter()
            .collect();
        Ok(Snapshot {
            version,
            keys,
            signing,
            issued_after,
            cutoffs,
        })
    })
}

fn bump_version(conn: &Conn<'_>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE auth_state SET version = version + 1 WHERE id = 1",
        [],
    )?;
    Ok(())
}

fn new_key() -> Result<(String, String), StoreError> {
    // 32 bytes: HS256's minimum (RFC 7518 §3.2), from the OS RNG. The kid is random too: it is
    // public, it only has to be unique.
    let secret = Base64UrlUnpadded::encode_string(&random_bytes::<32>()?);
    let kid = Base64UrlUnpadded::encode_string(&random_bytes::<9>()?);
    Ok((kid, secret))
}

fn insert_signing_key(
    conn: &Conn<'_>,
    kid: &str,
    secret: &str,
    now: u64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO signing_keys (kid, secret, created_at) VALUES (?1, ?2, ?3)",
        params![kid, secret, now],
    )?;
    Ok(())
}

fn retire_signing_key(conn: &Conn<'_>, now: u64, drop_after: u64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE signing_keys SET retired_at = ?1, drop_after = ?2 WHERE retired_at IS NULL",
        params![now, drop_after],
    )?;
    Ok(())
}

/// `iat` rounded up, as microjwt compares it with `issued_after`.
fn ceil_secs(date: NumericDate) -> u64 {
    date.secs() + u64::from(date.subsec_nanos() > 0)
}

impl SessionStore for JwtSessions {
    fn mode(&self) -> Mode {
        Mode::Jwt
    }

    fn can_issue(&self, name: &str) -> bool {
        let snapshot = self.snapshot();
        let cutoff = snapshot.cutoffs.get(name).copied().unwrap_or(0);
        self.clock.now() >= snapshot.issued_after.max(cutoff)
    }

    fn issue(&self, user: &User) -> Result<Issued, StoreError> {
        let now = self.clock.now();
        if !self.can_issue(&user.name) {
            // The login route waits for `can_issue`; this is only a lost race with a logout.
            return Err(StoreError::Conflict(
                "logged out this very second: log in again".into(),
            ));
        }
        let claims = SessionClaims {
            iss: &self.settings.issuer,
            aud: &self.settings.audience,
            sub: &user.name,
            role: user.role,
            iat: now,
            exp: now + self.settings.session_secs,
        };
        Ok(Issued {
            access_token: microjwt::sign_to_string(&self.snapshot().signing, &claims)?,
            token_type: "Bearer".into(),
            expires_in: self.settings.session_secs,
        })
    }

    fn authenticate(&self, token: &str) -> Result<Principal, AuthError> {
        let snapshot = self.snapshot();
        let is_revoked = |claims: &RegisteredClaims<'_>| {
            let cutoff = claims.sub().and_then(|sub| snapshot.cutoffs.get(sub));
            cutoff.is_some_and(|&cutoff| claims.iat().is_none_or(|iat| ceil_secs(iat) < cutoff))
        };
        let audience = [self.settings.audience.as_str()];
        let validation = Validation::new(self.clock.now())
            .issuer(&self.settings.issuer)
            .audience(&audience)
            .leeway(self.settings.leeway_secs)
            .require(microjwt::Claim::Sub)
            .issued_after(snapshot.issued_after)
            .max_token_len(MAX_TOKEN_LEN)
            .revocation(&is_revoked);
        let mut scratch = [0u8; SCRATCH_LEN];
        let claims =
            microjwt::verify::<RoleClaim>(&snapshot.keys, token, &validation, &mut scratch)
                .map_err(|e| AuthError::from_jwt(&e))?;
        Ok(Principal {
            username: claims.registered().sub().unwrap_or_default().to_owned(),
            role: claims.custom().role,
            session_row: None,
        })
    }

    fn logout(&self, principal: &Principal) -> Result<LogoutOutcome, StoreError> {
        self.logout_user(&principal.username)
    }

    fn logout_everyone(&self) -> Result<LogoutOutcome, StoreError> {
        // `iat` has whole seconds, so the cutoff voids the whole current second: a token issued
        // in it, before or after this call, cannot be told apart. New logins wait for the next
        // second (`can_issue`).
        let cutoff = self.clock.now() + 1;
        let epoch = self.db.conn(QueryKind::Admin)?.transaction(true, |conn| {
            conn.execute(
                "UPDATE auth_state SET issued_after = MAX(issued_after, ?1), version = version + 1
                 WHERE id = 1",
                params![cutoff],
            )?;
            Ok(conn.query_row(
                "SELECT issued_after FROM auth_state WHERE id = 1",
                [],
                |r| r.get::<_, u64>(0),
            )?)
        })?;
        self.reload(QueryKind::Admin)?;
        Ok(LogoutOutcome {
            sessions_deleted: None,
            issued_after: Some(epoch),
        })
    }

    fn logout_user(&self, name: &str) -> Result<LogoutOutcome, StoreError> {
        let cutoff = self.clock.now() + 1;
        let cutoff = self.db.conn(QueryKind::Admin)?.transaction(true, |conn| {
            conn.execute(
                "INSERT INTO user_cutoffs (username, cutoff) VALUES (?1, ?2)
                 ON CONFLICT (username) DO UPDATE SET cutoff = MAX(cutoff, ?2)",
                params![name, cutoff],
            )?;
            bump_version(conn)?;
            Ok(conn.query_row(
                "SELECT cutoff FROM user_cutoffs WHERE username = ?1",
                params![name],
                |r| r.get::<_, u64>(0),
            )?)
        })?;
        self.reload(QueryKind::Admin)?;
        Ok(LogoutOutcome {
            sessions_deleted: None,
            issued_after: Some(cutoff),
        })
    }

    fn rotate_key(&self, drop_old: bool) -> Result<Option<Rotation>, StoreError> {
        let now = self.clock.now();
        let drop_after = now + self.settings.horizon();
        let (kid, secret) = new_key()?;
        let rotation = self.db.conn(QueryKind::Admin)?.transaction(true, |conn| {
            let dropped = if drop_old {
                let kids =
                    conn.query_all("SELECT kid FROM signing_keys ORDER BY kid", [], |r| {
                        r.get::<_, String>(0)
                    })?;
                conn.execute("DELETE FROM signing_keys", [])?;
                kids
            } else {
                let kept: u64 = conn.query_row(
                    "SELECT COUNT(*) FROM signing_keys WHERE drop_after IS NULL OR drop_after > ?1",
                    params![now],
                    |r| r.get(0),
                )?;
                if kept >= MAX_KEYS as u64 {
                    return Err(StoreError::Conflict(format!(
                        "{kept} keys still verify live tokens: rotate with drop_old to drop them"
                    )));
                }
                retire_signing_key(conn, now, drop_after)?;
                Vec::new()
            };
            insert_signing_key(conn, &kid, &secret, now)?;
            bump_version(conn)?;
            let retired = conn.query_all(
                "SELECT kid, drop_after FROM signing_keys
                 WHERE retired_at IS NOT NULL AND drop_after > ?1 ORDER BY created_at, kid",
                params![now],
                |r| {
                    Ok(RetiredKey {
                        kid: r.get(0)?,
                        drop_after: r.get(1)?,
                    })
                },
            )?;
            Ok(Rotation {
                signing_kid: kid.clone(),
                retired,
                dropped,
            })
        })?;
        self.reload(QueryKind::Admin)?;
        Ok(Some(rotation))
    }

    fn refresh(&self) -> Result<(), StoreError> {
        let conn = self.db.conn(QueryKind::Background)?;
        let version: i64 =
            conn.query_row("SELECT version FROM auth_state WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        if version != self.snapshot().version {
            let snapshot = load(&conn, self.clock.now())?;
            self.replace_snapshot(snapshot);
        }
        Ok(())
    }

    fn purge(&self) -> Result<u64, StoreError> {
        let now = self.clock.now();
        let horizon = self.settings.horizon();
        let deleted = self
            .db
            .conn(QueryKind::Background)?
            .transaction(true, |conn| {
                let keys = conn.execute(
                    "DELETE FROM signing_keys WHERE drop_after <= ?1",
                    params![now],
                )?;
                // Every token issued before such a cutoff has expired: the row can no longer matter.
                let cutoffs = conn.execute(
                    "DELETE FROM user_cutoffs WHERE cutoff + ?1 <= ?2",
                    params![horizon, now],
                )?;
                if keys + cutoffs > 0 {
                    bump_version(conn)?;
                }
                Ok((keys + cutoffs) as u64)
            })?;
        if deleted > 0 {
            self.reload(QueryKind::Background)?;
        }
        Ok(deleted)
    }
}
