/**
 * Everything a server process shares across MCP sessions: the CLI runner and its concurrency
 * limit, the resolved connection and action ids, confirmation secrets, and the state store with
 * the sent-SMS memory and rate-limit penalties. Stateless HTTP builds a server per request over
 * one Runtime, and with several users one Runtime per user over the same runner and store.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Confirmations, type ConfirmMode } from '../safety/confirm.js';
import { LookupCache } from '../membrane/call-context.js';
import { Penalties } from '../safety/penalties.js';
import { SentLog } from '../safety/sent-log.js';
import { Membrane } from '../membrane/membrane.js';
import { Routes, type RouteMode } from '../membrane/routing.js';
import { registry } from '../../tools/index.js';
import { CliRunner, type CliCommand } from '../membrane/runner.js';
import { sandboxStatePath } from '../private-folder.js';
import { FileStore, userFolder } from '../state/file.js';
import { RedisStore } from '../state/redis.js';
import { scoped, type StateStore } from '../state/store.js';
import type { UserIdentity } from '../safety/users.js';

export interface ServerOptions {
  /** Path or name of the Membrane CLI (default `membrane`, or MEMBRANE_CLI). */
  membrane?: string;
  /** Use the bundled membrane-sandbox instead of the real CLI. */
  sandbox?: boolean;
  connectionId?: string;
  /** How tools reach RingCentral: `auto` (the action when its live schema takes what the tool sends, else REST), `action` or `rest`. */
  route?: RouteMode;
  timeoutMs?: number;
  maxConcurrency?: number;
  maxOutputBytes?: number;
  readOnly?: boolean;
  toolsets?: string[];
  tools?: string[];
  confirm?: ConfirmMode;
  maxResultChars?: number;
  smsDedupeWindowMs?: number;
  /** Shared secret so several server instances accept each other's confirmation tokens. */
  confirmSecret?: string;
  /** Extra environment for the CLI (the server's own is passed through). */
  env?: Record<string, string | undefined>;
  /** Resolve connection and action ids in the background once a client connects. */
  warmup?: boolean;
  progressIntervalMs?: number;
  maxToolInputElements?: number;
  /** Keep confirmations, the SMS window and penalties in this Redis, shared by every instance; default files on this machine. */
  redisUrl?: string;
}

export type ResolvedOptions = Required<
  Omit<ServerOptions, 'membrane' | 'connectionId' | 'confirmSecret' | 'env' | 'toolsets' | 'tools' | 'redisUrl'>
> &
  Pick<ServerOptions, 'connectionId' | 'confirmSecret' | 'env' | 'toolsets' | 'tools' | 'redisUrl'> & { command: CliCommand };

export const DEFAULTS = {
  timeoutMs: 60_000,
  maxConcurrency: 4,
  maxOutputBytes: 16 * 1024 * 1024,
  maxResultChars: 20_000,
  smsDedupeWindowMs: 10 * 60_000,
  progressIntervalMs: 3_000,
  maxToolInputElements: 5_000,
} as const;

/** The bundled sandbox, run with the same Node as the server. */
export const SANDBOX_BIN = fileURLToPath(new URL('../sandbox/bin.js', import.meta.url));

export function cliCommand(options: Pick<ServerOptions, 'sandbox' | 'membrane'>): CliCommand {
  if (options.sandbox) return { file: process.execPath, prefix: [SANDBOX_BIN] };
  return { file: options.membrane || process.env.MEMBRANE_CLI || 'membrane', prefix: [] };
}

export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  return {
    ...DEFAULTS,
    readOnly: false,
    confirm: 'auto',
    route: 'auto',
    warmup: false,
    sandbox: false,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    command: cliCommand(options),
  };
}

/** What the runtimes of one process share: the CLI runner (one concurrency limit), the store, the secret. */
interface Shared {
  runner: CliRunner;
  store: StateStore;
  secret: Buffer;
}

/** The machine's store: a private folder in this user's temp dir. */
export const fileStoreDir = () => join(userFolder(), 'state');

export class Runtime {
  readonly options: ResolvedOptions;
  readonly runner: CliRunner;
  readonly membrane: Membrane;
  readonly routes: Routes;
  readonly cache = new LookupCache();
  /** The whole store (health checks); the guards below see only this runtime's share of it. */
  readonly store: StateStore;
  readonly confirmations: Confirmations;
  readonly sent: SentLog;
  readonly penalties: Penalties;
  private readonly shared: Shared;

  constructor(options: ServerOptions = {}, user?: UserIdentity, shared?: Shared) {
    // A person's connection is their own pinned one or none (resolved in their tenant), never the server's.
    this.options = resolveOptions(user ? { ...options, connectionId: user.connectionId } : options);
    const o = this.options;
    this.runner = runnerFor(o, user, shared);
    this.membrane = new Membrane(this.runner, { connectionId: o.connectionId, tenantKey: user?.tenantKey });
    this.routes = new Routes(this.membrane, o.route, registry);
    this.store = shared?.store ?? (o.redisUrl ? new RedisStore(o.redisUrl) : new FileStore(fileStoreDir()));
    const base = shared?.secret ?? (o.confirmSecret ? createHash('sha256').update(o.confirmSecret).digest() : undefined);
    const mine = scoped(this.store, accountScope(o, user));
    this.confirmations = new Confirmations(mine, userSecret(base, user));
    this.sent = new SentLog(mine, o.smsDedupeWindowMs);
    this.penalties = new Penalties(mine);
    this.shared = { runner: shared?.runner ?? this.runner, store: this.store, secret: base ?? randomBytes(32) };
  }

  /** A runtime for one user over this one's runner, store and secret. */
  forUser(user: UserIdentity, options: ServerOptions): Runtime {
    return new Runtime(options, user, this.shared);
  }

  /**
   * Resolves the connection and the action catalog (ids and the schemas routes are chosen by)
   * ahead of the first call; failures surface later, on a call. `--route rest` needs no catalog.
   */
  warmUp(): void {
    (this.options.route === 'rest' ? this.membrane.connectionId() : this.membrane.actions()).catch(() => undefined);
  }

  /** Lets go of the store's connection (Redis); files need nothing. */
  close(): Promise<void> {
    return this.store.close();
  }
}

/** The CLI runner: this process's own, or, for a person, the shared one seen through their own queue. */
function runnerFor(o: ResolvedOptions, user: UserIdentity | undefined, shared: Shared | undefined): CliRunner {
  // Each person waits for the shared CLI slots in a queue of their own (fair turns, bounded).
  if (shared) return user ? shared.runner.forPerson(user.name) : shared.runner;
  const { command, timeoutMs, maxConcurrency, maxOutputBytes, env } = o;
  return new CliRunner({ command, timeoutMs, maxConcurrency, maxOutputBytes, env });
}

/** Each user signs with their own key, so a token issued to one is refused for another. */
const userSecret = (base: Buffer | undefined, user: UserIdentity | undefined): Buffer | undefined =>
  base && user ? createHmac('sha256', base).update(`user:${user.name}`).digest() : base;

/**
 * The runtimes a process keeps for distinct options (the library) or people (the HTTP server's
 * users), at most `max` (default MAX_RUNTIMES): beyond it the least recently used is dropped and
 * handed to `evicted`. A dropped runtime's calls in flight finish on it; the next call of its
 * options or person makes a fresh one (its connection and catalog resolved again).
 */
export class RuntimeCache {
  private readonly runtimes = new Map<string, Runtime>();

  constructor(
    private readonly max = MAX_RUNTIMES,
    private readonly evicted: (runtime: Runtime) => void = () => undefined,
  ) {}

  get size(): number {
    return this.runtimes.size;
  }

  /** The runtime of `key`, made by `make` when there is none. */
  get(key: string, make: () => Runtime): Runtime {
    const found = this.runtimes.get(key);
    // A Map keeps insertion order: taking a runtime out and back in marks it the most recent.
    if (found) this.runtimes.delete(key);
    const runtime = found ?? make();
    this.runtimes.set(key, runtime);
    for (const [oldest, dropped] of this.runtimes) {
      if (this.runtimes.size <= this.max) break;
      this.runtimes.delete(oldest);
      this.evicted(dropped);
    }
    return runtime;
  }
}

/** How many runtimes a RuntimeCache keeps: distinct option sets of the library, or people of one HTTP server. */
export const MAX_RUNTIMES = 256;

/**
 * Whose state a runtime reads and writes: the account it acts on (the live CLI, or the sandbox, so
 * a simulated send never blocks a real one) and the user. Short, as it prefixes every key. On this
 * machine's files each sandbox state file is an account of its own; in Redis, shared by instances
 * on other machines (each with its own copy of the same seeded account), the sandbox is one
 * account, as the live CLI is, so a send or token used through one instance counts on every other.
 */
function accountScope(o: ResolvedOptions, user: UserIdentity | undefined): string {
  const sandbox = o.redisUrl ? 'sandbox' : `sandbox:${sandboxStatePath({ ...process.env, ...o.env })}`;
  const account = o.sandbox ? sandbox : 'membrane';
  return createHash('sha256')
    .update(JSON.stringify([account, user?.name ?? '', user?.tenantKey ?? '']))
    .digest('hex')
    .slice(0, 16);
}
