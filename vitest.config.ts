import { defineConfig } from 'vitest/config';

// Every Node process the tests start (servers, sandbox CLI runs) would read the machine's extra CA
// bundle first, a large share of each start; the tests never reach the network.
delete process.env.NODE_EXTRA_CA_CERTS;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real processes; two cores are shared with them.
    maxWorkers: 2,
  },
});
