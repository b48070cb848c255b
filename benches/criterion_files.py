"""Criterion's result files, read by benches/report.py and benches/compare/report.py.

Standard library only.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def criterion_dir():
    """The first command-line argument, else $CARGO_TARGET_DIR/criterion, else the workspace's
    target/criterion as `cargo metadata` reports it (benches are workspace members, so their
    results are at the workspace root, not next to them)."""
    if len(sys.argv) > 1:
        return sys.argv[1]
    target = os.environ.get("CARGO_TARGET_DIR")
    if not target:
        try:
            out = subprocess.run(
                ["cargo", "metadata", "--format-version", "1", "--no-deps"],
                cwd=HERE, capture_output=True, text=True, check=True,
            ).stdout
            target = json.loads(out)["target_directory"]
        except (OSError, subprocess.CalledProcessError, ValueError, KeyError):
            target = os.path.join(HERE, "..", "target")
    if not os.path.isabs(target):
        target = os.path.join(HERE, target)
    return os.path.join(target, "criterion")


def medians(root):
    """Yields (group, function or None, parameter or None, median ns) for each benchmark's
    latest run (`new/`) under `root`; unreadable entries are skipped."""
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
            continue
        try:
            with open(os.path.join(dirpath, "benchmark.json")) as f:
                meta = json.load(f)
            with open(os.path.join(dirpath, "estimates.json")) as f:
                median = json.load(f)["median"]["point_estimate"]
        except (OSError, ValueError, KeyError):
            continue
        yield meta.get("group_id"), meta.get("function_id"), meta.get("value_str"), median
