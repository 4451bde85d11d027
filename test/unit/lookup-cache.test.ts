/** src/membrane/context.ts LookupCache: one load per key, shared by callers that each may cancel. */
import { describe, expect, it } from 'vitest';
import { LookupCache } from '../../src/membrane/call-context.js';
import { ToolError } from '../../src/errors.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

/** A load the test ends by hand, which records the signal it was given. */
function loader() {
  const gate = deferred<string>();
  const seen: AbortSignal[] = [];
  const load = (signal: AbortSignal) => {
    seen.push(signal);
    return gate.promise;
  };
  return { load, gate, seen };
}

const cancelled = { code: 'cancelled', message: 'the call was cancelled by the client' };
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error as ToolError).toJSON?.() ?? error,
  );

describe('LookupCache', () => {
  it("one caller's cancel ends only its own wait: the load goes on with its own signal and the other caller gets the value", async () => {
    const cache = new LookupCache();
    const { load, gate, seen } = loader();
    const a = new AbortController();
    const b = new AbortController();
    const first = cache.forCall(a.signal).get('senders', load);
    const second = cache.forCall(b.signal).get('senders', load);
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toBe(a.signal);
    a.abort();
    expect(await caught(first)).toEqual(cancelled); // at once: the load has not ended
    expect(seen[0].aborted).toBe(false);
    gate.resolve('+16505550100');
    await expect(second).resolves.toBe('+16505550100');
    // Kept: the next caller gets it without a load.
    await expect(cache.forCall(new AbortController().signal).get('senders', load)).resolves.toBe('+16505550100');
    expect(seen).toHaveLength(1);
  });

  it('when every caller has gone the load is stopped and forgotten; the next caller starts afresh', async () => {
    const cache = new LookupCache();
    const { load, seen } = loader();
    const callers = [new AbortController(), new AbortController()];
    const waits = callers.map((c) => cache.forCall(c.signal).get('chats', load));
    callers[0].abort();
    expect(seen[0].aborted).toBe(false);
    callers[1].abort();
    expect(seen[0].aborted).toBe(true);
    expect(await Promise.all(waits.map(caught))).toEqual([cancelled, cancelled]);
    const next = loader();
    const fresh = cache.forCall(new AbortController().signal).get('chats', next.load);
    expect(next.seen).toHaveLength(1);
    next.gate.resolve('again');
    await expect(fresh).resolves.toBe('again');
  });

  it('a caller without a signal keeps the load running; an already cancelled caller starts nothing', async () => {
    const cache = new LookupCache();
    const { load, gate, seen } = loader();
    const pinned = cache.get('me', load);
    const a = new AbortController();
    const waiting = cache.forCall(a.signal).get('me', load);
    a.abort();
    expect(await caught(waiting)).toEqual(cancelled);
    expect(seen[0].aborted).toBe(false);
    gate.resolve('42');
    await expect(pinned).resolves.toBe('42');
    expect(await caught(cache.forCall(AbortSignal.abort()).get('other', load))).toEqual(cancelled);
    expect(seen).toHaveLength(1);
  });

  it('a failed load is not kept, and each waiter gets its error', async () => {
    const cache = new LookupCache();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new ToolError('membrane_error', 'boom'));
    };
    const waits = [cache.forCall(new AbortController().signal).get('x', failing), cache.get('x', failing)];
    expect((await Promise.all(waits.map(caught))).map((e) => (e as { message: string }).message)).toEqual(['boom', 'boom']);
    await caught(cache.get('x', failing));
    expect(calls).toBe(2);
  });

  it('one call asks once per key: the same answer again, even after the shared entry has expired or been reloaded', async () => {
    const cache = new LookupCache(0);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    const call = cache.forCall(new AbortController().signal);
    expect([await call.get('sender', load), await call.get('sender', load)]).toEqual([1, 1]);
    expect(await cache.forCall(undefined).get('sender', load)).toBe(2);
    call.delete('sender');
    expect(await call.get('sender', load)).toBe(3);
  });
});
