/**
 * The published package: `npm pack`, then install and run the tarball in an empty directory.
 *
 * Offline by construction. A tarball's dependencies are version ranges, and resolving ranges
 * needs registry metadata that `npm ci` does not always leave in the cache. So the install test
 * writes a package-lock.json for the empty project (the tarball, plus this repo's locked
 * production dependencies with their registry URL and integrity) and runs `npm ci --offline`:
 * every tarball then comes from the npm cache by its integrity, with no metadata needed, which
 * `npm ci` of this repo has just filled. The `npx <tarball>` test is the literal user command;
 * it needs the metadata, so it runs with --offline and is skipped (saying why) when the cache
 * lacks it; RINGCENTRAL_MCP_TEST_ONLINE=1 lets it use the registry.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tools } from '../../dist/src/index.js';
import { ROOT, run } from './helpers.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const names = tools.map((t) => t.name).sort();

let work: string;
let tarball: string;
let packed: { files: Array<{ path: string; mode: number }>; integrity: string };
let installDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rcmcp-pack-'));
  const result = await run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { timeoutMs: 60_000 });
  expect(result.code, result.stderr).toBe(0);
  packed = JSON.parse(result.stdout)[0];
  tarball = join(work, (packed as unknown as { filename: string }).filename);
  expect(existsSync(tarball)).toBe(true);
}, 90_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** tools/list from a stdio server started with this command, in this directory. */
async function listTools(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string[]> {
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    // The server's per-user files (state, secret) go to the test's folder, not the user's temp dir.
    env: { ...getDefaultEnvironment(), TMPDIR: work, MEMBRANE_SANDBOX_STATE: join(work, 'sandbox-state.json'), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += String(d)));
  const client = new Client({ name: 'pack-check', version: '1.0.0' });
  try {
    await client.connect(transport, { timeout: 90_000 });
    return (await client.listTools()).tools.map((t) => t.name).sort();
  } catch (error) {
    throw new Error(`${(error as Error).message}\nstderr:\n${stderr}`, { cause: error });
  } finally {
    await client.close();
  }
}

describe('package.json and the tarball', () => {
  it('ships the built code, declarations, SKILL.md and README, and no sources or tests', () => {
    const paths = packed.files.map((f) => f.path);
    for (const required of [
      'package.json',
      'README.md',
      'SKILL.md',
      'dist/src/cli.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/sandbox/bin.js',
      'dist/tools/index.js',
      'dist/tools/index.d.ts',
    ]) {
      expect(paths, required).toContain(required);
    }
    for (const path of paths) {
      expect(path, path).not.toMatch(/^(src|test|tools|bench|scripts|node_modules)\//);
      expect(path, path).not.toMatch(/(?<!\.d)\.ts$/);
      expect(path, path).not.toMatch(/\.(tsbuildinfo|log)$|(^|\/)\.env/);
    }
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/src', 'dist/tools', 'SKILL.md', 'README.md']));
  });

  it('engines.node is a lower bound this Node meets', () => {
    const m = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pkg.engines?.node ?? '');
    expect(m, `engines.node = ${pkg.engines?.node}`).not.toBeNull();
    const want = m!.slice(1).map((n) => Number(n ?? 0));
    const have = process.versions.node.split('.').map(Number);
    const cmp = have[0] - want[0] || have[1] - want[1] || have[2] - want[2];
    expect(cmp).toBeGreaterThanOrEqual(0);
    // The runtime dependencies must not ask for more than we promise.
    expect(Number(want[0])).toBeGreaterThanOrEqual(20);
  });

  it('every bin is in the tarball, executable, with a node shebang', () => {
    expect(Object.keys(pkg.bin)).toContain(pkg.name);
    for (const [name, file] of Object.entries(pkg.bin as Record<string, string>)) {
      const entry = packed.files.find((f) => f.path === file.replace(/^\.\//, ''));
      expect(entry, `${name} -> ${file}`).toBeDefined();
      expect(entry!.mode & 0o111, `${file} is executable`).not.toBe(0);
      expect(readFileSync(join(ROOT, file), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    }
  });

  it('exports, main and types point into the tarball', () => {
    const paths = new Set(packed.files.map((f) => f.path));
    const strip = (p: string) => p.replace(/^\.\//, '');
    expect(pkg.type).toBe('module');
    expect(paths.has(strip(pkg.main))).toBe(true);
    expect(paths.has(strip(pkg.types))).toBe(true);
    expect(paths.has(strip(pkg.exports['.'].import))).toBe(true);
    expect(paths.has(strip(pkg.exports['.'].types))).toBe(true);
  });
});

/** A lockfile for an empty project depending on the tarball: the repo's locked production dependencies, each with its registry URL. */
async function offlineProject(dir: string): Promise<void> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const registry = (await run(NPM, ['config', 'get', 'registry'])).stdout.trim().replace(/\/?$/, '/');
  copyFileSync(tarball, join(dir, 'ringcentral-mcp.tgz'));
  const spec = 'file:ringcentral-mcp.tgz';
  const packages: Record<string, unknown> = {
    '': { name: 'pack-check', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      integrity: packed.integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages as Record<string, Record<string, unknown>>)) {
    if (!path || entry.dev || entry.link) continue;
    const { devOptional: _d, ...rest } = entry;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    rest.resolved ??= `${registry}${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = rest;
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'pack-check', private: true, type: 'module', dependencies: { [pkg.name]: spec } }, null, 2),
  );
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'pack-check', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

describe('installed from the tarball in an empty directory (offline)', () => {
  beforeAll(async () => {
    installDir = join(work, 'project');
    mkdirSync(installDir);
    await offlineProject(installDir);
    const result = await run(NPM, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: installDir,
      timeoutMs: 120_000,
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 150_000);

  it('the ringcentral-mcp bin serves MCP over stdio with --sandbox: tools/list', async () => {
    const bin = join(installDir, 'node_modules/.bin', process.platform === 'win32' ? 'ringcentral-mcp.cmd' : 'ringcentral-mcp');
    expect(existsSync(bin)).toBe(true);
    expect(await listTools(bin, ['--sandbox', '--no-warmup'], installDir)).toEqual(names);
    const version = await run(bin, ['--version'], { cwd: installDir });
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('imports by name through exports and runs the README library example', async () => {
    copyFileSync(join(ROOT, 'test/reach/library-example.mjs'), join(installDir, 'example.mjs'));
    const result = await run(process.execPath, ['example.mjs'], {
      cwd: installDir,
      env: { ...process.env, MEMBRANE_SANDBOX_STATE: join(work, 'library-state.json') },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${tools.length} tools`));
    expect(result.stdout).toMatch(/confirmation_required/);
    expect(result.stdout).toMatch(/^done /m);
    const resolved = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('ringcentral-mcp'))"], {
      cwd: installDir,
    });
    expect(resolved.stdout.trim()).toMatch(/node_modules\/ringcentral-mcp\/dist\/src\/index\.js$/);
  });

  it('type declarations resolve for a TypeScript consumer', async () => {
    writeFileSync(
      join(installDir, 'consumer.ts'),
      [
        "import { createServer, tools, type LibraryTool, type ToolRunResult } from 'ringcentral-mcp';",
        'const first: LibraryTool = tools[0];',
        "const kind: 'read' | 'write' | 'destructive' = first.kind;",
        'const result: Promise<ToolRunResult> = first.run({}, { sandbox: true });',
        'const server = createServer({ readOnly: true });',
        'void [kind, result, server, first.inputSchema.shape, first.jsonSchema.input];',
        '',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        'consumer.ts',
      ],
      { cwd: installDir, timeoutMs: 60_000 },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('npx of the tarball in an empty directory', () => {
  it('`npx --yes <tarball> --sandbox` answers tools/list over stdio', async (ctx) => {
    const empty = mkdtempSync(join(work, 'npx-'));
    const online = process.env.RINGCENTRAL_MCP_TEST_ONLINE === '1';
    const cache = (await run(NPM, ['config', 'get', 'cache'])).stdout.trim();
    const npxDir = join(cache, '_npx');
    const before = new Set(existsSync(npxDir) ? readdirSync(npxDir) : []);
    // The README's `npx -y ringcentral-mcp`, with the package name swapped for the tarball.
    const args = ['--yes', online ? '--prefer-offline' : '--offline', `file:${tarball}`, '--sandbox', '--no-warmup'];
    try {
      // Install first, so a missing cache entry is told apart from a server failure.
      const probe = await run(NPX, [...args.slice(0, 3), '--version'], { cwd: empty, timeoutMs: 120_000 });
      if (probe.code !== 0 && /ENOTCACHED/.test(probe.stderr)) {
        ctx.skip(
          `the npm cache lacks registry metadata for the dependency ranges (npx resolves ranges); the offline install above covers the tarball. ${probe.stderr.split('\n')[1] ?? ''}`,
        );
      }
      expect(probe.code, probe.stderr).toBe(0);
      expect(probe.stdout.trim()).toBe(pkg.version);
      expect(await listTools(NPX, args, empty)).toEqual(names);
      expect(readdirSync(empty)).toEqual([]); // npx installs elsewhere: the directory stays empty
    } finally {
      // Remove only the npx installs this test made.
      if (existsSync(npxDir)) {
        for (const entry of readdirSync(npxDir)) {
          const dir = join(npxDir, entry);
          if (!before.has(entry) && statSync(dir).isDirectory() && existsSync(join(dir, 'node_modules', pkg.name)))
            rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  }, 180_000);
});
