/**
 * The one place that starts the Membrane CLI: argv array (never a shell), stdin ignored, bounded
 * output, a timeout, cancellation, and at most N processes at once. On timeout or cancel the
 * whole process group is killed (SIGTERM, then SIGKILL), so no grandchild outlives a call.
 */
import { execa } from 'execa';
import { ToolError, FIX } from './errors.js';
import { Limiter } from './limiter.js';

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
}

export interface CliResult {
  argv: string[];
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

export class CliRunner {
  readonly limiter: Limiter;
  /** Processes started since creation; tests and the benchmark read it. */
  spawned = 0;

  constructor(readonly options: RunnerOptions) {
    this.limiter = new Limiter(options.maxConcurrency);
    installExitHook();
  }

  /** The argv a command would run with, for dry runs and error messages. */
  argv(args: string[]): string[] {
    return [this.options.command.file, ...this.options.command.prefix, ...args];
  }

  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    return this.limiter
      .run(() => this.spawn(args, options), options.signal)
      .catch((error: unknown) => {
        if (options.signal?.aborted && !(error instanceof ToolError)) throw cancelled();
        throw error;
      });
  }

  private async spawn(args: string[], options: RunOptions): Promise<CliResult> {
    options.signal?.throwIfAborted();
    const { command, maxOutputBytes, env } = this.options;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const grace = this.options.killGraceMs ?? 2000;
    this.spawned++;
    const child = execa(command.file, [...command.prefix, ...args], {
      stdin: 'ignore',
      reject: false,
      shell: false,
      detached: process.platform !== 'win32',
      cleanup: true,
      windowsHide: true,
      maxBuffer: maxOutputBytes,
      stripFinalNewline: false,
      env,
      extendEnv: true,
    });
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);

    let stopReason: 'timeout' | 'cancelled' | undefined;
    const stop = (reason: 'timeout' | 'cancelled') => {
      if (stopReason || pid === undefined) return;
      stopReason = reason;
      killGroup(pid, 'SIGTERM');
      setTimeout(() => killGroup(pid, 'SIGKILL'), grace).unref();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    try {
      const result = await child;
      if (stopReason === 'timeout') {
        throw new ToolError('timeout', `membrane did not answer within ${Math.round(timeoutMs / 1000)} s and was stopped`, {
          fix: 'check `membrane status` and your network; raise --timeout (RINGCENTRAL_MCP_TIMEOUT_MS) for slow calls',
        });
      }
      if (stopReason === 'cancelled') throw cancelled();
      if (result.isMaxBuffer) {
        if (pid !== undefined) killGroup(pid, 'SIGKILL');
        throw new ToolError('output_too_large', `membrane printed more than ${maxOutputBytes} bytes; the call was stopped`, {
          fix: 'ask for less: a smaller limit, a narrower date range or more filters',
        });
      }
      if ((result as { code?: string }).code === 'ENOENT') {
        throw new ToolError('cli_missing', `the Membrane CLI was not found (tried to run "${command.file}")`, { fix: FIX.install });
      }
      return {
        argv: this.argv(args),
        stdout: String(result.stdout ?? ''),
        stderr: String(result.stderr ?? ''),
        exitCode: result.exitCode,
        signal: result.signal ?? undefined,
      };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) {
        liveGroups.delete(pid);
        // The CLI may have left children of its own in the group; none may outlive the call.
        killGroup(pid, 'SIGKILL');
      }
    }
  }
}

function cancelled(): ToolError {
  return new ToolError('cancelled', 'the call was cancelled by the client; the CLI process was stopped');
}
