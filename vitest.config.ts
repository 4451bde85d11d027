import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every Node process the tests start (servers, sandbox CLI runs) would read the machine's extra CA
// bundle first, a large share of each start; the tests never reach the network.
delete process.env.NODE_EXTRA_CA_CERTS;

// One temp folder for the whole run, inherited by every worker and process: whatever a test or the
// code under test writes to the temp dir (per-user state, secrets) stays out of the user's, and
// test/temp-dir.ts removes it at the end.
if (!process.env.RINGCENTRAL_MCP_TEST_TMPDIR) {
  process.env.RINGCENTRAL_MCP_TEST_TMPDIR = mkdtempSync(join(tmpdir(), 'rcmcp-run-'));
  process.env.TMPDIR = process.env.RINGCENTRAL_MCP_TEST_TMPDIR;
}

/**
 * Test files share a worker's imports (the registry, zod, the SDK and the helpers are loaded once
 * per worker rather than once per file): no test changes global state it does not restore. The
 * in-process tests of one module each run in a project of their own, the mutation run's.
 */
const IN_PROCESS = ['test/unit/**/*.test.ts', 'test/membrane/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/temp-dir.ts'],
    // The default output, then one line per group of checks skipped for want of a tool (test/skipped.ts).
    reporters: ['default', './test/skipped.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real processes and spend part of their time waiting on them (timers, hung CLIs,
    // a live lock holder): on two cores, a third worker fills those waits.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'in-process', include: IN_PROCESS, isolate: false } },
      { extends: true, test: { name: 'processes', include: ['test/**/*.test.ts'], exclude: IN_PROCESS, isolate: false } },
    ],
  },
});
