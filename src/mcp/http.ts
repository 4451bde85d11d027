/**
 * Streamable HTTP, stateless: every POST /mcp gets a fresh server over one shared Runtime, so
 * any instance behind a load balancer can answer any request (give every instance the same
 * RINGCENTRAL_MCP_CONFIRM_SECRET and a confirmation token from one is accepted by the others;
 * give them the same --redis-url and single use, the SMS window and penalties hold across them).
 * Who calls: one bearer token, or a users file where each token is a person acting as their own
 * Membrane tenant (a Runtime per person over the same runner and store).
 * Guards: bearer token (required off loopback, compared in constant time), Host/Origin checks
 * against DNS rebinding, a body size limit, /healthz, and a SIGTERM that lets in-flight calls
 * finish before the process exits.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Runtime, type ServerOptions } from './runtime.js';
import { createServer } from './server.js';
import { Users, type UserEntry } from '../safety/users.js';

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

export async function startHttp(options: ServerOptions, http: HttpOptions = {}): Promise<HttpHandle> {
  const host = (http.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  const port = parsePort(http.port);
  const token = http.token ?? process.env.RINGCENTRAL_MCP_HTTP_TOKEN ?? '';
  const usersFile = http.users ?? (process.env.RINGCENTRAL_MCP_USERS || undefined);
  if (usersFile && token)
    throw new Error('give either a users file (--users) or RINGCENTRAL_MCP_HTTP_TOKEN, not both: with a users file every token is a user');
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
  const extraOrigins = new Set(http.allowedOrigins ?? commaList(process.env.RINGCENTRAL_MCP_ALLOWED_ORIGINS));
  const allowedHosts = new Set((http.allowedHosts ?? commaList(process.env.RINGCENTRAL_MCP_ALLOWED_HOSTS)).map(hostName));
  const maxBody = http.maxBodyBytes ?? 1024 * 1024;
  const maxBatch = http.maxBatch ?? 16;
  // Confirmation needs the token flow here: a stateless server cannot hold an elicitation open.
  const runtime = new Runtime({ ...options, warmup: false });
  const drainMs = http.drainMs ?? runtime.options.timeoutMs + 5_000;
  // Bad options (unknown toolset, tool name) fail now, not on every request.
  await createServer({ runtime, allowElicitation: false }).close();
  if (options.warmup !== false) runtime.warmUp();
  const stopWatching = users?.watch();
  // One runtime per person (own tenant, caches, confirmations, SMS window), kept while their entry is unchanged.
  const userRuntimes = new Map<string, Runtime>();
  const runtimeOf = (user: UserEntry): Runtime => {
    const id = JSON.stringify([user.name, user.tenantKey, user.connectionId ?? null]);
    let mine = userRuntimes.get(id);
    if (!mine) userRuntimes.set(id, (mine = runtime.forUser(user, { ...options, warmup: false })));
    return mine;
  };
  let inFlight = 0;
  let closing = false;

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
    if (path === '/healthz') {
      const state = { store: runtime.store.description, reachable: await runtime.store.reachable() };
      return send(res, closing ? 503 : 200, { ok: !closing, inFlight, state, ...(users ? { users: users.size } : {}) });
    }
    if (path !== '/mcp') return send(res, 404, rpcError('not found; the MCP endpoint is /mcp'));
    if (!allowedHost(req.headers.host)) return send(res, 403, rpcError(`Host ${req.headers.host ?? '(none)'} is not allowed`));
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigin(origin)) return send(res, 403, rpcError(`Origin ${origin} is not allowed`));
    // CORS only for origins named in allowedOrigins: a local web page gets no cross-origin access.
    if (origin && extraOrigins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-expose-headers', 'mcp-session-id, mcp-protocol-version, www-authenticate');
      if (req.method === 'OPTIONS') {
        res
          .writeHead(204, {
            'access-control-allow-methods': 'POST, OPTIONS',
            'access-control-allow-headers': CORS_HEADERS,
            'access-control-max-age': '600',
          })
          .end();
        return;
      }
    }
    const given = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    let caller = runtime;
    if (users) {
      const user = users.find(given);
      if (!user) return send(res, 401, rpcError('missing or unknown bearer token'), { 'www-authenticate': 'Bearer' });
      caller = runtimeOf(user);
    } else if (token && !timingSafeEqual(digest(given), digest(token))) {
      return send(res, 401, rpcError('missing or wrong bearer token'), { 'www-authenticate': 'Bearer' });
    }
    if (req.method !== 'POST') return send(res, 405, rpcError('stateless server: POST JSON-RPC to /mcp'), { allow: 'POST' });

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
  const server = createHttpServer((req, res) => void answer(req, res));
  // Longer than common load balancer idle timeouts (60 s), so they never reuse a closed socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

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
