/** src/guards.ts: SMS send memory (idempotency) and rate-limit penalty windows. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { Penalties, rateGroup, SentLog } from '../../src/guards.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-15T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const WINDOW = 10 * 60_000;

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
    const log = new SentLog(WINDOW);
    const send = vi.fn(async () => ({ id: 'm1', messageStatus: 'Queued' }));
    expect(await log.once('k', send)).toEqual({ duplicate: false, result: { id: 'm1', messageStatus: 'Queued' } });
    vi.advanceTimersByTime(WINDOW - 1000);
    expect(await log.once('k', async () => ({ id: 'm2' }))).toEqual({ duplicate: true, result: { id: 'm1', messageStatus: 'Queued' } });
    expect(send).toHaveBeenCalledTimes(1);
    expect(log.peek('k')).toEqual({ id: 'm1', messageStatus: 'Queued' });
  });

  it('different keys are independent', async () => {
    const log = new SentLog(WINDOW);
    await log.once('a', async () => 'A');
    expect(await log.once('b', async () => 'B')).toEqual({ duplicate: false, result: 'B' });
    expect(log.peek('c')).toBeUndefined();
  });

  it('concurrent identical sends run once; both get the same result', async () => {
    const log = new SentLog(WINDOW);
    let release!: (value: unknown) => void;
    const send = vi.fn(() => new Promise((resolve) => (release = resolve)));
    const first = log.once('k', send);
    const second = log.once('k', send);
    const third = log.once('k', send);
    expect(log.peek('k')).toBeUndefined(); // pending is not a result yet
    release({ id: 'm1' });
    expect(await first).toEqual({ duplicate: false, result: { id: 'm1' } });
    expect(await second).toEqual({ duplicate: true, result: { id: 'm1' } });
    expect(await third).toEqual({ duplicate: true, result: { id: 'm1' } });
    expect(send).toHaveBeenCalledTimes(1);
  });

  for (const code of ['timeout', 'cancelled', 'cli_crashed', 'unparseable_output', 'output_too_large'] as const) {
    it(`a ${code} failure blocks repeats with not_allowed (the SMS may have gone out)`, async () => {
      const log = new SentLog(WINDOW);
      const failure = new ToolError(code, 'no answer');
      await expect(log.once('k', async () => Promise.reject(failure))).rejects.toBe(failure);
      const send = vi.fn(async () => 'second');
      vi.advanceTimersByTime(30_000);
      const error = await rejection(log.once('k', send));
      expect(error.code).toBe('not_allowed');
      expect(error.message).toContain(code);
      expect(error.message).toMatch(/30 s ago/);
      expect(error.details.fix).toMatch(/idempotencyKey/);
      expect(send).not.toHaveBeenCalled();
      expect(log.peek('k')).toBeUndefined();
    });
  }

  it('other failures allow a retry', async () => {
    const log = new SentLog(WINDOW);
    for (const failure of [new ToolError('ringcentral_error', 'MSG-243'), new ToolError('rate_limited', 'slow down'), new Error('plain')]) {
      await expect(log.once('k', async () => Promise.reject(failure))).rejects.toBe(failure);
    }
    expect(await log.once('k', async () => 'sent')).toEqual({ duplicate: false, result: 'sent' });
  });

  it('concurrent callers of a failing send all see the failure, and a retry is allowed afterwards', async () => {
    const log = new SentLog(WINDOW);
    let fail!: (reason: unknown) => void;
    const first = log.once('k', () => new Promise((_, reject) => (fail = reject)));
    const second = log.once('k', async () => 'never');
    const failure = new ToolError('ringcentral_error', 'MSG-290');
    fail(failure);
    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(await log.once('k', async () => 'ok')).toEqual({ duplicate: false, result: 'ok' });
  });

  it('after the window a send happens again', async () => {
    const log = new SentLog(WINDOW);
    await log.once('k', async () => 'first');
    vi.advanceTimersByTime(WINDOW + 1);
    expect(log.peek('k')).toBeUndefined();
    expect(await log.once('k', async () => 'second')).toEqual({ duplicate: false, result: 'second' });
  });

  it('an unknown outcome also expires with the window', async () => {
    const log = new SentLog(WINDOW);
    await expect(log.once('k', async () => Promise.reject(new ToolError('timeout', 't')))).rejects.toThrow();
    vi.advanceTimersByTime(WINDOW + 1);
    expect(await log.once('k', async () => 'retried')).toEqual({ duplicate: false, result: 'retried' });
  });

  it('a long pending send is not pruned by the window', async () => {
    const log = new SentLog(1000);
    let release!: (value: unknown) => void;
    const send = vi.fn(() => new Promise((resolve) => (release = resolve)));
    const first = log.once('k', send);
    vi.advanceTimersByTime(5000);
    const second = log.once('k', send);
    release('r');
    expect(await first).toEqual({ duplicate: false, result: 'r' });
    expect(await second).toEqual({ duplicate: true, result: 'r' });
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('Penalties', () => {
  it('check passes for a group without a penalty', () => {
    expect(() => new Penalties().check('Heavy')).not.toThrow();
  });

  it('check throws rate_limited with retryAfterSeconds while the window runs', () => {
    const penalties = new Penalties();
    penalties.note('Heavy', 60);
    let error: unknown;
    try {
      penalties.check('Heavy');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('rate_limited');
    expect((error as ToolError).details.retryAfterSeconds).toBe(60);

    vi.advanceTimersByTime(45_500);
    try {
      penalties.check('Heavy');
      throw new Error('expected rate_limited');
    } catch (e) {
      expect((e as ToolError).code).toBe('rate_limited');
      expect((e as ToolError).details.retryAfterSeconds).toBe(15); // 14.5 s left, rounded up
    }
  });

  it('the window ends: check passes again', () => {
    const penalties = new Penalties();
    penalties.note('Medium', 10);
    vi.advanceTimersByTime(10_000);
    expect(() => penalties.check('Medium')).not.toThrow();
    expect(() => penalties.check('Medium')).not.toThrow();
  });

  it('groups are independent', () => {
    const penalties = new Penalties();
    penalties.note('Heavy', 60);
    expect(() => penalties.check('Light')).not.toThrow();
    expect(() => penalties.check('Medium')).not.toThrow();
    expect(() => penalties.check('request')).not.toThrow();
    expect(() => penalties.check('Heavy')).toThrow(ToolError);
  });

  it('a new note replaces the window', () => {
    const penalties = new Penalties();
    penalties.note('Light', 60);
    penalties.note('Light', 5);
    vi.advanceTimersByTime(5_001);
    expect(() => penalties.check('Light')).not.toThrow();
  });
});

describe('rateGroup', () => {
  it('maps actions to RingCentral throttling groups, unknown to other', () => {
    expect(rateGroup('list-contacts')).toBe('Heavy');
    expect(rateGroup('get-message')).toBe('Light');
    expect(rateGroup('send-sms')).toBe('Medium');
    expect(rateGroup('unknown-action')).toBe('other');
    expect(rateGroup(undefined)).toBe('other');
  });
});
