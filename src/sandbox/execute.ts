// One `membrane` command, from argv to its outcome (stdout, stderr, exit code), without touching
// the process: bin.ts writes the outcome out; tests of the sandbox's own logic call it in process.
import { allowOnly, flag, parseArgs, type Args } from './args.js';
import type { Command } from './commands/common.js';
import type { Env } from './env.js';
import { MembraneError, UsageError } from './errors.js';
import { delay, hang, preempt } from './faults.js';
import { failure, type Outcome } from './output.js';
import { setClock, setTenant } from './state.js';
import { forTenant } from './tenant.js';
import { logged } from './runlog.js';
import { HELP, USAGE, VERSION } from './usage.js';

interface Spec {
  /** Loaded on demand so each command pays only for the modules it uses. */
  run: () => Promise<Command>;
  flags: string[];
  /** Needs login and talks to the Membrane API: subject to the output faults. */
  api: boolean;
}

const misc = async () => require('./commands/misc.js') as typeof import('./commands/misc.js');
const connection = async () => require('./commands/connection.js') as typeof import('./commands/connection.js');
const action = async () => require('./commands/action.js') as typeof import('./commands/action.js');

const COMMANDS: Record<string, Spec> = {
  status: { run: async () => (await misc()).status, flags: [], api: false },
  login: { run: async () => (await misc()).login, flags: ['tenant'], api: false },
  reset: { run: async () => (await misc()).reset, flags: [], api: false },
  'connection list': { run: async () => (await connection()).list, flags: ['search', 'limit', 'cursor'], api: true },
  'connection get': { run: async () => (await connection()).get, flags: ['wait', 'timeout'], api: true },
  'connection ensure': { run: async () => (await connection()).ensure, flags: [], api: true },
  connect: { run: async () => (await misc()).connect, flags: ['connectorId', 'connectorKey', 'connectionId'], api: true },
  search: { run: async () => (await misc()).search, flags: ['elementType', 'limit', 'cursor'], api: true },
  'action list': {
    run: async () => (await action()).list,
    flags: ['connectionId', 'connectionKey', 'intent', 'limit', 'cursor'],
    api: true,
  },
  'action run': { run: async () => logged((await action()).run), flags: ['connectionId', 'connectionKey', 'input'], api: true },
  'action-run-log get': { run: async () => (await misc()).actionRunLog, flags: ['details'], api: true },
  request: {
    run: async () => (require('./commands/request.js') as typeof import('./commands/request.js')).request,
    flags: ['method', 'header', 'data', 'rawData', 'query', 'pathParam'],
    api: true,
  },
};

function commandName(a: Args): string | undefined {
  const [w0, w1] = a.positionals;
  if (w0 === 'connection' || w0 === 'action' || w0 === 'action-run-log') return w1 === undefined ? w0 : `${w0} ${w1}`;
  return w0;
}

/** Runs one command for `baseEnv` ("now", tenant and faults included). */
export async function execute(argv: string[], baseEnv: Env): Promise<Outcome> {
  setClock(baseEnv.now);
  let a: Args;
  try {
    a = parseArgs(argv);
  } catch (e) {
    return failure(e, false);
  }
  const env = forTenant(baseEnv, flag(a, 'tenantKey'), flag(a, 'workspaceKey'));
  setTenant(env.tenant);
  const json = a.bools.has('json');
  const name = commandName(a);
  if (a.bools.has('help')) return { stdout: name && USAGE[name] ? `Usage: ${USAGE[name]}\n` : HELP, code: 0 };
  if (a.bools.has('version') && !name) {
    if (env.faults.has('hang') || env.faults.has('hang-with-child')) return hang(env);
    delay(env);
    return { stdout: `${VERSION}\n`, code: 0 };
  }
  if (!name) return { stderr: `membrane: missing command\n\n${HELP}`, code: 2 };
  const spec = COMMANDS[name];
  if (!spec) return failure(new UsageError(`unknown command "${name}"`, Object.values(USAGE).join('\n       ')), false);
  try {
    allowOnly(a, name, spec.flags, USAGE[name]);
    if (name !== 'reset' && (env.faults.has('hang') || env.faults.has('hang-with-child'))) return await hang(env);
    if (name !== 'reset') delay(env);
    if (spec.api) {
      if (env.faults.has('not-logged-in')) {
        throw new MembraneError('bad_request', 'not_authenticated', 'Not authenticated. Run membrane login --tenant to log in.');
      }
      if (env.faults.has('server-error')) {
        throw new MembraneError('internal', 'internal_error', 'Internal server error', { status: 500 });
      }
      const early = preempt(env);
      if (early) return early;
    }
    return await (
      await spec.run()
    )(a, env);
  } catch (e) {
    return failure(e, json);
  }
}
