// After tsc: the sandbox's package.json goes beside its compiled code (it is CommonJS, see
// src/sandbox/bin.ts), and the bin entry points become executable (npm link / npx rely on it).
import { chmodSync, copyFileSync, existsSync } from 'node:fs';

copyFileSync('src/sandbox/package.json', 'dist/src/sandbox/package.json');
for (const bin of ['dist/src/cli.js', 'dist/src/sandbox/bin.js']) {
  if (existsSync(bin)) chmodSync(bin, 0o755);
}
