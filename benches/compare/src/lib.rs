//! Shared workload for the cross-crate JWT benchmark (`benches/compare.rs`) and
//! the allocation counter (`tests/allocations.rs`).
//!
//! Everything that is measured lives here, as one adapter per crate with the
//! same shape: `verify(&self, token) -> Result<claims, _>` and, for signing,
//! `sign(&self, …) -> token`. The bench and the allocation test call the very
//! same functions, so what is counted is what is timed.
//!
//! | file | what |
//! |---|---|
//! | `claims.rs` | constants, algorithms, the claims of each payload shape, `Digest` |
//! | `tokens.rs` | the hand-assembled tokens and the invalid variants (`Case`) |
//! | `adapters/floor.rs` | raw HMAC + tag compare, the lower bound |
//! | `adapters/microjwt.rs` | the crate under test |
//! | `adapters/lax_serde_json.rs` | a hand-written table base64 + serde_json verifier, no JWT crate |
//! | `adapters/jsonwebtoken.rs`, `jwt_compact.rs`, `jwt.rs`, `jwt_simple.rs` | the peers |
//!
//! See the comment at the top of `benches/compare.rs` for the list of
//! (unavoidable) inequalities between crates.

#![allow(clippy::result_unit_err)] // bench adapters: the error value is irrelevant

mod claims;
mod tokens;

// Not at the top level: modules named `jwt` or `microjwt` there would be ambiguous with the
// crates of the same names.
mod adapters {
    pub mod floor;
    pub mod jsonwebtoken;
    pub mod jwt;
    pub mod jwt_compact;
    pub mod jwt_simple;
    pub mod lax_serde_json;
    pub mod microjwt;
}

pub use adapters::floor::{AnyFloor, Floor};
pub use adapters::jsonwebtoken::JsonWebToken;
pub use adapters::jwt::{Jwt, JwtKey};
pub use adapters::jwt_compact::{JcCustom, JcCustomBorrowed, JcKey, JcTime, JwtCompact, digest_jc};
pub use adapters::jwt_simple::{JsClaims, JsCustom, JsCustomBorrowed, JsKey, JwtSimple, digest_js};
pub use adapters::lax_serde_json::{LaxSerdeJson, digest_lax};
pub use adapters::microjwt::{MJ_MAX_TOKEN_LEN, MicroJwt, MjCustom, MjKey, digest_mj};
pub use claims::{
    AUD, Alg, Digest, EXP, FullBorrowed, FullOwned, IAT, ISS, LEEWAY, NBF, NOW, Roles, SECRET,
    SIZE_TARGETS, Shape, digest_full, expected_digest, large_claims, roles, sized_claims,
    small_claims, small_claims_borrowed,
};
pub use tokens::{
    Case, flip_signature_bit, header_json, large_case, make_case, make_token, sized_case,
    small_case,
};
