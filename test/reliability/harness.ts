/**
 * Shared by the reliability tests (the MCP server under an SDK client is `startServer` of
 * ../helpers.ts): a `membrane` wrapper on disk (so a test can make the CLI vanish and come back), a raw
 * JSON-RPC harness over node:child_process (every stdout byte is seen), and process-table helpers
 * (is a pid alive, which processes belong to a sandbox, a process's RSS).
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSONRPCMessageSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, SANDBOX, makeSandbox, startServer, text, type Harness, type Result, type Sandbox } from '../helpers.js';

export { CLI, SANDBOX, makeSandbox, startServer, text, type Harness, type Result, type Sandbox };

/** The error code an isError result's text starts with ("rate_limited: ..."). */
export const errorCode = (result: CallToolResult): string | undefined => (result.isError ? /^(\w+): /.exec(text(result))?.[1] : undefined);

/** The seconds of "Retry after N s." in an error text. */
export const retryAfter = (result: CallToolResult): number | undefined => {
  const match = /Retry after (\d+) s\./.exec(text(result));
  return match ? Number(match[1]) : undefined;
};

/** Polls `check` until it returns a truthy value (there is no event to await for process exits or spawns). */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000, everyMs = 20): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Alive and not a zombie (a killed child stays in the table until its parent reaps it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of the process group `pgid` (the CLI is a group leader: the runner spawns it detached). */
export function groupMembers(pgid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && alive(pid))
    .map(([pid]) => pid);
}

/**
 * Live processes started for a sandbox directory: every CLI process (and its children) inherits
 * MEMBRANE_SANDBOX_LOG=<dir>/..., which is how they are told apart from other tests' processes.
 */
export function processesOf(dir: string): Array<{ pid: number; args: string }> {
  const found: Array<{ pid: number; args: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!environ.includes(`MEMBRANE_SANDBOX_LOG=${dir}`)) continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (!args.includes(SANDBOX) && !args.includes('setInterval')) continue; // the server itself has the env too
      if (alive(pid)) found.push({ pid, args });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Resident set size of a process in kB (VmRSS of /proc/<pid>/status). */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** The sandbox spawn log: one entry per CLI invocation, with its pid and argv. */
export function spawnLog(sandbox: Sandbox): Array<{ pid: number; argv: string[] }> {
  const log = sandbox.env.MEMBRANE_SANDBOX_LOG;
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { pid: number; argv: string[] });
}

/** A `membrane` executable on disk that runs the sandbox; `remove()`/`restore()` make it vanish and return. */
export interface CliWrapper {
  path: string;
  remove(): void;
  restore(): void;
}

export function cliWrapper(sandbox: Sandbox): CliWrapper {
  const bin = join(sandbox.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const path = join(bin, 'membrane');
  const hidden = join(bin, 'membrane.uninstalled');
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${SANDBOX}" "$@"\n`);
  chmodSync(path, 0o755);
  return {
    path,
    remove: () => existsSync(path) && renameSync(path, hidden),
    restore: () => existsSync(hidden) && renameSync(hidden, path),
  };
}

/** What every line the server prints on stdout must be. Returns the problem, or undefined. */
export function jsonRpcProblem(line: string): string | undefined {
  let message: any;
  try {
    message = JSON.parse(line);
  } catch {
    return `not JSON: ${JSON.stringify(line.slice(0, 120))}`;
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) return `not an object: ${line.slice(0, 120)}`;
  if (message.jsonrpc !== '2.0') return `jsonrpc is ${JSON.stringify(message.jsonrpc)}`;
  const parsed = JSONRPCMessageSchema.safeParse(message);
  if (!parsed.success) return `not a JSON-RPC 2.0 message: ${line.slice(0, 160)}`;
  const isResponse = 'id' in message && !('method' in message);
  if (isResponse && 'result' in message === 'error' in message)
    return `a response needs exactly one of result/error: ${line.slice(0, 160)}`;
  if (isResponse && 'error' in message && (!Number.isInteger(message.error.code) || typeof message.error.message !== 'string'))
    return `bad error object: ${line.slice(0, 160)}`;
  return undefined;
}

/**
 * The built server over raw stdio: the test writes JSON-RPC lines and sees every stdout line,
 * including notifications, exactly as a client would receive them.
 */
export interface RawServer {
  proc: ChildProcessWithoutNullStreams;
  sandbox: Sandbox;
  /** Every stdout line so far, unparsed. */
  lines: string[];
  stderr(): string;
  /** Writes one raw line (no validation: the test may send garbage). */
  writeLine(line: string): void;
  /** Sends a request and resolves with its response (result or error object). */
  request(method: string, params?: Record<string, unknown>): Promise<any>;
  /** The same, also giving the request id (to cancel it). */
  send(method: string, params?: Record<string, unknown>): { id: number; answer: Promise<any> };
  /** Parsed responses with this id (a cancelled request must get none). */
  responses(id: number): any[];
  notify(method: string, params?: Record<string, unknown>): void;
  /** Messages parsed so far that are notifications with this method. */
  notifications(method: string): any[];
  /** initialize + notifications/initialized. */
  initialize(): Promise<any>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A full garbage collection in the server (only when started with `gcOnSignal`). */
  gc(): Promise<void>;
  close(): Promise<void>;
}

let rawIds = 1000;

/**
 * Test instrumentation for memory measurements: node flags that make the server run two full GCs
 * on SIGUSR2 (the second returns the pages the first freed) and say so on stderr, so RSS is
 * compared between two collected heaps, not two GC moments.
 */
const GC_ON_SIGNAL = [
  '--expose-gc',
  `--import=data:text/javascript,${encodeURIComponent('process.on("SIGUSR2",()=>{globalThis.gc();globalThis.gc();process.stderr.write("[gc-done]\\n")})')}`,
];

export function startRaw(
  options: { args?: string[]; env?: Record<string, string>; sandbox?: Sandbox; gcOnSignal?: boolean } = {},
): RawServer {
  const sandbox = options.sandbox ?? makeSandbox();
  const proc = spawn(
    process.execPath,
    [...(options.gcOnSignal ? GC_ON_SIGNAL : []), CLI, '--sandbox', '--no-warmup', ...(options.args ?? [])],
    {
      env: { ...process.env, ...sandbox.env, ...(options.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const parsed: any[] = [];
  const waiters = new Map<string | number, (message: any) => void>();
  let stderr = '';
  let partial = '';
  proc.stdin.on('error', () => undefined); // EPIPE after the server is gone is the test's to notice
  proc.stderr.on('data', (chunk) => (stderr += String(chunk)));
  proc.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    let index: number;
    while ((index = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, index);
      partial = partial.slice(index + 1);
      lines.push(line);
      try {
        const message = JSON.parse(line);
        parsed.push(message);
        if (message && 'id' in message && !('method' in message)) waiters.get(message.id)?.(message);
      } catch {
        // kept in `lines`; the test reports it
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const writeLine = (line: string) => {
    proc.stdin.write(line + '\n');
  };
  const send = (method: string, params?: Record<string, unknown>) => {
    const id = rawIds++;
    const answer = new Promise<any>((resolve, reject) => {
      waiters.set(id, (message) => {
        waiters.delete(id);
        resolve(message);
      });
      void exited.then(({ code, signal }) =>
        reject(new Error(`server exited (${code ?? signal}) before answering ${method} #${id}\n${stderr}`)),
      );
    });
    answer.catch(() => undefined);
    writeLine(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) }));
    return { id, answer };
  };
  const request = (method: string, params?: Record<string, unknown>) => send(method, params).answer;
  const notify = (method: string, params?: Record<string, unknown>) =>
    writeLine(JSON.stringify({ jsonrpc: '2.0', method, ...(params ? { params } : {}) }));
  return {
    proc,
    sandbox,
    lines,
    stderr: () => stderr,
    writeLine,
    request,
    send,
    responses: (id) => parsed.filter((m) => m && m.id === id && !('method' in m)),
    notify,
    notifications: (method) => parsed.filter((m) => m && m.method === method && !('id' in m)),
    initialize: async () => {
      const answer = await request('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw-reliability', version: '1.0.0' },
      });
      notify('notifications/initialized');
      return answer;
    },
    exited,
    gc: () => {
      const done = stderr.split('[gc-done]').length;
      proc.kill('SIGUSR2');
      return waitFor(() => stderr.split('[gc-done]').length > done, 'a full GC in the server', 20_000, 5).then(() => undefined);
    },
    close: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        // Like the SDK client: close stdin, then SIGTERM, then SIGKILL.
        proc.stdin.end();
        const term = setTimeout(() => proc.kill('SIGTERM'), 3000);
        const kill = setTimeout(() => proc.kill('SIGKILL'), 6000);
        await exited;
        clearTimeout(term);
        clearTimeout(kill);
      }
      if (!options.sandbox) sandbox.cleanup();
    },
  };
}
