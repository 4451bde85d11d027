// Where a `membrane request` lands and what RingCentral reads from it. Membrane appends the
// connector's base URL to a relative path and uses a full URL as-is; RingCentral decodes the query
// string itself (percent-decoding, `+` as a space, a repeated key as a list).
import { MembraneError } from '../errors.js';
import { MEDIA, PLATFORM } from '../hosts.js';
import { rcError, type Query } from './http.js';

/** The hosts RingCentral answers from in the sandbox (its answers name both); no other is reachable. */
export const SERVED_ORIGINS = [PLATFORM, MEDIA];

/** The connector's base URL: the bare platform host, or (rest-base) the host plus `/restapi/v1.0`. */
export function connectorBase(variants: Set<string>): string {
  return variants.has('rest-base') ? `${PLATFORM}/restapi/v1.0` : PLATFORM;
}

export interface Target {
  /** Scheme and host, as RingCentral's answers spell them. */
  origin: string;
  /** The path as it travels (still percent-encoded), without query or fragment. */
  rawPath: string;
  /** The query string as it arrives at RingCentral (without the `?`), '' when there is none. */
  rawQuery: string;
}

const FULL_URL = /^([a-z][a-z0-9+.-]*:)?\/\/([^/?#]*)(.*)$/i;

/** The full URL a path reaches; a full URL on another host is refused (the sandbox cannot reach it). */
export function resolveUrl(path: string, base: string): string {
  const full = FULL_URL.exec(path);
  if (!full) return base + (path.startsWith('/') ? path : '/' + path);
  const origin = `${(full[1] ?? '').toLowerCase()}//${full[2].toLowerCase()}`;
  if (!full[1] || !SERVED_ORIGINS.includes(origin)) throw refused(path);
  return origin + full[3];
}

export function refused(url: string): MembraneError {
  const shown = url.length > 80 ? url.slice(0, 80) + '...' : url;
  return new MembraneError(
    'bad_request',
    'invalid_request',
    `The sandbox cannot reach ${shown}: it serves only RingCentral's hosts ${SERVED_ORIGINS.join(' and ')} (the real CLI would send the request, with your credentials, to any host a full URL names). Pass a path such as /restapi/v1.0/account/~, or a full URL that RingCentral's own answers gave.`,
  );
}

/**
 * Appends `--query` values to the URL: encoded, as a careful CLI does, or (raw-query) as they are,
 * as a careless one could, so that `+` reads as a space, `&` starts another parameter and `#`
 * cuts the rest off.
 */
export function appendQuery(url: string, pairs: [string, string][], raw: boolean): string {
  if (!pairs.length) return url;
  if (raw) return url + (url.includes('?') ? '&' : '?') + pairs.map(([k, v]) => `${k}=${v}`).join('&');
  const hash = url.indexOf('#');
  const head = hash === -1 ? url : url.slice(0, hash);
  const added = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return head + (head.includes('?') ? '&' : '?') + added + (hash === -1 ? '' : url.slice(hash));
}

/** Splits a full URL into what reaches its host: the fragment never leaves the client. */
export function splitUrl(url: string): Target {
  const full = FULL_URL.exec(url);
  if (!full) return { origin: '', rawPath: url, rawQuery: '' };
  const origin = `${(full[1] ?? '').toLowerCase()}//${full[2].toLowerCase()}`;
  let rest = full[3];
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  return { origin, rawPath: rawPath || '/', rawQuery: q === -1 ? '' : rest.slice(q + 1) };
}

const decodeComponent = (s: string, name: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw rcError(400, 'CMN-104', `Cannot parse request: malformed percent-encoding in query parameter [${name}]`, {
      top: 'InvalidRequest',
    });
  }
};

/** The query as RingCentral reads it: `k=v` pairs split on `&`, `+` as a space, percent-decoded, repeated keys as a list. */
export function parseQuery(rawQuery: string): Query {
  const query: Query = {};
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const name = decodeComponent(rawName, rawName);
    (query[name] ??= []).push(eq === -1 ? '' : decodeComponent(part.slice(eq + 1), name));
  }
  return query;
}

/** A query as a careful client encodes it (repeated keys for lists). */
export function encodeQuery(query: Query): string {
  return Object.entries(query)
    .flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
}
