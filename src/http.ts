/**
 * Streamable HTTP, stateless: every POST /mcp gets a fresh server over one shared Runtime, so
 * any instance behind a load balancer can answer any request. Guards: bearer token (required
 * off loopback, compared in constant time), Host/Origin checks against DNS rebinding, a body
 * size limit, /healthz, and a SIGTERM that lets in-flight calls finish.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Runtime, type ServerOptions } from './runtime.js';
import { createServer } from './server.js';

export interface HttpOptions {
  port?: string | number;
  host?: string;
  /** Bearer token; default RINGCENTRAL_MCP_HTTP_TOKEN. */
  token?: string;
  /** Extra allowed browser origins; default RINGCENTRAL_MCP_ALLOWED_ORIGINS (comma list). */
  allowedOrigins?: string[];
  maxBodyBytes?: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

const digest = (text: string) => createHash('sha256').update(text).digest();

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const rpcError = (message: string, code = -32000) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw Object.assign(new Error(`request body larger than ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('request body is not JSON'), { status: 400, code: -32700 });
  }
}

export async function startHttp(options: ServerOptions, http: HttpOptions = {}): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const host = http.host ?? '127.0.0.1';
  const port = Number(http.port ?? 3000);
  const token = http.token ?? process.env.RINGCENTRAL_MCP_HTTP_TOKEN ?? '';
  if (!LOOPBACK.test(host) && !token) {
    throw new Error(`refusing to serve on ${host} without a bearer token: set RINGCENTRAL_MCP_HTTP_TOKEN (or bind 127.0.0.1)`);
  }
  const extraOrigins = http.allowedOrigins ?? (process.env.RINGCENTRAL_MCP_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const maxBody = http.maxBodyBytes ?? 1024 * 1024;
  // Confirmation needs a token flow here: a stateless server cannot hold an elicitation open.
  const runtime = new Runtime({ ...options, warmup: false });
  if (options.warmup !== false) runtime.warmUp();
  let inFlight = 0;
  let listeningPort = port;

  const allowedHost = (value: string | undefined) => {
    if (!value) return false;
    const name = value.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    return LOOPBACK.test(name) ? true : !LOOPBACK.test(host) && (name === host || host === '0.0.0.0' || host === '::');
  };

  const server = createHttpServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return send(res, 200, { ok: true, inFlight });
    if (path !== '/mcp') return send(res, 404, rpcError('not found; the MCP endpoint is /mcp'));
    if (!allowedHost(req.headers.host)) return send(res, 403, rpcError(`Host ${req.headers.host ?? '(none)'} is not allowed`));
    const origin = req.headers.origin;
    if (origin && !LOCAL_ORIGIN.test(origin) && !extraOrigins.includes(origin)) return send(res, 403, rpcError(`Origin ${origin} is not allowed`));
    if (token) {
      const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), digest(token))) return send(res, 401, rpcError('missing or wrong bearer token'), { 'www-authenticate': 'Bearer' });
    }
    if (req.method !== 'POST') return send(res, 405, rpcError('stateless server: POST JSON-RPC to /mcp'), { allow: 'POST' });

    inFlight++;
    try {
      const body = await readBody(req, maxBody);
      const mcp = createServer({ runtime, allowElicitation: false });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      const e = error as { status?: number; code?: number; message: string };
      if (!res.headersSent) send(res, e.status ?? 500, rpcError(e.message, e.code));
    } finally {
      inFlight--;
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  listeningPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${listeningPort}/mcp`;

  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  return { server, url, close };
}

/** The `--http` entry: serve until SIGTERM/SIGINT, then finish in-flight calls and exit. */
export async function serveHttp(options: ServerOptions, http: HttpOptions): Promise<void> {
  const { url, close } = await startHttp(options, http);
  process.stderr.write(`ringcentral-mcp: serving Streamable HTTP on ${url}\n`);
  const stop = () => {
    process.stderr.write('ringcentral-mcp: shutting down after in-flight calls\n');
    void close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
