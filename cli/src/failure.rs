//! Why a command failed, how it is shown, and its exit status: 1 when a token is rejected, 2 for
//! a usage error (arguments, input or key the tool cannot use).

use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The token was checked and is not acceptable (exit 1).
    Rejected,
    /// The tool was not given what it needs (exit 2), as for clap's own errors.
    Usage,
}

#[derive(Debug)]
pub struct Failure {
    pub class: Class,
    /// A stable `snake_case` name for scripts, e.g. `invalid_signature`, `key_too_short`.
    pub kind: String,
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// The likely causes and what to do about them.
    pub hints: Vec<String>,
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;

impl Failure {
    pub fn usage(kind: &str, message: impl Into<String>) -> Self {
        Self {
            class: Class::Usage,
            kind: kind.to_owned(),
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// A library error: rejected, its kind named after the variant, its message its `Display`.
    pub fn from_error(class: Class, e: &microjwt::Error) -> Self {
        Self {
            class,
            kind: kind_of(e),
            message: e.to_string(),
            hints: Vec::new(),
        }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    #[must_use]
    pub fn hints(mut self, hints: impl IntoIterator<Item = String>) -> Self {
        self.hints.extend(hints);
        self
    }

    pub fn exit_code(&self) -> ExitCode {
        match self.class {
            Class::Rejected => ExitCode::from(1),
            Class::Usage => ExitCode::from(2),
        }
    }

    /// `error: …` then one `hint: …` line each, for stderr.
    pub fn human(&self) -> String {
        let mut out = format!("error: {}\n", self.message);
        for hint in &self.hints {
            let _ = writeln!(out, "  hint: {hint}");
        }
        out
    }

    /// `{"valid":false,"error":{…}}`, for `verify --json` on stdout.
    pub fn json(&self) -> serde_json::Value {
        json!({
            "valid": false,
            "error": {
                "kind": self.kind,
                "class": match self.class { Class::Rejected => "rejected", Class::Usage => "usage" },
                "message": self.message,
                "hints": self.hints,
            },
        })
    }
}

/// `Expired { exp: 1, now: 2 }` → `expired`; `InvalidClaim(Exp)` → `invalid_claim`. Derived
/// from the variant name so that variants the library adds get a name too.
pub fn kind_of(e: &microjwt::Error) -> String {
    let debug = format!("{e:?}");
    let name = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("error");
    let mut kind = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                kind.push('_');
            }
            kind.push(c.to_ascii_lowercase());
        } else {
            kind.push(c);
        }
    }
    kind
}

#[cfg(test)]
mod tests {
    use super::*;
    use microjwt::{Claim, Error};

    #[test]
    fn kinds_are_snake_case_variant_names() {
        assert_eq!(kind_of(&Error::InvalidSignature), "invalid_signature");
        assert_eq!(kind_of(&Error::Expired { exp: 1, now: 2 }), "expired");
        assert_eq!(kind_of(&Error::InvalidClaim(Claim::Exp)), "invalid_claim");
        assert_eq!(
            kind_of(&Error::KeyTooShort { len: 1, min: 32 }),
            "key_too_short"
        );
    }

    #[test]
    fn shown_with_hints() {
        let f = Failure::usage("x", "bad").hint("try this");
        assert_eq!(f.human(), "error: bad\n  hint: try this\n");
        assert_eq!(f.json()["error"]["hints"][0], "try this");
        assert_eq!(f.json()["valid"], false);
    }
}
