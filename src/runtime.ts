/**
 * Everything a server process shares across MCP sessions: the CLI runner and its concurrency
 * limit, the resolved connection and action ids, confirmation secrets, sent-SMS memory and
 * rate-limit penalties. Stateless HTTP builds a server per request over one Runtime.
 */
import { fileURLToPath } from 'node:url';
import { Confirmations, type ConfirmMode } from './confirm.js';
import { LookupCache } from './context.js';
import { Penalties, SentLog } from './guards.js';
import { Membrane } from './membrane.js';
import { Routes, type RouteMode } from './routes.js';
import { registry } from '../tools/index.js';
import { CliRunner, type CliCommand } from './runner.js';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

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
}

export type ResolvedOptions = Required<Omit<ServerOptions, 'membrane' | 'connectionId' | 'confirmSecret' | 'env' | 'toolsets' | 'tools'>> &
  Pick<ServerOptions, 'connectionId' | 'confirmSecret' | 'env' | 'toolsets' | 'tools'> & { command: CliCommand };

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
export const SANDBOX_BIN = fileURLToPath(new URL('./sandbox/bin.js', import.meta.url));

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
  } as ResolvedOptions;
}

export class Runtime {
  readonly options: ResolvedOptions;
  readonly runner: CliRunner;
  readonly membrane: Membrane;
  readonly routes: Routes;
  readonly cache = new LookupCache();
  readonly confirmations: Confirmations;
  readonly sent: SentLog;
  readonly penalties = new Penalties();

  constructor(options: ServerOptions = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.runner = new CliRunner({ command: o.command, timeoutMs: o.timeoutMs, maxConcurrency: o.maxConcurrency, maxOutputBytes: o.maxOutputBytes, env: o.env });
    this.membrane = new Membrane(this.runner, { connectionId: o.connectionId });
    this.routes = new Routes(this.membrane, o.route, registry);
    const secret = o.confirmSecret ? createHash('sha256').update(o.confirmSecret).digest() : undefined;
    // Processes sharing a secret share the record of used tokens too (same machine).
    const usedDir = secret ? join(tmpdir(), `ringcentral-mcp-${userInfo().uid}`, `tokens-${secret.toString('hex').slice(0, 12)}`) : undefined;
    this.confirmations = new Confirmations(secret, undefined, undefined, usedDir);
    this.sent = new SentLog(o.smsDedupeWindowMs);
  }

  /**
   * Resolves the connection and the action catalog (ids and the schemas routes are chosen by)
   * ahead of the first call; failures surface later, on a call. `--route rest` needs no catalog.
   */
  warmUp(): void {
    (this.options.route === 'rest' ? this.membrane.connectionId() : this.membrane.actions()).catch(() => undefined);
  }
}
