/** The guarded proxy: any RingCentral REST call through `membrane request`, relative paths only. */
import { z } from 'zod';
import { LIMITS, byteLength, jsonProblem } from '../src/bounds.js';
import { defineTool, type ToolDefinition } from './define.js';

const PREFIXES = ['restapi', 'team-messaging', 'rcvideo', 'ai', 'analytics', 'webinar'];
/** Relative path under an allowed API root; no scheme, no host, no encoding tricks. */
const SAFE_PATH = new RegExp(`^/(${PREFIXES.join('|')})/[A-Za-z0-9._~,:@*=+-]+(/[A-Za-z0-9._~,:@*=+-]+)*/?$`);
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

const text = (max: number) => z.string().max(max).refine((v) => NO_CONTROL.test(v), 'must not contain CR, LF or other control characters');
const scalar = z.union([text(2000), z.number(), z.boolean()]);
const HEADERS = ['Accept', 'Content-Type', 'Accept-Language', 'If-Match', 'If-None-Match'] as const;

const path = z
  .string()
  .max(2000)
  .regex(SAFE_PATH, `must be a relative RingCentral path starting with /${PREFIXES.join('/, /')}/ (no URL, query string or encoded characters)`)
  .refine((p) => !p.split('/').some((segment) => segment === '..' || segment === '.'), 'must not contain "." or ".." segments')
  .describe('e.g. /restapi/v1.0/account/~/extension/~/presence');

/**
 * Collections, by the last segment of a path: DELETE, PUT or PATCH on one would change every
 * record in it (an empty message id deletes the whole mailbox), so the proxy only allows it on a record.
 */
const COLLECTIONS = new Set([
  'message-store', 'messages', 'contact', 'address-book', 'call-log', 'active-calls', 'chats', 'conversations', 'posts', 'teams',
  'bridges', 'meetings', 'extension', 'notes', 'tasks', 'events', 'favorites', 'phone-number', 'device', 'subscription',
  'sms', 'fax', 'company-pager', 'recordings', 'greeting', 'answering-rule', 'call-queues', 'ivr-menus', 'sites', 'users', 'groups',
]);
const CHANGES = new Set(['DELETE', 'PUT', 'PATCH']);

const lastSegment = (p: string): string => p.replace(/\/+$/, '').split('/').pop()!.toLowerCase();

const boundedBody = z
  .union([z.looseObject({}), z.array(z.union([z.string(), z.number(), z.looseObject({})]))])
  .superRefine((value, ctx) => {
    const problem = jsonProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('JSON body');

const queryBytes = (query: Record<string, unknown>): number =>
  Object.entries(query).reduce((sum, [k, v]) => sum + (Array.isArray(v) ? v : [v]).reduce<number>((n, x) => n + byteLength(k) + byteLength(String(x)) + 1, 0), 0);

/** Cross-field rules: no body on GET, no change to a whole collection. */
function requestProblem(i: { method: string; path: string; body?: unknown }): string | undefined {
  if (i.method === 'GET' && i.body !== undefined) return 'body: a GET request has no body; put parameters in query';
  const last = lastSegment(i.path);
  if (CHANGES.has(i.method) && COLLECTIONS.has(last)) {
    return `path: ${i.method} on the collection "${last}" would change every record in it; name one record (its id as the last segment)`;
  }
  return undefined;
}

const shape = (methods: readonly [string, ...string[]]) => ({
  method: z.enum(methods),
  path,
  query: z
    .record(z.string().regex(/^[A-Za-z][\w.[\]-]{0,63}$/, 'must be a plain parameter name'), z.union([scalar, z.array(scalar).max(100)]))
    .refine((q) => queryBytes(q) <= LIMITS.queryBytes, `must be at most ${LIMITS.queryBytes} bytes in all`)
    .describe('An array repeats the key')
    .optional(),
  body: boundedBody.optional(),
  headers: z
    .partialRecord(z.enum(HEADERS), text(500))
    .describe('Allowlisted headers; Membrane adds authorization')
    .optional(),
});

type ProxyInput = { method: string; path: string; query?: Record<string, unknown>; body?: unknown; headers?: Partial<Record<string, string>> };

const spec = (i: ProxyInput) => ({
  method: i.method,
  path: i.path,
  query: Object.entries(i.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, String(x)] as [string, string])),
  headers: Object.entries(i.headers ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
  body: i.body,
});

const description =
  'Call any RingCentral REST endpoint the other tools do not cover (presence, phone numbers, call queues, posts...). Path is relative (/restapi/v1.0/..., /team-messaging/v1/..., /rcvideo/...). Returns the response body.';

const proxy = (methods: readonly [string, ...string[]], kind: 'read' | 'destructive', readOnlyForm?: () => ToolDefinition) =>
  defineTool({
    name: 'ringcentral_api_request',
    title: 'RingCentral API request',
    description: kind === 'read' ? `${description} Read-only mode: GET only.` : `${description} Non-GET calls change data and need confirmation.`,
    toolset: 'api',
    kind,
    input: shape(methods),
    validate: (i) => requestProblem(i as ProxyInput),
    needsConfirmation: (i) => i.method !== 'GET',
    preview: async (i) => ({ action: `${i.method} ${i.path}`, ...spec(i as ProxyInput) }),
    exec: { via: 'request', call: (i) => spec(i as ProxyInput) },
    readOnlyForm,
  });

export const proxyTools = [proxy(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], 'destructive', () => proxy(['GET'], 'read'))];
