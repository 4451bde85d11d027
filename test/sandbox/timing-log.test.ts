/** The sandbox's timing log: the bench splits a warm call's time where the CLI starts and exits. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from './helpers.js';

describe('MEMBRANE_SANDBOX_TIMING_LOG', () => {
  it('one line per process at its exit: when it started and ended', async () => {
    const box = sandbox();
    const log = join(box.dir, 'timing.log');
    try {
      const before = Date.now();
      await box.ok(['connection', 'list', '--json'], { env: { MEMBRANE_SANDBOX_TIMING_LOG: log } });
      const lines = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { pid: number; start: number; end: number });
      expect(lines).toHaveLength(1);
      expect(lines[0].start).toBeGreaterThan(before - 5_000);
      expect(lines[0].end).toBeGreaterThanOrEqual(lines[0].start);
    } finally {
      box.cleanup();
    }
  });
});
