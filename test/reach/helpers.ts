/**
 * Helpers for the reach tests: the built CLI served over Streamable HTTP as a child process, an
 * SDK client over HTTP, and running other programs (npm, npx, the Inspector, conformance).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, ROOT } from '../helpers.js';

export { CLI, ROOT };
export const BIN = (name: string) => join(ROOT, 'node_modules/.bin', name);

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to the end (no shell), with a hard timeout. */
export function run(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    // A program that exits before reading its input closes the pipe: EPIPE is its answer, not ours.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface HttpChild {
  child: ChildProcess;
  url: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** `ringcentral-mcp --http --port 0 ...` as a child process; resolves once it prints its URL. */
export function spawnHttp(args: string[], env: Record<string, string>): Promise<HttpChild> {
  const child = spawn(process.execPath, [CLI, '--http', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    // A cold start takes about a second; on a busy 2-core CI machine it once took over 15 s.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL printed in 45 s; stderr:\n${stderr}`));
    }, 45_000);
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (d) => {
      stderr += String(d);
      const url = /serving Streamable HTTP on (\S+)/.exec(stderr)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({
          child,
          url,
          stderr: () => stderr,
          exited,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before serving; stderr:\n${stderr}`));
    });
  });
}

type Result = CallToolResult & { structuredContent?: any };

export interface HttpClient {
  client: Client;
  /** client.callTool: what an SDK-based agent sees, including its client-side output-schema check. */
  call(name: string, args?: Record<string, unknown>): Promise<Result>;
  /** The tools/call result exactly as the server sent it (no client-side checks). */
  request(name: string, args?: Record<string, unknown>): Promise<Result>;
  close(): Promise<void>;
}

/** An SDK client over Streamable HTTP, with a bearer token when given. */
export async function connectHttp(url: string, token?: string): Promise<HttpClient> {
  const transport = new StreamableHTTPClientTransport(
    new URL(url),
    token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined,
  );
  const client = new Client({ name: 'ringcentral-mcp-reach-tests', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as Result,
    request: async (name, args = {}) =>
      await client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema, { timeout: 60_000 }),
    close: () => client.close(),
  };
}

export const textOf = (result: CallToolResult) => (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
