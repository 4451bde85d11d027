/**
 * Streamable HTTP, stateless: every POST /mcp gets a fresh server over one shared Runtime, so
 * any instance behind a load balancer can answer any request (give every instance the same
 * RINGCENTRAL_MCP_CONFIRM_SECRET and a confirmation token from one is accepted by the others;
 * give them the same --redis-url and single use, the SMS window and penalties hold across them).
 * Who calls (callers.ts): one bearer token; a users file where each token is a person acting as
 * their own Membrane tenant; or OAuth (oauth-gate.ts), where each access token's subject is.
 * Guards: the credential (an empty or malformed one is refused before any look-up), Host/Origin
 * checks against DNS rebinding, bounds on open connections and on the time to send a request, a
 * body size limit, /healthz, and a SIGTERM that lets in-flight calls finish before the process exits.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Runtime, type ServerOptions } from './runtime.js';
import { createServer } from './server.js';
import { Users } from '../safety/users.js';
import { ConnectionGuard, DEFAULT_LIMITS } from './connections.js';
import { HttpError, PersonRuntimes, tokenGate, usersGate, type Caller, type Gate } from './callers.js';
import { checkedUrl, OAuthGate, type OAuthSettings } from './oauth-gate.js';

export { bearerToken } from './callers.js';

export interface HttpOptions {
  /** Default 3000; 0 picks a free port (see the returned url). */
  port?: string | number;
  /** Bind address; default 127.0.0.1. Anything but loopback needs a token, a users file or OAuth. */
  host?: string;
  /** Bearer token; default RINGCENTRAL_MCP_HTTP_TOKEN. */
  token?: string;
  /** Users file (one token per person, each their own Membrane tenant); default RINGCENTRAL_MCP_USERS. Not with `token`. */
  users?: string;
  /** OAuth issuer: access tokens from it are checked, each person acting as their own tenant; default RINGCENTRAL_MCP_OAUTH_ISSUER. Not with `token` or `users`. */
  oauthIssuer?: string;
  /** With OAuth: the MCP endpoint's canonical URL (tokens must be issued for it); default RINGCENTRAL_MCP_PUBLIC_URL, else (loopback only) the address served. */
  publicUrl?: string;
  /** With OAuth: the token claim that names the person (their tenant key); default `sub`. */
  tenantClaim?: string;
  /** With OAuth: how soon a token signed with an unknown key may fetch the issuer's keys again; default 30 s. */
  jwksCooldownMs?: number;
  /** Extra allowed browser origins (CORS is answered for these); default RINGCENTRAL_MCP_ALLOWED_ORIGINS (comma list). */
  allowedOrigins?: string[];
  /** Host header names accepted when bound to a non-loopback address; default RINGCENTRAL_MCP_ALLOWED_HOSTS (comma list), else any. */
  allowedHosts?: string[];
  /** Largest request body; default 1 MiB. */
  maxBodyBytes?: number;
  /** Most JSON-RPC messages in one batch POST (each may start a CLI run); default 16. */
  maxBatch?: number;
  /** How long a shutdown waits for in-flight calls before cutting them; default the call timeout + 5 s. */
  drainMs?: number;
  /** Open connections in all; default RINGCENTRAL_MCP_MAX_CONNECTIONS, else 256. */
  maxConnections?: number;
  /** Open connections from one client address (IPv6: its /64); default RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS, else 32. */
  maxConnectionsPerAddress?: number;
  /** Open connections that have made no authenticated request; default 64 (the oldest idle one makes room for a new one). */
  maxUnauthenticated?: number;
  /** Time a client has to send a request's headers; default 10 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included; default 30 s. */
  requestTimeoutMs?: number;
}

export interface HttpHandle {
  server: Server;
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp. */
  url: string;
  port: number;
  /** Requests being answered right now. */
  inFlight(): number;
  /** Re-reads the users file (also done when it changes); calls in flight finish as the user they started as. */
  reloadUsers(): void;
  /** Stops accepting connections, lets in-flight calls finish (up to drainMs), then resolves. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;
const CORS_HEADERS = 'authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id';

const commaList = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
/** `Host` header -> bare lowercase name: drops the port and IPv6 brackets. */
const hostName = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\](:\d+)?$/, '$1')
    .replace(/^([^:]*):\d+$/, '$1');
/** A setting given in the options, else from the environment (an empty value is unset). */
const orEnv = (given: string | undefined, name: string) => given ?? (process.env[name] || undefined);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const rpcError = (message: string, code = -32000) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** A whole number >= 1 from the environment, or the fallback when unset. */
function limitFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got ${JSON.stringify(value)}`);
  return n;
}

/** Reads a JSON body of at most `limit` bytes; a larger one is refused as soon as it is known. */
function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () => new HttpError(413, `request body larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return; // Keep draining what is in flight; the response says 413 and closes.
      total += chunk.length;
      if (total > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('error', (error) => reject(error));
    req.on('end', () => {
      if (failed) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'request body is not JSON', -32700));
      }
    });
  });
}

function parsePort(value: string | number | undefined): number {
  const port = Number(value ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${String(value)}`);
  return port;
}

/** How callers are known: one token, a users file, or an OAuth issuer. */
type Access = { kind: 'token'; token: string } | { kind: 'users'; file: string } | { kind: 'oauth'; settings: OAuthSettings };

/** The single token's length: at least 16 off loopback (refused otherwise), a warning on loopback. */
function checkToken(token: string, host: string): void {
  const loopback = LOOPBACK.test(host);
  if (!loopback && !token) {
    throw new Error(
      `refusing to serve on ${host} without a bearer token: set RINGCENTRAL_MCP_HTTP_TOKEN, --users or --oauth-issuer (or bind 127.0.0.1)`,
    );
  }
  if (!loopback && token.length < 16) {
    throw new Error(
      `refusing to serve on ${host} with a bearer token of ${token.length} characters: use at least 16 (openssl rand -hex 32)`,
    );
  }
  if (loopback && token && token.length < 16) {
    process.stderr.write(
      `ringcentral-mcp: warning: the bearer token has ${token.length} characters; use at least 16 (openssl rand -hex 32)\n`,
    );
  }
}

const pinnedRefused = (mode: string, fix: string) =>
  new Error(
    `--connection-id (or RINGCENTRAL_CONNECTION_ID) pins one connection for the whole server, but with ${mode} each person acts in their own Membrane tenant: remove it${fix}`,
  );

/** OAuth settings, checked: no users file, single token or server-wide connection beside them; a public URL off loopback. */
function oauthAccess(options: ServerOptions, http: HttpOptions, issuer: string, host: string): Access {
  if (orEnv(http.users, 'RINGCENTRAL_MCP_USERS'))
    throw new Error(
      'give either --oauth-issuer or a users file (--users), not both: with OAuth the identity provider says who each person is',
    );
  if (http.token ?? process.env.RINGCENTRAL_MCP_HTTP_TOKEN)
    throw new Error(
      'give either --oauth-issuer or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with OAuth every request carries its own access token',
    );
  if (options.connectionId) throw pinnedRefused('--oauth-issuer', '');
  checkedUrl('--oauth-issuer', issuer);
  const publicUrl = orEnv(http.publicUrl, 'RINGCENTRAL_MCP_PUBLIC_URL');
  if (publicUrl) checkedUrl('--public-url', publicUrl);
  else if (!LOOPBACK.test(host))
    throw new Error(
      `--oauth-issuer on ${host} needs --public-url (or RINGCENTRAL_MCP_PUBLIC_URL): the https URL clients reach the endpoint at, e.g. https://mcp.example.com/mcp`,
    );
  const tenantClaim = orEnv(http.tenantClaim, 'RINGCENTRAL_MCP_TENANT_CLAIM');
  return { kind: 'oauth', settings: { issuer, publicUrl, tenantClaim, jwksCooldownMs: http.jwksCooldownMs } };
}

/** Who may call, from the options and the environment; an ambiguous combination is refused before anything starts. */
function accessOf(options: ServerOptions, http: HttpOptions, host: string): Access {
  const issuer = orEnv(http.oauthIssuer, 'RINGCENTRAL_MCP_OAUTH_ISSUER');
  if (issuer) return oauthAccess(options, http, issuer, host);
  for (const [value, flag] of [
    [orEnv(http.publicUrl, 'RINGCENTRAL_MCP_PUBLIC_URL'), '--public-url'],
    [orEnv(http.tenantClaim, 'RINGCENTRAL_MCP_TENANT_CLAIM'), '--tenant-claim'],
  ]) {
    if (value) throw new Error(`${flag} belongs to OAuth: give --oauth-issuer too, or leave it out`);
  }
  const token = http.token ?? process.env.RINGCENTRAL_MCP_HTTP_TOKEN ?? '';
  const file = orEnv(http.users, 'RINGCENTRAL_MCP_USERS');
  if (!file) {
    checkToken(token, host);
    return { kind: 'token', token };
  }
  if (token)
    throw new Error('give either a users file (--users) or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with a users file every token is a user');
  if (options.connectionId) throw pinnedRefused('--users', `, and pin a person's connection with "connectionId" in their entry of ${file}`);
  return { kind: 'users', file };
}

async function gateOf(access: Access, runtime: Runtime, options: ServerOptions): Promise<Gate> {
  if (access.kind === 'token') return tokenGate(access.token, runtime);
  const people = new PersonRuntimes(runtime, options);
  if (access.kind === 'users') return usersGate(new Users(access.file), people);
  return OAuthGate.start(access.settings, people, options);
}

function connectionGuard(http: HttpOptions): ConnectionGuard {
  return new ConnectionGuard({
    maxConnections: http.maxConnections ?? limitFromEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS', DEFAULT_LIMITS.maxConnections),
    maxPerAddress:
      http.maxConnectionsPerAddress ?? limitFromEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS', DEFAULT_LIMITS.maxPerAddress),
    maxUnauthenticated: http.maxUnauthenticated ?? DEFAULT_LIMITS.maxUnauthenticated,
  });
}

/** What a request is checked against before its credential: the bind, Host names and browser origins. */
class RequestRules {
  readonly host: string;
  readonly loopback: boolean;
  private readonly extraOrigins: Set<string>;
  private readonly allowedHosts: Set<string>;

  constructor(http: HttpOptions) {
    this.host = (http.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
    this.loopback = LOOPBACK.test(this.host);
    this.extraOrigins = new Set(http.allowedOrigins ?? commaList(process.env.RINGCENTRAL_MCP_ALLOWED_ORIGINS));
    this.allowedHosts = new Set((http.allowedHosts ?? commaList(process.env.RINGCENTRAL_MCP_ALLOWED_HOSTS)).map(hostName));
  }

  /**
   * Loopback names always. Bound to loopback, nothing else (DNS rebinding). Bound to a public
   * address (a credential required), the names in allowedHosts, or any name behind a gateway when none are listed.
   */
  allowedHost(value: string | undefined): boolean {
    if (!value) return false;
    const name = hostName(value);
    if (LOOPBACK.test(name)) return true;
    if (this.loopback) return false;
    return this.allowedHosts.size === 0 || this.allowedHosts.has(name) || name === this.host.toLowerCase();
  }

  allowedOrigin(origin: string): boolean {
    return LOCAL_ORIGIN.test(origin) || this.extraOrigins.has(origin);
  }

  /** Answers a CORS preflight from an origin named in allowedOrigins; true when it did. */
  cors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    // CORS only for origins named in allowedOrigins: a local web page gets no cross-origin access.
    if (!origin || !this.extraOrigins.has(origin)) return false;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
    res.setHeader('access-control-expose-headers', 'mcp-session-id, mcp-protocol-version, www-authenticate');
    if (req.method !== 'OPTIONS') return false;
    res
      .writeHead(204, {
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': CORS_HEADERS,
        'access-control-max-age': '600',
      })
      .end();
    return true;
  }
}

/** Refused requests leave no connection open behind them: an unauthenticated client holds nothing. */
function refuse(res: ServerResponse, e: HttpError): void {
  const headers: Record<string, string> = { connection: 'close', ...e.headers };
  if (e.status === 503) headers['retry-after'] = '1';
  send(res, e.status, rpcError(e.message, e.code), headers);
}

/** A public document (the protected-resource metadata): readable from any origin, no credential. */
function sendDocument(req: IncomingMessage, res: ServerResponse, doc: unknown): void {
  const cors = { 'access-control-allow-origin': '*' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET', 'access-control-allow-headers': CORS_HEADERS }).end();
  } else if (req.method === 'GET' || req.method === 'HEAD') send(res, 200, doc, { ...cors, 'cache-control': 'max-age=300' });
  else send(res, 405, rpcError('GET the metadata'), { allow: 'GET' });
}

interface Limits {
  maxBody: number;
  maxBatch: number;
}

/** One HTTP server: its requests, what is in flight, and its shutdown. */
class HttpService {
  readonly server: Server;
  inFlight = 0;
  private closing = false;
  private closed?: Promise<void>;
  // Open responses, so a shutdown can mark them `connection: close` and close each socket once answered.
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly parts: { runtime: Runtime; gate: Gate; guard: ConnectionGuard; rules: RequestRules },
    private readonly limits: Limits,
    http: HttpOptions,
  ) {
    // Node ignores what a request listener returns; `answer` settles each request itself (a failing
    // call becomes a JSON-RPC error in its catch).
    this.server = createHttpServer(
      {
        // A client has this long to send its headers, and its whole request; checked every second.
        headersTimeout: http.headersTimeoutMs ?? 10_000,
        requestTimeout: http.requestTimeoutMs ?? 30_000,
        connectionsCheckingInterval: 1_000,
      },
      (req, res) => void this.answer(req, res),
    );
    // Longer than common load balancer idle timeouts (60 s), so they never reuse a closed socket.
    // (An idle keep-alive connection is not held to the headers timeout, only a request being sent.)
    this.server.keepAliveTimeout = 65_000;
    parts.guard.attach(this.server);
  }

  private track(res: ServerResponse): void {
    this.open.add(res);
    res.on('close', () => {
      this.open.delete(res);
      if (this.closing) setImmediate(() => this.server.closeIdleConnections());
    });
    // While shutting down, answer what arrives on open connections, then close them.
    if (this.closing) res.setHeader('connection', 'close');
  }

  private async health(res: ServerResponse): Promise<void> {
    const { runtime, gate, guard } = this.parts;
    const state = { store: runtime.store.description, reachable: await runtime.store.reachable() };
    const who = gate.health();
    const ok = !this.closing && who.ok;
    send(res, ok ? 200 : 503, { ok, inFlight: this.inFlight, connections: guard.counts(), state, ...who.extra });
  }

  /** Refusals before any credential is read: over a connection bound, path, Host, Origin. Answered with `connection: close`. */
  private refusal(req: IncomingMessage, path: string, isDocument: boolean): HttpError | undefined {
    const { guard, rules } = this.parts;
    if (guard.isRefused(req.socket))
      return new HttpError(
        503,
        `too many open connections (at most ${guard.limits.maxConnections}, ${guard.limits.maxPerAddress} from one address); try again shortly`,
      );
    if (!isDocument && path !== '/mcp') return new HttpError(404, 'not found; the MCP endpoint is /mcp');
    if (!rules.allowedHost(req.headers.host)) return new HttpError(403, `Host ${req.headers.host ?? '(none)'} is not allowed`);
    const origin = req.headers.origin;
    if (!isDocument && origin !== undefined && !rules.allowedOrigin(origin)) return new HttpError(403, `Origin ${origin} is not allowed`);
    return undefined;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.track(res);
    const { gate, guard, rules } = this.parts;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && !guard.isRefused(req.socket)) return this.health(res);
    const doc = gate.document?.(path);
    const refused = this.refusal(req, path, doc !== undefined);
    if (refused) return refuse(res, refused);
    if (doc !== undefined) return sendDocument(req, res, doc);
    if (rules.cors(req, res)) return;
    const caller = await gate.callerOf(req);
    if (caller instanceof HttpError) return refuse(res, caller);
    guard.authenticated(req.socket);
    if (req.method !== 'POST') return send(res, 405, rpcError('stateless server: POST JSON-RPC to /mcp'), { allow: 'POST' });
    return this.serveMcp(req, res, caller);
  }

  /** The JSON-RPC body, within the size and batch bounds, and nothing the caller may not ask for. */
  private async bodyOf(req: IncomingMessage, caller: Caller): Promise<unknown> {
    const { maxBody, maxBatch } = this.limits;
    const body = await readBody(req, maxBody);
    if (Array.isArray(body) && body.length > maxBatch) {
      throw new HttpError(400, `a batch of ${body.length} JSON-RPC messages; at most ${maxBatch} in one POST`, -32600);
    }
    const refused = caller.refuseBody?.(body);
    if (refused) throw refused;
    return body;
  }

  private async serveMcp(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    // Counted until the response is gone, answered or not: a client that hangs up ends its call.
    this.inFlight++;
    const gone = new Promise<void>((resolve) =>
      res.once('close', () => {
        this.inFlight--;
        resolve();
      }),
    );
    try {
      const body = await this.bodyOf(req, caller);
      const mcp = createServer({ runtime: caller.runtime, allowElicitation: false });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      // Closing the server aborts its running calls, which stops their CLI runs.
      void gone.then(() => Promise.all([transport.close(), mcp.close()])).catch(() => undefined);
      await mcp.connect(transport);
      // The transport never settles a request whose client left: stop waiting when the response is gone.
      await Promise.race([transport.handleRequest(req, res, body), gone]);
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, (error as Error).message ?? String(error));
      // A refused body may still be arriving: answer, then close the connection.
      if (!res.headersSent)
        send(res, e.status, rpcError(e.message, e.code), { ...e.headers, ...(e.status === 413 ? { connection: 'close' } : {}) });
    }
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.parts.rules.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  close(drainMs: number): Promise<void> {
    return (this.closed ??= new Promise<void>((resolve) => {
      this.closing = true;
      for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
      const force = setTimeout(() => this.server.closeAllConnections(), drainMs);
      force.unref();
      this.parts.gate.stop?.();
      this.server.close(() => {
        clearTimeout(force);
        void this.parts.runtime.close().then(resolve, resolve);
      });
      this.server.closeIdleConnections();
    }));
  }
}

export async function startHttp(options: ServerOptions, http: HttpOptions = {}): Promise<HttpHandle> {
  const rules = new RequestRules(http);
  const port = parsePort(http.port);
  const guard = connectionGuard(http);
  const access = accessOf(options, http, rules.host);
  // Confirmation needs the token flow here: a stateless server cannot hold an elicitation open.
  const runtime = new Runtime({ ...options, warmup: false });
  const drainMs = http.drainMs ?? runtime.options.timeoutMs + 5_000;
  // Bad options (unknown toolset, tool name) fail now, not on every request.
  await createServer({ runtime, allowElicitation: false }).close();
  const gate = await gateOf(access, runtime, options).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  // With users or OAuth every CLI run carries a person's tenant: the server's own runtime never runs one.
  if (options.warmup !== false && gate.serverRuns) runtime.warmUp();
  const service = new HttpService(
    { runtime, gate, guard, rules },
    { maxBody: http.maxBodyBytes ?? 1024 * 1024, maxBatch: http.maxBatch ?? 16 },
    http,
  );
  const listeningPort = await service.listen(port);
  const url = `http://${rules.host.includes(':') ? `[${rules.host}]` : rules.host}:${listeningPort}/mcp`;
  gate.listening?.(url);
  return {
    server: service.server,
    url,
    port: listeningPort,
    inFlight: () => service.inFlight,
    reloadUsers: () => gate.reload?.(),
    close: () => service.close(drainMs),
  };
}

/** The `--http` entry: serve until SIGTERM/SIGINT, then finish in-flight calls and exit 0 (a second signal exits at once). */
export async function serveHttp(options: ServerOptions, http: HttpOptions): Promise<void> {
  const handle = await startHttp(options, http);
  process.stderr.write(`ringcentral-mcp: serving Streamable HTTP on ${handle.url}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`ringcentral-mcp: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`ringcentral-mcp: ${signal}: shutting down after ${handle.inFlight()} in-flight request(s)\n`);
    void handle.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // With a users file, SIGHUP re-reads it (without one, SIGHUP keeps its default: the process ends).
  if (http.users ?? process.env.RINGCENTRAL_MCP_USERS) process.on('SIGHUP', () => handle.reloadUsers());
}
