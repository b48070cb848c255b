//! The motivating web service for microjwt, for real: an axum HTTP API with login, roles and
//! "log everyone out", with two interchangeable session back-ends behind the same routes.
//!
//! - [`Mode::Db`]: the classic design. A random session id is stored (hashed) in a SQLite
//!   `sessions` table and looked up on every request.
//! - [`Mode::Jwt`]: microjwt. The session is a MAC'd token checked in memory; the database holds
//!   only the key set, one issued-after epoch and per-user cutoffs, cached in memory.
//!
//! The modules are meant to be copied, in the order a request meets them:
//! [`auth`] (the extractor and the RFC 6750 answers), [`db`] (SQLite, counted queries, the
//! session table back-end), [`jwt`] (the token back-end), [`app`] (the routes and the server),
//! [`client`] and [`mod@bench`] (the load run).

pub mod clock;
pub mod auth;
pub mod db;
pub mod jwt;
pub mod app;
pub mod client;
pub mod bench;

pub use app::{Config, Running};
pub use auth::{Mode, Role};
pub use clock::Clock;

/// The error type of set-up code (start, bench, CLI): anything, with its message.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
