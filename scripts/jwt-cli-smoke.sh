#!/usr/bin/env bash
# Drives the `jwt` example end to end and checks its exit codes: 0 valid, 1 rejected, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --features std --example jwt
jwt=target/debug/examples/jwt
key=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
expect() { # expect CODE COMMAND...
  local want=$1; shift
  set +e; "$@" >/dev/null 2>&1; local got=$?; set -e
  [ "$got" = "$want" ] || { echo "FAIL: exit $got, wanted $want: $*"; exit 1; }
}
token=$($jwt sign --key-hex "$key" --kid k1 --exp-in 600 '{"sub":"ada","aud":"api","name":"Zoë \"x\""}')
claims=$($jwt verify --key-hex "$key" --aud api "$token")
echo "$claims" | grep -q '"name": "Zoë \\"x\\""' || { echo "FAIL: claims not returned: $claims"; exit 1; }
echo "$token" | $jwt verify --key-hex "$key" --aud api >/dev/null
expect 1 $jwt verify --key-hex "$key" "$token"                        # aud present, none expected
expect 1 $jwt verify --key-hex "$key" --aud api --now 99999999999 "$token"  # expired
expect 1 $jwt verify --alg HS512 --key-hex "$key$key" --aud api "$token"
last=${token: -1}; other=A; [ "$last" = A ] && other=Q   # both keep the tag canonical
expect 1 $jwt verify --key-hex "$key" --aud api "${token%?}$other"
expect 0 $jwt inspect "$token"
expect 2 $jwt verify "$token"                                         # no key
expect 2 $jwt frobnicate
echo "jwt CLI: 9 checks passed"
