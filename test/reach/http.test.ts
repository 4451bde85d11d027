/**
 * Streamable HTTP: the SDK's own HTTP client calls tools (a read, a write confirmed with the token
 * flow); bearer token, Host and Origin checks, body limit, /healthz; two instances answer alike
 * and accept each other's confirmation tokens and cursors (stateless); SIGTERM lets an in-flight
 * call finish and exits 0.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttp, type HttpHandle } from '../../dist/src/index.js';
import { fileStoreDir } from '../../dist/src/mcp/runtime.js';
import { makeSandbox, type Sandbox } from '../helpers.js';
import { connectHttp, spawnHttp, textOf, type HttpClient } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'shared-confirm-secret-for-tests';
const SIXTY_DAYS_AGO = new Date(Date.now() - 60 * 86_400_000).toISOString();
const SMS = { to: ['+16505550177'], text: 'Reach test over HTTP' };

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, with any headers (fetch cannot set Host). */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] } = {},
): Promise<Raw> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: options.path ?? u.pathname,
        method: options.method ?? 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

let sandbox: Sandbox;
let a: HttpHandle;
let b: HttpHandle;
let ca: HttpClient;
let cb: HttpClient;

beforeAll(async () => {
  sandbox = makeSandbox();
  // Two instances as a load balancer would see them: same secret, same account (sandbox state).
  const options = { sandbox: true, warmup: false, env: sandbox.env, confirmSecret: SECRET };
  a = await startHttp(options, { port: 0, token: TOKEN });
  b = await startHttp(options, { port: 0, token: TOKEN });
  ca = await connectHttp(a.url, TOKEN);
  cb = await connectHttp(b.url, TOKEN);
});

afterAll(async () => {
  await ca?.close();
  await cb?.close();
  await a?.close();
  await b?.close();
  sandbox?.cleanup();
});

describe('tools over the SDK Streamable HTTP client', () => {
  it('binds a random loopback port and lists the same tools as stdio would', async () => {
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(a.port).toBeGreaterThan(0);
    const { tools } = await ca.client.listTools();
    expect(tools.map((t) => t.name)).toContain('ringcentral_send_sms');
    expect(tools.length).toBeGreaterThan(20);
    expect(ca.client.getServerCapabilities()).toMatchObject({ tools: {}, logging: {}, prompts: {} });
  });

  it('calls a read tool', async () => {
    const result = await ca.call('ringcentral_list_contacts', { limit: 2 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.records).toHaveLength(2);
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
  });

  it('confirms a write with the token flow (no elicitation over stateless HTTP)', async () => {
    const first = await ca.call('ringcentral_send_sms', SMS);
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).toMatchObject({ status: 'confirmation_required', preview: { to: SMS.to, text: SMS.text } });
    const token = first.structuredContent.confirmationToken as string;
    const done = await ca.call('ringcentral_send_sms', { ...SMS, confirmationToken: token });
    expect(done.structuredContent.status).toBe('done');
    const id = String(done.structuredContent.result.id);
    const message = await ca.call('ringcentral_get_message', { messageId: id });
    expect(message.structuredContent.record).toMatchObject({ id: Number(id), direction: 'Outbound', type: 'SMS' });
  });

  it('serves prompts too', async () => {
    const { prompts } = await ca.client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('daily_digest');
  });
});

describe('errors reach SDK clients', () => {
  // The TypeScript SDK client (1.32) checks structuredContent against the listed outputSchema even
  // when isError is set, so an error result must not carry structuredContent of another shape.
  it('an error result is returned as isError to a client that listed the tools, not thrown', async () => {
    await ca.client.listTools();
    const result = await ca.call('ringcentral_get_contact', { contactId: '999999999999' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/not_found|not found/i);
    const invalid = await ca.call('ringcentral_send_sms', { to: ['12'], text: 'x' });
    expect(invalid.isError).toBe(true);
  });
});

describe('guards', () => {
  it('401 without the token, with a wrong one, and the SDK client cannot connect', async () => {
    const none = await raw(a.url, { body: INITIALIZE });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await raw(a.url, { body: INITIALIZE, headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const basic = await raw(a.url, { body: INITIALIZE, headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    await expect(connectHttp(a.url)).rejects.toThrow();
    await expect(connectHttp(a.url, 'nope')).rejects.toThrow();
    const right = await raw(a.url, { body: INITIALIZE, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(JSON.parse(right.body).result.serverInfo.name).toBe('ringcentral-mcp');
  });

  it('403 for a foreign Origin, accepted for a local one', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const evil = await raw(a.url, { body: INITIALIZE, headers: { ...auth, origin: 'https://evil.example.com' } });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatch(/Origin/);
    const nullOrigin = await raw(a.url, { body: INITIALIZE, headers: { ...auth, origin: 'null' } });
    expect(nullOrigin.status).toBe(403);
    const local = await raw(a.url, { body: INITIALIZE, headers: { ...auth, origin: `http://127.0.0.1:${a.port}` } });
    expect(local.status).toBe(200);
    expect(local.headers['access-control-allow-origin']).toBeUndefined(); // no CORS for a page that was not allowed
  });

  it('403 for a foreign Host header (DNS rebinding), before the token is even looked at', async () => {
    for (const host of ['evil.example.com', `evil.example.com:${a.port}`, '10.0.0.1']) {
      const res = await raw(a.url, { body: INITIALIZE, headers: { host, authorization: `Bearer ${TOKEN}` } });
      expect(res.status, host).toBe(403);
      expect(res.body).toMatch(/Host/);
    }
    for (const host of [`localhost:${a.port}`, `127.0.0.1:${a.port}`, `[::1]:${a.port}`]) {
      const res = await raw(a.url, { body: INITIALIZE, headers: { host, authorization: `Bearer ${TOKEN}` } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses to bind a non-loopback address without a token', async () => {
    await expect(startHttp({ sandbox: true, warmup: false }, { host: '0.0.0.0', port: 0, token: '' })).rejects.toThrow(
      /without a bearer token/,
    );
    await expect(startHttp({ sandbox: true, warmup: false }, { host: '0.0.0.0', port: 0, token: 'short' })).rejects.toThrow(/at least 16/);
    const withToken = await startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { host: '0.0.0.0', port: 0, token: TOKEN });
    try {
      // Behind a gateway the Host is the public name; the token is what protects it.
      const res = await raw(`http://127.0.0.1:${withToken.port}/mcp`, {
        body: INITIALIZE,
        headers: { host: 'mcp.example.com', authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
      const noToken = await raw(`http://127.0.0.1:${withToken.port}/mcp`, { body: INITIALIZE, headers: { host: 'mcp.example.com' } });
      expect(noToken.status).toBe(401);
    } finally {
      await withToken.close();
    }
  });

  it('allowedHosts narrows the Host names a public bind accepts; allowedOrigins get CORS', async () => {
    const h = await startHttp(
      { sandbox: true, warmup: false, env: sandbox.env },
      { host: '0.0.0.0', port: 0, token: TOKEN, allowedHosts: ['mcp.example.com'], allowedOrigins: ['https://app.example.com'] },
    );
    try {
      const url = `http://127.0.0.1:${h.port}/mcp`;
      const auth = { authorization: `Bearer ${TOKEN}` };
      expect((await raw(url, { body: INITIALIZE, headers: { ...auth, host: 'mcp.example.com:443' } })).status).toBe(200);
      expect((await raw(url, { body: INITIALIZE, headers: { ...auth, host: 'other.example.com' } })).status).toBe(403);
      const preflight = await raw(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/authorization/);
      const post = await raw(url, { body: INITIALIZE, headers: { ...auth, origin: 'https://app.example.com' } });
      expect(post.status).toBe(200);
      expect(post.headers['access-control-allow-origin']).toBe('https://app.example.com');
    } finally {
      await h.close();
    }
  });

  it('bad options fail at start, not on every request', async () => {
    await expect(startHttp({ sandbox: true, warmup: false, toolsets: ['nope'] }, { port: 0 })).rejects.toThrow(/unknown toolset/);
    await expect(startHttp({ sandbox: true, warmup: false }, { port: 70000 })).rejects.toThrow(/port/);
  });

  it('413 for a body over the limit, declared or streamed', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
    const declared = await raw(a.url, { body: big, headers: auth });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatch(/larger than 1048576 bytes/);
    // Chunked: no content-length, the limit is found while reading.
    const streamed = await raw(a.url, {
      chunks: [Buffer.from('{"jsonrpc":"2.0",'), big.subarray(0, 600_000), big.subarray(600_000)],
      headers: auth,
    });
    expect(streamed.status).toBe(413);
    const small = await startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, maxBodyBytes: 100 });
    try {
      expect((await raw(small.url, { body: INITIALIZE })).status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('400 for a body that is not JSON, 405 for GET, 404 elsewhere', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const bad = await raw(a.url, { body: '{not json', headers: auth });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe(-32700);
    const get = await raw(a.url, { method: 'GET', headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await raw(a.url, { path: '/other', headers: auth })).status).toBe(404);
  });

  it('/healthz answers without a token', async () => {
    const res = await raw(a.url, { method: 'GET', path: '/healthz' });
    expect(res.status).toBe(200);
    // Without --redis-url the state store is this machine's private folder (one instance).
    expect(JSON.parse(res.body)).toEqual({
      ok: true,
      inFlight: 0,
      connections: { open: expect.any(Number), unauthenticated: expect.any(Number) },
      state: { store: `files in ${fileStoreDir()}`, reachable: true },
    });
  });

  it('the CLI refuses --host 0.0.0.0 without RINGCENTRAL_MCP_HTTP_TOKEN', async () => {
    const env = { ...sandbox.env, RINGCENTRAL_MCP_HTTP_TOKEN: '' };
    await expect(spawnHttp(['--sandbox', '--host', '0.0.0.0'], env)).rejects.toThrow(/exited 2[\s\S]*without a bearer token/);
  });
});

describe('stateless: two instances answer alike', () => {
  const same = async (name: string, args: Record<string, unknown>) => {
    const [x, y] = [await ca.call(name, args), await cb.call(name, args)];
    expect(x.isError, textOf(x)).toBeFalsy();
    expect(y.structuredContent).toEqual(x.structuredContent);
    return x.structuredContent;
  };

  it('lists the same tools and prompts', async () => {
    expect((await cb.client.listTools()).tools).toEqual((await ca.client.listTools()).tools);
    expect((await cb.client.listPrompts()).prompts).toEqual((await ca.client.listPrompts()).prompts);
  });

  it('gives identical results for the same reads', async () => {
    await same('ringcentral_list_contacts', { limit: 5 });
    await same('ringcentral_get_call_log', { dateFrom: SIXTY_DAYS_AGO, limit: 5 });
    await same('ringcentral_list_messages', { dateFrom: SIXTY_DAYS_AGO, messageType: 'VoiceMail', limit: 3 });
    await same('ringcentral_get_account_info', {});
  });

  it('a cursor from one instance pages on the other', async () => {
    const first = await ca.call('ringcentral_list_contacts', { limit: 2 });
    const cursor = first.structuredContent.nextCursor as string;
    expect(cursor).toBeTypeOf('string');
    const next = await same('ringcentral_list_contacts', { limit: 2, cursor });
    expect(next.records.map((r: any) => r.id)).not.toEqual(first.structuredContent.records.map((r: any) => r.id));
  });

  it('a confirmation token issued by one instance is accepted by the other', async () => {
    const sms = { to: ['+16505550188'], text: 'Issued by A, confirmed on B' };
    const fromA = await ca.call('ringcentral_send_sms', sms);
    const fromB = await cb.call('ringcentral_send_sms', sms);
    // The same preview; only the token and its expiry differ.
    const strip = ({ confirmationToken: _t, expiresAt: _e, ...rest }: any) => rest;
    expect(strip(fromB.structuredContent)).toEqual(strip(fromA.structuredContent));
    const done = await cb.call('ringcentral_send_sms', { ...sms, confirmationToken: fromA.structuredContent.confirmationToken });
    expect(done.structuredContent.status, textOf(done)).toBe('done');
    // The message is visible through either instance (its delivery status moves on, so compare ids).
    const messageId = String(done.structuredContent.result.id);
    const [onA, onB] = [await ca.call('ringcentral_get_message', { messageId }), await cb.call('ringcentral_get_message', { messageId })];
    expect(onA.structuredContent.record.id).toBe(Number(messageId));
    expect(onB.structuredContent.record.id).toBe(Number(messageId));
    // A repeat on the instance that sent it is not sent twice.
    const again = await cb.call('ringcentral_send_sms', { ...sms, confirmationToken: fromA.structuredContent.confirmationToken });
    expect(again.structuredContent.status).toBe('duplicate');
  });

  it('a delete previewed on B is confirmed on A, and the token is then spent there', async () => {
    const created = await ca.call('ringcentral_create_contact', { firstName: 'Stateless', lastName: 'Probe', mobilePhone: '+16505550166' });
    expect(created.isError, textOf(created)).toBeFalsy();
    const contactId = String(created.structuredContent.result.id);
    const preview = await cb.call('ringcentral_delete_contact', { contactId });
    expect(preview.structuredContent.status).toBe('confirmation_required');
    expect(JSON.stringify(preview.structuredContent.preview)).toContain('Probe');
    const token = preview.structuredContent.confirmationToken as string;
    const done = await ca.call('ringcentral_delete_contact', { contactId, confirmationToken: token });
    expect(done.structuredContent.status, textOf(done)).toBe('done');
    const replay = await ca.request('ringcentral_delete_contact', { contactId, confirmationToken: token });
    expect(replay.isError).toBe(true);
    expect(textOf(replay)).toMatch(/confirmation_invalid.*already used/);
    const gone = await cb.request('ringcentral_get_contact', { contactId });
    expect(gone.isError).toBe(true);
  });

  it('an instance with another secret rejects the token', async () => {
    const other = await startHttp(
      { sandbox: true, warmup: false, env: sandbox.env, confirmSecret: 'another-secret' },
      { port: 0, token: TOKEN },
    );
    const co = await connectHttp(other.url, TOKEN);
    try {
      const sms = { to: ['+16505550189'], text: 'Secret mismatch' };
      const token = (await ca.call('ringcentral_send_sms', sms)).structuredContent.confirmationToken;
      const result = await co.request('ringcentral_send_sms', { ...sms, confirmationToken: token });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/confirmation_invalid/);
    } finally {
      await co.close();
      await other.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM lets an in-flight call finish, refuses new connections, and exits 0', async () => {
    const sb = makeSandbox({ MEMBRANE_SANDBOX_DELAY_MS: '1500' });
    const server = await spawnHttp(['--sandbox', '--no-warmup'], { ...sb.env, RINGCENTRAL_MCP_HTTP_TOKEN: '' });
    try {
      const client = await connectHttp(server.url);
      // Warm: the connection and action ids are resolved, so the slow call is one CLI process.
      expect((await client.call('ringcentral_list_contacts', { limit: 1 })).isError).toBeFalsy();
      sb.setFault('slow');
      const started = Date.now();
      const pending = client.call('ringcentral_list_contacts', { limit: 3 });
      // Wait until the server has the call in hand.
      for (;;) {
        const health = JSON.parse((await raw(server.url, { method: 'GET', path: '/healthz' })).body);
        if (health.inFlight > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      await expect(raw(server.url, { method: 'GET', path: '/healthz' })).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
      const result = await pending;
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent.records).toHaveLength(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toMatch(/SIGTERM: shutting down after 1 in-flight request/);
      await client.close().catch(() => undefined);
    } finally {
      await server.stop();
      sb.cleanup();
    }
  });
});
