/** The guarded proxy: any RingCentral REST call through `membrane request`, relative paths only. */
import { z } from 'zod';
import { LIMITS, byteLength, jsonProblem, textDepthProblem } from '../src/safety/bounds.js';
import { parseJson } from '../src/json.js';
import { ToolError } from '../src/errors.js';
import { defineTool, type AnyTool } from './contract.js';
import { namedValue, objectGiven } from './fields.js';

/**
 * Endpoints that send a message, by their last segments. ringcentral_send_sms checks the sender and
 * keeps a repeat from going out twice; the proxy has neither check, so it does not send.
 */
const SENDS: Array<{ tail: string[]; what: string }> = [
  { tail: ['sms'], what: 'an SMS' },
  { tail: ['company-pager'], what: 'a pager message' },
  { tail: ['fax'], what: 'a fax' },
  { tail: ['a2p-sms', 'batches'], what: 'SMS in bulk' },
];

/** One percent-decoding pass, or the text as it is where it is not valid percent-encoding. */
const decodeOnce = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * The path's segments as a server may read them, whatever the spelling: without query or
 * fragment, percent-decoded (twice-encoded too), "\\" as "/", no empty, "." or ";params" segment,
 * ".." applied, lower case.
 */
export function endpointSegments(rawPath: string): string[] {
  let path = rawPath;
  for (let pass = 0; pass < 3; pass++) path = decodeOnce(path.split(/[?#]/)[0]);
  const segments: string[] = [];
  for (const raw of path.replace(/\\/g, '/').split('/')) {
    const segment = raw.split(';')[0].trim().toLowerCase();
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  }
  return segments;
}

/**
 * The proxy never sends a message (SMS, pager, fax): it would skip the sender check and the
 * duplicate window of ringcentral_send_sms. Thrown from validate, before any preview or CLI run.
 */
export function refuseMessageSend(input: { method: string; path: string }): void {
  if (input.method === 'GET') return;
  const segments = endpointSegments(input.path);
  const send = SENDS.find(({ tail }) => tail.every((part, i) => segments[segments.length - tail.length + i] === part));
  if (!send) return;
  throw new ToolError(
    'not_allowed',
    `${input.method} ${input.path} would send ${send.what}: the proxy does not send messages, as it would skip the sender check and the duplicate window of ringcentral_send_sms; nothing was sent`,
    { fix: 'send an SMS with ringcentral_send_sms; a pager message or a fax has no tool here: send it from the RingCentral app' },
  );
}

const PREFIXES = ['restapi', 'team-messaging', 'rcvideo', 'ai', 'analytics', 'webinar'];
/** Relative path under an allowed API root; no scheme, no host, no encoding tricks. */
const SAFE_PATH = new RegExp(`^/(${PREFIXES.join('|')})/[A-Za-z0-9._~,:@*=+-]+(/[A-Za-z0-9._~,:@*=+-]+)*/?$`);
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => NO_CONTROL.test(v), 'must not contain CR, LF or other control characters');
const HEADERS = ['Accept', 'Content-Type', 'Accept-Language', 'If-Match', 'If-None-Match'] as const;

const path = z
  .string()
  .max(2000)
  .regex(
    SAFE_PATH,
    `must be a relative RingCentral path starting with /${PREFIXES.join('/, /')}/ (no URL, query string or encoded characters)`,
  )
  .refine((p) => !p.split('/').some((segment) => segment === '..' || segment === '.'), 'must not contain "." or ".." segments')
  .describe('e.g. /restapi/v1.0/account/~/extension/~/presence');

/**
 * Collections, by the last segment of a path: DELETE, PUT or PATCH on one would change every
 * record in it (an empty message id deletes the whole mailbox), so the proxy only allows it on a record.
 */
const COLLECTIONS = new Set([
  'message-store',
  'messages',
  'contact',
  'address-book',
  'call-log',
  'active-calls',
  'chats',
  'conversations',
  'posts',
  'teams',
  'bridges',
  'meetings',
  'extension',
  'notes',
  'tasks',
  'events',
  'favorites',
  'phone-number',
  'device',
  'subscription',
  'sms',
  'fax',
  'company-pager',
  'recordings',
  'greeting',
  'answering-rule',
  'call-queues',
  'ivr-menus',
  'sites',
  'users',
  'groups',
  'favorite',
  'forwarding-number',
  'phone-numbers',
  'webhooks',
]);
const CHANGES = new Set(['DELETE', 'PUT', 'PATCH']);

/** The path's last segment; the path rule allows one trailing slash at most. */
const lastSegment = (p: string): string => p.replace(/\/$/, '').split('/').pop()!.toLowerCase();

/** A body of JSON text is parsed without losing digits (int64 ids) and sent exactly as given. */
const parsedBody = (text: string): unknown => {
  try {
    return parseJson(text);
  } catch {
    // Not JSON (or too deep for the lossless parser): no value; the body rule says why.
  }
  return undefined;
};

const bodyText = z
  .string({ error: objectGiven('JSON text (a string) such as {"text":"hi"}') })
  .superRefine((text, ctx) => {
    const tooDeep = textDepthProblem(text);
    if (tooDeep) {
      ctx.addIssue({ code: 'custom', message: tooDeep });
      return;
    }
    const value = parsedBody(text);
    if (value === null || typeof value !== 'object') {
      ctx.addIssue({ code: 'custom', message: 'must be JSON text of an object or array, e.g. {"text":"hi"}' });
      return;
    }
    const problem = jsonProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('JSON text, e.g. {"text":"hi"}');

const queryBytes = (query: Array<{ name: string; value: string }>): number =>
  query.reduce((sum, p) => sum + byteLength(p.name) + byteLength(p.value) + 1, 0);

/** Cross-field rules: no body on GET, no change to a whole collection. */
function requestProblem(i: { method: string; path: string; body?: unknown }): string | undefined {
  if (i.method === 'GET' && i.body !== undefined) return 'body: a GET request has no body; put parameters in query';
  const last = lastSegment(i.path);
  if (CHANGES.has(i.method) && COLLECTIONS.has(last)) {
    return `path: ${i.method} on the collection "${last}" would change every record in it; name one record (its id as the last segment)`;
  }
  // `*` is RingCentral's "every record" (DELETE .../message-store/*), and an id list with an empty
  // entry (",", "1,,2") names no record: both reach the collection, not a record.
  if (CHANGES.has(i.method) && (last.includes('*') || last.split(',').some((id) => !/[a-z0-9~]/.test(id)))) {
    return `path: ${i.method} needs a record id as the last segment, not "${last}" (a wildcard, or an empty id in a list, would change every record)`;
  }
  return undefined;
}

const shape = (methods: readonly [string, ...string[]]) => ({
  method: z.enum(methods),
  path,
  // Name/value pairs rather than maps: free-form maps are what strict-mode and Gemini callers cannot declare.
  query: z
    .array(z.strictObject({ name: z.string().regex(/^[A-Za-z][\w.[\]-]{0,63}$/, 'must be a plain parameter name'), value: text(2000) }), {
      error: objectGiven('a list of name/value pairs such as [{"name":"perPage","value":"100"}]'),
    })
    .max(100)
    .refine((q) => queryBytes(q) <= LIMITS.queryBytes, `must be at most ${LIMITS.queryBytes} bytes in all`)
    .describe('Repeat a name for a list')
    .optional(),
  body: bodyText.optional(),
  headers: z
    .array(z.strictObject({ name: namedValue(HEADERS), value: text(500) }), {
      error: objectGiven('a list of name/value pairs such as [{"name":"Accept","value":"application/json"}]'),
    })
    .max(HEADERS.length)
    .optional(),
});

type Pair = { name: string; value: string };
type ProxyInput = { method: string; path: string; query?: Pair[]; body?: string; headers?: Pair[] };

const spec = (i: ProxyInput) => ({
  method: i.method,
  path: i.path,
  query: (i.query ?? []).map((p): [string, string] => [p.name, p.value]),
  headers: (i.headers ?? []).map((p): [string, string] => [p.name, p.value]),
  ...(i.body === undefined ? {} : { body: parsedBody(i.body), bodyText: i.body }),
});

const description = 'Any RingCentral REST call, for what other tools lack.';

const proxy = (methods: readonly [string, ...string[]], kind: 'read' | 'destructive', readOnlyForm?: () => AnyTool) =>
  defineTool({
    name: 'ringcentral_api_request',
    title: 'RingCentral API request',
    description: kind === 'read' ? `${description} GET only.` : `${description} Non-GET needs confirmation.`,
    toolset: 'api',
    kind,
    input: shape(methods),
    validate: (i) => {
      refuseMessageSend(i);
      return requestProblem(i);
    },
    needsConfirmation: (i) => i.method !== 'GET',
    preview: async (i) => ({ action: `${i.method} ${i.path}`, ...spec(i) }),
    exec: { via: 'request', call: (i) => spec(i) },
    readOnlyForm,
  });

export const proxyTools = [proxy(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], 'destructive', () => proxy(['GET'], 'read'))];
