/**
 * The HTTP server as an OAuth 2.1 resource server: the issuer's metadata is discovered, and each
 * access token is a JWT checked with `jose` against the issuer's published keys (JWKS): an
 * allowlist of public-key algorithms, `iss`, `aud` holding this server's public URL (RFC 8707),
 * `exp` and `nbf` with at most 60 s of clock skew. The token itself is never kept, passed on or
 * logged: what comes out is the person (a Membrane tenant key) and what they may do.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from 'jose';

export const SCOPES = { read: 'ringcentral.read', write: 'ringcentral.write' } as const;

/**
 * Public-key signatures only: never `none`, never an HMAC (whose "secret" would be the issuer's
 * public key, known to everyone).
 */
export const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Clock skew allowed on `exp` and `nbf`. */
export const CLOCK_SKEW_S = 60;
/** Metadata and key sets are small; anything larger is refused as it arrives. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;
export const FETCH_TIMEOUT_MS = 5_000;

/** Passed to the CLI as one argument: no leading dash, nothing a flag parser could misread (as in the users file). */
const SAFE_KEY = /^[A-Za-z0-9][\w.:@-]{0,127}$/;
/** Keys made from a hash start with this, and no key taken as it is does, so two people never share a key. */
const HASHED = 'sha256.';

/**
 * The Membrane tenant key of a person: the claim as it is when a key can hold it (letters, digits,
 * `_ . : @ -`, not starting with one of `_ . : @ -`, at most 128 characters, and not starting
 * `sha256.`), else `sha256.` and the hex SHA-256 of the claim's UTF-8 text.
 */
export function tenantKeyOf(claim: string): string {
  if (SAFE_KEY.test(claim) && !claim.startsWith(HASHED)) return claim;
  return HASHED + createHash('sha256').update(claim, 'utf8').digest('hex');
}

/** The scopes a token grants: `scope` (space-separated, RFC 9068) or `scp` (a string or a list, as Entra ID and Okta write it). */
export function scopesOf(payload: JWTPayload): Set<string> {
  const raw = payload.scope ?? payload.scp;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : [];
  return new Set(list.filter((s): s is string => typeof s === 'string' && s !== ''));
}

/** A person a valid token speaks for. */
export interface Person {
  tenantKey: string;
  /** `ringcentral.write`: write and destructive tools too (still confirmed). */
  canWrite: boolean;
  /** `ringcentral.read` or `ringcentral.write`. */
  canRead: boolean;
}

/** Why a token is refused: `invalid_token` (401), or the issuer's keys could not be had (`unavailable`, 503). */
export interface TokenRefusal {
  error: 'invalid_token' | 'unavailable';
  description: string;
}

/** Reads at most `maxBytes` of a response body; more is refused as soon as it arrives. */
async function limitedBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += (chunk as Uint8Array).length;
    if (total > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks);
}

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** `fetch` with a size limit on the body (the timeout comes from the caller's signal). */
export function limitedFetch(maxBytes = MAX_DOCUMENT_BYTES): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init);
    const body = await limitedBody(response, maxBytes);
    return new Response(body.length ? Buffer.from(body) : null, { status: response.status, headers: response.headers });
  };
}

/** What this server needs of the authorization server's metadata (RFC 8414 / OpenID Discovery). */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  registration_endpoint?: string;
}

/**
 * Where an issuer's metadata may be: RFC 8414's `/.well-known/oauth-authorization-server` (inserted
 * before the issuer's path), then OpenID's `/.well-known/openid-configuration` (appended to it, and
 * inserted, as some servers place it).
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  const at = (suffix: string) => new URL(suffix, url.origin).href;
  return [
    at(`/.well-known/oauth-authorization-server${path}`),
    at(`${path}/.well-known/openid-configuration`),
    ...(path ? [at(`/.well-known/openid-configuration${path}`)] : []),
  ];
}

async function fetchJson(url: string, fetchImpl: FetchLike, timeoutMs: number): Promise<unknown> {
  const response = await fetchImpl(url, {
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** The metadata document, checked: its `issuer` is the one configured (RFC 8414 3.3), and it names a `jwks_uri`. */
function checkMetadata(doc: unknown, issuer: string, from: string): IssuerMetadata {
  const m = (doc ?? {}) as Partial<IssuerMetadata>;
  if (m.issuer !== issuer) throw new Error(`${from} names the issuer ${JSON.stringify(m.issuer)}, not ${issuer}`);
  if (typeof m.jwks_uri !== 'string' || !/^https?:\/\//.test(m.jwks_uri)) throw new Error(`${from} names no jwks_uri`);
  return m as IssuerMetadata;
}

/** Finds the issuer's metadata at the well-known places, in order; fails naming what each place answered. */
export async function discoverIssuer(
  issuer: string,
  fetchImpl: FetchLike = limitedFetch(),
  timeoutMs = FETCH_TIMEOUT_MS,
): Promise<IssuerMetadata> {
  const problems: string[] = [];
  for (const url of metadataUrls(issuer)) {
    try {
      return checkMetadata(await fetchJson(url, fetchImpl, timeoutMs), issuer, url);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  throw new Error(`cannot read the metadata of the OAuth issuer ${issuer}: ${problems.join('; ')}`);
}

export interface AccessTokenOptions {
  issuer: string;
  /** This server's public URL: the resource every token must be issued for (in its `aud`). */
  audience: string;
  jwksUri: string;
  /** The claim that names the person; default `sub`. */
  tenantClaim?: string;
  /** How soon an unknown `kid` may fetch the key set again; default 30 s. */
  jwksCooldownMs?: number;
}

/** What is wrong with a claim: missing, or which check it fails. */
function claimProblem(error: InstanceType<typeof errors.JWTClaimValidationFailed>, o: AccessTokenOptions): string {
  if (error.reason === 'missing') return `the token has no ${error.claim} claim`;
  if (error.claim === 'nbf') return 'the token is not valid yet';
  if (error.claim === 'iss') return `the token was not issued by ${o.issuer}`;
  if (error.claim === 'aud') return `the token was not issued for ${o.audience}`;
  return `the token's ${error.claim} claim is not valid`;
}

/** The key set could not be had (timed out, not a key set, not a 200, too large, unreachable): the token is not to blame. */
const KEYS_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);
const TOKEN_PROBLEMS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'the token has expired',
  ERR_JOSE_ALG_NOT_ALLOWED: "the token's signing algorithm is not allowed",
  ERR_JWKS_NO_MATCHING_KEY: "the token is not signed with one of the issuer's keys",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "the token's signature does not verify",
};

/** Refusals in words a person (and a log) can read; none repeats the token. */
function refusalOf(error: unknown, o: AccessTokenOptions): TokenRefusal {
  if (!(error instanceof errors.JOSEError) || KEYS_UNAVAILABLE.has(error.code))
    return { error: 'unavailable', description: "the issuer's signing keys cannot be fetched now; try again shortly" };
  if (error instanceof errors.JWTClaimValidationFailed) return { error: 'invalid_token', description: claimProblem(error, o) };
  return { error: 'invalid_token', description: TOKEN_PROBLEMS[error.code] ?? 'the token is not a valid signed JWT' };
}

/** Checks access tokens against one issuer's keys; the key set is cached, and fetched again for an unknown `kid`. */
export class AccessTokens {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly claim: string;

  constructor(private readonly o: AccessTokenOptions) {
    this.claim = o.tenantClaim ?? 'sub';
    this.keys = createRemoteJWKSet(new URL(o.jwksUri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: o.jwksCooldownMs ?? 30_000,
      cacheMaxAge: 10 * 60_000,
      [customFetch]: limitedFetch(),
    });
  }

  /** The person the token speaks for, or why it is refused. */
  async verify(token: string): Promise<Person | TokenRefusal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.o.issuer,
        audience: this.o.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return refusalOf(error, this.o);
    }
    const who = payload[this.claim];
    if (typeof who !== 'string' || who === '')
      return { error: 'invalid_token', description: `the token has no ${this.claim} claim naming the person` };
    const scopes = scopesOf(payload);
    const canWrite = scopes.has(SCOPES.write);
    return { tenantKey: tenantKeyOf(who), canWrite, canRead: canWrite || scopes.has(SCOPES.read) };
  }
}
