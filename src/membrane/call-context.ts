/**
 * What a tool sees while it runs (the contract's `ToolContext`), for one call: the Membrane
 * client, the routes, the call's limits, the shared look-up cache, and reads through a tool's own
 * route. Every read runs as one plan in its rate-limit group, like the call itself.
 */
import type { AccountRegion, ActionInfo, AnyTool, CallLimits, JsonObject, Pages, RateGroup, RestCall } from '../../tools/contract.js';
import type { Penalties } from '../safety/penalties.js';
import type { LookupCache } from './lookup-cache.js';
import type { Membrane } from './membrane.js';
import { readList, readRecord } from './output.js';
import { firstPosition, nextPage, type Handle } from './paging.js';
import { isObject } from '../json.js';
import { plan, runPlan, type RouteContext, type Routes } from './routing.js';
import { checkStatus } from './status.js';

export interface CallContextParts {
  membrane: Membrane;
  routes: Routes;
  limits: CallLimits;
  cache: LookupCache;
  penalties: Pick<Penalties, 'check' | 'note'>;
  pinnedConnectionId?: string;
}

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
