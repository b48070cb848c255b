//! The router, its handlers, and the server around them: the same routes for both back-ends.
//!
//! | route | who | does |
//! | --- | --- | --- |
//! | `POST /login` | anyone | `{"username","password"}` → `{"access_token","token_type","expires_in"}` |
//! | `GET /items` | any user | the items, and who is asking |
//! | `DELETE /items/{id}` | admin | 204, or 404 if there is no such item; 403 for a user |
//! | `POST /logout` | any user | ends the caller's session (db) or sessions (jwt) |
//! | `POST /admin/logout-everyone` | admin | db: deletes all sessions; jwt: raises the epoch |
//! | `POST /admin/users/{name}/logout` | admin | the same, for one user |
//! | `POST /admin/rotate-key` | admin | jwt: a new signing key; `{"drop_old": true}` drops the others at once |

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, RETRY_AFTER};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::{Admin, Auth, Mode, Role, Sessions, StoreError, json_error};
use crate::clock::Clock;
use crate::db::{Database, DbSessions};
use crate::jwt::{ConfiguredKey, JwtSessions, JwtSettings};

/// Everything the service is configured with. `Config::new` gives the defaults of `cargo run`.
#[derive(Clone, Debug)]
pub struct Config {
    /// The session back-end.
    pub mode: Mode,
    /// The SQLite file (created if missing).
    pub database: PathBuf,
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    /// jwt: the key to sign with, from a key file or the environment; `None`: the database's,
    /// or a new random one.
    pub key: Option<ConfiguredKey>,
    /// jwt: `iss`.
    pub issuer: String,
    /// jwt: `aud`.
    pub audience: String,
    /// How long a session lasts, in both modes.
    pub session_secs: u64,
    /// jwt: clock skew allowed for `exp`.
    pub leeway_secs: u64,
    /// jwt: how often to re-read the epoch, cutoffs and keys other instances may have changed.
    /// `None`: never (a single instance, or tests that call `refresh` themselves).
    pub refresh_every: Option<Duration>,
    /// How often to purge what can no longer matter (expired sessions; old cutoffs and keys).
    pub purge_every: Option<Duration>,
    /// SQLite connections.
    pub pool_size: usize,
}

impl Config {
    /// The defaults: `mode` on `database`, listening on 127.0.0.1:3000.
    pub fn new(mode: Mode, database: impl Into<PathBuf>) -> Self {
        Self {
            mode,
            database: database.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            key: None,
            issuer: "microjwt-service".into(),
            audience: "microjwt-service-api".into(),
            session_secs: 15 * 60,
            leeway_secs: 30,
            refresh_every: Some(Duration::from_secs(2)),
            purge_every: Some(Duration::from_secs(60)),
            pool_size: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
        }
    }
}

/// The application's data: items, kept in memory on purpose so that the only database work a
/// request does is its authentication, which is what the two modes differ in.
#[derive(Debug)]
pub struct Items {
    items: RwLock<BTreeMap<u64, String>>,
}

impl Items {
    fn sample() -> Self {
        let names = ["apple", "bread", "cheese", "dates", "eggs"];
        Self {
            items: RwLock::new((1..).zip(names.iter().map(|n| (*n).to_owned())).collect()),
        }
    }

    fn list(&self) -> Vec<Item> {
        let items = match self.items.read() {
            Ok(items) => items,
            Err(poisoned) => poisoned.into_inner(),
        };
        items
            .iter()
            .map(|(&id, name)| Item {
                id,
                name: name.clone(),
            })
            .collect()
    }

    fn remove(&self, id: u64) -> bool {
        let mut items = match self.items.write() {
            Ok(items) => items,
            Err(poisoned) => poisoned.into_inner(),
        };
        items.remove(&id).is_some()
    }
}

/// One item.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Item {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
}

/// The router's state.
#[derive(Clone)]
pub struct AppState {
    /// The session back-end.
    pub sessions: Sessions,
    /// The database (users; sessions in db mode; shared state in jwt mode).
    pub db: Arc<Database>,
    /// The items.
    pub items: Arc<Items>,
}

/// What the [`Auth`] extractor takes from the state.
impl FromRef<AppState> for Sessions {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.sessions)
    }
}

/// The routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/items", get(list_items))
        .route("/items/{id}", delete(delete_item))
        .route("/logout", post(logout))
        .route("/admin/logout-everyone", post(logout_everyone))
        .route("/admin/users/{name}/logout", post(logout_user))
        .route("/admin/rotate-key", post(rotate_key))
        .with_state(state)
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
}

/// `POST /login`. Wrong credentials are answered as an OAuth token endpoint answers them
/// (RFC 6749 §5.2: 400 `invalid_grant`): 401 is for requests to protected resources, and a
/// login form has no token to challenge.
async fn login(State(state): State<AppState>, Json(request): Json<LoginRequest>) -> Response {
    // Argon2 takes tens of milliseconds of CPU: off the async worker threads.
    let db = Arc::clone(&state.db);
    let checked = tokio::task::spawn_blocking(move || {
        db.check_password(&request.username, &request.password)
    })
    .await;
    let user = match checked {
        Ok(Ok(Some(user))) => user,
        Ok(Ok(None)) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                None,
                &serde_json::json!({
                    "error": "invalid_grant",
                    "error_description": "invalid username or password"
                }),
            );
        }
        Ok(Err(e)) => return e.into_response(),
        Err(e) => return StoreError::Invalid(format!("password check: {e}")).into_response(),
    };
    // Right after a logout, a token issued in the same second would be void too (`iat` has
    // whole seconds): wait for the next one. Bounded, in case the clock does not move.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !state.sessions.can_issue(&user.name) {
        if tokio::time::Instant::now() >= deadline {
            let mut response = json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                &serde_json::json!({ "error": "temporarily_unavailable" }),
            );
            response
                .headers_mut()
                .insert(RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
            return response;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    match state.sessions.issue(&user) {
        // RFC 6749 §5.1: a response carrying a token must not be cached.
        Ok(issued) => ([(CACHE_CONTROL, "no-store")], Json(issued)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize)]
struct ItemList {
    user: String,
    role: Role,
    items: Vec<Item>,
}

/// `GET /items`: any authenticated user.
async fn list_items(State(state): State<AppState>, Auth(user): Auth) -> Json<ItemList> {
    Json(ItemList {
        user: user.username,
        role: user.role,
        items: state.items.list(),
    })
}

/// `DELETE /items/{id}`: admins only. The extractor runs before `Path`, so a user is told 403
/// whatever the id.
async fn delete_item(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    Path(id): Path<u64>,
) -> StatusCode {
    match state.items.remove(id) {
        true => StatusCode::NO_CONTENT,
        false => StatusCode::NOT_FOUND,
    }
}

/// `POST /logout`.
async fn logout(State(state): State<AppState>, Auth(user): Auth) -> Response {
    match state.sessions.logout(&user) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /admin/logout-everyone`.
async fn logout_everyone(State(state): State<AppState>, Admin(_admin): Admin) -> Response {
    match state.sessions.logout_everyone() {
        Ok(outcome) => Json(outcome).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /admin/users/{name}/logout`.
async fn logout_user(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    Path(name): Path<String>,
) -> Response {
    match state.sessions.logout_user(&name) {
        Ok(outcome) => Json(outcome).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
struct RotateRequest {
    #[serde(default)]
    drop_old: bool,
}

/// `POST /admin/rotate-key`, with an optional `{"drop_old": true}`.
async fn rotate_key(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    request: Option<Json<RotateRequest>>,
) -> Response {
    let drop_old = request.is_some_and(|Json(r)| r.drop_old);
    match state.sessions.rotate_key(drop_old) {
        Ok(Some(rotation)) => Json(rotation).into_response(),
        Ok(None) => json_error(
            StatusCode::NOT_FOUND,
            None,
            &serde_json::json!({
                "error": "not_found",
                "error_description": "the db back-end has no signing key"
            }),
        ),
        Err(e) => e.into_response(),
    }
}

/// A started service: its address, its state, and a way to stop it.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its state (the tests and the bench read the counters and drive `refresh`/`purge`).
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    background: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("addr", &self.addr)
            .field("mode", &self.state.sessions.mode())
            .finish_non_exhaustive()
    }
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and stops the background task.
    ///
    /// # Errors
    /// The server failed.
    pub async fn stop(mut self) -> Result<(), crate::BoxError> {
        if let Some(background) = self.background.take() {
            background.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await??;
        }
        Ok(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(background) = self.background.take() {
            background.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Opens the database, builds the back-end, binds and serves on the current tokio runtime.
///
/// # Errors
/// The database, the configured key or the listening address.
pub async fn start(config: &Config, clock: Clock) -> Result<Running, crate::BoxError> {
    let db = Arc::new(Database::open(&config.database, config.pool_size)?);
    let sessions: Sessions = match config.mode {
        Mode::Db => Arc::new(DbSessions::new(Arc::clone(&db), clock, config.session_secs)),
        Mode::Jwt => Arc::new(JwtSessions::open(
            Arc::clone(&db),
            clock,
            JwtSettings {
                issuer: config.issuer.clone(),
                audience: config.audience.clone(),
                session_secs: config.session_secs,
                leeway_secs: config.leeway_secs,
            },
            config.key.as_ref(),
        )?),
    };
    let state = AppState {
        sessions,
        db,
        items: Arc::new(Items::sample()),
    };
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let app = router(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    let background = tokio::spawn(maintain(
        Arc::clone(&state.sessions),
        config.refresh_every,
        config.purge_every,
    ));
    Ok(Running {
        addr,
        state,
        shutdown: Some(shutdown),
        server: Some(server),
        background: Some(background),
    })
}

/// The background task: refresh (jwt) and purge (both), each on its own interval.
async fn maintain(sessions: Sessions, refresh: Option<Duration>, purge: Option<Duration>) {
    // An interval that never fires when disabled.
    let ticker = |every: Option<Duration>| {
        let period = every.unwrap_or(Duration::from_secs(365 * 24 * 3600));
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    };
    let (mut refresh_tick, mut purge_tick) = (ticker(refresh), ticker(purge));
    loop {
        let sessions = Arc::clone(&sessions);
        let result = tokio::select! {
            _ = refresh_tick.tick() => tokio::task::spawn_blocking(move || sessions.refresh()).await,
            _ = purge_tick.tick() => {
                tokio::task::spawn_blocking(move || sessions.purge().map(|_| ())).await
            }
        };
        match result {
            Ok(Ok(())) => {}
            // Keep serving with the state we have; say so, and try again next tick.
            Ok(Err(e)) => eprintln!("microjwt-service: background refresh/purge failed: {e}"),
            Err(e) => eprintln!("microjwt-service: background task failed: {e}"),
        }
    }
}
