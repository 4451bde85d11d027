// Process-level faults: hanging, slowness, crashes and polluted or missing output.
import type { Env } from './env.js';
import type { Outcome } from './output.js';
import { sleepSync } from './sleep.js';

export const BANNER = 'Update available 1.4.0 -> 1.5.0, run npm i -g @membranehq/cli\n';
export const GARBAGE = '<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1></body></html>\n';

/** Never answers. Returns a promise that never settles while a timer keeps the process alive. */
export async function hang(env: Env): Promise<never> {
  setInterval(() => {}, 1 << 30);
  if (env.faults.has('hang-with-child')) {
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    // A grandchild that shares our stdio: only killing the whole process tree releases the pipes.
    const child = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e9)'], { stdio: ['ignore', 'inherit', 'inherit'] });
    process.stderr.write(`grandchild ${child.pid}\n`);
  }
  return new Promise<never>(() => {});
}

/** Answers normally but leaves a child that shares its stdout, as a CLI's background helper might. */
export function leaveChild(env: Env): void {
  if (!env.faults.has('lingering-child')) return;
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  spawn(process.execPath, ['-e', 'setInterval(()=>{},1e9)'], { stdio: ['ignore', 'inherit', 'ignore'] }).unref();
}

export function delay(env: Env): void {
  if (env.faults.has('slow')) sleepSync(env.delayMs);
}

/** Faults that replace an API command's answer before it runs. */
export function preempt(env: Env): Outcome | undefined {
  if (env.faults.has('stderr-only')) return { stderr: 'Error: Request failed with status code 500\n', code: 1 };
  if (env.faults.has('garbage')) return { stdout: GARBAGE, code: 0 };
  return undefined;
}
