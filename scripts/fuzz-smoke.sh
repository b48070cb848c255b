#!/usr/bin/env bash
# Smoke-runs every fuzz target for SECONDS each (default 20), seeded with the committed corpus.
# Uses the nightly toolchain with AddressSanitizer when present, else stable without a
# sanitizer. Installs cargo-fuzz if missing. Crashes fail the run; new corpus entries found
# during the smoke run are written to a temporary directory, never into the repository.
set -euo pipefail
seconds=${1:-20}
cd "$(dirname "$0")/../fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi
if rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly); sanitizer=(); echo "fuzz: nightly with AddressSanitizer"
else
  toolchain=(); sanitizer=(--sanitizer none); echo "fuzz: no nightly; stable without a sanitizer"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
targets=$(cargo "${toolchain[@]}" fuzz list)
cargo "${toolchain[@]}" fuzz build "${sanitizer[@]}"
for target in $targets; do
  mkdir -p "$scratch/$target"
  echo "--- $target: ${seconds}s"
  # libFuzzer exits non-zero on a crash, a leak or a timeout.
  if ! cargo "${toolchain[@]}" fuzz run "${sanitizer[@]}" "$target" "$scratch/$target" "corpus/$target" -- \
      -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$scratch/" >"$scratch/log" 2>&1; then
    tail -40 "$scratch/log"; echo "fuzz: $target FAILED"; exit 1
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$scratch/log" || true
done
echo "fuzz: every target ran ${seconds}s without a crash"
