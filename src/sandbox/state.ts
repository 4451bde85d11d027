// The simulated account lives in one JSON file (one top-level field per line). Reads take no lock (writers replace the file
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
  statePath = path;
  try {
    const s = parseLines(text) ?? (JSON.parse(text) as State);
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
  throw corrupt(path);
}

const corrupt = (path: string) =>
  new MembraneError(
    'internal',
    'state_corrupt',
    `Sandbox state file ${path} is unreadable or from a newer version; run: membrane-sandbox reset`,
  );

/** The lists and records every command reads: a state without them is corrupt, not a sandbox bug. */
const LISTS = ['extensions', 'phoneNumbers', 'contacts', 'messages', 'calls', 'active', 'chats', 'posts', 'bridges', 'history'] as const;
type List = (typeof LISTS)[number];
const isRecord = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const wellFormedList = (v: unknown): boolean => Array.isArray(v) && v.every(isRecord);
function wellFormed(s: State): boolean {
  return (
    typeof s.anchor === 'string' &&
    isRecord(s.next) &&
    isRecord(s.account) &&
    // A list not read yet is checked when it is (see parseLines).
    LISTS.every((key) => unread.get(s)?.has(key) || wellFormedList(s[key]))
  );
}

/**
 * The file is one JSON object written one top-level field per line (write below). Every command
 * is a new process and most read one or two of the lists: a list is parsed (and checked, and
 * moved to now) when a command first reads it, and written back as it was read when it never is.
 * A file in any other layout (an older sandbox, a hand-written one) is parsed whole.
 */
const unread = new WeakMap<State, Map<List, string>>();
const LINE = /^\{?"(\w+)":([\s\S]*?)[,}]$/;

function parseLines(text: string): State | undefined {
  const lines = text.split('\n');
  if (!lines[0].startsWith('{"v":') || !text.endsWith('}')) return undefined;
  const raw = new Map<string, string>();
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) return undefined;
    raw.set(m[1], m[2]);
  }
  if (LISTS.some((key) => !raw.get(key)?.startsWith('['))) return undefined;
  const s = {} as State;
  const pending = new Map<List, string>();
  for (const [key, value] of raw) {
    if (!(LISTS as readonly string[]).includes(key)) (s as unknown as Record<string, unknown>)[key] = JSON.parse(value);
    else pending.set(key as List, value);
  }
  for (const key of LISTS) defineLazy(s, key, pending);
  unread.set(s, pending);
  return s;
}

/** `s[key]` parsed from its line on first read; a list that is not a list of records is a corrupt state. */
function defineLazy(s: State, key: List, pending: Map<List, string>): void {
  Object.defineProperty(s, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value: unknown = JSON.parse(pending.get(key)!);
      if (!wellFormedList(value)) throw corrupt(statePath ?? 'the sandbox state');
      settle(s, key, value, pending);
      return value;
    },
    set(value: unknown) {
      settle(s, key, value, pending);
    },
  });
}

function settle(s: State, key: List, value: unknown, pending: Map<List, string>): void {
  pending.delete(key);
  Object.defineProperty(s, key, { value, enumerable: true, configurable: true, writable: true });
}

/** The path being read, for the message of a list found corrupt when first read. */
let statePath: string | undefined;

/** One JSON object, one top-level field per line; a list never read is written as it was read. */
function serialize(s: State): string {
  const pending = unread.get(s);
  const fields = Object.keys(s).map(
    (key) => `${JSON.stringify(key)}:${pending?.get(key as List) ?? JSON.stringify(s[key as keyof State])}`,
  );
  return `{${fields.join(',\n')}}`;
}

function write(path: string, s: State): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, serialize(s));
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
