// Everything the sandbox reads from the environment, in one place.
import { lstatSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const FAULTS = [
  'not-logged-in',
  'no-connection',
  'two-connections',
  'disconnected',
  'building',
  'config-error',
  'rate-limit',
  'upstream-error',
  'server-error',
  'hang',
  'hang-with-child',
  'lingering-child',
  'slow',
  'garbage',
  'banner',
  'huge',
  'crash',
  'stderr-only',
] as const;
export const VARIANTS = [
  'bare-lists',
  'unwrapped-output',
  'key-only',
  'records-cursor',
  'request-exit-zero',
  // Connectors that differ from RingCentral's REST shapes in ways Membrane's public docs allow.
  'renamed-inputs',
  'data-records',
  'replace-update',
  'no-schemas',
  'scalar-filters',
  // Message and contact ids as 19-digit int64 values beyond 2^53 (the REST layer too).
  'big-ids',
  // The connector's base URL is the platform host plus /restapi/v1.0 (full RingCentral URLs still work).
  'rest-base',
  // The CLI appends --query values to the URL without encoding them.
  'raw-query',
  // Action input schemas declare only some of the properties RingCentral takes.
  'partial-schemas',
] as const;
export type Fault = (typeof FAULTS)[number];
export type Variant = (typeof VARIANTS)[number];

const split = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export interface Env {
  faults: Set<string>;
  variants: Set<string>;
  statePath: string;
  /** Workspace and tenant (`<workspaceKey>/<tenantKey>`) when given: its own account (tenant.ts). */
  tenant?: string;
  tenantKey?: string;
  /** "Now" for default date windows and new records (MEMBRANE_SANDBOX_NOW pins it). */
  now: () => number;
  rateLimits: boolean;
  delayMs: number;
  logPath?: string;
  /** One line per RingCentral request served or refused (log.ts). */
  requestLogPath?: string;
  /** One line per process at its exit: when it started and ended (the bench's per-phase figures). */
  timingLogPath?: string;
}

export function readEnv(e: NodeJS.ProcessEnv = process.env): Env {
  const faults = new Set(split(e.MEMBRANE_SANDBOX_FAULT));
  // The fault file is re-read on every invocation so a test can flip faults under a running server.
  if (e.MEMBRANE_SANDBOX_FAULT_FILE) {
    try {
      for (const f of split(readFileSync(e.MEMBRANE_SANDBOX_FAULT_FILE, 'utf8').trim())) faults.add(f);
    } catch {
      /* no file: no faults */
    }
  }
  const pinned = e.MEMBRANE_SANDBOX_NOW ? Date.parse(e.MEMBRANE_SANDBOX_NOW) : NaN;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const delay = Number(e.MEMBRANE_SANDBOX_DELAY_MS);
  return {
    faults,
    variants: new Set(split(e.MEMBRANE_SANDBOX_VARIANT)),
    statePath: e.MEMBRANE_SANDBOX_STATE || join(privateFolder('membrane-sandbox', uid, e), 'state.json'),
    now: Number.isFinite(pinned) ? () => pinned : () => Date.now(),
    rateLimits: e.MEMBRANE_SANDBOX_RATE_LIMITS === '1' || e.MEMBRANE_SANDBOX_RATE_LIMITS === 'true',
    delayMs: Number.isFinite(delay) && delay >= 0 ? delay : 300,
    logPath: e.MEMBRANE_SANDBOX_LOG || undefined,
    requestLogPath: e.MEMBRANE_SANDBOX_REQUEST_LOG || undefined,
    timingLogPath: e.MEMBRANE_SANDBOX_TIMING_LOG || undefined,
  };
}

/**
 * Why another user could read or plant what is kept in `dir` (a symlink, another owner, writable
 * by others under `openMask`), or undefined when it is safe or does not exist yet (it is made 0700).
 */
export function folderProblem(dir: string, openMask = 0o022): string | undefined {
  if (process.platform === 'win32') return undefined;
  let info;
  try {
    info = lstatSync(dir);
  } catch {
    return undefined;
  }
  if (!info.isDirectory()) return 'is not a directory (a symlink?)';
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
