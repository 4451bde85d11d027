/**
 * The `tools/list` entries, built from the registry. Input schemas carry structure only: closed
 * objects (`additionalProperties: false`, `properties` even when empty), one type per node,
 * string enums, required fields, and descriptions. Bounds, lengths, patterns and formats stay in
 * the zod schemas the server validates with, each failure naming the field and the fix: OpenAI's
 * strict mode rejects several of those keywords, Gemini's subset lacks others, and every
 * character here is paid for in every conversation. Closed objects are what OpenAI's strict mode
 * needs (the Agents SDK cannot make a tool without parameters strict otherwise); Gemini's
 * `parameters` subset has no `additionalProperties`, which Google's SDK drops or sends on as JSON
 * Schema. No one form passes both unchanged (test/unit/caller-schemas.test.ts measures each).
 */
import { z } from 'zod';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AnyTool, JsonObject } from '../../tools/contract.js';
import { annotations, inputSchema, outputSchema } from './schemas.js';

const SAFE_INT = 9007199254740991;

/** A keyword whose value says nothing a client needs: the JSON Schema dialect, closed objects (the default there), a safe-integer bound. */
const saysNothing = (key: string, value: unknown): boolean =>
  key === '$schema' ||
  (key === 'additionalProperties' && value === false) ||
  (key === 'minimum' && value === -SAFE_INT) ||
  (key === 'maximum' && value === SAFE_INT);

const isEmptyObject = (value: unknown): boolean => !!value && typeof value === 'object' && Object.keys(value).length === 0;

/** Removes what carries no information for a client; keeps every real constraint. */
export function minifySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(minifySchema);
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) if (!saysNothing(key, value)) out[key] = minifySchema(value);
  if (out.type !== 'object') return out;
  // A loose object with no declared properties is just "an object".
  if (isEmptyObject(out.properties) && !out.required) delete out.properties;
  if (isEmptyObject(out.additionalProperties)) delete out.additionalProperties;
  return out;
}

/** Checked by the server only (see the file comment). */
const SERVER_SIDE = new Set([
  '$schema',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'propertyNames',
]);

/** An input schema in the subset every caller accepts (see the file comment). */
export function callerSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(callerSchema);
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (SERVER_SIDE.has(key)) continue;
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, callerSchema(v)]))
        : callerSchema(value);
  }
  // Alternatives that differ only in what the server checks are one type for the caller.
  const anyOf = out.anyOf as unknown[] | undefined;
  if (anyOf && anyOf.every((a) => JSON.stringify(a) === JSON.stringify(anyOf[0]))) {
    delete out.anyOf;
    Object.assign(out, anyOf[0]);
  }
  if (out.type === 'object') {
    out.properties ??= {};
    out.additionalProperties = false;
  }
  return out;
}

const cache = new WeakMap<AnyTool, Tool>();

export function toolListing(def: AnyTool): Tool {
  let tool = cache.get(def);
  if (!tool) {
    tool = {
      name: def.name,
      title: def.title,
      description: def.description,
      inputSchema: callerSchema(
        z.toJSONSchema(inputSchema(def), { target: 'draft-07', io: 'input', unrepresentable: 'any' }),
      ) as Tool['inputSchema'],
      outputSchema: minifySchema(
        z.toJSONSchema(outputSchema(def), { target: 'draft-07', io: 'output', unrepresentable: 'any' }),
      ) as Tool['outputSchema'],
      annotations: annotations(def),
    };
    cache.set(def, tool);
  }
  return tool;
}
