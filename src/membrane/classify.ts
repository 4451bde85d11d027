/**
 * Classifying a failure of the Membrane CLI: the facts of its error body (or plain text) are read
 * once, then an ordered table of rules is tried in turn; the first that recognises the failure
 * gives the typed error with its fix. A new Membrane error is one rule here and one test row.
 */
import { ToolError, FIX } from '../errors.js';
import { connectionStateError, reportedConnection } from './connection.js';
import { extractJson, isObject, type JsonObject } from '../json.js';

/** RingCentral's error envelope: `errors[0].errorCode` is the reliable code (its top-level `errorCode` may be a generic one). */
export interface RingCentralError {
  errorCode: string;
  message: string;
  parameterName?: string;
  status?: number;
}

export function asRingCentralError(value: unknown, status?: number): RingCentralError | undefined {
  if (!isObject(value)) return undefined;
  const nested = Array.isArray(value.errors) && isObject(value.errors[0]) ? value.errors[0] : undefined;
  const code = nested?.errorCode ?? value.errorCode;
  const message = nested?.message ?? value.message;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  const parameterName = nested?.parameterName ?? value.parameterName;
  return { errorCode: code, message, parameterName: typeof parameterName === 'string' ? parameterName : undefined, status };
}

interface UpstreamNode {
  node: JsonObject;
  /** The HTTP status in force here: the node's own, else the nearest enclosing one. */
  status?: number;
  depth: number;
}

const statusOf = (node: JsonObject): number | undefined => {
  const value = Number(node.status ?? node.statusCode);
  return Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined;
};

/** The nodes of a Membrane error where the upstream response may be, outermost first. */
function upstreamNodes(error: JsonObject): UpstreamNode[] {
  const nodes: UpstreamNode[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, status: number | undefined, depth: number): void => {
    if (!isObject(node) || seen.has(node) || depth > 6) return;
    seen.add(node);
    const here = statusOf(node) ?? status;
    nodes.push({ node, status: here, depth });
    for (const key of ['response', 'data', 'body', 'causedByError', 'error']) visit(node[key], here, depth + 1);
  };
  visit(error, undefined, 0);
  return nodes;
}

/** The first RingCentral envelope below the Membrane error itself. */
function findRingCentralError(nodes: UpstreamNode[]): RingCentralError | undefined {
  for (const { node, status, depth } of nodes) {
    if (depth === 0) continue;
    const direct = asRingCentralError(node, status);
    if (direct && (Array.isArray(node.errors) || /^[A-Z]{2,4}-\d{3}$/.test(direct.errorCode))) return direct;
  }
  return undefined;
}

/** RingCentral codes that mean 429, with or without a status. */
const RATE_LIMIT_CODES = new Set(['CMN-301', 'CMN-302', 'CMN-304', 'CMN-310', 'MSG-305']);
/** A retry-after beyond an hour is not a rate limit anyone should honour: it is capped. */
const MAX_RETRY_AFTER_SECONDS = 3600;

/**
 * The status line `membrane request` prints on stderr ("HTTP 429 CMN-301: ... (Retry-After: 12)"):
 * only its leading status and trailing Retry-After are read, never the message in between, which
 * may echo the request.
 */
export function statusLine(stderr: string): { status: number; retryAfter?: number } | undefined {
  const line = /^HTTP (\d{3}) [^\n]*/m.exec(stderr);
  if (!line) return undefined;
  const retry = /\(Retry-After: (\d{1,15})\)\s*$/.exec(line[0]);
  return { status: Number(line[1]), retryAfter: retry ? Number(retry[1]) : undefined };
}

/** Seconds from a Retry-After value: a number of seconds or an HTTP date. */
function retrySeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.ceil((date - Date.now()) / 1000);
}

/** Retry-After from a `headers` object of the upstream response, or a `retryAfter` field. */
function findRetryAfter(nodes: UpstreamNode[], line: { retryAfter?: number } | undefined): number | undefined {
  for (const { node } of nodes) {
    const headers = isObject(node.headers) ? node.headers : undefined;
    const header = headers && Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after');
    const seconds = retrySeconds(header?.[1] ?? node.retryAfter);
    if (seconds !== undefined) return capRetry(seconds);
  }
  return line?.retryAfter === undefined ? undefined : capRetry(line.retryAfter);
}

const capRetry = (seconds: number): number => Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));

/** A Membrane error body: a message with a type or key, and no `output` (an action's answer). */
export function isMembraneError(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    typeof value.message === 'string' &&
    (typeof value.type === 'string' || typeof value.key === 'string') &&
    !('output' in value)
  );
}

/** The REST call a failure answered: the path named in errors, and whether this server built it. */
export interface RequestContext {
  method: string;
  /** RingCentral's documented path, and what `membrane request` was given when that differs. */
  path: string;
  target?: string;
  /** The caller wrote the path (the API proxy); otherwise a tool built it from RingCentral's reference. */
  byCaller?: boolean;
}

export interface ErrorContext {
  connectionId?: string;
  request?: RequestContext;
}

/**
 * RingCentral's answer as `membrane request` may print it on stderr alone: a status line
 * "HTTP 404 AGW-404: Resource not found" (its code and message after the status when there).
 */
function upstreamFromText(text: string): RingCentralError | undefined {
  const line = /^HTTP (4\d\d)(?: ([A-Z]{2,4}-\d{3}))?:? ?([^\n]*)/m.exec(text);
  if (!line) return undefined;
  return { status: Number(line[1]), errorCode: line[2] ?? `HTTP-${line[1]}`, message: line[3].trim() || `HTTP ${line[1]}` };
}

const whereOf = (request: RequestContext | undefined): string =>
  request
    ? ` (${request.method} ${request.path}${request.target && request.target !== request.path ? `, sent as ${request.target}` : ''})`
    : '';

/** What every rule reads, computed once per failure. */
export interface Facts {
  body?: JsonObject;
  type: string;
  key: string;
  message: string;
  actionRunId?: string;
  nodes: UpstreamNode[];
  upstream?: RingCentralError;
  /** The key and the message (or the text's first 2 KiB), lower case, for the text rules. */
  haystack: string;
  /** The status line `membrane request` printed, when there is one. */
  line?: { status: number; retryAfter?: number };
  /** The connection fixes name: the one the call used, else a placeholder. */
  connectionId: string;
  request?: RequestContext;
}

export function factsOf(body: JsonObject | undefined, text: string, context: ErrorContext = {}): Facts {
  const key = String(body?.key ?? '');
  const message = messageOf(body, text);
  const nodes = body ? upstreamNodes(body) : [];
  return {
    body,
    type: String(body?.type ?? ''),
    key,
    message,
    actionRunId: typeof body?.actionRunId === 'string' ? body.actionRunId : undefined,
    nodes,
    upstream: body ? findRingCentralError(nodes) : upstreamInText(text),
    // Plain text is classified whole: the real error may follow an update banner.
    haystack: `${key} ${body ? message : text.slice(0, 2048)}`.toLowerCase(),
    line: statusLine(text),
    connectionId: context.connectionId ?? '<connection-id>',
    request: context.request,
  };
}

/** The error's own message, else the line of the text that says what went wrong. */
const messageOf = (body: JsonObject | undefined, text: string): string =>
  (body ? String(body.message ?? '').trim() : '') || headline(text) || 'membrane failed without a message';

/** RingCentral's answer in a plain-text failure: its JSON body, else its status line. */
const upstreamInText = (text: string): RingCentralError | undefined =>
  asRingCentralError(extractJson(text).value) ?? upstreamFromText(text);

export type Rule = (facts: Facts) => ToolError | undefined;

/** Only structured data says "rate limit": free text may echo the request (a path, a query value). */
const rateLimit: Rule = (f) => {
  const limited =
    f.key === 'rate_limit_exceeded' ||
    // Stryker disable next-line StringLiteral: any text outside the set reads the same as ''.
    RATE_LIMIT_CODES.has(f.upstream?.errorCode ?? '') ||
    // An upstream's status is one of these nodes' own, so this also covers `upstream.status`.
    f.nodes.some((n) => n.status === 429) ||
    f.line?.status === 429;
  if (!limited) return undefined;
  const retryAfterSeconds = findRetryAfter(f.nodes, f.line) ?? 60;
  return new ToolError('rate_limited', `RingCentral rate limit reached: ${f.upstream?.message ?? f.message}`, {
    retryAfterSeconds,
    upstreamCode: f.upstream?.errorCode ?? f.key,
    fix: `wait ${retryAfterSeconds} s before the next call to this kind of endpoint; every request sent inside the penalty window restarts it`,
    actionRunId: f.actionRunId,
  });
};

const notLoggedIn: Rule = (f) =>
  f.key === 'not_authenticated' || /not (logged in|authenticated)|membrane login|session expired/.test(f.haystack)
    ? new ToolError('not_logged_in', `Membrane is not logged in: ${f.message}`, { fix: FIX.login, upstreamCode: f.key || undefined })
    : undefined;

/** A connection that exists but is not usable: its state (in `data`) decides the fix. */
const connectionState: Rule = (f) => {
  const seen = reportedConnection(f.body?.data, f);
  return seen && connectionStateError(seen);
};

const defunct: Rule = (f) =>
  // Stryker disable next-line ConditionalExpression: the haystack starts with the key, so /defunct/ below matches it too; named for the reader.
  f.key === 'connection_is_defunct' ||
  f.key === 'access_token_expired' ||
  f.type === 'connection' ||
  /disconnected|defunct|reconnect/.test(f.haystack)
    ? new ToolError('connection_not_ready', `the RingCentral connection needs to be reconnected: ${f.message}`, {
        fix: FIX.reconnect(f.connectionId),
        upstreamCode: f.key || f.type,
      })
    : undefined;

const tokenRejected: Rule = ({ upstream, connectionId }) =>
  upstream?.status === 401
    ? new ToolError('connection_not_ready', `RingCentral rejected the connection's token (${upstream.errorCode}: ${upstream.message})`, {
        fix: FIX.reconnect(connectionId),
        upstreamCode: upstream.errorCode,
      })
    : undefined;

const ringCentral: Rule = ({ upstream, request, connectionId, actionRunId }) => {
  if (!upstream) return undefined;
  const where = upstream.parameterName ? ` (parameter: ${upstream.parameterName})` : '';
  const status = upstream.status ? ` ${upstream.status}` : '';
  return new ToolError('ringcentral_error', `RingCentral${status} ${upstream.errorCode}: ${upstream.message}${where}${whereOf(request)}`, {
    upstreamCode: upstream.errorCode,
    actionRunId,
    fix: baseFix(upstream, request) ?? ringCentralFix(upstream, connectionId),
  });
};

const noSuchAction: Rule = (f) =>
  f.key === 'not_found' && /^action\b/.test(f.haystack.slice(f.key.length + 1))
    ? new ToolError('not_found', `no such action: ${f.message}`, {
        fix: 'find the action id or key with ringcentral_find_actions',
        upstreamCode: f.key,
      })
    : undefined;

const sandboxCorrupt: Rule = (f) =>
  f.key === 'state_corrupt'
    ? new ToolError('membrane_error', `the sandbox state is unusable: ${f.message}`, {
        fix: "run `membrane-sandbox reset` (this discards the sandbox's data), then call again",
        upstreamCode: f.key,
      })
    : undefined;

const noConnection: Rule = (f) =>
  f.key === 'not_found' && /connection/.test(f.haystack)
    ? new ToolError('no_connection', `the RingCentral connection was not found: ${f.message}`, {
        fix: `${FIX.connect}; if you pinned an id, check it with membrane connection list --json`,
        upstreamCode: f.key,
      })
    : undefined;

const SERVER_SIDE = /\b5\d\d\b|internal (server )?error|bad gateway|service unavailable|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up/i;

/** Anything else: a Membrane failure, temporary when it reads as one on the server side. */
const fallback = (f: Facts): ToolError => {
  const label = [f.type, f.key].filter(Boolean).join('/');
  const serverSide = f.type === 'internal' || SERVER_SIDE.test(f.haystack);
  return new ToolError('membrane_error', `membrane failed${label ? ` (${label})` : ''}: ${f.message}`, {
    upstreamCode: f.key || f.type || undefined,
    actionRunId: f.actionRunId,
    fix: serverSide
      ? 'a temporary failure on the Membrane or RingCentral side: run the call again in a minute; if it persists, check `membrane status`'
      : 'run the same membrane command by hand to see its whole output, and check `membrane --version`',
  });
};

/** The rules in the order they are tried: the first that recognises the failure names it. */
export const RULES: ReadonlyArray<readonly [name: string, rule: Rule]> = [
  ['rateLimit', rateLimit],
  ['notLoggedIn', notLoggedIn],
  ['connectionState', connectionState],
  ['defunct', defunct],
  ['tokenRejected', tokenRejected],
  ['ringCentral', ringCentral],
  ['noSuchAction', noSuchAction],
  ['sandboxCorrupt', sandboxCorrupt],
  ['noConnection', noConnection],
];

/** Classifies a Membrane error body (or a plain text) into a typed error with its fix. */
export function membraneError(body: JsonObject | undefined, text: string, context: ErrorContext = {}): ToolError {
  const facts = factsOf(body, text, context);
  for (const [, rule] of RULES) {
    const error = rule(facts);
    if (error) return error;
  }
  return fallback(facts);
}

/**
 * The gateway's 404 on a path this server built from RingCentral's reference: the path is right,
 * so where the connector sends it (its REST base) is the likely cause.
 */
function baseFix(error: RingCentralError, request: RequestContext | undefined): string | undefined {
  if (error.errorCode !== 'AGW-404' || !request || request.byCaller) return undefined;
  return "the connector's REST base is the likely cause (this path is RingCentral's documented one): run ringcentral_status to see the base learned for the connection, and check the RingCentral connector's base URL in Membrane; tools that have a Membrane action also work with --route action";
}

type RingCentralFix = readonly [
  applies: (error: RingCentralError) => boolean,
  fix: (error: RingCentralError, connectionId: string) => string,
];

const INPUT_CODES = new Set(['CMN-100', 'CMN-101', 'CMN-103']);

/** What a person can do about a RingCentral error, by its code or status: the first that applies. */
const RINGCENTRAL_FIXES: readonly RingCentralFix[] = [
  [
    (e) => e.errorCode === 'CMN-408' || e.errorCode === 'CMN-401' || e.status === 403,
    (e, connectionId) => {
      const permission = /\[(\w+)\]/.exec(e.message)?.[1];
      return `the RingCentral user or app lacks ${permission ? `the ${permission} permission` : 'a permission'} for this call: ask a RingCentral admin to grant it, or reconnect with a user who has it (${FIX.reconnect(connectionId)})`;
    },
  ],
  // The API gateway's 404: no RingCentral service answers at that path, whatever the id.
  [
    (e) => e.errorCode === 'AGW-404',
    () => "check the path: no RingCentral API answers there (see RingCentral's API reference for the path and its version)",
  ],
  [
    (e) => e.errorCode === 'CMN-102' || e.status === 404,
    (e) => `check the id${e.parameterName ? ` in ${e.parameterName}` : ''}: take it from the matching list tool`,
  ],
  [
    (e) => INPUT_CODES.has(e.errorCode) || e.status === 400 || e.status === 422,
    (e) => `correct ${e.parameterName ?? 'the input'} as RingCentral's message says`,
  ],
  [(e) => (e.status ?? 0) >= 500, () => 'a temporary RingCentral failure: run the call again in a minute'],
];

function ringCentralFix(error: RingCentralError, connectionId: string): string | undefined {
  const found = RINGCENTRAL_FIXES.find(([applies]) => applies(error));
  return found?.[1](error, connectionId);
}

/** The line of a plain-text error that says what went wrong: the first mentioning an error, else the first. */
function headline(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines.find((line) => /error|fail/i.test(line)) ?? lines[0] ?? '').slice(0, 500);
}
