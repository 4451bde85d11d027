/**
 * src/safety/penalties.ts, kept in memory (issue 24): a warm check asks nothing of the store, a
 * penalty noted by another process (files) or instance (Redis) is honoured as soon as its change
 * reaches this one and within VIEW_MAX_AGE_MS even if that notice were lost, and this process's
 * own 429 at once. Two stores on one folder (or one Redis) stand for two processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { Penalties, VIEW_MAX_AGE_MS } from '../../src/safety/penalties.js';
import { FileStore } from '../../src/state/file.js';
import { RedisStore } from '../../src/state/redis.js';
import type { StateStore } from '../../src/state/store.js';
import { describeWithRedis, startRedis, type RedisServer } from './redis.js';

let dir: string;
const opened: StateStore[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcmcp-penalties-'));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-15T10:00:00Z'));
});
afterEach(async () => {
  vi.useRealTimers();
  for (const store of opened.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A process's file store (every one on the same folder, as the processes of one user). */
const fileStore = () => {
  const store = new FileStore(join(dir, 'state'));
  opened.push(store);
  return store;
};

/**
 * `store`, counting its reads; `changes` as given (the store's own by default); a read answers
 * what the store held when it began, after `held` (when set) resolves.
 */
function counting(
  store: StateStore,
  changes: (() => number | undefined) | undefined = () => store.changes?.(),
  held: { until?: Promise<void> } = {},
) {
  let reads = 0;
  const counted: StateStore = {
    description: store.description,
    create: (key, value, ttlMs) => store.create(key, value, ttlMs),
    get: async (key) => {
      reads++;
      const value = await store.get(key);
      await held.until;
      return value;
    },
    put: (key, value, ttlMs) => store.put(key, value, ttlMs),
    delete: (key) => store.delete(key),
    deleteIf: (key, value) => store.deleteIf(key, value),
    memory: () => store.memory(),
    reachable: () => store.reachable(),
    changes,
    announce: async () => store.announce?.(),
    close: () => store.close(),
  };
  return { store: counted, reads: () => reads };
}

/** The refusal a check throws, or 'passed'. */
const outcome = (check: Promise<void>) =>
  check.then(
    () => 'passed',
    (error: unknown) => (error instanceof ToolError ? `${error.code} ${error.details.retryAfterSeconds} s` : String(error)),
  );

/** Checks until the view is kept (a store starts watching once it has been used): returns the reads it took. */
async function warm(penalties: Penalties, reads: () => number, group = 'Heavy'): Promise<number> {
  for (let round = 0; round < 20; round++) {
    const before = reads();
    expect(await outcome(penalties.check(group))).toBe('passed');
    if (reads() === before) return before;
  }
  throw new Error('the view was never kept');
}

describe('penalties kept in memory over the file store', () => {
  it('a warm check makes no round trip to the store; a view older than VIEW_MAX_AGE_MS is read again', async () => {
    const { store, reads } = counting(fileStore());
    const penalties = new Penalties(store);
    const warmed = await warm(penalties, reads);
    expect(warmed).toBeLessThanOrEqual(2); // the first read opens the folder, the second is kept
    for (let i = 0; i < 50; i++) await penalties.check('Heavy');
    expect(reads()).toBe(warmed);
    await penalties.check('Light'); // each group is read once
    expect(reads()).toBe(warmed + 1);
    vi.advanceTimersByTime(VIEW_MAX_AGE_MS - 1);
    await penalties.check('Heavy');
    expect(reads()).toBe(warmed + 1);
    vi.advanceTimersByTime(1);
    await penalties.check('Heavy');
    await penalties.check('Heavy');
    expect(reads()).toBe(warmed + 2);
  });

  it("another process's penalty is honoured once its change reaches this one, before the view would age", async () => {
    const { store, reads } = counting(fileStore());
    const mine = new Penalties(store);
    await warm(mine, reads);
    await new Penalties(fileStore()).note('Heavy', 60);
    // No time passes on the clock: only the folder's change notice can make the view stale.
    await vi.waitFor(async () => expect(await outcome(mine.check('Heavy'))).toBe('rate_limited 60 s'), { timeout: 5_000, interval: 5 });
    expect(await outcome(mine.check('Light'))).toBe('passed');
  });

  it('a notice that never comes: the penalty is honoured within VIEW_MAX_AGE_MS all the same', async () => {
    const { store, reads } = counting(fileStore(), () => 0); // a change count that never moves
    const mine = new Penalties(store);
    await warm(mine, reads);
    await new Penalties(fileStore()).note('Heavy', 60);
    expect(await outcome(mine.check('Heavy'))).toBe('passed'); // stale, within the bound
    vi.advanceTimersByTime(VIEW_MAX_AGE_MS);
    expect(await outcome(mine.check('Heavy'))).toBe('rate_limited 55 s');
  });

  it("this process's own 429 is honoured at once, even when the store reports no change", async () => {
    const { store, reads } = counting(fileStore(), () => 0);
    const mine = new Penalties(store);
    await warm(mine, reads);
    await mine.note('Heavy', 30);
    expect(await outcome(mine.check('Heavy'))).toBe('rate_limited 30 s');
    const after = reads();
    expect(await outcome(mine.check('Heavy'))).toBe('rate_limited 30 s'); // and kept from here
    expect(reads()).toBe(after);
    expect(await outcome(mine.check('Light'))).toBe('passed');
  });

  it('a store that cannot tell of changes is read on every check, as before', async () => {
    const { store, reads } = counting(fileStore(), () => undefined);
    const mine = new Penalties(store);
    for (let i = 0; i < 5; i++) await mine.check('Heavy');
    expect(reads()).toBe(5);
    await new Penalties(fileStore()).note('Heavy', 60);
    expect(await outcome(mine.check('Heavy'))).toBe('rate_limited 60 s');
  });

  it('a read that overlaps a note of this process is not kept: the next check reads the window', async () => {
    const held: { until?: Promise<void> } = {};
    const { store, reads } = counting(fileStore(), () => 0, held);
    const mine = new Penalties(store);
    let release!: () => void;
    held.until = new Promise((resolve) => (release = resolve));
    const early = mine.check('Heavy'); // reads "no penalty", then waits
    await vi.waitFor(() => expect(reads()).toBe(1));
    await mine.note('Heavy', 60);
    release();
    expect(await outcome(early)).toBe('passed'); // it read before the 429 was known
    held.until = undefined;
    expect(await outcome(mine.check('Heavy'))).toBe('rate_limited 60 s');
  });
});

describeWithRedis('penalties kept in memory over Redis', () => {
  let redis: RedisServer;
  beforeEach(async () => {
    vi.useRealTimers(); // the feed reconnects on the clock
    redis = await startRedis();
  });
  afterEach(async () => {
    await redis?.stop();
  });

  const redisStore = () => {
    const store = new RedisStore(redis.url);
    opened.push(store);
    return store;
  };

  it("a warm check makes no round trip; another instance's penalty is honoured once announced; Redis down: reads again", async () => {
    const { store, reads } = counting(redisStore());
    const mine = new Penalties(store);
    await vi.waitFor(
      async () => {
        await mine.check('Heavy');
        expect(store.changes?.()).toBeDefined();
      },
      { timeout: 5_000, interval: 20 },
    );
    const warmed = await warm(mine, reads);
    for (let i = 0; i < 20; i++) await mine.check('Heavy');
    expect(reads()).toBe(warmed);

    await new Penalties(redisStore()).note('Heavy', 60);
    await vi.waitFor(async () => expect(await outcome(mine.check('Heavy'))).toMatch(/^rate_limited (59|60) s$/), {
      timeout: 5_000,
      interval: 5,
    });

    await redis.stop();
    await vi.waitFor(() => expect(store.changes?.()).toBeUndefined(), { timeout: 5_000, interval: 20 });
    const before = reads();
    // Redis cannot be asked: only what this process noted counts, and it noted nothing.
    expect(await outcome(mine.check('Heavy'))).toBe('passed');
    expect(reads()).toBe(before + 1);
  });
});
