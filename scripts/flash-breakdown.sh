#!/usr/bin/env bash
# Where the flash of the verify-only HS256 firmware goes, by crate, next to the naive reference
# build (compact sha2, as in BENCHMARKS.md "On a microcontroller"):
#
#   scripts/flash-breakdown.sh        about 1 minute after scripts/embedded-figures.sh
#
# Each function symbol of `.text` (llvm-nm, sizes exact) is charged to the first crate its
# demangled name mentions: `<microjwt::json::Reader as serde::Deserializer>::…` counts for
# microjwt. With fat LTO, code inlined into a caller counts for the caller's crate, so the split
# between crates is indicative; the totals are exact. Symbols with no crate path (memcpy,
# __aeabi_*) are "compiler builtins".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TD="${MICROJWT_FIGURES_DIR:-$ROOT/examples/firmware/target/figures}/breakdown"
TARGET=thumbv7em-none-eabihf
LLVM="$(ls -d "$(rustc --print sysroot)"/lib/rustlib/*/bin | head -1)"
[ -x "$LLVM/llvm-nm" ] || { echo "SKIPPED: llvm-nm missing (rustup component add llvm-tools)" >&2; exit 1; }
export RUSTFLAGS='--cfg sha2_backend_soft="compact"'

(cd "$ROOT/examples/firmware" && cargo build -q --release --target $TARGET --bin firmware \
  --features freestanding --target-dir "$TD/microjwt")
(cd "$ROOT/examples/firmware/naive" && cargo build -q --release --target $TARGET --bin naive-fw \
  --target-dir "$TD/naive")

"$LLVM/llvm-nm" -S -C "$TD/microjwt/$TARGET/release/firmware" > "$TD/microjwt.nm"
"$LLVM/llvm-nm" -S -C "$TD/naive/$TARGET/release/naive-fw" > "$TD/naive.nm"

python3 - "$TD/microjwt.nm" "$TD/naive.nm" <<'PY'
import re, sys
from collections import Counter

def by_crate(path):
    sizes = Counter()
    for line in open(path):
        parts = line.split(None, 3)
        if len(parts) < 4 or parts[2] not in "tTwW":
            continue
        symbol = re.sub(r"::h[0-9a-f]{16}$", "", parts[3].strip())
        for mangled, plain in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("..", "::")):
            symbol = symbol.replace(mangled, plain)
        crate = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", symbol.lstrip("_<&"))
        name = crate.group(1) if crate else "compiler builtins"
        name = "compiler builtins" if name == "compiler_builtins" else name
        sizes[name] += int(parts[1], 16)
    return sizes

ours, naive = by_crate(sys.argv[1]), by_crate(sys.argv[2])
print("| crate | microjwt firmware | naive firmware |")
print("| --- | ---: | ---: |")
for crate in sorted(set(ours) | set(naive), key=lambda c: -max(ours[c], naive[c])):
    print(f"| {crate} | {ours[crate]:,} | {naive[crate]:,} |".replace(",", " "))
print(f"| **all functions** | **{sum(ours.values()):,}** | **{sum(naive.values()):,}** |".replace(",", " "))
PY
