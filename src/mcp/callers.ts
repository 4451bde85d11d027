/**
 * Who may call the HTTP server, and as whom: one bearer token (the server's own runtime), a users
 * file (each token a person in their own Membrane tenant), or OAuth (each access token's subject a
 * person in their own tenant, with the scopes it grants). Each is a `Gate`: http.ts asks it who a
 * request acts as and answers what it says.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RuntimeCache, type Runtime, type ServerOptions } from './runtime.js';
import { Users, type UserIdentity } from '../safety/users.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = -32000,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Who a request acts as: a runtime, and what its body may not ask for (a read-only token's writes). */
export interface Caller {
  runtime: Runtime;
  refuseBody?(body: unknown): HttpError | undefined;
}

export interface Gate {
  /** Who the request acts as, or why it is refused. */
  callerOf(req: IncomingMessage): Caller | HttpError | Promise<Caller | HttpError>;
  /** For /healthz: whether anyone can be let in, and what to add to its answer. */
  health(): { ok: boolean; extra: Record<string, unknown> };
  /** A GET the gate answers itself on a path other than the endpoint (metadata): the document, or undefined. */
  document?(path: string): unknown;
  /** The server is listening at `url` (its own address). */
  listening?(url: string): void;
  /** Re-reads what says who may call (the users file). */
  reload?(): void;
  stop?(): void;
  /** Whether the server's own runtime may warm up (it runs as nobody's tenant only with one token). */
  readonly serverRuns: boolean;
}

/**
 * The bearer token of a request, or '' when there is none or it is malformed: another scheme, an
 * empty token, or anything but visible ASCII in it. '' is never looked up.
 */
export function bearerToken(header: string | undefined): string {
  return /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? '')?.[1] ?? '';
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** One bearer token (none on loopback): every request acts with the server's own runtime. */
export function tokenGate(token: string, runtime: Runtime): Gate {
  return {
    serverRuns: true,
    callerOf(req) {
      const given = bearerToken(req.headers.authorization);
      if (token && (!given || !timingSafeEqual(digest(given), digest(token))))
        return new HttpError(401, 'missing or wrong bearer token', -32000, { 'www-authenticate': 'Bearer' });
      return { runtime };
    },
    health: () => ({ ok: true, extra: {} }),
  };
}

/**
 * One runtime per person (own tenant, caches, confirmations, SMS window) over the server's runner,
 * store and secret, kept while their identity and access are unchanged; at most MAX_RUNTIMES, the
 * least recently used let go (their state is in the store; nothing to close, the store is shared).
 */
export class PersonRuntimes {
  private readonly people = new RuntimeCache();

  constructor(
    private readonly server: Runtime,
    private readonly options: ServerOptions,
  ) {}

  get(person: UserIdentity, readOnly = false): Runtime {
    const id = JSON.stringify([person.name, person.tenantKey, person.connectionId ?? null, readOnly]);
    return this.people.get(id, () => {
      const mine = this.server.forUser(person, { ...this.options, warmup: false, readOnly: this.options.readOnly || readOnly });
      // Their first request is usually `initialize`: their ids are looked up while the client gets ready.
      if (this.options.warmup !== false) mine.warmUp();
      return mine;
    });
  }
}

/** A users file: each token is a person. An empty or malformed credential is never looked up. */
export function usersGate(users: Users, people: PersonRuntimes): Gate {
  const unknown = () => new HttpError(401, 'missing or unknown bearer token', -32000, { 'www-authenticate': 'Bearer' });
  return {
    serverRuns: false,
    callerOf(req) {
      const given = bearerToken(req.headers.authorization);
      if (!given) return unknown();
      const { state } = users.status;
      if (state !== 'ok') return new HttpError(503, `no users are in force: the users file is ${state}; the operator must fix it`);
      const user = users.find(given);
      return user ? { runtime: people.get(user) } : unknown();
    },
    // Nobody in force (the users file is gone or broken) is a server that can serve no one: not ok.
    health: () => ({ ok: users.status.state === 'ok', extra: { users: users.status } }),
    reload: () => users.reload(),
    stop: users.watch(),
  };
}
