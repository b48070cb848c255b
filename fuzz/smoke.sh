#!/usr/bin/env bash
# Smoke-runs every fuzz target for N seconds (default 20): what CI runs after the corpus replay.
#
#   bash fuzz/smoke.sh [SECONDS]
#
# Uses nightly with AddressSanitizer when a nightly toolchain is installed, else stable with
# `--sanitizer none`. New inputs go to a temporary directory, so the committed corpus is only
# read. Exits non-zero on any crash (the reproducer's path is printed). Installs cargo-fuzz if it
# is missing, and says SKIPPED loudly if it cannot.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz >/dev/null 2>&1 || {
    printf '\n!!!!!!!! SKIPPED: cargo-fuzz could not be installed: fuzz smoke NOT run !!!!!!!!\n\n'
    exit 0
  }
fi
if cargo +nightly --version >/dev/null 2>&1; then
  toolchain=(+nightly) sanitizer=() mode="nightly, AddressSanitizer"
else
  toolchain=() sanitizer=(--sanitizer none) mode="stable, no sanitizer"
fi
echo "fuzz smoke: $seconds s per target ($mode)"
cargo "${toolchain[@]}" fuzz build "${sanitizer[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in verify_token header claims roundtrip; do
  case $target in
    claims | verify_token) max_len=8300 ;;
    header) max_len=4096 ;;
    roundtrip) max_len=2048 ;;
  esac
  mkdir -p "$work/$target" "$work/artifacts/$target"
  echo "--- $target"
  if ! cargo "${toolchain[@]}" fuzz run "${sanitizer[@]}" "$target" "$work/$target" "corpus/$target" -- \
      -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/$target/" 2>"$work/$target.log"; then
    tail -n 60 "$work/$target.log"
    for crash in "$work/artifacts/$target"/*; do
      [ -e "$crash" ] || continue
      kept="/tmp/microjwt-fuzz-$target-$(basename "$crash")"
      cp "$crash" "$kept"
      echo "CRASH in $target: reproducer kept at $kept (base64: $(base64 -w0 "$crash" | head -c 2000))"
    done
    exit 1
  fi
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units)' "$work/$target.log" || true
done
echo "fuzz smoke: all targets clean"
