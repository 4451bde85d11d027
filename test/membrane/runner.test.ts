/**
 * src/membrane/runner.ts against small fake CLIs (shell scripts in a temp folder): what it passes
 * (argv without a shell, environment, no stdin), what it returns, and how it stops a CLI that
 * hangs, ignores SIGTERM, floods its output, or is cancelled, leaving no process of the group behind.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIX, ToolError } from '../../src/errors.js';
import { processGuard } from '../../src/membrane/process-guard.js';
import { CliRunner, notStarted, seconds, withNodeOnPath, type RunnerOptions } from '../../src/membrane/runner.js';
import type { CallLimits } from '../../tools/contract.js';
import { LIMITS } from '../../src/safety/bounds.js';

/** The `exit` listeners present before this file made a runner: the runner's own hook is the one added after. */
const exitListenersBefore = process.listeners('exit');
// What the entry does: the guard's exit hook and signal handlers, installed once for every runner.
processGuard.install();

const dir = mkdtempSync(join(tmpdir(), 'rcmcp-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let scripts = 0;
/** A fake CLI: an executable /bin/sh script. */
function script(body: string, mode = 0o755): string {
  const file = join(dir, `cli-${++scripts}`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, mode);
  return file;
}

/**
 * Starts `sleep 30` in the background (its pid written to $PIDFILE), as a CLI's own child would:
 * it ignores SIGTERM (only SIGKILL ends it) and keeps no output open.
 */
const GRANDCHILD = `(trap '' TERM; exec sleep 30) >/dev/null 2>&1 & echo $! > "$PIDFILE"`;

const runner = (file: string, options: Partial<RunnerOptions> = {}) =>
  new CliRunner({
    command: { file, prefix: [] },
    timeoutMs: 10_000,
    maxConcurrency: 2,
    maxOutputBytes: 100_000,
    killGraceMs: 200,
    ...options,
  });

/** A runner whose scripts write their grandchild's pid to a file of their own. */
function withPidFile(file: string, options: Partial<RunnerOptions> = {}) {
  const pidFile = join(dir, `pid-${++scripts}`);
  return { cli: runner(file, { ...options, env: { PIDFILE: pidFile } }), pid: () => Number(readFileSync(pidFile, 'utf8')), pidFile };
}

/** Whether a process runs; a zombie (dead, not yet reaped by whoever adopted it) does not. */
const alive = (pid: number): boolean => {
  if (existsSync('/proc/self/stat')) {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (bounded) until a process is gone; a process killed by SIGKILL goes within moments. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
  return !alive(pid);
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !check(); i++) await sleep(20);
  expect(check()).toBe(true);
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a ToolError, the run succeeded');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ToolError);
      return (error as ToolError).toJSON();
    },
  );

const TIMEOUT_FIX = 'check `membrane status` and your network; raise --timeout (RINGCENTRAL_MCP_TIMEOUT_MS) for slow calls';
const CANCELLED = { code: 'cancelled', message: 'the call was cancelled by the client; the CLI process was stopped' };

describe('the CLI group outlives no death of the server', () => {
  const DEATH = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  const counts = () => DEATH.map((signal) => process.listenerCount(signal));

  /**
   * What the handler sends this process when it does not stand aside: the signal itself, which
   * here would end the test run, so that one call is recorded instead (every other kill is real).
   */
  let resent: unknown[] = [];
  /** Every other kill, as [target, signal]. */
  let kills: unknown[][] = [];
  beforeEach(() => {
    resent = [];
    kills = [];
    const kill = process.kill.bind(process);
    vi.spyOn(process, 'kill').mockImplementation((target: number, signal?: string | number) => {
      if (target !== process.pid) {
        kills.push([target, signal]);
        return kill(target, signal);
      }
      resent.push(signal);
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Starts a hanging CLI and waits until its grandchild runs; `done` settles when the run ends. */
  async function hanging(cli: CliRunner, pidFile: string, run: CallLimits = {}) {
    const done = cli.run([], run);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
    return { done };
  }

  // First in this file: it makes the first runners and runs the first CLI of the module.
  it('handles SIGTERM, SIGINT and SIGHUP only while a CLI runs; one exit hook for all runners', async () => {
    const before = counts();
    const first = withPidFile(script(`${GRANDCHILD}; wait`));
    const second = withPidFile(script(`${GRANDCHILD}; wait`));
    expect(process.listeners('exit').filter((listener) => !exitListenersBefore.includes(listener))).toHaveLength(1);
    const [a, b] = [new AbortController(), new AbortController()];
    const running = await Promise.all([
      hanging(first.cli, first.pidFile, { signal: a.signal }),
      hanging(second.cli, second.pidFile, { signal: b.signal }),
    ]);
    expect(counts()).toEqual(before.map((n) => n + 1));
    a.abort();
    await rejection(running[0].done);
    expect(counts()).toEqual(before.map((n) => n + 1));
    b.abort();
    await rejection(running[1].done);
    expect(counts()).toEqual(before);
  });

  it('stands aside when the program handles the signal itself', async () => {
    const { cli, pid, pidFile } = withPidFile(script(`${GRANDCHILD}; wait`), { timeoutMs: 5000 });
    const controller = new AbortController();
    const running = hanging(cli, pidFile, { signal: controller.signal });
    const own = () => undefined;
    process.on('SIGTERM', own);
    try {
      const { done } = await running;
      process.emit('SIGTERM', 'SIGTERM');
      expect(resent).toEqual([]);
      expect(alive(pid())).toBe(true);
      controller.abort();
      expect(await rejection(done)).toEqual(CANCELLED);
    } finally {
      process.off('SIGTERM', own);
    }
  });

  it('otherwise kills every CLI group, removes its handlers and lets the signal end the process', async () => {
    const before = counts();
    const { cli, pid, pidFile } = withPidFile(script(`${GRANDCHILD}; wait`), { timeoutMs: 5000 });
    const { done } = await hanging(cli, pidFile);
    // Only this runner's handler may listen, as in a program that handles no signal itself.
    const others = process.listeners('SIGHUP').slice(0, -1);
    for (const listener of others) process.off('SIGHUP', listener);
    try {
      process.emit('SIGHUP', 'SIGHUP');
    } finally {
      for (const listener of others) process.on('SIGHUP', listener);
    }
    expect(resent).toEqual(['SIGHUP']);
    expect(counts()).toEqual(before);
    expect(await done).toMatchObject({ signal: 'SIGKILL' });
    expect(await gone(pid())).toBe(true);
  });

  it('a cancel after the call ended signals nothing', async () => {
    const controller = new AbortController();
    const cli = runner(script("echo '{}'"));
    expect((await cli.run([], { signal: controller.signal })).stdout).toBe('{}\n');
    const after = kills.length;
    controller.abort();
    expect(kills.slice(after)).toEqual([]);
  });

  it('the exit hook kills the CLI groups still running', async () => {
    const { cli, pid, pidFile } = withPidFile(script(`${GRANDCHILD}; wait`), { timeoutMs: 5000 });
    runner(script('true'));
    const added = process.listeners('exit').filter((listener) => !exitListenersBefore.includes(listener));
    expect(added).toHaveLength(1);
    const { done } = await hanging(cli, pidFile);
    (added[0] as () => void)();
    expect(await done).toMatchObject({ signal: 'SIGKILL' });
    expect(await gone(pid())).toBe(true);
  });
});

describe('a run that ends by itself', () => {
  it('returns argv, stdout and stderr exactly as printed (final newline kept), and the exit code', async () => {
    const file = script("printf '{\"ok\":true}\\n'; printf 'warn\\n' >&2");
    const cli = new CliRunner({ command: { file: '/bin/sh', prefix: [file] }, timeoutMs: 10_000, maxConcurrency: 1, maxOutputBytes: 1000 });
    expect(cli.argv(['a'])).toEqual(['/bin/sh', file, 'a']);
    expect(await cli.run(['connection', 'list'])).toEqual({
      argv: ['/bin/sh', file, 'connection', 'list'],
      stdout: '{"ok":true}\n',
      stderr: 'warn\n',
      exitCode: 0,
      signal: undefined,
    });
    expect(cli.spawned).toBe(1);
  });

  it('passes each argument as it is: no shell reads quotes, $ or ;', async () => {
    const args = ['a b', '$HOME;echo hi', '*', "it's"];
    const result = await runner(script('for a in "$@"; do printf \'%s\\n\' "$a"; done')).run(args);
    expect(result.stdout).toBe(args.map((a) => `${a}\n`).join(''));
  });

  it("passes the server's environment plus the extra variables", async () => {
    process.env.RCMCP_RUNNER_PARENT = 'from-server';
    try {
      const result = await runner(script('printf \'%s|%s\' "$RCMCP_EXTRA" "$RCMCP_RUNNER_PARENT"'), { env: { RCMCP_EXTRA: 'extra' } }).run(
        [],
      );
      expect(result.stdout).toBe('extra|from-server');
    } finally {
      delete process.env.RCMCP_RUNNER_PARENT;
    }
  });

  it("finds node for a `#!/usr/bin/env node` CLI when the client's PATH lacks it (GUI clients), after the PATH's own", async () => {
    const file = join(dir, `cli-${++scripts}`);
    writeFileSync(file, `#!/usr/bin/env node\nprocess.stdout.write(process.execPath + '|' + process.env.PATH)\n`);
    chmodSync(file, 0o755);
    const emptyBin = mkdtempSync(join(dir, 'bin-'));
    const result = await runner(file, { env: { PATH: emptyBin } }).run([]);
    expect(result.stdout).toBe(`${process.execPath}|${emptyBin}:${dirname(process.execPath)}`);
    // Already on PATH: left as it is.
    expect(withNodeOnPath({ PATH: `/a:${dirname(process.execPath)}:/b` }).PATH).toBe(`/a:${dirname(process.execPath)}:/b`);
    expect(withNodeOnPath({ PATH: undefined, X: '1' })).toEqual({ PATH: dirname(process.execPath), X: '1' });
  });

  it('gives the CLI no stdin: a CLI that reads it sees its end at once', async () => {
    expect(await runner(script('cat; echo read-done'), { timeoutMs: 5000 }).run([])).toMatchObject({ stdout: 'read-done\n', exitCode: 0 });
  });

  it('returns a failing exit code, text that is not JSON and a crash as they are (the parser judges them)', async () => {
    expect(await runner(script('echo oops >&2; exit 3')).run(['x'])).toMatchObject({ stdout: '', stderr: 'oops\n', exitCode: 3 });
    expect(await runner(script('echo Done!')).run([])).toMatchObject({ stdout: 'Done!\n', exitCode: 0 });
    expect(await runner(script('kill -SEGV $$')).run([])).toMatchObject({ signal: 'SIGSEGV', exitCode: undefined });
  });

  it('kills what the CLI left running in its group when it exits', async () => {
    const { cli, pid } = withPidFile(script(`${GRANDCHILD}; echo '{}'`));
    expect((await cli.run([])).stdout).toBe('{}\n');
    expect(await gone(pid())).toBe(true);
  });

  it('answers soon after the CLI exits when a child it left holds its output open, and stops that child', async () => {
    const holder = `(trap '' TERM; exec sleep 30) 2>/dev/null & echo $! > "$PIDFILE"`;
    const { cli, pid } = withPidFile(script(`${holder}; echo '{"ok":1}'`), { timeoutMs: 20_000 });
    // Waiting for the output to close would end in the 20 s timeout, a rejection.
    expect(await cli.run([])).toMatchObject({ stdout: '{"ok":1}\n', exitCode: 0 });
    expect(await gone(pid())).toBe(true);
  });
});

describe('a run that must be stopped', () => {
  it('a CLI that hangs is stopped at the timeout, with its children', async () => {
    const { cli, pid } = withPidFile(script(`${GRANDCHILD}; wait`), { timeoutMs: 300 });
    expect(await rejection(cli.run([]))).toEqual({
      code: 'timeout',
      message: 'membrane did not answer within 0.3 s and was stopped',
      fix: TIMEOUT_FIX,
    });
    expect(await gone(pid())).toBe(true);
  });

  it('the per-call timeout wins over the runner default', async () => {
    const cli = runner(script('sleep 30'), { timeoutMs: 60_000 });
    expect((await rejection(cli.run([], { timeoutMs: 250 }))).message).toBe('membrane did not answer within 0.3 s and was stopped');
  });

  it('a CLI that ignores SIGTERM is killed after the grace period, before it could finish', async () => {
    const finished = join(dir, 'stubborn-finished');
    const { cli, pid } = withPidFile(script(`trap '' TERM; ${GRANDCHILD}; sleep 1.5; touch "${finished}"`), {
      timeoutMs: 200,
      killGraceMs: 300,
    });
    expect((await rejection(cli.run([]))).code).toBe('timeout');
    expect(existsSync(finished)).toBe(false);
    expect(await gone(pid())).toBe(true);
  });

  it('a CLI that floods its output is stopped at the byte limit', async () => {
    const cli = runner(script('while :; do printf xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done'), { maxOutputBytes: 1000 });
    expect(await rejection(cli.run([]))).toEqual({
      code: 'output_too_large',
      message: 'membrane printed more than 1000 bytes; the call was stopped',
      fix: 'ask for less: a smaller limit, a narrower date range or more filters',
    });
  });

  it('cancelled while running: stopped with its children', async () => {
    const { cli, pid, pidFile } = withPidFile(script(`${GRANDCHILD}; wait`));
    const controller = new AbortController();
    const running = cli.run([], { signal: controller.signal });
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
    controller.abort();
    expect(await rejection(running)).toEqual(CANCELLED);
    expect(await gone(pid())).toBe(true);
  });

  it('cancelled before it starts: nothing is spawned', async () => {
    const cli = runner(script('echo never'));
    expect(await rejection(cli.run([], { signal: AbortSignal.abort() }))).toEqual(CANCELLED);
    const controller = new AbortController();
    const starting = cli.run([], { signal: controller.signal });
    controller.abort();
    expect(await rejection(starting)).toEqual(CANCELLED);
    expect(cli.spawned).toBe(0);
  });

  it('cancelled while waiting for a slot: it never starts', async () => {
    const cli = runner(script('sleep 30'), { maxConcurrency: 1 });
    const first = new AbortController();
    const second = new AbortController();
    const running = cli.run([], { signal: first.signal });
    const queued = cli.run([], { signal: second.signal });
    await until(() => cli.limiter.running === 1 && cli.limiter.waiting === 1);
    second.abort();
    expect(await rejection(queued)).toEqual(CANCELLED);
    first.abort();
    expect(await rejection(running)).toEqual(CANCELLED);
    expect(cli.spawned).toBe(1);
  });

  it("the wait for a slot counts toward the call's timeout: one that runs out waiting is refused and never starts", async () => {
    const cli = runner(script('sleep 30'), { maxConcurrency: 1 });
    const holder = new AbortController();
    const running = cli.run([], { signal: holder.signal });
    await until(() => cli.limiter.running === 1);
    const waited = await rejection(cli.forPerson('bob').run([], { timeoutMs: 200 }));
    expect(waited).toMatchObject({
      code: 'rate_limited',
      message: "no CLI slot came free within the call's timeout: all 1 were in use the whole time; this one was not run",
    });
    expect(cli.spawned).toBe(1);
    expect(cli.limiter.waiting).toBe(0);
    holder.abort();
    expect(await rejection(running)).toEqual(CANCELLED);
  });

  it('a client that cancels after the timeout stopped the CLI still learns of the timeout', async () => {
    const mark = join(dir, 'term-seen');
    const cli = runner(script(`trap 'touch "${mark}"; sleep 0.5; exit 1' TERM; sleep 30 & wait`), { timeoutMs: 200, killGraceMs: 5000 });
    const controller = new AbortController();
    const running = cli.run([], { signal: controller.signal });
    await until(() => existsSync(mark));
    controller.abort();
    expect((await rejection(running)).code).toBe('timeout');
  });
});

describe('a CLI that cannot start', () => {
  it('missing: cli_missing with the install fix, and no signal handler left behind', async () => {
    const file = join(dir, 'no-such-membrane');
    const handlers = process.listenerCount('SIGTERM');
    expect(await rejection(runner(file).run(['--version']))).toEqual({
      code: 'cli_missing',
      message: `the Membrane CLI was not found (tried to run "${file}")`,
      fix: FIX.install,
    });
    expect(process.listenerCount('SIGTERM')).toBe(handlers);
  });

  it('not executable: cli_missing naming EACCES', async () => {
    const file = script('echo never', 0o644);
    expect(await rejection(runner(file).run([]))).toEqual({
      code: 'cli_missing',
      message: `the Membrane CLI could not be started (EACCES: not executable) (tried to run "${file}")`,
      fix: `point MEMBRANE_CLI (or --membrane) at the membrane executable itself, or make it executable: chmod +x "${file}"`,
      upstreamCode: 'EACCES',
    });
  });

  it('any other reason: membrane_error with the system code', async () => {
    const file = join(script('echo never'), 'membrane');
    expect(await rejection(runner(file).run([]))).toEqual({
      code: 'membrane_error',
      message: `the system could not start the Membrane CLI "${file}": ENOTDIR`,
      fix: 'run the same membrane command by hand to see why it does not start',
    });
  });

  it('each known system code has its own fix', () => {
    const fix = (code?: string) => notStarted('membrane', code).toJSON();
    expect(fix('EMFILE')).toEqual({
      code: 'membrane_error',
      message: 'the system could not start the Membrane CLI "membrane": EMFILE',
      fix: 'this process has too many open files: lower --max-concurrency or raise the limit (ulimit -n)',
    });
    expect(fix('E2BIG').fix).toBe('the command line was too long: send smaller input');
    expect(fix('ENFILE').fix).toBe('the system has too many open files: close other programs or raise the system limit');
    expect(fix('EAGAIN').fix).toBe(
      'the system refused a new process (process limit or memory): try again shortly, or lower --max-concurrency',
    );
    expect(fix('ENOMEM').fix).toBe('the system is out of memory: try again shortly, or lower --max-concurrency');
    expect(fix(undefined)).toEqual({
      code: 'membrane_error',
      message: 'the system could not start the Membrane CLI "membrane": no process was created',
      fix: 'run the same membrane command by hand to see why it does not start',
    });
  });

  it('a command line at the limits runs; one byte over is refused before spawning', async () => {
    const cli = runner(script("echo '{}'"));
    const arg = 'a'.repeat(LIMITS.argBytes - 1) + '€';
    expect(await rejection(cli.run([arg]))).toEqual({
      code: 'invalid_input',
      message: `argv: one argument is ${LIMITS.argBytes + 2} bytes, over the limit of ${LIMITS.argBytes}; nothing was run`,
      fix: 'send smaller input (fewer or shorter values)',
    });
    expect((await cli.run(['a'.repeat(LIMITS.argBytes)])).stdout).toBe('{}\n');
    // Each argument costs its bytes plus one; the executable's path is the first.
    const base = Buffer.byteLength(cli.argv([])[0]) + 1;
    const pieces = Array.from({ length: 10 }, () => 'b'.repeat(100_000));
    const rest = LIMITS.argvBytes - base - 10 * 100_001 - 1;
    expect((await cli.run([...pieces, 'c'.repeat(rest)])).stdout).toBe('{}\n');
    expect((await rejection(cli.run([...pieces, 'c'.repeat(rest + 1)]))).message).toBe(
      `argv: the command line is ${LIMITS.argvBytes + 1} bytes, over the limit of ${LIMITS.argvBytes}; nothing was run`,
    );
    const atLimit = Array.from({ length: 8 }, () => 'd'.repeat(LIMITS.argBytes));
    expect((await rejection(cli.run(atLimit))).message).toBe(
      `argv: the command line is ${base + 8 * (LIMITS.argBytes + 1)} bytes, over the limit of ${LIMITS.argvBytes}; nothing was run`,
    );
    expect(cli.spawned).toBe(2);
  });

  it('seconds in messages: tenths below 10 s, whole seconds from there', () => {
    expect([300, 1500, 2000, 9940, 12_345, 60_000].map(seconds)).toEqual(['0.3 s', '1.5 s', '2 s', '9.9 s', '12 s', '60 s']);
  });
});
