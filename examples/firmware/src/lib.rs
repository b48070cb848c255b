//! The device side of a valve controller that obeys signed commands.
//!
//! A fleet controller mints short-lived JWTs such as
//!
//! ```json
//! {"cmd":"open-valve","valve":3,"jti":"c-0001","iss":"fleet-controller","aud":"device-17",
//!  "iat":1800000000,"exp":1800000060}
//! ```
//!
//! and this firmware accepts one only if its MAC is right (HS256, or HS512 with the `hs512`
//! feature), it is addressed to this device by this issuer, it has not expired, it was minted
//! after this firmware was built, and it has not been used before (see [`Device::handle`]).
//!
//! Everything lives in fixed buffers the caller provides; nothing is allocated, nothing panics
//! on untrusted input, and there is no `unsafe` here.

#![no_std]
#![forbid(unsafe_code)]

use microjwt::{Claim, Error, HmacKey, ReplayGuard, Validation};
use serde::{Deserialize, Serialize};

/// The algorithm this device accepts. The type fixes it: a token whose header says anything
/// else is rejected, and the other SHA-2 variants are never linked.
#[cfg(not(feature = "hs512"))]
pub type Alg = microjwt::Hs256;
/// The algorithm this device accepts (the `hs512` feature).
#[cfg(feature = "hs512")]
pub type Alg = microjwt::Hs512;

/// The shared secret, provisioned at the factory. A real device reads it from protected flash;
/// it is a constant here so the example is self-contained. HS256 needs at least 32 bytes
/// (RFC 7518 §3.2).
#[cfg(not(feature = "hs512"))]
pub const KEY: [u8; 32] = *b"device-17 factory key, 32 bytes.";
/// The shared secret for HS512, which needs at least 64 bytes.
#[cfg(feature = "hs512")]
pub const KEY: [u8; 64] = *b"device-17 factory key for HS512, which wants 64 bytes at least!!";

/// This device's name: the audience a command must be addressed to.
pub const DEVICE_ID: &str = "device-17";
/// The only issuer this device obeys.
pub const ISSUER: &str = "fleet-controller";
/// Commands minted before this time (seconds since the Unix epoch) are refused, e.g. because
/// the key or the fleet controller was replaced when this firmware was built.
pub const ISSUED_AFTER: u64 = 1_790_000_000;
/// The longest token this device reads: anything longer is rejected before any work is done.
#[cfg(not(feature = "probe"))]
pub const MAX_TOKEN_LEN: usize = 320;
/// The stack probe's token limit (the `probe` feature, `src/bin/stack-probe.rs`): long enough
/// for the hostile inputs it feeds [`Device::handle`]. Only this constant changes, not the
/// verify code.
#[cfg(feature = "probe")]
pub const MAX_TOKEN_LEN: usize = 16 * 1024;
/// A scratch buffer this large can verify any token of up to [`MAX_TOKEN_LEN`] bytes.
pub const SCRATCH_LEN: usize = microjwt::scratch_len(MAX_TOKEN_LEN);
/// How many command ids the device remembers to refuse a replay.
pub const REPLAY_SLOTS: usize = 8;

/// What a command can ask for. The JSON names are kebab-case (`"open-valve"`); any other
/// `cmd` is refused with [`Error::Claims`] (an unknown variant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cmd {
    /// Open a valve.
    OpenValve,
    /// Close a valve.
    CloseValve,
}

/// What the device reads from a verified command token: only what it acts on. The registered
/// claims (`jti`, `iss`, `aud`, `iat`, `exp`) are checked by microjwt itself and can be read
/// from [`microjwt::Claims::registered`]; leaving them out of this type keeps their parsing out
/// of the image (the serde visitor for each extra field costs code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// What to do.
    pub cmd: Cmd,
    /// Which valve.
    pub valve: u8,
}

/// The whole claims set the fleet controller signs: the command plus the registered claims
/// the device insists on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Envelope<'a> {
    /// What to do (as in [`Command`]; serde's `flatten` would need `alloc`).
    pub cmd: Cmd,
    /// Which valve.
    pub valve: u8,
    /// The command's unique id, used to refuse replays.
    pub jti: &'a str,
    /// Who sent it; must be [`ISSUER`].
    pub iss: &'a str,
    /// Whom it is for; must be [`DEVICE_ID`].
    pub aud: &'a str,
    /// When it was minted (seconds since the Unix epoch).
    pub iat: u64,
    /// When it stops being valid (seconds since the Unix epoch).
    pub exp: u64,
}

/// What the device does after accepting a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Drive valve `n` open.
    OpenValve(u8),
    /// Drive valve `n` closed.
    CloseValve(u8),
}

/// The device's verification state: its key (pre-keyed once at boot) and the ids of the
/// commands it has already obeyed.
#[derive(Debug)]
pub struct Device {
    key: HmacKey<Alg>,
    /// Each command token is obeyed exactly once: its `jti` is remembered until its `exp`.
    /// Full of live commands, it fails closed (`Error::ReplayCacheFull`).
    replay: ReplayGuard<Alg, REPLAY_SLOTS>,
}

impl Device {
    /// Boot: pre-key HMAC with the factory key.
    ///
    /// # Errors
    /// [`Error::KeyTooShort`] if [`KEY`] were shorter than the algorithm's tag.
    pub fn new() -> Result<Self, Error> {
        Ok(Self {
            key: HmacKey::new(&KEY)?,
            replay: ReplayGuard::new(),
        })
    }

    /// The device's key, for [`issue`] in the host demo and tests.
    pub fn key(&self) -> &HmacKey<Alg> {
        &self.key
    }

    /// Verifies a command token and says what to do.
    ///
    /// `now` is wall-clock seconds since the Unix epoch from the device's monotonic counter
    /// plus the offset learnt at the last time sync, or `None` at boot before any sync: then
    /// every command is refused with [`Error::TimeUnknown`], because every command carries
    /// `exp`. `scratch` receives the decoded token; [`SCRATCH_LEN`] bytes are always enough.
    ///
    /// # Errors
    /// Whatever [`microjwt::verify`] finds wrong with the token (bad MAC, expired, wrong
    /// audience or issuer, minted before [`ISSUED_AFTER`], no `jti`, …), [`Error::Claims`]
    /// for an unknown `cmd`, [`Error::Replayed`] for a command already obeyed, and
    /// [`Error::ReplayCacheFull`] when [`REPLAY_SLOTS`] commands are live at once.
    // Never inlined, so the stack figures (scripts/embedded-figures.sh) can tell the stack
    // verification needs apart from the caller's own buffers.
    #[inline(never)]
    pub fn handle(
        &mut self,
        token: &str,
        now: Option<u64>,
        scratch: &mut [u8],
    ) -> Result<Action, Error> {
        let base = match now {
            Some(now) => Validation::new(now),
            None => Validation::time_unknown(),
        };
        let validation = base
            .issuer(ISSUER)
            .audience(&[DEVICE_ID])
            .issued_after(ISSUED_AFTER)
            .require(Claim::Jti)
            .max_token_len(MAX_TOKEN_LEN);
        let claims = microjwt::verify::<Command>(&self.key, token, &validation, scratch)?;
        // Last, once everything else has passed: a refused command must not use up a slot.
        self.replay.record(claims.registered(), &validation)?;
        let command = claims.custom();
        Ok(match command.cmd {
            Cmd::OpenValve => Action::OpenValve(command.valve),
            Cmd::CloseValve => Action::CloseValve(command.valve),
        })
    }
}

/// The fleet controller's side: signs `command` with `key` into `buf` and returns the token.
/// Used by the host demo; on a device it is only linked with the `sign` feature.
///
/// # Errors
/// [`Error::BufferTooSmall`] if `buf` cannot hold the token.
#[inline(never)]
pub fn issue<'b>(
    key: &HmacKey<Alg>,
    command: &Envelope<'_>,
    buf: &'b mut [u8],
) -> Result<&'b str, Error> {
    microjwt::sign(key, command, buf)
}
