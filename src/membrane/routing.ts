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
import type {
  ActionInfo,
  ActionRoute,
  AnyTool,
  CallLimits,
  Exec,
  JsonObject,
  RestCall,
  Route,
  RouteBook,
  RouteLine,
  RouteMode,
  ToolContext,
} from '../../tools/contract.js';
import { ToolError } from '../errors.js';
import { ServerBusy } from './limiter.js';
import type { Membrane } from './membrane.js';
import { pagingInput, pagingQuery, type Handle } from './paging.js';
import { isObject } from '../json.js';
import type { Penalties } from '../safety/penalties.js';

export type { RouteLine, RouteMode } from '../../tools/contract.js';

export const ROUTE_MODES = ['auto', 'action', 'rest'] as const satisfies readonly RouteMode[];

/** What planning and running a call need beyond what a tool sees: the routes themselves, the penalty windows. */
export interface RouteContext extends ToolContext {
  routes: Routes;
  /** RingCentral's rate-limit windows: every CLI run of a call or a look-up checks its group first. */
  penalties: Pick<Penalties, 'check' | 'note'>;
}

/** One CLI run: a Membrane action, or a RingCentral REST call (the proxy's `raw`: its body as it came). */
export type Plan =
  | {
      route: 'action';
      key: string;
      input: JsonObject;
      /** RingCentral's rate-limit group of the endpoint behind the action. */
      group: string;
      /** The tool also has a REST route: a way around an action that fails. */
      hasRest?: true;
    }
  | { route: 'rest'; call: RestCall; group: string; raw?: true };

/** The route `auto` takes for one call, and why. */
export interface RouteChoice {
  route: Route;
  reason: string;
}

/** Every way of running except `custom`, which runs itself. */
type Routable = Exclude<Exec<JsonObject>, { via: 'custom' }>;

// ---- What a live schema declares -------------------------------------------------------------

/** Paging fields a list tool adds to the action input. */
const PAGING_SENDS = { page: ['page', 'perPage'], token: ['recordCount', 'pageToken'], video: ['perPage', 'pageToken'] } as const;

/** Everything a tool's action input can carry, paging included (for the status report). */
export function sendsOf(def: AnyTool, action: ActionRoute<JsonObject>): string[] {
  return [...action.sends, ...(def.list ? PAGING_SENDS[def.list.paging] : [])];
}

/** The schema itself and its alternatives (anyOf/oneOf/allOf), where a property may be declared. */
const alternatives = (schema: JsonObject): JsonObject[] => [
  schema,
  ...(['anyOf', 'oneOf', 'allOf'] as const).flatMap((k) => (Array.isArray(schema[k]) ? (schema[k] as unknown[]).filter(isObject) : [])),
];

function property(schema: JsonObject, name: string): JsonObject | undefined {
  for (const alt of alternatives(schema)) {
    const properties = alt.properties;
    if (isObject(properties) && isObject(properties[name])) return properties[name];
  }
  return undefined;
}

/** The schema of a path such as `to[].phoneNumber`, or undefined when a step is not declared. */
function schemaAt(root: JsonObject, path: string): JsonObject | undefined {
  let node: JsonObject | undefined = root;
  for (const step of path.split('.')) {
    const name = step.endsWith('[]') ? step.slice(0, -2) : step;
    node = node && property(node, name);
    if (node && step.endsWith('[]')) node = isObject(node.items) ? node.items : undefined;
    if (!node) return undefined;
  }
  return node;
}

const requiredOf = (schema: JsonObject): string[] =>
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
export function checkSchema(schema: JsonObject, sends: readonly string[]): { undeclared: string[]; unsupplied: string[] } {
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
export function sentPaths(value: JsonObject, prefix = ''): string[] {
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
export function callRoute(key: string, info: ActionInfo | undefined, input: JsonObject): RouteChoice {
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
export function toolRoute(def: AnyTool, action: ActionRoute<JsonObject>, info: ActionInfo | undefined): Omit<RouteLine, 'tool'> {
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
function isAlwaysSent(def: AnyTool, path: string): boolean {
  const top = path.split(/[.[]/)[0];
  if (['page', 'perPage', 'recordCount'].includes(top)) return true;
  const field = (def.input as Record<string, { isOptional?: () => boolean } | undefined>)[top];
  return field !== undefined && field.isOptional?.() === false;
}

const shortName = (name: string) => name.replace(/^ringcentral_/, '');

/** The route mode, and what the registry knows about routes (rate-limit groups of actions). */
export class Routes implements RouteBook {
  /** Each tool's action key -> its endpoint's rate-limit group, from the registry. */
  private readonly groups: Map<string, string>;

  constructor(
    private readonly membrane: Membrane,
    readonly mode: RouteMode,
    private readonly tools: readonly AnyTool[],
  ) {
    this.groups = new Map(
      tools.flatMap((def) => (def.exec.via === 'either' ? [[def.exec.action.key, def.exec.rest.group] as [string, string]] : [])),
    );
  }

  /** The typed write tool that runs an action (run_action sends callers there, to its checks). */
  writeToolOf(key: string): string | undefined {
    const actionOf = (exec: AnyTool['exec']) =>
      exec.via === 'either' ? exec.action.key : exec.via === 'rest' ? exec.unusedAction : undefined;
    return this.tools.find((def) => def.kind !== 'read' && actionOf(def.exec) === key)?.name;
  }

  /** The rate-limit group of an action the caller names (run_action): its tool's, else `other`. */
  groupOfAction(key: string): string {
    return this.groups.get(key) ?? 'other';
  }

  /** The catalog when `auto` or `action` needs it (`rest` never loads it). */
  catalog(limits: CallLimits): Promise<Map<string, ActionInfo>> {
    return this.membrane.actions(limits);
  }

  /** Every RingCentral tool's route and why, for `ringcentral_status` and `doctor`. */
  async report(limits: CallLimits): Promise<RouteLine[]> {
    const lines: RouteLine[] = [];
    const catalog = this.mode === 'rest' ? undefined : await this.membrane.actions(limits);
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

const withQuery = (call: RestCall, extra: Array<[string, string]>): RestCall =>
  extra.length ? { ...call, query: [...(call.query ?? []), ...extra] } : call;

function mustRoute(def: AnyTool): Routable {
  const exec = def.exec;
  if (exec.via === 'custom') throw new ToolError('not_allowed', `${def.name} runs custom code and has no route to look up with`);
  return exec;
}

/**
 * The action input of a call: the tool's own, paging, and each default the schema declares (a
 * default the action does not declare is left out rather than sending the call to REST).
 */
async function actionInput(action: ActionRoute<JsonObject>, call: PlanCall, schema: unknown) {
  const { input, ctx, handle } = call;
  const own = { ...(await action.input(input, ctx)), ...(handle ? pagingInput(handle) : {}) };
  for (const [name, value] of Object.entries(action.defaults ?? {})) {
    if (own[name] === undefined && (!isObject(schema) || schemaAt(schema, name))) own[name] = value;
  }
  return own;
}

/** One call to plan: its input, its context, and the page it wants (a list tool's). */
interface PlanCall {
  input: JsonObject;
  ctx: RouteContext;
  handle?: Handle;
}

async function restPlan(rest: Extract<Routable, { via: 'rest' }>['rest'], { input, ctx, handle }: PlanCall): Promise<Plan> {
  return { route: 'rest', group: rest.group, call: withQuery(await rest.call(input, ctx), handle ? pagingQuery(handle) : []) };
}

async function eitherPlan(exec: Extract<Routable, { via: 'either' }>, call: PlanCall): Promise<Plan> {
  const { ctx } = call;
  if (ctx.routes.mode === 'rest') return restPlan(exec.rest, call);
  const info = (await ctx.routes.catalog(ctx.limits)).get(exec.action.key);
  const sent = await actionInput(exec.action, call, info?.inputSchema);
  if (ctx.routes.mode === 'action' || callRoute(exec.action.key, info, sent).route === 'action')
    return { route: 'action', key: exec.action.key, input: sent, group: exec.rest.group, hasRest: true };
  return restPlan(exec.rest, call);
}

/** The one CLI run behind one call of a tool; a list tool passes the page it wants. */
export async function plan(def: AnyTool, input: JsonObject, ctx: RouteContext, handle?: Handle): Promise<Plan> {
  const exec = mustRoute(def);
  const call: PlanCall = { input, ctx, handle };
  switch (exec.via) {
    case 'either':
      return eitherPlan(exec, call);
    case 'rest':
      return restPlan(exec.rest, call);
    case 'action': {
      const key = exec.key(input);
      const sent = { ...(await exec.input(input, ctx)), ...(handle ? pagingInput(handle) : {}) };
      return { route: 'action', key, input: sent, group: ctx.routes.groupOfAction(key) };
    }
    case 'request':
      return { route: 'rest', call: { ...exec.call(input), byCaller: true }, group: 'request', raw: true };
  }
}

/**
 * Exactly one CLI process, inside the plan's rate-limit group: a call inside a 429 window fails
 * fast (one sent there would restart RingCentral's penalty), and a new 429 opens the window.
 */
export async function runPlan(planned: Plan, ctx: PlanRunner, text = false): Promise<unknown> {
  await ctx.penalties.check(planned.group);
  try {
    if (planned.route === 'rest')
      return await (text ? ctx.membrane.requestText(planned.call, ctx.limits) : ctx.membrane.request(planned.call, ctx.limits));
    return (await ctx.membrane.runAction(planned.key, planned.input, ctx.limits)).output;
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

export function argvOf(planned: Plan, ctx: PlanRunner): Promise<string[]> {
  if (planned.route === 'action') return ctx.membrane.runActionArgv(planned.key, planned.input, ctx.limits);
  return ctx.membrane.requestArgv(planned.call, ctx.limits);
}

/** What running a plan needs: the Membrane client, the call's limits and the penalty windows. */
export interface PlanRunner {
  membrane: Membrane;
  limits: CallLimits;
  penalties: Pick<Penalties, 'check' | 'note'>;
}

// Whether an action's live input schema takes a value as the type it declares. Membrane validates
// action input against the schema, so a list where the action declares one value (a connector's
// `messageType: string`) fails there; such a call takes RingCentral's REST route instead.

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The types a schema node allows, its alternatives' included; empty when it declares none. */
function declaredTypes(node: JsonObject): string[] {
  const own = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? node.type.filter((t) => typeof t === 'string') : [];
  // A `false` alternative allows nothing, so it adds no type.
  const alternatives = (['anyOf', 'oneOf'] as const).flatMap((k) =>
    Array.isArray(node[k]) ? (node[k] as unknown[]).filter((alternative) => alternative !== false) : [],
  );
  const theirs = alternatives.map((alternative) => (isObject(alternative) ? declaredTypes(alternative) : []));
  // An alternative without a type (the boolean schema `true` among them) allows anything.
  if (theirs.some((types) => types.length === 0)) return [];
  return [...own, ...theirs.flat()];
}

const allows = (types: string[], value: unknown): boolean => {
  const type = jsonType(value);
  return types.length === 0 || types.includes(type) || (type === 'integer' && types.includes('number'));
};

/** The paths in `value` whose type the schema declares otherwise (`messageType`, `to[0].phoneNumber`). */
export function typeMismatches(schema: JsonObject, value: unknown, path = ''): string[] {
  if (!allows(declaredTypes(schema), value)) return [path || '(input)'];
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items;
    return value.flatMap((item, i) => typeMismatches(items, item, `${path}[${i}]`));
  }
  if (!isObject(value) || !isObject(schema.properties)) return [];
  const properties = schema.properties;
  return Object.entries(value).flatMap(([name, v]) =>
    isObject(properties[name]) && v !== undefined ? typeMismatches(properties[name], v, path ? `${path}.${name}` : name) : [],
  );
}
