/**
 * Idle and half-sent connections cannot pile up until the
 * process runs out of file descriptors. Real sockets on loopback, from several client addresses
 * (127.0.0.x): the server bounds its connections in all, per address and unauthenticated, holds
 * a client to a header timeout, and a legitimate request still gets through (or a clean 503).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttp, type HttpHandle } from '../../dist/src/index.js';
import { spawnHttp } from '../reach/helpers.js';
import { makeSandbox, waitFor, type Sandbox } from './harness.js';

const TOKEN = 'limits-token-0123456789abcdef';
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
const HALF_SENT = 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ';

interface RawConnection {
  socket: Socket;
  closed: boolean;
  received: string;
}

/** A connection from `from` (a loopback address) that sends `text` once connected. */
function open(port: number, from: string, text = HALF_SENT): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    const conn: RawConnection = { socket, closed: false, received: '' };
    socket.on('data', (d: Buffer) => (conn.received += d.toString('utf8')));
    socket.on('close', () => (conn.closed = true));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.on('error', () => undefined); // A reset of a refused connection is its answer.
      socket.write(text);
      resolve(conn);
    });
  });
}

const request = (token = TOKEN) =>
  `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
  `Accept: application/json, text/event-stream\r\nContent-Length: ${Buffer.byteLength(LIST)}\r\n\r\n${LIST}`;

/** Sends one whole authenticated request on `conn` and waits for its answer (or the connection's end): the status. */
async function ask(conn: RawConnection): Promise<number> {
  const start = conn.received.length;
  conn.socket.write(request());
  const answered = () => {
    const text = conn.received.slice(start);
    const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN);
    const body = text.indexOf('\r\n\r\n');
    return conn.closed || (body !== -1 && text.length - body - 4 >= length);
  };
  await waitFor(answered, 'an answer', 15_000);
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(conn.received.slice(start))?.[1] ?? 0);
}

/** An authenticated connection from `from`, answered once and kept open (keep-alive). */
async function authenticated(port: number, from: string): Promise<RawConnection> {
  const conn = await open(port, from, '');
  expect(await ask(conn)).toBe(200);
  return conn;
}

const stillOpen = (conns: RawConnection[]) => conns.filter((c) => !c.closed).length;

/** Whatever the bound did to it, a legitimate request is answered: 200, or a clean 503 with a JSON-RPC error. */
async function legitimate(h: HttpHandle): Promise<number> {
  const conn = await open(h.port, '127.0.0.1', '');
  try {
    const status = await ask(conn);
    const body = conn.received.slice(conn.received.indexOf('\r\n\r\n') + 4);
    if (status === 503) expect(JSON.parse(body).error.message).toMatch(/^too many open connections/);
    else expect(JSON.parse(body).result.tools.length).toBeGreaterThan(0);
    return status;
  } finally {
    conn.socket.destroy();
  }
}

describe('HTTP connection bounds', () => {
  let sandbox: Sandbox;
  let h: HttpHandle;
  const conns: RawConnection[] = [];
  const track = async (pending: Promise<RawConnection>) => {
    const conn = await pending;
    conns.push(conn);
    return conn;
  };
  const closeAll = async () => {
    for (const c of conns.splice(0)) c.socket.destroy();
    const connections = () => new Promise<number>((resolve) => h.server.getConnections((_error, count) => resolve(count)));
    await waitFor(async () => (await connections()) === 0, 'the server to see every connection closed');
  };

  beforeAll(async () => {
    sandbox = makeSandbox();
    h = await startHttp(
      { sandbox: true, warmup: false, env: sandbox.env },
      { port: 0, token: TOKEN, maxConnections: 12, maxConnectionsPerAddress: 6, maxUnauthenticated: 8 },
    );
  });
  afterAll(async () => {
    for (const c of conns) c.socket.destroy();
    await h.close();
    sandbox.cleanup();
  });

  it('half-sent headers: at most 6 held from one address, 8 in all; a legitimate request still gets through', async () => {
    const one = await Promise.all(Array.from({ length: 20 }, () => track(open(h.port, '127.0.0.2'))));
    await waitFor(() => stillOpen(one) <= 6, 'at most 6 half-sent connections from 127.0.0.2', 5_000);
    const spread: RawConnection[] = [];
    for (const from of ['127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      for (let i = 0; i < 5; i++) spread.push(await track(open(h.port, from)));
    }
    await waitFor(() => stillOpen([...one, ...spread]) <= 8, 'at most 8 unauthenticated connections in all', 5_000);
    expect(await legitimate(h)).toBe(200);
    expect(h.server.listening).toBe(true);
    await closeAll();
  });

  it('authenticated connections held open: 6 from one address, 12 in all; the one over gets a clean 503 and is closed', async () => {
    const six: RawConnection[] = [];
    for (let i = 0; i < 6; i++) six.push(await track(authenticated(h.port, '127.0.0.6')));
    const seventh = await track(open(h.port, '127.0.0.6', ''));
    expect(await ask(seventh)).toBe(503);
    expect(seventh.received).toMatch(/connection: close/i);
    expect(seventh.received).toContain('"message":"too many open connections (at most 12, 6 from one address); try again shortly"');
    await waitFor(() => seventh.closed, 'the refused connection to be closed', 5_000);
    for (let i = 0; i < 6; i++) await track(authenticated(h.port, '127.0.0.7'));
    const over = await track(open(h.port, '127.0.0.8', ''));
    expect(await ask(over)).toBe(503);
    // A connection given back makes room.
    six[0].socket.destroy();
    await waitFor(() => six[0].closed, 'the connection to close');
    await waitFor(async () => (await ask(await track(open(h.port, '127.0.0.8', '')))) === 200, 'room for a new connection', 5_000);
    expect(h.server.listening).toBe(true);
    await closeAll();
  });

  it('an unauthenticated request is answered 401 and its connection closed, so it holds nothing', async () => {
    const conn = await track(open(h.port, '127.0.0.9', request('wrong-token')));
    await waitFor(() => conn.closed, 'the 401 connection to be closed', 5_000);
    expect(conn.received).toMatch(/^HTTP\/1\.1 401 /);
    expect(conn.received).toMatch(/connection: close/i);
    await closeAll();
  });
});

describe('HTTP header timeout', () => {
  let sandbox: Sandbox;
  let h: HttpHandle;
  beforeAll(async () => {
    sandbox = makeSandbox();
    h = await startHttp({ sandbox: true, warmup: false, env: sandbox.env }, { port: 0, token: TOKEN, headersTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await h.close();
    sandbox.cleanup();
  });

  it('a client that does not finish its headers in time gets 408 and is closed; an idle keep-alive connection is not', async () => {
    const kept = await authenticated(h.port, '127.0.0.10');
    const half = await open(h.port, '127.0.0.11');
    const silent = await open(h.port, '127.0.0.11', '');
    try {
      await waitFor(() => half.closed && silent.closed, 'the half-sent connections to be closed', 8_000);
      expect(half.received).toMatch(/^HTTP\/1\.1 408 /);
      // The kept connection idled past the header timeout: it still answers.
      expect(kept.closed).toBe(false);
      expect(await ask(kept)).toBe(200);
      expect(await legitimate(h)).toBe(200);
    } finally {
      for (const c of [kept, half, silent]) c.socket.destroy();
    }
  });
});

describe('HTTP connection bounds from the environment', () => {
  it('RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS bounds one address; a bad value is refused at start', async () => {
    const sandbox = makeSandbox();
    const env = { ...sandbox.env, RINGCENTRAL_MCP_HTTP_TOKEN: TOKEN };
    const child = await spawnHttp(['--sandbox', '--no-warmup'], { ...env, RINGCENTRAL_MCP_MAX_CONNECTIONS_PER_ADDRESS: '3' });
    const conns: RawConnection[] = [];
    try {
      const port = Number(new URL(child.url).port);
      for (let i = 0; i < 8; i++) conns.push(await open(port, '127.0.0.12'));
      await waitFor(() => stillOpen(conns) <= 3, 'at most 3 connections from 127.0.0.12', 5_000);
      expect(child.child.exitCode).toBeNull();
    } finally {
      for (const c of conns) c.socket.destroy();
      await child.stop();
    }
    await expect(spawnHttp(['--sandbox', '--no-warmup'], { ...env, RINGCENTRAL_MCP_MAX_CONNECTIONS: 'many' })).rejects.toThrow(
      /exited 2[\s\S]*RINGCENTRAL_MCP_MAX_CONNECTIONS must be a whole number >= 1, got "many"/,
    );
    sandbox.cleanup();
  });
});
