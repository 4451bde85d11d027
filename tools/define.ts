/**
 * What a tool is, as data. Everything else (annotations, read-only mode, toolsets, confirmation,
 * the README table, snapshot tests) is derived from these definitions.
 */
import { z } from 'zod';
import type { ToolContext } from '../src/context.js';
import type { RequestSpec } from '../src/membrane.js';

export type ToolKind = 'read' | 'write' | 'destructive';
export const TOOLSETS = ['account', 'messaging', 'contacts', 'calls', 'chats', 'meetings', 'api', 'discovery'] as const;
export type Toolset = (typeof TOOLSETS)[number];
export type Shape = z.ZodRawShape;
export type Input<S extends Shape> = z.infer<z.ZodObject<S>>;
export type Record_ = Record<string, unknown>;

/** How a list action pages upstream: RingCentral page/perPage, or team-messaging pageToken. */
export type Paging = 'page' | 'token';

export interface ListSpec {
  paging: Paging;
  /** The fields a person needs; `view: "full"` returns the record unchanged. */
  compact: (record: Record_) => Record_;
  maxLimit?: number;
}

export interface ToolDefinition<S extends Shape = Shape> {
  name: string;
  title: string;
  description: string;
  toolset: Toolset;
  kind: ToolKind;
  input: S;
  /** Paged, compact list result (adds limit, cursor, view, fields). */
  list?: ListSpec;
  /** The Membrane action this tool runs (a function when the caller names it). */
  action?: string | ((input: Input<S>) => string);
  /** Or the REST call it makes through `membrane request`. */
  request?: (input: Input<S>) => RequestSpec;
  /** Checks across fields that a schema cannot express; returns the problem, naming the field. */
  validate?: (input: Input<S>) => string | undefined;
  /** Tool input -> action input (defaults to the input without the server's own fields). */
  actionInput?: (input: Input<S>, ctx: ToolContext) => unknown | Promise<unknown>;
  /** A tool that is neither one action nor one request. Returns the structured result. */
  run?: (input: Input<S>, ctx: ToolContext) => Promise<Record_>;
  /** Custom output schema; list, record and write tools share standard ones. */
  output?: z.ZodObject;
  /** What exactly a write will do, fetched if needed, for confirmation and dry run. */
  preview?: (input: Input<S>, ctx: ToolContext) => Promise<Record_>;
  /** Only some calls of this tool need confirmation (the proxy: non-GET). Default: destructive. */
  needsConfirmation?: (input: Input<S>) => boolean;
  /** Key of an SMS-style write that must not run twice within the dedupe window. */
  idempotencyKey?: (input: Input<S>, ctx: ToolContext) => Promise<string>;
  /** Look-up cache entries (see LookupCache) a successful call makes stale. */
  invalidates?: string[];
  /** The form this tool takes in read-only mode; absent means it is hidden there. */
  readOnlyForm?: () => ToolDefinition;
}

export function defineTool<S extends Shape>(definition: ToolDefinition<S>): ToolDefinition {
  return definition as unknown as ToolDefinition;
}

// Field schemas shared by the domains: one definition of each format.

const DIGITS = /^\d{1,19}$/;
export const E164 = /^\+[1-9]\d{1,14}$/;

export const numericId = (what: string) =>
  // The error names the list tool; the listing leaves it to the field name (every id comes from a list).
  z.string().regex(DIGITS, `must be a numeric RingCentral id (digits only); get it from ringcentral_list_${what}`);

export const extensionId = z
  .string()
  .regex(/^(~|\d{1,19})$/, 'must be "~" (you) or a numeric extension id from ringcentral_list_extensions')
  .describe('Default ~ (you)')
  .optional();

export const phone = z.string().regex(E164, 'must be an E.164 phone number like +16505550123');

const EMAIL = /^[^\s@<>()[\],;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
/** Checked by a refinement: zod's own email schema lists a 150-character pattern in every tool. */
export const email = z.string().max(254).refine((v) => EMAIL.test(v), 'must be an email address like name@example.com');

/**
 * A free-form value (an API body, an action input) as JSON text: a plain string is the one form
 * OpenAI's strict mode and Gemini both accept. Parsed here; "__proto__" keys are dropped.
 */
export const jsonText = (allowArray: boolean, example: string) =>
  z
    .string()
    .max(1_000_000)
    .transform((text, ctx): Record_ | unknown[] => {
      let value: unknown;
      try {
        value = JSON.parse(text, (key, v: unknown) => (key === '__proto__' ? undefined : v));
      } catch {
        value = undefined;
      }
      if (value !== null && typeof value === 'object' && (allowArray || !Array.isArray(value))) return value as Record_ | unknown[];
      ctx.addIssue({ code: 'custom', message: `must be JSON text of an object${allowArray ? ' or array' : ''}, e.g. ${example}` });
      return z.NEVER;
    })
    .describe(`JSON text, e.g. ${example}`);

const ISO = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d))?$/;
export const isoDate = (what: string) =>
  // A refinement, not a JSON Schema pattern: the description says it in fewer tokens.
  z.string().refine((v) => ISO.test(v), 'must be an ISO 8601 date (2026-01-31) or date-time with zone (2026-01-31T09:00:00Z)').describe(what).optional();

/** A RingCentral filter; one value (omit it for all). */
export const oneOf = <T extends readonly [string, ...string[]]>(values: T, what?: string) => (what ? z.enum(values).describe(what) : z.enum(values)).optional();

export const asArray = <T>(value: T | T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** Drops undefined values so action inputs and previews stay small. */
export function compactObject<T extends Record_>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

export const truncate = (text: unknown, max: number): string | undefined => {
  if (typeof text !== 'string') return undefined;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** A party of a call or message as one short string: "+16505550100 (Alice)" or "101". */
export function party(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const p = value as Record_;
  const number = (p.phoneNumber ?? p.extensionNumber) as string | undefined;
  const name = p.name as string | undefined;
  if (number && name) return `${number} (${name})`;
  return number ?? name;
}
