/**
 * Soak: a few thousand tool calls at concurrency 16 over raw stdio against five servers:
 * "clean" (successes, reads and writes, dry runs, duplicate sends, invalid input), "faulty" (its
 * fault file switches to a new sandbox fault between waves: every fault, and none), "limited"
 * (every RingCentral call answers 429: after the first, calls must fail fast without the CLI),
 * "huge" (the CLI prints 30 MB each time: the calls of the `huge` wave go there) and "hung" (the
 * calls of the `hang` and `hang-with-child` waves, with a 4 s timeout that no other call needs to
 * survive: under load a healthy CLI run can take over a second on 2 cores).
 * Every answer must be the one its wave allows (zero unexpected failures); afterwards no CLI
 * process of these sandboxes is left, each server's RSS (read after a forced full GC) is within a
 * small margin of its RSS after the two warm-up cycles, and every stdout line was valid JSON-RPC.
 * `npm test` runs a short soak (every wave once, a few hundred calls); `npm run soak` runs the long
 * one (RINGCENTRAL_MCP_SOAK_CALLS=2000), which alone has enough calls after its warm-up to tell a
 * leak from the process reaching its working size, so the memory check is made there only.
 * RINGCENTRAL_MCP_SOAK_DEBUG=1 prints each server's RSS (after a full GC) after every cycle of waves.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { jsonRpcProblem, processesOf, rssKb, spawnLog, startRaw, waitFor, type RawServer } from './harness.js';

const CALLS = Number(process.env.RINGCENTRAL_MCP_SOAK_CALLS) || 0;
const LONG = CALLS >= 1000;
const CONCURRENCY = 16;
/** Calls per wave: the short soak still meets every fault, in a cycle of about 100 calls. */
const PER_WAVE = LONG ? 28 : 6;

type Lane = 'clean' | 'faulty' | 'limited' | 'huge' | 'hung';

interface Call {
  lane: Lane;
  tool: string;
  args: Record<string, unknown>;
  /** Codes this call may end in; 'ok' is success. */
  allowed: string[];
}

/** What a call on the faulty server may end in, per fault (cold or warm resolution alike). */
const FAULTS: Record<string, string[]> = {
  '': ['ok'],
  'not-logged-in': ['not_logged_in'],
  'no-connection': ['no_connection'],
  // Warm, the chosen connection keeps working; after an invalidation, resolution sees two.
  'two-connections': ['ok', 'several_connections'],
  disconnected: ['connection_not_ready'],
  building: ['connection_not_ready'],
  'config-error': ['connection_not_ready'],
  'upstream-error': ['ringcentral_error'],
  'server-error': ['membrane_error'],
  hang: ['timeout'],
  'hang-with-child': ['timeout'],
  slow: ['ok'],
  'lingering-child': ['ok'],
  garbage: ['unparseable_output'],
  banner: ['ok'],
  huge: ['output_too_large'],
  crash: ['cli_crashed'],
  'stderr-only': ['membrane_error'],
};
const WAVES = Object.keys(FAULTS);

const READS: Array<[string, Record<string, unknown>]> = [
  ['ringcentral_get_account_info', {}],
  ['ringcentral_list_messages', { limit: 5 }],
  ['ringcentral_list_contacts', { limit: 5 }],
  ['ringcentral_list_extensions', { limit: 10 }],
  ['ringcentral_get_call_log', { limit: 5 }],
  ['ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/extension/~' }],
];

const INVALID: Array<[string, Record<string, unknown>]> = [
  ['ringcentral_get_contact', { contactId: '--help' }],
  ['ringcentral_api_request', { method: 'GET', path: 'https://evil.example.com/restapi/v1.0' }],
  ['ringcentral_send_sms', { to: ['-6505550142'], text: 'x' }],
  ['ringcentral_list_messages', { limit: 0 }],
];

/** The calls of one wave: `size` calls, mixed like a busy agent's. */
function wave(fault: string, size: number, index: number): Call[] {
  const calls: Call[] = [];
  // A hanging CLI holds a slot for the whole timeout; a huge one prints 16 MB: fewer of those.
  const faulty = fault.startsWith('hang') ? 4 : fault === 'huge' ? 3 : Math.round(size * 0.2);
  for (let i = 0; calls.length < size; i++) {
    const pick = (i * 7 + index) % 20;
    if (i < faulty) {
      const [tool, args] = READS[i % 3];
      calls.push({ lane: fault === 'huge' ? 'huge' : fault.startsWith('hang') ? 'hung' : 'faulty', tool, args, allowed: FAULTS[fault] });
    } else if (pick < 5) {
      const [tool, args] = READS[(i + index) % READS.length];
      calls.push({ lane: 'clean', tool, args, allowed: ['ok'] });
    } else if (pick < 7) {
      calls.push({ lane: 'limited', tool: READS[i % 3][0], args: READS[i % 3][1], allowed: ['rate_limited'] });
    } else if (pick < 12) {
      const [tool, args] = INVALID[i % INVALID.length];
      calls.push({ lane: i % 2 ? 'clean' : 'faulty', tool, args, allowed: ['invalid_input'] });
    } else if (pick < 15) {
      // Dry runs (no CLI once resolved) and repeated sends (answered from memory after the first).
      calls.push({
        lane: 'clean',
        tool: 'ringcentral_api_request',
        args: {
          method: 'POST',
          path: '/restapi/v1.0/account/~/extension/~/address-book/contact',
          body: JSON.stringify({ firstName: `w${index}` }),
          dryRun: true,
        },
        allowed: ['ok'],
      });
    } else if (pick < 17) {
      calls.push({
        lane: 'clean',
        tool: 'ringcentral_send_sms',
        args: { to: ['+16505550142'], text: `soak wave ${index % 5}` },
        allowed: ['ok'],
      });
    } else if (pick < 18) {
      calls.push({
        lane: 'clean',
        tool: 'ringcentral_create_contact',
        args: { firstName: 'Soak', lastName: `W${index}-${i}` },
        allowed: ['ok'],
      });
    } else {
      const [tool, args] = READS[i % READS.length];
      calls.push({ lane: 'clean', tool, args, allowed: ['ok'] });
    }
  }
  return calls;
}

const servers: Partial<Record<Lane, RawServer>> = {};
/** Tool calls answered per server: each answer is one stdout line. */
const answered: Partial<Record<Lane, number>> = {};
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.close()));
});

function outcome(answer: any): string {
  if (answer.error) return `jsonrpc_error ${answer.error.code}`;
  if (!answer.result.isError) return 'ok';
  const text = String(answer.result.content?.[0]?.text ?? '');
  if (/^MCP error -32602: Input validation error/.test(text)) return 'invalid_input';
  return /^(\w+): /.exec(text)?.[1] ?? `unrecognised: ${text.slice(0, 80)}`;
}

async function runPool(calls: Call[], unexpected: string[]): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < calls.length) {
      const call = calls[next++];
      const answer = await servers[call.lane]!.request('tools/call', { name: call.tool, arguments: call.args });
      answered[call.lane] = (answered[call.lane] ?? 0) + 1;
      const got = outcome(answer);
      if (!call.allowed.includes(got))
        unexpected.push(
          `${call.lane} ${call.tool} ${JSON.stringify(call.args).slice(0, 80)}: ${got} (allowed ${call.allowed.join('|')}) ${answer.result?.content?.[0]?.text?.slice(0, 160) ?? ''}`,
        );
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done;
}

/** One pass over every wave: `perWave` calls each, the faulty server's fault switched in between. */
async function cycle(perWave: number, offset: number, unexpected: string[], budget = Infinity): Promise<number> {
  let total = 0;
  for (let w = 0; w < WAVES.length && total < budget; w++) {
    const fault = WAVES[w];
    servers.faulty!.sandbox.setFault(fault);
    servers.hung!.sandbox.setFault(fault.startsWith('hang') ? fault : '');
    total += await runPool(wave(fault, Math.min(perWave, budget - total), offset + w), unexpected);
  }
  servers.faulty!.sandbox.setFault('');
  servers.hung!.sandbox.setFault('');
  return total;
}

describe('soak', () => {
  it(
    `${LONG ? CALLS : 'a cycle of'} calls at concurrency ${CONCURRENCY} through every fault: no unexpected failure, no leftover process${LONG ? ', no growth' : ''}`,
    async () => {
      // RSS is read right after a full GC (gcOnSignal), with glibc told to hand freed memory back at
      // once (fixed trim and mmap thresholds), so two readings compare live memory, not GC timing or
      // allocator caching.
      const memory = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '131072' };
      servers.clean = startRaw({ args: ['--confirm', 'off'], env: memory, gcOnSignal: true });
      servers.faulty = startRaw({ args: ['--timeout', '20000'], env: { ...memory, MEMBRANE_SANDBOX_DELAY_MS: '150' }, gcOnSignal: true });
      servers.limited = startRaw({ env: { ...memory, MEMBRANE_SANDBOX_FAULT: 'rate-limit' }, gcOnSignal: true });
      servers.huge = startRaw({ env: { ...memory, MEMBRANE_SANDBOX_FAULT: 'huge' }, gcOnSignal: true });
      servers.hung = startRaw({ args: ['--timeout', '4000'], env: memory, gcOnSignal: true });
      const lanes = Object.entries(servers) as Array<[Lane, RawServer]>;
      await Promise.all(lanes.map(([, s]) => s.initialize()));
      // The hung lane resolves its ids first, so its hangs hit the per-call `action run` (whose
      // process group the timeout kills) and not only the shared resolution.
      for (const [tool, args] of READS.slice(0, 3)) {
        expect(outcome(await servers.hung.request('tools/call', { name: tool, arguments: args })), tool).toBe('ok');
      }

      const unexpected: string[] = [];
      const started = Date.now();
      // Warm-up (long soak): two full cycles of waves (~950 calls). Every code path (and the 16 MB
      // buffers) ran, and the process reached its working size: measured after a full GC, RSS grows
      // ~17 MB over the first ~1,000 calls (code, caches, allocator arenas), then stays flat over 6,000 more.
      const perWave = PER_WAVE;
      const warmCalls = LONG ? (await cycle(perWave, 0, unexpected)) + (await cycle(perWave, 50, unexpected)) : 0;
      const rssNow = async () => {
        await Promise.all(lanes.map(([, s]) => s.gc()));
        return Object.fromEntries(lanes.map(([lane, s]) => [lane, rssKb(s.proc.pid!)])) as Record<Lane, number>;
      };
      const warmRss = await rssNow();

      let calls = 0;
      if (LONG) {
        for (let round = 1; calls < CALLS; round++) {
          calls += await cycle(perWave * 2, round * 100, unexpected, CALLS - calls);
          if (process.env.RINGCENTRAL_MCP_SOAK_DEBUG) console.log(round, calls, JSON.stringify(await rssNow()));
        }
      } else {
        calls = await cycle(perWave, 100, unexpected);
      }
      const seconds = (Date.now() - started) / 1000;

      expect(unexpected.slice(0, 20)).toEqual([]);
      expect(calls).toBe(LONG ? CALLS : perWave * WAVES.length);

      // Nothing of the CLI is left running: every call's process group was reaped.
      for (const [lane, s] of lanes) {
        await waitFor(
          () => processesOf(s.sandbox.dir).length === 0,
          `no ${lane} CLI process left: ${JSON.stringify(processesOf(s.sandbox.dir))}`,
          20_000,
        );
      }

      // The 429 lane reached the CLI only to learn of each penalty (three groups, again when a 60 s window ends).
      const limitedRuns = spawnLog(servers.limited.sandbox).filter((r) => r.argv[0] === 'action' && r.argv[1] === 'run').length;
      expect(limitedRuns).toBeGreaterThanOrEqual(1);
      // At most one in-flight call per slot can meet each group before its penalty is noted.
      expect(limitedRuns).toBeLessThanOrEqual(3 * 4 * (1 + Math.ceil(seconds / 60)));

      const afterRss = await rssNow();
      const report: string[] = [`${warmCalls} warm-up + ${calls} calls in ${seconds.toFixed(1)} s`];
      for (const [lane, s] of lanes) {
        const [warm, after] = [warmRss[lane], afterRss[lane]];
        report.push(
          `${lane}: RSS after a full GC ${(warm / 1024).toFixed(1)} MB after warm-up, ${(after / 1024).toFixed(1)} MB after the run; ${spawnLog(s.sandbox).length} CLI runs`,
        );
        // Run to run, this reading still varies by several MB; a leak of 6 kB per call would add 12 MB
        // over 2,000 calls. The huge lane settles in steps of its 16 MB output buffers (up to 4 at
        // once) over its first calls; keeping one buffer per call would add 16 MB x 6+ calls, well
        // past its 64 MB margin.
        const margin = lane === 'huge' ? 64 * 1024 : Math.max(12 * 1024, warm * 0.12);
        if (LONG) expect(after, `${lane} RSS grew from ${warm} kB to ${after} kB`).toBeLessThanOrEqual(warm + margin);
      }
      console.log(report.join('\n'));

      // Every stdout line of every server was a JSON-RPC 2.0 message.
      for (const [lane, s] of lanes) {
        expect(s.lines.length).toBeGreaterThanOrEqual(answered[lane] ?? 0);
        expect(answered[lane]).toBeGreaterThan(0);
        const problems = s.lines.map((line) => jsonRpcProblem(line)).filter(Boolean);
        expect(problems.slice(0, 5), lane).toEqual([]);
      }

      // And they close cleanly, leaving nothing behind.
      await Promise.all(lanes.map(([, s]) => s.close()));
      for (const [lane, s] of lanes) {
        expect(await s.exited, lane).toEqual({ code: 0, signal: null });
        expect(processesOf(s.sandbox.dir), lane).toEqual([]);
      }
      for (const lane of Object.keys(servers) as Lane[]) delete servers[lane];
    },
    LONG ? Math.max(600_000, CALLS * 300) : 180_000,
  );
});
