import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CID, EXT, NOW, sandbox } from './helpers.js';

const sb = sandbox();
afterAll(() => sb.cleanup());
const F = (f: string) => ({ env: { MEMBRANE_SANDBOX_FAULT: f } });
const V = (v: string) => ({ env: { MEMBRANE_SANDBOX_VARIANT: v } });
const RUN = ['action', 'run', 'get-account-info', '--connectionId', CID, '--json'];
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie (exited, not yet reaped) counts as gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

beforeAll(async () => {
  await sb.ok(['reset', '--json']);
});

describe('faults', () => {
  it('not-logged-in: status says so; commands that need auth fail with not_authenticated', async () => {
    const [st, list, run, req, ver] = await Promise.all([
      sb.run(['status'], F('not-logged-in')),
      sb.run(['connection', 'list', '--json'], F('not-logged-in')),
      sb.run(RUN, F('not-logged-in')),
      sb.run(['request', CID, '/restapi/v1.0/account/~', '--json'], F('not-logged-in')),
      sb.run(['--version'], F('not-logged-in')),
    ]);
    expect(st.stdout).toMatch(/^Not logged in/);
    for (const r of [list, run, req]) {
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ type: 'bad_request', key: 'not_authenticated' });
      expect(r.json.message).toContain('membrane login --tenant');
      expect(r.stderr).toMatch(/^Error: Not authenticated/);
    }
    expect(ver.code).toBe(0);
  });

  it('no-connection: empty list; runs and requests with the id are not_found', async () => {
    const [list, run, req] = await Promise.all([
      sb.ok(['connection', 'list', '--json'], F('no-connection')),
      sb.run(RUN, F('no-connection')),
      sb.run(['request', CID, '/restapi/v1.0/account/~', '--json'], F('no-connection')),
    ]);
    expect(list.items).toEqual([]);
    expect(run.json).toMatchObject({ type: 'bad_request', key: 'not_found' });
    expect(req.json).toMatchObject({ type: 'bad_request', key: 'not_found' });
  });

  it('two-connections: two READY RingCentral connections, both usable', async () => {
    const list = await sb.ok(['connection', 'list', '--json'], F('two-connections'));
    expect(list.items).toHaveLength(2);
    expect(list.items.every((c: any) => c.state === 'READY' && c.integration.key === 'ringcentral')).toBe(true);
    expect(new Set(list.items.map((c: any) => c.id)).size).toBe(2);
    const r = await sb.ok(['action', 'run', 'get-account-info', '--connectionId', list.items[1].id, '--json'], F('two-connections'));
    expect(r.output.id).toBeTypeOf('number');
  });

  it('disconnected: CLIENT_ACTION_REQUIRED with uiUrl; runs fail with connection_is_defunct', async () => {
    const [c, run, req] = await Promise.all([
      sb.ok(['connection', 'get', CID, '--json'], F('disconnected')),
      sb.run(RUN, F('disconnected')),
      sb.run(['request', CID, '/restapi/v1.0/account/~', '--json'], F('disconnected')),
    ]);
    expect(c).toMatchObject({ disconnected: true, state: 'CLIENT_ACTION_REQUIRED', clientAction: { type: 'connect' } });
    expect(c.clientAction.uiUrl).toMatch(/^https:\/\/[a-z.]+\.invalid\//);
    expect(c.clientAction.description).toBeTruthy();
    expect(c.clientAction.agentInstructions).toContain('membrane connect --connectionId');
    for (const r of [run, req]) expect(r.json).toMatchObject({ type: 'connection', key: 'connection_is_defunct' });
  });

  it('building: connection get --wait waits up to --timeout, and returns as soon as the build ends', async () => {
    const t0 = Date.now();
    const c = await sb.ok(['connection', 'get', CID, '--wait', '--timeout', '1', '--json'], F('building'));
    expect(c.state).toBe('BUILDING');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const file = join(sb.dir, 'faults-building');
    writeFileSync(file, 'building');
    // A wait to the end of --timeout (600 s) would outlast the test: READY proves it returned early.
    const pending = sb.ok(['connection', 'get', CID, '--wait', '--timeout', '600', '--json'], {
      env: { MEMBRANE_SANDBOX_FAULT_FILE: file },
    });
    setTimeout(() => writeFileSync(file, ''), 600);
    const done = await pending;
    expect(done.state).toBe('READY');
    const run = await sb.run(RUN, F('building'));
    expect(run.json).toMatchObject({ type: 'connection' });
  });

  it('config-error: CONFIGURATION_ERROR with error.message', async () => {
    const c = await sb.ok(['connection', 'get', CID, '--json'], F('config-error'));
    expect(c.state).toBe('CONFIGURATION_ERROR');
    expect(c.error.message).toBeTruthy();
    const run = await sb.run(RUN, F('config-error'));
    expect(run.code).toBe(1);
    expect(run.json.message).toContain(c.error.message);
  });

  it('rate-limit: 429 for action run (Membrane error) and request (RingCentral body)', async () => {
    const [run, req] = await Promise.all([
      sb.run(RUN, F('rate-limit')),
      sb.run(['request', CID, '/restapi/v1.0/account/~', '--json'], F('rate-limit')),
    ]);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ type: 'connection', key: 'rate_limit_exceeded', data: { response: { status: 429 } } });
    expect(run.json.message).toMatch(/retry after 60 s/);
    expect(run.json.data.response.headers).toMatchObject({
      'Retry-After': '60',
      'X-Rate-Limit-Group': expect.any(String),
      'X-Rate-Limit-Limit': expect.any(String),
      'X-Rate-Limit-Remaining': '0',
      'X-Rate-Limit-Window': '60',
    });
    expect(run.json.data.response.data.errors[0].errorCode).toBe('CMN-301');
    expect(run.json.actionRunId).toMatch(/^arun_/);
    expect(req.code).toBe(1);
    expect(req.json).toMatchObject({ errorCode: 'CMN-301', message: 'Request rate exceeded' });
    expect(req.stderr.trim()).toBe('HTTP 429 CMN-301: Request rate exceeded (Retry-After: 60)');
  });

  it('upstream-error: a RingCentral 4xx inside a dependency_error with actionRunId', async () => {
    const r = await sb.run(RUN, F('upstream-error'));
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ type: 'dependency_error', key: 'upstream_error' });
    expect(r.json.actionRunId).toMatch(/^arun_/);
    const res = r.json.data.response;
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.data.errors[0].errorCode).toMatch(/^[A-Z]{3}-\d{3}$/);
    expect(res.data.errorCode).toBeTruthy();
  });

  it('server-error: Membrane internal error', async () => {
    const r = await sb.run(['connection', 'list', '--json'], F('server-error'));
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ type: 'internal', key: 'internal_error' });
  });

  it('hang: prints nothing and never exits', async () => {
    const t0 = Date.now();
    const r = await sb.run(RUN, { ...F('hang'), killAfter: 700 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(650);
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('');
  });

  it('hang-with-child: reports a live grandchild pid, then hangs', async () => {
    const child = spawn(process.execPath, [BIN, ...RUN], {
      env: { ...sb.env, MEMBRANE_SANDBOX_FAULT: 'hang-with-child' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const pid = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        err += d;
        const m = err.match(/grandchild (\d+)/);
        if (m) resolve(Number(m[1]));
      });
      setTimeout(() => reject(new Error(`no grandchild line: ${err}`)), 5000);
    });
    expect(alive(pid)).toBe(true);
    expect(alive(child.pid!)).toBe(true);
    // Grandchild first, so its parent (the sandbox) reaps it.
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
    expect(alive(child.pid!)).toBe(false);
  });

  it('lingering-child: answers and exits, but a child it left keeps its stdout open', async () => {
    const child = spawn(process.execPath, [BIN, ...RUN], {
      env: { ...sb.env, MEMBRANE_SANDBOX_FAULT: 'lingering-child' },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true, // its own process group, as the server starts the CLI
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    let closed = false;
    child.stdout.on('close', () => (closed = true));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.parse(out)).toMatchObject({ output: { id: expect.anything() } });
    // The CLI is gone, its output is not closed: the lingering child (in its process group) holds it.
    expect(closed).toBe(false);
    const holders = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return (
            readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('setInterval(()=>{},1e9)') &&
            readFileSync(`/proc/${p}/stat`, 'utf8').split(' ')[4] === String(child.pid)
          );
        } catch {
          return false;
        }
      });
    expect(holders).toHaveLength(1);
    process.kill(-child.pid!, 'SIGKILL'); // the child stays in the CLI's process group
    await new Promise((r) => child.stdout.once('close', r));
  });

  it('slow: answers normally after MEMBRANE_SANDBOX_DELAY_MS', async () => {
    const t0 = Date.now();
    const j = await sb.ok(RUN, { env: { MEMBRANE_SANDBOX_FAULT: 'slow', MEMBRANE_SANDBOX_DELAY_MS: '500' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(j.output.id).toBeTypeOf('number');
  });

  it('garbage: non-JSON stdout with exit 0', async () => {
    const r = await sb.run(RUN, F('garbage'));
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it('banner: an update notice line before the JSON', async () => {
    const r = await sb.run(RUN, F('banner'));
    expect(r.code).toBe(0);
    const [first, ...rest] = r.stdout.split('\n');
    expect(first).toMatch(/^Update available 1\.4\.0 -> 1\.5\.0/);
    expect(JSON.parse(rest.join('\n')).output.id).toBeTypeOf('number');
  });

  it('huge: tens of MB of valid JSON from action run and request', async () => {
    const [run, req] = await Promise.all([
      sb.run(['action', 'run', 'list-messages', '--connectionId', CID, '--json'], F('huge')),
      sb.run(['request', CID, `${EXT}/message-store`, '--json'], F('huge')),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(20_000_000);
    expect(run.json.output.records).toHaveLength(100_000);
    expect(run.json.actionRunId).toMatch(/^arun_/);
    expect(req.stdout.length).toBeGreaterThan(20_000_000);
    expect(req.json.records).toHaveLength(100_000);
  });

  it('crash: partial output, then killed by a signal', async () => {
    const r = await sb.run(RUN, F('crash'));
    expect(r.code).toBeNull();
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it('stderr-only: a plain text error on stderr, nothing on stdout, exit 1', async () => {
    const r = await sb.run(RUN, F('stderr-only'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(/^Error: /);
  });

  it('MEMBRANE_SANDBOX_FAULT_FILE is re-read on every invocation; a missing file means no fault', async () => {
    const file = join(sb.dir, 'faults');
    const env = { env: { MEMBRANE_SANDBOX_FAULT_FILE: file } };
    expect((await sb.run(RUN, env)).code).toBe(0);
    writeFileSync(file, ' server-error , banner\n');
    const bad = await sb.run(RUN, env);
    expect(bad.json).toBeUndefined(); // the banner line comes first
    expect(bad.stdout).toContain('"internal_error"');
    writeFileSync(file, '');
    expect((await sb.run(RUN, env)).code).toBe(0);
  });
});

describe('variants', () => {
  it('bare-lists: connection list, action list and search print bare arrays', async () => {
    const [c, a, s] = await Promise.all([
      sb.ok(['connection', 'list', '--json'], V('bare-lists')),
      sb.ok(['action', 'list', '--connectionId', CID, '--limit', '20', '--json'], V('bare-lists')),
      sb.ok(['search', 'ringcentral', '--elementType', 'connector', '--json'], V('bare-lists')),
    ]);
    expect(Array.isArray(c) && c[0].id === CID).toBe(true);
    expect(Array.isArray(a) && a.length === 20).toBe(true);
    expect(Array.isArray(s) && s.length === 1).toBe(true);
  });

  it('unwrapped-output: action run prints the output itself (nothing for deletes)', async () => {
    const j = await sb.ok(RUN, V('unwrapped-output'));
    expect(j.id).toBeTypeOf('number');
    expect(j.output).toBeUndefined();
    const c = await sb.ok(
      ['action', 'run', 'create-contact', '--connectionId', CID, '--input', '{"firstName":"Unwrapped"}', '--json'],
      V('unwrapped-output'),
    );
    const del = await sb.run(
      ['action', 'run', 'delete-contact', '--connectionId', CID, '--input', JSON.stringify({ contactId: String(c.id) }), '--json'],
      V('unwrapped-output'),
    );
    expect(del.code).toBe(0);
    expect(del.stdout).toBe('');
  });

  it('key-only: action ids equal keys and runs by key work', async () => {
    const { items } = await sb.ok(['action', 'list', '--limit', '20', '--json'], V('key-only'));
    expect(items.every((a: any) => a.id === a.key)).toBe(true);
    const j = await sb.ok(
      ['action', 'run', items.find((a: any) => a.key === 'get-account-info').id, '--connectionId', CID, '--json'],
      V('key-only'),
    );
    expect(j.output.id).toBeTypeOf('number');
  });

  it('records-cursor: list actions output {records, cursor?} and page with cursor', async () => {
    const dateFrom = new Date(Date.parse(NOW) - 61 * 86_400_000).toISOString();
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const input = { dateFrom, perPage: 90, ...(cursor ? { cursor } : {}) };
      const j = await sb.ok(
        ['action', 'run', 'list-messages', '--connectionId', CID, '--input', JSON.stringify(input), '--json'],
        V('records-cursor'),
      );
      for (const k of Object.keys(j.output)) expect(['records', 'cursor']).toContain(k);
      expect(j.output.paging).toBeUndefined();
      expect(j.output.records.length).toBeLessThanOrEqual(90);
      seen.push(...j.output.records.map((m: any) => m.id));
      cursor = j.output.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(300);
    const chats1 = await sb.ok(
      ['action', 'run', 'list-chats', '--connectionId', CID, '--input', '{"recordCount":5}', '--json'],
      V('records-cursor'),
    );
    expect(chats1.output.records).toHaveLength(5);
    const chats2 = await sb.ok(
      [
        'action',
        'run',
        'list-chats',
        '--connectionId',
        CID,
        '--input',
        JSON.stringify({ recordCount: 5, cursor: chats1.output.cursor }),
        '--json',
      ],
      V('records-cursor'),
    );
    expect(chats2.output.records[0].id).not.toBe(chats1.output.records[0].id);
    const schema = await sb.ok(['action', 'list', '--intent', 'list-chats', '--limit', '1', '--json'], V('records-cursor'));
    expect(schema.items[0].inputSchema.properties.cursor.description).toBeTruthy();
  });

  it('rest-base: a documented path gets the gateway 404 (AGW-404, exit 1); a path under the base and full RingCentral URLs work', async () => {
    const [twice, under, full, chats, bridge] = await Promise.all([
      sb.run(['request', CID, '/restapi/v1.0/account/~', '--json'], V('rest-base')),
      sb.run(['request', CID, '/account/~/extension/~', '--json'], V('rest-base')),
      sb.run(['request', CID, 'https://platform.sandbox.invalid/restapi/v1.0/account/~/extension/~', '--json'], V('rest-base')),
      sb.run(
        ['request', CID, 'https://platform.sandbox.invalid/team-messaging/v1/chats', '--query', 'recordCount=2', '--json'],
        V('rest-base'),
      ),
      sb.run(
        ['request', CID, 'https://platform.sandbox.invalid/rcvideo/v2/account/~/extension/~/bridges/default', '--json'],
        V('rest-base'),
      ),
    ]);
    expect(twice.code).toBe(1);
    expect(twice.json).toEqual({ errorCode: 'AGW-404', message: 'Resource not found' });
    expect(twice.stderr).toBe('HTTP 404 AGW-404: Resource not found\n');
    expect(under.code).toBe(0);
    // The uri names the real URL on the platform host, from which the base can be learned.
    expect(under.json.uri).toMatch(/^https:\/\/platform\.sandbox\.invalid\/restapi\/v1\.0\/account\/\d+\/extension\/\d+$/);
    expect(full.code).toBe(0);
    expect(full.json).toEqual(under.json);
    expect(chats.code).toBe(0);
    expect(chats.json.records).toHaveLength(2);
    expect(bridge.code).toBe(0);
    expect(bridge.json.type).toBe('PMI');
  });

  it('raw-query: --query values arrive unencoded (+ as a space, & splits, # cuts); by default they arrive intact', async () => {
    const log = join(sb.dir, 'raw-query.log');
    const env = (variant?: string) => ({
      env: { MEMBRANE_SANDBOX_REQUEST_LOG: log, ...(variant ? { MEMBRANE_SANDBOX_VARIANT: variant } : {}) },
    });
    const contacts = `${EXT}/address-book/contact`;
    const args = [
      'request',
      CID,
      contacts,
      '--query',
      'startsWith=A&B',
      '--query',
      'phoneNumber=+16505550123',
      '--query',
      'x=1#2',
      '--query',
      'page=1',
      '--json',
    ];
    const raw = await sb.run(args, env('raw-query'));
    expect(raw.code).toBe(1);
    expect(raw.stderr).toBe('HTTP 400 CMN-101: Parameter [phoneNumber] value is invalid\n');
    expect(raw.json.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'phoneNumber', parameterValue: ' 16505550123' });
    const encoded = await sb.run(args, env());
    expect(encoded.code).toBe(0);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.query, l.status])).toEqual([
      ['startsWith=A&B&phoneNumber=+16505550123&x=1', 400],
      ['startsWith=A%26B&phoneNumber=%2B16505550123&x=1%232&page=1', 200],
    ]);
  });

  it('partial-schemas: actions declare only some properties; what they do not declare is dropped', async () => {
    const [listed, msg] = await Promise.all([
      sb.ok(['action', 'list', '--limit', '50', '--json'], V('partial-schemas')),
      sb.ok(['request', CID, `${EXT}/message-store`, '--query', 'perPage=1', '--json']),
    ]);
    const props = (key: string) => Object.keys(listed.items.find((a: any) => a.key === key).inputSchema.properties);
    expect(props('get-message')).toEqual(['messageId']);
    expect(props('list-messages')).toEqual(['messageType', 'dateFrom', 'dateTo', 'page', 'perPage']);
    expect(props('send-sms')).toEqual(['from', 'to', 'text']);
    expect(listed.items.find((a: any) => a.key === 'get-message').inputSchema.required).toEqual(['messageId']);
    const id = String(msg.records[0].id);
    // extensionId is not declared: dropped, so a bad one neither fails nor applies.
    const got = await sb.ok(
      ['action', 'run', 'get-message', '--connectionId', CID, '--input', JSON.stringify({ messageId: id, extensionId: 'nope' }), '--json'],
      V('partial-schemas'),
    );
    expect(String(got.output.id)).toBe(id);
    const [inbound, dropped] = await Promise.all([
      sb.ok(['action', 'run', 'list-messages', '--connectionId', CID, '--input', '{"direction":["Inbound"]}', '--json']),
      sb.ok(
        ['action', 'run', 'list-messages', '--connectionId', CID, '--input', '{"direction":["Inbound"]}', '--json'],
        V('partial-schemas'),
      ),
    ]);
    expect(new Set(inbound.output.records.map((m: any) => m.direction))).toEqual(new Set(['Inbound']));
    expect(new Set(dropped.output.records.map((m: any) => m.direction))).toEqual(new Set(['Inbound', 'Outbound']));
  });

  it('request-exit-zero: a RingCentral 4xx still prints the body but exits 0', async () => {
    const r = await sb.run(['request', CID, '/restapi/v1.0/nope', '--json'], V('request-exit-zero'));
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ errorCode: 'AGW-404', message: 'Resource not found' });
  });
});
