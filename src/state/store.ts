/**
 * Where the server keeps what must hold across calls, processes and instances: used
 * confirmation tokens, the SMS duplicate window and idempotency keys, rate-limit penalties.
 * Files in the user's temp dir (one machine) or Redis (any number of instances).
 */
import { ToolError } from '../errors.js';

export interface StateStore {
  /** `file` or `redis`, and where: shown by /healthz and in refusals. */
  readonly description: string;
  /** Stores `value` under `key` unless the key exists (atomic across processes). True when stored. */
  create(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  /** Stores `value`, replacing any earlier one. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Removes `key` only while it still holds exactly `value` (compare-and-delete): a record this
   * process wrote, never one another wrote since. Ordered after this process's earlier writes.
   */
  deleteIf(key: string, value: string): Promise<void>;
  /**
   * Since when the store remembers: `since` (epoch ms) is when its memory began, and `afterLoss`
   * says it began by losing what it held before (a Redis restarted without persistence).
   */
  memory(): Promise<StoreMemory>;
  /** Whether the store answers now (a ping for Redis). */
  reachable(): Promise<boolean>;
  /**
   * How many changes to the store this process has been told of, read without a round trip: a
   * reader may keep what it read in memory while the count stays where it was. Undefined while the
   * store cannot tell (not watching yet, or its feed of changes is down): then read the store.
   */
  changes?(): number | undefined;
  /** Tells every process watching the store that records changed (files: their watcher sees it by itself). */
  announce?(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreMemory {
  since: number;
  afterLoss: boolean;
}

/** A store whose keys all start with `prefix`: one user's or one account's share of a store. */
export function scoped(store: StateStore, prefix: string): StateStore {
  return {
    description: store.description,
    create: (key, value, ttlMs) => store.create(`${prefix}:${key}`, value, ttlMs),
    get: (key) => store.get(`${prefix}:${key}`),
    put: (key, value, ttlMs) => store.put(`${prefix}:${key}`, value, ttlMs),
    delete: (key) => store.delete(`${prefix}:${key}`),
    deleteIf: (key, value) => store.deleteIf(`${prefix}:${key}`, value),
    memory: () => store.memory(),
    reachable: () => store.reachable(),
    changes: () => store.changes?.(),
    announce: async () => store.announce?.(),
    close: () => store.close(),
  };
}

/** The refusal for a write whose safety check needs the store: nothing was sent. */
export function stateUnavailable(store: StateStore, what: string, cause: unknown): ToolError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ToolError(
    'state_unavailable',
    `${what} could not run because the shared state (${store.description}) did not answer (${reason}); nothing was sent or changed`,
    {
      fix: store.description.startsWith('files')
        ? 'fix the folder as the message says (a private folder of yours, not a symlink), then call again; reads keep working meanwhile'
        : 'bring the state store back (check that Redis is up and reachable from this server), then call again; reads keep working meanwhile',
    },
  );
}
