/**
 * The Membrane CLI as this server uses it: resolves the RingCentral connection, the action ids and
 * the connector's REST base once (single flight, cached), then every warm call is exactly one
 * `action run` or `request`.
 */
import { ToolError, FIX } from '../errors.js';
import type { RequestContext } from './classify.js';
import { chooseConnection, type Connection } from './connection.js';
import { asList, parseCliResult, unwrapActionOutput, type ParseOptions } from './output.js';
import type { ActionInfo, CallLimits, RestCall } from '../../tools/contract.js';
import type { CliRunner } from './runner.js';
import { learnRestBase, requestTarget, type RestBase } from './rest-base.js';
import { inTenant, tenantConnectionError, tenantFlags } from './tenant.js';

/** What this layer needs of the runner (tests give it a stand-in that answers from a script). */
export type Cli = Pick<CliRunner, 'run' | 'argv'>;

/** How a command's output is read: what the command prints (said by the method that runs it), and what its errors name. */
type Reading = ParseOptions & Required<Pick<ParseOptions, 'expect'>>;

export interface MembraneOptions {
  /** A pinned connection id skips resolution entirely. */
  connectionId?: string;
  /** The Membrane tenant every command acts for (`--tenantKey`); default the logged-in one. */
  tenantKey?: string;
}

export class Membrane {
  private readonly connection = new SharedRun<string>((run) => this.resolveConnection(run));
  private readonly catalog = new SharedRun<Map<string, ActionInfo>>((run) => this.loadActions(run));
  private readonly base = new SharedRun<RestBase & { connectionId: string }>((run) => this.loadRestBase(run));

  constructor(
    readonly runner: Cli,
    private readonly options: MembraneOptions = {},
  ) {}

  /** A resolution command (a listing, a lookup): what it prints, read as `reading` says. */
  private async json(args: string[], run: CallLimits, reading: Reading): Promise<unknown> {
    try {
      const result = await this.runner.run([...args, ...tenantFlags(this.options.tenantKey), '--json'], run);
      return parseCliResult(result, reading);
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** The error with the fixes of a tenant's user: its connection commands name the tenant. */
  explain(error: unknown): unknown {
    return this.options.tenantKey ? inTenant(error, this.options.tenantKey) : error;
  }

  async listConnections(run: CallLimits = {}): Promise<Connection[]> {
    const all: Connection[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const list = asList(await this.json(['connection', 'list', ...(cursor ? ['--cursor', cursor] : [])], run, { expect: 'json' }));
      all.push(...(list.items as Connection[]));
      cursor = list.cursor;
      if (!cursor) break;
    }
    return all;
  }

  /**
   * The one ready RingCentral connection (not cached). A tenant without any is told the command
   * to connect and, when `connection ensure` gives one, the link the person opens.
   */
  async findConnection(run: CallLimits = {}): Promise<Connection> {
    const tenantKey = this.options.tenantKey;
    try {
      return chooseConnection(await this.listConnections(run));
    } catch (error) {
      if (!tenantKey) throw error;
      const ensure = async () =>
        (await this.json(['connection', 'ensure', 'https://ringcentral.com'], run, { expect: 'json' })) as Connection;
      throw await tenantConnectionError(error, tenantKey, ensure);
    }
  }

  private async resolveConnection(run: CallLimits): Promise<string> {
    return (await this.findConnection(run)).id;
  }

  /** One connection by id (a pinned one, which skips resolution). */
  async getConnection(id: string, run: CallLimits = {}): Promise<Connection> {
    const value = (await this.json(['connection', 'get', id], run, { expect: 'json', connectionId: id })) as Connection | null;
    if (typeof value?.id !== 'string') {
      throw this.explain(
        new ToolError('no_connection', `connection ${id} was not found`, { fix: `${FIX.connect}, then pin the id it prints` }),
      );
    }
    return value;
  }

  /** The RingCentral connection id, resolved once even under concurrent calls. */
  connectionId(run: CallLimits = {}): Promise<string> {
    if (this.options.connectionId) return Promise.resolve(this.options.connectionId);
    return this.connection.get(run);
  }

  /** Every action of the connection by key and by id, resolved once. */
  actions(run: CallLimits = {}): Promise<Map<string, ActionInfo>> {
    return this.catalog.get(run);
  }

  private async loadActions(run: CallLimits): Promise<Map<string, ActionInfo>> {
    const connectionId = await this.connectionId(run);
    const byName = new Map<string, ActionInfo>();
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const args = ['action', 'list', '--connectionId', connectionId, '--limit', '100', ...(cursor ? ['--cursor', cursor] : [])];
      const list = asList(await this.json(args, run, { expect: 'json', connectionId }));
      for (const action of list.items as ActionInfo[]) {
        if (!action || typeof action.id !== 'string') continue;
        byName.set(action.id, action);
        if (action.key) byName.set(action.key, action);
      }
      cursor = list.cursor;
      if (!cursor) break;
    }
    return byName;
  }

  /** Actions ranked by relevance to an intent (not cached: the ranking depends on the text). */
  async listActions(query: { intent: string; limit: number }, run: CallLimits = {}): Promise<ActionInfo[]> {
    const connectionId = await this.connectionId(run);
    const args = ['action', 'list', '--connectionId', connectionId, `--intent=${query.intent}`, '--limit', String(query.limit)];
    return (asList(await this.json(args, run, { expect: 'json', connectionId })).items as ActionInfo[]).slice(0, query.limit);
  }

  /** The id to pass to `action run`; the key itself when the catalog does not list it. */
  async actionId(key: string, run: CallLimits = {}): Promise<string> {
    return (await this.actions(run)).get(key)?.id ?? key;
  }

  /** Forget cached resolution after a connection-class failure, so the next call resolves again. */
  invalidate(): void {
    this.connection.forget();
    this.catalog.forget();
    this.base.forget();
  }

  /**
   * Where the connector's `membrane request` lands (its REST base) and RingCentral's host, learned
   * once per connection from RingCentral's own answer; learned again when the connection changes.
   */
  async restBase(run: CallLimits = {}): Promise<RestBase> {
    const connectionId = await this.connectionId(run);
    const learned = await this.base.get(run);
    if (learned.connectionId === connectionId) return learned;
    this.base.forget();
    return this.base.get(run);
  }

  private async loadRestBase(run: CallLimits): Promise<RestBase & { connectionId: string }> {
    const connectionId = await this.connectionId(run);
    // The probe reads a record: an empty answer is no base learned.
    const probe = (path: string) => this.json(['request', connectionId, path, '-X', 'GET'], run, { expect: 'json', connectionId });
    return { ...(await learnRestBase(probe)), connectionId };
  }

  async runActionArgv(key: string, input: unknown, run: CallLimits = {}): Promise<string[]> {
    const [connectionId, actionId] = [await this.connectionId(run), await this.actionId(key, run)];
    return [
      'action',
      'run',
      actionId,
      '--connectionId',
      connectionId,
      '--input',
      JSON.stringify(input ?? {}),
      ...tenantFlags(this.options.tenantKey),
      '--json',
    ];
  }

  async runAction(key: string, input: unknown, run: CallLimits = {}): Promise<{ output: unknown; actionRunId?: string }> {
    const connectionId = await this.connectionId(run);
    const args = await this.runActionArgv(key, input, run);
    return unwrapActionOutput(await this.oneRun(args, run, { expect: 'action-output', connectionId }));
  }

  /**
   * RingCentral's documented path (`/restapi/v1.0/...`, `/team-messaging/v1/...`) on the learned
   * base, with the query string built and encoded here: whatever the CLI does with `--query`, a `+`
   * or `&` in a value reaches RingCentral as sent.
   */
  async requestArgv(spec: RestCall, run: CallLimits = {}): Promise<string[]> {
    const connectionId = await this.connectionId(run);
    const target = requestTarget(spec.path, spec.query ?? [], await this.restBase(run));
    const args = ['request', connectionId, target, '-X', spec.method];
    for (const [k, v] of spec.headers ?? []) args.push('-H', `${k}: ${v}`);
    // Stryker disable next-line ConditionalExpression: JSON.stringify(undefined) is undefined as well; the check says so.
    const body = spec.bodyText ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
    if (body !== undefined) args.push('-d', body);
    args.push(...tenantFlags(this.options.tenantKey), '--json');
    return args;
  }

  async request(spec: RestCall, run: CallLimits = {}): Promise<unknown> {
    const connectionId = await this.connectionId(run);
    const args = await this.requestArgv(spec, run);
    return this.oneRun(args, run, { expect: 'json-or-empty', connectionId, request: requestContext(spec, args) });
  }

  /** A GET of text content (an attachment served as text/plain): the body as it came. */
  async requestText(spec: RestCall, run: CallLimits = {}): Promise<string> {
    const connectionId = await this.connectionId(run);
    const args = await this.requestArgv(spec, run);
    return String((await this.oneRun(args, run, { expect: 'text', connectionId, request: requestContext(spec, args) })) ?? '');
  }

  /** One CLI process; a connection-class failure clears the cache (never retried: writes must not run twice). */
  private async oneRun(args: string[], run: CallLimits, reading: Reading): Promise<unknown> {
    try {
      return parseCliResult(await this.runner.run(args, run), reading);
    } catch (error) {
      // Never retried (a write must not run twice); the next call resolves the connection afresh.
      if (error instanceof ToolError && ['connection_not_ready', 'no_connection', 'not_logged_in'].includes(error.code)) this.invalidate();
      throw this.explain(error);
    }
  }

  async version(run: CallLimits = {}): Promise<string> {
    const result = await this.runner.run(['--version'], run);
    if (result.exitCode !== 0 || result.signal) {
      // Say how it ended when it printed nothing (a crash by signal prints nothing).
      const how = result.signal ? `killed by ${result.signal}` : `exit code ${String(result.exitCode)}, no output`;
      throw new ToolError('membrane_error', `membrane --version failed: ${result.stderr.trim() || result.stdout.trim() || how}`);
    }
    // Stryker disable next-line StringLiteral: split always gives at least one line.
    return result.stdout.trim().split('\n').pop() ?? '';
  }

  async loggedIn(run: CallLimits = {}): Promise<{ loggedIn: boolean; text: string }> {
    const result = await this.runner.run(['status', ...tenantFlags(this.options.tenantKey)], run);
    const text = `${result.stdout}\n${result.stderr}`.trim();
    const loggedIn = result.exitCode === 0 && !/not logged in|not authenticated/i.test(text) && /logged in/i.test(text);
    return { loggedIn, text: text.split('\n').slice(0, 3).join(' ') };
  }
}

/** The request as errors name it: RingCentral's path, and what the CLI was given (argv[2]). */
const requestContext = (spec: RestCall, args: string[]): RequestContext => ({
  method: spec.method,
  path: spec.path,
  target: args[2],
  byCaller: spec.byCaller,
});

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
  /** A caller without a signal cannot cancel, so the run must finish for it. */
  pinned: boolean;
}

/**
 * A lookup run once for every caller that needs it at the same time (single flight). A caller
 * that cancels stops waiting at once; the run itself is stopped when the last waiting caller
 * cancelled, so a cancelled cold call leaves no CLI running for nobody.
 */
class SharedRun<T> {
  private flight?: Flight<T>;

  constructor(private readonly load: (run: CallLimits) => Promise<T>) {}

  get(run: CallLimits): Promise<T> {
    run.signal?.throwIfAborted();
    const flight = (this.flight ??= this.start(run.timeoutMs));
    if (!run.signal) {
      flight.pinned = true;
      return flight.promise;
    }
    const signal = run.signal;
    flight.waiting++;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const leave = (): boolean => {
        // Stryker disable next-line BooleanLiteral: after the first leave nothing is left to do: the listener is gone and the promise settled.
        if (done) return false;
        done = true;
        // Stryker disable next-line StringLiteral: a later abort finds `done` set and does nothing.
        signal.removeEventListener('abort', onAbort);
        flight.waiting--;
        return true;
      };
      const onAbort = () => {
        if (!leave()) return;
        reject(new ToolError('cancelled', 'the call was cancelled by the client'));
        if (flight.waiting === 0 && !flight.pinned) {
          if (this.flight === flight) this.flight = undefined;
          flight.controller.abort();
        }
      };
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: an AbortSignal fires 'abort' once.
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => leave() && resolve(value),
        (error: unknown) => leave() && reject(error),
      );
    });
  }

  /** The next caller starts a fresh run; one in progress finishes for those already waiting. */
  forget(): void {
    this.flight = undefined;
  }

  private start(timeoutMs: number | undefined): Flight<T> {
    const controller = new AbortController();
    const flight: Flight<T> = { controller, waiting: 0, pinned: false, promise: this.load({ timeoutMs, signal: controller.signal }) };
    flight.promise.catch(() => {
      if (this.flight === flight) this.flight = undefined;
    });
    return flight;
  }
}
