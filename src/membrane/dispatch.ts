/**
 * One tool operation as one CLI run on the route chosen for it: `action run` with the action's
 * input, or `request` with RingCentral's own method, path, query and body. Tools use the same
 * path for their internal look-ups (SMS sender, chat names, previews), so those follow the route too.
 */
import type { Exec, Record_, RestCall, ToolDefinition } from '../../tools/define.js';
import type { ToolContext } from './context.js';
import { ToolError } from '../errors.js';
import type { RequestSpec } from './membrane.js';
import { readList, readRecord, type Source } from './output.js';
import { firstPosition, nextPage, pagingInput, pagingQuery, type Handle } from './paging.js';

/** Every way of running except `custom`, which runs itself. */
export type Routable = Exclude<Exec<Record_>, { via: 'custom' }>;

export type Plan =
  /** `rest`: the tool also has RingCentral's REST route, a way around an action that fails. */
  | { route: 'action'; key: string; input: Record_; rest?: true }
  | { route: 'rest'; call: RestCall }
  /** The API proxy: a REST call as the caller gave it. */
  | { route: 'request'; call: RequestSpec };

const withQuery = (call: RestCall, extra: Array<[string, string]>): RestCall =>
  extra.length ? { ...call, query: [...(call.query ?? []), ...extra] } : call;

/** The CLI run behind one call of a tool; a list tool passes the page it wants. */
export async function plan(def: ToolDefinition, exec: Routable, input: Record_, ctx: ToolContext, handle?: Handle): Promise<Plan> {
  switch (exec.via) {
    case 'either': {
      const choice = await ctx.routes.choose(def, exec, ctx.run);
      if (choice.route === 'action') {
        const actionInput = { ...(await exec.action.input(input, ctx)), ...(handle ? pagingInput(handle) : {}) };
        if (await ctx.routes.actionTakes(exec.action.key, actionInput, ctx.run))
          return { route: 'action', key: exec.action.key, input: actionInput, rest: true };
      }
      return { route: 'rest', call: withQuery(await exec.rest.call(input, ctx), handle ? pagingQuery(handle) : []) };
    }
    case 'rest':
      return { route: 'rest', call: withQuery(await exec.rest.call(input, ctx), handle ? pagingQuery(handle) : []) };
    case 'action':
      return {
        route: 'action',
        key: exec.key(input),
        input: { ...(await exec.input(input, ctx)), ...(handle ? pagingInput(handle) : {}) },
      };
    case 'request':
      return { route: 'request', call: exec.call(input) };
  }
}

/**
 * The rate-limit group a plan counts in (the same RingCentral endpoint on either route); an action
 * named by the caller (run_action) counts in its tool's group, looked up by action key.
 */
export function groupOf(exec: Routable, planned: Plan, actionGroup: (key: string) => string): string {
  if (exec.via === 'either' || exec.via === 'rest') return exec.rest.group;
  return planned.route === 'action' ? actionGroup(planned.key) : 'request';
}

export const sourceOf = (planned: Plan): Source => (planned.route === 'action' ? { route: 'action', key: planned.key } : { route: 'rest' });

/** Exactly one CLI process. */
export async function runPlan(planned: Plan, ctx: ToolContext): Promise<unknown> {
  if (planned.route !== 'action') return ctx.membrane.request(planned.call, ctx.run);
  try {
    return (await ctx.membrane.runAction(planned.key, planned.input, ctx.run)).output;
  } catch (error) {
    // The connector's action failed in a way Membrane does not explain: the REST route may not.
    if (!planned.rest || !(error instanceof ToolError) || error.code !== 'membrane_error') throw error;
    throw new ToolError(error.code, error.message, {
      ...error.details,
      fix: `${error.details.fix ?? 'run the same membrane command by hand'}; or use RingCentral's REST API instead of this action: restart the server with --route rest`,
    });
  }
}

export function argvOf(planned: Plan, ctx: ToolContext): Promise<string[]> {
  if (planned.route === 'action') return ctx.membrane.runActionArgv(planned.key, planned.input, ctx.run);
  return ctx.membrane.requestArgv(planned.call, ctx.run);
}

function mustRoute(def: ToolDefinition): Routable {
  const exec = def.exec;
  if (exec.via === 'custom') throw new ToolError('not_allowed', `${def.name} runs custom code and has no route to look up with`);
  return exec;
}

/** One record through the tool's route (previews, look-ups). */
export async function fetchRecord(ctx: ToolContext, def: ToolDefinition, input: Record_): Promise<Record_> {
  const planned = await plan(def, mustRoute(def), input, ctx);
  const record = readRecord(await runPlan(planned, ctx), sourceOf(planned), 'read');
  return record && typeof record === 'object' && !Array.isArray(record) ? (record as Record_) : {};
}

/** Every record of a list tool through its route, page by page (at most `maxPages`). */
export async function fetchAll(
  ctx: ToolContext,
  def: ToolDefinition,
  input: Record_,
  pageSize: number,
  maxPages: number,
): Promise<Record_[]> {
  const exec = mustRoute(def);
  const records: Record_[] = [];
  let handle: Handle | undefined = firstPosition(def.list?.paging ?? 'page', pageSize).handle;
  for (let page = 0; handle && page < maxPages; page++) {
    const planned = await plan(def, exec, input, ctx, handle);
    const upstream = nextPage(readList(await runPlan(planned, ctx), sourceOf(planned)), handle);
    records.push(...upstream.records);
    handle = upstream.next;
  }
  return records;
}
