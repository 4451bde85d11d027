// Membrane tenants in the sandbox: each --tenantKey (within --workspaceKey) is its own account.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CID, EXT, sandbox } from './helpers.js';

const sb = sandbox({}, { inProcess: true });
const other = sandbox({}, { inProcess: true });
afterAll(() => {
  sb.cleanup();
  other.cleanup();
});

/** The tenant's one connection id, read the way a client would. */
async function connectionOf(s: typeof sb, ...tenant: string[]): Promise<string> {
  const { items } = await s.ok(['connection', 'list', '--json', ...tenant]);
  expect(items).toHaveLength(1);
  return items[0].id;
}

describe('tenants', () => {
  it('take --tenantKey value and --tenantKey=value in any position; each has its own connection and state file', async () => {
    const [a, b, a2, w, plain] = await Promise.all([
      connectionOf(sb, '--tenantKey', 'alice'),
      connectionOf(sb, '--tenantKey=bob'),
      sb.ok(['--tenantKey=alice', 'connection', '--json', 'list']).then((r) => r.items[0].id),
      connectionOf(sb, '--workspaceKey', 'acme', '--tenantKey', 'alice'),
      connectionOf(sb),
    ]);
    expect(plain).toBe(CID);
    expect(a).toMatch(/^con_sbx_rc_[0-9a-f]{8}$/);
    expect(new Set([a, b, w, plain]).size).toBe(4);
    expect(a2).toBe(a);
    await Promise.all([
      sb.ok(['request', a, '/restapi/v1.0/account/~', '--tenantKey', 'alice', '--json']),
      sb.ok(['request', b, '/restapi/v1.0/account/~', '--tenantKey', 'bob', '--json']),
      sb.ok(['request', w, '/restapi/v1.0/account/~', '--workspaceKey=acme', '--tenantKey=alice', '--json']),
      sb.ok(['request', CID, '/restapi/v1.0/account/~', '--json']),
    ]);
    expect(
      readdirSync(sb.dir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(['state.alice.json', 'state.bob.json', 'state.json', 'state.w-acme.alice.json']);
    const wrong = await sb.run(['request', a, '/restapi/v1.0/account/~', '--tenantKey', 'bob', '--json']);
    expect(wrong.code).toBe(1);
    expect(wrong.json).toMatchObject({ key: 'not_found', message: `Connection with id or key '${a}' not found` });
  });

  it('each tenant has its own people and numbers, the same on every machine', async () => {
    const a = await connectionOf(sb, '--tenantKey', 'alice');
    const b = await connectionOf(sb, '--tenantKey', 'bob');
    const get = (s: typeof sb, conn: string, path: string, ...t: string[]) => s.ok(['request', conn, path, '--json', ...t]);
    const [na, nb, nd, ea, eb, ea2] = await Promise.all([
      get(sb, a, `${EXT}/phone-number`, '--tenantKey', 'alice'),
      get(sb, b, `${EXT}/phone-number`, '--tenantKey', 'bob'),
      get(sb, CID, `${EXT}/phone-number`),
      get(sb, a, '/restapi/v1.0/account/~/extension', '--tenantKey', 'alice'),
      get(sb, b, '/restapi/v1.0/account/~/extension', '--tenantKey', 'bob'),
      get(other, a, '/restapi/v1.0/account/~/extension', '--tenantKey', 'alice'),
    ]);
    const numbers = (r: any) => r.records.map((n: any) => n.phoneNumber);
    expect(numbers(nd)).toEqual(['+16505550101', '+16505550102', '+16505550109', '+16505550100']);
    expect(numbers(na)).not.toEqual(numbers(nb));
    expect(numbers(na)).toHaveLength(4);
    const names = (r: any) => r.records.map((e: any) => e.name);
    expect(names(ea)).not.toEqual(names(eb));
    expect(ea2).toEqual(ea);
    expect(ea.records[0].id).not.toBe(eb.records[0].id);
  });

  it('a contact created for one tenant is absent for another and for the default account', async () => {
    const a = await connectionOf(sb, '--tenantKey', 'alice');
    const b = await connectionOf(sb, '--tenantKey', 'bob');
    const run = (conn: string, key: string, input: unknown, ...t: string[]) =>
      sb.ok(['action', 'run', key, '--connectionId', conn, '--input', JSON.stringify(input), '--json', ...t]).then((r) => r.output);
    const c = await run(a, 'create-contact', { firstName: 'Isolde', lastName: 'Tenant' }, '--tenantKey', 'alice');
    const [forA, forB, forDefault] = await Promise.all([
      run(a, 'list-contacts', { startsWith: 'Isolde' }, '--tenantKey', 'alice'),
      run(b, 'list-contacts', { startsWith: 'Isolde' }, '--tenantKey', 'bob'),
      run(CID, 'list-contacts', { startsWith: 'Isolde' }),
    ]);
    expect(forA.records.map((x: any) => x.id)).toEqual([c.id]);
    expect(forB.records).toEqual([]);
    expect(forDefault.records).toEqual([]);
  });

  it('a new- tenant has no connection until a person connects it; reset disconnects it again', async () => {
    const t = ['--tenantKey', 'new-carol'];
    expect((await sb.ok(['connection', 'list', '--json', ...t])).items).toEqual([]);
    const pending = await sb.ok(['connection', 'ensure', 'https://ringcentral.com', ...t, '--json']);
    expect(pending).toMatchObject({
      state: 'CLIENT_ACTION_REQUIRED',
      key: 'ringcentral',
      clientAction: { type: 'connect', uiUrl: 'https://app.sandbox.invalid/connect/ringcentral?tenantKey=new-carol' },
    });
    expect(pending.id).toMatch(/^con_sbx_rc_[0-9a-f]{8}$/);
    const blocked = await sb.run(['action', 'run', 'get-account-info', '--connectionId', pending.id, '--json', ...t]);
    expect(blocked.json).toMatchObject({ key: 'not_found' });
    const connected = await sb.ok(['connect', '--connectionId', pending.id, '--json', ...t]);
    expect(connected).toMatchObject({ id: pending.id, state: 'READY' });
    expect(await connectionOf(sb, ...t)).toBe(pending.id);
    expect((await sb.ok(['action', 'run', 'get-account-info', '--connectionId', pending.id, '--json', ...t])).output.status).toBe(
      'Confirmed',
    );
    await sb.ok(['reset', '--json', ...t]);
    expect((await sb.ok(['connection', 'list', '--json', ...t])).items).toEqual([]);
  });
});
