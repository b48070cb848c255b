#!/usr/bin/env python3
"""Writes the token list of the firmware's stack probe (examples/firmware/src/bin/stack-probe.rs).

    probe_tokens.py [--alg HS256|HS512] [--max-len N] [--lines LIST] OUT.bin OUT.txt

OUT.bin holds records of one flag byte (1: a fresh Device; 2: the clock is unknown), a
little-endian u32 length and the token; OUT.txt names each record (`INDEX SOURCE`), so a
figure can say which token used the most stack. Every token that is meant to reach a JSON
parser carries a valid MAC with the device's key (read from examples/firmware/src/lib.rs), since
verify checks the MAC before it parses anything:

- every file of fuzz/corpus/{verify_token,header,claims,roundtrip} and fuzz/regressions/*:
  a `verify_token` input as it is and re-MACed with the device key; a `header` input as the
  header, with a valid command as the payload; a `claims` input as the payload, under
  `{"alg":"HS256"}` (HS512 for an HS512 device); a `roundtrip` input (a generator seed, not
  JSON) as the payload too;
- hostile inputs: nesting to MAX_DEPTH and beyond (arrays, objects, mixed, unclosed) in every
  position (whole payload, an ignored member, each claim the device reads, the header), many
  members, duplicate names (plain, escaped, in skipped objects), names whose hashes collide in
  the JSON reader's Bloom filter so that earlier members are re-read, long strings of escapes
  in names and values, long arrays, huge and fractional numbers (NumericDates with long
  fractions, exponents, 5000-digit integers), a filled replay guard, a replay, no clock.

Tokens longer than --max-len (the probe's MAX_TOKEN_LEN) are left out and counted on stderr.
`--lines LIST` also writes the same tokens one per line (those without a newline) to LIST, and
their names to LIST.txt: the format of the naive reference's probe
(examples/firmware/naive/src/bin/probe.rs).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FW_LIB = os.path.join(ROOT, "examples", "firmware", "src", "lib.rs")
FUZZ = os.path.join(ROOT, "fuzz")
TARGETS = ("verify_token", "header", "claims", "roundtrip")
FRESH, NO_CLOCK = 1, 2


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def rust_const(src: str, name: str, kind: str) -> str:
    """The value of `pub const NAME: ... = VALUE;` under the given cfg (hs512 or not)."""
    pattern = re.compile(
        r"(#\[cfg\(([^\]]*)\)\]\s*)?pub const " + name + r": [^=]+= (.+?);", re.S
    )
    for m in pattern.finditer(src):
        cfg = m.group(2) or ""
        if kind == "hs512" and cfg and "not(" in cfg and "hs512" in cfg:
            continue
        if kind != "hs512" and cfg and "not(" not in cfg and "hs512" in cfg:
            continue
        return m.group(3).strip()
    raise SystemExit(f"probe_tokens.py: `pub const {name}` not found in {FW_LIB}")


def rust_bytes(literal: str) -> bytes:
    m = re.fullmatch(r'\*?b"(.*)"', literal, re.S)
    if not m:
        raise SystemExit(f"probe_tokens.py: cannot read the key literal {literal!r}")
    return m.group(1).encode().decode("unicode_escape").encode("latin-1")


def rust_str(literal: str) -> str:
    return json.loads(literal)


def max_depth() -> int:
    for dirpath, _, files in os.walk(os.path.join(ROOT, "src")):
        for name in files:
            if name.endswith(".rs"):
                with open(os.path.join(dirpath, name)) as f:
                    m = re.search(r"pub const MAX_DEPTH: usize = (\d+);", f.read())
                if m:
                    return int(m.group(1))
    return 32


# The JSON reader's duplicate-name detector (src/json/read.rs: `Names`): FNV-1a over the
# unescaped name, two Bloom bits `hash & 31` and `(hash >> 5) & 31`. If the library changes
# this, the inputs below are still hostile, only no longer colliding.
def fnv1a(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def bloom_bits(name: str) -> frozenset[int]:
    h = fnv1a(name.encode())
    return frozenset({h & 31, (h >> 5) & 31})


def colliding_names(count: int, first: str = "a") -> list[str]:
    """`first` and then names whose Bloom bits are all already set: each insertion after the
    first makes the reader re-read the object's earlier members."""
    seen, out = set(bloom_bits(first)), [first]
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    for n in range(1, 4):
        for chars in itertools.product(alphabet, repeat=n):
            name = "".join(chars)
            if name != first and bloom_bits(name) <= seen:
                out.append(name)
                if len(out) == count:
                    return out
    return out


def escaped(s: str) -> str:
    """`s` as a JSON string with every character written as \\uXXXX."""
    return '"' + "".join(f"\\u{ord(c):04x}" for c in s) + '"'


class Tokens:
    def __init__(self, key: bytes, alg: str, max_len: int):
        self.key, self.alg, self.max_len = key, alg, max_len
        self.digest = hashlib.sha256 if alg == "HS256" else hashlib.sha512
        self.records: list[tuple[int, bytes, str]] = []
        self.too_long = 0
        self.not_utf8 = 0

    def mac(self, signing_input: str) -> str:
        return b64(hmac.new(self.key, signing_input.encode(), self.digest).digest())

    def add_token(self, token: bytes | str, source: str, flags: int = FRESH, force=False) -> None:
        if isinstance(token, str):
            token = token.encode()
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            self.not_utf8 += 1  # cannot be a &str: Device::handle never sees it
            return
        if len(token) > self.max_len and not force:
            self.too_long += 1
            return
        self.records.append((flags, token, source))

    def add(self, header: bytes | str, payload: bytes | str, source: str, flags=FRESH) -> None:
        """A token of `header` and `payload` (JSON text or bytes) with the device's MAC."""
        h = b64(header.encode() if isinstance(header, str) else header)
        p = b64(payload.encode() if isinstance(payload, str) else payload)
        self.add_token(f"{h}.{p}.{self.mac(f'{h}.{p}')}", source, flags)

    def write_lines(self, path: str) -> None:
        with open(path, "wb") as out, open(path + ".txt", "w") as names:
            i = 0
            for _, token, source in self.records:
                if token and b"\n" not in token:
                    out.write(token + b"\n")
                    names.write(f"{i} {source} ({len(token)} B)\n")
                    i += 1

    def write(self, bin_path: str, txt_path: str) -> None:
        with open(bin_path, "wb") as out:
            for flags, token, _ in self.records:
                out.write(struct.pack("<BI", flags, len(token)))
                out.write(token)
        with open(txt_path, "w") as out:
            for i, (_, token, source) in enumerate(self.records):
                out.write(f"{i} {source} ({len(token)} B)\n")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="probe_tokens.py",
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bin", help="the token list the probe embeds")
    p.add_argument("txt", help="one line per token: index and where it comes from")
    p.add_argument("--alg", choices=("HS256", "HS512"), default="HS256")
    p.add_argument("--max-len", type=int, default=16 * 1024, help="the probe's MAX_TOKEN_LEN")
    p.add_argument("--lines", metavar="LIST", help="also write the tokens one per line")
    args = p.parse_args(argv)

    with open(FW_LIB) as f:
        src = f.read()
    kind = "hs512" if args.alg == "HS512" else "hs256"
    key = rust_bytes(rust_const(src, "KEY", kind))
    device = rust_str(rust_const(src, "DEVICE_ID", kind))
    issuer = rust_str(rust_const(src, "ISSUER", kind))
    slots = int(rust_const(src, "REPLAY_SLOTS", kind))
    depth = max_depth()
    t = Tokens(key, args.alg, args.max_len)

    header = json.dumps({"alg": args.alg, "typ": "JWT"}, separators=(",", ":"))
    bare_header = json.dumps({"alg": args.alg}, separators=(",", ":"))
    members = [
        ("cmd", '"open-valve"'),
        ("valve", "3"),
        ("jti", '"c-0001"'),
        ("iss", json.dumps(issuer)),
        ("aud", json.dumps(device)),
        ("iat", "1800000000"),
        ("exp", "4102444800"),
    ]

    def claims(replace: dict[str, str] | None = None, extra=(), first=()) -> str:
        """The valid command, with some values replaced and extra members before/after."""
        replace = replace or {}
        body = [f'"{k}":{v}' for k, v in first]
        body += [f'"{k}":{replace.get(k, v)}' for k, v in members]
        body += [f'"{k}":{v}' for k, v in extra]
        return "{" + ",".join(body) + "}"

    valid = claims()
    # The baseline, a replay of it, no clock, a filled replay guard.
    t.add(header, valid, "valid command")
    t.add(header, valid, "the same command again (replay)", flags=0)
    t.add(header, valid, "valid command, clock unknown", flags=FRESH | NO_CLOCK)
    for i in range(slots + 1):
        flags = FRESH if i == 0 else 0
        jti = json.dumps(f"fill-{i}")
        t.add(header, claims({"jti": jti}), f"replay guard fill {i + 1}/{slots + 1}", flags)
    with open(os.path.join(ROOT, "examples", "firmware", "tokens", f"{args.alg.lower()}.jwt")) as f:
        t.add_token(f.read().strip(), "tokens/" + args.alg.lower() + ".jwt")

    # ---- the fuzz corpora and regressions --------------------------------------------------
    for kind_dir in ("corpus", "regressions"):
        for target in TARGETS:
            d = os.path.join(FUZZ, kind_dir, target)
            if not os.path.isdir(d):
                continue
            for name in sorted(os.listdir(d)):
                path = os.path.join(d, name)
                if not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    data = f.read()
                source = f"fuzz/{kind_dir}/{target}/{name}"
                if target == "verify_token":
                    t.add_token(data, source + " (as is)")
                    parts = data.split(b".")
                    if len(parts) == 3:
                        signing_input = parts[0] + b"." + parts[1]
                        try:
                            text = signing_input.decode()
                        except UnicodeDecodeError:
                            continue
                        t.add_token(f"{text}.{t.mac(text)}", source + " (device MAC)")
                elif target == "header":
                    t.add(data, valid, source + " (header)")
                else:
                    t.add(bare_header, data, source + " (payload)")

    # ---- hostile inputs ---------------------------------------------------------------------
    def hostile(payload: str, what: str, hdr: str = header) -> None:
        t.add(hdr, payload, "hostile: " + what)

    def arrays(n: int, inner: str = "") -> str:
        return "[" * n + inner + "]" * n

    def objects(n: int, inner: str = "1") -> str:
        return '{"a":' * n + inner + "}" * n

    def mixed(n: int) -> str:
        return "".join('[{"a":' for _ in range(n // 2)) + "0" + "}]" * (n // 2)

    depths = sorted({1, depth - 2, depth - 1, depth, depth + 1, 2 * depth, 1000, 1500})
    for n in depths:
        hostile(arrays(n), f"payload nested {n} arrays deep")
        hostile(objects(n), f"payload nested {n} objects deep")
        hostile(mixed(n), f"payload nested {n} mixed arrays/objects deep")
        hostile("[" * n, f"payload {n} unclosed arrays")
        hostile('{"a":' * n, f"payload {n} unclosed objects")
        for value, shape in ((arrays(n), "arrays"), (objects(n), "objects"), (mixed(n), "mixed")):
            hostile(claims(extra=[("x", value)]), f"ignored member nested {n} {shape} deep (last)")
            hostile(claims(first=[("x", value)]), f"ignored member nested {n} {shape} deep (first)")
            for k, _ in members:
                hostile(claims({k: value}), f"claim {k} nested {n} {shape} deep")
        hdr = json.dumps({"alg": args.alg}, separators=(",", ":"))[:-1] + f',"x":{arrays(n)}}}'
        hostile(valid, f"header member nested {n} arrays deep", hdr)
        hdr = json.dumps({"alg": args.alg}, separators=(",", ":"))[:-1] + f',"x":{objects(n)}}}'
        hostile(valid, f"header member nested {n} objects deep", hdr)
        hostile(valid, f"header nested {n} deep", objects(n))

    # Colliding and duplicate names: at every depth of a skipped value, in the claims object,
    # in the header; the earlier members' values are escaped strings (the re-read validates them).
    collide = colliding_names(64)
    esc_val = '"\\u0041\\ud83d\\ude00\\n"'
    hostile('{"x":{"a":"\\u0041","jy":0}}', 'the issue\'s {"x":{"a":"\\u0041","jy":0}}')
    hostile(claims(extra=[("x", '{"a":"\\u0041","jy":0}')]), "colliding names a/jy in a member")
    obj = "{" + ",".join(f'"{n}":{esc_val}' for n in collide) + "}"
    hostile(claims(extra=[("x", obj)]), f"{len(collide)} Bloom-colliding names, escaped values")
    hostile(claims(extra=[(n, esc_val) for n in collide[1:]]), "Bloom-colliding claims names")
    for n in (depth - 1, depth):
        inner = "{" + ",".join(f'"{c}":{esc_val}' for c in collide[:8]) + "}"
        deep = '{"a":' * (n - 1) + inner + "}" * (n - 1)
        hostile(claims(extra=[("x", deep)]), f"Bloom-colliding names at depth {n}")
        deep = "[" * (n - 1) + inner + "]" * (n - 1)
        hostile(claims(extra=[("x", deep)]), f"Bloom-colliding names in an array at depth {n}")
        # colliding names with nested escaped values at every level
        level = "{" + ",".join(f'"{c}":[{esc_val},{{"{c}":{esc_val}}}]' for c in collide[:4])
        deep = (level + ',"z":') * (n - 1) + "0" + "}" * (n - 1)
        hostile(claims(extra=[("x", deep + "}")]), f"colliding names at each of {n} levels")
    hostile(claims(extra=[("cmd", '"close-valve"')]), "duplicate claim cmd (last wins?)")
    hostile(claims(extra=[("\\u0063md", '"close-valve"')]), "duplicate claim cmd, escaped")
    hostile(claims(extra=[("exp", "1")]), "duplicate claim exp")
    hostile(claims(extra=[("x", '{"a":1,"b":2,"\\u0061":3}')]), "escaped duplicate, skipped object")
    dup_deep = '{"a":' * (depth - 1) + '{"q":1,"\\u0071":2}' + "}" * (depth - 1)
    hostile(claims(extra=[("x", dup_deep)]), f"escaped duplicate at depth {depth}")
    hdr = '{"alg":"' + args.alg + '","typ":"JWT","\\u0074yp":"JWT"}'
    hostile(valid, "header duplicate typ, escaped", hdr)
    hdr = ' {"alg":"none","alg":"' + args.alg + '"}'
    hostile(valid, "header leading whitespace duplicate", hdr)
    hdr = "{" + ",".join(f'"{n}":{esc_val}' for n in collide) + f',"alg":"{args.alg}"}}'
    hostile(valid, "header with Bloom-colliding names", hdr)

    # Many members / elements.
    many = [(f"m{i}", "0") for i in range(1200)]
    hostile(claims(extra=many), "1200 extra members")
    hostile(claims(first=many), "1200 extra members before the claims")
    hostile(claims(extra=[("x", "{" + ",".join(f'"{k}":{v}' for k, v in many) + "}")]),
            "1200 members in a skipped object")
    hostile(claims(extra=[("x", "[" + ",".join(["0"] * 3000) + "]")]), "3000 elements")
    hostile(claims({"aud": "[" + ",".join([json.dumps(device)] * 400) + "]"}), "aud of 400")
    hostile(claims({"aud": "[" + ",".join([escaped(device)] * 80) + "]"}), "aud of 80 escaped")
    hostile(claims({"aud": arrays(depth)}), f"aud nested {depth}")
    hostile(claims({"aud": "[" + json.dumps(device) + "," + arrays(depth - 1) + "]"}),
            f"aud with a nested element {depth - 1} deep")
    hdr = "{" + ",".join(f'"h{i}":0' for i in range(1200)) + f',"alg":"{args.alg}"}}'
    hostile(valid, "header with 1200 members", hdr)
    hdr = '{"alg":"' + args.alg + '","crit":[' + ",".join(f'"c{i}"' for i in range(600)) + "]}"
    hostile(valid, "header crit of 600 names", hdr)

    # Long escaped strings, in names and values.
    for k in ("jti", "iss", "aud", "cmd"):
        hostile(claims({k: '"' + "\\u0041" * 1500 + '"'}), f"{k}: 1500 \\u escapes")
        hostile(claims({k: '"' + "\\ud83d\\ude00" * 700 + '"'}), f"{k}: 700 surrogate pairs")
        hostile(claims({k: '"' + "\\n\\t\\\\\\/\\\"" * 500 + '"'}), f"{k}: 2500 short escapes")
    hostile(claims({"jti": escaped("c-0001")}), "jti fully escaped (accepted)")
    hostile(claims({"iss": escaped(issuer), "aud": escaped(device), "cmd": escaped("open-valve")}),
            "iss/aud/cmd fully escaped")
    hostile(claims({"jti": '"\\ud800"'}), "lone surrogate")
    hostile(claims({"jti": '"\\ud83d\\u0041"'}), "broken surrogate pair")
    hostile(claims({"jti": '"\\u00"'}), "truncated escape")
    long_name = '"' + "\\u0078" * 800 + '"'
    hostile("{" + long_name[:-1], "unterminated escaped name")
    hostile(claims(extra=[(long_name[1:-1], "1")]), "member name of 800 \\u escapes")
    hostile(claims(extra=[(long_name[1:-1], "1"), (long_name[1:-1] + "\\u0078", "2")]),
            "two long escaped names, Bloom check")
    cjk = "{" + ",".join(f'"\\u{0x4E00 + i:04x}":{esc_val}' for i in range(300)) + "}"
    hostile(claims(extra=[("x", cjk)]), "300 escaped CJK names with escaped values")
    hostile(claims(extra=[("x", '"' + "a" * 9000 + '"')]), "9000-byte string")
    hostile(claims(extra=[("x", '"' + "\\u0041" * 1900 + '"')]), "ignored 1900 \\u escapes")
    hostile('"' + "a" * 5000, "unterminated string payload")
    hostile(" " * 5000 + valid + " " * 3000, "8000 bytes of whitespace")

    # Numbers: NumericDates and the device's own u8.
    numbers = [
        "4102444800.5", "4102444800.000000000000000000000000000001", "1800000000.999999999",
        "4.1024448e9", "4102444800e0", "41024448000000000000e-10", "1e400", "1E+9", "-0",
        "-1", "1.8e-400", "18446744073709551616", "340282366920938463463374607431768211456",
        "9" * 4000, "0." + "0" * 4000 + "1", "1." + "0" * 4000 + "e-999999999999",
        "4102444800." + "9" * 4000, "1e" + "9" * 4000, "-" + "9" * 4000 + ".5e-3",
        "0.1e1", "179769313486231570814527423731704356798070e-30",
    ]
    for k in ("iat", "exp"):
        for v in numbers:
            hostile(claims({k: v}), f"{k}={v[:24]}{'...' if len(v) > 24 else ''} ({len(v)} chars)")
    for v in ("255", "256", "3.0", "3e0", "-3", "1e999", "9" * 4000, "0.5"):
        hostile(claims({"valve": v}), f"valve={v[:16]} ({len(v)} chars)")
    for v in ("1" * 5000, "1." + "0" * 5000, "-1e-" + "9" * 4000):
        hostile(claims(extra=[("x", v)]), f"ignored number of {len(v)} chars")
    hostile(claims(extra=[("nbf", "1." + "0" * 3000 + "1")]), "nbf with a 3000-digit fraction")
    hdr = '{"alg":"' + args.alg + '","n":' + "1" * 3000 + ".5e-99}"
    hostile(valid, "header with a 3000-digit number", hdr)

    # Token-level oddities (these never reach a parser).
    h, p_ = b64(header.encode()), b64(valid.encode())
    over = "A" * (args.max_len - len(h) - len(p_) - 1)
    t.add_token(f"{h}.{p_}.{over}", "hostile: one byte over MAX_TOKEN_LEN (TokenTooLarge)",
                force=True)
    t.add_token(f"{h}.{p_}.{t.mac(h + '.' + p_)}=", "hostile: padded signature")
    t.add_token(f"{h}.{p_}.{t.mac(h + '.' + p_)}.", "hostile: four segments")
    t.add_token("." * 5000, "hostile: 5000 dots")
    t.add_token(f"{h}.{p_}!.x", "hostile: invalid base64")

    t.write(args.bin, args.txt)
    if args.lines:
        t.write_lines(args.lines)
    print(
        f"probe_tokens.py: {len(t.records)} tokens ({args.alg}, MAX_DEPTH {depth}); left out"
        f" {t.too_long} longer than {args.max_len} B and {t.not_utf8} not UTF-8",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
