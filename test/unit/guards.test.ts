/**
 * src/safety/guards.ts: SMS send memory (idempotency) and rate-limit penalty windows, over the file
 * store. Two SentLogs on one folder stand for two processes of the same user.
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

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcmcp-guards-'));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-15T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const WINDOW = 10 * 60_000;
const WAIT = 30_000;
const store = () => new FileStore(join(dir, 'state'));
const newLog = (windowMs = WINDOW) => new SentLog(store(), windowMs, 5);
/** Resolves once some process has claimed `key` (its record is in the store). */
const claimed = (key: string) =>
  vi.waitFor(async () => expect(await store().get(`sent:${key}`)).toBeDefined(), { timeout: 5_000, interval: 5 });
const s = (key: string, content = 'same text'): Send => ({ key, content, summary: { to: ['+16505550123'], text: content } });

/** A store whose every operation fails, as Redis does when it is down. */
const downStore: StateStore = {
  description: 'Redis at redis://127.0.0.1:1/',
  create: () => Promise.reject(new Error('not connected')),
  get: () => Promise.reject(new Error('not connected')),
  put: () => Promise.reject(new Error('not connected')),
  delete: () => Promise.reject(new Error('not connected')),
  deleteIf: () => Promise.reject(new Error('not connected')),
  memory: () => Promise.reject(new Error('not connected')),
  reachable: async () => false,
  close: async () => undefined,
};

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('expected a ToolError');
}

describe('SentLog', () => {
  it('a duplicate within the window returns the first result without sending again', async () => {
    const log = newLog();
    const send = vi.fn(async () => ({ id: 'm1', messageStatus: 'Queued' }));
    expect(await log.once(s('k'), send, WAIT)).toEqual({ duplicate: false, result: { id: 'm1', messageStatus: 'Queued' } });
    vi.advanceTimersByTime(WINDOW - 1000);
    expect(await log.once(s('k'), async () => ({ id: 'm2' }), WAIT)).toEqual({
      duplicate: true,
      result: { id: 'm1', messageStatus: 'Queued' },
    });
    expect(send).toHaveBeenCalledTimes(1);
    expect(await log.peek(s('k'))).toEqual({ id: 'm1', messageStatus: 'Queued' });
  });

  it('another process of the same user (same folder) sees the send: not sent twice', async () => {
    const first = newLog();
    const second = newLog();
    await first.once(s('k'), async () => ({ id: 'm1' }), WAIT);
    const send = vi.fn(async () => ({ id: 'm2' }));
    expect(await second.once(s('k'), send, WAIT)).toEqual({ duplicate: true, result: { id: 'm1' } });
    expect(send).not.toHaveBeenCalled();
  });

  it('a send still running in another process is waited for, then returned as the duplicate', async () => {
    const first = newLog();
    const second = newLog();
    let release!: (value: unknown) => void;
    const running = first.once(s('k'), () => new Promise((resolve) => (release = resolve)), WAIT);
    await claimed('k');
    const send = vi.fn(async () => ({ id: 'm2' }));
    const waiting = second.once(s('k'), send, WAIT);
    await new Promise((r) => setTimeout(r, 30));
    release({ id: 'm1' });
    expect(await running).toEqual({ duplicate: false, result: { id: 'm1' } });
    expect(await waiting).toEqual({ duplicate: true, result: { id: 'm1' } });
    expect(send).not.toHaveBeenCalled();
  });

  it('a send whose process died mid-send (pending past its deadline) blocks repeats: it may have gone out', async () => {
    const dead = newLog();
    void dead.once(s('k'), () => new Promise(() => undefined), 1000); // never settles, like a killed process
    await claimed('k');
    vi.advanceTimersByTime(2000);
    const send = vi.fn(async () => 'again');
    const error = await rejection(newLog().once(s('k'), send, WAIT));
    expect(error.code).toBe('not_allowed');
    expect(error.message).toMatch(
      /^an identical send 2 s ago ended without a clear answer \(it has not reported back; the process sending it may have died\); it may have been sent$/,
    );
    expect(send).not.toHaveBeenCalled();
  });

  it('an idempotency key reused for other content is idempotency_conflict showing the earlier send', async () => {
    const log = newLog();
    await log.once(s('key:mine', 'first text'), async () => ({ id: 123, messageStatus: 'Queued', extra: 'x' }), WAIT);
    vi.advanceTimersByTime(42_000);
    const send = vi.fn(async () => 'never');
    const attempts = [
      () => log.once(s('key:mine', 'other text'), send, WAIT),
      () => log.peek(s('key:mine', 'other text')),
      () => newLog().once(s('key:mine', 'other text'), send, WAIT),
    ];
    for (const attempt of attempts) {
      const error = await rejection(attempt());
      expect(error.code).toBe('idempotency_conflict');
      expect(error.message).toBe(
        'this idempotencyKey belongs to a different message, which was sent 42 s ago: {"to":["+16505550123"],"text":"first text"} (message id 123); this one was not sent',
      );
      expect(error.details.earlier).toEqual({
        status: 'done',
        at: '2026-01-15T10:00:00.000Z',
        sent: { to: ['+16505550123'], text: 'first text' },
        result: { id: 123, messageStatus: 'Queued' },
      });
    }
    expect(send).not.toHaveBeenCalled();
    expect(await log.once(s('key:mine', 'first text'), send, WAIT)).toEqual({
      duplicate: true,
      result: { id: 123, messageStatus: 'Queued', extra: 'x' },
    });
  });

  it('different keys are independent', async () => {
    const log = newLog();
    await log.once(s('a'), async () => 'A', WAIT);
    expect(await log.once(s('b'), async () => 'B', WAIT)).toEqual({ duplicate: false, result: 'B' });
    expect(await log.peek(s('c'))).toBeUndefined();
  });

  it('concurrent identical sends run once; all get the same result', async () => {
    const log = newLog();
    let release!: (value: unknown) => void;
    const send = vi.fn(() => new Promise((resolve) => (release = resolve)));
    const first = log.once(s('k'), send, WAIT);
    await claimed('k');
    const second = log.once(s('k'), send, WAIT);
    const third = log.once(s('k'), send, WAIT);
    expect(await log.peek(s('k'))).toBeUndefined(); // pending is not a result yet
    release({ id: 'm1' });
    expect(await first).toEqual({ duplicate: false, result: { id: 'm1' } });
    expect(await second).toEqual({ duplicate: true, result: { id: 'm1' } });
    expect(await third).toEqual({ duplicate: true, result: { id: 'm1' } });
    expect(send).toHaveBeenCalledTimes(1);
  });

  for (const code of ['timeout', 'cancelled', 'cli_crashed', 'unparseable_output', 'output_too_large'] as const) {
    it(`a ${code} failure blocks repeats with not_allowed, in this process and others (the SMS may have gone out)`, async () => {
      const log = newLog();
      const failure = new ToolError(code, 'no answer');
      await expect(log.once(s('k'), async () => Promise.reject(failure), WAIT)).rejects.toBe(failure);
      const send = vi.fn(async () => 'second');
      vi.advanceTimersByTime(30_000);
      for (const other of [log, newLog()]) {
        const error = await rejection(other.once(s('k'), send, WAIT));
        expect(error.code).toBe('not_allowed');
        expect(error.message).toBe(`an identical send 30 s ago ended without a clear answer (${code}); it may have been sent`);
        expect(error.details.fix).toMatch(/idempotencyKey/);
      }
      expect(send).not.toHaveBeenCalled();
      expect(await log.peek(s('k'))).toBeUndefined();
    });
  }

  it('other failures allow a retry', async () => {
    const log = newLog();
    for (const failure of [new ToolError('ringcentral_error', 'MSG-243'), new ToolError('rate_limited', 'slow down'), new Error('plain')]) {
      await expect(log.once(s('k'), async () => Promise.reject(failure), WAIT)).rejects.toBe(failure);
    }
    expect(await log.once(s('k'), async () => 'sent', WAIT)).toEqual({ duplicate: false, result: 'sent' });
  });

  it('concurrent callers of a failing send all see the failure, and a retry is allowed afterwards', async () => {
    const log = newLog();
    let fail!: (reason: unknown) => void;
    const first = log.once(s('k'), () => new Promise((_, reject) => (fail = reject)), WAIT);
    await claimed('k');
    const second = log.once(s('k'), async () => 'never', WAIT).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 20));
    const failure = new ToolError('ringcentral_error', 'MSG-290');
    fail(failure);
    await expect(first).rejects.toBe(failure);
    expect(await second).toBe(failure);
    expect(await log.once(s('k'), async () => 'ok', WAIT)).toEqual({ duplicate: false, result: 'ok' });
  });

  it('after the window a send happens again', async () => {
    const log = newLog();
    await log.once(s('k'), async () => 'first', WAIT);
    vi.advanceTimersByTime(WINDOW + 1);
    expect(await log.peek(s('k'))).toBeUndefined();
    expect(await log.once(s('k'), async () => 'second', WAIT)).toEqual({ duplicate: false, result: 'second' });
  });

  it('an unknown outcome also expires with the window', async () => {
    const log = newLog();
    await expect(log.once(s('k'), async () => Promise.reject(new ToolError('timeout', 't')), WAIT)).rejects.toThrow();
    vi.advanceTimersByTime(WINDOW + 1);
    expect(await log.once(s('k'), async () => 'retried', WAIT)).toEqual({ duplicate: false, result: 'retried' });
  });

  it('a long pending send is not forgotten with the window', async () => {
    const log = newLog(1000);
    let release!: (value: unknown) => void;
    const send = vi.fn(() => new Promise((resolve) => (release = resolve)));
    const first = log.once(s('k'), send, WAIT);
    await claimed('k');
    vi.advanceTimersByTime(5000);
    const second = newLog(1000).once(s('k'), send, WAIT);
    await new Promise((r) => setTimeout(r, 20));
    release('r');
    expect(await first).toEqual({ duplicate: false, result: 'r' });
    expect(await second).toEqual({ duplicate: true, result: 'r' });
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('a store that does not answer refuses the send (fail closed): state_unavailable, nothing sent', async () => {
    const send = vi.fn(async () => 'sent');
    for (const attempt of [() => new SentLog(downStore).once(s('k'), send, WAIT), () => new SentLog(downStore).peek(s('k'))]) {
      const error = await rejection(attempt());
      expect(error.code).toBe('state_unavailable');
      expect(error.message).toBe(
        'the duplicate check of this send could not run because the shared state (Redis at redis://127.0.0.1:1/) did not answer (not connected); nothing was sent or changed',
      );
    }
    expect(send).not.toHaveBeenCalled();
  });
});

describe('Penalties', () => {
  it('check passes for a group without a penalty', async () => {
    await expect(new Penalties(store()).check('Heavy')).resolves.toBeUndefined();
  });

  it('check throws rate_limited with retryAfterSeconds while the window runs, in every process of the user', async () => {
    const penalties = new Penalties(store());
    await penalties.note('Heavy', 60);
    for (const p of [penalties, new Penalties(store())]) {
      const error = await rejection(p.check('Heavy'));
      expect(error.code).toBe('rate_limited');
      expect(error.details.retryAfterSeconds).toBe(60);
    }
    vi.advanceTimersByTime(45_500);
    const later = await rejection(penalties.check('Heavy'));
    expect(later.details.retryAfterSeconds).toBe(15); // 14.5 s left, rounded up
  });

  it('the window ends: check passes again', async () => {
    const penalties = new Penalties(store());
    await penalties.note('Medium', 10);
    vi.advanceTimersByTime(10_000);
    await expect(penalties.check('Medium')).resolves.toBeUndefined();
    await expect(penalties.check('Medium')).resolves.toBeUndefined();
  });

  it('groups are independent', async () => {
    const penalties = new Penalties(store());
    await penalties.note('Heavy', 60);
    for (const group of ['Light', 'Medium', 'request']) await expect(penalties.check(group)).resolves.toBeUndefined();
    expect((await rejection(penalties.check('Heavy'))).code).toBe('rate_limited');
  });

  it('a new note replaces the window', async () => {
    const penalties = new Penalties(store());
    await penalties.note('Light', 60);
    await penalties.note('Light', 5);
    vi.advanceTimersByTime(5_001);
    await expect(penalties.check('Light')).resolves.toBeUndefined();
  });

  it('a store that does not answer: the process honours the penalties it noted, and other calls go ahead', async () => {
    const penalties = new Penalties(downStore);
    await penalties.note('Heavy', 60);
    const error = await rejection(penalties.check('Heavy'));
    expect([error.code, error.details.retryAfterSeconds]).toEqual(['rate_limited', 60]);
    // A penalty is a courtesy, not a safety check: what nobody noted here does not block.
    await expect(penalties.check('Light')).resolves.toBeUndefined();
    await expect(new Penalties(downStore).check('Heavy')).resolves.toBeUndefined();
    vi.advanceTimersByTime(60_000);
    await expect(penalties.check('Heavy')).resolves.toBeUndefined();
  });

  it('a store that answers is the one that counts, even over what this process noted', async () => {
    const penalties = new Penalties(store());
    await penalties.note('Heavy', 60);
    await store().delete('penalty:Heavy');
    await expect(penalties.check('Heavy')).resolves.toBeUndefined();
  });
});
