import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests Stryker runs against each mutant: only those that import the code in-process (a test
 * that starts the built server or CLI from dist/ never sees a mutant, and costs seconds each).
 * Importing the base config also sets up its run-wide temp folder. The base config's projects are
 * dropped: they would bring back every test file. RINGCENTRAL_MCP_MUTATION_TESTS (a comma list of
 * test files) narrows the run to those: a quicker check of one file, whose score can only be lower.
 */
const only = process.env.RINGCENTRAL_MCP_MUTATION_TESTS?.split(',').filter(Boolean);
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    projects: undefined,
    include: only?.length
      ? only
      : ['test/unit/**/*.test.ts', 'test/membrane/**/*.test.ts', 'test/state/*.unit.test.ts', 'test/state/penalties.test.ts'],
  },
});
