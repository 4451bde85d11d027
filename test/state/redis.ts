/**
 * A real redis-server for the tests: started on a free loopback port with no persistence, stopped
 * (and restartable on the same port) by the test. Without a redis-server (see ./redis-server.ts)
 * the suites declared with describeWithRedis skip, unless RINGCENTRAL_MCP_REQUIRE_REDIS=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { describe } from 'vitest';
import { findRedisServer } from './redis-server.js';

const bin = findRedisServer();

/** describe, skipped when no redis-server can be found. */
export const describeWithRedis = describe.skipIf(!bin);

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: as a crash would). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  const server = bin;
  if (!server) throw new Error('redis-server not found: declare the suite with describeWithRedis');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        server,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'yes',
          '--enable-debug-command',
          'local',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = proc;
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${out}`)), 10_000);
      proc.stdout.on('data', (d) => {
        out += String(d);
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.stderr.on('data', (d) => (out += String(d)));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited ${code}:\n${out}`));
      });
    });
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}
