/**
 * The MCP conformance suite (@modelcontextprotocol/conformance, pinned devDependency, run from
 * node_modules so CI is offline) against the built server over Streamable HTTP. 0.1.13 exits 1
 * when any check has status FAILURE (WARNINGs do not fail it) and writes every check to
 * <output-dir>/server-<scenario>-<time>/checks.json; both are asserted. Only the scenarios that
 * apply to an arbitrary server: the rest call fixture tools of the SDK's demo server.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers.js';
import { BIN, run, spawnHttp, type HttpChild } from './helpers.js';

const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'logging-set-level', 'dns-rebinding-protection'];

let sandbox: Sandbox;
let server: HttpChild;
let out: string;

beforeAll(async () => {
  sandbox = makeSandbox();
  out = mkdtempSync(join(tmpdir(), 'rcmcp-conformance-'));
  server = await spawnHttp(['--sandbox'], { ...sandbox.env, RINGCENTRAL_MCP_HTTP_TOKEN: '' });
});

afterAll(async () => {
  await server?.stop();
  sandbox?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('MCP conformance 0.1.13, server mode over Streamable HTTP', () => {
  it('pins the version the suite was written against', () => {
    const pkg = JSON.parse(readFileSync(join(BIN('conformance'), '../../@modelcontextprotocol/conformance/package.json'), 'utf8'));
    expect(pkg.version).toBe('0.1.13');
  });

  it.each(SCENARIOS)('%s passes', async (scenario) => {
    const dir = join(out, scenario);
    const result = await run(BIN('conformance'), ['server', '--url', server.url, '--scenario', scenario, '-o', dir], { timeoutMs: 30_000 });
    const report = `${result.stdout}\n${result.stderr}`;
    expect(result.code, report).toBe(0);
    expect(result.stdout).toMatch(/0 failed/);
    const [run1] = readdirSync(dir);
    const checks = JSON.parse(readFileSync(join(dir, run1, 'checks.json'), 'utf8')) as Array<{
      id: string;
      status: string;
      errorMessage?: string;
    }>;
    expect(checks.length, report).toBeGreaterThan(0);
    for (const check of checks) expect(check.status, `${check.id}: ${check.errorMessage ?? ''}`).toBe('SUCCESS');
  });

  it('the harness notices a failure: a server without Host checks fails dns-rebinding-protection', async () => {
    // Answers initialize to anyone, whatever the Host: what this project must never do.
    const careless = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'careless', version: '0' } },
          }),
        ),
      );
    });
    await new Promise<void>((resolve) => careless.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(careless.address() as AddressInfo).port}/mcp`;
      const result = await run(BIN('conformance'), ['server', '--url', url, '--scenario', 'dns-rebinding-protection'], {
        timeoutMs: 30_000,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/[1-9]\d* failed/);
    } finally {
      careless.close();
    }
  });
});
