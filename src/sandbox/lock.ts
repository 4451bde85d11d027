// Cross-process mutex on a file: exclusive-create a lock file that names its holder, retry with
// jitter, and take over only a lock whose holder process is gone. A live holder keeps its lock
// however slow it is (a loaded machine can pause a writer for seconds): taking it would let two
// writers each commit their own copy of the state, and one write would be lost.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { MembraneError } from './errors.js';
import { sleepSync } from './sleep.js';

/** A holder that died between creating the file and naming itself leaves it empty for this long. */
const UNNAMED_STALE_MS = 10_000;
const GIVE_UP_MS = 60_000;

/** The kernel's start time of a process (Linux), so a reused pid is not mistaken for the holder. */
function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function isAlive(pid: number, startTime: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTimeOf(pid);
  return !startTime || !now || now === startTime;
}

/** `pid:startTime:random`: who holds the lock, precisely enough to tell when it is gone. */
const holderToken = (): string => `${process.pid}:${startTimeOf(process.pid)}:${Math.random().toString(36).slice(2)}`;

function tryCreate(lockPath: string, token: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    try {
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function readHolder(lockPath: string): { token: string; mtimeMs: number } | undefined {
  try {
    const mtimeMs = statSync(lockPath).mtimeMs;
    return { token: readFileSync(lockPath, 'utf8'), mtimeMs };
  } catch {
    return undefined; // released meanwhile
  }
}

function holderGone(holder: { token: string; mtimeMs: number }): boolean {
  const [pidText, startTime = ''] = holder.token.split(':');
  const pid = Number(pidText);
  if (!holder.token || !Number.isInteger(pid) || pid <= 0) return Date.now() - holder.mtimeMs > UNNAMED_STALE_MS;
  return !isAlive(pid, startTime);
}

function takeOverIfAbandoned(lockPath: string): void {
  const holder = readHolder(lockPath);
  if (!holder || !holderGone(holder)) return;
  // Move it aside atomically, then make sure what we moved is the abandoned lock and not one a live
  // process created between our read and the rename; if it is not, put it back.
  const grave = `${lockPath}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lockPath, grave);
  } catch {
    return;
  }
  try {
    if (readFileSync(grave, 'utf8') !== holder.token) {
      try {
        linkSync(grave, lockPath);
      } catch {
        /* another process holds the lock now; the moved one's holder finds its token gone on release */
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
  const token = holderToken();
  const deadline = Date.now() + GIVE_UP_MS;
  let attempt = 0;
  while (!tryCreate(lockPath, token)) {
    if (Date.now() > deadline) {
      const holder = readHolder(lockPath)?.token.split(':')[0] ?? 'unknown';
      throw new MembraneError('concurrency', 'lock_timeout', `Sandbox state is locked by process ${holder} (${lockPath}); try again`);
    }
    takeOverIfAbandoned(lockPath);
    attempt++;
    sleepSync(2 + Math.random() * Math.min(50, 4 + attempt * 2));
  }
  try {
    return fn();
  } finally {
    try {
      // Only remove our own lock.
      if (readFileSync(lockPath, 'utf8') === token) unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}
