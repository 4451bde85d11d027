/**
 * The full input and output schema of a tool, derived from its definition: the server's own
 * fields (paging, view, dry run, confirmation) are added from the tool's kind, never by hand.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../tools/define.js';

// Output schemas declare what a client can rely on; results may carry more (loose objects).
export const LIST_OUTPUT = z.looseObject({ records: z.array(z.looseObject({})), nextCursor: z.string().optional() });

export const RECORD_OUTPUT = z.looseObject({ record: z.looseObject({}) });

export const WRITE_OUTPUT = z.looseObject({ status: z.enum(['done', 'duplicate', 'confirmation_required', 'dry_run']) });

const listFields = (maxLimit: number) => ({
  limit: z.number().int().min(1).max(maxLimit).describe('Default 25').optional(),
  cursor: z.string().min(1).max(4000).describe('nextCursor of the last page').optional(),
  view: z.enum(['compact', 'full']).optional(),
  fields: z
    .array(z.string().regex(/^\w+(\.\w+)*$/, 'must be a field path like contact.email'))
    .max(20)
    .describe('Extra fields for compact view')
    .optional(),
});

const writeFields = { dryRun: z.boolean().describe('Only show what would run').optional() };
const confirmFields = { confirmationToken: z.string().min(1).max(300).describe('After the person agreed').optional() };

const inputs = new WeakMap<ToolDefinition, z.ZodObject>();

export const isConfirmable = (def: ToolDefinition): boolean => def.kind === 'destructive' || def.needsConfirmation !== undefined;

export function inputSchema(def: ToolDefinition): z.ZodObject {
  let schema = inputs.get(def);
  if (!schema) {
    schema = z.strictObject({
      ...def.input,
      ...(def.list ? listFields(def.list.maxLimit ?? 1000) : {}),
      ...(def.kind !== 'read' || def.needsConfirmation ? writeFields : {}),
      ...(isConfirmable(def) ? confirmFields : {}),
    });
    inputs.set(def, schema);
  }
  return schema;
}

export function outputSchema(def: ToolDefinition): z.ZodObject {
  if (def.list) return LIST_OUTPUT;
  if (def.kind !== 'read' || def.needsConfirmation) return WRITE_OUTPUT;
  return def.output ?? RECORD_OUTPUT;
}

/** MCP annotations from the one semantic kind (destructiveHint only means something for writes). */
export function annotations(def: ToolDefinition): { readOnlyHint: boolean; destructiveHint?: boolean; openWorldHint: true } {
  return def.kind === 'read' ? { readOnlyHint: true, openWorldHint: true } : { readOnlyHint: false, destructiveHint: def.kind === 'destructive', openWorldHint: true };
}
