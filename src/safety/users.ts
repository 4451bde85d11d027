/**
 * The people of a multi-user HTTP deployment (`--users <file>`): each has a bearer token (only its
 * SHA-256 is stored), a Membrane tenant, and optionally a pinned connection. The file is re-read
 * when it changes (or on SIGHUP); a broken edit keeps the last good list and says why on stderr.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { UserIdentity } from '../mcp/runtime.js';

export interface UserEntry extends UserIdentity {
  tokenSha256: string;
}

const NAME = /^[\w.@-]{1,64}$/;
const HASH = /^[0-9a-f]{64}$/i;
/** Passed to the CLI as one argument each: no leading dash, nothing a flag parser could misread. */
const KEY = /^[A-Za-z0-9][\w.:@-]{0,127}$/;

/** The users of `file`, checked; any problem is an error naming the entry and the field. */
export function readUsers(file: string): UserEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`users file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const list = (parsed as { users?: unknown })?.users;
  if (!Array.isArray(list)) throw new Error(`users file ${file}: expected {"users":[{"name","tokenSha256","tenantKey","connectionId"?}]}`);
  const names = new Set<string>();
  const hashes = new Set<string>();
  return list.map((raw: unknown, i) => {
    const u = (raw ?? {}) as Record<string, unknown>;
    const where = `users file ${file}, users[${i}]`;
    const text = (field: string, pattern: RegExp, what: string, optional = false): string | undefined => {
      const value = u[field];
      if (value === undefined && optional) return undefined;
      if (typeof value !== 'string' || !pattern.test(value))
        throw new Error(`${where}.${field} must be ${what}, got ${JSON.stringify(value)}`);
      return value;
    };
    const name = text('name', NAME, '1-64 letters, digits, _ . @ -')!;
    const tokenSha256 = text(
      'tokenSha256',
      HASH,
      'the hex SHA-256 of the bearer token (64 hex digits): printf %s "$TOKEN" | sha256sum',
    )!.toLowerCase();
    const tenantKey = text('tenantKey', KEY, 'a Membrane tenant key (letters, digits, _ . : @ -, not starting with -)')!;
    const connectionId = text('connectionId', KEY, 'a Membrane connection id', true);
    if (names.has(name)) throw new Error(`${where}: the name ${name} appears twice`);
    if (hashes.has(tokenSha256)) throw new Error(`${where}: ${name} has the same token as another user`);
    names.add(name);
    hashes.add(tokenSha256);
    return { name, tokenSha256, tenantKey, ...(connectionId ? { connectionId } : {}) };
  });
}

export class Users {
  private list: UserEntry[];

  constructor(readonly file: string) {
    this.list = readUsers(file);
  }

  get size(): number {
    return this.list.length;
  }

  /** The user whose token this is: compared against every entry in constant time, so timing tells nothing. */
  find(token: string): UserEntry | undefined {
    const given = createHash('sha256').update(token).digest();
    let found: UserEntry | undefined;
    for (const user of this.list) {
      if (timingSafeEqual(Buffer.from(user.tokenSha256, 'hex'), given)) found = user;
    }
    return found;
  }

  /** Reads the file again; a file that does not parse keeps the list in force. */
  reload(): void {
    try {
      this.list = readUsers(this.file);
      process.stderr.write(`ringcentral-mcp: ${this.file}: ${this.list.length} user(s)\n`);
    } catch (error) {
      process.stderr.write(`ringcentral-mcp: ${(error as Error).message}; keeping the ${this.list.length} user(s) already loaded\n`);
    }
  }

  /** Re-reads the file when it changes (polled, so editors that replace the file are seen too). */
  watch(intervalMs = 1000): () => void {
    const onChange = (now: { mtimeMs: number }, before: { mtimeMs: number }) => {
      if (now.mtimeMs !== before.mtimeMs) this.reload();
    };
    watchFile(this.file, { interval: intervalMs, persistent: false }, onChange);
    return () => unwatchFile(this.file, onChange);
  }
}
