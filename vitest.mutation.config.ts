import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests Stryker runs against each mutant: only those that import the code in-process (a test
 * that starts the built server or CLI from dist/ never sees a mutant, and costs seconds each).
 * Importing the base config also sets up its run-wide temp folder.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/unit/**/*.test.ts', 'test/membrane/**/*.test.ts'],
  },
});
