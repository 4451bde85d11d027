import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, VARIANTS } from '../../src/sandbox/env.js';
import { ACTIONS } from '../../src/sandbox/actions/catalog.js';
import { ACTION_KEYS } from '../registry.js';
import { CID, ROOT, sandbox } from './helpers.js';

const sb = sandbox({}, { inProcess: true });
afterAll(() => sb.cleanup());
beforeAll(async () => {
  await sb.ok(['reset', '--json']);
});

describe('basic commands', () => {
  it('--version prints a semver and --help documents every command', async () => {
    const [v, h] = await Promise.all([sb.run(['--version']), sb.run(['--help'])]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(h.code).toBe(0);
    for (const c of [
      'status',
      'login',
      'connection list',
      'connection get',
      'connection ensure',
      'connect',
      'search',
      'action list',
      'action run',
      'action-run-log get',
      'request',
      'reset',
    ]) {
      expect(h.stdout).toContain(c);
    }
  });

  it('--help and the README name every fault and variant', async () => {
    const help = (await sb.run(['--help'])).stdout;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const readmeLine = (label: string) => readme.split('\n').find((line) => line.startsWith(`${label}: `)) ?? '';
    expect(help).toContain(`Faults (MEMBRANE_SANDBOX_FAULT, comma-separated): ${FAULTS.join(', ')}.`);
    expect(help).toContain(`Variants (MEMBRANE_SANDBOX_VARIANT, comma-separated): ${VARIANTS.join(', ')}.`);
    for (const fault of FAULTS) expect(readmeLine('Faults'), fault).toContain(`\`${fault}\``);
    for (const variant of VARIANTS) expect(readmeLine('Variants (shapes the public docs leave open)'), variant).toContain(`\`${variant}\``);
  });

  it('status says Logged in (text and --json); login says it is a sandbox', async () => {
    const [s, sj, l] = await Promise.all([sb.run(['status']), sb.run(['status', '--json']), sb.run(['login', '--tenant'])]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^Logged in/);
    expect(sj.json).toMatchObject({ loggedIn: true, status: 'Logged in', sandbox: true });
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/sandbox/i);
  });

  it('connection list returns one READY RingCentral connection', async () => {
    const j = await sb.ok(['connection', 'list', '--json']);
    expect(j.items).toHaveLength(1);
    const c = j.items[0];
    expect(c).toMatchObject({
      id: CID,
      name: 'RingCentral',
      key: 'ringcentral',
      state: 'READY',
      disconnected: false,
      integration: { key: 'ringcentral', name: 'RingCentral' },
    });
    expect(c.integration.id).toBeTruthy();
    expect(Date.parse(c.createdAt)).toBeGreaterThan(0);
    expect(Date.parse(c.updatedAt)).toBeGreaterThan(0);
    expect(c.clientAction).toBeUndefined();
    expect(j.cursor).toBeUndefined();
  });

  it('connection list takes --search, --limit and --cursor', async () => {
    const two = { env: { MEMBRANE_SANDBOX_FAULT: 'two-connections' } };
    const [hit, miss, p1] = await Promise.all([
      sb.ok(['connection', 'list', '--search', 'ring', '--json']),
      sb.ok(['connection', 'list', '--search=salesforce', '--json']),
      sb.ok(['connection', 'list', '--limit', '1', '--json'], two),
    ]);
    expect(hit.items).toHaveLength(1);
    expect(miss.items).toEqual([]);
    expect(p1.items).toHaveLength(1);
    const p2 = await sb.ok(['connection', 'list', '--limit', '1', '--cursor', p1.cursor, '--json'], two);
    expect(p2.items).toHaveLength(1);
    expect(p2.items[0].id).not.toBe(p1.items[0].id);
    expect(p2.cursor).toBeUndefined();
  });

  it('connection get works by id and by key; unknown is not_found', async () => {
    const [byId, byKey, missing] = await Promise.all([
      sb.ok(['connection', 'get', CID, '--json']),
      sb.ok(['connection', 'get', 'ringcentral', '--json']),
      sb.run(['connection', 'get', 'nope', '--json']),
    ]);
    expect(byId.id).toBe(CID);
    expect(byKey.id).toBe(CID);
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ type: 'bad_request', key: 'not_found' });
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('connection get --wait on a READY connection returns at once', async () => {
    // A wait of 600 s would outlast the test's own timeout: returning at all proves it did not wait.
    const j = await sb.ok(['connection', 'get', CID, '--wait', '--timeout', '600', '--json']);
    expect(j.state).toBe('READY');
  });

  it('connection ensure, search and connect find the RingCentral connector', async () => {
    const [ens, bad, srch, srch2, con1, con2, con3, conBad] = await Promise.all([
      sb.ok(['connection', 'ensure', 'RingCentral', '--json']),
      sb.run(['connection', 'ensure', 'https://example.org', '--json']),
      sb.ok(['search', 'ringcentral', '--elementType', 'connector', '--json']),
      sb.ok(['search', 'salesforce', '--elementType=connector', '--json']),
      sb.ok(['connect', '--connectorId=cnr_sbx_ringcentral', '--json']),
      sb.ok(['connect', '--connectorKey', 'ringcentral', '--json']),
      sb.ok(['connect', '--connectionId', CID, '--json']),
      sb.run(['connect', '--json']),
    ]);
    expect(ens.id).toBe(CID);
    expect(bad.json).toMatchObject({ type: 'bad_request', key: 'not_found' });
    expect(srch.items).toHaveLength(1);
    expect(srch.items[0]).toMatchObject({ id: 'cnr_sbx_ringcentral', key: 'ringcentral', name: 'RingCentral' });
    expect(srch2.items).toEqual([]);
    for (const c of [con1, con2, con3]) expect(c).toMatchObject({ id: CID, state: 'READY' });
    expect(conBad.code).toBe(2);
  });
});

describe('action list', () => {
  it('lists its catalog, every action a tool names among them, in a stable order, 10 by default, with an opaque cursor', async () => {
    // Two pages of 10 at most: the catalog holds between 11 and 20 actions.
    expect(ACTIONS.length).toBeGreaterThan(10);
    expect(ACTIONS.length).toBeLessThanOrEqual(20);
    const p1 = await sb.ok(['action', 'list', '--connectionId', CID, '--json']);
    expect(p1.items).toHaveLength(10);
    expect(typeof p1.cursor).toBe('string');
    const p2 = await sb.ok(['action', 'list', '--connectionId', CID, '--cursor', p1.cursor, '--json']);
    expect(p2.items).toHaveLength(ACTIONS.length - 10);
    expect(p2.cursor).toBeUndefined();
    const keys = [...p1.items, ...p2.items].map((a: any) => a.key);
    expect([...keys].sort()).toEqual(ACTIONS.map((a) => a.key).sort());
    expect(keys).toEqual(expect.arrayContaining([...ACTION_KEYS]));
    const all = await sb.ok(['action', 'list', '--connectionId', CID, '--limit', '50', '--json']);
    expect(all.items.map((a: any) => a.key)).toEqual(keys);
  });

  it('every action has an id distinct from its key, a described input schema and an output schema', async () => {
    const { items } = await sb.ok(['action', 'list', '--limit=50', '--json']);
    const ids = new Set<string>();
    for (const a of items) {
      expect(a.id).toMatch(/^act_[0-9a-f]{12}$/);
      expect(a.id).not.toBe(a.key);
      ids.add(a.id);
      expect(a).toMatchObject({ integrationKey: 'ringcentral' });
      expect(a.name).toBeTruthy();
      expect(a.description.length).toBeGreaterThan(20);
      expect(a.inputSchema.type).toBe('object');
      expect(a.outputSchema).toBeTypeOf('object');
      for (const [k, p] of Object.entries<any>(a.inputSchema.properties)) {
        expect(p.description, `${a.key}.${k}`).toBeTruthy();
      }
    }
    expect(ids.size).toBe(ACTIONS.length);
    const sms = items.find((a: any) => a.key === 'send-sms');
    expect(sms.inputSchema.required).toEqual(['from', 'to', 'text']);
    const again = await sb.ok(['action', 'list', '--limit=50', '--json']);
    expect(again.items.map((a: any) => a.id)).toEqual(items.map((a: any) => a.id));
  });

  it('--intent ranks by relevance; an exact key comes first', async () => {
    const [sms, exact, contacts, none] = await Promise.all([
      sb.ok(['action', 'list', '--connectionId', CID, '--intent', 'send a text message', '--json']),
      sb.ok(['action', 'list', '--connectionId', CID, '--intent', 'get-contact', '--json']),
      sb.ok(['action', 'list', '--connectionId', CID, '--intent=list my contacts', '--limit', '3', '--json']),
      sb.ok(['action', 'list', '--connectionId', CID, '--intent', 'zzzz qqqq', '--json']),
    ]);
    expect(sms.items[0].key).toBe('send-sms');
    expect(exact.items[0].key).toBe('get-contact');
    expect(contacts.items[0].key).toBe('list-contacts');
    expect(contacts.items.length).toBeLessThanOrEqual(3);
    expect(none.items).toEqual([]);
  });

  it('--connectionKey works and an unknown connection is not_found', async () => {
    const [k, bad] = await Promise.all([
      sb.ok(['action', 'list', '--connectionKey', 'ringcentral', '--limit', '1', '--json']),
      sb.run(['action', 'list', '--connectionId', 'con_nope', '--json']),
    ]);
    expect(k.items).toHaveLength(1);
    expect(bad.code).toBe(1);
    expect(bad.json.key).toBe('not_found');
  });
});

describe('action-run-log get', () => {
  const log = (id: string, ...flags: string[]) => sb.run(['action-run-log', 'get', id, ...flags, '--json']);

  it('answers a recorded run: its outcome, and with --details its input and output', async () => {
    const input = { perPage: 1 };
    const run = await sb.act('list-contacts', input);
    const id = run.json.actionRunId as string;
    const outcome = await log(id);
    expect(outcome.code).toBe(0);
    expect(outcome.json).toEqual({
      id,
      status: 'success',
      action: 'list-contacts',
      connectionId: CID,
      createdAt: '2026-03-01T12:00:00.000Z',
    });
    const details = await log(id, '--details');
    expect(details.json).toEqual({ ...outcome.json, input, output: run.json.output });
  });

  it('answers a failed run with its error and the app’s raw answer', async () => {
    const run = await sb.act('send-sms', { from: { phoneNumber: '+16505550199' }, to: [{ phoneNumber: '+16505550123' }], text: 'x' });
    expect(run.code).toBe(1);
    const id = run.json.actionRunId as string;
    const details = (await log(id, '--details')).json;
    expect(details.status).toBe('error');
    expect(details.error).toEqual({ type: run.json.type, key: run.json.key, message: run.json.message });
    expect(details.response).toEqual(run.json.data.response);
    expect((await log(id)).json.response).toBeUndefined();
  });

  it('keeps int64 ids exact (big-ids variant)', async () => {
    const variant = { env: { MEMBRANE_SANDBOX_VARIANT: 'big-ids' } };
    const run = await sb.act('list-contacts', { perPage: 2 }, variant);
    const ids = [...run.stdout.matchAll(/"id":(\d{19})/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    const details = await sb.run(['action-run-log', 'get', run.json.actionRunId, '--details', '--json'], variant);
    for (const id of ids) expect(details.stdout).toContain(`"id":${id}`);
  });

  it('an unknown run is not found (exit 1, a Membrane error); a missing id is a usage error', async () => {
    const r = await log('arun_0123456789abcdef');
    expect(r.code).toBe(1);
    expect(r.json).toEqual({
      type: 'bad_request',
      key: 'not_found',
      message: "Action run 'arun_0123456789abcdef' not found (the sandbox keeps the runs since its last reset)",
    });
    const usage = await sb.run(['action-run-log', 'get']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: membrane action-run-log get <actionRunId> \[--details\]/);
  });

  it('reset forgets the runs', async () => {
    const id = (await sb.act('get-account-info')).json.actionRunId as string;
    expect((await log(id)).code).toBe(0);
    await sb.ok(['reset', '--json']);
    expect((await log(id)).code).toBe(1);
  });
});

describe('argument parsing', () => {
  it('accepts flags in any position, --flag=value, and the workspace and tenant flags', async () => {
    const a = await sb.ok(['--json', 'action', '--input={}', 'run', '--connectionId', CID, 'get-account-info']);
    expect(a.output.id).toBeTypeOf('number');
    const { items } = await sb.ok(['connection', 'list', '--workspaceKey', 'w', '--json', '--tenantKey=t']);
    const t = await sb.ok([
      '--json',
      'action',
      '--input={}',
      'run',
      '--connectionId',
      items[0].id,
      'get-account-info',
      '--workspaceKey',
      'w',
      '--tenantKey=t',
    ]);
    expect(t.output.id).toBeTypeOf('number');
    expect(t.output.id).not.toBe(a.output.id);
  });

  it('accepts curl-style -XPOST and repeatable -H', async () => {
    const j = await sb.ok([
      'request',
      CID,
      '/restapi/v1.0/account/~/extension/~/address-book/contact',
      '-XPOST',
      '-H',
      'Content-Type: application/json',
      '-H',
      'Accept: application/json',
      '-d',
      '{"firstName":"Curl"}',
      '--json',
    ]);
    expect(j.firstName).toBe('Curl');
  });

  it('exits 2 with usage on unknown commands, unknown flags, missing values and malformed --input', async () => {
    const rs = await Promise.all([
      sb.run(['frobnicate']),
      sb.run(['action', 'frob']),
      sb.run([]),
      sb.run(['action', 'list', '--connection-id', CID]),
      sb.run(['action', 'run', 'get-account-info', '--connectionId']),
      sb.run(['action', 'run', 'get-account-info', '--connectionId', '--json']),
      sb.run(['action', 'run', 'get-account-info', '--connectionId', CID, '--input', '{not json', '--json']),
      sb.run(['action', 'run', 'get-account-info', '--json']),
      sb.run(['request', CID, '/x', '--query', 'novalue']),
      sb.run(['request', CID, '/x', '-H', 'NoColon']),
      sb.run(['action', 'list', '--limit', 'ten']),
    ]);
    for (const r of rs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/membrane|Usage/);
    }
    expect(rs[3].stderr).toContain('--connectionId');
    expect(rs[6].stderr).toMatch(/not valid JSON/);
  });

  it('--input that is JSON but not an object is an invalid_input error', async () => {
    const r = await sb.run(['action', 'run', 'get-account-info', '--connectionId', CID, '--input', '[1]', '--json']);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ type: 'bad_request', key: 'invalid_input' });
    expect(r.json.actionRunId).toMatch(/^arun_/);
  });

  it('errors without --json go to stderr only', async () => {
    const r = await sb.run(['connection', 'get', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: .*not found/);
  });
});
