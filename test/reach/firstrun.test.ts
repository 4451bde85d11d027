/**
 * The README's path from a fresh clone, before anything is published: `npm pack` builds first
 * (the prepare script), `npm install -g .` puts the bin on PATH (here into a temp prefix), and an
 * MCP client connects by exactly the command `ringcentral-mcp config <client>` prints.
 *
 * Offline and cheap: the clone is this tree's tracked files with node_modules linked from here,
 * built once by `npm pack`; the global install links the folder and reuses that build.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tools } from '../../dist/src/index.js';
import { ROOT, run } from './helpers.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const names = tools.map((t) => t.name).sort();

let work: string;
let clone: string;
let prefix: string;
let packedFiles: string[];
let builtBeforePack: boolean;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rcmcp-firstrun-'));
  clone = join(work, 'clone');
  prefix = join(work, 'prefix');
  const tracked = await run('git', ['ls-files', '-z'], { cwd: ROOT });
  expect(tracked.code, tracked.stderr).toBe(0);
  for (const file of tracked.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(ROOT, file), join(clone, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  builtBeforePack = existsSync(join(clone, 'dist'));

  const pack = await run(NPM, ['pack', '--json', '--pack-destination', work], { cwd: clone, timeoutMs: 240_000 });
  expect(pack.code, pack.stderr).toBe(0);
  packedFiles = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ files: Array<{ path: string }> }>)[0].files.map(
    (f) => f.path,
  );

  // The README's `npm install -g .`; scripts off because `npm pack` has just built the clone.
  const install = await run(NPM, ['install', '-g', '.', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: clone,
    timeoutMs: 120_000,
  });
  expect(install.code, install.stderr).toBe(0);
}, 400_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const binDir = () => (process.platform === 'win32' ? prefix : join(prefix, 'bin'));

describe('from a fresh clone', () => {
  it('`npm pack` builds first: the clone had no dist, the tarball has the compiled code', () => {
    expect(builtBeforePack).toBe(false);
    for (const file of ['dist/src/cli.js', 'dist/src/index.js', 'dist/src/sandbox/bin.js', 'dist/tools/index.js'])
      expect(packedFiles, file).toContain(file);
  });

  it('`npm install -g .` puts ringcentral-mcp on PATH; a client connects by the command `config` prints', async () => {
    const bin = join(binDir(), process.platform === 'win32' ? 'ringcentral-mcp.cmd' : 'ringcentral-mcp');
    expect(existsSync(bin), bin).toBe(true);
    const env = { ...process.env, PATH: `${binDir()}${delimiter}${process.env.PATH ?? ''}`, MEMBRANE_CLI: '' };
    const printed = await run(bin, ['config', 'claude-desktop', '--sandbox'], { cwd: work, env });
    expect(printed.code, printed.stderr).toBe(0);
    const entry = (
      JSON.parse(printed.stdout) as { mcpServers: { ringcentral: { command: string; args: string[]; env: Record<string, string> } } }
    ).mcpServers.ringcentral;

    // Absolute, no npx, no published package: this Node and the clone's built CLI.
    expect(isAbsolute(entry.command)).toBe(true);
    expect(entry.command).not.toMatch(/npx/);
    expect(entry.args).toEqual([realpathSync(join(clone, 'dist/src/cli.js')), '--sandbox']);

    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      cwd: work,
      env: { ...getDefaultEnvironment(), ...entry.env, TMPDIR: work, MEMBRANE_SANDBOX_STATE: join(work, 'sandbox-state.json') },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'firstrun-check', version: '1.0.0' });
    try {
      await client.connect(transport);
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(names);
      const account = await client.callTool({ name: 'ringcentral_get_account_info', arguments: {} });
      expect(account.isError).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});
