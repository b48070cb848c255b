#!/usr/bin/env python3
"""Summarise the criterion results of `cargo bench --bench compare`.

Reads target/criterion/**/new/estimates.json (median point estimates, ns)
together with the sibling benchmark.json (group / function / parameter) and
prints a Markdown table: ns per op, ratio to `floor`, ratio to `microjwt`,
for every crate including `lax serde_json` (the hand-written verifier).
Writes a hand-made SVG plot of verify time vs payload size
(group verify/hs256/size) to verify_vs_size.svg next to this script.

Standard library only.  Usage:  python3 report.py [criterion_dir]
(default: $CARGO_TARGET_DIR/criterion, else the workspace's target/criterion as
`cargo metadata` reports it).
"""

import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from criterion_files import criterion_dir, medians  # noqa: E402  (benches/criterion_files.py)

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ["floor", "microjwt", "lax serde_json", "jsonwebtoken", "jwt-compact", "jwt", "jwt-simple"]
COLORS = {
    "floor": "#777777",
    "microjwt": "#d62728",
    "lax serde_json": "#8c564b",
    "jsonwebtoken": "#1f77b4",
    "jwt-compact": "#2ca02c",
    "jwt": "#9467bd",
    "jwt-simple": "#ff7f0e",
}
GROUP_ORDER = [
    "verify/hs256/small",
    "verify/hs256/large",
    "verify/hs384/small",
    "verify/hs512/small",
    "sign/hs256/small",
    "verify/hs256/size",
]


def load(root):
    """-> {(group, param_or_None): {function: median_ns}}"""
    results = {}
    for group, func, param, median in medians(root):
        if group not in GROUP_ORDER:
            continue  # another bench of the workspace (same target/criterion): not ours
        if func is None:  # bench_function inside a group without parameter
            func, param = param, None
        results.setdefault((group, param), {})[func] = median
    return results


def fmt_ns(ns):
    return f"{ns:,.1f}" if ns < 100 else f"{ns:,.0f}"


def ratio(a, b):
    return f"{a / b:.2f}×" if (a is not None and b) else "–"


def sort_key(item):
    (group, param), _ = item
    gi = GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)
    try:
        p = int(param) if param is not None else -1
    except ValueError:
        p = 0
    return (gi, group or "", p)


def funcs_in(order_src):
    return sorted(order_src, key=lambda f: (ORDER.index(f) if f in ORDER else len(ORDER), f))


def print_table(results):
    print("| group | crate | median ns/op | × floor | × microjwt |")
    print("|---|---|---:|---:|---:|")
    for (group, param), funcs in sorted(results.items(), key=sort_key):
        label = group if param is None else f"{group}/{param} B"
        floor = funcs.get("floor")
        micro = funcs.get("microjwt")
        for func in funcs_in(funcs):
            ns = funcs[func]
            to_floor = ratio(ns, floor) if func != "floor" else "1.00×"
            if func == "floor":
                to_micro = "–"
            else:
                to_micro = ratio(ns, micro)
            print(f"| {label} | {func} | {fmt_ns(ns)} | {to_floor} | {to_micro} |")
    print()
    print("× floor = crate / floor (raw HMAC + tag compare); "
          "× microjwt = crate / microjwt (> 1 means slower than microjwt).")


def write_svg(results, path):
    series = {}
    for (group, param), funcs in results.items():
        if group != "verify/hs256/size" or param is None:
            continue
        for func, ns in funcs.items():
            series.setdefault(func, []).append((int(param), ns))
    if not series:
        print("(no verify/hs256/size results: SVG not written)", file=sys.stderr)
        return
    for pts in series.values():
        pts.sort()

    W, H = 760, 480
    L, R, T, B = 80, 170, 40, 60
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    y0 = math.floor(math.log10(min(ys)))
    y1 = math.ceil(math.log10(max(ys)))
    if x1 == x0:
        x1 = x0 + 1

    def px(x):
        return L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)

    def py(y):
        return H - B - (math.log10(y) - y0) / (y1 - y0) * (H - T - B)

    out = []
    add = out.append
    add(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">')
    add(f'<rect x="0" y="0" width="{W}" height="{H}" fill="white"/>')
    add(f'<text x="{(L + W - R) / 2}" y="22" text-anchor="middle" font-size="15">'
        'HS256 verify time vs payload size (median, log–log)</text>')
    # y grid: decades and 2x/5x
    for e in range(y0, y1 + 1):
        for m in (1, 2, 5):
            v = m * 10 ** e
            if v < 10 ** y0 or v > 10 ** y1:
                continue
            y = py(v)
            major = m == 1
            add(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" '
                f'stroke="{"#ccc" if major else "#eee"}"/>')
            label = f"{v:,} ns" if v < 1000 else (f"{v // 1000:,} µs" if v < 10**6 else f"{v / 1e6:g} ms")
            add(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">{label}</text>')
    # x ticks at the measured sizes
    for x in sorted(set(xs)):
        X = px(x)
        add(f'<line x1="{X:.1f}" y1="{T}" x2="{X:.1f}" y2="{H - B}" stroke="#eee"/>')
        lab = f"{x // 1024} KiB" if x >= 1024 and x % 1024 == 0 else f"{x} B"
        add(f'<text x="{X:.1f}" y="{H - B + 18}" text-anchor="middle" fill="#444">{lab}</text>')
    add(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#888"/>')
    add(f'<text x="{(L + W - R) / 2}" y="{H - 18}" text-anchor="middle">claims JSON payload size</text>')
    add(f'<text transform="translate(18 {(T + H - B) / 2}) rotate(-90)" text-anchor="middle">'
        'time per verify</text>')

    for i, func in enumerate(funcs_in(series)):
        pts = series[func]
        color = COLORS.get(func, "#000")
        dash = ' stroke-dasharray="5 4"' if func == "floor" else ""
        d = " ".join(f"{'M' if j == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for j, (x, y) in enumerate(pts))
        add(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for x, y in pts:
            add(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}">'
                f'<title>{func} {x} B: {y:,.0f} ns</title></circle>')
        ly = T + 14 + i * 20
        add(f'<line x1="{W - R + 15}" y1="{ly - 4}" x2="{W - R + 40}" y2="{ly - 4}" '
            f'stroke="{color}" stroke-width="2"{dash}/>')
        add(f'<text x="{W - R + 46}" y="{ly}">{func}</text>')
    add("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"\nSVG written to {os.path.relpath(path)}", file=sys.stderr)


def main():
    root = criterion_dir()
    if not os.path.isdir(root):
        sys.exit(f"no criterion results in {root}: run `cargo bench --bench compare` first")
    results = load(root)
    if not results:
        sys.exit(f"no */new/estimates.json under {root}")
    print_table(results)
    write_svg(results, os.path.join(HERE, "verify_vs_size.svg"))


if __name__ == "__main__":
    main()
