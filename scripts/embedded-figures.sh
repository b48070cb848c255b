#!/usr/bin/env bash
# Embedded figures for microjwt, measured on examples/firmware:
#
#   1. flash: .text/.rodata/.data/.bss of the firmware image for thumbv7em-none-eabihf
#      (Cortex-M4F; release, opt-level "z", fat LTO, panic = abort) for
#        - verify only, HS256 (the main figure; goal .text <= 16 KiB)
#        - verify + sign, HS256
#        - verify only, HS512 (and verify + sign, HS512)
#      each with sha2's default (unrolled) software backend and with its compact one
#      (`--cfg sha2_backend_soft="compact"`, a RUSTFLAGS choice of the firmware's author);
#   2. stack: the worst-case stack of verify (`Device::handle`) and sign (`issue`) beyond the
#      caller's buffers, from the installed nightly's `-Z emit-stack-sizes` frame sizes and a
#      call graph read from the disassembly (goal <= 2 KiB), plus a host-side run-time probe
#      (examples/firmware/tests/stack.rs) as a cross-check;
#   3. the no_std/no_alloc proof on the host: the freestanding x86_64 Linux build links with
#      no std and no allocator, and runs.
#
# Usage: scripts/embedded-figures.sh        (from anywhere; about 3-4 minutes on 2 cores the
#                                            first time, mostly compiling dependencies)
# Exits non-zero when a build fails. A tool or target that cannot be installed is reported as
# a loud `SKIPPED: <why>` line and the rest goes on.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FW="$ROOT/examples/firmware"
TARGET=thumbv7em-none-eabihf
NIGHTLY="${MICROJWT_NIGHTLY:-nightly}"
JOBS="${CARGO_BUILD_JOBS:-2}"
LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT
cd "$FW"

# The per-target flags of whoever runs this would change the figures: start clean.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR

SUMMARY=()
skip() { echo "SKIPPED: $*" >&2; SUMMARY+=("SKIPPED: $*"); }
note() { SUMMARY+=("$*"); }

# cargo with its output in a log; on failure the log's tail and exit 1.
build() {
    local name="$1"
    shift
    if ! "$@" >"$LOG/$name.log" 2>&1; then
        echo "BUILD FAILED: $name: $*" >&2
        tail -n 40 "$LOG/$name.log" >&2
        exit 1
    fi
}

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
HAVE_THUMB=1
if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    rustup target add "$TARGET" >"$LOG/target.log" 2>&1 || HAVE_THUMB=0
fi
[ "$HAVE_THUMB" = 1 ] || skip "rustup target add $TARGET failed: no flash or stack figures"

# llvm-size/llvm-readobj/llvm-objdump from rustup's llvm-tools (they read ARM ELF whatever the
# host); GNU `size -A` or `readelf -S` are fallbacks for the section sizes.
LLVM_BIN=""
find_llvm() {
    local d
    for d in "$(rustc --print sysroot)"/lib/rustlib/*/bin; do
        if [ -x "$d/llvm-readobj" ] && [ -x "$d/llvm-objdump" ] && [ -x "$d/llvm-nm" ]; then
            LLVM_BIN="$d"
            return 0
        fi
    done
    return 1
}
if ! find_llvm; then
    rustup component add llvm-tools >"$LOG/llvm-tools.log" 2>&1 || true
    find_llvm || skip "rustup component add llvm-tools failed: no stack analysis (needs llvm-readobj/objdump/nm)"
fi

# Prints "text rodata data bss" (bytes) of an ELF. .text counts .text* output sections.
sections() {
    local elf="$1" out
    if [ -n "$LLVM_BIN" ] && [ -x "$LLVM_BIN/llvm-size" ]; then
        out="$("$LLVM_BIN/llvm-size" -A "$elf")"
    elif command -v size >/dev/null && size -A "$elf" >/dev/null 2>&1; then
        out="$(size -A "$elf")"
    else
        # readelf -S -W: [Nr] Name Type Address Off Size ...
        out="$(readelf -S -W "$elf" | sed -n 's/^ *\[ *[0-9]*\] *//p' |
            awk '{ printf "%s %d\n", $1, strtonum("0x" $5) }')"
    fi
    echo "$out" | awk '
        $1 ~ /^\.text/   { t += $2 }
        $1 ~ /^\.rodata/ { r += $2 }
        $1 ~ /^\.data/   { d += $2 }
        $1 ~ /^\.bss/    { b += $2 }
        END { printf "%d %d %d %d\n", t, r, d, b }'
}

kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

# ---------------------------------------------------------------------------------------------
# 1. Flash
# ---------------------------------------------------------------------------------------------
VARIANTS=(
    "verify HS256|freestanding"
    "verify+sign HS256|freestanding,sign"
    "verify HS512|freestanding,hs512"
    "verify+sign HS512|freestanding,hs512,sign"
)
SIZE_ROWS=()
MAIN_TEXT=""
if [ "$HAVE_THUMB" = 1 ]; then
    for backend in default compact; do
        if [ "$backend" = compact ]; then
            flags='--cfg sha2_backend_soft="compact"'
            dir="$FW/target/figures-compact"
        else
            flags=""
            dir="$FW/target/figures"
        fi
        for v in "${VARIANTS[@]}"; do
            label="${v%%|*}"
            features="${v#*|}"
            echo "building $label ($backend sha2) for $TARGET ..." >&2
            build "thumb-$backend-$features" env RUSTFLAGS="$flags" cargo build -j "$JOBS" \
                --release --target "$TARGET" --features "$features" --target-dir "$dir"
            elf="$dir/$TARGET/release/firmware"
            read -r t r d b < <(sections "$elf")
            SIZE_ROWS+=("$(printf '%-18s %-8s %8d %6s %8d %6d %6d' \
                "$label" "$backend" "$t" "$(kib "$t")" "$r" "$d" "$b")")
            if [ "$label" = "verify HS256" ] && [ "$backend" = default ]; then MAIN_TEXT="$t"; fi
            if [ "$label" = "verify HS256" ] && [ "$backend" = compact ]; then COMPACT_TEXT="$t"; fi
            # The verify-only image must not contain the signing path.
            if [[ "$features" != *sign* ]] && [ -n "$LLVM_BIN" ]; then
                if "$LLVM_BIN/llvm-nm" -C "$elf" | grep -Eq 'microjwt::sign|json::write|ryu::'; then
                    echo "ERROR: the verify-only image ($label) links signing code:" >&2
                    "$LLVM_BIN/llvm-nm" -C "$elf" | grep -E 'microjwt::sign|json::write|ryu::' >&2
                    exit 1
                fi
            fi
            if [[ "$features" != *hs512* ]] && [ -n "$LLVM_BIN" ]; then
                if "$LLVM_BIN/llvm-nm" -C "$elf" | grep -q 'sha512'; then
                    echo "ERROR: the HS256 image ($label) links SHA-512" >&2
                    exit 1
                fi
            fi
        done
    done
fi

# ---------------------------------------------------------------------------------------------
# 2. Stack
# ---------------------------------------------------------------------------------------------
# Frame sizes come from LLVM (-Z emit-stack-sizes, kept in the linked image's .stack_sizes
# section); the call graph from `bl`/`b` targets in the disassembly. compiler_builtins
# (memcpy, __aeabi_*) is not LTO'd so it has no .stack_sizes entry: its frames are read from
# the prologue (push/vpush/sub sp). Tail calls are counted as if they were calls (an over-
# estimate). Indirect calls and recursion would make the bound incomplete and are reported.
analyze_stack() {
    local elf="$1"
    shift
    python3 - "$elf" "$LLVM_BIN" "$@" <<'PY'
import bisect, re, subprocess, sys

elf, tools, roots = sys.argv[1], sys.argv[2], sys.argv[3:]

def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout

# Functions: start address (Thumb bit cleared), size, mangled and demangled names.
funcs = {}
for mangled, demangled in zip(
    run(f"{tools}/llvm-nm", "-S", "--defined-only", elf).splitlines(),
    run(f"{tools}/llvm-nm", "-S", "--defined-only", "--demangle", elf).splitlines(),
):
    p = mangled.split(None, 3)
    if len(p) != 4 or p[2] not in "tTwW":
        continue
    addr = int(p[0], 16) & ~1
    name = demangled.split(None, 3)[3]
    name = re.sub(r"::h[0-9a-f]{16}$", "", name)
    if addr not in funcs or funcs[addr][1] == 0:
        funcs[addr] = (p[3], int(p[1], 16), name)
starts = sorted(funcs)
by_mangled = {m: a for a, (m, _, _) in funcs.items()}

def owner(addr):
    i = bisect.bisect_right(starts, addr) - 1
    if i < 0:
        return None
    a = starts[i]
    size = funcs[a][1]
    return a if size == 0 or addr < a + size else None

# Frame sizes from .stack_sizes.
frames, estimated = {}, set()
text = run(f"{tools}/llvm-readobj", "--stack-sizes", elf)
for names, size in re.findall(r"Functions: \[([^\]]*)\]\s*Size: (0x[0-9A-Fa-f]+)", text):
    for n in names.split(","):
        a = by_mangled.get(n.strip())
        if a is not None:
            frames[a] = int(size, 16)

# Call graph and prologues from the disassembly.
calls = {a: set() for a in funcs}
indirect = set()
prologue = {}
ins = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
branch = re.compile(r"^(bl|blx|b|b\.w|b(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)(\.w)?|cbn?z)$")
seen_in_func = {}
lines, words = [], {}
word = re.compile(r"^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*\.word\s+0x([0-9a-f]+)")
for line in run(f"{tools}/llvm-objdump", "-d", "--no-show-raw-insn", elf).splitlines():
    w = word.match(line)
    if w:  # literal pools: opt-level z calls through `ldr rN, [pc, ..]; blx rN`
        words[int(w.group(1), 16)] = int(w.group(2), 16)
        continue
    m = ins.match(line)
    if m:
        lines.append((int(m.group(1), 16), m.group(2), m.group(3)))
literal = {}  # register -> function address last loaded into it from a literal pool
for addr, op, args in lines:
    f = owner(addr)
    if f is None:
        continue
    n = seen_in_func.get(f, 0)
    seen_in_func[f] = n + 1
    if n == 0:
        literal = {}
    if n < 8:  # prologue: push {..}, push.w {..}, vpush {..}, sub sp, #N
        est = prologue.setdefault(f, 0)
        regs = re.search(r"\{([^}]*)\}", args)
        if op in ("push", "push.w", "stmdb") and regs and ("sp!" in args or op != "stmdb"):
            prologue[f] = est + 4 * len(regs.group(1).split(","))
        elif op in ("vpush", "vpush.64") and regs:
            prologue[f] = est + 8 * len(regs.group(1).split(","))
        elif op in ("sub", "sub.w", "subw") and args.startswith("sp"):
            k = re.search(r"#(0x[0-9a-f]+|\d+)", args)
            if k:
                prologue[f] = est + int(k.group(1), 0)
    lit = re.match(r"(r\d+|lr|r12|ip),\s*\[pc.*@\s*0x([0-9a-f]+)", args)
    if op in ("ldr", "ldr.w") and lit:
        literal[lit.group(1)] = words.get(int(lit.group(2), 16))
        continue
    if branch.match(op):
        t = re.search(r"0x([0-9a-f]+)", args)
        if t:
            g = owner(int(t.group(1), 16))
            if g is not None and g != f:
                calls[f].add(g)
        elif op == "blx":
            value = literal.get(args.strip())
            g = owner(value & ~1) if value is not None else None
            if g is not None:
                calls[f].add(g)
            else:
                indirect.add(f)
    elif op == "bx" and "lr" not in args:
        indirect.add(f)
    elif op in ("mov", "ldr", "ldr.w") and args.startswith("pc,"):
        indirect.add(f)

for f in funcs:
    if f not in frames:
        frames[f] = prologue.get(f, 0)
        estimated.add(f)

recursive = set()
def worst(root, excluded=frozenset()):
    memo = {}
    def cost(f, path):
        if f in path:
            recursive.add(funcs[f][2])
            return 0, []
        if f not in memo:
            best, chain = 0, []
            for g in calls[f] - excluded:
                c, ch = cost(g, path | {f})
                if c > best:
                    best, chain = c, ch
            memo[f] = (frames[f] + best, [f] + chain)
        return memo[f]
    return cost(root, frozenset())

def show(total, chain, title):
    print(title)
    cum = 0
    for f in chain:
        cum += frames[f]
        mark = " (from prologue)" if f in estimated else ""
        print(f"    {frames[f]:5d} B  (cumulative {cum:5d})  {funcs[f][2][:110]}{mark}")

# core's float parser, reached when a JSON number is not an integer (see README.md).
float_parse = frozenset(a for a, (_, _, n) in funcs.items() if "dec2flt" in n or n.startswith("<f64 as core::str"))

by_name = {}
for a, (m, _, n) in funcs.items():
    by_name.setdefault(n, a)
for root in roots:
    label, _, name = root.partition("=")
    a = by_name.get(name)
    if a is None:
        print(f"STACK {label} ? (function {name} not found)")
        continue
    total, chain = worst(a)
    reach, todo = set(), [a]
    while todo:
        f = todo.pop()
        if f not in reach:
            reach.add(f)
            todo.extend(calls[f])
    show(total, chain, f"STACK {label} {total}")
    if reach & float_parse:
        t2, ch2 = worst(a, float_parse)
        show(t2, ch2, f"    without core's f64 parser (dec2flt) the worst chain would be {t2} B:")
    ind = sorted(funcs[f][2] for f in reach & indirect)
    rec = sorted(recursive)
    if ind:
        print(f"    WARNING: indirect calls (not followed) in: {', '.join(ind)}")
    if rec:
        print(f"    WARNING: recursion (cut) through: {', '.join(rec)}")
    big = sorted(((frames[f], funcs[f][2]) for f in reach), reverse=True)[:5]
    print("    largest frames reachable: " + "; ".join(f"{s} B {n[:60]}" for s, n in big))
PY
}

STACK_ROWS=()
STACK_DETAIL=""
if [ "$HAVE_THUMB" = 1 ] && [ -n "$LLVM_BIN" ]; then
    if ! command -v python3 >/dev/null; then
        skip "python3 not found: no stack analysis"
    elif ! rustup toolchain list | grep -q "^$NIGHTLY"; then
        skip "no $NIGHTLY toolchain (-Z emit-stack-sizes needs one): no stack figures"
    elif ! { rustup +"$NIGHTLY" target list --installed | grep -qx "$TARGET" ||
        rustup +"$NIGHTLY" target add "$TARGET" >"$LOG/nightly-target.log" 2>&1; }; then
        skip "rustup +$NIGHTLY target add $TARGET failed: no stack figures"
    else
        for alg in HS256 HS512; do
            features="freestanding,sign"
            [ "$alg" = HS512 ] && features="freestanding,sign,hs512"
            echo "building $alg with -Z emit-stack-sizes ($NIGHTLY) ..." >&2
            build "stack-$alg" env RUSTFLAGS="-Z emit-stack-sizes" cargo +"$NIGHTLY" build \
                -j "$JOBS" --release --target "$TARGET" --features "$features" \
                --target-dir "$FW/target/figures-stack"
            elf="$FW/target/figures-stack/$TARGET/release/firmware"
            out="$(analyze_stack "$elf" \
                "verify-$alg=<microjwt_firmware::Device>::handle" \
                "sign-$alg=microjwt_firmware::issue")"
            STACK_DETAIL+="$out"$'\n'
            while read -r _ label bytes _; do
                STACK_ROWS+=("$(printf '%-14s %6s B  %s' "$label" "$bytes" \
                    "emit-stack-sizes + call graph, thumbv7em, opt-level z")")
            done < <(echo "$out" | grep '^STACK ')
        done
    fi
fi

# A dynamic cross-check on the host (examples/firmware/tests/stack.rs): verify and sign run
# after a binary-searched amount of stack padding until the thread's guard page stops them. It
# measures the stack touched on one input, as x86_64 code, with no unsafe.
echo "running the host stack probe ..." >&2
build host-stack cargo test -j "$JOBS" --release --test stack --target-dir "$FW/target/figures" \
    -- --nocapture
HOST_STACK="$(grep -o 'host stack probe.*' "$LOG/host-stack.log" || echo "host stack probe: no figure printed")"

# ---------------------------------------------------------------------------------------------
# 3. The no_std / no_alloc proof on the host
# ---------------------------------------------------------------------------------------------
# No extra target needed: a freestanding x86_64 Linux binary with its own `_start` and panic
# handler. Were std in the graph, rustc would stop with "found duplicate lang item
# `panic_impl`"; were alloc, with "no global memory allocator found". libc is linked only for
# memcpy/memset/bcmp, which compiler_builtins leaves to libc on *-linux-gnu.
echo "building the freestanding host binary ..." >&2
build host-freestanding cargo rustc -j "$JOBS" --release --features freestanding \
    --bin firmware --target-dir "$FW/target/figures" -- \
    -C link-arg=-nostartfiles -C link-arg=-nostdlib -C link-arg=-lc
HOST_ELF="$FW/target/figures/release/firmware"
imports="$(nm -D --undefined-only "$HOST_ELF" 2>/dev/null | awk '{print $2}' | sed 's/@.*//' | sort -u | tr '\n' ' ')"
for sym in $imports; do
    case "$sym" in
    memcpy | memmove | memset | memcmp | bcmp) ;;
    *)
        echo "ERROR: the freestanding host binary imports $sym (only mem* are expected)" >&2
        exit 1
        ;;
    esac
done
set +e
timeout 1 "$HOST_ELF"
rc=$?
set -e
if [ "$rc" = 124 ]; then
    HOST_RESULT="links without std/alloc; imports only: ${imports% }; ran its verify loop for 1 s"
else
    echo "ERROR: the freestanding host binary exited with $rc instead of looping" >&2
    exit 1
fi

# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------
echo
echo "=== microjwt embedded figures ($(rustc --version); stack: $(rustc +"$NIGHTLY" --version 2>/dev/null || echo "no nightly")) ==="
echo
echo "Flash, $TARGET, release (opt-level z, fat LTO, codegen-units 1, panic abort), bytes:"
printf '%-18s %-8s %8s %6s %8s %6s %6s\n' variant sha2 .text KiB .rodata .data .bss
for row in "${SIZE_ROWS[@]}"; do echo "$row"; done
[ "${#SIZE_ROWS[@]}" = 0 ] && echo "(none: see SKIPPED)"
if [ -n "$MAIN_TEXT" ]; then
    if [ "$MAIN_TEXT" -le 16384 ]; then verdict=MET; else verdict=MISSED; fi
    echo "goal: verify-only HS256 .text <= 16384 B: $verdict ($MAIN_TEXT B default sha2, ${COMPACT_TEXT:-?} B compact sha2)"
fi
echo
echo "Stack beyond the caller's buffers (token, scratch, output buffer, Device):"
for row in "${STACK_ROWS[@]}"; do echo "$row"; done
[ "${#STACK_ROWS[@]}" = 0 ] && echo "(none: see SKIPPED)"
for row in "${STACK_ROWS[@]}"; do
    read -r label bytes _ <<<"$row"
    if [ "$bytes" -le 2048 ]; then verdict=MET; else verdict=MISSED; fi
    echo "goal: $label <= 2048 B: $verdict"
done
echo "$HOST_STACK"
if [ -n "$STACK_DETAIL" ]; then
    echo
    echo "Worst call chains (frame, cumulative, function):"
    echo "$STACK_DETAIL" | sed 's/^STACK /  /'
fi
echo "no_std/no_alloc host proof: $HOST_RESULT"
for line in "${SUMMARY[@]}"; do echo "$line"; done
