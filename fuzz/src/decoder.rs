//! `Gen`, the decoder that turns `roundtrip` fuzz bytes into a [`RtCase`].

use super::roundtrip_case::{Aud, RtCase, RtClaims, RtKind, RtNested, Typ};

/// local one because the replay test, built by the library's own dev-dependencies, must decode
/// the same bytes the same way). Reads past the end as zeros.
pub struct Gen<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Gen<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    pub fn u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        for b in &mut bytes {
            *b = self.byte();
        }
        u64::from_le_bytes(bytes)
    }

    pub fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// A number in `0..=max`, small ones likelier.
    pub fn upto(&mut self, max: usize) -> usize {
        let b = usize::from(self.byte());
        if b < 0xf0 {
            b % (max + 1)
        } else {
            self.u64() as usize % (max + 1)
        }
    }

    /// An integer that is often an edge case.
    pub fn int(&mut self) -> u64 {
        match self.byte() % 8 {
            0 => 0,
            1 => u64::MAX,
            2 => i64::MAX as u64,
            3 => i64::MIN as u64,
            4 => u64::from(self.byte()),
            5 => 1_700_000_000 + u64::from(self.byte()),
            _ => self.u64(),
        }
    }

    pub fn f64(&mut self) -> f64 {
        match self.byte() % 10 {
            0 => 0.0,
            1 => -0.0,
            2 => f64::MAX,
            3 => f64::MIN_POSITIVE,
            4 => 5e-324,
            5 => f64::NAN,
            6 => f64::INFINITY,
            7 => 0.1,
            _ => f64::from_bits(self.u64()),
        }
    }

    pub fn char(&mut self) -> char {
        const SPECIAL: [char; 16] = [
            '"',
            '\\',
            '/',
            '\0',
            '\u{1f}',
            '\u{7f}',
            '\u{80}',
            'é',
            '\u{2028}',
            '\u{2029}',
            '\u{fffd}',
            '\u{feff}',
            '😀',
            '\u{10ffff}',
            '\n',
            '\t',
        ];
        let b = self.byte();
        match b {
            0..=0x5f => char::from(b + 0x20),
            0x60..=0x7f => char::from(b - 0x60),
            0x80..=0xbf => SPECIAL[usize::from(b) % SPECIAL.len()],
            _ => {
                let raw = u32::from_le_bytes([self.byte(), self.byte(), self.byte() % 0x11, 0]);
                char::from_u32(raw).unwrap_or('\u{d7ff}')
            }
        }
    }

    pub fn string(&mut self, max: usize) -> String {
        let len = self.upto(max);
        (0..len).map(|_| self.char()).collect()
    }

    pub fn opt_string(&mut self, max: usize) -> Option<String> {
        self.bool().then(|| self.string(max))
    }

    pub fn claims(&mut self) -> RtClaims {
        let opt_int = |g: &mut Self| g.bool().then(|| g.int());
        RtClaims {
            iss: self.opt_string(12),
            sub: self.opt_string(12),
            aud: match self.byte() % 3 {
                0 => None,
                1 => Some(Aud::One(self.string(8))),
                _ => {
                    let n = self.upto(4);
                    Some(Aud::Many((0..n).map(|_| self.string(6)).collect()))
                }
            },
            exp: opt_int(self),
            nbf: opt_int(self),
            iat: opt_int(self),
            jti: self.opt_string(12),
            name: self.string(24),
            flag: self.bool(),
            count: self.int() as i64,
            big: self.int(),
            ratio: self.f64(),
            small: self.f64() as f32,
            letter: self.char(),
            tags: (0..self.upto(4)).map(|_| self.string(8)).collect(),
            nested: self.bool().then(|| RtNested {
                a: self.string(8),
                b: (0..self.upto(4)).map(|_| self.int() as i32).collect(),
                c: match self.byte() % 3 {
                    0 => None,
                    1 => Some(false),
                    _ => Some(true),
                },
            }),
            kind: match self.byte() % 4 {
                0 => RtKind::Unit,
                1 => RtKind::New(self.string(8)),
                2 => RtKind::Tup(self.byte() as i8, self.int() as u16),
                _ => RtKind::Rec {
                    x: self.int() as i64,
                    y: self.string(8),
                },
            },
            map: (0..self.upto(4))
                .map(|_| (self.string(6), self.int() as i64))
                .collect(),
            bytes: (0..self.upto(8)).map(|_| self.byte()).collect(),
            unit: (),
            tuple: (self.byte(), self.int() as i16, self.string(6)),
        }
    }

    pub fn case(&mut self) -> RtCase {
        let alg = self.byte() % 3;
        let secret_len = match self.byte() % 8 {
            0 => self.upto(70),
            _ => [32, 48, 64][usize::from(alg)] + self.upto(64),
        };
        RtCase {
            alg,
            secret: (0..secret_len).map(|_| self.byte()).collect(),
            key_kid: match self.byte() % 4 {
                0 => Some(self.string(70)),
                1 => Some("k".repeat(self.upto(70))),
                _ => None,
            },
            typ: match self.byte() % 3 {
                0 => Typ::Default,
                1 => Typ::Removed,
                _ => Typ::Set(match self.byte() % 4 {
                    0 => "JWT".to_owned(),
                    1 => "application/jwt".to_owned(),
                    _ => self.string(12),
                }),
            },
            cty: match self.byte() % 4 {
                0 => Some("JWT".to_owned()),
                1 => Some(self.string(12)),
                _ => None,
            },
            kid: self.opt_string(70),
            claims: self.claims(),
            first_buf: self.upto(1000),
            flip: self.u64() as usize,
        }
    }
}
