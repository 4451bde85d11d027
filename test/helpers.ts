/**
 * Test harness: the BUILT server over a real MCP client (SDK Client + StdioClientTransport),
 * backed by the sandbox CLI with its own state, spawn log and switchable fault file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist/src/cli.js');
export const SANDBOX = join(ROOT, 'dist/src/sandbox/bin.js');

export interface Sandbox {
  dir: string;
  env: Record<string, string>;
  /** CLI processes started so far (the sandbox logs each invocation). */
  spawns(): number;
  argvs(): string[][];
  setFault(faults: string): void;
  cleanup(): void;
}

export function makeSandbox(extraEnv: Record<string, string> = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'rcmcp-test-'));
  const log = join(dir, 'spawns.log');
  const faultFile = join(dir, 'faults');
  const env = {
    MEMBRANE_SANDBOX_STATE: join(dir, 'state.json'),
    MEMBRANE_SANDBOX_LOG: log,
    MEMBRANE_SANDBOX_FAULT_FILE: faultFile,
    // The server's own per-user files (SMS window, used tokens, penalties, confirmation secret) go
    // here too: never in the user's temp dir, never shared with another test's server.
    TMPDIR: dir,
    ...extraEnv,
  };
  const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
  return {
    dir,
    env,
    spawns: () => lines().length,
    argvs: () => lines().map((l) => (JSON.parse(l) as { argv: string[] }).argv),
    setFault: (faults) => writeFileSync(faultFile, faults),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type Result = CallToolResult & { structuredContent?: any };

/** The text of a tool result's content, joined by lines. */
export const text = (result: CallToolResult): string => (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');

/** One server under a real SDK client over stdio: what every test that talks MCP to the built server uses. */
export interface Harness {
  client: Client;
  sandbox: Sandbox;
  /** The server process. */
  pid: number;
  call(
    name: string,
    args?: Record<string, unknown>,
    options?: { signal?: AbortSignal; onprogress?: (progress: unknown) => void },
  ): Promise<Result>;
  text(result: CallToolResult): string;
  stderr(): string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The CLI the server runs: the sandbox (`--sandbox`, the default), or `--membrane <path>` (a wrapper on disk, or any path). */
  cli?: 'sandbox' | { path: string } | string;
  /** More server flags (`--no-warmup` is always given). */
  args?: string[];
  env?: Record<string, string>;
  /** A sandbox the test keeps (and removes); otherwise the harness makes one and removes it on close. */
  sandbox?: Sandbox;
  /** What the client declares (elicitation, ...). */
  capabilities?: Record<string, unknown>;
  /** Runs before connecting: request handlers of the client (elicitation answers, ...). */
  setup?: (client: Client) => void;
}

/** Starts the built server over stdio under an SDK client, on its own sandbox unless given one. */
export async function startServer(options: StartOptions = {}): Promise<Harness> {
  const sandbox = options.sandbox ?? makeSandbox();
  const cli = options.cli ?? 'sandbox';
  const cliArgs = cli === 'sandbox' ? ['--sandbox'] : ['--membrane', typeof cli === 'string' ? cli : cli.path];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...cliArgs, '--no-warmup', ...(options.args ?? [])],
    env: { ...getDefaultEnvironment(), ...sandbox.env, ...(options.env ?? {}) },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const client = new Client({ name: 'ringcentral-mcp-tests', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error('server did not start');
  return {
    client,
    sandbox,
    pid,
    call: async (name, args = {}, callOptions = {}) =>
      (await client.callTool({ name, arguments: args }, undefined, {
        timeout: 120_000,
        signal: callOptions.signal,
        onprogress: callOptions.onprogress,
      })) as Result,
    text,
    stderr: () => stderr,
    close: async () => {
      await client.close();
      if (!options.sandbox) sandbox.cleanup();
    },
  };
}

/**
 * The folder of the per-tool snapshots: `<tool name>.json`, the tool exactly as tools/list gives it
 * (`listed`) and what its entry decides beyond that (`registry`, see test/registry.ts `snapshotOf`).
 */
export const SNAPSHOTS = join(ROOT, 'test/server/__snapshots__/tools');
export const snapshotFile = (name: string): string => join(SNAPSHOTS, `${name}.json`);
/** The tools that have a snapshot, sorted. */
export const snapshotNames = (): string[] =>
  readdirSync(SNAPSHOTS)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();

/** Runs a CLI command of the sandbox directly (what the server's own overhead is measured against). */
export const sandboxArgv = (args: string[]) => [process.execPath, SANDBOX, ...args];
