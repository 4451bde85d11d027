/**
 * Test harness: the BUILT server over a real MCP client (SDK Client + StdioClientTransport),
 * backed by the sandbox CLI with its own state, spawn log and switchable fault file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist/src/cli.js');
export const SANDBOX = join(ROOT, 'dist/src/sandbox/bin.js');

/**
 * The 20 Membrane RingCentral actions the tools use, written out rather than read from the registry
 * so that the tests pin them.
 */
export const ACTION_KEYS: readonly string[] = [
  'list-extensions',
  'list-chats',
  'list-messages',
  'list-contacts',
  'get-extension-info',
  'get-message',
  'get-contact',
  'get-call-log',
  'get-meeting',
  'get-account-info',
  'create-contact',
  'create-chat-post',
  'create-meeting',
  'create-team',
  'update-contact',
  'delete-message',
  'delete-contact',
  'delete-meeting',
  'send-sms',
  'get-active-calls',
];

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

export interface Harness {
  client: Client;
  sandbox: Sandbox;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult & { structuredContent?: any }>;
  text(result: CallToolResult): string;
  stderr(): string;
  close(): Promise<void>;
}

export async function startServer(
  options: {
    args?: string[];
    env?: Record<string, string>;
    sandbox?: Sandbox;
    capabilities?: Record<string, unknown>;
    setup?: (client: Client) => void;
  } = {},
): Promise<Harness> {
  const sandbox = options.sandbox ?? makeSandbox();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--sandbox', '--no-warmup', ...(options.args ?? [])],
    env: { ...getDefaultEnvironment(), ...sandbox.env, ...(options.env ?? {}) },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const client = new Client({ name: 'ringcentral-mcp-tests', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  await client.connect(transport);
  const text = (result: CallToolResult) => (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
  return {
    client,
    sandbox,
    call: async (name, args = {}) =>
      (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult & { structuredContent?: any },
    text,
    stderr: () => stderr,
    close: async () => {
      await client.close();
      if (!options.sandbox) sandbox.cleanup();
    },
  };
}

/** Runs a CLI command of the sandbox directly (what the server's own overhead is measured against). */
export const sandboxArgv = (args: string[]) => [process.execPath, SANDBOX, ...args];
