/**
 * The one place that starts the Membrane CLI (with execa): argv array (never a shell), stdin ignored, bounded
 * output, a timeout, cancellation, and at most N processes at once. On timeout or cancel the
 * whole process group is killed (SIGTERM, then SIGKILL), so no grandchild outlives a call.
 */
import { ChildProcess } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { getSystemErrorName } from 'node:util';
import type { CallLimits } from '../../tools/contract.js';
import { LIMITS, byteLength } from '../safety/bounds.js';
import { ToolError, FIX } from '../errors.js';
import { Limiter, MAX_QUEUED_PER_PERSON } from './limiter.js';
import { killGroup, processGuard, Watchdog, type ProcessGuard } from './process-guard.js';

export interface CliCommand {
  /** Executable, e.g. `membrane` or process.execPath for the bundled sandbox. */
  file: string;
  /** Arguments placed before every command (the sandbox script path). */
  prefix: string[];
}

export interface RunnerOptions {
  command: CliCommand;
  timeoutMs: number;
  maxConcurrency: number;
  maxOutputBytes: number;
  /** Extra environment for the CLI; the server's own environment is passed through. */
  env?: Record<string, string | undefined>;
  /** Milliseconds between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Calls one person may have waiting for a slot; beyond it a call is refused at once. */
  maxQueuedPerPerson?: number;
  /** Told about every CLI group while it runs; default the process's own (which the entry installs). */
  guard?: ProcessGuard;
}

export interface CliResult {
  argv: string[];
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
}

/** execa takes ~60 ms to load: loaded with the first CLI run (the warm-up), not before tools/list. */
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = () => (execaModule ??= import('execa'));

/** Stops CLI groups at their deadline even when this process died without running a handler (SIGKILL). */
// Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: in-process tests run on POSIX, where the watchdog cannot act (its script is in dist/; the reliability tests check it).
const watchdog = process.platform === 'win32' ? undefined : new Watchdog();
/** How long the CLI's leftover children may keep its output open after the CLI has exited. */
const LINGER_MS = 500;

/** While this runner starts a CLI: what to do with a start the system refused before creating its stdio. */
let onRefusedStart: ((code: string) => void) | undefined;
let spawnGuardInstalled = false;

/**
 * Out of file descriptors (EMFILE, ENFILE), Node gives up on a child before creating its stdio and
 * reports the error a moment later as the child's 'error' event. execa then fails at once (it reads
 * the missing stdio) and never listens to that child, so the event would end the whole server. While
 * the runner starts a CLI, such a child gets a listener here, and the call fails with the reason.
 */
function installSpawnGuard(): void {
  if (spawnGuardInstalled) return;
  spawnGuardInstalled = true;
  // spawn is Node's internal method of ChildProcess, absent from its public type.
  const original = Reflect.get(ChildProcess.prototype, 'spawn') as (this: ChildProcess, options: unknown) => unknown;
  Reflect.set(ChildProcess.prototype, 'spawn', function (this: ChildProcess, options: unknown) {
    const result = original.call(this, options);
    if (onRefusedStart && this.stdio == null && typeof result === 'number' && result < 0) {
      this.once('error', () => undefined); // Its reason is reported through the call below.
      onRefusedStart(getSystemErrorName(result));
    }
    return result;
  });
}

/** Runs `start` (execa's synchronous part); a start refused without stdio becomes the CLI's "not started" error. */
function startChild<T>(file: string, start: () => T): T {
  installSpawnGuard();
  let refused: string | undefined;
  onRefusedStart = (code) => (refused = code);
  try {
    return start();
  } catch (error) {
    if (refused) throw notStarted(file, refused);
    throw error;
  } finally {
    onRefusedStart = undefined;
  }
}

/** 1500 -> "1.5 s", 60000 -> "60 s". */
// Stryker disable next-line EqualityOperator: at exactly 10 s both forms read "10 s".
export const seconds = (ms: number): string => `${ms < 10_000 ? Number((ms / 1000).toFixed(1)) : Math.round(ms / 1000)} s`;

export class CliRunner {
  readonly limiter: Limiter;
  private readonly count: { spawned: number };

  /** `share`: the slots and the count of another runner, whose calls `person` makes (see forPerson). */
  constructor(
    readonly options: RunnerOptions,
    private readonly share?: { limiter: Limiter; count: { spawned: number }; person: string },
  ) {
    this.limiter = share?.limiter ?? new Limiter(options.maxConcurrency, options.maxQueuedPerPerson ?? MAX_QUEUED_PER_PERSON);
    this.count = share?.count ?? { spawned: 0 };
  }

  /** Processes started since creation (by every person's view); tests and the benchmark read it. */
  get spawned(): number {
    return this.count.spawned;
  }

  /** This runner as one person uses it: the same slots, their own place in the queue. */
  forPerson(person: string): CliRunner {
    return new CliRunner(this.options, { limiter: this.limiter, count: this.count, person });
  }

  /** The argv a command would run with, for dry runs and error messages. */
  argv(args: string[]): string[] {
    return [this.options.command.file, ...this.options.command.prefix, ...args];
  }

  /** Runs the CLI once; the call's timeout counts from now, its wait for a slot included. */
  run(args: string[], options: CallLimits = {}): Promise<CliResult> {
    const tooLong = argvProblem(this.argv(args));
    if (tooLong) return Promise.reject(tooLong);
    const deadline = Date.now() + (options.timeoutMs ?? this.options.timeoutMs);
    return this.limiter
      .run(() => this.spawn(args, options, deadline - Date.now()), {
        signal: options.signal,
        person: this.share?.person,
        deadline,
      })
      .catch((error: unknown) => {
        if (options.signal?.aborted && !(error instanceof ToolError)) throw cancelled();
        throw error;
      });
  }

  /** Starts the CLI and stops it after `leftMs`: what the wait for a slot left of the call's timeout. */
  private async spawn(args: string[], options: CallLimits, leftMs: number): Promise<CliResult> {
    const { execa } = await loadExeca();
    options.signal?.throwIfAborted();
    const { command, maxOutputBytes, env } = this.options;
    const budgetMs = options.timeoutMs ?? this.options.timeoutMs;
    const timeoutMs = Math.max(1, leftMs);
    const grace = this.options.killGraceMs ?? 2000;
    this.count.spawned++;
    const child = startChild(command.file, () =>
      execa(command.file, [...command.prefix, ...args], {
        stdin: 'ignore',
        reject: false,
        shell: false,
        // Its own process group, so a timeout or cancel can stop the CLI and anything it started.
        // Stryker disable next-line ConditionalExpression,StringLiteral: the Windows branch; these tests run on POSIX.
        detached: process.platform !== 'win32',
        // Stryker disable next-line BooleanLiteral: acts when this process exits, as the exit hook does (that one is tested).
        cleanup: true,
        // Stryker disable next-line BooleanLiteral: Windows only.
        windowsHide: true,
        maxBuffer: maxOutputBytes,
        stripFinalNewline: false,
        env: withNodeOnPath(env),
        extendEnv: true,
      }),
    );
    const pid = child.pid;
    let lingering: NodeJS.Timeout | undefined;
    const guard = this.options.guard ?? processGuard;
    if (pid !== undefined) {
      guard.track(pid);
      // Stryker disable next-line ArithmeticOperator,OptionalChaining: the watchdog cannot act in-process (see above); its deadline only backs up the runner's own.
      watchdog?.watch(pid, Date.now() + timeoutMs + grace + 1000);
      // A child the CLI left behind can hold its stdout open, and the call would wait for the timeout:
      // once the CLI itself has exited, what is left of its group gets a moment to finish, then stops.
      child.once('exit', () => {
        lingering = setTimeout(() => killGroup(pid, 'SIGKILL'), LINGER_MS).unref();
      });
    }

    let stopReason: 'timeout' | 'cancelled' | undefined;
    const stop = (reason: 'timeout' | 'cancelled') => {
      // Stryker disable next-line ConditionalExpression: a spawn failure settles before any timer or abort, and killGroup ignores a missing group.
      if (stopReason || pid === undefined) return;
      stopReason = reason;
      // Stryker disable next-line StringLiteral: process.kill reads '' as SIGTERM.
      killGroup(pid, 'SIGTERM');
      setTimeout(() => killGroup(pid, 'SIGKILL'), grace).unref();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('cancelled');
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: an AbortSignal fires 'abort' once.
    options.signal?.addEventListener('abort', onAbort, { once: true });

    try {
      const result = await child;
      return this.outcome(args, result, { stopReason, pid, budgetMs, timeoutMs });
    } finally {
      clearTimeout(timer);
      // Stryker disable next-line all: the group is stopped below anyway; clearing spares a pid reused by then.
      clearTimeout(lingering);
      options.signal?.removeEventListener('abort', onAbort);
      // Stryker disable next-line ConditionalExpression: without a pid each step does nothing (process.kill(NaN) throws and is caught).
      if (pid !== undefined) {
        guard.untrack(pid);
        // Stryker disable next-line OptionalChaining: there is a watchdog on POSIX, where these tests run.
        watchdog?.release(pid);
        // The CLI may have left children of its own in the group; none may outlive the call.
        killGroup(pid, 'SIGKILL');
      }
    }
  }

  /** What a finished run gives: its output, or why it has none (stopped, too much output, never started). */
  private outcome(
    args: string[],
    result: { stdout: string; stderr: string; exitCode?: number; signal?: string | null; isMaxBuffer?: boolean },
    run: { stopReason?: 'timeout' | 'cancelled'; pid?: number; budgetMs: number; timeoutMs: number },
  ): CliResult {
    if (run.stopReason === 'timeout') {
      throw new ToolError(
        'timeout',
        `membrane did not answer within ${seconds(run.budgetMs)}${waited(run.budgetMs - run.timeoutMs)} and was stopped`,
        {
          fix: 'check `membrane status` and your network; raise --timeout (RINGCENTRAL_MCP_TIMEOUT_MS) for slow calls',
        },
      );
    }
    if (run.stopReason === 'cancelled') throw cancelled();
    if (result.isMaxBuffer) {
      throw new ToolError('output_too_large', `membrane printed more than ${this.options.maxOutputBytes} bytes; the call was stopped`, {
        fix: 'ask for less: a smaller limit, a narrower date range or more filters',
      });
    }
    // No pid: the system did not start it (ENOENT, EACCES, E2BIG...).
    if (run.pid === undefined) throw notStarted(this.options.command.file, (result as { code?: string }).code);
    return {
      argv: this.argv(args),
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.exitCode,
      signal: result.signal ?? undefined,
    };
  }
}

/**
 * The CLI's environment, with the folder of the node running this server at the end of PATH. The
 * Membrane CLI starts with `#!/usr/bin/env node`, and GUI clients (Claude Desktop) start servers
 * without the shell's PATH, where a node from nvm or Homebrew is not found.
 */
export function withNodeOnPath(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  // Stryker disable next-line ConditionalExpression,StringLiteral: Windows keeps PATH as Path and finds node through npm's .cmd shims.
  if (process.platform === 'win32') return env;
  const nodeDir = dirname(process.execPath);
  const parts = (('PATH' in env ? env.PATH : process.env.PATH) ?? '').split(delimiter).filter(Boolean);
  return { ...env, PATH: (parts.includes(nodeDir) ? parts : [...parts, nodeDir]).join(delimiter) };
}

/** Why the system did not start the CLI: only a missing or non-executable file is "install it". */
export function notStarted(file: string, code: string | undefined): ToolError {
  if (code === 'ENOENT')
    return new ToolError('cli_missing', `the Membrane CLI was not found (tried to run "${file}")`, { fix: FIX.install });
  if (code === 'EACCES') {
    // There is a file (or folder) by that name: installing again would not help.
    return new ToolError('cli_missing', `the Membrane CLI could not be started (EACCES: not executable) (tried to run "${file}")`, {
      fix: `point MEMBRANE_CLI (or --membrane) at the membrane executable itself, or make it executable: chmod +x "${file}"`,
      upstreamCode: code,
    });
  }
  const fix: Record<string, string> = {
    E2BIG: 'the command line was too long: send smaller input',
    EMFILE: 'this process has too many open files: lower --max-concurrency or raise the limit (ulimit -n)',
    ENFILE: 'the system has too many open files: close other programs or raise the system limit',
    EAGAIN: 'the system refused a new process (process limit or memory): try again shortly, or lower --max-concurrency',
    ENOMEM: 'the system is out of memory: try again shortly, or lower --max-concurrency',
  };
  return new ToolError('membrane_error', `the system could not start the Membrane CLI "${file}": ${code ?? 'no process was created'}`, {
    fix: (code && fix[code]) ?? 'run the same membrane command by hand to see why it does not start',
  });
}

/** A command line the OS would refuse (E2BIG), as invalid_input naming the limit, before spawning. */
function argvProblem(argv: string[]): ToolError | undefined {
  const longest = Math.max(...argv.map(byteLength));
  const total = argv.reduce((sum, arg) => sum + byteLength(arg) + 1, 0);
  if (longest <= LIMITS.argBytes && total <= LIMITS.argvBytes) return undefined;
  const what =
    longest > LIMITS.argBytes
      ? `one argument is ${longest} bytes, over the limit of ${LIMITS.argBytes}`
      : `the command line is ${total} bytes, over the limit of ${LIMITS.argvBytes}`;
  return new ToolError('invalid_input', `argv: ${what}; nothing was run`, { fix: 'send smaller input (fewer or shorter values)' });
}

/** The part of a call's timeout spent waiting for a CLI slot, when it is worth saying. */
const waited = (ms: number): string => (ms >= 1000 ? ` (${seconds(ms)} of it waiting for a CLI slot)` : '');

function cancelled(): ToolError {
  return new ToolError('cancelled', 'the call was cancelled by the client; the CLI process was stopped');
}
