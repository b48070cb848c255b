//! `header`: microjwt 0.1.0 (b0c7933) against today's code on the adversarial bench's hostile
//! headers, key set and wrong MAC (the header is read before the MAC, so anyone can send these).
//! `payload`: today's code alone, each hostile payload against the harmless payload of its size,
//! single key, good MAC (reached only through an issuer's bug). `loop SHAPE SIZE ROUNDS`: one
//! payload verified over and over, to run under callgrind.
//!
//! Both print Markdown tables of medians over interleaved rounds: the two versions, or the two
//! tokens, take turns, so a shared machine's load hits both alike. Run by scripts/before-after.sh,
//! which extracts 0.1.0's source first.
use microjwt_benches::adversarial::{self, Segment, Shape, Size, case};
use std::time::Instant;

const HOSTILE: [Shape; 2] = [Shape::HostileNested, Shape::HostileFlat];

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Median microseconds per call of `f` over `rounds` rounds of `iters` calls.
fn per_call(rounds: usize, iters: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..rounds)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..iters {
                    f();
                }
                start.elapsed().as_secs_f64() * 1e6 / iters as f64
            })
            .collect(),
    )
}

fn old_key_set() -> microjwt_old::KeySet<microjwt_old::Hs256, 4> {
    let mut keys = microjwt_old::KeySet::new();
    let members: [(&[u8], &str); 3] = [
        (&[1; 32], "decoy-1"),
        (&[2; 32], "decoy-2"),
        (microjwt_tests::SECRET, adversarial::KID),
    ];
    for (secret, kid) in members {
        let key = microjwt_old::HmacKey::new(secret).and_then(|key| key.with_kid(kid));
        keys.insert(key.expect("a valid key"))
            .expect("room in the set");
    }
    keys
}

fn header() {
    let (new_keys, old_keys) = (adversarial::key_set(), old_key_set());
    println!(
        "| header (key set, wrong MAC) | bytes | 0.1.0 | today | harmless, 0.1.0 | harmless, today |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for size in Size::ALL {
        let harmless = case(Segment::Header, Shape::Harmless, size);
        let new_v = adversarial::validation(size);
        let old_v = microjwt_old::Validation::new(adversarial::NOW).max_token_len(size.bytes());
        for shape in HOSTILE {
            let hostile = case(Segment::Header, shape, size);
            let len = hostile.bad_mac.len();
            let mut scratch =
                vec![0; microjwt::scratch_len(len).max(microjwt_old::scratch_len(len))];
            // 0.1.0 needs about a second per 64 KiB token: few rounds there.
            let rounds = if size == Size::K64 { 5 } else { 31 };
            let mut cells = Vec::new();
            for token in [&hostile.bad_mac, &harmless.bad_mac] {
                let (mut old, mut new) = (Vec::new(), Vec::new());
                for _ in 0..3 {
                    old.push(per_call(rounds, 1, || {
                        let verdict =
                            microjwt_old::verify::<()>(&old_keys, token, &old_v, &mut scratch);
                        assert!(verdict.is_err());
                    }));
                    new.push(per_call(rounds, 1, || {
                        let verdict =
                            microjwt::verify::<()>(&new_keys, token, &new_v, &mut scratch);
                        assert!(verdict.is_err());
                    }));
                }
                cells.push((median(old), median(new)));
            }
            let ((old, new), (old_harmless, new_harmless)) = (cells[0], cells[1]);
            println!(
                "| {} | {len} | {} | {} | {} | {} |",
                hostile.id(),
                micros(old),
                micros(new),
                micros(old_harmless),
                micros(new_harmless)
            );
        }
    }
}

fn payload() {
    let key = adversarial::key();
    println!("| payload (single key, good MAC) | bytes | harmless | hostile | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for size in Size::ALL {
        let validation = adversarial::validation(size);
        let harmless = case(Segment::Payload, Shape::Harmless, size);
        let mut scratch = vec![0; microjwt::scratch_len(harmless.good_mac.len())];
        let iters = if size == Size::K8 { 200 } else { 25 };
        for shape in Shape::HOSTILE {
            let hostile = case(Segment::Payload, shape, size);
            let (mut calm, mut storm) = (Vec::new(), Vec::new());
            for _ in 0..21 {
                for (token, samples) in [
                    (&harmless.good_mac, &mut calm),
                    (&hostile.good_mac, &mut storm),
                ] {
                    samples.push(per_call(1, iters, || {
                        let verdict =
                            microjwt::verify::<()>(&key, token, &validation, &mut scratch);
                        assert!(verdict.is_ok());
                    }));
                }
            }
            let (calm, storm) = (median(calm), median(storm));
            println!(
                "| {} | {} | {} | {} | {:.2}× |",
                hostile.id(),
                hostile.good_mac.len(),
                micros(calm),
                micros(storm),
                storm / calm
            );
        }
    }
}

/// Verifies one adversarial payload `rounds` times, for an instruction count that ignores the
/// machine's noise: `valgrind --tool=callgrind target/release/microjwt-before-after loop flat 8k 20`.
fn verify_loop(shape: &str, size: &str, rounds: &str) {
    let shape = match shape {
        "nested" => Shape::HostileNested,
        "flat" => Shape::HostileFlat,
        "prefix" => Shape::LongPrefix,
        "collide" => Shape::HashCollide,
        _ => Shape::Harmless,
    };
    let size = if size == "64k" { Size::K64 } else { Size::K8 };
    let rounds: usize = rounds.parse().unwrap_or(20);
    let (key, validation) = (adversarial::key(), adversarial::validation(size));
    let token = case(Segment::Payload, shape, size).good_mac;
    let mut scratch = vec![0; microjwt::scratch_len(token.len())];
    for _ in 0..rounds {
        let verdict = microjwt::verify::<()>(
            &key,
            std::hint::black_box(&token),
            &validation,
            &mut scratch,
        );
        assert!(verdict.is_ok());
    }
}

fn micros(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["header"] => header(),
        ["payload"] => payload(),
        ["loop", shape, size, rounds] => verify_loop(shape, size, rounds),
        _ => eprintln!(
            "usage: microjwt-before-after header | payload | loop harmless|nested|flat|prefix|collide 8k|64k ROUNDS"
        ),
    }
}
