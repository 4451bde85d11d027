// The built sandbox with its own state file per test file: spawned as the CLI it stands in for, or,
// for tests of its RingCentral and Membrane logic, run in this process (the same code, without a
// Node start per command).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnv } from '../../dist/src/sandbox/env.js';
import { execute } from '../../dist/src/sandbox/execute.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'dist/src/sandbox/bin.js');
export const CID = 'con_sbx_ringcentral';
/** A pinned "now" makes the seed and the 24 h windows deterministic. */
export const NOW = '2026-03-01T12:00:00.000Z';

if (!existsSync(BIN)) throw new Error(`Build first (npx tsc -p tsconfig.json): ${BIN} is missing`);

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (undefined when it is not JSON). */
  json: any;
}

export interface RunOpts {
  env?: Record<string, string | undefined>;
  /** Kill the process after this many ms (for hang faults). */
  killAfter?: number;
}

const CLEAN = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEMBRANE_SANDBOX_')));

const parsed = (stdout: string): any => {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
};

/** In-process commands run one at a time: "now" and the tenant are the sandbox's process-wide settings. */
let inProcessQueue: Promise<unknown> = Promise.resolve();

function runInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const next = inProcessQueue.then(async (): Promise<Run> => {
    const outcome = await execute(args, readEnv(env));
    const stdout = (outcome.stdout ?? '') + [...(outcome.chunks?.() ?? [])].join('');
    return { code: outcome.code, signal: null, stdout, stderr: outcome.stderr ?? '', json: parsed(stdout) };
  });
  inProcessQueue = next.catch(() => undefined);
  return next;
}

/**
 * `inProcess`: commands without faults or a kill timer run in this process; the rest, and every
 * command of a sandbox without it, in a process of their own.
 */
export function sandbox(extraEnv: Record<string, string> = {}, options: { inProcess?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'membrane-sbx-test-'));
  const env = { ...CLEAN, MEMBRANE_SANDBOX_STATE: join(dir, 'state.json'), MEMBRANE_SANDBOX_NOW: NOW, ...extraEnv };
  const needsProcess = (o: RunOpts) =>
    o.killAfter !== undefined || Object.keys({ ...env, ...o.env }).some((k) => k.startsWith('MEMBRANE_SANDBOX_FAULT'));
  const run = (args: string[], o: RunOpts = {}): Promise<Run> =>
    options.inProcess && !needsProcess(o) ? runInProcess(args, { ...env, ...o.env }) : spawnRun(args, { ...env, ...o.env }, o);
  return { dir, state: env.MEMBRANE_SANDBOX_STATE, env, run, ...commands(run, dir) };
}

function spawnRun(args: string[], env: NodeJS.ProcessEnv, o: RunOpts): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = o.killAfter ? setTimeout(() => child.kill('SIGKILL'), o.killAfter) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      resolveRun({ code, signal, stdout, stderr: Buffer.concat(err).toString('utf8'), json: parsed(stdout) });
    });
  });
}

function commands(run: (args: string[], o?: RunOpts) => Promise<Run>, dir: string) {
  /** Runs and insists on exit 0 with JSON on stdout. */
  const ok = async (args: string[], o: RunOpts = {}): Promise<any> => {
    const r = await run(args, o);
    if (r.code !== 0 || r.json === undefined) {
      throw new Error(
        `expected success from ${args.join(' ')}: code ${r.code}\nstdout: ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr.slice(0, 500)}`,
      );
    }
    return r.json;
  };
  const act = (key: string, input?: unknown, o: RunOpts = {}) =>
    run(['action', 'run', key, '--connectionId', CID, ...(input === undefined ? [] : ['--input', JSON.stringify(input)]), '--json'], o);
  const actOk = async (key: string, input?: unknown, o: RunOpts = {}): Promise<any> => {
    const r = await act(key, input, o);
    if (r.code !== 0) throw new Error(`action ${key} failed: ${r.stdout} ${r.stderr}`);
    return r.json.output;
  };
  const req = (path: string, ...rest: string[]) => run(['request', CID, path, ...rest, '--json']);
  /** Removes the sandbox's temp dir (state, locks, rate-limit counters). */
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return { ok, act, actOk, req, cleanup };
}

export const EXT = '/restapi/v1.0/account/~/extension/~';
