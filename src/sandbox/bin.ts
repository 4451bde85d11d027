#!/usr/bin/env node
// membrane-sandbox: speaks the `membrane` CLI, backed by a simulated RingCentral account.
// Node built-ins only, synchronous where possible: a command costs node's startup plus a few ms.
// CommonJS (src/sandbox/package.json): every command is a new Node process, and require() loads
// its modules markedly faster than the ESM loader; modules still load on first use.
import { readEnv, type Env } from './env.js';
import { execute } from './execute.js';
import { BANNER, leaveChild } from './faults.js';
import { appendLine } from './log.js';
import type { Outcome } from './output.js';

async function writeOut(o: Outcome, env: Env, applyOutputFaults: boolean): Promise<void> {
  const out = process.stdout;
  // A reader that went away (killed caller, `| head`) is not our error.
  out.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(o.code);
    throw e;
  });
  const write = async (s: string) => {
    if (s && !out.write(s)) await new Promise((r) => out.once('drain', r));
  };
  if (applyOutputFaults && env.faults.has('crash')) {
    // Print part of the answer, then die by a signal before finishing.
    let text = o.stdout ?? '';
    if (!text && o.chunks) for (const c of o.chunks()) if ((text += c).length > 4096) break;
    const part = text.slice(0, Math.max(1, Math.floor(text.length / 2))) || '{';
    out.write(part, () => process.kill(process.pid, 'SIGKILL'));
    return new Promise(() => {});
  }
  if (applyOutputFaults) leaveChild(env);
  if (applyOutputFaults && env.faults.has('banner')) await write(BANNER);
  if (o.stderr) process.stderr.write(o.stderr);
  if (o.stdout) await write(o.stdout);
  if (o.chunks) for (const c of o.chunks()) await write(c);
  process.exitCode = o.code;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const env = readEnv();
  if (env.logPath) appendLine(env.logPath, { pid: process.pid, argv, t: Date.now() });
  const timingLog = env.timingLogPath;
  // Epoch milliseconds: `start` is when this process began (its time origin), `end` its exit.
  if (timingLog)
    process.once('exit', () =>
      appendLine(timingLog, { pid: process.pid, start: performance.timeOrigin, end: performance.timeOrigin + performance.now() }),
    );
  const o = await execute(argv, env);
  const cmd = argv.find((x) => !x.startsWith('-'));
  await writeOut(o, env, cmd !== 'reset' && !argv.includes('--help') && o.code !== 2);
}

main().catch((e) => {
  process.stderr.write(`Error: sandbox failure: ${(e as Error)?.stack ?? e}\n`);
  process.exitCode = 1;
});
