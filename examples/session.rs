//! The whole story of a stateless session, in one process, step by step:
//!
//! 1. a user logs in and receives a token saying who they are and whether they are an admin;
//! 2. an API call with that token succeeds without any session lookup;
//! 3. a non-admin trying to delete is refused;
//! 4. a client that edits its token to say `admin: true` is caught by the MAC;
//! 5. an expired token gets "log in again";
//! 6. everyone is forced to log in again — by an issued-after epoch, then by key rotation —
//!    and one user alone after a password change.
//!
//! Every library call uses fixed buffers: nothing here touches the heap except `println!`.
//!
//! Run it with `cargo run --example session`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a demo: a panic is a bug report

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Error, HmacKey, Hs256, KeySet, RegisteredClaims, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "https://auth.example";
const AUDIENCE: &[&str] = &["api"];
const SESSION_SECS: u64 = 15 * 60;

/// The session, as claims: this replaces the row a server would otherwise look up per request.
#[derive(Serialize, Deserialize, Debug)]
struct Session<'a> {
    sub: &'a str,
    name: &'a str,
    admin: bool,
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

/// What the server keeps: its keys and two small numbers. No session table.
struct Server {
    keys: KeySet<Hs256, 2>,
    signing_kid: &'static str,
    /// Tokens issued before this are void: raise it to log everyone out.
    issued_after: u64,
    /// Per-user cutoffs (user changed password): tokens of that user issued before are void.
    password_changed: [(&'static str, u64); 1],
}

impl Server {
    fn log_in(&self, user: &'static str, name: &'static str, admin: bool, now: u64) -> TokenBuf {
        let session = Session {
            sub: user,
            name,
            admin,
            iss: ISSUER,
            aud: AUDIENCE[0],
            iat: now,
            exp: now + SESSION_SECS,
        };
        let key = self
            .keys
            .get(self.signing_kid)
            .expect("the signing key is in the set");
        let mut token = TokenBuf::default();
        let len = microjwt::sign(key, &session, &mut token.bytes)
            .expect("512 bytes hold a session")
            .len();
        token.len = len;
        token
    }

    /// Handles `action` for the bearer of `token` at time `now`: the whole authentication is
    /// one call, with no database.
    fn handle(&self, token: &str, action: Action, now: u64) -> Result<String, Refusal> {
        let is_revoked = |c: &RegisteredClaims<'_>| {
            self.password_changed.iter().any(|&(user, changed)| {
                c.sub() == Some(user) && c.iat().is_none_or(|iat| iat.secs() < changed)
            })
        };
        let validation = Validation::new(now)
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .issued_after(self.issued_after)
            .revocation(&is_revoked);
        let mut scratch = [0u8; 512];
        let claims = microjwt::verify::<Session<'_>>(&self.keys, token, &validation, &mut scratch)
            .map_err(Refusal::Unauthenticated)?;
        let session = claims.custom();
        match action {
            Action::ReadProfile => Ok(format!(
                "200 OK: hello {}, admin = {}",
                session.name, session.admin
            )),
            Action::DeleteUser(victim) if session.admin => {
                Ok(format!("200 OK: {victim} deleted by {}", session.sub))
            }
            Action::DeleteUser(_) => Err(Refusal::Forbidden),
        }
    }
}

#[derive(Clone, Copy)]
enum Action {
    ReadProfile,
    DeleteUser(&'static str),
}

#[derive(Debug)]
enum Refusal {
    /// 401: the token does not prove who you are (any more).
    Unauthenticated(Error),
    /// 403: we know who you are, and you may not.
    Forbidden,
}

/// A token in a fixed buffer, as a client would store it.
struct TokenBuf {
    bytes: [u8; 512],
    len: usize,
}

impl Default for TokenBuf {
    fn default() -> Self {
        Self {
            bytes: [0; 512],
            len: 0,
        }
    }
}

impl TokenBuf {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).expect("tokens are ASCII")
    }
}

fn show(step: &str, result: Result<String, Refusal>) {
    let outcome = match result {
        Ok(response) => response,
        Err(Refusal::Forbidden) => "403 Forbidden: not an admin".to_string(),
        Err(Refusal::Unauthenticated(Error::Expired { exp, now })) => {
            format!("401 Unauthorized: session expired at {exp} (now {now}), please log in again")
        }
        Err(Refusal::Unauthenticated(Error::InvalidSignature)) => {
            "401 Unauthorized: forged or corrupted token".to_string()
        }
        Err(Refusal::Unauthenticated(e)) => format!("401 Unauthorized: {e}"),
    };
    println!("  {step:<58} -> {outcome}");
}

fn main() {
    let start = 1_800_000_000; // a fixed clock, so the story prints the same every time
    let mut keys = KeySet::new();
    keys.insert(
        HmacKey::new(b"2026-11 signing key: 32+ random bytes!")
            .unwrap()
            .with_kid("2026-11")
            .unwrap(),
    )
    .unwrap();
    let mut server = Server {
        keys,
        signing_kid: "2026-11",
        issued_after: 0,
        password_changed: [("bob", 0)],
    };

    println!("1. Alice logs in; the server signs her session instead of storing it:");
    let alice = server.log_in("alice", "Alice", false, start);
    println!("  token: {}", alice.as_str());

    println!("\n2. API calls carry the token; the MAC is the whole session lookup:");
    show(
        "alice reads her profile",
        server.handle(alice.as_str(), Action::ReadProfile, start + 60),
    );

    println!("\n3. Authorization comes from the claims:");
    show(
        "alice deletes bob",
        server.handle(alice.as_str(), Action::DeleteUser("bob"), start + 61),
    );

    println!("\n4. Alice edits her token to say admin: true. She has no key, so:");
    let forged = forge_admin(alice.as_str());
    show(
        "alice deletes bob with an edited token",
        server.handle(&forged, Action::DeleteUser("bob"), start + 62),
    );

    println!("\n5. Tokens expire on their own:");
    show(
        "alice, 16 minutes later",
        server.handle(
            alice.as_str(),
            Action::ReadProfile,
            start + SESSION_SECS + 60,
        ),
    );

    println!("\n6. Logging everyone out, although tokens cannot be deleted:");
    let now = start + 120;
    let alice = server.log_in("alice", "Alice", false, now);
    let bob = server.log_in("bob", "Bob", true, now);
    show(
        "bob (admin) deletes carol",
        server.handle(bob.as_str(), Action::DeleteUser("carol"), now + 1),
    );

    println!("  a) an issued-after epoch: one integer, raised; every older token is void at once");
    server.issued_after = now + 10;
    show(
        "alice, token from before the epoch",
        server.handle(alice.as_str(), Action::ReadProfile, now + 11),
    );
    let alice = server.log_in("alice", "Alice", false, now + 12);
    show(
        "alice, after logging in again",
        server.handle(alice.as_str(), Action::ReadProfile, now + 13),
    );

    println!("  b) key rotation: sign with a new key, then drop the old one");
    server
        .keys
        .insert(
            HmacKey::new(b"2026-12 signing key: 32+ random bytes!")
                .unwrap()
                .with_kid("2026-12")
                .unwrap(),
        )
        .unwrap();
    server.signing_kid = "2026-12";
    show(
        "alice, old-key token while both keys are kept",
        server.handle(alice.as_str(), Action::ReadProfile, now + 14),
    );
    server.keys.remove("2026-11");
    show(
        "alice, old-key token after the old key is dropped",
        server.handle(alice.as_str(), Action::ReadProfile, now + 15),
    );
    let alice = server.log_in("alice", "Alice", false, now + 16);
    let bob = server.log_in("bob", "Bob", true, now + 16);
    show(
        "alice, new-key token",
        server.handle(alice.as_str(), Action::ReadProfile, now + 17),
    );

    println!("  c) one user: bob changes his password, only his older tokens stop working");
    server.password_changed = [("bob", now + 18)];
    show(
        "bob, token from before the password change",
        server.handle(bob.as_str(), Action::ReadProfile, now + 19),
    );
    show(
        "alice is unaffected",
        server.handle(alice.as_str(), Action::ReadProfile, now + 19),
    );
    let bob = server.log_in("bob", "Bob", true, now + 20);
    show(
        "bob, after logging in again",
        server.handle(bob.as_str(), Action::ReadProfile, now + 21),
    );
}

/// What a malicious client can do: decode the payload, change it, re-encode it, keep the tag.
fn forge_admin(token: &str) -> String {
    let untrusted = microjwt::UntrustedToken::parse(token, 8192).unwrap();
    let mut scratch = [0u8; 512];
    let payload = untrusted.danger_unverified_payload(&mut scratch).unwrap();
    let edited = payload.replace("\"admin\":false", "\"admin\":true");
    let mut encoded = [0u8; 512];
    let encoded = Base64UrlUnpadded::encode(edited.as_bytes(), &mut encoded).unwrap();
    format!(
        "{}.{}.{}",
        untrusted.header_b64(),
        encoded,
        untrusted.signature_b64()
    )
}
