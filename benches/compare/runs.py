#!/usr/bin/env python3
"""Summarise several runs of the compare bench: the ratios the issue's targets are stated in.

Each argument is the Markdown that report.py printed after one `cargo bench` run. Prints, per
group, microjwt's time over the floor and each other crate's time over microjwt's (> 1: microjwt
is faster), every run's figure and their median. Ratios are taken within one run only: the
machine is shared, and absolute times move between runs far more than ratios do.

    for i in 1 2 3; do
        cargo bench -p microjwt-compare --bench compare && python3 benches/compare/report.py > run$i.md
    done
    python3 benches/compare/runs.py run1.md run2.md run3.md

Standard library only.
"""

import statistics
import sys

GROUPS = ["verify/hs256/small", "verify/hs256/large", "verify/hs384/small", "verify/hs512/small", "sign/hs256/small"]
PEERS = ["lax serde_json", "jsonwebtoken", "jwt-compact", "jwt", "jwt-simple"]


def read(path):
    """{(group, crate): ns}"""
    out = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in GROUPS:
            try:
                out[(cells[0], cells[1])] = float(cells[2].replace(",", ""))
            except ValueError:
                pass
    return out


def cell(values):
    shown = " / ".join(f"{v:.2f}" for v in values)
    return f"{shown} (**{statistics.median(values):.2f}×**)" if len(values) > 1 else f"{shown}×"


def main():
    runs = [read(p) for p in sys.argv[1:]]
    if not runs or not all(runs):
        sys.exit("usage: runs.py run1.md [run2.md ...] (report.py output)")
    print(f"{len(runs)} runs; each cell: every run's ratio, then (median)\n")
    print("| group | microjwt × floor | " + " | ".join(f"{p} ÷ microjwt" for p in PEERS) + " |")
    print("| --- | ---: |" + " ---: |" * len(PEERS))
    for group in GROUPS:
        row = [group]
        floors = [r.get((group, "floor")) for r in runs]
        ours = [r.get((group, "microjwt")) for r in runs]
        if all(floors) and all(ours):
            row.append(cell([o / f for o, f in zip(ours, floors)]))
        else:
            row.append("—")
        for peer in PEERS:
            theirs = [r.get((group, peer)) for r in runs]
            row.append(cell([t / o for t, o in zip(theirs, ours)]) if all(theirs) and all(ours) else "—")
        print("| " + " | ".join(row) + " |")
    print()
    print("microjwt's median ns per run: " + "; ".join(
        f"{g}: " + " / ".join(f"{r[(g, 'microjwt')]:.0f}" for r in runs) for g in GROUPS))
    print("the floor's median ns per run: " + "; ".join(
        f"{g}: " + " / ".join(f"{r[(g, 'floor')]:.0f}" for r in runs) for g in GROUPS if all((g, "floor") in r for r in runs)))


if __name__ == "__main__":
    main()
