/**
 * The one home of routes: which way one call reaches RingCentral, and running it.
 *
 * A plan has two routes. `action`: the connector's Membrane action, taken only when the action's
 * live input schema (from the `action list` that resolved ids) declares every property THIS call
 * sends and the call sends every property it requires, with types it takes (Membrane drops what
 * its schema does not declare, without an error). `rest`: RingCentral's own REST call through
 * `membrane request`, on the base the connection was learned to have (membrane.ts). The API proxy
 * is a `rest` plan whose body is returned as it came. Deciding needs only the cached catalog, so a
 * warm call stays one CLI process on either route; every plan runs in its RingCentral rate-limit
 * group, through the penalty check, tool calls and look-ups alike.
 */
import type { ActionRoute, Exec, Record_, ToolDefinition } from '../../tools/define.js';
import type { ToolContext } from './context.js';
import { ToolError } from '../errors.js';
import { typeMismatches } from './input-types.js';
import { ServerBusy } from './limiter.js';
import type { ActionInfo, Membrane, RequestSpec } from './membrane.js';
import { readList, readRecord, type Source } from './output.js';
import { firstPosition, nextPage, pagingInput, pagingQuery, type Handle } from './paging.js';
import { isObject } from './parse.js';
import type { RunOptions } from './runner.js';

export const ROUTE_MODES = ['auto', 'action', 'rest'] as const;
export type RouteMode = (typeof ROUTE_MODES)[number];

/** One CLI run: a Membrane action, or a RingCentral REST call (the proxy's `raw`: its body as it came). */
export type Plan =
  | {
      route: 'action';
      key: string;
      input: Record_;
      /** RingCentral's rate-limit group of the endpoint behind the action. */
      group: string;
      /** The tool also has a REST route: a way around an action that fails. */
      hasRest?: true;
    }
  | { route: 'rest'; call: RequestSpec; group: string; raw?: true };

export interface RouteChoice {
  route: 'action' | 'rest';
  reason: string;
}

/** A tool's route as `ringcentral_status` tells it: `per call` when it depends on what the call sends. */
export interface RouteLine {
  tool: string;
  route: 'action' | 'rest' | 'per call';
  reason: string;
}

type Schema = Record<string, unknown>;
/** Every way of running except `custom`, which runs itself. */
export type Routable = Exclude<Exec<Record_>, { via: 'custom' }>;

// ---- What a live schema declares -------------------------------------------------------------

/** Paging fields a list tool adds to the action input. */
const PAGING_SENDS = { page: ['page', 'perPage'], token: ['recordCount', 'pageToken'], video: ['perPage', 'pageToken'] } as const;

/** Everything a tool's action input can carry, paging included (for the status report). */
export function sendsOf(def: ToolDefinition, action: ActionRoute<Record_>): string[] {
  return [...action.sends, ...(def.list ? PAGING_SENDS[def.list.paging] : [])];
}

/** The schema itself and its alternatives (anyOf/oneOf/allOf), where a property may be declared. */
const alternatives = (schema: Schema): Schema[] => [
  schema,
  ...(['anyOf', 'oneOf', 'allOf'] as const).flatMap((k) => (Array.isArray(schema[k]) ? (schema[k] as unknown[]).filter(isObject) : [])),
];

function property(schema: Schema, name: string): Schema | undefined {
  for (const alt of alternatives(schema)) {
    const properties = alt.properties;
    if (isObject(properties) && isObject(properties[name])) return properties[name];
  }
  return undefined;
}

/** The schema of a path such as `to[].phoneNumber`, or undefined when a step is not declared. */
function schemaAt(root: Schema, path: string): Schema | undefined {
  let node: Schema | undefined = root;
  for (const step of path.split('.')) {
    const name = step.endsWith('[]') ? step.slice(0, -2) : step;
    node = node && property(node, name);
    if (node && step.endsWith('[]')) node = isObject(node.items) ? node.items : undefined;
    if (!node) return undefined;
  }
  return node;
}

const requiredOf = (schema: Schema): string[] =>
  Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];

const sendsUnder = (sends: readonly string[], prefix: string, name: string) =>
  sends.some(
    (path) =>
      path === `${prefix}${name}` ||
      path === `${prefix}${name}[]` ||
      path.startsWith(`${prefix}${name}.`) ||
      path.startsWith(`${prefix}${name}[].`),
  );

/** What the live schema does not declare of what is sent, and what it requires that is not sent. */
export function checkSchema(schema: Schema, sends: readonly string[]): { undeclared: string[]; unsupplied: string[] } {
  const undeclared = sends.filter((path) => !schemaAt(schema, path));
  const unsupplied: string[] = [];
  // Every object filled in (the input itself, `from`, `to[]`...) must get its required properties.
  const parents = new Set([
    '',
    ...sends.flatMap((path) =>
      path
        .split('.')
        .slice(0, -1)
        .map((_, i, steps) => steps.slice(0, i + 1).join('.')),
    ),
  ]);
  for (const parent of parents) {
    const node = parent ? schemaAt(schema, parent) : schema;
    if (!node) continue;
    const target = isObject(node.items) && node.type === 'array' ? node.items : node;
    const prefix = parent ? `${parent}.` : '';
    for (const name of requiredOf(target)) if (!sendsUnder(sends, prefix, name)) unsupplied.push(`${prefix}${name}`);
  }
  return { undeclared, unsupplied };
}

/** The property paths one action input carries: `text`, `from.phoneNumber`, `to[].phoneNumber`. */
export function sentPaths(value: Record_, prefix = ''): string[] {
  return Object.entries(value).flatMap(([name, v]) => {
    if (v === undefined) return [];
    const path = `${prefix}${name}`;
    if (Array.isArray(v)) {
      const objects = v.filter(isObject);
      const inner = [...new Set(objects.flatMap((item) => sentPaths(item, `${path}[].`)))];
      return inner.length ? inner : [path];
    }
    if (isObject(v) && Object.keys(v).length) return sentPaths(v, `${path}.`);
    return [path];
  });
}

/** The route `auto` takes for one call with this action input, with its reason in a person's words. */
export function callRoute(key: string, info: ActionInfo | undefined, input: Record_): RouteChoice {
  if (!info) return { route: 'rest', reason: `the connection has no action ${key}` };
  if (!isObject(info.inputSchema))
    return { route: 'rest', reason: `action ${key} lists no input schema, so what it accepts cannot be checked` };
  const { undeclared, unsupplied } = checkSchema(info.inputSchema, sentPaths(input));
  if (undeclared.length) return { route: 'rest', reason: `action ${key} does not declare ${undeclared.join(', ')}` };
  if (unsupplied.length) return { route: 'rest', reason: `action ${key} requires ${unsupplied.join(', ')}, which the call does not send` };
  const mismatched = typeMismatches(info.inputSchema, input);
  if (mismatched.length) return { route: 'rest', reason: `action ${key} takes another type for ${mismatched.join(', ')}` };
  return { route: 'action', reason: `action ${key} declares every property the call sends` };
}

/**
 * A tool's route for the status report. Its action is `action` when the schema declares all it can
 * send, `rest` when even its smallest call cannot take it, else `per call` (a call that sends an
 * undeclared optional property takes REST; a default such as `extensionId: "~"` is left out instead).
 */
export function toolRoute(def: ToolDefinition, action: ActionRoute<Record_>, info: ActionInfo | undefined): Omit<RouteLine, 'tool'> {
  const key = action.key;
  if (!info || !isObject(info.inputSchema)) return callRoute(key, info, {});
  const defaults = Object.keys(action.defaults ?? {});
  const { undeclared, unsupplied } = checkSchema(info.inputSchema, sendsOf(def, action));
  const always = undeclared.filter((path) => isAlwaysSent(def, path) && !defaults.includes(path));
  if (always.length) return { route: 'rest', reason: `action ${key} does not declare ${undeclared.join(', ')}` };
  if (unsupplied.length) return { route: 'rest', reason: `action ${key} requires ${unsupplied.join(', ')}, which the tool does not send` };
  if (!undeclared.length) return { route: 'action', reason: `action ${key} declares every property the tool sends` };
  return {
    route: 'per call',
    reason: `action ${key} does not declare ${undeclared.join(', ')}: a call that sends one takes REST, others the action`,
  };
}

/** Whether every call sends this path: paging, or a property under a required input field. */
function isAlwaysSent(def: ToolDefinition, path: string): boolean {
  const top = path.split(/[.[]/)[0];
  if (['page', 'perPage', 'recordCount'].includes(top)) return true;
  const field = (def.input as Record<string, { isOptional?: () => boolean } | undefined>)[top];
  return field !== undefined && field.isOptional?.() === false;
}

const shortName = (name: string) => name.replace(/^ringcentral_/, '');

/** The route mode, and what the registry knows about routes (rate-limit groups of actions). */
export class Routes {
  /** Each tool's action key -> its endpoint's rate-limit group, from the registry. */
  private readonly groups: Map<string, string>;

  constructor(
    private readonly membrane: Membrane,
    readonly mode: RouteMode,
    private readonly tools: readonly ToolDefinition[],
  ) {
    this.groups = new Map(
      tools.flatMap((def) => (def.exec.via === 'either' ? [[def.exec.action.key, def.exec.rest.group] as [string, string]] : [])),
    );
  }

  /** The typed write tool that runs an action (run_action sends callers there, to its checks). */
  writeToolOf(key: string): string | undefined {
    const actionOf = (exec: ToolDefinition['exec']) =>
      exec.via === 'either' ? exec.action.key : exec.via === 'rest' ? exec.unusedAction : undefined;
    return this.tools.find((def) => def.kind !== 'read' && actionOf(def.exec) === key)?.name;
  }

  /** The rate-limit group of an action the caller names (run_action): its tool's, else `other`. */
  groupOfAction(key: string): string {
    return this.groups.get(key) ?? 'other';
  }

  /** The catalog when `auto` or `action` needs it (`rest` never loads it). */
  catalog(run: RunOptions): Promise<Map<string, ActionInfo>> {
    return this.membrane.actions(run);
  }

  /** Every RingCentral tool's route and why, for `ringcentral_status` and `doctor`. */
  async report(run: RunOptions): Promise<RouteLine[]> {
    const lines: RouteLine[] = [];
    const catalog = this.mode === 'rest' ? undefined : await this.membrane.actions(run);
    for (const def of this.tools) {
      const exec = def.exec;
      const tool = shortName(def.name);
      if (exec.via === 'rest') lines.push({ tool, route: 'rest', reason: exec.why });
      if (exec.via !== 'either') continue;
      if (!catalog) lines.push({ tool, route: 'rest', reason: 'forced by --route rest' });
      else if (this.mode === 'action')
        lines.push({ tool, route: 'action', reason: forcedReason(toolRoute(def, exec.action, catalog.get(exec.action.key))) });
      else lines.push({ tool, ...toolRoute(def, exec.action, catalog.get(exec.action.key)) });
    }
    return lines;
  }
}

/** Forced: say what auto saw, since an input the action does not declare is dropped without an error. */
const forcedReason = (auto: Omit<RouteLine, 'tool'>): string =>
  auto.route === 'action' ? 'forced by --route action' : `forced by --route action, though ${auto.reason}`;

// ---- Planning one call -----------------------------------------------------------------------

const withQuery = (call: RequestSpec, extra: Array<[string, string]>): RequestSpec =>
  extra.length ? { ...call, query: [...(call.query ?? []), ...extra] } : call;

function mustRoute(def: ToolDefinition): Routable {
  const exec = def.exec;
  if (exec.via === 'custom') throw new ToolError('not_allowed', `${def.name} runs custom code and has no route to look up with`);
  return exec;
}

/**
 * The action input of a call: the tool's own, paging, and each default the schema declares (a
 * default the action does not declare is left out rather than sending the call to REST).
 */
async function actionInput(action: ActionRoute<Record_>, input: Record_, ctx: ToolContext, info: ActionInfo | undefined, handle?: Handle) {
  const own = { ...(await action.input(input, ctx)), ...(handle ? pagingInput(handle) : {}) };
  const schema = info?.inputSchema;
  for (const [name, value] of Object.entries(action.defaults ?? {})) {
    if (own[name] === undefined && (!isObject(schema) || schemaAt(schema, name))) own[name] = value;
  }
  return own;
}

async function restPlan(
  exec: { rest: { group: string; call: (input: Record_, ctx: ToolContext) => RequestSpec | Promise<RequestSpec> } },
  input: Record_,
  ctx: ToolContext,
  handle?: Handle,
): Promise<Plan> {
  return { route: 'rest', group: exec.rest.group, call: withQuery(await exec.rest.call(input, ctx), handle ? pagingQuery(handle) : []) };
}

/** The one CLI run behind one call of a tool; a list tool passes the page it wants. */
export async function plan(def: ToolDefinition, input: Record_, ctx: ToolContext, handle?: Handle): Promise<Plan> {
  const exec = mustRoute(def);
  switch (exec.via) {
    case 'either': {
      if (ctx.routes.mode === 'rest') return restPlan(exec, input, ctx, handle);
      const info = (await ctx.routes.catalog(ctx.run)).get(exec.action.key);
      const sent = await actionInput(exec.action, input, ctx, info, handle);
      if (ctx.routes.mode === 'action' || callRoute(exec.action.key, info, sent).route === 'action')
        return { route: 'action', key: exec.action.key, input: sent, group: exec.rest.group, hasRest: true };
      return restPlan(exec, input, ctx, handle);
    }
    case 'rest':
      return restPlan(exec, input, ctx, handle);
    case 'action': {
      const key = exec.key(input);
      const sent = { ...(await exec.input(input, ctx)), ...(handle ? pagingInput(handle) : {}) };
      return { route: 'action', key, input: sent, group: ctx.routes.groupOfAction(key) };
    }
    case 'request':
      return { route: 'rest', call: { ...exec.call(input), byCaller: true }, group: 'request', raw: true };
  }
}

export const sourceOf = (planned: Plan): Source => (planned.route === 'action' ? { route: 'action', key: planned.key } : { route: 'rest' });

/**
 * Exactly one CLI process, inside the plan's rate-limit group: a call inside a 429 window fails
 * fast (one sent there would restart RingCentral's penalty), and a new 429 opens the window.
 */
export async function runPlan(planned: Plan, ctx: ToolContext, text = false): Promise<unknown> {
  await ctx.penalties.check(planned.group);
  try {
    if (planned.route === 'rest')
      return await (text ? ctx.membrane.requestText(planned.call, ctx.run) : ctx.membrane.request(planned.call, ctx.run));
    return (await ctx.membrane.runAction(planned.key, planned.input, ctx.run)).output;
  } catch (error) {
    // This server's own queue being full (ServerBusy) is no RingCentral 429: it opens no window.
    if (error instanceof ToolError && error.code === 'rate_limited' && !(error instanceof ServerBusy))
      await ctx.penalties.note(planned.group, error.details.retryAfterSeconds ?? 60);
    throw explainAction(planned, error);
  }
}

/** The connector's action failed in a way Membrane does not explain: the REST route may not. */
function explainAction(planned: Plan, error: unknown): unknown {
  if (planned.route !== 'action' || !planned.hasRest || !(error instanceof ToolError) || error.code !== 'membrane_error') return error;
  return new ToolError(error.code, error.message, {
    ...error.details,
    fix: `${error.details.fix ?? 'run the same membrane command by hand'}; or use RingCentral's REST API instead of this action: restart the server with --route rest`,
  });
}

export function argvOf(planned: Plan, ctx: ToolContext): Promise<string[]> {
  if (planned.route === 'action') return ctx.membrane.runActionArgv(planned.key, planned.input, ctx.run);
  return ctx.membrane.requestArgv(planned.call, ctx.run);
}

// ---- Look-ups: the same plans, the same penalty check ----------------------------------------

/** A RingCentral REST look-up (the SMS-sender list) in its rate-limit group. */
export const restLookup = (ctx: ToolContext, group: string, call: RequestSpec): Promise<unknown> =>
  runPlan({ route: 'rest', group, call }, ctx);

/** Text content (a voicemail transcription) in its rate-limit group: the body as it came. */
export const restText = async (ctx: ToolContext, group: string, call: RequestSpec): Promise<string> =>
  String((await runPlan({ route: 'rest', group, call }, ctx, true)) ?? '');

/** One record through the tool's route (previews, look-ups). */
export async function fetchRecord(ctx: ToolContext, def: ToolDefinition, input: Record_): Promise<Record_> {
  const planned = await plan(def, input, ctx);
  const record = readRecord(await runPlan(planned, ctx), sourceOf(planned), 'read');
  return isObject(record) ? record : {};
}

/** Every record of a list tool through its route, page by page (at most `maxPages`). */
export async function fetchAll(
  ctx: ToolContext,
  def: ToolDefinition,
  input: Record_,
  pageSize: number,
  maxPages: number,
): Promise<Record_[]> {
  const records: Record_[] = [];
  let handle: Handle | undefined = firstPosition(def.list?.paging ?? 'page', pageSize).handle;
  for (let page = 0; handle && page < maxPages; page++) {
    const planned = await plan(def, input, ctx, handle);
    const upstream = nextPage(readList(await runPlan(planned, ctx), sourceOf(planned)), handle);
    records.push(...upstream.records);
    handle = upstream.next;
  }
  return records;
}
