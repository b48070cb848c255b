// Writes jose.json: secret keys exported by node `jose` (exportJWK, and a JWK Set of them) and
// tokens jose signed with them, for tests/keys.rs. Deterministic (fixed secrets and claims).
//
//     npm install jose@6 && node tests/data/jwk/make.mjs
import { exportJWK, SignJWT } from 'jose';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const version = createRequire(import.meta.url)('jose/package.json').version;
const keys = [];
for (const [alg, n] of [['HS256', 32], ['HS384', 48], ['HS512', 64]]) {
  const secret = Uint8Array.from({ length: n }, (_, i) => (i * 13 + n) % 256);
  const jwk = { ...(await exportJWK(secret)), kid: `jose-${alg.toLowerCase()}`, alg, use: 'sig' };
  const claims = { sub: 'jose', exp: 2000000000, alg_used: alg };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' })
    .sign(secret);
  keys.push({ alg, secret_hex: Buffer.from(secret).toString('hex'), jwk, token, claims });
}
const jwks = { keys: keys.map((k) => k.jwk) };
const here = new URL('.', import.meta.url).pathname;
writeFileSync(`${here}jose.json`, JSON.stringify({ generator: `jose ${version}`, keys, jwks }, null, 1) + '\n');
