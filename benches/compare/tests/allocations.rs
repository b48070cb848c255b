//! Heap allocations per verify / sign, for every crate in the benchmark.
//!
//! Run: `cargo test -p microjwt-compare --release --test allocations -- --nocapture`
//!
//! The counting allocator is this test binary's global allocator only; the
//! criterion bench (`benches/compare.rs`) uses the system allocator untouched.
//! Everything runs in ONE #[test] so no other test thread disturbs the counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use microjwt_compare::*;

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size() as u64, Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size() as u64, Relaxed);
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new as u64, Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: u64 = 100;

/// (allocations, bytes) per call, averaged over N calls after one warm-up call
/// (so one-time lazy initialisation is not counted).
fn count<R>(mut f: impl FnMut() -> R) -> (f64, f64) {
    black_box(f());
    let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    for _ in 0..N {
        black_box(f());
    }
    let (a1, b1) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    ((a1 - a0) as f64 / N as f64, (b1 - b0) as f64 / N as f64)
}

#[test]
fn allocations_per_op() {
    let mut rows: Vec<(String, &'static str, (f64, f64))> = Vec::new();

    let mut verify_cases = vec![
        ("verify/hs256/small".to_string(), small_case(Alg::Hs256)),
        ("verify/hs256/large".to_string(), large_case(Alg::Hs256)),
        ("verify/hs384/small".to_string(), small_case(Alg::Hs384)),
        ("verify/hs512/small".to_string(), small_case(Alg::Hs512)),
    ];
    for &t in &SIZE_TARGETS {
        let c = sized_case(Alg::Hs256, t);
        verify_cases.push((format!("verify/hs256/size/{}", c.payload_len), c));
    }

    for (name, case) in &verify_cases {
        let token = case.token.as_str();
        let floor = AnyFloor::new(case.alg, token);
        let mj = MicroJwt::new(case.alg);
        let mut scratch = MicroJwt::scratch_for(token);
        assert!(mj.verify(token, &mut scratch).is_ok());
        let lax = LaxSerdeJson::new(case.alg);
        let mut lax_buf = LaxSerdeJson::scratch_for(token);
        assert!(lax.verify(token, &mut lax_buf).is_ok());
        let jwtk = JsonWebToken::new(case.alg);
        let jc = JwtCompact::new(case.alg);
        let jw = Jwt::new(case.alg);
        let js = JwtSimple::new(case.alg);
        assert!(floor.verify(token));
        assert!(jwtk.verify(token).is_ok() && jc.verify(token).is_ok());
        assert!(jw.verify(token).is_ok() && js.verify(token).is_ok());

        rows.push((
            name.clone(),
            "floor",
            count(|| floor.verify(black_box(token))),
        ));
        rows.push((
            name.clone(),
            "microjwt",
            count(|| mj.verify(black_box(token), &mut scratch).is_ok()),
        ));
        rows.push((
            name.clone(),
            "lax serde_json",
            count(|| lax.verify(black_box(token), &mut lax_buf).is_ok()),
        ));
        rows.push((
            name.clone(),
            "jsonwebtoken",
            count(|| jwtk.verify(black_box(token))),
        ));
        rows.push((
            name.clone(),
            "jwt-compact",
            count(|| jc.verify(black_box(token))),
        ));
        rows.push((name.clone(), "jwt", count(|| jw.verify(black_box(token)))));
        rows.push((
            name.clone(),
            "jwt-simple",
            count(|| js.verify(black_box(token))),
        ));
    }

    {
        let name = "sign/hs256/small".to_string();
        let alg = Alg::Hs256;
        let claims = small_claims_borrowed();
        let jc_claims = JwtCompact::sign_input(&claims);
        let js_claims = JwtSimple::sign_input(&claims);
        let mj = MicroJwt::new(alg);
        let mut buf = vec![0u8; 1024];
        let lax = LaxSerdeJson::new(alg);
        let (mut lax_json, mut lax_out) = (vec![0u8; 1024], vec![0u8; 1024]);
        let jwtk = JsonWebToken::new(alg);
        let jc = JwtCompact::new(alg);
        let jw = Jwt::new(alg);
        let js = JwtSimple::new(alg);
        rows.push((
            name.clone(),
            "microjwt",
            count(|| mj.sign(black_box(&claims), &mut buf).len()),
        ));
        rows.push((
            name.clone(),
            "lax serde_json",
            count(|| {
                lax.sign(black_box(&claims), &mut lax_json, &mut lax_out)
                    .len()
            }),
        ));
        rows.push((
            name.clone(),
            "jsonwebtoken",
            count(|| jwtk.sign(black_box(&claims))),
        ));
        rows.push((
            name.clone(),
            "jwt-compact",
            count(|| jc.sign(black_box(&jc_claims))),
        ));
        rows.push((name.clone(), "jwt", count(|| jw.sign(black_box(&claims)))));
        rows.push((
            name.clone(),
            "jwt-simple",
            count(|| js.sign(black_box(&js_claims))),
        ));
    }

    println!();
    println!("| operation | crate | allocations/op | bytes allocated/op |");
    println!("|---|---|---:|---:|");
    for (op, who, (a, b)) in &rows {
        println!("| {op} | {who} | {a:.1} | {b:.0} |");
    }
    println!();

    for (op, who, (a, _)) in &rows {
        if matches!(*who, "floor" | "microjwt" | "lax serde_json") {
            assert_eq!(*a, 0.0, "{who} allocates in {op}");
        }
    }
}
