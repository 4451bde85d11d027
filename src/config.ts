/** `ringcentral-mcp config <client>`: a config snippet with this machine's absolute paths. */
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from './runtime.js';

export const CLIENTS = ['claude-desktop', 'claude-desktop-windows', 'claude-code', 'cursor', 'vscode', 'http'] as const;
export type ClientName = (typeof CLIENTS)[number];

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

function serverArgs(options: ServerOptions): string[] {
  return [...(options.sandbox ? ['--sandbox'] : []), ...(options.readOnly ? ['--read-only'] : [])];
}

function env(options: ServerOptions): Record<string, string> {
  const out: Record<string, string> = {};
  if (options.membrane) out.MEMBRANE_CLI = options.membrane;
  if (options.connectionId) out.RINGCENTRAL_CONNECTION_ID = options.connectionId;
  return out;
}

/** The snippet for one client, as the text to paste. */
export function configFor(client: string, options: ServerOptions): string {
  const args = [CLI, ...serverArgs(options)];
  const stdio = { command: process.execPath, args, env: env(options) };
  switch (client as ClientName) {
    case 'claude-desktop':
    case 'cursor':
      return JSON.stringify({ mcpServers: { ringcentral: stdio } }, null, 2);
    case 'claude-desktop-windows':
      return JSON.stringify({ mcpServers: { ringcentral: { command: 'cmd', args: ['/c', 'npx', '-y', 'ringcentral-mcp', ...serverArgs(options)], env: env(options) } } }, null, 2);
    case 'vscode':
      return JSON.stringify({ servers: { ringcentral: { type: 'stdio', ...stdio } } }, null, 2);
    case 'claude-code':
      return JSON.stringify({ type: 'stdio', ...stdio }, null, 2);
    case 'http':
      return JSON.stringify({ mcpServers: { ringcentral: { type: 'http', url: 'http://127.0.0.1:3000/mcp', headers: { Authorization: 'Bearer ${RINGCENTRAL_MCP_HTTP_TOKEN}' } } } }, null, 2);
    default:
      throw new Error(`unknown client "${client}"; one of ${CLIENTS.join(', ')}`);
  }
}

export function printConfig(client: string | undefined, options: ServerOptions): number {
  if (!client) throw new Error(`usage: ringcentral-mcp config <${CLIENTS.join('|')}>`);
  const snippet = configFor(client, options);
  process.stdout.write(`${snippet}\n`);
  if (client === 'claude-code') process.stderr.write(`Add it with: claude mcp add-json --scope user ringcentral '${JSON.stringify(JSON.parse(snippet))}'\n`);
  return 0;
}
