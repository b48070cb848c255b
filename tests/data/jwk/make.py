"""Writes pyjwt.json: JWKs exported by PyJWT (HMACAlgorithm.to_jwk) and tokens PyJWT signed with
them, for tests/keys.rs. Deterministic (fixed secrets, fixed claims).

    pip install pyjwt==2.* && python3 tests/data/jwk/make.py
"""
import json, os
import jwt
from jwt.algorithms import HMACAlgorithm

HERE = os.path.dirname(os.path.abspath(__file__))
out = []
for alg, n in (("HS256", 32), ("HS384", 48), ("HS512", 64)):
    secret = bytes((i * 7 + n) % 256 for i in range(n))
    jwk = json.loads(HMACAlgorithm.to_jwk(secret))
    claims = {"sub": "pyjwt", "exp": 2000000000, "alg_used": alg}
    token = jwt.encode(claims, secret, algorithm=alg, headers={"kid": alg.lower()})
    out.append({"alg": alg, "secret_hex": secret.hex(), "jwk": jwk, "token": token, "claims": claims})
with open(os.path.join(HERE, "pyjwt.json"), "w") as f:
    json.dump({"generator": "PyJWT " + jwt.__version__, "keys": out}, f, indent=1)
    f.write("\n")
