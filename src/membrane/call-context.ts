/**
 * What a tool sees while it runs (the contract's `ToolContext`), for one call: the routes, the
 * call's limits, the look-up cache shared by a runtime's calls, the connection's catalog, region
 * and status, and reads through a tool's own route. Every read runs as one plan in its rate-limit
 * group, like the call itself.
 */
import type { AccountRegion, ActionInfo, AnyTool, CallLimits, JsonObject, Pages, RateGroup, RestCall } from '../../tools/contract.js';
import type { Penalties } from '../safety/penalties.js';
import type { Membrane } from './membrane.js';
import { readList, readRecord } from './output.js';
import { firstPosition, nextPage, type Handle } from './paging.js';
import { ToolError } from '../errors.js';
import { isObject } from '../json.js';
import { plan, runPlan, type RouteContext, type Routes } from './routing.js';
import { checkStatus } from './status.js';

/** What a call's context is made of. */
export type CallContextParts = Pick<CallContext, 'membrane' | 'routes' | 'limits' | 'cache' | 'penalties' | 'pinnedConnectionId'>;

export class CallContext implements RouteContext {
  membrane: Membrane;
  routes: Routes;
  limits: CallLimits;
  cache: LookupCache;
  penalties: Pick<Penalties, 'check' | 'note'>;
  pinnedConnectionId?: string;

  constructor(parts: CallContextParts) {
    this.membrane = parts.membrane;
    this.routes = parts.routes;
    this.limits = parts.limits;
    this.cache = parts.cache;
    this.penalties = parts.penalties;
    this.pinnedConnectionId = parts.pinnedConnectionId;
  }

  actions(): Promise<Map<string, ActionInfo>> {
    return this.membrane.actions(this.limits);
  }

  findActions(intent: string, limit: number): Promise<ActionInfo[]> {
    return this.membrane.listActions({ intent, limit }, this.limits);
  }

  async region(): Promise<AccountRegion> {
    const { timeZone, country } = await this.membrane.restBase(this.limits);
    return { timeZone, country };
  }

  async status(): Promise<JsonObject> {
    return { ...(await checkStatus(this.membrane, this.pinnedConnectionId, this.limits, this.routes)) };
  }

  withSignal(signal: AbortSignal): CallContext {
    return new CallContext({ ...this, limits: { ...this.limits, signal } });
  }

  async read(tool: AnyTool, input: JsonObject): Promise<JsonObject> {
    const planned = await plan(tool, input, this);
    const record = readRecord(await runPlan(planned, this), planned, 'read');
    return isObject(record) ? record : {};
  }

  async readAll(tool: AnyTool, input: JsonObject, { pageSize, maxPages }: Pages): Promise<JsonObject[]> {
    const records: JsonObject[] = [];
    let handle: Handle | undefined = firstPosition(tool.list?.paging ?? 'page', pageSize).handle;
    for (let page = 0; handle && page < maxPages; page++) {
      const planned = await plan(tool, input, this, handle);
      const upstream = nextPage(readList(await runPlan(planned, this), planned), handle);
      records.push(...upstream.records);
      handle = upstream.next;
    }
    return records;
  }

  rest(group: RateGroup, call: RestCall): Promise<unknown> {
    return runPlan({ route: 'rest', group, call }, this);
  }

  async restList(group: RateGroup, call: RestCall): Promise<JsonObject[]> {
    // Stryker disable next-line ObjectLiteral,StringLiteral: any source but an action reads as RingCentral's REST API in errors
    return readList(await this.rest(group, call), { route: 'rest' }).records;
  }

  async restText(group: RateGroup, call: RestCall): Promise<string> {
    return String((await runPlan({ route: 'rest', group, call }, this, true)) ?? '');
  }
}

interface Entry {
  at: number;
  value: Promise<unknown>;
  /** Stops the load; aborted only when every caller waiting for it has gone. */
  controller: AbortController;
  waiting: number;
  /** A caller without a signal waits for it: the load is never stopped. */
  pinned: boolean;
  settled: boolean;
}

/**
 * Look-ups several calls need (SMS senders, chats, extensions, me), each loaded once per key at a
 * time (single flight) and kept for a while. The load runs with its own signal, not a caller's:
 * a caller that cancels stops waiting at once, and the load is stopped only when every caller
 * waiting for it has gone, so one client's hang-up never cancels another's call.
 */
export class LookupCache {
  constructor(
    private readonly ttlMs = 5 * 60_000,
    /** The call this view waits for (see forCall); none: it waits until the load ends. */
    private readonly signal?: AbortSignal,
    private readonly entries = new Map<string, Entry>(),
    /** What one call already asked for (see forCall); none for the shared cache itself. */
    private readonly asked?: Map<string, Promise<unknown>>,
  ) {}

  /**
   * The same cache as one call sees it: its waits end on `signal`, and a key it asks for again
   * (send_sms wants its sender for the key, the preview and the payload) gets the same answer.
   */
  forCall(signal: AbortSignal | undefined): LookupCache {
    return new LookupCache(this.ttlMs, signal, this.entries, new Map());
  }

  /** One load per key at a time; failures are not cached. `load` gets the signal to run its CLI calls with. */
  get<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.signal?.aborted) return Promise.reject(cancelled());
    const earlier = this.asked?.get(key);
    if (earlier) return earlier as Promise<T>;
    const hit = this.entries.get(key);
    const entry = hit && Date.now() - hit.at < this.ttlMs ? hit : this.start(key, load);
    const answer = this.wait(key, entry);
    this.remember(key, answer);
    return answer as Promise<T>;
  }

  /** Kept for the rest of the call; a failure is not: asking again starts afresh. */
  private remember(key: string, answer: Promise<unknown>): void {
    if (!this.asked) return;
    this.asked.set(key, answer);
    answer.catch(() => {
      if (this.asked?.get(key) === answer) this.asked.delete(key);
    });
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.asked?.delete(key);
  }

  private start(key: string, load: (signal: AbortSignal) => Promise<unknown>): Entry {
    const controller = new AbortController();
    const entry: Entry = { at: Date.now(), value: load(controller.signal), controller, waiting: 0, pinned: false, settled: false };
    this.entries.set(key, entry);
    entry.value.then(
      () => (entry.settled = true),
      () => {
        entry.settled = true;
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }

  private wait(key: string, entry: Entry): Promise<unknown> {
    const signal = this.signal;
    if (!signal) {
      entry.pinned = true;
      return entry.value;
    }
    entry.waiting++;
    return new Promise((resolve, reject) => {
      const leave = () => {
        signal.removeEventListener('abort', onAbort);
        entry.waiting--;
      };
      const onAbort = () => {
        leave();
        reject(cancelled());
        if (entry.waiting > 0 || entry.pinned || entry.settled) return;
        // Nobody is left waiting: the load stops, and the next caller starts a fresh one.
        if (this.entries.get(key) === entry) this.entries.delete(key);
        entry.controller.abort();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.value.then(
        (value) => {
          if (signal.aborted) return;
          leave();
          resolve(value);
        },
        (error: unknown) => {
          if (signal.aborted) return;
          leave();
          reject(error);
        },
      );
    });
  }
}

const cancelled = () => new ToolError('cancelled', 'the call was cancelled by the client');
