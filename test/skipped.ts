/**
 * A vitest reporter (vitest.config.ts): after the summary, one line per group of checks that skipped
 * because a tool they need is not on this machine, saying how to run them. A test file joins a
 * group by declaring its suites with the group's describe (describeWithRedis, describeWithInspector).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const GROUPS = [
  {
    marker: 'describeWithRedis',
    line: (files: string) =>
      `Redis tests skipped, no redis-server found (${files}): install redis-server (apt-get install redis-server, brew install redis) or set RINGCENTRAL_MCP_REDIS_SERVER=/path/to/redis-server, then npm test`,
  },
  {
    marker: 'describeWithInspector',
    line: (files: string) =>
      `Inspector tests skipped, MCP Inspector not installed (${files}): npm run test:inspector installs it (it declares Node 22.19+) and runs them`,
  },
];

export default class Skipped implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<Pick<TestModule, 'moduleId' | 'state'>>): void {
    const skipped = modules
      .filter((module) => module.state() === 'skipped')
      .map((module) => ({ file: relative(process.cwd(), module.moduleId), source: readFileSync(module.moduleId, 'utf8') }));
    for (const group of GROUPS) {
      const files = skipped.filter((module) => module.source.includes(group.marker)).map((module) => module.file);
      if (files.length) process.stdout.write(`\n${group.line(files.join(', '))}\n`);
    }
  }
}
