#!/usr/bin/env python3
"""Keeps the measured figures quoted in the docs equal to what the scripts measure.

The record: scripts/figures/embedded.txt holds the `figure NAME VALUE` lines that
scripts/embedded-figures.sh printed when the docs were last written (deterministic: byte counts
from one toolchain and one Cargo.lock).

The docs: every figure in README.md, BENCHMARKS.md and examples/firmware/README.md that comes
from that script sits in a generated block,

    <!-- figures: TEMPLATE-LINES -->
    ...the template rendered...
    <!-- /figures -->

where TEMPLATE-LINES is Markdown with `{NAME}` for a figure (written with thin-space thousands
separators, as the docs do: 23 746) and `{NAME:raw}` for the bare number. The template is the
text of the HTML comment; only the rendering below it is rewritten.

    scripts/embedded-figures.sh > out.txt
    scripts/doc-figures.py --write out.txt   # new record, blocks re-rendered
    scripts/doc-figures.py --check out.txt   # what CI runs: fails if the measurement differs
                                             # from the record or a block from its rendering
    scripts/doc-figures.py --check           # the blocks against the record only
"""

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RECORD = ROOT / "scripts" / "figures" / "embedded.txt"
DOCS = ["README.md", "BENCHMARKS.md", "examples/firmware/README.md"]
BLOCK = re.compile(r"<!-- figures:\n(?P<template>.*?)-->\n(?P<rendered>.*?)<!-- /figures -->", re.S)
FIELD = re.compile(r"\{(?P<name>[a-z0-9-]+)(?P<raw>:raw)?\}")


def read_figures(path):
    figures = {}
    for line in pathlib.Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "figure" and parts[2].lstrip("-").isdigit():
            figures[parts[1]] = int(parts[2])
    return figures


def grouped(n):
    text = f"{abs(n):,}".replace(",", "\u2009")
    return ("−" if n < 0 else "") + text


def render(template, figures, where):
    def field(m):
        name = m.group("name")
        if name not in figures:
            sys.exit(f"{where}: no figure {name!r} in {RECORD.relative_to(ROOT)}")
        return str(figures[name]) if m.group("raw") else grouped(figures[name])

    return FIELD.sub(field, template)


def blocks(doc, figures):
    """(old text, new text) of one doc."""
    path = ROOT / doc
    text = path.read_text()

    def one(m):
        rendered = render(m.group("template"), figures, doc)
        return f"<!-- figures:\n{m.group('template')}-->\n{rendered}<!-- /figures -->"

    return text, BLOCK.sub(one, text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    parser.add_argument("measured", nargs="?", help="output of scripts/embedded-figures.sh")
    args = parser.parse_args()

    record = read_figures(RECORD) if RECORD.exists() else {}
    failures = []
    if args.measured:
        measured = read_figures(args.measured)
        if not measured:
            sys.exit(f"{args.measured}: no `figure` lines")
        if args.write:
            RECORD.parent.mkdir(exist_ok=True)
            RECORD.write_text(
                "# Written by scripts/doc-figures.py --write from scripts/embedded-figures.sh; the docs' figures.\n"
                + "".join(f"figure {k} {v}\n" for k, v in measured.items())
            )
            record = measured
        else:
            for name in sorted(record.keys() | measured.keys()):
                was, now = record.get(name), measured.get(name)
                if was != now:
                    failures.append(f"figure {name}: the docs say {was}, measured {now}")

    for doc in DOCS:
        old, new = blocks(doc, record)
        if args.write:
            if old != new:
                (ROOT / doc).write_text(new)
                print(f"rewrote the figures of {doc}")
        elif old != new:
            failures.append(f"{doc}: a figures block differs from its template rendered with the record")

    if failures:
        print("STALE FIGURES:", *failures, sep="\n  ")
        print("refresh: scripts/embedded-figures.sh > out.txt && scripts/doc-figures.py --write out.txt")
        sys.exit(1)
    if args.check:
        print(f"figures: the docs match {'the measurement and ' if args.measured else ''}the record ({len(record)} figures)")


if __name__ == "__main__":
    main()
