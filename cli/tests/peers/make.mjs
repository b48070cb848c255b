// Writes tokens and keys made by node `jose` 6 (`SignJWT`, `exportJWK`) and by Web Crypto
// (`crypto.subtle.exportKey('jwk')`, which keeps `alg`, `key_ops` and `ext`), and what
// `microjwt verify` must say of each.
//
//     (cd cli/tests/peers && npm ci && node make.mjs)        # rewrites cli/tests/peers/jose/
//     node cli/tests/peers/make.mjs --out /tmp/x             # somewhere else (the live test)
//
// Secrets are derived from fixed labels and every time is fixed (NOW; the tests pass `--now`),
// so a rerun with the same jose writes the same files. `cases.json` has the same shape as
// PyJWT's (see make.py).

import { createHash, webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { SignJWT, exportJWK } from 'jose';

const NOW = 1764547200; // 2025-12-01T00:00:00Z
const here = dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? process.argv[outFlag + 1] : join(here, 'jose');
mkdirSync(out, { recursive: true });
const joseVersion = createRequire(import.meta.url)('jose/package.json').version;

function secret(label, length) {
  let bytes = Buffer.alloc(0);
  for (let counter = 0; bytes.length < length; counter++) {
    const block = createHash('sha512').update(`microjwt-cli/${label}/${counter}`).digest();
    bytes = Buffer.concat([bytes, block]);
  }
  return new Uint8Array(bytes.subarray(0, length));
}

function write(name, text) {
  writeFileSync(join(out, name), text);
  return name;
}

// An HMAC CryptoKey, as a browser or a Web Crypto user holds one.
async function cryptoKey(bytes, hash, usages) {
  return webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, true, usages);
}

// Web Crypto's own JWK export: {"alg":…,"ext":true,"k":…,"key_ops":[…],"kty":"oct"}. (jose's
// exportJWK keeps only kty and k.)
const webJwk = (key) => webcrypto.subtle.exportKey('jwk', key);

const segment = (token, i) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url'));

const k256 = secret('jose/hs256', 32);
const k384 = secret('jose/hs384', 48);
const k512 = secret('jose/hs512', 64);
const k1 = secret('jose/k1', 32);
const k2 = secret('jose/k2', 64);

// exportJWK of a Uint8Array: {"kty":"oct","k":…}.
const jwk256 = { jwk: write('hs256.jwk', JSON.stringify(await exportJWK(k256)) + '\n') };
const key384 = await cryptoKey(k384, 'SHA-384', ['sign', 'verify']);
const jwk384 = { jwk: write('hs384.jwk', JSON.stringify(await webJwk(key384)) + '\n') };
// A key that may only verify: "key_ops":["verify"].
const key512 = await cryptoKey(k512, 'SHA-512', ['verify']);
const jwk512 = {
  jwk: write('hs512-verify-only.jwk', JSON.stringify(await webJwk(key512)) + '\n'),
};
// A set as a service publishes one: jose's export with kid (and alg, use) added, and a Web
// Crypto export with kid added.
const set = {
  keys: [
    { ...(await exportJWK(k1)), kid: 'k1', alg: 'HS256', use: 'sig' },
    { ...(await webJwk(await cryptoKey(k2, 'SHA-512', ['sign', 'verify']))), kid: 'k2' },
  ],
};
const jwks = { jwk: write('jwks.json', JSON.stringify(set, null, 2) + '\n') };

const cases = [];
function add(name, token, key, exit, extra = {}) {
  cases.push({
    name,
    token,
    key,
    alg: extra.alg ?? null,
    args: extra.args ?? [],
    exit,
    header: segment(token, 0),
    payload: segment(token, 1),
    ...(extra.error ? { error: extra.error } : {}),
    ...(extra.hint ? { hint: extra.hint } : {}),
  });
}

const sign = (claims, header, key) => new SignJWT(claims).setProtectedHeader(header).sign(key);

add(
  'hs256, exportJWK of a Uint8Array, every registered claim',
  await new SignJWT({ scope: 'read write', org: { id: 7, tags: ['a'] } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('https://jose.example')
    .setSubject('ada')
    .setAudience(['api', 'web'])
    .setJti('id-1')
    .setIssuedAt(NOW)
    .setNotBefore(NOW - 10)
    .setExpirationTime(NOW + 3600)
    .sign(k256),
  jwk256,
  0,
  { args: ['--aud', 'web', '--iss', 'https://jose.example', '--sub', 'ada', '--require', 'jti'] },
);
add(
  'hs384, Web Crypto JWK (alg, key_ops, ext): the JWK sets --alg',
  await sign({ sub: 'bob', exp: NOW + 60 }, { alg: 'HS384' }, key384),
  jwk384,
  0,
);
add(
  'hs512, a verify-only Web Crypto JWK',
  await sign({ sub: 'carol', exp: NOW + 60 }, { alg: 'HS512' }, k512),
  jwk512,
  0,
);
add(
  'JWK Set, HS256 key k1',
  await sign({ sub: 'dave', exp: NOW + 60 }, { alg: 'HS256', kid: 'k1' }, k1),
  jwks,
  0,
);
add(
  'JWK Set, HS512 key k2 (the set mixes algorithms: --alg)',
  await sign({ sub: 'erin', exp: NOW + 60 }, { alg: 'HS512', kid: 'k2' }, k2),
  jwks,
  0,
  { alg: 'HS512' },
);
add(
  'JWK Set, HS512 key k2 without --alg',
  await sign({ sub: 'erin', exp: NOW + 60 }, { alg: 'HS512', kid: 'k2' }, k2),
  jwks,
  1,
  { error: 'unknown_key_id', hint: 'key "k2" is for HS512: pass --alg HS512' },
);
add(
  'explicit typ at+jwt (RFC 9068)',
  await sign({ sub: 'ada', exp: NOW + 60 }, { alg: 'HS256', typ: 'at+jwt' }, k256),
  jwk256,
  0,
  { args: ['--typ', 'at+jwt'] },
);
add(
  'expired',
  await sign({ sub: 'ada', exp: NOW - 3600 }, { alg: 'HS256' }, k256),
  jwk256,
  1,
  { error: 'expired', hint: 'checked at 2025-12-01T00:00:00Z' },
);
add(
  'HS256 token, a JWK whose alg is HS384',
  await sign({ sub: 'ada', exp: NOW + 60 }, { alg: 'HS256' }, k384),
  jwk384,
  1,
  { error: 'invalid_signature', hint: "the token's header says alg HS256 but the JWK's alg is HS384" },
);
add(
  'aud and no --aud',
  await sign({ aud: 'api', exp: NOW + 60 }, { alg: 'HS256' }, k256),
  jwk256,
  1,
  { error: 'audience_mismatch', hint: 'the token has aud "api": pass --aud api' },
);

write(
  'cases.json',
  JSON.stringify({ generator: `jose ${joseVersion}`, now: NOW, cases }, null, 2) + '\n',
);
console.log(`${cases.length} cases from jose ${joseVersion} in ${out}`);
