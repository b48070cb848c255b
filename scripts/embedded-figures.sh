#!/usr/bin/env bash
# The embedded figures of microjwt, measured on examples/firmware and checked against
# scripts/embedded-budgets.txt. From a clean clone:
#
#   scripts/embedded-figures.sh             about 4 minutes the first time (2 cores, -j 1)
#   MICROJWT_REQUIRE_EMBEDDED=1 scripts/embedded-figures.sh      what CI runs: a missing tool
#                                                                fails instead of skipping
#
# What it builds (thumbv7em-none-eabihf, Cortex-M4F; release: opt-level "z", fat LTO, one codegen
# unit, panic = "abort"; every microjwt image with `prove-no-panic`, so it links only if no panic
# path is left):
#
#   1. flash, on the default toolchain: the verify-only image (`--features freestanding`) and the
#      verify+sign one (`freestanding,sign`), HS256 and HS512 (`hs512`), each with sha2's default
#      software backend and its compact one (RUSTFLAGS='--cfg sha2_backend_soft="compact"'), and
#      the naive reference build (examples/firmware/naive: base64ct + hmac + sha2 +
#      serde-json-core, no strictness) with both backends. The verify-only images must link no
#      signing code, the HS256 ones no SHA-512.
#   2. stack, beyond the caller's buffers (the token, scratch, output buffer and the `Device`):
#      - a static bound: nightly `-Z emit-stack-sizes` frames plus the call graph of the
#        disassembly (scripts/stack_bound.py), rooted at `Device::handle` on the verify-only image
#        and at `issue` on the verify+sign image. Recursion, or an `sp` write the analyser does
#        not understand, fails the run;
#      - a stack-painting probe: examples/firmware/src/bin/stack-probe.rs, the same verify-only
#        code (`freestanding,probe`: only MAX_TOKEN_LEN grows, to 16 KiB), run under qemu-arm on
#        every file of the fuzz corpora and regressions turned into tokens with the device's MAC,
#        plus hostile inputs (scripts/probe_tokens.py). It must stay within the static bound of
#        its own image, or the analysis is unsound and the run fails;
#      - `verify-hs256-stack-worst` is the larger of the two;
#      - the naive reference's static bound (recursive: reported, not trusted) and its own probe
#        on the same tokens.
#   3. the no_std/no_alloc proof on the host: the freestanding x86_64 Linux build links without
#      std and an allocator, imports only mem* from libc, and runs.
#
# Output: progress and every command line on stderr; on stdout the worst call chains, a table,
# one `figure NAME VALUE` line per figure (bytes), one `check NAME ok|FAILED` per check, and for
# each budget `budget NAME VALUE LIMIT ok|EXCEEDED` (or `... - LIMIT SKIPPED|NOT-MEASURED`).
# Exit status 1 when a budget is exceeded, a check fails, a figure could not be measured with its
# tool available, or (with MICROJWT_REQUIRE_EMBEDDED=1) a tool or target is missing: a loud
# `SKIPPED: ...` line says which.
#
# Environment: MICROJWT_BUDGETS (another budget file), MICROJWT_NIGHTLY (default `nightly`), MICROJWT_TOOLCHAIN (the flash figures'
# toolchain; default rustup's default), MICROJWT_FIGURES_DIR (target directories; default
# examples/firmware/target/figures), MICROJWT_FIGURES_LOG (a directory to keep the build logs,
# ELF copies, token lists and probe outputs in; default a temporary one, removed at the end: the
# `$LOG` of the printed commands), CARGO_BUILD_JOBS. Every other RUSTFLAGS/CARGO_* variable of
# the caller is cleared: the figures must not depend on who runs this.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FW="$ROOT/examples/firmware"
NAIVE="$FW/naive"
TARGET=thumbv7em-none-eabihf
NIGHTLY="${MICROJWT_NIGHTLY:-nightly}"
TOOLCHAIN="${MICROJWT_TOOLCHAIN:-}"
REQUIRE="${MICROJWT_REQUIRE_EMBEDDED:-0}"
JOBS="${CARGO_BUILD_JOBS:-}"
TD="${MICROJWT_FIGURES_DIR:-$FW/target/figures}"
BUDGETS="${MICROJWT_BUDGETS:-$ROOT/scripts/embedded-budgets.txt}"
COMPACT='--cfg sha2_backend_soft="compact"'
STACK_FLAGS='-Z emit-stack-sizes'
if [ -n "${MICROJWT_FIGURES_LOG:-}" ]; then # kept: build logs, ELF copies, token lists, probe output
    LOG="$MICROJWT_FIGURES_LOG"
    mkdir -p "$LOG"
else
    LOG="$(mktemp -d)"
    trap 'rm -rf "$LOG"' EXIT
fi
START=$SECONDS
echo "scratch directory (\$LOG): $LOG" >&2

# The caller's flags, profiles, wrappers and target settings would change the figures.
for v in $(compgen -e); do
    case "$v" in
    RUSTFLAGS | RUSTDOCFLAGS | CARGO_ENCODED_RUSTFLAGS | CARGO_ENCODED_RUSTDOCFLAGS | \
        CARGO_TARGET_DIR | CARGO_BUILD_* | CARGO_PROFILE_* | CARGO_TARGET_* | CARGO_UNSTABLE_* | \
        CARGO_INCREMENTAL | RUSTC | RUSTC_WRAPPER | RUSTC_WORKSPACE_WRAPPER | RUSTUP_TOOLCHAIN | \
        MICROJWT_PROBE_TOKENS | PROBE_TOKENS)
        unset "$v"
        ;;
    esac
done

declare -A FIG NOTE
FIG_ORDER=()
FAILS=()
SKIPS=()
CHECKS=()
DETAIL=()
say() { echo "$*" >&2; }
fail() { FAILS+=("$*"); say "FAILED: $*"; }
skip() { SKIPS+=("SKIPPED: $*"); say "SKIPPED: $*"; }
check() { CHECKS+=("check $1 $2"); [ "$2" = ok ] || fail "check $1: ${3:-}"; }
figure() {
    [ -n "${FIG[$1]+x}" ] || FIG_ORDER+=("$1")
    FIG[$1]="$2"
    [ -z "${3:-}" ] || NOTE[$1]="$3"
}
rel() { echo "${1#"$ROOT"/}"; }
plus() { [ -z "$1" ] || echo "+$1"; }

# cargo build of one binary; the exact command goes to stderr, the output to $LOG/NAME.log.
#   cargo_build NAME TOOLCHAIN TARGET_DIR CRATE_DIR RUSTFLAGS FEATURES BIN [VAR=VALUE ...]
cargo_build() {
    local name="$1" tc="$2" dir="$3" crate="$4" flags="$5" features="$6" bin="$7"
    shift 7
    local cmd=(cargo)
    [ -z "$tc" ] || cmd+=("+$tc")
    cmd+=(build --release --target "$TARGET" --bin "$bin")
    [ -z "$features" ] || cmd+=(--features "$features")
    [ -z "$JOBS" ] || cmd+=(-j "$JOBS")
    say "\$ (cd $(rel "$crate") && ${*:+$* }RUSTFLAGS='$flags' ${cmd[*]} --target-dir $(rel "$dir"))"
    (cd "$crate" && env "$@" RUSTFLAGS="$flags" "${cmd[@]}" --target-dir "$dir" \
        >"$LOG/$name.log" 2>&1)
}
build_failed() {
    fail "build $1 (log tail below)"
    tail -n 30 "$LOG/$1.log" | sed 's/^/    /' >&2
}

# A microjwt firmware image, with `prove-no-panic`; if that link fails because a panic path is
# left, the check fails and the image is rebuilt without it so the other figures still come out.
# The ELF is copied to $LOG/NAME.elf (the next build of the same binary overwrites cargo's).
#   fw_image NAME TOOLCHAIN TARGET_DIR RUSTFLAGS FEATURES
fw_image() {
    local name="$1" tc="$2" dir="$3" flags="$4" features="$5"
    if cargo_build "$name" "$tc" "$dir" "$FW" "$flags" "$features,prove-no-panic" firmware; then
        check "no-panic-$name" ok
    elif grep -q microjwt_firmware_can_panic "$LOG/$name.log"; then
        check "no-panic-$name" FAILED "the image links a panic path (prove-no-panic)"
        cargo_build "$name" "$tc" "$dir" "$FW" "$flags" "$features" firmware ||
            { build_failed "$name"; return 1; }
    else
        build_failed "$name"
        return 1
    fi
    cp "$dir/$TARGET/release/firmware" "$LOG/$name.elf"
    say "  (copied to \$LOG/$name.elf: the next build overwrites $(rel "$dir")/$TARGET/release/firmware)"
}

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
sysroot_has_target() {
    [ -d "$(rustc $(plus "$1") --print sysroot 2>/dev/null)/lib/rustlib/$TARGET/lib" ]
}
HAVE_THUMB=1
if ! sysroot_has_target "$TOOLCHAIN"; then
    rustup $(plus "$TOOLCHAIN") target add "$TARGET" >"$LOG/target.log" 2>&1 || true
    sysroot_has_target "$TOOLCHAIN" || HAVE_THUMB=0
fi
[ "$HAVE_THUMB" = 1 ] ||
    skip "target $TARGET missing (rustup target add $TARGET): no flash, stack or probe figures"

LLVM_BIN=""
find_llvm() {
    local d
    for d in "$(rustc --print sysroot)"/lib/rustlib/*/bin; do
        if [ -x "$d/llvm-size" ] && [ -x "$d/llvm-objdump" ] && [ -x "$d/llvm-nm" ]; then
            LLVM_BIN="$d"
            return 0
        fi
    done
    return 1
}
if ! find_llvm; then
    rustup component add llvm-tools >"$LOG/llvm-tools.log" 2>&1 || true
    find_llvm ||
        skip "llvm-tools missing (rustup component add llvm-tools): no figures from the ELF files"
fi

HAVE_PY=1
command -v python3 >/dev/null || { HAVE_PY=0; skip "python3 missing: no stack figures"; }

HAVE_NIGHTLY=0
if rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
    if sysroot_has_target "$NIGHTLY" ||
        { rustup +"$NIGHTLY" target add "$TARGET" >"$LOG/nt.log" 2>&1 && sysroot_has_target "$NIGHTLY"; }; then
        HAVE_NIGHTLY=1
    else
        skip "$NIGHTLY has no $TARGET (rustup +$NIGHTLY target add $TARGET): no static stack bounds"
    fi
else
    skip "no $NIGHTLY toolchain (-Z emit-stack-sizes needs one; rustup toolchain install $NIGHTLY): no static stack bounds"
fi

HAVE_QEMU=0
if command -v qemu-arm >/dev/null; then
    HAVE_QEMU=1
else
    skip "qemu-arm missing (apt-get install -y qemu-user): no stack probe figures"
fi

# Prints "text rodata data bss vector_table" of an ELF (bytes; .text counts every .text* section).
sections() {
    "$LLVM_BIN/llvm-size" -A "$1" | awk '
        $1 ~ /^\.text/          { t += $2 }
        $1 ~ /^\.rodata/        { r += $2 }
        $1 ~ /^\.data/          { d += $2 }
        $1 ~ /^\.bss/           { b += $2 }
        $1 == ".vector_table"   { v += $2 }
        END { printf "%d %d %d %d %d\n", t, r, d, b, v }'
}

# ---------------------------------------------------------------------------------------------
# 1. Flash
# ---------------------------------------------------------------------------------------------
SIZE_ROWS=()
measure_flash() { # NAME LABEL BACKEND ELF
    local t r d b v
    read -r t r d b v < <(sections "$4")
    figure "$1-text-$3" "$t"
    figure "$1-rodata-$3" "$r"
    figure "$1-ram-$3" $((d + b)) ".data + .bss"
    SIZE_ROWS+=("$(printf '%-22s %-8s %8d %6.1f %8d %6d %6d%s' "$2" "$3" "$t" \
        "$(awk -v b="$t" 'BEGIN { print b / 1024 }')" "$r" "$d" "$b" \
        "$([ "$v" = 0 ] || echo "  (+ $v B .vector_table)")")")
}
symbols_check() { # NAME ELF FEATURES
    local syms
    syms="$("$LLVM_BIN/llvm-nm" -C "$2")"
    if [[ "$3" != *sign* ]]; then
        if grep -Eq 'microjwt::sign|json::write|ryu::' <<<"$syms"; then
            check "no-signing-code-$1" FAILED "$(grep -E 'microjwt::sign|json::write|ryu::' <<<"$syms" | head -3)"
        else
            check "no-signing-code-$1" ok
        fi
    fi
    if [[ "$3" != *hs512* ]]; then
        if grep -qi 'sha512' <<<"$syms"; then
            check "no-sha512-$1" FAILED "an HS256 image links SHA-512"
        else
            check "no-sha512-$1" ok
        fi
    fi
}

if [ "$HAVE_THUMB" = 1 ] && [ -n "$LLVM_BIN" ]; then
    for backend in default compact; do
        if [ "$backend" = compact ]; then flags="$COMPACT"; else flags=""; fi
        dir="$TD/$backend"
        for v in "verify-hs256|verify HS256|freestanding" \
            "verify-sign-hs256|verify+sign HS256|freestanding,sign" \
            "verify-hs512|verify HS512|freestanding,hs512" \
            "verify-sign-hs512|verify+sign HS512|freestanding,hs512,sign"; do
            IFS='|' read -r name label features <<<"$v"
            say "== $label, $backend sha2"
            fw_image "$name-$backend" "$TOOLCHAIN" "$dir" "$flags" "$features" || continue
            measure_flash "$name" "$label" "$backend" "$LOG/$name-$backend.elf"
            symbols_check "$name-$backend" "$LOG/$name-$backend.elf" "$features"
        done
        say "== naive reference, $backend sha2"
        if cargo_build "naive-$backend" "$TOOLCHAIN" "$dir" "$NAIVE" "$flags" "" naive-fw; then
            cp "$dir/$TARGET/release/naive-fw" "$LOG/naive-$backend.elf"
            measure_flash naive-hs256 "naive HS256" "$backend" "$LOG/naive-$backend.elf"
        else
            build_failed "naive-$backend"
        fi
    done
    for alg in hs256 hs512; do
        for backend in default compact; do
            s="${FIG[verify-sign-$alg-text-$backend]:-}"
            v="${FIG[verify-$alg-text-$backend]:-}"
            [ -z "$s" ] || [ -z "$v" ] || figure "sign-$alg-adds-text-$backend" $((s - v))
        done
    done
    # The issue's names for the main flash figures.
    [ -z "${FIG[verify-hs256-rodata-default]:-}" ] ||
        figure verify-hs256-rodata "${FIG[verify-hs256-rodata-default]}" "default sha2"
    [ -z "${FIG[naive-hs256-rodata-default]:-}" ] ||
        figure naive-hs256-rodata "${FIG[naive-hs256-rodata-default]}" "default sha2"
    for backend in default compact; do
        o="${FIG[verify-hs256-text-$backend]:-}"
        n="${FIG[naive-hs256-text-$backend]:-}"
        [ -z "$o" ] || [ -z "$n" ] || figure "verify-hs256-text-$backend-minus-naive" $((o - n))
    done
fi

# ---------------------------------------------------------------------------------------------
# 2. Stack
# ---------------------------------------------------------------------------------------------
# static_bound FIGURE ELF ROOT STRICT: runs scripts/stack_bound.py; sets BOUND (bytes or "").
static_bound() {
    local fig="$1" elf="$2" root="$3" strict="$4" rc=0
    say "\$ scripts/stack_bound.py \$LOG/${elf##*/} '$fig=$root'"
    python3 "$ROOT/scripts/stack_bound.py" --tools "$LLVM_BIN" "$elf" "$fig=$root" \
        >"$LOG/$fig.bound" 2>&1 || rc=$?
    BOUND="$(awk -v f="$fig" '$1 == "bound" && $2 == f { print $3 }' "$LOG/$fig.bound")"
    DETAIL+=("$(cat "$LOG/$fig.bound")")
    if [ -z "$BOUND" ]; then
        fail "$fig: stack_bound.py found no bound: $(tail -n 1 "$LOG/$fig.bound")"
    elif [ "$rc" = 3 ] && [ "$strict" = strict ]; then
        fail "$fig: the static bound is unsound (recursion or unknown stack use; see above)"
    elif [ "$rc" = 3 ]; then
        NOTE[$fig]="UNSOUND: recursion, the depth is unbounded; a lower bound"
    elif [ "$rc" != 0 ]; then
        fail "$fig: stack_bound.py exited with $rc"
    fi
}

# run_probe NAME ELF NAMES [naive]: runs a probe under qemu-arm into $LOG/NAME.out (as
# `probe INDEX BYTES OUTCOME` lines; the naive probe's `INDEX BYTES CODE` are converted); sets
# PROBE_MAX, PROBE_AT (the first token that used the most) and PROBE_N.
run_probe() {
    local name="$1" elf="$2" names="$3" format="${4:-}"
    say "\$ qemu-arm \$LOG/${elf##*/} > \$LOG/$name.raw"
    PROBE_MAX=""
    if ! timeout 600 qemu-arm "$elf" >"$LOG/$name.raw" 2>"$LOG/$name.err"; then
        fail "$name: the probe failed under qemu-arm: $(tail -n 2 "$LOG/$name.raw" "$LOG/$name.err" | tr '\n' ' ')"
        return 1
    fi
    if [ "$format" = naive ]; then
        # naive_fw::Error: 1 + Malformed, Base64, Signature, Json, Alg, Claims
        awk 'BEGIN { split("malformed base64 bad-mac json alg claims", e) }
            { print "probe", $1, $2, ($3 == 0 ? "ok" : e[$3]) } END { print "probe-done", NR }' \
            "$LOG/$name.raw" >"$LOG/$name.out"
    else
        cp "$LOG/$name.raw" "$LOG/$name.out"
    fi
    local idx
    read -r PROBE_MAX idx PROBE_N < <(awk '
        $1 == "probe" { n++; if ($3 > m || n == 1) { m = $3; at = $2 } }
        END { print m + 0, at + 0, n + 0 }' "$LOG/$name.out")
    PROBE_AT="$(awk -v i="$idx" '$1 == i { $1 = ""; print substr($0, 2); exit }' "$names")"
}

if [ "$HAVE_THUMB" = 1 ] && [ -n "$LLVM_BIN" ] && [ "$HAVE_PY" = 1 ] && [ "$HAVE_NIGHTLY" = 1 ]; then
    dir="$TD/nightly-stack"
    for alg in hs256 hs512; do
        features=freestanding
        [ "$alg" = hs256 ] || features="freestanding,hs512"
        ALG="${alg^^}"
        say "== $ALG stack: static bounds ($NIGHTLY, $STACK_FLAGS)"
        if fw_image "stack-verify-$alg" "$NIGHTLY" "$dir" "$STACK_FLAGS" "$features"; then
            static_bound "verify-$alg-stack-static" "$LOG/stack-verify-$alg.elf" \
                "<microjwt_firmware::Device>::handle" strict
            [ -z "$BOUND" ] || figure "verify-$alg-stack-static" "$BOUND" \
                "Device::handle, verify-only image"
        fi
        if fw_image "stack-sign-$alg" "$NIGHTLY" "$dir" "$STACK_FLAGS" "$features,sign"; then
            static_bound "sign-$alg-stack-static" "$LOG/stack-sign-$alg.elf" \
                "microjwt_firmware::issue" strict
            if [ -n "$BOUND" ]; then
                figure "sign-$alg-stack-static" "$BOUND" "issue, verify+sign image"
                figure "sign-$alg-stack-worst" "$BOUND" "static bound (no sign probe)"
            fi
        fi

        [ "$HAVE_QEMU" = 1 ] || continue
        say "== $ALG stack: the probe under qemu-arm"
        list="$LOG/tokens-$alg"
        lines=()
        [ "$alg" = hs512 ] || lines=(--lines "$LOG/naive-tokens")
        say "\$ scripts/probe_tokens.py --alg $ALG ${lines[*]:+--lines \$LOG/naive-tokens }\$LOG/tokens-$alg.bin \$LOG/tokens-$alg.txt"
        if ! python3 "$ROOT/scripts/probe_tokens.py" --alg "$ALG" "${lines[@]}" \
            "$list.bin" "$list.txt" 2>"$LOG/tokens-$alg.err"; then
            fail "probe_tokens.py: $(tail -n 3 "$LOG/tokens-$alg.err")"
            continue
        fi
        say "$(cat "$LOG/tokens-$alg.err")"
        if ! cargo_build "probe-$alg" "$NIGHTLY" "$dir" "$FW" "$STACK_FLAGS" "$features,probe" \
            stack-probe MICROJWT_PROBE_TOKENS="$list.bin"; then
            build_failed "probe-$alg"
            continue
        fi
        cp "$dir/$TARGET/release/stack-probe" "$LOG/probe-$alg.elf"
        symbols_check "probe-$alg" "$LOG/probe-$alg.elf" "$features"
        static_bound "verify-$alg-stack-static-probe-image" "$LOG/probe-$alg.elf" \
            "<microjwt_firmware::Device>::handle" strict
        static_probe="$BOUND"
        run_probe "probe-$alg" "$LOG/probe-$alg.elf" "$list.txt" || continue
        figure "verify-$alg-stack-probe-max" "$PROBE_MAX" "$PROBE_N tokens; first at the max: $PROBE_AT"
        outcomes="$(awk '$1 == "probe" { c[$4]++ } END { for (k in c) printf "%s%s %d", (n++ ? ", " : ""), k, c[k] }' \
            "$LOG/probe-$alg.out")"
        DETAIL+=("probe $ALG (verify-only image, Device::handle): $PROBE_N tokens, outcomes: $outcomes
  most stack: $PROBE_MAX B, first reached by: $PROBE_AT
  the most stack (bytes: tokens): $(awk '$1 == "probe" { c[$3]++ } END { for (k in c) print k, c[k] }' \
            "$LOG/probe-$alg.out" | sort -n | tail -n 6 | awk '{ printf "%s%s: %s", (NR > 1 ? ", " : ""), $1, $2 }')")
        expected="$(wc -l <"$list.txt")"
        if ! grep -qx "probe-done $expected" "$LOG/probe-$alg.out"; then
            fail "probe-$alg: ran $PROBE_N of $expected tokens"
        fi
        first="$(awk '$1 == "probe" && $2 == 0 { print $4 }' "$LOG/probe-$alg.out")"
        second="$(awk '$1 == "probe" && $2 == 1 { print $4 }' "$LOG/probe-$alg.out")"
        if [ "$first" = ok ] && [ "$second" = after-mac ]; then
            check "probe-$alg-tokens-accepted" ok
        else
            check "probe-$alg-tokens-accepted" FAILED \
                "the valid command was '$first', its replay '$second' (device key or claims out of sync with probe_tokens.py?)"
        fi
        if grep -q ' buffer-too-small$' "$LOG/probe-$alg.out"; then
            check "probe-$alg-scratch-len" FAILED "BufferTooSmall with a scratch of scratch_len(MAX_TOKEN_LEN)"
        else
            check "probe-$alg-scratch-len" ok
        fi
        if [ "$PROBE_MAX" -ge $((32 * 1024 - 4)) ]; then
            fail "probe-$alg: the stack used reached the painted 32 KiB: the figure is a lower bound"
        fi
        if [ -n "$static_probe" ]; then
            if [ "$PROBE_MAX" -le "$static_probe" ]; then
                check "probe-$alg-within-static-bound" ok
            else
                check "probe-$alg-within-static-bound" FAILED \
                    "the probe used $PROBE_MAX B, more than the static bound $static_probe B of the same image: the analysis is unsound"
            fi
        fi
    done
    for alg in hs256 hs512; do
        s="${FIG[verify-$alg-stack-static]:-}"
        p="${FIG[verify-$alg-stack-probe-max]:-}"
        if [ -n "$s" ] && [ -n "$p" ]; then
            figure "verify-$alg-stack-worst" $((s > p ? s : p)) "max(static bound, probe)"
        fi
    done

    say "== naive reference stack"
    if cargo_build "stack-naive" "$NIGHTLY" "$dir" "$NAIVE" "$STACK_FLAGS" "" naive-fw; then
        cp "$dir/$TARGET/release/naive-fw" "$LOG/stack-naive.elf"
        static_bound naive-hs256-stack-static "$LOG/stack-naive.elf" naive_fw::verify lax
        [ -z "$BOUND" ] || figure naive-hs256-stack-static "$BOUND" "${NOTE[naive-hs256-stack-static]:-}"
    else
        build_failed stack-naive
    fi
    if [ "$HAVE_QEMU" = 1 ] && [ -f "$LOG/naive-tokens" ]; then
        if cargo_build "probe-naive" "$NIGHTLY" "$dir" "$NAIVE" "$STACK_FLAGS" probe probe \
            PROBE_TOKENS="$LOG/naive-tokens"; then
            cp "$dir/$TARGET/release/probe" "$LOG/probe-naive.elf"
            if run_probe probe-naive "$LOG/probe-naive.elf" "$LOG/naive-tokens.txt" naive; then
                figure naive-hs256-stack-probe-max "$PROBE_MAX" "$PROBE_N tokens; first at the max: $PROBE_AT"
                first="$(awk '$1 == "probe" && $2 == 0 { print $3, $4 }' "$LOG/probe-naive.out")"
                figure naive-hs256-stack-probe-valid "${first% *}" "the valid command"
                if [ "${first#* }" = ok ]; then
                    check probe-naive-tokens-accepted ok
                else
                    check probe-naive-tokens-accepted FAILED "the naive build refused the valid command: ${first#* } (its KEY differs from the firmware's?)"
                fi
                DETAIL+=("probe naive (naive_fw::verify): $PROBE_N tokens, outcomes: $(awk '$1 == "probe" { c[$4]++ } END { for (k in c) printf "%s%s %d", (n++ ? ", " : ""), k, c[k] }' "$LOG/probe-naive.out")
  most stack: $PROBE_MAX B, first reached by: $PROBE_AT")
            fi
        else
            build_failed probe-naive
        fi
    fi
fi

# ---------------------------------------------------------------------------------------------
# 3. The no_std / no_alloc proof on the host
# ---------------------------------------------------------------------------------------------
# A freestanding x86_64 Linux binary with its own `_start` and panic handler. Were std in the
# graph, rustc would stop with "found duplicate lang item `panic_impl`"; were alloc, with "no
# global memory allocator found". libc is linked only for memcpy/memset/bcmp, which
# compiler_builtins leaves to libc on *-linux-gnu.
say "== the freestanding host binary"
host_cmd=(cargo $(plus "$TOOLCHAIN") rustc --release --features freestanding --bin firmware)
[ -z "$JOBS" ] || host_cmd+=(-j "$JOBS")
host_cmd+=(--target-dir "$TD/host" -- -C link-arg=-nostartfiles -C link-arg=-nostdlib -C link-arg=-lc)
say "\$ (cd $(rel "$FW") && RUSTFLAGS='' ${host_cmd[*]/"$TD"/$(rel "$TD")})"
if (cd "$FW" && RUSTFLAGS="" "${host_cmd[@]}" >"$LOG/host.log" 2>&1); then
    HOST_ELF="$TD/host/release/firmware"
    nm="nm"
    [ -z "$LLVM_BIN" ] || nm="$LLVM_BIN/llvm-nm"
    imports="$("$nm" -D --undefined-only "$HOST_ELF" 2>/dev/null | awk '{ print $NF }' | sed 's/@.*//' | sort -u | tr '\n' ' ')"
    bad=""
    for sym in $imports; do
        case "$sym" in memcpy | memmove | memset | memcmp | bcmp) ;; *) bad+=" $sym" ;; esac
    done
    set +e
    timeout 1 "$HOST_ELF"
    rc=$?
    set -e
    if [ -n "$bad" ]; then
        check freestanding-host-no-std FAILED "imports$bad (only mem* are expected)"
    elif [ "$rc" != 124 ]; then
        check freestanding-host-no-std FAILED "exited with $rc instead of looping"
    else
        check freestanding-host-no-std ok
        HOST_RESULT="links without std/alloc, imports only ${imports% }, ran its verify loop for 1 s"
    fi
else
    build_failed host
fi

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
fv() { echo "${FIG[$1]:--}"; }
echo "=== microjwt embedded figures ==="
echo "flash: $(rustc $(plus "$TOOLCHAIN") --version); stack: $(rustc +"$NIGHTLY" --version 2>/dev/null || echo "no $NIGHTLY"); $(qemu-arm --version 2>/dev/null | head -n 1 || echo "no qemu-arm")"
echo
for d in "${DETAIL[@]}"; do
    echo "$d" | sed 's/^bound /static bound /'
    echo
done
echo "Flash, $TARGET, release (opt-level z, fat LTO, codegen-units 1, panic abort), bytes:"
printf '%-22s %-8s %8s %6s %8s %6s %6s\n' image sha2 .text KiB .rodata .data .bss
for row in "${SIZE_ROWS[@]}"; do echo "$row"; done
[ "${#SIZE_ROWS[@]}" != 0 ] || echo "(none: see SKIPPED)"
echo "sign adds (.text of verify+sign minus verify-only): HS256 $(fv sign-hs256-adds-text-default) B default sha2, $(fv sign-hs256-adds-text-compact) B compact; HS512 $(fv sign-hs512-adds-text-default) / $(fv sign-hs512-adds-text-compact) B"
echo
echo "Stack beyond the caller's buffers, bytes (static: -Z emit-stack-sizes + call graph, default sha2; probe: painted, qemu-arm):"
printf '%-14s %8s %10s %8s\n' "" static probe worst
printf '%-14s %8s %10s %8s\n' "verify HS256" "$(fv verify-hs256-stack-static)" "$(fv verify-hs256-stack-probe-max)" "$(fv verify-hs256-stack-worst)"
printf '%-14s %8s %10s %8s\n' "verify HS512" "$(fv verify-hs512-stack-static)" "$(fv verify-hs512-stack-probe-max)" "$(fv verify-hs512-stack-worst)"
printf '%-14s %8s %10s %8s\n' "sign HS256" "$(fv sign-hs256-stack-static)" "-" "$(fv sign-hs256-stack-worst)"
printf '%-14s %8s %10s %8s\n' "sign HS512" "$(fv sign-hs512-stack-static)" "-" "$(fv sign-hs512-stack-worst)"
printf '%-14s %8s %10s %8s   %s\n' "naive HS256" "$(fv naive-hs256-stack-static)" "$(fv naive-hs256-stack-probe-max)" "-" \
    "(static: ${FIG[naive-hs256-stack-static]:+${NOTE[naive-hs256-stack-static]:-sound}}; probe of the valid command $(fv naive-hs256-stack-probe-valid))"
echo
echo "no_std/no_alloc host proof: ${HOST_RESULT:-not run}"
echo
for name in "${FIG_ORDER[@]}"; do
    echo "figure $name ${FIG[$name]}${NOTE[$name]:+  # ${NOTE[$name]}}"
done
for c in "${CHECKS[@]}"; do echo "$c"; done

# Budgets: `NAME LIMIT` lines of scripts/embedded-budgets.txt.
while read -r name limit _; do
    [ -n "$name" ] || continue
    value="${FIG[$name]:-}"
    if [ -n "$value" ]; then
        if [ "$value" -le "$limit" ]; then
            echo "budget $name $value $limit ok"
        else
            echo "budget $name $value $limit EXCEEDED"
            FAILS+=("budget $name: $value B > $limit B")
        fi
    elif [ "${#SKIPS[@]}" != 0 ]; then
        echo "budget $name - $limit SKIPPED"
    else
        echo "budget $name - $limit NOT-MEASURED"
        FAILS+=("budget $name: not measured")
    fi
done < <(sed 's/#.*//' "$BUDGETS")

for s in "${SKIPS[@]}"; do echo "$s"; done
if [ "${#SKIPS[@]}" != 0 ] && [ "$REQUIRE" = 1 ]; then
    FAILS+=("MICROJWT_REQUIRE_EMBEDDED=1 and a tool or target is missing (SKIPPED above)")
fi
echo "took $((SECONDS - START)) s"
if [ "${#FAILS[@]}" != 0 ]; then
    echo "FAILED:"
    for f in "${FAILS[@]}"; do echo "  $f"; done
    exit 1
fi
if [ "${#SKIPS[@]}" != 0 ]; then
    echo "passed, but INCOMPLETE (see SKIPPED above)"
    exit 0
fi
echo "all figures measured, all within budget"
