/**
 * The fault matrix: every sandbox fault, a missing CLI, and cancellation of a running and of a
 * queued call, as ONE table. Each row runs twice: "cold" (a fresh server whose first call meets
 * the fault while resolving the connection and action ids) and "warm" (ids already cached, the
 * fault hits the one `action run`). Each failing row asserts that the error text names the cause
 * (its code) and the fix, and that the very next call, fault switched off, succeeds.
 * Then: every sandbox output variant gives the same data; a 429 opens a penalty window that
 * keeps the same rate group away from the CLI (other groups still work); writes are never retried.
 */
import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alive,
  cliWrapper,
  errorCode,
  groupMembers,
  makeSandbox,
  retryAfter,
  spawnLog,
  startServer,
  startRaw,
  text,
  waitFor,
  type CliWrapper,
  type Result,
  type Sandbox,
  type Harness,
} from './harness.js';

const CONNECTION = 'con_sbx_ringcentral';

interface Expect {
  /** The error code the text starts with. */
  code: string;
  /** More of the cause (what failed). */
  cause?: RegExp;
  /** The fix a person can paste. */
  fix: RegExp;
}

interface Ctx {
  server: Harness;
  wrapper: CliWrapper;
  mode: 'cold' | 'warm';
}

interface Row {
  name: string;
  /** Sandbox fault(s) written to the fault file, or a custom way to turn the fault on/off. */
  fault?: string;
  on?: (ctx: Ctx) => void;
  off?: (ctx: Ctx) => void;
  /** Flags for a server of its own (otherwise warm rows share one server). */
  args?: string[];
  tool?: string;
  input?: Record<string, unknown>;
  /** The expected failure, or 'ok' when the fault must be absorbed (banner, slow). */
  expect: Expect | 'ok';
  /** Overrides for the warm run. */
  warm?: Expect | 'ok';
  /** The next call (default: the same tool). */
  next?: { tool: string; input?: Record<string, unknown> };
  /** A scenario that is not a plain call (cancellation). */
  scenario?: (ctx: Ctx) => Promise<void>;
  coldOnly?: boolean;
  warmOnly?: boolean;
  /** Checks after the failing call (e.g. nothing of the CLI is left running). */
  after?: (ctx: Ctx, before: number) => Promise<void>;
}

const TIMEOUT_FIX = /--timeout/;
// Short enough to keep the hang rows quick, long enough that the next call's cold CLI runs (each a
// Node start plus the sandbox's 300 ms) fit on a busy 2-core machine: 1.5 s timed out there once.
const HANG_TIMEOUT_MS = '4000';

/** Every process of the CLI runs started since `before` (group leaders and their children) is gone. */
async function cliProcessesGone(ctx: Ctx, before: number): Promise<void> {
  const runs = spawnLog(ctx.server.sandbox).slice(before);
  expect(runs.length).toBeGreaterThan(0);
  await waitFor(() => runs.every((r) => !alive(r.pid) && groupMembers(r.pid).length === 0), 'the CLI process groups to be gone');
}

/** Starts a call the test can cancel and waits for the CLI run it starts (the `before`-th logged run). */
async function startCancellable(server: Harness, tool: string, args: Record<string, unknown>, before: number, what: string) {
  const controller = new AbortController();
  const pending = server.call(tool, args, { signal: controller.signal });
  pending.catch(() => undefined);
  const run = await waitFor(() => spawnLog(server.sandbox)[before], what);
  return { controller, pending, run };
}

/** Hangs a call, captures its whole process group (the CLI and, with hang-with-child, its child), cancels it from the client. */
async function cancelRunning(ctx: Ctx): Promise<void> {
  const { server } = ctx;
  server.sandbox.setFault('hang-with-child');
  const before = spawnLog(server.sandbox).length;
  const { controller, pending, run } = await startCancellable(server, 'ringcentral_get_account_info', {}, before, 'the CLI to start');
  expect(run.argv.slice(0, 2)).toEqual(['action', 'run']);
  // The sandbox starts a grandchild that shares the CLI's stdout: both must go.
  const group = await waitFor(() => {
    const members = groupMembers(run.pid);
    return members.length >= 2 && members;
  }, 'the CLI and its child');
  controller.abort(new Error('the person pressed stop'));
  await expect(pending).rejects.toThrow('the person pressed stop');
  // The server's timeout is 120 s, longer than the test may run: only the cancellation can stop it.
  await waitFor(() => group.every((pid) => !alive(pid)), 'the cancelled process group to be gone');
  expect(spawnLog(server.sandbox)).toHaveLength(before + 1);
  server.sandbox.setFault('');
}

/** With --max-concurrency 1: a call waiting for the slot and cancelled there never starts a CLI. */
async function cancelQueued(ctx: Ctx): Promise<void> {
  const { server } = ctx;
  server.sandbox.setFault('hang');
  const before = spawnLog(server.sandbox).length;
  const {
    controller: first,
    pending: running,
    run,
  } = await startCancellable(server, 'ringcentral_get_account_info', {}, before, 'the first call to start its CLI');
  const second = new AbortController();
  const queued = server.call('ringcentral_list_contacts', { limit: 1 }, { signal: second.signal });
  queued.catch(() => undefined);
  // Messages are handled in order and the queued call reaches the limiter without I/O: once the
  // ping is answered, it waits there.
  await server.client.ping();
  expect(spawnLog(server.sandbox)).toHaveLength(before + 1);
  second.abort(new Error('cancelled while queued'));
  await expect(queued).rejects.toThrow('cancelled while queued');
  first.abort(new Error('cancelled while running'));
  await expect(running).rejects.toThrow('cancelled while running');
  await waitFor(() => !alive(run.pid), 'the running CLI to be stopped');
  // The slot is free again and the cancelled call's CLI was never started.
  server.sandbox.setFault('');
  const next = await server.call('ringcentral_list_contacts', { limit: 1 });
  expect(next.isError, text(next)).toBeFalsy();
  const argvs = spawnLog(server.sandbox)
    .slice(before)
    .map((r) => r.argv);
  expect(argvs.filter((argv) => argv[0] === 'action' && argv[1] === 'run')).toHaveLength(2); // the hung one and `next`
}

const ROWS: Row[] = [
  {
    name: 'not-logged-in',
    fault: 'not-logged-in',
    expect: { code: 'not_logged_in', cause: /not authenticated/i, fix: /membrane login --tenant/ },
  },
  {
    name: 'no-connection',
    fault: 'no-connection',
    expect: { code: 'no_connection', fix: /membrane connection ensure "https:\/\/ringcentral\.com"/ },
  },
  {
    name: 'two-connections',
    fault: 'two-connections',
    expect: { code: 'several_connections', cause: new RegExp(`${CONNECTION}_2`), fix: /--connection-id <id>|RINGCENTRAL_CONNECTION_ID/ },
    // Once resolved, the server keeps using the connection it chose: a second one appearing changes nothing.
    warm: 'ok',
  },
  {
    name: 'disconnected',
    fault: 'disconnected',
    expect: { code: 'connection_not_ready', cause: /disconnected/, fix: new RegExp(`membrane connect --connectionId=${CONNECTION}`) },
  },
  {
    name: 'building',
    fault: 'building',
    expect: {
      code: 'connection_not_ready',
      cause: /BUILDING|being set up/,
      fix: new RegExp(`membrane connection get ${CONNECTION} --wait`),
    },
  },
  {
    name: 'config-error',
    fault: 'config-error',
    expect: { code: 'connection_not_ready', cause: /invalid_client/, fix: /a person must fix .*Membrane/ },
  },
  {
    name: 'rate-limit',
    fault: 'rate-limit',
    // A group of its own (Medium): its penalty window must not touch the other rows' calls.
    tool: 'ringcentral_list_chats',
    input: { limit: 2 },
    expect: { code: 'rate_limited', cause: /Retry after 60 s/, fix: /wait 60 s/ },
    next: { tool: 'ringcentral_get_account_info' },
    coldOnly: true,
  },
  {
    name: 'upstream-error',
    fault: 'upstream-error',
    expect: { code: 'ringcentral_error', cause: /403 CMN-408/, fix: /ReadAccounts permission.*admin/ },
  },
  { name: 'server-error', fault: 'server-error', expect: { code: 'membrane_error', cause: /internal/, fix: /run the call again/ } },
  {
    name: 'hang',
    fault: 'hang',
    args: ['--timeout', HANG_TIMEOUT_MS],
    expect: { code: 'timeout', cause: /within 4 s/, fix: TIMEOUT_FIX },
    after: cliProcessesGone,
  },
  {
    name: 'hang-with-child',
    fault: 'hang-with-child',
    args: ['--timeout', HANG_TIMEOUT_MS],
    expect: { code: 'timeout', cause: /within 4 s/, fix: TIMEOUT_FIX },
    after: cliProcessesGone,
  },
  { name: 'slow', fault: 'slow', expect: 'ok' },
  // Without the runner's stop for leftover children, the call would wait for its 60 s timeout.
  { name: 'lingering-child', fault: 'lingering-child', expect: 'ok', after: cliProcessesGone },
  { name: 'garbage', fault: 'garbage', expect: { code: 'unparseable_output', cause: /502 Bad Gateway/, fix: /membrane --version/ } },
  { name: 'banner', fault: 'banner', expect: 'ok' },
  {
    name: 'huge',
    fault: 'huge',
    expect: { code: 'output_too_large', cause: /more than \d+ bytes/, fix: /smaller limit|narrower/ },
    after: cliProcessesGone,
  },
  { name: 'crash', fault: 'crash', expect: { code: 'cli_crashed', cause: /SIGKILL/, fix: /run the same call again/ } },
  { name: 'stderr-only', fault: 'stderr-only', expect: { code: 'membrane_error', cause: /status code 500/, fix: /run the call again/ } },
  {
    name: 'missing CLI',
    on: ({ wrapper }) => wrapper.remove(),
    off: ({ wrapper }) => wrapper.restore(),
    expect: { code: 'cli_missing', cause: /not found/, fix: /npm install -g @membranehq\/cli.*--membrane/ },
  },
  {
    name: 'CLI not executable',
    on: ({ wrapper }) => chmodSync(wrapper.path, 0o644),
    off: ({ wrapper }) => chmodSync(wrapper.path, 0o755),
    expect: { code: 'cli_missing', cause: /could not be started \(EACCES/, fix: /MEMBRANE_CLI .*chmod \+x/ },
  },
  { name: 'cancel a running call', args: ['--timeout', '120000'], scenario: cancelRunning, expect: 'ok', warmOnly: true },
  {
    name: 'cancel a queued call',
    args: ['--timeout', '120000', '--max-concurrency', '1'],
    scenario: cancelQueued,
    expect: 'ok',
    warmOnly: true,
  },
];

const isOk = (result: Result) => !result.isError;

async function newServer(args: string[] = []): Promise<Harness & { wrapper: CliWrapper }> {
  const sandbox = makeSandbox({ MEMBRANE_SANDBOX_DELAY_MS: '300' });
  const wrapper = cliWrapper(sandbox);
  const server = await startServer({ cli: wrapper, sandbox, args });
  const close = server.close;
  return Object.assign(server, {
    wrapper,
    close: async () => {
      await close();
      sandbox.cleanup();
    },
  });
}

async function expectAccount(server: Harness, tool = 'ringcentral_get_account_info', input: Record<string, unknown> = {}): Promise<void> {
  const result = await server.call(tool, input);
  expect(isOk(result), `${tool}: ${text(result)}`).toBe(true);
  if (tool === 'ringcentral_get_account_info') expect(result.structuredContent.record.mainNumber).toMatch(/^\+\d+$/);
}

for (const mode of ['cold', 'warm'] as const) {
  describe(`fault matrix (${mode})`, () => {
    let shared: Awaited<ReturnType<typeof newServer>> | undefined;

    beforeAll(async () => {
      if (mode === 'warm') {
        shared = await newServer();
        await expectAccount(shared);
      }
    });
    afterAll(async () => shared?.close());

    const rows = ROWS.filter((row) => !(mode === 'cold' && row.warmOnly) && !(mode === 'warm' && row.coldOnly));
    // Cold rows each have a server and sandbox of their own, so they run side by side; warm rows
    // share one server whose fault file they switch, so they run one at a time.
    const each = mode === 'cold' ? it.concurrent.each(rows) : it.each(rows);
    each('$name', async (row) => {
      const own = mode === 'cold' || row.args ? await newServer(row.args) : undefined;
      const server = (own ?? shared)!;
      const ctx: Ctx = { server, wrapper: server.wrapper, mode };
      try {
        if (own && mode === 'warm') await expectAccount(own);
        if (row.scenario) {
          await row.scenario(ctx);
        } else {
          const tool = row.tool ?? 'ringcentral_get_account_info';
          const before = spawnLog(server.sandbox).length;
          if (row.on) row.on(ctx);
          else server.sandbox.setFault(row.fault ?? '');
          const result = await server.call(tool, row.input ?? {});
          const expected = mode === 'warm' && row.warm ? row.warm : row.expect;
          const message = text(result);
          if (expected === 'ok') {
            expect(result.isError, message).toBeFalsy();
            expect(result.structuredContent).toBeDefined();
            if (tool === 'ringcentral_get_account_info') expect(result.structuredContent.record.mainNumber).toMatch(/^\+\d+$/);
          } else {
            expect(result.isError, message).toBe(true);
            expect(message.startsWith(`${expected.code}: `), message).toBe(true);
            if (expected.cause) expect(message).toMatch(expected.cause);
            expect(message).toMatch(/\nFix: /);
            expect(message.slice(message.indexOf('\nFix: '))).toMatch(expected.fix);
            expect(errorCode(result)).toBe(expected.code);
          }
          await row.after?.(ctx, before);
          if (row.off) row.off(ctx);
          else server.sandbox.setFault('');
        }
        // The very next call, fault switched off, succeeds.
        await expectAccount(server, row.next?.tool, row.next?.input);
      } finally {
        server.sandbox.setFault('');
        await own?.close();
      }
    });
  });
}

describe('sandbox output variants give the same data', () => {
  let sandbox: Sandbox;
  let baseline: Harness;
  beforeAll(async () => {
    sandbox = makeSandbox({ MEMBRANE_SANDBOX_NOW: '2026-03-02T12:00:00Z' });
    baseline = await startServer({ sandbox, args: ['--confirm', 'off'] });
  });
  afterAll(async () => {
    await baseline?.close();
    sandbox?.cleanup();
  });

  const SINCE = '2026-01-01T00:00:00Z';
  /** Reads every variant must answer identically, and the pages of a paged list. */
  async function reads(server: Harness) {
    const ok = async (tool: string, input: Record<string, unknown> = {}) => {
      const result = await server.call(tool, input);
      expect(result.isError, `${tool}: ${text(result)}`).toBeFalsy();
      return result.structuredContent;
    };
    const page1 = await ok('ringcentral_list_messages', { dateFrom: SINCE, limit: 4 });
    expect(page1.records).toHaveLength(4);
    const page2 = await ok('ringcentral_list_messages', { dateFrom: SINCE, limit: 4, cursor: page1.nextCursor });
    const chats1 = await ok('ringcentral_list_chats', { limit: 3 });
    const chats2 = await ok('ringcentral_list_chats', { limit: 3, cursor: chats1.nextCursor });
    const proxyMissing = await server.call('ringcentral_api_request', {
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/~/message-store/999999999',
    });
    // A path no RingCentral service serves: the API gateway's 404, which has no errors list.
    const proxyNoRoute = await server.call('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/no-such-thing' });
    return {
      extensions: (await ok('ringcentral_list_extensions', { limit: 5 })).records,
      account: (await ok('ringcentral_get_account_info')).record,
      messages: [...page1.records, ...page2.records],
      chats: [...chats1.records, ...chats2.records],
      proxy: (await ok('ringcentral_api_request', { method: 'GET', path: '/restapi/v1.0/account/~/extension/~' })).result.body.id,
      found: (await ok('ringcentral_find_actions', { intent: 'send an sms text message', limit: 2 })).actions[0].key,
      // A vendor error through the proxy stays an error, whatever the exit code.
      proxyMissing: [proxyMissing.isError, /CMN-102/.test(text(proxyMissing))],
      proxyNoRoute: [proxyNoRoute.isError, /RingCentral 404 AGW-404/.test(text(proxyNoRoute))],
    };
  }

  /** The default's answers, read once: the variants run one after another on the same state. */
  let expectedReads: ReturnType<typeof reads> | undefined;

  // records-cursor: the second page of a recordCount-sized list (list_chats) must keep recordCount.
  it.each(['bare-lists', 'unwrapped-output', 'key-only', 'records-cursor', 'request-exit-zero'])('%s', (variant) => checkVariant(variant));

  async function checkVariant(variant: string): Promise<void> {
    const server = await startServer({ sandbox, args: ['--confirm', 'off'], env: { MEMBRANE_SANDBOX_VARIANT: variant } });
    try {
      const expected = await (expectedReads ??= reads(baseline));
      expect(expected.messages).toHaveLength(8);
      expect(expected.proxyMissing).toEqual([true, true]);
      expect(expected.proxyNoRoute).toEqual([true, true]);
      expect(await reads(server)).toEqual(expected);
      // A write round trip, including an action that answers with no output at all.
      const created = await server.call('ringcentral_create_contact', { firstName: 'Vera', lastName: `Variant ${variant}` });
      expect(created.isError, text(created)).toBeFalsy();
      expect(created.structuredContent.result.lastName).toBe(`Variant ${variant}`);
      const deleted = await server.call('ringcentral_delete_contact', { contactId: String(created.structuredContent.result.id) });
      expect(deleted.isError, text(deleted)).toBeFalsy();
      expect(deleted.structuredContent.status).toBe('done');
    } finally {
      await server.close();
    }
  }
});

describe('cancellation while the connection is being resolved', () => {
  // The first call resolves the connection in a run shared by every caller (single flight); when
  // its only caller cancels, the run must stop too instead of running on until the timeout.
  it('a cancelled cold call stops the shared resolution when no other call waits for it', async () => {
    const server = await newServer(['--timeout', '120000']);
    try {
      server.sandbox.setFault('hang');
      const { controller, pending, run } = await startCancellable(server, 'ringcentral_get_account_info', {}, 0, 'the resolution to start');
      expect(run.argv.slice(0, 2)).toEqual(['connection', 'list']);
      controller.abort(new Error('stop'));
      await expect(pending).rejects.toThrow('stop');
      await waitFor(() => !alive(run.pid), 'the resolution CLI to be stopped');
      server.sandbox.setFault('');
      await expectAccount(server);
    } finally {
      server.sandbox.setFault('');
      await server.close();
    }
  });
});

describe('the server ended by a signal', () => {
  // The CLI runs in a process group of its own, which a signal to the server does not reach.
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s while a call hangs: the CLI and its child go with the server', async (signal) => {
    const server = startRaw({ env: { MEMBRANE_SANDBOX_FAULT: 'hang-with-child' } });
    let group: number[] = [];
    try {
      await server.initialize();
      server.send('tools/call', { name: 'ringcentral_get_account_info', arguments: {} });
      const run = await waitFor(() => spawnLog(server.sandbox)[0], 'the CLI to start');
      group = await waitFor(() => {
        const members = groupMembers(run.pid);
        return members.length >= 2 && members;
      }, 'the CLI and its child');
      server.proc.kill(signal);
      expect(await server.exited).toEqual({ code: null, signal });
      await waitFor(() => group.every((pid) => !alive(pid)), `the CLI group to be gone after ${signal}`);
    } finally {
      await server.close();
      for (const pid of group.filter(alive)) process.kill(pid, 'SIGKILL'); // only if the test failed
    }
  });
});

describe('rate limits and writes', () => {
  it('a 429 keeps the same rate group away from the CLI for the penalty window; other groups still work', async () => {
    const server = await newServer();
    try {
      await expectAccount(server); // warm: one `action run` per call from here on
      server.sandbox.setFault('rate-limit');
      const before = spawnLog(server.sandbox).length;
      const limited = await server.call('ringcentral_get_account_info');
      expect(text(limited)).toMatch(/^rate_limited: .*\nRetry after 60 s\.\nFix: wait 60 s/s);
      expect(spawnLog(server.sandbox)).toHaveLength(before + 1);

      // RingCentral is fine again, but inside the window a request would restart the penalty:
      // Light-group calls fail fast, naming the seconds left, without starting the CLI.
      server.sandbox.setFault('');
      const mark = spawnLog(server.sandbox).length;
      for (const [tool, input] of [
        ['ringcentral_get_account_info', {}],
        ['ringcentral_list_messages', { limit: 1 }],
        ['ringcentral_get_message', { messageId: '1' }],
        ['ringcentral_get_extension_info', {}],
      ] as const) {
        const result = await server.call(tool, input);
        expect(result.isError, tool).toBe(true);
        expect(text(result)).toMatch(/^rate_limited: RingCentral's Light rate-limit penalty is still running/);
        expect(retryAfter(result)).toBeGreaterThan(50);
        expect(retryAfter(result)).toBeLessThanOrEqual(60);
      }
      expect(spawnLog(server.sandbox)).toHaveLength(mark);

      // Heavy and Medium groups are not penalised: one CLI run each.
      for (const tool of ['ringcentral_list_contacts', 'ringcentral_list_extensions']) {
        const result = await server.call(tool, { limit: 2 });
        expect(result.isError, text(result)).toBeFalsy();
        expect(result.structuredContent.records.length).toBeGreaterThan(0);
      }
      expect(spawnLog(server.sandbox)).toHaveLength(mark + 2);
    } finally {
      await server.close();
    }
  });

  it('a failed send is never retried: exactly one CLI run per failed write, and an unclear outcome blocks a repeat', async () => {
    const server = await newServer(['--confirm', 'off', '--timeout', '1500']);
    try {
      const sent = await server.call('ringcentral_send_sms', { to: ['+16505550142'], text: 'warm-up' });
      expect(sent.isError, text(sent)).toBeFalsy();
      const runs = () => spawnLog(server.sandbox).filter((r) => r.argv[0] === 'action' && r.argv[1] === 'run').length;
      const cases = [
        ['server-error', 'membrane_error'],
        ['stderr-only', 'membrane_error'],
        ['upstream-error', 'ringcentral_error'],
        ['garbage', 'unparseable_output'],
        ['crash', 'cli_crashed'],
        ['hang', 'timeout'],
        ['rate-limit', 'rate_limited'],
      ] as const;
      for (const [fault, code] of cases) {
        server.sandbox.setFault(fault);
        const before = runs();
        const result = await server.call('ringcentral_send_sms', { to: ['+16505550142'], text: `during ${fault}` });
        expect(result.isError, fault).toBe(true);
        expect(errorCode(result), `${fault}: ${text(result)}`).toBe(code);
        expect(runs() - before, fault).toBe(1);
      }
      server.sandbox.setFault('');
      // The timed-out and crashed sends may have gone out: the same send is refused, not repeated.
      for (const fault of ['crash', 'hang']) {
        const before = spawnLog(server.sandbox).length;
        const again = await server.call('ringcentral_send_sms', { to: ['+16505550142'], text: `during ${fault}` });
        expect(text(again)).toMatch(/^not_allowed: an identical send .* may have been sent\nFix: .*idempotencyKey/s);
        expect(spawnLog(server.sandbox)).toHaveLength(before);
      }
      // The 429 put the SMS group (Medium) into its penalty window: no send reaches the CLI.
      const before = spawnLog(server.sandbox).length;
      const penalised = await server.call('ringcentral_send_sms', { to: ['+16505550142'], text: 'inside the penalty window' });
      expect(text(penalised)).toMatch(/^rate_limited: RingCentral's Medium rate-limit penalty/);
      expect(spawnLog(server.sandbox)).toHaveLength(before);
    } finally {
      await server.close();
    }
  });
});
