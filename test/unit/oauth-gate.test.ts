/**
 * src/mcp/oauth-gate.ts in process: the resource server's decisions over an issuer served by a
 * real HTTP listener on loopback. Who gets in, with what, and the exact challenge a refused
 * client is led by.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpError, PersonRuntimes, type Caller } from '../../src/mcp/callers.js';
import { checkedUrl, OAuthGate, resourceMetadataUrl, WELL_KNOWN } from '../../src/mcp/oauth-gate.js';
import { Runtime } from '../../src/mcp/runtime.js';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let issuerServer: Server;
let base: string;
let key: PrivateKey;
let jwk: JWK;
let jwksStatus = 200;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  key = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  issuerServer = createServer((req, res) => {
    const issuer = `${base}/realm`;
    if (req.url === '/.well-known/oauth-authorization-server/realm') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer, jwks_uri: `${base}/jwks` }));
    } else if (req.url === '/jwks') {
      res.writeHead(jwksStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => issuerServer.close(() => resolve())));

const PUBLIC = 'https://mcp.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const sign = (claims: JWTPayload, audience = PUBLIC) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(`${base}/realm`)
    .setAudience(audience)
    .setExpirationTime('5m')
    .sign(key);

/** A gate for `publicUrl` ('' for none). */
async function gate(publicUrl = PUBLIC, options = {}) {
  vi.spyOn(Runtime.prototype, 'warmUp').mockImplementation(() => undefined);
  const server = new Runtime({ sandbox: true, warmup: false, confirmSecret: 'oauth-gate-test' });
  const people = new PersonRuntimes(server, { sandbox: true, warmup: false, ...options });
  return {
    gate: await OAuthGate.start({ issuer: `${base}/realm`, publicUrl: publicUrl || undefined }, people, { sandbox: true, ...options }),
    people,
  };
}
const refusal = (caller: Caller | HttpError) => {
  expect(caller).toBeInstanceOf(HttpError);
  const e = caller as HttpError;
  return { status: e.status, message: e.message, code: e.code, headers: e.headers };
};

describe('checkedUrl', () => {
  it('https anywhere, http on loopback only', () => {
    expect(checkedUrl('--x', 'https://id.example.com/realm').href).toBe('https://id.example.com/realm');
    for (const loopback of ['http://127.0.0.1:8080/a', 'http://127.10.20.30/', 'http://127.9.8.7/', 'http://[::1]:9/', 'http://LOCALHOST/'])
      expect(checkedUrl('--x', loopback).protocol).toBe('http:');
    for (const remote of [
      'http://id.example.com/',
      'http://10.0.0.1/',
      'http://127.0.0.1.example.com/',
      'http://localhost.example.com/',
      'http://127.0.0.1.nip.io/',
      'http://xlocalhost/',
      'ftp://127.0.0.1/',
    ])
      expect(() => checkedUrl('--x', remote), remote).toThrow(`--x must be an https:// URL (http:// only on loopback), got ${remote}`);
  });
  it('no fragment, user or password; a URL at all', () => {
    for (const bad of ['https://id.example.com/#f', 'https://u@id.example.com/', 'https://:p@id.example.com/'])
      expect(() => checkedUrl('--y', bad)).toThrow(`--y must have no fragment or credentials, got ${bad}`);
    expect(() => checkedUrl('--y', 'not a url')).toThrow('--y must be a URL, got "not a url"');
  });
});

describe('resourceMetadataUrl', () => {
  it("the well-known path, then the resource's own path", () => {
    expect(WELL_KNOWN).toBe('/.well-known/oauth-protected-resource');
    expect(resourceMetadataUrl('https://mcp.example.com/mcp/')).toBe(METADATA);
    expect(resourceMetadataUrl('https://mcp.example.com')).toBe('https://mcp.example.com/.well-known/oauth-protected-resource');
  });
});

describe('OAuthGate', () => {
  it('does not start without the issuer metadata', async () => {
    const people = new PersonRuntimes(new Runtime({ sandbox: true, warmup: false }), { sandbox: true });
    await expect(OAuthGate.start({ issuer: `${base}/nowhere` }, people, {})).rejects.toThrow(
      /cannot read the metadata of the OAuth issuer/,
    );
  });

  it('publishes the protected-resource document at the well-known path, alone or with the endpoint path', async () => {
    const { gate: g } = await gate();
    expect(g.serverRuns).toBe(false);
    const doc = {
      resource: PUBLIC,
      authorization_servers: [`${base}/realm`],
      scopes_supported: ['ringcentral.read', 'ringcentral.write'],
      bearer_methods_supported: ['header'],
      resource_name: 'RingCentral (ringcentral-mcp)',
    };
    expect(g.document(WELL_KNOWN)).toEqual(doc);
    expect(g.document(`${WELL_KNOWN}/mcp`)).toEqual(doc);
    for (const path of ['/mcp', '/', `${WELL_KNOWN}/other`, '/.well-known/oauth-authorization-server'])
      expect(g.document(path)).toBeUndefined();
    expect(g.health()).toEqual({ ok: true, extra: { oauth: { issuer: `${base}/realm`, resource: PUBLIC } } });
  });

  it('with a public URL of another path, that path too; the listening address does not replace it', async () => {
    const { gate: g } = await gate('https://mcp.example.com/tools/');
    g.listening('http://127.0.0.1:1234/mcp');
    expect(g.document(`${WELL_KNOWN}/tools`)).toMatchObject({ resource: 'https://mcp.example.com/tools/' });
    expect(g.document(`${WELL_KNOWN}/mcp`)).toBeDefined();
    expect(g.health().extra.oauth.resource).toBe('https://mcp.example.com/tools/');
  });

  it('without one, the resource is the address listened on', async () => {
    const { gate: g } = await gate('');
    const local = 'http://127.0.0.1:4321/mcp';
    g.listening(local);
    expect(g.document(WELL_KNOWN)).toMatchObject({ resource: local });
    const person = await g.callerOf(request(`Bearer ${await sign({ sub: 'ann', scope: 'ringcentral.write' }, local)}`));
    expect(person).not.toBeInstanceOf(HttpError);
    const wrongAudience = refusal(await g.callerOf(request(`Bearer ${await sign({ sub: 'ann' })}`)));
    expect(wrongAudience.message).toBe(`the token was not issued for ${local}`);
  });

  it('a request without a token: 401 with the challenge that leads to the metadata', async () => {
    const { gate: g } = await gate();
    for (const header of [undefined, 'Bearer ', 'Basic abc'])
      expect(refusal(await g.callerOf(request(header)))).toEqual({
        status: 401,
        message: 'an access token is required',
        code: -32000,
        headers: { 'www-authenticate': `Bearer scope="ringcentral.read ringcentral.write", resource_metadata="${METADATA}"` },
      });
  });

  it('an invalid token: 401 invalid_token, the description without quotes', async () => {
    const { gate: g } = await gate();
    expect(refusal(await g.callerOf(request('Bearer not.a.jwt')))).toEqual({
      status: 401,
      message: 'the token is not a valid signed JWT',
      code: -32000,
      headers: {
        'www-authenticate': `Bearer error="invalid_token", error_description="the token is not a valid signed JWT", scope="ringcentral.read ringcentral.write", resource_metadata="${METADATA}"`,
      },
    });
    const noPerson = refusal(await g.callerOf(request(`Bearer ${await sign({ scope: 'ringcentral.read' })}`)));
    expect(noPerson.headers['www-authenticate']).toContain('error_description="the token has no sub claim naming the person"');
    const quoted = refusal(await g.callerOf(request(`Bearer ${await sign({ sub: 'ann' }, 'https://elsewhere.example.com/"x\\')}`)));
    expect(quoted.message).toBe(`the token was not issued for ${PUBLIC}`);
  });

  it('a token granting neither scope: 403 insufficient_scope asking for read', async () => {
    const { gate: g } = await gate();
    expect(refusal(await g.callerOf(request(`Bearer ${await sign({ sub: 'ann', scope: 'profile' })}`)))).toEqual({
      status: 403,
      message: 'the token grants neither ringcentral.read nor ringcentral.write',
      code: -32000,
      headers: {
        'www-authenticate': `Bearer error="insufficient_scope", error_description="the token grants neither ringcentral.read nor ringcentral.write", scope="ringcentral.read", resource_metadata="${METADATA}"`,
      },
    });
  });

  it('a read token acts read-only as its person, and a body calling a write tool is refused 403', async () => {
    const { gate: g, people } = await gate();
    const caller = (await g.callerOf(request(`Bearer ${await sign({ sub: 'ann', scope: 'ringcentral.read' })}`))) as Caller;
    expect(caller.runtime).toBe(people.get({ name: 'ann', tenantKey: 'ann' }, true));
    expect(caller.runtime.options.readOnly).toBe(true);
    const call = (name: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } });
    expect(caller.refuseBody!(call('ringcentral_list_messages'))).toBeUndefined();
    expect(caller.refuseBody!({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toBeUndefined();
    expect(caller.refuseBody!({ method: 'other', params: { name: 'ringcentral_send_sms' } })).toBeUndefined();
    expect(caller.refuseBody!(call(5))).toBeUndefined();
    expect(caller.refuseBody!({ method: 'tools/call' })).toBeUndefined();
    expect(caller.refuseBody!(null)).toBeUndefined();
    expect(caller.refuseBody!([null, call('ringcentral_get_message')])).toBeUndefined();
    expect(caller.refuseBody!(call('ringcentral_not_a_tool'))).toBeUndefined();
    const refused = refusal(caller.refuseBody!([call('ringcentral_list_messages'), call('ringcentral_send_sms')])!);
    expect(refused).toEqual({
      status: 403,
      message: 'ringcentral_send_sms changes data and the token grants only ringcentral.read',
      code: -32000,
      headers: {
        'www-authenticate': `Bearer error="insufficient_scope", error_description="ringcentral_send_sms changes data and the token grants only ringcentral.read", scope="ringcentral.read ringcentral.write", resource_metadata="${METADATA}"`,
      },
    });
    expect(refusal(caller.refuseBody!(call('ringcentral_delete_contact'))!).status).toBe(403);
  });

  it('a write token acts fully; the person is the tenant key of the claim', async () => {
    const { gate: g, people } = await gate();
    const caller = (await g.callerOf(request(`Bearer ${await sign({ sub: 'bob', scp: ['ringcentral.write'] })}`))) as Caller;
    expect(caller.runtime).toBe(people.get({ name: 'bob', tenantKey: 'bob' }, false));
    expect(caller.runtime.options.readOnly).toBe(false);
    expect(caller.refuseBody).toBeUndefined();
  });

  it('write tools counted among those the server exposes: a tool left out is not refused by scope', async () => {
    const { gate: g } = await gate(PUBLIC, { tools: ['ringcentral_list_messages'] });
    const caller = (await g.callerOf(request(`Bearer ${await sign({ sub: 'ann', scope: 'ringcentral.read' })}`))) as Caller;
    expect(caller.refuseBody!({ method: 'tools/call', params: { name: 'ringcentral_send_sms' } })).toBeUndefined();
  });

  it("the issuer's keys unavailable: 503, no challenge", async () => {
    jwksStatus = 500;
    try {
      const { gate: g } = await gate();
      expect(refusal(await g.callerOf(request(`Bearer ${await sign({ sub: 'ann', scope: 'ringcentral.read' })}`)))).toEqual({
        status: 503,
        message: "the issuer's signing keys cannot be fetched now; try again shortly",
        code: -32000,
        headers: {},
      });
    } finally {
      jwksStatus = 200;
    }
  });
});
