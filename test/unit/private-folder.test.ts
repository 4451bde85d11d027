/**
 * src/private-folder.ts: the server finds the sandbox's state file (the simulated account a runtime
 * acts on) without importing the sandbox, so both must compute the same path.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandboxStatePath } from '../../src/private-folder.js';
import { readEnv } from '../../src/sandbox/env.js';

describe('sandboxStatePath', () => {
  it("is the sandbox's own state path, whatever the environment says", () => {
    const envs: NodeJS.ProcessEnv[] = [
      {},
      { MEMBRANE_SANDBOX_STATE: join('/nowhere', 'state.json') },
      { MEMBRANE_SANDBOX_STATE: '' },
      { XDG_RUNTIME_DIR: join('/nowhere', 'run') },
    ];
    for (const e of envs) expect(sandboxStatePath(e)).toBe(readEnv(e).statePath);
  });
});
