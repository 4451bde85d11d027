/**
 * A per-user secret for confirmation tokens of the `call` route, where every call is a new
 * process: kept in a 0600 file in a 0700 folder of the user's temp dir so the next call accepts the token.
 * The temp dir is shared by every user: a folder someone else made (or made readable) could hand
 * us a secret they know, so it is refused.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userFolder } from '../state/file.js';
import { join } from 'node:path';

/** Creates `dir` 0700, or checks that the existing one is ours and closed to others. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Stryker disable next-line ConditionalExpression,StringLiteral: Windows has no POSIX modes or owners; the tests run on POSIX
  if (process.platform === 'win32') return;
  const stat = lstatSync(dir);
  const refuse = (why: string) =>
    new Error(`refusing to use ${dir} for the confirmation secret: ${why}; remove it (rm -r ${dir}) and call again`);
  if (!stat.isDirectory()) throw refuse('it is not a directory');
  // Stryker disable next-line OptionalChaining: getuid exists wherever this line runs (POSIX)
  if (stat.uid !== process.getuid?.()) throw refuse(`it belongs to another user (uid ${stat.uid})`);
  if ((stat.mode & 0o077) !== 0) throw refuse(`it is open to other users (mode ${(stat.mode & 0o777).toString(8)})`);
}

export function userSecret(dir = userFolder()): string {
  privateDir(dir);
  const file = join(dir, 'confirm-secret');
  try {
    // Stryker disable next-line StringLiteral: read as bytes, .trim() throws and the fallback below reads the same text
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return readFileSync(file, 'utf8').trim(); // Another call created it first.
    }
  }
}
