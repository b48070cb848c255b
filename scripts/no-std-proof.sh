#!/usr/bin/env bash
# Proves, by building, that the core needs neither std nor a heap and cannot panic:
#  1. examples/firmware as a freestanding x86-64 binary (`#![no_std] #![no_main]`, own `_start`
#     and panic handler, linked without the C runtime). If microjwt pulled in std the build fails
#     with "duplicate lang item `panic_impl`"; if it pulled in alloc, with "no global memory
#     allocator found".
#  2. The same image with `prove-no-panic`: the panic handler calls a symbol defined nowhere, so
#     the release (LTO) build links only if no panic path is left in verify or sign.
# Works without any extra rustup target; .ci/run repeats step 2 for thumbv7em when it installs.
# HS512 is proven on thumbv7em only: on x86-64, sha2's AVX2 SHA-512 backend keeps a slice-index
# check of its own (in `sha2::sha512::x86_avx2::compress`, unreachable), which this proof sees.
set -euo pipefail
cd "$(dirname "$0")/../examples/firmware"
link=(-C link-arg=-nostartfiles -C link-arg=-nostdlib -C link-arg=-lc)
for features in freestanding freestanding,sign,prove-no-panic; do
  echo "--- freestanding x86-64 build, features: $features"
  cargo rustc -q --release --features "$features" --bin firmware -- "${link[@]}"
done
# The image runs: it loops verifying its baked-in token forever (exit 124 from timeout = alive).
set +e; timeout 1 target/release/firmware; status=$?; set -e
[ "$status" = 124 ] || { echo "freestanding firmware exited with $status instead of looping"; exit 1; }
echo "no_std, no alloc: proven; no panic in HS256 verify and sign: proven (x86-64)"
