/**
 * Every fix the server gives that names a `membrane ...` command works on the sandbox too: the
 * server is driven into each failure the sandbox can cause, each `Fix:` and `Details:` line is
 * read, and each `membrane` command in it (its placeholders filled from the real error) is run
 * against that sandbox's CLI and must succeed. The fix texts in the source name no command that
 * these runs did not reach.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIX } from '../../dist/src/errors.js';
import { ROOT, SANDBOX, makeSandbox, startServer, type Harness } from '../helpers.js';

/** Words that end a command inside a sentence ("check `membrane status` and your network"). */
const PROSE = new Set(['and', 'or', 'by', 'to', 'then', 'if', 'for', 'in', 'with', 'is', 'was', 'a', 'the']);
const TOKEN = /[ \t]*("[^"]*"|\$\{[^}]+\}|<[^>\s]+>|[^\s`;,()]+)/y;

/**
 * The `membrane ...` commands a text tells a person to run. A command "run the same membrane
 * command by hand" or "read ... through membrane request" names is one already run, not one to paste.
 */
function commandsIn(text: string): string[] {
  const commands: string[] = [];
  for (const m of text.matchAll(/(^|[\s`(:])membrane (?=[-\w])/g)) {
    const start = m.index + m[1].length;
    if (/\b(same|through|the)\s+$/.test(text.slice(0, start))) continue;
    TOKEN.lastIndex = start + 'membrane'.length;
    const tokens: string[] = [];
    for (let t = TOKEN.exec(text); t; t = TOKEN.exec(text)) {
      const token = t[1].replace(/[.:]$/, '');
      if (PROSE.has(token)) break;
      tokens.push(token);
      if (token !== t[1]) break; // "membrane status." ends the sentence
    }
    if (tokens.length) commands.push(['membrane', ...tokens].join(' '));
  }
  return commands;
}

/** The command's name: the words before its first flag or argument ("connection get", "login complete", "--version"). */
const nameOf = (command: string) => {
  const words = command.split(' ').slice(1);
  const name = words.slice(
    0,
    Math.max(
      1,
      words.findIndex((w) => !/^[a-z][a-z-]*$/.test(w)),
    ),
  );
  return (words.every((w) => /^[a-z][a-z-]*$/.test(w)) ? words : name).join(' ');
};

/** argv of a command line (double quotes group, as a shell would). */
const argvOf = (command: string) => (command.match(/"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^"(.*)"$/, '$1'));

interface Scenario {
  name: string;
  fault?: string;
  tool?: string;
}

/**
 * The failures, grouped by the server flags they need: a group's scenarios run one after another
 * on one server, each with its fault switched on in turn. A failure while resolving the connection
 * leaves the server as cold as a fresh one (nothing resolved is kept), so those come first, each
 * checked to meet its fault while resolving; a failure of the call itself (RingCentral's
 * error, its rate limit) comes after, the rate limit last (its penalty window would answer the
 * calls after it without the CLI).
 */
const GROUPS: Array<{ args: string[]; cold: Scenario[]; warm?: Scenario[] }> = [
  {
    args: [],
    cold: [
      { name: 'not logged in', fault: 'not-logged-in' },
      { name: 'no connection', fault: 'no-connection' },
      { name: 'two connections', fault: 'two-connections' },
      { name: 'disconnected', fault: 'disconnected' },
      { name: 'building', fault: 'building' },
      { name: 'configuration error', fault: 'config-error' },
      { name: 'server error', fault: 'server-error' },
      { name: 'stderr only', fault: 'stderr-only' },
      { name: 'garbage output', fault: 'garbage' },
      { name: 'a crash', fault: 'crash' },
    ],
    warm: [
      { name: "RingCentral's error on an action run", fault: 'upstream-error' },
      { name: 'rate limit', fault: 'rate-limit' },
    ],
  },
  { args: ['--connection-id', 'con_missing'], cold: [{ name: 'a pinned connection that does not exist' }] },
  { args: ['--route', 'rest'], cold: [], warm: [{ name: "RingCentral's error through membrane request", fault: 'upstream-error' }] },
  { args: ['--timeout', '1500'], cold: [{ name: 'a hang (timeout)', fault: 'hang' }] },
];

/** What the placeholders of a fix stand for, when no real error filled them. */
const FILL: Record<string, string> = { '<code>': 'sandbox-login-code' };

const reached = new Set<string>();

describe.each(GROUPS)('each fix that names a membrane command runs on the sandbox (server flags: $args)', (group) => {
  const sandbox = makeSandbox({ MEMBRANE_SANDBOX_DELAY_MS: '0' });
  let server: Harness;
  beforeAll(async () => {
    server = await startServer({ sandbox, args: group.args });
  });
  afterAll(async () => {
    await server?.close();
    sandbox.cleanup();
  });

  const scenarios = [...group.cold.map((s) => ({ ...s, cold: true })), ...(group.warm ?? []).map((s) => ({ ...s, cold: false }))];
  it.each(scenarios)('$name', async (scenario) => {
    const before = sandbox.argvs().length;
    sandbox.setFault(scenario.fault ?? '');
    try {
      await failsWithRunnableFix(scenario, before);
    } finally {
      sandbox.setFault('');
    }
  });

  async function failsWithRunnableFix(scenario: Scenario & { cold: boolean }, before: number) {
    const result = await server.call(scenario.tool ?? 'ringcentral_get_account_info');
    const text = server.text(result);
    expect(result.isError, text).toBe(true);
    // As on a fresh server: the call began by resolving the connection (or a pinned one's actions).
    if (scenario.cold)
      expect([
        ['connection', 'list'],
        ['action', 'list'],
      ]).toContainEqual(sandbox.argvs()[before]?.slice(0, 2));
    const advice = text.split('\n').filter((line) => /^(Fix|Details): /.test(line));
    expect(advice.length, text).toBeGreaterThan(0);
    sandbox.setFault('');
    for (const command of advice.flatMap(commandsIn)) {
      const line = command.replace(/<[^>\s]+>/g, (p) => FILL[p] ?? p);
      expect(line, `a placeholder nothing fills in: ${command}`).not.toMatch(/<[^>\s]+>/);
      const run = spawnSync(process.execPath, [SANDBOX, ...argvOf(line).slice(1)], {
        env: { ...process.env, ...sandbox.env },
        encoding: 'utf8',
      });
      expect(run.status, `${line}\n${run.stdout}${run.stderr}`).toBe(0);
      reached.add(nameOf(command));
    }
  }
});

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'sandbox' ? [] : sources(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the fix texts in the source', () => {
  it('name no membrane command that the runs above did not reach', () => {
    const named = new Map<string, string>();
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'tools'))]) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        // A fix is a `fix:` value, a FIX entry or the Details line (its text may start on the next
        // line): the string literals there, not the comments.
        if (!/\bfix\b|FIX|Details:/i.test(line) || /^\s*(\/\/|\/?\*)/.test(line)) return;
        const literals = `${line}\n${lines[i + 1] ?? ''}`.match(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g) ?? [];
        for (const command of literals.flatMap((l) => commandsIn(l.slice(1, -1))))
          named.set(nameOf(command), `${file}:${i + 1}: ${command}`);
      });
    }
    // The shared fixes, whatever line they sit on.
    for (const [key, fix] of Object.entries(FIX))
      for (const command of commandsIn(typeof fix === 'function' ? fix('<id>') : fix)) named.set(nameOf(command), `FIX.${key}: ${command}`);
    for (const [name, where] of named) expect(reached.has(name), where).toBe(true);
    expect([...named.keys()].sort()).toEqual([
      '--version',
      'action-run-log get',
      'connect',
      'connection ensure',
      'connection get',
      'connection list',
      'login',
      'login complete',
      'status',
    ]);
  });
});
