/**
 * src/safety/oauth.ts in process: access tokens checked against an issuer's keys served by a real
 * HTTP listener on loopback. Every refusal is exact: a check that goes wrong lets a token in.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessTokens,
  ALGORITHMS,
  CLOCK_SKEW_S,
  discoverIssuer,
  FETCH_TIMEOUT_MS,
  limitedFetch,
  MAX_DOCUMENT_BYTES,
  metadataUrls,
  SCOPES,
  scopesOf,
  tenantKeyOf,
} from '../../src/safety/oauth.js';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;
let key: PrivateKey;
let otherKey: PrivateKey;
let jwk: JWK;

const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  key = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  server = createServer((req, res) => {
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set('/jwks', json({ keys: [jwk] }));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ISSUER = () => `${base}/issuer`;
const AUDIENCE = 'https://mcp.example.com/mcp';
const now = () => Math.floor(Date.now() / 1000);

async function sign(claims: JWTPayload, o: { alg?: string; kid?: string; signWith?: PrivateKey } = {}): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'ES256', kid: o.kid ?? 'k1' });
  if (claims.iss === undefined) jwt = jwt.setIssuer(ISSUER());
  if (claims.aud === undefined) jwt = jwt.setAudience(AUDIENCE);
  if (claims.exp === undefined) jwt = jwt.setExpirationTime('5m');
  return jwt.sign(o.signWith ?? key);
}

const tokens = (jwksPath = '/jwks', extra: { tenantClaim?: string } = {}) =>
  new AccessTokens({ issuer: ISSUER(), audience: AUDIENCE, jwksUri: `${base}${jwksPath}`, ...extra });

describe('constants', () => {
  it('allows public-key algorithms only, 60 s of skew, 256 KiB documents, 5 s fetches', () => {
    expect(ALGORITHMS).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
    expect(CLOCK_SKEW_S).toBe(60);
    expect(MAX_DOCUMENT_BYTES).toBe(262144);
    expect(FETCH_TIMEOUT_MS).toBe(5000);
    expect(SCOPES).toEqual({ read: 'ringcentral.read', write: 'ringcentral.write' });
  });
});

describe('tenantKeyOf', () => {
  const hashed = (claim: string) => `sha256.${createHash('sha256').update(claim, 'utf8').digest('hex')}`;
  it('keeps a claim a key can hold, hashes any other', () => {
    expect(tenantKeyOf('user-1@example.com')).toBe('user-1@example.com');
    expect(tenantKeyOf('A')).toBe('A');
    expect(tenantKeyOf('a'.repeat(128))).toBe('a'.repeat(128));
    for (const claim of ['a'.repeat(129), '-x', '.x', 'a b', 'x y', 'é', 'sha256.abc', '', 'x\n'])
      expect(tenantKeyOf(claim), claim).toBe(hashed(claim));
    expect(tenantKeyOf('sha256x')).toBe('sha256x');
  });
});

describe('scopesOf', () => {
  it('reads scope (space-separated) or scp (a string or a list), dropping empties and non-strings', () => {
    expect([...scopesOf({ scope: 'a  b' })]).toEqual(['a', 'b']);
    expect([...scopesOf({ scp: 'c d' })]).toEqual(['c', 'd']);
    expect([...scopesOf({ scp: ['e', '', 5, 'f'] })]).toEqual(['e', 'f']);
    expect([...scopesOf({ scope: 'g', scp: 'h' })]).toEqual(['g']);
    expect([...scopesOf({})]).toEqual([]);
    expect([...scopesOf({ scope: 7 })]).toEqual([]);
  });
});

describe('metadataUrls', () => {
  it('RFC 8414 first, then OpenID appended, then OpenID inserted for an issuer with a path', () => {
    expect(metadataUrls('https://id.example.com/tenant/')).toEqual([
      'https://id.example.com/.well-known/oauth-authorization-server/tenant',
      'https://id.example.com/tenant/.well-known/openid-configuration',
      'https://id.example.com/.well-known/openid-configuration/tenant',
    ]);
    expect(metadataUrls('https://id.example.com')).toEqual([
      'https://id.example.com/.well-known/oauth-authorization-server',
      'https://id.example.com/.well-known/openid-configuration',
    ]);
  });
});

describe('limitedFetch', () => {
  it('passes a body within the limit with its status and headers', async () => {
    routes.set('/small', (_req, res) => {
      res.writeHead(201, { 'x-test': 'yes' });
      res.end('abcd');
    });
    const response = await limitedFetch(4)(`${base}/small`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-test')).toBe('yes');
    expect(await response.text()).toBe('abcd');
  });
  it('an empty body stays empty', async () => {
    routes.set('/empty', (_req, res) => {
      res.writeHead(200);
      res.end();
    });
    expect(await (await limitedFetch(4)(`${base}/empty`)).text()).toBe('');
  });
  it('refuses a declared length over the limit, and a streamed body that grows over it', async () => {
    routes.set('/declared', (_req, res) => {
      res.writeHead(200, { 'content-length': '5' });
      res.end('abcde');
    });
    await expect(limitedFetch(4)(`${base}/declared`)).rejects.toThrow('larger than 4 bytes');
    routes.set('/streamed', (_req, res) => {
      res.writeHead(200);
      res.write('abc');
      setTimeout(() => res.end('de'), 10);
    });
    await expect(limitedFetch(4)(`${base}/streamed`)).rejects.toThrow('larger than 4 bytes');
    expect(await (await limitedFetch(5)(`${base}/streamed`)).text()).toBe('abcde');
  });
  it('takes 256 KiB by default', async () => {
    routes.set('/big', (_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(MAX_DOCUMENT_BYTES + 1));
    });
    await expect(limitedFetch()(`${base}/big`)).rejects.toThrow(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
  });
});

describe('discoverIssuer', () => {
  it('takes the first place that answers with matching metadata', async () => {
    const issuer = `${base}/d1`;
    const doc = { issuer, jwks_uri: `${base}/jwks`, token_endpoint: `${base}/token` };
    routes.set('/.well-known/oauth-authorization-server/d1', json({ error: 'nope' }, 404));
    routes.set('/d1/.well-known/openid-configuration', json(doc));
    expect(await discoverIssuer(issuer)).toEqual(doc);
  });
  it('fails naming what each place answered', async () => {
    const issuer = `${base}/d2`;
    routes.set('/.well-known/oauth-authorization-server/d2', json({ issuer: `${base}/other`, jwks_uri: `${base}/jwks` }));
    routes.set('/d2/.well-known/openid-configuration', json({ issuer }));
    routes.set('/.well-known/openid-configuration/d2', json({ issuer, jwks_uri: 'file:///etc/keys' }));
    const [a, b, c] = metadataUrls(issuer);
    await expect(discoverIssuer(issuer)).rejects.toThrow(
      `cannot read the metadata of the OAuth issuer ${issuer}: ${a} names the issuer "${base}/other", not ${issuer}; ${b} names no jwks_uri; ${c} names no jwks_uri`,
    );
    routes.set('/.well-known/openid-configuration/d2', json({ issuer, jwks_uri: 'see https://x/jwks' }));
    await expect(discoverIssuer(issuer)).rejects.toThrow(`; ${c} names no jwks_uri`);
    routes.set('/.well-known/openid-configuration/d2', json(null));
    await expect(discoverIssuer(issuer)).rejects.toThrow(`; ${c} names the issuer undefined, not ${issuer}`);
  });
  it('asks for JSON, refuses redirects and non-200 answers', async () => {
    const issuer = `${base}/d3`;
    let accept: string | undefined;
    routes.set('/.well-known/oauth-authorization-server/d3', (req, res) => {
      accept = req.headers.accept;
      res.writeHead(302, { location: `${base}/d3/.well-known/openid-configuration` });
      res.end();
    });
    routes.set('/d3/.well-known/openid-configuration', json({ issuer, jwks_uri: `${base}/jwks` }, 203));
    routes.set('/.well-known/openid-configuration/d3', json({ issuer, jwks_uri: `http://127.0.0.1/jwks` }));
    const found = await discoverIssuer(issuer);
    expect(found.jwks_uri).toBe('http://127.0.0.1/jwks');
    expect(accept).toBe('application/json');
    routes.set('/.well-known/openid-configuration/d3', json({ issuer, jwks_uri: `${base}/jwks` }, 500));
    const [a, b, c] = metadataUrls(issuer);
    const message = await discoverIssuer(issuer).then(
      () => 'found',
      (e: Error) => e.message,
    );
    expect(message).toContain(`; ${b} answered 203; ${c} answered 500`);
    expect(message).not.toContain(`${a} answered`);
  });
  it('gives up on a place after the timeout', async () => {
    const issuer = `${base}/d4`;
    routes.set('/.well-known/oauth-authorization-server/d4', () => {});
    routes.set('/d4/.well-known/openid-configuration', json({ issuer, jwks_uri: `${base}/jwks` }));
    expect((await discoverIssuer(issuer, limitedFetch(), 1000)).issuer).toBe(issuer);
  });
});

describe('AccessTokens.verify', () => {
  it('a valid token: the person, and what the scopes let them do', async () => {
    const t = tokens();
    expect(await t.verify(await sign({ sub: 'ann', scope: 'ringcentral.read' }))).toEqual({
      tenantKey: 'ann',
      canWrite: false,
      canRead: true,
    });
    expect(await t.verify(await sign({ sub: 'ann', scope: 'ringcentral.write' }))).toEqual({
      tenantKey: 'ann',
      canWrite: true,
      canRead: true,
    });
    expect(await t.verify(await sign({ sub: 'ann', scope: 'other' }))).toEqual({ tenantKey: 'ann', canWrite: false, canRead: false });
    expect(await t.verify(await sign({ sub: 'a b' }))).toEqual({ tenantKey: tenantKeyOf('a b'), canWrite: false, canRead: false });
  });

  it('names the person by the configured claim', async () => {
    const t = tokens('/jwks', { tenantClaim: 'email' });
    expect(await t.verify(await sign({ sub: 'ann', email: 'ann@example.com' }))).toMatchObject({ tenantKey: 'ann@example.com' });
    expect(await t.verify(await sign({ sub: 'ann' }))).toEqual({
      error: 'invalid_token',
      description: 'the token has no email claim naming the person',
    });
  });

  it('refuses a token without a person, or with an empty one', async () => {
    const t = tokens();
    for (const claims of [{}, { sub: '' }, { sub: 5 }] as JWTPayload[])
      expect(await t.verify(await sign(claims))).toEqual({
        error: 'invalid_token',
        description: 'the token has no sub claim naming the person',
      });
  });

  it('refuses each failed claim check in words', async () => {
    const t = tokens();
    const refused = async (claims: JWTPayload) => t.verify(await sign({ sub: 'ann', ...claims }));
    expect(await refused({ exp: now() - CLOCK_SKEW_S - 5 })).toEqual({ error: 'invalid_token', description: 'the token has expired' });
    expect(await refused({ nbf: now() + CLOCK_SKEW_S + 30 })).toEqual({
      error: 'invalid_token',
      description: 'the token is not valid yet',
    });
    expect(await refused({ iss: `${base}/someone-else` })).toEqual({
      error: 'invalid_token',
      description: `the token was not issued by ${ISSUER()}`,
    });
    expect(await refused({ aud: 'https://other.example.com/mcp' })).toEqual({
      error: 'invalid_token',
      description: `the token was not issued for ${AUDIENCE}`,
    });
    expect(await refused({ iat: 'yesterday' as unknown as number })).toEqual({
      error: 'invalid_token',
      description: "the token's iat claim is not valid",
    });
    // Within the skew it passes.
    expect(await refused({ exp: now() - CLOCK_SKEW_S + 20, nbf: now() + CLOCK_SKEW_S - 20 })).toMatchObject({ tenantKey: 'ann' });
  });

  it('requires exp', async () => {
    const token = await new SignJWT({ sub: 'ann' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER())
      .setAudience(AUDIENCE)
      .sign(key);
    expect(await tokens().verify(token)).toEqual({ error: 'invalid_token', description: 'the token has no exp claim' });
  });

  it('refuses an HMAC, an unknown key, a bad signature and what is not a JWT', async () => {
    const t = tokens();
    const hmac = await new SignJWT({ sub: 'ann' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISSUER())
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await t.verify(hmac)).toEqual({ error: 'invalid_token', description: "the token's signing algorithm is not allowed" });
    expect(await t.verify(await sign({ sub: 'ann' }, { kid: 'unknown' }))).toEqual({
      error: 'invalid_token',
      description: "the token is not signed with one of the issuer's keys",
    });
    expect(await t.verify(await sign({ sub: 'ann' }, { signWith: otherKey }))).toEqual({
      error: 'invalid_token',
      description: "the token's signature does not verify",
    });
    expect(await t.verify('not.a.jwt')).toEqual({ error: 'invalid_token', description: 'the token is not a valid signed JWT' });
  });

  it('says the keys are unavailable when the key set cannot be had, not that the token is bad', async () => {
    const unavailable = { error: 'unavailable', description: "the issuer's signing keys cannot be fetched now; try again shortly" };
    routes.set('/jwks-500', json({ keys: [jwk] }, 500));
    expect(await tokens('/jwks-500').verify(await sign({ sub: 'ann' }))).toEqual(unavailable);
    routes.set('/jwks-bad', json({ nokeys: true }));
    expect(await tokens('/jwks-bad').verify(await sign({ sub: 'ann' }))).toEqual(unavailable);
    routes.set('/jwks-huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk], pad: 'x'.repeat(MAX_DOCUMENT_BYTES) }));
    });
    expect(await tokens('/jwks-huge').verify(await sign({ sub: 'ann' }))).toEqual(unavailable);
  });
});
