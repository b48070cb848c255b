#!/usr/bin/env python3
"""PyJWT side of the microjwt interop test (driven by `pyjwt_both_directions` in tests/interop.rs).

Needs PyJWT:  pip install pyjwt

  python3 tests/pyjwt_interop.py make
      Prints one JSON line per token made by PyJWT, for HS256, HS384 and HS512:
      {"case", "alg", "key" (hex), "token", "claims" (what the token must verify to)}.
      PyJWT writes the payload with json.dumps' defaults, so non-ASCII text arrives as \\uXXXX
      escapes (surrogate pairs outside the BMP): the Rust side must unescape them.

  python3 tests/pyjwt_interop.py check  < lines
      Reads JSON lines {"case", "alg", "key" (hex), "token", "claims", "audience", "issuer",
      "now", "expect"} and verifies each token with PyJWT at the frozen time `now` (seconds,
      possibly fractional). "expect" is "ok" (the token must verify to exactly "claims") or the
      name of the PyJWT exception it must raise. Prints "OK <case>" or "FAIL <case>: <why>" per
      line and exits 1 if any failed.
"""

import datetime as _dt
import json
import sys

try:
    import jwt
    import jwt.api_jwt
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("PyJWT is not installed: pip install pyjwt\n")
    sys.exit(3)

ISSUER = "https://issuer.example"

# Keys of exactly the hash length (RFC 7518 section 3.2 minimum), deterministic.
KEY_LEN = {"HS256": 32, "HS384": 48, "HS512": 64}


def key_for(alg):
    return bytes((7 * i + 1) % 256 for i in range(KEY_LEN[alg]))


# The claims PyJWT signs in `make`. tests/interop.rs checks each case by name as well as by the
# "claims" echoed here, so edit both together.
MAKE_CASES = [
    (
        "non_ascii_and_escapes",
        {
            "iss": ISSUER,
            "sub": "Zoë 🦀",
            "aud": "api",
            "exp": 2000000000,
            "nbf": 1600000000,
            "iat": 1600000000,
            "jti": "id-1",
            "name": 'a"b\\c\n\t\u0001',
            "n": 42,
            "nested": {"k": [1, True, None, -2.5]},
        },
    ),
    (
        "aud_array",
        {
            "iss": ISSUER,
            "sub": 'a"b\\c\n\t\u0001',
            "aud": ["other 🦀", "api", 'q"uote'],
            "exp": 2000000000,
        },
    ),
    (
        "fractional_dates",
        {
            "iss": ISSUER,
            "aud": ["api"],
            "exp": 2000000000.5,
            "nbf": 1600000000.25,
            "iat": 1600000000.125,
        },
    ),
]


class _FrozenDatetime(_dt.datetime):
    """`datetime` whose now() is fixed, so PyJWT's time checks run at a chosen instant."""

    frozen = 0.0

    @classmethod
    def now(cls, tz=None):
        return _dt.datetime.fromtimestamp(cls.frozen, tz)


def make():
    for alg in ("HS256", "HS384", "HS512"):
        key = key_for(alg)
        for case, claims in MAKE_CASES:
            token = jwt.encode(claims, key, algorithm=alg)
            line = {"case": case, "alg": alg, "key": key.hex(), "token": token, "claims": claims}
            print(json.dumps(line, ensure_ascii=True))
    return 0


def check_one(line):
    key = bytes.fromhex(line["key"])
    _FrozenDatetime.frozen = line["now"]
    jwt.api_jwt.datetime = _FrozenDatetime
    try:
        claims = jwt.decode(
            line["token"],
            key,
            algorithms=[line.get("verify_alg") or line["alg"]],
            audience=line.get("audience"),
            issuer=line.get("issuer"),
            leeway=0,
            options={"require": ["exp"]},
        )
    except jwt.PyJWTError as e:
        got = type(e).__name__
        if got == line["expect"]:
            return None
        return "raised %s (%s), expected %s" % (got, e, line["expect"])
    if line["expect"] != "ok":
        return "verified, expected %s" % line["expect"]
    if claims != line["claims"]:
        return "claims differ: got %r, expected %r" % (claims, line["claims"])
    # Exact types too: 2000000000 must stay an int, 2000000000.5 a float.
    for name, value in line["claims"].items():
        if type(claims[name]) is not type(value):
            return "claim %s has type %s, expected %s" % (
                name,
                type(claims[name]).__name__,
                type(value).__name__,
            )
    return None


def check():
    ok = failed = 0
    for raw in sys.stdin:
        if not raw.strip():
            continue
        line = json.loads(raw)
        why = check_one(line)
        if why is None:
            ok += 1
            print("OK %s" % line["case"])
        else:
            failed += 1
            print("FAIL %s: %s" % (line["case"], why))
    print("summary: ok=%d fail=%d" % (ok, failed))
    return 1 if failed or not ok else 0


def main(argv):
    if len(argv) != 2 or argv[1] not in ("make", "check"):
        sys.stderr.write(__doc__)
        return 2
    return make() if argv[1] == "make" else check()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
