// Makes the bin entry points executable after tsc (npm link / npx rely on it).
import { chmodSync, existsSync } from 'node:fs';

for (const bin of ['dist/src/cli.js', 'dist/src/sandbox/bin.js']) {
  if (existsSync(bin)) chmodSync(bin, 0o755);
}
