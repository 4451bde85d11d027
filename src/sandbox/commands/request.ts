// membrane request: proxies one call to the simulated RingCentral API and prints its body unchanged.
import { flag, flags } from '../args.js';
import { findConnection, requireAuth, requireReady } from '../connections.js';
import { MembraneError, UsageError } from '../errors.js';
import { stringify } from '../json.js';
import type { Outcome } from '../output.js';
import { envelope, type Query } from '../rest/http.js';
import { callRest } from '../rest/index.js';
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
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith('//')) {
    // The real CLI sends a full URL as-is, with the user's credentials, to whatever host it names.
    throw new MembraneError(
      'bad_request',
      'invalid_request',
      `The sandbox refuses absolute URLs (${path.slice(0, 80)}): the real CLI would send the request with your credentials to that host. Pass a path such as /restapi/v1.0/account/~`,
    );
  }
  const conn = findConnection(env, connId);
  requireReady(conn);
  if (!path.startsWith('/')) path = '/' + path;
  const query: Query = {};
  const qi = path.indexOf('?');
  if (qi !== -1) {
    for (const [k, v] of new URLSearchParams(path.slice(qi + 1))) (query[k] ??= []).push(v);
    path = path.slice(0, qi);
  }
  for (const [k, v] of keyValues(flags(a, 'query'), 'query', u)) (query[k] ??= []).push(v);
  if (env.faults.has('huge')) return { chunks: (require('../huge.js') as typeof import('../huge.js')).hugeBody, code: 0 };

  let body: unknown;
  if (data !== undefined && method !== 'GET') {
    try {
      body = JSON.parse(data);
    } catch {
      return rcFailure(env, 400, envelope('CMN-103', "JSON can't be parsed: request body is not valid JSON", { top: 'InvalidContent' }));
    }
  }
  const res = await callRest({ method, path, query, body, headers }, env);
  if (res.status < 400) {
    // Text content (an SMS's text, a voicemail transcription) is printed as it is, not as JSON.
    const out = res.body === undefined ? '' : typeof res.body === 'string' ? res.body : stringify(res.body) + '\n';
    return { stdout: out, code: 0 };
  }
  const extra = res.status === 429 ? ` (Retry-After: ${res.headers['Retry-After'] ?? '60'})` : '';
  return rcFailure(env, res.status, res.body, extra);
};

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
