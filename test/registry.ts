/**
 * What the tests know of the registry, derived from it: which tools exist, which reach RingCentral
 * and by which route, which Membrane actions they use. No test writes a tool count or copies these
 * lists by hand: a new tool changes them here by itself, and its snapshot
 * (test/server/__snapshots__/tools/<name>.json) is what pins it.
 */
import { registry, type ToolDefinition } from '../tools/index.js';

export { registry };

/** `ringcentral_send_sms` -> `send_sms`, as status, doctor and the route report name tools. */
export const shortName = (name: string): string => name.replace(/^ringcentral_/, '');

/** The Membrane action a tool's entry names: the one it takes, or the one it leaves on purpose (`unusedAction`). */
export function actionOf(def: ToolDefinition): string | undefined {
  const exec = def.exec;
  if (exec.via === 'either') return exec.action.key;
  if (exec.via === 'rest') return exec.unusedAction;
  return undefined;
}

/** The tools that may take their Membrane action or RingCentral's REST API (`via: 'either'`). */
export const EITHER_TOOLS: readonly ToolDefinition[] = registry.filter((def) => def.exec.via === 'either');

/** The short names of EITHER_TOOLS, in registry order (the order of the route report). */
export const EITHER_NAMES: readonly string[] = EITHER_TOOLS.map((def) => shortName(def.name));

/**
 * The tools with a RingCentral route, one line each in `ringcentral_status` and `doctor`: every
 * `either` tool and every REST-only one.
 */
export const ROUTED_TOOLS: readonly ToolDefinition[] = registry.filter((def) => def.exec.via === 'either' || def.exec.via === 'rest');

/** Every Membrane action a tool's entry names (taken, or left on purpose), registry order, no repeats. */
export const ACTION_KEYS: readonly string[] = [...new Set(registry.flatMap((def) => actionOf(def) ?? []))];

/** The tool whose entry names `key` as its action. */
export function toolOfAction(key: string): ToolDefinition {
  const def = registry.find((d) => actionOf(d) === key);
  if (!def) throw new Error(`no tool names the action ${key}`);
  return def;
}

/** The read tools (`kind: 'read'`). */
export const READ_TOOLS: readonly ToolDefinition[] = registry.filter((def) => def.kind === 'read');

/**
 * What a tool's entry decides that tools/list does not show: its kind and toolset, how it reaches
 * RingCentral (the route, its action and every property path it sends, its rate-limit group) and how a list pages upstream. Kept in
 * the tool's snapshot file beside its listing, so a change to any of it changes that one file.
 */
export function registryFacts(def: ToolDefinition): Record<string, unknown> {
  const exec = def.exec;
  const route =
    exec.via === 'either'
      ? { via: exec.via, action: exec.action.key, sends: exec.action.sends, group: exec.rest.group }
      : exec.via === 'rest'
        ? { via: exec.via, group: exec.rest.group, ...(exec.unusedAction ? { unusedAction: exec.unusedAction } : {}) }
        : { via: exec.via };
  return { kind: def.kind, toolset: def.toolset, route, ...(def.list ? { paging: def.list.paging } : {}) };
}

/** A tool's snapshot: its tools/list entry, as served, and its registry facts. */
export const snapshotOf = (listed: { name: string }): string => {
  const def = registry.find((d) => d.name === listed.name);
  if (!def) throw new Error(`no registry entry for ${listed.name}`);
  return `${JSON.stringify({ listed, registry: registryFacts(def) }, null, 2)}\n`;
};
