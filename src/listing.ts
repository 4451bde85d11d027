/**
 * The `tools/list` entries, built from the registry with compact JSON Schemas: the same
 * constraints without the generator's noise ($schema, default integer bounds, empty property
 * maps), because every character here is paid for in every conversation.
 */
import { z } from 'zod';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../tools/define.js';
import { annotations, inputSchema, outputSchema } from './schemas.js';

const SAFE_INT = 9007199254740991;

/** Removes what carries no information for a client; keeps every real constraint. */
export function minifySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(minifySchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'minimum' && value === -SAFE_INT) || (key === 'maximum' && value === SAFE_INT)) continue;
    out[key] = minifySchema(value);
  }
  // A loose object with no declared properties is just "an object".
  const props = out.properties as Record<string, unknown> | undefined;
  if (out.type === 'object' && props && Object.keys(props).length === 0 && !out.required) delete out.properties;
  if (out.type === 'object' && out.additionalProperties && typeof out.additionalProperties === 'object' && Object.keys(out.additionalProperties).length === 0) delete out.additionalProperties;
  return out;
}

const jsonSchema = (schema: z.ZodType) => minifySchema(z.toJSONSchema(schema, { target: 'draft-07', io: 'input', unrepresentable: 'any' })) as Tool['inputSchema'];

const cache = new WeakMap<ToolDefinition, Tool>();

export function toolListing(def: ToolDefinition): Tool {
  let tool = cache.get(def);
  if (!tool) {
    tool = {
      name: def.name,
      title: def.title,
      description: def.description,
      inputSchema: jsonSchema(inputSchema(def)),
      outputSchema: minifySchema(z.toJSONSchema(outputSchema(def), { target: 'draft-07', io: 'output', unrepresentable: 'any' })) as Tool['outputSchema'],
      annotations: annotations(def),
    };
    cache.set(def, tool);
  }
  return tool;
}
