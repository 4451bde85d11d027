/** src/membrane/limiter.ts: a FIFO semaphore with abortable waiters. */
import fc from 'fast-check';
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Limiter, MAX_QUEUED_PER_PERSON, ServerBusy } from '../../src/membrane/limiter.js';
import { ToolError } from '../../src/errors.js';

/** A promise the test resolves or rejects by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask and promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('rejects a concurrency that is not a whole number >= 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new Limiter(bad)).toThrow(new RangeError(`concurrency must be a whole number >= 1, got ${bad}`));
    }
    expect(new Limiter(1).running).toBe(0);
  });

  it('a waiter that gets its slot stops listening to its signal; aborting it later changes nothing', async () => {
    const limiter = new Limiter(1);
    const gate = deferred();
    const holder = limiter.run(() => gate.promise);
    const controller = new AbortController();
    const waiter = limiter.run(async () => 'ran', controller.signal);
    await settle();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    gate.resolve();
    await expect(waiter).resolves.toBe('ran');
    await holder;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    expect([limiter.running, limiter.waiting]).toEqual([0, 0]);
  });

  it('a waiter that aborts leaves no listener behind', async () => {
    const limiter = new Limiter(1);
    const gate = deferred();
    const holder = limiter.run(() => gate.promise);
    const controller = new AbortController();
    const waiter = limiter.run(async () => 'ran', controller.signal);
    await settle();
    controller.abort(new Error('stop'));
    await expect(waiter).rejects.toThrow('stop');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    gate.resolve();
    await holder;
  });

  it('never runs more than max tasks at once (property over max, task count and durations)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 25 }),
        async (max, ticks) => {
          const limiter = new Limiter(max, ticks.length);
          let active = 0;
          let peak = 0;
          const results = await Promise.all(
            ticks.map((n, i) =>
              limiter.run(async () => {
                active++;
                peak = Math.max(peak, active);
                expect(limiter.running).toBeLessThanOrEqual(max);
                for (let k = 0; k <= n; k++) await settle(); // at least one macrotask, so tasks overlap
                active--;
                return i;
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(max);
          expect(peak).toBe(Math.min(max, ticks.length));
          expect(results).toEqual(ticks.map((_, i) => i));
          expect(limiter.running).toBe(0);
          expect(limiter.waiting).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('starts waiters in arrival order (FIFO)', async () => {
    const limiter = new Limiter(1);
    const gate = deferred();
    const started: number[] = [];
    const first = limiter.run(async () => {
      started.push(0);
      await gate.promise;
    });
    const rest = [1, 2, 3, 4, 5].map((i) => limiter.run(async () => void started.push(i)));
    await settle();
    expect(started).toEqual([0]);
    expect(limiter.waiting).toBe(5);
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('FIFO with max 2: the order of starts is the order of calls', async () => {
    const limiter = new Limiter(2);
    const gates = Array.from({ length: 6 }, () => deferred());
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i);
        await g.promise;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const g of gates) g.resolve();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('releases the slot when a task throws', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
    expect(limiter.running).toBe(0);
  });

  it('an aborted waiter leaves the queue without running its task and rejects', async () => {
    const limiter = new Limiter(1);
    const gate = deferred();
    const ran: string[] = [];
    const holder = limiter.run(async () => {
      ran.push('holder');
      await gate.promise;
    });
    const controller = new AbortController();
    const aborted = limiter.run(async () => void ran.push('aborted'), controller.signal);
    const after = limiter.run(async () => void ran.push('after'));
    await settle();
    expect(limiter.waiting).toBe(2);

    const reason = new Error('client cancelled');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(limiter.waiting).toBe(1);

    gate.resolve();
    await Promise.all([holder, after]);
    expect(ran).toEqual(['holder', 'after']);
    expect(limiter.running).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it('an already-aborted signal rejects at once and takes no slot', async () => {
    const limiter = new Limiter(1);
    const controller = new AbortController();
    controller.abort(new Error('already'));
    let ran = false;
    await expect(limiter.run(async () => void (ran = true), controller.signal)).rejects.toThrow('already');
    expect(ran).toBe(false);
    expect(limiter.running).toBe(0);
    await expect(limiter.run(async () => 1)).resolves.toBe(1);
  });

  it('aborting after the task started does not disturb the count', async () => {
    const limiter = new Limiter(1);
    const controller = new AbortController();
    const gate = deferred();
    const running = limiter.run(async () => {
      await gate.promise;
      return 'done';
    }, controller.signal);
    await settle();
    controller.abort();
    gate.resolve();
    await expect(running).resolves.toBe('done');
    expect(limiter.running).toBe(0);
    await expect(limiter.run(async () => 2)).resolves.toBe(2);
  });

  describe('per person', () => {
    /** A limiter with `max` slots held by `holders` calls of `person`, released by hand one at a time. */
    function held(limiter: Limiter, started: string[], name: string) {
      const gate = deferred();
      const done = limiter.run(
        async () => {
          started.push(name);
          await gate.promise;
        },
        { person: name.split('#')[0] },
      );
      return { release: () => gate.resolve(), done };
    }

    it("one person flooding: another's single call takes the next free slot (property over slots and flood size)", async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 }), async (max, extra) => {
          const limiter = new Limiter(max);
          const started: string[] = [];
          const flood = Array.from({ length: max + extra }, (_, i) => held(limiter, started, `alice#${i}`));
          await settle();
          const bob = held(limiter, started, 'bob');
          await settle();
          expect(started).toHaveLength(max);
          flood[0].release();
          await settle();
          // The one slot that came free went to bob, ahead of every waiting call of alice.
          expect(started).toHaveLength(max + 1);
          expect(started.at(-1)).toBe('bob');
          for (const call of flood) call.release();
          bob.release();
          await Promise.all([...flood.map((c) => c.done), bob.done]);
          expect(limiter.running).toBe(0);
          expect(limiter.waiting).toBe(0);
        }),
        { numRuns: 30 },
      );
    });

    it('takes turns between waiting persons, each in their own arrival order', async () => {
      const limiter = new Limiter(1);
      const started: string[] = [];
      const first = held(limiter, started, 'alice#0');
      const calls = ['alice#1', 'alice#2', 'alice#3', 'bob#1', 'bob#2', 'carol#1'].map((n) => held(limiter, started, n));
      await settle();
      for (const call of [first, ...calls]) {
        call.release();
        await settle();
      }
      await Promise.all(calls.map((c) => c.done));
      expect(started).toEqual(['alice#0', 'bob#1', 'carol#1', 'alice#1', 'bob#2', 'alice#2', 'alice#3']);
    });

    it(`refuses at once a call beyond the person's queue bound (${MAX_QUEUED_PER_PERSON}) as rate_limited with a retry time; others still queue`, async () => {
      const limiter = new Limiter(1);
      const started: string[] = [];
      const holder = held(limiter, started, 'alice#0');
      const queued = Array.from({ length: MAX_QUEUED_PER_PERSON }, (_, i) => held(limiter, started, `alice#${i + 1}`));
      await settle();
      const refused = await limiter.run(async () => 'ran', { person: 'alice' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ServerBusy);
      const error = refused as ToolError;
      expect(error.code).toBe('rate_limited');
      expect(error.message).toBe(
        `the server is busy: all 1 CLI slots are in use and ${MAX_QUEUED_PER_PERSON} of your calls are already waiting (at most ${MAX_QUEUED_PER_PERSON}); this one was not run`,
      );
      expect(error.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(error.details.fix).toBe(`wait ${error.details.retryAfterSeconds} s, or send fewer calls at once`);
      expect(limiter.waiting).toBe(MAX_QUEUED_PER_PERSON);
      const bob = held(limiter, started, 'bob');
      await settle();
      expect(limiter.waiting).toBe(MAX_QUEUED_PER_PERSON + 1);
      for (const call of [holder, bob, ...queued]) call.release();
      await Promise.all([holder.done, bob.done, ...queued.map((c) => c.done)]);
      expect(started).toHaveLength(MAX_QUEUED_PER_PERSON + 2);
    });

    it('a waiter whose deadline passes leaves the queue, refused without running; the slot order goes on', async () => {
      const limiter = new Limiter(1);
      const started: string[] = [];
      const holder = held(limiter, started, 'alice#0');
      const late = limiter
        .run(async () => void started.push('late'), { person: 'bob', deadline: Date.now() + 20 })
        .catch((error: unknown) => error);
      const next = held(limiter, started, 'carol');
      const refused = (await late) as ToolError;
      expect(refused).toBeInstanceOf(ServerBusy);
      expect(refused.code).toBe('rate_limited');
      expect(refused.message).toBe(
        "no CLI slot came free within the call's timeout: all 1 were in use the whole time; this one was not run",
      );
      expect(limiter.waiting).toBe(1);
      holder.release();
      next.release();
      await Promise.all([holder.done, next.done]);
      expect(started).toEqual(['alice#0', 'carol']);
    });
  });
});
