//! The whole story over real HTTP on 127.0.0.1, once per session back-end: the same steps, the
//! same routes, the exact answers (status, `WWW-Authenticate`, body) each mode must give.
//!
//! The service's clock is a manual one, so "15 minutes later" takes no time, and several steps
//! happen within one second on purpose: that is where an `iat` cutoff needs care.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers: a panic is a failed assertion

use axum::http::{Method, StatusCode};
use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt_service::app::{self, Config};
use microjwt_service::bench::ScratchDir;
use microjwt_service::client::{Reply, send_once};
use microjwt_service::{Clock, Mode, Role, Running};
use serde_json::{Value, json};
use std::net::SocketAddr;

const T0: u64 = 1_800_000_000;
const SESSION: u64 = 900;
const LEEWAY: u64 = 30;
const USERS: [(&str, &str, Role); 3] = [
    ("admin", "correct horse battery staple", Role::Admin),
    ("alice", "alice's password", Role::User),
    ("bob", "bob's password", Role::User),
];

const NO_CREDENTIALS: &str = r#"Bearer realm="microjwt-service""#;
const INVALID: &str =
    r#"Bearer realm="microjwt-service", error="invalid_token", error_description="invalid token""#;
const EXPIRED: &str =
    r#"Bearer realm="microjwt-service", error="invalid_token", error_description="token expired""#;
const REVOKED: &str =
    r#"Bearer realm="microjwt-service", error="invalid_token", error_description="token revoked""#;
const FORBIDDEN: &str = r#"Bearer realm="microjwt-service", error="insufficient_scope", error_description="admin role required""#;
const MALFORMED: &str = r#"Bearer realm="microjwt-service", error="invalid_request", error_description="malformed Authorization header""#;

fn config(mode: Mode, dir: &ScratchDir) -> Config {
    let mut config = Config::new(mode, dir.path().join("service.sqlite"));
    config.listen = ([127, 0, 0, 1], 0).into();
    config.session_secs = SESSION;
    config.leeway_secs = LEEWAY;
    // The tests call refresh and purge themselves, at the moments the story needs.
    config.refresh_every = None;
    config.purge_every = None;
    config
}

async fn start(config: &Config, clock: &Clock) -> Running {
    let running = app::start(config, clock.clone()).await.unwrap();
    let db = running.state.db.clone();
    tokio::task::spawn_blocking(move || {
        if db.user_count().unwrap() == 0 {
            for (name, password, role) in USERS {
                db.add_user(name, password, role).unwrap();
            }
        }
    })
    .await
    .unwrap();
    running
}

async fn call(addr: SocketAddr, method: Method, path: &str, token: Option<&str>) -> Reply {
    send_once(addr, method, path, token, None).await.unwrap()
}

async fn login(addr: SocketAddr, name: &str) -> String {
    let password = USERS.iter().find(|u| u.0 == name).unwrap().1;
    let body = json!({ "username": name, "password": password });
    let reply = send_once(addr, Method::POST, "/login", None, Some(&body))
        .await
        .unwrap();
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "login {name}: {}",
        reply.text()
    );
    assert_eq!(reply.headers["cache-control"], "no-store");
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() >= SESSION);
    body["access_token"].as_str().unwrap().to_owned()
}

/// The answer of a refused request: exact status, challenge and body.
#[track_caller]
fn assert_refused(reply: &Reply, status: StatusCode, challenge: &str) {
    assert_eq!(reply.status, status, "body: {}", reply.text());
    assert_eq!(reply.www_authenticate(), Some(challenge));
    let expected = match challenge {
        NO_CREDENTIALS => json!({ "error_description": "bearer token required" }),
        _ => {
            let field = |name: &str| {
                let start = challenge.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let len = challenge[start..].find('"').unwrap();
                challenge[start..start + len].to_owned()
            };
            json!({ "error": field("error"), "error_description": field("error_description") })
        }
    };
    assert_eq!(reply.json(), expected);
}

#[track_caller]
fn assert_401(reply: &Reply, challenge: &str) {
    assert_refused(reply, StatusCode::UNAUTHORIZED, challenge);
}

async fn items_ok(addr: SocketAddr, token: &str, user: &str) {
    let reply = call(addr, Method::GET, "/items", Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{user}: {}", reply.text());
    assert_eq!(reply.json()["user"], user);
}

/// What a token voided server-side is told. The db back-end deleted its row and cannot tell it
/// from a made-up id; the jwt back-end checked the MAC and knows it was revoked.
fn voided(mode: Mode) -> &'static str {
    match mode {
        Mode::Db => INVALID,
        Mode::Jwt => REVOKED,
    }
}

/// The token's JSON header and payload (no verification: this is what any client can read).
fn jwt_parts(token: &str) -> (Value, Value) {
    let mut segments = token.split('.');
    let mut decode = || {
        let bytes = Base64UrlUnpadded::decode_vec(segments.next().unwrap()).unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    (decode(), decode())
}

/// What a client without the key can do to its token to become an admin.
fn tamper(mode: Mode, token: &str) -> String {
    match mode {
        Mode::Jwt => {
            let parts: Vec<&str> = token.split('.').collect();
            let payload =
                String::from_utf8(Base64UrlUnpadded::decode_vec(parts[1]).unwrap()).unwrap();
            assert!(payload.contains(r#""role":"user""#), "{payload}");
            let edited = payload.replace(r#""role":"user""#, r#""role":"admin""#);
            let edited = Base64UrlUnpadded::encode_string(edited.as_bytes());
            format!("{}.{edited}.{}", parts[0], parts[2])
        }
        // A session id has nothing to edit: change one character of it.
        Mode::Db => {
            let mut bytes = token.as_bytes().to_vec();
            bytes[0] = if bytes[0] == b'A' { b'B' } else { b'A' };
            String::from_utf8(bytes).unwrap()
        }
    }
}

async fn story(mode: Mode) {
    let dir = ScratchDir::new(&format!("story-{mode}")).unwrap();
    let clock = Clock::manual(T0);
    let server = start(&config(mode, &dir), &clock).await;
    let (addr, db, sessions) = (server.addr, &server.state.db, &server.state.sessions);
    assert_eq!(sessions.mode(), mode);

    // No credentials, another scheme, a malformed Bearer header (RFC 6750 §3.1).
    assert_401(
        &call(addr, Method::GET, "/items", None).await,
        NO_CREDENTIALS,
    );
    let basic = axum::http::Request::get("/items")
        .header("authorization", "Basic YWxpY2U6cHc=")
        .body(Default::default())
        .unwrap();
    let mut conn = microjwt_service::client::Connection::open(addr)
        .await
        .unwrap();
    assert_401(&conn.request(basic).await.unwrap(), NO_CREDENTIALS);
    let empty = axum::http::Request::get("/items")
        .header("authorization", "Bearer ")
        .body(Default::default())
        .unwrap();
    assert_refused(
        &conn.request(empty).await.unwrap(),
        StatusCode::BAD_REQUEST,
        MALFORMED,
    );
    assert_401(
        &call(addr, Method::GET, "/items", Some("garbage")).await,
        INVALID,
    );

    // Wrong credentials: one answer whether the user exists or not.
    for (name, password) in [("alice", "wrong"), ("nobody", "alice's password")] {
        let body = json!({ "username": name, "password": password });
        let reply = send_once(addr, Method::POST, "/login", None, Some(&body))
            .await
            .unwrap();
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            reply.json(),
            json!({ "error": "invalid_grant", "error_description": "invalid username or password" })
        );
    }

    // 1. Log in as admin and as a user; what the token carries.
    let admin = login(addr, "admin").await;
    let alice = login(addr, "alice").await;
    match mode {
        Mode::Jwt => {
            let (header, payload) = jwt_parts(&alice);
            assert_eq!(header["alg"], "HS256");
            assert!(header["kid"].as_str().is_some_and(|k| !k.is_empty()));
            assert_eq!(
                payload,
                json!({
                    "iss": "microjwt-service", "aud": "microjwt-service-api", "sub": "alice",
                    "role": "user", "iat": T0, "exp": T0 + SESSION
                })
            );
        }
        Mode::Db => {
            assert_eq!(alice.len(), 43); // 32 random bytes, base64url
            assert_eq!(db.session_rows().unwrap(), 2);
        }
    }

    // 2. A call: db asks the database, jwt does not.
    let before = db.queries();
    let reply = call(addr, Method::GET, "/items", Some(&alice)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({ "user": "alice", "role": "user", "items": [
            { "id": 1, "name": "apple" }, { "id": 2, "name": "bread" },
            { "id": 3, "name": "cheese" }, { "id": 4, "name": "dates" },
            { "id": 5, "name": "eggs" }
        ] })
    );
    let spent = db.queries().since(&before);
    let expected = match mode {
        Mode::Db => 1,
        Mode::Jwt => 0,
    };
    assert_eq!((spent.auth, spent.admin, spent.login), (expected, 0, 0));

    // 3. A non-admin delete is refused; an admin's goes through.
    let reply = call(addr, Method::DELETE, "/items/1", Some(&alice)).await;
    assert_refused(&reply, StatusCode::FORBIDDEN, FORBIDDEN);
    let reply = call(addr, Method::DELETE, "/items/1", Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = call(addr, Method::DELETE, "/items/1", Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = call(addr, Method::GET, "/items", Some(&alice)).await;
    assert_eq!(reply.json()["items"].as_array().unwrap().len(), 4);

    // 4. A tampered token ("role":"admin" edited in) is refused: 401, not 403, not 204.
    let forged = tamper(mode, &alice);
    assert_401(
        &call(addr, Method::DELETE, "/items/2", Some(&forged)).await,
        INVALID,
    );
    assert_401(
        &call(addr, Method::GET, "/items", Some(&forged)).await,
        INVALID,
    );
    assert_eq!(
        call(addr, Method::GET, "/items", Some(&admin)).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // 5. Expiry: valid to the last second, then "token expired", told apart from "invalid".
    clock.advance(SESSION - 1);
    items_ok(addr, &alice, "alice").await;
    clock.advance(LEEWAY);
    match mode {
        // The server's own row: no skew to allow for.
        Mode::Db => assert_401(
            &call(addr, Method::GET, "/items", Some(&alice)).await,
            EXPIRED,
        ),
        // Verified by any instance, whose clocks may differ by the leeway.
        Mode::Jwt => items_ok(addr, &alice, "alice").await,
    }
    clock.advance(1);
    assert_401(
        &call(addr, Method::GET, "/items", Some(&alice)).await,
        EXPIRED,
    );
    assert_401(
        &call(addr, Method::GET, "/items", Some(&admin)).await,
        EXPIRED,
    );
    // db: expired rows stay until the purge; jwt has no rows at all.
    let expected_rows = match mode {
        Mode::Db => 2,
        Mode::Jwt => 0,
    };
    assert_eq!(db.session_rows().unwrap(), expected_rows);
    assert_eq!(sessions.purge().unwrap(), expected_rows);
    assert_eq!(db.session_rows().unwrap(), 0);

    // 6. Logout ends the caller's session (db) or sessions (jwt: a per-user cutoff), no other
    // user's; logging in again in the very same second works.
    let admin = login(addr, "admin").await;
    let alice_laptop = login(addr, "alice").await;
    let alice_phone = login(addr, "alice").await;
    let bob = login(addr, "bob").await;
    let reply = call(addr, Method::POST, "/logout", Some(&alice_laptop)).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_401(
        &call(addr, Method::GET, "/items", Some(&alice_laptop)).await,
        voided(mode),
    );
    match mode {
        Mode::Db => items_ok(addr, &alice_phone, "alice").await,
        Mode::Jwt => {
            assert_401(
                &call(addr, Method::GET, "/items", Some(&alice_phone)).await,
                REVOKED,
            );
        }
    }
    items_ok(addr, &bob, "bob").await;
    items_ok(addr, &admin, "admin").await;
    // A cutoff voids the whole second it was set in (iat has whole seconds): a jwt login in that
    // second waits for the next one rather than hand out a token that is already void.
    let relogin = tokio::spawn(async move { login(addr, "alice").await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    if mode == Mode::Jwt {
        assert!(
            !relogin.is_finished(),
            "a jwt login in the logout's second must wait"
        );
    }
    clock.advance(1);
    let alice = relogin.await.unwrap();
    items_ok(addr, &alice, "alice").await;
    if mode == Mode::Jwt {
        assert_eq!(jwt_parts(&alice).1["iat"], clock.now());
    }

    // 7. An admin logs one user out: only that user's tokens stop working.
    let path = "/admin/users/bob/logout";
    assert_refused(
        &call(addr, Method::POST, path, Some(&alice)).await,
        StatusCode::FORBIDDEN,
        FORBIDDEN,
    );
    let reply = call(addr, Method::POST, path, Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let now = clock.now();
    match mode {
        Mode::Db => assert_eq!(reply.json(), json!({ "sessions_deleted": 1 })),
        Mode::Jwt => assert_eq!(reply.json(), json!({ "issued_after": now + 1 })),
    }
    assert_401(
        &call(addr, Method::GET, "/items", Some(&bob)).await,
        voided(mode),
    );
    items_ok(addr, &alice, "alice").await;
    items_ok(addr, &admin, "admin").await;
    clock.advance(1);
    let bob = login(addr, "bob").await;
    items_ok(addr, &bob, "bob").await;

    // 8. Log everyone out: every token from before, admins' included, and none issued after.
    let path = "/admin/logout-everyone";
    assert_refused(
        &call(addr, Method::POST, path, Some(&bob)).await,
        StatusCode::FORBIDDEN,
        FORBIDDEN,
    );
    let reply = call(addr, Method::POST, path, Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK);
    match mode {
        // admin, alice's phone, alice, bob
        Mode::Db => assert_eq!(reply.json(), json!({ "sessions_deleted": 4 })),
        Mode::Jwt => assert_eq!(reply.json(), json!({ "issued_after": clock.now() + 1 })),
    }
    for token in [&admin, &alice, &bob] {
        assert_401(
            &call(addr, Method::GET, "/items", Some(token)).await,
            voided(mode),
        );
    }
    assert_eq!(db.session_rows().unwrap(), 0);
    clock.advance(1);
    let admin = login(addr, "admin").await;
    let alice = login(addr, "alice").await;
    items_ok(addr, &admin, "admin").await;
    items_ok(addr, &alice, "alice").await;

    // 9. Key rotation.
    let path = "/admin/rotate-key";
    assert_refused(
        &call(addr, Method::POST, path, Some(&alice)).await,
        StatusCode::FORBIDDEN,
        FORBIDDEN,
    );
    let reply = call(addr, Method::POST, path, Some(&admin)).await;
    match mode {
        Mode::Db => {
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
            assert_eq!(
                reply.json(),
                json!({ "error": "not_found", "error_description": "the db back-end has no signing key" })
            );
            items_ok(addr, &alice, "alice").await;
        }
        Mode::Jwt => {
            // The old key is kept until its last token has expired: nobody is logged out.
            assert_eq!(reply.status, StatusCode::OK);
            let old_kid = jwt_parts(&alice).0["kid"].as_str().unwrap().to_owned();
            let rotation = reply.json();
            let new_kid = rotation["signing_kid"].as_str().unwrap().to_owned();
            assert_ne!(new_kid, old_kid);
            assert_eq!(
                rotation["retired"],
                json!([{ "kid": old_kid, "drop_after": clock.now() + SESSION + LEEWAY }])
            );
            assert_eq!(rotation["dropped"], json!([]));
            items_ok(addr, &alice, "alice").await;
            let alice_new = login(addr, "alice").await;
            assert_eq!(jwt_parts(&alice_new).0["kid"], new_kid);
            items_ok(addr, &alice_new, "alice").await;

            // Dropping the old keys at once voids every token they signed, and only those.
            let body = json!({ "drop_old": true });
            let reply = send_once(addr, Method::POST, path, Some(&admin), Some(&body))
                .await
                .unwrap();
            assert_eq!(reply.status, StatusCode::OK);
            let rotation = reply.json();
            let newest = rotation["signing_kid"].as_str().unwrap().to_owned();
            let mut dropped = vec![old_kid, new_kid];
            dropped.sort();
            assert_eq!(rotation["dropped"], json!(dropped));
            assert_eq!(rotation["retired"], json!([]));
            for token in [&alice, &alice_new, &admin] {
                assert_401(
                    &call(addr, Method::GET, "/items", Some(token)).await,
                    INVALID,
                );
            }
            let alice = login(addr, "alice").await;
            assert_eq!(jwt_parts(&alice).0["kid"], newest);
            items_ok(addr, &alice, "alice").await;
        }
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_db() {
    story(Mode::Db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_jwt() {
    story(Mode::Jwt).await;
}

/// Two instances on one database, as behind a load balancer: what each sees, and when.
async fn fleet(mode: Mode) {
    let dir = ScratchDir::new(&format!("fleet-{mode}")).unwrap();
    let clock = Clock::manual(T0);
    let config = config(mode, &dir);
    let a = start(&config, &clock).await;
    let b = start(&config, &clock).await;

    let admin = login(a.addr, "admin").await;
    let alice = login(a.addr, "alice").await;
    items_ok(b.addr, &alice, "alice").await; // b shares the table (db) or the key (jwt)

    // Log everyone out on a. db: b reads the table on every request, so it refuses at once.
    // jwt: b applies the new epoch at its next refresh (every 2 s by default).
    let reply = call(a.addr, Method::POST, "/admin/logout-everyone", Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_401(
        &call(a.addr, Method::GET, "/items", Some(&alice)).await,
        voided(mode),
    );
    match mode {
        Mode::Db => assert_401(
            &call(b.addr, Method::GET, "/items", Some(&alice)).await,
            INVALID,
        ),
        Mode::Jwt => items_ok(b.addr, &alice, "alice").await,
    }
    let before = b.state.db.queries();
    b.state.sessions.refresh().unwrap();
    let spent = b.state.db.queries().since(&before).background;
    assert_401(
        &call(b.addr, Method::GET, "/items", Some(&alice)).await,
        voided(mode),
    );
    match mode {
        Mode::Db => assert_eq!(spent, 0),
        // SELECT version, then the reload: BEGIN, auth_state, keys, cutoffs, COMMIT.
        Mode::Jwt => assert_eq!(spent, 6),
    }
    // Nothing changed since: a refresh is one query.
    let before = b.state.db.queries();
    b.state.sessions.refresh().unwrap();
    let expected = u64::from(mode == Mode::Jwt);
    assert_eq!(b.state.db.queries().since(&before).background, expected);

    if mode == Mode::Jwt {
        // A key rotated on a: b verifies the new key's tokens once it has refreshed.
        clock.advance(1);
        let admin = login(a.addr, "admin").await;
        let reply = call(a.addr, Method::POST, "/admin/rotate-key", Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK);
        let alice = login(a.addr, "alice").await;
        assert_401(
            &call(b.addr, Method::GET, "/items", Some(&alice)).await,
            INVALID,
        );
        b.state.sessions.refresh().unwrap();
        items_ok(b.addr, &alice, "alice").await;
        // b signs with the new key too now, and still accepts a token of the old one (retired,
        // not dropped): rotation without drop logs nobody out.
        let bob_from_b = login(b.addr, "bob").await;
        assert_eq!(jwt_parts(&bob_from_b).0["kid"], jwt_parts(&alice).0["kid"]);
        items_ok(a.addr, &bob_from_b, "bob").await;
        items_ok(b.addr, &admin, "admin").await;
    }
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_db() {
    fleet(Mode::Db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_jwt() {
    fleet(Mode::Jwt).await;
}

/// The background refresh, on its real timer: b applies a's logout-everyone by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_background_refresh_applies_another_instances_logout() {
    let dir = ScratchDir::new("refresh").unwrap();
    let clock = Clock::manual(T0);
    let a = start(&config(Mode::Jwt, &dir), &clock).await;
    let mut config_b = config(Mode::Jwt, &dir);
    config_b.refresh_every = Some(std::time::Duration::from_millis(100));
    let b = start(&config_b, &clock).await;
    let admin = login(a.addr, "admin").await;
    let alice = login(a.addr, "alice").await;
    items_ok(b.addr, &alice, "alice").await;
    let reply = call(a.addr, Method::POST, "/admin/logout-everyone", Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let started = std::time::Instant::now();
    loop {
        let reply = call(b.addr, Method::GET, "/items", Some(&alice)).await;
        if reply.status == StatusCode::UNAUTHORIZED {
            assert_401(&reply, REVOKED);
            break;
        }
        assert!(started.elapsed().as_secs() < 5, "b never refreshed");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The epoch, the cutoffs and the keys are in the database: a restart keeps them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_restart_keeps_keys_epoch_and_cutoffs() {
    let dir = ScratchDir::new("restart").unwrap();
    let clock = Clock::manual(T0);
    let config = config(Mode::Jwt, &dir);
    let first = start(&config, &clock).await;
    let admin = login(first.addr, "admin").await;
    let before_epoch = login(first.addr, "alice").await;
    let reply = call(
        first.addr,
        Method::POST,
        "/admin/logout-everyone",
        Some(&admin),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    clock.advance(1);
    let alice = login(first.addr, "alice").await;
    let bob = login(first.addr, "bob").await;
    let reply = call(
        first.addr,
        Method::POST,
        "/admin/users/bob/logout",
        Some(&alice),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let admin = login(first.addr, "admin").await;
    let reply = call(
        first.addr,
        Method::POST,
        "/admin/users/bob/logout",
        Some(&admin),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    first.stop().await.unwrap();

    let second = start(&config, &clock).await;
    assert_401(
        &call(second.addr, Method::GET, "/items", Some(&before_epoch)).await,
        REVOKED,
    );
    assert_401(
        &call(second.addr, Method::GET, "/items", Some(&bob)).await,
        REVOKED,
    );
    items_ok(second.addr, &alice, "alice").await;

    // Once no token from before a cutoff can be unexpired, the purge drops the cutoff row.
    clock.advance(SESSION + LEEWAY);
    assert_eq!(second.state.sessions.purge().unwrap(), 0);
    clock.advance(1);
    assert_eq!(second.state.sessions.purge().unwrap(), 1);
}

/// A key from the configuration (key file or environment): its kid signs; a clash fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_configured_key() {
    use microjwt_service::jwt::ConfiguredKey;
    let dir = ScratchDir::new("configured").unwrap();
    let clock = Clock::manual(T0);
    let key = |kid: &str, byte: u8| ConfiguredKey {
        kid: kid.into(),
        secret_b64: Base64UrlUnpadded::encode_string(&[byte; 32]),
    };
    let mut config = config(Mode::Jwt, &dir);
    config.key = Some(key("k1", 1));
    let first = start(&config, &clock).await;
    let alice = login(first.addr, "alice").await;
    assert_eq!(jwt_parts(&alice).0["kid"], "k1");
    // A token signed with that secret elsewhere verifies here: the key is what is shared.
    let claims = json!({
        "iss": "microjwt-service", "aud": "microjwt-service-api", "sub": "carol",
        "role": "admin", "iat": T0, "exp": T0 + 60
    });
    let signing = microjwt::HmacKey::<microjwt::Hs256>::new(&[1; 32])
        .unwrap()
        .with_kid("k1")
        .unwrap();
    let carol = microjwt::sign_to_string(&signing, &claims).unwrap();
    items_ok(first.addr, &carol, "carol").await;
    first.stop().await.unwrap();

    // The same kid with another secret: refuse to start rather than guess.
    config.key = Some(key("k1", 2));
    let err = app::start(&config, clock.clone()).await.unwrap_err();
    assert!(err.to_string().contains("another secret"), "{err}");
    // A too-short secret: refused at start, not at the first login.
    config.key = Some(ConfiguredKey {
        kid: "k3".into(),
        secret_b64: Base64UrlUnpadded::encode_string(&[3; 16]),
    });
    assert!(app::start(&config, clock.clone()).await.is_err());

    // A new kid and secret: rotation by configuration. Old tokens still verify.
    config.key = Some(key("k2", 2));
    let second = start(&config, &clock).await;
    let bob = login(second.addr, "bob").await;
    assert_eq!(jwt_parts(&bob).0["kid"], "k2");
    items_ok(second.addr, &alice, "alice").await;
    items_ok(second.addr, &bob, "bob").await;
}

/// Rotating faster than tokens expire fills the key set: refused, until the old keys go.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_key_set_full() {
    let dir = ScratchDir::new("keyset").unwrap();
    let clock = Clock::manual(T0);
    let server = start(&config(Mode::Jwt, &dir), &clock).await;
    let admin = login(server.addr, "admin").await;
    for _ in 1..microjwt_service::jwt::MAX_KEYS {
        let reply = call(server.addr, Method::POST, "/admin/rotate-key", Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let reply = call(server.addr, Method::POST, "/admin/rotate-key", Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(reply.json()["error"], "conflict");
    items_ok(server.addr, &admin, "admin").await;
    // Once the retired keys' tokens have expired, the purge drops them and rotation works.
    clock.advance(SESSION + LEEWAY - 1);
    assert_eq!(server.state.sessions.purge().unwrap(), 0);
    clock.advance(1);
    assert_eq!(server.state.sessions.purge().unwrap(), 3);
    let admin = login(server.addr, "admin").await;
    let reply = call(server.addr, Method::POST, "/admin/rotate-key", Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK);
}

/// The bench, tiny: it runs, and its query counts are what the design says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_counts_queries() {
    use microjwt_service::bench::{self, BenchOptions};
    let options = BenchOptions {
        requests: 200,
        clients: 3,
        warmup: 20,
        background_sessions: 100,
        rounds: 1,
        ..BenchOptions::default()
    };
    let reports = bench::run(&options).await.unwrap();
    let [db, jwt] = &reports[..] else {
        panic!("two modes expected")
    };
    assert_eq!((db.mode, jwt.mode), (Mode::Db, Mode::Jwt));
    for r in [db, jwt] {
        assert_eq!((r.requests, r.unexpected, r.rows_after_logout), (200, 0, 0));
    }
    assert_eq!((db.auth_queries, db.rows_at_end), (200, 103));
    assert_eq!((jwt.auth_queries, jwt.rows_at_end), (0, 0));
    assert_eq!(
        db.old_token,
        (StatusCode::UNAUTHORIZED, "invalid token".into())
    );
    assert_eq!(
        jwt.old_token,
        (StatusCode::UNAUTHORIZED, "token revoked".into())
    );
    let table = bench::render(&options, &reports);
    assert!(
        table.contains("DB queries per authenticated request"),
        "{table}"
    );
    assert!(
        table.contains("1.000") && table.contains("0.000"),
        "{table}"
    );
}
