#!/usr/bin/env python3
"""Checks that a console transcript in a Markdown file is what the command prints today.

    scripts/check-transcript.py FILE COMMAND OUTPUT

FILE holds a fenced `console` block whose first line is `$ COMMAND`; the rest of the block must
equal the text of OUTPUT (what CI captured by running COMMAND), line for line. On a mismatch it
prints a diff and how to refresh, and exits 1.
"""
import difflib
import sys


def transcript(markdown, command):
    lines = open(markdown, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if line.strip() == f"$ {command}" and i > 0 and lines[i - 1].startswith("```"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            return lines[i + 1 : end]
    sys.exit(f"{markdown}: no console block starting with `$ {command}`")


def main():
    markdown, command, output = sys.argv[1:4]
    shown = transcript(markdown, command)
    printed = open(output, encoding="utf-8").read().splitlines()
    if shown == printed:
        print(f"{markdown}: `{command}` transcript current ({len(printed)} lines)")
        return
    sys.stdout.writelines(
        line + "\n" for line in difflib.unified_diff(shown, printed, markdown, output, lineterm="")
    )
    sys.exit(f"STALE TRANSCRIPT in {markdown}: paste the output of `{command}` into it")


main()
