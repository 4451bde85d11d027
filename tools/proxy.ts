/** The guarded proxy: any RingCentral REST call through `membrane request`, relative paths only. */
import { z } from 'zod';
import { defineTool, jsonText, type ToolDefinition } from './define.js';

const PREFIXES = ['restapi', 'team-messaging', 'rcvideo', 'ai', 'analytics', 'webinar'];
/** Relative path under an allowed API root; no scheme, no host, no encoding tricks. */
const SAFE_PATH = new RegExp(`^/(${PREFIXES.join('|')})/[A-Za-z0-9._~,:@*=+-]+(/[A-Za-z0-9._~,:@*=+-]+)*/?$`);
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

const text = (max: number) => z.string().max(max).refine((v) => NO_CONTROL.test(v), 'must not contain CR, LF or other control characters');
const HEADERS = ['Accept', 'Content-Type', 'Accept-Language', 'If-Match', 'If-None-Match'] as const;

const path = z
  .string()
  .max(2000)
  .regex(SAFE_PATH, `must be a relative RingCentral path starting with /${PREFIXES.join('/, /')}/ (no URL, query string or encoded characters)`)
  .refine((p) => !p.split('/').some((segment) => segment === '..' || segment === '.'), 'must not contain "." or ".." segments')
  .describe('e.g. /restapi/v1.0/account/~/extension/~/presence');

const shape = (methods: readonly [string, ...string[]]) => ({
  method: z.enum(methods),
  path,
  // Name/value pairs rather than maps: free-form maps are what strict-mode and Gemini callers cannot declare.
  query: z
    .array(z.strictObject({ name: z.string().regex(/^[A-Za-z][\w.[\]-]{0,63}$/, 'must be a plain parameter name'), value: text(2000) }))
    .max(100)
    .describe('Repeat a name for several values')
    .optional(),
  body: jsonText(true, '{"text":"hi"}').optional(),
  headers: z.array(z.strictObject({ name: z.enum(HEADERS), value: text(500) })).max(HEADERS.length).optional(),
});

type Pair = { name: string; value: string };
type ProxyInput = { method: string; path: string; query?: Pair[]; body?: unknown; headers?: Pair[] };

const spec = (i: ProxyInput) => ({
  method: i.method,
  path: i.path,
  query: (i.query ?? []).map((p): [string, string] => [p.name, p.value]),
  headers: (i.headers ?? []).map((p): [string, string] => [p.name, p.value]),
  body: i.body,
});

const description = 'Any RingCentral REST call by relative path, for what other tools lack (presence, phone numbers...).';

const proxy = (methods: readonly [string, ...string[]], kind: 'read' | 'destructive', readOnlyForm?: () => ToolDefinition) =>
  defineTool({
    name: 'ringcentral_api_request',
    title: 'RingCentral API request',
    description: kind === 'read' ? `${description} GET only.` : `${description} Non-GET needs confirmation.`,
    toolset: 'api',
    kind,
    input: shape(methods),
    needsConfirmation: (i) => i.method !== 'GET',
    preview: async (i) => ({ action: `${i.method} ${i.path}`, ...spec(i as ProxyInput) }),
    exec: { via: 'request', call: (i) => spec(i as ProxyInput) },
    readOnlyForm,
  });

export const proxyTools = [proxy(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], 'destructive', () => proxy(['GET'], 'read'))];
