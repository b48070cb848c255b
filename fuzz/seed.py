#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/seed-*.

Deterministic: run it again and the files come out byte for byte the same. Tokens that must pass
the MAC are signed with the fixed key of fuzz/src/tokens.rs (SECRET).

    python3 fuzz/seed.py
"""
import base64
import hashlib
import hmac
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = b"microjwt fuzzing secret, 32 byte"
assert len(SECRET) == 32


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(header: bytes, payload: bytes, key: bytes = SECRET) -> str:
    signing_input = b64(header) + "." + b64(payload)
    tag = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(tag)


def write(target: str, name: str, data) -> None:
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data)


# RFC 7515 Appendix A.1 (HS256, its own key) and RFC 7519 §6.1 (alg none, unsecured).
RFC7515_A1 = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
RFC7519_NONE = (
    "eyJhbGciOiJub25lIn0"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
)
RFC7519_PAYLOAD = b'{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'

# Payloads behind the MAC (also the `claims` target's inputs).
PAYLOADS = {
    "rfc7519-3.1": RFC7519_PAYLOAD,
    "empty-object": b"{}",
    "exp-future": b'{"exp":4000000000}',
    "exp-past": b'{"exp":1300819380}',
    "exp-fraction": b'{"exp":1700000000.000000001}',
    "exp-exponent": b'{"exp":1.7e9,"nbf":17E8,"iat":1700000000e-0}',
    "exp-string": b'{"exp":"4000000000"}',
    "exp-null": b'{"exp":null}',
    "exp-bool": b'{"exp":true}',
    "exp-negative": b'{"exp":-1}',
    "exp-negative-zero": b'{"exp":-0.0}',
    "exp-tiny-negative": b'{"exp":-1e-400}',
    "exp-u64-max": b'{"exp":18446744073709551615}',
    "exp-2-64": b'{"exp":18446744073709551616}',
    "exp-1e19": b'{"exp":1e19}',
    "exp-1e400": b'{"exp":1e400}',
    "exp-long-fraction": b'{"exp":18446744073709551615.9999999999}',
    "huge-number": b'{"exp":4000000000,"x":1e400,"y":-1e400,"z":123456789012345678901234567890}',
    "escapes": b'{"exp":4000000000,"name":"caf\\u00e9 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t","sub":"\\u0000"}',
    "surrogate-pair": b'{"exp":4000000000,"name":"\\ud83d\\ude00","iss":"\\uD834\\uDD1E"}',
    "lone-surrogate": b'{"exp":4000000000,"name":"\\ud800"}',
    "low-surrogate-first": b'{"exp":4000000000,"name":"\\udc00\\ud800"}',
    "escaped-quote-name": b'{"exp":4000000000,"a\\"b":1}',
    "escaped-registered-name": b'{"\\u0065xp":4000000000,"\\u0069ss":"iss"}',
    "duplicate": b'{"exp":4000000000,"exp":1}',
    "duplicate-escaped": b'{"exp":4000000000,"\\u0065xp":1}',
    "duplicate-nested": b'{"exp":4000000000,"nested":{"a":"x","a":"y"}}',
    "duplicate-custom": b'{"exp":4000000000,"n":1,"n":2}',
    "nesting-32": b'{"exp":4000000000,"x":' + b"[" * 31 + b"]" * 31 + b"}",
    "nesting-33": b'{"exp":4000000000,"x":' + b"[" * 32 + b"]" * 32 + b"}",
    "nesting-40": b'{"exp":4000000000,"x":' + b"[" * 40 + b"]" * 40 + b"}",
    "nesting-100000": b'{"exp":4000000000,"x":' + b"[" * 100000 + b"]" * 100000 + b"}",
    "object-bomb": b'{"x":' * 2000 + b"1" + b"}" * 2000,
    "whitespace": b' \t\r\n{ "exp" : 4000000000 , "sub" : "s" } \n',
    "bom": b"\xef\xbb\xbf{}",
    "trailing-garbage": b'{"exp":1}x',
    "trailing-object": b'{"exp":4000000000}{}',
    "not-object-array": b"[1,2]",
    "not-object-string": b'"x"',
    "not-object-number": b"4000000000",
    "invalid-utf8": b'{"exp":4000000000,"name":"\xff"}',
    "control-char": b'{"exp":4000000000,"name":"a\tb"}',
    "aud-string": b'{"exp":4000000000,"aud":"a"}',
    "aud-array": b'{"exp":4000000000,"aud":["x","b","\\u0061"]}',
    "aud-mixed": b'{"exp":4000000000,"aud":["a",1]}',
    "aud-empty": b'{"exp":4000000000,"aud":[]}',
    "policy-issuer-audience": b'{"exp":1000000001,"iss":"iss","aud":["b"],"nbf":1000000060}',
    "policy-subject-jti": b'{"sub":"s","jti":"j","iat":5,"nbf":1e20}',
    "policy-revoked": b'{"sub":"s","jti":"revoked","iat":6}',
    "iss-number": b'{"exp":4000000000,"iss":1}',
    "borrowed-fields": (
        b'{"exp":4000000000,"iss":"i","sub":"s","name":"n\\u00e9","n":18446744073709551615,'
        b'"i":-2147483648,"f":1.5e300,"b":false,"arr":[1,2,255],"pair":["p",-9223372036854775808],'
        b'"nested":{"a":"\\"","b":null,"c":true},"kind":{"Rec":{"x":-1}}}'
    ),
    "kind-unit": b'{"exp":4000000000,"kind":"Unit"}',
    "kind-unit-null": b'{"exp":4000000000,"kind":{"Unit":null}}',
    "kind-new": b'{"exp":4000000000,"kind":{"New":"x"}}',
    "kind-tup": b'{"exp":4000000000,"kind":{"Tup":[1,2]}}',
    "struct-as-array": b'{"exp":4000000000,"nested":["a",1,true],"kind":{"Rec":[5]},"pair":["p",2]}',
    "kind-two-tags": b'{"exp":4000000000,"kind":{"New":"x","Unit":null}}',
    "numbers": b'{"exp":4000000000,"a":[0,-0,0.0,-0.0,1E+2,1e-2,9007199254740993,-9223372036854775809,5e-324,2.2250738585072014e-308]}',
    "bad-numbers": b'{"exp":4000000000,"a":01}',
    "literals": b'{"exp":4000000000,"t":true,"f":false,"n":null,"x":tru3}',
}

HEADERS = {
    "alg-hs256": b'{"alg":"HS256"}',
    "typ-jwt": b'{"alg":"HS256","typ":"JWT"}',
    "typ-application-jwt": b'{"alg":"HS256","typ":"application/JWT"}',
    "typ-at-jwt": b'{"alg":"HS256","typ":"at+jwt"}',
    "kid-a": b'{"alg":"HS256","kid":"a"}',
    "kid-b": b'{"kid":"b","alg":"HS256"}',
    "kid-escaped-b": b'{"alg":"HS256","kid":"\\u0062"}',
    "kid-unknown": b'{"alg":"HS256","kid":"zzz"}',
    "kid-long": b'{"alg":"HS256","kid":"' + b"k" * 65 + b'"}',
    "kid-number": b'{"alg":"HS256","kid":1}',
    "alg-none": b'{"alg":"none"}',
    "alg-lowercase": b'{"alg":"hs256"}',
    "alg-hs384": b'{"alg":"HS384"}',
    "alg-missing": b'{"typ":"JWT"}',
    "alg-null": b'{"alg":null}',
    "alg-escaped": b'{"alg":"HS\\u0032\\u00356"}',
    "alg-duplicate": b'{"alg":"HS256","alg":"none"}',
    "alg-duplicate-escaped": b'{"alg":"HS256","\\u0061lg":"none"}',
    "crit": b'{"alg":"HS256","crit":["exp"],"exp":1}',
    "crit-b64": b'{"alg":"HS256","b64":false,"crit":["b64"]}',
    "b64-false": b'{"alg":"HS256","b64":false}',
    "cty-jwt": b'{"alg":"HS256","cty":"JWT"}',
    "cty-application-jwt": b'{"alg":"HS256","cty":"application/jwt"}',
    "cty-other": b'{"alg":"HS256","cty":"json"}',
    "nesting-40": b'{"alg":"HS256","x":' + b"[" * 40 + b"]" * 40 + b"}",
    "nesting-100000": b"[" * 100000,
    "whitespace": b' {\n"alg" :\t"HS256" }\r\n',
    "bom": b'\xef\xbb\xbf{"alg":"HS256"}',
    "huge-number": b'{"alg":"HS256","x":1e400}',
    "surrogates": b'{"alg":"HS256","typ":"\\ud83d\\ude00","cty":"\\ud800"}',
    "escaped-quote": b'{"alg":"HS256","typ":"\\"JWT"}',
    "array": b"[]",
    "string": b'"alg"',
    "empty": b"",
    "invalid-utf8": b'{"alg":"HS256\xc3"}',
    "trailing": b'{"alg":"HS256"} {}',
}


def main() -> None:
    # claims: raw payloads.
    for name, payload in PAYLOADS.items():
        write("claims", name, payload)

    # header: raw header JSON.
    for name, header in HEADERS.items():
        write("header", name, header)

    # verify_token: token text.
    hs256 = b'{"alg":"HS256"}'
    write("verify_token", "rfc7515-a1", RFC7515_A1)
    write("verify_token", "rfc7519-none", RFC7519_NONE)
    write("verify_token", "rfc7519-none-sig", RFC7519_NONE + "c2ln")
    for name in ["rfc7519-3.1", "exp-future", "escapes", "surrogate-pair", "duplicate",
                 "duplicate-escaped", "nesting-40", "nesting-100000", "huge-number", "exp-string",
                 "exp-null", "exp-bool", "whitespace", "borrowed-fields", "aud-array"]:
        write("verify_token", "valid-" + name, token(hs256, PAYLOADS[name]))
    payload = PAYLOADS["exp-future"]
    for name in ["crit-b64", "b64-false", "alg-none", "typ-jwt", "kid-a", "cty-jwt"]:
        write("verify_token", "header-" + name, token(HEADERS[name], payload))
    good = token(hs256, payload)
    h, p, s = good.split(".")
    write("verify_token", "wrong-key", token(hs256, payload, b"x" * 32))
    write("verify_token", "padded", h + "==." + p + "." + s + "=")
    write("verify_token", "padded-signature", good + "=")
    write("verify_token", "standard-alphabet", good.replace("-", "+").replace("_", "/"))
    # Non-canonical: the last signature character differs only in bits that carry no data.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(s[-1])
    write("verify_token", "non-canonical-signature", h + "." + p + "." + s[:-1] + alphabet[last | 1])
    write("verify_token", "whitespace", " " + good + "\n")
    write("verify_token", "inner-space", h + ". " + p + "." + s)
    write("verify_token", "four-segments", good + ".e30")
    write("verify_token", "two-segments", h + "." + p)
    write("verify_token", "empty-payload", h + ".." + s)
    write("verify_token", "truncated-signature", good[:-2])
    write("verify_token", "long-signature", good + "AA")
    write("verify_token", "length-4n1", h + "." + p + "A." + s)
    write("verify_token", "too-large", token(hs256, b'{"x":"' + b"a" * 9000 + b'"}'))

    # roundtrip: bytes for the Gen decoder (any bytes are a case).
    rng = random.Random(0x6d6a7774)
    write("roundtrip", "zeros", bytes(64))
    write("roundtrip", "ones", bytes([0xFF]) * 64)
    for i in range(24):
        write("roundtrip", "random-%02d" % i, bytes(rng.randrange(256) for _ in range(rng.randrange(16, 400))))


if __name__ == "__main__":
    main()
