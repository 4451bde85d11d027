/**
 * A fresh machine: without a redis-server the Redis tests skip (unless CI requires them), and the
 * run ends with one line naming the skipped files and how to run them.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import Skipped from '../skipped.js';
import { findRedisServer } from '../state/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'rcmcp-skipped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('finding a redis-server', () => {
  const fake = join(dir, 'redis-server');
  writeFileSync(fake, '#!/bin/sh\n');
  chmodSync(fake, 0o755);

  it('takes the first on PATH, or the one RINGCENTRAL_MCP_REDIS_SERVER names', () => {
    expect(findRedisServer({ PATH: `/nonexistent:${dir}` })).toBe(fake);
    expect(findRedisServer({ PATH: '/nonexistent', RINGCENTRAL_MCP_REDIS_SERVER: fake })).toBe(fake);
  });

  it('none found: undefined (the tests skip), or a failure where RINGCENTRAL_MCP_REQUIRE_REDIS=1', () => {
    expect(findRedisServer({ PATH: '/nonexistent' })).toBeUndefined();
    expect(() => findRedisServer({ PATH: '/nonexistent', RINGCENTRAL_MCP_REQUIRE_REDIS: '1' })).toThrow(
      /redis-server not found and RINGCENTRAL_MCP_REQUIRE_REDIS=1/,
    );
  });

  it('a named file that cannot run is an error, not a skip', () => {
    const plain = join(dir, 'not-executable');
    writeFileSync(plain, '');
    expect(() => findRedisServer({ RINGCENTRAL_MCP_REDIS_SERVER: plain })).toThrow(/is not an executable file/);
  });
});

describe('the closing line', () => {
  const file = (name: string, source: string) => {
    const path = join(dir, name);
    writeFileSync(path, source);
    return path;
  };
  type Module = Pick<TestModule, 'moduleId' | 'state'>;
  const module = (moduleId: string, state: ReturnType<TestModule['state']>): Module => ({ moduleId, state: () => state });
  const printed = (modules: Module[]) => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      new Skipped().onTestRunEnd(modules);
      return write.mock.calls.map(([text]) => String(text)).join('');
    } finally {
      write.mockRestore();
    }
  };

  it('names the skipped Redis test files once, with how to run them; says nothing when they ran', () => {
    const redisA = file('a.test.ts', "describeWithRedis('x', () => {});");
    const redisB = file('b.test.ts', "describeWithRedis('y', () => {});");
    const other = file('c.test.ts', "describe.skip('z', () => {});");
    const line = printed([module(redisA, 'skipped'), module(redisB, 'skipped'), module(other, 'skipped')]);
    expect(line.trim().split('\n')).toHaveLength(1);
    expect(line).toMatch(
      /^\nRedis tests skipped, no redis-server found \(.*a\.test\.ts, .*b\.test\.ts\): install redis-server .*RINGCENTRAL_MCP_REDIS_SERVER=/,
    );
    expect(line).not.toContain('c.test.ts');
    expect(printed([module(redisA, 'passed')])).toBe('');
  });
});
