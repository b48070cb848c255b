#!/usr/bin/env python3
"""Markdown tables of `cargo bench -p microjwt-benches --bench pipeline`, from criterion's files.

Reads target/criterion/**/new/{benchmark,estimates}.json (median point estimates) of the
groups `pipeline/…`, `logout/…` and `adversarial`, and prints:
- the stages of verify and sign per algorithm and size, with the HMAC floor of each;
- the cost of each way of logging users out;
- the adversarial group: each hostile token's time over the harmless token of the same segment,
  size, keys and MAC (the tokens have the same length, so this is the ratio of cost per byte).

Standard library only.  Usage:  python3 benches/report.py [criterion_dir]
(default: $CARGO_TARGET_DIR/criterion, else the workspace's target/criterion).
"""

import sys

from criterion_files import criterion_dir, medians

STAGES = ["floor", "split", "header", "payload", "jws", "verify_unit", "verify"]
STAGE_NAMES = {
    "floor": "floor (HMAC + compare over the same bytes)",
    "split": "split",
    "header": "header (decode + read)",
    "payload": "payload decode",
    "jws": "**jws** = split + decode + MAC + header",
    "verify_unit": "claims walked, validated, not kept (`verify::<()>`)",
    "verify": "**verify** (claims into a struct)",
}
HOSTILE = ["hostile-nested", "hostile-flat", "long-prefix", "hash-collide"]


def load(root):
    """{(group, function): median ns}"""
    out = {}
    for group, function, value, median in medians(root):
        function = function or ""
        if value:
            function = f"{function}/{value}" if function else value
        out[(group, function)] = median
    return out


def ns(value):
    if value >= 10_000:
        return f"{value / 1000:,.1f} µs".replace(",", "\u2009")
    return f"{value:,.0f} ns".replace(",", "\u2009")


def pipeline(results):
    columns = sorted({g for g, _ in results if g.startswith("pipeline/verify/") and not g.endswith("/size")})
    if not columns:
        return
    heads = [c[len("pipeline/verify/"):] for c in columns]
    print("| stage | " + " | ".join(h.replace("/", " ") for h in heads) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for stage in STAGES:
        cells = [results.get((c, stage)) for c in columns]
        floor = [results.get((c, "floor")) for c in columns]
        shown = []
        for v, f in zip(cells, floor):
            if v is None:
                shown.append("—")
            elif stage in ("jws", "verify_unit", "verify") and f:
                shown.append(f"{ns(v)} ({v / f:.2f}×)")
            else:
                shown.append(ns(v))
        print(f"| {STAGE_NAMES[stage]} | " + " | ".join(shown) + " |")
    signs = [results.get((c.replace("/verify/", "/sign/"), "sign")) for c in columns]
    floors = [results.get((c, "floor")) for c in columns]
    print("| **sign** | " + " | ".join(
        "—" if s is None else f"{ns(s)} ({s / f:.2f}×)" if f else ns(s) for s, f in zip(signs, floors)) + " |")
    print()


def logout(results):
    rows = sorted((g, f, v) for (g, f), v in results.items() if g.startswith("logout/"))
    if not rows:
        return
    print("| group | mechanism | median |")
    print("| --- | --- | ---: |")
    for g, f, v in rows:
        print(f"| {g} | {f} | {ns(v)} |")
    print()


def adversarial(results):
    rows = {}
    for (g, f), v in results.items():
        if g != "adversarial":
            continue
        # <segment>-<shape>/<size>/<keys>/<mac>-mac
        case, size, keys, mac = f.split("/")
        segment, shape = case.split("-", 1)
        mac = mac.removesuffix("-mac")
        rows.setdefault((segment, size, keys, mac), {})[shape] = v
    if not rows:
        return
    print("| segment | size | keys | MAC | harmless | " + " | ".join(HOSTILE) + " |")
    print("| --- | --- | --- | --- | ---: |" + " ---: |" * len(HOSTILE))
    worst = (0.0, "")
    for key in sorted(rows, key=lambda k: (k[0], k[1] != "8k", k[2], k[3])):
        shapes = rows[key]
        base = shapes.get("harmless")
        cells = []
        for shape in HOSTILE:
            v = shapes.get(shape)
            if v is None or not base:
                cells.append("—")
                continue
            ratio = v / base
            if ratio > worst[0]:
                worst = (ratio, f"adversarial/{key[0]}-{shape}/{key[1]}/{key[2]}/{key[3]}-mac")
            cells.append(f"{ratio:.2f}×")
        segment, size, keys, mac = key
        print(f"| {segment} | {size} | {keys} | {mac} | {ns(base) if base else '—'} | " + " | ".join(cells) + " |")
    print()
    print(f"worst: {worst[1]} at {worst[0]:.2f}× the harmless token of its size")
    print()


def main():
    root = criterion_dir()
    results = load(root)
    if not results:
        sys.exit(f"no criterion results under {root}: run cargo bench -p microjwt-benches --bench pipeline")
    pipeline(results)
    logout(results)
    adversarial(results)


if __name__ == "__main__":
    main()
