/**
 * `ringcentral-mcp config <client>`: the snippet for one MCP client, with this machine's absolute
 * paths: this Node and this installed CLI (a clone put on PATH with `npm install -g .` works
 * without npx or a published package), and `membrane` found now, because GUI clients do not
 * inherit the shell's PATH.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../mcp/runtime.js';

export const CLIENTS = ['claude-desktop', 'claude-desktop-windows', 'claude-code', 'cursor', 'vscode', 'http'] as const;
export type ClientName = (typeof CLIENTS)[number];

/** The name the server is registered under in every client. */
export const SERVER_NAME = 'ringcentral';
const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

function serverArgs(options: ServerOptions): string[] {
  return [
    ...(options.sandbox ? ['--sandbox'] : []),
    ...(options.readOnly ? ['--read-only'] : []),
    ...(options.toolsets?.length ? ['--toolsets', options.toolsets.join(',')] : []),
    ...(options.tools?.length ? ['--tools', options.tools.join(',')] : []),
    ...(options.confirm && options.confirm !== 'auto' ? ['--confirm', options.confirm] : []),
    ...(options.route && options.route !== 'auto' ? ['--route', options.route] : []),
    ...(options.timeoutMs !== undefined ? ['--timeout', String(options.timeoutMs)] : []),
    ...(options.maxConcurrency !== undefined ? ['--max-concurrency', String(options.maxConcurrency)] : []),
    ...(options.maxResultChars !== undefined ? ['--max-result-chars', String(options.maxResultChars)] : []),
    ...(options.warmup === false ? ['--no-warmup'] : []),
    ...(options.redisUrl ? ['--redis-url', options.redisUrl] : []),
  ];
}

/** An executable's absolute path from PATH, or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const ext of extensions) {
      const candidate = join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

/** MEMBRANE_CLI as an absolute path (named, or found on PATH now), and a pinned connection. */
function env(options: ServerOptions): Record<string, string> {
  const out: Record<string, string> = {};
  if (!options.sandbox) {
    const named = options.membrane;
    const found = named ? (/[\\/]/.test(named) ? resolve(named) : (findOnPath(named) ?? named)) : findOnPath('membrane');
    if (found) out.MEMBRANE_CLI = found;
  }
  if (options.connectionId) out.RINGCENTRAL_CONNECTION_ID = options.connectionId;
  return out;
}

export interface StdioSnippet {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The stdio launch for this machine: this Node, this CLI, absolute paths. */
export function stdioLaunch(options: ServerOptions): StdioSnippet {
  return { command: process.execPath, args: [CLI, ...serverArgs(options)], env: env(options) };
}

/** The snippet for one client, as an object. */
export function snippetFor(client: string, options: ServerOptions): Record<string, unknown> {
  const stdio = stdioLaunch(options);
  switch (client as ClientName) {
    case 'claude-desktop':
    case 'claude-desktop-windows':
    case 'cursor':
      return { mcpServers: { [SERVER_NAME]: stdio } };
    case 'vscode':
      return { servers: { [SERVER_NAME]: { type: 'stdio', ...stdio } } };
    case 'claude-code':
      return { type: 'stdio', ...stdio };
    case 'http':
      return {
        mcpServers: {
          [SERVER_NAME]: {
            type: 'http',
            url: 'http://127.0.0.1:3000/mcp',
            headers: { Authorization: 'Bearer ${RINGCENTRAL_MCP_HTTP_TOKEN}' },
          },
        },
      };
    default:
      throw new Error(`unknown client "${client}"; one of ${CLIENTS.join(', ')}`);
  }
}

/** The snippet for one client, as the text to paste. */
export function configFor(client: string, options: ServerOptions): string {
  return JSON.stringify(snippetFor(client, options), null, 2);
}

/** POSIX shell quoting for a command line a person pastes. */
const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** `claude mcp add --transport stdio --scope user [--env K=V]... NAME -- COMMAND ARGS...` */
export function claudeCodeCommand(options: ServerOptions): string {
  const { command, args, env: vars } = stdioLaunch(options);
  const envFlags = Object.entries(vars).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  return ['claude', 'mcp', 'add', '--transport', 'stdio', '--scope', 'user', ...envFlags, SERVER_NAME, '--', command, ...args]
    .map(quote)
    .join(' ');
}

const WHERE: Record<ClientName, string> = {
  'claude-desktop':
    'Paste into ~/Library/Application Support/Claude/claude_desktop_config.json (merge with any mcpServers already there), then restart Claude Desktop.',
  'claude-desktop-windows':
    'Paste into %APPDATA%\\Claude\\claude_desktop_config.json (merge with any mcpServers already there), then restart Claude Desktop.',
  'claude-code': '',
  cursor: 'Paste into ~/.cursor/mcp.json (or .cursor/mcp.json in a project).',
  vscode: 'Paste into .vscode/mcp.json in your workspace.',
  http: 'Start the server with `ringcentral-mcp --http` (RINGCENTRAL_MCP_HTTP_TOKEN set), then give clients this entry; replace the URL with your deployment.',
};

/** Prints the snippet on stdout (JSON only, so it can be piped) and where it goes on stderr. */
export function printConfig(client: string | undefined, options: ServerOptions): number {
  if (!client) throw new Error(`usage: ringcentral-mcp config <${CLIENTS.join('|')}>`);
  const snippet = configFor(client, options);
  process.stdout.write(`${snippet}\n`);
  if (client === 'claude-code') {
    process.stderr.write(
      `Add it with:\n  ${claudeCodeCommand(options)}\nor:\n  claude mcp add-json --scope user ${SERVER_NAME} ${quote(JSON.stringify(JSON.parse(snippet)))}\n`,
    );
  } else {
    process.stderr.write(`${WHERE[client as ClientName]}\n`);
  }
  return 0;
}
