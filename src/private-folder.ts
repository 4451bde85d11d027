/**
 * Folders of one local user that no other user can read or plant: the server's own (the state
 * store, the `call` route's secret) and where the bundled sandbox keeps its state (whose path
 * names the simulated account a runtime acts on). The sandbox, a program of its own, computes the
 * same paths in src/sandbox/env.ts; a test holds the two to the same answer.
 */
import { lstatSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Why another user could read or plant what is kept in `dir` (a symlink, another owner, writable
 * by others under `openMask`), or undefined when it is safe or does not exist yet (it is made 0700).
 */
export function folderProblem(dir: string, openMask = 0o022): string | undefined {
  // Stryker disable next-line ConditionalExpression,StringLiteral: Windows has no POSIX modes or owners; the tests run on POSIX
  if (process.platform === 'win32') return undefined;
  let info;
  try {
    info = lstatSync(dir);
  } catch {
    return undefined;
  }
  if (!info.isDirectory()) return 'is not a directory (a symlink?)';
  // Stryker disable next-line OptionalChaining: getuid exists wherever this line runs (POSIX)
  if (info.uid !== process.getuid?.()) return `belongs to another user (uid ${info.uid})`;
  if ((info.mode & openMask) !== 0) return `is open to other users (mode ${(info.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * A per-user folder `name`: `<temp dir>/<name>-<uid>`, unless another local user made that first
 * (the temp dir is shared, and its sticky bit keeps us from removing their folder); then
 * `$XDG_RUNTIME_DIR/<name>`, then `~/.cache/<name>`, which only this user can write.
 */
export function privateFolder(name: string, uid: number | string, e: NodeJS.ProcessEnv = process.env, openMask = 0o022): string {
  const candidates = [join(tmpdir(), `${name}-${uid}`)];
  if (e.XDG_RUNTIME_DIR) candidates.push(join(e.XDG_RUNTIME_DIR, name));
  candidates.push(join(homedir(), '.cache', name));
  return candidates.find((dir) => folderProblem(dir, openMask) === undefined) ?? candidates[0];
}

/** The sandbox's state file under the environment `e` it runs with (MEMBRANE_SANDBOX_STATE, else its private folder). */
export function sandboxStatePath(e: NodeJS.ProcessEnv): string {
  // Stryker disable next-line ConditionalExpression,StringLiteral: getuid exists on every POSIX platform; 'user' is Windows'
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return e.MEMBRANE_SANDBOX_STATE || join(privateFolder('membrane-sandbox', uid, e), 'state.json');
}
