//! The load run: both back-ends, the same workload, side by side.
//!
//! For each mode: a fresh SQLite file, the service on 127.0.0.1:0 in this process, `clients`
//! users who each log in over HTTP and then send their share of `requests` on their own
//! keep-alive connection, as fast as answers come back. 90% are `GET /items`; every tenth is
//! `DELETE /items/{id}` of an item that does not exist (the admin gets 404, users 403), so the
//! role check runs too. Before the run, db mode's `sessions` table is filled with
//! `background_sessions` rows of other users: the table a site with that many logged-in users
//! has. After it, the admin logs everyone out, timed, and a token from before is tried.
//!
//! Database queries are read from the counters around every query ([`crate::db::Conn`]),
//! before and after the measured requests: counted, not assumed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use base64ct::{Base64UrlUnpadded, Encoding};

use crate::BoxError;
use crate::app::{self, Config};
use crate::auth::{Issued, Mode, Role};
use crate::client::Connection;
use crate::clock::Clock;
use crate::db::random_bytes;

/// What to run.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Measured requests per mode.
    pub requests: u64,
    /// Concurrent clients, each with its own connection and user (the first is the admin).
    pub clients: usize,
    /// Unmeasured requests per mode before the measured ones.
    pub warmup: u64,
    /// Other users' sessions in db mode's table.
    pub background_sessions: u64,
    /// The modes, in order.
    pub modes: Vec<Mode>,
    /// Rounds of all modes, in alternating order; the report is each mode's median round.
    pub rounds: usize,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            requests: 20_000,
            clients: 32,
            warmup: 2_000,
            background_sessions: 10_000,
            modes: vec![Mode::Db, Mode::Jwt],
            rounds: 3,
        }
    }
}

impl BenchOptions {
    /// The command that runs exactly these options, from `examples/service`.
    pub fn command(&self) -> String {
        let release = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        format!(
            "cargo run{release} -- bench --requests {} --clients {} --warmup {} \
             --background-sessions {} --rounds {}",
            self.requests, self.clients, self.warmup, self.background_sessions, self.rounds
        )
    }
}

/// One mode's figures.
#[derive(Clone, Debug)]
pub struct ModeReport {
    /// The mode.
    pub mode: Mode,
    /// Measured requests sent.
    pub requests: u64,
    /// Answers with another status than the workload expects.
    pub unexpected: u64,
    /// The measured requests' wall time.
    pub elapsed: Duration,
    /// Latency percentiles: p50, p99.
    pub p50: Duration,
    /// p99.
    pub p99: Duration,
    /// Authentication queries during the measured requests.
    pub auth_queries: u64,
    /// Every other query during them (background refresh and purge).
    pub other_queries: u64,
    /// `sessions` rows after the measured requests.
    pub rows_at_end: u64,
    /// `SessionStore::authenticate` alone, in process on one thread: mean per call.
    pub authenticate_alone: Duration,
    /// Requests per second of every round of this mode, ascending (this report is the median).
    pub round_rates: Vec<f64>,
    /// The `POST /admin/logout-everyone` round trip.
    pub logout_everyone: Duration,
    /// `sessions` rows after it.
    pub rows_after_logout: u64,
    /// What a token from before it got: status and `error_description`.
    pub old_token: (StatusCode, String),
}

impl ModeReport {
    /// Requests per second.
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Database queries per authenticated request.
    pub fn queries_per_request(&self) -> f64 {
        self.auth_queries as f64 / (self.requests.max(1) as f64)
    }
}

/// A directory under the system's temp dir, removed on drop.
#[derive(Debug)]
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// A new, empty one.
    ///
    /// # Errors
    /// It cannot be created.
    pub fn new(label: &str) -> Result<Self, BoxError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "microjwt-service-{label}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A logged-in client.
struct Client {
    conn: Connection,
    token: String,
    role: Role,
}

/// Runs every mode of `options`, one after the other.
///
/// # Errors
/// Setting up a mode failed (not a refused request: those are counted).
pub async fn run(options: &BenchOptions) -> Result<Vec<ModeReport>, BoxError> {
    let n = options.modes.len();
    let mut rounds: Vec<Vec<ModeReport>> = vec![Vec::new(); n];
    for round in 0..options.rounds.max(1) {
        // Alternate the order, so that neither mode always runs first on a machine whose load
        // drifts.
        let order: Vec<usize> = match round % 2 {
            0 => (0..n).collect(),
            _ => (0..n).rev().collect(),
        };
        for i in order {
            if let (Some(&mode), Some(reports)) = (options.modes.get(i), rounds.get_mut(i)) {
                reports.push(run_mode(mode, options).await?);
            }
        }
    }
    // Each mode's median round by requests per second, whole: its figures come from one run.
    rounds
        .into_iter()
        .map(|mut reports| {
            reports.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
            let rates: Vec<f64> = reports.iter().map(ModeReport::per_second).collect();
            let middle = reports.len().saturating_sub(1) / 2;
            let mut median = reports.into_iter().nth(middle).ok_or("no rounds")?;
            median.round_rates = rates;
            Ok(median)
        })
        .collect()
}

async fn run_mode(mode: Mode, options: &BenchOptions) -> Result<ModeReport, BoxError> {
    let clients = options.clients.max(1);
    let dir = ScratchDir::new(&format!("bench-{mode}"))?;
    let mut config = Config::new(mode, dir.path().join("bench.sqlite"));
    config.listen = ([127, 0, 0, 1], 0).into();
    let running = app::start(&config, Clock::system()).await?;
    let db = Arc::clone(&running.state.db);

    // Users, with real Argon2id hashes: client 0 is the admin.
    let users: Vec<(String, String, Role)> = (0..clients)
        .map(|i| {
            let password = Base64UrlUnpadded::encode_string(&random_bytes::<12>()?);
            Ok(match i {
                0 => ("bench-admin".to_owned(), password, Role::Admin),
                _ => (format!("bench-user-{i}"), password, Role::User),
            })
        })
        .collect::<Result<_, BoxError>>()?;
    {
        let (db, users) = (Arc::clone(&db), users.clone());
        tokio::task::spawn_blocking(move || {
            users
                .iter()
                .try_for_each(|(name, password, role)| db.add_user(name, password, *role))
        })
        .await??;
    }
    if mode == Mode::Db && options.background_sessions > 0 {
        let (db, n) = (Arc::clone(&db), options.background_sessions);
        let now = microjwt::unix_now();
        let until = now + config.session_secs;
        tokio::task::spawn_blocking(move || db.seed_sessions(n, now, until)).await??;
    }

    let mut logged_in = Vec::with_capacity(clients);
    for (name, password, role) in &users {
        let mut conn = Connection::open(running.addr).await?;
        let body = serde_json::json!({ "username": name, "password": password });
        let reply = conn.send(Method::POST, "/login", None, Some(&body)).await?;
        if reply.status != StatusCode::OK {
            return Err(format!("{mode}: login of {name} answered {}", reply.status).into());
        }
        let issued: Issued = serde_json::from_slice(&reply.body)?;
        logged_in.push(Client {
            conn,
            token: issued.access_token,
            role: *role,
        });
    }

    // Warm-up, then the measured run; each client's share on its own task and connection.
    let (logged_in, _, _) = drive(logged_in, options.warmup, 0).await?;
    let before = db.queries();
    let started = Instant::now();
    let (mut logged_in, mut latencies, unexpected) =
        drive(logged_in, options.requests, options.warmup).await?;
    let elapsed = started.elapsed();
    let queries = db.queries().since(&before);
    let rows_at_end = db.session_rows()?;

    // The authentication step alone, without HTTP: what the two designs differ in.
    let sessions = Arc::clone(&running.state.sessions);
    let token = logged_in
        .last()
        .map(|c| c.token.clone())
        .ok_or("no clients")?;
    let calls = options.requests.max(1);
    let authenticate_alone = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        for _ in 0..calls {
            sessions
                .authenticate(&token)
                .map_err(|e| format!("{mode}: authenticate failed: {e:?}"))?;
        }
        Ok::<_, BoxError>(started.elapsed().div_f64(calls as f64))
    })
    .await??;

    // Log everyone out, timed over HTTP as an admin's click would be; then try an old token.
    let (admin, others) = logged_in.split_first_mut().ok_or("no clients")?;
    let started = Instant::now();
    let reply = admin
        .conn
        .send(
            Method::POST,
            "/admin/logout-everyone",
            Some(&admin.token),
            None,
        )
        .await?;
    let logout_everyone = started.elapsed();
    if reply.status != StatusCode::OK {
        return Err(format!("{mode}: logout-everyone answered {}", reply.status).into());
    }
    let rows_after_logout = db.session_rows()?;
    let probe = others.last_mut().unwrap_or(admin);
    let reply = probe
        .conn
        .send(Method::GET, "/items", Some(&probe.token), None)
        .await?;
    let description = reply.json()["error_description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    drop(logged_in);
    running.stop().await?;

    latencies.sort_unstable();
    Ok(ModeReport {
        mode,
        requests: options.requests,
        unexpected,
        elapsed,
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        auth_queries: queries.auth,
        other_queries: queries.login + queries.admin + queries.background + queries.setup,
        rows_at_end,
        authenticate_alone,
        round_rates: Vec::new(),
        logout_everyone,
        rows_after_logout,
        old_token: (reply.status, description),
    })
}

/// Sends `total` requests spread over the clients, concurrently; returns the clients, every
/// latency, and how many answers had another status than expected.
async fn drive(
    clients: Vec<Client>,
    total: u64,
    offset: u64,
) -> Result<(Vec<Client>, Vec<Duration>, u64), BoxError> {
    let n = clients.len() as u64;
    let mut tasks = Vec::with_capacity(clients.len());
    for (i, mut client) in clients.into_iter().enumerate() {
        let i = i as u64;
        let share = total / n + u64::from(i < total % n);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share as usize);
            let mut unexpected = 0u64;
            for k in 0..share {
                let seq = offset + k;
                let (method, path, expected) = if seq % 10 == 9 {
                    let expected = match client.role {
                        Role::Admin => StatusCode::NOT_FOUND,
                        Role::User => StatusCode::FORBIDDEN,
                    };
                    (
                        Method::DELETE,
                        format!("/items/{}", 1_000_000 + seq),
                        expected,
                    )
                } else {
                    (Method::GET, "/items".to_owned(), StatusCode::OK)
                };
                let started = Instant::now();
                let reply = client
                    .conn
                    .send(method, &path, Some(&client.token), None)
                    .await?;
                latencies.push(started.elapsed());
                unexpected += u64::from(reply.status != expected);
            }
            Ok::<_, BoxError>((client, latencies, unexpected))
        }));
    }
    let mut clients = Vec::with_capacity(tasks.len());
    let mut latencies = Vec::new();
    let mut unexpected = 0;
    for task in tasks {
        let (client, mut l, u) = task.await??;
        clients.push(client);
        latencies.append(&mut l);
        unexpected += u;
    }
    Ok((clients, latencies, unexpected))
}

/// The `q` quantile of sorted `latencies` (nearest rank).
fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).copied().unwrap_or_default()
}

/// The side-by-side table.
pub fn render(options: &BenchOptions, reports: &[ModeReport]) -> String {
    let mut out = String::new();
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(
        out,
        "microjwt-service bench, {}, {build} build, {cpus} CPUs (server and clients in one process)",
        today()
    );
    if let Some(load) = load_average() {
        let _ = writeln!(out, "  load average (other work on the machine): {load}");
    }
    let _ = writeln!(
        out,
        "  command (in examples/service): {}",
        options.command()
    );
    let _ = writeln!(
        out,
        "  {} measured requests per mode after {} warm-up, {} clients on {} keep-alive connections",
        options.requests, options.warmup, options.clients, options.clients
    );
    let _ = writeln!(
        out,
        "  workload: 90% GET /items, 10% DELETE /items/{{id}} (admin: 404, users: 403); \
         db mode's table pre-filled with {} other sessions",
        options.background_sessions
    );
    if options.rounds > 1 {
        let _ = writeln!(
            out,
            "  {} rounds in alternating order; each column is its mode's median round by \
             requests per second",
            options.rounds
        );
    }
    let _ = writeln!(out);
    let mut row = |label: &str, cell: &dyn Fn(&ModeReport) -> String| {
        let _ = write!(out, "  {label:<42}");
        for report in reports {
            let _ = write!(out, "{:>22}", cell(report));
        }
        let _ = writeln!(out);
    };
    row("", &|r| r.mode.to_string());
    row("requests per second", &|r| format!("{:.0}", r.per_second()));
    if options.rounds > 1 {
        row("  every round, ascending", &|r| {
            let rates: Vec<String> = r.round_rates.iter().map(|x| format!("{x:.0}")).collect();
            rates.join(" ")
        });
    }
    row("latency p50", &|r| format_duration(r.p50));
    row("latency p99", &|r| format_duration(r.p99));
    row("unexpected statuses", &|r| r.unexpected.to_string());
    row("DB queries per authenticated request", &|r| {
        format!("{:.3}", r.queries_per_request())
    });
    row("  auth queries / other queries in the run", &|r| {
        format!("{} / {}", r.auth_queries, r.other_queries)
    });
    row("authenticate() alone, no HTTP (mean, 1 thread)", &|r| {
        format!("{:.2} µs", r.authenticate_alone.as_secs_f64() * 1e6)
    });
    row("rows in sessions at the end", &|r| {
        r.rows_at_end.to_string()
    });
    row("log everyone out (POST round trip)", &|r| {
        format_duration(r.logout_everyone)
    });
    row("  rows in sessions after it", &|r| {
        r.rows_after_logout.to_string()
    });
    row("  a token from before it gets", &|r| {
        format!("{} {}", r.old_token.0.as_u16(), r.old_token.1)
    });
    out
}

fn format_duration(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// The 1, 5 and 15 minute load averages (Linux), to tell a quiet machine from a busy one.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Today's date (UTC), from the system clock: `YYYY-MM-DD`.
fn today() -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let days = (microjwt::unix_now() / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let ms = |n| Duration::from_millis(n);
        let sorted: Vec<_> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.50), ms(50));
        assert_eq!(percentile(&sorted, 0.99), ms(99));
        assert_eq!(percentile(&[ms(7)], 0.99), ms(7));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }
}
