/** Removes the run's temp folder (made in vitest.config.ts) once every test file has finished. */
import { rmSync } from 'node:fs';

export default function setup(): () => void {
  return () => {
    const dir = process.env.RINGCENTRAL_MCP_TEST_TMPDIR;
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
