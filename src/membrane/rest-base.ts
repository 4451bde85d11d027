/**
 * The connector's REST base, learned rather than assumed. `membrane request` appends the path it
 * is given to the connector's base URL, which may be RingCentral's bare host or end in
 * `/restapi/v1.0` (or anything else). One cheap GET of the user's own extension, tried under each
 * known base, tells where a relative path lands: RingCentral names the absolute `uri` of what it
 * answers, so the host and the base's path follow from it. Roots outside the base
 * (`/team-messaging/v1`, `/rcvideo/...`) are then reached by a full URL on that host: Membrane uses
 * a full URL as-is, and the host is only ever one RingCentral's own answer named.
 */
import { ToolError } from '../errors.js';
import { isObject } from '../json.js';

export interface RestBase {
  /** RingCentral's host as its own answer named it (`https://platform.ringcentral.com`), when it did. */
  origin?: string;
  /** The path the connector's base URL ends in: `` (the bare host) or `/restapi/v1.0`. */
  path: string;
  /** The account's time zone (`regionalSettings.timezone.name`), for date-only filters. */
  timeZone?: string;
  /** The user's home country (`regionalSettings.homeCountry.isoCode`), for numbers written without one. */
  country?: string;
}

/** RingCentral's path of the probe: the connected user's own extension (Light group, any user may read it). */
const PROBE = '/restapi/v1.0/account/~/extension/~';
/** The bases tried, in order: RingCentral's bare host, then a base that carries the API version. */
const CANDIDATES = ['', '/restapi/v1.0'];

const segments = (path: string) => path.split('/').filter(Boolean);

/**
 * The base path a probe reveals: the answer's `uri` is the whole path the request reached, of
 * which the probe's own segments (`~` standing for the ids RingCentral put there) are the end.
 */
export function baseFromAnswer(sent: string, answer: unknown, fallback: string): Omit<RestBase, 'timeZone' | 'country'> {
  const uri = isObject(answer) && typeof answer.uri === 'string' && URL.canParse(answer.uri) ? new URL(answer.uri) : undefined;
  if (!uri || uri.protocol !== 'https:') return { path: fallback };
  const reached = segments(uri.pathname);
  const mine = segments(sent);
  const tail = reached.slice(reached.length - mine.length);
  const matches = tail.length === mine.length && mine.every((s, i) => s === '~' || s === tail[i]);
  if (!matches) return { path: fallback, origin: uri.origin };
  const prefix = reached.slice(0, reached.length - mine.length);
  return { origin: uri.origin, path: prefix.length ? `/${prefix.join('/')}` : '' };
}

const timeZoneOf = (answer: unknown): string | undefined => {
  const settings = isObject(answer) && isObject(answer.regionalSettings) ? answer.regionalSettings : undefined;
  const zone = settings && isObject(settings.timezone) ? settings.timezone.name : undefined;
  return typeof zone === 'string' && zone ? zone : undefined;
};

const countryOf = (answer: unknown): string | undefined => {
  const settings = isObject(answer) && isObject(answer.regionalSettings) ? answer.regionalSettings : undefined;
  const code = settings && isObject(settings.homeCountry) ? settings.homeCountry.isoCode : undefined;
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : undefined;
};

/** A 404 from the gateway (no API at that path): the base is not this one. */
const notHere = (error: unknown): boolean =>
  error instanceof ToolError &&
  (error.code === 'not_found' || error.code === 'ringcentral_error') &&
  (error.details.upstreamCode === 'AGW-404' || /^RingCentral 404\b/.test(error.message));

/** Probes each candidate base with one GET until one answers; other failures are the real problem. */
export async function learnRestBase(probe: (path: string) => Promise<unknown>): Promise<RestBase> {
  const tried: string[] = [];
  for (const base of CANDIDATES) {
    const sent = PROBE.slice(base.length);
    try {
      const answer = await probe(sent);
      return { ...baseFromAnswer(sent, answer, base), timeZone: timeZoneOf(answer), country: countryOf(answer) };
    } catch (error) {
      if (!notHere(error)) throw error;
      tried.push(sent);
    }
  }
  throw new ToolError(
    'membrane_error',
    `the connection's REST proxy (membrane request) reached no RingCentral API: GET ${tried.join(' and GET ')} both answered 404`,
    {
      fix: "check the RingCentral connector's base URL in Membrane (it should be RingCentral's platform host, optionally ending in /restapi/v1.0); meanwhile tools that have a Membrane action still work with --route action",
      upstreamCode: 'AGW-404',
    },
  );
}

/** A documented RingCentral path on the learned base: relative under it, else a full URL on RingCentral's host. */
export function onBase(path: string, base: RestBase): string {
  if (!base.path) return path;
  if (path === base.path || path.startsWith(`${base.path}/`)) return path.slice(base.path.length) || '/';
  if (!base.origin) {
    throw new ToolError(
      'membrane_error',
      `${path} is outside the connector's REST base (${base.path}), and RingCentral named no host to reach it on`,
      {
        fix: "set the RingCentral connector's base URL in Membrane to RingCentral's platform host; or use --route action for tools that have a Membrane action",
      },
    );
  }
  return `${base.origin}${path}`;
}

/** RingCentral's query string, encoded here: each value percent-encoded, a list as repeated keys. */
export function queryString(query: ReadonlyArray<readonly [string, string]>): string {
  if (!query.length) return '';
  return `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

/** What `membrane request` is given: the path on the learned base, with its query string. */
export const requestTarget = (path: string, query: ReadonlyArray<readonly [string, string]>, base: RestBase): string =>
  `${onBase(path, base)}${queryString(query)}`;

/** The base as one URL a person reads: `https://platform.ringcentral.com/restapi/v1.0`. */
export const describeBase = (base: RestBase): string => `${base.origin ?? '(connector host)'}${base.path || '/'}`;
