/**
 * The Redis store under what Redis itself can do to it (issue 19): restart empty (no persistence)
 * and answer late. In process, on a real redis-server on loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { RedisStore } from '../../dist/src/state/redis.js';
import { Confirmations } from '../../dist/src/safety/confirm.js';
import { SentLog, type Send } from '../../dist/src/safety/sent-log.js';
import { startRedis, type RedisServer } from './redis.js';

let redis: RedisServer;
// Each test has a Redis of its own: one that lost its data stays so (its epoch says so).
beforeEach(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await redis?.stop();
});

const SECRET = Buffer.alloc(32, 7);
const TOOL = 'ringcentral_delete_contact';
const send = (text: string): Send => ({ key: text, content: text, summary: { to: ['+16505550123'], text } });
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => 'went through',
    (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
  );

describe('a Redis that restarts empty', () => {
  it('refuses tokens issued before the loss, used or not, on this instance and on a new one; new tokens work', async () => {
    const store = new RedisStore(redis.url);
    const confirmations = new Confirmations(store, SECRET);
    try {
      await confirmations.ready();
      const used = confirmations.issue(TOOL, { contactId: '1' });
      const unused = confirmations.issue(TOOL, { contactId: '2' });
      await confirmations.consume(TOOL, { contactId: '1' }, used.token);
      await redis.stop();
      await redis.start();
      const lost =
        /^confirmation_invalid: confirmationToken was issued before the shared state \(Redis at redis:\/\/127\.0\.0\.1:\d+\/?\) lost its data at \S+, so whether it was used cannot be known; nothing was done/;
      expect(await caught(confirmations.consume(TOOL, { contactId: '1' }, used.token))).toMatch(lost);
      expect(await caught(confirmations.consume(TOOL, { contactId: '2' }, unused.token))).toMatch(lost);
      // An instance started after the loss knows of no earlier epoch, and still refuses the old token.
      const other = new RedisStore(redis.url);
      try {
        expect(await caught(new Confirmations(other, SECRET).consume(TOOL, { contactId: '1' }, used.token))).toMatch(lost);
      } finally {
        await other.close();
      }
      await confirmations.ready();
      const fresh = confirmations.issue(TOOL, { contactId: '1' });
      await expect(confirmations.consume(TOOL, { contactId: '1' }, fresh.token)).resolves.toBeUndefined();
      expect(await caught(confirmations.consume(TOOL, { contactId: '1' }, fresh.token))).toMatch(/was already used/);
    } finally {
      await store.close();
    }
  });

  it('holds every send it has no record of until the duplicate window since the loss has passed', async () => {
    const store = new RedisStore(redis.url);
    const sent = new SentLog(store, 600_000);
    let runs = 0;
    const run = async () => ({ id: ++runs });
    try {
      expect(await sent.once(send('before the loss'), run, 5_000)).toEqual({ duplicate: false, result: { id: 1 } });
      await redis.stop();
      await redis.start();
      const unknown =
        /^not_allowed: the shared state \(Redis at \S+\) lost its data at \S+: whether an identical send went out in the 10 min before is unknown, so nothing is sent until \S+; this one was not sent$/;
      expect(await caught(sent.once(send('before the loss'), run, 5_000))).toMatch(unknown);
      expect(await caught(sent.peek(send('before the loss')))).toMatch(unknown);
      expect(await caught(sent.once(send('another text'), run, 5_000))).toMatch(unknown);
      expect(runs).toBe(1);
      // A window that has passed since the loss: sends go out again, once.
      const later = new SentLog(store, 1);
      expect(await later.once(send('after the window'), run, 5_000)).toEqual({ duplicate: false, result: { id: 2 } });
    } finally {
      await store.close();
    }
  });
});

describe('a Redis that answers late', () => {
  it('a claim that lands after the call gave up is removed: the identical retry is sent, not blocked as "may have been sent"', async () => {
    const store = new RedisStore(redis.url, 200);
    const sent = new SentLog(store, 600_000, 20);
    const admin = createClient({ url: redis.url });
    await admin.connect();
    let runs = 0;
    try {
      await store.reachable();
      const sleeping = admin.sendCommand(['DEBUG', 'SLEEP', '0.6']);
      await new Promise((resolve) => setTimeout(resolve, 50)); // Redis is asleep now
      expect(await caught(sent.once(send('slow'), async () => ++runs, 5_000))).toMatch(
        /^state_unavailable: the duplicate check of this send could not run because the shared state \(Redis at \S+\) did not answer \(no answer within 200 ms\); nothing was sent or changed$/,
      );
      await sleeping;
      expect(runs).toBe(0);
      // The late claim and its removal both ran once Redis woke up (in the order they were sent).
      await expect.poll(() => store.get('sent:slow'), { timeout: 5_000 }).toBeUndefined();
      expect(await sent.once(send('slow'), async () => ++runs, 5_000)).toEqual({ duplicate: false, result: 1 });
    } finally {
      await admin.quit();
      await store.close();
    }
  });
});
