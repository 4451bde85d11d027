/**
 * Which way each tool reaches RingCentral on this connection. Membrane silently drops action
 * input properties its schema does not declare, so a tool takes its Membrane action only when the
 * action's live input schema (from the `action list` already run to resolve ids) declares every
 * property the tool sends and the tool sends every property the schema requires. Otherwise, or
 * when there is no schema to check, it takes RingCentral's REST API through `membrane request`.
 * Decided once per action catalog, so a warm call stays one CLI process on either route.
 */
import type { ActionRoute, Exec, Record_, ToolDefinition } from '../../tools/define.js';
import { typeMismatches } from './input-types.js';
import type { ActionInfo, Membrane } from './membrane.js';
import { isObject } from './parse.js';
import type { RunOptions } from './runner.js';

export const ROUTE_MODES = ['auto', 'action', 'rest'] as const;
export type RouteMode = (typeof ROUTE_MODES)[number];

export interface RouteChoice {
  route: 'action' | 'rest';
  reason: string;
}

export interface RouteLine extends RouteChoice {
  tool: string;
}

type Schema = Record<string, unknown>;

/** Paging fields a list tool adds to the action input. */
const PAGING_SENDS = { page: ['page', 'perPage'], token: ['recordCount', 'pageToken'] } as const;

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

/** What the live schema does not declare of what the tool sends, and what it requires that the tool never sends. */
export function checkSchema(schema: Schema, sends: readonly string[]): { undeclared: string[]; unsupplied: string[] } {
  const undeclared = sends.filter((path) => !schemaAt(schema, path));
  const unsupplied: string[] = [];
  // Every object the tool fills in (the input itself, `from`, `to[]`...) must get its required properties.
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
    for (const name of requiredOf(target)) {
      const sent = sends.some(
        (path) =>
          path === `${prefix}${name}` ||
          path === `${prefix}${name}[]` ||
          path.startsWith(`${prefix}${name}.`) ||
          path.startsWith(`${prefix}${name}[].`),
      );
      if (!sent) unsupplied.push(`${prefix}${name}`);
    }
  }
  return { undeclared, unsupplied };
}

/** The route `auto` takes for one tool, with its reason in a person's words. */
export function autoRoute(def: ToolDefinition, action: ActionRoute<Record_>, info: ActionInfo | undefined): RouteChoice {
  const key = action.key;
  if (!info) return { route: 'rest', reason: `the connection has no action ${key}` };
  if (!isObject(info.inputSchema))
    return { route: 'rest', reason: `action ${key} lists no input schema, so what it accepts cannot be checked` };
  const { undeclared, unsupplied } = checkSchema(info.inputSchema, sendsOf(def, action));
  if (undeclared.length) return { route: 'rest', reason: `action ${key} does not declare ${undeclared.join(', ')}` };
  if (unsupplied.length) return { route: 'rest', reason: `action ${key} requires ${unsupplied.join(', ')}, which the tool does not send` };
  return { route: 'action', reason: `action ${key} declares every property the tool sends` };
}

const shortName = (name: string) => name.replace(/^ringcentral_/, '');

/** The route of each tool, decided once per action catalog (a reloaded catalog is decided afresh). */
export class Routes {
  private readonly decided = new WeakMap<Map<string, ActionInfo>, Map<string, RouteChoice>>();
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

  /**
   * Whether `auto` may send this input to the action: a value of another type than the live schema
   * declares (a list where it takes one value) would be refused there, so the call takes REST.
   */
  async actionTakes(key: string, input: Record_, run: RunOptions): Promise<boolean> {
    if (this.mode !== 'auto') return true;
    const schema = (await this.membrane.actions(run)).get(key)?.inputSchema;
    return !isObject(schema) || typeMismatches(schema, input).length === 0;
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

  async choose(def: ToolDefinition, exec: Extract<Exec<Record_>, { via: 'either' }>, run: RunOptions): Promise<RouteChoice> {
    if (this.mode === 'rest') return { route: 'rest', reason: 'forced by --route rest' };
    const catalog = await this.membrane.actions(run);
    let choices = this.decided.get(catalog);
    if (!choices) this.decided.set(catalog, (choices = new Map()));
    let choice = choices.get(def.name);
    if (!choice) choices.set(def.name, (choice = autoRoute(def, exec.action, catalog.get(exec.action.key))));
    if (this.mode !== 'action') return choice;
    // Forced: say what auto saw, since an input the action does not declare is dropped without an error.
    return {
      route: 'action',
      reason: choice.route === 'action' ? 'forced by --route action' : `forced by --route action, though ${choice.reason}`,
    };
  }

  /** Every RingCentral tool's route and why, for `ringcentral_status` and `doctor`. */
  async report(run: RunOptions): Promise<RouteLine[]> {
    const lines: RouteLine[] = [];
    for (const def of this.tools) {
      const exec = def.exec;
      if (exec.via === 'rest') lines.push({ tool: shortName(def.name), route: 'rest', reason: exec.why });
      if (exec.via === 'either') lines.push({ tool: shortName(def.name), ...(await this.choose(def, exec, run)) });
    }
    return lines;
  }
}
