/**
 * src/safety/users.ts in process: who the users file lets in, and every way it refuses an entry.
 * An entry that checks wrongly, or a token that matches wrongly, lets someone in as someone else.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMPTY_TOKEN_SHA256, readUsers, TOKEN_RECIPE, Users } from '../../src/safety/users.js';

const dir = mkdtempSync(join(tmpdir(), 'users-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (token: string) => createHash('sha256').update(token).digest('hex');
let n = 0;
/** A users file holding `content` (JSON of it unless a string), and its path. */
const usersFile = (content: unknown): string => {
  const file = join(dir, `users-${n++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const entry = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  tokenSha256: sha(`token-${name}`),
  tenantKey: `tenant-${name}`,
  ...extra,
});
const refusal = (file: string) => {
  try {
    readUsers(file);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('readUsers', () => {
  it('reads each entry, hash lower-cased, connection only when given', () => {
    const file = usersFile({
      users: [entry('ann', { tokenSha256: sha('token-ann').toUpperCase(), connectionId: 'conn-1' }), entry('bob')],
    });
    expect(readUsers(file)).toEqual([
      { name: 'ann', tokenSha256: sha('token-ann'), tenantKey: 'tenant-ann', connectionId: 'conn-1' },
      { name: 'bob', tokenSha256: sha('token-bob'), tenantKey: 'tenant-bob' },
    ]);
    expect(Object.keys(readUsers(file)[1])).toEqual(['name', 'tokenSha256', 'tenantKey']);
  });

  it('refuses a missing file, a file it cannot read, and text that is not JSON', () => {
    const missing = join(dir, 'nope.json');
    expect(refusal(missing)).toBe(`users file ${missing} is missing`);
    expect(refusal(dir)).toMatch(new RegExp(`^users file ${dir}: EISDIR`));
    const broken = usersFile('{"users": [');
    expect(refusal(broken)).toMatch(new RegExp(`^users file ${broken}: .*JSON`));
  });

  it('refuses a file without a users list', () => {
    const shape = `expected {"users":[{"name","tokenSha256","tenantKey","connectionId"?}]}`;
    for (const content of [{}, { users: {} }, null, 'null', { users: 'ann' }]) {
      const file = usersFile(content === 'null' ? 'null' : content);
      expect(refusal(file)).toBe(`users file ${file}: ${shape}`);
    }
  });

  it('accepts an empty list', () => {
    expect(readUsers(usersFile({ users: [] }))).toEqual([]);
  });

  it('refuses each field that does not check, naming the entry and the field', () => {
    const where = (file: string, i = 0) => `users file ${file}, users[${i}]`;
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: '' }, 'name', '1-64 letters, digits, _ . @ -'],
      [{ name: 'a'.repeat(65) }, 'name', '1-64 letters, digits, _ . @ -'],
      [{ name: 'ann smith' }, 'name', '1-64 letters, digits, _ . @ -'],
      [{ name: 'x ann' }, 'name', '1-64 letters, digits, _ . @ -'],
      [{ name: 'ann x' }, 'name', '1-64 letters, digits, _ . @ -'],
      [{ name: 7 }, 'name', '1-64 letters, digits, _ . @ -'],
      [{ tokenSha256: 'abc' }, 'tokenSha256', `the hex SHA-256 of the bearer token (64 hex digits): ${TOKEN_RECIPE}`],
      [{ tokenSha256: `x${sha('t')}` }, 'tokenSha256', `the hex SHA-256 of the bearer token (64 hex digits): ${TOKEN_RECIPE}`],
      [{ tokenSha256: `${sha('t')}x` }, 'tokenSha256', `the hex SHA-256 of the bearer token (64 hex digits): ${TOKEN_RECIPE}`],
      [{ tokenSha256: 'g'.repeat(64) }, 'tokenSha256', `the hex SHA-256 of the bearer token (64 hex digits): ${TOKEN_RECIPE}`],
      [{ tenantKey: '-flag' }, 'tenantKey', 'a Membrane tenant key (letters, digits, _ . : @ -, not starting with -)'],
      [{ tenantKey: 'a'.repeat(129) }, 'tenantKey', 'a Membrane tenant key (letters, digits, _ . : @ -, not starting with -)'],
      [{ tenantKey: 'ten ant' }, 'tenantKey', 'a Membrane tenant key (letters, digits, _ . : @ -, not starting with -)'],
      [{ tenantKey: 'tenant x' }, 'tenantKey', 'a Membrane tenant key (letters, digits, _ . : @ -, not starting with -)'],
      [{ tenantKey: undefined }, 'tenantKey', 'a Membrane tenant key (letters, digits, _ . : @ -, not starting with -)'],
      [{ connectionId: '--all' }, 'connectionId', 'a Membrane connection id'],
      [{ connectionId: '' }, 'connectionId', 'a Membrane connection id'],
      [{ connectionId: 5 }, 'connectionId', 'a Membrane connection id'],
    ];
    for (const [change, field, what] of cases) {
      const bad: Record<string, unknown> = { ...entry('ann'), ...change };
      const file = usersFile({ users: [bad] });
      expect(refusal(file), JSON.stringify(change)).toBe(`${where(file)}.${field} must be ${what}, got ${JSON.stringify(bad[field])}`);
    }
    // The longest name and key that check.
    const long = usersFile({ users: [entry('a'.repeat(64), { tenantKey: `T${'k'.repeat(127)}`, connectionId: 'c.1:2@x-y_z' })] });
    expect(readUsers(long)[0].name).toBe('a'.repeat(64));
    // A null entry is refused on its first field.
    const nulls = usersFile({ users: [null] });
    expect(refusal(nulls)).toBe(`${where(nulls)}.name must be 1-64 letters, digits, _ . @ -, got undefined`);
  });

  it('refuses the hash of an empty token, in any letter case', () => {
    for (const hash of [EMPTY_TOKEN_SHA256, EMPTY_TOKEN_SHA256.toUpperCase()]) {
      const file = usersFile({ users: [entry('ann', { tokenSha256: hash })] });
      expect(refusal(file)).toBe(
        `users file ${file}, users[0].tokenSha256 is the SHA-256 of an empty token, which would let in as ann every request that sends no token; make a token and its hash with: ${TOKEN_RECIPE}`,
      );
    }
    expect(EMPTY_TOKEN_SHA256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refuses a name or a token given twice, naming the second entry', () => {
    const names = usersFile({ users: [entry('ann'), entry('bob'), entry('ann', { tokenSha256: sha('other') })] });
    expect(refusal(names)).toBe(`users file ${names}, users[2]: the name ann appears twice`);
    const tokens = usersFile({ users: [entry('ann'), entry('bob', { tokenSha256: sha('token-ann').toUpperCase() })] });
    expect(refusal(tokens)).toBe(`users file ${tokens}, users[1]: bob has the same token as another user`);
  });

  it('the token recipe makes a token and its hash with Node', () => {
    expect(TOKEN_RECIPE).toContain('randomBytes(32)');
    expect(TOKEN_RECIPE).toContain('createHash("sha256")');
  });
});

describe('Users', () => {
  const logged = () => {
    const lines: string[] = [];
    return { lines, log: (line: string) => void lines.push(line) };
  };

  it('finds the user of a token, nobody for a wrong or empty one', () => {
    const { lines, log } = logged();
    const users = new Users(usersFile({ users: [entry('ann'), entry('bob')] }), log);
    expect(users.find('token-ann')?.name).toBe('ann');
    expect(users.find('token-bob')?.name).toBe('bob');
    expect(users.find('token-bo')).toBeUndefined();
    expect(users.find('')).toBeUndefined();
    expect(users.status).toEqual({ count: 2, state: 'ok' });
    expect(lines).toEqual([`users file ${users.file}: 2 user(s) in force: ann, bob`]);
  });

  it('finds the user of a token listed after other users', () => {
    const users = new Users(usersFile({ users: [entry('ann'), entry('bob'), entry('cy')] }), () => {});
    expect(users.find('token-ann')?.name).toBe('ann');
    expect(users.find('token-cy')?.name).toBe('cy');
  });

  it('lets nobody in with an empty token, even were an entry to carry its hash', () => {
    const users = new Users(usersFile({ users: [entry('ann')] }), () => {});
    // The file check refuses such an entry; find() does not rely on that.
    Reflect.set(users, 'list', [{ ...entry('ann'), tokenSha256: EMPTY_TOKEN_SHA256 }]);
    expect(users.find('')).toBeUndefined();
    expect(users.find('Stryker was here!')).toBeUndefined();
  });

  it('will not start on a missing or invalid file', () => {
    expect(() => new Users(join(dir, 'absent.json'), () => {})).toThrow(`users file ${join(dir, 'absent.json')} is missing`);
    expect(() => new Users(usersFile('{'), () => {})).toThrow(/^users file /);
  });

  it('says who is in force: the first 20 of a long list, (none) for an empty one', () => {
    const { lines, log } = logged();
    const many = Array.from({ length: 22 }, (_, i) => entry(`u${i}`));
    const users = new Users(usersFile({ users: many }), log);
    const first20 = many
      .slice(0, 20)
      .map((u) => u.name)
      .join(', ');
    expect(lines[0]).toBe(`users file ${users.file}: 22 user(s) in force: ${first20} and 2 more`);
    const exactly20 = new Users(usersFile({ users: many.slice(0, 20) }), log);
    expect(lines[1]).toBe(`users file ${exactly20.file}: 20 user(s) in force: ${first20}`);
    const none = new Users(usersFile({ users: [] }), log);
    expect(lines[2]).toBe(`users file ${none.file}: 0 user(s) in force: (none)`);
  });

  it('on reload: the new users; nobody while the file is broken or gone, and says until when', () => {
    const { lines, log } = logged();
    const file = usersFile({ users: [entry('ann')] });
    const users = new Users(file, log);
    writeFileSync(file, JSON.stringify({ users: [entry('bob')] }));
    users.reload();
    expect(users.find('token-ann')).toBeUndefined();
    expect(users.find('token-bob')?.name).toBe('bob');
    expect(lines[1]).toBe(`users file ${file}: 1 user(s) in force: bob`);

    writeFileSync(file, '{"users": [');
    users.reload();
    expect(users.find('token-bob')).toBeUndefined();
    const invalid = users.status;
    expect(invalid.state).toBe('invalid');
    expect(invalid.count).toBe(0);
    expect(invalid.error).toMatch(new RegExp(`^users file ${file}: `));
    expect(lines[2]).toBe(`${invalid.error}; nobody is let in until it is fixed (0 users in force)`);

    unlinkSync(file);
    users.reload();
    expect(users.status).toEqual({ count: 0, state: 'missing', error: `users file ${file} is missing` });
    expect(lines[3]).toBe(`users file ${file} is missing; nobody is let in until it is back (0 users in force)`);

    writeFileSync(file, JSON.stringify({ users: [entry('ann'), entry('cy')] }));
    users.reload();
    expect(users.status).toEqual({ count: 2, state: 'ok' });
    expect(users.find('token-cy')?.name).toBe('cy');
  });

  it('hands out a copy of its status', () => {
    const users = new Users(usersFile({ users: [entry('ann')] }), () => {});
    const status = users.status;
    status.count = 99;
    expect(users.status.count).toBe(1);
  });

  it('logs to stderr by default', () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = (chunk: string) => (written.push(chunk), true);
    try {
      const users = new Users(usersFile({ users: [entry('ann')] }));
      expect(written).toEqual([`ringcentral-mcp: users file ${users.file}: 1 user(s) in force: ann\n`]);
    } finally {
      process.stderr.write = write;
    }
  });

  describe('watching the file', () => {
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const until = async (test: () => boolean) => {
      for (let i = 0; i < 250 && !test(); i++) await pause(20);
      return test();
    };
    const stamp = (file: string, seconds: number) => utimesSync(file, seconds, seconds);
    /** A watched users file of ann, and its log. */
    const watched = async () => {
      const { lines, log } = logged();
      const file = usersFile({ users: [entry('ann')] });
      // A whole second, which every file system keeps exactly, so "the same time" is the same.
      stamp(file, SECOND);
      const users = new Users(file, log);
      const stop = users.watch(20);
      await pause(100); // the watcher's first look is its baseline
      return { file, users, lines, stop };
    };
    const SECOND = 1_700_000_000;

    it('a new time alone (same size, same file) reloads', async () => {
      const { file, users, stop } = await watched();
      try {
        writeFileSync(file, JSON.stringify({ users: [entry('bob')] })); // as long as ann's
        expect(await until(() => users.find('token-bob') !== undefined)).toBe(true);
      } finally {
        stop();
      }
    });
    it('a new size alone (same time) reloads', async () => {
      const { file, users, stop } = await watched();
      try {
        writeFileSync(file, JSON.stringify({ users: [entry('bobby')] }));
        stamp(file, SECOND);
        expect(await until(() => users.find('token-bobby') !== undefined)).toBe(true);
      } finally {
        stop();
      }
    });
    it('a replaced file alone (same time and size) reloads', async () => {
      const { file, users, stop } = await watched();
      try {
        const next = `${file}.next`;
        writeFileSync(next, JSON.stringify({ users: [entry('bob')] }));
        stamp(next, SECOND);
        renameSync(next, file);
        expect(await until(() => users.find('token-bob') !== undefined)).toBe(true);
      } finally {
        stop();
      }
    });
    it('a change of mode only does not reload', async () => {
      const { file, lines, stop } = await watched();
      try {
        chmodSync(file, 0o600);
        await pause(200);
        expect(lines.length).toBe(1);
      } finally {
        stop();
      }
    });
  });

  it('watches the file: a change in size, time or inode reloads it; stopping stops', async () => {
    const { lines, log } = logged();
    const file = usersFile({ users: [entry('ann')] });
    const users = new Users(file, log);
    const stop = users.watch(20);
    const until = async (test: () => boolean) => {
      for (let i = 0; i < 250 && !test(); i++) await new Promise((r) => setTimeout(r, 20));
      return test();
    };
    // The watcher's first look at the file takes a poll: a change before it would be its baseline.
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(file, JSON.stringify({ users: [entry('ann'), entry('bob')] }));
    expect(await until(() => users.find('token-bob') !== undefined)).toBe(true);
    stop();
    const seen = lines.length;
    writeFileSync(file, JSON.stringify({ users: [entry('cy')] }));
    await new Promise((r) => setTimeout(r, 150));
    expect(lines.length).toBe(seen);
    expect(users.find('token-cy')).toBeUndefined();
  });
});
