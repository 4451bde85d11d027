/**
 * Client setup: `ringcentral-mcp config <client>` prints valid JSON of each client's shape with
 * absolute paths that exist; README's client section parses and has the same shapes; and the
 * server starts exactly as the printed snippets say and answers tools/list over stdio.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { tools } from '../../dist/src/index.js';
import { makeSandbox } from '../helpers.js';
import { configFor, whereTo, type ClientName, type HttpPlace } from '../../dist/src/commands/config.js';
import { parseCommandLine, serverOptions } from '../../dist/src/commands/options.js';
import { CLI, ROOT, connectHttp, run, spawnHttp } from './helpers.js';

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string };
const CLIENTS = ['claude-desktop', 'claude-desktop-windows', 'claude-code', 'cursor', 'vscode', 'http'];
const sandbox = makeSandbox();
afterAll(() => sandbox.cleanup());

// No MEMBRANE_CLI from the test environment: what a person's shell would give.
const SHELL_ENV = { ...process.env, MEMBRANE_CLI: '' };

/** `ringcentral-mcp config <client> <flags>` as a command: its stdout parsed, its stderr. */
async function configCommand(client: string, ...flags: string[]) {
  const result = await run(process.execPath, [CLI, 'config', client, ...flags], { env: SHELL_ENV });
  expect(result.code, result.stderr).toBe(0);
  return { json: JSON.parse(result.stdout), stderr: result.stderr };
}

/**
 * What the same command prints, from the same functions in process (the flags read as the command
 * reads them): a process for each would add only its start-up. configCommand checks the command
 * gives the same.
 */
function config(client: string, ...flags: string[]) {
  const { flags: parsed, positionals } = parseCommandLine(['config', client, ...flags], SHELL_ENV);
  expect(positionals).toEqual(['config', client]);
  const options = serverOptions(parsed);
  const place: HttpPlace = { port: parsed.port as string | undefined, host: parsed.host as string | undefined };
  return { json: JSON.parse(configFor(client, options, place)), stderr: `${whereTo(client as ClientName, options, place)}\n` };
}

/** A port nothing listens on now (the OS picks it; the test then binds it). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

interface Launch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

function expectStdio(entry: Launch, { absolute }: { absolute: boolean }) {
  expect(entry.command).toBeTypeOf('string');
  expect(Array.isArray(entry.args)).toBe(true);
  for (const a of entry.args) expect(a).toBeTypeOf('string');
  if (entry.env !== undefined) for (const v of Object.values(entry.env)) expect(v).toBeTypeOf('string');
  if (absolute) {
    expect(isAbsolute(entry.command)).toBe(true);
    expect(existsSync(entry.command), entry.command).toBe(true);
    expect(isAbsolute(entry.args[0])).toBe(true);
    expect(existsSync(entry.args[0]), entry.args[0]).toBe(true);
  }
}

describe('ringcentral-mcp config <client>', () => {
  it('claude-desktop and cursor: mcpServers.ringcentral with absolute command and args that exist', async () => {
    for (const client of ['claude-desktop', 'cursor']) {
      const { json, stderr } = await configCommand(client);
      expect(config(client)).toEqual({ json, stderr });
      expect(Object.keys(json)).toEqual(['mcpServers']);
      expect(Object.keys(json.mcpServers)).toEqual(['ringcentral']);
      const entry = json.mcpServers.ringcentral;
      expectStdio(entry, { absolute: true });
      expect(entry.command).toBe(process.execPath);
      expect(entry.args[0]).toBe(CLI);
      if (client === 'cursor') expect(stderr).toMatch(/\.cursor\/mcp\.json/);
    }
  });

  it('claude-desktop: the config path of the platform it runs on; on Linux, that there is no Claude Desktop', async () => {
    const mac = whereTo('claude-desktop', {}, {}, 'darwin');
    expect(mac).toContain('~/Library/Application Support/Claude/claude_desktop_config.json');
    expect(whereTo('claude-desktop', {}, {}, 'win32')).toContain('%APPDATA%\\Claude\\claude_desktop_config.json');
    const linux = whereTo('claude-desktop', {}, {}, 'linux');
    expect(linux).toMatch(/^Claude Desktop has no Linux release/);
    expect(linux).toContain('ringcentral-mcp config claude-code');
    expect(linux).not.toMatch(/Library|APPDATA/);
    // What this machine prints is what its platform gets.
    const { stderr } = config('claude-desktop');
    expect(stderr.trim()).toBe(whereTo('claude-desktop', {}, {}, process.platform));
  });

  it('claude-desktop-windows: this Node and this CLI too, no npx and no published package', async () => {
    const { json, stderr } = config('claude-desktop-windows', '--read-only');
    const entry = json.mcpServers.ringcentral;
    expectStdio(entry, { absolute: true });
    expect(entry.command).toBe(process.execPath);
    expect(entry.args).toEqual([CLI, '--read-only']);
    expect(stderr).toMatch(/%APPDATA%/);
  });

  it('vscode: top-level servers with type stdio', async () => {
    const { json } = config('vscode');
    expect(Object.keys(json)).toEqual(['servers']);
    const entry = json.servers.ringcentral;
    expect(entry.type).toBe('stdio');
    expectStdio(entry, { absolute: true });
  });

  it('claude-code: the add-json entry, and a `claude mcp add` line of the documented form', async () => {
    const { json, stderr } = config('claude-code', '--sandbox');
    expect(json.type).toBe('stdio');
    expectStdio(json, { absolute: true });
    const add = stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('claude mcp add '));
    expect(add).toBe(`claude mcp add --transport stdio --scope user ringcentral -- ${process.execPath} ${CLI} --sandbox`);
    const addJson = stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('claude mcp add-json '));
    expect(JSON.parse(/'(.*)'$/.exec(addJson ?? '')![1])).toEqual(json);
  });

  it('http: a remote entry with url and bearer header', async () => {
    const { json } = config('http');
    const entry = json.mcpServers.ringcentral;
    expect(entry.type).toBe('http');
    expect(new URL(entry.url).pathname).toBe('/mcp');
    expect(entry.headers.Authorization).toMatch(/^Bearer \S+/);
  });

  it('http: the start command carries the flags given, and the snippet reaches the server it starts', async () => {
    const port = await freePort();
    const { json, stderr } = await configCommand('http', '--sandbox', '--read-only', '--port', String(port));
    expect(config('http', '--sandbox', '--read-only', '--port', String(port))).toEqual({ json, stderr });
    const entry = json.mcpServers.ringcentral;
    expect(entry.url).toBe(`http://127.0.0.1:${port}/mcp`);
    const start = stderr
      .split('\n')
      .find((l) => l.includes(' --http'))!
      .trim();
    expect(start).toMatch(new RegExp(` --http --sandbox --read-only --port ${port}$`));
    // Start it as printed (its flags after the program), then connect as the snippet says.
    const token = 'config-http-test-token-0123456789';
    const server = await spawnHttp(
      start
        .slice(start.indexOf(' --http') + ' --http'.length)
        .trim()
        .split(' '),
      {
        ...sandbox.env,
        RINGCENTRAL_MCP_HTTP_TOKEN: token,
      },
    );
    try {
      expect(server.url).toBe(entry.url);
      const client = await connectHttp(entry.url, entry.headers.Authorization.replace('${RINGCENTRAL_MCP_HTTP_TOKEN}', token).slice(7));
      const listed = (await client.client.listTools()).tools;
      expect(listed.some((t) => t.annotations?.readOnlyHint === false && t.name !== 'ringcentral_api_request')).toBe(false);
      expect((await client.call('ringcentral_get_account_info')).isError).toBeFalsy();
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it('http: no flags, the default port', async () => {
    const { json, stderr } = config('http');
    expect(json.mcpServers.ringcentral.url).toBe('http://127.0.0.1:3000/mcp');
    expect(stderr).toMatch(/ --http\n/);
  });

  it('carries the options that matter into the snippet', async () => {
    const { json } = config(
      'cursor',
      '--read-only',
      '--toolsets',
      'messaging,contacts',
      '--membrane',
      '/opt/membrane/bin/membrane',
      '--connection-id',
      'conn_123',
    );
    const entry = json.mcpServers.ringcentral;
    expect(entry.args.slice(1)).toEqual(['--read-only', '--toolsets', 'messaging,contacts']);
    expect(entry.env).toEqual({ MEMBRANE_CLI: '/opt/membrane/bin/membrane', RINGCENTRAL_CONNECTION_ID: 'conn_123' });
  });

  it('carries a forced route (the fix for a connector whose actions cannot be read), not the default', async () => {
    expect(config('cursor', '--route', 'rest').json.mcpServers.ringcentral.args.slice(1)).toEqual(['--route', 'rest']);
    expect(config('cursor', '--route', 'auto').json.mcpServers.ringcentral.args.slice(1)).toEqual([]);
  });

  it('carries every server flag given, and none that was not', async () => {
    const given = ['--tools', 'ringcentral_status', '--confirm', 'token', '--timeout', '30000', '--max-concurrency', '2'];
    const more = ['--max-result-chars', '9000', '--no-warmup', '--redis-url', 'redis://127.0.0.1:6390'];
    const { json } = config('cursor', '--sandbox', ...given, ...more);
    expect(json.mcpServers.ringcentral.args.slice(1)).toEqual(['--sandbox', ...given, ...more]);
    expect(config('cursor', '--sandbox').json.mcpServers.ringcentral.args.slice(1)).toEqual(['--sandbox']);
  });

  it('an unknown client is an error naming the known ones', async () => {
    const result = await run(process.execPath, [CLI, 'config', 'emacs']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(CLIENTS.join('.*')));
  });
});

describe('the server starts exactly as the printed snippets say', () => {
  const start = async (launch: Launch) => {
    // The client's environment (what Claude Desktop passes) plus the snippet's env; the sandbox
    // state only keeps this test's simulated account apart from others.
    const transport = new StdioClientTransport({
      command: launch.command,
      args: launch.args,
      env: { ...getDefaultEnvironment(), ...(launch.env ?? {}), MEMBRANE_SANDBOX_STATE: sandbox.env.MEMBRANE_SANDBOX_STATE },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'snippet-check', version: '1.0.0' });
    await client.connect(transport);
    try {
      return (await client.listTools()).tools.map((t) => t.name);
    } finally {
      await client.close();
    }
  };

  it('claude-desktop (--sandbox): tools/list over stdio', async () => {
    const { json } = config('claude-desktop', '--sandbox');
    const names = await start(json.mcpServers.ringcentral);
    expect(names.sort()).toEqual(tools.map((t) => t.name).sort());
  });

  it('vscode and claude-code (--sandbox --read-only): tools/list over stdio', async () => {
    const vscode = config('vscode', '--sandbox', '--read-only').json.servers.ringcentral;
    const claudeCode = config('claude-code', '--sandbox', '--read-only').json;
    const readTools = tools.filter((t) => t.kind === 'read').map((t) => t.name);
    for (const launch of [vscode, claudeCode]) {
      const names = await start(launch);
      expect(names).toEqual(expect.arrayContaining(readTools));
      expect(names).not.toContain('ringcentral_send_sms');
    }
  });
});

/** README's client section: bold labels followed by fenced blocks. */
function readmeClients(): Array<{ label: string; lang: string; body: string }> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- clients:start -->');
  const end = readme.indexOf('<!-- clients:end -->');
  expect(start, 'README has <!-- clients:start -->').toBeGreaterThanOrEqual(0);
  expect(end, 'README has <!-- clients:end -->').toBeGreaterThan(start);
  const blocks: Array<{ label: string; lang: string; body: string }> = [];
  let label = '';
  const lines = readme.slice(start, end).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^(?:\*\*(.+?)\*\*|#{2,4}\s+(.+))/.exec(lines[i]);
    if (heading) label = heading[1] ?? heading[2];
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
      blocks.push({ label, lang: fence[1], body: body.join('\n') });
    }
  }
  return blocks;
}

describe("README's client section", () => {
  const blocks = readmeClients();
  const json = blocks.filter((b) => b.lang === 'json');
  const find = (pattern: RegExp) => json.filter((b) => pattern.test(b.label));

  it('says how to put the clone on PATH, and marks the npx snippets as the form after publishing', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/npm install -g \.\s/);
    expect(readme).toMatch(/\*\*after the package is published\*\*/);
    expect(readme).toMatch(/npm start`: npm prints its `> ringcentral-mcp@\.\.\. start` banner on stdout/);
    const section = readme.slice(readme.indexOf('<!-- clients:start -->'), readme.indexOf('<!-- clients:end -->'));
    expect(section.indexOf('**From a clone**')).toBeLessThan(section.indexOf('after the package is published'));
    expect(section.indexOf('after the package is published')).toBeLessThan(section.indexOf('npx'));
  });

  it('every json block parses and is a client config of a known shape', () => {
    expect(json.length).toBeGreaterThanOrEqual(5);
    for (const block of json) {
      let parsed: any;
      expect(() => (parsed = JSON.parse(block.body)), `${block.label}:\n${block.body}`).not.toThrow();
      const servers = parsed.mcpServers ?? parsed.servers;
      expect(servers, block.label).toBeTypeOf('object');
      expect(Object.keys(parsed), block.label).toHaveLength(1);
      for (const entry of Object.values<any>(servers)) {
        if (entry.type === 'http') {
          expect(new URL(entry.url).pathname, block.label).toMatch(/\/mcp$/);
          expect(entry.headers?.Authorization, block.label).toMatch(/^Bearer \S+/);
        } else {
          expectStdio(entry, { absolute: false });
          if (parsed.servers) expect(entry.type, block.label).toBe('stdio');
        }
      }
    }
  });

  it('has each client, shaped like `ringcentral-mcp config <client>` prints it', async () => {
    const expectations: Array<[RegExp, string]> = [
      [/Claude Desktop.*mac/i, 'claude-desktop'],
      [/Claude Desktop.*Windows/i, 'claude-desktop-windows'],
      [/Cursor/i, 'cursor'],
      [/VS ?Code/i, 'vscode'],
      [/Remote|HTTP/i, 'http'],
    ];
    for (const [pattern, client] of expectations) {
      const found = find(pattern);
      expect(found.length, `README has a json block under a label matching ${pattern}`).toBeGreaterThan(0);
      const printed = config(client).json;
      const documented = JSON.parse(found[0].body);
      const top = Object.keys(printed)[0];
      expect(Object.keys(documented), client).toEqual([top]);
      expect(Object.keys(documented[top]), client).toEqual(Object.keys(printed[top]));
      const [doc, out] = [documented[top].ringcentral, printed[top].ringcentral];
      expect(doc.type, client).toBe(out.type);
      if (client === 'http') continue;
      // The published form on Windows goes through cmd, since npx is a .cmd there.
      if (client === 'claude-desktop-windows') expect(doc.args.slice(0, 4), client).toEqual(['/c', 'npx', '-y', PACKAGE.name]);
      else expect(out.args[0], client).toBe(CLI);
      // npx form: the package name, with -y so it never waits for a prompt.
      if (doc.command === 'npx') expect(doc.args.slice(0, 2), client).toEqual(['-y', PACKAGE.name]);
    }
  });

  it('the Claude Code line is `claude mcp add --transport stdio --scope user NAME -- COMMAND ARGS`', () => {
    const lines = blocks.filter((b) => /Claude Code/i.test(b.label) && b.lang !== 'json').flatMap((b) => b.body.split('\n'));
    const add = lines.map((l) => l.trim()).filter((l) => l.startsWith('claude mcp add '));
    expect(add.length).toBeGreaterThan(0);
    for (const line of add) {
      const m = /^claude mcp add --transport stdio --scope user (?:--env \S+=\S+ )*([A-Za-z0-9_-]+) -- (\S+)((?: \S+)*)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(m![1]).toBe('ringcentral');
      if (m![2] === 'npx') expect(m![3].trim().split(' ').slice(0, 2)).toEqual(['-y', PACKAGE.name]);
    }
  });
});
