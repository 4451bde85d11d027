/**
 * src/private-folder.ts and src/safety/secret.ts in process: which folder keeps the state and the
 * confirmation secret, and every reason a folder another user could read or plant is refused.
 * Runs as any user; as root, another user's folder is made with chown.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderProblem, privateFolder, sandboxStatePath } from '../../src/private-folder.js';
import { userSecret } from '../../src/safety/secret.js';

const root = mkdtempSync(join(tmpdir(), 'private-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (mode = 0o700) => {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir, { mode });
  chmodSync(dir, mode);
  return dir;
};
const isRoot = process.getuid?.() === 0;
/** A folder of another user: one chowned away as root, else root's own /root. */
const othersFolder = () => {
  if (!isRoot) return '/root';
  const dir = fresh();
  chownSync(dir, 65534, 65534);
  return dir;
};

describe('folderProblem', () => {
  it('none for a private folder of ours, or one that does not exist yet', () => {
    expect(folderProblem(fresh())).toBeUndefined();
    expect(folderProblem(fresh(0o755))).toBeUndefined(); // readable by others is allowed by the default mask
    expect(folderProblem(join(root, 'absent'))).toBeUndefined();
  });
  it('a symlink or a file is not a directory', () => {
    const link = join(root, `link${n++}`);
    symlinkSync(fresh(), link);
    expect(folderProblem(link)).toBe('is not a directory (a symlink?)');
    const file = join(root, `file${n++}`);
    writeFileSync(file, '');
    expect(folderProblem(file)).toBe('is not a directory (a symlink?)');
  });
  it("another user's folder", () => {
    const dir = othersFolder();
    const uid = statSync(dir).uid;
    expect(folderProblem(dir)).toBe(`belongs to another user (uid ${uid})`);
  });
  it('writable by others under the default mask; readable too under 077', () => {
    expect(folderProblem(fresh(0o720))).toBe('is open to other users (mode 720)');
    expect(folderProblem(fresh(0o702))).toBe('is open to other users (mode 702)');
    expect(folderProblem(fresh(0o740), 0o077)).toBe('is open to other users (mode 740)');
    expect(folderProblem(fresh(0o701), 0o077)).toBe('is open to other users (mode 701)');
    expect(folderProblem(fresh(0o700), 0o077)).toBeUndefined();
  });
});

describe('privateFolder', () => {
  const uid = `t${process.pid}`;
  // A name nobody has used, so ~/.cache/<name> does not exist (nothing is made there).
  const name = `pf-test-${process.pid}-${Date.now()}`;
  afterAll(() => rmSync(join(tmpdir(), `${name}-${uid}`), { recursive: true, force: true }));

  it('the temp dir one first, when it is ours or not made yet', () => {
    expect(privateFolder(name, uid, {})).toBe(join(tmpdir(), `${name}-${uid}`));
  });
  it('then $XDG_RUNTIME_DIR, then ~/.cache, when the one before is refused', () => {
    const taken = join(tmpdir(), `${name}-${uid}`);
    mkdirSync(taken, { mode: 0o777 });
    chmodSync(taken, 0o777);
    const xdg = fresh();
    expect(privateFolder(name, uid, { XDG_RUNTIME_DIR: xdg })).toBe(join(xdg, name));
    expect(privateFolder(name, uid, {})).toBe(join(homedir(), '.cache', name));
    // An $XDG_RUNTIME_DIR/<name> that is refused too falls through to ~/.cache.
    mkdirSync(join(xdg, name), { mode: 0o777 });
    chmodSync(join(xdg, name), 0o777);
    expect(privateFolder(name, uid, { XDG_RUNTIME_DIR: xdg })).toBe(join(homedir(), '.cache', name));
    // A mask decides what "refused" is.
    chmodSync(taken, 0o750);
    expect(privateFolder(name, uid, {})).toBe(taken);
    expect(privateFolder(name, uid, { XDG_RUNTIME_DIR: xdg }, 0o077)).toBe(join(homedir(), '.cache', name));
  });
});

describe('sandboxStatePath', () => {
  it('MEMBRANE_SANDBOX_STATE when set, else state.json in the sandbox folder', () => {
    expect(sandboxStatePath({ MEMBRANE_SANDBOX_STATE: '/x/state.json' })).toBe('/x/state.json');
    const uid = process.getuid!();
    expect(sandboxStatePath({ MEMBRANE_SANDBOX_STATE: '' })).toBe(join(privateFolder('membrane-sandbox', uid, {}), 'state.json'));
    expect(sandboxStatePath({})).toMatch(new RegExp(`membrane-sandbox(-${uid})?/state\\.json$`));
  });
});

/** The message of the Error `fn` throws (anything else thrown fails the test). */
const thrown = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error('nothing was thrown');
};

describe('userSecret', () => {
  it('made 0700 with a 0600 secret of 64 hex digits, read back the same', () => {
    const dir = join(fresh(), 'sub');
    const secret = userSecret(dir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'confirm-secret')).mode & 0o777).toBe(0o600);
    expect(userSecret(dir)).toBe(secret);
    expect(userSecret(join(fresh(), 'other'))).not.toBe(secret);
  });
  it('reads an existing secret trimmed', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'confirm-secret'), '  abc123\n', { mode: 0o600 });
    expect(userSecret(dir)).toBe('abc123');
  });
  it('refuses a folder open to others, even read-only, naming the fix', () => {
    for (const mode of [0o740, 0o704, 0o710, 0o701]) {
      const dir = fresh(mode);
      writeFileSync(join(dir, 'confirm-secret'), 'planted');
      expect(thrown(() => userSecret(dir))).toBe(
        `refusing to use ${dir} for the confirmation secret: it is open to other users (mode ${mode.toString(8)}); remove it (rm -r ${dir}) and call again`,
      );
    }
  });
  it('refuses a symlink, a file, and a folder of another user', () => {
    const link = join(root, `slink${n++}`);
    symlinkSync(fresh(), link);
    expect(thrown(() => userSecret(link))).toBe(
      `refusing to use ${link} for the confirmation secret: it is not a directory; remove it (rm -r ${link}) and call again`,
    );
    const other = othersFolder();
    expect(thrown(() => userSecret(other))).toBe(
      `refusing to use ${other} for the confirmation secret: it belongs to another user (uid ${statSync(other).uid}); remove it (rm -r ${other}) and call again`,
    );
  });
  it('a secret file it cannot create or read is an error, not a secret', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'confirm-secret'));
    expect(thrown(() => userSecret(dir))).toMatch(/EISDIR/);
  });
  it('never writes the secret through a symlink planted in its place', () => {
    const dir = fresh();
    const target = join(fresh(), 'planted-target');
    symlinkSync(target, join(dir, 'confirm-secret'));
    expect(thrown(() => userSecret(dir))).toMatch(/ENOENT/);
    expect(statSync(target, { throwIfNoEntry: false })).toBeUndefined();
  });
});
