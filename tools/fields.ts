/** Field schemas shared by the domains: one definition of each format, each failure naming the fix. */
import { z } from 'zod';
import { parseJson } from '../src/json.js';
import { textDepthProblem } from '../src/safety/bounds.js';
import type { JsonObject } from './contract.js';

const DIGITS = /^\d{1,19}$/;
export const E164 = /^\+[1-9]\d{1,14}$/;

/** The problem with a number given for an id: a fraction is no id; an integer beyond 2^53 has already lost digits. */
const numberProblem = (v: number, rule: string) =>
  Number.isInteger(v) ? `${v} is not exact (a number beyond 2^53 loses digits): pass the id as a string` : rule;

/**
 * An id as a list gives it: a JSON number (RingCentral's int64 ids) or its digits as text; either
 * becomes the text `pattern` checks, and every failure says `rule`.
 */
const idField = (pattern: RegExp, rule: string) => {
  const asText = z.string().regex(pattern, rule);
  const asNumber = z
    .number()
    .transform((v, ctx) => {
      if (Number.isSafeInteger(v)) return String(v);
      ctx.addIssue({ code: 'custom', message: numberProblem(v, rule) });
      return z.NEVER;
    })
    .pipe(asText);
  // Two alternatives, each with its own type: Gemini takes anyOf but not a list of types. A number
  // is told what was wrong with it as a number, anything else what an id is.
  return z.union([asText, asNumber], {
    error: (issue) => {
      // Absent (null means absent): as every other required field says it.
      if (issue.input === undefined) return 'is required';
      if (issue.code !== 'invalid_union' || typeof issue.input !== 'number') return rule;
      return issue.errors[1]?.[0]?.message;
    },
  });
};

export const numericId = (what: string) =>
  // The error names the list tool; the listing leaves it to the field name (every id comes from a list).
  idField(DIGITS, `must be a numeric RingCentral id (digits only); get it from ringcentral_list_${what}`);

const anExtensionId = idField(/^(~|\d{1,19})$/, 'must be "~" (you) or a numeric extension id from ringcentral_list_extensions');
export const extensionId = anExtensionId.optional();

/** Bridge ids are text with letters (`iad41-c04-ndb...`), never a JSON number in any answer, so no number form. */
export const meetingId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be a meeting (bridge) id from ringcentral_list_meetings (letters, digits, _ . -)');

/**
 * An id that ends up in a RingCentral path. Empty, ".", "..", blank or percent-encoded ids name
 * another resource or the whole collection (an empty message id deletes the mailbox), so none pass.
 */
const SAFE_ID = /^[A-Za-z0-9~_+][A-Za-z0-9._~:@+=-]{0,255}$/;
/** Keys of free-form input whose values are ids: id, messageId, chatIds, extension_id... */
const ID_KEY = /(^id|Id|ID|_id)s?$/;
const ID_RULE = 'must be an id from a list tool (letters, digits, ~ . _ : @ + = -; not empty, ".", "..", blank or %-encoded)';

/**
 * The ids the typed tools take, by key (messageId, message_id, messageIds...): free-form input
 * holds them to the same fields, so run_action cannot send what get_message would refuse.
 */
const TYPED_IDS: Record<string, z.ZodType> = {
  messageid: numericId('messages'),
  contactid: numericId('contacts'),
  extensionid: anExtensionId,
  meetingid: meetingId,
};

/** Where free-form input (run_action) carries an id that breaks the rules above (paths inside it); depth already bounded. */
export function idProblems(value: unknown, path: string[] = []): Array<{ path: string[]; message: string }> {
  // An array's entries are its indexes: `input.0.id`.
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = [...path, key];
    if (!ID_KEY.test(key)) return idProblems(v, at);
    const ids = Array.isArray(v) ? v : [v];
    if (ids.some((id) => !(typeof id === 'string' ? SAFE_ID.test(id) : Number.isSafeInteger(id) && (id as number) >= 0)))
      return [{ path: at, message: ID_RULE }];
    const typed = TYPED_IDS[key.replace(/_/g, '').replace(/s$/, '').toLowerCase()];
    const refused = typed && ids.map((id) => typed.safeParse(String(id))).find((result) => !result.success);
    return refused ? [{ path: at, message: refused.error.issues[0].message }] : [];
  });
}

export const phone = z.string().regex(E164, 'must be an E.164 phone number like +16505550123');

const EMAIL = /^[^\s@<>()[\],;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
/** Checked by a refinement: zod's own email schema lists a 150-character pattern in every tool. */
export const email = z
  .string()
  .max(254)
  .refine((v) => EMAIL.test(v), 'must be an email address like name@example.com');

/** Tells a caller who sent an object (as callers not held to strict mode do) the form expected. */
export const objectGiven = (expected: string) => (issue: { code?: string; input?: unknown }) => {
  // Stryker disable next-line ConditionalExpression: the strings and lists it serves raise no other issue on a plain object.
  if (issue.code !== 'invalid_type') return undefined;
  return issue.input !== null && typeof issue.input === 'object' && !Array.isArray(issue.input)
    ? `must be ${expected}, not an object`
    : undefined;
};

/**
 * A free-form object (an action input) as JSON text: a plain string is the one form OpenAI's
 * strict mode and Gemini both accept. Parsed here without losing digits (an int64 id beyond 2^53
 * becomes its exact digits as a string, as in results); "__proto__" keys are dropped.
 */
export const jsonText = (example: string) =>
  z
    .string({ error: objectGiven(`JSON text (a string) such as ${example}`) })
    .max(1_000_000)
    .transform((text, ctx): JsonObject => {
      const tooDeep = textDepthProblem(text);
      if (tooDeep) {
        ctx.addIssue({ code: 'custom', message: tooDeep });
        return z.NEVER;
      }
      let value: unknown;
      try {
        value = parseJson(text, (key, v) => (key === '__proto__' ? undefined : v));
      } catch {
        // Not JSON: refused below, like JSON that is not an object.
      }
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
      ctx.addIssue({ code: 'custom', message: `must be JSON text of an object, e.g. ${example}` });
      return z.NEVER;
    })
    .describe(`JSON text, e.g. ${example}`);

const ISO = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d))?$/;
/** A refinement, not a JSON Schema pattern; the error states the format, the server instructions say ISO 8601 once. */
export const isoDate = () =>
  z
    .string()
    .refine((v) => ISO.test(v), 'must be an ISO 8601 date (2026-01-31) or date-time with zone (2026-01-31T09:00:00Z)')
    .optional();

/** A RingCentral filter; one value (omit it for all). */
export const oneOf = <T extends readonly [string, ...string[]]>(values: T, what?: string) =>
  (what ? z.enum(values).describe(what) : z.enum(values)).optional();

/**
 * One of `values`, said in the error rather than the listing: the listing is paid for in every
 * conversation, and a wrong value, rare, comes back naming them all.
 */
export const namedValue = (values: readonly string[]) =>
  z.string().refine((v) => values.includes(v), `must be one of ${values.join(', ')}`);
