//! The validation oracle: a [`Policy`] is a `Validation` described as data, and
//! [`Policy::reasons`] applies the rules `Validation` documents to the registered claims the JSON
//! oracle read ([`Registered`]), independently of microjwt's code.

use microjwt::{Claim, Error, RegisteredClaims, Validation};

use super::oracle_date::numeric_date;
use super::oracle_json::J;
use super::tokens::NOW;

/// A `Validation`, described as data so the oracle can apply the same rules independently.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub now: Option<u64>,
    pub leeway: u64,
    pub issuer: Option<&'static str>,
    pub audience: Option<&'static [&'static str]>,
    pub subject: Option<&'static str>,
    pub require_jti: bool,
    pub issued_after: Option<u64>,
    pub skip_time: bool,
    pub ignore_audience: bool,
    pub allow_missing_exp: bool,
    pub max_len: Option<usize>,
    /// Revoke tokens whose `jti` is `"revoked"`.
    pub revoke: bool,
}

fn revoke_hook(claims: &RegisteredClaims<'_>) -> bool {
    claims.jti() == Some("revoked")
}

static REVOKE: fn(&RegisteredClaims<'_>) -> bool = revoke_hook;

impl Policy {
    pub const STRICT: Policy = Policy {
        now: Some(NOW),
        leeway: 0,
        issuer: None,
        audience: None,
        subject: None,
        require_jti: false,
        issued_after: None,
        skip_time: false,
        ignore_audience: false,
        allow_missing_exp: false,
        max_len: None,
        revoke: false,
    };

    /// Accepts every well-formed claims set: no clock, no audience check, no length cap.
    pub const PERMISSIVE: Policy = Policy {
        now: None,
        skip_time: true,
        ignore_audience: true,
        allow_missing_exp: true,
        max_len: Some(usize::MAX),
        ..Policy::STRICT
    };

    /// The set `claims` runs: the permissive one first.
    pub const ALL: [Policy; 6] = [
        Policy::PERMISSIVE,
        Policy::STRICT,
        Policy {
            now: Some(1_000_000_000),
            leeway: 60,
            issuer: Some("iss"),
            audience: Some(&["a", "b"]),
            ..Policy::STRICT
        },
        Policy {
            now: None,
            allow_missing_exp: true,
            ..Policy::STRICT
        },
        Policy {
            now: Some(0),
            leeway: u64::MAX,
            subject: Some("s"),
            require_jti: true,
            issued_after: Some(5),
            revoke: true,
            ignore_audience: true,
            ..Policy::STRICT
        },
        Policy {
            now: Some(u64::MAX),
            allow_missing_exp: true,
            ignore_audience: true,
            ..Policy::STRICT
        },
    ];

    pub fn validation(&self) -> Validation<'static> {
        let mut v = match self.now {
            Some(now) => Validation::new(now),
            None => Validation::time_unknown(),
        };
        v = v.leeway(self.leeway);
        if let Some(iss) = self.issuer {
            v = v.issuer(iss);
        }
        if let Some(aud) = self.audience {
            v = v.audience(aud);
        }
        if let Some(sub) = self.subject {
            v = v.subject(sub);
        }
        if self.require_jti {
            v = v.require(Claim::Jti);
        }
        if let Some(cutoff) = self.issued_after {
            v = v.issued_after(cutoff);
        }
        if self.skip_time {
            v = v.danger_skip_time_checks();
        }
        if self.ignore_audience {
            v = v.danger_ignore_audience();
        }
        if self.allow_missing_exp {
            v = v.danger_allow_missing_exp();
        }
        if let Some(max) = self.max_len {
            v = v.max_token_len(max);
        }
        if self.revoke {
            v = v.revocation(&REVOKE);
        }
        v
    }

    pub fn max_len(&self) -> usize {
        self.max_len.unwrap_or(microjwt::DEFAULT_MAX_TOKEN_LEN)
    }

    /// Every documented check that `claims` fails under this policy (empty: must verify).
    pub fn reasons(&self, claims: &Registered) -> Vec<Error> {
        let mut out = Vec::new();
        let required = [
            (Claim::Iss, self.issuer.is_some(), claims.iss.is_some()),
            (Claim::Sub, self.subject.is_some(), claims.sub.is_some()),
            (Claim::Aud, self.audience.is_some(), claims.aud.is_some()),
            (
                Claim::Exp,
                !self.allow_missing_exp && !self.skip_time,
                claims.exp.is_some(),
            ),
            (
                Claim::Iat,
                self.issued_after.is_some(),
                claims.iat.is_some(),
            ),
            (Claim::Jti, self.require_jti, claims.jti.is_some()),
        ];
        for (claim, needed, present) in required {
            if needed && !present {
                out.push(Error::MissingClaim(claim));
            }
        }
        let ceil = |(secs, nanos): (u64, u32)| secs.saturating_add(u64::from(nanos > 0));
        if !self.skip_time {
            match self.now {
                None => {
                    if claims.exp.is_some() || claims.nbf.is_some() {
                        out.push(Error::TimeUnknown);
                    }
                }
                Some(now) => {
                    if let Some(exp) = claims.exp
                        && now >= ceil(exp).saturating_add(self.leeway)
                    {
                        out.push(Error::Expired {
                            exp: ceil(exp),
                            now,
                        });
                    }
                    if let Some(nbf) = claims.nbf
                        && ceil(nbf) > now.saturating_add(self.leeway)
                    {
                        out.push(Error::NotYetValid {
                            nbf: ceil(nbf),
                            now,
                        });
                    }
                }
            }
        }
        if let (Some(cutoff), Some(iat)) = (self.issued_after, claims.iat)
            && ceil(iat) < cutoff
        {
            out.push(Error::IssuedBeforeCutoff {
                iat: ceil(iat),
                cutoff,
            });
        }
        if let Some(iss) = self.issuer
            && claims.iss.as_deref() != Some(iss)
        {
            out.push(Error::IssuerMismatch);
        }
        match (self.audience, &claims.aud) {
            (Some(expected), Some(aud)) if !expected.iter().any(|e| aud.iter().any(|a| a == e)) => {
                out.push(Error::AudienceMismatch);
            }
            (None, Some(_)) if !self.ignore_audience => out.push(Error::AudienceMismatch),
            _ => {}
        }
        if let Some(sub) = self.subject
            && claims.sub.as_deref() != Some(sub)
        {
            out.push(Error::SubjectMismatch);
        }
        if self.revoke && claims.jti.as_deref() == Some("revoked") {
            out.push(Error::Revoked);
        }
        out
    }
}

/// The registered claims as the oracle reads them from the payload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Registered {
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub aud: Option<Vec<String>>,
    pub exp: Option<(u64, u32)>,
    pub nbf: Option<(u64, u32)>,
    pub iat: Option<(u64, u32)>,
    pub jti: Option<String>,
}

impl Registered {
    /// Reads the registered claims of a top-level object; `Err` lists every ill-typed one
    /// (microjwt must then fail with `InvalidClaim` of one of them).
    pub fn read(members: &[(String, J)]) -> Result<Self, Vec<Error>> {
        let mut out = Registered::default();
        let mut bad = Vec::new();
        for (name, value) in members {
            let claim = match name.as_str() {
                "iss" => Claim::Iss,
                "sub" => Claim::Sub,
                "aud" => Claim::Aud,
                "exp" => Claim::Exp,
                "nbf" => Claim::Nbf,
                "iat" => Claim::Iat,
                "jti" => Claim::Jti,
                _ => continue,
            };
            let ok = match (claim, value) {
                (Claim::Iss, J::Str(s)) => {
                    out.iss = Some(s.clone());
                    true
                }
                (Claim::Sub, J::Str(s)) => {
                    out.sub = Some(s.clone());
                    true
                }
                (Claim::Jti, J::Str(s)) => {
                    out.jti = Some(s.clone());
                    true
                }
                (Claim::Aud, J::Str(s)) => {
                    out.aud = Some(vec![s.clone()]);
                    true
                }
                (Claim::Aud, J::Arr(items)) => {
                    let strings: Option<Vec<String>> = items
                        .iter()
                        .map(|i| match i {
                            J::Str(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect();
                    out.aud = strings;
                    out.aud.is_some()
                }
                (Claim::Exp | Claim::Nbf | Claim::Iat, J::Num(text)) => match numeric_date(text) {
                    Some(date) => {
                        *match claim {
                            Claim::Exp => &mut out.exp,
                            Claim::Nbf => &mut out.nbf,
                            _ => &mut out.iat,
                        } = Some(date);
                        true
                    }
                    None => false,
                },
                _ => false,
            };
            if !ok {
                bad.push(Error::InvalidClaim(claim));
            }
        }
        if bad.is_empty() { Ok(out) } else { Err(bad) }
    }

    /// Asserts that microjwt's registered claims are exactly these.
    pub fn assert_same(&self, got: &RegisteredClaims<'_>, context: &dyn std::fmt::Debug) {
        let date = |d: Option<microjwt::NumericDate>| d.map(|d| (d.secs(), d.subsec_nanos()));
        let got_aud: Option<Vec<String>> = got.aud().map(|a| a.iter().map(str::to_owned).collect());
        assert_eq!(got.iss(), self.iss.as_deref(), "iss of {context:?}");
        assert_eq!(got.sub(), self.sub.as_deref(), "sub of {context:?}");
        assert_eq!(got.jti(), self.jti.as_deref(), "jti of {context:?}");
        assert_eq!(got_aud, self.aud, "aud of {context:?}");
        assert_eq!(date(got.exp()), self.exp, "exp of {context:?}");
        assert_eq!(date(got.nbf()), self.nbf, "nbf of {context:?}");
        assert_eq!(date(got.iat()), self.iat, "iat of {context:?}");
    }
}
