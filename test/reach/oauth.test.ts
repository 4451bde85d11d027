/**
 * Issue 22: the HTTP server as an OAuth 2.1 resource server. A real OpenID provider
 * (`oidc-provider`) runs on loopback, shared by the file, with dynamic client registration, PKCE
 * and resource indicators (its access tokens are JWTs for the resource the client names). The MCP
 * SDK's own client completes the whole flow from the server's 401 alone, then lists and calls
 * tools as the person signed in; bad tokens of every kind get 401 with the challenge; a read-only
 * token gets a read-only session; a key rotation at the provider is followed.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttp, type HttpHandle } from '../../dist/src/index.js';
import { httpStartCommand, snippetFor } from '../../dist/src/commands/config.js';
import {
  AccessTokens,
  discoverIssuer,
  limitedFetch,
  MAX_DOCUMENT_BYTES,
  metadataUrls,
  scopesOf,
  tenantKeyOf,
} from '../../dist/src/safety/oauth.js';
import { selectTools } from '../../dist/tools/index.js';
import { makeSandbox, type Sandbox } from '../helpers.js';
import { connectHttp, spawnHttp, textOf, type HttpClient } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const BOTH = 'ringcentral.read ringcentral.write';
/** What each person may be granted at the provider's consent: alice everything, bob reading only. */
const GRANTS: Record<string, string> = { alice: BOTH, bob: 'ringcentral.read' };

interface SigningKey {
  jwk: JWK;
  key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  kid: string;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }, key: privateKey, kid };
}

/** The OpenID provider: one loopback HTTP server whose handler is swapped when its keys rotate. */
interface Idp {
  issuer: string;
  server: Server;
  /** Rebuilds the provider with these signing keys (the first signs), as a rotation would. */
  useKeys(keys: SigningKey[]): void;
  /** Who signs in at the next interaction. */
  person: string;
  /** Every request the provider got (method and path), for the flow's record. */
  seen: string[];
}

async function startIdp(keys: SigningKey[]): Promise<Idp> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  const server = createHttpServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: Idp = { issuer, server, person: 'alice', seen: [], useKeys: () => undefined };
  idp.useKeys = (signing) => {
    const provider = makeProvider(issuer, signing);
    const callback = provider.callback();
    handler = (req, res) => {
      idp.seen.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
      // Like Google's, this provider publishes only its OpenID configuration (no RFC 8414 document).
      if (req.url?.startsWith('/.well-known/oauth-authorization-server')) res.writeHead(404).end();
      else if (req.url?.startsWith('/interaction/')) void interact(provider, idp, req, res);
      else void callback(req, res);
    };
  };
  idp.useKeys(keys);
  return idp;
}

function makeProvider(issuer: string, keys: SigningKey[]): Provider {
  return new Provider(issuer, {
    jwks: { keys: keys.map((k) => k.jwk) },
    cookies: { keys: ['cookie-key-for-tests-only'] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 300 },
    scopes: ['openid', 'ringcentral.read', 'ringcentral.write'],
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        // A JWT access token for the resource the client names (RFC 8707), signed with the current key.
        getResourceServerInfo: (_ctx, resource) => ({
          scope: BOTH,
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });
}

/** The person at the provider's pages: signs in as `idp.person`, then consents to what GRANTS allows them. */
async function interact(provider: Provider, idp: Idp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: idp.person } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
  const missing = (details.prompt.details.missingResourceScopes ?? {}) as Record<string, string[]>;
  const allowed = GRANTS[details.session!.accountId].split(' ');
  for (const [resource, scopes] of Object.entries(missing)) {
    grant.addResourceScope(resource, scopes.filter((s) => allowed.includes(s)).join(' '));
    // What the person may not have is refused, so the provider issues the token without it.
    const refused = scopes.filter((s) => !allowed.includes(s));
    if (refused.length) grant.rejectResourceScope(resource, refused.join(' '));
  }
  if (details.prompt.details.missingOIDCScope) grant.addOIDCScope((details.prompt.details.missingOIDCScope as string[]).join(' '));
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

/** A browser at the provider: follows redirects with its cookies until the client's redirect URL; returns the code. */
async function signIn(authorizationUrl: URL): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizationUrl.href;
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(REDIRECT)) return new URL(url).searchParams.get('code')!;
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider stopped at ${url} with ${res.status}: ${await res.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects at the provider');
}

/** The MCP client's side of OAuth, kept in memory: registration, PKCE verifier, tokens. */
class MemoryOAuthClient implements OAuthClientProvider {
  authorizationUrl?: URL;
  private info?: OAuthClientInformationMixed;
  private saved?: OAuthTokens;
  private verifier = '';
  readonly redirectUrl = REDIRECT;
  readonly clientMetadata = {
    client_name: 'ringcentral-mcp reach test',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  clientInformation = () => this.info;
  saveClientInformation = (info: OAuthClientInformationMixed) => void (this.info = info);
  tokens = () => this.saved;
  saveTokens = (tokens: OAuthTokens) => void (this.saved = tokens);
  redirectToAuthorization = (url: URL) => void (this.authorizationUrl = url);
  saveCodeVerifier = (verifier: string) => void (this.verifier = verifier);
  codeVerifier = () => this.verifier;
}

/** Every request the MCP client made (method, path, status), to show the flow step by step. */
function recordingFetch(record: string[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    record.push(`${init?.method ?? 'GET'} ${url.host === new URL(server.url).host ? 'mcp' : 'idp'} ${url.pathname} ${res.status}`);
    return res;
  };
}

/**
 * The SDK client's OAuth flow for `person`: connect (401), discovery, registration and the
 * authorization URL; the person signs in; finishAuth exchanges the code; a new connection with the token.
 */
async function signedInClient(person: string, record: string[] = []): Promise<{ client: Client; oauth: MemoryOAuthClient }> {
  idp.person = person;
  const oauth = new MemoryOAuthClient();
  const transportOf = () => new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth, fetch: recordingFetch(record) });
  const first = transportOf();
  await expect(new Client({ name: 'oauth-test', version: '1' }).connect(first)).rejects.toThrow(UnauthorizedError);
  record.push(`browser: ${person} signs in and consents`);
  await first.finishAuth(await signIn(oauth.authorizationUrl!));
  const client = new Client({ name: 'oauth-test', version: '1' });
  await client.connect(transportOf());
  return { client, oauth };
}

let sandbox: Sandbox;
let idp: Idp;
let keyA: SigningKey;
let server: HttpHandle;

beforeAll(async () => {
  sandbox = makeSandbox();
  keyA = await signingKey('key-a');
  idp = await startIdp([keyA]);
  // No public URL on loopback: the resource is the address served. No cooldown, so the rotation is seen at once.
  server = await startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, oauthIssuer: idp.issuer, jwksCooldownMs: 0 });
});

afterAll(async () => {
  await server?.close();
  idp?.server.closeAllConnections();
  await new Promise((resolve) => idp?.server.close(resolve));
  sandbox?.cleanup();
});

/** A token as the provider would sign it, with `claims` over a valid baseline. */
async function token(claims: JWTPayload = {}, key: SigningKey = keyA, alg = 'RS256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: idp.issuer, aud: server.url, sub: 'alice', scope: BOTH, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' })
    .sign(key.key);
}

async function post(bearer: string | undefined, body: unknown = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }) {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '', body: await res.text() };
}

const metadataUrl = () => server.url.replace(/\/mcp$/, '/.well-known/oauth-protected-resource/mcp');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('a real MCP client signs in at a real OpenID provider', () => {
  it('from the 401 alone: discovery, registration, code + PKCE, then it lists and calls tools as the person', async () => {
    const record: string[] = [];
    const { client } = await signedInClient('alice', record);
    try {
      expect(record).toEqual([
        'POST mcp /mcp 401',
        'GET mcp /.well-known/oauth-protected-resource/mcp 200',
        'GET idp /.well-known/oauth-authorization-server 404',
        'GET idp /.well-known/openid-configuration 200',
        'POST idp /reg 201',
        'browser: alice signs in and consents',
        // finishAuth discovers again before it exchanges the code (with its PKCE verifier and the resource).
        'GET mcp /.well-known/oauth-protected-resource/mcp 200',
        'GET idp /.well-known/oauth-authorization-server 404',
        'GET idp /.well-known/openid-configuration 200',
        'POST idp /token 200',
        'POST mcp /mcp 200',
        'POST mcp /mcp 202',
      ]);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('ringcentral_send_sms');
      const before = sandbox.argvs().length;
      const result = await client.callTool({ name: 'ringcentral_list_contacts', arguments: { limit: 2 } });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { records: unknown[] }).records).toHaveLength(2);
      // Every CLI run of alice's call carries her tenant.
      const runs = sandbox.argvs().slice(before);
      expect(runs.length).toBeGreaterThan(0);
      for (const argv of runs) expect(argv[argv.indexOf('--tenantKey') + 1]).toBe('alice');
    } finally {
      await client.close();
    }
  });

  it('the protected-resource metadata names the resource, the issuer and the scopes, at both paths', async () => {
    const expected = {
      resource: server.url,
      authorization_servers: [idp.issuer],
      scopes_supported: ['ringcentral.read', 'ringcentral.write'],
      bearer_methods_supported: ['header'],
      resource_name: 'RingCentral (ringcentral-mcp)',
    };
    for (const url of [metadataUrl(), server.url.replace(/\/mcp$/, '/.well-known/oauth-protected-resource')]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toEqual(expected);
    }
    const health = (await (await fetch(server.url.replace(/\/mcp$/, '/healthz'))).json()) as { ok: boolean; oauth: unknown };
    expect(health).toMatchObject({ ok: true, oauth: { issuer: idp.issuer, resource: server.url } });
    const none = await post(undefined);
    expect(none.status).toBe(401);
    expect(none.challenge).toBe(`Bearer scope="${BOTH}", resource_metadata="${metadataUrl()}"`);
  });

  it('a key rotation at the provider: a token signed with the new key is accepted once the key set is fetched again', async () => {
    const keyB = await signingKey('key-b');
    const early = await token({}, keyB);
    expect((await post(early)).status).toBe(401); // not published yet
    idp.useKeys([keyB, keyA]);
    expect((await post(early)).status).toBe(200);
    expect((await post(await token())).status).toBe(200); // the old key is still published
    // A real token from the provider now carries the new key.
    const { client, oauth } = await signedInClient('alice');
    try {
      const header = JSON.parse(Buffer.from(oauth.tokens()!.access_token.split('.')[0], 'base64url').toString()) as { kid: string };
      expect(header.kid).toBe('key-b');
      expect((await client.listTools()).tools.length).toBeGreaterThan(20);
    } finally {
      await client.close();
      idp.useKeys([keyA]);
    }
  });
});

describe('scopes', () => {
  it('a read-only token sees a read-only session: no write tools listed, calling one gets 403 insufficient_scope', async () => {
    const { client, oauth } = await signedInClient('bob');
    try {
      const payload = JSON.parse(Buffer.from(oauth.tokens()!.access_token.split('.')[1], 'base64url').toString()) as JWTPayload;
      expect(payload.scope).toBe('ringcentral.read');
      const listed = (await client.listTools()).tools.map((t) => t.name);
      expect(listed).toEqual(selectTools({ readOnly: true }).map((t) => t.name));
      expect(listed).not.toContain('ringcentral_send_sms');
      const read = await client.callTool({ name: 'ringcentral_list_contacts', arguments: { limit: 1 } });
      expect(read.isError).toBeFalsy();
      const write = await post(oauth.tokens()!.access_token, {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'ringcentral_send_sms', arguments: { to: ['+16505550177'], text: 'no' } },
      });
      expect(write.status).toBe(403);
      expect(write.challenge).toBe(
        `Bearer error="insufficient_scope", error_description="ringcentral_send_sms changes data and the token grants only ringcentral.read", scope="${BOTH}", resource_metadata="${metadataUrl()}"`,
      );
      // The proxy stays, GET only, exactly as --read-only: a POST is refused before any CLI run.
      const spawned = sandbox.spawns();
      const proxy = await client.callTool({
        name: 'ringcentral_api_request',
        arguments: { method: 'POST', path: '/restapi/v1.0/account/~/extension/~/sms', body: '{}' },
      });
      expect(proxy.isError).toBe(true);
      expect(textOf(proxy as never)).toMatch(/"GET"/);
      expect(sandbox.spawns()).toBe(spawned);
    } finally {
      await client.close();
    }
  });

  it('a token with neither scope gets 403 insufficient_scope naming ringcentral.read', async () => {
    const res = await post(await token({ scope: 'openid' }));
    expect(res.status).toBe(403);
    expect(res.challenge).toMatch(/^Bearer error="insufficient_scope", .*scope="ringcentral.read", resource_metadata=/);
  });
});

describe('every bad token gets 401 with the challenge, and no token reaches the log', () => {
  it('expired, not yet valid, wrong audience, wrong issuer, unknown key, alg none, HMAC, tampered, no exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const valid = await token();
    const [head, , signature] = valid.split('.');
    const publicJwk = { kty: keyA.jwk.kty, n: keyA.jwk.n, e: keyA.jwk.e };
    const hmacKey = new TextEncoder().encode(JSON.stringify(publicJwk));
    const cases: Array<[string, string]> = [
      [await token({ exp: now - 120 }), 'the token has expired'],
      [await token({ nbf: now + 120 }), 'the token is not valid yet'],
      [await token({ aud: 'https://other.example.com/mcp' }), `the token was not issued for ${server.url}`],
      [await token({ iss: 'https://other-issuer.example.com' }), `the token was not issued by ${idp.issuer}`],
      [await token({}, await signingKey('unknown-key')), "the token is not signed with one of the issuer's keys"],
      [
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: idp.issuer, aud: server.url, sub: 'alice', scope: BOTH, exp: now + 300 })}.`,
        "the token's signing algorithm is not allowed",
      ],
      [
        await new SignJWT({ iss: idp.issuer, aud: server.url, sub: 'alice', scope: BOTH, exp: now + 300 })
          .setProtectedHeader({ alg: 'HS256', kid: 'key-a' })
          .sign(hmacKey),
        "the token's signing algorithm is not allowed",
      ],
      [
        `${head}.${b64({ iss: idp.issuer, aud: server.url, sub: 'bob', scope: BOTH, exp: now + 300 })}.${signature}`,
        "the token's signature does not verify",
      ],
      [await token({ exp: undefined }), 'the token has no exp claim'],
      ['not-a-jwt', 'the token is not a valid signed JWT'],
    ];
    const logged: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    try {
      for (const [bad, why] of cases) {
        const res = await post(bad);
        expect({ status: res.status, challenge: res.challenge }).toEqual({
          status: 401,
          challenge: `Bearer error="invalid_token", error_description="${why}", scope="${BOTH}", resource_metadata="${metadataUrl()}"`,
        });
      }
    } finally {
      spy.mockRestore();
    }
    const log = logged.join('');
    for (const [bad] of cases) expect(log).not.toContain(bad);
  });

  it('a clock skew of up to 60 s is allowed on exp and nbf', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await post(await token({ exp: now - 30 }))).status).toBe(200);
    expect((await post(await token({ nbf: now + 30 }))).status).toBe(200);
  });
});

describe('each person as themselves', () => {
  it('the subject is the tenant key; one a key cannot hold is mapped to sha256.<hex>', async () => {
    expect(tenantKeyOf('alice@example.com')).toBe('alice@example.com');
    expect(tenantKeyOf('auth0|65f0c3')).toMatch(/^sha256\.[0-9a-f]{64}$/);
    expect(tenantKeyOf('-flag')).toMatch(/^sha256\./);
    expect(tenantKeyOf(tenantKeyOf('auth0|65f0c3'))).not.toBe(tenantKeyOf('auth0|65f0c3'));
    const client = await connectHttp(server.url, await token({ sub: 'auth0|65f0c3' }));
    try {
      const before = sandbox.argvs().length;
      expect((await client.call('ringcentral_list_contacts', { limit: 1 })).isError).toBeFalsy();
      const tenants = new Set(
        sandbox
          .argvs()
          .slice(before)
          .map((argv) => argv[argv.indexOf('--tenantKey') + 1]),
      );
      expect([...tenants]).toEqual([tenantKeyOf('auth0|65f0c3')]);
    } finally {
      await client.close();
    }
  });

  it('a confirmation token issued to one person is refused for another', async () => {
    const sms = { to: ['+16505550177'], text: 'OAuth per-person confirmation' };
    const [alice, carol]: HttpClient[] = await Promise.all([
      connectHttp(server.url, await token({ sub: 'alice' })),
      connectHttp(server.url, await token({ sub: 'carol' })),
    ]);
    try {
      const preview = await alice.call('ringcentral_send_sms', sms);
      expect(preview.structuredContent.status).toBe('confirmation_required');
      const stolen = await carol.call('ringcentral_send_sms', { ...sms, confirmationToken: preview.structuredContent.confirmationToken });
      expect(stolen.isError).toBe(true);
      expect(textOf(stolen)).toMatch(/^confirmation_invalid/);
    } finally {
      await Promise.all([alice.close(), carol.close()]);
    }
  });

  it('a person with no RingCentral connection gets no_connection with their link', async () => {
    const client = await connectHttp(server.url, await token({ sub: 'new-erin' }));
    try {
      const result = await client.call('ringcentral_list_contacts', { limit: 1 });
      expect(result.isError).toBe(true);
      expect(textOf(result).split('\n').slice(0, 2)).toEqual([
        'no_connection: your Membrane tenant "new-erin" has no RingCentral connection yet',
        'Fix: open https://app.sandbox.invalid/connect/ringcentral?tenantKey=new-erin to connect your RingCentral account (hand this link to the person), then call again; or run membrane connection ensure "https://ringcentral.com" --tenantKey new-erin',
      ]);
    } finally {
      await client.close();
    }
  });
});

describe('configuration', () => {
  it('refuses ambiguous or unsafe combinations before anything starts', async () => {
    const base = { sandbox: true, warmup: false, env: sandbox.env };
    const cases: Array<[Parameters<typeof startHttp>[0], Parameters<typeof startHttp>[1], RegExp]> = [
      [base, { port: 0, oauthIssuer: idp.issuer, users: '/tmp/users.json' }, /either --oauth-issuer or a users file/],
      [
        base,
        { port: 0, oauthIssuer: idp.issuer, token: 'a-token-of-enough-length' },
        /either --oauth-issuer or RINGCENTRAL_MCP_HTTP_TOKEN/,
      ],
      [
        { ...base, connectionId: 'con_1' },
        { port: 0, oauthIssuer: idp.issuer },
        /--connection-id .* --oauth-issuer each person acts in their own Membrane tenant/,
      ],
      [base, { port: 0, host: '0.0.0.0', oauthIssuer: idp.issuer }, /needs --public-url/],
      [base, { port: 0, oauthIssuer: 'http://idp.example.com' }, /--oauth-issuer must be an https:\/\/ URL/],
      [base, { port: 0, oauthIssuer: idp.issuer, publicUrl: 'http://mcp.example.com/mcp' }, /--public-url must be an https:\/\/ URL/],
      [base, { port: 0, publicUrl: 'https://mcp.example.com/mcp' }, /--public-url belongs to OAuth/],
      [base, { port: 0, oauthIssuer: `${idp.issuer}/nowhere` }, /cannot read the metadata of the OAuth issuer .*\/nowhere/],
    ];
    for (const [options, http, message] of cases) {
      const outcome = await startHttp(options, http).then(
        async (handle) => {
          await handle.close();
          return 'started';
        },
        (error: Error) => error.message,
      );
      expect(outcome).toMatch(message);
    }
  });

  it('behind a load balancer: the public URL is the resource, and its path names the metadata', async () => {
    const publicUrl = 'https://mcp.example.com/ringcentral/mcp';
    const behind = await startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, oauthIssuer: idp.issuer, publicUrl });
    try {
      const local = behind.url.replace(/\/mcp$/, '');
      const doc = (await (await fetch(`${local}/.well-known/oauth-protected-resource/ringcentral/mcp`)).json()) as { resource: string };
      expect(doc.resource).toBe(publicUrl);
      const res = await fetch(behind.url, { method: 'POST', body: '{}' });
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer scope="${BOTH}", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/ringcentral/mcp"`,
      );
      // A token for the loopback address is not one for the public URL.
      expect((await fetch(behind.url, { method: 'POST', headers: { authorization: `Bearer ${await token()}` }, body: '{}' })).status).toBe(
        401,
      );
    } finally {
      await behind.close();
    }
  });

  it("where an issuer's metadata is looked for, and the scopes as providers write them", () => {
    expect(metadataUrls('https://sso.example.com/realms/acme')).toEqual([
      'https://sso.example.com/.well-known/oauth-authorization-server/realms/acme',
      'https://sso.example.com/realms/acme/.well-known/openid-configuration',
      'https://sso.example.com/.well-known/openid-configuration/realms/acme',
    ]);
    expect(metadataUrls('https://acme.us.auth0.com/')).toEqual([
      'https://acme.us.auth0.com/.well-known/oauth-authorization-server',
      'https://acme.us.auth0.com/.well-known/openid-configuration',
    ]);
    expect([...scopesOf({ scope: 'openid ringcentral.read' })]).toEqual(['openid', 'ringcentral.read']);
    expect([...scopesOf({ scp: ['ringcentral.read', 'ringcentral.write'] })]).toEqual(['ringcentral.read', 'ringcentral.write']);
    expect([...scopesOf({ scp: 'ringcentral.write' })]).toEqual(['ringcentral.write']);
    expect([...scopesOf({ scope: 42 })]).toEqual([]);
  });

  it('the command line: --oauth-issuer and --tenant-claim reach the server, and the 401 leads to the issuer', async () => {
    const child = await spawnHttp(['--sandbox', '--no-warmup', '--oauth-issuer', idp.issuer, '--tenant-claim', 'email'], sandbox.env);
    try {
      const res = await fetch(child.url, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
      const metadata = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '')![1];
      expect(((await (await fetch(metadata)).json()) as { authorization_servers: string[] }).authorization_servers).toEqual([idp.issuer]);
      // The person is named by the email claim: a token without one is refused, naming it.
      const noEmail = await fetch(child.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token({ aud: child.url })}` },
        body: '{}',
      });
      expect(noEmail.headers.get('www-authenticate')).toContain('error_description="the token has no email claim naming the person"');
    } finally {
      await child.stop();
    }
  });

  it("the issuer's documents are fetched with a size limit and a timeout", async () => {
    const big = JSON.stringify({ keys: [{ kty: 'RSA', n: 'x'.repeat(MAX_DOCUMENT_BYTES) }] });
    const hung: ServerResponse[] = [];
    const docs = createHttpServer((req, res) =>
      req.url?.includes('hang') ? hung.push(res) : req.url === '/missing' ? res.writeHead(404).end() : res.end(big),
    );
    await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
    try {
      await expect(limitedFetch()(`${base}/big`)).rejects.toThrow(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
      // A key set too large, or not there: the keys are unavailable (503), the token is not called invalid.
      for (const path of ['/big', '/missing']) {
        const keys = new AccessTokens({ issuer: base, audience: server.url, jwksUri: `${base}${path}` });
        expect(await keys.verify(await token())).toEqual({
          error: 'unavailable',
          description: "the issuer's signing keys cannot be fetched now; try again shortly",
        });
      }
      await expect(discoverIssuer(`${base}/hang`, limitedFetch(), 200)).rejects.toThrow(
        /cannot read the metadata of the OAuth issuer .*due to timeout/,
      );
    } finally {
      for (const res of hung) res.destroy();
      docs.closeAllConnections();
      await new Promise((resolve) => docs.close(resolve));
    }
  });

  it('config http prints the remote-connector entry for clients that speak OAuth: the URL, no header; and the start command', () => {
    const place = {
      oauthIssuer: 'https://acme.us.auth0.com/',
      publicUrl: 'https://mcp.example.com/mcp',
      tenantClaim: 'email',
      host: '0.0.0.0',
    };
    expect(httpStartCommand({}, place)).toMatch(
      / --http --host 0\.0\.0\.0 --oauth-issuer https:\/\/acme\.us\.auth0\.com\/ --public-url https:\/\/mcp\.example\.com\/mcp --tenant-claim email$/,
    );
    expect(
      snippetFor('http', {}, { oauthIssuer: 'https://sso.example.com/realms/acme', publicUrl: 'https://mcp.example.com/mcp' }),
    ).toEqual({
      mcpServers: { ringcentral: { type: 'http', url: 'https://mcp.example.com/mcp' } },
    });
  });
});
