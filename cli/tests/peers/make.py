#!/usr/bin/env python3
"""Writes tokens and keys made by PyJWT, and what `microjwt verify` must say of each.

    python3 cli/tests/peers/make.py                 # rewrites cli/tests/peers/pyjwt/
    python3 cli/tests/peers/make.py --out /tmp/x    # somewhere else (the live test does this)

Secrets are derived from fixed labels and every time is fixed (NOW below; the tests pass
`--now`), so a rerun with the same PyJWT writes the same files. `cases.json` lists, for each
token: the key flags, the extra `verify` flags, the exit status, and the header and payload
PyJWT wrote (for a valid token, exactly what `verify --json` must print) or the error kind and
a hint the error must carry.
"""

import argparse
import base64
import hashlib
import json
import os

import jwt
from jwt.algorithms import HMACAlgorithm

NOW = 1764547200  # 2025-12-01T00:00:00Z


def secret(label, length):
    """`length` bytes derived from `label` (not random: the fixtures are reproducible)."""
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha512(f"microjwt-cli/{label}/{counter}".encode()).digest()
        counter += 1
    return out[:length]


def segment(token, index):
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "pyjwt"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)

    def write(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return name

    k256 = secret("pyjwt/hs256", 32)
    k384 = secret("pyjwt/hs384", 48)
    k512 = secret("pyjwt/hs512", 64)
    khex = secret("pyjwt/hex", 32)
    old = secret("pyjwt/old", 32)
    new = secret("pyjwt/new", 32)
    gone = secret("pyjwt/gone", 32)

    raw256 = {"key-file": write("hs256.key", k256)}
    raw512 = {"key-file": write("hs512.key", k512)}
    # What `openssl rand -base64 48 > hs384.b64` leaves: padded base64 and a newline.
    b64_384 = {
        "key-file": write("hs384.b64", base64.b64encode(k384).decode() + "\n"),
        "key-encoding": "base64",
    }
    hex256 = {"key-file": write("hs256.hex", khex.hex() + "\n"), "key-encoding": "hex"}
    # PyJWT's own JWK export: {"k": …, "kty": "oct"}, no kid, no alg.
    jwk512 = {"jwk": write("hs512.jwk", HMACAlgorithm.to_jwk(k512))}
    keys = []
    for kid, key in (("old", old), ("new", new)):
        member = HMACAlgorithm.to_jwk(key, as_dict=True)
        member.update({"kid": kid, "alg": "HS256", "use": "sig"})
        keys.append(member)
    jwks = {"jwk": write("jwks.json", json.dumps({"keys": keys}, indent=2) + "\n")}

    cases = []

    def case(name, token, key, exit_code, args=(), alg=None, error=None, hint=None):
        entry = {
            "name": name,
            "token": token,
            "key": key,
            "alg": alg,
            "args": list(args),
            "exit": exit_code,
            "header": segment(token, 0),
            "payload": segment(token, 1),
        }
        if error:
            entry["error"] = error
        if hint:
            entry["hint"] = hint
        cases.append(entry)

    rich = {
        "sub": "ada",
        "aud": "api",
        "iat": NOW,
        "exp": NOW + 3600,
        "roles": ["admin", "dev"],
        "name": "Zoë \"x\" \u2603",
        "ratio": 1.5,
        "nested": {"a": [1, {"b": None}], "t": True},
    }
    valid = jwt.encode(rich, k256, algorithm="HS256")
    case("hs256 raw key, rich claims", valid, raw256, 0, args=["--aud", "api"], alg="HS256")
    case(
        "hs384 openssl-style base64 key",
        jwt.encode({"iss": "https://py.example", "sub": "bob", "iat": NOW, "exp": NOW + 600},
                   k384, algorithm="HS384"),
        b64_384, 0, args=["--iss", "https://py.example"], alg="HS384",
    )
    case(
        "hs512 PyJWT JWK, kid in header",
        jwt.encode({"sub": "carol", "nbf": NOW - 60, "exp": NOW + 60}, k512, algorithm="HS512",
                   headers={"kid": "py-512"}),
        jwk512, 0, alg="HS512",
    )
    case(
        "hs256 hex key",
        jwt.encode({"sub": "dave", "exp": NOW + 60}, khex, algorithm="HS256"),
        hex256, 0,
    )
    for kid, key in (("new", new), ("old", old)):
        case(
            f"JWK Set, kid {kid}",
            jwt.encode({"sub": "erin", "exp": NOW + 60}, key, algorithm="HS256",
                       headers={"kid": kid}),
            jwks, 0,
        )
    case(
        "JWK Set, unknown kid",
        jwt.encode({"sub": "erin", "exp": NOW + 60}, gone, algorithm="HS256",
                   headers={"kid": "gone"}),
        jwks, 1, error="unknown_key_id", hint='the token\'s kid is "gone"',
    )
    case(
        "expired",
        jwt.encode({"sub": "ada", "exp": NOW - 1}, k256, algorithm="HS256"),
        raw256, 1, error="expired", hint="to check at another time pass --now",
    )
    case(
        "not yet valid",
        jwt.encode({"sub": "ada", "nbf": NOW + 120, "exp": NOW + 600}, k256, algorithm="HS256"),
        raw256, 1, error="not_yet_valid",
    )
    case(
        "aud and no --aud",
        jwt.encode({"aud": ["api", "web"], "exp": NOW + 60}, k256, algorithm="HS256"),
        raw256, 1, error="audience_mismatch", hint='the token has aud ["api","web"]: pass --aud api',
    )
    no_exp = jwt.encode({"sub": "ada"}, k256, algorithm="HS256")
    case("no exp", no_exp, raw256, 1, error="missing_claim", hint="--allow-missing-exp")
    case("no exp, allowed", no_exp, raw256, 0, args=["--allow-missing-exp"])
    case(
        "HS512 token, --alg left at HS256",
        jwt.encode({"sub": "ada", "exp": NOW + 60}, k512, algorithm="HS512"),
        raw512, 1, error="invalid_signature", hint="pass --alg HS512",
    )
    header, _, signature = valid.split(".")
    forged_payload = base64.urlsafe_b64encode(json.dumps({**rich, "roles": ["root"]}).encode())
    case(
        "payload swapped",
        ".".join([header, forged_payload.decode().rstrip("="), signature]),
        raw256, 1, args=["--aud", "api"], error="invalid_signature",
    )
    case(
        "openssl-style key read raw",
        cases[1]["token"],
        {"key-file": b64_384["key-file"]}, 2, alg="HS384", error="key_trailing_newline",
        hint="with --key-encoding base64 surrounding whitespace is ignored",
    )

    manifest = {
        "generator": f"PyJWT {jwt.__version__}",
        "now": NOW,
        "cases": cases,
    }
    write("cases.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases from PyJWT {jwt.__version__} in {out}")


if __name__ == "__main__":
    main()
