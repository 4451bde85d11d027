/**
 * The full input and output schema of a tool, derived from its definition: the server's own
 * fields (paging, view, dry run, confirmation) are added from the tool's kind, never by hand.
 */
import { z } from 'zod';
import type { AnyTool, JsonObject } from '../../tools/contract.js';

// Output schemas declare what a client can rely on; results may carry more (loose objects).
export const LIST_OUTPUT = z.looseObject({ records: z.array(z.looseObject({})), nextCursor: z.string().optional() });

export const RECORD_OUTPUT = z.looseObject({ record: z.looseObject({}) });

export const WRITE_OUTPUT = z.looseObject({ status: z.enum(['done', 'duplicate', 'confirmation_required', 'dry_run']) });

/** A field path; with the record's fields known, one outside them is refused, naming them (the listing leaves that out). */
const fieldPath = (known: readonly string[] | undefined) => {
  const path = z.string().regex(/^\w+(\.\w+)*$/, 'must be a field path like contact.email');
  return known
    ? path.refine((p) => known.includes(p.split('.')[0]), {
        error: (issue) => `${JSON.stringify(issue.input)} is not a field of these records; fields available: ${known.join(', ')}`,
      })
    : path;
};

const listFields = (maxLimit: number, known?: readonly string[]) => ({
  limit: z.number().int().min(1).max(maxLimit).optional(),
  cursor: z.string().min(1).max(4000).optional(),
  view: z.enum(['compact', 'full']).optional(),
  fields: z.array(fieldPath(known)).max(20).optional(),
});

const writeFields = { dryRun: z.boolean().optional() };
const confirmFields = { confirmationToken: z.string().min(1).max(300).optional() };

/** The fields the server adds to a tool's own (paging, view, dry run, confirmation). */
export type ServerFields = z.infer<z.ZodObject<ReturnType<typeof listFields> & typeof writeFields & typeof confirmFields>>;
/** A call's validated input: the tool's own fields and the server's. */
export type CallInput = JsonObject & ServerFields;

const inputs = new WeakMap<AnyTool, z.ZodObject>();

export const isConfirmable = (def: AnyTool): boolean => def.kind === 'destructive' || def.needsConfirmation !== undefined;

export function inputSchema(def: AnyTool): z.ZodObject {
  let schema = inputs.get(def);
  if (!schema) {
    schema = z.strictObject({
      ...def.input,
      ...(def.list ? listFields(def.list.maxLimit ?? 1000, def.list.fields) : {}),
      ...(def.kind !== 'read' || def.needsConfirmation ? writeFields : {}),
      ...(isConfirmable(def) ? confirmFields : {}),
    });
    inputs.set(def, schema);
  }
  return schema;
}

/**
 * `null` for a field means absent: strict-mode callers (OpenAI) send every optional field, unused
 * ones as null. At the top level only declared fields (an unknown one stays and is refused);
 * a null inside an array is a value, and refused.
 */
export function withoutNulls(value: unknown, declared?: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' ? withoutNulls(v) : v));
  if (!value || typeof value !== 'object') return value;
  const absent = (k: string, v: unknown) => k === '__proto__' || (v === null && (!declared || declared.has(k)));
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (absent(k, v) ? [] : [[k, withoutNulls(v)]])));
}

/** The one validation of a call's arguments, for MCP and library callers alike. */
export function parseInput(def: AnyTool, raw: unknown): { success: true; data: CallInput } | { success: false; error: z.ZodError } {
  const schema = inputSchema(def);
  return schema.safeParse(withoutNulls(raw ?? {}, new Set(Object.keys(schema.shape))), { error: missingIsRequired });
}

/** A required field that is absent (or null, which means absent) "is required", not "received undefined" or "expected one of". */
const missingIsRequired = (issue: { code?: string; input?: unknown }) =>
  (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined ? 'is required' : undefined;

export function outputSchema(def: AnyTool): z.ZodObject {
  if (def.list) return LIST_OUTPUT;
  if (def.kind !== 'read' || def.needsConfirmation) return WRITE_OUTPUT;
  return def.output ?? RECORD_OUTPUT;
}

/** MCP annotations from the one semantic kind (destructiveHint only means something for writes). */
export function annotations(def: AnyTool): { readOnlyHint: boolean; destructiveHint?: boolean; openWorldHint: true } {
  return def.kind === 'read'
    ? { readOnlyHint: true, openWorldHint: true }
    : { readOnlyHint: false, destructiveHint: def.kind === 'destructive', openWorldHint: true };
}
