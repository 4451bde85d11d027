// Spawns the built sandbox bin with its own state file per test file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export function sandbox(extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'membrane-sbx-test-'));
  const env = { ...CLEAN, MEMBRANE_SANDBOX_STATE: join(dir, 'state.json'), MEMBRANE_SANDBOX_NOW: NOW, ...extraEnv };
  const run = (args: string[], o: RunOpts = {}): Promise<Run> =>
    new Promise((resolveRun, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const timer = o.killAfter ? setTimeout(() => child.kill('SIGKILL'), o.killAfter) : undefined;
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        const stdout = Buffer.concat(out).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolveRun({ code, signal, stdout, stderr: Buffer.concat(err).toString('utf8'), json });
      });
    });
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
  return { dir, state: env.MEMBRANE_SANDBOX_STATE, env, run, ok, act, actOk, req, cleanup };
}

export const EXT = '/restapi/v1.0/account/~/extension/~';
