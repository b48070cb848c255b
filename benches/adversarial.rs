//! Hostile tokens for the `adversarial` bench group (`pipeline.rs`) and its cost-ratio test
//! (`tests/adversarial.rs`): one definition of the inputs, so what is timed is what is checked.
//!
//! The property under test (the security issue): verifying or parsing a token costs time linear
//! (at most n log n) in its length for any input, before and after the MAC, with no dependence on
//! hash luck. Each hostile token is compared with a [`Shape::Harmless`] one of exactly the same
//! length, whose bulk is one long string: per byte, a hostile token may cost at most a small
//! factor more. The hostile shapes are the worst cases of the duplicate-member detectors a strict
//! reader may use:
//!
//! - [`Shape::HostileNested`], [`Shape::HostileFlat`]: as many short, distinct names as fit
//!   (base-62 counters, `"0":0,"1":0,…`), inside a nested object or at the top level. A
//!   detector whose filter saturates and then re-reads the object per name is quadratic here.
//! - [`Shape::LongPrefix`]: names that share a 60-byte prefix, the worst case of a sort- or
//!   comparison-based detector (every comparison walks the prefix).
//! - [`Shape::HashCollide`]: names whose FNV-1a hashes agree in all of their low 32 bits (a
//!   Joux multicollision: 4-byte blocks chained so that each stage has two colliding
//!   choices), so a detector keyed by a 32-bit FNV value, or a Bloom filter fed from its low
//!   bits, sees every name as a possible repeat.
//!
//! All names are distinct, unescaped, and none is a JOSE header parameter or registered claim,
//! so with a genuine MAC every token here verifies.

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Error, HmacKey, Hs256, KeySet, MAX_HEADER_MEMBERS, Validation};

/// The validation time; tokens expire an hour later.
pub const NOW: u64 = 1_800_000_000;
/// The one `kid` every token carries and the key set knows.
pub const KID: &str = "k";

/// Which segment carries the bulk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// `{"alg":"HS256","kid":"k",…}`: read before the MAC with a [`KeySet`].
    Header,
    /// `{"exp":…,…}`: read only after the MAC.
    Payload,
}

/// What the bulk of the segment is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Short distinct names inside one nested member: `"x":{"0":0,"1":0,…}`.
    HostileNested,
    /// The same names as members of the segment's own object.
    HostileFlat,
    /// Nested names sharing a 60-byte prefix.
    LongPrefix,
    /// Nested names whose FNV-1a hashes collide in their low 32 bits.
    HashCollide,
    /// The baseline: one long string member, `"p":"aaaa…"`.
    Harmless,
}

/// Token length classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// 8 KiB: the default `max_token_len`.
    K8,
    /// 64 KiB, with `Validation::max_token_len(64 * 1024)`.
    K64,
}

/// Which keys verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    /// One [`HmacKey`]: the header is read only after the MAC.
    Single,
    /// A [`KeySet`]: the header is read before the MAC, to find `kid`.
    Set,
}

impl Segment {
    pub const ALL: [Segment; 2] = [Segment::Header, Segment::Payload];

    pub fn name(self) -> &'static str {
        match self {
            Segment::Header => "header",
            Segment::Payload => "payload",
        }
    }
}

impl Shape {
    pub const ALL: [Shape; 5] = [
        Shape::HostileNested,
        Shape::HostileFlat,
        Shape::LongPrefix,
        Shape::HashCollide,
        Shape::Harmless,
    ];
    pub const HOSTILE: [Shape; 4] = [
        Shape::HostileNested,
        Shape::HostileFlat,
        Shape::LongPrefix,
        Shape::HashCollide,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Shape::HostileNested => "hostile-nested",
            Shape::HostileFlat => "hostile-flat",
            Shape::LongPrefix => "long-prefix",
            Shape::HashCollide => "hash-collide",
            Shape::Harmless => "harmless",
        }
    }
}

impl Size {
    pub const ALL: [Size; 2] = [Size::K8, Size::K64];

    pub fn name(self) -> &'static str {
        match self {
            Size::K8 => "8k",
            Size::K64 => "64k",
        }
    }

    /// The token length every input of this class has, exactly.
    pub fn bytes(self) -> usize {
        match self {
            Size::K8 => 8 * 1024,
            Size::K64 => 64 * 1024,
        }
    }
}

impl Keys {
    pub const ALL: [Keys; 2] = [Keys::Single, Keys::Set];

    pub fn name(self) -> &'static str {
        match self {
            Keys::Single => "key",
            Keys::Set => "keyset",
        }
    }
}

/// The key both modes verify with; the key set holds it under [`KID`], beside two decoys.
pub fn key() -> HmacKey<Hs256> {
    microjwt_tests::key().with_kid(KID).expect("a short kid")
}

pub fn key_set() -> KeySet<Hs256, 4> {
    let mut keys = KeySet::new();
    for (secret, kid) in [([1; 32], "decoy-1"), ([2; 32], "decoy-2")] {
        let decoy = HmacKey::new(&secret).and_then(|k| k.with_kid(kid));
        keys.insert(decoy.expect("a valid decoy key"))
            .expect("room in the set");
    }
    keys.insert(key()).expect("room in the set");
    keys
}

/// The validation every token is verified under: a clock, and room for the size class.
pub fn validation(size: Size) -> Validation<'static> {
    Validation::new(NOW).max_token_len(size.bytes())
}

/// One input of the group.
#[derive(Clone, Debug)]
pub struct Case {
    pub segment: Segment,
    pub shape: Shape,
    pub size: Size,
    /// The bulky segment's JSON text (the other segment is small and fixed).
    pub json: String,
    /// The names of the bulk (empty for [`Shape::Harmless`]).
    pub names: Vec<String>,
    /// MACed by [`key`].
    pub good_mac: String,
    /// The same token with one signature bit flipped (still canonical base64url).
    pub bad_mac: String,
}

impl Case {
    /// `segment-shape/size`, the first two parts of the bench ID.
    pub fn id(&self) -> String {
        format!(
            "{}-{}/{}",
            self.segment.name(),
            self.shape.name(),
            self.size.name()
        )
    }

    /// Whether the header carries more than `MAX_HEADER_MEMBERS` names, and is refused as
    /// such (before the MAC with a key set, which must read `kid`; after it with one key).
    pub fn crowded_header(&self) -> bool {
        self.segment == Segment::Header && self.names.len() >= MAX_HEADER_MEMBERS
    }

    /// What `verify::<()>` answers for the token with a good or a bad MAC, by `keys`.
    pub fn verdict(&self, keys: Keys, good_mac: bool) -> Result<(), Error> {
        match (self.crowded_header(), good_mac, keys) {
            (true, true, _) | (true, false, Keys::Set) => Err(Error::InvalidHeader),
            (_, false, _) => Err(Error::InvalidSignature),
            (false, true, _) => Ok(()),
        }
    }
}

/// The header of payload-bulk tokens, and the fixed part of header-bulk ones.
const HEADER_START: &str = r#"{"alg":"HS256","kid":"k""#;
/// The payload of header-bulk tokens.
const SMALL_PAYLOAD: &str = r#"{"sub":"adversary","exp":1800003600}"#;
/// The fixed part of payload-bulk tokens.
const PAYLOAD_START: &str = r#"{"sub":"adversary","exp":1800003600"#;
/// The HS256 signature's encoded length.
const SIG_B64_LEN: usize = 43;

fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// Builds the case: the bulky segment's JSON is exactly as long as every other shape's of the
/// same segment and size, so that all tokens of a size class have the same length.
pub fn case(segment: Segment, shape: Shape, size: Size) -> Case {
    let (start, other_b64_len) = match segment {
        Segment::Header => (HEADER_START, b64_len(SMALL_PAYLOAD.len())),
        Segment::Payload => (PAYLOAD_START, b64_len(HEADER_START.len() + 1)),
    };
    // The longest JSON whose token still fits: b64(json) + '.' + other + '.' + signature.
    let budget = size.bytes() - other_b64_len - SIG_B64_LEN - 2;
    let json_len = (0..=budget * 3 / 4 + 1)
        .rev()
        .find(|&n| b64_len(n) <= budget)
        .expect("a budget of at least one byte");
    let (json, names) = bulk(start, shape, json_len);
    assert_eq!(json.len(), json_len, "{shape:?} fills the segment exactly");
    let small_header = format!("{HEADER_START}}}");
    let (header, payload) = match segment {
        Segment::Header => (json.as_str(), SMALL_PAYLOAD),
        Segment::Payload => (small_header.as_str(), json.as_str()),
    };
    let good_mac = microjwt_tests::token_with(&key(), header, payload);
    let bad_mac = flip_signature_bit(&good_mac);
    Case {
        segment,
        shape,
        size,
        json,
        names,
        good_mac,
        bad_mac,
    }
}

/// Every case of the group, in bench order.
pub fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for segment in Segment::ALL {
        for shape in Shape::ALL {
            for size in Size::ALL {
                cases.push(case(segment, shape, size));
            }
        }
    }
    cases
}

/// `start` (an object's opening members, no closing brace) followed by the shape's bulk, closed,
/// exactly `len` bytes long. Returns the JSON and the bulk's names.
fn bulk(start: &str, shape: Shape, len: usize) -> (String, Vec<String>) {
    let mut json = String::from(start);
    let mut names = Vec::new();
    let nested = !matches!(shape, Shape::HostileFlat | Shape::Harmless);
    // What still has to follow the names: the nested object's brace, the padding member, the
    // final brace. The padding member `,"~":"…"` (a name outside every generator's alphabet)
    // takes up the bytes that no whole name fits into.
    const PAD_MIN: usize = r#","~":"""#.len();
    let closing = usize::from(nested) + 1;
    if shape == Shape::Harmless {
        let fill = len - json.len() - closing - r#","p":"""#.len();
        json.push_str(&format!(r#","p":"{}""#, "a".repeat(fill)));
    } else {
        if nested {
            json.push_str(r#","x":{"#);
        }
        let mut generator = Names::new(shape);
        // Until the segment is full, or the shape runs out of names (the multicollision holds
        // 1 024; the padding member takes the rest).
        while let Some(name) = generator.next() {
            // `,"name":0`, without the comma for the first name of a nested object.
            let comma = usize::from(!(nested && names.is_empty()));
            let member = comma + name.len() + 4;
            if json.len() + member + closing + PAD_MIN > len {
                break;
            }
            if comma == 1 {
                json.push(',');
            }
            json.push('"');
            json.push_str(&name);
            json.push_str("\":0");
            names.push(name);
        }
        if nested {
            json.push('}');
        }
        let fill = len - json.len() - 1 - PAD_MIN;
        json.push_str(&format!(r#","~":"{}""#, "a".repeat(fill)));
    }
    json.push('}');
    (json, names)
}

/// Names that are a JOSE header parameter, a registered claim, or a member the builders use:
/// a counter never yields them, so every hostile token stays valid and verifies.
const RESERVED: [&str; 22] = [
    "alg", "typ", "cty", "kid", "crit", "jku", "jwk", "x5u", "x5c", "x5t", "zip", "enc", "b64",
    "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "x", "p",
];

/// The name sequence of one shape.
struct Names {
    shape: Shape,
    counter: u64,
    collisions: Vec<[[u8; 4]; 2]>,
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// 60 bytes every [`Shape::LongPrefix`] name starts with.
pub const LONG_PREFIX: &str = "common-prefix-of-sixty-bytes-that-every-name-shares-0123456.";

impl Names {
    fn new(shape: Shape) -> Self {
        Self {
            shape,
            counter: 0,
            collisions: Vec::new(),
        }
    }

    fn next(&mut self) -> Option<String> {
        match self.shape {
            Shape::HashCollide => self.next_collision(),
            Shape::LongPrefix => Some(format!("{LONG_PREFIX}{}", base62(self.bump()))),
            _ => loop {
                let name = base62(self.bump());
                if !RESERVED.contains(&name.as_str()) {
                    break Some(name);
                }
            },
        }
    }

    fn bump(&mut self) -> u64 {
        self.counter += 1;
        self.counter - 1
    }

    /// Name number `counter` of the multicollision: bit `i` of the counter picks block 0 or 1
    /// of stage `i`, so all 2^STAGES names collide; `None` once they are used up.
    fn next_collision(&mut self) -> Option<String> {
        let index = self.bump();
        // 1 024 names of 40 bytes: about 46 KiB, most of a 64 KiB token; more stages would
        // lengthen every name and so fit fewer of them into the 8 KiB one.
        const STAGES: usize = 10;
        if index >= 1 << STAGES {
            return None;
        }
        while self.collisions.len() < STAGES {
            let state = self.collisions.iter().fold(FNV_OFFSET_LOW, |h, pair| {
                pair[0].iter().fold(h, |h, &b| fnv_low(h, b))
            });
            self.collisions.push(colliding_blocks(state));
        }
        let mut name = Vec::with_capacity(STAGES * 4);
        for (stage, pair) in self.collisions.iter().enumerate() {
            name.extend_from_slice(&pair[usize::from(index >> stage & 1 == 1)]);
        }
        Some(String::from_utf8(name).expect("printable ASCII"))
    }
}

fn base62(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("ASCII")
}

/// The low 32 bits of FNV-1a 64's offset basis and prime. The low half of an FNV-1a 64 state
/// depends only on the low half before it (multiplication carries upwards only), so it is a
/// 32-bit iterated hash of its own, and a collision of it holds whatever follows.
const FNV_OFFSET_LOW: u32 = 0x8422_2325;
const FNV_PRIME_LOW: u32 = 0x0000_01b3;

fn fnv_low(h: u32, b: u8) -> u32 {
    (h ^ u32::from(b)).wrapping_mul(FNV_PRIME_LOW)
}

/// The low 32 bits of FNV-1a 64 of `bytes`: what the [`Shape::HashCollide`] names share.
pub fn fnv1a_low32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(FNV_OFFSET_LOW, |h, &b| fnv_low(h, b))
}

/// Two distinct 4-byte blocks that take the low FNV state from `state` to the same value: a
/// birthday search over printable ASCII (no quote, no backslash, so no escapes), about 2^16
/// tries. The blocks are drawn by splitmix64, not enumerated: FNV's small prime spreads
/// neighbouring blocks apart, so counting through them meets a collision only after millions,
/// and 3-byte blocks never collide at all.
fn colliding_blocks(state: u32) -> [[u8; 4]; 2] {
    let alphabet: Vec<u8> = (0x21..0x7f)
        .filter(|b| !matches!(b, b'"' | b'\\'))
        .collect();
    let mut seen = std::collections::HashMap::new();
    let mut seed = u64::from(state);
    loop {
        let r = splitmix64(&mut seed);
        let block: [u8; 4] =
            core::array::from_fn(|i| alphabet[(r >> (16 * i)) as usize % alphabet.len()]);
        let h = block.iter().fold(state, |h, &x| fnv_low(h, x));
        match seen.insert(h, block) {
            Some(other) if other != block => return [other, block],
            _ => {}
        }
    }
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `token` with bit 0 of its first signature byte flipped, re-encoded so the base64url stays
/// canonical and only the MAC check can reject it.
pub fn flip_signature_bit(token: &str) -> String {
    let (signing_input, signature) = token.rsplit_once('.').expect("three segments");
    let mut tag = Base64UrlUnpadded::decode_vec(signature).expect("a canonical signature");
    if let Some(first) = tag.first_mut() {
        *first ^= 1;
    }
    format!("{signing_input}.{}", Base64UrlUnpadded::encode_string(&tag))
}
