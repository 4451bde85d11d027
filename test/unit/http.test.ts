/**
 * src/mcp/http.ts in process, on real loopback listeners: the checks a request meets before and
 * after its credential (Host, Origin, path, bounds on connections and bodies), the options refused
 * before anything starts, and a shutdown that lets calls finish. Requests are sent with node:http
 * so every header (Host included) is the test's own.
 */
import { createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { serveHttp, startHttp, type HttpHandle, type HttpOptions } from '../../src/mcp/http.js';
import type { ServerOptions } from '../../src/mcp/runtime.js';

const OPTIONS: ServerOptions = { sandbox: true, warmup: false, confirmSecret: 'http-unit-test' };
const TOKEN = 'http-unit-token-0123456789';
const handles: HttpHandle[] = [];
const start = async (http: HttpOptions = {}, options: ServerOptions = OPTIONS) => {
  const handle = await startHttp(options, { port: 0, ...http });
  handles.push(handle);
  return handle;
};
afterAll(async () => {
  for (const handle of handles) await handle.close();
});
afterEach(() => vi.unstubAllEnvs());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}
/** One request on its own connection. */
function send(
  port: number,
  o: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: string | string[] } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: o.method ?? 'POST',
        path: o.path ?? '/mcp',
        headers: { host: `127.0.0.1:${port}`, ...o.headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += String(d)));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    const chunks = o.body === undefined ? [] : Array.isArray(o.body) ? o.body : [o.body];
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
const rpc = (method: string, params: unknown = {}, id = 1) => ({ jsonrpc: '2.0', id, method, params });
const INIT = rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'unit', version: '1' } });
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const post = (port: number, body: unknown, headers: OutgoingHttpHeaders = {}) =>
  send(port, { body: JSON.stringify(body), headers: { ...JSON_HEADERS, ...headers } });
const rpcError = (message: string, code = -32000) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

describe('on loopback without a token', () => {
  let h: HttpHandle;
  beforeAll(async () => {
    h = await start({ allowedOrigins: ['https://app.example.com'] });
  });

  it('answers MCP on /mcp (any query), with the url it listens on', async () => {
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/mcp`);
    const answer = await send(h.port, { path: '/mcp?x=1', body: JSON.stringify(INIT), headers: JSON_HEADERS });
    expect(answer.status).toBe(200);
    expect(answer.json.result.serverInfo.name).toBe('ringcentral-mcp');
    const list = await post(h.port, rpc('tools/list'));
    expect(list.json.result.tools.length).toBeGreaterThan(10);
  });

  it('/healthz: ok, what is in flight, connections, the store', async () => {
    const answer = await send(h.port, { method: 'GET', path: '/healthz' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      ok: true,
      inFlight: 0,
      connections: { open: 1, unauthenticated: expect.any(Number) },
      state: { store: expect.stringMatching(/^files in /), reachable: true },
    });
    expect(answer.headers['content-type']).toBe('application/json');
  });

  it('another path: 404, connection closed', async () => {
    const answer = await send(h.port, { path: '/other' });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual(rpcError('not found; the MCP endpoint is /mcp'));
    expect(answer.headers.connection).toBe('close');
  });

  it('Host: loopback names only (DNS rebinding)', async () => {
    for (const host of [
      'localhost',
      `localhost:${h.port}`,
      '127.0.0.1',
      '127.1.2.3:80',
      '127.10.20.30',
      '[::1]',
      `[::1]:${h.port}`,
      'LOCALHOST',
    ])
      expect((await post(h.port, rpc('tools/list'), { host })).status, host).toBe(200);
    for (const host of ['evil.example.com', 'evil.example.com:80', '127.0.0.1.evil.com', '10.0.0.1']) {
      const answer = await post(h.port, rpc('tools/list'), { host });
      expect(answer.status, host).toBe(403);
      expect(answer.json).toEqual(rpcError(`Host ${host} is not allowed`));
      expect(answer.headers.connection).toBe('close');
    }
  });

  it('Origin: local pages and the allowed origins; any other is refused', async () => {
    for (const origin of [
      'http://localhost',
      'http://localhost:5173',
      'https://127.0.0.1:8443',
      'http://127.10.20.30',
      'http://[::1]:3000',
      'https://app.example.com',
    ])
      expect((await post(h.port, rpc('tools/list'), { origin })).status, origin).toBe(200);
    for (const origin of [
      'https://evil.example.com',
      'http://localhost.evil.com',
      'xhttp://localhost',
      'http://localhost:80/path',
      'null',
      'https://app.example.com.evil',
    ]) {
      const answer = await post(h.port, rpc('tools/list'), { origin });
      expect(answer.status, origin).toBe(403);
      expect(answer.json).toEqual(rpcError(`Origin ${origin} is not allowed`));
    }
  });

  it('CORS for the allowed origins only: a preflight is answered, a request carries the headers', async () => {
    const preflight = await send(h.port, { method: 'OPTIONS', headers: { origin: 'https://app.example.com' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      vary: 'origin',
      'access-control-expose-headers': 'mcp-session-id, mcp-protocol-version, www-authenticate',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id',
      'access-control-max-age': '600',
    });
    const answer = await post(h.port, rpc('tools/list'), { origin: 'https://app.example.com' });
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    const local = await send(h.port, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173' } });
    expect(local.headers['access-control-allow-origin']).toBeUndefined();
    expect(local.status).toBe(405);
  });

  it('only POST: 405 saying so', async () => {
    const answer = await send(h.port, { method: 'GET' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect(answer.json).toEqual(rpcError('stateless server: POST JSON-RPC to /mcp'));
  });

  it('a body that is not JSON: 400 parse error', async () => {
    const answer = await send(h.port, { body: '{"jsonrpc":', headers: JSON_HEADERS });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(rpcError('request body is not JSON', -32700));
  });

  it('a batch of more than 16 messages: 400; 16 pass', async () => {
    const batch = (n: number) => Array.from({ length: n }, (_, i) => rpc('tools/list', {}, i + 1));
    const over = await post(h.port, batch(17));
    expect(over.status).toBe(400);
    expect(over.json).toEqual(rpcError('a batch of 17 JSON-RPC messages; at most 16 in one POST', -32600));
    expect((await post(h.port, batch(16))).status).toBe(200);
  });

  it('a body over 1 MiB: 413, declared or streamed; 1 MiB passes the bound', async () => {
    const big = JSON.stringify({ ...rpc('tools/list'), pad: 'x'.repeat(1024 * 1024) });
    const declared = await send(h.port, { body: big, headers: JSON_HEADERS });
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual(rpcError('request body larger than 1048576 bytes'));
    expect(declared.headers.connection).toBe('close');
    const streamed = await send(h.port, {
      body: [big.slice(0, 600_000), big.slice(600_000)],
      headers: { ...JSON_HEADERS, 'transfer-encoding': 'chunked' },
    });
    expect(streamed.status).toBe(413);
    expect(streamed.headers.connection).toBe('close');
    const body = JSON.stringify(rpc('tools/list'));
    const fits = body + ' '.repeat(1024 * 1024 - body.length);
    expect(Buffer.byteLength(fits)).toBe(1024 * 1024);
    expect(
      (await send(h.port, { body: [fits.slice(0, 1000), fits.slice(1000)], headers: { ...JSON_HEADERS, 'transfer-encoding': 'chunked' } }))
        .status,
    ).toBe(200);
  });
});

describe('limits given', () => {
  it('maxBodyBytes and maxBatch', async () => {
    const h = await start({ maxBodyBytes: 1000, maxBatch: 2 });
    const body = JSON.stringify(rpc('tools/list'));
    expect((await send(h.port, { body: body + ' '.repeat(1000 - body.length), headers: JSON_HEADERS })).status).toBe(200);
    expect((await send(h.port, { body: body + ' '.repeat(1001 - body.length), headers: JSON_HEADERS })).json).toEqual(
      rpcError('request body larger than 1000 bytes'),
    );
    expect((await post(h.port, [rpc('tools/list'), rpc('tools/list', {}, 2), rpc('tools/list', {}, 3)])).json.error.message).toBe(
      'a batch of 3 JSON-RPC messages; at most 2 in one POST',
    );
  });

  it('over the connection bound: 503 with retry-after, connection closed; /healthz is not answered either', async () => {
    const h = await start({ maxConnections: 1, maxConnectionsPerAddress: 1 });
    // One connection held open by a request still sending its body.
    const held = httpRequest({
      host: '127.0.0.1',
      port: h.port,
      method: 'POST',
      path: '/mcp',
      headers: { ...JSON_HEADERS, 'content-length': '1000' },
    });
    held.on('error', () => undefined);
    held.write('{');
    await new Promise((r) => setTimeout(r, 100));
    try {
      const answer = await post(h.port, rpc('tools/list'));
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual(rpcError('too many open connections (at most 1, 1 from one address); try again shortly'));
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.headers.connection).toBe('close');
      expect((await send(h.port, { method: 'GET', path: '/healthz' })).status).toBe(503);
    } finally {
      held.destroy();
    }
  });

  it('from the environment: the connection bounds, checked', async () => {
    vi.stubEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS', '0');
    await expect(startHttp(OPTIONS, { port: 0 })).rejects.toThrow('RINGCENTRAL_MCP_MAX_CONNECTIONS must be a whole number >= 1, got "0"');
    vi.stubEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS', '2.5');
    await expect(startHttp(OPTIONS, { port: 0 })).rejects.toThrow('got "2.5"');
    vi.stubEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS', '');
    vi.stubEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS', 'x');
    await expect(startHttp(OPTIONS, { port: 0 })).rejects.toThrow(
      'RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS must be a whole number >= 1, got "x"',
    );
    vi.stubEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS', '1');
    await start();
    vi.stubEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS', '3');
    vi.stubEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS', '7');
    const h = await start();
    const health = await send(h.port, { method: 'GET', path: '/healthz' });
    expect(health.status).toBe(200);
    // The bounds in force show in the refusal a full server gives; 7 and 3 are what was set.
    expect(h.server.maxConnections).toBeGreaterThanOrEqual(7);
    expect(h.server.maxConnections).toBeLessThan(256);
  });
});

describe('with a bearer token', () => {
  it('refuses a missing or wrong token, letting in the right one; a refusal closes the connection', async () => {
    const h = await start({ token: TOKEN });
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`]) {
      const answer = await post(h.port, rpc('tools/list'), authorization ? { authorization } : {});
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual(rpcError('missing or wrong bearer token'));
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(answer.headers.connection).toBe('close');
      // Only a 503 says when to retry.
      expect(answer.headers['retry-after']).toBeUndefined();
    }
    expect((await post(h.port, rpc('tools/list'), { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // The health check needs no token.
    expect((await send(h.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });

  it('takes it from RINGCENTRAL_MCP_HTTP_TOKEN', async () => {
    vi.stubEnv('RINGCENTRAL_MCP_HTTP_TOKEN', TOKEN);
    const h = await start();
    expect((await post(h.port, rpc('tools/list'))).status).toBe(401);
    expect((await post(h.port, rpc('tools/list'), { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('a short token on loopback is served with a warning', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      await start({ token: 'short' });
      await start({ token: '' });
      await start({ token: 'a'.repeat(16) });
    } finally {
      vi.restoreAllMocks();
    }
    expect(lines).toEqual(['ringcentral-mcp: warning: the bearer token has 5 characters; use at least 16 (openssl rand -hex 32)\n']);
  });
});

describe('bound to a public address', () => {
  it('needs a token of at least 16 characters', async () => {
    vi.stubEnv('RINGCENTRAL_MCP_HTTP_TOKEN', '');
    await expect(startHttp(OPTIONS, { host: '0.0.0.0', port: 0 })).rejects.toThrow(
      'refusing to serve on 0.0.0.0 without a bearer token: set RINGCENTRAL_MCP_HTTP_TOKEN, --users or --oauth-issuer (or bind 127.0.0.1)',
    );
    await expect(startHttp(OPTIONS, { host: '0.0.0.0', port: 0, token: 'a'.repeat(15) })).rejects.toThrow(
      'refusing to serve on 0.0.0.0 with a bearer token of 15 characters: use at least 16 (openssl rand -hex 32)',
    );
    expect((await start({ host: '0.0.0.0', token: 'a'.repeat(16) })).port).toBeGreaterThan(0);
  });

  it('any Host behind a gateway when none are listed; else the listed ones, its own address and loopback names', async () => {
    const open = await start({ host: '0.0.0.0', token: TOKEN });
    expect(open.url).toBe(`http://0.0.0.0:${open.port}/mcp`);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post(open.port, rpc('tools/list'), { ...auth, host: 'mcp.example.com' })).status).toBe(200);
    const listed = await start({ host: '0.0.0.0', token: TOKEN, allowedHosts: ['MCP.example.com:443', '[2001:db8::1]'] });
    for (const host of [
      'mcp.example.com',
      'MCP.Example.COM',
      'mcp.example.com:8443',
      '[2001:db8::1]:80',
      '0.0.0.0',
      'localhost',
      '127.0.0.1',
    ])
      expect((await post(listed.port, rpc('tools/list'), { ...auth, host })).status, host).toBe(200);
    for (const host of ['other.example.com', 'example.com', '2001:db8::2'])
      expect((await post(listed.port, rpc('tools/list'), { ...auth, host })).status, host).toBe(403);
  });

  it('reads the allowed hosts and origins from the environment', async () => {
    vi.stubEnv('RINGCENTRAL_MCP_ALLOWED_HOSTS', ' a.example.com , ,b.example.com');
    vi.stubEnv('RINGCENTRAL_MCP_ALLOWED_ORIGINS', 'https://a.example.com, https://b.example.com');
    const h = await start({ host: '0.0.0.0', token: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post(h.port, rpc('tools/list'), { ...auth, host: 'b.example.com' })).status).toBe(200);
    expect((await post(h.port, rpc('tools/list'), { ...auth, host: 'c.example.com' })).status).toBe(403);
    expect((await post(h.port, rpc('tools/list'), { ...auth, host: 'a.example.com', origin: 'https://b.example.com' })).status).toBe(200);
    expect((await post(h.port, rpc('tools/list'), { ...auth, host: 'a.example.com', origin: 'https://c.example.com' })).status).toBe(403);
  });

  it('an IPv6 bind is written in brackets', async () => {
    const h = await start({ host: '[::1]' });
    expect(h.url).toBe(`http://[::1]:${h.port}/mcp`);
  });
});

describe('options refused before anything starts', () => {
  const refused = (http: HttpOptions, options: ServerOptions = OPTIONS) => startHttp(options, { port: 0, ...http });

  it('a port out of range', async () => {
    for (const port of [-1, 65536, 1.5, 'x'])
      await expect(refused({ port }), String(port)).rejects.toThrow(`--port must be 0-65535, got ${String(port)}`);
  });

  it('OAuth settings without an issuer', async () => {
    await expect(refused({ publicUrl: 'https://mcp.example.com/mcp' })).rejects.toThrow(
      '--public-url belongs to OAuth: give --oauth-issuer too, or leave it out',
    );
    await expect(refused({ tenantClaim: 'email' })).rejects.toThrow(
      '--tenant-claim belongs to OAuth: give --oauth-issuer too, or leave it out',
    );
    vi.stubEnv('RINGCENTRAL_MCP_PUBLIC_URL', 'https://mcp.example.com/mcp');
    await expect(refused({})).rejects.toThrow('--public-url belongs to OAuth');
  });

  it('an issuer with a users file, a token or a pinned connection; off loopback, one without a public URL', async () => {
    const issuer = 'https://id.example.com';
    await expect(refused({ oauthIssuer: issuer, users: '/x/users.json' })).rejects.toThrow(
      'give either --oauth-issuer or a users file (--users), not both: with OAuth the identity provider says who each person is',
    );
    await expect(refused({ oauthIssuer: issuer, token: TOKEN })).rejects.toThrow(
      'give either --oauth-issuer or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with OAuth every request carries its own access token',
    );
    await expect(refused({ oauthIssuer: issuer }, { ...OPTIONS, connectionId: 'c1' })).rejects.toThrow(
      '--connection-id (or RINGCENTRAL_CONNECTION_ID) pins one connection for the whole server, but with --oauth-issuer each person acts in their own Membrane tenant: remove it',
    );
    await expect(refused({ oauthIssuer: 'http://id.example.com' })).rejects.toThrow('--oauth-issuer must be an https:// URL');
    await expect(refused({ oauthIssuer: issuer, publicUrl: 'http://mcp.example.com/mcp' })).rejects.toThrow(
      '--public-url must be an https:// URL',
    );
    await expect(refused({ oauthIssuer: issuer, host: '0.0.0.0' })).rejects.toThrow(
      '--oauth-issuer on 0.0.0.0 needs --public-url (or RINGCENTRAL_MCP_PUBLIC_URL): the https URL clients reach the endpoint at, e.g. https://mcp.example.com/mcp',
    );
    vi.stubEnv('RINGCENTRAL_MCP_OAUTH_ISSUER', issuer);
    vi.stubEnv('RINGCENTRAL_MCP_HTTP_TOKEN', TOKEN);
    await expect(refused({})).rejects.toThrow('give either --oauth-issuer or RINGCENTRAL_MCP_HTTP_TOKEN, not both');
    vi.stubEnv('RINGCENTRAL_MCP_HTTP_TOKEN', '');
    vi.stubEnv('RINGCENTRAL_MCP_USERS', '/x/users.json');
    await expect(refused({})).rejects.toThrow('give either --oauth-issuer or a users file (--users), not both');
  });

  it('a users file with a token or a pinned connection, or one that is missing', async () => {
    await expect(refused({ users: '/x/users.json', token: TOKEN })).rejects.toThrow(
      'give either a users file (--users) or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with a users file every token is a user',
    );
    await expect(refused({ users: '/x/users.json' }, { ...OPTIONS, connectionId: 'c1' })).rejects.toThrow(
      `--connection-id (or RINGCENTRAL_CONNECTION_ID) pins one connection for the whole server, but with --users each person acts in their own Membrane tenant: remove it, and pin a person's connection with "connectionId" in their entry of /x/users.json`,
    );
    await expect(refused({ users: '/x/users.json' })).rejects.toThrow('users file /x/users.json is missing');
  });

  it('an unknown toolset', async () => {
    await expect(refused({}, { ...OPTIONS, toolsets: ['nope'] })).rejects.toThrow(/unknown toolset/);
  });
});

describe('shutdown', () => {
  it('healthz says it is going, no new connections are taken, and close resolves once', async () => {
    const h = await startHttp(OPTIONS, { port: 0, drainMs: 2000 });
    expect(h.inFlight()).toBe(0);
    const first = h.close();
    expect(h.close()).toBe(first);
    await first;
    await expect(send(h.port, { method: 'GET', path: '/healthz' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('lets a call in flight finish, answering it with connection: close', async () => {
    const h = await startHttp(OPTIONS, { port: 0, drainMs: 5000 });
    const slow = httpRequest({
      host: '127.0.0.1',
      port: h.port,
      method: 'POST',
      path: '/mcp',
      headers: { ...JSON_HEADERS, 'transfer-encoding': 'chunked' },
    });
    const answered = new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode!, connection: res.headers.connection });
      });
      slow.on('error', reject);
    });
    slow.write(JSON.stringify(rpc('tools/list')).slice(0, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.inFlight()).toBe(1);
    const closed = h.close();
    slow.end(JSON.stringify(rpc('tools/list')).slice(10));
    expect(await answered).toEqual({ status: 200, connection: 'close' });
    await closed;
    expect(h.inFlight()).toBe(0);
  });
});

describe('serveHttp', () => {
  const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  /** Runs `body` with the process's own signal listeners set aside, then removes what serveHttp added and puts them back. */
  async function withSignals(body: (lines: string[], exits: number[]) => Promise<void>) {
    const saved = SIGNALS.map((signal) => [signal, process.listeners(signal)] as const);
    for (const signal of SIGNALS) process.removeAllListeners(signal);
    const lines: string[] = [];
    const exits: number[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    vi.spyOn(process, 'exit').mockImplementation(((code: number) => void exits.push(code)) as typeof process.exit);
    try {
      await body(lines, exits);
    } finally {
      vi.restoreAllMocks();
      for (const [signal, listeners] of saved) {
        process.removeAllListeners(signal);
        for (const listener of listeners) process.on(signal, listener as () => void);
      }
    }
  }
  const until = async (test: () => boolean) => {
    for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('serves until SIGTERM, then finishes and exits 0; a second signal exits 1 at once', async () => {
    await withSignals(async (lines, exits) => {
      await serveHttp(OPTIONS, { port: 0, drainMs: 1000 });
      expect(lines[0]).toMatch(/^ringcentral-mcp: serving Streamable HTTP on http:\/\/127\.0\.0\.1:\d+\/mcp\n$/);
      expect(process.listenerCount('SIGHUP')).toBe(0);
      process.emit('SIGTERM', 'SIGTERM');
      expect(lines[1]).toBe('ringcentral-mcp: SIGTERM: shutting down after 0 in-flight request(s)\n');
      process.emit('SIGINT', 'SIGINT');
      expect(lines[2]).toBe('ringcentral-mcp: SIGINT again, exiting now\n');
      expect(exits).toEqual([1]);
      // The mocked exit returns, so the second handler goes on to close as well: both closes end in exit 0.
      await until(() => exits.length === 3);
      expect(exits).toEqual([1, 0, 0]);
    });
  });

  it('with a users file, SIGHUP re-reads it', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'serve-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(file, JSON.stringify({ users: [] }));
    try {
      await withSignals(async (lines, exits) => {
        await serveHttp(OPTIONS, { port: 0, users: file, drainMs: 1000 });
        expect(process.listenerCount('SIGHUP')).toBe(1);
        const before = lines.length;
        process.emit('SIGHUP', 'SIGHUP');
        expect(lines.slice(before)).toEqual([`ringcentral-mcp: users file ${file}: 0 user(s) in force: (none)\n`]);
        process.emit('SIGINT', 'SIGINT');
        expect(lines.at(-1)).toBe('ringcentral-mcp: SIGINT: shutting down after 0 in-flight request(s)\n');
        await until(() => exits.length === 1);
        expect(exits).toEqual([0]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('with OAuth: the protected-resource document', () => {
  it('is public: any origin, no credential; GET, HEAD and a preflight; nothing else', async () => {
    const issuer = createServer((req, res) => {
      const base = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
      if (req.url === '/.well-known/oauth-authorization-server') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    try {
      const h = await start({ oauthIssuer: `http://127.0.0.1:${(issuer.address() as AddressInfo).port}` });
      const path = '/.well-known/oauth-protected-resource';
      const got = await send(h.port, { method: 'GET', path, headers: { origin: 'https://evil.example.com' } });
      expect(got.status).toBe(200);
      expect(got.json).toMatchObject({ resource: h.url, scopes_supported: ['ringcentral.read', 'ringcentral.write'] });
      expect(got.headers['access-control-allow-origin']).toBe('*');
      expect(got.headers['cache-control']).toBe('max-age=300');
      expect((await send(h.port, { method: 'GET', path: `${path}/mcp` })).status).toBe(200);
      expect((await send(h.port, { method: 'HEAD', path })).status).toBe(200);
      const preflight = await send(h.port, { method: 'OPTIONS', path });
      expect(preflight.status).toBe(204);
      expect(preflight.headers).toMatchObject({
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers': 'authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id',
      });
      const posted = await send(h.port, { method: 'POST', path, body: '{}' });
      expect(posted.status).toBe(405);
      expect(posted.headers.allow).toBe('GET');
      expect(posted.json).toEqual(rpcError('GET the metadata'));
      // The Host check still holds for it.
      expect((await send(h.port, { method: 'GET', path, headers: { host: 'evil.example.com' } })).status).toBe(403);
      // The endpoint without a token: 401 leading to the document.
      const refused = await post(h.port, rpc('tools/list'));
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toContain(`resource_metadata="http://127.0.0.1:${h.port}${path}/mcp"`);
    } finally {
      await new Promise<void>((resolve) => issuer.close(() => resolve()));
    }
  });
});
