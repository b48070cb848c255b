//! `microjwt-service`: the command line. `cargo run` serves on 127.0.0.1:3000 in jwt mode with
//! `service.sqlite` in the current folder; `cargo run -- --mode db` uses the session table;
//! `cargo run --release -- bench` compares both.

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use clap::{Args, Parser, Subcommand};
use microjwt_service::bench::{self, BenchOptions};
use microjwt_service::db::{Database, random_bytes};
use microjwt_service::jwt::ConfiguredKey;
use microjwt_service::{BoxError, Clock, Config, Mode, Role, app};

#[derive(Parser, Debug)]
#[command(
    name = "microjwt-service",
    version,
    about = "An HTTP API with login, roles and log-everyone-out, on a SQLite session table (db) or microjwt tokens (jwt)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run both modes under the same load and print them side by side.
    Bench(BenchArgs),
    /// Create or update a user (the password is read from --password, the environment
    /// variable MICROJWT_SERVICE_PASSWORD, or the first line of standard input).
    AddUser(AddUserArgs),
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// The session back-end.
    #[arg(long, value_enum, default_value_t = Mode::Jwt, env = "MICROJWT_SERVICE_MODE")]
    mode: Mode,
    /// The SQLite database file (created if missing).
    #[arg(
        long,
        default_value = "service.sqlite",
        global = true,
        env = "MICROJWT_SERVICE_DB"
    )]
    database: PathBuf,
    /// The address to listen on.
    #[arg(
        long,
        default_value = "127.0.0.1:3000",
        env = "MICROJWT_SERVICE_LISTEN"
    )]
    listen: SocketAddr,
    /// jwt: a file holding the signing secret, base64url (at least 32 bytes decoded). Without
    /// it or MICROJWT_SERVICE_KEY the database's key is used, or a random one is made.
    #[arg(long, conflicts_with = "key")]
    key_file: Option<PathBuf>,
    /// jwt: the signing secret, base64url (prefer the environment to the command line).
    #[arg(long, env = "MICROJWT_SERVICE_KEY", hide_env_values = true)]
    key: Option<String>,
    /// jwt: the configured key's kid. A new kid with a new secret rotates keys at start.
    #[arg(long, default_value = "k1")]
    key_id: String,
    /// How long a session lasts, in seconds.
    #[arg(long, default_value_t = 900)]
    session_secs: u64,
    /// jwt: clock skew allowed between instances, in seconds.
    #[arg(long, default_value_t = 30)]
    leeway_secs: u64,
    /// jwt: how often to re-read the epoch, cutoffs and keys other instances changed (0: never).
    #[arg(long, default_value_t = 2)]
    refresh_secs: u64,
    /// How often to purge expired sessions, old cutoffs and old keys (0: never).
    #[arg(long, default_value_t = 60)]
    purge_secs: u64,
}

#[derive(Args, Debug)]
struct BenchArgs {
    /// Measured requests per mode.
    #[arg(long, default_value_t = 20_000)]
    requests: u64,
    /// Concurrent clients (each its own user and keep-alive connection; the first is an admin).
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Unmeasured requests per mode first.
    #[arg(long, default_value_t = 2_000)]
    warmup: u64,
    /// Other users' sessions pre-filled in db mode's table.
    #[arg(long, default_value_t = 10_000)]
    background_sessions: u64,
    /// Rounds of both modes, alternating which goes first; each mode's median round is shown.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

#[derive(Args, Debug)]
struct AddUserArgs {
    /// The user name: 1 to 64 of A-Z a-z 0-9 . _ -
    name: String,
    /// The role.
    #[arg(long, value_enum, default_value_t = Role::User)]
    role: Role,
    /// The password (visible to other local users in the process list: prefer the environment).
    #[arg(long, env = "MICROJWT_SERVICE_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

fn seconds(secs: u64) -> Option<Duration> {
    (secs > 0).then(|| Duration::from_secs(secs))
}

fn config(args: &ServeArgs) -> Result<Config, BoxError> {
    let mut config = Config::new(args.mode, &args.database);
    config.listen = args.listen;
    config.session_secs = args.session_secs;
    config.leeway_secs = args.leeway_secs;
    config.refresh_every = seconds(args.refresh_secs);
    config.purge_every = seconds(args.purge_secs);
    let secret = match (&args.key_file, &args.key) {
        (Some(path), _) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("key file {}: {e}", path.display()))?,
        ),
        (None, key) => key.clone(),
    };
    config.key = secret.map(|secret| ConfiguredKey {
        kid: args.key_id.clone(),
        secret_b64: secret.trim().to_owned(),
    });
    Ok(config)
}

/// A first start has no users: make an admin and a user with random passwords, shown once.
fn seed_users(db: &Database) -> Result<(), BoxError> {
    if db.user_count()? > 0 {
        return Ok(());
    }
    println!("no users yet: created two, with these passwords (shown only now):");
    for (name, role) in [("admin", Role::Admin), ("alice", Role::User)] {
        let password = Base64UrlUnpadded::encode_string(&random_bytes::<12>()?);
        db.add_user(name, &password, role)?;
        println!("  {name:<6} {:<6} {password}", role.as_str());
    }
    Ok(())
}

async fn serve(args: &ServeArgs) -> Result<(), BoxError> {
    let config = config(args)?;
    seed_users(&Database::open(&config.database, 1)?)?;
    let running = app::start(&config, Clock::system()).await?;
    println!(
        "microjwt-service: {} mode on http://{}, database {}",
        config.mode,
        running.addr,
        config.database.display()
    );
    println!(
        "  try: curl -s -X POST http://{}/login -H 'content-type: application/json' \
         -d '{{\"username\":\"alice\",\"password\":\"…\"}}'",
        running.addr
    );
    shutdown_signal().await?;
    println!("microjwt-service: stopping");
    running.stop().await
}

/// Ctrl-C, or SIGTERM (what a container runtime or systemd sends).
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}

fn add_user(database: &Path, args: &AddUserArgs) -> Result<(), BoxError> {
    let password = match &args.password {
        Some(password) => password.clone(),
        None => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if password.is_empty() {
        return Err("empty password".into());
    }
    Database::open(database, 1)?.add_user(&args.name, &password, args.role)?;
    println!(
        "user {} ({}) saved in {}",
        args.name,
        args.role.as_str(),
        database.display()
    );
    Ok(())
}

async fn run_bench(args: &BenchArgs) -> Result<(), BoxError> {
    let options = BenchOptions {
        requests: args.requests,
        clients: args.clients,
        warmup: args.warmup,
        background_sessions: args.background_sessions,
        rounds: args.rounds,
        ..BenchOptions::default()
    };
    let reports = bench::run(&options).await?;
    print!("{}", bench::render(&options, &reports));
    if let Some(bad) = reports.iter().find(|r| r.unexpected > 0) {
        return Err(format!("{}: {} unexpected statuses", bad.mode, bad.unexpected).into());
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let cli = Cli::parse();
    match &cli.command {
        None => serve(&cli.serve).await,
        Some(Command::Bench(args)) => run_bench(args).await,
        Some(Command::AddUser(args)) => add_user(&cli.serve.database, args),
    }
}
