/**
 * The command line: `call` runs one tool (same server, in process), `doctor` reports with fixes,
 * `setup` walks through the steps, bad usage exits 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandLine, serverOptions } from '../../dist/src/commands/options.js';
import { CLI, SANDBOX, makeSandbox } from '../helpers.js';
import { ROUTED_TOOLS, shortName } from '../registry.js';

const sandbox = makeSandbox();
afterAll(() => sandbox.cleanup());
/** Tests that run several cold CLI processes one after another: on a loaded 2-core machine each can take 20 s. */
const SEVERAL_PROCESSES = 180_000;

function run(args: string[], options: { input?: string; faults?: string; env?: Record<string, string> } = {}) {
  sandbox.setFault(options.faults ?? '');
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, ...sandbox.env, ...options.env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('call', () => {
  it('prints the compact result and exits 0', () => {
    const r = run(['call', 'ringcentral_list_contacts', '{"limit":3}', '--sandbox']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.records).toHaveLength(3);
    expect(out.nextCursor).toBeTypeOf('string');
  });

  it('exits 1 with the error and its field on isError, and 2 on bad JSON', () => {
    const bad = run(['call', 'ringcentral_send_sms', '{"to":["-123"],"text":"x"}', '--sandbox']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/to\.0|to\[0\]/);
    const json = run(['call', 'ringcentral_list_contacts', '{oops', '--sandbox']);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/not valid JSON/);
  });

  it(
    'confirms across separate processes with the token flow (no TTY)',
    () => {
      const first = run(['call', 'ringcentral_create_contact', '{"firstName":"Callroute"}', '--sandbox', '--confirm', 'token']);
      expect(JSON.parse(first.stdout).status).toBe('done'); // create is not irreversible: no confirmation
      const preview = run([
        'call',
        'ringcentral_delete_contact',
        JSON.stringify({ contactId: String(JSON.parse(first.stdout).result.id) }),
        '--sandbox',
      ]);
      const pending = JSON.parse(preview.stdout);
      expect(pending.status).toBe('confirmation_required');
      const args = { contactId: String(JSON.parse(first.stdout).result.id), confirmationToken: pending.confirmationToken };
      const done = run(['call', 'ringcentral_delete_contact', JSON.stringify(args), '--sandbox']);
      expect(JSON.parse(done.stdout).status).toBe('done');
      const again = run(['call', 'ringcentral_delete_contact', JSON.stringify(args), '--sandbox']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already used/);
    },
    SEVERAL_PROCESSES,
  ); // four cold `call` processes one after another
});

describe('doctor and setup', () => {
  /** `doctor --sandbox` with no fault, run once: the tests below read its report. */
  let healthy: ReturnType<typeof run> | undefined;
  const doctor = () => (healthy ??= run(['doctor', '--sandbox']));

  it('doctor: ready on the sandbox', () => {
    const r = doctor();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ready: yes/);
  });

  it(
    "doctor: each tool's route with its reason, as the connection's action schemas decide it",
    () => {
      const auto = doctor().stdout.split('\n');
      expect(auto).toContain('routes:       --route auto');
      expect(auto).toContain('  send_sms: action (action send-sms declares every property the tool sends)');
      expect(auto).toContain(
        "  update_contact: rest (an update must never clear fields the person did not name: RingCentral's PATCH changes only the fields sent, a connector's update may replace the record)",
      );
      const routeLines = auto.filter((line) => /^ {2}\w+: (action|rest|per call) \(.+\)$/.test(line));
      expect(routeLines.map((line) => line.trim().split(':')[0])).toEqual(ROUTED_TOOLS.map((d) => shortName(d.name)));
      expect(auto).toContain('rest base:    https://platform.sandbox.invalid/ (a REST call works)');
      const renamed = run(['doctor', '--sandbox'], { env: { MEMBRANE_SANDBOX_VARIANT: 'renamed-inputs' } }).stdout.split('\n');
      expect(renamed).toContain('  send_sms: rest (action send-sms does not declare from.phoneNumber, to[].phoneNumber, text)');
      expect(renamed).toContain(
        '  list_messages: rest (action list-messages does not declare extensionId, messageType, direction, readStatus, availability, dateFrom, dateTo, phoneNumber, conversationId, page, perPage)',
      );
      const forced = run(['doctor', '--sandbox', '--route', 'rest']);
      expect(forced.code).toBe(0);
      expect(forced.stdout.split('\n')).toContain('  list_messages: rest (forced by --route rest)');
      // Forced onto actions that do not declare what the tool sends: doctor says what may be dropped.
      const action = (variant: string) =>
        run(['doctor', '--sandbox', '--route', 'action'], { env: { MEMBRANE_SANDBOX_VARIANT: variant } }).stdout.split('\n');
      expect(action('renamed-inputs')).toContain(
        '  send_sms: action (forced by --route action, though action send-sms does not declare from.phoneNumber, to[].phoneNumber, text)',
      );
      expect(action('')).toContain('  send_sms: action (forced by --route action)');
    },
    SEVERAL_PROCESSES,
  );

  it(
    'doctor: each problem with the command that fixes it',
    () => {
      const loggedOut = run(['doctor', '--sandbox'], { faults: 'not-logged-in' });
      expect(loggedOut.code).toBe(1);
      expect(loggedOut.stdout).toMatch(/membrane login --tenant/);
      const none = run(['doctor', '--sandbox'], { faults: 'no-connection' });
      expect(none.stdout).toMatch(/membrane connection ensure "https:\/\/ringcentral.com"/);
      const missing = run(['doctor', '--membrane', '/nonexistent/membrane']);
      expect(missing.stdout).toMatch(/npm install -g @membranehq\/cli/);
      expect(missing.stdout).toMatch(/try it without a CLI: add --sandbox \(ringcentral-mcp doctor --sandbox/);
      expect(doctor().stdout).not.toMatch(/without a CLI/);
    },
    SEVERAL_PROCESSES,
  );

  it('setup without a terminal asks nothing and runs nothing: it prints the steps and exits 1', () => {
    const before = sandbox.spawns();
    const r = run(['setup', '--sandbox'], { input: 'y\ny\n', faults: 'not-logged-in' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs a terminal/);
    expect(r.stderr).toMatch(/membrane login --tenant/);
    expect(r.stderr).toMatch(/setup --yes/);
    expect(r.stderr).not.toMatch(/\[Y\/n\]/);
    expect(sandbox.spawns()).toBe(before); // not even `membrane --version`, let alone a login
  });

  it(
    'setup --yes walks through login and connection without asking, then runs the doctor',
    () => {
      const r = run(['setup', '--sandbox', '--yes']);
      expect(r.stderr).toMatch(/1\. Membrane CLI/);
      expect(r.stderr).toMatch(/3\. RingCentral connection/);
      expect(r.stderr).toMatch(/ready: yes/);
      expect(r.code).toBe(0);
      const loggedOut = run(['setup', '--sandbox', '--yes'], { faults: 'not-logged-in' });
      expect(loggedOut.stderr).toMatch(/Run `membrane login --tenant` now\? yes \(--yes\)/);
      expect(sandbox.argvs().some((argv) => argv.includes('login'))).toBe(true);
      const several = run(['setup', '--sandbox', '--yes'], { faults: 'two-connections' });
      expect(several.stderr).toMatch(/Pin one: add --connection-id <id>/);
      expect(several.code).toBe(1);
    },
    SEVERAL_PROCESSES,
  );

  it(
    'setup --yes runs the install it offers (npm through argv, its output on stderr), then goes on',
    () => {
      // A fake npm on an otherwise empty PATH: it records its argv and "installs" a membrane that is the sandbox.
      const bin = mkdtempSync(join(tmpdir(), 'fake-npm-'));
      try {
        const membrane = join(bin, 'membrane');
        const script = [
          `#!${process.execPath}`,
          "const { appendFileSync, writeFileSync, chmodSync } = require('node:fs');",
          `appendFileSync(${JSON.stringify(join(bin, 'npm.log'))}, JSON.stringify(process.argv.slice(2)) + '\\n');`,
          `writeFileSync(${JSON.stringify(membrane)}, ${JSON.stringify(`#!/bin/sh\nexec ${process.execPath} ${SANDBOX} "$@"\n`)});`,
          `chmodSync(${JSON.stringify(membrane)}, 0o755);`,
          "console.log('added 1 package in 1s');",
        ].join('\n');
        writeFileSync(join(bin, 'npm'), script, { mode: 0o755 });
        const env = { PATH: bin, MEMBRANE_CLI: '' };
        const r = run(['setup', '--yes'], { env });
        expect(r.stderr).toMatch(/not found\.\n {3}Install it now with `npm install -g @membranehq\/cli`\? yes \(--yes\)/);
        expect(readFileSync(join(bin, 'npm.log'), 'utf8')).toBe('["install","-g","@membranehq/cli"]\n');
        expect(r.stderr).toMatch(/added 1 package in 1s\n {3}npm install -g @membranehq\/cli: done\n {3}installed: 1\.4\.0/);
        expect(r.stdout).toBe(''); // npm's own output went to stderr
        expect(r.stderr).toMatch(/ready: yes/);
        expect(r.code).toBe(0);
        // An install that fails is reported, with its exit code, and setup stops there.
        writeFileSync(join(bin, 'npm'), `#!${process.execPath}\nconsole.error('npm ERR! code E404');\nprocess.exit(1);\n`, { mode: 0o755 });
        rmSync(membrane);
        const failed = run(['setup', '--yes'], { env });
        expect(failed.stderr).toMatch(/npm ERR! code E404\n {3}npm install -g @membranehq\/cli failed \(exit code 1\)/);
        expect(failed.stderr).not.toMatch(/2\. Login/);
        expect(failed.code).toBe(1);
        // No npm at all: said so.
        rmSync(join(bin, 'npm'));
        expect(run(['setup', '--yes'], { env }).stderr).toMatch(/failed \(npm was not found on PATH\)/);
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    },
    SEVERAL_PROCESSES,
  );

  it('unknown command and bad flag values exit 2', () => {
    expect(run(['frobnicate']).code).toBe(2);
    // A refused flag value throws where the command reads its flags, and any throw there exits 2
    // (the usage tests below run that path as a command).
    expect(() => serverOptions(parseCommandLine(['--confirm', 'maybe']).flags)).toThrow(/--confirm/);
    expect(() => serverOptions(parseCommandLine(['--sandbox', '--timeout', 'soon']).flags)).toThrow(/--timeout/);
  });
});

describe('usage mistakes point to the right spelling and --help', () => {
  // The command prints a refusal as `ringcentral-mcp: <message>` and exits 2; the messages come
  // from reading the command line, checked in process for each mistake.
  it.each([
    [['--read-onyl'], 'unknown option --read-onyl; did you mean --read-only? See ringcentral-mcp --help'],
    [['doctr'], 'unknown command "doctr"; did you mean doctor? See ringcentral-mcp --help'],
  ])('the command: %j', (argv, message) => {
    const r = run(argv);
    expect(r.stderr).toBe(`ringcentral-mcp: ${message}\n`);
    expect(r.code).toBe(2);
  });

  it.each([
    [['--read-onyl'], 'unknown option --read-onyl; did you mean --read-only? See ringcentral-mcp --help'],
    [['tools', '--tolsets', 'calls'], 'unknown option --tolsets; did you mean --toolsets? See ringcentral-mcp --help'],
    [['doctor', '--sandbx'], 'unknown option --sandbx; did you mean --sandbox? See ringcentral-mcp --help'],
    [
      ['call', 'ringcentral_status', '--max-concurency', '2'],
      'unknown option --max-concurency; did you mean --max-concurrency? See ringcentral-mcp --help',
    ],
    [['config', 'cursor', '--readonly'], 'unknown option --readonly; did you mean --read-only? See ringcentral-mcp --help'],
    [['setup', '--yse'], 'unknown option --yse; did you mean --yes? See ringcentral-mcp --help'],
    [['--zzzzzzzz'], 'unknown option --zzzzzzzz. See ringcentral-mcp --help'],
    [['--timeout'], "Option '--timeout <value>' argument missing. See ringcentral-mcp --help"],
  ])('%j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(new Error(message));
  });
});

describe('a reader that leaves early (| head, a closed pager)', () => {
  /** Runs the CLI with its stdout closed by the reader before anything is written. */
  function withClosedStdout(args: string[], stdin?: string): Promise<{ code: number | null; stderr: string }> {
    sandbox.setFault('');
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...sandbox.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.stdin.on('error', () => {});
    if (stdin === undefined) child.stdin.end();
    else child.stdin.write(stdin);
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  }

  it.each([
    [['tools']],
    [['--help']],
    [['--version']],
    [['doctor', '--sandbox']],
    [['config', 'vscode', '--sandbox']],
    [['call', 'ringcentral_list_contacts', '{"limit":2}', '--sandbox']],
  ])('%j ends quietly with its own exit code', { concurrent: true }, async (args) => {
    const r = await withClosedStdout(args);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(r.code).toBe(0);
  });

  it('the stdio server: a client that closed stdout has left; the server stops, without a stack trace', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    };
    const r = await withClosedStdout(['--sandbox', '--no-warmup'], `${JSON.stringify(initialize)}\n`);
    expect(r.stderr).toMatch(/the client closed stdout; stopping/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(r.code).toBe(0);
  });
});
