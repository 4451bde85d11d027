// The simulated account lives in one compact JSON file. Reads take no lock (writers replace the file
// atomically by rename); writes lock, re-read, modify, write a temp file and rename it into place.
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MembraneError } from './errors.js';
import { withLock } from './lock.js';
import { folderProblem } from './env.js';
import { STATE_VERSION, type State } from './model.js';
import { rebase } from './timeline.js';

let clock: () => number = () => Date.now();
let tenant: string | undefined;
/** Whose account a fresh state is seeded for (undefined: the default account). */
export function setTenant(t: string | undefined): void {
  tenant = t;
}
/** "Now" (or MEMBRANE_SANDBOX_NOW): the anchor of a fresh state, and where a loaded one is moved to. */
export function setClock(f: () => number): void {
  clock = f;
}

/** The state at `path`, its seeded activity moved to now. */
function load(path: string): State | undefined {
  const s = parse(path);
  if (s) rebase(s, clock());
  return s;
}

/** Said once per run, though a command may read the file more than once. */
let outdatedNoted = false;

function parse(path: string): State | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const s = JSON.parse(text) as State;
    if (s?.v === STATE_VERSION && wellFormed(s)) return s;
    if (typeof s?.v === 'number' && s.v < STATE_VERSION) {
      // Simulated data from an older sandbox: a fresh seed replaces it, so it works the first time.
      if (!outdatedNoted) process.stderr.write(`membrane-sandbox: ${path} is from an older version; starting from a fresh seed\n`);
      outdatedNoted = true;
      return undefined;
    }
  } catch {
    /* fall through */
  }
  throw new MembraneError(
    'internal',
    'state_corrupt',
    `Sandbox state file ${path} is unreadable or from a newer version; run: membrane-sandbox reset`,
  );
}

/** The lists and records every command reads: a state without them is corrupt, not a sandbox bug. */
const LISTS = ['extensions', 'phoneNumbers', 'contacts', 'messages', 'calls', 'active', 'chats', 'posts', 'bridges', 'history'] as const;
const isRecord = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
function wellFormed(s: State): boolean {
  return (
    typeof s.anchor === 'string' &&
    isRecord(s.next) &&
    isRecord(s.account) &&
    LISTS.every((key) => Array.isArray(s[key]) && (s[key] as unknown[]).every(isRecord))
  );
}

function write(path: string, s: State): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, JSON.stringify(s));
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* ignore */
    }
    throw e;
  }
}

function fresh(): State {
  const { buildSeed } = require('./seed/index.js') as typeof import('./seed/index.js');
  return buildSeed(clock(), tenant);
}

/**
 * The state's folder, made 0700 when missing; one that another user made or can write is refused:
 * they could plant the account this sandbox serves, or read every write.
 */
function ownFolder(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const problem = folderProblem(dir);
  if (problem)
    throw new MembraneError(
      'internal_error',
      'state_folder_unsafe',
      `the sandbox state folder ${dir} ${problem}; remove it, or set MEMBRANE_SANDBOX_STATE to a file in a folder of your own`,
    );
}

async function ensure(path: string): Promise<State> {
  ownFolder(path);
  const seed = fresh(); // built outside the lock; only written if still missing
  return withLock(path, () => {
    const existing = load(path);
    if (existing) return existing;
    write(path, seed);
    return seed;
  });
}

export async function readState(path: string): Promise<State> {
  ownFolder(path);
  return load(path) ?? ensure(path);
}

/** Runs `fn` on the latest state under the lock and persists it when `fn` reports a change. */
export async function mutate<T>(path: string, fn: (s: State) => { result: T; changed: boolean }): Promise<T> {
  ownFolder(path);
  if (!existsSync(path)) await ensure(path);
  return withLock(path, () => {
    // Missing (deleted meanwhile) or from an older version: the command runs on a fresh seed.
    const s = load(path) ?? fresh();
    const { result, changed } = fn(s);
    if (changed || s.v !== STATE_VERSION) write(path, s);
    return result;
  });
}

export async function resetState(path: string): Promise<State> {
  ownFolder(path);
  const seed = fresh();
  withLock(path, () => write(path, seed));
  return seed;
}
