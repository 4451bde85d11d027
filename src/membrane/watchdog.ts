/**
 * The server's side of the watchdog (see watchdog-process.ts): started once, detached and unref'd
 * so it neither keeps the server alive nor dies with the server's process group, and told about
 * every CLI group with the moment it must be gone. Killing a server with SIGKILL runs no handler
 * of its own; the watchdog sees its stdin end and stops what the server left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

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
