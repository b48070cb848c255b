#!/usr/bin/env python3
"""Checks every link of the repository's Markdown files, offline.

README.md is also the crate's documentation (docs.rs) and its registry page (crates.io), where a
relative link leads nowhere, so README.md may hold only absolute links and in-page anchors:
- https://github.com/microjwt/microjwt/blob|tree/main/PATH[#anchor] must name a file or folder
  of this repository (and a heading of a Markdown file);
- https://docs.rs/microjwt/latest/microjwt/PAGE[#id] must name a page (and an id) of the
  documentation `cargo doc` wrote to target/doc (run it first);
- #anchor must be a heading of the same file.
The other Markdown files are read on GitHub only: there relative links are fine and are checked
the same way. Other https links are left alone (no network here).

    cargo doc --all-features --no-deps && scripts/check-links.py
"""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPO = "https://github.com/microjwt/microjwt/"
DOCS = "https://docs.rs/microjwt/latest/microjwt/"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def slug(heading):
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_\[\]()]|<[^>]+>", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    text = FENCE.sub("", path.read_text())
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.*)$", text, re.M)}


def doc_ids(page):
    return set(re.findall(r'id="([^"]+)"', page.read_text()))


def check_path(rel, anchor, where, errors):
    target = (ROOT / rel).resolve()
    if not target.exists():
        errors.append(f"{where}: {rel} does not exist")
    elif anchor and target.suffix == ".md" and anchor not in anchors(target):
        errors.append(f"{where}: {rel} has no heading #{anchor}")


def main():
    files = subprocess.run(
        ["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    files = [f for f in files if "/node_modules/" not in f and not f.startswith("fuzz/corpus")]
    doc_root = ROOT / "target" / "doc" / "microjwt"
    errors, checked = [], 0
    for name in files:
        path = ROOT / name
        text = FENCE.sub("", path.read_text())
        published = name == "README.md"
        for m in LINK.finditer(text):
            url = m.group(1)
            where = f"{name}: ({url})"
            base, _, anchor = url.partition("#")
            checked += 1
            if url.startswith(REPO):
                rel = re.sub(r"^(blob|tree)/main/", "", base[len(REPO):])
                if rel == base[len(REPO):]:
                    errors.append(f"{where}: not a blob/main or tree/main link")
                    continue
                check_path(rel, anchor, where, errors)
            elif url.startswith(DOCS):
                page = doc_root / base[len(DOCS):]
                if base[len(DOCS):] == "":
                    page = doc_root / "index.html"
                if not doc_root.exists():
                    errors.append(f"{where}: target/doc/microjwt missing: run cargo doc first")
                elif not page.exists():
                    errors.append(f"{where}: no such documentation page")
                elif anchor and anchor not in doc_ids(page):
                    errors.append(f"{where}: the page has no id {anchor}")
            elif url.startswith(("http://", "https://", "mailto:")):
                checked -= 1
            elif url.startswith("#"):
                if anchor not in anchors(path):
                    errors.append(f"{where}: no heading #{anchor} in this file")
            elif published:
                errors.append(f"{where}: relative, broken on docs.rs and crates.io: use {REPO}blob/main/…")
            else:
                check_path(str((path.parent / base).relative_to(ROOT)) if base else name, anchor, where, errors)
    for e in errors:
        print("BROKEN LINK", e)
    print(f"links: {checked} checked in {len(files)} files, {len(errors)} broken")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
