/**
 * Streamable HTTP, stateless: every POST /mcp gets a fresh server over one shared Runtime, so
 * any instance behind a load balancer can answer any request (give every instance the same
 * RINGCENTRAL_MCP_CONFIRM_SECRET and a confirmation token from one is accepted by the others;
 * give them the same --redis-url and single use, the SMS window and penalties hold across them).
 * Who calls: one bearer token, or a users file where each token is a person acting as their own
 * Membrane tenant (a Runtime per person over the same runner and store).
 * Guards: bearer token (required off loopback, compared in constant time; an empty or malformed
 * one is refused before any comparison), Host/Origin checks against DNS rebinding, bounds on open
 * connections and on the time to send a request, a body size limit, /healthz, and a SIGTERM that
 * lets in-flight calls finish before the process exits.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Runtime, type ServerOptions } from './runtime.js';
import { createServer } from './server.js';
import { Users, type UserEntry } from '../safety/users.js';
import { ConnectionGuard, DEFAULT_LIMITS } from './connections.js';

export interface HttpOptions {
  /** Default 3000; 0 picks a free port (see the returned url). */
  port?: string | number;
  /** Bind address; default 127.0.0.1. Anything but loopback needs a token. */
  host?: string;
  /** Bearer token; default RINGCENTRAL_MCP_HTTP_TOKEN. */
  token?: string;
  /** Users file (one token per person, each their own Membrane tenant); default RINGCENTRAL_MCP_USERS. Not with `token`. */
  users?: string;
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

const digest = (text: string) => createHash('sha256').update(text).digest();
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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const rpcError = (message: string, code = -32000) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/**
 * The bearer token of a request, or '' when there is none or it is malformed: another scheme, an
 * empty token, or anything but visible ASCII in it. '' is never looked up.
 */
export function bearerToken(header: string | undefined): string {
  return /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? '')?.[1] ?? '';
}

/** A whole number >= 1 from the environment, or the fallback when unset. */
function limitFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got ${JSON.stringify(value)}`);
  return n;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = -32000,
  ) {
    super(message);
  }
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

/** Who may call: a users file, or one bearer token (none on loopback). Checked before anything starts. */
function callers(options: ServerOptions, http: HttpOptions, host: string): { token: string; users?: Users } {
  const token = http.token ?? process.env.RINGCENTRAL_MCP_HTTP_TOKEN ?? '';
  const usersFile = http.users ?? (process.env.RINGCENTRAL_MCP_USERS || undefined);
  if (usersFile && token)
    throw new Error('give either a users file (--users) or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with a users file every token is a user');
  if (usersFile && options.connectionId) {
    throw new Error(
      `--connection-id (or RINGCENTRAL_CONNECTION_ID) pins one connection for the whole server, but with --users each person acts in their own Membrane tenant: remove it, and pin a person's connection with "connectionId" in their entry of ${usersFile}`,
    );
  }
  const users = usersFile ? new Users(usersFile) : undefined;
  const loopback = LOOPBACK.test(host);
  if (!loopback && !token && !users) {
    throw new Error(`refusing to serve on ${host} without a bearer token: set RINGCENTRAL_MCP_HTTP_TOKEN or --users (or bind 127.0.0.1)`);
  }
  if (!loopback && !users && token.length < 16) {
    throw new Error(
      `refusing to serve on ${host} with a bearer token of ${token.length} characters: use at least 16 (openssl rand -hex 32)`,
    );
  }
  if (loopback && token && token.length < 16) {
    process.stderr.write(
      `ringcentral-mcp: warning: the bearer token has ${token.length} characters; use at least 16 (openssl rand -hex 32)\n`,
    );
  }
  return { token, users };
}

function connectionGuard(http: HttpOptions): ConnectionGuard {
  return new ConnectionGuard({
    maxConnections: http.maxConnections ?? limitFromEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS', DEFAULT_LIMITS.maxConnections),
    maxPerAddress:
      http.maxConnectionsPerAddress ?? limitFromEnv('RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS', DEFAULT_LIMITS.maxPerAddress),
    maxUnauthenticated: http.maxUnauthenticated ?? DEFAULT_LIMITS.maxUnauthenticated,
  });
}

export async function startHttp(options: ServerOptions, http: HttpOptions = {}): Promise<HttpHandle> {
  const host = (http.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  const port = parsePort(http.port);
  const guard = connectionGuard(http);
  const { token, users } = callers(options, http, host);
  const loopback = LOOPBACK.test(host);
  const extraOrigins = new Set(http.allowedOrigins ?? commaList(process.env.RINGCENTRAL_MCP_ALLOWED_ORIGINS));
  const allowedHosts = new Set((http.allowedHosts ?? commaList(process.env.RINGCENTRAL_MCP_ALLOWED_HOSTS)).map(hostName));
  const maxBody = http.maxBodyBytes ?? 1024 * 1024;
  const maxBatch = http.maxBatch ?? 16;
  const warmup = options.warmup !== false;
  // Confirmation needs the token flow here: a stateless server cannot hold an elicitation open.
  const runtime = new Runtime({ ...options, warmup: false });
  const drainMs = http.drainMs ?? runtime.options.timeoutMs + 5_000;
  // Bad options (unknown toolset, tool name) fail now, not on every request.
  await createServer({ runtime, allowElicitation: false }).close();
  // With a users file every CLI run carries a person's tenant: the server's own runtime never runs one.
  if (warmup && !users) runtime.warmUp();
  const stopWatching = users?.watch();
  // One runtime per person (own tenant, caches, confirmations, SMS window), kept while their entry is unchanged.
  const userRuntimes = new Map<string, Runtime>();
  const runtimeOf = (user: UserEntry): Runtime => {
    const id = JSON.stringify([user.name, user.tenantKey, user.connectionId ?? null]);
    let mine = userRuntimes.get(id);
    if (!mine) {
      userRuntimes.set(id, (mine = runtime.forUser(user, { ...options, warmup: false })));
      // Their first request is usually `initialize`: their ids are looked up while the client gets ready.
      if (warmup) mine.warmUp();
    }
    return mine;
  };
  let inFlight = 0;
  let closing = false;

  /** The runtime a request acts with, or why it is refused. An empty or malformed credential is never looked up. */
  const callerOf = (req: IncomingMessage): Runtime | HttpError => {
    const given = bearerToken(req.headers.authorization);
    if (users) {
      if (!given) return new HttpError(401, 'missing or unknown bearer token');
      const { state } = users.status;
      if (state !== 'ok') return new HttpError(503, `no users are in force: the users file is ${state}; the operator must fix it`);
      const user = users.find(given);
      return user ? runtimeOf(user) : new HttpError(401, 'missing or unknown bearer token');
    }
    if (token && (!given || !timingSafeEqual(digest(given), digest(token)))) return new HttpError(401, 'missing or wrong bearer token');
    return runtime;
  };

  const health = async (res: ServerResponse) => {
    const state = { store: runtime.store.description, reachable: await runtime.store.reachable() };
    const usersStatus = users?.status;
    // Nobody in force (the users file is gone or broken) is a server that can serve no one: not ok.
    const ok = !closing && (usersStatus?.state ?? 'ok') === 'ok';
    send(res, ok ? 200 : 503, { ok, inFlight, connections: guard.counts(), state, ...(usersStatus ? { users: usersStatus } : {}) });
  };

  /**
   * Loopback names always. Bound to loopback, nothing else (DNS rebinding). Bound to a public
   * address (token required), the names in allowedHosts, or any name behind a gateway when none are listed.
   */
  const allowedHost = (value: string | undefined) => {
    if (!value) return false;
    const name = hostName(value);
    if (LOOPBACK.test(name)) return true;
    if (loopback) return false;
    return allowedHosts.size === 0 || allowedHosts.has(name) || name === host.toLowerCase();
  };
  const allowedOrigin = (origin: string) => LOCAL_ORIGIN.test(origin) || extraOrigins.has(origin);

  /** Answers a CORS preflight from an origin named in allowedOrigins; true when it did. */
  const cors = (req: IncomingMessage, res: ServerResponse, origin: string | undefined): boolean => {
    // CORS only for origins named in allowedOrigins: a local web page gets no cross-origin access.
    if (!origin || !extraOrigins.has(origin)) return false;
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
  };

  /** Refusals before any credential is read: over a connection bound, path, Host, Origin. Answered with `connection: close`. */
  const refusal = (req: IncomingMessage, path: string): HttpError | undefined => {
    if (guard.isRefused(req.socket))
      return new HttpError(
        503,
        `too many open connections (at most ${guard.limits.maxConnections}, ${guard.limits.maxPerAddress} from one address); try again shortly`,
      );
    if (path !== '/mcp') return new HttpError(404, 'not found; the MCP endpoint is /mcp');
    if (!allowedHost(req.headers.host)) return new HttpError(403, `Host ${req.headers.host ?? '(none)'} is not allowed`);
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigin(origin)) return new HttpError(403, `Origin ${origin} is not allowed`);
    return undefined;
  };

  /** Refused requests leave no connection open behind them: an unauthenticated client holds nothing. */
  const refuse = (res: ServerResponse, e: HttpError) => {
    const headers: Record<string, string> = { connection: 'close' };
    if (e.status === 401) headers['www-authenticate'] = 'Bearer';
    if (e.status === 503) headers['retry-after'] = '1';
    send(res, e.status, rpcError(e.message, e.code), headers);
  };

  // Open responses, so a shutdown can mark them `connection: close` and close each socket once answered.
  const open = new Set<ServerResponse>();
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    // While shutting down, answer what arrives on open connections, then close them.
    if (closing) res.setHeader('connection', 'close');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && !guard.isRefused(req.socket)) return health(res);
    const refused = refusal(req, path);
    if (refused) return refuse(res, refused);
    if (cors(req, res, req.headers.origin)) return;
    const caller = callerOf(req);
    if (caller instanceof HttpError) return refuse(res, caller);
    guard.authenticated(req.socket);
    if (req.method !== 'POST') return send(res, 405, rpcError('stateless server: POST JSON-RPC to /mcp'), { allow: 'POST' });
    return serveMcp(req, res, caller);
  };

  const serveMcp = async (req: IncomingMessage, res: ServerResponse, caller: Runtime) => {
    // Counted until the response is gone, answered or not: a client that hangs up ends its call.
    inFlight++;
    const gone = new Promise<void>((resolve) =>
      res.once('close', () => {
        inFlight--;
        resolve();
      }),
    );
    try {
      const body = await readBody(req, maxBody);
      if (Array.isArray(body) && body.length > maxBatch) {
        throw new HttpError(400, `a batch of ${body.length} JSON-RPC messages; at most ${maxBatch} in one POST`, -32600);
      }
      const mcp = createServer({ runtime: caller, allowElicitation: false });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      // Closing the server aborts its running calls, which stops their CLI runs.
      void gone.then(() => Promise.all([transport.close(), mcp.close()])).catch(() => undefined);
      await mcp.connect(transport);
      // The transport never settles a request whose client left: stop waiting when the response is gone.
      await Promise.race([transport.handleRequest(req, res, body), gone]);
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, (error as Error).message ?? String(error));
      // A refused body may still be arriving: answer, then close the connection.
      if (!res.headersSent) send(res, e.status, rpcError(e.message, e.code), e.status === 413 ? { connection: 'close' } : {});
    }
  };
  // Node ignores what a request listener returns; `answer` settles each request itself (a failing
  // call becomes a JSON-RPC error in its catch).
  const server = createHttpServer(
    {
      // A client has this long to send its headers, and its whole request; checked every second.
      headersTimeout: http.headersTimeoutMs ?? 10_000,
      requestTimeout: http.requestTimeoutMs ?? 30_000,
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => void answer(req, res),
  );
  // Longer than common load balancer idle timeouts (60 s), so they never reuse a closed socket.
  // (An idle keep-alive connection is not held to the headers timeout, only a request being sent.)
  server.keepAliveTimeout = 65_000;
  guard.attach(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const listeningPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${listeningPort}/mcp`;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      closing = true;
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
      const force = setTimeout(() => server.closeAllConnections(), drainMs);
      force.unref();
      stopWatching?.();
      server.close(() => {
        clearTimeout(force);
        void runtime.close().then(resolve, resolve);
      });
      server.closeIdleConnections();
    }));
  return { server, url, port: listeningPort, inFlight: () => inFlight, reloadUsers: () => users?.reload(), close };
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
