/**
 * What a tool is, as data. Everything else (annotations, read-only mode, toolsets, confirmation,
 * the README table, snapshot tests) is derived from these definitions.
 */
import { parseJson } from '../src/membrane/parse.js';
import { textDepthProblem } from '../src/safety/bounds.js';
import { z } from 'zod';
import type { ToolContext } from '../src/membrane/context.js';
import type { RequestSpec } from '../src/membrane/membrane.js';
import type { Paging } from '../src/membrane/paging.js';

export type ToolKind = 'read' | 'write' | 'destructive';
export const TOOLSETS = ['account', 'messaging', 'contacts', 'calls', 'chats', 'meetings', 'api', 'discovery'] as const;
export type Toolset = (typeof TOOLSETS)[number];
export type Shape = z.ZodRawShape;
export type Input<S extends Shape> = z.infer<z.ZodObject<S>>;
export type Record_ = Record<string, unknown>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** RingCentral's rate-limit groups (a 429 in one does not block the others). */
export type RateGroup = 'Light' | 'Medium' | 'Heavy';

/** One RingCentral REST call exactly as RingCentral's API defines it; repeated query keys are arrays. */
export interface RestCall {
  method: HttpMethod;
  path: string;
  query?: Array<[string, string]>;
  body?: unknown;
}

export interface RestRoute<I> {
  /** The endpoint's rate-limit group: both routes reach the same endpoint, so both count in it. */
  group: RateGroup;
  call: (input: I, ctx: ToolContext) => RestCall | Promise<RestCall>;
}

export interface ActionRoute<I> {
  key: string;
  /**
   * Every property the action input can carry, as paths (`from.phoneNumber`, `to[].phoneNumber`).
   * Membrane drops properties its schema does not declare without an error, so `--route auto`
   * takes the action only when its live schema declares all of these.
   */
  sends: readonly string[];
  input: (input: I, ctx: ToolContext) => Record_ | Promise<Record_>;
  /**
   * What the action gets when the call names nothing else (`extensionId: "~"`), only when its live
   * schema declares it: an action that does not declare a default takes the call without it.
   */
  defaults?: Record_;
}

/** How a tool reaches RingCentral: exactly one of these, so nothing is optional at run time. */
export type Exec<I> =
  /** A Membrane action and its RingCentral REST equivalent; the route is chosen per connection. */
  | { via: 'either'; action: ActionRoute<I>; rest: RestRoute<I> }
  /**
   * RingCentral's REST API only, and why no action is used; `unusedAction` names the Membrane action
   * that does the same job, which run_action refuses (the tool's checks would be skipped).
   */
  | { via: 'rest'; rest: RestRoute<I>; why: string; unusedAction?: string }
  /** Any Membrane action, named by the input (no REST equivalent is known). */
  | { via: 'action'; key: (input: I) => string; input: (input: I, ctx: ToolContext) => Record_ | Promise<Record_> }
  /** A REST call given by the caller; its body is returned as it came. */
  | { via: 'request'; call: (input: I) => RequestSpec }
  /** Neither one action nor one request: returns the structured result itself. */
  | { via: 'custom'; run: (input: I, ctx: ToolContext) => Promise<Record_> };

export interface ListSpec {
  paging: Paging;
  /** The fields a person needs; `view: "full"` returns the record unchanged. */
  compact: (record: Record_) => Record_;
  maxLimit?: number;
  /** What the page's records lack for a person (names behind member ids), looked up once per page. */
  enrich?: (records: Record_[], ctx: ToolContext, input?: Record_) => Promise<Record_[]>;
  /** A smaller page for calls whose records each cost a look-up: the most records, and why (told when it cut the page short). */
  pageBound?: (input: Record_) => { max: number; why: string } | undefined;
  /** More top-level fields of the result (the personal meeting room, on the first page); they share the budget. */
  extras?: (input: Record_, ctx: ToolContext, firstPage: boolean) => Promise<Record_>;
  /** The record's top-level fields (and what enrich adds): a `fields` entry outside them is refused, naming them. */
  fields?: readonly string[];
  /** A list RingCentral limits to a default date window: the window this call reads, told in the result. */
  window?: (input: Record_, ctx: ToolContext) => Promise<DateWindow>;
}

export interface ToolDefinition<S extends Shape = Shape> {
  name: string;
  title: string;
  description: string;
  toolset: Toolset;
  kind: ToolKind;
  input: S;
  exec: Exec<Input<S>>;
  /** Paged, compact list result (adds limit, cursor, view, fields). */
  list?: ListSpec;
  /** Checks across fields that a schema cannot express; returns the problem, naming the field. */
  validate?: (input: Input<S>) => string | undefined;
  /** What a read's record lacks that an assistant needs, fetched after the call (a voicemail's transcription). */
  complete?: (record: Record_, ctx: ToolContext) => Promise<Record_>;
  /** A RingCentral 404 (CMN-102) in the tool's words: the field the caller used, the tool that lists those ids. */
  notFound?: (input: Input<S>) => { message: string; fix: string };
  /** Custom output schema; list, record and write tools share standard ones. */
  output?: z.ZodObject;
  /** What exactly a write will do, fetched if needed, for confirmation and dry run. */
  preview?: (input: Input<S>, ctx: ToolContext) => Promise<Record_>;
  /** Only some calls of this tool need confirmation (the proxy: non-GET). Default: destructive. */
  needsConfirmation?: (input: Input<S>) => boolean;
  /** Key of an SMS-style write that must not run twice within the dedupe window. */
  idempotencyKey?: (input: Input<S>, ctx: ToolContext) => Promise<string>;
  /**
   * A write that reads its record first (read-merge-write): calls with the same key run their read
   * and write one at a time in this process, so one cannot put back what another just changed.
   */
  exclusiveKey?: (input: Input<S>) => string | undefined;
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

/**
 * An id as a list gives it: a JSON number (RingCentral's int64 ids) or its digits as text; either
 * becomes the text `rule` checks. A number beyond 2^53 has already lost digits in JSON parsing.
 */
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
    .transform((text, ctx): Record_ => {
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
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record_;
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

const DATE_ONLY = /^\d{4}-\d\d-\d\d$/;

/** The offset of a time zone at an instant, in minutes east of UTC (Intl's own, no table of ours). */
function offsetMinutes(zone: string, at: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

const offsetText = (minutes: number): string => {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** A date-only value as the date-time RingCentral asks for: the start (or end) of that day in `zone`. */
export function dayBoundary(date: string, zone: string, end: boolean): string {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, end ? 23 : 0, end ? 59 : 0, end ? 59 : 0);
  // The zone's offset at that wall time (checked once more across a DST change).
  let offset = offsetMinutes(zone, wall);
  offset = offsetMinutes(zone, wall - offset * 60_000);
  return `${date}T${end ? '23:59:59' : '00:00:00'}${offsetText(offset)}`;
}

/** What a date filter of RingCentral's reads, told in a list's result. */
export interface DateWindow {
  dateFrom?: string;
  dateTo?: string;
  from: string;
  to: string;
  /** The zone a date-only value was read in, and why that one. */
  timeZone?: string;
  /** What to do when the window holds nothing. */
  ifEmpty?: string;
}

/** The account's time zone when RingCentral has named it (learned with the REST base), else UTC. */
async function accountZone(ctx: ToolContext): Promise<{ zone: string; told: string }> {
  const named = (await ctx.membrane.restBase(ctx.run).catch(() => undefined))?.timeZone;
  try {
    if (named) {
      offsetMinutes(named, Date.now());
      return { zone: named, told: `${named} (the account's time zone)` };
    }
  } catch {
    // A zone name Intl does not know: UTC, and said so.
  }
  return { zone: 'UTC', told: "UTC (the account's time zone is not known)" };
}

/**
 * `dateFrom`/`dateTo` as RingCentral takes them (a date-time with a zone; a date-only value is that
 * day in the account's time zone) and the window they make: message-store and call-log read only
 * the last 24 hours when dateFrom is not given.
 */
export async function dateWindow(i: { dateFrom?: string; dateTo?: string }, ctx: ToolContext): Promise<DateWindow> {
  const dateOnly = [i.dateFrom, i.dateTo].some((d) => d !== undefined && DATE_ONLY.test(d));
  const zone = dateOnly ? await accountZone(ctx) : undefined;
  const full = (d: string | undefined, end: boolean) => (d && zone && DATE_ONLY.test(d) ? dayBoundary(d, zone.zone, end) : d);
  const dateFrom = full(i.dateFrom, false);
  const dateTo = full(i.dateTo, true);
  const window: DateWindow = {
    dateFrom,
    dateTo,
    from: dateFrom ?? `${dateTo ? '24 hours before dateTo' : 'the last 24 hours'} (RingCentral's default when dateFrom is not given)`,
    to: dateTo ?? 'now',
  };
  if (zone) window.timeZone = zone.told;
  if (!dateFrom) window.ifEmpty = 'nothing in this window: pass dateFrom (a date such as 2026-01-01) to look further back';
  return window;
}

/** A RingCentral filter; one value (omit it for all). */
export const oneOf = <T extends readonly [string, ...string[]]>(values: T, what?: string) =>
  (what ? z.enum(values).describe(what) : z.enum(values)).optional();

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
  if (!value) return undefined;
  const p = value as Record_;
  const number = (p.phoneNumber ?? p.extensionNumber) as string | undefined;
  const name = p.name as string | undefined;
  if (number && name) return `${number} (${name})`;
  return number ?? name;
}

/** RingCentral's path of an extension; `~` (the default) is the connected user. */
export const extensionPath = (extensionId: string | undefined): string =>
  `/restapi/v1.0/account/~/extension/${encodeURIComponent(extensionId ?? '~')}`;

/** Query parameters as RingCentral takes them: a list repeats its key; absent values are left out. */
export function query(params: Record<string, string | number | boolean | readonly string[] | undefined>): Array<[string, string]> {
  return Object.entries(params).flatMap(([key, value]) =>
    value === undefined || value === ''
      ? []
      : Array.isArray(value)
        ? value.map((v): [string, string] => [key, String(v)])
        : [[key, String(value)] as [string, string]],
  );
}
