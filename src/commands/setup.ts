/**
 * `ringcentral-mcp setup`: walks a person through the real CLI in their terminal (install,
 * `membrane login --tenant`, connecting RingCentral, choosing among several connections),
 * running each step for them with the terminal attached (the install with npm's output on stderr),
 * and ends with the doctor's report.
 * It asks only on a terminal: without one (a pipe, CI) it prints the steps and exits 1, so
 * nothing opens a browser or logs in unattended, unless `--yes` says to go ahead.
 */
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { execa } from 'execa';
import { FIX, ToolError } from '../errors.js';
import { chooseConnection } from '../membrane/connection.js';
import { Runtime, type ServerOptions } from '../mcp/runtime.js';
import { checkStatus } from '../membrane/status.js';
import { formatStatus } from './status.js';

const say = (text: string) => process.stderr.write(`${text}\n`);

/** The install that step 1 offers, as an argv (run without a shell). */
export const INSTALL_ARGV = ['npm', 'install', '-g', '@membranehq/cli'] as const;

/** The manual steps, for a person without a terminal to answer in. */
export const SETUP_STEPS = `Setup asks questions, so it needs a terminal. The steps, to run yourself:
  1. ${INSTALL_ARGV.join(' ')}
  2. membrane login --tenant          (headless: membrane login complete <code>)
  3. membrane connection ensure "https://ringcentral.com"
  4. ringcentral-mcp doctor
Or run \`ringcentral-mcp setup --yes\` to run them without being asked.`;

export interface SetupMode {
  /** Answer every yes/no question with yes, without reading stdin. */
  yes: boolean;
  /** stdin is a terminal a person can answer on. */
  terminal: boolean;
}

/** What the steps of one setup share: the runtime, and how they ask the person and run a command. */
interface Session {
  runtime: Runtime;
  mode: SetupMode;
  question: (text: string) => Promise<string>;
  yes: (text: string) => Promise<boolean>;
  /** Runs a membrane command with the terminal attached, for steps that open a browser. */
  interactive: (args: string[]) => boolean;
}

export async function runSetup(options: ServerOptions, mode: SetupMode): Promise<number> {
  if (!mode.terminal && !mode.yes) {
    say(SETUP_STEPS);
    return 1;
  }
  const runtime = new Runtime(options);
  const { file, prefix } = runtime.options.command;
  // Lines are read through one iterator so answers piped in ahead of the questions are not lost.
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const question = async (text: string) => {
    process.stderr.write(text);
    const next = await lines.next();
    return next.done ? '' : String(next.value);
  };
  const yes = async (text: string) => {
    if (mode.yes) {
      say(`${text} yes (--yes)`);
      return true;
    }
    return /^y(es)?$|^$/i.test((await question(`${text} [Y/n] `)).trim());
  };
  const interactive = (args: string[]) => spawnSync(file, [...prefix, ...args], { stdio: 'inherit' }).status === 0;
  const session: Session = { runtime, mode, question, yes, interactive };

  try {
    say('1. Membrane CLI');
    if (!(await cliFound(runtime, yes))) return 1;
    say('2. Login');
    if (!(await loginStep(session))) return 1;
    say('3. RingCentral connection');
    const pinned = await connectionStep(session);
    return await doctorStep(pinned === undefined ? options : { ...options, connectionId: pinned.id });
  } finally {
    rl.close();
  }
}

/** Step 2: logged in, or `membrane login --tenant` run for the person (when they agree). */
async function loginStep({ runtime, yes, interactive }: Session): Promise<boolean> {
  if ((await runtime.membrane.loggedIn()).loggedIn) {
    say('   logged in');
    return true;
  }
  if (!(await yes('   Not logged in. Run `membrane login --tenant` now?'))) return false;
  interactive(['login', '--tenant']);
  return true;
}

/**
 * Step 3: the connection the server will use, or the step that makes one usable. With several,
 * the one the person picked (`{ id: undefined }` when none): the doctor then checks that one.
 */
async function connectionStep(session: Session): Promise<{ id?: string } | undefined> {
  try {
    const connection = chooseConnection(await session.runtime.membrane.listConnections());
    say(`   using ${connection.id} (${connection.name ?? 'RingCentral'})`);
    return undefined;
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    say(`   ${error.message}`);
    if (error.code === 'several_connections') return { id: await pickConnection(session, error) };
    await fixConnection(session, error);
    return undefined;
  }
}

/** Several ready connections: the person picks one and pins it themselves (--yes cannot choose for them). */
async function pickConnection({ mode, question }: Session, error: ToolError): Promise<string | undefined> {
  const candidates = (error.details.candidates ?? []) as Array<{ id: string; name?: string }>;
  candidates.forEach((c, i) => say(`   ${i + 1}. ${c.id} ${c.name ?? ''}`));
  const pick = mode.yes ? 0 : Number(await question('   Which one? '));
  const chosen = candidates[pick - 1];
  if (chosen) say(`   Pin it: add --connection-id ${chosen.id} (or RINGCENTRAL_CONNECTION_ID=${chosen.id}) to your MCP config`);
  else say('   Pin one: add --connection-id <id> (or RINGCENTRAL_CONNECTION_ID=<id>) to your MCP config');
  return chosen?.id;
}

/** No connection: connect one; otherwise (or when the person declines) offer to run the error's fix, a reconnect. */
async function fixConnection({ yes, interactive }: Session, error: ToolError): Promise<void> {
  if (error.code === 'no_connection' && (await yes('   Connect RingCentral now (opens a browser)?'))) {
    interactive(['connection', 'ensure', 'https://ringcentral.com']);
    return;
  }
  if (error.details.fix && (await yes(`   Run the fix (${error.details.fix})?`))) {
    const id = /--connectionId=(\S+)/.exec(error.details.fix)?.[1];
    if (id) interactive(['connect', `--connectionId=${id}`]);
  }
}

/** Step 4: the doctor's report; ready is exit 0. */
async function doctorStep(options: ServerOptions): Promise<number> {
  say('4. Doctor');
  const report = await checkStatus(new Runtime(options).membrane, options.connectionId);
  say(formatStatus(report));
  if (report.ready) say('\nDone. Print your client config with: ringcentral-mcp config claude-desktop');
  return report.ready ? 0 : 1;
}

/** Step 1: the CLI's version, or (asked first, or with --yes) `npm install -g @membranehq/cli` and a second look. */
async function cliFound(runtime: Runtime, yes: (text: string) => Promise<boolean>): Promise<boolean> {
  try {
    say(`   found: ${await runtime.membrane.version()}`);
    return true;
  } catch {
    say('   not found.');
  }
  const install = INSTALL_ARGV.join(' ');
  if (!(await yes(`   Install it now with \`${install}\`?`))) {
    say(`   Install it: ${FIX.install}`);
    return false;
  }
  if (!(await runInstall())) return false;
  try {
    say(`   installed: ${await runtime.membrane.version()}`);
    return true;
  } catch {
    const { file } = runtime.options.command;
    say(`   npm installed the CLI, but ${file} still cannot be run. ${FIX.install}`);
    return false;
  }
}

/** Runs the install with npm's output on stderr (stdout stays clean); says how it ended. */
async function runInstall(): Promise<boolean> {
  const [npm, ...args] = INSTALL_ARGV;
  const command = INSTALL_ARGV.join(' ');
  if (process.platform === 'win32') {
    // npm is npm.cmd there, which Node runs only through a shell: the person runs it instead.
    say(`   Run \`${command}\` in a terminal, then setup again.`);
    return false;
  }
  say(`   running: ${command}`);
  const result = await execa(npm, args, { stdin: 'ignore', stdout: 2, stderr: 2, reject: false });
  if (result.exitCode === 0) {
    say(`   ${command}: done`);
    return true;
  }
  const how = result.code === 'ENOENT' ? 'npm was not found on PATH' : `exit code ${result.exitCode ?? result.signal ?? 'unknown'}`;
  say(
    `   ${command} failed (${how}). ${result.code === 'ENOENT' ? 'Install Node.js with npm, then run it' : 'Run it yourself to see why'}.`,
  );
  return false;
}
