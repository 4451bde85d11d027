/**
 * src/membrane/membrane.ts against a scripted CLI (a real object with the runner's `run` and
 * `argv`, answering each command from the test and recording it): which connection is chosen and
 * why not, the commands each call runs, resolution once under concurrency (single flight), what a
 * cancelled caller stops, and when the cache is dropped.
 */
import { describe, expect, it } from 'vitest';
import { FIX, ToolError } from '../../src/errors.js';
import { chooseConnection, connectionStateError, listedConnection, type Connection } from '../../src/membrane/connection.js';
import { Membrane, type Cli } from '../../src/membrane/membrane.js';
import type { CliResult } from '../../src/membrane/runner.js';
import type { CallLimits } from '../../tools/contract.js';
import { caught, refusal } from '../unit/caught.js';

type Answer = Partial<CliResult> | Promise<Partial<CliResult>>;

/** A CLI that answers from a function of the command, and records every call with its options. */
class ScriptedCli implements Cli {
  readonly calls: Array<{ args: string[]; run: CallLimits }> = [];

  constructor(private readonly answer: (args: string[], run: CallLimits) => Answer) {}

  argv(args: string[]): string[] {
    return ['membrane', ...args];
  }

  async run(args: string[], run: CallLimits = {}): Promise<CliResult> {
    this.calls.push({ args, run });
    return { argv: this.argv(args), stdout: '', stderr: '', exitCode: 0, ...(await this.answer(args, run)) };
  }

  commands(): string[] {
    return this.calls.map((c) => c.args.join(' '));
  }
}

const json = (value: unknown): Partial<CliResult> => ({ stdout: JSON.stringify(value) });
const READY = { id: 'c1', name: 'RingCentral', state: 'READY' };

/** A CLI with one ready RingCentral connection and two actions; anything else prints `{}`. */
const world = (extra: (args: string[], run: CallLimits) => Answer | undefined = () => undefined) =>
  new ScriptedCli((args, run) => {
    const answer = extra(args, run);
    if (answer) return answer;
    const command = args.slice(0, 2).join(' ');
    if (command === 'connection list') return json({ items: [READY] });
    if (command === 'action list') return json([{ id: 'a-1', key: 'send-sms' }, { id: 'a-2' }]);
    return json({});
  });

/** An answer the test releases, which stops (like the runner) when its run is cancelled. */
function gate() {
  let open!: (answer: Partial<CliResult>) => void;
  const opened = new Promise<Partial<CliResult>>((resolve) => (open = resolve));
  const answer = (run: CallLimits): Promise<Partial<CliResult>> => {
    const stopped = new Promise<Partial<CliResult>>((_, reject) =>
      run.signal?.addEventListener('abort', () => reject(new ToolError('cancelled', 'the CLI process was stopped')), { once: true }),
    );
    return Promise.race([opened, stopped]);
  };
  return { open, answer };
}

/** The ToolError a call rejected with, as its JSON. */
const rejection = async (promise: Promise<unknown>): Promise<Record<string, unknown>> => (await refusal(promise)).toJSON();

const NOT_READY_FIX = 'membrane connect --connectionId=c1 (reconnect this one; do not create another)';

describe('chooseConnection', () => {
  it('no RingCentral connection: connect one', () => {
    for (const list of [[], [{ id: 'x', name: 'Slack', state: 'READY', integration: { key: 'slack', name: 'Slack' } }]]) {
      expect(caught(() => chooseConnection(list)).toJSON()).toEqual({
        code: 'no_connection',
        message: 'there is no RingCentral connection in Membrane',
        fix: FIX.connect,
      });
    }
  });

  it('RingCentral by the integration key or name, or the connection name or key, in any case', () => {
    const marked: Connection[] = [
      { id: 'a', state: 'READY', integration: { key: 'ringcentral' } },
      { id: 'b', state: 'READY', integration: { name: 'RingCentral' } },
      { id: 'c', state: 'READY', name: 'My RINGCENTRAL' },
      { id: 'd', state: 'READY', key: 'ringcentral-prod' },
    ];
    for (const connection of marked) expect(chooseConnection([connection]).id).toBe(connection.id);
    for (const name of [5, ['RingCentral']]) {
      expect(caught(() => chooseConnection([{ id: 'e', state: 'READY', name: name as unknown as string }])).code).toBe('no_connection');
    }
  });

  it('the one ready RingCentral connection among others', () => {
    const list: Connection[] = [
      { id: 'slack', name: 'Slack', state: 'READY' },
      { id: 'c0', name: 'RingCentral old', state: 'READY', disconnected: true },
      { id: 'c1', name: 'RingCentral', state: 'READY' },
      { id: 'c2', name: 'RingCentral', state: 'BUILDING' },
    ];
    expect(chooseConnection(list).id).toBe('c1');
  });

  it('several ready: pin one, listing them', () => {
    const list: Connection[] = [
      { id: 'c1', name: 'RingCentral Main', state: 'READY' },
      { id: 'c2', key: 'ringcentral', state: 'READY' },
      { id: 'c3', name: 'RingCentral', state: 'BUILDING' },
    ];
    expect(caught(() => chooseConnection(list)).toJSON()).toEqual({
      code: 'several_connections',
      message: '2 RingCentral connections are ready: c1 (RingCentral Main), c2 (unnamed)',
      fix: FIX.pin,
      candidates: [
        { id: 'c1', name: 'RingCentral Main', state: 'READY' },
        { id: 'c2', name: undefined, state: 'READY' },
      ],
    });
  });

  it('one RingCentral connection, not ready: why, and its fix', () => {
    expect(caught(() => chooseConnection([{ id: 'c1', name: 'RingCentral', state: 'BUILDING' }])).message).toBe(
      'the RingCentral connection RingCentral (c1) is still being set up',
    );
  });

  it('several, none ready: pin one, listing their states', () => {
    const list: Connection[] = [
      { id: 'c1', name: 'RingCentral', state: 'BUILDING' },
      { id: 'c2', name: 'RingCentral' },
    ];
    expect(caught(() => chooseConnection(list)).toJSON()).toEqual({
      code: 'connection_not_ready',
      message: 'no RingCentral connection is ready: c1 (BUILDING), c2 (state unknown)',
      fix: FIX.pin,
      candidates: [
        { id: 'c1', name: 'RingCentral', state: 'BUILDING' },
        { id: 'c2', name: 'RingCentral', state: undefined },
      ],
    });
  });
});

describe('connectionStateError of a listed connection', () => {
  const problem = (c: Partial<Connection>) => connectionStateError(listedConnection({ id: 'c1', ...c })).toJSON();

  it('disconnected (or waiting for the user): reconnect this one, with the link when there is one', () => {
    expect(problem({ name: 'Main', state: 'READY', disconnected: true })).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection Main (c1) is disconnected',
      fix: NOT_READY_FIX,
      upstreamCode: 'READY',
    });
    expect(problem({ state: 'CLIENT_ACTION_REQUIRED', clientAction: { uiUrl: 'https://app.example/c1' } })).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection RingCentral (c1) is disconnected',
      fix: 'membrane connect --connectionId=c1, or open https://app.example/c1 (reconnect this one; do not create another)',
      upstreamCode: 'CLIENT_ACTION_REQUIRED',
    });
  });

  it('building: wait for it', () => {
    expect(problem({ state: 'BUILDING' })).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection RingCentral (c1) is still being set up',
      fix: 'membrane connection get c1 --wait',
      upstreamCode: 'BUILDING',
    });
  });

  it('failed setup: a person fixes it; the setup error when there is one', () => {
    const fix = 'a person must fix it in Membrane, then check with membrane connection get c1 --json';
    expect(problem({ state: 'CONFIGURATION_ERROR', error: { message: 'bad client secret' } })).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection RingCentral (c1) failed to set up: bad client secret',
      fix,
      upstreamCode: 'CONFIGURATION_ERROR',
    });
    expect(problem({ state: 'SETUP_FAILED' })).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection RingCentral (c1) failed to set up: SETUP_FAILED',
      fix,
      upstreamCode: 'SETUP_FAILED',
    });
  });

  it('any other state, or none: reconnect', () => {
    expect(problem({ state: 'PAUSED' })).toEqual({
      code: 'connection_not_ready',
      message: 'the RingCentral connection RingCentral (c1) is not ready (state PAUSED)',
      fix: 'membrane connect --connectionId=c1',
      upstreamCode: 'PAUSED',
    });
    expect(problem({}).message).toBe('the RingCentral connection RingCentral (c1) is not ready (state unknown)');
  });
});

describe('resolving the connection', () => {
  it('a pinned id runs nothing', async () => {
    const cli = world();
    const membrane = new Membrane(cli, { connectionId: 'pinned' });
    expect(await membrane.connectionId()).toBe('pinned');
    expect(await membrane.runActionArgv('send-sms', {})).toEqual([
      'action',
      'run',
      'a-1',
      '--connectionId',
      'pinned',
      '--input',
      '{}',
      '--json',
    ]);
    expect(cli.commands()).toEqual(['action list --connectionId pinned --limit 100 --json']);
  });

  it('lists connections once, page by page, and keeps the answer', async () => {
    const cli = new ScriptedCli((args) =>
      args.includes('--cursor') ? json({ items: [READY] }) : json({ items: [{ id: 'x', name: 'Slack', state: 'READY' }], cursor: 'n2' }),
    );
    const membrane = new Membrane(cli);
    expect(await membrane.connectionId()).toBe('c1');
    expect(await membrane.connectionId()).toBe('c1');
    expect(cli.commands()).toEqual(['connection list --json', 'connection list --cursor n2 --json']);
  });

  it('listConnections: every page, in order', async () => {
    const cli = new ScriptedCli((args) => (args.includes('--cursor') ? json([{ id: 'b' }]) : json({ items: [{ id: 'a' }], cursor: 'n2' })));
    expect(await new Membrane(cli).listConnections()).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('a list command that prints nothing is unparseable output, not an empty list', async () => {
    const silent = { code: 'unparseable_output', message: 'membrane printed something that is not JSON: ""', fix: expect.any(String) };
    expect(await rejection(new Membrane(new ScriptedCli(() => ({}))).connectionId())).toEqual(silent);
    expect(await rejection(new Membrane(world((args) => (args[0] === 'action' ? {} : undefined))).actions())).toEqual(silent);
  });

  it('reads at most 20 pages', async () => {
    const cli = new ScriptedCli(() => json({ items: [], cursor: 'more' }));
    expect((await rejection(new Membrane(cli).connectionId())).code).toBe('no_connection');
    expect(cli.calls).toHaveLength(20);
  });

  it('concurrent callers share one run; the first caller sets its timeout', async () => {
    const { open, answer } = gate();
    const cli = new ScriptedCli((_, run) => answer(run));
    const membrane = new Membrane(cli);
    const callers = [
      membrane.connectionId({ timeoutMs: 1234 }),
      membrane.connectionId(),
      membrane.connectionId({ signal: new AbortController().signal }),
    ];
    open(json([READY]));
    expect(await Promise.all(callers)).toEqual(['c1', 'c1', 'c1']);
    expect(cli.calls).toHaveLength(1);
    expect(cli.calls[0].run.timeoutMs).toBe(1234);
  });

  it('a failed resolution is not kept: the next call runs it again', async () => {
    let fail = true;
    const cli = world((args) => (args[1] === 'list' && fail ? { stderr: 'Error: Not logged in', exitCode: 1 } : undefined));
    const membrane = new Membrane(cli);
    expect((await rejection(membrane.connectionId())).code).toBe('not_logged_in');
    fail = false;
    expect(await membrane.connectionId()).toBe('c1');
    expect(cli.calls).toHaveLength(2);
  });

  it("a tenant's commands name it; without a connection it is told the link to connect", async () => {
    const cli = new ScriptedCli((args) =>
      args[1] === 'ensure'
        ? json({ id: 'new', state: 'CLIENT_ACTION_REQUIRED', clientAction: { uiUrl: 'https://connect.example/t1' } })
        : json([]),
    );
    const error = await rejection(new Membrane(cli, { tenantKey: 't1' }).connectionId());
    expect(error).toEqual({
      code: 'no_connection',
      message: 'your Membrane tenant "t1" has no RingCentral connection yet',
      fix: 'open https://connect.example/t1 to connect your RingCentral account (hand this link to the person), then call again; or run membrane connection ensure "https://ringcentral.com" --tenantKey t1',
      upstreamCode: 'CLIENT_ACTION_REQUIRED',
    });
    expect(cli.commands()).toEqual([
      'connection list --tenantKey t1 --json',
      'connection ensure https://ringcentral.com --tenantKey t1 --json',
    ]);
  });

  it('without a tenant, no connection is the plain error and nothing is created', async () => {
    const cli = new ScriptedCli(() => json([]));
    expect((await rejection(new Membrane(cli).connectionId())).message).toBe('there is no RingCentral connection in Membrane');
    expect(cli.commands()).toEqual(['connection list --json']);
  });

  it('invalidate: the next call resolves afresh, while a run in progress still answers its callers', async () => {
    const first = gate();
    let calls = 0;
    const cli = new ScriptedCli((_, run) => (++calls === 1 ? first.answer(run) : json([{ ...READY, id: 'c2' }])));
    const membrane = new Membrane(cli);
    const early = membrane.connectionId();
    membrane.invalidate();
    expect(await membrane.connectionId()).toBe('c2');
    first.open(json([READY]));
    expect(await early).toBe('c1');
    expect(await membrane.connectionId()).toBe('c2');
    expect(calls).toBe(2);
  });
});

describe('single flight and cancellation', () => {
  const cancelled = { code: 'cancelled', message: 'the call was cancelled by the client' };

  it('an already cancelled caller runs nothing', () => {
    const cli = world();
    expect(() => new Membrane(cli).connectionId({ signal: AbortSignal.abort() })).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(cli.calls).toHaveLength(0);
  });

  it('the last waiting caller that cancels stops the run; the next caller starts a new one', async () => {
    const first = gate();
    let calls = 0;
    const cli = new ScriptedCli((_, run) => (++calls === 1 ? first.answer(run) : json([READY])));
    const membrane = new Membrane(cli);
    const controller = new AbortController();
    const waiting = membrane.connectionId({ signal: controller.signal });
    controller.abort();
    expect(await rejection(waiting)).toEqual(cancelled);
    expect(cli.calls[0].run.signal?.aborted).toBe(true);
    expect(await membrane.connectionId()).toBe('c1');
    expect(calls).toBe(2);
  });

  it('a caller that cancels leaves the run to the others still waiting', async () => {
    const { open, answer } = gate();
    const cli = new ScriptedCli((_, run) => answer(run));
    const membrane = new Membrane(cli);
    const [a, b] = [new AbortController(), new AbortController()];
    const leaving = membrane.connectionId({ signal: a.signal });
    const staying = membrane.connectionId({ signal: b.signal });
    a.abort();
    expect(await rejection(leaving)).toEqual(cancelled);
    expect(cli.calls[0].run.signal?.aborted).toBe(false);
    open(json([READY]));
    expect(await staying).toBe('c1');
    b.abort();
    expect(await membrane.connectionId({ signal: new AbortController().signal })).toBe('c1');
    expect(cli.calls).toHaveLength(1);
  });

  it('a caller without a signal keeps the run going when the others cancel', async () => {
    const { open, answer } = gate();
    const cli = new ScriptedCli((_, run) => answer(run));
    const membrane = new Membrane(cli);
    const controller = new AbortController();
    const cancelling = membrane.connectionId({ signal: controller.signal });
    const patient = membrane.connectionId();
    controller.abort();
    expect(await rejection(cancelling)).toEqual(cancelled);
    expect(cli.calls[0].run.signal?.aborted).toBe(false);
    open(json([READY]));
    expect(await patient).toBe('c1');
    expect(cli.calls).toHaveLength(1);
  });

  it('an answer that reaches a caller after it cancelled does not count it twice', async () => {
    const { open, answer } = gate();
    let calls = 0;
    const cli = new ScriptedCli((_, run) => (++calls === 1 ? answer(run) : json([{ ...READY, id: 'c2' }])));
    const membrane = new Membrane(cli);
    const [a, b] = [new AbortController(), new AbortController()];
    const leaving = membrane.connectionId({ signal: a.signal });
    const staying = membrane.connectionId({ signal: b.signal });
    a.abort();
    await rejection(leaving);
    open(json([READY]));
    expect(await staying).toBe('c1');
    // The last one waiting on the answer cancels before it arrives: the answer is dropped with it.
    const c = new AbortController();
    const late = membrane.connectionId({ signal: c.signal });
    c.abort();
    await rejection(late);
    expect(await membrane.connectionId()).toBe('c2');
    expect(calls).toBe(2);
  });

  it('a cancelled caller of a forgotten run leaves the new run alone', async () => {
    const first = gate();
    let calls = 0;
    const cli = new ScriptedCli((_, run) => (++calls === 1 ? first.answer(run) : json([{ ...READY, id: 'c2' }])));
    const membrane = new Membrane(cli);
    const controller = new AbortController();
    const old = membrane.connectionId({ signal: controller.signal });
    membrane.invalidate();
    expect(await membrane.connectionId()).toBe('c2');
    controller.abort();
    await rejection(old);
    expect(await membrane.connectionId()).toBe('c2');
    expect(calls).toBe(2);
  });

  it('a forgotten run that fails later leaves the new answer in place', async () => {
    const first = gate();
    let calls = 0;
    const cli = new ScriptedCli((_, run) => (++calls === 1 ? first.answer(run) : json([{ ...READY, id: 'c2' }])));
    const membrane = new Membrane(cli);
    const old = membrane.connectionId();
    membrane.invalidate();
    expect(await membrane.connectionId()).toBe('c2');
    first.open({ stderr: 'Error: Not logged in', exitCode: 1 });
    expect((await rejection(old)).code).toBe('not_logged_in');
    expect(await membrane.connectionId()).toBe('c2');
    expect(calls).toBe(2);
  });

  it('a failure reaches every waiting caller once', async () => {
    const { open, answer } = gate();
    const cli = new ScriptedCli((_, run) => answer(run));
    const membrane = new Membrane(cli);
    const waiting = [membrane.connectionId({ signal: new AbortController().signal }), membrane.connectionId()];
    open(json([]));
    for (const caller of waiting) expect((await rejection(caller)).code).toBe('no_connection');
  });
});

describe('the action catalog', () => {
  it('lists the actions once, by id and by key, skipping entries without an id', async () => {
    const cli = world((args) =>
      args[0] === 'action' && !args.includes('--cursor')
        ? json({ items: [{ id: 'a-1', key: 'send-sms' }, null, { key: 'no-id' }, { id: 5, key: 'bad-id' }], cursor: 'p2' })
        : undefined,
    );
    const membrane = new Membrane(cli);
    const catalog = await membrane.actions();
    expect([...catalog.keys()]).toEqual(['a-1', 'send-sms', 'a-2']);
    expect(await membrane.actionId('send-sms')).toBe('a-1');
    expect(await membrane.actionId('unknown-key')).toBe('unknown-key');
    expect(cli.commands()).toEqual([
      'connection list --json',
      'action list --connectionId c1 --limit 100 --json',
      'action list --connectionId c1 --limit 100 --cursor p2 --json',
    ]);
  });

  it('reads at most 50 pages', async () => {
    const cli = world((args) => (args[0] === 'action' ? json({ items: [], cursor: 'more' }) : undefined));
    expect((await new Membrane(cli).actions()).size).toBe(0);
    expect(cli.calls.filter((c) => c.args[0] === 'action')).toHaveLength(50);
  });

  it('listActions ranks by intent, every time, and returns at most the limit', async () => {
    const cli = world((args) => (args[0] === 'action' ? json([{ id: '1' }, { id: '2' }, { id: '3' }]) : undefined));
    const membrane = new Membrane(cli, { connectionId: 'c1' });
    expect(await membrane.listActions({ intent: 'send sms', limit: 2 })).toEqual([{ id: '1' }, { id: '2' }]);
    await membrane.listActions({ intent: 'send sms', limit: 2 });
    expect(cli.calls.map((c) => c.args)).toEqual([
      ['action', 'list', '--connectionId', 'c1', '--intent=send sms', '--limit', '2', '--json'],
      ['action', 'list', '--connectionId', 'c1', '--intent=send sms', '--limit', '2', '--json'],
    ]);
  });
});

describe('one call, one CLI run', () => {
  it('runAction: the argv, the run options, and the unwrapped output', async () => {
    const signal = new AbortController().signal;
    const cli = world((args) => (args[1] === 'run' ? json({ output: { id: 9 }, actionRunId: 'run-1' }) : undefined));
    const membrane = new Membrane(cli, { tenantKey: 't1' });
    expect(await membrane.runAction('send-sms', { text: 'hi' }, { signal })).toEqual({ output: { id: 9 }, actionRunId: 'run-1' });
    const last = cli.calls.at(-1)!;
    expect(last.args).toEqual(['action', 'run', 'a-1', '--connectionId', 'c1', '--input', '{"text":"hi"}', '--tenantKey', 't1', '--json']);
    expect(last.run.signal).toBe(signal);
    expect(await membrane.runActionArgv('other', undefined)).toEqual([
      'action',
      'run',
      'other',
      '--connectionId',
      'c1',
      '--input',
      '{}',
      '--tenantKey',
      't1',
      '--json',
    ]);
  });

  it("errors name the call's connection", async () => {
    const defunct = { stdout: JSON.stringify({ type: 'connection', key: 'connection_is_defunct', message: 'defunct' }), exitCode: 1 };
    const cli = world((args) => (['run', 'get'].includes(args[1]) || args[0] === 'request' ? defunct : undefined));
    const membrane = new Membrane(cli);
    const fix = 'membrane connect --connectionId=c1';
    expect((await rejection(membrane.runAction('send-sms', {}))).fix).toBe(fix);
    expect((await rejection(membrane.request({ method: 'GET', path: '/x' }))).fix).toBe(fix);
    expect((await rejection(membrane.requestText({ method: 'GET', path: '/x' }))).fix).toBe(fix);
    expect((await rejection(membrane.getConnection('c9'))).fix).toBe('membrane connect --connectionId=c9');
  });

  it('requestArgv: every query value percent-encoded in the path, whatever it holds', async () => {
    const membrane = new Membrane(world());
    const query: Array<[string, string]> = [
      ['phoneNumber', '+16505550123'],
      ['dateFrom', '2026-01-05T00:00:00+01:00'],
      ['email', 'a&b=c#d@x.co'],
      ['text', 'two words\nand a line'],
    ];
    expect((await membrane.requestArgv({ method: 'GET', path: '/restapi/v1.0/x', query }))[2]).toBe(
      '/restapi/v1.0/x?phoneNumber=%2B16505550123&dateFrom=2026-01-05T00%3A00%3A00%2B01%3A00&email=a%26b%3Dc%23d%40x.co&text=two%20words%0Aand%20a%20line',
    );
    // Read back as RingCentral reads a query string, every value is the one sent.
    const target = (await membrane.requestArgv({ method: 'GET', path: '/restapi/v1.0/x', query }))[2];
    expect([...new URLSearchParams(target.split('?')[1])]).toEqual(query);
  });

  it('requestArgv: method, query and header pairs, the body as JSON or as the caller wrote it', async () => {
    const membrane = new Membrane(world(), { tenantKey: 't1' });
    expect(
      await membrane.requestArgv({
        method: 'POST',
        path: '/restapi/v1.0/x',
        query: [
          ['a', '1'],
          ['a', '2'],
        ],
        headers: [['Accept', 'application/json']],
        body: { b: 1 },
      }),
    ).toEqual([
      'request',
      'c1',
      '/restapi/v1.0/x?a=1&a=2',
      '-X',
      'POST',
      '-H',
      'Accept: application/json',
      '-d',
      '{"b":1}',
      '--tenantKey',
      't1',
      '--json',
    ]);
    expect(await membrane.requestArgv({ method: 'PUT', path: '/p', body: { b: 1 }, bodyText: '{ "b" : 1 }' })).toEqual([
      'request',
      'c1',
      '/p',
      '-X',
      'PUT',
      '-d',
      '{ "b" : 1 }',
      '--tenantKey',
      't1',
      '--json',
    ]);
    expect(await membrane.requestArgv({ method: 'GET', path: '/p' })).toEqual([
      'request',
      'c1',
      '/p',
      '-X',
      'GET',
      '--tenantKey',
      't1',
      '--json',
    ]);
  });

  it('request: an empty body (204) is no value; requestText: the text as it came, or empty', async () => {
    let stdout = '';
    // The REST base probe (the user's extension) answers as RingCentral does; every other request prints `stdout`.
    const cli = world((args) => (args[0] === 'request' && !args[2].endsWith('/extension/~') ? { stdout } : undefined));
    const membrane = new Membrane(cli);
    expect(await membrane.request({ method: 'DELETE', path: '/x' })).toBeUndefined();
    expect(await membrane.requestText({ method: 'GET', path: '/x' })).toBe('');
    stdout = 'plain text\n';
    expect(await membrane.requestText({ method: 'GET', path: '/x' })).toBe('plain text\n');
    stdout = '{"a":1}';
    expect(await membrane.request({ method: 'GET', path: '/x' })).toEqual({ a: 1 });
  });

  it('getConnection: the connection, or no_connection when the answer is not one', async () => {
    let answer: unknown = { id: 'c9', state: 'READY' };
    const cli = world((args) => (args[1] === 'get' ? json(answer) : undefined));
    const membrane = new Membrane(cli);
    expect(await membrane.getConnection('c9')).toEqual({ id: 'c9', state: 'READY' });
    expect(cli.calls[0].args).toEqual(['connection', 'get', 'c9', '--json']);
    for (answer of [null, [], { id: 9 }]) {
      expect(await rejection(membrane.getConnection('c9'))).toEqual({
        code: 'no_connection',
        message: 'connection c9 was not found',
        fix: `${FIX.connect}, then pin the id it prints`,
      });
    }
  });
});

describe('a connection-class failure drops the cached resolution', () => {
  const failing = (stdout: string) => {
    let fail = false;
    const cli = world((args) => (args[1] === 'run' && fail ? { stdout, exitCode: 1 } : undefined));
    return { cli, membrane: new Membrane(cli), fail: () => (fail = true) };
  };
  const lists = (cli: ScriptedCli) => cli.calls.filter((c) => c.args.join(' ') === 'connection list --json').length;

  for (const [code, body] of [
    ['connection_not_ready', { type: 'connection', key: 'connection_is_defunct', message: 'defunct' }],
    ['no_connection', { type: 'bad_request', key: 'not_found', message: 'Connection c1 not found' }],
    ['not_logged_in', { type: 'bad_request', key: 'not_authenticated', message: 'Unauthorized' }],
  ] as const) {
    it(`${code}: the next call resolves the connection again (the failed call is not retried)`, async () => {
      const { cli, membrane, fail } = failing(JSON.stringify(body));
      await membrane.runAction('send-sms', {});
      fail();
      expect((await rejection(membrane.runAction('send-sms', {}))).code).toBe(code);
      const runs = cli.calls.filter((c) => c.args[1] === 'run').length;
      expect(runs).toBe(2);
      await membrane.connectionId();
      expect(lists(cli)).toBe(2);
    });
  }

  it('other failures keep it', async () => {
    const { cli, membrane, fail } = failing(JSON.stringify({ type: 'internal', key: 'boom', message: 'boom' }));
    await membrane.runAction('send-sms', {});
    fail();
    expect((await rejection(membrane.runAction('send-sms', {}))).code).toBe('membrane_error');
    await membrane.connectionId();
    expect(lists(cli)).toBe(1);
  });

  it('an error that is not a ToolError keeps it too', async () => {
    let fail = false;
    const cli = world((args) => {
      if (args[1] === 'run' && fail) throw new Error('spawn failed');
      return undefined;
    });
    const membrane = new Membrane(cli);
    await membrane.runAction('send-sms', {});
    fail = true;
    await expect(membrane.runAction('send-sms', {})).rejects.toThrow('spawn failed');
    await membrane.connectionId();
    expect(cli.calls.filter((c) => c.args[1] === 'list' && c.args[0] === 'connection')).toHaveLength(1);
  });
});

describe('version and login status', () => {
  const cli = (result: Partial<CliResult>) => new Membrane(new ScriptedCli(() => result));

  it('version: the last line of the output', async () => {
    const scripted = new ScriptedCli(() => ({ stdout: 'Update available\n1.2.3\n' }));
    expect(await new Membrane(scripted).version()).toBe('1.2.3');
    expect(scripted.calls.map((c) => c.args)).toEqual([['--version']]);
    expect(await cli({ stdout: '' }).version()).toBe('');
  });

  it('a failing version names what it printed, stderr first', async () => {
    expect(await rejection(cli({ stdout: 'out', stderr: '  boom \n', exitCode: 1 }).version())).toEqual({
      code: 'membrane_error',
      message: 'membrane --version failed: boom',
    });
    expect((await rejection(cli({ stdout: ' out \n', stderr: ' \n', exitCode: 2 }).version())).message).toBe(
      'membrane --version failed: out',
    );
    // Nothing printed: how it ended.
    expect((await rejection(cli({ stdout: '', stderr: '\n', exitCode: 127 }).version())).message).toBe(
      'membrane --version failed: exit code 127, no output',
    );
  });

  it('logged in only with exit 0 and text that says so (and does not say otherwise)', async () => {
    const scripted = new ScriptedCli(() => ({ stdout: 'Logged in as a@b.c' }));
    await new Membrane(scripted).loggedIn();
    expect(scripted.calls.map((c) => c.args)).toEqual([['status']]);
    const status = (result: Partial<CliResult>) => cli(result).loggedIn();
    expect(await status({ stdout: 'Logged in as a@b.c\nTenant: t\nWorkspace: w\nmore\n' })).toEqual({
      loggedIn: true,
      text: 'Logged in as a@b.c Tenant: t Workspace: w',
    });
    expect(await status({ stdout: '', stderr: ' logged in as a@b.c \n' })).toEqual({ loggedIn: true, text: 'logged in as a@b.c' });
    expect((await status({ stdout: 'Not logged in' })).loggedIn).toBe(false);
    expect((await status({ stdout: 'Logged in, but not authenticated' })).loggedIn).toBe(false);
    expect((await status({ stdout: 'Logged in as a@b.c', exitCode: 1 })).loggedIn).toBe(false);
    expect((await status({ stdout: 'Workspace: w' })).loggedIn).toBe(false);
  });
});

describe("the REST base, learned from RingCentral's answer", () => {
  const ME = '/restapi/v1.0/account/~/extension/~';
  const AGW = {
    stdout: '{"errorCode":"AGW-404","message":"Resource not found"}',
    stderr: 'HTTP 404 AGW-404: Resource not found\n',
    exitCode: 1,
  };
  /** A connector whose base URL is `base` on `host`: a relative path is appended to it. */
  const connector = (base: string, uri = 'https://platform.rc.invalid/restapi/v1.0/account/1/extension/2') =>
    world((args) => {
      if (args[0] !== 'request') return undefined;
      const reached = `${base}${args[2]}`;
      return reached === ME
        ? json({ uri, id: 2, regionalSettings: { timezone: { name: 'Europe/Oslo' } } })
        : reached.startsWith('/restapi/v1.0/restapi')
          ? AGW
          : json({});
    });
  const probes = (cli: ScriptedCli) =>
    cli.commands().filter((c) => c.startsWith('request c1 ') && c.includes('/extension/~ -X GET')).length;

  it('a base ending in /restapi/v1.0: documented paths go relative under it, other roots as full URLs on the host RingCentral named', async () => {
    const cli = connector('/restapi/v1.0');
    const membrane = new Membrane(cli);
    expect(await membrane.restBase()).toEqual({
      origin: 'https://platform.rc.invalid',
      path: '/restapi/v1.0',
      timeZone: 'Europe/Oslo',
      connectionId: 'c1',
    });
    expect((await membrane.requestArgv({ method: 'GET', path: '/restapi/v1.0/account/~/extension/~/sms' }))[2]).toBe(
      '/account/~/extension/~/sms',
    );
    expect((await membrane.requestArgv({ method: 'GET', path: '/team-messaging/v1/chats', query: [['type', 'Team']] }))[2]).toBe(
      'https://platform.rc.invalid/team-messaging/v1/chats?type=Team',
    );
    // Two probes when cold (the bare host's path answered 404), none when warm.
    expect(probes(cli)).toBe(2);
    await membrane.request({ method: 'GET', path: '/restapi/v1.0/account/~' });
    expect(probes(cli)).toBe(2);
  });

  it('the bare host: paths as documented, one probe; learned again after the connection is dropped', async () => {
    const cli = connector('');
    const membrane = new Membrane(cli);
    expect(await membrane.restBase()).toMatchObject({ origin: 'https://platform.rc.invalid', path: '' });
    expect((await membrane.requestArgv({ method: 'GET', path: '/team-messaging/v1/chats' }))[2]).toBe('/team-messaging/v1/chats');
    expect(probes(cli)).toBe(1);
    membrane.invalidate();
    await membrane.requestArgv({ method: 'GET', path: '/x' });
    expect(probes(cli)).toBe(2);
  });

  it('a host only from an https uri of RingCentral: without one, no full URL is made', async () => {
    const membrane = new Membrane(connector('/restapi/v1.0', 'http://elsewhere.invalid/restapi/v1.0/account/1/extension/2'));
    expect(await membrane.restBase()).toMatchObject({ path: '/restapi/v1.0' });
    expect((await membrane.restBase()).origin).toBeUndefined();
    await expect(membrane.requestArgv({ method: 'GET', path: '/team-messaging/v1/chats' })).rejects.toThrow(
      /outside the connector's REST base/,
    );
  });

  it('no base answers: the error says so, with the fix', async () => {
    const membrane = new Membrane(world((args) => (args[0] === 'request' ? AGW : undefined)));
    const error = await rejection(membrane.restBase());
    expect(error.message).toMatch(
      /reached no RingCentral API: GET \/restapi\/v1\.0\/account\/~\/extension\/~ and GET \/account\/~\/extension\/~ both answered 404/,
    );
    expect(error.fix).toMatch(/base URL in Membrane/);
  });
});
