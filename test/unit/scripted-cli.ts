/**
 * A ToolContext over the real Membrane client, routes and look-up cache, whose CLI is a script:
 * `request` answers by "METHOD path", `action run` by action key, `action list` with the catalog.
 * Every command line is recorded, so a test sees exactly what would have run.
 */
import { CallContext, LookupCache } from '../../src/membrane/call-context.js';
import { Membrane } from '../../src/membrane/membrane.js';
import type { ActionInfo } from '../../tools/contract.js';
import { Routes, type RouteMode } from '../../src/membrane/routing.js';
import type { CliResult, CliRunner } from '../../src/membrane/runner.js';
import { registry } from '../../tools/index.js';

/** An answer given exactly as the CLI would print it (text content, a failed run). */
export class Printed {
  constructor(
    readonly stdout: string,
    readonly exitCode = 0,
    readonly stderr = '',
  ) {}
}

/** The REST base probe (the user's own extension) and RingCentral's answer on the bare host. */
const PROBE = '/restapi/v1.0/account/~/extension/~';
export const ME = {
  uri: 'https://platform.example.invalid/restapi/v1.0/account/1/extension/2',
  id: 2,
  regionalSettings: { timezone: { name: 'US/Pacific' } },
};

export interface Script {
  /** "GET /path?k=v&k2=v2" or "GET /path" (any query) -> the response body, or a function giving it for each call. */
  rest?: Record<string, unknown>;
  /** action key -> its output. */
  actions?: Record<string, unknown>;
  catalog?: ActionInfo[];
}

export function scriptedContext(script: Script, mode: RouteMode = 'rest'): { ctx: CallContext; argvs: string[][] } {
  const { runner, argvs } = scriptedRunner(script);
  const membrane = new Membrane(runner, { connectionId: 'conn-1' });
  const penalties = { check: async () => undefined, note: async () => undefined };
  const ctx = new CallContext({ membrane, routes: new Routes(membrane, mode, registry), limits: {}, cache: new LookupCache(), penalties });
  return { ctx, argvs };
}

/** The scripted CLI alone, and the command lines it was given. */
export function scriptedRunner(script: Script): { runner: CliRunner; argvs: string[][] } {
  const argvs: string[][] = [];
  let probed = false;
  const answer = (argv: string[]): unknown => {
    if (argv[0] === 'request') {
      // The query string is in the path, encoded: read back as RingCentral would.
      const [path, search = ''] = argv[2].split('?');
      const query = [...new URLSearchParams(search)].map(([k, v]) => `${k}=${v}`).join('&');
      const rest: Record<string, unknown> = { [`GET ${PROBE}`]: ME, ...script.rest };
      const key = [`${argv[4]} ${path}?${query}`, `${argv[4]} ${path}`].find((k) => k in rest);
      if (!key) throw new Error(`the script has no answer for ${argv[4]} ${argv[2]}`);
      const value = rest[key];
      return typeof value === 'function' ? (value as () => unknown)() : value;
    }
    if (argv[0] === '--version') return new Printed('membrane 9.9.9\n');
    if (argv[0] === 'status') return new Printed('Logged in as ann@x.co\n');
    if (argv[0] === 'connection' && argv[1] === 'list') return { items: [{ id: 'conn-1', name: 'RingCentral', state: 'READY' }] };
    if (argv[0] === 'action' && argv[1] === 'list') return { items: script.catalog ?? [] };
    if (argv[0] === 'action' && argv[1] === 'run') {
      const key = script.catalog?.find((a) => a.id === argv[2])?.key ?? argv[2];
      if (!(key in (script.actions ?? {}))) throw new Error(`the script has no output for action ${key}`);
      return { output: script.actions?.[key] };
    }
    throw new Error(`unexpected command: ${argv.join(' ')}`);
  };
  const runner = {
    argv: (args: string[]) => ['membrane', ...args],
    run: async (argv: string[]): Promise<CliResult> => {
      // The REST base probe (the first GET of it) is cold resolution, like the connection id: not recorded.
      if (!probed && argv[0] === 'request' && argv[2] === PROBE) probed = true;
      else argvs.push(argv);
      const value = answer(argv);
      if (value instanceof Printed) return { argv, stdout: value.stdout, stderr: value.stderr, exitCode: value.exitCode };
      return { argv, stdout: JSON.stringify(value), stderr: '', exitCode: 0 };
    },
  } as unknown as CliRunner;
  return { runner, argvs };
}

export const toolNamed = (name: string) => {
  const def = registry.find((d) => d.name === name);
  if (!def) throw new Error(`no tool ${name}`);
  return def;
};
