// The static checks of `npm test`, side by side: formatting, the types of test/, bench/ and
// scripts/, and lint. Each is one mostly single-threaded process, so on two cores they take about
// half the time they take in a row. A check's output is printed only when it fails, whole, after
// it ends; the exit code is the first failure's.
import { spawn } from 'node:child_process';

const CHECKS = ['format:check', 'typecheck', 'lint'];

/**
 * @param {string} script
 * @returns {Promise<{ script: string, code: number, output: string }>}
 */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script, '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (/** @type {Buffer} */ chunk) => (output += chunk.toString());
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ script, code: 1, output: String(error) }));
    child.on('close', (code) => resolve({ script, code: code ?? 1, output }));
  });
}

const failed = (await Promise.all(CHECKS.map(run))).filter((check) => check.code !== 0);
for (const { script, output } of failed) process.stderr.write(`npm run ${script} failed:\n${output}\n`);
process.exit(failed[0]?.code ?? 0);
