#!/usr/bin/env bash
# microjwt 0.1.0 (commit b0c7933, before the audit's fixes) against today's code on the hostile
# headers of the adversarial bench, with a key set and a wrong MAC: what anyone can make a
# verifier spend without a key. Both versions in one process, interleaved, so load hits both
# alike. Then today's hostile payloads against a harmless one of the same size.
#
#   scripts/before-after.sh          about 2 minutes (the 64 KiB cases of 0.1.0 take ~1 s each)
#   scripts/before-after.sh --check  builds and lints the tool only (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OLD="$ROOT/target/before-after/microjwt-0.1.0"
rm -rf "$OLD" && mkdir -p "$OLD"
git -C "$ROOT" archive b0c7933 Cargo.toml src README.md | tar -x -C "$OLD"
# Renamed, so both versions link into one binary; its own workspace, so cargo does not take it
# for a member of ours.
sed -i 's/^name = "microjwt"$/name = "microjwt-old"/; /^\[\[bench\]\]/,$d' "$OLD/Cargo.toml"
printf '\n[workspace]\n' >> "$OLD/Cargo.toml"
cd "$ROOT/benches/before-after"
if [ "${1:-}" = --check ]; then
  rustfmt --edition 2024 --check src/main.rs
  cargo clippy -q --release -- -D warnings
  cargo build -q --release
  exit
fi
cargo run -q --release -- header
cargo run -q --release -- payload
