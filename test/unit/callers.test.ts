/**
 * src/mcp/callers.ts in process: who a request acts as under one token or a users file, and one
 * runtime per person. Every refusal is checked exactly: a gate that decides wrong lets a stranger
 * act as someone, or one person act as another.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { bearerToken, HttpError, PersonRuntimes, tokenGate, usersGate, type Caller } from '../../src/mcp/callers.js';
import { Runtime } from '../../src/mcp/runtime.js';
import { Users } from '../../src/safety/users.js';

const dir = mkdtempSync(join(tmpdir(), 'callers-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const server = () => new Runtime({ sandbox: true, warmup: false, confirmSecret: 'callers-test-secret' });
const sha = (token: string) => createHash('sha256').update(token).digest('hex');

describe('bearerToken', () => {
  it('the token of a Bearer header, any letter case of the scheme, spaces around', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('BEARER   a.b-c~!  ')).toBe('a.b-c~!');
  });
  it("'' for none, another scheme, an empty token, or anything but visible ASCII", () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic abc',
      'Bearerabc',
      'Bearer a b',
      'Bearer é',
      'x Bearer abc',
      'Bearer abc\n',
    ])
      expect(bearerToken(header), JSON.stringify(header)).toBe('');
  });
});

describe('HttpError', () => {
  it('carries a status, a JSON-RPC code (-32000 by default) and headers', () => {
    const e = new HttpError(418, 'teapot');
    expect([e.status, e.message, e.code, e.headers]).toEqual([418, 'teapot', -32000, {}]);
    expect(e).toBeInstanceOf(Error);
  });
});

describe('tokenGate', () => {
  it('with a token: only that token gets in', () => {
    const runtime = server();
    const gate = tokenGate('s3cret-token-0123', runtime);
    expect(gate.serverRuns).toBe(true);
    expect(gate.health()).toEqual({ ok: true, extra: {} });
    for (const header of [undefined, 'Bearer wrong', 'Bearer s3cret-token-012', 'Bearer s3cret-token-01234', 'Basic s3cret-token-0123']) {
      const refused = gate.callerOf(request(header));
      expect(refused, header).toBeInstanceOf(HttpError);
      const e = refused as HttpError;
      expect([e.status, e.message, e.code, e.headers]).toEqual([
        401,
        'missing or wrong bearer token',
        -32000,
        { 'www-authenticate': 'Bearer' },
      ]);
    }
    expect(gate.callerOf(request('Bearer s3cret-token-0123'))).toEqual({ runtime });
  });
  it('without one (loopback): every request acts with the server runtime', () => {
    const runtime = server();
    const gate = tokenGate('', runtime);
    expect(gate.callerOf(request())).toEqual({ runtime });
    expect(gate.callerOf(request('Bearer anything'))).toEqual({ runtime });
  });
});

describe('PersonRuntimes', () => {
  const ann = { name: 'ann', tenantKey: 'tenant-ann' };

  it('one runtime per person and access, in their tenant, never warming the server up as them when told not to', () => {
    const warm = vi.spyOn(Runtime.prototype, 'warmUp').mockImplementation(() => undefined);
    const base = server();
    const people = new PersonRuntimes(base, { sandbox: true, warmup: false });
    const a = people.get(ann);
    expect(people.get(ann)).toBe(a);
    expect(people.get({ ...ann })).toBe(a);
    expect(a).not.toBe(base);
    expect(a.options.readOnly).toBe(false);
    expect(a.options.warmup).toBe(false);
    const readOnly = people.get(ann, true);
    expect(readOnly).not.toBe(a);
    expect(readOnly.options.readOnly).toBe(true);
    expect(people.get({ ...ann, connectionId: 'c1' })).not.toBe(a);
    expect(people.get({ ...ann, connectionId: 'c1' }).options.connectionId).toBe('c1');
    expect(people.get({ name: 'ann', tenantKey: 'other' })).not.toBe(a);
    expect(people.get({ name: 'bob', tenantKey: 'tenant-ann' })).not.toBe(a);
    expect(warm).not.toHaveBeenCalled();
  });

  it("a person's runtime warms up once when the server's does, and the server's read-only holds for everyone", () => {
    const warm = vi.spyOn(Runtime.prototype, 'warmUp').mockImplementation(() => undefined);
    const people = new PersonRuntimes(server(), { sandbox: true, readOnly: true });
    const a = people.get(ann);
    people.get(ann);
    expect(warm).toHaveBeenCalledTimes(1);
    expect(a.options.readOnly).toBe(true);
    expect(a.options.warmup).toBe(false);
    new PersonRuntimes(server(), { sandbox: true, warmup: true }).get(ann);
    expect(warm).toHaveBeenCalledTimes(2);
  });
});

describe('usersGate', () => {
  const file = join(dir, 'users.json');
  const write = (users: unknown[]) => writeFileSync(file, JSON.stringify({ users }));
  const unknown = (caller: Caller | HttpError | Promise<Caller | HttpError>) => {
    expect(caller).toBeInstanceOf(HttpError);
    const e = caller as HttpError;
    return [e.status, e.message, e.code, e.headers];
  };
  const UNKNOWN = [401, 'missing or unknown bearer token', -32000, { 'www-authenticate': 'Bearer' }];

  it('each token is its person; unknown, missing and malformed ones are refused alike; nobody while the file is broken', () => {
    vi.spyOn(Runtime.prototype, 'warmUp').mockImplementation(() => undefined);
    write([
      { name: 'ann', tokenSha256: sha('token-ann'), tenantKey: 'tenant-ann' },
      { name: 'bob', tokenSha256: sha('token-bob'), tenantKey: 'tenant-bob' },
    ]);
    const users = new Users(file, () => {});
    const people = new PersonRuntimes(server(), { sandbox: true, warmup: false });
    const gate = usersGate(users, people);
    try {
      expect(gate.serverRuns).toBe(false);
      expect(gate.health()).toEqual({ ok: true, extra: { users: { count: 2, state: 'ok' } } });
      const ann = gate.callerOf(request('Bearer token-ann')) as Caller;
      expect(ann.runtime).toBe(people.get({ name: 'ann', tenantKey: 'tenant-ann' }));
      expect(ann.refuseBody).toBeUndefined();
      expect((gate.callerOf(request('Bearer token-bob')) as Caller).runtime).toBe(people.get({ name: 'bob', tenantKey: 'tenant-bob' }));
      for (const header of [undefined, 'Bearer ', 'Bearer nobody', 'Basic token-ann'])
        expect(unknown(gate.callerOf(request(header)))).toEqual(UNKNOWN);

      writeFileSync(file, '{');
      gate.reload!();
      expect(unknown(gate.callerOf(request('Bearer token-ann')))).toEqual([
        503,
        'no users are in force: the users file is invalid; the operator must fix it',
        -32000,
        {},
      ]);
      // A request without a credential learns nothing about the file.
      expect(unknown(gate.callerOf(request()))).toEqual(UNKNOWN);
      expect(gate.health().ok).toBe(false);
      expect(gate.health().extra.users).toMatchObject({ count: 0, state: 'invalid' });
      rmSync(file);
      gate.reload!();
      expect(unknown(gate.callerOf(request('Bearer token-ann')))[1]).toBe(
        'no users are in force: the users file is missing; the operator must fix it',
      );
    } finally {
      gate.stop!();
    }
  });

  it('watches the users file from the start, and stops watching', async () => {
    write([{ name: 'ann', tokenSha256: sha('token-ann'), tenantKey: 'tenant-ann' }]);
    const users = new Users(file, () => {});
    const watch = vi.spyOn(users, 'watch');
    const gate = usersGate(users, new PersonRuntimes(server(), { sandbox: true, warmup: false }));
    expect(watch).toHaveBeenCalledTimes(1);
    expect(typeof gate.stop).toBe('function');
    gate.stop!();
  });
});
