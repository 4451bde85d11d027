/**
 * A per-user secret for confirmation tokens of the `call` route, where every call is a new
 * process: kept in a 0600 file in the user's temp dir so the next call accepts the token.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export function userSecret(dir = join(tmpdir(), `ringcentral-mcp-${userInfo().uid}`)): string {
  const file = join(dir, 'confirm-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString('hex');
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return readFileSync(file, 'utf8').trim(); // Another call created it first.
    }
  }
}
