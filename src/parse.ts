/**
 * Turns whatever the Membrane CLI printed into a value or a typed error, following the tolerance
 * rules of membrane-cli.md: banners before the JSON, bare arrays or `{items}`, wrapped or
 * unwrapped action output, errors on stdout or stderr, error-shaped JSON with exit code 0.
 */
import { ToolError, FIX } from './errors.js';
import type { CliResult } from './runner.js';

type Json = unknown;
type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Finds the JSON document in text that may carry notice lines before (or after) it. */
export function extractJson(text: string): { found: boolean; value?: Json } {
  const trimmed = text.trim();
  if (!trimmed) return { found: false };
  try {
    return { found: true, value: JSON.parse(trimmed) };
  } catch {
    // Fall through: look for the line where the JSON document starts.
  }
  const lines = text.split('\n');
  for (let start = 0; start < lines.length; start++) {
    const head = lines[start].trimStart();
    if (!head.startsWith('{') && !head.startsWith('[')) continue;
    const rest = lines.slice(start);
    // The document may be followed by trailing notices: shrink from the end until it parses.
    for (let end = rest.length; end > 0; end--) {
      const candidate = rest.slice(0, end).join('\n').trim();
      if (!candidate.endsWith('}') && !candidate.endsWith(']')) continue;
      try {
        return { found: true, value: JSON.parse(candidate) };
      } catch {
        // keep shrinking
      }
    }
  }
  return { found: false };
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

/** Looks for a RingCentral envelope wherever Membrane may have put the upstream response. */
function findRingCentralError(error: JsonObject): RingCentralError | undefined {
  const seen = new Set<unknown>();
  const visit = (node: unknown, status: number | undefined, depth: number): RingCentralError | undefined => {
    if (!isObject(node) || seen.has(node) || depth > 6) return undefined;
    seen.add(node);
    const here = typeof node.status === 'number' ? node.status : typeof node.statusCode === 'number' ? node.statusCode : status;
    if (depth > 0) {
      const direct = asRingCentralError(node, here);
      if (direct && (Array.isArray(node.errors) || /^[A-Z]{2,4}-\d{3}$/.test(direct.errorCode))) return direct;
    }
    for (const key of ['response', 'data', 'body', 'causedByError', 'error']) {
      const found = visit(node[key], here, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error, undefined, 0);
}

function findRetryAfter(error: JsonObject, fallbackText: string): number | undefined {
  const text = JSON.stringify(error) + ' ' + fallbackText;
  const header = /"retry-after"\s*:\s*"?(\d+)/i.exec(text) ?? /retry[- ]after[:\s]+(\d+)/i.exec(text);
  return header ? Number(header[1]) : undefined;
}

function isMembraneError(value: unknown): value is JsonObject {
  return isObject(value) && typeof value.message === 'string' && (typeof value.type === 'string' || typeof value.key === 'string') && !('output' in value);
}

/** Classifies a Membrane error body (or a plain text) into a typed error with its fix. */
export function membraneError(body: JsonObject | undefined, text: string, context: { connectionId?: string } = {}): ToolError {
  const type = String(body?.type ?? '');
  const key = String(body?.key ?? '');
  const message = String(body?.message ?? text).trim() || 'membrane failed without a message';
  const actionRunId = typeof body?.actionRunId === 'string' ? body.actionRunId : undefined;
  const upstream = body ? findRingCentralError(body) : asRingCentralError(extractJson(text).value);
  const haystack = `${key} ${message}`.toLowerCase();
  const connectionId = context.connectionId ?? '<connection-id>';

  if (key === 'rate_limit_exceeded' || upstream?.status === 429 || /\b429\b|rate.?limit|rate exceeded/.test(haystack)) {
    const retryAfterSeconds = findRetryAfter(body ?? {}, text) ?? 60;
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
  if (key === 'connection_is_defunct' || key === 'access_token_expired' || type === 'connection' || /disconnected|defunct|reconnect/.test(haystack)) {
    return new ToolError('connection_not_ready', `the RingCentral connection needs to be reconnected: ${message}`, {
      fix: FIX.reconnect(connectionId),
      upstreamCode: key || type,
    });
  }
  if (upstream?.status === 401) {
    return new ToolError('connection_not_ready', `RingCentral rejected the connection's token (${upstream.errorCode}: ${upstream.message})`, {
      fix: FIX.reconnect(connectionId),
      upstreamCode: upstream.errorCode,
    });
  }
  if (upstream) {
    const where = upstream.parameterName ? ` (parameter: ${upstream.parameterName})` : '';
    const status = upstream.status ? ` ${upstream.status}` : '';
    return new ToolError('ringcentral_error', `RingCentral${status} ${upstream.errorCode}: ${upstream.message}${where}`, {
      upstreamCode: upstream.errorCode,
      actionRunId,
    });
  }
  if (key === 'not_found' && /connection/.test(haystack)) {
    return new ToolError('no_connection', `the RingCentral connection was not found: ${message}`, {
      fix: `${FIX.connect}; if you pinned an id, check it with membrane connection list --json`,
      upstreamCode: key,
    });
  }
  const label = [type, key].filter(Boolean).join('/');
  return new ToolError('membrane_error', `membrane failed${label ? ` (${label})` : ''}: ${message}`, {
    upstreamCode: key || type || undefined,
    actionRunId,
  });
}

/**
 * The value a CLI run produced, or the error it reported. `allowEmpty` is for `request`,
 * where an empty body (204) is a success.
 */
export function parseCliResult(result: CliResult, options: { allowEmpty?: boolean; connectionId?: string } = {}): Json {
  if (result.signal) {
    throw new ToolError('cli_crashed', `membrane was killed by ${result.signal} before it answered`, {
      fix: 'run the same call again; if it keeps crashing, run `membrane --version` and reinstall the CLI',
    });
  }
  const out = extractJson(result.stdout);
  const failed = result.exitCode !== 0;
  if (failed) {
    const err = extractJson(result.stderr);
    const body = [out.value, err.value].find((v) => isMembraneError(v) || asRingCentralError(v));
    if (isMembraneError(body)) throw membraneError(body, result.stderr, options);
    if (body) throw membraneError(wrapUpstream(body, result.stderr), result.stderr, options);
    const text = firstLine(result.stderr) || firstLine(result.stdout) || `membrane exited with code ${result.exitCode}`;
    throw membraneError(undefined, text, options);
  }
  if (!out.found) {
    if (options.allowEmpty && result.stdout.trim() === '') return undefined;
    if (result.stdout.trim() === '' && result.stderr.trim() !== '') throw membraneError(undefined, firstLine(result.stderr), options);
    throw new ToolError('unparseable_output', `membrane printed something that is not JSON: ${JSON.stringify(result.stdout.slice(0, 160))}`, {
      fix: 'check `membrane --version` (an outdated CLI may print text) and run the command by hand to see its output',
    });
  }
  // Exit code 0 with an error-shaped body is still an error (rule 4).
  if (isMembraneError(out.value) && !hasData(out.value)) throw membraneError(out.value, result.stderr, options);
  if (asRingCentralError(out.value) && isObject(out.value) && Array.isArray(out.value.errors)) {
    throw membraneError(wrapUpstream(out.value, result.stderr), result.stderr, options);
  }
  return out.value;
}

/** A bare RingCentral body (from `request`) in the shape Membrane uses for upstream errors. */
function wrapUpstream(body: unknown, stderr: string): JsonObject {
  const status = /HTTP (\d{3})/.exec(stderr);
  return { message: '', data: { response: { status: status ? Number(status[1]) : undefined, data: body } } };
}

/** A Membrane error has type/key/message; a successful resource rarely has only those. */
function hasData(value: JsonObject): boolean {
  return 'id' in value || 'items' in value || 'records' in value;
}

function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find(Boolean)?.slice(0, 500) ?? '';
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
  if (isObject(value) && ('output' in value || 'actionRunId' in value) && Object.keys(value).every((k) => ['output', 'actionRunId', 'logs'].includes(k))) {
    return { output: value.output, actionRunId: typeof value.actionRunId === 'string' ? value.actionRunId : undefined };
  }
  return { output: value };
}
