// Cross-process mutex on a file: exclusive-create a lock file, retry with jitter, take over a lock
// whose holder has been silent for STALE_MS (it crashed or was killed mid-write).
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { MembraneError } from './errors.js';
import { sleepSync } from './sleep.js';

const STALE_MS = 4_000;
const GIVE_UP_MS = 30_000;

function tryCreate(lockPath: string, token: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, token);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function takeOverIfStale(lockPath: string): void {
  let st;
  try {
    st = statSync(lockPath);
  } catch {
    return; // released meanwhile
  }
  if (Date.now() - st.mtimeMs < STALE_MS) return;
  // Move it aside atomically, then make sure what we moved is the stale one and not a fresh lock
  // another process created between our stat and rename; if it is fresh, put it back.
  const grave = `${lockPath}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lockPath, grave);
  } catch {
    return;
  }
  try {
    if (Date.now() - statSync(grave).mtimeMs < STALE_MS) {
      try {
        linkSync(grave, lockPath);
      } catch {
        /* someone else holds it now; the stolen one's owner will find its token gone */
      }
    }
  } finally {
    try {
      unlinkSync(grave);
    } catch {
      /* ignore */
    }
  }
}

export function withLock<T>(target: string, fn: () => T): T {
  const lockPath = `${target}.lock`;
  const token = `${process.pid}:${Math.random().toString(36).slice(2)}:${Date.now()}`;
  const deadline = Date.now() + GIVE_UP_MS;
  let attempt = 0;
  while (!tryCreate(lockPath, token)) {
    if (Date.now() > deadline) {
      throw new MembraneError('concurrency', 'lock_timeout', `Sandbox state is locked by another process (${lockPath}); try again`);
    }
    takeOverIfStale(lockPath);
    attempt++;
    sleepSync(2 + Math.random() * Math.min(30, 4 + attempt * 2));
  }
  try {
    return fn();
  } finally {
    try {
      // Only remove our own lock: after a takeover the file may belong to someone else.
      if (readFileSync(lockPath, 'utf8') === token) unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}
