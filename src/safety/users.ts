/**
 * The people of a multi-user HTTP deployment (`--users <file>`): each has a bearer token (only its
 * SHA-256 is stored), a Membrane tenant, and optionally a pinned connection. The file is re-read
 * when it changes (or on SIGHUP). What is in force is always the file on disk, or nobody: a file
 * that is deleted, or that an edit broke, lets nobody in until it is back or fixed, since the
 * edit that breaks it is as likely as not the one that removes someone.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';

/** A person of a multi-user deployment: their Membrane tenant, and the connection when pinned. */
export interface UserIdentity {
  name: string;
  tenantKey: string;
  connectionId?: string;
}

export interface UserEntry extends UserIdentity {
  tokenSha256: string;
}

/** What the users file gives right now: `ok` (its users), or nobody because it is `invalid` or `missing`. */
export interface UsersStatus {
  /** Users in force. */
  count: number;
  state: 'ok' | 'invalid' | 'missing';
  /** Why nobody is in force. */
  error?: string;
}

/** Makes a token and its hash, and fails loudly rather than hash an empty token. Node is there wherever the server runs. */
export const TOKEN_RECIPE = `node -e 'const c=require("crypto"),t=c.randomBytes(32).toString("hex");console.log("token:       "+t+"\\ntokenSha256: "+c.createHash("sha256").update(t).digest("hex"))'`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The hash an empty token has: an entry with it would let in every request that sends no token. */
export const EMPTY_TOKEN_SHA256 = sha256('');

const NAME = /^[\w.@-]{1,64}$/;
const HASH = /^[0-9a-f]{64}$/i;
/** Passed to the CLI as one argument each: no leading dash, nothing a flag parser could misread. */
const KEY = /^[A-Za-z0-9][\w.:@-]{0,127}$/;

class UsersFileError extends Error {
  constructor(
    message: string,
    readonly missing = false,
  ) {
    super(message);
  }
}

function parseFile(file: string): unknown {
  let text: string;
  try {
    // Stryker disable next-line StringLiteral: read as bytes, JSON.parse reads the same UTF-8 text
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsersFileError(`users file ${file} is missing`, true);
    throw new UsersFileError(`users file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsersFileError(`users file ${file}: ${(error as Error).message}`);
  }
}

/** One entry, checked; any problem is an error naming the entry and the field. */
function readEntry(raw: unknown, where: string): UserEntry {
  const u = (raw ?? {}) as Record<string, unknown>;
  const text = (field: string, pattern: RegExp, what: string, optional = false): string | undefined => {
    const value = u[field];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || !pattern.test(value))
      throw new UsersFileError(`${where}.${field} must be ${what}, got ${JSON.stringify(value)}`);
    return value;
  };
  const name = text('name', NAME, '1-64 letters, digits, _ . @ -')!;
  const tokenSha256 = text('tokenSha256', HASH, `the hex SHA-256 of the bearer token (64 hex digits): ${TOKEN_RECIPE}`)!.toLowerCase();
  if (tokenSha256 === EMPTY_TOKEN_SHA256) {
    throw new UsersFileError(
      `${where}.tokenSha256 is the SHA-256 of an empty token, which would let in as ${name} every request that sends no token; make a token and its hash with: ${TOKEN_RECIPE}`,
    );
  }
  const tenantKey = text('tenantKey', KEY, 'a Membrane tenant key (letters, digits, _ . : @ -, not starting with -)')!;
  const connectionId = text('connectionId', KEY, 'a Membrane connection id', true);
  return { name, tokenSha256, tenantKey, ...(connectionId ? { connectionId } : {}) };
}

/** The users of `file`, checked; any problem is an error naming the entry and the field. */
export function readUsers(file: string): UserEntry[] {
  const list = (parseFile(file) as { users?: unknown })?.users;
  if (!Array.isArray(list))
    throw new UsersFileError(`users file ${file}: expected {"users":[{"name","tokenSha256","tenantKey","connectionId"?}]}`);
  const names = new Set<string>();
  const hashes = new Set<string>();
  return list.map((raw: unknown, i) => {
    const where = `users file ${file}, users[${i}]`;
    const user = readEntry(raw, where);
    if (names.has(user.name)) throw new UsersFileError(`${where}: the name ${user.name} appears twice`);
    if (hashes.has(user.tokenSha256)) throw new UsersFileError(`${where}: ${user.name} has the same token as another user`);
    names.add(user.name);
    hashes.add(user.tokenSha256);
    return user;
  });
}

/** Names for a log line: all of a short list, the first 20 of a long one. */
function nameList(users: UserEntry[]): string {
  const shown = users.slice(0, 20).map((u) => u.name);
  return users.length > shown.length ? `${shown.join(', ')} and ${users.length - shown.length} more` : shown.join(', ');
}

export class Users {
  private list: UserEntry[];
  private current: UsersStatus;

  /** Reads the file (a missing or invalid one is an error: the server does not start on it) and says on `log` who is in force. */
  constructor(
    readonly file: string,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`ringcentral-mcp: ${line}\n`),
  ) {
    this.list = readUsers(file);
    this.current = { count: this.list.length, state: 'ok' };
    this.log(this.inForce());
  }

  /** What is in force, for /healthz. */
  get status(): UsersStatus {
    return { ...this.current };
  }

  /**
   * The user whose token this is: compared against every entry in constant time, so timing tells
   * nothing. An empty token is nobody's, whatever the file says.
   */
  find(token: string): UserEntry | undefined {
    if (token === '') return undefined;
    const given = createHash('sha256').update(token).digest();
    let found: UserEntry | undefined;
    for (const user of this.list) {
      if (timingSafeEqual(Buffer.from(user.tokenSha256, 'hex'), given)) found = user;
    }
    return found;
  }

  /** Reads the file again: its users, or nobody when it is gone or does not check. Says on the log what is in force. */
  reload(): void {
    try {
      this.list = readUsers(this.file);
      this.current = { count: this.list.length, state: 'ok' };
    } catch (error) {
      this.list = [];
      const missing = error instanceof UsersFileError && error.missing;
      this.current = { count: 0, state: missing ? 'missing' : 'invalid', error: (error as Error).message };
    }
    this.log(this.inForce());
  }

  private inForce(): string {
    const { state, error } = this.current;
    if (state === 'ok') return `users file ${this.file}: ${this.list.length} user(s) in force: ${nameList(this.list) || '(none)'}`;
    const until = state === 'missing' ? 'it is back' : 'it is fixed';
    return `${error}; nobody is let in until ${until} (0 users in force)`;
  }

  /** Re-reads the file when it changes, is replaced or is deleted (polled, so editors that replace the file are seen too). */
  watch(intervalMs = 1000): () => void {
    const onChange = (now: Stats, before: Stats) => {
      if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) this.reload();
    };
    // Stryker disable next-line BooleanLiteral,ObjectLiteral: whether the watch keeps the process alive, which no in-process test can see
    watchFile(this.file, { interval: intervalMs, persistent: false }, onChange);
    return () => unwatchFile(this.file, onChange);
  }
}
