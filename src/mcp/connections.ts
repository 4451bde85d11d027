/**
 * Bounds on the HTTP server's open connections, so that idle or half-sent sockets cannot use up
 * the process's file descriptors (which the CLI runs need too): at most so many in all, so many
 * from one client address, and so many that have not (yet) made an authenticated request.
 * A connection over a bound first makes room by closing the oldest idle unauthenticated one in
 * that bound (a client that sends its request at once is never the oldest for long); when there
 * is none, the new connection's request is answered 503 and it is closed.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections in all. */
  maxConnections: number;
  /** Open connections from one client address (an IPv6 client: its /64). */
  maxPerAddress: number;
  /** Open connections that have made no authenticated request (half-sent headers, idle, /healthz only). */
  maxUnauthenticated: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = { maxConnections: 256, maxPerAddress: 32, maxUnauthenticated: 64 };

/** A refused connection is closed this long after it connects, if it has not sent its request by then. */
const REFUSED_GRACE_MS = 1_000;
/** Refused connections Node keeps while they are answered 503; beyond them Node drops new ones itself. */
const REFUSAL_SLOTS = 32;

interface Connection {
  address: string;
  authenticated: boolean;
  /** A request on it is being answered: never closed to make room. */
  busy: boolean;
}

/** The client an address stands for: an IPv4 address (also IPv4-mapped IPv6), or an IPv6 /64, one host's usual share. */
export function addressKey(address = ''): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1];
  if (!address.includes(':')) return address;
  const [head, tail] = address.split('%')[0].toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  const groups = [...left, ...zeros, ...right].slice(0, 4).map((g) => parseInt(g, 16).toString(16));
  return `${groups.join(':')}::/64`;
}

export class ConnectionGuard {
  /** In the order they connected: the first idle unauthenticated one is the oldest. */
  private readonly open = new Map<Socket, Connection>();
  private readonly perAddress = new Map<string, number>();
  private unauthenticated = 0;
  private readonly refused = new WeakSet<Socket>();

  constructor(readonly limits: ConnectionLimits) {}

  /** Counts the server's connections from now on. */
  attach(server: Server): void {
    server.maxConnections = this.limits.maxConnections + REFUSAL_SLOTS;
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const connection = this.open.get(req.socket);
      if (!connection) return;
      connection.busy = true;
      res.once('close', () => (connection.busy = false));
    });
  }

  /** Open connections, and those of them with no authenticated request. */
  counts(): { open: number; unauthenticated: number } {
    return { open: this.open.size, unauthenticated: this.unauthenticated };
  }

  /** This connection is over a bound: its request gets 503 and the connection is closed. */
  isRefused(socket: Socket): boolean {
    return this.refused.has(socket);
  }

  /** The connection has made an authenticated request: it no longer counts as unauthenticated. */
  authenticated(socket: Socket): void {
    const connection = this.open.get(socket);
    if (!connection || connection.authenticated) return;
    connection.authenticated = true;
    this.unauthenticated--;
  }

  private admit(socket: Socket): void {
    const address = addressKey(socket.remoteAddress);
    const { maxConnections, maxPerAddress, maxUnauthenticated } = this.limits;
    if (this.unauthenticated >= maxUnauthenticated) this.evictOldest(() => true);
    if (this.countOf(address) >= maxPerAddress) this.evictOldest((c) => c.address === address);
    if (this.open.size >= maxConnections) this.evictOldest(() => true);
    const full = this.unauthenticated >= maxUnauthenticated || this.countOf(address) >= maxPerAddress || this.open.size >= maxConnections;
    if (full) return this.refuse(socket);
    this.open.set(socket, { address, authenticated: false, busy: false });
    this.perAddress.set(address, this.countOf(address) + 1);
    this.unauthenticated++;
    socket.once('close', () => this.forget(socket));
  }

  private countOf(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /** Closes the oldest idle unauthenticated connection that `matches`, if there is one. */
  private evictOldest(matches: (connection: Connection) => boolean): void {
    for (const [socket, connection] of this.open) {
      if (connection.authenticated || connection.busy || !matches(connection)) continue;
      this.forget(socket);
      socket.destroy();
      return;
    }
  }

  private refuse(socket: Socket): void {
    this.refused.add(socket);
    const timer = setTimeout(() => socket.destroy(), REFUSED_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  private forget(socket: Socket): void {
    const connection = this.open.get(socket);
    if (!connection) return;
    this.open.delete(socket);
    if (!connection.authenticated) this.unauthenticated--;
    const left = this.countOf(connection.address) - 1;
    if (left > 0) this.perAddress.set(connection.address, left);
    else this.perAddress.delete(connection.address);
  }
}
