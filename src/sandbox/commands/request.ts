// membrane request: proxies one call to the simulated RingCentral API and prints its body unchanged.
import { flag, flags } from '../args.js';
import { findConnection, requireAuth, requireReady } from '../connections.js';
import { UsageError } from '../errors.js';
import { stringify } from '../json.js';
import type { Outcome } from '../output.js';
import type { Env } from '../env.js';
import { logRequest } from '../log.js';
import { envelope, RcError, type Query, type Res } from '../rest/http.js';
import { callRest } from '../rest/index.js';
import { appendQuery, connectorBase, parseQuery, resolveUrl, splitUrl, type Target } from '../rest/url.js';
import { USAGE } from '../usage.js';
import type { Command } from './common.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function keyValues(list: string[], name: string, u: string): [string, string][] {
  return list.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new UsageError(`--${name} expects key=value (got "${kv}")`, u);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}

export const request: Command = async (a, env) => {
  const u = USAGE.request;
  if (a.positionals.length < 3) throw new UsageError(a.positionals.length < 2 ? 'missing <connectionId>' : 'missing <path>', u);
  if (a.positionals.length > 3) throw new UsageError(`unexpected argument "${a.positionals[3]}"`, u);
  const [, connId, rawPath] = a.positionals;
  const data = flag(a, 'data');
  const method = (flag(a, 'method') ?? (data !== undefined ? 'POST' : 'GET')).toUpperCase();
  if (!METHODS.includes(method)) throw new UsageError(`unsupported method "${method}"`, u);
  const headers: Record<string, string> = {};
  for (const h of flags(a, 'header')) {
    const c = h.indexOf(':');
    if (c < 1) throw new UsageError(`-H expects "Name: value" (got "${h}")`, u);
    headers[h.slice(0, c).trim()] = h.slice(c + 1).trim();
  }
  let path = rawPath;
  for (const [k, v] of keyValues(flags(a, 'pathParam'), 'pathParam', u)) {
    path = path
      .split(`{${k}}`)
      .join(encodeURIComponent(v))
      .replace(new RegExp(`:${k}(?=/|$|\\?)`, 'g'), encodeURIComponent(v));
  }
  const left = path.match(/\{([^}/]+)\}/);
  if (left) throw new UsageError(`path parameter {${left[1]}} has no --pathParam ${left[1]}=...`, u);
  requireAuth(env);
  const conn = findConnection(env, connId);
  requireReady(conn);
  const pairs = keyValues(flags(a, 'query'), 'query', u);
  let url: string;
  try {
    url = appendQuery(resolveUrl(path, connectorBase(env.variants)), pairs, env.variants.has('raw-query'));
  } catch (e) {
    logRequest(env, { ...logged(method, splitUrl(path)), status: null, error: (e as Error).message });
    throw e;
  }
  const target = splitUrl(url);
  if (env.faults.has('huge')) return { chunks: (require('../huge.js') as typeof import('../huge.js')).hugeBody, code: 0 };
  const res = await answer(env, target, method, data, headers);
  logRequest(env, { ...logged(method, target), status: res.status });
  if (res.status < 400) {
    // Text content (an SMS's text, a voicemail transcription) is printed as it is, not as JSON.
    const out = res.body === undefined ? '' : typeof res.body === 'string' ? res.body : stringify(res.body) + '\n';
    return { stdout: out, code: 0 };
  }
  const extra = res.status === 429 ? ` (Retry-After: ${res.headers['Retry-After'] ?? '60'})` : '';
  return rcFailure(env, res.status, res.body, extra);
};

/** RingCentral's answer to one request that reached one of its hosts. */
async function answer(env: Env, target: Target, method: string, data: string | undefined, headers: Record<string, string>): Promise<Res> {
  let query: Query;
  let body: unknown;
  try {
    query = parseQuery(target.rawQuery);
  } catch (e) {
    if (e instanceof RcError) return e.res;
    throw e;
  }
  if (data !== undefined && method !== 'GET') {
    try {
      body = JSON.parse(data);
    } catch {
      return {
        status: 400,
        headers: {},
        body: envelope('CMN-103', "JSON can't be parsed: request body is not valid JSON", { top: 'InvalidContent' }),
      };
    }
  }
  return callRest({ method, path: target.rawPath, query, body, headers }, env);
}

/** What the request log says of a request: the URL as sent, its host, the decoded path and the query as received. */
function logged(method: string, t: Target) {
  let path = t.rawPath;
  try {
    path = decodeURIComponent(t.rawPath);
  } catch {
    /* logged as sent */
  }
  const url = t.origin + t.rawPath + (t.rawQuery ? '?' + t.rawQuery : '');
  return { via: 'request' as const, method, url, host: t.origin.replace(/^[^/]*\/\//, ''), path, query: t.rawQuery };
}

/** A RingCentral error: its body on stdout, one line on stderr, exit 1 (0 under request-exit-zero). */
function rcFailure(env: { variants: Set<string> }, status: number, body: unknown, extra = ''): Outcome {
  const b = body as { errorCode?: string; message?: string; errors?: { errorCode?: string; message?: string }[] };
  const code = b?.errors?.[0]?.errorCode ?? b?.errorCode ?? 'error';
  const msg = b?.errors?.[0]?.message ?? b?.message ?? '';
  return {
    stdout: stringify(body) + '\n',
    stderr: `HTTP ${status} ${code}: ${msg}${extra}\n`,
    code: env.variants.has('request-exit-zero') ? 0 : 1,
  };
}
