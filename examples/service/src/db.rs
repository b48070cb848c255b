//! The SQLite database: schema, a small connection pool with a counter around every query, the
//! users table (Argon2id password hashes), and the classic session-table back-end.
//!
//! Every statement either back-end sends goes through [`Conn`], which counts it by purpose
//! ([`QueryKind`]): the bench's "database queries per authenticated request" is this counter,
//! read before and after the run, not an assumption.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, password_hash};
use base64ct::{Base64UrlUnpadded, Encoding};
use rusqlite::{Connection, OptionalExtension, Params, Row, params};
use sha2::{Digest, Sha256};

use crate::auth::{
    AuthError, Issued, LogoutOutcome, Mode, Principal, Role, Rotation, SessionStore, StoreError,
    User,
};
use crate::clock::Clock;

/// The schema of both back-ends; one file serves either mode.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,               -- PHC string: $argon2id$v=19$m=19456,t=2,p=1$…
    role          TEXT NOT NULL CHECK (role IN ('admin', 'user'))
) WITHOUT ROWID;

-- db mode: one row per session, looked up on every request.
CREATE TABLE IF NOT EXISTS sessions (
    id_hash    BLOB PRIMARY KEY,               -- SHA-256 of the session id: a leaked copy of
                                               -- this table holds no usable credential
    username   TEXT NOT NULL,
    role       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);

-- jwt mode: what every verifier shares. `version` goes up with every change to this table,
-- user_cutoffs or signing_keys, so an instance re-reads them only when it moved.
CREATE TABLE IF NOT EXISTS auth_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    version      INTEGER NOT NULL,
    issued_after INTEGER NOT NULL              -- the epoch: tokens with an older iat are void
);
INSERT OR IGNORE INTO auth_state (id, version, issued_after) VALUES (1, 0, 0);
CREATE TABLE IF NOT EXISTS user_cutoffs (
    username TEXT PRIMARY KEY,
    cutoff   INTEGER NOT NULL                  -- this user's tokens with an older iat are void
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signing_keys (
    kid        TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,                  -- base64url, as a JWK's k
    created_at INTEGER NOT NULL,
    retired_at INTEGER,                        -- NULL: the signing key
    drop_after INTEGER                         -- verifies until then, then is purged
) WITHOUT ROWID;
";

/// What a query is for: the counters are kept per purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryKind {
    /// Authenticating a request: the cost the bench compares.
    Auth = 0,
    /// `POST /login`: the password check and the session's creation.
    Login = 1,
    /// Logouts, revocations, key rotation, and re-reading state after them.
    Admin = 2,
    /// The background refresh and purge.
    Background = 3,
    /// Schema, seeding, reports.
    Setup = 4,
}

/// Queries counted so far, by purpose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryCounts {
    /// [`QueryKind::Auth`].
    pub auth: u64,
    /// [`QueryKind::Login`].
    pub login: u64,
    /// [`QueryKind::Admin`].
    pub admin: u64,
    /// [`QueryKind::Background`].
    pub background: u64,
    /// [`QueryKind::Setup`].
    pub setup: u64,
}

impl QueryCounts {
    /// The queries between `earlier` and `self`.
    pub fn since(&self, earlier: &QueryCounts) -> QueryCounts {
        QueryCounts {
            auth: self.auth - earlier.auth,
            login: self.login - earlier.login,
            admin: self.admin - earlier.admin,
            background: self.background - earlier.background,
            setup: self.setup - earlier.setup,
        }
    }
}

/// The database: a few SQLite connections to one file, and the query counters.
///
/// SQLite in WAL mode lets readers proceed while one writer writes, so a small pool (one
/// connection per worker thread) serves concurrent requests without queueing on one lock.
#[derive(Debug)]
pub struct Database {
    conns: Box<[Mutex<Connection>]>,
    next: AtomicUsize,
    counts: [AtomicU64; 5],
}

impl Database {
    /// Opens (creating if needed) the database at `path` with `pool` connections.
    ///
    /// # Errors
    /// SQLite cannot open or initialize the file.
    pub fn open(path: &Path, pool: usize) -> Result<Self, StoreError> {
        let mut conns = Vec::with_capacity(pool.max(1));
        for _ in 0..pool.max(1) {
            let conn = Connection::open(path)?;
            conn.busy_timeout(Duration::from_secs(5))?;
            // WAL: readers never block on the writer; NORMAL is durable across a crash of the
            // process (not of the OS) and is SQLite's advice for WAL.
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.set_prepared_statement_cache_capacity(64);
            conns.push(Mutex::new(conn));
        }
        let db = Database {
            conns: conns.into_boxed_slice(),
            next: AtomicUsize::new(0),
            counts: Default::default(),
        };
        db.conn(QueryKind::Setup)?.execute_batch(SCHEMA)?;
        Ok(db)
    }

    /// A connection whose every statement is counted under `kind`.
    ///
    /// # Errors
    /// A poisoned connection lock (a panic while one was held).
    pub fn conn(&self, kind: QueryKind) -> Result<Conn<'_>, StoreError> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        // Take the first free connection, starting from a rotating index; wait only when all
        // are busy.
        let free = (0..n).find_map(|i| {
            self.conns
                .get((start + i) % n)
                .and_then(|m| m.try_lock().ok())
        });
        let guard = match free {
            Some(guard) => guard,
            None => self
                .conns
                .get(start % n)
                .ok_or_else(|| StoreError::Invalid("empty connection pool".into()))?
                .lock()
                .map_err(|_| {
                    StoreError::Invalid("a database connection lock is poisoned".into())
                })?,
        };
        let counter = self
            .counts
            .get(kind as usize)
            .ok_or_else(|| StoreError::Invalid("unknown query kind".into()))?;
        Ok(Conn {
            conn: guard,
            counter,
        })
    }

    /// The counters now.
    pub fn queries(&self) -> QueryCounts {
        let get = |k: QueryKind| {
            self.counts
                .get(k as usize)
                .map_or(0, |c| c.load(Ordering::Relaxed))
        };
        QueryCounts {
            auth: get(QueryKind::Auth),
            login: get(QueryKind::Login),
            admin: get(QueryKind::Admin),
            background: get(QueryKind::Background),
            setup: get(QueryKind::Setup),
        }
    }

    /// Creates or replaces a user, hashing the password with Argon2id at the crate's default
    /// parameters (OWASP's: m = 19 MiB, t = 2, p = 1) and a 16-byte salt from the OS RNG.
    /// Deliberately slow (tens of milliseconds): call it off the async threads.
    ///
    /// # Errors
    /// A name that is not 1–64 of `A–Z a–z 0–9 . _ -`, or a database or RNG failure.
    pub fn add_user(&self, name: &str, password: &str, role: Role) -> Result<(), StoreError> {
        if !valid_username(name) {
            return Err(StoreError::Invalid(format!(
                "invalid user name {name:?}: use 1 to 64 of A-Z a-z 0-9 . _ -"
            )));
        }
        let hash = hash_password(password)?;
        self.conn(QueryKind::Setup)?.execute(
            "INSERT INTO users (name, password_hash, role) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET password_hash = ?2, role = ?3",
            params![name, hash, role.as_str()],
        )?;
        Ok(())
    }

    /// Checks a password: `Some(user)` when it matches. An unknown user costs the same Argon2
    /// work as a wrong password, so timing does not tell which names exist.
    ///
    /// # Errors
    /// A database failure or a malformed stored hash.
    pub fn check_password(&self, name: &str, password: &str) -> Result<Option<User>, StoreError> {
        let row = match valid_username(name) {
            true => self.conn(QueryKind::Login)?.query_opt(
                "SELECT password_hash, role FROM users WHERE name = ?1",
                params![name],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
            )?,
            false => None,
        };
        let Some((hash, role)) = row else {
            let _ = verify_password(password, dummy_hash()?)?;
            return Ok(None);
        };
        if !verify_password(password, &hash)? {
            return Ok(None);
        }
        let role = Role::parse(&role)
            .ok_or_else(|| StoreError::Invalid(format!("user {name:?} has role {role:?}")))?;
        Ok(Some(User {
            name: name.to_owned(),
            role,
        }))
    }

    /// How many users exist.
    ///
    /// # Errors
    /// A database failure.
    pub fn user_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn(QueryKind::Setup)?
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
    }

    /// How many rows the `sessions` table holds (expired or not).
    ///
    /// # Errors
    /// A database failure.
    pub fn session_rows(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn(QueryKind::Setup)?
            .query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))?)
    }

    /// Fills the `sessions` table with `count` sessions of other users, valid until `expires_at`:
    /// the table a site with that many logged-in users has. For the bench.
    ///
    /// # Errors
    /// A database or RNG failure.
    pub fn seed_sessions(&self, count: u64, now: u64, expires_at: u64) -> Result<(), StoreError> {
        let conn = self.conn(QueryKind::Setup)?;
        conn.transaction(true, |conn| {
            for i in 0..count {
                let id = random_bytes::<32>()?;
                conn.execute(
                    "INSERT INTO sessions (id_hash, username, role, created_at, expires_at)
                     VALUES (?1, ?2, 'user', ?3, ?4)",
                    params![
                        session_key(&id).as_slice(),
                        format!("visitor-{i}"),
                        now,
                        expires_at
                    ],
                )?;
            }
            Ok(())
        })
    }
}

/// A pooled connection that counts every statement it runs.
pub struct Conn<'a> {
    conn: MutexGuard<'a, Connection>,
    counter: &'a AtomicU64,
}

impl Conn<'_> {
    fn count(&self) {
        self.counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs one statement.
    ///
    /// # Errors
    /// SQLite's.
    pub fn execute(&self, sql: &str, params: impl Params) -> rusqlite::Result<usize> {
        self.count();
        self.conn.prepare_cached(sql)?.execute(params)
    }

    /// Runs several statements without parameters (counted as one per `;`-separated statement).
    ///
    /// # Errors
    /// SQLite's.
    pub fn execute_batch(&self, sql: &str) -> rusqlite::Result<()> {
        let statements = sql.matches(';').count().max(1);
        self.counter.fetch_add(statements as u64, Ordering::Relaxed);
        self.conn.execute_batch(sql)
    }

    /// One row, which must exist.
    ///
    /// # Errors
    /// SQLite's, including `QueryReturnedNoRows`.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.count();
        self.conn.prepare_cached(sql)?.query_row(params, f)
    }

    /// One row, if there is one.
    ///
    /// # Errors
    /// SQLite's.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Option<T>> {
        self.query_row(sql, params, f).optional()
    }

    /// Every row.
    ///
    /// # Errors
    /// SQLite's.
    pub fn query_all<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        self.count();
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map(params, f)?;
        rows.collect()
    }

    /// Runs `f` in a transaction (`BEGIN IMMEDIATE` takes the write lock at once, so two
    /// instances updating the shared state serialize instead of failing), committing on `Ok`.
    /// `BEGIN` and `COMMIT` are counted too: over a network each is a round trip.
    ///
    /// # Errors
    /// `f`'s error (after a rollback), or SQLite's.
    pub fn transaction<T>(
        &self,
        write: bool,
        f: impl FnOnce(&Self) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.execute(if write { "BEGIN IMMEDIATE" } else { "BEGIN" }, [])?;
        match f(self) {
            Ok(value) => {
                self.execute("COMMIT", [])?;
                Ok(value)
            }
            Err(e) => {
                let _ = self.execute("ROLLBACK", []);
                Err(e)
            }
        }
    }
}

/// Whether `name` is an acceptable user name: short, and plain enough to need no escaping in a
/// token, a URL path or a log line.
pub fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// `N` bytes from the operating system's RNG.
///
/// # Errors
/// The RNG failed.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = random_bytes::<16>()?;
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(StoreError::Password)
}

fn verify_password(password: &str, hash: &str) -> Result<bool, StoreError> {
    match Argon2::default().verify_password(password.as_bytes(), hash) {
        Ok(()) => Ok(true),
        Err(password_hash::Error::PasswordInvalid) => Ok(false),
        Err(e) => Err(StoreError::Password(e)),
    }
}

/// A hash no password is known for, checked when the user does not exist.
fn dummy_hash() -> Result<&'static str, StoreError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_password(&Base64UrlUnpadded::encode_string(&random_bytes::<32>()?))?;
    Ok(DUMMY.get_or_init(|| hash))
}

/// The primary key of a session row: SHA-256 of the id the client holds.
fn session_key(id: &[u8]) -> [u8; 32] {
    Sha256::digest(id).into()
}

/// The classic back-end: a random session id per login, a row per session, a lookup per request.
#[derive(Debug)]
pub struct DbSessions {
    db: std::sync::Arc<Database>,
    clock: Clock,
    session_secs: u64,
}

impl DbSessions {
    /// Sessions of `session_secs` in `db`'s `sessions` table.
    pub fn new(db: std::sync::Arc<Database>, clock: Clock, session_secs: u64) -> Self {
        Self {
            db,
            clock,
            session_secs,
        }
    }
}

/// A session id: 32 bytes from the OS RNG (256 bits, far beyond OWASP's 64-bit minimum of
/// entropy), sent as 43 base64url characters.
const SESSION_ID_LEN: usize = 32;

impl SessionStore for DbSessions {
    fn mode(&self) -> Mode {
        Mode::Db
    }

    fn issue(&self, user: &User) -> Result<Issued, StoreError> {
        let now = self.clock.now();
        let id = random_bytes::<SESSION_ID_LEN>()?;
        self.db.conn(QueryKind::Login)?.execute(
            "INSERT INTO sessions (id_hash, username, role, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                session_key(&id).as_slice(),
                user.name,
                user.role.as_str(),
                now,
                now + self.session_secs
            ],
        )?;
        Ok(Issued {
            access_token: Base64UrlUnpadded::encode_string(&id),
            token_type: "Bearer".into(),
            expires_in: self.session_secs,
        })
    }

    fn authenticate(&self, token: &str) -> Result<Principal, AuthError> {
        // Not one of ours: no need to ask the database.
        let mut id = [0u8; SESSION_ID_LEN];
        match Base64UrlUnpadded::decode(token, &mut id) {
            Ok(decoded) if decoded.len() == SESSION_ID_LEN => {}
            _ => return Err(AuthError::Invalid),
        }
        let key = session_key(&id);
        let conn = self
            .db
            .conn(QueryKind::Auth)
            .map_err(|_| AuthError::Internal)?;
        let row = conn
            .query_opt(
                "SELECT username, role, expires_at FROM sessions WHERE id_hash = ?1",
                params![key.as_slice()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u64>(2)?,
                    ))
                },
            )
            .map_err(|_| AuthError::Internal)?;
        // A deleted row (logout) and a made-up id look the same: "invalid token".
        let (username, role, expires_at) = row.ok_or(AuthError::Invalid)?;
        if self.clock.now() >= expires_at {
            // Left for the purge: deleting here would make a read a write.
            return Err(AuthError::Expired);
        }
        Ok(Principal {
            username,
            role: Role::parse(&role).ok_or(AuthError::Internal)?,
            session_row: Some(key),
        })
    }

    fn logout(&self, principal: &Principal) -> Result<LogoutOutcome, StoreError> {
        let Some(key) = principal.session_row else {
            return Err(StoreError::Invalid("not a db session".into()));
        };
        let deleted = self.db.conn(QueryKind::Admin)?.execute(
            "DELETE FROM sessions WHERE id_hash = ?1",
            params![key.as_slice()],
        )?;
        Ok(LogoutOutcome {
            sessions_deleted: Some(deleted as u64),
            issued_after: None,
        })
    }

    fn logout_everyone(&self) -> Result<LogoutOutcome, StoreError> {
        let deleted = self
            .db
            .conn(QueryKind::Admin)?
            .execute("DELETE FROM sessions", [])?;
        Ok(LogoutOutcome {
            sessions_deleted: Some(deleted as u64),
            issued_after: None,
        })
    }

    fn logout_user(&self, name: &str) -> Result<LogoutOutcome, StoreError> {
        let deleted = self
            .db
            .conn(QueryKind::Admin)?
            .execute("DELETE FROM sessions WHERE username = ?1", params![name])?;
        Ok(LogoutOutcome {
            sessions_deleted: Some(deleted as u64),
            issued_after: None,
        })
    }

    fn rotate_key(&self, _drop_old: bool) -> Result<Option<Rotation>, StoreError> {
        Ok(None)
    }

    fn refresh(&self) -> Result<(), StoreError> {
        Ok(()) // every request reads the table: there is nothing to cache
    }

    fn purge(&self) -> Result<u64, StoreError> {
        let deleted = self.db.conn(QueryKind::Background)?.execute(
            "DELETE FROM sessions WHERE expires_at <= ?1",
            params![self.clock.now()],
        )?;
        Ok(deleted as u64)
    }
}
