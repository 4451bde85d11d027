/**
 * src/state/{file,redis,store}.ts in process: the same contract held by the file store and by the
 * Redis store on a real redis-server on loopback (one per file, started once): single use
 * (create), expiry, compare-and-delete, scoping; then what only each can do wrong: the file
 * store's private folder and pruning, the Redis store's reconnects, timeouts and epoch.
 */
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { FileStore, userFolder } from '../../src/state/file.js';
import { redactUrl, RedisStore } from '../../src/state/redis.js';
import { scoped, stateUnavailable, type StateStore } from '../../src/state/store.js';
import { describeWithRedis, startRedis, type RedisServer } from './redis.js';

const root = mkdtempSync(join(tmpdir(), 'stores-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const folder = () => join(root, `s${n++}`, 'state');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The contract both stores keep. */
function contract(make: () => StateStore) {
  it('create stores a new key once; a second create of a live key is refused and keeps the first value', async () => {
    const store = make();
    expect(await store.create('k1', 'first', 60_000)).toBe(true);
    expect(await store.create('k1', 'second', 60_000)).toBe(false);
    expect(await store.get('k1')).toBe('first');
  });
  it('an expired key is gone, and can be created again', async () => {
    const store = make();
    expect(await store.create('k2', 'old', 30)).toBe(true);
    await sleep(80);
    expect(await store.get('k2')).toBeUndefined();
    expect(await store.create('k2', 'new', 60_000)).toBe(true);
    expect(await store.get('k2')).toBe('new');
  });
  it('get of a key never stored is undefined', async () => {
    expect(await make().get('never')).toBeUndefined();
  });
  it('put replaces, with its own expiry', async () => {
    const store = make();
    await store.put('k3', 'a', 60_000);
    await store.put('k3', 'b', 60_000);
    expect(await store.get('k3')).toBe('b');
    expect(await store.create('k3', 'c', 60_000)).toBe(false);
    await store.put('k3', 'short', 30);
    await sleep(80);
    expect(await store.get('k3')).toBeUndefined();
  });
  it('delete removes; deleting a missing key is fine', async () => {
    const store = make();
    await store.put('k4', 'a', 60_000);
    await store.delete('k4');
    expect(await store.get('k4')).toBeUndefined();
    await store.delete('k4');
    expect(await store.create('k4', 'again', 60_000)).toBe(true);
  });
  it('deleteIf removes only the value it names', async () => {
    const store = make();
    await store.put('k5', 'mine', 60_000);
    await store.deleteIf('k5', 'theirs');
    expect(await store.get('k5')).toBe('mine');
    await store.deleteIf('k5', 'mine');
    expect(await store.get('k5')).toBeUndefined();
    await store.deleteIf('k5', 'mine');
  });
  it('keys are kept apart, also when scoped', async () => {
    const store = make();
    const a = scoped(store, 'a');
    const b = scoped(store, 'b');
    expect(await a.create('x', '1', 60_000)).toBe(true);
    expect(await b.create('x', '2', 60_000)).toBe(true);
    expect(await a.get('x')).toBe('1');
    expect(await store.get('a:x')).toBe('1');
    expect(await store.get('b:x')).toBe('2');
    await b.put('y', '3', 60_000);
    expect(await store.get('b:y')).toBe('3');
    await a.deleteIf('x', '2');
    expect(await a.get('x')).toBe('1');
    await a.deleteIf('x', '1');
    expect(await store.get('a:x')).toBeUndefined();
    await b.delete('x');
    expect(await store.get('b:x')).toBeUndefined();
    expect(a.description).toBe(store.description);
    expect(await a.reachable()).toBe(true);
    expect(await a.memory()).toEqual(await store.memory());
  });
  it('is reachable', async () => {
    expect(await make().reachable()).toBe(true);
  });
}

describe('FileStore', () => {
  contract(() => new FileStore(folder()));

  it('says where it keeps its files, and that it forgets nothing', async () => {
    const dir = folder();
    const store = new FileStore(dir);
    expect(store.description).toBe(`files in ${dir}`);
    expect(await store.memory()).toEqual({ since: 0, afterLoss: false });
    await store.close();
  });

  it('makes its folder 0700, records 0600 named by a 40-digit hash of the key, with nothing else left', async () => {
    const dir = folder();
    const store = new FileStore(dir);
    await store.create('key', 'value', 60_000);
    await store.put('other', 'v', 60_000);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const name = createHash('sha256').update('key').digest('hex').slice(0, 40);
    expect(readdirSync(dir).sort()).toEqual([name, createHash('sha256').update('other').digest('hex').slice(0, 40)].sort());
    expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    expect(record.value).toBe('value');
    expect(record.id).toMatch(/^[0-9a-f]{16}$/);
    expect(record.expiresAt).toBeGreaterThan(Date.now() + 59_000);
    expect(record.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('a record it cannot read counts as expired: replaced, not blocking forever', async () => {
    const dir = folder();
    const store = new FileStore(dir);
    await store.put('k', 'v', 60_000);
    const file = join(dir, createHash('sha256').update('k').digest('hex').slice(0, 40));
    for (const junk of [
      'not json',
      '{"id":1,"expiresAt":9e15,"value":"v"}',
      '{"id":"a","expiresAt":"9e15","value":"v"}',
      '{"id":"a","expiresAt":9e15,"value":1}',
    ]) {
      writeFileSync(file, junk);
      expect(await store.get('k'), junk).toBeUndefined();
      expect(await store.create('k', 'fresh', 60_000), junk).toBe(true);
      expect(await store.get('k')).toBe('fresh');
    }
  });

  it('a record of an unreadable kind (a folder in its place) is an error, not "absent"', async () => {
    const dir = folder();
    const store = new FileStore(dir);
    await store.get('warm');
    mkdirSync(join(dir, createHash('sha256').update('k').digest('hex').slice(0, 40)));
    await expect(store.get('k')).rejects.toThrow(/EISDIR/);
    await expect(store.delete('k')).rejects.toThrow();
  });

  it('deleteIf leaves a newer record written in the meantime', async () => {
    const dir = folder();
    const store = new FileStore(dir);
    await store.put('k', 'mine', 60_000);
    await store.put('k', 'newer', 60_000);
    await store.deleteIf('k', 'mine');
    expect(await store.get('k')).toBe('newer');
  });

  it("refuses a folder, or a parent, that is a symlink, open to others, or another user's: nothing is written", async () => {
    const parent = join(root, `p${n++}`);
    mkdirSync(parent, { mode: 0o700 });
    const target = join(root, `t${n++}`);
    mkdirSync(target, { mode: 0o700 });
    writeFileSync(join(target, 'keep'), 'x');
    const link = join(parent, 'state');
    symlinkSync(target, link);
    const linked = new FileStore(link);
    await expect(linked.put('k', 'v', 1000)).rejects.toThrow(
      `${link} is not a directory (a symlink?); remove it (rm -r ${link}) and run again`,
    );
    expect(await linked.reachable()).toBe(false);
    expect(readdirSync(target)).toEqual(['keep']);

    const open = join(root, `o${n++}`);
    mkdirSync(join(open, 'state'), { recursive: true, mode: 0o700 });
    chmodSync(open, 0o750);
    await expect(new FileStore(join(open, 'state')).get('k')).rejects.toThrow(
      `${open} is open to other users (mode 750); remove it (rm -r ${open}) and run again`,
    );
    chmodSync(open, 0o700);
    chmodSync(join(open, 'state'), 0o701);
    await expect(new FileStore(join(open, 'state')).create('k', 'v', 1000)).rejects.toThrow(
      `${join(open, 'state')} is open to other users (mode 701)`,
    );
    if (process.getuid?.() === 0) {
      const theirs = join(root, `u${n++}`);
      mkdirSync(join(theirs, 'state'), { recursive: true, mode: 0o700 });
      chownSync(join(theirs, 'state'), 65534, 65534);
      await expect(new FileStore(join(theirs, 'state')).deleteIf('k', 'v')).rejects.toThrow(
        `${join(theirs, 'state')} belongs to another user (uid 65534)`,
      );
    }
  });

  it('tries the folder again after a refusal, once it is fixed', async () => {
    const parent = join(root, `f${n++}`);
    mkdirSync(join(parent, 'state'), { recursive: true, mode: 0o700 });
    chmodSync(parent, 0o777);
    const store = new FileStore(join(parent, 'state'));
    expect(await store.reachable()).toBe(false);
    chmodSync(parent, 0o700);
    expect(await store.reachable()).toBe(true);
    await store.put('k', 'v', 1000);
    expect(await store.get('k')).toBe('v');
  });

  it('prunes expired records and old leftovers at most once a minute, and never files that are not its own', async () => {
    const now = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now });
    try {
      const dir = folder();
      const store = new FileStore(dir);
      await store.create('expiring', 'v', 1000);
      await store.create('staying', 'v', 10 * 60_000);
      const hash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 40);
      const oldTemp = join(dir, '.tmp-0123456789abcdef');
      const newTemp = join(dir, '.tmp-fedcba9876543210');
      const oldAside = join(dir, `${hash('x')}.old-0123456789ab`);
      const foreign = join(dir, 'notes.txt');
      const foreignOld = join(dir, '.tmp-xyz');
      for (const file of [oldTemp, newTemp, oldAside, foreign, foreignOld]) writeFileSync(file, 'x');
      const longAgo = (now - 5 * 60_000) / 1000;
      for (const file of [oldTemp, oldAside, foreign, foreignOld]) utimesSync(file, longAgo, longAgo);
      // A leftover younger than a minute at pruning time stays (another process may be writing it).
      utimesSync(newTemp, (now + 30_000) / 1000, (now + 30_000) / 1000);

      vi.setSystemTime(now + 30_000); // within the minute: no pruning yet
      await store.get('staying');
      expect(readdirSync(dir)).toContain(hash('expiring'));
      vi.setSystemTime(now + 61_000);
      await store.get('staying');
      expect(readdirSync(dir).sort()).toEqual([hash('staying'), '.tmp-fedcba9876543210', '.tmp-xyz', 'notes.txt'].sort());
    } finally {
      vi.useRealTimers();
    }
  });

  it("userFolder is this user's private folder in the temp dir", () => {
    expect(userFolder()).toMatch(/ringcentral-mcp/);
  });
});

describe('stateUnavailable', () => {
  it('says what could not run, why, and how to fix files or Redis', () => {
    const files = stateUnavailable(new FileStore('/x/state'), 'Sending the SMS', new Error('EACCES'));
    expect(files).toBeInstanceOf(ToolError);
    expect(files.code).toBe('state_unavailable');
    expect(files.message).toBe(
      'Sending the SMS could not run because the shared state (files in /x/state) did not answer (EACCES); nothing was sent or changed',
    );
    expect(files.details.fix).toBe(
      'fix the folder as the message says (a private folder of yours, not a symlink), then call again; reads keep working meanwhile',
    );
    const redis = stateUnavailable(new RedisStore('redis://127.0.0.1:1'), 'Deleting', 'down');
    expect(redis.message).toBe(
      'Deleting could not run because the shared state (Redis at redis://127.0.0.1:1) did not answer (down); nothing was sent or changed',
    );
    expect(redis.details.fix).toBe(
      'bring the state store back (check that Redis is up and reachable from this server), then call again; reads keep working meanwhile',
    );
  });
});

describe('redactUrl', () => {
  it('hides the password only', () => {
    expect(redactUrl('redis://user:secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(redactUrl('not a url')).toBe('an invalid URL');
  });
  it('an unparseable URL fails at start', () => {
    expect(() => new RedisStore('not a url')).toThrow();
    expect(new RedisStore('redis://u:p@127.0.0.1:1').description).toBe('Redis at redis://u:***@127.0.0.1:1');
  });
});

describeWithRedis('RedisStore', () => {
  let redis: RedisServer;
  const stores: RedisStore[] = [];
  const make = (url = redis.url, timeoutMs?: number) => {
    const store = new RedisStore(url, timeoutMs);
    stores.push(store);
    return store;
  };
  const stderr: string[] = [];
  const write = process.stderr.write;
  beforeAll(async () => {
    redis = await startRedis();
    process.stderr.write = (chunk: string) => (stderr.push(String(chunk)), true);
  });
  afterAll(async () => {
    process.stderr.write = write;
    for (const store of stores) await store.close();
    await redis?.stop();
  });

  contract(() => make());

  it('keeps its keys under ringcentral-mcp:, with the expiry in ms (at least 1)', async () => {
    const store = make();
    await store.create('raw', 'v', 600_000.2);
    await store.put('raw2', 'v', 0.1);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      expect(await client.get('ringcentral-mcp:raw')).toBe('v');
      const ttl = await client.pTTL('ringcentral-mcp:raw');
      expect(ttl).toBeGreaterThan(500_000);
      expect(ttl).toBeLessThanOrEqual(600_001);
      expect(await client.pTTL('ringcentral-mcp:raw2')).toBeLessThanOrEqual(1);
      expect(await client.get('raw')).toBeNull();
      expect(await client.exists('ringcentral-mcp:epoch')).toBe(1);
    } finally {
      client.destroy();
    }
  });

  it('remembers since its first connection, not after a loss', async () => {
    const before = Date.now();
    const memory = await make().memory();
    expect(memory.afterLoss).toBe(false);
    expect(memory.since).toBeLessThanOrEqual(Date.now());
    const again = await make().memory();
    expect(again.since).toBe(memory.since);
    expect(before).toBeGreaterThan(0);
  });

  it('an unreachable Redis: each operation fails in time, reachable says no, and it connects once Redis is back', async () => {
    const own = await startRedis();
    const store = make(own.url, 500);
    expect(await store.create('a', 'v', 60_000)).toBe(true);
    const lost = (await store.memory()).since;
    await own.stop();
    await expect(store.get('a')).rejects.toThrow();
    expect(await store.reachable()).toBe(false);
    await expect(store.put('a', 'v', 1000)).rejects.toThrow(/not connected/);
    await own.start();
    await sleep(50);
    expect(await store.reachable()).toBe(true);
    // Came back empty: the store says its memory began after a loss, and logs it once.
    const memory = await store.memory();
    expect(memory.afterLoss).toBe(true);
    expect(memory.since).toBeGreaterThanOrEqual(lost);
    expect(await store.get('a')).toBeUndefined();
    expect(stderr.some((line) => line.includes('lost its data (it restarted without persistence?)'))).toBe(true);
    // Another client arriving later reads the same marked epoch.
    expect((await make(own.url).memory()).afterLoss).toBe(true);
    await own.stop();
  });

  it('a server that never answers: connecting fails after the timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const store = make(`redis://127.0.0.1:${port}`, 200);
      const started = Date.now();
      await expect(store.get('x')).rejects.toThrow(/not connected \(.*\)|no answer within 200 ms/);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await store.reachable()).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a refused connection names it', async () => {
    const own = await startRedis();
    await own.stop();
    const store = make(own.url, 500);
    await expect(store.get('x')).rejects.toThrow(/^not connected \(/);
  });

  it('close lets go of the client; the next use connects again', async () => {
    const store = make();
    await store.put('c', 'v', 60_000);
    await store.close();
    expect(await store.get('c')).toBe('v');
  });
});
