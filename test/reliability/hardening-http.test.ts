/**
 * Finding 7 (and the short-token part of 11) over real HTTP: client-aborted calls leave nothing
 * in flight and no CLI running; one POST cannot queue a batch of thousands of CLI runs; a short
 * loopback token is warned about.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttp, type HttpHandle } from '../../dist/src/index.js';
import { spawnHttp } from '../reach/helpers.js';
import { alive, makeSandbox, spawnLog, waitFor, type Sandbox } from './harness.js';

const call = (id: number, name = 'ringcentral_get_account_info') => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});
const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
const health = async (h: HttpHandle) => (await (await fetch(h.url.replace('/mcp', '/healthz'))).json()) as { inFlight: number };

describe('HTTP hardening', () => {
  let sandbox: Sandbox;
  let h: HttpHandle;
  beforeAll(async () => {
    sandbox = makeSandbox();
    h = await startHttp({ sandbox: true, warmup: false, env: sandbox.env, timeoutMs: 60_000 }, { port: 0 });
  });
  afterAll(async () => {
    await h.close();
    sandbox.cleanup();
  });

  it('client-aborted calls bring inFlight back to 0 and stop their CLI runs', async () => {
    expect((await post(h.url, call(1))).status).toBe(200); // resolves the connection and action ids
    const before = spawnLog(sandbox).length;
    sandbox.setFault('hang');
    const controllers = Array.from({ length: 12 }, () => new AbortController());
    const calls = controllers.map((c, i) => post(h.url, call(100 + i), c.signal).catch((error: Error) => error.name));
    // Four run (the concurrency limit), the others wait for a slot.
    await waitFor(() => spawnLog(sandbox).length >= before + 4, 'four hung CLI runs');
    await waitFor(async () => (await health(h)).inFlight === 12, 'all twelve calls in flight');
    for (const c of controllers) c.abort();
    expect(await Promise.all(calls)).toEqual(Array(12).fill('AbortError'));
    await waitFor(async () => (await health(h)).inFlight === 0, 'inFlight back to 0');
    expect(h.inFlight()).toBe(0);
    const hung = spawnLog(sandbox).slice(before);
    await waitFor(() => hung.every((r) => !alive(r.pid)), 'the aborted CLI runs to be stopped', 5000);
    // The queued ones never started, and the slots are free again.
    expect(hung.length).toBe(4);
    sandbox.setFault('');
    const after = await post(h.url, call(200));
    expect(after.status).toBe(200);
    const answer = (await after.json()) as { result: { isError?: boolean; structuredContent?: { record?: { id?: unknown } } } };
    expect(answer.result.isError).toBeUndefined();
    expect(typeof answer.result.structuredContent?.record?.id).toBe('number');
  });

  it('memory returns to idle after hundreds of aborted calls (live heap after a full GC)', async () => {
    // This worker runs the server in process: a full GC, then the live heap, before and after.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const liveHeap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const abortedRound = async (round: number) => {
      const controllers = Array.from({ length: 12 }, () => new AbortController());
      const calls = controllers.map((c, i) => post(h.url, call(1000 + round * 20 + i), c.signal).catch(() => 'aborted'));
      await waitFor(async () => (await health(h)).inFlight === 12, 'all twelve calls in flight');
      for (const c of controllers) c.abort();
      await Promise.all(calls);
      await waitFor(async () => (await health(h)).inFlight === 0, 'inFlight back to 0');
    };
    sandbox.setFault('hang');
    try {
      // Warm-up: the live heap settles over the first few hundred calls (compiled code, caches), then stays flat.
      for (let round = 0; round < 10; round++) await abortedRound(round);
      const idle = liveHeap();
      for (let round = 10; round < 35; round++) await abortedRound(round); // 300 aborted calls
      // Measured: within about 1 MB. Keeping each aborted call (the bug: about 90 kB each) would add 27 MB.
      expect(liveHeap() - idle).toBeLessThan(4 * 1024 * 1024);
    } finally {
      sandbox.setFault('');
    }
  });

  it('a JSON-RPC batch of tool calls is bounded: 17 messages in one POST are refused, nothing runs', async () => {
    const before = spawnLog(sandbox).length;
    const res = await post(
      h.url,
      Array.from({ length: 17 }, (_, i) => call(300 + i)),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'a batch of 17 JSON-RPC messages; at most 16 in one POST' },
      id: null,
    });
    expect(spawnLog(sandbox).length).toBe(before);
    expect(h.inFlight()).toBe(0);
  });

  it('a loopback token shorter than 16 characters is warned about on stderr', async () => {
    const child = await spawnHttp(['--sandbox', '--no-warmup'], { ...sandbox.env, RINGCENTRAL_MCP_HTTP_TOKEN: 'short' });
    try {
      expect(child.stderr()).toContain(
        'ringcentral-mcp: warning: the bearer token has 5 characters; use at least 16 (openssl rand -hex 32)',
      );
    } finally {
      await child.stop();
    }
    const good = await spawnHttp(['--sandbox', '--no-warmup'], { ...sandbox.env, RINGCENTRAL_MCP_HTTP_TOKEN: 'a-token-of-enough-length' });
    try {
      expect(good.stderr()).not.toContain('warning');
    } finally {
      await good.stop();
    }
  });
});
