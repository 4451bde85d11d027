/**
 * Turns whatever the Membrane CLI printed into a value or a typed error, following the tolerance
 * rules for output Membrane does not document: banners before the JSON, bare arrays or `{items}`, wrapped or
 * unwrapped action output, errors on stdout or stderr, error-shaped JSON with exit code 0.
 */
import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { ToolError, FIX } from '../errors.js';
import type { CliResult } from './runner.js';

type Json = unknown;
type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const INTEGER = /^-?\d+$/;

/** A JSON number as a JS number, or as its exact digits when it is an integer a double would round. */
const exactNumber = (text: string): number | string => (isSafeNumber(text) || !INTEGER.test(text) ? Number(text) : text);

/** A key given twice in one object keeps its last value, as JSON.parse does. */
const LOSSLESS = { parseNumber: exactNumber, onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue };

/**
 * JSON.parse that keeps every digit: RingCentral's int64 ids (conversationId, message and contact
 * ids) exceed 2^53 and would come back rounded, so such integers become exact digit strings.
 * Both parsers accept the same documents (a duplicate key included), so whether a 16-digit run
 * appears (an SMS body can hold one) never changes what is read.
 */
export function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): Json {
  // Such an integer has at least 16 digits in a row; without one the native parser is exact (and faster).
  return /\d{16}/.test(text) ? parseLossless(text, reviver ?? null, LOSSLESS) : JSON.parse(text, reviver);
}

/** How many lines that start with "{" or "[" are tried as the document's start. */
const MAX_STARTS = 20;

/** Finds the JSON document in text that may carry notice lines before (or after) it. */
export function extractJson(text: string): { found: boolean; value?: Json } {
  try {
    return { found: true, value: parseJson(text) };
  } catch {
    // Fall through: look for the line where the JSON document starts.
  }
  let tries = 0;
  for (let lineStart = 0; lineStart < text.length && tries < MAX_STARTS;) {
    const lineEnd = text.indexOf('\n', lineStart);
    const next = lineEnd === -1 ? text.length : lineEnd + 1;
    const at = firstNonBlank(text, lineStart, next);
    if (text[at] === '{' || text[at] === '[') {
      tries++;
      const end = matchingClose(text, at);
      // Unclosed: every later line is inside it (a document cut short), never a document of its own.
      if (end === -1) break;
      try {
        return { found: true, value: parseJson(text.slice(at, end + 1)) };
      } catch {
        // A notice such as "[notice] ..." that merely starts with a bracket, or a broken document:
        // go on after its close, so a record inside a document that failed is never taken for the whole.
        lineStart = lineAfter(text, end);
        continue;
      }
    }
    lineStart = next;
  }
  return { found: false };
}

/** Where the line after the one holding `index` starts. */
function lineAfter(text: string, index: number): number {
  const lineEnd = text.indexOf('\n', index);
  return lineEnd === -1 ? text.length : lineEnd + 1;
}

/** The first character in [from, to) that is not a blank, or -1 (where the text has no character). */
function firstNonBlank(text: string, from: number, to: number): number {
  // Stryker disable next-line EqualityOperator: a line ends in "\n" (no blank) or at the end, where text[i] is undefined.
  for (let i = from; i < to; i++) {
    if (text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\r') return i;
  }
  return -1;
}

/**
 * The index of the bracket that closes the one at `open` (strings and escapes respected), or -1.
 * One linear scan, so a large document after a bracketed banner costs no more than parsing it.
 */
function matchingClose(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which matches nothing.
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i;
    }
  }
  // Stryker disable next-line UnaryOperator: a close at 1 would give at most 2 characters from a bracket, never a whole document.
  return -1;
}

/** RingCentral's error envelope: `errors[0].errorCode` is the reliable code (section 0.5). */
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
function statusLine(stderr: string): { status: number; retryAfter?: number } | undefined {
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

function isMembraneError(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    typeof value.message === 'string' &&
    (typeof value.type === 'string' || typeof value.key === 'string') &&
    !('output' in value)
  );
}

/** Classifies a Membrane error body (or a plain text) into a typed error with its fix. */
export function membraneError(body: JsonObject | undefined, text: string, context: { connectionId?: string } = {}): ToolError {
  const type = String(body?.type ?? '');
  const key = String(body?.key ?? '');
  const message = (body ? String(body.message ?? '').trim() : '') || headline(text) || 'membrane failed without a message';
  const actionRunId = typeof body?.actionRunId === 'string' ? body.actionRunId : undefined;
  const nodes = body ? upstreamNodes(body) : [];
  const upstream = body ? findRingCentralError(nodes) : asRingCentralError(extractJson(text).value);
  // Plain text is classified whole: the real error may follow an update banner.
  const haystack = `${key} ${body ? message : text.slice(0, 2048)}`.toLowerCase();
  const connectionId = context.connectionId ?? '<connection-id>';

  // Only structured data says "rate limit": free text may echo the request (a path, a query value).
  const line = statusLine(text);
  const rateLimited =
    key === 'rate_limit_exceeded' ||
    // Stryker disable next-line StringLiteral: any text outside the set reads the same as ''.
    RATE_LIMIT_CODES.has(upstream?.errorCode ?? '') ||
    // An upstream's status is one of these nodes' own, so this also covers `upstream.status`.
    nodes.some((n) => n.status === 429) ||
    line?.status === 429;
  if (rateLimited) {
    const retryAfterSeconds = findRetryAfter(nodes, line) ?? 60;
    return new ToolError('rate_limited', `RingCentral rate limit reached: ${upstream?.message ?? message}`, {
      retryAfterSeconds,
      upstreamCode: upstream?.errorCode ?? key,
      fix: `wait ${retryAfterSeconds} s before the next call to this kind of endpoint; every request sent inside the penalty window restarts it`,
      actionRunId,
    });
  }
  if (key === 'not_authenticated' || /not (logged in|authenticated)|membrane login|session expired/.test(haystack)) {
    return new ToolError('not_logged_in', `Membrane is not logged in: ${message}`, { fix: FIX.login, upstreamCode: key || undefined });
  }
  const stateProblem = connectionStateError(body?.data, key, message, connectionId);
  if (stateProblem) return stateProblem;
  if (
    // Stryker disable next-line ConditionalExpression: the haystack starts with the key, so /defunct/ below matches it too; named for the reader.
    key === 'connection_is_defunct' ||
    key === 'access_token_expired' ||
    type === 'connection' ||
    /disconnected|defunct|reconnect/.test(haystack)
  ) {
    return new ToolError('connection_not_ready', `the RingCentral connection needs to be reconnected: ${message}`, {
      fix: FIX.reconnect(connectionId),
      upstreamCode: key || type,
    });
  }
  if (upstream?.status === 401) {
    return new ToolError(
      'connection_not_ready',
      `RingCentral rejected the connection's token (${upstream.errorCode}: ${upstream.message})`,
      {
        fix: FIX.reconnect(connectionId),
        upstreamCode: upstream.errorCode,
      },
    );
  }
  if (upstream) {
    const where = upstream.parameterName ? ` (parameter: ${upstream.parameterName})` : '';
    const status = upstream.status ? ` ${upstream.status}` : '';
    return new ToolError('ringcentral_error', `RingCentral${status} ${upstream.errorCode}: ${upstream.message}${where}`, {
      upstreamCode: upstream.errorCode,
      actionRunId,
      fix: ringCentralFix(upstream, connectionId),
    });
  }
  if (key === 'not_found' && /^action\b/.test(haystack.slice(key.length + 1))) {
    return new ToolError('not_found', `no such action: ${message}`, {
      fix: 'find the action id or key with ringcentral_find_actions',
      upstreamCode: key,
    });
  }
  if (key === 'state_corrupt') {
    return new ToolError('membrane_error', `the sandbox state is unusable: ${message}`, {
      fix: "run `membrane-sandbox reset` (this discards the sandbox's data), then call again",
      upstreamCode: key,
    });
  }
  if (key === 'not_found' && /connection/.test(haystack)) {
    return new ToolError('no_connection', `the RingCentral connection was not found: ${message}`, {
      fix: `${FIX.connect}; if you pinned an id, check it with membrane connection list --json`,
      upstreamCode: key,
    });
  }
  const label = [type, key].filter(Boolean).join('/');
  const serverSide =
    type === 'internal' ||
    /\b5\d\d\b|internal (server )?error|bad gateway|service unavailable|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up/i.test(haystack);
  return new ToolError('membrane_error', `membrane failed${label ? ` (${label})` : ''}: ${message}`, {
    upstreamCode: key || type || undefined,
    actionRunId,
    fix: serverSide
      ? 'a temporary failure on the Membrane or RingCentral side: run the call again in a minute; if it persists, check `membrane status`'
      : 'run the same membrane command by hand to see its whole output, and check `membrane --version`',
  });
}

/**
 * A Membrane error about a connection that exists but is not usable carries its `state` (and
 * `clientAction`, `error`) in `data`: the fix depends on it (wait, reconnect, or a person fixes it).
 */
function connectionStateError(data: unknown, key: string, message: string, connectionId: string): ToolError | undefined {
  if (!isObject(data) || typeof data.state !== 'string' || !data.state || data.state === 'READY') return undefined;
  const state = data.state;
  const id = typeof data.connectionId === 'string' ? data.connectionId : connectionId;
  const action = isObject(data.clientAction) ? data.clientAction : undefined;
  const url = typeof action?.uiUrl === 'string' ? action.uiUrl : undefined;
  const upstreamCode = key || state;
  if (state === 'BUILDING') {
    return new ToolError('connection_not_ready', `the RingCentral connection ${id} is still being set up (state BUILDING): ${message}`, {
      fix: `${FIX.wait(id)}, then call again`,
      upstreamCode,
    });
  }
  if (state === 'CONFIGURATION_ERROR' || state === 'SETUP_FAILED') {
    const detail = isObject(data.error) && typeof data.error.message === 'string' ? data.error.message : message;
    return new ToolError('connection_not_ready', `the RingCentral connection ${id} failed to set up (state ${state}): ${detail}`, {
      fix: `a person must fix the connection in Membrane${url ? ` (${url})` : ''}, then check with membrane connection get ${id} --json`,
      upstreamCode,
    });
  }
  return new ToolError('connection_not_ready', `the RingCentral connection ${id} needs to be reconnected (state ${state}): ${message}`, {
    fix: `${FIX.reconnect(id)}${url ? `, or open ${url}` : ''} (reconnect this one; do not create another)`,
    upstreamCode,
  });
}

/** What a person can do about a RingCentral error, by its code. */
function ringCentralFix(error: RingCentralError, connectionId: string): string | undefined {
  const code = error.errorCode;
  if (code === 'CMN-408' || code === 'CMN-401' || error.status === 403) {
    const permission = /\[(\w+)\]/.exec(error.message)?.[1];
    return `the RingCentral user or app lacks ${permission ? `the ${permission} permission` : 'a permission'} for this call: ask a RingCentral admin to grant it, or reconnect with a user who has it (${FIX.reconnect(connectionId)})`;
  }
  // The API gateway's 404: no RingCentral service answers at that path, whatever the id.
  if (code === 'AGW-404')
    return "check the path: no RingCentral API answers there (see RingCentral's API reference for the path and its version)";
  if (code === 'CMN-102' || error.status === 404)
    return `check the id${error.parameterName ? ` in ${error.parameterName}` : ''}: take it from the matching list tool`;
  if (code === 'CMN-101' || code === 'CMN-100' || code === 'CMN-103' || error.status === 400 || error.status === 422) {
    return `correct ${error.parameterName ?? 'the input'} as RingCentral's message says`;
  }
  if ((error.status ?? 0) >= 500) return 'a temporary RingCentral failure: run the call again in a minute';
  return undefined;
}

/**
 * The value a CLI run produced, or the error it reported. `allowEmpty` is for `request`,
 * where an empty body (204) is a success.
 */
export function parseCliResult(result: CliResult, options: { allowEmpty?: boolean; connectionId?: string; text?: boolean } = {}): Json {
  if (result.signal) {
    throw new ToolError('cli_crashed', `membrane was killed by ${result.signal} before it answered`, {
      fix: 'run the same call again; if it keeps crashing, run `membrane --version` and reinstall the CLI',
    });
  }
  const out = extractJson(result.stdout);
  if (result.exitCode !== 0) failure(result, out, options);
  // Text content (an attachment served as text/plain) is the answer as it came, unless it is an error body.
  if (options.text && result.stdout.trim() !== '' && !isErrorBody(out.value)) return result.stdout;
  if (!out.found) {
    const stdoutEmpty = result.stdout.trim() === '';
    // Exit 0 with the error on stderr instead (rule 4): the same as a non-zero exit.
    if (stdoutEmpty && isErrorBody(extractJson(result.stderr).value)) failure(result, out, options);
    // `request` may answer 204; an `action run` without output prints nothing when unwrapped (rule 3).
    const emptyOk = options.allowEmpty || (isActionRun(result.argv) && result.stderr.trim() === '');
    if (emptyOk && stdoutEmpty) return undefined;
    if (stdoutEmpty && result.stderr.trim() !== '') throw membraneError(undefined, result.stderr, options);
    throw new ToolError(
      'unparseable_output',
      `membrane printed something that is not JSON: ${JSON.stringify(result.stdout.slice(0, 160))}`,
      {
        fix: 'check `membrane --version` (an outdated CLI may print text) and run the command by hand to see its output',
      },
    );
  }
  // Exit code 0 with an error-shaped body is still an error (rule 4).
  if (isMembraneError(out.value) && !hasData(out.value)) throw membraneError(out.value, result.stderr, options);
  if (isRingCentralErrorBody(out.value, result.stderr)) {
    throw membraneError(wrapUpstream(out.value, result.stderr), result.stderr, options);
  }
  return out.value;
}

/** What RingCentral's error bodies carry; a body of nothing else is never a resource. */
const ERROR_BODY_KEYS = new Set(['errorCode', 'message', 'errors', 'parameterName', 'parameterValue']);

/**
 * RingCentral's error body printed with exit code 0: with an `errors` list, or without one (the
 * API gateway's `{"errorCode":"AGW-404","message":"Resource not found"}`, legacy codes) when the
 * status line on stderr says 400 or more, or when the body has nothing but error fields.
 */
function isRingCentralErrorBody(value: unknown, stderr: string): value is JsonObject {
  if (!isObject(value) || !asRingCentralError(value)) return false;
  if (Array.isArray(value.errors)) return true;
  return (statusLine(stderr)?.status ?? 0) >= 400 || Object.keys(value).every((key) => ERROR_BODY_KEYS.has(key));
}

const isErrorBody = (value: unknown): value is JsonObject => isMembraneError(value) || asRingCentralError(value) !== undefined;

/** The error of a failed run: a JSON error body on stdout or stderr, else its text classified. */
function failure(result: CliResult, out: { value?: Json }, options: { connectionId?: string }): never {
  const body = [out.value, extractJson(result.stderr).value].find(isErrorBody);
  if (isMembraneError(body)) throw membraneError(body, result.stderr, options);
  if (body) throw membraneError(wrapUpstream(body, result.stderr), result.stderr, options);
  const text = result.stderr.trim() || result.stdout.trim() || `membrane exited with code ${result.exitCode}`;
  throw membraneError(undefined, text, options);
}

/** `membrane action run ...`: the two command words follow the executable and its prefix. */
function isActionRun(argv: string[]): boolean {
  const at = argv.indexOf('action');
  // Stryker disable next-line ConditionalExpression,EqualityOperator: argv[0] is the executable, never "action" nor "run".
  return at >= 0 && argv[at + 1] === 'run';
}

/**
 * A bare RingCentral body (from `request`) in the shape Membrane uses for upstream errors. It is
 * RingCentral's own answer, so one without an `errors` list (a legacy code) is read as one too.
 */
function wrapUpstream(body: JsonObject, stderr: string): JsonObject {
  // Stryker disable next-line ArrayDeclaration: an added list only marks the body; its own fields are read, not the list's.
  const errors = Array.isArray(body.errors) ? body.errors : [];
  return { data: { response: { status: statusLine(stderr)?.status, data: { ...body, errors } } } };
}

/** A Membrane error has type/key/message; a successful resource rarely has only those. */
function hasData(value: JsonObject): boolean {
  return 'id' in value || 'items' in value || 'records' in value;
}

/** The line of a plain-text error that says what went wrong: the first mentioning an error, else the first. */
function headline(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines.find((line) => /error|fail/i.test(line)) ?? lines[0] ?? '').slice(0, 500);
}

/** A list as `{items, cursor}` or a bare array (rule 2). */
export function asList(value: Json): { items: unknown[]; cursor?: string } {
  if (Array.isArray(value)) return { items: value };
  if (isObject(value) && Array.isArray(value.items)) {
    return { items: value.items, cursor: typeof value.cursor === 'string' && value.cursor ? value.cursor : undefined };
  }
  throw new ToolError('unparseable_output', `expected a list from membrane, got ${JSON.stringify(value).slice(0, 160)}`);
}

/** Action run output, wrapped in `{output, actionRunId}` or not (rule 3). */
export function unwrapActionOutput(value: Json): { output: Json; actionRunId?: string } {
  if (
    isObject(value) &&
    ('output' in value || 'actionRunId' in value) &&
    Object.keys(value).every((k) => ['output', 'actionRunId', 'logs'].includes(k))
  ) {
    return { output: value.output, actionRunId: typeof value.actionRunId === 'string' ? value.actionRunId : undefined };
  }
  return { output: value };
}
