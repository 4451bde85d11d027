// Mutation testing of the safety core (`npm run mutation`): each mutant is run against the
// in-process tests that cover it. Not part of `npm test`: it takes minutes, not seconds.
// To check one file quickly: npx stryker run --mutate src/membrane/output.ts
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    // Who may call: people, tokens, the HTTP server's checks and limits, per-person fairness.
    'src/safety/users.ts',
    'src/safety/oauth.ts',
    'src/mcp/http.ts',
    'src/mcp/callers.ts',
    'src/mcp/oauth-gate.ts',
    // What may reach the CLI and what may be sent: bounds, confirmations, duplicates, penalties.
    'src/safety/bounds.ts',
    'src/safety/secret.ts',
    'src/private-folder.ts',
    'src/safety/confirm.ts',
    'src/safety/sent-log.ts',
    'src/safety/penalties.ts',
    // Where that is remembered: the file store and the Redis store.
    'src/state/file.ts',
    'src/state/redis.ts',
    'src/state/store.ts',
    // One call's path: the executor's confirmation and duplicate steps, route choice, output reading.
    'src/mcp/call.ts',
    'src/mcp/budget.ts',
    'src/membrane/routing.ts',
    'src/membrane/output.ts',
    'src/membrane/paging.ts',
    'src/membrane/limiter.ts',
    'src/membrane/runner.ts',
    'src/membrane/membrane.ts',
    // The registry's own logic: shared helpers, and the domains' previews, idempotency keys and compact views.
    'tools/contract.ts',
    'tools/fields.ts',
    'tools/rest.ts',
    'tools/format.ts',
    'tools/account.ts',
    'tools/calls.ts',
    'tools/chats.ts',
    'tools/contacts.ts',
    'tools/discovery.ts',
    'tools/meetings.ts',
    'tools/messages.ts',
    'tools/proxy.ts',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The goal is 90% per file; the run fails when the whole drops below 85%.
  thresholds: { high: 90, low: 80, break: 85 },
  // The machine's cores are shared with the tests' own child processes.
  concurrency: 2,
  // `npm run mutation -- --incremental` reuses the last run's results for unchanged code and tests.
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
