/**
 * The HTTP server as an OAuth 2.1 resource server (MCP authorization, 2025-06-18): it publishes
 * its protected-resource metadata (RFC 9728), answers a request without a valid access token with
 * 401 and a `WWW-Authenticate` header that leads a client to that metadata and the issuer, and
 * lets each valid token act as its person's Membrane tenant, read-only unless it grants
 * `ringcentral.write`. Tokens are checked in src/safety/oauth.ts and never kept, passed on or logged.
 */
import type { IncomingMessage } from 'node:http';
import { selectTools } from '../../tools/index.js';
import { AccessTokens, SCOPES, discoverIssuer, type IssuerMetadata, type Person } from '../safety/oauth.js';
import { bearerToken, HttpError, type Caller, type Gate, type PersonRuntimes } from './callers.js';
import type { ServerOptions } from './runtime.js';

export interface OAuthSettings {
  /** The authorization server's issuer identifier (its URL). */
  issuer: string;
  /** The MCP endpoint's canonical URL, the resource tokens are issued for; default the address the server listens on (loopback only). */
  publicUrl?: string;
  /** The token claim that names the person; default `sub`. */
  tenantClaim?: string;
  /** How soon an unknown signing key may fetch the issuer's key set again; default 30 s. */
  jwksCooldownMs?: number;
}

export const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const ALL_SCOPES = `${SCOPES.read} ${SCOPES.write}`;

const isLoopbackUrl = (url: URL) => /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i.test(url.hostname);

/** A URL given on the command line, checked: https, or http on loopback only; no fragment. */
export function checkedUrl(flag: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag} must be a URL, got ${JSON.stringify(value)}`);
  }
  if (url.hash || url.username || url.password) throw new Error(`${flag} must have no fragment or credentials, got ${value}`);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackUrl(url))) return url;
  throw new Error(`${flag} must be an https:// URL (http:// only on loopback), got ${value}`);
}

/** The RFC 9728 metadata URL of a resource: the well-known path, then the resource's own path. */
export function resourceMetadataUrl(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${url.origin}${WELL_KNOWN}${url.pathname.replace(/\/$/, '')}`;
}

/** `WWW-Authenticate` as RFC 6750 and RFC 9728 write it; the description never holds a quote or the token. */
function challenge(metadataUrl: string, error?: 'invalid_token' | 'insufficient_scope', description?: string, scope = ALL_SCOPES): string {
  const parts = [
    ...(error ? [`error="${error}"`, `error_description="${(description ?? '').replace(/["\\]/g, "'")}"`] : []),
    `scope="${scope}"`,
    `resource_metadata="${metadataUrl}"`,
  ];
  return `Bearer ${parts.join(', ')}`;
}

/** The names of tools a read-only token does not get (write and destructive), among those the server exposes. */
function writeToolNames(options: ServerOptions): Set<string> {
  const filter = { toolsets: options.toolsets, tools: options.tools };
  const readable = new Set(selectTools({ ...filter, readOnly: true }).map((t) => t.name));
  return new Set(
    selectTools(filter)
      .map((t) => t.name)
      .filter((name) => !readable.has(name)),
  );
}

/** The tool names a JSON-RPC body (one message or a batch) calls. */
function calledTools(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((m) => {
    const message = (m ?? {}) as { method?: unknown; params?: { name?: unknown } };
    return message.method === 'tools/call' && typeof message.params?.name === 'string' ? [message.params.name] : [];
  });
}

export class OAuthGate implements Gate {
  readonly serverRuns = false;
  private tokens?: AccessTokens;
  private publicUrl?: string;
  private readonly writeTools: Set<string>;

  private constructor(
    private readonly settings: OAuthSettings,
    private readonly metadata: IssuerMetadata,
    private readonly people: PersonRuntimes,
    options: ServerOptions,
  ) {
    this.writeTools = writeToolNames(options);
    if (settings.publicUrl) this.accept(settings.publicUrl);
  }

  /** Discovers the issuer (the server does not start without its metadata). */
  static async start(settings: OAuthSettings, people: PersonRuntimes, options: ServerOptions): Promise<OAuthGate> {
    const metadata = await discoverIssuer(settings.issuer);
    return new OAuthGate(settings, metadata, people, options);
  }

  /** Tokens are checked for this resource from now on. */
  private accept(publicUrl: string): void {
    this.publicUrl = publicUrl;
    this.tokens = new AccessTokens({
      issuer: this.metadata.issuer,
      audience: publicUrl,
      jwksUri: this.metadata.jwks_uri,
      tenantClaim: this.settings.tenantClaim,
      jwksCooldownMs: this.settings.jwksCooldownMs,
    });
  }

  /** Without --public-url (loopback only), the resource is the address the server listens on. */
  listening(url: string): void {
    if (!this.publicUrl) this.accept(url);
  }

  private get metadataUrl(): string {
    return resourceMetadataUrl(this.publicUrl!);
  }

  /** The RFC 9728 document, at the well-known path alone and with the endpoint's path (public or local) appended. */
  document(path: string): unknown {
    const own = new URL(this.publicUrl!).pathname.replace(/\/$/, '');
    if (path !== WELL_KNOWN && path !== WELL_KNOWN + own && path !== `${WELL_KNOWN}/mcp`) return undefined;
    return {
      resource: this.publicUrl,
      authorization_servers: [this.metadata.issuer],
      scopes_supported: [SCOPES.read, SCOPES.write],
      bearer_methods_supported: ['header'],
      resource_name: 'RingCentral (ringcentral-mcp)',
    };
  }

  async callerOf(req: IncomingMessage): Promise<Caller | HttpError> {
    const given = bearerToken(req.headers.authorization);
    if (!given) return this.unauthorized('an access token is required');
    const person = await this.tokens!.verify(given);
    if ('error' in person) {
      if (person.error === 'unavailable') return new HttpError(503, person.description);
      return this.unauthorized(person.description, 'invalid_token');
    }
    if (!person.canRead) return this.forbidden(`the token grants neither ${SCOPES.read} nor ${SCOPES.write}`, SCOPES.read);
    return this.callerFor(person);
  }

  private callerFor(person: Person): Caller {
    const runtime = this.people.get({ name: person.tenantKey, tenantKey: person.tenantKey }, !person.canWrite);
    if (person.canWrite) return { runtime };
    return {
      runtime,
      refuseBody: (body) => {
        const write = calledTools(body).find((name) => this.writeTools.has(name));
        return write ? this.forbidden(`${write} changes data and the token grants only ${SCOPES.read}`, ALL_SCOPES) : undefined;
      },
    };
  }

  private unauthorized(message: string, error?: 'invalid_token'): HttpError {
    return new HttpError(401, message, -32000, { 'www-authenticate': challenge(this.metadataUrl, error, message) });
  }

  private forbidden(message: string, scope: string): HttpError {
    return new HttpError(403, message, -32000, {
      'www-authenticate': challenge(this.metadataUrl, 'insufficient_scope', message, scope),
    });
  }

  health() {
    return { ok: true, extra: { oauth: { issuer: this.metadata.issuer, resource: this.publicUrl } } };
  }
}
