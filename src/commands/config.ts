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
import { closest } from './options.js';

export const CLIENTS = ['claude-desktop', 'claude-desktop-windows', 'claude-code', 'cursor', 'vscode', 'http'] as const;
export type ClientName = (typeof CLIENTS)[number];

/** The name the server is registered under in every client. */
export const SERVER_NAME = 'ringcentral';
const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/** A flag with its value, when the option is set to something other than the default. */
const flag = (name: string, value: unknown, unset?: unknown): string[] =>
  value === undefined || value === unset || value === '' ? [] : [name, String(value)];

/** A list flag, when the list has entries. */
const listFlag = (name: string, values: string[] | undefined): string[] => (values?.length ? [name, values.join(',')] : []);

function serverArgs(options: ServerOptions): string[] {
  return [
    ...(options.sandbox ? ['--sandbox'] : []),
    ...(options.readOnly ? ['--read-only'] : []),
    ...listFlag('--toolsets', options.toolsets),
    ...listFlag('--tools', options.tools),
    ...flag('--confirm', options.confirm, 'auto'),
    ...flag('--route', options.route, 'auto'),
    ...flag('--timeout', options.timeoutMs),
    ...flag('--max-concurrency', options.maxConcurrency),
    ...flag('--max-result-chars', options.maxResultChars),
    ...(options.warmup === false ? ['--no-warmup'] : []),
    ...flag('--redis-url', options.redisUrl),
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

/** The server's URL: the host and port it was told to use (a wildcard bind is reached on loopback here). */
function httpUrl(place: HttpPlace): string {
  const host = !place.host || place.host === '0.0.0.0' || place.host === '::' ? '127.0.0.1' : place.host;
  // Port 0 takes any free port: the server logs which one, and it goes here.
  const port = place.port === undefined ? '3000' : place.port === '0' ? '<port>' : place.port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp`;
}

/** The snippet for one client, as an object. */
export function snippetFor(client: string, options: ServerOptions, place: HttpPlace = {}): Record<string, unknown> {
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
      // A client that speaks OAuth finds the issuer from the server's 401 and signs the person in itself: no header.
      if (place.oauthIssuer) return { mcpServers: { [SERVER_NAME]: { type: 'http', url: place.publicUrl ?? httpUrl(place) } } };
      return {
        mcpServers: {
          [SERVER_NAME]: {
            type: 'http',
            url: httpUrl(place),
            headers: { Authorization: 'Bearer ${RINGCENTRAL_MCP_HTTP_TOKEN}' },
          },
        },
      };
    default:
      throw new Error(`unknown client "${client}"; one of ${CLIENTS.join(', ')}`);
  }
}

/** The snippet for one client, as the text to paste. */
export function configFor(client: string, options: ServerOptions, place: HttpPlace = {}): string {
  return JSON.stringify(snippetFor(client, options, place), null, 2);
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

const DESKTOP_CONFIG = {
  darwin: '~/Library/Application Support/Claude/claude_desktop_config.json',
  win32: '%APPDATA%\\Claude\\claude_desktop_config.json',
} as const;

const pasteIntoDesktop = (path: string) => `Paste into ${path} (merge with any mcpServers already there), then restart Claude Desktop.`;

/** Where Claude Desktop reads its config on this platform; Linux has no Claude Desktop. */
function claudeDesktopWhere(platform: NodeJS.Platform): string {
  if (platform === 'darwin' || platform === 'win32') return pasteIntoDesktop(DESKTOP_CONFIG[platform]);
  return (
    `Claude Desktop has no ${platform === 'linux' ? 'Linux' : platform} release, so there is no claude_desktop_config.json here. ` +
    'Use Claude Code (ringcentral-mcp config claude-code) or another client (config cursor, config vscode); ' +
    'the mcpServers entry above is the shape most clients take.'
  );
}

/** What `config http` needs beyond the server options: where it listens. */
export interface HttpPlace {
  port?: string;
  host?: string;
  users?: string;
  oauthIssuer?: string;
  publicUrl?: string;
  tenantClaim?: string;
}

/** The command that starts the HTTP server with the flags `config http` was given. */
export function httpStartCommand(options: ServerOptions, place: HttpPlace = {}): string {
  const self = findOnPath('ringcentral-mcp') ? ['ringcentral-mcp'] : [process.execPath, CLI];
  const args = [
    '--http',
    ...serverArgs(options),
    ...(options.connectionId ? ['--connection-id', options.connectionId] : []),
    ...(!options.sandbox && options.membrane ? ['--membrane', options.membrane] : []),
    ...(place.port !== undefined ? ['--port', place.port] : []),
    ...(place.host !== undefined ? ['--host', place.host] : []),
    ...(place.users !== undefined ? ['--users', place.users] : []),
    ...(place.oauthIssuer !== undefined ? ['--oauth-issuer', place.oauthIssuer] : []),
    ...(place.publicUrl !== undefined ? ['--public-url', place.publicUrl] : []),
    ...(place.tenantClaim !== undefined ? ['--tenant-claim', place.tenantClaim] : []),
  ];
  return [...self, ...args].map(quote).join(' ');
}

/** Where the snippet goes (and, for http, how to start the server it points at). */
export function whereTo(client: ClientName, options: ServerOptions, place: HttpPlace = {}, platform = process.platform): string {
  switch (client) {
    case 'claude-desktop':
      return claudeDesktopWhere(platform);
    case 'claude-desktop-windows':
      return pasteIntoDesktop(DESKTOP_CONFIG.win32);
    case 'claude-code':
      return `Add it with:\n  ${claudeCodeCommand(options)}\nor:\n  claude mcp add-json --scope user ${SERVER_NAME} ${quote(JSON.stringify(snippetFor(client, options)))}`;
    case 'cursor':
      return 'Paste into ~/.cursor/mcp.json (or .cursor/mcp.json in a project).';
    case 'vscode':
      return 'Paste into .vscode/mcp.json in your workspace.';
    case 'http': {
      if (place.oauthIssuer)
        return `Start the server:\n  ${httpStartCommand(options, place)}\nthen add this entry as a remote (custom) connector; each person signs in at ${place.oauthIssuer} when their client first connects.`;
      const token = place.users ? '' : ' (with RINGCENTRAL_MCP_HTTP_TOKEN set)';
      return `Start the server${token}:\n  ${httpStartCommand(options, place)}\nthen give clients this entry; replace the URL with your deployment's.`;
    }
  }
}

/** Prints the snippet on stdout (JSON only, so it can be piped) and where it goes on stderr. */
export function printConfig(
  client: string | undefined,
  options: ServerOptions,
  place: HttpPlace = {},
  platform = process.platform,
): number {
  if (!client) throw new Error(`usage: ringcentral-mcp config <${CLIENTS.join('|')}>. See ringcentral-mcp --help`);
  if (!(CLIENTS as readonly string[]).includes(client)) {
    const guess = closest(client, CLIENTS);
    throw new Error(`unknown client "${client}"${guess ? `; did you mean ${guess}?` : ''}; one of ${CLIENTS.join(', ')}`);
  }
  process.stdout.write(`${configFor(client, options, place)}\n`);
  process.stderr.write(`${whereTo(client as ClientName, options, place, platform)}\n`);
  return 0;
}
