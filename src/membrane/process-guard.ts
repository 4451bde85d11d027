/**
 * The process-wide hooks that keep CLI groups from outliving this process, in one place: the
 * runner tells the guard which groups run, and the program's entry (`src/cli.ts`, the library's
 * `tools[i].run`, or a program that embeds `createServer`) installs the guard once. A library
 * that merely constructs runners changes nothing of the process. And the watchdog, for the one
 * death no hook sees: this process killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Stops a process group (a pid on Windows); one already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Stryker disable next-line ConditionalExpression,StringLiteral: the Windows branch; these tests run on POSIX.
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The CLI runs in its own process group (detached), so a signal that ends this server (a client
 * closing the server with SIGTERM, Ctrl-C, a closed terminal) would not reach it, and `exit`
 * handlers do not run on a signal death. While a CLI runs, the guard's handlers kill its group and
 * then let the signal do what it would have done: the process dies by it. When the program handles
 * the signal itself (the HTTP server's graceful shutdown lets in-flight calls finish), they stand
 * aside: that program exits through process.exit, and the `exit` hook stops what is left.
 */
const POSIX_DEATH_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
// Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,ArrayDeclaration: the Windows branch; these tests run on POSIX.
const DEATH_SIGNALS: NodeJS.Signals[] = process.platform === 'win32' ? [] : POSIX_DEATH_SIGNALS;

export class ProcessGuard {
  private readonly groups = new Set<number>();
  private installed = false;
  private signalHandlersOn = false;

  /** Installs the exit hook (once); from then on the signal handlers are on while a CLI runs. */
  install(): this {
    if (this.installed) return this;
    this.installed = true;
    process.once('exit', () => this.killAll());
    this.setSignalHandlers(this.groups.size > 0);
    return this;
  }

  /** A CLI group started. */
  track(pid: number): void {
    this.groups.add(pid);
    this.setSignalHandlers(this.installed);
  }

  /** A CLI group ended. */
  untrack(pid: number): void {
    this.groups.delete(pid);
    if (this.groups.size === 0) this.setSignalHandlers(false);
  }

  private killAll(): void {
    for (const pid of this.groups) killGroup(pid, 'SIGKILL');
  }

  private readonly onDeathSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    this.killAll();
    this.groups.clear();
    this.setSignalHandlers(false);
    process.kill(process.pid, signal);
  };

  private setSignalHandlers(on: boolean): void {
    if (on === this.signalHandlersOn) return;
    this.signalHandlersOn = on;
    for (const signal of DEATH_SIGNALS) {
      if (on) process.on(signal, this.onDeathSignal);
      else process.off(signal, this.onDeathSignal);
    }
  }
}

/** The one guard of this process. */
export const processGuard = new ProcessGuard();

/**
 * The server's side of the watchdog (see watchdog-process.ts): started once, detached and unref'd
 * so it neither keeps the server alive nor dies with the server's process group, and told about
 * every CLI group with the moment it must be gone. Killing a server with SIGKILL runs no handler
 * of its own; the watchdog sees its stdin end and stops what the server left running.
 */
const SCRIPT = fileURLToPath(new URL('./watchdog-process.js', import.meta.url));

export class Watchdog {
  private child?: ChildProcess;

  private process(): ChildProcess | undefined {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    try {
      const child = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true, windowsHide: true });
      child.on('error', () => undefined);
      child.stdin?.on('error', () => undefined);
      child.unref();
      (child.stdin as Socket | null)?.unref?.(); // A pipe's stdin is a net.Socket.
      this.child = child;
      return child;
    } catch {
      return undefined; // Without a watchdog the server still stops its CLI runs itself.
    }
  }

  /** The group `pgid` must be gone by `deadline` (epoch ms), even if this server is not. */
  watch(pgid: number, deadline: number): void {
    this.process()?.stdin?.write(`+${pgid} ${Math.ceil(deadline)}\n`);
  }

  /** The group ended normally. */
  release(pgid: number): void {
    if (this.child?.exitCode === null) this.child.stdin?.write(`-${pgid}\n`);
  }
}
