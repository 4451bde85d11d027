/**
 * src/safety/guards.ts, exact outcomes: the default window, every kind of idempotency conflict,
 * the deadline of a pending send, a store that fails one operation, and penalties at their end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { Penalties } from '../../src/safety/penalties.js';
import { SentLog, type Send } from '../../src/safety/sent-log.js';
import { FileStore } from '../../src/state/file.js';
import type { StateStore } from '../../src/state/store.js';
import { refusal } from './caught.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcmcp-guards-exact-'));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-15T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const WAIT = 30_000;
const AT = '2026-01-15T10:00:00.000Z';
const FIX = 'use a new idempotencyKey for a new message; repeating the earlier message needs exactly its recipients, sender and text';
const store = () => new FileStore(join(dir, 'state'));
const s = (key: string, text = 'same text'): Send => ({ key, content: text, summary: { to: ['+16505550123'], text } });
const SUMMARY = '{"to":["+16505550123"],"text":"first"}';
const never = () => new Promise<never>(() => undefined);
const claimed = (key: string) =>
  vi.waitFor(async () => expect(await store().get(`sent:${key}`)).toBeDefined(), { timeout: 5_000, interval: 5 });

/** The store of this test, with one operation failing as a broken Redis would. */
function failing(operation: 'create' | 'put' | 'delete'): StateStore {
  const real = store();
  return {
    description: 'Redis at redis://10.0.0.9:6379/',
    create: operation === 'create' ? () => Promise.reject(new Error('READONLY')) : (k, v, t) => real.create(k, v, t),
    get: (k) => real.get(k),
    put: operation === 'put' ? () => Promise.reject(new Error('OOM')) : (k, v, t) => real.put(k, v, t),
    delete: operation === 'delete' ? () => Promise.reject(new Error('gone')) : (k) => real.delete(k),
    deleteIf: operation === 'delete' ? () => Promise.reject(new Error('gone')) : (k, v) => real.deleteIf(k, v),
    memory: () => real.memory(),
    reachable: async () => true,
    close: async () => undefined,
  };
}

/** stderr lines written while `run` runs. */
async function stderrOf(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  await run();
  vi.restoreAllMocks();
  return lines;
}

describe('SentLog: the window', () => {
  it('is ten minutes by default', async () => {
    const log = new SentLog(store());
    expect(log.windowMs).toBe(600_000);
    await log.once(s('k'), async () => 'first', WAIT);
    vi.advanceTimersByTime(599_999);
    expect(await log.once(s('k'), async () => 'second', WAIT)).toEqual({ duplicate: true, result: 'first' });
    vi.advanceTimersByTime(2);
    expect(await log.once(s('k'), async () => 'third', WAIT)).toEqual({ duplicate: false, result: 'third' });
  });
});

describe('SentLog: a key reused for another message', () => {
  it('while the first is being sent, in this process and in another', async () => {
    const log = new SentLog(store(), 600_000, 5);
    void log.once(s('k', 'first'), never, WAIT);
    await claimed('k');
    vi.advanceTimersByTime(3_000);
    for (const other of [log, new SentLog(store(), 600_000, 5)]) {
      const error = await refusal(other.once(s('k', 'second'), async () => 'never', WAIT));
      expect(error.code).toBe('idempotency_conflict');
      expect(error.message).toBe(
        `this idempotencyKey belongs to a different message, which is being sent 3 s ago: ${SUMMARY}; this one was not sent`,
      );
      expect(error.details).toStrictEqual({
        fix: FIX,
        earlier: { status: 'pending', at: AT, sent: { to: ['+16505550123'], text: 'first' } },
      });
    }
  });

  it('after the first ended without a clear answer', async () => {
    const log = new SentLog(store(), 600_000, 5);
    await expect(log.once(s('k', 'first'), () => Promise.reject(new ToolError('timeout', 't')), WAIT)).rejects.toThrow('t');
    vi.advanceTimersByTime(30_000);
    const error = await refusal(log.once(s('k', 'second'), async () => 'never', WAIT));
    expect(error.message).toBe(
      `this idempotencyKey belongs to a different message, which ended without a clear answer (timeout) 30 s ago: ${SUMMARY}; this one was not sent`,
    );
    expect(error.details).toStrictEqual({
      fix: FIX,
      earlier: { status: 'unknown', at: AT, sent: { to: ['+16505550123'], text: 'first' } },
    });
  });

  it('after the first was sent: its message id and status when RingCentral gave them, nothing it did not give', async () => {
    const cases: Array<[unknown, string, unknown]> = [
      [{ id: 77, messageStatus: 'Sent', extra: 1 }, ' (message id 77)', { id: 77, messageStatus: 'Sent' }],
      [{ id: 0 }, ' (message id 0)', { id: 0, messageStatus: undefined }],
      [{ ok: true }, '', { id: undefined, messageStatus: undefined }],
      ['queued', '', undefined],
      [null, '', undefined],
    ];
    for (const [answer, id, earlier] of cases) {
      const key = `k${JSON.stringify(answer)}`;
      const log = new SentLog(store(), 600_000, 5);
      await log.once(s(key, 'first'), async () => answer, WAIT);
      const error = await refusal(log.peek(s(key, 'second')));
      expect(error.message, key).toBe(
        `this idempotencyKey belongs to a different message, which was sent 0 s ago: ${SUMMARY}${id}; this one was not sent`,
      );
      expect(error.details.earlier, key).toStrictEqual({
        status: 'done',
        at: AT,
        sent: { to: ['+16505550123'], text: 'first' },
        ...(earlier ? { result: earlier } : {}),
      });
    }
  });
});

describe('SentLog: a send running in another process', () => {
  it('is waited for up to its deadline: at the deadline exactly it may still report back', async () => {
    const first = new SentLog(store(), 600_000, 5);
    let release!: (value: unknown) => void;
    const running = first.once(s('k'), () => new Promise((resolve) => (release = resolve)), 1_000);
    await claimed('k');
    vi.setSystemTime(Date.parse(AT) + 1_000); // the deadline exactly (waiting for the claim moved the clock a little)
    const waiting = new SentLog(store(), 600_000, 5).once(s('k'), async () => 'again', WAIT);
    await new Promise((resolve) => setTimeout(resolve, 30));
    release({ id: 'm1' });
    expect(await running).toEqual({ duplicate: false, result: { id: 'm1' } });
    expect(await waiting).toEqual({ duplicate: true, result: { id: 'm1' } });
  });

  it('that fails cleanly lets the waiting one send', async () => {
    const first = new SentLog(store(), 600_000, 5);
    let fail!: (reason: unknown) => void;
    const running = first.once(s('k'), () => new Promise((_, reject) => (fail = reject)), WAIT);
    await claimed('k');
    const waiting = new SentLog(store(), 600_000, 5).once(s('k'), async () => 'mine', WAIT);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const failure = new ToolError('ringcentral_error', 'MSG-243');
    fail(failure);
    await expect(running).rejects.toBe(failure);
    expect(await waiting).toEqual({ duplicate: false, result: 'mine' });
  });

  it('is read at the poll interval, not in a busy loop', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout'] });
    const real = store();
    let reads = 0;
    const counting: StateStore = {
      description: real.description,
      create: (k, v, t) => real.create(k, v, t),
      get: (k) => (reads++, real.get(k)),
      put: (k, v, t) => real.put(k, v, t),
      delete: (k) => real.delete(k),
      deleteIf: (k, v) => real.deleteIf(k, v),
      memory: () => real.memory(),
      reachable: () => real.reachable(),
      close: () => real.close(),
    };
    let release!: (value: unknown) => void;
    const first = new SentLog(store(), 600_000, 1_000).once(s('k'), () => new Promise((resolve) => (release = resolve)), WAIT);
    await claimed('k');
    const second = new SentLog(counting, 600_000, 1_000).once(s('k'), async () => 'again', WAIT);
    await vi.waitFor(() => expect(reads).toBe(1), { timeout: 5_000, interval: 5 });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toBe(1);
    release('sent');
    await first;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await second).toEqual({ duplicate: true, result: 'sent' });
    expect(reads).toBe(2);
  });
});

describe('SentLog: a store that fails one operation', () => {
  it('cannot claim the key: state_unavailable, nothing sent', async () => {
    const send = vi.fn(async () => 'sent');
    const error = await refusal(new SentLog(failing('create'), 600_000, 5).once(s('k'), send, WAIT));
    expect(error.code).toBe('state_unavailable');
    expect(error.message).toBe(
      'the duplicate check of this send could not run because the shared state (Redis at redis://10.0.0.9:6379/) did not answer (READONLY); nothing was sent or changed',
    );
    expect(send).not.toHaveBeenCalled();
  });

  it('cannot record the outcome: the send still answers, and stderr says so', async () => {
    let outcome: unknown;
    const lines = await stderrOf(async () => {
      outcome = await new SentLog(failing('put'), 600_000, 5).once(s('k'), async () => ({ id: 'm1' }), WAIT);
    });
    expect(outcome).toEqual({ duplicate: false, result: { id: 'm1' } });
    expect(lines).toEqual(['ringcentral-mcp: could not record how a send ended in Redis at redis://10.0.0.9:6379/: OOM\n']);
  });

  it('cannot forget a cleanly failed send: the send’s own error is what the caller gets', async () => {
    const failure = new ToolError('ringcentral_error', 'MSG-290');
    await expect(new SentLog(failing('delete'), 600_000, 5).once(s('k'), () => Promise.reject(failure), WAIT)).rejects.toBe(failure);
  });
});

describe('Penalties', () => {
  it('says how long is left and what still works', async () => {
    const penalties = new Penalties(store());
    await store().put('penalty:Heavy', String(Date.now() + 1), 60_000);
    const error = await refusal(penalties.check('Heavy'));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe("RingCentral's Heavy rate-limit penalty is still running; not sent, because a request now would restart it");
    expect(error.details).toStrictEqual({ retryAfterSeconds: 1, fix: 'wait 1 s; other kinds of calls still work' });
  });

  it('is over at its end by this clock, even while another instance keeps the record', async () => {
    await store().put('penalty:Heavy', String(Date.now()), 60_000);
    await expect(new Penalties(store()).check('Heavy')).resolves.toBeUndefined();
    await store().put('penalty:Heavy', 'not a time', 60_000);
    await expect(new Penalties(store()).check('Heavy')).resolves.toBeUndefined();
  });

  it('a penalty the store cannot keep is said on stderr, and calls go ahead', async () => {
    const penalties = new Penalties(failing('put'));
    const lines = await stderrOf(() => penalties.note('Medium', 30));
    expect(lines).toEqual(['ringcentral-mcp: could not share a rate-limit penalty through Redis at redis://10.0.0.9:6379/: OOM\n']);
    await expect(penalties.check('Medium')).resolves.toBeUndefined();
  });
});
